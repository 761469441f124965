//! `mql-studio mine`, run as a real process on the bundled leads: every column's rows add up to
//! the leads with an outcome, and a value's and a bin's figures match a count of the CSV made
//! here by hand.
#![cfg(feature = "cli")]
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::calibration::quality::Rate;

mod common;

use common::cli::{assert_terminal_safe, path_str, run, stderr, stdout};
use common::repo;

/// One printed table: the column's heading and its rows split into cells (cells are separated
/// by two spaces or more; a value never holds two spaces in a row here).
struct Section {
    heading: String,
    rows: Vec<Vec<String>>,
}

impl Section {
    fn column(&self) -> &str {
        self.heading.split(" (").next().unwrap()
    }

    fn row(&self, label: &str) -> &[String] {
        self.rows
            .iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no row {label:?} in {}: {:?}", self.heading, self.rows))
    }

    fn sum(&self, cell: usize) -> usize {
        self.rows
            .iter()
            .map(|r| r[cell].parse::<usize>().unwrap())
            .sum()
    }
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The tables of the report: a heading line, the line of column titles, the rows.
fn sections(text: &str) -> Vec<Section> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if lines.get(i + 1).is_some_and(|l| l.starts_with("  value")) {
            let rows = lines[i + 2..]
                .iter()
                .take_while(|l| l.starts_with("  "))
                .map(|l| cells(l))
                .collect();
            out.push(Section {
                heading: (*line).to_owned(),
                rows,
            });
        }
    }
    out
}

fn mine(extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "mine",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// The bundled leads as (header → cell) rows, read by hand (the file has no quoted cells).
fn bundled_rows() -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(repo("assets/leads.csv")).unwrap();
    assert!(!text.contains('"'), "the hand reader splits on commas only");
    let mut lines = text.lines();
    let headers: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            headers
                .iter()
                .map(|h| (*h).to_owned())
                .zip(line.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

/// The stages the reader counts as reached SQL (`docs/calibration.md`).
fn reached_sql(stage: &str) -> bool {
    ["sql", "opportunity", "won", "lost"].contains(&stage)
}

#[test]
fn every_columns_rows_add_up_to_the_leads_with_an_outcome() {
    let output = mine(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_terminal_safe(&output, "mine");
    let text = stdout(&output);
    let rows = bundled_rows();
    let with_outcome: Vec<_> = rows.iter().filter(|r| !r["Outcome"].is_empty()).collect();
    let sqls = with_outcome
        .iter()
        .filter(|r| reached_sql(&r["Outcome"]))
        .count();
    assert!(
        text.starts_with(&format!(
            "assets/leads.csv: {} leads with an outcome, {sqls} reached SQL",
            with_outcome.len()
        )),
        "{text}"
    );
    let tables = sections(&text);
    let columns: Vec<&str> = tables.iter().map(Section::column).collect();
    for not_mined in ["Lead ID", "Outcome", "Sales Verdict"] {
        assert!(!columns.contains(&not_mined), "{not_mined} in {columns:?}");
    }
    for mined in [
        "Industry",
        "Number of Employees",
        "Lead Source",
        "Pricing Page Views",
    ] {
        assert!(columns.contains(&mined), "{mined} not in {columns:?}");
    }
    for table in &tables {
        assert_eq!(table.sum(1), with_outcome.len(), "{}", table.heading);
        assert_eq!(table.sum(2), sqls, "{}", table.heading);
    }
    // Ranked: information values never increase down the report.
    let values: Vec<f64> = tables
        .iter()
        .map(|t| {
            let tail = t.heading.rsplit("information value ").next().unwrap();
            tail.trim_end_matches(')').parse().unwrap()
        })
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
}

#[test]
fn a_value_and_a_bin_match_a_count_by_hand() {
    let text = stdout(&mine(&[
        "--column",
        "Industry",
        "--column",
        "Number of Employees",
    ]));
    let tables = sections(&text);
    assert_eq!(tables.len(), 2, "{text}");
    let rows = bundled_rows();

    let industry = tables.iter().find(|t| t.column() == "Industry").unwrap();
    assert!(
        industry.heading.contains("field `industry`"),
        "{}",
        industry.heading
    );
    let software: Vec<_> = rows
        .iter()
        .filter(|r| r["Industry"] == "Software")
        .collect();
    let software_sqls = software
        .iter()
        .filter(|r| reached_sql(&r["Outcome"]))
        .count();
    let row = industry.row("Software");
    assert_eq!(row[1], software.len().to_string());
    assert_eq!(row[2], software_sqls.to_string());
    assert_eq!(row[3], Rate::of(software_sqls, software.len()).text());

    // The first bin is "up to N": every lead with at most N employees.
    let employees = tables
        .iter()
        .find(|t| t.column() == "Number of Employees")
        .unwrap();
    let first = &employees.rows[0];
    let bound: f64 = first[0].strip_prefix("up to ").unwrap().parse().unwrap();
    let in_bin: Vec<_> = rows
        .iter()
        .filter(|r| r["Number of Employees"].parse::<f64>().unwrap() <= bound)
        .collect();
    let bin_sqls = in_bin.iter().filter(|r| reached_sql(&r["Outcome"])).count();
    assert_eq!(first[1], in_bin.len().to_string());
    assert_eq!(first[2], bin_sqls.to_string());
    // At least 30 leads: points are suggested, signed.
    assert!(in_bin.len() >= 30);
    assert!(
        first[5] == "0" || first[5].starts_with('+') || first[5].starts_with('-'),
        "{first:?}"
    );
}

#[test]
fn top_keeps_the_most_separating_columns() {
    let both = sections(&stdout(&mine(&[
        "--column", "Region", "--column", "Industry",
    ])));
    let top = sections(&stdout(&mine(&[
        "--column", "Region", "--column", "Industry", "--top", "1",
    ])));
    assert_eq!(both.len(), 2);
    assert_eq!(top.len(), 1);
    assert_eq!(top[0].heading, both[0].heading);
}

#[test]
fn an_unknown_column_or_leads_without_outcomes_are_refused() {
    let output = mine(&["--column", "Shoe Size"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("Shoe Size"), "{}", stderr(&output));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-outcomes.csv");
    std::fs::write(&path, "Lead ID,Industry\nL1,Software\nL2,Retail\n").unwrap();
    let output = run(&[
        "mine",
        "--model",
        "models/default.ron",
        "--leads",
        path_str(&path),
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no outcome"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn control_characters_in_headers_and_values_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.csv");
    let mut csv = "Lead ID,Indus\u{1b}[31mtry,Outcome\n".to_owned();
    for i in 0..40 {
        let value = if i % 2 == 0 {
            "Soft\u{1b}]0;pwned\u{7}ware"
        } else {
            "Retail"
        };
        let outcome = if i % 5 == 0 { "sql" } else { "lead" };
        csv.push_str(&format!("L{i},{value},{outcome}\n"));
    }
    std::fs::write(&path, csv).unwrap();
    let output = run(&[
        "mine",
        "--model",
        "models/default.ron",
        "--leads",
        path_str(&path),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_terminal_safe(&output, "mine on hostile cells");
    let tables = sections(&stdout(&output));
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].sum(1), 40);
}
