//! The session's change history: what changed, by which team, when.

use egui::{RichText, Ui};

use crate::app::document::ChangeRecord;
use crate::app::widgets::team_color;

pub fn history_ui(ui: &mut Ui, changes: &[ChangeRecord]) {
    if changes.is_empty() {
        ui.label("No changes yet in this session.");
        return;
    }
    egui::ScrollArea::vertical()
        .max_height(420.0)
        .show(ui, |ui| {
            egui::Grid::new("change_history")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    for change in changes.iter().rev() {
                        ui.label(&change.time);
                        ui.label(
                            RichText::new(change.team.label()).color(team_color(ui, change.team)),
                        );
                        ui.label(&change.summary);
                        ui.end_row();
                    }
                });
        });
}
