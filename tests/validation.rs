//! Model validation: every error of `validate` is reported as an error naming the rule (where
//! there is one); a valid model has none.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::model::{
    Band, Condition, Counting, Criterion, FieldKind, FieldSpec, Model, Override, OverrideAction,
};
use mql_studio::validate::{Problem, Severity, is_valid, validate};

mod common;

use common::default_model;
use common::rules::{fit_rule, override_rule};

fn errors(model: &Model) -> Vec<Problem> {
    validate(model)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect()
}

/// Asserts that the model has exactly one error, about `rule_id` at `path`, whose message
/// contains `says`; returns it.
#[track_caller]
fn single_error(model: &Model, rule_id: Option<&str>, path: &str, says: &str) -> Problem {
    let found = errors(model);
    assert_eq!(found.len(), 1, "expected one error, got {found:#?}");
    let problem = found[0].clone();
    assert_eq!(problem.rule_id.as_deref(), rule_id, "{problem:?}");
    assert_eq!(problem.path, path, "{problem:?}");
    assert!(
        problem.message.contains(says),
        "{:?} does not say {says:?}",
        problem.message
    );
    assert!(!is_valid(&validate(model)));
    if let Some(id) = rule_id {
        assert!(
            problem.to_string().contains(&format!("rule `{id}`")),
            "the displayed error names the rule: {problem}"
        );
    }
    problem
}

#[test]
fn the_default_model_and_a_new_model_are_valid() {
    let model = default_model();
    assert_eq!(errors(&model), []);
    assert!(is_valid(&validate(&model)));
    assert_eq!(errors(&Model::new("empty")), []);
}

#[test]
fn non_finite_points_are_errors_naming_the_rule() {
    let mut model = default_model();
    model.fit.rules[0].points = f64::NAN;
    single_error(
        &model,
        Some("fit-senior-title"),
        "fit.rules[0].points",
        "finite",
    );

    let mut model = default_model();
    model.engagement.rules[1].points = f64::INFINITY;
    single_error(
        &model,
        Some("eng-webinar"),
        "engagement.rules[1].points",
        "finite",
    );

    let mut model = default_model();
    model.fit.rules[2].points = f64::NEG_INFINITY;
    single_error(
        &model,
        Some("fit-core-industry"),
        "fit.rules[2].points",
        "finite",
    );
}

#[test]
fn a_threshold_outside_the_scale_is_an_error() {
    for threshold in [0.0, 100.5, 1000.0] {
        let mut model = default_model();
        model.combine.mql_threshold = threshold;
        model.combine.nurture_band = 0.0; // keep the band check out of the way
        single_error(&model, None, "combine.mql_threshold", "outside the scale");
    }
    // A negative threshold: also no nurture band (not even 0) fits below it.
    let mut model = default_model();
    model.combine.mql_threshold = -5.0;
    model.combine.nurture_band = 0.0;
    let paths: Vec<String> = errors(&model).into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["combine.mql_threshold", "combine.nurture_band"]);
    // The scale's top is allowed.
    let mut model = default_model();
    model.combine.mql_threshold = 100.0;
    assert_eq!(errors(&model), []);
    let mut model = default_model();
    model.combine.mql_threshold = f64::NAN;
    assert!(
        errors(&model)
            .iter()
            .any(|p| p.path == "combine.mql_threshold")
    );
}

#[test]
fn duplicate_ids_are_errors_naming_the_id() {
    // A fit rule and an engagement rule share an id.
    let mut model = default_model();
    model.engagement.rules[0].id = "fit-student".into();
    single_error(&model, Some("fit-student"), "rules", "more than one rule");
    // An override with the id of another override.
    let mut model = default_model();
    model.overrides[1].id = "dq-competitor".into();
    single_error(&model, Some("dq-competitor"), "rules", "more than one rule");
    // An empty id.
    let mut model = default_model();
    model.fit.rules[3].id = "  ".into();
    single_error(&model, None, "rules", "empty id");
}

