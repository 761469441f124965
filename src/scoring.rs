//! Scoring: turning a model and leads into fit, engagement, total, status and grade.
//!
//! Two paths share the arithmetic in this file:
//! - [`Evaluation`] decides every rule's condition for every lead once (a match per fit rule, an
//!   effective activity count per engagement rule). Changing points, caps, the mix, the threshold
//!   or the gates then only needs [`score_all`], a cheap pass over those columns.
//! - [`explain`] scores one lead directly from its cells and lists why, rule by rule.
//!
//! Both must give the same numbers; a test checks it on generated leads.

use std::collections::HashMap;

use crate::leads::{Cell, Column, ColumnData, EventLog, LeadSet, MISSING_TEXT, format_day};
use crate::model::{
    Band, Condition, Counting, Criterion, EngagementRule, FieldSpec, Model, OverrideAction,
    fmt_number,
};

/// Where a lead stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// A fast-track trigger fired: an MQL whatever the score.
    FastTracked,
    /// At or above the threshold, gates passed.
    Mql,
    /// Near-MQL: within the nurture band below the threshold (or held back by a gate).
    Nurture,
    Lead,
    /// A disqualifier fired: never an MQL.
    Disqualified,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::FastTracked,
        Status::Mql,
        Status::Nurture,
        Status::Lead,
        Status::Disqualified,
    ];

    pub fn is_mql(self) -> bool {
        matches!(self, Status::Mql | Status::FastTracked)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::FastTracked => "MQL (fast-track)",
            Status::Mql => "MQL",
            Status::Nurture => "nurture",
            Status::Lead => "lead",
            Status::Disqualified => "disqualified",
        }
    }

    /// A stable machine-readable name, used in exported files.
    pub fn code(self) -> &'static str {
        match self {
            Status::FastTracked => "mql_fast_track",
            Status::Mql => "mql",
            Status::Nurture => "nurture",
            Status::Lead => "lead",
            Status::Disqualified => "disqualified",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A lead's score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeadScore {
    /// Fit points after the fit cap (0..=fit.max_points).
    pub fit: f64,
    /// Engagement points after the engagement cap.
    pub engagement: f64,
    /// The total on the model's scale, rounded to 2 decimals.
    pub score: f64,
    pub status: Status,
    /// Index into `model.fit_grades`.
    pub fit_grade: u8,
    /// Index into `model.engagement_levels`.
    pub engagement_level: u8,
}

