//! Text from the network made safe for a terminal, in one low place: the reports, the runs of
//! many zones and sync's messages all escape through it.

use std::borrow::Cow;

/// Text from the network made safe for a terminal: control characters (C0, DEL, C1) and
/// bidirectional overrides are written as `\DDD` (as in master files) or `\u{…}`; everything
/// else is kept as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\{:03}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        }
    }
    Cow::Owned(out)
}
