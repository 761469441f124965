//! Helpers shared by the integration tests: paths in the repository, the bundled model and
//! sample data, inline lead sets (`leads`), rule builders (`rules`), scoring checks (`scoring`),
//! running the command-line binary (`cli`), random models for property tests (`arb`) and one with every variant (`model_json`), the app under kittest (`app`), odd files for the tests of saving (`files`) and queries run on real SQL engines (`engines`).
//!
//! Each file in `tests/` declares `mod common;` and calls what it needs.

// Every test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

#[cfg(feature = "gui")]
pub mod app;
pub mod arb;
#[cfg(feature = "cli")]
pub mod cli;
pub mod engines;
pub mod files;
pub mod generated_leads;
pub mod leads;
pub mod model_json;
pub mod rules;
pub mod scoring;

use std::path::{Path, PathBuf};

use mql_studio::format::{FormatError, load_model, model_from_str};
use mql_studio::leads::{LeadSet, LoadOptions, load_events_csv, load_leads_csv, parse_day};
use mql_studio::model::Model;
use mql_studio::scoring::{Evaluation, LeadScore, score_all};

/// A path inside the repository (the crate's root).
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The `.ron` files in `models/`, sorted.
pub fn model_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("models"))
        .expect("models/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

/// `models/default.ron`, the bundled model.
pub fn default_model() -> Model {
    model_from_str(include_str!("../../models/default.ron")).expect("the bundled model parses")
}

/// The error of a model text that must not load.
#[track_caller]
pub fn model_error(text: &str) -> FormatError {
    model_from_str(text).expect_err("the model text must not load")
}

/// The day number of a date (or timestamp) written in a test.
#[track_caller]
pub fn day(text: &str) -> i32 {
    parse_day(text).unwrap_or_else(|| panic!("{text:?} is not a date"))
}

/// A model file with the bundled leads and events (`assets/`), loaded and scored as the CLI
/// does: the model's fields, the event log, and the default as-of date (the last event's day).
pub struct Bundled {
    pub model: Model,
    pub leads: LeadSet,
    pub as_of: i32,
    pub evaluation: Evaluation,
    pub scores: Vec<LeadScore>,
}

/// [`Bundled`] for a model file given relative to the repository, e.g. `models/default.ron`.
pub fn bundled(model_file: &str) -> Bundled {
    let model = load_model(&repo(model_file)).expect("the model loads");
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (mut leads, _) = load_leads_csv(&repo("assets/leads.csv"), &options).expect("leads");
    load_events_csv(&repo("assets/events.csv"), &mut leads, false).expect("events");
    let as_of = leads.default_as_of();
    let evaluation = Evaluation::new(&model, &leads, as_of);
    let scores = score_all(&model, &evaluation);
    Bundled {
        model,
        leads,
        as_of,
        evaluation,
        scores,
    }
}
