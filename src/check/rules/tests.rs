//! Each rule on canned facts: hickory `Message`s as servers would send them, no sockets.
//!
//! [`healthy`] is a check of `www.example.test. A` where everything is right (the parent
//! `test.` delegates to two out-of-zone servers that agree); each test breaks one thing and
//! asserts the rule's findings, and that every other rule stays silent.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKeyBuf};
use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, NS, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType};

use super::*;
use crate::check::{Expected, MAX_CNAME_CHAIN, Question, Severity};
use crate::walk::{Delegation, End, Level, NameServer, NoAnswer, Proto, Reply, Walk};

fn name(s: &str) -> Name {
    Name::from_ascii(s).unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

const ZONE: &str = "example.test.";
const QNAME: &str = "www.example.test.";
const NS1: (&str, &str) = ("ns1.dns.test.", "192.0.2.1");
const NS2: (&str, &str) = ("ns2.dns.test.", "192.0.2.2");
const PARENT: (&str, &str) = ("a.nic.test.", "192.0.2.53");

fn soa(serial: u32) -> Record {
    Record::from_rdata(
        name(ZONE),
        300,
        RData::SOA(SOA::new(
            name("ns1.dns.test."),
            name("hostmaster.example.test."),
            serial,
            3600,
            600,
            86400,
            300,
        )),
    )
}

fn a(owner: &str, addr: &str) -> Record {
    Record::from_rdata(
        name(owner),
        300,
        RData::A(A(addr.parse::<Ipv4Addr>().unwrap())),
    )
}

fn ns(owner: &str, target: &str) -> Record {
    Record::from_rdata(name(owner), 172800, RData::NS(NS(name(target))))
}

/// An ECDSA key-signing key made from `seed` (only its digest matters to the rules).
fn key(seed: u8) -> DNSKEY {
    DNSKEY::with_flags(
        257,
        PublicKeyBuf::new(vec![seed; 64], Algorithm::ECDSAP256SHA256),
    )
}

fn ds_of(key: &DNSKEY) -> Record {
    let ds = DS::from_key(key.public_key(), &name(ZONE), DigestType::SHA256).unwrap();
    Record::from_rdata(name(ZONE), 3600, RData::DNSSEC(DNSSECRData::DS(ds)))
}

fn dnskey_record(key: DNSKEY) -> Record {
    Record::from_rdata(name(ZONE), 3600, RData::DNSSEC(DNSSECRData::DNSKEY(key)))
}

/// A response: `aa`, the RCODE, answers and authority records.
fn message(
    aa: bool,
    rcode: ResponseCode,
    answers: Vec<Record>,
    authorities: Vec<Record>,
) -> Message {
    let mut m = Message::new(1, MessageType::Response, OpCode::Query);
    m.metadata.authoritative = aa;
    m.metadata.response_code = rcode;
    m.answers = answers;
    m.authorities = authorities;
    m
}

fn authoritative(answers: Vec<Record>) -> Message {
    message(true, ResponseCode::NoError, answers, vec![])
}

/// `server` (name, address) answered `qname qtype` over `proto` with `m` in 20 ms.
fn answered(
    server: (&str, &str),
    qname: &str,
    qtype: RecordType,
    proto: Proto,
    m: Message,
) -> Probe {
    Probe {
        server: name(server.0),
        addr: ip(server.1),
        qname: name(qname),
        qtype,
        proto,
        result: Ok(Reply {
            message: m,
            rtt: Duration::from_millis(20),
            proto,
            retried_tcp: false,
        }),
    }
}

fn failed(
    server: (&str, &str),
    qname: &str,
    qtype: RecordType,
    proto: Proto,
    e: NoAnswer,
) -> Probe {
    Probe {
        server: name(server.0),
        addr: ip(server.1),
        qname: name(qname),
        qtype,
        proto,
        result: Err(e),
    }
}

fn server(s: (&str, &str)) -> NameServer {
    NameServer {
        name: name(s.0),
        addrs: vec![ip(s.1)],
    }
}

/// A check where everything is right.
fn healthy() -> Facts {
    let referral = message(
        false,
        ResponseCode::NoError,
        vec![],
        vec![ns(ZONE, NS1.0), ns(ZONE, NS2.0)],
    );
    let walk = Walk {
        levels: vec![
            Level {
                zone: name("test."),
                servers: vec![server(PARENT)],
                probes: vec![answered(PARENT, QNAME, RecordType::A, Proto::Udp, referral)],
                apex: vec![],
            },
            Level {
                zone: name(ZONE),
                servers: vec![server(NS1), server(NS2)],
                probes: [NS1, NS2]
                    .map(|s| {
                        let m = authoritative(vec![a(QNAME, "192.0.2.80")]);
                        answered(s, QNAME, RecordType::A, Proto::Udp, m)
                    })
                    .to_vec(),
                apex: vec![],
            },
        ],
        delegations: vec![Delegation {
            parent: Some(name("test.")),
            child: Some(name(ZONE)),
            ns: [NS1.0, NS2.0].iter().map(|n| name(n)).collect(),
            glue: BTreeMap::new(),
            by_server: vec![],
        }],
        dropped: vec![],
        end: End::Reached,
    };
    let mut f = Facts::new(name(QNAME), RecordType::A, walk);
    f.zone = Some(name(ZONE));
    let each = |qtype: RecordType, proto: Proto, records: &dyn Fn() -> Vec<Record>| {
        [NS1, NS2]
            .map(|s| answered(s, ZONE, qtype, proto, authoritative(records())))
            .to_vec()
    };
    f.soa_udp = each(RecordType::SOA, Proto::Udp, &|| vec![soa(7)]);
    f.soa_tcp = each(RecordType::SOA, Proto::Tcp, &|| vec![soa(7)]);
    f.ns = each(RecordType::NS, Proto::Udp, &|| {
        vec![ns(ZONE, NS1.0), ns(ZONE, NS2.0)]
    });
    f.dnskey = each(RecordType::DNSKEY, Proto::Udp, &Vec::new);
    f.ds = vec![answered(
        PARENT,
        ZONE,
        RecordType::DS,
        Proto::Udp,
        message(true, ResponseCode::NoError, vec![], vec![]),
    )];
    f.addresses = vec![ip("192.0.2.80")];
    f
}

fn codes(found: &[Finding]) -> BTreeSet<&'static str> {
    found.iter().map(|f| f.code.as_str()).collect()
}

/// Every rule together finds exactly `want`.
#[track_caller]
/// example.test registered with Route 53 Domains in this account, giving the registry `ns`.
fn at_route53_domains(ns: &str) -> crate::provider::route53::domains::DomainDetail {
    crate::provider::route53::domains::DomainDetail {
        domain: "example.test".into(),
        name_servers: vec![ns.into()],
        statuses: vec![],
        expires_at: None,
        auto_renew: Some(true),
    }
}

