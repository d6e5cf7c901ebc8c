//! A YAML document as a tree whose every node knows its line and column.
//!
//! granit-parser (the maintained YAML 1.2 parser under serde-saphyr) reads the text into events
//! with their spans; the tree is built straight from the events. Going through serde (and
//! serde-saphyr's `Spanned`, two locations per node) cost more than half of loading a large zone.
//! Scalars keep their text as written (`yes`, `0123`, `1e3`): a zone file value is text, and a
//! TXT record of `0123` must not become `123`. Against hostile input: nesting, aliases and the
//! nodes they expand to are capped (alias bombs), and duplicate keys are refused.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use super::diag::Pos;

#[derive(Debug, Clone)]
pub struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// An explicit or empty null (`~`, `null`, nothing).
    Null,
    /// Any scalar, as its text: `0123`, `yes` and `1e3` stay as written. `plain`: written
    /// without quotes or tag, so that a YAML 1.1 reader (octoDNS's) resolves it to a number, a
    /// boolean or a null where it can.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// `!include FILE` (octoDNS's one tag): the loader puts the file's content here.
    Include(String),
}

impl Node {
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A whole number as written (digits only, no sign), or None. A number written with a
    /// leading zero and octal digits only (`0300`) is None too: octoDNS's YAML 1.1 reader takes
    /// it as octal (192) where dns would read 300, so it is refused rather than read either
    /// way ([`Node::octal_note`] says so).
    pub fn whole_number(&self) -> Option<u64> {
        let text = self.scalar()?;
        if self.octal_reading().is_some() {
            return None;
        }
        text.parse().ok()
    }

    /// What octoDNS would read for a number written like a YAML 1.1 octal (`0` and octal
    /// digits), when it is one.
    fn octal_reading(&self) -> Option<u64> {
        let Kind::Scalar { text, plain: true } = &self.kind else {
            return None;
        };
        let digits = text
            .trim_start_matches('+')
            .strip_prefix('0')
            .filter(|d| !d.is_empty())?;
        if !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return None;
        }
        u64::from_str_radix(digits, 8).ok()
    }

    /// What octoDNS's YAML 1.1 reader (PyYAML) makes of a plain scalar it resolves to a number
    /// or a boolean, said for a message, when Python's `str()` of it differs from the text as
    /// written: `0123` is the number 83 (the text '83'), `0x1F` 31, `1_000` 1000, `12:30` 750,
    /// `yes` the boolean True, `1.50` 1.5. Where octoDNS turns such a value into text (a CAA tag
    /// or value), the same file says two things to the two tools.
    pub fn yaml11_reading(&self) -> Option<String> {
        let Kind::Scalar { text, plain: true } = &self.kind else {
            return None;
        };
        let (what, read) = if let Some(b) = yaml11_bool(text) {
            (
                "the boolean",
                Some(if b { "True" } else { "False" }.to_string()),
            )
        } else if let Some(i) = yaml11_int(text) {
            ("the number", Some(i.to_string()))
        } else {
            ("the number", yaml11_float(text)?)
        };
        match read {
            Some(read) if read == *text => None,
            Some(read) => Some(format!("{what} {read} (the text '{read}')")),
            None => Some("a number".into()),
        }
    }

    /// For a refused number: why, when it is an octal-looking one (else empty).
    pub fn octal_note(&self) -> String {
        match (self.octal_reading(), self.scalar()) {
            (Some(octal), Some(text)) => format!(
                " ({text} has a leading zero: octoDNS's YAML reader takes it as the octal number {octal}, dns would read {}; write the number you mean without the zero)",
                text.trim_start_matches(['+', '0'])
            ),
            _ => String::new(),
        }
    }

    /// A short description for messages: "a list", "a mapping", ...
    pub fn what(&self) -> &'static str {
        match self.kind {
            Kind::Null => "nothing (null)",
            Kind::Scalar { .. } => "a single value",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
            Kind::Include(_) => "an !include",
        }
    }

    /// Every node of this tree at `pos` (content brought in by `!include` is reported at the
    /// include).
    pub fn move_to(&mut self, pos: Pos) {
        self.pos = pos;
        match &mut self.kind {
            Kind::Seq(items) => items.iter_mut().for_each(|n| n.move_to(pos)),
            Kind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.move_to(pos);
                v.move_to(pos);
            }),
            Kind::Null | Kind::Scalar { .. } | Kind::Include(_) => {}
        }
    }

    fn size(&self) -> usize {
        1 + match &self.kind {
            Kind::Null | Kind::Scalar { .. } | Kind::Include(_) => 0,
            Kind::Seq(items) => items.iter().map(Node::size).sum(),
            Kind::Map(entries) => entries.iter().map(|(k, v)| k.size() + v.size()).sum(),
        }
    }
}

