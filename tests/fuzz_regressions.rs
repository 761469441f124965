//! Every input that ever broke a promise, replayed through the same checks the fuzz targets make
//! (`fuzz/bodies.rs`): put a file in `tests/fuzz-regressions/<target>/` to keep it here for good.
//! The repository's own models and sample files go through the same checks.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../fuzz/bodies.rs"]
mod bodies;

mod common;

use std::path::Path;

/// Runs `body` on every file of `folder`; returns how many there were. Every failing file is
/// named, not just the first. A target with no past failure has no folder (git keeps no empty one).
fn replay(folder: &Path, body: fn(&[u8])) -> usize {
    if !folder.exists() {
        return 0;
    }
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("readable");
        if std::panic::catch_unwind(|| body(&bytes)).is_err() {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "these inputs fail again: {failures:#?}"
    );
    files.len()
}

fn regressions(target: &str) -> std::path::PathBuf {
    common::repo("tests/fuzz-regressions").join(target)
}

#[test]
fn the_model_reader_keeps_its_promises_on_every_past_failure() {
    replay(&regressions("model_reader"), bodies::model_reader);
}

#[test]
fn the_leads_reader_keeps_its_promises_on_every_past_failure() {
    let replayed = replay(&regressions("leads_reader"), bodies::leads_reader);
    assert!(
        replayed >= 2,
        "the folder holds the inputs the fuzzer found"
    );
}

#[test]
fn the_event_reader_keeps_its_promises_on_every_past_failure() {
    replay(&regressions("event_reader"), bodies::event_reader);
}

#[test]
fn the_scorer_keeps_its_promises_on_every_past_failure() {
    replay(&regressions("scorer"), bodies::scorer);
}

#[test]
fn the_repositorys_own_files_pass_every_check() {
    let models = replay(&common::repo("models"), bodies::model_reader);
    assert!(models >= 12, "{models} models");
    bodies::leads_reader(include_bytes!("../assets/leads.csv"));
    bodies::event_reader(include_bytes!("../assets/events.csv"));
    let mut scorer_input = include_bytes!("../models/default.ron").to_vec();
    scorer_input.push(0xFF);
    scorer_input.extend_from_slice(include_bytes!("../assets/leads.csv"));
    bodies::scorer(&scorer_input);
}
