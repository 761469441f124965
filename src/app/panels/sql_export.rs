//! The *Export as SQL…* dialog: the dialect, the leads and event tables, the as-of day, the
//! loaded files' column names, and whether *Export agreed model…* writes the SQL beside the model.
//! The choices are remembered between runs as they are made; *Export…* asks where to write.

use egui::RichText;

use crate::app::settings::{SqlAsOf, SqlExportSettings};
use crate::app::state::{Action, Command, ViewAction};
use crate::app::widgets::Palette;
use crate::sql::Dialect;

/// What the dialog shows besides the choices: what the app has loaded.
pub struct SqlExportContext<'a> {
    pub choices: &'a SqlExportSettings,
    /// An event log is loaded: the SQL reads an event table.
    pub has_events: bool,
    /// The leads file's name, when the leads came from a file (not the bundled sample).
    pub leads_file: Option<String>,
    /// The event file's name, when the loaded event log came from a file.
    pub events_file: Option<String>,
    /// The app's as-of day, as a date.
    pub as_of: String,
}

/// Draws the dialog; pushes the changed choices, *Export…* or *Close*.
pub fn sql_export_ui(ctx: &egui::Context, context: &SqlExportContext, actions: &mut Vec<Action>) {
    let mut choices = context.choices.clone();
    let mut export = false;
    let mut close = false;
    egui::Modal::new(egui::Id::unique("mql_sql_export")).show(ctx, |ui| {
        // A fixed width: wrapped text does not make the window change size between frames.
        ui.set_width(560.0);
        ui.heading("Export as SQL");
        ui.label(
            "The model as one SQL query that scores the leads table inside your database, with \
             the numbers the app shows (docs/sql.md).",
        );
        ui.add_space(4.0);
        egui::Grid::new("sql_export_grid")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label("Dialect");
                egui::ComboBox::from_id_salt("sql_dialect")
                    .selected_text(choices.dialect.label())
                    .show_ui(ui, |ui| {
                        for dialect in Dialect::ALL {
                            ui.selectable_value(&mut choices.dialect, dialect, dialect.label());
                        }
                    })
                    .response
                    .labelled_by(label.id)
                    .on_hover_text("The database the SQL is written for");
                ui.end_row();

                let label = ui.label("Leads table");
                ui.add(egui::TextEdit::singleline(&mut choices.leads_table).desired_width(300.0))
                    .labelled_by(label.id)
                    .on_hover_text("The table with one row per lead (schema.table allowed)");
                ui.end_row();

                let label = ui.label("Event table");
                ui.add_enabled(
                    context.has_events,
                    egui::TextEdit::singleline(&mut choices.events_table).desired_width(300.0),
                )
                .labelled_by(label.id)
                .on_hover_text("The table with one row per event (schema.table allowed)");
                ui.end_row();
                // Under the field, not beside its label: the label stays level with the field.
                ui.allocate_space(egui::Vec2::ZERO);
                ui.vertical(|ui| {
                    ui.set_width(NOTE_WIDTH);
                    ui.label(
                        RichText::new(events_note(context, choices.file_columns))
                            .color(Palette::of(ui).weak_text()),
                    );
                });
                ui.end_row();

                ui.label("As of");
                ui.radio_value(
                    &mut choices.as_of,
                    SqlAsOf::LatestEvent,
                    "The latest event (as mql-studio score does)",
                )
                .on_hover_text(
                    "Windows and decay count back from the day of the latest event in the data, \
                     so the query follows the data each time it runs",
                );
                ui.end_row();
                ui.allocate_space(egui::Vec2::ZERO);
                ui.radio_value(
                    &mut choices.as_of,
                    SqlAsOf::AppDay,
                    format!("{} (the app's as-of day, fixed)", context.as_of),
                )
                .on_hover_text("The SQL gives the scores shown here, on any day it runs");
                ui.end_row();
            });
        ui.add_space(4.0);
        let file_columns_tip = file_columns_tip(context);
        let from_files = context.leads_file.is_some() || context.events_file.is_some();
        let mut file_columns = choices.file_columns && from_files;
        if ui
            .add_enabled(
                from_files,
                egui::Checkbox::new(&mut file_columns, "Column names from the loaded files"),
            )
            .on_hover_text(file_columns_tip.as_str())
            .on_disabled_hover_text(file_columns_tip.as_str())
            .changed()
        {
            choices.file_columns = file_columns;
        }
        ui.checkbox(
            &mut choices.beside_agreed,
            "Also write the SQL beside the agreed model when exporting it",
        )
        .on_hover_text(
            "Export agreed model… then writes <name>.<dialect>.sql in the same folder, in this \
             dialect",
        );
        ui.label(
            RichText::new("These choices are remembered between runs.")
                .color(Palette::of(ui).weak_text()),
        );
        ui.separator();
        let tables_named = !choices.leads_table.trim().is_empty()
            && (!context.has_events || !choices.events_table.trim().is_empty());
        ui.horizontal(|ui| {
            export = ui
                .add_enabled(tables_named, egui::Button::new("Export…"))
                .on_hover_text("Choose where to write the SQL")
                .on_disabled_hover_text("Name the tables first")
                .clicked();
            close = ui
                .button("Close")
                .on_hover_text("Close without writing (the choices stay remembered)")
                .clicked();
        });
    });
    if choices != *context.choices {
        actions.push(ViewAction::SqlExport(choices).into());
    }
    if export {
        actions.push(ViewAction::CloseDialog.into());
        actions.push(Command::ExportSql.into());
    } else if close {
        actions.push(ViewAction::CancelDialog.into());
    }
}

/// How wide the notes under the fields wrap: the dialog's width less the labels' column.
const NOTE_WIDTH: f32 = 440.0;

/// The note under the event table: which columns it is read by, or why there is none.
fn events_note(context: &SqlExportContext, file_columns: bool) -> String {
    if !context.has_events {
        return "No event log is loaded: the SQL reads the activity counts from count columns of \
                the leads table."
            .to_owned();
    }
    match &context.events_file {
        Some(file) if file_columns => {
            format!("Its columns are named as in {file} (lead id, activity, timestamp).")
        }
        _ => "Its columns: lead_id, activity, timestamp.".to_owned(),
    }
}

/// The file columns checkbox's tooltip: what each loaded file names.
fn file_columns_tip(context: &SqlExportContext) -> String {
    let leads = match &context.leads_file {
        Some(file) => format!(
            "Fields are matched to the header of {file} as the import matched them (otherwise a \
             field's column is the field's name)."
        ),
        None => "The bundled sample leads have no file: a field's column is the field's name."
            .to_owned(),
    };
    let events = match &context.events_file {
        Some(file) => format!(
            " The event table's columns are named as in {file} (otherwise lead_id, activity and \
             timestamp)."
        ),
        None if context.has_events => {
            " The sample event log has no file: the event table's columns are lead_id, activity \
             and timestamp."
                .to_owned()
        }
        None => String::new(),
    };
    leads + &events
}
