//! The desktop workshop app (eframe/egui): a thin shell over the engine.
//!
//! Each frame: shortcuts and dropped files become [`Command`]s, the panels draw (editing the
//! document in place and pushing more commands), then the commands run once, then pending edits
//! become an undo step when the gesture is over, and derived results catch up.

mod commands;
mod derived;
mod document;
mod files;
mod panels;
mod scoring_worker;
mod settings;
mod widgets;

use std::path::PathBuf;

pub use commands::{BACKGROUND_IMPORT_BYTES, Command, Purpose};
pub use derived::Derived;
pub use document::{ChangeRecord, Document, History};
pub use files::{DialogMode, PendingDialog, write_autosave};
pub use settings::{Settings, SortColumn, ThemeChoice};

use crate::leads::{LeadSet, LoadOptions, read_events_csv, read_leads_csv};
use crate::model::{Model, Team};

/// The bundled default model and sample data, so a newcomer sees a working model at once.
pub const DEFAULT_MODEL: &str = include_str!("../../models/default.ron");
pub const SAMPLE_LEADS: &str = include_str!("../../assets/leads.csv");
pub const SAMPLE_EVENTS: &str = include_str!("../../assets/events.csv");

/// What to open at start; `None` means the bundled defaults.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    pub model: Option<PathBuf>,
    pub leads: Option<PathBuf>,
    pub events: Option<PathBuf>,
}

/// An import running on a thread.
pub struct ImportJob {
    pub path: PathBuf,
    pub events: bool,
    pub bytes: u64,
    pub started: std::time::Instant,
    pub receiver: std::sync::mpsc::Receiver<commands::ImportOutcome>,
    /// Bytes read so far; cancelling it stops the loader at its next block.
    pub progress: std::sync::Arc<crate::leads::Progress>,
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
    /// The table's rows after filter and sort, and what they were computed for.
    pub table_rows: Vec<usize>,
    pub table_key: Option<(u64, String, [bool; 5], SortColumn, bool)>,
    /// The first lead was selected automatically once.
    pub auto_selected: bool,
    pub sign_form: panels::SignForm,
    pub central: CentralView,
    pub calibration_inputs: panels::CalibrationInputs,
}

/// What the central area shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CentralView {
    #[default]
    Preview,
    Agreement,
    Calibration,
    Compare,
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
            table_rows: Vec::new(),
            table_key: None,
            auto_selected: false,
            sign_form: panels::SignForm::default(),
            central: CentralView::Preview,
            calibration_inputs: panels::CalibrationInputs::default(),
        }
    }
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

/// The app's whole state.
pub struct StudioApp {
    pub document: Document,
    pub history: History,
    /// The session's change history, oldest first.
    pub changes: Vec<ChangeRecord>,
    /// The document as last saved or opened: unsaved changes are the difference.
    pub saved: Document,
    pub model_path: Option<PathBuf>,
    /// Shared with the background rescoring thread; replaced, never edited in place.
    pub leads: std::sync::Arc<LeadSet>,
    /// Sales' verdicts as in the leads file (as imported or last saved).
    pub leads_file_verdicts: std::sync::Arc<Vec<Option<crate::leads::Verdict>>>,
    /// The leads file, when the leads came from one (verdicts are saved back there).
    pub leads_path: Option<PathBuf>,
    pub leads_label: String,
    pub as_of: i32,
    pub derived: Derived,
    /// Funnel, sweep and lift, computed when the calibration view is shown.
    pub calibration: panels::CalibrationResults,
    /// A second model to compare with.
    pub compare: Option<panels::CompareState>,
    /// Bumped whenever the leads are replaced or get an event log.
    pub leads_version: u64,
    pub view: ViewState,
    pub settings: Settings,
    pub notices: Vec<Notice>,
    pub dialog: Option<Dialog>,
    pub dialogs: DialogMode,
    pending_dialog: Option<PendingDialog>,
    /// A large import running in the background.
    pub import_job: Option<ImportJob>,
    /// Imports asked for while another was running; they start when it completes.
    after_import: Vec<Command>,
    commands: Vec<Command>,
    /// Where unsaved work is written every few seconds; `None` turns autosave off.
    pub autosave_path: Option<PathBuf>,
    autosaved: Option<Document>,
    autosave_result: Option<std::sync::mpsc::Receiver<std::io::Result<()>>>,
    last_autosave_time: f64,
    /// When the live document last differed from the previous frame.
    last_edit_time: f64,
    previous_frame_document: Option<Document>,
    /// Set once the user chose to close despite unsaved changes.
    close_confirmed: bool,
    pub quit_requested: bool,
    /// Longest and latest frame times (ms), for the status bar and for measuring.
    pub frame_stats: FrameStats,
    fonts_installed: bool,
    window_title: String,
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

impl StudioApp {
    /// The app on the bundled default model and sample leads.
    pub fn with_bundled_data() -> StudioApp {
        let mut notices = Vec::new();
        let model = crate::format::model_from_str(DEFAULT_MODEL).unwrap_or_else(|error| {
            notices.push(Notice {
                text: format!("the bundled default model did not load: {error}"),
                is_error: true,
            });
            Model::new("Untitled model")
        });
        let leads = bundled_leads(&model).unwrap_or_else(|error| {
            notices.push(Notice {
                text: format!("the bundled sample leads did not load: {error}"),
                is_error: true,
            });
            LeadSet::default()
        });
        let mut app = StudioApp::new(model, leads, "bundled sample leads (300)".to_owned());
        app.notices.extend(notices);
        app
    }

