//! The workshop app driven headlessly with egui_kittest: widgets are found by their accessible
//! names, clicked, typed into and dragged; every test asserts on the app's state.
#![cfg(feature = "gui")]
// A test or benchmark may stop at its first failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mql_studio::app::{Command, Dialog, EditorTab, Purpose, StudioApp, ViewAction};
use mql_studio::edit::ModelEdit;
use mql_studio::leads::Verdict;
use mql_studio::model::{Model, Team};
use mql_studio::scoring::{Evaluation, Status, score_all};

mod common;

use common::app::{enter_path, file_menu, harness, harness_with, temp_dir};

/// Statuses of every lead under a model, computed by the engine alone.
fn statuses(app: &StudioApp, model: &Model) -> Vec<Status> {
    let evaluation = Evaluation::new(model, &app.leads, app.as_of);
    score_all(model, &evaluation)
        .iter()
        .map(|s| s.status)
        .collect()
}

#[test]
fn starts_on_the_bundled_model_and_scores_all_sample_leads() {
    let harness = harness();
    let app = harness.state();
    assert_eq!(app.model().name, "B2B SaaS default");
    assert_eq!(app.leads.len(), 300);
    assert_eq!(app.derived.board.scores.len(), 300);
    assert_eq!(app.derived.board.summary.counts.iter().sum::<usize>(), 300);
    // The same statuses as the engine computes on its own.
    let expected = statuses(app, app.model());
    let shown: Vec<Status> = app.derived.board.scores.iter().map(|s| s.status).collect();
    assert_eq!(shown, expected);
    assert!(
        app.derived.board.summary.counts[Status::Mql.index()] > 0,
        "the sample has MQLs"
    );
    assert!(
        harness
            .query_by_label_contains("Score distribution · drag to move the threshold")
            .is_some()
    );
}

#[test]
fn changing_a_rules_points_changes_a_leads_status() {
    let mut harness = harness();
    let before = harness.state().derived.board.scores.clone();
    // Which leads the engine says change when the senior-title rule goes from 20 to 40 points.
    let mut heavier = harness.state().model().clone();
    heavier.fit.rules[0].points = 40.0;
    let expected = statuses(harness.state(), &heavier);
    let changed: Vec<usize> = (0..before.len())
        .filter(|&row| before[row].status != expected[row])
        .collect();
    assert!(
        !changed.is_empty(),
        "the test needs a lead that changes status"
    );

    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(40.0);
    harness.run_steps(3);

    let app = harness.state();
    assert_eq!(app.model().fit.rules[0].points, 40.0);
    for &row in &changed {
        assert_eq!(
            app.derived.board.scores[row].status, expected[row],
            "lead row {row}"
        );
        assert_ne!(app.derived.board.scores[row].status, before[row].status);
    }
    // The edit is one history entry, attributed to the team editing.
    let last = app.changes.last().expect("a change was recorded");
    assert_eq!(last.team, Team::Marketing);
    assert!(last.summary.contains("points 20 → 40"), "{}", last.summary);
}

#[test]
fn undo_and_redo_restore_model_edits_with_the_keyboard() {
    let mut harness = harness();
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(35.0);
    harness.run_steps(3);
    harness
        .get_by_label("Points of Core industry")
        .set_value_accesskit(5.0);
    harness.run_steps(3);
    assert_eq!(harness.state().model().fit.rules[2].points, 5.0);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model().fit.rules[2].points, 15.0);
    assert_eq!(harness.state().model().fit.rules[0].points, 35.0);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model().fit.rules[0].points, 20.0);

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model().fit.rules[0].points, 35.0);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run_steps(3);
    assert_eq!(harness.state().model().fit.rules[2].points, 5.0);
    // Scores follow the undone and redone model.
    let app = harness.state();
    let expected = statuses(app, app.model());
    let shown: Vec<Status> = app.derived.board.scores.iter().map(|s| s.status).collect();
    assert_eq!(shown, expected);
}

#[test]
fn dragging_in_the_histogram_moves_the_threshold_as_one_undo_step() {
    let mut harness = harness();
    let rect = harness
        .state()
        .view
        .histogram_rect
        .expect("the histogram was drawn");
    let y = rect.center().y;
    let start = egui::pos2(rect.left() + rect.width() * 0.8, y);
    harness.hover_at(start);
    harness.run_steps(1);
    harness.drag_at(start);
    harness.run_steps(1);
    for fraction in [0.7, 0.6, 0.5, 0.45] {
        harness.hover_at(egui::pos2(rect.left() + rect.width() * fraction, y));
        harness.run_steps(1);
    }
    let during = harness.state().model().combine.mql_threshold;
    harness.drop_at(egui::pos2(rect.left() + rect.width() * 0.45, y));
    harness.run_steps(3);
    let after = harness.state().model().combine.mql_threshold;
    assert!(after < 75.0, "the threshold moved left, to {after}");
    assert_eq!(
        during, after,
        "the threshold follows the pointer while dragging"
    );
    // MQL counts follow the threshold.
    let app = harness.state();
    let expected = statuses(app, app.model());
    assert_eq!(
        app.derived.board.summary.counts[Status::Mql.index()],
        expected.iter().filter(|s| **s == Status::Mql).count()
    );
    // The whole drag is one step.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model().combine.mql_threshold, 75.0);
}

#[test]
fn adding_and_deleting_a_rule_is_attributed_to_the_team_editing() {
    let mut harness = harness();
    harness.get_by_label("Edit as Sales").click();
    harness.run_steps(2);
    assert_eq!(harness.state().settings.editing_as, Team::Sales);
    let count = harness.state().model().fit.rules.len();

    harness.get_by_label("➕ Add fit rule").click_accesskit();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.model().fit.rules.len(), count + 1);
    let added = app.model().fit.rules.last().expect("added");
    assert_eq!(added.proposed_by, Some(Team::Sales));
    assert_eq!(added.id, "fit-new");
    let record = app.changes.last().expect("recorded");
    assert_eq!(record.team, Team::Sales);
    assert!(
        record.summary.contains("added fit rule"),
        "{}",
        record.summary
    );

    harness
        .get_by_label("Delete New fit rule")
        .click_accesskit();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.model().fit.rules.len(), count);
    assert!(app.model().fit.rules.iter().all(|r| r.id != "fit-new"));
    assert!(
        app.changes
            .last()
            .expect("recorded")
            .summary
            .contains("removed fit rule"),
        "{:?}",
        app.changes.last()
    );
}

