//! `dns check` output: a trace like `dig +trace`, but with every server of every level, then
//! the findings in plain words; or the same as JSON. Both renderers draw on one set of
//! `Serialize` views ([`Trace`], [`ProbeView`]), so what the text says and what the JSON says
//! cannot drift apart.
//!
//! Everything that came from the network is escaped before it reaches a terminal
//! ([`escape`]): a TXT record may hold escape sequences that clear the screen or set the window
//! title.

use std::collections::BTreeMap;
use std::io::{self, Write};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Name, RecordType};
use serde::Serialize;

use super::Style;
use crate::check::codes::{Finding, Severity};
use crate::check::facts::{Facts, Limits};
use crate::check::questions::{About, Question, TABLE};
use crate::escape::escape;
use crate::walk::{self, NameServer, NoAnswer, Probe, rcode_name};

/// One probe in a few words: what the server said.
pub fn said(p: &Probe, zone: &Name) -> String {
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

/// One question about a server's behaviour, with its form.
#[derive(Debug, Clone, Serialize)]
pub struct BehaviourView {
    pub form: &'static str,
    #[serde(flatten)]
    pub probe: ProbeView,
}

/// A transfer probe as both renderers show it.
#[derive(Debug, Clone, Serialize)]
pub struct TransferView {
    pub server: String,
    pub address: String,
    /// The transfer opened with the zone's SOA.
    pub given: bool,
    /// What the server did instead, escaped.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
}

impl TransferView {
    fn new(t: &crate::check::TransferProbe) -> TransferView {
        TransferView {
            server: t.server.to_ascii(),
            address: t.addr.to_string(),
            given: t.given,
            why: escape(&t.why).into_owned(),
        }
    }
}

/// One probe as both renderers show it.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeView {
    pub server: String,
    pub address: String,
    pub question: String,
    /// `udp`, `tcp`, or `udp→tcp` (truncated over UDP, asked again over TCP): the way the
    /// answer came, or the way the attempt that failed went.
    pub protocol: &'static str,
    pub rtt_ms: Option<f64>,
    pub rcode: Option<String>,
    pub flags: String,
    /// What the server said, escaped.
    pub said: String,
    pub error: Option<NoAnswer>,
}

impl ProbeView {
    /// `zone` is the zone the server was asked as a server of (a referral is read from there).
    pub fn new(p: &Probe, zone: &Name) -> ProbeView {
        ProbeView {
            server: p.server.to_ascii(),
            address: p.addr.to_string(),
            question: format!("{} {}", p.qname.to_ascii(), p.qtype),
            protocol: p.path(),
            rtt_ms: p.result.as_ref().ok().map(|r| r.rtt.as_secs_f64() * 1000.0),
            rcode: p.rcode().map(rcode_name),
            flags: flags(p),
            said: escape(&said(p, zone)).into_owned(),
            error: p.result.as_ref().err().cloned(),
        }
    }

