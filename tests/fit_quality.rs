#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! How good a model is (`calibration::quality`): ROC AUC against a brute-force pair count, Wilson
//! intervals against known values, gains, score bands, the seeded holdout split; the caps and
//! floors that bind (`calibration::limits`); and rule lift on the rule's actual contribution
//! (`calibration::lift`).

mod common;

use mql_studio::calibration::fit::engagement_units;
use mql_studio::calibration::limits::binding_limits;
use mql_studio::calibration::quality::{
    Holdout, MIN_LEADS, Z_95, holdout_rows, quality, ranking_key, roc_auc, wilson_interval,
};
use mql_studio::calibration::{points_from_odds, points_per_unit, rule_lift};
use mql_studio::leads::LeadSet;
use mql_studio::model::{Condition, Counting, EngagementRule, Model};
use mql_studio::scoring::{Evaluation, LeadScore, Status, score_all};
use proptest::prelude::*;

use common::day;
use common::leads::{leads, with_events};
use common::rules::{eng_rule, fit_rule};

// ---------------------------------------------------------------------------------------------
// ROC AUC.

/// The AUC by definition: over every (SQL, non-SQL) pair, 1 when the SQL's key is higher, ½ on
/// a tie, 0 otherwise; divided by the number of pairs.
fn brute_force_auc(keys: &[f64], positives: &[bool]) -> Option<f64> {
    let (mut wins, mut pairs) = (0.0, 0usize);
    for (i, &p) in positives.iter().enumerate() {
        for (j, &n) in positives.iter().enumerate() {
            if p && !n {
                pairs += 1;
                wins += match keys[i].partial_cmp(&keys[j]) {
                    Some(std::cmp::Ordering::Greater) => 1.0,
                    Some(std::cmp::Ordering::Equal) => 0.5,
                    _ => 0.0,
                };
            }
        }
    }
    (pairs > 0).then(|| wins / pairs as f64)
}

proptest! {
    #[test]
    fn roc_auc_is_the_share_of_pairs_ranked_right_ties_counting_half(
        leads in prop::collection::vec((0i32..6, any::<bool>()), 0..80)
    ) {
        // Few distinct keys: many ties. Infinite keys (fast-tracked, disqualified) too.
        let keys: Vec<f64> = leads
            .iter()
            .map(|&(k, _)| match k {
                0 => f64::NEG_INFINITY,
                5 => f64::INFINITY,
                k => f64::from(k) * 10.0,
            })
            .collect();
        let positives: Vec<bool> = leads.iter().map(|l| l.1).collect();
        let fast = roc_auc(&keys, &positives);
        let slow = brute_force_auc(&keys, &positives);
        prop_assert_eq!(fast.is_some(), slow.is_some());
        if let (Some(a), Some(b)) = (fast, slow) {
            prop_assert!((a - b).abs() < 1e-12, "{} vs {}", a, b);
        }
    }

    #[test]
    fn wilson_intervals_hold_the_rate_and_stay_in_0_to_1(n in 1usize..500, k in 0usize..500) {
        let k = k % (n + 1);
        let (low, high) = wilson_interval(k, n, Z_95).unwrap();
        let rate = k as f64 / n as f64;
        prop_assert!((0.0..=rate).contains(&low) && (rate..=1.0).contains(&high));
        // Symmetric: the interval of the non-SQLs is the mirror image.
        let (l2, h2) = wilson_interval(n - k, n, Z_95).unwrap();
        prop_assert!((low - (1.0 - h2)).abs() < 1e-12 && (high - (1.0 - l2)).abs() < 1e-12);
    }

    #[test]
    fn gains_rise_to_every_sql_at_all_the_leads(
        leads in prop::collection::vec((0i32..20, any::<bool>()), 1..120)
    ) {
        let set = scored_set(&leads);
        let q = quality(&set.0, &set.1, 100.0, |_| true, String::new());
        if leads.iter().any(|l| l.1) {
            prop_assert_eq!(q.gains.len(), 10);
            for pair in q.gains.windows(2) {
                // (Fewer than 10 leads: some deciles are the same leads.)
                prop_assert!(pair[0].share_of_leads <= pair[1].share_of_leads);
                prop_assert!(pair[0].share_of_sqls <= pair[1].share_of_sqls);
            }
            let last = q.gains[9];
            prop_assert_eq!((last.share_of_leads, last.share_of_sqls, last.lift), (1.0, 1.0, 1.0));
        } else {
            prop_assert!(q.gains.is_empty());
        }
    }
}

