//! The cache view against a real caching resolver: unbound from Debian, on loopback, resolving
//! through the lab (stub zones to the lab's port). A record changes on the authoritative servers:
//! `dns check --resolvers` reports unbound's copy as stale with the TTL it has left, then as
//! current once it expired, and `--wait` waits for that. Skipped without unbound, failing under
//! CI=true.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::lab::{self, Fault};

fn start_unbound(
    binary: &std::path::Path,
    dir: &std::path::Path,
    lab_port: u16,
) -> (common::Daemon, u16) {
    let port = common::moto::free_port();
    let stubs: String = [
        (".", "127.53.0.1"),
        ("test.", "127.53.1.1"),
        ("hive.test.", "127.53.2.1"),
    ]
    .iter()
    .map(|(zone, addr)| format!("stub-zone:\n  name: \"{zone}\"\n  stub-addr: {addr}@{lab_port}\n"))
    .collect();
    let conf = format!(
        "server:\n  interface: 127.53.9.53\n  port: {port}\n  do-ip6: no\n  do-not-query-localhost: no\n  \
         access-control: 127.0.0.0/8 allow\n  username: \"\"\n  chroot: \"\"\n  directory: \"{d}\"\n  \
         pidfile: \"{d}/unbound.pid\"\n  use-syslog: no\n  module-config: \"iterator\"\n  \
         qname-minimisation: no\n  prefetch: no\n  serve-expired: no\n  local-zone: \"test.\" nodefault\n\
         remote-control:\n  control-enable: no\n{stubs}",
        d = dir.display()
    );
    let path = dir.join("unbound.conf");
    std::fs::write(&path, conf).unwrap();
    let daemon = common::start_daemon(
        Command::new(binary).arg("-d").arg("-c").arg(&path),
        "127.53.9.53",
        port,
    );
    (daemon, port)
}

fn cache_check(
    lab: &lab::Lab,
    dir: &std::path::Path,
    resolver: &str,
    extra: &[&str],
) -> (Option<i32>, serde_json::Value, String) {
    let out = common::dns()
        .args(["check", "www.hive.test", "--resolvers", resolver])
        .args(lab.args())
        .args(extra)
        .current_dir(dir)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code(),
        json,
        format!("{}\n{}", common::stdout(&out), common::stderr(&out)),
    )
}

#[test]
fn a_stale_cache_is_reported_with_its_ttl_then_as_current_and_waited_for() {
    let Some(unbound) = common::require_tool("unbound", "unbound") else {
        return;
    };
    // Both servers hand out the old address for the first 3 s, then the zone file's.
    let old = || vec![Fault::For(3000, Box::new(Fault::Address("192.0.2.99")))];
    let started = Instant::now();
    let (zones, mut servers) = lab::hive_tree(vec![("www.hive.test.", "A/5", "192.0.2.11")]);
    servers[2].faults = old();
    servers[3].faults = old();
    let lab = lab::start(zones, servers);
    let work = tempfile::tempdir().unwrap();
    let (_unbound, port) = start_unbound(&unbound, work.path(), lab.port);
    let resolver = format!("127.53.9.53:{port}");

    // Before the change: no zone file here, so the caches are compared with the servers.
    let (_, json, all) = cache_check(&lab, work.path(), &resolver, &["--json"]);
    assert_eq!(json["caches"][0]["values"][0], "192.0.2.99", "{all}");
    assert_eq!(json["caches"][0]["state"], "current", "{all}");
    assert!(
        started.elapsed() < Duration::from_millis(3000),
        "primed while the old data was served"
    );

    // After the change, with the zone file that has the new address.
    std::thread::sleep(Duration::from_millis(3100).saturating_sub(started.elapsed()));
    common::write_zone(
        work.path(),
        "hive.test",
        "www: {type: A, ttl: 5, value: 192.0.2.11}\n",
    );
    let (code, json, all) = cache_check(&lab, work.path(), &resolver, &["--json"]);
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "the servers are right: {all}"
    );
    let cache = &json["caches"][0];
    assert_eq!(
        (cache["state"].as_str(), cache["values"][0].as_str()),
        (Some("stale"), Some("192.0.2.99")),
        "{all}"
    );
    let left = cache["ttl_left"].as_u64().unwrap();
    assert!((1..=5).contains(&left), "TTL left {left}");
    assert_eq!(json["let_go_in_seconds"].as_u64(), Some(left));
    assert_eq!(code, Some(0), "a stale cache is not a fault of the zone");

    // --wait rounds until unbound's copy expired and it fetched the new one.
    let (code, _, all) = cache_check(
        &lab,
        work.path(),
        &resolver,
        &["--wait", "--interval", "500ms", "--wait-timeout", "20s"],
    );
    assert_eq!(code, Some(0), "{all}");
    assert!(
        all.contains("cache 127.53.9.53") && all.contains("stale"),
        "a round saw the stale cache:\n{all}"
    );
    assert!(
        all.contains("192.0.2.11  TTL left") && all.contains("current"),
        "{all}"
    );
    assert!(
        all.contains("every cache asked serves the current data"),
        "{all}"
    );
}
