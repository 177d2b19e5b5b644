//! A text made from a pattern, for examples where neither the spec's own
//! values nor the usual candidates (`"value"`, `"123"`) match it: twilio's
//! `^IS[0-9a-fA-F]{32}$`, GitHub's `^sha256:[a-f0-9]{64}$`.
//!
//! Each class gives the first character of it that reads well, each
//! repetition its least count (or `stretch` more, to reach a minimum
//! length), each alternation its first branch that can be written; anchors
//! and word boundaries give nothing. The caller keeps a text only if the
//! pattern, compiled as the generated client compiles it, matches it.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The longest text made: nested or stretched repetitions can ask for
/// millions of characters, which no example should show.
const MAX_CHARS: usize = 1024;

/// A text for `pattern`, its unbounded repetitions taken `stretch` more
/// times than their least; `None` when the pattern does not parse or asks
/// for what cannot be written (an empty class).
pub(super) fn text(pattern: &str, stretch: u32) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).ok()?;
    let mut out = String::new();
    write(&hir, stretch, &mut out).then_some(out)
}

/// Appends a text for `hir`; false when there is none, or it grows too long.
fn write(hir: &Hir, stretch: u32, out: &mut String) -> bool {
    if out.len() > MAX_CHARS {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(class) => match pick(class) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        },
        HirKind::Repetition(r) => {
            let count = match r.max {
                Some(max) => r.min.max(r.min.saturating_add(stretch).min(max)),
                None => r.min.saturating_add(stretch),
            };
            (0..count).all(|_| write(&r.sub, stretch, out))
        }
        HirKind::Capture(c) => write(&c.sub, stretch, out),
        HirKind::Concat(parts) => parts.iter().all(|p| write(p, stretch, out)),
        HirKind::Alternation(branches) => branches.iter().any(|b| {
            let mut text = String::new();
            let written = write(b, stretch, &mut text);
            if written {
                out.push_str(&text);
            }
            written
        }),
    }
}

/// The character of a class that reads best: a lower-case letter, a digit,
/// an upper-case one, then whatever printable character comes first.
fn pick(class: &Class) -> Option<char> {
    let contains = |c: char| match class {
        Class::Unicode(u) => u.ranges().iter().any(|r| r.start() <= c && c <= r.end()),
        Class::Bytes(b) => {
            u8::try_from(c).is_ok_and(|c| b.ranges().iter().any(|r| r.start() <= c && c <= r.end()))
        }
    };
    let preferred = "a0Ab1B-_.";
    if let Some(c) = preferred.chars().find(|&c| contains(c)) {
        return Some(c);
    }
    (' '..='~').chain('\u{a1}'..='\u{2fff}').find(|&c| contains(c) && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::text;

    fn matches(pattern: &str, stretch: u32) -> String {
        let made = text(pattern, stretch).unwrap_or_else(|| panic!("no text for {pattern}"));
        let regex = regex_lite::Regex::new(pattern).unwrap();
        assert!(regex.is_match(&made), "{made:?} does not match {pattern}");
        made
    }

    #[test]
    fn texts_match_the_patterns_of_public_specs() {
        assert_eq!(matches("^IS[0-9a-fA-F]{32}$", 0), format!("IS{}", "a".repeat(32)));
        assert_eq!(matches("^sha256:[a-f0-9]{64}$", 0), format!("sha256:{}", "a".repeat(64)));
        assert_eq!(matches(r"^\d+\.\d+\.\d+$", 0), "0.0.0");
        assert_eq!(matches("^(?:live|test)_[A-Za-z0-9]+$", 0), "live_a");
        assert_eq!(matches("^[^/]+/[^/]+$", 0), "a/a");
        assert_eq!(matches("(?i)^3[A-Z]{3,}$", 0), "3aaa");
        assert_eq!(matches(r"^\w{3}-\s?x$", 0), "aaa-x");
    }

    #[test]
    fn stretching_lengthens_only_open_repetitions() {
        assert_eq!(matches("^[a-z]+[0-9]{2}$", 3), "aaaa00");
        assert_eq!(matches("^[a-z]{1,2}$", 5), "aa");
    }

    #[test]
    fn what_cannot_be_written_gives_nothing() {
        assert_eq!(text("^[a", 0), None);
        assert_eq!(text(r"[^\x00-\x{10FFFF}]", 0), None);
        // A million characters is no example.
        assert_eq!(text("^(a{1000}){1000}$", 0), None);
        assert_eq!(text("^a+$", 5000), None);
    }
}