#[test]
fn roc_auc_by_hand() {
    // Two SQLs (keys 3, 1) and two others (2, 1): (3 > 2) 1, (3 > 1) 1, (1 < 2) 0, (1 = 1) ½:
    // 2.5 / 4.
    assert_eq!(
        roc_auc(&[3.0, 1.0, 2.0, 1.0], &[true, true, false, false]),
        Some(0.625)
    );
    // A perfect ranking, the reverse one, and all tied.
    assert_eq!(roc_auc(&[2.0, 1.0], &[true, false]), Some(1.0));
    assert_eq!(roc_auc(&[1.0, 2.0], &[true, false]), Some(0.0));
    assert_eq!(roc_auc(&[5.0; 4], &[true, false, true, false]), Some(0.5));
    // A score that is not a number ranks lowest.
    assert_eq!(roc_auc(&[f64::NAN, 0.0], &[false, true]), Some(1.0));
    // Without an SQL or without a non-SQL there is no AUC.
    assert_eq!(roc_auc(&[1.0, 2.0], &[true, true]), None);
    assert_eq!(roc_auc(&[1.0, 2.0], &[false, false]), None);
    assert_eq!(roc_auc(&[], &[]), None);
}

#[test]
fn wilson_intervals_of_known_values() {
    let round4 = |(l, h): (f64, f64)| ((l * 1e4).round() / 1e4, (h * 1e4).round() / 1e4);
    // 0 of 10: from 0 to z² / (n + z²) = 3.8415 / 13.8415 = 0.2775 (not 0 to 0 as ±z·σ gives).
    assert_eq!(round4(wilson_interval(0, 10, Z_95).unwrap()), (0.0, 0.2775));
    assert_eq!(
        round4(wilson_interval(10, 10, Z_95).unwrap()),
        (0.7225, 1.0)
    );
    assert_eq!(
        round4(wilson_interval(5, 10, Z_95).unwrap()),
        (0.2366, 0.7634)
    );
    assert_eq!(round4(wilson_interval(1, 1, Z_95).unwrap()), (0.2065, 1.0));
    // 13 of 107 (the senior-title rule on the bundled data): 12.1 % (7.2–19.7 %).
    assert_eq!(
        round4(wilson_interval(13, 107, Z_95).unwrap()),
        (0.0724, 0.1968)
    );
    assert_eq!(wilson_interval(0, 0, Z_95), None);
    // None of n starts at 0 exactly and all of n ends at 1 exactly (no rounding past the rate).
    for n in 1..2000 {
        assert_eq!(wilson_interval(0, n, Z_95).unwrap().0, 0.0, "0 of {n}");
        assert_eq!(wilson_interval(n, n, Z_95).unwrap().1, 1.0, "{n} of {n}");
    }
    assert_eq!(format!("{Z_95:.6}"), "1.959964");
}

// ---------------------------------------------------------------------------------------------
// Quality: bands, ranking.

/// A lead set and scores from `(key, reached SQL)`: key 0 is disqualified, 19 fast-tracked, any
/// other key k scores 5 × k − 5 (0 to 85).
fn scored_set(leads_: &[(i32, bool)]) -> (LeadSet, Vec<LeadScore>) {
    let mut csv = String::from("id,Outcome\n");
    let mut scores = Vec::new();
    for (i, &(key, sql)) in leads_.iter().enumerate() {
        csv.push_str(&format!("L{i},{}\n", if sql { "sql" } else { "lead" }));
        let status = match key {
            0 => Status::Disqualified,
            19 => Status::FastTracked,
            _ => Status::Lead,
        };
        let score = f64::from(5 * key - 5).max(0.0);
        scores.push(LeadScore {
            fit: score,
            engagement: 0.0,
            score,
            status,
            fit_grade: 0,
            engagement_level: 0,
        });
    }
    (leads(&csv), scores)
}

