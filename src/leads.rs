//! Leads: a column store loaded from CRM-style CSV exports, with an optional event log, outcomes
//! and sales verdicts.
//!
//! Columns are typed and dictionary-encoded so that a million leads fit in memory and a condition
//! on a text field is decided once per distinct value, not once per lead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::{FieldKind, FieldSpec};

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
    pub verdicts: Vec<Option<Verdict>>,
}

/// A header or field name reduced to lowercase letters and digits, so that `Job Title`,
/// `job_title` and `JobTitle` are the same column.
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

const ID_COLUMNS: &[&str] = &["leadid", "id", "recordid", "contactid"];
const SQL_COLUMNS: &[&str] = &["reachedsql", "sql", "becamesql"];
const OPPORTUNITY_COLUMNS: &[&str] = &["reachedopportunity", "opportunity", "becameopportunity"];
const WON_COLUMNS: &[&str] = &["won", "closedwon", "becamecustomer"];
const STAGE_COLUMNS: &[&str] = &["outcome", "outcomestage", "funnelstage", "stage"];
const VERDICT_COLUMNS: &[&str] = &["salesverdict", "verdict"];

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

    /// The as-of date to score against when none is given: the day of the latest event, or
    /// today when there is no event log (count columns have no dates).
    pub fn default_as_of(&self) -> i32 {
        self.events
            .as_ref()
            .and_then(EventLog::latest_day)
            .unwrap_or_else(today)
    }
}

/// Today's date (UTC) as days since 1970-01-01.
pub fn today() -> i32 {
    let seconds = jiff::Timestamp::now().as_second();
    seconds.div_euclid(86_400) as i32
}

fn epoch() -> jiff::civil::Date {
    jiff::civil::date(1970, 1, 1)
}

/// Days since 1970-01-01 of a civil date.
pub fn day_number(date: jiff::civil::Date) -> i32 {
    epoch()
        .until((jiff::Unit::Day, date))
        .map(|span| span.get_days())
        .unwrap_or(0)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_day(day: i32) -> String {
    epoch()
        .checked_add(jiff::Span::new().days(day as i64))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| format!("day {day}"))
}

/// Parses a date (`2026-10-03`) or a timestamp (`2026-10-03T14:22:00Z`, `2026-10-03 14:22`,
/// `2026-10-03T14:22:00+02:00`) into its UTC day. A timestamp without an offset keeps its date.
pub fn parse_day(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.len() == 10 {
        return text.parse::<jiff::civil::Date>().ok().map(day_number);
    }
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        return Some(timestamp.as_second().div_euclid(86_400) as i32);
    }
    text.parse::<jiff::civil::DateTime>()
        .ok()
        .map(|dt| day_number(dt.date()))
}

/// Parses a number as CRM exports write it: `1200`, `1200.5`, `-3`, `1e6`.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses the usual spellings of yes and no.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

fn parse_verdict(text: &str) -> Option<Verdict> {
    let key = normalize_name(text);
    match key.as_str() {
        "accept" | "accepted" | "wouldaccept" | "yes" | "true" | "call" => Some(Verdict::Accept),
        "reject" | "rejected" | "wouldreject" | "no" | "false" | "pass" => Some(Verdict::Reject),
        _ => None,
    }
}

/// Reads a funnel stage into an outcome; `None` for a value that is not a stage.
fn parse_stage(text: &str) -> Option<Outcome> {
    let key = normalize_name(text);
    let reached = |sql, opportunity, won| Outcome {
        reached_sql: sql,
        reached_opportunity: opportunity,
        won,
    };
    match key.as_str() {
        "lead" | "subscriber" | "mql" | "nurture" | "disqualified" | "unqualified" | "none" => {
            Some(reached(false, false, false))
        }
        "sql" | "salesqualified" | "salesqualifiedlead" => Some(reached(true, false, false)),
        "opportunity" | "opp" | "closedlost" | "lost" => Some(reached(true, true, false)),
        "won" | "closedwon" | "customer" => Some(reached(true, true, true)),
        _ => None,
    }
}

