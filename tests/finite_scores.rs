//! Every number the scorer writes is finite (`docs/model-format.md` §4.11): for valid models by
//! the bounds of validation, and for models that skipped validation (a library caller can score
//! anything) because the scorer brings the model's numbers into range first. Both scoring paths
//! must still agree to the last bit.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use mql_studio::leads::{ColumnData, LeadSet};
use mql_studio::model::{Band, Counting, Model};
use mql_studio::scoreboard::Scoreboard;
use mql_studio::scoring::{
    Evaluation, LeadScore, UNCAPPED_RULE_POINTS, explain, score_all, status_counts,
};
use mql_studio::validate::{MAX_POINTS, is_valid, validate};
use proptest::prelude::*;

mod common;

use common::default_model;
use common::leads::{generated, leads, with_events};
use common::rules::eng_rule;
use common::scoring::{explain_agreeing, score_both_ways};

/// Every lead's numbers are finite.
#[track_caller]
fn assert_finite(scores: &[LeadScore]) {
    for (row, score) in scores.iter().enumerate() {
        assert!(
            score.fit.is_finite() && score.engagement.is_finite() && score.score.is_finite(),
            "row {row}: {score:?}"
        );
    }
}

/// Scores every lead both ways (they must agree), checks that every number of both is finite,
/// and that a scoreboard gives the same; returns the scores.
#[track_caller]
fn score_finite(model: &Model, set: &LeadSet, as_of: i32) -> Vec<LeadScore> {
    let evaluation = Evaluation::new(model, set, as_of);
    let scores = score_all(model, &evaluation);
    assert_finite(&scores);
    for row in 0..set.len() {
        let explanation = explain_agreeing(model, set, &evaluation, &scores, row);
        assert!(explanation.fit_raw.is_finite(), "{explanation:?}");
        assert!(explanation.engagement_raw.is_finite(), "{explanation:?}");
        assert!(
            explanation.distance_to_threshold.is_finite(),
            "{explanation:?}"
        );
        for rule in &explanation.rules {
            assert!(rule.points.is_finite(), "{rule:?}");
        }
    }
    let board = Scoreboard::new(model, set, as_of);
    assert_eq!(board.scores, scores);
    assert_eq!(board.summary.counts, status_counts(&scores));
    scores
}

/// Generated leads with an event log, and the same kind of leads with count columns whose
/// numbers are extreme: the largest doubles, infinity (possible in a column built in code), the
/// smallest positive double, 0 and ordinary counts.
fn extreme_leads() -> &'static (LeadSet, LeadSet, i32) {
    static LEADS: OnceLock<(LeadSet, LeadSet, i32)> = OnceLock::new();
    LEADS.get_or_init(|| {
        let model = default_model();
        let (with_events, as_of) = generated(60, 41, true, &model.fields);
        let (mut with_counts, _) = generated(60, 42, false, &model.fields);
        let extremes = [
            1e308,
            f64::MAX,
            f64::INFINITY,
            5e-324,
            0.0,
            3.0,
            f64::NAN, // missing
            1.0,
        ];
        let mut replaced = 0;
        for rule in &model.engagement.rules {
            let name = mql_studio::leads::normalize_name(rule.count_column_name());
            for column in &mut with_counts.columns {
                if mql_studio::leads::normalize_name(&column.name) == name {
                    let values = (0..60).map(|row| extremes[(row + replaced) % extremes.len()]);
                    column.data = ColumnData::Number(values.collect());
                    replaced += 1;
                }
            }
        }
        assert!(replaced >= 5, "the generated leads have count columns");
        (with_events, with_counts, as_of)
    })
}

// ---------------------------------------------------------------------------------------------
// The models.

#[test]
fn a_huge_scale_scores_as_the_largest_allowed_scale_not_infinity() {
    let (set, _, as_of) = extreme_leads();
    let mut huge = default_model();
    huge.combine.scale = 1e307;
    assert!(!is_valid(&validate(&huge)), "validation refuses it");
    let scores = score_finite(&huge, set, *as_of);
    // The scorer uses a scale beyond 10,000 as 10,000 (§4.11).
    let mut largest = huge.clone();
    largest.combine.scale = MAX_POINTS;
    assert_eq!(scores, score_both_ways(&largest, set, *as_of));
    assert!(
        scores.iter().any(|s| s.score > 100.0),
        "scores on a 10,000 scale"
    );
}

