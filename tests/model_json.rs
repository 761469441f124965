//! The model as JSON and its JSON Schema (`docs/model-format.md` §8): the checked-in
//! `docs/model.schema.json` is what `mql-studio schema` writes; every bundled model and random
//! valid models validate against it (with boon, a complete draft 2020-12 validator) and read back
//! equal; the schema and the reader agree on every field, required or not, and refuse unknown
//! fields alike; every check validation makes on one value is in the schema, and the checks
//! across values are not.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use mql_studio::format::{
    FormatError, load_model, model_from_json, model_from_str, model_schema, model_to_json,
    model_to_string,
};
use mql_studio::model::Model;
use mql_studio::validate::{Severity, is_valid, validate};
use proptest::prelude::*;
use serde_json::{Value, json};

mod common;

use common::arb::{model, valid_model};
use common::{model_files, repo};

/// The schema, compiled once (compiling also checks it against the draft 2020-12 metaschema).
struct Checker {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Checker {
    fn get() -> &'static Checker {
        static CHECKER: OnceLock<Checker> = OnceLock::new();
        CHECKER.get_or_init(|| {
            let schema: Value = serde_json::from_str(&model_schema()).expect("the schema is JSON");
            let mut schemas = boon::Schemas::new();
            let mut compiler = boon::Compiler::new();
            compiler
                .add_resource("model.schema.json", schema)
                .expect("the schema is added");
            let index = compiler
                .compile("model.schema.json", &mut schemas)
                .unwrap_or_else(|e| panic!("the schema compiles: {e:#}"));
            Checker { schemas, index }
        })
    }

    /// `None` when the schema accepts `value`, else why not.
    fn refusal(&self, value: &Value) -> Option<String> {
        self.schemas
            .validate(value, self.index)
            .err()
            .map(|e| format!("{e:#}"))
    }

    fn accepts(&self, value: &Value) -> bool {
        self.refusal(value).is_none()
    }
}

fn json_value(model: &Model) -> Value {
    serde_json::from_str(&model_to_json(model).expect("to JSON")).expect("JSON")
}

/// A valid model with every variant of every enum and every optional value both given and not.
const EVERYTHING: &str = r#"(
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

fn everything() -> Model {
    let model = model_from_str(EVERYTHING).expect("EVERYTHING parses");
    let problems = validate(&model);
    assert!(problems.is_empty(), "{problems:#?}");
    model
}