/// One row that could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}: row {row}{}: {message}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
pub struct RowError {
    pub file: String,
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LeadsError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Row(#[from] RowError),
    #[error("{file}: {message}")]
    File { file: String, message: String },
}

/// How to read a leads file.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The model's declared fields: their types are enforced, their aliases map headers.
    pub fields: Vec<FieldSpec>,
    /// Skip rows that cannot be read (and count them) instead of failing.
    pub skip_bad_rows: bool,
    /// `b','` or `b';'`; detected from the header when `None`.
    pub delimiter: Option<u8>,
    /// The header of the lead id column; found by name (`Lead ID`, `id`, …) when `None`.
    pub id_column: Option<String>,
    /// Header renames, `(header in the file, field name)`.
    pub renames: Vec<(String, String)>,
}

/// What a load did besides returning leads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    pub rows_read: usize,
    pub skipped: Vec<RowError>,
    pub warnings: Vec<String>,
}

/// Numbers CSV records as a spreadsheet shows them: the header is row 1, a record is one row even
/// when a quoted cell spans lines, and blank lines are rows too.
struct RowCounter<'a> {
    row: usize,
    /// The line where the next record starts when no blank line comes first.
    next_line: u64,
    /// The file's bytes: the reader places a record that follows blank lines at the first of
    /// them, so they are counted here.
    bytes: &'a [u8],
}

