//! `inspect`: what a leads file holds seen through a model, the mapping used, what is missing,
//! and the `--map` flags that would fix it. Exits 1 when an enabled rule can never fire.

use std::path::Path;

use anyhow::Result;

use super::{LeadsArgs, load_leads, load_valid_model, parse_renames, path_text, print_stdout};
use crate::inspect::{Inspection, Role, inspect};
use crate::text::printable;

pub(super) fn inspect_command(model_path: &Path, args: &LeadsArgs) -> Result<i32> {
    let model = load_valid_model(model_path)?;
    let renames = parse_renames(&args.renames)?;
    let (leads, as_of) = load_leads(args, &model)?;
    let report = inspect(&model, &leads, &renames, as_of);
    print_stdout(&inspection_text(&report, &path_text(&args.leads)))?;
    Ok(i32::from(!report.never_fire.is_empty()))
}

/// The report as the CLI prints it.
pub fn inspection_text(report: &Inspection, file: &str) -> String {
    let mut lines = Vec::new();
    let crm = report
        .crm
        .map(|crm| format!("; it looks like a {} export", crm.label()))
        .unwrap_or_default();
    lines.push(format!(
        "{file}: {} leads, {} columns{crm}",
        report.leads,
        report.columns.len()
    ));
    lines.push(String::new());
    lines.push("Columns (header → what the model makes of it; type; values)".to_owned());
    let width = report
        .columns
        .iter()
        .map(|c| c.header.chars().count().min(32))
        .max()
        .unwrap_or(0);
    for column in &report.columns {
        let role = match &column.role {
            Role::Id => "lead id".to_owned(),
            Role::Field { field, matched } => format!("field `{field}` ({})", matched.label()),
            Role::CountColumn { activity } => format!("count of `{activity}`"),
            Role::Outcome => "outcome / verdict (calibration only)".to_owned(),
            Role::Suggested(target) => format!("not used; could be `{}`", target.map_name()),
            Role::Unused => "not used".to_owned(),
        };
        let missing = if column.values.missing > 0 {
            format!(", {} missing", column.values.missing)
        } else {
            String::new()
        };
        lines.push(format!(
            "  {:<width$}  → {role}; {}, {} distinct{missing}: {}",
            printable(&column.header),
            column.kind.label(),
            column.values.distinct,
            printable(&column.values.text),
        ));
        for (values, what) in [
            (
                &column.missing_values,
                "read as missing (on the model's missing_values)",
            ),
            (
                &column.placeholders,
                "look like \"unknown\" but are not on missing_values",
            ),
        ] {
            if !values.is_empty() {
                lines.push(format!(
                    "  {:<width$}    {what}: {}",
                    "",
                    counted_values(values)
                ));
            }
        }
    }
    if !report.suggested_missing_values.is_empty() {
        lines.push(String::new());
        lines.push(
            "Placeholders in the columns the model reads that it does not treat as missing (add them to the model's missing_values)".to_owned(),
        );
        lines.push(format!(
            "  {}",
            counted_values(&report.suggested_missing_values)
        ));
    }
    if !report.missing_fields.is_empty() || !report.missing_activities.is_empty() {
        lines.push(String::new());
        lines.push("What the model reads that the file lacks".to_owned());
        for field in &report.missing_fields {
            lines.push(format!("  field `{field}`: no column"));
        }
        for activity in &report.missing_activities {
            lines.push(format!(
                "  activity `{activity}`: no event log and no count column"
            ));
        }
    }
    if !report.has_outcomes {
        lines.push(String::new());
        lines.push("No outcome column was read: calibration needs one.".to_owned());
    }
    if !report.suggestions.is_empty() {
        lines.push(String::new());
        lines.push("Suggested mapping (check it, then add the flags or the aliases)".to_owned());
        for s in &report.suggestions {
            lines.push(format!(
                "  {} → {}: {}",
                printable(&s.header),
                s.target.map_name(),
                s.why
            ));
        }
        let flags: Vec<String> = report.suggestions.iter().map(|s| s.map_flag()).collect();
        lines.push(format!("  {}", printable(&flags.join(" "))));
    }
    lines.push(String::new());
    if report.never_fire.is_empty() {
        lines.push("Every enabled rule fires for at least one lead.".to_owned());
    } else {
        lines.push(format!(
            "Rules that never fire on these leads ({}):",
            report.never_fire.len()
        ));
        for problem in &report.never_fire {
            lines.push(format!(
                "  {} ({}): {}",
                problem.rule_id.as_deref().unwrap_or("?"),
                problem.path,
                printable(&problem.message)
            ));
        }
    }
    lines.join("\n") + "\n"
}

/// `"Select" 120, "N/A" 3`, the values escaped.
fn counted_values(values: &[(String, usize)]) -> String {
    values
        .iter()
        .map(|(value, count)| format!("\"{}\" {count}", printable(value)))
        .collect::<Vec<_>>()
        .join(", ")
}
