//! `dns check --format html` opened in a real browser: Debian's `chromium`, headless, driven by
//! its own command line. The page renders (a screenshot with content), runs its script without
//! a console message, and fetches nothing (chromium's own network log holds no request the page
//! made; a control page that does fetch is caught by the same reading, so the check can fail).
//!
//! The lab: root → test. → three zones — healthy.test. (signed, two good servers),
//! broken.test. (signed; one server serves bogus signatures, the other is lame), and
//! moving.test. (the registrar still delegates to the old provider's server; the new servers
//! already serve it). `DNS_SCREENSHOTS=DIR` copies the three scenarios' screenshots and the
//! run's there (the README's pictures: `DNS_SCREENSHOTS=docs/img`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::lab::{self, Delegation, Fault, Lab, ServerSpec, ZoneSpec, server};

fn zone(name: &'static str, ns: &[&'static str], signed: bool) -> ZoneSpec {
    let www: &'static str = Box::leak(format!("www.{name}").into_boxed_str());
    let mut records = vec![(name, "A", "192.0.2.10"), (www, "A", "192.0.2.10")];
    if signed {
        records.push((name, "DNSKEY", "k1"));
        records.push((name, "RRSIG", "k1 -1 30"));
    }
    ZoneSpec {
        name,
        ns: ns.to_vec(),
        serial: 1,
        records,
        delegations: vec![],
    }
}

fn lab() -> Lab {
    let delegate = |child, ns: &[(&'static str, &'static str)]| Delegation {
        child,
        ns: ns.iter().map(|(n, _)| *n).collect(),
        glue: ns.to_vec(),
    };
    let new = [
        ("ns1.dns.test.", "127.53.2.1"),
        ("ns2.dns.test.", "127.53.2.2"),
    ];
    let broken = [
        ("ns3.dns.test.", "127.53.2.3"),
        ("ns4.dns.test.", "127.53.2.4"),
    ];
    let old = [("ns-old.registrar.test.", "127.53.9.1")];
    let zones = vec![
        lab::root_zone(&[("ns1.nic.test.", "127.53.1.1")]),
        ZoneSpec {
            name: "test.",
            ns: vec!["ns1.nic.test."],
            serial: 1,
            records: vec![
                ("ns1.nic.test.", "A", "127.53.1.1"),
                ("ns1.dns.test.", "A", "127.53.2.1"),
                ("ns2.dns.test.", "A", "127.53.2.2"),
                ("ns3.dns.test.", "A", "127.53.2.3"),
                ("ns4.dns.test.", "A", "127.53.2.4"),
                ("ns-old.registrar.test.", "A", "127.53.9.1"),
                ("healthy.test.", "DS", "k1"),
                ("broken.test.", "DS", "k1"),
            ],
            delegations: vec![
                delegate("healthy.test.", &new),
                delegate("broken.test.", &broken),
                delegate("moving.test.", &old),
            ],
        },
        zone("healthy.test.", &["ns1.dns.test.", "ns2.dns.test."], true),
        zone("broken.test.", &["ns3.dns.test.", "ns4.dns.test."], true),
        zone("moving.test.", &["ns1.dns.test.", "ns2.dns.test."], false),
    ];
    let with = |faults: Vec<Fault>, spec: ServerSpec| ServerSpec { faults, ..spec };
    let servers = vec![
        server("a.root.lab.", "127.53.0.1", &["."]),
        server("ns1.nic.test.", "127.53.1.1", &["test."]),
        server(
            "ns1.dns.test.",
            "127.53.2.1",
            &["healthy.test.", "moving.test."],
        ),
        server(
            "ns2.dns.test.",
            "127.53.2.2",
            &["healthy.test.", "moving.test."],
        ),
        with(
            vec![Fault::BadSignatures],
            server("ns3.dns.test.", "127.53.2.3", &["broken.test."]),
        ),
        // Lame: the zone is not served there (it answers REFUSED).
        with(
            vec![Fault::Refuse],
            server("ns4.dns.test.", "127.53.2.4", &["broken.test."]),
        ),
        server("ns-old.registrar.test.", "127.53.9.1", &["moving.test."]),
    ];
    lab::start(zones, servers)
}

