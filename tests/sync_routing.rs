//! Routed record sets and health checks through `dns sync`, `plan` and `import`, against the moto
//! Route 53 emulator behind the fault proxy, whose Route 53 checks refuse a DELETE that does not
//! repeat the live set exactly (weight, failover, region, location, health check id), as
//! Route 53 does and moto does not.
//!
//! moto deletes a routed set by its set identifier alone, across every name of the zone: the
//! zones here give each set identifier to one name only, so that moto's shortcut cannot hide or
//! fake a result.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::moto::{self, Moto};
use common::proxy::{Faults, Proxy};

const ZONE: &str = "routed.example.com";

use common::moto::run;
use common::ok;

/// One Route 53 REST request straight to moto, for what somebody else does to the account.
fn route53(moto: &Moto, method: &str, path: &str, body: &str) -> String {
    moto::request(moto.port, method, &format!("/2013-04-01/{path}"), body)
}

fn xml_field<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let start = text.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = text[start..].find(&format!("</{tag}>"))? + start;
    Some(&text[start..end])
}

/// A health check somebody made outside dns: its id.
fn foreign_check(moto: &Moto) -> String {
    let out = route53(
        moto,
        "POST",
        "healthcheck",
        "<CreateHealthCheckRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><CallerReference>someone-else-1</CallerReference><HealthCheckConfig><Type>HTTP</Type><FullyQualifiedDomainName>legacy.example.net</FullyQualifiedDomainName><Port>8080</Port><ResourcePath>/up</ResourcePath></HealthCheckConfig></CreateHealthCheckRequest>",
    );
    xml_field(&out, "Id").expect(&out).to_string()
}

fn zone_text(foreign: &str) -> String {
    format!(
        "\
$zone:
  ttl: 60
  health_checks:
    seoul-alb: {{type: HTTPS, host: hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com, path: /health}}
    db: {{type: TCP, ip: 192.0.2.50, port: 5432, interval: 10, failure_threshold: 2}}
    both: {{type: CALCULATED, children: [seoul-alb, db], threshold: 1}}
    legacy: {{id: {foreign}}}
www:
  - {{type: A, set_id: blue, weight: 90, value: 192.0.2.1}}
  - {{type: A, set_id: green, weight: 10, value: 192.0.2.2}}
app:
  - {{type: ALIAS, set_id: seoul, failover: primary, health_check: seoul-alb,
     value: dualstack.hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com.}}
  - {{type: ALIAS, set_id: oregon, failover: secondary,
     value: dualstack.hive-alb-9876543210.us-west-2.elb.amazonaws.com.}}
api:
  - {{type: A, set_id: api-seoul, region: ap-northeast-2, value: 192.0.2.10}}
  - {{type: A, set_id: api-oregon, region: us-west-2, health_check: both, value: 192.0.2.11}}
kr:
  - {{type: A, set_id: korea, geo: {{country: KR}}, value: 192.0.2.20}}
  - {{type: A, set_id: asia, geo: {{continent: AS}}, value: 192.0.2.22}}
  - {{type: A, set_id: california, geo: {{country: US, subdivision: CA}}, value: 192.0.2.23}}
  - {{type: A, set_id: elsewhere, geo: {{country: '*'}}, value: 192.0.2.21}}
mv:
  - {{type: A, set_id: mv-one, multivalue: true, health_check: legacy, value: 192.0.2.30}}
  - {{type: A, set_id: mv-two, multivalue: true, health_check: db, value: 192.0.2.31}}
plain: {{type: TXT, value: not routed}}
"
    )
}

const HEALTH_WRITES: [&str; 4] = [
    "CreateHealthCheck",
    "UpdateHealthCheck",
    "DeleteHealthCheck",
    "ChangeTagsForResource",
];

fn writes(proxy: &Proxy) -> usize {
    HEALTH_WRITES
        .iter()
        .map(|op| proxy.count(op))
        .sum::<usize>()
        + proxy.count("ChangeResourceRecordSets")
}

