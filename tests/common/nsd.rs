//! NSD (Debian's `nsd`) serving zones exported by `dns export` on the lab's second level
//! (ns1/ns2.dns.test, 127.53.2.1-2), under the lab's root and test. servers; and the BIND tools
//! that sign them.

use std::path::Path;
use std::process::Command;

use super::lab;

/// NSD serving `zones` (name, master file in `dir`) on ns1/ns2.dns.test at the lab's port,
/// zone transfers refused as a production server refuses them; returns once NSD serves every
/// zone.
pub fn start(nsd: &Path, dir: &Path, port: u16, zones: &[(&str, &str)]) -> super::Daemon {
    start_at(nsd, dir, port, &["127.53.2.1", "127.53.2.2"], zones)
}

/// NSD serving `zones` on `addrs` at `port` (its state kept in `dir`), zone transfers refused;
/// returns once every address serves every zone.
pub fn start_at(
    nsd: &Path,
    dir: &Path,
    port: u16,
    addrs: &[&str],
    zones: &[(&str, &str)],
) -> super::Daemon {
    serve(nsd, dir, port, addrs, zones, false)
}

/// [`start_at`] with more `server:` options (one per line, indented), e.g. minimal responses.
pub fn start_with(
    nsd: &Path,
    dir: &Path,
    port: u16,
    addrs: &[&str],
    zones: &[(&str, &str)],
    options: &str,
) -> super::Daemon {
    serve_with(nsd, dir, port, addrs, zones, false, options)
}

fn serve(
    nsd: &Path,
    dir: &Path,
    port: u16,
    addrs: &[&str],
    zones: &[(&str, &str)],
    transfers: bool,
) -> super::Daemon {
    serve_with(nsd, dir, port, addrs, zones, transfers, "")
}

fn serve_with(
    nsd: &Path,
    dir: &Path,
    port: u16,
    addrs: &[&str],
    zones: &[(&str, &str)],
    transfers: bool,
    options: &str,
) -> super::Daemon {
    let mut conf = format!("server:\n{options}");
    for addr in addrs {
        conf.push_str(&format!("  ip-address: {addr}@{port}\n"));
    }
    conf.push_str(&format!(
        "  username: \"\"\n  chroot: \"\"\n  \
         zonesdir: \"{d}\"\n  pidfile: \"{d}/nsd.pid\"\n  xfrdfile: \"{d}/xfrd.state\"\n  zonelistfile: \"{d}/zone.list\"\n  \
         logfile: \"{d}/nsd.log\"\n  database: \"\"\nremote-control:\n  control-enable: no\n",
        d = dir.display()
    ));
    for (name, file) in zones {
        conf.push_str(&format!("zone:\n  name: {name}\n  zonefile: \"{file}\"\n"));
        if transfers {
            conf.push_str("  provide-xfr: 127.0.0.0/8 NOKEY\n");
        }
    }
    let conf_path = dir.join("nsd.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let daemon = super::start_daemon(
        Command::new(nsd).arg("-d").arg("-c").arg(&conf_path),
        addrs[addrs.len() - 1],
        port,
    );
    // Serving, not just listening: a zone NSD refuses to load fails here, by name.
    for (name, _) in zones {
        super::wait_for_zone(addrs, port, name);
    }
    daemon
}

/// Root and test. (with `extra` records) from the lab; hive.test. is NSD's.
pub fn parent_lab(extra: &[lab::Rec]) -> lab::Lab {
    let (mut zones, mut servers) = lab::hive_tree(vec![]);
    zones.truncate(2);
    zones[1].records.extend_from_slice(extra);
    servers.truncate(2);
    lab::start(zones, servers)
}

/// Writes `yaml` as zones/hive.test.yaml in `dir` and exports it with `dns export` to
/// `dir`/hive.test.zone, served by ns1 and ns2.dns.test.
pub fn export(dir: &Path, yaml: &str) -> std::path::PathBuf {
    super::write_zone(dir, "hive.test", yaml);
    let master = dir.join("hive.test.zone");
    let out = super::dns()
        .args([
            "export",
            "hive.test",
            "--ns",
            "ns1.dns.test,ns2.dns.test",
            "-o",
        ])
        .arg(&master)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", super::stderr(&out));
    master
}

/// [`export`], then the master file through `edit`, served by NSD on the lab's port; with
/// `transfers`, NSD gives the zone by transfer to loopback (anyone, as far as the check can
/// tell), so that the check can look for records beyond the file.
pub fn export_and_serve(
    nsd: &Path,
    lab: &lab::Lab,
    dir: &Path,
    yaml: &str,
    transfers: bool,
    edit: impl Fn(String) -> String,
) -> super::Daemon {
    let master = export(dir, yaml);
    std::fs::write(&master, edit(std::fs::read_to_string(&master).unwrap())).unwrap();
    let zones = [("hive.test.", "hive.test.zone")];
    let addrs = ["127.53.2.1", "127.53.2.2"];
    serve(nsd, dir, lab.port, &addrs, &zones, transfers)
}

/// Runs a BIND tool in `dir`, giving its standard output.
pub fn run(tool: &Path, args: &[&str], dir: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        tool.display(),
        super::stderr(&out)
    );
    super::stdout(&out)
}
