//! Registration facts against a real RDAP server on loopback (ICANN's `rdap-srv`, its domain
//! objects made by its own `rdap-srv-data`): a domain on hold, one expiring, one expired, one
//! whose registry name servers differ from the delegation served, one the registry does not
//! have, and an RDAP service that cannot be reached (said, never a failed check).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::lab::{self, Lab};
use common::rdap::{self, Domain};

const NS: [&str; 2] = ["ns1.dns.test", "ns2.dns.test"];

/// root → test. → alpha., gamma., delta., epsilon.test (delegated to ns1/ns2.dns.test. with
/// glue); beta.test. is registered but on hold: test. does not delegate it.
fn lab() -> Lab {
    let delegated = ["alpha.test.", "gamma.test.", "delta.test.", "epsilon.test."];
    let (zones, servers) = lab::provider_tree(&delegated, |zone| vec![(zone, "A", "192.0.2.1")]);
    lab::start(zones, servers)
}

/// The registration finding codes of each zone of a many-zone run's JSON.
fn registration_codes(docs: &serde_json::Value) -> BTreeMap<String, BTreeSet<String>> {
    docs.as_array()
        .unwrap()
        .iter()
        .map(|doc| {
            let codes = doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| f["code"].as_str())
                .filter(|c| c.starts_with("registration."))
                .map(str::to_string)
                .collect();
            (doc["name"].as_str().unwrap().to_string(), codes)
        })
        .collect()
}

#[test]
fn what_the_registry_says_is_judged_beside_the_delegation() {
    let Some(srv) = rdap::binary() else { return };
    let lab = lab();
    let far = Some(rdap::days_from_now(400));
    let registry = rdap::start(
        &srv,
        &[
            Domain {
                ldh: "alpha.test",
                ns: &NS,
                statuses: &["active", "client transfer prohibited"],
                expires: far.clone(),
            },
            Domain {
                ldh: "beta.test",
                ns: &NS,
                statuses: &["client hold"],
                expires: far.clone(),
            },
            Domain {
                ldh: "gamma.test",
                ns: &NS,
                statuses: &["active"],
                expires: Some(rdap::days_from_now(10)),
            },
            Domain {
                ldh: "delta.test",
                ns: &NS,
                statuses: &["active"],
                expires: Some(rdap::days_from_now(-3)),
            },
            Domain {
                ldh: "epsilon.test",
                ns: &["ns1.new-provider.test", "ns2.new-provider.test"],
                statuses: &["active"],
                expires: far,
            },
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("names.txt"),
        "alpha.test\nbeta.test\ngamma.test\ndelta.test\nepsilon.test\nnowhere.test\n",
    )
    .unwrap();
    let out = common::dns()
        .args([
            "check",
            "--names",
            "names.txt",
            "--rdap-url",
            &registry.url,
            "--json",
        ])
        .args(lab.args())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let run: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::stderr(&out)));
    // The run's object: the zones' documents under `zones`.
    let docs = run["zones"].clone();
    let codes = registration_codes(&docs);
    let want = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(codes["alpha.test."], want(&[]), "{docs:#}");
    assert_eq!(codes["beta.test."], want(&["registration.hold"]));
    assert_eq!(codes["gamma.test."], want(&["registration.expiring"]));
    assert_eq!(codes["delta.test."], want(&["registration.expired"]));
    assert_eq!(codes["epsilon.test."], want(&["registration.ns-mismatch"]));
    assert_eq!(codes["nowhere.test."], want(&["registration.not-found"]));
    // The same run as metrics: seconds until each registration expires, as the registry says
    // (gamma in 10 days, delta 3 days ago), none for a domain the registry does not have.
    let out = common::dns()
        .args(["check", "--names", "names.txt", "--rdap-url", &registry.url])
        .args(["--format", "openmetrics"])
        .args(lab.args())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let metrics = common::stdout(&out);
    let left = |zone: &str| -> Option<i64> {
        let prefix = format!("dns_check_registration_expiry_seconds{{zone=\"{zone}\"}} ");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map(|v| v.parse().unwrap())
    };
    let day = 86_400;
    let gamma = left("gamma.test.").unwrap_or_else(|| panic!("{metrics}"));
    assert!((9 * day..=10 * day).contains(&gamma), "{gamma}: {metrics}");
    let delta = left("delta.test.").unwrap_or_else(|| panic!("{metrics}"));
    assert!((-4 * day..=-2 * day).contains(&delta), "{delta}: {metrics}");
    assert_eq!(left("nowhere.test."), None, "{metrics}");
    // And as one web page: each zone's registration line, as the registry says it.
    let out = common::dns()
        .args(["check", "--names", "names.txt", "--rdap-url", &registry.url])
        .args(["--format", "html"])
        .args(lab.args())
        .current_dir(dir.path())
        .output()
        .unwrap();
    let page = common::stdout(&out);
    assert_eq!(page.matches("<p>registration: ").count(), 6, "{page}");
    assert!(
        page.contains("<p>registration: the registry has no nowhere.test"),
        "{page}"
    );
    assert!(page.contains("expired "), "{page}");
    // nowhere.test is not delegated either: said of the domain, with the registry's reason,
    // and nothing judged of test.'s own servers.
    let nowhere = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "nowhere.test.")
        .unwrap();
    let missing: Vec<&serde_json::Value> = nowhere["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["code"].as_str().unwrap().starts_with("registration."))
        .collect();
    assert_eq!(missing.len(), 1, "{nowhere:#}");
    assert_eq!(missing[0]["code"], "delegation.missing");
    let message = missing[0]["message"].as_str().unwrap();
    assert!(
        message.contains("test. does not delegate nowhere.test.")
            && message.contains("The registry has no such domain"),
        "{message}"
    );
    assert!(
        missing[0]["fix"]
            .as_str()
            .unwrap()
            .starts_with("register nowhere.test.")
    );
    // The state each opens with: from the registry's word and the delegation.
    let states: BTreeMap<String, String> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let name = d["name"].as_str().unwrap().to_string();
            (name, d["move"]["state"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(states["alpha.test."], "delegated");
    assert_eq!(states["beta.test."], "not-published", "{docs:#}");
    assert_eq!(states["nowhere.test."], "not-registered");
    let alpha = &docs.as_array().unwrap()[0];
    assert_eq!(alpha["name"], "alpha.test.");
    assert_eq!(alpha["exit_code"], 0, "{alpha:#}");
    let r = &alpha["registration"];
    assert_eq!(r["result"], "found");
    assert_eq!(r["registrar"], "Example Registrar, Inc.");
    assert_eq!(
        r["statuses"],
        serde_json::json!(["active", "client transfer prohibited"])
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));

    // The text: the registry's line, and the hold explained.
    let out = common::dns()
        .args(["check", "beta.test", "--rdap-url", &registry.url])
        .args(lab.args())
        .output()
        .unwrap();
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(";; registration: beta.test at Example Registrar, Inc.")
            && text.contains("status: client hold"),
        "{text}"
    );
    assert!(
        text.contains("error registration.hold: the registry does not publish beta.test in DNS"),
        "{text}"
    );
    assert!(
        text.starts_with("state: registered, not published — test. does not delegate beta.test.: the registry has it (client hold), but does not publish it\nnext: ask the registrar of beta.test. why it is on hold"),
        "{text}"
    );
}

