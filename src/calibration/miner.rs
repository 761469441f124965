//! The rule miner: for one column of the leads, how often leads reached SQL per value (text and
//! yes/no columns) or per range (numbers and dates), over the leads **with an outcome**, with an
//! interval, the lift over the overall rate and the points the data suggests; and the fit rule
//! that would score one such finding (see `docs/calibration.md`, *the miner*, for every number).
//!
//! - a text column: the [`TOP_VALUES`] values with the most leads (compared as the scorer
//!   compares text: trimmed, ignoring case), then "other" (the remaining values) and "missing"
//!   (empty cells and the model's `missing_values`, as the scorer reads them);
//! - a yes/no column: yes, no and missing;
//! - a number or date column (or a text column whose values are all numbers): up to
//!   [`MAX_BINS`] quantile bins, a value never split across two bins; then adjacent bins merged,
//!   the most alike pair first, while a pooled two-proportion z-test cannot tell them apart at
//!   the 5 % level; and "missing".
//!
//! Points are withheld from a value with fewer than [`MIN_LEADS_FOR_POINTS`] leads with an
//! outcome: a handful of leads suggests large points by chance.

use std::collections::HashMap;

use crate::calibration::points_from_odds;
use crate::calibration::quality::{Z_95, wilson_interval};
use crate::leads::{
    ColumnData, LeadSet, MISSING_BOOL, MISSING_DATE, MISSING_TEXT, format_day,
    is_outcome_or_verdict_header, normalize_name, parse_number,
};
use crate::model::{Criterion, FieldKind, Model, fmt_number};
use crate::scoring::MissingValues;
use crate::text::quoted;

mod build;
mod rule;

pub use build::{Baseline, ColumnRules, model_with_mined_rules};
pub use rule::{MinedRule, rule_for};

/// Below this many leads with an outcome a value gets no suggested points: the calibration's one
/// minimum ([`MIN_LEADS`](crate::calibration::quality::MIN_LEADS), 30).
pub const MIN_LEADS_FOR_POINTS: usize = crate::calibration::quality::MIN_LEADS;
/// The most text values shown one by one; the rest are "other".
pub const TOP_VALUES: usize = 12;
/// The most quantile bins a numeric column starts with, before merging.
pub const MAX_BINS: usize = 10;
/// Adjacent bins whose two-proportion |z| is below this (two-sided 5 %) are merged.
pub const MERGE_Z: f64 = Z_95;

/// Which leads a finding counts.
#[derive(Clone, Debug, PartialEq)]
pub enum Bucket {
    /// One text value, spelled as most of its leads spell it (matched trimmed, ignoring case).
    Value(String),
    /// A yes/no column's yes (`true`) or no.
    Flag(bool),
    /// A range of a number or date column.
    Range(Range),
    /// The text values after the top ones (`values` of them), together.
    Other { values: usize },
    /// Leads without a value.
    Missing,
}

/// A bin of a number or date column. Ends are open (`None`) at the first and the last bin. For
/// whole numbers (and dates) the bins tile the line: a bin ends one below where the next starts.
/// With fractions a bin ends at its largest value seen, so a value between two bins falls in
/// neither.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The smallest and largest values seen in the bin.
    pub lowest: f64,
    pub highest: f64,
    /// A date column: the bounds are day numbers, shown as dates.
    pub dates: bool,
}

impl Range {
    /// Whether a value falls in the bin.
    pub fn contains(&self, value: f64) -> bool {
        self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
    }

    /// The bin in words: `200–999`, `up to 199`, `1000 or more`, `any value`.
    pub fn text(&self) -> String {
        let show = |v: f64| {
            if self.dates {
                format_day(v as i32)
            } else {
                fmt_number(v)
            }
        };
        let (below, above) = if self.dates {
            ("until", "or later")
        } else {
            ("up to", "or more")
        };
        match (self.min, self.max) {
            (None, None) => "any value".to_owned(),
            (None, Some(max)) => format!("{below} {}", show(max)),
            (Some(min), None) => format!("{} {above}", show(min)),
            (Some(min), Some(max)) if min == max => show(min),
            (Some(min), Some(max)) => format!("{}–{}", show(min), show(max)),
        }
    }
}

/// Why a finding has no suggested points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withheld {
    /// Fewer than [`MIN_LEADS_FOR_POINTS`] leads with an outcome.
    TooFewLeads { leads: usize },
    /// The data cannot compare it with the rest: every lead is in it, or no lead (or every lead)
    /// reached SQL.
    NoContrast,
}

