//! Doc comments from spec text, made safe for rustdoc.
//!
//! Spec descriptions are CommonMark written for other renderers. Left alone
//! they break rustdoc in predictable ways: indented lines become code blocks
//! that doc-tests try to compile, `[x]` becomes a broken intra-doc link, and
//! `<x>` an unclosed HTML tag. This module neutralises each of those.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

use super::DOC_MARKER;
use crate::ir::{Presence, Struct};

/// The lines of doc text as attribute values (`/// text` keeps one space).
fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect()
}

thread_local! {
    /// The doc blocks of the file being built on this thread, when deferred.
    static DEFERRED: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// Builds a file's tokens with its doc blocks set aside: each becomes one
/// marker attribute, which the formatter replaces by the block's lines.
/// Doc lines are a third of the output's text, and parsing and printing
/// them as attribute tokens took a tenth of a run for nothing: their
/// layout is fixed. Doc attributes must therefore stay out of macro
/// invocations, whose tokens prettyplease prints as they are.
pub(super) fn deferred(build: impl FnOnce() -> TokenStream) -> (TokenStream, Vec<Vec<String>>) {
    let outer = DEFERRED.with(|d| d.replace(Some(Vec::new())));
    let tokens = build();
    let blocks = DEFERRED.with(|d| d.replace(outer)).unwrap_or_default();
    (tokens, blocks)
}

/// The attribute for a block of doc lines: a marker when deferring, the
/// lines themselves otherwise.
fn block(text: &str, inner: bool) -> TokenStream {
    let lines = lines(text);
    if lines.is_empty() {
        return TokenStream::new();
    }
    // Deferred: the block is set aside and a marker stands for it.
    let deferred = DEFERRED.with(|d| match d.borrow_mut().as_mut() {
        Some(blocks) => {
            blocks.push(lines);
            Ok(format!("{DOC_MARKER}{}", blocks.len() - 1))
        }
        None => Err(lines),
    });
    match deferred {
        Ok(marker) if inner => quote!(#![doc = #marker]),
        Ok(marker) => quote!(#[doc = #marker]),
        Err(lines) if inner => quote!(#(#![doc = #lines])*),
        Err(lines) => quote!(#(#[doc = #lines])*),
    }
}

/// Rust text laid out by the emitter, kept as written: a placeholder item
/// when deferring, which the formatter replaces by the lines (indented as
/// the placeholder), otherwise the text's tokens. For a macro invocation
/// whose arguments read best one per line: prettyplease flows a macro's
/// tokens like prose.
pub(crate) fn verbatim(text: &str) -> TokenStream {
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let index = DEFERRED.with(|d| {
        d.borrow_mut().as_mut().map(|blocks| {
            blocks.push(lines);
            blocks.len() - 1
        })
    });
    match index {
        Some(index) => {
            let index = proc_macro2::Literal::usize_unsuffixed(index);
            quote!(__verbatim!(#index);)
        }
        // Emitted text is well-formed Rust; an error here is a bug that
        // the formatter reports when it parses the file.
        None => text.parse().unwrap_or_else(|e: proc_macro2::LexError| {
            let message = format!("internal error: verbatim text does not lex: {e}");
            quote!(compile_error!(#message);)
        }),
    }
}

/// `#[doc]` attributes for a block of doc text (empty for none).
pub(crate) fn attrs(text: &str) -> TokenStream {
    block(text, false)
}

/// `#![doc]` attributes: the docs of the module or crate they open.
pub(crate) fn inner_attrs(text: &str) -> TokenStream {
    block(text, true)
}

/// Builds doc text from paragraphs, skipping empty ones.
#[derive(Default)]
pub(crate) struct Doc {
    paragraphs: Vec<String>,
}

impl Doc {
    /// Adds spec prose, sanitised.
    pub(crate) fn prose(mut self, text: Option<&str>) -> Self {
        if let Some(text) = text.map(sanitize).filter(|t| !t.is_empty()) {
            self.paragraphs.push(text);
        }
        self
    }

    /// Adds spec prose, or `fallback` (generator text) when the spec has
    /// none or only whitespace: every public item needs a doc.
    pub(crate) fn prose_or(self, text: Option<&str>, fallback: impl FnOnce() -> String) -> Self {
        match text.map(sanitize).filter(|t| !t.is_empty()) {
            Some(text) => self.note(text),
            None => self.note(fallback()),
        }
    }

    /// Adds text written by the generator (already valid Markdown).
    pub(crate) fn note(mut self, text: impl Into<String>) -> Self {
        let text = text.into();
        if !text.is_empty() {
            self.paragraphs.push(text);
        }
        self
    }

    pub(crate) fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// The paragraphs on one line, for a list item. Each ends as a
    /// sentence, so spec prose without a full stop ("user_id path") does
    /// not run into the generator's note after it.
    pub(crate) fn inline(&self) -> String {
        let mut line = String::new();
        for paragraph in &self.paragraphs {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&paragraph.replace('\n', " "));
            if !line.ends_with(['.', '!', '?', ':']) {
                line.push('.');
            }
        }
        line
    }

    pub(crate) fn attrs(&self) -> TokenStream {
        attrs(&self.text())
    }
}

/// Makes spec prose safe for rustdoc while keeping what it means.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut fenced = false;
    let mut list_indent = 0;
    // Tabs render unpredictably and a bare CR is not allowed in a doc
    // comment; clippy and rustc reject them.
    let text = if text.contains(['\t', '\r']) {
        std::borrow::Cow::Owned(
            text.replace('\t', "    ").replace("\r\n", "\n").replace('\r', "\n"),
        )
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    for line in text.trim().lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // A fence with no language would be compiled as a doc-test.
            if !fenced && trimmed.len() == 3 {
                out.push(format!("{trimmed}text"));
            } else {
                out.push(trimmed.to_string());
            }
            fenced = !fenced;
        } else if fenced {
            out.push(line.trim_end().to_string());
        } else if trimmed.is_empty() {
            list_indent = 0;
            out.push(String::new());
        } else {
            // No indentation (indented text is a code block in Markdown),
            // except to continue a list item, which would otherwise end it.
            let marker = list_marker(trimmed);
            let indent = if marker > 0 { 0 } else { list_indent };
            if marker > 0 {
                list_indent = marker;
            }
            let escaped = escape_inline(trimmed);
            out.push(if indent == 0 {
                escaped
            } else {
                format!("{}{escaped}", " ".repeat(indent))
            });
        }
    }
    if fenced {
        out.push("```".to_string());
    }
    out.join("\n")
}

/// The width of a list marker (`- `, `* `, `+ `, `12. `) opening `line`, or 0.
/// Continuation lines must be indented to where the item's text starts.
fn list_marker(line: &str) -> usize {
    let marker = if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        1
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && line[digits..].starts_with(". ") { digits + 1 } else { return 0 }
    };
    let spaces = line[marker..].chars().take_while(|c| *c == ' ').count();
    marker + spaces.min(4)
}

/// A Markdown link `[text](http…)` at the start of `text`: its length.
fn link_at(text: &str) -> Option<usize> {
    let close = text.find(']')?;
    let after = &text[close + 1..];
    if !(after.starts_with("(http://") || after.starts_with("(https://")) {
        return None;
    }
    let end = after.find(')')?;
    let url = &after[1..end];
    if url.contains(char::is_whitespace) || text[1..close].contains('[') {
        return None;
    }
    Some(close + 1 + end + 1)
}

/// Escapes what rustdoc would misread in running text, and wraps bare URLs.
fn escape_inline(line: &str) -> String {
    escape_inline_runs(line, true)
}

/// [`escape_inline`], with or without taking plain runs at once: text up
/// to the next character that may need care (a URL's `h`, a bracket) goes
/// out in one piece. Most doc text has none, and looking at each character
/// was a tenth of emitting; the tests hold both ways to the same output.
fn escape_inline_runs(line: &str, runs: bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if runs {
            let plain = rest.find(['h', '<', '>', '[', ']']).unwrap_or(rest.len());
            out.push_str(&rest[..plain]);
            rest = &rest[plain..];
            if rest.is_empty() {
                break;
            }
        }
        if let Some(url_len) = url_at(rest) {
            let url = &rest[..url_len];
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        if rest.starts_with('[') {
            if let Some(len) = link_at(rest) {
                // A real link: keep it, escaping only HTML in its text.
                out.push_str(&rest[..len].replace('<', "&lt;").replace('>', "&gt;"));
                rest = &rest[len..];
                continue;
            }
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of a URL starting at the beginning of `text`, if one does.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    Some(url.len())
}

/// Inline code for a value, safe whatever it contains.
pub(crate) fn code(value: &str) -> String {
    if value.is_empty() {
        return "`\"\"`".to_string();
    }
    if !value.contains(['\n', '`']) {
        // The common case, without the general case's allocations.
        let mut out = String::with_capacity(value.len() + 2);
        out.push('`');
        out.push_str(value);
        out.push('`');
        return out;
    }
    let value = value.replace('\n', " ");
    let ticks = "`".repeat(longest_tick_run(&value) + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{value}{pad}{ticks}")
}

fn longest_tick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// One line summarising a field's or parameter's schema facts, Markdown.
pub(crate) fn facts(f: &crate::ir::Facts) -> String {
    let mut parts = Vec::new();
    if let Some(d) = &f.default {
        parts.push(format!("Default: {}.", code(d)));
    }
    let bound =
        |lo: &Option<String>, hi: &Option<String>, lo_x: bool, hi_x: bool, what: &str| match (
            lo, hi,
        ) {
            (None, None) => None,
            (lo, hi) => {
                let mut s = String::new();
                if let Some(lo) = lo {
                    s.push_str(&format!("{lo} {} ", if lo_x { "<" } else { "≤" }));
                }
                s.push_str(what);
                if let Some(hi) = hi {
                    s.push_str(&format!(" {} {hi}", if hi_x { "<" } else { "≤" }));
                }
                Some(s)
            }
        };
    let count = |n: &Option<usize>| n.map(|n| n.to_string());
    let mut constraints: Vec<String> = [
        bound(&f.minimum, &f.maximum, f.exclusive_minimum, f.exclusive_maximum, "value"),
        bound(&count(&f.min_length), &count(&f.max_length), false, false, "length"),
        bound(&count(&f.min_items), &count(&f.max_items), false, false, "items"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(p) = &f.pattern {
        constraints.push(format!("matches {}", code(p)));
    }
    if !constraints.is_empty() {
        parts.push(format!("Constraints: {}.", constraints.join(", ")));
    }
    if let Some(e) = &f.example {
        parts.push(format!("Example: {}.", code(e)));
    }
    parts.join(" ")
}

/// "The spec asks for at least one of: `state`; `assignees`.", each field
/// named by its Rust name through `field` (a link in rustdoc).
pub(super) fn presence(s: &Struct, p: &Presence, field: &dyn Fn(&str) -> String) -> String {
    let sets: Vec<String> = p
        .sets
        .iter()
        .map(|set| {
            let fields = set.iter().filter_map(|w| s.field(w));
            let names: Vec<String> =
                fields.map(|f| field(crate::naming::bare(&f.rust_name))).collect();
            if names.is_empty() { "nothing more".to_string() } else { names.join(" and ") }
        })
        .collect();
    let rule = if p.exclusive { "exactly one" } else { "at least one" };
    format!("The spec asks for {rule} of: {}.", sets.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn plain_runs_escape_as_each_character_did(
            line in "([a-z ]|h|http://|https://x.io/a|\\[|\\]|\\(|\\)|<|>|é|\\.|,)*"
        ) {
            proptest::prop_assert_eq!(escape_inline(&line), escape_inline_runs(&line, false));
        }
    }

    #[test]
    fn inline_docs_end_each_paragraph_as_a_sentence() {
        let doc = Doc::default().prose(Some("user_id path")).note("Path parameter `user_id`.");
        assert_eq!(doc.inline(), "user_id path. Path parameter `user_id`.");
        let doc = Doc::default().prose(Some("Two\nlines?")).note("Note:");
        assert_eq!(doc.inline(), "Two lines? Note:");
        assert_eq!(Doc::default().inline(), "");
    }

    #[test]
    fn indentation_and_fences_do_not_make_doc_tests() {
        assert_eq!(sanitize("Example:\n\n    let x = 1;"), "Example:\n\nlet x = 1;");
        assert_eq!(sanitize("```\ncode\n```"), "```text\ncode\n```");
        assert_eq!(sanitize("```\nunterminated"), "```text\nunterminated\n```");
    }

    #[test]
    fn links_html_and_comment_ends_are_neutral() {
        // Docs are `///` lines, where `*/` means nothing.
        assert_eq!(sanitize("[optional] <b>x</b> */"), "\\[optional\\] &lt;b&gt;x&lt;/b&gt; */");
        assert_eq!(sanitize("see https://a.b/c."), "see <https://a.b/c>.");
    }

    #[test]
    fn links_stay_links_and_lists_keep_their_continuations() {
        assert_eq!(
            sanitize("see [the docs](https://x.y/z) or [that]"),
            "see [the docs](https://x.y/z) or \\[that\\]"
        );
        assert_eq!(sanitize("- one\ncontinued\n\nafter"), "- one\n  continued\n\nafter");
        assert_eq!(sanitize("1. one\n   more"), "1. one\n   more");
        assert_eq!(sanitize("*   wide\nmore"), "*   wide\n    more");
        assert_eq!(sanitize("a\rb\r\nc"), "a\nb\nc");
    }

    #[test]
    fn deferred_blocks_format_as_attributes_do() {
        let item = || {
            let outer = attrs("Line one.\n\n- a list  \n  item");
            let inner = inner_attrs("Module.");
            quote!(mod m { #inner #outer pub struct S { #outer pub f: u8 } })
        };
        let format =
            |source| crate::format::format_sources("m.rs".into(), vec![source], "h").unwrap();
        let plain = format(super::super::Source::Rust { tokens: item(), docs: Vec::new() });
        let (tokens, docs) = deferred(item);
        // The outer block is one marker, used twice.
        assert_eq!(docs.len(), 2);
        assert_eq!(format(super::super::Source::Rust { tokens, docs }), plain);
        assert!(
            plain.contents.contains("    /// - a list\n    ///   item\n"),
            "{}",
            plain.contents
        );
    }

    #[test]
    fn code_survives_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code(""), "`\"\"`");
    }
}
