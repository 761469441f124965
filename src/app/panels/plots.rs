//! The plots: the score distribution (drag in it to move the threshold), fit against engagement
//! coloured by status with the MQL boundary, and the running count of statuses against the last
//! saved version. Plots aggregate (bins, a sample of points) so they stay cheap at any size.

use egui::{RichText, Ui};
use egui_plot::{
    Bar, BarChart, Line, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Text, VLine,
};

use crate::app::derived::{Derived, HISTOGRAM_BINS};
use crate::app::state::{Action, ViewAction, ViewState};
use crate::app::widgets::{Palette, status_color};
use crate::edit::ModelEdit;
use crate::leads::LeadSet;
use crate::model::{Model, fmt_number};
use crate::scoring::Status;

/// Most points drawn in the scatter; larger sets are sampled evenly.
const MAX_SCATTER_POINTS: usize = 4000;

/// Draws the plots, with the selected lead marked in both; a drag in the histogram moves the MQL
/// threshold, a click in the scatter selects the nearest lead. The counts are drawn above them
/// unless a banner shows them (presenting mode).
pub fn plots_ui(
    ui: &mut Ui,
    model: &Model,
    derived: &Derived,
    leads: &LeadSet,
    view: &ViewState,
    actions: &mut Vec<Action>,
) {
    let (selected, score_bin) = (view.selected_lead, view.score_bin);
    // In presenting mode the banner shows the counts.
    let show_counts = !view.layout.presenting;
    if show_counts {
        counts_ui(ui, derived, leads.len());
        // The words on screen, on one line (the whole of it on hover; the presenting banner
        // shows it wrapped).
        let legend = crate::app::widgets::legend(model);
        let full = legend.text().to_owned();
        ui.add(egui::Label::new(legend).truncate())
            .on_hover_text(full);
    }
    let selected = selected.and_then(|row| Some((row, derived.board.scores.get(row)?)));
    let height = ui.available_height();
    ui.horizontal(|ui| {
        let width = ui.available_width();
        ui.vertical(|ui| {
            ui.set_width(width * 0.55);
            ui.label(
                RichText::new(
                    "Score distribution · drag to move the threshold, click a bar for its leads",
                )
                .strong(),
            );
            let marked = selected.map(|(row, score)| (lead_name(leads, row), score.score));
            let rect = histogram_ui(
                ui,
                model,
                derived,
                marked,
                score_bin,
                height - 30.0,
                actions,
            );
            actions.push(ViewAction::HistogramDrawn(rect).into());
        });
        ui.vertical(|ui| {
            ui.label(
                RichText::new("Fit against engagement · MQL above the line · click a dot").strong(),
            );
            let marked = selected.map(|(row, score)| [score.fit, score.engagement, row as f64]);
            if let Some(row) = scatter_ui(ui, model, derived, leads, marked, height - 30.0) {
                actions.push(ViewAction::SelectLead(row).into());
            }
        });
    });
}

/// How a lead is named on a plot: its id.
fn lead_name(leads: &LeadSet, row: usize) -> String {
    leads.ids.get(row).cloned().unwrap_or_default()
}

/// The colour that marks the selected lead: readable on both themes.
fn selected_color(ui: &Ui) -> egui::Color32 {
    ui.visuals().strong_text_color()
}

/// What the pointer did in the histogram, at a score.
enum HistogramGesture {
    Drag(f64),
    Click(f64),
}

