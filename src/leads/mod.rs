//! Leads: a column store loaded from CRM-style CSV exports, with an optional event log, outcomes
//! and sales verdicts.
//!
//! Columns are typed and dictionary-encoded so that a million leads fit in memory and a condition
//! on a text field is decided once per distinct value, not once per lead.
//!
//! This file holds the data types ([`LeadSet`], [`Column`], [`EventLog`], …). The rest:
//! - `values`: reading one value (days, numbers, yes/no, stages, verdicts) and [`normalize_name`];
//! - `options`: how to load ([`LoadOptions`], [`Progress`]) and what came of it ([`LoadReport`],
//!   [`LeadsError`], [`RowError`]);
//! - `lead_file`: the leads reader ([`load_leads_csv`], [`read_leads_csv`]), with lead ids,
//!   outcomes and verdicts;
//! - `event_file`: the event log reader ([`load_events_csv`], [`read_events_csv`]) and the
//!   recognition of an event log by its header ([`looks_like_event_log`]);
//! - `csv`: what both readers share: records, blocks read on several threads, interned texts and
//!   typed columns (internal).

use std::collections::HashMap;

use crate::model::{FieldKind, FieldSpec, Team};

mod csv;
mod event_file;
mod lead_file;
mod options;
mod values;

pub use self::csv::detect_delimiter;
pub use event_file::{
    HEADER_SNIFF_BYTES, build_event_log, event_log_columns, is_event_log_header, load_events_csv,
    load_events_csv_with_progress, looks_like_event_log, read_events_csv, sniff_header,
};
pub(crate) use lead_file::{RECORDER_COLUMNS, VERDICT_COLUMNS};
pub use lead_file::{is_outcome_or_verdict_header, load_leads_csv, read_leads_csv};
pub use options::{
    LeadsError, LoadOptions, LoadReport, MAX_CELL_BYTES, MAX_COLUMNS, MAX_HEADER_BYTES,
    MAX_ROW_BYTES, Progress, RowError, WARNINGS_LISTED,
};
pub(crate) use values::parse_stage;
pub use values::{
    day_number, format_day, normalize_name, parse_bool, parse_day, parse_number, today,
};

/// The code of a missing cell in a text column.
pub const MISSING_TEXT: u32 = u32::MAX;
/// A missing cell in a bool column.
pub const MISSING_BOOL: u8 = 2;
/// A missing cell in a date column.
pub const MISSING_DATE: i32 = i32::MIN;

/// The values of one column, typed.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnData {
    /// Distinct values and, per lead, the index of its value (or [`MISSING_TEXT`]).
    Text { dict: Vec<String>, codes: Vec<u32> },
    /// `NaN` is missing.
    Number(Vec<f64>),
    /// 0 false, 1 true, [`MISSING_BOOL`] missing.
    Bool(Vec<u8>),
    /// Days since 1970-01-01; [`MISSING_DATE`] is missing.
    Date(Vec<i32>),
}

/// One cell, borrowed from its column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Missing,
    Text(&'a str),
    Number(f64),
    Bool(bool),
    Date(i32),
}

