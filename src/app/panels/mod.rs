//! The panels, one file each. Each `*_ui` function draws one panel from `&` state and pushes the
//! [`Action`]s the user asked for; none changes the app's state or does file I/O. `draw` lays them
//! out and returns every action of the frame, in the order they were asked for.

mod agreement;
mod breakdown;
mod calibration_view;
mod compare;
mod dialogs;
mod history;
mod import_progress;
mod leads_table;
mod menu_bar;
mod model_editor;
mod plots;
mod signoff;
mod status_bar;

use super::state::{Action, CentralView, Command, StudioApp, ViewAction};

/// The preview: plots above the leads table.
fn preview_ui(app: &StudioApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let plot_height = (ui.available_height() * 0.42).clamp(180.0, 340.0);
    ui.allocate_ui(egui::vec2(ui.available_width(), plot_height), |ui| {
        plots::plots_ui(ui, &app.document.model, &app.derived, &app.leads, actions);
    });
    ui.separator();
    leads_table::leads_table_ui(ui, app, actions);
}

/// Lays the panels out; returns what they asked for.
pub fn draw(app: &StudioApp, ui: &mut egui::Ui) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::Panel::top("menu_bar").show(ui, |ui| {
        menu_bar::menu_bar_ui(
            ui,
            &app.settings,
            app.view.show_history,
            app.history.can_undo() || app.history.has_pending(&app.document),
            app.history.can_redo(),
            &mut actions,
        );
    });

    egui::Panel::bottom("status_bar").show(ui, |ui| {
        status_bar::status_bar_ui(ui, app, &mut actions);
    });

    egui::Panel::left("model_editor")
        .resizable(true)
        .default_size(440.0)
        .min_size(340.0)
        .show(ui, |ui| {
            let context = model_editor::EditContext {
                team: app.settings.editing_as,
                problems: &app.derived.problems,
                coverage: &app.derived.coverage,
                leads: &app.leads,
            };
            model_editor::model_editor_ui(
                ui,
                &app.document.model,
                &context,
                app.view.editor_tab,
                &app.view.sign_form,
                &mut actions,
            );
        });

    egui::Panel::right("breakdown")
        .resizable(true)
        .default_size(340.0)
        .min_size(260.0)
        .show(ui, |ui| {
            breakdown::breakdown_ui(
                ui,
                &app.document.model,
                &app.leads,
                app.as_of,
                app.view.selected_lead,
                &app.document.verdicts,
                &mut actions,
            );
        });

    egui::CentralPanel::default_margins().show(ui, |ui| {
        central_tabs_ui(ui, app.view.central, &mut actions);
        ui.separator();
        match app.view.central {
            CentralView::Preview => preview_ui(app, ui, &mut actions),
            CentralView::Agreement => agreement::agreement_ui(
                ui,
                &app.leads,
                &app.derived.board.scores,
                &app.document.verdicts,
                &mut actions,
            ),
            CentralView::Calibration => calibration_view::calibration_ui(
                ui,
                &app.document.model,
                &app.calibration,
                &app.view.calibration_inputs,
                &mut actions,
            ),
            CentralView::Compare => compare::compare_ui(
                ui,
                &app.document.model,
                app.compare.as_ref(),
                &app.leads,
                &app.derived.board.scores,
                &mut actions,
            ),
        }
    });

    if app.view.show_history {
        let mut open = true;
        egui::Window::new("Change history")
            .open(&mut open)
            .default_width(520.0)
            .show(ui.ctx(), |ui| history::history_ui(ui, &app.changes));
        if !open {
            actions.push(ViewAction::ShowHistory(false).into());
        }
    }

    if let Some(job) = &app.import_job
        && import_progress::import_progress_ui(ui.ctx(), job)
    {
        actions.push(Command::CancelImport.into());
    }

    if let Some(dialog) = &app.dialog {
        dialogs::dialog_ui(ui.ctx(), dialog, &mut actions);
    }
    actions
}

/// The central area's views, as tabs.
fn central_tabs_ui(ui: &mut egui::Ui, current: CentralView, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        for (view, label, tooltip) in [
            (
                CentralView::Preview,
                "Preview",
                "Scores, plots and the leads table",
            ),
            (
                CentralView::Agreement,
                "Agreement",
                "The model against sales' verdicts",
            ),
            (
                CentralView::Calibration,
                "Calibration",
                "Funnel, threshold sweep and rule lift against outcomes",
            ),
            (
                CentralView::Compare,
                "Compare",
                "Another model next to this one, rule by rule",
            ),
        ] {
            if ui
                .selectable_label(current == view, label)
                .on_hover_text(tooltip)
                .clicked()
            {
                actions.push(ViewAction::Central(view).into());
            }
        }
    });
}
