//! Rule lift and points suggested rule by rule, on a small hand-made lead set: every expected
//! number is worked out by hand in the comments next to it.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::calibration::quality::{Z_95, wilson_interval};
use mql_studio::calibration::{points_from_odds, rule_lift, smoothed_odds_ratio};
use mql_studio::diff::RuleKind;
use mql_studio::model::{Condition, Counting, EngagementRule, FitRule, Model, OverrideAction};
use mql_studio::scoring::Evaluation;
use proptest::prelude::*;

mod common;

use common::leads::leads;
use common::rules::{eng_rule, field_is, fit_rule, override_rule};
use common::scoring::assert_close;

// ---------------------------------------------------------------------------------------------
// Rule lift.

/// Nine leads, eight with an outcome (4 SQLs, 4 not), so the overall SQL rate is 1/2 and the
/// smoothing adds one pseudo-SQL and one pseudo-non-SQL to each side.
/// `senior` (VP) fires for L1-L4 and L9 (no outcome); `webinar` for L1, L5, L6;
/// `enterprise` (10,000+ employees) for nobody; the competitor disqualifier for L8.
const LIFT_LEADS: &str = "id,job_title,employees,webinar,competitor,Outcome\n\
L1,VP Sales,100,1,no,sql\n\
L2,VP Ops,100,0,no,won\n\
L3,VP IT,100,0,no,opportunity\n\
L4,VP HR,100,0,no,lead\n\
L5,Analyst,100,2,no,sql\n\
L6,Analyst,100,1,no,lead\n\
L7,Analyst,100,0,no,lead\n\
L8,Analyst,100,0,yes,lead\n\
L9,VP Finance,100,3,no,\n";

fn lift_model() -> Model {
    let mut model = Model::new("lift");
    model.fit.rules = vec![
        FitRule {
            label: "Senior title".into(),
            ..fit_rule(
                "senior",
                "job_title",
                Condition::ContainsAny(vec!["VP".into()]),
                20.0,
            )
        },
        fit_rule(
            "enterprise",
            "employees",
            Condition::AtLeast(10_000.0),
            15.0,
        ),
    ];
    model.engagement.rules = vec![EngagementRule {
        enabled: false,
        ..eng_rule("webinar", "webinar", Counting::PerOccurrence, 10.0)
    }];
    model.overrides = vec![override_rule(
        "dq-competitor",
        OverrideAction::Disqualify,
        vec![field_is("competitor", Condition::IsTrue)],
    )];
    model
}

#[test]
fn rule_lift_compares_the_sql_rate_of_matched_leads_with_the_rest() {
    let model = lift_model();
    let set = leads(LIFT_LEADS);
    let evaluation = Evaluation::new(&model, &set, 0);
    let lifts = rule_lift(&model, &set, &evaluation);
    let ids: Vec<&str> = lifts.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["senior", "enterprise", "webinar", "dq-competitor"]);
    // Each lift says whether its rule is enabled (the report marks the others "off").
    let enabled: Vec<bool> = lifts.iter().map(|l| l.enabled).collect();
    assert_eq!(enabled, [true, true, false, true]);

    // senior: matched L1-L4 (L9 has no outcome): a = 3 SQLs (L1, L2, L3), b = 1 (L4);
    // rest L5-L8: c = 1 (L5), d = 3. Rates 3/4 and 1/4, lift 3.
    // Odds ratio ((3+1)/(1+1)) / ((1+1)/(3+1)) = 2 / 0.5 = 4 = 2 doublings: +20 points, but
    // 4 leads are far fewer than the 30 points are suggested from: the suggestion is withheld.
    let senior = &lifts[0];
    assert_eq!(senior.label, "Senior title");
    assert_eq!(senior.kind, RuleKind::Fit);
    assert_eq!(senior.current_points, Some(20.0));
    assert_eq!((senior.matched, senior.matched_sqls), (4, 3));
    assert_eq!((senior.rest, senior.rest_sqls), (4, 1));
    assert_close(senior.matched_rate, 0.75);
    assert_close(senior.rest_rate, 0.25);
    assert_close(senior.lift, 3.0);
    assert_eq!(senior.suggested_points, None);
    assert_eq!(
        senior.withheld.as_deref(),
        Some("fires for 4 lead(s) with an outcome; points are suggested from 30")
    );
    assert_eq!(points_from_odds(3, 1, 1, 3), Some(20.0));
    // The 95 % Wilson intervals of both rates.
    assert_eq!(senior.matched_interval, wilson_interval(3, 4, Z_95));
    assert_eq!(senior.rest_interval, wilson_interval(1, 4, Z_95));
    assert_eq!(senior.per, "");

    // enterprise fires for nobody: no matched rate, no lift, no suggestion; the label falls back
    // to the id.
    let enterprise = &lifts[1];
    assert_eq!(enterprise.label, "enterprise");
    assert_eq!(
        (enterprise.matched, enterprise.rest, enterprise.rest_sqls),
        (0, 8, 4)
    );
    assert_eq!(enterprise.matched_rate, None);
    assert_close(enterprise.rest_rate, 0.5);
    assert_eq!((enterprise.lift, enterprise.suggested_points), (None, None));
    assert!(enterprise.withheld.is_some(), "0 leads: too few");
    assert_eq!(enterprise.matched_interval, None);

    // webinar (disabled: still measured) fires for L1, L5, L6: a = 2, b = 1; rest: c = 2 (L2,
    // L3), d = 3 (L4, L7, L8). Rates 2/3 and 2/5, lift 5/3.
    // A per-occurrence rule: its suggestion would be in points per occurrence, but 3 leads
    // are too few for one.
    let webinar = &lifts[2];
    assert_eq!(webinar.kind, RuleKind::Engagement);
    assert_eq!(webinar.current_points, Some(10.0));
    assert_eq!((webinar.matched, webinar.matched_sqls), (3, 2));
    assert_eq!((webinar.rest, webinar.rest_sqls), (5, 2));
    assert_close(webinar.lift, 5.0 / 3.0);
    assert_eq!(webinar.suggested_points, None);
    assert!(webinar.withheld.is_some());
    assert_eq!(webinar.per, "per occurrence");

    // The competitor override fires for L8 (no SQL): rate 0 vs 4/7, lift 0; no points.
    let competitor = &lifts[3];
    assert_eq!(competitor.kind, RuleKind::Override);
    assert_eq!(competitor.current_points, None);
    assert_eq!((competitor.matched, competitor.matched_sqls), (1, 0));
    assert_close(competitor.rest_rate, 4.0 / 7.0);
    assert_close(competitor.lift, 0.0);
    assert_eq!(competitor.suggested_points, None);
    // Overrides have no points: nothing is withheld either.
    assert_eq!(competitor.withheld, None);
}