impl Cell<'_> {
    pub fn is_missing(&self) -> bool {
        matches!(self, Cell::Missing)
    }

    /// The cell as a person reads it.
    pub fn display(&self) -> String {
        match self {
            Cell::Missing => String::new(),
            Cell::Text(text) => (*text).to_owned(),
            Cell::Number(n) => crate::model::fmt_number(*n),
            Cell::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
            Cell::Date(day) => format_day(*day),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The header as it appears in the file (or as renamed by a column mapping).
    pub name: String,
    pub data: ColumnData,
}

impl Column {
    pub fn kind(&self) -> FieldKind {
        match self.data {
            ColumnData::Text { .. } => FieldKind::Text,
            ColumnData::Number(_) => FieldKind::Number,
            ColumnData::Bool(_) => FieldKind::Bool,
            ColumnData::Date(_) => FieldKind::Date,
        }
    }

    pub fn cell(&self, row: usize) -> Cell<'_> {
        match &self.data {
            ColumnData::Text { dict, codes } => match codes.get(row) {
                Some(&code) if code != MISSING_TEXT => dict
                    .get(code as usize)
                    .map_or(Cell::Missing, |s| Cell::Text(s)),
                _ => Cell::Missing,
            },
            ColumnData::Number(values) => match values.get(row) {
                Some(v) if !v.is_nan() => Cell::Number(*v),
                _ => Cell::Missing,
            },
            ColumnData::Bool(values) => match values.get(row) {
                Some(0) => Cell::Bool(false),
                Some(1) => Cell::Bool(true),
                _ => Cell::Missing,
            },
            ColumnData::Date(values) => match values.get(row) {
                Some(&day) if day != MISSING_DATE => Cell::Date(day),
                _ => Cell::Missing,
            },
        }
    }

    /// Distinct non-missing values as text, sorted, with how many leads have each.
    pub fn distinct_values(&self, limit: usize) -> Vec<(String, usize)> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        match &self.data {
            ColumnData::Text { dict, codes } => {
                let mut per_code = vec![0usize; dict.len()];
                for &code in codes {
                    if let Some(count) = per_code.get_mut(code as usize) {
                        *count += 1;
                    }
                }
                for (value, count) in dict.iter().zip(per_code) {
                    if count > 0 {
                        *counts.entry(value.clone()).or_default() += count;
                    }
                }
            }
            _ => {
                for row in 0..self.len() {
                    let cell = self.cell(row);
                    if !cell.is_missing() {
                        *counts.entry(cell.display()).or_default() += 1;
                    }
                }
            }
        }
        let mut values: Vec<(String, usize)> = counts.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        values.truncate(limit);
        values
    }

    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Text { codes, .. } => codes.len(),
            ColumnData::Number(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Date(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Activities per lead, stored by lead (compressed sparse rows).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLog {
    /// Distinct activity names (ignoring case; the first spelling is kept), in order of first
    /// appearance.
    pub activities: Vec<String>,
    /// Lead `i`'s events are `offsets[i]..offsets[i + 1]`.
    pub offsets: Vec<u32>,
    /// Per event: index into `activities`.
    pub activity: Vec<u32>,
    /// Per event: the day it happened (days since 1970-01-01, UTC).
    pub day: Vec<i32>,
}

impl EventLog {
    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }

    /// The index of an activity name (case-insensitive).
    pub fn activity_index(&self, name: &str) -> Option<u32> {
        let wanted = name.trim();
        self.activities
            .iter()
            .position(|a| a.eq_ignore_ascii_case(wanted))
            .map(|i| i as u32)
    }

    /// The event range of one lead.
    pub fn range(&self, lead: usize) -> std::ops::Range<usize> {
        let start = self.offsets.get(lead).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(lead + 1).copied().unwrap_or(0) as usize;
        start..end.max(start)
    }

    pub fn latest_day(&self) -> Option<i32> {
        self.day.iter().copied().max()
    }

    /// The latest day of an event that is not after `last`.
    pub fn latest_day_until(&self, last: i32) -> Option<i32> {
        self.day.iter().copied().filter(|&day| day <= last).max()
    }
}

/// What happened to a lead after it was scored (for calibration).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub reached_sql: bool,
    pub reached_opportunity: bool,
    pub won: bool,
}

/// Sales' own call on a sample lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Verdict {
    Accept,
    Reject,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
        }
    }
}

/// Sales' verdicts on a set of leads, by row, and the team that recorded each (the app records
/// the team it is editing as; a file's `Verdict By` column, §3.7). Reads as a slice of verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verdicts {
    verdicts: Vec<Option<Verdict>>,
    /// Same length as `verdicts`; `None` where there is no verdict or nobody said who gave it.
    recorded_by: Vec<Option<Team>>,
}

impl Verdicts {
    /// No verdict on any of `leads` leads.
    pub fn none(leads: usize) -> Verdicts {
        Verdicts {
            verdicts: vec![None; leads],
            recorded_by: vec![None; leads],
        }
    }

    /// Verdicts without recorders (as from a file without a `Verdict By` column).
    pub fn from_verdicts(verdicts: Vec<Option<Verdict>>) -> Verdicts {
        let recorded_by = vec![None; verdicts.len()];
        Verdicts {
            verdicts,
            recorded_by,
        }
    }

    /// Verdicts with their recorders; a recorder without a verdict is dropped, and the shorter
    /// list is padded with `None`.
    pub fn with_recorders(
        verdicts: Vec<Option<Verdict>>,
        recorded_by: Vec<Option<Team>>,
    ) -> Verdicts {
        let mut out = Verdicts::from_verdicts(verdicts);
        for (row, team) in recorded_by.into_iter().enumerate() {
            if out.verdict(row).is_some()
                && let Some(slot) = out.recorded_by.get_mut(row)
            {
                *slot = team;
            }
        }
        out
    }

    pub fn verdict(&self, row: usize) -> Option<Verdict> {
        self.verdicts.get(row).copied().flatten()
    }

    /// Who recorded the verdict on `row`, when known.
    pub fn recorded_by(&self, row: usize) -> Option<Team> {
        self.recorded_by.get(row).copied().flatten()
    }

    /// The recorders by row (`None` where unknown or no verdict).
    pub fn recorders(&self) -> &[Option<Team>] {
        &self.recorded_by
    }

    /// Sets the verdict on `row` and who recorded it (nobody, for no verdict). Returns false,
    /// changing nothing, for a row out of range.
    pub fn set(&mut self, row: usize, verdict: Option<Verdict>, by: Option<Team>) -> bool {
        match (self.verdicts.get_mut(row), self.recorded_by.get_mut(row)) {
            (Some(slot), Some(by_slot)) => {
                *slot = verdict;
                *by_slot = verdict.and(by);
                true
            }
            _ => false,
        }
    }

