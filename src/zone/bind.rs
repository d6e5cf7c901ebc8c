//! RFC 1035 master files (BIND zone files): export for `named-checkzone` and other servers,
//! import through hickory's zone-file parser.
//!
//! A master file (RFC 1035 §5) needs an SOA and apex NS records, which Route 53 owns and the zone
//! model leaves out: export writes placeholders for them (or the name servers given), and import
//! drops them again. Route 53 aliases have no master-file form; export keeps each as a comment
//!
//! ```text
//! ; dns-alias: hive.example.com. A dualstack.hive-alb-1.ap-northeast-2.elb.amazonaws.com. ZWKZPGTI48KDX false
//! ```
//!
//! which servers ignore and import restores, so that export → import gives back the same zone.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use hickory_proto::rr::{RData as HRData, RecordType};
use hickory_proto::serialize::txt::Parser;

use super::load::normalize_zone_id;
use super::name;
use super::{Alias, Caa, Mx, Name, RData, RType, RecordSet, RrKey, Srv, Zone};

/// The comment tag that carries an alias through a master file.
pub const ALIAS_TAG: &str = "dns-alias:";

/// Placeholder name server written when none is given (`.invalid` never resolves, RFC 6761).
pub const PLACEHOLDER_NS: &str = "route53-name-servers.invalid.";

/// Renders one logical TXT value as quoted strings of at most 255 octets each
/// (RFC 1035 §3.3.14, §5.1): `"..." "..."`, with `"` and `\` escaped and control octets
/// written as `\DDD`. Non-ASCII text stays UTF-8, which BIND reads as the same octets (and which
/// hickory-proto 0.26's parser, unlike its `\DDD` decoding, reads correctly).
pub fn txt_strings(value: &str) -> String {
    if value.is_empty() {
        return "\"\"".to_string();
    }
    let mut out = String::with_capacity(value.len() + 8);
    let mut rest = value;
    while !rest.is_empty() {
        // At most 255 octets, cut at a character boundary.
        let mut cut = rest.len().min(255);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (chunk, tail) = rest.split_at(cut);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('"');
        escape_into(&mut out, chunk);
        out.push('"');
        rest = tail;
    }
    out
}

fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '"' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '\u{0}'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\{:03}", ch as u32);
            }
            _ => out.push(ch),
        }
    }
}

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    escape_into(&mut out, text);
    out.push('"');
    out
}

/// Writes `zone` as a master file. `name_servers` replace the placeholder apex NS records.
pub fn export(zone: &Zone, name_servers: &[Name], source: Option<&Path>) -> String {
    let origin = zone.origin.to_ascii();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "; zone {origin}, written by dns {}",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(source) = source {
        let _ = writeln!(out, "; from {}", source.display());
    }
    let _ = writeln!(
        out,
        "; The apex SOA and NS records belong to Route 53; the ones below stand in for them."
    );
    let _ = writeln!(
        out,
        "; Route 53 ALIAS records have no master-file form and are kept as '{ALIAS_TAG}' comments."
    );
    let _ = writeln!(out, "$ORIGIN {origin}");
    let _ = writeln!(out, "$TTL {}", zone.settings.default_ttl);
    let placeholder = [Name::from_ascii(PLACEHOLDER_NS).unwrap_or_else(|_| Name::root())];
    let ns: &[Name] = if name_servers.is_empty() {
        &placeholder
    } else {
        name_servers
    };
    let _ = writeln!(
        out,
        "{origin} 900 IN SOA {} hostmaster.{origin} 1 7200 900 1209600 86400",
        ns[0].to_ascii()
    );
    for server in ns {
        let _ = writeln!(out, "{origin} 172800 IN NS {}", server.to_ascii());
    }
    for (key, set) in &zone.rrsets {
        let owner = key.name.to_ascii();
        if let RData::Alias(alias) = &set.data {
            let _ = writeln!(
                out,
                "; {ALIAS_TAG} {owner} {} {} {} {}",
                key.rtype,
                alias.target.to_ascii(),
                alias.hosted_zone_id.as_deref().unwrap_or("-"),
                alias.evaluate_target_health
            );
            continue;
        }
        let ttl = set.ttl.unwrap_or(zone.settings.default_ttl);
        for value in rdata_texts(&set.data) {
            let _ = writeln!(out, "{owner} {ttl} IN {} {value}", key.rtype);
        }
    }
    out
}

/// The presentation form of each value of an RRset (empty for an alias).
pub fn rdata_texts(data: &RData) -> Vec<String> {
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
            .map(|c| format!("{} {} {}", c.flags, c.tag, quoted(&c.value)))
            .collect(),
        RData::Txt(v) => v.iter().map(|t| txt_strings(t)).collect(),
        RData::Alias(_) => Vec::new(),
    }
}

/// Why a master file could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: not a valid master file: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: no zone name: the file has no $ORIGIN line")]
    NoOrigin { file: String },
    #[error("{file}: {problems}")]
    Unsupported { file: String, problems: String },
}

/// What an import leaves out, for the user to know.
#[derive(Debug, Default)]
pub struct ImportNotes {
    pub dropped: Vec<String>,
}