    fn line(&self) -> String {
        let rtt = self
            .rtt_ms
            .map_or_else(|| "      -  ".to_string(), |ms| format!("{ms:>7.1}ms"));
        format!(
            "{:<28} {:<16} {:<7} {rtt} {:<8} {:<6} {}",
            self.server,
            self.address,
            self.protocol,
            self.rcode.as_deref().unwrap_or("-"),
            self.flags,
            self.said
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelView<'a> {
    pub zone: String,
    pub servers: &'a [NameServer],
    pub probes: Vec<ProbeView>,
}

/// The whole check, as both renderers show it.
#[derive(Debug, Clone, Serialize)]
pub struct Trace<'a> {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub zone: Option<String>,
    /// The parent delegates the zone, but none of its servers gave a usable answer.
    pub dead: bool,
    pub levels: Vec<LevelView<'a>>,
    /// SOA (udp), NS, SOA (tcp) at each server of the zone.
    pub zone_probes: Vec<ProbeView>,
    /// DS at each server of the parent, DNSKEY at each server of the zone.
    pub dnssec_probes: Vec<ProbeView>,
    /// With a trust anchor: how the chain of trust from the root to the zone's DS ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_of_trust: Option<String>,
    /// The zone's data asked of each server by the questions' table, by its group
    /// (`denial_probes`: a name that does not exist; `cds_probes`: CDS and CDNSKEY;
    /// `mx_probes`, `txt_probes`, `caa_probes`: the apex's sets).
    #[serde(flatten)]
    pub data_probes: BTreeMap<&'static str, Vec<ProbeView>>,
    /// Whether each address gives the zone by transfer (its first message only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transfer_probes: Vec<TransferView>,
    /// How each address of the zone's servers treats EDNS and recursion: the form of each
    /// question (`no-edns`, `version1`, `unknown-option`, `unknown-flag`, `recursion`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub behaviour_probes: Vec<BehaviourView>,
    /// A/AAAA of the in-zone name servers.
    pub ns_address_probes: Vec<ProbeView>,
    pub dropped: &'a [String],
    pub cname_chain: Vec<[String; 2]>,
    pub addresses: &'a [std::net::IpAddr],
    /// Name server addresses not asked: this host has no route to them.
    pub unroutable: &'a [std::net::IpAddr],
    /// The mail exchangers the zone's MX set names, and the addresses found for each (none:
    /// mail cannot be delivered there).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub mail_exchangers: BTreeMap<String, &'a [std::net::IpAddr]>,
    pub queries: usize,
    pub limits: &'a Limits,
    /// What the registry says of the domain (RDAP), when it was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<&'a crate::rdap::Lookup>,
    /// What the round did not look at (no zone file, the registry not asked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<String>,
    /// The domain its parent does not delegate (then `zone` is null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undelegated: Option<&'a crate::check::facts::Undelegated>,
    pub findings: &'a [Finding],
}

impl<'a> Trace<'a> {
    pub fn new(f: &'a Facts, findings: &'a [Finding]) -> Trace<'a> {
        let zone = f.zone.clone().unwrap_or_else(Name::root);
        let views = |probes: &mut dyn Iterator<Item = &Probe>, at: &Name| {
            probes.map(|p| ProbeView::new(p, at)).collect::<Vec<_>>()
        };
        // The DS question is the parent's: a referral from it is read at the parent.
        let parent = f
            .delegation()
            .and_then(|d| d.parent.clone())
            .unwrap_or_else(Name::root);
        let mut dnssec_probes = views(&mut f.ds.iter(), &parent);
        dnssec_probes.extend(views(&mut f.dnskey.iter(), &zone));
        Trace {
            name: f.qname.to_ascii(),
            rtype: f.qtype.to_string(),
            zone: f.zone.as_ref().map(Name::to_ascii),
            dead: f.dead,
            levels: f
                .walk
                .levels
                .iter()
                .map(|l| LevelView {
                    zone: l.zone.to_ascii(),
                    servers: &l.servers,
                    probes: views(&mut l.probes.iter(), &l.zone),
                })
                .collect(),
            zone_probes: views(&mut f.soa_udp.iter().chain(&f.ns).chain(&f.soa_tcp), &zone),
            dnssec_probes,
            chain_of_trust: crate::check::rules::chain_note(f),
            data_probes: data_probes(f, &zone),
            transfer_probes: f.transfers.iter().map(TransferView::new).collect(),
            behaviour_probes: f
                .asked
                .iter()
                .filter(|b| !b.question.is_data())
                .map(|b| BehaviourView {
                    form: b.question.as_str(),
                    probe: ProbeView::new(&b.probe, &zone),
                })
                .collect(),
            ns_address_probes: views(&mut f.ns_addrs.iter(), &zone),
            dropped: &f.walk.dropped,
            cname_chain: f
                .cname_chain
                .iter()
                .map(|(a, b)| [a.to_ascii(), b.to_ascii()])
                .collect(),
            addresses: &f.addresses,
            unroutable: &f.unroutable,
            mail_exchangers: f
                .mail
                .iter()
                .map(|(host, addrs)| (host.to_ascii(), addrs.as_slice()))
                .collect(),
            queries: f.queries,
            limits: &f.limits,
            registration: f.registration.as_ref(),
            undelegated: f.undelegated.as_ref(),
            not_checked: f.not_checked(),
            findings,
        }
    }
}

