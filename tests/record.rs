//! "Test a record": a hypothetical lead typed by hand is offered the columns people know and
//! scored exactly like the same lead read from a file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use mql_studio::leads::{LoadOptions, read_leads_csv};
use mql_studio::record::{Record, RecordColumnKind, RecordError, explain_record, record_columns};
use mql_studio::scoring::explain;

#[test]
fn a_record_offers_each_column_once_under_the_header_of_a_crm_export() {
    let model = common::default_model();
    let columns = record_columns(&model);
    let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
    assert!(headers.contains(&"Job Title"), "{headers:?}");
    assert!(headers.contains(&"Number of Employees"), "{headers:?}");
    assert!(
        !headers.contains(&"job_title"),
        "snake_case names stay inside the model"
    );
    assert!(
        !headers.iter().any(|h| h.contains("Verdict")),
        "{headers:?}"
    );
    let mut unique = headers.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), headers.len(), "each header once: {headers:?}");
    let activity = columns
        .iter()
        .find(|c| c.header == "Demo Requests")
        .expect("the fast-track's activity");
    assert_eq!(activity.kind, RecordColumnKind::Activity);
}

#[test]
fn a_typed_lead_scores_like_the_same_lead_read_from_a_file() {
    let model = common::default_model();
    let mut record = Record::default();
    for (header, value) in [
        ("Job Title", "Head of \"Growth\", EMEA"),
        ("Industry", "Software"),
        ("Number of Employees", "640"),
        ("Target Account", "yes"),
        ("Pricing Page Views", "4"),
        ("Webinars Attended", "2"),
    ] {
        record.values.insert(header.into(), value.into());
    }
    let typed = explain_record(&model, &record, 20_000).expect("scores");
    let csv = "Lead ID,Job Title,Industry,Number of Employees,Target Account,Pricing Page Views,\
               Webinars Attended\nX,\"Head of \"\"Growth\"\", EMEA\",Software,640,yes,4,2\n";
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (leads, _) = read_leads_csv(csv.as_bytes(), "x.csv", &options).expect("reads");
    let from_file = explain(&model, &leads, 0, 20_000);
    assert_eq!(typed.score, from_file.score);
    assert_eq!(typed.reason, from_file.reason);
    assert!(
        typed.score.fit > 0.0 && typed.score.engagement > 0.0,
        "{typed:?}"
    );

    // An empty record is a lead with nothing known: it scores, it does not fail.
    let empty = explain_record(&model, &Record::default(), 20_000).expect("scores");
    assert_eq!(empty.score.fit, 0.0);

    record
        .values
        .insert("Number of Employees".into(), "many".into());
    match explain_record(&model, &record, 20_000) {
        Err(error @ RecordError::Value { .. }) => assert_eq!(
            error.to_string(),
            "Number of Employees: expected a number, found \"many\""
        ),
        other => panic!("expected a value error, got {other:?}"),
    }
}
