//! Calibration against outcomes: the funnel and its reading, the threshold sweep (with a
//! suggested threshold for a target MQL→SQL rate or a sales capacity), and the rule lift table.

use crate::app::widgets::Palette;
use egui::{Color32, RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints, VLine};

use crate::app::state::{Action, CalibrationInputs, CalibrationResults, ViewAction};
use crate::calibration::{SweepPoint, Target, monthly_capacity_to_count, suggest_threshold};
use crate::edit::ModelEdit;
use crate::model::{Model, fmt_number};

/// What the user can set in the view (not part of the document).
fn percent(value: Option<f64>) -> String {
    value.map_or("—".to_owned(), |v| format!("{} %", fmt_number(v * 100.0)))
}

/// Draws the view; returns the change the user asked for, if any.
pub fn calibration_ui(
    ui: &mut Ui,
    model: &Model,
    results: &CalibrationResults,
    inputs: &CalibrationInputs,
    actions: &mut Vec<Action>,
) {
    let Some(funnel) = &results.funnel else {
        ui.label("Calibrating…");
        return;
    };
    // The targets are edited on a copy; a change is pushed as one view action.
    let original_inputs = inputs;
    let mut edited = inputs.clone();
    let inputs = &mut edited;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading("Funnel of the current model");
            egui::Grid::new("funnel").num_columns(3).striped(true).show(ui, |ui| {
                use crate::calibration::quality::Rate;
                for (stage, count, rate, tooltip) in [
                    ("Leads", funnel.leads, String::new(), "All sample leads"),
                    ("MQLs", funnel.mqls, percent(funnel.lead_to_mql()), "Lead → MQL rate"),
                    ("SQLs from MQLs", funnel.mql_sqls, Rate::of(funnel.mql_sqls, funnel.mql_with_outcome).text(), "MQL → SQL rate with its 95 % interval: the MQLs that sales accepted"),
                    ("Won from MQLs", funnel.mql_won, Rate::of(funnel.mql_won, funnel.mql_sqls).text(), "SQL → won rate with its 95 % interval"),
                ] {
                    ui.label(RichText::new(stage).strong()).on_hover_text(tooltip);
                    ui.label(count.to_string());
                    ui.label(rate);
                    ui.end_row();
                }
            });
            ui.label(format!(
                "All leads with an outcome: {} reached SQL, {} were won.",
                funnel.sqls, funnel.won
            ));
            let reading = funnel.reading();
            ui.label(RichText::new(reading.text()).color(reading_color(Palette::of(ui), &reading)));
            ui.separator();

            let target_percent = inputs.target_rate_percent.unwrap_or_else(|| {
                crate::calibration::default_target_rate(funnel) * 100.0
            });
            ui.heading("Threshold sweep");
            sweep_plot_ui(ui, model, &results.sweep, target_percent, funnel.leads);
            ui.horizontal(|ui| {
                ui.label("Target MQL → SQL rate");
                let mut percent_asked = target_percent;
                ui.add(
                    egui::DragValue::new(&mut percent_asked)
                        .range(1.0..=100.0)
                        .suffix(" %"),
                )
                .accessible_name("Target MQL to SQL rate")
                .on_hover_text(
                    "The share of MQLs sales should accept; until you set it, 1.5 × the share of all \
                     leads that reached SQL (20 % to 95 %)",
                );
                if percent_asked != target_percent {
                    inputs.target_rate_percent = Some(percent_asked);
                }
                if let Some(s) = suggest_threshold(&results.sweep, Target::MqlToSqlRate(target_percent / 100.0)) {
                    if ui
                        .button(format!("Use {}", fmt_number(s.threshold)))
                        .on_hover_text("Set the MQL threshold to this value (undo with Ctrl+Z)")
                        .clicked()
                    {
                        actions.push(ModelEdit::UseThreshold(s.threshold).into());
                    }
                } else {
                    ui.label("no threshold reaches that rate");
                }
            });
            if let Some(s) = suggest_threshold(&results.sweep, Target::MqlToSqlRate(target_percent / 100.0)) {
                ui.label(RichText::new(&s.explanation).weak());
            }
            ui.horizontal(|ui| {
                ui.label("Sales capacity");
                ui.add(egui::DragValue::new(&mut inputs.capacity_per_month).range(1.0..=100_000.0).suffix(" MQLs/month"))
                    .accessible_name("Sales capacity per month")
                    .on_hover_text("How many MQLs sales can follow up each month");
                ui.label("over");
                ui.add(egui::DragValue::new(&mut inputs.period_days).range(1.0..=3650.0).suffix(" days"))
                    .accessible_name("Sample period in days")
                    .on_hover_text("How many days of leads the sample covers");
                let count = monthly_capacity_to_count(inputs.capacity_per_month, inputs.period_days);
                if let Some(s) = suggest_threshold(&results.sweep, Target::MqlCount(count)) {
                    if ui
                        .button(format!("Use {} ", fmt_number(s.threshold)))
                        .accessible_name(format!("Use threshold {} for capacity", fmt_number(s.threshold)))
                        .on_hover_text("Set the MQL threshold to this value (undo with Ctrl+Z)")
                        .clicked()
                    {
                        actions.push(ModelEdit::UseThreshold(s.threshold).into());
                    }
                } else {
                    ui.label("no threshold keeps the volume that low");
                }
            });
            let count = monthly_capacity_to_count(inputs.capacity_per_month, inputs.period_days);
            if let Some(s) = suggest_threshold(&results.sweep, Target::MqlCount(count)) {
                ui.label(RichText::new(&s.explanation).weak());
            }
            ui.separator();

            super::quality::quality_ui(ui, results, inputs);
            ui.separator();
            super::fit_preview::fit_preview_ui(ui, model, results, inputs, actions);
            ui.separator();

            ui.heading("Rule lift");
            ui.label(
                RichText::new(
                    "For each rule, one at a time: leads it contributes for, their SQL rate against the rest, the lift, and points suggested by the data (+10 per doubling of the odds of reaching SQL; a per-occurrence rule's per occurrence; none from fewer than 30 leads; see docs/calibration.md).",
                )
                .weak(),
            );
            egui::Grid::new("lift_table").num_columns(8).striped(true).show(ui, |ui| {
                for title in ["Rule", "Points", "Fires for", "SQL rate", "Rest", "Lift", "Suggested", ""] {
                    ui.label(RichText::new(title).strong());
                }
                ui.end_row();
                for rule in &results.lift {
                    ui.label(format!("{} ({})", rule.label, rule.id));
                    ui.label(rule.current_points.map_or("—".to_owned(), fmt_number));
                    ui.label(rule.matched.to_string());
                    ui.label(crate::calibration::quality::Rate::of(rule.matched_sqls, rule.matched).text());
                    ui.label(percent(rule.rest_rate));
                    ui.label(rule.lift.map_or("—".to_owned(), |l| format!("×{}", fmt_number(l))));
                    match (&rule.suggested_points, &rule.withheld) {
                        (Some(points), _) if !rule.per.is_empty() => {
                            ui.label(format!("{} {}", fmt_number(*points), rule.per))
                        }
                        (Some(points), _) => ui.label(fmt_number(*points)),
                        (None, Some(why)) => ui.label(RichText::new("too few leads").weak()).on_hover_text(why),
                        (None, None) => ui.label("—"),
                    };
                    match (rule.suggested_points, rule.current_points) {
                        (Some(suggested), Some(current)) if suggested != current => {
                            if ui
                                .small_button("apply")
                                .accessible_name(format!("Apply suggested points to {}", rule.label))
                                .on_hover_text("Set this rule's points to the suggested value (undo with Ctrl+Z)")
                                .clicked()
                            {
                                actions.push(
                                    ModelEdit::SetRulePoints {
                                        id: rule.id.clone(),
                                        points: suggested,
                                    }
                                    .into(),
                                );
                            }
                        }
                        _ => {
                            ui.label("");
                        }
                    }
                    ui.end_row();
                }
            });
        });
    if edited != *original_inputs {
        actions.push(ViewAction::CalibrationInputs(edited).into());
    }
}