impl<'a> RowCounter<'a> {
    fn new(header: &csv::StringRecord, bytes: &'a [u8]) -> RowCounter<'a> {
        let start = header.position().map_or(1, csv::Position::line);
        RowCounter {
            row: 1,
            next_line: start + 1 + newlines(header),
            bytes,
        }
    }

    fn advance(&mut self, record: &csv::StringRecord) -> usize {
        let line = record.position().map_or(self.next_line, |position| {
            let leading_blank_lines = self
                .bytes
                .get(position.byte() as usize..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .filter(|b| **b == b'\n')
                .count() as u64;
            position.line() + leading_blank_lines
        });
        let blank_lines = line.saturating_sub(self.next_line) as usize;
        self.row += 1 + blank_lines;
        self.next_line = line + 1 + newlines(record);
        self.row
    }

    fn advance_unreadable(&mut self) -> usize {
        self.row += 1;
        self.next_line += 1;
        self.row
    }
}

fn newlines(record: &csv::StringRecord) -> u64 {
    record
        .iter()
        .map(|cell| cell.matches('\n').count() as u64)
        .sum()
}

fn read_file(path: &Path) -> Result<Vec<u8>, LeadsError> {
    std::fs::read(path).map_err(|source| LeadsError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Loads leads from a CSV file.
pub fn load_leads_csv(
    path: &Path,
    options: &LoadOptions,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    let bytes = read_file(path)?;
    read_leads_csv(&bytes, &path.display().to_string(), options)
}

/// Strips a UTF-8 byte-order mark.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// `;` when the header line has more semicolons than commas (outside quotes), else `,`.
pub fn detect_delimiter(bytes: &[u8]) -> u8 {
    let mut in_quotes = false;
    let (mut commas, mut semicolons) = (0usize, 0usize);
    for &byte in bytes {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => commas += 1,
            b';' if !in_quotes => semicolons += 1,
            b'\n' if !in_quotes => break,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

fn csv_reader(bytes: &[u8], delimiter: Option<u8>) -> csv::Reader<&[u8]> {
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(bytes));
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes)
}

/// A column under construction.
enum Builder {
    Text {
        dict: Vec<String>,
        index: HashMap<String, u32>,
        codes: Vec<u32>,
        /// Declared text: never re-typed.
        declared: bool,
    },
    Number(Vec<f64>),
    Bool(Vec<u8>),
    Date(Vec<i32>),
}

/// One parsed cell, kept until the whole row is known to be good.
enum Parsed<'a> {
    Text(&'a str),
    Number(f64),
    Bool(u8),
    Date(i32),
}

impl Builder {
    fn new(kind: Option<FieldKind>) -> Builder {
        match kind {
            Some(FieldKind::Number) => Builder::Number(Vec::new()),
            Some(FieldKind::Bool) => Builder::Bool(Vec::new()),
            Some(FieldKind::Date) => Builder::Date(Vec::new()),
            Some(FieldKind::Text) | None => Builder::Text {
                dict: Vec::new(),
                index: HashMap::new(),
                codes: Vec::new(),
                declared: kind.is_some(),
            },
        }
    }

    /// Parses a cell for this column; `Err` says what was expected.
    fn parse<'a>(&self, cell: &'a str) -> Result<Parsed<'a>, &'static str> {
        match self {
            Builder::Text { .. } => Ok(Parsed::Text(cell)),
            Builder::Number(_) if cell.is_empty() => Ok(Parsed::Number(f64::NAN)),
            Builder::Number(_) => parse_number(cell)
                .map(Parsed::Number)
                .ok_or("expected a number"),
            Builder::Bool(_) if cell.is_empty() => Ok(Parsed::Bool(MISSING_BOOL)),
            Builder::Bool(_) => parse_bool(cell)
                .map(|b| Parsed::Bool(u8::from(b)))
                .ok_or("expected true/false or yes/no"),
            Builder::Date(_) if cell.is_empty() => Ok(Parsed::Date(MISSING_DATE)),
            Builder::Date(_) => parse_day(cell)
                .map(Parsed::Date)
                .ok_or("expected a date like 2026-10-03"),
        }
    }

    fn push(&mut self, value: Parsed<'_>) {
        match (self, value) {
            (
                Builder::Text {
                    dict, index, codes, ..
                },
                Parsed::Text(text),
            ) => {
                if text.is_empty() {
                    codes.push(MISSING_TEXT);
                } else if let Some(&code) = index.get(text) {
                    codes.push(code);
                } else {
                    let code = dict.len() as u32;
                    dict.push(text.to_owned());
                    index.insert(text.to_owned(), code);
                    codes.push(code);
                }
            }
            (Builder::Number(values), Parsed::Number(v)) => values.push(v),
            (Builder::Bool(values), Parsed::Bool(v)) => values.push(v),
            (Builder::Date(values), Parsed::Date(v)) => values.push(v),
            // `parse` of the same builder produced the value, so the kinds always agree.
            _ => {}
        }
    }

    /// Finishes the column; an undeclared text column whose values are all numbers, all
    /// booleans or all dates becomes that type.
    fn finish(self) -> ColumnData {
        match self {
            Builder::Text {
                dict,
                codes,
                declared,
                ..
            } => {
                if !declared
                    && !dict.is_empty()
                    && let Some(data) = retype(&dict, &codes)
                {
                    return data;
                }
                ColumnData::Text { dict, codes }
            }
            Builder::Number(values) => ColumnData::Number(values),
            Builder::Bool(values) => ColumnData::Bool(values),
            Builder::Date(values) => ColumnData::Date(values),
        }
    }
}

/// Infers a type for an undeclared column from its distinct values.
fn retype(dict: &[String], codes: &[u32]) -> Option<ColumnData> {
    let decode = |values: Vec<f64>| -> Vec<f64> {
        codes
            .iter()
            .map(|&c| values.get(c as usize).copied().unwrap_or(f64::NAN))
            .collect()
    };
    if let Some(numbers) = dict
        .iter()
        .map(|v| parse_number(v))
        .collect::<Option<Vec<_>>>()
    {
        return Some(ColumnData::Number(decode(numbers)));
    }
    let is_bool_word = |v: &String| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no"
        )
    };
    if dict.iter().all(is_bool_word) {
        let bools: Vec<u8> = dict
            .iter()
            .map(|v| parse_bool(v).map_or(MISSING_BOOL, u8::from))
            .collect();
        return Some(ColumnData::Bool(
            codes
                .iter()
                .map(|&c| bools.get(c as usize).copied().unwrap_or(MISSING_BOOL))
                .collect(),
        ));
    }
    let looks_like_date = |v: &String| v.len() >= 10 && v.as_bytes().get(4) == Some(&b'-');
    if dict.iter().all(looks_like_date) {
        let days = dict
            .iter()
            .map(|v| parse_day(v))
            .collect::<Option<Vec<_>>>()?;
        return Some(ColumnData::Date(
            codes
                .iter()
                .map(|&c| days.get(c as usize).copied().unwrap_or(MISSING_DATE))
                .collect(),
        ));
    }
    None
}

/// Reads leads from CSV bytes. `file` names the source in error messages.
pub fn read_leads_csv(
    bytes: &[u8],
    file: &str,
    options: &LoadOptions,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    let bytes = strip_bom(bytes);
    let mut reader = csv_reader(bytes, options.delimiter);
    let header_record = reader.headers().cloned().unwrap_or_default();
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| LeadsError::File {
            file: file.to_owned(),
            message: format!("cannot read the header row: {e}"),
        })?
        .iter()
        .map(|h| {
            let header = h.trim();
            options
                .renames
                .iter()
                .find(|(from, _)| normalize_name(from) == normalize_name(header))
                .map_or_else(|| header.to_owned(), |(_, to)| to.clone())
        })
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(LeadsError::File {
            file: file.to_owned(),
            message: "the file is empty: expected a header row naming the columns".to_owned(),
        });
    }
    if let Some(duplicate) = first_duplicate(&headers) {
        return Err(LeadsError::File {
            file: file.to_owned(),
            message: format!("the column `{duplicate}` appears twice in the header"),
        });
    }
    let kinds: Vec<Option<FieldKind>> = headers
        .iter()
        .map(|h| declared_kind(h, &options.fields))
        .collect();
    // The id column is kept as written: an undeclared `007` or `12345678901234567890` must not
    // become a number, or the ids would no longer match the event log.
    let id_header = id_header_index(&headers, options);
    let mut builders: Vec<Builder> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| match kind {
            None if Some(i) == id_header => Builder::new(Some(FieldKind::Text)),
            _ => Builder::new(*kind),
        })
        .collect();
    let mut report = LoadReport::default();
    // The file row (spreadsheet numbering) of every lead read, for messages and row-number ids.
    let mut lead_rows: Vec<usize> = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut rows = RowCounter::new(&header_record, bytes);
    loop {
        let row = match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => rows.advance(&record),
            Err(error) => {
                let problem = RowError {
                    file: file.to_owned(),
                    row: rows.advance_unreadable(),
                    column: None,
                    message: format!("cannot read the row: {error}"),
                };
                if options.skip_bad_rows {
                    report.skipped.push(problem);
                    continue;
                }
                return Err(problem.into());
            }
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        match parse_row(&record, &builders, &headers, file, row) {
            Ok(parsed) => {
                for (builder, value) in builders.iter_mut().zip(parsed) {
                    builder.push(value);
                }
                report.rows_read += 1;
                lead_rows.push(row);
            }
            Err(problem) if options.skip_bad_rows => report.skipped.push(problem),
            Err(problem) => return Err(problem.into()),
        }
    }
    let columns: Vec<Column> = headers
        .into_iter()
        .zip(builders)
        .map(|(name, builder)| Column {
            name,
            data: builder.finish(),
        })
        .collect();
    let lead_count = report.rows_read;
    let mut set = LeadSet {
        columns,
        ids: Vec::new(),
        id_column: None,
        events: None,
        outcomes: vec![None; lead_count],
        verdicts: vec![None; lead_count],
    };
    assign_ids(&mut set, options, file, &lead_rows, &mut report)?;
    read_outcomes(
        &mut set,
        file,
        &lead_rows,
        options.skip_bad_rows,
        &mut report,
    )?;
    Ok((set, report))
}

