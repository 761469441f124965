//! What a workshop hands out, run as real processes: `summary` (every rule and the threshold in
//! words, the counts of `score`) and `mql-list` (the MQLs `score` finds, best first, safe in a
//! spreadsheet).
#![cfg(feature = "cli")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::model::{fmt_number, fmt_signed};
use mql_studio::scoring::Status;

mod common;

use common::cli::{path_str, run, stderr, stdout};
use common::default_model;

const SAMPLE: [&str; 4] = [
    "--leads",
    "assets/leads.csv",
    "--events",
    "assets/events.csv",
];

/// `score`'s rows: (id, score, status).
fn scored() -> Vec<(String, f64, String)> {
    let output = run(&[&["score", "--model", "models/default.ron"], &SAMPLE[..]].concat());
    stdout(&output)
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (
                cells[0].to_owned(),
                cells[3].parse().unwrap(),
                cells[4].to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_summary_states_every_rule_the_threshold_and_the_counts_of_score() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("summary.html");
    let output = run(&[
        &["summary", "--model", "models/default.ron"],
        &SAMPLE[..],
        &["--out", path_str(&out)],
    ]
    .concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = std::fs::read_to_string(&out).unwrap();
    let model = default_model();
    assert!(page.starts_with("<!doctype html>"));
    assert!(
        page.contains(&format!(
            "A lead becomes an MQL when its score reaches <b>{}</b> of {}",
            fmt_number(model.combine.mql_threshold),
            fmt_number(model.combine.scale)
        )),
        "{page}"
    );
    for rule in model.fit.rules.iter().filter(|r| r.enabled) {
        let row = format!(
            "<td class=\"points\">{}</td><td>{}",
            fmt_signed(rule.points),
            mql_studio::export::escape_html(&rule.label)
        );
        assert!(page.contains(&row), "{row}");
    }
    for rule in model.engagement.rules.iter().filter(|r| r.enabled) {
        assert!(page.contains(&mql_studio::export::escape_html(&rule.label)));
    }
    for rule in model.overrides.iter().filter(|r| r.enabled) {
        assert!(page.contains(&mql_studio::export::escape_html(&rule.label)));
    }
    // The counts are score's.
    let rows = scored();
    for status in Status::ALL {
        let count = rows.iter().filter(|r| r.2 == status.code()).count();
        let cell = format!(
            "<tr><td>{}</td><td class=\"points\">{count}</td>",
            status.label()
        );
        assert!(page.contains(&cell), "{cell}");
    }
}

#[test]
fn the_summary_escapes_the_models_text_and_leaves_out_switched_off_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = default_model();
    model.name = "Q3 <script>alert(1)</script>".to_owned();
    model.fit.rules[0].rationale = "Budget & \"authority\"".to_owned();
    model.fit.rules[1].enabled = false;
    let off = model.fit.rules[1].label.clone();
    let path = dir.path().join("model.ron");
    mql_studio::format::save_model(&path, &model).unwrap();
    let output = run(&["summary", "--model", path_str(&path)]);
    let page = stdout(&output);
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("Q3 &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("Budget &amp; &quot;authority&quot;"));
    assert!(!page.contains(&format!("<td>{off}")), "{off} is off");
    assert!(page.contains("One more rule is switched off"));
}

#[test]
fn the_mql_list_holds_the_mqls_of_score_best_first_and_nurture_when_asked() {
    let rows = scored();
    let is_mql = |status: &str| status == "mql" || status == "mql_fast_track";
    let output = run(&[&["mql-list", "--model", "models/default.ron"], &SAMPLE[..]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("id,status,score,grade,fit,engagement,top_reasons"));
    assert!(header.contains("Company"), "context columns: {header}");
    let listed: Vec<(String, String, f64)> = lines
        .map(|line| {
            let mut reader = csv_cells(line);
            let id = reader.remove(0);
            let status = reader.remove(0);
            let score: f64 = reader.remove(0).parse().unwrap();
            (id, status, score)
        })
        .collect();
    let mut expected: Vec<&String> = rows.iter().filter(|r| is_mql(&r.2)).map(|r| &r.0).collect();
    let mut got: Vec<&String> = listed.iter().map(|r| &r.0).collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "exactly score's MQLs");
    // Fast-tracked first, then by score.
    let ranks: Vec<(u8, f64)> = listed
        .iter()
        .map(|(_, status, score)| (u8::from(status != "mql_fast_track"), -score))
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // Each row says why: the fast-track or the rules with the most points.
    assert!(text.contains("Fast-track: "));

    let output = run(&[
        &[
            "mql-list",
            "--model",
            "models/default.ron",
            "--with-nurture",
        ],
        &SAMPLE[..],
    ]
    .concat());
    let nurture = stdout(&output)
        .lines()
        .filter(|l| l.split(',').nth(1) == Some("nurture"))
        .count();
    assert_eq!(nurture, rows.iter().filter(|r| r.2 == "nurture").count());
}

#[test]
fn the_mql_list_is_safe_to_open_in_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let leads = dir.path().join("leads.csv");
    std::fs::write(
        &leads,
        "Lead ID,Job Title,Company,Target Account\n=HYPERLINK(\"x\"),CEO,@evil,yes\n",
    )
    .unwrap();
    let mut model = default_model();
    model.combine.mql_threshold = 1.0;
    model.combine.nurture_band = 0.0;
    model.combine.min_fit = None;
    model.combine.min_engagement = None;
    let model_path = dir.path().join("model.ron");
    mql_studio::format::save_model(&model_path, &model).unwrap();
    let output = run(&[
        "mql-list",
        "--model",
        path_str(&model_path),
        "--leads",
        path_str(&leads),
        "--as-of",
        "2026-11-01",
    ]);
    let text = stdout(&output);
    assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
    assert!(text.contains(",'@evil"), "{text}");
}

/// The cells of one CSV line (quotes as the writer writes them).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

#[test]
fn the_reasons_are_the_ones_explain_gives() {
    // The list reads reasons off the evaluation (fast); `explain` is the reference.
    let model = default_model();
    let csv = std::fs::read_to_string(common::repo("assets/leads.csv")).unwrap();
    let (mut leads, _) = common::leads::read_leads(
        &csv,
        &mql_studio::leads::LoadOptions {
            fields: model.fields.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    mql_studio::leads::load_events_csv(&common::repo("assets/events.csv"), &mut leads, false)
        .unwrap();
    let as_of = leads.default_as_of();
    let evaluation = mql_studio::scoring::Evaluation::new(&model, &leads, as_of);
    let scores = mql_studio::scoring::score_all(&model, &evaluation);
    let list = mql_studio::export::mql_list(&model, &evaluation, &scores, true);
    assert!(list.len() > 20);
    for item in &list {
        let explanation = mql_studio::scoring::explain(&model, &leads, item.row, as_of);
        let mut parts: Vec<String> = explanation
            .overrides
            .iter()
            .filter(|o| {
                o.enabled && o.fired && o.action == mql_studio::model::OverrideAction::FastTrack
            })
            .map(|o| format!("Fast-track: {}", o.label))
            .collect();
        let mut fired: Vec<_> = explanation
            .rules
            .iter()
            .filter(|r| r.enabled && r.fired && r.points > 0.0)
            .collect();
        fired.sort_by(|a, b| b.points.total_cmp(&a.points));
        parts.extend(
            fired
                .iter()
                .take(mql_studio::export::REASONS)
                .map(|r| format!("{} {}", r.label, fmt_signed(r.points))),
        );
        assert_eq!(
            item.reasons,
            parts.join("; "),
            "lead {}",
            leads.ids[item.row]
        );
    }
}
