//! Comparing proposals: a second model (for example sales' proposal next to marketing's), rule
//! by rule, and which sample leads change status between the two. One click takes a rule from
//! the other model into the current one.

use egui::{RichText, Ui};

use crate::app::state::{Action, Command, CompareState, ViewAction};
use crate::app::table_keys::KeyColumns;
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
    // Buttons first and wrapped: a long model name never pushes them out of sight.
    ui.horizontal_wrapped(|ui| {
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
    ui.add(
        egui::Label::new(
            RichText::new(format!(
                "Ours (current): \"{}\" · theirs: \"{}\"",
                current.name, other.model.name
            ))
            .heading(),
        )
        .wrap(),
    );
    ui.label(RichText::new(format!("theirs is {}", other.label)).weak());
    let diff = diff_models(current, &other.model);
    let changes = status_changes(current_scores, &other.scores);
    ui.label("Scores and statuses read ours → theirs.");
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
                        // Says which model each side is, so "added" and "removed" are never
                        // ambiguous.
                        let (where_it_is, button, tooltip) = match change {
                            RuleChange::Added { .. } => (
                                "only in theirs:",
                                "add to ours",
                                "Add this rule from theirs to ours (the current model), in the same place",
                            ),
                            RuleChange::Changed { .. } => (
                                "different:",
                                "use theirs",
                                "Replace our rule with their version",
                            ),
                            RuleChange::Removed { .. } => (
                                "only in ours:",
                                "remove from ours",
                                "Remove this rule from ours (the current model), as theirs has no such rule",
                            ),
                        };
                        ui.label(RichText::new(where_it_is).strong());
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
                ui.label(RichText::new(from.label()).color(status_color(ui, from)));
                ui.label("→");
                ui.label(RichText::new(to.label()).color(status_color(ui, to)));
                ui.label(count.to_string());
            });
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("changed_leads")
            .show(ui, |ui| {
                let keys = KeyColumns::find(leads, current);
                for change in &changes {
                    let id = leads.ids.get(change.row).cloned().unwrap_or_default();
                    let name = keys.name(leads, change.row);
                    let shown = if name.is_empty() {
                        id
                    } else {
                        format!("{id} · {name}")
                    };
                    let before = current_scores.get(change.row).map_or(0.0, |s| s.score);
                    let after = other.scores.get(change.row).map_or(0.0, |s| s.score);
                    ui.horizontal(|ui| {
                        if ui
                            .link(&shown)
                            .on_hover_text("Show this lead's breakdown under ours (the current model)")
                            .clicked()
                        {
                            actions.push(ViewAction::SelectLead(change.row).into());
                        }
                        ui.label(format!("{} → {}", fmt_number(before), fmt_number(after)));
                        ui.label(
                            RichText::new(change.before.label()).color(status_color(ui, change.before)),
                        );
                        ui.label("→");
                        ui.label(
                            RichText::new(change.after.label()).color(status_color(ui, change.after)),
                        );
                    });
                }
            });
    });
}