/// The answers to the table's questions about the zone's data, by their group in the JSON.
fn data_probes(f: &Facts, zone: &Name) -> BTreeMap<&'static str, Vec<ProbeView>> {
    let mut out: BTreeMap<&'static str, Vec<ProbeView>> = BTreeMap::new();
    // In the order of the servers, then of the table (a server's CDS before its CDNSKEY).
    for a in f.asked.iter().filter(|a| a.question.is_data()) {
        let group = a.question.entry().group;
        out.entry(group)
            .or_default()
            .push(ProbeView::new(&a.probe, zone));
    }
    out
}

/// Why nothing could be judged, when the zone was not reached.
pub fn not_reached(f: &Facts) -> String {
    if !f.reached_anything() {
        return "no server answered, not even the root servers; check the network and --root-hints/--port".into();
    }
    match &f.walk.end {
        walk::End::Unreachable(zone) => format!(
            "no server of {} gave a usable answer, so the walk could not go on",
            zone.to_ascii()
        ),
        walk::End::TooDeep => "the delegation chain is deeper than 16 zone cuts".into(),
        _ => "the query budget or the deadline was spent before the zone was reached".into(),
    }
}

pub fn render_text(
    out: &mut impl Write,
    f: &Facts,
    findings: &[Finding],
    style: Style,
) -> io::Result<()> {
    let t = Trace::new(f, findings);
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            ";; {} {} — every server of every level",
            t.name, t.rtype
        ))
    )?;
    for level in &t.levels {
        writeln!(out, ";; {} ({} server(s))", level.zone, level.servers.len())?;
        for p in &level.probes {
            writeln!(out, "   {}", p.line())?;
        }
    }
    if let Some(zone) = &t.zone {
        render_zone_probes(out, &t, zone)?;
    }
    for d in t.dropped {
        writeln!(out, "   {}", style.dim(&format!("dropped: {}", escape(d))))?;
    }
    render_resolution(out, &t, style)?;
    if let Some(r) = t.registration {
        writeln!(out, ";; {}", escape(&registration_line(r, f.checked_at)))?;
    }
    if let Some(note) = &t.chain_of_trust {
        writeln!(out, ";; {}", escape(note))?;
    }
    writeln!(out, ";; {} queries", t.queries)?;
    if findings.is_empty() {
        if f.zone.is_some() {
            writeln!(out, "{}", style.ok("no problems found"))?;
        } else {
            writeln!(
                out,
                "{}",
                style.error(&format!("not checked: {}", not_reached(f)))
            )?;
        }
    }
    for finding in findings {
        render_finding(out, finding, style)?;
    }
    for what in &t.not_checked {
        writeln!(out, "{}", style.dim(&format!("not checked: {what}")))?;
    }
    Ok(())
}

