//! Every question asked of each address of the zone's servers beside the walk, in one table
//! ([`TABLE`]): what is asked (which name, which type, with which EDNS form, recursion or not),
//! and what the report and the rules call its answers. Gathering reads the table and asks each
//! address all of it at once over one socket; the answers are kept as [`Asked`] (question and
//! probe) in the facts, and rules look them up by [`Question`]. A new question is one entry
//! here; when what it must show is that every server serves the same records (as CAA), naming
//! its finding code in the entry is the whole rule (`rules::consistent`).

use hickory_proto::op::Query;
use hickory_proto::rr::{Name, RecordType};
use serde::{Deserialize, Serialize};

use crate::check::codes::Code;
use crate::walk::batch::Framed;
use crate::walk::{Form, Probe};

/// A question of the table, as the facts and the JSON name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Question {
    /// The zone's SOA without EDNS.
    NoEdns,
    /// The zone's SOA with EDNS version 1: BADVERS is the answer (RFC 6891 §6.1.3).
    Version1,
    /// The zone's SOA with an unknown EDNS option, which must be ignored.
    UnknownOption,
    /// The zone's SOA with an unknown EDNS flag, which must be ignored and not echoed.
    UnknownFlag,
    /// The zone's SOA with its name in mixed case ([`mixed_case`]; Zonemaster NAMESERVER08, 09).
    MixedCase,
    /// The zone's AAAA: answered, with records or none (Zonemaster NAMESERVER05).
    Aaaa,
    /// The root's SOA with recursion desired: an authoritative server must not answer it as a
    /// resolver.
    Recursion,
    /// The SOA of another top-level domain with recursion desired: a resolver told to refuse
    /// the root only still resolves it.
    RecursionElsewhere,
    /// A name that does not exist under the apex (a random label): when the zone is signed,
    /// the denial of existence must prove it.
    Nonexistent,
    /// The apex's CDS set (RFC 7344): what the zone asks its parent to publish as DS.
    Cds,
    /// The apex's CDNSKEY set (RFC 7344, 8078).
    Cdnskey,
    /// The apex's MX set.
    Mx,
    /// The apex's TXT set (its SPF policy).
    Txt,
    /// The apex's CAA set (RFC 8659): which certificate authorities may issue for the domain.
    Caa,
}

/// The name a question asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asks {
    /// The zone's apex.
    Apex,
    /// The zone's apex in mixed case.
    MixedCaseApex,
    /// The root.
    Root,
    /// A top-level domain that is not the zone's (`com.`, or `net.` for a zone under com.).
    OtherTld,
    /// A name that does not exist under the apex.
    Nonexistent,
}

/// What a question is about: how the server behaves (its answers are judged by the server
/// rules, not as the zone's data), or the zone's data (judged as every other answer of the
/// zone: failures, signatures, denial proofs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Behaviour,
    Data,
}

/// One entry of the table.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub question: Question,
    pub asks: Asks,
    pub qtype: RecordType,
    pub form: Form,
    pub recursion: bool,
    pub about: About,
    /// The name the JSON gives it (`form` of a behaviour probe), and the key of its group of
    /// probes in the JSON document (`mx_probes`).
    pub name: &'static str,
    pub group: &'static str,
    /// Every server must serve the same set: the code of the finding when they do not.
    pub consistent: Option<Code>,
}

const fn entry(
    question: Question,
    asks: Asks,
    qtype: RecordType,
    form: Form,
    about: About,
    name: &'static str,
    group: &'static str,
) -> Entry {
    Entry {
        question,
        asks,
        qtype,
        form,
        recursion: false,
        about,
        name,
        group,
        consistent: None,
    }
}

const BEHAVIOUR: &str = "behaviour_probes";

