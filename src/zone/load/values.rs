//! Record values, type by type, as the zone file loader reads them (RFC 1035 §3.3, RFC 2782, RFC 8659, and Route 53 aliases).
//!
//! Each parser reports its problems at the value's own line and column and returns `None` for a
//! value it cannot accept, so that one bad value does not hide the others.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{Loader, MAX_VALUE_CHARS, normalize_zone_id};
use crate::zone::diag::Rule;
use crate::zone::elb::{self, ElbLookup};
use crate::zone::name::{self, NameError};
use crate::zone::tree::{Kind, Node};
use crate::zone::{Alias, Caa, MAX_TXT_STRING, Mx, Name, RData, RType, Srv, Txt, unescape_text};

impl Loader {
    pub(super) fn values(&mut self, owner: &Name, rtype: RType, items: &[&Node]) -> Option<RData> {
        let before = self.sink.items.len();
        let data = match rtype {
            RType::A => RData::A(self.collect(items, |l, n| {
                l.ip::<Ipv4Addr>(n, Rule::AInvalid, "an IPv4 address such as 192.0.2.1")
            })),
            RType::AAAA => RData::AAAA(self.collect(items, |l, n| {
                l.ip::<Ipv6Addr>(n, Rule::AaaaInvalid, "an IPv6 address such as 2001:db8::1")
            })),
            RType::CNAME => {
                if *owner == self.zone.origin {
                    self.sink
                        .error(
                            items[0].pos,
                            Rule::CnameApex,
                            "a CNAME is not allowed at the zone apex (RFC 1034 §3.6.2)",
                        )
                        .hint("use `type: ALIAS` to point the apex at a load balancer");
                }
                if items.len() > 1 {
                    self.sink
                        .error(
                            items[1].pos,
                            Rule::CnameMultiple,
                            "a CNAME record set holds exactly one value",
                        )
                        .hint(
                            "keep one target; for several addresses use A/AAAA records or an ALIAS",
                        );
                }
                let target = self.target(items[0], false)?;
                RData::Cname(Box::new(target))
            }
            RType::NS => RData::Ns(self.collect(items, |l, n| l.host(n, "name server"))),
            RType::MX => {
                let set = self.collect(items, Self::mx);
                self.null_mx(&set, items[0]);
                RData::Mx(set)
            }
            RType::SRV => {
                self.srv_name(owner, items[0]);
                RData::Srv(self.collect(items, Self::srv))
            }
            RType::CAA => RData::Caa(self.collect(items, Self::caa)),
            RType::TXT => {
                let mut first_spf = None;
                RData::Txt(self.collect(items, |l, n| {
                    let txt = l.txt(n)?;
                    l.spf(n, &txt, &mut first_spf);
                    Some(txt)
                }))
            }
        };
        let errors = self.sink.items[before..].iter().any(|d| d.is_error());
        (!errors).then_some(data)
    }

    /// A target that must be a host name (an NS or MX target): a warning when it is not one.
    fn host(&mut self, node: &Node, what: &str) -> Option<Name> {
        let target = self.target(node, false)?;
        if let Some(why) = crate::zone::name::host_name_fault(&target) {
            self.sink
                .warning(
                    node.pos,
                    Rule::TargetHostName,
                    format!("the {what} {} is not a host name: {why}", target.to_ascii()),
                )
                .hint("name a host: letters, digits and hyphens (RFC 1123 §2.1)");
        }
        Some(target)
    }

    /// An SPF policy (a TXT value that starts with `v=spf1`) must parse, and be the only one
    /// of its set (RFC 7208 §4.5, §4.6): receivers treat either fault as a permanent error.
    /// A warning, not an error: the records are what the domain serves, and `dns import` of a
    /// live zone with a broken policy must still write it down to be mended.
    fn spf(&mut self, node: &Node, txt: &Txt, first: &mut Option<crate::zone::diag::Pos>) {
        let text = String::from_utf8_lossy(&txt.0.concat()).into_owned();
        if !crate::zone::spf::is_spf(&text) {
            return;
        }
        if let Some(at) = first {
            self.sink
                .warning(
                    node.pos,
                    Rule::TxtSpf,
                    format!(
                        "a second SPF policy in this record set (the first at line {}): receivers treat two as a permanent error (RFC 7208 §4.5)",
                        at.line
                    ),
                )
                .hint("merge them into one `v=spf1` value");
        } else {
            *first = Some(node.pos);
        }
        if let Some(why) = crate::zone::spf::policy_fault(&text) {
            self.sink
                .warning(
                    node.pos,
                    Rule::TxtSpf,
                    format!("this SPF policy is invalid: {why}; receivers treat it as a permanent error (RFC 7208 §4.6)"),
                )
                .hint("mechanisms are all, include:, a, mx, ptr, ip4:, ip6:, exists:, each with an optional + - ~ ?; modifiers redirect= and exp=");
        }
    }

