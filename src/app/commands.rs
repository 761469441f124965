//! Running [`Command`]s: the side effects on models (new, open, save, export, compare), undo and
//! redo, file dialogs, and the autosave. Imports live in `imports.rs`. Commands run only from
//! `StudioApp::apply`, after the panels are drawn; this and `imports.rs` are where the app reads
//! and writes files.

use std::path::{Path, PathBuf};

use super::document::{Document, SavedState};
use super::files::{
    Cleanup, DialogMode, DialogOutcome, PendingDialog, Purpose, file_stem, read_autosave,
    remove_autosave, write_autosave,
};
use super::state::{CentralView, Command, CompareState, Dialog, StudioApp};
use crate::format::{load_model, save_model};
use crate::model::{ChangelogEntry, Model, ModelStatus};
use crate::validate::{Severity, is_valid};

/// Seconds between autosaves of unsaved work.
pub const AUTOSAVE_SECONDS: f64 = 3.0;

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
                    self.open_model_or_workshop(&path);
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
                Command::OpenPath(path) => self.open_model_or_workshop(&path),
                Command::Quit => self.quit_requested = true,
                other => self.run_command(other),
            },
            // The workshop file once there is one; else a model file holds model-only edits, and
            // anything more (sales' verdicts) asks for a workshop file.
            Command::Save => match (self.workshop_path.clone(), self.model_path.clone()) {
                (Some(workshop), _) => {
                    self.save_workshop_to(&workshop);
                }
                (None, Some(path))
                    if self.saved.verdicts_are_saved(&self.document)
                        && self.saved.notes_are_saved(&self.document) =>
                {
                    self.save_to(&path);
                }
                _ => self.ask_path(Purpose::SaveWorkshop),
            },
            Command::SaveWorkshopAs => self.ask_path(Purpose::SaveWorkshop),
            // A `.ron` name typed where the workshop was asked for means the model alone.
            Command::SaveWorkshopPath(path)
                if !super::workshop_files::is_workshop_path(&path)
                    && path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("ron")) =>
            {
                self.save_to(&path);
            }
            Command::SaveWorkshopPath(path) => {
                self.save_workshop_to(&path);
            }
            Command::SaveAs => self.ask_path(Purpose::SaveModelAs),
            Command::SaveAll { then } => self.save_all(then.map(|then| *then)),
            Command::SaveToPath(path) => {
                self.save_to(&path);
            }
            Command::ImportLeads => self.ask_path(Purpose::ImportLeads),
            Command::ImportLeadsPath(path) => self.import_leads(&path, false),
            Command::ImportLeadsSkippingBadRows(path) => self.import_leads(&path, true),
            Command::ReadLeadsWith(renames) => self.read_leads_with(renames),
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
            Command::ExportSummary => self.ask_path(Purpose::ExportSummary),
            Command::ExportSummaryPath(path) => self.export_summary(&path),
            Command::ExportMqlList => self.ask_path(Purpose::ExportMqlList),
            Command::ExportMqlListPath(path) => self.export_mql_list(&path),
            Command::OpenSqlExport => self.open_sql_export(),
            Command::ExportSql => {
                if self.check_compilable() {
                    self.ask_path(Purpose::ExportSql);
                }
            }
            Command::ExportSqlPath(path) => self.export_sql(&path),
            Command::OpenCompare => self.ask_path(Purpose::CompareModel),
            Command::OpenComparePath(path) => self.open_compare(&path),
            Command::CloseCompare => self.compare = None,
            Command::SaveLeads => self.ask_path(Purpose::SaveLeads),
            Command::SaveLeadsPath(path) => self.save_leads(&path),
            Command::TypedPath(purpose, path) => self.typed_path(purpose, path),
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
            Command::RemoveStaleTemporaryFiles(directories) => {
                if self.cleanup.is_none() {
                    self.cleanup = Some(Cleanup::start(directories));
                }
            }
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
                let suggested = purpose
                    .saves()
                    .then(|| PathBuf::from(self.suggested_path(purpose)));
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
            Purpose::SaveLeads => self.suggested_verdicts_path().display().to_string(),
            Purpose::ExportSummary | Purpose::ExportMqlList => {
                self.suggested_handout_path(purpose).display().to_string()
            }
            Purpose::SaveWorkshop => self.suggested_workshop_path().display().to_string(),
            Purpose::ExportSql => self.suggested_sql_path().display().to_string(),
            _ => String::new(),
        }
    }

    /// Where to suggest saving the leads with verdicts: where they were saved last, or a new
    /// file beside the imported one (`<name>-with-verdicts.csv`), never the imported file itself.
    fn suggested_verdicts_path(&self) -> PathBuf {
        if let Some(path) = &self.verdicts_path {
            return path.clone();
        }
        match &self.leads_path {
            Some(source) => {
                let stem = source
                    .file_stem()
                    .map_or_else(|| "leads".into(), |s| s.to_string_lossy());
                source.with_file_name(format!("{stem}-with-verdicts.csv"))
            }
            None => {
                let name = "leads-with-verdicts.csv";
                self.model_path
                    .as_ref()
                    .and_then(|p| p.parent())
                    .map_or_else(|| PathBuf::from(name), |dir| dir.join(name))
            }
        }
    }

    /// A path typed for `purpose`: a save over a file that exists asks first (a native save
    /// dialog asks by itself; the typed path is the only way to name a file without it).
    fn typed_path(&mut self, purpose: Purpose, path: PathBuf) {
        if purpose.saves() && std::fs::symlink_metadata(&path).is_ok() {
            let imported = self
                .leads_path
                .as_deref()
                .is_some_and(|leads| same_file(leads, &path));
            let note = imported.then(|| {
                if purpose == Purpose::SaveLeads {
                    "This is the leads file you imported: it would be rewritten with a Sales Verdict column."
                } else {
                    "This is the leads file you imported: it would be replaced by the model."
                }
                .to_owned()
            });
            self.dialog = Some(Dialog::ConfirmReplace {
                purpose,
                path,
                note,
            });
        } else {
            self.run_command(Command::with_path(purpose, path));
        }
    }

    /// Saves the model, then sales' verdicts, asking where when needed, then runs `then`.
    fn save_all(&mut self, then: Option<Command>) {
        self.commit_pending();
        self.after_save = None;
        let rest = Command::SaveAll {
            then: then.clone().map(Box::new),
        };
        if let Some(workshop) = self.workshop_path.clone() {
            if (!self.is_dirty() || self.save_workshop_to(&workshop))
                && let Some(then) = then
            {
                self.push(then);
            }
            return;
        }
        if !self.saved.verdicts_are_saved(&self.document)
            || !self.saved.notes_are_saved(&self.document)
        {
            // Verdicts and notes go to the workshop file (never over the leads file).
            self.after_save = Some(rest);
            self.ask_path(Purpose::SaveWorkshop);
            return;
        }
        if !self.saved.model_is_saved(&self.document) {
            match self.model_path.clone() {
                Some(path) => {
                    if !self.save_to(&path) {
                        return;
                    }
                }
                None => {
                    self.after_save = Some(rest);
                    self.ask_path(Purpose::SaveModelAs);
                    return;
                }
            }
        }
        if !self.saved.verdicts_are_saved(&self.document) {
            // Verdicts go to a file the user chooses: never over the leads file they gave
            // without asking.
            self.after_save = Some(rest);
            self.ask_path(Purpose::SaveLeads);
            return;
        }
        if let Some(then) = then {
            self.push(then);
        }
    }

    /// Opens a workshop file (`.mqlw`) or a model file (anything else).
    fn open_model_or_workshop(&mut self, path: &Path) {
        if super::workshop_files::is_workshop_path(path) {
            self.open_workshop(path);
        } else {
            self.open_model(path);
        }
    }

    /// After a save asked for by [`Command::SaveAll`]: go on with the rest, or stop on failure.
    pub(super) fn continue_after_save(&mut self, saved: bool) {
        match self.after_save.take() {
            Some(rest) if saved => self.push(rest),
            _ => {}
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
            DialogOutcome::Cancelled => {
                self.pending_dialog = None;
                // A cancelled save stops the rest of a Save from the unsaved-changes dialog.
                self.after_save = None;
            }
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
        self.workshop_path = None;
        self.orphan_verdicts.clear();
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
                // A model file starts a workshop of its own: Save asks where its file goes.
                self.workshop_path = None;
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

    /// Saves the model; true when it was saved.
    fn save_to(&mut self, path: &Path) -> bool {
        self.commit_pending();
        let saved = match save_model(path, &self.document.model) {
            Ok(()) => {
                // The model is saved; verdict edits are saved with the leads (Save leads…).
                self.saved.model_saved(&self.document);
                self.model_path = Some(path.to_owned());
                self.settings.remember(path.to_owned());
                if self.saved.verdicts_are_saved(&self.document) {
                    self.notify(format!("saved {}", path.display()));
                } else {
                    self.notify(format!(
                        "saved {}; sales' verdicts are not saved yet: Save (Ctrl+S) keeps them in a workshop file",
                        path.display()
                    ));
                }
                true
            }
            Err(error) => {
                self.notify_error(format!("could not save: {error}"));
                false
            }
        };
        self.continue_after_save(saved);
        saved
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
        let (count, first) = crate::validate::error_summary(&problems).unwrap_or_default();
        self.notify_error(format!(
            "the model has {count} error(s) and cannot be exported as agreed (save it as a draft instead); first: {first}"
        ));
        false
    }

    fn export_agreed(&mut self, path: &Path) {
        self.commit_pending();
        if !self.check_exportable() {
            return;
        }
        let mut model = self.document.model.clone();
        crate::workshop::decisions_into_changelog(&mut model, &self.document.notes);
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
            Ok(()) => {
                self.notify(format!("exported the agreed model to {}", path.display()));
                if self.settings.sql_export.beside_agreed {
                    self.write_sql_beside(path, &model);
                }
            }
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
        let saved = match written {
            Ok(()) => {
                self.saved.verdicts_saved(&self.document);
                self.leads_file_verdicts = self.document.verdicts.clone();
                // The imported file stays the leads' source; the next save suggests this one.
                self.verdicts_path = Some(path.to_owned());
                let judged = self.document.verdicts.iter().flatten().count();
                self.notify(format!(
                    "saved {} leads with {judged} sales verdicts to {}",
                    self.leads.len(),
                    path.display()
                ));
                true
            }
            Err(error) => {
                self.notify_error(format!("could not save the leads: {error}"));
                false
            }
        };
        self.continue_after_save(saved);
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
                let verdicts = file.recorded_verdicts();
                self.set_document(file.model, original.clone());
                // Verdicts as in the leads file are not unsaved work: only changed ones are.
                let changed = verdicts
                    .filter(|v| v.len() == self.leads.len() && *v != *self.leads_file_verdicts);
                if let Some(verdicts) = changed {
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
    /// is unsaved. While there is something left to write (or remove), it asks for a frame at the
    /// next tick: without input the window draws no frames, and the last edit would wait for the
    /// next mouse move.
    pub(super) fn autosave_tick(&mut self, now: f64, ctx: &egui::Context) {
        let Some(path) = self.autosave_path.clone() else {
            return;
        };
        // A write that is done is collected at once, so a failure is reported without waiting.
        let idle = self.finish_autosave_write(false);
        if idle && now - self.autosave.last_time >= AUTOSAVE_SECONDS {
            self.autosave.last_time = now;
            self.autosave_step(&path);
        }
        if self.autosave.writing.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        } else if self.autosave_has_work() {
            let wait = (self.autosave.last_time + AUTOSAVE_SECONDS - now).max(0.05);
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }

    /// True while the autosave file does not hold what it should: the unsaved work as it is now,
    /// or nothing once all is saved.
    fn autosave_has_work(&self) -> bool {
        if self.autosave.writing.is_some() {
            return true;
        }
        if self.is_dirty() {
            self.autosave.written != Some(self.revisions())
        } else {
            self.autosave.written.is_some()
        }
    }

    fn revisions(&self) -> (super::document::Revision, super::document::Revision) {
        (
            self.document.model_revision(),
            self.document.verdicts_revision(),
        )
    }

    /// Runs with no write in flight: one thing at a time on the autosave file (a removal racing a
    /// write would leave stale work behind, offered again after the next start).
    fn autosave_step(&mut self, path: &Path) {
        if !self.is_dirty() {
            if self.autosave.written.is_some() {
                if let Err(error) = remove_autosave(path) {
                    self.notify_error(format!("could not delete the autosave: {error}"));
                }
                self.autosave.written = None;
            }
            return;
        }
        let revisions = self.revisions();
        if self.autosave.written == Some(revisions) {
            return;
        }
        // Written on a thread: with a million leads the verdicts alone take a while to write.
        let model = self.document.model.clone();
        let verdicts = self.document.verdicts.clone();
        let model_path = self.model_path.clone();
        let path = path.to_owned();
        self.autosave.writing = Some(std::thread::spawn(move || {
            write_autosave(&path, &model, model_path.as_deref(), Some(&verdicts))
        }));
        self.autosave.written = Some(revisions);
    }

    /// Collects the autosave write in flight, waiting for it when `wait`; false while it is still
    /// running. A failed write is reported and tried again at the next tick.
    fn finish_autosave_write(&mut self, wait: bool) -> bool {
        let Some(writing) = self.autosave.writing.take() else {
            return true;
        };
        if !wait && !writing.is_finished() {
            self.autosave.writing = Some(writing);
            return false;
        }
        let failure = match writing.join() {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(error.to_string()),
            Err(_) => Some("the autosave thread stopped".to_owned()),
        };
        if let Some(failure) = failure {
            self.notify_error(format!("autosave failed: {failure}"));
            self.autosave.written = None;
        }
        true
    }

    /// At exit: the write in flight is finished first; then, when the user saved everything or
    /// chose to discard it, the autosave goes (it is only for crashes).
    pub(super) fn autosave_on_exit(&mut self) {
        self.finish_autosave_write(true);
        if let Some(path) = &self.autosave_path
            && (!self.is_dirty() || self.close_confirmed)
            && let Err(error) = remove_autosave(path)
        {
            // The window is gone: the terminal is the only place left to say it.
            eprintln!(
                "mql-studio: could not delete the autosave {}: {error}",
                path.display()
            );
        }
    }

    /// Checks on the start-up removal of stale temporary files; says what it removed.
    pub(super) fn poll_cleanup(&mut self, ctx: &egui::Context) {
        let Some(cleanup) = self.cleanup.take() else {
            return;
        };
        match cleanup.poll() {
            Ok(removed) => {
                if !removed.is_empty() {
                    let names: Vec<String> =
                        removed.iter().map(|p| p.display().to_string()).collect();
                    self.notify(format!(
                        "removed {} temporary file(s) left behind by an interrupted save: {}",
                        removed.len(),
                        names.join(", ")
                    ));
                }
            }
            Err(running) => {
                self.cleanup = Some(running);
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
    }
}

/// True when two paths name the same file (through links or relative paths); a path that does
/// not resolve is compared as written.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
