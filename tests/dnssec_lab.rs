//! DNSSEC validated for real: zones signed by BIND's `dnssec-signzone` with a key-signing and a
//! zone-signing key (ECDSA P-256), their DS at the lab's parent, served by NSD; then the signed
//! file altered the way things go wrong (a flipped byte in a signature, an unsigned record, no
//! denial of existence, NSEC3 parameters RFC 9276 advises against). A correctly signed zone
//! must stay exit 0 with NSEC and with NSEC3; every alteration must be named.
//! Skipped with a reason when NSD or the BIND tools are missing, a failure under CI=true.

mod common;

use std::path::{Path, PathBuf};

use common::nsd;

/// A zone exported by dns, signed by BIND with a KSK and a ZSK.
struct Signed {
    work: tempfile::TempDir,
    nsd: PathBuf,
    signzone: PathBuf,
    /// The DS record's data for the parent ("65284 13 2 EAE9…").
    ds: String,
    /// The KSK's key tag.
    ksk: u16,
    /// The signed master file, `-O full`: one record per line.
    text: String,
}

const ZONE: &str = "www: {type: A, value: 192.0.2.1}\nmail: {type: MX, value: {preference: 10, exchange: mx.example.net.}}\n";

/// Signs the exported zone with `signzone_args` added (e.g. NSEC3 parameters), or None when a
/// tool is missing (outside CI).
fn sign(signzone_args: &[&str]) -> Option<Signed> {
    let tools = [
        common::require_tool("nsd", "nsd"),
        common::require_tool("dnssec-keygen", "bind9-utils"),
        common::require_tool("dnssec-signzone", "bind9-utils"),
        common::require_tool("dnssec-dsfromkey", "bind9-utils"),
    ];
    let [Some(nsd_bin), Some(keygen), Some(signzone), Some(dsfromkey)] = tools else {
        return None;
    };
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let d = dir.to_str().unwrap();
    nsd::export(dir, ZONE);
    let ksk = nsd::run(
        &keygen,
        &[
            "-q",
            "-K",
            d,
            "-a",
            "ECDSAP256SHA256",
            "-f",
            "KSK",
            "hive.test.",
        ],
        dir,
    );
    nsd::run(
        &keygen,
        &["-q", "-K", d, "-a", "ECDSAP256SHA256", "hive.test."],
        dir,
    );
    sign_with(
        &signzone,
        dir,
        "hive.test.zone",
        "hive.test.signed",
        signzone_args,
    );
    let ds_line = nsd::run(&dsfromkey, &["-2", &format!("{d}/{}.key", ksk.trim())], dir);
    let fields: Vec<&str> = ds_line.split_whitespace().collect();
    let ds = fields[fields.len() - 4..].join(" ");
    Some(Signed {
        text: std::fs::read_to_string(dir.join("hive.test.signed")).unwrap(),
        ksk: fields[fields.len() - 4].parse().unwrap(),
        nsd: nsd_bin,
        signzone,
        work,
        ds,
    })
}

/// `dnssec-signzone` with the keys in `dir` (smart signing: the KSK signs the DNSKEY set, the
/// ZSK the rest), one record per line in the output.
fn sign_with(signzone: &Path, dir: &Path, input: &str, output: &str, extra: &[&str]) {
    let d = dir.to_str().unwrap();
    let mut args = vec![
        "-S",
        "-K",
        d,
        "-d",
        d,
        "-o",
        "hive.test.",
        "-O",
        "full",
        "-f",
        output,
    ];
    args.extend_from_slice(extra);
    args.push(input);
    nsd::run(signzone, &args, dir);
}

impl Signed {
    fn dir(&self) -> &Path {
        self.work.path()
    }

    /// The zone with `records` added, signed again with the same keys (NSEC).
    fn resigned_with(&self, records: &str) -> String {
        self.resigned_with_args(records, &[])
    }

    /// The zone with `records` added, signed again with the same keys and `signzone_args`.
    fn resigned_with_args(&self, records: &str, signzone_args: &[&str]) -> String {
        let master = std::fs::read_to_string(self.dir().join("hive.test.zone")).unwrap();
        std::fs::write(self.dir().join("other.zone"), master + records).unwrap();
        sign_with(
            &self.signzone,
            self.dir(),
            "other.zone",
            "other.signed",
            signzone_args,
        );
        std::fs::read_to_string(self.dir().join("other.signed")).unwrap()
    }

