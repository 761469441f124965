//! Running [`Command`]s: the side effects on models (new, open, save, export, compare), undo and
//! redo, file dialogs, and the autosave. Imports live in `imports.rs`. Commands run only from
//! `StudioApp::apply`, after the panels are drawn; this and `imports.rs` are where the app reads
//! and writes files.

use std::path::{Path, PathBuf};

use super::document::{Document, SavedState};
use super::files::{
    DialogMode, DialogOutcome, PendingDialog, Purpose, read_autosave, remove_autosave,
    write_autosave,
};
use super::state::{CentralView, Command, CompareState, Dialog, StudioApp};
use crate::format::{load_model, save_model};
use crate::model::{ChangelogEntry, Model, ModelStatus};
use crate::validate::{Severity, is_valid};

/// Seconds between autosaves of unsaved work.
const AUTOSAVE_SECONDS: f64 = 3.0;

impl StudioApp {
    fn guard_unsaved(&mut self, command: Command) -> bool {
        if self.is_dirty() {
            self.dialog = Some(Dialog::ConfirmDiscard {
                then: Box::new(command),
            });
            true
        } else {
            false
        }
    }

    pub(super) fn run_command(&mut self, command: Command) {
        match command {
            Command::New => {
                if !self.guard_unsaved(Command::New) {
                    self.new_model();
                }
            }
            Command::Open => {
                if !self.guard_unsaved(Command::Open) {
                    self.ask_path(Purpose::OpenModel);
                }
            }
            Command::OpenPath(path) => {
                if !self.guard_unsaved(Command::OpenPath(path.clone())) {
                    self.open_model(&path);
                }
            }
            Command::Quit => {
                if !self.guard_unsaved(Command::Quit) {
                    self.quit_requested = true;
                }
            }
            Command::Discarding(inner) => match *inner {
                Command::New => self.new_model(),
                Command::Open => self.ask_path(Purpose::OpenModel),
                Command::OpenPath(path) => self.open_model(&path),
                Command::Quit => self.quit_requested = true,
                other => self.run_command(other),
            },
            Command::Save => match self.model_path.clone() {
                Some(path) => self.save_to(&path),
                None => self.ask_path(Purpose::SaveModelAs),
            },
            Command::SaveAs => self.ask_path(Purpose::SaveModelAs),
            Command::SaveAll => {
                if !self.saved.model_is_saved(&self.document) {
                    self.run_command(Command::Save);
                }
                if !self.saved.verdicts_are_saved(&self.document) {
                    self.run_command(Command::SaveLeads);
                }
            }
            Command::SaveToPath(path) => self.save_to(&path),
            Command::ImportLeads => self.ask_path(Purpose::ImportLeads),
            Command::ImportLeadsPath(path) => self.import_leads(&path, false),
            Command::ImportLeadsSkippingBadRows(path) => self.import_leads(&path, true),
            Command::ImportEvents => self.ask_path(Purpose::ImportEvents),
            Command::ImportEventsPath(path) => self.import_events(&path, false),
            Command::ImportEventsSkippingBadRows(path) => self.import_events(&path, true),
            Command::OpenDropped(path) => self.open_dropped(&path),
            Command::CancelImport => self.cancel_import(),
            Command::ExportAgreed => {
                if self.check_exportable() {
                    self.ask_path(Purpose::ExportAgreed);
                }
            }
            Command::ExportAgreedPath(path) => self.export_agreed(&path),
            Command::OpenCompare => self.ask_path(Purpose::CompareModel),
            Command::OpenComparePath(path) => self.open_compare(&path),
            Command::CloseCompare => self.compare = None,
            Command::SaveLeads => match self.leads_path.clone() {
                Some(path) => self.save_leads(&path),
                None => self.ask_path(Purpose::SaveLeads),
            },
            Command::SaveLeadsPath(path) => self.save_leads(&path),
            Command::Undo => {
                if self.history.undo(&mut self.document) {
                    self.record_change("undo".to_owned());
                } else {
                    self.notify("nothing to undo");
                }
            }
            Command::Redo => {
                if self.history.redo(&mut self.document) {
                    self.record_change("redo".to_owned());
                } else {
                    self.notify("nothing to redo");
                }
            }
            Command::RestoreAutosave => self.restore_autosave(),
            Command::DiscardAutosave => {
                if let Some(path) = self.autosave_path.clone()
                    && let Err(error) = remove_autosave(&path)
                {
                    self.notify_error(format!(
                        "could not delete the autosave {}: {error}",
                        path.display()
                    ));
                }
            }
        }
    }

