//! *File → Export as SQL…*: the model compiled to one SQL query (`crate::sql`, docs/sql.md) with
//! the dialog's choices, written atomically; and the SQL written beside the agreed model when
//! *Export agreed model…* is asked to.

use std::path::{Path, PathBuf};

use super::settings::SqlAsOf;
use super::state::{Dialog, StudioApp};
use crate::leads::{
    LeadSet, event_log_columns, is_outcome_or_verdict_header, normalize_name, sniff_header,
};
use crate::model::Model;
use crate::sql::{AsOf, EventColumns, SqlOptions, compile};

impl StudioApp {
    /// Opens the dialog, for a model without errors.
    pub(super) fn open_sql_export(&mut self) {
        self.commit_pending();
        if self.check_compilable() {
            self.dialog = Some(Dialog::ExportSql);
        }
    }

    /// A model with errors is not compiled: says so once.
    pub(super) fn check_compilable(&mut self) -> bool {
        let problems = crate::validate::validate(&self.document.model);
        let Some((count, first)) = crate::validate::error_summary(&problems) else {
            return true;
        };
        self.notify_error(format!(
            "the model has {count} error(s) and cannot be exported as SQL; first: {first}"
        ));
        false
    }

    /// Beside the model (or the leads): `<model>.<dialect>.sql`.
    pub(super) fn suggested_sql_path(&self) -> PathBuf {
        let stem = super::files::file_stem(&self.document.model.name);
        let name = format!("{stem}.{}.sql", self.settings.sql_export.dialect.code());
        self.model_path
            .as_ref()
            .or(self.leads_path.as_ref())
            .and_then(|p| p.parent())
            .map_or_else(|| PathBuf::from(&name), |dir| dir.join(&name))
    }

    /// The compiler's options from the dialog's choices and what the app has loaded: the event
    /// table only with an event log; when asked for, the leads file's header and the event file's
    /// column names (for each that came from a file).
    pub(super) fn sql_options(&self) -> Result<SqlOptions, String> {
        let choices = &self.settings.sql_export;
        let mut options = SqlOptions {
            dialect: choices.dialect,
            leads_table: choices.leads_table.trim().to_owned(),
            events_table: self
                .leads
                .events
                .is_some()
                .then(|| choices.events_table.trim().to_owned()),
            as_of: match choices.as_of {
                SqlAsOf::LatestEvent => AsOf::LatestEvent,
                SqlAsOf::AppDay => AsOf::Day(self.as_of),
            },
            ..SqlOptions::default()
        };
        if choices.file_columns
            && let Some(path) = &self.leads_path
        {
            let header = read_header(path).map_err(|error| {
                format!(
                    "could not read the header of the leads file {}: {error} (untick \"Column \
                     names from the loaded files\" to export without it)",
                    path.display()
                )
            })?;
            let columns = FileColumns::of(header, &self.leads_renames, &self.leads);
            options.leads_columns = Some(columns.headers);
            options.column_overrides = columns.overrides;
            options.id_column = columns.id_column;
        }
        if choices.file_columns
            && options.events_table.is_some()
            && let Some(path) = &self.events_path
        {
            options.event_columns = read_event_columns(path).map_err(|error| {
                format!(
                    "could not read the columns of the event file {}: {error} (untick \"Column \
                     names from the loaded files\" to export without them)",
                    path.display()
                )
            })?;
        }
        Ok(options)
    }

    /// Compiles and writes the SQL; a compile error is shown and nothing is written.
    pub(super) fn export_sql(&mut self, path: &Path) {
        self.commit_pending();
        if !self.check_compilable() {
            return;
        }
        let model = self.document.model.clone();
        match self.write_sql(path, &model) {
            Ok(()) => self.notify(format!(
                "wrote the {} SQL to {}",
                self.settings.sql_export.dialect.label(),
                path.display()
            )),
            Err(error) => self.notify_error(format!("could not export as SQL: {error}")),
        }
    }

    /// After the agreed model was written to `agreed`: its SQL beside it,
    /// `<same stem>.<dialect>.sql`.
    pub(super) fn write_sql_beside(&mut self, agreed: &Path, model: &Model) {
        let path = sql_beside(agreed, self.settings.sql_export.dialect.code());
        match self.write_sql(&path, model) {
            Ok(()) => self.notify(format!(
                "wrote its {} SQL beside it to {}",
                self.settings.sql_export.dialect.label(),
                path.display()
            )),
            Err(error) => self.notify_error(format!(
                "the SQL beside the agreed model was not written: {error}"
            )),
        }
    }