fn only(f: &Facts, want: &[&str]) -> Vec<Finding> {
    let found = findings(f);
    assert_eq!(
        codes(&found),
        want.iter().copied().collect::<BTreeSet<_>>(),
        "{found:#?}"
    );
    found
}

fn text(found: &[Finding]) -> String {
    found
        .iter()
        .map(|f| f.message.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_healthy_facts_have_no_finding() {
    only(&healthy(), &[]);
}

#[test]
fn a_spent_budget_or_deadline_makes_the_check_incomplete() {
    let mut f = healthy();
    f.limits.budget_spent = true;
    f.limits.max_queries = 10;
    f.limits.sent = 10;
    let found = only(&f, &["check.incomplete"]);
    assert!(text(&found).contains("budget of 10 queries"));
    let mut f = healthy();
    f.limits.deadline_passed = true;
    f.limits.deadline_seconds = Some(30);
    assert!(text(&only(&f, &["check.incomplete"])).contains("deadline of 30 s"));
}

#[test]
fn the_parent_delegating_elsewhere_than_expected_names_both_sets_and_readiness() {
    let mut f = healthy();
    let aws = ("ns-1.awsdns-01.org.", "192.0.2.101");
    f.expected = Some(Expected {
        names: [name(aws.0)].into(),
        soa: vec![answered(
            aws,
            ZONE,
            RecordType::SOA,
            Proto::Udp,
            message(false, ResponseCode::Refused, vec![], vec![]),
        )],
        dnskey: vec![],
    });
    let found = only(&f, &["delegation.expected-ns-mismatch"]);
    let t = text(&found);
    assert!(
        t.contains("delegates example.test. to ns1.dns.test., ns2.dns.test."),
        "{t}"
    );
    assert!(t.contains("should delegate to ns-1.awsdns-01.org."), "{t}");
    assert!(t.contains("NOT ready"), "{t}");
    // Once the expected server answers with authority, it is ready; whether the switch is safe
    // is not proven without the zone file compared on it (the pre-flight).
    if let Some(e) = &mut f.expected {
        e.soa = vec![answered(
            aws,
            ZONE,
            RecordType::SOA,
            Proto::Udp,
            authoritative(vec![soa(7)]),
        )];
    }
    let t = text(&findings(&f));
    assert!(
        t.contains("not proven safe") && !t.contains("so the switch is safe"),
        "{t}"
    );
    // After `dns delegate`: Route 53 Domains already gives the registry the expected servers,
    // the registry has not published them yet: nothing to do at the registrar.
    f.registrar = Some(at_route53_domains("ns-1.awsdns-01.org"));
    let found = findings(&f);
    let fix = &found
        .iter()
        .find(|x| x.code.as_str() == "delegation.expected-ns-mismatch")
        .unwrap()
        .fix;
    assert!(
        fix.starts_with("nothing to do at the registrar: Route 53 Domains already gives the registry ns-1.awsdns-01.org.")
            && fix.contains("has not published the change yet"),
        "{fix}"
    );
}

#[test]
fn one_name_server_is_too_few() {
    let mut f = healthy();
    f.walk.delegations[0].ns = [name(NS1.0)].into();
    f.ns = vec![answered(
        NS1,
        ZONE,
        RecordType::NS,
        Proto::Udp,
        authoritative(vec![ns(ZONE, NS1.0)]),
    )];
    only(&f, &["ns.too-few"]);
}

#[test]
fn the_zone_listing_other_name_servers_than_the_parent_is_a_mismatch() {
    let mut f = healthy();
    f.ns = [NS1, NS2]
        .map(|s| {
            let m = authoritative(vec![ns(ZONE, NS1.0), ns(ZONE, "ns3.dns.test.")]);
            answered(s, ZONE, RecordType::NS, Proto::Udp, m)
        })
        .to_vec();
    let t = text(&only(&f, &["delegation.parent-child-mismatch"]));
    assert!(
        t.contains("the zone itself lists ns1.dns.test., ns3.dns.test."),
        "{t}"
    );
}

#[test]
fn tcp_failing_after_truncation_is_blamed_on_tcp_not_udp() {
    let mut f = healthy();
    f.soa_tcp[1] = failed(NS2, ZONE, RecordType::SOA, Proto::Tcp, NoAnswer::Timeout);
    f.dnskey[1] = failed(
        NS2,
        ZONE,
        RecordType::DNSKEY,
        Proto::Udp,
        NoAnswer::AfterTruncation(Box::new(NoAnswer::Refused)),
    );
    let found = only(&f, &["ns.tcp-failed"]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.starts_with("ns2.dns.test. (192.0.2.2)"),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .message
            .contains("answers over UDP but not over TCP")
    );
}

#[test]
fn a_silent_server_is_unreachable_per_protocol() {
    let mut f = healthy();
    for probes in [&mut f.soa_udp, &mut f.ns, &mut f.dnskey] {
        let p = &mut probes[1];
        p.result = Err(NoAnswer::Timeout);
    }
    f.soa_tcp[1].result = Err(NoAnswer::Refused);
    f.walk.levels[1].probes[1].result = Err(NoAnswer::Timeout);
    let found = only(&f, &["ns.unreachable"]);
    assert_eq!(found.len(), 1);
    let t = &found[0].message;
    assert!(
        t.contains("ns2.dns.test. (192.0.2.2), a server of example.test."),
        "{t}"
    );
    assert!(t.contains("over udp") && t.contains("over tcp"), "{t}");
}

#[test]
fn malformed_answers_name_the_server_protocol_question_and_fault() {
    let mut f = healthy();
    f.dnskey[0].result = Err(NoAnswer::Malformed("DNSKEY rdata of 3 octets".into()));
    f.ds[0].result = Err(NoAnswer::Mismatch(
        "the answer is for another question".into(),
    ));
    let found = only(&f, &["ns.malformed-answer"]);
    assert_eq!(found.len(), 2, "{found:#?}");
    let t = text(&found);
    assert!(t.contains("ns1.dns.test. (192.0.2.1), a server of example.test., over udp, for example.test. DNSKEY: "), "{t}");
    assert!(
        t.contains("a.nic.test. (192.0.2.53), a server of the parent zone test."),
        "{t}"
    );
}

#[test]
fn questions_never_sent_say_nothing_about_the_server() {
    let mut f = healthy();
    f.dnskey[0].result = Err(NoAnswer::Budget);
    f.soa_tcp[0].result = Err(NoAnswer::Deadline);
    only(&f, &[]);
}

#[test]
fn a_slow_answer_is_a_warning_with_its_time() {
    let mut f = healthy();
    if let Ok(r) = &mut f.soa_udp[0].result {
        r.rtt = Duration::from_millis(800);
    }
    let found = only(&f, &["ns.slow"]);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(
        found[0].message.contains("took 800 ms"),
        "{}",
        found[0].message
    );
}

#[test]
fn refusing_or_non_authoritative_servers_are_lame() {
    for (m, why) in [
        (
            message(true, ResponseCode::Refused, vec![], vec![]),
            "REFUSED",
        ),
        (
            message(false, ResponseCode::ServFail, vec![], vec![]),
            "SERVFAIL",
        ),
        (
            message(false, ResponseCode::NoError, vec![], vec![ns(ZONE, NS1.0)]),
            "answers a referral (AA=0) to the servers of example.test. for it",
        ),
        (
            message(false, ResponseCode::NoError, vec![soa(7)], vec![]),
            "answers an answer without authority (AA=0) for it",
        ),
        (
            message(false, ResponseCode::NoError, vec![], vec![]),
            "answers an empty answer without authority (AA=0) for it",
        ),
    ] {
        let mut f = healthy();
        f.soa_udp[1] = answered(NS2, ZONE, RecordType::SOA, Proto::Udp, m);
        let found = lame_servers(&f);
        assert_eq!(codes(&found), ["ns.lame"].into());
        assert!(found[0].message.contains(why), "{}", found[0].message);
        assert!(
            found[0].message.starts_with("ns2.dns.test."),
            "{}",
            found[0].message
        );
    }
}

/// The zone delegated to its own servers, ns1/ns2.example.test.
fn in_zone() -> Facts {
    let mut f = healthy();
    let d = &mut f.walk.delegations[0];
    d.ns = [name("ns1.example.test."), name("ns2.example.test.")].into();
    d.glue = BTreeMap::from([(name("ns1.example.test."), [ip("192.0.2.1")].into())]);
    f.ns = [NS1, NS2]
        .map(|s| {
            let m = authoritative(vec![
                ns(ZONE, "ns1.example.test."),
                ns(ZONE, "ns2.example.test."),
            ]);
            answered(s, ZONE, RecordType::NS, Proto::Udp, m)
        })
        .to_vec();
    f
}

#[test]
fn an_in_zone_name_server_without_glue_is_named() {
    let f = in_zone();
    let found = only(&f, &["glue.missing"]);
    assert!(
        found[0]
            .message
            .starts_with("ns2.example.test. is inside example.test."),
        "{}",
        found[0].message
    );
    assert!(!found[0].message.contains("cannot be resolved at all"));
    // With no glue at all, the zone cannot be resolved: said so.
    let mut f = in_zone();
    f.walk.delegations[0].glue.clear();
    assert!(text(&only(&f, &["glue.missing"])).contains("cannot be resolved at all"));
}

#[test]
fn glue_that_differs_from_the_zones_own_address_is_a_mismatch() {
    let mut f = in_zone();
    f.walk.delegations[0]
        .glue
        .insert(name("ns2.example.test."), [ip("192.0.2.2")].into());
    f.ns_addrs = vec![
        answered(
            NS1,
            "ns1.example.test.",
            RecordType::A,
            Proto::Udp,
            authoritative(vec![a("ns1.example.test.", "192.0.2.9")]),
        ),
        answered(
            NS1,
            "ns2.example.test.",
            RecordType::A,
            Proto::Udp,
            authoritative(vec![a("ns2.example.test.", "192.0.2.2")]),
        ),
    ];
    let t = text(&only(&f, &["glue.mismatch"]));
    assert!(
        t.contains(
            "glue for ns1.example.test. is 192.0.2.1, but example.test. publishes 192.0.2.9"
        ),
        "{t}"
    );
}

#[test]
fn a_name_server_without_an_address_says_why() {
    let mut f = healthy();
    f.walk.levels[1].servers[1].addrs.clear();
    f.walk.levels[1].probes.pop();
    for probes in [&mut f.soa_udp, &mut f.soa_tcp, &mut f.ns, &mut f.dnskey] {
        probes.pop();
    }
    f.unresolvable.insert(
        name(NS2.0),
        "ns2.dns.test. does not exist (NXDOMAIN)".into(),
    );
    let t = text(&only(&f, &["ns.no-address"]));
    assert!(t.contains("no address can be found for ns2.dns.test., a name server of example.test.: ns2.dns.test. does not exist"), "{t}");
}

#[test]
fn a_name_server_that_is_an_alias_is_flagged() {
    let mut f = healthy();
    f.aliases.insert(name(NS2.0), name("host.cloud.test."));
    let t = text(&only(&f, &["ns.cname"]));
    assert!(
        t.contains("ns2.dns.test. of example.test. is an alias (CNAME to host.cloud.test.)"),
        "{t}"
    );
}

#[test]
fn different_serials_say_which_server_has_which() {
    let mut f = healthy();
    f.soa_udp[1] = answered(
        NS2,
        ZONE,
        RecordType::SOA,
        Proto::Udp,
        authoritative(vec![soa(6)]),
    );
    let t = text(&only(&f, &["soa.serial-mismatch"]));
    assert!(
        t.contains("6 at ns2.dns.test. (192.0.2.2); 7 at ns1.dns.test. (192.0.2.1)"),
        "{t}"
    );
}

#[test]
fn servers_serving_another_soa_with_the_same_serial_are_inconsistent() {
    let mut f = healthy();
    let other = Record::from_rdata(
        name(ZONE),
        300,
        RData::SOA(SOA::new(
            name("ns1.other-provider.test."),
            name("dns.other-provider.test."),
            7,
            7200,
            900,
            1_209_600,
            86400,
        )),
    );
    f.soa_udp[1] = answered(
        NS2,
        ZONE,
        RecordType::SOA,
        Proto::Udp,
        authoritative(vec![other]),
    );
    let found = only(&f, &["soa.inconsistent"]);
    assert_eq!(found[0].severity, Severity::Warning);
    let t = text(&found);
    assert!(
        t.contains("ns2.dns.test. (192.0.2.2) say [MNAME ns1.other-provider.test. RNAME dns.other-provider.test. refresh 7200 retry 900 expire 1209600 minimum 86400]"),
        "{t}"
    );
}

#[test]
fn names_sharing_an_address_and_servers_in_one_prefix_are_warnings() {
    let mut f = healthy();
    // Two names, one (documentation) address: one server in truth.
    f.walk.levels[1].servers[1].addrs = vec![ip(NS1.1)];
    let t = text(&only(&f, &["ns.shared-address"]));
    assert!(
        t.contains("192.0.2.1 is ns1.dns.test., ns2.dns.test."),
        "{t}"
    );
    // Global addresses in one /24; documentation and loopback ones are not judged.
    let mut f = healthy();
    f.walk.levels[1].servers[0].addrs = vec![ip("205.251.192.10")];
    f.walk.levels[1].servers[1].addrs = vec![ip("205.251.192.20")];
    let found = only(&f, &["ns.one-prefix"]);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(
        text(&found).contains("205.251.192.0/24"),
        "{}",
        text(&found)
    );
    f.walk.levels[1].servers[1].addrs = vec![ip("205.251.193.20")];
    assert!(findings(&f).is_empty());
}

/// A server that answers only without EDNS is edns-intolerant (and nothing else); one lost
/// datagram of a server that answers its other EDNS questions is not.
#[test]
fn edns_intolerance_needs_every_edns_question_unanswered() {
    let plain = |s: (&str, &str)| crate::check::Asked {
        question: crate::check::Question::NoEdns,
        probe: answered(
            s,
            ZONE,
            RecordType::SOA,
            Proto::Udp,
            authoritative(vec![soa(7)]),
        ),
    };
    let mut f = healthy();
    f.asked = vec![plain(NS1), plain(NS2)];
    f.soa_udp[0] = failed(NS1, ZONE, RecordType::SOA, Proto::Udp, NoAnswer::Timeout);
    let found = findings(&f);
    assert!(codes(&found).contains("ns.unreachable"), "{}", text(&found));
    assert!(
        !codes(&found).contains("ns.edns-intolerant"),
        "{}",
        text(&found)
    );
    // Every UDP question with EDNS to ns1 unanswered: intolerant, not unreachable.
    let ns1 = ip(NS1.1);
    for probes in [&mut f.ns, &mut f.dnskey, &mut f.walk.levels[1].probes] {
        for p in probes.iter_mut().filter(|p| p.addr == ns1) {
            p.result = Err(NoAnswer::Timeout);
        }
    }
    let t = text(&only(&f, &["ns.edns-intolerant"]));
    assert!(
        t.contains("ns1.dns.test. (192.0.2.1) answers plain DNS questions"),
        "{t}"
    );
}

#[test]
fn servers_that_disagree_on_the_answer_say_who_says_what() {
    let mut f = healthy();
    f.walk.levels[1].probes[1] = answered(
        NS2,
        QNAME,
        RecordType::A,
        Proto::Udp,
        authoritative(vec![a(QNAME, "192.0.2.81")]),
    );
    let t = text(&only(&f, &["answer.mismatch"]));
    assert!(
        t.contains("ns1.dns.test. (192.0.2.1) say [www.example.test. A 192.0.2.80]"),
        "{t}"
    );
    assert!(
        t.contains("ns2.dns.test. (192.0.2.2) say [www.example.test. A 192.0.2.81]"),
        "{t}"
    );
}

#[test]
fn a_name_the_servers_deny_is_nxdomain() {
    let mut f = healthy();
    for p in &mut f.walk.levels[1].probes {
        if let Ok(r) = &mut p.result {
            r.message = message(true, ResponseCode::NXDomain, vec![], vec![soa(7)]);
        }
    }
    f.addresses.clear();
    only(&f, &["name.nxdomain"]);
}

#[test]
fn cname_chains_that_loop_run_on_or_end_nowhere_are_told_apart() {
    let link = |a: &str, b: &str| (name(a), name(b));
    let mut f = healthy();
    f.cname_chain = vec![
        link(QNAME, "x.example.test."),
        link("x.example.test.", QNAME),
    ];
    f.cname_loop = true;
    only(&f, &["cname.loop"]);

    let mut f = healthy();
    f.cname_chain = (0..=MAX_CNAME_CHAIN)
        .map(|i| {
            link(
                &format!("c{i}.example.test."),
                &format!("c{}.example.test.", i + 1),
            )
        })
        .collect();
    f.cname_too_long = true;
    let t = text(&only(&f, &["cname.too-long"]));
    assert!(t.contains("does not loop"), "{t}");

    let mut f = healthy();
    f.cname_chain = vec![link(QNAME, "gone.elb.test.")];
    f.cname_unresolved = Some("gone.elb.test. does not exist (NXDOMAIN)".into());
    let t = text(&only(&f, &["cname.target-unresolved"]));
    assert!(
        t.contains("www.example.test. is an alias of gone.elb.test., which cannot be resolved"),
        "{t}"
    );
}

fn with_ds(keys_served: Vec<DNSKEY>, ds_for: &DNSKEY) -> Facts {
    let mut f = healthy();
    f.ds = vec![answered(
        PARENT,
        ZONE,
        RecordType::DS,
        Proto::Udp,
        authoritative(vec![ds_of(ds_for)]),
    )];
    f.dnskey = served_keys(keys_served);
    f
}

/// Both zone servers answering DNSKEY with these keys.
fn served_keys(keys: Vec<DNSKEY>) -> Vec<Probe> {
    let records: Vec<Record> = keys.into_iter().map(dnskey_record).collect();
    [NS1, NS2]
        .map(|s| {
            let m = authoritative(records.clone());
            answered(s, ZONE, RecordType::DNSKEY, Proto::Udp, m)
        })
        .to_vec()
}

#[test]
fn a_ds_at_the_parent_without_keys_in_the_zone_fails_validation() {
    let f = with_ds(vec![], &key(1));
    let t = text(&only(&f, &["dnssec.ds-without-dnskey"]));
    assert!(t.contains("example.test."), "{t}");
}

#[test]
fn a_ds_that_matches_no_served_key_is_a_mismatch() {
    let f = with_ds(vec![key(2)], &key(1));
    only(&f, &["dnssec.ds-mismatch"]);
}

#[test]
fn a_signed_zone_without_ds_is_a_warning() {
    let mut f = healthy();
    f.dnskey = served_keys(vec![key(3)]);
    let found = only(&f, &["dnssec.no-ds"]);
    assert_eq!(found[0].severity, Severity::Warning);
}

/// The registry's word on DNSSEC (RDAP `delegationSigned`) against the DS the parent serves.
#[test]
fn the_registry_s_dnssec_state_is_held_to_the_parent_s_ds() {
    let registered = |signed: bool| {
        crate::rdap::Lookup::Found(crate::rdap::Registration {
            domain: "example.test".into(),
            url: "http://127.0.0.1/rdap/domain/example.test".into(),
            registrar: None,
            statuses: vec!["active".into()],
            expires: None,
            expires_at: None,
            name_servers: vec![name(NS1.0), name(NS2.0)],
            unreadable_name_servers: vec![],
            delegation_signed: Some(signed),
        })
    };
    let registration = |f: &Facts| -> BTreeSet<&'static str> {
        codes(&findings(f))
            .into_iter()
            .filter(|c| c.starts_with("registration."))
            .collect()
    };
    // Unsigned at the parent (no DS): the registry saying "signed" is a mismatch.
    let mut f = healthy();
    f.registration = Some(registered(false));
    assert!(registration(&f).is_empty());
    f.registration = Some(registered(true));
    assert_eq!(
        registration(&f),
        BTreeSet::from(["registration.ds-mismatch"])
    );
    let said = only_code(&findings(&f), "registration.ds-mismatch");
    assert!(said.contains("serves no DS record"), "{said}");
    // A DS at the parent: "unsigned" is the mismatch.
    let k = key(1);
    let mut f = with_ds(vec![k.clone()], &k);
    f.registration = Some(registered(true));
    assert!(registration(&f).is_empty());
    f.registration = Some(registered(false));
    assert_eq!(
        registration(&f),
        BTreeSet::from(["registration.ds-mismatch"])
    );
}

fn only_code(found: &[Finding], code: &str) -> String {
    found
        .iter()
        .filter(|f| f.code.as_str() == code)
        .map(|f| f.message.clone())
        .collect()
}

/// SOA timers that defeat their purpose are named; Route 53's defaults pass.
#[test]
fn soa_timers_that_defeat_their_purpose_are_named() {
    let with = |refresh: u32, retry: u32, expire: u32, minimum: u32| {
        let mut f = healthy();
        let record = Record::from_rdata(
            name(ZONE),
            300,
            RData::SOA(SOA::new(
                name("ns1.dns.test."),
                name("hostmaster.example.test."),
                7,
                refresh as i32,
                retry as i32,
                expire as i32,
                minimum,
            )),
        );
        f.soa_udp = [NS1, NS2]
            .map(|s| {
                answered(
                    s,
                    ZONE,
                    RecordType::SOA,
                    Proto::Udp,
                    authoritative(vec![record.clone()]),
                )
            })
            .to_vec();
        f
    };
    only(&with(7200, 900, 1_209_600, 86_400), &[]);
    let found = only(&with(600, 3600, 300, 172_800), &["soa.timers"]);
    let t = text(&found);
    assert!(
        t.contains("retry 3600 s is not below refresh 600 s")
            && t.contains("expire 300 s is not above refresh 600 s")
            && t.contains("minimum) 172800 s is over a day"),
        "{t}"
    );
    assert_eq!(found[0].servers.len(), 2, "both servers named");
}

/// A server answering the zone's SOA with two SOA records, or with another owner's SOA.
#[test]
fn an_answer_with_more_than_one_soa_is_an_error() {
    let mut f = healthy();
    let mut second = soa(8);
    second.ttl = 60;
    f.soa_udp[1] = answered(
        NS2,
        ZONE,
        RecordType::SOA,
        Proto::Udp,
        authoritative(vec![soa(7), second]),
    );
    let found = only(&f, &["soa.not-one"]);
    assert_eq!(found[0].severity, Severity::Error);
    let t = text(&found);
    assert!(t.contains("1 answer(s) with 2 SOA records"), "{t}");
    assert_eq!(found[0].servers, ["ns2.dns.test. (192.0.2.2) over udp"]);
    // The same record twice is one SOA.
    let mut f = healthy();
    f.soa_tcp[0] = answered(
        NS1,
        ZONE,
        RecordType::SOA,
        Proto::Tcp,
        authoritative(vec![soa(7), soa(7)]),
    );
    only(&f, &[]);
}

fn rrsig(covered: RecordType, algorithm: Algorithm) -> Record {
    use hickory_proto::dnssec::rdata::{RRSIG, SigInput};
    let input = SigInput {
        type_covered: covered,
        algorithm,
        num_labels: 2,
        original_ttl: 300,
        sig_expiration: hickory_proto::rr::SerialNumber::new(2_000_000_000),
        sig_inception: hickory_proto::rr::SerialNumber::new(1_000_000_000),
        key_tag: 1,
        signer_name: name(ZONE),
    };
    Record::from_rdata(
        name(ZONE),
        300,
        RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, vec![0; 64]))),
    )
}

