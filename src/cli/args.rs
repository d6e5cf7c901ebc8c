//! Raw command-line arguments (clap derive). Turned into validated settings by the commands.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use hickory_proto::rr::{Name, RecordType};

const EXAMPLES: &str = "\
Examples:
  dns validate                      check every file in zones/
  dns plan                          show what sync would change in Route 53
  dns sync --yes                    apply zones/ to Route 53 (CI)
  dns import hive.example.com       write the live hosted zone to zones/
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

    /// Show what sync would change in Route 53; never writes
    #[command(
        after_help = "Examples:\n  dns plan\n  dns plan hive.example.com --json\n  AWS_PROFILE=prod dns plan --zones dns/zones"
    )]
    Plan(PlanArgs),

    /// Make each Route 53 hosted zone equal to its file in zones/
    #[command(
        after_help = "Examples:\n  dns sync                                 plan, ask, apply, wait for INSYNC\n  dns sync --yes hive.example.com          no question (CI)\n  dns sync --yes --plan-checksum 3f2a...   apply only the reviewed plan\n  dns sync --create-zone hive.example.com  create the hosted zone first"
    )]
    Sync(SyncArgs),

    /// Walk the delegation of NAME from the root, ask every server, and say what is wrong
    #[command(
        after_help = "Examples:\n  dns check hive.example.com\n  dns check hive.example.com --expect-ns ns-1.awsdns-01.org,ns-2.awsdns-02.com\n  dns check hive.example.com --expect route53\n  dns check www.lab.test --root-hints lab.root --port 5353 --json"
    )]
    Check(Box<CheckArgs>),

    /// Set a domain's name servers at Route 53 Domains to its hosted zone's delegation set
    #[command(
        after_help = "Examples:\n  dns delegate hive.example.com           show the change, ask, apply, follow it to its end\n  dns delegate hive.example.com --yes     no question (CI)\n\nFor a domain registered with Route 53 Domains in this AWS account; at another registrar, set\nthe name servers `dns check ZONE --expect route53` names there."
    )]
    Delegate(DelegateArgs),

    /// Print the least-privilege IAM policy for running dns on these zones
    #[command(
        after_help = "Examples:\n  dns iam-policy                          sync every zone in zones/ (hosted zones looked up)\n  dns iam-policy --read-only              plan, import and check --expect route53 only\n  dns iam-policy --hosted-zone-id Z123 --hosted-zone-id Z456   no lookup\n  dns iam-policy --allow-create-zone      also sync --create-zone"
    )]
    IamPolicy(IamPolicyArgs),

    /// Write a zone file as an RFC 1035 master file (BIND format)
    #[command(
        after_help = "Examples:\n  dns export hive.example.com --format bind\n  dns export hive.example.com --format bind --ns ns-1.awsdns-01.org -o hive.zone"
    )]
    Export(ExportArgs),

    /// Create zones/ZONE.yaml from the live Route 53 hosted zone, or from a BIND master file
    #[command(
        after_help = "Examples:\n  dns import hive.example.com                 from Route 53\n  dns import --from-bind db.hive.example.com  from a master file\n  dns import hive.example.com --from-bind hive.zone -o -"
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
    #[arg(long, default_value = crate::zonedir::DEFAULT)]
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
    /// The zone name (with --from-bind, default: the master file's $ORIGIN)
    #[arg(required_unless_present = "from_bind")]
    pub zone: Option<String>,

    /// Read this RFC 1035 master file instead of Route 53
    #[arg(long, value_name = "FILE")]
    pub from_bind: Option<PathBuf>,

    /// The hosted zone to read, when several share the name
    #[arg(long, value_name = "ID", conflicts_with = "from_bind")]
    pub hosted_zone_id: Option<String>,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Directory of zone files to write into
    #[arg(long, default_value = crate::zonedir::DEFAULT)]
    pub zones: PathBuf,

    /// Output file instead of zones/ZONE.yaml; '-' for stdout
    #[arg(short, long)]
    pub output: Option<PathBuf>,

    /// Overwrite an existing zone file
    #[arg(long)]
    pub force: bool,
}

/// How to reach AWS. Credentials come from the default chain and are never printed.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// AWS profile (default: AWS_PROFILE, else the default profile)
    #[arg(long)]
    pub profile: Option<String>,

    /// AWS region to sign for (Route 53 is global; default: the profile's, else us-east-1)
    #[arg(long)]
    pub region: Option<String>,

    /// Send API requests here, e.g. an emulator (also AWS_ENDPOINT_URL)
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Route 53 requests per second, across all zones (Route 53 allows 5 per account)
    #[arg(long, default_value_t = 5.0, env = "DNS_MAX_RPS")]
    pub max_rps: f64,
}

