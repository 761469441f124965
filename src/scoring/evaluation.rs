//! The column path's first step: an [`Evaluation`] decides every rule's condition for every
//! lead once (a match per fit rule and override, an effective activity count per engagement
//! rule), and after an edit re-decides only the rules whose conditions changed. A text
//! condition is decided once per distinct value of its column, not once per lead.

use std::collections::HashMap;

use super::arithmetic::{bounded, engagement_points};
use super::conditions::{MissingValues, PreparedCondition, activity_source, effective_count};
use crate::leads::{Cell, Column, ColumnData, LeadSet, MISSING_TEXT};
use crate::model::{Condition, Criterion, EngagementRule, FieldSpec, Model};
use crate::par::{for_each_chunk, map_chunks};

/// One engagement rule's effective count per lead, kept only for the leads whose count is not 0:
/// most leads did not do most things, so this is smaller than a column and rescoring visits only
/// these leads, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActivityCounts {
    /// Ascending.
    pub(super) rows: Vec<u32>,
    pub(super) counts: Vec<f64>,
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
    pub(super) lead_patterns: Vec<u32>,
    /// Per pattern: one lead that has it.
    pub(super) pattern_rows: Vec<u32>,
}

#[derive(Clone, Debug, Default)]
struct EvaluationKeys {
    fit: Vec<String>,
    engagement: Vec<String>,
    overrides: Vec<String>,
}

/// What a fit rule's matches depend on: its field, the column the field resolves to (which
/// changes when the model's field aliases change), its condition and, on a text column, the
/// model's missing values (`missing`, from [`missing_key`]).
fn fit_key(rule: &crate::model::FitRule, column: Option<usize>, missing: &str) -> String {
    format!(
        "{}\u{1f}{column:?}\u{1f}{:?}{missing}",
        rule.field, rule.condition
    )
}

/// The part of a key that the missing values make: empty unless one of `columns` holds text,
/// since only text cells can be on the list (so editing the list re-evaluates only the rules
/// that read text).
fn missing_key(leads: &LeadSet, columns: &[Option<usize>], missing: &MissingValues) -> String {
    let reads_text = columns.iter().any(|column| {
        column
            .and_then(|i| leads.columns.get(i))
            .is_some_and(|c| matches!(c.data, ColumnData::Text { .. }))
    });
    if reads_text {
        format!("\u{1f}missing:{:?}", missing.folded())
    } else {
        String::new()
    }
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

/// What an override's matches depend on: its criteria, the columns their fields resolve to and,
/// when one holds text, the model's missing values.
fn override_key(
    rule: &crate::model::Override,
    leads: &LeadSet,
    specs: &[FieldSpec],
    missing: &MissingValues,
) -> String {
    let columns: Vec<Option<usize>> = rule
        .when
        .iter()
        .map(|criterion| match criterion {
            Criterion::Field { field, .. } => leads.column_for(field, specs),
            Criterion::Activity { .. } => None,
        })
        .collect();
    let missing = missing_key(leads, &columns, missing);
    format!("{:?}\u{1f}{columns:?}{missing}", rule.when)
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
        let missing = MissingValues::of(model);
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
            let key = fit_key(
                rule,
                column_index,
                &missing_key(leads, &[column_index], &missing),
            );
            let column = old_fit.get_mut(&key).and_then(Vec::pop).unwrap_or_else(|| {
                evaluated += 1;
                patterns_stale = true;
                let column = column_index.and_then(|i| leads.columns.get(i));
                condition_column(column, &rule.condition, &missing, lead_count)
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
            let key = override_key(rule, leads, specs, &missing);
            let column = old_overrides
                .get_mut(&key)
                .and_then(Vec::pop)
                .unwrap_or_else(|| {
                    evaluated += 1;
                    patterns_stale = true;
                    override_column(rule, leads, specs, &missing, as_of)
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

    /// What each enabled rule that fired for lead `row` gave, before the caps: the label and
    /// the points of fit rules, then engagement rules, in model order (rules that gave 0 are
    /// left out), as `explain` reports them.
    pub fn fired_points<'m>(&self, model: &'m Model, row: usize) -> Vec<(&'m str, f64)> {
        let mut out = Vec::new();
        for (rule, matches) in model.fit.rules.iter().zip(&self.fit_matches) {
            let points = bounded(rule.points);
            if rule.enabled && matches.get(row).copied().unwrap_or(false) && points != 0.0 {
                out.push((rule.label.as_str(), points));
            }
        }
        for (rule, counts) in model.engagement.rules.iter().zip(&self.engagement_counts) {
            let count = counts.get(row);
            if rule.enabled && count != 0.0 {
                let points = engagement_points(rule, count);
                if points != 0.0 {
                    out.push((rule.label.as_str(), points));
                }
            }
        }
        out
    }

    /// The enabled overrides that fired for lead `row`, in model order.
    pub fn fired_overrides<'m>(
        &self,
        model: &'m Model,
        row: usize,
    ) -> Vec<&'m crate::model::Override> {
        model
            .overrides
            .iter()
            .zip(&self.override_matches)
            .filter(|(rule, matches)| rule.enabled && matches.get(row).copied().unwrap_or(false))
            .map(|(rule, _)| rule)
            .collect()
    }

    fn push_fired_rule_ids<'m>(
        &self,
        model: &'m Model,
        row: usize,
        mut cursors: Option<&mut Vec<usize>>,
        ids: &mut Vec<&'m str>,
    ) {
        for (rule, matches) in model.fit.rules.iter().zip(&self.fit_matches) {
            // The points as the scorer uses them (a `NaN` is 0: see `arithmetic::bounded`).
            if rule.enabled
                && matches.get(row).copied().unwrap_or(false)
                && bounded(rule.points) != 0.0
            {
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
    missing: &MissingValues,
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
                condition_column(column, condition, missing, lead_count)
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
/// Decides a condition for every lead, once per distinct value for text columns (so a value on
/// the model's missing list costs one lookup per distinct value, not one per lead).
fn condition_column(
    column: Option<&Column>,
    condition: &Condition,
    missing: &MissingValues,
    lead_count: usize,
) -> Vec<bool> {
    let prepared = PreparedCondition::new(condition, missing);
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
