//! Calibration against history and agreement with sales: pure functions over a model, its leads
//! and their scores (see `docs/calibration.md` for the definitions and a worked example).
//!
//! - [`funnel`] counts leads, MQLs and what became of them, and [`Funnel::reading`] says whether
//!   the MQL → SQL rate looks too loose, too tight or healthy;
//! - [`threshold_sweep`] recomputes the MQL set for every whole-number threshold, and
//!   [`suggest_threshold`] picks one for a target rate or a target volume;
//! - [`rule_lift`] compares the SQL rate of leads a rule fires for with the rest, and suggests
//!   points from the data;
//! - [`agreement`] compares the model's MQLs with sales' verdicts, and [`status_changes`] lists
//!   the leads whose status differs between two scorings (two models).
//!
//! Nothing here panics: empty lead sets, leads without outcomes, a scale that is not finite or
//! slices of different lengths give empty results or `None` rates.

pub mod fit;
pub mod lift;
pub mod limits;
pub mod miner;
pub mod quality;
mod solver;

use std::collections::BTreeMap;

pub use lift::{
    POINTS_PER_DOUBLING, RuleLift, points_from_odds, points_per_unit, rule_lift, rule_lift_where,
    smoothed_odds_ratio,
};

use crate::leads::{LeadSet, Outcome, Verdict};
use crate::model::{Model, fmt_number};
use crate::scoring::{LeadScore, Status, gates_pass};

// ---------------------------------------------------------------------------------------------
// The funnel and its reading.

/// Below this MQL → SQL rate the criteria are too loose.
pub const LOOSE_BELOW: f64 = 0.20;
/// Above this MQL → SQL rate, with low volume, the criteria are too tight.
pub const TIGHT_ABOVE: f64 = 0.60;
/// "Low volume": fewer than this share of all leads are MQLs (lead → MQL below 10 %).
pub const LOW_VOLUME_BELOW: f64 = 0.10;

/// Without a target, MQLs should reach SQL this many times as often as the average lead.
pub const DEFAULT_LIFT_OVER_BASE: f64 = 1.5;
/// The default target never asks for more than this MQL → SQL rate.
pub const DEFAULT_TARGET_AT_MOST: f64 = 0.95;

/// The MQL → SQL rate to aim for when none is given: the 20 % rule of thumb, or
/// [`DEFAULT_LIFT_OVER_BASE`] × the base rate (the share of leads with an outcome that reached
/// SQL) when that is higher, at most [`DEFAULT_TARGET_AT_MOST`]. On data where 38.5 % of all
/// leads convert, the rule of thumb alone is met by every lead (threshold 0); 1.5 × 38.5 % =
/// 57.75 % asks MQLs to be better than the average lead.
pub fn default_target_rate(funnel: &Funnel) -> f64 {
    default_target_rate_of(funnel.sqls, funnel.with_outcome)
}

/// [`default_target_rate`] for `sqls` of `with_outcome` leads.
pub fn default_target_rate_of(sqls: usize, with_outcome: usize) -> f64 {
    let base = ratio(sqls, with_outcome).unwrap_or(0.0);
    (base * DEFAULT_LIFT_OVER_BASE).clamp(LOOSE_BELOW, DEFAULT_TARGET_AT_MOST)
}

/// How many leads reached each stage, for the leads scored.
///
/// Counts over leads *with an outcome* are the ones rates are taken from: a lead without an
/// outcome (not yet worked, or no outcome column) says nothing about conversion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Funnel {
    /// All leads scored.
    pub leads: usize,
    /// Leads with a recorded outcome.
    pub with_outcome: usize,
    /// Leads the model makes MQL (fast-tracked included).
    pub mqls: usize,
    /// MQLs with a recorded outcome.
    pub mql_with_outcome: usize,
    /// MQLs that reached SQL.
    pub mql_sqls: usize,
    /// MQLs that reached an opportunity.
    pub mql_opportunities: usize,
    /// MQLs that were won.
    pub mql_won: usize,
    /// All leads that reached SQL, MQL or not.
    pub sqls: usize,
    /// All leads that were won, MQL or not.
    pub won: usize,
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

impl Funnel {
    /// The share of leads that are MQLs: `mqls / leads`; `None` without leads.
    pub fn lead_to_mql(&self) -> Option<f64> {
        ratio(self.mqls, self.leads)
    }