impl LeadScore {
    /// The grade as shown to sales, e.g. `A1`.
    pub fn grade(&self, model: &Model) -> String {
        let label = |bands: &[Band], i: u8| {
            bands
                .get(i as usize)
                .map(|b| b.label.clone())
                .unwrap_or_default()
        };
        format!(
            "{}{}",
            label(&model.fit_grades, self.fit_grade),
            label(&model.engagement_levels, self.engagement_level)
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The arithmetic, shared by both paths.

/// Rounds to 2 decimals, half away from zero.
pub fn round2(value: f64) -> f64 {
    round_half_away(value * 100.0) / 100.0
}

/// `f64::round` (half away from zero), without a libm call or a branch in the common case: it
/// runs once per lead and sub-score on every rescore, and a mispredicted "round up?" branch
/// cost more than the rest of the arithmetic.
#[inline]
fn round_half_away(value: f64) -> f64 {
    // Below 2^52 every double has an exact integer part and an exact fraction.
    if value.abs() < 4_503_599_627_370_496.0 {
        let whole = value as i64 as f64; // truncates toward zero
        let fraction = value - whole; // exact
        let adjust = f64::from(u8::from(fraction >= 0.5)) - f64::from(u8::from(fraction <= -0.5));
        // The result has the sign of the value, as with `round` (-0.3 rounds to -0.0).
        (whole + adjust).copysign(value)
    } else {
        value.round()
    }
}

/// The points an engagement rule gives for an effective count.
pub fn engagement_points(rule: &EngagementRule, effective_count: f64) -> f64 {
    PointsRule::new(rule).points(effective_count)
}

/// An engagement rule's arithmetic with its settings read once: the inner loop of rescoring.
#[derive(Clone, Copy, Debug)]
struct PointsRule {
    counting: Counting,
    points: f64,
    /// The cap as a clamp range (infinite without a cap, which leaves every value as it is).
    low: f64,
    high: f64,
}

impl PointsRule {
    fn new(rule: &EngagementRule) -> PointsRule {
        let (low, high) = match rule.cap {
            Some(cap) if cap > 0.0 => (-cap, cap),
            _ => (f64::NEG_INFINITY, f64::INFINITY),
        };
        PointsRule {
            counting: rule.counting,
            points: rule.points,
            low,
            high,
        }
    }

    #[inline]
    fn points(self, effective_count: f64) -> f64 {
        let raw = match self.counting {
            Counting::PerOccurrence => self.points * effective_count,
            Counting::Once => self.points * effective_count.min(1.0),
            Counting::AtLeast(n) => at_least(self.points, effective_count, n),
        };
        raw.clamp(self.low, self.high)
    }
}

/// `points` when the count reaches `n`, else +0.0, without a branch (whether a lead reached a
/// count is unpredictable, and a mispredicted branch costs more than the whole rule).
#[inline]
fn at_least(points: f64, effective_count: f64, n: u32) -> f64 {
    let keep = 0u64.wrapping_sub(u64::from(effective_count >= f64::from(n)));
    f64::from_bits(points.to_bits() & keep)
}

/// Values derived from a rounded amount, looked up by its whole hundredths instead of divided
/// out lead by lead: `table[h]` is `derive(h / 100)` for every `h` the table holds.
struct ByHundredths<T> {
    table: Vec<T>,
}

impl<T: Copy> ByHundredths<T> {
    /// A table for amounts from 0 up to `max` (at most 2^15 entries; larger amounts are derived
    /// on the spot).
    fn new(max: f64, derive: impl Fn(f64) -> T) -> ByHundredths<T> {
        let len = if max.is_finite() && max > 0.0 {
            ((max * 100.0).ceil() as usize)
                .saturating_add(2)
                .min(1 << 15)
        } else {
            0
        };
        ByHundredths {
            table: (0..len).map(|h| derive(h as f64 / 100.0)).collect(),
        }
    }

    /// `derive(round2(value))`.
    #[inline]
    fn round2(&self, value: f64, derive: impl Fn(f64) -> T) -> T {
        let scaled = value * 100.0;
        // The whole hundredths of a non-negative amount (not -0.0, not NaN), in integers: the
        // same rounding as `round_half_away`, which only ever rounds up here.
        if (0.0..4_503_599_627_370_496.0).contains(&scaled) && !scaled.is_sign_negative() {
            let whole = scaled as i64;
            let hundredths = whole + i64::from(scaled - whole as f64 >= 0.5);
            if let Some(&entry) = self.table.get(hundredths as usize) {
                return entry;
            }
        }
        derive(round2(value))
    }
}

/// The weight of one event `age_days` old (0 = on the as-of day) for a rule; 0 outside the window.
pub fn event_weight(age_days: i32, window_days: Option<u32>, half_life_days: Option<f64>) -> f64 {
    if age_days < 0 {
        return 0.0;
    }
    if let Some(window) = window_days
        && i64::from(age_days) >= i64::from(window)
    {
        return 0.0;
    }
    match half_life_days {
        Some(half_life) if half_life > 0.0 => 0.5f64.powf(f64::from(age_days) / half_life),
        _ => 1.0,
    }
}

/// The index of the first band whose minimum the points reach (the last band otherwise).
pub fn band_index(bands: &[Band], points: f64) -> u8 {
    bands
        .iter()
        .position(|b| points >= b.min_points)
        .unwrap_or(bands.len().saturating_sub(1)) as u8
}

/// Combines raw sub-scores and override results into a score.
pub fn combine(
    model: &Model,
    fit_raw: f64,
    engagement_raw: f64,
    disqualified: bool,
    fast_tracked: bool,
) -> LeadScore {
    // Sub-scores are rounded like the total, so the numbers shown are the numbers that gates,
    // grades and the total use.
    let fit = round2(fit_raw.clamp(0.0, model.fit.max_points.max(0.0)));
    let engagement = round2(engagement_raw.clamp(0.0, model.engagement.max_points.max(0.0)));
    let score = total(model, fit, engagement);
    let status = status_of(model, fit, engagement, score, disqualified, fast_tracked);
    LeadScore {
        fit,
        engagement,
        score,
        status,
        fit_grade: band_index(&model.fit_grades, fit),
        engagement_level: band_index(&model.engagement_levels, engagement),
    }
}

/// The total on the scale from capped sub-scores, rounded to 2 decimals.
pub fn total(model: &Model, fit: f64, engagement: f64) -> f64 {
    let c = &model.combine;
    round2(
        (c.fit_weight * share(fit, model.fit.max_points)
            + c.engagement_weight * share(engagement, model.engagement.max_points))
            * c.scale,
    )
}

/// A sub-score as a share of its maximum (0 when the maximum is not positive).
#[inline]
fn share(points: f64, max: f64) -> f64 {
    if max > 0.0 { points / max } else { 0.0 }
}

/// The gates a lead must pass to be an MQL on score.
pub fn gates_pass(model: &Model, fit: f64, engagement: f64) -> bool {
    model.combine.min_fit.is_none_or(|gate| fit >= gate)
        && model
            .combine
            .min_engagement
            .is_none_or(|gate| engagement >= gate)
}

#[inline]
fn status_of(
    model: &Model,
    fit: f64,
    engagement: f64,
    score: f64,
    disqualified: bool,
    fast_tracked: bool,
) -> Status {
    let threshold = model.combine.mql_threshold;
    if disqualified {
        Status::Disqualified
    } else if fast_tracked {
        Status::FastTracked
    } else if score >= threshold && gates_pass(model, fit, engagement) {
        Status::Mql
    } else if score >= threshold - model.combine.nurture_band {
        Status::Nurture
    } else {
        Status::Lead
    }
}

// ---------------------------------------------------------------------------------------------
// Conditions on single cells (the simple path, and the per-value step of the fast path).

/// A condition with its text values lower-cased once.
struct PreparedCondition<'a> {
    condition: &'a Condition,
    needles: Vec<String>,
}

impl<'a> PreparedCondition<'a> {
    fn new(condition: &'a Condition) -> Self {
        let needles = match condition {
            Condition::Equals(v) => vec![fold(v)],
            Condition::OneOf(vs) | Condition::NotOneOf(vs) | Condition::ContainsAny(vs) => vs
                .iter()
                .map(|v| fold(v))
                .filter(|v| !v.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        PreparedCondition { condition, needles }
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

    fn holds(&self, cell: Cell<'_>) -> bool {
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

/// Decides a condition for every lead, once per distinct value for text columns.
fn condition_column(
    column: Option<&Column>,
    condition: &Condition,
    lead_count: usize,
) -> Vec<bool> {
    let prepared = PreparedCondition::new(condition);
    let Some(column) = column else {
        return vec![prepared.holds(Cell::Missing); lead_count];
    };
    match &column.data {
        ColumnData::Text { dict, codes } => {
            let per_value: Vec<bool> = dict.iter().map(|v| prepared.holds(Cell::Text(v))).collect();
            let missing = prepared.holds(Cell::Missing);
            codes
                .iter()
                .map(|&code| {
                    if code == MISSING_TEXT {
                        missing
                    } else {
                        per_value.get(code as usize).copied().unwrap_or(missing)
                    }
                })
                .collect()
        }
        _ => (0..lead_count)
            .map(|row| prepared.holds(column.cell(row)))
            .collect(),
    }
}

/// Where an activity's counts come from for a lead set.
enum ActivitySource<'a> {
    Events {
        log: &'a EventLog,
        code: Option<u32>,
    },
    CountColumn(&'a Column),
    Nothing,
}

fn activity_source<'a>(
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
fn effective_count(
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
            activities
                .iter()
                .zip(days)
                .filter(|(a, _)| **a == *code)
                .map(|(_, day)| event_weight(as_of - day, window_days, half_life_days))
                .sum()
        }
        ActivitySource::CountColumn(column) => match column.cell(row) {
            Cell::Number(n) if n > 0.0 => n,
            // A yes/no column ("Demo Requested: yes") counts as one occurrence.
            Cell::Bool(true) => 1.0,
            Cell::Text(t) => crate::leads::parse_number(t).unwrap_or(0.0).max(0.0),
            _ => 0.0,
        },
        ActivitySource::Nothing => 0.0,
    }
}

fn criterion_holds(
    criterion: &Criterion,
    leads: &LeadSet,
    specs: &[FieldSpec],
    row: usize,
    as_of: i32,
) -> bool {
    match criterion {
        Criterion::Field { field, condition } => {
            let cell = leads
                .column_for(field, specs)
                .and_then(|i| leads.columns.get(i))
                .map_or(Cell::Missing, |c| c.cell(row));
            PreparedCondition::new(condition).holds(cell)
        }
        Criterion::Activity {
            activity,
            count_column,
            at_least,
            window_days,
        } => {
            let source =
                activity_source(leads, activity, count_column.as_deref().unwrap_or(activity));
            effective_count(&source, row, as_of, *window_days, None) >= f64::from(*at_least)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The fast path.

/// One engagement rule's effective count per lead, kept only for the leads whose count is not 0:
/// most leads did not do most things, so this is smaller than a column and rescoring visits only
/// these leads, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActivityCounts {
    /// Ascending.
    rows: Vec<u32>,
    counts: Vec<f64>,
}

impl ActivityCounts {
    /// The count of one lead (0 when it did nothing).
    pub fn get(&self, row: usize) -> f64 {
        match self.rows.binary_search(&(row as u32)) {
            Ok(index) => self.counts.get(index).copied().unwrap_or(0.0),
            Err(_) => 0.0,
        }
    }

    /// The count of one lead, for callers that visit rows in ascending order: `cursor` (starting
    /// at 0) remembers where the last lookup ended, so a whole pass costs one walk.
    pub fn get_walking(&self, row: usize, cursor: &mut usize) -> f64 {
        let row = row as u32;
        if self
            .rows
            .get(cursor.wrapping_sub(1))
            .is_some_and(|&r| r > row)
        {
            // Not ascending after all: start over.
            *cursor = 0;
        }
        while self.rows.get(*cursor).is_some_and(|&r| r < row) {
            *cursor += 1;
        }
        if self.rows.get(*cursor) == Some(&row) {
            self.counts.get(*cursor).copied().unwrap_or(0.0)
        } else {
            0.0
        }
    }

    /// The leads with a count that is not 0, with their counts, in row order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.rows
            .iter()
            .zip(&self.counts)
            .map(|(&row, &count)| (row as usize, count))
    }

    /// One count per lead.
    pub fn to_dense(&self, lead_count: usize) -> Vec<f64> {
        let mut column = vec![0.0; lead_count];
        for (row, count) in self.iter() {
            if let Some(slot) = column.get_mut(row) {
                *slot = count;
            }
        }
        column
    }
}

/// Every rule's condition decided for every lead, for one model's conditions and one as-of date.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    pub lead_count: usize,
    pub as_of: i32,
    /// Per fit rule (model order): does the lead match?
    pub fit_matches: Vec<Vec<bool>>,
    /// Per engagement rule: the leads' effective activity counts.
    pub engagement_counts: Vec<ActivityCounts>,
    /// Per override: do all its criteria hold?
    pub override_matches: Vec<Vec<bool>>,
    /// What the rules read that the leads do not have, e.g. a missing column.
    pub warnings: Vec<String>,
    keys: EvaluationKeys,
    /// Per lead: its fit-and-override pattern, an index into `pattern_rows`. Leads with the same
    /// pattern match the same fit rules and overrides, so they share fit, grade and overrides,
    /// which rescoring computes once per pattern (a few hundred) instead of once per lead.
    lead_patterns: Vec<u32>,
    /// Per pattern: one lead that has it.
    pattern_rows: Vec<u32>,
}

#[derive(Clone, Debug, Default)]
struct EvaluationKeys {
    fit: Vec<String>,
    engagement: Vec<String>,
    overrides: Vec<String>,
}

/// What a fit rule's matches depend on: its field, the column the field resolves to (which
/// changes when the model's field aliases change) and its condition.
fn fit_key(rule: &crate::model::FitRule, column: Option<usize>) -> String {
    format!("{}\u{1f}{column:?}\u{1f}{:?}", rule.field, rule.condition)
}

fn engagement_key(rule: &EngagementRule) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{:?}\u{1f}{:?}",
        rule.activity,
        rule.count_column_name(),
        rule.window_days,
        rule.half_life_days
    )
}

/// What an override's matches depend on: its criteria and the columns their fields resolve to.
fn override_key(rule: &crate::model::Override, leads: &LeadSet, specs: &[FieldSpec]) -> String {
    let columns: Vec<Option<usize>> = rule
        .when
        .iter()
        .map(|criterion| match criterion {
            Criterion::Field { field, .. } => leads.column_for(field, specs),
            Criterion::Activity { .. } => None,
        })
        .collect();
    format!("{:?}\u{1f}{columns:?}", rule.when)
}

/// The previous evaluation's columns by key. Several rules can share a key (the same condition
/// twice), so each key keeps a list and each rule takes one column from it.
fn columns_by_key<T>(keys: Vec<String>, columns: Vec<T>) -> HashMap<String, Vec<T>> {
    let mut map: HashMap<String, Vec<T>> = HashMap::new();
    for (key, column) in keys.into_iter().zip(columns) {
        map.entry(key).or_default().push(column);
    }
    map
}

impl Evaluation {
    /// Evaluates every rule of `model` on `leads` as of a day.
    pub fn new(model: &Model, leads: &LeadSet, as_of: i32) -> Evaluation {
        let mut evaluation = Evaluation {
            lead_count: leads.len(),
            as_of,
            ..Evaluation::default()
        };
        evaluation.refresh(model, leads);
        evaluation
    }

    /// Re-evaluates only the rules whose conditions changed since the last evaluation (new rules,
    /// edited conditions, windows or decay); points, caps and weights need no re-evaluation.
    /// Returns how many rules were evaluated.
    pub fn refresh(&mut self, model: &Model, leads: &LeadSet) -> usize {
        if self.lead_count != leads.len() {
            *self = Evaluation {
                lead_count: leads.len(),
                as_of: self.as_of,
                ..Evaluation::default()
            };
        }
        let specs = &model.fields;
        let lead_count = leads.len();
        let as_of = self.as_of;
        let mut evaluated = 0;
        let mut patterns_stale = self.lead_patterns.len() != lead_count;

        let mut old_fit = columns_by_key(
            std::mem::take(&mut self.keys.fit),
            std::mem::take(&mut self.fit_matches),
        );
        let mut fit_keys = Vec::with_capacity(model.fit.rules.len());
        for rule in &model.fit.rules {
            let column_index = leads.column_for(&rule.field, specs);
            let key = fit_key(rule, column_index);
            let column = old_fit.get_mut(&key).and_then(Vec::pop).unwrap_or_else(|| {
                evaluated += 1;
                patterns_stale = true;
                let column = column_index.and_then(|i| leads.columns.get(i));
                condition_column(column, &rule.condition, lead_count)
            });
            self.fit_matches.push(column);
            fit_keys.push(key);
        }
        self.keys.fit = fit_keys;

        let mut old_engagement = columns_by_key(
            std::mem::take(&mut self.keys.engagement),
            std::mem::take(&mut self.engagement_counts),
        );
        let mut engagement_keys = Vec::with_capacity(model.engagement.rules.len());
        for rule in &model.engagement.rules {
            let key = engagement_key(rule);
            let counts = old_engagement
                .get_mut(&key)
                .and_then(Vec::pop)
                .unwrap_or_else(|| {
                    evaluated += 1;
                    let source = activity_source(leads, &rule.activity, rule.count_column_name());
                    activity_counts(lead_count, |row| {
                        effective_count(&source, row, as_of, rule.window_days, rule.half_life_days)
                    })
                });
            self.engagement_counts.push(counts);
            engagement_keys.push(key);
        }
        self.keys.engagement = engagement_keys;

        let mut old_overrides = columns_by_key(
            std::mem::take(&mut self.keys.overrides),
            std::mem::take(&mut self.override_matches),
        );
        let mut override_keys = Vec::with_capacity(model.overrides.len());
        for rule in &model.overrides {
            let key = override_key(rule, leads, specs);
            let column = old_overrides
                .get_mut(&key)
                .and_then(Vec::pop)
                .unwrap_or_else(|| {
                    evaluated += 1;
                    patterns_stale = true;
                    override_column(rule, leads, specs, as_of)
                });
            self.override_matches.push(column);
            override_keys.push(key);
        }
        self.keys.overrides = override_keys;
        // Dropped or reordered columns leave the patterns valid (a finer split than needed);
        // a new column can split them.
        if patterns_stale {
            (self.lead_patterns, self.pattern_rows) = match_patterns(
                self.fit_matches.iter().chain(&self.override_matches),
                lead_count,
            );
        }
        self.warnings = data_warnings(model, leads);
        evaluated
    }

    /// The ids of the rules and overrides that fired for a lead, in model order.
    pub fn fired_rule_ids<'m>(&self, model: &'m Model, row: usize) -> Vec<&'m str> {
        let mut ids = Vec::new();
        self.push_fired_rule_ids(model, row, None, &mut ids);
        ids
    }

    /// Like [`Evaluation::fired_rule_ids`], for a pass over the leads in row order: `cursors`
    /// (empty at the start) makes each lookup continue where the last one ended.
    pub fn fired_rule_ids_walking<'m>(
        &self,
        model: &'m Model,
        row: usize,
        cursors: &mut Vec<usize>,
        ids: &mut Vec<&'m str>,
    ) {
        ids.clear();
        cursors.resize(self.engagement_counts.len(), 0);
        self.push_fired_rule_ids(model, row, Some(cursors), ids);
    }

