//! How good a model is on leads with an outcome: ROC AUC, gains, observed rates by score band with
//! Wilson intervals, and the seeded split into a training and a holdout part.

/// The z value of a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval of a rate `successes / n` at `z` (95 %: [`Z_95`]): `(low, high)`,
/// both within `[0, 1]`. `None` when `n` is 0. Unlike `rate ± z·√(rate(1-rate)/n)` it stays
/// inside `[0, 1]` and is honest for small `n` and rates near 0 or 1.
pub fn wilson_interval(successes: usize, n: usize, z: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n_f = n as f64;
    let p = successes.min(n) as f64 / n_f;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denominator;
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denominator;
    // The interval always holds the rate (0 of n starts at 0, n of n ends at 1); the clamps only
    // undo rounding (n of n gave 0.9999999999999999).
    Some(((centre - half).clamp(0.0, p), (centre + half).clamp(p, 1.0)))
}

use crate::leads::LeadSet;
use crate::scoring::{LeadScore, Status};

/// The fewest leads with an outcome a rate is read from without a "few leads" warning, and the
/// fewest a rule's points are suggested from (the same number everywhere).
pub const MIN_LEADS: usize = 30;

/// Which leads a report is computed on: the leads with an outcome, all of them or one part of
/// a seeded split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Holdout {
    /// The share of leads with an outcome set aside for checking (0 < share < 1).
    pub share: f64,
    pub seed: u64,
}

/// Per lead: `true` when it is in the holdout part. Only leads with an outcome are split (the
/// others are never in either part); exactly `round(share × n)` of the `n` leads with an
/// outcome are held out, chosen by a shuffle seeded with `seed`, so the same file, share and
/// seed always give the same parts.
pub fn holdout_rows(leads: &LeadSet, holdout: Holdout) -> Vec<bool> {
    let with_outcome: Vec<usize> = (0..leads.len())
        .filter(|&row| leads.outcomes.get(row).is_some_and(|o| o.is_some()))
        .collect();
    let mut rows = with_outcome.clone();
    fastrand::Rng::with_seed(holdout.seed).shuffle(&mut rows);
    let share = if holdout.share.is_finite() {
        holdout.share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let count = ((share * rows.len() as f64).round() as usize).min(rows.len());
    let mut held = vec![false; leads.len()];
    for &row in rows.iter().take(count) {
        if let Some(slot) = held.get_mut(row) {
            *slot = true;
        }
    }
    held
}

/// How a status ranks a lead for the model's quality: a fast-tracked lead above every score, a
/// disqualified one below every score, any other lead by its score.
pub fn ranking_key(score: &LeadScore) -> f64 {
    match score.status {
        Status::FastTracked => f64::INFINITY,
        Status::Disqualified => f64::NEG_INFINITY,
        _ if score.score.is_nan() => f64::NEG_INFINITY,
        _ => score.score,
    }
}

/// The ROC AUC of `keys` for the outcomes `positives`: the probability that a random positive
/// has a higher key than a random negative, ties counting one half (the Mann–Whitney U over
/// `positives × negatives`). `None` without a positive or without a negative.
pub fn roc_auc(keys: &[f64], positives: &[bool]) -> Option<f64> {
    let mut pairs: Vec<(f64, bool)> = keys
        .iter()
        .zip(positives)
        .map(|(&k, &p)| (if k.is_nan() { f64::NEG_INFINITY } else { k }, p))
        .collect();
    let n_pos = pairs.iter().filter(|p| p.1).count();
    let n_neg = pairs.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    // For each group of equal keys: positives in it beat every negative below it and tie with
    // the negatives in it.
    let (mut wins, mut negatives_below, mut start) = (0.0f64, 0usize, 0usize);
    while start < pairs.len() {
        let key = pairs[start].0;
        let end = start + pairs[start..].partition_point(|p| p.0.total_cmp(&key).is_eq());
        let group = &pairs[start..end];
        let pos = group.iter().filter(|p| p.1).count();
        let neg = group.len() - pos;
        wins += pos as f64 * (negatives_below as f64 + neg as f64 / 2.0);
        negatives_below += neg;
        start = end;
    }
    Some(wins / (n_pos as f64 * n_neg as f64))
}

/// A rate with the leads behind it and its 95 % Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub leads: usize,
    pub sqls: usize,
    /// `sqls / leads`; `None` without leads.
    pub rate: Option<f64>,
    pub interval: Option<(f64, f64)>,
}

impl Rate {
    pub fn of(sqls: usize, leads: usize) -> Rate {
        Rate {
            leads,
            sqls,
            rate: (leads > 0).then(|| sqls as f64 / leads as f64),
            interval: wilson_interval(sqls, leads, Z_95),
        }
    }

    /// Fewer than [`MIN_LEADS`] leads: the rate is shown, with a warning.
    pub fn few_leads(&self) -> bool {
        self.leads < MIN_LEADS
    }

