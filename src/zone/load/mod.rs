//! Loading and validating `zones/<zone>.yaml`.
//!
//! The format is octoDNS's YamlProvider layout: top-level keys are owner names relative to the
//! zone (`''` or `'@'` for the apex), each holding one record or a list of records; a record has
//! `type`, an optional `ttl` and `value` or `values`. The reserved key `$zone` (no DNS name can be
//! written so) holds zone-wide settings. The zone's name is the file's name without `.yaml`.
//!
//! Loading never stops at the first problem: every rule is checked on every record, and each
//! problem becomes a [`Diagnostic`] at its line and column (see [`super::diag`]).

mod cross;
mod health_checks;
mod private;
mod routing;
mod values;

use std::path::Path;

use super::diag::{Diagnostic, Pos, Rule, Sink};
use super::name::{self, NameError};
use super::tree::{self, Kind, Node};
use super::{Name, RData, RType, RecordSet, RrKey, Settings, Zone};
use routing::{ROUTING_KEYS, RoutingKeys};

/// The reserved top-level key for zone settings.
pub const SETTINGS_KEY: &str = "$zone";

/// Largest TTL allowed (RFC 2181 §8: 2^31 - 1).
pub const MAX_TTL: u64 = 2_147_483_647;

/// Route 53's limit on one record value, in characters.
pub const MAX_VALUE_CHARS: usize = 4000;

/// A loaded zone file: the zone (complete only when there is no error) and every diagnostic.
#[derive(Debug)]
pub struct Loaded {
    pub zone: Zone,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn is_valid(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The zone name a file stands for: its file name without `.yaml` / `.yml`.
pub fn zone_name_of(path: &Path) -> Result<Name, NameError> {
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default();
    let stem = file
        .strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))
        .unwrap_or(file);
    name::parse_zone(stem)
}

/// Loads `text` as the zone file `path`; the origin comes from the file name.
pub fn load_str(path: &Path, text: &str) -> Loaded {
    let mut sink = Sink::new(path);
    let origin = match zone_name_of(path) {
        Ok(origin) => origin,
        Err(e) => {
            sink.error(
                Pos::START,
                Rule::ZoneFileName,
                format!("the file name does not name a zone: {e}"),
            )
            .hint("name the file after its zone, e.g. zones/example.com.yaml");
            return Loaded {
                zone: Zone::new(Name::root()),
                diagnostics: sink.into_sorted(),
            };
        }
    };
    let mut loader = Loader {
        sink,
        zone: Zone::new(origin),
        entries: Vec::new(),
        child_refs: Vec::new(),
        dir: path
            .parent()
            .map(|d| {
                if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                }
            })
            .map(Path::to_path_buf),
    };
    loader.document(text);
    loader.finish()
}

/// One RRset as read, with the positions needed for cross-record rules.
pub(super) struct Entry {
    key: RrKey,
    set: RecordSet,
    /// The TTL is the zone's default, which `$zone` may set further down the file.
    default_ttl: bool,
    name_pos: Pos,
    type_pos: Pos,
    /// A routed set: where its routing key and its `health_check` stand.
    routed: Option<(Pos, Option<Pos>)>,
}

pub(super) struct Loader {
    pub(super) sink: Sink,
    pub(super) zone: Zone,
    entries: Vec<Entry>,
    /// The children named by calculated health checks, where they stand.
    pub(super) child_refs: Vec<(String, Pos)>,
    /// The zone file's directory: where `!include` files are read from, and which they may not
    /// leave.
    dir: Option<std::path::PathBuf>,
}

/// Most levels of `!include` inside `!include`.
const MAX_INCLUDE_DEPTH: usize = 8;