#[test]
fn every_routing_kind_and_its_health_checks_round_trip() {
    let Some(moto) = moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(
        moto.port,
        Faults {
            route53_checks: true,
            ..Faults::default()
        },
    );
    let foreign = foreign_check(&moto);
    let foreign_before = route53(&moto, "GET", &format!("healthcheck/{foreign}"), "");
    common::write_zone(dir.path(), ZONE, &zone_text(&foreign));

    // The plan shows the health checks next to the record sets.
    let first = ok(&run(
        &proxy.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    assert!(
        first.contains("+ health check seoul-alb HTTPS hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com:443/health"),
        "{first}"
    );
    assert!(first.contains("+ www   A     [blue]       "), "{first}");
    assert!(first.contains("(weight 90)"), "{first}");
    assert!(
        first.contains("(failover primary, health check seoul-alb)"),
        "{first}"
    );
    assert_eq!(proxy.count("CreateHealthCheck"), 3, "three owned checks");
    assert_eq!(proxy.count("ChangeTagsForResource"), 3, "each tagged");
    assert_eq!(
        proxy.count("ChangeResourceRecordSets"),
        1,
        "one atomic batch"
    );

    // A rerun finds its checks by their tags and sends nothing.
    let before = writes(&proxy);
    let again = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
    assert!(again.contains("no changes"), "{again}");
    assert_eq!(
        writes(&proxy),
        before,
        "a rerun makes no request that writes"
    );

    // Import writes the routed sets and the checks they use; plan then shows no changes.
    let other = tempfile::tempdir().unwrap();
    ok(&run(&proxy.url(), other.path(), &["import", ZONE]));
    let text = std::fs::read_to_string(other.path().join(format!("zones/{ZONE}.yaml"))).unwrap();
    for want in [
        "set_id: blue",
        "weight: 90",
        "failover: primary",
        "health_check: seoul-alb",
        "region: ap-northeast-2",
        "geo: {country: US, subdivision: CA}",
        "geo: {continent: AS}",
        "multivalue: true",
        "type: CALCULATED",
        &format!("check-{}", &foreign[..8]),
        &foreign,
    ] {
        assert!(text.contains(want), "{want} missing from\n{text}");
    }
    let plan = ok(&run(&proxy.url(), other.path(), &["plan"]));
    assert!(plan.contains("no changes"), "{plan}\n{text}");

    // Deleting one set is one request naming exactly that set, as it is live.
    // Deleting one set of each kind is one request naming exactly that set, as it is live (the
    // proxy refuses a DELETE that differs from the live set in any routing field).
    let mut text = zone_text(&foreign);
    for (line, shown, want) in [
        (
            "  - {type: A, set_id: green, weight: 10, value: 192.0.2.2}\n",
            "- www A     [green]     60 192.0.2.2",
            &[
                "<SetIdentifier>green</SetIdentifier>",
                "<Weight>10</Weight>",
            ][..],
        ),
        (
            "  - {type: A, set_id: api-oregon, region: us-west-2, health_check: both, value: 192.0.2.11}\n",
            "- api A     [api-oregon]     60 192.0.2.11",
            &[
                "<SetIdentifier>api-oregon</SetIdentifier>",
                "<Region>us-west-2</Region>",
                "<HealthCheckId>",
            ][..],
        ),
        (
            "  - {type: A, set_id: california, geo: {country: US, subdivision: CA}, value: 192.0.2.23}\n",
            "- kr A     [california]     60 192.0.2.23",
            &[
                "<CountryCode>US</CountryCode>",
                "<SubdivisionCode>CA</SubdivisionCode>",
            ][..],
        ),
        (
            "  - {type: A, set_id: mv-two, multivalue: true, health_check: db, value: 192.0.2.31}\n",
            "- mv A     [mv-two]     60 192.0.2.31",
            &[
                "<MultiValueAnswer>true</MultiValueAnswer>",
                "<HealthCheckId>",
            ][..],
        ),
        (
            "  - {type: ALIAS, set_id: oregon, failover: secondary,\n     value: dualstack.hive-alb-9876543210.us-west-2.elb.amazonaws.com.}\n",
            "- app A     [oregon] ALIAS dualstack.hive-alb-9876543210.us-west-2.elb.amazonaws.com.",
            &["<Failover>SECONDARY</Failover>", "<AliasTarget>"][..],
        ),
    ] {
        assert!(text.contains(line), "{line}");
        text = text.replace(line, "");
        common::write_zone(dir.path(), ZONE, &text);
        let batches_before = proxy.change_batches().len();
        let out = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
        assert!(out.contains(shown), "{shown}\n{out}");
        let batches = proxy.change_batches();
        assert_eq!(batches.len(), batches_before + 1, "{out}");
        let last = batches.last().unwrap();
        // The guard's DELETE and CREATE, then the one DELETE of the set.
        assert_eq!(last.matches("<Change>").count(), 3, "{last}");
        assert_eq!(last.matches("_dns-sync.").count(), 2, "{last}");
        assert!(last.contains("<Action>DELETE</Action>"), "{last}");
        for w in want {
            assert!(last.contains(w), "{w} in {last}");
        }
    }

    // A changed check is a visible plan line and one UpdateHealthCheck.
    let text = text.replace("path: /health}", "path: /healthz}");
    common::write_zone(dir.path(), ZONE, &text);
    let plan = ok(&run(&proxy.url(), dir.path(), &["plan"]));
    assert!(
        plan.contains("~ health check seoul-alb")
            && plan.contains(
                "+ HTTPS hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com:443/healthz"
            ),
        "{plan}"
    );
    // The header's parts add up to its total, in text, JSON and Markdown.
    assert!(
        plan.contains("1 change(s): record sets 0 to create, 0 to update, 0 to delete (")
            && plan.contains("; health checks 0 to create, 1 to update, 0 to delete"),
        "{plan}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&run(&proxy.url(), dir.path(), &["plan", "--json"]))).unwrap();
    let counts = &json["zones"][0]["counts"];
    assert_eq!(counts["total"], 1, "{counts}");
    assert_eq!(counts["health_checks"]["update"], 1, "{counts}");
    let markdown = ok(&run(
        &proxy.url(),
        dir.path(),
        &["plan", "--format", "markdown"],
    ));
    assert!(
        markdown.contains("**1 change(s)**: record sets 0 to create")
            && markdown.contains("health checks 0 to create, 1 to update, 0 to delete"),
        "{markdown}"
    );
    let updates = proxy.count("UpdateHealthCheck");
    ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
    assert_eq!(proxy.count("UpdateHealthCheck"), updates + 1);
    assert!(ok(&run(&proxy.url(), dir.path(), &["plan"])).contains("no changes"));

    // A check that cannot be changed in place is refused with what to do.
    common::write_zone(
        dir.path(),
        ZONE,
        &text.replace("interval: 10,", "interval: 30,"),
    );
    let out = run(&proxy.url(), dir.path(), &["plan"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("cannot change a check's interval in place"),
        "{}",
        common::stderr(&out)
    );

    // Dropping the failover pair's check deletes it after the batch that stops using it.
    let text = text
        .replace(" health_check: seoul-alb,", "")
        .replace("children: [seoul-alb, db]", "children: [db]");
    let text = text.replace(
        "    seoul-alb: {type: HTTPS, host: hive-alb-1234567890.ap-northeast-2.elb.amazonaws.com, path: /healthz}\n",
        "",
    );
    common::write_zone(dir.path(), ZONE, &text);
    let out = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
    assert!(out.contains("- health check seoul-alb"), "{out}");
    assert!(out.contains("deleted health check seoul-alb"), "{out}");
    assert_eq!(proxy.count("DeleteHealthCheck"), 1);
    assert!(ok(&run(&proxy.url(), dir.path(), &["plan"])).contains("no changes"));

    // A check nothing uses is still the file's: created, and deleted when the file drops it.
    let spare = text.replace(
        "  health_checks:\n",
        "  health_checks:\n    spare: {type: TCP, ip: 192.0.2.60, port: 22}\n",
    );
    common::write_zone(dir.path(), ZONE, &spare);
    let out = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
    assert!(out.contains("created health check spare"), "{out}");
    common::write_zone(dir.path(), ZONE, &text);
    let out = ok(&run(&proxy.url(), dir.path(), &["sync", "--yes"]));
    assert!(out.contains("deleted health check spare"), "{out}");
    assert!(ok(&run(&proxy.url(), dir.path(), &["plan"])).contains("no changes"));

    // The check dns does not own was used, never touched.
    let foreign_after = route53(&moto, "GET", &format!("healthcheck/{foreign}"), "");
    assert_eq!(
        xml_field(&foreign_before, "HealthCheckConfig"),
        xml_field(&foreign_after, "HealthCheckConfig")
    );
    assert!(
        foreign_after.contains("legacy.example.net"),
        "{foreign_after}"
    );
    assert_eq!(
        proxy.injected(),
        0,
        "Route 53's checks accepted every batch"
    );
}

#[test]
fn a_delete_that_does_not_repeat_the_live_weight_is_refused_as_route53_does() {
    let Some(moto) = moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let zone = "\
www:
  - {type: A, set_id: blue, weight: 90, ttl: 60, value: 192.0.2.1}
  - {type: A, set_id: green, weight: 10, ttl: 60, value: 192.0.2.2}
";
    common::write_zone(dir.path(), ZONE, zone);
    ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    // Somebody shifts the weight between our plan and our apply.
    let theirs = format!(
        "<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>www.{ZONE}.</Name><Type>A</Type><SetIdentifier>blue</SetIdentifier><Weight>50</Weight><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>"
    );
    let proxy = Proxy::start(
        moto.port,
        Faults {
            route53_checks: true,
            concurrent_change: Some(theirs),
            ..Faults::default()
        },
    );
    common::write_zone(dir.path(), ZONE, &zone.replace("192.0.2.1}", "192.0.2.9}"));
    let out = run(&proxy.url(), dir.path(), &["sync", "--yes"]);
    assert_eq!(out.status.code(), Some(4), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("do not match the current values"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(proxy.injected(), 1);
    let live = ok(&run(&moto.url(), dir.path(), &["import", ZONE, "-o", "-"]));
    assert!(
        live.contains("weight: 50"),
        "their change survives:\n{live}"
    );
}

/// A VPC in moto's EC2, in `region`: its id.
fn vpc(moto: &Moto, region: &str, cidr: &str) -> String {
    let body = format!("Action=CreateVpc&CidrBlock={cidr}&Version=2016-11-15");
    let mut s = TcpStream::connect(("127.0.0.1", moto.port)).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/ec2/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    xml_field(&out, "vpcId").expect(&out).to_string()
}

#[test]
fn a_private_zone_is_created_with_its_vpcs_and_told_apart_from_the_public_one() {
    let Some(moto) = moto::start() else { return };
    let proxy = Proxy::start(moto.port, Faults::default());
    let seoul = vpc(&moto, "ap-northeast-2", "10.1.0.0/16");
    let oregon = vpc(&moto, "us-west-2", "10.2.0.0/16");
    let public = tempfile::tempdir().unwrap();
    let private = tempfile::tempdir().unwrap();
    // --verify cannot reach a private zone from the root: refused before any request.
    common::write_zone(
        private.path(),
        ZONE,
        &format!(
            "$zone:\n  private: {{vpcs: [{{id: {seoul}, region: ap-northeast-2}}]}}\nwww: {{type: A, value: 10.1.0.10}}\n"
        ),
    );
    let out = run(
        &proxy.url(),
        private.path(),
        &["sync", "--create-zone", "--yes", "--verify"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("private hosted zone"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(proxy.total(), 0, "nothing sent");
    common::write_zone(public.path(), ZONE, "www: {type: A, value: 192.0.2.1}\n");
    ok(&run(
        &proxy.url(),
        public.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    let file = |vpcs: &[(&str, &str)]| {
        let list: Vec<String> = vpcs
            .iter()
            .map(|(id, region)| format!("{{id: {id}, region: {region}}}"))
            .collect();
        format!(
            "$zone:\n  private: {{vpcs: [{}]}}\nwww: {{type: A, value: 10.1.0.10}}\ndb: {{type: A, value: 10.1.0.20}}\n",
            list.join(", ")
        )
    };
    common::write_zone(private.path(), ZONE, &file(&[(&seoul, "ap-northeast-2")]));
    let out = ok(&run(
        &proxy.url(),
        private.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    assert!(
        out.contains("created private hosted zone") && out.contains(&seoul),
        "{out}"
    );
    let private_id = out
        .split("created private hosted zone ")
        .nth(1)
        .and_then(|t| t.split(',').next())
        .unwrap()
        .to_string();
    // Two zones of one name, each file finds its own without a hosted_zone_id.
    for dir in [public.path(), private.path()] {
        let plan = ok(&run(&proxy.url(), dir, &["plan"]));
        assert!(plan.contains("no changes"), "{plan}");
    }

    // A second VPC is a plan line and one association.
    common::write_zone(
        private.path(),
        ZONE,
        &file(&[(&seoul, "ap-northeast-2"), (&oregon, "us-west-2")]),
    );
    let plan = ok(&run(&proxy.url(), private.path(), &["plan"]));
    assert!(
        plan.contains(&format!("+ private zone VPC {oregon} (us-west-2)")),
        "{plan}"
    );
    ok(&run(&proxy.url(), private.path(), &["sync", "--yes"]));
    assert_eq!(proxy.count("AssociateVPCWithHostedZone"), 1);
    // The first one taken away: one disassociation, after the other is there.
    common::write_zone(private.path(), ZONE, &file(&[(&oregon, "us-west-2")]));
    let out = ok(&run(&proxy.url(), private.path(), &["sync", "--yes"]));
    assert!(out.contains(&format!("disassociated VPC {seoul}")), "{out}");
    assert_eq!(proxy.count("DisassociateVPCFromHostedZone"), 1);
    assert!(ok(&run(&proxy.url(), private.path(), &["plan"])).contains("no changes"));

    // Import writes the VPCs; import then plan shows no changes.
    let imported = tempfile::tempdir().unwrap();
    ok(&run(
        &proxy.url(),
        imported.path(),
        &["import", ZONE, "--hosted-zone-id", &private_id],
    ));
    let text = std::fs::read_to_string(imported.path().join(format!("zones/{ZONE}.yaml"))).unwrap();
    assert!(
        text.contains(&format!("- {{id: {oregon}, region: us-west-2}}")) && !text.contains(&seoul),
        "{text}"
    );
    let plan = ok(&run(&proxy.url(), imported.path(), &["plan"]));
    assert!(plan.contains("no changes"), "{plan}\n{text}");

    // iam-policy for the private file allows exactly what was sent for it, and the EC2 lookup.
    let doc: serde_json::Value = serde_json::from_str(&ok(&run(
        &moto.url(),
        private.path(),
        &["iam-policy", "--allow-create-zone"],
    )))
    .unwrap();
    let allowed: std::collections::BTreeSet<String> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|st| st["Action"].as_array().unwrap().clone())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert!(allowed.contains("ec2:DescribeVpcs"), "{allowed:?}");
    let allowed: std::collections::BTreeSet<String> = allowed
        .iter()
        .filter_map(|a| a.strip_prefix("route53:").map(str::to_string))
        .collect();
    // Every plan and sync asks STS who it acts as; GetCallerIdentity needs no permission.
    let mut sent = proxy.operations();
    assert!(sent.remove("GetCallerIdentity"), "{sent:?}");
    assert_eq!(allowed, sent);

    // The public file never lands in the private zone: its records there are untouched.
    let text = ok(&run(
        &proxy.url(),
        public.path(),
        &["plan", "--format", "json"],
    ));
    assert!(text.contains("\"changes\": []"), "{text}");
}

/// A private zone created from a file with two VPCs in two regions: created with the VPC the
/// file lists first (not the one whose id sorts first), the other associated in the same sync,
/// and the next plan has nothing to do.
#[test]
fn a_private_zone_is_created_with_the_files_first_vpc_and_every_other_associated() {
    let Some(moto) = moto::start() else { return };
    let seoul = vpc(&moto, "ap-northeast-2", "10.1.0.0/16");
    let oregon = vpc(&moto, "us-west-2", "10.2.0.0/16");
    // The file's first is the one that sorts last.
    let (first, second) = if seoul > oregon {
        ((&seoul, "ap-northeast-2"), (&oregon, "us-west-2"))
    } else {
        ((&oregon, "us-west-2"), (&seoul, "ap-northeast-2"))
    };
    let dir = tempfile::tempdir().unwrap();
    common::write_zone(
        dir.path(),
        ZONE,
        &format!(
            "$zone:\n  private: {{vpcs: [{{id: {}, region: {}}}, {{id: {}, region: {}}}]}}\nwww: {{type: A, value: 10.1.0.10}}\n",
            first.0, first.1, second.0, second.1
        ),
    );
    let out = ok(&run(
        &moto.url(),
        dir.path(),
        &["sync", "--create-zone", "--yes"],
    ));
    assert!(
        out.contains(&format!("associated with {} ({})", first.0, first.1))
            && out.contains(&format!("associated VPC {} ({})", second.0, second.1)),
        "{out}"
    );
    let again = run(&moto.url(), dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(again.status.code(), Some(0), "{}", common::stdout(&again));
    let id = moto::zone_id(moto.port, ZONE);
    let zone = moto::request(
        moto.port,
        "GET",
        &format!("/2013-04-01/hostedzone/{id}"),
        "",
    );
    assert!(
        zone.contains(first.0.as_str()) && zone.contains(second.0.as_str()),
        "{zone}"
    );
}