impl Withheld {
    pub fn text(&self) -> String {
        match self {
            Withheld::TooFewLeads { leads } => {
                format!("too few leads ({leads} with an outcome, {MIN_LEADS_FOR_POINTS} needed)")
            }
            Withheld::NoContrast => "nothing to compare with".to_owned(),
        }
    }
}

/// One value or bin of a column, over the leads with an outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub bucket: Bucket,
    /// The value or bin in words: `SaaS`, `200–999`, `other (3 values)`, `missing`.
    pub label: String,
    /// Leads with an outcome in it (its support).
    pub leads: usize,
    /// Of those, leads that reached SQL.
    pub sqls: usize,
    /// `sqls / leads`.
    pub rate: f64,
    /// The 95 % Wilson interval of the rate.
    pub interval: (f64, f64),
    /// `rate / the column's overall rate`; `None` when no lead reached SQL.
    pub lift: Option<f64>,
    /// `points_from_odds` of these leads against the column's other leads with an outcome.
    pub suggested_points: Option<f64>,
    /// Why there are no suggested points, when there are none.
    pub withheld: Option<Withheld>,
}

/// What the miner finds in one column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnMining {
    /// The column's header (after any `--map` renaming).
    pub column: String,
    /// The column's type.
    pub kind: FieldKind,
    /// The model field that reads the column, if one does.
    pub field: Option<String>,
    /// Leads with an outcome, and those that reached SQL.
    pub leads: usize,
    pub sqls: usize,
    /// Values (by leads, most first) or bins (in order), then other and missing.
    pub findings: Vec<Finding>,
    /// How well the column separates SQLs from the rest (see [`information_value`]).
    pub information_value: f64,
}

impl ColumnMining {
    /// `sqls / leads`; `None` without leads.
    pub fn overall_rate(&self) -> Option<f64> {
        (self.leads > 0).then(|| self.sqls as f64 / self.leads as f64)
    }
}

/// Why a column cannot be mined or a finding cannot become a rule.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MineError {
    #[error("the leads have no column {}", quoted(.name))]
    UnknownColumn { name: String },
    #[error("{} holds lead ids, outcomes or verdicts: no rule reads it", quoted(.name))]
    NotMinable { name: String },
    #[error("\"other\" lumps values whose rates differ: add a rule for one value at a time")]
    Other,
    #[error("no points to suggest for {}: {}", quoted(.label), .reason.text())]
    NoPoints { label: String, reason: Withheld },
    #[error("one bin covers every value of {}: only a rule on \"missing\" can tell leads apart", quoted(.column))]
    WholeRange { column: String },
    #[error("a bound of {} is not a finite number", quoted(.label))]
    NotFinite { label: String },
}

// ---------------------------------------------------------------------------------------------
// Mining.

/// The leads with an outcome: (row, reached SQL), in row order.
fn outcome_rows(leads: &LeadSet) -> Vec<(usize, bool)> {
    (0..leads.len())
        .filter_map(|row| {
            leads
                .outcomes
                .get(row)
                .copied()
                .flatten()
                .map(|o| (row, o.reached_sql))
        })
        .collect()
}

/// The model field that reads a column of `leads`: the first declared field, then the first
/// field a rule or override reads, whose name or alias matches the column (as the scorer
/// resolves fields).
pub fn field_for_column(model: &Model, leads: &LeadSet, index: usize) -> Option<String> {
    let declared = model.fields.iter().map(|f| f.name.as_str());
    let fit = model.fit.rules.iter().map(|r| r.field.as_str());
    let criteria = model.overrides.iter().flat_map(|o| {
        o.when.iter().filter_map(|c| match c {
            Criterion::Field { field, .. } => Some(field.as_str()),
            Criterion::Activity { .. } => None,
        })
    });
    declared
        .chain(fit)
        .chain(criteria)
        .find(|field| leads.column_for(field, &model.fields) == Some(index))
        .map(str::to_owned)
}

/// Whether the miner looks at a column: not the id column, not an outcome or verdict column.
fn minable(leads: &LeadSet, index: usize) -> bool {
    leads.id_column != Some(index)
        && leads
            .columns
            .get(index)
            .is_some_and(|c| !is_outcome_or_verdict_header(&c.name))
}

