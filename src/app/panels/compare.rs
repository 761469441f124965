//! Comparing proposals: a second model (for example sales' proposal next to marketing's), rule
//! by rule, and which sample leads change status between the two. One click takes a rule from
//! the other model into the current one.

use egui::{RichText, Ui};

use crate::app::state::{Action, Command, CompareState, ViewAction};
use crate::app::widgets::status_color;
use crate::calibration::{status_change_counts, status_changes};
use crate::diff::{RuleChange, diff_models};
use crate::edit::ModelEdit;
use crate::leads::LeadSet;
use crate::model::{Model, fmt_number};
use crate::scoring::LeadScore;

/// Draws the comparison; pushes what the user asked for.
pub fn compare_ui(
    ui: &mut Ui,
    current: &Model,
    other: Option<&CompareState>,
    leads: &LeadSet,
    current_scores: &[LeadScore],
    actions: &mut Vec<Action>,
) {
    let Some(other) = other else {
        ui.heading("Compare with another model");
        ui.label("Open a second model (for example sales' proposal) to see, rule by rule, what differs and which sample leads change status.");
        if ui
            .button("Open a model to compare…")
            .on_hover_text("Choose a .ron model; the current model stays as it is")
            .clicked()
        {
            actions.push(Command::OpenCompare.into());
        }
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(format!(
            "\"{}\" against \"{}\"",
            current.name, other.model.name
        ));
        if ui
            .button("Close comparison")
            .on_hover_text("Stop comparing")
            .clicked()
        {
            actions.push(Command::CloseCompare.into());
        }
        if ui
            .button("Compare another…")
            .on_hover_text("Open a different model to compare")
            .clicked()
        {
            actions.push(Command::OpenCompare.into());
        }
    });
    ui.label(RichText::new(format!("other model: {}", other.label)).weak());
    let diff = diff_models(current, &other.model);
    let changes = status_changes(current_scores, &other.scores);
    ui.columns(2, |columns| {
        let ui = &mut columns[0];
        ui.label(RichText::new(format!("What differs ({})", diff.lines().len())).strong());
        egui::ScrollArea::vertical()
            .id_salt("diff_lines")
            .show(ui, |ui| {
                if diff.is_empty() {
                    ui.label("The two models are the same.");
                }
                for line in &diff.settings {
                    ui.label(line);
                }
                for change in &diff.rules {
                    ui.horizontal_wrapped(|ui| {
                        let (button, tooltip) = match change {
                            RuleChange::Added { .. } => (
                                "take it",
                                "Add this rule from the other model to the current one",
                            ),
                            RuleChange::Changed { .. } => (
                                "take theirs",
                                "Replace the current rule with the other model's version",
                            ),
                            RuleChange::Removed { .. } => (
                                "drop it",
                                "Remove this rule from the current model, as the other model has",
                            ),
                        };
                        if ui
                            .small_button(button)
                            .accessible_name(format!("{button} {}", change.id()))
                            .on_hover_text(tooltip)
                            .clicked()
                        {
                            actions.push(
                                ModelEdit::TakeRule {
                                    kind: change.kind(),
                                    id: change.id().to_owned(),
                                    other: Box::new(other.model.clone()),
                                }
                                .into(),
                            );
                        }
                        ui.label(change.describe());
                    });
                }
            });
        let ui = &mut columns[1];
        ui.label(
            RichText::new(format!(
                "{} of {} leads change status",
                changes.len(),
                leads.len()
            ))
            .strong(),
        );
        for ((from, to), count) in status_change_counts(&changes) {
            ui.horizontal(|ui| {
                ui.label(RichText::new(from.label()).color(status_color(from)));
                ui.label("→");
                ui.label(RichText::new(to.label()).color(status_color(to)));
                ui.label(count.to_string());
            });
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("changed_leads")
            .show(ui, |ui| {
                for change in &changes {
                    let id = leads.ids.get(change.row).cloned().unwrap_or_default();
                    let before = current_scores.get(change.row).map_or(0.0, |s| s.score);
                    let after = other.scores.get(change.row).map_or(0.0, |s| s.score);
                    ui.horizontal(|ui| {
                        if ui
                            .link(&id)
                            .on_hover_text("Show this lead's breakdown under the current model")
                            .clicked()
                        {
                            actions.push(ViewAction::SelectLead(change.row).into());
                        }
                        ui.label(format!("{} → {}", fmt_number(before), fmt_number(after)));
                        ui.label(
                            RichText::new(change.before.label()).color(status_color(change.before)),
                        );
                        ui.label("→");
                        ui.label(
                            RichText::new(change.after.label()).color(status_color(change.after)),
                        );
                    });
                }
            });
    });
}