/// A YAML syntax error, positioned.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
    pub duplicate_key: bool,
    /// A YAML tag other than octoDNS's `!include`.
    pub unsupported_tag: bool,
}

/// Deepest nesting accepted (serde-saphyr's default budget; a zone file needs 4).
const MAX_DEPTH: usize = 64;
/// Most nodes that aliases may add by expansion: far above any zone file's use of anchors,
/// far below what an alias bomb asks for.
const MAX_ALIAS_NODES: usize = 1_000_000;
/// Most aliases in one file.
const MAX_ALIASES: usize = 50_000;

/// Parses a YAML document into a positioned tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut entries = Vec::new();
    let mut root = parse_top(text, |key, value| entries.push((key, value)))?;
    if let Kind::Map(e) = &mut root.kind {
        *e = entries;
    }
    Ok(root)
}

/// Parses a YAML document, handing each entry of a top-level mapping to `entry` as soon as it
/// is read (in order, duplicates refused, merge-key entries last), so that the tree of a large
/// zone is never held whole. The root comes back with no entries of its own when it is a
/// mapping; any other root comes back whole.
pub fn parse_top(text: &str, entry: impl FnMut(Node, Node)) -> Result<Node, SyntaxError> {
    let mut builder = Builder {
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        aliases: 0,
        alias_nodes: 0,
        top: entry,
        top_keys: HashSet::new(),
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(scan_error)?;
        builder.event(event, &span)?;
    }
    Ok(builder.root.unwrap_or(Node {
        pos: Pos::START,
        kind: Kind::Null,
    }))
}

fn scan_error(err: ScanError) -> SyntaxError {
    let mark = err.marker();
    SyntaxError {
        pos: at(mark.line(), mark.col()),
        message: err.kind().to_string(),
        duplicate_key: false,
        unsupported_tag: false,
    }
}

/// granit counts lines from 1 and columns from 0; a `Pos` counts both from 1.
fn at(line: usize, col: usize) -> Pos {
    Pos {
        line: (line as u64).max(1),
        column: col as u64 + 1,
    }
}

fn pos_of(span: &Span) -> Pos {
    at(span.start.line(), span.start.col())
}

fn unsupported_tag(pos: Pos, tag: &Tag) -> SyntaxError {
    SyntaxError {
        unsupported_tag: true,
        ..error(
            pos,
            format!(
                "the YAML tag {tag} is not supported: dns reads plain YAML, and of octoDNS's tags only `!include FILE`"
            ),
        )
    }
}

fn error(pos: Pos, message: impl Into<String>) -> SyntaxError {
    SyntaxError {
        pos,
        message: message.into(),
        duplicate_key: false,
        unsupported_tag: false,
    }
}

/// A collection being read.
struct Frame {
    pos: Pos,
    anchor: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// The key just read is a merge key (`<<`): its value is merged, not entered.
        merge_next: bool,
        merges: Vec<Node>,
    },
}

/// Builds the tree from the parser's events, as serde-saphyr's defaults would read the
/// document: YAML 1.2 core schema for nulls, anchors and aliases expanded (within a budget),
/// merge keys (`<<`) merged with explicit keys winning, duplicate keys refused.
struct Builder<F> {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    aliases: usize,
    alias_nodes: usize,
    /// Where the entries of a top-level mapping go.
    top: F,
    /// The top-level keys seen, for duplicates and merge keys.
    top_keys: HashSet<String>,
}

