//! What both scoring paths decide the same way for one lead: a condition on a cell
//! ([`PreparedCondition`]) and an activity's effective count ([`effective_count`], from the
//! event log or a count column). The column path decides a text condition once per distinct
//! value with the same code.

use super::arithmetic::event_weight;
use crate::leads::{Cell, Column, EventLog, LeadSet};
use crate::model::{Condition, Model};

/// A model's `missing_values`, folded once: a text cell that is one of them is missing wherever
/// a rule reads it (`docs/model-format.md` §3.3). Cells of number, yes/no and date columns hold
/// no text, so the list never applies to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MissingValues {
    /// Folded, sorted, without duplicates or blanks (a blank cell is missing anyway).
    folded: Vec<String>,
}

impl MissingValues {
    /// The list of `model`.
    pub fn of(model: &Model) -> MissingValues {
        MissingValues::new(&model.missing_values)
    }

    pub fn new(values: &[String]) -> MissingValues {
        let mut folded: Vec<String> = values
            .iter()
            .map(|v| fold(v))
            .filter(|v| !v.is_empty())
            .collect();
        folded.sort_unstable();
        folded.dedup();
        MissingValues { folded }
    }

    /// Whether a cell's text is on the list (trimmed, ignoring case, as conditions compare).
    pub fn contains(&self, text: &str) -> bool {
        // Most models keep the default list and most text is not on it: one fold per call is
        // paid only per distinct value on the column path, per rule on the one-lead path.
        !self.folded.is_empty() && self.folded.binary_search(&fold(text)).is_ok()
    }

    /// The cell as rules see it: a text cell on the list is [`Cell::Missing`].
    pub fn cell<'c>(&self, cell: Cell<'c>) -> Cell<'c> {
        match cell {
            Cell::Text(text) if self.contains(text) => Cell::Missing,
            other => other,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// The folded values, sorted: what a decision on a text cell depends on (the column path's
    /// cache keys).
    pub fn folded(&self) -> &[String] {
        &self.folded
    }
}

/// A condition with its text values lower-cased once, and the model's missing values.
pub(super) struct PreparedCondition<'a> {
    condition: &'a Condition,
    needles: Vec<String>,
    missing: &'a MissingValues,
}

