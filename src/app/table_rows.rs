//! The leads table's rows after filter and sort: derived from the leads, the scores, the verdicts
//! and the view's filters, and rebuilt only when one of them changed (`table_order.rs` computes
//! them; for a large lead set on a thread of their own, `latest_worker.rs`).

use std::sync::Arc;

use super::document::Revision;
use super::latest_worker::LatestWorker;
use super::settings::SortColumn;
use super::table_order::{RowsInput, compute_rows};
use crate::leads::{LeadSet, Outcome, Verdict};
use crate::model::Model;
use crate::scoring::LeadScore;

/// The lead columns the table shows, found by field or header name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyColumns {
    first_name: Option<usize>,
    last_name: Option<usize>,
    name: Option<usize>,
    pub company: Option<usize>,
    pub title: Option<usize>,
    pub industry: Option<usize>,
    pub employees: Option<usize>,
}

impl KeyColumns {
    pub fn find(leads: &LeadSet, model: &Model) -> KeyColumns {
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| leads.column_for(name, &model.fields))
        };
        KeyColumns {
            first_name: find(&["first_name", "firstname"]),
            last_name: find(&["last_name", "lastname", "surname"]),
            name: find(&["name", "full_name", "contact_name"]),
            company: find(&["company", "company_name", "account_name", "organization"]),
            title: find(&["job_title", "title", "role"]),
            industry: find(&["industry", "sector"]),
            employees: find(&["employees", "number_of_employees", "company_size"]),
        }
    }

    pub fn text(leads: &LeadSet, column: Option<usize>, row: usize) -> String {
        column
            .and_then(|c| leads.columns.get(c))
            .map(|c| c.cell(row).display())
            .unwrap_or_default()
    }

    pub fn name(&self, leads: &LeadSet, row: usize) -> String {
        if self.name.is_some() {
            return Self::text(leads, self.name, row);
        }
        let first = Self::text(leads, self.first_name, row);
        let last = Self::text(leads, self.last_name, row);
        format!("{first} {last}").trim().to_owned()
    }

    pub fn name_column(&self) -> Option<usize> {
        self.name
    }

    pub fn first_name(&self) -> Option<usize> {
        self.first_name
    }

    pub fn last_name(&self) -> Option<usize> {
        self.last_name
    }

    /// The columns the search looks in (besides the id).
    pub fn searched_columns(&self) -> [Option<usize>; 6] {
        [
            self.name,
            self.first_name,
            self.last_name,
            self.company,
            self.title,
            self.industry,
        ]
    }
}

pub fn outcome_label(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        None => "",
        Some(o) if o.won => "won",
        Some(o) if o.reached_opportunity => "opportunity",
        Some(o) if o.reached_sql => "SQL",
        Some(_) => "no SQL",
    }
}

pub(super) fn outcome_rank(outcome: Option<Outcome>) -> u8 {
    match outcome {
        None => 0,
        Some(o) if o.won => 4,
        Some(o) if o.reached_opportunity => 3,
        Some(o) if o.reached_sql => 2,
        Some(_) => 1,
    }
}

pub fn verdict_label(verdict: Option<Verdict>) -> &'static str {
    verdict.map_or("", Verdict::label)
}

/// What the rows depend on besides the lead set's content.
#[derive(Clone, Debug, PartialEq)]
pub struct RowsKey {
    /// The scores' generation (bumped on every rescoring and on new leads).
    pub scores: u64,
    pub verdicts: Revision,
    pub search: String,
    pub show_status: [bool; 5],
    pub sort: SortColumn,
    pub descending: bool,
    /// Only the leads of one histogram bar (clicked): its bin and the scale it was drawn for.
    pub score_bin: Option<(usize, f64)>,
}

impl RowsKey {
    fn same_filter_and_sort(&self, other: &RowsKey) -> bool {
        self.search == other.search
            && self.show_status == other.show_status
            && self.sort == other.sort
            && self.descending == other.descending
            && self.verdicts == other.verdicts
            && self.score_bin == other.score_bin
    }
}

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
    /// lead set, asks the rows thread and takes its finished answer); returns true when the rows
    /// shown changed.
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
        verdicts: &Arc<Vec<Option<Verdict>>>,
        gesture_in_progress: bool,
    ) -> bool {
        let mut changed = false;
        if let Some((done, rows)) = self.worker.as_mut().and_then(LatestWorker::poll) {
            self.rows = rows;
            self.key = Some(done);
            changed = true;
        }
        if self.requested.as_ref() == Some(&key) {
            return changed;
        }
        let only_scores_changed = self
            .requested
            .as_ref()
            .is_some_and(|old| old.same_filter_and_sort(&key));
        if gesture_in_progress && only_scores_changed && self.rows.len() > 50_000 {
            return changed;
        }
        if scores.len() != leads.len() {
            // Background rescoring has not delivered scores for these leads yet.
            return changed;
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
                    return changed;
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
        true
    }
}
