//! What the leads table shows and what its rows depend on: the lead columns it reads
//! ([`KeyColumns`]), the labels of outcomes and verdicts, and the key its rows are computed for
//! ([`RowsKey`]). Shared by the table's panel, the rows computation (`table_order.rs`) and the
//! refresh (`table_rows.rs`).

use super::document::Revision;
use super::settings::SortColumn;
use crate::leads::{LeadSet, Outcome, Verdicts};
use crate::model::Model;

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

/// A lead's verdict in the table, with who recorded it when known: `accept · sales`.
pub fn verdict_label(verdicts: &Verdicts, row: usize) -> String {
    let Some(verdict) = verdicts.verdict(row) else {
        return String::new();
    };
    match verdicts.recorded_by(row) {
        Some(team) => format!("{} · {}", verdict.label(), team.label().to_lowercase()),
        None => verdict.label().to_owned(),
    }
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
    pub(super) fn same_filter_and_sort(&self, other: &RowsKey) -> bool {
        self.search == other.search
            && self.show_status == other.show_status
            && self.sort == other.sort
            && self.descending == other.descending
            && self.verdicts == other.verdicts
            && self.score_bin == other.score_bin
    }
}
