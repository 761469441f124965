//! Small widgets shared by the panels. Every input gets an accessible name (its label), so that
//! screen readers and the headless tests can find it.

use egui::{Color32, Response, Ui};

use crate::model::Team;
use crate::scoring::Status;

/// A label followed by a drag-value editor that is named by the label.
pub fn number_field(
    ui: &mut Ui,
    label: &str,
    value: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    tooltip: &str,
) -> Response {
    let label_response = ui.label(label);
    ui.add(
        egui::DragValue::new(value)
            .clamp_existing_to_range(false)
            .range(range)
            .speed(0.5)
            .max_decimals(2),
    )
    .labelled_by(label_response.id)
    .on_hover_text(tooltip)
}

/// An optional number with its unit (" points", " days"): a checkbox turns it on, a drag value
/// edits it.
pub fn optional_number_field(
    ui: &mut Ui,
    label: &str,
    value: &mut Option<f64>,
    default: f64,
    range: std::ops::RangeInclusive<f64>,
    unit: &str,
    tooltip: &str,
) -> bool {
    let mut enabled = value.is_some();
    let mut changed = ui
        .checkbox(&mut enabled, label)
        .on_hover_text(tooltip)
        .changed();
    if changed {
        *value = if enabled { Some(default) } else { None };
    }
    if let Some(number) = value {
        changed |= ui
            .add(
                egui::DragValue::new(number)
                    .clamp_existing_to_range(false)
                    .range(range)
                    .speed(0.5)
                    .max_decimals(2)
                    .suffix(unit),
            )
            .on_hover_text(format!(
                "{tooltip} (drag with Shift for fine steps, or type)"
            ))
            .changed();
    }
    changed
}

/// An optional whole number of days.
pub fn optional_days_field(
    ui: &mut Ui,
    label: &str,
    value: &mut Option<u32>,
    default: u32,
    tooltip: &str,
) -> bool {
    let mut enabled = value.is_some();
    let mut changed = ui
        .checkbox(&mut enabled, label)
        .on_hover_text(tooltip)
        .changed();
    if changed {
        *value = if enabled { Some(default) } else { None };
    }
    if let Some(days) = value {
        changed |= ui
            .add(
                egui::DragValue::new(days)
                    .clamp_existing_to_range(false)
                    .range(1..=3650)
                    .suffix(" days"),
            )
            .on_hover_text(tooltip)
            .changed();
    }
    changed
}

/// A single-line text field named by a label.
pub fn text_field(ui: &mut Ui, label: &str, text: &mut String, tooltip: &str) -> Response {
    let label_response = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(160.0))
        .labelled_by(label_response.id)
        .on_hover_text(tooltip)
}

pub fn team_choice(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    team: &mut Option<Team>,
) -> bool {
    let before = *team;
    egui::ComboBox::from_id_salt(id)
        .selected_text(team.map_or("—", Team::label))
        .width(96.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(team, None, "—");
            ui.selectable_value(team, Some(Team::Marketing), "Marketing");
            ui.selectable_value(team, Some(Team::Sales), "Sales");
        })
        .response
        .on_hover_text("Which team proposed this rule");
    *team != before
}

/// The colour of a status, readable on light and dark backgrounds.
pub fn status_color(status: Status) -> Color32 {
    match status {
        Status::FastTracked => Color32::from_rgb(0x8e, 0x44, 0xad),
        Status::Mql => Color32::from_rgb(0x1e, 0x88, 0x3c),
        Status::Nurture => Color32::from_rgb(0xe0, 0x8e, 0x0b),
        Status::Lead => Color32::from_rgb(0x5d, 0x7a, 0x99),
        Status::Disqualified => Color32::from_rgb(0xc0, 0x39, 0x2b),
    }
}

pub const POSITIVE: Color32 = Color32::from_rgb(0x2e, 0x9d, 0x5b);
pub const NEGATIVE: Color32 = Color32::from_rgb(0xd0, 0x45, 0x3a);

pub fn team_color(team: Team) -> Color32 {
    match team {
        Team::Marketing => Color32::from_rgb(0x2f, 0x80, 0xed),
        Team::Sales => Color32::from_rgb(0xe6, 0x7e, 0x22),
    }
}
