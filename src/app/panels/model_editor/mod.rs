//! The model editor: fit rules, engagement rules, overrides, the scoring settings and the
//! sign-off, with validation problems shown next to what they concern.
//!
//! Every card edits a copy of its rule and pushes the copy as a [`ModelEdit`] when it differs, so
//! the model itself changes only where actions are applied.

mod conditions;
mod engagement_rules;
mod fit_rules;
mod missing_values;
mod overrides;
mod rule_card;
mod scoring_settings;

use egui::{RichText, Ui};

use crate::app::state::{Action, EditorTab, SignForm, ViewAction};
use crate::app::widgets::Palette;
use crate::edit::ModelEdit;
use crate::leads::LeadSet;
use crate::model::{Model, Team};
use crate::validate::{Problem, Severity};

/// What the editor needs besides the model.
pub struct EditContext<'a> {
    pub team: Team,
    pub problems: &'a [Problem],
    /// Rules that fire for no lead or almost every lead of `leads`.
    pub coverage: &'a [Problem],
    pub leads: &'a LeadSet,
}

impl EditContext<'_> {
    fn problems_of<'p>(&'p self, id: &'p str) -> impl Iterator<Item = &'p Problem> + 'p {
        self.problems
            .iter()
            .chain(self.coverage)
            .filter(move |p| p.rule_id.as_deref() == Some(id))
    }

    fn problems_at<'p>(&'p self, prefix: &'p str) -> impl Iterator<Item = &'p Problem> + 'p {
        self.problems
            .iter()
            .filter(move |p| p.rule_id.is_none() && p.path.starts_with(prefix))
    }

    fn error_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .chain(self.coverage)
            .filter(|p| p.severity == Severity::Warning)
    }
}

/// Draws the editor; pushes the edits and tab changes asked for.
pub fn model_editor_ui(
    ui: &mut Ui,
    model: &Model,
    context: &EditContext<'_>,
    tab: EditorTab,
    sign_form: &SignForm,
    actions: &mut Vec<Action>,
) {
    // A signed model is locked: an edit would no longer be what the teams signed.
    let locked = model.is_signed();
    ui.add_enabled_ui(!locked, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Model");
            let mut name = model.name.clone();
            if ui
                .add(egui::TextEdit::singleline(&mut name).desired_width(f32::INFINITY))
                .labelled_by(label.id)
                .on_hover_text("The model's name, as other tools will show it")
                .changed()
            {
                actions.push(ModelEdit::SetName(name).into());
            }
        });
    });
    let errors = context.error_count();
    ui.horizontal(|ui| {
        ui.label(format!("status: {}", model.status.label()))
            .on_hover_text("Draft until both teams sign off and the model is exported as agreed");
        if errors == 0 {
            ui.label(RichText::new("✔ valid").color(Palette::of(ui).positive()));
        } else {
            ui.label(
                RichText::new(format!("⚠ {errors} error(s)")).color(Palette::of(ui).negative()),
            );
        }
        let warnings: Vec<String> = context.warnings().map(ToString::to_string).collect();
        if !warnings.is_empty() {
            ui.label(
                RichText::new(format!("⚠ {} warning(s)", warnings.len()))
                    .color(Palette::of(ui).warning()),
            )
            .on_hover_text(warnings.join("\n"));
        }
    });
    editor_tabs_ui(ui, tab, actions);
    ui.separator();
    if locked && tab != EditorTab::SignOff {
        ui.label(
            RichText::new(
                "This model is signed. Editing it clears the signatures and makes it a draft again.",
            )
            .color(Palette::of(ui).warning()),
        );
        if ui
            .button("Edit anyway (clears the signatures)")
            .on_hover_text("Unlock the model for editing; undo (Ctrl+Z) brings the signatures back")
            .clicked()
        {
            actions.push(ModelEdit::ClearSignOffs.into());
        }
    }
    // Both ways: a rule card wider than a narrow panel scrolls instead of widening the panel.
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if tab == EditorTab::SignOff {
                super::signoff::signoff_ui(
                    ui,
                    model,
                    context.team,
                    sign_form,
                    &crate::leads::format_day(crate::leads::today()),
                    errors,
                    actions,
                );
                return;
            }
            ui.add_enabled_ui(!locked, |ui| match tab {
                EditorTab::Fit => fit_rules::fit_rules_ui(ui, model, context, actions),
                EditorTab::Engagement => {
                    engagement_rules::engagement_rules_ui(ui, model, context, actions);
                }
                EditorTab::Overrides => overrides::overrides_ui(ui, model, context, actions),
                EditorTab::Scoring | EditorTab::SignOff => {
                    scoring_settings::scoring_settings_ui(ui, model, context, actions);
                }
            });
        });
}

fn editor_tabs_ui(ui: &mut Ui, current: EditorTab, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        for (value, label, tooltip) in [
            (
                EditorTab::Fit,
                "Fit",
                "Who the lead is: industry, size, role, region…",
            ),
            (
                EditorTab::Engagement,
                "Engagement",
                "What the lead did: visits, webinars, downloads…",
            ),
            (
                EditorTab::Overrides,
                "Overrides",
                "Disqualifiers and fast-track triggers",
            ),
            (
                EditorTab::Scoring,
                "Scoring",
                "Mix, threshold, nurture band, gates, grades and missing values",
            ),
            (
                EditorTab::SignOff,
                "Sign-off",
                "Both teams sign the agreed model",
            ),
        ] {
            if ui
                .selectable_label(current == value, label)
                .on_hover_text(tooltip)
                .clicked()
            {
                actions.push(ViewAction::EditorTab(value).into());
            }
        }
    });
}

fn show_problems<'p>(ui: &mut Ui, problems: impl Iterator<Item = &'p Problem>) {
    for problem in problems {
        let color = match problem.severity {
            Severity::Error => Palette::of(ui).negative(),
            Severity::Warning => Palette::of(ui).warning(),
        };
        ui.label(RichText::new(format!("⚠ {}", problem.message)).color(color));
    }
}
