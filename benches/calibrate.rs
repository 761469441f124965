//! `calibrate` on models with many rules must take time in proportion to the rules: the lift
//! table once looked each rule up by id among all the rules (quadratic: 100,000 rules took
//! minutes), and every rule's evaluation asked the system for its thread count.
//!
//! `cargo bench --bench calibrate` writes models of 20,000 and 100,000 rules, times
//! `mql-studio calibrate` on the bundled leads (the release binary, best of 3), prints both and
//! fails when the time per rule at 100,000 is more than twice the time per rule at 20,000 (linear
//! work gives about 1; the quadratic report gave about 5). `MQL_BENCH_RULES="a,b"` sets the sizes.
// A test or benchmark may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mql_studio::format::save_model;
use mql_studio::model::{Condition, EngagementRule, FitRule, Model};

/// The default model's settings with `rules` rules: half fit rules on the job title, half
/// engagement rules on 50 activities, some of each disabled.
fn many_rules(rules: usize) -> Model {
    let mut model = Model::new(&format!("{rules} rules"));
    for i in 0..rules {
        if i % 2 == 0 {
            model.fit.rules.push(FitRule {
                id: format!("fit-{i}"),
                label: format!("Title word {i}"),
                field: "job_title".into(),
                condition: Condition::ContainsAny(vec![format!("Word{i}")]),
                points: (1 + i % 7) as f64,
                enabled: i % 5 != 0,
                proposed_by: None,
                rationale: String::new(),
            });
        } else {
            model.engagement.rules.push(EngagementRule {
                id: format!("eng-{i}"),
                label: String::new(),
                activity: format!("activity_{}", i % 50),
                count_column: None,
                counting: Default::default(),
                points: (1 + i % 5) as f64,
                cap: Some(10.0),
                window_days: None,
                half_life_days: None,
                enabled: i % 7 != 0,
                proposed_by: None,
                rationale: String::new(),
            });
        }
    }
    model
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Seconds for `calibrate` on a model file, best of three.
fn calibrate_seconds(model: &Path) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_mql-studio"))
            .arg("calibrate")
            .arg("--model")
            .arg(model)
            .arg("--leads")
            .arg(repo("assets/leads.csv"))
            .arg("--events")
            .arg(repo("assets/events.csv"))
            .output()
            .expect("the binary runs");
        best = best.min(started.elapsed().as_secs_f64());
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("Rule lift"));
    }
    best
}

fn main() {
    let sizes: Vec<usize> = std::env::var("MQL_BENCH_RULES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| v.len() >= 2)
        .unwrap_or_else(|| vec![20_000, 100_000]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut per_rule = Vec::new();
    for &rules in &sizes {
        let path = dir.path().join(format!("rules-{rules}.ron"));
        save_model(&path, &many_rules(rules)).expect("save");
        let seconds = calibrate_seconds(&path);
        println!(
            "calibrate, {rules} rules on the bundled 300 leads: {seconds:.2} s ({:.1} µs per rule)",
            seconds / rules as f64 * 1e6
        );
        per_rule.push(seconds / rules as f64);
    }
    let (first, last) = (per_rule[0], per_rule[per_rule.len() - 1]);
    let growth = last / first;
    println!(
        "time per rule grew {growth:.2}x from {} to {} rules (linear: about 1)",
        sizes[0],
        sizes[sizes.len() - 1]
    );
    assert!(
        growth < 2.0,
        "calibrate is not linear in the number of rules any more: {growth:.2}x per rule"
    );
}
