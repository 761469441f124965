//! Broken and hostile CSV input (issue 10): unbalanced quotes, absurd sizes, bytes that are not
//! UTF-8, errors that quote huge or control-laden cells, event logs with far-future dates, and
//! the date grammar. Each test states the defect it pins down.
// A test may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use mql_studio::leads::{
    Cell, LeadSet, LeadsError, LoadOptions, LoadReport, format_day, load_events_csv,
    load_leads_csv, parse_day, today,
};
use mql_studio::model::{FieldKind, FieldSpec};

mod common;

use common::leads::{leads, read_events, read_leads, row_error};

fn file_error<T: std::fmt::Debug>(result: Result<T, LeadsError>) -> String {
    match result {
        Err(error @ LeadsError::File { .. }) => error.to_string(),
        other => panic!("expected a file error, got {other:?}"),
    }
}

fn skipping() -> LoadOptions {
    LoadOptions {
        skip_bad_rows: true,
        ..LoadOptions::default()
    }
}

fn declared(name: &str, kind: FieldKind) -> LoadOptions {
    LoadOptions {
        fields: vec![FieldSpec {
            name: name.to_owned(),
            kind,
            aliases: Vec::new(),
        }],
        ..LoadOptions::default()
    }
}

/// Reads `bytes` both from memory and from a file, which must give the same result.
fn read_both(bytes: &[u8], options: &LoadOptions) -> Result<(LeadSet, LoadReport), LeadsError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leads.csv");
    std::fs::write(&path, bytes).unwrap();
    let from_file = load_leads_csv(&path, options);
    let from_memory =
        mql_studio::leads::read_leads_csv(bytes, &path.display().to_string(), options);
    assert_eq!(
        format!("{from_file:?}"),
        format!("{from_memory:?}"),
        "a file and the same bytes in memory read differently"
    );
    from_memory
}

// ---------------------------------------------------------------------------------------------
// 1. Unbalanced quotes

#[test]
fn an_unbalanced_quote_in_the_header_is_a_file_error() {
    // Was: the quote swallowed the file into one header cell, and 0 leads were scored.
    let message = file_error(read_leads(
        "\"Lead ID,Job Title\nL1,CEO\nL2,CTO\n",
        &skipping(),
    ));
    assert!(message.contains("unbalanced quote"), "{message}");
    assert!(message.contains("column 1"), "{message}");
    assert!(message.starts_with("leads.csv: "), "{message}");
    let message = file_error(read_leads("id,\"title\n", &LoadOptions::default()));
    assert!(message.contains("column 2 (after `id`)"), "{message}");
}

#[test]
fn an_unbalanced_quote_in_a_row_names_its_row_and_column_and_the_row_can_be_skipped() {
    // Was: L2's notes took the rest of the file, and L3 disappeared without a word.
    let csv = "id,title,notes\nL1,CEO,ok\nL2,CTO,\"never closed\nL3,CFO,fine\n";
    let error = row_error(read_leads(csv, &LoadOptions::default()));
    assert_eq!((error.row, error.column.as_deref()), (3, Some("notes")));
    assert!(error.message.starts_with("unbalanced quote"), "{error}");
    // Skipped, the row ends at its line end and the next line is the next row.
    let (set, report) = read_leads(csv, &skipping()).unwrap();
    assert_eq!(set.ids, ["L1", "L3"]);
    assert_eq!(set.display(1, "notes"), "fine");
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].row, 3);
    // A quoted cell over several lines that does close is still one cell of one row.
    let set = leads("id,notes\nL1,\"two\nlines\"\nL2,x\n");
    assert_eq!(set.display(0, "notes"), "two\nlines");
    assert_eq!(set.ids, ["L1", "L2"]);
}

#[test]
fn a_quote_not_closed_within_the_cell_limit_is_unbalanced() {
    // A quote that closes only after more than 1 MiB (here on the last line) is taken as
    // unbalanced, not as a 1.2 MiB cell: the next lines are read as rows again.
    let mut csv = String::from("id,notes\nL1,\"opened\n");
    while csv.len() < (1 << 20) + (200 << 10) {
        csv.push_str("L9,filler\n");
    }
    csv.push_str("L2,\"closed\"\n");
    let error = row_error(read_both(csv.as_bytes(), &LoadOptions::default()));
    assert_eq!((error.row, error.column.as_deref()), (2, Some("notes")));
    assert!(error.message.contains("1 MiB"), "{error}");
    let (set, report) = read_both(csv.as_bytes(), &skipping()).unwrap();
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(set.ids.first().map(String::as_str), Some("L9"));
    assert_eq!(set.ids.last().map(String::as_str), Some("L2"));
}

