//! Trust anchors: where a validator's chain of trust starts (RFC 4033 §3; RFC 7958). For the
//! real root the check uses IANA's, built in (the DS records of KSK-2017 and KSK-2024, as
//! <https://data.iana.org/root-anchors/root-anchors.xml> publishes them). A lab has a root of
//! its own: `--trust-anchor FILE` gives its DS or DNSKEY records in master-file form (as
//! `dnssec-dsfromkey` prints them, or a `.key` file of `dnssec-keygen`). With `--root-hints` and
//! no `--trust-anchor`, the chain above the zone is not judged (and the report says so).

use std::path::Path;

use hickory_proto::dnssec::rdata::{DNSKEY, DS};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKeyBuf};
use hickory_proto::rr::Name;

/// IANA's root trust anchors: (key tag, algorithm, digest type, SHA-256 digest).
const IANA: [(u16, u8, u8, &str); 2] = [
    (
        20326,
        8,
        2,
        "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
    ),
    (
        38696,
        8,
        2,
        "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
    ),
];

/// One trust anchor for the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Ds(DS),
    Key(DNSKEY),
}

/// Saved (`--save-facts`) as the root's DS or DNSKEY record in its wire form.
impl serde::Serialize for Anchor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use hickory_proto::dnssec::rdata::DNSSECRData;
        use hickory_proto::rr::{RData, Record};
        use serde_with::SerializeAs;
        let data = match self {
            Anchor::Ds(ds) => DNSSECRData::DS(ds.clone()),
            Anchor::Key(key) => DNSSECRData::DNSKEY(key.clone()),
        };
        let record = Record::from_rdata(Name::root(), 0, RData::DNSSEC(data));
        crate::walk::saved::WireRecord::serialize_as(&record, s)
    }
}

impl<'de> serde::Deserialize<'de> for Anchor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Anchor, D::Error> {
        use hickory_proto::dnssec::rdata::DNSSECRData;
        use hickory_proto::rr::RData;
        use serde_with::DeserializeAs;
        let record = crate::walk::saved::WireRecord::deserialize_as(d)?;
        match record.data {
            RData::DNSSEC(DNSSECRData::DS(ds)) => Ok(Anchor::Ds(ds)),
            RData::DNSSEC(DNSSECRData::DNSKEY(key)) => Ok(Anchor::Key(key)),
            other => Err(serde::de::Error::custom(format!(
                "a trust anchor is a DS or DNSKEY record, not {}",
                other.record_type()
            ))),
        }
    }
}

impl Anchor {
    /// Whether `key`, served for the root, is the one this anchor names.
    pub fn trusts(&self, key: &DNSKEY) -> bool {
        match self {
            Anchor::Ds(ds) => ds.covers(&Name::root(), key).unwrap_or(false),
            Anchor::Key(anchor) => anchor == key,
        }
    }

    /// The key tag it names.
    pub fn key_tag(&self) -> Option<u16> {
        match self {
            Anchor::Ds(ds) => Some(ds.key_tag()),
            Anchor::Key(key) => key.calculate_key_tag().ok(),
        }
    }
}

/// IANA's anchors for the real root.
pub fn iana() -> Vec<Anchor> {
    IANA.iter()
        .filter_map(|&(tag, alg, digest_type, hex)| {
            let digest = data_encoding::HEXUPPER.decode(hex.as_bytes()).ok()?;
            Some(Anchor::Ds(DS::new(
                tag,
                Algorithm::from_u8(alg),
                DigestType::from(digest_type),
                digest,
            )))
        })
        .collect()
}

/// Reads `--trust-anchor FILE`: DS and DNSKEY records of the root, one per line (`. [TTL] [IN]
/// DS tag alg digest-type hex…` or `. [TTL] [IN] DNSKEY flags 3 alg base64…`); `;` starts a
/// comment. Anything else is refused with its line.
pub fn load(path: &Path) -> Result<Vec<Anchor>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the trust anchor {}: {e}", path.display()))?;
    let mut anchors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split(';').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = format!("{}:{}", path.display(), i + 1);
        anchors.push(parse(line).map_err(|why| format!("{at}: {why}"))?);
    }
    if anchors.is_empty() {
        return Err(format!(
            "{}: no DS or DNSKEY record of the root",
            path.display()
        ));
    }
    Ok(anchors)
}

