//! A model with every variant of every enum ([`everything`]), as JSON, and small helpers to
//! change such JSON: for the tests of the model as JSON and of its schema.

use mql_studio::format::{model_from_json, model_from_str, model_to_json};
use mql_studio::model::Model;
use mql_studio::validate::validate;
use serde_json::Value;

/// The model as a JSON value, as `model_to_json` writes it.
pub fn json_value(model: &Model) -> Value {
    serde_json::from_str(&model_to_json(model).expect("to JSON")).expect("JSON")
}

/// A valid model with every variant of every enum and every optional value both given and not.
pub const EVERYTHING: &str = r#"(
    format_version: "1.0",
    name: "everything",
    description: "every variant",
    owners: ["Marketing Ops"],
    status: Agreed,
    sign_offs: [
        (team: Marketing, person: "M", date: "2026-01-01", comment: "ok"),
        (team: Sales, person: "S", date: "2026-01-02"),
    ],
    fields: [
        (name: "employees", kind: Number, aliases: ["Company Size"]),
        (name: "title"),
        (name: "customer", kind: Bool),
        (name: "since", kind: Date),
        (name: "notes", kind: Text),
    ],
    missing_values: ["select", "n/a"],
    fit: (
        max_points: 60.0,
        rules: [
            (id: "f-eq", label: "Equals", field: "title", condition: Equals("CFO"), points: 10.0, enabled: false, proposed_by: Sales, rationale: "why"),
            (id: "f-one", field: "industry", condition: OneOf(["SaaS", ""]), points: 5.0, proposed_by: Marketing),
            (id: "f-not", field: "industry", condition: NotOneOf(["Student"]), points: -5.0),
            (id: "f-least", field: "employees", condition: AtLeast(200.0), points: 10000.0),
            (id: "f-most", field: "employees", condition: AtMost(5000.0), points: -10000.0),
            (id: "f-between", field: "employees", condition: Between(min: 1.0, max: 2.0), points: 1.0),
            (id: "f-contains", field: "title", condition: ContainsAny(["VP", "Head of"]), points: 15.0),
            (id: "f-true", field: "customer", condition: IsTrue, points: 2.0),
            (id: "f-false", field: "customer", condition: IsFalse, points: 2.0),
            (id: "f-missing", field: "since", condition: IsMissing, points: -1.0),
        ],
    ),
    engagement: (
        max_points: 40.0,
        rules: [
            (id: "e-per", label: "Pricing", activity: "pricing_page_view", count_column: "Pricing Views", counting: PerOccurrence, points: 8.0, cap: 20.0, window_days: 30, half_life_days: 14.0, enabled: true, proposed_by: Marketing, rationale: "intent"),
            (id: "e-once", activity: "webinar", counting: Once, points: 10.0),
            (id: "e-least", activity: "email_open", counting: AtLeast(5), points: 3.0, cap: None, window_days: None, half_life_days: None),
        ],
    ),
    overrides: [
        (id: "dq", label: "Competitor", action: Disqualify, when: [Field(field: "is_competitor", condition: IsTrue)], proposed_by: Sales, rationale: "no"),
        (id: "ft", action: FastTrack, when: [
            Activity(activity: "demo_request", count_column: "Demo Requests", at_least: 1, window_days: 7),
            Activity(activity: "trial", at_least: 2),
            Field(field: "employees", condition: Between(min: 10.0, max: 10.0)),
        ], enabled: false),
    ],
    combine: (
        scale: 100.0,
        fit_weight: 0.6,
        engagement_weight: 0.4,
        mql_threshold: 75.0,
        nurture_band: 15.0,
        min_fit: 20.0,
        min_engagement: None,
    ),
    fit_grades: [(label: "A", min_points: 45.0), (label: "B", min_points: 0.0)],
    engagement_levels: [(label: "1", min_points: 30.0), (label: "2", min_points: -1.0)],
    changelog: [
        (date: "2026-01-01", team: Marketing, summary: "first"),
        (date: "2026-01-02", summary: "second"),
    ],
)"#;

/// [`EVERYTHING`], read; it has no validation problem, not even a warning.
pub fn everything() -> Model {
    let model = model_from_str(EVERYTHING).expect("EVERYTHING parses");
    let problems = validate(&model);
    assert!(problems.is_empty(), "{problems:#?}");
    model
}

/// `value` with the value at `pointer` replaced.
pub fn with(value: &Value, pointer: &str, new: Value) -> Value {
    let mut changed = value.clone();
    *changed
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = new;
    changed
}

/// Whether mql-studio reads the JSON.
pub fn reads(value: &Value) -> bool {
    model_from_json(&value.to_string()).is_ok()
}