/// Parses every cell of a row, or says which cell is wrong; nothing is kept from a bad row.
fn parse_row<'a>(
    record: &'a csv::StringRecord,
    builders: &[Builder],
    headers: &[String],
    file: &str,
    row: usize,
) -> Result<Vec<Parsed<'a>>, RowError> {
    if record.len() != headers.len() {
        return Err(RowError {
            file: file.to_owned(),
            row,
            column: None,
            message: format!(
                "has {} cells, but the header has {} columns",
                record.len(),
                headers.len()
            ),
        });
    }
    record
        .iter()
        .zip(builders)
        .zip(headers)
        .map(|((cell, builder), header)| {
            let cell = cell.trim();
            builder.parse(cell).map_err(|expected| RowError {
                file: file.to_owned(),
                row,
                column: Some(header.clone()),
                message: format!("{expected}, found {cell:?}"),
            })
        })
        .collect()
}

fn first_duplicate(headers: &[String]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    headers
        .iter()
        .find(|h| !h.is_empty() && !seen.insert(normalize_name(h)))
        .map(String::as_str)
}

fn declared_kind(header: &str, fields: &[FieldSpec]) -> Option<FieldKind> {
    let key = normalize_name(header);
    fields
        .iter()
        .find(|spec| {
            normalize_name(&spec.name) == key
                || spec.aliases.iter().any(|a| normalize_name(a) == key)
        })
        .map(|spec| spec.kind)
}

