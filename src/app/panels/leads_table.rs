//! The leads table: virtualised (only visible rows are drawn), sortable by any column, filtered by
//! status and by text search. Clicking anywhere on a row, or the up and down arrows, selects the
//! lead for the breakdown. The rows, filtered and sorted, are derived before drawing
//! (`table_rows.rs`).

use egui::{RichText, Ui};
use egui_extras::{Column as TableColumn, TableBuilder};

use crate::app::settings::SortColumn;
use crate::app::state::{Action, StudioApp, ViewAction};
use crate::app::table_keys::{KeyColumns, outcome_label, verdict_label};
use crate::app::widgets::status_color;
use crate::model::fmt_number;
use crate::scoring::Status;

/// Draws the filters and the table; pushes filter, sort and selection changes.
pub fn leads_table_ui(ui: &mut Ui, app: &StudioApp, actions: &mut Vec<Action>) {
    let keys = KeyColumns::find(&app.leads, &app.document.model);
    // On a projector the rows matter more than the filters (the banner has the counts).
    if !app.view.layout.presenting {
        filters_ui(ui, app, actions);
    }
    table_ui(ui, app, &keys, actions);
}

/// The search field, the status filters and how many leads they leave.
fn filters_ui(ui: &mut Ui, app: &StudioApp, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Search");
        let mut search = app.view.search.clone();
        if ui
            .add(
                egui::TextEdit::singleline(&mut search)
                    .hint_text("name, company, title, id…")
                    .desired_width(200.0),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "Show only leads whose id, name, company, title or industry contains this",
            )
            .changed()
        {
            actions.push(ViewAction::Search(search).into());
        }
        ui.separator();
        for status in Status::ALL {
            let count = app.derived.board.summary.counts[status.index()];
            let mut shown = app.view.show_status[status.index()];
            if ui
                .checkbox(
                    &mut shown,
                    RichText::new(format!("{} ({count})", status.label()))
                        .color(status_color(ui, status)),
                )
                .on_hover_text(format!("Show {} leads", status.label()))
                .changed()
            {
                actions.push(ViewAction::ShowStatus(status.index(), shown).into());
            }
        }
    });
    if let Some((bin, scale)) = app.view.score_bin {
        ui.horizontal_wrapped(|ui| {
            let width = scale / crate::scoring::HISTOGRAM_BINS as f64;
            let from = width * bin as f64;
            ui.label(
                RichText::new(format!(
                    "only scores {} to {} (the histogram bar clicked)",
                    fmt_number(from),
                    fmt_number(from + width)
                ))
                .strong(),
            );
            if ui
                .button("✖ all scores")
                .on_hover_text("Show the leads of every score again")
                .clicked()
            {
                actions.push(ViewAction::ScoreBin(None).into());
            }
        });
    }
    ui.label(
        RichText::new(format!(
            "{} of {} leads shown · click a row for its breakdown",
            app.table.rows.len(),
            app.leads.len()
        ))
        .weak(),
    );
}

