//! A YAML document as a tree whose every node knows its line and column.
//!
//! serde-saphyr parses the text (YAML 1.2, with a budget against alias bombs and deep nesting)
//! and [`serde_saphyr::Spanned`] gives each node its location. Scalars keep their *source text*
//! when YAML would have typed them (`yes`, `0123`, `1e3`, `~`): a zone file value is text, and a
//! TXT record of `0123` must not become `123`.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

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
    /// Any scalar, as text. `typed` is true when YAML would have read it as a bool or number.
    Scalar {
        text: String,
        typed: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A short description for messages: "a list", "a mapping", ...
    pub fn what(&self) -> &'static str {
        match self.kind {
            Kind::Null => "nothing (null)",
            Kind::Scalar { .. } => "a single value",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax error, positioned.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
    pub duplicate_key: bool,
}

/// Parses a YAML document into a positioned tree.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    // YAML 1.2, duplicate keys refused, and a parsing budget against alias bombs and deep
    // nesting; its node and event caps are raised so that zones of millions of records load
    // (the default 250,000 nodes stops near 60,000 records).
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 50_000_000;
    budget.max_events = 100_000_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    SOURCE.with(|s| *s.borrow_mut() = Rc::from(text));
    let parsed = serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options).map(convert);
    SOURCE.with(|s| *s.borrow_mut() = Rc::from(""));
    match parsed {
        Ok(node) => Ok(node),
        Err(err) => {
            let pos = err
                .location()
                .map(|l| Pos {
                    line: l.line().max(1),
                    column: l.column().max(1),
                })
                .unwrap_or(Pos::START);
            let message = first_line(&err.without_snippet().to_string());
            let duplicate_key = message.contains("duplicate mapping key");
            Err(SyntaxError {
                pos,
                message,
                duplicate_key,
            })
        }
    }
}

/// The message without the location prefix and snippet serde-saphyr may add.
fn first_line(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("-->") && !l.starts_with('|'))
        .unwrap_or(message);
    let line = line.trim_start_matches("error: ");
    // Drop serde-saphyr's advice about its own options: it is not the user's to act on.
    let line = line
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(line);
    // The position is reported separately.
    let line = match line.rfind(" at line ") {
        Some(i) if line[i..].contains(", column ") => &line[..i],
        _ => line,
    };
    line.to_string()
}

thread_local! {
    /// The text being parsed, for the source text of typed scalars while serde builds the tree.
    static SOURCE: RefCell<Rc<str>> = RefCell::new(Rc::from(""));
}

/// Turns a located value into a node as soon as serde hands it over, so that only the compact
/// tree (a line and column per node) is ever held, not serde-saphyr's two locations per node.
fn convert(raw: Spanned<Raw>) -> Node {
    let loc = raw.referenced;
    let pos = Pos {
        line: loc.line().max(1),
        column: loc.column().max(1),
    };
    let source_text = || {
        let span = loc.span();
        let start = span.byte_offset()? as usize;
        let len = span.byte_len()? as usize;
        SOURCE.with(|s| {
            s.borrow()
                .get(start..start.checked_add(len)?)
                .map(str::to_string)
        })
    };
    let kind = match raw.value {
        Raw::Null => Kind::Null,
        Raw::Str(text) => Kind::Scalar { text, typed: false },
        Raw::Typed(fallback) => Kind::Scalar {
            text: source_text().filter(|t| !t.is_empty()).unwrap_or(fallback),
            typed: true,
        },
        Raw::Seq(items) => Kind::Seq(items),
        Raw::Map(entries) => Kind::Map(entries),
    };
    Node { pos, kind }
}

/// What serde hands us, before the source text is consulted.
enum Raw {
    Null,
    Str(String),
    /// A bool or number, with serde's rendering as the fallback text.
    Typed(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Typed(v.to_string()))
    }
    fn visit_char<E>(self, v: char) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(convert(item));
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Spanned<Raw>, Spanned<Raw>>()? {
            entries.push((convert(key), convert(value)));
        }
        Ok(Raw::Map(entries))
    }
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
}
