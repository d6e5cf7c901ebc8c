//! The day a live domain moves: NSD serves the TLD (test.), the old provider's zone and the new
//! servers' (the zone file, exported), unbound is a resolver that cached the old answers, and
//! `dns check --wait --expect-ns … --resolvers …` follows the move while the test switches the
//! TLD's delegation: the states, one line each as they change, from "new servers ready" through
//! "caches catching up" (unbound's old answer, its end predicted from the TTL it has left) to
//! "done". Everything on port 53 of loopback addresses (unbound follows referrals to port 53
//! only), so it needs root; CI runs as root. Skipped with a reason without NSD, unbound or root,
//! failing under CI=true. And the pre-flight against NSD on the lab's port: the old provider
//! serves a mail set the zone file forgot, found without a zone transfer and named first.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::lab::{self, server};

const TLD_ADDRS: [&str; 2] = ["127.53.1.1", "127.53.1.2"];
const OLD_ADDR: &str = "127.53.9.1";
const NEW_ADDRS: [&str; 2] = ["127.53.2.1", "127.53.2.2"];
const RESOLVER: &str = "127.53.9.53";

/// The TLD's zone, delegating hive.test to `ns` with a 2 s NS TTL.
fn tld_zone(serial: u32, ns: &[&str]) -> String {
    let mut text = format!(
        "$ORIGIN test.\n$TTL 2\n@ IN SOA ns1.nic.test. hostmaster.nic.test. {serial} 3600 600 86400 2\n\
         @ NS ns1.nic.test.\n@ NS ns2.nic.test.\nns1.nic A 127.53.1.1\nns2.nic A 127.53.1.2\n\
         ns-old.registrar A {OLD_ADDR}\nns1.dns A 127.53.2.1\nns2.dns A 127.53.2.2\n"
    );
    for n in ns {
        text.push_str(&format!("hive NS {n}\n"));
    }
    text
}

/// The old provider's zone: the address the file no longer has, all TTLs 6 s.
const OLD_ZONE: &str = "$ORIGIN hive.test.\n$TTL 6\n\
    @ IN SOA ns-old.registrar.test. hostmaster.registrar.test. 1 3600 600 86400 6\n\
    @ NS ns-old.registrar.test.\n@ A 192.0.2.10\n";

/// The zone file of the move: the new address (the intended change), TTL 4 s.
const FILE: &str = "$zone: {ttl: 4}\n'': {type: A, value: 192.0.2.20}\n";

fn start_unbound(binary: &std::path::Path, dir: &std::path::Path) -> common::Daemon {
    std::fs::write(
        dir.join("root.hints"),
        ". 3600000 NS a.root.lab.\na.root.lab. 3600000 A 127.53.0.1\n",
    )
    .unwrap();
    let conf = format!(
        "server:\n  interface: {RESOLVER}\n  port: 53\n  do-ip6: no\n  do-not-query-localhost: no\n  \
         access-control: 127.0.0.0/8 allow\n  username: \"\"\n  chroot: \"\"\n  directory: \"{d}\"\n  \
         pidfile: \"{d}/unbound.pid\"\n  use-syslog: no\n  module-config: \"iterator\"\n  \
         root-hints: \"{d}/root.hints\"\n  qname-minimisation: no\n  prefetch: no\n  \
         serve-expired: no\n  local-zone: \"test.\" nodefault\n\
         remote-control:\n  control-enable: no\n",
        d = dir.display()
    );
    let path = dir.join("unbound.conf");
    std::fs::write(&path, conf).unwrap();
    common::start_daemon(
        Command::new(binary).arg("-d").arg("-c").arg(&path),
        RESOLVER,
        53,
    )
}

