//! The joint fit: one regularised logistic regression of "reached SQL" on every enabled rule's
//! contribution (in the rule's own unit, as it scores), turned into points for the whole model
//! at once (see `docs/calibration.md`, *The joint fit*).
//!
//! Suggesting points rule by rule double-counts rules that overlap (a pricing-page rule and a
//! demo-request rule fire for the same leads); fitting them together shares the credit.

use std::f64::consts::LN_2;

use super::quality::{Holdout, MIN_LEADS, Quality, holdout_rows, quality, roc_auc};
use super::{POINTS_PER_DOUBLING, Target, default_target_rate_of, suggest_threshold, sweep_where};
use crate::diff::RuleKind;
use crate::leads::LeadSet;
use crate::model::{Counting, EngagementRule, Model, fmt_number, fmt_signed};
use crate::scoring::{Evaluation, round2, score_all};
use crate::validate::MAX_POINTS;

pub use super::solver::{LogisticFit, SparseRows, fit_logistic};

/// The L2 penalty λ of the fit (`Σ log-loss + λ/2 · ‖β‖²`, the intercept unpenalised): what
/// scikit-learn's `LogisticRegression(C=1)` uses. It only matters for rules with few leads.
pub const DEFAULT_PENALTY: f64 = 1.0;

/// The most enabled rules a joint fit takes: its Hessian has one row and column per rule (1,000
/// rules: 8 MB and about a second per Newton step on a million leads).
pub const MAX_FIT_RULES: usize = 1_000;

/// Fitted points whose magnitude is below this are "about 0": the rule is a candidate to drop.
pub const NEGLIGIBLE_POINTS: f64 = 1.0;

/// The share of leads the fitted points may push past a side's cap.
const CAP_QUANTILE: f64 = 0.99;

/// How to fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitOptions {
    /// λ of the L2 penalty; see [`DEFAULT_PENALTY`].
    pub penalty: f64,
    /// Fit on the rest, check on this part; `None`: fit and check on every lead with an
    /// outcome (the figures are then optimistic).
    pub holdout: Option<Holdout>,
    /// The threshold's target; `None`: [`super::default_target_rate`] of the training part (as
    /// `calibrate` without a target).
    pub target: Option<Target>,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            penalty: DEFAULT_PENALTY,
            holdout: None,
            target: None,
        }
    }
}

/// One rule's column of the design: the rule's contribution per lead in its own unit.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignColumn {
    pub id: String,
    pub label: String,
    pub kind: RuleKind,
    /// "match", "occurrence", "activity (once)", "reaching 3".
    pub unit: String,
}

/// The leads a fit learns from and each enabled rule's contribution to them.
#[derive(Clone, Debug)]
pub struct Design {
    pub columns: Vec<DesignColumn>,
    /// The lead (row of the lead set) behind each design row: leads with an outcome whose status
    /// no enabled override decides (a fast-tracked or disqualified lead's points do not matter).
    pub rows: Vec<usize>,
    pub reached_sql: Vec<bool>,
    /// Per design row: held out (not learnt from).
    pub held_out: Vec<bool>,
    /// The units, row by row (most are 0).
    pub units: SparseRows,
}

/// A per-occurrence rule's cap in occurrences (`cap / |points|`); `None` without one.
fn cap_in_units(rule: &EngagementRule) -> Option<f64> {
    match rule.cap {
        Some(cap) if cap > 0.0 && rule.points != 0.0 => Some(cap / rule.points.abs()),
        _ => None,
    }
}

/// An engagement rule's contribution in its own unit for an effective count: what the rule's
/// points are multiplied by when it scores (its cap turned into a cap on the units).
pub fn engagement_units(rule: &EngagementRule, effective_count: f64) -> f64 {
    let units = match rule.counting {
        Counting::PerOccurrence => effective_count,
        Counting::Once => effective_count.min(1.0),
        Counting::AtLeast(n) => f64::from(u8::from(effective_count >= f64::from(n))),
    };
    let units = cap_in_units(rule).map_or(units, |cap| units.min(cap));
    if units.is_finite() { units } else { 0.0 }
}

