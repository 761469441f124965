//! The command-line interface, run as a real process.
#![cfg(feature = "cli")]
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use mql_studio::export::{ScoredRow, scored_rows};
use mql_studio::leads::{LeadSet, LoadOptions, load_leads_csv};
use mql_studio::model::{Model, fmt_number};
use mql_studio::scoring::{Evaluation, explain, explanation_text, score_all};

mod common;

use common::cli::{path_str, run_in, stderr, stdout};
use common::{bundled, day, default_model, repo};

/// The bundled leads and events, loaded and scored by the library as the CLI should.
fn library_rows() -> (Model, LeadSet, i32, Vec<ScoredRow>) {
    let b = bundled("models/default.ron");
    let rows = scored_rows(&b.model, &b.leads, &b.evaluation, &b.scores);
    (b.model, b.leads, b.as_of, rows)
}

fn score_args<'a>(out: &'a str, leads: &'a str, events: Option<&'a str>) -> Vec<&'a str> {
    let mut args = vec!["score", "--model", path_str(&MODEL), "--leads", leads];
    if let Some(events) = events {
        args.extend(["--events", events]);
    }
    if !out.is_empty() {
        args.extend(["--out", out]);
    }
    args
}

static MODEL: LazyLock<PathBuf> = LazyLock::new(|| repo("models/default.ron"));
static LEADS: LazyLock<PathBuf> = LazyLock::new(|| repo("assets/leads.csv"));
static EVENTS: LazyLock<PathBuf> = LazyLock::new(|| repo("assets/events.csv"));

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn check_accepts_the_default_model() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let output = run_in(&["check", path_str(&MODEL)], dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("B2B SaaS default"), "{text}");
    assert!(text.contains("is valid"), "{text}");
}

#[test]
fn check_refuses_an_invalid_model_and_names_the_rule() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let text = std::fs::read_to_string(&*MODEL).expect("read the model");
    // The pricing rule's cap becomes negative.
    assert!(text.contains("cap: 24.0,"));
    let broken = text.replacen("cap: 24.0,", "cap: -24.0,", 1);
    let path = dir.path().join("broken.ron");
    std::fs::write(&path, broken).expect("write");
    let output = run_in(&["check", path_str(&path)], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("rule `eng-pricing`"), "{text}");
    assert!(text.contains("1 error(s)"), "{text}");

    // `score` refuses it too, naming the rule.
    let output = run_in(
        &[
            "score",
            "--model",
            path_str(&path),
            "--leads",
            path_str(&LEADS),
        ],
        dir.path(),
    );
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("eng-pricing"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_reports_a_malformed_file_with_line_and_column() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("bad.ron");
    std::fs::write(&path, "(\n    format_version: \"1.0\",\n    name: 42,\n)\n").expect("write");
    let output = run_in(&["check", path_str(&path)], dir.path());
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("bad.ron"), "{message}");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("`name`"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// score

#[test]
fn score_to_csv_writes_every_lead_as_the_library_scores_it() {
    let (_, leads, as_of, expected) = library_rows();
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("x.csv");
    let args = score_args(path_str(&out), path_str(&LEADS), Some(path_str(&EVENTS)));
    let output = run_in(&args, dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "scored {} leads as of {}",
            leads.len(),
            mql_studio::leads::format_day(as_of)
        )),
        "{}",
        stderr(&output)
    );

    let mut reader = csv::Reader::from_path(&out).expect("the output is CSV");
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "id",
            "fit",
            "engagement",
            "score",
            "status",
            "grade",
            "fired_rules"
        ]
    );
    let records: Vec<csv::StringRecord> =
        reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(records.len(), 300);
    assert_eq!(records.len(), expected.len());
    for (record, row) in records.iter().zip(&expected) {
        let fields: Vec<&str> = record.iter().collect();
        let fired = row.fired_rules.join(";");
        assert_eq!(
            fields,
            [
                row.id.as_str(),
                &fmt_number(row.fit),
                &fmt_number(row.engagement),
                &fmt_number(row.score),
                row.status,
                &row.grade,
                &fired
            ]
        );
    }
    // The file is not trivially uniform: several statuses and some fired rules.
    let statuses: std::collections::HashSet<&str> = expected.iter().map(|r| r.status).collect();
    assert!(statuses.len() >= 4, "{statuses:?}");

    // Without --out the same CSV goes to standard output.
    let args = score_args("", path_str(&LEADS), Some(path_str(&EVENTS)));
    let output = run_in(&args, dir.path());
    assert!(output.status.success());
    assert_eq!(output.stdout, std::fs::read(&out).expect("read x.csv"));
}

