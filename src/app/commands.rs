//! Side effects as commands: buttons and shortcuts push a [`Command`]; it runs once, after the
//! panels are drawn. File I/O happens only here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::files::{DialogOutcome, PendingDialog, read_autosave};
use super::{Dialog, DialogMode, Document, StudioApp};
use crate::format::{load_model, save_model};
use crate::leads::{LoadOptions, Progress, load_events_csv_with_progress, load_leads_csv};
use crate::model::{ChangelogEntry, Model, ModelStatus};

use crate::validate::{Severity, is_valid};

/// Something the user asked for that touches files, history or settings.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    New,
    /// Ask for a model file to open.
    Open,
    OpenPath(PathBuf),
    Save,
    /// Save what is unsaved: the model, and the leads when sales' verdicts changed.
    SaveAll,
    SaveAs,
    SaveToPath(PathBuf),
    ImportLeads,
    ImportLeadsPath(PathBuf),
    ImportLeadsSkippingBadRows(PathBuf),
    ImportEvents,
    ImportEventsPath(PathBuf),
    ImportEventsSkippingBadRows(PathBuf),
    ExportAgreed,
    ExportAgreedPath(PathBuf),
    /// Write the leads with sales' verdicts (to the file they came from, or a chosen one).
    SaveLeads,
    SaveLeadsPath(PathBuf),
    /// Open a second model to compare with.
    OpenCompare,
    OpenComparePath(PathBuf),
    Undo,
    Redo,
    RestoreAutosave,
    DiscardAutosave,
    Quit,
    /// Run the inner command without asking about unsaved changes (the user said discard).
    Discarding(Box<Command>),
}

/// Files at least this big are imported on a thread, with a progress window.
pub const BACKGROUND_IMPORT_BYTES: u64 = 8 * 1024 * 1024;

/// What a background import sends back.
pub enum ImportOutcome {
    Leads(Result<(crate::leads::LeadSet, crate::leads::LoadReport), crate::leads::LeadsError>),
    Events(
        Result<
            (Option<crate::leads::EventLog>, crate::leads::LoadReport),
            crate::leads::LeadsError,
        >,
    ),
}

/// What a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    OpenModel,
    SaveModelAs,
    ImportLeads,
    ImportEvents,
    ExportAgreed,
    CompareModel,
    SaveLeads,
}

impl Purpose {
    pub fn title(self) -> &'static str {
        match self {
            Purpose::OpenModel => "Open model",
            Purpose::SaveModelAs => "Save model as",
            Purpose::ImportLeads => "Import leads (CSV)",
            Purpose::ImportEvents => "Import event log (CSV)",
            Purpose::ExportAgreed => "Export agreed model",
            Purpose::CompareModel => "Open a model to compare",
            Purpose::SaveLeads => "Save leads with verdicts (CSV)",
        }
    }

    /// The command to run with a chosen path.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            Purpose::OpenModel => Command::OpenPath(path),
            Purpose::SaveModelAs => Command::SaveToPath(path),
            Purpose::ImportLeads => Command::ImportLeadsPath(path),
            Purpose::ImportEvents => Command::ImportEventsPath(path),
            Purpose::ExportAgreed => Command::ExportAgreedPath(path),
            Purpose::CompareModel => Command::OpenComparePath(path),
            Purpose::SaveLeads => Command::SaveLeadsPath(path),
        }
    }
}

impl StudioApp {
    /// Runs the queued commands, in order.
    pub fn run_commands(&mut self, ctx: &egui::Context) {
        let commands = std::mem::take(&mut self.commands);
        for command in commands {
            self.run_command(command, ctx);
        }
    }

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

