//! `dns check NAME`, and `dns check` of every zone: settings from the arguments, the library's
//! rounds, the report and its exit code; the progress display and the `--wait` loops.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::Style;
use super::args::{CheckArgs, ExpectSource, Format};
use super::sync::{options, runtime};
use crate::check::caches;
use crate::check::many;
use crate::check::run::{self, Round};
use crate::check::settings::{Expect, Resolvers, Settings, Wait, ZoneFile};
use crate::error::{Error, Result};
use crate::report::check::{not_reached, render_private, render_round};
use crate::report::many::render_many;
use crate::walk::Config;
use crate::zonedir::ZonesDir;

/// The check's settings, validated once.
fn settings(args: &CheckArgs) -> Result<Settings> {
    let expect = match (args.expect, args.expect_ns.is_empty()) {
        (Some(ExpectSource::Route53), _) => Some(Expect::Route53 {
            hosted_zone_id: args.hosted_zone_id.clone(),
        }),
        (None, false) => Some(Expect::Names(args.expect_ns.iter().cloned().collect())),
        (None, true) => None,
    };
    let resolvers = match &args.resolvers {
        Some(list) => Some(Resolvers {
            list: caches::parse_list(list).map_err(Error::Usage)?,
            public: list.is_empty() || list.iter().any(|r| r == "public"),
            all_records: args.all_records,
        }),
        None => None,
    };
    let anchors = match (&args.trust_anchor, &args.root_hints) {
        (Some(path), _) => Some(crate::check::anchor::load(path).map_err(Error::Usage)?),
        (None, None) => Some(crate::check::anchor::iana()),
        (None, Some(_)) => None,
    };
    Ok(Settings {
        // Without NAME, each zone of the run gets its own name (check::many).
        name: args
            .name
            .clone()
            .unwrap_or_else(hickory_proto::rr::Name::root),
        qtype: args.rtype,
        expect,
        root_hints: args.root_hints.clone(),
        walk: Config {
            port: args.port,
            timeout: args.timeout,
            ipv4: !args.ipv6_only,
            ipv6: !args.ipv4_only,
            max_queries: args.max_queries,
            deadline: Some(args.deadline),
            root_keys: anchors.is_some(),
            qps: f64::from(args.max_qps),
            ..Config::default()
        },
        slow: args.slow,
        zone_file: match &args.zone_file {
            Some(path) => ZoneFile::Given(path.clone()),
            None => ZoneFile::InDir(ZonesDir::new(&args.zones_dir)),
        },
        resolvers,
        health_status: args.health_status,
        wait: args.wait.then_some(Wait {
            timeout: args.wait_timeout,
            interval: args.interval,
        }),
        aws: options(&args.aws),
        rdap: rdap(args),
        anchors,
    })
}

/// The RDAP client: `--rdap-url`, else IANA's bootstrap when the walk starts at the real root
/// (a lab's root hints have no registry but the one `--rdap-url` names); none with `--no-rdap`.
fn rdap(args: &CheckArgs) -> Option<std::sync::Arc<crate::rdap::Rdap>> {
    if args.no_rdap || (args.rdap_url.is_none() && args.root_hints.is_some()) {
        return None;
    }
    // The registry is a second opinion: a client that cannot be made (no TLS root certificates
    // on this host) is said, and the check goes on without it.
    match crate::rdap::Rdap::new(args.rdap_url.clone(), RDAP_TIMEOUT) {
        Ok(r) => Some(std::sync::Arc::new(r)),
        Err(why) => {
            eprintln!("note: the registry (RDAP) will not be asked: {why}");
            None
        }
    }
}

/// How long one RDAP request may take (registries answer in well under a second).
const RDAP_TIMEOUT: Duration = Duration::from_secs(5);

/// The format asked for (`--json` is `--format json`).
fn format(args: &CheckArgs) -> Format {
    match args.json {
        true => Format::Json,
        false => args.format,
    }
}

pub fn check(args: &CheckArgs, style: Style) -> Result<()> {
    let out = Out::new(args.output.as_deref());
    let checked = check_to(&out, args, style);
    out.finish()?;
    checked
}

