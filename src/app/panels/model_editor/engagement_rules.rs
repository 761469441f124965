//! The engagement rules: what the lead did (visits, webinars, downloads…), with counting, caps,
//! windows and decay.

use egui::{RichText, Ui};

use super::rule_card::{activity_choices, points_slider, rule_card_ui, rule_footer};
use super::{EditContext, show_problems};
use crate::app::state::Action;
use crate::app::widgets::{optional_days_field, optional_number_field, text_field};
use crate::edit::{ListEdit, ModelEdit};
use crate::model::{Counting, EngagementRule, Model};

const COUNTING_KINDS: [&str; 3] = ["per occurrence", "once", "when count reaches"];

pub(super) fn engagement_rules_ui(
    ui: &mut Ui,
    model: &Model,
    context: &EditContext<'_>,
    actions: &mut Vec<Action>,
) {
    let activities = activity_choices(context.leads);
    let len = model.engagement.rules.len();
    show_problems(ui, context.problems_at("engagement."));
    if context.leads.events.is_none() {
        ui.label(
            RichText::new("No event log loaded: rules read their count columns (windows and decay do not apply).")
                .weak(),
        );
    }
    for (index, rule) in model.engagement.rules.iter().enumerate() {
        let card = |ui: &mut Ui, edited: &mut EngagementRule, name: &str| {
            points_slider(
                ui,
                &mut edited.points,
                name,
                "Points per occurrence (or once); negative for unsubscribes and bounces",
            );
            ui.horizontal(|ui| {
                let default_cap = edited.points.abs() * 3.0;
                optional_number_field(
                    ui,
                    "Cap",
                    &mut edited.cap,
                    default_cap,
                    0.0..=1000.0,
                    " points",
                    "The most this rule can add (or take away)",
                );
                optional_days_field(
                    ui,
                    "Window",
                    &mut edited.window_days,
                    30,
                    "Only activity within this many days counts",
                );
                optional_number_field(
                    ui,
                    "Half-life",
                    &mut edited.half_life_days,
                    30.0,
                    0.5..=3650.0,
                    " days",
                    "Activity counts half as much every this many days",
                );
            });
            show_problems(ui, context.problems_of(&rule.id));
            egui::CollapsingHeader::new("Activity, counting and rationale")
                .id_salt("details")
                .show(ui, |ui| engagement_details_ui(ui, edited, &activities));
        };
        rule_card_ui(
            ui,
            "engagement",
            index,
            len,
            rule,
            ModelEdit::Engagement,
            actions,
            card,
        );
    }
    if ui
        .button("➕ Add engagement rule")
        .on_hover_text(
            "A new engagement rule, proposed by the team you are editing as; it counts nothing until you pick its activity",
        )
        .clicked()
    {
        // No activity yet, so it counts nothing: one click never changes a score.
        let rule = EngagementRule {
            label: "New engagement rule".to_owned(),
            id: model.fresh_id("eng-new"),
            activity: String::new(),
            count_column: None,
            counting: Counting::PerOccurrence,
            points: 5.0,
            cap: Some(15.0),
            window_days: Some(30),
            half_life_days: None,
            enabled: true,
            proposed_by: Some(context.team),
            rationale: String::new(),
        };
        actions.push(ModelEdit::Engagement(ListEdit::Add(rule)).into());
    }
}

fn engagement_details_ui(ui: &mut Ui, rule: &mut EngagementRule, activities: &[String]) {
    ui.horizontal(|ui| {
        text_field(
            ui,
            "Activity",
            &mut rule.activity,
            "The activity name in the event log",
        );
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
        }
        if let Counting::AtLeast(n) = &mut rule.counting {
            ui.add(
                egui::DragValue::new(n)
                    .clamp_existing_to_range(false)
                    .range(1..=1000),
            )
            .accessible_name("Count to reach")
            .on_hover_text("The count that earns the points");
        }
    });
    rule_footer(ui, &mut rule.id, &mut rule.rationale);
}
