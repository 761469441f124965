//! The columns view's report (the leads seen through the model), computed on a thread of its own
//! for a large lead set: over a million leads it takes about half a second, which a model edit
//! made while the view is open must not cost the UI thread. The view keeps the previous report
//! until the new one is ready.

use std::sync::Arc;

use super::derived::BACKGROUND_RESCORING_LEADS;
use super::document::Revision;
use super::latest_worker::LatestWorker;
use crate::inspect::inspect;
use crate::leads::LeadSet;
use crate::model::Model;

/// The report of the columns view and what it was made from.
#[derive(Clone, Debug)]
pub struct ImportCheck {
    pub model: Revision,
    pub leads_version: u64,
    pub report: crate::inspect::Inspection,
}

/// What a report is computed from.
pub struct ImportCheckJob {
    pub model_revision: Revision,
    pub leads_version: u64,
    pub model: Model,
    pub leads: Arc<LeadSet>,
    pub renames: Vec<(String, String)>,
    pub as_of: i32,
}

/// The report of a job.
pub fn check(job: ImportCheckJob) -> ImportCheck {
    ImportCheck {
        model: job.model_revision,
        leads_version: job.leads_version,
        report: inspect(&job.model, &job.leads, &job.renames, job.as_of),
    }
}

/// The report's thread and what was last asked of it.
pub struct ImportChecks {
    worker: Option<LatestWorker<ImportCheckJob, ImportCheck>>,
    /// The (model revision, leads version) last asked for.
    pub requested: Option<(Revision, u64)>,
    /// Lead sets at least this big are checked on the thread.
    pub background_from: usize,
    /// An import asked for the report: open the columns view if it finds a problem.
    pub after_import: bool,
}

impl Default for ImportChecks {
    fn default() -> Self {
        ImportChecks {
            worker: None,
            requested: None,
            background_from: BACKGROUND_RESCORING_LEADS,
            after_import: false,
        }
    }
}

impl ImportChecks {
    /// Asks for the report of `job`; gives the job back when there is no thread (then the
    /// caller computes it itself).
    pub fn request(&mut self, job: ImportCheckJob) -> Result<(), Box<ImportCheckJob>> {
        let key = (job.model_revision, job.leads_version);
        let worker = self
            .worker
            .get_or_insert_with(|| LatestWorker::start("mql-import-check", check));
        worker.request(job).map_err(Box::new)?;
        self.requested = Some(key);
        Ok(())
    }

    /// The newest finished report, if any arrived.
    pub fn poll(&mut self) -> Option<ImportCheck> {
        self.worker.as_mut().and_then(LatestWorker::poll)
    }
}