    /// `text` served by NSD under the lab's test. with the DS.
    fn serve(&self, text: &str) -> (common::lab::Lab, common::Daemon) {
        std::fs::write(self.dir().join("hive.test.served"), text).unwrap();
        let ds: &'static str = Box::leak(self.ds.clone().into_boxed_str());
        let lab = nsd::parent_lab(&[("hive.test.", "DS", ds)]);
        let nsd = nsd::start(
            &self.nsd,
            self.dir(),
            lab.port,
            &[("hive.test.", "hive.test.served")],
        );
        (lab, nsd)
    }

    /// `text` served; `dns check NAME --json`.
    fn check(&self, text: &str, name: &str) -> (Option<i32>, serde_json::Value, String) {
        let (lab, _nsd) = self.serve(text);
        common::check_json(&lab, &[name], self.dir())
    }
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The signature of the RRSIG line over `covered` at `owner` (by `key_tag` when given), with
/// one base64 character in its middle changed: still well-formed, no longer the signature.
fn flip_signature(text: &str, owner: &str, covered: &str, key_tag: Option<u16>) -> String {
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let hit = !done
                && f.len() > 12
                && f[0] == owner
                && f[3] == "RRSIG"
                && f[4] == covered
                && key_tag.is_none_or(|t| f[10] == t.to_string());
            if !hit {
                return line.to_string();
            }
            done = true;
            let sig = f[12..].join("");
            let mid = sig.len() / 2;
            let c = if &sig[mid..=mid] == "A" { "B" } else { "A" };
            format!(
                "{} {}{c}{}",
                f[..12].join(" "),
                &sig[..mid],
                &sig[mid + 1..]
            )
        })
        .collect();
    assert!(done, "no RRSIG {covered} at {owner} in the signed zone");
    lines.join("\n") + "\n"
}

/// The signed text without the lines `drop` picks.
fn without(text: &str, drop: impl Fn(&[&str]) -> bool) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !drop(&l.split_whitespace().collect::<Vec<_>>()))
        .collect();
    kept.join("\n") + "\n"
}

#[test]
fn a_correctly_signed_zone_with_ksk_and_zsk_passes_with_nsec_and_with_nsec3() {
    for args in [&[][..], &["-3", "-", "-H", "0"][..]] {
        let Some(z) = sign(args) else { return };
        let (code, json, text) = z.check(&z.text, "www.hive.test");
        assert_eq!(codes(&json), Vec::<String>::new(), "{args:?}: {text}");
        assert_eq!(code, Some(0), "{args:?}: {text}");
        // The denial of existence was asked of both servers, and the answers were signed.
        let (code, json, text) = z.check(&z.text, "nothing-here.hive.test");
        assert_eq!(codes(&json), ["name.nxdomain"], "{args:?}: {text}");
        assert_eq!(code, Some(1));
    }
}

/// `--format openmetrics` of a signed zone: the seconds until the earliest of its signatures
/// expires (dnssec-signzone signs for 30 days from an hour ago).
#[test]
fn metrics_give_the_seconds_until_the_earliest_signature_expires() {
    let Some(z) = sign(&[]) else { return };
    let (lab, _nsd) = z.serve(&z.text);
    let out = common::dns()
        .args(["check", "hive.test", "--format", "openmetrics"])
        .args(lab.args())
        .current_dir(z.dir())
        .output()
        .unwrap();
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", common::stderr(&out));
    let left: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("dns_check_signature_expiry_seconds{zone=\"hive.test.\"} "))
        .unwrap_or_else(|| panic!("no signature expiry:\n{text}"))
        .parse()
        .unwrap();
    let day = 86_400;
    assert!(left > 29 * day && left <= 30 * day, "{left}: {text}");
    assert!(text.ends_with("# EOF\n"), "{text}");
}

