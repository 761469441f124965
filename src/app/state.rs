//! The app's state and the actions that change it. A leaf of the app: the panels, the file
//! handling and the shell all use these types; this module uses none of them.
//!
//! Panels read the state through `&StudioApp` and push [`Action`]s; `StudioApp::apply`
//! (`apply.rs`) is the one place that changes it, after the panels are drawn.

use std::path::PathBuf;
use std::sync::Arc;

pub use super::calibration_jobs::CalibrationResults;
use super::derived::Derived;
use super::document::{ChangeRecord, Document, DocumentEdit, History, SavedState};
use super::files::{DialogMode, PendingDialog, Purpose};
use super::settings::{Settings, SortColumn, SqlExportSettings, ThemeChoice};
use super::table_rows::TableRows;
use crate::edit::ModelEdit;
use crate::leads::{EventLog, LeadSet, LeadsError, LoadReport, Progress, Verdicts};
use crate::model::{Model, Team};
use crate::scoring::LeadScore;

/// Something that changes the app's state: asked for by a panel, a shortcut, a dropped file or a
/// finished background job, and applied in order by `StudioApp::apply`.
#[must_use = "an action does nothing until it is pushed to the app's queue"]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A change to the document: undoable, one undo step per gesture.
    Edit(DocumentEdit),
    /// Files, history, dialogs, quitting: side effects.
    Command(Command),
    /// Selection, filters, tabs and settings: remembered or not, never undone.
    View(ViewAction),
}

impl From<DocumentEdit> for Action {
    fn from(edit: DocumentEdit) -> Action {
        Action::Edit(edit)
    }
}

impl From<ModelEdit> for Action {
    fn from(edit: ModelEdit) -> Action {
        Action::Edit(DocumentEdit::Model(Box::new(edit)))
    }
}

impl From<Command> for Action {
    fn from(command: Command) -> Action {
        Action::Command(command)
    }
}

impl From<ViewAction> for Action {
    fn from(change: ViewAction) -> Action {
        Action::View(change)
    }
}

/// Something the user asked for that touches files, history or dialogs.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    New,
    /// Ask for a model file to open.
    Open,
    OpenPath(PathBuf),
    Save,
    /// Save what is unsaved: the model (to its file, or asking where), then sales' verdicts
    /// (always asking where: never over the imported leads file without the user's say), then
    /// run `then`. A cancelled dialog or a failed save stops there, and `then` does not run.
    SaveAll {
        then: Option<Box<Command>>,
    },
    SaveAs,
    SaveToPath(PathBuf),
    /// Save the workshop file under a name to choose.
    SaveWorkshopAs,
    SaveWorkshopPath(PathBuf),
    ImportLeads,
    ImportLeadsPath(PathBuf),
    ImportLeadsSkippingBadRows(PathBuf),
    ImportEvents,
    ImportEventsPath(PathBuf),
    ImportEventsSkippingBadRows(PathBuf),
    /// A file dropped on the window: a model, leads or an event log, by its name and header.
    OpenDropped(PathBuf),
    CancelImport,
    ExportAgreed,
    ExportAgreedPath(PathBuf),
    /// The one-page summary for sales reps (HTML), with the counts on the current leads.
    ExportSummary,
    ExportSummaryPath(PathBuf),
    /// Today's MQLs with score, grade and top reasons (CSV), for the CRM.
    ExportMqlList,
    ExportMqlListPath(PathBuf),
    /// Open the *Export as SQL…* dialog (dialect, tables, as-of day).
    OpenSqlExport,
    /// Ask where to write the SQL the dialog's choices give, then write it there.
    ExportSql,
    ExportSqlPath(PathBuf),
    /// Ask where to write the leads with sales' verdicts (a new file beside the imported one by
    /// default), then write them there.
    SaveLeads,
    SaveLeadsPath(PathBuf),
    /// A path typed in the path dialog: for a save over an existing file, ask first.
    TypedPath(Purpose, PathBuf),
    /// Open a second model to compare with.
    OpenCompare,
    OpenComparePath(PathBuf),
    CloseCompare,
    Undo,
    Redo,
    RestoreAutosave,
    DiscardAutosave,
    /// Read the leads file again with these headers renamed (an id or outcome column under
    /// another name), kept for later reads of this workshop's leads.
    ReadLeadsWith(Vec<(String, String)>),
    /// Remove what interrupted saves left behind (temporary files of ours, older than a few
    /// minutes) in the directories the app knows: run once at start, on a thread.
    RemoveStaleTemporaryFiles(Vec<PathBuf>),
    Quit,
    /// Run the inner command without asking about unsaved changes (the user said discard).
    Discarding(Box<Command>),
}

