//! Warnings about a model on the leads at hand: a rule that fires for no lead says why (a value,
//! an activity or a column the leads lack), and one that fires for almost every lead says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::leads::{leads, with_events};
use common::rules::{eng_rule, field_is, fit_rule, override_rule};
use mql_studio::model::{Condition, Counting, Model, OverrideAction};
use mql_studio::scoring::{ALMOST_EVERY_LEAD, Evaluation, FEW_LEADS, coverage_problems};
use mql_studio::validate::{Problem, Severity};

/// `count` leads, every tenth one a competitor, all in software, with a `trial` count.
fn csv(count: usize) -> String {
    let mut text = String::from("Lead ID,Industry,Competitor,Webinar\n");
    for i in 0..count {
        let competitor = i % 10 == 0;
        text.push_str(&format!("L{i},Software,{competitor},{}\n", i % 3));
    }
    text
}

fn problems(model: &Model, set: &mql_studio::leads::LeadSet) -> Vec<Problem> {
    let evaluation = Evaluation::new(model, set, 20_000);
    coverage_problems(model, set, &evaluation)
}

fn message_of<'p>(problems: &'p [Problem], id: &str) -> Option<&'p str> {
    problems
        .iter()
        .find(|p| p.rule_id.as_deref() == Some(id))
        .map(|p| p.message.as_str())
}

fn empty_model() -> Model {
    let mut model = common::default_model();
    model.fit.rules.clear();
    model.engagement.rules.clear();
    model.overrides.clear();
    model
}

#[test]
fn a_value_no_lead_has_is_named_as_the_reason_a_rule_never_fires() {
    let set = leads(&csv(40));
    let mut model = empty_model();
    model.fit.rules.push(fit_rule(
        "fintech",
        "industry",
        Condition::OneOf(vec!["Fintech".into(), "Banking".into()]),
        10.0,
    ));
    model.fit.rules.push(fit_rule(
        "software",
        "industry",
        Condition::OneOf(vec!["software".into(), "Fintech".into()]),
        10.0,
    ));
    model.fit.rules.push(fit_rule(
        "region",
        "region",
        Condition::Equals("EMEA".into()),
        10.0,
    ));
    let found = problems(&model, &set);
    assert_eq!(
        message_of(&found, "fintech"),
        Some("no lead has any of `Fintech`, `Banking` in `Industry`: the rule never fires")
    );
    assert_eq!(
        message_of(&found, "region"),
        Some("the leads have no column for `region`: the rule never fires")
    );
    // Matches every lead (case-insensitively): not silent, but a different warning.
    assert_eq!(
        message_of(&found, "software"),
        Some("fires for 100% of the leads (40 of 40): it hardly tells them apart")
    );
    assert!(found.iter().all(|p| p.severity == Severity::Warning));
}

#[test]
fn an_activity_missing_from_the_event_log_is_named() {
    let set = with_events(
        leads(&csv(30)),
        "Lead ID,Activity,Date\nL1,webinar,2024-10-01\nL2,pricing_page_view,2024-01-02\n",
    );
    let mut model = empty_model();
    model
        .engagement
        .rules
        .push(eng_rule("trial", "trial_start", Counting::Once, 10.0));
    model
        .engagement
        .rules
        .push(eng_rule("webinar", "webinar", Counting::Once, 10.0));
    let mut old = eng_rule("old-pricing", "pricing_page_view", Counting::Once, 10.0);
    old.window_days = Some(7);
    model.engagement.rules.push(old);
    let found = problems(&model, &set);
    assert_eq!(
        message_of(&found, "trial"),
        Some("`trial_start` does not occur in the event log: the rule never fires")
    );
    assert_eq!(message_of(&found, "webinar"), None, "one lead did it");
    assert_eq!(
        message_of(&found, "old-pricing"),
        Some("no lead did `pricing_page_view` in the last 7 days: the rule never fires")
    );
}

#[test]
fn a_fast_track_for_almost_everyone_is_warned_about_and_a_disabled_one_is_not() {
    let set = leads(&csv(100));
    let mut model = empty_model();
    // Every lead but the competitors: 90 of 100, exactly the share that warns.
    model.overrides.push(override_rule(
        "not-competitor",
        OverrideAction::FastTrack,
        vec![field_is("competitor", Condition::IsFalse)],
    ));
    model.overrides.push(override_rule(
        "competitor",
        OverrideAction::Disqualify,
        vec![field_is("competitor", Condition::IsTrue)],
    ));
    let mut disabled = override_rule(
        "everyone",
        OverrideAction::FastTrack,
        vec![field_is(
            "industry",
            Condition::NotOneOf(vec!["Retail".into()]),
        )],
    );
    disabled.enabled = false;
    model.overrides.push(disabled);
    let found = problems(&model, &set);
    assert_eq!(ALMOST_EVERY_LEAD, 0.9);
    assert_eq!(
        message_of(&found, "not-competitor"),
        Some("makes an MQL of 90% of the leads (90 of 100): it hardly tells them apart")
    );
    assert_eq!(
        message_of(&found, "competitor"),
        None,
        "10% is a real signal"
    );
    assert_eq!(message_of(&found, "everyone"), None, "disabled");
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn a_handful_of_leads_says_too_little_to_warn_about_shares() {
    let set = leads(&csv(FEW_LEADS - 1));
    let mut model = empty_model();
    model.fit.rules.push(fit_rule(
        "software",
        "industry",
        Condition::Equals("Software".into()),
        10.0,
    ));
    model.fit.rules.push(fit_rule(
        "fintech",
        "industry",
        Condition::Equals("Fintech".into()),
        10.0,
    ));
    let found = problems(&model, &set);
    assert_eq!(message_of(&found, "software"), None);
    assert!(
        message_of(&found, "fintech").is_some(),
        "never firing still shows"
    );
}
