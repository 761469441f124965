//! `mql_studio::sql::compile` without an engine: every bundled model compiles for every dialect
//! and parses as that dialect's SQL (sqlparser: BigQuery and Snowflake have no local server, so
//! this and golden files are what checks them), what the SQL says about the model, and what is
//! refused and why.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use mql_studio::format::{load_model, model_from_str};
use mql_studio::model::{Condition, FieldKind, FieldSpec, FitRule, Model, SignOff, Team};
use mql_studio::sql::{AsOf, Dialect, EventColumns, Output, SqlError, SqlOptions, compile};
use sqlparser::dialect::{
    BigQueryDialect, DatabricksDialect, Dialect as ParserDialect, DuckDbDialect, PostgreSqlDialect,
    SnowflakeDialect,
};
use sqlparser::parser::Parser;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample_header() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("assets/leads.csv")).unwrap();
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect()
}

fn options(dialect: Dialect, events: bool) -> SqlOptions {
    SqlOptions {
        dialect,
        leads_table: "crm.leads".to_owned(),
        events_table: events.then(|| "crm.events".to_owned()),
        leads_columns: Some(sample_header()),
        event_columns: EventColumns {
            lead_id: "Lead ID".to_owned(),
            activity: "Activity".to_owned(),
            timestamp: "Timestamp".to_owned(),
        },
        as_of: AsOf::Day(20_758),
        ..SqlOptions::default()
    }
}

fn parser_dialect(dialect: Dialect) -> Box<dyn ParserDialect> {
    match dialect {
        Dialect::DuckDb => Box::new(DuckDbDialect {}),
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Spark => Box::new(DatabricksDialect {}),
        Dialect::BigQuery => Box::new(BigQueryDialect {}),
        Dialect::Snowflake => Box::new(SnowflakeDialect {}),
    }
}

/// The statements of `sql` as the dialect's parser reads them. sqlparser 0.59 knows DuckDB's
/// older lambda syntax only (`(acc, x) -> …`, which DuckDB 1.5 still reads but deprecates), and
/// `AS MATERIALIZED` only in its PostgreSQL dialect: for DuckDB the new lambda is put back in the
/// old form and the keyword left out for the parser; the real DuckDB runs the SQL as written in
/// tests/sql_engines.rs.
fn parse(dialect: Dialect, sql: &str) -> Result<Vec<sqlparser::ast::Statement>, String> {
    let mut sql = sql.replace("lambda acc, x: acc + x", "(acc, x) -> acc + x");
    if dialect == Dialect::DuckDb {
        sql = sql.replace(" AS MATERIALIZED (", " AS (");
    }
    Parser::parse_sql(&*parser_dialect(dialect), &sql).map_err(|e| e.to_string())
}