#[test]
fn a_whole_move_is_followed_from_new_servers_ready_to_done_while_the_tld_switches() {
    let (Some(nsd), Some(unbound)) = (
        common::require_tool("nsd", "nsd"),
        common::require_tool("unbound", "unbound"),
    ) else {
        return;
    };
    if !common::is_root() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "under CI=true this test must run as root (unbound asks port 53 only)"
        );
        eprintln!("SKIPPED: unbound follows referrals to port 53 only, which needs root");
        return;
    }
    let root = lab::start_on(
        vec![lab::root_zone(&[
            ("ns1.nic.test.", TLD_ADDRS[0]),
            ("ns2.nic.test.", TLD_ADDRS[1]),
        ])],
        vec![server("a.root.lab.", "127.53.0.1", &["."])],
        Some(53),
    );
    let tld_dir = tempfile::tempdir().unwrap();
    let tld_file = tld_dir.path().join("test.zone");
    std::fs::write(&tld_file, tld_zone(1, &["ns-old.registrar.test."])).unwrap();
    let tld = common::nsd::start_at(
        &nsd,
        tld_dir.path(),
        53,
        &TLD_ADDRS,
        &[("test.", "test.zone")],
    );
    let old_dir = tempfile::tempdir().unwrap();
    std::fs::write(old_dir.path().join("hive.test.zone"), OLD_ZONE).unwrap();
    let _old = common::nsd::start_with(
        &nsd,
        old_dir.path(),
        53,
        &[OLD_ADDR],
        &[("hive.test.", "hive.test.zone")],
        "  minimal-responses: yes\n",
    );
    let new_dir = tempfile::tempdir().unwrap();
    common::nsd::export(new_dir.path(), FILE);
    let _new = common::nsd::start_at(
        &nsd,
        new_dir.path(),
        53,
        &NEW_ADDRS,
        &[("hive.test.", "hive.test.zone")],
    );
    let resolver_dir = tempfile::tempdir().unwrap();
    let _unbound = start_unbound(&unbound, resolver_dir.path());

    let mut child = common::dns()
        .args([
            "check",
            "hive.test",
            "--expect-ns",
            "ns1.dns.test,ns2.dns.test",
            "--resolvers",
            RESOLVER,
            "--wait",
            "--interval",
            "300ms",
            "--wait-timeout",
            "60s",
            "--json",
            "--root-hints",
        ])
        .arg(root.hints())
        .args(["--port", "53", "--timeout", "500ms", "-4", "--no-rdap"])
        .current_dir(new_dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let started = Instant::now();
    let mut lines = Vec::new();
    let mut heard = Vec::new();
    let mut switched = None;
    for line in stderr.lines() {
        let line = line.unwrap();
        heard.push(Instant::now());
        // The first state seen: the new servers proven ready. Then the TLD switches.
        if switched.is_none() && line.contains(" state: new servers ready") {
            std::fs::write(&tld_file, tld_zone(2, &["ns1.dns.test.", "ns2.dns.test."])).unwrap();
            tld.hangup();
            switched = Some(Instant::now());
        }
        lines.push(line);
        assert!(started.elapsed() < Duration::from_secs(120), "{lines:#?}");
    }
    let out = child.wait_with_output().unwrap();
    let err = lines.join("\n");
    assert_eq!(out.status.code(), Some(0), "{err}");
    let states: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with("round "))
        .filter_map(|l| l.split_once(" state: ").map(|(_, s)| s))
        .map(|s| s.split(" — ").next().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "new servers ready",
            "delegated to the new servers, caches catching up",
            "done"
        ],
        "{err}"
    );
    // The switch is said with the time until which the old servers may still be asked.
    let seen = lines
        .iter()
        .find(|l| l.contains("caches catching up"))
        .unwrap();
    assert!(
        seen.contains("the switch was seen now: until ")
            && seen.contains("resolvers may still ask the old servers"),
        "{seen}"
    );
    // The last round's document: done, the caches current.
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["move"]["state"], "done", "{:#}", json["move"]);
    assert!(
        json["caches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["state"] == "current"),
        "{:#}",
        json["caches"]
    );
    // The end of the wait was predicted by the TTL unbound had left when the switch was seen:
    // done came when it ran out, give or take a round and the TTL's whole seconds.
    let (first, left) = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| {
            let (_, rest) = l.split_once("caches catching up; cache ")?;
            let secs = rest.split_once("(ttl left ")?.1.split_once("s)")?.0;
            Some((i, secs.parse::<u64>().unwrap()))
        })
        .unwrap_or_else(|| panic!("no round with a stale cache after the switch:\n{err}"));
    let done = lines
        .iter()
        .position(|l| l.contains(" state: done"))
        .unwrap();
    let predicted = heard[first] + Duration::from_secs(left);
    let came = heard[done];
    assert!(
        came + Duration::from_millis(1500) >= predicted
            && came <= predicted + Duration::from_secs(3),
        "predicted {left} s after the first stale round, done {:?} after it\n{err}",
        came - heard[first]
    );
    let waited = switched.unwrap().elapsed();
    assert!(waited < Duration::from_secs(6 + 6 + 3), "{waited:?}\n{err}");
}