/// The zones directory: each zone's file as the lab serves it.
fn zones_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["healthy.test", "broken.test", "moving.test"] {
        common::write_zone(
            dir.path(),
            name,
            "$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.10}\nwww: {type: A, value: 192.0.2.10}\n",
        );
    }
    dir
}

fn check(lab: &Lab, dir: &Path, args: &[&str]) -> std::process::Output {
    common::dns()
        .arg("check")
        .args(args)
        .args(lab.args())
        .current_dir(dir)
        .output()
        .unwrap()
}

/// What chromium made of a page: its exit, its console lines, the requests the page made
/// (from the network log), the DOM after the script ran, and a screenshot.
struct Opened {
    console: Vec<String>,
    requests: Vec<String>,
    dom: String,
    shot: PathBuf,
}

/// `page` (with `fragment`) opened in headless chromium, in a profile of its own.
fn open(chromium: &Path, page: &Path, fragment: &str, work: &Path) -> Opened {
    let url = format!("file://{}{fragment}", page.display());
    let base = |profile: &str| {
        let mut c = Command::new(chromium);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            // Nothing leaves loopback: the browser's own background requests (updates,
            // accounts) go to a dead proxy on 127.0.0.1, and no name is resolved.
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,1200",
        ])
        .arg(format!("--user-data-dir={}", work.join(profile).display()))
        .env("HOME", work);
        c
    };
    let shot = work.join(format!(
        "{}.png",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let netlog = work.join("net.json");
    let out = base("shot")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let console = common::stderr(&out)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let dumped = base("dom").arg("--dump-dom").arg(&url).output().unwrap();
    assert!(dumped.status.success(), "{}", common::stderr(&dumped));
    Opened {
        console,
        requests: page_requests(&netlog),
        dom: common::stdout(&dumped),
        shot,
    }
}

/// The URLs of the requests a page made, from chromium's network log: every request job whose
/// initiator is an origin (the browser's own background requests have none — "not an origin");
/// and every TCP connection held to loopback.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).unwrap();
    // A log cut at exit lacks its closing brackets.
    let log: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .unwrap_or_else(|e| panic!("{netlog:?}: {e}"));
    // Every connection chromium opened went to loopback (the flags above hold it there).
    let connect = log["constants"]["logEventTypes"]["TCP_CONNECT_ATTEMPT"].clone();
    for e in log["events"].as_array().unwrap() {
        if e["type"] == connect
            && let Some(addr) = e["params"]["address"].as_str()
        {
            assert!(
                addr.starts_with("127.") || addr.starts_with("[::1]"),
                "chromium connected to {addr}"
            );
        }
    }
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start && e["params"]["initiator"] != "not an origin")
        .filter_map(|e| Some(e["params"]["url"].as_str()?.to_string()))
        .collect()
}

/// A screenshot with content: decoded, not one colour, and some of it not background.
fn has_content(shot: &Path) -> (usize, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(step).collect();
    let colours: std::collections::HashSet<&[u8]> = pixels.iter().copied().collect();
    let inked = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    (colours.len(), inked as f64 / pixels.len() as f64)
}

fn chromium() -> Option<PathBuf> {
    common::require_tool("chromium", "chromium")
}

