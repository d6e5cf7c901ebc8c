//! RFC 1035 §5 master files, read by our own reader: hickory-proto 0.26's zone-file parser
//! loses the values of records written across lines in parentheses, joins the strings of a TXT
//! record, and decodes `\DDD` wrongly, and its errors carry no line. This reader keeps every
//! octet and every string, and says `file:line` for everything it cannot represent.
//!
//! What it reads: entries across lines in `( )`, comments, quoted and unquoted character-strings
//! with `\X` and `\DDD` escapes, a blank owner (the previous one), TTL and class in either order,
//! TTLs with units (`1h30m`), `$ORIGIN`, `$TTL`, `$INCLUDE` (relative to the including file).
//! What it refuses, with the line: `$GENERATE`, classes other than IN, RFC 3597 `\#` data, and
//! record types the zone model does not hold (named, with what to do).

use std::path::{Path, PathBuf};

use super::name;
use super::text::{self, Field};
use super::{Name, RType};

/// A problem at a line of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: String,
    pub line: usize,
    pub rule: &'static str,
    pub message: String,
}

impl Issue {
    pub fn new(file: &str, line: usize, rule: &'static str, message: String) -> Issue {
        Issue {
            file: file.to_string(),
            line,
            rule,
            message,
        }
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.rule, self.message
        )
    }
}

pub use super::text::Value;

/// One record, where it was written.
#[derive(Debug, Clone)]
pub struct Record {
    pub file: String,
    pub line: usize,
    pub owner: Name,
    /// The owner with its case as written (BIND's runs of one owner tell `t` from `T`).
    pub written_owner: Name,
    /// As BIND decides it: the record's own, else `$TTL`, else the last TTL given, else (the
    /// SOA only) its minimum, which then stands in for `$TTL`.
    pub ttl: u32,
    /// The TTL was given on the record itself.
    pub explicit_ttl: bool,
    /// `None` for the SOA.
    pub rtype: Option<RType>,
    pub value: Value,
}

/// What a file holds.
#[derive(Debug, Default)]
pub struct Read {
    pub records: Vec<Record>,
    pub issues: Vec<Issue>,
    /// The first `$ORIGIN`, and the owner of the SOA: what names the zone when no ZONE is given.
    pub first_origin: Option<Name>,
    pub soa_owner: Option<Name>,
    /// The first `$TTL`.
    pub ttl_directive: Option<u32>,
    /// What was decided where the file says nothing (as BIND does, with its warning).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
struct Token {
    text: Vec<u8>,
    quoted: bool,
    escaped: bool,
    /// An escape that stands for something other than a letter, digit, `-` or `_` (`\.` inside
    /// a label, `\@`, `\*`, an octet over 127): a name here cannot hold it, and reading it as
    /// the plain character would change the name (`\@` is a label `@`, not the apex).
    escaped_special: bool,
}

impl Token {
    fn str(&self) -> String {
        String::from_utf8_lossy(&self.text).into_owned()
    }

    fn field(&self) -> Field<'_> {
        Field {
            text: &self.text,
            quoted: self.quoted,
            special: self.escaped_special,
        }
    }
}

/// One entry: a line, or lines joined by parentheses.
struct Entry {
    line: usize,
    /// The line began with a space: the owner is the previous one.
    blank_owner: bool,
    tokens: Vec<Token>,
}