    fn run_command(&mut self, command: Command, ctx: &egui::Context) {
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
                other => self.run_command(other, ctx),
            },
            Command::Save => match self.model_path.clone() {
                Some(path) => self.save_to(&path),
                None => self.ask_path(Purpose::SaveModelAs),
            },
            Command::SaveAs => self.ask_path(Purpose::SaveModelAs),
            Command::SaveAll => {
                if self.document.model != self.saved.model {
                    self.run_command(Command::Save, ctx);
                }
                if self.document.verdicts != self.saved.verdicts {
                    self.run_command(Command::SaveLeads, ctx);
                }
            }
            Command::SaveToPath(path) => self.save_to(&path),
            Command::ImportLeads => self.ask_path(Purpose::ImportLeads),
            Command::ImportLeadsPath(path) => self.import_leads(&path, false),
            Command::ImportLeadsSkippingBadRows(path) => self.import_leads(&path, true),
            Command::ImportEvents => self.ask_path(Purpose::ImportEvents),
            Command::ImportEventsPath(path) => self.import_events(&path, false),
            Command::ImportEventsSkippingBadRows(path) => self.import_events(&path, true),
            Command::ExportAgreed => {
                if self.check_exportable() {
                    self.ask_path(Purpose::ExportAgreed);
                }
            }
            Command::ExportAgreedPath(path) => self.export_agreed(&path),
            Command::OpenCompare => self.ask_path(Purpose::CompareModel),
            Command::SaveLeads => match self.leads_path.clone() {
                Some(path) => self.save_leads(&path),
                None => self.ask_path(Purpose::SaveLeads),
            },
            Command::SaveLeadsPath(path) => self.save_leads(&path),
            Command::OpenComparePath(path) => self.open_compare(&path),
            Command::Undo => {
                if self.history.undo(&mut self.document) {
                    self.record_history_step("undo");
                } else {
                    self.notify("nothing to undo");
                }
            }
            Command::Redo => {
                if self.history.redo(&mut self.document) {
                    self.record_history_step("redo");
                } else {
                    self.notify("nothing to redo");
                }
            }
            Command::RestoreAutosave => self.restore_autosave(),
            Command::DiscardAutosave => {
                if let Some(path) = &self.autosave_path {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
        let _ = ctx;
    }

    fn record_history_step(&mut self, what: &str) {
        self.changes.push(super::ChangeRecord {
            time: super::clock_time(),
            team: self.settings.editing_as,
            summary: what.to_owned(),
        });
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

    /// Checks on a native dialog running on its thread.
    pub fn poll_file_dialog(&mut self) {
        let Some(pending) = &self.pending_dialog else {
            return;
        };
        let purpose = pending.purpose;
        match pending.poll() {
            DialogOutcome::StillOpen => {}
            DialogOutcome::Chosen(path) => {
                self.pending_dialog = None;
                self.push(purpose.command(path));
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
        self.document = Document {
            model,
            verdicts: self.leads_file_verdicts.clone(),
        };
        self.history.reset(&self.document);
        self.saved = self.document.clone();
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
                self.saved.model = self.document.model.clone();
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
        let first = problems
            .iter()
            .find(|p| p.severity == Severity::Error)
            .map(ToString::to_string)
            .unwrap_or_default();
        self.notify_error(format!(
            "the model has {} error(s) and cannot be exported as agreed (save it as a draft instead); first: {first}",
            problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count()
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
                self.saved.verdicts = self.document.verdicts.clone();
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
                let evaluation = crate::scoring::Evaluation::new(&model, &self.leads, self.as_of);
                let scores = crate::scoring::score_all(&model, &evaluation);
                self.compare = Some(super::panels::CompareState {
                    model,
                    label: path.display().to_string(),
                    scores,
                    leads_version: self.leads_version,
                });
                self.view.central = super::CentralView::Compare;
            }
            Err(error) => {
                self.notify_error(format!("could not open the model to compare: {error}"))
            }
        }
    }

    fn import_leads(&mut self, path: &Path, skip_bad_rows: bool) {
        let options = LoadOptions {
            fields: self.document.model.fields.clone(),
            skip_bad_rows,
            ..LoadOptions::default()
        };
        let path_owned = path.to_owned();
        self.start_import(path, false, move |progress| {
            let options = LoadOptions {
                progress: Some(progress),
                ..options
            };
            ImportOutcome::Leads(load_leads_csv(&path_owned, &options))
        });
    }

    /// Runs an import: at once for small files, on a thread for large ones (the window stays
    /// responsive, and the current leads stay until the new ones are complete).
    fn start_import(
        &mut self,
        path: &Path,
        events: bool,
        load: impl FnOnce(Arc<Progress>) -> ImportOutcome + Send + 'static,
    ) {
        if self.import_job.is_some() {
            // One import at a time: an event log waits for the leads it belongs to.
            self.after_import.push(if events {
                Command::ImportEventsPath(path.to_owned())
            } else {
                Command::ImportLeadsPath(path.to_owned())
            });
            return;
        }
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let progress = Arc::new(Progress::default());
        if size < BACKGROUND_IMPORT_BYTES {
            let outcome = load(progress);
            self.finish_import(path, events, outcome);
            return;
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        let shared = progress.clone();
        std::thread::spawn(move || {
            let _ = sender.send(load(shared));
        });
        self.import_job = Some(super::ImportJob {
            path: path.to_owned(),
            events,
            bytes: size,
            started: std::time::Instant::now(),
            receiver,
            progress,
        });
    }

    /// Checks on a background import; applies its result when it is complete.
    pub fn poll_import(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.import_job else {
            return;
        };
        match job.receiver.try_recv() {
            Ok(outcome) => {
                let (path, events) = (job.path.clone(), job.events);
                self.import_job = None;
                self.finish_import(&path, events, outcome);
                let waiting = std::mem::take(&mut self.after_import);
                self.commands.extend(waiting);
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.import_job = None;
                self.notify_error(
                    "the import stopped unexpectedly; the current leads are unchanged",
                );
            }
        }
    }

    /// Drops a running import: its result is discarded when it arrives.
    pub fn cancel_import(&mut self) {
        self.after_import.clear();
        if let Some(job) = self.import_job.take() {
            // The loader stops at its next block; its result, if any, is never looked at.
            job.progress.cancel();
            self.notify(format!(
                "cancelled the import of {}; the current leads are unchanged",
                job.path.display()
            ));
        }
    }

    fn finish_import(&mut self, path: &Path, events: bool, outcome: ImportOutcome) {
        let result = match outcome {
            ImportOutcome::Leads(Ok((leads, report))) => {
                let count = leads.len();
                self.replace_leads(leads, path);
                self.leads_path = Some(path.to_owned());
                Ok((
                    format!("imported {count} leads from {}", path.display()),
                    report,
                ))
            }
            ImportOutcome::Events(Ok((log, report))) => {
                let count = log.as_ref().map_or(0, |e| e.len());
                // Stops background rescoring first, so the lead set is not shared any more and
                // is changed in place rather than copied.
                self.derived.invalidate();
                Arc::make_mut(&mut self.leads).events = log;
                self.as_of = self.leads.default_as_of();
                self.leads_version += 1;
                Ok((
                    format!("imported {count} events from {}", path.display()),
                    report,
                ))
            }
            ImportOutcome::Leads(Err(error)) | ImportOutcome::Events(Err(error)) => Err(error),
        };
        match result {
            Ok((mut text, report)) => {
                if let Some(first) = report.skipped.first() {
                    text.push_str(&format!(
                        "; skipped {} bad rows (first: {first})",
                        report.skipped.len()
                    ));
                }
                self.notify(text);
                for warning in report.warnings {
                    self.notify(warning);
                }
            }
            Err(error) => {
                self.notify_error(format!("import failed: {error}"));
                self.dialog = Some(Dialog::ImportFailed {
                    path: path.to_owned(),
                    events,
                    message: error.to_string(),
                });
            }
        }
    }

    fn replace_leads(&mut self, leads: crate::leads::LeadSet, path: &Path) {
        self.commit_pending();
        self.as_of = leads.default_as_of();
        self.leads_label = format!(
            "{} ({} leads)",
            path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into()
            ),
            leads.len()
        );
        let verdicts = std::sync::Arc::new(leads.verdicts.clone());
        self.leads = Arc::new(leads);
        self.leads_file_verdicts = verdicts.clone();
        self.history.replace_verdicts(&verdicts);
        self.document.verdicts = verdicts.clone();
        self.saved.verdicts = verdicts;
        self.view.selected_lead = None;
        self.view.table_key = None;
        self.derived.invalidate();
        self.leads_version += 1;
    }

    fn import_events(&mut self, path: &Path, skip_bad_rows: bool) {
        if self.leads.is_empty() {
            self.notify_error("import leads first: an event log refers to leads by id");
            return;
        }
        // The loader needs only the lead ids; the leads themselves stay with the UI.
        let mut shell = crate::leads::LeadSet {
            ids: self.leads.ids.clone(),
            ..crate::leads::LeadSet::default()
        };
        let path_owned = path.to_owned();
        self.start_import(path, true, move |progress| {
            ImportOutcome::Events(
                load_events_csv_with_progress(&path_owned, &mut shell, skip_bad_rows, &progress)
                    .map(|report| (shell.events, report)),
            )
        });
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
                    self.document.verdicts = std::sync::Arc::new(verdicts);
                    self.history.reset(&self.document);
                }
                // The restored work is unsaved: compare against the file it came from.
                self.saved.model = original
                    .as_deref()
                    .and_then(|p| load_model(p).ok())
                    .unwrap_or_else(|| Model::new(""));
                self.notify(format!(
                    "restored unsaved work from {}: save it to keep it",
                    file.saved_at
                ));
            }
            None => self.notify_error("the autosaved work could not be read"),
        }
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
