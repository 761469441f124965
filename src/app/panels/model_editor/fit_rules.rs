//! The fit rules: who the lead is (industry, size, role, region…).

use egui::{RichText, Ui};

use super::conditions::condition_ui;
use super::rule_card::{
    field_choices, field_picker, points_slider, rule_card_ui, rule_footer, shown_field,
};
use super::{EditContext, show_problems};
use crate::app::state::Action;
use crate::edit::{ListEdit, ModelEdit};
use crate::model::{Condition, FitRule, Model};

pub(super) fn fit_rules_ui(
    ui: &mut Ui,
    model: &Model,
    context: &EditContext<'_>,
    actions: &mut Vec<Action>,
) {
    let choices = field_choices(model, context.leads);
    let len = model.fit.rules.len();
    show_problems(ui, context.problems_at("fit."));
    for (index, rule) in model.fit.rules.iter().enumerate() {
        rule_card_ui(
            ui,
            "fit",
            index,
            len,
            rule,
            ModelEdit::Fit,
            actions,
            |ui, edited, name| {
                points_slider(
                    ui,
                    &mut edited.points,
                    name,
                    "Fit points when the condition holds; negative for poor fit",
                );
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        shown_field(&rule.field, &choices),
                        rule.condition.describe()
                    ))
                    .weak(),
                );
                show_problems(ui, context.problems_of(&rule.id));
                egui::CollapsingHeader::new("Condition and rationale")
                    .id_salt("details")
                    .show(ui, |ui| {
                        field_picker(ui, "field", &mut edited.field, &choices, name);
                        let field = edited.field.clone();
                        condition_ui(
                            ui,
                            &rule.id,
                            &mut edited.condition,
                            &field,
                            &model.fields,
                            context.leads,
                        );
                        rule_footer(ui, &mut edited.id, &mut edited.rationale);
                    });
            },
        );
    }
    if ui
        .button("➕ Add fit rule")
        .on_hover_text(
            "A new fit rule, proposed by the team you are editing as; it matches no lead until you give its values",
        )
        .clicked()
    {
        let field = choices
            .first()
            .map_or_else(|| "industry".to_owned(), |c| c.value.clone());
        let rule = FitRule {
            label: "New fit rule".to_owned(),
            id: model.fresh_id("fit-new"),
            field,
            condition: Condition::OneOf(Vec::new()),
            points: 10.0,
            enabled: true,
            proposed_by: Some(context.team),
            rationale: String::new(),
        };
        actions.push(ModelEdit::Fit(ListEdit::Add(rule)).into());
    }
}
