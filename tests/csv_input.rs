//! Reading leads and event logs from CRM-style CSV exports.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::leads::{
    Cell, LeadSet, LeadsError, LoadOptions, LoadReport, Outcome, Verdict, format_day, parse_day,
};
use mql_studio::model::{FieldKind, FieldSpec};

mod common;

use common::leads::{leads, read_events, read_leads, row_error};

fn file_error(result: Result<(LeadSet, LoadReport), LeadsError>) -> String {
    match result {
        Err(error @ LeadsError::File { .. }) => error.to_string(),
        other => panic!("expected a file error, got {other:?}"),
    }
}

fn cell(set: &LeadSet, row: usize, column: &str) -> String {
    set.display(row, column)
}

fn number_field(name: &str, aliases: &[&str]) -> FieldSpec {
    FieldSpec {
        name: name.to_owned(),
        kind: FieldKind::Number,
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes, delimiters, quoting

#[test]
fn a_utf8_bom_is_ignored() {
    let set = leads("\u{feff}Lead ID,Title\nL1,CEO\n");
    assert_eq!(set.columns[0].name, "Lead ID");
    assert_eq!(set.id_column, Some(0));
    assert_eq!(set.ids, ["L1"]);
    assert_eq!(cell(&set, 0, "title"), "CEO");
}

#[test]
fn a_semicolon_delimiter_is_detected() {
    // European exports: `;` between cells, commas inside values.
    let set = leads("Lead ID;Company;Employees\nL1;Acme, Inc.;250\nL2;Beta;12\n");
    assert_eq!(set.columns.len(), 3);
    assert_eq!(cell(&set, 0, "company"), "Acme, Inc.");
    assert_eq!(
        set.column_by_name("employees").map(|c| c.cell(1)),
        Some(Cell::Number(12.0))
    );
    // A header with a quoted `;` inside still counts as comma-separated.
    let set = leads("id,\"a;b;c\",x\n1,2,3\n");
    assert_eq!(set.columns.len(), 3);
    assert_eq!(set.columns[1].name, "a;b;c");
    // An explicit delimiter wins over detection.
    let options = LoadOptions {
        delimiter: Some(b';'),
        ..LoadOptions::default()
    };
    let (set, _) = read_leads("id;x,y\n1;2,3\n", &options).expect("loads");
    assert_eq!(set.columns.len(), 2);
    assert_eq!(cell(&set, 0, "x,y"), "2,3");
}

#[test]
fn quoted_fields_keep_commas_quotes_and_newlines() {
    let csv = "id,company,notes\n\
L1,\"Acme, Inc.\",\"first line\nsecond line\"\n\
L2,\"The \"\"Best\"\" Co\",plain\n";
    let set = leads(csv);
    assert_eq!(set.ids, ["L1", "L2"]);
    assert_eq!(cell(&set, 0, "company"), "Acme, Inc.");
    assert_eq!(cell(&set, 0, "notes"), "first line\nsecond line");
    assert_eq!(cell(&set, 1, "company"), "The \"Best\" Co");
}

#[test]
fn windows_line_endings_are_read() {
    let set = leads("id,employees\r\nL1,10\r\nL2,20\r\n");
    assert_eq!(set.ids, ["L1", "L2"]);
    assert_eq!(cell(&set, 1, "employees"), "20");
}

#[test]
fn empty_and_blank_cells_are_missing() {
    let csv = "id,title,employees,target\nL1,,,\nL2,  ,  , \nL3,CEO,10,yes\n";
    let set = leads(csv);
    assert_eq!(set.len(), 3);
    for row in 0..2 {
        for column in ["title", "employees", "target"] {
            let value = set.column_by_name(column).map(|c| c.cell(row));
            assert_eq!(value, Some(Cell::Missing), "row {row}, {column}");
        }
    }
    assert_eq!(
        set.column_by_name("employees").map(|c| c.kind()),
        Some(FieldKind::Number)
    );
    assert_eq!(
        set.column_by_name("target").map(|c| c.kind()),
        Some(FieldKind::Bool)
    );
    assert_eq!(
        set.column_by_name("target").map(|c| c.cell(2)),
        Some(Cell::Bool(true))
    );
}

#[test]
fn rows_with_only_empty_cells_are_skipped_silently() {
    let (set, report) = read_leads(
        "id,title\nL1,CEO\n,\n  ,  \nL2,CTO\n",
        &LoadOptions::default(),
    )
    .expect("loads");
    assert_eq!(set.ids, ["L1", "L2"]);
    assert_eq!(report.rows_read, 2);
    assert!(report.skipped.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Headers

#[test]
fn header_aliases_map_columns_to_model_fields() {
    let fields = vec![number_field(
        "employees",
        &["Number of Employees", "Company Size"],
    )];
    let options = LoadOptions {
        fields: fields.clone(),
        ..LoadOptions::default()
    };
    let (set, _) =
        read_leads("Lead ID,Number of Employees\nL1,150\nL2,\n", &options).expect("loads");
    let index = set
        .column_for("employees", &fields)
        .expect("found by alias");
    assert_eq!(set.columns[index].name, "Number of Employees");
    assert_eq!(set.columns[index].kind(), FieldKind::Number);
    assert_eq!(set.columns[index].cell(0), Cell::Number(150.0));
    assert_eq!(set.columns[index].cell(1), Cell::Missing);
    // Without the declaration the header is not found under the field name.
    assert_eq!(set.column_for("employees", &[]), None);
    // Header matching ignores case, spaces and punctuation.
    let (set, _) = read_leads("lead_id,COMPANY-SIZE\nL1,150\n", &options).expect("loads");
    assert!(set.column_for("employees", &fields).is_some());
}

#[test]
fn renames_map_a_header_to_a_field_name() {
    let fields = vec![number_field("employees", &[])];
    let options = LoadOptions {
        fields: fields.clone(),
        renames: vec![("Headcount".to_owned(), "employees".to_owned())],
        ..LoadOptions::default()
    };
    let (set, _) = read_leads("id,headcount\nL1,75\n", &options).expect("loads");
    assert_eq!(set.columns[1].name, "employees");
    assert_eq!(
        set.columns[1].kind(),
        FieldKind::Number,
        "the declared type applies"
    );
    assert_eq!(
        set.column_for("employees", &fields)
            .map(|i| set.columns[i].cell(0)),
        Some(Cell::Number(75.0))
    );
    // The declared type is enforced on the renamed column.
    let error = row_error(read_leads("id,Headcount\nL1,lots\n", &options));
    assert_eq!(error.row, 2);
    assert_eq!(error.column.as_deref(), Some("employees"));
}

#[test]
fn duplicate_headers_are_refused() {
    let message = file_error(read_leads(
        "id,Job Title,job_title\nL1,a,b\n",
        &LoadOptions::default(),
    ));
    assert!(message.contains("job_title"), "{message}");
    assert!(message.contains("twice"), "{message}");
    assert!(message.starts_with("leads.csv: "), "{message}");
    // A rename onto an existing header makes a duplicate too.
    let options = LoadOptions {
        renames: vec![("Headcount".to_owned(), "employees".to_owned())],
        ..LoadOptions::default()
    };
    let message = file_error(read_leads("id,employees,Headcount\nL1,1,2\n", &options));
    assert!(message.contains("employees"), "{message}");
}

#[test]
fn an_empty_file_is_refused_and_a_header_only_file_has_no_leads() {
    for empty in ["", "\u{feff}", "\n"] {
        let message = file_error(read_leads(empty, &LoadOptions::default()));
        assert!(message.contains("empty"), "{empty:?}: {message}");
    }
    let (set, report) = read_leads("Lead ID,Title\n", &LoadOptions::default()).expect("loads");
    assert!(set.is_empty());
    assert_eq!(report.rows_read, 0);
}

#[test]
fn ids_come_from_the_id_column_or_the_row_number() {
    let (set, report) = read_leads("Title\nCEO\nCTO\n", &LoadOptions::default()).expect("loads");
    assert_eq!(set.ids, ["2", "3"], "spreadsheet rows");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("no lead id column"))
    );
    // A named id column.
    let options = LoadOptions {
        id_column: Some("Email".to_owned()),
        ..LoadOptions::default()
    };
    let (set, _) = read_leads("id,email\n1,a@x.com\n2,b@x.com\n", &options).expect("loads");
    assert_eq!(set.ids, ["a@x.com", "b@x.com"]);
    let options = LoadOptions {
        id_column: Some("nope".to_owned()),
        ..LoadOptions::default()
    };
    assert!(file_error(read_leads("id\n1\n", &options)).contains("nope"));
    // A duplicated id is a warning.
    let (_, report) = read_leads("id\nA\nB\nA\n", &LoadOptions::default()).expect("loads");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("`A`") && w.contains("rows 2 and 4")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn numeric_looking_lead_ids_are_kept_exactly_as_written() {
    // HubSpot and Salesforce ids are often digits; leading zeros and long ids must survive so
    // that the event log and the output refer to the same leads.
    let mut set = leads("Record ID,title\n007,CEO\n12345678901234567890,CTO\n1.50,CFO\n");
    assert_eq!(set.ids, ["007", "12345678901234567890", "1.50"]);
    assert_eq!(set.row_of("007"), Some(0));
    let report = read_events(
        &mut set,
        "Record ID,Activity,Timestamp\n007,demo,2026-10-01\n12345678901234567890,demo,2026-10-01\n",
        false,
    )
    .expect("events load");
    assert_eq!(report.rows_read, 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let log = set.events.as_ref().expect("an event log");
    assert_eq!(log.range(0).len(), 1);
    assert_eq!(log.range(1).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Bad rows

#[test]
fn a_bad_number_in_a_declared_field_names_file_row_and_column() {
    let options = LoadOptions {
        fields: vec![number_field("employees", &["Number of Employees"])],
        ..LoadOptions::default()
    };
    let csv = "Lead ID,Number of Employees\nL1,150\nL2,about 200\nL3,300\n";
    let error = row_error(read_leads(csv, &options));
    assert_eq!(error.file, "leads.csv");
    assert_eq!(error.row, 3, "the header is row 1, L1 row 2, L2 row 3");
    assert_eq!(error.column.as_deref(), Some("Number of Employees"));
    assert!(error.message.contains("about 200"), "{}", error.message);
    assert_eq!(
        error.to_string(),
        "leads.csv: row 3, column `Number of Employees`: expected a number, found \"about 200\""
    );
    // The same column undeclared is simply text.
    let set = leads(csv);
    assert_eq!(
        set.column_by_name("Number of Employees").map(|c| c.kind()),
        Some(FieldKind::Text)
    );
}

#[test]
fn declared_bool_and_date_fields_are_checked_too() {
    let options = LoadOptions {
        fields: vec![
            FieldSpec {
                name: "target".into(),
                kind: FieldKind::Bool,
                aliases: vec![],
            },
            FieldSpec {
                name: "created".into(),
                kind: FieldKind::Date,
                aliases: vec![],
            },
        ],
        ..LoadOptions::default()
    };
    let error = row_error(read_leads(
        "id,target,created\nL1,maybe,2026-01-01\n",
        &options,
    ));
    assert_eq!((error.row, error.column.as_deref()), (2, Some("target")));
    let error = row_error(read_leads(
        "id,target,created\nL1,yes,2026-01-01\nL2,no,01/02/2026\n",
        &options,
    ));
    assert_eq!((error.row, error.column.as_deref()), (3, Some("created")));
    let (set, _) = read_leads("id,target,created\nL1,Y,2026-01-31\n", &options).expect("loads");
    assert_eq!(
        set.column_by_name("target").map(|c| c.cell(0)),
        Some(Cell::Bool(true))
    );
    assert_eq!(
        set.column_by_name("created").map(|c| c.cell(0)),
        parse_day("2026-01-31").map(Cell::Date)
    );
}

#[test]
fn row_numbers_count_records_not_lines() {
    // L1's notes span two lines, but a spreadsheet shows L1 as one row (row 2), so L2 is row 3.
    let options = LoadOptions {
        fields: vec![number_field("employees", &[])],
        ..LoadOptions::default()
    };
    let csv = "id,notes,employees\nL1,\"two\nlines\",10\nL2,x,ten\n";
    let error = row_error(read_leads(csv, &options));
    assert_eq!(error.row, 3);
}

#[test]
fn too_many_or_too_few_cells_is_a_row_error() {
    let error = row_error(read_leads(
        "id,a,b\nL1,1,2\nL2,1,2,3\n",
        &LoadOptions::default(),
    ));
    assert_eq!(error.row, 3);
    assert_eq!(error.column, None);
    assert!(error.message.contains("4 cells"), "{}", error.message);
    assert!(error.message.contains("3 columns"), "{}", error.message);
    let error = row_error(read_leads("id,a,b\nL1,1\n", &LoadOptions::default()));
    assert_eq!(error.row, 2);
    assert!(error.message.contains("2 cells"), "{}", error.message);
    assert_eq!(
        error.to_string(),
        "leads.csv: row 2: has 2 cells, but the header has 3 columns"
    );
}

#[test]
fn skip_bad_rows_skips_and_counts_them() {
    let options = LoadOptions {
        fields: vec![number_field("employees", &[])],
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let csv = "id,employees,title\n\
L1,10,CEO\n\
L2,ten,CTO\n\
L3,30\n\
L4,40,CFO,extra\n\
L5,50,VP\n";
    let (set, report) = read_leads(csv, &options).expect("bad rows are skipped");
    assert_eq!(set.ids, ["L1", "L5"]);
    assert_eq!(report.rows_read, 2);
    let skipped: Vec<(usize, Option<&str>)> = report
        .skipped
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect();
    assert_eq!(skipped, [(3, Some("employees")), (4, None), (5, None)]);
    // Nothing of a skipped row is kept: the columns line up with the ids.
    assert_eq!(cell(&set, 1, "title"), "VP");
    assert_eq!(cell(&set, 1, "employees"), "50");
    assert_eq!(set.outcomes.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Outcomes and verdicts

#[test]
fn outcome_stages_and_flags_are_read() {
    let csv = "id,Outcome,Sales Verdict\n\
L1,lead,accept\n\
L2,SQL,Rejected\n\
L3,Opportunity,\n\
L4,Closed Won,would accept\n\
L5,closed lost,no\n\
L6,,\n";
    let set = leads(csv);
    let reached = |sql, opportunity, won| {
        Some(Outcome {
            reached_sql: sql,
            reached_opportunity: opportunity,
            won,
        })
    };
    assert_eq!(
        set.outcomes,
        [
            reached(false, false, false),
            reached(true, false, false),
            reached(true, true, false),
            reached(true, true, true),
            reached(true, true, false),
            None,
        ]
    );
    assert!(set.has_outcomes());
    assert_eq!(
        *set.verdicts,
        [
            Some(Verdict::Accept),
            Some(Verdict::Reject),
            None,
            Some(Verdict::Accept),
            Some(Verdict::Reject),
            None
        ]
    );
}

#[test]
fn outcome_flags_imply_the_earlier_stages() {
    // Won implies an opportunity and an SQL; an opportunity implies an SQL.
    let csv = "id,Reached SQL,Reached Opportunity,Won\n\
L1,no,no,yes\n\
L2,no,yes,no\n\
L3,yes,no,no\n\
L4,no,no,no\n\
L5,,,\n";
    let set = leads(csv);
    let flags: Vec<Option<(bool, bool, bool)>> = set
        .outcomes
        .iter()
        .map(|o| o.map(|o| (o.reached_sql, o.reached_opportunity, o.won)))
        .collect();
    assert_eq!(
        flags,
        [
            Some((true, true, true)),
            Some((true, true, false)),
            Some((true, false, false)),
            Some((false, false, false)),
            None,
        ]
    );
    // 1/0 flags work as well.
    let set = leads("id,sql\nL1,1\nL2,0\n");
    assert_eq!(set.outcomes[0].map(|o| o.reached_sql), Some(true));
    assert_eq!(set.outcomes[1].map(|o| o.reached_sql), Some(false));
    // A file without outcome columns has none.
    assert!(!leads("id\nL1\n").has_outcomes());
}

#[test]
fn a_bad_stage_or_verdict_names_row_and_column() {
    let error = row_error(read_leads(
        "id,Outcome\nL1,lead\nL2,maybe later\n",
        &LoadOptions::default(),
    ));
    assert_eq!(error.row, 3);
    assert_eq!(error.column.as_deref(), Some("Outcome"));
    assert!(error.message.contains("maybe later"), "{}", error.message);
    let error = row_error(read_leads(
        "id,Verdict\nL1,accept\nL2,accept\nL3,dunno\n",
        &LoadOptions::default(),
    ));
    assert_eq!((error.row, error.column.as_deref()), (4, Some("Verdict")));
    let error = row_error(read_leads(
        "id,Won\nL1,yes\nL2,perhaps\n",
        &LoadOptions::default(),
    ));
    assert_eq!((error.row, error.column.as_deref()), (3, Some("Won")));
}

#[test]
fn a_bad_stage_after_skipped_rows_names_its_own_row() {
    // Row 3 is skipped (too many cells); the bad stage is on row 5, not on the third lead's
    // "row 4". With skipping on, a bad stage is a warning and that lead's outcome stays empty.
    let options = LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    };
    let csv = "id,Outcome\nL1,lead\nL2,lead,extra\nL3,sql\nL4,someday\n";
    let (set, report) = read_leads(csv, &options).expect("loads, skipping");
    assert_eq!(set.ids, ["L1", "L3", "L4"]);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].row, 3);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.contains("someday"))
        .expect("a warning names the bad stage");
    assert!(warning.contains("row 5"), "{warning}");
    assert!(warning.contains("Outcome"), "{warning}");
    assert_eq!(set.outcomes[2], None);
    assert!(set.outcomes[1].is_some_and(|o| o.reached_sql));
    // Without skipping it is an error naming its row.
    let csv = "id,Outcome\nL1,lead\n\nL3,sql\nL4,someday\n";
    let error = row_error(read_leads(csv, &LoadOptions::default()));
    assert_eq!(error.row, 5, "a blank line is a row too: {error}");
    assert_eq!(error.column.as_deref(), Some("Outcome"));
    // Also after a row of empty cells.
    let csv = "id,Outcome\nL1,lead\n,\nL3,someday\n";
    let error = row_error(read_leads(csv, &LoadOptions::default()));
    assert_eq!(error.row, 4, "{error}");
}

#[test]
fn leads_without_an_id_are_named_after_their_own_row() {
    // The empty-cell row 3 is skipped; the lead without an id is on row 4.
    let set = leads("id,title\nL1,CEO\n,\n,CTO\n");
    assert_eq!(set.ids, ["L1", "row-4"]);
    let (set, _) = read_leads("title\nCEO\n\"\"\nCTO\n", &LoadOptions::default()).expect("loads");
    assert_eq!(set.ids, ["2", "4"]);
}

// ---------------------------------------------------------------------------------------------
// Event logs

fn leads_abc() -> LeadSet {
    leads("Lead ID\nA\nB\nC\n")
}

fn days_of(set: &LeadSet, row: usize) -> Vec<String> {
    let log = set.events.as_ref().expect("an event log");
    log.range(row).map(|i| format_day(log.day[i])).collect()
}

#[test]
fn events_are_grouped_by_lead_in_file_order() {
    let mut set = leads_abc();
    let report = read_events(
        &mut set,
        "\u{feff}Lead ID,Activity,Timestamp\n\
B,webinar,2026-10-02T10:00:00Z\n\
A,pricing,2026-10-01T10:00:00Z\n\
B,pricing,2026-10-03\n",
        false,
    )
    .expect("loads");
    assert_eq!(report.rows_read, 3);
    let log = set.events.as_ref().expect("an event log");
    assert_eq!(log.len(), 3);
    assert_eq!(log.activities, ["webinar", "pricing"]);
    assert_eq!(days_of(&set, 0), ["2026-10-01"]);
    assert_eq!(days_of(&set, 1), ["2026-10-02", "2026-10-03"]);
    assert!(days_of(&set, 2).is_empty());
    assert_eq!(set.default_as_of(), parse_day("2026-10-03").expect("date"));
}

#[test]
fn timestamps_with_offsets_count_on_their_utc_day_and_dates_stand_alone() {
    let mut set = leads_abc();
    read_events(
        &mut set,
        "id,event,time\n\
A,x,2026-10-03T23:30:00-02:00\n\
A,x,2026-10-04T01:00:00+02:00\n\
A,x,2026-10-03\n\
A,x,2026-10-03 23:59\n\
A,x,2026-10-03T12:00:00Z\n",
        false,
    )
    .expect("loads");
    // 23:30 at -02:00 is 01:30 UTC on the 4th; 01:00 at +02:00 is 23:00 UTC on the 3rd; a
    // timestamp without an offset keeps its date.
    assert_eq!(
        days_of(&set, 0),
        [
            "2026-10-04",
            "2026-10-03",
            "2026-10-03",
            "2026-10-03",
            "2026-10-03"
        ]
    );
}

#[test]
fn events_of_unknown_leads_are_counted_in_a_warning() {
    let mut set = leads_abc();
    let report = read_events(
        &mut set,
        "lead_id,activity,timestamp\n\
A,x,2026-10-01\n\
Z,x,2026-10-01\n\
Y,x,2026-10-01\n\
Z,x,2026-10-02\n",
        false,
    )
    .expect("unknown leads are not an error");
    assert_eq!(report.rows_read, 1);
    assert!(report.skipped.is_empty());
    assert_eq!(report.warnings.len(), 1);
    let warning = &report.warnings[0];
    assert!(warning.starts_with("3 events"), "{warning}");
    assert!(warning.contains("`Z` on row 3"), "{warning}");
    assert_eq!(set.events.as_ref().map(|l| l.len()), Some(1));
}

#[test]
fn a_bad_timestamp_names_row_and_column() {
    let mut set = leads_abc();
    let error = row_error(read_events(
        &mut set,
        "Lead ID,Activity,Event Date\nA,x,2026-10-01\nB,x,03/10/2026\n",
        false,
    ));
    assert_eq!(error.file, "events.csv");
    assert_eq!(error.row, 3);
    assert_eq!(error.column.as_deref(), Some("Event Date"));
    assert!(error.message.contains("03/10/2026"), "{}", error.message);
    // An empty activity is an error too.
    let error = row_error(read_events(
        &mut set,
        "id,activity,date\nA,,2026-10-01\n",
        false,
    ));
    assert_eq!((error.row, error.column.as_deref()), (2, Some("activity")));
}

#[test]
fn skip_bad_rows_skips_bad_events() {
    let mut set = leads_abc();
    let report = read_events(
        &mut set,
        "id,activity,date\nA,x,2026-10-01\nA,x,yesterday\nB,,2026-10-01\n,,\nC,x,2026-10-02\n",
        true,
    )
    .expect("bad rows skipped");
    assert_eq!(report.rows_read, 2);
    let rows: Vec<usize> = report.skipped.iter().map(|e| e.row).collect();
    assert_eq!(rows, [3, 4]);
    assert_eq!(set.events.as_ref().map(|l| l.len()), Some(2));
}

#[test]
fn an_event_log_without_the_needed_columns_is_refused() {
    let mut set = leads_abc();
    let error = read_events(&mut set, "id,when\nA,2026-10-01\n", false).expect_err("no activity");
    let message = error.to_string();
    assert!(message.contains("activity"), "{message}");
    assert!(message.starts_with("events.csv"), "{message}");
}

#[test]
fn a_load_reports_every_byte_of_the_file_and_stops_when_cancelled() {
    use mql_studio::leads::{Progress, load_events_csv_with_progress, load_leads_csv};
    use std::sync::Arc;
    let scratch = tempfile::tempdir().expect("a temp dir");
    // Big enough for several blocks (4 MiB each), so progress is reported more than once.
    let options = mql_studio::generate::GenerateOptions {
        leads: 60_000,
        ..Default::default()
    };
    let (mut leads_csv, mut events_csv) = (Vec::new(), Vec::new());
    mql_studio::generate::generate(&options, &mut leads_csv, &mut events_csv).unwrap();
    assert!(events_csv.len() > 8 << 20, "{} bytes", events_csv.len());
    let leads_path = scratch.path().join("leads.csv");
    let events_path = scratch.path().join("events.csv");
    std::fs::write(&leads_path, &leads_csv).unwrap();
    std::fs::write(&events_path, &events_csv).unwrap();

    let progress = Arc::new(Progress::default());
    let load = LoadOptions {
        progress: Some(progress.clone()),
        ..LoadOptions::default()
    };
    let (mut leads, _) = load_leads_csv(&leads_path, &load).unwrap();
    assert_eq!(leads.len(), 60_000);
    assert_eq!(progress.bytes_read(), leads_csv.len() as u64);

    let progress = Progress::default();
    load_events_csv_with_progress(&events_path, &mut leads, false, &progress).unwrap();
    assert_eq!(progress.bytes_read(), events_csv.len() as u64);
    assert!(leads.events.as_ref().is_some_and(|e| e.len() > 60_000));

    // Cancelled: an error, and the leads passed in keep no half-read event log.
    let cancelled = Progress::default();
    cancelled.cancel();
    let mut fresh = leads.clone();
    fresh.events = None;
    let error = load_events_csv_with_progress(&events_path, &mut fresh, false, &cancelled)
        .expect_err("cancelled");
    assert!(matches!(error, LeadsError::Cancelled), "{error}");
    assert!(fresh.events.is_none());
    let cancelled = Arc::new(Progress::default());
    cancelled.cancel();
    let load = LoadOptions {
        progress: Some(cancelled),
        ..LoadOptions::default()
    };
    assert!(matches!(
        load_leads_csv(&leads_path, &load),
        Err(LeadsError::Cancelled)
    ));
}