/// Keys of two algorithms, signatures of one: the other algorithm is named with the sets it
/// leaves unsigned and the servers (Zonemaster DNSSEC13).
#[test]
fn an_algorithm_of_the_key_set_that_signs_nothing_is_named() {
    let ecdsa = key(1);
    let rsa = DNSKEY::with_flags(
        256,
        PublicKeyBuf::new(
            [vec![3, 1, 0, 1], vec![0xC5; 256]].concat(),
            Algorithm::RSASHA256,
        ),
    );
    let keys = vec![ecdsa.clone(), rsa];
    let mut f = healthy();
    let with_sig = |records: Vec<Record>, covered| {
        [NS1, NS2]
            .map(|s| {
                let mut answer = records.clone();
                answer.push(rrsig(covered, Algorithm::ECDSAP256SHA256));
                answered(s, ZONE, covered, Proto::Udp, authoritative(answer))
            })
            .to_vec()
    };
    f.dnskey = with_sig(
        keys.iter().cloned().map(dnskey_record).collect(),
        RecordType::DNSKEY,
    );
    f.soa_udp = with_sig(vec![soa(7)], RecordType::SOA);
    f.ns = with_sig(vec![ns(ZONE, NS1.0), ns(ZONE, NS2.0)], RecordType::NS);
    let mut out = vec![];
    signatures::every_algorithm_signs(&f, &name(ZONE), &keys, &mut out);
    assert_eq!(out.len(), 1, "{out:#?}");
    let t = &out[0].message;
    assert!(
        t.contains("algorithm 8 (RSASHA256)") && t.contains("NS, SOA, DNSKEY set(s)"),
        "{t}"
    );
    assert_eq!(out[0].servers.len(), 2);
    // Every algorithm signing: nothing.
    let mut out = vec![];
    signatures::every_algorithm_signs(&f, &name(ZONE), &[ecdsa], &mut out);
    assert!(out.is_empty(), "{out:#?}");
}