impl<'a> PreparedCondition<'a> {
    pub(super) fn new(condition: &'a Condition, missing: &'a MissingValues) -> Self {
        let needles = match condition {
            Condition::Equals(v) => vec![fold(v)],
            Condition::OneOf(vs) | Condition::NotOneOf(vs) | Condition::ContainsAny(vs) => vs
                .iter()
                .map(|v| fold(v))
                .filter(|v| !v.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        PreparedCondition {
            condition,
            needles,
            missing,
        }
    }

    fn equals_any(&self, cell: Cell<'_>) -> bool {
        match cell {
            Cell::Missing => false,
            Cell::Text(text) => {
                let text = fold(text);
                self.needles.contains(&text)
            }
            Cell::Number(value) => self
                .needles
                .iter()
                .any(|n| crate::leads::parse_number(n) == Some(value)),
            Cell::Bool(value) => self
                .needles
                .iter()
                .any(|n| crate::leads::parse_bool(n) == Some(value)),
            Cell::Date(day) => self
                .needles
                .iter()
                .any(|n| crate::leads::parse_day(n) == Some(day)),
        }
    }

    pub(super) fn holds(&self, cell: Cell<'_>) -> bool {
        let cell = self.missing.cell(cell);
        if cell.is_missing() {
            return matches!(self.condition, Condition::IsMissing);
        }
        let number = || match cell {
            Cell::Number(n) => Some(n),
            Cell::Text(t) => crate::leads::parse_number(t),
            Cell::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
            Cell::Date(d) => Some(f64::from(d)),
            Cell::Missing => None,
        };
        let boolean = || match cell {
            Cell::Bool(b) => Some(b),
            Cell::Number(n) => Some(n != 0.0),
            Cell::Text(t) => crate::leads::parse_bool(t),
            _ => None,
        };
        match self.condition {
            Condition::Equals(_) | Condition::OneOf(_) => self.equals_any(cell),
            Condition::NotOneOf(_) => !self.equals_any(cell),
            Condition::AtLeast(min) => number().is_some_and(|n| n >= *min),
            Condition::AtMost(max) => number().is_some_and(|n| n <= *max),
            Condition::Between { min, max } => number().is_some_and(|n| n >= *min && n <= *max),
            Condition::ContainsAny(_) => {
                let text = fold(&cell.display());
                self.needles.iter().any(|n| contains_word(&text, n))
            }
            Condition::IsTrue => boolean() == Some(true),
            Condition::IsFalse => boolean() == Some(false),
            Condition::IsMissing => false,
        }
    }
}

/// True when `needle` occurs in `text` as whole words: where the needle starts or ends with a
/// letter or digit, the text must not continue with one there. So `VP` matches "VP Sales" but not
/// "VPN engineer", `Intern` matches "Marketing Intern" but not "International", and `@gmail.`
/// matches "ann@gmail.com".
pub fn contains_word(text: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let starts_with_word = needle.chars().next().is_some_and(char::is_alphanumeric);
    let ends_with_word = needle
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    text.match_indices(needle).any(|(start, matched)| {
        let end = start + matched.len();
        let before_ok = !starts_with_word
            || text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = !ends_with_word
            || text[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        before_ok && after_ok
    })
}

/// Case-folds and trims text for comparison.
fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Where an activity's counts come from for a lead set.
pub(super) enum ActivitySource<'a> {
    Events {
        log: &'a EventLog,
        code: Option<u32>,
    },
    CountColumn(&'a Column),
    Nothing,
}

pub(super) fn activity_source<'a>(
    leads: &'a LeadSet,
    activity: &str,
    count_column: &str,
) -> ActivitySource<'a> {
    match &leads.events {
        Some(log) => ActivitySource::Events {
            log,
            code: log.activity_index(activity),
        },
        None => match leads.column_by_name(count_column) {
            Some(column) => ActivitySource::CountColumn(column),
            None => ActivitySource::Nothing,
        },
    }
}

/// The effective count of an activity for one lead: the sum of event weights, or the count column.
pub(super) fn effective_count(
    source: &ActivitySource<'_>,
    row: usize,
    as_of: i32,
    window_days: Option<u32>,
    half_life_days: Option<f64>,
) -> f64 {
    match source {
        ActivitySource::Events { log, code } => {
            let Some(code) = code else { return 0.0 };
            let range = log.range(row);
            let (Some(activities), Some(days)) =
                (log.activity.get(range.clone()), log.day.get(range))
            else {
                return 0.0;
            };
            let weights = activities
                .iter()
                .zip(days)
                .filter(|(a, _)| **a == *code)
                .map(|(_, day)| event_weight(as_of - day, window_days, half_life_days));
            if half_life_days.is_none() {
                // Weights of 1 and 0: the sum is exact in any order.
                return weights.sum();
            }
            // Decayed weights are added from the largest to the smallest (§4.3), so the sum
            // does not depend on the order of the event file, and SQL can add them in the same
            // order (docs/sql.md).
            let mut weights: Vec<f64> = weights.filter(|w| *w != 0.0).collect();
            weights.sort_unstable_by(|a, b| b.total_cmp(a));
            weights.iter().fold(0.0, |sum, w| sum + w)
        }
        ActivitySource::CountColumn(column) => match column.cell(row) {
            // A column built in code may hold infinity; a count is at most the largest double.
            Cell::Number(n) if n > 0.0 => n.min(f64::MAX),
            // A yes/no column ("Demo Requested: yes") counts as one occurrence.
            Cell::Bool(true) => 1.0,
            Cell::Text(t) => crate::leads::parse_number(t).unwrap_or(0.0).max(0.0),
            _ => 0.0,
        },
        ActivitySource::Nothing => 0.0,
    }
}