#[test]
fn switching_tabs_shows_engagement_rules_and_scoring_settings() {
    let mut harness = harness();
    harness.get_by_label("Scoring").click();
    harness.run_steps(2);
    assert_eq!(harness.state().view.editor_tab, EditorTab::Scoring);
    harness
        .get_by_role_and_label(egui::accesskit::Role::Slider, "MQL threshold")
        .set_value_accesskit(50.0);
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.model().combine.mql_threshold, 50.0);
    let expected = statuses(app, app.model());
    let shown: Vec<Status> = app.derived.board.scores.iter().map(|s| s.status).collect();
    assert_eq!(shown, expected);

    harness.get_by_label("Engagement").click();
    harness.run_steps(2);
    harness
        .get_by_label("Points of Pricing page visit")
        .set_value_accesskit(12.0);
    harness.run_steps(3);
    assert_eq!(harness.state().model().engagement.rules[0].points, 12.0);
}

#[test]
fn importing_a_bad_csv_shows_the_row_and_column_and_keeps_the_leads() {
    let dir = temp_dir("bad-csv");
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        "Lead ID,Job Title,Number of Employees\nA1,VP Sales,250\nA2,CFO,lots\nA3,Manager,40\n",
    )
    .expect("write csv");
    let mut harness = harness();
    file_menu(&mut harness, "Import leads…");
    enter_path(&mut harness, &path);

    let app = harness.state();
    assert_eq!(app.leads.len(), 300, "the sample leads are kept");
    let notice = app.notices.last().expect("an error is shown");
    assert!(notice.is_error);
    assert!(notice.text.contains("row 3"), "{}", notice.text);
    assert!(
        notice.text.contains("Number of Employees"),
        "{}",
        notice.text
    );
    assert!(matches!(app.dialog, Some(Dialog::ImportFailed { .. })));

    harness.get_by_label("Import, skipping bad rows").click();
    harness.run_steps(4);
    let app = harness.state();
    assert_eq!(app.leads.len(), 2);
    assert_eq!(app.derived.board.scores.len(), 2);
    assert!(
        app.notices
            .iter()
            .any(|n| n.text.contains("skipped 1 bad rows")),
        "{:?}",
        app.notices
    );
}

#[test]
fn importing_an_event_log_shows_the_warnings_about_its_dates() {
    // Far-future events do not move the as-of date; an as-of date long before today is said.
    let dir = temp_dir("event-dates");
    let path = dir.path().join("events.csv");
    let today = mql_studio::leads::today();
    let old = mql_studio::leads::format_day(today - 100);
    std::fs::write(
        &path,
        format!("Lead ID,Activity,Timestamp\nL000001,webinar,{old}\nL000002,demo,9999-12-31\n"),
    )
    .expect("write csv");
    let mut harness = harness();
    harness.state_mut().push(Command::ImportEventsPath(path));
    harness.run_steps(4);
    let app = harness.state();
    assert_eq!(app.as_of, today - 100);
    let texts: Vec<&str> = app.notices.iter().map(|n| n.text.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("1 event is dated later than tomorrow")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.starts_with(&format!(
            "scoring as of {old}, the day of the latest event, 100 days before today"
        ))),
        "{texts:?}"
    );
}

#[test]
fn saving_then_opening_gives_back_the_same_model_and_clears_the_unsaved_marker() {
    let dir = temp_dir("save-open");
    let path = dir.path().join("workshop.ron");
    let mut harness = harness();
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(30.0);
    harness.run_steps(3);
    assert!(harness.state().is_dirty());
    assert!(harness.state().title().starts_with('●'));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run_steps(2);
    enter_path(&mut harness, &path);
    assert!(
        !harness.state().is_dirty(),
        "{:?} {:?}",
        harness.state().dialog,
        harness.state().notices
    );
    let saved = mql_studio::format::load_model(&path).expect("the saved file loads");
    assert_eq!(&saved, harness.state().model());
    assert!(!harness.state().title().starts_with('●'));
    assert_eq!(harness.state().settings.recent_files.first(), Some(&path));
    // No temporary file is left beside the saved one.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn new_asks_before_dropping_unsaved_changes() {
    let mut harness = harness();
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(33.0);
    harness.run_steps(3);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run_steps(3);
    assert!(matches!(
        harness.state().dialog,
        Some(Dialog::ConfirmDiscard { .. })
    ));
    harness.get_by_label("Cancel").click();
    harness.run_steps(3);
    assert!(harness.state().dialog.is_none());
    assert_eq!(harness.state().model().fit.rules[0].points, 33.0);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run_steps(3);
    harness.get_by_label("Discard changes").click();
    harness.run_steps(3);
    assert!(harness.state().model().fit.rules.is_empty());
    assert_eq!(harness.state().model().name, "Untitled model");
}

#[test]
fn export_agreed_is_refused_for_an_invalid_model_but_save_as_draft_works() {
    let dir = temp_dir("export");
    let mut harness = harness();
    harness.get_by_label("Scoring").click();
    harness.run_steps(2);
    // A threshold above the scale is invalid.
    harness.state_mut().push(ModelEdit::SetThreshold(150.0));
    harness.run_steps(3);
    file_menu(&mut harness, "Export agreed model…");
    let app = harness.state();
    assert!(
        app.dialog.is_none(),
        "no path is asked for an invalid model: {:?} {:?}",
        app.dialog,
        app.notices
    );
    let notice = app.notices.last().expect("an error");
    assert!(notice.is_error);
    assert!(
        notice.text.contains("cannot be exported as agreed"),
        "{}",
        notice.text
    );

    let draft = dir.path().join("draft.ron");
    harness.state_mut().push(Command::SaveToPath(draft.clone()));
    harness.run_steps(3);
    let saved = mql_studio::format::load_model(&draft).expect("a draft saves");
    assert_eq!(saved.combine.mql_threshold, 150.0);

    harness.state_mut().push(ModelEdit::SetThreshold(70.0));
    harness.run_steps(3);
    // A valid model still needs both signatures.
    file_menu(&mut harness, "Export agreed model…");
    assert!(harness.state().dialog.is_none());
    let notice = harness.state().notices.last().expect("an error");
    assert!(
        notice.text.contains("both teams must sign"),
        "{}",
        notice.text
    );

    sign(&mut harness, "Maria (CMO)");
    assert_eq!(
        harness.state().model().status,
        mql_studio::model::ModelStatus::Proposed
    );
    harness.get_by_label("Edit as Sales").click();
    harness.run_steps(2);
    sign(&mut harness, "Sam (VP Sales)");
    assert_eq!(
        harness.state().model().status,
        mql_studio::model::ModelStatus::Agreed
    );

    let agreed = dir.path().join("agreed.ron");
    file_menu(&mut harness, "Export agreed model…");
    enter_path(&mut harness, &agreed);
    let exported = mql_studio::format::load_model(&agreed).expect("exported");
    assert_eq!(exported.status, mql_studio::model::ModelStatus::Agreed);
    assert_eq!(exported.changelog.len(), 1);
    let people: Vec<&str> = exported
        .sign_offs
        .iter()
        .map(|s| s.person.as_str())
        .collect();
    assert_eq!(people, ["Maria (CMO)", "Sam (VP Sales)"]);
}

