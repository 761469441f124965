//! What each fuzz target checks, shared by the `cargo fuzz` targets (`fuzz/fuzz_targets/`) and by
//! `tests/fuzz_regressions.rs`, which replays every input that ever failed. Each body panics on a
//! broken promise, never on bad input: bad input must come back as an error.

use std::sync::OnceLock;

use mql_studio::format::{model_from_str, model_to_string};
use mql_studio::leads::{LeadSet, LoadOptions, read_events_csv, read_leads_csv};
use mql_studio::model::Model;
use mql_studio::scoring::{Evaluation, explain, score_all};
use mql_studio::validate::{is_valid, validate};

/// The bundled default model, read once.
fn default_model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        model_from_str(include_str!("../models/default.ron"))
            .unwrap_or_else(|error| panic!("the bundled default model must load: {error}"))
    })
}

/// The bundled sample leads (without events), read once.
fn sample_leads() -> &'static LeadSet {
    static LEADS: OnceLock<LeadSet> = OnceLock::new();
    LEADS.get_or_init(|| {
        let options = LoadOptions {
            fields: default_model().fields.clone(),
            ..LoadOptions::default()
        };
        read_leads_csv(include_bytes!("../assets/leads.csv"), "leads.csv", &options)
            .unwrap_or_else(|error| panic!("the bundled sample leads must load: {error}"))
            .0
    })
}

/// An error message is for people: bounded, and without raw control characters.
fn check_message(message: &str) {
    assert!(message.len() <= 2_000, "a {} byte message", message.len());
    assert!(
        !message.chars().any(|c| c.is_control() && c != '\n'),
        "a raw control character in {message:?}"
    );
}

/// Scores every lead both ways and checks that they agree and stay finite.
fn check_scores(model: &Model, leads: &LeadSet) {
    let as_of = leads.default_as_of();
    let evaluation = Evaluation::new(model, leads, as_of);
    let scores = score_all(model, &evaluation);
    assert_eq!(scores.len(), leads.len());
    for (row, score) in scores.iter().enumerate().take(16) {
        for value in [score.fit, score.engagement, score.score] {
            assert!(value.is_finite(), "lead {row}: {score:?}");
        }
        let explained = explain(model, leads, row, as_of);
        assert_eq!(
            explained.score, *score,
            "lead {row}: the two paths disagree"
        );
    }
}

/// Any text either is a model or says why not; a model survives a round trip through its file.
pub fn model_reader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match model_from_str(text) {
        Ok(model) => {
            let written = model_to_string(&model)
                .unwrap_or_else(|error| panic!("a model that loads must save: {error}"));
            let again = model_from_str(&written)
                .unwrap_or_else(|error| panic!("a saved model must load: {error}\n{written}"));
            // Compared as files, not as values: `NaN` reads (validation refuses it) and is never
            // equal to itself.
            let rewritten = model_to_string(&again)
                .unwrap_or_else(|error| panic!("a reloaded model must save: {error}"));
            assert_eq!(rewritten, written, "the round trip changed the model");
            let problems = validate(&model);
            for problem in &problems {
                check_message(&problem.to_string());
            }
            if is_valid(&problems) {
                check_scores(&model, sample_leads());
            }
        }
        Err(error) => check_message(&error.to_string()),
    }
}

/// Any bytes either are leads or say why not; leads are consistent and score finitely.
pub fn leads_reader(data: &[u8]) {
    let model = default_model();
    for skip_bad_rows in [false, true] {
        let options = LoadOptions {
            fields: model.fields.clone(),
            skip_bad_rows,
            ..LoadOptions::default()
        };
        match read_leads_csv(data, "fuzz.csv", &options) {
            Ok((leads, report)) => {
                assert_eq!(leads.ids.len(), leads.len());
                for column in &leads.columns {
                    assert_eq!(column.len(), leads.len(), "column {}", column.name);
                }
                for warning in &report.warnings {
                    check_message(warning);
                }
                check_scores(model, &leads);
            }
            Err(error) => check_message(&error.to_string()),
        }
    }
}

/// Any bytes either are an event log for the sample leads or say why not.
pub fn event_reader(data: &[u8]) {
    let mut leads = sample_leads().clone();
    match read_events_csv(data, "events.csv", &mut leads, true) {
        Ok(report) => {
            for warning in &report.warnings {
                check_message(warning);
            }
            check_scores(default_model(), &leads);
        }
        Err(error) => check_message(&error.to_string()),
    }
}

/// A model and leads from one input (split at the first `0xFF`, which no UTF-8 text holds):
/// whatever loads and validates scores finitely, the same both ways.
pub fn scorer(data: &[u8]) {
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    let (model_bytes, leads_bytes) = data.split_at(split);
    let Ok(text) = std::str::from_utf8(model_bytes) else {
        return;
    };
    let Ok(model) = model_from_str(text) else {
        return;
    };
    if !is_valid(&validate(&model)) {
        return;
    }
    let options = LoadOptions {
        fields: model.fields.clone(),
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let leads_bytes = leads_bytes.get(1..).unwrap_or_default();
    if let Ok((leads, _)) = read_leads_csv(leads_bytes, "fuzz.csv", &options) {
        check_scores(&model, &leads);
    }
}