    /// How many verdicts each team recorded: (marketing, sales, unknown).
    pub fn counts_by_recorder(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for (verdict, by) in self.verdicts.iter().zip(&self.recorded_by) {
            match (verdict, by) {
                (None, _) => {}
                (Some(_), Some(Team::Marketing)) => counts.0 += 1,
                (Some(_), Some(Team::Sales)) => counts.1 += 1,
                (Some(_), None) => counts.2 += 1,
            }
        }
        counts
    }
}

impl<const N: usize> PartialEq<[Option<Verdict>; N]> for Verdicts {
    fn eq(&self, other: &[Option<Verdict>; N]) -> bool {
        self.verdicts == other
    }
}

impl PartialEq<Vec<Option<Verdict>>> for Verdicts {
    fn eq(&self, other: &Vec<Option<Verdict>>) -> bool {
        self.verdicts == *other
    }
}

impl std::ops::Deref for Verdicts {
    type Target = [Option<Verdict>];

    fn deref(&self) -> &[Option<Verdict>] {
        &self.verdicts
    }
}

/// A set of leads, column by column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeadSet {
    pub columns: Vec<Column>,
    /// Lead ids in row order: from the id column, or the row number when there is none.
    pub ids: Vec<String>,
    pub id_column: Option<usize>,
    pub events: Option<EventLog>,
    /// Per lead; `None` when the lead (or the whole file) has no outcome.
    pub outcomes: Vec<Option<Outcome>>,
    pub verdicts: Verdicts,
}

impl LeadSet {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The column for a model field: by the field's name or one of its aliases, matched on
    /// [`normalize_name`].
    pub fn column_for(&self, field: &str, specs: &[FieldSpec]) -> Option<usize> {
        let mut keys = vec![normalize_name(field)];
        if let Some(spec) = specs.iter().find(|s| s.name == field) {
            keys.extend(spec.aliases.iter().map(|a| normalize_name(a)));
        }
        keys.iter().find_map(|key| {
            self.columns
                .iter()
                .position(|c| normalize_name(&c.name) == *key)
        })
    }

    pub fn column_by_name(&self, name: &str) -> Option<&Column> {
        let key = normalize_name(name);
        self.columns.iter().find(|c| normalize_name(&c.name) == key)
    }

    /// The row of a lead id.
    pub fn row_of(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|candidate| candidate == id)
    }

    /// True when at least one lead has an outcome.
    pub fn has_outcomes(&self) -> bool {
        self.outcomes.iter().any(Option::is_some)
    }

    /// A display value for a lead's field, looked up by column name.
    pub fn display(&self, row: usize, column_name: &str) -> String {
        self.column_by_name(column_name)
            .map(|c| c.cell(row).display())
            .unwrap_or_default()
    }

    /// The as-of date to score against when none is given (`docs/model-format.md` §3.5): the
    /// day of the latest event of the event log that is not after tomorrow (UTC: a day's grace
    /// for local dates ahead of UTC), so that a stray far-future date does not move it; today
    /// (UTC) when there is no such event (no event log, an empty one, or only future events;
    /// count columns have no dates).
    pub fn default_as_of(&self) -> i32 {
        self.default_as_of_on(today())
    }

    /// [`LeadSet::default_as_of`] on the day `today`.
    pub fn default_as_of_on(&self, today: i32) -> i32 {
        self.events
            .as_ref()
            .and_then(|log| log.latest_day_until(today.saturating_add(1)))
            .unwrap_or(today)
    }

    /// A warning when the default as-of date is not the day a user would expect: it comes from
    /// the event log and is more than [`STALE_AS_OF_DAYS`] days before today. `None` otherwise.
    pub fn default_as_of_warning(&self) -> Option<String> {
        self.default_as_of_warning_on(today())
    }

    /// [`LeadSet::default_as_of_warning`] on the day `today`.
    pub fn default_as_of_warning_on(&self, today: i32) -> Option<String> {
        let as_of = self.default_as_of_on(today);
        let before = i64::from(today) - i64::from(as_of);
        (self.events.as_ref().is_some_and(|log| !log.is_empty()) && before > STALE_AS_OF_DAYS).then(
            || {
                format!(
                    "scoring as of {}, the day of the latest event, {before} days before today \
                     ({}): windows and decay count back from that day (give an as-of date to \
                     score as of another day)",
                    format_day(as_of),
                    format_day(today)
                )
            },
        )
    }
}

/// How many days before today the default as-of date may be without a warning
/// ([`LeadSet::default_as_of_warning`]).
pub const STALE_AS_OF_DAYS: i64 = 30;
