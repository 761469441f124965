#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! docs/consumers.md kept honest: every `mql-studio` command of its `sh` blocks runs (in a copy of
//! the files it names) and succeeds; every flag of its `text` synopses is one the command takes;
//! the library example is the code below, compiled and run; and the DuckDB, PostgreSQL and Spark
//! jobs it shows run on the engines `.ci/engines.sh` starts, with the numbers `mql-studio score`
//! gives. An engine that is not set up is skipped with a message (and fails under CI=true).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::cli::{run, stderr, stdout};
use common::engines::{Engine, available};

const DOC: &str = include_str!("../docs/consumers.md");
const THIS_FILE: &str = include_str!("consumers_doc.rs");

/// The library example of the doc (§1), as it is there; `library_example_is_the_doc's` checks
/// that the doc holds this text between the markers, unindented.
mod library_example {
    // BEGIN docs/consumers.md §1
    use std::error::Error;
    use std::path::Path;

    use mql_studio::leads::{LoadOptions, load_events_csv, load_leads_csv};
    use mql_studio::{export, format, scoring, validate};

    fn main() -> Result<(), Box<dyn Error>> {
        // The agreed model, refused when it has a validation error (as the CLI refuses it).
        let model = format::load_model(Path::new("models/default.ron"))?;
        let problems = validate::validate(&model);
        if let Some(error) = problems
            .iter()
            .find(|p| p.severity == validate::Severity::Error)
        {
            return Err(format!("the model has errors; first: {error}").into());
        }
        // The leads, read with the model's declared fields (types, aliases), then the event log.
        let options = LoadOptions {
            fields: model.fields.clone(),
            ..LoadOptions::default()
        };
        let (mut leads, _report) = load_leads_csv(Path::new("assets/leads.csv"), &options)?;
        load_events_csv(Path::new("assets/events.csv"), &mut leads, false)?;
        // Scored as of the day `mql-studio score` uses without --as-of.
        let evaluation = scoring::Evaluation::new(&model, &leads, leads.default_as_of());
        let scores = scoring::score_all(&model, &evaluation);
        // The rows `score` writes: id, fit, engagement, score, status, grade, fired rules.
        let rows = export::scored_rows(&model, &leads, &evaluation, &scores);
        for row in rows.iter().filter(|row| row.status.starts_with("mql")) {
            println!(
                "{} {} {} {:?}",
                row.id, row.score, row.grade, row.fired_rules
            );
        }
        Ok(())
    }
    // END docs/consumers.md §1

    #[test]
    fn the_library_example_runs() {
        // Tests run in the crate's root, where the example's paths are.
        main().unwrap();
    }
}

/// The text between the markers of [`library_example`], with the module's indentation removed.
fn library_example_text() -> String {
    let start = THIS_FILE
        .find("// BEGIN docs/consumers.md §1\n")
        .expect("the start marker");
    let body_start = start + THIS_FILE[start..].find('\n').unwrap() + 1;
    let end = THIS_FILE
        .find("    // END docs/consumers.md §1")
        .expect("the end marker");
    THIS_FILE[body_start..end]
        .lines()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn library_example_is_the_doc_s() {
    let example = library_example_text();
    let blocks = fenced_blocks(DOC);
    assert!(
        blocks.iter().any(|b| b.lang == "rust" && b.text == example),
        "docs/consumers.md must hold, in a ```rust block, exactly the example of \
         tests/consumers_doc.rs (mod library_example):\n{example}"
    );
}

#[test]
fn the_doc_names_the_library_without_default_features() {
    // The library without the app and the command line: what §1 tells a program to depend on.
    assert!(DOC.contains("default-features = false"));
    let manifest = include_str!("../Cargo.toml");
    assert!(
        manifest.contains("default = [\"gui\", \"cli\"]"),
        "the default features changed: check §1 of docs/consumers.md"
    );
}

// --- the doc's blocks and command lines --------------------------------------------------

#[derive(Debug)]
struct Block {
    lang: String,
    text: String,
    /// The line of the doc the block's first line is on (1-based).
    line: usize,
}

/// The fenced blocks of a Markdown text (``` fences), with their language.
fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None => {
                    current = Some(Block {
                        lang: rest.trim().to_owned(),
                        text: String::new(),
                        line: index + 2,
                    })
                }
            }
            continue;
        }
        if let Some(block) = current.as_mut() {
            block.text.push_str(line);
            block.text.push('\n');
        }
    }
    assert!(current.is_none(), "a fenced block of the doc is not closed");
    blocks
}