    /// The app on a given model and leads, with no files behind them.
    pub fn new(model: Model, leads: LeadSet, leads_label: String) -> StudioApp {
        let leads_file_verdicts = std::sync::Arc::new(leads.verdicts.clone());
        let document = Document {
            model,
            verdicts: leads_file_verdicts.clone(),
        };
        let as_of = leads.default_as_of();
        StudioApp {
            history: History::new(&document),
            saved: document.clone(),
            document,
            changes: Vec::new(),
            model_path: None,
            leads: std::sync::Arc::new(leads),
            leads_file_verdicts,
            leads_path: None,
            leads_label,
            as_of,
            derived: Derived::default(),
            calibration: panels::CalibrationResults::default(),
            compare: None,
            leads_version: 0,
            view: ViewState::default(),
            settings: Settings::default(),
            notices: Vec::new(),
            dialog: None,
            dialogs: DialogMode::PathEntryOnly,
            pending_dialog: None,
            import_job: None,
            after_import: Vec::new(),
            commands: Vec::new(),
            autosave_path: None,
            autosaved: None,
            autosave_result: None,
            last_autosave_time: 0.0,
            last_edit_time: 0.0,
            previous_frame_document: None,
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

    /// True when the document differs from the saved file.
    pub fn is_dirty(&self) -> bool {
        self.document != self.saved
    }

    /// Queues a command; it runs after the panels of this frame are drawn.
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    pub fn notify(&mut self, text: impl Into<String>) {
        self.notices.push(Notice {
            text: text.into(),
            is_error: false,
        });
        self.trim_notices();
    }

    pub fn notify_error(&mut self, text: impl Into<String>) {
        self.notices.push(Notice {
            text: text.into(),
            is_error: true,
        });
        self.trim_notices();
    }

    fn trim_notices(&mut self) {
        if self.notices.len() > 5 {
            let extra = self.notices.len() - 5;
            self.notices.drain(..extra);
        }
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

    /// Brings derived results up to date.
    pub fn refresh_derived(&mut self) -> bool {
        self.derived.update(
            &self.document.model,
            &self.saved.model,
            &self.leads,
            self.as_of,
        )
    }

    /// Draws one frame of the whole app into `ui` (eframe calls this through [`eframe::App`];
    /// tests call it directly through `egui_kittest`).
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let started = std::time::Instant::now();
        let ctx = ui.ctx().clone();
        let now = ctx.input(|i| i.time);
        if !self.fonts_installed {
            // Fonts apply from the next pass: draw nothing until they are in.
            install_fonts(&ctx);
            self.fonts_installed = true;
            ctx.request_repaint();
            return;
        }
        let timing = std::env::var_os("MQL_STUDIO_FRAME_STATS").is_some();
        let mut marks: Vec<(&str, f64)> = Vec::new();
        let mut mark = |name: &'static str| {
            if timing {
                marks.push((name, started.elapsed().as_secs_f64() * 1000.0));
            }
        };
        self.refresh_derived();
        mark("derived");
        if self.view.selected_lead.is_none()
            && !self.view.auto_selected
            && !self.derived.board.scores.is_empty()
        {
            // Start with the best-scoring lead, so the breakdown shows something at once.
            self.view.auto_selected = true;
            self.view.selected_lead = (0..self.derived.board.scores.len()).max_by(|a, b| {
                self.derived.board.scores[*a]
                    .score
                    .total_cmp(&self.derived.board.scores[*b].score)
            });
        }
        self.read_shortcuts(&ctx);
        self.read_dropped_files(&ctx);
        self.poll_file_dialog();
        self.poll_import(&ctx);

        mark("input");
        panels::draw(self, ui);
        mark("panels");
        self.run_commands(&ctx);
        mark("commands");
        self.track_edits(&ctx, now);
        mark("history");
        if self.refresh_derived() || self.derived.is_pending() {
            // Background rescoring: look for its result on the next frame.
            ctx.request_repaint();
        }
        mark("derived again");
        self.autosave_tick(now);
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        if timing && elapsed > 50.0 {
            let parts: Vec<String> = marks
                .iter()
                .scan(0.0, |previous, (name, at)| {
                    let part = format!("{name} {:.1}", at - *previous);
                    *previous = *at;
                    Some(part)
                })
                .collect();
            eprintln!("frame {elapsed:.1} ms: {}", parts.join(", "));
        }
        self.frame_stats.last_ms = elapsed;
        self.frame_stats.frames += 1;
        if self.frame_stats.frames > 2 {
            self.frame_stats.worst_ms = self.frame_stats.worst_ms.max(elapsed);
        }
    }

    fn read_shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let shortcuts = [
            (
                KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z),
                Command::Redo,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::Z),
                Command::Undo,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::Y),
                Command::Redo,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::S),
                Command::SaveAs,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::S),
                Command::Save,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::O),
                Command::Open,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::N),
                Command::New,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::I),
                Command::ImportLeads,
            ),
        ];
        for (shortcut, command) in shortcuts {
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.push(command);
            }
        }
    }

    fn read_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        for path in dropped {
            let extension = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            match extension.as_str() {
                "ron" => self.push(Command::OpenPath(path)),
                "csv" | "tsv" | "txt" => {
                    if files::looks_like_event_log(&path) {
                        self.push(Command::ImportEventsPath(path));
                    } else {
                        self.push(Command::ImportLeadsPath(path));
                    }
                }
                _ => self.notify_error(format!(
                    "{}: drop a model (.ron) or leads or events (.csv)",
                    path.display()
                )),
            }
        }
    }

    /// Commits pending edits as one undo step once the gesture is over (pointer released, or
    /// typing paused), and records them in the change history.
    fn track_edits(&mut self, ctx: &egui::Context, now: f64) {
        // A signed model only changes through its signatures: content edits are refused until
        // "Edit anyway" clears the signatures (whatever widget or shortcut made them).
        let committed = &self.history.committed().model;
        if !committed.sign_offs.is_empty()
            && self.document.model.sign_offs == committed.sign_offs
            && !self.document.model.same_content(committed)
        {
            self.document.model = committed.clone();
            self.notify_error("the model is signed: choose \"Edit anyway\" to change it");
        }
        if self.previous_frame_document.as_ref() != Some(&self.document) {
            self.last_edit_time = now;
            self.previous_frame_document = Some(self.document.clone());
        }
        if !self.history.has_pending(&self.document) {
            return;
        }
        let pointer_down = ctx.input(|i| i.pointer.any_down());
        let typing = ctx.text_edit_focused() && now - self.last_edit_time < 1.5;
        if !pointer_down && !typing {
            self.commit_pending();
        }
    }

    /// Makes pending edits one undo step and one change-history entry.
    pub fn commit_pending(&mut self) {
        if let Some(before) = self.history.commit(&self.document) {
            let diff = crate::diff::diff_models(&before.model, &self.document.model);
            let mut summary = diff.summary();
            if before.verdicts != self.document.verdicts {
                let changed = before
                    .verdicts
                    .iter()
                    .zip(self.document.verdicts.iter())
                    .filter(|(a, b)| a != b)
                    .count();
                let verdicts = format!("{changed} sales verdict(s) changed");
                summary = if diff.is_empty() {
                    verdicts
                } else {
                    format!("{summary}; {verdicts}")
                };
            }
            self.changes.push(ChangeRecord {
                time: clock_time(),
                team: self.settings.editing_as,
                summary,
            });
        }
    }

    fn autosave_tick(&mut self, now: f64) {
        let Some(path) = self.autosave_path.clone() else {
            return;
        };
        if now - self.last_autosave_time < 3.0 {
            return;
        }
        self.last_autosave_time = now;
        if !self.is_dirty() {
            if self.autosaved.is_some() {
                let _ = std::fs::remove_file(&path);
                self.autosaved = None;
            }
            return;
        }
        if let Some(receiver) = &self.autosave_result {
            match receiver.try_recv() {
                Ok(Err(error)) => self.notify_error(format!("autosave failed: {error}")),
                Ok(Ok(())) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {}
                // The previous write is still going: try again next time.
                Err(std::sync::mpsc::TryRecvError::Empty) => return,
            }
            self.autosave_result = None;
        }
        if self.autosaved.as_ref() == Some(&self.document) {
            return;
        }
        // Written on a thread: with a million leads the verdicts alone take a while to write.
        let document = self.document.clone();
        let model_path = self.model_path.clone();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let result = files::write_autosave(
                &path,
                &document.model,
                model_path.as_deref(),
                Some(&document.verdicts),
            );
            let _ = sender.send(result);
        });
        self.autosave_result = Some(receiver);
        self.autosaved = Some(self.document.clone());
    }

    /// Team currently editing.
    pub fn team(&self) -> Team {
        self.settings.editing_as
    }

    /// Recomputes funnel, sweep and lift when the scores changed since the last time.
    pub fn refresh_calibration(&mut self) {
        if self.calibration.funnel.is_some()
            && self.calibration.generation == self.derived.generation
        {
            return;
        }
        if self.derived.board.scores.len() != self.leads.len() {
            // Background rescoring has not delivered yet.
            return;
        }
        let model = &self.document.model;
        let lift = crate::calibration::rule_lift(
            model,
            &self.leads,
            self.derived.evaluation_for(model, &self.leads, self.as_of),
        );
        self.calibration = panels::CalibrationResults {
            generation: self.derived.generation,
            funnel: Some(crate::calibration::funnel(
                &self.leads,
                &self.derived.board.scores,
            )),
            sweep: crate::calibration::threshold_sweep(
                model,
                &self.leads,
                &self.derived.board.scores,
            ),
            lift,
        };
    }

    /// Applies a change asked for in the calibration view.
    pub fn apply_calibration(&mut self, action: panels::CalibrationAction) {
        if !self.document.model.sign_offs.is_empty() {
            self.notify_error(
                "the model is signed: choose \"Edit anyway\" in the model editor first",
            );
            return;
        }
        let model = &mut self.document.model;
        match action {
            panels::CalibrationAction::SetThreshold(threshold) => {
                model.combine.mql_threshold = threshold;
            }
            panels::CalibrationAction::SetPoints(id, points) => {
                if let Some(rule) = model.fit.rules.iter_mut().find(|r| r.id == id) {
                    rule.points = points;
                } else if let Some(rule) = model.engagement.rules.iter_mut().find(|r| r.id == id) {
                    rule.points = points;
                }
            }
        }
        self.commit_pending();
    }

    /// Rescores the second model when the leads changed under it.
    pub fn refresh_compare(&mut self) {
        let Some(compare) = &mut self.compare else {
            return;
        };
        if compare.leads_version == self.leads_version && compare.scores.len() == self.leads.len() {
            return;
        }
        let evaluation = crate::scoring::Evaluation::new(&compare.model, &self.leads, self.as_of);
        compare.scores = crate::scoring::score_all(&compare.model, &evaluation);
        compare.leads_version = self.leads_version;
    }

    /// Applies a choice made in the compare view.
    pub fn apply_compare(&mut self, action: panels::CompareAction) {
        match action {
            panels::CompareAction::OpenSecondModel => self.push(Command::OpenCompare),
            panels::CompareAction::Close => self.compare = None,
            panels::CompareAction::SelectLead(row) => self.view.selected_lead = Some(row),
            panels::CompareAction::TakeRule(kind, id) => {
                if !self.document.model.sign_offs.is_empty() {
                    self.notify_error(
                        "the model is signed: choose \"Edit anyway\" in the model editor first",
                    );
                    return;
                }
                let Some(other) = self.compare.as_ref().map(|c| c.model.clone()) else {
                    return;
                };
                if panels::take_rule(&mut self.document.model, &other, kind, &id) {
                    self.commit_pending();
                    self.notify(format!("took `{id}` from \"{}\"", other.name));
                }
            }
        }
    }

    /// Loads the start files (or falls back to the bundled ones with a notice).
    pub fn open_start_files(&mut self, options: &StartOptions) {
        if let Some(path) = &options.model {
            self.push(Command::OpenPath(path.clone()));
        }
        if let Some(path) = &options.leads {
            self.push(Command::ImportLeadsPath(path.clone()));
        }
        if let Some(path) = &options.events {
            self.push(Command::ImportEventsPath(path.clone()));
        }
    }
}

