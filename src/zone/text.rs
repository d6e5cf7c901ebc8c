//! Record values in presentation form, read in one place for every reader of them: master
//! files (RFC 1035 §5.1, decimal escapes) and Route 53's values (octal escapes). Each reader
//! splits a value into [`Field`]s with its own escapes read; [`value`] turns the fields of one
//! record into its [`Value`], and [`rdata`] the values of a set into the zone model's
//! [`RData`].

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{Caa, MAX_TXT_STRING, Mx, Name, RData, RType, Srv, Txt};

/// One field of a value: its octets with the escapes read, whether it was quoted, and whether
/// an escape in it stands for something a host name cannot hold as written (a master file's
/// `\.` inside a label, `\@`, `\*`, an octet over 127: reading it as the plain character
/// would change the name).
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    pub text: &'a [u8],
    pub quoted: bool,
    pub special: bool,
}

impl Field<'_> {
    pub fn str(&self) -> String {
        String::from_utf8_lossy(self.text).into_owned()
    }
}

/// One record's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    A(Ipv4Addr),
    AAAA(Ipv6Addr),
    /// A CNAME's or NS record's target.
    Name(Name),
    Mx(Mx),
    Srv(Srv),
    Caa(Caa),
    Txt(Txt),
    /// A master file's apex SOA: its MINIMUM field (the TTL of records that give none, without
    /// `$TTL`). dns keeps no SOA otherwise.
    Soa {
        minimum: u32,
    },
}

/// The value of one record of type `rtype` from its fields; `name` reads a target (relative
/// names and escapes are the reader's own rules). The error says what is wrong, without the
/// record's place (the reader adds it).
pub fn value(
    rtype: RType,
    fields: &[Field],
    name: &dyn Fn(&Field) -> Result<Name, String>,
) -> Result<Value, String> {
    Ok(match rtype {
        RType::A => {
            let t = one(fields)?;
            Value::A(
                t.str()
                    .parse()
                    .map_err(|_| format!("'{}' is not an IPv4 address", t.str()))?,
            )
        }
        RType::AAAA => {
            let t = one(fields)?;
            Value::AAAA(
                t.str()
                    .parse()
                    .map_err(|_| format!("'{}' is not an IPv6 address", t.str()))?,
            )
        }
        RType::NS | RType::CNAME => Value::Name(name(one(fields)?)?),
        RType::MX => {
            let [p, x] = exactly(fields, "preference exchange")?;
            Value::Mx(Mx {
                preference: number(p, "preference")?,
                exchange: name(x)?,
            })
        }
        RType::SRV => {
            let [p, w, port, t] = exactly(fields, "priority weight port target")?;
            Value::Srv(Srv {
                priority: number(p, "priority")?,
                weight: number(w, "weight")?,
                port: number(port, "port")?,
                target: name(t)?,
            })
        }
        RType::CAA => {
            let [f, tag, v] = exactly(fields, "flags tag value")?;
            Value::Caa(Caa {
                flags: number(f, "flags")?,
                tag: tag.str().to_ascii_lowercase(),
                value: String::from_utf8(v.text.to_vec())
                    .map_err(|_| "the CAA value is not UTF-8 text".to_string())?,
            })
        }
        RType::TXT => {
            if fields.is_empty() {
                return Err("a TXT record needs at least one string".into());
            }
            if let Some(long) = fields.iter().find(|t| t.text.len() > MAX_TXT_STRING) {
                return Err(format!(
                    "a string of {} octets; a TXT string holds at most {MAX_TXT_STRING} (split it into several quoted strings)",
                    long.text.len()
                ));
            }
            Value::Txt(Txt(fields.iter().map(|t| t.text.to_vec()).collect()))
        }
    })
}

