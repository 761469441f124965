//! The one document under undo: the model and the sample-lead edits (sales verdicts). Layout and
//! selection live elsewhere and are not undone.
//!
//! The document changes only through [`Document::apply`]; every change gives the changed part a
//! fresh [`Revision`], so derived results (scores, validation, the table) know whether they are
//! current by comparing two numbers, never by comparing or cloning models.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::edit::{EditError, ModelEdit};
use crate::leads::{Verdict, Verdicts};
use crate::model::{Model, Team};
use crate::workshop::Note;

/// Names one state of a part of the document. Fresh revisions are never reused, so two equal
/// revisions always mean equal content (an undo brings the old revision back with the old
/// content).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Revision(u64);

impl Revision {
    /// A revision no document state has had before.
    pub fn fresh() -> Revision {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Revision(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A change to the document.
#[derive(Clone, Debug, PartialEq)]
pub enum DocumentEdit {
    /// Boxed: rule edits carry whole rules, a verdict two words.
    Model(Box<ModelEdit>),
    /// Sales' verdict on the lead in this row, and the team that recorded it (the team the app
    /// is editing as).
    Verdict {
        row: usize,
        verdict: Option<Verdict>,
        by: Team,
    },
    /// A workshop note added, changed or removed.
    Note(NoteEdit),
}

/// A change to the workshop's notes. Positions are those of the notes the edit was made against;
/// `Remove` and `Replace` carry the note as it was, so a stale edit changes nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum NoteEdit {
    Add(Note),
    Remove {
        index: usize,
        note: Note,
    },
    Replace {
        index: usize,
        before: Note,
        after: Note,
    },
}

/// What undo and redo restore.
#[derive(Clone, Debug)]
pub struct Document {
    pub model: Model,
    /// Sales' verdicts on the sample leads, by lead row (edited in the app). Shared between undo
    /// steps until one changes it, so a million leads cost one copy, not one per step.
    pub verdicts: Arc<Verdicts>,
    /// The workshop's notes: decisions, open questions, the parking lot.
    pub notes: Arc<Vec<Note>>,
    model_revision: Revision,
    verdicts_revision: Revision,
    notes_revision: Revision,
}

impl Document {
    pub fn new(model: Model, verdicts: Arc<Verdicts>) -> Document {
        Document {
            model,
            verdicts,
            notes: Arc::new(Vec::new()),
            model_revision: Revision::fresh(),
            verdicts_revision: Revision::fresh(),
            notes_revision: Revision::fresh(),
        }
    }

    /// A document with notes (a workshop opened from its file).
    pub fn with_notes(mut self, notes: Vec<Note>) -> Document {
        self.notes = Arc::new(notes);
        self.notes_revision = Revision::fresh();
        self
    }

    pub fn notes_revision(&self) -> Revision {
        self.notes_revision
    }

    pub fn model_revision(&self) -> Revision {
        self.model_revision
    }

    pub fn verdicts_revision(&self) -> Revision {
        self.verdicts_revision
    }

    /// Applies one edit; returns whether the document changed. A signed model refuses content
    /// edits (see [`Model::apply`]).
    pub fn apply(&mut self, edit: DocumentEdit) -> Result<bool, EditError> {
        match edit {
            DocumentEdit::Model(edit) => {
                let changed = self.model.apply(*edit)?;
                if changed {
                    self.model_revision = Revision::fresh();
                }
                Ok(changed)
            }
            DocumentEdit::Verdict { row, verdict, by } => {
                let by = verdict.map(|_| by);
                let unchanged = row >= self.verdicts.len()
                    || (self.verdicts.verdict(row) == verdict
                        && self.verdicts.recorded_by(row) == by);
                if unchanged {
                    return Ok(false);
                }
                // Copy-on-write: undo steps keep the verdicts they had.
                Arc::make_mut(&mut self.verdicts).set(row, verdict, by);
                self.verdicts_revision = Revision::fresh();
                Ok(true)
            }
            DocumentEdit::Note(edit) => {
                let notes = Arc::make_mut(&mut self.notes);
                let changed = match edit {
                    NoteEdit::Add(note) => {
                        notes.push(note);
                        true
                    }
                    NoteEdit::Remove { index, note } => {
                        let current = notes.get(index) == Some(&note);
                        if current {
                            notes.remove(index);
                        }
                        current
                    }
                    NoteEdit::Replace {
                        index,
                        before,
                        after,
                    } => match notes.get_mut(index) {
                        Some(slot) if *slot == before && before != after => {
                            *slot = after;
                            true
                        }
                        _ => false,
                    },
                };
                if changed {
                    self.notes_revision = Revision::fresh();
                }
                Ok(changed)
            }
        }
    }

    /// True when both parts have the same content.
    pub fn same_content(&self, other: &Document) -> bool {
        (self.model_revision == other.model_revision || self.model == other.model)
            && (self.verdicts_revision == other.verdicts_revision
                || self.verdicts == other.verdicts)
            && (self.notes_revision == other.notes_revision || self.notes == other.notes)
    }

    fn same_revisions(&self, other: &Document) -> bool {
        self.model_revision == other.model_revision
            && self.verdicts_revision == other.verdicts_revision
            && self.notes_revision == other.notes_revision
    }
}

/// The document as last saved (model) and as in the leads file (verdicts): unsaved changes are
/// the difference.
#[derive(Clone, Debug)]
pub struct SavedState {
    pub model: Model,
    pub model_revision: Revision,
    pub verdicts_revision: Revision,
    pub notes_revision: Revision,
}

impl SavedState {
    pub fn of(document: &Document) -> SavedState {
        SavedState {
            model: document.model.clone(),
            model_revision: document.model_revision,
            verdicts_revision: document.verdicts_revision,
            notes_revision: document.notes_revision,
        }
    }

    /// The notes are saved only in a workshop file.
    pub fn notes_are_saved(&self, document: &Document) -> bool {
        self.notes_revision == document.notes_revision
    }

    pub fn notes_saved(&mut self, document: &Document) {
        self.notes_revision = document.notes_revision;
    }

    pub fn model_is_saved(&self, document: &Document) -> bool {
        self.model_revision == document.model_revision
    }

    pub fn verdicts_are_saved(&self, document: &Document) -> bool {
        self.verdicts_revision == document.verdicts_revision
    }

    /// The model as it is now has been written.
    pub fn model_saved(&mut self, document: &Document) {
        self.model = document.model.clone();
        self.model_revision = document.model_revision;
    }

    /// The verdicts as they are now have been written.
    pub fn verdicts_saved(&mut self, document: &Document) {
        self.verdicts_revision = document.verdicts_revision;
    }

    /// A saved model that differs from every document state (restored work not saved yet).
    pub fn unsaved_model(model: Model, document: &Document) -> SavedState {
        SavedState {
            model,
            model_revision: Revision::fresh(),
            verdicts_revision: document.verdicts_revision,
            notes_revision: document.notes_revision,
        }
    }
}

/// One entry of the session's change history.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeRecord {
    /// Local time of day, `HH:MM:SS`.
    pub time: String,
    pub team: Team,
    pub summary: String,
}

/// Undo and redo over snapshots of the document.
///
/// Edits land in the live document at once (so every panel updates live); they become one undo
/// step when [`History::commit`] is called: after a drag ends, after typing pauses, or before an
/// undo. So one slider drag is one step.
#[derive(Clone, Debug)]
pub struct History {
    committed: Document,
    undo: Vec<Document>,
    redo: Vec<Document>,
    limit: usize,
}

impl History {
    pub fn new(document: &Document) -> History {
        History {
            committed: document.clone(),
            undo: Vec::new(),
            redo: Vec::new(),
            limit: 500,
        }
    }