/// Signs the model for the team being edited as, through the Sign-off tab.
fn sign(harness: &mut Harness<'static, StudioApp>, person: &str) {
    harness.get_by_label("Sign-off").click();
    harness.run_steps(2);
    harness.get_by_label("Your name").focus();
    harness.run_steps(1);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Your name").type_text(person);
    harness.run_steps(2);
    let button = format!("Sign for {}", harness.state().settings.editing_as.label());
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, &button)
        .click();
    harness.run_steps(3);
}

#[test]
fn a_signed_model_is_locked_until_edit_anyway_clears_the_signatures() {
    let mut harness = harness();
    sign(&mut harness, "Maria");
    harness.get_by_label("Edit as Sales").click();
    harness.run_steps(2);
    sign(&mut harness, "Sam");
    assert!(harness.state().model().is_signed_by_both());

    // The rules are locked: a points change does nothing.
    harness.get_by_label("Fit").click();
    harness.run_steps(2);
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(45.0);
    harness.run_steps(3);
    assert_eq!(harness.state().model().fit.rules[0].points, 20.0);

    harness
        .get_by_label("Edit anyway (clears the signatures)")
        .click();
    harness.run_steps(3);
    let app = harness.state();
    assert!(app.model().sign_offs.is_empty());
    assert_eq!(app.model().status, mql_studio::model::ModelStatus::Draft);
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(45.0);
    harness.run_steps(3);
    assert_eq!(harness.state().model().fit.rules[0].points, 45.0);

    // Undo brings back the signed model.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert!(harness.state().model().is_signed_by_both());
    assert_eq!(harness.state().model().fit.rules[0].points, 20.0);
}

#[test]
fn every_route_to_a_signed_model_is_refused_once_and_verdicts_stay_editable() {
    let mut harness = harness();
    sign(&mut harness, "Maria");
    assert!(harness.state().model().is_signed());
    let model_before = harness.state().model().clone();
    let notices_before = harness.state().notices.len();

    // The calibration view's route, the compare view's route and the histogram's route all end
    // in the same gate.
    harness.state_mut().push(ModelEdit::SetThreshold(40.0));
    harness.state_mut().push(ModelEdit::SetRulePoints {
        id: "fit-senior-title".to_owned(),
        points: 1.0,
    });
    harness.run_steps(2);
    let rect = harness
        .state()
        .view
        .histogram_rect
        .expect("the histogram is drawn");
    harness.drag_at(egui::pos2(
        rect.left() + rect.width() * 0.2,
        rect.center().y,
    ));
    harness.run_steps(1);
    harness.drop_at(egui::pos2(
        rect.left() + rect.width() * 0.2,
        rect.center().y,
    ));
    harness.run_steps(3);

    let app = harness.state();
    assert_eq!(*app.model(), model_before, "nothing changed");
    let refusals: Vec<_> = app.notices[notices_before..]
        .iter()
        .filter(|n| n.is_error && n.text.contains("the model is signed"))
        .collect();
    assert_eq!(refusals.len(), 1, "said once: {:?}", app.notices);

    // Sales' verdicts are not the model: they stay editable on a signed model.
    harness
        .state_mut()
        .push(mql_studio::app::DocumentEdit::Verdict {
            row: 3,
            verdict: Some(mql_studio::leads::Verdict::Reject),
            by: mql_studio::model::Team::Sales,
        });
    harness.run_steps(2);
    assert_eq!(
        harness.state().document.verdicts[3],
        Some(mql_studio::leads::Verdict::Reject)
    );
}

#[test]
fn derived_results_are_recomputed_only_when_their_revision_changes() {
    let mut harness = harness();
    harness.run_steps(2);
    let generation = harness.state().derived.generation;
    let revision = harness.state().document.model_revision();
    harness.run_steps(5);
    assert_eq!(
        harness.state().derived.generation,
        generation,
        "idle frames"
    );
    assert_eq!(harness.state().document.model_revision(), revision);

    harness.state_mut().push(ModelEdit::SetThreshold(60.0));
    harness.run_steps(1);
    let after_edit = harness.state().derived.generation;
    assert_eq!(after_edit, generation + 1, "one edit, one rescoring");
    assert_ne!(harness.state().document.model_revision(), revision);
    harness.run_steps(5);
    assert_eq!(harness.state().derived.generation, after_edit);

    // An edit that changes nothing keeps the revision, and nothing is rescored.
    harness.state_mut().push(ModelEdit::SetThreshold(60.0));
    harness.run_steps(3);
    assert_eq!(harness.state().derived.generation, after_edit);

    // Undo brings the old revision back with the old content.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().document.model_revision(), revision);
    assert_eq!(harness.state().model().combine.mql_threshold, 75.0);
    assert!(!harness.state().is_dirty());
}

#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops a file on the window, as a file manager would.
fn drop_file(harness: &mut Harness<'static, StudioApp>, path: &Path) {
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DroppedPath(path.to_owned())));
}

#[test]
fn dropping_a_model_file_opens_it() {
    let dir = temp_dir("drop");
    let path = dir.path().join("dropped.ron");
    let mut model = Model::new("Dropped model");
    model.combine.mql_threshold = 42.0;
    mql_studio::format::save_model(&path, &model).expect("save");
    let mut harness = harness();
    drop_file(&mut harness, &path);
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.model().name, "Dropped model");
    assert_eq!(app.model_path.as_deref(), Some(path.as_path()));
    assert!(!app.is_dirty());
}

#[test]
fn dropping_an_event_log_with_a_date_column_imports_it_as_events() {
    let dir = temp_dir("drop-events");
    let path = dir.path().join("activity.csv");
    std::fs::write(
        &path,
        "Lead ID,Activity,Date\nL000001,webinar_attended,2026-10-30\nL000002,webinar_attended,2026-10-31\nL000002,demo_request,2026-10-31\n",
    )
    .expect("write");
    let mut harness = harness();
    let leads_before = harness.state().leads.len();
    drop_file(&mut harness, &path);
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(
        app.leads.len(),
        leads_before,
        "the leads stay; they got events"
    );
    let events = app.leads.events.as_ref().expect("an event log");
    assert_eq!(events.len(), 3, "{:?}", app.notices);
    assert_eq!(
        app.as_of,
        mql_studio::leads::parse_day("2026-10-31").expect("a day")
    );
}

