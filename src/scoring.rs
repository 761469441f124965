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

/// `f64::round` (half away from zero), without a libm call in the common case: it runs once per
/// lead and sub-score on every rescore.
#[inline]
fn round_half_away(value: f64) -> f64 {
    // Below 2^52 every double has an exact integer part and an exact fraction.
    if value.abs() < 4_503_599_627_370_496.0 {
        let whole = value as i64 as f64; // truncates toward zero
        let fraction = value - whole; // exact
        if fraction >= 0.5 {
            whole + 1.0
        } else if fraction <= -0.5 {
            whole - 1.0
        } else if whole == 0.0 {
            // Keep the sign of zero, as `round` does (-0.3 rounds to -0.0).
            0.0f64.copysign(value)
        } else {
            whole
        }
    } else {
        value.round()
    }
}

/// The points an engagement rule gives for an effective count.
pub fn engagement_points(rule: &EngagementRule, effective_count: f64) -> f64 {
    let raw = match rule.counting {
        Counting::PerOccurrence => rule.points * effective_count,
        Counting::Once => rule.points * effective_count.min(1.0),
        Counting::AtLeast(n) => {
            if effective_count >= f64::from(n) {
                rule.points
            } else {
                0.0
            }
        }
    };
    match rule.cap {
        Some(cap) if cap > 0.0 => raw.clamp(-cap, cap),
        _ => raw,
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
    let share = |points: f64, max: f64| if max > 0.0 { points / max } else { 0.0 };
    let c = &model.combine;
    round2(
        (c.fit_weight * share(fit, model.fit.max_points)
            + c.engagement_weight * share(engagement, model.engagement.max_points))
            * c.scale,
    )
}

/// The gates a lead must pass to be an MQL on score.
pub fn gates_pass(model: &Model, fit: f64, engagement: f64) -> bool {
    model.combine.min_fit.is_none_or(|gate| fit >= gate)
        && model
            .combine
            .min_engagement
            .is_none_or(|gate| engagement >= gate)
}

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

/// Every rule's condition decided for every lead, for one model's conditions and one as-of date.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    pub lead_count: usize,
    pub as_of: i32,
    /// Per fit rule (model order): does the lead match?
    pub fit_matches: Vec<Vec<bool>>,
    /// Per engagement rule: the lead's effective activity count.
    pub engagement_counts: Vec<Vec<f64>>,
    /// Per override: do all its criteria hold?
    pub override_matches: Vec<Vec<bool>>,
    /// What the rules read that the leads do not have, e.g. a missing column.
    pub warnings: Vec<String>,
    keys: EvaluationKeys,
    /// Per engagement rule: the rows whose count is not 0, ascending (most leads did not do
    /// most things, so rescoring visits only these).
    engagement_active: Vec<Vec<u32>>,
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
/// The rows of a column whose value is not 0, ascending.
fn active_rows(column: &[f64]) -> Vec<u32> {
    column
        .iter()
        .enumerate()
        .filter(|(_, count)| **count != 0.0)
        .map(|(row, _)| row as u32)
        .collect()
}

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
                let column = column_index.and_then(|i| leads.columns.get(i));
                condition_column(column, &rule.condition, lead_count)
            });
            self.fit_matches.push(column);
            fit_keys.push(key);
        }
        self.keys.fit = fit_keys;

        let old_columns = std::mem::take(&mut self.engagement_counts);
        let mut old_active = std::mem::take(&mut self.engagement_active);
        old_active.resize_with(old_columns.len(), Vec::new);
        let mut old_engagement = columns_by_key(
            std::mem::take(&mut self.keys.engagement),
            old_columns.into_iter().zip(old_active).collect(),
        );
        let mut engagement_keys = Vec::with_capacity(model.engagement.rules.len());
        for rule in &model.engagement.rules {
            let key = engagement_key(rule);
            let (column, active) = old_engagement
                .get_mut(&key)
                .and_then(Vec::pop)
                .filter(|(column, active)| column.len() == lead_count && active.len() <= lead_count)
                .unwrap_or_else(|| {
                    evaluated += 1;
                    let source = activity_source(leads, &rule.activity, rule.count_column_name());
                    let mut column = vec![0.0; lead_count];
                    for_each_chunk(&mut column, |start, part| {
                        for (offset, slot) in part.iter_mut().enumerate() {
                            *slot = effective_count(
                                &source,
                                start + offset,
                                as_of,
                                rule.window_days,
                                rule.half_life_days,
                            );
                        }
                    });
                    let active = active_rows(&column);
                    (column, active)
                });
            self.engagement_counts.push(column);
            self.engagement_active.push(active);
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
                    override_column(rule, leads, specs, as_of)
                });
            self.override_matches.push(column);
            override_keys.push(key);
        }
        self.keys.overrides = override_keys;
        self.warnings = data_warnings(model, leads);
        evaluated
    }

    /// The ids of the rules and overrides that fired for a lead, in model order.
    pub fn fired_rule_ids<'m>(&self, model: &'m Model, row: usize) -> Vec<&'m str> {
        let mut ids = Vec::new();
        for (rule, matches) in model.fit.rules.iter().zip(&self.fit_matches) {
            if rule.enabled && matches.get(row).copied().unwrap_or(false) && rule.points != 0.0 {
                ids.push(rule.id.as_str());
            }
        }
        for (rule, counts) in model.engagement.rules.iter().zip(&self.engagement_counts) {
            let count = counts.get(row).copied().unwrap_or(0.0);
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
        ids
    }
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
    let placeholder = LeadScore {
        fit: 0.0,
        engagement: 0.0,
        score: 0.0,
        status: Status::Lead,
        fit_grade: 0,
        engagement_level: 0,
    };
    let mut scores = vec![placeholder; evaluation.lead_count];
    for_each_chunk(&mut scores, |start, part| {
        score_range(model, evaluation, start, part);
    });
    scores
}

