//! Queries run on real SQL engines (DuckDB, PostgreSQL, Spark SQL) by `tests/engines/run.py`.
//!
//! A case is a folder with `leads.csv`, optionally `events.csv`, and `query.sql` (see
//! [`write_case`]); [`Runner::run`] loads the CSV files as the all-text tables `leads` and
//! `events` (columns named by the trimmed header cells; an empty cell is NULL), runs each query
//! and reads back its rows, or the engine's message when it failed. `.ci/engines.sh` installs the
//! engines and sets the variables; without them [`available`] skips, except under CI where it
//! fails the test.
//!
//! - `MQL_TEST_PYTHON`: a python with the packages of `tests/engines/requirements.txt` (duckdb,
//!   pyspark; Spark also needs `java`). PostgreSQL's cases need only a python 3: `python3` when
//!   the variable is not set.
//! - `MQL_TEST_PG`: a libpq conninfo string for `psql`, e.g.
//!   `host=127.0.0.1 port=55432 user=postgres dbname=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use mql_studio::sql::Dialect;

/// An engine that the tests run queries on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Engine {
    DuckDb,
    Postgres,
    Spark,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::DuckDb, Engine::Postgres, Engine::Spark];

    /// The name run.py takes and writes in file names: `duckdb`, `postgres`, `spark`.
    pub fn code(self) -> &'static str {
        match self {
            Engine::DuckDb => "duckdb",
            Engine::Postgres => "postgres",
            Engine::Spark => "spark",
        }
    }

    /// The SQL dialect the engine speaks.
    pub fn dialect(self) -> Dialect {
        match self {
            Engine::DuckDb => Dialect::DuckDb,
            Engine::Postgres => Dialect::Postgres,
            Engine::Spark => Dialect::Spark,
        }
    }

    fn index(self) -> usize {
        match self {
            Engine::DuckDb => 0,
            Engine::Postgres => 1,
            Engine::Spark => 2,
        }
    }
}

/// A row of a scoring query's result. A NULL number reads as NaN and a NULL text as `<NULL>`, so
/// that comparing with what `mql-studio score` gives fails visibly.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: String,
    pub fit: f64,
    pub engagement: f64,
    pub score: f64,
    pub status: String,
    pub grade: String,
    pub fired_rules: String,
}

/// What a NULL text reads as.
pub const NULL_TEXT: &str = "<NULL>";

/// Runs cases on one engine; made by [`available`].
#[derive(Clone, Debug)]
pub struct Runner {
    engine: Engine,
    python: PathBuf,
    empty_as_text: bool,
}

/// Whether the tests run under CI (`CI` is `true` or `1`), where a missing engine is an error.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| {
        let value = value.trim();
        value.eq_ignore_ascii_case("true") || value == "1"
    })
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// Runs a command; `Err` with its output when it does not start or does not succeed.
fn check(what: &str, command: &mut Command) -> Result<(), String> {
    match command.output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stderr);
            let first = text.lines().rev().find(|line| !line.trim().is_empty());
            Err(format!(
                "{what} failed ({}): {}",
                output.status,
                first.unwrap_or("no message").trim()
            ))
        }
        Err(error) => Err(format!("{what} did not start: {error}")),
    }
}

/// The python that runs run.py for the engine, once the engine is known to work here.
fn probe(engine: Engine) -> Result<PathBuf, String> {
    let python = env_var("MQL_TEST_PYTHON");
    let python = match (engine, python) {
        (_, Some(python)) => PathBuf::from(python),
        (Engine::Postgres, None) => PathBuf::from("python3"),
        (_, None) => return Err("MQL_TEST_PYTHON is not set".to_owned()),
    };
    let shown = python.display().to_string();
    let import = |module: &str| {
        check(
            &format!("{shown} -c 'import {module}'"),
            Command::new(&python).args(["-c", &format!("import {module}")]),
        )
    };
    match engine {
        Engine::DuckDb => import("duckdb")?,
        Engine::Spark => {
            import("pyspark")?;
            check("java -version", Command::new("java").arg("-version"))?;
        }
        Engine::Postgres => {
            let conninfo = env_var("MQL_TEST_PG").ok_or("MQL_TEST_PG is not set")?;
            check(
                &format!("{shown} --version"),
                Command::new(&python).arg("--version"),
            )?;
            check(
                &format!("psql \"{conninfo}\" -c 'select 1'"),
                Command::new("psql").args(["-X", "-q", "-d", conninfo.as_str(), "-c", "select 1"]),
            )?;
        }
    }
    Ok(python)
}