#[derive(Debug, Args)]
pub struct IamPolicyArgs {
    /// Zones to allow (default: every file in the zones directory)
    #[arg(value_name = "ZONE")]
    pub names: Vec<String>,

    /// Directory of zone files
    #[arg(long = "zones", value_name = "DIR", default_value = crate::zonedir::DEFAULT)]
    pub dir: PathBuf,

    /// The hosted zones, by id, instead of looking them up (repeat for several)
    #[arg(long, value_name = "ID")]
    pub hosted_zone_id: Vec<String>,

    /// Only what plan, import ZONE and check --expect route53 need (no changes)
    #[arg(long, conflicts_with = "allow_create_zone")]
    pub read_only: bool,

    /// Also allow sync --create-zone (CreateHostedZone, and changes to zones not created yet)
    #[arg(long)]
    pub allow_create_zone: bool,

    /// Also allow managing health checks (added by itself when a zone file uses them)
    #[arg(long)]
    pub health_checks: bool,

    /// Also allow `dns check --health-status` (GetHealthCheckStatus, and finding the checks)
    #[arg(long)]
    pub health_status: bool,

    /// Also allow `dns delegate` (Route 53 Domains: UpdateDomainNameservers, GetOperationDetail)
    #[arg(long, conflicts_with = "read_only")]
    pub delegate: bool,

    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Which zones, from where.
#[derive(Debug, Clone, Args)]
pub struct ZoneSelection {
    /// Zones to act on (default: every file in the zones directory)
    #[arg(value_name = "ZONE")]
    pub names: Vec<String>,

    /// Directory of zone files
    #[arg(long = "zones", value_name = "DIR", default_value = crate::zonedir::DEFAULT)]
    pub dir: PathBuf,

    /// The hosted zone to use, when several share the name (one zone only)
    #[arg(long, value_name = "ID")]
    pub hosted_zone_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub zones: ZoneSelection,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Print the plan as JSON (with its checksum); the same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// How to print the plan: text, json, markdown (for a pull-request comment: per zone a
    /// table of changes, the safety verdict and the checksum), or html (the same as one
    /// self-contained web page)
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    /// Exit 0 when there is nothing to change and 5 when changes are pending (as Terraform's
    /// flag of the same name; errors keep their codes)
    #[arg(long)]
    pub detailed_exitcode: bool,
}

impl PlanArgs {
    /// `--json` is `--format json`.
    pub fn output_format(&self) -> PlanFormat {
        if self.json {
            PlanFormat::Json
        } else {
            self.format
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    Markdown,
    /// One self-contained web page (for a CI artifact or a mail)
    Html,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub plan: PlanArgs,

    /// Apply without asking (for CI)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Stop after printing the plan
    #[arg(long)]
    pub dry_run: bool,

    /// Apply only if the plan computed now has this checksum (from `dns plan`)
    #[arg(long, value_name = "SHA256")]
    pub plan_checksum: Option<String>,

    /// Apply even past the safety threshold (max_change_percent)
    #[arg(long)]
    pub force: bool,

    /// Do not wait for Route 53 to report the change INSYNC
    #[arg(long)]
    pub no_wait: bool,

    /// How long to wait for INSYNC (e.g. 10m, 90s)
    #[arg(long, value_name = "DURATION", default_value = "600s", value_parser = seconds)]
    pub wait_timeout: Duration,

    /// Create the public hosted zone if it does not exist, and print its name servers
    #[arg(long)]
    pub create_zone: bool,

    /// After INSYNC, ask every authoritative server for each record set that changed, and fail
    /// if one is not served as planned
    #[arg(long, conflicts_with = "no_wait")]
    pub verify: bool,

    /// With --verify: root hints file instead of the built-in IANA hints
    #[arg(long, value_name = "FILE", requires = "verify")]
    pub root_hints: Option<PathBuf>,

    /// With --verify: send every DNS query to this port
    #[arg(long, default_value_t = 53, requires = "verify")]
    pub port: u16,

    /// With --verify: how long one attempt waits for its answer (e.g. 1500ms, 2s)
    #[arg(long, value_name = "MS", default_value = "1500ms", value_parser = millis, requires = "verify")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct DelegateArgs {
    /// The zone (a domain registered with Route 53 Domains), e.g. hive.example.com
    #[arg(value_parser = domain_name)]
    pub zone: Name,

    /// The hosted zone whose delegation set to use, when several share the name
    #[arg(long, value_name = "ID")]
    pub hosted_zone_id: Option<String>,

    /// Apply without asking
    #[arg(long)]
    pub yes: bool,

    /// How long to follow the registrar's operation (e.g. 10m)
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = seconds)]
    pub wait_timeout: Duration,

    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpectSource {
    /// The hosted zone's delegation set, read through the Route 53 API
    Route53,
}

/// How `dns check` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people
    Text,
    /// Facts and findings as JSON (as --json)
    Json,
    /// OpenMetrics text for Prometheus: per zone its state, findings by code and severity,
    /// servers answering, seconds until the earliest signature and the registration expire
    #[value(name = "openmetrics")]
    OpenMetrics,
    /// A picture of one check's walk (SVG): each level's servers, coloured by their worst
    /// finding, the referrals between the levels, the chain of trust
    Svg,
    /// One self-contained web page (fetches nothing): the summary of every zone (sortable,
    /// filtered by state), each zone's picture, findings with their fixes, registration and move
    Html,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The name to check, e.g. hive.example.com; without it, every zone of the zones directory
    /// (or of --names) in one run
    #[arg(value_parser = domain_name)]
    pub name: Option<Name>,

