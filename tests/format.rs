//! The RON model format: round trips, atomic saves and readable errors.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use mql_studio::format::{
    FormatError, load_model, model_from_str, model_to_string, parse_version, save_model,
};
use mql_studio::model::Model;
use proptest::prelude::*;

mod common;

use common::arb::model;
use common::{default_model, model_error, model_files};

#[test]
fn every_bundled_model_survives_save_and_load_unchanged() {
    let files = model_files();
    assert!(
        files.iter().any(|f| f.ends_with("default.ron")),
        "{files:?}"
    );
    let dir = tempfile::tempdir().expect("a temp dir");
    for file in files {
        let model = load_model(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let copy = dir.path().join("copy.ron");
        save_model(&copy, &model).expect("save");
        let loaded = load_model(&copy).expect("load the saved copy");
        assert_eq!(loaded, model, "{}", file.display());
        // Saving is stable: the same model gives the same bytes.
        let first = std::fs::read(&copy).expect("read");
        save_model(&copy, &loaded).expect("save again");
        assert_eq!(
            std::fs::read(&copy).expect("read"),
            first,
            "{}",
            file.display()
        );
    }
}

#[test]
fn the_saved_text_keeps_the_field_order_and_implicit_some() {
    let model = default_model();
    let text = model_to_string(&model).expect("serialise");
    assert!(text.starts_with("#![enable(implicit_some)]"), "{text}");
    assert!(text.ends_with('\n'));
    let version = text.find("format_version").expect("format_version");
    let name = text.find("name:").expect("name");
    let changelog = text.find("changelog").expect("changelog");
    assert!(version < name && name < changelog);
    // Option values are written without Some(..): `cap: 24.0`, `proposed_by: Sales`.
    assert!(text.contains("cap: 24.0"), "{text}");
    assert!(!text.contains("Some("), "{text}");
}

#[test]
fn save_model_replaces_the_file_completely_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("model.ron");
    // A long old file: a shorter new model must not leave its tail behind.
    let mut big = default_model();
    big.description = "x".repeat(50_000);
    save_model(&path, &big).expect("save the old model");
    let small = Model::new("small");
    save_model(&path, &small).expect("save the new model");
    assert_eq!(load_model(&path).expect("load"), small);
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(text, model_to_string(&small).expect("serialise"));
    assert_eq!(common::files::names_in(dir.path()), ["model.ron"]);
}

#[cfg(unix)]
#[test]
fn save_model_gives_the_permissions_of_an_ordinary_file_or_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    };
    let dir = tempfile::tempdir().expect("a temp dir");
    // A new model file gets what any new file gets (0666 less the umask), not a temporary
    // file's private 0600: the model is shared by two teams.
    let reference = dir.path().join("reference.txt");
    std::fs::File::create(&reference).expect("create");
    let path = dir.path().join("new.ron");
    save_model(&path, &Model::new("m")).expect("save");
    assert_eq!(mode(&path), mode(&reference));
    // Saving over a file keeps that file's permissions.
    for wanted in [0o640, 0o664, 0o600] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(wanted)).expect("chmod");
        save_model(&path, &Model::new("again")).expect("save");
        assert_eq!(mode(&path), wanted, "{wanted:o}");
    }
}

