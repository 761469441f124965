//! The desktop workshop app (eframe/egui): a thin shell over the engine.

use std::path::PathBuf;

/// What to open at start; `None` means the bundled defaults.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    pub model: Option<PathBuf>,
    pub leads: Option<PathBuf>,
    pub events: Option<PathBuf>,
}

pub fn run(_options: StartOptions) -> anyhow::Result<()> {
    anyhow::bail!("the app is not built yet")
}