/// `--format svg` of a signed zone draws its chain of trust: the parent's DS → the KSK it points
/// at, and each key → the apex sets it signs; a flipped byte in the KSK's signature over the key
/// set breaks that link (dashed, labelled with its code) and only that one.
#[test]
fn the_picture_draws_the_chain_of_trust_and_breaks_the_link_a_bad_signature_breaks() {
    let Some(z) = sign(&[]) else { return };
    let picture = |text: &str| {
        let (lab, _nsd) = z.serve(text);
        let out = common::dns()
            .args(["check", "hive.test", "--format", "svg"])
            .args(lab.args())
            .current_dir(z.dir())
            .output()
            .unwrap();
        let svg = common::stdout(&out);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let chain = doc
            .descendants()
            .find(|n| n.attribute("id") == Some("chain"))
            .unwrap_or_else(|| panic!("no chain of trust drawn:\n{svg}"));
        let boxes: Vec<(String, String)> = chain
            .descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class").is_some())
            .map(|g| {
                let texts: Vec<&str> = g
                    .children()
                    .filter(|c| c.has_tag_name("text"))
                    .map(|t| t.text().unwrap_or_default())
                    .collect();
                (g.attribute("class").unwrap().to_string(), texts.join(" | "))
            })
            .collect();
        let links: Vec<String> = chain
            .descendants()
            .filter(|n| n.has_tag_name("line"))
            .map(|l| l.attribute("class").unwrap().to_string())
            .collect();
        let labels: Vec<String> = chain
            .descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some("link"))
            .map(|t| t.text().unwrap().to_string())
            .collect();
        (boxes, links, labels, svg)
    };
    let (boxes, links, labels, svg) = picture(&z.text);
    let ds = format!("DS {} alg 13 digest 2", z.ksk);
    assert!(
        boxes.contains(&("chain ok".into(), format!("{ds} | "))),
        "{boxes:?}\n{svg}"
    );
    assert!(
        boxes
            .iter()
            .any(|(c, t)| c == "chain ok" && t.starts_with(&format!("KSK {} alg 13", z.ksk))),
        "{boxes:?}"
    );
    assert!(
        boxes.iter().any(|(_, t)| t.starts_with("ZSK ")),
        "{boxes:?}"
    );
    for set in ["DNSKEY", "SOA", "NS"] {
        let label = format!("hive.test. {set} | ");
        assert!(
            boxes.contains(&("chain ok".into(), label.clone())),
            "{label}: {boxes:?}"
        );
    }
    // DS → KSK, KSK → DNSKEY set, ZSK → SOA, NS (at least), every one whole.
    assert!(links.len() >= 4, "{links:?}");
    assert!(links.iter().all(|l| l == "link ok"), "{links:?}");
    assert!(labels.is_empty(), "{labels:?}");

    let bad = flip_signature(&z.text, "hive.test.", "DNSKEY", Some(z.ksk));
    let (boxes, links, labels, svg) = picture(&bad);
    assert!(
        boxes.contains(&(
            "chain error".into(),
            "hive.test. DNSKEY | dnssec.signature-invalid".into()
        )),
        "{boxes:?}\n{svg}"
    );
    assert!(
        boxes.contains(&("chain ok".into(), format!("{ds} | "))),
        "{boxes:?}"
    );
    assert!(
        boxes.contains(&("chain ok".into(), "hive.test. SOA | ".into())),
        "{boxes:?}"
    );
    assert_eq!(
        links.iter().filter(|l| *l == "link broken").count(),
        1,
        "the KSK's link to the key set alone is broken: {links:?}\n{svg}"
    );
    assert_eq!(labels, ["✗ dnssec.signature-invalid"], "{svg}");
}

#[test]
fn a_flipped_byte_in_the_ksk_signature_over_the_dnskey_set_is_an_error() {
    let Some(z) = sign(&[]) else { return };
    let bad = flip_signature(&z.text, "hive.test.", "DNSKEY", Some(z.ksk));
    let (code, json, text) = z.check(&bad, "www.hive.test");
    assert_eq!(codes(&json), ["dnssec.signature-invalid"], "{text}");
    assert_eq!(code, Some(1));
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("hive.test. DNSKEY")
            && message.contains(&format!(
                "key tag {}, algorithm 13 (ECDSAP256SHA256)",
                z.ksk
            )),
        "{message}"
    );
    assert_eq!(json["findings"][0]["servers"].as_array().unwrap().len(), 2);
}

#[test]
fn a_bad_signature_over_the_answer_itself_is_an_error_on_every_server() {
    let Some(z) = sign(&[]) else { return };
    let bad = flip_signature(&z.text, "www.hive.test.", "A", None);
    let (code, json, text) = z.check(&bad, "www.hive.test");
    assert_eq!(codes(&json), ["dnssec.signature-invalid"], "{text}");
    assert_eq!(code, Some(1));
    let f = &json["findings"][0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("www.hive.test. A signed with key tag"),
        "{text}"
    );
    assert_eq!(f["servers"].as_array().unwrap().len(), 2, "{text}");
    // Said once per server, though the walk and the zone file's verification both asked it.
    let message = f["message"].as_str().unwrap();
    assert_eq!(
        message.matches("www.hive.test. A signed").count(),
        2,
        "{text}"
    );
    // Another name of the zone, with the zone file beside the check: every record set of the
    // file is verified on every server, signatures too, so the bad one is still found (once
    // per server, though the answer for www was also asked as the walk's question above).
    let (code, json, text) = z.check(&bad, "mail.hive.test");
    assert_eq!(codes(&json), ["dnssec.signature-invalid"], "{text}");
    assert_eq!(code, Some(1));
    let f = &json["findings"][0];
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("www.hive.test. A signed with key tag"),
        "{text}"
    );
    assert_eq!(
        message.matches("www.hive.test. A signed").count(),
        2,
        "{text}"
    );
    assert_eq!(f["servers"].as_array().unwrap().len(), 2, "{text}");
}