/// The values of one set in the zone model (an SOA's value is not a set's).
pub fn rdata(rtype: RType, values: Vec<Value>) -> RData {
    let mut a = BTreeSet::new();
    let mut aaaa = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut mx = BTreeSet::new();
    let mut srv = BTreeSet::new();
    let mut caa = BTreeSet::new();
    let mut txt = BTreeSet::new();
    for v in values {
        let _ = match v {
            Value::A(x) => a.insert(x),
            Value::AAAA(x) => aaaa.insert(x),
            Value::Name(x) => names.insert(x),
            Value::Mx(x) => mx.insert(x),
            Value::Srv(x) => srv.insert(x),
            Value::Caa(x) => caa.insert(x),
            Value::Txt(x) => txt.insert(x),
            Value::Soa { .. } => false,
        };
    }
    match rtype {
        RType::A => RData::A(a),
        RType::AAAA => RData::AAAA(aaaa),
        RType::CNAME => RData::Cname(Box::new(
            names.into_iter().next().unwrap_or_else(Name::root),
        )),
        RType::NS => RData::Ns(names),
        RType::MX => RData::Mx(mx),
        RType::SRV => RData::Srv(srv),
        RType::CAA => RData::Caa(caa),
        RType::TXT => RData::Txt(txt),
    }
}

fn one<'f, 'a>(fields: &'f [Field<'a>]) -> Result<&'f Field<'a>, String> {
    match fields {
        [t] => Ok(t),
        [] => Err("no value".into()),
        _ => Err(format!("{} values where one was expected", fields.len())),
    }
}

fn exactly<'f, 'a, const N: usize>(
    fields: &'f [Field<'a>],
    names: &str,
) -> Result<[&'f Field<'a>; N], String> {
    let refs: Vec<&Field> = fields.iter().collect();
    <[&Field; N]>::try_from(refs)
        .map_err(|_| format!("expected {N} fields ({names}), found {}", fields.len()))
}

fn number<T: TryFrom<u64>>(t: &Field, what: &str) -> Result<T, String> {
    t.str()
        .parse::<u64>()
        .ok()
        .and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| format!("{what} '{}' is not a number in range", t.str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(text: &str) -> Field<'_> {
        Field {
            text: text.as_bytes(),
            quoted: false,
            special: false,
        }
    }

    fn absolute(f: &Field) -> Result<Name, String> {
        Name::from_ascii(f.str()).map_err(|e| e.to_string())
    }

    #[test]
    fn each_type_reads_its_fields_and_says_what_is_wrong() {
        let mx = value(RType::MX, &[bare("10"), bare("mx.example.")], &absolute).unwrap();
        assert!(matches!(mx, Value::Mx(Mx { preference: 10, .. })));
        let caa = [
            bare("0"),
            bare("ISSUE"),
            Field {
                text: b"ca.example; a=b",
                quoted: true,
                special: false,
            },
        ];
        match value(RType::CAA, &caa, &absolute).unwrap() {
            Value::Caa(c) => assert_eq!(
                (c.tag.as_str(), c.value.as_str()),
                ("issue", "ca.example; a=b")
            ),
            other => panic!("{other:?}"),
        }
        let err = value(RType::A, &[bare("192.0.2.300")], &absolute).unwrap_err();
        assert_eq!(err, "'192.0.2.300' is not an IPv4 address");
        let err = value(RType::SRV, &[bare("1"), bare("2"), bare("x")], &absolute).unwrap_err();
        assert_eq!(
            err,
            "expected 4 fields (priority weight port target), found 3"
        );
        let err = value(RType::MX, &[bare("70000"), bare("mx.example.")], &absolute).unwrap_err();
        assert_eq!(err, "preference '70000' is not a number in range");
        let long = "x".repeat(256);
        assert!(
            value(RType::TXT, &[bare(&long)], &absolute)
                .unwrap_err()
                .contains("256 octets")
        );
    }

    #[test]
    fn a_set_of_values_is_one_rdata() {
        let values = ["192.0.2.2", "192.0.2.1", "192.0.2.1"]
            .iter()
            .map(|a| value(RType::A, &[bare(a)], &absolute).unwrap())
            .collect();
        assert_eq!(
            rdata(RType::A, values),
            RData::A(["192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap()].into())
        );
    }
}
