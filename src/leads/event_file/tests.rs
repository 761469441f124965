use super::*;
use crate::leads::{LoadOptions, format_day, read_leads_csv};

#[test]
fn events_out_of_lead_order_are_grouped_in_file_order() {
    let (mut leads, _) =
        read_leads_csv(b"id\nA\nB\nC\n", "leads.csv", &LoadOptions::default()).expect("leads");
    let events = "id,activity,date\nB,x,2026-10-02\nB,y,2026-10-03\nA,x,2026-10-01\nC,z,2026-10-04\nA,y,2026-10-05\nB,x,2026-10-06\n";
    read_events_csv(events.as_bytes(), "events.csv", &mut leads, false).expect("events");
    let log = leads.events.expect("a log");
    assert_eq!(log.offsets, [0, 2, 5, 6]);
    assert_eq!(log.activities, ["x", "y", "z"]);
    assert_eq!(log.activity, [0, 1, 0, 1, 0, 2]);
    let days: Vec<String> = log.day.iter().map(|&d| format_day(d)).collect();
    assert_eq!(
        days,
        [
            "2026-10-01",
            "2026-10-05",
            "2026-10-02",
            "2026-10-03",
            "2026-10-06",
            "2026-10-04"
        ]
    );
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

#[test]
fn an_event_log_is_recognised_by_its_columns() {
    assert!(is_event_log_header(&headers(&[
        "Lead ID", "Activity", "Date"
    ])));
    assert!(is_event_log_header(&headers(&[
        "type",
        "occurred_at",
        "Contact ID"
    ])));
    assert!(!is_event_log_header(&headers(&["Activity", "Timestamp"])));
    assert!(!is_event_log_header(&headers(&[
        "Lead ID",
        "Job Title",
        "Employees"
    ])));
    assert!(looks_like_event_log(
        b"Lead ID,Activity,Date\nL1,webinar,2026-10-01\n"
    ));
    assert!(!looks_like_event_log(
        b"Lead ID,Job Title,Number of Employees\nL1,VP Marketing,250\n"
    ));
}

#[test]
fn the_event_columns_are_named_as_written_and_as_the_reader_finds_them() {
    let columns = |names: &[&str]| event_log_columns(&headers(names));
    let named = |lead: &str, activity: &str, time: &str| {
        Some((lead.to_owned(), activity.to_owned(), time.to_owned()))
    };
    assert_eq!(
        columns(&[" Lead ID ", "Activity", "Timestamp"]),
        named("Lead ID", "Activity", "Timestamp")
    );
    // In order of preference, wherever they are: `Lead ID` before `Contact ID`, `Event
    // Type` before `Type`, `Occurred At` before `Event Date`.
    assert_eq!(
        columns(&[
            "Type",
            "Contact ID",
            "Event Date",
            "Event Type",
            "Lead_ID",
            "Occurred At"
        ]),
        named("Lead_ID", "Event Type", "Occurred At")
    );
    assert_eq!(columns(&["Lead ID", "Activity"]), None);
    assert_eq!(columns(&[]), None);
    // Exactly the headers the reader accepts, and the columns it reads.
    let mut leads = LeadSet {
        ids: vec!["L1".to_owned()],
        ..LeadSet::default()
    };
    let file = b"Notes,Event Type,Lead_ID,Occurred At\nhi,webinar,L1,2026-10-01\n";
    read_events_csv(file, "events.csv", &mut leads, false).expect("events");
    let log = leads.events.expect("a log");
    assert_eq!(log.activities, ["webinar"]);
    assert_eq!(log.day, [parse_day("2026-10-01").expect("a day")]);
    let sniffed = sniff_header(file).expect("a header");
    assert_eq!(
        event_log_columns(&sniffed),
        named("Lead_ID", "Event Type", "Occurred At")
    );
    for names in [
        &["Lead ID", "Activity", "Date"][..],
        &["Activity", "Timestamp"],
        &["type", "occurred_at", "Contact ID"],
    ] {
        assert_eq!(
            columns(names).is_some(),
            is_event_log_header(&headers(names))
        );
    }
}

#[test]
fn headers_are_sniffed_as_the_readers_read_them() {
    let sniffed =
        sniff_header(b"\xEF\xBB\xBF\"Lead; ID\";\"Activity\";Time\r\nL1;x;2026-10-01\r\n");
    assert_eq!(sniffed, Some(headers(&["Lead; ID", "Activity", "Time"])));
    assert_eq!(
        sniff_header(b"\n\"Lead\nID\",\"Say \"\"hi\"\"\",Date\n"),
        Some(headers(&["Lead\nID", "Say \"hi\"", "Date"]))
    );
    // Until the header line ends, more bytes could change it.
    let file = b"Lead ID,Activity,Date\nL1,webinar,2026-10-01\n";
    let line_end = file.iter().position(|&b| b == b'\n').unwrap_or_default();
    for cut in 0..=line_end {
        assert_eq!(sniff_header(&file[..cut]), None, "{cut} bytes");
    }
    assert!(looks_like_event_log(&file[..=line_end]));
    let mut long = "Lead ID,Activity,Date".to_owned();
    while long.len() <= HEADER_SNIFF_BYTES {
        long.push_str(",Another column");
    }
    long.push_str("\nL1,webinar,2026-10-01\n");
    assert_eq!(sniff_header(&long.as_bytes()[..HEADER_SNIFF_BYTES]), None);
    assert!(looks_like_event_log(long.as_bytes()));
}

#[test]
fn the_reader_reads_what_the_sniffer_recognises() {
    for header in [
        "Lead ID,Activity,Date",
        "\u{feff}id;type;time",
        "Lead,Event Type,Event Date",
        "\"Lead ID\",\"Activity\",\"Occurred At\"",
        "Activity,Timestamp",
        "Lead ID,Activity",
        "Lead ID,Job Title,Industry",
        "lead_id;activity;date;notes",
    ] {
        let file = format!("{header}\r\n");
        let mut leads = LeadSet::default();
        let read = read_events_csv(file.as_bytes(), "events.csv", &mut leads, false);
        assert_eq!(
            looks_like_event_log(file.as_bytes()),
            read.is_ok(),
            "{header}: {read:?}"
        );
    }
}