    /// The last committed state.
    pub fn committed(&self) -> &Document {
        &self.committed
    }

    /// True when the live document has edits not yet committed as an undo step.
    pub fn has_pending(&self, live: &Document) -> bool {
        !self.committed.same_revisions(live)
    }

    /// Makes the live document's pending edits one undo step; returns the state before them.
    /// Edits that came back to the committed content (a drag there and back) make no step: the
    /// live document takes the committed revisions back.
    pub fn commit(&mut self, live: &mut Document) -> Option<Document> {
        if self.committed.same_revisions(live) {
            return None;
        }
        if self.committed.same_content(live) {
            live.model_revision = self.committed.model_revision;
            live.verdicts_revision = self.committed.verdicts_revision;
            live.notes_revision = self.committed.notes_revision;
            return None;
        }
        let before = std::mem::replace(&mut self.committed, live.clone());
        self.undo.push(before.clone());
        if self.undo.len() > self.limit {
            self.undo.remove(0);
        }
        self.redo.clear();
        Some(before)
    }

    /// What an undo would go back to: the last committed state when edits are pending, else
    /// the step before it.
    pub fn undo_target<'a>(&'a self, live: &Document) -> Option<&'a Document> {
        if self.has_pending(live) {
            Some(&self.committed)
        } else {
            self.undo.last()
        }
    }

    /// What a redo would bring back.
    pub fn redo_target(&self) -> Option<&Document> {
        self.redo.last()
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Steps back: pending edits are committed first, so they are what gets undone.
    pub fn undo(&mut self, live: &mut Document) -> bool {
        self.commit(live);
        let Some(previous) = self.undo.pop() else {
            return false;
        };
        self.redo
            .push(std::mem::replace(&mut self.committed, previous));
        *live = self.committed.clone();
        true
    }

    pub fn redo(&mut self, live: &mut Document) -> bool {
        if self.has_pending(live) && self.commit(live).is_some() {
            // New edits since the undo make the redo branch stale.
            return false;
        }
        let Some(next) = self.redo.pop() else {
            return false;
        };
        self.undo.push(std::mem::replace(&mut self.committed, next));
        *live = self.committed.clone();
        true
    }

    /// New sample leads replace the verdicts in every step, so undo never mixes two lead sets.
    pub fn replace_verdicts(&mut self, live: &mut Document, verdicts: Arc<Verdicts>) {
        let revision = Revision::fresh();
        for document in std::iter::once(&mut self.committed)
            .chain(self.undo.iter_mut())
            .chain(self.redo.iter_mut())
            .chain(std::iter::once(&mut *live))
        {
            document.verdicts = Arc::clone(&verdicts);
            document.verdicts_revision = revision;
        }
    }

    /// Starts over from a document (after New or Open): nothing to undo.
    pub fn reset(&mut self, document: &Document) {
        *self = History::new(document);
    }
}

