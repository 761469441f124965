//! The rule miner's report (every column's conversion by value or bin), computed on a thread of
//! its own for a large lead set; the view keeps the previous report until the new one is ready.

use std::sync::Arc;

use super::derived::BACKGROUND_RESCORING_LEADS;
use super::document::Revision;
use super::latest_worker::LatestWorker;
use crate::calibration::miner::{ColumnMining, mine_all_where};
use crate::calibration::quality::{Holdout, holdout_rows};
use crate::leads::LeadSet;
use crate::model::Model;

/// The miner's report: every minable column, the most separating first.
#[derive(Clone, Debug, PartialEq)]
pub struct MinerReport {
    pub model: Revision,
    pub leads_version: u64,
    /// The holdout whose training part was mined (`None`: every lead with an outcome).
    pub holdout: Option<Holdout>,
    pub columns: Vec<ColumnMining>,
}

/// What a report is computed from.
pub struct MinerJob {
    pub model_revision: Revision,
    pub leads_version: u64,
    pub holdout: Option<Holdout>,
    pub model: Model,
    pub leads: Arc<LeadSet>,
}

/// The report of a job: rules are found on the training part only, so that the holdout's
/// figures are not flattered by rules chosen on it.
pub fn mine(job: MinerJob) -> MinerReport {
    let held = job.holdout.map(|h| holdout_rows(&job.leads, h));
    let training = |row: usize| {
        held.as_ref()
            .is_none_or(|h| !h.get(row).copied().unwrap_or(false))
    };
    MinerReport {
        model: job.model_revision,
        leads_version: job.leads_version,
        holdout: job.holdout,
        columns: mine_all_where(&job.model, &job.leads, &training),
    }
}

/// The miner's thread and what was last asked of it.
pub struct MinerJobs {
    worker: Option<LatestWorker<MinerJob, MinerReport>>,
    pub requested: Option<(Revision, u64, Option<Holdout>)>,
    /// Lead sets at least this big are mined on the thread.
    pub background_from: usize,
}

impl Default for MinerJobs {
    fn default() -> Self {
        MinerJobs {
            worker: None,
            requested: None,
            background_from: BACKGROUND_RESCORING_LEADS,
        }
    }
}

impl MinerJobs {
    /// Asks for the report of `job`; gives the job back when there is no thread.
    pub fn request(&mut self, job: MinerJob) -> Result<(), Box<MinerJob>> {
        let key = (job.model_revision, job.leads_version, job.holdout);
        let worker = self
            .worker
            .get_or_insert_with(|| LatestWorker::start("mql-miner", mine));
        worker.request(job).map_err(Box::new)?;
        self.requested = Some(key);
        Ok(())
    }

    /// The newest finished report, if any arrived.
    pub fn poll(&mut self) -> Option<MinerReport> {
        self.worker.as_mut().and_then(LatestWorker::poll)
    }
}