/// Reads a master file into a zone. `origin` defaults to the file's `$ORIGIN`.
pub fn import(
    text: &str,
    file: &Path,
    origin: Option<Name>,
) -> Result<(Zone, ImportNotes), ImportError> {
    let file_text = file.display().to_string();
    if let Some(line) = decimal_escape_line(text) {
        return Err(ImportError::Parse {
            file: file_text,
            message: format!(
                "line {line} uses a \\DDD escape, which the zone-file parser (hickory-proto 0.26) decodes wrongly; \
                 write the characters themselves instead"
            ),
        });
    }
    let origin = match origin.or_else(|| origin_directive(text)) {
        Some(o) => o,
        None => return Err(ImportError::NoOrigin { file: file_text }),
    };
    let (origin, sets) = Parser::new(text, Some(file.to_path_buf()), Some(origin))
        .parse()
        .map_err(|e| ImportError::Parse {
            file: file_text.clone(),
            message: e.to_string(),
        })?;
    let mut zone = Zone::new(origin.clone());
    if let Some(ttl) = ttl_directive(text) {
        zone.settings.default_ttl = ttl;
    }
    let mut notes = ImportNotes::default();
    let mut problems = Vec::new();
    for (_, rrset) in sets {
        let owner = lower(rrset.name());
        let rtype = rrset.record_type();
        if owner == origin && matches!(rtype, RecordType::SOA | RecordType::NS) {
            notes.dropped.push(format!(
                "{} {rtype} (Route 53 owns the apex SOA and NS)",
                owner.to_ascii()
            ));
            continue;
        }
        let records: Vec<&HRData> = rrset.records_without_rrsigs().map(|r| &r.data).collect();
        let converted = match convert(rtype, &records) {
            Some(c) => c,
            None => {
                problems.push(format!(
                    "{} {rtype}: dns does not support this record type",
                    owner.to_ascii()
                ));
                continue;
            }
        };
        zone.rrsets.insert(
            RrKey::new(owner, converted.0),
            RecordSet {
                ttl: Some(rrset.ttl()),
                data: converted.1,
            },
        );
    }
    for line in text.lines() {
        if let Some(alias) = line
            .trim_start()
            .strip_prefix(';')
            .map(str::trim_start)
            .and_then(|l| l.strip_prefix(ALIAS_TAG))
        {
            match parse_alias_comment(alias, &origin) {
                Some((key, alias)) => {
                    zone.rrsets.insert(
                        key,
                        RecordSet {
                            ttl: None,
                            data: RData::Alias(alias),
                        },
                    );
                }
                None => problems.push(format!("malformed alias comment: {}", line.trim())),
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Unsupported {
            file: file_text,
            problems: problems.join("; "),
        });
    }
    Ok((zone, notes))
}

/// The first line holding a `\DDD` escape outside a comment, if any.
fn decimal_escape_line(text: &str) -> Option<usize> {
    let has_escape = |line: &str| {
        let mut chars = line.chars();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(d) if d.is_ascii_digit() => return true,
                    _ => {}
                },
                '"' => quoted = !quoted,
                ';' if !quoted => return false,
                _ => {}
            }
        }
        false
    };
    text.lines().position(has_escape).map(|i| i + 1)
}

fn lower(name: &Name) -> Name {
    name.to_lowercase()
}

/// Records of one type, as hickory parsed or received them, in the zone model (None for types
/// dns does not model).
pub fn convert(rtype: RecordType, records: &[&HRData]) -> Option<(RType, RData)> {
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
                    HRData::TXT(t) => {
                        Some(String::from_utf8_lossy(&t.txt_data.concat()).into_owned())
                    }
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
    let rtype = RType::parse(&rtype.to_string())?;
    Some((rtype, data))
}

fn parse_alias_comment(text: &str, origin: &Name) -> Option<(RrKey, Alias)> {
    let mut words = text.split_whitespace();
    let owner = name::parse_owner(words.next()?, origin).ok()?;
    let rtype = match words.next()? {
        "A" => RType::A,
        "AAAA" => RType::AAAA,
        _ => return None,
    };
    let target = name::parse_target(words.next()?, false).ok()?;
    let hosted_zone_id = match words.next()? {
        "-" => None,
        id => Some(normalize_zone_id(id)?),
    };
    let evaluate_target_health = words.next()?.parse().ok()?;
    Some((
        RrKey::new(owner, rtype),
        Alias {
            target,
            hosted_zone_id,
            evaluate_target_health,
        },
    ))
}

fn origin_directive(text: &str) -> Option<Name> {
    directive(text, "$ORIGIN").and_then(|o| name::parse_zone(o).ok())
}

fn ttl_directive(text: &str) -> Option<u32> {
    directive(text, "$TTL").and_then(|t| t.parse().ok())
}

fn directive<'t>(text: &'t str, which: &str) -> Option<&'t str> {
    text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next()? == which).then(|| words.next()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_escapes_are_found_outside_comments_only() {
        assert_eq!(
            decimal_escape_line("a TXT \"\\\\000\"\nb TXT \"x\\065\""),
            Some(2)
        );
        assert_eq!(decimal_escape_line("a TXT \"x; y\" ; \\065"), None);
        assert_eq!(decimal_escape_line("a TXT \"x; \\065\""), Some(1));
    }

    #[test]
    fn txt_is_split_at_255_octets_and_escaped() {
        let long = "a".repeat(300);
        let s = txt_strings(&long);
        assert_eq!(s, format!("\"{}\" \"{}\"", "a".repeat(255), "a".repeat(45)));
        assert_eq!(txt_strings("say \"hi\"\\"), r#""say \"hi\"\\""#);
        assert_eq!(txt_strings("é"), r#""é""#);
        assert_eq!(txt_strings("a\tb"), r#""a\009b""#);
        assert_eq!(txt_strings(""), r#""""#);
    }
}