#[test]
fn the_smoothing_adds_one_lead_of_the_rarer_outcome() {
    // 2 SQLs and 10 non-SQLs overall: +1 pseudo-SQL and +5 pseudo-non-SQLs per side.
    // ((1+1)/(1+5)) / ((1+1)/(9+5)) = (1/3) / (1/7) = 7/3; 10 × log2(7/3) = 12.2 → 12.
    assert_close(smoothed_odds_ratio(1, 1, 1, 9), 7.0 / 3.0);
    assert_eq!(points_from_odds(1, 1, 1, 9), Some(12.0));
    // 6 SQLs and 2 non-SQLs: SQLs are the common outcome: +3 pseudo-SQLs, +1 pseudo-non-SQL.
    // ((3+3)/(0+1)) / ((3+3)/(2+1)) = 6 / 2 = 3; 10 × log2(3) = 15.8 → 16.
    assert_close(smoothed_odds_ratio(3, 0, 3, 2), 3.0);
    assert_eq!(points_from_odds(3, 0, 3, 2), Some(16.0));
    // The same rate on both sides: no points (and never -0).
    let same = points_from_odds(1, 3, 2, 6).expect("points");
    assert_eq!(same, 0.0);
    assert!(same.is_sign_positive());
    // A small group converting slightly below the rest: 1 of 14 vs 23 of 286 (24 SQLs of 300:
    // +1 pseudo-SQL, +11.5 pseudo-non-SQLs). (2/24.5) / (24/274.5) = 0.9337; 10 × log2 = -0.99
    // → -1. Adding 0.5 to every cell instead would give (1.5/13.5) / (23.5/263.5) = 1.246, +3:
    // the wrong sign.
    assert_eq!(points_from_odds(1, 13, 23, 263), Some(-1.0));
    // No SQL at all, only SQLs, or an empty side: nothing to learn.
    assert_eq!(smoothed_odds_ratio(0, 5, 0, 5), None);
    assert_eq!(smoothed_odds_ratio(5, 0, 5, 0), None);
    assert_eq!(smoothed_odds_ratio(0, 0, 3, 5), None);
    assert_eq!(smoothed_odds_ratio(3, 5, 0, 0), None);
}

proptest! {
    /// The suggested points never contradict the raw rates: positive only when the matched
    /// leads convert more often than the rest, negative only when less often.
    #[test]
    fn suggested_points_have_the_sign_of_the_raw_lift(
        a in 0usize..60, b in 0usize..60, c in 0usize..60, d in 0usize..60
    ) {
        if let Some(points) = points_from_odds(a, b, c, d) {
            let matched = a as f64 / (a + b) as f64;
            let rest = c as f64 / (c + d) as f64;
            if points > 0.0 {
                prop_assert!(matched > rest);
            }
            if points < 0.0 {
                prop_assert!(matched < rest);
            }
            if matched == rest {
                prop_assert_eq!(points, 0.0);
            }
        }
    }
}
