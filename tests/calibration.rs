//! Calibration and alignment, on small hand-made lead sets.
//!
//! Every expected number is worked out by hand in the comments next to it: the funnel, the
//! reading, the agreement table, the threshold sweep, the suggested thresholds and
//! the status changes between two scorings.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::calibration::{
    Agreement, Funnel, Reading, StatusChange, SweepPoint, Target, agreement, funnel,
    monthly_capacity_to_count, percent, rule_lift, status_change_counts, status_changes,
    suggest_threshold, sweep_point, threshold_sweep,
};
use mql_studio::leads::Verdict;
use mql_studio::model::{Condition, Counting, Criterion, EngagementRule, Model, OverrideAction};
use mql_studio::scoring::{Evaluation, LeadScore, Status};

mod common;

use common::leads::leads;
use common::rules::{eng_rule, field_is, fit_rule, override_rule};
use common::scoring::{assert_close, score_fast, statuses};

// ---------------------------------------------------------------------------------------------
// Helpers

fn point(
    threshold: f64,
    mqls: usize,
    sqls_captured: usize,
    precision: Option<f64>,
    recall: Option<f64>,
) -> SweepPoint {
    SweepPoint {
        threshold,
        mqls,
        sqls_captured,
        // The precision's denominator, read back from it (a precision of 0 says nothing about
        // it: those points set it themselves).
        mqls_with_outcome: precision.map_or(0, |p| (sqls_captured as f64 / p).round() as usize),
        precision,
        recall,
    }
}

// ---------------------------------------------------------------------------------------------
// The funnel model: one score point per fit or engagement point (fit capped at 60 weighted 0.6,
// engagement capped at 40 weighted 0.4, scale 100), MQL at 60, nurture from 45.

fn funnel_model() -> Model {
    let mut model = Model::new("funnel");
    model.fit.rules = vec![
        fit_rule(
            "senior",
            "job_title",
            Condition::ContainsAny(vec!["VP".into()]),
            40.0,
        ),
        fit_rule("size", "employees", Condition::AtLeast(200.0), 20.0),
    ];
    model.engagement.rules = vec![EngagementRule {
        cap: Some(40.0),
        ..eng_rule("pricing", "pricing", Counting::PerOccurrence, 10.0)
    }];
    model.combine.mql_threshold = 60.0;
    model.combine.nurture_band = 15.0;
    model
}

/// Eight leads. Score = 40 (VP) + 20 (200+ employees) + 10 per pricing visit:
/// L1 40+20+20 = 80 MQL, L2 40+0+20 = 60 MQL, L3 40 lead, L4 0+20+40 = 60 MQL,
/// L5 10 lead, L6 20+30 = 50 nurture, L7 40+20 = 60 MQL, L8 0 lead.
const FUNNEL_LEADS: &str = "id,job_title,employees,pricing,Outcome,Sales Verdict\n\
L1,VP Sales,500,2,sql,accept\n\
L2,VP Marketing,100,2,lead,reject\n\
L3,VP Finance,100,0,won,accept\n\
L4,Analyst,500,4,opportunity,\n\
L5,Analyst,100,1,lead,reject\n\
L6,Analyst,500,3,,\n\
L7,VP Product,500,0,won,accept\n\
L8,Analyst,100,0,lead,reject\n";