/// The zone's own questions at each server: SOA/NS, DS/DNSKEY, the denial probe, MX, TXT, the
/// in-zone servers' addresses.
fn render_zone_probes(out: &mut impl Write, t: &Trace, zone: &str) -> io::Result<()> {
    if !t.zone_probes.is_empty() {
        writeln!(out, ";; {zone} SOA, NS (udp) and SOA (tcp) at each server")?;
        for p in &t.zone_probes {
            let qtype = p.question.rsplit(' ').next().unwrap_or_default();
            writeln!(out, "   {qtype:<5} {}", p.line())?;
        }
    }
    if !t.dnssec_probes.is_empty() {
        writeln!(
            out,
            ";; {zone} DS at each server of the parent, DNSKEY at each server of the zone"
        )?;
        for p in &t.dnssec_probes {
            let qtype = p.question.rsplit(' ').next().unwrap_or_default();
            writeln!(out, "   {qtype:<6} {}", p.line())?;
        }
    }
    // The table's groups, named by their questions: the denial of existence has its own
    // heading; CDS and CDNSKEY are in the DNSSEC findings and the JSON.
    let denial = Question::Nonexistent.entry().group;
    let keys = Question::Cds.entry().group;
    if let Some(probes) = t.data_probes.get(denial) {
        writeln!(
            out,
            ";; {zone}: a name that does not exist, at each server (the denial of existence)"
        )?;
        for p in probes {
            writeln!(out, "   {:<24} {}", p.question, p.line())?;
        }
    }
    let mut groups: Vec<&str> = Vec::new();
    let mut types: Vec<String> = Vec::new();
    for e in TABLE.iter().filter(|e| e.about == About::Data) {
        if ![denial, keys].contains(&e.group)
            && t.data_probes.contains_key(e.group)
            && !groups.contains(&e.group)
        {
            groups.push(e.group);
            types.push(e.qtype.to_string());
        }
    }
    if let Some(last) = types.pop() {
        let listed = match types.is_empty() {
            true => last,
            false => format!("{} and {last}", types.join(", ")),
        };
        writeln!(out, ";; {zone} {listed} at each server")?;
        for p in groups.iter().flat_map(|g| &t.data_probes[g]) {
            let qtype = p.question.rsplit(' ').next().unwrap_or_default();
            writeln!(out, "   {qtype:<5} {}", p.line())?;
        }
    }
    if !t.transfer_probes.is_empty() {
        writeln!(
            out,
            ";; {zone} AXFR at each server (the first message only)"
        )?;
        for p in &t.transfer_probes {
            let said = if p.given { "given" } else { p.why.as_str() };
            writeln!(out, "   AXFR  {} {} {said}", p.server, p.address)?;
        }
    }
    if !t.ns_address_probes.is_empty() {
        writeln!(out, ";; addresses of the name servers inside {zone}")?;
        for p in &t.ns_address_probes {
            writeln!(out, "   {:<24} {}", p.question, p.line())?;
        }
    }
    Ok(())
}

/// Where the name led: its CNAME chain, the addresses at its end, those not asked.
fn render_resolution(out: &mut impl Write, t: &Trace, style: Style) -> io::Result<()> {
    if !t.cname_chain.is_empty() {
        let chain: Vec<String> = t
            .cname_chain
            .iter()
            .map(|[a, b]| format!("{a} → {b}"))
            .collect();
        writeln!(out, ";; CNAME chain: {}", chain.join(", "))?;
    }
    if !t.addresses.is_empty() {
        let addrs: Vec<String> = t.addresses.iter().map(ToString::to_string).collect();
        let end = t.cname_chain.last().map_or(&t.name, |[_, b]| b);
        writeln!(out, ";; {end} has address(es) {}", addrs.join(", "))?;
    }
    for (host, addrs) in &t.mail_exchangers {
        let addrs: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        let said = match addrs.is_empty() {
            true => "no address".to_string(),
            false => addrs.join(", "),
        };
        writeln!(out, ";; mail exchanger {host}: {said}")?;
    }
    if !t.unroutable.is_empty() {
        let addrs: Vec<String> = t.unroutable.iter().map(ToString::to_string).collect();
        let note = format!(
            "not asked: no route from this host to {} (check from a host that has one)",
            addrs.join(", ")
        );
        writeln!(out, ";; {}", style.dim(&note))?;
    }
    Ok(())
}

