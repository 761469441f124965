//! The scoring rules, one behaviour at a time, on small inline lead sets.
//!
//! Every expected number is worked out by hand in the test. Each score is computed twice, by
//! the fast path (`Evaluation` + `score_all`) and by the simple path (`explain`), and the two
//! must agree.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::leads::LeadSet;
use mql_studio::model::{
    Band, Condition, Counting, Criterion, EngagementRule, FieldKind, FieldSpec, Model,
    OverrideAction,
};
use mql_studio::scoring::{Evaluation, Status, event_weight, explain};

mod common;

use common::day;
use common::leads::{leads, leads_with_fields, with_events};
use common::rules::{eng_rule, field_is, fit_rule, override_rule};
use common::scoring::{assert_close, score_both_ways, statuses};

/// A model in which one score point is one fit or engagement point: fit capped at 60 and
/// weighted 0.6, engagement capped at 40 and weighted 0.4, on a scale of 100
/// (0.6 * f / 60 * 100 = f and 0.4 * e / 40 * 100 = e).
fn unit_model() -> Model {
    let model = Model::new("unit");
    assert_eq!(model.fit.max_points, 60.0);
    assert_eq!(model.engagement.max_points, 40.0);
    assert_eq!(model.combine.scale, 100.0);
    assert_eq!(model.combine.fit_weight, 0.6);
    model
}

// ---------------------------------------------------------------------------------------------
// Fit conditions on text, number, bool and missing cells

/// Four leads: a text column (with padding and case differences), an undeclared numeric column
/// (read as numbers), a yes/no column (read as bools), a Y/maybe/n column (stays text) and a
/// mostly empty column.
const CELLS: &str = "id,title,employees,target,optin,note\n\
L1,  VP Sales  ,250,yes,Y,\n\
L2,vp sales,49,no,maybe,Hello there\n\
L3,Manager,,,n,\n\
L4,,5000,yes,,\n";

/// Which of the four leads a 10-point fit rule fires for.
fn fires(field: &str, condition: Condition) -> [bool; 4] {
    let set = leads(CELLS);
    let mut model = unit_model();
    model
        .fit
        .rules
        .push(fit_rule("rule", field, condition, 10.0));
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    let mut out = [false; 4];
    for (row, lead_score) in scores.iter().enumerate() {
        // The only rule is worth 10, so fit is 10 when it fired and 0 when it did not.
        assert!(lead_score.fit == 10.0 || lead_score.fit == 0.0);
        out[row] = lead_score.fit == 10.0;
        let explanation = explain(&model, &set, row, day("2026-01-01"));
        assert_eq!(explanation.rules[0].fired, out[row]);
    }
    out
}

#[test]
fn the_condition_lead_set_has_the_expected_column_types() {
    let set = leads(CELLS);
    let kind = |name: &str| set.column_by_name(name).map(|c| c.kind());
    assert_eq!(kind("title"), Some(FieldKind::Text));
    assert_eq!(kind("employees"), Some(FieldKind::Number));
    assert_eq!(kind("target"), Some(FieldKind::Bool));
    assert_eq!(kind("optin"), Some(FieldKind::Text));
    assert_eq!(set.ids, ["L1", "L2", "L3", "L4"]);
}

#[test]
fn equals_ignores_case_and_surrounding_spaces() {
    // L1's cell is "  VP Sales  " in the file, L2's is "vp sales".
    assert_eq!(
        fires("title", Condition::Equals("vp sales".into())),
        [true, true, false, false]
    );
    assert_eq!(
        fires("title", Condition::Equals("  VP SALES ".into())),
        [true, true, false, false]
    );
    assert_eq!(
        fires("title", Condition::Equals("VP".into())),
        [false; 4],
        "equals is not a substring test"
    );
}

#[test]
fn equals_on_number_and_bool_cells() {
    assert_eq!(
        fires("employees", Condition::Equals("250".into())),
        [true, false, false, false]
    );
    assert_eq!(
        fires("employees", Condition::Equals("250.0".into())),
        [true, false, false, false],
        "a number is compared as a number"
    );
    // target: yes, no, missing, yes.
    assert_eq!(
        fires("target", Condition::Equals("Yes".into())),
        [true, false, false, true]
    );
    assert_eq!(
        fires("target", Condition::Equals("false".into())),
        [false, true, false, false]
    );
}

#[test]
fn one_of_and_not_one_of() {
    assert_eq!(
        fires(
            "title",
            Condition::OneOf(vec!["manager".into(), " VP SALES".into()])
        ),
        [true, true, true, false]
    );
    assert_eq!(
        fires(
            "employees",
            Condition::OneOf(vec!["49".into(), "5000".into()])
        ),
        [false, true, false, true]
    );
    assert_eq!(
        fires("target", Condition::OneOf(vec!["no".into()])),
        [false, true, false, false]
    );
    // NotOneOf: L1 and L2 are not "Manager"; L3 is; L4's title is missing and a missing cell
    // satisfies no condition except IsMissing.
    assert_eq!(
        fires("title", Condition::NotOneOf(vec!["MANAGER ".into()])),
        [true, true, false, false]
    );
    assert_eq!(
        fires("employees", Condition::NotOneOf(vec!["250".into()])),
        [false, true, false, true]
    );
    assert_eq!(
        fires("target", Condition::NotOneOf(vec!["yes".into()])),
        [false, true, false, false]
    );
}

