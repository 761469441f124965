//! The one document under undo: the model and the sample-lead edits (sales verdicts). Layout and
//! selection live elsewhere and are not undone.

use std::sync::Arc;

use crate::leads::Verdict;
use crate::model::{Model, Team};

/// What undo and redo restore.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub model: Model,
    /// Sales' verdicts on the sample leads, by lead row (edited in the app). Shared between undo
    /// steps until one changes it, so a million leads cost one copy, not one per step.
    pub verdicts: Arc<Vec<Option<Verdict>>>,
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
        self.committed != *live
    }

    /// Makes the live document's pending edits one undo step. Returns the state before them.
    pub fn commit(&mut self, live: &Document) -> Option<Document> {
        if self.committed == *live {
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
        if self.has_pending(live) {
            // New edits since the undo make the redo branch stale.
            self.commit(live);
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
    pub fn replace_verdicts(&mut self, verdicts: &Arc<Vec<Option<Verdict>>>) {
        for document in std::iter::once(&mut self.committed)
            .chain(self.undo.iter_mut())
            .chain(self.redo.iter_mut())
        {
            document.verdicts = Arc::clone(verdicts);
        }
    }

    /// Starts over from a document (after New or Open): nothing to undo.
    pub fn reset(&mut self, document: &Document) {
        *self = History::new(document);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(threshold: f64) -> Document {
        let mut model = Model::new("t");
        model.combine.mql_threshold = threshold;
        Document {
            model,
            verdicts: Arc::new(Vec::new()),
        }
    }

    #[test]
    fn pending_edits_become_one_step_and_undo_redo_walk_them() {
        let mut live = doc(75.0);
        let mut history = History::new(&live);
        live.model.combine.mql_threshold = 70.0;
        live.model.combine.mql_threshold = 65.0; // same drag: still one step
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
        live.model.combine.mql_threshold = 70.0;
        history.commit(&live);
        history.undo(&mut live);
        live.model.combine.mql_threshold = 60.0;
        assert!(!history.redo(&mut live));
        assert_eq!(live.model.combine.mql_threshold, 60.0);
        assert!(history.undo(&mut live));
        assert_eq!(live.model.combine.mql_threshold, 75.0);
    }
}
