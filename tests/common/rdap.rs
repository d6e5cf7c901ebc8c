//! ICANN's RDAP server (`rdap-srv` of the crate icann-rdap-srv, installed by scripts/test.sh into
//! .tools/) on loopback, serving domain objects made by its own data tool (`rdap-srv-data`): a
//! registry's RDAP service as registries run it, not hand-written replies.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The server's binary: `DNS_TEST_RDAP_SRV`, else `rdap-srv` on PATH; skipped on a laptop
/// without it, a failure under CI=true.
pub fn binary() -> Option<PathBuf> {
    let given = std::env::var_os("DNS_TEST_RDAP_SRV")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    let found = given.or_else(|| super::require_tool_quiet("rdap-srv"));
    if found.is_none() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "rdap-srv is missing under CI=true: scripts/test.sh installs icann-rdap-srv into .tools/"
        );
        eprintln!(
            "SKIPPED: rdap-srv not found (scripts/test.sh installs icann-rdap-srv into .tools/)"
        );
    }
    found
}

/// A domain as the registry holds it.
pub struct Domain<'a> {
    pub ldh: &'a str,
    pub ns: &'a [&'a str],
    pub statuses: &'a [&'a str],
    /// The expiration event, RFC 3339 (rdap-srv-data writes none; added to its output).
    pub expires: Option<String>,
}

/// A running RDAP server; its base URL is [`Registry::url`].
pub struct Registry {
    pub url: String,
    _daemon: super::Daemon,
    _dir: tempfile::TempDir,
}

/// Starts the server with `domains` (their name servers and one registrar entity made too).
pub fn start(srv: &Path, domains: &[Domain]) -> Registry {
    let data = srv.with_file_name("rdap-srv-data");
    let dir = tempfile::tempdir().unwrap();
    let port = super::moto::server_port();
    let url = format!("http://127.0.0.1:{port}/rdap");
    let make = |args: &[&str]| {
        let out = Command::new(&data)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "rdap-srv-data {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    make(&[
        "entity",
        "-B",
        &url,
        "--handle",
        "REG-1",
        "--full-name",
        "Example Registrar, Inc.",
    ]);
    let mut servers: Vec<&str> = domains.iter().flat_map(|d| d.ns.iter().copied()).collect();
    servers.sort_unstable();
    servers.dedup();
    for ns in servers {
        make(&["nameserver", "-B", &url, "--ldh", ns]);
    }
    for d in domains {
        let mut args = vec!["domain", "-B", &url, "--ldh", d.ldh, "--registrar", "REG-1"];
        for ns in d.ns {
            args.extend(["--ns", ns]);
        }
        for status in d.statuses {
            args.extend(["--status", status]);
        }
        make(&args);
        if let Some(expires) = &d.expires {
            add_expiration(dir.path(), d.ldh, expires);
        }
    }
    serve(srv, dir, port, url)
}

/// Adds an expiration event to the domain object rdap-srv-data wrote for `ldh`.
fn add_expiration(dir: &Path, ldh: &str, date: &str) {
    let suffix = format!("_domain_{}.json", ldh.replace('.', "_"));
    let file = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(&suffix))
        .unwrap_or_else(|| panic!("no domain file for {ldh}"));
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    doc["events"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"eventAction": "expiration", "eventDate": date}));
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
}

/// An RFC 3339 date `days` from now.
pub fn days_from_now(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let at = now + days * 86_400;
    let (d, secs) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = d + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A server that holds `ldh` only as a redirect to `to` (RFC 7480 §5.2: HTTP 307 and Location),
/// made by rdap-srv-data's own `--redirect`.
pub fn start_redirecting(srv: &Path, ldh: &str, to: &str) -> Registry {
    let data = srv.with_file_name("rdap-srv-data");
    let dir = tempfile::tempdir().unwrap();
    let port = super::moto::server_port();
    let url = format!("http://127.0.0.1:{port}/rdap");
    let out = Command::new(&data)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--redirect", to, "domain", "-B", &url, "--ldh", ldh])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serve(srv, dir, port, url)
}

/// rdap-srv serving the objects in `dir` on `port`, once it listens.
fn serve(srv: &Path, dir: tempfile::TempDir, port: u16, url: String) -> Registry {
    let daemon = super::start_daemon(
        Command::new(srv)
            .env("RDAP_SRV_LISTEN_ADDR", "127.0.0.1")
            .env("RDAP_SRV_LISTEN_PORT", port.to_string())
            .env("RDAP_SRV_DATA_DIR", dir.path()),
        "127.0.0.1",
        port,
    );
    Registry {
        url,
        _daemon: daemon,
        _dir: dir,
    }
}