#[test]
fn a_huge_dropped_file_is_recognised_from_its_header_alone() {
    let dir = temp_dir("drop-huge");
    let path = dir.path().join("huge-activity.csv");
    // A terabyte on paper (a sparse file): reading it whole would take hours and the memory of
    // the machine; its first bytes say it is an event log.
    let file = std::fs::File::create(&path).expect("create");
    std::io::Write::write_all(&mut &file, b"Lead ID,Activity,Timestamp\n").expect("header");
    file.set_len(1 << 40).expect("sparse");
    drop(file);
    let mut harness = harness();
    drop_file(&mut harness, &path);
    harness.run_steps(1);
    let job = harness
        .state()
        .import_job
        .as_ref()
        .expect("a file this big is imported in the background");
    assert!(job.events, "recognised as an event log by its header");
    assert_eq!(job.bytes, 1 << 40);
    harness.state_mut().push(Command::CancelImport);
    harness.run_steps(2);
    assert!(harness.state().import_job.is_none());
    assert_eq!(harness.state().leads.len(), 300, "the leads are unchanged");
}

#[test]
fn selecting_a_lead_shows_its_breakdown_and_a_verdict_edit_is_undoable() {
    let mut harness = harness();
    harness.state_mut().push(ViewAction::SelectLead(1));
    harness.run_steps(3);
    let id = harness.state().leads.ids[1].clone();
    assert!(
        harness.query_by_label_contains(&id).is_some(),
        "the breakdown names lead {id}"
    );
    let before = harness.state().document.verdicts[1];
    let target = if before == Some(mql_studio::leads::Verdict::Reject) {
        "Would accept"
    } else {
        "Would reject"
    };
    harness.get_by_label(target).click();
    harness.run_steps(3);
    assert_ne!(harness.state().document.verdicts[1], before);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().document.verdicts[1], before);
}

#[test]
fn restoring_autosaved_work_after_a_crash() {
    let dir = temp_dir("autosave");
    let autosave = dir.path().join("autosave.ron");
    let mut lost = Model::new("Work in progress");
    lost.combine.mql_threshold = 61.0;
    let mut verdicts = mql_studio::leads::Verdicts::none(300);
    verdicts.set(
        0,
        Some(mql_studio::leads::Verdict::Reject),
        Some(mql_studio::model::Team::Marketing),
    );
    mql_studio::app::write_autosave(&autosave, &lost, None, Some(&verdicts))
        .expect("autosave written");
    let mut app = StudioApp::with_bundled_data();
    app.autosave_path = Some(autosave.clone());
    app.dialog = Some(Dialog::RestoreAutosave {
        saved_at: "earlier".to_owned(),
    });
    let mut harness = harness_with(app);
    harness.get_by_label("Restore").click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.model().name, "Work in progress");
    assert_eq!(app.model().combine.mql_threshold, 61.0);
    assert!(app.is_dirty(), "restored work is unsaved until saved");
    assert_eq!(
        *app.document.verdicts, verdicts,
        "verdicts come back too, with who recorded them"
    );
}

#[test]
fn showing_an_invalid_model_never_changes_it_behind_the_users_back() {
    let dir = temp_dir("invalid");
    let path = dir.path().join("invalid.ron");
    let mut model =
        mql_studio::format::model_from_str(mql_studio::app::DEFAULT_MODEL).expect("bundled model");
    model.combine.mql_threshold = 150.0;
    model.combine.nurture_band = 500.0;
    model.combine.min_fit = Some(900.0);
    model.engagement.rules[0].cap = Some(-3.0);
    model.fit_grades[0].min_points = -10.0;
    mql_studio::format::save_model(&path, &model).expect("save");
    let mut harness = harness();
    harness.state_mut().push(Command::OpenPath(path.clone()));
    harness.run_steps(3);
    for tab in ["Fit", "Engagement", "Overrides", "Scoring"] {
        harness.get_by_label(tab).click();
        harness.run_steps(3);
    }
    let app = harness.state();
    assert_eq!(
        app.model(),
        &model,
        "drawing the editor must not clamp values"
    );
    assert!(!app.is_dirty());
    assert!(
        app.derived
            .problems
            .iter()
            .any(|p| p.path == "combine.mql_threshold"),
        "the invalid threshold is reported"
    );
}

#[test]
fn sales_verdicts_are_saved_with_the_leads_and_read_back() {
    let dir = temp_dir("verdicts");
    let path = dir.path().join("leads-with-verdicts.csv");
    let mut harness = harness();
    harness.state_mut().push(ViewAction::SelectLead(0));
    harness.run_steps(3);
    let before = harness.state().document.verdicts[0];
    let (target, expected) = if before == Some(mql_studio::leads::Verdict::Accept) {
        ("Would reject", mql_studio::leads::Verdict::Reject)
    } else {
        ("Would accept", mql_studio::leads::Verdict::Accept)
    };
    harness.get_by_label(target).click();
    harness.run_steps(3);
    assert!(harness.state().is_dirty(), "a verdict edit is unsaved work");

    file_menu(&mut harness, "Save leads with verdicts…");
    enter_path(&mut harness, &path);
    assert!(!harness.state().is_dirty(), "{:?}", harness.state().notices);
    let options = mql_studio::leads::LoadOptions::default();
    let (reloaded, _) = mql_studio::leads::load_leads_csv(&path, &options).expect("reloads");
    assert_eq!(reloaded.len(), 300);
    assert_eq!(reloaded.verdicts[0], Some(expected));
    assert_eq!(reloaded.verdicts, *harness.state().document.verdicts);
    assert_eq!(reloaded.ids, harness.state().leads.ids);
}

/// Flips lead `row`'s verdict in the breakdown; returns every verdict after.
fn flip_verdict(harness: &mut Harness<'static, StudioApp>, row: usize) -> Vec<Option<Verdict>> {
    harness.state_mut().push(ViewAction::SelectLead(row));
    harness.run_steps(3);
    let before = harness.state().document.verdicts[row];
    let target = if before == Some(Verdict::Accept) {
        "Would reject"
    } else {
        "Would accept"
    };
    harness.get_by_label(target).click();
    harness.run_steps(3);
    assert_ne!(harness.state().document.verdicts[row], before);
    harness.state().document.verdicts.to_vec()
}

/// The verdicts in a leads file.
fn verdicts_in(path: &Path) -> mql_studio::leads::Verdicts {
    let options = mql_studio::leads::LoadOptions::default();
    let (leads, _) = mql_studio::leads::load_leads_csv(path, &options).expect("the leads load");
    leads.verdicts
}

