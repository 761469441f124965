//! The calibration view's results (funnel, threshold sweep, rule lift) for a large lead set,
//! computed on a thread of their own: over a million leads they take longer than a frame. The
//! view keeps showing the previous results until the new ones are ready.

use std::sync::Arc;

use super::derived::BACKGROUND_RESCORING_LEADS;
use super::latest_worker::LatestWorker;
use crate::calibration::{Funnel, RuleLift, SweepPoint, funnel, rule_lift, threshold_sweep};
use crate::leads::LeadSet;
use crate::model::Model;
use crate::scoring::{Evaluation, LeadScore, score_all};

/// Funnel, sweep and lift of the current scores (derived; computed while the view is shown).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CalibrationResults {
    /// The scores' generation they are for.
    pub generation: u64,
    pub funnel: Option<Funnel>,
    pub sweep: Vec<SweepPoint>,
    pub lift: Vec<RuleLift>,
}

/// What the results are computed from: the model as of a day on the leads, for one generation
/// of the scores shown.
pub struct CalibrationJob {
    pub generation: u64,
    pub model: Model,
    pub leads: Arc<LeadSet>,
    pub as_of: i32,
}

/// Funnel, sweep and lift of a model on leads, from scratch (on the calibration thread: the
/// scores are recomputed there rather than copied from the UI thread).
pub fn calibrate(job: CalibrationJob) -> CalibrationResults {
    let evaluation = Evaluation::new(&job.model, &job.leads, job.as_of);
    let scores = score_all(&job.model, &evaluation);
    let lift = rule_lift(&job.model, &job.leads, &evaluation);
    results_with(job.generation, &job.model, &job.leads, &scores, lift)
}

/// Funnel and sweep of the scores, with the rule lift computed from their evaluation.
pub fn results_with(
    generation: u64,
    model: &Model,
    leads: &LeadSet,
    scores: &[LeadScore],
    lift: Vec<RuleLift>,
) -> CalibrationResults {
    CalibrationResults {
        generation,
        funnel: Some(funnel(leads, scores)),
        sweep: threshold_sweep(model, leads, scores),
        lift,
    }
}

/// The calibration thread and what was last asked of it.
pub struct CalibrationJobs {
    worker: Option<LatestWorker<CalibrationJob, CalibrationResults>>,
    /// The scores' generation last asked for.
    pub requested: Option<u64>,
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
        let generation = job.generation;
        let worker = self
            .worker
            .get_or_insert_with(|| LatestWorker::start("mql-calibration", calibrate));
        if worker.request(job).is_err() {
            return false;
        }
        self.requested = Some(generation);
        true
    }

    /// The newest finished results, if any arrived.
    pub fn poll(&mut self) -> Option<CalibrationResults> {
        self.worker.as_mut().and_then(LatestWorker::poll)
    }
}
