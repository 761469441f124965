//! The JSON Schema of the model as JSON (`docs/model.schema.json`, `docs/model-format.md` §8),
//! checked with boon, a complete draft 2020-12 validator: the checked-in file is what
//! `mql-studio schema` writes; every bundled model and random valid models validate; the schema
//! and the reader agree on every field, required or not, on unknown fields and on the versions;
//! every check validation makes on one value is in the schema, and the checks across values
//! are left to validation.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use mql_studio::format::{
    load_model, model_from_json, model_from_str, model_schema, model_to_json, model_to_string,
};
use mql_studio::validate::{Severity, is_valid, validate};
use proptest::prelude::*;
use serde_json::{Value, json};

mod common;

use common::arb::{model, valid_model};
use common::model_json::{everything, json_value, reads, with};
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

// ---------------------------------------------------------------------------------------------
// The file

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
    // The least a model needs.
    let minimal = json!({
        "format_version": "1.0",
        "name": "minimal",
        "fit": {"max_points": 60},
        "engagement": {"max_points": 40},
        "combine": {"scale": 100, "fit_weight": 0.6, "engagement_weight": 0.4, "mql_threshold": 75},
    });
    assert!(Checker::get().accepts(&minimal));
    assert!(reads(&minimal));
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
    assert!(pointers.len() > 45, "{}", pointers.len());
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
