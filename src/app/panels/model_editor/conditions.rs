//! Editing a condition (equals, one of, at least, between, contains any…) with a picker of the
//! values seen in the sample leads.

use egui::{RichText, Ui};

use crate::app::widgets::{number_field, text_field};
use crate::leads::{Column, LeadSet};
use crate::model::{Condition, FieldSpec};

const CONDITION_KINDS: [&str; 10] = [
    "equals",
    "one of",
    "not one of",
    "at least",
    "at most",
    "between",
    "contains any of",
    "is true",
    "is false",
    "is missing",
];

fn condition_kind(condition: &Condition) -> usize {
    match condition {
        Condition::Equals(_) => 0,
        Condition::OneOf(_) => 1,
        Condition::NotOneOf(_) => 2,
        Condition::AtLeast(_) => 3,
        Condition::AtMost(_) => 4,
        Condition::Between { .. } => 5,
        Condition::ContainsAny(_) => 6,
        Condition::IsTrue => 7,
        Condition::IsFalse => 8,
        Condition::IsMissing => 9,
    }
}

/// Converts a condition to another kind, keeping its values where they fit.
fn convert_condition(condition: &Condition, kind: usize) -> Condition {
    let values: Vec<String> = match condition {
        Condition::Equals(v) => vec![v.clone()],
        Condition::OneOf(v) | Condition::NotOneOf(v) | Condition::ContainsAny(v) => v.clone(),
        _ => Vec::new(),
    };
    let number = match condition {
        Condition::AtLeast(n) | Condition::AtMost(n) => *n,
        Condition::Between { min, .. } => *min,
        _ => 0.0,
    };
    match kind {
        0 => Condition::Equals(values.into_iter().next().unwrap_or_default()),
        1 => Condition::OneOf(values),
        2 => Condition::NotOneOf(values),
        3 => Condition::AtLeast(number),
        4 => Condition::AtMost(number),
        5 => Condition::Between {
            min: number,
            max: number.max(1.0) * 10.0,
        },
        6 => Condition::ContainsAny(values),
        7 => Condition::IsTrue,
        8 => Condition::IsFalse,
        _ => Condition::IsMissing,
    }
}

/// Edits a condition, with a picker of the values seen in the sample leads.
pub(super) fn condition_ui(
    ui: &mut Ui,
    id: &str,
    condition: &mut Condition,
    field: &str,
    model_fields: &[FieldSpec],
    leads: &LeadSet,
) {
    let mut kind = condition_kind(condition);
    ui.horizontal(|ui| {
        let label = ui.label("Condition");
        egui::ComboBox::from_id_salt((id, "condition"))
            .selected_text(CONDITION_KINDS[kind])
            .show_ui(ui, |ui| {
                for (index, name) in CONDITION_KINDS.iter().enumerate() {
                    ui.selectable_value(&mut kind, index, *name);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("How the field is tested; text comparisons ignore case");
    });
    if kind != condition_kind(condition) {
        *condition = convert_condition(condition, kind);
    }
    let column = leads
        .column_for(field, model_fields)
        .and_then(|i| leads.columns.get(i));
    match condition {
        Condition::Equals(value) => {
            ui.horizontal(|ui| {
                text_field(ui, "Value", value, "The value the field must equal");
                value_picker(ui, id, column, |picked| {
                    *value = picked;
                });
            });
        }
        Condition::OneOf(values) | Condition::NotOneOf(values) | Condition::ContainsAny(values) => {
            value_list_ui(ui, id, values, column);
        }
        Condition::AtLeast(value) | Condition::AtMost(value) => {
            ui.horizontal(|ui| {
                number_field(
                    ui,
                    "Value",
                    value,
                    f64::MIN..=f64::MAX,
                    "The bound (inclusive)",
                );
            });
        }
        Condition::Between { min, max } => {
            ui.horizontal(|ui| {
                number_field(
                    ui,
                    "Min",
                    min,
                    f64::MIN..=f64::MAX,
                    "Lowest value that matches (inclusive)",
                );
                number_field(
                    ui,
                    "Max",
                    max,
                    f64::MIN..=f64::MAX,
                    "Highest value that matches (inclusive)",
                );
            });
        }
        Condition::IsTrue | Condition::IsFalse | Condition::IsMissing => {}
    }
}

/// A combo of values seen in the leads; calls `pick` with the chosen one.
fn value_picker(ui: &mut Ui, id: &str, column: Option<&Column>, pick: impl FnOnce(String)) {
    let Some(column) = column else {
        return;
    };
    let mut picked = None;
    egui::ComboBox::from_id_salt((id, "picker"))
        .selected_text("pick a seen value")
        .width(150.0)
        .show_ui(ui, |ui| {
            for (value, count) in column.distinct_values(60) {
                if ui
                    .selectable_label(false, format!("{value} ({count})"))
                    .clicked()
                {
                    picked = Some(value);
                }
            }
        })
        .response
        .accessible_name(format!("Seen values of {}", column.name))
        .on_hover_text("Values in the sample leads, most common first");
    if let Some(value) = picked {
        pick(value);
    }
}

/// Edits a list of values: chips with a remove button, a picker and a free-text entry.
fn value_list_ui(ui: &mut Ui, id: &str, values: &mut Vec<String>, column: Option<&Column>) {
    let mut remove = None;
    ui.horizontal_wrapped(|ui| {
        for (index, value) in values.iter().enumerate() {
            if ui
                .button(format!("{value} ✖"))
                .on_hover_text("Remove this value")
                .clicked()
            {
                remove = Some(index);
            }
        }
        if values.is_empty() {
            ui.label(RichText::new("no values yet").italics());
        }
    });
    if let Some(index) = remove {
        values.remove(index);
    }
    ui.horizontal(|ui| {
        let buffer_id = ui.scope_id().with((id, "new_value"));
        let mut buffer: String = ui.data_mut(|d| d.get_temp(buffer_id).unwrap_or_default());
        let label = ui.label("Add value");
        let response = ui
            .add(egui::TextEdit::singleline(&mut buffer).desired_width(140.0))
            .labelled_by(label.id)
            .on_hover_text("Type a value and press Enter");
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui
            .button("Add")
            .on_hover_text("Add the typed value")
            .clicked()
            || entered)
            && !buffer.trim().is_empty()
        {
            values.push(buffer.trim().to_owned());
            buffer.clear();
        }
        ui.data_mut(|d| d.insert_temp(buffer_id, buffer));
        let mut picked = None;
        value_picker(ui, id, column, |value| picked = Some(value));
        if let Some(value) = picked
            && !values.iter().any(|v| v.eq_ignore_ascii_case(&value))
        {
            values.push(value);
        }
    });
}