#[test]
fn the_web_report_of_every_zone_renders_in_a_real_browser_and_fetches_nothing() {
    let Some(chromium) = chromium() else { return };
    let lab = lab();
    let dir = zones_dir();
    let work = tempfile::tempdir().unwrap();
    let page = work.path().join("report.html");
    let out = check(
        &lab,
        dir.path(),
        &["--format", "html", "-o", page.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Content-Security-Policy"), "{html}");

    let opened = open(&chromium, &page, "#state=errors", work.path());
    assert_eq!(opened.console, Vec::<String>::new(), "console messages");
    assert_eq!(opened.requests, Vec::<String>::new(), "the page fetched");
    let dom = &opened.dom;
    assert!(
        dom.contains("data-ready=\"yes\""),
        "the script did not run:\n{dom}"
    );
    // A row per zone, each with its state; the filter from the link hides all but the errors.
    let rows: Vec<&str> = dom
        .split("<tr ")
        .skip(1)
        .filter(|r| r.starts_with("data-state"))
        .map(|r| r.split("</tr>").next().unwrap_or_default())
        .collect();
    assert_eq!(rows.len(), 3, "{dom}");
    for (zone, state) in [
        ("broken.test.", "errors"),
        ("healthy.test.", "ok"),
        // The registrar still names the old server, which the zone's own NS set does not.
        ("moving.test.", "errors"),
    ] {
        let row = rows
            .iter()
            .find(|r| r.contains(&format!(">{zone}<")))
            .unwrap_or_else(|| panic!("no row for {zone}:\n{dom}"));
        assert!(row.starts_with(&format!("data-state=\"{state}\"")), "{row}");
        assert_eq!(row.contains("hidden"), state != "errors", "{row}");
    }
    // Each zone's picture inline, the signed ones with their chain of trust, and the findings
    // of the broken zone with their fixes.
    assert_eq!(dom.matches("<svg").count(), 3, "{dom}");
    assert_eq!(dom.matches("chain of trust").count(), 2, "{dom}");
    for code in ["dnssec.signature-invalid", "ns.lame"] {
        assert!(dom.contains(code), "{code} not in the page");
    }
    assert!(dom.contains("fix:"), "{dom}");
    let (colours, inked) = has_content(&opened.shot);
    assert!(
        colours > 8 && inked > 0.02,
        "{colours} colours, {inked:.3} inked"
    );
    // The whole run's page, as the README shows it (every zone, unfiltered).
    if let Ok(to) = std::env::var("DNS_SCREENSHOTS") {
        let every = open(&chromium, &page, "", work.path());
        std::fs::copy(&every.shot, Path::new(&to).join("every-zone.png")).unwrap();
    }

    // The page lists the worst first (the two with errors, by name, then the ok one); sorted
    // by state from the link (`#sort=1`, ascending): the ok zone first, the two with errors
    // after it in their order (a stable sort).
    let listed: Vec<&str> = ["broken.test.", "healthy.test.", "moving.test."]
        .into_iter()
        .map(|z| (html.find(&format!(">{z}</a></td>")).unwrap(), z))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    assert_eq!(listed, ["broken.test.", "moving.test.", "healthy.test."]);
    let sorted = open(&chromium, &page, "#sort=1", work.path());
    let order: Vec<&str> = ["broken.test.", "healthy.test.", "moving.test."]
        .into_iter()
        .map(|z| (sorted.dom.find(&format!(">{z}</a></td>")).unwrap(), z))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    assert_eq!(order, ["healthy.test.", "broken.test.", "moving.test."]);
    assert!(
        sorted.dom.contains("aria-sort=\"ascending\""),
        "{}",
        sorted.dom
    );

    // The control: a page that fetches is caught by the same reading of the network log.
    let control = work.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
    )
    .unwrap();
    let opened = open(&chromium, &control, "", work.path());
    assert_eq!(opened.requests, ["http://127.0.0.1:9/x.png"]);
}

/// The README's three pictures, each one zone's page: a healthy signed zone; a lame server and
/// a server with bogus signatures; the registrar not yet updated (the parent still delegates
/// to the old provider while the new servers are expected).
#[test]
fn three_scenarios_render_as_the_readme_shows_them() {
    let Some(chromium) = chromium() else { return };
    let lab = lab();
    let dir = zones_dir();
    let work = tempfile::tempdir().unwrap();
    let scenarios: [(&str, &[&str], i32, &[&str]); 3] = [
        ("healthy", &["healthy.test"], 0, &["no findings", "KSK"]),
        (
            "lame-and-bogus",
            &["broken.test"],
            1,
            &["dnssec.signature-invalid", "ns.lame", "✗"],
        ),
        (
            "registrar-not-updated",
            &["moving.test", "--expect-ns", "ns1.dns.test,ns2.dns.test"],
            1,
            &["not delegated by the parent", "ns-old.registrar.test."],
        ),
    ];
    for (name, args, code, shown) in scenarios {
        let page = work.path().join(format!("{name}.html"));
        let mut all = args.to_vec();
        all.extend(["--format", "html", "-o", page.to_str().unwrap()]);
        let out = check(&lab, dir.path(), &all);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{name}: {}",
            common::stderr(&out)
        );
        let opened = open(&chromium, &page, "", work.path());
        assert_eq!(opened.console, Vec::<String>::new(), "{name}");
        assert_eq!(opened.requests, Vec::<String>::new(), "{name}");
        for text in shown {
            assert!(
                opened.dom.contains(text),
                "{name}: no '{text}':\n{}",
                opened.dom
            );
        }
        let (colours, inked) = has_content(&opened.shot);
        assert!(
            colours > 8 && inked > 0.02,
            "{name}: {colours} colours, {inked:.3}"
        );
        if let Ok(to) = std::env::var("DNS_SCREENSHOTS") {
            std::fs::copy(&opened.shot, Path::new(&to).join(format!("{name}.png"))).unwrap();
        }
    }
}

