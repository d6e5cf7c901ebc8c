//! A company's portfolio on NSD (its TLD on BIND or Knot when asked), as the real root and TLD
//! servers serve it: the root
//! (a.root.lab., 127.54.0.1), `test.` (ns1/ns2.nic.test., 127.54.1.1-2) and the lab's zones
//! z001.test. … with their provider's `dns.test.` (ns1/ns2.dns.test., 127.54.2.1-2), three NSD
//! processes with NSD's response-rate limiting as configured (`rrl`: its default, 200 answers a
//! second per kind of answer, when empty), and a names file of the zones and of names the TLD
//! does not delegate.

use std::path::{Path, PathBuf};

use super::Daemon;

pub struct Portfolio {
    pub port: u16,
    pub hints: PathBuf,
    pub names: PathBuf,
    _daemons: Vec<Daemon>,
}

impl Portfolio {
    /// `--root-hints`, `--port` for `dns check`.
    pub fn args(&self) -> Vec<String> {
        vec![
            "--root-hints".into(),
            self.hints.display().to_string(),
            "--port".into(),
            self.port.to_string(),
        ]
    }
}

/// Who serves `test.` (the TLD every name of the portfolio is under).
pub enum Tld<'a> {
    /// NSD with the same `server:` options as the root's and the provider's.
    Nsd,
    /// BIND's `named`, with these lines in its `options { }` (its `rate-limit { … };`). BIND
    /// listens only on the addresses of the machine's interfaces, so both of the TLD's name
    /// servers are at 127.0.0.1 (the lab's free port keeps it apart).
    Bind(&'a Path, &'a str),
    /// Knot's `knotd`, with these settings in its `mod-rrl` section (none: no limiting), on
    /// the two addresses NSD would use.
    Knot(&'a Path, &'a str),
}

/// `zones` lab zones and `unregistered` names under test., served with `rrl` (NSD `server:`
/// options, indented) on every server; the state in `dir`.
pub fn start(nsd: &Path, dir: &Path, zones: usize, unregistered: usize, rrl: &str) -> Portfolio {
    start_with(nsd, dir, zones, unregistered, rrl, Tld::Nsd)
}

/// [`start`], with `test.` served by `tld`.
pub fn start_with(
    nsd: &Path,
    dir: &Path,
    zones: usize,
    unregistered: usize,
    rrl: &str,
    tld_server: Tld<'_>,
) -> Portfolio {
    let port = super::moto::free_port();
    let tld_addrs: [&str; 2] = match tld_server {
        Tld::Nsd | Tld::Knot(..) => ["127.54.1.1", "127.54.1.2"],
        Tld::Bind(..) => ["127.0.0.1", "127.0.0.1"],
    };
    let tld_glue = format!(
        "ns1.nic.test. A {}\nns2.nic.test. A {}\n",
        tld_addrs[0], tld_addrs[1]
    );
    let soa = |apex: &str, ns: &str| {
        let mail = format!("hostmaster.{}", apex.trim_start_matches('.'));
        let mail = if apex == "." {
            "hostmaster.root.lab."
        } else {
            &mail
        };
        format!("$TTL 3600\n{apex} IN SOA {ns} {mail} 1 7200 3600 1209600 3600\n")
    };
    let mut root = soa(".", "a.root.lab.");
    root.push_str(
        ". NS a.root.lab.\na.root.lab. A 127.54.0.1\n\
         test. NS ns1.nic.test.\ntest. NS ns2.nic.test.\n",
    );
    root.push_str(&tld_glue);
    let mut tld = soa("test.", "ns1.nic.test.");
    tld.push_str("test. NS ns1.nic.test.\ntest. NS ns2.nic.test.\n");
    tld.push_str(&tld_glue);
    tld.push_str(
        "dns.test. NS ns1.dns.test.\ndns.test. NS ns2.dns.test.\n\
         ns1.dns.test. A 127.54.2.1\nns2.dns.test. A 127.54.2.2\n",
    );
    let names: Vec<String> = (1..=zones).map(|i| format!("z{i:03}.test.")).collect();
    let mut provider = vec![("dns.test.".to_string(), {
        let mut z = soa("dns.test.", "ns1.dns.test.");
        z.push_str(
            "dns.test. NS ns1.dns.test.\ndns.test. NS ns2.dns.test.\n\
             ns1.dns.test. A 127.54.2.1\nns2.dns.test. A 127.54.2.2\n",
        );
        z
    })];
    for (i, zone) in names.iter().enumerate() {
        tld.push_str(&format!(
            "{zone} NS ns1.dns.test.\n{zone} NS ns2.dns.test.\n"
        ));
        let mut z = soa(zone, "ns1.dns.test.");
        z.push_str(&format!(
            "{zone} NS ns1.dns.test.\n{zone} NS ns2.dns.test.\n{zone} A 192.0.2.{}\nwww.{zone} A 192.0.2.{}\n",
            i % 250 + 1,
            i % 250 + 1
        ));
        provider.push((zone.clone(), z));
    }
    let serve = |sub: &str, addrs: &[&str], served: &[(String, String)], other: Option<&Tld>| {
        let state = dir.join(sub);
        std::fs::create_dir_all(&state).unwrap();
        let files: Vec<(String, String)> = served
            .iter()
            .map(|(zone, text)| {
                let file = format!("{}zone", zone.trim_start_matches('.'));
                std::fs::write(state.join(&file), text).unwrap();
                (zone.clone(), file)
            })
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(z, f)| (z.as_str(), f.as_str()))
            .collect();
        match other {
            Some(Tld::Bind(named, options)) => {
                super::bind::start(named, &state, port, addrs, &refs, options)
            }
            Some(Tld::Knot(knotd, settings)) => {
                super::knot::start(knotd, &state, port, addrs, &refs, settings)
            }
            Some(Tld::Nsd) | None => super::nsd::start_with(nsd, &state, port, addrs, &refs, rrl),
        }
    };
    // BIND's two name servers are one address.
    let tld_count = if matches!(tld_server, Tld::Bind(..)) {
        1
    } else {
        2
    };
    let daemons = vec![
        serve("root", &["127.54.0.1"], &[(".".into(), root)], None),
        serve(
            "tld",
            &tld_addrs[..tld_count],
            &[("test.".into(), tld)],
            Some(&tld_server),
        ),
        serve("provider", &["127.54.2.1", "127.54.2.2"], &provider, None),
    ];
    let hints = dir.join("root.hints");
    std::fs::write(
        &hints,
        ". 3600000 NS a.root.lab.\na.root.lab. 3600000 A 127.54.0.1\n",
    )
    .unwrap();
    let list = dir.join("names.txt");
    let mut text: String = names.iter().map(|n| format!("{n}\n")).collect();
    for i in 1..=unregistered {
        text.push_str(&format!("n{i:04}.test.\n"));
    }
    std::fs::write(&list, text).unwrap();
    Portfolio {
        port,
        hints,
        names: list,
        _daemons: daemons,
    }
}