#[test]
fn no_save_writes_over_the_leads_file_the_user_gave_without_asking() {
    let dir = temp_dir("leads-kept");
    let leads = dir.path().join("crm.csv");
    std::fs::write(&leads, mql_studio::app::SAMPLE_LEADS).expect("write");
    let original = std::fs::read(&leads).expect("read");
    let unchanged = |when: &str| {
        assert!(
            std::fs::read(&leads).expect("read") == original,
            "the leads file changed: {when}"
        );
    };
    let model_path = dir.path().join("workshop.ron");
    let model =
        mql_studio::format::model_from_str(mql_studio::app::DEFAULT_MODEL).expect("bundled model");
    mql_studio::format::save_model(&model_path, &model).expect("save");
    let mut harness = harness();
    harness
        .state_mut()
        .push(Command::OpenPath(model_path.clone()));
    harness
        .state_mut()
        .push(Command::ImportLeadsPath(leads.clone()));
    harness.run_steps(3);
    assert_eq!(harness.state().leads_path.as_deref(), Some(leads.as_path()));

    // Ctrl+S keeps the model and the verdicts in a workshop file, asked for once (beside the
    // model by default); the leads file is never written.
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(30.0);
    harness.run_steps(3);
    flip_verdict(&mut harness, 0);
    let judged = harness.state().document.verdicts.to_vec();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run_steps(3);
    let workshop = dir.path().join("b2b-saas-default.mqlw");
    match &harness.state().dialog {
        Some(Dialog::PathEntry { purpose, text }) => {
            assert_eq!(*purpose, Purpose::SaveWorkshop);
            assert_eq!(*text, workshop.display().to_string());
        }
        other => panic!("the workshop's path should be asked for, found {other:?}"),
    }
    harness.get_by_label("OK").click();
    harness.run_steps(4);
    assert!(!harness.state().is_dirty(), "{:?}", harness.state().notices);
    unchanged("Ctrl+S");
    let saved = mql_studio::workshop::load_workshop(&workshop).expect("the workshop loads");
    assert_eq!(saved.model.fit.rules[0].points, 30.0);
    let ids = &harness.state().leads.ids;
    let first = saved
        .verdicts
        .iter()
        .find(|v| v.lead == ids[0])
        .expect("lead 0's verdict is kept by id");
    assert_eq!(first.verdict, judged[0]);
    assert_eq!(first.by, Some(mql_studio::model::Team::Marketing));

    // Save in the unsaved-changes dialog saves the workshop, then New runs.
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(35.0);
    harness.run_steps(3);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::N);
    harness.run_steps(3);
    harness.get_by_label("Save").click();
    harness.run_steps(4);
    unchanged("Save in the unsaved-changes dialog");
    let saved = mql_studio::workshop::load_workshop(&workshop).expect("the workshop loads");
    assert_eq!(
        saved.model.fit.rules[0].points, 35.0,
        "the workshop was saved first"
    );
    assert_eq!(
        harness.state().model().name,
        "Untitled model",
        "then New ran"
    );
    assert!(!harness.state().is_dirty());
    let suggested = dir.path().join("crm-with-verdicts.csv");

    // Save leads with verdicts…, typed over the imported file, asks first; Cancel keeps it.
    flip_verdict(&mut harness, 1);
    file_menu(&mut harness, "Save leads with verdicts…");
    match &harness.state().dialog {
        Some(Dialog::PathEntry { text, .. }) => {
            assert_eq!(
                *text,
                suggested.display().to_string(),
                "a new file beside the imported one"
            );
        }
        other => panic!("a path dialog should be open, found {other:?}"),
    }
    enter_path(&mut harness, &leads);
    match &harness.state().dialog {
        Some(Dialog::ConfirmReplace { path, note, .. }) => {
            assert_eq!(path, &leads);
            assert!(
                note.as_deref()
                    .is_some_and(|n| n.contains("leads file you imported")),
                "{note:?}"
            );
        }
        other => panic!("replacing the imported file should be confirmed, found {other:?}"),
    }
    harness.get_by_label("Cancel").click();
    harness.run_steps(3);
    assert!(harness.state().dialog.is_none());
    assert!(harness.state().is_dirty());
    unchanged("Cancel");

    // A new file the user names gets them.
    let chosen = dir.path().join("chosen.csv");
    file_menu(&mut harness, "Save leads with verdicts…");
    enter_path(&mut harness, &chosen);
    assert_eq!(verdicts_in(&chosen), *harness.state().document.verdicts);
    assert!(!harness.state().is_dirty());
    unchanged("saving to a new file");

    // The imported file is replaced only on the user's explicit say.
    flip_verdict(&mut harness, 2);
    file_menu(&mut harness, "Save leads with verdicts…");
    enter_path(&mut harness, &leads);
    harness.get_by_label("Replace").click();
    harness.run_steps(3);
    assert_eq!(verdicts_in(&leads), *harness.state().document.verdicts);
    assert!(!harness.state().is_dirty());
}

#[test]
fn the_agreement_view_matches_the_engine_and_opens_a_lead() {
    let mut harness = harness();
    harness.get_by_label("Agreement").click();
    harness.run_steps(3);
    let app = harness.state();
    let table =
        mql_studio::calibration::agreement(&app.derived.board.scores, &app.document.verdicts);
    assert!(table.judged() > 0, "the sample has verdicts");
    let summary = format!("{} leads judged by sales", table.judged());
    assert!(harness.query_by_label_contains(&summary).is_some());
    let first_missed = *table
        .sales_only
        .first()
        .expect("sales wants some leads the model misses");
    let id = app.leads.ids[first_missed].clone();
    harness
        .get_by(|node| {
            node.role() == egui::accesskit::Role::Link
                && node
                    .label()
                    .is_some_and(|l| l.starts_with(&format!("{id} ")))
        })
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().view.selected_lead, Some(first_missed));
}