    /// Opens a native dialog, or the path field when there is none.
    fn ask_path(&mut self, purpose: Purpose) {
        match self.dialogs {
            DialogMode::Native if self.pending_dialog.is_none() => {
                let suggested = match purpose {
                    Purpose::SaveModelAs | Purpose::ExportAgreed => {
                        Some(format!("{}.ron", file_stem(&self.document.model.name)))
                    }
                    _ => None,
                };
                self.pending_dialog = Some(PendingDialog::start(purpose, suggested));
            }
            DialogMode::Native => self.notify("a file dialog is already open"),
            DialogMode::PathEntryOnly => {
                self.dialog = Some(Dialog::PathEntry {
                    purpose,
                    text: self.suggested_path(purpose),
                });
            }
        }
    }

    fn suggested_path(&self, purpose: Purpose) -> String {
        match purpose {
            Purpose::SaveModelAs | Purpose::ExportAgreed => {
                let stem = file_stem(&self.document.model.name);
                let name = if purpose == Purpose::ExportAgreed {
                    format!("{stem}-agreed.ron")
                } else {
                    format!("{stem}.ron")
                };
                self.model_path
                    .as_ref()
                    .and_then(|p| p.parent())
                    .map(|dir| dir.join(&name))
                    .unwrap_or_else(|| PathBuf::from(name))
                    .display()
                    .to_string()
            }
            _ => String::new(),
        }
    }

    /// Checks on a native dialog running on its thread; a chosen path queues its command.
    pub(super) fn poll_file_dialog(&mut self) {
        let Some(pending) = &self.pending_dialog else {
            return;
        };
        let purpose = pending.purpose;
        match pending.poll() {
            DialogOutcome::StillOpen => {}
            DialogOutcome::Chosen(path) => {
                self.pending_dialog = None;
                self.push(Command::with_path(purpose, path));
            }
            DialogOutcome::Cancelled => self.pending_dialog = None,
            DialogOutcome::Unavailable => {
                self.pending_dialog = None;
                self.dialogs = DialogMode::PathEntryOnly;
                self.notify(
                    "no file dialog can be shown on this desktop (no portal, no zenity): type the path instead",
                );
                self.dialog = Some(Dialog::PathEntry {
                    purpose,
                    text: self.suggested_path(purpose),
                });
            }
        }
    }

    fn set_document(&mut self, model: Model, path: Option<PathBuf>) {
        self.document = Document::new(model, self.leads_file_verdicts.clone());
        self.history.reset(&self.document);
        self.saved = SavedState::of(&self.document);
        self.model_path = path;
        self.changes.clear();
    }

    fn new_model(&mut self) {
        let mut model = Model::new("Untitled model");
        model.fields = self.document.model.fields.clone();
        self.set_document(model, None);
        self.notify("new model: add fit and engagement rules on the left");
    }

    fn open_model(&mut self, path: &Path) {
        match load_model(path) {
            Ok(model) => {
                let problems = crate::validate::validate(&model);
                let errors = problems
                    .iter()
                    .filter(|p| p.severity == Severity::Error)
                    .count();
                self.set_document(model, Some(path.to_owned()));
                self.settings.remember(path.to_owned());
                if errors > 0 {
                    self.notify_error(format!(
                        "opened {}, which has {errors} validation error(s): see the marked rules",
                        path.display()
                    ));
                } else {
                    self.notify(format!("opened {}", path.display()));
                }
            }
            Err(error) => self.notify_error(format!("could not open the model: {error}")),
        }
    }

    fn save_to(&mut self, path: &Path) {
        self.commit_pending();
        match save_model(path, &self.document.model) {
            Ok(()) => {
                // The model is saved; verdict edits are saved with the leads (Save leads…).
                self.saved.model_saved(&self.document);
                self.model_path = Some(path.to_owned());
                self.settings.remember(path.to_owned());
                self.notify(format!("saved {}", path.display()));
            }
            Err(error) => self.notify_error(format!("could not save: {error}")),
        }
    }

    /// An agreed model must be valid and signed by both teams.
    fn check_exportable(&mut self) -> bool {
        let problems = crate::validate::validate(&self.document.model);
        if is_valid(&problems) {
            if self.document.model.is_signed_by_both() {
                return true;
            }
            self.notify_error(
                "both teams must sign the model before it is exported as agreed (Sign-off tab)",
            );
            return false;
        }
        let errors: Vec<_> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        self.notify_error(format!(
            "the model has {} error(s) and cannot be exported as agreed (save it as a draft instead); first: {first}",
            errors.len()
        ));
        false
    }