#[test]
fn score_to_json_writes_every_lead_as_the_library_scores_it() {
    let (_, _, _, expected) = library_rows();
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("x.json");
    let args = score_args(path_str(&out), path_str(&LEADS), Some(path_str(&EVENTS)));
    let output = run_in(&args, dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&out).expect("read x.json");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let array = value.as_array().expect("an array of leads");
    assert_eq!(array.len(), expected.len());
    for (item, row) in array.iter().zip(&expected) {
        assert_eq!(item["id"], row.id.as_str());
        assert_eq!(item["fit"].as_f64(), Some(row.fit));
        assert_eq!(item["engagement"].as_f64(), Some(row.engagement));
        assert_eq!(item["score"].as_f64(), Some(row.score));
        assert_eq!(item["status"], row.status);
        assert_eq!(item["grade"], row.grade.as_str());
        let fired: Vec<&str> = item["fired_rules"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|v| v.as_str().expect("a rule id"))
            .collect();
        assert_eq!(fired, row.fired_rules);
        let keys: Vec<&str> = item
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 7, "{keys:?}");
    }
}

#[cfg(unix)]
#[test]
fn score_out_writes_through_a_link_and_refuses_a_fifo_or_a_directory() {
    use common::files::{is_fifo, make_fifo, names_in};
    let dir = tempfile::tempdir().expect("a temp dir");
    let score_to = |out: &Path| {
        run_in(
            &score_args(path_str(out), path_str(&LEADS), None),
            dir.path(),
        )
    };
    let reference = dir.path().join("reference.csv");
    let output = score_to(&reference);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = std::fs::read(&reference).expect("read");

    // A symbolic link: the scores replace its target, and the link stays a link.
    let target = dir.path().join("target.csv");
    std::fs::write(&target, "old scores").expect("write");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("target.csv", &link).expect("symlink");
    let output = score_to(&link);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        std::fs::read(&target).expect("read") == expected,
        "the link's target holds the scores"
    );
    assert_eq!(
        std::fs::read_link(&link).expect("still a link"),
        Path::new("target.csv")
    );

    // A named pipe is refused with a clear error, and stays a pipe.
    let fifo = dir.path().join("pipe.csv");
    make_fifo(&fifo);
    let output = score_to(&fifo);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("pipe.csv") && message.contains("named pipe (FIFO), not a regular file"),
        "{message}"
    );
    assert!(is_fifo(&fifo));

    // So is a directory, with what it holds.
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("keep.txt"), "precious").expect("write");
    let output = score_to(&folder);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("a directory"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("keep.txt")).expect("read"),
        "precious"
    );
    // No temporary file was left behind.
    assert_eq!(
        names_in(dir.path()),
        [
            "folder.csv",
            "link.csv",
            "pipe.csv",
            "reference.csv",
            "target.csv"
        ]
    );
}

#[test]
fn score_with_count_columns_and_an_explicit_as_of_date() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = dir.path().join("counts.csv");
    let mut args = score_args(path_str(&out), path_str(&LEADS), None);
    args.extend(["--as-of", "2026-11-01"]);
    let output = run_in(&args, dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("as of 2026-11-01"),
        "{}",
        stderr(&output)
    );

    let model = default_model();
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (leads, _) = load_leads_csv(&LEADS, &options).expect("leads");
    let as_of = day("2026-11-01");
    let evaluation = Evaluation::new(&model, &leads, as_of);
    let scores = score_all(&model, &evaluation);
    let rows = scored_rows(&model, &leads, &evaluation, &scores);
    let mut expected = Vec::new();
    mql_studio::export::write_scored_csv(&mut expected, &rows).expect("write");
    assert_eq!(std::fs::read(&out).expect("read"), expected);

    let mut args = score_args("", path_str(&LEADS), None);
    args.extend(["--as-of", "November"]);
    let output = run_in(&args, dir.path());
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--as-of"), "{}", stderr(&output));
}