    fn write_sql(&self, path: &Path, model: &Model) -> Result<(), String> {
        let options = self.sql_options()?;
        let sql = compile(model, &options).map_err(|error| error.to_string())?;
        crate::format::write_atomically(path, sql.as_bytes()).map_err(|error| error.to_string())
    }
}

/// `<stem of agreed>.<code>.sql` in the agreed model's folder.
pub(super) fn sql_beside(agreed: &Path, code: &str) -> PathBuf {
    let stem = agreed
        .file_stem()
        .map_or_else(|| "model".into(), |s| s.to_string_lossy());
    agreed.with_file_name(format!("{stem}.{code}.sql"))
}

/// The header of a leads (or event) file, trimmed as the reader trims it.
fn read_header(path: &Path) -> Result<Vec<String>, String> {
    let limit = crate::leads::MAX_HEADER_BYTES.max(crate::leads::HEADER_SNIFF_BYTES);
    let mut prefix = super::files::read_prefix(path, limit).map_err(|e| e.to_string())?;
    if prefix.len() < limit {
        // The whole file: a header without a line end is still a header.
        prefix.push(b'\n');
    }
    let header = sniff_header(&prefix).ok_or("its header row cannot be read")?;
    Ok(header.iter().map(|h| h.trim().to_owned()).collect())
}

/// The event table's columns as named in an event file's header: the columns its reader read.
fn read_event_columns(path: &Path) -> Result<EventColumns, String> {
    let header = read_header(path)?;
    let (lead_id, activity, timestamp) = event_log_columns(&header)
        .ok_or("its header has no lead id, activity and timestamp columns")?;
    Ok(EventColumns {
        lead_id,
        activity,
        timestamp,
    })
}

/// The leads file's columns as the SQL must see them to match fields as the import did.
#[derive(Debug, Default, PartialEq)]
struct FileColumns {
    /// The file's header, as written (the database table's columns).
    headers: Vec<String>,
    /// `(field, header)` for each header the import renamed to a field or a count column.
    overrides: Vec<(String, String)>,
    /// The id column's header, when the import found it under a rename.
    id_column: Option<String>,
}

impl FileColumns {
    /// `header` is the file's; `renames` are `(header, name)` as the import applied them; `leads`
    /// tell which renamed column became the id.
    fn of(header: Vec<String>, renames: &[(String, String)], leads: &LeadSet) -> FileColumns {
        let id_name = leads
            .id_column
            .and_then(|i| leads.columns.get(i))
            .map(|c| normalize_name(&c.name));
        let mut columns = FileColumns::default();
        for written in &header {
            let key = normalize_name(written);
            let Some((_, to)) = renames.iter().find(|(from, _)| normalize_name(from) == key) else {
                continue;
            };
            if id_name.as_deref() == Some(normalize_name(to).as_str()) {
                columns.id_column = Some(written.clone());
            } else if !is_outcome_or_verdict_header(to) {
                columns.overrides.push((to.clone(), written.clone()));
            }
        }
        columns.headers = header;
        columns
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::{Column, ColumnData};

    fn text_column(name: &str) -> Column {
        Column {
            name: name.to_owned(),
            data: ColumnData::Text {
                dict: Vec::new(),
                codes: Vec::new(),
            },
        }
    }

    #[test]
    fn the_sql_goes_beside_the_agreed_model_under_its_stem() {
        assert_eq!(
            sql_beside(Path::new("/tmp/x/acme-agreed.ron"), "postgres"),
            PathBuf::from("/tmp/x/acme-agreed.postgres.sql")
        );
    }

    #[test]
    fn renamed_headers_become_overrides_and_the_id_column() {
        let leads = LeadSet {
            columns: vec![text_column("Lead ID"), text_column("title")],
            id_column: Some(0),
            ..LeadSet::default()
        };
        let header = vec![
            "Lead Number".to_owned(),
            "Job Title Custom".to_owned(),
            "Deal Stage".to_owned(),
        ];
        let renames = vec![
            ("Lead Number".to_owned(), "Lead ID".to_owned()),
            ("job title custom".to_owned(), "title".to_owned()),
            ("Deal Stage".to_owned(), "Outcome".to_owned()),
            ("Not In This File".to_owned(), "industry".to_owned()),
        ];
        let columns = FileColumns::of(header.clone(), &renames, &leads);
        assert_eq!(columns.headers, header);
        assert_eq!(columns.id_column.as_deref(), Some("Lead Number"));
        assert_eq!(
            columns.overrides,
            [("title".to_owned(), "Job Title Custom".to_owned())]
        );
    }
}
