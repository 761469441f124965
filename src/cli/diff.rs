//! `diff`: what differs between two models, rule by rule, and with leads, what that does to them
//! (the leads that change status, and the funnel and agreement before and after).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use super::{LeadsArgs, load_leads, load_valid_model, path_text, print_stdout, rate_cell};
use crate::format::load_model;
use crate::model::fmt_number;
use crate::scoring::{Evaluation, score_all};
use crate::text::printable;

/// How many changed leads `diff` lists one by one.
const CHANGED_LEADS_SHOWN: usize = 20;

pub(super) fn diff_command(
    a_path: &Path,
    b_path: &Path,
    leads_args: Option<&LeadsArgs>,
) -> Result<i32> {
    let report = diff_report(a_path, b_path, leads_args)?;
    print_stdout(&report)?;
    Ok(0)
}

/// What `diff` prints.
fn diff_report(a_path: &Path, b_path: &Path, leads_args: Option<&LeadsArgs>) -> Result<String> {
    use crate::calibration::{status_change_counts, status_changes};
    let mut out = String::new();
    let load = |path: &Path| {
        if leads_args.is_some() {
            load_valid_model(path)
        } else {
            load_model(path).map_err(anyhow::Error::from)
        }
    };
    let a = load(a_path)?;
    let b = load(b_path)?;
    writeln!(
        out,
        "{} ({}) → {} ({})",
        path_text(a_path),
        printable(&a.name),
        path_text(b_path),
        printable(&b.name)
    )?;
    let lines = crate::diff::diff_models(&a, &b).lines();
    if lines.is_empty() {
        writeln!(out, "no differences")?;
    } else {
        writeln!(
            out,
            "{} change{}:",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        )?;
        for line in &lines {
            writeln!(out, "  {}", printable(line))?;
        }
    }
    let Some(args) = leads_args else {
        return Ok(out);
    };
    let (leads_a, as_of) = load_leads(args, &a)?;
    // Leads are typed by the model's field declarations: load them again only when B declares
    // different fields.
    let leads_b = if a.fields == b.fields {
        None
    } else {
        Some(load_leads(args, &b)?.0)
    };
    let leads_b = leads_b.as_ref().unwrap_or(&leads_a);
    let scores_a = score_all(&a, &Evaluation::new(&a, &leads_a, as_of));
    let scores_b = score_all(&b, &Evaluation::new(&b, leads_b, as_of));
    let changes = status_changes(&scores_a, &scores_b);
    writeln!(
        out,
        "\nOn {} leads as of {}: {} change status.",
        leads_a.len(),
        crate::leads::format_day(as_of),
        changes.len()
    )?;
    let funnel_a = crate::calibration::funnel(&leads_a, &scores_a);
    let funnel_b = crate::calibration::funnel(leads_b, &scores_b);
    let mut effects = vec![format!("MQLs {} → {}", funnel_a.mqls, funnel_b.mqls)];
    if funnel_a.with_outcome > 0 {
        effects.push(format!(
            "MQL → SQL {} → {}",
            rate_cell(funnel_a.mql_to_sql()),
            rate_cell(funnel_b.mql_to_sql())
        ));
    }
    let agreement_a = crate::calibration::agreement(&scores_a, &leads_a.verdicts);
    if agreement_a.judged() > 0 {
        let agreement_b = crate::calibration::agreement(&scores_b, &leads_b.verdicts);
        effects.push(format!(
            "agreement with sales {} → {}",
            rate_cell(agreement_a.rate()),
            rate_cell(agreement_b.rate())
        ));
    }
    writeln!(out, "  {}", effects.join("; "))?;
    if changes.is_empty() {
        return Ok(out);
    }
    writeln!(out, "\n  {:<18} {:<18} {:>6}", "from", "to", "leads")?;
    for ((from, to), count) in status_change_counts(&changes) {
        writeln!(out, "  {:<18} {:<18} {count:>6}", from.label(), to.label())?;
    }
    let shown = changes.len().min(CHANGED_LEADS_SHOWN);
    writeln!(
        out,
        "\n{} changed leads:",
        if shown == changes.len() {
            format!("All {shown}")
        } else {
            format!("The first {shown} of {}", changes.len())
        }
    )?;
    let id = |row: usize| printable(leads_a.ids.get(row).map_or("", String::as_str));
    let id_width = changes
        .iter()
        .take(shown)
        .map(|c| id(c.row).chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    writeln!(
        out,
        "  {:<id_width$}  {:<18} {:<18} {:>8} {:>8}",
        "id", "from", "to", "score A", "score B"
    )?;
    for change in changes.iter().take(shown) {
        let id = id(change.row);
        let score = |scores: &[crate::scoring::LeadScore]| {
            scores
                .get(change.row)
                .map_or_else(String::new, |s| fmt_number(s.score))
        };
        writeln!(
            out,
            "  {id:<id_width$}  {:<18} {:<18} {:>8} {:>8}",
            change.before.label(),
            change.after.label(),
            score(&scores_a),
            score(&scores_b)
        )?;
    }
    Ok(out)
}