/// Every question asked of each address of the zone's servers, in the order reports list
/// them.
#[rustfmt::skip]
pub const TABLE: &[Entry] = &[
    entry(Question::NoEdns, Asks::Apex, RecordType::SOA, Form::NoEdns, About::Behaviour, "no-edns", BEHAVIOUR),
    entry(Question::Version1, Asks::Apex, RecordType::SOA, Form::Version1, About::Behaviour, "version1", BEHAVIOUR),
    entry(Question::UnknownOption, Asks::Apex, RecordType::SOA, Form::UnknownOption, About::Behaviour, "unknown-option", BEHAVIOUR),
    entry(Question::UnknownFlag, Asks::Apex, RecordType::SOA, Form::UnknownFlag, About::Behaviour, "unknown-flag", BEHAVIOUR),
    entry(Question::MixedCase, Asks::MixedCaseApex, RecordType::SOA, Form::Standard, About::Behaviour, "mixed-case", BEHAVIOUR),
    entry(Question::Aaaa, Asks::Apex, RecordType::AAAA, Form::Standard, About::Behaviour, "aaaa", BEHAVIOUR),
    Entry { recursion: true, ..entry(Question::Recursion, Asks::Root, RecordType::SOA, Form::Standard, About::Behaviour, "recursion", BEHAVIOUR) },
    Entry { recursion: true, ..entry(Question::RecursionElsewhere, Asks::OtherTld, RecordType::SOA, Form::Standard, About::Behaviour, "recursion-elsewhere", BEHAVIOUR) },
    entry(Question::Nonexistent, Asks::Nonexistent, RecordType::A, Form::Standard, About::Data, "nonexistent", "denial_probes"),
    entry(Question::Cds, Asks::Apex, RecordType::CDS, Form::Standard, About::Data, "cds", "cds_probes"),
    entry(Question::Cdnskey, Asks::Apex, RecordType::CDNSKEY, Form::Standard, About::Data, "cdnskey", "cds_probes"),
    entry(Question::Mx, Asks::Apex, RecordType::MX, Form::Standard, About::Data, "mx", "mx_probes"),
    entry(Question::Txt, Asks::Apex, RecordType::TXT, Form::Standard, About::Data, "txt", "txt_probes"),
    Entry { consistent: Some(Code::CaaInconsistent), ..entry(Question::Caa, Asks::Apex, RecordType::CAA, Form::Standard, About::Data, "caa", "caa_probes") },
];

impl Question {
    /// Its entry in the table.
    pub fn entry(self) -> &'static Entry {
        TABLE
            .iter()
            .find(|e| e.question == self)
            .unwrap_or(&TABLE[0])
    }

    /// The name the JSON and the report give it.
    pub fn as_str(self) -> &'static str {
        self.entry().name
    }

    /// Whether its answers are the zone's data (not how the server behaves).
    pub fn is_data(self) -> bool {
        self.entry().about == About::Data
    }
}

impl Entry {
    /// What is asked, of a server of `zone` (`nonexistent`: the random name of this check).
    pub fn framed(&self, zone: &Name, nonexistent: &Name) -> Framed {
        let name = match self.asks {
            Asks::Apex => zone.clone(),
            Asks::MixedCaseApex => mixed_case(zone),
            Asks::Root => Name::root(),
            Asks::OtherTld => other_tld(zone),
            Asks::Nonexistent => nonexistent.clone(),
        };
        Framed {
            query: Query::query(name, self.qtype),
            form: self.form,
            recursion: self.recursion,
        }
    }
}

/// A top-level domain that is not the zone's: `com.`, or `net.` for a zone under com.
pub fn other_tld(zone: &Name) -> Name {
    let tld = zone.iter().next_back().map(<[u8]>::to_ascii_lowercase);
    let other = if tld.as_deref() == Some(b"com".as_slice()) {
        "net."
    } else {
        "com."
    };
    Name::from_ascii(other).unwrap_or_else(|_| Name::root())
}

/// The label of the name that does not exist, before its random part (`dns-check-nx-1a2b3c4d`):
/// random, so no cache or wildcard of ours answers it.
pub const NONEXISTENT_LABEL: &str = "dns-check-nx";

/// One question of the table asked of one address, and its answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Asked {
    pub question: Question,
    pub probe: Probe,
}

/// `zone` with its letters in alternating case (`eXaMpLe.CoM.`), as a resolver using 0x20
/// (random case, draft-vixie-dnsext-dns0x20) asks: the server must find the zone all the same
/// and echo the name as asked (Zonemaster NAMESERVER08, 09).
pub fn mixed_case(zone: &Name) -> Name {
    let mut upper = false;
    let text: String = zone
        .to_ascii()
        .chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                upper = !upper;
                if upper {
                    return c.to_ascii_uppercase();
                }
                return c.to_ascii_lowercase();
            }
            c
        })
        .collect();
    Name::from_ascii(&text).unwrap_or_else(|_| zone.clone())
}

#[cfg(test)]
mod tests {
    use super::{Question, TABLE};

    /// Every question has exactly one entry, and the JSON names are distinct: `Question::entry`
    /// never falls back.
    #[test]
    fn every_question_has_one_entry_of_its_own() {
        let all = [
            Question::NoEdns,
            Question::Version1,
            Question::UnknownOption,
            Question::UnknownFlag,
            Question::MixedCase,
            Question::Aaaa,
            Question::Recursion,
            Question::RecursionElsewhere,
            Question::Nonexistent,
            Question::Cds,
            Question::Cdnskey,
            Question::Mx,
            Question::Txt,
            Question::Caa,
        ];
        assert_eq!(all.len(), TABLE.len());
        for q in all {
            assert_eq!(TABLE.iter().filter(|e| e.question == q).count(), 1, "{q:?}");
            assert_eq!(q.entry().question, q);
        }
        let mut names: Vec<&str> = TABLE.iter().map(|e| e.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), TABLE.len());
    }
}
