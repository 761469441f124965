//! Lead sets and event logs written inline in a test.

use mql_studio::generate::{GenerateOptions, generate};
use mql_studio::leads::{
    LeadSet, LeadsError, LoadOptions, LoadReport, RowError, read_events_csv, read_leads_csv,
};
use mql_studio::model::{FieldSpec, Model};

/// Reads an inline leads CSV, as a file named `leads.csv`.
pub fn read_leads(csv: &str, options: &LoadOptions) -> Result<(LeadSet, LoadReport), LeadsError> {
    read_leads_csv(csv.as_bytes(), "leads.csv", options)
}

/// Reads an inline event log, as a file named `events.csv`, into `set`.
pub fn read_events(
    set: &mut LeadSet,
    csv: &str,
    skip_bad_rows: bool,
) -> Result<LoadReport, LeadsError> {
    read_events_csv(csv.as_bytes(), "events.csv", set, skip_bad_rows)
}

/// An inline leads CSV with no declared fields; it must load.
#[track_caller]
pub fn leads(csv: &str) -> LeadSet {
    leads_with_fields(csv, Vec::new())
}

/// An inline leads CSV with declared fields (kinds and aliases); it must load.
#[track_caller]
pub fn leads_with_fields(csv: &str, fields: Vec<FieldSpec>) -> LeadSet {
    let options = LoadOptions {
        fields,
        ..LoadOptions::default()
    };
    read_leads(csv, &options)
        .unwrap_or_else(|e| panic!("the inline leads do not load: {e}\n{csv}"))
        .0
}

/// An inline leads CSV read the way the CLI reads it for `model` (its declared fields and
/// aliases): every row must load, without a warning.
#[track_caller]
pub fn leads_for(model: &Model, csv: &str) -> LeadSet {
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (leads, report) =
        read_leads(csv, &options).unwrap_or_else(|e| panic!("the inline leads do not load: {e}"));
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.rows_read, leads.len());
    leads
}

/// Attaches an inline event log (lead id, activity, timestamp): every row must load, without a
/// warning.
#[track_caller]
pub fn with_events(mut set: LeadSet, csv: &str) -> LeadSet {
    let report = read_events(&mut set, csv, false)
        .unwrap_or_else(|e| panic!("the inline events do not load: {e}"));
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    set
}

/// The row error of a load that must fail on a row.
#[track_caller]
pub fn row_error<T: std::fmt::Debug>(result: Result<T, LeadsError>) -> RowError {
    match result {
        Err(LeadsError::Row(error)) => error,
        other => panic!("expected a row error, got {other:?}"),
    }
}

/// Generated leads: with an event log (`events: true`) or with count columns only.
pub fn generated(count: usize, seed: u64, events: bool, fields: &[FieldSpec]) -> (LeadSet, i32) {
    let options = GenerateOptions {
        leads: count,
        seed,
        count_columns: !events,
        ..GenerateOptions::default()
    };
    let (mut leads_csv, mut events_csv) = (Vec::new(), Vec::new());
    let summary = generate(&options, &mut leads_csv, &mut events_csv).expect("generate");
    assert_eq!(summary.leads, count);
    let load = LoadOptions {
        fields: fields.to_vec(),
        ..LoadOptions::default()
    };
    let (mut set, report) = read_leads_csv(&leads_csv, "generated.csv", &load).expect("leads");
    assert_eq!(report.rows_read, count);
    assert!(report.skipped.is_empty());
    if events {
        let report = read_events_csv(&events_csv, "events.csv", &mut set, false).expect("events");
        assert_eq!(report.rows_read, summary.events);
        assert!(summary.events > count, "a realistic event log");
    }
    (set, options.as_of)
}

/// Writes `set` back as the app's *Save leads with verdicts…* does, with `verdicts`, and reads
/// the written file again with `options`. Returns the written text too.
#[track_caller]
pub fn written_back(
    set: &LeadSet,
    verdicts: &[Option<mql_studio::leads::Verdict>],
    options: &LoadOptions,
) -> (String, LeadSet, LoadReport) {
    let verdicts = mql_studio::leads::Verdicts::from_verdicts(verdicts.to_vec());
    written_back_with(set, &verdicts, options)
}

/// [`written_back`] with verdicts that say who recorded them.
#[track_caller]
pub fn written_back_with(
    set: &LeadSet,
    verdicts: &mql_studio::leads::Verdicts,
    options: &LoadOptions,
) -> (String, LeadSet, LoadReport) {
    let mut bytes = Vec::new();
    mql_studio::export::write_leads_csv(&mut bytes, set, verdicts).expect("written");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let (again, report) = read_leads(&text, options)
        .unwrap_or_else(|e| panic!("the written leads do not load: {e}\n{text}"));
    (text, again, report)
}
