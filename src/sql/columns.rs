//! Which table column each field, count column and the id are read from, and the type each
//! column has: the model's declaration, or (undeclared) the type the CLI would infer from the
//! column's values, worked out by the query itself (§3.3).

use super::{Dialect, SqlError, SqlOptions};
use crate::leads::normalize_name;
use crate::model::{FieldKind, Model};

/// The id headers, in the order of preference of §3.4.
const ID_KEYS: [&str; 4] = ["leadid", "id", "recordid", "contactid"];

/// A column's type: declared in the model, or decided by the query from its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Declared(FieldKind),
    Inferred,
}

/// A column of the leads table the query reads, with its alias `c<N>` in the query.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LeadColumn {
    pub(super) name: String,
    pub(super) kind: Kind,
}

/// The leads table's columns the query reads, in the order first needed.
#[derive(Debug, Default)]
pub(super) struct Columns {
    pub(super) list: Vec<LeadColumn>,
}

impl Columns {
    /// The alias of a column (added on first use).
    pub(super) fn alias(&mut self, model: &Model, name: &str) -> String {
        let index = match self.list.iter().position(|c| c.name == name) {
            Some(index) => index,
            None => {
                self.list.push(LeadColumn {
                    name: name.to_owned(),
                    kind: declared_kind(model, name),
                });
                self.list.len() - 1
            }
        };
        format!("c{}", index + 1)
    }

    pub(super) fn kind_of_alias(&self, alias: &str) -> Option<Kind> {
        let index: usize = alias.strip_prefix('c')?.parse().ok()?;
        self.list.get(index.checked_sub(1)?).map(|c| c.kind)
    }
}

/// The kind a column gets from the model's declarations: the first `FieldSpec` whose name or an
/// alias normalises like the column's name (§3.3).
fn declared_kind(model: &Model, column: &str) -> Kind {
    let key = normalize_name(column);
    model
        .fields
        .iter()
        .find(|spec| {
            normalize_name(&spec.name) == key
                || spec.aliases.iter().any(|a| normalize_name(a) == key)
        })
        .map_or(Kind::Inferred, |spec| Kind::Declared(spec.kind))
}

/// Finds the table columns for fields, count columns and the id.
pub(super) struct Resolver<'a> {
    model: &'a Model,
    options: &'a SqlOptions,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(model: &'a Model, options: &'a SqlOptions) -> Self {
        Resolver { model, options }
    }

    fn overridden(&self, name: &str) -> Option<String> {
        self.options
            .column_overrides
            .iter()
            .find(|(field, _)| field == name || normalize_name(field) == normalize_name(name))
            .map(|(_, column)| column.clone())
    }

    /// The first header whose normalised name is one of `keys` (tried in order).
    fn header_for(&self, keys: &[String]) -> Option<Option<String>> {
        let headers = self.options.leads_columns.as_ref()?;
        Some(keys.iter().find_map(|key| {
            headers
                .iter()
                .find(|h| normalize_name(h) == *key)
                .map(|h| h.trim().to_owned())
        }))
    }

    /// The column of a field (§3.2: its name, then its aliases), or `None` when the table has
    /// no such column (every lead then misses the field).
    pub(super) fn field(&self, field: &str) -> Option<String> {
        if let Some(column) = self.overridden(field) {
            return Some(column);
        }
        let mut keys = vec![normalize_name(field)];
        if let Some(spec) = self.model.fields.iter().find(|s| s.name == field) {
            keys.extend(spec.aliases.iter().map(|a| normalize_name(a)));
        }
        self.header_for(&keys)
            .unwrap_or_else(|| Some(field.trim().to_owned()))
    }

    /// The count column of an activity (§3.2: by name, without aliases).
    pub(super) fn count_column(&self, name: &str) -> Option<String> {
        if let Some(column) = self.overridden(name) {
            return Some(column);
        }
        self.header_for(&[normalize_name(name)])
            .unwrap_or_else(|| Some(name.trim().to_owned()))
    }

    /// The id column (§3.4).
    pub(super) fn id(&self) -> Result<String, SqlError> {
        if let Some(column) = &self.options.id_column {
            return Ok(column.clone());
        }
        let keys: Vec<String> = ID_KEYS.iter().map(|k| (*k).to_owned()).collect();
        match self.header_for(&keys) {
            Some(Some(column)) => Ok(column),
            Some(None) => Err(SqlError::Option(
                "the leads table's columns include no lead id (Lead ID, Id, Record ID or \
                 Contact ID): name it with --id-column"
                    .to_owned(),
            )),
            None => Ok("lead_id".to_owned()),
        }
    }
}

/// Refuses an id column the model declares with another kind than text: the CLI would show
/// such ids converted (a `Number` id `007` as `7`), which the query does not do.
pub(super) fn check_id_kind(
    model: &Model,
    dialect: Dialect,
    id_column: &str,
) -> Result<(), SqlError> {
    match declared_kind(model, id_column) {
        Kind::Declared(kind) if kind != FieldKind::Text => Err(SqlError::Option(format!(
            "{}: the id column `{id_column}` is declared {}: the query keeps ids as written; \
             declare it Text (or remove the declaration)",
            dialect.label(),
            kind.label()
        ))),
        _ => Ok(()),
    }
}
