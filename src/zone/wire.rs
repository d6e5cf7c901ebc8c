//! The zone model to and from the other forms a record takes: hickory-proto's `RData` (what
//! servers send, read by `check`), RFC 1035 presentation text (master files, Route 53 values,
//! plans and reports), and hickory's `RecordType`. One place per conversion, so that a new type
//! or field touches this file and the YAML reader (`values.rs`), not every user.

use std::collections::BTreeSet;

use hickory_proto::rr::{RData as HRData, RecordType};

use super::{Caa, Mx, Name, RData, RType, Srv, Txt, escape_text};

impl From<RType> for RecordType {
    fn from(t: RType) -> RecordType {
        match t {
            RType::A => RecordType::A,
            RType::AAAA => RecordType::AAAA,
            RType::CAA => RecordType::CAA,
            RType::CNAME => RecordType::CNAME,
            RType::MX => RecordType::MX,
            RType::NS => RecordType::NS,
            RType::SRV => RecordType::SRV,
            RType::TXT => RecordType::TXT,
        }
    }
}

impl TryFrom<RecordType> for RType {
    /// The type, which the model does not hold.
    type Error = RecordType;

    fn try_from(t: RecordType) -> Result<RType, RecordType> {
        RType::ALL
            .into_iter()
            .find(|r| RecordType::from(*r) == t)
            .ok_or(t)
    }
}

impl RType {
    /// The model's type for a DNS record type (`None` for types it does not hold).
    pub fn from_record_type(t: RecordType) -> Option<RType> {
        RType::try_from(t).ok()
    }

    /// The DNS record type.
    pub fn record_type(self) -> RecordType {
        self.into()
    }
}

/// A character-string in presentation form: quoted, escaped as master files write it.
fn quoted(octets: &[u8]) -> String {
    format!("\"{}\"", escape_text(octets, false))
}

fn lower(name: &Name) -> Name {
    name.to_lowercase()
}

/// The presentation form of each value of an RRset (empty for an alias).
pub fn presentation(data: &RData) -> Vec<String> {
    match data {
        RData::A(v) => v.iter().map(ToString::to_string).collect(),
        RData::AAAA(v) => v.iter().map(ToString::to_string).collect(),
        RData::Cname(n) => vec![n.to_ascii()],
        RData::Ns(v) => v.iter().map(Name::to_ascii).collect(),
        RData::Mx(v) => v
            .iter()
            .map(|m| format!("{} {}", m.preference, m.exchange.to_ascii()))
            .collect(),
        RData::Srv(v) => v
            .iter()
            .map(|s| {
                format!(
                    "{} {} {} {}",
                    s.priority,
                    s.weight,
                    s.port,
                    s.target.to_ascii()
                )
            })
            .collect(),
        RData::Caa(v) => v
            .iter()
            .map(|c| format!("{} {} {}", c.flags, c.tag, quoted(c.value.as_bytes())))
            .collect(),
        RData::Txt(v) => v.iter().map(Txt::presentation).collect(),
        RData::Alias(_) => Vec::new(),
    }
}

/// Records of one type, as hickory parsed or received them, in the zone model (None for types
/// dns does not model).
pub fn from_hickory(rtype: RecordType, records: &[&HRData]) -> Option<(RType, RData)> {
    let data = match rtype {
        RecordType::A => RData::A(
            records
                .iter()
                .filter_map(|r| match r {
                    HRData::A(a) => Some(a.0),
                    _ => None,
                })
                .collect(),
        ),
        RecordType::AAAA => RData::AAAA(
            records
                .iter()
                .filter_map(|r| match r {
                    HRData::AAAA(a) => Some(a.0),
                    _ => None,
                })
                .collect(),
        ),
        RecordType::CNAME => RData::Cname(records.iter().find_map(|r| match r {
            HRData::CNAME(c) => Some(lower(&c.0)),
            _ => None,
        })?),
        RecordType::NS => RData::Ns(
            records
                .iter()
                .filter_map(|r| match r {
                    HRData::NS(n) => Some(lower(&n.0)),
                    _ => None,
                })
                .collect(),
        ),
        RecordType::MX => RData::Mx(
            records
                .iter()
                .filter_map(|r| match r {
                    HRData::MX(m) => Some(Mx {
                        preference: m.preference,
                        exchange: lower(&m.exchange),
                    }),
                    _ => None,
                })
                .collect(),
        ),
        RecordType::SRV => RData::Srv(
            records
                .iter()
                .filter_map(|r| match r {
                    HRData::SRV(s) => Some(Srv {
                        priority: s.priority,
                        weight: s.weight,
                        port: s.port,
                        target: lower(&s.target),
                    }),
                    _ => None,
                })
                .collect(),
        ),
        RecordType::TXT => RData::Txt(
            records
                .iter()
                .filter_map(|r| match r {
                    HRData::TXT(t) => Some(Txt(t.txt_data.iter().map(|s| s.to_vec()).collect())),
                    _ => None,
                })
                .collect::<BTreeSet<_>>(),
        ),
        RecordType::CAA => RData::Caa(
            records
                .iter()
                .filter_map(|r| match r {
                    HRData::CAA(c) => Some(Caa {
                        flags: c.flags(),
                        tag: c.tag.to_ascii_lowercase(),
                        value: String::from_utf8_lossy(&c.value).into_owned(),
                    }),
                    _ => None,
                })
                .collect(),
        ),
        _ => return None,
    };
    Some((RType::from_record_type(rtype)?, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_type_maps_to_its_dns_type_and_back() {
        for t in RType::ALL {
            assert_eq!(RType::from_record_type(t.record_type()), Some(t));
        }
        assert_eq!(RType::from_record_type(RecordType::PTR), None);
    }

    #[test]
    fn txt_is_split_at_255_octets_and_escaped() {
        let show = |t: &str| Txt::from_text(t.as_bytes()).presentation();
        let long = "a".repeat(300);
        assert_eq!(
            show(&long),
            format!("\"{}\" \"{}\"", "a".repeat(255), "a".repeat(45))
        );
        assert_eq!(show("say \"hi\"\\"), r#""say \"hi\"\\""#);
        assert_eq!(show("é"), r#""é""#);
        assert_eq!(show("a\tb"), r#""a\009b""#);
        assert_eq!(show(""), r#""""#);
        // Never inside a UTF-8 character: 254 octets, then "é" (2 octets) goes whole to the next.
        let t = Txt::from_text(format!("{}é", "a".repeat(254)).as_bytes());
        assert_eq!(t.0.iter().map(Vec::len).collect::<Vec<_>>(), [254, 2]);
    }
}
