//! The columns view (the import check), driven headlessly: a CRM export whose headers the
//! model does not know is imported, the view says which rules never fire and which columns
//! look like what is missing, and a mapping made there makes the rules fire.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use mql_studio::app::{CentralView, StudioApp};

use common::app::{enter_path, file_menu, harness, temp_dir};

/// A HubSpot-style export: its own headers, "Select" for unknown, a lifecycle stage for the
/// outcome, a yes/no target-account flag and a 0/1 demo-request column.
const HUBSPOT: &str = "Record ID,First Name,Company name,Job title,Industry,Number of Employees,Is target account,Demo requested,Lifecycle stage,Create Date
101,Ana,Acme,VP Marketing,Software,250,true,1,salesqualifiedlead,2026-01-02
102,Bo,Beta,Intern,Select,12,false,0,subscriber,2026-02-03
103,Cy,Gamma,Director of Sales,Fintech,900,true,0,customer,2026-03-04
104,Di,Delta,Manager,Select,,false,1,lead,2026-04-05
105,Ed,Eps,CTO,Healthcare,3000,false,0,marketingqualifiedlead,2026-05-06
";

fn never_firing(app: &StudioApp) -> Vec<String> {
    let check = app.import_check.as_ref().expect("the columns were checked");
    check
        .report
        .never_fire
        .iter()
        .filter_map(|p| p.rule_id.clone())
        .collect()
}

fn fit_of(app: &StudioApp, id: &str) -> f64 {
    let row = app.leads.row_of(id).expect("the lead");
    app.derived.board.scores[row].fit
}

#[test]
fn a_hubspot_export_is_mapped_in_the_columns_view_and_its_rules_fire() {
    let dir = temp_dir("columns");
    let path = dir.path().join("hubspot-export.csv");
    std::fs::write(&path, HUBSPOT).unwrap();
    let mut harness = harness();
    file_menu(&mut harness, "Import leads…");
    enter_path(&mut harness, &path);
    harness.run_steps(3);

    // The view opens by itself and says what is wrong.
    assert_eq!(harness.state().view.central, CentralView::Columns);
    assert!(never_firing(harness.state()).contains(&"fit-target-account".to_owned()));
    assert!(never_firing(harness.state()).contains(&"ft-demo-request".to_owned()));
    assert!(
        harness
            .query_by_label_contains("never fire on these leads:")
            .is_some()
    );
    assert!(
        harness
            .query_by_label("Is target account → target_account")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("it looks like a HubSpot export")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("read as missing: \"Select\" 2")
            .is_some(),
        "the placeholder is shown"
    );
    let before = fit_of(harness.state(), "101");

    // One click keeps the mapping in the model, and the rule fires.
    harness
        .get_by_label("Accept Is target account")
        .click_accesskit();
    harness.run_steps(4);
    let app = harness.state();
    let target = app
        .model()
        .fields
        .iter()
        .find(|f| f.name == "target_account")
        .expect("declared");
    assert!(target.aliases.iter().any(|a| a == "Is target account"));
    assert!(!never_firing(app).contains(&"fit-target-account".to_owned()));
    let points = app
        .model()
        .fit
        .rules
        .iter()
        .find(|r| r.id == "fit-target-account")
        .map(|r| r.points)
        .unwrap();
    let after = fit_of(app, "101");
    assert!(
        after > before && after <= before + points,
        "a target account earns its points: {before} → {after}"
    );

    // A list choice maps the 0/1 column to the demo-request count: the fast-track fires.
    harness.get_by_label("Map Demo requested").click();
    harness.run_steps(2);
    harness
        .get_by_label("count of demo_request")
        .click_accesskit();
    harness.run_steps(4);
    let app = harness.state();
    assert!(!never_firing(app).contains(&"ft-demo-request".to_owned()));
    let row = app.leads.row_of("104").unwrap();
    assert_eq!(
        app.derived.board.scores[row].status,
        mql_studio::scoring::Status::FastTracked,
        "lead 104 requested a demo"
    );

    // Each mapping is an undo step.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(4);
    assert!(never_firing(harness.state()).contains(&"ft-demo-request".to_owned()));

    // The lifecycle stage is an outcome: the file is read again with it.
    assert!(!harness.state().leads.has_outcomes());
    harness
        .get_by_label("Read again with Lifecycle stage")
        .click_accesskit();
    harness.run_steps(5);
    let app = harness.state();
    assert!(app.leads.has_outcomes(), "{:?}", app.notices);
    let row = app.leads.row_of("103").unwrap();
    assert!(
        app.leads.outcomes[row].is_some_and(|o| o.won),
        "customer is won"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        HUBSPOT,
        "the file is never written"
    );
}