/// The header index of the lead id column, found as [`assign_ids`] finds it.
fn id_header_index(headers: &[String], options: &LoadOptions) -> Option<usize> {
    match &options.id_column {
        Some(name) => {
            let key = normalize_name(name);
            headers.iter().position(|h| normalize_name(h) == key)
        }
        None => ID_COLUMNS
            .iter()
            .find_map(|key| headers.iter().position(|h| normalize_name(h) == *key)),
    }
}

/// The file row of the lead at `index` (header = row 1), given the rows of the leads read.
fn file_row(lead_rows: &[usize], index: usize) -> usize {
    lead_rows.get(index).copied().unwrap_or(index + 2)
}

fn find_column(set: &LeadSet, candidates: &[&str]) -> Option<usize> {
    candidates.iter().find_map(|key| {
        set.columns
            .iter()
            .position(|c| normalize_name(&c.name) == *key)
    })
}

fn assign_ids(
    set: &mut LeadSet,
    options: &LoadOptions,
    file: &str,
    lead_rows: &[usize],
    report: &mut LoadReport,
) -> Result<(), LeadsError> {
    let lead_count = set.outcomes.len();
    let id_column = match &options.id_column {
        Some(name) => Some(
            set.columns
                .iter()
                .position(|c| normalize_name(&c.name) == normalize_name(name))
                .ok_or_else(|| LeadsError::File {
                    file: file.to_owned(),
                    message: format!("there is no id column `{name}`"),
                })?,
        ),
        None => find_column(set, ID_COLUMNS),
    };
    set.id_column = id_column;
    set.ids = match id_column.and_then(|i| set.columns.get(i)) {
        Some(column) => (0..lead_count)
            .map(|row| {
                let id = column.cell(row).display();
                if id.is_empty() {
                    format!("row-{}", file_row(lead_rows, row))
                } else {
                    id
                }
            })
            .collect(),
        None => {
            report
                .warnings
                .push("no lead id column found: leads are numbered by row".to_owned());
            (0..lead_count)
                .map(|row| file_row(lead_rows, row).to_string())
                .collect()
        }
    };
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(lead_count);
    for (row, id) in set.ids.iter().enumerate() {
        if let Some(first) = seen.insert(id.as_str(), row) {
            report.warnings.push(format!(
                "lead id `{id}` appears on rows {} and {}: events for it go to the first",
                file_row(lead_rows, first),
                file_row(lead_rows, row)
            ));
        }
    }
    Ok(())
}

/// Fills outcomes and verdicts from their columns, when the file has them.
/// Fills outcomes and verdicts from their columns. A value that is not a stage, a yes/no or a
/// verdict is an error, or with `skip_bad_cells` a warning that leaves that lead's value empty.
fn read_outcomes(
    set: &mut LeadSet,
    file: &str,
    lead_rows: &[usize],
    skip_bad_cells: bool,
    report: &mut LoadReport,
) -> Result<(), LeadsError> {
    let lead_count = set.len();
    // Find the flag columns once, not once per lead.
    let flag_columns: Vec<(&[&str], Option<usize>)> =
        [SQL_COLUMNS, OPPORTUNITY_COLUMNS, WON_COLUMNS]
            .into_iter()
            .map(|names| (names, find_column(set, names)))
            .collect();
    let flag = |set: &LeadSet, names: &[&str], row: usize| -> Result<Option<bool>, RowError> {
        let index = flag_columns
            .iter()
            .find(|(candidates, _)| std::ptr::eq(*candidates, names))
            .and_then(|(_, index)| *index);
        let Some(index) = index else {
            return Ok(None);
        };
        let column = &set.columns[index];
        match column.cell(row) {
            Cell::Missing => Ok(None),
            Cell::Bool(b) => Ok(Some(b)),
            Cell::Number(n) => Ok(Some(n != 0.0)),
            other => parse_bool(&other.display())
                .map(Some)
                .ok_or_else(|| RowError {
                    file: file.to_owned(),
                    row: file_row(lead_rows, row),
                    column: Some(column.name.clone()),
                    message: format!("expected true/false or yes/no, found {:?}", other.display()),
                }),
        }
    };
    let stage_column = find_column(set, STAGE_COLUMNS);
    let verdict_column = find_column(set, VERDICT_COLUMNS);
    for row in 0..lead_count {
        match lead_outcome(
            set,
            row,
            (stage_column, verdict_column),
            &flag,
            file,
            lead_rows,
        ) {
            Ok((outcome, verdict)) => {
                set.outcomes[row] = outcome;
                set.verdicts[row] = verdict;
            }
            Err(problem) if skip_bad_cells => report.warnings.push(format!(
                "{problem}; that lead's outcome and verdict were left empty"
            )),
            Err(problem) => return Err(problem.into()),
        }
    }
    Ok(())
}

