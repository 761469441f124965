//! Modal dialogs: unsaved changes, typed paths, failed imports, crash recovery.

use crate::app::Dialog;
use crate::app::commands::Command;

/// Shows a dialog; returns it back while it stays open, and the commands it chose.
pub fn dialog_ui(ctx: &egui::Context, mut dialog: Dialog) -> (Option<Dialog>, Vec<Command>) {
    let mut commands = Vec::new();
    let mut close = false;
    egui::Modal::new(egui::Id::unique("mql_dialog")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        match &mut dialog {
            Dialog::ConfirmDiscard { then } => {
                ui.heading("Unsaved changes");
                ui.label("The model or sales' verdicts have changes that are not saved. Save them first?");
                ui.horizontal(|ui| {
                    if ui.button("Save").on_hover_text("Save, then continue").clicked() {
                        commands.push(Command::SaveAll);
                        commands.push((**then).clone());
                        close = true;
                    }
                    if ui
                        .button("Discard changes")
                        .on_hover_text("Continue and lose the unsaved changes")
                        .clicked()
                    {
                        commands.push(Command::Discarding(then.clone()));
                        close = true;
                    }
                    if ui.button("Cancel").on_hover_text("Go back to editing").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::PathEntry { purpose, text } => {
                ui.heading(purpose.title());
                ui.label("Type the file's path:");
                let label = ui.label("Path");
                let response = ui
                    .add(egui::TextEdit::singleline(text).desired_width(480.0))
                    .labelled_by(label.id);
                let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = ui.button("OK").on_hover_text("Use this path").clicked();
                    if (ok || entered) && !text.trim().is_empty() {
                        commands.push(purpose.command(std::path::PathBuf::from(text.trim())));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
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
                        commands.push(if *events {
                            Command::ImportEventsSkippingBadRows(path.clone())
                        } else {
                            Command::ImportLeadsSkippingBadRows(path.clone())
                        });
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
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
                        commands.push(Command::RestoreAutosave);
                        close = true;
                    }
                    if ui
                        .button("Discard")
                        .on_hover_text("Delete the autosaved work")
                        .clicked()
                    {
                        commands.push(Command::DiscardAutosave);
                        close = true;
                    }
                });
            }
        }
    });
    if close {
        (None, commands)
    } else {
        (Some(dialog), commands)
    }
}