#[test]
fn at_least_at_most_and_between_are_inclusive() {
    // employees: 250, 49, missing, 5000.
    assert_eq!(
        fires("employees", Condition::AtLeast(250.0)),
        [true, false, false, true]
    );
    assert_eq!(
        fires("employees", Condition::AtMost(49.0)),
        [false, true, false, false]
    );
    assert_eq!(
        fires(
            "employees",
            Condition::Between {
                min: 50.0,
                max: 250.0
            }
        ),
        [true, false, false, false]
    );
    assert_eq!(
        fires(
            "employees",
            Condition::Between {
                min: 49.0,
                max: 5000.0
            }
        ),
        [true, true, false, true]
    );
    // Text that is not a number never satisfies a numeric condition.
    assert_eq!(fires("title", Condition::AtLeast(0.0)), [false; 4]);
    // A bool counts as 1 (true) or 0 (false): yes, no, missing, yes.
    assert_eq!(
        fires("target", Condition::AtLeast(1.0)),
        [true, false, false, true]
    );
}

#[test]
fn contains_any_on_text_and_numbers() {
    assert_eq!(
        fires(
            "title",
            Condition::ContainsAny(vec!["vp".into(), "MANAGER".into()])
        ),
        [true, true, true, false]
    );
    // Needles match whole words: "MANAG" is only part of "Manager", "sale" part of "sales".
    assert_eq!(
        fires(
            "title",
            Condition::ContainsAny(vec!["MANAG".into(), "sale".into()])
        ),
        [false; 4]
    );
    assert_eq!(
        fires("note", Condition::ContainsAny(vec![" THERE ".into()])),
        [false, true, false, false],
        "needles are trimmed and case-folded"
    );
    // On numbers the displayed value is searched, as whole words: "250" and "5000" do not
    // contain the word "50", but "250" is "250".
    assert_eq!(
        fires("employees", Condition::ContainsAny(vec!["50".into()])),
        [false; 4]
    );
    assert_eq!(
        fires("employees", Condition::ContainsAny(vec!["250".into()])),
        [true, false, false, false]
    );
    // Blank needles are ignored rather than matching everything.
    assert_eq!(
        fires(
            "title",
            Condition::ContainsAny(vec!["".into(), "zzz".into()])
        ),
        [false; 4]
    );
}

#[test]
fn is_true_and_is_false_on_bool_text_and_number_cells() {
    // Bool column: yes, no, missing, yes.
    assert_eq!(
        fires("target", Condition::IsTrue),
        [true, false, false, true]
    );
    assert_eq!(
        fires("target", Condition::IsFalse),
        [false, true, false, false]
    );
    // Text column with Y, maybe, n, missing: the usual spellings count, "maybe" is neither.
    assert_eq!(
        fires("optin", Condition::IsTrue),
        [true, false, false, false]
    );
    assert_eq!(
        fires("optin", Condition::IsFalse),
        [false, false, true, false]
    );
    // Numbers: non-zero is true (250, 49, missing, 5000).
    assert_eq!(
        fires("employees", Condition::IsTrue),
        [true, true, false, true]
    );
    assert_eq!(fires("employees", Condition::IsFalse), [false; 4]);
    // Free text is neither.
    assert_eq!(fires("title", Condition::IsTrue), [false; 4]);
}

#[test]
fn is_missing_on_every_kind_of_cell_and_on_a_missing_column() {
    assert_eq!(
        fires("title", Condition::IsMissing),
        [false, false, false, true]
    );
    assert_eq!(
        fires("employees", Condition::IsMissing),
        [false, false, true, false]
    );
    assert_eq!(
        fires("target", Condition::IsMissing),
        [false, false, true, false]
    );
    assert_eq!(
        fires("note", Condition::IsMissing),
        [true, false, true, true]
    );
    // A column the file does not have is missing for every lead...
    assert_eq!(fires("budget", Condition::IsMissing), [true; 4]);
    // ...and then no other condition holds.
    assert_eq!(fires("budget", Condition::AtMost(1e9)), [false; 4]);
    assert_eq!(
        fires("budget", Condition::NotOneOf(vec!["x".into()])),
        [false; 4]
    );
}

#[test]
fn fields_are_found_by_normalized_name_and_by_declared_alias() {
    let csv = "Lead ID,Job Title,Number of Employees\nA,CFO,150\nB,CTO,20\n";
    let fields = vec![FieldSpec {
        name: "employees".into(),
        kind: FieldKind::Number,
        aliases: vec!["Number of Employees".into()],
    }];
    let set = leads_with_fields(csv, fields.clone());
    let mut model = unit_model();
    model.fields = fields;
    // "job_title" matches the header "Job Title" by normalized name; "employees" by alias.
    model.fit.rules.push(fit_rule(
        "cfo",
        "job_title",
        Condition::Equals("cfo".into()),
        20.0,
    ));
    model.fit.rules.push(fit_rule(
        "size",
        "employees",
        Condition::AtLeast(100.0),
        30.0,
    ));
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    // A: 20 + 30 = 50; B: neither.
    assert_close(scores[0].fit, 50.0);
    assert_close(scores[1].fit, 0.0);
}

// ---------------------------------------------------------------------------------------------
// Points