/// The virtualised table itself.
fn table_ui(ui: &mut Ui, app: &StudioApp, keys: &KeyColumns, actions: &mut Vec<Action>) {
    let columns: [(&str, SortColumn, f32); 13] = [
        // What the room reads first comes first, so a narrow window (a projector at 1280x720,
        // zoomed) still shows each lead's score and status.
        ("Id", SortColumn::Id, 62.0),
        ("Name", SortColumn::Name, 110.0),
        ("Score", SortColumn::Score, 54.0),
        ("Status", SortColumn::Status, 96.0),
        ("Grade", SortColumn::Grade, 54.0),
        ("Company", SortColumn::Company, 120.0),
        ("Fit", SortColumn::Fit, 45.0),
        ("Engagement", SortColumn::Engagement, 95.0),
        ("Outcome", SortColumn::Outcome, 80.0),
        ("Verdict", SortColumn::Verdict, 110.0),
        ("Title", SortColumn::Title, 150.0),
        ("Industry", SortColumn::Industry, 110.0),
        ("Employees", SortColumn::Employees, 70.0),
    ];
    let sort_column = app.settings.sort_column;
    let descending = app.settings.sort_descending;
    let mut clicked_sort = None;
    let mut clicked_row: Option<usize> = None;
    let model = &app.document.model;
    let leads = &app.leads;
    let scores = &app.derived.board.scores;
    let rows = &app.table.rows;
    let selected = app.view.selected_lead;
    let verdicts = &app.document.verdicts;
    let stepped = keyboard_step(ui, rows, selected);
    if let Some((_, row)) = stepped {
        clicked_row = Some(row);
    }
    egui::ScrollArea::horizontal()
        .id_salt("leads_table_h")
        .show(ui, |ui| {
            let mut table = TableBuilder::new(ui)
                .id_salt("leads_table")
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                .auto_shrink([false, false])
                .min_scrolled_height(0.0);
            if let Some((index, _)) = stepped {
                table = table.scroll_to_row(index, None);
            }
            for (_, _, width) in &columns {
                table = table.column(TableColumn::initial(*width).at_least(30.0).clip(true));
            }
            table
                .header(22.0, |mut header| {
                    for (title, column, _) in &columns {
                        header.col(|ui| {
                            let arrow = if *column == sort_column {
                                if descending { " ▼" } else { " ▲" }
                            } else {
                                ""
                            };
                            if ui
                                .button(RichText::new(format!("{title}{arrow}")).strong())
                                .accessible_name(format!("Sort by {}", title.to_lowercase()))
                                .on_hover_text(format!("Sort by {}", title.to_lowercase()))
                                .clicked()
                            {
                                clicked_sort = Some(*column);
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, rows.len(), |mut table_row| {
                        let Some(&row) = rows.get(table_row.index()) else {
                            return;
                        };
                        let Some(score) = scores.get(row) else {
                            return;
                        };
                        table_row.set_selected(selected == Some(row));
                        let text_cell = |table_row: &mut egui_extras::TableRow<'_, '_>,
                                         text: String| {
                            table_row.col(|ui| {
                                ui.add(plain_label(text));
                            });
                        };
                        text_cell(
                            &mut table_row,
                            leads.ids.get(row).cloned().unwrap_or_default(),
                        );
                        text_cell(&mut table_row, keys.name(leads, row));
                        text_cell(&mut table_row, fmt_number(score.score));
                        table_row.col(|ui| {
                            ui.add(plain_label(
                                RichText::new(score.status.label())
                                    .color(status_color(ui, score.status)),
                            ));
                        });
                        text_cell(&mut table_row, score.grade(model));
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.company, row));
                        text_cell(
                            &mut table_row,
                            fmt_number(crate::scoring::round2(score.fit)),
                        );
                        text_cell(
                            &mut table_row,
                            fmt_number(crate::scoring::round2(score.engagement)),
                        );
                        text_cell(
                            &mut table_row,
                            outcome_label(leads.outcomes.get(row).copied().flatten()).to_owned(),
                        );
                        text_cell(&mut table_row, verdict_label(verdicts, row));
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.title, row));
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.industry, row));
                        text_cell(&mut table_row, KeyColumns::text(leads, keys.employees, row));
                        if table_row.response().clicked() {
                            clicked_row = Some(row);
                        }
                    });
                });
        });
    if let Some(column) = clicked_sort {
        actions.push(ViewAction::SortBy(column).into());
    }
    if let Some(row) = clicked_row {
        actions.push(ViewAction::SelectLead(row).into());
    }
}

/// A cell's text: not selectable, so a click anywhere on the row selects the lead.
fn plain_label(text: impl Into<egui::WidgetText>) -> egui::Label {
    egui::Label::new(text).selectable(false)
}

/// Up and down arrows move the selection through the rows shown, unless a widget (a text field,
/// a slider) has the keyboard: the position in `rows` and the lead's row.
fn keyboard_step(ui: &Ui, rows: &[usize], selected: Option<usize>) -> Option<(usize, usize)> {
    let widget_has_keyboard = ui.memory(|memory| memory.focused().is_some());
    if widget_has_keyboard || rows.is_empty() {
        return None;
    }
    let (down, up) = ui.input(|input| {
        (
            input.key_pressed(egui::Key::ArrowDown),
            input.key_pressed(egui::Key::ArrowUp),
        )
    });
    if !down && !up {
        return None;
    }
    let position = selected.and_then(|row| rows.iter().position(|&r| r == row));
    let index = match (position, down) {
        (None, _) => 0,
        (Some(at), true) => (at + 1).min(rows.len() - 1),
        (Some(at), false) => at.saturating_sub(1),
    };
    rows.get(index).map(|&row| (index, row))
}
