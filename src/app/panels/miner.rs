//! *Find rules*: the rule miner. Every column of the leads, the most separating first; for the
//! chosen column, the SQL rate per value or bin with its interval, the lift and suggested points,
//! and *Add as rule* (one undo step each, or all of a column's at once).

use egui::{RichText, Ui};

use crate::app::miner_jobs::MinerReport;
use crate::app::state::{Action, ViewAction};
use crate::app::widgets::Palette;
use crate::calibration::miner::{
    Baseline, ColumnMining, MinedRule, model_with_mined_rules, rule_for,
};
use crate::calibration::quality::Rate;
use crate::edit::ModelEdit;
use crate::model::{Model, fmt_number, fmt_signed};

/// Draws the view from the report (computed for the current model and leads).
pub fn miner_ui(
    ui: &mut Ui,
    model: &Model,
    report: Option<&MinerReport>,
    selected: Option<&str>,
    actions: &mut Vec<Action>,
) {
    let Some(report) = report else {
        ui.label("Mining the leads…");
        return;
    };
    if report.columns.is_empty() {
        ui.label(
            "No lead has an outcome, so there is nothing to learn from: add an outcome column \
             (a funnel stage, or reached SQL yes/no) to the leads.",
        );
        return;
    }
    let on = match report.holdout {
        Some(h) => format!(
            "the leads outside the {} holdout (set in Calibration)",
            crate::calibration::percent(h.share)
        ),
        None => "every lead with an outcome".to_owned(),
    };
    ui.label(
        RichText::new(format!(
            "How each column's values relate to reaching SQL, on {on}; columns that separate \
             best first. Points: +10 per doubling of the odds, none from fewer than {} leads \
             (docs/calibration.md, the miner).",
            crate::calibration::quality::MIN_LEADS
        ))
        .weak(),
    );
    let column = selected
        .and_then(|name| report.columns.iter().find(|c| c.column == name))
        .or_else(|| report.columns.first());
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(240.0_f32.min(ui.available_width() / 3.0));
            ui.label(RichText::new("Columns").strong());
            egui::ScrollArea::vertical()
                .id_salt("miner_columns")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for candidate in &report.columns {
                        let chosen = column.is_some_and(|c| c.column == candidate.column);
                        let text = format!(
                            "{}  · IV {}",
                            candidate.column,
                            fmt_number(candidate.information_value)
                        );
                        if ui
                            .selectable_label(chosen, text)
                            .on_hover_text(
                                "Information value: how much the column's values tell SQLs from \
                             the rest (above 0.1 is useful, above 0.3 strong)",
                            )
                            .clicked()
                        {
                            actions.push(ViewAction::MinerColumn(candidate.column.clone()).into());
                        }
                    }
                });
        });
        ui.separator();
        if let Some(column) = column {
            ui.vertical(|ui| {
                egui::ScrollArea::vertical()
                    .id_salt("miner_findings")
                    .auto_shrink([false, false])
                    .show(ui, |ui| findings_ui(ui, model, column, actions));
            });
        }
    });
}

fn findings_ui(ui: &mut Ui, model: &Model, column: &ColumnMining, actions: &mut Vec<Action>) {
    ui.heading(&column.column);
    let reads = match &column.field {
        Some(field) => format!("read by the field {field}"),
        None => "not read by the model yet: a rule declares it".to_owned(),
    };
    let overall = Rate::of(column.sqls, column.leads);
    ui.label(format!(
        "{} leads with an outcome, {} reached SQL ({}); {reads}.",
        column.leads,
        column.sqls,
        overall.text()
    ));
    let mut addable: Vec<MinedRule> = Vec::new();
    egui::Grid::new("miner_findings_grid")
        .num_columns(6)
        .striped(true)
        .show(ui, |ui| {
            for title in [
                "",
                "Value or bin",
                "Points",
                "Leads",
                "SQL rate (95 %)",
                "Lift",
            ] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for finding in &column.findings {
                // The button first: it stays in sight however narrow the view is.
                match rule_for(model, column, finding) {
                    Ok(mined) => {
                        if ui
                            .small_button("Add as rule")
                            .accessible_name(format!("Add {} as rule", finding.label))
                            .on_hover_text(format!(
                                "Add the fit rule \"{}\" ({} points; Ctrl+Z undoes it)",
                                mined.rule.label,
                                fmt_signed(mined.rule.points)
                            ))
                            .clicked()
                        {
                            actions.push(add(vec![mined.clone()]));
                        }
                        addable.push(mined);
                    }
                    Err(why) => {
                        ui.label(RichText::new("–").weak())
                            .on_hover_text(why.to_string());
                    }
                }
                ui.label(&finding.label);
                match (finding.suggested_points, &finding.withheld) {
                    (Some(points), _) => ui.label(fmt_signed(points)),
                    (None, Some(why)) => ui
                        .label(RichText::new("–").weak())
                        .on_hover_text(why.text()),
                    (None, None) => ui.label("–"),
                };
                ui.label(finding.leads.to_string());
                ui.label(Rate::of(finding.sqls, finding.leads).text());
                ui.label(
                    finding
                        .lift
                        .map_or("–".to_owned(), |l| format!("×{}", fmt_number(l))),
                );
                ui.end_row();
            }
        });
    if addable.len() > 1 {
        column_rules_ui(ui, model, column, actions);
    }
}

/// *Add the column's rules*: every value or bin with points but the column's baseline (its
/// lowest-rate value gets no rule, so the fit's points stay above the floor of 0), one step.
fn column_rules_ui(ui: &mut Ui, model: &Model, column: &ColumnMining, actions: &mut Vec<Action>) {
    let Ok((with_rules, report)) = model_with_mined_rules(model, &[column], Baseline::Lowest)
    else {
        return;
    };
    let Some(added) = report.first() else {
        return;
    };
    let rules: Vec<_> = with_rules
        .fit
        .rules
        .get(model.fit.rules.len()..)
        .unwrap_or(&[])
        .to_vec();
    let fields: Vec<_> = with_rules
        .fields
        .get(model.fields.len()..)
        .unwrap_or(&[])
        .to_vec();
    if rules.is_empty() {
        return;
    }
    let baseline = added
        .baseline
        .as_ref()
        .map(|b| format!("; baseline, no rule: {b}"))
        .unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        if ui
            .button(format!("Add {} rules of {}", rules.len(), column.column))
            .on_hover_text(format!(
                "One fit rule per value or bin with points, as one undo step{baseline}. The \
                 column's lowest-rate value is left as the baseline so that the points a fit \
                 gives the others stay above the floor of 0."
            ))
            .clicked()
        {
            actions.push(ModelEdit::AddMinedRules { rules, fields }.into());
        }
        ui.label(
            RichText::new(format!(
                "{}then Calibration → Fit all points shares the credit between them",
                added
                    .baseline
                    .as_ref()
                    .map(|b| format!("baseline {b}; "))
                    .unwrap_or_default()
            ))
            .color(Palette::of(ui).weak_text()),
        );
    });
}

fn add(mined: Vec<MinedRule>) -> Action {
    let mut fields = Vec::new();
    let mut rules = Vec::new();
    for m in mined {
        if let Some(field) = m.new_field
            && !fields
                .iter()
                .any(|f: &crate::model::FieldSpec| f.name == field.name)
        {
            fields.push(field);
        }
        rules.push(m.rule);
    }
    ModelEdit::AddMinedRules { rules, fields }.into()
}
