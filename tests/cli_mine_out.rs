//! `mql-studio mine --out`, run as a real process on the bundled leads: the model it writes
//! passes `check` and holds, per column, a rule for every value or bin with points but the
//! column's baseline (or every one with `--all-values`), with the points the report shows and
//! unique ids; and `--holdout` changes
//! what is mined only through the split: mining the training rows written to a file of their
//! own gives the same report and the same rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "cli")]

use std::collections::HashSet;
use std::path::Path;

use mql_studio::calibration::quality::{Holdout, holdout_rows};
use mql_studio::format::load_model;
use mql_studio::leads::{LoadOptions, load_leads_csv};
use mql_studio::model::{Condition, FitRule, Model};

mod common;

use common::cli::{assert_terminal_safe, path_str, run, stderr, stdout};
use common::repo;

fn mine_out(leads: &str, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "mine",
        "--model",
        "models/default.ron",
        "--leads",
        leads,
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_terminal_safe(&output, "mine --out");
    stdout(&output)
}

fn check(path: &Path) {
    let output = run(&["check", path_str(path)]);
    assert!(
        output.status.success(),
        "the written model does not pass check:\n{}{}",
        stdout(&output),
        stderr(&output)
    );
}

/// The rules the miner added: those of `written` that `models/default.ron` does not have.
fn added_rules(written: &Model) -> Vec<FitRule> {
    let base = load_model(&repo("models/default.ron")).unwrap();
    let before: HashSet<&str> = base.rule_ids().collect();
    written
        .fit
        .rules
        .iter()
        .filter(|r| !before.contains(r.id.as_str()))
        .cloned()
        .collect()
}

fn assert_ids_unique(model: &Model) {
    let ids: Vec<&str> = model.rule_ids().collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids in {ids:?}");
}

/// One row of a column's table in the printed report.
struct Row {
    value: String,
    leads: usize,
    sqls: usize,
    /// The points cell: `+4`, `too few leads`, `–`.
    points: String,
}

/// The rows of one column's table in the printed report.
fn table_rows(report: &str, column: &str) -> Vec<Row> {
    let lines: Vec<&str> = report.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(&format!("{column} (")))
        .unwrap_or_else(|| panic!("no table for {column}:\n{report}"));
    lines[start + 2..]
        .iter()
        .take_while(|l| l.starts_with("  ") && !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l
                .trim()
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            Row {
                value: cells[0].to_owned(),
                leads: cells[1].parse().unwrap(),
                sqls: cells[2].parse().unwrap(),
                points: (*cells.last().unwrap()).to_owned(),
            }
        })
        .collect()
}

#[test]
fn the_written_model_passes_check_with_a_rule_per_value_but_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mined.ron");
    let report = mine_out(
        "assets/leads.csv",
        &out,
        &["--column", "Region", "--column", "Target Account"],
    );
    check(&out);
    let written = load_model(&out).unwrap();
    assert_ids_unique(&written);
    let added = added_rules(&written);

    // Region: North America, EMEA and APAC have points, LATAM has too few leads (and too few
    // to be the baseline on its own); the value with the lowest rate of the three is the
    // baseline, the other two get a rule each, in the table's order.
    let region = table_rows(&report, "Region");
    let with_points: Vec<&Row> = region
        .iter()
        .filter(|r| r.points.parse::<f64>().is_ok())
        .collect();
    let names: Vec<&str> = with_points.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(names, ["North America", "EMEA", "APAC"], "{report}");
    let latam = region.iter().find(|r| r.value == "LATAM").unwrap();
    assert_eq!(latam.points, "too few leads");
    assert!(latam.leads < 30);
    let rate = |r: &Row| r.sqls as f64 / r.leads as f64;
    let baseline = with_points
        .iter()
        .min_by(|a, b| rate(a).total_cmp(&rate(b)))
        .unwrap();
    let region_rules: Vec<&FitRule> = added.iter().filter(|r| r.field == "region").collect();
    let conditions: Vec<&Condition> = region_rules.iter().map(|r| &r.condition).collect();
    let expected: Vec<Condition> = with_points
        .iter()
        .filter(|r| r.value != baseline.value)
        .map(|r| Condition::OneOf(vec![r.value.clone()]))
        .collect();
    assert_eq!(conditions, expected.iter().collect::<Vec<_>>());
    assert!(
        report.contains(&format!("baseline (no rule, 0 points): {}", baseline.value)),
        "{report}"
    );
    // Each rule has the points the table shows for its value.
    for (rule, row) in region_rules
        .iter()
        .zip(with_points.iter().filter(|r| r.value != baseline.value))
    {
        assert_eq!(rule.points, row.points.parse::<f64>().unwrap(), "{rule:?}");
    }

    // Target Account: yes and no have points; the lower-rate one is the baseline.
    let target = table_rows(&report, "Target Account");
    assert_eq!(target.len(), 2);
    let better = target
        .iter()
        .max_by(|a, b| rate(a).total_cmp(&rate(b)))
        .unwrap();
    let target_rules: Vec<&FitRule> = added
        .iter()
        .filter(|r| r.field == "target_account")
        .collect();
    assert_eq!(target_rules.len(), 1, "{target_rules:?}");
    let condition = if better.value == "yes" {
        Condition::IsTrue
    } else {
        Condition::IsFalse
    };
    assert_eq!(target_rules[0].condition, condition);
    assert_eq!(
        added.len(),
        3,
        "{:?}",
        added.iter().map(|r| &r.id).collect::<Vec<_>>()
    );
    // The model's own rules are untouched.
    let base = load_model(&repo("models/default.ron")).unwrap();
    assert_eq!(
        &written.fit.rules[..base.fit.rules.len()],
        &base.fit.rules[..]
    );
    assert_eq!(written.engagement.rules, base.engagement.rules);
}