fn reading_color(palette: Palette, reading: &crate::calibration::Reading) -> Color32 {
    match reading {
        crate::calibration::Reading::Healthy { .. } => palette.positive(),
        crate::calibration::Reading::TooLoose { .. }
        | crate::calibration::Reading::TooTight { .. } => palette.warning(),
        _ => palette.weak_text(),
    }
}

fn sweep_plot_ui(
    ui: &mut Ui,
    model: &Model,
    sweep: &[SweepPoint],
    target_percent: f64,
    lead_count: usize,
) {
    let palette = Palette::of(ui);
    let precision_color = palette.negative();
    let recall_color = palette.team(crate::model::Team::Marketing);
    let volume_color = palette.weak_text();
    let current_color = palette.positive();
    let suggested_color = palette.status(crate::scoring::Status::FastTracked);
    let total = lead_count.max(1) as f64;
    let series = |value: &dyn Fn(&SweepPoint) -> Option<f64>| -> Vec<[f64; 2]> {
        sweep
            .iter()
            .filter_map(|p| value(p).map(|v| [p.threshold, v * 100.0]))
            .collect()
    };
    let precision = series(&|p| p.precision);
    let recall = series(&|p| p.recall);
    let volume = series(&|p| Some(p.mqls as f64 / total));
    let suggestion = suggest_threshold(sweep, Target::MqlToSqlRate(target_percent / 100.0));
    ui.horizontal_wrapped(|ui| {
        for (text, color) in [
            ("━ MQL → SQL rate (precision)", precision_color),
            ("━ share of all SQLs captured (recall)", recall_color),
            ("━ MQLs, % of leads", volume_color),
            ("┃ current threshold", current_color),
            ("┆ suggested for the target rate", suggested_color),
        ] {
            ui.label(RichText::new(text).color(color));
        }
    });
    Plot::new("threshold_sweep")
        .height(220.0)
        .include_y(0.0)
        .include_y(100.0)
        .x_axis_label("threshold")
        .y_axis_label("%")
        .show(ui, |plot_ui| {
            plot_ui.line(
                Line::new("MQL → SQL rate (precision)", PlotPoints::from(precision))
                    .color(precision_color)
                    .width(2.0),
            );
            plot_ui.line(
                Line::new("share of SQLs captured (recall)", PlotPoints::from(recall))
                    .color(recall_color)
                    .width(2.0),
            );
            plot_ui.line(
                Line::new("MQLs, % of leads", PlotPoints::from(volume))
                    .color(volume_color)
                    .width(1.5),
            );
            plot_ui.add(
                VLine::new(format!("current {}", fmt_number(model.combine.mql_threshold)), model.combine.mql_threshold)
                    .color(current_color)
                    .width(2.0),
            );
            if let Some(s) = suggestion {
                plot_ui.add(
                    VLine::new(format!("suggested {}", fmt_number(s.threshold)), s.threshold)
                        .color(suggested_color)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        })
        .response
        .on_hover_text("For every threshold: the MQL → SQL rate, the share of all SQLs the MQLs capture, and the MQL volume");
}
