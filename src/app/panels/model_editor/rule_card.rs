//! The parts every rule card shares: its header (on/off, name, proposing team, list buttons),
//! the points slider, the id and rationale, the field picker, and turning a card's edits into
//! actions.

use egui::Ui;

use crate::app::state::Action;
use crate::app::widgets::{team_choice, text_field};
use crate::edit::{ListEdit, ModelEdit};
use crate::leads::LeadSet;
use crate::model::{EngagementRule, FitRule, Model, Override, Team};

/// What a rule card's list buttons asked for.
#[derive(Clone, Copy)]
pub(super) enum ListMove {
    Up,
    Down,
    Duplicate,
    Delete,
}

impl ListMove {
    fn edit<R>(self, index: usize) -> ListEdit<R> {
        match self {
            ListMove::Up => ListEdit::MoveUp(index),
            ListMove::Down => ListEdit::MoveDown(index),
            ListMove::Duplicate => ListEdit::Duplicate(index),
            ListMove::Delete => ListEdit::Delete(index),
        }
    }
}

/// A rule that is drawn as a card: its header's parts.
pub(super) trait CardRule: Clone + PartialEq {
    fn id(&self) -> &str;
    fn label(&self) -> &str;
    /// Enabled, label and proposing team, to edit in the header.
    fn header_parts(&mut self) -> (&mut bool, &mut String, &mut Option<Team>);
}

macro_rules! card_rule {
    ($rule:ty) => {
        impl CardRule for $rule {
            fn id(&self) -> &str {
                &self.id
            }
            fn label(&self) -> &str {
                &self.label
            }
            fn header_parts(&mut self) -> (&mut bool, &mut String, &mut Option<Team>) {
                (&mut self.enabled, &mut self.label, &mut self.proposed_by)
            }
        }
    };
}

card_rule!(FitRule);
card_rule!(EngagementRule);
card_rule!(Override);

/// Draws one rule's card: the header with its list buttons, then `body` on a copy of the rule;
/// pushes what changed as edits to the list `list`.
#[allow(clippy::too_many_arguments)] // each is one plain input of the card
pub(super) fn rule_card_ui<R: CardRule>(
    ui: &mut Ui,
    salt: &str,
    index: usize,
    len: usize,
    rule: &R,
    list: fn(ListEdit<R>) -> ModelEdit,
    actions: &mut Vec<Action>,
    body: impl FnOnce(&mut Ui, &mut R, &str),
) {
    let name = display_name(rule.label(), rule.id());
    let mut edited = rule.clone();
    let mut list_move = None;
    ui.push_id((salt, index), |ui| {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let (enabled, label, proposed_by) = edited.header_parts();
                rule_header(ui, enabled, label, rule.id(), proposed_by);
                list_move = list_buttons(ui, index, len, &name);
            });
            body(ui, &mut edited, &name);
        });
    });
    push_card_edits(actions, list, index, rule, edited, list_move);
}

/// Pushes a card's edits: the edited copy of its rule when it differs, then a list move.
fn push_card_edits<R: Clone + PartialEq>(
    actions: &mut Vec<Action>,
    list: fn(ListEdit<R>) -> ModelEdit,
    index: usize,
    rule: &R,
    edited: R,
    list_move: Option<ListMove>,
) {
    if edited != *rule {
        let replace = ListEdit::Replace {
            index,
            before: rule.clone(),
            after: edited,
        };
        actions.push(list(replace).into());
    }
    if let Some(list_move) = list_move {
        actions.push(list(list_move.edit(index)).into());
    }
}

fn list_buttons(ui: &mut Ui, index: usize, len: usize, name: &str) -> Option<ListMove> {
    let mut action = None;
    if ui
        .add_enabled(index > 0, egui::Button::new("⏶").small())
        .accessible_name(format!("Move up {name}"))
        .on_hover_text("Move up")
        .clicked()
    {
        action = Some(ListMove::Up);
    }
    if ui
        .add_enabled(index + 1 < len, egui::Button::new("⏷").small())
        .accessible_name(format!("Move down {name}"))
        .on_hover_text("Move down")
        .clicked()
    {
        action = Some(ListMove::Down);
    }
    if ui
        .small_button("copy")
        .accessible_name(format!("Duplicate {name}"))
        .on_hover_text("Duplicate this rule")
        .clicked()
    {
        action = Some(ListMove::Duplicate);
    }
    if ui
        .small_button("🗑")
        .accessible_name(format!("Delete {name}"))
        .on_hover_text("Delete this rule (undo with Ctrl+Z)")
        .clicked()
    {
        action = Some(ListMove::Delete);
    }
    action
}

pub(super) fn display_name(label: &str, id: &str) -> String {
    if label.trim().is_empty() {
        id.to_owned()
    } else {
        label.to_owned()
    }
}

