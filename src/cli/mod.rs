//! The command line: parse arguments, set up logging and colors, dispatch, render.

pub mod args;
mod check;
mod iam;
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
        Command::IamPolicy(args) => iam::policy(&args),
        Command::Delegate(args) => sync::delegate(&args),
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

/// Our own messages at the chosen level; other crates' (aws-config, aws-smithy, hyper, hickory)
/// only when they are errors, unless -v asks for more: their warnings about instance metadata
/// or retried requests mean nothing to a person running `dns` and hide our own.
fn init_logging(cli: &Cli, color: bool) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    let ours = match (cli.quiet, cli.verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 0) => LevelFilter::WARN,
        (false, 1) => LevelFilter::INFO,
        (false, 2) => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let theirs = match cli.verbose {
        0 => LevelFilter::ERROR,
        1 => LevelFilter::WARN,
        _ => ours,
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(LevelFilter::TRACE)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(cli.verbose >= 2)
        .without_time()
        .finish()
        .with(Targets::new().with_target("dns", ours).with_default(theirs));
    let _ = tracing::subscriber::set_global_default(subscriber);
}
