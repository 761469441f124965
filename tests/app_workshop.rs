//! The workshop file, driven headlessly: Save keeps the model, sales' verdicts (by lead id, with
//! who recorded them) and the history in one file; opening it gives everything back; a changed
//! or broken file is said, and the leads file is never written.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use mql_studio::app::{Command, StudioApp, ViewAction};
use mql_studio::leads::Verdict;
use mql_studio::model::Team;

use common::app::{enter_path, harness, harness_with, temp_dir};

const LEADS: &str = "Lead ID,Job Title,Number of Employees,Sales Verdict\nA1,VP Sales,250,\nA2,CFO,900,reject\nA3,Manager,40,\n";

fn import(harness: &mut egui_kittest::Harness<'static, StudioApp>, path: &std::path::Path) {
    harness
        .state_mut()
        .push(Command::ImportLeadsPath(path.to_owned()));
    harness.run_steps(4);
}

#[test]
fn a_workshop_saved_with_ctrl_s_opens_again_with_its_model_verdicts_and_history() {
    let dir = temp_dir("workshop");
    let leads = dir.path().join("crm.csv");
    std::fs::write(&leads, LEADS).unwrap();
    let workshop = dir.path().join("q3.mqlw");
    let mut harness = harness();
    import(&mut harness, &leads);
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(25.0);
    harness.run_steps(3);
    // Marketing records a verdict on A1, and takes back the file's verdict on A2.
    harness.state_mut().push(ViewAction::SelectLead(0));
    harness.run_steps(3);
    harness.get_by_label("Would accept").click();
    harness.run_steps(3);
    harness.state_mut().push(ViewAction::SelectLead(1));
    harness.run_steps(3);
    harness.get_by_label("No verdict").click();
    harness.run_steps(3);
    assert!(harness.state().is_dirty());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run_steps(3);
    enter_path(&mut harness, &workshop);
    assert!(!harness.state().is_dirty(), "{:?}", harness.state().notices);
    assert_eq!(
        std::fs::read_to_string(&leads).unwrap(),
        LEADS,
        "never written"
    );
    let changes = harness.state().changes.len();
    assert!(changes >= 2, "the history has the edits");

    // A fresh app opens it: the same model, verdicts and history; nothing unsaved.
    let mut again = harness_with(StudioApp::with_bundled_data());
    again.state_mut().push(Command::OpenPath(workshop.clone()));
    again.run_steps(5);
    let app = again.state();
    assert_eq!(app.model().fit.rules[0].points, 25.0);
    assert_eq!(app.leads_path.as_deref(), Some(leads.as_path()));
    assert_eq!(app.leads.ids, ["A1", "A2", "A3"]);
    assert_eq!(app.document.verdicts.verdict(0), Some(Verdict::Accept));
    assert_eq!(app.document.verdicts.recorded_by(0), Some(Team::Marketing));
    assert_eq!(
        app.document.verdicts.verdict(1),
        None,
        "taken back stays taken back"
    );
    assert_eq!(app.changes.len(), changes);
    assert!(!app.is_dirty(), "{:?}", app.notices);
    assert_eq!(app.workshop_path.as_deref(), Some(workshop.as_path()));
    // The next start reopens it.
    assert_eq!(
        app.workshop_files().workshop.as_deref(),
        Some(workshop.as_path())
    );
}

#[test]
fn a_changed_leads_file_is_said_and_verdicts_follow_the_lead_ids() {
    let dir = temp_dir("workshop-changed");
    let leads = dir.path().join("crm.csv");
    std::fs::write(&leads, LEADS).unwrap();
    let workshop = dir.path().join("w.mqlw");
    let mut harness = harness();
    import(&mut harness, &leads);
    harness.state_mut().push(ViewAction::SelectLead(2));
    harness.run_steps(3);
    harness.get_by_label("Would accept").click();
    harness.run_steps(3);
    harness
        .state_mut()
        .push(Command::SaveWorkshopPath(workshop.clone()));
    harness.run_steps(3);

    // The CRM export is refreshed: a new lead first, A3 now on another row.
    std::fs::write(
        &leads,
        "Lead ID,Job Title,Number of Employees,Sales Verdict\nA0,CEO,10,\nA1,VP Sales,250,\nA2,CFO,900,reject\nA3,Manager,40,\n",
    )
    .unwrap();
    let mut again = harness_with(StudioApp::with_bundled_data());
    again.state_mut().push(Command::OpenPath(workshop));
    again.run_steps(5);
    let app = again.state();
    assert!(
        app.notices
            .iter()
            .any(|n| n.is_error && n.text.contains("changed since the workshop was saved")),
        "{:?}",
        app.notices
    );
    let row = app.leads.row_of("A3").unwrap();
    assert_eq!(row, 3);
    assert_eq!(app.document.verdicts.verdict(row), Some(Verdict::Accept));
    assert_eq!(app.document.verdicts.verdict(0), None);
}

