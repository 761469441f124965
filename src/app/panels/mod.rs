//! The panels, one file each. Each `*_ui` function draws one panel into the `Ui` it is given and
//! reports what changed; none does file I/O.

mod agreement;
mod breakdown;
mod calibration_view;
mod compare;
mod dialogs;
mod history;
mod leads_table;
mod menu_bar;
mod model_editor;
mod plots;
mod signoff;
mod status_bar;

pub use calibration_view::{CalibrationAction, CalibrationInputs, CalibrationResults};
pub use compare::{CompareAction, CompareState, take_rule};
pub use signoff::SignForm;

use super::{CentralView, StudioApp};

/// The preview: plots above the leads table.
fn preview_ui(app: &mut StudioApp, ui: &mut egui::Ui) {
    let plot_height = (ui.available_height() * 0.42).clamp(180.0, 340.0);
    let locked = !app.document.model.sign_offs.is_empty();
    ui.allocate_ui(egui::vec2(ui.available_width(), plot_height), |ui| {
        let rect = plots::plots_ui(
            ui,
            &mut app.document.model,
            &app.derived,
            &app.leads,
            locked,
        );
        app.view.histogram_rect = rect;
    });
    ui.separator();
    leads_table::leads_table_ui(ui, app);
}

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
                &mut app.view.sign_form,
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
                &app.document.verdicts,
            );
            if let Some((row, verdict)) = verdict_changed {
                // Copy-on-write: undo steps keep the verdicts they had.
                if let Some(slot) =
                    std::sync::Arc::make_mut(&mut app.document.verdicts).get_mut(row)
                {
                    *slot = verdict;
                }
                app.view.table_key = None;
            }
        });

    egui::CentralPanel::default_margins().show(ui, |ui| {
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
                ui.selectable_value(&mut app.view.central, view, label)
                    .on_hover_text(tooltip);
            }
        });
        ui.separator();
        match app.view.central {
            CentralView::Preview => preview_ui(app, ui),
            CentralView::Agreement => {
                if let Some(row) = agreement::agreement_ui(
                    ui,
                    &app.leads,
                    &app.derived.board.scores,
                    &app.document.verdicts,
                ) {
                    app.view.selected_lead = Some(row);
                }
            }
            CentralView::Calibration => {
                app.refresh_calibration();
                let action = calibration_view::calibration_ui(
                    ui,
                    &app.document.model,
                    &app.calibration,
                    &mut app.view.calibration_inputs,
                );
                if let Some(action) = action {
                    app.apply_calibration(action);
                }
            }
            CentralView::Compare => {
                app.refresh_compare();
                let action = compare::compare_ui(
                    ui,
                    &app.document.model,
                    app.compare.as_ref(),
                    &app.leads,
                    &app.derived.board.scores,
                );
                if let Some(action) = action {
                    app.apply_compare(action);
                }
            }
        }
    });

    if app.view.show_history {
        let mut open = true;
        egui::Window::new("Change history")
            .open(&mut open)
            .default_width(520.0)
            .show(ui.ctx(), |ui| history::history_ui(ui, &app.changes));
        app.view.show_history = open;
    }

    if let Some(job) = &app.import_job {
        let elapsed = job.started.elapsed().as_secs_f32();
        let read = job.progress.bytes_read().min(job.bytes);
        let fraction = if job.bytes > 0 {
            read as f32 / job.bytes as f32
        } else {
            0.0
        };
        let text = format!("Importing {}… {elapsed:.0} s", job.path.display());
        // Once every byte is read the columns are put together: no more bytes to count.
        let bar_text = if read >= job.bytes {
            "read; putting the columns together…".to_owned()
        } else {
            format!(
                "{:.0} of {:.0} MB ({:.0} %)",
                read as f64 / 1_000_000.0,
                job.bytes as f64 / 1_000_000.0,
                fraction * 100.0
            )
        };
        let mut cancel = false;
        egui::Window::new("Importing")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ui.ctx(), |ui| {
                ui.label(text);
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .text(bar_text)
                        .animate(read >= job.bytes)
                        .desired_width(360.0),
                );
                ui.label("The current leads stay until the new ones are complete.");
                cancel = ui
                    .button("Cancel import")
                    .on_hover_text("Stop waiting; the current leads are kept")
                    .clicked();
            });
        if cancel {
            app.cancel_import();
        }
    }

    if let Some(dialog) = app.dialog.take() {
        let (kept, commands) = dialogs::dialog_ui(ui.ctx(), dialog);
        app.dialog = kept;
        for command in commands {
            app.push(command);
        }
    }
}
