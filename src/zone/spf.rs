//! SPF policies (RFC 7208): a TXT record that starts with `v=spf1` is a domain's statement of
//! which hosts may send its mail. Receivers that find more than one, or one that does not parse,
//! treat the domain's policy as a permanent error (RFC 7208 §4.5, §4.6): mail may be rejected
//! or marked. Read here by the grammar of RFC 7208 §12, for `dns validate` (the zone file's
//! TXT records) and `dns check` (what the servers serve).

/// Whether a TXT record's text (its strings joined, RFC 7208 §3.3) is an SPF policy: `v=spf1`
/// alone or followed by a space, in any case.
pub fn is_spf(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 6 && b[..6].eq_ignore_ascii_case(b"v=spf1") && (b.len() == 6 || b[6] == b' ')
}

/// The most terms that cause DNS lookups one evaluation may need (RFC 7208 §4.6.4); a policy
/// whose own terms exceed it fails wherever it is evaluated.
pub const MAX_LOOKUPS: usize = 10;

/// Why an SPF policy does not parse, if it does not: the first term at fault, and what is
/// wrong with it; or its own terms that cause DNS lookups above [`MAX_LOOKUPS`].
pub fn policy_fault(text: &str) -> Option<String> {
    if !is_spf(text) {
        return Some("it does not begin with `v=spf1`".into());
    }
    let mut lookups = 0;
    let (mut redirect, mut exp) = (0, 0);
    for term in text[6..].split(' ').filter(|t| !t.is_empty()) {
        let shown = shown(term);
        match term_kind(term) {
            Err(why) => return Some(format!("the term `{shown}` {why}")),
            Ok(Kind::Lookup) => lookups += 1,
            Ok(Kind::Redirect) => {
                lookups += 1;
                redirect += 1;
            }
            Ok(Kind::Exp) => exp += 1,
            Ok(Kind::Plain) => {}
        }
    }
    if redirect > 1 || exp > 1 {
        return Some("`redirect=` or `exp=` appears more than once (RFC 7208 §6)".into());
    }
    (lookups > MAX_LOOKUPS).then(|| {
        format!(
            "it has {lookups} terms that cause DNS lookups (include, a, mx, ptr, exists, redirect), more than the {MAX_LOOKUPS} an evaluation may make (RFC 7208 §4.6.4)"
        )
    })
}

/// A term as a message shows it: printable ASCII, anything else as `\DDD`.
fn shown(term: &str) -> String {
    term.bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                (b as char).to_string()
            } else {
                format!("\\{b:03}")
            }
        })
        .collect()
}

enum Kind {
    /// A mechanism that makes a DNS lookup (include, a, mx, ptr, exists).
    Lookup,
    Redirect,
    Exp,
    /// all, ip4, ip6, an unknown modifier.
    Plain,
}

/// What one term is (RFC 7208 §12), or why it is none.
fn term_kind(term: &str) -> Result<Kind, String> {
    // A modifier: name "=" macro-string; its name starts with a letter.
    if let Some((name, value)) = term.split_once('=')
        && !name.contains(':')
        && !name.contains('/')
    {
        if !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err("is not a mechanism, and not a modifier (`name=value`)".into());
        }
        return match name.to_ascii_lowercase().as_str() {
            "redirect" => domain_spec(value).map(|_| Kind::Redirect),
            "exp" => domain_spec(value).map(|_| Kind::Exp),
            _ => macro_string(value).map(|_| Kind::Plain),
        };
    }
    let body = term.strip_prefix(['+', '-', '~', '?']).unwrap_or(term);
    let end = body.find([':', '/']).unwrap_or(body.len());
    let (name, rest) = body.split_at(end);
    let arg = rest.strip_prefix(':');
    match name.to_ascii_lowercase().as_str() {
        "all" if rest.is_empty() => Ok(Kind::Plain),
        "include" | "exists" => match arg {
            Some(spec) => domain_spec(spec).map(|_| Kind::Lookup),
            None => Err(format!("needs a domain (`{name}:example.com`)")),
        },
        "a" | "mx" => {
            let (spec, cidr) = match arg {
                Some(a) => match a.find('/') {
                    Some(i) => (Some(&a[..i]), &a[i..]),
                    None => (Some(a), ""),
                },
                None => (None, rest),
            };
            if let Some(spec) = spec {
                domain_spec(spec)?;
            }
            dual_cidr(cidr).map(|_| Kind::Lookup)
        }
        "ptr" if arg.is_some() || rest.is_empty() => match arg {
            Some(spec) => domain_spec(spec).map(|_| Kind::Lookup),
            None => Ok(Kind::Lookup),
        },
        "ip4" => network::<std::net::Ipv4Addr>(arg, 32).map(|_| Kind::Plain),
        "ip6" => network::<std::net::Ipv6Addr>(arg, 128).map(|_| Kind::Plain),
        "all" | "ptr" => Err("takes no argument here".into()),
        _ => Err("is no mechanism (all, include, a, mx, ptr, ip4, ip6, exists) or modifier".into()),
    }
}

/// `ip4:ADDRESS[/LEN]` or `ip6:ADDRESS[/LEN]`.
fn network<A: std::str::FromStr>(arg: Option<&str>, max: u8) -> Result<(), String> {
    let Some(arg) = arg else {
        return Err("needs an address".into());
    };
    let (addr, len) = match arg.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (arg, None),
    };
    if addr.parse::<A>().is_err() {
        return Err(format!("has no address ({addr})"));
    }
    match len {
        Some(l) => cidr(l, max),
        None => Ok(()),
    }
}

