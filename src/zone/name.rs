//! Domain names as zone files write them (RFC 1034 §3.1, RFC 1035 §2.3.4).
//!
//! A name is a sequence of labels of at most 63 octets each and at most 255 octets in all on the
//! wire (one length octet per label plus the root). Zone files write owner names *relative* to
//! the zone (`www`, `''` or `'@'` for the apex, `'*'` for a wildcard, RFC 4592) and targets
//! *absolute*, with a trailing dot (`www.example.com.`), as octoDNS does: a target without the dot
//! is ambiguous and refused. Internationalised names (IDNA 2008 / UTS #46) are converted to their
//! ASCII (punycode, `xn--`) form; [`display`] shows both.
//!
//! The character rule is that of host names plus `_` (RFC 2782 service labels, DKIM selectors):
//! letters, digits, `-` and `_`; `*` only as the whole leftmost label of an owner name.

use super::diag::Rule;
use hickory_proto::rr::Name;

/// What is wrong with a name; the loader turns each into a rule code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("empty label (two dots in a row, or a leading dot)")]
    EmptyLabel,
    #[error("label '{label}' is {len} octets long; a label may have at most 63")]
    LabelTooLong { label: String, len: usize },
    #[error("name is {len} octets long on the wire; a name may have at most 255")]
    TooLong { len: usize },
    #[error("character {ch:?} is not allowed in a name (label '{label}')")]
    BadChar { label: String, ch: char },
    #[error("'*' may only stand alone as the leftmost label")]
    Wildcard,
    #[error(
        "a wildcard names records inside a zone, not a domain to check: check {parent} (its \
         records, the wildcard's among them, are verified with --zone-file)"
    )]
    WildcardDomain { parent: String },
    #[error("not a valid internationalised name: {0}")]
    Idn(String),
    #[error("'.' (the root) is not a host name")]
    Root,
    #[error("'{0}' is not fully qualified")]
    NotFqdn(String),
    #[error("'{name}' is outside the zone {zone}")]
    OutsideZone { name: String, zone: String },
}

impl NameError {
    /// The stable rule code of this error.
    pub fn rule(&self) -> Rule {
        match self {
            NameError::EmptyLabel | NameError::BadChar { .. } => Rule::NameInvalid,
            NameError::LabelTooLong { .. } => Rule::NameLabelTooLong,
            NameError::TooLong { .. } => Rule::NameTooLong,
            NameError::Wildcard | NameError::WildcardDomain { .. } => Rule::NameWildcard,
            NameError::Idn(_) => Rule::NameIdn,
            NameError::NotFqdn(_) => Rule::TargetNotFqdn,
            NameError::Root => Rule::TargetInvalid,
            NameError::OutsideZone { .. } => Rule::NameOutsideZone,
        }
    }
}

/// Converts to ASCII (punycode for non-ASCII input) and lowercases.
fn to_ascii(text: &str) -> Result<String, NameError> {
    if text.is_ascii() {
        return Ok(text.to_ascii_lowercase());
    }
    idna::domain_to_ascii(text).map_err(|e| NameError::Idn(e.to_string()))
}

/// Checks the labels of a relative or absolute ASCII name (without the trailing dot); gives its
/// length on the wire (with the root).
fn check_labels(ascii: &str, allow_wildcard: bool) -> Result<usize, NameError> {
    if ascii.is_empty() {
        return Ok(1);
    }
    let mut wire = 1;
    for (i, label) in ascii.split('.').enumerate() {
        if label.is_empty() {
            return Err(NameError::EmptyLabel);
        }
        if label.len() > 63 {
            return Err(NameError::LabelTooLong {
                label: label.to_string(),
                len: label.len(),
            });
        }
        wire += label.len() + 1;
        if label == "*" {
            if !allow_wildcard || i != 0 {
                return Err(NameError::Wildcard);
            }
            continue;
        }
        if let Some(ch) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            if ch == '*' {
                return Err(NameError::Wildcard);
            }
            return Err(NameError::BadChar {
                label: label.to_string(),
                ch,
            });
        }
        // An A-label (RFC 5890 §2.3.2.1) must decode: `xn--` alone, or broken punycode, names
        // nothing (and hickory's zone parser refuses it on import).
        if label.len() >= 4
            && label[..4].eq_ignore_ascii_case("xn--")
            && idna::domain_to_ascii(label).is_err()
        {
            return Err(NameError::Idn(format!(
                "'{label}' starts with xn-- but is not a valid punycode label"
            )));
        }
    }
    if wire > 255 {
        return Err(NameError::TooLong { len: wire });
    }
    Ok(wire)
}