/// Adds the bundled monospace font as a fallback for arrows and symbols (→, ≥, ▲, ▼).
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.push("Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// The bundled sample leads with their event log.
pub fn bundled_leads(model: &Model) -> Result<LeadSet, crate::leads::LeadsError> {
    let options = LoadOptions {
        fields: model.fields.clone(),
        ..LoadOptions::default()
    };
    let (mut leads, _) = read_leads_csv(SAMPLE_LEADS.as_bytes(), "assets/leads.csv", &options)?;
    read_events_csv(
        SAMPLE_EVENTS.as_bytes(),
        "assets/events.csv",
        &mut leads,
        false,
    )?;
    Ok(leads)
}

/// The local time of day, for the change history.
fn clock_time() -> String {
    jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()
}

impl eframe::App for StudioApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Some(cpu) = frame.info().cpu_usage {
            let ms = f64::from(cpu) * 1000.0;
            let stats = &mut self.frame_stats;
            if ms > 16.0 && std::env::var_os("MQL_STUDIO_FRAME_STATS").is_some() {
                eprintln!(
                    "slow frame {}: whole frame {ms:.1} ms (app ui {:.1} ms)",
                    stats.frames, stats.last_ms
                );
            }
            if stats.frames > 5 {
                stats.worst_cpu_ms = stats.worst_cpu_ms.max(ms);
                stats.total_cpu_ms += ms;
                stats.cpu_frames += 1;
            }
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.close_confirmed && self.is_dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::ConfirmDiscard {
                then: Box::new(Command::Quit),
            });
        }
        self.frame_ui(ui);
        if self.quit_requested {
            self.close_confirmed = true;
            self.quit_requested = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let title = self.title();
        if title != self.window_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.zoom = self.settings.zoom.clamp(0.5, 3.0);
        eframe::set_value(storage, Settings::KEY, &self.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if std::env::var_os("MQL_STUDIO_FRAME_STATS").is_some() {
            let s = &self.frame_stats;
            eprintln!(
                "frames: {}; app ui worst {:.2} ms; whole frame (ui + paint) worst {:.2} ms, mean {:.2} ms over {} frames",
                s.frames,
                s.worst_ms,
                s.worst_cpu_ms,
                s.total_cpu_ms / s.cpu_frames.max(1) as f64,
                s.cpu_frames
            );
        }
        // A clean exit: the autosave is only for crashes.
        if let Some(path) = &self.autosave_path
            && (!self.is_dirty() || self.close_confirmed)
        {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Opens the app window.
pub fn run(options: StartOptions) -> anyhow::Result<()> {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("mql-studio")
        .with_app_id("mql-studio")
        .with_inner_size([1440.0, 900.0])
        .with_min_inner_size([900.0, 600.0])
        .with_drag_and_drop(true);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(icon);
    }
    let native_options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "mql-studio",
        native_options,
        Box::new(move |creation| {
            let mut app = StudioApp::with_bundled_data();
            if let Some(storage) = creation.storage
                && let Some(settings) = eframe::get_value::<Settings>(storage, Settings::KEY)
            {
                app.settings = settings;
            }
            app.dialogs = DialogMode::Native;
            app.autosave_path = eframe::storage_dir("mql-studio").map(|d| d.join("autosave.ron"));
            if let Some(path) = &app.autosave_path
                && let Some(saved_at) = files::autosave_time(path)
            {
                app.dialog = Some(Dialog::RestoreAutosave { saved_at });
            }
            // Anti-aliasing (feathering) doubles what a software renderer must draw; without a
            // GPU it is what pushes frames past 16 ms, so it is off there (and on request).
            let software = creation.gl.as_ref().is_some_and(|gl| {
                use eframe::glow::HasContext as _;
                // SAFETY: reading a string parameter of the current GL context eframe made.
                let renderer = unsafe { gl.get_parameter_string(eframe::glow::RENDERER) };
                let renderer = renderer.to_ascii_lowercase();
                ["llvmpipe", "softpipe", "swiftshader", "software"]
                    .iter()
                    .any(|name| renderer.contains(name))
            });
            let feathering = match std::env::var("MQL_STUDIO_FEATHERING").as_deref() {
                Ok("on") => true,
                Ok("off") => false,
                _ => !software,
            };
            creation
                .egui_ctx
                .tessellation_options_mut(|options| options.feathering = feathering);
            creation.egui_ctx.set_theme(app.settings.theme.preference());
            creation.egui_ctx.set_zoom_factor(app.settings.zoom);
            app.open_start_files(&options);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