fn histogram_ui(
    ui: &mut Ui,
    model: &Model,
    derived: &Derived,
    selected: Option<(String, f64)>,
    selected_bin: Option<(usize, f64)>,
    height: f32,
    actions: &mut Vec<Action>,
) -> egui::Rect {
    let tallest = (0..HISTOGRAM_BINS)
        .map(|bin| {
            derived
                .board
                .summary
                .histogram
                .iter()
                .map(|bins| f64::from(bins.get(bin).copied().unwrap_or(0)))
                .sum::<f64>()
        })
        .fold(1.0, f64::max);
    let marker = selected_color(ui);
    let palette = Palette::of(ui);
    let scale = model.combine.scale.max(1.0);
    let bin_width = scale / HISTOGRAM_BINS as f64;
    let threshold = model.combine.mql_threshold;
    let mut charts: Vec<BarChart> = Vec::new();
    // Stack from the bottom: disqualified, lead, nurture, MQL, fast-tracked.
    for status in Status::ALL.iter().rev() {
        let Some(bins) = derived.board.summary.histogram.get(status.index()) else {
            continue;
        };
        let bars: Vec<Bar> = bins
            .iter()
            .enumerate()
            .map(|(bin, count)| {
                Bar::new((bin as f64 + 0.5) * bin_width, f64::from(*count))
                    .width(bin_width * 0.92)
                    .fill(palette.status(*status))
            })
            .collect();
        let mut chart = BarChart::new(status.label(), bars).color(palette.status(*status));
        {
            let below: Vec<&BarChart> = charts.iter().collect();
            if !below.is_empty() {
                chart = chart.stack_on(&below);
            }
        }
        charts.push(chart);
    }
    // Two rows of labels above the tallest bar (the threshold's, then the nurture band's), sized
    // in points so that they stay inside a small plot at a large zoom. The selected lead is named
    // under the axis, where no label can cover it.
    let plot_height = height.max(120.0);
    let label_row = f64::from(ui.text_style_height(&egui::TextStyle::Body) + 2.0);
    let plot_area = f64::from(plot_height - 45.0).max(40.0);
    let headroom = (2.0 * label_row / plot_area).min(0.6);
    let top = tallest / (1.0 - headroom);
    let second_row = top - top * label_row / plot_area;
    let response = Plot::new("score_histogram")
        .height(plot_height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(0.0)
        .include_x(scale)
        .include_y(0.0)
        .include_y(top)
        .x_axis_label(match &selected {
            Some((name, score)) => format!("score · ▼ {name}: {}", fmt_number(*score)),
            None => "score".to_owned(),
        })
        .y_axis_label("leads")
        .show(ui, |plot_ui| {
            for chart in charts {
                plot_ui.add(chart);
            }
            plot_ui.add(
                VLine::new(format!("threshold {}", fmt_number(threshold)), threshold)
                    .color(palette.positive())
                    .width(2.5),
            );
            plot_ui.add(
                Text::new(
                    "threshold label",
                    PlotPoint::new(threshold, top),
                    RichText::new(format!("MQL ≥ {}", fmt_number(threshold)))
                        .text_style(egui::TextStyle::Body)
                        .strong(),
                )
                .color(palette.positive())
                // Toward the side with room: a threshold near the right edge is labelled on its
                // left.
                .anchor(if threshold > scale * 0.65 {
                    egui::Align2::RIGHT_TOP
                } else {
                    egui::Align2::LEFT_TOP
                }),
            );
            let nurture_from = threshold - model.combine.nurture_band;
            if model.combine.nurture_band > 0.0 {
                plot_ui.add(
                    VLine::new("nurture band", nurture_from)
                        .color(palette.status(Status::Nurture))
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
                plot_ui.add(
                    Text::new(
                        "nurture label",
                        PlotPoint::new(nurture_from, second_row),
                        RichText::new(format!("nurture ≥ {}", fmt_number(nurture_from)))
                            .text_style(egui::TextStyle::Body),
                    )
                    .color(palette.status(Status::Nurture))
                    .anchor(egui::Align2::RIGHT_TOP),
                );
            }
            if let Some((name, score)) = &selected {
                plot_ui.add(
                    VLine::new(format!("selected lead {name}"), *score)
                        .color(marker)
                        .width(1.5)
                        .style(egui_plot::LineStyle::dotted_dense()),
                );
            }
            // A drag moves the threshold; a click picks the bar under the pointer.
            let response = plot_ui.response();
            let x = plot_ui.pointer_coordinate().map(|p| p.x);
            if response.dragged() {
                x.map(HistogramGesture::Drag)
            } else if response.clicked() {
                x.map(HistogramGesture::Click)
            } else {
                None
            }
        });
    match response.inner {
        // A signed model is locked: the sign-off tab's "Edit anyway" unlocks it.
        Some(HistogramGesture::Drag(x)) if !model.is_signed() => {
            let new_threshold = x.round().clamp(1.0, scale);
            if new_threshold != model.combine.mql_threshold {
                actions.push(ModelEdit::SetThreshold(new_threshold).into());
            }
        }
        Some(HistogramGesture::Click(x)) => {
            let bin = crate::scoring::histogram_bin(x, scale);
            let picked = (bin, scale);
            // The same bar again shows every lead again.
            let next = (selected_bin != Some(picked)).then_some(picked);
            actions.push(ViewAction::ScoreBin(next).into());
        }
        _ => {}
    }
    response
        .response
        .on_hover_text("Drag left or right to move the MQL threshold; one drag is one undo step")
        .rect
}

/// A small deterministic offset so leads with equal scores do not hide each other.
fn jitter(row: usize, salt: u64) -> f64 {
    let mut x = (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    (x % 1000) as f64 / 1000.0 - 0.5
}

/// Draws the scatter; returns the lead nearest a click, if there was one.
fn scatter_ui(
    ui: &mut Ui,
    model: &Model,
    derived: &Derived,
    leads: &LeadSet,
    selected: Option<[f64; 3]>,
    height: f32,
) -> Option<usize> {
    let marker = selected_color(ui);
    let palette = Palette::of(ui);
    let step = (derived.board.scores.len() / MAX_SCATTER_POINTS).max(1);
    let fit_max = model.fit.max_points.max(1.0);
    let engagement_max = model.engagement.max_points.max(1.0);
    let mut series: Vec<Vec<[f64; 2]>> = vec![Vec::new(); Status::ALL.len()];
    for (row, score) in derived.board.scores.iter().enumerate().step_by(step) {
        series[score.status.index()].push([
            score.fit + jitter(row, 1) * fit_max * 0.02,
            score.engagement + jitter(row, 2) * engagement_max * 0.02,
        ]);
    }
    let boundary = mql_boundary(model);
    let sampled = if step > 1 {
        format!(" (every {step}th of {})", leads.len())
    } else {
        String::new()
    };
    let shown = Plot::new("fit_engagement_scatter")
        .height(height.max(120.0))
        .include_x(0.0)
        .include_x(fit_max)
        .include_y(0.0)
        .include_y(engagement_max)
        .x_axis_label(format!("fit{sampled}"))
        .y_axis_label("engagement")
        .show(ui, |plot_ui| {
            for status in Status::ALL {
                let points = std::mem::take(&mut series[status.index()]);
                plot_ui.points(
                    Points::new(status.label(), PlotPoints::from(points))
                        .color(palette.status(status))
                        .radius(2.5),
                );
            }
            if let Some(boundary) = boundary {
                plot_ui.line(
                    Line::new("MQL boundary", PlotPoints::from(boundary))
                        .color(palette.positive())
                        .width(2.0),
                );
            }
            if let Some([fit, engagement, _]) = selected {
                plot_ui.points(
                    Points::new("selected lead", PlotPoints::from(vec![[fit, engagement]]))
                        .shape(MarkerShape::Circle)
                        .filled(false)
                        .radius(7.0)
                        .color(marker),
                );
            }
            let response = plot_ui.response();
            if response.clicked() {
                plot_ui.pointer_coordinate().map(|p| [p.x, p.y])
            } else {
                None
            }
        });
    let clicked_at = shown.inner;
    shown.response.on_hover_text(
        "Each dot is a lead (slightly jittered); above the line the score reaches the threshold. \
         Click a dot to select its lead",
    );
    let [x, y] = clicked_at?;
    nearest_lead(
        &derived.board.scores,
        x / fit_max,
        y / engagement_max,
        fit_max,
        engagement_max,
    )
}

/// The lead whose (fit, engagement), as shares of the caps, is nearest the point.
fn nearest_lead(
    scores: &[crate::scoring::LeadScore],
    x: f64,
    y: f64,
    fit_max: f64,
    engagement_max: f64,
) -> Option<usize> {
    scores
        .iter()
        .enumerate()
        .map(|(row, score)| {
            let dx = score.fit / fit_max - x;
            let dy = score.engagement / engagement_max - y;
            (row, dx * dx + dy * dy)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        // A click in empty space selects nothing.
        .filter(|&(_, distance)| distance <= NEAR_ENOUGH * NEAR_ENOUGH)
        .map(|(row, _)| row)
}

/// How far from a dot a click still selects it, as a share of the axes.
const NEAR_ENOUGH: f64 = 0.05;

/// Where the total equals the threshold: engagement as a function of fit, clipped to the caps.
pub fn mql_boundary(model: &Model) -> Option<Vec<[f64; 2]>> {
    let c = &model.combine;
    let fit_max = model.fit.max_points;
    let engagement_max = model.engagement.max_points;
    if c.scale <= 0.0 || fit_max <= 0.0 || engagement_max <= 0.0 {
        return None;
    }
    let target = c.mql_threshold / c.scale;
    if c.engagement_weight <= 0.0 {
        if c.fit_weight <= 0.0 {
            return None;
        }
        let fit = target / c.fit_weight * fit_max;
        return Some(vec![[fit, 0.0], [fit, engagement_max]]);
    }
    let points = (0..=50)
        .map(|i| {
            let fit = fit_max * f64::from(i) / 50.0;
            let engagement =
                (target - c.fit_weight * fit / fit_max) / c.engagement_weight * engagement_max;
            [fit, engagement]
        })
        .filter(|[_, e]| (0.0..=engagement_max).contains(e))
        .collect::<Vec<_>>();
    if points.is_empty() {
        None
    } else {
        Some(points)
    }
}

/// The running count: leads per status now, and the change since the last saved version.
pub(super) fn counts_ui(ui: &mut Ui, derived: &Derived, lead_count: usize) {
    ui.horizontal_wrapped(|ui| {
        for status in Status::ALL {
            let now = derived.board.summary.counts[status.index()];
            let delta = derived
                .saved_counts
                .map_or(0, |saved| now as i64 - saved[status.index()] as i64);
            let text = if delta == 0 {
                format!("{} {now}", status.label())
            } else {
                format!("{} {now} ({delta:+})", status.label())
            };
            let tooltip = match derived.saved_counts {
                Some(saved) => format!(
                    "{now} {} leads now; {} with the model as last saved",
                    status.label(),
                    saved[status.index()]
                ),
                None => format!("{now} {} leads", status.label()),
            };
            ui.label(RichText::new(text).strong().color(status_color(ui, status)))
                .on_hover_text(tooltip);
            ui.separator();
        }
        let mqls = derived.board.summary.counts[Status::Mql.index()]
            + derived.board.summary.counts[Status::FastTracked.index()];
        if lead_count > 0 {
            ui.label(format!(
                "{mqls} MQLs of {lead_count} leads ({:.1} %)",
                mqls as f64 * 100.0 / lead_count as f64
            ))
            .on_hover_text("Changes in brackets are against the model as last saved or opened");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::nearest_lead;
    use crate::scoring::{LeadScore, Status};

    fn at(fit: f64, engagement: f64) -> LeadScore {
        LeadScore {
            fit,
            engagement,
            score: fit + engagement,
            status: Status::Lead,
            fit_grade: 0,
            engagement_level: 0,
        }
    }

    #[test]
    fn a_click_on_a_dot_selects_that_lead_and_a_click_in_empty_space_nothing() {
        let scores = [at(10.0, 5.0), at(50.0, 30.0), at(52.0, 31.0)];
        // Axes: fit 0..60, engagement 0..40; the click is given as shares of them.
        let click = |fit: f64, engagement: f64| {
            nearest_lead(&scores, fit / 60.0, engagement / 40.0, 60.0, 40.0)
        };
        assert_eq!(click(10.5, 5.5), Some(0));
        assert_eq!(click(50.2, 29.8), Some(1));
        assert_eq!(click(51.9, 31.2), Some(2), "the nearer of two close dots");
        assert_eq!(click(30.0, 20.0), None, "far from every dot");
    }
}