#[test]
fn negative_points_subtract_and_fit_is_floored_at_zero() {
    let csv = "id,title,email\n\
A,VP Marketing,ann@acme.com\n\
B,VP Marketing,bob@gmail.com\n\
C,Student,cy@gmail.com\n";
    let set = leads(csv);
    let mut model = unit_model();
    model.fit.rules.push(fit_rule(
        "senior",
        "title",
        Condition::ContainsAny(vec!["VP".into()]),
        20.0,
    ));
    model.fit.rules.push(fit_rule(
        "free-mail",
        "email",
        Condition::ContainsAny(vec!["@gmail.".into()]),
        -15.0,
    ));
    model.fit.rules.push(fit_rule(
        "student",
        "title",
        Condition::Equals("student".into()),
        -20.0,
    ));
    let as_of = day("2026-01-01");
    let scores = score_both_ways(&model, &set, as_of);
    // A: +20. B: +20 - 15 = 5. C: -15 - 20 = -35, floored at 0.
    assert_close(scores[0].fit, 20.0);
    assert_close(scores[1].fit, 5.0);
    assert_close(scores[2].fit, 0.0);
    let c = explain(&model, &set, 2, as_of);
    assert_close(c.fit_raw, -35.0);
    assert_close(c.score.score, 0.0);
}

#[test]
fn disabled_rules_contribute_nothing() {
    let set = with_events(
        leads("id,title\nA,CEO\n"),
        "lead_id,activity,timestamp\nA,pricing,2026-01-01\n",
    );
    let mut model = unit_model();
    let mut fit = fit_rule("ceo", "title", Condition::Equals("ceo".into()), 50.0);
    fit.enabled = false;
    model.fit.rules.push(fit);
    let mut engagement = eng_rule("pricing", "pricing", Counting::PerOccurrence, 10.0);
    engagement.enabled = false;
    model.engagement.rules.push(engagement);
    let mut dq = override_rule(
        "dq",
        OverrideAction::Disqualify,
        vec![field_is("title", Condition::Equals("CEO".into()))],
    );
    dq.enabled = false;
    model.overrides.push(dq);
    let as_of = day("2026-01-01");
    let scores = score_both_ways(&model, &set, as_of);
    assert_close(scores[0].fit, 0.0);
    assert_close(scores[0].engagement, 0.0);
    assert_eq!(scores[0].status, Status::Lead);
    let evaluation = Evaluation::new(&model, &set, as_of);
    assert!(evaluation.fired_rule_ids(&model, 0).is_empty());
    // Enabling them again: 50 fit, 10 engagement, disqualified.
    for rule in &mut model.fit.rules {
        rule.enabled = true;
    }
    for rule in &mut model.engagement.rules {
        rule.enabled = true;
    }
    model.overrides[0].enabled = true;
    let scores = score_both_ways(&model, &set, as_of);
    assert_close(scores[0].fit, 50.0);
    assert_close(scores[0].engagement, 10.0);
    assert_eq!(scores[0].status, Status::Disqualified);
    let evaluation = Evaluation::new(&model, &set, as_of);
    assert_eq!(
        evaluation.fired_rule_ids(&model, 0),
        ["ceo", "pricing", "dq"]
    );
}

// ---------------------------------------------------------------------------------------------
// Engagement: counting, caps, windows, decay, count columns

/// A has three pricing events, B two, C none; all on the as-of day.
fn pricing_leads() -> LeadSet {
    with_events(
        leads("id\nA\nB\nC\n"),
        "lead_id,activity,timestamp\n\
A,pricing,2026-10-31T09:00:00Z\n\
A,pricing,2026-10-31T10:00:00Z\n\
A,pricing,2026-10-31T11:00:00Z\n\
B,pricing,2026-10-31T09:00:00Z\n\
B,pricing,2026-10-31T10:00:00Z\n",
    )
}

fn engagement_of(rule: EngagementRule, set: &LeadSet) -> Vec<f64> {
    let mut model = unit_model();
    model.engagement.max_points = 1000.0; // out of the way
    model.engagement.rules.push(rule);
    let as_of = day("2026-10-31");
    let scores = score_both_ways(&model, set, as_of);
    (0..set.len())
        .map(|row| explain(&model, set, row, as_of).engagement_raw)
        .zip(&scores)
        .map(|(raw, s)| {
            // With the cap out of the way, the capped value equals the raw one when positive.
            assert_close(s.engagement, raw.max(0.0));
            raw
        })
        .collect()
}

#[test]
fn per_occurrence_counts_every_event() {
    // 8 per pricing visit: A 3 x 8 = 24, B 2 x 8 = 16, C 0.
    let values = engagement_of(
        eng_rule("p", "pricing", Counting::PerOccurrence, 8.0),
        &pricing_leads(),
    );
    assert_eq!(values, [24.0, 16.0, 0.0]);
}

#[test]
fn once_counts_one_occurrence_whatever_the_count() {
    let values = engagement_of(
        eng_rule("p", "pricing", Counting::Once, 5.0),
        &pricing_leads(),
    );
    assert_eq!(values, [5.0, 5.0, 0.0]);
}

#[test]
fn at_least_n_gives_points_only_from_the_nth_occurrence() {
    // AtLeast(3): A has 3 (fires), B 2 (does not), C 0.
    let values = engagement_of(
        eng_rule("p", "pricing", Counting::AtLeast(3), 15.0),
        &pricing_leads(),
    );
    assert_eq!(values, [15.0, 0.0, 0.0]);
    let values = engagement_of(
        eng_rule("p", "pricing", Counting::AtLeast(2), 15.0),
        &pricing_leads(),
    );
    assert_eq!(values, [15.0, 15.0, 0.0]);
}