#[test]
fn two_uncapped_rules_worth_plus_and_minus_1e308_cancel_instead_of_giving_nan() {
    let (set, _, as_of) = extreme_leads();
    let mut model = default_model();
    let activity = model.engagement.rules[0].activity.clone();
    model.engagement.rules.push(eng_rule(
        "eng-plus",
        &activity,
        Counting::PerOccurrence,
        1e308,
    ));
    model.engagement.rules.push(eng_rule(
        "eng-minus",
        &activity,
        Counting::PerOccurrence,
        -1e308,
    ));
    let scores = score_finite(&model, set, *as_of);
    // Each is used as ±10,000 per occurrence: they cancel exactly, so the engagement is that of
    // the model without them.
    let without = default_model();
    let expected = score_both_ways(&without, set, *as_of);
    let engagement = |scores: &[LeadScore]| scores.iter().map(|s| s.engagement).collect::<Vec<_>>();
    assert_eq!(engagement(&scores), engagement(&expected));
    assert!(
        set.events.is_some() && scores.iter().any(|s| s.engagement > 0.0),
        "the leads did the activity"
    );
}

#[test]
fn an_uncapped_rule_on_a_count_of_1e308_is_held_to_1e12_points() {
    assert_eq!(UNCAPPED_RULE_POINTS, 1e12);
    let set = leads("Lead ID,Pricing Views,Unsubscribes\nL1,1e308,1e308\nL2,1e308,0\nL3,2,3\n");
    let mut model = default_model();
    model.engagement.max_points = 40.0;
    model.engagement.rules = vec![
        eng_rule("eng-views", "Pricing Views", Counting::PerOccurrence, 10.0),
        eng_rule(
            "eng-unsub",
            "Unsubscribes",
            Counting::PerOccurrence,
            -MAX_POINTS,
        ),
    ];
    assert!(is_valid(&validate(&model)), "{:?}", validate(&model));
    let scores = score_finite(&model, &set, 0);
    let points = |row: usize| -> Vec<f64> {
        explain(&model, &set, row, 0)
            .rules
            .iter()
            .filter(|r| r.id.starts_with("eng-"))
            .map(|r| r.points)
            .collect()
    };
    // 10 × 1e308 and -10,000 × 1e308 overflow: each rule is held to ±1e12, and they cancel.
    assert_eq!(points(0), [UNCAPPED_RULE_POINTS, -UNCAPPED_RULE_POINTS]);
    assert_eq!(scores[0].engagement, 0.0);
    // Alone, 1e12 points are capped by the engagement cap.
    assert_eq!(points(1), [UNCAPPED_RULE_POINTS, 0.0]);
    assert_eq!(scores[1].engagement, 40.0);
    // Ordinary counts are untouched: 2 × 10 - 3 × 10,000 is below 0.
    assert_eq!(points(2), [20.0, -30_000.0]);
    assert_eq!(scores[2].engagement, 0.0);
}

#[test]
fn an_infinite_count_in_a_column_built_in_code_counts_as_the_largest_double() {
    let mut set = leads("Lead ID,Demo Requests\nL1,1\nL2,0\n");
    set.columns[1].data = ColumnData::Number(vec![f64::INFINITY, 2.0]);
    let mut model = default_model();
    model.engagement.rules = vec![
        // 0 × ∞ would be NaN.
        eng_rule("eng-zero", "Demo Requests", Counting::PerOccurrence, 0.0),
        eng_rule("eng-five", "Demo Requests", Counting::PerOccurrence, 5.0),
    ];
    let scores = score_finite(&model, &set, 0);
    let explanation = explain(&model, &set, 0, 0);
    let points: Vec<f64> = explanation
        .rules
        .iter()
        .filter(|r| r.id.starts_with("eng-"))
        .map(|r| r.points)
        .collect();
    assert_eq!(points, [0.0, UNCAPPED_RULE_POINTS]);
    assert_eq!(scores[0].engagement, model.engagement.max_points);
    assert_eq!(scores[1].engagement, 10.0);
}

// ---------------------------------------------------------------------------------------------
// Random models with extreme numbers.