fn bundled_models() -> Vec<(String, Model)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("models"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                load_model(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_bundled_model_compiles_for_every_dialect_into_one_statement_its_parser_reads() {
    let models = bundled_models();
    assert!(models.len() >= 10);
    for (name, model) in &models {
        for dialect in Dialect::ALL {
            for events in [true, false] {
                let sql = compile(model, &options(dialect, events))
                    .unwrap_or_else(|e| panic!("{name} for {dialect}: {e}"));
                let statements = parse(dialect, &sql)
                    .unwrap_or_else(|e| panic!("{name} for {dialect} (events {events}): {e}"));
                assert_eq!(statements.len(), 1, "{name} for {dialect}: one statement");
            }
        }
    }
}

/// The default model's SQL for BigQuery and Snowflake, as reviewed: a change to the compiler
/// that changes it shows in the diff (`MQL_UPDATE_GOLDEN=1 cargo test --test sql_compile`
/// writes the files again).
#[test]
fn the_default_models_sql_for_every_dialect_matches_its_golden_file() {
    let model = load_model(&root().join("models/default.ron")).unwrap();
    for dialect in Dialect::ALL {
        let sql = compile(&model, &options(dialect, true)).unwrap();
        let path = root().join(format!("tests/golden/sql/default.{}.sql", dialect.code()));
        if std::env::var_os("MQL_UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &sql).unwrap();
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            golden == sql,
            "{} differs from the compiler's output (MQL_UPDATE_GOLDEN=1 writes it again)",
            path.display()
        );
    }
}

#[test]
fn the_sql_names_the_model_its_sign_offs_and_every_rule_with_its_rationale() {
    let mut model = load_model(&root().join("models/default.ron")).unwrap();
    model.sign(SignOff {
        team: Team::Sales,
        person: "Sam Rivera".to_owned(),
        date: "2026-11-30".to_owned(),
        comment: String::new(),
    });
    model.fit.rules[1].enabled = false;
    let disabled = model.fit.rules[1].id.clone();
    let sql = compile(&model, &options(Dialect::Postgres, true)).unwrap();
    assert!(sql.starts_with("-- mql-studio "));
    assert!(sql.contains(&model.name), "the model's name");
    assert!(sql.contains("Signed by Sam Rivera for Sales on 2026-11-30"));
    assert!(sql.contains("As of 2026-11-01."), "{}", &sql[..600]);
    for rule in model.fit.rules.iter().filter(|r| r.enabled) {
        assert!(
            sql.contains(&format!("-- {}", rule.id)),
            "{} is named",
            rule.id
        );
        if !rule.rationale.is_empty() {
            assert!(
                sql.contains(rule.rationale.trim()),
                "{}'s rationale",
                rule.id
            );
        }
    }
    for rule in &model.engagement.rules {
        assert!(
            sql.contains(&format!("'{}'", rule.id)),
            "{} is a fired-rule id",
            rule.id
        );
    }
    assert!(
        !sql.contains(&format!("'{disabled}'")),
        "a disabled rule does not fire"
    );
}

#[test]
fn user_text_in_comments_cannot_end_the_comment() {
    let mut model = load_model(&root().join("models/default.ron")).unwrap();
    model.fit.rules[0].rationale = "ok\nDROP TABLE leads; --\r\u{2028}SELECT 1".to_owned();
    model.name = "name\nDELETE FROM leads".to_owned();
    for dialect in Dialect::ALL {
        let sql = compile(&model, &options(dialect, true)).unwrap();
        for line in sql.lines() {
            assert!(
                !line.trim_start().starts_with("DROP") && !line.trim_start().starts_with("DELETE"),
                "{dialect}: {line}"
            );
        }
        let statements = parse(dialect, &sql).unwrap();
        assert_eq!(statements.len(), 1);
    }
}

#[test]
fn a_view_or_a_table_can_be_written_instead_of_a_query() {
    let model = load_model(&root().join("models/default.ron")).unwrap();
    for (output, start) in [
        (
            Output::View("scoring.mql_scores".to_owned()),
            "CREATE OR REPLACE VIEW",
        ),
        (
            Output::Table("mql_scores".to_owned()),
            "CREATE OR REPLACE TABLE",
        ),
    ] {
        let sql = compile(
            &model,
            &SqlOptions {
                output: output.clone(),
                ..options(Dialect::DuckDb, true)
            },
        )
        .unwrap();
        let body = sql
            .lines()
            .find(|l| !l.starts_with("--") && !l.is_empty())
            .unwrap();
        assert!(body.starts_with(start), "{output:?}: {body}");
        parse(Dialect::DuckDb, &sql).unwrap();
    }
    // PostgreSQL and Spark (without Delta) cannot replace a table: it is dropped first.
    for dialect in [Dialect::Postgres, Dialect::Spark] {
        let sql = compile(
            &model,
            &SqlOptions {
                output: Output::Table("mql_scores".to_owned()),
                ..options(dialect, true)
            },
        )
        .unwrap();
        let statements = parse(dialect, &sql).unwrap();
        assert_eq!(statements.len(), 2, "{dialect}");
        assert!(
            statements[0]
                .to_string()
                .starts_with("DROP TABLE IF EXISTS")
        );
        assert!(statements[1].to_string().starts_with("CREATE TABLE"));
    }
}

fn tiny_model(field_kind: Option<FieldKind>, condition: Condition) -> Model {
    let mut model =
        model_from_str(&std::fs::read_to_string(root().join("models/default.ron")).unwrap())
            .unwrap();
    model.fields = field_kind
        .map(|kind| FieldSpec {
            name: "employees".to_owned(),
            kind,
            aliases: vec!["Number of Employees".to_owned()],
        })
        .into_iter()
        .collect();
    model.fit.rules = vec![FitRule {
        id: "fit-size-text".to_owned(),
        label: "Size mentions 200".to_owned(),
        field: "employees".to_owned(),
        condition,
        points: 10.0,
        enabled: true,
        proposed_by: None,
        rationale: String::new(),
    }];
    model
}

#[test]
fn contains_any_on_a_declared_number_is_refused_naming_the_rule() {
    let model = tiny_model(
        Some(FieldKind::Number),
        Condition::ContainsAny(vec!["200".to_owned()]),
    );
    for dialect in Dialect::ALL {
        match compile(&model, &options(dialect, false)) {
            Err(SqlError::Unsupported { rule, reason, .. }) => {
                assert_eq!(rule, "fit-size-text");
                assert!(
                    reason.contains("ContainsAny on a number column"),
                    "{reason}"
                );
            }
            other => panic!("{dialect}: {other:?}"),
        }
    }
    // Undeclared, the column's type is only known when the query runs: the query stops there
    // with the same reason instead of answering differently.
    let model = tiny_model(None, Condition::ContainsAny(vec!["200".to_owned()]));
    let sql = compile(
        &model,
        &SqlOptions {
            column_overrides: vec![("employees".to_owned(), "Number of Employees".to_owned())],
            ..options(Dialect::DuckDb, false)
        },
    )
    .unwrap();
    assert!(
        sql.contains("error('mql-studio: rule `fit-size-text`: ContainsAny on a number column")
    );
}

#[test]
fn a_model_with_errors_a_nul_character_or_a_bad_table_name_is_refused() {
    let mut invalid = tiny_model(None, Condition::AtLeast(200.0));
    invalid.combine.mql_threshold = -1.0;
    assert!(matches!(
        compile(&invalid, &options(Dialect::Spark, false)),
        Err(SqlError::Invalid { .. })
    ));

    let nul = tiny_model(None, Condition::Equals("a\0b".to_owned()));
    match compile(&nul, &options(Dialect::Postgres, false)) {
        Err(SqlError::Unsupported { rule, reason, .. }) => {
            assert_eq!(rule, "fit-size-text");
            assert!(reason.contains("U+0000"));
        }
        other => panic!("{other:?}"),
    }

    let model = tiny_model(None, Condition::AtLeast(200.0));
    for table in ["leads; DROP TABLE x", "leads -- x", "a\nb"] {
        let result = compile(
            &model,
            &SqlOptions {
                leads_table: table.to_owned(),
                ..options(Dialect::DuckDb, false)
            },
        );
        assert!(
            matches!(result, Err(SqlError::Option(_))),
            "{table:?}: {result:?}"
        );
    }

    let mut numbered_ids = model.clone();
    numbered_ids.fields.push(FieldSpec {
        name: "Lead ID".to_owned(),
        kind: FieldKind::Number,
        aliases: Vec::new(),
    });
    match compile(&numbered_ids, &options(Dialect::DuckDb, false)) {
        Err(SqlError::Option(message)) => assert!(message.contains("declared number"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn fields_find_their_columns_by_name_alias_or_flag_and_a_missing_column_is_missing() {
    let model = load_model(&root().join("models/default.ron")).unwrap();
    let sql = compile(&model, &options(Dialect::DuckDb, false)).unwrap();
    // `employees` has the alias "Number of Employees" (the sample file's header).
    assert!(sql.contains("\"Number of Employees\""));
    // Without a header, a field's column is its name.
    let plain = compile(
        &model,
        &SqlOptions {
            leads_columns: None,
            ..options(Dialect::DuckDb, false)
        },
    )
    .unwrap();
    assert!(plain.contains("\"employees\"") && !plain.contains("\"Number of Employees\""));
    assert!(plain.contains("\"lead_id\""), "the default id column");
    // A flag names the column.
    let mapped = compile(
        &model,
        &SqlOptions {
            leads_columns: None,
            column_overrides: vec![("employees".to_owned(), "headcount".to_owned())],
            ..options(Dialect::DuckDb, false)
        },
    )
    .unwrap();
    assert!(mapped.contains("\"headcount\""));
    // A header without the field's column: the field is missing for every lead, and the
    // query does not read a column that is not there.
    let without = compile(
        &model,
        &SqlOptions {
            leads_columns: Some(vec!["Lead ID".to_owned(), "Job Title".to_owned()]),
            ..options(Dialect::DuckDb, false)
        },
    )
    .unwrap();
    assert!(!without.contains("\"employees\"") && !without.contains("Number of Employees\""));
}

/// The README's `sql` example is the command's real output: the line it prints, the file's
/// first lines, and the rule comment it quotes.
#[test]
fn the_readme_shows_the_sql_commands_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("$ mql-studio sql "))
        .expect("the README shows `mql-studio sql`");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("score.duckdb.sql");
    let args: Vec<String> = lines[at]["$ mql-studio ".len()..]
        .split_whitespace()
        .map(|a| {
            if a == "score.duckdb.sql" {
                common::cli::path_str(&out).to_owned()
            } else {
                a.to_owned()
            }
        })
        .collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = common::cli::run(&refs);
    assert!(output.status.success(), "{}", common::cli::stderr(&output));
    let printed =
        common::cli::stderr(&output).replace(common::cli::path_str(&out), "score.duckdb.sql");
    assert_eq!(printed.trim_end(), lines[at + 1], "the line `sql` prints");
    let sql = std::fs::read_to_string(&out).unwrap();
    let head = lines
        .iter()
        .position(|l| *l == "$ head -8 score.duckdb.sql")
        .expect("the README shows the file's head");
    let written: Vec<&str> = sql.lines().take(8).collect();
    assert_eq!(written, lines[head + 1..head + 9], "the file's first lines");
    let comment = lines
        .iter()
        .skip_while(|l| !l.starts_with("$ grep -A1 \"fit-senior-title:\""))
        .nth(1)
        .unwrap();
    assert!(sql.contains(comment), "{comment}");
}