    fn export_agreed(&mut self, path: &Path) {
        self.commit_pending();
        if !self.check_exportable() {
            return;
        }
        let mut model = self.document.model.clone();
        model.status = ModelStatus::Agreed;
        model.changelog.push(ChangelogEntry {
            date: crate::leads::format_day(crate::leads::today()),
            team: Some(self.settings.editing_as),
            summary: format!(
                "exported as agreed: {} fit rules, {} engagement rules, MQL at {}",
                model.fit.rules.len(),
                model.engagement.rules.len(),
                crate::model::fmt_number(model.combine.mql_threshold)
            ),
        });
        match save_model(path, &model) {
            Ok(()) => self.notify(format!("exported the agreed model to {}", path.display())),
            Err(error) => self.notify_error(format!("could not export: {error}")),
        }
    }

    fn save_leads(&mut self, path: &Path) {
        self.commit_pending();
        let mut bytes = Vec::new();
        let written =
            crate::export::write_leads_csv(&mut bytes, &self.leads, &self.document.verdicts)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    crate::format::write_atomically(path, &bytes).map_err(|e| e.to_string())
                });
        match written {
            Ok(()) => {
                self.saved.verdicts_saved(&self.document);
                self.leads_file_verdicts = self.document.verdicts.clone();
                self.leads_path = Some(path.to_owned());
                let judged = self.document.verdicts.iter().flatten().count();
                self.notify(format!(
                    "saved {} leads with {judged} sales verdicts to {}",
                    self.leads.len(),
                    path.display()
                ));
            }
            Err(error) => self.notify_error(format!("could not save the leads: {error}")),
        }
    }

    fn open_compare(&mut self, path: &Path) {
        match load_model(path) {
            Ok(model) => {
                self.compare = Some(CompareState {
                    model,
                    label: path.display().to_string(),
                    // Scored by `refresh_compare` before the next frame is drawn.
                    scores: Vec::new(),
                    leads_version: self.leads_version.wrapping_sub(1),
                });
                self.refresh_compare();
                self.view.central = CentralView::Compare;
            }
            Err(error) => {
                self.notify_error(format!("could not open the model to compare: {error}"))
            }
        }
    }

    fn restore_autosave(&mut self) {
        let Some(path) = self.autosave_path.clone() else {
            return;
        };
        match read_autosave(&path) {
            Some(file) => {
                let original = file.model_path.clone();
                self.set_document(file.model, original.clone());
                if let Some(verdicts) = file.verdicts.filter(|v| v.len() == self.leads.len()) {
                    self.document =
                        Document::new(self.document.model.clone(), std::sync::Arc::new(verdicts));
                    self.history.reset(&self.document);
                }
                // The restored work is unsaved: compare against the file it came from.
                let on_disk = original
                    .as_deref()
                    .and_then(|p| load_model(p).ok())
                    .unwrap_or_else(|| Model::new(""));
                let mut saved = SavedState::unsaved_model(on_disk, &self.document);
                saved.verdicts_revision = self.saved.verdicts_revision;
                self.saved = saved;
                self.notify(format!(
                    "restored unsaved work from {}: save it to keep it",
                    file.saved_at
                ));
            }
            None => self.notify_error("the autosaved work could not be read"),
        }
    }

    /// Writes unsaved work every few seconds on a thread, and removes the autosave once nothing
    /// is unsaved.
    pub(super) fn autosave_tick(&mut self, now: f64) {
        let Some(path) = self.autosave_path.clone() else {
            return;
        };
        if now - self.autosave.last_time < AUTOSAVE_SECONDS {
            return;
        }
        self.autosave.last_time = now;
        if !self.is_dirty() {
            if self.autosave.written.is_some() {
                if let Err(error) = remove_autosave(&path) {
                    self.notify_error(format!("could not delete the autosave: {error}"));
                }
                self.autosave.written = None;
            }
            return;
        }
        if let Some(receiver) = &self.autosave.result {
            match receiver.try_recv() {
                Ok(Err(error)) => self.notify_error(format!("autosave failed: {error}")),
                Ok(Ok(())) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
                // The previous write is still going: try again next time.
                Err(std::sync::mpsc::TryRecvError::Empty) => return,
            }
            self.autosave.result = None;
        }
        let revisions = (
            self.document.model_revision(),
            self.document.verdicts_revision(),
        );
        if self.autosave.written == Some(revisions) {
            return;
        }
        // Written on a thread: with a million leads the verdicts alone take a while to write.
        let model = self.document.model.clone();
        let verdicts = self.document.verdicts.clone();
        let model_path = self.model_path.clone();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = write_autosave(&path, &model, model_path.as_deref(), Some(&verdicts));
            // The app may have quit meanwhile: then nobody waits for the result.
            sender.send(result).ok();
        });
        self.autosave.result = Some(receiver);
        self.autosave.written = Some(revisions);
    }
}

/// A file name from a model name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() {
        "model".to_owned()
    } else {
        stem
    }
}