fn core_tag(tag: Option<&Cow<'_, Tag>>, suffix: &str) -> bool {
    tag.is_some_and(|t| t.is_yaml_core_schema_tag(suffix))
}

/// YAML 1.1's booleans (PyYAML's resolver).
fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// Digits of `radix` with `_` anywhere (at least one digit), as PyYAML reads them.
fn radix_digits(text: &str, radix: u32) -> Option<i128> {
    let mut value: i128 = 0;
    let mut any = false;
    for c in text.chars().filter(|c| *c != '_') {
        value = value
            .checked_mul(i128::from(radix))?
            .checked_add(i128::from(c.to_digit(radix)?))?;
        any = true;
    }
    any.then_some(value)
}

/// YAML 1.1's integers (PyYAML): `0b…`, `0…` octal, decimal, `0x…`, base-60 `1:30`, each
/// with `_` allowed and a sign.
fn yaml11_int(text: &str) -> Option<i128> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let value = if let Some(b) = body.strip_prefix("0b") {
        radix_digits(b, 2)?
    } else if let Some(x) = body.strip_prefix("0x") {
        radix_digits(x, 16)?
    } else if body == "0" {
        0
    } else if let Some(o) = body.strip_prefix('0') {
        radix_digits(o, 8)?
    } else if body.contains(':') {
        let mut parts = body.split(':');
        let first = parts.next()?;
        if !first.starts_with(|c: char| ('1'..='9').contains(&c)) {
            return None;
        }
        let mut value = radix_digits(first, 10)?;
        for part in parts {
            let digit = match part.as_bytes() {
                [d] if d.is_ascii_digit() => i128::from(d - b'0'),
                [t @ b'0'..=b'5', d] if d.is_ascii_digit() => {
                    i128::from((t - b'0') * 10 + (d - b'0'))
                }
                _ => return None,
            };
            value = value.checked_mul(60)?.checked_add(digit)?;
        }
        value
    } else if body.starts_with(|c: char| ('1'..='9').contains(&c)) {
        radix_digits(body, 10)?
    } else {
        return None;
    };
    Some(if negative { -value } else { value })
}

/// YAML 1.1's floats (PyYAML's resolver), as Python's `str()` prints them (`None` inside for
/// one printed otherwise than Rust prints it: base 60, exponents).
fn yaml11_float(text: &str) -> Option<Option<String>> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(Some(
                if text.starts_with('-') { "-inf" } else { "inf" }.into(),
            ));
        }
        ".nan" | ".NaN" | ".NAN" if unsigned == text => return Some(Some("nan".into())),
        _ => {}
    }
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit() || c == '_');
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.')?;
    if !digits(fraction) {
        return None;
    }
    if let Some((first, sixties)) = whole.split_once(':') {
        // `1:30.5`: base 60, no exponent.
        let sixty = |p: &str| {
            matches!(p.as_bytes(), [d] if d.is_ascii_digit())
                || matches!(p.as_bytes(), [b'0'..=b'5', d] if d.is_ascii_digit())
        };
        let ok = exponent.is_none()
            && first.starts_with(|c: char| c.is_ascii_digit())
            && digits(first)
            && sixties.split(':').all(sixty);
        return ok.then_some(None);
    }
    let exponent_ok = exponent.is_none_or(|e| {
        e.len() > 1 && e.starts_with(['-', '+']) && e[1..].bytes().all(|b| b.is_ascii_digit())
    });
    let leading = if whole.is_empty() {
        // `.5`: no sign, and a digit after the point.
        unsigned == text && fraction.starts_with(|c: char| c.is_ascii_digit())
    } else {
        whole.starts_with(|c: char| c.is_ascii_digit()) && digits(whole)
    };
    if !(leading && exponent_ok) {
        return None;
    }
    let value: f64 = text.replace('_', "").parse().ok()?;
    // Python's repr and Rust's Debug agree on the shortest digits and on `1.0`; not on
    // exponents (`1e+16` against `1e16`).
    let printed = format!("{value:?}");
    Some((!printed.contains('e')).then_some(printed))
}