#[test]
fn a_failed_save_keeps_the_target_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    // The target is a directory with a file in it: the final rename must fail.
    let target = dir.path().join("model.ron");
    std::fs::create_dir(&target).expect("mkdir");
    std::fs::write(target.join("keep.txt"), "precious").expect("write");
    let error = save_model(&target, &Model::new("m")).expect_err("cannot replace a directory");
    assert!(matches!(error, FormatError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("model.ron"), "{error}");
    assert_eq!(common::files::names_in(dir.path()), ["model.ron"]);
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).expect("read"),
        "precious"
    );
    // A missing directory is an error too, naming the path.
    let missing = dir.path().join("no-such-dir").join("model.ron");
    let error = save_model(&missing, &Model::new("m")).expect_err("no directory");
    assert!(error.to_string().contains("no-such-dir"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_save_through_a_symbolic_link_replaces_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let elsewhere = tempfile::tempdir().expect("another temp dir");
    let real = dir.path().join("real.ron");
    save_model(&real, &Model::new("old")).expect("save");
    // A relative link beside the target, a link to that link, and an absolute link from
    // another directory: each save replaces the real file and leaves every link as it was.
    let relative = dir.path().join("relative.ron");
    std::os::unix::fs::symlink("real.ron", &relative).expect("symlink");
    let chained = dir.path().join("chained.ron");
    std::os::unix::fs::symlink("relative.ron", &chained).expect("symlink");
    let absolute = elsewhere.path().join("absolute.ron");
    std::os::unix::fs::symlink(&real, &absolute).expect("symlink");
    for (link, name) in [(&relative, "one"), (&chained, "two"), (&absolute, "three")] {
        let before = std::fs::read_link(link).expect("a link");
        save_model(link, &Model::new(name)).expect("save through the link");
        assert!(
            std::fs::symlink_metadata(link)
                .expect("metadata")
                .file_type()
                .is_symlink(),
            "{} is still a link",
            link.display()
        );
        assert_eq!(std::fs::read_link(link).expect("a link"), before);
        assert_eq!(load_model(&real).expect("load").name, name);
    }
    assert_eq!(
        common::files::names_in(dir.path()),
        ["chained.ron", "real.ron", "relative.ron"]
    );
    assert_eq!(common::files::names_in(elsewhere.path()), ["absolute.ron"]);
    // A dangling link gets its target created, as a shell's `>` would.
    let dangling = dir.path().join("dangling.ron");
    std::os::unix::fs::symlink("created.ron", &dangling).expect("symlink");
    save_model(&dangling, &Model::new("new")).expect("save through a dangling link");
    assert_eq!(
        load_model(&dir.path().join("created.ron"))
            .expect("load")
            .name,
        "new"
    );
    assert!(
        std::fs::symlink_metadata(&dangling)
            .expect("metadata")
            .file_type()
            .is_symlink()
    );
    // A loop of links is an error, not a hang.
    let a = dir.path().join("a.ron");
    let b = dir.path().join("b.ron");
    std::os::unix::fs::symlink("b.ron", &a).expect("symlink");
    std::os::unix::fs::symlink("a.ron", &b).expect("symlink");
    let error = save_model(&a, &Model::new("m")).expect_err("a loop");
    assert!(error.to_string().contains("symbolic links"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_save_refuses_to_replace_anything_but_a_regular_file() {
    use common::files::{is_fifo, make_fifo};
    use mql_studio::format::write_atomically;
    let dir = tempfile::tempdir().expect("a temp dir");
    // A named pipe: refused, and still a pipe.
    let fifo = dir.path().join("scores.csv");
    make_fifo(&fifo);
    let error = write_atomically(&fifo, b"id\n").expect_err("a FIFO is not replaced");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("named pipe") && error.to_string().contains("scores.csv"),
        "{error}"
    );
    assert!(is_fifo(&fifo));
    // A directory: refused, and its contents kept.
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("keep.txt"), "precious").expect("write");
    let error = write_atomically(&folder, b"id\n").expect_err("a directory is not replaced");
    assert_eq!(error.kind(), std::io::ErrorKind::IsADirectory);
    assert!(error.to_string().contains("a directory"), "{error}");
    assert_eq!(
        std::fs::read_to_string(folder.join("keep.txt")).expect("read"),
        "precious"
    );
    // A link to a device (never the device itself: these tests may run as root): refused,
    // naming both the link and what it leads to; the link stays.
    let device = dir.path().join("null.csv");
    std::os::unix::fs::symlink("/dev/null", &device).expect("symlink");
    let error = write_atomically(&device, b"id\n").expect_err("a device is not replaced");
    let message = error.to_string();
    assert!(
        message.contains("null.csv")
            && message.contains("/dev/null")
            && message.contains("a device"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_link(&device).expect("still a link"),
        Path::new("/dev/null")
    );
    // Nothing was left behind.
    assert_eq!(
        common::files::names_in(dir.path()),
        ["folder.csv", "null.csv", "scores.csv"]
    );
}

#[test]
fn a_saves_temporary_file_is_named_after_its_target_and_removed_once_stale() {
    use common::files::write_aged;
    use mql_studio::format::{
        is_temporary_file_name, remove_stale_temporary_files, write_atomically_with,
    };
    use std::time::Duration;
    let dir = tempfile::tempdir().expect("a temp dir");
    let target = dir.path().join("model.ron");
    // While a save runs, its temporary file is `.model.ron.mql-studio-tmp-XXXXXX`.
    let mut seen = Vec::new();
    write_atomically_with(&target, |file| {
        seen = common::files::names_in(dir.path());
        file.write_all(b"done")
    })
    .expect("write");
    assert_eq!(seen.len(), 1, "{seen:?}");
    let name = &seen[0];
    assert!(name.starts_with(".model.ron.mql-studio-tmp-"), "{name}");
    assert_eq!(name.len(), ".model.ron.mql-studio-tmp-".len() + 6, "{name}");
    assert!(is_temporary_file_name(std::ffi::OsStr::new(name)));
    assert_eq!(common::files::names_in(dir.path()), ["model.ron"]);

    // What a `kill -9` mid-save leaves: old ones go, a save in progress (fresh) stays, and
    // nothing that is not ours is touched, however old.
    let hour = Duration::from_secs(3600);
    let stale = dir.path().join(".model.ron.mql-studio-tmp-a1B2c3");
    write_aged(&stale, b"half a mod", hour);
    let fresh = dir.path().join(".model.ron.mql-studio-tmp-d4E5f6");
    write_aged(&fresh, b"in progress", Duration::ZERO);
    for other in [
        ".model.ron.tmp123",
        ".mql-studio-tmp-a1B2c3",
        "model.ron.mql-studio-tmp-a1B2c3",
        ".notes.mql-studio-tmp-toolongname",
    ] {
        write_aged(&dir.path().join(other), b"not ours", hour);
    }
    let removed =
        remove_stale_temporary_files(dir.path(), Duration::from_secs(60)).expect("cleaned");
    assert_eq!(removed, [stale]);
    assert_eq!(
        common::files::names_in(dir.path()),
        [
            ".model.ron.mql-studio-tmp-d4E5f6",
            ".model.ron.tmp123",
            ".mql-studio-tmp-a1B2c3",
            ".notes.mql-studio-tmp-toolongname",
            "model.ron",
            "model.ron.mql-studio-tmp-a1B2c3",
        ]
    );
    assert_eq!(std::fs::read(&target).expect("read"), b"done");
}

// ---------------------------------------------------------------------------------------------
// Errors

const SMALL: &str = r#"(
    format_version: "1.0",
    name: "small",
    fit: (
        max_points: 60.0,
        rules: [
            (
                id: "fit-cfo",
                field: "job_title",
                condition: Equals("CFO"),
                points: 20.0,
            ),
        ],
    ),
    engagement: (max_points: 40.0, rules: []),
    combine: (scale: 100.0, fit_weight: 0.6, engagement_weight: 0.4, mql_threshold: 75.0),
)
"#;

#[test]
fn the_small_model_loads() {
    let model = model_from_str(SMALL).expect("valid");
    assert_eq!(model.name, "small");
    assert_eq!(model.fit.rules[0].points, 20.0);
    assert!(model.fit.rules[0].enabled, "enabled by default");
    assert_eq!(model.fit_grades.len(), 4, "default grades");
    // The default bands follow the model's own caps: 75/50/25/0 % of each.
    let fit_cap = model.fit.max_points;
    let mins: Vec<f64> = model.fit_grades.iter().map(|b| b.min_points).collect();
    assert_eq!(mins, [fit_cap * 0.75, fit_cap * 0.5, fit_cap * 0.25, 0.0]);
    let engagement_cap = model.engagement.max_points;
    let mins: Vec<f64> = model
        .engagement_levels
        .iter()
        .map(|b| b.min_points)
        .collect();
    assert_eq!(
        mins,
        [
            engagement_cap * 0.75,
            engagement_cap * 0.5,
            engagement_cap * 0.25,
            0.0
        ]
    );
}

#[test]
fn malformed_ron_gives_line_and_column() {
    // Line 3 is `    name: "small" ]`: the `]` is in column 19.
    let text = SMALL.replace(r#"name: "small","#, r#"name: "small" ],"#);
    let error = model_error(&text);
    let FormatError::Syntax { line, column, .. } = &error else {
        panic!("expected a syntax error, got {error:?}");
    };
    assert_eq!(*line, 3, "{error}");
    assert_eq!(*column, 19, "{error}");
    assert!(error.to_string().contains("line 3, column 19"), "{error}");

    // An unterminated file.
    let error = model_error(&SMALL[..SMALL.len() - 3]);
    assert!(matches!(error, FormatError::Syntax { .. }), "{error:?}");
    assert!(error.to_string().contains("line "), "{error}");
}

#[test]
fn an_unknown_field_is_named() {
    let text = SMALL.replace(
        "points: 20.0,",
        "points: 20.0,\n                colour: \"red\",",
    );
    let error = model_error(&text);
    let message = error.to_string();
    assert!(message.contains("colour"), "{message}");
    let FormatError::Syntax { line, .. } = error else {
        panic!("expected a syntax error");
    };
    assert_eq!(line, 12, "{message}");
}

#[test]
fn a_missing_required_field_is_named() {
    let text = SMALL.replace("                points: 20.0,\n", "");
    let message = model_error(&text).to_string();
    assert!(message.contains("points"), "{message}");
    let text = SMALL.replace("    name: \"small\",\n", "");
    let message = model_error(&text).to_string();
    assert!(message.contains("`name`"), "{message}");
}

#[test]
fn a_type_error_names_the_field() {
    let text = SMALL.replace("points: 20.0,", "points: \"twenty\",");
    let error = model_error(&text);
    let message = error.to_string();
    assert!(message.contains("in field `points`"), "{message}");
    assert!(message.contains("line 11"), "{message}");
    let text = SMALL.replace("mql_threshold: 75.0", "mql_threshold: true");
    let message = model_error(&text).to_string();
    assert!(message.contains("in field `mql_threshold`"), "{message}");
}

#[test]
fn a_newer_major_version_is_refused_with_a_clear_message() {
    let text = SMALL.replace(r#""1.0""#, r#""2.0""#);
    let error = model_error(&text);
    assert!(
        matches!(error, FormatError::NewerVersion { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("2.0"), "{message}");
    assert!(message.contains("update mql-studio"), "{message}");
    // Even when the newer file has fields this build does not know.
    let text = text.replace(
        "name: \"small\",",
        "name: \"small\",\n    audience: [\"emea\"],",
    );
    let message = model_error(&text).to_string();
    assert!(message.contains("2.0"), "{message}");
    // load_model puts the path in front.
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("future.ron");
    std::fs::write(&path, &text).expect("write");
    let message = load_model(&path).expect_err("newer").to_string();
    assert!(message.contains("future.ron"), "{message}");
    assert!(message.contains("2.0"), "{message}");
}

#[test]
fn a_newer_minor_version_loads_unless_it_uses_a_newer_field() {
    let text = SMALL.replace(r#""1.0""#, r#""1.1""#);
    let model = model_from_str(&text).expect("1.1 without new fields loads");
    assert_eq!(model.format_version, "1.1");
    let text = text.replace(
        "name: \"small\",",
        "name: \"small\",\n    audience: [\"emea\"],",
    );
    let message = model_error(&text).to_string();
    assert!(message.contains("audience"), "{message}");
    assert!(message.contains("1.1"), "{message}");
    assert!(message.contains("newer"), "{message}");
}

#[test]
fn a_version_that_is_not_a_number_is_refused() {
    let text = SMALL.replace(r#""1.0""#, r#""one""#);
    let error = model_error(&text);
    assert!(matches!(error, FormatError::BadVersion { .. }), "{error:?}");
    assert!(error.to_string().contains("\"one\""), "{error}");
    assert_eq!(parse_version("1.0"), Some((1, 0)));
    assert_eq!(parse_version(" 2 "), Some((2, 0)));
    assert_eq!(parse_version("1.x"), None);
}

#[test]
fn a_missing_format_version_is_named() {
    let text = SMALL.replace("    format_version: \"1.0\",\n", "");
    let message = model_error(&text).to_string();
    assert!(message.contains("format_version"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Round trip of generated models (the generators are in tests/common/arb.rs)

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_model_survives_a_round_trip(model in model()) {
        let text = model_to_string(&model).expect("serialise");
        let loaded = model_from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&loaded, &model);
        // And through a file.
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("m.ron");
        save_model(&path, &model).expect("save");
        prop_assert_eq!(load_model(&path).expect("load"), model);
    }
}

#[test]
fn a_type_error_after_non_ascii_text_on_the_same_line_names_the_right_field() {
    // The column of an error counts characters; the field lookup must not be thrown off by the
    // multi-byte characters before it.
    let text = SMALL.replace(
        "points: 20.0,",
        "label: \"Größe – Ärzte – Ölbranche – 東京\", points: \"x\", enabled: true,",
    );
    let message = model_error(&text).to_string();
    assert!(message.contains("in field `points`"), "{message}");
    assert!(message.contains("line 11"), "{message}");
}

#[test]
fn a_byte_order_mark_and_a_named_top_level_struct_are_accepted() {
    let with_bom = format!("\u{feff}{SMALL}");
    assert_eq!(model_from_str(&with_bom).expect("BOM").name, "small");
    let named = SMALL.replacen('(', "Model(", 1);
    assert_eq!(model_from_str(&named).expect("named struct").name, "small");
}

#[test]
fn an_unknown_field_inside_a_condition_or_criterion_is_named() {
    let text = SMALL.replace(
        "condition: Equals(\"CFO\"),",
        "condition: Between(min: 1.0, max: 2.0, maxx: 3.0),",
    );
    let message = model_error(&text).to_string();
    assert!(message.contains("maxx"), "{message}");
    let text = SMALL.replace(
        "    combine:",
        "    overrides: [(id: \"ft\", action: FastTrack, when: [Activity(activity: \"demo\", at_least: 1, windows_days: 7)])],\n    combine:",
    );
    let message = model_error(&text).to_string();
    assert!(message.contains("windows_days"), "{message}");
}

#[test]
fn omitted_grade_bands_follow_the_models_own_caps() {
    let text = SMALL
        .replace("max_points: 60.0", "max_points: 80.0")
        .replace("(max_points: 40.0", "(max_points: 20.0");
    let model = model_from_str(&text).expect("loads");
    let fit: Vec<(String, f64)> = model
        .fit_grades
        .iter()
        .map(|b| (b.label.clone(), b.min_points))
        .collect();
    assert_eq!(
        fit,
        [
            ("A".to_owned(), 60.0),
            ("B".to_owned(), 40.0),
            ("C".to_owned(), 20.0),
            ("D".to_owned(), 0.0)
        ]
    );
    let levels: Vec<f64> = model
        .engagement_levels
        .iter()
        .map(|b| b.min_points)
        .collect();
    assert_eq!(levels, [15.0, 10.0, 5.0, 0.0]);
}
