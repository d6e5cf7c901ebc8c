//! The DNSSEC rules: the chain of trust from the parent's DS set to the keys the zone serves
//! (RFC 4035 §5.2), the validity of the signatures over the key set, and whether a move to the
//! expected servers keeps it.

use hickory_proto::rr::{Name, RData, RecordType};

use super::{parent_name, who};
use crate::check::codes::{Code, Finding};
use crate::check::facts::{Facts, answers_with_authority};
use crate::check::validate::{authoritative_set, dnskey_of, ds_of, entry_key_tags};
use crate::clock::span;
use crate::walk::Probe;

/// dnssec.ds-without-dnskey, dnssec.ds-mismatch, dnssec.no-ds, and the signatures' validity: the
/// chain of trust from the parent's DS set to the keys the zone serves (RFC 4035 §5.2). After a move to new name
/// servers the parent often still holds the DS of the old provider's keys: validating resolvers
/// then refuse every answer of the zone, though every server answers.
pub(super) fn chain_of_trust(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    use hickory_proto::dnssec::rdata::{DNSKEY, DS};
    let (ds, parent_answered) = authoritative_set(&f.ds, zone, ds_of);
    let (keys, zone_answered) = authoritative_set(&f.dnskey, zone, dnskey_of);
    let zone_text = zone.to_ascii();
    let parent = parent_name(f);
    let ds_text = |ds: &[DS]| {
        ds.iter()
            .map(|d| {
                format!(
                    "key tag {} algorithm {} digest type {}",
                    d.key_tag(),
                    u8::from(d.algorithm()),
                    u8::from(d.digest_type())
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let key_tags = |keys: &[DNSKEY]| {
        keys.iter()
            .filter_map(|k| k.calculate_key_tag().ok())
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !ds.is_empty() && keys.is_empty() && zone_answered {
        out.push(Finding::new(Code::DnssecDsWithoutDnskey, format!(
                "the parent ({parent}) publishes DS records for {zone_text} ({}), but the zone's servers serve no DNSKEY: validating resolvers (1.1.1.1, 8.8.8.8, 9.9.9.9 and most ISPs) refuse every answer of {zone_text} with SERVFAIL. This is what a signed zone looks like after a move to new name servers",
                ds_text(&ds)
            ), vec![]));
    } else if !ds.is_empty() && !keys.is_empty() {
        // Only the DS records whose digest can be computed are judged.
        let judged: Vec<(&DS, bool)> = ds
            .iter()
            .filter_map(|d| {
                let mut any = None;
                for k in &keys {
                    match d.covers(zone, k) {
                        Ok(true) => return Some((d, true)),
                        Ok(false) => any = Some((d, false)),
                        Err(_) => {}
                    }
                }
                any
            })
            .collect();
        if !judged.is_empty() && judged.iter().all(|(_, covered)| !covered) {
            out.push(Finding::new(Code::DnssecDsMismatch, format!(
                    "none of the DS records the parent ({parent}) publishes for {zone_text} ({}) matches a DNSKEY the zone serves (key tags {}): validating resolvers refuse every answer of {zone_text} with SERVFAIL",
                    ds_text(&ds),
                    key_tags(&keys)
                ), vec![]));
        }
    } else if ds.is_empty() && parent_answered && keys.iter().any(DNSKEY::secure_entry_point) {
        no_ds(&zone_text, &parent, &key_tags(&keys), out);
    }
    if !ds.is_empty() && !keys.is_empty() {
        let entry = entry_key_tags(f, zone);
        if !entry.is_empty() {
            signatures(f, zone, &entry, out);
            super::signatures::verify_zone(f, zone, &entry, out);
            super::denial::denial(f, zone, out);
        }
        super::signatures::algorithms(zone, &ds, &keys, out);
        super::signatures::every_algorithm_signs(f, zone, &keys, out);
        super::signatures::rsa_key_sizes(zone, &keys, out);
    }
}

/// dnssec.signature-expired / dnssec.signature-expiring, and dnssec.signature-missing when the
/// DNSKEY set has no signature by the key the DS points at at all (nothing expired: a rollover
/// gone wrong): the signatures over the zone's DNSKEY set, server by server (RFC 4034 §3.1.5: validity by serial number arithmetic). Signatures
/// that lapse make the whole zone bogus to validating resolvers, though every record is there;
/// it happens when whatever re-signs the zone stops. Only signatures by a key the parent's DS
/// points at (`entry`, by key tag) count, since a validator starts from those; their validity
/// period and signer are read here, not their cryptography.
fn signatures(f: &Facts, zone: &Name, entry: &[u16], out: &mut Vec<Finding>) {
    const SOON: i64 = 3 * 86_400;
    let now = f.checked_at as u32;
    let (mut lapsed, mut soon, mut unsigned) = (Vec::new(), Vec::new(), Vec::new());
    let (mut lapsed_at, mut soon_at) = (Vec::new(), Vec::new());
    for p in f.dnskey.iter().filter(|p| answers_with_authority(p)) {
        let Some(m) = p.message() else { continue };
        match key_set_signatures(m, zone, entry, now) {
            None => {}
            Some(KeySetSignatures::NoneByEntry {
                other_signers,
                signed_as,
            }) => {
                let how = if !signed_as.is_empty() {
                    format!(
                        "signed by that key but in the name of {}, not of {}: the signer name of its RRSIG is not the zone",
                        signed_as.join(", "),
                        zone.to_ascii()
                    )
                } else if other_signers {
                    "signed by other keys only".to_string()
                } else {
                    "not signed at all".to_string()
                };
                unsigned.push((who(p), how));
            }
            Some(KeySetSignatures::Lapsed(why)) => {
                lapsed.push(format!("{} {why}", who(p)));
                lapsed_at.push(who(p));
            }
            Some(KeySetSignatures::ValidFor(left)) if left < SOON => {
                soon.push(format!("{} in {}", who(p), span(left.max(0) as u64)));
                soon_at.push(who(p));
            }
            Some(KeySetSignatures::ValidFor(_)) => {}
        }
    }
    let zone_text = zone.to_ascii();
    if !unsigned.is_empty() {
        let tags: Vec<String> = entry.iter().map(ToString::to_string).collect();
        let said: Vec<String> = unsigned
            .iter()
            .map(|(w, how)| format!("{w} ({how})"))
            .collect();
        out.push(
            Finding::new(
                Code::DnssecSignatureMissing,
                format!(
                    "{zone_text} is signed and its parent holds its DS, but {} serve(s) its DNSKEY set with no usable signature by the key the parent's DS points at (key tag {}): nothing expired; validating resolvers answer SERVFAIL for the whole zone",
                    said.join(", "),
                    tags.join(", ")
                ),
                unsigned.into_iter().map(|(w, _)| w).collect(),
            )
            .with_fix(
                "sign the DNSKEY set with the key the DS points at too (a key rollover keeps the old key signing until the new DS is published and the old DS's TTL has passed), or publish the new key's DS at the registrar",
            ),
        );
    }
    if !lapsed.is_empty() {
        out.push(Finding::new(Code::DnssecSignatureExpired, format!(
                "{zone_text} is signed and its parent holds its DS, but there is no valid signature over its DNSKEY set: {}; validating resolvers answer SERVFAIL for the whole zone",
                lapsed.join("; ")
            ), lapsed_at));
    }
    if !soon.is_empty() {
        out.push(Finding::new(
            Code::DnssecSignatureExpiring,
            format!(
                "the signatures over {zone_text}'s DNSKEY set expire soon: {}",
                soon.join("; ")
            ),
            soon_at,
        ));
    }
}

/// What one server's DNSKEY answer says of the signatures over the key set by the keys the DS
/// points at.
enum KeySetSignatures {
    /// None by those keys in the zone's name (`other_signers`: signatures by other keys only,
    /// a rollover gone wrong; `signed_as`: by those keys but in the name of another zone, the
    /// signer names; else none at all, an unsigned copy).
    NoneByEntry {
        other_signers: bool,
        signed_as: Vec<String>,
    },
    /// Some, none in its validity period: why.
    Lapsed(String),
    /// Valid for this many more seconds (the latest end).
    ValidFor(i64),
}

/// The signatures over the DNSKEY set in one answer, by the keys the DS points at (`entry`),
/// read at `now`; `None` when the answer holds no DNSKEY set.
fn key_set_signatures(
    m: &hickory_proto::op::Message,
    zone: &Name,
    entry: &[u16],
    now: u32,
) -> Option<KeySetSignatures> {
    use hickory_proto::dnssec::rdata::DNSSECRData;
    if !m
        .answers
        .iter()
        .any(|r| r.record_type() == RecordType::DNSKEY)
    {
        return None;
    }
    let sigs: Vec<_> = m
        .answers
        .iter()
        .filter(|r| r.name == *zone)
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::RRSIG(sig))
                if sig.input().type_covered == RecordType::DNSKEY =>
            {
                Some(sig.input())
            }
            _ => None,
        })
        .collect();
    // Seconds from now to each entry signature's start and end (negative: in the past).
    let by_entry =
        |input: &&&hickory_proto::dnssec::rdata::SigInput| entry.contains(&input.key_tag);
    let mut signed_as: Vec<String> = sigs
        .iter()
        .filter(by_entry)
        .filter(|input| input.signer_name != *zone)
        .map(|input| input.signer_name.to_ascii())
        .collect();
    signed_as.sort();
    signed_as.dedup();
    let windows: Vec<(i64, i64)> = sigs
        .iter()
        .filter(by_entry)
        .filter(|input| input.signer_name == *zone)
        .map(|input| {
            let from = i64::from(input.sig_inception.get().wrapping_sub(now) as i32);
            let to = i64::from(input.sig_expiration.get().wrapping_sub(now) as i32);
            (from, to)
        })
        .collect();
    let Some(latest) = windows.iter().map(|(_, to)| *to).max() else {
        return Some(KeySetSignatures::NoneByEntry {
            other_signers: !sigs.is_empty(),
            signed_as,
        });
    };
    let valid = windows
        .iter()
        .filter(|(from, to)| *from <= 0 && *to > 0)
        .map(|(_, to)| *to)
        .max();
    Some(match valid {
        Some(left) => KeySetSignatures::ValidFor(left),
        None if latest <= 0 => KeySetSignatures::Lapsed(format!(
            "the latest signature over the DNSKEY set expired {} ago",
            span((-latest).max(0) as u64)
        )),
        None => KeySetSignatures::Lapsed(
            "the signatures over the DNSKEY set are not valid yet (inception in the future: a clock?)"
                .into(),
        ),
    })
}

/// dnssec.no-ds: signed, but the chain of trust does not reach the zone.
fn no_ds(zone_text: &str, parent: &str, tags: &str, out: &mut Vec<Finding>) {
    out.push(Finding::new(Code::DnssecNoDs, format!(
            "{zone_text} is signed (key tags {tags}), but the parent ({parent}) has no DS record for it: resolvers do not validate its answers"
        ), vec![]));
}

/// Why switching to the expected servers would break validation, if it would: the parent holds
/// DS records for the zone and the expected servers serve no key any of them points at. Gives
/// the DS key tags, whether the expected servers sign at all, and the DS TTL.
pub(super) fn unsafe_move(f: &Facts, zone: &Name) -> Option<(Vec<u16>, bool, u32)> {
    let expected = f.expected.as_ref()?;
    let parent_ns = f.delegation().map(|d| d.ns.clone()).unwrap_or_default();
    if parent_ns.is_empty() || expected.names == parent_ns {
        return None;
    }
    let (ds, _) = authoritative_set(&f.ds, zone, ds_of);
    let (keys, answered) = authoritative_set(&expected.dnskey, zone, dnskey_of);
    if ds.is_empty()
        || !answered
        || ds
            .iter()
            .any(|d| keys.iter().any(|k| d.covers(zone, k).unwrap_or(false)))
    {
        return None;
    }
    let ds_ttl =
        f.ds.iter()
            .filter_map(Probe::message)
            .flat_map(|m| m.answers.iter())
            .filter(|r| r.record_type() == RecordType::DS)
            .map(|r| r.ttl)
            .max()
            .unwrap_or(0);
    Some((
        ds.iter().map(|d| d.key_tag()).collect(),
        !keys.is_empty(),
        ds_ttl,
    ))
}

/// dnssec.move-unsafe: the parent is to be switched to the expected servers (`--expect`), it
/// holds DS records for the zone, and the expected servers do not serve a key any of them points
/// at. Switching the name servers first would make the zone fail validation everywhere for as
/// long as resolvers keep the DS.
pub(super) fn move_safety(f: &Facts, zone: &Name, out: &mut Vec<Finding>) {
    let Some((tags, signed, ds_ttl)) = unsafe_move(f, zone) else {
        return;
    };
    let zone_text = zone.to_ascii();
    let tags: Vec<String> = tags.iter().map(ToString::to_string).collect();
    let state = if signed {
        "sign it with other keys"
    } else {
        "do not sign the zone"
    };
    out.push(Finding::new(Code::DnssecMoveUnsafe, format!(
            "the parent holds DS records for {zone_text} (key tags {}) and the expected servers {state}: switching the name servers to them now makes {zone_text} fail validation (SERVFAIL) at every validating resolver until the DS is gone from their caches",
            tags.join(", ")
        ), f
            .expected
            .iter()
            .flat_map(|e| &e.dnskey)
            .filter(|p| answers_with_authority(p))
            .map(who)
            .collect()).with_fix(if signed {
            format!("first add the new servers' DS record at the registrar beside the old one and wait for the DS TTL ({ds_ttl} s), then switch the name servers")
        } else {
            format!("first remove the DS records at the registrar and wait for their TTL ({ds_ttl} s) to pass, then switch the name servers; or enable DNSSEC signing on the new servers and publish their DS beside the old one first")
        }));
}
