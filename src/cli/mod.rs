//! The command line: parse arguments, set up logging and colors, dispatch, render.

pub mod args;
mod check;
mod sync;
mod zonefiles;

use std::io::IsTerminal;

use clap::{CommandFactory, Parser};

use crate::error::Result;
pub use crate::report::Style;
use args::{Cli, ColorChoice, Command};

/// Runs the command line with the process's arguments.
pub fn run() -> Result<()> {
    let cli = Cli::parse();
    let style = Style::new(color_enabled(cli.color, std::io::stdout().is_terminal()));
    init_logging(
        &cli,
        color_enabled(cli.color, std::io::stderr().is_terminal()),
    );
    match cli.command {
        Command::Validate(args) => zonefiles::validate(&args, style),
        Command::Export(args) => zonefiles::export(&args),
        Command::Check(args) => check::check(&args, style),
        Command::Plan(args) => sync::plan(&args, style),
        Command::Sync(args) => sync::sync(&args, style),
        Command::Import(args) => match (&args.from_bind, &args.zone) {
            (Some(file), _) => zonefiles::import_bind(&args, file),
            (None, Some(zone)) => sync::import(&args, zone),
            (None, None) => Err(crate::error::Error::Usage(
                "give a ZONE to import from Route 53, or --from-bind FILE".into(),
            )),
        },
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "dns", &mut std::io::stdout());
            Ok(())
        }
    }
}

/// `auto` means: a terminal, and NO_COLOR unset or empty (<https://no-color.org>).
fn color_enabled(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn init_logging(cli: &Cli, color: bool) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => tracing::Level::ERROR,
        (false, 0) => tracing::Level::WARN,
        (false, 1) => tracing::Level::INFO,
        (false, 2) => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .without_time()
        .try_init();
}
