//! How the walk's facts are written down and read back (`dns check --save-facts`,
//! `--from-facts`): serde adapters for hickory's types, exact rather than pretty. Names as
//! master-file text (`to_ascii`/`from_ascii`: case and escaped octets kept, no IDNA mapping);
//! messages and records as their wire form in base64, what the server sent re-encoded, so that
//! reading them back runs the same decoder the walk ran.

use hickory_proto::dnssec::Algorithm;
use hickory_proto::op::Message;
use hickory_proto::rr::{Name, Record, RecordType};
use hickory_proto::serialize::binary::{BinDecodable, BinEncodable};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// A name as master-file text.
pub struct Ascii;

impl SerializeAs<Name> for Ascii {
    fn serialize_as<S: Serializer>(name: &Name, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&name.to_ascii())
    }
}

impl<'de> DeserializeAs<'de, Name> for Ascii {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        let text = String::deserialize(d)?;
        Name::from_ascii(&text).map_err(|e| D::Error::custom(format!("name '{text}': {e}")))
    }
}

/// A record type as its number (exact for types hickory has no name for).
pub struct TypeCode;

impl SerializeAs<RecordType> for TypeCode {
    fn serialize_as<S: Serializer>(t: &RecordType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(u16::from(*t))
    }
}

impl<'de> DeserializeAs<'de, RecordType> for TypeCode {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<RecordType, D::Error> {
        Ok(RecordType::from(u16::deserialize(d)?))
    }
}

/// A DNSSEC algorithm as its number.
pub struct AlgorithmCode;

impl SerializeAs<Algorithm> for AlgorithmCode {
    fn serialize_as<S: Serializer>(a: &Algorithm, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(u8::from(*a))
    }
}

impl<'de> DeserializeAs<'de, Algorithm> for AlgorithmCode {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<Algorithm, D::Error> {
        Ok(Algorithm::from_u8(u8::deserialize(d)?))
    }
}

/// A message in its wire form, base64.
pub struct Wire;

impl SerializeAs<Message> for Wire {
    fn serialize_as<S: Serializer>(m: &Message, s: S) -> Result<S::Ok, S::Error> {
        let bytes = m
            .to_vec()
            .map_err(|e| serde::ser::Error::custom(format!("a message cannot be encoded: {e}")))?;
        s.serialize_str(&data_encoding::BASE64.encode(&bytes))
    }
}

impl<'de> DeserializeAs<'de, Message> for Wire {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
        let bytes = base64(d)?;
        Message::from_vec(&bytes).map_err(|e| D::Error::custom(format!("a saved message: {e}")))
    }
}

/// A record (owner, type, class, TTL, data) in its wire form, base64: trust anchors.
pub struct WireRecord;

impl SerializeAs<Record> for WireRecord {
    fn serialize_as<S: Serializer>(r: &Record, s: S) -> Result<S::Ok, S::Error> {
        let bytes = r
            .to_bytes()
            .map_err(|e| serde::ser::Error::custom(format!("a record cannot be encoded: {e}")))?;
        s.serialize_str(&data_encoding::BASE64.encode(&bytes))
    }
}

impl<'de> DeserializeAs<'de, Record> for WireRecord {
    fn deserialize_as<D: Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
        let bytes = base64(d)?;
        Record::from_bytes(&bytes).map_err(|e| D::Error::custom(format!("a saved record: {e}")))
    }
}

fn base64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    data_encoding::BASE64
        .decode(text.as_bytes())
        .map_err(|e| D::Error::custom(format!("not base64: {e}")))
}