/// What the registry says, on one line: registrar, expiry, statuses (the locks among them), or
/// why it could not be asked.
pub(super) fn registration_line(lookup: &crate::rdap::Lookup, now: u64) -> String {
    use crate::rdap::Lookup;
    match lookup {
        Lookup::Found(r) => {
            let mut parts = vec![format!(
                "registration: {} at {}",
                r.domain,
                r.registrar.as_deref().unwrap_or("an unnamed registrar")
            )];
            match (&r.expires, r.expires_at) {
                (Some(text), Some(at)) => {
                    let days = (at - now as i64) / 86_400;
                    parts.push(if days >= 0 {
                        format!("expires {text} (in {days} days)")
                    } else {
                        format!("expired {text}")
                    });
                }
                // Not judged, and said so: never a silent pass of an expiry dns cannot read.
                (Some(text), None) => {
                    parts.push(format!("expiry '{text}' is no RFC 3339 date: not judged"))
                }
                _ => {}
            }
            if !r.statuses.is_empty() {
                parts.push(format!("status: {}", r.statuses.join(", ")));
            }
            if !r.name_servers.is_empty() {
                let ns: Vec<String> = r.name_servers.iter().map(Name::to_ascii).collect();
                parts.push(format!("registry name servers: {}", ns.join(", ")));
            }
            if !r.unreadable_name_servers.is_empty() {
                parts.push(format!(
                    "registry name servers that are no domain name: {}",
                    r.unreadable_name_servers.join(", ")
                ));
            }
            parts.join("; ")
        }
        Lookup::NotFound { domain, url } => {
            format!("registration: the registry has no {domain} ({url})")
        }
        Lookup::Unavailable { why } => format!("registration: not read ({why})"),
    }
}

/// One finding: its severity and code, the message (network text escaped) and the fix.
pub fn render_finding(out: &mut impl Write, finding: &Finding, style: Style) -> io::Result<()> {
    let label = match finding.severity {
        Severity::Error => style.error(&format!("error {}", finding.code)),
        Severity::Warning => style.warning(&format!("warning {}", finding.code)),
    };
    writeln!(out, "{label}: {}", escape(&finding.message))?;
    writeln!(out, "  fix: {}", escape(&finding.fix))
}

/// The JSON document of one check: the walk's document, and the verification written out as it
/// is (tens of thousands of entries for a large zone).
#[derive(Serialize)]
pub(super) struct RoundDoc<'a> {
    /// The state of the move, its next step and timeline: first, as the text opens with it.
    #[serde(rename = "move")]
    moving: crate::check::rules::Move,
    #[serde(flatten)]
    trace: Trace<'a>,
    verification: &'a Option<crate::check::verification::Verification>,
    /// Before a move: the zone file on the expected servers.
    #[serde(skip_serializing_if = "Option::is_none")]
    preflight: &'a Option<crate::check::verification::Verification>,
    caches: &'a Option<Vec<crate::check::caches::CacheAnswer>>,
    let_go_in_seconds: Option<u32>,
    parent_ns_ttl: Option<u32>,
    /// Judged again from saved facts (`--from-facts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    from_facts: &'a Option<crate::check::saved::Replayed>,
}

impl<'a> RoundDoc<'a> {
    pub(super) fn new(round: &'a crate::check::run::Round) -> Self {
        RoundDoc {
            moving: round.moved(),
            trace: Trace::new(&round.facts, &round.findings),
            verification: &round.facts.verification,
            preflight: &round.facts.preflight,
            caches: &round.caches,
            let_go_in_seconds: round
                .caches
                .as_deref()
                .and_then(crate::check::caches::let_go_in),
            parent_ns_ttl: round.facts.parent_ns_ttl(),
            from_facts: &round.replayed,
        }
    }
}

/// One round of `dns check`: the trace and findings, the zone file's verification and the
/// caches, as text or as one JSON document.
pub fn render_round(
    out: &mut impl Write,
    round: &crate::check::run::Round,
    json: bool,
    style: Style,
) -> io::Result<()> {
    let facts = &round.facts;
    if json {
        serde_json::to_writer_pretty(&mut *out, &RoundDoc::new(round))?;
        return writeln!(out);
    }
    if let Some(r) = &round.replayed {
        let line = format!(
            ";; judged again from {}: facts gathered at {} by {}; nothing was sent, and signatures are judged against that time",
            escape(&r.file),
            r.captured_at,
            escape(&r.written_by)
        );
        writeln!(out, "{}", style.dim(&line))?;
    }
    render_move(out, &round.moved(), style)?;
    render_text(out, facts, &round.findings, style)?;
    if let Some(v) = &round.facts.verification {
        writeln!(out, ";; {}", escape(&v.summary()))?;
        for line in v.routed_lines() {
            writeln!(out, ";;   {}", escape(&line))?;
        }
    }
    if let Some(v) = &round.facts.preflight {
        writeln!(
            out,
            ";; before the switch, on the expected servers: {}",
            escape(&v.summary())
        )?;
    }
    if let Some(answers) = &round.caches {
        render_caches(out, answers, facts, style)?;
    }
    Ok(())
}

