//! What the registry says of the domain (RDAP, `crate::rdap`), judged: a hold, an ended or
//! ending registration, a domain the registry does not have, and the registry's name servers
//! and DNSSEC state against what the parent's servers serve. A registry that could not be asked
//! is no finding (the report says so once).

use std::collections::BTreeSet;

use hickory_proto::rr::{Name, RecordType};

use super::names;
use crate::check::codes::{Code, Finding};
use crate::check::facts::Facts;
use crate::rdap::{Lookup, Registration};

/// A registration ending within this many days is `registration.expiring`.
pub const EXPIRING_DAYS: i64 = 30;

pub fn registration(f: &Facts) -> Vec<Finding> {
    let mut out = undelegated(f);
    out.extend(registrar(f));
    out.extend(registry(f));
    out
}

/// delegation.missing: the walk ended at a zone above the domain, whose servers answer for it
/// instead of delegating it. Said of the domain and its parent, with the registry's reason
/// when it was asked; never a finding about the parent's own servers.
fn undelegated(f: &Facts) -> Vec<Finding> {
    let Some(u) = &f.undelegated else {
        return vec![];
    };
    let (domain, parent) = (u.domain.to_ascii(), u.parent.to_ascii());
    let reason = match (&f.registration, &f.registrar) {
        (Some(Lookup::NotFound { .. }), _) => {
            " The registry has no such domain: it is not registered (or its registration has been deleted).".to_string()
        }
        (Some(Lookup::Found(r)), _) if !r.statuses.is_empty() => format!(
            " The registry has it, with the statuses {}.",
            r.statuses.join(", ")
        ),
        (_, Some(d)) if !d.statuses.is_empty() => format!(
            " Route 53 Domains has it in this account, with the statuses {}.",
            d.statuses.join(", ")
        ),
        _ => String::new(),
    };
    let fix = match &f.registration {
        Some(Lookup::NotFound { .. }) => format!(
            "register {domain} (at a registrar, or with Route 53 Domains: `aws route53domains register-domain`), and give the registrar its name servers"
        ),
        Some(Lookup::Found(r)) if r.has_status("client hold") || r.has_status("server hold") => {
            format!(
                "ask the registrar of {domain} why it is on hold (often an unverified contact e-mail or an unpaid renewal); once lifted, {parent} publishes the delegation within minutes to hours"
            )
        }
        _ => format!(
            "at the registrar of {domain}, check that it is registered and that its name servers are set; {parent} publishes the delegation within minutes to hours of a change"
        ),
    };
    vec![
        Finding::new(
            Code::DelegationMissing,
            format!(
                "{parent} does not delegate {domain}: its servers answer {} for it, so {domain} does not exist in DNS.{reason}",
                u.said
            ),
            vec![],
        )
        .with_fix(fix),
    ]
}

/// With `--expect route53` and the domain at Route 53 Domains in this account: the name servers
/// it gives the registry and the expected ones, written alike (lower case, no final dot).
pub(super) fn registrar_names(f: &Facts) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let (d, expected) = (f.registrar.as_ref()?, f.expected.as_ref()?);
    let plain = |n: &str| n.trim_end_matches('.').to_ascii_lowercase();
    let given = d.name_servers.iter().map(|n| plain(n)).collect();
    let wanted = expected
        .names
        .iter()
        .map(|n| plain(&n.to_ascii()))
        .collect();
    Some((given, wanted))
}

/// With `--expect route53`, a domain registered with Route 53 Domains in this account: the name
/// servers it gives the registry against the hosted zone's delegation set; an expiry without
/// auto-renew.
fn registrar(f: &Facts) -> Vec<Finding> {
    let (Some(d), Some((given, wanted))) = (&f.registrar, registrar_names(f)) else {
        return vec![];
    };
    let mut out = Vec::new();
    if given != wanted {
        out.push(Finding::new(
            Code::RegistrationRegistrarNs,
            format!(
                "{} is registered with Route 53 Domains in this account, which gives the registry the name servers {} — not the hosted zone's delegation set {}: run `dns delegate {}`",
                d.domain,
                given.into_iter().collect::<Vec<_>>().join(", "),
                wanted.into_iter().collect::<Vec<_>>().join(", "),
                d.domain
            ),
            vec![],
        ));
    }
    if let Some(at) = d.expires_at
        && d.auto_renew != Some(true)
    {
        let left = at - f.checked_at as i64;
        if left < 0 {
            out.push(Finding::new(
                Code::RegistrationExpired,
                format!(
                    "the registration of {} at Route 53 Domains has expired",
                    d.domain
                ),
                vec![],
            ));
        } else if left < EXPIRING_DAYS * 86_400 {
            out.push(Finding::new(
                Code::RegistrationExpiring,
                format!(
                    "the registration of {} at Route 53 Domains expires in {} day(s), and auto-renew is off",
                    d.domain,
                    left / 86_400
                ),
                vec![],
            ));
        }
    }
    out
}

