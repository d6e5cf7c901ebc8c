//! The sync guard: one TXT record, `_dns-sync.<zone>`, that every change batch of a sync
//! deletes with the exact value it last saw and creates anew with a value of its own.
//!
//! Route 53 applies one change batch atomically but has no transaction across batches, and a
//! DELETE must name the current values exactly. So a batch whose guard DELETE names a value
//! another sync has replaced is refused whole: a second sync that planned before the first
//! changed the zone lands nothing, and a sync whose later batch meets another's guard stops
//! there, saying which of its requests landed. This is optimistic concurrency, as DNSControl and
//! octoDNS do not have it and terraform has it with a lock table: here the zone itself holds the
//! token, so no other service is needed.
//!
//! The guard is read before the rest of the zone ([`super::Route53::list_pages`]), so that a
//! change landing while the pages are read always leaves it stale.
//!
//! The guard is Route 53 state, not zone data: [`super::Route53::live_zone`] takes it out of
//! the live zone, so that plans, imports and checks never see it, and a zone file may not name
//! it.

use crate::zone::{Name, RData, RType, RecordSet, RrKey, Txt};

/// The guard's label under the zone's apex.
pub const LABEL: &str = crate::zone::SYNC_GUARD_LABEL;

/// Its TTL: nobody resolves it.
const TTL: u32 = 60;

/// The guard's key in a zone.
pub fn key(origin: &Name) -> RrKey {
    let name = Name::from_ascii(LABEL)
        .ok()
        .and_then(|l| l.append_domain(origin).ok())
        .unwrap_or_else(|| origin.clone());
    RrKey::new(name, RType::TXT)
}

/// A new value: who syncs, the request's place in the sync, and a random token, so that no
/// two batches of any sync write the same value.
pub fn next(who: &str, request: usize, requests: usize) -> RecordSet {
    let token: u64 = rand::random();
    let text = format!("dns sync {request}/{requests} {token:016x} {who}");
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii() && !c.is_control())
        .take(200)
        .collect();
    RecordSet::new(
        Some(TTL),
        RData::Txt([Txt::from_text(text.as_bytes())].into()),
    )
}

/// The guard's value as said in a message: its text, or nothing.
pub fn said(set: &RecordSet) -> String {
    match &set.data {
        RData::Txt(values) => values
            .iter()
            .map(|t| String::from_utf8_lossy(&t.0.concat()).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_is_one_txt_name_under_the_apex_and_never_written_twice() {
        let origin = Name::from_ascii("example.com.").unwrap();
        let k = key(&origin);
        assert_eq!(k.name.to_ascii(), "_dns-sync.example.com.");
        assert_eq!(k.rtype, RType::TXT);
        let (a, b) = (next("ci\n run", 1, 2), next("ci run", 1, 2));
        assert_ne!(a, b);
        assert!(
            said(&a).starts_with("dns sync 1/2 ") && said(&a).ends_with(" ci run"),
            "{}",
            said(&a)
        );
    }
}