#[test]
fn an_unsigned_record_set_in_a_signed_zone_is_an_error() {
    let Some(z) = sign(&[]) else { return };
    let bad = without(&z.text, |f| {
        f.len() > 4 && f[0] == "www.hive.test." && f[3] == "RRSIG" && f[4] == "A"
    });
    let (code, json, text) = z.check(&bad, "www.hive.test");
    assert_eq!(codes(&json), ["dnssec.signature-missing"], "{text}");
    assert_eq!(code, Some(1));
}

#[test]
fn a_signed_zone_without_nsec_or_nsec3_is_an_error() {
    let Some(z) = sign(&[]) else { return };
    let bad = without(&z.text, |f| {
        f.len() > 4 && (f[3] == "NSEC" || f[3] == "RRSIG" && f[4] == "NSEC")
    });
    let (code, json, text) = z.check(&bad, "www.hive.test");
    assert_eq!(codes(&json), ["dnssec.denial-missing"], "{text}");
    assert_eq!(code, Some(1));
}

/// The signed zone with its apex's NSEC record (and the signature over it) taken from the
/// same zone with `records` added and signed again: validly signed, but about another zone.
fn with_apex_nsec_of(z: &Signed, records: &str) -> String {
    let other = z.resigned_with(records);
    let apex_nsec = |f: &[&str]| {
        f.len() > 4 && f[0] == "hive.test." && (f[3] == "NSEC" || f[3] == "RRSIG" && f[4] == "NSEC")
    };
    let mut out = without(&z.text, apex_nsec);
    for line in other.lines() {
        if apex_nsec(&line.split_whitespace().collect::<Vec<_>>()) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn an_nsec_record_that_does_not_cover_the_name_denies_nothing() {
    let Some(z) = sign(&[]) else { return };
    // The apex's NSEC, validly signed, from the same zone with a.hive.test added: it says
    // nothing lies between the apex and a.hive.test, so it no longer covers the name asked
    // (dns-check-nx-…, which sorts after a and before mail). A zone edited on one server
    // after signing, or two signers' chains mixed, look like this.
    let bad = with_apex_nsec_of(&z, "a.hive.test. 3600 IN A 192.0.2.9\n");
    let (code, json, text) = z.check(&bad, "www.hive.test");
    assert_eq!(codes(&json), ["dnssec.denial-invalid"], "{text}");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no NSEC record covers dns-check-nx-"),
        "{text}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn wildcard_and_nodata_answers_carry_their_proofs_with_nsec_and_with_nsec3() {
    for args in [&[][..], &["-3", "-", "-H", "0"][..]] {
        let Some(z) = sign(args) else { return };
        // The random name is answered from a wildcard, with the proof that the name itself does
        // not exist; the apex's MX, CDS and CDNSKEY are NODATA, with their proofs.
        let wild = z.resigned_with_args("*.hive.test. 3600 IN A 192.0.2.7\n", args);
        let (code, json, text) = z.check(&wild, "www.hive.test");
        assert_eq!(codes(&json), Vec::<String>::new(), "{args:?}: {text}");
        assert_eq!(code, Some(0), "{args:?}: {text}");
        let denial = &json["denial_probes"][0]["said"];
        assert!(
            denial.as_str().unwrap().contains("192.0.2.7"),
            "{args:?}: {text}"
        );
        // A wildcard without an address: NODATA from the wildcard, proved too.
        let txt = z.resigned_with_args("*.hive.test. 3600 IN TXT \"w\"\n", args);
        let (code, json, text) = z.check(&txt, "www.hive.test");
        assert_eq!(codes(&json), Vec::<String>::new(), "{args:?}: {text}");
        assert_eq!(code, Some(0), "{args:?}: {text}");
    }
}

#[test]
fn a_nodata_proof_that_lists_the_type_asked_proves_nothing() {
    let Some(z) = sign(&[]) else { return };
    // The apex's NSEC, validly signed, from the same zone with an MX at the apex: it says the
    // apex has an MX, which the servers then deny (NODATA) — a zone edited after signing.
    let bad = with_apex_nsec_of(&z, "hive.test. 3600 IN MX 10 mx.example.net.\n");
    let (code, json, text) = z.check(&bad, "www.hive.test");
    assert_eq!(codes(&json), ["dnssec.denial-invalid"], "{text}");
    let message = json["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "the NSEC record at hive.test. lists MX (or CNAME), so it proves no hive.test. MX"
        ) && message.contains("127.53.2.1")
            && message.contains("127.53.2.2"),
        "{text}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn nsec3_with_a_salt_and_extra_iterations_is_a_warning() {
    let Some(z) = sign(&["-3", "aabbccdd", "-H", "10"]) else {
        return;
    };
    let (code, json, text) = z.check(&z.text, "www.hive.test");
    assert_eq!(codes(&json), ["dnssec.nsec3-parameters"], "{text}");
    assert_eq!(json["findings"][0]["severity"], "warning");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("10 extra iteration(s) and a salt of 4 octet(s)"),
        "{text}"
    );
    assert_eq!(code, Some(1));
}

/// A 1024-bit RSASHA256 key published in the DNSKEY set (made by dnssec-keygen, outside the
/// signer's key directory) that signs nothing: its algorithm leaves every set unsigned by it
/// (Zonemaster DNSSEC13), and its size is below 2048 bits (DNSSEC14). Both are warnings: the
/// chain from the DS still validates with the ECDSA keys.
#[test]
fn a_published_small_rsa_key_that_signs_nothing_is_named_twice() {
    let Some(z) = sign(&[]) else { return };
    let Some(keygen) = common::require_tool("dnssec-keygen", "bind9-utils") else {
        return;
    };
    let other = z.dir().join("other-keys");
    std::fs::create_dir_all(&other).unwrap();
    let o = other.to_str().unwrap();
    let base = nsd::run(
        &keygen,
        &["-q", "-K", o, "-a", "RSASHA256", "-b", "1024", "hive.test."],
        &other,
    );
    let key_file = std::fs::read_to_string(other.join(format!("{}.key", base.trim()))).unwrap();
    let dnskey: String = key_file
        .lines()
        .filter(|l| !l.starts_with(';'))
        .map(|l| format!("{l}\n"))
        .collect();
    let published = z.resigned_with(&dnskey);
    let (code, json, text) = z.check(&published, "www.hive.test");
    assert_eq!(
        codes(&json),
        ["dnssec.algorithm-not-signing", "dnssec.rsa-key-size"],
        "{text}"
    );
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("algorithm 8 (RSASHA256)") && messages[0].contains("DNSKEY"),
        "{text}"
    );
    assert!(messages[1].contains("1024 bits, below 2048"), "{text}");
    assert_eq!(code, Some(1));
}

