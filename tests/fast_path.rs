//! The fast path (`Evaluation` + `score_all`) must give exactly the numbers of the simple path
//! (`explain`), on generated data, after incremental refreshes, and for random models.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use mql_studio::leads::LeadSet;
use mql_studio::model::{Condition, Counting, Criterion, Model, grade_bands};
use mql_studio::scoreboard::{Scoreboard, Update};
use mql_studio::scoring::{Evaluation, Status, Summary, score_all, status_counts};
use proptest::prelude::*;

mod common;

use common::default_model;
use common::leads::generated;
use common::scoring::{explain_agreeing, score_both_ways, score_fast};

#[test]
fn fast_equals_simple_on_2000_generated_leads_with_an_event_log() {
    let model = default_model();
    let (set, as_of) = generated(2000, 11, true, &model.fields);
    assert!(set.events.is_some());
    let scores = score_both_ways(&model, &set, as_of);
    // The data exercise every status, so the comparison covers every branch of the status.
    let counts = status_counts(&scores);
    for status in Status::ALL {
        assert!(counts[status.index()] > 0, "no {status:?} lead: {counts:?}");
    }
}

#[test]
fn fast_equals_simple_on_2000_generated_leads_with_count_columns() {
    let model = default_model();
    let (set, as_of) = generated(2000, 12, false, &model.fields);
    assert!(set.events.is_none());
    let scores = score_both_ways(&model, &set, as_of);
    let counts = status_counts(&scores);
    assert!(counts[Status::Mql.index()] > 0, "{counts:?}");
    assert!(counts[Status::FastTracked.index()] > 0, "{counts:?}");
    assert!(counts[Status::Disqualified.index()] > 0, "{counts:?}");
    // Engagement really is read from the count columns.
    assert!(scores.iter().any(|s| s.engagement > 0.0));
}

#[test]
fn fast_equals_simple_with_decay_on_every_rule_and_an_earlier_as_of_date() {
    let mut model = default_model();
    for rule in &mut model.engagement.rules {
        rule.half_life_days = Some(7.5);
    }
    let (set, as_of) = generated(800, 13, true, &model.fields);
    // Twenty days earlier: later events are in the future and must be ignored by both paths.
    score_both_ways(&model, &set, as_of - 20);
}

#[test]
fn refresh_after_changing_only_points_caps_and_the_mix_evaluates_nothing() {
    let mut model = default_model();
    let (set, as_of) = generated(2000, 21, true, &model.fields);
    let mut evaluation = Evaluation::new(&model, &set, as_of);
    let before = score_all(&model, &evaluation);
    for (i, rule) in model.fit.rules.iter_mut().enumerate() {
        rule.points += i as f64 + 1.0;
    }
    for rule in &mut model.engagement.rules {
        rule.points *= 1.5;
        rule.cap = rule.cap.map(|c| c + 5.0);
        rule.counting = Counting::Once;
    }
    model.engagement.rules[1].enabled = false;
    model.overrides[0].enabled = false;
    model.combine.fit_weight = 0.5;
    model.combine.engagement_weight = 0.5;
    model.combine.mql_threshold = 60.0;
    model.combine.min_fit = None;
    model.fit.max_points = 70.0;
    assert_eq!(evaluation.refresh(&model, &set), 0);
    let after = score_all(&model, &evaluation);
    assert_eq!(after, score_fast(&model, &set, as_of));
    assert_ne!(after, before, "the changes must change some scores");
    // Reordering rules needs no evaluation either.
    model.fit.rules.reverse();
    model.overrides.reverse();
    assert_eq!(evaluation.refresh(&model, &set), 0);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );
}