/// A [`Runner`] when the engine can run here. Otherwise prints a `SKIPPED: …` line (to stderr
/// and stdout, past the test harness's capture, so that it shows with and without
/// `--nocapture`) and gives `None`; under CI (`CI` is `true` or `1`) it panics with that message
/// instead. The check runs once per test binary.
pub fn available(engine: Engine) -> Option<Runner> {
    static PROBES: [OnceLock<Result<PathBuf, String>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let probed = PROBES[engine.index()].get_or_init(|| probe(engine));
    match probed {
        Ok(python) => Some(Runner {
            engine,
            python: python.clone(),
            empty_as_text: false,
        }),
        Err(why) => {
            let message = format!(
                "SKIPPED: {} tests: {why} (set MQL_TEST_PYTHON/MQL_TEST_PG, see .ci/engines.sh)",
                engine.code()
            );
            if in_ci() {
                panic!("{message}\nCI is set: the engine tests must run here.");
            }
            // Written past the test harness's capture, so that it shows in a passing test too.
            let line = format!("{message}\n");
            let _ignored = std::io::stderr().write_all(line.as_bytes());
            let _ignored = std::io::stdout().write_all(line.as_bytes());
            None
        }
    }
}

impl Runner {
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Empty CSV cells load as the empty string instead of NULL.
    pub fn empty_cells_as_text(mut self) -> Self {
        self.empty_as_text = true;
        self
    }

    /// Runs each case folder's query (one engine session for all of them) and gives, per case,
    /// its rows in the order the query returned them, or the engine's error message. Panics when
    /// the engine cannot start at all.
    pub fn run(&self, cases: &[PathBuf]) -> Vec<Result<Vec<Row>, String>> {
        if cases.is_empty() {
            return Vec::new();
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/engines/run.py");
        let output = Command::new(&self.python)
            .arg(&script)
            .args(["--engine", self.engine.code()])
            .args(cases)
            .env(
                "MQL_TEST_EMPTY_CELLS",
                if self.empty_as_text { "text" } else { "null" },
            )
            .output()
            .unwrap_or_else(|error| {
                panic!(
                    "{} {} did not start: {error}",
                    self.python.display(),
                    script.display()
                )
            });
        let stderr = String::from_utf8_lossy(&output.stderr);
        // The engine's version line, and whatever else run.py said (shown with --nocapture).
        eprint!("{stderr}");
        assert!(
            output.status.success(),
            "run.py --engine {} failed ({}):\n{stderr}",
            self.engine.code(),
            output.status
        );
        cases.iter().map(|case| self.read_case(case)).collect()
    }

    /// Runs one case.
    pub fn run_one(&self, case: &Path) -> Result<Vec<Row>, String> {
        self.run(&[case.to_path_buf()])
            .pop()
            .expect("one result per case")
    }

    fn read_case(&self, case: &Path) -> Result<Vec<Row>, String> {
        let code = self.engine.code();
        let error_file = case.join(format!("error-{code}.txt"));
        if let Ok(message) = std::fs::read_to_string(&error_file) {
            return Err(message.trim_end().to_owned());
        }
        let out_file = case.join(format!("out-{code}.jsonl"));
        let text = std::fs::read_to_string(&out_file).map_err(|error| {
            format!(
                "run.py wrote neither {} nor {}: {error}",
                out_file.display(),
                error_file.display()
            )
        })?;
        text.lines()
            .enumerate()
            .map(|(index, line)| {
                parse_row(line)
                    .map_err(|why| format!("{} line {}: {why}", out_file.display(), index + 1))
            })
            .collect()
    }
}

fn parse_row(line: &str) -> Result<Row, String> {
    let value: serde_json::Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
    let object = value.as_object().ok_or("not a JSON object")?;
    let field = |key: &str| object.get(key).ok_or(format!("no key {key:?}"));
    let number = |key: &str| -> Result<f64, String> {
        match field(key)? {
            serde_json::Value::Null => Ok(f64::NAN),
            serde_json::Value::Number(number) => number
                .as_f64()
                .ok_or(format!("{key}: {number} is not a double")),
            serde_json::Value::String(text) => match text.as_str() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(format!("{key}: the text {text:?} is not a number")),
            },
            other => Err(format!("{key}: {other} is not a number")),
        }
    };
    let text = |key: &str| -> Result<String, String> {
        match field(key)? {
            serde_json::Value::Null => Ok(NULL_TEXT.to_owned()),
            serde_json::Value::String(text) => Ok(text.clone()),
            other => Err(format!("{key}: {other} is not text")),
        }
    };
    Ok(Row {
        id: text("id")?,
        fit: number("fit")?,
        engagement: number("engagement")?,
        score: number("score")?,
        status: text("status")?,
        grade: text("grade")?,
        fired_rules: text("fired_rules")?,
    })
}

/// Writes a case folder `dir` (made if missing): `leads.csv`, `events.csv` when given, and
/// `query.sql`; results of earlier runs in it are removed. Gives `dir` back.
pub fn write_case(dir: &Path, leads_csv: &str, events_csv: Option<&str>, query: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("the case folder is made");
    for entry in std::fs::read_dir(dir).expect("the case folder is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("out-") || name.starts_with("error-") || name == "events.csv" {
            std::fs::remove_file(&path).expect("an old result is removed");
        }
    }
    std::fs::write(dir.join("leads.csv"), leads_csv).expect("leads.csv is written");
    if let Some(events) = events_csv {
        std::fs::write(dir.join("events.csv"), events).expect("events.csv is written");
    }
    std::fs::write(dir.join("query.sql"), query).expect("query.sql is written");
    dir.to_path_buf()
}
