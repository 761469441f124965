//! The harness that runs SQL on real engines (tests/common/engines.rs, tests/engines/run.py),
//! checked with hand-written queries: CSV cells arrive exactly (quotes, commas, line breaks,
//! spaces, empty cells), doubles come back bit for bit, each case sees only its own tables, and a
//! failing query gives the engine's message. Each engine is skipped when it is not set up here
//! (see .ci/engines.sh), and fails under CI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::engines::{Engine, Row, available, write_case};

/// A byte-order mark, a padded header cell, CRLF line ends, a quoted comma, doubled quotes, a
/// line break inside a cell, a blank line, cells with spaces and empty cells.
const LEADS: &str = "\u{feff} Lead ID ,Company,Note,Score text\r\n\
                     L1,\"Acme, Inc.\",,0.1\r\n\
                     L2,\"Say \"\"hi\"\"\",\"two\r\nlines\",0.2\r\n\
                     \r\n\
                     L3,  spaced  ,plain,\r\n";

/// `;` as the delimiter (more semicolons than commas in the header, as mql-studio detects).
const EVENTS: &str = "lead_id;activity;timestamp\n\
                      L1;Email Open;2024-05-01\n\
                      L2;Webinar;2024-05-02\n\
                      L1;Demo, booked;2024-05-03\n";

/// The query in the engine's dialect: `{q<}…{q>}` quotes an identifier, `{double}` is the type.
fn dialect(engine: Engine, template: &str) -> String {
    let (open, close, double) = match engine {
        Engine::DuckDb => ("\"", "\"", "DOUBLE"),
        Engine::Postgres => ("\"", "\"", "DOUBLE PRECISION"),
        Engine::Spark => ("`", "`", "DOUBLE"),
    };
    template
        .replace("{q<}", open)
        .replace("{q>}", close)
        .replace("{double}", double)
}

const QUERY: &str = "WITH counts AS (
    SELECT lead_id, COUNT(*) AS n FROM events GROUP BY lead_id
)
SELECT
    l.{q<}Lead ID{q>} AS id,
    CAST(0.1 AS {double}) + CAST(0.2 AS {double}) AS fit,
    CAST(NULLIF(l.{q<}Score text{q>}, '') AS {double}) AS engagement,
    CAST(COALESCE(c.n, 0) AS {double}) AS score,
    l.{q<}Company{q>} AS status,
    COALESCE(l.{q<}Note{q>}, 'empty') AS grade,
    l.{q<}Note{q>} AS fired_rules
FROM leads AS l
LEFT JOIN counts AS c ON c.lead_id = l.{q<}Lead ID{q>}
ORDER BY id";

fn row(id: &str, engagement: f64, score: f64, status: &str, grade: &str, fired: &str) -> Row {
    Row {
        id: id.to_owned(),
        // 0.1 + 0.2 in doubles: the last digit shows that no decimal rounding came in between.
        fit: 0.300_000_000_000_000_04,
        engagement,
        score,
        status: status.to_owned(),
        grade: grade.to_owned(),
        fired_rules: fired.to_owned(),
    }
}

/// Rows compared exactly: `{:?}` writes a double in the shortest form that reads back as the
/// same bits (NaN as `NaN`, -0.0 as `-0.0`).
fn shown(rows: &[Row]) -> String {
    format!("{rows:#?}")
}

#[track_caller]
fn assert_rows(engine: Engine, result: &Result<Vec<Row>, String>, expected: &[Row]) {
    match result {
        Ok(rows) => assert_eq!(shown(rows), shown(expected), "{}", engine.code()),
        Err(message) => panic!("{}: the query failed:\n{message}", engine.code()),
    }
}

#[track_caller]
fn assert_error(engine: Engine, result: &Result<Vec<Row>, String>, wanted: &str) -> String {
    match result {
        Ok(rows) => panic!("{}: expected an error, got {rows:?}", engine.code()),
        Err(message) => {
            assert!(
                message.contains(wanted),
                "{}: the error should mention {wanted:?}:\n{message}",
                engine.code()
            );
            message.clone()
        }
    }
}

fn harness(engine: Engine) {
    let Some(runner) = available(engine) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let case = |name: &str, events: Option<&str>, query: &str| -> PathBuf {
        write_case(
            &dir.path().join(name),
            LEADS,
            events,
            &dialect(engine, query),
        )
    };
    let cases = [
        case("scores", Some(EVENTS), QUERY),
        case("broken", Some(EVENTS), "SELECT no_such_column FROM leads"),
        // No events.csv: the events of the first case must be gone.
        case("no-events", None, QUERY),
        // 1.5 is a DECIMAL (numeric) literal in all three engines: a result column that is
        // not a double is reported, not compared.
        case(
            "decimal",
            None,
            "SELECT {q<}Lead ID{q>} AS id, 1.5 AS fit, 1.5 AS engagement, 1.5 AS score,
                 'a' AS status, 'b' AS grade, '' AS fired_rules FROM leads",
        ),
        case(
            "no-rows",
            Some(EVENTS),
            &format!("SELECT * FROM ({QUERY}) AS q WHERE 1 = 0"),
        ),
    ];
    let results = runner.run(&cases);
    assert_eq!(results.len(), cases.len());

    assert_rows(
        engine,
        &results[0],
        &[
            row("L1", 0.1, 2.0, "Acme, Inc.", "empty", "<NULL>"),
            row("L2", 0.2, 1.0, "Say \"hi\"", "two\r\nlines", "two\r\nlines"),
            row("L3", f64::NAN, 0.0, "  spaced  ", "plain", "plain"),
        ],
    );
    let message = assert_error(engine, &results[1], "no_such_column");
    assert!(
        !message.starts_with("run.py:"),
        "the engine's own message:\n{message}"
    );
    println!("{}: {message}", engine.code());
    let message = assert_error(engine, &results[2], "events");
    println!("{}: {message}", engine.code());
    let message = assert_error(engine, &results[3], "run.py: result column types: fit is");
    println!("{}: {message}", engine.code());
    assert_rows(engine, &results[4], &[]);

    // The same leads with empty cells as empty strings.
    let results = runner.clone().empty_cells_as_text().run(&cases[..1]);
    assert_rows(
        engine,
        &results[0],
        &[
            row("L1", 0.1, 2.0, "Acme, Inc.", "", ""),
            row("L2", 0.2, 1.0, "Say \"hi\"", "two\r\nlines", "two\r\nlines"),
            row("L3", f64::NAN, 0.0, "  spaced  ", "plain", "plain"),
        ],
    );
}

#[test]
fn duckdb() {
    harness(Engine::DuckDb);
}

#[test]
fn postgres() {
    harness(Engine::Postgres);
}

#[test]
fn spark() {
    harness(Engine::Spark);
}