#[test]
fn an_rdap_service_that_cannot_be_reached_is_said_and_fails_nothing() {
    let Some(_) = rdap::binary() else { return };
    let lab = lab();
    // A port nobody listens on.
    let closed = format!("http://127.0.0.1:{}/rdap", common::moto::server_port());
    let out = common::dns()
        .args(["check", "alpha.test", "--rdap-url", &closed])
        .args(lab.args())
        .output()
        .unwrap();
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(";; registration: not read ("), "{text}");
    assert!(text.contains("no problems found"), "{text}");
    // And a lab without --rdap-url asks no registry at all, and says it did not.
    let out = common::dns()
        .args(["check", "alpha.test"])
        .args(lab.args())
        .output()
        .unwrap();
    let text = common::stdout(&out);
    assert!(!text.contains(";; registration"), "{text}");
    assert!(
        text.contains("no problems found\nnot checked: the zone's records on every server")
            && text.contains("not checked: the registration (the registry was not asked"),
        "{text}"
    );
}

/// An RDAP service that sends the client on (HTTP 307 to another service, as rdap-srv serves a
/// redirect): followed, and the other service's answer judged.
#[test]
fn a_redirect_to_another_rdap_service_is_followed() {
    let Some(srv) = rdap::binary() else { return };
    let lab = lab();
    let registry = rdap::start(
        &srv,
        &[Domain {
            ldh: "beta.test",
            ns: &NS,
            statuses: &["client hold"],
            expires: None,
        }],
    );
    let front = rdap::start_redirecting(
        &srv,
        "beta.test",
        &format!("{}/domain/beta.test", registry.url),
    );
    let out = common::dns()
        .args(["check", "beta.test", "--rdap-url", &front.url])
        .args(lab.args())
        .output()
        .unwrap();
    let text = common::stdout(&out);
    assert!(
        text.contains("error registration.hold: the registry does not publish beta.test"),
        "{text}"
    );
}