/// The old provider's zone of a live domain: mail, a DMARC policy and a `www` the zone file
/// forgot, and the address it changes on purpose.
const LIVE_ZONE: &str = "$ORIGIN hive.test.\n$TTL 300\n\
    @ IN SOA ns-old.registrar.test. hostmaster.registrar.test. 1 3600 600 86400 300\n\
    @ NS ns-old.registrar.test.\n@ A 192.0.2.10\n@ MX 10 mail.hive.test.\n\
    mail A 192.0.2.25\n_dmarc TXT \"v=DMARC1; p=none\"\nwww A 192.0.2.10\n";

/// Before the switch, the current servers are asked beyond the zone file (usual names, the mail
/// exchanger their MX names) without a zone transfer: what the new servers lack is
/// move.records-missing, mail first, and the state is not ready; once the file (and so the new
/// servers) has it, the switch is safe and the address the file changes is said as intended.
#[test]
fn the_preflight_finds_the_mail_the_zone_file_forgot_and_calls_the_switch_safe_only_without_it() {
    let Some(nsd) = common::require_tool("nsd", "nsd") else {
        return;
    };
    let (mut zones, mut servers) = lab::hive_tree(vec![]);
    zones.truncate(2);
    servers.truncate(2);
    zones[1].delegations[0].ns = vec!["ns-old.registrar.test."];
    zones[1].delegations[0].glue = vec![];
    zones[1]
        .records
        .push(("ns-old.registrar.test.", "A", OLD_ADDR));
    let lab = lab::start(zones, servers);
    let old_dir = tempfile::tempdir().unwrap();
    std::fs::write(old_dir.path().join("hive.test.zone"), LIVE_ZONE).unwrap();
    let _old = common::nsd::start_at(
        &nsd,
        old_dir.path(),
        lab.port,
        &[OLD_ADDR],
        &[("hive.test.", "hive.test.zone")],
    );
    let check = |file: &str| {
        let dir = tempfile::tempdir().unwrap();
        let new = common::nsd::export_and_serve(&nsd, &lab, dir.path(), file, false, |t| t);
        let args = ["hive.test", "--expect-ns", "ns1.dns.test,ns2.dns.test"];
        let (code, json, text) = common::check_json(&lab, &args, dir.path());
        drop(new);
        (code, json, text)
    };
    let (code, json, text) = check("$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.20}\n");
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(
        json["move"]["state"], "delegated-elsewhere",
        "{:#}",
        json["move"]
    );
    let message = message_of(&json, "move.records-missing");
    assert!(
        message.contains(
            "would lose or change 0 of the 1 record sets of zones/hive.test.yaml, and 4 record set(s) the current servers serve beyond it: hive.test. MX [10 mail.hive.test.] (not in the file): missing on ns1.dns.test. (127.53.2.1)"
        ),
        "mail first: {message}"
    );
    for set in [
        "_dmarc.hive.test. TXT",
        "mail.hive.test. A [192.0.2.25]",
        "www.hive.test. A",
    ] {
        assert!(message.contains(set), "{set}: {message}");
    }
    // The difference of the old servers from the file is the change the move makes, not an
    // error about them.
    assert!(
        !json["findings"].to_string().contains("records.differ"),
        "{text}"
    );

    // The file holds what the old provider serves (and the new address): safe, with the change.
    let (_, json, text) = check(
        "$zone: {ttl: 300}\n'':\n  - {type: A, value: 192.0.2.20}\n  - {type: MX, value: {preference: 10, exchange: mail.hive.test.}}\n\
         mail: {type: A, value: 192.0.2.25}\n_dmarc: {type: TXT, value: v=DMARC1\\; p=none}\nwww: {type: A, value: 192.0.2.10}\n",
    );
    assert_eq!(json["move"]["state"], "ready-to-switch", "{text}");
    let said = json["move"]["said"].as_str().unwrap();
    assert!(
        said.contains("the switch is safe; it changes 1 record set(s) on purpose, as the zone file says: hive.test. A [192.0.2.20]"),
        "{said}"
    );
    assert!(
        !json["findings"]
            .to_string()
            .contains("move.records-missing"),
        "{text}"
    );
}

/// The message of the finding with `code` in a check's JSON document.
fn message_of(json: &serde_json::Value, code: &str) -> String {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code}: {:#}", json["findings"]))
        .to_string()
}