#[test]
fn activity_names_are_matched_ignoring_case() {
    let values = engagement_of(
        eng_rule("p", "PRICING", Counting::PerOccurrence, 1.0),
        &pricing_leads(),
    );
    assert_eq!(values, [3.0, 2.0, 0.0]);
}

#[test]
fn one_activity_spelled_in_different_cases_in_the_log_counts_as_one_activity() {
    // Three pricing visits logged by two tools with different capitalisation: 3 x 1.
    let set = with_events(
        leads("id\nA\n"),
        "lead_id,activity,timestamp\n\
A,Pricing_Page_View,2026-10-29\n\
A,pricing_page_view,2026-10-30\n\
A,PRICING_PAGE_VIEW,2026-10-31\n",
    );
    let values = engagement_of(
        eng_rule("p", "pricing_page_view", Counting::PerOccurrence, 1.0),
        &set,
    );
    assert_eq!(values, [3.0]);
    // The same holds for an activity criterion of an override: at least 3.
    let mut model = unit_model();
    model.overrides.push(override_rule(
        "ft",
        OverrideAction::FastTrack,
        vec![Criterion::Activity {
            activity: "Pricing_Page_View".into(),
            count_column: None,
            at_least: 3,
            window_days: None,
        }],
    ));
    let scores = score_both_ways(&model, &set, day("2026-10-31"));
    assert_eq!(scores[0].status, Status::FastTracked);
}

#[test]
fn a_cap_limits_one_rule() {
    // 8 each, cap 20: A 24 -> 20, B 16 stays, C 0.
    let mut rule = eng_rule("p", "pricing", Counting::PerOccurrence, 8.0);
    rule.cap = Some(20.0);
    assert_eq!(engagement_of(rule, &pricing_leads()), [20.0, 16.0, 0.0]);
}

#[test]
fn a_cap_limits_what_a_negative_rule_takes_away() {
    // -6 each, cap 10: A -18 -> -10, B -12 -> -10, C 0. Beside it +30 once, so A and B end at
    // 30 - 10 = 20 and C (no events) at 0.
    let set = pricing_leads();
    let mut negative = eng_rule("neg", "pricing", Counting::PerOccurrence, -6.0);
    negative.cap = Some(10.0);
    assert_eq!(engagement_of(negative.clone(), &set), [-10.0, -10.0, 0.0]);
    let mut model = unit_model();
    model
        .engagement
        .rules
        .push(eng_rule("pos", "pricing", Counting::Once, 30.0));
    model.engagement.rules.push(negative);
    let scores = score_both_ways(&model, &set, day("2026-10-31"));
    assert_close(scores[0].engagement, 20.0);
    assert_close(scores[1].engagement, 20.0);
    assert_close(scores[2].engagement, 0.0);
}

#[test]
fn window_excludes_an_event_exactly_window_days_old_and_ignores_the_future() {
    // As of 2026-10-31 with a 14-day window: 10-17 is 14 days old (out), 10-18 is 13 days old
    // (in), 10-31 is today (in), 11-01 is after the as-of day (ignored). So 2 events x 10.
    let set = with_events(
        leads("id\nA\n"),
        "lead_id,activity,timestamp\n\
A,webinar,2026-10-17T12:00:00Z\n\
A,webinar,2026-10-18T12:00:00Z\n\
A,webinar,2026-10-31T23:59:59Z\n\
A,webinar,2026-11-01T00:00:00Z\n",
    );
    let mut rule = eng_rule("w", "webinar", Counting::PerOccurrence, 10.0);
    rule.window_days = Some(14);
    assert_eq!(engagement_of(rule.clone(), &set), [20.0]);
    // Without a window the three events up to the as-of day count (the future one never does).
    rule.window_days = None;
    assert_eq!(engagement_of(rule.clone(), &set), [30.0]);
    // A 1-day window keeps only the as-of day itself.
    rule.window_days = Some(1);
    assert_eq!(engagement_of(rule, &set), [10.0]);
}

#[test]
fn decay_halves_an_event_every_half_life() {
    // Half-life 10 days, as of 2026-10-31: today counts 1, 10 days old 0.5, 20 days old 0.25.
    // 10 points each: 10 + 5 + 2.5 = 17.5.
    let set = with_events(
        leads("id\nA\nB\n"),
        "lead_id,activity,timestamp\n\
A,webinar,2026-10-31\n\
A,webinar,2026-10-21\n\
A,webinar,2026-10-11\n\
B,webinar,2026-10-21\n",
    );
    let mut rule = eng_rule("w", "webinar", Counting::PerOccurrence, 10.0);
    rule.half_life_days = Some(10.0);
    let values = engagement_of(rule.clone(), &set);
    assert_close(values[0], 17.5);
    assert_close(values[1], 5.0);
    // Decay and a window together: a 15-day window drops the 20-day-old event: 10 + 5.
    rule.window_days = Some(15);
    let values = engagement_of(rule, &set);
    assert_close(values[0], 15.0);
    // The weight function itself.
    assert_close(event_weight(10, None, Some(10.0)), 0.5);
    assert_close(event_weight(0, None, Some(10.0)), 1.0);
    assert_close(event_weight(30, None, Some(10.0)), 0.125);
    assert_close(event_weight(29, Some(30), None), 1.0);
    assert_close(event_weight(30, Some(30), None), 0.0);
    assert_close(event_weight(-1, None, None), 0.0);
}

