//! The workshop app under egui_kittest: a harness on the bundled data at the size of the
//! window people use, and the menu and path-dialog steps many tests take.

use std::path::Path;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mql_studio::app::{Dialog, StudioApp};

pub fn harness() -> Harness<'static, StudioApp> {
    harness_with(StudioApp::with_bundled_data())
}

pub fn harness_with(app: StudioApp) -> Harness<'static, StudioApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(|ui, app: &mut StudioApp| app.frame_ui(ui), app);
    harness.run_steps(3);
    harness
}

/// A fresh directory, removed when the test ends.
pub fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("mql-studio-ui-{name}-"))
        .tempdir()
        .expect("a temporary directory")
}

/// Opens a menu item through the File menu.
pub fn file_menu(harness: &mut Harness<'static, StudioApp>, item: &str) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    if std::env::var_os("DEBUG_MENU").is_some() {
        for node in harness.get_all_by(|n| n.role() == egui::accesskit::Role::Button) {
            eprintln!("button: {:?}", node);
        }
    }
    harness
        .get_by(|node| {
            node.role() == egui::accesskit::Role::Button
                && node.label().is_some_and(|label| label.contains(item))
        })
        .click();
    harness.run_steps(3);
}

/// Types a path into the path dialog and confirms it.
pub fn enter_path(harness: &mut Harness<'static, StudioApp>, path: &Path) {
    assert!(
        matches!(harness.state().dialog, Some(Dialog::PathEntry { .. })),
        "a path dialog should be open, found {:?}",
        harness.state().dialog
    );
    harness.get_by_label("Path").focus();
    harness.run_steps(1);
    // Replace the suggested path.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run_steps(1);
    harness
        .get_by_label("Path")
        .type_text(&path.display().to_string());
    harness.run_steps(2);
    harness.get_by_label("OK").click();
    harness.run_steps(4);
}