    /// `12.5 % (9.1–16.9 %)`, or `–` without leads.
    pub fn text(&self) -> String {
        match (self.rate, self.interval) {
            (Some(rate), Some((low, high))) => format!(
                "{} ({}–{})",
                super::percent(rate),
                crate::model::fmt_number((low * 1000.0).round() / 10.0),
                super::percent(high)
            ),
            _ => "–".to_owned(),
        }
    }
}

/// One row of a calibration table: the leads in a score band and how many reached SQL.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// `70–80`, `90–100`, `fast-tracked`, `disqualified`.
    pub label: String,
    pub rate: Rate,
}

/// One point of a gains chart: the best `share_of_leads` of the leads (by ranking key) catch
/// `share_of_sqls` of the SQLs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GainsPoint {
    pub share_of_leads: f64,
    pub share_of_sqls: f64,
    /// `share_of_sqls / share_of_leads`: how many times better than picking leads at random.
    pub lift: f64,
}

/// How good a scoring is on a set of leads with an outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Quality {
    /// Which leads: "the 30 % holdout (seed 42)", "all leads with an outcome".
    pub on: String,
    pub overall: Rate,
    /// ROC AUC of the ranking key ([`ranking_key`]); `None` without SQLs or without non-SQLs.
    pub auc: Option<f64>,
    /// At 10 %, 20 %, …, 100 % of the leads.
    pub gains: Vec<GainsPoint>,
    /// Score bands a tenth of the scale wide, highest first, then fast-tracked and disqualified
    /// leads; empty bands are left out.
    pub bands: Vec<Band>,
}

/// The quality of `scores` on the leads with an outcome for which `include(row)` holds.
pub fn quality(
    leads: &LeadSet,
    scores: &[LeadScore],
    scale: f64,
    include: impl Fn(usize) -> bool,
    on: String,
) -> Quality {
    let mut keys = Vec::new();
    let mut positives = Vec::new();
    let mut band_counts: Vec<(usize, usize)> = vec![(0, 0); 12];
    for (row, score) in scores.iter().enumerate().take(leads.len()) {
        let Some(Some(outcome)) = leads.outcomes.get(row) else {
            continue;
        };
        if !include(row) {
            continue;
        }
        keys.push(ranking_key(score));
        positives.push(outcome.reached_sql);
        let band = match score.status {
            Status::FastTracked => 10,
            Status::Disqualified => 11,
            _ => band_of(score.score, scale),
        };
        if let Some(counts) = band_counts.get_mut(band) {
            counts.0 += 1;
            counts.1 += usize::from(outcome.reached_sql);
        }
    }
    let sqls = positives.iter().filter(|&&p| p).count();
    Quality {
        on,
        overall: Rate::of(sqls, positives.len()),
        auc: roc_auc(&keys, &positives),
        gains: gains(&keys, &positives),
        bands: bands(&band_counts, scale),
    }
}

/// The band of a score: `floor(10 × score / scale)`, 0 to 9 (the top band includes the scale).
fn band_of(score: f64, scale: f64) -> usize {
    if scale.is_nan() || scale <= 0.0 || score.is_nan() {
        return 0;
    }
    ((score / scale * 10.0).floor().max(0.0) as usize).min(9)
}

fn bands(counts: &[(usize, usize)], scale: f64) -> Vec<Band> {
    let edge = |i: usize| crate::model::fmt_number(scale * i as f64 / 10.0);
    let mut out = Vec::new();
    for (index, &(leads, sqls)) in counts.iter().enumerate().rev() {
        if leads == 0 {
            continue;
        }
        let label = match index {
            10 => "fast-tracked".to_owned(),
            11 => "disqualified".to_owned(),
            i => format!("{}–{}", edge(i), edge(i + 1)),
        };
        out.push((
            index,
            Band {
                label,
                rate: Rate::of(sqls, leads),
            },
        ));
    }
    // Fast-tracked first, then the score bands from the top, disqualified last.
    out.sort_by_key(|(index, _)| match index {
        10 => 0,
        11 => 20,
        i => 10 - i,
    });
    out.into_iter().map(|(_, band)| band).collect()
}

fn gains(keys: &[f64], positives: &[bool]) -> Vec<GainsPoint> {
    let total_sqls = positives.iter().filter(|&&p| p).count();
    if keys.is_empty() || total_sqls == 0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..keys.len()).collect();
    // Best first; ties in file order, so the chart is the same on every run.
    order.sort_by(|&a, &b| keys[b].total_cmp(&keys[a]).then(a.cmp(&b)));
    (1..=10)
        .map(|decile| {
            let take = (keys.len() * decile).div_ceil(10);
            let caught = order
                .iter()
                .take(take)
                .filter(|&&i| positives.get(i).copied().unwrap_or(false))
                .count();
            let share_of_leads = take as f64 / keys.len() as f64;
            let share_of_sqls = caught as f64 / total_sqls as f64;
            GainsPoint {
                share_of_leads,
                share_of_sqls,
                lift: share_of_sqls / share_of_leads,
            }
        })
        .collect()
}
