//! Leads: a column store loaded from CRM-style CSV exports, with an optional event log, outcomes
//! and sales verdicts.
//!
//! Columns are typed and dictionary-encoded so that a million leads fit in memory and a condition
//! on a text field is decided once per distinct value, not once per lead.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use rustc_hash::FxHashMap;

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
    if let Some(day) = quick_day(text.as_bytes()) {
        return Some(day);
    }
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

#[inline(always)]
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the arithmetic jiff does), for years
/// 0 to 9999.
#[inline(always)]
fn days_from_civil(year: u32, month: u32, day: u32) -> i32 {
    // Counted from March 400 years earlier, so that every number stays positive.
    let year = year + 400 - u32::from(month <= 2);
    let era = year / 400;
    let year_of_era = year - era * 400;
    let month_from_march = if month >= 3 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era) as i32 - 146_097 - 719_468
}

/// The day of the common forms, without jiff: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (`T` or a
/// space) and `YYYY-MM-DDTHH:MM:SSZ`. `None` for anything else, including invalid dates and
/// times, which jiff then reads (or refuses) as before.
#[inline]
fn quick_day(bytes: &[u8]) -> Option<i32> {
    let eight = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes)
    };
    // `YYYY-MM-`: the dashes made zeros, then eight digits.
    let head = eight(0)?;
    if (head >> 32) & 0xFF != u64::from(b'-') || head >> 56 != u64::from(b'-') {
        return None;
    }
    let [y0, y1, y2, y3, _, m0, m1, _] =
        digits8((head & 0x00FF_FF00_FFFF_FFFF) | 0x3000_0030_0000_0000)?;
    let (d0, d1) = match bytes.get(8..10)? {
        &[d0, d1] => (d0.wrapping_sub(b'0'), d1.wrapping_sub(b'0')),
        _ => return None,
    };
    if d0 > 9 || d1 > 9 {
        return None;
    }
    let year = u32::from(y0) * 1000 + u32::from(y1) * 100 + u32::from(y2) * 10 + u32::from(y3);
    let month = u32::from(m0) * 10 + u32::from(m1);
    let day = u32::from(d0) * 10 + u32::from(d1);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let separator = |at: usize| matches!(bytes.get(at), Some(b'T' | b' '));
    let ok = match bytes.len() {
        10 => true,
        16 => {
            // `THH:MM`
            let time = bytes.get(11..16).unwrap_or_default();
            separator(10)
                && matches!(*time, [h0, h1, b':', i0, i1]
                    if two_digits(h0, h1) <= 23 && two_digits(i0, i1) <= 59)
        }
        19 | 20 => {
            // `THH:MM:SS` and maybe `Z` (an instant in UTC, whose day is the date's; years at
            // the ends of jiff's range are left to jiff).
            let time = eight(11).unwrap_or_default();
            let colons =
                (time >> 16) & 0xFF == u64::from(b':') && (time >> 40) & 0xFF == u64::from(b':');
            separator(10)
                && colons
                && digits8((time & 0xFFFF_00FF_FF00_FFFF) | 0x0000_3000_0030_0000).is_some_and(
                    |[h0, h1, _, i0, i1, _, s0, s1]| {
                        h0 * 10 + h1 <= 23 && i0 * 10 + i1 <= 59 && s0 * 10 + s1 <= 59
                    },
                )
                && (bytes.len() == 19
                    || (bytes.get(19) == Some(&b'Z') && (1..=9998).contains(&year)))
        }
        _ => false,
    };
    ok.then(|| days_from_civil(year, month, day))
}

/// Eight ASCII digits (little-endian in a word) as their values.
#[inline(always)]
fn digits8(word: u64) -> Option<[u8; 8]> {
    let values = word.wrapping_sub(0x3030_3030_3030_3030);
    // A byte of 10 or more gets its high bit, from the addition or already.
    let bad = (values.wrapping_add(0x7676_7676_7676_7676) | values) & 0x8080_8080_8080_8080;
    (bad == 0).then(|| values.to_le_bytes())
}

/// Two ASCII digits as a number; `u32::MAX` when they are not digits.
#[inline(always)]
fn two_digits(tens: u8, ones: u8) -> u32 {
    let (tens, ones) = (tens.wrapping_sub(b'0'), ones.wrapping_sub(b'0'));
    if tens < 10 && ones < 10 {
        u32::from(tens) * 10 + u32::from(ones)
    } else {
        u32::MAX
    }
}

/// Parses a number as CRM exports write it: `1200`, `1200.5`, `-3`, `1e6`.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    quick_number(text.as_bytes()).or_else(|| text.parse::<f64>().ok().filter(|v| v.is_finite()))
}

const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `[+-]digits[.digits]` with at most 15 digits, exactly as `str::parse::<f64>` reads it (both
/// parts are exact doubles, so one division rounds correctly); `None` for any other form.
fn quick_number(bytes: &[u8]) -> Option<f64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut dot = None;
    for (i, &byte) in digits.iter().enumerate() {
        match byte {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(byte - b'0'),
            b'.' if dot.is_none() && i > 0 && i + 1 < digits.len() => dot = Some(i),
            _ => return None,
        }
    }
    let decimals = dot.map_or(0, |dot| digits.len() - dot - 1);
    let count = digits.len() - usize::from(dot.is_some());
    if count > 15 {
        return None;
    }
    let value = mantissa as f64 / POWERS_OF_TEN.get(decimals).copied()?;
    Some(if negative { -value } else { value })
}

/// Parses the usual spellings of yes and no.
pub fn parse_bool(text: &str) -> Option<bool> {
    bool_word(text.trim().as_bytes())
}

/// [`parse_bool`] of a trimmed cell, without allocating.
fn bool_word(word: &[u8]) -> Option<bool> {
    const TRUE: [&[u8]; 5] = [b"true", b"yes", b"y", b"1", b"x"];
    const FALSE: [&[u8]; 4] = [b"false", b"no", b"n", b"0"];
    if word.len() > 5 {
        None
    } else if TRUE.iter().any(|w| w.eq_ignore_ascii_case(word)) {
        Some(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(word)) {
        Some(false)
    } else {
        None
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
    #[error("the import was cancelled")]
    Cancelled,
}

/// How far a load has read, shared with the thread that shows it; and a way to stop it.
#[derive(Debug, Default)]
pub struct Progress {
    bytes_read: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Asks the load to stop; it returns [`LeadsError::Cancelled`] at its next block.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn add(&self, bytes: usize) {
        self.bytes_read.fetch_add(bytes as u64, Ordering::Relaxed);
    }
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
    /// Where to report the bytes read, and to look for a cancellation.
    pub progress: Option<Arc<Progress>>,
}

/// What a load did besides returning leads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    pub rows_read: usize,
    pub skipped: Vec<RowError>,
    pub warnings: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Reading CSV
//
// Files are read in blocks that end at a record boundary, so that memory stays bounded and the
// blocks can be parsed on several threads; the results are merged in file order. The reader
// below reads records exactly as the `csv` crate does with this module's settings (`"` quotes
// with `""` inside, `\r`, `\n` or `\r\n` ending a record, empty lines skipped, a second BOM
// dropped), and numbers them as a spreadsheet shows them: the header is row 1, a record is one
// row even when a quoted cell spans lines, and blank lines are rows too. A row's number is worked
// out from the line its first byte is on (lines end at `\n`) and the newlines inside the cells
// of the records before it, so a block can number its rows relative to its first line.

/// The bytes of a block read from a file (the last record of a block may take it further).
const BLOCK_SIZE: usize = 1 << 20;
/// How many blocks may be read ahead of the one being merged.
const BLOCKS_AHEAD: usize = 8;
/// More threads than this do not pay: merging is sequential.
const MAX_THREADS: usize = 4;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Strips a UTF-8 byte-order mark.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// `;` when the header line has more semicolons than commas (outside quotes), else `,`.
pub fn detect_delimiter(bytes: &[u8]) -> u8 {
    scan_delimiter(bytes).0
}

/// [`detect_delimiter`], and whether the end of the header line was seen (else more bytes could
/// change the answer).
fn scan_delimiter(bytes: &[u8]) -> (u8, bool) {
    let mut in_quotes = false;
    let (mut commas, mut semicolons) = (0usize, 0usize);
    let mut line_end = false;
    for &byte in bytes {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => commas += 1,
            b';' if !in_quotes => semicolons += 1,
            b'\n' if !in_quotes => {
                line_end = true;
                break;
            }
            _ => {}
        }
    }
    (if semicolons > commas { b';' } else { b',' }, line_end)
}

fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes)
}

/// `str::trim` of a cell's bytes (which are UTF-8).
#[inline]
fn trim_cell(cell: &[u8]) -> &[u8] {
    // Usually nothing to trim: the cell starts and ends with visible ASCII.
    let visible = |b: u8| b > b' ' && b < 0x80;
    match (cell.first(), cell.last()) {
        (Some(&first), Some(&last)) if visible(first) && visible(last) => return cell,
        (None, _) => return cell,
        _ => {}
    }
    let space = |b: &u8| matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ');
    let start = cell.iter().position(|b| !space(b)).unwrap_or(cell.len());
    let end = cell
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    let cell = cell.get(start..end).unwrap_or_default();
    match (cell.first(), cell.last()) {
        (Some(&first), Some(&last)) if first >= 0x80 || last >= 0x80 => {
            std::str::from_utf8(cell).map_or(cell, |text| text.trim().as_bytes())
        }
        _ => cell,
    }
}

/// A cell's text for a message (cells are UTF-8 by then).
fn cell_text(cell: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(cell)
}

/// A cell's text as a string.
fn text_of(cell: &[u8]) -> String {
    std::str::from_utf8(cell).map_or_else(|_| cell_text(cell).into_owned(), str::to_owned)
}

#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    /// In [`Record::decoded`] rather than in the block.
    decoded: bool,
}

/// One record of a block.
#[derive(Default)]
struct Record {
    spans: Vec<Span>,
    /// Cells that are not a run of the block's bytes (quotes inside, or text after the closing
    /// quote).
    decoded: Vec<u8>,
    /// Where the reader stood before the record (just after the previous record's terminator):
    /// the offset in the block and the newlines of the block before it.
    start: usize,
    start_newlines: u64,
    /// Newlines of the block before the record's first byte.
    line: u64,
    /// Newlines inside its cells.
    newlines: u64,
    /// Ended by `\r` or `\n` (not by the end of the block).
    terminated: bool,
}

impl Record {
    fn len(&self) -> usize {
        self.spans.len()
    }

    fn cell<'r>(&'r self, block: &'r [u8], index: usize) -> &'r [u8] {
        let Some(span) = self.spans.get(index) else {
            return &[];
        };
        let bytes = if span.decoded { &self.decoded } else { block };
        bytes.get(span.start..span.end).unwrap_or_default()
    }

    fn cells<'r>(&'r self, block: &'r [u8]) -> impl Iterator<Item = &'r [u8]> + 'r {
        (0..self.len()).map(move |i| self.cell(block, i))
    }

    fn is_blank(&self, block: &[u8]) -> bool {
        self.cells(block).all(|cell| trim_cell(cell).is_empty())
    }

    /// The field and offset of invalid UTF-8, as `csv::StringRecord` reports it.
    fn invalid_utf8(&self, block: &[u8]) -> Option<(usize, usize)> {
        self.cells(block).enumerate().find_map(|(i, cell)| {
            std::str::from_utf8(cell)
                .err()
                .map(|e| (i, e.valid_up_to()))
        })
    }
}

/// Reads the records of a block that starts at a record boundary.
struct Tokenizer<'b> {
    block: &'b [u8],
    pos: usize,
    /// Newlines consumed.
    newlines: u64,
    delimiter: u8,
}

