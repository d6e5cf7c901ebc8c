//! What validation says of a record set, as plain data: the verdict on its signatures, and
//! for the zone file's sets on every server, the server and the set it is about. Made by
//! [`super::validate`]; kept in the facts ([`super::verification`]); turned into findings by
//! the DNSSEC rules.

use hickory_proto::dnssec::Algorithm;
use serde::{Deserialize, Serialize};

use crate::walk::saved::AlgorithmCode;

/// One record set's signatures that did not verify on one server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetVerdict {
    /// `name (address)`.
    pub server: String,
    /// `name TYPE`.
    pub label: String,
    pub verdict: Verdict,
}

/// What a record set's signatures come to.
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// One signature verifies with a key of the set, within its validity period.
    Valid,
    /// Signed with an algorithm this build cannot verify: not judged.
    Unsupported(#[serde_as(as = "AlgorithmCode")] Algorithm),
    /// Signatures by a known key that do not verify: (key tag, algorithm).
    Invalid(#[serde_as(as = "Vec<(_, AlgorithmCode)>")] Vec<(u16, Algorithm)>),
    /// Every signature by a known key is outside its validity period.
    Lapsed,
    /// Signed only by keys the set does not hold (key tags).
    UnknownKey(Vec<u16>),
    /// Signed only in the name of another zone (the signers' names): no key of the zone can
    /// have made those signatures (RFC 4035 §5.3.1).
    WrongSigner(Vec<String>),
    /// No signature at all.
    Missing,
}
