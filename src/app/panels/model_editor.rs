//! The model editor: fit rules, engagement rules, overrides and the scoring settings, with
//! validation problems shown next to what they concern.

use egui::{Color32, RichText, Ui};

use super::signoff::SignForm;
use crate::app::EditorTab;
use crate::app::widgets::{
    number_field, optional_days_field, optional_number_field, team_choice, text_field,
};
use crate::leads::LeadSet;
use crate::model::{
    Condition, Counting, Criterion, EngagementRule, FitRule, Model, Override, OverrideAction, Team,
};
use crate::validate::{Problem, Severity};

/// What the editor needs besides the model.
pub struct EditContext<'a> {
    pub team: Team,
    pub problems: &'a [Problem],
    pub leads: &'a LeadSet,
}

impl EditContext<'_> {
    fn problems_of<'p>(&'p self, id: &'p str) -> impl Iterator<Item = &'p Problem> + 'p {
        self.problems
            .iter()
            .filter(move |p| p.rule_id.as_deref() == Some(id))
    }

    fn problems_at<'p>(&'p self, prefix: &'p str) -> impl Iterator<Item = &'p Problem> + 'p {
        self.problems
            .iter()
            .filter(move |p| p.rule_id.is_none() && p.path.starts_with(prefix))
    }
}

/// Draws the editor; returns true when the model changed.
pub fn model_editor_ui(
    ui: &mut Ui,
    model: &mut Model,
    context: &EditContext<'_>,
    tab: &mut EditorTab,
    sign_form: &mut SignForm,
) -> bool {
    let mut changed = false;
    // A signed model is locked: an edit would no longer be what the teams signed.
    let locked = !model.sign_offs.is_empty();
    ui.add_enabled_ui(!locked, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Model");
            changed |= ui
                .add(egui::TextEdit::singleline(&mut model.name).desired_width(f32::INFINITY))
                .labelled_by(label.id)
                .on_hover_text("The model's name, as other tools will show it")
                .changed();
        });
    });
    ui.horizontal(|ui| {
        ui.label(format!("status: {}", model.status.label()))
            .on_hover_text("Draft until both teams sign off and the model is exported as agreed");
        let errors = context
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        if errors == 0 {
            ui.label(RichText::new("✔ valid").color(Color32::from_rgb(0x2e, 0x9d, 0x5b)));
        } else {
            ui.label(RichText::new(format!("⚠ {errors} error(s)")).color(error_color()));
        }
    });
    ui.horizontal(|ui| {
        for (value, label, tooltip) in [
            (
                EditorTab::Fit,
                "Fit",
                "Who the lead is: industry, size, role, region…",
            ),
            (
                EditorTab::Engagement,
                "Engagement",
                "What the lead did: visits, webinars, downloads…",
            ),
            (
                EditorTab::Overrides,
                "Overrides",
                "Disqualifiers and fast-track triggers",
            ),
            (
                EditorTab::Scoring,
                "Scoring",
                "Mix, threshold, nurture band, gates and grades",
            ),
            (
                EditorTab::SignOff,
                "Sign-off",
                "Both teams sign the agreed model",
            ),
        ] {
            ui.selectable_value(tab, value, label)
                .on_hover_text(tooltip);
        }
    });
    ui.separator();
    if locked && *tab != EditorTab::SignOff {
        ui.label(
            RichText::new(
                "This model is signed. Editing it clears the signatures and makes it a draft again.",
            )
            .color(Color32::from_rgb(0xc2, 0x7c, 0x0e)),
        );
        if ui
            .button("Edit anyway (clears the signatures)")
            .on_hover_text("Unlock the model for editing; undo (Ctrl+Z) brings the signatures back")
            .clicked()
        {
            model.clear_sign_offs();
            changed = true;
        }
    }
    let errors = context
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if *tab == EditorTab::SignOff {
                changed |= super::signoff::signoff_ui(
                    ui,
                    model,
                    context.team,
                    sign_form,
                    &crate::leads::format_day(crate::leads::today()),
                    errors,
                );
                return;
            }
            ui.add_enabled_ui(!locked, |ui| {
                changed |= match tab {
                    EditorTab::Fit => fit_rules_ui(ui, model, context),
                    EditorTab::Engagement => engagement_rules_ui(ui, model, context),
                    EditorTab::Overrides => overrides_ui(ui, model, context),
                    EditorTab::Scoring | EditorTab::SignOff => {
                        scoring_settings_ui(ui, model, context)
                    }
                };
            });
        });
    changed
}

