//! A model built from the miner's suggestions without the app: every finding of the chosen
//! columns that [`rule_for`] accepts, added as a fit rule (the app's *Add all rules of a column*,
//! for several columns at once).

use super::{ColumnMining, MineError, rule_for};
use crate::edit::{EditError, ModelEdit};
use crate::model::Model;

/// What adding one column's findings did.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnRules {
    /// The column's header.
    pub column: String,
    pub information_value: f64,
    /// The ids of the rules added, in the order of the column's findings.
    pub added: Vec<String>,
    /// The findings `rule_for` refused: (label, why).
    pub skipped: Vec<(String, MineError)>,
    /// The field declared for the column, when no model field read it.
    pub declared: Option<String>,
}

/// `model` with, for each mining in `columns`, every finding [`rule_for`] accepts added as a fit
/// rule (ids fresh in the model as it grows, so they are unique; a field named after the column
/// declared when no model field reads it, as [`rule_for`] says). Refused for a signed model.
pub fn model_with_mined_rules(
    model: &Model,
    columns: &[&ColumnMining],
) -> Result<(Model, Vec<ColumnRules>), EditError> {
    let mut out = model.clone();
    let mut report = Vec::new();
    for mining in columns {
        let mut column = ColumnRules {
            column: mining.column.clone(),
            information_value: mining.information_value,
            added: Vec::new(),
            skipped: Vec::new(),
            declared: None,
        };
        for finding in &mining.findings {
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