fn unit_name(rule: &EngagementRule) -> String {
    match rule.counting {
        Counting::PerOccurrence => "occurrence".to_owned(),
        Counting::Once => "activity (once)".to_owned(),
        Counting::AtLeast(n) => format!("reaching {n}"),
    }
}

fn label_or_id(label: &str, id: &str) -> String {
    if label.trim().is_empty() {
        id.to_owned()
    } else {
        label.to_owned()
    }
}

impl Design {
    /// The design of `model`'s enabled fit and engagement rules on `leads` (evaluated for this
    /// model's conditions), split by `holdout`.
    pub fn new(
        model: &Model,
        leads: &LeadSet,
        evaluation: &Evaluation,
        holdout: Option<Holdout>,
    ) -> Design {
        let held = holdout.map(|h| holdout_rows(leads, h));
        let decided_by_override = |row: usize| {
            model
                .overrides
                .iter()
                .zip(&evaluation.override_matches)
                .any(|(o, matches)| o.enabled && matches.get(row).copied().unwrap_or(false))
        };
        let mut columns = Vec::new();
        for rule in model.fit.rules.iter().filter(|r| r.enabled) {
            columns.push(DesignColumn {
                id: rule.id.clone(),
                label: label_or_id(&rule.label, &rule.id),
                kind: RuleKind::Fit,
                unit: "match".to_owned(),
            });
        }
        for rule in model.engagement.rules.iter().filter(|r| r.enabled) {
            columns.push(DesignColumn {
                id: rule.id.clone(),
                label: label_or_id(&rule.label, &rule.id),
                kind: RuleKind::Engagement,
                unit: unit_name(rule),
            });
        }
        let fit_rules: Vec<&Vec<bool>> = model
            .fit
            .rules
            .iter()
            .zip(&evaluation.fit_matches)
            .filter(|(r, _)| r.enabled)
            .map(|(_, m)| m)
            .collect();
        let engagement: Vec<(&EngagementRule, Vec<f64>)> = model
            .engagement
            .rules
            .iter()
            .zip(&evaluation.engagement_counts)
            .filter(|(r, _)| r.enabled)
            .map(|(r, counts)| (r, counts.to_dense(leads.len())))
            .collect();
        let mut design = Design {
            columns,
            rows: Vec::new(),
            reached_sql: Vec::new(),
            held_out: Vec::new(),
            units: SparseRows::default(),
        };
        let mut entries: Vec<(u32, f64)> = Vec::new();
        for row in 0..leads.len() {
            let Some(Some(outcome)) = leads.outcomes.get(row) else {
                continue;
            };
            if decided_by_override(row) {
                continue;
            }
            entries.clear();
            for (j, matches) in fit_rules.iter().enumerate() {
                if matches.get(row).copied().unwrap_or(false) {
                    entries.push((j as u32, 1.0));
                }
            }
            for (k, (rule, counts)) in engagement.iter().enumerate() {
                let units = engagement_units(rule, counts.get(row).copied().unwrap_or(0.0));
                if units != 0.0 {
                    entries.push(((fit_rules.len() + k) as u32, units));
                }
            }
            design.rows.push(row);
            design.reached_sql.push(outcome.reached_sql);
            design.held_out.push(
                held.as_ref()
                    .is_some_and(|h| h.get(row).copied().unwrap_or(false)),
            );
            design.units.push_row(&entries);
        }
        design
    }

    /// The training rows (all rows without a holdout).
    pub fn training(&self) -> Vec<bool> {
        self.held_out.iter().map(|h| !h).collect()
    }

