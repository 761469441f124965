//! The workshop file in the app: *Save* writes the model, sales' verdicts (by lead id, with who
//! recorded each), the column renames, the notes and the change history to one `.mqlw` file,
//! with references to the leads and events files, which are never written. *Open* reads it
//! back, reads the referenced files again and says when one changed or is gone.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::document::{ChangeRecord, Document, SavedState};
use super::state::{Command, StudioApp};
use crate::model::Team;
use crate::workshop::{
    FileRef, FileState, HistoryEntry, LeadVerdict, Workshop, load_workshop, save_workshop,
};

/// The extension of workshop files.
pub const WORKSHOP_EXTENSION: &str = "mqlw";

/// Whether a path names a workshop file (by its extension).
pub fn is_workshop_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(WORKSHOP_EXTENSION))
}

impl StudioApp {
    /// Where to suggest saving the workshop: beside the model file, else the leads file, named
    /// after the model.
    pub(super) fn suggested_workshop_path(&self) -> PathBuf {
        if let Some(path) = &self.workshop_path {
            return path.clone();
        }
        let name = format!(
            "{}.{WORKSHOP_EXTENSION}",
            super::files::file_stem(&self.document.model.name)
        );
        self.model_path
            .as_ref()
            .or(self.leads_path.as_ref())
            .and_then(|p| p.parent())
            .map_or_else(|| PathBuf::from(&name), |dir| dir.join(&name))
    }

    /// A reference to `file` for a workshop file in `base`. The SHA-256 is computed once per
    /// file version (size and modification time): a million leads take about half a second to
    /// hash, which every Ctrl+S would otherwise pay.
    fn file_ref(&mut self, file: &Path, base: &Path) -> std::io::Result<FileRef> {
        let metadata = std::fs::metadata(file)?;
        let key = (file.to_owned(), metadata.len(), metadata.modified()?);
        if let Some((_, sha256)) = self.file_digests.iter().find(|(k, _)| *k == key) {
            return Ok(FileRef::with_digest(file, base, key.1, sha256.clone()));
        }
        let reference = FileRef::of(file, base)?;
        self.file_digests.retain(|(k, _)| k.0 != file);
        self.file_digests.push((key, reference.sha256.clone()));
        Ok(reference)
    }

    /// The workshop as it is now, for a file in `base`.
    fn workshop_now(&mut self, base: &Path) -> std::io::Result<Workshop> {
        let mut workshop = Workshop::new(self.document.model.clone());
        workshop.leads = match self.leads_path.clone() {
            Some(path) => Some(self.file_ref(&path, base)?),
            None => None,
        };
        workshop.events = match self.events_path.clone() {
            Some(path) => Some(self.file_ref(&path, base)?),
            None => None,
        };
        workshop.renames = self.leads_renames.clone();
        workshop.verdicts = Workshop::verdicts_of(
            &self.leads.ids,
            &self.leads_file_verdicts,
            &self.document.verdicts,
            &self.orphan_verdicts,
        );
        workshop.notes = self.document.notes.to_vec();
        workshop.history = self
            .changes
            .iter()
            .map(|c| HistoryEntry {
                at: c.time.clone(),
                team: Some(c.team),
                summary: c.summary.clone(),
            })
            .collect();
        Ok(workshop)
    }

    /// Saves the workshop to `path`; true when it was saved. The leads files are read (to
    /// reference them), never written.
    pub(super) fn save_workshop_to(&mut self, path: &Path) -> bool {
        self.commit_pending();
        let base = path.parent().unwrap_or(Path::new("."));
        let result = self
            .workshop_now(base)
            .map_err(|e| format!("could not read the leads file to reference it: {e}"))
            .and_then(|workshop| save_workshop(path, &workshop).map_err(|e| e.to_string()));
        let saved = match result {
            Ok(()) => {
                self.saved.model_saved(&self.document);
                self.saved.verdicts_saved(&self.document);
                self.saved.notes_saved(&self.document);
                self.workshop_path = Some(path.to_owned());
                self.settings.remember(path.to_owned());
                let judged = self.document.verdicts.iter().flatten().count();
                self.notify(format!(
                    "saved the workshop to {} (the model, {judged} sales verdicts and the history)",
                    path.display()
                ));
                true
            }
            Err(error) => {
                self.notify_error(format!("could not save the workshop: {error}"));
                false
            }
        };
        self.continue_after_save(saved);
        saved
    }