/// Splits a file into entries of tokens.
fn entries(text: &str, file: &str, issues: &mut Vec<Issue>) -> Vec<Entry> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut depth = 0usize;
    let mut current: Option<Entry> = None;
    let mut at_line_start = true;
    let issue = |line, rule, message| Issue::new(file, line, rule, message);
    while i < b.len() {
        if at_line_start && depth == 0 {
            if let Some(e) = current.take().filter(|e| !e.tokens.is_empty()) {
                out.push(e);
            }
            current = Some(Entry {
                line,
                blank_owner: matches!(b[i], b' ' | b'\t'),
                tokens: Vec::new(),
            });
        }
        at_line_start = false;
        let Some(entry) = current.as_mut() else {
            break;
        };
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' => {
                line += 1;
                i += 1;
                at_line_start = true;
            }
            b';' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                if depth == 0 {
                    issues.push(issue(line, "master.syntax", "')' without '('".into()));
                } else {
                    depth -= 1;
                }
                i += 1;
            }
            b'"' => {
                let (token, next, closed) = quoted(b, i + 1, &mut |why| {
                    issues.push(issue(line, "master.syntax", why))
                });
                if !closed {
                    issues.push(issue(
                        line,
                        "master.syntax",
                        "a quoted string is not closed on its line".into(),
                    ));
                }
                entry.tokens.push(token);
                i = next;
            }
            _ => {
                let (token, next) = word(b, i, &mut |why| {
                    issues.push(issue(line, "master.syntax", why))
                });
                entry.tokens.push(token);
                i = next;
            }
        }
    }
    if depth > 0 {
        let at = current.as_ref().map_or(line, |e| e.line);
        issues.push(issue(at, "master.syntax", "'(' is never closed".into()));
    }
    if let Some(e) = current.filter(|e| !e.tokens.is_empty()) {
        out.push(e);
    }
    out
}