    /// The share of MQLs with an outcome that reached SQL: `mql_sqls / mql_with_outcome`;
    /// `None` when no MQL has an outcome.
    pub fn mql_to_sql(&self) -> Option<f64> {
        ratio(self.mql_sqls, self.mql_with_outcome)
    }

    /// The share of MQL SQLs that were won: `mql_won / mql_sqls`; `None` without MQL SQLs.
    pub fn sql_to_won(&self) -> Option<f64> {
        ratio(self.mql_won, self.mql_sqls)
    }

    /// What the MQL → SQL rate says about the criteria:
    /// - [`Reading::NoOutcomes`] when no lead has an outcome, or no MQL has one;
    /// - [`Reading::NoMqls`] when leads have outcomes but no lead is an MQL;
    /// - [`Reading::TooLoose`] when MQL → SQL is below 20 % ([`LOOSE_BELOW`]);
    /// - [`Reading::TooTight`] when MQL → SQL is above 60 % ([`TIGHT_ABOVE`]) *and* volume is low:
    ///   fewer than 10 % of leads are MQLs ([`LOW_VOLUME_BELOW`]);
    /// - [`Reading::Healthy`] otherwise (20 % to 60 %, or above 60 % with enough volume).
    pub fn reading(&self) -> Reading {
        if self.with_outcome == 0 {
            return Reading::NoOutcomes;
        }
        if self.mqls == 0 {
            return Reading::NoMqls;
        }
        let Some(rate) = self.mql_to_sql() else {
            return Reading::NoOutcomes;
        };
        let low_volume = self.lead_to_mql().is_some_and(|r| r < LOW_VOLUME_BELOW);
        if rate < LOOSE_BELOW {
            Reading::TooLoose { rate }
        } else if rate > TIGHT_ABOVE && low_volume {
            Reading::TooTight { rate }
        } else {
            Reading::Healthy { rate }
        }
    }
}

/// What the funnel says about the MQL criteria (see [`Funnel::reading`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reading {
    NoOutcomes,
    NoMqls,
    TooLoose { rate: f64 },
    TooTight { rate: f64 },
    Healthy { rate: f64 },
}

const BENCHMARKS: &str =
    "the average MQL → SQL is about 13 % (SaaS about 18 %, professional services about 10 %)";

impl Reading {
    /// One or two sentences for people, citing the field's benchmarks.
    pub fn text(&self) -> String {
        match *self {
            Reading::NoOutcomes => "No MQL has a recorded outcome, so the MQL → SQL rate cannot \
                be read. Add an outcome column (a funnel stage such as sql or won, or reached SQL \
                yes/no) to the leads to calibrate against history."
                .to_owned(),
            Reading::NoMqls => "No lead is an MQL under this model, so there is no MQL → SQL \
                rate to read. Lower the threshold or loosen the gates (see the threshold sweep)."
                .to_owned(),
            Reading::TooLoose { rate } => format!(
                "MQL → SQL is {}, below 20 %: the criteria are too loose, so tighten fit or raise \
                 the threshold. For reference, {BENCHMARKS}.",
                percent(rate)
            ),
            Reading::TooTight { rate } => format!(
                "MQL → SQL is {}, above 60 %, while fewer than 10 % of leads are MQLs: the \
                 criteria are too tight and sales is starved of volume, so loosen them or add \
                 engagement hooks. For reference, {BENCHMARKS}.",
                percent(rate)
            ),
            Reading::Healthy { rate } if rate > TIGHT_ABOVE => format!(
                "MQL → SQL is {}, above 60 %, and at least 10 % of leads are MQLs, so sales is not \
                 starved of volume: the criteria look right. For reference, {BENCHMARKS}.",
                percent(rate)
            ),
            Reading::Healthy { rate } => format!(
                "MQL → SQL is {}, between 20 % (too loose below) and 60 % (too tight above, when \
                 volume is low): the criteria look right. For reference, {BENCHMARKS}.",
                percent(rate)
            ),
        }
    }
}

/// A rate as a percentage with at most one decimal, e.g. `12.5 %`.
pub fn percent(rate: f64) -> String {
    format!("{} %", fmt_number((rate * 1000.0).round() / 10.0))
}

/// A lead's outcome, `None` beyond the outcomes list.
fn outcome_of(leads: &LeadSet, row: usize) -> Option<Outcome> {
    leads.outcomes.get(row).copied().flatten()
}