#[test]
fn once_with_decay_counts_at_most_one_full_occurrence() {
    // Once, 10 points, half-life 10: a single 10-day-old event counts 0.5 -> 5 points;
    // two events (today and 10 days old) sum to 1.5 -> capped to one occurrence -> 10.
    let set = with_events(
        leads("id\nA\nB\n"),
        "lead_id,activity,timestamp\n\
A,webinar,2026-10-21\n\
B,webinar,2026-10-21\n\
B,webinar,2026-10-31\n",
    );
    let mut rule = eng_rule("w", "webinar", Counting::Once, 10.0);
    rule.half_life_days = Some(10.0);
    let values = engagement_of(rule, &set);
    assert_close(values[0], 5.0);
    assert_close(values[1], 10.0);
}

#[test]
fn count_columns_are_read_when_there_is_no_event_log() {
    // No event log: "Pricing Page Views" is read through the rule's count_column, and the
    // default count column of activity "webinar_attended" is a header normalizing to it.
    let set = leads(
        "id,Pricing Page Views,Webinar Attended\n\
A,3,1\n\
B,,2\n\
C,0,\n",
    );
    let mut pricing = eng_rule("p", "pricing_page_view", Counting::PerOccurrence, 8.0);
    pricing.count_column = Some("Pricing Page Views".into());
    pricing.window_days = Some(30); // no dates in a count column: the window does not apply
    // A 3 x 8 = 24; B missing = 0; C 0.
    assert_eq!(engagement_of(pricing.clone(), &set), [24.0, 0.0, 0.0]);
    let webinar = eng_rule("w", "webinar_attended", Counting::PerOccurrence, 10.0);
    assert_eq!(engagement_of(webinar, &set), [10.0, 20.0, 0.0]);
    // A rule whose count column does not exist counts 0.
    let mut absent = pricing;
    absent.count_column = Some("Demo Requests".into());
    assert_eq!(engagement_of(absent, &set), [0.0, 0.0, 0.0]);
}

#[test]
fn an_event_log_takes_precedence_over_count_columns() {
    // The count column says 5, the log has one event: the log wins, 1 x 8.
    let set = with_events(
        leads("id,pricing\nA,5\n"),
        "lead_id,activity,timestamp\nA,pricing,2026-10-30\n",
    );
    let rule = eng_rule("p", "pricing", Counting::PerOccurrence, 8.0);
    assert_eq!(engagement_of(rule, &set), [8.0]);
}

// ---------------------------------------------------------------------------------------------
// Overrides

#[test]
fn disqualify_beats_fast_track() {
    let set = leads("id,competitor,demo\nA,yes,yes\nB,no,yes\nC,yes,no\nD,no,no\n");
    let mut model = unit_model();
    model.overrides.push(override_rule(
        "ft",
        OverrideAction::FastTrack,
        vec![field_is("demo", Condition::IsTrue)],
    ));
    model.overrides.push(override_rule(
        "dq",
        OverrideAction::Disqualify,
        vec![field_is("competitor", Condition::IsTrue)],
    ));
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    let statuses = statuses(&scores);
    assert_eq!(
        statuses,
        [
            Status::Disqualified,
            Status::FastTracked,
            Status::Disqualified,
            Status::Lead
        ]
    );
    assert!(Status::FastTracked.is_mql());
    assert!(!Status::Disqualified.is_mql());
}

#[test]
fn a_disqualified_lead_is_not_an_mql_whatever_its_score() {
    let set = leads("id,title,customer\nA,CEO,yes\n");
    let mut model = unit_model();
    model.fit.rules.push(fit_rule(
        "ceo",
        "title",
        Condition::Equals("CEO".into()),
        60.0,
    ));
    model.combine.mql_threshold = 50.0;
    model.overrides.push(override_rule(
        "customer",
        OverrideAction::Disqualify,
        vec![field_is("customer", Condition::IsTrue)],
    ));
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    // Fit 60 -> score 60, above the threshold 50, but disqualified.
    assert_close(scores[0].score, 60.0);
    assert_eq!(scores[0].status, Status::Disqualified);
}

#[test]
fn an_override_fires_only_when_all_its_criteria_hold() {
    // Target account AND more than 1,000 employees.
    let set = leads("id,target,employees\nA,yes,5000\nB,yes,500\nC,no,5000\n");
    let mut model = unit_model();
    model.overrides.push(override_rule(
        "abm",
        OverrideAction::FastTrack,
        vec![
            field_is("target", Condition::IsTrue),
            field_is("employees", Condition::AtLeast(1000.0)),
        ],
    ));
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    let statuses = statuses(&scores);
    assert_eq!(statuses, [Status::FastTracked, Status::Lead, Status::Lead]);
    let b = explain(&model, &set, 1, day("2026-01-01"));
    assert!(!b.overrides[0].fired);
}

