//! What the app remembers between runs: theme, zoom, recent files, the team last edited as, the
//! table's sort, the last workshop's files and the *Export as SQL…* choices. Persisted by eframe;
//! never undone.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::Team;
use crate::sql::Dialect;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    Light,
    Dark,
    System,
}

impl ThemeChoice {
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
            ThemeChoice::System => "Follow system",
        }
    }

    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
            ThemeChoice::System => egui::ThemePreference::System,
        }
    }
}

/// A column of the leads table to sort by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortColumn {
    Id,
    Name,
    Company,
    Title,
    Industry,
    Employees,
    Fit,
    Engagement,
    #[default]
    Score,
    Status,
    Grade,
    Outcome,
    Verdict,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: ThemeChoice,
    pub zoom: f32,
    pub recent_files: Vec<PathBuf>,
    pub editing_as: Team,
    pub sort_column: SortColumn,
    pub sort_descending: bool,
    /// Reopened at the next start when no file is named on the command line.
    pub last_workshop: LastWorkshop,
    /// The *Export as SQL…* dialog's choices, also used for the SQL written beside the agreed
    /// model.
    pub sql_export: SqlExportSettings,
}

/// The day the SQL counts windows and decay back from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SqlAsOf {
    /// The day of the latest event, as `mql-studio score` does (the SQL follows the data).
    #[default]
    LatestEvent,
    /// The app's as-of day, written into the SQL as a fixed date.
    AppDay,
}

/// What *File → Export as SQL…* writes: remembered between runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqlExportSettings {
    pub dialect: Dialect,
    pub leads_table: String,
    /// Used when an event log is loaded; without one the SQL reads count columns.
    pub events_table: String,
    pub as_of: SqlAsOf,
    /// Fields are matched to the imported leads file's header, as the import matched them, and
    /// the event table's columns are named as in the imported event file.
    pub file_columns: bool,
    /// *Export agreed model…* also writes `<stem>.<dialect>.sql` beside the model.
    pub beside_agreed: bool,
}

impl Default for SqlExportSettings {
    fn default() -> Self {
        SqlExportSettings {
            dialect: Dialect::default(),
            leads_table: "leads".to_owned(),
            events_table: "events".to_owned(),
            as_of: SqlAsOf::default(),
            file_columns: true,
            beside_agreed: false,
        }
    }
}

/// The files a workshop had open: none of them means the bundled model or sample leads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastWorkshop {
    /// The workshop file, when there was one: it names the rest.
    pub workshop: Option<PathBuf>,
    pub model: Option<PathBuf>,
    /// The leads as last saved with sales' verdicts, else as imported.
    pub leads: Option<PathBuf>,
    pub events: Option<PathBuf>,
    /// Headers renamed when the leads are read (an id or outcome column mapped in the columns
    /// view), so the next import of the same export needs no clicks.
    pub renames: Vec<(String, String)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: ThemeChoice::Light,
            zoom: 1.0,
            recent_files: Vec::new(),
            editing_as: Team::Marketing,
            sort_column: SortColumn::Score,
            sort_descending: true,
            last_workshop: LastWorkshop::default(),
            sql_export: SqlExportSettings::default(),
        }
    }
}

impl Settings {
    pub const KEY: &'static str = "mql-studio-settings";
    const MAX_RECENT: usize = 8;

    /// Puts a file at the top of the recent list.
    pub fn remember(&mut self, path: PathBuf) {
        self.recent_files.retain(|p| *p != path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(Self::MAX_RECENT);
    }
}