fn error_color() -> Color32 {
    Color32::from_rgb(0xd0, 0x45, 0x3a)
}

fn show_problems<'p>(ui: &mut Ui, problems: impl Iterator<Item = &'p Problem>) {
    for problem in problems {
        let color = match problem.severity {
            Severity::Error => error_color(),
            Severity::Warning => Color32::from_rgb(0xc2, 0x7c, 0x0e),
        };
        ui.label(RichText::new(format!("⚠ {}", problem.message)).color(color));
    }
}

/// What a rule card's buttons asked for.
#[derive(Clone, Copy)]
enum ListAction {
    Up(usize),
    Down(usize),
    Duplicate(usize),
    Delete(usize),
}

fn list_buttons(ui: &mut Ui, index: usize, len: usize, name: &str) -> Option<ListAction> {
    let mut action = None;
    if ui
        .add_enabled(index > 0, egui::Button::new("⏶").small())
        .accessible_name(format!("Move up {name}"))
        .on_hover_text("Move up")
        .clicked()
    {
        action = Some(ListAction::Up(index));
    }
    if ui
        .add_enabled(index + 1 < len, egui::Button::new("⏷").small())
        .accessible_name(format!("Move down {name}"))
        .on_hover_text("Move down")
        .clicked()
    {
        action = Some(ListAction::Down(index));
    }
    if ui
        .small_button("copy")
        .accessible_name(format!("Duplicate {name}"))
        .on_hover_text("Duplicate this rule")
        .clicked()
    {
        action = Some(ListAction::Duplicate(index));
    }
    if ui
        .small_button("🗑")
        .accessible_name(format!("Delete {name}"))
        .on_hover_text("Delete this rule (undo with Ctrl+Z)")
        .clicked()
    {
        action = Some(ListAction::Delete(index));
    }
    action
}

/// Applies a list action; `rename` gives a duplicate a fresh id.
fn apply_list_action<R: Clone>(
    rules: &mut Vec<R>,
    action: ListAction,
    rename: impl FnOnce(&mut R),
) {
    match action {
        ListAction::Up(i) if i > 0 && i < rules.len() => rules.swap(i, i - 1),
        ListAction::Down(i) if i + 1 < rules.len() => rules.swap(i, i + 1),
        ListAction::Duplicate(i) => {
            if let Some(rule) = rules.get(i) {
                let mut copy = rule.clone();
                rename(&mut copy);
                rules.insert(i + 1, copy);
            }
        }
        ListAction::Delete(i) if i < rules.len() => {
            rules.remove(i);
        }
        _ => {}
    }
}

fn display_name(label: &str, id: &str) -> String {
    if label.trim().is_empty() {
        id.to_owned()
    } else {
        label.to_owned()
    }
}

/// Field names a rule can use: declared fields, then the leads' columns, sorted.
fn field_choices(model: &Model, leads: &LeadSet) -> Vec<String> {
    let mut names: Vec<String> = model.fields.iter().map(|f| f.name.clone()).collect();
    for column in &leads.columns {
        let declared = model.fields.iter().any(|f| {
            let key = crate::leads::normalize_name(&column.name);
            crate::leads::normalize_name(&f.name) == key
                || f.aliases
                    .iter()
                    .any(|a| crate::leads::normalize_name(a) == key)
        });
        if !declared {
            names.push(column.name.clone());
        }
    }
    names.sort_by_key(|n| n.to_lowercase());
    names.dedup();
    names
}

/// Activity names known from the event log, sorted.
fn activity_choices(leads: &LeadSet) -> Vec<String> {
    let mut names: Vec<String> = leads
        .events
        .as_ref()
        .map(|e| e.activities.clone())
        .unwrap_or_default();
    names.sort();
    names
}