fn to_name(ascii_fqdn: &str) -> Result<Name, NameError> {
    let mut name = Name::from_ascii(ascii_fqdn).map_err(|e| NameError::Idn(e.to_string()))?;
    name.set_fqdn(true);
    Ok(name)
}

/// Parses an owner name as written in a zone file key, relative to `origin`.
///
/// `''` and `'@'` are the apex; a key ending in a dot is absolute and must lie in the zone.
pub fn parse_owner(key: &str, origin: &Name) -> Result<Name, NameError> {
    if key.is_empty() || key == "@" {
        return Ok(origin.clone());
    }
    let ascii = to_ascii(key)?;
    if let Some(absolute) = ascii.strip_suffix('.') {
        check_labels(absolute, true)?;
        let name = to_name(&ascii)?;
        if !origin.zone_of(&name) {
            return Err(NameError::OutsideZone {
                name: ascii,
                zone: origin.to_ascii(),
            });
        }
        return Ok(name);
    }
    // Relative: its labels, then the origin's (already valid), within 255 octets in all.
    let wire = check_labels(&ascii, true)? - 1 + wire_len(origin);
    if wire > 255 {
        return Err(NameError::TooLong { len: wire });
    }
    Name::from_ascii(&ascii)
        .and_then(|relative| relative.append_domain(origin))
        .map_err(|e| NameError::Idn(e.to_string()))
}

/// Octets on the wire: a length octet per label, the labels, and the root.
fn wire_len(name: &Name) -> usize {
    1 + name.iter().map(|label| label.len() + 1).sum::<usize>()
}

/// Parses a target name (CNAME, MX exchange, NS, SRV target, alias target): absolute, with the
/// trailing dot. `allow_root` admits `.` (the null MX of RFC 7505, the "no service" SRV target).
pub fn parse_target(value: &str, allow_root: bool) -> Result<Name, NameError> {
    if value == "." && allow_root {
        return Ok(Name::root());
    }
    let ascii = to_ascii(value)?;
    let Some(relative) = ascii.strip_suffix('.') else {
        return Err(NameError::NotFqdn(value.to_string()));
    };
    if relative.is_empty() {
        return Err(NameError::Root);
    }
    check_labels(relative, false)?;
    to_name(&ascii)
}

/// Parses a zone (origin) name, with or without the trailing dot.
pub fn parse_zone(text: &str) -> Result<Name, NameError> {
    let ascii = to_ascii(text.trim_end_matches('.'))?;
    if ascii.is_empty() {
        return Err(NameError::EmptyLabel);
    }
    // `*.example.com`: a wildcard is a record of example.com, never a zone of its own.
    if let Some(parent) = ascii.strip_prefix("*.")
        && check_labels(parent, false).is_ok()
    {
        return Err(NameError::WildcardDomain {
            parent: format!("{parent}."),
        });
    }
    check_labels(&ascii, false)?;
    to_name(&format!("{ascii}."))
}

/// A name for people: the ASCII form, followed by the Unicode form when they differ.
pub fn display(name: &Name) -> String {
    let ascii = name.to_ascii();
    let utf8 = name.to_utf8();
    if utf8 != ascii {
        format!("{ascii} ({utf8})")
    } else {
        ascii
    }
}

/// An owner name relative to `origin`, as zone files write it (`''` for the apex).
pub fn relative(name: &Name, origin: &Name) -> String {
    if name == origin {
        return String::new();
    }
    let full = name.to_ascii();
    let suffix = origin.to_ascii();
    match full.strip_suffix(&suffix) {
        Some(head) if origin.zone_of(name) && !origin.is_root() => {
            head.trim_end_matches('.').to_string()
        }
        _ => full,
    }
}