    /// Writes the design as CSV: `Lead ID,split,reached_sql,<rule id>…`, one row per design
    /// row, for checking the fit with other tools (`benches/fit_compare.py`).
    pub fn write_csv<W: std::io::Write>(&self, leads: &LeadSet, writer: W) -> std::io::Result<()> {
        let mut out = csv::Writer::from_writer(writer);
        let mut header = vec![
            "Lead ID".to_owned(),
            "split".to_owned(),
            "reached_sql".to_owned(),
        ];
        header.extend(self.columns.iter().map(|c| c.id.clone()));
        out.write_record(&header)?;
        let mut record = Vec::with_capacity(header.len());
        for (i, &row) in self.rows.iter().enumerate() {
            let mut dense = vec![0.0; self.columns.len()];
            for &(j, v) in self.units.row(i) {
                if let Some(slot) = dense.get_mut(j as usize) {
                    *slot = v;
                }
            }
            record.clear();
            record.push(leads.ids.get(row).cloned().unwrap_or_default());
            let held = self.held_out.get(i).copied().unwrap_or(false);
            record.push(if held { "holdout" } else { "train" }.to_owned());
            let sql = self.reached_sql.get(i).copied().unwrap_or(false);
            record.push(if sql { "1" } else { "0" }.to_owned());
            record.extend(dense.iter().map(|v| format!("{v}")));
            out.write_record(&record)?;
        }
        out.flush()
    }
}

/// One rule's fitted points.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedRule {
    pub id: String,
    pub label: String,
    pub kind: RuleKind,
    pub unit: String,
    /// The fitted log-odds per unit.
    pub coefficient: f64,
    pub old_points: f64,
    pub new_points: f64,
    /// Training leads the rule fires for.
    pub support: usize,
    /// Why the rule is a candidate to drop, if it is (fitted points about 0, never fires).
    pub drop_reason: Option<String>,
    /// Why the rule's points were kept instead of fitted (too few training leads).
    pub not_fitted: Option<String>,
}

/// What a joint fit found and the model it makes.
#[derive(Clone, Debug)]
pub struct FitReport {
    /// The model with the fitted points, the suggested threshold (and a nurture band that fits
    /// under it) and a changelog-ready summary; everything else as it was.
    pub model: Model,
    pub rules: Vec<FittedRule>,
    pub fit: LogisticFit,
    /// Total-score points per unit of log-odds: 10 / ln 2 (10 points per doubling of the
    /// odds), less when that would push more than 1 % of the leads past a side's cap.
    pub points_per_logit: f64,
    pub threshold: Option<super::Suggestion>,
    /// Leads learnt from / checked on.
    pub training_leads: usize,
    pub holdout_leads: usize,
    /// The fitted model as scored (caps, floor, rounding) on the holdout part, or on the
    /// training leads without a holdout.
    pub quality: Quality,
    /// The model as it was, on the same leads: what applying the fit would change.
    pub current_quality: Quality,
    /// The raw fitted log-odds' AUC on the same leads: what the points lose to rounding, caps
    /// and the floor is the difference.
    pub linear_auc: Option<f64>,
    /// Caps or floors that bind, in words.
    pub warnings: Vec<String>,
    pub penalty: f64,
}

/// Why a fit cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("the model has no enabled fit or engagement rule to fit")]
    NoRules,
    #[error(
        "the model has {rules} enabled fit and engagement rules; a joint fit takes at most \
         {MAX_FIT_RULES} (disable the rules you do not want fitted)"
    )]
    TooManyRules { rules: usize },

    #[error(
        "only {leads} lead(s) with an outcome to learn from ({sqls} reached SQL); a fit needs at \
         least {MIN_LEADS} and both outcomes"
    )]
    TooFewLeads { leads: usize, sqls: usize },
}

/// `q`-quantile of the positive values (0 when there are none).
fn positive_quantile(mut values: Vec<f64>, q: f64) -> f64 {
    values.retain(|v| *v > 0.0 && v.is_finite());
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let index = ((values.len() as f64 * q).ceil() as usize).clamp(1, values.len()) - 1;
    values.get(index).copied().unwrap_or(0.0)
}

/// Total-score points per side point: `weight × scale / cap` (0 when the side does not count).
fn side_factor(weight: f64, scale: f64, cap: f64) -> f64 {
    if weight > 0.0 && scale > 0.0 && cap > 0.0 {
        weight * scale / cap
    } else {
        0.0
    }
}

/// Rounds fitted points: whole points, except a per-occurrence rule below 10 points per
/// occurrence, which keeps two decimals (a per-second rule is not rounded to 0).
fn round_points(points: f64, per_occurrence: bool) -> f64 {
    let points = points.clamp(-MAX_POINTS, MAX_POINTS);
    let rounded = if per_occurrence && points.abs() < 10.0 {
        round2(points)
    } else {
        points.round()
    };
    rounded + 0.0
}