#[test]
fn calibration_suggestions_apply_to_the_model_as_one_undo_step() {
    let mut harness = harness();
    harness.get_by_label("Calibration").click();
    harness.run_steps(3);
    let app = harness.state();
    let sweep = mql_studio::calibration::threshold_sweep(
        app.model(),
        &app.leads,
        &app.derived.board.scores,
    );
    // Until a target is typed, the view asks for the default: 1.5 × the base rate, at least 20 %.
    let funnel = mql_studio::calibration::funnel(&app.leads, &app.derived.board.scores);
    let target = mql_studio::calibration::default_target_rate(&funnel);
    assert_eq!(
        target, 0.2,
        "8 % of the bundled leads reach SQL: 1.5 × 8 % is below 20 %"
    );
    assert_eq!(app.view.calibration_inputs.target_rate_percent, None);
    let suggestion = mql_studio::calibration::suggest_threshold(
        &sweep,
        mql_studio::calibration::Target::MqlToSqlRate(target),
    )
    .expect("a threshold reaches 20 %");
    let button = format!(
        "Use {}",
        mql_studio::model::fmt_number(suggestion.threshold)
    );
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, &button)
        .click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().model().combine.mql_threshold,
        suggestion.threshold
    );

    let lift = mql_studio::calibration::rule_lift(
        harness.state().model(),
        &harness.state().leads,
        &harness.state().derived.board.evaluation,
    );
    let rule = lift
        .iter()
        .find(|r| r.suggested_points.is_some() && r.suggested_points != r.current_points)
        .expect("a rule with a different suggestion");
    harness
        .get_by_label(&format!("Apply suggested points to {}", rule.label))
        .click_accesskit();
    harness.run_steps(3);
    let model = harness.state().model();
    let points = model
        .fit
        .rules
        .iter()
        .find(|r| r.id == rule.id)
        .map(|r| r.points)
        .or_else(|| {
            model
                .engagement
                .rules
                .iter()
                .find(|r| r.id == rule.id)
                .map(|r| r.points)
        });
    assert_eq!(points, rule.suggested_points);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().model().combine.mql_threshold, 75.0);
}

#[test]
fn comparing_with_a_second_model_shows_status_changes_and_takes_a_rule() {
    let dir = temp_dir("compare");
    let path = dir.path().join("sales-proposal.ron");
    let mut proposal =
        mql_studio::format::model_from_str(mql_studio::app::DEFAULT_MODEL).expect("default");
    proposal.name = "Sales proposal".to_owned();
    proposal.combine.mql_threshold = 65.0;
    proposal.fit.rules[2].points = 25.0;
    let mut finance = proposal.fit.rules[0].clone();
    finance.id = "fit-finance-leader".to_owned();
    finance.label = "Finance leader".to_owned();
    finance.condition =
        mql_studio::model::Condition::ContainsAny(vec!["Finance".into(), "CFO".into()]);
    finance.points = 10.0;
    proposal.fit.rules.push(finance);
    mql_studio::format::save_model(&path, &proposal).expect("save");

    let mut harness = harness();
    harness.get_by_label("Compare").click();
    harness.run_steps(2);
    harness.get_by_label("Open a model to compare…").click();
    harness.run_steps(3);
    enter_path(&mut harness, &path);
    let app = harness.state();
    let other = app.compare.as_ref().expect("a second model is open");
    let evaluation = Evaluation::new(&proposal, &app.leads, app.as_of);
    let expected = mql_studio::calibration::status_changes(
        &app.derived.board.scores,
        &score_all(&proposal, &evaluation),
    );
    assert_eq!(other.scores, score_all(&proposal, &evaluation));
    assert!(!expected.is_empty());
    let heading = format!("{} of 300 leads change status", expected.len());
    assert!(harness.query_by_label(&heading).is_some(), "{heading}");

    // A changed lead is named, not only numbered.
    let first = expected.first().expect("a change").row;
    let app = harness.state();
    let name = format!(
        "{} · {} {}",
        app.leads.ids[first],
        app.leads.display(first, "First Name"),
        app.leads.display(first, "Last Name")
    );
    assert!(harness.query_by_label(&name).is_some(), "{name}");

    harness
        .get_by_label("add to ours fit-finance-leader")
        .click_accesskit();
    harness.run_steps(3);
    let model = harness.state().model();
    assert!(model.fit.rules.iter().any(|r| r.id == "fit-finance-leader"));
    assert_eq!(model.combine.mql_threshold, 75.0, "only the rule was taken");
    let left = mql_studio::diff::diff_models(model, &proposal).lines();
    assert!(
        !left.iter().any(|line| line.contains("reordered")),
        "taking a rule puts it where theirs has it: {left:?}"
    );
    harness
        .get_by_label("use theirs fit-core-industry")
        .click_accesskit();
    harness.run_steps(3);
    let model = harness.state().model();
    let core = model.fit.rules.iter().find(|r| r.id == "fit-core-industry");
    assert_eq!(core.map(|r| r.points), Some(25.0));
}

#[test]
fn unsaved_work_is_autosaved_in_the_background_and_removed_once_saved() {
    let dir = temp_dir("autosave-write");
    let autosave = dir.path().join("autosave.ron");
    let mut app = StudioApp::with_bundled_data();
    app.autosave_path = Some(autosave.clone());
    let mut harness = harness_with(app);
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(31.0);
    harness.run_steps(3);
    // Let a few seconds of frames pass (the harness advances time every step).
    let mut waited = 0;
    while !autosave.exists() && waited < 600 {
        harness.input_mut().time = Some(harness.input().time.unwrap_or(0.0) + 0.1);
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(2));
        waited += 1;
    }
    let written = std::fs::read_to_string(&autosave).expect("an autosave was written");
    assert!(written.contains("31"), "the edit is in the autosave");
    // Saving the model makes the autosave unnecessary.
    harness
        .state_mut()
        .push(Command::SaveToPath(dir.path().join("saved.ron")));
    let mut waited = 0;
    while autosave.exists() && waited < 600 {
        harness.input_mut().time = Some(harness.input().time.unwrap_or(0.0) + 0.1);
        harness.step();
        waited += 1;
    }
    assert!(
        !autosave.exists(),
        "the autosave is removed once the work is saved"
    );
}

/// One frame, `seconds` of app time after the last one.
fn step_after(harness: &mut Harness<'static, StudioApp>, seconds: f64) {
    let now = harness.ctx.input(|i| i.time);
    harness.input_mut().time = Some(now + seconds);
    harness.step();
}

/// When the app asked for its next frame (`Duration::MAX`: not until there is input).
fn repaint_delay(harness: &Harness<'static, StudioApp>) -> std::time::Duration {
    harness
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(std::time::Duration::MAX, |viewport| viewport.repaint_delay)
}

/// Runs frames as the window does while nothing happens (no mouse, no keys): the next frame only
/// when the app asked for one, at the app time it asked for, for up to `seconds` of app time.
/// Returns how many frames ran.
fn run_idle(harness: &mut Harness<'static, StudioApp>, seconds: f64) -> usize {
    let end = harness.ctx.input(|i| i.time) + seconds;
    let mut frames = 0;
    while frames < 5000 {
        let delay = repaint_delay(harness);
        if delay == std::time::Duration::MAX {
            break;
        }
        let wait = delay.as_secs_f64().max(1.0 / 60.0);
        if harness.ctx.input(|i| i.time) + wait > end {
            break;
        }
        step_after(harness, wait);
        frames += 1;
        // Real time for the autosave's thread to write, as the window would give it: up to the
        // app time waited (a loaded machine may take a few hundred milliseconds to fsync).
        std::thread::sleep(std::time::Duration::from_secs_f64(wait.min(0.1)));
    }
    frames
}

