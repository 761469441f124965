//! Reading model files that are not what they should be: too large, endless, not UTF-8, a
//! folder, missing; and parse errors worded for the people who edit models (the field, what it
//! takes, the line and column of the value). `docs/model-format.md` §1.5 documents each.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use mql_studio::format::{
    FormatError, MAX_MODEL_BYTES, load_model, model_from_bytes, model_from_str,
};

mod common;

use common::model_error;

/// A small valid model, one field per line, so that a test can put a mistake on a known line.
const SMALL: &str = r#"(
    format_version: "1.0",
    name: "small",
    status: Draft,
    fit: (
        max_points: 60.0,
        rules: [
            (id: "fit-cfo", field: "job_title", condition: Equals("CFO"), points: 20.0, enabled: true),
        ],
    ),
    engagement: (
        max_points: 40.0,
        rules: [
            (id: "eng-web", activity: "webinar", counting: Once, points: 10.0, window_days: 30),
        ],
    ),
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),
)
"#;

/// `SMALL` with one replacement, which must apply.
#[track_caller]
fn small_with(from: &str, to: &str) -> String {
    assert!(SMALL.contains(from), "{from:?} is not in the small model");
    SMALL.replacen(from, to, 1)
}

/// The 1-based line and column (in characters) where `needle` first starts in `text`.
#[track_caller]
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("the needle is in the text");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The syntax error of a model text: its line, column and message.
#[track_caller]
fn syntax(text: &str) -> (usize, usize, String) {
    match model_error(text) {
        FormatError::Syntax {
            line,
            column,
            message,
            ..
        } => (line, column, message),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn the_small_model_is_valid() {
    let model = model_from_str(SMALL).unwrap();
    assert!(mql_studio::validate::is_valid(
        &mql_studio::validate::validate(&model)
    ));
}

// ---------------------------------------------------------------------------------------------
// A value of the wrong kind: the field, what it takes, and the value's own line and column.

#[test]
fn a_decimal_point_in_a_whole_number_of_days_says_whole_number() {
    let text = small_with("window_days: 30", "window_days: 30.0");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "30.0"), "{message}");
    assert_eq!(
        message,
        "in field `window_days`: found \"30.0\", but this field takes a whole number of days, like 30, written without a decimal point (or None when there is none)"
    );
    // Inside `Some(…)` too, at the number.
    let text = small_with("window_days: 30", "window_days: Some(14.5)");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "14.5"), "{message}");
    assert!(message.contains("whole number of days"), "{message}");
}

#[test]
fn other_whole_numbers_say_what_they_count() {
    let text = small_with("counting: Once", "counting: AtLeast(3.0)");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "3.0"), "{message}");
    assert!(
        message.starts_with("in field `counting`: found \"3.0\", but this field takes a whole number of occurrences, like AtLeast(3)"),
        "{message}"
    );
    let text = small_with("window_days: 30", "window_days: -7");
    let (_, _, message) = syntax(&text);
    assert!(message.contains("0 or more"), "{message}");
    let text = small_with("window_days: 30", "window_days: 5000000000");
    let (_, _, message) = syntax(&text);
    assert!(
        message.contains("in field `window_days`") && message.contains("at most 4,294,967,295"),
        "{message}"
    );
}

#[test]
fn quotes_around_a_number_or_a_name_are_named() {
    let text = small_with("points: 20.0", "points: \"20\"");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "\"20\""), "{message}");
    assert_eq!(
        message,
        "in field `points`: found \"20\", but this field takes a number, like 20.0, written without quotes"
    );
    let (_, _, message) = syntax(&small_with("status: Draft", "status: \"Draft\""));
    assert_eq!(
        message,
        "in field `status`: found \"Draft\", but this field takes one of Draft, Proposed, Agreed, written without quotes"
    );
}

#[test]
fn text_without_quotes_or_in_curly_quotes_is_named() {
    let text = small_with("name: \"small\"", "name: small");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "small,"), "{message}");
    assert_eq!(
        message,
        "in field `name`: found \"small\", but this field takes text in double quotes, like \"Software\""
    );
    let (_, _, message) = syntax(&small_with("name: \"small\"", "name: “small”"));
    assert!(
        message.starts_with("in field `name`:") && message.contains("curly quotes"),
        "{message}"
    );
}