/// Fits every enabled rule's points at once on the leads with an outcome (see the module doc).
pub fn fit_points(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    options: FitOptions,
) -> Result<FitReport, FitError> {
    let enabled = model.fit.rules.iter().filter(|r| r.enabled).count()
        + model.engagement.rules.iter().filter(|r| r.enabled).count();
    if enabled > MAX_FIT_RULES {
        return Err(FitError::TooManyRules { rules: enabled });
    }
    let design = Design::new(model, leads, evaluation, options.holdout);
    if design.columns.is_empty() {
        return Err(FitError::NoRules);
    }
    let training = design.training();
    let train_leads = training.iter().filter(|t| **t).count();
    let train_sqls = (0..design.rows.len())
        .filter(|&i| training[i] && design.reached_sql[i])
        .count();
    if train_leads < MIN_LEADS || train_sqls == 0 || train_sqls == train_leads {
        return Err(FitError::TooFewLeads {
            leads: train_leads,
            sqls: train_sqls,
        });
    }
    let on_fit_side: Vec<bool> = design
        .columns
        .iter()
        .map(|c| c.kind == RuleKind::Fit)
        .collect();
    let c = &model.combine;
    let fit_factor = side_factor(c.fit_weight, c.scale, model.fit.max_points);
    let engagement_factor = side_factor(c.engagement_weight, c.scale, model.engagement.max_points);
    let fit = fit_logistic(
        &design.units,
        &design.reached_sql,
        &training,
        options.penalty,
    );

    // The scaling: 10 total points per doubling of the odds, unless a side's fitted sums would
    // then pass its cap for more than 1 % of the training leads. Rules with too few leads keep
    // their points (below) and are left out of these sums: the scale is the fit's, and what
    // the kept points add is the model's own.
    let supports = design.units.column_support(design.columns.len(), &training);
    let mut fit_logits = Vec::with_capacity(train_leads);
    let mut engagement_logits = Vec::with_capacity(train_leads);
    for i in (0..design.rows.len()).filter(|&i| training[i]) {
        let (mut f, mut e) = (0.0, 0.0);
        for &(j, v) in design.units.row(i) {
            let j = j as usize;
            if supports.get(j).copied().unwrap_or(0) < MIN_LEADS {
                continue;
            }
            let beta = fit.coefficients.get(j).copied().unwrap_or(0.0);
            if on_fit_side.get(j).copied().unwrap_or(false) {
                f += beta * v
            } else {
                e += beta * v
            }
        }
        fit_logits.push(f);
        engagement_logits.push(e);
    }
    let mut points_per_logit = POINTS_PER_DOUBLING / LN_2;
    for (logits, weight) in [
        (fit_logits, c.fit_weight),
        (engagement_logits, c.engagement_weight),
    ] {
        let high = positive_quantile(logits, CAP_QUANTILE);
        if high > 0.0 && weight > 0.0 && c.scale > 0.0 {
            points_per_logit = points_per_logit.min(weight * c.scale / high);
        }
    }

    let mut fitted = model.clone();
    let mut rules = Vec::new();
    let fitted_columns = design.columns.iter().enumerate().map(|(j, c)| {
        let beta = fit.coefficients.get(j).copied().unwrap_or(0.0);
        (c, supports.get(j).copied().unwrap_or(0), Some(beta))
    });
    for (column, support, coefficient) in fitted_columns {
        let fit_side = column.kind == RuleKind::Fit;
        let (factor, per_occurrence, old_points) = if fit_side {
            let old = fitted.fit.rules.iter().find(|r| r.id == column.id);
            (fit_factor, false, old.map_or(0.0, |r| r.points))
        } else {
            let old = fitted.engagement.rules.iter().find(|r| r.id == column.id);
            let per_occurrence = old.is_some_and(|r| r.counting == Counting::PerOccurrence);
            (
                engagement_factor,
                per_occurrence,
                old.map_or(0.0, |r| r.points),
            )
        };
        // A side that does not count towards the total keeps its points, and so does a rule too
        // few training leads give data on (see `Design::left_out`).
        let new_points = match coefficient {
            Some(beta) if factor > 0.0 && support >= MIN_LEADS => {
                round_points(beta * points_per_logit / factor, per_occurrence)
            }
            _ => old_points,
        };
        set_points(&mut fitted, fit_side, &column.id, new_points);
        let not_fitted = (support > 0 && support < MIN_LEADS).then(|| {
            format!(
                "fires for {support} training lead(s); points are fitted from {MIN_LEADS}: kept"
            )
        });
        let drop_reason = if support == 0 {
            Some("fires for none of the training leads (points kept)".to_owned())
        } else if support < MIN_LEADS {
            None
        } else if new_points.abs() < NEGLIGIBLE_POINTS && !per_occurrence {
            Some(format!(
                "fitted points about 0 ({})",
                fmt_number(new_points)
            ))
        } else if per_occurrence && new_points == 0.0 {
            Some("fitted points about 0 per occurrence".to_owned())
        } else {
            None
        };
        rules.push(FittedRule {
            id: column.id.clone(),
            label: column.label.clone(),
            kind: column.kind,
            unit: column.unit.clone(),
            coefficient: coefficient.unwrap_or(0.0),
            old_points,
            new_points,
            support,
            drop_reason,
            not_fitted,
        });
    }

    let in_training = |row: usize| {
        design
            .rows
            .binary_search(&row)
            .is_ok_and(|i| training.get(i).copied().unwrap_or(false))
    };
    // The gates keep holding back the same share of the training leads, in the new points.
    let current_scores = score_all(model, evaluation);
    let unmapped = score_all(&fitted, evaluation);
    let training_rows: Vec<usize> = (0..leads.len()).filter(|&r| in_training(r)).collect();
    let side = |scores: &[crate::scoring::LeadScore], fit: bool| -> Vec<f64> {
        training_rows
            .iter()
            .filter_map(|&r| scores.get(r))
            .map(|s| if fit { s.fit } else { s.engagement })
            .collect()
    };
    if let Some(gate) = model.combine.min_fit {
        fitted.combine.min_fit = Some(same_share_gate(
            &side(&current_scores, true),
            &side(&unmapped, true),
            gate,
        ));
    }
    if let Some(gate) = model.combine.min_engagement {
        fitted.combine.min_engagement = Some(same_share_gate(
            &side(&current_scores, false),
            &side(&unmapped, false),
            gate,
        ));
    }

    // The threshold, on the training part only.
    let scores = score_all(&fitted, evaluation);
    let sweep = sweep_where(&fitted, leads, &scores, &in_training);
    // Without a target: `calibrate`'s default, 1.5 × the training part's base rate (20 % to
    // 95 %). Not "today's volume": a model fresh from the miner makes an arbitrary number of
    // MQLs, and keeping it starved sales (5 % of the leads at 98 % MQL → SQL).
    let target = options
        .target
        .unwrap_or(Target::MqlToSqlRate(default_target_rate_of(
            train_sqls,
            train_leads,
        )));
    let threshold = suggest_threshold(&sweep, target);
    if let Some(suggestion) = &threshold {
        let t = suggestion.threshold;
        fitted.combine.nurture_band = fitted.combine.nurture_band.min(t.max(0.0));
        fitted.combine.mql_threshold = t;
    }

    // Quality on the holdout (or the training leads without one).
    let held_rows: Vec<bool> = design.held_out.clone();
    let checked = |i: usize| {
        if options.holdout.is_some() {
            held_rows.get(i).copied().unwrap_or(false)
        } else {
            true
        }
    };
    let checked_lead = |row: usize| design.rows.binary_search(&row).is_ok_and(checked);
    let on = match options.holdout {
        Some(h) => format!(
            "the {} holdout (seed {}), {} leads",
            super::percent(h.share),
            h.seed,
            design.held_out.iter().filter(|h| **h).count()
        ),
        None => format!("the {train_leads} training leads (no holdout: optimistic)"),
    };
    let quality_ = quality(
        leads,
        &scores,
        fitted.combine.scale,
        checked_lead,
        on.clone(),
    );
    let current_quality = quality(
        leads,
        &current_scores,
        model.combine.scale,
        checked_lead,
        on,
    );
    let (linear, positives): (Vec<f64>, Vec<bool>) = (0..design.rows.len())
        .filter(|&i| checked(i))
        .map(|i| (fit.linear(&design.units, i), design.reached_sql[i]))
        .unzip();
    let linear_auc = roc_auc(&linear, &positives);
    let warnings =
        super::limits::binding_limits(&fitted, leads, evaluation, &|row| in_training(row));
    Ok(FitReport {
        model: fitted,
        rules,
        fit,
        points_per_logit,
        threshold,
        training_leads: train_leads,
        holdout_leads: design.held_out.iter().filter(|h| **h).count(),
        quality: quality_,
        current_quality,
        linear_auc,
        warnings,
        penalty: options.penalty,
    })
}