    /// Opens a workshop file: its model, then its leads and events files (read again, with its
    /// renames), then its verdicts on them by lead id.
    pub(super) fn open_workshop(&mut self, path: &Path) {
        let workshop = match load_workshop(path) {
            Ok(workshop) => workshop,
            Err(error) => {
                self.notify_error(format!("could not open the workshop: {error}"));
                return;
            }
        };
        let base = path.parent().unwrap_or(Path::new("."));
        self.set_document_from_workshop(workshop.model.clone(), workshop.notes.clone());
        self.workshop_path = Some(path.to_owned());
        self.settings.remember(path.to_owned());
        self.changes = workshop
            .history
            .iter()
            .map(|h| ChangeRecord {
                time: h.at.clone(),
                team: h.team.unwrap_or(Team::Marketing),
                summary: h.summary.clone(),
            })
            .collect();
        self.leads_renames = workshop.renames.clone();
        self.notify(format!("opened the workshop {}", path.display()));
        let leads = workshop.leads.as_ref().map(|r| r.check(base));
        let changed = matches!(leads, Some(FileState::Changed(_)));
        match leads {
            Some(FileState::Same(file)) | Some(FileState::Changed(file)) => {
                if changed {
                    self.notify_error(format!(
                        "the leads file {} changed since the workshop was saved (its size or SHA-256 differ): sales' verdicts are matched by lead id",
                        file.display()
                    ));
                }
                self.pending_workshop_verdicts = Some(workshop.verdicts.clone());
                self.push(Command::ImportLeadsPath(file));
                match workshop.events.as_ref().map(|r| r.check(base)) {
                    Some(FileState::Same(events)) => self.push(Command::ImportEventsPath(events)),
                    Some(FileState::Changed(events)) => {
                        self.notify_error(format!(
                            "the event log {} changed since the workshop was saved",
                            events.display()
                        ));
                        self.push(Command::ImportEventsPath(events));
                    }
                    Some(FileState::Missing(events)) => self.notify_error(format!(
                        "the workshop's event log {} is gone",
                        events.display()
                    )),
                    None => {}
                }
            }
            Some(FileState::Missing(file)) => {
                self.notify_error(format!(
                    "the workshop's leads file {} is gone: showing the leads open before; its verdicts wait for a leads file with the same lead ids",
                    file.display()
                ));
                self.apply_workshop_verdicts(workshop.verdicts);
            }
            // The workshop was on the bundled sample leads.
            None => self.apply_workshop_verdicts(workshop.verdicts),
        }
    }

    /// The workshop's model, with nothing to undo and nothing unsaved.
    fn set_document_from_workshop(
        &mut self,
        model: crate::model::Model,
        notes: Vec<crate::workshop::Note>,
    ) {
        self.document = Document::new(model, self.leads_file_verdicts.clone()).with_notes(notes);
        self.history.reset(&self.document);
        self.saved = SavedState::of(&self.document);
        self.model_path = None;
        self.orphan_verdicts.clear();
    }

    /// Puts a workshop's verdicts on the leads now open (by lead id): they are saved (in the
    /// workshop), not unsaved work. Verdicts on ids the leads lack are kept for the next save.
    pub(super) fn apply_workshop_verdicts(&mut self, verdicts: Vec<LeadVerdict>) {
        let (applied, orphans) =
            Workshop::apply_verdicts(&verdicts, &self.leads.ids, &self.leads_file_verdicts);
        if !orphans.is_empty() {
            self.notify(format!(
                "{} of the workshop's verdicts are on leads this file does not have: they are kept",
                orphans.len()
            ));
        }
        self.orphan_verdicts = orphans;
        self.history
            .replace_verdicts(&mut self.document, Arc::new(applied));
        self.saved.verdicts_saved(&self.document);
    }
}
