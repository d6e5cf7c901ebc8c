//! BIND (Debian's `bind9`, `named`) as an authoritative server, for what BIND does differently
//! from NSD: its response-rate limiting (`rate-limit { … }`: off unless configured; a window of
//! 15 seconds over which the rate is averaged, referrals counted per delegation and NXDOMAIN
//! answers per zone, every second dropped answer slipped as TC=1).

use std::path::Path;
use std::process::Command;

/// `named` serving `zones` (name, master file in `dir`) on `addrs` at `port`, with `options`
/// added to its `options { }` block (e.g. a `rate-limit { … };`); returns once every address
/// serves every zone.
pub fn start(
    named: &Path,
    dir: &Path,
    port: u16,
    addrs: &[&str],
    zones: &[(&str, &str)],
    options: &str,
) -> super::Daemon {
    let d = dir.display();
    let mut conf = format!(
        "options {{\n  directory \"{d}\";\n  pid-file \"{d}/named.pid\";\n  \
         session-keyfile \"{d}/session.key\";\n  managed-keys-directory \"{d}\";\n  \
         listen-on port {port} {{ {}; }};\n  listen-on-v6 {{ none; }};\n  recursion no;\n  \
         dnssec-validation no;\n  notify no;\n{options}}};\ncontrols {{ }};\n",
        addrs.join("; ")
    );
    for (name, file) in zones {
        conf.push_str(&format!(
            "zone \"{name}\" {{ type primary; file \"{d}/{file}\"; }};\n"
        ));
    }
    let conf_path = dir.join("named.conf");
    std::fs::write(&conf_path, conf).unwrap();
    // In the foreground (-g), one worker thread, as whoever runs the tests.
    let daemon = super::start_daemon(
        Command::new(named)
            .args(["-g", "-n", "1", "-c"])
            .arg(&conf_path),
        addrs[addrs.len() - 1],
        port,
    );
    for (name, _) in zones {
        super::wait_for_zone(addrs, port, name);
    }
    daemon
}