/// RSA moduli below 2048 bits are named with their size; 2048 passes (Zonemaster DNSSEC14).
#[test]
fn small_rsa_keys_are_named_with_their_size() {
    let rsa = |modulus_octets: usize, first: u8| {
        let mut modulus = vec![0xAB; modulus_octets];
        modulus[0] = first;
        DNSKEY::with_flags(
            257,
            PublicKeyBuf::new([vec![3, 1, 0, 1], modulus].concat(), Algorithm::RSASHA256),
        )
    };
    let mut out = vec![];
    signatures::rsa_key_sizes(&name(ZONE), &[rsa(256, 0xC1), key(1)], &mut out);
    assert!(out.is_empty(), "{out:#?}");
    signatures::rsa_key_sizes(&name(ZONE), &[rsa(128, 0x01)], &mut out);
    assert_eq!(out.len(), 1);
    assert!(
        out[0].message.contains("is 1017 bits, below 2048"),
        "{}",
        out[0].message
    );
    // A long exponent (first octet 0, then a two-octet length) is read as RFC 3110 writes it.
    let long = DNSKEY::with_flags(
        257,
        PublicKeyBuf::new(
            [vec![0, 0, 3, 1, 0, 1], vec![0xFF; 520]].concat(),
            Algorithm::RSASHA512,
        ),
    );
    let mut out = vec![];
    signatures::rsa_key_sizes(&name(ZONE), &[long], &mut out);
    assert!(
        out[0].message.contains("4160 bits, above"),
        "{}",
        out[0].message
    );
}