#[test]
fn an_unbalanced_quote_in_the_event_log_is_reported_as_such() {
    // Was: "the activity is empty" or a bad timestamp, far from the cause.
    let mut set = leads("Lead ID\nA\nB\nC\n");
    let events = "id,activity,date\nA,x,2026-10-01\nB,\"webinar,2026-10-02\nC,y,2026-10-03\n";
    let error = row_error(read_events(&mut set, events, false));
    assert_eq!((error.row, error.column.as_deref()), (3, Some("activity")));
    assert!(error.message.starts_with("unbalanced quote"), "{error}");
    let report = read_events(&mut set, events, true).unwrap();
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.skipped.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 2. Sizes: bounded by limits that the errors name

#[test]
fn a_header_that_does_not_end_within_1_mib_is_refused() {
    // Was: "the file is empty" after 3.6 GB of memory for 100 MB of commas.
    let commas = vec![b','; 3 << 20];
    let message = file_error(read_both(&commas, &LoadOptions::default()));
    assert!(message.contains("MAX_HEADER_BYTES"), "{message}");
    assert!(message.contains("1 MiB"), "{message}");
    let mut long_name = vec![b'x'; (1 << 20) + 10];
    long_name.extend_from_slice(b"\nL1\n");
    let message = file_error(read_both(&long_name, &LoadOptions::default()));
    assert!(message.contains("MAX_HEADER_BYTES"), "{message}");
}

#[test]
fn a_header_of_separators_only_is_refused_and_an_empty_file_is_called_empty() {
    let message = file_error(read_leads(",,,\n1,2,3,4\n", &LoadOptions::default()));
    assert!(message.contains("names no columns"), "{message}");
    for empty in ["", "\n\n\r\n", "\u{feff}"] {
        let message = file_error(read_leads(empty, &LoadOptions::default()));
        assert!(
            message.contains("the file is empty"),
            "{empty:?}: {message}"
        );
    }
}

#[test]
fn a_header_without_rows_loads_nothing_with_a_warning() {
    let (set, report) = read_leads("Lead ID,Title\n", &LoadOptions::default()).unwrap();
    assert!(set.is_empty());
    assert_eq!(
        report.warnings,
        ["no leads: the file has a header row but no rows of data"]
    );
    let (_, report) = read_leads("id,n\nL1,1,extra\n", &skipping()).unwrap();
    assert!(
        report
            .warnings
            .contains(&"no leads: every row was skipped".to_owned()),
        "{report:?}"
    );
    let mut set = leads("id\nA\n");
    let report = read_events(&mut set, "id,activity,date\n", false).unwrap();
    assert_eq!(
        report.warnings,
        ["no events: the file has a header row but no rows of data"]
    );
}

#[test]
fn a_row_longer_than_8_mib_stops_the_load_even_when_skipping() {
    // Was: a 100 MB row of commas took 2.5 GB and the load "scored 0 leads".
    let mut csv = b"id,title\nL1,CEO\n".to_vec();
    csv.extend(std::iter::repeat_n(b',', (8 << 20) + 1));
    csv.extend_from_slice(b"\nL3,CTO\n");
    for options in [LoadOptions::default(), skipping()] {
        let error = row_error(read_both(&csv, &options));
        assert_eq!(error.row, 3);
        assert!(error.message.contains("MAX_ROW_BYTES"), "{error}");
        assert!(error.message.contains("8 MiB"), "{error}");
    }
    // The same in an event log.
    let mut set = leads("id\nA\n");
    let mut events = b"id,activity,date\nA,x,2026-10-01\n".to_vec();
    events.extend(std::iter::repeat_n(b'y', 9 << 20));
    let events = String::from_utf8(events).unwrap();
    let error = row_error(read_events(&mut set, &events, true));
    assert_eq!(error.row, 3);
    assert!(error.message.contains("MAX_ROW_BYTES"), "{error}");
}

#[test]
fn a_cell_longer_than_1_mib_is_a_bad_row() {
    let mut csv = b"id,notes\nL1,short\nL2,".to_vec();
    csv.extend(std::iter::repeat_n(b'n', (1 << 20) + 1));
    csv.extend_from_slice(b"\nL3,fine\n");
    let error = row_error(read_both(&csv, &LoadOptions::default()));
    assert_eq!((error.row, error.column.as_deref()), (3, Some("notes")));
    assert!(error.message.contains("MAX_CELL_BYTES"), "{error}");
    let (set, report) = read_both(&csv, &skipping()).unwrap();
    assert_eq!(set.ids, ["L1", "L3"]);
    assert_eq!(report.skipped.len(), 1);
    // A cell of exactly 1 MiB is fine.
    let mut csv = b"id,notes\nL1,".to_vec();
    csv.extend(std::iter::repeat_n(b'n', 1 << 20));
    csv.push(b'\n');
    let (set, _) = read_both(&csv, &LoadOptions::default()).unwrap();
    assert_eq!(set.display(0, "notes").len(), 1 << 20);
}

#[test]
fn a_header_of_too_many_columns_is_refused_and_a_row_of_a_million_cells_is_a_bad_row() {
    let header = (0..16_385)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let message = file_error(read_leads(&format!("{header}\n"), &LoadOptions::default()));
    assert!(message.contains("16385 columns"), "{message}");
    assert!(message.contains("MAX_COLUMNS"), "{message}");
    let header = (0..16_384)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let (set, _) = read_leads(&format!("{header}\n"), &LoadOptions::default()).unwrap();
    assert_eq!(set.columns.len(), 16_384);
    let mut csv = b"id,n\nL1,".to_vec();
    csv.extend(std::iter::repeat_n(b',', 1_000_000));
    csv.extend_from_slice(b"\nL2,2\n");
    let error = row_error(read_both(&csv, &LoadOptions::default()));
    assert_eq!(error.row, 2);
    assert_eq!(
        error.message,
        "has 1000002 cells, but the header has 2 columns"
    );
    let (set, _) = read_both(&csv, &skipping()).unwrap();
    assert_eq!(set.ids, ["L2"]);
}

#[test]
fn a_file_of_lines_ended_by_cr_alone_reads_as_the_same_lines_ended_by_lf() {
    // Old Mac files: a CR alone ends a row. Several MiB of them (read in blocks cut after a CR,
    // where they used to be read as one block however large) give the same leads as LF.
    let rows: Vec<String> = (0..400_000).map(|i| format!("L{i},{}", i % 7)).collect();
    let cr = format!("id,n\r{}\r", rows.join("\r"));
    let lf = format!("id,n\n{}\n", rows.join("\n"));
    assert!(cr.len() > 3 << 20);
    let (from_cr, _) = read_both(cr.as_bytes(), &LoadOptions::default()).unwrap();
    let (from_lf, _) = read_leads(&lf, &LoadOptions::default()).unwrap();
    assert_eq!(from_cr, from_lf);
    let error = row_error(read_both(
        format!("{}\rL9,x,y\r", cr.trim_end()).as_bytes(),
        &LoadOptions::default(),
    ));
    assert_eq!(error.row, 400_002);
}

// ---------------------------------------------------------------------------------------------
// 3. Bytes that are not UTF-8

#[test]
fn invalid_utf8_names_the_row_the_column_and_the_byte() {
    // Was: "CSV parse error: record 2 (line 3, field: 1, byte: 17)".
    let csv = b"Lead ID,Company\nL1,Acme\n\nL2,Caf\xe9 Noir\n";
    let error = row_error(read_both(csv, &LoadOptions::default()));
    assert_eq!((error.row, error.column.as_deref()), (4, Some("Company")));
    assert_eq!(
        error.message,
        "not valid UTF-8: byte 0xE9 after \"Caf\" (save the file as UTF-8)"
    );
    let (set, report) = read_both(csv, &skipping()).unwrap();
    assert_eq!(set.ids, ["L1"]);
    assert_eq!(report.skipped[0].row, 4);
    // In the header, a file error that names the column.
    let message = file_error(read_both(
        b"id,Soci\xe9t\xe9\nL1,x\n",
        &LoadOptions::default(),
    ));
    assert!(message.contains("column 2 (after `id`)"), "{message}");
    assert!(message.contains("0xE9"), "{message}");
    // In an event log.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.csv");
    std::fs::write(
        &path,
        b"id,activity,date\nA,x,2026-10-01\nA,d\xe9mo,2026-10-02\n",
    )
    .unwrap();
    let mut set = leads("id\nA\n");
    let error = match load_events_csv(&path, &mut set, false) {
        Err(LeadsError::Row(error)) => error,
        other => panic!("expected a row error, got {other:?}"),
    };
    assert_eq!((error.row, error.column.as_deref()), (3, Some("activity")));
    assert!(error.message.contains("0xE9 after \"d\""), "{error}");
}

// ---------------------------------------------------------------------------------------------
// 4. Errors quote a bounded, printable prefix

#[test]
fn errors_quote_at_most_80_characters_of_a_cell_with_control_characters_escaped() {
    // Was: a 20 MB cell produced 20 MB of stderr.
    let huge = format!("\u{1b}[2J{}", "9x".repeat(400_000));
    let csv = format!("id,employees\nL1,{huge}\n");
    let error = row_error(read_leads(&csv, &declared("employees", FieldKind::Number)));
    let text = error.to_string();
    assert!(text.len() < 300, "{} bytes: {text:.300}", text.len());
    assert!(text.contains("found \"\\u{1b}[2J9x9x"), "{text}");
    assert!(text.ends_with("\"…"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
    // A bad date in an event log, and a bad stage.
    let mut set = leads("id\nA\n");
    let events = format!("id,activity,date\nA,x,{}\n", "2".repeat(100_000));
    let error = row_error(read_events(&mut set, &events, false));
    assert!(error.to_string().len() < 300, "{error}");
    let error = row_error(read_leads(
        &format!("id,Outcome\nL1,\u{7}{}\n", "z".repeat(50_000)),
        &LoadOptions::default(),
    ));
    assert!(error.to_string().len() < 300, "{error}");
    assert!(error.to_string().contains("\"\\u{7}zz"), "{error}");
}

#[test]
fn headers_and_ids_in_messages_are_bounded_and_printable() {
    let name = format!("Job\u{1b}]0;owned\u{7}{}", "t".repeat(10_000));
    let csv = format!("id,{name},{name}\nL1,a,b\n");
    let message = file_error(read_leads(&csv, &LoadOptions::default()));
    assert!(message.len() < 300, "{message:.300}");
    assert!(message.contains("Job\\u{1b}]0;owned\\u{7}ttt"), "{message}");
    // A column header in a row error.
    let csv = format!("id,{name}\nL1,a,extra\n");
    let options = declared(&name, FieldKind::Number);
    let error = row_error(read_leads(&format!("id,{name}\nL1,a\n"), &options));
    assert!(error.to_string().len() < 400, "{error}");
    assert!(!error.to_string().contains('\u{1b}'), "{error}");
    let error = row_error(read_leads(&csv, &LoadOptions::default()));
    assert!(!error.to_string().contains('\u{7}'), "{error}");
    // A duplicated id, and an event's unknown lead id.
    let id = format!("\u{1b}{}", "i".repeat(5_000));
    let (mut set, report) =
        read_leads(&format!("id\n{id}\n{id}\n"), &LoadOptions::default()).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .all(|w| w.len() < 300 && !w.contains('\u{1b}'))
    );
    let report = read_events(
        &mut set,
        &format!("id,activity,date\nX{id},x,2026-10-01\n"),
        false,
    )
    .unwrap();
    assert!(
        report
            .warnings
            .iter()
            .all(|w| w.len() < 300 && !w.contains('\u{1b}'))
    );
}

#[test]
fn warnings_of_one_kind_are_listed_up_to_20_then_counted() {
    // Was: one warning per lead, a million lines for a million duplicated ids.
    let rows = "L0\n".repeat(51);
    let (_, report) = read_leads(&format!("id\n{rows}"), &LoadOptions::default()).unwrap();
    assert_eq!(report.warnings.len(), 21, "{:?}", report.warnings);
    assert_eq!(
        report.warnings[20],
        "… and 30 more lead ids that appear again"
    );
    let rows: String = (0..45).map(|i| format!("L{i},someday\n")).collect();
    let (_, report) = read_leads(&format!("id,Stage\n{rows}"), &skipping()).unwrap();
    assert_eq!(report.warnings.len(), 21, "{:?}", report.warnings);
    assert!(
        report.warnings[19].contains("row 21"),
        "{:?}",
        report.warnings[19]
    );
    assert_eq!(
        report.warnings[20],
        "… and 25 more leads whose outcome and verdict were left empty"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. The default as-of date

/// `YYYY-MM-DD` of the day `days` after today.
fn from_today(days: i32) -> String {
    format_day(today() + days)
}

#[test]
fn a_far_future_event_does_not_move_the_default_as_of_date_and_is_warned_about() {
    // Was: one event dated 9999-12-31 became the as-of date, and every MQL disappeared.
    let mut set = leads("id\nA\nB\n");
    let events = format!(
        "id,activity,date\nA,x,{}\nB,x,{}\nA,y,9999-12-31\nB,y,{}\n",
        from_today(-10),
        from_today(-3),
        from_today(40),
    );
    let report = read_events(&mut set, &events, false).unwrap();
    assert_eq!(set.default_as_of(), today() - 3);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let warning = &report.warnings[0];
    assert!(
        warning.starts_with("2 events are dated later than tomorrow"),
        "{warning}"
    );
    assert!(
        warning.contains("the latest 9999-12-31 on row 4"),
        "{warning}"
    );
    // Tomorrow is not the future yet (dates written in time zones ahead of UTC).
    let mut set = leads("id\nA\n");
    let events = format!("id,activity,date\nA,x,{}\n", from_today(1));
    let report = read_events(&mut set, &events, false).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(set.default_as_of(), today() + 1);
    // Only future events: today.
    let mut set = leads("id\nA\n");
    read_events(&mut set, "id,activity,date\nA,x,9999-12-31\n", false).unwrap();
    assert_eq!(set.default_as_of(), today());
}

#[test]
fn the_default_as_of_date_comes_from_the_events_of_known_leads() {
    let mut set = leads("id\nA\n");
    let events = format!(
        "id,activity,date\nA,x,{}\nGONE,x,{}\n",
        from_today(-20),
        from_today(-1)
    );
    let report = read_events(&mut set, &events, false).unwrap();
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(set.default_as_of(), today() - 20);
}

// ---------------------------------------------------------------------------------------------
// 6. Dates, numbers and text

#[test]
fn dates_follow_the_documented_grammar_in_files_too() {
    // Was: `20260401`, `T1000`, `-25:00` and `:60` were read; `2026/03/31` was refused.
    let mut set = leads("id\nA\n");
    let report = read_events(
        &mut set,
        "id,activity,date\nA,x,2026/03/31\nA,x,2026-03-31 23:30-02:00\n",
        false,
    )
    .unwrap();
    assert_eq!(report.rows_read, 2);
    let log = set.events.as_ref().unwrap();
    assert_eq!(
        log.day,
        [
            parse_day("2026-03-31").unwrap(),
            parse_day("2026-04-01").unwrap()
        ]
    );
    for bad in [
        "20260401",
        "2026-04-01T1000",
        "2026-04-01T10:00:60",
        "2026-04-01T10:00-25:00",
        "2026-04-01T10:00+0200",
        "01/04/2026",
    ] {
        let error = row_error(read_events(
            &mut set,
            &format!("id,activity,date\nA,x,{bad}\n"),
            false,
        ));
        assert_eq!(
            (error.row, error.column.as_deref()),
            (2, Some("date")),
            "{bad}"
        );
    }
    // An undeclared column of slash dates is a date column.
    let set = leads("id,created\nL1,2026/03/31\nL2,\n");
    assert_eq!(
        set.columns[1].cell(0),
        Cell::Date(parse_day("2026-03-31").unwrap())
    );
}

#[test]
fn non_finite_numbers_are_not_numbers() {
    let options = declared("employees", FieldKind::Number);
    for bad in ["inf", "-Infinity", "NaN", "nan", "1e400", "+inf"] {
        let error = row_error(read_leads(&format!("id,employees\nL1,{bad}\n"), &options));
        assert!(
            error.message.starts_with("expected a number"),
            "{bad}: {error}"
        );
    }
    let (set, _) = read_leads("id,employees\nL1,1e-400\nL2,+.5\nL3,7.\n", &options).unwrap();
    let values: Vec<Cell> = (0..3).map(|row| set.columns[1].cell(row)).collect();
    assert_eq!(
        values,
        [Cell::Number(0.0), Cell::Number(0.5), Cell::Number(7.0)]
    );
    // Undeclared, a column with one of them is text.
    let set = leads("id,score\nL1,12\nL2,NaN\n");
    assert_eq!(set.columns[1].kind(), FieldKind::Text);
    let set = leads("id,score\nL1,12\nL2,-1.5e3\n");
    assert_eq!(set.columns[1].kind(), FieldKind::Number);
}

#[test]
fn cells_are_trimmed_of_unicode_white_space_only() {
    let set = leads(
        "id,title\nL1,\u{a0}CEO\u{2003}\u{3000}\nL2,\u{200b}CTO\u{feff}\nL3,\u{85}\u{2028}\n",
    );
    assert_eq!(set.columns[1].cell(0), Cell::Text("CEO"));
    assert_eq!(set.columns[1].cell(1), Cell::Text("\u{200b}CTO\u{feff}"));
    assert_eq!(set.columns[1].cell(2), Cell::Missing);
}

#[test]
fn event_rows_must_have_the_header_s_cells() {
    // Was: a short row read its missing cells as empty ("the activity is empty").
    let mut set = leads("id\nA\n");
    let error = row_error(read_events(
        &mut set,
        "id,activity,date,notes\nA,x,2026-10-01,n\nA,x,2026-10-02\n",
        false,
    ));
    assert_eq!(error.row, 3);
    assert_eq!(error.message, "has 3 cells, but the header has 4 columns");
    // Rows whose three cells are blank are still skipped.
    let report = read_events(
        &mut set,
        "id,activity,date,notes\nA,x,2026-10-01,n\n,,\n",
        false,
    )
    .unwrap();
    assert_eq!(report.rows_read, 1);
}

#[test]
fn an_odd_delimiter_is_refused() {
    for delimiter in [b'"', b'\n', b'\r', 0xE9] {
        let options = LoadOptions {
            delimiter: Some(delimiter),
            ..LoadOptions::default()
        };
        let message = file_error(read_leads("id\nL1\n", &options));
        assert!(message.contains("delimiter"), "{message}");
    }
}

#[cfg(feature = "cli")]
#[test]
fn the_cli_prints_the_as_of_warnings_and_keeps_the_as_of_date_given() {
    use common::cli::{path_str, run, stderr};
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.csv");
    let old = from_today(-45);
    std::fs::write(
        &events,
        format!("Lead ID,Activity,Timestamp\nL000001,webinar,{old}\nL000002,demo,9999-12-31\n"),
    )
    .unwrap();
    let scored = dir.path().join("scored.csv");
    let args = [
        "score",
        "--model",
        "models/default.ron",
        "--leads",
        "assets/leads.csv",
        "--events",
        path_str(&events),
        "--out",
        path_str(&scored),
    ];
    let output = run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let errors = stderr(&output);
    assert!(
        errors.contains("warning: 1 event is dated later than tomorrow"),
        "{errors}"
    );
    assert!(
        errors.contains(&format!(
            "warning: scoring as of {old}, the day of the latest event, 45 days before today"
        )),
        "{errors}"
    );
    assert!(
        errors.contains(&format!("scored 300 leads as of {old}")),
        "{errors}"
    );
    // With --as-of, the default is not used and not warned about.
    let mut given = args.to_vec();
    given.extend(["--as-of", "2026-11-01"]);
    let output = run(&given);
    assert!(output.status.success(), "{}", stderr(&output));
    let errors = stderr(&output);
    assert!(!errors.contains("the day of the latest event"), "{errors}");
    assert!(
        errors.contains("scored 300 leads as of 2026-11-01"),
        "{errors}"
    );
}
