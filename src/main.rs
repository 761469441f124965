//! `mql-studio`: the workshop app (no command) or the command-line tools.

use clap::Parser;
use mql_studio::cli::Cli;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => mql_studio::cli::run(command),
        None => open_app(cli.model, cli.leads, cli.events),
    };
    match result {
        Ok(code) => std::process::ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(error) => {
            // The message quotes file names and values from the files: control characters
            // are escaped, so that none reaches the terminal.
            let message = format!("{error:#}");
            eprintln!("error: {}", mql_studio::text::printable_lines(&message));
            std::process::ExitCode::from(2)
        }
    }
}

#[cfg(feature = "gui")]
fn open_app(
    model: Option<std::path::PathBuf>,
    leads: Option<std::path::PathBuf>,
    events: Option<std::path::PathBuf>,
) -> anyhow::Result<i32> {
    mql_studio::app::run(mql_studio::app::StartOptions {
        model,
        leads,
        events,
    })?;
    Ok(0)
}

#[cfg(not(feature = "gui"))]
fn open_app(
    _model: Option<std::path::PathBuf>,
    _leads: Option<std::path::PathBuf>,
    _events: Option<std::path::PathBuf>,
) -> anyhow::Result<i32> {
    use clap::CommandFactory;
    Cli::command().print_help()?;
    Ok(2)
}