/// A port free for UDP and TCP on every one of `addrs` (checked, then let go for NSD).
fn free_port(addrs: &[&str]) -> u16 {
    for _ in 0..100 {
        let port = 20_000 + rand_port() % 40_000;
        let free = addrs.iter().all(|a| {
            std::net::UdpSocket::bind((*a, port)).is_ok()
                && std::net::TcpListener::bind((*a, port)).is_ok()
        });
        if free {
            return port;
        }
    }
    panic!("no free port on {addrs:?}");
}

fn rand_port() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::process::id().into());
    (h.finish() % 65_536) as u16
}

/// `text` (a master file of `origin`) signed in `dir` with a new KSK and ZSK (ECDSA P-256), one
/// record per line; and the KSK's DS record as dnssec-dsfromkey writes it (`origin IN DS …`).
fn sign_origin(dir: &Path, origin: &str, text: &str) -> Option<(String, String)> {
    sign_origin_with(dir, origin, text, &[])
}

/// [`sign_origin`] with `extra` arguments for dnssec-signzone (NSEC3, opt-out).
fn sign_origin_with(
    dir: &Path,
    origin: &str,
    text: &str,
    extra: &[&str],
) -> Option<(String, String)> {
    let tools = [
        common::require_tool("dnssec-keygen", "bind9-utils"),
        common::require_tool("dnssec-signzone", "bind9-utils"),
        common::require_tool("dnssec-dsfromkey", "bind9-utils"),
    ];
    let [Some(keygen), Some(signzone), Some(dsfromkey)] = tools else {
        return None;
    };
    std::fs::create_dir_all(dir).unwrap();
    let d = dir.to_str().unwrap();
    let alg = ["-q", "-K", d, "-a", "ECDSAP256SHA256"];
    let ksk = nsd::run(&keygen, &[&alg[..], &["-f", "KSK", origin]].concat(), dir);
    nsd::run(&keygen, &[&alg[..], &[origin]].concat(), dir);
    std::fs::write(dir.join("zone"), text).unwrap();
    nsd::run(
        &signzone,
        &[
            &[
                "-S", "-K", d, "-d", d, "-o", origin, "-O", "full", "-f", "signed",
            ][..],
            extra,
            &["zone"],
        ]
        .concat(),
        dir,
    );
    let ds = nsd::run(&dsfromkey, &["-2", &format!("{d}/{}.key", ksk.trim())], dir);
    Some((
        std::fs::read_to_string(dir.join("signed")).unwrap(),
        ds.trim().to_string(),
    ))
}