/// One octet of a label as a message may show it: printable ASCII as itself, anything else as
/// a decimal escape (`\DDD`, RFC 1035 §5.1), so that text from the network never reaches a
/// terminal raw.
fn octet_text(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("\\{b:03}")
    }
}

/// What makes `label` no host-name label (RFC 952, RFC 1123 §2.1): letters, digits and
/// hyphens, no hyphen at either end; `--` in the third and fourth places only as `xn--`
/// (RFC 5891 §4.2.3.1 reserves the rest).
fn host_label_fault(label: &[u8]) -> Option<String> {
    if let Some(&b) = label
        .iter()
        .find(|b| !(b.is_ascii_alphanumeric() || **b == b'-'))
    {
        return Some(format!("a label holds {}", octet_text(b)));
    }
    if label.first() == Some(&b'-') || label.last() == Some(&b'-') {
        return Some("a label begins or ends with a hyphen".into());
    }
    if label.len() >= 4 && &label[2..4] == b"--" && !label[..2].eq_ignore_ascii_case(b"xn") {
        return Some("a label has '--' in its third and fourth places, which only xn-- may".into());
    }
    None
}

/// Why `name` (as a server sent it) is not a valid host name, if it is not: each label a
/// host-name label, the top-level label not all digits (RFC 1123 §2.1), not the root.
pub fn host_name_fault(name: &Name) -> Option<String> {
    if name.is_root() {
        return Some("it is the root ('.')".into());
    }
    if let Some(why) = name.iter().find_map(host_label_fault) {
        return Some(why);
    }
    let top = name.iter().next_back().unwrap_or_default();
    top.iter()
        .all(u8::is_ascii_digit)
        .then(|| "its top-level label is all digits".into())
}