    /// Check the domains listed in FILE (one per line, `#` comments), zone files or not
    #[arg(
        help_heading = "What to check",
        long,
        value_name = "FILE",
        conflicts_with = "name"
    )]
    pub names: Option<PathBuf>,

    /// Check the I-th of N shares of the zones (1 <= I <= N): every N-th name from the I-th,
    /// for a CI matrix or an indexed job
    #[arg(help_heading = "What to check", long, value_name = "I/N", conflicts_with = "name", value_parser = shard)]
    pub shard: Option<(usize, usize)>,

    /// Without NAME: zones checked at the same time
    #[arg(help_heading = "How politely and how long", long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallel: u16,

    /// Without NAME: questions in flight to one server address at most, across all zones
    #[arg(help_heading = "How politely and how long", long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub per_server: u16,

    /// Without NAME: the summary alone (one line per zone, and the servers that limited the
    /// rate), without each zone's report
    #[arg(help_heading = "Output", long, conflicts_with = "name")]
    pub summary: bool,

    /// Questions a second to one server address at most, across all zones (a second's worth
    /// may go at once; a server that slips or drops answers is slowed further); 0: no limit
    #[arg(help_heading = "How politely and how long", long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub max_qps: u32,

    /// Record type to ask for
    #[arg(help_heading = "What to check", long = "type", short = 't', default_value = "A", value_parser = record_type)]
    pub rtype: RecordType,

    /// Name servers the zone should be delegated to
    #[arg(help_heading = "What to check", long, value_delimiter = ',', value_name = "NS1,NS2,...", value_parser = domain_name)]
    pub expect_ns: Vec<Name>,

    /// Take the expected name servers from Route 53
    #[arg(
        help_heading = "What to check",
        long,
        value_enum,
        conflicts_with = "expect_ns"
    )]
    pub expect: Option<ExpectSource>,

    /// The hosted zone to read with --expect route53, when several share the name
    #[arg(help_heading = "What to check", long, value_name = "ID", requires_all = ["expect", "name"])]
    pub hosted_zone_id: Option<String>,

    /// Root hints file (named.root format) instead of the built-in IANA hints
    #[arg(help_heading = "Where to ask", long, value_name = "FILE")]
    pub root_hints: Option<PathBuf>,

    /// Send every query to this port (as `dig -p`), for labs and tests
    #[arg(help_heading = "Where to ask", long, default_value_t = 53)]
    pub port: u16,

    /// How long one attempt waits for its answer (e.g. 1500ms, 2s; a UDP question is sent
    /// twice before a server counts as silent)
    #[arg(help_heading = "How politely and how long", long, value_name = "MS", default_value = "1500ms", value_parser = millis)]
    pub timeout: Duration,

    /// Answers slower than this are reported (`ns.slow`, a warning; e.g. 500ms)
    #[arg(help_heading = "How politely and how long", long, value_name = "MS", default_value = "500ms", value_parser = millis)]
    pub slow: Duration,

    /// The longest the whole check may take (e.g. 30s, 2m); when it passes, the check stops
    /// and says so (`check.incomplete`)
    #[arg(help_heading = "How politely and how long", long, value_name = "DURATION", default_value = "30s", value_parser = seconds)]
    pub deadline: Duration,

    /// Most DNS messages the check may send (retransmissions, TCP retries and zone transfers
    /// count; verifying a zone file adds its own share)
    #[arg(
        help_heading = "How politely and how long",
        long,
        value_name = "N",
        default_value_t = 2000
    )]
    pub max_queries: usize,

    /// IPv4 only
    #[arg(
        help_heading = "Where to ask",
        short = '4',
        conflicts_with = "ipv6_only"
    )]
    pub ipv4_only: bool,

    /// IPv6 only
    #[arg(help_heading = "Where to ask", short = '6')]
    pub ipv6_only: bool,

    /// Verify the records of this zone file on every server (default: zones/ZONE.yaml when
    /// it exists)
    #[arg(
        help_heading = "What to check",
        long,
        value_name = "FILE",
        requires = "name"
    )]
    pub zone_file: Option<PathBuf>,

    /// Directory of zone files, for the default above
    #[arg(help_heading = "What to check", long = "zones", value_name = "DIR", default_value = crate::zonedir::DEFAULT)]
    pub zones_dir: PathBuf,

    /// Also ask these resolvers (RD=1) what they hold: IP or IP:PORT, `system` (/etc/resolv.conf);
    /// without a list, well-known public resolvers (1.1.1.1, 8.8.8.8, 9.9.9.9, 208.67.222.222)
    #[arg(help_heading = "What to check", long, value_delimiter = ',', num_args = 0.., value_name = "LIST")]
    pub resolvers: Option<Vec<String>>,

    /// With --resolvers: ask for every record set of the zone file, not only NAME
    #[arg(help_heading = "What to check", long, requires = "resolvers")]
    pub all_records: bool,

    /// Read the health of failover primaries from Route 53 (GetHealthCheckStatus): a pair
    /// answered by its secondary is then as planned only while the primary's check fails
    #[arg(help_heading = "What to check", long)]
    pub health_status: bool,

    /// Check again until nothing is wrong (delegation and every server's data), or time is up
    #[arg(help_heading = "Waiting", long)]
    pub wait: bool,

    /// With --wait: give up after this long (e.g. 48h, 30m)
    #[arg(
        help_heading = "Waiting",
        long,
        value_name = "DURATION",
        default_value = "48h",
        value_parser = seconds,
        requires = "wait"
    )]
    pub wait_timeout: Duration,

    /// With --wait: time between rounds
    #[arg(
        help_heading = "Waiting",
        long,
        value_name = "DURATION",
        default_value = "30s",
        value_parser = seconds,
        requires = "wait"
    )]
    pub interval: Duration,

    /// Ask this RDAP service (a base URL, e.g. https://rdap.example/rdap/) what the registry
    /// says of the domain, instead of the one IANA's bootstrap file names
    #[arg(
        help_heading = "What to check",
        long,
        value_name = "URL",
        conflicts_with = "no_rdap"
    )]
    pub rdap_url: Option<String>,

    /// Do not ask the registry (RDAP) about the domain
    #[arg(help_heading = "What to check", long)]
    pub no_rdap: bool,

    /// The root's DS or DNSKEY records (master-file lines) to validate the chain of trust from,
    /// instead of IANA's built-in anchors; with --root-hints and without this, the chain above
    /// the zone is not judged
    #[arg(help_heading = "What to check", long, value_name = "FILE")]
    pub trust_anchor: Option<PathBuf>,

    /// Print facts and findings as JSON (the same as --format json)
    #[arg(help_heading = "Output", long)]
    pub json: bool,

    /// How to print the result: text, json, openmetrics (for Prometheus, e.g. through
    /// node_exporter's textfile collector), svg (one check's picture) or html (one page for
    /// every zone); the exit code is the same whatever the format
    #[arg(help_heading = "Output", long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
    pub format: Format,

    /// Write the report to FILE instead of stdout, whole: written beside it and renamed into
    /// place when done (a textfile collector or a CI step never reads half of it)
    #[arg(help_heading = "Output", short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Without NAME: each zone's JSON document on a line of its own as soon as it is done, then
    /// the run's summary on the last line; nothing is held back, so any number of zones fits
    #[arg(help_heading = "Output", long, conflicts_with_all = ["name", "json", "format", "wait", "summary"])]
    pub json_lines: bool,

    /// Write everything this check asked and was answered to FILE (versioned JSON, gzip when
    /// FILE ends in .gz): judge it again with --from-facts, or attach it to a bug report
    #[arg(help_heading = "Output", long, value_name = "FILE", requires = "name")]
    pub save_facts: Option<PathBuf>,

    /// Judge facts saved by --save-facts, sending nothing: the same findings, exit code and
    /// report as when they were gathered (signatures judged against that time)
    #[arg(help_heading = "Output", long, value_name = "FILE", conflicts_with_all = [
        "name", "names", "shard", "wait", "expect", "expect_ns", "zone_file", "resolvers",
        "health_status", "save_facts",
    ])]
    pub from_facts: Option<PathBuf>,

    #[command(flatten, next_help_heading = "Route 53 (with --expect route53)")]
    pub aws: AwsArgs,
}