/// Mines one column, found by its header (ignoring case, spaces and punctuation, as fields
/// are matched to headers), or else by the model field that reads it (`employees` for
/// `Number of Employees`).
pub fn mine_column(model: &Model, leads: &LeadSet, name: &str) -> Result<ColumnMining, MineError> {
    let key = normalize_name(name);
    let index = leads
        .columns
        .iter()
        .position(|c| normalize_name(&c.name) == key)
        .or_else(|| leads.column_for(name, &model.fields))
        .ok_or_else(|| MineError::UnknownColumn {
            name: name.to_owned(),
        })?;
    if !minable(leads, index) {
        return Err(MineError::NotMinable {
            name: name.to_owned(),
        });
    }
    Ok(mine_index(model, leads, index, &outcome_rows(leads)))
}

/// Mines every column but the id, outcome and verdict columns, the most separating first (by
/// [`ColumnMining::information_value`], then in file order). Empty when no lead has an outcome.
pub fn mine_all(model: &Model, leads: &LeadSet) -> Vec<ColumnMining> {
    mine_all_where(model, leads, &|_| true)
}

/// [`mine_all`] over the leads `include` keeps (a training part: rules chosen on the holdout
/// would flatter the holdout's figures).
pub fn mine_all_where(
    model: &Model,
    leads: &LeadSet,
    include: &dyn Fn(usize) -> bool,
) -> Vec<ColumnMining> {
    let mut rows = outcome_rows(leads);
    rows.retain(|&(row, _)| include(row));
    if rows.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<ColumnMining> = (0..leads.columns.len())
        .filter(|&index| minable(leads, index))
        .map(|index| mine_index(model, leads, index, &rows))
        .collect();
    // A stable sort keeps file order among equals.
    out.sort_by(|a, b| b.information_value.total_cmp(&a.information_value));
    out
}

/// Leads and SQLs of one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    leads: usize,
    sqls: usize,
}

impl Tally {
    fn add(&mut self, sql: bool) {
        self.leads += 1;
        self.sqls += usize::from(sql);
    }
}

fn mine_index(
    model: &Model,
    leads: &LeadSet,
    index: usize,
    rows: &[(usize, bool)],
) -> ColumnMining {
    let mut buckets: Vec<(Bucket, String, Tally)> = Vec::new();
    let mut kind = FieldKind::Text;
    let missing = MissingValues::of(model);
    if let Some(column) = leads.columns.get(index) {
        kind = column.kind();
        buckets = match &column.data {
            ColumnData::Text { dict, codes } => match numeric_text(dict, &missing) {
                Some(numbers) => {
                    let value = |row: usize| {
                        let code = codes.get(row).copied().unwrap_or(MISSING_TEXT);
                        numbers.get(code as usize).copied().flatten()
                    };
                    numeric_buckets(rows, value, false)
                }
                None => text_buckets(dict, codes, rows, &missing),
            },
            ColumnData::Bool(values) => bool_buckets(values, rows),
            ColumnData::Number(values) => numeric_buckets(
                rows,
                |row| values.get(row).copied().filter(|v| !v.is_nan()),
                false,
            ),
            ColumnData::Date(values) => numeric_buckets(
                rows,
                |row| {
                    values
                        .get(row)
                        .copied()
                        .filter(|&d| d != MISSING_DATE)
                        .map(f64::from)
                },
                true,
            ),
        };
    }
    let total = buckets
        .iter()
        .fold(Tally::default(), |sum, (_, _, t)| Tally {
            leads: sum.leads + t.leads,
            sqls: sum.sqls + t.sqls,
        });
    let findings: Vec<Finding> = buckets
        .into_iter()
        .map(|(bucket, label, tally)| finding(bucket, label, tally, total))
        .collect();
    ColumnMining {
        column: leads
            .columns
            .get(index)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        kind,
        field: field_for_column(model, leads, index),
        leads: total.leads,
        sqls: total.sqls,
        information_value: information_value(&findings),
        findings,
    }
}

/// The figures of one bucket against the column's total.
fn finding(bucket: Bucket, label: String, tally: Tally, total: Tally) -> Finding {
    let rate = tally.sqls as f64 / tally.leads.max(1) as f64;
    let overall = total.sqls as f64 / total.leads.max(1) as f64;
    let (a, b) = (tally.sqls, tally.leads - tally.sqls);
    let (c, d) = (total.sqls - a, (total.leads - total.sqls) - b);
    let (suggested_points, withheld) = if tally.leads < MIN_LEADS_FOR_POINTS {
        (None, Some(Withheld::TooFewLeads { leads: tally.leads }))
    } else {
        match points_from_odds(a, b, c, d) {
            Some(points) => (Some(points), None),
            None => (None, Some(Withheld::NoContrast)),
        }
    };
    Finding {
        bucket,
        label,
        leads: tally.leads,
        sqls: tally.sqls,
        rate,
        interval: wilson_interval(tally.sqls, tally.leads, Z_95).unwrap_or((0.0, 1.0)),
        lift: (overall > 0.0).then(|| rate / overall),
        suggested_points,
        withheld,
    }
}

