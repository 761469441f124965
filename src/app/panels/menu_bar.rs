//! The menu bar: File, Edit, View, and the "editing as" team switch.

use egui::Ui;

use crate::app::document::{Document, History, change_summary};
use crate::app::settings::{Settings, ThemeChoice};
use crate::app::state::{Action, Command, Layout, ViewAction, ZoomStep};
use crate::model::Team;

/// Draws the menu bar; pushes the commands and view changes chosen.
pub fn menu_bar_ui(
    ui: &mut Ui,
    settings: &Settings,
    show_history: bool,
    layout: Layout,
    history: &History,
    document: &Document,
    actions: &mut Vec<Action>,
) {
    let shortcut = |ui: &Ui, key: egui::Key, shift: bool| {
        let modifiers = if shift {
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT
        } else {
            egui::Modifiers::COMMAND
        };
        ui.ctx()
            .format_shortcut(&egui::KeyboardShortcut::new(modifiers, key))
    };
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            let items = [
                (
                    "New",
                    Some(shortcut(ui, egui::Key::N, false)),
                    Command::New,
                    "Start an empty model (asks before dropping unsaved changes)",
                ),
                (
                    "Open…",
                    Some(shortcut(ui, egui::Key::O, false)),
                    Command::Open,
                    "Open a workshop (.mqlw) or a model file (.ron)",
                ),
                (
                    "Save",
                    Some(shortcut(ui, egui::Key::S, false)),
                    Command::Save,
                    "Save the workshop: the model, sales' verdicts, notes and history in one .mqlw file (the leads files are never written). Without a workshop file, model-only edits go to the model file.",
                ),
                (
                    "Save workshop as…",
                    None,
                    Command::SaveWorkshopAs,
                    "Save the workshop (.mqlw) under a new name",
                ),
                (
                    "Save model as…",
                    Some(shortcut(ui, egui::Key::S, true)),
                    Command::SaveAs,
                    "Save the model alone (.ron), for other tools (drafts may be invalid)",
                ),
                (
                    "Import leads…",
                    Some(shortcut(ui, egui::Key::I, false)),
                    Command::ImportLeads,
                    "Replace the sample leads with a CSV export",
                ),
                (
                    "Import event log…",
                    None,
                    Command::ImportEvents,
                    "Add an event log (lead id, activity, timestamp) to the leads",
                ),
                (
                    "Save leads with verdicts…",
                    None,
                    Command::SaveLeads,
                    "Write the leads with sales' verdicts to a CSV file you choose (a new file by default)",
                ),
                (
                    "Export agreed model…",
                    None,
                    Command::ExportAgreed,
                    "Write the model as agreed, for other tools (only a valid model)",
                ),
                (
                    "Export as SQL…",
                    None,
                    Command::OpenSqlExport,
                    "The model as one SQL query that scores a leads table inside DuckDB, PostgreSQL, Spark SQL, BigQuery or Snowflake",
                ),
                (
                    "Export summary…",
                    None,
                    Command::ExportSummary,
                    "The one-page summary sales reps read: the model in plain words, with the counts on these leads (HTML, prints on A4)",
                ),
                (
                    "Export MQL list…",
                    None,
                    Command::ExportMqlList,
                    "Today's MQLs, best first, with score, grade and top reasons, as a CSV for the CRM",
                ),
            ];
            for (label, keys, command, tooltip) in items {
                let mut button = egui::Button::new(label);
                if let Some(keys) = keys {
                    button = button.shortcut_text(keys);
                }
                if ui.add(button).on_hover_text(tooltip).clicked() {
                    actions.push(command.into());
                }
            }
            ui.separator();
            ui.menu_button("Recent files", |ui| {
                if settings.recent_files.is_empty() {
                    ui.label("No recent files");
                }
                for path in settings.recent_files.clone() {
                    if ui
                        .button(path.display().to_string())
                        .on_hover_text("Open this model")
                        .clicked()
                    {
                        actions.push(Command::OpenPath(path).into());
                    }
                }
            });
            ui.separator();
            if ui
                .button("Quit")
                .on_hover_text("Close mql-studio")
                .clicked()
            {
                actions.push(Command::Quit.into());
            }
        });
        ui.menu_button("Edit", |ui| {
            // Says what it undoes, e.g. "Undo: fit rule `Senior decision maker`: points 20 → 25".
            let undo = history
                .undo_target(document)
                .map(|before| step_label("Undo", before, document));
            let redo = history
                .redo_target()
                .map(|after| step_label("Redo", document, after));
            if ui
                .add_enabled(
                    undo.is_some(),
                    egui::Button::new(undo.as_deref().unwrap_or("Undo"))
                        .shortcut_text(shortcut(ui, egui::Key::Z, false)),
                )
                .on_hover_text("Undo the last change to the model or the verdicts")
                .clicked()
            {
                actions.push(Command::Undo.into());
            }
            if ui
                .add_enabled(
                    redo.is_some(),
                    egui::Button::new(redo.as_deref().unwrap_or("Redo"))
                        .shortcut_text(shortcut(ui, egui::Key::Z, true)),
                )
                .on_hover_text("Redo (also Ctrl+Y)")
                .clicked()
            {
                actions.push(Command::Redo.into());
            }
        });
        ui.menu_button("View", |ui| {
            ui.label("Theme");
            for theme in [ThemeChoice::Light, ThemeChoice::Dark, ThemeChoice::System] {
                if ui
                    .radio(settings.theme == theme, theme.label())
                    .on_hover_text("Colour theme; remembered between runs")
                    .clicked()
                {
                    actions.push(ViewAction::Theme(theme).into());
                }
            }
            ui.separator();
            for (label, step, tooltip) in [
                (
                    "Zoom in",
                    ZoomStep::In,
                    "Bigger text for the back of the room (Ctrl+=)",
                ),
                ("Zoom out", ZoomStep::Out, "Smaller text (Ctrl+-)"),
                ("Reset zoom", ZoomStep::Reset, "Back to 100 % (Ctrl+0)"),
            ] {
                if ui.button(label).on_hover_text(tooltip).clicked() {
                    actions.push(ViewAction::Zoom(step).into());
                }
            }
            ui.separator();
            let mut shown = show_history;
            if ui
                .checkbox(&mut shown, "Change history")
                .on_hover_text("What changed in this session, by which team, when")
                .changed()
            {
                actions.push(ViewAction::ShowHistory(shown).into());
            }
            ui.separator();
            let mut presenting = layout.presenting;
            if ui
                .checkbox(&mut presenting, "Presenting mode (F5)")
                .on_hover_text(
                    "For a projector: large type, the live counts in a banner, side panels folded away",
                )
                .changed()
            {
                actions.push(ViewAction::Layout(layout.with_presenting(presenting)).into());
            }
            let mut editor = layout.editor_shown();
            if ui
                .checkbox(&mut editor, "Model editor")
                .on_hover_text("Show or fold away the model editor on the left")
                .changed()
            {
                actions.push(ViewAction::Layout(layout.with_editor(editor)).into());
            }
            let mut breakdown = layout.breakdown_shown();
            if ui
                .checkbox(&mut breakdown, "Breakdown")
                .on_hover_text("Show or fold away the selected lead's breakdown on the right")
                .changed()
            {
                actions.push(
                    ViewAction::Layout(layout.with_lead_view(false).with_breakdown(breakdown))
                        .into(),
                );
            }
        });
        ui.separator();
        ui.label("Editing as:");
        for team in [Team::Marketing, Team::Sales] {
            if ui
                .selectable_label(settings.editing_as == team, team.label())
                .accessible_name(format!("Edit as {}", team.label()))
                .on_hover_text(
                    "Every change is attributed to this team in the change history and new rules",
                )
                .clicked()
            {
                actions.push(ViewAction::EditAs(team).into());
            }
        }
    });
}

/// "Undo: <what changed>", cut to a menu's width.
fn step_label(verb: &str, before: &Document, after: &Document) -> String {
    const MOST: usize = 96;
    let summary = change_summary(before, after);
    let mut label = format!("{verb}: {summary}");
    if let Some((cut, _)) = label.char_indices().nth(MOST) {
        label.truncate(cut);
        label.push('…');
    }
    label
}