fn field_picker(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    field: &mut String,
    choices: &[String],
    name: &str,
) -> bool {
    let before = field.clone();
    ui.horizontal(|ui| {
        let label = ui.label("Field");
        egui::ComboBox::from_id_salt(id)
            .selected_text(field.as_str())
            .width(200.0)
            .show_ui(ui, |ui| {
                for choice in choices {
                    ui.selectable_value(field, choice.clone(), choice);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(format!("The lead field {name} reads"));
    });
    *field != before
}

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
fn condition_ui(
    ui: &mut Ui,
    id: &str,
    condition: &mut Condition,
    field: &str,
    model_fields: &[crate::model::FieldSpec],
    leads: &LeadSet,
) -> bool {
    let mut changed = false;
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
        changed = true;
    }
    let column = leads
        .column_for(field, model_fields)
        .and_then(|i| leads.columns.get(i));
    match condition {
        Condition::Equals(value) => {
            ui.horizontal(|ui| {
                changed |=
                    text_field(ui, "Value", value, "The value the field must equal").changed();
                changed |= value_picker(ui, id, column, |picked| {
                    *value = picked;
                });
            });
        }
        Condition::OneOf(values) | Condition::NotOneOf(values) | Condition::ContainsAny(values) => {
            changed |= value_list_ui(ui, id, values, column);
        }
        Condition::AtLeast(value) | Condition::AtMost(value) => {
            ui.horizontal(|ui| {
                changed |= number_field(
                    ui,
                    "Value",
                    value,
                    f64::MIN..=f64::MAX,
                    "The bound (inclusive)",
                )
                .changed();
            });
        }
        Condition::Between { min, max } => {
            ui.horizontal(|ui| {
                changed |= number_field(
                    ui,
                    "Min",
                    min,
                    f64::MIN..=f64::MAX,
                    "Lowest value that matches (inclusive)",
                )
                .changed();
                changed |= number_field(
                    ui,
                    "Max",
                    max,
                    f64::MIN..=f64::MAX,
                    "Highest value that matches (inclusive)",
                )
                .changed();
            });
        }
        Condition::IsTrue | Condition::IsFalse | Condition::IsMissing => {}
    }
    changed
}

/// A combo of values seen in the leads; calls `pick` with the chosen one.
fn value_picker(
    ui: &mut Ui,
    id: &str,
    column: Option<&crate::leads::Column>,
    pick: impl FnOnce(String),
) -> bool {
    let Some(column) = column else {
        return false;
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
    match picked {
        Some(value) => {
            pick(value);
            true
        }
        None => false,
    }
}

/// Edits a list of values: chips with a remove button, a picker and a free-text entry.
fn value_list_ui(
    ui: &mut Ui,
    id: &str,
    values: &mut Vec<String>,
    column: Option<&crate::leads::Column>,
) -> bool {
    let mut changed = false;
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
        changed = true;
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
            changed = true;
        }
        ui.data_mut(|d| d.insert_temp(buffer_id, buffer));
        let mut picked = None;
        value_picker(ui, id, column, |value| picked = Some(value));
        if let Some(value) = picked
            && !values.iter().any(|v| v.eq_ignore_ascii_case(&value))
        {
            values.push(value);
            changed = true;
        }
    });
    changed
}

fn points_slider(ui: &mut Ui, points: &mut f64, name: &str, tooltip: &str) -> bool {
    ui.horizontal(|ui| {
        ui.label("Points");
        ui.add(
            egui::Slider::new(points, -50.0..=50.0)
                .step_by(1.0)
                .clamping(egui::SliderClamping::Never),
        )
        .accessible_name(format!("Points of {name}"))
        .on_hover_text(tooltip)
        .changed()
    })
    .inner
}

fn rule_header(
    ui: &mut Ui,
    enabled: &mut bool,
    label: &mut String,
    id: &str,
    proposed_by: &mut Option<Team>,
) -> bool {
    let mut changed = false;
    let name = display_name(label, id);
    changed |= ui
        .checkbox(enabled, "")
        .accessible_name(format!("Enabled {name}"))
        .on_hover_text("Turn this rule on or off without deleting it")
        .changed();
    changed |= ui
        .add(egui::TextEdit::singleline(label).desired_width(170.0))
        .accessible_name(format!("Name of {id}"))
        .on_hover_text("What the rule is called in explanations")
        .changed();
    changed |= team_choice(ui, (id, "team"), proposed_by);
    changed
}

fn rule_footer(ui: &mut Ui, id: &mut String, rationale: &mut String) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        changed |= text_field(
            ui,
            "Id",
            id,
            "A stable id other tools refer to; must be unique",
        )
        .changed();
    });
    let label = ui.label("Rationale");
    changed |= ui
        .add(
            egui::TextEdit::multiline(rationale)
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
        .on_hover_text("Why this rule exists, in a sentence both teams agree on")
        .changed();
    changed
}

