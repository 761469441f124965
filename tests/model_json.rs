//! The model as JSON (`docs/model-format.md` §8): the commands `json` and `schema` write what
//! the library does; the JSON is serde_json's rendering of the model, with every field, control
//! characters escaped and every number exact; a number JSON cannot hold is refused; the reader
//! fills in defaults and checks the version as the RON reader does; the page's examples are what
//! `json` writes. (The schema itself: `tests/model_schema.rs`.)
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::format::{
    FormatError, load_model, model_from_json, model_from_str, model_schema, model_to_json,
    model_to_string,
};
use serde_json::{Value, json};

mod common;

use common::model_files;
use common::model_json::{everything, with};

// ---------------------------------------------------------------------------------------------
// The commands

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
// The mapping

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
    // The keys are in the order of docs/model-format.md §2, as in RON.
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("  \""))
        .filter_map(|line| line.split_once("\":").map(|(key, _)| key))
        .collect();
    assert_eq!(keys.len(), 15, "{keys:?}");
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

// ---------------------------------------------------------------------------------------------
// What JSON cannot hold, and the reader

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

// ---------------------------------------------------------------------------------------------
// The page

/// The fenced blocks of `language` in `text`.
fn fenced(text: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line == format!("```{language}") => current = Some(String::new()),
            None => {}
            Some(_) if line == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

#[test]
fn the_examples_of_the_page_are_what_json_writes() {
    let page = include_str!("../docs/model-format.md");
    let (_, section) = page
        .split_once("\n## 8. The model as JSON\n")
        .expect("docs/model-format.md has §8");
    let ron = fenced(section, "ron");
    let json = fenced(section, "json");
    assert_eq!((ron.len(), json.len()), (2, 2));
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let rule: mql_studio::model::EngagementRule = options.from_str(&ron[0]).unwrap();
    assert_eq!(serde_json::to_string_pretty(&rule).unwrap() + "\n", json[0]);
    let rule: mql_studio::model::Override = options.from_str(&ron[1]).unwrap();
    assert_eq!(serde_json::to_string_pretty(&rule).unwrap() + "\n", json[1]);
    assert!(section.contains("`mql-studio json --model M.ron [--out M.json]`"));
    assert!(section.contains("`mql-studio schema [--out FILE]`"));
}