/// Counts the funnel. A lead is an MQL when its status [`is_mql`](Status::is_mql). Leads are the
/// rows both `leads` and `scores` have (the two normally have the same length).
pub fn funnel(leads: &LeadSet, scores: &[LeadScore]) -> Funnel {
    let mut f = Funnel::default();
    for (row, score) in scores.iter().enumerate().take(leads.len()) {
        f.leads += 1;
        let outcome = outcome_of(leads, row);
        let mql = score.status.is_mql();
        if mql {
            f.mqls += 1;
        }
        let Some(outcome) = outcome else { continue };
        f.with_outcome += 1;
        if outcome.reached_sql {
            f.sqls += 1;
        }
        if outcome.won {
            f.won += 1;
        }
        if mql {
            f.mql_with_outcome += 1;
            if outcome.reached_sql {
                f.mql_sqls += 1;
            }
            if outcome.reached_opportunity {
                f.mql_opportunities += 1;
            }
            if outcome.won {
                f.mql_won += 1;
            }
        }
    }
    f
}

// ---------------------------------------------------------------------------------------------
// The threshold sweep and suggestions.

/// The most thresholds a sweep computes (0 to 10,000): a larger scale is cut there.
pub const MAX_SWEEP_THRESHOLD: f64 = 10_000.0;

/// The MQL set at one threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepPoint {
    pub threshold: f64,
    /// Leads that would be MQL at this threshold.
    pub mqls: usize,
    /// Of those, leads that reached SQL.
    pub sqls_captured: usize,
    /// Of the MQLs, those with an outcome (the precision's denominator).
    pub mqls_with_outcome: usize,
    /// `sqls_captured / MQLs with an outcome` (the MQL → SQL rate); `None` when no MQL has one.
    pub precision: Option<f64>,
    /// `sqls_captured / all leads that reached SQL`; `None` when no lead reached SQL.
    pub recall: Option<f64>,
}

/// The parts of a scoring a sweep needs, sorted once.
struct SweepBasis {
    /// Fast-tracked leads: MQL at every threshold.
    always: usize,
    always_with_outcome: usize,
    always_sqls: usize,
    /// Leads that are MQL when their score reaches the threshold: (score, has outcome, SQL),
    /// by score.
    eligible: Vec<(f64, bool, bool)>,
    /// `with_outcome_from[i]`: eligible leads from index `i` on that have an outcome.
    with_outcome_from: Vec<usize>,
    /// `sqls_from[i]`: eligible leads from index `i` on that reached SQL.
    sqls_from: Vec<usize>,
    /// Every lead that reached SQL.
    all_sqls: usize,
}

impl SweepBasis {
    fn new(
        model: &Model,
        leads: &LeadSet,
        scores: &[LeadScore],
        include: &dyn Fn(usize) -> bool,
    ) -> SweepBasis {
        let mut basis = SweepBasis {
            always: 0,
            always_with_outcome: 0,
            always_sqls: 0,
            eligible: Vec::new(),
            with_outcome_from: Vec::new(),
            sqls_from: Vec::new(),
            all_sqls: 0,
        };
        for (row, score) in scores.iter().enumerate().take(leads.len()) {
            if !include(row) {
                continue;
            }
            let outcome = outcome_of(leads, row);
            let sql = outcome.is_some_and(|o| o.reached_sql);
            if sql {
                basis.all_sqls += 1;
            }
            match score.status {
                Status::Disqualified => {}
                Status::FastTracked => {
                    basis.always += 1;
                    basis.always_with_outcome += usize::from(outcome.is_some());
                    basis.always_sqls += usize::from(sql);
                }
                Status::Mql | Status::Nurture | Status::Lead => {
                    // A score that is not a number never reaches a threshold.
                    if !score.score.is_nan() && gates_pass(model, score.fit, score.engagement) {
                        basis.eligible.push((score.score, outcome.is_some(), sql));
                    }
                }
            }
        }
        basis.eligible.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = basis.eligible.len();
        basis.with_outcome_from = vec![0; n + 1];
        basis.sqls_from = vec![0; n + 1];
        for i in (0..n).rev() {
            let (_, has_outcome, sql) = basis.eligible[i];
            basis.with_outcome_from[i] = basis.with_outcome_from[i + 1] + usize::from(has_outcome);
            basis.sqls_from[i] = basis.sqls_from[i + 1] + usize::from(sql);
        }
        basis
    }