fn fit_rules_ui(ui: &mut Ui, model: &mut Model, context: &EditContext<'_>) -> bool {
    let mut changed = false;
    let mut action = None;
    let choices = field_choices(model, context.leads);
    let fields = model.fields.clone();
    let len = model.fit.rules.len();
    show_problems(ui, context.problems_at("fit."));
    for (index, rule) in model.fit.rules.iter_mut().enumerate() {
        let name = display_name(&rule.label, &rule.id);
        ui.push_id(("fit", index), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    changed |= rule_header(
                        ui,
                        &mut rule.enabled,
                        &mut rule.label,
                        &rule.id.clone(),
                        &mut rule.proposed_by,
                    );
                    if let Some(a) = list_buttons(ui, index, len, &name) {
                        action = Some(a);
                    }
                });
                changed |= points_slider(
                    ui,
                    &mut rule.points,
                    &name,
                    "Fit points when the condition holds; negative for poor fit",
                );
                ui.label(
                    RichText::new(format!("{} {}", rule.field, rule.condition.describe())).weak(),
                );
                show_problems(ui, context.problems_of(&rule.id));
                egui::CollapsingHeader::new("Condition and rationale")
                    .id_salt("details")
                    .show(ui, |ui| {
                        changed |= field_picker(ui, "field", &mut rule.field, &choices, &name);
                        changed |= condition_ui(
                            ui,
                            &rule.id,
                            &mut rule.condition,
                            &rule.field,
                            &fields,
                            context.leads,
                        );
                        changed |= rule_footer(ui, &mut rule.id, &mut rule.rationale);
                    });
            });
        });
    }
    if let Some(action) = action {
        let fresh = model.fresh_id("fit-copy");
        apply_list_action(&mut model.fit.rules, action, |rule| {
            rule.id = fresh;
            rule.label = format!("{} (copy)", rule.label);
        });
        changed = true;
    }
    if ui
        .button("➕ Add fit rule")
        .on_hover_text("A new fit rule, proposed by the team you are editing as")
        .clicked()
    {
        let id = model.fresh_id("fit-new");
        let field = choices
            .first()
            .cloned()
            .unwrap_or_else(|| "industry".to_owned());
        model.fit.rules.push(FitRule {
            label: "New fit rule".to_owned(),
            id,
            field,
            condition: Condition::OneOf(Vec::new()),
            points: 10.0,
            enabled: true,
            proposed_by: Some(context.team),
            rationale: String::new(),
        });
        changed = true;
    }
    changed
}

const COUNTING_KINDS: [&str; 3] = ["per occurrence", "once", "when count reaches"];

fn engagement_rules_ui(ui: &mut Ui, model: &mut Model, context: &EditContext<'_>) -> bool {
    let mut changed = false;
    let mut action = None;
    let activities = activity_choices(context.leads);
    let len = model.engagement.rules.len();
    show_problems(ui, context.problems_at("engagement."));
    if context.leads.events.is_none() {
        ui.label(
            RichText::new("No event log loaded: rules read their count columns (windows and decay do not apply).")
                .weak(),
        );
    }
    for (index, rule) in model.engagement.rules.iter_mut().enumerate() {
        let name = display_name(&rule.label, &rule.id);
        ui.push_id(("engagement", index), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    changed |= rule_header(
                        ui,
                        &mut rule.enabled,
                        &mut rule.label,
                        &rule.id.clone(),
                        &mut rule.proposed_by,
                    );
                    if let Some(a) = list_buttons(ui, index, len, &name) {
                        action = Some(a);
                    }
                });
                changed |= points_slider(
                    ui,
                    &mut rule.points,
                    &name,
                    "Points per occurrence (or once); negative for unsubscribes and bounces",
                );
                ui.horizontal(|ui| {
                    changed |= optional_number_field(
                        ui,
                        "Cap",
                        &mut rule.cap,
                        rule.points.abs() * 3.0,
                        0.0..=1000.0,
                        "The most this rule can add (or take away)",
                    );
                    changed |= optional_days_field(
                        ui,
                        "Window",
                        &mut rule.window_days,
                        30,
                        "Only activity within this many days counts",
                    );
                    changed |= optional_number_field(
                        ui,
                        "Half-life",
                        &mut rule.half_life_days,
                        30.0,
                        0.5..=3650.0,
                        "Activity counts half as much every this many days",
                    );
                });
                show_problems(ui, context.problems_of(&rule.id));
                egui::CollapsingHeader::new("Activity, counting and rationale")
                    .id_salt("details")
                    .show(ui, |ui| {
                        changed |= engagement_details_ui(ui, rule, &activities);
                    });
            });
        });
    }
    if let Some(action) = action {
        let fresh = model.fresh_id("eng-copy");
        apply_list_action(&mut model.engagement.rules, action, |rule| {
            rule.id = fresh;
            rule.label = format!("{} (copy)", rule.label);
        });
        changed = true;
    }
    if ui
        .button("➕ Add engagement rule")
        .on_hover_text("A new engagement rule, proposed by the team you are editing as")
        .clicked()
    {
        let id = model.fresh_id("eng-new");
        let activity = activities
            .first()
            .cloned()
            .unwrap_or_else(|| "pricing_page_view".to_owned());
        model.engagement.rules.push(EngagementRule {
            label: "New engagement rule".to_owned(),
            id,
            activity,
            count_column: None,
            counting: Counting::PerOccurrence,
            points: 5.0,
            cap: Some(15.0),
            window_days: Some(30),
            half_life_days: None,
            enabled: true,
            proposed_by: Some(context.team),
            rationale: String::new(),
        });
        changed = true;
    }
    changed
}