#[test]
fn the_funnel_counts_mqls_and_what_became_of_them() {
    let model = funnel_model();
    let set = leads(FUNNEL_LEADS);
    let scored = score_fast(&model, &set, 0);
    assert_eq!(
        statuses(&scored),
        [
            Status::Mql,
            Status::Mql,
            Status::Lead,
            Status::Mql,
            Status::Lead,
            Status::Nurture,
            Status::Mql,
            Status::Lead
        ]
    );
    let f = funnel(&set, &scored);
    assert_eq!(
        f,
        Funnel {
            leads: 8,
            // Every lead but L6 (empty outcome cell).
            with_outcome: 7,
            // L1, L2, L4, L7.
            mqls: 4,
            mql_with_outcome: 4,
            // L1 (sql), L4 (opportunity), L7 (won): an opportunity or a win has reached SQL.
            mql_sqls: 3,
            // L4, L7.
            mql_opportunities: 2,
            // L7.
            mql_won: 1,
            // L1, L3, L4, L7: L3 was won without being an MQL.
            sqls: 4,
            // L3, L7.
            won: 2,
        }
    );
    assert_close(f.lead_to_mql(), 4.0 / 8.0);
    assert_close(f.mql_to_sql(), 3.0 / 4.0);
    assert_close(f.sql_to_won(), 1.0 / 3.0);
    // 75 % is above 60 %, but half the leads are MQLs: not low volume, so healthy.
    assert_eq!(f.reading(), Reading::Healthy { rate: 0.75 });
    let text = f.reading().text();
    assert!(text.contains("75 %"), "{text}");
    assert!(text.contains("at least 10 % of leads are MQLs"), "{text}");
}

#[test]
fn the_agreement_table_sorts_judged_leads_into_four_cells() {
    let model = funnel_model();
    let set = leads(FUNNEL_LEADS);
    let scored = score_fast(&model, &set, 0);
    let table = agreement(&scored, &set.verdicts);
    // L1 MQL+accept, L7 MQL+accept; L2 MQL+reject; L3 lead+accept; L5, L8 lead+reject;
    // L4 and L6 have no verdict.
    assert_eq!(
        table,
        Agreement {
            both_yes: vec![0, 6],
            model_only: vec![1],
            sales_only: vec![2],
            both_no: vec![4, 7],
        }
    );
    assert_eq!(table.judged(), 6);
    assert_eq!(table.agreeing(), 4);
    assert_close(table.rate(), 4.0 / 6.0);
}

#[test]
fn agreement_skips_leads_without_a_verdict_and_tolerates_short_lists() {
    let mql = LeadScore {
        fit: 0.0,
        engagement: 0.0,
        score: 0.0,
        status: Status::FastTracked,
        fit_grade: 0,
        engagement_level: 0,
    };
    let lead = LeadScore {
        status: Status::Disqualified,
        ..mql
    };
    // A fast-tracked lead is an MQL; a disqualified one is not.
    let table = agreement(
        &[mql, lead, mql],
        &[Some(Verdict::Reject), Some(Verdict::Accept)],
    );
    assert_eq!(table.model_only, vec![0]);
    assert_eq!(table.sales_only, vec![1]);
    assert_eq!(table.judged(), 2);
    assert_eq!(table.rate(), Some(0.0));
    let none = agreement(&[mql, lead], &[None, None]);
    assert_eq!(none, Agreement::default());
    assert_eq!(none.judged(), 0);
    assert_eq!(none.rate(), None);
}

// ---------------------------------------------------------------------------------------------
// The reading.

fn funnel_with(leads: usize, mqls: usize, mql_with_outcome: usize, mql_sqls: usize) -> Funnel {
    Funnel {
        leads,
        with_outcome: leads,
        mqls,
        mql_with_outcome,
        mql_sqls,
        ..Funnel::default()
    }
}