/// `dns plan --format html` against moto: the plan as one page, opened in chromium — no
/// console message, nothing fetched, a screenshot with content; a value holding markup is
/// shown as text (escaped), and the checksum is the JSON plan's.
#[test]
fn the_plan_as_a_web_page_renders_and_shows_markup_in_values_as_text() {
    let Some(chromium) = chromium() else { return };
    let Some(moto) = common::moto::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let zone = "plan-html.example.com";
    common::moto::create_zone(moto.port, zone, "html");
    common::write_zone(
        dir.path(),
        zone,
        "www: {type: A, value: 192.0.2.1}\n'': {type: TXT, value: '<script>alert(1)</script> | &amp;'}\n",
    );
    let out = common::moto::run(&moto.url(), dir.path(), &["plan", "--format", "html"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let work = tempfile::tempdir().unwrap();
    let page = work.path().join("plan.html");
    std::fs::write(&page, &out.stdout).unwrap();
    let json: serde_json::Value = serde_json::from_slice(
        &common::moto::run(&moto.url(), dir.path(), &["plan", "--json"]).stdout,
    )
    .unwrap();
    let opened = open(&chromium, &page, "", work.path());
    assert_eq!(opened.console, Vec::<String>::new());
    assert_eq!(opened.requests, Vec::<String>::new());
    let dom = &opened.dom;
    assert!(dom.contains("<h1>dns plan</h1>"), "{dom}");
    assert!(dom.contains("AWS account 123456789012"), "{dom}");
    assert!(
        dom.contains("<tr class=\"create\"><td>+</td><td><code>www</code></td><td>A</td>"),
        "{dom}"
    );
    // The markup in the TXT value is text on the page: no script element came of it.
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt; | &amp;amp;"),
        "{dom}"
    );
    assert_eq!(dom.matches("<script").count(), 0, "{dom}");
    let checksum = json["zones"][0]["checksum"].as_str().unwrap();
    assert!(
        dom.contains(&format!("Checksum: <code>{checksum}</code>")),
        "{dom}"
    );
    let (colours, inked) = has_content(&opened.shot);
    assert!(
        colours > 8 && inked > 0.02,
        "{colours} colours, {inked:.3} inked"
    );
}
