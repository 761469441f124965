//! The column path's second step: scores for every lead from an [`Evaluation`], the cheap pass
//! that re-weighting repeats. Engagement is summed rule by rule over only the leads that did
//! each activity; fit, grade and overrides are scored once per fit-and-override pattern; the
//! final pass works in blocks and gathers the [`Summary`] as it goes.

use super::arithmetic::{
    ByHundredths, Mix, PointsRule, at_least, band_index, bounded, round2, share,
};
use super::evaluation::{ActivityCounts, Evaluation};
use super::{LeadScore, Status, Summary, histogram_bin};
use crate::model::{Counting, Model, OverrideAction};
use crate::par::{for_each_chunk, map_chunks};

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

/// What new slots of `scores` hold until the final pass writes them (it writes every one).
const PLACEHOLDER_SCORE: LeadScore = LeadScore {
    fit: 0.0,
    engagement: 0.0,
    score: 0.0,
    status: Status::Lead,
    fit_grade: 0,
    engagement_level: 0,
};
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
    let max = bounded(model.engagement.max_points);
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
    let mix = Mix::of(model);
    let fit_max = mix.fit_max;
    evaluation
        .pattern_rows
        .iter()
        .map(|&row| {
            let row = row as usize;
            let fired = |matches: &Vec<bool>| matches.get(row).copied().unwrap_or(false);
            let mut fit_raw = 0.0;
            for (rule, matches) in model.fit.rules.iter().zip(&evaluation.fit_matches) {
                if rule.enabled && fired(matches) {
                    fit_raw += bounded(rule.points);
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
                fit_term: mix.fit_weight * share(fit, fit_max),
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
    let mix = Mix::of(model);
    let (engagement_weight, scale) = (mix.engagement_weight, mix.scale);
    let threshold = mix.threshold;
    // `status_of` compares with `threshold - nurture_band`: the same subtraction, done once.
    let nurture_floor = threshold - mix.nurture_band;
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
    let highest = scale * (mix.fit_weight.max(0.0) + engagement_weight.max(0.0));
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