#[test]
fn the_reading_follows_the_rules_of_thumb() {
    // 1 of 10 MQLs reached SQL: 10 % < 20 %.
    let loose = funnel_with(100, 10, 10, 1).reading();
    assert_eq!(loose, Reading::TooLoose { rate: 0.1 });
    let text = loose.text();
    for expected in [
        "10 %",
        "too loose",
        "tighten fit or raise the threshold",
        "about 13 %",
        "SaaS about 18 %",
        "professional services about 10 %",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    // Exactly 20 % is not below 20 %.
    assert_eq!(
        funnel_with(100, 10, 10, 2).reading(),
        Reading::Healthy { rate: 0.2 }
    );
    // 7 of 10 = 70 % > 60 %, and 10 of 200 leads = 5 % < 10 % are MQLs: too tight.
    let tight = funnel_with(200, 10, 10, 7).reading();
    assert_eq!(tight, Reading::TooTight { rate: 0.7 });
    let text = tight.text();
    for expected in [
        "70 %",
        "too tight",
        "loosen",
        "engagement hooks",
        "about 13 %",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    // 70 % with 10 of 100 = exactly 10 % MQLs: not low volume, so healthy.
    assert_eq!(
        funnel_with(100, 10, 10, 7).reading(),
        Reading::Healthy { rate: 0.7 }
    );
    // Exactly 60 % with low volume is not above 60 %.
    assert_eq!(
        funnel_with(1000, 10, 10, 6).reading(),
        Reading::Healthy { rate: 0.6 }
    );
    // 3 of 10 = 30 %.
    let healthy = funnel_with(100, 10, 10, 3).reading();
    assert_eq!(healthy, Reading::Healthy { rate: 0.3 });
    assert!(healthy.text().contains("30 %"), "{}", healthy.text());
}

#[test]
fn the_reading_without_outcomes_or_mqls() {
    // No lead has an outcome.
    let no_outcomes = Funnel {
        leads: 10,
        mqls: 3,
        ..Funnel::default()
    };
    assert_eq!(no_outcomes.reading(), Reading::NoOutcomes);
    assert_eq!(no_outcomes.mql_to_sql(), None);
    // Leads have outcomes, but no lead is an MQL.
    let no_mqls = Funnel {
        leads: 10,
        with_outcome: 10,
        sqls: 2,
        ..Funnel::default()
    };
    assert_eq!(no_mqls.reading(), Reading::NoMqls);
    assert!(no_mqls.reading().text().contains("No lead is an MQL"));
    // MQLs exist, but none of them has an outcome.
    let mqls_unknown = Funnel {
        leads: 10,
        with_outcome: 5,
        mqls: 3,
        ..Funnel::default()
    };
    assert_eq!(mqls_unknown.reading(), Reading::NoOutcomes);
    assert!(mqls_unknown.reading().text().contains("outcome"));
    // The empty funnel.
    let empty = Funnel::default();
    assert_eq!(empty.lead_to_mql(), None);
    assert_eq!(empty.sql_to_won(), None);
    assert_eq!(empty.reading(), Reading::NoOutcomes);
}

#[test]
fn percentages_keep_one_decimal() {
    assert_eq!(percent(0.2), "20 %");
    assert_eq!(percent(1.0 / 3.0), "33.3 %");
    assert_eq!(percent(0.0), "0 %");
    assert_eq!(percent(0.1256), "12.6 %");
}

// ---------------------------------------------------------------------------------------------
// The threshold sweep: a model on a 10-point scale, so the sweep has 11 points. Fit is capped at
// 6 and weighted 0.6, engagement capped at 4 and weighted 0.4: one score point per fit or
// engagement point. MQL at 5, nurture from 3, a minimum-fit gate of 2, a competitor
// disqualifier and a demo-request fast-track.

fn sweep_model() -> Model {
    let mut model = Model::new("sweep");
    model.fit.max_points = 6.0;
    model.engagement.max_points = 4.0;
    model.fit.rules = vec![
        fit_rule(
            "senior",
            "job_title",
            Condition::ContainsAny(vec!["VP".into()]),
            4.0,
        ),
        fit_rule("size", "employees", Condition::AtLeast(200.0), 2.0),
    ];
    model.engagement.rules = vec![EngagementRule {
        cap: Some(4.0),
        ..eng_rule("pricing", "pricing", Counting::PerOccurrence, 1.0)
    }];
    model.overrides = vec![
        override_rule(
            "dq-competitor",
            OverrideAction::Disqualify,
            vec![field_is("competitor", Condition::IsTrue)],
        ),
        override_rule(
            "ft-demo",
            OverrideAction::FastTrack,
            vec![Criterion::Activity {
                activity: "demo_request".into(),
                count_column: None,
                at_least: 1,
                window_days: None,
            }],
        ),
    ];
    model.combine.scale = 10.0;
    model.combine.mql_threshold = 5.0;
    model.combine.nurture_band = 2.0;
    model.combine.min_fit = Some(2.0);
    model
}

/// Score = 4 (VP) + 2 (200+ employees) + 1 per pricing visit:
/// A 4+2+3 = 9, B 4+0+2 = 6, C 0+2+4 = 6, D 0+0+4 = 4 with fit 0 < the gate of 2,
/// E 0 but a demo request (fast-tracked), F 4+2+4 = 10 but a competitor (disqualified),
/// G 4+0+0 = 4 (no outcome), H 0+2+1 = 3.
const SWEEP_LEADS: &str = "id,job_title,employees,pricing,demo_request,competitor,Outcome\n\
A,VP Sales,500,3,0,no,sql\n\
B,VP Ops,100,2,0,no,lead\n\
C,Analyst,500,4,0,no,won\n\
D,Analyst,100,4,0,no,sql\n\
E,Analyst,100,0,1,no,lead\n\
F,VP Sales,500,4,0,yes,sql\n\
G,VP Finance,100,0,0,no,\n\
H,Analyst,500,1,0,no,lead\n";

#[test]
fn the_sweep_recomputes_the_mqls_at_every_threshold() {
    let model = sweep_model();
    let set = leads(SWEEP_LEADS);
    let scored = score_fast(&model, &set, 0);
    let score_values: Vec<f64> = scored.iter().map(|s| s.score).collect();
    assert_eq!(score_values, [9.0, 6.0, 6.0, 4.0, 0.0, 10.0, 4.0, 3.0]);
    assert_eq!(
        statuses(&scored),
        [
            Status::Mql,
            Status::Mql,
            Status::Mql,
            Status::Nurture, // 4 is in the nurture band; at 5 the gate would hold it back too
            Status::FastTracked,
            Status::Disqualified,
            Status::Nurture,
            Status::Nurture
        ]
    );
    let sweep = threshold_sweep(&model, &set, &scored);
    // E is MQL at every threshold (fast-track), F at none (disqualified) and D at none (fit 0
    // fails the gate). The other leads count when their score reaches the threshold:
    // A 9, B 6, C 6, G 4, H 3. SQLs overall: A, C, D, F = 4 (recall's denominator).
    // Leads with an outcome among the MQLs: all but G.
    let expected = vec![
        // 0..=3: E + A, B, C, G, H = 6 MQLs; with an outcome: E, A, B, C, H = 5;
        // SQLs: A, C = 2. Precision 2/5, recall 2/4.
        point(0.0, 6, 2, Some(0.4), Some(0.5)),
        point(1.0, 6, 2, Some(0.4), Some(0.5)),
        point(2.0, 6, 2, Some(0.4), Some(0.5)),
        point(3.0, 6, 2, Some(0.4), Some(0.5)),
        // 4: H (3) drops out: 5 MQLs, 4 with an outcome (E, A, B, C), 2 SQLs: 2/4, 2/4.
        point(4.0, 5, 2, Some(0.5), Some(0.5)),
        // 5, 6: G (4) drops out too, but had no outcome: 4 MQLs, precision still 2/4.
        point(5.0, 4, 2, Some(0.5), Some(0.5)),
        point(6.0, 4, 2, Some(0.5), Some(0.5)),
        // 7..=9: B and C (6) drop out: E and A; 1 SQL of 2: 1/2, recall 1/4.
        point(7.0, 2, 1, Some(0.5), Some(0.25)),
        point(8.0, 2, 1, Some(0.5), Some(0.25)),
        point(9.0, 2, 1, Some(0.5), Some(0.25)),
        // 10: only E (no SQL): 0/1, 0/4. F scores 10 but is disqualified.
        SweepPoint {
            mqls_with_outcome: 1,
            ..point(10.0, 1, 0, Some(0.0), Some(0.0))
        },
    ];
    assert_eq!(sweep, expected);
    // At the model's own threshold the sweep agrees with the funnel.
    let f = funnel(&set, &scored);
    assert_eq!(f.mqls, 4);
    assert_eq!(sweep[5].mqls, f.mqls);
    assert_eq!(sweep[5].sqls_captured, f.mql_sqls);
    assert_eq!(sweep[5].precision, f.mql_to_sql());
    // Any threshold, not only whole ones: 5.5 keeps the MQLs of 6.
    assert_eq!(
        sweep_point(&model, &set, &scored, 5.5),
        point(5.5, 4, 2, Some(0.5), Some(0.5))
    );
}

#[test]
fn the_sweep_applies_the_gates() {
    let mut model = sweep_model();
    model.combine.min_fit = None;
    let set = leads(SWEEP_LEADS);
    let scored = score_fast(&model, &set, 0);
    let sweep = threshold_sweep(&model, &set, &scored);
    // Without the gate D (4, an SQL) is eligible: at 4, MQLs E, A, B, C, G, D = 6, with an
    // outcome 5 (not G), SQLs A, C, D = 3: precision 3/5, recall 3/4.
    assert_eq!(sweep[4], point(4.0, 6, 3, Some(0.6), Some(0.75)));
    // At 5 D drops out again: the same as with the gate.
    assert_eq!(sweep[5], point(5.0, 4, 2, Some(0.5), Some(0.5)));
    // A minimum-engagement gate of 3 keeps out B (2 engagement points), G (0) and H (1).
    model.combine.min_engagement = Some(3.0);
    let scored = score_fast(&model, &set, 0);
    let sweep = threshold_sweep(&model, &set, &scored);
    // At 0: E + A, C, D = 4 MQLs, all with an outcome, SQLs A, C, D = 3: 3/4, 3/4.
    assert_eq!(sweep[0], point(0.0, 4, 3, Some(0.75), Some(0.75)));
}

#[test]
fn suggestions_pick_the_lowest_qualifying_threshold() {
    let model = sweep_model();
    let set = leads(SWEEP_LEADS);
    let scored = score_fast(&model, &set, 0);
    let sweep = threshold_sweep(&model, &set, &scored);
    // Precision reaches 50 % first at 4 (most volume at that quality).
    let rate = suggest_threshold(&sweep, Target::MqlToSqlRate(0.5)).expect("a threshold");
    assert_eq!(rate.threshold, 4.0);
    assert_eq!(rate.point, sweep[4]);
    assert!(
        rate.explanation.contains("at least 50 % is 4"),
        "{}",
        rate.explanation
    );
    assert!(rate.explanation.contains("5 leads would be MQL"));
    // 40 % is met from 0, but a model's threshold must be above 0: the lowest suggested is 1
    // (the same MQLs as 0 here: no eligible lead scores below 1).
    assert_eq!(sweep[1].mqls, sweep[0].mqls);
    assert_eq!(
        suggest_threshold(&sweep, Target::MqlToSqlRate(0.4)).map(|s| s.threshold),
        Some(1.0)
    );
    // No threshold reaches 60 %.
    assert_eq!(suggest_threshold(&sweep, Target::MqlToSqlRate(0.6)), None);
    // At most 2 MQLs: first at 7.
    let count = suggest_threshold(&sweep, Target::MqlCount(2)).expect("a threshold");
    assert_eq!(count.threshold, 7.0);
    assert_eq!(count.point.mqls, 2);
    assert!(
        count.explanation.contains("at most 2 MQLs is 7"),
        "{}",
        count.explanation
    );
    // At most 5: 4. At most 100: 1 (0 would do, but a threshold must be above 0).
    assert_eq!(
        suggest_threshold(&sweep, Target::MqlCount(5)).map(|s| s.threshold),
        Some(4.0)
    );
    assert_eq!(
        suggest_threshold(&sweep, Target::MqlCount(100)).map(|s| s.threshold),
        Some(1.0)
    );
    // The fast-tracked lead is an MQL at every threshold: 0 MQLs cannot be reached.
    assert_eq!(suggest_threshold(&sweep, Target::MqlCount(0)), None);
    // The sweep need not be sorted.
    let mut reversed = sweep.clone();
    reversed.reverse();
    assert_eq!(
        suggest_threshold(&reversed, Target::MqlCount(2)).map(|s| s.threshold),
        Some(7.0)
    );
    // Nothing to pick from.
    assert_eq!(suggest_threshold(&[], Target::MqlCount(5)), None);
    assert_eq!(
        suggest_threshold(&sweep, Target::MqlToSqlRate(f64::NAN)),
        None
    );
}

#[test]
fn the_sweep_follows_the_scale() {
    let set = leads(SWEEP_LEADS);
    let mut model = sweep_model();
    let scored = score_fast(&model, &set, 0);
    // 7.5: whole thresholds 0 to 7.
    model.combine.scale = 7.5;
    let thresholds: Vec<f64> = threshold_sweep(&model, &set, &scored)
        .iter()
        .map(|p| p.threshold)
        .collect();
    assert_eq!(thresholds, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    // Not a number, or negative: no thresholds.
    model.combine.scale = f64::NAN;
    assert!(threshold_sweep(&model, &set, &scored).is_empty());
    model.combine.scale = -10.0;
    assert!(threshold_sweep(&model, &set, &scored).is_empty());
    // Infinite: cut at 10,000.
    model.combine.scale = f64::INFINITY;
    let sweep = threshold_sweep(&model, &set, &scored);
    assert_eq!(sweep.len(), 10_001);
    assert_eq!(sweep.last().map(|p| p.mqls), Some(1), "only the fast-track");
}

#[test]
fn all_leads_mql() {
    // Threshold 1 on the funnel model: every lead with a score of at least 1 is an MQL; L3
    // scores 40, L8 0. Use a lead set where everyone scores: drop L8.
    let mut model = funnel_model();
    model.combine.mql_threshold = 1.0;
    let csv: String = FUNNEL_LEADS
        .lines()
        .filter(|l| !l.starts_with("L8"))
        .map(|l| format!("{l}\n"))
        .collect();
    let set = leads(&csv);
    let scored = score_fast(&model, &set, 0);
    assert!(scored.iter().all(|s| s.status == Status::Mql));
    let f = funnel(&set, &scored);
    // 7 leads, all MQL; 6 with an outcome (not L6); SQLs L1, L3, L4, L7 = 4.
    assert_eq!(f.mqls, 7);
    assert_close(f.lead_to_mql(), 1.0);
    assert_close(f.mql_to_sql(), 4.0 / 6.0);
    // 66.7 % > 60 %, but every lead is an MQL: healthy.
    assert_eq!(f.reading(), Reading::Healthy { rate: 4.0 / 6.0 });
    // Up to 10 every lead is still an MQL (L5 scores 10): recall 4/4.
    let sweep = threshold_sweep(&model, &set, &scored);
    assert_eq!(sweep[10], point(10.0, 7, 4, Some(4.0 / 6.0), Some(1.0)));
    assert_eq!(sweep[11].mqls, 6);
}

#[test]
fn no_outcomes_no_positives_and_empty_lead_sets() {
    let model = funnel_model();

    // No outcome column.
    let set = leads("id,job_title,employees,pricing\nL1,VP Sales,500,2\nL2,Analyst,100,0\n");
    let scored = score_fast(&model, &set, 0);
    let f = funnel(&set, &scored);
    assert_eq!((f.leads, f.mqls, f.with_outcome), (2, 1, 0));
    assert_eq!(f.reading(), Reading::NoOutcomes);
    let sweep = threshold_sweep(&model, &set, &scored);
    assert_eq!(sweep.len(), 101);
    assert_eq!(sweep[0], point(0.0, 2, 0, None, None));
    assert_eq!(suggest_threshold(&sweep, Target::MqlToSqlRate(0.1)), None);
    let lifts = rule_lift(&model, &set, &Evaluation::new(&model, &set, 0));
    assert_eq!(lifts.len(), 3);
    for lift in &lifts {
        assert_eq!((lift.matched, lift.rest), (0, 0), "{lift:?}");
        assert_eq!(
            (lift.matched_rate, lift.lift, lift.suggested_points),
            (None, None, None)
        );
    }

    // Outcomes, but nobody reached SQL.
    let set = leads(
        "id,job_title,employees,pricing,Outcome\nL1,VP Sales,500,2,lead\nL2,Analyst,100,0,lead\n",
    );
    let scored = score_fast(&model, &set, 0);
    let f = funnel(&set, &scored);
    assert_eq!(f.mql_to_sql(), Some(0.0));
    assert_eq!(f.sql_to_won(), None);
    assert_eq!(f.reading(), Reading::TooLoose { rate: 0.0 });
    let sweep = threshold_sweep(&model, &set, &scored);
    assert_eq!(
        sweep[0],
        SweepPoint {
            mqls_with_outcome: 2,
            ..point(0.0, 2, 0, Some(0.0), None)
        }
    );
    // A rate of 0 is met everywhere; the lowest threshold a model can have is above 0.
    assert_eq!(
        suggest_threshold(&sweep, Target::MqlToSqlRate(0.0)).map(|s| s.threshold),
        Some(1.0)
    );
    let lifts = rule_lift(&model, &set, &Evaluation::new(&model, &set, 0));
    // `senior` fires for L1: 0 of 1 vs 0 of 1; no rate to divide by, no variation to learn from.
    assert_eq!((lifts[0].matched, lifts[0].rest), (1, 1));
    assert_eq!(lifts[0].matched_rate, Some(0.0));
    assert_eq!(lifts[0].lift, None);
    assert_eq!(lifts[0].suggested_points, None);

    // No leads at all.
    let set = leads("id,job_title,employees,pricing,Outcome,Sales Verdict\n");
    assert!(set.is_empty());
    let scored = score_fast(&model, &set, 0);
    let f = funnel(&set, &scored);
    assert_eq!(f, Funnel::default());
    assert_eq!(f.reading(), Reading::NoOutcomes);
    let sweep = threshold_sweep(&model, &set, &scored);
    assert_eq!(sweep.len(), 101);
    assert!(
        sweep
            .iter()
            .all(|p| *p == point(p.threshold, 0, 0, None, None))
    );
    // 0 MQLs at every threshold: the lowest a model can have, 1.
    assert_eq!(
        suggest_threshold(&sweep, Target::MqlCount(0)).map(|s| s.threshold),
        Some(1.0)
    );
    assert_eq!(agreement(&scored, &set.verdicts).judged(), 0);
    assert!(status_changes(&scored, &scored).is_empty());
    let lifts = rule_lift(&model, &set, &Evaluation::new(&model, &set, 0));
    assert!(lifts.iter().all(|l| l.matched == 0 && l.rest == 0));
    // Scores from another lead set (longer than the leads): only common rows count.
    let other = score_fast(&model, &leads(FUNNEL_LEADS), 0);
    assert_eq!(funnel(&set, &other), Funnel::default());
    assert_eq!(threshold_sweep(&model, &set, &other)[0].mqls, 0);
}

// ---------------------------------------------------------------------------------------------
// Capacity and status changes.

#[test]
fn monthly_capacity_becomes_a_count_for_the_period() {
    // 40 a month over 90 days: 40 × 90 / 30.4375 = 118.3 → 118 (never more than sales can work).
    assert_eq!(monthly_capacity_to_count(40.0, 90.0), 118);
    // A year of 12 a month: 12 × 365.25 / 30.4375 = 144 exactly.
    assert_eq!(monthly_capacity_to_count(12.0, 365.25), 144);
    // One average month.
    assert_eq!(monthly_capacity_to_count(10.0, 30.4375), 10);
    assert_eq!(monthly_capacity_to_count(0.0, 90.0), 0);
    assert_eq!(monthly_capacity_to_count(-5.0, 90.0), 0);
    assert_eq!(monthly_capacity_to_count(30.0, 0.0), 0);
    assert_eq!(monthly_capacity_to_count(f64::NAN, 90.0), 0);
    assert_eq!(monthly_capacity_to_count(f64::INFINITY, 90.0), usize::MAX);
}

fn with_status(status: Status) -> LeadScore {
    LeadScore {
        fit: 0.0,
        engagement: 0.0,
        score: 0.0,
        status,
        fit_grade: 0,
        engagement_level: 0,
    }
}

#[test]
fn status_changes_list_and_count_the_leads_that_move() {
    use Status::*;
    let before: Vec<LeadScore> = [Mql, Lead, Nurture, Mql, FastTracked, Lead]
        .map(with_status)
        .to_vec();
    let after: Vec<LeadScore> = [Nurture, Lead, Mql, Nurture, Disqualified]
        .map(with_status)
        .to_vec();
    let changes = status_changes(&before, &after);
    // Row 1 keeps its status; row 5 has no second scoring.
    assert_eq!(
        changes,
        [
            StatusChange {
                row: 0,
                before: Mql,
                after: Nurture
            },
            StatusChange {
                row: 2,
                before: Nurture,
                after: Mql
            },
            StatusChange {
                row: 3,
                before: Mql,
                after: Nurture
            },
            StatusChange {
                row: 4,
                before: FastTracked,
                after: Disqualified
            },
        ]
    );
    // Sorted by before, then after, in the order of `Status::ALL`.
    assert_eq!(
        status_change_counts(&changes),
        [
            ((FastTracked, Disqualified), 1),
            ((Mql, Nurture), 2),
            ((Nurture, Mql), 1),
        ]
    );
    assert!(status_change_counts(&[]).is_empty());
}

#[test]
fn status_changes_between_two_models() {
    // The funnel model at 60, then at 70: L2 (60), L4 (60) and L7 (60) fall back to nurture
    // (55 to 69.99 is nurture with the band of 15); L6 (50) falls to lead.
    let model = funnel_model();
    let mut stricter = model.clone();
    stricter.combine.mql_threshold = 70.0;
    let set = leads(FUNNEL_LEADS);
    let changes = status_changes(
        &score_fast(&model, &set, 0),
        &score_fast(&stricter, &set, 0),
    );
    let rows: Vec<(usize, Status, Status)> =
        changes.iter().map(|c| (c.row, c.before, c.after)).collect();
    assert_eq!(
        rows,
        [
            (1, Status::Mql, Status::Nurture),
            (3, Status::Mql, Status::Nurture),
            (5, Status::Nurture, Status::Lead),
            (6, Status::Mql, Status::Nurture),
        ]
    );
    assert_eq!(
        status_change_counts(&changes),
        [
            ((Status::Mql, Status::Nurture), 3),
            ((Status::Nurture, Status::Lead), 1)
        ]
    );
}

#[test]
fn without_a_target_the_rate_asked_is_the_rule_of_thumb_or_half_again_the_base_rate() {
    use mql_studio::calibration::{Funnel, default_target_rate};
    let funnel = |sqls, with_outcome| Funnel {
        sqls,
        with_outcome,
        ..Funnel::default()
    };
    // 8 % convert: the 20 % rule of thumb stands.
    assert_close(Some(default_target_rate(&funnel(24, 300))), 0.2);
    // 38.5 % convert (the real CRM export of issue 13): 20 % would make every lead an MQL.
    assert_close(
        Some(default_target_rate(&funnel(3557, 9240))),
        1.5 * 3557.0 / 9240.0,
    );
    // Nearly everyone converts: never more than 95 %.
    assert_close(Some(default_target_rate(&funnel(90, 100))), 0.95);
    // No outcomes: the rule of thumb.
    assert_close(Some(default_target_rate(&funnel(0, 0))), 0.2);
}
