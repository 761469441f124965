//! How good the model is: the holdout choice, ROC AUC, the gains chart and the calibration
//! table by score band with intervals; caps and floors that bind.

use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use crate::app::state::{CalibrationInputs, CalibrationResults};
use crate::app::widgets::Palette;
use crate::calibration::quality::MIN_LEADS;

/// Draws the section; the holdout inputs are edited in place (on the view's copy).
pub fn quality_ui(ui: &mut Ui, results: &CalibrationResults, inputs: &mut CalibrationInputs) {
    ui.heading("How good the model is");
    ui.horizontal(|ui| {
        ui.label("Hold out");
        let name = |percent: f64| {
            if percent > 0.0 {
                format!("{} % of the leads", crate::model::fmt_number(percent))
            } else {
                "nothing (optimistic)".to_owned()
            }
        };
        egui::ComboBox::from_id_salt("holdout_share")
            .selected_text(name(inputs.holdout_percent))
            .show_ui(ui, |ui| {
                for percent in [0.0, 20.0, 30.0, 50.0] {
                    ui.selectable_value(&mut inputs.holdout_percent, percent, name(percent));
                }
            })
            .response
            .accessible_name("Holdout share")
            .on_hover_text(
                "The share of leads with an outcome set aside: suggestions and the fit learn \
                 from the rest, the quality below is measured on this part. Nothing: measured \
                 on every lead (optimistic).",
            );
        ui.label("seed");
        ui.add(egui::DragValue::new(&mut inputs.seed).range(0..=1_000_000))
            .accessible_name("Holdout seed")
            .on_hover_text("The random split's seed: the same seed gives the same split");
    });
    let Some(quality) = &results.quality else {
        ui.label("No lead has an outcome: add an outcome column to measure the model.");
        return;
    };
    ui.label(format!(
        "On {}: {} leads, {} reached SQL ({}).",
        quality.on,
        quality.overall.leads,
        quality.overall.sqls,
        quality.overall.text()
    ));
    match quality.auc {
        Some(auc) => ui.label(
            RichText::new(format!("ROC AUC {auc:.3}"))
                .strong()
                .size(16.0),
        ),
        None => ui.label("ROC AUC –: needs leads that reached SQL and leads that did not."),
    }
    .on_hover_text(
        "The chance that a random lead that reached SQL scores higher than a random one that \
         did not: 0.5 is a coin toss, 1 is a perfect ranking.",
    );
    if quality.overall.few_leads() {
        ui.label(
            RichText::new(format!(
                "Fewer than {MIN_LEADS} leads: read these figures as rough."
            ))
            .color(Palette::of(ui).warning()),
        );
    }
    if !quality.gains.is_empty() {
        let mut points = vec![[0.0, 0.0]];
        points.extend(
            quality
                .gains
                .iter()
                .map(|g| [g.share_of_leads * 100.0, g.share_of_sqls * 100.0]),
        );
        Plot::new("gains_chart")
            .height(160.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .x_axis_label("best leads by score (%)")
            .y_axis_label("SQLs caught (%)")
            .show(ui, |plot| {
                plot.line(Line::new("model", PlotPoints::from(points)));
                plot.line(Line::new(
                    "random",
                    PlotPoints::from(vec![[0.0, 0.0], [100.0, 100.0]]),
                ));
            });
    }
    egui::Grid::new("quality_bands")
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for title in ["Score band", "Leads", "SQLs", "SQL rate (95 % interval)"] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for band in &quality.bands {
                ui.label(&band.label);
                ui.label(band.rate.leads.to_string());
                ui.label(band.rate.sqls.to_string());
                if band.rate.few_leads() {
                    ui.label(RichText::new(format!("{} · few leads", band.rate.text())).weak())
                        .on_hover_text(format!(
                            "Fewer than {MIN_LEADS} leads: the interval is wide"
                        ));
                } else {
                    ui.label(band.rate.text());
                }
                ui.end_row();
            }
        });
    for warning in &results.limits {
        ui.label(RichText::new(warning).color(Palette::of(ui).warning()));
    }
}