fn check_to(out: &Out, args: &CheckArgs, style: Style) -> Result<()> {
    let started = Instant::now();
    if let Some(path) = &args.from_facts {
        return report(
            out,
            format(args),
            &run::replay(path)?,
            style,
            Duration::ZERO,
        );
    }
    let s = settings(args)?;
    if args.name.is_none() {
        return check_many(out, args, s, style);
    }
    let rt = runtime()?;
    // A progress display on a terminal only (indicatif draws nothing elsewhere).
    let bar = spinner();
    bar.set_message(format!(
        "walking to {} from the root, asking every server",
        s.name_text()
    ));
    bar.enable_steady_tick(Duration::from_millis(120));
    let checked = run::check_name(&rt, &s, &mut |line| progress(&bar, line));
    bar.finish_and_clear();
    let waited = match checked? {
        run::Checked::Private(private) => {
            if matches!(
                format(args),
                Format::OpenMetrics | Format::Svg | Format::Html
            ) {
                return Err(Error::Usage(format!(
                    "--format openmetrics, svg and html show a walk from the root, but {} is in the private zone {}, checked through its VPCs' resolvers: use --format text or json",
                    s.name_text(),
                    private.zone
                )));
            }
            if args.save_facts.is_some() {
                return Err(Error::Usage(format!(
                    "--save-facts saves a walk from the root, but {} is in the private zone {}, checked through its VPCs' resolvers: run without --save-facts",
                    s.name_text(),
                    private.zone
                )));
            }
            out.write(|mut out| {
                render_private(&mut out, &private, format(args) == Format::Json, style)
            })?;
            return match private.findings.len() {
                0 => Ok(()),
                n => Err(Error::Findings(n)),
            };
        }
        run::Checked::Walked(waited) => waited,
    };
    save_facts(args, &waited.last)?;
    if s.wait.is_none() {
        return report(out, format(args), &waited.last, style, started.elapsed());
    }
    // The last round's report; its own verdict gives way to the wait's.
    match report(out, format(args), &waited.last, style, started.elapsed()) {
        Ok(()) | Err(Error::Findings(_) | Error::Unreachable(_)) => {}
        Err(other) => return Err(other),
    }
    if !waited.pending.is_empty() {
        return Err(Error::WaitTimeout {
            waited: started.elapsed(),
            pending: waited.pending.join("; "),
        });
    }
    eprintln!(
        "done after {} round(s), {:.0?}",
        waited.rounds,
        started.elapsed()
    );
    Ok(())
}

/// A `--wait` line, its network text escaped: a round's is the spinner's message on a terminal,
/// a change of state stays above it; without a terminal, each is a line on stderr.
fn progress(bar: &ProgressBar, line: String) {
    let line = crate::escape::escape(&line).into_owned();
    if !std::io::stderr().is_terminal() {
        eprintln!("{line}");
    } else if line.starts_with("round ") {
        bar.set_message(line);
        bar.enable_steady_tick(Duration::from_millis(120));
    } else {
        bar.println(line);
    }
}

/// The run of many zones: the names (`--names`, else the zones directory's public zones), the
/// share of them (`--shard`), and how many at once.
fn many_run(args: &CheckArgs, s: &Settings) -> Result<many::Run> {
    let names = match &args.names {
        Some(file) => many::names_file(file)?,
        None => {
            let dir = ZonesDir::new(&args.zones_dir);
            let mut names = Vec::new();
            for file in dir.select(&[])? {
                let name = crate::zone::load::zone_name_of(&file).map_err(|e| {
                    Error::Usage(format!("{}: not a zone file name: {e}", file.display()))
                })?;
                let private = run::private_zone(&Settings {
                    name: name.clone(),
                    ..s.clone()
                })?;
                if private.is_some() {
                    eprintln!(
                        "note: {} is a private hosted zone: check it with `dns check NAME` (through its VPCs' resolvers)",
                        file.display()
                    );
                    continue;
                }
                names.push(name);
            }
            names.sort();
            names.dedup();
            names
        }
    };
    let names = match args.shard {
        Some((i, n)) => many::shard(names, i, n),
        None => names,
    };
    if names.is_empty() {
        return Err(Error::Usage(
            "no zones to check in this share (--shard): there are fewer zones than shares".into(),
        ));
    }
    Ok(many::Run {
        names,
        parallel: usize::from(args.parallel),
        per_server: usize::from(args.per_server),
        slim: args.json_lines,
    })
}

