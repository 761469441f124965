//! Everything computed from the document and the leads: scores, counts, histogram, validation,
//! and the table's filtered and sorted rows. Never undone, never saved; rebuilt when its inputs
//! change.

use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoring::{Evaluation, LeadScore, Status, score_all, status_counts};
use crate::validate::{Problem, validate};

/// Number of histogram bins over the scale.
pub const HISTOGRAM_BINS: usize = 20;

#[derive(Default)]
pub struct Derived {
    /// The model the results below are for.
    scored_model: Option<Model>,
    scored_as_of: i32,
    pub evaluation: Evaluation,
    pub scores: Vec<LeadScore>,
    pub counts: [usize; 5],
    /// Per status (by [`Status::index`]), leads per score bin.
    pub histogram: Vec<[u32; HISTOGRAM_BINS]>,
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
        if self.scored_model.as_ref() != Some(model) || self.scored_as_of != as_of {
            let started = std::time::Instant::now();
            let re_evaluated =
                if self.scored_as_of != as_of || self.evaluation.lead_count != leads.len() {
                    self.evaluation = Evaluation::new(model, leads, as_of);
                    usize::MAX
                } else {
                    self.evaluation.refresh(model, leads)
                };
            let only_statuses_change = re_evaluated == 0
                && self.scores.len() == leads.len()
                && self
                    .scored_model
                    .as_ref()
                    .is_some_and(|previous| crate::scoring::same_scores(previous, model));
            if only_statuses_change {
                // A threshold or gate drag: the totals stand, only statuses move.
                crate::scoring::restatus(model, &self.evaluation, &mut self.scores);
            } else {
                self.scores = score_all(model, &self.evaluation);
            }
            self.counts = status_counts(&self.scores);
            self.histogram = histogram(model, &self.scores);
            self.problems = validate(model);
            self.scored_model = Some(model.clone());
            self.scored_as_of = as_of;
            self.last_rescore_ms = started.elapsed().as_secs_f64() * 1000.0;
            self.generation += 1;
            changed = true;
        }
        if self.saved_model.as_ref() != Some(saved) {
            self.saved_counts = Some(if saved == model {
                self.counts
            } else {
                // Start from the current evaluation: only the rules that differ are evaluated.
                let mut evaluation = self.evaluation.clone();
                evaluation.refresh(saved, leads);
                status_counts(&score_all(saved, &evaluation))
            });
            self.saved_model = Some(saved.clone());
            changed = true;
        }
        changed
    }

    pub fn score(&self, row: usize) -> Option<&LeadScore> {
        self.scores.get(row)
    }
}

/// Leads per status and score bin.
pub fn histogram(model: &Model, scores: &[LeadScore]) -> Vec<[u32; HISTOGRAM_BINS]> {
    let mut bins = vec![[0u32; HISTOGRAM_BINS]; Status::ALL.len()];
    let scale = model.combine.scale;
    if scale <= 0.0 || !scale.is_finite() {
        return bins;
    }
    for score in scores {
        let bin = ((score.score / scale) * HISTOGRAM_BINS as f64).floor();
        let bin = (bin.max(0.0) as usize).min(HISTOGRAM_BINS - 1);
        bins[score.status.index()][bin] += 1;
    }
    bins
}