impl Loader {
    fn document(&mut self, text: &str) {
        // Each top-level entry is read into the zone as soon as the parser has it, and its tree
        // dropped: the tree of a whole large zone is never held.
        let parsed = tree::parse_top(text, |key, mut value| {
            if !self.includes(&mut value, 0) {
                return; // what could not be included is reported; the entry is not read
            }
            if key.scalar() == Some(SETTINGS_KEY) {
                self.settings(&value);
            } else {
                self.owner(&key, &value);
            }
        });
        let root = match parsed {
            Ok(root) => root,
            Err(e) => {
                let (rule, hint) = if e.duplicate_key {
                    (
                        Rule::YamlDuplicateKey,
                        "each name may appear once; give a list of records under it instead",
                    )
                } else if e.unsupported_tag {
                    (
                        Rule::YamlTag,
                        "write the value itself, or `!include FILE` for a file beside the zone file",
                    )
                } else {
                    (
                        Rule::YamlSyntax,
                        "check indentation and quoting; quote names such as '*' and '@'",
                    )
                };
                self.sink.error(e.pos, rule, e.message).hint(hint);
                return;
            }
        };
        match root.kind {
            Kind::Null | Kind::Map(_) => {} // an empty file is an empty zone
            _ => {
                self.sink
                    .error(
                        root.pos,
                        Rule::ZoneShape,
                        format!(
                            "a zone file must be a mapping of names to records, found {}",
                            root.what()
                        ),
                    )
                    .hint("write `name: {type: A, value: 192.0.2.1}` entries at the top level");
            }
        }
    }

    fn settings(&mut self, node: &Node) {
        let Kind::Map(entries) = &node.kind else {
            self.sink
                .error(
                    node.pos,
                    Rule::SettingsInvalid,
                    format!("`{SETTINGS_KEY}` must be a mapping, found {}", node.what()),
                )
                .hint("e.g. `$zone: {ttl: 300, ignore: ['_acme-challenge']}`");
            return;
        };
        let mut settings = Settings::default();
        for (key, value) in entries {
            match key.scalar().unwrap_or_default() {
                "health_checks" => settings.health_checks = self.health_checks(value),
                "private" => {
                    let (vpcs, first) = self.private(value).unzip();
                    settings.private = vpcs;
                    settings.first_vpc = first;
                }
                "ttl" => {
                    if let Some(ttl) = self.ttl(value) {
                        settings.default_ttl = ttl;
                    }
                }
                "hosted_zone_id" => match value.scalar().map(normalize_zone_id) {
                    Some(Some(id)) => settings.hosted_zone_id = Some(id),
                    _ => {
                        self.sink
                            .error(value.pos, Rule::SettingsInvalid, "hosted_zone_id must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ")
                            .hint("copy the id from `aws route53 list-hosted-zones-by-name` or the console");
                    }
                },
                "account" => match value.scalar() {
                    Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => {
                        settings.account = Some(a.to_string());
                    }
                    _ => {
                        self.sink
                            .error(value.pos, Rule::SettingsInvalid, "account must be an AWS account id: twelve digits, quoted ('123456789012')")
                            .hint("plan and sync then refuse credentials of any other account; `aws sts get-caller-identity` shows yours");
                    }
                },
                "ignore" => settings.ignore = self.ignore_list(value),
                "max_change_percent" => match value.whole_number() {
                    Some(p) if p <= 100 => settings.max_change_percent = p as u8,
                    _ => {
                        self.sink
                            .error(value.pos, Rule::SettingsInvalid, format!("max_change_percent must be a whole number from 0 to 100{}", value.octal_note()))
                            .hint("the default is 30: a sync may update or delete at most 30% of the zone's records");
                    }
                },
                other => {
                    self.sink
                        .error(
                            key.pos,
                            Rule::SettingsUnknownKey,
                            format!("unknown setting `{other}`"),
                        )
                        .hint("settings are: ttl, hosted_zone_id, account, ignore, max_change_percent, health_checks, private");
                }
            }
        }
        self.zone.settings = settings;
    }