/// The emulator's delegation set, the same for every hosted zone.
const MOTO_NS: [(&str, &str, &str); 4] = [
    ("com.", "ns-2048.awsdns-64.com.", "127.53.4.1"),
    ("net.", "ns-2049.awsdns-65.net.", "127.53.4.2"),
    ("org.", "ns-2050.awsdns-66.org.", "127.53.4.3"),
    ("co.uk.", "ns-2051.awsdns-67.co.uk.", "127.53.4.4"),
];

/// root → test. (delegating hive.test to the old provider) and com./net./org./co.uk., where the
/// emulator's four name servers live; those four serve hive.test. with `records`.
fn route53_lab(records: Vec<lab::Rec>) -> lab::Lab {
    let (mut zones, mut servers) = lab::hive_tree(records);
    zones[1].delegations[0].ns = vec!["ns-old.registrar.test."];
    zones[1].delegations[0].glue = vec![];
    zones[1]
        .records
        .push(("ns-old.registrar.test.", "A", OLD_ADDR));
    zones[0].records.push(("a.gtld.lab.", "A", "127.53.5.1"));
    zones[2].ns = MOTO_NS.iter().map(|(_, ns, _)| *ns).collect();
    for (tld, ns, addr) in MOTO_NS {
        zones[0].delegations.push(lab::Delegation {
            child: tld,
            ns: vec!["a.gtld.lab."],
            glue: vec![("a.gtld.lab.", "127.53.5.1")],
        });
        zones.push(lab::ZoneSpec {
            name: tld,
            ns: vec!["a.gtld.lab."],
            serial: 1,
            records: vec![(ns, "A", addr)],
            delegations: vec![],
        });
    }
    servers.truncate(2);
    let tlds: Vec<&'static str> = MOTO_NS.iter().map(|(tld, _, _)| *tld).collect();
    servers.push(server("a.gtld.lab.", "127.53.5.1", &tlds));
    servers.extend(
        MOTO_NS
            .iter()
            .map(|(_, ns, addr)| server(ns, addr, &["hive.test."])),
    );
    lab::start(zones, servers)
}

/// `--expect route53` with no zone file: the hosted zone's record sets (read through the API)
/// stand in for the file, so the pre-flight still finds what Route 53 lacks of what the old
/// provider serves — the mail first.
#[test]
fn without_a_zone_file_the_hosted_zone_is_what_the_preflight_compares() {
    let (Some(nsd), Some(moto)) = (common::require_tool("nsd", "nsd"), common::moto::start())
    else {
        return;
    };
    let file_dir = tempfile::tempdir().unwrap();
    let file = "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.20}\n";
    common::write_zone(file_dir.path(), "hive.test", file);
    let synced = common::moto::run(
        &moto.url(),
        file_dir.path(),
        &["sync", "--create-zone", "--yes"],
    );
    assert_eq!(synced.status.code(), Some(0), "{}", common::stderr(&synced));
    let lab = route53_lab(vec![("hive.test.", "A", "192.0.2.20")]);
    let old_dir = tempfile::tempdir().unwrap();
    std::fs::write(old_dir.path().join("hive.test.zone"), LIVE_ZONE).unwrap();
    let _old = common::nsd::start_at(
        &nsd,
        old_dir.path(),
        lab.port,
        &[OLD_ADDR],
        &[("hive.test.", "hive.test.zone")],
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let out = common::moto::dns_at(&moto.url())
        .args(["check", "hive.test", "--expect", "route53", "--json"])
        .args(lab.args())
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json["move"]["state"], "delegated-elsewhere",
        "{:#}",
        json["move"]
    );
    let file = json["preflight"]["file"].as_str().unwrap();
    assert!(
        file.starts_with("the hosted zone hive.test. (") && file.contains("no zone file"),
        "{file}"
    );
    let message = message_of(&json, "move.records-missing");
    assert!(
        message.contains(
            "would lose or change 0 of the 1 record sets of the hosted zone hive.test. ("
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "beyond it: hive.test. MX [10 mail.hive.test.] (not in the hosted zone): missing on ns-2048.awsdns-64.com. (127.53.4.1)"
        ),
        "{message}"
    );
    assert!(
        json["move"]["next"].as_str().unwrap().contains("dns sync"),
        "{:#}",
        json["move"]
    );
}
