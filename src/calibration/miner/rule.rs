//! From a finding to a fit rule ready to add: the field, a condition that holds exactly for
//! the finding's leads, the suggested points, a label in words, a rationale and a fresh id.

use super::{Bucket, ColumnMining, Finding, MineError, Withheld};
use crate::calibration::percent;
use crate::calibration::quality::Rate;
use crate::model::{Condition, FieldKind, FieldSpec, FitRule, Model, fmt_number, fmt_signed};

/// A fit rule made from a finding, and the field to declare for it when no model field reads
/// the column yet.
#[derive(Clone, Debug, PartialEq)]
pub struct MinedRule {
    pub rule: FitRule,
    pub new_field: Option<FieldSpec>,
}

/// The condition that holds exactly for a finding's leads.
fn condition_of(column: &ColumnMining, finding: &Finding) -> Result<Condition, MineError> {
    let finite = |v: f64| {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(MineError::NotFinite {
                label: finding.label.clone(),
            })
        }
    };
    Ok(match &finding.bucket {
        Bucket::Value(value) => Condition::OneOf(vec![value.clone()]),
        Bucket::Flag(true) => Condition::IsTrue,
        Bucket::Flag(false) => Condition::IsFalse,
        Bucket::Missing => Condition::IsMissing,
        Bucket::Other { .. } => return Err(MineError::Other),
        Bucket::Range(range) => match (range.min, range.max) {
            (None, None) => {
                return Err(MineError::WholeRange {
                    column: column.column.clone(),
                });
            }
            (None, Some(max)) => Condition::AtMost(finite(max)?),
            (Some(min), None) => Condition::AtLeast(finite(min)?),
            (Some(min), Some(max)) => Condition::Between {
                min: finite(min)?,
                max: finite(max)?,
            },
        },
    })
}

/// Lower-case letters and digits, other characters as single dashes, at most 40 characters.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The rule in words: `Industry is SaaS`, `Employees 200–999`, `Target Account: yes`.
fn rule_label(column: &str, finding: &Finding) -> String {
    match &finding.bucket {
        Bucket::Value(value) => format!("{column} is {value}"),
        Bucket::Flag(_) => format!("{column}: {}", finding.label),
        Bucket::Missing => format!("{column} is missing"),
        Bucket::Range(_) | Bucket::Other { .. } => format!("{column} {}", finding.label),
    }
}

/// The fit rule that scores one finding of `column`: the field that reads the column (or a new
/// field named after the column, returned to be declared), a condition that holds exactly for the
/// finding's leads, the suggested points, a label in words, a rationale citing the figures and a
/// fresh id. Refused for "other", for a bin that covers every value, and for a finding without
/// suggested points.
pub fn rule_for(
    model: &Model,
    column: &ColumnMining,
    finding: &Finding,
) -> Result<MinedRule, MineError> {
    let condition = condition_of(column, finding)?;
    let points = finding
        .suggested_points
        .ok_or_else(|| MineError::NoPoints {
            label: finding.label.clone(),
            reason: finding.withheld.unwrap_or(Withheld::NoContrast),
        })?;
    // Without a field that reads the column, the rule reads it by its header, declared with
    // the type the column was read as (so declaring it changes nothing in how the leads load).
    // A text column of numbers ("N/A" among them) stays undeclared: declared text, a range on
    // it is warned about; declared a number, its "N/A" cells would be refused.
    let field = column
        .field
        .clone()
        .unwrap_or_else(|| column.column.clone());
    let new_field = match (&column.field, &finding.bucket) {
        (Some(_), _) => None,
        (None, Bucket::Range(_)) if column.kind == FieldKind::Text => None,
        (None, _) => Some(FieldSpec {
            name: column.column.clone(),
            kind: column.kind,
            aliases: Vec::new(),
        }),
    };
    let label = rule_label(&column.column, finding);
    let lift = finding
        .lift
        .map_or_else(String::new, |l| format!(", lift {}", fmt_number(l)));
    let overall = column
        .overall_rate()
        .map_or_else(|| "–".to_owned(), percent);
    let rationale = format!(
        "Rule miner, on {} leads with an outcome: {label} for {} of them; {} of those reached \
         SQL, {} with its 95 % interval, against {overall} of all{lift}. {} points: 10 × log2 \
         of the smoothed odds ratio against the rest.",
        column.leads,
        finding.leads,
        finding.sqls,
        Rate::of(finding.sqls, finding.leads).text(),
        fmt_signed(points),
    );
    let base = format!("fit-{}-{}", slug(&field), slug(&finding.label));
    let rule = FitRule {
        id: model.fresh_id(base.trim_end_matches('-')),
        label,
        field,
        condition,
        points,
        enabled: true,
        proposed_by: None,
        rationale,
    };
    Ok(MinedRule { rule, new_field })
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_ids() {
        assert_eq!(slug("Number of Employees"), "number-of-employees");
        assert_eq!(slug("200–999"), "200-999");
        assert_eq!(slug("  --  "), "");
    }
}
