//! `dns check NAME`: settings from the arguments, the library's rounds, the report and its
//! exit code; the progress display and the `--wait` loop.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::Style;
use super::args::{CheckArgs, ExpectSource};
use super::sync::{options, runtime};
use crate::check::caches;
use crate::check::run::{self, Round};
use crate::check::settings::{Expect, Resolvers, Settings, Wait, ZoneFile};
use crate::error::{Error, Result};
use crate::report::check::{not_reached, render_private, render_round};
use crate::walk::{Config, hints};
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
    Ok(Settings {
        name: args.name.clone(),
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
    })
}

pub fn check(args: &CheckArgs, style: Style) -> Result<()> {
    let s = settings(args)?;
    let rt = runtime()?;
    if let Some((path, zone)) = run::private_zone(&s)? {
        let private = rt.block_on(run::check_private(&s, &path, &zone))?;
        write_stdout(|mut out| render_private(&mut out, &private, args.json, style))?;
        return match private.findings.len() {
            0 => Ok(()),
            n => Err(Error::Findings(n)),
        };
    }
    let hints = hints::load(s.root_hints.as_deref())?;
    let expected = rt.block_on(run::expected_ns(&s))?;
    let round = || rt.block_on(run::one_round(&s, &expected, &hints));
    let bar = spinner();
    let Some(wait) = s.wait else {
        // A progress display on a terminal only (indicatif draws nothing elsewhere).
        bar.set_message(format!(
            "walking to {} from the root, asking every server",
            s.name_text()
        ));
        bar.enable_steady_tick(Duration::from_millis(120));
        let result = round();
        bar.finish_and_clear();
        return report(args.json, &result?, style);
    };
    // --wait: check again until nothing is pending or the time is up.
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    for n in 1.. {
        let result = round()?;
        let pending = result.pending();
        if pending.is_empty() || started.elapsed() + wait.interval > wait.timeout {
            bar.finish_and_clear();
            // The last round's report; its own verdict gives way to the wait's.
            match report(args.json, &result, style) {
                Ok(()) | Err(Error::Findings(_) | Error::Unreachable(_)) => {}
                Err(other) => return Err(other),
            }
            if pending.is_empty() {
                eprintln!("done after {n} round(s), {:.0?}", started.elapsed());
                return Ok(());
            }
            return Err(Error::WaitTimeout {
                waited: started.elapsed(),
                pending: pending.join("; "),
            });
        }
        let line = format!(
            "round {n}: {} pending: {}",
            pending.len(),
            pending.join("; ")
        );
        if terminal {
            bar.set_message(line);
            bar.enable_steady_tick(Duration::from_millis(120));
        } else {
            eprintln!("{line}");
        }
        std::thread::sleep(wait.interval);
    }
    Ok(())
}

fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

/// Renders to stdout, buffered (stdout is line-buffered, and a large verification is many
/// lines).
fn write_stdout(render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    render(&mut out)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })
}

/// The round's report, and its verdict: exit 3 only when nothing could be judged (no root or
/// parent server could be asked). A zone whose servers are all dead or broken is judged
/// (exit 1), never "no problems".
fn report(json: bool, round: &Round, style: Style) -> Result<()> {
    write_stdout(|mut out| render_round(&mut out, round, json, style))?;
    if !round.findings.is_empty() {
        return Err(Error::Findings(round.findings.len()));
    }
    if round.facts.zone.is_none() {
        return Err(Error::Unreachable(not_reached(&round.facts)));
    }
    Ok(())
}