#[test]
fn all_values_adds_the_baseline_too_and_ids_stay_unique_when_added_twice() {
    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.ron");
    mine_out(
        "assets/leads.csv",
        &once,
        &["--column", "Region", "--all-values"],
    );
    check(&once);
    let written = load_model(&once).unwrap();
    let region: Vec<FitRule> = added_rules(&written)
        .into_iter()
        .filter(|r| r.field == "region")
        .collect();
    assert_eq!(region.len(), 3, "{region:?}");

    // Mining the written model again adds the same findings under fresh ids.
    let twice = dir.path().join("twice.ron");
    let output = run(&[
        "mine",
        "--model",
        path_str(&once),
        "--leads",
        "assets/leads.csv",
        "--column",
        "Region",
        "--all-values",
        "--out",
        path_str(&twice),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    check(&twice);
    let again = load_model(&twice).unwrap();
    assert_ids_unique(&again);
    assert_eq!(again.fit.rules.len(), written.fit.rules.len() + 3);
}

#[test]
fn the_columns_reaching_min_iv_are_added_and_an_impossible_min_iv_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mined.ron");
    let report = mine_out("assets/leads.csv", &out, &["--min-iv", "0.1"]);
    check(&out);
    assert!(
        report.contains("left out (information value below 0.1)"),
        "{report}"
    );
    let written = load_model(&out).unwrap();
    assert_ids_unique(&written);
    assert!(!added_rules(&written).is_empty());

    let none = dir.path().join("none.ron");
    let output = run(&[
        "mine",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
        "--min-iv",
        "1000",
        "--out",
        path_str(&none),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no column to add rules from"),
        "{}",
        stderr(&output)
    );
    assert!(!none.exists());
}

/// The training rows of the bundled leads for a 30 % holdout with seed 42, as a file of their
/// own (the bundled file has no quoted cells, so a line is a row).
fn training_file(dir: &Path) -> std::path::PathBuf {
    let path = repo("assets/leads.csv");
    let model = load_model(&repo("models/default.ron")).unwrap();
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (leads, _) = load_leads_csv(&path, &options).unwrap();
    let held = holdout_rows(
        &leads,
        Holdout {
            share: 0.3,
            seed: 42,
        },
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains('"'));
    let mut lines = text.lines();
    let mut out = vec![lines.next().unwrap()];
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), leads.len());
    assert!(held.iter().any(|h| *h) && held.iter().any(|h| !*h));
    out.extend(
        rows.iter()
            .zip(&held)
            .filter(|(_, h)| !**h)
            .map(|(l, _)| *l),
    );
    let training = dir.join("training.csv");
    std::fs::write(&training, out.join("\n") + "\n").unwrap();
    training
}

#[test]
fn holdout_changes_what_is_mined_only_through_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let training = training_file(dir.path());
    let (split_out, file_out, all_out) = (
        dir.path().join("split.ron"),
        dir.path().join("file.ron"),
        dir.path().join("all.ron"),
    );
    let split = mine_out(
        "assets/leads.csv",
        &split_out,
        &["--holdout", "0.3", "--seed", "42"],
    );
    let file = mine_out(path_str(&training), &file_out, &[]);
    let all = mine_out("assets/leads.csv", &all_out, &[]);
    assert!(split.starts_with("assets/leads.csv without the 30 % holdout (seed 42): "));
    // The same report but for the file's name in the first line and in the last one.
    let body = |text: &str| -> Vec<String> {
        text.lines()
            .skip(1)
            .filter(|l| !l.starts_with("Wrote "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(body(&split), body(&file));
    let (a, b) = (
        load_model(&split_out).unwrap(),
        load_model(&file_out).unwrap(),
    );
    assert_eq!(a.fit.rules, b.fit.rules);
    assert_eq!(a.fields, b.fields);
    // Without the holdout, the miner sees more leads: another report.
    assert_ne!(body(&split), body(&all));
    check(&split_out);
}