    fn push_fired_rule_ids<'m>(
        &self,
        model: &'m Model,
        row: usize,
        mut cursors: Option<&mut Vec<usize>>,
        ids: &mut Vec<&'m str>,
    ) {
        for (rule, matches) in model.fit.rules.iter().zip(&self.fit_matches) {
            if rule.enabled && matches.get(row).copied().unwrap_or(false) && rule.points != 0.0 {
                ids.push(rule.id.as_str());
            }
        }
        for (index, (rule, counts)) in model
            .engagement
            .rules
            .iter()
            .zip(&self.engagement_counts)
            .enumerate()
        {
            let count = match cursors.as_deref_mut().and_then(|c| c.get_mut(index)) {
                Some(cursor) => counts.get_walking(row, cursor),
                None => counts.get(row),
            };
            // The same guard as `score_all`: no activity, no points.
            if rule.enabled && count != 0.0 && engagement_points(rule, count) != 0.0 {
                ids.push(rule.id.as_str());
            }
        }
        for (rule, matches) in model.overrides.iter().zip(&self.override_matches) {
            if rule.enabled && matches.get(row).copied().unwrap_or(false) {
                ids.push(rule.id.as_str());
            }
        }
    }
}

/// Counts for every lead, in parallel, kept sparse.
fn activity_counts(lead_count: usize, count: impl Fn(usize) -> f64 + Sync) -> ActivityCounts {
    let mut rows: Vec<u32> = (0..lead_count as u32).collect();
    let parts = map_chunks(&mut rows, |start, part| {
        let mut sparse = ActivityCounts::default();
        for offset in 0..part.len() {
            let value = count(start + offset);
            if value != 0.0 {
                sparse.rows.push((start + offset) as u32);
                sparse.counts.push(value);
            }
        }
        sparse
    });
    let mut all = ActivityCounts::default();
    for part in parts {
        all.rows.extend(part.rows);
        all.counts.extend(part.counts);
    }
    all
}