/// A hierarchy signed from its own root, each level on its own NSD: the root on 127.54.0.1
/// (a.root.lab.), test. on 127.54.1.1 (ns.nic.test.), hive.test. on ns1/ns2.dns.test as in the
/// other tests; the root's DS is the check's trust anchor (`--trust-anchor`).
struct Hierarchy {
    zone: Signed,
    work: tempfile::TempDir,
    root: String,
    test: String,
    anchor: String,
}

const ROOT_ADDR: &str = "127.54.0.1";
const TLD_ADDR: &str = "127.54.1.1";

fn test_zone(hive_ds: &str) -> String {
    format!(
        "$TTL 3600\ntest. IN SOA ns.nic.test. hostmaster.nic.test. 1 7200 900 1209600 300\n\
         test. IN NS ns.nic.test.\nns.nic.test. IN A {TLD_ADDR}\n\
         hive.test. IN NS ns1.dns.test.\nhive.test. IN NS ns2.dns.test.\n{hive_ds}\n\
         ns1.dns.test. IN A 127.53.2.1\nns2.dns.test. IN A 127.53.2.2\n"
    )
}

fn root_zone(test_ds: &str) -> String {
    format!(
        "$TTL 86400\n. IN SOA a.root.lab. hostmaster.root.lab. 1 7200 900 1209600 300\n\
         . IN NS a.root.lab.\na.root.lab. IN A {ROOT_ADDR}\n\
         test. IN NS ns.nic.test.\nns.nic.test. IN A {TLD_ADDR}\n{test_ds}\n"
    )
}

fn hierarchy() -> Option<Hierarchy> {
    let zone = sign(&[])?;
    let work = tempfile::tempdir().unwrap();
    let hive_ds = format!("hive.test. IN DS {}", zone.ds);
    let (test, test_ds) = sign_origin(&work.path().join("test"), "test.", &test_zone(&hive_ds))?;
    let (root, anchor) = sign_origin(&work.path().join("root"), ".", &root_zone(&test_ds))?;
    Some(Hierarchy {
        zone,
        work,
        root,
        test,
        anchor,
    })
}

impl Hierarchy {
    /// The three levels served as given; `dns check www.hive.test --trust-anchor … --json`.
    fn check(
        &self,
        root: &str,
        test: &str,
        anchor: &str,
    ) -> (Option<i32>, serde_json::Value, String) {
        let dir = self.work.path();
        let port = free_port(&[ROOT_ADDR, TLD_ADDR, "127.53.2.1", "127.53.2.2"]);
        std::fs::write(dir.join("root/served"), root).unwrap();
        std::fs::write(dir.join("test/served"), test).unwrap();
        std::fs::write(self.zone.dir().join("hive.test.served"), &self.zone.text).unwrap();
        let nsd = &self.zone.nsd;
        let _root = nsd::start_at(
            nsd,
            &dir.join("root"),
            port,
            &[ROOT_ADDR],
            &[(".", "served")],
        );
        let _tld = nsd::start_at(
            nsd,
            &dir.join("test"),
            port,
            &[TLD_ADDR],
            &[("test.", "served")],
        );
        let _hive = nsd::start(
            nsd,
            self.zone.dir(),
            port,
            &[("hive.test.", "hive.test.served")],
        );
        let hints = dir.join("lab.root");
        std::fs::write(
            &hints,
            format!(". 3600000 NS a.root.lab.\na.root.lab. 3600000 A {ROOT_ADDR}\n"),
        )
        .unwrap();
        let anchor_file = dir.join("anchor");
        std::fs::write(&anchor_file, format!("{anchor}\n")).unwrap();
        let mut cmd = common::dns();
        cmd.args([
            "check",
            "www.hive.test",
            "-4",
            "--json",
            "--port",
            &port.to_string(),
        ])
        .arg("--root-hints")
        .arg(&hints)
        .arg("--trust-anchor")
        .arg(&anchor_file)
        .current_dir(self.zone.dir());
        let out = common::check_and_replay(&mut cmd);
        let text = format!("{}\n{}", common::stdout(&out), common::stderr(&out));
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {text}"));
        (out.status.code(), json, text)
    }
}