#[test]
fn the_last_value_of_a_drag_is_autosaved_without_further_input_and_restored_after_a_crash() {
    use mql_studio::app::{AUTOSAVE_SECONDS, read_autosave};
    let dir = temp_dir("autosave-idle");
    let autosave = dir.path().join("autosave.ron");
    let mut app = StudioApp::with_bundled_data();
    app.autosave_path = Some(autosave.clone());
    let mut harness = harness_with(app);
    let rect = harness
        .state()
        .view
        .histogram_rect
        .expect("the histogram was drawn");
    let at = |fraction: f32| egui::pos2(rect.left() + rect.width() * fraction, rect.center().y);
    harness.hover_at(at(0.8));
    step_after(&mut harness, 0.1);
    harness.drag_at(at(0.8));
    step_after(&mut harness, 0.1);
    harness.hover_at(at(0.7));
    step_after(&mut harness, 0.1);
    // The pointer rests mid-drag past an autosave tick: that value is written.
    step_after(&mut harness, AUTOSAVE_SECONDS + 0.5);
    let mid = harness.state().model().combine.mql_threshold;
    let mut waited = 0;
    while read_autosave(&autosave).map(|a| a.model.combine.mql_threshold) != Some(mid) {
        assert!(
            waited < 1000,
            "the mid-drag value {mid} was not autosaved: {:?} at {}; dirty {}",
            read_autosave(&autosave).map(|a| a.model.combine.mql_threshold),
            harness.ctx.input(|i| i.time),
            harness.state().is_dirty()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        waited += 1;
    }
    // The drag goes on and ends; then nothing happens.
    for fraction in [0.6, 0.5, 0.45] {
        harness.hover_at(at(fraction));
        step_after(&mut harness, 0.1);
    }
    harness.drop_at(at(0.45));
    step_after(&mut harness, 0.1);
    step_after(&mut harness, 0.1);
    let last = harness.state().model().combine.mql_threshold;
    assert_ne!(last, mid, "the drag moved the threshold on");

    let frames = run_idle(&mut harness, 3.0 * AUTOSAVE_SECONDS);
    let saved = read_autosave(&autosave).expect("an autosave");
    assert_eq!(
        saved.model.combine.mql_threshold, last,
        "the autosave holds the last value ({frames} idle frames ran)"
    );
    // Then the app rests: nothing left to write, no frame asked for.
    assert_eq!(repaint_delay(&harness), std::time::Duration::MAX);
    assert!(frames < 20, "{frames} frames while idle");

    // A crash now (the autosave stays as it is): the next start offers the last value.
    drop(harness);
    let mut app = StudioApp::with_bundled_data();
    app.autosave_path = Some(autosave.clone());
    app.dialog = Some(Dialog::RestoreAutosave {
        saved_at: saved.saved_at.clone(),
    });
    let mut restarted = harness_with(app);
    restarted.get_by_label("Restore").click();
    restarted.run_steps(3);
    let app = restarted.state();
    assert_eq!(app.model().combine.mql_threshold, last);
    assert!(app.is_dirty());
    // The verdicts in it are as in the leads file: not unsaved work to be asked about.
    assert!(app.saved.verdicts_are_saved(&app.document));
}

#[test]
fn save_in_the_unsaved_changes_dialog_asks_for_an_untitled_models_path_then_quits() {
    let dir = temp_dir("save-then-quit");
    let path = dir.path().join("untitled.ron");
    let mut harness = harness();
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(42.0);
    harness.run_steps(3);
    harness.state_mut().push(Command::Quit);
    harness.run_steps(3);
    harness.get_by_label("Save").click();
    harness.run_steps(3);
    // The model has no file yet: its path is asked for, and Quit waits for it.
    match &harness.state().dialog {
        Some(Dialog::PathEntry { purpose, .. }) => assert_eq!(*purpose, Purpose::SaveModelAs),
        other => panic!("the model's path should be asked for, found {other:?}"),
    }
    assert!(!harness.state().quit_requested);
    enter_path(&mut harness, &path);
    let saved = mql_studio::format::load_model(&path).expect("the model was saved");
    assert_eq!(saved.fit.rules[0].points, 42.0);
    assert!(harness.state().quit_requested, "then Quit went on");

    // Cancelling the path stops there: nothing saved, no quitting.
    let mut harness = self::harness();
    harness
        .get_by_label("Points of Senior decision maker")
        .set_value_accesskit(43.0);
    harness.run_steps(3);
    harness.state_mut().push(Command::Quit);
    harness.run_steps(3);
    harness.get_by_label("Save").click();
    harness.run_steps(3);
    harness.get_by_label("Cancel").click();
    harness.run_steps(3);
    assert!(harness.state().dialog.is_none());
    assert!(!harness.state().quit_requested);
    assert!(harness.state().is_dirty());
}

#[test]
fn temporary_files_left_by_an_interrupted_save_are_removed_at_the_next_start() {
    let models = temp_dir("stale-temporaries");
    let storage = temp_dir("stale-storage");
    let model = models.path().join("workshop.ron");
    mql_studio::format::save_model(&model, &Model::new("Workshop")).expect("save");
    let aged = |path: &Path, age: std::time::Duration| {
        std::fs::write(path, "half a file").expect("write");
        std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open")
            .set_modified(std::time::SystemTime::now() - age)
            .expect("set the modification time");
    };
    let hour = std::time::Duration::from_secs(3600);
    // What `kill -9` mid-save left beside a recent model and beside the autosave.
    let stale_model = models.path().join(".workshop.ron.mql-studio-tmp-Xy12Zq");
    aged(&stale_model, hour);
    let stale_autosave = storage.path().join(".autosave.ron.mql-studio-tmp-Ab34Cd");
    aged(&stale_autosave, hour);
    // Another mql-studio saving right now: its temporary file is fresh, and stays.
    let in_progress = models.path().join(".workshop.ron.mql-studio-tmp-Qr56St");
    aged(&in_progress, std::time::Duration::ZERO);
    let mut app = StudioApp::with_bundled_data();
    app.settings.recent_files = vec![model.clone()];
    app.autosave_path = Some(storage.path().join("autosave.ron"));
    app.open_start_files(&mql_studio::app::StartOptions::default());
    let mut harness = harness_with(app);
    let removed_notice = |app: &StudioApp| {
        app.notices
            .iter()
            .any(|n| n.text.starts_with("removed 2 temporary file(s)"))
    };
    let mut steps = 0;
    while !removed_notice(harness.state()) {
        assert!(
            steps < 500,
            "no cleanup notice: {:?}",
            harness.state().notices
        );
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
        steps += 1;
    }
    assert!(!stale_model.exists());
    assert!(!stale_autosave.exists());
    assert!(in_progress.exists(), "a save in progress is left alone");
    assert_eq!(
        mql_studio::format::load_model(&model)
            .expect("the model")
            .name,
        "Workshop"
    );
}

/// Writes a leads file big enough to be imported in the background.
fn big_leads_file(dir: &Path, leads: usize) -> PathBuf {
    let path = dir.join("big-leads.csv");
    let mut leads_bytes = Vec::new();
    let mut events_bytes = Vec::new();
    let options = mql_studio::generate::GenerateOptions {
        leads,
        seed: 7,
        ..Default::default()
    };
    mql_studio::generate::generate(&options, &mut leads_bytes, &mut events_bytes)
        .expect("generate");
    std::fs::write(&path, &leads_bytes).expect("write");
    assert!(
        leads_bytes.len() as u64 >= mql_studio::app::BACKGROUND_IMPORT_BYTES,
        "the file must be big enough for a background import"
    );
    path
}

#[test]
fn a_large_import_runs_in_the_background_and_replaces_the_leads_when_complete() {
    let dir = temp_dir("big-import");
    let path = big_leads_file(dir.path(), 45_000);
    let path_copy = path.clone();
    let mut harness = harness();
    harness.state_mut().push(Command::ImportLeadsPath(path));
    harness.run_steps(2);
    assert!(
        harness.state().import_job.is_some(),
        "the import runs on a thread"
    );
    assert_eq!(
        harness.state().leads.len(),
        300,
        "the sample leads stay meanwhile"
    );
    let (progress, size) = {
        let job = harness.state().import_job.as_ref().expect("import job");
        (job.progress.clone(), job.bytes)
    };
    assert_eq!(size, std::fs::metadata(&path_copy).unwrap().len());
    // The window shows how far the import has read (windows appear on their second frame).
    harness.run_steps(2);
    assert!(
        harness
            .query_all_by_label_contains("Importing")
            .next()
            .is_some()
    );
    let mut waited = 0;
    while harness.state().import_job.is_some() && waited < 3000 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
        waited += 1;
    }
    harness.run_steps(3);
    assert_eq!(progress.bytes_read(), size, "every byte counted");
    let app = harness.state();
    assert_eq!(app.leads.len(), 45_000);
    assert_eq!(app.derived.board.scores.len(), 45_000);
    assert_eq!(
        app.derived.board.summary.counts.iter().sum::<usize>(),
        45_000
    );
}

