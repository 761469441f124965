//! `check`: a model's summary and its validation problems.

use std::path::Path;

use anyhow::Result;

use super::{path_text, print_stdout};
use crate::format::load_model;
use crate::model::{Model, fmt_number};
use crate::text::printable;
use crate::validate::{Severity, is_valid, validate};

/// A model's summary, as `check` prints it (the model's texts with their control characters
/// escaped).
pub fn model_summary(model: &Model) -> String {
    let c = &model.combine;
    // The name, version and signatures come from the file: no control character reaches a
    // terminal.
    let mut lines = vec![
        format!(
            "{} ({}, format {})",
            printable(&model.name),
            model.status.label(),
            printable(&model.format_version)
        ),
        format!(
            "  fit: {} rules, capped at {}; engagement: {} rules, capped at {}; {} overrides",
            model.fit.rules.len(),
            fmt_number(model.fit.max_points),
            model.engagement.rules.len(),
            fmt_number(model.engagement.max_points),
            model.overrides.len()
        ),
        format!(
            "  mix: fit {} % / engagement {} % of {} points; MQL at {}, nurture from {}",
            fmt_number(c.fit_weight * 100.0),
            fmt_number(c.engagement_weight * 100.0),
            fmt_number(c.scale),
            fmt_number(c.mql_threshold),
            fmt_number(c.mql_threshold - c.nurture_band)
        ),
    ];
    if c.min_fit.is_some() || c.min_engagement.is_some() {
        lines.push(format!(
            "  gates: minimum fit {}, minimum engagement {}",
            c.min_fit.map_or("none".to_owned(), fmt_number),
            c.min_engagement.map_or("none".to_owned(), fmt_number)
        ));
    }
    for sign_off in &model.sign_offs {
        lines.push(format!(
            "  signed by {} for {} on {}",
            printable(&sign_off.person),
            sign_off.team.label(),
            printable(&sign_off.date)
        ));
    }
    lines.join("\n")
}

pub(super) fn check_command(path: &Path) -> Result<i32> {
    let model = load_model(path)?;
    let mut out = format!("{}\n", model_summary(&model));
    let problems = validate(&model);
    for problem in &problems {
        out.push_str(&format!("{}\n", printable(&problem.to_string())));
    }
    let code = if is_valid(&problems) {
        out.push_str(&format!("ok: {} is valid\n", path_text(path)));
        0
    } else {
        let errors = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        out.push_str(&format!("{} has {errors} error(s)\n", path_text(path)));
        1
    };
    print_stdout(&out)?;
    Ok(code)
}