#[test]
fn an_activity_criterion_counts_within_its_window() {
    // At least 2 demo requests within 7 days, as of 2026-10-31: events 7 days old (10-24) are
    // out, 6 days old (10-25) are in.
    // A: 10-31 and 10-25 -> 2 -> fires. B: 10-25 and 10-24 -> 1 -> no. C: 10-31, 10-30, and
    // one on 11-02 after the as-of day -> 2 -> fires.
    let set = with_events(
        leads("id\nA\nB\nC\n"),
        "lead_id,activity,timestamp\n\
A,demo_request,2026-10-31\n\
A,demo_request,2026-10-25\n\
B,demo_request,2026-10-25\n\
B,demo_request,2026-10-24\n\
C,demo_request,2026-10-31\n\
C,demo_request,2026-10-30\n\
C,demo_request,2026-11-02\n",
    );
    let mut model = unit_model();
    model.overrides.push(override_rule(
        "demo",
        OverrideAction::FastTrack,
        vec![Criterion::Activity {
            activity: "demo_request".into(),
            count_column: None,
            at_least: 2,
            window_days: Some(7),
        }],
    ));
    let scores = score_both_ways(&model, &set, day("2026-10-31"));
    let statuses = statuses(&scores);
    assert_eq!(
        statuses,
        [Status::FastTracked, Status::Lead, Status::FastTracked]
    );
    // Without the window, B's two requests count too.
    if let Criterion::Activity { window_days, .. } = &mut model.overrides[0].when[0] {
        *window_days = None;
    }
    let scores = score_both_ways(&model, &set, day("2026-10-31"));
    assert_eq!(scores[1].status, Status::FastTracked);
}

#[test]
fn an_activity_criterion_reads_a_count_column_without_an_event_log() {
    let set = leads("id,Demo Requests\nA,1\nB,0\nC,\n");
    let mut model = unit_model();
    model.overrides.push(override_rule(
        "demo",
        OverrideAction::FastTrack,
        vec![Criterion::Activity {
            activity: "demo_request".into(),
            count_column: Some("Demo Requests".into()),
            at_least: 1,
            window_days: Some(30),
        }],
    ));
    let scores = score_both_ways(&model, &set, day("2026-10-31"));
    let statuses = statuses(&scores);
    assert_eq!(statuses, [Status::FastTracked, Status::Lead, Status::Lead]);
}

// ---------------------------------------------------------------------------------------------
// Caps, mix, rounding, status

#[test]
fn sub_scores_are_capped_and_floored() {
    // Fit rules worth 50 + 30 = 80 > cap 60; engagement 10 x 5 = 50 > cap 40. Lead B gets only
    // the negative rules: -10 fit, -5 engagement, both floored at 0.
    let set = with_events(
        leads("id,tier\nA,gold\nB,bad\n"),
        "lead_id,activity,timestamp\n\
A,visit,2026-10-31\nA,visit,2026-10-31\nA,visit,2026-10-31\nA,visit,2026-10-31\nA,visit,2026-10-31\n\
B,unsubscribe,2026-10-31\n",
    );
    let mut model = unit_model();
    model.fit.rules.push(fit_rule(
        "g1",
        "tier",
        Condition::Equals("gold".into()),
        50.0,
    ));
    model.fit.rules.push(fit_rule(
        "g2",
        "tier",
        Condition::ContainsAny(vec!["gold".into()]),
        30.0,
    ));
    model.fit.rules.push(fit_rule(
        "bad",
        "tier",
        Condition::Equals("bad".into()),
        -10.0,
    ));
    model
        .engagement
        .rules
        .push(eng_rule("visit", "visit", Counting::PerOccurrence, 10.0));
    model
        .engagement
        .rules
        .push(eng_rule("unsub", "unsubscribe", Counting::Once, -5.0));
    let as_of = day("2026-10-31");
    let scores = score_both_ways(&model, &set, as_of);
    assert_close(scores[0].fit, 60.0);
    assert_close(scores[0].engagement, 40.0);
    assert_close(scores[0].score, 100.0);
    assert_close(scores[1].fit, 0.0);
    assert_close(scores[1].engagement, 0.0);
    assert_close(scores[1].score, 0.0);
    let a = explain(&model, &set, 0, as_of);
    assert_close(a.fit_raw, 80.0);
    assert_close(a.engagement_raw, 50.0);
    let b = explain(&model, &set, 1, as_of);
    assert_close(b.fit_raw, -10.0);
    assert_close(b.engagement_raw, -5.0);
}

#[test]
fn the_worked_example_finance_director_with_a_demo_is_an_mql() {
    // Domain example 2: 60/40 on 100 points, MQL at 75. A finance director at a 150-employee
    // SaaS company earns 50 fit points, a live demo 40 intent points: 50 + 40 = 90 >= 75.
    let set = with_events(
        leads("id,title,employees,industry\nFD,Finance Director,150,SaaS\nCTO,CTO,150,SaaS\n"),
        "lead_id,activity,timestamp\nFD,live_demo,2026-10-30\n",
    );
    let mut model = unit_model();
    model.fit.rules.push(fit_rule(
        "finance",
        "title",
        Condition::ContainsAny(vec!["finance".into()]),
        20.0,
    ));
    model.fit.rules.push(fit_rule(
        "size",
        "employees",
        Condition::Between {
            min: 100.0,
            max: 1000.0,
        },
        15.0,
    ));
    model.fit.rules.push(fit_rule(
        "saas",
        "industry",
        Condition::Equals("saas".into()),
        15.0,
    ));
    model
        .engagement
        .rules
        .push(eng_rule("demo", "live_demo", Counting::Once, 40.0));
    let scores = score_both_ways(&model, &set, day("2026-10-31"));
    assert_close(scores[0].fit, 50.0);
    assert_close(scores[0].engagement, 40.0);
    assert_close(scores[0].score, 90.0);
    assert_eq!(scores[0].status, Status::Mql);
    // The CTO: 30 fit, no demo: 30, below 75 - 15 = 60, so a plain lead.
    assert_close(scores[1].score, 30.0);
    assert_eq!(scores[1].status, Status::Lead);
}

