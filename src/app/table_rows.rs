//! The leads table's rows after filter and sort: derived from the leads, the scores, the verdicts
//! and the view's filters, and rebuilt only when one of them changed (`table_order.rs` computes
//! them; for a large lead set on a thread of their own, `latest_worker.rs`).

use std::sync::Arc;

use super::latest_worker::LatestWorker;
use super::table_keys::{KeyColumns, RowsKey};
use super::table_order::{RowsInput, compute_rows};
use crate::leads::{LeadSet, Verdicts};
use crate::model::Model;
use crate::scoring::LeadScore;

/// The rows the table shows, in order, and what they were computed for. From
/// [`BACKGROUND_ROWS_LEADS`] leads on, they are computed on the rows thread and the previous
/// order stays shown until the new one is ready.
#[derive(Default)]
pub struct TableRows {
    pub rows: Vec<usize>,
    /// What `rows` are for.
    key: Option<RowsKey>,
    /// What was last asked for (of the rows thread, or computed here).
    requested: Option<RowsKey>,
    worker: Option<LatestWorker<RowsInput, (RowsKey, Vec<usize>)>>,
    /// Lead sets at least this big are filtered and sorted on the rows thread.
    pub background_from: usize,
}

/// From this many leads on, the table's filter, search and sort run on a thread of their own.
pub const BACKGROUND_ROWS_LEADS: usize = 100_000;

impl TableRows {
    pub fn new() -> TableRows {
        TableRows {
            background_from: BACKGROUND_ROWS_LEADS,
            ..TableRows::default()
        }
    }

    /// True while the rows shown are not yet those asked for.
    pub fn is_pending(&self) -> bool {
        self.key != self.requested
    }

    /// Brings the rows up to date with the scores, verdicts, filters and sort (or, for a large
    /// lead set, asks the rows thread and takes its finished answer).
    ///
    /// While a slider or the threshold is being dragged (`gesture_in_progress`), only the scores
    /// change: a large table keeps its order (re-sorting a million rows every frame would stall
    /// the drag) and is sorted once the drag ends.
    pub fn refresh(
        &mut self,
        key: RowsKey,
        leads: &Arc<LeadSet>,
        model: &Model,
        scores: &[LeadScore],
        verdicts: &Arc<Verdicts>,
        gesture_in_progress: bool,
    ) {
        if let Some((done, rows)) = self.worker.as_mut().and_then(LatestWorker::poll) {
            self.rows = rows;
            self.key = Some(done);
        }
        if self.requested.as_ref() == Some(&key) {
            return;
        }
        let only_scores_changed = self
            .requested
            .as_ref()
            .is_some_and(|old| old.same_filter_and_sort(&key));
        if gesture_in_progress && only_scores_changed && self.rows.len() > 50_000 {
            return;
        }
        if scores.len() != leads.len() {
            // Background rescoring has not delivered scores for these leads yet.
            return;
        }
        let input = RowsInput::new(
            key.clone(),
            leads,
            KeyColumns::find(leads, model),
            scores,
            verdicts,
        );
        let input = if leads.len() >= self.background_from {
            let worker = self.worker.get_or_insert_with(|| {
                LatestWorker::start("mql-table-rows", |input: RowsInput| {
                    let rows = compute_rows(&input);
                    (input.key, rows)
                })
            });
            match worker.request(input) {
                Ok(()) => {
                    self.requested = Some(key);
                    return;
                }
                // No thread: computed here instead.
                Err(input) => input,
            }
        } else {
            input
        };
        self.rows = compute_rows(&input);
        self.key = Some(key.clone());
        self.requested = Some(key);
    }
}