#[test]
fn bands_are_a_tenth_of_the_scale_wide_with_fast_tracked_first_and_disqualified_last() {
    let (set, mut scores) =
        scored_set(&[(19, true), (2, false), (3, true), (0, false), (10, false)]);
    // Key 10 scores 45; make the last one exactly the scale: it belongs to the top band.
    scores[4].score = 100.0;
    let q = quality(&set, &scores, 100.0, |_| true, "all".into());
    let labels: Vec<&str> = q.bands.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        labels,
        ["fast-tracked", "90–100", "10–20", "0–10", "disqualified"]
    );
    assert!(q.bands.iter().all(|b| b.rate.few_leads()));
    assert_eq!(MIN_LEADS, 30);
    // Ranking: fast-tracked above every score, disqualified below.
    assert_eq!(ranking_key(&scores[0]), f64::INFINITY);
    assert_eq!(ranking_key(&scores[3]), f64::NEG_INFINITY);
    assert_eq!(ranking_key(&scores[1]), 5.0);
    // Only the leads `include` keeps.
    let q = quality(&set, &scores, 100.0, |row| row < 2, "two".into());
    assert_eq!((q.overall.leads, q.overall.sqls, q.auc), (2, 1, Some(1.0)));
}

// ---------------------------------------------------------------------------------------------
// The holdout split.

fn outcome_csv(n: usize, without_outcome: &[usize]) -> String {
    let mut csv = String::from("id,Outcome\n");
    for i in 0..n {
        let outcome = if without_outcome.contains(&i) {
            ""
        } else if i % 4 == 0 {
            "sql"
        } else {
            "lead"
        };
        csv.push_str(&format!("L{i},{outcome}\n"));
    }
    csv
}

#[test]
fn the_holdout_is_a_seeded_share_of_the_leads_with_an_outcome() {
    // 12 leads, 2 without an outcome: 10 are split.
    let set = leads(&outcome_csv(12, &[3, 7]));
    let held = |share: f64, seed: u64| holdout_rows(&set, Holdout { share, seed });
    for (share, expected) in [
        (0.25, 3),
        (0.3, 3),
        (0.35, 4),
        (0.5, 5),
        (0.04, 0),
        (0.96, 10),
    ] {
        // round(share × 10), halves away from 0: 2.5 → 3, 3.5 → 4.
        let rows = held(share, 42);
        assert_eq!(rows.len(), 12);
        assert_eq!(
            rows.iter().filter(|h| **h).count(),
            expected,
            "share {share}"
        );
        assert!(
            !rows[3] && !rows[7],
            "leads without an outcome are in neither part"
        );
    }
    // The same seed: the same split; a larger share holds the smaller one's leads out too (the
    // first of the same shuffle).
    assert_eq!(held(0.3, 42), held(0.3, 42));
    let (small, large) = (held(0.3, 42), held(0.5, 42));
    assert!(small.iter().zip(&large).all(|(s, l)| !s || *l));

    // On 200 leads, different seeds give different splits of the same size.
    let set = leads(&outcome_csv(200, &[]));
    let a = holdout_rows(
        &set,
        Holdout {
            share: 0.3,
            seed: 1,
        },
    );
    let b = holdout_rows(
        &set,
        Holdout {
            share: 0.3,
            seed: 2,
        },
    );
    assert_ne!(a, b);
    assert_eq!(a.iter().filter(|h| **h).count(), 60);
    assert_eq!(b.iter().filter(|h| **h).count(), 60);
}