/// Signed from the root down and validated from the lab's trust anchor: exit 0. Then a broken
/// link above the zone, each where a validator finds it: the TLD's signature over the zone's DS,
/// the root's over the TLD's DS, a trust anchor that names another key; and a TLD without a DS
/// at the root, which makes the signed zone insecure (a warning).
#[test]
fn the_chain_of_trust_is_validated_from_the_root_s_trust_anchor() {
    let Some(h) = hierarchy() else { return };
    let (code, json, text) = h.check(&h.root, &h.test, &h.anchor);
    assert_eq!(codes(&json), Vec::<String>::new(), "{text}");
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(
        json["chain_of_trust"], "chain of trust from the root: verified down to the zone's DS",
        "{text}"
    );

    let bad_zone_ds = flip_signature(&h.test, "hive.test.", "DS", None);
    let (code, json, text) = h.check(&h.root, &bad_zone_ds, &h.anchor);
    assert_eq!(codes(&json), ["dnssec.chain-bogus"], "{text}");
    assert_eq!(code, Some(1));
    let f = &json["findings"][0];
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("ns.nic.test. (127.54.1.1): hive.test. DS signed with key tag")
            && message.contains("does not verify"),
        "{message}"
    );
    assert_eq!(f["severity"], "error");
    assert_eq!(
        json["chain_of_trust"],
        "chain of trust from the root: broken (dnssec.chain-bogus)"
    );

    let bad_tld_ds = flip_signature(&h.root, "test.", "DS", None);
    let (_, json, text) = h.check(&bad_tld_ds, &h.test, &h.anchor);
    assert_eq!(codes(&json), ["dnssec.chain-bogus"], "{text}");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("a.root.lab. (127.54.0.1): test. DS signed with key tag"),
        "{text}"
    );

    // The anchor of another root.
    let other = sign_origin(&h.work.path().join("other-root"), ".", &root_zone(""))
        .unwrap()
        .1;
    let (_, json, text) = h.check(&h.root, &h.test, &other);
    assert_eq!(codes(&json), ["dnssec.chain-bogus"], "{text}");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is the one the trust anchor points at"),
        "{text}"
    );

    // The root signed without a DS for test.: signed below, insecure from the root.
    let (unlinked, anchor) =
        sign_origin(&h.work.path().join("unlinked-root"), ".", &root_zone("")).unwrap();
    let (code, json, text) = h.check(&unlinked, &h.test, &anchor);
    assert_eq!(codes(&json), ["dnssec.chain-insecure"], "{text}");
    assert_eq!(code, Some(1));
    assert_eq!(
        json["chain_of_trust"],
        "chain of trust from the root: ends at test. (no DS), the zone is insecure",
        "{text}"
    );

    // And the root's NSEC at test. gone: its denial of a DS proves nothing, and validators
    // answer SERVFAIL for everything below (bogus, not insecure).
    let unproved = without(&unlinked, |f| {
        f.len() > 4 && f[0] == "test." && (f[3] == "NSEC" || f[3] == "RRSIG" && f[4] == "NSEC")
    });
    let (code, json, text) = h.check(&unproved, &h.test, &anchor);
    assert_eq!(codes(&json), ["dnssec.chain-bogus"], "{text}");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("a.root.lab. (127.54.0.1): denies a DS for test.:"),
        "{text}"
    );
    assert_eq!(code, Some(1));

    // NSEC3 with opt-out: the root proves test. has no DS by an opt-out span (RFC 5155 §6).
    let (opt_out, anchor) = sign_origin_with(
        &h.work.path().join("opt-out-root"),
        ".",
        &root_zone(""),
        &["-3", "-", "-H", "0", "-A"],
    )
    .unwrap();
    // Every NSEC3 record has the opt-out flag, and none is test.'s (H(test.) with no salt and
    // no extra iterations): the denial rests on the opt-out span alone.
    let nsec3: Vec<Vec<&str>> = opt_out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.get(3) == Some(&"NSEC3"))
        .collect();
    assert!(
        !nsec3.is_empty() && nsec3.iter().all(|f| f[5] == "1"),
        "{opt_out}"
    );
    assert!(
        nsec3
            .iter()
            .all(|f| !f[0].eq_ignore_ascii_case("5U2I2H5CO0EBB4R9HIPBKU7PEA6GGPSV.")),
        "{opt_out}"
    );
    let (_, json, text) = h.check(&opt_out, &h.test, &anchor);
    assert_eq!(codes(&json), ["dnssec.chain-insecure"], "{text}");
}

