//! The scoring settings: the fit/engagement mix, the threshold and nurture band, the gates, the
//! caps and scale, the grade bands, the missing values and the description.

use egui::{RichText, Ui};

use super::{EditContext, show_problems};
use crate::app::state::Action;
use crate::app::widgets::{number_field, optional_number_field};
use crate::edit::ModelEdit;
use crate::model::{Model, fmt_number};

pub(super) fn scoring_settings_ui(
    ui: &mut Ui,
    model: &Model,
    context: &EditContext<'_>,
    actions: &mut Vec<Action>,
) {
    show_problems(ui, context.problems_at("combine"));
    let mut combine = model.combine.clone();
    let (mut fit_cap, mut engagement_cap) = (model.fit.max_points, model.engagement.max_points);
    let mut fit_grades = model.fit_grades.clone();
    let mut engagement_levels = model.engagement_levels.clone();
    let mut description = model.description.clone();

    ui.heading("Mix");
    let scale = combine.scale;
    let mut fit_share = combine.fit_weight * 100.0;
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
        combine.fit_weight = fit_share / 100.0;
        combine.engagement_weight = 1.0 - combine.fit_weight;
    }
    ui.label(format!(
        "fit {} % · engagement {} % of {} points",
        fmt_number(combine.fit_weight * 100.0),
        fmt_number(combine.engagement_weight * 100.0),
        fmt_number(scale)
    ));
    ui.separator();
    ui.heading("Threshold");
    ui.add(
        egui::Slider::new(&mut combine.mql_threshold, 0.0..=scale)
            .step_by(1.0)
            .clamping(egui::SliderClamping::Never)
            .custom_formatter(|value, _| fmt_number(value))
            .suffix(" points")
            .text("MQL threshold"),
    )
    .on_hover_text("A total at or above this is an MQL (if the gates pass)");
    ui.add(
        egui::Slider::new(&mut combine.nurture_band, 0.0..=scale)
            .step_by(1.0)
            .clamping(egui::SliderClamping::Never)
            .custom_formatter(|value, _| fmt_number(value))
            .suffix(" points")
            .text("Nurture band"),
    )
    .on_hover_text("Leads this many points below the threshold are near-MQLs: nurture them");
    ui.horizontal(|ui| {
        optional_number_field(
            ui,
            "Minimum fit",
            &mut combine.min_fit,
            15.0,
            0.0..=model.fit.max_points,
            " points",
            "Gate: fit points needed to be an MQL at all",
        );
    });
    ui.horizontal(|ui| {
        optional_number_field(
            ui,
            "Minimum engagement",
            &mut combine.min_engagement,
            10.0,
            0.0..=model.engagement.max_points,
            " points",
            "Gate: engagement points needed to be an MQL at all",
        );
    });
    ui.separator();
    ui.heading("Caps");
    ui.horizontal(|ui| {
        number_field(
            ui,
            "Fit cap",
            &mut fit_cap,
            1.0..=1000.0,
            "Fit points above this count as this many (a full fit)",
        );
        number_field(
            ui,
            "Engagement cap",
            &mut engagement_cap,
            1.0..=1000.0,
            "Engagement points above this count as this many",
        );
    });
    ui.horizontal(|ui| {
        number_field(
            ui,
            "Scale",
            &mut combine.scale,
            1.0..=1000.0,
            "The total score's scale, e.g. 100",
        );
    });
    ui.separator();
    ui.heading("Grades");
    ui.label(RichText::new("Fit grades (A–D) and engagement levels (1–4): a sub-score at or above a band's minimum gets its label.").weak());
    for (title, bands) in [
        ("Fit grade", &mut fit_grades),
        ("Engagement level", &mut engagement_levels),
    ] {
        ui.horizontal_wrapped(|ui| {
            for band in bands.iter_mut() {
                number_field(
                    ui,
                    &format!("{title} {}", band.label),
                    &mut band.min_points,
                    0.0..=1000.0,
                    "The minimum sub-score for this band",
                );
            }
        });
    }
    show_problems(ui, context.problems_at("fit_grades"));
    show_problems(ui, context.problems_at("engagement_levels"));
    ui.separator();
    super::missing_values::missing_values_ui(ui, model, context, actions);
    ui.separator();
    ui.heading("About");
    let label = ui.label("Description");
    ui.add(
        egui::TextEdit::multiline(&mut description)
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
    .on_hover_text("What the model is for, for the people who will read the file");

    if combine != model.combine {
        actions.push(ModelEdit::SetCombine(combine).into());
    }
    if (fit_cap, engagement_cap) != (model.fit.max_points, model.engagement.max_points) {
        actions.push(
            ModelEdit::SetCaps {
                fit: fit_cap,
                engagement: engagement_cap,
            }
            .into(),
        );
    }
    if fit_grades != model.fit_grades || engagement_levels != model.engagement_levels {
        actions.push(
            ModelEdit::SetGrades {
                fit: fit_grades,
                engagement: engagement_levels,
            }
            .into(),
        );
    }
    if description != model.description {
        actions.push(ModelEdit::SetDescription(description).into());
    }
}