#[test]
fn the_bundled_holdout_is_ninety_of_three_hundred() {
    let s = common::bundled("models/default.ron");
    let held = holdout_rows(
        &s.leads,
        Holdout {
            share: 0.3,
            seed: 42,
        },
    );
    assert_eq!(held.iter().filter(|h| **h).count(), 90);
    let q = quality(&s.leads, &s.scores, 100.0, |row| held[row], String::new());
    assert_eq!((q.overall.leads, q.overall.sqls), (90, 6));
    assert_eq!(q.auc.map(|a| format!("{a:.3}")), Some("0.813".to_owned()));
    let all = quality(&s.leads, &s.scores, 100.0, |_| true, String::new());
    assert_eq!(all.auc.map(|a| format!("{a:.3}")), Some("0.843".to_owned()));

    // docs/calibration.md quotes them, and a per-occurrence rule's suggestion per occurrence.
    let page = std::fs::read_to_string(common::repo("docs/calibration.md")).unwrap();
    assert!(page.contains("The bundled data: 0.843 on all 300 leads; 0.813 on the 30 % holdout"));
    assert!(page.contains("round(0.3 × 300) = 90 leads and keeps 210 for training"));
    let lifts = rule_lift(&s.model, &s.leads, &s.evaluation);
    let pricing = lifts.iter().find(|l| l.id == "eng-pricing").unwrap();
    assert_eq!((pricing.matched, pricing.per), (130, "per occurrence"));
    assert_eq!(pricing.suggested_points, Some(5.95));
    assert!(page.contains(
        "*Pricing page visit* (8 points a visit) fires for 130 leads and gets +5.95 per visit"
    ));
}

// ---------------------------------------------------------------------------------------------
// Caps and floors that bind.

/// `n` leads of which the first `over` have a VP title (70 fit points, past the cap of 60) and
/// the next `under` are students (-10: below the floor).
fn limits_case(n: usize, over: usize, under: usize) -> Vec<String> {
    let mut csv = String::from("id,job_title\n");
    for i in 0..n {
        let title = if i < over {
            "VP"
        } else if i < over + under {
            "Student"
        } else {
            "Analyst"
        };
        csv.push_str(&format!("L{i},{title}\n"));
    }
    let set = leads(&csv);
    let mut model = Model::new("limits");
    model.fit.rules = vec![
        fit_rule(
            "vp",
            "job_title",
            Condition::ContainsAny(vec!["VP".into()]),
            70.0,
        ),
        fit_rule(
            "student",
            "job_title",
            Condition::ContainsAny(vec!["Student".into()]),
            -10.0,
        ),
    ];
    let evaluation = Evaluation::new(&model, &set, 0);
    binding_limits(&model, &set, &evaluation, &|_| true)
}

#[test]
fn caps_and_floors_that_bind_for_more_than_a_tenth_of_the_leads_are_warned_about() {
    // 10 of 100 past the cap and 10 below the floor: exactly 10 %, no warning.
    assert!(limits_case(100, 10, 10).is_empty());
    // 11 of 100: the cap binds; the suggested cap is what 99 % of the leads stay under.
    let warnings = limits_case(100, 11, 0);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("The fit cap of 60 binds for 11 % of the leads")
            && warnings[0].contains("Raise the cap to 70"),
        "{warnings:?}"
    );
    let warnings = limits_case(100, 0, 20);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("The fit floor of 0 binds for 20 % of the leads"),
        "{warnings:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Rule lift on the rule's actual contribution.

/// 60 leads with 0–5 webinars (`i % 6`); leads with 3 or more reach SQL more often.
fn webinar_csv() -> String {
    let mut csv = String::from("id,webinar,Outcome\n");
    for i in 0..60 {
        let webinars = i % 6;
        let sql = (i / 6) % 5 < webinars / 2;
        csv.push_str(&format!(
            "L{i},{webinars},{}\n",
            if sql { "sql" } else { "lead" }
        ));
    }
    csv
}