impl<'b> Tokenizer<'b> {
    fn new(block: &'b [u8], delimiter: u8) -> Tokenizer<'b> {
        Tokenizer {
            block,
            pos: 0,
            newlines: 0,
            delimiter,
        }
    }

    /// Reads the next record; `false` at the end of the block.
    fn next(&mut self, record: &mut Record) -> bool {
        let block = self.block;
        record.spans.clear();
        record.decoded.clear();
        record.newlines = 0;
        record.terminated = false;
        record.start = self.pos;
        record.start_newlines = self.newlines;
        loop {
            match block.get(self.pos) {
                None => return false,
                Some(b'\n') => {
                    self.newlines += 1;
                    self.pos += 1;
                }
                Some(b'\r') => self.pos += 1,
                Some(_) => break,
            }
        }
        record.line = self.newlines;
        loop {
            let at = self.pos;
            let ended_by = match block.get(at) {
                None => {
                    record.spans.push(Span {
                        start: at,
                        end: at,
                        decoded: false,
                    });
                    None
                }
                Some(b'"') => self.quoted(record),
                Some(_) => {
                    let end = self.unquoted(at);
                    record.spans.push(Span {
                        start: at,
                        end,
                        decoded: false,
                    });
                    self.pos = end;
                    block.get(end).copied()
                }
            };
            match ended_by {
                None => return true,
                Some(byte) => {
                    self.pos += 1;
                    if byte == b'\n' {
                        self.newlines += 1;
                    }
                    if byte != self.delimiter {
                        record.terminated = true;
                        return true;
                    }
                }
            }
        }
    }

    /// The end of an unquoted cell starting at `from`: the next delimiter or line end.
    #[inline]
    fn unquoted(&self, from: usize) -> usize {
        const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
        const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
        let delimiter = self.delimiter;
        let (delimiters, returns, newlines) = (
            u64::from_ne_bytes([delimiter; 8]),
            u64::from_ne_bytes([b'\r'; 8]),
            u64::from_ne_bytes([b'\n'; 8]),
        );
        // The high bit of each byte that is zero (exact up to the first one, which is all
        // that is used).
        let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
        let mut at = from;
        // Eight bytes at a time.
        while let Some(word) = self
            .block
            .get(at..at + 8)
            .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        {
            let word = u64::from_le_bytes(word);
            let found = zero_bytes(word ^ delimiters)
                | zero_bytes(word ^ returns)
                | zero_bytes(word ^ newlines);
            if found != 0 {
                return at + (found.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        self.block
            .get(at..)
            .and_then(|rest| {
                rest.iter()
                    .position(|&b| b == delimiter || b == b'\r' || b == b'\n')
            })
            .map_or(self.block.len(), |i| at + i)
    }

    /// Reads a cell that starts with a quote; leaves `pos` on the byte that ends it and returns
    /// that byte (`None` at the end of the block).
    fn quoted(&mut self, record: &mut Record) -> Option<u8> {
        let block = self.block;
        self.pos += 1;
        let mut from = self.pos;
        let mut decoded_start: Option<usize> = None;
        loop {
            let mut close = None;
            let rest = block.get(self.pos..).unwrap_or_default();
            for (i, &byte) in rest.iter().enumerate() {
                if byte == b'"' {
                    close = Some(self.pos + i);
                    break;
                }
                if byte == b'\n' {
                    self.newlines += 1;
                    record.newlines += 1;
                }
            }
            let Some(close) = close else {
                // The block ends inside the quotes.
                self.pos = block.len();
                Self::push_cell(record, block, from, block.len(), decoded_start, &[]);
                return None;
            };
            self.pos = close + 1;
            match block.get(self.pos) {
                Some(b'"') => {
                    // `""` is one quote.
                    decoded_start.get_or_insert(record.decoded.len());
                    record
                        .decoded
                        .extend_from_slice(block.get(from..=close).unwrap_or_default());
                    self.pos += 1;
                    from = self.pos;
                }
                Some(&byte) if byte != self.delimiter && byte != b'\r' && byte != b'\n' => {
                    // Text after the closing quote is kept as it is, up to the end of the cell.
                    let end = self.unquoted(self.pos);
                    let tail = block.get(self.pos..end).unwrap_or_default();
                    let start = *decoded_start.get_or_insert(record.decoded.len());
                    record
                        .decoded
                        .extend_from_slice(block.get(from..close).unwrap_or_default());
                    Self::push_cell(record, block, end, end, Some(start), tail);
                    self.pos = end;
                    return block.get(end).copied();
                }
                after => {
                    Self::push_cell(record, block, from, close, decoded_start, &[]);
                    return after.copied();
                }
            }
        }
    }

    /// Ends a cell: `block[from..to]` then `tail`, after what `decoded` already holds from
    /// `decoded_start` (if anything).
    fn push_cell(
        record: &mut Record,
        block: &[u8],
        from: usize,
        to: usize,
        decoded_start: Option<usize>,
        tail: &[u8],
    ) {
        let span = match decoded_start {
            None => Span {
                start: from,
                end: to,
                decoded: false,
            },
            Some(start) => {
                record
                    .decoded
                    .extend_from_slice(block.get(from..to).unwrap_or_default());
                record.decoded.extend_from_slice(tail);
                Span {
                    start,
                    end: record.decoded.len(),
                    decoded: true,
                }
            }
        };
        record.spans.push(span);
    }
}

/// Just after the last `\n` of `window` that ends a line outside quotes, reading from the start
/// of a record. Only for the usual delimiters (not a quote or a line end).
fn last_line_end(window: &[u8], delimiter: u8) -> Option<usize> {
    if !window.contains(&b'"') {
        return window.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        /// At the start of a record or of a cell.
        Start,
        Unquoted,
        Quoted,
        /// Just after a quote inside quotes.
        QuoteInQuotes,
    }
    let mut state = State::Start;
    let mut cut = None;
    for (i, &byte) in window.iter().enumerate() {
        state = match state {
            State::Quoted if byte == b'"' => State::QuoteInQuotes,
            State::Quoted => State::Quoted,
            State::Start | State::QuoteInQuotes if byte == b'"' => State::Quoted,
            _ if byte == delimiter || byte == b'\r' => State::Start,
            _ if byte == b'\n' => {
                cut = Some(i + 1);
                State::Start
            }
            _ => State::Unquoted,
        };
    }
    cut
}

/// Where the header record ends (just after its terminator) in `bytes`, the file after its
/// byte-order mark; `None` when more bytes are needed to know. The reader drops a second mark.
fn header_end(bytes: &[u8], delimiter: u8, complete: bool) -> Option<usize> {
    if !complete && bytes.len() < BOM.len() {
        return None;
    }
    let skip = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let mut tokenizer = Tokenizer::new(bytes.get(skip..).unwrap_or_default(), delimiter);
    let mut record = Record::default();
    let found = tokenizer.next(&mut record);
    (complete || (found && record.terminated)).then_some(skip + tokenizer.pos)
}

/// Reads until `buffer` has grown by `want` bytes or the file ends; `true` at the end.
fn fill(file: &mut std::fs::File, buffer: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let read = file.take(want as u64).read_to_end(buffer)?;
    Ok(read < want)
}

/// Where the bytes come from.
enum Source<'a> {
    Bytes {
        bytes: &'a [u8],
        pos: usize,
    },
    File {
        file: std::fs::File,
        path: &'a Path,
        /// Read but not yet handed out.
        carry: Vec<u8>,
        eof: bool,
    },
}

/// A block of whole records.
struct Block<'a> {
    data: BlockData<'a>,
}

enum BlockData<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Block<'_> {
    fn bytes(&self) -> &[u8] {
        match &self.data {
            BlockData::Borrowed(bytes) => bytes,
            BlockData::Owned(bytes) => bytes,
        }
    }
}

/// Cuts the input into blocks.
struct Producer<'a> {
    source: Source<'a>,
    seq: usize,
    delimiter: u8,
    /// Whether blocks may end at any line end outside quotes: not with a delimiter that is a
    /// quote or a line end, whose file is read as one block.
    split: bool,
    block_size: usize,
    /// Spare buffers.
    pool: Vec<Vec<u8>>,
    progress: Option<&'a Progress>,
}

impl<'a> Producer<'a> {
    fn next(&mut self) -> Result<Option<Block<'a>>, LeadsError> {
        if self.progress.is_some_and(Progress::is_cancelled) {
            return Err(LeadsError::Cancelled);
        }
        let (split, delimiter, block_size) = (self.split, self.delimiter, self.block_size);
        let data = match &mut self.source {
            Source::Bytes { bytes, pos } => {
                let rest = bytes.get(*pos..).unwrap_or_default();
                if rest.is_empty() {
                    return Ok(None);
                }
                let mut size = block_size;
                let end = loop {
                    if !split || rest.len() <= size {
                        break rest.len();
                    }
                    if let Some(cut) = rest.get(..size).and_then(|w| last_line_end(w, delimiter)) {
                        break cut;
                    }
                    size = size.saturating_mul(2);
                };
                *pos += end;
                if let Some(progress) = self.progress {
                    progress.add(end);
                }
                BlockData::Borrowed(rest.get(..end).unwrap_or_default())
            }
            Source::File {
                file,
                path,
                carry,
                eof,
            } => {
                let mut buffer = self.pool.pop().unwrap_or_default();
                buffer.clear();
                buffer.extend_from_slice(carry);
                let carried_in = carry.len();
                carry.clear();
                let mut want = block_size;
                loop {
                    if !*eof && buffer.len() < want {
                        let missing = want - buffer.len();
                        *eof =
                            fill(file, &mut buffer, missing).map_err(|source| LeadsError::Io {
                                path: path.to_path_buf(),
                                source,
                            })?;
                    }
                    if *eof {
                        break;
                    }
                    if split && let Some(cut) = last_line_end(&buffer, delimiter) {
                        carry.extend_from_slice(buffer.get(cut..).unwrap_or_default());
                        buffer.truncate(cut);
                        break;
                    }
                    want = buffer.len().saturating_mul(2);
                }
                if let Some(progress) = self.progress {
                    progress.add((buffer.len() + carry.len()).saturating_sub(carried_in));
                }
                if buffer.is_empty() {
                    return Ok(None);
                }
                BlockData::Owned(buffer)
            }
        };
        self.seq += 1;
        Ok(Some(Block { data }))
    }

    fn recycle(&mut self, block: Block<'_>) {
        if let BlockData::Owned(buffer) = block.data
            && self.pool.len() < BLOCKS_AHEAD + MAX_THREADS
        {
            self.pool.push(buffer);
        }
    }
}

/// An input opened past its header.
struct Opened<'a> {
    /// The header record, or why it cannot be read.
    header: Result<csv::StringRecord, csv::Error>,
    delimiter: u8,
    /// Where the data starts: its offset in the file (after the BOM) and `1 +` the newlines
    /// before it.
    byte: u64,
    line: u64,
    producer: Producer<'a>,
    /// The size of the file, when known.
    size: u64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What to read: bytes in memory or a file.
enum Input<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

fn open<'a>(
    input: Input<'a>,
    delimiter: Option<u8>,
    block_size: usize,
    progress: Option<&'a Progress>,
) -> Result<Opened<'a>, LeadsError> {
    let header_of = |body: &[u8], delimiter: u8, end: usize| {
        let header = csv_reader(body.get(..end).unwrap_or_default(), delimiter)
            .headers()
            .cloned();
        let line = 1 + body
            .get(..end)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        (header, line)
    };
    let split_for = |delimiter: u8| !matches!(delimiter, b'"' | b'\r' | b'\n');
    match input {
        Input::Bytes(bytes) => {
            let body = strip_bom(bytes);
            let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(body));
            let end = header_end(body, delimiter, true).unwrap_or(body.len());
            let (header, line) = header_of(body, delimiter, end);
            if let Some(progress) = progress {
                progress.add(bytes.len() - body.len() + end);
            }
            Ok(Opened {
                header,
                delimiter,
                byte: end as u64,
                line,
                producer: Producer {
                    source: Source::Bytes {
                        bytes: body,
                        pos: end,
                    },
                    seq: 0,
                    delimiter,
                    split: split_for(delimiter),
                    block_size,
                    pool: Vec::new(),
                    progress,
                },
                size: body.len() as u64,
            })
        }
        Input::File(path) => {
            let io = |source| LeadsError::Io {
                path: path.to_path_buf(),
                source,
            };
            let mut file = std::fs::File::open(path).map_err(io)?;
            let size = file.metadata().map_or(0, |m| m.len());
            let mut head = Vec::with_capacity(block_size);
            let mut eof = fill(&mut file, &mut head, block_size.max(BOM.len())).map_err(io)?;
            loop {
                let body = strip_bom(&head);
                let found = match delimiter {
                    Some(delimiter) => Some(delimiter),
                    None => match scan_delimiter(body) {
                        (delimiter, true) => Some(delimiter),
                        (delimiter, false) => eof.then_some(delimiter),
                    },
                };
                if let Some(delimiter) = found
                    && let Some(end) = header_end(body, delimiter, eof)
                {
                    let (header, line) = header_of(body, delimiter, end);
                    let skip = head.len() - body.len() + end;
                    let carry = head.split_off(skip.min(head.len()));
                    if let Some(progress) = progress {
                        progress.add(head.len() + carry.len());
                    }
                    return Ok(Opened {
                        header,
                        delimiter,
                        byte: end as u64,
                        line,
                        producer: Producer {
                            source: Source::File {
                                file,
                                path,
                                carry,
                                eof,
                            },
                            seq: 0,
                            delimiter,
                            split: split_for(delimiter),
                            block_size,
                            pool: vec![head],
                            progress,
                        },
                        size,
                    });
                }
                let more = head.len().max(block_size);
                eof = fill(&mut file, &mut head, more).map_err(io)?;
            }
        }
    }
}