/// A gate in the fitted points that holds back the same share of leads as `gate` did in the old
/// ones: the share `p` of `before` below `gate`, then the whole number at or below which the
/// fitted sub-score of the leads at that rank lies (0 when no lead was held back).
fn same_share_gate(before: &[f64], after: &[f64], gate: f64) -> f64 {
    if before.is_empty() || after.is_empty() {
        return gate;
    }
    let held = before.iter().filter(|v| **v < gate).count();
    if held == 0 {
        return 0.0;
    }
    let mut sorted = after.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (held as f64 / before.len() as f64 * sorted.len() as f64).round() as usize;
    sorted
        .get(rank.min(sorted.len() - 1))
        .copied()
        .unwrap_or(gate)
        .floor()
        .max(0.0)
}

fn set_points(model: &mut Model, fit_side: bool, id: &str, points: f64) {
    if fit_side {
        if let Some(rule) = model.fit.rules.iter_mut().find(|r| r.id == id) {
            rule.points = points;
        }
    } else if let Some(rule) = model.engagement.rules.iter_mut().find(|r| r.id == id) {
        // A per-occurrence cap stays the same number of occurrences.
        if let (Some(units), true) = (cap_in_units(rule), points != 0.0) {
            rule.cap = Some(round2(units * points.abs()).max(0.01));
        }
        rule.points = points;
    }
}