#[test]
fn an_at_least_rule_fires_for_the_leads_that_reach_its_count() {
    let set = leads(&webinar_csv());
    let mut model = Model::new("lift");
    model.engagement.rules = vec![
        eng_rule("any", "webinar", Counting::Once, 10.0),
        eng_rule("three", "webinar", Counting::AtLeast(3), 10.0),
        EngagementRule {
            cap: Some(30.0),
            ..eng_rule("per", "webinar", Counting::PerOccurrence, 10.0)
        },
    ];
    let evaluation = Evaluation::new(&model, &set, 0);
    let lifts = rule_lift(&model, &set, &evaluation);
    // "any": 50 leads (1–5 webinars); "3+": 30 (3, 4, 5), not the same leads.
    let counts = |i: usize| {
        (
            lifts[i].matched,
            lifts[i].matched_sqls,
            lifts[i].rest,
            lifts[i].rest_sqls,
        )
    };
    let sqls = |w: usize| (0..10).filter(|b| b % 5 < w / 2).count();
    let three: usize = (3..6).map(sqls).sum();
    let any: usize = (1..6).map(sqls).sum();
    assert_eq!(counts(0), (50, any, 10, 0));
    assert_eq!(counts(1), (30, three, 30, any - three));
    // 30 leads with an outcome is enough for a suggestion: the smoothed odds ratio's points.
    assert_eq!(lifts[1].withheld, None);
    assert_eq!(
        lifts[1].suggested_points,
        points_from_odds(three, 30 - three, any - three, 30 - (any - three))
    );
    // Per occurrence: points per webinar from a one-rule logistic fit on the units (capped at 3
    // webinars: 30 / 10), not a lump sum.
    assert_eq!(lifts[2].per, "per occurrence");
    let units: Vec<(f64, bool)> = (0..60)
        .map(|i| {
            let outcome = set.outcomes[i].unwrap();
            (
                engagement_units(&model.engagement.rules[2], (i % 6) as f64),
                outcome.reached_sql,
            )
        })
        .collect();
    assert!(units.iter().all(|u| u.0 <= 3.0));
    let expected = points_per_unit(&units).unwrap();
    assert_eq!(lifts[2].suggested_points, Some(expected));
    assert!(expected > 0.0, "{expected}");
}

#[test]
fn fewer_than_thirty_matched_leads_get_no_suggestion() {
    let set = leads(&webinar_csv());
    let mut model = Model::new("lift");
    // 4 or more webinars: 20 leads.
    model.engagement.rules = vec![eng_rule("four", "webinar", Counting::AtLeast(4), 10.0)];
    let evaluation = Evaluation::new(&model, &set, 0);
    let lift = &rule_lift(&model, &set, &evaluation)[0];
    assert_eq!(lift.matched, 20);
    assert_eq!(lift.suggested_points, None);
    assert_eq!(
        lift.withheld.as_deref(),
        Some("fires for 20 lead(s) with an outcome; points are suggested from 30")
    );
    // Its rate still comes with an interval.
    assert_eq!(
        lift.matched_interval,
        wilson_interval(lift.matched_sqls, 20, Z_95)
    );
}

#[test]
fn a_windowed_rule_fires_only_for_activity_inside_its_window() {
    // L1 attended a webinar 10 days before the as-of date, L2 100 days before; a 30-day window.
    let set = with_events(
        leads("id,Outcome\nL1,sql\nL2,lead\nL3,lead\n"),
        "Lead ID,Activity,Date\nL1,webinar,2026-10-22\nL2,webinar,2026-07-24\n",
    );
    let mut model = Model::new("window");
    model.engagement.rules = vec![EngagementRule {
        window_days: Some(30),
        ..eng_rule("recent", "webinar", Counting::Once, 10.0)
    }];
    let evaluation = Evaluation::new(&model, &set, day("2026-11-01"));
    let lift = &rule_lift(&model, &set, &evaluation)[0];
    assert_eq!((lift.matched, lift.matched_sqls, lift.rest), (1, 1, 2));
    // The scorer agrees: only L1 gets the points.
    let scores = score_all(&model, &evaluation);
    assert!(scores[0].engagement > 0.0 && scores[1].engagement == 0.0);
}