/// Groups leads by which of `columns` they match: per lead a pattern number, and per pattern the
/// first lead that has it. Column by column, each pattern splits in two at most, numbered in
/// order of first appearance.
fn match_patterns<'a>(
    columns: impl Iterator<Item = &'a Vec<bool>>,
    lead_count: usize,
) -> (Vec<u32>, Vec<u32>) {
    let mut patterns = vec![0u32; lead_count];
    let mut pattern_count = usize::from(lead_count > 0);
    let mut split = Vec::new();
    for column in columns {
        split.clear();
        split.resize(pattern_count * 2, u32::MAX);
        let mut next = 0u32;
        for (row, pattern) in patterns.iter_mut().enumerate() {
            let matched = column.get(row).copied().unwrap_or(false);
            let slot = *pattern as usize * 2 + usize::from(matched);
            if let Some(new) = split.get_mut(slot) {
                if *new == u32::MAX {
                    *new = next;
                    next += 1;
                }
                *pattern = *new;
            }
        }
        pattern_count = next as usize;
    }
    let mut first_rows = vec![u32::MAX; pattern_count];
    for (row, &pattern) in patterns.iter().enumerate() {
        if let Some(first) = first_rows.get_mut(pattern as usize)
            && *first == u32::MAX
        {
            *first = row as u32;
        }
    }
    (patterns, first_rows)
}

fn override_column(
    rule: &crate::model::Override,
    leads: &LeadSet,
    specs: &[FieldSpec],
    as_of: i32,
) -> Vec<bool> {
    let lead_count = leads.len();
    let mut result = vec![!rule.when.is_empty(); lead_count];
    for criterion in &rule.when {
        let holds: Vec<bool> = match criterion {
            Criterion::Field { field, condition } => {
                let column = leads
                    .column_for(field, specs)
                    .and_then(|i| leads.columns.get(i));
                condition_column(column, condition, lead_count)
            }
            Criterion::Activity {
                activity,
                count_column,
                at_least,
                window_days,
            } => {
                // The source is found once; only the counting is per lead.
                let source =
                    activity_source(leads, activity, count_column.as_deref().unwrap_or(activity));
                let needed = f64::from(*at_least);
                let mut holds = vec![false; lead_count];
                for_each_chunk(&mut holds, |start, part| {
                    for (offset, slot) in part.iter_mut().enumerate() {
                        *slot = effective_count(&source, start + offset, as_of, *window_days, None)
                            >= needed;
                    }
                });
                holds
            }
        };
        for (r, h) in result.iter_mut().zip(holds) {
            *r &= h;
        }
    }
    result
}