/// Case-folds and trims text, as the scorer compares it.
fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// A text column's values as numbers, by code (`None` for a value the model treats as
/// missing), when every other value reads as a number and one does: a column kept as text
/// because of "N/A" cells, or because the model declares it so.
fn numeric_text(dict: &[String], missing: &MissingValues) -> Option<Vec<Option<f64>>> {
    let numbers: Vec<Option<f64>> = dict
        .iter()
        .map(|v| {
            if missing.contains(v) {
                Some(None)
            } else {
                parse_number(v).map(Some)
            }
        })
        .collect::<Option<_>>()?;
    numbers.iter().any(Option::is_some).then_some(numbers)
}

fn text_buckets(
    dict: &[String],
    codes: &[u32],
    rows: &[(usize, bool)],
    missing_values: &MissingValues,
) -> Vec<(Bucket, String, Tally)> {
    // One group per folded value; per code, leads with an outcome (to pick the spelling).
    let mut group_of_key: HashMap<String, usize> = HashMap::new();
    let mut group_of_code: Vec<Option<usize>> = Vec::with_capacity(dict.len());
    let mut keys: Vec<String> = Vec::new();
    let mut missing_code = vec![false; dict.len()];
    for (code, value) in dict.iter().enumerate() {
        if missing_values.contains(value) {
            // The scorer reads it as missing: so does the miner.
            if let Some(flag) = missing_code.get_mut(code) {
                *flag = true;
            }
            group_of_code.push(None);
            continue;
        }
        let key = fold(value);
        if key.is_empty() {
            // A blank value no condition can name: counted with "other".
            group_of_code.push(None);
            continue;
        }
        let next = keys.len();
        let group = *group_of_key.entry(key.clone()).or_insert(next);
        if group == next {
            keys.push(key);
        }
        group_of_code.push(Some(group));
    }
    let mut groups = vec![Tally::default(); keys.len()];
    let mut per_code = vec![0usize; dict.len()];
    let (mut blank, mut missing) = (Tally::default(), Tally::default());
    for &(row, sql) in rows {
        let code = codes.get(row).copied().unwrap_or(MISSING_TEXT);
        if code == MISSING_TEXT || missing_code.get(code as usize).copied().unwrap_or(false) {
            missing.add(sql);
            continue;
        }
        match group_of_code.get(code as usize).copied().flatten() {
            Some(group) => {
                if let Some(tally) = groups.get_mut(group) {
                    tally.add(sql);
                }
                if let Some(count) = per_code.get_mut(code as usize) {
                    *count += 1;
                }
            }
            None => blank.add(sql),
        }
    }
    // The spelling most leads use; on a tie, the first in the file.
    let mut spelling: Vec<Option<(usize, &str)>> = vec![None; keys.len()];
    for (code, value) in dict.iter().enumerate() {
        let (Some(Some(group)), Some(&count)) = (group_of_code.get(code), per_code.get(code))
        else {
            continue;
        };
        if let Some(slot) = spelling.get_mut(*group)
            && slot.is_none_or(|(best, _)| count > best)
        {
            *slot = Some((count, value.trim()));
        }
    }
    let mut order: Vec<usize> = (0..keys.len())
        .filter(|&g| groups.get(g).is_some_and(|t| t.leads > 0))
        .collect();
    order.sort_by(|&x, &y| {
        groups[y]
            .leads
            .cmp(&groups[x].leads)
            .then_with(|| keys[x].cmp(&keys[y]))
    });
    let mut out = Vec::new();
    for &group in order.iter().take(TOP_VALUES) {
        let value = spelling
            .get(group)
            .copied()
            .flatten()
            .map_or_else(String::new, |(_, v)| v.to_owned());
        out.push((Bucket::Value(value.clone()), value, groups[group]));
    }
    let mut other = blank;
    let rest = &order[order.len().min(TOP_VALUES)..];
    for &group in rest {
        other.leads += groups[group].leads;
        other.sqls += groups[group].sqls;
    }
    if other.leads > 0 {
        let values = rest.len() + usize::from(blank.leads > 0);
        let noun = if values == 1 { "value" } else { "values" };
        out.push((
            Bucket::Other { values },
            format!("other ({values} {noun})"),
            other,
        ));
    }
    push_missing(&mut out, missing);
    out
}

