//! The selected lead's breakdown: each rule's contribution as a bar (negative in red), overrides
//! and gates that applied, the distance to the threshold, and sales' verdict on the lead.

use egui::{Color32, RichText, Ui};

use crate::app::document::DocumentEdit;
use crate::app::state::Action;
use crate::app::widgets::{Palette, status_color};
use crate::leads::{LeadSet, Verdict, Verdicts};
use crate::model::{Model, OverrideAction, Team, fmt_number, fmt_signed};
use crate::scoring::{Explanation, RuleContribution, Section, explain};

/// Sales' verdicts and the team a verdict set now is recorded as.
#[derive(Clone, Copy)]
pub struct VerdictEditing<'a> {
    pub verdicts: &'a Verdicts,
    pub editing_as: Team,
}

/// Draws the breakdown; pushes a new sales verdict for the lead when the user changes it.
pub fn breakdown_ui(
    ui: &mut Ui,
    model: &Model,
    leads: &LeadSet,
    as_of: i32,
    selected: Option<usize>,
    verdicts: VerdictEditing<'_>,
    actions: &mut Vec<Action>,
) {
    ui.heading("Why this score");
    let Some(row) = selected.filter(|row| *row < leads.len()) else {
        ui.label("Select a lead in the table to see its breakdown, rule by rule.");
        return;
    };
    let explanation = explain(model, leads, row, as_of);
    // Both ways: content wider than the panel (a long label in the rule grid) scrolls instead of
    // widening the panel past the window's edge.
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.label(RichText::new(lead_title(leads, row)).strong());
            explanation_ui(ui, model, &explanation, |ui| {
                verdict_ui(ui, row, verdicts.verdicts, verdicts.editing_as, actions);
            });
            ui.separator();
            egui::CollapsingHeader::new("Lead details")
                .id_salt("lead_details")
                .show(ui, |ui| {
                    egui::Grid::new("lead_fields")
                        .striped(true)
                        .num_columns(2)
                        .show(ui, |ui| {
                            for column in &leads.columns {
                                ui.label(&column.name);
                                ui.label(column.cell(row).display());
                                ui.end_row();
                            }
                            if let Some(events) = &leads.events {
                                ui.label("events");
                                ui.label(events.range(row).len().to_string());
                                ui.end_row();
                            }
                        });
                });
        });
}