/// A prefix length: digits without a leading zero, at most `max`.
fn cidr(len: &str, max: u8) -> Result<(), String> {
    let ok = !len.is_empty()
        && len.bytes().all(|b| b.is_ascii_digit())
        && (len == "0" || !len.starts_with('0'))
        && len.parse::<u8>().is_ok_and(|n| n <= max);
    ok.then_some(())
        .ok_or_else(|| format!("has a prefix length ({len}) that is not 0 to {max}"))
}

/// `[/ip4-len][//ip6-len]` after `a` or `mx`.
fn dual_cidr(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    let Some(rest) = text.strip_prefix('/') else {
        return Err("has text after its name".into());
    };
    if let Some(v6) = rest.strip_prefix('/') {
        return cidr(v6, 128);
    }
    match rest.split_once("//") {
        Some((v4, v6)) => cidr(v4, 32).and_then(|_| cidr(v6, 128)),
        None => cidr(rest, 32),
    }
}

/// A macro-string (RFC 7208 §7.1): visible characters, `%` only in `%{…}`, `%%`, `%_`, `%-`.
fn macro_string(text: &str) -> Result<(), String> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => match b.get(i + 1) {
                Some(b'%' | b'_' | b'-') => i += 2,
                Some(b'{') => {
                    let Some(close) = text[i..].find('}') else {
                        return Err("has a macro `%{` that is never closed".into());
                    };
                    let inner = &text[i + 2..i + close];
                    let mut chars = inner.chars();
                    if !chars
                        .next()
                        .is_some_and(|c| "slodiphcrtvSLODIPHCRTV".contains(c))
                        || !chars.all(|c| c.is_ascii_digit() || "rR.-+,/_=".contains(c))
                    {
                        return Err(format!(
                            "has a macro `%{{{inner}}}` RFC 7208 §7 does not define"
                        ));
                    }
                    i += close + 1;
                }
                _ => {
                    return Err(
                        "has a `%` that begins no macro (write `%%` for a percent sign)".into(),
                    );
                }
            },
            0x21..=0x7e => i += 1,
            _ => return Err("holds a character that is not visible ASCII".into()),
        }
    }
    Ok(())
}

/// A domain-spec (RFC 7208 §7.1): a macro-string that ends in a top-level label (not all
/// digits) or in a macro.
fn domain_spec(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("has an empty domain".into());
    }
    macro_string(text)?;
    if text.ends_with('}') || text.ends_with("%%") || text.ends_with("%_") || text.ends_with("%-") {
        return Ok(());
    }
    let trimmed = text.strip_suffix('.').unwrap_or(text);
    let top = trimmed.rsplit('.').next().unwrap_or_default();
    let toplabel = !top.is_empty()
        && top.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !top.starts_with('-')
        && !top.ends_with('-')
        && top.chars().any(|c| c.is_ascii_alphabetic());
    if !trimmed.contains('.') || !toplabel {
        return Err(format!(
            "has a domain ({text}) that does not end in a top-level label"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_read_by_rfc_7208_s_grammar() {
        for good in [
            "v=spf1 -all",
            "v=spf1",
            "V=SPF1 MX -ALL",
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.google.com ~all",
            "v=spf1 a:mail.example.com/24//64 mx/30 a//64 ?all",
            "v=spf1 exists:%{i}._spf.%{d} redirect=_spf.example.com",
            "v=spf1 include:spf.protection.outlook.com -all exp=explain._spf.%{d}",
            "v=spf1 ptr -all",
            "v=spf1 foo=bar -all",
            "v=spf1  mx   -all ",
        ] {
            assert_eq!(policy_fault(good), None, "{good}");
        }
        for (bad, why) in [
            ("v=spf1 ip4:192.0.2.300 -all", "has no address"),
            ("v=spf1 ip4:192.0.2.0/33 -all", "not 0 to 32"),
            ("v=spf1 include -all", "needs a domain"),
            ("v=spf1 include:example -all", "top-level label"),
            ("v=spf1 inclde:example.com -all", "is no mechanism"),
            ("v=spf1 all:x", "takes no argument"),
            (
                "v=spf1 -all redirect=a.example redirect=b.example",
                "more than once",
            ),
            ("v=spf1 exists:%{q}.example.com", "does not define"),
            ("v=spf1 a:100%.example.com", "begins no macro"),
            ("v=spf1 a b c", "is no mechanism"),
            ("v=spf1 a:x.example.123", "top-level label"),
        ] {
            let got = policy_fault(bad).unwrap_or_default();
            assert!(got.contains(why), "{bad}: {got}");
        }
        let eleven = format!("v=spf1 {} -all", ["mx"; 11].join(" "));
        assert!(
            policy_fault(&eleven)
                .unwrap_or_default()
                .contains("11 terms")
        );
        assert!(is_spf("v=spf1 -all") && is_spf("v=spf1") && !is_spf("v=spf10") && !is_spf("spf"));
        // Text from the network is shown escaped.
        let got = policy_fault("v=spf1 \u{1b}[2J").unwrap_or_default();
        assert!(got.contains("\\027[2J") && !got.contains('\u{1b}'), "{got}");
    }
}
