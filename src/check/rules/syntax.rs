//! The names the servers serve, held to the syntax mail and registries need (Zonemaster
//! Syntax04–08): DNS itself carries any octets, but a name server whose name is no host name
//! cannot be registered at most registries, a mail exchanger's cannot be used by every mail
//! server, and an SOA RNAME that is no mailbox reaches no one. The zone files' names are held
//! to the same rules by `dns validate`; these are what the servers actually serve.

use hickory_proto::rr::Name;

use super::soa::soa_groups;
use super::{child_ns, parent_ns, zone_text};
use crate::check::codes::{Code, Finding};
use crate::check::facts::Facts;
use crate::check::facts::exchangers;
use crate::check::questions::Question;
use crate::zone::name::{host_name_fault, mailbox_fault};

/// A finding of `code` for each of `names` that is no host name (`what` says what it names; a
/// name server's name is also the finding's server).
fn not_host_names<'n>(
    f: &Facts,
    names: impl IntoIterator<Item = &'n Name>,
    code: Code,
    what: &str,
) -> Vec<Finding> {
    names
        .into_iter()
        .filter_map(|n| Some((n, host_name_fault(n)?)))
        .map(|(n, why)| {
            Finding::new(
                code,
                format!(
                    "the {what} {} of {} is not a valid host name: {why}",
                    n.to_ascii(),
                    zone_text(f)
                ),
                match code {
                    Code::NsNameInvalid => vec![n.to_ascii()],
                    _ => vec![],
                },
            )
        })
        .collect()
}

/// ns.name-invalid: the parent's and the zone's name server names.
pub fn name_server_names(f: &Facts) -> Vec<Finding> {
    let mut names = parent_ns(f);
    names.extend(child_ns(f));
    not_host_names(f, &names, Code::NsNameInvalid, "name server")
}

/// soa.names-invalid: each distinct MNAME and RNAME the servers serve, with the servers that
/// serve it (a root MNAME, which some zones use to say they have no primary, is not judged).
pub fn soa_names(f: &Facts) -> Vec<Finding> {
    let served = soa_groups(f, |soa| {
        (soa.mname.to_lowercase(), soa.rname.to_lowercase())
    });
    let mut out = Vec::new();
    for ((mname, rname), servers) in served {
        let mut why = Vec::new();
        if let Some(fault) = host_name_fault(&mname).filter(|_| !mname.is_root()) {
            why.push(format!(
                "its MNAME {} is not a host name: {fault}",
                mname.to_ascii()
            ));
        }
        if let Some(fault) = mailbox_fault(&rname) {
            why.push(format!(
                "its RNAME {} is not a mailbox: {fault}",
                rname.to_ascii()
            ));
        }
        if !why.is_empty() {
            out.push(Finding::new(
                Code::SoaNamesInvalid,
                format!(
                    "the SOA of {} served by {}: {}",
                    zone_text(f),
                    servers.join(", "),
                    why.join("; ")
                ),
                servers,
            ));
        }
    }
    out
}

/// mx.name-invalid: every mail exchanger the servers name (not the null MX's root).
pub fn mail_names(f: &Facts) -> Vec<Finding> {
    let Some(zone) = &f.zone else {
        return vec![];
    };
    not_host_names(
        f,
        &exchangers(f.answers(Question::Mx), zone),
        Code::MxNameInvalid,
        "mail exchanger",
    )
}
