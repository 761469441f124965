//! The command line never prints a control character from the files it reads (lead ids, cell
//! values, labels and names from a model, activity names, file names): they are escaped as
//! `mql_studio::text::printable` escapes them, in reports, warnings and errors alike.
#![cfg(feature = "cli")]
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

mod common;

use common::cli::{assert_terminal_safe, path_str, run_in, stderr, stdout};
use common::repo;

/// What a hostile lead id is made of: ESC (a colour), CR (back to the line start), a C1 CSI
/// and, in the event log, an OSC that would set the window title and ring the bell.
const ID_PREFIX: &str = "L\u{1b}[1m\r\u{9b}";
const ID_PREFIX_SHOWN: &str = "L\\u{1b}[1m\\r\\u{9b}";
const GHOST: &str = "ghost\u{1b}]0;pwned\u{7}";
const LABEL_PREFIX: &str = "\u{1b}[31m";
const NAME_SHOWN: &str = "\\u{1b}[31mB2B SaaS default";

/// The hostile copies of the bundled model, its sales proposal, leads and events.
struct Hostile {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    model: PathBuf,
    proposal: PathBuf,
    leads: PathBuf,
    events: PathBuf,
}

/// `text` with every `L` + six digits at a line start replaced by a hostile id.
fn hostile_ids(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix('L') {
            Some(rest)
                if rest
                    .get(..6)
                    .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit())) =>
            {
                format!("\"{ID_PREFIX}{rest}").replacen(',', "\",", 1)
            }
            _ => line.to_owned(),
        })
        .map(|line| line + "\n")
        .collect()
}

/// `model` (RON) with its name and every label starting with an ESC colour sequence.
fn hostile_labels(model: &str) -> String {
    model
        .replace("label: \"", &format!("label: \"{LABEL_PREFIX}"))
        .replacen("name: \"", &format!("name: \"{LABEL_PREFIX}"), 1)
}

fn hostile() -> Hostile {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("dir\u{1b}[7m");
    std::fs::create_dir(&dir).unwrap();
    let read = |path: &str| std::fs::read_to_string(repo(path)).unwrap();
    let model = dir.join("model\u{7}.ron");
    std::fs::write(&model, hostile_labels(&read("models/default.ron"))).unwrap();
    let proposal = dir.join("proposal.ron");
    let text = hostile_labels(&read("models/default-sales-proposal.ron"));
    std::fs::write(&proposal, text).unwrap();
    let mut leads = hostile_ids(&read("assets/leads.csv"));
    // The first lead once more: a duplicate id, which is warned about.
    let first = leads.lines().nth(1).unwrap().to_owned();
    leads.push_str(&first);
    leads.push('\n');
    let leads_path = dir.join("leads\u{1b}[2J.csv");
    std::fs::write(&leads_path, leads).unwrap();
    let mut events = hostile_ids(&read("assets/events.csv"));
    events.push_str(&format!("\"{GHOST}\",webinar\u{1b}[5m,2026-10-01\n"));
    let events_path = dir.join("events.csv");
    std::fs::write(&events_path, events).unwrap();
    Hostile {
        _dir: temp,
        dir,
        model,
        proposal,
        leads: leads_path,
        events: events_path,
    }
}

fn run(h: &Hostile, args: &[&str], what: &str) -> std::process::Output {
    let output = run_in(args, &h.dir);
    assert_terminal_safe(&output, what);
    output
}

fn leads_args<'a>(h: &'a Hostile, command: &'a str) -> Vec<&'a str> {
    vec![
        command,
        "--model",
        path_str(&h.model),
        "--leads",
        path_str(&h.leads),
        "--events",
        path_str(&h.events),
    ]
}

