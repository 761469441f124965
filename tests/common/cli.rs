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