/// How many threads to parse `size` bytes with.
fn thread_count(size: u64, block_size: usize) -> usize {
    if size <= 2 * block_size as u64 {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, MAX_THREADS)
}

/// Blocks parsed, waiting for their turn to be merged.
struct Queue<'a, R, M> {
    next: usize,
    pending: BTreeMap<usize, Result<(Block<'a>, R), LeadsError>>,
    merge: M,
    error: Option<LeadsError>,
}

struct Pipeline<'a, R, M> {
    producer: Mutex<Producer<'a>>,
    queue: Mutex<Queue<'a, R, M>>,
    /// Signalled when a block has been merged (or the work stops).
    merged: Condvar,
    /// Blocks handed out.
    issued: AtomicUsize,
    stop: AtomicBool,
}

/// Parses the blocks of `producer` with `parse` on up to `threads` threads and hands the results
/// to `merge` in file order. Stops at the first error (from reading or from `merge`).
fn run_blocks<'a, R, M>(
    producer: Producer<'a>,
    threads: usize,
    parse: &(dyn Fn(&[u8]) -> R + Sync),
    merge: M,
) -> Result<(), LeadsError>
where
    R: Send,
    M: FnMut(&[u8], R) -> Result<(), LeadsError> + Send,
{
    let pipeline = Pipeline {
        producer: Mutex::new(producer),
        queue: Mutex::new(Queue {
            next: 0,
            pending: BTreeMap::new(),
            merge,
            error: None,
        }),
        merged: Condvar::new(),
        issued: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
    };
    if threads > 1 {
        std::thread::scope(|scope| {
            for _ in 1..threads {
                scope.spawn(|| work(&pipeline, parse));
            }
            work(&pipeline, parse);
        });
    } else {
        work(&pipeline, parse);
    }
    let queue = pipeline
        .queue
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    match queue.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Stops the other threads when this one panics, rather than have them wait for a block that
/// will never be merged.
struct StopOnPanic<'p, 'a, R, M>(&'p Pipeline<'a, R, M>);

impl<R, M> Drop for StopOnPanic<'_, '_, R, M> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Under the lock, so that no thread is between testing `stop` and waiting.
            let queue = lock(&self.0.queue);
            self.0.stop.store(true, Ordering::Release);
            drop(queue);
            self.0.merged.notify_all();
        }
    }
}

fn work<R, M>(pipeline: &Pipeline<'_, R, M>, parse: &(dyn Fn(&[u8]) -> R + Sync))
where
    R: Send,
    M: FnMut(&[u8], R) -> Result<(), LeadsError> + Send,
{
    let _guard = StopOnPanic(pipeline);
    loop {
        {
            let mut queue = lock(&pipeline.queue);
            while !pipeline.stop.load(Ordering::Acquire)
                && pipeline.issued.load(Ordering::Acquire) >= queue.next + BLOCKS_AHEAD
            {
                queue = pipeline
                    .merged
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
        if pipeline.stop.load(Ordering::Acquire) {
            return;
        }
        let (seq, taken) = {
            let mut producer = lock(&pipeline.producer);
            let seq = producer.seq;
            match producer.next() {
                Ok(None) => return,
                Ok(Some(block)) => (seq, Ok(block)),
                Err(error) => {
                    // Nothing more is read after an error.
                    producer.source = Source::Bytes { bytes: &[], pos: 0 };
                    producer.seq += 1;
                    (seq, Err(error))
                }
            }
        };
        pipeline.issued.fetch_add(1, Ordering::AcqRel);
        let entry = taken.map(|block| {
            let result = parse(block.bytes());
            (block, result)
        });
        let mut done = Vec::new();
        {
            let mut queue = lock(&pipeline.queue);
            if queue.error.is_none() {
                queue.pending.insert(seq, entry);
            }
            while queue.error.is_none() {
                let next = queue.next;
                let Some(entry) = queue.pending.remove(&next) else {
                    break;
                };
                queue.next += 1;
                let outcome = match entry {
                    Ok((block, result)) => {
                        let outcome = (queue.merge)(block.bytes(), result);
                        done.push(block);
                        outcome
                    }
                    Err(error) => Err(error),
                };
                if let Err(error) = outcome {
                    queue.error = Some(error);
                    queue.pending.clear();
                    pipeline.stop.store(true, Ordering::Release);
                    break;
                }
            }
        }
        pipeline.merged.notify_all();
        if !done.is_empty() {
            let mut producer = lock(&pipeline.producer);
            for block in done {
                producer.recycle(block);
            }
        }
    }
}

/// An open-addressing index from keys (kept by its owner) to their codes, numbered in order of
/// insertion.
struct Interner {
    /// `code + 1` in the low half (0 for an empty slot), the hash's high half above.
    slots: Vec<u64>,
    /// Per code.
    hashes: Vec<u64>,
}

impl Interner {
    fn new() -> Interner {
        Interner::with_capacity(0)
    }

    /// Room for `keys` keys without growing.
    fn with_capacity(keys: usize) -> Interner {
        Interner {
            slots: vec![0; Self::size_for(keys)],
            hashes: Vec::with_capacity(keys),
        }
    }

    fn size_for(keys: usize) -> usize {
        (keys / 7 * 10 + 16).next_power_of_two()
    }

    /// Makes room for `keys` keys in all.
    fn reserve(&mut self, keys: usize) {
        if Self::size_for(keys) > self.slots.len() {
            self.hashes.reserve(keys.saturating_sub(self.hashes.len()));
            self.rehash(Self::size_for(keys));
        }
    }

    fn rehash(&mut self, size: usize) {
        let mask = size - 1;
        let mut slots = vec![0u64; size];
        for (code, &hash) in self.hashes.iter().enumerate() {
            let mut i = Self::home(hash, mask);
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = Self::pack(hash, code as u32);
        }
        self.slots = slots;
    }

    fn home(hash: u64, mask: usize) -> usize {
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
    }

    fn pack(hash: u64, code: u32) -> u64 {
        (hash & 0xFFFF_FFFF_0000_0000) | (u64::from(code) + 1)
    }

    /// The code of the key with `hash` for which `same` holds, or the slot to insert it at.
    fn find(&self, hash: u64, mut same: impl FnMut(u32) -> bool) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = Self::home(hash, mask);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return Err(i);
            }
            let code = (slot & 0xFFFF_FFFF) as u32 - 1;
            if (slot ^ hash) >> 32 == 0 && same(code) {
                return Ok(code);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key at the slot `find` gave; returns its code.
    fn insert(&mut self, slot: usize, hash: u64) -> u32 {
        let code = self.hashes.len() as u32;
        self.hashes.push(hash);
        self.slots[slot] = Self::pack(hash, code);
        if self.hashes.len() * 10 > self.slots.len() * 7 {
            self.rehash(self.slots.len() * 2);
        }
        code
    }

    /// Reads the home slots of `hashes`, so that looking them up next finds them in cache.
    fn touch(&self, hashes: &[u64]) {
        if self.slots.len() >= 1 << 16 {
            let mask = self.slots.len() - 1;
            let sum = hashes
                .iter()
                .fold(0u64, |sum, &hash| sum ^ self.slots[Self::home(hash, mask)]);
            std::hint::black_box(sum);
        }
    }
}

/// Up to 8 bytes as a number (little-endian, the rest zero).
#[inline]
fn padded_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let four = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
    };
    let byte = |at: usize| bytes.get(at).copied().map_or(0, u64::from);
    match n {
        0 => 0,
        1..=3 => byte(0) | byte(1) << 8 | byte(2) << 16,
        // Two overlapping reads; the overlap agrees.
        4..=8 => four(0) | four(n - 4) << ((n - 4) * 8),
        _ => 0,
    }
}

/// A text of 1 to 7 bytes as one number (its bytes, and its length in the top byte); never 0.
#[inline]
fn short_key(bytes: &[u8]) -> Option<u64> {
    matches!(bytes.len(), 1..=7).then(|| padded_word(bytes) | (bytes.len() as u64) << 56)
}

/// Up to 24 bytes as numbers, exactly.
#[inline]
fn raw_key(bytes: &[u8]) -> Option<[u64; 4]> {
    let n = bytes.len();
    let eight = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_le_bytes)
    };
    match n {
        0..=8 => Some([padded_word(bytes), 0, 0, n as u64]),
        9..=16 => Some([eight(0), eight(n - 8), 0, n as u64]),
        17..=24 => Some([eight(0), eight(8), eight(n - 8), n as u64]),
        _ => None,
    }
}

#[inline]
fn mix(word: u64) -> u64 {
    let mut h = word.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ h >> 32
}

/// A hash of a text: for up to 8 bytes a quick mix of them ([`short_key`] for up to 7),
/// else FxHash.
#[inline]
fn hash_bytes(bytes: &[u8]) -> u64 {
    if let Some(key) = short_key(bytes) {
        return mix(key);
    }
    match bytes.len() {
        0 => mix(0),
        8 => mix(padded_word(bytes) ^ 0x5555_5555_5555_5555),
        _ => {
            use std::hash::Hasher;
            let mut hasher = rustc_hash::FxHasher::default();
            hasher.write(bytes);
            hasher.finish()
        }
    }
}

/// `a == b`, inline for short texts.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let eight = |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
    match n {
        0..=7 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=16 => eight(a, 0) == eight(b, 0) && eight(a, n - 8) == eight(b, n - 8),
        _ => a == b,
    }
}

/// Distinct texts of a block, in order of first appearance; with `fold`, texts that differ
/// only in ASCII case are one (under their first spelling).
struct BlockDict {
    bytes: Vec<u8>,
    /// Where each text ends in `bytes` (it starts where the one before ends).
    ends: Vec<usize>,
    index: Interner,
    fold: bool,
    folded: Vec<u8>,
    /// Per text, its [`short_key`] (0 for a longer text).
    shorts: Vec<u64>,
    /// With `fold`: recent spellings (of up to 24 bytes, exactly) and their codes, so that
    /// most texts are not folded.
    recent: Vec<([u64; 4], u32)>,
    /// The texts as strings, when made ahead (for columns of mostly distinct values, whose
    /// texts are mostly new to the merge).
    strings: Vec<String>,
}

impl BlockDict {
    fn new(fold: bool) -> BlockDict {
        BlockDict::with_capacity(fold, 0, 0)
    }

    fn with_capacity(fold: bool, texts: usize, bytes: usize) -> BlockDict {
        BlockDict {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(texts),
            index: Interner::with_capacity(texts),
            fold,
            folded: Vec::new(),
            shorts: Vec::with_capacity(texts),
            strings: Vec::new(),
            recent: if fold {
                vec![([0; 4], u32::MAX); 16]
            } else {
                Vec::new()
            },
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, code: usize) -> &[u8] {
        let start = match code.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or_default(),
            None => 0,
        };
        let end = self.ends.get(code).copied().unwrap_or_default();
        self.bytes.get(start..end).unwrap_or_default()
    }

    fn intern(&mut self, key: &[u8]) -> u32 {
        if !self.fold {
            if let Some(short) = short_key(key) {
                let shorts = &self.shorts;
                let hash = mix(short);
                let found = self
                    .index
                    .find(hash, |code| shorts.get(code as usize) == Some(&short));
                return match found {
                    Ok(code) => code,
                    Err(slot) => self.insert(key, slot, hash, short),
                };
            }
            let hash = hash_bytes(key);
            return self.intern_hashed(key, hash);
        }
        let raw = raw_key(key);
        let recent = raw.map(|[a, b, c, n]| {
            (mix(a ^ b.rotate_left(21) ^ c.rotate_left(42) ^ n) >> 60) as usize
        });
        if let (Some(raw), Some(recent)) = (raw, recent)
            && let Some(&(known, code)) = self.recent.get(recent)
            && known == raw
        {
            return code;
        }
        self.folded.clear();
        self.folded.extend_from_slice(key);
        self.folded.make_ascii_lowercase();
        let hash = hash_bytes(&self.folded);
        let code = self.intern_hashed(key, hash);
        if let (Some(raw), Some(recent)) = (raw, recent)
            && let Some(slot) = self.recent.get_mut(recent)
        {
            *slot = (raw, code);
        }
        code
    }

    /// Makes the texts' strings now (on a parsing thread) rather than in the merge.
    fn make_strings(&mut self) {
        self.strings = (0..self.len())
            .map(|code| text_of(self.get(code)))
            .collect();
    }

    fn insert(&mut self, key: &[u8], slot: usize, hash: u64, short: u64) -> u32 {
        self.bytes.extend_from_slice(key);
        self.ends.push(self.bytes.len());
        self.shorts.push(short);
        self.index.insert(slot, hash)
    }

