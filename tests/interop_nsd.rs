//! Interop: NSD (Debian's `nsd`) serves a zone exported by `dns export`, delegated from the
//! loopback lab, and `dns check` finds it healthy — and finds NSD's lameness when it does not
//! serve the zone. Skipped with a reason when NSD is missing, a failure under CI=true.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::lab::{self, Delegation, ZoneSpec, server};

struct Nsd(Child);

impl Drop for Nsd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_nsd(nsd: &Path, dir: &Path, port: u16, zones: &[(&str, &str)]) -> Nsd {
    let mut conf = format!(
        "server:\n  ip-address: 127.53.2.1@{port}\n  ip-address: 127.53.2.2@{port}\n  username: \"\"\n  chroot: \"\"\n  \
         zonesdir: \"{d}\"\n  pidfile: \"{d}/nsd.pid\"\n  xfrdfile: \"{d}/xfrd.state\"\n  zonelistfile: \"{d}/zone.list\"\n  \
         logfile: \"{d}/nsd.log\"\n  database: \"\"\nremote-control:\n  control-enable: no\n",
        d = dir.display()
    );
    for (name, file) in zones {
        conf.push_str(&format!("zone:\n  name: {name}\n  zonefile: \"{file}\"\n"));
    }
    let conf_path = dir.join("nsd.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let running = Nsd(Command::new(nsd)
        .arg("-d")
        .arg("-c")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.53.2.2", port)).is_ok() {
            return running;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "nsd did not start: {}",
        std::fs::read_to_string(dir.join("nsd.log")).unwrap_or_default()
    );
}

fn parent_zones() -> Vec<ZoneSpec> {
    vec![
        ZoneSpec {
            name: ".",
            ns: vec!["a.root.lab."],
            serial: 1,
            records: vec![("a.root.lab.", "A", "127.53.0.1")],
            delegations: vec![Delegation {
                child: "test.",
                ns: vec!["ns1.nic.test."],
                glue: vec![("ns1.nic.test.", "127.53.1.1")],
            }],
        },
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test."],
            serial: 1,
            records: vec![
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns1.dns.test.", "A", "127.53.2.1"),
                ("ns2.dns.test.", "A", "127.53.2.2"),
            ],
            delegations: vec![Delegation {
                child: "hive.test.",
                ns: vec!["ns1.dns.test.", "ns2.dns.test."],
                glue: vec![],
            }],
        },
    ]
}

#[test]
fn nsd_serving_an_exported_zone_passes_the_check() {
    let Some(nsd) = common::require_tool("nsd", "nsd") else {
        return;
    };
    let lab = lab::start(
        parent_zones(),
        vec![
            server("a.root.lab.", "127.53.0.1", &["."]),
            server("ns1.nic.test.", "127.53.1.1", &["test."]),
        ],
    );
    let work = tempfile::tempdir().unwrap();
    common::write_zone(
        work.path(),
        "hive.test",
        "www: {type: A, values: [192.0.2.1, 192.0.2.2]}\n'': {type: TXT, value: hello}\n",
    );
    let out = common::dns()
        .args([
            "export",
            "hive.test",
            "--ns",
            "ns1.dns.test,ns2.dns.test",
            "-o",
        ])
        .arg(work.path().join("hive.test.zone"))
        .current_dir(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let _nsd = start_nsd(
        &nsd,
        work.path(),
        lab.port,
        &[("hive.test.", "hive.test.zone")],
    );

    let out = common::dns()
        .args(["check", "www.hive.test", "--json"])
        .args(lab.args())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "{:#}",
        json["findings"]
    );
    assert_eq!(out.status.code(), Some(0));
    let last = &json["levels"][2]["probes"];
    assert_eq!(
        last.as_array().unwrap().len(),
        2,
        "both NSD addresses were asked"
    );
    assert!(
        last.as_array()
            .unwrap()
            .iter()
            .all(|p| p["flags"] == "aa" && p["rcode"] == "NOERROR"),
        "{last:#}"
    );
}

#[test]
fn nsd_without_the_zone_is_lame() {
    let Some(nsd) = common::require_tool("nsd", "nsd") else {
        return;
    };
    let lab = lab::start(
        parent_zones(),
        vec![
            server("a.root.lab.", "127.53.0.1", &["."]),
            server("ns1.nic.test.", "127.53.1.1", &["test."]),
        ],
    );
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("other.zone"), "$ORIGIN other.test.\n@ 300 IN SOA ns1.dns.test. h.other.test. 1 2 3 4 5\n@ 300 IN NS ns1.dns.test.\n").unwrap();
    let _nsd = start_nsd(
        &nsd,
        work.path(),
        lab.port,
        &[("other.test.", "other.zone")],
    );
    let out = common::dns()
        .args(["check", "hive.test", "--json"])
        .args(lab.args())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.iter().all(|c| *c == "ns.lame") && codes.len() == 2,
        "{:#}",
        json["findings"]
    );
    assert_eq!(out.status.code(), Some(1));
}
