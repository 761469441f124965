#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! *File → Export as SQL…* driven headlessly: the dialog opened from the File menu, a dialect
//! picked in its combo box, table names typed, the file written; and the SQL written beside the
//! agreed model. Each written file is compared with what `mql_studio::sql::compile` gives for
//! the options the dialog should have produced; when the compiler refuses, nothing is written and
//! its error is shown once.
#![cfg(feature = "gui")]

use std::path::Path;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use mql_studio::app::{Command, Purpose};
use mql_studio::app::{Dialog, SAMPLE_EVENTS, SAMPLE_LEADS, SqlAsOf, StudioApp};
use mql_studio::model::Model;
use mql_studio::sql::{AsOf, Dialect, EventColumns, SqlOptions, compile};

mod common;

use common::app::{enter_path, file_menu, harness, temp_dir};

/// The sample leads' header, as written in the file.
fn sample_header() -> Vec<String> {
    let first = SAMPLE_LEADS.lines().next().expect("a header");
    assert!(!first.contains('"'), "a plain header: {first}");
    first.split(',').map(|h| h.trim().to_owned()).collect()
}

/// The header the sample event log is imported under: names the reader finds, other than the
/// SQL's default `lead_id, activity, timestamp`.
const EVENT_HEADER: &str = "Contact ID,Event Type,Occurred At";

/// The event table's columns the SQL reads for the imported event log: its header's.
fn event_file_columns() -> EventColumns {
    EventColumns {
        lead_id: "Contact ID".to_owned(),
        activity: "Event Type".to_owned(),
        timestamp: "Occurred At".to_owned(),
    }
}

/// The app with the sample leads imported from a file (and their event log, when asked, under
/// [`EVENT_HEADER`]).
fn with_imported_leads(dir: &Path, events: bool) -> Harness<'static, StudioApp> {
    let leads = dir.join("crm-leads.csv");
    std::fs::write(&leads, SAMPLE_LEADS).unwrap();
    let mut harness = harness();
    harness
        .state_mut()
        .push(Command::ImportLeadsPath(leads.clone()));
    harness.run_steps(4);
    if events {
        let path = dir.join("crm-events.csv");
        let (_, rows) = SAMPLE_EVENTS.split_once('\n').expect("a header");
        std::fs::write(&path, format!("{EVENT_HEADER}\n{rows}")).unwrap();
        harness.state_mut().push(Command::ImportEventsPath(path));
        harness.run_steps(4);
    }
    let app = harness.state();
    assert_eq!(app.leads_path.as_deref(), Some(leads.as_path()));
    assert_eq!(app.leads.events.is_some(), events, "{:?}", app.notices);
    harness
}

/// Replaces the text of a labelled field with `text`, by typing.
fn type_into(harness: &mut Harness<'static, StudioApp>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.run_steps(1);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run_steps(1);
    harness.get_by_label(label).type_text(text);
    harness.run_steps(2);
}

/// Picks a dialect in the dialog's combo box, by clicking.
fn pick_dialect(harness: &mut Harness<'static, StudioApp>, dialect: Dialect) {
    harness.get_by_label("Dialect").click();
    harness.run_steps(2);
    harness.get_by_label(dialect.label()).click_accesskit();
    harness.run_steps(3);
    assert_eq!(harness.state().settings.sql_export.dialect, dialect);
}

/// The file holds what the compiler gives for `options`; or, when it refuses, there is no file
/// and its error was shown once.
fn assert_written(app: &StudioApp, path: &Path, model: &Model, options: &SqlOptions) {
    match compile(model, options) {
        Ok(sql) => {
            let written = std::fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("{}: {e}; notices {:?}", path.display(), app.notices));
            assert_eq!(written, sql);
            assert!(
                app.notices
                    .iter()
                    .any(|n| !n.is_error && n.text.contains(&path.display().to_string())),
                "success names the file: {:?}",
                app.notices
            );
        }
        Err(error) => {
            assert!(!path.exists(), "nothing is written when compiling fails");
            let shown = app
                .notices
                .iter()
                .filter(|n| n.is_error && n.text.contains(&error.to_string()))
                .count();
            assert_eq!(shown, 1, "the error once: {:?}", app.notices);
        }
    }
}

