//! Rules built in a test: enabled, unlabelled, with no proposer and no rationale.

use mql_studio::model::{
    Condition, Counting, Criterion, EngagementRule, FitRule, Override, OverrideAction,
};

pub fn fit_rule(id: &str, field: &str, condition: Condition, points: f64) -> FitRule {
    FitRule {
        id: id.to_owned(),
        label: String::new(),
        field: field.to_owned(),
        condition,
        points,
        enabled: true,
        proposed_by: None,
        rationale: String::new(),
    }
}

/// An engagement rule without a cap, window or decay, reading the event log or the count column
/// named like the activity.
pub fn eng_rule(id: &str, activity: &str, counting: Counting, points: f64) -> EngagementRule {
    EngagementRule {
        id: id.to_owned(),
        label: String::new(),
        activity: activity.to_owned(),
        count_column: None,
        counting,
        points,
        cap: None,
        window_days: None,
        half_life_days: None,
        enabled: true,
        proposed_by: None,
        rationale: String::new(),
    }
}

/// An override that fires when all of `when` hold.
pub fn override_rule(id: &str, action: OverrideAction, when: Vec<Criterion>) -> Override {
    Override {
        id: id.to_owned(),
        label: String::new(),
        action,
        when,
        enabled: true,
        proposed_by: None,
        rationale: String::new(),
    }
}

/// The criterion "the field satisfies the condition".
pub fn field_is(field: &str, condition: Condition) -> Criterion {
    Criterion::Field {
        field: field.to_owned(),
        condition,
    }
}