/// What changed from `before` to `after`, in words: the model's differences rule by rule
/// ("fit rule `Senior decision maker`: points 20 → 25") and how many sales verdicts changed.
pub fn change_summary(before: &Document, after: &Document) -> String {
    let diff = crate::diff::diff_models(&before.model, &after.model);
    let mut parts = Vec::new();
    if !diff.is_empty() {
        parts.push(diff.summary());
    }
    if before.verdicts_revision() != after.verdicts_revision() {
        let (old, new) = (&before.verdicts, &after.verdicts);
        let changed: Vec<usize> = (0..new.len())
            .filter(|&row| {
                old.verdict(row) != new.verdict(row) || old.recorded_by(row) != new.recorded_by(row)
            })
            .collect();
        let mut recorders = changed.iter().filter_map(|&row| new.recorded_by(row));
        let by = match recorders.next() {
            Some(team) if recorders.all(|other| other == team) => {
                format!(", recorded by {}", team.label())
            }
            _ => String::new(),
        };
        parts.push(format!("{} sales verdict(s) changed{by}", changed.len()));
    }
    if before.notes_revision() != after.notes_revision() {
        let (old, new) = (before.notes.len(), after.notes.len());
        parts.push(match new.cmp(&old) {
            std::cmp::Ordering::Greater => match after.notes.last() {
                Some(note) => format!("{} noted: {}", note.kind.label(), cut(&note.text)),
                None => "note added".to_owned(),
            },
            std::cmp::Ordering::Less => "note removed".to_owned(),
            std::cmp::Ordering::Equal => "note edited".to_owned(),
        });
    }
    if parts.is_empty() {
        diff.summary()
    } else {
        parts.join("; ")
    }
}