impl FitReport {
    /// One line for the changelog: how many rules' points the fit changed, and the threshold.
    pub fn summary(&self) -> String {
        changed_summary(&self.rules, self.threshold.as_ref().map(|s| s.threshold))
    }
}

fn changed_summary(rules: &[FittedRule], threshold: Option<f64>) -> String {
    let changed = rules
        .iter()
        .filter(|r| r.new_points != r.old_points)
        .count();
    let mut text = format!(
        "Points of {changed} of {} rule(s) fitted jointly on history",
        rules.len()
    );
    if let Some(t) = threshold {
        text.push_str(&format!("; threshold {}", fmt_number(t)));
    }
    text
}

impl FittedRule {
    /// `+12 → +8 per occurrence`.
    pub fn change_text(&self) -> String {
        let per = if self.unit == "occurrence" {
            " per occurrence"
        } else {
            ""
        };
        format!(
            "{} → {}{per}",
            fmt_signed(self.old_points),
            fmt_signed(self.new_points)
        )
    }
}

/// What applying a fit would change on the leads (all of them, not only a holdout).
#[derive(Clone, Debug, PartialEq)]
pub struct FitChanges {
    /// Leads whose status changes, by (before, after).
    pub status_changes: Vec<((crate::scoring::Status, crate::scoring::Status), usize)>,
    pub changed_leads: usize,
    pub before: super::Funnel,
    pub after: super::Funnel,
}

/// The status changes and funnels of `model` before and after the fit in `report`.
pub fn fit_changes(
    model: &Model,
    report: &FitReport,
    leads: &LeadSet,
    evaluation: &Evaluation,
) -> FitChanges {
    let before = score_all(model, evaluation);
    let after = score_all(&report.model, evaluation);
    let changes = super::status_changes(&before, &after);
    FitChanges {
        status_changes: super::status_change_counts(&changes),
        changed_leads: changes.len(),
        before: super::funnel(leads, &before),
        after: super::funnel(leads, &after),
    }
}
