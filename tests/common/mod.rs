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

pub mod moto;
pub mod proxy;

/// Writes `zones/<zone>.yaml` under `dir`.
pub fn write_zone(dir: &Path, zone: &str, text: &str) {
    let zones = dir.join("zones");
    std::fs::create_dir_all(&zones).unwrap();
    std::fs::write(zones.join(format!("{zone}.yaml")), text).unwrap();
}
pub mod lab;