    fn intern_hashed(&mut self, key: &[u8], hash: u64) -> u32 {
        let (bytes, ends, fold) = (&self.bytes, &self.ends, self.fold);
        let found = self.index.find(hash, |code| {
            let start = match (code as usize).checked_sub(1) {
                Some(before) => ends.get(before).copied().unwrap_or_default(),
                None => 0,
            };
            let end = ends.get(code as usize).copied().unwrap_or_default();
            let known = bytes.get(start..end).unwrap_or_default();
            if fold {
                known.eq_ignore_ascii_case(key)
            } else {
                same_bytes(known, key)
            }
        });
        match found {
            Ok(code) => code,
            Err(slot) => self.insert(key, slot, hash, 0),
        }
    }

    /// The codes of this block's texts in `dict` (adding the new ones), whose index is `index`.
    fn merge_into(&mut self, dict: &mut Vec<String>, index: &mut Interner) -> Vec<u32> {
        const BATCH: usize = 16;
        let mut codes = Vec::with_capacity(self.len());
        let mut strings = std::mem::take(&mut self.strings).into_iter();
        let hashes = self.index.hashes.as_slice();
        for (batch, batch_hashes) in hashes.chunks(BATCH).enumerate() {
            // A big index is mostly out of cache: fetch the batch's slots together first.
            index.touch(batch_hashes);
            for (i, &hash) in batch_hashes.iter().enumerate() {
                let key = self.get(batch * BATCH + i);
                let found = index.find(hash, |known| {
                    let known = dict.get(known as usize).map_or(&[][..], |s| s.as_bytes());
                    if self.fold {
                        known.eq_ignore_ascii_case(key)
                    } else {
                        same_bytes(known, key)
                    }
                });
                let made = strings.next();
                codes.push(match found {
                    Ok(code) => code,
                    Err(slot) => {
                        dict.push(made.unwrap_or_else(|| text_of(key)));
                        index.insert(slot, hash)
                    }
                });
            }
        }
        codes
    }
}

/// Row numbers within a block, relative to its first line: `row` and `next_line` (the line the
/// next record starts on when no blank line comes first) as the spreadsheet numbering goes.
#[derive(Clone, Copy)]
struct Rows {
    row: i64,
    next_line: i64,
}

impl Rows {
    fn advance(&mut self, record: &Record) -> i64 {
        let line = record.line as i64;
        self.row += 1 + (line - self.next_line).max(0);
        self.next_line = line + 1 + record.newlines as i64;
        self.row
    }

    /// A record that could not be read.
    fn advance_unreadable(&mut self) -> i64 {
        self.row += 1;
        self.next_line += 1;
        self.row
    }
}

/// Where a block read in order starts, to read it exactly: its offset and line (`1 +` the
/// newlines before it), the index of its first record (the header is record 0) and the row
/// numbering (relative to its line).
#[derive(Clone, Copy)]
struct Start {
    byte: u64,
    line: u64,
    record: u64,
    rows: Rows,
    /// Where the reader stood before the block's first record: just after the terminator of
    /// the record before it, which may be in an earlier block (offset and line).
    first: (u64, u64),
}

/// What every parsed block tells the merge besides its data.
#[derive(Default)]
struct BlockInfo {
    /// Not read: the block must be read again in order ([`Start`]).
    again: bool,
    records: u64,
    newlines: u64,
    /// The line of the first record, relative to the block.
    first_line: Option<u64>,
    /// The numbering after the last record (relative to the block).
    rows: Option<Rows>,
    /// Just after the last record: its offset in the block and the newlines before.
    end: Option<(usize, u64)>,
    errors: Vec<BlockError>,
}

/// A row error, its row relative to the block.
struct BlockError {
    row: i64,
    column: Option<usize>,
    message: String,
}

/// Reads the records of a block, calling `row` with each readable record and its (relative)
/// row number. A block read ahead (`start` is `None`) is given up when it is not valid UTF-8
/// (or the delimiter is odd), to be read again in order: then a record's position is known for
/// the message about it.
fn read_block(
    block: &[u8],
    delimiter: u8,
    split: bool,
    start: Option<Start>,
    skip_bad_rows: bool,
    mut row: impl FnMut(&Record, i64) -> Result<(), BlockError>,
) -> BlockInfo {
    let mut info = BlockInfo::default();
    // Cells cut from valid UTF-8 at ASCII delimiters are valid UTF-8: then no record needs
    // checking.
    let valid = delimiter.is_ascii() && std::str::from_utf8(block).is_ok();
    if start.is_none() && (!valid || !split) {
        info.again = true;
        return info;
    }
    // Read ahead, the numbering starts as if the first record were expected on the block's
    // first line, right after the row before; `Position::needs_again` checks that it was not
    // expected later, and `Position::offset` adds the rows before.
    let mut rows = start.map_or(
        Rows {
            row: 0,
            next_line: 0,
        },
        |s| s.rows,
    );
    let mut tokenizer = Tokenizer::new(block, delimiter);
    let mut record = Record::default();
    while tokenizer.next(&mut record) {
        let index = info.records;
        info.records += 1;
        info.first_line.get_or_insert(record.line);
        let problem = match (valid, start) {
            (false, Some(start)) => record.invalid_utf8(block).map(|(field, valid_up_to)| {
                BlockError {
                    row: rows.advance_unreadable(),
                    column: None,
                    message: format!(
                        "cannot read the row: CSV parse error: record {} (line {}, field: {field}, byte: {}): invalid utf-8: invalid UTF-8 in field {field} near byte index {valid_up_to}",
                        start.record + index,
                        if index == 0 { start.first.1 } else { start.line + record.start_newlines },
                        if index == 0 { start.first.0 } else { start.byte + record.start as u64 },
                    ),
                }
            }),
            _ => None,
        };
        let problem = match problem {
            Some(problem) => Some(problem),
            None => {
                let number = rows.advance(&record);
                row(&record, number).err()
            }
        };
        info.end = Some((tokenizer.pos, tokenizer.newlines));
        if let Some(problem) = problem {
            info.errors.push(problem);
            if !skip_bad_rows {
                // The load stops at this row.
                break;
            }
        }
    }
    info.newlines = tokenizer.newlines;
    if info.records > 0 {
        info.rows = Some(rows);
    }
    info
}

/// Follows the blocks in file order: where the next one starts and how rows are numbered.
struct Position {
    byte: u64,
    /// `1 +` the newlines before the next block.
    line: u64,
    record: u64,
    /// The row of the last record, and the line the next starts on when no blank line comes
    /// first (as absolute numbers).
    row: i64,
    next_line: i64,
    /// Just after the last record (or the header): offset and line.
    end: (u64, u64),
}

impl Position {
    fn new(opened: &Opened<'_>, header: &csv::StringRecord) -> Position {
        let newlines: u64 = header
            .iter()
            .map(|cell| cell.bytes().filter(|&b| b == b'\n').count() as u64)
            .sum();
        Position {
            byte: opened.byte,
            line: opened.line,
            record: 1,
            row: 1,
            next_line: 2 + newlines as i64,
            end: (opened.byte, opened.line),
        }
    }

    /// Whether a block read ahead must be read again in order: when it says so, or when its
    /// first record starts before the line the numbering expects (only with `\r` alone ending
    /// records).
    fn needs_again(&self, info: &BlockInfo) -> bool {
        info.again
            || info
                .first_line
                .is_some_and(|line| ((self.line + line) as i64) < self.next_line)
    }

    fn start(&self) -> Start {
        let relative = self.next_line - self.line as i64;
        Start {
            byte: self.byte,
            line: self.line,
            record: self.record,
            rows: Rows {
                row: relative,
                next_line: relative,
            },
            first: self.end,
        }
    }

    /// Adds to a block's relative row numbers to make them absolute.
    fn offset(&self) -> i64 {
        self.row - self.next_line + self.line as i64
    }

    fn row(&self, relative: i64) -> usize {
        (self.offset() + relative).max(0) as usize
    }

    /// Moves past a merged block.
    fn advance(&mut self, block: &[u8], info: &BlockInfo) {
        if let Some(rows) = info.rows {
            self.row = self.offset() + rows.row;
            self.next_line = self.line as i64 + rows.next_line;
        }
        if let Some((byte, newlines)) = info.end {
            self.end = (self.byte + byte as u64, self.line + newlines);
        }
        self.line += info.newlines;
        self.record += info.records;
        self.byte += block.len() as u64;
    }
}

/// How many items `total` bytes hold, judging by `items` in `sample` bytes (a little more, so
/// that vectors reserved with it rarely grow), and at most `total / min_size`: an item takes at
/// least `min_size` bytes.
fn estimate(items: usize, sample: usize, total: u64, min_size: usize) -> usize {
    if sample == 0 {
        return items;
    }
    let estimate = items as f64 * (total as f64 / sample as f64) * 1.02;
    let most = total / min_size.max(1) as u64;
    (estimate as u64)
        .saturating_add(16)
        .min(most)
        .max(items as u64) as usize
}

/// A column's type while reading.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// Undeclared: text, or a number, a boolean or a date when all its values are.
    Guess,
    Number,
    Bool,
    Date,
}

/// A missing cell of [`Builder::Ints`].
const MISSING_INT: u64 = u64::MAX;

/// A column under construction.
enum Builder {
    /// An undeclared column whose values so far are all whole numbers written plainly (`0`,
    /// `42`, not `042` or `+42`), so that their text is the number's: numbers or
    /// [`MISSING_INT`]. It becomes text at the first other value.
    Ints(Vec<u64>),
    Text {
        dict: Vec<String>,
        index: Interner,
        codes: Vec<u32>,
        /// Declared text: never re-typed.
        declared: bool,
    },
    Number(Vec<f64>),
    Bool(Vec<u8>),
    Date(Vec<i32>),
}

/// One block's part of a column.
enum BlockColumn {
    /// See [`Builder::Ints`].
    Ints(Vec<u64>),
    Text {
        dict: BlockDict,
        codes: Vec<u32>,
    },
    Number(Vec<f64>),
    Bool(Vec<u8>),
    Date(Vec<i32>),
}

/// A cell's whole number, when it is written plainly: 1 to 15 digits, no leading zero.
#[inline]
fn plain_int(cell: &[u8]) -> Option<u64> {
    match cell {
        [] | [b'0', _, ..] => None,
        _ if cell.len() > 15 => None,
        _ => cell.iter().try_fold(0u64, |value, &b| {
            b.is_ascii_digit().then(|| value * 10 + u64::from(b - b'0'))
        }),
    }
}

/// Whole numbers (or [`MISSING_INT`]) as texts.
fn ints_to_text(values: &[u64]) -> (BlockDict, Vec<u32>) {
    let mut dict = BlockDict::new(false);
    let mut text = String::new();
    let codes = values
        .iter()
        .map(|&value| {
            if value == MISSING_INT {
                return MISSING_TEXT;
            }
            text.clear();
            // Writing to a `String` cannot fail.
            let _ = std::fmt::Write::write_fmt(&mut text, format_args!("{value}"));
            dict.intern(text.as_bytes())
        })
        .collect();
    (dict, codes)
}

impl BlockColumn {
    /// A column for about `rows` rows, whose text (if any) was about `hint` (texts, bytes) in
    /// the last block.
    fn new(kind: Kind, rows: usize, hint: (usize, usize)) -> BlockColumn {
        match kind {
            Kind::Text => BlockColumn::Text {
                dict: BlockDict::with_capacity(false, hint.0, hint.1),
                codes: Vec::with_capacity(rows),
            },
            Kind::Guess => BlockColumn::Ints(Vec::with_capacity(rows)),
            Kind::Number => BlockColumn::Number(Vec::with_capacity(rows)),
            Kind::Bool => BlockColumn::Bool(Vec::with_capacity(rows)),
            Kind::Date => BlockColumn::Date(Vec::with_capacity(rows)),
        }
    }
}

impl Builder {
    fn new(kind: Option<FieldKind>) -> Builder {
        match kind {
            Some(FieldKind::Number) => Builder::Number(Vec::new()),
            Some(FieldKind::Bool) => Builder::Bool(Vec::new()),
            Some(FieldKind::Date) => Builder::Date(Vec::new()),
            Some(FieldKind::Text) => Builder::Text {
                dict: Vec::new(),
                index: Interner::new(),
                codes: Vec::new(),
                declared: true,
            },
            None => Builder::Ints(Vec::new()),
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Builder::Ints(_) => Kind::Guess,
            Builder::Text { .. } => Kind::Text,
            Builder::Number(_) => Kind::Number,
            Builder::Bool(_) => Kind::Bool,
            Builder::Date(_) => Kind::Date,
        }
    }

