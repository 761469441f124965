//! *Fit all points*: every rule's points fitted at once on history, previewed (old → new
//! points, drop candidates, the threshold, quality and status changes) before one *Apply all*
//! (one undo step).

use egui::{RichText, Ui};

use crate::app::state::{Action, CalibrationInputs, CalibrationResults};
use crate::app::widgets::Palette;
use crate::calibration::percent;
use crate::edit::ModelEdit;
use crate::model::{Model, fmt_number};

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), percent)
}

fn auc(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |a| format!("{a:.3}"))
}

/// Draws the section: a button that opens the preview, then the preview with *Apply all*.
pub fn fit_preview_ui(
    ui: &mut Ui,
    model: &Model,
    results: &CalibrationResults,
    inputs: &mut CalibrationInputs,
    actions: &mut Vec<Action>,
) {
    ui.heading("Fit all points");
    ui.label(
        RichText::new(
            "One logistic regression over every enabled rule at once: overlapping rules share \
             the credit instead of each getting it all (docs/calibration.md, The joint fit).",
        )
        .weak(),
    );
    if !inputs.fit_preview_open {
        if ui
            .button("Fit all points…")
            .on_hover_text("Fit every rule's points on history and preview the result")
            .clicked()
        {
            inputs.fit_preview_open = true;
        }
        return;
    }
    let preview = match &results.fit {
        None if !results.with_fit => {
            ui.label("Fitting…");
            return close_button(ui, inputs);
        }
        None => {
            ui.label("No lead has an outcome: there is nothing to fit on.");
            return close_button(ui, inputs);
        }
        Some(Err(why)) => {
            ui.label(RichText::new(format!("No fit: {why}.")).color(Palette::of(ui).warning()));
            return close_button(ui, inputs);
        }
        Some(Ok(preview)) => preview,
    };
    let report = &preview.report;
    ui.label(format!(
        "Learnt from {} leads; {} total points per doubling of the odds.",
        report.training_leads,
        fmt_number(report.points_per_logit * std::f64::consts::LN_2)
    ));
    egui::Grid::new("fit_preview_rules")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for title in ["Rule", "Fires for", "Points", ""] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for rule in &report.rules {
                ui.label(format!("{} ({})", rule.label, rule.id));
                ui.label(rule.support.to_string());
                let text = rule.change_text();
                if rule.new_points == rule.old_points {
                    ui.label(RichText::new(text).weak());
                } else {
                    ui.label(RichText::new(text).strong());
                }
                match (&rule.drop_reason, &rule.not_fitted) {
                    (Some(reason), _) => ui
                        .label(RichText::new("candidate to drop").color(Palette::of(ui).warning()))
                        .on_hover_text(reason.as_str()),
                    (None, Some(why)) => ui
                        .label(RichText::new("kept: too few leads").weak())
                        .on_hover_text(why.as_str()),
                    (None, None) => ui.label(""),
                };
                ui.end_row();
            }
        });
    let threshold = report.model.combine.mql_threshold;
    ui.label(format!(
        "Threshold {} → {}{}",
        fmt_number(model.combine.mql_threshold),
        fmt_number(threshold),
        if report.model.combine.nurture_band != model.combine.nurture_band {
            format!(
                " (nurture band {} → {})",
                fmt_number(model.combine.nurture_band),
                fmt_number(report.model.combine.nurture_band)
            )
        } else {
            String::new()
        }
    ));
    for (what, before, after) in [
        (
            "Minimum fit",
            model.combine.min_fit,
            report.model.combine.min_fit,
        ),
        (
            "Minimum engagement",
            model.combine.min_engagement,
            report.model.combine.min_engagement,
        ),
    ] {
        if let (Some(before), Some(after)) = (before, after)
            && before != after
        {
            ui.label(format!(
                "{what} {} → {} (the same share of leads held back, in the new points)",
                fmt_number(before),
                fmt_number(after)
            ));
        }
    }
    match &report.threshold {
        Some(suggestion) => ui.label(RichText::new(&suggestion.explanation).weak()),
        None => ui.label(
            RichText::new("No threshold reaches the target on the training leads: kept.").weak(),
        ),
    }
    .on_hover_text("The target is the one set above (Target MQL → SQL rate)");
    ui.label(format!(
        "ROC AUC on {}: {} now, {} fitted.",
        report.quality.on,
        auc(report.current_quality.auc),
        auc(report.quality.auc)
    ));
    let changes = &preview.changes;
    ui.label(format!(
        "{} lead(s) change status; MQLs {} → {}, MQL → SQL {} → {}.",
        changes.changed_leads,
        changes.before.mqls,
        changes.after.mqls,
        rate(changes.before.mql_to_sql()),
        rate(changes.after.mql_to_sql())
    ));
    for ((from, to), count) in &changes.status_changes {
        ui.label(RichText::new(format!("{} → {}: {count}", from.label(), to.label())).weak());
    }
    for warning in &report.warnings {
        ui.label(RichText::new(warning).color(Palette::of(ui).warning()));
    }
    ui.horizontal(|ui| {
        if ui
            .button("Apply all")
            .on_hover_text(
                "Take every fitted point and the threshold as one step (undo with Ctrl+Z)",
            )
            .clicked()
        {
            actions.push(ModelEdit::UseFittedPoints(Box::new(report.model.clone())).into());
            inputs.fit_preview_open = false;
        }
        if ui.button("Close").clicked() {
            inputs.fit_preview_open = false;
        }
    });
}

fn close_button(ui: &mut Ui, inputs: &mut CalibrationInputs) {
    if ui.button("Close").clicked() {
        inputs.fit_preview_open = false;
    }
}