#[test]
fn between_with_min_above_max_is_an_error() {
    let mut model = default_model();
    model.fit.rules[4].condition = Condition::Between {
        min: 5000.0,
        max: 200.0,
    };
    single_error(
        &model,
        Some("fit-company-size"),
        "fit.rules[4].condition",
        "min is greater than max",
    );
    // min == max is a valid single value.
    model.fit.rules[4].condition = Condition::Between {
        min: 200.0,
        max: 200.0,
    };
    assert_eq!(errors(&model), []);
    // Non-finite bounds.
    model.fit.rules[4].condition = Condition::Between {
        min: f64::NAN,
        max: 200.0,
    };
    single_error(
        &model,
        Some("fit-company-size"),
        "fit.rules[4].condition",
        "finite",
    );
    model.fit.rules[4].condition = Condition::AtLeast(f64::INFINITY);
    single_error(
        &model,
        Some("fit-company-size"),
        "fit.rules[4].condition",
        "finite",
    );
}

#[test]
fn empty_value_lists_are_errors() {
    let conditions = [
        Condition::OneOf(vec![]),
        Condition::OneOf(vec!["".into(), "   ".into()]),
        Condition::NotOneOf(vec![]),
        Condition::ContainsAny(vec![]),
        Condition::Equals("  ".into()),
    ];
    for condition in conditions {
        let mut model = default_model();
        model.fit.rules[2].condition = condition.clone();
        let problem = single_error(
            &model,
            Some("fit-core-industry"),
            "fit.rules[2].condition",
            "",
        );
        assert!(
            problem.message.contains("empty"),
            "{condition:?}: {}",
            problem.message
        );
    }
}

#[test]
fn weights_must_add_up_to_one_and_not_be_negative() {
    let mut model = default_model();
    model.combine.engagement_weight = 0.5;
    single_error(&model, None, "combine", "must be 1");
    let mut model = default_model();
    model.combine.fit_weight = 1.2;
    model.combine.engagement_weight = -0.2;
    single_error(&model, None, "combine", "negative");
    let mut model = default_model();
    model.combine.fit_weight = f64::NAN;
    single_error(&model, None, "combine.fit_weight", "finite");
    // 1/3 + 2/3 is 1 within rounding.
    let mut model = default_model();
    model.combine.fit_weight = 1.0 / 3.0;
    model.combine.engagement_weight = 2.0 / 3.0;
    assert_eq!(errors(&model), []);
}

#[test]
fn a_zero_window_is_an_error_in_rules_and_in_override_criteria() {
    let mut model = default_model();
    model.engagement.rules[2].window_days = Some(0);
    single_error(
        &model,
        Some("eng-content"),
        "engagement.rules[2].window_days",
        "0 days",
    );
    let mut model = default_model();
    model.overrides[2].when = vec![Criterion::Activity {
        activity: "demo_request".into(),
        count_column: None,
        at_least: 1,
        window_days: Some(0),
    }];
    single_error(
        &model,
        Some("ft-demo-request"),
        "overrides[2].when[0]",
        "0 days",
    );
}

#[test]
fn a_non_positive_half_life_is_an_error() {
    for half_life in [0.0, -3.0, f64::NAN] {
        let mut model = default_model();
        model.engagement.rules[1].half_life_days = Some(half_life);
        single_error(
            &model,
            Some("eng-webinar"),
            "engagement.rules[1].half_life_days",
            "half-life",
        );
    }
}

#[test]
fn a_non_positive_cap_is_an_error() {
    for cap in [0.0, -5.0] {
        let mut model = default_model();
        model.engagement.rules[0].cap = Some(cap);
        single_error(
            &model,
            Some("eng-pricing"),
            "engagement.rules[0].cap",
            "greater than 0",
        );
    }
    // Also on a rule with negative points: the cap is a magnitude.
    let mut model = default_model();
    model.engagement.rules[9].cap = Some(-15.0);
    single_error(
        &model,
        Some("eng-unsubscribe"),
        "engagement.rules[9].cap",
        "greater than 0",
    );
    model.engagement.rules[9].cap = Some(15.0);
    assert_eq!(errors(&model), []);
}