/// The smallest share of work worth a thread of its own.
const MIN_ROWS_PER_THREAD: usize = 50_000;

/// Runs `work(start_row, chunk)` over `items` split across the machine's cores (the caller's
/// thread alone for small inputs). Each chunk is processed exactly as the whole would be, so the
/// results do not depend on the number of threads.
pub fn for_each_chunk<T: Send>(items: &mut [T], work: impl Fn(usize, &mut [T]) + Sync) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items
        .len()
        .div_ceil(threads.max(1))
        .max(MIN_ROWS_PER_THREAD);
    if items.len() <= chunk {
        work(0, items);
        return;
    }
    std::thread::scope(|scope| {
        let work = &work;
        for (index, part) in items.chunks_mut(chunk).enumerate() {
            scope.spawn(move || work(index * chunk, part));
        }
    });
}

/// An enabled engagement rule with its counts and, when known, the rows that did the activity.
type EnabledEngagementRule<'a> = (&'a EngagementRule, &'a [f64], Option<&'a [u32]>);

/// Scores the leads `start..start + out.len()` into `out`, a cache-sized block at a time so the
/// per-lead sums stay in the processor's cache.
fn score_range(model: &Model, evaluation: &Evaluation, start: usize, out: &mut [LeadScore]) {
    const BLOCK: usize = 4096;
    let mut fit_raw = [0.0f64; BLOCK];
    let mut engagement_raw = [0.0f64; BLOCK];
    let mut disqualified = [false; BLOCK];
    let mut fast_tracked = [false; BLOCK];
    let engagement_rules: Vec<EnabledEngagementRule<'_>> = model
        .engagement
        .rules
        .iter()
        .zip(&evaluation.engagement_counts)
        .enumerate()
        .filter(|(_, (rule, _))| rule.enabled)
        .map(|(index, (rule, counts))| {
            let active = evaluation
                .engagement_active
                .get(index)
                .filter(|_| counts.len() == evaluation.lead_count)
                .map(Vec::as_slice);
            (rule, counts.as_slice(), active)
        })
        .collect();
    // Per rule, where its active rows reach this block.
    let mut cursors: Vec<usize> = engagement_rules
        .iter()
        .map(|(_, _, active)| active.map_or(0, |a| a.partition_point(|&r| (r as usize) < start)))
        .collect();
    for (block_index, block) in out.chunks_mut(BLOCK).enumerate() {
        let len = block.len();
        let rows = start + block_index * BLOCK..start + block_index * BLOCK + len;
        let fit_raw = &mut fit_raw[..len];
        let engagement_raw = &mut engagement_raw[..len];
        let disqualified = &mut disqualified[..len];
        let fast_tracked = &mut fast_tracked[..len];
        fit_raw.fill(0.0);
        engagement_raw.fill(0.0);
        disqualified.fill(false);
        fast_tracked.fill(false);
        for (rule, matches) in model.fit.rules.iter().zip(&evaluation.fit_matches) {
            if !rule.enabled {
                continue;
            }
            let points = rule.points;
            let matches = matches.get(rows.clone()).unwrap_or_default();
            // Adding 0.0 leaves a sum unchanged, so this branch-free form equals "add when
            // matched".
            for (sum, &matched) in fit_raw.iter_mut().zip(matches) {
                *sum += if matched { points } else { 0.0 };
            }
        }
        for ((rule, counts, active), cursor) in engagement_rules.iter().zip(cursors.iter_mut()) {
            match active {
                // Only the leads that did the activity: the same additions, in rule order.
                Some(active) => {
                    while let Some(&row) = active.get(*cursor) {
                        let row = row as usize;
                        if row >= rows.end {
                            break;
                        }
                        if let (Some(sum), Some(&count)) =
                            (engagement_raw.get_mut(row - rows.start), counts.get(row))
                        {
                            *sum += engagement_points(rule, count);
                        }
                        *cursor += 1;
                    }
                }
                None => {
                    let counts = counts.get(rows.clone()).unwrap_or_default();
                    for (sum, &count) in engagement_raw.iter_mut().zip(counts) {
                        if count != 0.0 {
                            *sum += engagement_points(rule, count);
                        }
                    }
                }
            }
        }
        for (rule, matches) in model.overrides.iter().zip(&evaluation.override_matches) {
            if !rule.enabled {
                continue;
            }
            let target: &mut [bool] = match rule.action {
                OverrideAction::Disqualify => disqualified,
                OverrideAction::FastTrack => fast_tracked,
            };
            let matches = matches.get(rows.clone()).unwrap_or_default();
            for (flag, &matched) in target.iter_mut().zip(matches) {
                *flag |= matched;
            }
        }
        for (i, slot) in block.iter_mut().enumerate() {
            *slot = combine(
                model,
                fit_raw[i],
                engagement_raw[i],
                disqualified[i],
                fast_tracked[i],
            );
        }
    }
}