    fn reserve(&mut self, additional: usize) {
        match self {
            Builder::Ints(values) => values.reserve(additional),
            Builder::Text { codes, .. } => codes.reserve(additional),
            Builder::Number(values) => values.reserve(additional),
            Builder::Bool(values) => values.reserve(additional),
            Builder::Date(values) => values.reserve(additional),
        }
    }

    fn append(&mut self, part: BlockColumn) {
        // Whole numbers meeting text become text.
        if let (Builder::Ints(values), BlockColumn::Text { .. }) = (&*self, &part) {
            let (dict, codes) = ints_to_text(values);
            let capacity = values.capacity();
            *self = Builder::Text {
                dict: Vec::new(),
                index: Interner::new(),
                codes: Vec::with_capacity(capacity),
                declared: false,
            };
            self.append(BlockColumn::Text { dict, codes });
        }
        let part = match (&*self, part) {
            (Builder::Text { .. }, BlockColumn::Ints(values)) => {
                let (dict, codes) = ints_to_text(&values);
                BlockColumn::Text { dict, codes }
            }
            (_, part) => part,
        };
        match (self, part) {
            (Builder::Ints(values), BlockColumn::Ints(part)) => values.extend_from_slice(&part),
            (
                Builder::Text {
                    dict, index, codes, ..
                },
                BlockColumn::Text {
                    dict: mut block_dict,
                    codes: block_codes,
                },
            ) => {
                let global = block_dict.merge_into(dict, index);
                codes.extend(
                    block_codes
                        .iter()
                        .map(|&code| global.get(code as usize).copied().unwrap_or(MISSING_TEXT)),
                );
            }
            (Builder::Number(values), BlockColumn::Number(part)) => values.extend_from_slice(&part),
            (Builder::Bool(values), BlockColumn::Bool(part)) => values.extend_from_slice(&part),
            (Builder::Date(values), BlockColumn::Date(part)) => values.extend_from_slice(&part),
            // Blocks are read with the builders' kinds, so the kinds always agree.
            _ => {}
        }
    }

    /// Finishes the column; an undeclared text column whose values are all numbers, all
    /// booleans or all dates becomes that type.
    fn finish(self) -> ColumnData {
        match self {
            // As `retype` would find: numbers, unless every cell is missing.
            Builder::Ints(values) if values.iter().all(|&v| v == MISSING_INT) => ColumnData::Text {
                dict: Vec::new(),
                codes: vec![MISSING_TEXT; values.len()],
            },
            Builder::Ints(values) => ColumnData::Number(
                values
                    .into_iter()
                    .map(|v| if v == MISSING_INT { f64::NAN } else { v as f64 })
                    .collect(),
            ),
            Builder::Text {
                dict,
                mut codes,
                declared,
                ..
            } => {
                if !declared
                    && !dict.is_empty()
                    && let Some(data) = retype(&dict, &codes)
                {
                    return data;
                }
                codes.shrink_to_fit();
                ColumnData::Text { dict, codes }
            }
            Builder::Number(mut values) => {
                values.shrink_to_fit();
                ColumnData::Number(values)
            }
            Builder::Bool(mut values) => {
                values.shrink_to_fit();
                ColumnData::Bool(values)
            }
            Builder::Date(mut values) => {
                values.shrink_to_fit();
                ColumnData::Date(values)
            }
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
        let word = v.trim().as_bytes();
        [&b"true"[..], b"false", b"yes", b"no"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
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

/// Loads leads from a CSV file.
pub fn load_leads_csv(
    path: &Path,
    options: &LoadOptions,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    read_leads(
        Input::File(path),
        &path.display().to_string(),
        options,
        BLOCK_SIZE,
    )
}

/// Reads leads from CSV bytes. `file` names the source in error messages.
pub fn read_leads_csv(
    bytes: &[u8],
    file: &str,
    options: &LoadOptions,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    read_leads(Input::Bytes(bytes), file, options, BLOCK_SIZE)
}

/// What the leads reader needs to read a block.
struct LeadsFormat<'h> {
    kinds: Vec<Kind>,
    /// The columns that are not text, parsed before anything of a row is kept.
    typed: Vec<usize>,
    headers: &'h [String],
    delimiter: u8,
    split: bool,
    skip_bad_rows: bool,
    /// The size of the last block read: its rows, and per column its distinct texts and their
    /// bytes (to size the next block's vectors).
    hints: (AtomicUsize, Vec<(AtomicUsize, AtomicUsize)>),
}

/// The leads of one block.
struct LeadsBlock {
    info: BlockInfo,
    columns: Vec<BlockColumn>,
    /// Per lead: its row, relative to the block.
    rows: Vec<i64>,
}

/// A parsed cell of a typed column.
#[derive(Clone, Copy)]
enum Value {
    Number(f64),
    Bool(u8),
    Date(i32),
}

fn parse_cell(kind: Kind, cell: &[u8]) -> Result<Option<Value>, &'static str> {
    Ok(Some(match kind {
        Kind::Text | Kind::Guess => return Ok(None),
        Kind::Number if cell.is_empty() => Value::Number(f64::NAN),
        Kind::Number => Value::Number(
            quick_number(cell)
                .or_else(|| std::str::from_utf8(cell).ok().and_then(parse_number))
                .ok_or("expected a number")?,
        ),
        Kind::Bool if cell.is_empty() => Value::Bool(MISSING_BOOL),
        Kind::Bool => Value::Bool(u8::from(
            bool_word(cell).ok_or("expected true/false or yes/no")?,
        )),
        Kind::Date if cell.is_empty() => Value::Date(MISSING_DATE),
        Kind::Date => Value::Date(
            quick_day(cell)
                .or_else(|| std::str::from_utf8(cell).ok().and_then(parse_day))
                .ok_or("expected a date like 2026-10-03")?,
        ),
    }))
}

fn read_leads_block(format: &LeadsFormat<'_>, block: &[u8], start: Option<Start>) -> LeadsBlock {
    let rows_hint = format.hints.0.load(Ordering::Relaxed);
    let mut columns: Vec<BlockColumn> = format
        .kinds
        .iter()
        .zip(&format.hints.1)
        .map(|(&kind, (texts, bytes))| {
            let hint = (texts.load(Ordering::Relaxed), bytes.load(Ordering::Relaxed));
            BlockColumn::new(kind, rows_hint, hint)
        })
        .collect();
    let mut rows = Vec::new();
    let mut values: Vec<Value> = Vec::with_capacity(format.typed.len());
    let width = format.kinds.len();
    let info = read_block(
        block,
        format.delimiter,
        format.split,
        start,
        format.skip_bad_rows,
        |record, row| {
            if record.is_blank(block) {
                return Ok(());
            }
            if record.len() != width {
                return Err(BlockError {
                    row,
                    column: None,
                    message: format!(
                        "has {} cells, but the header has {width} columns",
                        record.len()
                    ),
                });
            }
            // Nothing of a bad row is kept: the typed cells are parsed first.
            values.clear();
            for &column in &format.typed {
                let cell = trim_cell(record.cell(block, column));
                let kind = format.kinds.get(column).copied().unwrap_or(Kind::Text);
                match parse_cell(kind, cell) {
                    Ok(Some(value)) => values.push(value),
                    Ok(None) => {}
                    Err(expected) => {
                        return Err(BlockError {
                            row,
                            column: Some(column),
                            message: format!("{expected}, found {:?}", cell_text(cell)),
                        });
                    }
                }
            }
            let mut typed = values.iter();
            for (index, column) in columns.iter_mut().enumerate() {
                if let BlockColumn::Ints(values) = column {
                    let cell = trim_cell(record.cell(block, index));
                    if cell.is_empty() {
                        values.push(MISSING_INT);
                        continue;
                    }
                    if let Some(value) = plain_int(cell) {
                        values.push(value);
                        continue;
                    }
                    let (dict, codes) = ints_to_text(values);
                    *column = BlockColumn::Text { dict, codes };
                }
                match column {
                    BlockColumn::Ints(_) => {}
                    BlockColumn::Text { dict, codes } => {
                        let cell = trim_cell(record.cell(block, index));
                        codes.push(if cell.is_empty() {
                            MISSING_TEXT
                        } else {
                            dict.intern(cell)
                        });
                    }
                    BlockColumn::Number(values) => {
                        if let Some(Value::Number(v)) = typed.next() {
                            values.push(*v);
                        }
                    }
                    BlockColumn::Bool(values) => {
                        if let Some(Value::Bool(v)) = typed.next() {
                            values.push(*v);
                        }
                    }
                    BlockColumn::Date(values) => {
                        if let Some(Value::Date(v)) = typed.next() {
                            values.push(*v);
                        }
                    }
                }
            }
            rows.push(row);
            Ok(())
        },
    );
    format.hints.0.store(rows.len(), Ordering::Relaxed);
    for (column, (texts, bytes)) in columns.iter_mut().zip(&format.hints.1) {
        if let BlockColumn::Text { dict, .. } = column {
            texts.store(dict.len(), Ordering::Relaxed);
            bytes.store(dict.bytes.len(), Ordering::Relaxed);
            if dict.len() * 10 >= rows.len() * 9 {
                dict.make_strings();
            }
        }
    }
    LeadsBlock {
        info,
        columns,
        rows,
    }
}

/// The leads read so far, in file order.
struct LeadsMerge<'f> {
    format: &'f LeadsFormat<'f>,
    file: &'f str,
    builders: Vec<Builder>,
    /// The file row (spreadsheet numbering) of every lead read, for messages and row-number ids.
    lead_rows: Vec<usize>,
    report: LoadReport,
    position: Position,
    size: u64,
}

impl LeadsMerge<'_> {
    fn merge(&mut self, bytes: &[u8], block: LeadsBlock) -> Result<(), LeadsError> {
        let block = if self.position.needs_again(&block.info) {
            read_leads_block(self.format, bytes, Some(self.position.start()))
        } else {
            block
        };
        for error in block.info.errors.iter() {
            let problem = RowError {
                file: self.file.to_owned(),
                row: self.position.row(error.row),
                column: error
                    .column
                    .and_then(|i| self.format.headers.get(i).cloned()),
                message: error.message.clone(),
            };
            if self.format.skip_bad_rows {
                self.report.skipped.push(problem);
            } else {
                return Err(problem.into());
            }
        }
        if self.lead_rows.is_empty() && !block.rows.is_empty() {
            let rows = block.rows.len();
            // A row has a delimiter per cell but the last, and a line end.
            let width = self.builders.len();
            let expected = estimate(rows, bytes.len(), self.size, width);
            self.lead_rows.reserve(expected);
            for (builder, column) in self.builders.iter_mut().zip(&block.columns) {
                builder.reserve(expected);
                // A column of distinct values (ids, emails) will have about as many as rows.
                if let (Builder::Text { dict, index, .. }, BlockColumn::Text { dict: texts, .. }) =
                    (builder, column)
                    && texts.len() * 10 >= rows * 9
                {
                    let texts = estimate(texts.len(), bytes.len(), self.size, width);
                    dict.reserve(texts);
                    index.reserve(texts);
                }
            }
        }
        for (builder, column) in self.builders.iter_mut().zip(block.columns) {
            builder.append(column);
        }
        self.report.rows_read += block.rows.len();
        let position = &self.position;
        self.lead_rows
            .extend(block.rows.iter().map(|&row| position.row(row)));
        self.position.advance(bytes, &block.info);
        Ok(())
    }
}

