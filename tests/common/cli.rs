//! Running the `mql-studio` binary as a real process.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary with `args` in the directory `dir`.
pub fn run_in(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mql-studio"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Runs the binary with `args` in the repository, so that paths like `models/default.ron` work.
pub fn run(args: &[&str]) -> Output {
    run_in(args, Path::new(env!("CARGO_MANIFEST_DIR")))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// The characters of `bytes` (read as UTF-8) that would drive a terminal: every control
/// character but the line feed, with where it is.
pub fn control_characters(bytes: &[u8]) -> Vec<(usize, char)> {
    String::from_utf8_lossy(bytes)
        .char_indices()
        .filter(|&(_, c)| c.is_control() && c != '\n')
        .collect()
}

/// Asserts that neither standard output nor standard error holds a control character other
/// than the line feeds that end lines.
#[track_caller]
pub fn assert_terminal_safe(output: &Output, what: &str) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let found = control_characters(bytes);
        assert!(
            found.is_empty(),
            "{what}: {stream} holds control characters {found:?}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}