/// `--shard I/N`: 1 <= I <= N.
fn shard(text: &str) -> Result<(usize, usize), String> {
    let parsed = text
        .split_once('/')
        .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((i, n)) if (1..=n).contains(&i) => Ok((i, n)),
        _ => Err(format!(
            "'{text}' is not a share: write I/N with 1 <= I <= N, e.g. 2/4"
        )),
    }
}

/// The one grammar of every duration flag of every command: a whole number with its unit,
/// `500ms`, `30s`, `2m`, `48h`, `1d`. A bare number is refused: `--timeout 2` meant as seconds
/// would give every server 2 ms, and `--wait-timeout 1500` meant as milliseconds 25 minutes.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if unit.is_empty() && !number.is_empty() {
        return Err(format!(
            "'{number}' has no unit: write {number}ms or {number}s (every duration takes its unit: ms, s, m, h or d)"
        ));
    }
    let per = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => 0,
    };
    number
        .parse::<u64>()
        .ok()
        .filter(|_| per > 0)
        .and_then(|n| n.checked_mul(per))
        .map(Duration::from_millis)
        .ok_or_else(|| "write a duration with its unit, such as 500ms, 30s, 2m or 48h".to_string())
}

/// A duration (see [`parse_duration`]).
fn seconds(text: &str) -> Result<Duration, String> {
    parse_duration(text)
}

