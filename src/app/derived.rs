//! Everything computed from the document and the leads: scores, counts, histogram, validation,
//! and the table's filtered and sorted rows. Never undone, never saved; rebuilt when its inputs
//! change.

use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoreboard::{Scoreboard, Update};
use crate::scoring::{LeadScore, score_all, status_counts};
use crate::validate::{Problem, validate};

pub use crate::scoring::HISTOGRAM_BINS;

#[derive(Default)]
pub struct Derived {
    /// Scores, counts and histogram under the current model.
    pub board: Scoreboard,
    pub problems: Vec<Problem>,
    /// Counts under the last saved (or opened) model, for "changed since saved".
    pub saved_counts: Option<[usize; 5]>,
    saved_model: Option<Model>,
    /// Milliseconds the last rescoring took.
    pub last_rescore_ms: f64,
    /// Bumped on every rescore, so views can tell that scores changed.
    pub generation: u64,
}

impl Derived {
    /// Forgets everything (new leads, new as-of date).
    pub fn invalidate(&mut self) {
        // The generation keeps counting, so views cached on it see the change.
        let generation = self.generation;
        *self = Derived::default();
        self.generation = generation + 1;
    }

    /// Brings the results up to date; returns true when anything was recomputed.
    pub fn update(&mut self, model: &Model, saved: &Model, leads: &LeadSet, as_of: i32) -> bool {
        let mut changed = false;
        let started = std::time::Instant::now();
        if self.board.update(model, leads, as_of) != Update::Unchanged {
            self.problems = validate(model);
            self.last_rescore_ms = started.elapsed().as_secs_f64() * 1000.0;
            self.generation += 1;
            changed = true;
        }
        if self.saved_model.as_ref() != Some(saved) {
            self.saved_counts = Some(if saved == model {
                self.board.summary.counts
            } else {
                // Start from the current evaluation: only the rules that differ are evaluated.
                let mut evaluation = self.board.evaluation.clone();
                evaluation.refresh(saved, leads);
                status_counts(&score_all(saved, &evaluation))
            });
            self.saved_model = Some(saved.clone());
            changed = true;
        }
        changed
    }

    pub fn score(&self, row: usize) -> Option<&LeadScore> {
        self.board.scores.get(row)
    }
}