/// What the registry says over RDAP.
fn registry(f: &Facts) -> Vec<Finding> {
    match &f.registration {
        Some(Lookup::Found(r)) => found(f, r),
        Some(Lookup::NotFound { domain, url }) => vec![Finding::new(
            Code::RegistrationNotFound,
            format!(
                "the registry has no domain {domain} ({url} answers 404): it is not registered, or it was deleted"
            ),
            vec![],
        )],
        Some(Lookup::Unavailable { .. }) | None => vec![],
    }
}

fn found(f: &Facts, r: &Registration) -> Vec<Finding> {
    let mut out = Vec::new();
    let domain = &r.domain;
    let statuses = r.statuses.join(", ");
    if r.has_status("client hold") || r.has_status("server hold") {
        let who = if r.has_status("client hold") {
            "client hold: set by the registrar, often because the registrant's e-mail address was not verified after the purchase or a change of owner"
        } else {
            "server hold: set by the registry"
        };
        out.push(Finding::new(
            Code::RegistrationHold,
            format!("the registry does not publish {domain} in DNS: its status is {who} (statuses: {statuses})"),
            vec![],
        ));
    }
    if r.has_status("pending delete") || r.has_status("redemption period") {
        out.push(Finding::new(
            Code::RegistrationPendingDelete,
            format!("the registration of {domain} has ended: statuses {statuses}"),
            vec![],
        ));
    }
    if let (Some(at), Some(text)) = (r.expires_at, &r.expires) {
        let left = at - f.checked_at as i64;
        if left < 0 {
            out.push(Finding::new(
                Code::RegistrationExpired,
                format!("the registration of {domain} expired on {text}"),
                vec![],
            ));
        } else if left < EXPIRING_DAYS * 86_400 {
            out.push(Finding::new(
                Code::RegistrationExpiring,
                format!(
                    "the registration of {domain} expires on {text}, in {} day(s)",
                    left / 86_400
                ),
                vec![],
            ));
        }
    }
    if let Ok(name) = crate::zone::name::parse_zone(domain) {
        out.extend(name_servers(f, r, &name));
        out.extend(dnssec_state(f, r, &name));
    }
    out
}

/// The registry's name servers against the delegation the top-level domain's servers serve for
/// the registered domain.
fn name_servers(f: &Facts, r: &Registration, name: &Name) -> Option<Finding> {
    let d = f
        .walk
        .delegations
        .iter()
        .find(|d| d.child.as_ref() == Some(name))?;
    let registry: std::collections::BTreeSet<Name> = r.name_servers.iter().cloned().collect();
    let unreadable = &r.unreadable_name_servers;
    if (registry.is_empty() && unreadable.is_empty()) || (registry == d.ns && unreadable.is_empty())
    {
        return None;
    }
    let mut held = names(&registry);
    if !unreadable.is_empty() {
        let quoted: Vec<String> = unreadable.iter().map(|u| format!("'{u}'")).collect();
        held = format!(
            "{held}{}and {} that {} no domain name ({})",
            if registry.is_empty() { "" } else { " " },
            unreadable.len(),
            if unreadable.len() == 1 { "is" } else { "are" },
            quoted.join(", ")
        );
    }
    Some(Finding::new(
        Code::RegistrationNsMismatch,
        format!(
            "the registry holds the name servers {} for {}, but the servers of {} delegate it to {}",
            held,
            r.domain,
            d.parent
                .as_ref()
                .map_or("the parent".into(), Name::to_ascii),
            names(&d.ns)
        ),
        vec![],
    ))
}