/// The CDS and CDNSKEY records `dnssec-dsfromkey -C` and the key file give for the key in
/// `key_file` (a `K…` base name in `dir`).
fn cds_records(dir: &Path, key_file: &str) -> String {
    let dsfromkey = common::require_tool("dnssec-dsfromkey", "bind9-utils").unwrap();
    let d = dir.to_str().unwrap();
    let cds = nsd::run(
        &dsfromkey,
        &["-C", "-2", &format!("{d}/{key_file}.key")],
        dir,
    );
    let key = std::fs::read_to_string(dir.join(format!("{key_file}.key"))).unwrap();
    let cdnskey: String = key
        .lines()
        .filter(|l| !l.starts_with(';'))
        .map(|l| l.replace(" DNSKEY ", " CDNSKEY ") + "\n")
        .collect();
    format!("{}\n{cdnskey}", cds.trim())
}

/// CDS/CDNSKEY of the zone's own KSK: nothing to say. CDS/CDNSKEY of a key the zone does not
/// serve (made by dnssec-keygen elsewhere): the DS a registry would publish from them validates
/// nothing (Zonemaster DNSSEC16/17); and a CDS of one key beside a CDNSKEY of another do not say
/// one thing (DNSSEC15).
#[test]
fn cds_and_cdnskey_are_held_to_the_keys_the_zone_serves() {
    let Some(z) = sign(&[]) else { return };
    let ksk_file = std::fs::read_dir(z.dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .find(|n| {
            n.starts_with("Khive.test.") && n.ends_with(".key") && {
                std::fs::read_to_string(z.dir().join(n))
                    .unwrap()
                    .contains(" 257 ")
            }
        })
        .unwrap();
    let own = cds_records(z.dir(), ksk_file.trim_end_matches(".key"));
    let (code, json, text) = z.check(&z.resigned_with(&own), "www.hive.test");
    // dnssec-signzone signs the CDS/CDNSKEY sets with the KSK too: nothing to say.
    assert_eq!(codes(&json), Vec::<String>::new(), "{text}");
    assert_eq!(code, Some(0), "{text}");

    let keygen = common::require_tool("dnssec-keygen", "bind9-utils").unwrap();
    let other = z.dir().join("other-ksk");
    std::fs::create_dir_all(&other).unwrap();
    let o = other.to_str().unwrap();
    let base = nsd::run(
        &keygen,
        &[
            "-q",
            "-K",
            o,
            "-a",
            "ECDSAP256SHA256",
            "-f",
            "KSK",
            "hive.test.",
        ],
        &other,
    );
    let foreign = cds_records(&other, base.trim());
    let (code, json, text) = z.check(&z.resigned_with(&foreign), "www.hive.test");
    assert!(
        codes(&json).contains(&"dnssec.cds-mismatch".to_string()),
        "{text}"
    );
    assert_eq!(code, Some(1));
    let message = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "dnssec.cds-mismatch")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("names no key of the DNSKEY set"),
        "{message}"
    );

    // The zone's own CDS beside a foreign CDNSKEY.
    let own_cds = own.lines().find(|l| l.contains(" CDS ")).unwrap();
    let foreign_cdnskey = foreign.lines().find(|l| l.contains(" CDNSKEY ")).unwrap();
    let mixed = format!("{own_cds}\n{foreign_cdnskey}\n");
    let (_, json, text) = z.check(&z.resigned_with(&mixed), "www.hive.test");
    let found = codes(&json);
    assert!(
        found.contains(&"dnssec.cds-inconsistent".to_string()),
        "{text}"
    );
    assert!(found.contains(&"dnssec.cds-mismatch".to_string()), "{text}");
}