/// True when two models give every lead the same fit, engagement and total (given the same
/// evaluation): same points, caps, counting, enabled rules, mix and scale. Thresholds, gates,
/// bands and overrides may differ: [`restatus`] handles those.
pub fn same_scores(a: &Model, b: &Model) -> bool {
    let fit = |m: &Model| -> Vec<(f64, bool)> {
        m.fit.rules.iter().map(|r| (r.points, r.enabled)).collect()
    };
    let engagement = |m: &Model| -> Vec<(f64, Option<f64>, Counting, bool)> {
        m.engagement
            .rules
            .iter()
            .map(|r| (r.points, r.cap, r.counting, r.enabled))
            .collect()
    };
    a.fit.max_points == b.fit.max_points
        && a.engagement.max_points == b.engagement.max_points
        && a.combine.scale == b.combine.scale
        && a.combine.fit_weight == b.combine.fit_weight
        && a.combine.engagement_weight == b.combine.engagement_weight
        && fit(a) == fit(b)
        && engagement(a) == engagement(b)
}

/// Recomputes statuses and grades after a threshold, nurture band, gate, band or override
/// change, keeping fit, engagement and totals (valid when [`same_scores`] holds against the
/// model they were computed with). The same results as [`score_all`], at a fraction of the cost.
pub fn restatus(model: &Model, evaluation: &Evaluation, scores: &mut [LeadScore]) {
    for_each_chunk(scores, |start, part| {
        let rows = start..start + part.len();
        let mut disqualified = vec![false; part.len()];
        let mut fast_tracked = vec![false; part.len()];
        for (rule, matches) in model.overrides.iter().zip(&evaluation.override_matches) {
            if !rule.enabled {
                continue;
            }
            let target = match rule.action {
                OverrideAction::Disqualify => &mut disqualified,
                OverrideAction::FastTrack => &mut fast_tracked,
            };
            let matches = matches.get(rows.clone()).unwrap_or_default();
            for (flag, &matched) in target.iter_mut().zip(matches) {
                *flag |= matched;
            }
        }
        for (i, score) in part.iter_mut().enumerate() {
            score.status = status_of(
                model,
                score.fit,
                score.engagement,
                score.score,
                disqualified[i],
                fast_tracked[i],
            );
            score.fit_grade = band_index(&model.fit_grades, score.fit);
            score.engagement_level = band_index(&model.engagement_levels, score.engagement);
        }
    });
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
