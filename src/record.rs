//! A hypothetical lead typed by hand ("test a record"): what would this lead score? It is scored
//! exactly like an imported one, because its values go through the same CSV reader (so "250",
//! "yes" or "2024-05-01" read as they would from a file) and the same [`explain`]. It is never
//! added to the leads.

use std::collections::BTreeMap;

use crate::leads::{LeadSet, LeadsError, LoadOptions, normalize_name, read_leads_csv};
use crate::model::{Criterion, Model};
use crate::scoring::{Explanation, explain};

/// The id the typed lead gets (a lead needs one; no model field reads it).
pub const RECORD_ID: &str = "test-record";

/// What a column of the record holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordColumnKind {
    /// A field a fit rule or an override reads.
    Field,
    /// How many times the lead did an activity (read like a count column).
    Activity,
}

/// One value to type: its CSV header (the name people know from their CRM export) and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordColumn {
    pub header: String,
    pub kind: RecordColumnKind,
}

/// The values typed so far, by CSV header; a header not typed is empty (missing, or 0 times).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub values: BTreeMap<String, String>,
}

/// The columns a record for `model` has: every field its fit rules and overrides read (under
/// the field's first alias, the header of a typical export, else its name), then every
/// activity its engagement rules and overrides count (under the count column's name). Each
/// header once, in model order.
pub fn record_columns(model: &Model) -> Vec<RecordColumn> {
    let header_of = |field: &str| {
        model
            .field_spec(field)
            .and_then(|spec| spec.aliases.first().cloned())
            .unwrap_or_else(|| field.to_owned())
    };
    let mut fields: Vec<String> = model
        .fit
        .rules
        .iter()
        .map(|r| header_of(&r.field))
        .collect();
    let mut activities: Vec<String> = model
        .engagement
        .rules
        .iter()
        .map(|r| r.count_column_name().to_owned())
        .collect();
    for rule in &model.overrides {
        for criterion in &rule.when {
            match criterion {
                Criterion::Field { field, .. } => fields.push(header_of(field)),
                Criterion::Activity {
                    activity,
                    count_column,
                    ..
                } => activities.push(count_column.clone().unwrap_or_else(|| activity.clone())),
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut columns = Vec::new();
    for (headers, kind) in [
        (fields, RecordColumnKind::Field),
        (activities, RecordColumnKind::Activity),
    ] {
        for header in headers {
            if !header.trim().is_empty() && seen.insert(normalize_name(&header)) {
                columns.push(RecordColumn { header, kind });
            }
        }
    }
    columns
}

impl Record {
    /// The record as a one-lead set, read by the leads reader with the model's field types.
    pub fn lead_set(&self, model: &Model) -> Result<LeadSet, LeadsError> {
        let columns = record_columns(model);
        let mut header = vec![quoted("Lead ID")];
        let mut row = vec![quoted(RECORD_ID)];
        for column in &columns {
            header.push(quoted(&column.header));
            row.push(quoted(
                self.values.get(&column.header).map_or("", String::as_str),
            ));
        }
        let csv = format!("{}\n{}\n", header.join(","), row.join(","));
        let options = LoadOptions {
            fields: model.fields.clone(),
            delimiter: Some(b','),
            id_column: Some("Lead ID".to_owned()),
            ..LoadOptions::default()
        };
        read_leads_csv(csv.as_bytes(), "the typed lead", &options).map(|(leads, _)| leads)
    }
}

/// Why a typed lead cannot be scored.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// A value does not read as its field's type (e.g. "lots" in a number field).
    #[error("{header}: {message}")]
    Value { header: String, message: String },
    #[error(transparent)]
    Leads(LeadsError),
}

/// The typed lead's score and why, as of a day; an error names the field whose value does not
/// read and says why.
pub fn explain_record(
    model: &Model,
    record: &Record,
    as_of: i32,
) -> Result<Explanation, RecordError> {
    let leads = record.lead_set(model).map_err(|error| match error {
        LeadsError::Row(row) => RecordError::Value {
            header: row.column.unwrap_or_default(),
            message: row.message,
        },
        other => RecordError::Leads(other),
    })?;
    Ok(explain(model, &leads, 0, as_of))
}

/// A CSV cell that holds any text: quoted, quotes doubled; line breaks become spaces (a typed
/// value is one line).
fn quoted(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    format!("\"{}\"", one_line.replace('"', "\"\""))
}
