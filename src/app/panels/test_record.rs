//! "Test a record": type a hypothetical lead (its fields and how often it did each activity) and
//! see its score and breakdown live, as HubSpot users expect. The lead is never added to the
//! leads; it is scored by the engine exactly as an imported one (`record::explain_record`).

use egui::{RichText, Ui};

use super::breakdown::explanation_ui;
use crate::app::state::{Action, ViewAction};
use crate::model::Model;
use crate::record::{Record, RecordColumnKind, explain_record, record_columns};

/// Draws the form and the typed lead's breakdown; pushes the record as typed.
pub fn test_record_ui(
    ui: &mut Ui,
    model: &Model,
    record: &Record,
    as_of: i32,
    actions: &mut Vec<Action>,
) {
    ui.label(
        RichText::new(
            "Type what you know about a lead: its score updates as you type. It is not added to \
             the leads.",
        )
        .strong(),
    );
    let columns = record_columns(model);
    ui.columns(2, |halves| {
        let [form, result] = halves else {
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("test_record_form")
            .auto_shrink([false, false])
            .show(form, |ui| {
                for (kind, title, hint) in [
                    (
                        RecordColumnKind::Field,
                        "Who the lead is",
                        "as in your CRM export",
                    ),
                    (RecordColumnKind::Activity, "What the lead did (times)", "0"),
                ] {
                    ui.label(RichText::new(title).strong());
                    egui::Grid::new(("record", title))
                        .num_columns(2)
                        .spacing([8.0, 4.0])
                        .show(ui, |ui| {
                            for column in columns.iter().filter(|c| c.kind == kind) {
                                let label = ui.label(&column.header);
                                let mut value = record
                                    .values
                                    .get(&column.header)
                                    .cloned()
                                    .unwrap_or_default();
                                if ui
                                    .add(
                                        egui::TextEdit::singleline(&mut value)
                                            .hint_text(hint)
                                            .desired_width(180.0),
                                    )
                                    .labelled_by(label.id)
                                    .changed()
                                {
                                    let mut typed = record.clone();
                                    typed.values.insert(column.header.clone(), value);
                                    actions.push(ViewAction::TestRecord(typed).into());
                                }
                                ui.end_row();
                            }
                        });
                    ui.add_space(8.0);
                }
                if ui
                    .button("Clear")
                    .on_hover_text("Empty every value")
                    .clicked()
                {
                    actions.push(ViewAction::TestRecord(Record::default()).into());
                }
            });
        egui::ScrollArea::vertical()
            .id_salt("test_record_result")
            .auto_shrink([false, false])
            .show(result, |ui| match explain_record(model, record, as_of) {
                Ok(explanation) => explanation_ui(ui, model, &explanation, |_| {}),
                Err(error) => {
                    ui.label(
                        RichText::new(format!("⚠ {error}"))
                            .color(crate::app::widgets::Palette::of(ui).negative()),
                    );
                }
            });
    });
}