/// `dns check` without NAME: every zone of the run, one summary, the worst exit code.
fn check_many(out: &Out, args: &CheckArgs, s: Settings, style: Style) -> Result<()> {
    if format(args) == Format::Svg {
        return Err(Error::Usage(
            "--format svg draws the walk of one check: give NAME (dns check NAME --format svg)"
                .into(),
        ));
    }
    let run = many_run(args, &s)?;
    let rt = runtime()?;
    let started = Instant::now();
    let bar = counter(run.names.len() as u64);
    bar.enable_steady_tick(Duration::from_millis(120));
    let tally = Tally::new(run.names.len());
    let done = |o: &many::ZoneOutcome| {
        tally.one(o, &bar);
        if args.json_lines {
            // A closed pipe ends the output, not the run: its exit code still tells.
            let _ = out.write(|out| writeln!(out, "{}", crate::report::many::zone_line(o)));
        }
    };
    let checked = many::check_run(&rt, &s, &run, &mut |line| progress(&bar, line), &done);
    bar.finish_and_clear();
    let (waited, limiting) = checked?;
    let (outcomes, pending) = (waited.last, waited.pending);
    let run = crate::report::many::Ran {
        outcomes: &outcomes,
        limiting: &limiting,
        shard: args.shard,
        summary: args.summary,
        columns: (args.output.is_none() && std::io::stdout().is_terminal())
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(w, _)| usize::from(w.0)),
    };
    if args.json_lines {
        out.write(|out| writeln!(out, "{}", crate::report::many::run_line(&run)))?;
    } else {
        let code = many::exit_code(&outcomes);
        out.write(|mut out| match format(args) {
            Format::OpenMetrics => {
                crate::report::metrics::render_run(&mut out, &outcomes, code, started.elapsed())
            }
            Format::Html => {
                crate::report::html::render_run(&mut out, &outcomes, code, started.elapsed())
            }
            Format::Json => render_many(&mut out, &run, true, style),
            // (svg was refused above: it draws one check)
            Format::Text | Format::Svg => render_many(&mut out, &run, false, style),
        })?;
    }
    if !pending.is_empty() {
        return Err(Error::WaitTimeout {
            waited: started.elapsed(),
            pending: format!("{} zone(s): {}", pending.len(), pending.join(", ")),
        });
    }
    if s.wait.is_some() {
        eprintln!("done after {:.0?}", started.elapsed());
    }
    match many::exit_code(&outcomes) {
        0 => Ok(()),
        code => Err(Error::ZonesFailed {
            failed: outcomes.iter().filter(|o| o.exit_code() != 0).count(),
            total: outcomes.len(),
            code,
        }),
    }
}

/// `--save-facts FILE`: the round's facts, written before its report.
fn save_facts(args: &CheckArgs, round: &Round) -> Result<()> {
    if let Some(path) = &args.save_facts {
        crate::check::saved::save(&round.facts, round.caches.as_ref(), path)?;
    }
    Ok(())
}