#[test]
fn refresh_re_evaluates_exactly_the_rule_whose_condition_or_window_changed() {
    let mut model = default_model();
    let (set, as_of) = generated(2000, 22, true, &model.fields);
    let mut evaluation = Evaluation::new(&model, &set, as_of);

    // A fit condition.
    model.fit.rules[4].condition = Condition::Between {
        min: 100.0,
        max: 2000.0,
    };
    assert_eq!(evaluation.refresh(&model, &set), 1);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );

    // A fit rule's field.
    model.fit.rules[6].field = "is_customer".into();
    assert_eq!(evaluation.refresh(&model, &set), 1);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );

    // An engagement window, then a half-life.
    model.engagement.rules[0].window_days = Some(7);
    assert_eq!(evaluation.refresh(&model, &set), 1);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );
    model.engagement.rules[2].half_life_days = Some(10.0);
    assert_eq!(evaluation.refresh(&model, &set), 1);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );

    // An override's criterion.
    if let Criterion::Activity { window_days, .. } = &mut model.overrides[2].when[0] {
        *window_days = Some(5);
    } else {
        panic!("the third override of the default model is the demo-request fast track");
    }
    assert_eq!(evaluation.refresh(&model, &set), 1);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );

    // A new rule, then a removed one.
    let mut extra = model.fit.rules[0].clone();
    extra.id = "fit-extra".into();
    extra.condition = Condition::ContainsAny(vec!["Engineer".into()]);
    model.fit.rules.push(extra);
    assert_eq!(evaluation.refresh(&model, &set), 1);
    model.fit.rules.remove(1);
    assert_eq!(evaluation.refresh(&model, &set), 0);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );
    assert_eq!(evaluation.fit_matches.len(), model.fit.rules.len());
}

#[test]
fn refresh_with_two_rules_on_the_same_condition_evaluates_nothing_for_a_points_change() {
    // Two rules reading the same field with the same condition (e.g. a rule duplicated to try
    // other points): changing points must still re-evaluate nothing.
    let mut model = default_model();
    let mut twin = model.fit.rules[0].clone();
    twin.id = "fit-senior-title-twin".into();
    twin.points = 3.0;
    model.fit.rules.push(twin);
    let (set, as_of) = generated(300, 23, true, &model.fields);
    let mut evaluation = Evaluation::new(&model, &set, as_of);
    model.fit.rules[0].points = 25.0;
    assert_eq!(evaluation.refresh(&model, &set), 0);
    assert_eq!(
        score_all(&model, &evaluation),
        score_fast(&model, &set, as_of)
    );
}

#[test]
fn refresh_re_evaluates_the_rules_of_a_field_whose_aliases_changed() {
    // The leads have a "Job Title" header. A model whose `job_title` field is renamed to `role`
    // with no alias finds no column; adding the alias "Job Title" must make refresh read it.
    let mut model = default_model();
    for rule in &mut model.fit.rules {
        if rule.field == "job_title" {
            rule.field = "role".into();
        }
    }
    for field in &mut model.fields {
        if field.name == "job_title" {
            field.name = "role".into();
            field.aliases.clear();
        }
    }
    let (set, as_of) = generated(500, 24, true, &model.fields);
    let mut evaluation = Evaluation::new(&model, &set, as_of);
    let without = score_all(&model, &evaluation);
    for field in &mut model.fields {
        if field.name == "role" {
            field.aliases.push("Job Title".into());
        }
    }
    // The three title rules (senior, manager, student) read the newly mapped column.
    assert_eq!(evaluation.refresh(&model, &set), 3);
    let with = score_all(&model, &evaluation);
    assert_eq!(with, score_fast(&model, &set, as_of));
    assert_ne!(with, without);
    score_both_ways(&model, &set, as_of);
}

// ---------------------------------------------------------------------------------------------
// Random models

fn shared_leads() -> &'static (LeadSet, LeadSet, i32) {
    static LEADS: OnceLock<(LeadSet, LeadSet, i32)> = OnceLock::new();
    LEADS.get_or_init(|| {
        let fields = default_model().fields;
        let (with_events, as_of) = generated(250, 31, true, &fields);
        let (with_counts, _) = generated(250, 32, false, &fields);
        (with_events, with_counts, as_of)
    })
}

/// Points, cap, counting (0 per occurrence, 1 once, n at least n - 1), window, half-life.
type EngagementKnob = (f64, Option<f64>, u8, Option<u32>, Option<f64>);

