//! Interop: NSD (Debian's `nsd`) serves a zone exported by `dns export`, delegated from the
//! loopback lab, and `dns check` finds it healthy — and finds NSD's lameness when it does not
//! serve the zone. Skipped with a reason when NSD is missing, a failure under CI=true.

mod common;

use common::finding_codes;
use common::nsd;

#[test]
fn nsd_serving_an_exported_zone_passes_the_check() {
    let Some(nsd) = common::require_tool("nsd", "nsd") else {
        return;
    };
    let lab = nsd::parent_lab(&[]);
    let work = tempfile::tempdir().unwrap();
    let yaml = "www: {type: A, values: [192.0.2.1, 192.0.2.2]}\n'': {type: TXT, value: hello}\n";
    let _nsd = nsd::export_and_serve(&nsd, &lab, work.path(), yaml, false, |t| t);

    let (code, json, _) = common::check_json(&lab, &["www.hive.test"], work.path());
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(0));
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
    let lab = nsd::parent_lab(&[]);
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("other.zone"), "$ORIGIN other.test.\n@ 300 IN SOA ns1.dns.test. h.other.test. 1 2 3 4 5\n@ 300 IN NS ns1.dns.test.\n").unwrap();
    let _nsd = nsd::start(
        &nsd,
        work.path(),
        lab.port,
        &[("other.test.", "other.zone")],
    );
    let (code, json, _) = common::check_json(&lab, &["hive.test"], work.path());
    let codes = finding_codes(&json);
    assert!(
        codes.iter().all(|c| *c == "ns.lame") && codes.len() == 2,
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(1));
}

fn serve_every_type(tamper: impl Fn(String) -> String) -> (Option<i32>, serde_json::Value) {
    let nsd = common::require_tool("nsd", "nsd").expect("checked by the caller");
    let lab = nsd::parent_lab(&[("elb.test.", "A", "192.0.2.80")]);
    let work = tempfile::tempdir().unwrap();
    let yaml = common::EVERY_TYPE.replace("LONGTXT", &"k".repeat(400));
    // Route 53 answers an ALIAS with the target's addresses: so does NSD here.
    let _nsd = nsd::export_and_serve(&nsd, &lab, work.path(), &yaml, true, |t| {
        tamper(t + "hive.test. 60 IN A 192.0.2.80\n")
    });
    let (code, json, _) = common::check_json(&lab, &["hive.test"], work.path());
    (code, json)
}