type FlagReader<'a> = dyn Fn(&LeadSet, &[&str], usize) -> Result<Option<bool>, RowError> + 'a;

/// One lead's outcome and verdict, from the stage, flag and verdict columns.
fn lead_outcome(
    set: &LeadSet,
    row: usize,
    (stage_column, verdict_column): (Option<usize>, Option<usize>),
    flag: &FlagReader<'_>,
    file: &str,
    lead_rows: &[usize],
) -> Result<(Option<Outcome>, Option<Verdict>), RowError> {
    {
        let mut outcome: Option<Outcome> = None;
        if let Some(index) = stage_column {
            let column = &set.columns[index];
            let cell = column.cell(row);
            if !cell.is_missing() {
                let text = cell.display();
                outcome = Some(parse_stage(&text).ok_or_else(|| RowError {
                    file: file.to_owned(),
                    row: file_row(lead_rows, row),
                    column: Some(column.name.clone()),
                    message: format!(
                        "unknown stage {text:?}: expected lead, mql, sql, opportunity, won or lost"
                    ),
                })?);
            }
        }
        let sql = flag(set, SQL_COLUMNS, row)?;
        let opportunity = flag(set, OPPORTUNITY_COLUMNS, row)?;
        let won = flag(set, WON_COLUMNS, row)?;
        if sql.is_some() || opportunity.is_some() || won.is_some() {
            let base = outcome.unwrap_or_default();
            let won = won.unwrap_or(base.won);
            let opportunity = opportunity.unwrap_or(base.reached_opportunity) || won;
            outcome = Some(Outcome {
                reached_sql: sql.unwrap_or(base.reached_sql) || opportunity,
                reached_opportunity: opportunity,
                won,
            });
        }
        let mut verdict = None;
        if let Some(index) = verdict_column {
            let column = &set.columns[index];
            let cell = column.cell(row);
            if !cell.is_missing() {
                let text = cell.display();
                verdict = Some(parse_verdict(&text).ok_or_else(|| RowError {
                    file: file.to_owned(),
                    row: file_row(lead_rows, row),
                    column: Some(column.name.clone()),
                    message: format!("unknown sales verdict {text:?}: expected accept or reject"),
                })?);
            }
        }
        Ok((outcome, verdict))
    }
}

const EVENT_LEAD_COLUMNS: &[&str] = &["leadid", "id", "lead", "recordid", "contactid"];
const EVENT_ACTIVITY_COLUMNS: &[&str] = &["activity", "activitytype", "event", "eventtype", "type"];
const EVENT_TIME_COLUMNS: &[&str] = &[
    "timestamp",
    "time",
    "date",
    "occurredat",
    "datetime",
    "eventtime",
    "eventdate",
];

/// Loads an event log (lead id, activity, timestamp) and attaches it to `leads`.
pub fn load_events_csv(
    path: &Path,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
) -> Result<LoadReport, LeadsError> {
    let bytes = read_file(path)?;
    read_events_csv(&bytes, &path.display().to_string(), leads, skip_bad_rows)
}