#[test]
fn the_mix_weights_the_shares_of_the_caps_and_rounds_to_two_decimals() {
    // Fit cap 30 weighted 0.5, engagement cap 30 weighted 0.5, scale 100.
    // A: fit 10 -> 0.5 * 10/30 * 100 = 16.666... -> 16.67.
    // B: fit 20, engagement 10 -> 33.333... + 16.666... = 50.
    // C: engagement 20 -> 33.33.
    let set = leads("id,f,e\nA,10,0\nB,20,10\nC,0,20\n");
    let mut model = unit_model();
    model.fit.max_points = 30.0;
    model.engagement.max_points = 30.0;
    model.combine.fit_weight = 0.5;
    model.combine.engagement_weight = 0.5;
    model.combine.mql_threshold = 50.0;
    model.combine.nurture_band = 0.0;
    model
        .fit
        .rules
        .push(fit_rule("f10", "f", Condition::Equals("10".into()), 10.0));
    model
        .fit
        .rules
        .push(fit_rule("f20", "f", Condition::Equals("20".into()), 20.0));
    let mut count = eng_rule("e", "e", Counting::PerOccurrence, 1.0);
    count.count_column = Some("e".into());
    model.engagement.rules.push(count);
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    assert_eq!(scores[0].score, 16.67);
    assert_eq!(scores[1].score, 50.0);
    assert_eq!(scores[2].score, 33.33);
    // B sits exactly on the threshold: an MQL.
    assert_eq!(scores[1].status, Status::Mql);
    // On a scale of 10 the same leads score a tenth: 1.666... -> 1.67, 5, 3.333... -> 3.33.
    model.combine.scale = 10.0;
    model.combine.mql_threshold = 5.0;
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    assert_eq!(scores[0].score, 1.67);
    assert_eq!(scores[1].score, 5.0);
    assert_eq!(scores[2].score, 3.33);
}

/// Leads whose score is exactly fit + engagement: fit from one rule per tier, engagement from a
/// count column `e` at 1 point per unit.
fn dial_model() -> Model {
    let mut model = unit_model();
    for (tier, points) in [("a", 60.0), ("b", 50.0), ("c", 36.0), ("d", 20.0)] {
        model.fit.rules.push(fit_rule(
            &format!("tier-{tier}"),
            "tier",
            Condition::Equals(tier.into()),
            points,
        ));
    }
    let mut count = eng_rule("e", "e", Counting::PerOccurrence, 1.0);
    count.count_column = Some("e".into());
    model.engagement.rules.push(count);
    model
}

#[test]
fn status_follows_the_threshold_and_the_nurture_band() {
    // Threshold 75, nurture band 15: 75 and above MQL, 60 up to 75 nurture, below 60 lead.
    // A 60+15 = 75 (MQL), B 60+14.99 = 74.99 (nurture), C 60+0 = 60 (nurture, on the band's
    // edge), D 50+9.99 = 59.99 (lead), E 60+40 = 100 (MQL).
    let set = leads("id,tier,e\nA,a,15\nB,a,14.99\nC,a,0\nD,b,9.99\nE,a,40\n");
    let model = dial_model();
    assert_eq!(model.combine.mql_threshold, 75.0);
    assert_eq!(model.combine.nurture_band, 15.0);
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    let got: Vec<(f64, Status)> = scores.iter().map(|s| (s.score, s.status)).collect();
    assert_eq!(
        got,
        [
            (75.0, Status::Mql),
            (74.99, Status::Nurture),
            (60.0, Status::Nurture),
            (59.99, Status::Lead),
            (100.0, Status::Mql),
        ]
    );
    // With no nurture band, B and C are plain leads.
    let mut narrow = model;
    narrow.combine.nurture_band = 0.0;
    let scores = score_both_ways(&narrow, &set, day("2026-01-01"));
    assert_eq!(scores[1].status, Status::Lead);
    assert_eq!(scores[2].status, Status::Lead);
}

#[test]
fn a_lead_above_the_threshold_that_fails_a_gate_is_nurture() {
    // min_fit 40: A has fit 36 + engagement 40 = 76 >= 75 but 36 < 40 -> nurture.
    // B has fit 50 + 26 = 76 -> MQL.
    let set = leads("id,tier,e\nA,c,40\nB,b,26\n");
    let mut model = dial_model();
    model.combine.min_fit = Some(40.0);
    model.combine.nurture_band = 0.0; // the gate alone makes it nurture
    let as_of = day("2026-01-01");
    let scores = score_both_ways(&model, &set, as_of);
    assert_close(scores[0].score, 76.0);
    assert_eq!(scores[0].status, Status::Nurture);
    assert_eq!(scores[1].status, Status::Mql);
    let a = explain(&model, &set, 0, as_of);
    assert_eq!(a.gates.len(), 1);
    assert!(!a.gates[0].passed);
    assert!(a.reason.contains("held back"), "{}", a.reason);

    // min_engagement 10 with threshold 60: C has 60 + 5 = 65 >= 60 but 5 < 10 -> nurture;
    // D has 50 + 10 = 60 -> MQL (the gate is inclusive).
    let set = leads("id,tier,e\nC,a,5\nD,b,10\n");
    let mut model = dial_model();
    model.combine.mql_threshold = 60.0;
    model.combine.min_engagement = Some(10.0);
    let scores = score_both_ways(&model, &set, as_of);
    assert_eq!(scores[0].status, Status::Nurture);
    assert_eq!(scores[1].status, Status::Mql);
    // A fast-track ignores the gates.
    model.overrides.push(override_rule(
        "ft",
        OverrideAction::FastTrack,
        vec![field_is("tier", Condition::Equals("a".into()))],
    ));
    let scores = score_both_ways(&model, &set, as_of);
    assert_eq!(scores[0].status, Status::FastTracked);
}