#[test]
fn a_cancelled_import_keeps_the_current_leads() {
    let dir = temp_dir("cancel-import");
    let path = big_leads_file(dir.path(), 45_000);
    let mut harness = harness();
    harness.state_mut().push(Command::ImportLeadsPath(path));
    harness.run_steps(4);
    let progress = harness
        .state()
        .import_job
        .as_ref()
        .expect("import job")
        .progress
        .clone();
    harness.get_by_label("Cancel import").click();
    harness.run_steps(2);
    assert!(harness.state().import_job.is_none());
    assert!(progress.is_cancelled(), "the loader is told to stop");
    // Even once the thread has finished, nothing is replaced.
    std::thread::sleep(std::time::Duration::from_millis(500));
    harness.run_steps(3);
    assert_eq!(harness.state().leads.len(), 300);
    assert!(
        harness
            .state()
            .notices
            .iter()
            .any(|n| n.text.contains("cancelled the import"))
    );
}

/// Steps until background rescoring has delivered the current model's scores.
fn settle(harness: &mut Harness<'static, StudioApp>) {
    for _ in 0..500 {
        harness.step();
        if !harness.state().derived.is_pending() {
            harness.step();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("background rescoring did not finish");
}

#[test]
fn background_rescoring_shows_the_latest_model_once_it_is_done() {
    // Large lead sets are rescored on a thread; lower the bar so the sample leads are.
    let mut app = StudioApp::with_bundled_data();
    app.derived.background_from = 1;
    let mut harness = harness_with(app);
    settle(&mut harness);
    {
        let app = harness.state();
        let shown: Vec<Status> = app.derived.board.scores.iter().map(|s| s.status).collect();
        assert_eq!(shown, statuses(app, app.model()));
        assert_eq!(app.derived.board.summary.counts.iter().sum::<usize>(), 300);
        assert!(
            app.view.selected_lead.is_some(),
            "the best lead is selected once scored"
        );
    }
    let before = harness.state().derived.board.summary.counts;
    harness.get_by_label("Scoring").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(egui::accesskit::Role::Slider, "MQL threshold")
        .set_value_accesskit(40.0);
    // Several edits in a row: only the newest model needs to be shown at the end.
    harness.step();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Slider, "MQL threshold")
        .set_value_accesskit(45.0);
    settle(&mut harness);
    let app = harness.state();
    assert_eq!(app.model().combine.mql_threshold, 45.0);
    let shown: Vec<Status> = app.derived.board.scores.iter().map(|s| s.status).collect();
    assert_eq!(shown, statuses(app, app.model()));
    assert_ne!(
        app.derived.board.summary.counts, before,
        "a lower threshold adds MQLs"
    );
    // "Changed since saved" compares with the saved model, counted on the thread too.
    let saved = Evaluation::new(&app.saved.model, &app.leads, app.as_of);
    let saved_counts = mql_studio::scoring::status_counts(&score_all(&app.saved.model, &saved));
    assert_eq!(app.derived.saved_counts, Some(saved_counts));
}

#[test]
fn the_table_sorts_by_a_number_in_either_direction_with_ties_in_lead_order() {
    use mql_studio::app::SortColumn;
    let mut harness = harness();
    for (column, descending) in [
        (SortColumn::Score, true),
        (SortColumn::Score, false),
        (SortColumn::Engagement, true),
        (SortColumn::Fit, false),
    ] {
        harness.state_mut().settings.sort_column = column;
        harness.state_mut().settings.sort_descending = descending;
        harness.run_steps(2);
        let app = harness.state();
        let key = |row: usize| {
            let score = app.derived.board.scores[row];
            match column {
                SortColumn::Score => score.score,
                SortColumn::Engagement => score.engagement,
                _ => score.fit,
            }
        };
        let rows = &app.table.rows;
        assert_eq!(rows.len(), 300);
        for pair in rows.windows(2) {
            let (a, b) = (key(pair[0]), key(pair[1]));
            let in_order = if descending { a > b } else { a < b };
            assert!(
                in_order || (a == b && pair[0] < pair[1]),
                "{column:?} descending={descending}: row {} ({a}) before row {} ({b})",
                pair[0],
                pair[1]
            );
        }
    }
}
