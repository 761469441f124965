//! The overrides: disqualifiers and fast-tracks, each a list of criteria that must all hold.

use egui::{RichText, Ui};

use super::conditions::condition_ui;
use super::rule_card::{
    FieldChoice, field_choices, field_picker, rule_card_ui, rule_footer, shown_field,
};
use super::{EditContext, show_problems};
use crate::app::state::Action;
use crate::app::widgets::{optional_days_field, text_field};
use crate::edit::{ListEdit, ModelEdit};
use crate::leads::LeadSet;
use crate::model::{Condition, Criterion, FieldSpec, Model, Override, OverrideAction};

pub(super) fn overrides_ui(
    ui: &mut Ui,
    model: &Model,
    context: &EditContext<'_>,
    actions: &mut Vec<Action>,
) {
    let choices = field_choices(model, context.leads);
    let len = model.overrides.len();
    ui.label(RichText::new("An override applies when all of its criteria hold. Disqualifiers win over fast-tracks.").weak());
    for (index, rule) in model.overrides.iter().enumerate() {
        let card = |ui: &mut Ui, edited: &mut Override, _name: &str| {
            ui.horizontal(|ui| {
                ui.radio_value(&mut edited.action, OverrideAction::Disqualify, "Disqualify")
                    .on_hover_text("Never an MQL (competitor, existing customer)");
                ui.radio_value(&mut edited.action, OverrideAction::FastTrack, "Fast-track")
                    .on_hover_text("An MQL now (demo request)");
            });
            let criteria: Vec<String> = rule
                .when
                .iter()
                .map(|criterion| match criterion {
                    Criterion::Field { field, condition } => {
                        format!("{} {}", shown_field(field, &choices), condition.describe())
                    }
                    Criterion::Activity { .. } => criterion.describe(),
                })
                .collect();
            ui.label(RichText::new(criteria.join(" and ")).weak());
            show_problems(ui, context.problems_of(&rule.id));
            egui::CollapsingHeader::new("Criteria and rationale")
                .id_salt("details")
                .show(ui, |ui| {
                    criteria_ui(ui, edited, &choices, &model.fields, context.leads);
                    rule_footer(ui, &mut edited.id, &mut edited.rationale);
                });
        };
        rule_card_ui(
            ui,
            "override",
            index,
            len,
            rule,
            ModelEdit::Override,
            actions,
            card,
        );
    }
    ui.horizontal(|ui| {
        for (label, action, base) in [
            ("➕ Add disqualifier", OverrideAction::Disqualify, "dq-new"),
            ("➕ Add fast-track", OverrideAction::FastTrack, "ft-new"),
        ] {
            if ui
                .button(label)
                .on_hover_text(
                    "A new override, proposed by the team you are editing as; it applies to no lead until you give its values",
                )
                .clicked()
            {
                let rule = Override {
                    label: label.trim_start_matches("➕ Add ").to_owned(),
                    id: model.fresh_id(base),
                    action,
                    // An empty list matches no lead: one click never changes a status.
                    when: vec![Criterion::Field {
                        field: choices.first().map(|c| c.value.clone()).unwrap_or_default(),
                        condition: Condition::OneOf(Vec::new()),
                    }],
                    enabled: true,
                    proposed_by: Some(context.team),
                    rationale: String::new(),
                };
                actions.push(ModelEdit::Override(ListEdit::Add(rule)).into());
            }
        }
    });
}

fn criteria_ui(
    ui: &mut Ui,
    rule: &mut Override,
    choices: &[FieldChoice],
    fields: &[FieldSpec],
    leads: &LeadSet,
) {
    let mut remove = None;
    let rule_id = rule.id.clone();
    for (index, criterion) in rule.when.iter_mut().enumerate() {
        ui.push_id(index, |ui| {
            ui.separator();
            match criterion {
                Criterion::Field { field, condition } => {
                    field_picker(ui, "criterion_field", field, choices, &rule_id);
                    condition_ui(
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
                        text_field(
                            ui,
                            "Activity",
                            activity,
                            "The activity name in the event log",
                        );
                        let label = ui.label("at least");
                        ui.add(
                            egui::DragValue::new(at_least)
                                .clamp_existing_to_range(false)
                                .range(1..=1000),
                        )
                        .labelled_by(label.id)
                        .on_hover_text("How many times");
                    });
                    ui.horizontal(|ui| {
                        optional_days_field(
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
    }
    ui.horizontal(|ui| {
        if ui
            .button("+ field criterion")
            .on_hover_text("Add a test on a lead field")
            .clicked()
        {
            rule.when.push(Criterion::Field {
                field: choices.first().map(|c| c.value.clone()).unwrap_or_default(),
                condition: Condition::IsTrue,
            });
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
        }
    });
}