#[test]
fn unordered_grade_bands_are_errors() {
    let band = |label: &str, min_points: f64| Band {
        label: label.into(),
        min_points,
    };
    let mut model = default_model();
    model.fit_grades = vec![band("A", 30.0), band("B", 45.0), band("C", 0.0)];
    single_error(&model, None, "fit_grades[1]", "best to worst");
    let mut model = default_model();
    model.engagement_levels = vec![band("1", 20.0), band("2", 20.0)];
    single_error(&model, None, "engagement_levels[1]", "best to worst");
    let mut model = default_model();
    model.engagement_levels = vec![];
    single_error(&model, None, "engagement_levels", "at least one band");
}

#[test]
fn an_override_without_criteria_is_an_error() {
    let mut model = default_model();
    model.overrides.push(Override {
        label: "Oops".into(),
        ..override_rule("dq-everyone", OverrideAction::Disqualify, vec![])
    });
    single_error(
        &model,
        Some("dq-everyone"),
        "overrides[3].when",
        "no criteria",
    );
}

#[test]
fn override_criteria_are_checked_like_rules() {
    let mut model = default_model();
    model.overrides[0].when = vec![Criterion::Field {
        field: "is_competitor".into(),
        condition: Condition::OneOf(vec![]),
    }];
    single_error(
        &model,
        Some("dq-competitor"),
        "overrides[0].when[0].condition",
        "empty",
    );
    let mut model = default_model();
    model.overrides[2].when = vec![Criterion::Activity {
        activity: "demo_request".into(),
        count_column: None,
        at_least: 0,
        window_days: None,
    }];
    single_error(
        &model,
        Some("ft-demo-request"),
        "overrides[2].when[0]",
        "at_least",
    );
    let mut model = default_model();
    model.overrides[2].when = vec![Criterion::Activity {
        activity: " ".into(),
        count_column: None,
        at_least: 1,
        window_days: None,
    }];
    single_error(
        &model,
        Some("ft-demo-request"),
        "overrides[2].when[0]",
        "no activity",
    );
}

#[test]
fn rules_without_a_field_or_activity_and_at_least_zero_are_errors() {
    let mut model = default_model();
    model.fit.rules[1].field = "".into();
    single_error(
        &model,
        Some("fit-manager-title"),
        "fit.rules[1]",
        "no field",
    );
    let mut model = default_model();
    model.engagement.rules[3].activity = " ".into();
    single_error(
        &model,
        Some("eng-ebook"),
        "engagement.rules[3].activity",
        "no activity",
    );
    let mut model = default_model();
    model.engagement.rules[6].counting = Counting::AtLeast(0);
    single_error(
        &model,
        Some("eng-email-opens"),
        "engagement.rules[6].counting",
        "AtLeast(0)",
    );
}

#[test]
fn caps_scale_bands_and_gates_are_checked() {
    let mut model = default_model();
    model.fit.max_points = 0.0;
    model.combine.min_fit = None; // the gate would also be outside 0..0
    single_error(&model, None, "fit.max_points", "greater than 0");
    let mut model = default_model();
    model.engagement.max_points = f64::NAN;
    single_error(&model, None, "engagement.max_points", "finite");
    let mut model = default_model();
    model.combine.scale = 0.0;
    let found = errors(&model);
    assert!(found.iter().any(|p| p.path == "combine.scale"), "{found:?}");
    let mut model = default_model();
    model.combine.nurture_band = 80.0;
    single_error(&model, None, "combine.nurture_band", "between 0 and");
    let mut model = default_model();
    model.combine.nurture_band = -1.0;
    single_error(&model, None, "combine.nurture_band", "between 0 and");
    let mut model = default_model();
    model.combine.min_fit = Some(61.0);
    single_error(&model, None, "combine.min_fit", "outside 0..60");
    let mut model = default_model();
    model.combine.min_engagement = Some(-1.0);
    single_error(&model, None, "combine.min_engagement", "outside 0..40");
}

