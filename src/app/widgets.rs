//! Small widgets shared by the panels. Every input gets an accessible name (its label), so that
//! screen readers and the headless tests can find it.

use egui::{Color32, Response, RichText, Ui};

use crate::model::{Band, Model, Team, default_engagement_levels, default_fit_grades, fmt_number};
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

/// Colours that meet WCAG AA on this theme's panels: at least 4.5:1 against every background a
/// text can sit on (panels, windows, text fields), so they serve for text and, with
/// room to spare, for plot marks (3:1). One set for the light theme, one for the dark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    dark: bool,
}

impl Palette {
    pub fn of(ui: &Ui) -> Palette {
        Palette::for_theme(ui.visuals().dark_mode)
    }

    pub fn for_theme(dark: bool) -> Palette {
        Palette { dark }
    }

    fn pick(self, light: [u8; 3], dark: [u8; 3]) -> Color32 {
        let [r, g, b] = if self.dark { dark } else { light };
        Color32::from_rgb(r, g, b)
    }

    pub fn status(self, status: Status) -> Color32 {
        match status {
            Status::FastTracked => self.pick([0x7b, 0x36, 0x9a], [0xc3, 0x8d, 0xe0]),
            Status::Mql => self.positive(),
            Status::Nurture => self.warning(),
            Status::Lead => self.pick([0x4a, 0x63, 0x7e], [0x9d, 0xb6, 0xd1]),
            Status::Disqualified => self.negative(),
        }
    }

    /// Good news: agreement, a gate passed, a rule adding points, the threshold.
    pub fn positive(self) -> Color32 {
        self.pick([0x1a, 0x73, 0x32], [0x5c, 0xc8, 0x7a])
    }

    /// Bad news: errors, disagreement, a rule taking points away.
    pub fn negative(self) -> Color32 {
        self.pick([0xb0, 0x30, 0x24], [0xf0, 0x7d, 0x70])
    }

    /// Warnings and near-misses (and the nurture band).
    pub fn warning(self) -> Color32 {
        self.pick([0x9a, 0x58, 0x00], [0xf0, 0xa8, 0x3a])
    }

    pub fn team(self, team: Team) -> Color32 {
        match team {
            Team::Marketing => self.pick([0x1f, 0x5f, 0xbf], [0x7c, 0xb4, 0xff]),
            Team::Sales => self.pick([0x9a, 0x58, 0x00], [0xf0, 0xa8, 0x3a]),
        }
    }

    /// Secondary text (egui's "weak" text), readable too.
    pub fn weak_text(self) -> Color32 {
        self.pick([0x5f, 0x5f, 0x5f], [0xa8, 0xa8, 0xa8])
    }
}

/// A status's colour on this theme.
pub fn status_color(ui: &Ui, status: Status) -> Color32 {
    Palette::of(ui).status(status)
}

pub fn team_color(ui: &Ui, team: Team) -> Color32 {
    Palette::of(ui).team(team)
}

/// Makes egui's weak (secondary) text readable in both themes.
pub fn install_readable_text(ctx: &egui::Context) {
    for (theme, dark) in [(egui::Theme::Light, false), (egui::Theme::Dark, true)] {
        ctx.style_mut_of(theme, |style| {
            style.visuals.weak_text_color = Some(Palette::for_theme(dark).weak_text());
        });
    }
}

/// One line that explains the words on screen, with this model's numbers: what MQL, nurture,
/// fit, engagement and a grade like "A1" mean.
pub fn legend(model: &Model) -> RichText {
    let combine = &model.combine;
    let threshold = fmt_number(combine.mql_threshold);
    let nurture = fmt_number(combine.mql_threshold - combine.nurture_band);
    let span = |bands: &[Band]| match (bands.first(), bands.last()) {
        (Some(best), Some(worst)) => format!("{}–{}", best.label, worst.label),
        _ => String::new(),
    };
    // Omitted bands are the defaults.
    let or_default = |bands: &[Band], default: fn() -> Vec<Band>| {
        if bands.is_empty() {
            default()
        } else {
            bands.to_vec()
        }
    };
    let fit_grades = or_default(&model.fit_grades, default_fit_grades);
    let engagement_levels = or_default(&model.engagement_levels, default_engagement_levels);
    let grades = span(&fit_grades);
    let levels = span(&engagement_levels);
    let best = match (fit_grades.first(), engagement_levels.first()) {
        (Some(grade), Some(level)) => format!("; {}{} is the best", grade.label, level.label),
        _ => String::new(),
    };
    RichText::new(format!(
        "MQL: score {threshold} or more of {}, handed to sales · Nurture: {nurture} to \
         {threshold}, kept warm by marketing · Fit: who the lead is (grade {grades}) · \
         Engagement: what the lead did (level {levels}){best}",
        fmt_number(combine.scale)
    ))
}

#[cfg(test)]
mod tests {
    use super::Palette;
    use egui::Color32;
    /// WCAG's contrast ratio of two colours (1 to 21).
    pub fn contrast_ratio(a: Color32, b: Color32) -> f64 {
        fn luminance(color: Color32) -> f64 {
            let channel = |value: u8| {
                let v = f64::from(value) / 255.0;
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(color.r()) + 0.7152 * channel(color.g()) + 0.0722 * channel(color.b())
        }
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    use crate::model::Team;
    use crate::scoring::Status;

    #[test]
    fn every_colour_meets_wcag_aa_on_every_background_of_its_theme() {
        for (visuals, dark) in [
            (egui::Visuals::light(), false),
            (egui::Visuals::dark(), true),
        ] {
            let palette = Palette::for_theme(dark);
            // The opaque backgrounds (striped rows add a translucent tint of a few levels).
            let backgrounds = [
                visuals.panel_fill,
                visuals.window_fill,
                visuals.extreme_bg_color,
            ];
            let mut colours: Vec<(String, egui::Color32)> = Status::ALL
                .iter()
                .map(|s| (s.label().to_owned(), palette.status(*s)))
                .collect();
            colours.extend([
                ("positive".to_owned(), palette.positive()),
                ("negative".to_owned(), palette.negative()),
                ("warning".to_owned(), palette.warning()),
                ("weak text".to_owned(), palette.weak_text()),
                ("marketing".to_owned(), palette.team(Team::Marketing)),
                ("sales".to_owned(), palette.team(Team::Sales)),
            ]);
            for (name, colour) in colours {
                for background in backgrounds {
                    let ratio = contrast_ratio(colour, background);
                    assert!(
                        ratio >= 4.5,
                        "{name} on {background:?} (dark {dark}): {ratio:.2}:1"
                    );
                }
            }
        }
    }

    #[test]
    fn the_contrast_ratio_is_wcags() {
        let ratio = contrast_ratio(egui::Color32::BLACK, egui::Color32::WHITE);
        assert!((ratio - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(egui::Color32::WHITE, egui::Color32::WHITE) - 1.0).abs() < 1e-9);
    }
}
