//! Raw command-line arguments (clap derive). Turned into validated settings by the commands.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  dns validate                      check every file in zones/
  dns export hive.example.com --format bind > hive.zone
  dns import --from-bind hive.zone  write zones/hive.example.com.yaml
  dns completions bash > /etc/bash_completion.d/dns";

#[derive(Debug, Parser)]
#[command(
    name = "dns",
    version,
    about = "Keep DNS zones in git, sync them to Route 53, and check delegations from the root down",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// When to use colors: auto (a terminal, and NO_COLOR unset), always, never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// More log output on stderr (-v info, -vv debug, -vvv trace)
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check zone files offline and report every problem with its line and column
    #[command(
        after_help = "Examples:\n  dns validate\n  dns validate zones/hive.example.com.yaml\n  dns validate --json zones/ other-zones/"
    )]
    Validate(ValidateArgs),

    /// Write a zone file as an RFC 1035 master file (BIND format)
    #[command(
        after_help = "Examples:\n  dns export hive.example.com --format bind\n  dns export hive.example.com --format bind --ns ns-1.awsdns-01.org -o hive.zone"
    )]
    Export(ExportArgs),

    /// Create zones/<zone>.yaml from a BIND master file
    #[command(
        after_help = "Examples:\n  dns import --from-bind db.hive.example.com\n  dns import hive.example.com --from-bind hive.zone -o -"
    )]
    Import(ImportArgs),

    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  dns completions bash > ~/.local/share/bash-completion/completions/dns\n  dns completions zsh > ~/.zfunc/_dns"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Zone files or directories of them (default: zones/)
    pub paths: Vec<PathBuf>,

    /// Print diagnostics as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// RFC 1035 master file, as BIND's named-checkzone reads it
    Bind,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The zone to export, e.g. hive.example.com
    pub zone: String,

    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Bind)]
    pub format: ExportFormat,

    /// Directory of zone files
    #[arg(long, default_value = "zones")]
    pub zones: PathBuf,

    /// Apex name servers to write (default: a placeholder; Route 53 owns the apex NS)
    #[arg(long, value_delimiter = ',')]
    pub ns: Vec<String>,

    /// Output file (default: stdout)
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The zone name (default: the master file's $ORIGIN)
    pub zone: Option<String>,

    /// Read this RFC 1035 master file
    #[arg(long, value_name = "FILE")]
    pub from_bind: PathBuf,

    /// Directory of zone files to write into
    #[arg(long, default_value = "zones")]
    pub zones: PathBuf,

    /// Output file instead of zones/<zone>.yaml; '-' for stdout
    #[arg(short, long)]
    pub output: Option<PathBuf>,

    /// Overwrite an existing zone file
    #[arg(long)]
    pub force: bool,
}
