//! `mql-studio inspect` run as a real process on CRM-style exports written here, and the
//! engine's `inspect` on the cases the CLI prints.
#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::inspect::{Matched, Role, Target, inspect};
use mql_studio::leads::LoadOptions;

mod common;

use common::cli::{path_str, run, stdout};
use common::default_model;
use common::leads::read_leads;

/// A HubSpot-style export: its own header names, "Select" and "N/A" for unknown, a lifecycle
/// stage instead of an outcome, and a yes/no and a 0/1 column the default model names
/// differently.
const HUBSPOT: &str = "Record ID,First Name,Company name,Job title,Industry,Number of Employees,Is target account,Demo requested,Pricing page views,Lifecycle stage,Create Date,Country/Region
101,Ana,Acme,VP Marketing,Software,250,true,1,4,salesqualifiedlead,2026-01-02,Spain
102,Bo,Beta,Intern,Select,12,false,0,0,subscriber,2026-02-03,China
103,Cy,Gamma,Director of Sales,Fintech,900,true,0,2,customer,2026-03-04,-
104,Di,Delta,Manager,Select,,false,1,1,lead,2026-04-05,Italy
105,Ed,Eps,CTO,Healthcare,3000,false,0,3,marketingqualifiedlead,2026-05-06,N/A
";

fn write_export(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn inspect_cli(leads: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec![
        "inspect",
        "--model",
        "models/default.ron",
        "--leads",
        path_str(leads),
        "--as-of",
        "2026-11-01",
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    (output.status.code().unwrap_or(-1), stdout(&output))
}

/// The `--map` flags on the line the CLI prints under "Suggested mapping".
fn suggested_flags(text: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("--map "))
        .unwrap_or_else(|| panic!("no flags line in:\n{text}"));
    line.split("--map ")
        .map(|part| part.trim().trim_matches('"').to_owned())
        .filter(|part| !part.is_empty())
        .collect()
}

#[test]
fn a_hubspot_export_shows_its_mapping_what_is_missing_and_exits_1_while_rules_cannot_fire() {
    let (_dir, path) = write_export("hubspot.csv", HUBSPOT);
    let (code, text) = inspect_cli(&path, &[]);
    assert_eq!(code, 1, "rules that never fire: exit 1\n{text}");
    assert!(text.contains("it looks like a HubSpot export"), "{text}");
    // The mapping used, column by column.
    for line in [
        "Record ID",
        "→ lead id",
        "Job title",
        "→ field `job_title` (by name)",
        "→ field `employees` (by alias)",
        "read as missing (on the model's missing_values): \"Select\" 2",
        "\"-\" 1, \"N/A\" 1",
    ] {
        assert!(text.contains(line), "{line:?} in:\n{text}");
    }
    assert!(
        text.contains(
            "fit-target-account (fit.rules[6]): the leads have no column for `target_account`"
        ),
        "{text}"
    );
    assert!(text.contains("No outcome column was read"), "{text}");

    // The flags it suggests fix what they say: re-run with them.
    let flags = suggested_flags(&text);
    assert!(
        flags.contains(&"Is target account=target_account".to_owned()),
        "{flags:?}"
    );
    assert!(
        flags.contains(&"Demo requested=Demo Requests".to_owned()),
        "{flags:?}"
    );
    assert!(
        flags.contains(&"Lifecycle stage=Outcome".to_owned()),
        "{flags:?}"
    );
    let mut extra: Vec<&str> = Vec::new();
    for flag in &flags {
        extra.push("--map");
        extra.push(flag);
    }
    let (_, again) = inspect_cli(&path, &extra);
    assert!(
        again.contains("→ field `target_account` (by your mapping)"),
        "{again}"
    );
    assert!(!again.contains("fit-target-account"), "{again}");
    assert!(
        !again.contains("ft-demo-request"),
        "the fast-track reads the column\n{again}"
    );
    assert!(!again.contains("No outcome column was read"), "{again}");
}

#[test]
fn inspect_exits_0_when_every_rule_fires() {
    let output = run(&[
        "inspect",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
        "--events",
        "assets/events.csv",
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("Every enabled rule fires for at least one lead."));
    assert!(
        !text.contains("looks like"),
        "the sample is no CRM's export\n{text}"
    );
}

#[test]
fn ids_and_yes_no_outcomes_under_other_names_are_suggested() {
    let csv = "Prospect ID,Job Title,Converted,Won Deal\nP1,CEO,1,0\nP2,CTO,0,0\nP3,VP,1,1\n";
    let (leads, _) = read_leads(csv, &LoadOptions::default()).unwrap();
    let model = default_model();
    let report = inspect(&model, &leads, &[], leads.default_as_of());
    let target = |header: &str| {
        report
            .suggestions
            .iter()
            .find(|s| s.header == header)
            .map(|s| s.target.clone())
    };
    assert_eq!(target("Prospect ID"), Some(Target::Id));
    assert_eq!(target("Converted"), Some(Target::Outcome("Reached SQL")));
    assert_eq!(target("Won Deal"), Some(Target::Outcome("Won")));
    let job = report
        .columns
        .iter()
        .find(|c| c.header == "Job Title")
        .unwrap();
    assert_eq!(
        job.role,
        Role::Field {
            field: "job_title".to_owned(),
            matched: Matched::Name
        }
    );
    // A suggested column is offered for one thing only.
    let converted = report
        .columns
        .iter()
        .find(|c| c.header == "Converted")
        .unwrap();
    assert!(matches!(converted.role, Role::Suggested(_)));
}
