//! The model's missing values ("Select", "N/A", "-"): cell texts that every rule reads as
//! missing. Each change is one `ModelEdit::SetMissingValues` (one undo step; refused on a
//! signed model like every edit).

use egui::{RichText, Ui};

use super::{EditContext, show_problems};
use crate::app::state::Action;
use crate::app::widgets::Palette;
use crate::edit::ModelEdit;
use crate::model::{Model, default_missing_values};

pub(super) fn missing_values_ui(
    ui: &mut Ui,
    model: &Model,
    context: &EditContext<'_>,
    actions: &mut Vec<Action>,
) {
    ui.heading("Missing values");
    ui.label(
        RichText::new(
            "A text cell holding one of these (ignoring case and surrounding spaces) is missing for every rule: \"is missing\" holds, no other condition does.",
        )
        .weak(),
    );
    let mut remove = None;
    ui.horizontal_wrapped(|ui| {
        for (index, value) in model.missing_values.iter().enumerate() {
            if ui
                .button(format!("{value} ✖"))
                .on_hover_text("Read this value as a value again")
                .accessible_name(format!("Remove missing value {value}"))
                .clicked()
            {
                remove = Some(index);
            }
        }
        if model.missing_values.is_empty() {
            ui.label(
                RichText::new("none: only empty cells are missing")
                    .italics()
                    .color(Palette::of(ui).weak_text()),
            );
        }
    });
    if let Some(index) = remove {
        let mut values = model.missing_values.clone();
        values.remove(index);
        actions.push(ModelEdit::SetMissingValues(values).into());
    }
    ui.horizontal(|ui| {
        // The text being typed is egui's widget state, not the model's: nothing changes until
        // Add.
        let buffer_id = ui.scope_id().with("new_missing_value");
        let mut buffer: String = ui.data_mut(|d| d.get_temp(buffer_id).unwrap_or_default());
        let label = ui.label("New missing value");
        let response = ui
            .add(egui::TextEdit::singleline(&mut buffer).desired_width(140.0))
            .labelled_by(label.id)
            .on_hover_text("A placeholder your CRM writes for \"unknown\", e.g. TBD");
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let clicked = ui
            .button("Add")
            .on_hover_text("Read this value as missing")
            .accessible_name("Add missing value")
            .clicked();
        if clicked || entered {
            if let Some(values) = model.missing_values_with(&buffer) {
                actions.push(ModelEdit::SetMissingValues(values).into());
            }
            buffer.clear();
        }
        ui.data_mut(|d| d.insert_temp(buffer_id, buffer));
    });
    ui.horizontal(|ui| {
        let defaults = default_missing_values();
        if ui
            .add_enabled(
                model.missing_values != defaults,
                egui::Button::new("Restore the defaults"),
            )
            .on_hover_text(defaults.join(", "))
            .clicked()
        {
            actions.push(ModelEdit::SetMissingValues(defaults).into());
        }
        if ui
            .add_enabled(
                !model.missing_values.is_empty(),
                egui::Button::new("Read every value as a value"),
            )
            .on_hover_text("Empty the list: only empty cells are missing")
            .clicked()
        {
            actions.push(ModelEdit::SetMissingValues(Vec::new()).into());
        }
    });
    show_problems(ui, context.problems_at("missing_values"));
}
