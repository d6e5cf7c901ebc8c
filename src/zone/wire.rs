//! The zone model to and from the other forms a record takes: hickory-proto's `RData` (what
//! servers send, read by `check`), RFC 1035 presentation text (master files, Route 53 values,
//! plans and reports), and hickory's `RecordType`. One place per conversion, so that a new type
//! or field touches this file and the YAML reader (`values.rs`), not every user.

use hickory_proto::rr::{RData as HRData, RecordType};

use super::text::{self, Value};
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
    let rt = RType::from_record_type(rtype)?;
    let mut values: Vec<Value> = (records.iter())
        .filter(|r| r.record_type() == rtype)
        .filter_map(|r| value_of(r))
        .collect();
    if rt == RType::CNAME {
        // A name has one CNAME: the first one sent (none: no set).
        if values.is_empty() {
            return None;
        }
        values.truncate(1);
    }
    Some((rt, text::rdata(rt, values)))
}

/// One record's data as the zone model's value (names in lower case); `None` for a type dns
/// does not keep.
fn value_of(r: &HRData) -> Option<Value> {
    Some(match r {
        HRData::A(a) => Value::A(a.0),
        HRData::AAAA(a) => Value::AAAA(a.0),
        HRData::CNAME(c) => Value::Name(lower(&c.0)),
        HRData::NS(n) => Value::Name(lower(&n.0)),
        HRData::MX(m) => Value::Mx(Mx {
            preference: m.preference,
            exchange: lower(&m.exchange),
        }),
        HRData::SRV(s) => Value::Srv(Srv {
            priority: s.priority,
            weight: s.weight,
            port: s.port,
            target: lower(&s.target),
        }),
        HRData::TXT(t) => Value::Txt(Txt(t.txt_data.iter().map(|s| s.to_vec()).collect())),
        HRData::CAA(c) => Value::Caa(Caa {
            flags: c.flags(),
            tag: c.tag.to_ascii_lowercase(),
            value: String::from_utf8_lossy(&c.value).into_owned(),
        }),
        _ => return None,
    })
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
