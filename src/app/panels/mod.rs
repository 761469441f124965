//! The panels, one file each. Each `*_ui` function draws one panel into the `Ui` it is given and
//! reports what changed; none does file I/O.

mod breakdown;
mod dialogs;
mod history;
mod leads_table;
mod menu_bar;
mod model_editor;
mod plots;
mod status_bar;

use super::StudioApp;

/// Lays the panels out and routes what they report.
pub fn draw(app: &mut StudioApp, ui: &mut egui::Ui) {
    egui::Panel::top("menu_bar").show(ui, |ui| {
        let commands = menu_bar::menu_bar_ui(
            ui,
            &mut app.settings,
            &mut app.view.show_history,
            app.history.can_undo() || app.history.has_pending(&app.document),
            app.history.can_redo(),
        );
        for command in commands {
            app.push(command);
        }
    });

    egui::Panel::bottom("status_bar").show(ui, |ui| {
        status_bar::status_bar_ui(ui, app);
    });

    egui::Panel::left("model_editor")
        .resizable(true)
        .default_size(440.0)
        .min_size(340.0)
        .show(ui, |ui| {
            let context = model_editor::EditContext {
                team: app.settings.editing_as,
                problems: &app.derived.problems,
                leads: &app.leads,
            };
            model_editor::model_editor_ui(
                ui,
                &mut app.document.model,
                &context,
                &mut app.view.editor_tab,
            );
        });

    egui::Panel::right("breakdown")
        .resizable(true)
        .default_size(340.0)
        .min_size(260.0)
        .show(ui, |ui| {
            let verdict_changed = breakdown::breakdown_ui(
                ui,
                &app.document.model,
                &app.leads,
                app.as_of,
                app.view.selected_lead,
                &mut app.document.verdicts,
            );
            if verdict_changed {
                app.view.table_key = None;
            }
        });

    egui::CentralPanel::default_margins().show(ui, |ui| {
        let plot_height = (ui.available_height() * 0.42).clamp(180.0, 340.0);
        ui.allocate_ui(egui::vec2(ui.available_width(), plot_height), |ui| {
            let rect = plots::plots_ui(ui, &mut app.document.model, &app.derived, &app.leads);
            app.view.histogram_rect = rect;
        });
        ui.separator();
        leads_table::leads_table_ui(ui, app);
    });

    if app.view.show_history {
        let mut open = true;
        egui::Window::new("Change history")
            .open(&mut open)
            .default_width(520.0)
            .show(ui.ctx(), |ui| history::history_ui(ui, &app.changes));
        app.view.show_history = open;
    }

    if let Some(dialog) = app.dialog.take() {
        let (kept, commands) = dialogs::dialog_ui(ui.ctx(), dialog);
        app.dialog = kept;
        for command in commands {
            app.push(command);
        }
    }
}
