//! The agreed model compiled to SQL: one query that scores a leads table (and an event table)
//! inside a database, with exactly the numbers `mql-studio score` gives (docs/sql.md).
//!
//! Plain functions of the model and [`SqlOptions`]: nothing here touches a database. A feature a
//! dialect cannot compute exactly is refused with a [`SqlError`] that names the rule.

use crate::model::Model;
use std::fmt;

mod cells;
mod columns;
mod dialect;
mod events;
mod query;

/// The SQL engines the compiler writes for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Dialect {
    #[default]
    DuckDb,
    Postgres,
    Spark,
    BigQuery,
    Snowflake,
}

impl Dialect {
    pub const ALL: [Dialect; 5] = [
        Dialect::DuckDb,
        Dialect::Postgres,
        Dialect::Spark,
        Dialect::BigQuery,
        Dialect::Snowflake,
    ];

    /// The name used on the command line and in file names: `duckdb`, `postgres`, ….
    pub fn code(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
            Dialect::BigQuery => "bigquery",
            Dialect::Snowflake => "snowflake",
        }
    }

    /// The engine's name as people write it: `DuckDB`, `PostgreSQL`, ….
    pub fn label(self) -> &'static str {
        match self {
            Dialect::DuckDb => "DuckDB",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Spark => "Spark SQL",
            Dialect::BigQuery => "BigQuery",
            Dialect::Snowflake => "Snowflake",
        }
    }

    /// The dialect for a code (`duckdb`, `postgres`/`postgresql`, `spark`, `bigquery`, `snowflake`).
    pub fn from_code(code: &str) -> Option<Dialect> {
        match code.trim().to_ascii_lowercase().as_str() {
            "duckdb" => Some(Dialect::DuckDb),
            "postgres" | "postgresql" | "pg" => Some(Dialect::Postgres),
            "spark" | "sparksql" | "databricks" => Some(Dialect::Spark),
            "bigquery" | "bq" => Some(Dialect::BigQuery),
            "snowflake" => Some(Dialect::Snowflake),
            _ => None,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The as-of day that windows and decay count back from.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum AsOf {
    /// The CLI's default: the day of the latest event not later than tomorrow (the engine's
    /// `CURRENT_DATE` + 1), else `CURRENT_DATE`.
    #[default]
    LatestEvent,
    /// A fixed day (days since 1970-01-01).
    Day(i32),
    /// A column of the leads table holding each lead's as-of date.
    Column(String),
}

/// The columns of the event table.
#[derive(Clone, Debug, PartialEq)]
pub struct EventColumns {
    pub lead_id: String,
    pub activity: String,
    pub timestamp: String,
}

impl Default for EventColumns {
    fn default() -> Self {
        EventColumns {
            lead_id: "lead_id".to_owned(),
            activity: "activity".to_owned(),
            timestamp: "timestamp".to_owned(),
        }
    }
}

/// What the SQL text is: a query, or a statement that stores its result.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Output {
    #[default]
    Query,
    View(String),
    Table(String),
}

/// Where the leads and events are, and what the SQL writes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SqlOptions {
    pub dialect: Dialect,
    /// The leads table (`schema.table` allowed); default `leads`.
    pub leads_table: String,
    /// The event table; `None` reads count columns from the leads table (§3.6).
    pub events_table: Option<String>,
    /// The leads table's column names (for example a CSV export's header): fields are matched to
    /// them as `score` matches a file's header (§3.2). `None`: a field's column is its name.
    pub leads_columns: Option<Vec<String>>,
    /// `(field, column)`: a column named for a field, before any matching.
    pub column_overrides: Vec<(String, String)>,
    /// The id column; `None`: found in `leads_columns` as §3.4 says, else `id`.
    pub id_column: Option<String>,
    pub event_columns: EventColumns,
    pub as_of: AsOf,
    pub output: Output,
}

/// Why a model was not compiled.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SqlError {
    /// A rule uses something the dialect cannot compute exactly.
    #[error("{dialect}: rule `{rule}`: {reason}")]
    Unsupported {
        dialect: Dialect,
        rule: String,
        reason: String,
    },
    /// An option cannot be used (a table or column name that is not allowed, …).
    #[error("{0}")]
    Option(String),
    /// The model has validation errors: it is not scored anywhere.
    #[error("the model has {count} error(s) and is not compiled; first: {first}")]
    Invalid { count: usize, first: String },
}