#[test]
fn a_broken_workshop_file_names_the_line_and_column_and_changes_nothing() {
    let dir = temp_dir("workshop-broken");
    let path = dir.path().join("broken.mqlw");
    std::fs::write(
        &path,
        "(\n    format: \"mql-studio workshop\",\n    format_version: \"1.0\",\n    saved_at: 12,\n)\n",
    )
    .unwrap();
    let mut harness = harness();
    let before = harness.state().model().clone();
    harness.state_mut().push(Command::OpenPath(path));
    harness.run_steps(3);
    let app = harness.state();
    let notice = app.notices.last().expect("an error");
    assert!(notice.is_error);
    assert!(
        notice.text.contains("line 4") && notice.text.contains("column"),
        "{}",
        notice.text
    );
    assert_eq!(*app.model(), before);
    assert!(app.workshop_path.is_none());
}

#[test]
fn notes_are_added_by_team_undone_saved_with_the_workshop_and_decisions_reach_the_summary() {
    let dir = temp_dir("workshop-notes");
    let workshop = dir.path().join("notes.mqlw");
    let summary = dir.path().join("summary.html");
    let mut harness = harness();
    harness.get_by_label("Edit as Sales").click();
    harness.run_steps(2);
    harness.get_by_label("Notes").click();
    harness.run_steps(2);
    harness.get_by_label("Note text").focus();
    harness.run_steps(1);
    harness
        .get_by_label("Note text")
        .type_text("Threshold stays at 75 until spring");
    harness.run_steps(2);
    harness.get_by_label("Add note as Sales").click();
    harness.run_steps(3);
    let notes = harness.state().document.notes.clone();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].team, Some(Team::Sales));
    assert_eq!(notes[0].kind, mql_studio::workshop::NoteKind::Decision);
    assert_eq!(notes[0].text, "Threshold stays at 75 until spring");
    assert!(
        harness.state().view.note_form.text.is_empty(),
        "the form is cleared"
    );
    assert!(harness.state().is_dirty(), "a note is unsaved work");
    assert!(
        harness
            .query_by_label("Threshold stays at 75 until spring")
            .is_some()
    );

    // Undo takes it back, redo brings it again.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert!(harness.state().document.notes.is_empty());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().document.notes.len(), 1);

    // Saved with the workshop and back on opening it.
    harness
        .state_mut()
        .push(Command::SaveWorkshopPath(workshop.clone()));
    harness.run_steps(3);
    assert!(!harness.state().is_dirty());
    let mut again = harness_with(StudioApp::with_bundled_data());
    again.state_mut().push(Command::OpenPath(workshop));
    again.run_steps(4);
    assert_eq!(*again.state().document.notes, *notes);

    // The decision is in the summary's decisions.
    again
        .state_mut()
        .push(Command::ExportSummaryPath(summary.clone()));
    again.run_steps(3);
    let page = std::fs::read_to_string(&summary).unwrap();
    assert!(
        page.contains("decision: Threshold stays at 75 until spring"),
        "{page}"
    );
}

#[test]
fn the_leads_file_is_byte_identical_after_every_save_path() {
    let dir = temp_dir("workshop-every-save");
    let leads = dir.path().join("crm.csv");
    // CRLF line ends, a BOM and odd spacing: anything rewritten would show.
    let original = "\u{feff}Lead ID ,Job Title,Number of Employees,Sales Verdict\r\nA1,VP Sales, 250 ,\r\nA2,CFO,900,Would reject\r\n";
    std::fs::write(&leads, original).unwrap();
    let mut harness = harness();
    import(&mut harness, &leads);
    harness.state_mut().push(ViewAction::SelectLead(0));
    harness.run_steps(3);
    harness.get_by_label("Would accept").click();
    harness.run_steps(3);
    let unchanged = |when: &str| {
        assert_eq!(
            std::fs::read_to_string(&leads).unwrap(),
            original,
            "the leads file changed: {when}"
        );
    };
    for (command, what) in [
        (
            Command::SaveWorkshopPath(dir.path().join("w.mqlw")),
            "the workshop",
        ),
        (Command::SaveToPath(dir.path().join("m.ron")), "the model"),
        (
            Command::ExportSummaryPath(dir.path().join("s.html")),
            "the summary",
        ),
        (
            Command::ExportMqlListPath(dir.path().join("mqls.csv")),
            "the MQL list",
        ),
        (
            Command::SaveLeadsPath(dir.path().join("v.csv")),
            "the leads with verdicts",
        ),
        (Command::Save, "Save"),
    ] {
        harness.state_mut().push(command);
        harness.run_steps(3);
        unchanged(what);
    }
    assert!(!harness.state().is_dirty(), "{:?}", harness.state().notices);
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(
        files, 6,
        "each save wrote its own file, and no temporary file is left"
    );
}
