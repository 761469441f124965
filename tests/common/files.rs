//! Odd files for the tests of saving: named pipes, old files, what a directory holds.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// Makes a named pipe (FIFO) at `path`, with the system's `mkfifo`.
#[cfg(unix)]
pub fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
pub fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// Writes a file last modified `age` ago.
pub fn write_aged(path: &Path, contents: &[u8], age: Duration) {
    std::fs::write(path, contents).expect("write");
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    file.set_modified(SystemTime::now() - age)
        .expect("set the modification time");
}

/// The names in a directory, sorted (hidden ones too).
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the directory")
        .map(|entry| {
            entry
                .expect("a directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
