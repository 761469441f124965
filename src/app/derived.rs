//! Everything computed from the document and the leads: scores, counts, histogram, validation,
//! and the table's filtered and sorted rows. Never undone, never saved; rebuilt when its inputs
//! change.

use std::sync::Arc;

use super::scoring_worker::ScoringWorker;
use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoreboard::{Scoreboard, Update};
use crate::scoring::{Evaluation, LeadScore};
use crate::validate::{Problem, validate};

pub use crate::scoring::HISTOGRAM_BINS;

/// From this many leads on, rescoring runs on its own thread and frames show the latest
/// finished scores (a rescoring of a million leads takes about a frame's time by itself).
pub const BACKGROUND_RESCORING_LEADS: usize = 100_000;

pub struct Derived {
    /// Scores, counts and histogram shown now. With background rescoring only `scores` and
    /// `summary` are filled: the evaluation lives with the thread.
    pub board: Scoreboard,
    pub problems: Vec<Problem>,
    /// Counts under the last saved (or opened) model, for "changed since saved".
    pub saved_counts: Option<[usize; 5]>,
    saved_model: Option<Model>,
    /// Milliseconds the last rescoring took.
    pub last_rescore_ms: f64,
    /// Bumped on every rescore, so views can tell that scores changed.
    pub generation: u64,
    /// Lead sets at least this big are rescored in the background.
    pub background_from: usize,
    worker: Option<ScoringWorker>,
    /// With background rescoring: the model and day the shown scores are for, and the last
    /// ones asked for.
    shown: Option<(Model, i32)>,
    requested: Option<(Model, i32)>,
    /// The model `problems` are for.
    validated: Option<Model>,
    /// With background rescoring, an evaluation kept on this thread for the views that read
    /// rule matches (calibration's rule lift); made when first asked for.
    view_evaluation: Option<Evaluation>,
}

impl Default for Derived {
    fn default() -> Self {
        Derived {
            board: Scoreboard::default(),
            problems: Vec::new(),
            saved_counts: None,
            saved_model: None,
            last_rescore_ms: 0.0,
            generation: 0,
            background_from: BACKGROUND_RESCORING_LEADS,
            worker: None,
            shown: None,
            requested: None,
            validated: None,
            view_evaluation: None,
        }
    }
}

impl Derived {
    /// Forgets everything (new leads, new as-of date); a background rescoring is waited for.
    pub fn invalidate(&mut self) {
        // The generation keeps counting, so views cached on it see the change.
        let generation = self.generation;
        let background_from = self.background_from;
        *self = Derived::default();
        self.generation = generation + 1;
        self.background_from = background_from;
    }

    /// True while the scores shown are not yet those of the current model.
    pub fn is_pending(&self) -> bool {
        self.worker.as_ref().is_some_and(ScoringWorker::is_busy)
            || (self.worker.is_some() && self.requested != self.shown)
    }

    /// Brings the results up to date (or, with background rescoring, takes the finished ones and
    /// asks for the next); returns true when anything shown changed.
    pub fn update(
        &mut self,
        model: &Model,
        saved: &Model,
        leads: &Arc<LeadSet>,
        as_of: i32,
    ) -> bool {
        let mut changed = false;
        if self.validated.as_ref() != Some(model) {
            self.problems = validate(model);
            self.validated = Some(model.clone());
            changed = true;
        }
        if leads.len() >= self.background_from {
            let worker = self
                .worker
                .get_or_insert_with(|| ScoringWorker::start(leads.clone()));
            if !worker.is_broken() {
                return self.update_in_background(model, saved, as_of) || changed;
            }
        }
        let started = std::time::Instant::now();
        if self.board.update(model, leads, as_of) != Update::Unchanged {
            self.last_rescore_ms = started.elapsed().as_secs_f64() * 1000.0;
            self.generation += 1;
            changed = true;
        }
        if self.saved_model.as_ref() != Some(saved) {
            self.saved_counts = Some(if saved == model {
                self.board.summary.counts
            } else {
                self.board.counts_under(saved, leads)
            });
            self.saved_model = Some(saved.clone());
            changed = true;
        }
        changed
    }

    fn update_in_background(&mut self, model: &Model, saved: &Model, as_of: i32) -> bool {
        let Some(worker) = &mut self.worker else {
            return false;
        };
        let mut changed = false;
        if let Some(published) = worker.poll() {
            let shown = std::mem::replace(&mut self.board.scores, published.scores);
            worker.recycle(shown);
            self.board.summary = published.summary;
            if let Some((saved_model, counts)) = published.saved_counts {
                self.saved_counts = Some(counts);
                self.saved_model = Some(saved_model);
            } else if self.saved_model.as_ref() == Some(&published.model) {
                self.saved_counts = Some(published.summary.counts);
            }
            self.shown = Some((published.model, published.as_of));
            self.last_rescore_ms = published.elapsed_ms;
            self.generation += 1;
            changed = true;
        }
        let already_asked = self
            .requested
            .as_ref()
            .is_some_and(|(asked, day)| asked == model && *day == as_of);
        if !already_asked && !worker.is_busy() {
            let saved_changed = self.saved_model.as_ref() != Some(saved);
            // A saved model equal to the current one is counted by the rescoring itself.
            let saved_wanted = (saved_changed && saved != model).then_some(saved);
            if worker.request(model, as_of, saved_wanted) {
                if saved_changed {
                    // Counted with this request; not asked again.
                    self.saved_model = Some(saved.clone());
                }
                self.requested = Some((model.clone(), as_of));
            }
        }
        changed
    }

    /// An evaluation of `model`'s rules for views that read rule matches: the scoring one, or
    /// with background rescoring one kept up to date here.
    pub fn evaluation_for(&mut self, model: &Model, leads: &LeadSet, as_of: i32) -> &Evaluation {
        if self.worker.is_none() {
            return &self.board.evaluation;
        }
        let evaluation = self
            .view_evaluation
            .get_or_insert_with(|| Evaluation::new(model, leads, as_of));
        if evaluation.as_of != as_of {
            *evaluation = Evaluation::new(model, leads, as_of);
        } else {
            evaluation.refresh(model, leads);
        }
        evaluation
    }

    pub fn score(&self, row: usize) -> Option<&LeadScore> {
        self.board.scores.get(row)
    }
}