/// Two servers serving different CDS sets: the registry acts on whichever it asked.
#[test]
fn servers_serving_different_cds_sets_are_inconsistent() {
    use hickory_proto::dnssec::rdata::CDS;
    let mut f = healthy();
    let cds = |tag: u16| {
        Record::from_rdata(
            name(ZONE),
            3600,
            RData::DNSSEC(DNSSECRData::CDS(CDS::new(
                tag,
                Some(Algorithm::ECDSAP256SHA256),
                DigestType::SHA256,
                vec![tag as u8; 32],
            ))),
        )
    };
    set_answers(
        &mut f,
        Question::Cds,
        vec![
            answered(
                NS1,
                ZONE,
                RecordType::CDS,
                Proto::Udp,
                authoritative(vec![cds(1)]),
            ),
            answered(
                NS2,
                ZONE,
                RecordType::CDS,
                Proto::Udp,
                authoritative(vec![cds(2)]),
            ),
        ],
    );
    let found = only(&f, &["dnssec.cds-inconsistent", "dnssec.cds-mismatch"]);
    let t = only_code(&found, "dnssec.cds-inconsistent");
    assert!(
        t.contains("ns1.dns.test. (192.0.2.1) serve [CDS 1 13 2]")
            && t.contains("ns2.dns.test. (192.0.2.2) serve [CDS 2 13 2]"),
        "{t}"
    );
    // A delete request alone, the same on both servers: nothing to say.
    let delete = Record::from_rdata(
        name(ZONE),
        3600,
        RData::DNSSEC(DNSSECRData::CDS(CDS::new(
            0,
            None,
            DigestType::from(0),
            vec![0],
        ))),
    );
    set_answers(
        &mut f,
        Question::Cds,
        [NS1, NS2]
            .map(|s| {
                answered(
                    s,
                    ZONE,
                    RecordType::CDS,
                    Proto::Udp,
                    authoritative(vec![delete.clone()]),
                )
            })
            .to_vec(),
    );
    only(&f, &[]);
}