#[test]
fn every_record_type_of_the_zone_file_is_verified_on_nsd() {
    if common::require_tool("nsd", "nsd").is_none() {
        return;
    }
    let (code, json) = serve_every_type(|t| t);
    // Every set as the file says; the one finding is NSD giving the zone to anyone who asks.
    let codes = finding_codes(&json);
    assert_eq!(codes, ["ns.transfer-open"], "{:#}", json["findings"]);
    let open = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        open.contains("ns1.dns.test. (127.53.2.1), ns2.dns.test. (127.53.2.2)")
            && open.contains("whole zone hive.test. by zone transfer"),
        "{open}"
    );
    assert_eq!(code, Some(1));
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
    assert_eq!(sets.len(), 11);
    // NSD gives the zone by transfer: nothing beyond the file (the ALIAS is served as A).
    let listings = json["verification"]["listings"].as_array().unwrap();
    assert_eq!(listings.len(), 2);
    assert!(
        listings.iter().all(|l| l[2]["result"] == "transferred"
            && l[2]["unexpected"] == serde_json::json!([])),
        "{listings:?}"
    );

    // The same zone served with a changed MX, a TXT missing and another TTL on AAAA.
    let (code, json) = serve_every_type(|t| {
        t.replace("MX 20 mx2.hive.test.", "MX 30 mx2.hive.test.")
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
    let codes = finding_codes(&json);
    assert_eq!(
        codes,
        [
            "ns.transfer-open",
            "records.differ",
            "records.differ",
            "records.not-served",
            "records.differ",
        ],
        "{:#}",
        json["findings"]
    );
    assert_eq!(code, Some(1));
}

#[test]
fn records_beyond_the_file_are_found_by_zone_transfer() {
    let Some(nsd) = common::require_tool("nsd", "nsd") else {
        return;
    };
    let lab = nsd::parent_lab(&[]);
    let work = tempfile::tempdir().unwrap();
    // NSD serves `old` and an ACME token besides what the file says; the file leaves
    // `_acme-challenge` to another tool.
    let served = "www: {type: A, value: 192.0.2.1}\nold: {type: A, value: 192.0.2.9}\n_acme-challenge: {type: TXT, value: token}\n";
    let _nsd = nsd::export_and_serve(&nsd, &lab, work.path(), served, true, |t| t);
    common::write_zone(
        work.path(),
        "hive.test",
        "$zone: {ignore: [_acme-challenge]}\nwww: {type: A, value: 192.0.2.1}\n",
    );
    let (code, json, text) = common::check_json(&lab, &["hive.test"], work.path());
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3, "{text}");
    assert_eq!(findings[0]["code"], "ns.transfer-open", "{text}");
    for (f, addr) in findings[1..].iter().zip(["127.53.2.1", "127.53.2.2"]) {
        assert_eq!(f["code"], "records.unexpected", "{f:#}");
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains(addr)
                && message.contains("1 record set(s)")
                && message.contains("old.hive.test. A"),
            "{message}"
        );
    }
    let listings = json["verification"]["listings"].as_array().unwrap();
    assert!(
        listings.iter().all(|l| l[2]["result"] == "transferred"
            && l[2]["unexpected"] == serde_json::json!(["old.hive.test. A"])),
        "{listings:?}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn a_zone_signed_by_bind_and_served_by_nsd_matches_the_ds_at_its_parent() {
    let tools = [
        common::require_tool("nsd", "nsd"),
        common::require_tool("dnssec-keygen", "bind9-utils"),
        common::require_tool("dnssec-signzone", "bind9-utils"),
        common::require_tool("dnssec-dsfromkey", "bind9-utils"),
    ];
    let [Some(nsd), Some(keygen), Some(signzone), Some(dsfromkey)] = tools else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let d = dir.to_str().unwrap();
    nsd::export(dir, "www: {type: A, value: 192.0.2.1}\n");
    // A key-signing key made by BIND, the zone signed with it, and its DS as a registrar gets it.
    let key = nsd::run(
        &keygen,
        &["-K", d, "-a", "ECDSAP256SHA256", "-f", "KSK", "hive.test."],
        dir,
    );
    let key = key.trim();
    nsd::run(
        &signzone,
        &[
            "-S",
            "-z",
            "-K",
            d,
            "-d",
            d,
            "-o",
            "hive.test.",
            "-f",
            "hive.test.signed",
            "hive.test.zone",
        ],
        dir,
    );
    let ds_line = nsd::run(&dsfromkey, &["-2", &format!("{d}/{key}.key")], dir);
    // "hive.test. IN DS 65284 13 2 EAE9…": the last four fields.
    let fields: Vec<&str> = ds_line.split_whitespace().collect();
    let ds = fields[fields.len() - 4..].join(" ");

    let check_with_ds = |ds: String| {
        let ds: &'static str = Box::leak(ds.into_boxed_str());
        let lab = nsd::parent_lab(&[("hive.test.", "DS", ds)]);
        let _nsd = nsd::start(&nsd, dir, lab.port, &[("hive.test.", "hive.test.signed")]);
        common::check_json(&lab, &["www.hive.test"], dir)
    };
    let (code, json, text) = check_with_ds(ds.clone());
    assert_eq!(json["findings"], serde_json::json!([]), "{text}");
    assert_eq!(code, Some(0));
    let dnskeys = json["dnssec_probes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["question"] == "hive.test. DNSKEY")
        .count();
    assert_eq!(
        dnskeys, 2,
        "both NSD addresses were asked for the DNSKEY set"
    );

    // The registrar still holds another key's DS (the digest's last hex digit changed).
    let mut other = ds.clone();
    let last = other.pop().unwrap();
    other.push(if last == '0' { '1' } else { '0' });
    let (code, json, text) = check_with_ds(other);
    let codes = finding_codes(&json);
    assert_eq!(codes, ["dnssec.ds-mismatch"], "{text}");
    assert_eq!(code, Some(1));

    // Signatures that lapsed in 2020 (-P: dnssec-signzone would refuse to check them).
    nsd::run(
        &signzone,
        &[
            "-P",
            "-S",
            "-z",
            "-K",
            d,
            "-d",
            d,
            "-s",
            "20200101000000",
            "-e",
            "20200201000000",
            "-o",
            "hive.test.",
            "-f",
            "hive.test.signed",
            "hive.test.zone",
        ],
        dir,
    );
    let (_, json, text) = check_with_ds(ds);
    let codes = finding_codes(&json);
    assert_eq!(codes, ["dnssec.signature-expired"], "{text}");
}

#[test]
fn a_zone_transfer_given_to_anyone_is_found_without_a_zone_file() {
    let Some(nsd) = common::require_tool("nsd", "nsd") else {
        return;
    };
    let lab = nsd::parent_lab(&[]);
    let work = tempfile::tempdir().unwrap();
    let yaml = "www: {type: A, value: 192.0.2.1}\n";
    let _nsd = nsd::export_and_serve(&nsd, &lab, work.path(), yaml, true, |t| t);
    // Checked from a directory without zones/: no zone file, no verification.
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, json, text) = common::check_json(&lab, &["www.hive.test"], elsewhere.path());
    assert_eq!(finding_codes(&json), ["ns.transfer-open"], "{text}");
    assert_eq!(code, Some(1), "{text}");
    assert!(json["verification"].is_null(), "{text}");
    let probes = json["transfer_probes"].as_array().unwrap();
    assert_eq!(probes.len(), 2, "{text}");
    assert!(probes.iter().all(|p| p["given"] == true), "{text}");

    // The same servers refusing transfers, as production servers do: nothing to say, and the
    // probe says what each did.
    drop(_nsd);
    let _nsd = nsd::export_and_serve(&nsd, &lab, work.path(), yaml, false, |t| t);
    let (code, json, text) = common::check_json(&lab, &["www.hive.test"], elsewhere.path());
    assert_eq!(json["findings"], serde_json::json!([]), "{text}");
    assert_eq!(code, Some(0), "{text}");
    let probes = json["transfer_probes"].as_array().unwrap();
    assert!(
        probes
            .iter()
            .all(|p| p["given"] == false && p["why"] == "REFUSED"),
        "{text}"
    );
}