#[test]
fn yes_for_a_boolean_says_true_or_false() {
    let text = small_with("enabled: true", "enabled: yes");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "yes"), "{message}");
    assert_eq!(
        message,
        "in field `enabled`: found \"yes\", but this field takes true or false"
    );
}

#[test]
fn punctuation_mistakes_are_worded() {
    // A decimal comma.
    let text = small_with("points: 20.0", "points: 20,5");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "5,"), "{message}");
    assert!(message.contains("not a comma (20,5)"), "{message}");
    // A missing comma: named after the field whose value it follows, at the next field.
    let text = small_with("name: \"small\",", "name: \"small\"");
    let (line, column, message) = syntax(&text);
    assert_eq!((line, column), position_of(&text, "status"), "{message}");
    assert!(
        message.starts_with("after the value of `name`: expected a comma"),
        "{message}"
    );
    // The file cut off, and something after the end.
    let (_, _, message) = syntax(&SMALL[..SMALL.find("combine").unwrap()]);
    assert!(message.contains("the file ends too early"), "{message}");
    let (_, _, message) = syntax(&format!("{SMALL})"));
    assert!(
        message.starts_with("there is more after the end of the model"),
        "{message}"
    );
    let (line, column, message) = syntax(" \n ");
    assert_eq!((line, column), (1, 1));
    assert!(message.starts_with("the file is empty"), "{message}");
}

#[test]
fn deeply_nested_brackets_are_an_error_not_a_crash() {
    for (open, close) in [("[", "]"), ("(", ")"), ("Some(", ")")] {
        let depth = 100_000;
        let text = format!(
            "(extra: {}{}, format_version: \"1.0\")",
            open.repeat(depth),
            close.repeat(depth)
        );
        assert!(matches!(model_error(&text), FormatError::Syntax { .. }));
        let text = format!(
            "(format_version: \"1.0\", name: \"x\", description: {}{})",
            open.repeat(depth),
            close.repeat(depth)
        );
        assert!(matches!(model_error(&text), FormatError::Syntax { .. }));
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes that are not UTF-8 text.

#[test]
fn a_latin1_file_names_the_line_and_column_and_says_to_save_as_utf8() {
    let text = small_with("name: \"small\"", "name: \"Société\"");
    let (line, column) = position_of(&text, "é");
    // The same text in Latin-1: é is the single byte 0xE9.
    let latin1: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let error = model_from_bytes(&latin1).unwrap_err();
    let FormatError::NotUtf8 {
        line: got_line,
        column: got_column,
        ..
    } = &error
    else {
        panic!("expected NotUtf8, got {error:?}");
    };
    assert_eq!((*got_line, *got_column), (line, column));
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("line {line}, column {column}: the file is not UTF-8 text (byte 0xE9 here, probably \"é\"")),
        "{message}"
    );
    assert!(
        message.contains("save it again with the encoding UTF-8"),
        "{message}"
    );
    // From a file, the path comes first.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.ron");
    std::fs::write(&path, &latin1).unwrap();
    let message = load_model(&path).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!(
            "{}: line {line}, column {column}: ",
            path.display()
        )),
        "{message}"
    );
}

#[test]
fn a_utf16_file_says_so() {
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(SMALL.encode_utf16().flat_map(u16::to_le_bytes));
    let message = model_from_bytes(&utf16).unwrap_err().to_string();
    assert!(
        message.starts_with("line 1, column 1: the file is saved as UTF-16"),
        "{message}"
    );
    // A UTF-8 byte-order mark is fine.
    let mut with_bom = vec![0xef, 0xbb, 0xbf];
    with_bom.extend(SMALL.as_bytes());
    assert_eq!(model_from_bytes(&with_bom).unwrap().name, "small");
}

// ---------------------------------------------------------------------------------------------
// Files that are too large, endless, a folder or missing.