#[test]
fn score_prints_no_control_character() {
    let h = hostile();
    let output = run(&h, &leads_args(&h, "score"), "score");
    assert!(output.status.success(), "{}", stderr(&output));
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(out.contains(&format!("{ID_PREFIX_SHOWN}000002,")), "{out}");
    // The warnings name the duplicate id and the event log's unknown id, escaped.
    assert!(err.contains(&format!("{ID_PREFIX_SHOWN}000001")), "{err}");
    assert!(err.contains("ghost\\u{1b}]0;pwned\\u{7}"), "{err}");

    // To a file: the summary and warnings on stderr, nothing on stdout.
    let out = h.dir.join("scored\u{1b}[0m.csv");
    let mut args = leads_args(&h, "score");
    args.extend(["--out", path_str(&out)]);
    let output = run(&h, &args, "score --out");
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read(&out).unwrap();
    assert!(common::cli::control_characters(&written).is_empty());
}

#[test]
fn explain_prints_no_control_character() {
    let h = hostile();
    let id = format!("{ID_PREFIX}000002");
    let mut args = leads_args(&h, "explain");
    args.extend(["--id", &id]);
    let output = run(&h, &args, "explain");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!("Lead {ID_PREFIX_SHOWN}000002 (as of")),
        "{text}"
    );
    assert!(text.contains("\\u{1b}[31mSenior decision maker"), "{text}");

    // An unknown id is quoted in the error, with the file name.
    let mut args = leads_args(&h, "explain");
    let unknown = format!("{GHOST}\r\n");
    args.extend(["--id", &unknown]);
    let output = run(&h, &args, "explain of an unknown id");
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("no lead with id \"ghost\\u{1b}]0;pwned\\u{7}\\r\\n\" in "),
        "{err}"
    );
    assert!(err.contains("leads\\u{1b}[2J.csv"), "{err}");
}

#[test]
fn check_calibrate_and_diff_print_no_control_character() {
    let h = hostile();
    let output = run(&h, &["check", path_str(&h.model)], "check");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with(NAME_SHOWN), "{text}");
    assert!(text.contains("model\\u{7}.ron is valid"), "{text}");

    let output = run(&h, &leads_args(&h, "calibrate"), "calibrate");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(&format!("Calibration of {NAME_SHOWN}")),
        "{text}"
    );
    assert!(text.contains("\\u{1b}[31m"), "{text}");

    let args = [
        "diff",
        path_str(&h.model),
        path_str(&h.proposal),
        "--leads",
        path_str(&h.leads),
        "--events",
        path_str(&h.events),
    ];
    let output = run(&h, &args, "diff");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("changed leads:"), "{text}");
    assert!(text.contains(&format!("  {ID_PREFIX_SHOWN}0")), "{text}");
    assert!(text.contains("\"\\u{1b}[31m"), "{text}");
}

#[test]
fn errors_and_skipped_rows_print_no_control_character() {
    let h = hostile();
    // A bad number in a declared field, and a bad row skipped.
    let bad = h.dir.join("bad\u{1b}[2J.csv");
    std::fs::write(
        &bad,
        "Lead ID,Number of Employees\n\"L\u{1b}1\",\"lots\u{1b}[31m\"\nL2,40\n",
    )
    .unwrap();
    let args = [
        "score",
        "--model",
        path_str(&h.model),
        "--leads",
        path_str(&bad),
    ];
    let output = run(&h, &args, "a bad cell");
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("bad\\u{1b}[2J.csv"), "{err}");
    assert!(err.contains("lots"), "{err}");

    let mut args = args.to_vec();
    args.push("--skip-bad-rows");
    let output = run(&h, &args, "a skipped row");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("skipped 1 bad leads rows"),
        "{}",
        stderr(&output)
    );

    // A model that does not parse, in a file with a control character in its name.
    let broken = h.dir.join("broken\u{1b}[8m.ron");
    std::fs::write(&broken, "(\n  name: \"\u{1b}[31m\",\n  oops\n)\n").unwrap();
    let output = run(&h, &["check", path_str(&broken)], "a broken model");
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("broken\\u{1b}[8m.ron"),
        "{}",
        stderr(&output)
    );
}

/// The helper itself: it finds what it must find.
#[test]
fn the_check_finds_control_characters() {
    let found = common::cli::control_characters("a\nb\u{1b}c\r\u{9b}\t".as_bytes());
    let chars: Vec<char> = found.iter().map(|(_, c)| *c).collect();
    assert_eq!(chars, ['\u{1b}', '\r', '\u{9b}', '\t']);
}
