//! Modal dialogs: unsaved changes, typed paths (and replacing a file that exists), failed
//! imports, crash recovery. *Export as SQL…* has a panel of its own (`sql_export.rs`).

use crate::app::state::{Action, Command, Dialog, ViewAction};

/// Shows the open dialog; pushes what it chose (closing it first, so a chosen command may open
/// another dialog).
pub fn dialog_ui(ctx: &egui::Context, dialog: &Dialog, actions: &mut Vec<Action>) {
    let mut chosen: Vec<Action> = Vec::new();
    let mut close = false;
    let mut cancel = false;
    egui::Modal::new(egui::Id::unique("mql_dialog")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        match dialog {
            // Drawn by `sql_export::sql_export_ui`, which `draw` calls instead.
            Dialog::ExportSql => {}
            Dialog::ConfirmDiscard { then } => {
                ui.heading("Unsaved changes");
                ui.label("The model or sales' verdicts have changes that are not saved. Save them first?");
                ui.horizontal(|ui| {
                    if ui
                        .button("Save")
                        .on_hover_text(
                            "Save the model, then choose where to save sales' verdicts, then continue",
                        )
                        .clicked()
                    {
                        chosen.push(
                            Command::SaveAll {
                                then: Some(then.clone()),
                            }
                            .into(),
                        );
                        close = true;
                    }
                    if ui
                        .button("Discard changes")
                        .on_hover_text("Continue and lose the unsaved changes")
                        .clicked()
                    {
                        chosen.push(Command::Discarding(then.clone()).into());
                        close = true;
                    }
                    if ui.button("Cancel").on_hover_text("Go back to editing").clicked() {
                        cancel = true;
                    }
                });
            }
            Dialog::PathEntry { purpose, text } => {
                ui.heading(purpose.title());
                ui.label("Type the file's path:");
                let label = ui.label("Path");
                let mut typed = text.clone();
                let response = ui
                    .add(egui::TextEdit::singleline(&mut typed).desired_width(480.0))
                    .labelled_by(label.id);
                if response.changed() {
                    chosen.push(ViewAction::PathText(typed.clone()).into());
                }
                let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = ui.button("OK").on_hover_text("Use this path").clicked();
                    if (ok || entered) && !typed.trim().is_empty() {
                        let path = std::path::PathBuf::from(typed.trim());
                        chosen.push(Command::TypedPath(*purpose, path).into());
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        cancel = true;
                    }
                });
            }
            Dialog::ImportFailed {
                path,
                events,
                message,
            } => {
                ui.heading("Import failed");
                ui.label(message.as_str());
                ui.label("Nothing was replaced: the current leads are unchanged.");
                ui.horizontal(|ui| {
                    if ui
                        .button("Import, skipping bad rows")
                        .on_hover_text("Import every readable row and report how many were skipped")
                        .clicked()
                    {
                        chosen.push(
                            if *events {
                                Command::ImportEventsSkippingBadRows(path.clone())
                            } else {
                                Command::ImportLeadsSkippingBadRows(path.clone())
                            }
                            .into(),
                        );
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::ConfirmReplace {
                purpose,
                path,
                note,
            } => {
                ui.heading(purpose.title());
                ui.label(format!("{} already exists. Replace it?", path.display()));
                if let Some(note) = note {
                    ui.label(note.as_str());
                }
                ui.horizontal(|ui| {
                    if ui
                        .button("Replace")
                        .on_hover_text("Write over the file that is there")
                        .clicked()
                    {
                        chosen.push(Command::with_path(*purpose, path.clone()).into());
                        close = true;
                    }
                    if ui
                        .button("Cancel")
                        .on_hover_text("Leave the file as it is")
                        .clicked()
                    {
                        cancel = true;
                    }
                });
            }
            Dialog::RestoreAutosave { saved_at } => {
                ui.heading("Restore unsaved work?");
                ui.label(format!(
                    "mql-studio did not close cleanly last time. Unsaved work from {saved_at} was kept."
                ));
                ui.horizontal(|ui| {
                    if ui
                        .button("Restore")
                        .on_hover_text("Open the autosaved model")
                        .clicked()
                    {
                        chosen.push(Command::RestoreAutosave.into());
                        close = true;
                    }
                    if ui
                        .button("Discard")
                        .on_hover_text("Delete the autosaved work")
                        .clicked()
                    {
                        chosen.push(Command::DiscardAutosave.into());
                        close = true;
                    }
                });
            }
        }
    });
    if cancel {
        actions.push(ViewAction::CancelDialog.into());
    } else if close {
        actions.push(ViewAction::CloseDialog.into());
    }
    actions.extend(chosen);
}