#[test]
fn a_file_over_64_mib_is_refused_without_being_read() {
    assert_eq!(MAX_MODEL_BYTES, 64 * 1024 * 1024);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    // A sparse file of 1 GiB: refusing it must not read it.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(1 << 30).unwrap();
    let error = load_model(&path).unwrap_err();
    assert!(
        matches!(error, FormatError::TooLarge { size: Some(size), .. } if size == 1 << 30),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the file is 1024 MiB; mql-studio reads model files of at most 64 MiB (a model is a few kilobytes): is this the right file?",
            path.display()
        )
    );
    // The limit itself is read (and is then not a model).
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(MAX_MODEL_BYTES).unwrap();
    assert!(matches!(
        load_model(&path).unwrap_err(),
        FormatError::Syntax { .. }
    ));
    // Text handed over in memory has the same limit.
    let long = format!("{SMALL}{}", " ".repeat(MAX_MODEL_BYTES as usize));
    assert!(matches!(
        model_from_str(&long).unwrap_err(),
        FormatError::TooLarge { .. }
    ));
}

#[cfg(unix)]
#[test]
fn an_endless_stream_is_read_only_up_to_the_limit() {
    let error = load_model(Path::new("/dev/zero")).unwrap_err();
    assert!(
        matches!(error, FormatError::TooLarge { size: None, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("/dev/zero: the file goes on past 64 MiB;"),
        "{error}"
    );
}

#[test]
fn a_folder_or_a_missing_file_is_named_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let error = load_model(dir.path()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: this is a folder, not a model file: give the path of a .ron file",
            dir.path().display()
        )
    );
    // No source: an error chain (anyhow's `{:#}`) prints the message once.
    assert!(std::error::Error::source(&error).is_none());
    let missing = dir.path().join("nope.ron");
    let error = load_model(&missing).unwrap_err();
    assert!(
        matches!(&error, FormatError::Read { kind, .. } if *kind == std::io::ErrorKind::NotFound)
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}: there is no such file: check the path and the file name",
            missing.display()
        )
    );
}

#[test]
fn control_characters_in_a_path_are_escaped_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("evil\u{1b}[31m.ron");
    let message = load_model(&missing).unwrap_err().to_string();
    assert!(!message.contains('\u{1b}'), "{message:?}");
    assert!(message.contains("evil\\u{1b}[31m.ron"), "{message:?}");
}

// ---------------------------------------------------------------------------------------------
// The command line prints each of these once.

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use common::cli::{path_str, run, stderr};

    /// `check` on a path: exit code 2 and exactly one line on stderr, which is returned.
    #[track_caller]
    fn check_fails_with_one_line(path: &Path) -> String {
        let output = run(&["check", path_str(path)]);
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        err.trim_end().to_owned()
    }

    #[test]
    fn check_prints_a_file_error_once() {
        let dir = tempfile::tempdir().unwrap();
        let line = check_fails_with_one_line(dir.path());
        assert_eq!(
            line,
            format!(
                "error: {}: this is a folder, not a model file: give the path of a .ron file",
                dir.path().display()
            )
        );
        let path = dir.path().join("latin1.ron");
        let text = small_with("name: \"small\"", "name: \"Café\"");
        let (row, column) = position_of(&text, "é");
        let latin1: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect();
        std::fs::write(&path, latin1).unwrap();
        let line = check_fails_with_one_line(&path);
        assert!(
            line.contains(&format!(
                "line {row}, column {column}: the file is not UTF-8"
            )),
            "{line}"
        );
        let path = dir.path().join("days.ron");
        std::fs::write(&path, small_with("window_days: 30", "window_days: 30.0")).unwrap();
        let line = check_fails_with_one_line(&path);
        assert!(line.contains("whole number of days"), "{line}");
    }

    #[test]
    fn check_escapes_control_characters_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("evil.ron");
        let text = small_with("name: \"small\"", "name: \"small\\u{1b}[2J\"")
            .replace("id: \"fit-cfo\"", "id: \"fit\\u{7}\"")
            .replace("id: \"eng-web\"", "id: \"fit\\u{7}\"");
        std::fs::write(&path, text).unwrap();
        let output = run(&["check", path_str(&path)]);
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let out = common::cli::stdout(&output);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(
            out.starts_with("small\\u{1b}[2J (draft, format 1.0)"),
            "{out}"
        );
        assert!(
            out.contains(
                "error: rule `fit\\u{7}` (rules): the id `fit\\u{7}` is used by more than one rule"
            ),
            "{out}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn check_refuses_dev_zero() {
        let line = check_fails_with_one_line(Path::new("/dev/zero"));
        assert!(line.contains("at most 64 MiB"), "{line}");
    }
}