fn parse(line: &str) -> Result<Anchor, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.first() != Some(&".") {
        return Err(format!(
            "'{line}' is no record of the root (its owner must be '.')"
        ));
    }
    // Skip the optional TTL and class.
    let mut rest = &fields[1..];
    if rest.first().is_some_and(|f| f.parse::<u32>().is_ok()) {
        rest = &rest[1..];
    }
    if rest.first().is_some_and(|f| f.eq_ignore_ascii_case("IN")) {
        rest = &rest[1..];
    }
    let number = |field: Option<&&str>, what: &str| -> Result<u16, String> {
        field
            .and_then(|f| f.parse::<u16>().ok())
            .ok_or_else(|| format!("'{line}': {what} is missing or no number"))
    };
    match rest.first().map(|t| t.to_ascii_uppercase()).as_deref() {
        Some("DS") => {
            let tag = number(rest.get(1), "the key tag")?;
            let alg = number(rest.get(2), "the algorithm")?;
            let digest_type = number(rest.get(3), "the digest type")?;
            let hex: String = rest.get(4..).unwrap_or_default().concat();
            let digest = data_encoding::HEXUPPER_PERMISSIVE
                .decode(hex.as_bytes())
                .map_err(|e| format!("'{line}': the digest is no hexadecimal ({e})"))?;
            if digest.is_empty() {
                return Err(format!("'{line}': the digest is missing"));
            }
            Ok(Anchor::Ds(DS::new(
                tag,
                Algorithm::from_u8(alg as u8),
                DigestType::from(digest_type as u8),
                digest,
            )))
        }
        Some("DNSKEY") => {
            let flags = number(rest.get(1), "the flags")?;
            let alg = number(rest.get(3), "the algorithm")?;
            let text: String = rest.get(4..).unwrap_or_default().concat();
            let key = data_encoding::BASE64
                .decode(text.as_bytes())
                .map_err(|e| format!("'{line}': the key is no base64 ({e})"))?;
            Ok(Anchor::Key(DNSKEY::with_flags(
                flags,
                PublicKeyBuf::new(key, Algorithm::from_u8(alg as u8)),
            )))
        }
        _ => Err(format!("'{line}' is neither a DS nor a DNSKEY record")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IANA's KSK-2017, as the root serves it, is trusted by the built-in anchor (the digest is
    /// computed, not compared by tag).
    #[test]
    fn the_built_in_anchor_trusts_the_root_ksk() {
        let ksk_2017 = "AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=";
        let key = DNSKEY::with_flags(
            257,
            PublicKeyBuf::new(
                data_encoding::BASE64.decode(ksk_2017.as_bytes()).unwrap(),
                Algorithm::RSASHA256,
            ),
        );
        assert_eq!(key.calculate_key_tag().unwrap(), 20326);
        let anchors = iana();
        assert_eq!(anchors.len(), 2);
        assert!(anchors.iter().any(|a| a.trusts(&key)));
        assert!(!anchors[1].trusts(&key));
    }

    #[test]
    fn anchors_are_read_as_dnssec_tools_write_them_and_anything_else_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.anchor");
        std::fs::write(
            &path,
            "; the lab's root\n. IN DS 12345 13 2 AABB CCDD\n. 3600 IN DNSKEY 257 3 13 AQID BA==\n",
        )
        .unwrap();
        let anchors = load(&path).unwrap();
        assert_eq!(anchors.len(), 2);
        assert_eq!(anchors[0].key_tag(), Some(12345));
        let Anchor::Ds(ds) = &anchors[0] else {
            panic!("{anchors:?}")
        };
        assert_eq!(ds.digest(), [0xAA, 0xBB, 0xCC, 0xDD]);
        std::fs::write(&path, ". IN DS 1 13 2 AABB\nexample. IN DS 1 13 2 AABB\n").unwrap();
        let why = load(&path).unwrap_err();
        assert!(why.ends_with("root.anchor:2: 'example. IN DS 1 13 2 AABB' is no record of the root (its owner must be '.')"), "{why}");
        std::fs::write(&path, ". IN A 192.0.2.1\n").unwrap();
        assert!(
            load(&path)
                .unwrap_err()
                .contains("neither a DS nor a DNSKEY")
        );
        std::fs::write(&path, "; nothing\n").unwrap();
        assert!(load(&path).unwrap_err().contains("no DS or DNSKEY record"));
    }
}
