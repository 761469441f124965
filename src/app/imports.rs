//! Running the import commands: leads and event logs from CSV (at once for small files, on a
//! thread with progress and cancel for large ones), and files dropped on the window. The lead set
//! changes only here, through [`StudioApp::replace_leads`] and [`StudioApp::set_event_log`].

use std::path::Path;
use std::sync::Arc;

use super::files::read_prefix;
use super::state::{Command, Dialog, ImportJob, ImportOutcome, StudioApp};
use crate::leads::{
    EventLog, HEADER_SNIFF_BYTES, LeadSet, LoadOptions, Progress, load_events_csv_with_progress,
    load_leads_csv, looks_like_event_log,
};

/// Files at least this big are imported on a thread, with a progress window.
pub const BACKGROUND_IMPORT_BYTES: u64 = 8 * 1024 * 1024;

impl StudioApp {
    pub(super) fn import_leads(&mut self, path: &Path, skip_bad_rows: bool) {
        let options = LoadOptions {
            fields: self.document.model.fields.clone(),
            skip_bad_rows,
            renames: self.leads_renames.clone(),
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

    pub(super) fn import_events(&mut self, path: &Path, skip_bad_rows: bool) {
        if self.leads.is_empty() {
            self.notify_error("import leads first: an event log refers to leads by id");
            return;
        }
        // The loader needs only the lead ids; the leads themselves stay with the UI.
        let mut shell = LeadSet {
            ids: self.leads.ids.clone(),
            ..LeadSet::default()
        };
        let path_owned = path.to_owned();
        self.start_import(path, true, move |progress| {
            ImportOutcome::Events(
                load_events_csv_with_progress(&path_owned, &mut shell, skip_bad_rows, &progress)
                    .map(|report| (shell.events, report)),
            )
        });
    }

    /// A dropped file: a `.ron` opens as the model; a CSV is an event log when its header says
    /// so (read from its first bytes only: a dropped file may be hundreds of megabytes), leads
    /// otherwise.
    pub(super) fn open_dropped(&mut self, path: &Path) {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "ron" => self.push(Command::OpenPath(path.to_owned())),
            "csv" | "tsv" | "txt" => match read_prefix(path, HEADER_SNIFF_BYTES) {
                Ok(mut prefix) => {
                    if prefix.len() < HEADER_SNIFF_BYTES {
                        // The whole file: a header without a line end is still a header.
                        prefix.push(b'\n');
                    }
                    let command = if looks_like_event_log(&prefix) {
                        Command::ImportEventsPath(path.to_owned())
                    } else {
                        Command::ImportLeadsPath(path.to_owned())
                    };
                    self.push(command);
                }
                Err(error) => {
                    self.notify_error(format!("could not read {}: {error}", path.display()));
                }
            },
            _ => self.notify_error(format!(
                "{}: drop a model (.ron) or leads or events (.csv)",
                path.display()
            )),
        }
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
            // A cancelled import's receiver is gone: its result is not wanted.
            sender.send(load(shared)).ok();
        });
        self.import_job = Some(ImportJob {
            path: path.to_owned(),
            events,
            bytes: size,
            started: std::time::Instant::now(),
            receiver,
            progress,
        });
    }

    /// Checks on a background import; applies its result when it is complete.
    pub(super) fn poll_import(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.import_job else {
            return;
        };
        match job.receiver.try_recv() {
            Ok(outcome) => {
                let (path, events) = (job.path.clone(), job.events);
                self.import_job = None;
                self.finish_import(&path, events, outcome);
                for command in std::mem::take(&mut self.after_import) {
                    self.push(command);
                }
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
    pub(super) fn cancel_import(&mut self) {
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
                Ok((
                    format!("imported {count} leads from {}", path.display()),
                    report,
                ))
            }
            ImportOutcome::Events(Ok((log, report))) => {
                let count = log.as_ref().map_or(0, EventLog::len);
                self.set_event_log(log);
                self.events_path = Some(path.to_owned());
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
                if let Some(warning) = self.leads.default_as_of_warning() {
                    self.notify(warning);
                }
                self.check_columns_after_import();
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

    /// New leads from a file: the verdicts in every undo step become the file's, and everything
    /// derived from the old leads is dropped.
    pub(super) fn replace_leads(&mut self, leads: LeadSet, path: &Path) {
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
        let verdicts = Arc::new(leads.verdicts.clone());
        // The background rescoring shares the old leads: stop it before they go.
        self.derived.reset();
        self.leads = Arc::new(leads);
        self.leads_path = Some(path.to_owned());
        // New leads: their verdicts have not been saved anywhere yet, nor have they events.
        self.verdicts_path = None;
        self.events_path = None;
        self.leads_file_verdicts = verdicts.clone();
        self.history.replace_verdicts(&mut self.document, verdicts);
        self.saved.verdicts_saved(&self.document);
        self.view.selected_lead = None;
        // The best lead of the new set is selected once its scores are in.
        self.view.auto_selected = false;
        self.view.score_bin = None;
        self.leads_version += 1;
        if let Some(verdicts) = self.pending_workshop_verdicts.take() {
            self.apply_workshop_verdicts(verdicts);
        }
    }

    /// Reads the leads file again with `renames` added to the headers renamed on every read
    /// (and its event log after it).
    pub(super) fn read_leads_with(&mut self, renames: Vec<(String, String)>) {
        let Some(path) = self.leads_path.clone() else {
            self.notify_error(
                "the sample leads are built in: import your leads file to map its columns"
                    .to_owned(),
            );
            return;
        };
        for (header, to) in renames {
            self.leads_renames.retain(|(h, _)| *h != header);
            self.leads_renames.push((header, to));
        }
        let events = self.events_path.clone();
        self.import_leads(&path, false);
        if let Some(events) = events {
            self.push(Command::ImportEventsPath(events));
        }
    }

    /// After an import, looks at the leads through the model (on a thread for a large set):
    /// the columns view opens when it finds a problem.
    fn check_columns_after_import(&mut self) {
        self.import_checks.after_import = true;
        self.refresh_import_check();
    }

    /// An event log for the current leads; the default as-of date follows it.
    fn set_event_log(&mut self, log: Option<EventLog>) {
        // Stops background rescoring first, so the lead set is not shared any more and is
        // changed in place rather than copied.
        self.derived.reset();
        Arc::make_mut(&mut self.leads).events = log;
        self.as_of = self.leads.default_as_of();
        self.leads_version += 1;
    }
}