impl<F: FnMut(Node, Node)> Builder<F> {
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), SyntaxError> {
        let pos = pos_of(span);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(pos, value, style, anchor, tag.as_ref())
            }
            Event::SequenceStart(_, _, Some(tag)) | Event::MappingStart(_, _, Some(tag))
                if !tag.is_yaml_core_schema() =>
            {
                Err(unsupported_tag(pos, &tag))
            }
            Event::SequenceStart(_, anchor, _) => self.open(pos, anchor, Body::Seq(Vec::new())),
            Event::MappingStart(_, anchor, _) => self.open(
                pos,
                anchor,
                Body::Map {
                    entries: Vec::new(),
                    key: None,
                    merge_next: false,
                    merges: Vec::new(),
                },
            ),
            Event::SequenceEnd | Event::MappingEnd => self.close(pos),
            Event::Alias(id) => self.alias(pos, id),
            Event::DocumentStart(..) if self.root.is_some() => Err(error(
                pos,
                "a second YAML document (after ---): a zone file holds one document",
            )),
            _ => Ok(()),
        }
    }

    /// A scalar: a merge key (`<<`), an `!include`, a null, or a value.
    fn scalar(
        &mut self,
        pos: Pos,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Cow<'_, Tag>>,
    ) -> Result<(), SyntaxError> {
        let plain = style == ScalarStyle::Plain;
        if plain
            && tag.is_none()
            && value == "<<"
            && let Some(Frame {
                body:
                    Body::Map {
                        key: None,
                        merge_next,
                        ..
                    },
                ..
            }) = self.stack.last_mut()
        {
            *merge_next = true;
            return Ok(());
        }
        if let Some(tag) = tag.filter(|t| !t.is_yaml_core_schema()) {
            if tag.parts() == ("!", "include") {
                let kind = Kind::Include(value.into_owned());
                return self.complete(Node { pos, kind }, anchor);
            }
            return Err(unsupported_tag(pos, tag));
        }
        let null = core_tag(tag, "null")
            || (plain && tag.is_none() && matches!(&*value, "" | "~" | "null" | "Null" | "NULL"));
        let kind = if null {
            Kind::Null
        } else {
            Kind::Scalar {
                text: value.into_owned(),
                plain: plain && tag.is_none(),
            }
        };
        self.complete(Node { pos, kind }, anchor)
    }

    /// The end of a sequence or mapping: its node completed (a mapping's merges applied and
    /// duplicate keys refused; the top level's entries went out as they were read).
    fn close(&mut self, pos: Pos) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Err(error(pos, "unbalanced end of a collection"));
        };
        let kind = match frame.body {
            Body::Seq(items) => Kind::Seq(items),
            Body::Map { merges, .. } if self.stack.is_empty() => {
                for (key, value) in merge(Vec::new(), merges)? {
                    if key.scalar().is_none_or(|k| !self.top_keys.contains(k)) {
                        (self.top)(key, value);
                    }
                }
                Kind::Map(Vec::new())
            }
            Body::Map {
                entries, merges, ..
            } => Kind::Map(merge(check_duplicates(entries)?, merges)?),
        };
        let node = Node {
            pos: frame.pos,
            kind,
        };
        self.complete(node, frame.anchor)
    }

    /// An alias: the anchored node again, within the limits on aliases and their expansion.
    fn alias(&mut self, pos: Pos, id: usize) -> Result<(), SyntaxError> {
        self.aliases += 1;
        if self.aliases > MAX_ALIASES {
            return Err(error(
                pos,
                format!("more than {MAX_ALIASES} aliases; write the values out"),
            ));
        }
        let Some(target) = self.anchors.get(&id) else {
            return Err(error(pos, "an alias to an anchor that is not defined"));
        };
        self.alias_nodes += target.size();
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(error(
                pos,
                format!(
                    "aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?); write the values out"
                ),
            ));
        }
        let node = Node {
            pos,
            kind: target.kind.clone(),
        };
        self.complete(node, 0)
    }

    fn open(&mut self, pos: Pos, anchor: usize, body: Body) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error(
                pos,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.stack.push(Frame { pos, anchor, body });
        Ok(())
    }

    /// A finished node goes into the collection being read, or becomes the document.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let top_level = self.stack.len() == 1;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame {
                body: Body::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                body:
                    Body::Map {
                        entries,
                        key,
                        merge_next,
                        merges,
                    },
                ..
            }) => {
                if std::mem::take(merge_next) {
                    merges.push(node);
                } else if let Some(k) = key.take() {
                    if top_level {
                        if let Some(text) = k.scalar()
                            && !self.top_keys.insert(text.to_string())
                        {
                            return Err(duplicate(&k));
                        }
                        (self.top)(k, node);
                    } else {
                        entries.push((k, node));
                    }
                } else {
                    *key = Some(node);
                }
            }
        }
        Ok(())
    }
}