    /// Puts the content of every `!include FILE` under `node` in its place (octoDNS's tag: a
    /// YAML file beside the zone file, read as the value it stands for). False when one cannot
    /// be included (reported).
    fn includes(&mut self, node: &mut Node, depth: usize) -> bool {
        match &mut node.kind {
            Kind::Include(file) => {
                let file = file.clone();
                match self.include(&file, node.pos, depth) {
                    Some(mut content) => {
                        content.move_to(node.pos);
                        *node = content;
                        true
                    }
                    None => false,
                }
            }
            // Every include is tried (and each failure reported), not only up to the first.
            Kind::Seq(items) => {
                let mut ok = true;
                for n in items {
                    ok &= self.includes(n, depth);
                }
                ok
            }
            Kind::Map(entries) => {
                let mut ok = true;
                for (_, v) in entries {
                    ok &= self.includes(v, depth);
                }
                ok
            }
            Kind::Null | Kind::Scalar { .. } => true,
        }
    }

    fn include(&mut self, file: &str, pos: Pos, depth: usize) -> Option<Node> {
        let fail = |sink: &mut Sink, message: String, hint: &str| {
            sink.error(pos, Rule::YamlInclude, message)
                .hint(hint.to_string());
            None
        };
        if depth >= MAX_INCLUDE_DEPTH {
            return fail(
                &mut self.sink,
                format!("!include {file}: more than {MAX_INCLUDE_DEPTH} levels of includes"),
                "a file that includes itself?",
            );
        }
        let dir = self.dir.clone().unwrap_or_else(|| ".".into());
        let (Ok(root), Ok(path)) = (dir.canonicalize(), dir.join(file).canonicalize()) else {
            return fail(
                &mut self.sink,
                format!("!include {file}: no such file beside the zone file"),
                "the path is relative to the zone file's directory",
            );
        };
        if !path.starts_with(&root) {
            return fail(
                &mut self.sink,
                format!("!include {file}: outside the zone file's directory"),
                "keep included files in the zones directory (a git checkout should not reach elsewhere)",
            );
        }
        let text = match super::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                return fail(
                    &mut self.sink,
                    format!("!include {file}: cannot be read: {e}"),
                    "check the file's permissions",
                );
            }
        };
        let mut node = match tree::parse(&text) {
            Ok(n) => n,
            Err(e) => {
                return fail(
                    &mut self.sink,
                    format!(
                        "!include {file}: line {}, column {}: {}",
                        e.pos.line, e.pos.column, e.message
                    ),
                    "fix the included file",
                );
            }
        };
        // An include inside an included file is relative to the same directory.
        self.includes(&mut node, depth + 1).then_some(node)
    }

    fn ignore_list(&mut self, node: &Node) -> Vec<String> {
        let items: Vec<&Node> = match &node.kind {
            Kind::Seq(items) => items.iter().collect(),
            _ => vec![node],
        };
        let mut patterns = Vec::new();
        for item in items {
            let valid = item.scalar().filter(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.*@".contains(c))
            });
            match valid {
                Some(p) => patterns.push(p.to_ascii_lowercase()),
                None => {
                    self.sink
                        .error(item.pos, Rule::SettingsInvalid, "an ignore entry must be a relative name or a pattern with '*'")
                        .hint("e.g. ignore: ['_acme-challenge', 'legacy-*'] (quote patterns that start with '*')");
                }
            }
        }
        patterns
    }

    fn owner(&mut self, key: &Node, value: &Node) {
        let Some(text) = key.scalar() else {
            self.sink
                .error(
                    key.pos,
                    Rule::NameInvalid,
                    format!("a record name must be text, found {}", key.what()),
                )
                .hint("use '' for the zone apex");
            return;
        };
        if text.eq_ignore_ascii_case(crate::zone::SYNC_GUARD_LABEL) {
            self.sink
                .error(
                    key.pos,
                    Rule::NameInvalid,
                    format!("record name '{text}' is dns sync's guard, which it keeps itself in every hosted zone"),
                )
                .hint("name the record otherwise");
            return;
        }
        // An unquoted key octoDNS's YAML 1.1 reader resolves to another text (`0123` → '83',
        // `yes` → 'True', `1.50` → '1.5'): the two tools would name another record.
        if let Some(reading) = key.yaml11_reading() {
            self.sink
                .error(
                    key.pos,
                    Rule::NameInvalid,
                    format!("record name `{text}` unquoted: octoDNS's YAML reader takes it as {reading}, dns as the name '{text}'"),
                )
                .hint(format!("quote it to mean the name: '{text}'"));
            return;
        }
        let owner = match name::parse_owner(text, &self.zone.origin) {
            Ok(owner) => owner,
            Err(e) => {
                let hint = match &e {
                    NameError::OutsideZone { .. } => {
                        "write names relative to the zone, without a trailing dot (e.g. 'www')"
                    }
                    NameError::Wildcard => {
                        "a wildcard is written '*' or '*.sub' and must be quoted in YAML"
                    }
                    _ => "names may hold letters, digits, '-' and '_'; labels at most 63 octets",
                };
                self.sink
                    .error(key.pos, e.rule(), format!("record name '{text}': {e}"))
                    .hint(hint);
                return;
            }
        };
        let records: Vec<&Node> = match &value.kind {
            Kind::Map(_) => vec![value],
            Kind::Seq(items) => items.iter().collect(),
            _ => {
                self.sink
                    .error(
                        value.pos,
                        Rule::RecordShape,
                        format!(
                            "'{text}' must hold a record or a list of records, found {}",
                            value.what()
                        ),
                    )
                    .hint("e.g. `www: {type: A, value: 192.0.2.1}`");
                return;
            }
        };
        for record in records {
            self.record(&owner, key.pos, record);
        }
    }

    fn record(&mut self, owner: &Name, name_pos: Pos, node: &Node) {
        let Kind::Map(fields) = &node.kind else {
            self.sink
                .error(
                    node.pos,
                    Rule::RecordShape,
                    format!(
                        "a record must be a mapping with type and value, found {}",
                        node.what()
                    ),
                )
                .hint("e.g. `- {type: TXT, value: 'hello'}`");
            return;
        };
        let keys = self.record_keys(fields);
        let Some(type_node) = keys.rtype else {
            self.sink
                .error(node.pos, Rule::RecordMissingType, "record has no `type`")
                .hint("add e.g. `type: A`");
            return;
        };
        match keys.octodns.map(|o| self.octodns(o)) {
            Some(None) => return, // reported
            Some(Some(true)) => {
                // octoDNS's `ignored: true`: not managed; sync leaves the live set alone.
                let text = type_node.scalar().unwrap_or_default().to_ascii_uppercase();
                if let Some(t) = RType::parse(&text) {
                    self.zone
                        .settings
                        .ignored_sets
                        .insert(RrKey::new(owner.clone(), t));
                }
                return;
            }
            _ => {}
        }
        let type_text = type_node.scalar().unwrap_or_default().to_ascii_uppercase();
        let is_alias = type_text == "ALIAS";
        let Some(rtype) = self.record_type(owner, type_node, &type_text) else {
            return;
        };
        let ttl = self.record_ttl(keys.ttl, is_alias);
        let Some(items) = self.record_items(&keys, fields, node.pos, &type_text) else {
            return;
        };
        let parsed = if is_alias {
            self.alias(&items)
                .map(|(rtype, alias)| (rtype, RData::Alias(Box::new(alias))))
        } else {
            self.values(owner, rtype, &items).map(|d| (rtype, d))
        };
        let routed = self.routing(&keys.routing, rtype, is_alias);
        let Some((rtype, data)) = parsed else { return };
        let Ok(routed) = routed else { return };
        let ttl = if is_alias { None } else { ttl };
        if !is_alias && ttl.is_none() {
            return; // the TTL error is reported; skip the record but keep checking others
        }
        let (set_id, routing, positions) = match routed {
            Some(r) => (
                Some(r.set_id),
                Some(r.routing),
                Some((r.policy_pos, r.health_pos)),
            ),
            None => (None, None, None),
        };
        self.entries.push(Entry {
            key: RrKey::routed(owner.clone(), rtype, set_id),
            set: RecordSet {
                ttl,
                data,
                routing: routing.map(Box::new),
            },
            default_ttl: keys.ttl.is_none(),
            name_pos,
            type_pos: type_node.pos,
            routed: positions,
        });
    }

    /// A record's keys, each unknown one reported.
    fn record_keys<'n>(&mut self, fields: &'n [(Node, Node)]) -> RecordKeys<'n> {
        let mut keys = RecordKeys::default();
        for (key, field) in fields {
            let k = key.scalar().unwrap_or_default();
            if keys.routing.take(k, key.pos, field) {
                continue;
            }
            match k {
                "type" => keys.rtype = Some(field),
                "ttl" => keys.ttl = Some(field),
                "value" => keys.value = Some(field),
                "values" => keys.values = Some(field),
                "octodns" => keys.octodns = Some(field),
                other => {
                    keys.unknown = true;
                    self.unknown_record_key(other, key.pos);
                }
            }
        }
        keys
    }

    /// The record's type (an ALIAS is read as A until its target says otherwise); `None`
    /// when reported: unknown, the apex SOA or NS (Route 53's), a wildcard NS set.
    fn record_type(&mut self, owner: &Name, type_node: &Node, type_text: &str) -> Option<RType> {
        let is_alias = type_text == "ALIAS";
        let Some(rtype) = RType::parse(type_text).or(is_alias.then_some(RType::A)) else {
            if (type_text == "SOA" || type_text == "NS") && *owner == self.zone.origin {
                self.apex_owned(type_node.pos, type_text);
            } else {
                let supported: Vec<&str> = RType::ALL.iter().map(|t| t.as_str()).collect();
                self.sink
                    .error(
                        type_node.pos,
                        Rule::TypeUnknown,
                        format!(
                            "unsupported record type '{}'",
                            type_node.scalar().unwrap_or_default()
                        ),
                    )
                    .hint(format!(
                        "supported types: {}, and ALIAS",
                        supported.join(", ")
                    ));
            }
            return None;
        };
        if rtype == RType::NS && *owner == self.zone.origin {
            self.apex_owned(type_node.pos, "NS");
            return None;
        }
        if rtype == RType::NS && owner.is_wildcard() {
            self.sink
                .error(type_node.pos, Rule::NsWildcard, "an NS record set cannot be a wildcard: Route 53 refuses it (and RFC 4592 §4.2 says to avoid it)")
                .hint("delegate each sub-zone by its own name");
            return None;
        }
        Some(rtype)
    }

    /// The record's TTL: its own, or the zone's default; `None` when reported (a bad TTL, or
    /// a TTL on an ALIAS).
    fn record_ttl(&mut self, ttl: Option<&Node>, is_alias: bool) -> Option<u32> {
        match ttl {
            Some(t) if is_alias => {
                self.sink
                    .error(
                        t.pos,
                        Rule::AliasTtl,
                        "an ALIAS record has no TTL of its own",
                    )
                    .hint("remove `ttl`: Route 53 answers with the target's TTL");
                None
            }
            Some(t) => self.ttl(t),
            None => Some(self.zone.settings.default_ttl),
        }
    }

    /// The value nodes of `value` or `values`; `None` when reported (both given, or none).
    fn record_items<'n>(
        &mut self,
        keys: &RecordKeys<'n>,
        fields: &[(Node, Node)],
        at: Pos,
        type_text: &str,
    ) -> Option<Vec<&'n Node>> {
        let items: Vec<&Node> = match (keys.value, keys.values) {
            (Some(_), Some(v)) => {
                self.sink
                    .error(
                        fields
                            .iter()
                            .find(|(k, _)| k.scalar() == Some("values"))
                            .map_or(v.pos, |(k, _)| k.pos),
                        Rule::RecordValueConflict,
                        "record has both `value` and `values`",
                    )
                    .hint("use `value` for one value or `values` for a list, not both (octoDNS would use `values` and drop `value` without a word)");
                return None;
            }
            (Some(v), None) | (None, Some(v)) => match &v.kind {
                Kind::Seq(items) => items.iter().collect(),
                Kind::Null => Vec::new(),
                _ => vec![v],
            },
            (None, None) => Vec::new(),
        };
        if !items.is_empty() {
            return Some(items);
        }
        if keys.unknown && keys.value.is_none() && keys.values.is_none() {
            return None; // most likely a misspelt `value`, already reported
        }
        // An empty `values: []` or a bare `value:` is the line to edit; else the record.
        let at = fields
            .iter()
            .find(|(k, _)| matches!(k.scalar(), Some("value" | "values")))
            .map_or(at, |(k, _)| k.pos);
        self.sink
            .error(
                at,
                Rule::RecordMissingValue,
                format!("{type_text} record has no value"),
            )
            .hint("add `value: ...` or `values: [...]`");
        None
    }

    /// `record.unknown-key`, with the nearest known key or what the record keys are.
    fn unknown_record_key(&mut self, key: &str, pos: Pos) {
        let known: Vec<&str> = ["type", "ttl", "value", "values"]
            .into_iter()
            .chain(ROUTING_KEYS)
            .collect();
        let hint = match suggest(key, &known) {
            _ if key == "dynamic" => "octoDNS dynamic records have no place in dns: write Route 53 routed sets, one record per set with `set_id` and `weight`, `geo`, `region` or `failover` (see docs/zone-files.md)".to_string(),
            Some(s) => format!("did you mean `{s}`?"),
            None => "a record has type, ttl and value (one) or values (a list); a routed set also set_id and one of weight, failover, region, geo, multivalue".to_string(),
        };
        self.sink
            .error(
                pos,
                Rule::RecordUnknownKey,
                format!("unknown record key `{key}`"),
            )
            .hint(hint);
    }

    /// A record's `octodns:` block: whether the record is `ignored`; `None` (reported) for what
    /// dns cannot honour, which it never accepts silently.
    fn octodns(&mut self, node: &Node) -> Option<bool> {
        let Kind::Map(entries) = &node.kind else {
            self.sink
                .error(
                    node.pos,
                    Rule::RecordOctodns,
                    format!("`octodns:` must be a mapping, found {}", node.what()),
                )
                .hint("e.g. `octodns: {ignored: true}`");
            return None;
        };
        let mut ignored = Some(false);
        for (key, value) in entries {
            let k = key.scalar().unwrap_or_default();
            let (message, hint) = match k {
                "ignored" => match value.scalar() {
                    Some("true") => {
                        ignored = ignored.map(|_| true);
                        continue;
                    }
                    Some("false") => continue,
                    _ => (
                        format!("`ignored` must be true or false, found {}", value.what()),
                        "e.g. `octodns: {ignored: true}`",
                    ),
                },
                "excluded" | "included" => (
                    format!(
                        "octodns.{k} names octoDNS providers, which dns does not have: it syncs one zone file to one hosted zone"
                    ),
                    "remove the record from the file, or mark it `octodns: {ignored: true}` to leave the live record alone",
                ),
                "healthcheck" | "route53" => (
                    format!(
                        "octodns.{k}: Route 53 health checks and routing settings are not supported yet"
                    ),
                    "remove them, or mark the record `octodns: {ignored: true}` and manage it elsewhere for now",
                ),
                "lenient" => (
                    "octodns.lenient: dns checks every record and has no lenient mode".to_string(),
                    "remove `lenient` and fix what dns reports about the record",
                ),
                other => (
                    format!("unknown octodns setting `{other}`"),
                    "dns honours `octodns: {ignored: true}` and refuses the other octoDNS settings",
                ),
            };
            self.sink
                .error(key.pos, Rule::RecordOctodns, message)
                .hint(hint);
            ignored = None;
        }
        ignored
    }

    fn apex_owned(&mut self, pos: Pos, rtype: &str) {
        self.sink
            .error(pos, Rule::ApexRoute53Owned, format!("the apex {rtype} record set belongs to Route 53"))
            .hint("remove it: Route 53 creates the apex SOA and NS itself; NS records on other names delegate sub-zones");
    }

    fn ttl(&mut self, node: &Node) -> Option<u32> {
        match node.whole_number() {
            Some(ttl) if ttl <= MAX_TTL => Some(ttl as u32),
            _ => {
                self.sink
                    .error(
                        node.pos,
                        Rule::TtlRange,
                        format!(
                            "TTL must be a whole number of seconds from 0 to {MAX_TTL}, found '{}'{}",
                            node.scalar().unwrap_or(node.what()),
                            node.octal_note()
                        ),
                    )
                    .hint("e.g. `ttl: 300` (5 minutes) or `ttl: 3600` (1 hour)");
                None
            }
        }
    }
}

