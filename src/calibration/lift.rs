//! Rule lift: how a rule's firing relates to reaching SQL, and points suggested from the data,
//! rule by rule (the joint fit in [`super::fit`] shares the credit between overlapping rules).

use std::f64::consts::LN_2;

use super::fit::engagement_units;
use super::quality::{MIN_LEADS, Z_95, wilson_interval};
use super::{outcome_of, ratio};
use crate::diff::RuleKind;
use crate::leads::LeadSet;
use crate::model::{Counting, Model};
use crate::scoring::Evaluation;

/// How a rule's firing relates to reaching SQL, over the leads with an outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleLift {
    pub id: String,
    /// The rule's label, or its id when it has none.
    pub label: String,
    pub kind: RuleKind,
    /// Whether the rule (or override) is enabled; its lift is computed either way.
    pub enabled: bool,
    /// The rule's points as written (also when the rule is disabled); `None` for overrides.
    pub current_points: Option<f64>,
    /// Leads with an outcome the rule fires for.
    pub matched: usize,
    pub matched_sqls: usize,
    /// `matched_sqls / matched`.
    pub matched_rate: Option<f64>,
    /// Leads with an outcome the rule does not fire for.
    pub rest: usize,
    pub rest_sqls: usize,
    /// `rest_sqls / rest`.
    pub rest_rate: Option<f64>,
    /// `matched_rate / rest_rate`; `None` when either is missing or the rest rate is 0.
    pub lift: Option<f64>,
    /// The 95 % Wilson intervals of the two rates.
    pub matched_interval: Option<(f64, f64)>,
    pub rest_interval: Option<(f64, f64)>,
    /// `round(10 × log2(smoothed odds ratio))` ([`points_from_odds`]): +10 points per doubling
    /// of the odds of reaching SQL; for a per-occurrence engagement rule, points per occurrence
    /// from a one-rule logistic fit ([`points_per_unit`]). `None` for overrides, when the rule
    /// fires for fewer than [`MIN_LEADS`] leads with an outcome (see `withheld`), when either
    /// side is empty and when no lead (or every lead) with an outcome reached SQL.
    pub suggested_points: Option<f64>,
    /// Why no points are suggested although the rule could have some (too few leads).
    pub withheld: Option<String>,
    /// The unit the suggestion is in: "per occurrence" for a per-occurrence rule, else empty.
    pub per: &'static str,
}

/// Points per doubling of the odds of reaching SQL.
pub const POINTS_PER_DOUBLING: f64 = 10.0;

/// The smoothed odds ratio of reaching SQL, leads a rule fires for vs the rest, from the counts
/// `a`/`b` (matched SQLs / non-SQLs) and `c`/`d` (the rest's):
/// `((a + s) / (b + f)) / ((c + s) / (d + f))`.
///
/// The pseudo-counts `s` and `f` add to each side a few imaginary leads that convert at the
/// overall SQL rate `p = (a + c) / (a + b + c + d)`: one lead of the rarer outcome and as many of
/// the other as the overall rate implies (`s = 1`, `f = (b + d) / (a + c)` when SQLs are the
/// rarer outcome; `f = 1`, `s = (a + c) / (b + d)` otherwise). So a rule that fired for a handful
/// of leads is pulled towards "no difference", never past it: the suggested points always have
/// the sign of the raw lift (see `docs/calibration.md`).
///
/// `None` when a side is empty (`a + b == 0` or `c + d == 0`) or when the outcomes do not vary
/// (no SQL at all, or only SQLs): the data cannot tell the sides apart then.
pub fn smoothed_odds_ratio(a: usize, b: usize, c: usize, d: usize) -> Option<f64> {
    let sqls = a + c;
    let non_sqls = b + d;
    if a + b == 0 || c + d == 0 || sqls == 0 || non_sqls == 0 {
        return None;
    }
    let (sqls, non_sqls) = (sqls as f64, non_sqls as f64);
    let (s, f) = if sqls <= non_sqls {
        (1.0, non_sqls / sqls)
    } else {
        (sqls / non_sqls, 1.0)
    };
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    Some(((a + s) / (b + f)) / ((c + s) / (d + f)))
}

/// Points from the data: `round(10 × log2(smoothed_odds_ratio(a, b, c, d)))`, so doubling the
/// odds of reaching SQL is worth +10 points and halving them -10.
pub fn points_from_odds(a: usize, b: usize, c: usize, d: usize) -> Option<f64> {
    // `+ 0.0` turns a rounded -0 into 0.
    smoothed_odds_ratio(a, b, c, d).map(|ratio| (POINTS_PER_DOUBLING * ratio.log2()).round() + 0.0)
}

/// What [`lift_of`] reports about the rule itself.
struct RuleFacts<'a> {
    id: &'a str,
    label: &'a str,
    kind: RuleKind,
    enabled: bool,
    current_points: Option<f64>,
    per_occurrence: bool,
}

/// Points per unit from a one-rule logistic fit of reaching SQL on the rule's units (λ = 1, as
/// the joint fit): the slope of the log-odds per unit × 10 / ln 2, rounded to two decimals below
/// 10 points and to whole points above. `units_and_outcomes` are the leads with an outcome.
pub fn points_per_unit(units_and_outcomes: &[(f64, bool)]) -> Option<f64> {
    let sqls = units_and_outcomes.iter().filter(|u| u.1).count();
    if sqls == 0 || sqls == units_and_outcomes.len() {
        return None;
    }
    let mut rows = super::fit::SparseRows::default();
    let mut outcomes = Vec::with_capacity(units_and_outcomes.len());
    for &(units, sql) in units_and_outcomes {
        if units != 0.0 && units.is_finite() {
            rows.push_row(&[(0, units)]);
        } else {
            rows.push_row(&[]);
        }
        outcomes.push(sql);
    }
    let include = vec![true; outcomes.len()];
    let fit = super::fit::fit_logistic(&rows, &outcomes, &include, super::fit::DEFAULT_PENALTY);
    let points = fit.coefficients.first().copied().unwrap_or(0.0) * POINTS_PER_DOUBLING / LN_2;
    let rounded = if points.abs() < 10.0 {
        crate::scoring::round2(points)
    } else {
        points.round()
    };
    Some(rounded + 0.0)
}