/// What the model reads that the leads lack: fields with no column, activities with no data.
pub fn data_warnings(model: &Model, leads: &LeadSet) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut fields: Vec<&str> = model.fit.rules.iter().map(|r| r.field.as_str()).collect();
    let mut activities: Vec<(&str, &str)> = model
        .engagement
        .rules
        .iter()
        .map(|r| (r.activity.as_str(), r.count_column_name()))
        .collect();
    for rule in &model.overrides {
        for criterion in &rule.when {
            match criterion {
                Criterion::Field { field, .. } => fields.push(field),
                Criterion::Activity {
                    activity,
                    count_column,
                    ..
                } => activities.push((activity, count_column.as_deref().unwrap_or(activity))),
            }
        }
    }
    fields.sort_unstable();
    fields.dedup();
    activities.sort_unstable();
    activities.dedup();
    for field in fields {
        if leads.column_for(field, &model.fields).is_none() {
            warnings.push(format!(
                "no column for field `{field}`: every lead counts as missing it"
            ));
        }
    }
    for (activity, column) in activities {
        match &leads.events {
            Some(log) if log.activity_index(activity).is_none() => warnings.push(format!(
                "the event log has no `{activity}` activity: it counts 0 for every lead"
            )),
            None if leads.column_by_name(column).is_none() => warnings.push(format!(
                "no event log and no count column `{column}`: `{activity}` counts 0 for every lead"
            )),
            _ => {}
        }
    }
    warnings
}

/// Scores every lead from an evaluation (the cheap step that re-weighting repeats).
pub fn score_all(model: &Model, evaluation: &Evaluation) -> Vec<LeadScore> {
    let mut scores = Vec::new();
    score_into(model, evaluation, &mut scores);
    scores
}

/// Scores every lead into `scores` (reusing its memory) and returns the status counts and
/// histogram.
pub fn score_into(model: &Model, evaluation: &Evaluation, scores: &mut Vec<LeadScore>) -> Summary {
    let mut engagement = Vec::new();
    engagement_scores(model, evaluation, &mut engagement);
    finish_scores(model, evaluation, &engagement, scores)
}

const PLACEHOLDER_SCORE: LeadScore = LeadScore {
    fit: 0.0,
    engagement: 0.0,
    score: 0.0,
    status: Status::Lead,
    fit_grade: 0,
    engagement_level: 0,
};

/// Number of histogram bins over the model's scale.
pub const HISTOGRAM_BINS: usize = 20;

/// What the overview shows of a scored lead set: leads per status, and per status and score bin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Indexed by [`Status::index`].
    pub counts: [usize; 5],
    /// Per status (by [`Status::index`]), leads per score bin; all zero when the scale is not a
    /// positive number.
    pub histogram: [[u32; HISTOGRAM_BINS]; 5],
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            counts: [0; 5],
            histogram: [[0; HISTOGRAM_BINS]; 5],
        }
    }
}

impl Summary {
    /// The summary of finished scores.
    pub fn of(model: &Model, scores: &[LeadScore]) -> Summary {
        let mut summary = Summary::default();
        summary.add_all(model.combine.scale, scores);
        summary
    }

    fn add_all(&mut self, scale: f64, scores: &[LeadScore]) {
        let binned = scale > 0.0 && scale.is_finite();
        for score in scores {
            let status = score.status.index();
            self.counts[status] += 1;
            if binned {
                let bin = histogram_bin(score.score, scale);
                self.histogram[status][bin] += 1;
            }
        }
    }

    fn merged(parts: Vec<Summary>) -> Summary {
        let mut total = Summary::default();
        for part in parts {
            for (sum, count) in total.counts.iter_mut().zip(part.counts) {
                *sum += count;
            }
            for (sums, bins) in total.histogram.iter_mut().zip(part.histogram) {
                for (sum, count) in sums.iter_mut().zip(bins) {
                    *sum += count;
                }
            }
        }
        total
    }
}

/// The histogram bin of a score on a positive scale: 20 equal bins, the top one closed.
pub fn histogram_bin(score: f64, scale: f64) -> usize {
    // Truncating a non-negative number is flooring it, without a libm call.
    let bin = ((score / scale) * HISTOGRAM_BINS as f64).max(0.0);
    (bin as usize).min(HISTOGRAM_BINS - 1)
}

/// The smallest share of work worth a thread of its own.
const MIN_ROWS_PER_THREAD: usize = 50_000;

/// Runs `work(start_row, chunk)` over `items` split across the machine's cores (the caller's
/// thread alone for small inputs). Each chunk is processed exactly as the whole would be, so the
/// results do not depend on the number of threads.
pub fn for_each_chunk<T: Send>(items: &mut [T], work: impl Fn(usize, &mut [T]) + Sync) {
    map_chunks(items, work);
}