#[test]
fn a_field_declared_twice_is_an_error() {
    let mut model = default_model();
    model.fields.push(FieldSpec {
        name: "industry".into(),
        kind: FieldKind::Text,
        aliases: vec![],
    });
    single_error(&model, None, "fields[10]", "declared twice");
    // Names that only differ in case, spaces or punctuation match the same column: also twice.
    let mut model = default_model();
    model.fields.push(FieldSpec {
        name: "Job Title".into(),
        kind: FieldKind::Text,
        aliases: vec![],
    });
    single_error(&model, None, "fields[10]", "declared twice");
}

#[test]
fn oddities_are_warnings_that_keep_the_model_valid() {
    let mut model = default_model();
    model.fit.rules[0].points = 0.0;
    // A numeric condition on a field declared as text.
    model.fit.rules.push(fit_rule(
        "fit-numeric-title",
        "job_title",
        Condition::AtLeast(3.0),
        5.0,
    ));
    let problems = validate(&model);
    assert!(is_valid(&problems), "{problems:#?}");
    let warned: Vec<&str> = problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .filter_map(|p| p.rule_id.as_deref())
        .collect();
    assert_eq!(warned, ["fit-senior-title", "fit-numeric-title"]);
}

#[test]
fn errors_come_before_warnings() {
    let mut model = default_model();
    model.fit.rules[0].points = 0.0; // a warning, early in the model
    model.combine.engagement_weight = 0.9; // an error, late in the model
    let problems = validate(&model);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(problems[0].severity, Severity::Error);
    assert_eq!(problems[1].severity, Severity::Warning);
    assert!(problems[0].to_string().starts_with("error: combine:"));
}

#[test]
fn points_caps_and_the_scale_are_bounded_so_that_every_score_is_finite() {
    use mql_studio::validate::MAX_POINTS;
    assert_eq!(MAX_POINTS, 10_000.0);
    // The model: a huge scale passed `check`, and every score was `inf`.
    let mut model = default_model();
    model.combine.scale = 1e307;
    let problem = single_error(&model, None, "combine.scale", "at most 10,000");
    assert_eq!(
        problem.message,
        "the scale is 1e307, but must be at most 10,000"
    );
    // Rule points, either sign, in fit and engagement rules.
    for points in [1e308, -1e308, 10_000.5, -10_000.5] {
        let mut model = default_model();
        model.fit.rules[1].points = points;
        let problem = single_error(
            &model,
            Some("fit-manager-title"),
            "fit.rules[1].points",
            "between -10,000 and 10,000",
        );
        assert!(problem.message.starts_with("the points are "), "{problem}");
        let mut model = default_model();
        model.engagement.rules[2].points = points;
        single_error(
            &model,
            Some(model.engagement.rules[2].id.as_str()),
            "engagement.rules[2].points",
            "between -10,000 and 10,000",
        );
    }
    // A rule's cap and the two sub-score caps.
    let mut model = default_model();
    model.engagement.rules[0].cap = Some(1e300);
    single_error(
        &model,
        Some("eng-pricing"),
        "engagement.rules[0].cap",
        "the cap is 1e300, but must be at most 10,000",
    );
    let mut model = default_model();
    model.fit.max_points = 20_000.0;
    single_error(&model, None, "fit.max_points", "at most 10,000");
    let mut model = default_model();
    model.engagement.max_points = 1e20;
    single_error(&model, None, "engagement.max_points", "at most 10,000");
    // The bounds themselves are allowed.
    let mut model = default_model();
    model.fit.rules[1].points = MAX_POINTS;
    model.fit.rules[2].points = -MAX_POINTS;
    model.engagement.rules[0].cap = Some(MAX_POINTS);
    model.engagement.rules[1].points = -MAX_POINTS;
    model.combine.scale = MAX_POINTS;
    assert_eq!(errors(&model), []);
    let mut model = default_model();
    model.fit.max_points = MAX_POINTS;
    model.engagement.max_points = MAX_POINTS;
    model.fit_grades = mql_studio::model::grade_bands(&["A", "B", "C", "D"], MAX_POINTS);
    model.engagement_levels = mql_studio::model::grade_bands(&["1", "2", "3", "4"], MAX_POINTS);
    assert_eq!(errors(&model), []);
}
