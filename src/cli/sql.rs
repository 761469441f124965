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
            "wrote {} ({} SQL, {} lines)",
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
    let parts: Vec<&str> = args.events_columns.split(',').map(str::trim).collect();
    let [lead_id, activity, timestamp] = parts.as_slice() else {
        bail!(
            "--events-columns {:?}: expected three column names separated by commas (lead id, activity, timestamp)",
            args.events_columns
        );
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
        event_columns: EventColumns {
            lead_id: (*lead_id).to_owned(),
            activity: (*activity).to_owned(),
            timestamp: (*timestamp).to_owned(),
        },
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