impl Command {
    /// The command to run with a path chosen for `purpose`.
    pub fn with_path(purpose: Purpose, path: PathBuf) -> Command {
        match purpose {
            Purpose::OpenModel => Command::OpenPath(path),
            Purpose::SaveModelAs => Command::SaveToPath(path),
            Purpose::ImportLeads => Command::ImportLeadsPath(path),
            Purpose::ImportEvents => Command::ImportEventsPath(path),
            Purpose::ExportAgreed => Command::ExportAgreedPath(path),
            Purpose::CompareModel => Command::OpenComparePath(path),
            Purpose::SaveLeads => Command::SaveLeadsPath(path),
            Purpose::ExportSummary => Command::ExportSummaryPath(path),
            Purpose::ExportMqlList => Command::ExportMqlListPath(path),
            Purpose::SaveWorkshop => Command::SaveWorkshopPath(path),
            Purpose::ExportSql => Command::ExportSqlPath(path),
        }
    }
}

/// A change to what is shown and how: never part of the document, never undone.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewAction {
    SelectLead(usize),
    Search(String),
    /// Show or hide the leads of one status, by [`crate::scoring::Status::index`].
    ShowStatus(usize, bool),
    /// Sort the table by a column; the same column again flips the direction.
    SortBy(SortColumn),
    EditorTab(EditorTab),
    Central(CentralView),
    /// Panels shown, presenting mode, the full-screen lead view.
    Layout(Layout),
    /// Show only the leads of one histogram bar (bin, scale), or all again.
    ScoreBin(Option<(usize, f64)>),
    /// The column the rule miner shows.
    MinerColumn(String),
    /// The values typed in "Test a record".
    TestRecord(crate::record::Record),
    NoteForm(NoteForm),
    ShowHistory(bool),
    SignForm(SignForm),
    CalibrationInputs(CalibrationInputs),
    /// Where the score histogram was drawn (tests drag the threshold there).
    HistogramDrawn(egui::Rect),
    Theme(ThemeChoice),
    EditAs(Team),
    Zoom(ZoomStep),
    DismissNotice,
    /// The text typed into the path dialog.
    PathText(String),
    /// The *Export as SQL…* dialog's choices (remembered between runs as they are made).
    SqlExport(SqlExportSettings),
    /// The dialog was answered: close it (what it chose is pushed after this).
    CloseDialog,
    /// The dialog was cancelled: close it, and drop what was waiting on it (the rest of a Save
    /// from the unsaved-changes dialog).
    CancelDialog,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoomStep {
    In,
    Out,
    Reset,
}

/// A message shown once in the status area.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
}

/// A modal question or form.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    /// Unsaved changes: save, discard or cancel before running `then`.
    ConfirmDiscard { then: Box<Command> },
    /// No native file dialog: type a path instead.
    PathEntry { purpose: Purpose, text: String },
    /// A leads or events import failed; offer to skip the bad rows.
    ImportFailed {
        path: PathBuf,
        events: bool,
        message: String,
    },
    /// Work from a session that did not close cleanly.
    RestoreAutosave { saved_at: String },
    /// A typed path names a file that exists: replace it?
    ConfirmReplace {
        purpose: Purpose,
        path: PathBuf,
        /// What the file is, when that matters ("the leads file you imported").
        note: Option<String>,
    },
    /// *Export as SQL…*: the dialect, the tables and the as-of day (the choices are in
    /// [`Settings::sql_export`]).
    ExportSql,
}

pub use super::import_checks::ImportCheck;

/// What the central area shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CentralView {
    #[default]
    Preview,
    Agreement,
    Calibration,
    Compare,
    /// A hypothetical lead typed by hand, scored live.
    TestRecord,
    /// What the leads file holds: each column's field, what the model misses, the mapping.
    Columns,
    /// The workshop's notes: decisions, open questions, the parking lot.
    Notes,
    /// The rule miner: conversion by value or bin of every column, *Add as rule*.
    FindRules,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EditorTab {
    #[default]
    Fit,
    Engagement,
    Overrides,
    Scoring,
    SignOff,
}

/// The signing form's fields, one set per team, so one team's signer is never offered to the
/// other (not part of the document).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SignForm {
    pub marketing: SignerFields,
    pub sales: SignerFields,
}

/// Who signs for a team, and their comment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SignerFields {
    pub person: String,
    pub comment: String,
}

