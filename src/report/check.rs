//! `dns check` output: a trace like `dig +trace`, but with every server of every level, then
//! the findings in plain words; or the same as JSON.

use std::io::{self, Write};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;
use serde_json::{Value, json};

use super::Style;
use crate::check::{Facts, Finding, Severity};
use crate::walk::{self, Probe, rcode_name};

/// One probe in a few words: what the server said.
pub fn said(p: &Probe, zone: &hickory_proto::rr::Name) -> String {
    let Some(m) = p.message() else {
        return p
            .result
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
    };
    if let Some(child) = walk::referral_child(zone, &p.qname, p) {
        let ns = m
            .authorities
            .iter()
            .filter(|r| r.record_type() == RecordType::NS)
            .count();
        let glue = m
            .additionals
            .iter()
            .filter(|r| matches!(r.record_type(), RecordType::A | RecordType::AAAA))
            .count();
        return format!("referral to {} ({ns} NS, {glue} glue)", child.to_ascii());
    }
    match m.metadata.response_code {
        ResponseCode::NoError if m.answers.is_empty() => "no records (NODATA)".into(),
        ResponseCode::NoError => m
            .answers
            .iter()
            .map(|r| format!("{} {}", r.record_type(), r.data))
            .collect::<Vec<_>>()
            .join(", "),
        rc => rcode_name(rc),
    }
}

fn flags(p: &Probe) -> String {
    let Some(m) = p.message() else {
        return "-".into();
    };
    let mut f = Vec::new();
    if m.metadata.authoritative {
        f.push("aa");
    }
    if m.metadata.truncation {
        f.push("tc");
    }
    if m.metadata.recursion_available {
        f.push("ra");
    }
    if f.is_empty() {
        "-".into()
    } else {
        f.join(" ")
    }
}

fn line(p: &Probe, zone: &hickory_proto::rr::Name) -> String {
    let (rtt, rcode) = match &p.result {
        Ok(r) => (
            format!("{:>7.1}ms", r.rtt.as_secs_f64() * 1000.0),
            rcode_name(r.message.metadata.response_code),
        ),
        Err(_) => ("      -  ".into(), "-".into()),
    };
    let proto = match &p.result {
        Ok(r) if r.retried_tcp => "udp→tcp".to_string(),
        _ => p.proto.to_string(),
    };
    format!(
        "{:<28} {:<16} {:<7} {rtt} {:<8} {:<6} {}",
        p.server.to_ascii(),
        p.addr.to_string(),
        proto,
        rcode,
        flags(p),
        said(p, zone)
    )
}

pub fn render_text(
    out: &mut impl Write,
    f: &Facts,
    findings: &[Finding],
    style: Style,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            ";; {} {} — every server of every level",
            f.qname.to_ascii(),
            f.qtype
        ))
    )?;
    for level in &f.walk.levels {
        writeln!(
            out,
            ";; {} ({} server(s))",
            level.zone.to_ascii(),
            level.servers.len()
        )?;
        for p in &level.probes {
            writeln!(out, "   {}", line(p, &level.zone))?;
        }
    }
    if let Some(zone) = &f.zone {
        writeln!(
            out,
            ";; {} SOA, NS (udp) and SOA (tcp) at each server",
            zone.to_ascii()
        )?;
        for p in f.soa_udp.iter().chain(&f.ns).chain(&f.soa_tcp) {
            writeln!(out, "   {:<5} {}", p.qtype.to_string(), line(p, zone))?;
        }
        if !f.ds.is_empty() || !f.dnskey.is_empty() {
            writeln!(
                out,
                ";; {} DS at each server of the parent, DNSKEY at each server of the zone",
                zone.to_ascii()
            )?;
            for p in f.ds.iter().chain(&f.dnskey) {
                writeln!(out, "   {:<6} {}", p.qtype.to_string(), line(p, zone))?;
            }
        }
    }
    for d in &f.walk.dropped {
        writeln!(out, "   {}", style.dim(&format!("dropped: {d}")))?;
    }
    if !f.cname_chain.is_empty() {
        let chain: Vec<String> = f
            .cname_chain
            .iter()
            .map(|(a, b)| format!("{} → {}", a.to_ascii(), b.to_ascii()))
            .collect();
        writeln!(out, ";; CNAME chain: {}", chain.join(", "))?;
    }
    if !f.addresses.is_empty() {
        let addrs: Vec<String> = f.addresses.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            ";; {} has address(es) {}",
            f.cname_chain.last().map_or(&f.qname, |(_, t)| t).to_ascii(),
            addrs.join(", ")
        )?;
    }
    writeln!(out, ";; {} queries", f.queries)?;
    if findings.is_empty() {
        writeln!(out, "{}", style.ok("no problems found"))?;
    }
    for finding in findings {
        let label = match finding.severity {
            Severity::Error => style.error(&format!("error {}", finding.code)),
            Severity::Warning => style.warning(&format!("warning {}", finding.code)),
        };
        writeln!(out, "{label}: {}", finding.message)?;
        writeln!(out, "  fix: {}", finding.fix)?;
    }
    Ok(())
}

fn probe_json(p: &Probe) -> Value {
    let zone = p.qname.clone();
    json!({
        "server": p.server.to_ascii(),
        "address": p.addr.to_string(),
        "question": format!("{} {}", p.qname.to_ascii(), p.qtype),
        "protocol": p.proto,
        "rtt_ms": p.result.as_ref().ok().map(|r| r.rtt.as_secs_f64() * 1000.0),
        "rcode": p.rcode().map(rcode_name),
        "flags": flags(p),
        "said": said(p, &zone),
        "error": p.result.as_ref().err(),
    })
}

pub fn to_json(f: &Facts, findings: &[Finding]) -> Value {
    json!({
        "name": f.qname.to_ascii(),
        "type": f.qtype.to_string(),
        "zone": f.zone.as_ref().map(|z| z.to_ascii()),
        "levels": f.walk.levels.iter().map(|l| json!({
            "zone": l.zone.to_ascii(),
            "servers": l.servers,
            "probes": l.probes.iter().map(probe_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "zone_probes": f.soa_udp.iter().chain(&f.ns).chain(&f.soa_tcp).map(probe_json).collect::<Vec<_>>(),
        "dnssec_probes": f.ds.iter().chain(&f.dnskey).map(probe_json).collect::<Vec<_>>(),
        "dropped": f.walk.dropped,
        "cname_chain": f.cname_chain.iter().map(|(a, b)| [a.to_ascii(), b.to_ascii()]).collect::<Vec<_>>(),
        "addresses": f.addresses,
        "queries": f.queries,
        "findings": findings,
    })
}