/// The logical lines of a shell text (lines ending in `\` joined), with their line numbers.
fn logical_lines(text: &str, first_line: usize) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let (start, mut joined) = pending
            .take()
            .unwrap_or((first_line + index, String::new()));
        match line.strip_suffix('\\') {
            Some(head) => {
                joined.push_str(head);
                joined.push(' ');
                pending = Some((start, joined));
            }
            None => {
                joined.push_str(line);
                lines.push((start, joined));
            }
        }
    }
    if let Some(line) = pending {
        lines.push(line);
    }
    lines
}

/// Shell words: blanks separate, '…' and "…" quote (no expansion is supported: the doc's
/// `mql-studio` lines hold no `$`, no redirection and no pipe).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `mql-studio` command lines of the doc's blocks in language `lang`: (doc line, line,
/// arguments).
fn doc_commands(lang: &str) -> Vec<(usize, String, Vec<String>)> {
    fenced_blocks(DOC)
        .iter()
        .filter(|b| b.lang == lang)
        .flat_map(|b| logical_lines(&b.text, b.line))
        .filter(|(_, line)| line.trim_start().starts_with("mql-studio "))
        .map(|(at, line)| {
            let words = shell_words(&line);
            (at, line, words[1..].to_vec())
        })
        .collect()
}

/// A folder with the files the doc's commands read, at the paths they name (`models/`,
/// `assets/`), where their outputs are written.
fn doc_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "models/default.ron",
        "assets/leads.csv",
        "assets/events.csv",
    ] {
        let to = dir.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(common::repo(file), &to).unwrap();
    }
    dir
}

