//! Results computed from the document and the leads: scores, counts, histogram, validation and
//! the counts under the saved model. Never undone, never saved; each part is keyed on the
//! revisions it was computed for and rebuilt only when they change.

use std::sync::Arc;

use super::document::{Document, Revision, SavedState};
use super::scoring_worker::{ScoresKey, ScoringWorker};
use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoreboard::{Scoreboard, Update};
use crate::scoring::{Evaluation, LeadScore, coverage_problems};
use crate::validate::{Problem, validate};

pub use crate::scoring::HISTOGRAM_BINS;

/// From this many leads on, rescoring runs on its own thread and frames show the latest
/// finished scores (a rescoring of a million leads takes about a frame's time by itself).
pub const BACKGROUND_RESCORING_LEADS: usize = 100_000;

/// What the derived results are computed from besides the document.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub document: &'a Document,
    pub saved: &'a SavedState,
    pub leads: &'a Arc<LeadSet>,
    /// Bumped whenever the lead set is replaced or changed.
    pub leads_version: u64,
    pub as_of: i32,
}

pub struct Derived {
    /// Scores, counts and histogram shown now. With background rescoring only `scores` and
    /// `summary` are filled: the evaluation lives with the thread.
    pub board: Scoreboard,
    pub problems: Vec<Problem>,
    /// Warnings about the model on these leads: rules that fire for no lead or almost every
    /// lead (`scoring::coverage_problems`), for the scores shown.
    pub coverage: Vec<Problem>,
    /// Counts under the last saved (or opened) model, for "changed since saved".
    pub saved_counts: Option<[usize; 5]>,
    /// Milliseconds the last rescoring took.
    pub last_rescore_ms: f64,
    /// Bumped on every rescore, so views can tell that scores changed.
    pub generation: u64,
    /// Lead sets at least this big are rescored in the background.
    pub background_from: usize,
    worker: Option<ScoringWorker>,
    /// The lead set everything below is for.
    leads_version: Option<u64>,
    /// What the shown scores are for; with background rescoring also the last ones asked for.
    shown: Option<ScoresKey>,
    requested: Option<ScoresKey>,
    /// The saved model's revision `saved_counts` are for.
    saved_counted: Option<(Revision, i32)>,
    /// The model revision `problems` are for.
    validated: Option<Revision>,
    /// With background rescoring, an evaluation kept on this thread for the views that read
    /// rule matches (calibration's rule lift); made when first asked for.
    view_evaluation: Option<(Revision, Evaluation)>,
}

impl Default for Derived {
    fn default() -> Self {
        Derived {
            board: Scoreboard::default(),
            problems: Vec::new(),
            coverage: Vec::new(),
            saved_counts: None,
            last_rescore_ms: 0.0,
            generation: 0,
            background_from: BACKGROUND_RESCORING_LEADS,
            worker: None,
            leads_version: None,
            shown: None,
            requested: None,
            saved_counted: None,
            validated: None,
            view_evaluation: None,
        }
    }
}

impl Derived {
    /// Forgets everything; a background rescoring is waited for, so the lead set it shared is
    /// the caller's alone again.
    pub fn reset(&mut self) {
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
    pub fn update(&mut self, inputs: Inputs<'_>) -> bool {
        let mut changed = false;
        if self.leads_version != Some(inputs.leads_version) {
            if self.leads_version.is_some() {
                self.reset();
            }
            self.leads_version = Some(inputs.leads_version);
            changed = true;
        }
        let model = &inputs.document.model;
        let revision = inputs.document.model_revision();
        if self.validated != Some(revision) {
            self.problems = validate(model);
            self.validated = Some(revision);
            changed = true;
        }
        let key = ScoresKey {
            model: revision,
            as_of: inputs.as_of,
        };
        if inputs.leads.len() >= self.background_from {
            let worker = self
                .worker
                .get_or_insert_with(|| ScoringWorker::start(inputs.leads.clone()));
            if !worker.is_broken() {
                return self.update_in_background(key, inputs) || changed;
            }
        }
        if self.shown != Some(key) {
            let started = std::time::Instant::now();
            if self.board.update(model, inputs.leads, inputs.as_of) != Update::Unchanged {
                self.last_rescore_ms = started.elapsed().as_secs_f64() * 1000.0;
                self.coverage = coverage_problems(model, inputs.leads, &self.board.evaluation);
                self.generation += 1;
                changed = true;
            }
            self.shown = Some(key);
        }
        let saved_key = (inputs.saved.model_revision, inputs.as_of);
        if self.saved_counted != Some(saved_key) {
            self.saved_counts = Some(if inputs.saved.model_revision == revision {
                self.board.summary.counts
            } else {
                self.board.counts_under(&inputs.saved.model, inputs.leads)
            });
            self.saved_counted = Some(saved_key);
            changed = true;
        }
        changed
    }

    fn update_in_background(&mut self, key: ScoresKey, inputs: Inputs<'_>) -> bool {
        let Some(worker) = &mut self.worker else {
            return false;
        };
        let mut changed = false;
        if let Some(published) = worker.poll() {
            let shown = std::mem::replace(&mut self.board.scores, published.scores);
            worker.recycle(shown);
            self.board.summary = published.summary;
            self.coverage = published.coverage;
            if let Some((saved_key, counts)) = published.saved_counts {
                self.saved_counts = Some(counts);
                self.saved_counted = Some(saved_key);
            } else if self.saved_counted == Some((published.key.model, published.key.as_of)) {
                self.saved_counts = Some(published.summary.counts);
            }
            self.shown = Some(published.key);
            self.last_rescore_ms = published.elapsed_ms;
            self.generation += 1;
            changed = true;
        }
        if self.requested != Some(key) && !worker.is_busy() {
            let saved_key = (inputs.saved.model_revision, inputs.as_of);
            let saved_changed = self.saved_counted != Some(saved_key);
            // A saved model equal to the current one is counted by the rescoring itself.
            let saved_wanted = (saved_changed && inputs.saved.model_revision != key.model)
                .then_some((saved_key, &inputs.saved.model));
            if worker.request(&inputs.document.model, key, saved_wanted) {
                if saved_changed {
                    // Counted with this request; not asked again.
                    self.saved_counted = Some(saved_key);
                }
                self.requested = Some(key);
            }
        }
        changed
    }

    /// An evaluation of `model`'s rules for views that read rule matches: the scoring one, or
    /// with background rescoring one kept up to date here.
    pub fn evaluation_for(
        &mut self,
        document: &Document,
        leads: &LeadSet,
        as_of: i32,
    ) -> &Evaluation {
        if self.worker.is_none() {
            return &self.board.evaluation;
        }
        let model: &Model = &document.model;
        let revision = document.model_revision();
        let (kept_revision, evaluation) = self
            .view_evaluation
            .get_or_insert_with(|| (revision, Evaluation::new(model, leads, as_of)));
        if evaluation.as_of != as_of {
            *evaluation = Evaluation::new(model, leads, as_of);
        } else if *kept_revision != revision {
            evaluation.refresh(model, leads);
        }
        *kept_revision = revision;
        evaluation
    }

    /// The evaluation [`Derived::evaluation_for`] last brought up to date, for reading it next to
    /// the scores.
    pub fn last_evaluation(&self) -> &Evaluation {
        match (&self.worker, &self.view_evaluation) {
            (Some(_), Some((_, evaluation))) => evaluation,
            _ => &self.board.evaluation,
        }
    }

    pub fn score(&self, row: usize) -> Option<&LeadScore> {
        self.board.scores.get(row)
    }
}