#[test]
fn export_as_sql_writes_the_query_the_dialogs_choices_give() {
    let dir = temp_dir("sql-export");
    let mut harness = with_imported_leads(dir.path(), true);
    file_menu(&mut harness, "Export as SQL…");
    assert_eq!(harness.state().dialog, Some(Dialog::ExportSql));

    pick_dialect(&mut harness, Dialect::Postgres);
    type_into(&mut harness, "Leads table", "crm.leads");
    type_into(&mut harness, "Event table", "crm.events");
    assert!(
        !harness
            .get_by_label("Event table")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_label_contains("the app's as-of day").click();
    harness.run_steps(2);
    let checkbox = harness.get_by_label("Column names from the loaded files");
    assert!(!checkbox.accesskit_node().is_disabled());
    assert_eq!(
        checkbox.accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True),
        "on by default for imported leads"
    );

    let choices = harness.state().settings.sql_export.clone();
    assert_eq!(choices.leads_table, "crm.leads");
    assert_eq!(choices.events_table, "crm.events");
    assert_eq!(choices.as_of, SqlAsOf::AppDay);

    harness.get_by_label("Export…").click();
    harness.run_steps(3);
    match &harness.state().dialog {
        Some(Dialog::PathEntry { purpose, text }) => {
            assert_eq!(*purpose, Purpose::ExportSql);
            assert!(text.ends_with(".postgres.sql"), "suggested {text}");
        }
        other => panic!("a path is asked for: {other:?}"),
    }
    let path = dir.path().join("scores.sql");
    enter_path(&mut harness, &path);

    let app = harness.state();
    assert!(app.dialog.is_none(), "{:?}", app.dialog);
    let expected = SqlOptions {
        dialect: Dialect::Postgres,
        leads_table: "crm.leads".to_owned(),
        events_table: Some("crm.events".to_owned()),
        leads_columns: Some(sample_header()),
        event_columns: event_file_columns(),
        as_of: AsOf::Day(app.as_of),
        ..SqlOptions::default()
    };
    assert_written(app, &path, app.model(), &expected);
    // The event table is read by the event file's column names, quoted.
    let sql = std::fs::read_to_string(&path).unwrap();
    for column in ["\"Contact ID\"", "\"Event Type\"", "\"Occurred At\""] {
        assert!(sql.contains(column), "{column} in {sql}");
    }

    // Without the files' column names: the defaults, for the events as for the leads.
    file_menu(&mut harness, "Export as SQL…");
    harness
        .get_by_label("Column names from the loaded files")
        .click();
    harness.run_steps(2);
    assert!(!harness.state().settings.sql_export.file_columns);
    harness.get_by_label("Export…").click();
    harness.run_steps(3);
    let path = dir.path().join("defaults.sql");
    enter_path(&mut harness, &path);
    let app = harness.state();
    let expected = SqlOptions {
        leads_columns: None,
        event_columns: EventColumns::default(),
        ..expected
    };
    assert_written(app, &path, app.model(), &expected);
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains("Contact ID")
    );
}

