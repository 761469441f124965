//! A model built from the miner's suggestions without the app: the findings of the chosen
//! columns that [`rule_for`] accepts, added as fit rules (the app's *Add all rules of a column*,
//! for several columns at once), each column's worst value left as its baseline.

use super::{ColumnMining, Finding, MIN_LEADS_FOR_POINTS, MineError, rule_for};
use crate::edit::{EditError, ModelEdit};
use crate::model::Model;

/// Which finding of a column gets no rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Baseline {
    /// The finding with the lowest SQL rate among those [`rule_for`] accepts is the column's
    /// baseline: it gets no rule (0 points) and the column's other values get points above it,
    /// so the fit side's floor of 0 does not flatten the ranking (with a rule for every value
    /// a joint fit centres each column's points on 0, and the sums of about half of the leads
    /// fall below the floor). Not when the findings that cannot be rules ("other", values with
    /// too few leads) have together at least [`MIN_LEADS_FOR_POINTS`] leads and a rate no
    /// higher: they are the baseline already. Not for a column with one rule to add. The rules
    /// keep the points [`rule_for`] suggests (each value against every other lead, as the
    /// miner's table shows them): a joint fit sets them all relative to the baseline.
    #[default]
    Lowest,
    /// Every finding [`rule_for`] accepts becomes a rule.
    None,
}

/// What adding one column's findings did.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnRules {
    /// The column's header.
    pub column: String,
    pub information_value: f64,
    /// The ids of the rules added, in the order of the column's findings.
    pub added: Vec<String>,
    /// The column's baseline, in words: a finding's label (left out), "the values without a
    /// rule", or `None` (each rule's points against every other lead).
    pub baseline: Option<String>,
    /// The findings `rule_for` refused: (label, why).
    pub skipped: Vec<(String, MineError)>,
    /// The field declared for the column, when no model field read it.
    pub declared: Option<String>,
}

/// A column's baseline: the leads that get none of its points.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reference {
    /// No baseline but the findings that cannot be rules.
    Rest,
    /// The finding at this index, left out.
    LeftOut(usize),
    /// The findings that cannot be rules, together: leads and SQLs.
    WithoutRule { leads: usize, sqls: usize },
}

/// The column's baseline, given `accepted` (indexes of the findings `rule_for` accepts).
fn reference_of(findings: &[Finding], accepted: &[usize], baseline: Baseline) -> Reference {
    if baseline == Baseline::None || accepted.len() < 2 {
        return Reference::Rest;
    }
    let Some((lowest, lowest_rate)) = accepted
        .iter()
        .filter_map(|&i| findings.get(i).map(|f| (i, f.rate)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return Reference::Rest;
    };
    let (mut leads, mut sqls) = (0, 0);
    for (i, f) in findings.iter().enumerate() {
        if !accepted.contains(&i) {
            leads += f.leads;
            sqls += f.sqls;
        }
    }
    if leads >= MIN_LEADS_FOR_POINTS && (sqls as f64 / leads as f64) <= lowest_rate {
        Reference::WithoutRule { leads, sqls }
    } else {
        Reference::LeftOut(lowest)
    }
}

/// `model` with, for each mining in `columns`, the findings [`rule_for`] accepts added as fit
/// rules but the one `baseline` leaves out (ids fresh in the model as it grows, so they are
/// unique; a field named after the column declared when no model field reads it, as
/// [`rule_for`] says). Refused for a signed model.
pub fn model_with_mined_rules(
    model: &Model,
    columns: &[&ColumnMining],
    baseline: Baseline,
) -> Result<(Model, Vec<ColumnRules>), EditError> {
    let mut out = model.clone();
    let mut report = Vec::new();
    for mining in columns {
        let accepted: Vec<usize> = (0..mining.findings.len())
            .filter(|&i| {
                mining
                    .findings
                    .get(i)
                    .is_some_and(|f| rule_for(&out, mining, f).is_ok())
            })
            .collect();
        let reference = reference_of(&mining.findings, &accepted, baseline);
        let left_out = match reference {
            Reference::LeftOut(i) => Some(i),
            _ => None,
        };
        let mut column = ColumnRules {
            column: mining.column.clone(),
            information_value: mining.information_value,
            added: Vec::new(),
            baseline: None,
            skipped: Vec::new(),
            declared: None,
        };
        for (i, finding) in mining.findings.iter().enumerate() {
            if left_out == Some(i) {
                column.baseline = Some(finding.label.clone());
                continue;
            }
            if matches!(reference, Reference::WithoutRule { .. }) {
                column.baseline = Some("the values without a rule".to_owned());
            }
            match rule_for(&out, mining, finding) {
                Ok(mined) => {
                    let id = mined.rule.id.clone();
                    let fields: Vec<_> = mined
                        .new_field
                        .into_iter()
                        .filter(|f| out.field_spec(&f.name).is_none())
                        .collect();
                    if let Some(field) = fields.first() {
                        column.declared = Some(field.name.clone());
                    }
                    out.apply(ModelEdit::AddMinedRules {
                        rules: vec![mined.rule],
                        fields,
                    })?;
                    column.added.push(id);
                }
                Err(why) => column.skipped.push((finding.label.clone(), why)),
            }
        }
        report.push(column);
    }
    Ok((out, report))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::calibration::miner::Bucket;

    fn finding(label: &str, leads: usize, sqls: usize) -> Finding {
        Finding {
            bucket: Bucket::Value(label.to_owned()),
            label: label.to_owned(),
            leads,
            sqls,
            rate: sqls as f64 / leads as f64,
            interval: (0.0, 1.0),
            lift: None,
            suggested_points: Some(0.0),
            withheld: None,
        }
    }

    #[test]
    fn the_lowest_rate_is_the_baseline_unless_the_values_without_a_rule_are_lower() {
        let findings = [
            finding("a", 100, 50),
            finding("b", 100, 20),
            finding("c", 100, 30),
            finding("few", 20, 0),
        ];
        // "few" has 20 leads: too few to be the baseline on its own.
        assert_eq!(
            reference_of(&findings, &[0, 1, 2], Baseline::Lowest),
            Reference::LeftOut(1)
        );
        assert_eq!(
            reference_of(&findings, &[0, 1, 2], Baseline::None),
            Reference::Rest
        );
        // With 40 leads at 5 %, the values without a rule are the baseline.
        let findings = [
            finding("a", 100, 50),
            finding("b", 100, 20),
            finding("few", 20, 1),
            finding("other", 20, 1),
        ];
        assert_eq!(
            reference_of(&findings, &[0, 1], Baseline::Lowest),
            Reference::WithoutRule { leads: 40, sqls: 2 }
        );
        // One rule to add: its points stay against the rest.
        assert_eq!(
            reference_of(&findings, &[0], Baseline::Lowest),
            Reference::Rest
        );
    }
}