/// A quoted string from `i` (after its `"`) to its closing `"` on the same line: the token,
/// where reading goes on, and whether it was closed. Bad escapes are told to `bad`.
fn quoted(b: &[u8], mut i: usize, bad: &mut dyn FnMut(String)) -> (Token, usize, bool) {
    let mut text = Vec::new();
    let mut escaped = false;
    let mut closed = false;
    while i < b.len() {
        match b[i] {
            b'"' => {
                closed = true;
                i += 1;
                break;
            }
            b'\\' => {
                escaped = true;
                i = unescape_at(b, i, &mut text).unwrap_or_else(|(next, why)| {
                    bad(why);
                    next
                });
            }
            b'\n' => break,
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    let token = Token {
        text,
        quoted: true,
        escaped,
        escaped_special: false,
    };
    (token, i, closed)
}

/// A bare word from `i` to the next space, parenthesis, comment or quote: the token and where
/// reading goes on. Bad escapes are told to `bad`.
fn word(b: &[u8], mut i: usize, bad: &mut dyn FnMut(String)) -> (Token, usize) {
    let mut text = Vec::new();
    let mut escaped = false;
    let mut escaped_special = false;
    while i < b.len()
        && !matches!(
            b[i],
            b' ' | b'\t' | b'\r' | b'\n' | b'(' | b')' | b';' | b'"'
        )
    {
        if b[i] == b'\\' {
            escaped = true;
            let before = text.len();
            i = unescape_at(b, i, &mut text).unwrap_or_else(|(next, why)| {
                bad(why);
                next
            });
            escaped_special |= text[before..]
                .iter()
                .any(|c| !(c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_'));
        } else {
            text.push(b[i]);
            i += 1;
        }
    }
    let token = Token {
        text,
        quoted: false,
        escaped,
        escaped_special,
    };
    (token, i)
}

/// A record type as written, upper case: RFC 3597 §5's `TYPE15` is MX; a number no type has
/// stays as written (and is refused as an unknown type).
fn type_name(upper: String) -> String {
    match upper
        .strip_prefix("TYPE")
        .and_then(|n| n.parse::<u16>().ok())
    {
        Some(n) => match hickory_proto::rr::RecordType::from(n) {
            hickory_proto::rr::RecordType::Unknown(_) => upper,
            known => known.to_string(),
        },
        None => upper,
    }
}

/// Decodes the escape at `b[i]` (a backslash) into `out`: the index after it, or what is wrong
/// with it (RFC 1035 §5.1: `\X` is X, `\DDD` an octet in exactly three decimal digits). As BIND,
/// a digit escape of one or two digits, `\256` and above, and a backslash that ends the line
/// or the file are refused, not read as something else.
fn unescape_at(b: &[u8], i: usize, out: &mut Vec<u8>) -> Result<usize, (usize, String)> {
    let digits = b[i + 1..]
        .iter()
        .take(3)
        .take_while(|c| c.is_ascii_digit())
        .count();
    match (digits, b.get(i + 1)) {
        (3, _) => {
            let d = &b[i + 1..i + 4];
            let v = d.iter().fold(0u32, |v, c| v * 10 + u32::from(c - b'0'));
            match u8::try_from(v) {
                Ok(octet) => {
                    out.push(octet);
                    Ok(i + 4)
                }
                Err(_) => Err((
                    i + 4,
                    format!("the escape \\{v} is not an octet (\\DDD is 000 to 255)"),
                )),
            }
        }
        (1 | 2, _) => Err((
            i + 1 + digits,
            format!(
                "the escape \\{} has {digits} digit(s): a decimal escape is exactly three (\\DDD), and another character after a backslash is that character",
                String::from_utf8_lossy(&b[i + 1..i + 1 + digits])
            ),
        )),
        (_, Some(&c)) if c != b'\n' && c != b'\r' => {
            out.push(c);
            Ok(i + 2)
        }
        _ => Err((
            i + 1,
            "a backslash ends the line: it escapes nothing".to_string(),
        )),
    }
}

/// A TTL: seconds, or BIND's units (`1w2d3h4m5s`, case-insensitive).
pub fn parse_ttl(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|c| c.is_ascii_digit()) {
        return text
            .parse::<u64>()
            .ok()
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v <= 0x7fff_ffff);
    }
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    if number.is_some() {
        return None;
    }
    u32::try_from(total).ok().filter(|v| *v <= 0x7fff_ffff)
}

/// Reads a master file (and what it includes). `origin` is where relative names start: the
/// ZONE argument, or the file's own `$ORIGIN`.
pub fn read(text: &str, file: &Path, origin: Option<Name>) -> Read {
    let mut r = Read::default();
    let mut state = State {
        origin,
        default_ttl: None,
        last_ttl: None,
        last_owner: None,
    };
    read_into(text, file, &mut state, &mut r, 0);
    r
}

struct State {
    origin: Option<Name>,
    default_ttl: Option<u32>,
    last_ttl: Option<u32>,
    last_owner: Option<Name>,
}

const MAX_INCLUDE_DEPTH: usize = 8;

fn read_into(text: &str, path: &Path, st: &mut State, r: &mut Read, depth: usize) {
    let file = path.display().to_string();
    let mut issues = Vec::new();
    let list = entries(text, &file, &mut issues);
    r.issues.append(&mut issues);
    for e in list {
        let first = e.tokens[0].str();
        if e.blank_owner || !first.starts_with('$') {
            if let Some(record) = record(&e, st, r, &file) {
                r.records.push(record);
            }
            continue;
        }
        if let Err((rule, message)) = directive(&e, &first, path, st, r, depth) {
            r.issues.push(Issue::new(&file, e.line, rule, message));
        }
    }
}

/// `$ORIGIN`, `$TTL` and `$INCLUDE` (read in place); `$GENERATE` and others refused.
fn directive(
    e: &Entry,
    first: &str,
    path: &Path,
    st: &mut State,
    r: &mut Read,
    depth: usize,
) -> Result<(), Refusal> {
    let arg = e.tokens.get(1).map(Token::str);
    match first.to_ascii_uppercase().as_str() {
        "$ORIGIN" => {
            let name = arg.ok_or(("master.origin", "$ORIGIN needs a name".to_string()))?;
            let o = absolute(&name, st.origin.as_ref()).map_err(|m| ("master.origin", m))?;
            r.first_origin.get_or_insert_with(|| o.clone());
            st.origin = Some(o);
        }
        "$TTL" => {
            let ttl = arg.as_deref().and_then(parse_ttl).ok_or_else(|| {
                let found = arg.clone().unwrap_or_default();
                let message =
                    format!("$TTL needs a TTL in seconds (or 1h, 2d…), found {found:?}");
                ("master.ttl", message)
            })?;
            st.default_ttl = Some(ttl);
            r.ttl_directive.get_or_insert(ttl);
        }
        "$INCLUDE" => {
            let name = arg.ok_or(("master.include", "$INCLUDE needs a file name".to_string()))?;
            include(e, &name, path, st, r, depth)?;
        }
        "$GENERATE" => return Err((
            "master.generate",
            "$GENERATE is not supported: write the records it would make (named-checkzone -D prints them)".into(),
        )),
        other => return Err(("master.directive", format!("unknown directive {other}"))),
    }
    Ok(())
}

/// `$INCLUDE name [origin]`: the file read in place. An origin given with it, and any
/// `$ORIGIN` or owner inside the file, hold inside it only (BIND): the parent goes on with its
/// own.
fn include(
    e: &Entry,
    name: &str,
    path: &Path,
    st: &mut State,
    r: &mut Read,
    depth: usize,
) -> Result<(), Refusal> {
    if depth >= MAX_INCLUDE_DEPTH {
        return Err((
            "master.include",
            format!(
                "$INCLUDE {name}: more than {MAX_INCLUDE_DEPTH} levels of includes (a file that includes itself?)"
            ),
        ));
    }
    let target = include_path(path, name);
    let included = super::read_text(&target).map_err(|err| {
        let message = format!("$INCLUDE {}: cannot be read: {err}", target.display());
        ("master.include", message)
    })?;
    let saved = st.origin.clone();
    let saved_owner = st.last_owner.clone();
    if let Some(o) = e.tokens.get(2).map(Token::str) {
        let o = absolute(&o, st.origin.as_ref()).map_err(|m| ("master.origin", m))?;
        st.origin = Some(o);
    }
    read_into(&included, &target, st, r, depth + 1);
    st.origin = saved;
    st.last_owner = saved_owner;
    Ok(())
}

fn include_path(including: &Path, name: &str) -> PathBuf {
    let p = Path::new(name);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    including
        .parent()
        .map_or_else(|| p.to_path_buf(), |dir| dir.join(p))
}

/// A name from a master file: absolute (with its dot), `@`, or relative to the origin.
fn absolute(text: &str, origin: Option<&Name>) -> Result<Name, String> {
    if text == "@" {
        return origin
            .cloned()
            .ok_or_else(|| "'@' but no $ORIGIN yet (give the zone name)".to_string());
    }
    if text == "." {
        return Ok(Name::root());
    }
    if text.ends_with('.') {
        return name::parse_zone(text).map_err(|e| format!("'{text}': {e}"));
    }
    let Some(origin) = origin else {
        return Err(format!(
            "'{text}' is relative but there is no $ORIGIN yet (give the zone name)"
        ));
    };
    let full = if origin.is_root() {
        format!("{text}.")
    } else {
        format!("{text}.{}", origin.to_ascii())
    };
    name::parse_zone(&full).map_err(|e| format!("'{text}': {e}"))
}

/// `read` (a name as `record_name` reads it: lowercased) with its letters' case as `text` writes
/// them; `read` itself where the text is no plain ASCII name.
fn as_written(text: &str, origin: Option<&Name>, read: Name) -> Name {
    let written = match text {
        "@" => origin.cloned(),
        _ => Name::from_ascii(text).ok().and_then(|n| {
            if n.is_fqdn() {
                Some(n)
            } else {
                n.append_domain(origin?).ok()
            }
        }),
    };
    written.filter(|w| *w == read).unwrap_or(read)
}

/// A name in a record. Escapes are read (`\078\083\049` is `NS1`); a dot inside a label
/// (`host\.one`) and octets a host name cannot hold are refused.
fn record_name(t: &Field, origin: Option<&Name>) -> Result<Name, String> {
    if t.quoted || t.special {
        return Err(format!(
            "'{}': {} (dns names hosts: letters, digits, '-' and '_'; escapes of those are read)",
            t.str(),
            if t.quoted {
                "a quoted name"
            } else {
                "an escaped character that a name here cannot hold (a dot inside a label, '@', '*', an octet over 127)"
            }
        ));
    }
    let text = t.str();
    if text.contains('*') && !(text == "*" || text.starts_with("*.")) {
        return Err(format!(
            "'{text}': '*' may only stand alone as the leftmost label"
        ));
    }
    if let Some(rest) = text.strip_prefix("*.") {
        return absolute(rest, origin).and_then(|n| {
            Name::from_ascii("*")
                .and_then(|w| w.append_domain(&n))
                .map_err(|e| e.to_string())
        });
    }
    if text == "*" {
        let o = origin.ok_or("'*' but no $ORIGIN yet")?;
        return Name::from_ascii("*")
            .and_then(|w| w.append_domain(o))
            .map_err(|e| e.to_string());
    }
    absolute(&text, origin)
}

const CLASSES: [&str; 5] = ["IN", "CH", "CS", "HS", "ANY"];

/// A problem with one record: its rule and what is wrong.
type Refusal = (&'static str, String);

fn record(e: &Entry, st: &mut State, r: &mut Read, file: &str) -> Option<Record> {
    match read_record(e, st, r, file) {
        Ok(record) => record,
        Err((rule, message)) => {
            r.issues.push(Issue::new(file, e.line, rule, message));
            None
        }
    }
}

/// One entry as a record (`None`: an entry with nothing in it).
fn read_record(
    e: &Entry,
    st: &mut State,
    r: &mut Read,
    file: &str,
) -> Result<Option<Record>, Refusal> {
    let mut tokens = e.tokens.iter();
    let written_owner = if e.blank_owner {
        st.last_owner.clone().ok_or((
            "master.owner",
            "a record without an owner name, and no record before it".to_string(),
        ))?
    } else {
        let Some(t) = tokens.next() else {
            return Ok(None);
        };
        let n = record_name(&t.field(), st.origin.as_ref()).map_err(|m| ("master.name", m))?;
        as_written(&t.str(), st.origin.as_ref(), n)
    };
    st.last_owner = Some(written_owner.clone());
    let owner = written_owner.to_lowercase();
    let (ttl, rtype_text) = ttl_class_type(&mut tokens, &owner)?;
    let explicit_ttl = ttl.is_some();
    if let Some(t) = ttl {
        st.last_ttl = Some(t);
    }
    // BIND's order: the record's own TTL, `$TTL`, the last TTL stated (RFC 1035 §5.1); with
    // none of them, only an SOA can go on (with its minimum, below); anything else is refused.
    let ttl = ttl.or(st.default_ttl).or(st.last_ttl);
    let rdata: Vec<&Token> = tokens.collect();
    let what = format!("{} {rtype_text}", owner.to_ascii());
    if rdata
        .first()
        .is_some_and(|t| !t.quoted && t.escaped && t.text == b"#")
    {
        return Err((
            "master.generic-rdata",
            format!(
                "{what}: RFC 3597 generic data (\\#) is not supported; write the record in its type's own form"
            ),
        ));
    }
    let origin = st.origin.clone();
    let target = |t: &Field| record_name(t, origin.as_ref()).map(|n| n.to_lowercase());
    let fields: Vec<Field> = rdata.iter().map(|t| t.field()).collect();
    let value = match RType::parse(&rtype_text) {
        // The supported types, read as Route 53's values are (zone::text).
        Some(rt) => text::value(rt, &fields, &target).map(|v| (Some(rt), v)),
        None if rtype_text == "SOA" => soa(&fields, &owner, ttl, st, r).map(|v| (None, v)),
        None => Err(unsupported(&rtype_text)),
    };
    let (rtype, value) = value.map_err(|m| {
        let known = RType::parse(&rtype_text).is_some() || rtype_text == "SOA";
        let rule = if known { "master.rdata" } else { "master.type" };
        (rule, format!("{what}: {m}"))
    })?;
    let ttl = match (ttl, &value) {
        (Some(ttl), _) => ttl,
        (None, Value::Soa { minimum }) => {
            // As BIND: the SOA takes its minimum, which becomes the default TTL.
            r.notes.push(format!(
                "{file}:{}: no TTL given before the SOA and no $TTL: the SOA minimum ({minimum} s) is the default TTL, as BIND does",
                e.line
            ));
            *minimum
        }
        (None, _) => return Err(no_ttl(&what)),
    };
    Ok(Some(Record {
        file: file.to_string(),
        line: e.line,
        owner,
        written_owner,
        ttl,
        explicit_ttl,
        rtype,
        value,
    }))
}

fn no_ttl(what: &str) -> Refusal {
    (
        "master.ttl",
        format!(
            "{what}: no TTL, no $TTL before it and no TTL stated earlier (BIND refuses this too): add a TTL or a $TTL line"
        ),
    )
}

/// `[TTL] [CLASS] TYPE`, TTL and class in either order: the TTL if one is given, and the type
/// (refused: a bad TTL, no type, a class other than IN).
fn ttl_class_type<'t>(
    tokens: &mut impl Iterator<Item = &'t Token>,
    owner: &Name,
) -> Result<(Option<u32>, String), Refusal> {
    let mut ttl = None;
    let mut class = None;
    let rtype_text = loop {
        let Some(t) = tokens.next() else {
            return Err((
                "master.syntax",
                format!("{}: no record type", owner.to_ascii()),
            ));
        };
        let word = t.str();
        let upper = word.to_ascii_uppercase();
        if ttl.is_none() && !t.quoted && word.starts_with(|c: char| c.is_ascii_digit()) {
            let v = parse_ttl(&word).ok_or(("master.ttl", format!("'{word}' is not a TTL")))?;
            ttl = Some(v);
            continue;
        }
        if class.is_none()
            && (CLASSES.contains(&upper.as_str())
                || upper.starts_with("CLASS")
                    && upper.len() > 5
                    && upper[5..].bytes().all(|c| c.is_ascii_digit()))
        {
            class = Some(upper);
            continue;
        }
        break type_name(upper);
    };
    if let Some(c) = class.filter(|c| c != "IN") {
        return Err((
            "master.class",
            format!(
                "{} {rtype_text}: class {c}; dns keeps Internet (IN) records only",
                owner.to_ascii()
            ),
        ));
    }
    Ok((ttl, rtype_text))
}

/// The apex SOA: its minimum, which is the default TTL when none is given before it (as BIND);
/// the file's one SOA, whose owner is where relative names start without `$ORIGIN`.
fn soa(
    fields: &[Field],
    owner: &Name,
    ttl: Option<u32>,
    st: &mut State,
    r: &mut Read,
) -> Result<Value, String> {
    if r.soa_owner.as_ref().is_some_and(|o| o != owner) {
        return Err("a second SOA record: a file holds one zone, whose apex has the SOA".into());
    }
    r.soa_owner = Some(owner.clone());
    // Without $ORIGIN or a zone name, the SOA's owner is where `@` and relative names start
    // (as BIND's zone name would be).
    st.origin.get_or_insert_with(|| owner.clone());
    match fields.get(6).and_then(|m| parse_ttl(&m.str())) {
        Some(minimum) if fields.len() == 7 => {
            if ttl.is_none() {
                st.default_ttl = Some(minimum);
            }
            Ok(Value::Soa { minimum })
        }
        _ => Err(
            "an SOA record has 7 fields: mname rname serial refresh retry expire minimum".into(),
        ),
    }
}

/// Why a type other than the supported ones and the SOA is refused.
fn unsupported(rtype: &str) -> String {
    match rtype {
        "SPF" => {
            "the SPF record type is obsolete (RFC 7208 §3.1): write the same text as a TXT record"
                .into()
        }
        "DNSKEY" | "RRSIG" | "NSEC" | "NSEC3" | "NSEC3PARAM" | "CDS" | "CDNSKEY" => format!(
            "{rtype} records are DNSSEC signing data: Route 53 signs a zone itself (import the unsigned zone)"
        ),
        other => format!(
            "the record type {other} is not supported by dns (supported: {})",
            RType::ALL.map(|t| t.as_str()).join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Read {
        read(
            text,
            Path::new("t.db"),
            Some(Name::from_ascii("example.com.").unwrap()),
        )
    }

    fn txt(r: &Read) -> Vec<Vec<String>> {
        r.records
            .iter()
            .filter_map(|rec| match &rec.value {
                Value::Txt(t) => Some(
                    t.0.iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn parentheses_comments_and_strings_keep_every_octet() {
        let r = read_text(
            "$TTL 300\n\
             @ CAA ( 0 issue \"letsencrypt.org\" )\n\
             a TXT ( v=spf1 \"-all\" )\n\
             k._domainkey TXT ( \"v=DKIM1; k=rsa; \" ; a comment\n   \"p=MIGf\" )\n\
             w TXT This RRset exists.\n\
             t TXT \"a\\009b\" \"\\\"q\\\"\"\n",
        );
        assert!(r.issues.is_empty(), "{:?}", r.issues);
        match &r.records[0].value {
            Value::Caa(c) => assert_eq!(
                (c.flags, c.tag.as_str(), c.value.as_str()),
                (0, "issue", "letsencrypt.org")
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            txt(&r),
            vec![
                vec!["v=spf1".to_string(), "-all".into()],
                vec!["v=DKIM1; k=rsa; ".into(), "p=MIGf".into()],
                vec!["This".into(), "RRset".into(), "exists.".into()],
                vec!["a\tb".into(), "\"q\"".into()],
            ]
        );
    }

    #[test]
    fn owners_ttls_classes_and_origins() {
        let r = read_text(
            "$ORIGIN example.com.\n\
             www 60 IN A 192.0.2.1\n\
             \x20   IN 120 A 192.0.2.2\n\
             my_host A 192.0.2.3\n\
             $ORIGIN sub.example.com.\n\
             x 1h A 192.0.2.4\n\
             y CH A 192.0.2.5\n",
        );
        let owners: Vec<(String, Option<u32>)> = r
            .records
            .iter()
            .map(|r| (r.owner.to_ascii(), Some(r.ttl)))
            .collect();
        assert_eq!(
            owners,
            vec![
                ("www.example.com.".to_string(), Some(60)),
                ("www.example.com.".into(), Some(120)),
                ("my_host.example.com.".into(), Some(120)),
                ("x.sub.example.com.".into(), Some(3600)),
            ]
        );
        assert_eq!(r.issues.len(), 1);
        assert_eq!((r.issues[0].line, r.issues[0].rule), (7, "master.class"));
    }

    #[test]
    fn what_cannot_be_represented_is_refused_with_its_line() {
        let r = read_text(
            "$TTL 1h\n\
             a SPF \"v=spf1 -all\"\n\
             b DNAME c.example.net.\n\
             c TYPE65534 \\# 1 00\n\
             $GENERATE 1-10 h$ A 192.0.2.$\n\
             d TXT ( \"open\"\n",
        );
        let got: Vec<(usize, &str)> = r.issues.iter().map(|i| (i.line, i.rule)).collect();
        assert_eq!(
            got,
            vec![
                (6, "master.syntax"),
                (2, "master.type"),
                (3, "master.type"),
                (4, "master.generic-rdata"),
                (5, "master.generate"),
            ]
        );
        assert!(r.issues[1].message.contains("obsolete"), "{}", r.issues[1]);
    }

    #[test]
    fn ttls_with_units() {
        assert_eq!(parse_ttl("3600"), Some(3600));
        assert_eq!(parse_ttl("1h30m"), Some(5400));
        assert_eq!(parse_ttl("1W"), Some(604_800));
        assert_eq!(parse_ttl("1x"), None);
        assert_eq!(parse_ttl("h"), None);
        assert_eq!(parse_ttl("5h3"), None);
    }
}