/// The model as one SQL query (or statement) in the options' dialect: it returns, for every
/// lead of the leads table, what `mql-studio score` gives for it (docs/sql.md).
pub fn compile(model: &Model, options: &SqlOptions) -> Result<String, SqlError> {
    if let Some((count, first)) = crate::validate::error_summary(&crate::validate::validate(model))
    {
        return Err(SqlError::Invalid { count, first });
    }
    for name in [&options.leads_table]
        .into_iter()
        .chain(options.events_table.as_ref())
    {
        if name.contains([';', '\n', '\r']) || name.contains("--") || name.contains("/*") {
            return Err(SqlError::Option(format!(
                "`{}` is not a table name",
                crate::text::printable(name)
            )));
        }
    }
    if let Some(rule) = holds_nul(model) {
        return Err(SqlError::Unsupported {
            dialect: options.dialect,
            rule,
            reason: "a text holds the character U+0000, which SQL text cannot hold".to_owned(),
        });
    }
    query::build(model, options, &header(model, options))
}

/// The rule (or list) with a text that holds U+0000, if any: such text cannot be written as a
/// SQL literal (PostgreSQL refuses it, others cut it).
fn holds_nul(model: &Model) -> Option<String> {
    use crate::model::{Condition, Criterion};
    let nul = |text: &str| text.contains('\0');
    let condition_nul = |condition: &Condition| match condition {
        Condition::Equals(v) => nul(v),
        Condition::OneOf(vs) | Condition::NotOneOf(vs) | Condition::ContainsAny(vs) => {
            vs.iter().any(|v| nul(v))
        }
        _ => false,
    };
    for rule in &model.fit.rules {
        if nul(&rule.id) || nul(&rule.field) || condition_nul(&rule.condition) {
            return Some(rule.id.clone());
        }
    }
    for rule in &model.engagement.rules {
        if nul(&rule.id) || nul(&rule.activity) || rule.count_column.as_deref().is_some_and(nul) {
            return Some(rule.id.clone());
        }
    }
    for rule in &model.overrides {
        let criteria = rule.when.iter().any(|c| match c {
            Criterion::Field { field, condition } => nul(field) || condition_nul(condition),
            Criterion::Activity {
                activity,
                count_column,
                ..
            } => nul(activity) || count_column.as_deref().is_some_and(nul),
        });
        if nul(&rule.id) || criteria {
            return Some(rule.id.clone());
        }
    }
    if model.fit_grades.iter().any(|b| nul(&b.label)) {
        return Some("fit_grades".to_owned());
    }
    if model.engagement_levels.iter().any(|b| nul(&b.label)) {
        return Some("engagement_levels".to_owned());
    }
    if model.missing_values.iter().any(|m| nul(m)) {
        return Some("missing_values".to_owned());
    }
    None
}

/// The comment at the top: what the SQL is, the model it came from and who signed it.
fn header(model: &Model, options: &SqlOptions) -> String {
    use query::comment_text as c;
    let d = options.dialect;
    let mut lines = vec![
        format!(
            "mql-studio {}: the model `{}` compiled for {}.",
            env!("CARGO_PKG_VERSION"),
            c(&model.name),
            d.label()
        ),
        format!(
            "Model format {}, status {:?}.",
            c(&model.format_version),
            model.status
        ),
    ];
    if model.sign_offs.is_empty() {
        lines.push("Not signed off.".to_owned());
    }
    for sign_off in &model.sign_offs {
        lines.push(format!(
            "Signed by {} for {:?} on {}{}.",
            c(&sign_off.person),
            sign_off.team,
            c(&sign_off.date),
            if sign_off.comment.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", c(sign_off.comment.trim()))
            }
        ));
    }
    if let Some(entry) = model.changelog.last() {
        lines.push(format!(
            "Last change ({}): {}",
            c(&entry.date),
            c(&entry.summary)
        ));
    }
    let leads_table = if options.leads_table.trim().is_empty() {
        "leads"
    } else {
        options.leads_table.trim()
    };
    lines.push(String::new());
    lines.push(format!("Reads the leads table {}.", c(leads_table)));
    match &options.events_table {
        Some(events) => lines.push(format!(
            "Reads the event table {} (columns {}, {}, {}).",
            c(events),
            c(&options.event_columns.lead_id),
            c(&options.event_columns.activity),
            c(&options.event_columns.timestamp)
        )),
        None => lines.push(
            "No event table: activity counts come from count columns of the leads table (§3.6)."
                .to_owned(),
        ),
    }
    lines.push(match &options.as_of {
        AsOf::Day(day) => format!("As of {}.", crate::leads::format_day(*day)),
        AsOf::LatestEvent => {
            "As of the day of the latest event not later than tomorrow (UTC), else today."
                .to_owned()
        }
        AsOf::Column(column) => format!("As of each lead's date in the column {}.", c(column)),
    });
    lines.push(
        "Returns one row per lead: id, fit, engagement, score, status, grade, fired_rules \
         (ids joined with ';'), the values `mql-studio score` writes to JSON (docs/sql.md)."
            .to_owned(),
    );
    let mut text: String = lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                "--\n".to_owned()
            } else {
                format!("-- {l}\n")
            }
        })
        .collect();
    text.push('\n');
    text
}
