//! The panels, one file each. Each `*_ui` function draws one panel from `&` state and pushes the
//! [`Action`]s the user asked for; none changes the app's state or does file I/O. `draw` lays them
//! out and returns every action of the frame, in the order they were asked for.

mod agreement;
mod breakdown;
mod calibration_view;
mod columns;
mod compare;
mod dialogs;
mod fit_preview;
mod history;
mod import_progress;
mod leads_table;
mod menu_bar;
mod miner;
mod model_editor;
mod notes;
mod plots;
mod presenting;
mod quality;
mod signoff;
mod sql_export;
mod status_bar;
mod test_record;

use super::state::{Action, CentralView, Command, Dialog, StudioApp, ViewAction};

/// The preview: plots above the leads table.
fn preview_ui(app: &StudioApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let presenting = app.view.layout.presenting;
    // The table keeps at least its header and a few rows when the window is short.
    let available = ui.available_height();
    let share = match (presenting, available > 400.0) {
        (true, true) => 0.5,
        (false, true) => 0.42,
        (_, false) => 0.36,
    };
    let plot_height = (available * share).clamp(100.0, 480.0);
    ui.allocate_ui(egui::vec2(ui.available_width(), plot_height), |ui| {
        plots::plots_ui(
            ui,
            &app.document.model,
            &app.derived,
            &app.leads,
            &app.view,
            actions,
        );
    });
    ui.separator();
    leads_table::leads_table_ui(ui, app, actions);
}

/// The selected lead's breakdown (in the side panel or the full-screen lead view).
fn breakdown_panel_ui(app: &StudioApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    breakdown::breakdown_ui(
        ui,
        &app.document.model,
        &app.leads,
        app.as_of,
        app.view.selected_lead,
        breakdown::VerdictEditing {
            verdicts: &app.document.verdicts,
            editing_as: app.settings.editing_as,
        },
        actions,
    );
}

/// Lays the panels out; returns what they asked for.
pub fn draw(app: &StudioApp, ui: &mut egui::Ui) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::Panel::top("menu_bar").show(ui, |ui| {
        menu_bar::menu_bar_ui(
            ui,
            &app.settings,
            app.view.show_history,
            app.view.layout,
            &app.history,
            &app.document,
            &mut actions,
        );
    });

    egui::Panel::bottom("status_bar").show(ui, |ui| {
        status_bar::status_bar_ui(ui, app, &mut actions);
    });

    let layout = app.view.layout;
    if layout.presenting {
        egui::Panel::top("presenting_banner").show(ui, |ui| {
            presenting::presenting_banner_ui(ui, app, &mut actions);
        });
    }

    // Shares of the window (also when it is resized or zoomed), so the table keeps its key
    // columns on a projector at 1280x720 and zoom 1.5 too.
    let width = ui.available_width();
    if layout.editor_shown() {
        egui::Panel::left("model_editor")
            .resizable(true)
            .default_size((width * 0.32).clamp(240.0, 500.0))
            .min_size(220.0)
            .max_size((width * 0.32).max(220.0))
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
    }

    if layout.breakdown_shown() {
        egui::Panel::right("breakdown")
            .resizable(true)
            .default_size((width * 0.24).clamp(220.0, 400.0))
            .min_size(200.0)
            .max_size((width * 0.25).max(200.0))
            .show(ui, |ui| breakdown_panel_ui(app, ui, &mut actions));
    }

    egui::CentralPanel::default_margins().show(ui, |ui| {
        if layout.lead_view {
            presenting::lead_view_ui(ui, app, &mut actions);
            return;
        }
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
            CentralView::TestRecord => test_record::test_record_ui(
                ui,
                &app.document.model,
                &app.view.test_record,
                app.as_of,
                &mut actions,
            ),
            CentralView::Notes => notes::notes_ui(
                ui,
                &app.document.model,
                &app.document.notes,
                &app.view.note_form,
                app.settings.editing_as,
                &mut actions,
            ),
            CentralView::FindRules => miner::miner_ui(
                ui,
                &app.document.model,
                app.miner.as_ref(),
                app.view.miner_column.as_deref(),
                &mut actions,
            ),
            CentralView::Columns => columns::columns_ui(
                ui,
                app.import_check.as_ref(),
                &app.document.model,
                &app.leads,
                &app.leads_label,
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

    match &app.dialog {
        Some(Dialog::ExportSql) => {
            let file_name = |path: &std::path::PathBuf| {
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |name| name.to_string_lossy().into_owned(),
                )
            };
            let has_events = app.leads.events.is_some();
            let context = sql_export::SqlExportContext {
                choices: &app.settings.sql_export,
                has_events,
                leads_file: app.leads_path.as_ref().map(file_name),
                events_file: app
                    .events_path
                    .as_ref()
                    .filter(|_| has_events)
                    .map(file_name),
                as_of: crate::leads::format_day(app.as_of),
            };
            sql_export::sql_export_ui(ui.ctx(), &context, &mut actions);
        }
        Some(dialog) => dialogs::dialog_ui(ui.ctx(), dialog, &mut actions),
        None => {}
    }
    actions
}

/// The central area's views, as tabs.
fn central_tabs_ui(ui: &mut egui::Ui, current: CentralView, actions: &mut Vec<Action>) {
    // Wrapped: on a narrow or zoomed window a row of tabs wider than the area would push it over
    // the breakdown panel.
    ui.horizontal_wrapped(|ui| {
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
            (
                CentralView::TestRecord,
                "Test a record",
                "Type a hypothetical lead and see its score and breakdown live",
            ),
            (
                CentralView::FindRules,
                "Find rules",
                "The rule miner: how each column's values relate to reaching SQL, with Add as rule",
            ),
            (
                CentralView::Notes,
                "Notes",
                "Decisions, open questions and the parking lot, by team",
            ),
            (
                CentralView::Columns,
                "Columns",
                "What the leads file holds, which field each column feeds, and the rules that never fire",
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