    fn point(&self, threshold: f64) -> SweepPoint {
        // The first eligible lead whose score reaches the threshold (a NaN threshold: none).
        let first = if threshold.is_nan() {
            self.eligible.len()
        } else {
            self.eligible.partition_point(|e| e.0 < threshold)
        };
        let reaching = self.eligible.len() - first;
        let with_outcome =
            self.always_with_outcome + self.with_outcome_from.get(first).copied().unwrap_or(0);
        let sqls_captured = self.always_sqls + self.sqls_from.get(first).copied().unwrap_or(0);
        SweepPoint {
            threshold,
            mqls: self.always + reaching,
            sqls_captured,
            mqls_with_outcome: with_outcome,
            precision: ratio(sqls_captured, with_outcome),
            recall: ratio(sqls_captured, self.all_sqls),
        }
    }
}

/// The whole-number thresholds a sweep covers: 0 to the scale (rounded down), at most
/// [`MAX_SWEEP_THRESHOLD`]; none for a scale that is negative or not a number.
fn sweep_thresholds(scale: f64) -> impl Iterator<Item = f64> {
    let top = if scale.is_nan() || scale < 0.0 {
        -1.0
    } else {
        scale.min(MAX_SWEEP_THRESHOLD).floor()
    };
    // `top` is a whole number in -1..=10_000, so the cast is exact.
    (0..=top as i64).map(|t| t as f64)
}

/// For every whole-number threshold from 0 to the model's scale (at most
/// [`MAX_SWEEP_THRESHOLD`]), in increasing order: the leads that would be MQL with that
/// threshold and everything else unchanged. Fast-tracked leads are MQL at every threshold,
/// disqualified leads at none; any other lead is MQL when its score is at or above the
/// threshold and it passes the gates ([`gates_pass`]).
///
/// `precision = sqls_captured / (MQLs with an outcome)` and
/// `recall = sqls_captured / (all leads that reached SQL)`.
///
/// A scale that is negative or not a number gives an empty sweep.
pub fn threshold_sweep(model: &Model, leads: &LeadSet, scores: &[LeadScore]) -> Vec<SweepPoint> {
    sweep_where(model, leads, scores, &|_| true)
}

/// [`threshold_sweep`] over the leads `include` keeps (e.g. a training part).
pub fn sweep_where(
    model: &Model,
    leads: &LeadSet,
    scores: &[LeadScore],
    include: &dyn Fn(usize) -> bool,
) -> Vec<SweepPoint> {
    let basis = SweepBasis::new(model, leads, scores, include);
    sweep_thresholds(model.combine.scale)
        .map(|t| basis.point(t))
        .collect()
}

/// The sweep's point at any threshold, whole or not (e.g. the model's own threshold 72.5).
/// With the model's own threshold, `mqls` equals [`funnel`]'s `mqls`.
pub fn sweep_point(
    model: &Model,
    leads: &LeadSet,
    scores: &[LeadScore],
    threshold: f64,
) -> SweepPoint {
    sweep_point_where(model, leads, scores, threshold, &|_| true)
}

/// [`sweep_point`] over the leads `include` keeps.
pub fn sweep_point_where(
    model: &Model,
    leads: &LeadSet,
    scores: &[LeadScore],
    threshold: f64,
    include: &dyn Fn(usize) -> bool,
) -> SweepPoint {
    SweepBasis::new(model, leads, scores, include).point(threshold)
}

/// What a suggested threshold should achieve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// At least this MQL → SQL rate (precision), e.g. 0.25.
    MqlToSqlRate(f64),
    /// At most this many MQLs (what sales can work in the sample's period).
    MqlCount(usize),
}

/// A threshold picked from a sweep, with the numbers behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub threshold: f64,
    pub point: SweepPoint,
    /// One or two sentences for people.
    pub explanation: String,
}

fn rate_or_dash(rate: Option<f64>) -> String {
    rate.map_or_else(|| "–".to_owned(), percent)
}

