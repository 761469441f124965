//! The one place that changes the app's state: [`StudioApp::apply`] takes the actions the panels,
//! shortcuts and background jobs pushed, in order, after the panels are drawn. Document edits go
//! through [`Document::apply`](super::document::Document::apply) (which refuses content edits to a
//! signed model); pending edits become one undo step when the gesture ends.

use super::document::{ChangeRecord, DocumentEdit};
use super::settings::SortColumn;
use super::state::{Action, Dialog, Notice, StudioApp, ViewAction, ZoomStep};
use crate::edit::ModelEdit;

/// Most notices kept; older ones are dropped.
const MAX_NOTICES: usize = 5;

impl StudioApp {
    /// Applies the queued actions, in order; actions they queue in turn are applied too.
    pub fn apply_queued(&mut self, ctx: &egui::Context) {
        // A command may queue more (an import that completes starts the next one); a bound
        // keeps a bug from looping forever.
        for _ in 0..8 {
            let actions = std::mem::take(&mut self.actions);
            if actions.is_empty() {
                return;
            }
            for action in actions {
                self.apply(action, ctx);
            }
        }
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::Edit(edit) => self.edit(edit),
            Action::Command(command) => self.run_command(command),
            Action::View(change) => self.change_view(change, ctx),
        }
    }

    fn edit(&mut self, edit: DocumentEdit) {
        let taken = match &edit {
            DocumentEdit::Model(model_edit) => match model_edit.as_ref() {
                ModelEdit::TakeRule { id, other, .. } => {
                    Some(format!("took `{id}` from \"{}\"", other.name))
                }
                ModelEdit::AddMinedRules { rules, .. } => Some(format!(
                    "added {} rule(s) from the miner: {} (Ctrl+Z undoes it)",
                    rules.len(),
                    rules
                        .iter()
                        .map(|r| r.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                ModelEdit::UseFittedPoints(fitted) => Some(format!(
                    "fitted points taken for every rule, threshold {} (one step: Ctrl+Z undoes it)",
                    crate::model::fmt_number(fitted.combine.mql_threshold)
                )),
                ModelEdit::UseThreshold(threshold)
                    if self.document.model.combine.nurture_band > threshold.max(0.0) =>
                {
                    Some(format!(
                        "MQL threshold {}: the nurture band moved with it, from {} to {} points, so that it starts at 0",
                        crate::model::fmt_number(*threshold),
                        crate::model::fmt_number(self.document.model.combine.nurture_band),
                        crate::model::fmt_number(threshold.max(0.0))
                    ))
                }
                _ => None,
            },
            DocumentEdit::Verdict { .. } | DocumentEdit::Note(_) => None,
        };
        match self.document.apply(edit) {
            Ok(true) => {
                if let Some(taken) = taken {
                    self.notify(taken);
                }
            }
            Ok(false) => {}
            Err(refused) => self.notify_error(refused.to_string()),
        }
    }

    fn change_view(&mut self, change: ViewAction, ctx: &egui::Context) {
        let view = &mut self.view;
        match change {
            ViewAction::SelectLead(row) => view.selected_lead = Some(row),
            ViewAction::Search(text) => view.search = text,
            ViewAction::ShowStatus(index, shown) => {
                if let Some(slot) = view.show_status.get_mut(index) {
                    *slot = shown;
                }
            }
            ViewAction::SortBy(column) => {
                let settings = &mut self.settings;
                if settings.sort_column == column {
                    settings.sort_descending = !settings.sort_descending;
                } else {
                    settings.sort_column = column;
                    // Numbers and ranks start with the best; text starts at A.
                    settings.sort_descending = matches!(
                        column,
                        SortColumn::Score
                            | SortColumn::Fit
                            | SortColumn::Engagement
                            | SortColumn::Status
                            | SortColumn::Grade
                            | SortColumn::Outcome
                            | SortColumn::Employees
                    );
                }
            }
            ViewAction::EditorTab(tab) => view.editor_tab = tab,
            ViewAction::Central(central) => view.central = central,
            ViewAction::TestRecord(record) => view.test_record = record,
            ViewAction::NoteForm(form) => view.note_form = form,
            ViewAction::ScoreBin(bin) => view.score_bin = bin,
            ViewAction::MinerColumn(column) => view.miner_column = Some(column),
            ViewAction::Layout(layout) => {
                if layout.presenting != view.layout.presenting {
                    set_text_scale(
                        ctx,
                        if layout.presenting {
                            PRESENTING_TEXT_SCALE
                        } else {
                            1.0
                        },
                    );
                }
                view.layout = layout;
            }
            ViewAction::ShowHistory(shown) => view.show_history = shown,
            ViewAction::SignForm(form) => view.sign_form = form,
            ViewAction::CalibrationInputs(inputs) => view.calibration_inputs = inputs,
            ViewAction::HistogramDrawn(rect) => view.histogram_rect = Some(rect),
            ViewAction::Theme(theme) => {
                self.settings.theme = theme;
                ctx.set_theme(theme.preference());
            }
            ViewAction::EditAs(team) => self.settings.editing_as = team,
            ViewAction::Zoom(step) => {
                let zoom = ctx.zoom_factor();
                let zoom = match step {
                    ZoomStep::In => (zoom + 0.1).min(3.0),
                    ZoomStep::Out => (zoom - 0.1).max(0.5),
                    ZoomStep::Reset => 1.0,
                };
                ctx.set_zoom_factor(zoom);
                self.settings.zoom = zoom;
            }
            ViewAction::DismissNotice => {
                self.notices.pop();
            }
            ViewAction::PathText(typed) => {
                if let Some(Dialog::PathEntry { text, .. }) = &mut self.dialog {
                    *text = typed;
                }
            }
            ViewAction::SqlExport(choices) => self.settings.sql_export = choices,
            ViewAction::CloseDialog => self.dialog = None,
            ViewAction::CancelDialog => {
                self.dialog = None;
                // The rest of a Save from the unsaved-changes dialog waited on this one.
                self.after_save = None;
            }
        }
    }

    pub fn notify(&mut self, text: impl Into<String>) {
        self.add_notice(text.into(), false);
    }

    pub fn notify_error(&mut self, text: impl Into<String>) {
        self.add_notice(text.into(), true);
    }

    fn add_notice(&mut self, text: String, is_error: bool) {
        let notice = Notice { text, is_error };
        // The same message again (a refused drag, frame after frame) is shown once.
        if self.notices.last() == Some(&notice) {
            return;
        }
        self.notices.push(notice);
        if self.notices.len() > MAX_NOTICES {
            let extra = self.notices.len() - MAX_NOTICES;
            self.notices.drain(..extra);
        }
    }

    /// Commits pending edits as one undo step once the gesture is over (pointer released, or
    /// typing paused).
    pub(super) fn track_edits(&mut self, ctx: &egui::Context, now: f64) {
        let revisions = (
            self.document.model_revision(),
            self.document.verdicts_revision(),
        );
        if self.last_seen_revisions != Some(revisions) {
            self.last_edit_time = now;
            self.last_seen_revisions = Some(revisions);
        }
        if !self.history.has_pending(&self.document) {
            return;
        }
        let pointer_down = ctx.input(|i| i.pointer.any_down());
        let typing = ctx.text_edit_focused() && now - self.last_edit_time < 1.5;
        if !pointer_down && !typing {
            self.commit_pending();
        }
    }

    /// Makes pending edits one undo step and one change-history entry.
    pub fn commit_pending(&mut self) {
        let Some(before) = self.history.commit(&mut self.document) else {
            return;
        };
        let summary = super::document::change_summary(&before, &self.document);
        self.record_change(summary);
    }

    /// Adds an entry to the session's change history, attributed to the team editing.
    pub(super) fn record_change(&mut self, summary: String) {
        self.changes.push(ChangeRecord {
            time: clock_time(),
            team: self.settings.editing_as,
            summary,
        });
    }
}

/// The local time of day, for the change history.
fn clock_time() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}

/// How much larger text is in presenting mode, on top of the zoom.
pub const PRESENTING_TEXT_SCALE: f32 = 1.35;

/// Every text style at `scale` times egui's default size, in both themes.
fn set_text_scale(ctx: &egui::Context, scale: f32) {
    ctx.all_styles_mut(|style| {
        style.text_styles = egui::style::default_text_styles()
            .into_iter()
            .map(|(text_style, mut font)| {
                font.size *= scale;
                (text_style, font)
            })
            .collect();
    });
}
