//! The desktop workshop app (eframe/egui): a thin shell over the engine.
//!
//! Each frame: derived results catch up (`refresh.rs`); shortcuts and dropped files become
//! [`Action`]s; the panels draw from `&StudioApp` and push more actions (`panels/`); then
//! [`StudioApp::apply`] applies them in order (`apply.rs`, with file work in `commands.rs` and
//! `imports.rs`); pending edits become one undo step when the gesture is over; the autosave runs.
//! See `ARCHITECTURE.md` for the layers and the rules.

mod apply;
mod calibration_jobs;
mod commands;
mod derived;
mod document;
mod files;
mod handouts;
mod import_checks;
mod imports;
mod latest_worker;
mod miner_jobs;
mod panels;
mod refresh;
mod scoring_worker;
mod settings;
mod sql_export;
mod state;
mod table_keys;
mod table_order;
mod table_rows;
mod widgets;
mod workshop_files;

use std::path::PathBuf;

pub use apply::PRESENTING_TEXT_SCALE;
pub use commands::AUTOSAVE_SECONDS;
pub use derived::Derived;
pub use document::{ChangeRecord, Document, DocumentEdit, History, Revision, SavedState};
pub use files::{
    AutosaveFile, DialogMode, PendingDialog, Purpose, STALE_TEMPORARY_AGE, read_autosave,
    write_autosave,
};
pub use imports::BACKGROUND_IMPORT_BYTES;
pub use settings::{LastWorkshop, Settings, SortColumn, SqlAsOf, SqlExportSettings, ThemeChoice};
pub use state::{
    Action, CalibrationInputs, CentralView, Command, Dialog, EditorTab, FrameStats, Layout, Notice,
    SignForm, StudioApp, ViewAction, ViewState, ZoomStep,
};
pub use table_rows::{BACKGROUND_ROWS_LEADS, TableRows};

use crate::leads::{LeadSet, LoadOptions, read_events_csv, read_leads_csv};
use crate::model::Model;

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