#[test]
fn without_an_event_log_the_sql_reads_count_columns_and_the_sample_has_no_file_columns() {
    let mut harness = harness();
    // The bundled sample: an event log, but no leads file.
    file_menu(&mut harness, "Export as SQL…");
    assert!(
        harness
            .get_by_label("Column names from the loaded files")
            .accesskit_node()
            .is_disabled()
    );
    assert!(
        !harness
            .get_by_label("Event table")
            .accesskit_node()
            .is_disabled()
    );
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(
        harness.state().dialog.is_none(),
        "{:?} {:?}",
        harness.state().dialog,
        harness.state().notices
    );

    let dir = temp_dir("sql-no-events");
    let mut harness = with_imported_leads(dir.path(), false);
    file_menu(&mut harness, "Export as SQL…");
    assert!(
        harness
            .get_by_label("Event table")
            .accesskit_node()
            .is_disabled()
    );
    assert!(
        harness
            .query_by_label_contains("No event log is loaded")
            .is_some()
    );
    harness.get_by_label("Export…").click();
    harness.run_steps(3);
    let path = dir.path().join("counts.sql");
    enter_path(&mut harness, &path);
    let app = harness.state();
    let expected = SqlOptions {
        dialect: Dialect::DuckDb,
        leads_table: "leads".to_owned(),
        events_table: None,
        leads_columns: Some(sample_header()),
        as_of: AsOf::LatestEvent,
        ..SqlOptions::default()
    };
    assert_written(app, &path, app.model(), &expected);
}

#[test]
fn a_table_name_the_compiler_refuses_writes_nothing_and_says_why_once() {
    let dir = temp_dir("sql-refused");
    let mut harness = with_imported_leads(dir.path(), false);
    file_menu(&mut harness, "Export as SQL…");
    type_into(&mut harness, "Leads table", "leads; drop table leads");
    harness.get_by_label("Export…").click();
    harness.run_steps(3);
    let path = dir.path().join("refused.sql");
    enter_path(&mut harness, &path);
    harness.run_steps(5);
    let app = harness.state();
    let options = SqlOptions {
        leads_table: "leads; drop table leads".to_owned(),
        leads_columns: Some(sample_header()),
        ..SqlOptions::default()
    };
    assert!(
        compile(app.model(), &options).is_err(),
        "a `;` in a table name is refused (docs/sql.md)"
    );
    assert_written(app, &path, app.model(), &options);
}

#[test]
fn the_sql_is_written_beside_the_agreed_model_in_the_dialect_last_chosen() {
    let dir = temp_dir("sql-beside");
    let mut harness = with_imported_leads(dir.path(), false);
    file_menu(&mut harness, "Export as SQL…");
    pick_dialect(&mut harness, Dialect::Snowflake);
    harness
        .get_by_label("Also write the SQL beside the agreed model when exporting it")
        .click();
    harness.run_steps(2);
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    let choices = &harness.state().settings.sql_export;
    assert!(choices.beside_agreed, "remembered");
    assert_eq!(choices.dialect, Dialect::Snowflake);
    assert!(harness.state().dialog.is_none());

    sign(&mut harness, "Maria (CMO)");
    harness.get_by_label("Edit as Sales").click();
    harness.run_steps(2);
    sign(&mut harness, "Sam (VP Sales)");
    assert!(harness.state().model().is_signed_by_both());

    let agreed = dir.path().join("acme-agreed.ron");
    file_menu(&mut harness, "Export agreed model…");
    enter_path(&mut harness, &agreed);
    let exported = mql_studio::format::load_model(&agreed).expect("the agreed model");
    let beside = dir.path().join("acme-agreed.snowflake.sql");
    let expected = SqlOptions {
        dialect: Dialect::Snowflake,
        leads_table: "leads".to_owned(),
        events_table: None,
        leads_columns: Some(sample_header()),
        as_of: AsOf::LatestEvent,
        ..SqlOptions::default()
    };
    assert_written(harness.state(), &beside, &exported, &expected);
}

/// Signs the model for the team being edited as, through the Sign-off tab.
fn sign(harness: &mut Harness<'static, StudioApp>, person: &str) {
    harness.get_by_label("Sign-off").click();
    harness.run_steps(2);
    type_into(harness, "Your name", person);
    let button = format!("Sign for {}", harness.state().settings.editing_as.label());
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, &button)
        .click();
    harness.run_steps(3);
}