impl SignForm {
    pub fn of(&self, team: crate::model::Team) -> &SignerFields {
        match team {
            crate::model::Team::Marketing => &self.marketing,
            crate::model::Team::Sales => &self.sales,
        }
    }

    pub fn of_mut(&mut self, team: crate::model::Team) -> &mut SignerFields {
        match team {
            crate::model::Team::Marketing => &mut self.marketing,
            crate::model::Team::Sales => &mut self.sales,
        }
    }
}

/// The calibration view's targets.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationInputs {
    /// The target MQL → SQL rate in percent; `None`: the default for the leads at hand
    /// (`calibration::default_target_rate`: 1.5 × the base rate, 20 % to 95 %).
    pub target_rate_percent: Option<f64>,
    pub capacity_per_month: f64,
    pub period_days: f64,
    /// The share of leads with an outcome held out to check the model, in percent (0: none).
    pub holdout_percent: f64,
    pub seed: u64,
    /// The *Fit all points* preview is open.
    pub fit_preview_open: bool,
}

impl Default for CalibrationInputs {
    fn default() -> Self {
        CalibrationInputs {
            target_rate_percent: None,
            capacity_per_month: 20.0,
            period_days: 90.0,
            holdout_percent: 0.0,
            seed: 42,
            fit_preview_open: false,
        }
    }
}

impl CalibrationInputs {
    /// The holdout the inputs ask for; `None` at 0 %.
    pub fn holdout(&self) -> Option<crate::calibration::quality::Holdout> {
        (self.holdout_percent > 0.0 && self.holdout_percent < 100.0).then(|| {
            crate::calibration::quality::Holdout {
                share: self.holdout_percent / 100.0,
                seed: self.seed,
            }
        })
    }
}

/// Selection, filters and panel choices: persisted or not, but never undone.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewState {
    pub selected_lead: Option<usize>,
    pub search: String,
    /// Shown statuses, by [`crate::scoring::Status::index`].
    pub show_status: [bool; 5],
    pub editor_tab: EditorTab,
    pub show_history: bool,
    /// Where the score histogram was drawn last frame (tests drag the threshold there).
    pub histogram_rect: Option<egui::Rect>,
    /// The first lead was selected automatically once.
    pub auto_selected: bool,
    pub sign_form: SignForm,
    pub central: CentralView,
    pub calibration_inputs: CalibrationInputs,
    pub layout: Layout,
    /// The histogram bar whose leads the table shows (bin, scale), if one was clicked.
    pub score_bin: Option<(usize, f64)>,
    /// The column the rule miner shows (by header).
    pub miner_column: Option<String>,
    /// The lead typed in "Test a record" (never added to the leads).
    pub test_record: crate::record::Record,
    /// The note being written in the notes view.
    pub note_form: NoteForm,
}

/// A note being written: what kind, about what, and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct NoteForm {
    pub kind: crate::workshop::NoteKind,
    /// A rule or override id; `None` for the model as a whole.
    pub rule: Option<String>,
    pub text: String,
}

impl Default for NoteForm {
    fn default() -> Self {
        NoteForm {
            kind: crate::workshop::NoteKind::Decision,
            rule: None,
            text: String::new(),
        }
    }
}

/// Which panels show, and presenting mode (large type, a banner with the live counts, side
/// panels collapsed until asked for). Layout, never undone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub presenting: bool,
    /// The selected lead's breakdown fills the central area.
    pub lead_view: bool,
    /// Outside presenting mode: panels the user hid.
    pub hide_editor: bool,
    pub hide_breakdown: bool,
    /// In presenting mode: panels the facilitator opened.
    pub presenting_editor: bool,
    pub presenting_breakdown: bool,
}

impl Layout {
    pub fn editor_shown(self) -> bool {
        if self.presenting {
            self.presenting_editor
        } else {
            !self.hide_editor
        }
    }

    pub fn breakdown_shown(self) -> bool {
        !self.lead_view
            && if self.presenting {
                self.presenting_breakdown
            } else {
                !self.hide_breakdown
            }
    }

    #[must_use]
    pub fn with_editor(mut self, shown: bool) -> Layout {
        if self.presenting {
            self.presenting_editor = shown;
        } else {
            self.hide_editor = !shown;
        }
        self
    }

    #[must_use]
    pub fn with_breakdown(mut self, shown: bool) -> Layout {
        if self.presenting {
            self.presenting_breakdown = shown;
        } else {
            self.hide_breakdown = !shown;
        }
        self
    }