fn mx(preference: u16, exchange: &str) -> Record {
    use hickory_proto::rr::rdata::MX;
    Record::from_rdata(
        name(ZONE),
        300,
        RData::MX(MX::new(preference, name(exchange))),
    )
}

/// NS1 and NS2 each answer the apex's `qtype` question with their set.
fn serving(qtype: RecordType, sets: [Vec<Record>; 2]) -> Vec<Probe> {
    [NS1, NS2]
        .into_iter()
        .zip(sets)
        .map(|(s, set)| answered(s, ZONE, qtype, Proto::Udp, authoritative(set)))
        .collect()
}

fn serving_mx(f: &mut Facts, sets: [Vec<Record>; 2]) {
    set_answers(f, Question::Mx, serving(RecordType::MX, sets));
}

#[test]
fn mail_exchangers_are_held_to_rfc_7505_2181_and_their_addresses() {
    let mut f = healthy();
    // Two good exchangers with addresses, the same on both servers: nothing to say.
    let good = || vec![mx(10, "mx1.example.test."), mx(20, "mx2.example.test.")];
    serving_mx(&mut f, [good(), good()]);
    f.mail
        .insert(name("mx1.example.test."), vec![ip("192.0.2.25")]);
    f.mail
        .insert(name("mx2.example.test."), vec![ip("192.0.2.26")]);
    only(&f, &[]);

    // The servers disagree: each set named with its servers.
    serving_mx(&mut f, [good(), vec![mx(10, "mx1.example.test.")]]);
    let found = only(&f, &["mx.inconsistent"]);
    let t = text(&found);
    assert!(
        t.contains("ns1.dns.test. (192.0.2.1) serve [10 mx1.example.test., 20 mx2.example.test.]")
            && t.contains("ns2.dns.test. (192.0.2.2) serve [10 mx1.example.test.]"),
        "{t}"
    );

    // A null MX beside another, and alone with a preference other than 0.
    let beside = || vec![mx(0, "."), mx(10, "mx1.example.test.")];
    serving_mx(&mut f, [beside(), beside()]);
    let t = text(&only(&f, &["mx.null-invalid"]));
    assert!(t.contains("beside other MX records"), "{t}");
    serving_mx(&mut f, [vec![mx(5, ".")], vec![mx(5, ".")]]);
    let t = text(&only(&f, &["mx.null-invalid"]));
    assert!(t.contains("preference other than 0"), "{t}");
    // The null MX done right is no finding.
    serving_mx(&mut f, [vec![mx(0, ".")], vec![mx(0, ".")]]);
    only(&f, &[]);

    // An exchanger that is an alias, one without an address (with why).
    serving_mx(&mut f, [good(), good()]);
    f.aliases
        .insert(name("mx1.example.test."), name("mail.cloud.test."));
    f.mail.insert(name("mx2.example.test."), vec![]);
    f.unresolvable.insert(
        name("mx2.example.test."),
        "mx2.example.test. does not exist (NXDOMAIN)".into(),
    );
    let found = only(&f, &["mx.target-alias", "mx.target-no-address"]);
    let t = text(&found);
    assert!(
        t.contains("mx1.example.test. of example.test. is an alias (CNAME to mail.cloud.test.)"),
        "{t}"
    );
    assert!(t.contains("mx2.example.test. of example.test. has no address: mx2.example.test. does not exist (NXDOMAIN)"), "{t}");
}

#[test]
fn names_served_that_are_no_host_names_or_mailboxes_are_named() {
    // An MX exchanger with an underscore, one with a numeric top-level label.
    let mut f = healthy();
    serving_mx(
        &mut f,
        [
            vec![mx(10, "mail_1.example.test."), mx(20, "192.0.2.25.")],
            vec![mx(10, "mail_1.example.test."), mx(20, "192.0.2.25.")],
        ],
    );
    f.mail
        .insert(name("mail_1.example.test."), vec![ip("192.0.2.25")]);
    f.mail.insert(name("192.0.2.25."), vec![ip("192.0.2.25")]);
    let t = text(&only(&f, &["mx.name-invalid"]));
    assert!(
        t.contains(
            "mail_1.example.test. of example.test. is not a valid host name: a label holds '_'"
        ),
        "{t}"
    );
    assert!(t.contains("192.0.2.25. of example.test. is not a valid host name: its top-level label is all digits"), "{t}");

    // An SOA whose RNAME has the @ written into it and an MNAME with a trailing hyphen.
    let mut f = healthy();
    let bad = Record::from_rdata(
        name(ZONE),
        300,
        RData::SOA(SOA::new(
            Name::from_labels(vec![&b"ns1-"[..], b"dns", b"test"]).unwrap(),
            Name::from_labels(vec![&b"hostmaster@example"[..], b"test"]).unwrap(),
            7,
            3600,
            600,
            86400,
            300,
        )),
    );
    f.soa_udp = serving(RecordType::SOA, [vec![bad.clone()], vec![bad]]);
    let found = only(&f, &["soa.names-invalid"]);
    assert_eq!(found.len(), 1, "one finding for the SOA both servers serve");
    let t = text(&found);
    assert!(
        t.contains("served by ns1.dns.test. (192.0.2.1), ns2.dns.test. (192.0.2.2)"),
        "{t}"
    );
    assert!(
        t.contains("MNAME ns1-.dns.test. is not a host name: a label begins or ends with a hyphen"),
        "{t}"
    );
    assert!(
        t.contains("RNAME hostmaster\\@example.test. is not a mailbox: it holds an '@'"),
        "{t}"
    );
}