/// A run's progress: a bar on a terminal (zones done of all, with errors so far, rate, time
/// left); otherwise a line on stderr every ten seconds.
fn counter(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {pos}/{len} zone(s) checked{msg}, {per_sec}, {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Zones done and with errors so far, and when a line was last written without a terminal.
struct Tally {
    total: usize,
    counts: std::sync::Mutex<(usize, usize, Instant)>,
}

impl Tally {
    fn new(total: usize) -> Tally {
        Tally {
            total,
            counts: std::sync::Mutex::new((0, 0, Instant::now())),
        }
    }

    fn one(&self, o: &many::ZoneOutcome, bar: &ProgressBar) {
        let Ok(mut c) = self.counts.lock() else {
            return;
        };
        c.0 += 1;
        // --wait's later rounds check zones again: the bar counts each zone once.
        if c.0 > self.total {
            return;
        }
        if matches!(
            o.verdict(),
            many::Verdict::Errors | many::Verdict::Failed | many::Verdict::Unreached
        ) {
            c.1 += 1;
        }
        bar.inc(1);
        if c.1 > 0 {
            bar.set_message(format!(", {} with errors", c.1));
        }
        if bar.is_hidden() && c.2.elapsed() >= Duration::from_secs(10) && c.0 < self.total {
            eprintln!(
                "dns: {} of {} zone(s) checked, {} with errors",
                c.0, self.total, c.1
            );
            c.2 = Instant::now();
        }
    }
}

fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

/// Where the report goes: stdout, or `-o FILE` — written to a file beside it and renamed into
/// place once whole, so that whoever reads FILE (node_exporter's textfile collector, a CI
/// step) never sees half a report, and a check that fails before writing leaves FILE as it was.
struct Out {
    path: Option<PathBuf>,
    part: Mutex<Option<Part>>,
}

/// The file a report is written to before it takes FILE's place, and the first write to it
/// that failed (then FILE is left as it was).
struct Part {
    path: PathBuf,
    file: std::fs::File,
    failed: Option<std::io::Error>,
}

impl Out {
    fn new(path: Option<&Path>) -> Out {
        Out {
            path: path.map(Path::to_path_buf),
            part: Mutex::new(None),
        }
    }

    /// Renders into the output, buffered (stdout is line-buffered, and a large verification is
    /// many lines).
    fn write(&self, render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let Some(path) = &self.path else {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            return render(&mut out)
                .and_then(|()| out.flush())
                .map_err(|source| Error::Write {
                    path: "<stdout>".into(),
                    source,
                });
        };
        let mut part = self.part.lock().unwrap_or_else(|e| e.into_inner());
        if part.is_none() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let at = path.with_file_name(format!(".{name}.{}.part", std::process::id()));
            let file = std::fs::File::create(&at).map_err(|source| Error::Write {
                path: at.clone(),
                source,
            })?;
            *part = Some(Part {
                path: at,
                file,
                failed: None,
            });
        }
        let Some(part) = part.as_mut().filter(|p| p.failed.is_none()) else {
            return Ok(()); // an earlier write failed: finish says so
        };
        let mut out = std::io::BufWriter::new(&part.file);
        let written = render(&mut out).and_then(|()| out.flush());
        drop(out);
        written.map_err(|e| {
            let error = Error::Write {
                path: part.path.clone(),
                source: std::io::Error::new(e.kind(), e.to_string()),
            };
            part.failed = Some(e);
            error
        })
    }

    /// `-o FILE`: what was written takes FILE's place — unless a write failed, and then the
    /// part is removed and FILE left as it was.
    fn finish(self) -> Result<()> {
        let (Some(path), Some(part)) = (self.path, self.part.into_inner().ok().flatten()) else {
            return Ok(());
        };
        let done = match part.failed {
            Some(e) => Err(e),
            None => part.file.sync_all(),
        };
        done.and_then(|()| std::fs::rename(&part.path, &path))
            .map_err(|source| {
                let _ = std::fs::remove_file(&part.path);
                Error::Write { path, source }
            })
    }
}

/// The round's report, and its verdict: exit 3 only when nothing could be judged (no root or
/// parent server could be asked). A zone whose servers are all dead or broken is judged
/// (exit 1), never "no problems".
fn report(out: &Out, format: Format, round: &Round, style: Style, took: Duration) -> Result<()> {
    let code = many::ZoneOutcome::exit_code_of(round);
    out.write(|mut out| match format {
        Format::OpenMetrics => crate::report::metrics::render_round(&mut out, round, code, took),
        Format::Svg => crate::report::picture::render_svg(&mut out, round),
        Format::Html => crate::report::html::render_round(&mut out, round, code),
        f => render_round(&mut out, round, f == Format::Json, style),
    })?;
    if !round.findings.is_empty() {
        return Err(Error::Findings(round.findings.len()));
    }
    if round.facts.zone.is_none() {
        return Err(Error::Unreachable(not_reached(&round.facts)));
    }
    Ok(())
}