/// Picks the lowest threshold of the sweep that meets the target:
/// - `MqlToSqlRate(r)`: precision at least `r` (so the most MQL volume at that quality);
///   points without precision never qualify;
/// - `MqlCount(n)`: at most `n` MQLs.
///
/// Only thresholds above 0 are suggested (a model's threshold must be above 0). `None` when no
/// point qualifies (e.g. more fast-tracked leads than `n`, or no MQL with an outcome). The sweep
/// need not be sorted.
pub fn suggest_threshold(sweep: &[SweepPoint], target: Target) -> Option<Suggestion> {
    let qualifies = |p: &SweepPoint| match target {
        Target::MqlToSqlRate(rate) => p.precision.is_some_and(|precision| precision >= rate),
        Target::MqlCount(count) => p.mqls <= count,
    };
    let point = *sweep
        .iter()
        // A model's threshold is above 0 (validation), so 0 is never suggested.
        .filter(|p| qualifies(p) && p.threshold > 0.0)
        .min_by(|a, b| a.threshold.total_cmp(&b.threshold))?;
    let threshold = fmt_number(point.threshold);
    let numbers = format!(
        "{} leads would be MQL, MQL → SQL {}, catching {} SQLs (recall {})",
        point.mqls,
        rate_or_dash(point.precision),
        point.sqls_captured,
        rate_or_dash(point.recall)
    );
    let explanation = match target {
        Target::MqlToSqlRate(rate) => format!(
            "The lowest threshold with an MQL → SQL rate of at least {} is {threshold}: {numbers}.",
            percent(rate)
        ),
        Target::MqlCount(count) => {
            format!("The lowest threshold with at most {count} MQLs is {threshold}: {numbers}.")
        }
    };
    Some(Suggestion {
        threshold: point.threshold,
        point,
        explanation,
    })
}

/// The average length of a month in days (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// How many MQLs sales can work in a sample covering `period_days`, when it can work `per_month`
/// a month: `per_month × period_days / 30.4375`, rounded down (never more than sales can work).
/// 0 for negative or non-numeric inputs; e.g. 40 a month over 90 days: 40 × 90 / 30.4375 =
/// 118.3 → 118.
pub fn monthly_capacity_to_count(per_month: f64, period_days: f64) -> usize {
    let count = per_month * period_days / DAYS_PER_MONTH;
    if count.is_nan() || count <= 0.0 {
        return 0;
    }
    // A hair of tolerance so that 30.4375 days of 10 a month is 10, not 9.999…; `as` saturates.
    (count + 1e-9).floor() as usize
}

// ---------------------------------------------------------------------------------------------
// Agreement with sales.

/// The model's MQL call against sales' verdict, lead by lead (rows into the lead set). Leads
/// without a verdict are in none of the lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Agreement {
    /// MQL, and sales would accept.
    pub both_yes: Vec<usize>,
    /// MQL, but sales would reject.
    pub model_only: Vec<usize>,
    /// Not MQL, but sales would accept.
    pub sales_only: Vec<usize>,
    /// Not MQL, and sales would reject.
    pub both_no: Vec<usize>,
}

impl Agreement {
    /// Leads with a verdict.
    pub fn judged(&self) -> usize {
        self.both_yes.len() + self.model_only.len() + self.sales_only.len() + self.both_no.len()
    }

    /// Leads where the model and sales agree.
    pub fn agreeing(&self) -> usize {
        self.both_yes.len() + self.both_no.len()
    }

    /// `agreeing / judged`; `None` without verdicts.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.agreeing(), self.judged())
    }
}

/// Sorts the leads with a verdict into the four cells of the agreement table.
pub fn agreement(scores: &[LeadScore], verdicts: &[Option<Verdict>]) -> Agreement {
    let mut out = Agreement::default();
    for (row, (score, verdict)) in scores.iter().zip(verdicts).enumerate() {
        let Some(verdict) = verdict else { continue };
        let cell = match (score.status.is_mql(), verdict) {
            (true, Verdict::Accept) => &mut out.both_yes,
            (true, Verdict::Reject) => &mut out.model_only,
            (false, Verdict::Accept) => &mut out.sales_only,
            (false, Verdict::Reject) => &mut out.both_no,
        };
        cell.push(row);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Status changes between two scorings.

/// A lead whose status differs between two scorings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    pub row: usize,
    pub before: Status,
    pub after: Status,
}

/// Leads whose status differs between two scorings of the same leads (e.g. two models), in lead
/// order. Only rows both slices have are compared.
pub fn status_changes(before: &[LeadScore], after: &[LeadScore]) -> Vec<StatusChange> {
    before
        .iter()
        .zip(after)
        .enumerate()
        .filter(|(_, (b, a))| b.status != a.status)
        .map(|(row, (b, a))| StatusChange {
            row,
            before: b.status,
            after: a.status,
        })
        .collect()
}

/// Counts of (before, after) pairs, sorted by before then after (in [`Status::ALL`] order), for
/// a summary table.
pub fn status_change_counts(changes: &[StatusChange]) -> Vec<((Status, Status), usize)> {
    let mut counts: BTreeMap<(Status, Status), usize> = BTreeMap::new();
    for change in changes {
        *counts.entry((change.before, change.after)).or_default() += 1;
    }
    counts.into_iter().collect()
}