/// The known word closest to a misspelt one (at most two edits away).
fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(&word.to_ascii_lowercase(), k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Accepts `Z…` and `/hostedzone/Z…`; Route 53 ids are upper-case letters and digits.
pub fn normalize_zone_id(text: &str) -> Option<String> {
    let id = text.trim().trim_start_matches("/hostedzone/");
    // Real ids start with Z; emulators' need not, so only the alphabet is checked.
    (!id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    .then(|| id.to_string())
}

/// The keys of one record in a zone file.
#[derive(Default)]
struct RecordKeys<'n> {
    rtype: Option<&'n Node>,
    ttl: Option<&'n Node>,
    value: Option<&'n Node>,
    values: Option<&'n Node>,
    octodns: Option<&'n Node>,
    routing: RoutingKeys<'n>,
    /// A key no record has (reported).
    unknown: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ttls(text: &str) -> Vec<(String, Option<u32>)> {
        let loaded = load_str(Path::new("example.com.yaml"), text);
        assert!(loaded.is_valid(), "{:?}", loaded.diagnostics);
        loaded
            .zone
            .rrsets
            .iter()
            .map(|(k, s)| (k.name.to_ascii(), s.ttl))
            .collect()
    }

    #[test]
    fn the_default_ttl_applies_wherever_zone_settings_stand_in_the_file() {
        let before = ttls("$zone: {ttl: 60}\na: {type: A, value: 192.0.2.1}\n");
        let after = ttls("a: {type: A, value: 192.0.2.1}\n$zone: {ttl: 60}\n");
        assert_eq!(before, after);
        assert_eq!(before, [("a.example.com.".to_string(), Some(60))]);
        let own = ttls("a: {type: A, ttl: 5, value: 192.0.2.1}\n$zone: {ttl: 60}\n");
        assert_eq!(own[0].1, Some(5));
    }

    #[test]
    fn aliases_merge_keys_and_duplicate_names() {
        let merged = ttls("a: &r {type: A, value: 192.0.2.1}\nb: *r\nc:\n  <<: *r\n  ttl: 5\n");
        assert_eq!(
            merged,
            [
                ("a.example.com.".to_string(), Some(3600)),
                ("b.example.com.".to_string(), Some(3600)),
                ("c.example.com.".to_string(), Some(5)),
            ]
        );
        let dup = load_str(
            Path::new("example.com.yaml"),
            "a: {type: A, value: 192.0.2.1}\nb: {type: A, value: 192.0.2.1}\na: {type: A, value: 192.0.2.2}\n",
        );
        let rules: Vec<_> = dup
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.pos.line))
            .collect();
        assert_eq!(rules, [("yaml.duplicate-key", 3)]);
    }
}