/// The registry's `delegationSigned` against the DS records the parent serves.
fn dnssec_state(f: &Facts, r: &Registration, name: &Name) -> Option<Finding> {
    let signed = r.delegation_signed?;
    if f.zone.as_ref() != Some(name) {
        return None;
    }
    let answered: Vec<_> = f.ds.iter().filter_map(|p| p.message()).collect();
    let ds_served = answered
        .iter()
        .any(|m| m.answers.iter().any(|r| r.record_type() == RecordType::DS));
    if answered.is_empty() || signed == ds_served {
        return None;
    }
    let (registry, parent) = if signed {
        ("signed", "serves no DS record")
    } else {
        ("unsigned", "serves DS records")
    };
    Some(Finding::new(
        Code::RegistrationDsMismatch,
        format!(
            "the registry says the delegation of {} is {registry}, but the parent {parent} for it",
            r.domain
        ),
        vec![],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::{Delegation, Walk};

    fn facts(registration: Registration, ns_served: &[&str]) -> Facts {
        let name = Name::from_ascii("example.com.").unwrap();
        let mut walk = Walk::default();
        walk.delegations.push(Delegation {
            parent: Some(Name::from_ascii("com.").unwrap()),
            child: Some(name.clone()),
            ns: ns_served
                .iter()
                .map(|n| Name::from_ascii(n).unwrap())
                .collect(),
            ..Delegation::default()
        });
        let mut f = Facts::new(name, RecordType::A, walk);
        f.checked_at = 1_800_000_000;
        f.registration = Some(Lookup::Found(registration));
        f
    }

    fn record(statuses: &[&str], expires_at: Option<i64>) -> Registration {
        Registration {
            domain: "example.com".into(),
            url: "http://127.0.0.1/rdap/domain/example.com".into(),
            registrar: Some("Example Registrar".into()),
            statuses: statuses.iter().map(|s| s.to_string()).collect(),
            expires: expires_at.map(|_| "2027-01-15T00:00:00Z".into()),
            expires_at,
            name_servers: vec![Name::from_ascii("ns1.example.net.").unwrap()],
            unreadable_name_servers: vec![],
            delegation_signed: None,
        }
    }

    fn codes(f: &Facts) -> Vec<&'static str> {
        registry(f).iter().map(|x| x.code.as_str()).collect()
    }

    #[test]
    fn holds_endings_and_expiry_are_findings() {
        let ok = facts(
            record(&["active"], Some(1_900_000_000)),
            &["ns1.example.net."],
        );
        assert!(codes(&ok).is_empty());
        let hold = facts(
            record(&["client hold", "client transfer prohibited"], None),
            &["ns1.example.net."],
        );
        assert_eq!(codes(&hold), ["registration.hold"]);
        assert!(
            registration(&hold)[0]
                .message
                .contains("registrant's e-mail")
        );
        let redemption = facts(record(&["redemption period"], None), &["ns1.example.net."]);
        assert_eq!(codes(&redemption), ["registration.pending-delete"]);
        let soon = facts(
            record(&["active"], Some(1_800_000_000 + 10 * 86_400 + 5)),
            &["ns1.example.net."],
        );
        assert_eq!(codes(&soon), ["registration.expiring"]);
        assert!(registration(&soon)[0].message.contains("in 10 day(s)"));
        let past = facts(
            record(&["active"], Some(1_799_999_000)),
            &["ns1.example.net."],
        );
        assert_eq!(codes(&past), ["registration.expired"]);
    }

    #[test]
    fn the_registry_s_name_servers_are_compared_with_the_delegation_served() {
        let moved = facts(record(&["active"], None), &["ns.old-registrar.example."]);
        assert_eq!(codes(&moved), ["registration.ns-mismatch"]);
        let message = &registration(&moved)[0].message;
        assert!(
            message.contains("ns1.example.net.") && message.contains("ns.old-registrar.example."),
            "{message}"
        );
        // A name server entry dns cannot read is never passed over: the sets are not the same.
        let mut odd = record(&["active"], None);
        odd.unreadable_name_servers = vec!["ns2..example.net".into()];
        let odd = facts(odd, &["ns1.example.net."]);
        assert_eq!(codes(&odd), ["registration.ns-mismatch"]);
        let message = &registration(&odd)[0].message;
        assert!(
            message.contains("ns1.example.net. and 1 that is no domain name ('ns2..example.net')"),
            "{message}"
        );
        let mut f = facts(record(&["active"], None), &["ns1.example.net."]);
        f.registration = Some(Lookup::NotFound {
            domain: "example.com".into(),
            url: "u".into(),
        });
        assert_eq!(codes(&f), ["registration.not-found"]);
        f.registration = Some(Lookup::Unavailable { why: "x".into() });
        assert!(codes(&f).is_empty());
    }
}
