//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `dns` binary built for these tests.
pub fn dns() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dns"));
    cmd.env("NO_COLOR", "1");
    cmd
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    dns().args(args).current_dir(cwd).output().expect("run dns")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The stdout of a run that must have exited 0 (else both streams in the failure).
pub fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Finds a Debian tool needed by an interop test. Missing on a laptop: the test prints why and
/// skips. Missing under CI=true: the test fails, since .ci/run installs it.
pub fn require_tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "{name} is missing under CI=true: .ci/run must install the Debian package {package}"
            );
        }
        eprintln!(
            "SKIPPED: {name} not found; install the Debian package {package} to run this test"
        );
    }
    found
}

/// A program on PATH, if there is one (no message: the caller says what is missing).
pub fn require_tool_quiet(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// Whether the tests run as root (a lab on port 53 needs it).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A server program a test started (NSD, unbound), killed when dropped.
pub struct Daemon(std::process::Child);

impl Daemon {
    /// Sends the daemon SIGHUP (NSD: read the zone files that changed).
    pub fn hangup(&self) {
        let status = Command::new("kill")
            .args(["-HUP", &self.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -HUP {}", self.0.id());
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` and waits until it accepts TCP on `addr:port`.
pub fn start_daemon(command: &mut Command, addr: &str, port: u16) -> Daemon {
    let daemon = Daemon(
        command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the daemon"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if std::net::TcpStream::connect((addr, port)).is_ok() {
            return daemon;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{command:?} did not start listening on {addr}:{port}");
}

/// Runs a `dns check NAME …` command with `--save-facts`, then judges the saved facts again
/// with `dns check --from-facts` (nothing sent) and holds the two to each other: the same exit
/// code and the same report on stdout, but for the replay's line (text) or `from_facts` key
/// (JSON) that says it was judged again. Returns the first run's output: every lab scenario
/// that goes through here is a golden test of the saved facts.
pub fn check_and_replay(cmd: &mut Command) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("facts.json.gz");
    let json = cmd.get_args().any(|a| a == "--json");
    let cwd = cmd.get_current_dir().map(Path::to_path_buf);
    let out = cmd.arg("--save-facts").arg(&saved).output().unwrap();
    let mut again = dns();
    again.arg("check").arg("--from-facts").arg(&saved);
    if json {
        again.arg("--json");
    }
    if let Some(cwd) = cwd {
        again.current_dir(cwd);
    }
    let replayed = again.output().unwrap();
    let context = || {
        format!(
            "first run, stdout:\n{}\nstderr:\n{}\nreplay, stdout:\n{}\nstderr:\n{}",
            stdout(&out),
            stderr(&out),
            stdout(&replayed),
            stderr(&replayed)
        )
    };
    if !saved.exists() {
        // Nothing to judge again: the check stopped before a round (a usage error, a zone
        // file that does not load); the replay must then have nothing to read either.
        assert_ne!(out.status.code(), Some(0), "no facts saved: {}", context());
        return out;
    }
    assert_eq!(
        out.status.code(),
        replayed.status.code(),
        "exit codes: {}",
        context()
    );
    if json {
        let first: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut second: serde_json::Value = serde_json::from_slice(&replayed.stdout).unwrap();
        let from = second
            .as_object_mut()
            .and_then(|o| o.remove("from_facts"))
            .unwrap_or_else(|| panic!("the replay does not say where it came from: {}", context()));
        assert!(from["captured_at"].is_string(), "{from}");
        assert!(first == second, "the replay's JSON differs: {}", context());
    } else {
        let second = stdout(&replayed);
        let (said, rest) = second.split_once('\n').unwrap_or_default();
        assert!(said.starts_with(";; judged again from"), "{}", context());
        assert_eq!(
            stdout(&out),
            rest,
            "the replay's report differs: {}",
            context()
        );
    }
    out
}

/// Runs `dns check ARGS --json` against `lab` in `cwd`: exit code, the JSON, and all output.
pub fn check_json(
    lab: &lab::Lab,
    args: &[&str],
    cwd: &Path,
) -> (Option<i32>, serde_json::Value, String) {
    let mut cmd = dns();
    cmd.arg("check")
        .args(args)
        .args(lab.args())
        .arg("--json")
        .current_dir(cwd);
    let out = check_and_replay(&mut cmd);
    let text = format!("{}\n{}", stdout(&out), stderr(&out));
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {text}"));
    (out.status.code(), json, text)
}

pub mod bind;
pub mod knot;
pub mod moto;
pub mod nsd;
pub mod portfolio;
pub mod proxy;
pub mod rdap;

/// Writes `zones/<zone>.yaml` under `dir`.
pub fn write_zone(dir: &Path, zone: &str, text: &str) {
    let zones = dir.join("zones");
    std::fs::create_dir_all(&zones).unwrap();
    std::fs::write(zones.join(format!("{zone}.yaml")), text).unwrap();
}
pub mod hostile;
pub mod lab;

/// BIND's reading of a master file (`named-checkzone -D`), as (owner, ttl, type, rdata) in lower-case owners, without
/// the apex SOA and NS.
pub fn bind_reading(
    checkzone: &Path,
    zone: &str,
    file: &Path,
    cwd: &Path,
) -> Result<std::collections::BTreeSet<String>, String> {
    let out = Command::new(checkzone)
        .args(["-D", "-o", "-", zone])
        .arg(file)
        .current_dir(cwd)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "named-checkzone refused {}:\n{text}",
            file.display()
        ));
    }
    let apex = format!("{zone}.");
    let mut records = std::collections::BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("zone ") || line == "OK" || line.trim().is_empty() {
            continue;
        }
        // owner, TTL, class, type, then the data as BIND writes it (its spaces kept).
        let mut rest = line;
        let mut fields = Vec::new();
        for _ in 0..4 {
            rest = rest.trim_start();
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            fields.push(&rest[..end]);
            rest = &rest[end..];
        }
        let [owner, ttl, _class, rtype] = fields[..] else {
            return Err(format!("unexpected line from named-checkzone: {line}"));
        };
        let owner = owner.to_ascii_lowercase();
        if owner == apex && matches!(rtype, "SOA" | "NS") {
            continue;
        }
        // Names are case-insensitive (RFC 4343): BIND keeps the case written, dns lower-cases.
        let data = match rtype {
            "CNAME" | "NS" | "MX" | "SRV" => rest.trim().to_ascii_lowercase(),
            _ => rest.trim().to_string(),
        };
        records.insert(format!("{owner} {ttl} {rtype} {data}"));
    }
    if records.is_empty() {
        return Err(format!(
            "named-checkzone -D gave no records for {}:\n{text}",
            file.display()
        ));
    }
    Ok(records)
}

/// Waits until every address answers the zone's SOA with authority (a server accepts
/// connections before it has loaded its zones: asking too early gets REFUSED or SERVFAIL).
pub fn wait_for_zone(addrs: &[&str], port: u16, zone: &str) {
    use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
    use hickory_proto::rr::{Name, RecordType};
    let mut query = Message::new(0x5353, MessageType::Query, OpCode::Query);
    query.add_query(Query::query(
        Name::from_ascii(zone).unwrap(),
        RecordType::SOA,
    ));
    let bytes = query.to_vec().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    for addr in addrs {
        loop {
            let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            socket
                .set_read_timeout(Some(std::time::Duration::from_millis(200)))
                .unwrap();
            let _ = socket.send_to(&bytes, (*addr, port));
            let mut buf = [0u8; 4096];
            let ready = socket
                .recv(&mut buf)
                .ok()
                .and_then(|n| Message::from_vec(&buf[..n]).ok())
                .is_some_and(|m| {
                    m.metadata.authoritative && m.metadata.response_code == ResponseCode::NoError
                });
            if ready {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{addr}:{port} does not serve {zone} after 10 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

/// A zone file with every type dns manages (an ALIAS at the apex to elb.test., MX, TXT with
/// quotes and `LONGTXT` to replace with a text over 255 octets, CAA, a CNAME, AAAA, a
/// wildcard, SRV, an NS sub-delegation), for the interop tests (NSD, Knot).
pub const EVERY_TYPE: &str = "\
$zone: {ttl: 600}
'':
  - type: ALIAS
    value: {target: elb.test., hosted_zone_id: Z2FDTNDATAQYW2}
  - type: MX
    values:
      - {preference: 10, exchange: mx1.hive.test.}
      - {preference: 20, exchange: mx2.hive.test.}
  - type: TXT
    values: ['v=spf1 -all', 'say \"hi\"; semi', LONGTXT]
  - type: CAA
    values:
      - {flags: 0, tag: issue, value: amazon.com}
      - {flags: 128, tag: iodef, value: 'mailto:sec@hive.test'}
www: {type: CNAME, ttl: 60, value: elb.test.}
v6: {type: AAAA, values: ['2001:db8::1', '2001:db8::2']}
'*.dev': {type: A, value: 192.0.2.7}
_sip._tcp: {type: SRV, value: {priority: 1, weight: 5, port: 5060, target: sip.hive.test.}}
lab: {type: NS, values: [ns1.lab.example.net., ns2.lab.example.net.]}
mx1: {type: A, value: 192.0.2.25}
mx2: {type: A, value: 192.0.2.26}
";

/// The finding codes of a check's JSON document, in order.
pub fn finding_codes(json: &serde_json::Value) -> Vec<&str> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}