#[test]
fn a_server_that_answers_the_soa_but_fails_another_question_is_named() {
    let mut f = healthy();
    set_answers(
        &mut f,
        Question::Mx,
        vec![
            answered(
                NS1,
                ZONE,
                RecordType::MX,
                Proto::Udp,
                message(true, ResponseCode::ServFail, vec![], vec![]),
            ),
            answered(
                NS2,
                ZONE,
                RecordType::MX,
                Proto::Udp,
                message(true, ResponseCode::NXDomain, vec![], vec![]),
            ),
        ],
    );
    let found = only(&f, &["ns.answer-failed"]);
    let t = text(&found);
    assert!(t.contains("ns1.dns.test. (192.0.2.1) answers the SOA of example.test. with authority, but not example.test. MX: SERVFAIL"), "{t}");
    assert!(t.contains("example.test. MX: NXDOMAIN for the apex"), "{t}");
    // NXDOMAIN for a name that does not exist is the right answer.
    set_answers(&mut f, Question::Mx, vec![]);
    set_answers(
        &mut f,
        Question::Nonexistent,
        vec![answered(
            NS1,
            "dns-check-nx-1.example.test.",
            RecordType::A,
            Proto::Udp,
            message(true, ResponseCode::NXDomain, vec![], vec![]),
        )],
    );
    only(&f, &[]);
}

fn txt(text: &str) -> Record {
    use hickory_proto::rr::rdata::TXT;
    Record::from_rdata(
        name(ZONE),
        300,
        RData::TXT(TXT::new(vec![text.to_string()])),
    )
}

fn serving_txt(f: &mut Facts, sets: [Vec<Record>; 2]) {
    set_answers(f, Question::Txt, serving(RecordType::TXT, sets));
}

#[test]
fn spf_policies_are_one_per_server_valid_and_the_same_everywhere() {
    let mut f = healthy();
    let good = || vec![txt("v=spf1 mx -all"), txt("google-site-verification=abc")];
    serving_txt(&mut f, [good(), good()]);
    only(&f, &[]);

    // Two policies on one server, and a different set on the other.
    serving_txt(
        &mut f,
        [
            vec![
                txt("v=spf1 mx -all"),
                txt("v=spf1 include:_spf.example.net ~all"),
            ],
            good(),
        ],
    );
    let found = only(&f, &["spf.multiple", "spf.inconsistent"]);
    let t = only_code(&found, "spf.multiple");
    assert!(
        t.contains("ns1.dns.test. (192.0.2.1) serve(s) 2 SPF policies for example.test."),
        "{t}"
    );
    let t = only_code(&found, "spf.inconsistent");
    assert!(
        t.contains("ns2.dns.test. (192.0.2.2) serve \"v=spf1 mx -all\""),
        "{t}"
    );

    // A policy that does not parse, on both servers: one finding naming both and the term.
    let bad = || vec![txt("v=spf1 ip4:192.0.2.300 -all")];
    serving_txt(&mut f, [bad(), bad()]);
    let t = text(&only(&f, &["spf.invalid"]));
    assert!(
        t.contains("served by ns1.dns.test. (192.0.2.1), ns2.dns.test. (192.0.2.2) is invalid: the term `ip4:192.0.2.300` has no address"),
        "{t}"
    );

    // A policy split over several strings is read joined (RFC 7208 §3.3).
    let split = Record::from_rdata(
        name(ZONE),
        300,
        RData::TXT(hickory_proto::rr::rdata::TXT::new(vec![
            "v=spf1 include:_spf.exam".to_string(),
            "ple.net -all".to_string(),
        ])),
    );
    serving_txt(&mut f, [vec![split.clone()], vec![split]]);
    only(&f, &[]);
}

/// caa.inconsistent, by the table's one rule of consistent sets: the same CAA set (in any
/// order, names in any case) on both servers is fine, none on both too; another issuer, or a
/// set on one server only, names each set with its servers. A server that gives no usable
/// answer is no side (it is judged as a failed answer).
#[test]
fn the_apex_caa_set_must_be_the_same_on_every_server() {
    use hickory_proto::rr::rdata::CAA;
    let caa = |issuer: &str| {
        Record::from_rdata(
            name(ZONE),
            300,
            RData::CAA(CAA::new_issue(false, Some(name(issuer)), vec![])),
        )
    };
    let mut f = healthy();
    let serving_caa = |f: &mut Facts, sets: [Vec<Record>; 2]| {
        set_answers(f, Question::Caa, serving(RecordType::CAA, sets))
    };
    serving_caa(&mut f, [vec![], vec![]]);
    only(&f, &[]);
    serving_caa(
        &mut f,
        [
            vec![caa("letsencrypt.org."), caa("amazon.com.")],
            vec![caa("AMAZON.com."), caa("letsencrypt.org.")],
        ],
    );
    only(&f, &[]);
    serving_caa(
        &mut f,
        [vec![caa("letsencrypt.org.")], vec![caa("sectigo.com.")]],
    );
    let found = only(&f, &["caa.inconsistent"]);
    let t = only_code(&found, "caa.inconsistent");
    assert!(
        t.contains("the servers of example.test. serve different CAA sets at its apex")
            && t.contains("ns1.dns.test. (192.0.2.1) serve [0 issue \"letsencrypt.org.\"]")
            && t.contains("ns2.dns.test. (192.0.2.2) serve [0 issue \"sectigo.com.\"]"),
        "{t}"
    );
    serving_caa(&mut f, [vec![caa("letsencrypt.org.")], vec![]]);
    let t = only_code(&only(&f, &["caa.inconsistent"]), "caa.inconsistent");
    assert!(t.contains("ns2.dns.test. (192.0.2.2) serve no CAA"), "{t}");
    // A server that does not answer is not a set of its own.
    set_answers(
        &mut f,
        Question::Caa,
        vec![
            answered(
                NS1,
                ZONE,
                RecordType::CAA,
                Proto::Udp,
                authoritative(vec![caa("letsencrypt.org.")]),
            ),
            failed(NS2, ZONE, RecordType::CAA, Proto::Udp, NoAnswer::Timeout),
        ],
    );
    assert!(!codes(&findings(&f)).contains("caa.inconsistent"));
}

