//! The Route 53 emulator: a real `moto_server` on 127.0.0.1, one per test, killed on drop.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_binary() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("DNS_TEST_MOTO").map(PathBuf::from),
        Some(super::repo().join(".venv/bin/moto_server")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A port for a server that binds it itself (moto): below the kernel's ephemeral range
/// (32768–60999), so that no socket bound to port 0 by another test (a proxy, a client) can
/// take it between the check and moto's bind, and distinct within this test process. A port
/// another process holds is skipped.
pub fn server_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = 20_000 + ((std::process::id() * 97 + n) % 12_000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Starts moto, or says why not: skipped on a laptop without it, a failure under CI=true.
pub fn start() -> Option<Moto> {
    start_with(&[])
}

/// The same with environment variables for moto (e.g. `INITIAL_NO_AUTH_ACTION_COUNT=0`: every
/// request is authenticated against moto's IAM, so unknown keys are refused).
pub fn start_with(env: &[(&str, &str)]) -> Option<Moto> {
    let Some(binary) = moto_binary() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "moto_server is missing under CI=true: scripts/test.sh creates .venv with moto[server]"
            );
        }
        eprintln!(
            "SKIPPED: moto_server not found; run scripts/test.sh, which creates .venv with moto[server]"
        );
        return None;
    };
    for _ in 0..5 {
        let port = server_port();
        let child = Command::new(&binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let mut moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            // Ours, and listening: a moto that could not bind has exited.
            if moto.child.try_wait().ok().flatten().is_some() {
                break;
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(moto);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("moto_server did not start");
}

/// Runs `dns ARGS` in `dir` against the emulator at `url`.
pub fn run(url: &str, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    dns_at(url).args(args).current_dir(dir).output().unwrap()
}

/// The `dns` binary pointed at an emulator, with test credentials and no instance metadata.
pub fn dns_at(url: &str) -> std::process::Command {
    let mut cmd = super::dns();
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", url)
        .env("DNS_MAX_RPS", "1000")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .env_remove("AWS_PROFILE");
    cmd
}

/// A raw request to the emulator, for setting up what dns itself would not do (a second hosted
/// zone of the same name, somebody else's change).
pub fn request(port: u16, method: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

/// Creates a hosted zone directly in the emulator; its id.
pub fn create_zone(port: u16, name: &str, reference: &str) -> String {
    let body = format!(
        "<CreateHostedZoneRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><Name>{name}</Name><CallerReference>{reference}</CallerReference></CreateHostedZoneRequest>"
    );
    let out = request(port, "POST", "/2013-04-01/hostedzone", &body);
    let start = out.find("<Id>/hostedzone/").expect("hosted zone id") + 4;
    let end = out[start..].find("</Id>").unwrap() + start;
    out[start..end]
        .trim_start_matches("/hostedzone/")
        .to_string()
}

/// The id of the (first) hosted zone named `name`.
pub fn zone_id(port: u16, name: &str) -> String {
    let out = request(
        port,
        "GET",
        &format!("/2013-04-01/hostedzonesbyname?dnsname={name}."),
        "",
    );
    let start = out.find("<Id>/hostedzone/").expect("hosted zone id") + "<Id>/hostedzone/".len();
    let end = out[start..].find("</Id>").unwrap() + start;
    out[start..end].to_string()
}