/// A duration of at least a millisecond (see [`parse_duration`]).
fn millis(text: &str) -> Result<Duration, String> {
    parse_duration(text).map(|d| d.max(Duration::from_millis(1)))
}

/// A domain name as written (absolute or not, IDNA converted), lower case.
fn domain_name(text: &str) -> Result<Name, String> {
    crate::zone::name::parse_zone(text).map_err(|e| format!("not a domain name: {e}"))
}

/// A record type by its name (`A`, `mx`, `TYPE65`).
fn record_type(text: &str) -> Result<RecordType, String> {
    use std::str::FromStr;
    let upper = text.to_ascii_uppercase();
    match upper.strip_prefix("TYPE").map(str::parse::<u16>) {
        Some(Ok(n)) => Ok(RecordType::from(n)),
        _ => RecordType::from_str(&upper).map_err(|_| ()),
    }
    .map_err(|()| "not a record type (A, AAAA, MX, TXT, ..., or TYPE65)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_duration_grammar_for_every_flag_and_a_bare_number_refused() {
        assert_eq!(seconds("48h"), Ok(Duration::from_secs(48 * 3600)));
        assert_eq!(seconds("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(millis("90ms"), Ok(Duration::from_millis(90)));
        assert_eq!(millis("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(millis("0ms"), Ok(Duration::from_millis(1)));
        assert_eq!(millis("2ms"), Ok(Duration::from_millis(2)));
        // A bare number is refused by every flag, with the two readings to choose from.
        for parse in [seconds, millis] {
            let said = parse("2").unwrap_err();
            assert!(said.contains("'2' has no unit: write 2ms or 2s"), "{said}");
            assert!(parse("1500").is_err());
        }
        assert_eq!(seconds("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(record_type("mx"), Ok(RecordType::MX));
        assert_eq!(record_type("TYPE15"), Ok(RecordType::MX));
        assert!(record_type("TYPEX").is_err());
        for bad in [
            "",
            "s",
            "1.5s",
            "-1s",
            "10 minutes",
            "1w",
            "99999999999999999999d",
        ] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }
}