#[test]
fn the_bundled_sample_opens_on_the_preview_and_its_columns_view_finds_nothing_missing() {
    let mut harness = harness();
    assert_eq!(harness.state().view.central, CentralView::Preview);
    harness.get_by_label("Columns").click();
    harness.run_steps(3);
    assert!(never_firing(harness.state()).is_empty());
    assert!(
        harness
            .query_by_label("Every enabled rule fires for at least one lead.")
            .is_some()
    );
}

#[test]
fn the_summary_and_the_mql_list_are_exported_from_the_file_menu() {
    let dir = temp_dir("handouts");
    let summary = dir.path().join("summary.html");
    let list = dir.path().join("mqls.csv");
    let mut harness = harness();
    file_menu(&mut harness, "Export summary…");
    enter_path(&mut harness, &summary);
    file_menu(&mut harness, "Export MQL list…");
    enter_path(&mut harness, &list);
    let app = harness.state();
    let counts = mql_studio::scoring::status_counts(&app.derived.board.scores);
    let page = std::fs::read_to_string(&summary).expect("the summary is written");
    let threshold = mql_studio::model::fmt_number(app.model().combine.mql_threshold);
    assert!(page.contains(&format!("reaches <b>{threshold}</b>")));
    for status in mql_studio::scoring::Status::ALL {
        let cell = format!(
            "<tr><td>{}</td><td class=\"points\">{}</td>",
            status.label(),
            counts[status.index()]
        );
        assert!(page.contains(&cell), "{cell}");
    }
    let text = std::fs::read_to_string(&list).expect("the list is written");
    let mqls = app
        .derived
        .board
        .scores
        .iter()
        .filter(|s| s.status.is_mql())
        .count();
    assert_eq!(
        text.lines().count(),
        mqls + 1,
        "a header and one row per MQL"
    );
    assert!(
        app.notices
            .iter()
            .any(|n| n.text.contains(&format!("wrote {mqls} MQLs")))
    );
}

#[test]
fn a_file_of_hundreds_of_columns_lists_the_first_300_and_counts_the_rest() {
    let dir = temp_dir("columns-wide");
    let path = dir.path().join("wide.csv");
    let headers: Vec<String> = (0..400).map(|i| format!("Extra {i}")).collect();
    let row: Vec<String> = (0..400).map(|i| i.to_string()).collect();
    std::fs::write(
        &path,
        format!("Lead ID,{}\nL1,{}\n", headers.join(","), row.join(",")),
    )
    .unwrap();
    let mut harness = harness();
    file_menu(&mut harness, "Import leads…");
    enter_path(&mut harness, &path);
    harness.run_steps(3);
    assert_eq!(harness.state().view.central, CentralView::Columns);
    assert_eq!(
        harness
            .state()
            .import_check
            .as_ref()
            .map(|c| c.report.columns.len()),
        Some(401)
    );
    assert!(
        harness
            .query_by_label("… and 101 more columns: `mql-studio inspect` lists them all")
            .is_some()
    );
}