fn lift_of(
    rule: RuleFacts<'_>,
    units: impl Fn(usize) -> f64,
    leads: &LeadSet,
    include: &dyn Fn(usize) -> bool,
) -> RuleLift {
    let (mut a, mut b, mut c, mut d) = (0usize, 0usize, 0usize, 0usize);
    let mut units_and_outcomes = Vec::new();
    for row in 0..leads.len() {
        let Some(outcome) = outcome_of(leads, row) else {
            continue;
        };
        if !include(row) {
            continue;
        }
        let u = units(row);
        if rule.per_occurrence {
            units_and_outcomes.push((u, outcome.reached_sql));
        }
        match (u > 0.0, outcome.reached_sql) {
            (true, true) => a += 1,
            (true, false) => b += 1,
            (false, true) => c += 1,
            (false, false) => d += 1,
        }
    }
    let matched_rate = ratio(a, a + b);
    let rest_rate = ratio(c, c + d);
    let lift = match (matched_rate, rest_rate) {
        (Some(m), Some(r)) if r > 0.0 => Some(m / r),
        _ => None,
    };
    let (suggested_points, withheld) = if rule.kind == RuleKind::Override {
        (None, None)
    } else if a + b < MIN_LEADS {
        (
            None,
            Some(format!(
                "fires for {} lead(s) with an outcome; points are suggested from {MIN_LEADS}",
                a + b
            )),
        )
    } else if rule.per_occurrence {
        let points = if c + d == 0 {
            None
        } else {
            points_per_unit(&units_and_outcomes)
        };
        (points, None)
    } else {
        (points_from_odds(a, b, c, d), None)
    };
    RuleLift {
        id: rule.id.to_owned(),
        label: if rule.label.trim().is_empty() {
            rule.id.to_owned()
        } else {
            rule.label.to_owned()
        },
        kind: rule.kind,
        enabled: rule.enabled,
        current_points: rule.current_points,
        matched: a + b,
        matched_sqls: a,
        matched_rate,
        rest: c + d,
        rest_sqls: c,
        rest_rate,
        lift,
        matched_interval: wilson_interval(a, a + b, Z_95),
        rest_interval: wilson_interval(c, c + d, Z_95),
        suggested_points,
        withheld,
        per: if rule.per_occurrence {
            "per occurrence"
        } else {
            ""
        },
    }
}

/// The lift of every rule, in model order (fit rules, engagement rules, overrides), over the
/// leads with an outcome. A fit rule fires when its condition matches, an engagement rule when
/// it contributes (its effective count reaches what its counting needs: above 0, or at least
/// `n` for `AtLeast(n)`; windows and decay as it scores), an override when all its criteria
/// hold; whether the rule is enabled does not matter (the data says what the rule *would* do).
pub fn rule_lift(model: &Model, leads: &LeadSet, evaluation: &Evaluation) -> Vec<RuleLift> {
    rule_lift_where(model, leads, evaluation, &|_| true)
}

/// [`rule_lift`] over the leads `include` keeps (e.g. a training part).
pub fn rule_lift_where(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    include: &dyn Fn(usize) -> bool,
) -> Vec<RuleLift> {
    let mut out = Vec::new();
    for (i, rule) in model.fit.rules.iter().enumerate() {
        let matches = evaluation.fit_matches.get(i);
        out.push(lift_of(
            RuleFacts {
                id: &rule.id,
                label: &rule.label,
                kind: RuleKind::Fit,
                enabled: rule.enabled,
                current_points: Some(rule.points),
                per_occurrence: false,
            },
            |row| {
                f64::from(u8::from(
                    matches.and_then(|m| m.get(row)).copied().unwrap_or(false),
                ))
            },
            leads,
            include,
        ));
    }
    for (i, rule) in model.engagement.rules.iter().enumerate() {
        // One pass over the sparse counts, not a search per lead.
        let mut units = vec![0.0; leads.len()];
        if let Some(counts) = evaluation.engagement_counts.get(i) {
            for (row, count) in counts.iter() {
                if let Some(slot) = units.get_mut(row) {
                    *slot = engagement_units(rule, count);
                }
            }
        }
        out.push(lift_of(
            RuleFacts {
                id: &rule.id,
                label: &rule.label,
                kind: RuleKind::Engagement,
                enabled: rule.enabled,
                current_points: Some(rule.points),
                per_occurrence: rule.counting == Counting::PerOccurrence,
            },
            |row| units.get(row).copied().unwrap_or(0.0),
            leads,
            include,
        ));
    }
    for (i, rule) in model.overrides.iter().enumerate() {
        let matches = evaluation.override_matches.get(i);
        out.push(lift_of(
            RuleFacts {
                id: &rule.id,
                label: &rule.label,
                kind: RuleKind::Override,
                enabled: rule.enabled,
                current_points: None,
                per_occurrence: false,
            },
            |row| {
                f64::from(u8::from(
                    matches.and_then(|m| m.get(row)).copied().unwrap_or(false),
                ))
            },
            leads,
            include,
        ));
    }
    out
}