fn run_in(dir: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mql-studio"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Runs every `mql-studio` line of the doc's `sh` blocks, in order, in `dir`.
fn run_doc_commands(dir: &Path) {
    let commands = doc_commands("sh");
    assert!(
        commands.len() >= 10,
        "the doc's sh blocks hold {} mql-studio lines; expected the CLI, SQL and JSON examples",
        commands.len()
    );
    for (at, line, args) in &commands {
        assert!(
            !line.contains(['$', '>', '<', '|', '`']),
            "docs/consumers.md line {at}: keep mql-studio lines free of shell expansion and \
             redirection so that this test runs them as written: {line}"
        );
        let output = run_in(dir, args);
        assert!(
            output.status.success(),
            "docs/consumers.md line {at}: `{}` failed ({}):\n{}{}",
            line.split_whitespace().collect::<Vec<_>>().join(" "),
            output.status,
            stdout(&output),
            stderr(&output)
        );
    }
}

#[test]
fn every_command_of_the_doc_runs() {
    let dir = doc_folder();
    run_doc_commands(dir.path());
    // What the commands wrote: the scored leads, the SQL per engine, the JSON.
    for file in [
        "scored.csv",
        "scored.json",
        "model.json",
        "model.schema.json",
        "score.duckdb.sql",
        "score.postgres.sql",
        "score.spark.sql",
        "score.bigquery.sql",
        "score.snowflake.sql",
        "models/default.postgres.sql",
    ] {
        assert!(
            dir.path().join(file).is_file(),
            "the doc's commands wrote no {file}"
        );
    }
}

#[test]
fn every_flag_of_the_doc_s_synopses_exists() {
    let synopses = doc_commands("text");
    assert!(
        synopses.len() >= 5,
        "expected the synopses of check, score, explain, sql and json in ```text blocks"
    );
    let mut helps: HashMap<String, String> = HashMap::new();
    for (at, line, args) in &synopses {
        let command = args.first().expect("a subcommand");
        let help = helps.entry(command.clone()).or_insert_with(|| {
            let output = run(&[command.as_str(), "--help"]);
            assert!(
                output.status.success(),
                "docs/consumers.md line {at}: `mql-studio {command} --help` failed: {}",
                stderr(&output)
            );
            stdout(&output)
        });
        let flags = help_flags(help);
        for word in args {
            // `[--as-of DATE]`, `--out scored.csv|scored.json`: the flag's name alone.
            for part in word.split('|') {
                let flag = part.trim_matches(|c| c == '[' || c == ']');
                if flag.starts_with("--") {
                    assert!(
                        flags.iter().any(|f| f == flag),
                        "docs/consumers.md line {at}: `mql-studio {command}` has no flag \
                         {flag}:\n{line}\n\n{help}"
                    );
                }
            }
        }
    }
}

/// The flags a `--help` text lists: the `--name` words of its option lines.
fn help_flags(help: &str) -> Vec<String> {
    help.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('-'))
        .flat_map(|line| {
            line.split([' ', ','])
                .take_while(|word| word.is_empty() || word.starts_with('-'))
                .filter(|word| word.starts_with("--"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_sql_of_the_doc_is_the_sql_the_model_compiles_to() {
    // §3.1: the SQL beside the model is what `sql` writes for it; a changed model changes it.
    let dir = doc_folder();
    run_doc_commands(dir.path());
    let sql = std::fs::read_to_string(dir.path().join("models/default.postgres.sql")).unwrap();
    assert!(sql.contains("CREATE OR REPLACE VIEW \"crm\".\"lead_scores\" AS"));
    for cte in ["leads_read AS ", "rule_results AS ", "scored AS ("] {
        assert!(sql.contains(cte), "the SQL has no CTE {cte}");
    }
    // The comment the doc quotes names the rule, its label and its rationale.
    let quoted = "-- fit-senior-title: Senior decision maker (why: Sales closes with budget \
                  holders; managers rarely sign.)";
    assert!(
        sql.contains(quoted),
        "the compiled SQL has no line {quoted:?}"
    );
    assert!(DOC.contains(quoted), "the doc no longer quotes {quoted:?}");
}

// --- the engine jobs ---------------------------------------------------------------------

/// A named file of the doc: the fenced block whose first line (after a `#!` line) is
/// `# NAME: …` or `-- NAME: …`.
fn doc_file(name: &str) -> String {
    let blocks = fenced_blocks(DOC);
    let block = blocks
        .iter()
        .find(|b| {
            let mut lines = b.text.lines().skip_while(|l| l.starts_with("#!"));
            lines.next().is_some_and(|first| {
                first.starts_with(&format!("# {name}:"))
                    || first.starts_with(&format!("-- {name}:"))
            })
        })
        .unwrap_or_else(|| panic!("docs/consumers.md has no block that starts `# {name}:`"));
    block.text.clone()
}

/// What `mql-studio score` writes as JSON for the doc's leads, by lead id: (fit, engagement,
/// score, status, grade, fired rules joined with `;`).
type Scored = HashMap<String, (f64, f64, f64, String, String, String)>;

fn scored_by_cli(dir: &Path) -> Scored {
    let args: Vec<String> = [
        "score",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
        "--events",
        "assets/events.csv",
        "--out",
        "reference.json",
    ]
    .map(str::to_owned)
    .to_vec();
    let output = run_in(dir, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.join("reference.json")).unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    rows.iter()
        .map(|row| {
            let fired: Vec<&str> = row["fired_rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_str().unwrap())
                .collect();
            (
                row["id"].as_str().unwrap().to_owned(),
                (
                    row["fit"].as_f64().unwrap(),
                    row["engagement"].as_f64().unwrap(),
                    row["score"].as_f64().unwrap(),
                    row["status"].as_str().unwrap().to_owned(),
                    row["grade"].as_str().unwrap().to_owned(),
                    fired.join(";"),
                ),
            )
        })
        .collect()
}

/// The rows of CSV files with the header `id,fit,engagement,score,status,grade,fired_rules`.
fn scored_csv(files: &[PathBuf]) -> Scored {
    let mut rows = Scored::new();
    for file in files {
        let mut reader = csv::Reader::from_path(file).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            header,
            [
                "id",
                "fit",
                "engagement",
                "score",
                "status",
                "grade",
                "fired_rules"
            ],
            "{}",
            file.display()
        );
        for record in reader.records() {
            let record = record.unwrap();
            let number = |i: usize| record[i].parse::<f64>().unwrap();
            rows.insert(
                record[0].to_owned(),
                (
                    number(1),
                    number(2),
                    number(3),
                    record[4].to_owned(),
                    record[5].to_owned(),
                    record[6].to_owned(),
                ),
            );
        }
    }
    rows
}

#[track_caller]
fn assert_same_scores(engine: &str, got: &Scored, want: &Scored) {
    assert_eq!(got.len(), want.len(), "{engine}: leads scored");
    for (id, expected) in want {
        assert_eq!(got.get(id), Some(expected), "{engine}: lead {id}");
    }
}

#[track_caller]
fn assert_ran(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

fn python() -> PathBuf {
    PathBuf::from(std::env::var("MQL_TEST_PYTHON").expect("MQL_TEST_PYTHON, probed by available"))
}

#[test]
fn the_duckdb_job_of_the_doc_scores_as_the_cli_does() {
    if available(Engine::DuckDb).is_none() {
        return;
    }
    let dir = doc_folder();
    run_doc_commands(dir.path());
    std::fs::write(
        dir.path().join("nightly_duckdb.py"),
        doc_file("nightly_duckdb.py"),
    )
    .unwrap();
    let output = Command::new(python())
        .arg("nightly_duckdb.py")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_ran("python nightly_duckdb.py", &output);
    let got = scored_csv(&[dir.path().join("lead_scores.csv")]);
    assert_same_scores("DuckDB", &got, &scored_by_cli(dir.path()));
}

#[test]
fn the_spark_job_of_the_doc_scores_as_the_cli_does() {
    if available(Engine::Spark).is_none() {
        return;
    }
    let dir = doc_folder();
    run_doc_commands(dir.path());
    std::fs::write(
        dir.path().join("nightly_spark.py"),
        doc_file("nightly_spark.py"),
    )
    .unwrap();
    let output = Command::new(python())
        .arg("nightly_spark.py")
        .current_dir(dir.path())
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .env("PYSPARK_PYTHON", python())
        .output()
        .unwrap();
    assert_ran("python nightly_spark.py", &output);
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir.path().join("lead_scores"))
        .expect("the job wrote lead_scores/")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .collect();
    parts.sort();
    let got = scored_csv(&parts);
    assert_same_scores("Spark", &got, &scored_by_cli(dir.path()));
}

/// psql with `args`, connected as MQL_TEST_PG says through libpq's variables (PGHOST, …), as
/// the doc's job connects.
fn psql(dir: &Path, pg_env: &[(String, String)], args: &[&str]) -> Output {
    Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
        .args(args)
        .current_dir(dir)
        .envs(pg_env.iter().cloned())
        .output()
        .expect("psql runs")
}

#[test]
fn the_postgres_job_of_the_doc_scores_as_the_cli_does() {
    if available(Engine::Postgres).is_none() {
        return;
    }
    let conninfo = std::env::var("MQL_TEST_PG").unwrap();
    let mut pg_env: Vec<(String, String)> = conninfo
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .filter_map(|(key, value)| {
            let name = match key {
                "host" => "PGHOST",
                "port" => "PGPORT",
                "user" => "PGUSER",
                "password" => "PGPASSWORD",
                "dbname" => "PGDATABASE",
                _ => return None,
            };
            Some((name.to_owned(), value.to_owned()))
        })
        .collect();
    let dir = doc_folder();
    run_doc_commands(dir.path());

    // A database of its own, so that the job's schema `crm` is nobody else's.
    let database = format!("mql_consumers_doc_{}", std::process::id());
    let drop = format!("DROP DATABASE IF EXISTS {database}");
    assert_ran(
        "psql DROP DATABASE",
        &psql(dir.path(), &pg_env, &["-c", &drop]),
    );
    let create = format!("CREATE DATABASE {database}");
    assert_ran(
        "psql CREATE DATABASE",
        &psql(dir.path(), &pg_env, &["-c", &create]),
    );
    let server_env = pg_env.clone();
    pg_env.retain(|(name, _)| name != "PGDATABASE");
    pg_env.push(("PGDATABASE".to_owned(), database.clone()));

    // The warehouse's tables: the CSV exports in all-text columns named by their headers.
    let leads_header = std::fs::read_to_string(dir.path().join("assets/leads.csv")).unwrap();
    let columns: Vec<String> = leads_header
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(|name| format!("\"{name}\" text"))
        .collect();
    let setup = format!(
        "CREATE SCHEMA crm;\n\
         CREATE TABLE crm.leads ({});\n\
         CREATE TABLE crm.events (\"Lead ID\" text, \"Activity\" text, \"Timestamp\" text);\n\
         \\copy crm.leads FROM 'assets/leads.csv' WITH (FORMAT csv, HEADER true)\n\
         \\copy crm.events FROM 'assets/events.csv' WITH (FORMAT csv, HEADER true)\n",
        columns.join(", ")
    );
    std::fs::write(dir.path().join("setup.sql"), setup).unwrap();
    assert_ran(
        "psql -f setup.sql",
        &psql(dir.path(), &pg_env, &["-f", "setup.sql"]),
    );

    // The job, as the doc writes it, with the binary on PATH.
    std::fs::write(
        dir.path().join("nightly-postgres.sh"),
        doc_file("nightly-postgres.sh"),
    )
    .unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_mql-studio"))
        .parent()
        .unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let job = Command::new("sh")
        .arg("nightly-postgres.sh")
        .current_dir(dir.path())
        .envs(pg_env.iter().cloned())
        .env("PATH", path)
        .output()
        .unwrap();
    let result = psql(
        dir.path(),
        &pg_env,
        &[
            "-c",
            "\\copy (SELECT * FROM crm.lead_scores_today) TO 'lead_scores.csv' \
             WITH (FORMAT csv, HEADER true)",
        ],
    );
    let dropped = psql(dir.path(), &server_env, &["-c", &drop]);
    assert_ran("sh nightly-postgres.sh", &job);
    assert_ran("psql \\copy crm.lead_scores_today", &result);
    assert_ran("psql DROP DATABASE", &dropped);
    let got = scored_csv(&[dir.path().join("lead_scores.csv")]);
    assert_same_scores("PostgreSQL", &got, &scored_by_cli(dir.path()));
}