// ---------------------------------------------------------------------------------------------
// explain

#[test]
fn explain_prints_the_status_and_every_rule_of_a_lead() {
    let (model, leads, as_of, _) = library_rows();
    let row = leads.row_of("L000002").expect("L000002 is in the sample");
    let explanation = explain(&model, &leads, row, as_of);
    let dir = tempfile::tempdir().expect("a temp dir");
    let output = run_in(
        &[
            "explain",
            "--model",
            path_str(&MODEL),
            "--leads",
            path_str(&LEADS),
            "--events",
            path_str(&EVENTS),
            "--id",
            "L000002",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Lead L000002"), "{text}");
    assert!(
        text.contains(&format!("status: {}", explanation.score.status.label())),
        "{text}"
    );
    for rule in &model.fit.rules {
        assert!(
            text.contains(&rule.label),
            "{} missing:\n{text}",
            rule.label
        );
    }
    for rule in &model.engagement.rules {
        assert!(
            text.contains(&rule.label),
            "{} missing:\n{text}",
            rule.label
        );
    }
    for rule in &model.overrides {
        assert!(
            text.contains(&rule.label),
            "{} missing:\n{text}",
            rule.label
        );
    }
    assert_eq!(text, explanation_text(&model, &explanation));
}

#[test]
fn explain_of_an_unknown_lead_fails() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let output = run_in(
        &[
            "explain",
            "--model",
            path_str(&MODEL),
            "--leads",
            path_str(&LEADS),
            "--id",
            "NOPE",
        ],
        dir.path(),
    );
    assert!(!output.status.success());
    assert!(stderr(&output).contains("NOPE"), "{}", stderr(&output));
}

// ---------------------------------------------------------------------------------------------
// bad input

const BAD_LEADS: &str = "Lead ID,Job Title,Number of Employees\n\
L1,CEO,250\n\
L2,CTO,lots\n\
L3,CFO,40\n";

#[test]
fn a_bad_csv_fails_naming_row_and_column() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let leads = dir.path().join("bad.csv");
    std::fs::write(&leads, BAD_LEADS).expect("write");
    let output = run_in(&score_args("", path_str(&leads), None), dir.path());
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("bad.csv"), "{message}");
    assert!(message.contains("row 3"), "{message}");
    assert!(
        message.contains("column `Number of Employees`"),
        "{message}"
    );
    assert!(output.stdout.is_empty(), "nothing is scored");
}

#[test]
fn skip_bad_rows_reports_how_many_were_skipped() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let leads = dir.path().join("bad.csv");
    std::fs::write(&leads, format!("{BAD_LEADS}L4,VP,1,extra\n")).expect("write");
    let out = dir.path().join("out.csv");
    let mut args = score_args(path_str(&out), path_str(&leads), None);
    args.push("--skip-bad-rows");
    let output = run_in(&args, dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("skipped 2 bad leads rows (read 2)"),
        "{message}"
    );
    assert!(message.contains("row 3"), "{message}");
    assert!(message.contains("row 5"), "{message}");
    let text = std::fs::read_to_string(&out).expect("read");
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["L1", "L3"]);
}