/// A lead's score, status, grade, distance to the threshold and the rules behind them; `between`
/// draws what goes under the distance (the sales verdict of a real lead).
pub(super) fn explanation_ui(
    ui: &mut Ui,
    model: &Model,
    explanation: &Explanation,
    between: impl FnOnce(&mut Ui),
) {
    let score = explanation.score;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!(
                "{} / {}",
                fmt_number(score.score),
                fmt_number(model.combine.scale)
            ))
            .size(22.0)
            .strong(),
        );
        ui.label(
            RichText::new(score.status.label())
                .size(18.0)
                .color(status_color(ui, score.status)),
        );
        ui.label(RichText::new(format!("grade {}", explanation.grade)).size(16.0))
            .on_hover_text("Fit grade (A best) and engagement level (1 best)");
    });
    ui.label(&explanation.reason);
    let distance = explanation.distance_to_threshold;
    let threshold = model.combine.mql_threshold;
    let fraction = if threshold > 0.0 {
        (score.score / threshold).clamp(0.0, 1.0) as f32
    } else {
        1.0
    };
    ui.add(egui::ProgressBar::new(fraction).text(if distance >= 0.0 {
        // The threshold itself is in the reason above: the bar's text stays short enough
        // for a narrow panel at a large zoom.
        format!("{} points above the threshold", fmt_number(distance))
    } else {
        format!("{} points below the threshold", fmt_number(-distance))
    }))
    .on_hover_text("How far the lead is from becoming an MQL on score");

    between(ui);
    ui.separator();

    let max_points = explanation
        .rules
        .iter()
        .filter(|r| r.fired && r.enabled)
        .map(|r| r.points.abs())
        .fold(1.0f64, f64::max);
    for (section, title, capped, raw, cap) in [
        (
            Section::Fit,
            "Fit",
            score.fit,
            explanation.fit_raw,
            model.fit.max_points,
        ),
        (
            Section::Engagement,
            "Engagement",
            score.engagement,
            explanation.engagement_raw,
            model.engagement.max_points,
        ),
    ] {
        let cap_note = if (capped - raw).abs() > 1e-9 {
            format!(" (raw {}, capped)", fmt_number(raw))
        } else {
            String::new()
        };
        ui.label(
            RichText::new(format!(
                "{title}: {} of {}{cap_note}",
                fmt_number(crate::scoring::round2(capped)),
                fmt_number(cap)
            ))
            .strong(),
        );
        let fired: Vec<&RuleContribution> = explanation
            .rules
            .iter()
            .filter(|r| r.section == section && r.fired && r.enabled)
            .collect();
        if fired.is_empty() {
            ui.label(RichText::new("no rule fired").weak());
        }
        // Narrower in a narrow panel, so the rule, its bar and its points fit on one line.
        let bar_width = (ui.available_width() * 0.3).clamp(40.0, 150.0);
        egui::Grid::new(("breakdown", title))
            .num_columns(3)
            .spacing([8.0, 2.0])
            .show(ui, |ui| {
                for rule in fired {
                    ui.label(&rule.label).on_hover_text(&rule.detail);
                    contribution_bar(ui, rule.points, max_points, bar_width);
                    ui.label(fmt_signed(crate::scoring::round2(rule.points)));
                    ui.end_row();
                }
            });
        let silent: Vec<&RuleContribution> = explanation
            .rules
            .iter()
            .filter(|r| r.section == section && !(r.fired && r.enabled))
            .collect();
        if !silent.is_empty() {
            egui::CollapsingHeader::new(format!("{} {title} rules did not fire", silent.len()))
                .id_salt(("silent", title))
                .show(ui, |ui| {
                    for rule in silent {
                        let state = if rule.enabled { "" } else { " (off)" };
                        ui.label(
                            RichText::new(format!("{}{state}: {}", rule.label, rule.detail)).weak(),
                        );
                    }
                });
        }
        ui.add_space(6.0);
    }

    let fired_overrides: Vec<_> = explanation
        .overrides
        .iter()
        .filter(|o| o.fired && o.enabled)
        .collect();
    ui.label(RichText::new("Overrides and gates").strong());
    if fired_overrides.is_empty() && explanation.gates.is_empty() {
        ui.label(RichText::new("none applied").weak());
    }
    for o in fired_overrides {
        let (text, color) = match o.action {
            OverrideAction::Disqualify => ("disqualified by", Palette::of(ui).negative()),
            OverrideAction::FastTrack => (
                "fast-tracked by",
                status_color(ui, crate::scoring::Status::FastTracked),
            ),
        };
        ui.label(RichText::new(format!("{text} {}: {}", o.label, o.detail)).color(color));
    }
    for gate in &explanation.gates {
        let palette = Palette::of(ui);
        let color = if gate.passed {
            palette.positive()
        } else {
            palette.negative()
        };
        ui.label(
            RichText::new(format!(
                "{} {}: {} of {} needed",
                if gate.passed { "✔" } else { "✖" },
                gate.name,
                fmt_number(crate::scoring::round2(gate.actual)),
                fmt_number(gate.required)
            ))
            .color(color),
        );
    }
}