/// Why an SOA RNAME (RFC 1035 §3.3.13: a mailbox, its first label the local part) is not a
/// usable mailbox, if it is not: an `@` written into it, a local part outside RFC 5322's
/// dot-atom, a mail domain that is no host name.
pub fn mailbox_fault(rname: &Name) -> Option<String> {
    let mut labels = rname.iter();
    let Some(local) = labels.next() else {
        return Some("it is the root ('.'), no mailbox".into());
    };
    if rname.iter().any(|l| l.contains(&b'@')) {
        return Some("it holds an '@' (the '@' of the address is written as the first dot)".into());
    }
    const SPECIAL: &[u8] = b"!#$%&'*+-/=?^_`{|}~.";
    if let Some(&b) = local
        .iter()
        .find(|b| !(b.is_ascii_alphanumeric() || SPECIAL.contains(b)))
    {
        return Some(format!("its local part holds {}", octet_text(b)));
    }
    if local.first() == Some(&b'.')
        || local.last() == Some(&b'.')
        || local.windows(2).any(|w| w == b"..")
    {
        return Some("its local part has a dot at an end or two in a row".into());
    }
    if rname.num_labels() < 2 {
        return Some("it has no mail domain (one label only)".into());
    }
    let domain = rname.base_name();
    host_name_fault(&domain).map(|why| format!("its mail domain {}: {why}", domain.to_ascii()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_labels_must_decode() {
        // Found by tests/fuzz_loader.rs: accepted, exported, then refused on import.
        for bad in ["xn--", "xn--.", "www.xn--"] {
            let r = parse_owner(bad, &origin());
            assert!(matches!(r, Err(NameError::Idn(_))), "{bad}: {r:?}");
        }
        assert!(parse_target("xn--.example.net.", false).is_err());
        assert_eq!(
            parse_owner("xn--bcher-kva", &origin()).unwrap().to_ascii(),
            "xn--bcher-kva.example.com."
        );
    }

    fn origin() -> Name {
        parse_zone("example.com").unwrap()
    }

    #[test]
    fn owners() {
        assert_eq!(parse_owner("", &origin()).unwrap(), origin());
        assert_eq!(parse_owner("@", &origin()).unwrap(), origin());
        assert_eq!(
            parse_owner("WWW", &origin()).unwrap().to_ascii(),
            "www.example.com."
        );
        assert_eq!(
            parse_owner("*.dev", &origin()).unwrap().to_ascii(),
            "*.dev.example.com."
        );
        assert_eq!(
            parse_owner("a.example.com.", &origin()).unwrap().to_ascii(),
            "a.example.com."
        );
        assert!(matches!(
            parse_owner("a.example.org.", &origin()),
            Err(NameError::OutsideZone { .. })
        ));
        assert_eq!(parse_owner("a.*", &origin()), Err(NameError::Wildcard));
        assert_eq!(parse_owner("a*", &origin()), Err(NameError::Wildcard));
        assert!(matches!(
            parse_owner("a b", &origin()),
            Err(NameError::BadChar { ch: ' ', .. })
        ));
        assert_eq!(parse_owner("a..b", &origin()), Err(NameError::EmptyLabel));
        assert!(matches!(
            parse_owner(&"x".repeat(64), &origin()),
            Err(NameError::LabelTooLong { len: 64, .. })
        ));
        let long = vec!["x".repeat(60); 4].join(".");
        assert!(matches!(
            parse_owner(&long, &origin()),
            Err(NameError::TooLong { .. })
        ));
    }

    #[test]
    fn idn_owner_becomes_punycode_and_displays_both() {
        let n = parse_owner("bücher", &origin()).unwrap();
        assert_eq!(n.to_ascii(), "xn--bcher-kva.example.com.");
        assert_eq!(
            display(&n),
            "xn--bcher-kva.example.com. (bücher.example.com.)"
        );
    }

    #[test]
    fn targets_need_the_trailing_dot() {
        assert!(parse_target("elb.example.net.", false).is_ok());
        assert_eq!(
            parse_target("elb.example.net", false),
            Err(NameError::NotFqdn("elb.example.net".into()))
        );
        assert!(parse_target(".", true).unwrap().is_root());
        assert!(parse_target(".", false).is_err());
        assert_eq!(
            parse_target("*.example.net.", false),
            Err(NameError::Wildcard)
        );
    }

    #[test]
    fn relative_names() {
        let o = origin();
        assert_eq!(relative(&o, &o), "");
        assert_eq!(relative(&parse_owner("a.b", &o).unwrap(), &o), "a.b");
        assert_eq!(
            relative(&parse_target("x.org.", false).unwrap(), &o),
            "x.org."
        );
    }

    #[test]
    fn host_names_and_mailboxes_as_servers_serve_them() {
        // Raw labels, as a message may carry them ('.' inside a label included).
        let n = |s: &str| {
            let labels: Vec<&[u8]> = s
                .split('/')
                .filter(|l| !l.is_empty())
                .map(str::as_bytes)
                .collect();
            Name::from_labels(labels).unwrap()
        };
        for good in ["ns1/example/com", "xn--bcher-kva/example", "a-b/c0/example"] {
            assert_eq!(host_name_fault(&n(good)), None, "{good}");
        }
        for (bad, why) in [
            ("_dmarc/example/com", "a label holds '_'"),
            ("-ns/example/com", "begins or ends with a hyphen"),
            ("ns-/example/com", "begins or ends with a hyphen"),
            ("ab--cd/example/com", "third and fourth places"),
            ("host/123", "all digits"),
            ("", "the root"),
            ("a\x1bb/example", "a label holds \\027"),
        ] {
            let got = host_name_fault(&n(bad)).unwrap_or_default();
            assert!(got.contains(why), "{bad}: {got}");
        }

        assert_eq!(mailbox_fault(&n("hostmaster/example/com")), None);
        assert_eq!(mailbox_fault(&n("john.doe/example/com")), None);
        for (bad, why) in [
            ("hostmaster@example/com", "'@'"),
            ("hostmaster", "no mail domain"),
            ("host(master/example/com", "local part holds '('"),
            ("host..master/example/com", "two in a row"),
            (".hostmaster/example/com", "dot at an end"),
            ("hostmaster/exa_mple/com", "mail domain exa_mple.com."),
        ] {
            let got = mailbox_fault(&n(bad)).unwrap_or_default();
            assert!(got.contains(why), "{bad}: {got}");
        }
    }
}
