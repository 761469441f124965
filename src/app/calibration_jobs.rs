//! The calibration view's results (funnel, threshold sweep, rule lift) for a large lead set,
//! computed on a thread of their own: over a million leads they take longer than a frame. The
//! view keeps showing the previous results until the new ones are ready.

use std::sync::Arc;

use super::derived::BACKGROUND_RESCORING_LEADS;
use super::latest_worker::LatestWorker;
use crate::calibration::fit::{FitChanges, FitOptions, FitReport, fit_changes, fit_points};
use crate::calibration::quality::{Holdout, Quality, holdout_rows, quality};
use crate::calibration::{Funnel, RuleLift, SweepPoint, funnel, rule_lift_where, sweep_where};
use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoring::{Evaluation, LeadScore, score_all};

/// A joint fit of the model's points and what applying it would change.
#[derive(Clone, Debug)]
pub struct FitPreview {
    pub report: FitReport,
    pub changes: FitChanges,
}

impl PartialEq for FitPreview {
    fn eq(&self, other: &Self) -> bool {
        self.report.model == other.report.model && self.changes == other.changes
    }
}

/// Funnel, sweep, lift, quality and the joint fit of the current scores (derived; computed
/// while the view is shown).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CalibrationResults {
    /// The scores' generation they are for.
    pub generation: u64,
    /// The holdout they were computed with: suggestions (sweep, lift, fit) come from the rest,
    /// quality from this part.
    pub holdout: Option<Holdout>,
    /// Whether the joint fit was asked for (only while its preview is open: it costs more than
    /// the rest together).
    pub with_fit: bool,
    /// The fit's threshold target (an MQL → SQL rate) when one was typed; `None`: the default.
    pub fit_target: Option<f64>,
    pub funnel: Option<Funnel>,
    pub sweep: Vec<SweepPoint>,
    pub lift: Vec<RuleLift>,
    pub quality: Option<Quality>,
    /// Caps and floors that bind for many leads.
    pub limits: Vec<String>,
    /// The joint fit, or why there is none.
    pub fit: Option<Result<FitPreview, String>>,
}

/// What the results are computed from: the model as of a day on the leads, for one generation
/// of the scores shown.
pub struct CalibrationJob {
    pub key: JobKey,
    pub model: Model,
    pub leads: Arc<LeadSet>,
    pub as_of: i32,
}

/// Everything the view shows, from scratch (on the calibration thread: the scores are
/// recomputed there rather than copied from the UI thread).
pub fn calibrate(job: CalibrationJob) -> CalibrationResults {
    let evaluation = Evaluation::new(&job.model, &job.leads, job.as_of);
    let scores = score_all(&job.model, &evaluation);
    results_with(job.key, &job.model, &job.leads, &evaluation, &scores)
}

/// Everything the view shows, from the scores and their evaluation.
pub fn results_with(
    key: JobKey,
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    scores: &[LeadScore],
) -> CalibrationResults {
    let JobKey {
        generation,
        holdout,
        with_fit,
        fit_target,
    } = key;
    let held = holdout.map(|h| holdout_rows(leads, h));
    let in_training = |row: usize| {
        held.as_ref()
            .is_none_or(|h| !h.get(row).copied().unwrap_or(false))
    };
    let in_holdout = |row: usize| {
        held.as_ref()
            .is_none_or(|h| h.get(row).copied().unwrap_or(false))
    };
    let on = match holdout {
        Some(h) => format!(
            "the {} holdout (seed {})",
            crate::calibration::percent(h.share),
            h.seed
        ),
        None => "all leads with an outcome (no holdout: optimistic)".to_owned(),
    };
    let has_outcomes = leads.outcomes.iter().any(Option::is_some);
    let options = FitOptions {
        holdout,
        target: fit_target.map(crate::calibration::Target::MqlToSqlRate),
        ..FitOptions::default()
    };
    let fit = (with_fit && has_outcomes).then(|| {
        fit_points(model, leads, evaluation, options)
            .map(|report| FitPreview {
                changes: fit_changes(model, &report, leads, evaluation),
                report,
            })
            .map_err(|e| e.to_string())
    });
    CalibrationResults {
        generation,
        holdout,
        with_fit,
        fit_target,
        funnel: Some(funnel(leads, scores)),
        sweep: sweep_where(model, leads, scores, &in_training),
        lift: rule_lift_where(model, leads, evaluation, &in_training),
        quality: has_outcomes.then(|| quality(leads, scores, model.combine.scale, in_holdout, on)),
        limits: crate::calibration::limits::binding_limits(model, leads, evaluation, &|_| true),
        fit,
    }
}

/// What a job's results depend on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobKey {
    pub generation: u64,
    pub holdout: Option<Holdout>,
    pub with_fit: bool,
    pub fit_target: Option<f64>,
}

impl CalibrationResults {
    /// What these results were computed for.
    pub fn key(&self) -> JobKey {
        JobKey {
            generation: self.generation,
            holdout: self.holdout,
            with_fit: self.with_fit,
            fit_target: self.fit_target,
        }
    }
}

/// The calibration thread and what was last asked of it.
pub struct CalibrationJobs {
    worker: Option<LatestWorker<CalibrationJob, CalibrationResults>>,
    /// The scores' generation and the holdout last asked for.
    pub requested: Option<JobKey>,
    /// Lead sets at least this big are calibrated on the thread.
    pub background_from: usize,
}

impl Default for CalibrationJobs {
    fn default() -> Self {
        CalibrationJobs {
            worker: None,
            requested: None,
            background_from: BACKGROUND_RESCORING_LEADS,
        }
    }
}

impl CalibrationJobs {
    /// Asks for the results of `job`; false when there is no thread (then the caller computes
    /// them itself).
    pub fn request(&mut self, job: CalibrationJob) -> bool {
        let key = job.key;
        let worker = self
            .worker
            .get_or_insert_with(|| LatestWorker::start("mql-calibration", calibrate));
        if worker.request(job).is_err() {
            return false;
        }
        self.requested = Some(key);
        true
    }

    /// The newest finished results, if any arrived.
    pub fn poll(&mut self) -> Option<CalibrationResults> {
        self.worker.as_mut().and_then(LatestWorker::poll)
    }
}
