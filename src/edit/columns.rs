//! A column of a leads file mapped to what the model reads: a field (the header becomes one of
//! the field's aliases, so the next file with that header needs no mapping), an activity's
//! count column, or nothing. Kept in the model, so it is saved, undone and signed with it.

use crate::leads::normalize_name;
use crate::model::{Criterion, FieldKind, FieldSpec, Model};

/// What a column is mapped to.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnMapping {
    /// A field rules read; `kind` declares the field when the model does not yet.
    Field { field: String, kind: FieldKind },
    /// The count column of an activity (read when there is no event log).
    Count { activity: String },
    /// Nothing: the header is taken out of every alias list and count column.
    Unused,
}

impl Model {
    /// Maps the column `header` as `mapping` says; returns whether the model changed. A header
    /// is mapped to one thing at a time: it leaves the aliases and count columns it was in.
    pub(super) fn map_column(&mut self, header: &str, mapping: ColumnMapping) -> bool {
        let key = normalize_name(header);
        if key.is_empty() {
            return false;
        }
        let before = (self.fields.clone(), self.count_columns());
        for spec in &mut self.fields {
            spec.aliases.retain(|alias| normalize_name(alias) != key);
        }
        self.for_each_count_column(|_, column| {
            if column.as_deref().is_some_and(|c| normalize_name(c) == key) {
                *column = None;
            }
        });
        match mapping {
            ColumnMapping::Field { field, kind } => {
                match self.fields.iter_mut().find(|f| f.name == field) {
                    Some(spec) if normalize_name(&spec.name) == key => {}
                    Some(spec) => spec.aliases.push(header.to_owned()),
                    None => {
                        let aliases = if normalize_name(&field) == key {
                            Vec::new()
                        } else {
                            vec![header.to_owned()]
                        };
                        self.fields.push(FieldSpec {
                            name: field,
                            kind,
                            aliases,
                        });
                    }
                }
            }
            ColumnMapping::Count { activity } => {
                self.for_each_count_column(|rule_activity, column| {
                    if rule_activity == activity {
                        *column = Some(header.to_owned());
                    }
                });
            }
            ColumnMapping::Unused => {}
        }
        before != (self.fields.clone(), self.count_columns())
    }

    /// Every count column, in model order.
    fn count_columns(&self) -> Vec<Option<String>> {
        let engagement = self.engagement.rules.iter().map(|r| r.count_column.clone());
        let overrides = self.overrides.iter().flat_map(|r| {
            r.when.iter().filter_map(|c| match c {
                Criterion::Activity { count_column, .. } => Some(count_column.clone()),
                Criterion::Field { .. } => None,
            })
        });
        engagement.chain(overrides).collect()
    }

    /// Calls `f` with the activity and the count column of every engagement rule and override
    /// criterion that counts an activity.
    fn for_each_count_column(&mut self, mut f: impl FnMut(&str, &mut Option<String>)) {
        for rule in &mut self.engagement.rules {
            f(&rule.activity, &mut rule.count_column);
        }
        for rule in &mut self.overrides {
            for criterion in &mut rule.when {
                if let Criterion::Activity {
                    activity,
                    count_column,
                    ..
                } = criterion
                {
                    f(activity, count_column);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::ModelEdit;

    fn model() -> Model {
        crate::format::model_from_str(include_str!("../../models/default.ron"))
            .unwrap_or_else(|_| Model::new("empty"))
    }

    fn aliases(model: &Model, field: &str) -> Vec<String> {
        model
            .fields
            .iter()
            .find(|f| f.name == field)
            .map(|f| f.aliases.clone())
            .unwrap_or_default()
    }

    #[test]
    fn a_header_becomes_an_alias_of_one_field_at_a_time() {
        let mut model = model();
        let map = |field: &str| ModelEdit::MapColumn {
            header: "Is target account".to_owned(),
            mapping: ColumnMapping::Field {
                field: field.to_owned(),
                kind: FieldKind::Bool,
            },
        };
        assert_eq!(model.apply(map("target_account")), Ok(true));
        assert!(aliases(&model, "target_account").contains(&"Is target account".to_owned()));
        assert_eq!(model.apply(map("target_account")), Ok(false), "already so");
        // Mapped elsewhere, it leaves the first field; a new field is declared.
        assert_eq!(model.apply(map("abm_flag")), Ok(true));
        assert!(!aliases(&model, "target_account").contains(&"Is target account".to_owned()));
        let declared = model.fields.iter().find(|f| f.name == "abm_flag");
        assert_eq!(declared.map(|f| f.kind), Some(FieldKind::Bool));
        let unused = ModelEdit::MapColumn {
            header: "is TARGET account".to_owned(),
            mapping: ColumnMapping::Unused,
        };
        assert_eq!(
            model.apply(unused),
            Ok(true),
            "headers compare by normalize_name"
        );
        assert!(aliases(&model, "abm_flag").is_empty());
    }

    #[test]
    fn a_count_column_goes_to_every_rule_and_override_counting_that_activity() {
        let mut model = model();
        let edit = ModelEdit::MapColumn {
            header: "Demo requested".to_owned(),
            mapping: ColumnMapping::Count {
                activity: "demo_request".to_owned(),
            },
        };
        assert_eq!(model.apply(edit), Ok(true));
        let mut columns = Vec::new();
        model.for_each_count_column(|activity, column| {
            if activity == "demo_request" {
                columns.push(column.clone());
            }
        });
        assert!(!columns.is_empty());
        assert!(
            columns
                .iter()
                .all(|c| c.as_deref() == Some("Demo requested"))
        );
    }
}