/// The report's opening: the state of the move, the one next step, and its timeline.
pub fn render_move(
    out: &mut impl Write,
    m: &crate::check::rules::Move,
    style: Style,
) -> io::Result<()> {
    let label = format!("state: {}", m.state.words());
    let label = if m.state.settled() {
        style.ok(&label)
    } else {
        style.warning(&label)
    };
    writeln!(out, "{label} — {}", escape(&m.said))?;
    writeln!(out, "next: {}", escape(&m.next))?;
    for (i, moment) in m.timeline.iter().enumerate() {
        let head = if i == 0 { "when:" } else { "     " };
        writeln!(out, "{head} {}", escape(&moment.line()))?;
    }
    Ok(())
}

fn render_caches(
    out: &mut impl Write,
    answers: &[crate::check::caches::CacheAnswer],
    facts: &Facts,
    style: Style,
) -> io::Result<()> {
    use crate::check::caches::{self, CacheState};
    writeln!(
        out,
        ";; caches: what resolvers hand out now (a stale cache is not a fault of the zone)"
    )?;
    for a in answers {
        let state = match a.state {
            CacheState::Current => style.ok("current"),
            CacheState::Stale => style.warning("stale"),
            CacheState::Missing => style.warning("missing"),
            CacheState::NoAnswer => style.dim("no answer"),
        };
        let ttl = a
            .ttl_left
            .map(|t| format!("TTL left {t}s"))
            .unwrap_or_default();
        let values = if a.values.is_empty() {
            a.rcode.clone().unwrap_or_default()
        } else {
            escape(&a.values.join(", ")).into_owned()
        };
        writeln!(
            out,
            "   {:<24} {} {} {values}  {ttl}  {state}",
            a.resolver, a.name, a.rtype
        )?;
    }
    match caches::let_go_in(answers) {
        Some(secs) => writeln!(
            out,
            ";; every cache will have let go of old data within {secs} s"
        )?,
        None => writeln!(out, ";; every cache asked serves the current data")?,
    }
    if let (Some(ttl), Some(zone)) = (facts.parent_ns_ttl(), &facts.zone) {
        writeln!(
            out,
            ";; after a delegation change, resolvers may use the old name servers of {} for up to {ttl} s (the parent's NS TTL)",
            zone.to_ascii()
        )?;
    }
    Ok(())
}

/// The private-zone check as text (what was asked, each answer, the findings) or JSON.
pub fn render_private(
    out: &mut impl Write,
    check: &crate::check::run::PrivateCheck,
    json: bool,
    style: Style,
) -> io::Result<()> {
    use crate::check::caches::CacheState;
    if json {
        serde_json::to_writer_pretty(&mut *out, check)?;
        return writeln!(out);
    }
    writeln!(
        out,
        ";; {} is a private hosted zone (VPCs {}): not walked from the root; asked {} resolver(s) for {} record set(s) of {}",
        check.zone,
        check.vpcs.join(", "),
        check.resolvers,
        check.questions,
        check.file.display()
    )?;
    for a in &check.answers {
        let state = match a.state {
            CacheState::Current => style.ok("as the file says"),
            CacheState::Stale => style.error("differs"),
            CacheState::Missing => style.error("missing"),
            CacheState::NoAnswer => style.warning("no answer"),
        };
        writeln!(
            out,
            "{} {} from {}: {state} [{}]",
            escape(&a.name),
            a.rtype,
            escape(&a.resolver),
            escape(&a.values.join(", "))
        )?;
    }
    for f in &check.findings {
        render_finding(out, f, style)?;
    }
    if check.findings.is_empty() {
        writeln!(out, "{}", style.ok("no problems found"))?;
    }
    Ok(())
}
