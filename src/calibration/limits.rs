//! Caps and floors that bind: when a side's points pass its cap (or fall below 0) for many
//! leads, those leads all get the same sub-score and the model cannot tell them apart.

use super::percent;
use crate::leads::LeadSet;
use crate::model::{Model, fmt_number};
use crate::scoring::{Evaluation, engagement_points};

/// A cap binds "for a large share of leads" above this share (the fit itself aims at 1 %).
pub const BINDING_SHARE: f64 = 0.10;

/// A side's raw sums (before the floor and the cap) over the leads `include` keeps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SideSums {
    pub fit: Vec<f64>,
    pub engagement: Vec<f64>,
}

/// The raw fit and engagement sums of the enabled rules, lead by lead.
pub fn side_sums(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    include: &dyn Fn(usize) -> bool,
) -> SideSums {
    let rows: Vec<usize> = (0..leads.len()).filter(|&r| include(r)).collect();
    let mut fit = vec![0.0; leads.len()];
    for (rule, matches) in model.fit.rules.iter().zip(&evaluation.fit_matches) {
        if !rule.enabled {
            continue;
        }
        for (slot, &matched) in fit.iter_mut().zip(matches) {
            if matched {
                *slot += rule.points;
            }
        }
    }
    let mut engagement = vec![0.0; leads.len()];
    for (rule, counts) in model
        .engagement
        .rules
        .iter()
        .zip(&evaluation.engagement_counts)
    {
        if !rule.enabled {
            continue;
        }
        for (row, count) in counts.iter() {
            if let Some(slot) = engagement.get_mut(row) {
                *slot += engagement_points(rule, count);
            }
        }
    }
    let pick = |values: &[f64]| -> Vec<f64> {
        rows.iter()
            .map(|&r| values.get(r).copied().unwrap_or(0.0))
            .collect()
    };
    SideSums {
        fit: pick(&fit),
        engagement: pick(&engagement),
    }
}

/// Warnings for caps and floors that bind for more than [`BINDING_SHARE`] of the leads
/// `include` keeps, each with what to change.
pub fn binding_limits(
    model: &Model,
    leads: &LeadSet,
    evaluation: &Evaluation,
    include: &dyn Fn(usize) -> bool,
) -> Vec<String> {
    let sums = side_sums(model, leads, evaluation, include);
    let mut warnings = Vec::new();
    for (side, values, cap) in [
        ("fit", &sums.fit, model.fit.max_points),
        ("engagement", &sums.engagement, model.engagement.max_points),
    ] {
        if values.is_empty() {
            continue;
        }
        let n = values.len() as f64;
        let over = values.iter().filter(|v| **v > cap).count() as f64 / n;
        let under = values.iter().filter(|v| **v < 0.0).count() as f64 / n;
        if over > BINDING_SHARE {
            let mut sorted: Vec<f64> = values.clone();
            sorted.sort_by(f64::total_cmp);
            let index = ((sorted.len() as f64 * 0.99).ceil() as usize).clamp(1, sorted.len()) - 1;
            let high = sorted.get(index).copied().unwrap_or(cap).ceil();
            warnings.push(format!(
                "The {side} cap of {} binds for {} of the leads: their points add up to more, \
                 and they all get {}, so the model cannot rank them. Raise the cap to {} (what \
                 99 % of the leads stay under) or lower the points.",
                fmt_number(cap),
                percent(over),
                fmt_number(cap),
                fmt_number(high)
            ));
        }
        if under > BINDING_SHARE {
            warnings.push(format!(
                "The {side} floor of 0 binds for {} of the leads: their points add up to less \
                 than 0 and count as 0, so the model cannot rank them. Give points to the \
                 better values instead of taking them from the worse ones.",
                percent(under)
            ));
        }
    }
    warnings
}