/// The start of a note, for the history.
fn cut(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(threshold: f64) -> Document {
        let mut model = Model::new("t");
        model.combine.mql_threshold = threshold;
        Document::new(model, Arc::new(Verdicts::none(2)))
    }

    fn threshold(live: &mut Document, value: f64) {
        live.apply(DocumentEdit::Model(Box::new(ModelEdit::SetThreshold(
            value,
        ))))
        .expect("an unsigned model takes edits");
    }

    #[test]
    fn pending_edits_become_one_step_and_undo_redo_walk_them() {
        let mut live = doc(75.0);
        let mut history = History::new(&live);
        threshold(&mut live, 70.0);
        threshold(&mut live, 65.0); // same drag: still one step
        assert!(history.undo(&mut live));
        assert_eq!(live.model.combine.mql_threshold, 75.0);
        assert!(!history.can_undo());
        assert!(history.redo(&mut live));
        assert_eq!(live.model.combine.mql_threshold, 65.0);
        assert!(!history.redo(&mut live));
    }

    #[test]
    fn a_new_edit_after_undo_drops_the_redo_branch() {
        let mut live = doc(75.0);
        let mut history = History::new(&live);
        threshold(&mut live, 70.0);
        history.commit(&mut live);
        history.undo(&mut live);
        threshold(&mut live, 60.0);
        assert!(!history.redo(&mut live));
        assert_eq!(live.model.combine.mql_threshold, 60.0);
        assert!(history.undo(&mut live));
        assert_eq!(live.model.combine.mql_threshold, 75.0);
    }

    #[test]
    fn every_change_gets_a_fresh_revision_and_undo_brings_the_old_one_back() {
        let mut live = doc(75.0);
        let mut history = History::new(&live);
        let (model_before, verdicts_before) = (live.model_revision(), live.verdicts_revision());
        threshold(&mut live, 70.0);
        assert_ne!(live.model_revision(), model_before);
        assert_eq!(live.verdicts_revision(), verdicts_before);
        live.apply(DocumentEdit::Verdict {
            row: 1,
            verdict: Some(Verdict::Accept),
            by: Team::Sales,
        })
        .expect("a verdict");
        assert_ne!(live.verdicts_revision(), verdicts_before);
        assert!(history.undo(&mut live));
        assert_eq!(live.model_revision(), model_before);
        assert_eq!(live.verdicts_revision(), verdicts_before);
        assert_eq!(live.verdicts[1], None);
    }

    #[test]
    fn a_verdict_remembers_who_recorded_it_and_the_summary_says_so() {
        let mut live = doc(75.0);
        let mut history = History::new(&live);
        let edit = |by| DocumentEdit::Verdict {
            row: 0,
            verdict: Some(Verdict::Accept),
            by,
        };
        assert!(live.apply(edit(Team::Marketing)).expect("a verdict"));
        assert_eq!(live.verdicts.recorded_by(0), Some(Team::Marketing));
        let before = history.commit(&mut live).expect("one step");
        let step = change_summary(&before, &live);
        assert!(
            step.contains("1 sales verdict(s) changed, recorded by Marketing"),
            "{step}"
        );
        // The same verdict confirmed by sales is a change: the recorder is part of it.
        assert!(live.apply(edit(Team::Sales)).expect("a verdict"));
        assert_eq!(live.verdicts.recorded_by(0), Some(Team::Sales));
        assert!(!live.apply(edit(Team::Sales)).expect("same again"));
        // No verdict has no recorder.
        live.apply(DocumentEdit::Verdict {
            row: 0,
            verdict: None,
            by: Team::Sales,
        })
        .expect("cleared");
        assert_eq!(live.verdicts.recorded_by(0), None);
    }

    #[test]
    fn an_edit_that_changes_nothing_keeps_the_revision() {
        let mut live = doc(75.0);
        let revision = live.model_revision();
        threshold(&mut live, 75.0);
        assert_eq!(live.model_revision(), revision);
        let verdicts = live.verdicts_revision();
        live.apply(DocumentEdit::Verdict {
            row: 9,
            verdict: Some(Verdict::Reject),
            by: Team::Sales,
        })
        .expect("a row past the end changes nothing");
        assert_eq!(live.verdicts_revision(), verdicts);
    }

    #[test]
    fn a_drag_there_and_back_makes_no_undo_step_and_is_not_unsaved() {
        let mut live = doc(75.0);
        let saved = SavedState::of(&live);
        let mut history = History::new(&live);
        threshold(&mut live, 60.0);
        threshold(&mut live, 75.0);
        assert!(!saved.model_is_saved(&live), "different revision mid-drag");
        assert!(history.commit(&mut live).is_none());
        assert!(!history.can_undo());
        assert!(saved.model_is_saved(&live), "back to the saved revision");
    }
}