#[derive(Clone, Debug)]
struct Knobs {
    fit_points: Vec<f64>,
    fit_enabled: Vec<bool>,
    engagement: Vec<EngagementKnob>,
    fit_max: f64,
    engagement_max: f64,
    fit_weight: f64,
    scale: f64,
    threshold_share: f64,
    band_share: f64,
    min_fit: Option<f64>,
    min_engagement: Option<f64>,
    overrides_enabled: Vec<bool>,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    let engagement_rule = (
        -30.0..30.0f64,
        proptest::option::of(0.5..40.0f64),
        0u8..6,
        proptest::option::of(1u32..120),
        proptest::option::of(0.5..60.0f64),
    );
    (
        (
            proptest::collection::vec(-40.0..40.0f64, 9),
            proptest::collection::vec(any::<bool>(), 9),
            proptest::collection::vec(engagement_rule, 10),
            1.0..120.0f64,
            1.0..120.0f64,
            0.0..=1.0f64,
        ),
        (
            1.0..1000.0f64,
            0.01..=1.0f64,
            0.0..=1.0f64,
            proptest::option::of(0.0..=1.0f64),
            proptest::option::of(0.0..=1.0f64),
            proptest::collection::vec(any::<bool>(), 3),
        ),
    )
        .prop_map(
            |(
                (fit_points, fit_enabled, engagement, fit_max, engagement_max, fit_weight),
                (scale, threshold_share, band_share, min_fit, min_engagement, overrides_enabled),
            )| Knobs {
                fit_points,
                fit_enabled,
                engagement,
                fit_max,
                engagement_max,
                fit_weight,
                scale,
                threshold_share,
                band_share,
                min_fit,
                min_engagement,
                overrides_enabled,
            },
        )
}

fn apply(knobs: &Knobs, model: &mut Model) {
    for ((rule, points), enabled) in model
        .fit
        .rules
        .iter_mut()
        .zip(&knobs.fit_points)
        .zip(&knobs.fit_enabled)
    {
        rule.points = *points;
        rule.enabled = *enabled;
    }
    for (rule, (points, cap, counting, window, half_life)) in
        model.engagement.rules.iter_mut().zip(&knobs.engagement)
    {
        rule.points = *points;
        rule.cap = *cap;
        rule.counting = match counting {
            0 => Counting::PerOccurrence,
            1 => Counting::Once,
            n => Counting::AtLeast(u32::from(*n) - 1),
        };
        rule.window_days = *window;
        rule.half_life_days = *half_life;
    }
    for (rule, enabled) in model.overrides.iter_mut().zip(&knobs.overrides_enabled) {
        rule.enabled = *enabled;
    }
    model.fit.max_points = knobs.fit_max;
    model.engagement.max_points = knobs.engagement_max;
    model.fit_grades = grade_bands(&["A", "B", "C", "D"], knobs.fit_max);
    model.engagement_levels = grade_bands(&["1", "2", "3", "4"], knobs.engagement_max);
    let combine = &mut model.combine;
    combine.fit_weight = knobs.fit_weight;
    combine.engagement_weight = 1.0 - knobs.fit_weight;
    combine.scale = knobs.scale;
    combine.mql_threshold = knobs.scale * knobs.threshold_share;
    combine.nurture_band = combine.mql_threshold * knobs.band_share;
    combine.min_fit = knobs.min_fit.map(|share| share * knobs.fit_max);
    combine.min_engagement = knobs
        .min_engagement
        .map(|share| share * knobs.engagement_max);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fast_equals_simple_for_random_points_caps_thresholds_and_weights(knobs in knobs()) {
        let (with_events, with_counts, as_of) = shared_leads();
        let mut model = default_model();
        apply(&knobs, &mut model);
        prop_assert!(mql_studio::validate::is_valid(&mql_studio::validate::validate(&model)));
        score_both_ways(&model, with_events, *as_of);
        score_both_ways(&model, with_counts, *as_of);
    }

    #[test]
    fn a_scoreboard_through_random_edits_equals_a_fresh_scoring(
        steps in proptest::collection::vec(knobs(), 1..4)
    ) {
        let (with_events, _, as_of) = shared_leads();
        let mut model = default_model();
        let mut board = Scoreboard::new(&model, with_events, *as_of);
        for knobs in &steps {
            apply(knobs, &mut model);
            board.update(&model, with_events, *as_of);
            assert_board_fresh(&board, &model, with_events, *as_of, "random edit");
        }
    }

    #[test]
    fn refresh_after_random_re_weighting_equals_a_fresh_evaluation(knobs in knobs()) {
        let (with_events, _, as_of) = shared_leads();
        let mut model = default_model();
        let mut evaluation = Evaluation::new(&model, with_events, *as_of);
        apply(&knobs, &mut model);
        // Windows and half-lives are part of the evaluation; count what the knobs changed.
        let defaults = default_model();
        let changed = model
            .engagement
            .rules
            .iter()
            .zip(&defaults.engagement.rules)
            .filter(|(a, b)| a.window_days != b.window_days || a.half_life_days != b.half_life_days)
            .count();
        prop_assert_eq!(evaluation.refresh(&model, with_events), changed);
        prop_assert_eq!(
            score_all(&model, &evaluation),
            score_fast(&model, with_events, *as_of)
        );
    }
}