/// Any double a hostile or broken model might hold, and some ordinary ones.
fn extreme() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(f64::MIN),
        Just(1e308),
        Just(-1e308),
        Just(1e307),
        Just(5e-324),
        Just(-5e-324),
        Just(f64::MIN_POSITIVE),
        Just(0.0),
        Just(-0.0),
        Just(0.005),
        Just(MAX_POINTS),
        Just(-MAX_POINTS),
        -200.0..200.0f64,
        any::<f64>(),
    ]
}

#[derive(Clone, Debug)]
struct Extremes {
    fit_points: Vec<f64>,
    engagement: Vec<(f64, Option<f64>, u8, Option<f64>)>,
    numbers: Vec<f64>,
    gates: (Option<f64>, Option<f64>),
    bands: Vec<f64>,
}

fn extremes() -> impl Strategy<Value = Extremes> {
    (
        proptest::collection::vec(extreme(), 9),
        proptest::collection::vec(
            (
                extreme(),
                proptest::option::of(extreme()),
                0u8..4,
                proptest::option::of(extreme()),
            ),
            10,
        ),
        proptest::collection::vec(extreme(), 7),
        (
            proptest::option::of(extreme()),
            proptest::option::of(extreme()),
        ),
        proptest::collection::vec(extreme(), 8),
    )
        .prop_map(|(fit_points, engagement, numbers, gates, bands)| Extremes {
            fit_points,
            engagement,
            numbers,
            gates,
            bands,
        })
}

fn extreme_model(x: &Extremes) -> Model {
    let mut model = default_model();
    for (rule, points) in model.fit.rules.iter_mut().zip(&x.fit_points) {
        rule.points = *points;
    }
    for (rule, (points, cap, counting, half_life)) in
        model.engagement.rules.iter_mut().zip(&x.engagement)
    {
        rule.points = *points;
        rule.cap = *cap;
        rule.counting = match counting {
            0 => Counting::PerOccurrence,
            1 => Counting::Once,
            n => Counting::AtLeast(u32::from(*n)),
        };
        rule.half_life_days = *half_life;
    }
    let n = &x.numbers;
    model.fit.max_points = n[0];
    model.engagement.max_points = n[1];
    model.combine.scale = n[2];
    model.combine.fit_weight = n[3];
    model.combine.engagement_weight = n[4];
    model.combine.mql_threshold = n[5];
    model.combine.nurture_band = n[6];
    (model.combine.min_fit, model.combine.min_engagement) = x.gates;
    let band = |label: &str, min_points: f64| Band {
        label: label.to_owned(),
        min_points,
    };
    model.fit_grades = ["A", "B", "C", "D"]
        .iter()
        .zip(&x.bands[..4])
        .map(|(l, m)| band(l, *m))
        .collect();
    model.engagement_levels = ["1", "2", "3", "4"]
        .iter()
        .zip(&x.bands[4..])
        .map(|(l, m)| band(l, *m))
        .collect();
    model
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_model_gives_finite_scores_and_both_paths_agree(x in extremes()) {
        let model = extreme_model(&x);
        let (with_events, with_counts, as_of) = extreme_leads();
        score_finite(&model, with_events, *as_of);
        score_finite(&model, with_counts, *as_of);
    }
}

#[test]
fn a_valid_model_on_extreme_data_stays_finite() {
    // The bundled default model is valid: extreme counts give finite scores too.
    let model = default_model();
    let (event_leads, count_leads, as_of) = extreme_leads();
    score_finite(&model, event_leads, *as_of);
    let scores = score_finite(&model, count_leads, *as_of);
    assert!(
        scores
            .iter()
            .any(|s| s.engagement == model.engagement.max_points)
    );
    // A small event log on inline leads, with a rule worth the most allowed per occurrence.
    let set = with_events(
        leads("Lead ID,Job Title\nL1,VP Sales\n"),
        "Lead ID,Activity,Timestamp\nL1,webinar,2026-03-01\nL1,webinar,2026-03-02\n",
    );
    let mut model = default_model();
    model.engagement.rules = vec![eng_rule(
        "eng-web",
        "webinar",
        Counting::PerOccurrence,
        MAX_POINTS,
    )];
    let scores = score_finite(&model, &set, common::day("2026-03-02"));
    assert_eq!(scores[0].engagement, model.engagement.max_points);
}