fn engagement_details_ui(ui: &mut Ui, rule: &mut EngagementRule, activities: &[String]) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        changed |= text_field(
            ui,
            "Activity",
            &mut rule.activity,
            "The activity name in the event log",
        )
        .changed();
        let before = rule.activity.clone();
        egui::ComboBox::from_id_salt("activity_picker")
            .selected_text("pick")
            .show_ui(ui, |ui| {
                for activity in activities {
                    ui.selectable_value(&mut rule.activity, activity.clone(), activity);
                }
            })
            .response
            .accessible_name("Known activities")
            .on_hover_text("Activities in the loaded event log");
        changed |= before != rule.activity;
    });
    ui.horizontal(|ui| {
        let mut column = rule.count_column.clone().unwrap_or_default();
        if text_field(
            ui,
            "Count column",
            &mut column,
            "The aggregate column read when there is no event log (default: the activity name)",
        )
        .changed()
        {
            rule.count_column = if column.trim().is_empty() {
                None
            } else {
                Some(column)
            };
            changed = true;
        }
    });
    ui.horizontal(|ui| {
        let mut kind = match rule.counting {
            Counting::PerOccurrence => 0,
            Counting::Once => 1,
            Counting::AtLeast(_) => 2,
        };
        let before = kind;
        let label = ui.label("Counting");
        egui::ComboBox::from_id_salt("counting")
            .selected_text(COUNTING_KINDS[kind])
            .show_ui(ui, |ui| {
                for (index, name) in COUNTING_KINDS.iter().enumerate() {
                    ui.selectable_value(&mut kind, index, *name);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(
                "Points per occurrence, once, or once a count is reached (\"3+ booth sessions\")",
            );
        if kind != before {
            rule.counting = match kind {
                0 => Counting::PerOccurrence,
                1 => Counting::Once,
                _ => Counting::AtLeast(3),
            };
            changed = true;
        }
        if let Counting::AtLeast(n) = &mut rule.counting {
            changed |= ui
                .add(
                    egui::DragValue::new(n)
                        .clamp_existing_to_range(false)
                        .range(1..=1000),
                )
                .accessible_name("Count to reach")
                .on_hover_text("The count that earns the points")
                .changed();
        }
    });
    changed |= rule_footer(ui, &mut rule.id, &mut rule.rationale);
    changed
}

fn overrides_ui(ui: &mut Ui, model: &mut Model, context: &EditContext<'_>) -> bool {
    let mut changed = false;
    let mut action = None;
    let choices = field_choices(model, context.leads);
    let fields = model.fields.clone();
    let len = model.overrides.len();
    ui.label(RichText::new("An override applies when all of its criteria hold. Disqualifiers win over fast-tracks.").weak());
    for (index, rule) in model.overrides.iter_mut().enumerate() {
        let name = display_name(&rule.label, &rule.id);
        ui.push_id(("override", index), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    changed |= rule_header(
                        ui,
                        &mut rule.enabled,
                        &mut rule.label,
                        &rule.id.clone(),
                        &mut rule.proposed_by,
                    );
                    if let Some(a) = list_buttons(ui, index, len, &name) {
                        action = Some(a);
                    }
                });
                ui.horizontal(|ui| {
                    changed |= ui
                        .radio_value(&mut rule.action, OverrideAction::Disqualify, "Disqualify")
                        .on_hover_text("Never an MQL (competitor, existing customer)")
                        .changed();
                    changed |= ui
                        .radio_value(&mut rule.action, OverrideAction::FastTrack, "Fast-track")
                        .on_hover_text("An MQL now (demo request)")
                        .changed();
                });
                ui.label(
                    RichText::new(
                        rule.when
                            .iter()
                            .map(Criterion::describe)
                            .collect::<Vec<_>>()
                            .join(" and "),
                    )
                    .weak(),
                );
                show_problems(ui, context.problems_of(&rule.id));
                egui::CollapsingHeader::new("Criteria and rationale")
                    .id_salt("details")
                    .show(ui, |ui| {
                        changed |= criteria_ui(ui, rule, &choices, &fields, context.leads);
                        changed |= rule_footer(ui, &mut rule.id, &mut rule.rationale);
                    });
            });
        });
    }
    if let Some(action) = action {
        let fresh = model.fresh_id("override-copy");
        apply_list_action(&mut model.overrides, action, |rule| {
            rule.id = fresh;
            rule.label = format!("{} (copy)", rule.label);
        });
        changed = true;
    }
    ui.horizontal(|ui| {
        for (label, action, base) in [
            ("➕ Add disqualifier", OverrideAction::Disqualify, "dq-new"),
            ("➕ Add fast-track", OverrideAction::FastTrack, "ft-new"),
        ] {
            if ui
                .button(label)
                .on_hover_text("A new override, proposed by the team you are editing as")
                .clicked()
            {
                let id = model.fresh_id(base);
                model.overrides.push(Override {
                    label: label.trim_start_matches("➕ Add ").to_owned(),
                    id,
                    action,
                    when: vec![Criterion::Field {
                        field: choices.first().cloned().unwrap_or_default(),
                        condition: Condition::IsTrue,
                    }],
                    enabled: true,
                    proposed_by: Some(context.team),
                    rationale: String::new(),
                });
                changed = true;
            }
        }
    });
    changed
}

