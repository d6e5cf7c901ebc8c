//! A DNS hierarchy on loopback for the benchmarks (bench/check.sh): root → test. → hive.test.
//! (an address at the apex and at www, mail to mx.hive.test.), two servers below the root, every answer delayed by `--delay` ms. Prints the root hints path
//! and the port, then serves until stdin closes.
//!
//! cargo run --release --example dnslab -- [--delay MS] [--far] [--port N] [--silent] [--external N]
//!
//! `--far`: the delay is of every packet, as on a real network: a question over TCP waits the
//! handshake's round trip too (the first answer on a connection comes after twice the delay).
//!
//! `--external N`: hive.test. is delegated to ns1..nsN.dns.test. (127.53.2.1..N) and served by
//! something else started beside the lab (NSD in bench/verify.sh). `--ds 'TAG ALG TYPE DIGEST'`
//! adds that DS record for hive.test. to test. (a signed hive.test. served beside the lab).
//!
//! `--route53`: the shape of a Route 53 hosted zone instead (`lab::route53`): hive.test. delegated
//! without glue to four name servers in four other top-level zones (one of them two cuts deep,
//! like `.co.uk`), and www.hive.test. a CNAME to a load balancer's name in another zone.
//!
//! `--zones N`: N zones z01.test. … in the same shape as hive.test. (delegated from test. with
//! glue to ns1/ns2.dns.test., which serve them all): a company's domains at one provider, for
//! `dns check` of every zone in one run.
//!
//! `--move N`: a domain before a move: hive.test. holds N addresses (h0 … hN-1, 10.x.y.z, TTL
//! 300), delegated to two old servers (ns-old1/2.registrar.test., 127.53.9.1-2), and served as
//! well by the four new ones (ns1..ns4.dns.test., 127.53.2.1-4), for the pre-flight's bench.

#![allow(dead_code)]

#[path = "../tests/common/hostile.rs"]
mod hostile;
#[path = "../tests/common/lab.rs"]
mod lab;

use lab::{Delegation, Fault, ServerSpec, ZoneSpec, server};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let delay = value("--delay").unwrap_or(0);
    let port = value("--port").map(|p| p as u16);
    let silent = args.iter().any(|a| a == "--silent");
    let external = value("--external").map(|n| n as usize);
    let ds: Option<&'static str> = args
        .iter()
        .position(|a| a == "--ds")
        .and_then(|i| args.get(i + 1))
        .map(|v| &*Box::leak(v.clone().into_boxed_str()));
    const NAMES: [&str; 4] = [
        "ns1.dns.test.",
        "ns2.dns.test.",
        "ns3.dns.test.",
        "ns4.dns.test.",
    ];
    const ADDRS: [&str; 4] = ["127.53.2.1", "127.53.2.2", "127.53.2.3", "127.53.2.4"];
    let zones = vec![
        lab::root_zone(&[
            ("ns1.nic.test.", "127.53.1.1"),
            ("ns2.nic.test.", "127.53.1.2"),
        ]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test.", "ns2.nic.test."],
            serial: 1,
            records: [
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns2.nic.test.", "A", "127.53.1.2"),
                ("ns1.dns.test.", "A", "127.53.2.1"),
                ("ns2.dns.test.", "A", "127.53.2.2"),
            ]
            .into_iter()
            .chain(ds.map(|ds| ("hive.test.", "DS", ds)))
            .collect(),
            delegations: vec![match external {
                Some(n) => Delegation {
                    child: "hive.test.",
                    ns: NAMES[..n.min(4)].to_vec(),
                    glue: NAMES[..n.min(4)]
                        .iter()
                        .copied()
                        .zip(ADDRS[..n.min(4)].iter().copied())
                        .collect(),
                },
                None => Delegation {
                    child: "hive.test.",
                    ns: NAMES[..2].to_vec(),
                    glue: NAMES[..2]
                        .iter()
                        .copied()
                        .zip(ADDRS[..2].iter().copied())
                        .collect(),
                },
            }],
        },
        ZoneSpec {
            name: "hive.test.",
            ns: vec!["ns1.dns.test.", "ns2.dns.test."],
            serial: 2026112901,
            records: vec![
                ("hive.test.", "A", "192.0.2.10"),
                ("hive.test.", "MX", "10 mx.hive.test."),
                ("mx.hive.test.", "A", "192.0.2.25"),
                ("www.hive.test.", "A", "192.0.2.11"),
            ],
            delegations: vec![],
        },
    ];
    // Every answer delayed; with --silent, ns2.dns.test. never answers.
    let mut servers: Vec<ServerSpec> = [
        ("a.root.lab.", "127.53.0.1", "."),
        ("ns1.nic.test.", "127.53.1.1", "test."),
        ("ns2.nic.test.", "127.53.1.2", "test."),
        ("ns1.dns.test.", "127.53.2.1", "hive.test."),
        ("ns2.dns.test.", "127.53.2.2", "hive.test."),
    ]
    .into_iter()
    .map(|(name, addr, zone)| ServerSpec {
        faults: if silent && name == "ns2.dns.test." {
            vec![Fault::Silent]
        } else {
            vec![Fault::Delay(delay)]
        },
        ..server(name, addr, &[zone])
    })
    .collect();
    if external.is_some() {
        servers.truncate(3);
    }
    let (zones, mut servers) = if args.iter().any(|a| a == "--route53") {
        lab::route53(delay)
    } else if let Some(n) = value("--zones") {
        many(n as usize, delay)
    } else if let Some(n) = value("--move") {
        moving(n as usize, delay)
    } else {
        (zones, servers)
    };
    // --far: every packet delayed, as a real network delays them (a TCP question costs the
    // handshake's round trip too), instead of every answer.
    if args.iter().any(|a| a == "--far") {
        for s in &mut servers {
            for f in &mut s.faults {
                if let Fault::Delay(ms) = *f {
                    *f = Fault::Far(ms);
                }
            }
        }
    }
    let lab = lab::start_on(zones, servers, port);
    println!("{} {}", lab.hints().display(), lab.port);
    let mut line = String::new();
    while std::io::stdin()
        .read_line(&mut line)
        .map(|n| n > 0)
        .unwrap_or(false)
    {}
}