fn read_leads(
    input: Input<'_>,
    file: &str,
    options: &LoadOptions,
    block_size: usize,
) -> Result<(LeadSet, LoadReport), LeadsError> {
    let opened = open(
        input,
        options.delimiter,
        block_size,
        options.progress.as_deref(),
    )?;
    let header_record = opened.header.as_ref().map_err(|e| LeadsError::File {
        file: file.to_owned(),
        message: format!("cannot read the header row: {e}"),
    })?;
    let headers: Vec<String> = header_record
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
    // The id column is kept as written: an undeclared `007` or `12345678901234567890` must not
    // become a number, or the ids would no longer match the event log.
    let id_header = id_header_index(&headers, options);
    let builders: Vec<Builder> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| match declared_kind(h, &options.fields) {
            None if Some(i) == id_header => Builder::new(Some(FieldKind::Text)),
            kind => Builder::new(kind),
        })
        .collect();
    let kinds: Vec<Kind> = builders.iter().map(Builder::kind).collect();
    let format = LeadsFormat {
        typed: (0..kinds.len())
            .filter(|&i| !matches!(kinds.get(i), Some(Kind::Text | Kind::Guess)))
            .collect(),
        hints: (
            AtomicUsize::new(0),
            kinds.iter().map(|_| Default::default()).collect(),
        ),
        kinds,
        headers: &headers,
        delimiter: opened.delimiter,
        split: opened.producer.split,
        skip_bad_rows: options.skip_bad_rows,
    };
    let mut merge = LeadsMerge {
        format: &format,
        file,
        builders,
        lead_rows: Vec::new(),
        report: LoadReport::default(),
        position: Position::new(&opened, header_record),
        size: opened.size,
    };
    let threads = thread_count(opened.size, block_size);
    run_blocks(
        opened.producer,
        threads,
        &|bytes| read_leads_block(&format, bytes, None),
        |bytes, block| merge.merge(bytes, block),
    )?;
    let LeadsMerge {
        builders,
        mut lead_rows,
        mut report,
        ..
    } = merge;
    lead_rows.shrink_to_fit();
    let data = in_parallel(builders, threads, Builder::finish);
    let columns: Vec<Column> = headers
        .into_iter()
        .zip(data)
        .map(|(name, data)| Column { name, data })
        .collect();
    let lead_count = report.rows_read;
    let mut set = LeadSet {
        columns,
        ids: Vec::new(),
        id_column: None,
        events: None,
        outcomes: Vec::new(),
        verdicts: Vec::new(),
    };
    let skip = options.skip_bad_rows;
    let (ids, outcomes) = if threads > 1 {
        std::thread::scope(|scope| {
            let outcomes = scope.spawn(|| read_outcomes(&set, file, &lead_rows, skip, lead_count));
            let ids = lead_ids(&set, options, file, &lead_rows, lead_count);
            let outcomes = outcomes
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (ids, outcomes)
        })
    } else {
        let ids = lead_ids(&set, options, file, &lead_rows, lead_count);
        (ids, read_outcomes(&set, file, &lead_rows, skip, lead_count))
    };
    let (id_column, ids, id_warnings) = ids?;
    let (outcomes, verdicts, outcome_warnings) = outcomes?;
    set.id_column = id_column;
    set.ids = ids;
    set.outcomes = outcomes;
    set.verdicts = verdicts;
    report.warnings.extend(id_warnings);
    report.warnings.extend(outcome_warnings);
    Ok((set, report))
}

/// `f` of every item, on up to `threads` threads.
fn in_parallel<T: Send, U: Send>(items: Vec<T>, threads: usize, f: fn(T) -> U) -> Vec<U> {
    if threads <= 1 || items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    let mut groups: Vec<Vec<(usize, T)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        if let Some(group) = groups.get_mut(i % threads) {
            group.push((i, item));
        }
    }
    let mut done: Vec<(usize, U)> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .into_iter()
            .map(|group| {
                scope.spawn(move || {
                    group
                        .into_iter()
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, value)| value).collect()
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

/// The id column, the ids and the warnings about them.
type Ids = (Option<usize>, Vec<String>, Vec<String>);

fn lead_ids(
    set: &LeadSet,
    options: &LoadOptions,
    file: &str,
    lead_rows: &[usize],
    lead_count: usize,
) -> Result<Ids, LeadsError> {
    let mut warnings = Vec::new();
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
    let column = id_column.and_then(|i| set.columns.get(i));
    let ids: Vec<String> = match column {
        Some(column) => (0..lead_count)
            .map(|row| {
                let id = match &column.data {
                    ColumnData::Text { dict, codes } => codes
                        .get(row)
                        .and_then(|&code| dict.get(code as usize))
                        .cloned()
                        .unwrap_or_default(),
                    _ => column.cell(row).display(),
                };
                if id.is_empty() {
                    format!("row-{}", file_row(lead_rows, row))
                } else {
                    id
                }
            })
            .collect(),
        None => {
            warnings.push("no lead id column found: leads are numbered by row".to_owned());
            (0..lead_count)
                .map(|row| file_row(lead_rows, row).to_string())
                .collect()
        }
    };
    let duplicate = |id: &str, first: usize, row: usize| {
        format!(
            "lead id `{id}` appears on rows {} and {}: events for it go to the first",
            file_row(lead_rows, first),
            file_row(lead_rows, row)
        )
    };
    match column.map(|c| &c.data) {
        // Equal ids have equal codes, except that a missing id's `row-N` may equal a value.
        Some(ColumnData::Text { dict, codes }) => {
            let row_named: FxHashMap<&str, u32> = dict
                .iter()
                .enumerate()
                .filter(|(_, value)| value.starts_with("row-"))
                .map(|(code, value)| (value.as_str(), code as u32))
                .collect();
            let mut last = vec![usize::MAX; dict.len()];
            for (row, id) in ids.iter().enumerate() {
                let code = match codes.get(row) {
                    Some(&code) if code != MISSING_TEXT => Some(code),
                    _ => row_named.get(id.as_str()).copied(),
                };
                if let Some(seen) = code.and_then(|code| last.get_mut(code as usize)) {
                    if *seen != usize::MAX {
                        warnings.push(duplicate(id, *seen, row));
                    }
                    *seen = row;
                }
            }
        }
        _ => {
            let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
            seen.reserve(lead_count);
            for (row, id) in ids.iter().enumerate() {
                if let Some(first) = seen.insert(id.as_str(), row) {
                    warnings.push(duplicate(id, first, row));
                }
            }
        }
    }
    Ok((id_column, ids, warnings))
}

/// Reads a column's cells with `parse` of their displayed text, once per distinct text.
struct CellReader<'a, T> {
    column: &'a Column,
    parse: fn(&str) -> Option<T>,
    /// Per dictionary entry of a text column.
    memo: Vec<Option<T>>,
}

impl<'a, T: Copy> CellReader<'a, T> {
    fn new(column: &'a Column, parse: fn(&str) -> Option<T>) -> CellReader<'a, T> {
        let memo = match &column.data {
            ColumnData::Text { dict, .. } => dict.iter().map(|v| parse(v)).collect(),
            _ => Vec::new(),
        };
        CellReader {
            column,
            parse,
            memo,
        }
    }

    /// `Ok(None)` for a missing cell, `Err` with the text when `parse` refuses it.
    fn read(&self, row: usize) -> Result<Option<T>, String> {
        match (&self.column.data, self.column.cell(row)) {
            (_, Cell::Missing) => Ok(None),
            (ColumnData::Text { codes, .. }, Cell::Text(text)) => codes
                .get(row)
                .and_then(|&code| self.memo.get(code as usize).copied().flatten())
                .map(Some)
                .ok_or_else(|| text.to_owned()),
            (_, cell) => {
                let text = cell.display();
                (self.parse)(&text).map(Some).ok_or(text)
            }
        }
    }
}

/// Outcomes and verdicts per lead, and the warnings about them.
type Outcomes = (Vec<Option<Outcome>>, Vec<Option<Verdict>>, Vec<String>);

/// Reads outcomes and verdicts from their columns. A value that is not a stage, a yes/no or a
/// verdict is an error, or with `skip_bad_cells` a warning that leaves that lead's value empty.
fn read_outcomes(
    set: &LeadSet,
    file: &str,
    lead_rows: &[usize],
    skip_bad_cells: bool,
    lead_count: usize,
) -> Result<Outcomes, LeadsError> {
    let mut warnings = Vec::new();
    fn reader<'a, T: Copy>(
        set: &'a LeadSet,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<CellReader<'a, T>> {
        find_column(set, names)
            .and_then(|i| set.columns.get(i))
            .map(|column| CellReader::new(column, parse))
    }
    let stage = reader(set, STAGE_COLUMNS, parse_stage);
    let flags = [SQL_COLUMNS, OPPORTUNITY_COLUMNS, WON_COLUMNS]
        .map(|names| reader(set, names, parse_bool as fn(&str) -> Option<bool>));
    let verdict = reader(set, VERDICT_COLUMNS, parse_verdict);
    let columns = OutcomeColumns {
        stage,
        flags,
        verdict,
        file,
        lead_rows,
    };
    let mut outcomes = vec![None; lead_count];
    let mut verdicts = vec![None; lead_count];
    for row in 0..lead_count {
        match columns.lead_outcome(row) {
            Ok((outcome, verdict)) => {
                outcomes[row] = outcome;
                verdicts[row] = verdict;
            }
            Err(problem) if skip_bad_cells => warnings.push(format!(
                "{problem}; that lead's outcome and verdict were left empty"
            )),
            Err(problem) => return Err(problem.into()),
        }
    }
    Ok((outcomes, verdicts, warnings))
}

/// The stage, flag and verdict columns of a lead set.
struct OutcomeColumns<'a> {
    stage: Option<CellReader<'a, Outcome>>,
    /// Reached SQL, reached opportunity, won.
    flags: [Option<CellReader<'a, bool>>; 3],
    verdict: Option<CellReader<'a, Verdict>>,
    file: &'a str,
    lead_rows: &'a [usize],
}

impl OutcomeColumns<'_> {
    fn error(&self, row: usize, column: &Column, message: String) -> RowError {
        RowError {
            file: self.file.to_owned(),
            row: file_row(self.lead_rows, row),
            column: Some(column.name.clone()),
            message,
        }
    }

    fn flag(&self, which: usize, row: usize) -> Result<Option<bool>, RowError> {
        let Some(reader) = self.flags.get(which).and_then(Option::as_ref) else {
            return Ok(None);
        };
        match reader.column.cell(row) {
            Cell::Missing => Ok(None),
            Cell::Bool(b) => Ok(Some(b)),
            Cell::Number(n) => Ok(Some(n != 0.0)),
            _ => reader.read(row).map_err(|text| {
                self.error(
                    row,
                    reader.column,
                    format!("expected true/false or yes/no, found {text:?}"),
                )
            }),
        }
    }

    /// One lead's outcome and verdict, from the stage, flag and verdict columns.
    fn lead_outcome(&self, row: usize) -> Result<(Option<Outcome>, Option<Verdict>), RowError> {
        let mut outcome: Option<Outcome> = None;
        if let Some(reader) = &self.stage {
            outcome = reader.read(row).map_err(|text| {
                self.error(
                    row,
                    reader.column,
                    format!(
                        "unknown stage {text:?}: expected lead, mql, sql, opportunity, won or lost"
                    ),
                )
            })?;
        }
        let sql = self.flag(0, row)?;
        let opportunity = self.flag(1, row)?;
        let won = self.flag(2, row)?;
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
        if let Some(reader) = &self.verdict {
            verdict = reader.read(row).map_err(|text| {
                self.error(
                    row,
                    reader.column,
                    format!("unknown sales verdict {text:?}: expected accept or reject"),
                )
            })?;
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
    read_events(
        Input::File(path),
        &path.display().to_string(),
        leads,
        skip_bad_rows,
        BLOCK_SIZE,
        None,
    )
}

/// Like [`load_events_csv`], reporting the bytes read to `progress` and stopping with
/// [`LeadsError::Cancelled`] when it is cancelled.
pub fn load_events_csv_with_progress(
    path: &Path,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
    progress: &Progress,
) -> Result<LoadReport, LeadsError> {
    read_events(
        Input::File(path),
        &path.display().to_string(),
        leads,
        skip_bad_rows,
        BLOCK_SIZE,
        Some(progress),
    )
}

/// Reads an event log from CSV bytes and attaches it to `leads`. Events of unknown leads are
/// counted in a warning, not an error: CRM exports often include deleted contacts.
pub fn read_events_csv(
    bytes: &[u8],
    file: &str,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
) -> Result<LoadReport, LeadsError> {
    read_events(
        Input::Bytes(bytes),
        file,
        leads,
        skip_bad_rows,
        BLOCK_SIZE,
        None,
    )
}

/// What the event reader needs to read a block.
struct EventsFormat<'a> {
    lead: usize,
    activity: usize,
    time: usize,
    /// Lead id → row (the first row for a duplicated id).
    rows_of: IdIndex<'a>,
    delimiter: u8,
    split: bool,
    skip_bad_rows: bool,
    /// The events of the last block read (to size the next block's vectors).
    events_hint: AtomicUsize,
}

/// Lead id → row, the first row for a duplicated id.
struct IdIndex<'a> {
    ids: &'a [String],
    /// The row + 1 in the low half (0 for an empty slot), the hash's high half above.
    slots: Vec<u64>,
    /// No id appears twice.
    unique: bool,
}

impl<'a> IdIndex<'a> {
    fn new(ids: &'a [String]) -> IdIndex<'a> {
        let size = (ids.len() / 7 * 10 + 16).next_power_of_two();
        let mask = size - 1;
        let mut slots = vec![0u64; size];
        let mut unique = true;
        'ids: for (row, id) in ids.iter().enumerate() {
            let hash = hash_bytes(id.as_bytes());
            let mut i = Interner::home(hash, mask);
            loop {
                let slot = slots[i];
                if slot == 0 {
                    slots[i] = Interner::pack(hash, row as u32);
                    break;
                }
                if (slot ^ hash) >> 32 == 0
                    && ids.get((slot & 0xFFFF_FFFF) as usize - 1) == Some(id)
                {
                    unique = false;
                    continue 'ids;
                }
                i = (i + 1) & mask;
            }
        }
        IdIndex { ids, slots, unique }
    }

    /// The row of `id`. Events usually come in the leads' order, so the row after `previous`
    /// is tried first (when no id appears twice, it is then the only row with that id).
    fn get(&self, id: &[u8], previous: Option<u32>) -> Option<u32> {
        if self.unique
            && let Some(next) = previous.map(|row| row as usize + 1)
            && self
                .ids
                .get(next)
                .is_some_and(|candidate| candidate.as_bytes() == id)
        {
            return Some(next as u32);
        }
        let hash = hash_bytes(id);
        let mask = self.slots.len() - 1;
        let mut i = Interner::home(hash, mask);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            let row = (slot & 0xFFFF_FFFF) as u32 - 1;
            if (slot ^ hash) >> 32 == 0
                && self
                    .ids
                    .get(row as usize)
                    .is_some_and(|candidate| candidate.as_bytes() == id)
            {
                return Some(row);
            }
            i = (i + 1) & mask;
        }
    }
}