/// The JSON Pointer of every object in `value` (`""` for the top), depth first.
fn object_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            out.push(at.clone());
            for (key, child) in map {
                object_pointers(child, format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                object_pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// `value` with the value at `pointer` replaced.
fn with(value: &Value, pointer: &str, new: Value) -> Value {
    let mut changed = value.clone();
    *changed
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")) = new;
    changed
}

/// Whether mql-studio reads the JSON.
fn reads(value: &Value) -> bool {
    model_from_json(&value.to_string()).is_ok()
}

// ---------------------------------------------------------------------------------------------
// The file and the commands

#[test]
fn the_checked_in_schema_is_what_the_schema_command_writes() {
    let file = std::fs::read_to_string(repo("docs/model.schema.json")).expect("the schema file");
    assert!(
        file == model_schema(),
        "docs/model.schema.json is out of date: run `cargo run -- schema --out docs/model.schema.json`"
    );
    let schema: Value = serde_json::from_str(&file).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    Checker::get();
}

#[cfg(feature = "cli")]
#[test]
fn the_commands_write_the_schema_and_the_model_as_the_library_does() {
    use common::cli::{assert_terminal_safe, path_str, run, stderr, stdout};
    let output = run(&["schema"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), model_schema());
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("schema.json");
    let output = run(&["schema", "--out", path_str(&out)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), model_schema());

    for file in model_files() {
        let expected = model_to_json(&load_model(&file).unwrap()).unwrap();
        let output = run(&["json", "--model", path_str(&file)]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stdout(&output), expected, "{}", file.display());
    }

    // Control characters in the model's texts are JSON escapes, on the terminal and in the file.
    let mut model = everything();
    model.fit.rules[0].label = "\u{1b}[31mred\u{9b}2J\u{7f}".to_owned();
    let ron = dir.path().join("odd.ron");
    mql_studio::format::save_model(&ron, &model).unwrap();
    let output = run(&["json", "--model", path_str(&ron)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_terminal_safe(&output, "json");
    assert!(
        stdout(&output).contains(r#""label": "\u001b[31mred\u009b2J\u007f","#),
        "{}",
        stdout(&output)
    );
    let out = dir.path().join("odd.json");
    let output = run(&["json", "--model", path_str(&ron), "--out", path_str(&out)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, stdout(&run(&["json", "--model", path_str(&ron)])));
    assert_eq!(model_from_json(&written).unwrap(), model);

    // A model with errors is refused, as `score` refuses it.
    model.fit.rules[0].points = 20_000.0;
    mql_studio::format::save_model(&ron, &model).unwrap();
    let output = run(&["json", "--model", path_str(&ron)]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("has errors"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("f-eq"), "{}", stderr(&output));
}

// ---------------------------------------------------------------------------------------------
// Models that validate, and read back the same

#[test]
fn every_bundled_model_validates_against_the_schema_and_reads_back_the_same() {
    let files = model_files();
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        let model = load_model(&file).unwrap();
        let text = model_to_json(&model).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        if let Some(why) = Checker::get().refusal(&value) {
            panic!("{}: {why}", file.display());
        }
        assert_eq!(model_from_json(&text).unwrap(), model, "{}", file.display());
    }
}

#[test]
fn the_json_is_serde_jsons_rendering_of_the_model_with_every_field() {
    let model = everything();
    let text = model_to_json(&model).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value, serde_json::to_value(&model).unwrap());
    assert!(text.ends_with("}\n") && text.starts_with("{\n  \"format_version\": \"1.0\",\n"));
    // Enums are externally tagged; an absent optional value is null; defaults are written.
    let fit = &value["fit"]["rules"];
    assert_eq!(fit[0]["condition"], json!({"Equals": "CFO"}));
    assert_eq!(fit[1]["condition"], json!({"OneOf": ["SaaS", ""]}));
    assert_eq!(
        fit[5]["condition"],
        json!({"Between": {"min": 1.0, "max": 2.0}})
    );
    assert_eq!(fit[7]["condition"], json!("IsTrue"));
    assert_eq!(fit[1]["enabled"], json!(true));
    assert_eq!(fit[2]["proposed_by"], Value::Null);
    let engagement = &value["engagement"]["rules"];
    assert_eq!(engagement[0]["counting"], json!("PerOccurrence"));
    assert_eq!(engagement[2]["counting"], json!({"AtLeast": 5}));
    assert_eq!(engagement[1]["cap"], Value::Null);
    assert_eq!(engagement[0]["window_days"], json!(30));
    assert_eq!(
        value["overrides"][1]["when"][1],
        json!({"Activity": {"activity": "trial", "count_column": null, "at_least": 2, "window_days": null}})
    );
    assert_eq!(value["combine"]["min_engagement"], Value::Null);
    assert_eq!(value["missing_values"], json!(["select", "n/a"]));
    // The keys are in the order of docs/model-format.md §2.
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let ron = model_to_string(&model).unwrap();
    let mut last = 0;
    for key in keys {
        let at = ron
            .find(&format!("\n    {key}: "))
            .unwrap_or_else(|| panic!("{key}"));
        assert!(at > last, "{key} is out of order");
        last = at;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_valid_models_validate_against_the_schema_and_read_back_the_same(model in valid_model()) {
        let problems = validate(&model);
        prop_assert!(is_valid(&problems), "the generator made an invalid model: {problems:#?}");
        let text = model_to_json(&model).unwrap();
        prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        if let Some(why) = Checker::get().refusal(&value) {
            return Err(TestCaseError::fail(format!("{why}\n{text}")));
        }
        prop_assert_eq!(model_from_json(&text).unwrap(), model);
    }
}

/// The validation errors the schema cannot express: they compare two values.
const ACROSS_VALUES: [&str; 8] = [
    "is used by more than one rule",
    "is declared twice",
    "min is greater than max",
    "fit_weight + engagement_weight must be 1",
    "is outside the scale",
    "must be between 0 and the threshold",
    "so no lead could pass the gate",
    "bands go from best to worst",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any model (most of them invalid) reads back the same; a valid one is accepted by the
    /// schema, and one the schema accepts has no error but those across values.
    #[test]
    fn any_model_reads_back_the_same_and_the_schema_agrees_with_validation(model in model()) {
        let text = model_to_json(&model).unwrap();
        prop_assert_eq!(&model_from_json(&text).unwrap(), &model);
        let value: Value = serde_json::from_str(&text).unwrap();
        let problems = validate(&model);
        match Checker::get().refusal(&value) {
            Some(why) => prop_assert!(!is_valid(&problems), "valid, but refused: {why}\n{text}"),
            None => {
                for problem in problems.iter().filter(|p| p.severity == Severity::Error) {
                    prop_assert!(
                        ACROSS_VALUES.iter().any(|m| problem.message.contains(m)),
                        "the schema accepts a model with the error {problem}\n{text}"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The schema is exact

#[test]
fn the_schema_and_the_reader_agree_on_every_field_and_refuse_unknown_ones() {
    let value = json_value(&everything());
    let checker = Checker::get();
    assert!(checker.accepts(&value), "{:?}", checker.refusal(&value));
    let mut pointers = Vec::new();
    object_pointers(&value, String::new(), &mut pointers);
    assert!(pointers.len() > 60, "{}", pointers.len());
    let mut optional = 0;
    for pointer in &pointers {
        let object = value.pointer(pointer).unwrap().as_object().unwrap();
        // An unknown field is refused by both, everywhere (in a variant's object too).
        let mut extended = object.clone();
        extended.insert("unknown_field".to_owned(), json!(1));
        let changed = with(&value, pointer, Value::Object(extended));
        assert!(!checker.accepts(&changed), "{pointer}: an unknown field");
        assert!(!reads(&changed), "{pointer}: an unknown field");
        // Every field: both require it, or both do without it.
        for key in object.keys() {
            let mut fewer = object.clone();
            fewer.remove(key);
            let changed = with(&value, pointer, Value::Object(fewer));
            let (schema, reader) = (checker.accepts(&changed), reads(&changed));
            assert_eq!(
                schema, reader,
                "{pointer}/{key} removed: the schema accepts: {schema}, the reader reads: {reader}"
            );
            optional += usize::from(schema);
        }
    }
    assert!(optional > 50, "{optional}");
}

#[test]
fn unknown_variants_and_values_of_the_wrong_kind_are_refused_by_both() {
    let value = json_value(&everything());
    let cases = [
        ("/status", json!("Signed")),
        ("/status", json!("draft")),
        ("/sign_offs/0/team", json!("IT")),
        ("/fields/0/kind", json!("Integer")),
        ("/fit/rules/0/condition", json!("IsBlank")),
        ("/fit/rules/0/condition", json!({"Equal": "CFO"})),
        (
            "/fit/rules/0/condition",
            json!({"IsTrue": null, "Equals": "x"}),
        ),
        ("/fit/rules/0/condition", json!({})),
        ("/fit/rules/0/condition", json!(["Equals", "CFO"])),
        ("/fit/rules/1/condition/OneOf", json!("SaaS")),
        ("/fit/rules/3/condition/AtLeast", json!("200")),
        ("/fit/rules/0/points", json!("10")),
        ("/fit/rules/0/enabled", json!("yes")),
        ("/fit/rules/0/proposed_by", json!("IT")),
        ("/engagement/rules/0/counting", json!("Twice")),
        ("/engagement/rules/2/counting/AtLeast", json!(2.5)),
        (
            "/engagement/rules/2/counting/AtLeast",
            json!(4_294_967_296_u64),
        ),
        ("/engagement/rules/0/window_days", json!(-1)),
        ("/engagement/rules/0/window_days", json!(30.5)),
        ("/overrides/0/action", json!("Promote")),
        (
            "/overrides/0/when/0",
            json!({"Event": {"activity": "x", "at_least": 1}}),
        ),
        ("/format_version", json!(1.0)),
        ("/name", Value::Null),
        ("/owners", json!("Marketing Ops")),
    ];
    let checker = Checker::get();
    for (pointer, new) in cases {
        let changed = with(&value, pointer, new.clone());
        assert!(!checker.accepts(&changed), "{pointer} = {new}: accepted");
        assert!(!reads(&changed), "{pointer} = {new}: read");
    }
}

#[test]
fn every_check_of_validation_on_one_value_is_in_the_schema() {
    let value = json_value(&everything());
    let blank = json!(" \t\u{a0}\u{85}\u{3000}\u{2028}");
    // (where, the value, what validation says)
    let cases = [
        ("/fields/0/name", blank.clone(), "a field has an empty name"),
        (
            "/fit/max_points",
            json!(0.0),
            "the fit cap must be greater than 0",
        ),
        ("/fit/max_points", json!(10_000.5), "the fit cap is"),
        ("/fit/rules/0/id", blank.clone(), "a rule has an empty id"),
        ("/fit/rules/0/field", json!(""), "the rule names no field"),
        (
            "/fit/rules/0/points",
            json!(10_000.001),
            "must be between -10,000 and 10,000",
        ),
        (
            "/fit/rules/0/points",
            json!(-1e20),
            "must be between -10,000 and 10,000",
        ),
        (
            "/fit/rules/0/condition/Equals",
            blank.clone(),
            "equals an empty value",
        ),
        (
            "/fit/rules/1/condition/OneOf",
            json!(["", " "]),
            "the list of values is empty",
        ),
        (
            "/fit/rules/2/condition/NotOneOf",
            json!([]),
            "the list of values is empty",
        ),
        (
            "/fit/rules/6/condition/ContainsAny",
            json!(["\u{3000}"]),
            "the list of values is empty",
        ),
        (
            "/engagement/max_points",
            json!(-1),
            "the engagement cap must be greater than 0",
        ),
        (
            "/engagement/max_points",
            json!(1e300),
            "the engagement cap is",
        ),
        (
            "/engagement/rules/0/id",
            json!(""),
            "a rule has an empty id",
        ),
        (
            "/engagement/rules/0/activity",
            blank.clone(),
            "the rule names no activity",
        ),
        (
            "/engagement/rules/0/points",
            json!(20_000),
            "must be between -10,000 and 10,000",
        ),
        (
            "/engagement/rules/0/cap",
            json!(0),
            "must be greater than 0",
        ),
        ("/engagement/rules/0/cap", json!(10_001), "the cap is"),
        (
            "/engagement/rules/0/window_days",
            json!(0),
            "a window of 0 days counts nothing",
        ),
        (
            "/engagement/rules/0/half_life_days",
            json!(0.0),
            "the half-life must be greater than 0",
        ),
        (
            "/engagement/rules/0/half_life_days",
            json!(-3),
            "the half-life must be greater than 0",
        ),
        (
            "/engagement/rules/2/counting/AtLeast",
            json!(0),
            "AtLeast(0) fires for every lead",
        ),
        ("/overrides/0/id", blank.clone(), "a rule has an empty id"),
        (
            "/overrides/0/when",
            json!([]),
            "the override has no criteria",
        ),
        (
            "/overrides/0/when/0/Field/field",
            json!(""),
            "the rule names no field",
        ),
        (
            "/overrides/0/when/0/Field/condition",
            json!({"OneOf": []}),
            "the list of values is empty",
        ),
        (
            "/overrides/1/when/0/Activity/activity",
            blank.clone(),
            "names no activity",
        ),
        (
            "/overrides/1/when/0/Activity/at_least",
            json!(0),
            "at_least: 0 holds for every lead",
        ),
        (
            "/overrides/1/when/0/Activity/window_days",
            json!(0),
            "a window of 0 days counts nothing",
        ),
        (
            "/combine/scale",
            json!(0),
            "the scale must be greater than 0",
        ),
        ("/combine/scale", json!(10_000.01), "the scale is"),
        (
            "/combine/fit_weight",
            json!(-0.4),
            "the weights cannot be negative",
        ),
        ("/combine/mql_threshold", json!(0), "is outside the scale"),
        (
            "/combine/nurture_band",
            json!(-1),
            "must be between 0 and the threshold",
        ),
        (
            "/combine/min_fit",
            json!(-0.5),
            "so no lead could pass the gate",
        ),
        (
            "/combine/min_engagement",
            json!(-1),
            "so no lead could pass the gate",
        ),
    ];
    let checker = Checker::get();
    for (pointer, new, message) in cases {
        let changed = with(&value, pointer, new.clone());
        assert!(!checker.accepts(&changed), "{pointer} = {new}: accepted");
        // The reader reads it, and validation names it.
        let model = model_from_json(&changed.to_string())
            .unwrap_or_else(|e| panic!("{pointer} = {new}: {e}"));
        let problems = validate(&model);
        assert!(
            problems
                .iter()
                .any(|p| p.severity == Severity::Error && p.message.contains(message)),
            "{pointer} = {new}: {problems:#?}"
        );
    }
    // Not blank for Rust's trim, so not for the schema: a byte-order mark, a zero-width space.
    for text in ["\u{feff}", "\u{200b}", " x "] {
        let changed = with(&value, "/fit/rules/0/id", json!(text));
        assert!(checker.accepts(&changed), "{text:?}");
    }
}

#[test]
fn the_checks_across_values_are_left_to_validation_and_warnings_are_accepted() {
    let value = json_value(&everything());
    let cases = [
        (
            "/fit/rules/1/id",
            json!("f-eq"),
            Some("is used by more than one rule"),
        ),
        (
            "/overrides/0/id",
            json!("e-once"),
            Some("is used by more than one rule"),
        ),
        (
            "/fields/1/name",
            json!("Employees"),
            Some("is declared twice"),
        ),
        (
            "/fit/rules/5/condition/Between/min",
            json!(3.0),
            Some("min is greater than max"),
        ),
        (
            "/combine/fit_weight",
            json!(0.7),
            Some("fit_weight + engagement_weight must be 1"),
        ),
        (
            "/combine/mql_threshold",
            json!(100.5),
            Some("is outside the scale"),
        ),
        (
            "/combine/nurture_band",
            json!(80),
            Some("must be between 0 and the threshold"),
        ),
        (
            "/combine/min_fit",
            json!(61),
            Some("so no lead could pass the gate"),
        ),
        (
            "/fit_grades/1/min_points",
            json!(45.0),
            Some("bands go from best to worst"),
        ),
        // Warnings only.
        ("/fit/rules/1/points", json!(0), None),
        (
            "/missing_values",
            json!(["", "Select", "SELECT", "yes"]),
            None,
        ),
        ("/fit/rules/0/condition", json!({"AtLeast": 3}), None),
        ("/fit/rules/1/condition/OneOf", json!(["N/A"]), None),
    ];
    let checker = Checker::get();
    for (pointer, new, error) in cases {
        let changed = with(&value, pointer, new.clone());
        assert!(
            checker.accepts(&changed),
            "{pointer} = {new}: {:?}",
            checker.refusal(&changed)
        );
        let problems = validate(&model_from_json(&changed.to_string()).unwrap());
        match error {
            Some(message) => assert!(
                problems
                    .iter()
                    .any(|p| p.severity == Severity::Error && p.message.contains(message)),
                "{pointer} = {new}: {problems:#?}"
            ),
            None => assert!(
                is_valid(&problems) && !problems.is_empty(),
                "{pointer} = {new}: {problems:#?}"
            ),
        }
    }
}

#[test]
fn the_schema_takes_the_versions_the_reader_takes() {
    let model = everything();
    let value = json_value(&model);
    let checker = Checker::get();
    let versions = [
        "1.0",
        "1",
        " 1.0 ",
        "\u{3000}1.0\u{85}\t",
        "0.3",
        "1.1",
        "+1.+2",
        "01.0004294967295",
        "1.4294967295",
        "00.0",
        "1.4294967296",
        "1.99999999999",
        "2.0",
        "10.0",
        "1.0.0",
        "v1",
        "1.",
        ".0",
        "",
        "-1.0",
        "1.-0",
        "\u{feff}1.0",
        "1 .0",
        "４.0",
    ];
    for version in versions {
        let changed = with(&value, "/format_version", json!(version));
        let mut ron_model = model.clone();
        ron_model.format_version = version.to_owned();
        let ron = model_from_str(&model_to_string(&ron_model).unwrap()).is_ok();
        let json = reads(&changed);
        assert_eq!(checker.accepts(&changed), ron, "{version:?}");
        assert_eq!(json, ron, "{version:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// What JSON cannot hold, and the reader's errors

#[test]
fn a_number_json_cannot_hold_is_refused_with_where_it_is() {
    let mut model = everything();
    model.engagement.rules[1].points = f64::NAN;
    let error = model_to_json(&model).unwrap_err();
    assert!(matches!(error, FormatError::NotFinite { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "could not write the model as JSON: engagement.rules[1].points is NaN, and JSON has no such number"
    );
    let mut model = everything();
    model.overrides[1].when[2] = mql_studio::model::Criterion::Field {
        field: "x".to_owned(),
        condition: mql_studio::model::Condition::Between {
            min: 0.0,
            max: f64::INFINITY,
        },
    };
    let message = model_to_json(&model).unwrap_err().to_string();
    assert!(
        message.contains("overrides[1].when[2].condition.max is inf"),
        "{message}"
    );
    let mut model = everything();
    model.combine.min_engagement = Some(f64::NEG_INFINITY);
    let message = model_to_json(&model).unwrap_err().to_string();
    assert!(
        message.contains("combine.min_engagement is -inf"),
        "{message}"
    );
}

#[test]
fn the_json_reader_fills_in_defaults_and_checks_the_version_as_the_ron_reader_does() {
    let minimal = json!({
        "format_version": "1.0",
        "name": "minimal",
        "fit": {"max_points": 60},
        "engagement": {"max_points": 40},
        "combine": {"scale": 100, "fit_weight": 0.6, "engagement_weight": 0.4, "mql_threshold": 75},
    });
    assert!(Checker::get().accepts(&minimal));
    let from_json = model_from_json(&minimal.to_string()).unwrap();
    let from_ron = model_from_str(
        "(format_version: \"1.0\", name: \"minimal\", fit: (max_points: 60), engagement: (max_points: 40), combine: (scale: 100, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75))",
    )
    .unwrap();
    assert_eq!(from_json, from_ron);
    assert_eq!(from_json.fit_grades.len(), 4);
    assert_eq!(from_json.missing_values.len(), 11);
    // An empty list of bands means the default ones, as in RON.
    let empty = with(&minimal, "/fit", json!({"max_points": 60, "rules": []}));
    let mut empty = empty.as_object().unwrap().clone();
    empty.insert("fit_grades".to_owned(), json!([]));
    assert_eq!(
        model_from_json(&Value::Object(empty).to_string()).unwrap(),
        from_ron
    );

    let newer = with(&minimal, "/format_version", json!("2.0"));
    let error = model_from_json(&newer.to_string()).unwrap_err();
    assert!(matches!(error, FormatError::NewerVersion { .. }), "{error}");
    let mut newer_minor = minimal.as_object().unwrap().clone();
    newer_minor.insert("format_version".to_owned(), json!("1.3"));
    newer_minor.insert("colour".to_owned(), json!("red"));
    let message = model_from_json(&Value::Object(newer_minor).to_string())
        .unwrap_err()
        .to_string();
    assert!(message.contains("unknown field `colour`"), "{message}");
    assert!(message.contains("written for format 1.3"), "{message}");
    let error = model_from_json("{\n  \"name\": \"x\"\n}").unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 3, column 1: missing field `format_version`"
    );
    // A control character in an unknown field's name is escaped in the message.
    let message = model_from_json("{\"format_version\": \"1.0\", \"\\u001b[2J\": 1}")
        .unwrap_err()
        .to_string();
    assert!(message.contains("\\u{1b}[2J"), "{message}");
    assert!(!message.chars().any(char::is_control), "{message}");
}