/// Like [`for_each_chunk`], returning each chunk's result in order.
pub fn map_chunks<T: Send, R: Send>(
    items: &mut [T],
    work: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items
        .len()
        .div_ceil(threads.max(1))
        .max(MIN_ROWS_PER_THREAD);
    if items.len() <= chunk {
        return vec![work(0, items)];
    }
    std::thread::scope(|scope| {
        let work = &work;
        let mut parts = items.chunks_mut(chunk).enumerate();
        // The calling thread takes the first chunk instead of waiting idle.
        let first = parts.next();
        let handles: Vec<_> = parts
            .map(|(index, part)| scope.spawn(move || work(index * chunk, part)))
            .collect();
        let mut results = Vec::with_capacity(handles.len() + 1);
        if let Some((_, part)) = first {
            results.push(work(0, part));
        }
        for handle in handles {
            match handle.join() {
                Ok(result) => results.push(result),
                // A worker only panics on a bug; surface it where it happened.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        results
    })
}

/// Rows per block in the blocked passes: the per-lead sums stay in the processor's cache.
const BLOCK: usize = 4096;

/// A lead's engagement under one model's engagement rules.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Engagement {
    /// Points, capped and rounded.
    pub points: f64,
    /// The points as a share of the engagement maximum, the engagement part of the total before
    /// weighting (kept so that re-weighting needs no division per lead).
    share: f64,
}

/// Every lead's engagement, into `out` (one per lead, reusing its memory). It depends only on
/// the engagement rules and maximum, so a fit, mix, threshold or gate change can keep it and
/// call [`finish_scores`] alone.
pub fn engagement_scores(model: &Model, evaluation: &Evaluation, out: &mut Vec<Engagement>) {
    out.resize(evaluation.lead_count, Engagement::default());
    let rules: Vec<(PointsRule, &ActivityCounts)> = model
        .engagement
        .rules
        .iter()
        .zip(&evaluation.engagement_counts)
        .filter(|(rule, _)| rule.enabled)
        .map(|(rule, counts)| (PointsRule::new(rule), counts))
        .collect();
    let max = model.engagement.max_points;
    let engagement_of = |points: f64| Engagement {
        points,
        share: share(points, max),
    };
    let table = ByHundredths::new(max, engagement_of);
    for_each_chunk(out, |start, part| {
        engagement_range(&rules, start, part, |sum| {
            table.round2(sum.clamp(0.0, max.max(0.0)), engagement_of)
        });
    });
}

/// Engagement for the leads `start..start + out.len()`, a cache-sized block at a time.
fn engagement_range(
    rules: &[(PointsRule, &ActivityCounts)],
    start: usize,
    out: &mut [Engagement],
    finish: impl Fn(f64) -> Engagement,
) {
    let mut sums = [0.0f64; BLOCK];
    // Per rule, where its active leads reach this range.
    let mut cursors: Vec<usize> = rules
        .iter()
        .map(|(_, counts)| counts.rows.partition_point(|&r| (r as usize) < start))
        .collect();
    for (block_index, block) in out.chunks_mut(BLOCK).enumerate() {
        let first = start + block_index * BLOCK;
        let end = first + block.len();
        let sums = &mut sums[..block.len()];
        sums.fill(0.0);
        // Only the leads that did the activity: the same additions, in rule order, as `explain`.
        for (&(rule, counts), cursor) in rules.iter().zip(cursors.iter_mut()) {
            let rows = counts.rows.get(*cursor..).unwrap_or_default();
            let values = counts.counts.get(*cursor..).unwrap_or_default();
            // One loop per way of counting, so the loop itself has no decision to make.
            let (points, low, high) = (rule.points, rule.low, rule.high);
            *cursor += match rule.counting {
                Counting::PerOccurrence => add_points(rows, values, first, end, sums, |count| {
                    (points * count).clamp(low, high)
                }),
                Counting::Once => add_points(rows, values, first, end, sums, |count| {
                    (points * count.min(1.0)).clamp(low, high)
                }),
                Counting::AtLeast(n) => add_points(rows, values, first, end, sums, |count| {
                    at_least(points, count, n).clamp(low, high)
                }),
            };
        }
        for (slot, &sum) in block.iter_mut().zip(sums.iter()) {
            *slot = finish(sum);
        }
    }
}

/// Adds `points(count)` to the sums of the rows before `end`; returns how many rows it took.
#[inline]
fn add_points(
    rows: &[u32],
    counts: &[f64],
    first: usize,
    end: usize,
    sums: &mut [f64],
    points: impl Fn(f64) -> f64,
) -> usize {
    let mut taken = 0;
    for (&row, &count) in rows.iter().zip(counts) {
        let row = row as usize;
        if row >= end {
            break;
        }
        if let Some(sum) = sums.get_mut(row - first) {
            *sum += points(count);
        }
        taken += 1;
    }
    taken
}

/// What every lead with one fit-and-override pattern shares.
#[derive(Clone, Copy, Debug)]
struct PatternScore {
    fit: f64,
    /// The fit part of the total before scaling: `fit_weight × fit / fit max`.
    fit_term: f64,
    fit_grade: u8,
    /// The fit gate passes (or there is none).
    fit_gate: bool,
    /// The status an override forces, if one fires.
    forced: Option<Status>,
}

/// Scores each fit-and-override pattern once, from one lead that has it.
fn pattern_scores(model: &Model, evaluation: &Evaluation) -> Vec<PatternScore> {
    let fit_max = model.fit.max_points;
    evaluation
        .pattern_rows
        .iter()
        .map(|&row| {
            let row = row as usize;
            let fired = |matches: &Vec<bool>| matches.get(row).copied().unwrap_or(false);
            let mut fit_raw = 0.0;
            for (rule, matches) in model.fit.rules.iter().zip(&evaluation.fit_matches) {
                if rule.enabled && fired(matches) {
                    fit_raw += rule.points;
                }
            }
            let mut disqualified = false;
            let mut fast_tracked = false;
            for (rule, matches) in model.overrides.iter().zip(&evaluation.override_matches) {
                if rule.enabled && fired(matches) {
                    match rule.action {
                        OverrideAction::Disqualify => disqualified = true,
                        OverrideAction::FastTrack => fast_tracked = true,
                    }
                }
            }
            let fit = round2(fit_raw.clamp(0.0, fit_max.max(0.0)));
            // The order of `status_of`: a disqualifier beats a fast-track.
            let forced = if disqualified {
                Some(Status::Disqualified)
            } else if fast_tracked {
                Some(Status::FastTracked)
            } else {
                None
            };
            PatternScore {
                fit,
                fit_term: model.combine.fit_weight * share(fit, fit_max),
                fit_grade: band_index(&model.fit_grades, fit),
                fit_gate: model.combine.min_fit.is_none_or(|gate| fit >= gate),
                forced,
            }
        })
        .collect()
}

/// Scores every lead from its fit-and-override pattern and its engagement (from
/// [`engagement_scores`] under the same model), into `scores`, and returns the status counts and
/// histogram, gathered in the same pass.
pub fn finish_scores(
    model: &Model,
    evaluation: &Evaluation,
    engagement: &[Engagement],
    scores: &mut Vec<LeadScore>,
) -> Summary {
    scores.resize(evaluation.lead_count, PLACEHOLDER_SCORE);
    let patterns = pattern_scores(model, evaluation);
    let level_minimums: Vec<f64> = model
        .engagement_levels
        .iter()
        .map(|band| band.min_points)
        .collect();
    let parts = map_chunks(scores, |start, part| {
        let rows = start..start + part.len();
        let mut summary = Summary::default();
        finish_range(
            model,
            &patterns,
            &level_minimums,
            evaluation
                .lead_patterns
                .get(rows.clone())
                .unwrap_or_default(),
            engagement.get(rows).unwrap_or_default(),
            part,
            &mut summary,
        );
        summary
    });
    Summary::merged(parts)
}

/// The final pass, in two simple loops per block so that the processor overlaps many leads
/// (one long chain of divisions and comparisons per lead ran at a third of the speed).
fn finish_range(
    model: &Model,
    patterns: &[PatternScore],
    level_minimums: &[f64],
    pattern_ids: &[u32],
    engagement: &[Engagement],
    out: &mut [LeadScore],
    summary: &mut Summary,
) {
    const STEP: usize = 1024;
    let combine = &model.combine;
    let (engagement_weight, scale) = (combine.engagement_weight, combine.scale);
    let threshold = combine.mql_threshold;
    // `status_of` compares with `threshold - nurture_band`: the same subtraction, done once.
    let nurture_floor = threshold - combine.nurture_band;
    let binned = scale > 0.0 && scale.is_finite();
    // A total and its histogram bin.
    let bin_of = |total: f64| {
        let bin = if binned {
            histogram_bin(total, scale)
        } else {
            0
        };
        (total, bin as u8)
    };
    let highest = scale * (combine.fit_weight.max(0.0) + engagement_weight.max(0.0));
    let table = ByHundredths::new(highest, bin_of);
    let mut totals = [(0.0f64, 0u8); STEP];
    for ((out, pattern_ids), engagement) in out
        .chunks_mut(STEP)
        .zip(pattern_ids.chunks(STEP))
        .zip(engagement.chunks(STEP))
    {
        // The same operations, in the same order, as `total`.
        for ((total, &pattern), engagement) in totals.iter_mut().zip(pattern_ids).zip(engagement) {
            let fit_term = patterns.get(pattern as usize).map_or(0.0, |p| p.fit_term);
            *total = table.round2(
                (fit_term + engagement_weight * engagement.share) * scale,
                bin_of,
            );
        }
        for (((slot, &pattern), engagement), &(total, bin)) in
            out.iter_mut().zip(pattern_ids).zip(engagement).zip(&totals)
        {
            let Some(pattern) = patterns.get(pattern as usize) else {
                continue;
            };
            let points = engagement.points;
            let engagement_gate = combine.min_engagement.is_none_or(|gate| points >= gate);
            // Selects rather than branches: whether a lead is an MQL is a coin toss for the
            // branch predictor.
            let mql = (total >= threshold) & pattern.fit_gate & engagement_gate;
            let by_score = if mql {
                Status::Mql
            } else if total >= nurture_floor {
                Status::Nurture
            } else {
                Status::Lead
            };
            let status = pattern.forced.unwrap_or(by_score);
            *slot = LeadScore {
                fit: pattern.fit,
                engagement: points,
                score: total,
                status,
                fit_grade: pattern.fit_grade,
                engagement_level: first_band_reached(level_minimums, points),
            };
            summary.counts[status.index()] += 1;
            if binned {
                summary.histogram[status.index()][bin as usize] += 1;
            }
        }
    }
}

/// [`band_index`] from the bands' minimums, without early exit (a handful of bands, and no
/// unpredictable branch).
#[inline]
fn first_band_reached(minimums: &[f64], points: f64) -> u8 {
    let mut found = minimums.len().saturating_sub(1);
    for (index, &minimum) in minimums.iter().enumerate().rev() {
        if points >= minimum {
            found = index;
        }
    }
    found as u8
}

/// How many leads have each status, indexed by [`Status::index`].
pub fn status_counts(scores: &[LeadScore]) -> [usize; 5] {
    let mut counts = [0usize; 5];
    for score in scores {
        counts[score.status.index()] += 1;
    }
    counts
}

// ---------------------------------------------------------------------------------------------
// The simple path: one lead, with reasons.

/// Which part of the model a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Fit,
    Engagement,
}