    #[must_use]
    pub fn with_presenting(self, presenting: bool) -> Layout {
        Layout {
            presenting,
            lead_view: false,
            ..self
        }
    }

    #[must_use]
    pub fn with_lead_view(self, lead_view: bool) -> Layout {
        Layout { lead_view, ..self }
    }
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            selected_lead: None,
            search: String::new(),
            show_status: [true; 5],
            editor_tab: EditorTab::Fit,
            show_history: false,
            histogram_rect: None,
            auto_selected: false,
            sign_form: SignForm::default(),
            central: CentralView::Preview,
            calibration_inputs: CalibrationInputs::default(),
            layout: Layout::default(),
            test_record: crate::record::Record::default(),
            note_form: NoteForm::default(),
            score_bin: None,
            miner_column: None,
        }
    }
}

/// A second model to compare with, and its scores on the same leads.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareState {
    pub model: Model,
    pub label: String,
    pub scores: Vec<LeadScore>,
    /// The lead set the scores are for.
    pub leads_version: u64,
}

/// What a background import sends back.
pub enum ImportOutcome {
    Leads(Result<(LeadSet, LoadReport), LeadsError>),
    Events(Result<(Option<EventLog>, LoadReport), LeadsError>),
}

/// An import running on a thread.
pub struct ImportJob {
    pub path: PathBuf,
    pub events: bool,
    pub bytes: u64,
    pub started: std::time::Instant,
    pub receiver: std::sync::mpsc::Receiver<ImportOutcome>,
    /// Bytes read so far; cancelling it stops the loader at its next block.
    pub progress: Arc<Progress>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameStats {
    pub last_ms: f64,
    pub worst_ms: f64,
    pub frames: u64,
    /// Whole-frame CPU time (UI, tessellation and painting) as eframe reports it.
    pub worst_cpu_ms: f64,
    pub total_cpu_ms: f64,
    pub cpu_frames: u64,
}

/// The app's whole state.
pub struct StudioApp {
    pub document: Document,
    pub history: History,
    /// The session's change history, oldest first.
    pub changes: Vec<ChangeRecord>,
    /// The model as last saved or opened, and the verdicts as in the leads file.
    pub saved: SavedState,
    pub model_path: Option<PathBuf>,
    /// Shared with the background rescoring thread; replaced, never edited in place.
    pub leads: Arc<LeadSet>,
    /// Sales' verdicts as in the leads file (as imported or last saved).
    pub leads_file_verdicts: Arc<Verdicts>,
    /// The leads file the user gave, when the leads came from one. Never written without the
    /// user choosing it (and confirming, when typed).
    pub leads_path: Option<PathBuf>,
    /// Where sales' verdicts were last saved (suggested for the next save).
    pub verdicts_path: Option<PathBuf>,
    /// The event log file imported for the current leads, if any.
    pub events_path: Option<PathBuf>,
    pub leads_label: String,
    pub as_of: i32,
    /// Bumped whenever the leads are replaced or get an event log.
    pub leads_version: u64,
    /// Scores, counts, histogram and validation of the current document (derived).
    pub derived: Derived,
    /// The table's rows after filter and sort (derived).
    pub table: TableRows,
    /// Funnel, sweep and lift, computed while the calibration view is shown (derived).
    pub calibration: CalibrationResults,
    /// The columns view's report: the leads seen through the model (derived).
    pub import_check: Option<ImportCheck>,
    /// The columns view's thread, for large lead sets.
    pub import_checks: super::import_checks::ImportChecks,
    /// The rule miner's report (derived; computed while its view is shown).
    pub miner: Option<super::miner_jobs::MinerReport>,
    pub miner_jobs: super::miner_jobs::MinerJobs,
    /// Headers renamed when the leads file is read (an id or outcome column the reader did not
    /// find by itself), chosen in the columns view.
    pub leads_renames: Vec<(String, String)>,
    /// The workshop file *Save* writes, once there is one.
    pub workshop_path: Option<PathBuf>,
    /// A workshop's verdicts on lead ids the leads open do not have: kept for the next save.
    pub orphan_verdicts: Vec<crate::workshop::LeadVerdict>,
    /// A workshop's verdicts, waiting for its leads file to be read.
    pub(super) pending_workshop_verdicts: Option<Vec<crate::workshop::LeadVerdict>>,
    /// SHA-256 of the files a workshop references, by (path, size, modification time).
    pub(super) file_digests: Vec<((PathBuf, u64, std::time::SystemTime), String)>,
    /// Whether egui's weak text has been made readable (WCAG AA) in both themes.
    pub readable_text_installed: bool,
    /// The calibration thread, for large lead sets.
    pub calibration_jobs: super::calibration_jobs::CalibrationJobs,
    /// A second model to compare with.
    pub compare: Option<CompareState>,
    pub view: ViewState,
    pub settings: Settings,
    pub notices: Vec<Notice>,
    pub dialog: Option<Dialog>,
    pub dialogs: DialogMode,
    pub(super) pending_dialog: Option<PendingDialog>,
    /// A large import running in the background.
    pub import_job: Option<ImportJob>,
    /// Imports asked for while another was running; they start when it completes.
    pub(super) after_import: Vec<Command>,
    /// Actions waiting to be applied, in order.
    pub(super) actions: Vec<Action>,
    /// Where unsaved work is written every few seconds; `None` turns autosave off.
    pub autosave_path: Option<PathBuf>,
    pub(super) autosave: super::files::AutosaveState,
    /// When the live document last changed, and its revisions then.
    pub(super) last_edit_time: f64,
    pub(super) last_seen_revisions: Option<(super::document::Revision, super::document::Revision)>,
    /// What to run once the save being asked for (a path dialog) is done: the rest of a
    /// [`Command::SaveAll`]. Dropped when that save is cancelled or fails.
    pub(super) after_save: Option<Command>,
    /// Stale temporary files being removed at start, on a thread.
    pub(super) cleanup: Option<super::files::Cleanup>,
    /// Set once the user chose to close despite unsaved changes.
    pub(super) close_confirmed: bool,
    pub quit_requested: bool,
    /// Longest and latest frame times (ms), for the status bar and for measuring.
    pub frame_stats: FrameStats,
    pub(super) fonts_installed: bool,
    pub(super) window_title: String,
}

impl StudioApp {
    /// The app on a given model and leads, with no files behind them.
    pub fn new(model: Model, leads: LeadSet, leads_label: String) -> StudioApp {
        let leads_file_verdicts = Arc::new(leads.verdicts.clone());
        let document = Document::new(model, leads_file_verdicts.clone());
        let as_of = leads.default_as_of();
        StudioApp {
            history: History::new(&document),
            saved: SavedState::of(&document),
            document,
            changes: Vec::new(),
            model_path: None,
            leads: Arc::new(leads),
            leads_file_verdicts,
            leads_path: None,
            verdicts_path: None,
            events_path: None,
            leads_label,
            as_of,
            leads_version: 0,
            derived: Derived::default(),
            table: TableRows::new(),
            calibration: CalibrationResults::default(),
            import_check: None,
            import_checks: Default::default(),
            miner: None,
            miner_jobs: Default::default(),
            leads_renames: Vec::new(),
            workshop_path: None,
            orphan_verdicts: Vec::new(),
            pending_workshop_verdicts: None,
            file_digests: Vec::new(),
            readable_text_installed: false,
            calibration_jobs: super::calibration_jobs::CalibrationJobs::default(),
            compare: None,
            view: ViewState::default(),
            settings: Settings::default(),
            notices: Vec::new(),
            dialog: None,
            dialogs: DialogMode::PathEntryOnly,
            pending_dialog: None,
            import_job: None,
            after_import: Vec::new(),
            actions: Vec::new(),
            autosave_path: None,
            autosave: super::files::AutosaveState::default(),
            last_edit_time: 0.0,
            last_seen_revisions: None,
            after_save: None,
            cleanup: None,
            close_confirmed: false,
            quit_requested: false,
            frame_stats: FrameStats::default(),
            fonts_installed: false,
            window_title: String::new(),
        }
    }

    pub fn model(&self) -> &Model {
        &self.document.model
    }

    /// Team currently editing.
    pub fn team(&self) -> Team {
        self.settings.editing_as
    }

    /// True when the model or the verdicts differ from what was saved.
    pub fn is_dirty(&self) -> bool {
        !self.saved.model_is_saved(&self.document)
            || !self.saved.verdicts_are_saved(&self.document)
            || !self.saved.notes_are_saved(&self.document)
    }

    /// Queues an action; it is applied after the panels of this frame are drawn.
    pub fn push(&mut self, action: impl Into<Action>) {
        self.actions.push(action.into());
    }

    /// The window title: model name, file and an unsaved marker.
    pub fn title(&self) -> String {
        let file = self
            .model_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or_else(
                || "not saved".to_owned(),
                |f| f.to_string_lossy().into_owned(),
            );
        format!(
            "{}{} ({file}) — mql-studio",
            if self.is_dirty() { "● " } else { "" },
            self.document.model.name
        )
    }
}
