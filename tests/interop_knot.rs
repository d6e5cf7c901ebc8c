//! Interop: Knot DNS (Debian's `knot`, `knotd`) serves a zone exported by `dns export`,
//! delegated from the loopback lab: `dns check` verifies every record set of the file on both
//! of Knot's addresses (over its own UDP batches; the long TXT over TCP) and finds them as the
//! file says; a zone changed on Knot is found changed, set by set; Knot refuses zone transfers
//! unless told otherwise, and nothing is reported of that. Skipped with a reason when Knot is
//! missing, a failure under CI=true.

mod common;

use common::finding_codes;
use common::nsd;

/// The every-type zone exported, passed through `tamper`, served by Knot on ns1/ns2.dns.test.;
/// `dns check hive.test --json` with the file in zones/.
fn serve_on_knot(
    knotd: &std::path::Path,
    tamper: impl Fn(String) -> String,
) -> (Option<i32>, serde_json::Value) {
    let lab = nsd::parent_lab(&[("elb.test.", "A", "192.0.2.80")]);
    let work = tempfile::tempdir().unwrap();
    let yaml = common::EVERY_TYPE.replace("LONGTXT", &"k".repeat(400));
    let master = nsd::export(work.path(), &yaml);
    // Route 53 answers an ALIAS with the target's addresses: so does Knot here.
    let text = std::fs::read_to_string(&master).unwrap() + "hive.test. 60 IN A 192.0.2.80\n";
    std::fs::write(&master, tamper(text)).unwrap();
    let state = work.path().join("knot");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::copy(&master, state.join("hive.test.zone")).unwrap();
    let _knot = common::knot::start(
        knotd,
        &state,
        lab.port,
        &["127.53.2.1", "127.53.2.2"],
        &[("hive.test.", "hive.test.zone")],
        "",
    );
    let (code, json, _) = common::check_json(&lab, &["hive.test"], work.path());
    (code, json)
}

#[test]
fn every_record_type_of_the_zone_file_is_verified_on_knot() {
    let Some(knotd) = common::require_tool("knotd", "knot") else {
        return;
    };
    let (code, json) = serve_on_knot(&knotd, |t| t);
    assert_eq!(
        finding_codes(&json),
        Vec::<&str>::new(),
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(0));
    let sets = json["verification"]["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 11, "{sets:#?}");
    let types: std::collections::BTreeSet<&str> =
        sets.iter().map(|s| s["type"].as_str().unwrap()).collect();
    let want = [
        "A", "AAAA", "ALIAS A", "CAA", "CNAME", "MX", "NS", "SRV", "TXT",
    ];
    assert_eq!(types, want.into_iter().collect());
    // Knot refuses transfers to whoever is not let in: said as that, not as a finding.
    let listings = json["verification"]["listings"].as_array().unwrap();
    assert_eq!(listings.len(), 2, "{listings:?}");
    assert!(
        listings.iter().all(|l| l[2]["result"] != "transferred"),
        "{listings:?}"
    );
    // Both of Knot's addresses answered every question of the walk with authority.
    let last = json["levels"][2]["probes"].as_array().unwrap();
    assert!(
        last.iter()
            .all(|p| p["flags"] == "aa" && p["rcode"] == "NOERROR"),
        "{last:#?}"
    );

    // The same zone served with a changed MX, the SRV missing and another TTL on AAAA.
    let (code, json) = serve_on_knot(&knotd, |t| {
        t.replace("MX 20 mx2.hive.test.", "MX 30 mx2.hive.test.")
            .lines()
            .filter(|l| !l.contains("_sip._tcp"))
            .map(|l| match l.contains("AAAA") {
                true => l.replace(" 600 ", " 300 "),
                false => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    assert_eq!(
        finding_codes(&json),
        ["records.differ", "records.not-served", "records.differ"],
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(1));
}