/// Sales' verdict on a lead of the set, as radio buttons, and who recorded it. A verdict set
/// here is recorded as the team the app is editing as.
fn verdict_ui(
    ui: &mut Ui,
    row: usize,
    verdicts: &Verdicts,
    editing_as: Team,
    actions: &mut Vec<Action>,
) {
    if row >= verdicts.len() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Sales verdict:");
        {
            let current = verdicts.verdict(row);
            let mut slot = current;
            for (value, label, tooltip) in [
                (
                    Some(Verdict::Accept),
                    "Would accept",
                    "Sales would call this lead",
                ),
                (
                    Some(Verdict::Reject),
                    "Would reject",
                    "Sales would not call this lead",
                ),
                (None, "No verdict", "Sales has not judged this lead"),
            ] {
                if ui
                    .radio_value(&mut slot, value, label)
                    .on_hover_text(tooltip)
                    .changed()
                {
                    actions.push(
                        DocumentEdit::Verdict {
                            row,
                            verdict: slot,
                            by: editing_as,
                        }
                        .into(),
                    );
                }
            }
        }
    });
    let palette = Palette::of(ui);
    if let Some(verdict) = verdicts.verdict(row) {
        let recorder = verdicts.recorded_by(row);
        ui.horizontal_wrapped(|ui| {
            match recorder {
                Some(team) => {
                    let text = format!("Recorded by {}.", team.label());
                    ui.label(RichText::new(text).color(palette.team(team)));
                }
                None => {
                    let text = "Recorded by: not said in the leads file.";
                    ui.label(RichText::new(text).color(palette.weak_text()));
                }
            }
            if recorder != Some(editing_as)
                && ui
                    .button(format!("Confirm as {}", editing_as.label()))
                    .on_hover_text("Record this verdict as your team's")
                    .clicked()
            {
                actions.push(
                    DocumentEdit::Verdict {
                        row,
                        verdict: Some(verdict),
                        by: editing_as,
                    }
                    .into(),
                );
            }
        });
    }
    if editing_as == Team::Marketing {
        ui.label(
            RichText::new(
                "You are editing as Marketing: a verdict set here is recorded as Marketing's.",
            )
            .color(palette.warning()),
        );
    }
}

fn lead_title(leads: &LeadSet, row: usize) -> String {
    let id = leads.ids.get(row).cloned().unwrap_or_default();
    let parts: Vec<String> = [
        ["first_name", "First Name"],
        ["last_name", "Last Name"],
        ["job_title", "Job Title"],
        ["company", "Company"],
    ]
    .iter()
    .map(|names| {
        names
            .iter()
            .map(|n| leads.display(row, n))
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    })
    .collect();
    let name = format!("{} {}", parts[0], parts[1]).trim().to_owned();
    let mut title = id;
    if !name.is_empty() {
        title.push_str(&format!(" · {name}"));
    }
    if !parts[2].is_empty() {
        title.push_str(&format!(" · {}", parts[2]));
    }
    if !parts[3].is_empty() {
        title.push_str(&format!(" at {}", parts[3]));
    }
    title
}

/// A horizontal bar from a zero line: right and green for points, left and red for penalties.
fn contribution_bar(ui: &mut Ui, points: f64, max_points: f64, width: f32) {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 14.0), egui::Sense::hover());
    let center = rect.center().x;
    let half = width / 2.0 - 2.0;
    let length = (points.abs() / max_points.max(1e-9)) as f32 * half;
    let bar = if points >= 0.0 {
        egui::Rect::from_min_max(
            egui::pos2(center, rect.top()),
            egui::pos2(center + length, rect.bottom()),
        )
    } else {
        egui::Rect::from_min_max(
            egui::pos2(center - length, rect.top()),
            egui::pos2(center, rect.bottom()),
        )
    };
    let painter = ui.painter();
    let palette = Palette::of(ui);
    let fill = if points >= 0.0 {
        palette.positive()
    } else {
        palette.negative()
    };
    painter.rect_filled(bar, 2.0, fill);
    painter.line_segment(
        [
            egui::pos2(center, rect.top()),
            egui::pos2(center, rect.bottom()),
        ],
        egui::Stroke::new(1.0, Color32::GRAY),
    );
    response.on_hover_text(format!(
        "{} points",
        fmt_signed(crate::scoring::round2(points))
    ));
}