/// Asserts that a scoreboard holds exactly what scoring from scratch gives.
fn assert_board_fresh(board: &Scoreboard, model: &Model, set: &LeadSet, as_of: i32, what: &str) {
    let fresh = score_fast(model, set, as_of);
    assert!(
        board.scores == fresh,
        "{what}: scores differ from a fresh scoring"
    );
    assert_eq!(board.summary, Summary::of(model, &fresh), "{what}");
    assert_eq!(board.summary.counts, status_counts(&fresh), "{what}");
    let binned: u32 = board.summary.histogram.iter().flatten().sum();
    assert_eq!(binned as usize, set.len(), "{what}: every lead in one bin");
}

#[test]
fn the_scoreboard_does_the_least_work_for_each_edit_and_matches_a_fresh_scoring() {
    let (set, as_of) = generated(3000, 11, true, &default_model().fields);
    let mut model = default_model();
    let mut board = Scoreboard::new(&model, &set, as_of);
    assert_board_fresh(&board, &model, &set, as_of, "new");
    assert_eq!(board.update(&model, &set, as_of), Update::Unchanged);
    type Edit = (&'static str, fn(&mut Model), Update);
    let edits: [Edit; 22] = [
        (
            "threshold",
            |m| m.combine.mql_threshold = 58.0,
            Update::Reweighted,
        ),
        (
            "nurture band",
            |m| m.combine.nurture_band = 7.0,
            Update::Reweighted,
        ),
        (
            "engagement gate",
            |m| m.combine.min_engagement = Some(12.0),
            Update::Reweighted,
        ),
        (
            "fit gate",
            |m| m.combine.min_fit = Some(23.5),
            Update::Reweighted,
        ),
        (
            "override off",
            |m| m.overrides[0].enabled = false,
            Update::Reweighted,
        ),
        (
            "fit band",
            |m| m.fit_grades[1].min_points = 25.0,
            Update::Reweighted,
        ),
        (
            "engagement level",
            |m| m.engagement_levels[1].min_points = 9.0,
            Update::Reweighted,
        ),
        (
            "fit points",
            |m| m.fit.rules[0].points += 7.5,
            Update::Reweighted,
        ),
        (
            "fit rule off",
            |m| m.fit.rules[1].enabled = false,
            Update::Reweighted,
        ),
        (
            "mix",
            |m| {
                m.combine.fit_weight = 0.35;
                m.combine.engagement_weight = 0.65;
            },
            Update::Reweighted,
        ),
        ("scale", |m| m.combine.scale = 10.0, Update::Reweighted),
        (
            "fit maximum",
            |m| m.fit.max_points = 30.0,
            Update::Reweighted,
        ),
        (
            "fit rule order",
            |m| m.fit.rules.swap(0, 3),
            Update::Reweighted,
        ),
        (
            "engagement cap",
            |m| m.engagement.rules[0].cap = Some(1.0),
            Update::Rescored,
        ),
        (
            "engagement points",
            |m| m.engagement.rules[1].points = 3.25,
            Update::Rescored,
        ),
        (
            "counting",
            |m| m.engagement.rules[2].counting = Counting::Once,
            Update::Rescored,
        ),
        (
            "engagement maximum",
            |m| m.engagement.max_points = 35.0,
            Update::Rescored,
        ),
        (
            "engagement rule order",
            |m| m.engagement.rules.swap(0, 2),
            Update::Rescored,
        ),
        (
            "condition",
            |m| {
                m.fit.rules[2].condition =
                    Condition::OneOf(vec!["Software".into(), "Fintech".into()]);
            },
            Update::Reevaluated(1),
        ),
        (
            "window",
            |m| m.engagement.rules[0].window_days = Some(14),
            Update::Reevaluated(1),
        ),
        (
            "new fit rule",
            |m| {
                let mut rule = m.fit.rules[0].clone();
                rule.id = "new".into();
                rule.condition = Condition::IsMissing;
                m.fit.rules.push(rule);
            },
            Update::Reevaluated(1),
        ),
        (
            "deleted fit rule",
            |m| {
                m.fit.rules.remove(0);
            },
            Update::Reweighted,
        ),
    ];
    let mut moved_any = false;
    for (what, edit, expected) in edits {
        let before = board.summary.counts;
        edit(&mut model);
        assert_eq!(board.update(&model, &set, as_of), expected, "{what}");
        assert_board_fresh(&board, &model, &set, as_of, what);
        moved_any |= board.summary.counts != before;
    }
    assert!(moved_any, "the edits moved some leads");
    // Every lead still agrees with the one-lead path after all those edits.
    score_both_ways(&model, &set, as_of);
}

#[test]
fn scores_at_scale_split_across_threads_equal_the_one_lead_path() {
    // Enough leads for the scoring passes to split the work across threads, so the chunk
    // boundaries are crossed; a sample of leads spread over the whole set is explained.
    let model = default_model();
    let (set, as_of) = generated(120_000, 41, true, &model.fields);
    let evaluation = Evaluation::new(&model, &set, as_of);
    let scores = score_all(&model, &evaluation);
    let mut cursors = Vec::new();
    let mut fired = Vec::new();
    for row in (0..set.len()).step_by(97).chain(set.len() - 3..set.len()) {
        explain_agreeing(&model, &set, &evaluation, &scores, row);
        evaluation.fired_rule_ids_walking(&model, row, &mut cursors, &mut fired);
        assert_eq!(fired, evaluation.fired_rule_ids(&model, row), "row {row}");
    }
    let board = Scoreboard::new(&model, &set, as_of);
    assert!(board.scores == scores);
    assert_eq!(board.summary, Summary::of(&model, &scores));
}

#[test]
fn the_streamed_scored_csv_equals_the_row_by_row_one() {
    let (set, as_of) = generated(2000, 5, true, &default_model().fields);
    let model = default_model();
    let evaluation = Evaluation::new(&model, &set, as_of);
    let scores = score_all(&model, &evaluation);
    let mut streamed = Vec::new();
    mql_studio::export::write_scores_csv(&mut streamed, &model, &set, &evaluation, &scores)
        .expect("streamed");
    let rows = mql_studio::export::scored_rows(&model, &set, &evaluation, &scores);
    let mut by_rows = Vec::new();
    mql_studio::export::write_scored_csv(&mut by_rows, &rows).expect("rows");
    assert_eq!(
        String::from_utf8(streamed).expect("utf8"),
        String::from_utf8(by_rows).expect("utf8")
    );
}

#[test]
fn fast_number_formatting_equals_fmt_number_for_rounded_values() {
    use mql_studio::export::push_hundredths;
    use mql_studio::model::fmt_number;
    use mql_studio::scoring::round2;
    let mut value = -150.0;
    while value < 150.0 {
        let rounded = round2(value);
        let mut fast = String::new();
        push_hundredths(&mut fast, rounded);
        assert_eq!(fast, fmt_number(rounded), "{value}");
        value += 0.0137;
    }
    for rounded in [
        0.0,
        -0.0,
        0.1,
        0.05,
        1.1,
        99.99,
        100.0,
        1e14,
        2.5e15,
        f64::NAN,
    ] {
        let mut fast = String::new();
        push_hundredths(&mut fast, rounded);
        assert_eq!(fast, fmt_number(rounded), "{rounded}");
    }
}