#[test]
fn grades_combine_the_fit_grade_and_the_engagement_level() {
    // Default bands: fit A >= 45, B >= 30, C >= 15, D; engagement 1 >= 30, 2 >= 20, 3 >= 10, 4.
    // A: fit 60, e 30 -> A1. B: fit 36, e 10 -> B3. C: fit 20, e 29.99 -> C2. D: fit 0, e 0
    // -> D4. E: fit 0, e 40 -> D1.
    let set = leads("id,tier,e\nA,a,30\nB,c,10\nC,d,29.99\nD,none,0\nE,none,40\n");
    let model = dial_model();
    let scores = score_both_ways(&model, &set, day("2026-01-01"));
    let grades: Vec<String> = scores.iter().map(|s| s.grade(&model)).collect();
    assert_eq!(grades, ["A1", "B3", "C2", "D4", "D1"]);
    // Custom bands, checked at their edges: fit "Hot" from 50, "Cold" below.
    let mut custom = model;
    custom.fit_grades = vec![
        Band {
            label: "Hot".into(),
            min_points: 50.0,
        },
        Band {
            label: "Cold".into(),
            min_points: 0.0,
        },
    ];
    let set = leads("id,tier,e\nA,b,0\nB,c,0\n");
    let scores = score_both_ways(&custom, &set, day("2026-01-01"));
    assert_eq!(scores[0].grade(&custom), "Hot4");
    assert_eq!(scores[1].grade(&custom), "Cold4");
}

#[test]
fn explanations_name_the_status_and_the_distance_to_the_threshold() {
    let set = leads("id,tier,e\nA,a,10\n");
    let model = dial_model();
    let as_of = day("2026-01-01");
    let explanation = explain(&model, &set, 0, as_of);
    // 60 + 10 = 70: 5 below 75, inside the nurture band.
    assert_eq!(explanation.lead_id, "A");
    assert_close(explanation.distance_to_threshold, -5.0);
    assert_eq!(explanation.score.status, Status::Nurture);
    assert_eq!(explanation.grade, "A3");
    assert!(
        explanation.reason.contains("5 points below"),
        "{}",
        explanation.reason
    );
    let text = mql_studio::scoring::explanation_text(&model, &explanation);
    assert!(text.contains("Lead A"), "{text}");
    assert!(text.contains("tier-a"), "{text}");
}

#[test]
fn contains_any_matches_whole_words_only() {
    use mql_studio::scoring::contains_word;
    assert!(contains_word("vp sales", "vp"));
    assert!(!contains_word("vpn engineer", "vp"));
    assert!(contains_word("marketing intern", "intern"));
    assert!(!contains_word("director of international sales", "intern"));
    assert!(contains_word("head of growth", "head of"));
    assert!(!contains_word("director", "cto"));
    // A needle that starts or ends with punctuation needs no word boundary on that side.
    assert!(contains_word("ann@gmail.com", "@gmail."));
    assert!(!contains_word("ann@gmailer.com", "@gmail."));
    // A later occurrence counts when the first one is inside a word.
    assert!(contains_word("vpn and vp", "vp"));
    assert!(!contains_word("anything", ""));
}

#[test]
fn a_yes_no_count_column_counts_yes_as_one_occurrence() {
    // No event log: the rule reads the "Demo Requested" column; yes is 1, no and missing are 0.
    let set = leads("id,Demo Requested\nA,yes\nB,no\nC,\n");
    let mut model = unit_model();
    let mut rule = eng_rule("demo", "demo_request", Counting::PerOccurrence, 15.0);
    rule.count_column = Some("Demo Requested".to_owned());
    rule.window_days = None;
    model.engagement.rules.push(rule);
    let scores = score_both_ways(&model, &set, day("2026-10-31"));
    assert_close(scores[0].engagement, 15.0);
    assert_close(scores[1].engagement, 0.0);
    assert_close(scores[2].engagement, 0.0);
}

#[test]
fn round2_rounds_half_away_from_zero_like_f64_round() {
    use mql_studio::scoring::round2;
    let mut x: f64 = -1000.0;
    // Every hundredth and the halfway cases around them, plus awkward doubles.
    while x <= 1000.0 {
        for value in [
            x,
            x + 0.005,
            x - 0.005,
            x + 0.004999999999,
            x + 0.0050000001,
        ] {
            let expected = (value * 100.0).round() / 100.0;
            assert_eq!(round2(value).to_bits(), expected.to_bits(), "{value}");
        }
        x += 0.37;
    }
    for value in [
        0.0,
        -0.0,
        0.49999999999999994,
        1.005,
        0.125,
        -0.125,
        -0.001,
        1e300,
        f64::MAX,
        4.5e13,
    ] {
        let expected = (value * 100.0).round() / 100.0;
        assert_eq!(round2(value).to_bits(), expected.to_bits(), "{value}");
    }
    assert!(round2(f64::NAN).is_nan());
}
