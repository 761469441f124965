//! The arithmetic both scoring paths share: rounding, an engagement rule's points (counting and
//! cap), decay, bands, the mix of fit and engagement into a total, gates and status. The column
//! path runs it once per lead on every rescore, hence the branch-free forms.

use super::{LeadScore, Status};
use crate::model::{Band, Counting, EngagementRule, Model};
use crate::validate::MAX_POINTS;

/// The most an engagement rule without a cap adds or takes away: `points × count` is clamped to
/// `[-UNCAPPED_RULE_POINTS, UNCAPPED_RULE_POINTS]`, so a count column holding `1e308` gives a
/// large finite number, never infinity (and two such rules of opposite signs never `NaN`).
/// Real activity never comes near it: 10,000 points (the most a rule may be worth) times 100
/// million occurrences.
pub const UNCAPPED_RULE_POINTS: f64 = 1e12;

/// A number of the model as the scorer uses it: `NaN` counts as 0, and a value beyond
/// ±[`MAX_POINTS`] as ±`MAX_POINTS`. Every valid model's numbers are already in that range (the
/// identity then); this keeps the scores of a model that skipped validation finite.
#[inline]
pub(super) fn bounded(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(-MAX_POINTS, MAX_POINTS)
    }
}

/// The model's numbers that make the total, as the scorer uses them ([`bounded`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Mix {
    pub(super) fit_max: f64,
    pub(super) engagement_max: f64,
    pub(super) scale: f64,
    pub(super) fit_weight: f64,
    pub(super) engagement_weight: f64,
    pub(super) threshold: f64,
    pub(super) nurture_band: f64,
}

impl Mix {
    pub(super) fn of(model: &Model) -> Mix {
        let c = &model.combine;
        Mix {
            fit_max: bounded(model.fit.max_points),
            engagement_max: bounded(model.engagement.max_points),
            scale: bounded(c.scale),
            fit_weight: bounded(c.fit_weight),
            engagement_weight: bounded(c.engagement_weight),
            threshold: bounded(c.mql_threshold),
            nurture_band: bounded(c.nurture_band),
        }
    }
}

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
pub(super) struct PointsRule {
    pub(super) counting: Counting,
    pub(super) points: f64,
    /// The cap as a clamp range (±[`UNCAPPED_RULE_POINTS`] without a cap).
    pub(super) low: f64,
    pub(super) high: f64,
}

impl PointsRule {
    pub(super) fn new(rule: &EngagementRule) -> PointsRule {
        let high = match rule.cap.map(bounded) {
            Some(cap) if cap > 0.0 => cap,
            _ => UNCAPPED_RULE_POINTS,
        };
        PointsRule {
            counting: rule.counting,
            points: bounded(rule.points),
            low: -high,
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
pub(super) fn at_least(points: f64, effective_count: f64, n: u32) -> f64 {
    let keep = 0u64.wrapping_sub(u64::from(effective_count >= f64::from(n)));
    f64::from_bits(points.to_bits() & keep)
}

/// Values derived from a rounded amount, looked up by its whole hundredths instead of divided
/// out lead by lead: `table[h]` is `derive(h / 100)` for every `h` the table holds.
pub(super) struct ByHundredths<T> {
    table: Vec<T>,
}

impl<T: Copy> ByHundredths<T> {
    /// A table for amounts from 0 up to `max` (at most 2^15 entries; larger amounts are derived
    /// on the spot).
    pub(super) fn new(max: f64, derive: impl Fn(f64) -> T) -> ByHundredths<T> {
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
    pub(super) fn round2(&self, value: f64, derive: impl Fn(f64) -> T) -> T {
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
    let mix = Mix::of(model);
    // Sub-scores are rounded like the total, so the numbers shown are the numbers that gates,
    // grades and the total use. A raw sum that is not a number (only possible when a caller
    // passes one) counts as 0.
    let fit = round2(finite_or_zero(fit_raw).clamp(0.0, mix.fit_max.max(0.0)));
    let engagement = round2(finite_or_zero(engagement_raw).clamp(0.0, mix.engagement_max.max(0.0)));
    let score = mixed_total(&mix, fit, engagement);
    let status = status_of(
        model,
        &mix,
        fit,
        engagement,
        score,
        disqualified,
        fast_tracked,
    );
    LeadScore {
        fit,
        engagement,
        score,
        status,
        fit_grade: band_index(&model.fit_grades, fit),
        engagement_level: band_index(&model.engagement_levels, engagement),
    }
}

/// `NaN` as 0; every other value unchanged (an infinite sum is clamped by the caller's cap).
#[inline]
fn finite_or_zero(value: f64) -> f64 {
    if value.is_nan() { 0.0 } else { value }
}

/// The total on the scale from capped sub-scores, rounded to 2 decimals. Sub-scores outside
/// `[0, cap]` are clamped into it first (a no-op for the sub-scores [`combine`] makes).
pub fn total(model: &Model, fit: f64, engagement: f64) -> f64 {
    let mix = Mix::of(model);
    let fit = finite_or_zero(fit).clamp(0.0, mix.fit_max.max(0.0));
    let engagement = finite_or_zero(engagement).clamp(0.0, mix.engagement_max.max(0.0));
    mixed_total(&mix, fit, engagement)
}

/// The total from capped sub-scores (within `[0, cap]`), rounded to 2 decimals.
#[inline]
fn mixed_total(mix: &Mix, fit: f64, engagement: f64) -> f64 {
    round2(
        (mix.fit_weight * share(fit, mix.fit_max)
            + mix.engagement_weight * share(engagement, mix.engagement_max))
            * mix.scale,
    )
}

/// A sub-score as a share of its maximum (0 when the maximum is not positive).
#[inline]
pub(super) fn share(points: f64, max: f64) -> f64 {
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
    mix: &Mix,
    fit: f64,
    engagement: f64,
    score: f64,
    disqualified: bool,
    fast_tracked: bool,
) -> Status {
    let threshold = mix.threshold;
    if disqualified {
        Status::Disqualified
    } else if fast_tracked {
        Status::FastTracked
    } else if score >= threshold && gates_pass(model, fit, engagement) {
        Status::Mql
    } else if score >= threshold - mix.nurture_band {
        Status::Nurture
    } else {
        Status::Lead
    }
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