impl StudioApp {
    /// The app on the bundled default model and sample leads.
    pub fn with_bundled_data() -> StudioApp {
        let mut problems = Vec::new();
        let model = crate::format::model_from_str(DEFAULT_MODEL).unwrap_or_else(|error| {
            problems.push(format!("the bundled default model did not load: {error}"));
            Model::new("Untitled model")
        });
        let leads = bundled_leads(&model).unwrap_or_else(|error| {
            problems.push(format!("the bundled sample leads did not load: {error}"));
            LeadSet::default()
        });
        let mut app = StudioApp::new(model, leads, "bundled sample leads (300)".to_owned());
        for problem in problems {
            app.notify_error(problem);
        }
        app
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
        if !self.readable_text_installed {
            widgets::install_readable_text(&ctx);
            self.readable_text_installed = true;
        }
        let timing = std::env::var_os("MQL_STUDIO_FRAME_STATS").is_some();
        let mut marks: Vec<(&str, f64)> = Vec::new();
        let mut mark = |name: &'static str| {
            if timing {
                marks.push((name, started.elapsed().as_secs_f64() * 1000.0));
            }
        };
        let gesture_in_progress = ctx.input(|i| i.pointer.any_down());
        self.refresh_views(gesture_in_progress);
        mark("derived");
        self.read_shortcuts(&ctx);
        self.read_dropped_files(&ctx);
        self.poll_file_dialog();
        self.poll_import(&ctx);
        self.poll_cleanup(&ctx);
        mark("input");
        let drawn = panels::draw(self, ui);
        self.actions.extend(drawn);
        mark("panels");
        self.apply_queued(&ctx);
        // egui's own zoom keys (Ctrl+=, Ctrl+-, Ctrl+0) change the zoom too: remember it.
        self.settings.zoom = ctx.zoom_factor();
        mark("actions");
        self.track_edits(&ctx, now);
        mark("history");
        if self.refresh_derived()
            || self.derived.is_pending()
            || self.table.is_pending()
            || self.calibration_pending()
        {
            // Background rescoring: look for its result on the next frame.
            ctx.request_repaint();
        }
        mark("derived again");
        self.autosave_tick(now, &ctx);
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        if timing && elapsed > 16.0 {
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
            (Modifiers::COMMAND | Modifiers::SHIFT, Key::Z, Command::Redo),
            (Modifiers::COMMAND, Key::Z, Command::Undo),
            (Modifiers::COMMAND, Key::Y, Command::Redo),
            (
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::S,
                Command::SaveAs,
            ),
            (Modifiers::COMMAND, Key::S, Command::Save),
            (Modifiers::COMMAND, Key::O, Command::Open),
            (Modifiers::COMMAND, Key::N, Command::New),
            (Modifiers::COMMAND, Key::I, Command::ImportLeads),
        ];
        for (modifiers, key, command) in shortcuts {
            // Read before the panels draw, so a focused text field does not take Ctrl+Z.
            if ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(modifiers, key))) {
                self.push(command);
            }
        }
        let layout = self.view.layout;
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F5)) {
            self.push(ViewAction::Layout(
                layout.with_presenting(!layout.presenting),
            ));
        }
        // Enter and Escape belong to a focused widget, an open menu or a dialog first.
        let free = self.dialog.is_none()
            && !ctx.any_popup_open()
            && ctx.memory(|memory| memory.focused().is_none());
        if !free {
            return;
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
            if layout.lead_view {
                self.push(ViewAction::Layout(layout.with_lead_view(false)));
            } else if layout.presenting {
                self.push(ViewAction::Layout(layout.with_presenting(false)));
            }
        } else if self.view.selected_lead.is_some()
            && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter))
        {
            self.push(ViewAction::Layout(layout.with_lead_view(!layout.lead_view)));
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
            self.push(Command::OpenDropped(path));
        }
    }

    /// Loads the start files (or falls back to the bundled ones with a notice), and removes what
    /// interrupted saves left behind in the directories the app knows: those of the start files,
    /// of the recent files and of the autosave.
    /// Opens the files named at start; with none named, the last workshop's files that are
    /// still there (a notice names any that are gone).
    pub fn open_start_files(&mut self, options: &StartOptions) {
        let named = options.model.is_some() || options.leads.is_some() || options.events.is_some();
        let last;
        let options = if named {
            options
        } else {
            last = self.last_workshop_options();
            &last
        };
        let known = [
            &options.model,
            &options.leads,
            &options.events,
            &self.autosave_path,
        ]
        .into_iter()
        .flatten()
        .chain(&self.settings.recent_files);
        let directories: Vec<PathBuf> = known
            .map(|path| match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
                _ => PathBuf::from("."),
            })
            .collect();
        self.push(Command::RemoveStaleTemporaryFiles(directories));
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

impl StudioApp {
    /// The files to reopen at the next start: the model, the leads (as last saved with
    /// verdicts, else as imported) and their event log.
    pub fn workshop_files(&self) -> LastWorkshop {
        LastWorkshop {
            workshop: self.workshop_path.clone(),
            model: self.model_path.clone(),
            leads: self
                .verdicts_path
                .clone()
                .or_else(|| self.leads_path.clone()),
            events: self.events_path.clone(),
            renames: self.leads_renames.clone(),
        }
    }

    fn last_workshop_options(&mut self) -> StartOptions {
        let last = self.settings.last_workshop.clone();
        // A workshop file names its model, leads, events and renames itself.
        if let Some(workshop) = last.workshop.filter(|p| p.is_file()) {
            return StartOptions {
                model: Some(workshop),
                leads: None,
                events: None,
            };
        }
        self.leads_renames = last.renames.clone();
        let mut still_there = |what: &str, path: Option<PathBuf>| {
            let path = path?;
            if path.is_file() {
                Some(path)
            } else {
                self.notify(format!(
                    "the last workshop's {what} {} is gone; showing the bundled one instead",
                    crate::text::printable(&path.display().to_string())
                ));
                None
            }
        };
        let model = still_there("model", last.model);
        let had_leads = last.leads.is_some();
        let leads = still_there("leads file", last.leads);
        // An event log belongs to its leads: without them it would match none.
        let events = if had_leads && leads.is_none() {
            None
        } else {
            still_there("event log", last.events)
        };
        StartOptions {
            model,
            leads,
            events,
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
            // Quit asks about the unsaved changes first.
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.push(Command::Quit);
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
        self.settings.last_workshop = self.workshop_files();
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
        self.autosave_on_exit();
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
