//! Scoring: turning a model and leads into fit, engagement, total, status and grade.
//!
//! Two paths, which must give the same numbers (a test checks it on generated leads):
//! - the column path: an [`Evaluation`] (`evaluation`) decides every rule's condition for every
//!   lead once (a match per fit rule, an effective activity count per engagement rule). Changing
//!   points, caps, the mix, the threshold or the gates then only needs [`score_all`] (`batch`), a
//!   cheap pass over those columns;
//! - the one-lead path: [`explain()`] (`explain`) scores one lead directly from its cells and lists
//!   why, rule by rule.
//!
//! What both use lives in one place: `arithmetic` (rounding, points and caps, decay, the mix,
//! gates and status) and `conditions` (a condition on one cell, an activity's count for one
//! lead). This file holds what a score is: [`Status`], [`LeadScore`] and the [`Summary`] of a
//! scored lead set.

use crate::model::{Band, Model};

mod arithmetic;
mod batch;
mod conditions;
mod coverage;
mod evaluation;
mod explain;

pub use crate::par::{for_each_chunk, map_chunks};
pub use arithmetic::{
    UNCAPPED_RULE_POINTS, band_index, combine, engagement_points, event_weight, gates_pass, round2,
    total,
};
pub use batch::{
    Engagement, engagement_scores, finish_scores, score_all, score_into, status_counts,
};
pub use conditions::{MissingValues, contains_word};
pub use coverage::{ALMOST_EVERY_LEAD, FEW_LEADS, coverage_problems, never_firing_problems};
pub use evaluation::{ActivityCounts, Evaluation, data_warnings};
pub use explain::{
    Explanation, GateResult, OverrideResult, RuleContribution, Section, explain, explanation_text,
};

/// Where a lead stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// A fast-track trigger fired: an MQL whatever the score.
    FastTracked,
    /// At or above the threshold, gates passed.
    Mql,
    /// Near-MQL: within the nurture band below the threshold (or held back by a gate).
    Nurture,
    Lead,
    /// A disqualifier fired: never an MQL.
    Disqualified,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::FastTracked,
        Status::Mql,
        Status::Nurture,
        Status::Lead,
        Status::Disqualified,
    ];

    pub fn is_mql(self) -> bool {
        matches!(self, Status::Mql | Status::FastTracked)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::FastTracked => "MQL (fast-track)",
            Status::Mql => "MQL",
            Status::Nurture => "nurture",
            Status::Lead => "lead",
            Status::Disqualified => "disqualified",
        }
    }

    /// A stable machine-readable name, used in exported files.
    pub fn code(self) -> &'static str {
        match self {
            Status::FastTracked => "mql_fast_track",
            Status::Mql => "mql",
            Status::Nurture => "nurture",
            Status::Lead => "lead",
            Status::Disqualified => "disqualified",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A lead's score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeadScore {
    /// Fit points after the fit cap (0..=fit.max_points).
    pub fit: f64,
    /// Engagement points after the engagement cap.
    pub engagement: f64,
    /// The total on the model's scale, rounded to 2 decimals.
    pub score: f64,
    pub status: Status,
    /// Index into `model.fit_grades`.
    pub fit_grade: u8,
    /// Index into `model.engagement_levels`.
    pub engagement_level: u8,
}

impl LeadScore {
    /// The grade as shown to sales, e.g. `A1`.
    pub fn grade(&self, model: &Model) -> String {
        let label = |bands: &[Band], i: u8| {
            bands
                .get(i as usize)
                .map(|b| b.label.clone())
                .unwrap_or_default()
        };
        format!(
            "{}{}",
            label(&model.fit_grades, self.fit_grade),
            label(&model.engagement_levels, self.engagement_level)
        )
    }
}

/// Number of histogram bins over the model's scale.
pub const HISTOGRAM_BINS: usize = 20;

/// What the overview shows of a scored lead set: leads per status, and per status and score bin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Indexed by [`Status::index`].
    pub counts: [usize; 5],
    /// Per status (by [`Status::index`]), leads per score bin; all zero when the scale is not a
    /// positive number.
    pub histogram: [[u32; HISTOGRAM_BINS]; 5],
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            counts: [0; 5],
            histogram: [[0; HISTOGRAM_BINS]; 5],
        }
    }
}

impl Summary {
    /// The summary of finished scores.
    pub fn of(model: &Model, scores: &[LeadScore]) -> Summary {
        let mut summary = Summary::default();
        // The scale the scores were made with (see `arithmetic::bounded`).
        summary.add_all(arithmetic::bounded(model.combine.scale), scores);
        summary
    }

    fn add_all(&mut self, scale: f64, scores: &[LeadScore]) {
        let binned = scale > 0.0 && scale.is_finite();
        for score in scores {
            let status = score.status.index();
            self.counts[status] += 1;
            if binned {
                let bin = histogram_bin(score.score, scale);
                self.histogram[status][bin] += 1;
            }
        }
    }

    /// The summary of chunks scored apart.
    fn merged(parts: Vec<Summary>) -> Summary {
        let mut total = Summary::default();
        for part in parts {
            for (sum, count) in total.counts.iter_mut().zip(part.counts) {
                *sum += count;
            }
            for (sums, bins) in total.histogram.iter_mut().zip(part.histogram) {
                for (sum, count) in sums.iter_mut().zip(bins) {
                    *sum += count;
                }
            }
        }
        total
    }
}

/// The histogram bin of a score on a positive scale: 20 equal bins, the top one closed.
pub fn histogram_bin(score: f64, scale: f64) -> usize {
    // Truncating a non-negative number is flooring it, without a libm call.
    let bin = ((score / scale) * HISTOGRAM_BINS as f64).max(0.0);
    (bin as usize).min(HISTOGRAM_BINS - 1)
}
