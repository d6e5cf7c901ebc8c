//! The names a zone file leaves alone: its `ignore:` patterns and the record sets marked
//! `octodns: {ignored: true}`. Read by the plan (sync leaves them alone) and by the check's
//! verification (a server's extra set there is no difference).

use super::{Name, RrKey, Settings, name};

/// Whether the zone file leaves `key` alone: a record set marked `octodns: {ignored: true}`, or
/// a name matched by one of its `ignore:` patterns (relative names; `*` matches any run of
/// characters, dots included; `@` is the apex).
pub fn is_ignored(key: &RrKey, origin: &Name, settings: &Settings) -> bool {
    // `octodns: {ignored: true}` leaves every set of that name and type alone.
    if !settings.ignored_sets.is_empty()
        && settings
            .ignored_sets
            .contains(&RrKey::new(key.name.clone(), key.rtype))
    {
        return true;
    }
    let relative = name::relative(&key.name, origin).to_ascii_lowercase();
    settings.ignore.iter().any(|p| {
        let p = if p == "@" { "" } else { p.as_str() };
        glob(p.as_bytes(), relative.as_bytes())
    })
}

/// Whether `text` matches `pattern`, where `*` matches any run of bytes and every other byte
/// itself. Greedy, going back only to the last star: a star's match is never taken back past
/// the next one, so a pattern of stars costs at most (pattern × text) steps, never the
/// exponential time of trying every split (`*a*a*a*a*a*a*a*a*b`).
pub fn glob(pattern: &[u8], text: &[u8]) -> bool {
    glob_steps(pattern, text).0
}

/// [`glob`], and how many steps it took.
fn glob_steps(pattern: &[u8], text: &[u8]) -> (bool, usize) {
    let (mut p, mut t, mut steps) = (0, 0, 0);
    // The last star seen, and where in the text its match ends for now.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        steps += 1;
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // The last star takes one byte more, and the rest is tried again after it.
                Some((sp, st)) => {
                    star = Some((sp, st + 1));
                    p = sp + 1;
                    t = st + 1;
                }
                None => return (false, steps),
            },
        }
    }
    (pattern[p..].iter().all(|&c| c == b'*'), steps)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_match_as_before() {
        let yes = [
            ("", ""),
            ("*", ""),
            ("*", "www.dev"),
            ("legacy-*", "legacy-app"),
            ("legacy-*", "legacy-"),
            ("*.dev", "a.b.dev"),
            ("_acme-challenge", "_acme-challenge"),
            ("a*b*c", "aXbYc"),
            ("a*b*c", "abc"),
            ("*a*", "banana"),
            ("**", "x"),
            ("*ab", "aab"),
        ];
        for (p, t) in yes {
            assert!(glob(p.as_bytes(), t.as_bytes()), "{p} should match {t}");
        }
        let no = [
            ("", "a"),
            ("a", ""),
            ("legacy-*", "legacy"),
            ("*.dev", "dev"),
            ("a*b*c", "acb"),
            ("*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            ("x*", "yx"),
        ];
        for (p, t) in no {
            assert!(
                !glob(p.as_bytes(), t.as_bytes()),
                "{p} should not match {t}"
            );
        }
    }

    /// The pattern the recursive matcher took exponential time on (`*a*a*a*a*a*a*a*a*b`,
    /// here with 100 stars) against a 253-character name: counted in steps, not timed, at most
    /// pattern × text (the recursive matcher needed more than 253^100/100! tries).
    #[test]
    fn many_stars_are_bounded_by_pattern_times_text() {
        let pattern = "*a".repeat(100) + "b";
        let text = "a".repeat(253);
        let (matched, steps) = super::glob_steps(pattern.as_bytes(), text.as_bytes());
        assert!(!matched);
        assert!(
            steps <= pattern.len() * (text.len() + 1),
            "{steps} steps for a {}-byte pattern and a {}-byte name",
            pattern.len(),
            text.len()
        );
        let near = "*a".repeat(100);
        assert!(super::glob_steps(near.as_bytes(), text.as_bytes()).0);
    }

    /// The recursive matcher the linear one replaced, as the oracle: the same answer on every
    /// short pattern and name (short enough that its exponential time does not matter).
    fn recursive(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some((b'*', rest)) => (0..=text.len()).any(|i| recursive(rest, &text[i..])),
            Some((c, rest)) => text.first() == Some(c) && recursive(rest, &text[1..]),
        }
    }

    proptest::proptest! {
        #[test]
        fn the_linear_glob_agrees_with_the_recursive_one(
            pattern in "[ab.*]{0,9}",
            text in "[ab.]{0,12}",
        ) {
            proptest::prop_assert_eq!(
                glob(pattern.as_bytes(), text.as_bytes()),
                recursive(pattern.as_bytes(), text.as_bytes()),
                "{} against {}", pattern, text
            );
        }
    }
}
