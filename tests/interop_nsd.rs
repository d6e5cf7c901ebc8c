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

const EVERY_TYPE: &str = "\
$zone: {ttl: 600}
'':
  - type: ALIAS
    value: {target: elb.test., hosted_zone_id: Z2FDTNDATAQYW2}
  - type: MX
    values:
      - {preference: 10, exchange: mx1.hive.test.}
      - {preference: 20, exchange: .}
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
";

fn serve_every_type(tamper: impl Fn(String) -> String) -> (Option<i32>, serde_json::Value) {
    let nsd = common::require_tool("nsd", "nsd").expect("checked by the caller");
    let mut zones = parent_zones();
    zones[1].records.push(("elb.test.", "A", "192.0.2.80"));
    let lab = lab::start(
        zones,
        vec![
            server("a.root.lab.", "127.53.0.1", &["."]),
            server("ns1.nic.test.", "127.53.1.1", &["test."]),
        ],
    );
    let work = tempfile::tempdir().unwrap();
    common::write_zone(
        work.path(),
        "hive.test",
        &EVERY_TYPE.replace("LONGTXT", &"k".repeat(400)),
    );
    let master = work.path().join("hive.test.zone");
    let out = common::dns()
        .args([
            "export",
            "hive.test",
            "--ns",
            "ns1.dns.test,ns2.dns.test",
            "-o",
        ])
        .arg(&master)
        .current_dir(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    // Route 53 answers an ALIAS with the target's addresses: so does NSD here.
    let text = std::fs::read_to_string(&master).unwrap() + "hive.test. 60 IN A 192.0.2.80\n";
    std::fs::write(&master, tamper(text)).unwrap();
    let _nsd = start_nsd(
        &nsd,
        work.path(),
        lab.port,
        &[("hive.test.", "hive.test.zone")],
    );
    let out = common::dns()
        .args(["check", "hive.test", "--json"])
        .args(lab.args())
        .current_dir(work.path())
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn every_record_type_of_the_zone_file_is_verified_on_nsd() {
    if common::require_tool("nsd", "nsd").is_none() {
        return;
    }
    let (code, json) = serve_every_type(|t| t);
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(0));
    let sets = json["verification"]["sets"].as_array().unwrap();
    let types: std::collections::BTreeSet<&str> =
        sets.iter().map(|s| s["type"].as_str().unwrap()).collect();
    let want = [
        "A", "AAAA", "ALIAS A", "CAA", "CNAME", "MX", "NS", "SRV", "TXT",
    ];
    assert_eq!(
        types,
        want.into_iter().collect(),
        "every zone file type is covered"
    );
    assert_eq!(sets.len(), 10);

    // The same zone served with a changed MX, a TXT missing and another TTL on AAAA.
    let (code, json) = serve_every_type(|t| {
        t.replace("MX 20 .", "MX 30 .")
            .replace("TXT \"v=spf1 -all\"", "TXT \"v=spf1 ~all\"")
            .lines()
            .filter(|l| !l.contains("_sip._tcp"))
            .map(|l| {
                if l.contains("AAAA") {
                    l.replace(" 600 ", " 300 ")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "records.differ",
            "records.differ",
            "records.not-served",
            "records.differ"
        ],
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(1));
}