fn duplicate(k: &Node) -> SyntaxError {
    SyntaxError {
        pos: k.pos,
        message: format!(
            "duplicate mapping key `{}`",
            k.scalar().unwrap_or("(a collection)")
        ),
        duplicate_key: true,
        unsupported_tag: false,
    }
}

/// Refuses a key written twice in one mapping, at the second one.
fn check_duplicates(entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, SyntaxError> {
    if entries.len() <= 16 {
        for (i, (k, _)) in entries.iter().enumerate() {
            if let Some(text) = k.scalar()
                && entries[..i].iter().any(|(p, _)| p.scalar() == Some(text))
            {
                return Err(duplicate(k));
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(entries.len());
        for (k, _) in &entries {
            if let Some(text) = k.scalar()
                && !seen.insert(text)
            {
                return Err(duplicate(k));
            }
        }
    }
    Ok(entries)
}

/// Adds the entries of merged mappings (`<<: *defaults`, or a list of them) whose keys the
/// mapping does not have itself.
fn merge(
    mut entries: Vec<(Node, Node)>,
    merges: Vec<Node>,
) -> Result<Vec<(Node, Node)>, SyntaxError> {
    let mut sources = Vec::new();
    for m in merges {
        match m.kind {
            Kind::Map(e) => sources.push(e),
            Kind::Seq(items) => {
                for item in items {
                    match item.kind {
                        Kind::Map(e) => sources.push(e),
                        _ => return Err(error(item.pos, "a merge key (<<) takes mappings")),
                    }
                }
            }
            _ => {
                return Err(error(
                    m.pos,
                    "a merge key (<<) takes a mapping or a list of them",
                ));
            }
        }
    }
    for source in sources {
        for (k, v) in source {
            let present = k
                .scalar()
                .is_some_and(|text| entries.iter().any(|(e, _)| e.scalar() == Some(text)));
            if !present {
                entries.push((k, v));
            }
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_scalars_keep_their_source_text() {
        let node = parse("a: {t: 0123, y: yes, f: 1.50, s: 'x'}\n").unwrap();
        let Kind::Map(top) = node.kind else { panic!() };
        let Kind::Map(inner) = &top[0].1.kind else {
            panic!()
        };
        let texts: Vec<_> = inner
            .iter()
            .map(|(_, v)| v.scalar().unwrap().to_string())
            .collect();
        assert_eq!(texts, ["0123", "yes", "1.50", "x"]);
        assert_eq!(
            inner[1].1.pos,
            Pos {
                line: 1,
                column: 17
            }
        );
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let e = parse("www:\n  type: A\n   value: [1\n").unwrap_err();
        assert_eq!(e.pos.line, 3);
        assert!(!e.message.contains("-->"), "{}", e.message);
    }

    #[test]
    fn duplicate_keys_are_flagged() {
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert!(e.duplicate_key);
        assert_eq!(e.pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn anchors_aliases_and_merge_keys_expand() {
        let node = parse(
            "d: &d {type: A, ttl: 60}
w:
  <<: *d
  ttl: 300
x: *d
",
        )
        .unwrap();
        let Kind::Map(top) = node.kind else { panic!() };
        let Kind::Map(w) = &top[1].1.kind else {
            panic!()
        };
        let fields: Vec<_> = w
            .iter()
            .map(|(k, v)| (k.scalar().unwrap(), v.scalar().unwrap()))
            .collect();
        // The explicit key wins over the merged one.
        assert_eq!(fields, [("ttl", "300"), ("type", "A")]);
        assert!(matches!(&top[2].1.kind, Kind::Map(x) if x.len() == 2));
    }

    #[test]
    fn octal_looking_numbers_are_no_whole_numbers() {
        let n = |text: &str| Node {
            pos: Pos::START,
            kind: Kind::Scalar {
                text: text.into(),
                plain: true,
            },
        };
        assert_eq!(n("300").whole_number(), Some(300));
        assert_eq!(n("0").whole_number(), Some(0));
        assert_eq!(n("+300").whole_number(), Some(300));
        assert_eq!(
            n("0900").whole_number(),
            Some(900),
            "no octal: YAML 1.1 reads 900 too"
        );
        for octal in ["0300", "010", "+0300", "00"] {
            assert_eq!(n(octal).whole_number(), None, "{octal}");
        }
        assert!(
            n("0300")
                .octal_note()
                .contains("octal number 192, dns would read 300")
        );
        assert_eq!(n("-5").octal_note(), "");
    }

    /// What PyYAML (octoDNS's reader) prints for each, checked by hand with
    /// `python3 -c 'import yaml; print(str(yaml.safe_load("v: TEXT")["v"]))'`.
    #[test]
    fn yaml_1_1_readings_of_plain_scalars() {
        let n = |text: &str, plain: bool| Node {
            pos: Pos::START,
            kind: Kind::Scalar {
                text: text.into(),
                plain,
            },
        };
        let read = |text: &str| n(text, true).yaml11_reading();
        let number = |v: &str| Some(format!("the number {v} (the text '{v}')"));
        assert_eq!(read("0123"), number("83"));
        assert_eq!(read("0x1F"), number("31"));
        assert_eq!(read("0b101"), number("5"));
        assert_eq!(read("1_000"), number("1000"));
        assert_eq!(read("12:30"), number("750"));
        assert_eq!(read("+5"), number("5"));
        assert_eq!(read("1.50"), number("1.5"));
        assert_eq!(read("1."), number("1.0"));
        assert_eq!(read(".5"), number("0.5"));
        assert_eq!(read("1:30.5"), Some("a number".into()));
        assert_eq!(
            read("yes"),
            Some("the boolean True (the text 'True')".into())
        );
        assert_eq!(
            read("Off"),
            Some("the boolean False (the text 'False')".into())
        );
        // The same text either way, or no number at all in YAML 1.1.
        for same in [
            "123",
            "0",
            "0.5",
            "1.5",
            "08",
            "1e3",
            "0o17",
            "letsencrypt.org",
            "1.2.3",
            "yess",
            "12:60",
            "-",
            "0x",
            "0b",
            "_1",
        ] {
            assert_eq!(read(same), None, "{same}");
        }
        assert_eq!(n("0123", false).yaml11_reading(), None, "quoted: text");
        assert_eq!(
            n("0300", false).whole_number(),
            Some(300),
            "quoted: octoDNS's int() reads 300"
        );
    }

    #[test]
    fn nulls_are_nulls_and_quoted_nulls_are_text() {
        let node = parse(
            "a: ~
b:
c: 'null'
d: !!str null
",
        )
        .unwrap();
        let Kind::Map(top) = node.kind else { panic!() };
        let kinds: Vec<_> = top.iter().map(|(_, v)| v.scalar()).collect();
        assert_eq!(kinds, [None, None, Some("null"), Some("null")]);
    }

    #[test]
    fn a_second_document_and_undefined_aliases_are_refused() {
        assert_eq!(
            parse(
                "a: 1
---
b: 2
"
            )
            .unwrap_err()
            .pos
            .line,
            2
        );
        assert!(
            parse(
                "a: *nothing
"
            )
            .is_err()
        );
    }
}