/// The events of one block.
struct EventsBlock {
    info: BlockInfo,
    leads: Vec<u32>,
    /// Codes in `activities`.
    codes: Vec<u32>,
    days: Vec<i32>,
    activities: BlockDict,
    unknown: usize,
    /// The first event of an unknown lead: its row (relative to the block) and lead id.
    first_unknown: Option<(i64, String)>,
}

fn read_events_block(format: &EventsFormat<'_>, block: &[u8], start: Option<Start>) -> EventsBlock {
    // About as many as the last block had.
    let expected = format.events_hint.load(Ordering::Relaxed);
    let mut leads = Vec::with_capacity(expected);
    let mut codes = Vec::with_capacity(expected);
    let mut days = Vec::with_capacity(expected);
    let mut activities = BlockDict::new(true);
    let mut unknown = 0;
    let mut first_unknown = None;
    // Events of a lead usually come together: remember the last lead looked up.
    let mut last_lead: Vec<u8> = Vec::new();
    let mut last_row: Option<u32> = None;
    let mut last_found: Option<u32> = None;
    let info = read_block(
        block,
        format.delimiter,
        format.split,
        start,
        format.skip_bad_rows,
        |record, row| {
            let get = |i: usize| trim_cell(record.cell(block, i));
            let (lead, activity, time) = (get(format.lead), get(format.activity), get(format.time));
            if lead.is_empty() && activity.is_empty() && time.is_empty() {
                return Ok(());
            }
            if activity.is_empty() {
                return Err(BlockError {
                    row,
                    column: Some(format.activity),
                    message: "the activity is empty".to_owned(),
                });
            }
            let day = quick_day(time)
                .or_else(|| std::str::from_utf8(time).ok().and_then(parse_day))
                .ok_or_else(|| BlockError {
                    row,
                    column: Some(format.time),
                    message: format!(
                        "expected a date or timestamp like 2026-10-03T14:22:00Z, found {:?}",
                        cell_text(time)
                    ),
                })?;
            if last_lead != lead || last_lead.is_empty() {
                last_lead.clear();
                last_lead.extend_from_slice(lead);
                last_row = format.rows_of.get(lead, last_found);
                last_found = last_row.or(last_found);
            }
            match last_row {
                Some(lead_row) => {
                    // Activity names match ignoring case (as in `EventLog::activity_index`),
                    // so `Pricing_Page_View` and `pricing_page_view` are one activity, not two.
                    codes.push(activities.intern(activity));
                    leads.push(lead_row);
                    days.push(day);
                }
                None => {
                    unknown += 1;
                    if first_unknown.is_none() {
                        first_unknown = Some((row, cell_text(lead).into_owned()));
                    }
                }
            }
            Ok(())
        },
    );
    format.events_hint.store(leads.len(), Ordering::Relaxed);
    EventsBlock {
        info,
        leads,
        codes,
        days,
        activities,
        unknown,
        first_unknown,
    }
}

/// The events read so far, in file order.
struct EventsMerge<'f> {
    format: &'f EventsFormat<'f>,
    file: &'f str,
    header_names: &'f [String],
    activities: Vec<String>,
    index: Interner,
    activity: Vec<u32>,
    day: Vec<i32>,
    /// Events per lead.
    counts: Vec<u32>,
    /// Per event, its lead, once the events are not in lead order (until then the counts say
    /// it).
    leads: Option<Vec<u32>>,
    last_lead: u32,
    report: LoadReport,
    unknown: usize,
    first_unknown: Option<(usize, String)>,
    position: Position,
    size: u64,
}

impl EventsMerge<'_> {
    fn merge(&mut self, bytes: &[u8], block: EventsBlock) -> Result<(), LeadsError> {
        let mut block = if self.position.needs_again(&block.info) {
            read_events_block(self.format, bytes, Some(self.position.start()))
        } else {
            block
        };
        for error in block.info.errors.iter() {
            let problem = RowError {
                file: self.file.to_owned(),
                row: self.position.row(error.row),
                column: error.column.and_then(|i| self.header_names.get(i).cloned()),
                message: error.message.clone(),
            };
            if self.format.skip_bad_rows {
                self.report.skipped.push(problem);
            } else {
                return Err(problem.into());
            }
        }
        self.unknown += block.unknown;
        if self.first_unknown.is_none()
            && let Some((row, id)) = block.first_unknown
        {
            self.first_unknown = Some((self.position.row(row), id));
        }
        if self.activity.is_empty() && !block.codes.is_empty() {
            // An event has at least an id, an activity and a date of 8 bytes or more.
            let expected = estimate(block.codes.len(), bytes.len(), self.size, 12);
            self.activity.reserve(expected);
            self.day.reserve(expected);
        }
        let global = block
            .activities
            .merge_into(&mut self.activities, &mut self.index);
        self.activity.extend(
            block
                .codes
                .iter()
                .map(|&code| global.get(code as usize).copied().unwrap_or_default()),
        );
        self.day.extend_from_slice(&block.days);
        for &lead in &block.leads {
            match &mut self.leads {
                Some(leads) => leads.push(lead),
                None if lead >= self.last_lead => self.last_lead = lead,
                None => {
                    // The first event out of lead order: spell out the leads so far.
                    let mut leads = Vec::with_capacity(self.activity.capacity());
                    for (row, &count) in self.counts.iter().enumerate() {
                        leads.extend(std::iter::repeat_n(row as u32, count as usize));
                    }
                    leads.push(lead);
                    self.leads = Some(leads);
                }
            }
            if let Some(count) = self.counts.get_mut(lead as usize) {
                *count += 1;
            }
        }
        self.report.rows_read += block.leads.len();
        self.position.advance(bytes, &block.info);
        Ok(())
    }

    /// Groups the events by lead (a stable counting sort, so the order within a lead is the
    /// file order).
    fn finish(self) -> EventLog {
        let EventsMerge {
            activities,
            mut activity,
            mut day,
            counts,
            leads,
            ..
        } = self;
        let mut offsets = Vec::with_capacity(counts.len() + 1);
        let mut total = 0u32;
        offsets.push(0);
        for &count in &counts {
            total += count;
            offsets.push(total);
        }
        drop(counts);
        if let Some(mut leads) = leads {
            // Each event's place, then the arrays one at a time.
            let mut next = offsets.clone();
            for lead in &mut leads {
                if let Some(slot) = next.get_mut(*lead as usize) {
                    *lead = *slot;
                    *slot += 1;
                }
            }
            drop(next);
            activity = place(&leads, &activity);
            day = place(&leads, &day);
        }
        activity.shrink_to_fit();
        day.shrink_to_fit();
        EventLog {
            activities,
            offsets,
            activity,
            day,
        }
    }
}

/// `values` moved to `places`.
fn place<T: Copy + Default>(places: &[u32], values: &[T]) -> Vec<T> {
    let mut placed = vec![T::default(); values.len()];
    for (&at, &value) in places.iter().zip(values) {
        if let Some(slot) = placed.get_mut(at as usize) {
            *slot = value;
        }
    }
    placed
}