/// One rule's part in a lead's score.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleContribution {
    pub id: String,
    pub label: String,
    pub section: Section,
    pub enabled: bool,
    pub fired: bool,
    /// Points added (negative: taken away), before the sub-score cap.
    pub points: f64,
    /// What the rule saw, e.g. `job_title "VP Sales" contains any of VP` or `3 in the last 14 days`.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OverrideResult {
    pub id: String,
    pub label: String,
    pub action: OverrideAction,
    pub enabled: bool,
    pub fired: bool,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GateResult {
    pub name: &'static str,
    pub required: f64,
    pub actual: f64,
    pub passed: bool,
}

/// Why a lead has its score and status.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    pub lead_id: String,
    pub as_of: i32,
    pub score: LeadScore,
    pub grade: String,
    /// Fit points before the cap (and before the floor at 0).
    pub fit_raw: f64,
    pub engagement_raw: f64,
    pub rules: Vec<RuleContribution>,
    pub overrides: Vec<OverrideResult>,
    pub gates: Vec<GateResult>,
    /// Score minus threshold: negative when below.
    pub distance_to_threshold: f64,
    /// One sentence: why this status.
    pub reason: String,
}

/// Scores one lead directly from its cells, listing every rule (fired or not).
pub fn explain(model: &Model, leads: &LeadSet, row: usize, as_of: i32) -> Explanation {
    let specs = &model.fields;
    let mut rules = Vec::new();
    let mut fit_raw = 0.0;
    for rule in &model.fit.rules {
        let column = leads
            .column_for(&rule.field, specs)
            .and_then(|i| leads.columns.get(i));
        let cell = column.map_or(Cell::Missing, |c| c.cell(row));
        let fired = PreparedCondition::new(&rule.condition).holds(cell);
        let points = if fired { rule.points } else { 0.0 };
        if rule.enabled {
            fit_raw += points;
        }
        let value = if cell.is_missing() {
            "missing".to_owned()
        } else {
            format!("{:?}", cell.display())
        };
        rules.push(RuleContribution {
            id: rule.id.clone(),
            label: display_label(&rule.label, &rule.id),
            section: Section::Fit,
            enabled: rule.enabled,
            fired,
            points,
            detail: format!(
                "{} is {value}; rule: {}",
                rule.field,
                rule.condition.describe()
            ),
        });
    }
    let mut engagement_raw = 0.0;
    for rule in &model.engagement.rules {
        let source = activity_source(leads, &rule.activity, rule.count_column_name());
        let count = effective_count(&source, row, as_of, rule.window_days, rule.half_life_days);
        let points = if count != 0.0 {
            engagement_points(rule, count)
        } else {
            0.0
        };
        if rule.enabled {
            engagement_raw += points;
        }
        rules.push(RuleContribution {
            id: rule.id.clone(),
            label: display_label(&rule.label, &rule.id),
            section: Section::Engagement,
            enabled: rule.enabled,
            fired: points != 0.0,
            points,
            detail: engagement_detail(rule, &source, count),
        });
    }
    let mut overrides = Vec::new();
    let (mut disqualified, mut fast_tracked) = (false, false);
    for rule in &model.overrides {
        let fired = !rule.when.is_empty()
            && rule
                .when
                .iter()
                .all(|c| criterion_holds(c, leads, specs, row, as_of));
        if fired && rule.enabled {
            match rule.action {
                OverrideAction::Disqualify => disqualified = true,
                OverrideAction::FastTrack => fast_tracked = true,
            }
        }
        overrides.push(OverrideResult {
            id: rule.id.clone(),
            label: display_label(&rule.label, &rule.id),
            action: rule.action,
            enabled: rule.enabled,
            fired,
            detail: rule
                .when
                .iter()
                .map(Criterion::describe)
                .collect::<Vec<_>>()
                .join(" and "),
        });
    }
    let score = combine(model, fit_raw, engagement_raw, disqualified, fast_tracked);
    let mut gates = Vec::new();
    if let Some(required) = model.combine.min_fit {
        gates.push(GateResult {
            name: "minimum fit",
            required,
            actual: score.fit,
            passed: score.fit >= required,
        });
    }
    if let Some(required) = model.combine.min_engagement {
        gates.push(GateResult {
            name: "minimum engagement",
            required,
            actual: score.engagement,
            passed: score.engagement >= required,
        });
    }
    let distance_to_threshold = round2(score.score - model.combine.mql_threshold);
    let reason = reason(model, &score, &overrides, &gates, distance_to_threshold);
    Explanation {
        lead_id: leads.ids.get(row).cloned().unwrap_or_default(),
        as_of,
        grade: score.grade(model),
        score,
        fit_raw,
        engagement_raw,
        rules,
        overrides,
        gates,
        distance_to_threshold,
        reason,
    }
}

fn display_label(label: &str, id: &str) -> String {
    if label.trim().is_empty() {
        id.to_owned()
    } else {
        label.to_owned()
    }
}