/// `--zones N`: root → test. → z01.test. … zNN.test., each on ns1/ns2.dns.test. (glue at
/// test.), every answer delayed.
fn many(n: usize, delay: u64) -> (Vec<ZoneSpec>, Vec<ServerSpec>) {
    let names: Vec<&'static str> = (1..=n)
        .map(|i| &*Box::leak(format!("z{i:02}.test.").into_boxed_str()))
        .collect();
    let (zones, mut servers) = lab::provider_tree(&names, |name| {
        let www = &*Box::leak(format!("www.{name}").into_boxed_str());
        vec![(name, "A", "192.0.2.10"), (www, "A", "192.0.2.11")]
    });
    for s in &mut servers {
        s.faults = vec![Fault::Delay(delay)];
    }
    (zones, servers)
}

/// `--move N`: hive.test. with N addresses on two old servers (the delegation) and four new ones,
/// every answer delayed.
fn moving(n: usize, delay: u64) -> (Vec<ZoneSpec>, Vec<ServerSpec>) {
    const OLD: [(&str, &str); 2] = [
        ("ns-old1.registrar.test.", "127.53.9.1"),
        ("ns-old2.registrar.test.", "127.53.9.2"),
    ];
    const NEW: [(&str, &str); 4] = [
        ("ns1.dns.test.", "127.53.2.1"),
        ("ns2.dns.test.", "127.53.2.2"),
        ("ns3.dns.test.", "127.53.2.3"),
        ("ns4.dns.test.", "127.53.2.4"),
    ];
    let leak = |s: String| &*Box::leak(s.into_boxed_str());
    let records: Vec<lab::Rec> = (0..n)
        .map(|i| {
            let owner = leak(format!("h{i}.hive.test."));
            let addr = leak(format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255));
            (owner, "A", addr)
        })
        .collect();
    let zones = vec![
        lab::root_zone(&[("ns1.nic.test.", "127.53.1.1")]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test."],
            serial: 1,
            records: [("ns1.nic.test.", "A", "127.53.1.1")]
                .into_iter()
                .chain(NEW.iter().map(|(name, addr)| (*name, "A", *addr)))
                .collect(),
            delegations: vec![Delegation {
                child: "hive.test.",
                ns: OLD.iter().map(|(name, _)| *name).collect(),
                glue: OLD.to_vec(),
            }],
        },
        ZoneSpec {
            name: "hive.test.",
            ns: NEW.iter().map(|(name, _)| *name).collect(),
            serial: 2026120701,
            records,
            delegations: vec![],
        },
    ];
    let servers = [
        ("a.root.lab.", "127.53.0.1", "."),
        ("ns1.nic.test.", "127.53.1.1", "test."),
    ]
    .into_iter()
    .chain(
        OLD.iter()
            .chain(&NEW)
            .map(|(name, addr)| (*name, *addr, "hive.test.")),
    )
    .map(|(name, addr, zone)| ServerSpec {
        faults: vec![Fault::Delay(delay)],
        ..server(name, addr, &[zone])
    })
    .collect();
    (zones, servers)
}
