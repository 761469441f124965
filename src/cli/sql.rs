//! `sql`: the model compiled to one SQL query for a database (docs/sql.md).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use super::{load_valid_model, path_text, write_out};
use crate::sql::{AsOf, Dialect, EventColumns, Output, SqlOptions, compile};

#[derive(Debug, Args)]
pub struct SqlArgs {
    #[arg(long)]
    pub model: PathBuf,
    /// duckdb, postgres, spark, bigquery or snowflake.
    #[arg(long)]
    pub dialect: String,
    /// The leads table (schema.table allowed).
    #[arg(long, default_value = "leads", value_name = "TABLE")]
    pub leads_table: String,
    /// The event table (lead id, activity, timestamp); without it, activity counts come from
    /// count columns of the leads table.
    #[arg(long, value_name = "TABLE")]
    pub events_table: Option<String>,
    /// The event table's columns: lead id, activity and timestamp.
    #[arg(
        long,
        value_name = "LEAD,ACTIVITY,TIMESTAMP",
        default_value = "lead_id,activity,timestamp"
    )]
    pub events_columns: String,
    /// A CSV file (an export of the event table, or an event log) whose header names the event
    /// table's lead id, activity and timestamp columns, found as the event log reader finds them
    /// (instead of --events-columns).
    #[arg(
        long,
        value_name = "CSV",
        conflicts_with = "events_columns",
        requires = "events_table"
    )]
    pub events_header: Option<PathBuf>,
    /// A CSV file (an export of the leads table) whose header names the table's columns:
    /// fields then find their columns by name and alias, as `score` finds them in a file.
    #[arg(long, value_name = "CSV")]
    pub leads_header: Option<PathBuf>,
    /// The column of a field (or of a count column), e.g. --column "employees=Company Size"
    /// (repeatable).
    #[arg(long = "column", value_name = "FIELD=COLUMN")]
    pub columns: Vec<String>,
    /// The lead id column (default: found in --leads-header as `score` finds it, else lead_id).
    #[arg(long, value_name = "COLUMN")]
    pub id_column: Option<String>,
    /// Score as of this date (YYYY-MM-DD); default: the day of the latest event not later than
    /// tomorrow, else today (UTC), as `score` does.
    #[arg(long, value_name = "DATE", conflicts_with = "as_of_column")]
    pub as_of: Option<String>,
    /// Score each lead as of the date in this column of the leads table.
    #[arg(long, value_name = "COLUMN")]
    pub as_of_column: Option<String>,
    /// Write `CREATE OR REPLACE VIEW name AS …` instead of a query.
    #[arg(long, value_name = "NAME", conflicts_with = "create_table")]
    pub create_view: Option<String>,
    /// Write `CREATE OR REPLACE TABLE name AS …` instead of a query.
    #[arg(long, value_name = "NAME")]
    pub create_table: Option<String>,
    /// Output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub(super) fn sql_command(args: &SqlArgs) -> Result<i32> {
    let model = load_valid_model(&args.model)?;
    let options = options(args)?;
    let sql = compile(&model, &options)?;
    write_out(args.out.as_deref(), |w| w.write_all(sql.as_bytes()))?;
    if let Some(out) = &args.out {
        eprintln!(
            "wrote {} ({}, {} lines)",
            path_text(out),
            options.dialect.label(),
            sql.lines().count()
        );
    }
    Ok(0)
}

fn options(args: &SqlArgs) -> Result<SqlOptions> {
    let Some(dialect) = Dialect::from_code(&args.dialect) else {
        bail!(
            "--dialect {:?}: expected one of duckdb, postgres, spark, bigquery, snowflake",
            args.dialect
        );
    };
    let event_columns = match &args.events_header {
        Some(path) => read_event_columns(path)?,
        None => {
            let parts: Vec<&str> = args.events_columns.split(',').map(str::trim).collect();
            let [lead_id, activity, timestamp] = parts.as_slice() else {
                bail!(
                    "--events-columns {:?}: expected three column names separated by commas (lead id, activity, timestamp)",
                    args.events_columns
                );
            };
            EventColumns {
                lead_id: (*lead_id).to_owned(),
                activity: (*activity).to_owned(),
                timestamp: (*timestamp).to_owned(),
            }
        }
    };
    let mut column_overrides = Vec::new();
    for pair in &args.columns {
        let Some((field, column)) = pair.split_once('=') else {
            bail!("--column {pair:?}: expected FIELD=COLUMN");
        };
        column_overrides.push((field.trim().to_owned(), column.trim().to_owned()));
    }
    let as_of = match (&args.as_of, &args.as_of_column) {
        (Some(text), _) => AsOf::Day(
            crate::leads::parse_day(text)
                .with_context(|| format!("--as-of {text:?}: expected a date like 2026-11-01"))?,
        ),
        (None, Some(column)) => AsOf::Column(column.clone()),
        (None, None) => AsOf::LatestEvent,
    };
    let output = match (&args.create_view, &args.create_table) {
        (Some(name), _) => Output::View(name.clone()),
        (None, Some(name)) => Output::Table(name.clone()),
        (None, None) => Output::Query,
    };
    Ok(SqlOptions {
        dialect,
        leads_table: args.leads_table.clone(),
        events_table: args.events_table.clone(),
        leads_columns: args.leads_header.as_deref().map(read_header).transpose()?,
        column_overrides,
        id_column: args.id_column.clone(),
        event_columns,
        as_of,
        output,
    })
}