#[test]
fn lead_ids_that_look_like_formulas_are_neutralised_in_the_csv() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let leads = dir.path().join("leads.csv");
    std::fs::write(
        &leads,
        "Lead ID,Job Title\n\
\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",CEO\n\
+33123,CTO\n\
-5,CFO\n\
@SUM(A1),VP\n\
L5,Intern\n",
    )
    .expect("write");
    let out = dir.path().join("scored.csv");
    let output = run_in(
        &score_args(path_str(&out), path_str(&leads), None),
        dir.path(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let mut reader = csv::Reader::from_path(&out).expect("CSV");
    let ids: Vec<String> = reader
        .records()
        .map(|r| r.expect("a record").get(0).unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        ids,
        [
            "'=HYPERLINK(\"http://x\",\"y\")",
            "'+33123",
            "'-5",
            "'@SUM(A1)",
            "L5"
        ]
    );
    // JSON is not a spreadsheet: the ids stay as they are.
    let json = dir.path().join("scored.json");
    let output = run_in(
        &score_args(path_str(&json), path_str(&leads), None),
        dir.path(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("read")).expect("JSON");
    assert_eq!(value[1]["id"], "+33123");
    assert_eq!(value[2]["id"], "-5");
}

// ---------------------------------------------------------------------------------------------
// generate

/// Runs `generate` into `dir` (which the command creates).
fn generate_into(dir: &Path, seed: &str) -> (Vec<u8>, Vec<u8>) {
    let output = run_in(
        &[
            "generate",
            "--leads",
            "120",
            "--seed",
            seed,
            "--out-dir",
            path_str(dir),
        ],
        dir.parent().expect("a parent directory"),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("wrote 120 leads"),
        "{}",
        stderr(&output)
    );
    (
        std::fs::read(dir.join("leads.csv")).expect("leads.csv"),
        std::fs::read(dir.join("events.csv")).expect("events.csv"),
    )
}

#[test]
fn generate_is_deterministic() {
    let root = tempfile::tempdir().expect("a temp dir");
    let (a, b, c) = (
        root.path().join("a"),
        root.path().join("b"),
        root.path().join("c"),
    );
    let first = generate_into(&a, "7");
    let again = generate_into(&b, "7");
    let other = generate_into(&c, "8");
    assert_eq!(first, again, "the same seed gives the same bytes");
    assert_ne!(first.0, other.0, "another seed gives other leads");
    assert_ne!(first.1, other.1, "another seed gives other events");
    assert_eq!(
        String::from_utf8_lossy(&first.0).lines().count(),
        121,
        "a header and 120 leads"
    );
    // The CLI writes what the library generates.
    let options = mql_studio::generate::GenerateOptions {
        leads: 120,
        seed: 7,
        ..Default::default()
    };
    let (mut leads, mut events) = (Vec::new(), Vec::new());
    mql_studio::generate::generate(&options, &mut leads, &mut events).expect("generate");
    assert_eq!((leads, events), first);
}

#[test]
fn the_bundled_sample_files_are_what_generate_writes_by_default() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let output = run_in(&["generate", "--out-dir", "sample"], dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let sample = dir.path().join("sample");
    assert_eq!(
        std::fs::read(sample.join("leads.csv")).expect("leads.csv"),
        std::fs::read(&*LEADS).expect("assets/leads.csv")
    );
    assert_eq!(
        std::fs::read(sample.join("events.csv")).expect("events.csv"),
        std::fs::read(&*EVENTS).expect("assets/events.csv")
    );
}

// ---------------------------------------------------------------------------------------------
// --map

#[test]
fn map_renames_a_header_to_a_model_field() {
    // Default model: "VP Sales" is a senior title (+20) and 300 employees is mid-market (+20),
    // so fit 40 -> 0.6 * 40/60 * 100 = 40, grade B (>= 30) and level 4 (no engagement). Without
    // the mapping "Headcount" is not `employees`: fit 20, score 20, grade C4.
    let dir = tempfile::tempdir().expect("a temp dir");
    let leads = dir.path().join("leads.csv");
    std::fs::write(&leads, "Lead ID,Job Title,Headcount\nL1,VP Sales,300\n").expect("write");
    let mut args = score_args("", path_str(&leads), None);
    args.extend(["--as-of", "2026-11-01"]);
    let output = run_in(&args, dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "id,fit,engagement,score,status,grade,fired_rules\nL1,20,0,20,lead,C4,fit-senior-title\n"
    );
    args.extend(["--map", "Headcount = employees"]);
    let output = run_in(&args, dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "id,fit,engagement,score,status,grade,fired_rules\n\
L1,40,0,40,lead,B4,\"fit-senior-title;fit-company-size\"\n"
    );
    // A mapping without `=` is refused.
    let mut args = score_args("", path_str(&leads), None);
    args.extend(["--map", "Headcount"]);
    let output = run_in(&args, dir.path());
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("HEADER=FIELD"),
        "{}",
        stderr(&output)
    );
}