fn push_missing(out: &mut Vec<(Bucket, String, Tally)>, missing: Tally) {
    if missing.leads > 0 {
        out.push((Bucket::Missing, "missing".to_owned(), missing));
    }
}

fn bool_buckets(values: &[u8], rows: &[(usize, bool)]) -> Vec<(Bucket, String, Tally)> {
    let (mut yes, mut no, mut missing) = (Tally::default(), Tally::default(), Tally::default());
    for &(row, sql) in rows {
        match values.get(row).copied().unwrap_or(MISSING_BOOL) {
            1 => yes.add(sql),
            0 => no.add(sql),
            _ => missing.add(sql),
        }
    }
    let mut out = Vec::new();
    for (flag, label, tally) in [(true, "yes", yes), (false, "no", no)] {
        if tally.leads > 0 {
            out.push((Bucket::Flag(flag), label.to_owned(), tally));
        }
    }
    push_missing(&mut out, missing);
    out
}

/// A run of leads with values `lowest..=highest`, in value order.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bin {
    lowest: f64,
    highest: f64,
    tally: Tally,
}

fn numeric_buckets(
    rows: &[(usize, bool)],
    value: impl Fn(usize) -> Option<f64>,
    dates: bool,
) -> Vec<(Bucket, String, Tally)> {
    let mut present: Vec<(f64, bool)> = Vec::new();
    let mut missing = Tally::default();
    for &(row, sql) in rows {
        match value(row) {
            Some(v) => present.push((v, sql)),
            None => missing.add(sql),
        }
    }
    present.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut bins = quantile_bins(&present);
    merge_alike(&mut bins);
    let whole = present.iter().all(|(v, _)| v.fract() == 0.0);
    let mut out = Vec::new();
    for (i, bin) in bins.iter().enumerate() {
        let next = bins.get(i + 1);
        let range = Range {
            min: (i > 0).then_some(bin.lowest),
            max: next.map(|n| if whole { n.lowest - 1.0 } else { bin.highest }),
            lowest: bin.lowest,
            highest: bin.highest,
            dates,
        };
        out.push((Bucket::Range(range), range.text(), bin.tally));
    }
    push_missing(&mut out, missing);
    out
}

/// Up to [`MAX_BINS`] bins of about equal size over sorted values: a bin closes after the run
/// of equal values that reaches the next tenth of the leads, so equal values share a bin and a
/// value held by many leads makes a bin of its own.
fn quantile_bins(sorted: &[(f64, bool)]) -> Vec<Bin> {
    let n = sorted.len();
    let mut bins = Vec::new();
    let mut current: Option<Bin> = None;
    // The next quantile boundary to reach, in tenths: at `next * n / MAX_BINS` leads.
    let mut next = 1usize;
    let mut i = 0;
    while i < n {
        let v = sorted[i].0;
        let mut run = Tally::default();
        while i < n && sorted[i].0 == v {
            run.add(sorted[i].1);
            i += 1;
        }
        let bin = current.get_or_insert(Bin {
            lowest: v,
            highest: v,
            tally: Tally::default(),
        });
        bin.highest = v;
        bin.tally.leads += run.leads;
        bin.tally.sqls += run.sqls;
        if i * MAX_BINS >= next * n {
            bins.extend(current.take());
            next = i * MAX_BINS / n + 1;
        }
    }
    bins.extend(current);
    bins
}

/// |z| of the pooled two-proportion test of two bins' rates; 0 when the pooled rate is 0 or 1
/// (the bins cannot differ then).
pub fn two_proportion_z(sqls_1: usize, leads_1: usize, sqls_2: usize, leads_2: usize) -> f64 {
    if leads_1 == 0 || leads_2 == 0 {
        return 0.0;
    }
    let (n1, n2) = (leads_1 as f64, leads_2 as f64);
    let pooled = (sqls_1 + sqls_2) as f64 / (n1 + n2);
    let variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if variance <= 0.0 {
        return 0.0;
    }
    (sqls_1 as f64 / n1 - sqls_2 as f64 / n2).abs() / variance.sqrt()
}