    /// A null MX (RFC 7505 §3) stands alone, with preference 0.
    fn null_mx(&mut self, set: &BTreeSet<Mx>, first: &Node) {
        let pairs = set.iter().map(|mx| (mx.preference, &mx.exchange));
        if let Some(why) = crate::zone::null_mx_fault(pairs) {
            self.sink
                .warning(
                    first.pos,
                    Rule::MxNull,
                    format!("a null MX (exchange `.`: the domain takes no mail, RFC 7505) {why}"),
                )
                .hint("keep either `{preference: 0, exchange: .}` alone, or the mail exchangers");
        }
    }

    /// Parses every value, reporting each duplicate; the set of good values.
    fn collect<T: Ord>(
        &mut self,
        items: &[&Node],
        mut parse: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> BTreeSet<T> {
        let mut set = BTreeSet::new();
        for item in items {
            if let Some(v) = parse(self, item)
                && !set.insert(v)
            {
                self.sink
                    .error(
                        item.pos,
                        Rule::ValuesDuplicate,
                        "this value appears twice in the record set",
                    )
                    .hint("remove the repeated value");
            }
        }
        set
    }

    fn text<'n>(&mut self, node: &'n Node, rule: Rule, what: &str) -> Option<&'n str> {
        let text = node.scalar();
        if text.is_none() {
            self.sink.error(
                node.pos,
                rule,
                format!("expected {what}, found {}", node.what()),
            );
        }
        text
    }

    fn ip<T: std::str::FromStr>(&mut self, node: &Node, rule: Rule, what: &str) -> Option<T> {
        let text = self.text(node, rule, what)?;
        let parsed = text.parse::<T>().ok();
        if parsed.is_none() {
            self.sink
                .error(node.pos, rule, format!("'{text}' is not {what}"))
                .hint("write the address without port, brackets or leading zeros");
        }
        parsed
    }

    fn target(&mut self, node: &Node, allow_root: bool) -> Option<Name> {
        let text = self.text(node, Rule::TargetInvalid, "a host name")?;
        match name::parse_target(text, allow_root) {
            Ok(name) => Some(name),
            Err(e @ NameError::NotFqdn(_)) => {
                self.sink
                    .error(
                        node.pos,
                        e.rule(),
                        format!("target '{text}' has no trailing dot"),
                    )
                    .hint(format!("targets are absolute: write '{text}.' (octoDNS 1.22 accepts it without the dot and Route 53 reads it as '{text}.'; dns does not guess whether a relative name was meant)"));
                None
            }
            Err(e) => {
                self.sink.error(
                    node.pos,
                    Rule::TargetInvalid,
                    format!("target '{text}': {e}"),
                );
                None
            }
        }
    }

    /// The named fields of a structured value (`None` where absent); unknown fields are errors.
    fn field<'n>(
        &mut self,
        node: &'n Node,
        names: &[&str],
        rule: Rule,
    ) -> Option<Vec<Option<&'n Node>>> {
        let Kind::Map(fields) = &node.kind else {
            self.sink.error(
                node.pos,
                rule,
                format!(
                    "expected a mapping with {}, found {}",
                    names.join(", "),
                    node.what()
                ),
            );
            return None;
        };
        let mut found = vec![None; names.len()];
        let mut ok = true;
        for (key, value) in fields {
            let k = key.scalar().unwrap_or_default();
            if let Some(i) = names.iter().position(|n| *n == k) {
                found[i] = Some(value);
            } else {
                ok = false;
                self.sink
                    .error(key.pos, rule, format!("unknown field `{k}`"))
                    .hint(format!("fields are: {}", names.join(", ")));
            }
        }
        ok.then_some(found)
    }

    fn number<T: TryFrom<u64>>(
        &mut self,
        parent: &Node,
        node: Option<&Node>,
        rule: Rule,
        field: &str,
        max: u64,
    ) -> Option<T> {
        let Some(node) = node else {
            self.sink
                .error(parent.pos, rule, format!("missing field `{field}`"));
            return None;
        };
        let parsed = node
            .whole_number()
            .filter(|n| *n <= max)
            .and_then(|n| T::try_from(n).ok());
        if parsed.is_none() {
            self.sink.error(
                node.pos,
                rule,
                format!(
                    "`{field}` must be a whole number from 0 to {max}, found '{}'{}",
                    node.scalar().unwrap_or(node.what()),
                    node.octal_note()
                ),
            );
        }
        parsed
    }

    fn mx(&mut self, node: &Node) -> Option<Mx> {
        // octoDNS writes exchange/preference; older files use value/priority.
        let f = self.field(
            node,
            &["exchange", "preference", "value", "priority"],
            Rule::MxField,
        )?;
        let (ex, pref) = (f[0].or(f[2]), f[1].or(f[3]));
        let preference = self.number::<u16>(node, pref, Rule::MxField, "preference", 65535);
        let exchange = match ex {
            Some(ex) if ex.scalar() == Some(".") => self.target(ex, true),
            Some(ex) => self.host(ex, "mail exchanger"),
            None => {
                self.sink
                    .error(node.pos, Rule::MxField, "missing field `exchange`")
                    .hint("e.g. `{preference: 10, exchange: mx1.example.com.}`");
                None
            }
        };
        Some(Mx {
            preference: preference?,
            exchange: exchange?,
        })
    }

    fn srv(&mut self, node: &Node) -> Option<Srv> {
        let f = self.field(
            node,
            &["priority", "weight", "port", "target"],
            Rule::SrvField,
        )?;
        let priority = self.number::<u16>(node, f[0], Rule::SrvField, "priority", 65535);
        let weight = self.number::<u16>(node, f[1], Rule::SrvField, "weight", 65535);
        let port = self.number::<u16>(node, f[2], Rule::SrvField, "port", 65535);
        let target = match f[3] {
            Some(t) => self.target(t, true),
            None => {
                self.sink
                    .error(node.pos, Rule::SrvField, "missing field `target`");
                None
            }
        };
        Some(Srv {
            priority: priority?,
            weight: weight?,
            port: port?,
            target: target?,
        })
    }

    fn srv_name(&mut self, owner: &Name, first: &Node) {
        let labels: Vec<_> = owner.iter().take(2).collect();
        let ok = labels.len() == 2 && labels.iter().all(|l| l.first() == Some(&b'_'));
        if !ok {
            self.sink
                .error(
                    first.pos,
                    Rule::SrvName,
                    format!(
                        "SRV record name '{}' is not _service._proto",
                        name::relative(owner, &self.zone.origin)
                    ),
                )
                .hint("name SRV records like `_sip._tcp` (RFC 2782)");
        }
    }

    /// A text field that octoDNS turns into text with Python's `str()`: a plain scalar its YAML
    /// 1.1 reader takes as a number or a boolean (`0123` → '83', `yes` → 'True') is refused,
    /// since dns reads the text as written (quoted, it is text to both).
    fn text_for_octodns(&mut self, node: &Node, rule: Rule) -> bool {
        let Some(reading) = node.yaml11_reading() else {
            return true;
        };
        let text = node.scalar().unwrap_or_default();
        self.sink
            .error(
                node.pos,
                rule,
                format!("`{text}` unquoted: octoDNS's YAML reader takes it as {reading}, dns as the text '{text}'"),
            )
            .hint(format!("quote it to mean the text: '{text}'"));
        false
    }

    fn caa(&mut self, node: &Node) -> Option<Caa> {
        let f = self.field(node, &["flags", "tag", "value"], Rule::CaaField)?;
        let flags = match f[0] {
            Some(n) => self.number::<u8>(node, Some(n), Rule::CaaField, "flags", 255),
            None => Some(0),
        };
        if [f[1], f[2]]
            .into_iter()
            .flatten()
            .any(|n| !self.text_for_octodns(n, Rule::CaaField))
        {
            return None;
        }
        let tag = match f[1].and_then(Node::scalar) {
            Some(t)
                if !t.is_empty()
                    && t.len() <= 15
                    && t.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                Some(t.to_ascii_lowercase())
            }
            _ => {
                self.sink
                    .error(
                        f[1].map_or(node.pos, |n| n.pos),
                        Rule::CaaField,
                        "`tag` must be 1 to 15 letters or digits, e.g. issue, issuewild or iodef",
                    )
                    .hint("RFC 8659 §4.1");
                None
            }
        };
        let value = match f[2] {
            Some(v) => self.text(v, Rule::CaaField, "text").map(str::to_string),
            None => {
                self.sink
                    .error(node.pos, Rule::CaaField, "missing field `value`")
                    .hint("e.g. `{flags: 0, tag: issue, value: letsencrypt.org}`");
                None
            }
        };
        Some(Caa {
            flags: flags?,
            tag: tag?,
            value: value?,
        })
    }

    /// A TXT record: a text (split at 255 octets), or `{strings: [...]}` for a record whose
    /// character-strings are split elsewhere. Text is written as in a master file, without the
    /// quotes: `\;` (as octoDNS requires), `\\`, `\"` and `\DDD` stand for the octet.
    fn txt(&mut self, node: &Node) -> Option<Txt> {
        let txt = if let Kind::Map(_) = &node.kind {
            let f = self.field(node, &["strings"], Rule::TxtInvalid)?;
            let Some(list) = f[0] else {
                self.sink
                    .error(node.pos, Rule::TxtInvalid, "missing field `strings`")
                    .hint("e.g. `{strings: ['v=DKIM1; k=rsa; ', 'p=MIGf...']}`");
                return None;
            };
            let items: Vec<&Node> = match &list.kind {
                Kind::Seq(items) => items.iter().collect(),
                _ => vec![list],
            };
            let mut strings = Vec::with_capacity(items.len());
            for item in items {
                let octets = self.txt_octets(item, true)?;
                if octets.len() > MAX_TXT_STRING {
                    self.sink
                        .error(item.pos, Rule::TxtStringTooLong, format!("this string is {} octets; a TXT string holds at most {MAX_TXT_STRING}", octets.len()))
                        .hint("split it into several strings, or write the record as one text and let dns split it");
                    return None;
                }
                strings.push(octets);
            }
            if strings.is_empty() {
                self.sink
                    .error(list.pos, Rule::TxtInvalid, "`strings` is empty")
                    .hint("a TXT record has at least one string (`''` for an empty one)");
                return None;
            }
            Txt(strings)
        } else {
            Txt::from_text(&self.txt_octets(node, false)?)
        };
        let rendered = txt.presentation().len();
        if rendered > MAX_VALUE_CHARS {
            self.sink
                .error(node.pos, Rule::TxtTooLong, format!("TXT value is {rendered} characters once quoted and split; Route 53 takes at most {MAX_VALUE_CHARS}"))
                .hint("shorten the value or spread it over several TXT records");
            return None;
        }
        Some(txt)
    }

    /// The octets of one TXT text. A plain value (octoDNS's form) knows one escape, `\;`: a
    /// backslash before anything else is refused, because octoDNS versions disagree on it (sent
    /// as written, or read by Route 53 as an escape). In `strings:`, master-file escapes are read
    /// (`\\`, `\"`, `\DDD`).
    fn txt_octets(&mut self, node: &Node, escapes: bool) -> Option<Vec<u8>> {
        let raw = self.text(node, Rule::TxtInvalid, "text")?;
        if !escapes
            && let Some(at) = raw
                .match_indices('\\')
                .find(|(i, _)| raw.as_bytes().get(i + 1) != Some(&b';'))
                .map(|(i, _)| i)
        {
            self.sink
                .error(node.pos, Rule::TxtEscape, format!("a backslash in a TXT value ({:?}): octoDNS knows only `\\;`, and its versions disagree on any other (sent as written, or read by Route 53 as an escape), so dns does not guess", &raw[at..raw.len().min(at + 4)]))
                .hint("for a literal backslash or an octet such as a tab, write the record as `{strings: ['...']}`, where `\\\\`, `\\\"` and `\\DDD` are read as in master files");
            return None;
        }
        if raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"') {
            self.sink
                .error(
                    node.pos,
                    Rule::TxtQuoted,
                    "TXT value is wrapped in double quotes, which would become part of the record",
                )
                .hint("remove the double quotes: dns quotes and splits TXT values itself (octoDNS 1.22 would keep them as part of the text); for separate strings write `{strings: [...]}`");
            return None;
        }
        match unescape_text(raw) {
            Some(octets) => Some(octets),
            None => {
                self.sink
                    .error(node.pos, Rule::TxtEscape, "a backslash ends the text, or a \\DDD escape is above 255")
                    .hint("write `\\\\` for a backslash, `\\;` for a semicolon, `\\DDD` (decimal, 000-255) for any octet");
                None
            }
        }
    }

    pub(super) fn alias(&mut self, items: &[&Node]) -> Option<(RType, Alias)> {
        if items.len() > 1 {
            self.sink
                .error(
                    items[1].pos,
                    Rule::AliasMultiple,
                    "an ALIAS record has exactly one target",
                )
                .hint("keep one target");
            return None;
        }
        let node = items[0];
        let (target_node, zone_id, health, rtype) = match &node.kind {
            Kind::Scalar { .. } => (Some(node), None, None, None),
            _ => {
                let f = self.field(
                    node,
                    &[
                        "target",
                        "hosted_zone_id",
                        "evaluate_target_health",
                        "record_type",
                    ],
                    Rule::AliasField,
                )?;
                (f[0], f[1], f[2], f[3])
            }
        };
        let Some(target_node) = target_node else {
            self.sink
                .error(node.pos, Rule::AliasField, "missing field `target`")
                .hint("e.g. `value: {target: dualstack.my-alb-123.us-east-1.elb.amazonaws.com.}`");
            return None;
        };
        let target = self.target(target_node, false)?;
        let rtype = self.alias_type(rtype, node)?;
        let evaluate_target_health = match health.map(|n| n.scalar().unwrap_or_default()) {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                self.sink.error(
                    health.map_or(node.pos, |n| n.pos),
                    Rule::AliasField,
                    "`evaluate_target_health` must be true or false",
                );
                return None;
            }
        };
        let hosted_zone_id = self.alias_zone_id(&target, target_node, zone_id)?;
        Some((
            rtype,
            Alias {
                target,
                hosted_zone_id,
                evaluate_target_health,
            },
        ))
    }

    /// An alias's `record_type`: A (the default) or AAAA.
    fn alias_type(&mut self, rtype: Option<&Node>, node: &Node) -> Option<RType> {
        match rtype.map(|n| n.scalar().unwrap_or_default().to_ascii_uppercase()) {
            None => Some(RType::A),
            Some(t) if t == "A" => Some(RType::A),
            Some(t) if t == "AAAA" => Some(RType::AAAA),
            Some(_) => {
                self.sink
                    .error(rtype.map_or(node.pos, |n| n.pos), Rule::AliasField, "`record_type` must be A or AAAA")
                    .hint("add a second ALIAS with `record_type: AAAA` for IPv6 (dualstack load balancers)");
                None
            }
        }
    }

    /// An alias's hosted zone: the load balancer's (a given one must match it), the given one,
    /// or none for a target in this zone; `None` (reported) when it cannot be known.
    fn alias_zone_id(
        &mut self,
        target: &Name,
        target_node: &Node,
        zone_id: Option<&Node>,
    ) -> Option<Option<String>> {
        let given = match zone_id {
            Some(n) => {
                match n.scalar().and_then(normalize_zone_id) {
                    Some(id) => Some(id),
                    None => {
                        self.sink.error(n.pos, Rule::AliasField, "`hosted_zone_id` must be a Route 53 hosted zone id such as Z35SXDOTRQ7X7K");
                        return None;
                    }
                }
            }
            None => None,
        };
        let target_text = target.to_ascii();
        match (elb::lookup(&target_text), given) {
            (
                ElbLookup::Known {
                    hosted_zone_id,
                    region,
                    kind,
                },
                Some(given),
            ) if given != hosted_zone_id => {
                self.sink
                    .error(zone_id.map_or(target_node.pos, |n| n.pos), Rule::AliasHostedZoneId, format!("hosted_zone_id {given} does not serve {kind}s in {region}; their zone is {hosted_zone_id}"))
                    .hint("remove hosted_zone_id: dns derives it from the load balancer's name");
                None
            }
            (ElbLookup::Known { hosted_zone_id, .. }, _) => Some(Some(hosted_zone_id.to_string())),
            (ElbLookup::UnknownRegion { region, kind }, None) => {
                self.sink
                    .error(target_node.pos, Rule::AliasElbRegion, format!("'{target_text}' looks like a load balancer ({kind}) in region '{region}', which dns does not know"))
                    .hint(format!("check the region, or give the load balancer's `hosted_zone_id` (known regions: {})", elb::known_regions().collect::<Vec<_>>().join(", ")));
                None
            }
            (_, Some(given)) => Some(Some(given)),
            (ElbLookup::NotElb, None) if self.zone.origin.zone_of(target) => Some(None),
            (ElbLookup::NotElb, None) => {
                self.sink
                    .error(target_node.pos, Rule::AliasHostedZoneId, format!("'{target_text}' is neither a load balancer nor in this zone, so its hosted zone is unknown"))
                    .hint("add `hosted_zone_id` (e.g. Z2FDTNDATAQYW2 for CloudFront)");
                None
            }
        }
    }
}