fn engagement_detail(rule: &EngagementRule, source: &ActivitySource<'_>, count: f64) -> String {
    let counted = match source {
        ActivitySource::Events { .. } => {
            let mut scope = Vec::new();
            if let Some(days) = rule.window_days {
                scope.push(format!("in the last {days} days"));
            }
            if let Some(half_life) = rule.half_life_days {
                scope.push(format!("decayed, half-life {} days", fmt_number(half_life)));
            }
            let scope = if scope.is_empty() {
                String::new()
            } else {
                format!(" ({})", scope.join(", "))
            };
            format!("{} x{}{scope}", rule.activity, fmt_number(count))
        }
        ActivitySource::CountColumn(column) => {
            format!("{} = {} (count column)", column.name, fmt_number(count))
        }
        ActivitySource::Nothing => format!("no data for {}", rule.activity),
    };
    let how = match rule.counting {
        Counting::PerOccurrence => format!("{} each", fmt_number(rule.points)),
        Counting::Once => format!("{} once", fmt_number(rule.points)),
        Counting::AtLeast(n) => format!("{} at {n}+", fmt_number(rule.points)),
    };
    let cap = rule
        .cap
        .map(|c| format!(", cap {}", fmt_number(c)))
        .unwrap_or_default();
    format!("{counted}; {how}{cap}")
}

fn reason(
    model: &Model,
    score: &LeadScore,
    overrides: &[OverrideResult],
    gates: &[GateResult],
    distance: f64,
) -> String {
    let threshold = fmt_number(model.combine.mql_threshold);
    let total = fmt_number(score.score);
    let fired = |action: OverrideAction| {
        overrides
            .iter()
            .filter(|o| o.enabled && o.fired && o.action == action)
            .map(|o| o.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match score.status {
        Status::Disqualified => format!(
            "disqualified by {} (score {total} would not count)",
            fired(OverrideAction::Disqualify)
        ),
        Status::FastTracked => format!(
            "MQL now, fast-tracked by {} (score {total} of {threshold})",
            fired(OverrideAction::FastTrack)
        ),
        Status::Mql => format!("MQL: score {total} reaches the threshold {threshold}"),
        Status::Nurture => {
            let failed: Vec<String> = gates
                .iter()
                .filter(|g| !g.passed)
                .map(|g| {
                    format!(
                        "{} {} of {} needed",
                        g.name,
                        fmt_number(g.actual),
                        fmt_number(g.required)
                    )
                })
                .collect();
            if distance >= 0.0 && !failed.is_empty() {
                format!(
                    "nurture: score {total} reaches {threshold}, but held back by {}",
                    failed.join(", ")
                )
            } else {
                format!(
                    "nurture (near-MQL): {} points below the threshold {threshold}",
                    fmt_number(-distance)
                )
            }
        }
        Status::Lead => format!(
            "lead: score {total} is {} points below the threshold {threshold}",
            fmt_number(-distance)
        ),
    }
}

/// The whole explanation as text for a terminal.
pub fn explanation_text(model: &Model, explanation: &Explanation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let s = &explanation.score;
    let _ = writeln!(
        out,
        "Lead {} (as of {})",
        explanation.lead_id,
        format_day(explanation.as_of)
    );
    let _ = writeln!(
        out,
        "  status: {}   score: {} / {}   grade: {}",
        s.status.label(),
        fmt_number(s.score),
        fmt_number(model.combine.scale),
        explanation.grade
    );
    let _ = writeln!(out, "  why: {}", explanation.reason);
    for (section, title, raw, capped, max) in [
        (
            Section::Fit,
            "Fit",
            explanation.fit_raw,
            s.fit,
            model.fit.max_points,
        ),
        (
            Section::Engagement,
            "Engagement",
            explanation.engagement_raw,
            s.engagement,
            model.engagement.max_points,
        ),
    ] {
        let cap_note = if raw != capped {
            format!(
                " (raw {}, capped to 0..{})",
                fmt_number(raw),
                fmt_number(max)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "\n  {title}: {} of {}{cap_note}",
            fmt_number(capped),
            fmt_number(max)
        );
        for rule in explanation.rules.iter().filter(|r| r.section == section) {
            let mark = match (rule.enabled, rule.fired) {
                (false, _) => "off",
                (true, true) => " + ",
                (true, false) => " . ",
            };
            let points = if rule.fired {
                format!("{:>+7}", fmt_number(rule.points))
            } else {
                format!("{:>7}", "")
            };
            let _ = writeln!(out, "  {mark} {points}  {:<28} {}", rule.label, rule.detail);
        }
    }
    if !explanation.overrides.is_empty() {
        let _ = writeln!(out, "\n  Overrides:");
        for o in &explanation.overrides {
            let state = match (o.enabled, o.fired) {
                (false, _) => "off",
                (true, true) => "FIRED",
                (true, false) => "-",
            };
            let action = match o.action {
                OverrideAction::Disqualify => "disqualify",
                OverrideAction::FastTrack => "fast-track",
            };
            let _ = writeln!(
                out,
                "  {state:>5}  {action:<10} {:<28} {}",
                o.label, o.detail
            );
        }
    }
    for gate in &explanation.gates {
        let _ = writeln!(
            out,
            "  gate {}: {} of {} {}",
            gate.name,
            fmt_number(gate.actual),
            fmt_number(gate.required),
            if gate.passed { "passed" } else { "NOT passed" }
        );
    }
    let _ = writeln!(
        out,
        "\n  threshold {}: {} {}",
        fmt_number(model.combine.mql_threshold),
        fmt_number(explanation.distance_to_threshold.abs()),
        if explanation.distance_to_threshold >= 0.0 {
            "points above"
        } else {
            "points below"
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hundredths_table_gives_what_rounding_then_deriving_gives() {
        let derive = |points: f64| (points, points / 7.0);
        let table = ByHundredths::new(40.0, derive);
        let mut values = vec![
            0.0,
            -0.0,
            0.004,
            0.005,
            -0.004,
            -0.005,
            39.995,
            40.0,
            40.01,
            40.02,
            40.025,
            1e15,
            4.5e13,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.49999999999999994,
        ];
        // Every thousandth across the table and a little past it, both signs.
        values.extend((-500..=41_000).map(|i| f64::from(i) / 1000.0));
        for value in values {
            let (points, share) = table.round2(value, derive);
            let (want_points, want_share) = derive(round2(value));
            assert_eq!(points.to_bits(), want_points.to_bits(), "{value}");
            assert_eq!(share.to_bits(), want_share.to_bits(), "{value}");
        }
    }

    #[test]
    fn at_least_gives_the_points_or_positive_zero() {
        assert_eq!(at_least(5.0, 3.0, 3), 5.0);
        assert_eq!(at_least(-5.0, 3.0, 3), -5.0);
        assert_eq!(at_least(-5.0, 2.9, 3).to_bits(), 0.0f64.to_bits());
        assert_eq!(at_least(5.0, f64::NAN, 0).to_bits(), 0.0f64.to_bits());
    }
}