/// Merges adjacent bins, the pair with the smallest |z| first, while some pair's |z| is below
/// [`MERGE_Z`].
fn merge_alike(bins: &mut Vec<Bin>) {
    loop {
        let closest = bins
            .windows(2)
            .enumerate()
            .map(|(i, pair)| {
                let (a, b) = (pair[0].tally, pair[1].tally);
                (i, two_proportion_z(a.sqls, a.leads, b.sqls, b.leads))
            })
            .filter(|(_, z)| *z < MERGE_Z)
            .min_by(|x, y| x.1.total_cmp(&y.1));
        let Some((i, _)) = closest else { return };
        let right = bins.remove(i + 1);
        if let Some(left) = bins.get_mut(i) {
            left.highest = right.highest;
            left.tally.leads += right.tally.leads;
            left.tally.sqls += right.tally.sqls;
        }
    }
}

/// How well a column's findings separate SQLs from the rest: the information value
/// `Σ (g − b) × ln(g / b)` over groups, `g` a group's share of the SQLs and `b` its share of the
/// other leads, each count plus 0.5 so that an empty cell stays finite. Findings with fewer than
/// [`MIN_LEADS_FOR_POINTS`] leads and "other" count as one group together, so a column is not
/// ranked high on a handful of leads (a column of names or e-mail addresses is one group). 0 when
/// no lead, or every lead, reached SQL.
pub fn information_value(findings: &[Finding]) -> f64 {
    let mut groups: Vec<Tally> = Vec::new();
    let mut small = Tally::default();
    for f in findings {
        let tally = Tally {
            leads: f.leads,
            sqls: f.sqls,
        };
        if f.leads < MIN_LEADS_FOR_POINTS || matches!(f.bucket, Bucket::Other { .. }) {
            small.leads += tally.leads;
            small.sqls += tally.sqls;
        } else {
            groups.push(tally);
        }
    }
    if small.leads > 0 {
        groups.push(small);
    }
    let sqls: usize = groups.iter().map(|t| t.sqls).sum();
    let others: usize = groups.iter().map(|t| t.leads - t.sqls).sum();
    if sqls == 0 || others == 0 {
        return 0.0;
    }
    let half = 0.5 * groups.len() as f64;
    let (sqls, others) = (sqls as f64 + half, others as f64 + half);
    groups
        .iter()
        .map(|t| {
            let g = (t.sqls as f64 + 0.5) / sqls;
            let b = ((t.leads - t.sqls) as f64 + 0.5) / others;
            (g - b) * (g / b).ln()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn sorted(values: &[(f64, bool)]) -> Vec<(f64, bool)> {
        let mut v = values.to_vec();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    }

    #[test]
    fn quantile_bins_keep_equal_values_together_and_a_heavy_value_alone() {
        // 20 leads: 0 held by 10 of them, then 1..=10 once each.
        let mut values: Vec<(f64, bool)> = vec![(0.0, false); 10];
        values.extend((1..=10).map(|v| (f64::from(v), v % 2 == 0)));
        let bins = quantile_bins(&sorted(&values));
        assert_eq!(bins[0].lowest, 0.0);
        assert_eq!(bins[0].highest, 0.0);
        assert_eq!(bins[0].tally.leads, 10);
        // The other ten values make five bins of two (each tenth is two leads).
        assert_eq!(bins.len(), 6);
        assert!(bins[1..].iter().all(|b| b.tally.leads == 2), "{bins:?}");
        assert_eq!(bins.iter().map(|b| b.tally.leads).sum::<usize>(), 20);
    }

    #[test]
    fn quantile_bins_are_at_most_ten() {
        let values: Vec<(f64, bool)> = (0..1000).map(|v| (f64::from(v), false)).collect();
        let bins = quantile_bins(&values);
        assert_eq!(bins.len(), MAX_BINS);
        assert!(bins.iter().all(|b| b.tally.leads == 100));
    }

    #[test]
    fn the_z_test_matches_a_hand_computation() {
        // 10/50 vs 25/50: pooled 0.35, se = sqrt(0.35 × 0.65 × 0.04) = 0.095394, z = 0.3 / se.
        let z = two_proportion_z(10, 50, 25, 50);
        assert!((z - 3.144_855).abs() < 1e-5, "{z}");
        assert_eq!(two_proportion_z(0, 10, 0, 20), 0.0);
        assert_eq!(two_proportion_z(3, 0, 0, 20), 0.0);
    }
}