/// The column names in a CSV file's header row (delimiter detected as for leads files).
fn read_header(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path_text(path)))?;
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(crate::leads::detect_delimiter(bytes))
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .with_context(|| format!("{}: cannot read the header row", path_text(path)))?
    {
        if record.iter().any(|cell| !cell.trim().is_empty()) {
            return Ok(record.iter().map(|cell| cell.trim().to_owned()).collect());
        }
    }
    bail!("{}: the file is empty", path_text(path))
}

/// The event table's columns from the header of an event file, found as the event log reader
/// finds them (`crate::leads::event_log_columns`). Reads only the file's first bytes: an event
/// log may be large.
fn read_event_columns(path: &Path) -> Result<EventColumns> {
    use std::io::Read;
    let limit = crate::leads::MAX_HEADER_BYTES.max(crate::leads::HEADER_SNIFF_BYTES);
    let mut prefix = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit as u64).read_to_end(&mut prefix))
        .with_context(|| format!("--events-header: cannot read {}", path_text(path)))?;
    if prefix.len() < limit {
        // The whole file: a header without a line end is still a header.
        prefix.push(b'\n');
    }
    let Some(header) = crate::leads::sniff_header(&prefix) else {
        bail!(
            "--events-header {}: its header row cannot be read",
            path_text(path)
        );
    };
    let Some((lead_id, activity, timestamp)) = crate::leads::event_log_columns(&header) else {
        bail!(
            "--events-header {}: no lead id, activity and timestamp columns in its header ({}); \
             an event log's columns are found by names such as Lead ID, Activity and Timestamp \
             (docs/model-format.md §3.6), or name them with --events-columns",
            path_text(path),
            listed(&header)
        );
    };
    Ok(EventColumns {
        lead_id,
        activity,
        timestamp,
    })
}

/// A header's names for a message: quoted, the first few, then how many more.
fn listed(header: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text = header
        .iter()
        .take(SHOWN)
        .map(|name| crate::text::quoted(name.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    if header.len() > SHOWN {
        text.push_str(&format!(" and {} more", header.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: SqlArgs,
    }

    fn parse(extra: &[&str]) -> Result<SqlArgs, clap::Error> {
        let base = ["sql", "--model", "m.ron", "--dialect", "duckdb"];
        Wrapper::try_parse_from(base.iter().chain(extra)).map(|w| w.args)
    }

    #[test]
    fn the_events_header_names_the_event_tables_columns_as_the_reader_finds_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(
            &path,
            "\u{feff}Notes;\" Contact ID \";Event Type;Occurred At\r\nx;L1;webinar;2026-10-01\r\n",
        )
        .unwrap();
        let file = path.to_str().unwrap();
        let args = parse(&["--events-table", "events", "--events-header", file]).unwrap();
        assert_eq!(
            options(&args).unwrap().event_columns,
            EventColumns {
                lead_id: "Contact ID".to_owned(),
                activity: "Event Type".to_owned(),
                timestamp: "Occurred At".to_owned(),
            }
        );

        // A header without the three columns: an error naming the file and what it has.
        std::fs::write(&path, "Lead ID,Job Title,Employees").unwrap();
        let error = options(&args).unwrap_err().to_string();
        assert!(error.contains(file), "{error}");
        assert!(
            error.contains("no lead id, activity and timestamp columns"),
            "{error}"
        );
        assert!(error.contains("\"Job Title\""), "{error}");
        let missing = dir.path().join("missing.csv");
        let args = parse(&[
            "--events-table",
            "events",
            "--events-header",
            missing.to_str().unwrap(),
        ])
        .unwrap();
        let error = format!("{:#}", options(&args).unwrap_err());
        assert!(error.contains("missing.csv"), "{error}");
    }

    #[test]
    fn the_events_header_replaces_the_events_columns_and_needs_an_event_table() {
        assert!(parse(&["--events-table", "e", "--events-header", "h.csv"]).is_ok());
        assert!(parse(&["--events-header", "h.csv"]).is_err());
        assert!(
            parse(&[
                "--events-table",
                "e",
                "--events-header",
                "h.csv",
                "--events-columns",
                "a,b,c"
            ])
            .is_err()
        );
        let args = parse(&["--events-table", "e"]).unwrap();
        assert_eq!(
            options(&args).unwrap().event_columns,
            EventColumns::default()
        );
    }
}