fn criteria_ui(
    ui: &mut Ui,
    rule: &mut Override,
    choices: &[String],
    fields: &[crate::model::FieldSpec],
    leads: &LeadSet,
) -> bool {
    let mut changed = false;
    let mut remove = None;
    let rule_id = rule.id.clone();
    for (index, criterion) in rule.when.iter_mut().enumerate() {
        ui.push_id(index, |ui| {
            ui.separator();
            match criterion {
                Criterion::Field { field, condition } => {
                    changed |= field_picker(ui, "criterion_field", field, choices, &rule_id);
                    changed |= condition_ui(
                        ui,
                        &format!("{rule_id}-{index}"),
                        condition,
                        field,
                        fields,
                        leads,
                    );
                }
                Criterion::Activity {
                    activity,
                    at_least,
                    window_days,
                    ..
                } => {
                    ui.horizontal(|ui| {
                        changed |= text_field(
                            ui,
                            "Activity",
                            activity,
                            "The activity name in the event log",
                        )
                        .changed();
                        let label = ui.label("at least");
                        changed |= ui
                            .add(
                                egui::DragValue::new(at_least)
                                    .clamp_existing_to_range(false)
                                    .range(1..=1000),
                            )
                            .labelled_by(label.id)
                            .on_hover_text("How many times")
                            .changed();
                    });
                    ui.horizontal(|ui| {
                        changed |= optional_days_field(
                            ui,
                            "Window",
                            window_days,
                            30,
                            "Only activity within this many days counts",
                        );
                    });
                }
            }
            if ui
                .small_button("Remove criterion")
                .on_hover_text("Remove this criterion")
                .clicked()
            {
                remove = Some(index);
            }
        });
    }
    if let Some(index) = remove {
        rule.when.remove(index);
        changed = true;
    }
    ui.horizontal(|ui| {
        if ui
            .button("+ field criterion")
            .on_hover_text("Add a test on a lead field")
            .clicked()
        {
            rule.when.push(Criterion::Field {
                field: choices.first().cloned().unwrap_or_default(),
                condition: Condition::IsTrue,
            });
            changed = true;
        }
        if ui
            .button("+ activity criterion")
            .on_hover_text("Add a test on an activity count")
            .clicked()
        {
            rule.when.push(Criterion::Activity {
                activity: "demo_request".to_owned(),
                count_column: None,
                at_least: 1,
                window_days: Some(30),
            });
            changed = true;
        }
    });
    changed
}