/// Reads an event log from CSV bytes and attaches it to `leads`. Events of unknown leads are
/// counted in a warning, not an error: CRM exports often include deleted contacts.
pub fn read_events_csv(
    bytes: &[u8],
    file: &str,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
) -> Result<LoadReport, LeadsError> {
    let bytes = strip_bom(bytes);
    let mut reader = csv_reader(bytes, None);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| LeadsError::File {
            file: file.to_owned(),
            message: format!("cannot read the header row: {e}"),
        })?
        .iter()
        .map(normalize_name)
        .collect();
    let find = |candidates: &[&str], what: &str| {
        candidates
            .iter()
            .find_map(|key| headers.iter().position(|h| h == key))
            .ok_or_else(|| LeadsError::File {
                file: file.to_owned(),
                message: format!(
                    "no {what} column: an event log needs lead id, activity and timestamp columns"
                ),
            })
    };
    let lead_col = find(EVENT_LEAD_COLUMNS, "lead id")?;
    let activity_col = find(EVENT_ACTIVITY_COLUMNS, "activity")?;
    let time_col = find(EVENT_TIME_COLUMNS, "timestamp")?;
    let header_names: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let column_name = |index: usize| header_names.get(index).cloned();

    let rows_of: HashMap<&str, u32> = leads
        .ids
        .iter()
        .enumerate()
        .rev() // the first row wins for a duplicated id
        .map(|(row, id)| (id.as_str(), row as u32))
        .collect();
    let mut activities: Vec<String> = Vec::new();
    let mut activity_codes: HashMap<String, u32> = HashMap::new();
    let mut triples: Vec<(u32, u32, i32)> = Vec::new();
    let mut report = LoadReport::default();
    let mut unknown_leads = 0usize;
    let mut first_unknown: Option<(usize, String)> = None;
    let mut record = csv::StringRecord::new();
    let mut rows = RowCounter::new(&reader.headers().cloned().unwrap_or_default(), bytes);
    loop {
        let row;
        let problem = match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                row = rows.advance(&record);
                let get = |i: usize| record.get(i).map(str::trim).unwrap_or("");
                let (lead, activity, time) = (get(lead_col), get(activity_col), get(time_col));
                if lead.is_empty() && activity.is_empty() && time.is_empty() {
                    continue;
                }
                if activity.is_empty() {
                    Some(RowError {
                        file: file.to_owned(),
                        row,
                        column: column_name(activity_col),
                        message: "the activity is empty".to_owned(),
                    })
                } else {
                    match parse_day(time) {
                        None => Some(RowError {
                            file: file.to_owned(),
                            row,
                            column: column_name(time_col),
                            message: format!(
                                "expected a date or timestamp like 2026-10-03T14:22:00Z, found {time:?}"
                            ),
                        }),
                        Some(day) => {
                            match rows_of.get(lead) {
                                Some(&lead_row) => {
                                    // Activity names match ignoring case (as in
                                    // `EventLog::activity_index`), so `Pricing_Page_View` and
                                    // `pricing_page_view` are one activity, not two.
                                    let key = activity.to_ascii_lowercase();
                                    let code = match activity_codes.get(&key) {
                                        Some(&code) => code,
                                        None => {
                                            let code = activities.len() as u32;
                                            activities.push(activity.to_owned());
                                            activity_codes.insert(key, code);
                                            code
                                        }
                                    };
                                    triples.push((lead_row, code, day));
                                    report.rows_read += 1;
                                }
                                None => {
                                    unknown_leads += 1;
                                    if first_unknown.is_none() {
                                        first_unknown = Some((row, lead.to_owned()));
                                    }
                                }
                            }
                            None
                        }
                    }
                }
            }
            Err(error) => Some(RowError {
                file: file.to_owned(),
                row: rows.advance_unreadable(),
                column: None,
                message: format!("cannot read the row: {error}"),
            }),
        };
        if let Some(problem) = problem {
            if skip_bad_rows {
                report.skipped.push(problem);
            } else {
                return Err(problem.into());
            }
        }
    }
    if let Some((row, id)) = first_unknown {
        report.warnings.push(format!(
            "{unknown_leads} events refer to leads that are not in the leads file (the first: `{id}` on row {row}); they were ignored"
        ));
    }
    leads.events = Some(build_event_log(leads.len(), activities, triples));
    Ok(report)
}

/// Groups events by lead (a counting sort, so the order within a lead is the file order).
pub fn build_event_log(
    lead_count: usize,
    activities: Vec<String>,
    triples: Vec<(u32, u32, i32)>,
) -> EventLog {
    let mut offsets = vec![0u32; lead_count + 1];
    for &(lead, _, _) in &triples {
        if let Some(slot) = offsets.get_mut(lead as usize + 1) {
            *slot += 1;
        }
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut next = offsets.clone();
    let mut activity = vec![0u32; triples.len()];
    let mut day = vec![0i32; triples.len()];
    for (lead, code, when) in triples {
        if let Some(slot) = next.get_mut(lead as usize) {
            let at = *slot as usize;
            if let (Some(a), Some(d)) = (activity.get_mut(at), day.get_mut(at)) {
                *a = code;
                *d = when;
            }
            *slot += 1;
        }
    }
    EventLog {
        activities,
        offsets,
        activity,
        day,
    }
}
