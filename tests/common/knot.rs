//! Knot DNS (Debian's `knot`, `knotd`) as an authoritative server, for what Knot does
//! differently from NSD and BIND: its response-rate limiting is a module (`mod-rrl`), off unless
//! loaded, counting answers per class (positive, NXDOMAIN, referral, …) and source netblock in
//! a hashed table, and slipping every `slip`-th dropped answer as TC=1.

use std::path::Path;
use std::process::Command;

/// `knotd` serving `zones` (name, master file in `dir`) on `addrs` at `port`; `rrl` is the
/// `mod-rrl` section's settings (e.g. `rate-limit: 50\n    slip: 2`), none when empty. Returns
/// once every address serves every zone.
pub fn start(
    knotd: &Path,
    dir: &Path,
    port: u16,
    addrs: &[&str],
    zones: &[(&str, &str)],
    rrl: &str,
) -> super::Daemon {
    let d = dir.display();
    let listen: Vec<String> = addrs.iter().map(|a| format!("{a}@{port}")).collect();
    let mut conf = format!(
        "server:\n    rundir: \"{d}\"\n    listen: [ {} ]\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n\
         log:\n  - target: stderr\n    any: warning\n\
         database:\n    storage: \"{d}\"\n\
         control:\n    listen: \"{d}/knot.sock\"\n",
        listen.join(", ")
    );
    if !rrl.is_empty() {
        conf.push_str(&format!("mod-rrl:\n  - id: limit\n    {rrl}\n"));
    }
    conf.push_str(&format!(
        "template:\n  - id: default\n    storage: \"{d}\"\n    semantic-checks: off\n{}",
        match rrl.is_empty() {
            true => String::new(),
            false => "    global-module: mod-rrl/limit\n".to_string(),
        }
    ));
    conf.push_str("zone:\n");
    for (name, file) in zones {
        conf.push_str(&format!(
            "  - domain: \"{name}\"\n    file: \"{d}/{file}\"\n"
        ));
    }
    let conf_path = dir.join("knot.conf");
    std::fs::write(&conf_path, conf).unwrap();
    // In the foreground, as whoever runs the tests.
    let daemon = super::start_daemon(
        Command::new(knotd).arg("-c").arg(&conf_path),
        addrs[addrs.len() - 1],
        port,
    );
    for (name, _) in zones {
        super::wait_for_zone(addrs, port, name);
    }
    daemon
}