/// Field names a rule can use: declared fields, then the leads' columns, sorted.
/// A field a rule can read: the name the model stores, and the name people know (the CSV
/// header of their export: a declared field's first alias, else the column's own header).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct FieldChoice {
    pub value: String,
    pub shown: String,
}

/// The fields rules can read: the model's declared fields, then the leads' other columns. The
/// lead id, outcome and sales verdict columns are not offered: a rule reading them would score
/// with hindsight.
pub(super) fn field_choices(model: &Model, leads: &LeadSet) -> Vec<FieldChoice> {
    let mut choices: Vec<FieldChoice> = model
        .fields
        .iter()
        .filter(|f| !crate::leads::is_outcome_or_verdict_header(&f.name))
        .map(|f| FieldChoice {
            value: f.name.clone(),
            shown: f.aliases.first().cloned().unwrap_or_else(|| f.name.clone()),
        })
        .collect();
    for (index, column) in leads.columns.iter().enumerate() {
        let key = crate::leads::normalize_name(&column.name);
        let declared = model.fields.iter().any(|f| {
            crate::leads::normalize_name(&f.name) == key
                || f.aliases
                    .iter()
                    .any(|a| crate::leads::normalize_name(a) == key)
        });
        let bookkeeping = leads.id_column == Some(index)
            || crate::leads::is_outcome_or_verdict_header(&column.name);
        if !declared && !bookkeeping {
            choices.push(FieldChoice {
                value: column.name.clone(),
                shown: column.name.clone(),
            });
        }
    }
    choices.sort_by_key(|c| c.shown.to_lowercase());
    choices.dedup_by(|a, b| a.value == b.value);
    choices
}

/// How a field is shown: its choice's name, else as stored.
pub(super) fn shown_field<'a>(field: &'a str, choices: &'a [FieldChoice]) -> &'a str {
    choices
        .iter()
        .find(|c| c.value == field)
        .map_or(field, |c| c.shown.as_str())
}

/// Activity names known from the event log, sorted.
pub(super) fn activity_choices(leads: &LeadSet) -> Vec<String> {
    let mut names: Vec<String> = leads
        .events
        .as_ref()
        .map(|e| e.activities.clone())
        .unwrap_or_default();
    names.sort();
    names
}

pub(super) fn field_picker(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    field: &mut String,
    choices: &[FieldChoice],
    name: &str,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Field");
        let shown = shown_field(field, choices).to_owned();
        egui::ComboBox::from_id_salt(id)
            .selected_text(shown)
            .width(200.0)
            .show_ui(ui, |ui| {
                for choice in choices {
                    ui.selectable_value(field, choice.value.clone(), &choice.shown);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(format!("The lead field {name} reads"));
    });
}

/// A rule's points: a rail as wide as the card allows (a projector needs room for ±50), the
/// arrow keys step it by one point when it has focus, and the number beside it takes a typed
/// value or a Shift-drag for fine steps.
pub(super) fn points_slider(ui: &mut Ui, points: &mut f64, name: &str, tooltip: &str) {
    ui.horizontal(|ui| {
        ui.label("Points");
        // Up to the panel's visible edge (the editor scrolls sideways when a card is wider),
        // leaving room for the number.
        let visible = ui.clip_rect().max.x - ui.cursor().min.x;
        ui.spacing_mut().slider_width = (visible - 80.0).clamp(100.0, 360.0);
        ui.add(
            egui::Slider::new(points, -50.0..=50.0)
                .step_by(1.0)
                .clamping(egui::SliderClamping::Never)
                .custom_formatter(|value, _| crate::model::fmt_number(value)),
        )
        .accessible_name(format!("Points of {name}"))
        .on_hover_text(format!(
            "{tooltip}. Arrow keys step by one point; click the number to type one, or drag it \
             with Shift for fine steps"
        ));
    });
}

fn rule_header(
    ui: &mut Ui,
    enabled: &mut bool,
    label: &mut String,
    id: &str,
    proposed_by: &mut Option<Team>,
) {
    let name = display_name(label, id);
    ui.checkbox(enabled, "")
        .accessible_name(format!("Enabled {name}"))
        .on_hover_text("Turn this rule on or off without deleting it");
    // What the row leaves after the team, move, copy and delete controls, up to 170.
    let visible = ui.clip_rect().max.x - ui.cursor().min.x;
    ui.add(egui::TextEdit::singleline(label).desired_width((visible - 290.0).clamp(70.0, 170.0)))
        .accessible_name(format!("Name of {id}"))
        .on_hover_text("What the rule is called in explanations");
    team_choice(ui, (id, "team"), proposed_by);
}

pub(super) fn rule_footer(ui: &mut Ui, id: &mut String, rationale: &mut String) {
    ui.horizontal(|ui| {
        text_field(
            ui,
            "Id",
            id,
            "A stable id other tools refer to; must be unique",
        );
    });
    let label = ui.label("Rationale");
    ui.add(
        egui::TextEdit::multiline(rationale)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
    .on_hover_text("Why this rule exists, in a sentence both teams agree on");
}