fn scoring_settings_ui(ui: &mut Ui, model: &mut Model, context: &EditContext<'_>) -> bool {
    let mut changed = false;
    show_problems(ui, context.problems_at("combine"));
    ui.heading("Mix");
    let scale = model.combine.scale;
    let mut fit_share = model.combine.fit_weight * 100.0;
    let response = ui
        .add(
            egui::Slider::new(&mut fit_share, 0.0..=100.0)
                .step_by(1.0)
                .clamping(egui::SliderClamping::Never)
                .suffix(" %")
                .text("Fit share"),
        )
        .on_hover_text("How much of the scale a perfect fit is worth; engagement gets the rest");
    if response.changed() {
        model.combine.fit_weight = fit_share / 100.0;
        model.combine.engagement_weight = 1.0 - model.combine.fit_weight;
        changed = true;
    }
    ui.label(format!(
        "fit {:.0} % · engagement {:.0} % of {} points",
        model.combine.fit_weight * 100.0,
        model.combine.engagement_weight * 100.0,
        crate::model::fmt_number(scale)
    ));
    ui.separator();
    ui.heading("Threshold");
    changed |= ui
        .add(
            egui::Slider::new(&mut model.combine.mql_threshold, 0.0..=scale)
                .step_by(1.0)
                .clamping(egui::SliderClamping::Never)
                .text("MQL threshold"),
        )
        .on_hover_text("A total at or above this is an MQL (if the gates pass)")
        .changed();
    changed |= ui
        .add(
            egui::Slider::new(&mut model.combine.nurture_band, 0.0..=scale)
                .step_by(1.0)
                .clamping(egui::SliderClamping::Never)
                .text("Nurture band"),
        )
        .on_hover_text("Leads this many points below the threshold are near-MQLs: nurture them")
        .changed();
    ui.horizontal(|ui| {
        changed |= optional_number_field(
            ui,
            "Minimum fit",
            &mut model.combine.min_fit,
            15.0,
            0.0..=model.fit.max_points,
            "Gate: fit points needed to be an MQL at all",
        );
    });
    ui.horizontal(|ui| {
        changed |= optional_number_field(
            ui,
            "Minimum engagement",
            &mut model.combine.min_engagement,
            10.0,
            0.0..=model.engagement.max_points,
            "Gate: engagement points needed to be an MQL at all",
        );
    });
    ui.separator();
    ui.heading("Caps");
    ui.horizontal(|ui| {
        changed |= number_field(
            ui,
            "Fit cap",
            &mut model.fit.max_points,
            1.0..=1000.0,
            "Fit points above this count as this many (a full fit)",
        )
        .changed();
        changed |= number_field(
            ui,
            "Engagement cap",
            &mut model.engagement.max_points,
            1.0..=1000.0,
            "Engagement points above this count as this many",
        )
        .changed();
    });
    ui.horizontal(|ui| {
        changed |= number_field(
            ui,
            "Scale",
            &mut model.combine.scale,
            1.0..=1000.0,
            "The total score's scale, e.g. 100",
        )
        .changed();
    });
    ui.separator();
    ui.heading("Grades");
    ui.label(RichText::new("Fit grades (A–D) and engagement levels (1–4): a sub-score at or above a band's minimum gets its label.").weak());
    for (title, bands) in [
        ("Fit grade", &mut model.fit_grades),
        ("Engagement level", &mut model.engagement_levels),
    ] {
        ui.horizontal_wrapped(|ui| {
            for band in bands.iter_mut() {
                changed |= number_field(
                    ui,
                    &format!("{title} {}", band.label),
                    &mut band.min_points,
                    0.0..=1000.0,
                    "The minimum sub-score for this band",
                )
                .changed();
            }
        });
    }
    show_problems(ui, context.problems_at("fit_grades"));
    show_problems(ui, context.problems_at("engagement_levels"));
    ui.separator();
    ui.heading("About");
    let label = ui.label("Description");
    changed |= ui
        .add(
            egui::TextEdit::multiline(&mut model.description)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
        .on_hover_text("What the model is for, for the people who will read the file")
        .changed();
    changed
}