fn read_events(
    input: Input<'_>,
    file: &str,
    leads: &mut LeadSet,
    skip_bad_rows: bool,
    block_size: usize,
    progress: Option<&Progress>,
) -> Result<LoadReport, LeadsError> {
    let opened = open(input, None, block_size, progress)?;
    let header_record = opened.header.as_ref().map_err(|e| LeadsError::File {
        file: file.to_owned(),
        message: format!("cannot read the header row: {e}"),
    })?;
    let headers: Vec<String> = header_record.iter().map(normalize_name).collect();
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
    let header_names: Vec<String> = header_record.iter().map(str::to_owned).collect();

    let lead_count = leads.len();
    let rows_of = IdIndex::new(&leads.ids);
    let format = EventsFormat {
        lead: lead_col,
        activity: activity_col,
        time: time_col,
        rows_of,
        delimiter: opened.delimiter,
        split: opened.producer.split,
        skip_bad_rows,
        events_hint: AtomicUsize::new(0),
    };
    let mut merge = EventsMerge {
        format: &format,
        file,
        header_names: &header_names,
        activities: Vec::new(),
        index: Interner::new(),
        activity: Vec::new(),
        day: Vec::new(),
        counts: vec![0; lead_count],
        leads: None,
        last_lead: 0,
        report: LoadReport::default(),
        unknown: 0,
        first_unknown: None,
        position: Position::new(&opened, header_record),
        size: opened.size,
    };
    let threads = thread_count(opened.size, block_size);
    run_blocks(
        opened.producer,
        threads,
        &|bytes| read_events_block(&format, bytes, None),
        |bytes, block| merge.merge(bytes, block),
    )?;
    let mut report = std::mem::take(&mut merge.report);
    if let Some((row, id)) = merge.first_unknown.take() {
        report.warnings.push(format!(
            "{} events refer to leads that are not in the leads file (the first: `{id}` on row {row}); they were ignored",
            merge.unknown
        ));
    }
    let log = merge.finish();
    drop(format);
    leads.events = Some(log);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse_day` as it was before the quick path: jiff for every form.
    fn jiff_day(text: &str) -> Option<i32> {
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

    #[test]
    fn quick_days_are_jiffs_days() {
        let years = [
            0, 1, 4, 99, 100, 400, 1582, 1600, 1700, 1800, 1899, 1900, 1904, 1969, 1970, 1971,
            1999, 2000, 2001, 2023, 2024, 2025, 2026, 2100, 2400, 9998, 9999,
        ];
        let times = [
            "",
            "T00:00:00",
            "T23:59:59",
            "T12:34:56Z",
            "T00:00:00Z",
            "T23:59:59Z",
            " 14:22",
            "T14:22",
            " 23:59:59",
            " 10:00:00Z",
            "T24:00:00",
            "T12:60:00",
            "T12:00:60",
            "T12:00:60Z",
            "t10:00:00z",
            "T10:00:00+02:00",
            "T23:30:00-02:00",
            "T01:00:00+14:00",
            "T10:00:00.5Z",
            "T1:00:00Z",
            "T10:00Z",
            "Z",
        ];
        let mut quick = 0;
        for year in years {
            for month in 0..=13 {
                for day in 0..=32 {
                    for time in times {
                        let text = format!("{year:04}-{month:02}-{day:02}{time}");
                        assert_eq!(parse_day(&text), jiff_day(&text), "{text}");
                        quick += usize::from(quick_day(text.as_bytes()).is_some());
                    }
                }
            }
        }
        assert!(
            quick > 30_000,
            "the usual forms take the quick path ({quick})"
        );
        for text in [
            "2026-1-03",
            "2026-10-3",
            "26-10-03",
            "2026/10/03",
            "+2026-10-03",
            "-0001-10-03",
            "2026-10-03T",
            " 2026-10-03 ",
            "2026-10-03 14:22:00 ",
            "20261003",
            "2026-W40-5",
            "２０２６-10-03",
            "",
        ] {
            assert_eq!(parse_day(text), jiff_day(text), "{text}");
        }
    }

    #[test]
    fn quick_numbers_are_std_numbers() {
        let reference = |t: &str| t.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "+0",
            "007",
            "-0.0",
            "0.1",
            "1.5",
            "123456789012345",
            "1234567890123456",
            "999999999999999",
            "0.000000000000001",
            "12345678.9012345",
            "-12.50",
            "1.",
            ".5",
            "-.5",
            "+",
            "-",
            "",
            "1e3",
            "1E-3",
            "inf",
            "-inf",
            "NaN",
            "1,5",
            "1_000",
            " 12 ",
            "0x10",
            "1.2.3",
            "--1",
            "+-1",
            "١٢",
        ]
        .map(String::from)
        .to_vec();
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let digits = rng.usize(1..=17);
            let mut text: String = (0..digits)
                .map(|_| char::from(b'0' + rng.u8(0..10)))
                .collect();
            if rng.bool() {
                let at = rng.usize(0..=text.len());
                text.insert(at, '.');
            }
            if rng.bool() {
                text.insert(0, if rng.bool() { '-' } else { '+' });
            }
            texts.push(text);
        }
        for text in &texts {
            assert_eq!(
                parse_number(text).map(f64::to_bits),
                reference(text).map(f64::to_bits),
                "{text}"
            );
        }
    }

    #[test]
    fn bool_words_and_trimming_are_as_before() {
        let reference = |t: &str| match t.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "x" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => None,
        };
        for text in [
            "TRUE", "Yes", "yEs", "x", "X", "2", "", " y ", "ye", "nO", "false ", "é", "yes!",
            "falsey", "\u{a0}no",
        ] {
            assert_eq!(parse_bool(text), reference(text), "{text:?}");
        }
        let pieces = [
            "a", " ", "\t", "\u{b}", "\u{c}", "\r", "\n", "\u{a0}", "\u{2003}", "é", "\u{85}",
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..20_000 {
            let text: String = (0..rng.usize(0..6))
                .map(|_| pieces[rng.usize(0..pieces.len())])
                .collect();
            assert_eq!(
                trim_cell(text.as_bytes()),
                text.trim().as_bytes(),
                "{text:?}"
            );
        }
    }

    /// Random bytes made of the pieces CSV files are made of.
    fn random_csv(rng: &mut fastrand::Rng, pieces: usize) -> Vec<u8> {
        let parts: [&[u8]; 15] = [
            b"a",
            b"bc",
            b",",
            b",",
            b";",
            b"\"",
            b"\"\"",
            b"\r",
            b"\n",
            b"\n",
            b"\r\n",
            b" ",
            "é".as_bytes(),
            b"\xff",
            b"\xEF\xBB\xBF",
        ];
        let mut bytes = Vec::new();
        for _ in 0..pieces {
            bytes.extend_from_slice(parts[rng.usize(0..parts.len())]);
        }
        if bytes.starts_with(BOM) {
            // The reader drops a mark at the very start: that is the header's business.
            bytes.insert(0, b'a');
        }
        bytes
    }

    #[test]
    fn records_are_read_as_the_csv_crate_reads_them() {
        let mut rng = fastrand::Rng::with_seed(1);
        for round in 0..5_000 {
            let pieces = rng.usize(0..40);
            let bytes = random_csv(&mut rng, pieces);
            let delimiter = if round % 3 == 0 { b';' } else { b',' };
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .has_headers(false)
                .from_reader(&bytes[..]);
            let mut expected = Vec::new();
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record).expect("bytes") {
                let position = record.position().expect("a position").clone();
                let blank_lines = bytes[position.byte() as usize..]
                    .iter()
                    .take_while(|b| matches!(b, b'\n' | b'\r'))
                    .filter(|b| **b == b'\n')
                    .count() as u64;
                let cells: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
                let newlines = cells.iter().flatten().filter(|b| **b == b'\n').count() as u64;
                expected.push((
                    cells,
                    position.byte(),
                    position.line(),
                    position.line() + blank_lines,
                    newlines,
                ));
            }
            let mut tokenizer = Tokenizer::new(&bytes, delimiter);
            let mut record = Record::default();
            let mut actual = Vec::new();
            while tokenizer.next(&mut record) {
                actual.push((
                    record.cells(&bytes).map(<[u8]>::to_vec).collect::<Vec<_>>(),
                    record.start as u64,
                    1 + record.start_newlines,
                    1 + record.line,
                    record.newlines,
                ));
            }
            assert_eq!(actual, expected, "{:?}", String::from_utf8_lossy(&bytes));

            // Cut where the reader cuts blocks, the records are the same.
            let mut cells = Vec::new();
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let mut size = rng.usize(1..=12);
                let cut = loop {
                    if rest.len() <= size {
                        break rest.len();
                    }
                    if let Some(cut) = last_line_end(&rest[..size], delimiter) {
                        break cut;
                    }
                    size *= 2;
                };
                let mut tokenizer = Tokenizer::new(&rest[..cut], delimiter);
                while tokenizer.next(&mut record) {
                    cells.push(
                        record
                            .cells(&rest[..cut])
                            .map(<[u8]>::to_vec)
                            .collect::<Vec<_>>(),
                    );
                }
                rest = &rest[cut..];
            }
            let whole: Vec<Vec<Vec<u8>>> = expected.into_iter().map(|e| e.0).collect();
            assert_eq!(cells, whole, "{:?}", String::from_utf8_lossy(&bytes));
        }
    }

    const TRICKY_LEADS: &[&[u8]] = &[
        b"id,n,t\nL1,1,a\nL2,2,b\n",
        b"\xEF\xBB\xBFid,n,t\r\nL1,1,a\r\n\r\nL2,x,b\r\nL3,3\r\n,,\r\nL4,4,\"multi\r\nline\"\r\n",
        b"id;n;t\nL1;1;\"a;b\"\n\nL2;2;\"q\"\"uote\"\n\n\nL3;;c",
        b"\"i\nd\",n,t\nL1,1,a\rL2,2,b\rL3,y,c\r\r\nL1,5,d\n",
        b"id,n,t\nL1,1,\"unclosed\nL2,2,b\n",
        b"id,n,t\nL1,1,a\xff\nL2,2,b\n\xffL3,3,c\nL4,4,d",
        b"\n\nid,n,t\n\"L1\"x,1,\xC2\xA0a\xC2\xA0\nrow-3,2,b\n,3,c\n",
        b"t\nalpha\n\"\"\nbeta\n",
        b"",
        b"\n\n",
        b",,\n1,2,3\n",
        b"id,n,id\nL1,1,2\n",
    ];

    fn number_field(name: &str) -> FieldSpec {
        FieldSpec {
            name: name.to_owned(),
            kind: FieldKind::Number,
            aliases: Vec::new(),
        }
    }

    fn outcome_of<T: std::fmt::Debug, E: std::fmt::Display>(result: &Result<T, E>) -> String {
        match result {
            Ok(value) => format!("{value:?}"),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn any_block_size_reads_the_same_leads_and_events() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for (case, csv) in TRICKY_LEADS.iter().enumerate() {
            let path = dir.path().join(format!("leads{case}.csv"));
            std::fs::write(&path, csv).expect("written");
            for skip_bad_rows in [false, true] {
                let options = LoadOptions {
                    fields: vec![number_field("n")],
                    skip_bad_rows,
                    ..LoadOptions::default()
                };
                let whole = read_leads(Input::Bytes(csv), "leads.csv", &options, 1 << 20);
                let expected = outcome_of(&whole);
                for block_size in 1..=24 {
                    let blocks = read_leads(Input::Bytes(csv), "leads.csv", &options, block_size);
                    assert_eq!(
                        outcome_of(&blocks),
                        expected,
                        "{csv:?}, blocks of {block_size}"
                    );
                    let file = read_leads(Input::File(&path), "leads.csv", &options, block_size);
                    assert_eq!(
                        outcome_of(&file),
                        expected,
                        "{csv:?}, file blocks of {block_size}"
                    );
                }
                let Ok((leads, _)) = whole else {
                    continue;
                };
                let events = "Lead ID,Activity,Timestamp\nL1,Webinar,2026-10-01\nL2,webinar ,2026-10-02T10:00:00Z\n\nZ,x,2026-10-01\nL1,pricing,2026-10-03T23:30:00-02:00\nL3,,2026-10-01\nL1,x,yesterday\nL2,\"quoted\nactivity\",2026-10-04\n";
                let mut whole_events = leads.clone();
                let expected = outcome_of(&read_events(
                    Input::Bytes(events.as_bytes()),
                    "events.csv",
                    &mut whole_events,
                    skip_bad_rows,
                    1 << 20,
                    None,
                ));
                for block_size in 1..=24 {
                    let mut blocks = leads.clone();
                    let progress = Progress::default();
                    let report = read_events(
                        Input::Bytes(events.as_bytes()),
                        "events.csv",
                        &mut blocks,
                        skip_bad_rows,
                        block_size,
                        Some(&progress),
                    );
                    if report.is_ok() {
                        assert_eq!(progress.bytes_read(), events.len() as u64);
                    }
                    assert_eq!(outcome_of(&report), expected, "blocks of {block_size}");
                    assert_eq!(
                        format!("{:?}", blocks.events),
                        format!("{:?}", whole_events.events),
                        "blocks of {block_size}"
                    );
                }
            }
        }
    }

    #[test]
    fn unreadable_rows_are_reported_as_the_csv_crate_reports_them() {
        for csv in [
            &b"id,x\nL1,\xff\n"[..],
            b"id,x\r\nL1,1\r\n\r\nL2,a\xc3\r\n",
            b"\xEF\xBB\xBFid,x\n\"L\n1\",2\n\n\xffL3,3\n",
        ] {
            // What the csv crate says about the first unreadable record, the header read first.
            let mut reader = csv_reader(strip_bom(csv), b',');
            reader.headers().expect("a header");
            let mut record = csv::StringRecord::new();
            let expected = loop {
                match reader.read_record(&mut record) {
                    Ok(true) => {}
                    Ok(false) => panic!("no unreadable row in {csv:?}"),
                    Err(error) => break format!("cannot read the row: {error}"),
                }
            };
            for block_size in [1, 4, 1 << 20] {
                let error = read_leads(
                    Input::Bytes(csv),
                    "leads.csv",
                    &LoadOptions::default(),
                    block_size,
                )
                .expect_err("an unreadable row");
                let LeadsError::Row(error) = error else {
                    panic!("a row error, not {error}");
                };
                assert_eq!(error.message, expected, "{csv:?}, blocks of {block_size}");
            }
        }
    }

    #[test]
    fn undeclared_whole_numbers_stay_text_next_to_other_text() {
        for block_size in [1, 2, 3, 5, 8, 13, 1 << 20] {
            let read = |csv: &[u8]| {
                let options = LoadOptions::default();
                let (set, _) = read_leads(Input::Bytes(csv), "leads.csv", &options, block_size)
                    .expect("leads");
                set.columns
                    .into_iter()
                    .nth(1)
                    .expect("a second column")
                    .data
            };
            assert_eq!(
                read(b"id,c\nL1,1\nL2,22\nL3,\nL4,007\nL5,x\nL6,3\nL7,22\n"),
                ColumnData::Text {
                    dict: ["1", "22", "007", "x", "3"].map(String::from).to_vec(),
                    codes: vec![0, 1, MISSING_TEXT, 2, 3, 4, 1],
                },
                "blocks of {block_size}"
            );
            let ColumnData::Number(numbers) = read(b"id,c\nL1, 10 \nL2,\nL3,0\n") else {
                panic!("a number column");
            };
            assert_eq!(numbers.len(), 3);
            assert_eq!((numbers[0], numbers[2]), (10.0, 0.0));
            assert!(numbers[1].is_nan());
            assert_eq!(
                read(b"id,c\nL1,\nL2, \n"),
                ColumnData::Text {
                    dict: Vec::new(),
                    codes: vec![MISSING_TEXT; 2],
                }
            );
            assert_eq!(
                read(b"id,c\nL1,1\nL2,yes\n"),
                ColumnData::Text {
                    dict: ["1", "yes"].map(String::from).to_vec(),
                    codes: vec![0, 1],
                }
            );
        }
    }

    #[test]
    fn events_out_of_lead_order_are_grouped_in_file_order() {
        let (mut leads, _) =
            read_leads_csv(b"id\nA\nB\nC\n", "leads.csv", &LoadOptions::default()).expect("leads");
        let events = "id,activity,date\nB,x,2026-10-02\nB,y,2026-10-03\nA,x,2026-10-01\nC,z,2026-10-04\nA,y,2026-10-05\nB,x,2026-10-06\n";
        read_events_csv(events.as_bytes(), "events.csv", &mut leads, false).expect("events");
        let log = leads.events.expect("a log");
        assert_eq!(log.offsets, [0, 2, 5, 6]);
        assert_eq!(log.activities, ["x", "y", "z"]);
        assert_eq!(log.activity, [0, 1, 0, 1, 0, 2]);
        let days: Vec<String> = log.day.iter().map(|&d| format_day(d)).collect();
        assert_eq!(
            days,
            [
                "2026-10-01",
                "2026-10-05",
                "2026-10-02",
                "2026-10-03",
                "2026-10-06",
                "2026-10-04"
            ]
        );
    }
}