#[test]
fn a_large_sets_import_check_runs_on_its_own_thread_and_still_opens_the_view() {
    let dir = temp_dir("columns-thread");
    let path = dir.path().join("hubspot-export.csv");
    std::fs::write(&path, HUBSPOT).unwrap();
    let mut app = StudioApp::with_bundled_data();
    app.import_checks.background_from = 0;
    let mut harness = common::app::harness_with(app);
    file_menu(&mut harness, "Import leads…");
    enter_path(&mut harness, &path);
    assert!(
        harness.state().import_checks.requested.is_some(),
        "asked of the thread"
    );
    for _ in 0..2000 {
        harness.step();
        if harness.state().view.central == CentralView::Columns {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(harness.state().view.central, CentralView::Columns);
    // The same report the UI thread computes.
    let threaded = harness.state().import_check.clone().expect("a report");
    let app = harness.state();
    let here = mql_studio::inspect::inspect(app.model(), &app.leads, &app.leads_renames, app.as_of);
    assert_eq!(threaded.report, here);
    assert!(never_firing(app).contains(&"fit-target-account".to_owned()));
}

/// The fit rule `id` fired for lead `row`, on the scores the app shows.
fn fired(app: &StudioApp, id: &str, row: usize) -> bool {
    app.derived
        .board
        .evaluation
        .fired_rule_ids(app.model(), row)
        .contains(&id)
}

#[test]
fn a_missing_value_added_in_the_editor_unfires_a_rule_and_undo_brings_it_back() {
    let mut harness = harness();
    let app = harness.state();
    let column = app
        .leads
        .column_for("industry", &app.model().fields)
        .expect("the sample has an industry column");
    let row = (0..app.leads.len())
        .find(|&r| app.leads.columns[column].cell(r).display() == "Software")
        .expect("a software lead");
    assert!(fired(app, "fit-core-industry", row));
    let before = app.derived.board.scores[row];

    harness.get_by_label("Scoring").click();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Remove missing value select")
            .is_some(),
        "the default list is shown"
    );
    harness.get_by_label("New missing value").focus();
    harness.run_steps(1);
    harness
        .get_by_label("New missing value")
        .type_text(" SOFTWARE ");
    harness.run_steps(1);
    harness.get_by_label("Add missing value").click_accesskit();
    harness.run_steps(4);
    let app = harness.state();
    assert_eq!(
        app.model().missing_values.last().map(String::as_str),
        Some("SOFTWARE")
    );
    assert!(
        !fired(app, "fit-core-industry", row),
        "\"Software\" is missing now"
    );
    assert!(app.derived.board.scores[row].score < before.score);

    // One undo step: the list and the score are back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(4);
    let app = harness.state();
    assert_eq!(
        app.model().missing_values,
        mql_studio::model::default_missing_values()
    );
    assert!(fired(app, "fit-core-industry", row));
    assert_eq!(app.derived.board.scores[row], before);
}

#[test]
fn the_columns_view_suggests_a_placeholder_for_the_missing_values_in_one_click() {
    let dir = temp_dir("placeholders");
    let path = dir.path().join("tbd.csv");
    std::fs::write(
        &path,
        "Lead ID,Job Title,Industry\nL1,CTO,TBD\nL2,VP Sales,Select\nL3,Intern,tbd\nL4,CFO,Software\n",
    )
    .unwrap();
    let mut harness = harness();
    file_menu(&mut harness, "Import leads…");
    enter_path(&mut harness, &path);
    harness.run_steps(3);
    if harness.state().view.central != CentralView::Columns {
        harness.get_by_label("Columns").click();
        harness.run_steps(4);
    }
    assert!(
        harness
            .query_by_label_contains("read as missing: \"Select\" 1")
            .is_some()
    );
    assert!(
        harness
            .query_by_label_contains("\"TBD\" in 2 leads looks like \"unknown\"")
            .is_some()
    );
    harness
        .get_by_label("Add TBD to missing values")
        .click_accesskit();
    harness.run_steps(5);
    let app = harness.state();
    assert_eq!(
        app.model().missing_values.last().map(String::as_str),
        Some("TBD")
    );
    assert!(
        harness
            .query_by_label_contains("read as missing: \"Select\" 1, \"TBD\" 1, \"tbd\" 1")
            .is_some()
    );
    assert!(
        harness
            .query_by_label("Add TBD to missing values")
            .is_none()
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(4);
    assert_eq!(
        harness.state().model().missing_values,
        mql_studio::model::default_missing_values()
    );
}