/// The answers to one question of the table, in place of those the facts had.
fn set_answers(f: &mut Facts, question: Question, probes: Vec<Probe>) {
    f.asked.retain(|a| a.question != question);
    f.asked.extend(
        probes
            .into_iter()
            .map(|probe| crate::check::Asked { question, probe }),
    );
}

/// The state of a move, one per observation, from not registered to done; each with its one
/// next step, and the timeline's wall-clock times from the TTLs observed.
#[test]
fn the_state_of_a_move_follows_what_is_observed() {
    use crate::check::caches::{CacheAnswer, CacheState};
    use crate::check::facts::Undelegated;
    use crate::check::verification::{Served, Verification};
    use crate::rdap::{Lookup, Registration};
    let state = |f: &Facts, caches: Option<&[CacheAnswer]>| move_of(f, &judge(f), caches);
    // Not delegated: not registered, on hold, or not asked.
    let mut f = healthy();
    f.zone = None;
    f.undelegated = Some(Undelegated {
        domain: name(ZONE),
        parent: name("test."),
        said: "NXDOMAIN".into(),
    });
    assert_eq!(state(&f, None).state, State::NotDelegated);
    f.registration = Some(Lookup::NotFound {
        domain: "example.test".into(),
        url: "http://rdap.test/domain/example.test".into(),
    });
    let m = state(&f, None);
    assert_eq!(m.state, State::NotRegistered);
    assert!(m.next.starts_with("register example.test."), "{}", m.next);
    f.registration = Some(Lookup::Found(Registration {
        domain: "example.test".into(),
        url: "http://rdap.test/domain/example.test".into(),
        registrar: None,
        statuses: vec!["client hold".into()],
        expires: None,
        expires_at: None,
        name_servers: vec![],
        unreadable_name_servers: vec![],
        delegation_signed: None,
    }));
    let m = state(&f, None);
    assert_eq!(m.state, State::NotPublished);
    assert!(
        m.said.contains("client hold") && m.next.contains("on hold"),
        "{m:?}"
    );
    // Delegated, no move followed.
    let mut f = healthy();
    assert_eq!(state(&f, None).state, State::Delegated);
    // A move to Route 53's servers that do not answer yet.
    let aws = ("ns-1.awsdns-01.org.", "192.0.2.101");
    let soa_from = |m: Message| vec![answered(aws, ZONE, RecordType::SOA, Proto::Udp, m)];
    f.expected = Some(Expected {
        names: [name(aws.0)].into(),
        soa: soa_from(message(false, ResponseCode::Refused, vec![], vec![])),
        dnskey: vec![],
    });
    let m = state(&f, None);
    assert_eq!(m.state, State::DelegatedElsewhere);
    assert!(
        m.next.contains("dns sync example.test. --create-zone"),
        "{}",
        m.next
    );
    // Answering, but not proven to serve the zone: still not ready.
    f.expected.as_mut().unwrap().soa = soa_from(authoritative(vec![soa(7)]));
    let m = state(&f, None);
    assert_eq!(m.state, State::DelegatedElsewhere);
    assert!(m.next.starts_with("prove it first"), "{}", m.next);
    // Proven by the pre-flight: ready, with the timeline from the TTLs (NS 172800 at the parent,
    // records 300 at the current servers).
    f.preflight = Some(Verification {
        zone: ZONE.into(),
        file: "zones/example.test.yaml".into(),
        servers: 1,
        sets: vec![],
        listings: vec![],
        signatures: vec![],
        routed: false,
    });
    let m = state(&f, None);
    assert_eq!(m.state, State::ReadyToSwitch, "{m:?}");
    assert!(
        m.next.starts_with(
            "switch: at the registrar of example.test, set the name servers to ns-1.awsdns-01.org."
        ),
        "{}",
        m.next
    );
    assert_eq!(m.window_seconds, Some(172_800 + 300));
    let at: Vec<u64> = m
        .timeline
        .iter()
        .map(|t| t.at_secs - f.checked_at)
        .collect();
    assert_eq!(at, [0, 172_800, 173_100], "{:#?}", m.timeline);
    assert!(
        m.timeline[1]
            .what
            .contains("keep the old zone served and unchanged")
    );
    assert!(
        m.timeline[2]
            .what
            .contains("the old provider can be cancelled")
    );
    // A record kept a day at the old provider: lowering it there first shortens the window,
    // once the longest of the old provider's TTLs (its apex NS set's two days) has passed.
    f.verification = Some(Verification {
        sets: vec![crate::check::verification::SetCheck {
            name: ZONE.into(),
            rtype: "MX".into(),
            expected: vec!["10 mail.example.test.".into()],
            ttl: Some(86_400),
            routing: None,
            secondary: None,
            primary_check: None,
            primary_status: None,
            servers: vec![(NS1.0.into(), ip(NS1.1), Served::Same)],
        }],
        ..f.preflight.clone().unwrap()
    });
    let m = state(&f, None);
    assert_eq!(m.window_seconds, Some(172_800 + 86_400));
    let hint = m
        .timeline
        .iter()
        .find(|t| t.what.contains("lowered there to 300 s now"))
        .unwrap_or_else(|| panic!("{:#?}", m.timeline));
    assert_eq!(hint.at_secs, f.checked_at + 172_800);
    assert!(
        hint.what
            .contains("live for 48 h 5 min at most instead of 3 days"),
        "{}",
        hint.what
    );
    f.verification = None;
    // Route 53 Domains already gives the registry the new servers: waiting on the registry.
    f.registrar = Some(at_route53_domains("ns-1.awsdns-01.org"));
    assert_eq!(state(&f, None).state, State::RegistrarUpdated);
    // The parent delegates to them: a cache still holding an old answer, then done.
    f.expected.as_mut().unwrap().names = [name(NS1.0), name(NS2.0)].into();
    f.registrar = None;
    let stale = CacheAnswer {
        resolver: "127.0.0.53:53".into(),
        name: QNAME.into(),
        rtype: "A".into(),
        values: vec!["192.0.2.99".into()],
        ttl_left: Some(120),
        rcode: None,
        state: CacheState::Stale,
    };
    let m = state(&f, Some(std::slice::from_ref(&stale)));
    assert_eq!(m.state, State::Propagating);
    assert_eq!(m.timeline[0].at_secs, f.checked_at + 120);
    let current = CacheAnswer {
        state: CacheState::Current,
        ttl_left: Some(300),
        ..stale
    };
    let m = state(&f, Some(&[current]));
    assert_eq!(m.state, State::Done, "{m:?}");
    assert!(
        m.state.settled() && m.next.starts_with("nothing to do"),
        "{}",
        m.next
    );
}
