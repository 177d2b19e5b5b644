//! The support code a generated crate carries (`generator/runtime/`), and
//! which of it a spec needs.
//!
//! The runtime is copied verbatim, so every crate pays to compile it and its
//! reader reads it. Whole files that need more dependencies (transfer,
//! pages, patterns) come only with a spec that uses them; within
//! `runtime.rs`, the parts only some specs use sit between `// part: NAME`
//! and `// end part: NAME` lines and are dropped, markers and all, when the
//! spec does not need them.

use std::collections::BTreeSet;

use super::api::{ParamCall, streams};
use crate::ir::{Api, BodyKind, Check, EnumRepr, ParamLocation, SecurityKind, TypeKind};

/// The request plumbing, carried by every crate (less the parts its spec
/// does not need).
const RUNTIME: &str = include_str!("../../runtime/runtime.rs");

/// Errors and responses, carried by every crate.
const ERROR: &str = include_str!("../../runtime/error.rs");

/// Support for raw, streamed and multipart bodies, carried by the crates
/// whose spec has them (it needs more of `reqwest`).
const TRANSFER: &str = include_str!("../../runtime/transfer.rs");

/// Walking pages as one stream, carried by the crates whose spec has a
/// list operation that pages.
const PAGES: &str = include_str!("../../runtime/pages.rs");

/// Responses that are items over time (server-sent events, JSON Lines),
/// carried by the crates whose spec has one.
const STREAMS: &str = include_str!("../../runtime/streams.rs");

/// Checking the spec's `pattern`s, carried by the crates whose spec has one
/// the client checks (it needs a regex engine).
const PATTERNS: &str = include_str!("../../runtime/patterns.rs");

/// A part of `runtime.rs` that only some specs need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Part {
    /// Comparing enums by wire value (both enum macros use it).
    Enums,
    StringEnums,
    IntegerEnums,
    /// Typed response headers.
    ResponseHeaders,
    /// List parameters in a query, header or path.
    Lists,
    /// Object parameters in a query, in the spec's style.
    Objects,
    /// Structured parameters in a path or header, as JSON text.
    JsonParams,
    /// Cookie parameters and API keys sent as cookies.
    Cookies,
    /// HTTP basic authentication (it needs `base64`).
    BasicAuth,
    /// API keys sent in a header or the query.
    ApiKeys,
    /// `application/x-www-form-urlencoded` bodies.
    Form,
}

impl Part {
    const ALL: [Part; 11] = [
        Part::Enums,
        Part::StringEnums,
        Part::IntegerEnums,
        Part::ResponseHeaders,
        Part::Lists,
        Part::Objects,
        Part::JsonParams,
        Part::Cookies,
        Part::BasicAuth,
        Part::ApiKeys,
        Part::Form,
    ];

    /// The name its markers carry.
    fn name(self) -> &'static str {
        match self {
            Part::Enums => "enums",
            Part::StringEnums => "string-enums",
            Part::IntegerEnums => "integer-enums",
            Part::ResponseHeaders => "response-headers",
            Part::Lists => "lists",
            Part::Objects => "objects",
            Part::JsonParams => "json-params",
            Part::Cookies => "cookies",
            Part::BasicAuth => "basic-auth",
            Part::ApiKeys => "api-keys",
            Part::Form => "form",
        }
    }

    fn named(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The parts of `runtime.rs` that `api` needs, decided from the same
/// answers the emitters write their calls from (`ParamCall`, security,
/// body and enum kinds), so a part is never missing where a call needs it.
pub(super) fn parts(api: &Api) -> BTreeSet<Part> {
    let mut parts = BTreeSet::new();
    for t in &api.types {
        if let TypeKind::Enum(e) = &t.kind {
            parts.insert(Part::Enums);
            parts.insert(match e.repr {
                EnumRepr::String => Part::StringEnums,
                EnumRepr::Integer => Part::IntegerEnums,
            });
        }
    }
    for op in api.operations() {
        for p in &op.params {
            parts.extend(match ParamCall::of(api, p) {
                ParamCall::QueryList | ParamCall::HeaderList | ParamCall::PathList => {
                    Some(Part::Lists)
                }
                ParamCall::QueryObject => Some(Part::Objects),
                ParamCall::HeaderJson | ParamCall::PathJson => Some(Part::JsonParams),
                ParamCall::Cookie | ParamCall::CookieJson => Some(Part::Cookies),
                ParamCall::Query | ParamCall::QueryJson | ParamCall::Header | ParamCall::Path => {
                    None
                }
            });
        }
        let responses = op.success.responses.iter().chain(&op.errors);
        if responses.flat_map(|r| &r.headers).next().is_some() {
            parts.insert(Part::ResponseHeaders);
        }
        if op.body.iter().flat_map(|b| b.kinds()).any(|k| matches!(k, BodyKind::Form(_))) {
            parts.insert(Part::Form);
        }
    }
    for scheme in api.credential_schemes() {
        parts.insert(match &scheme.kind {
            SecurityKind::Bearer => continue,
            SecurityKind::Basic => Part::BasicAuth,
            SecurityKind::ApiKey { location: ParamLocation::Cookie, .. } => Part::Cookies,
            SecurityKind::ApiKey { .. } => Part::ApiKeys,
        });
    }
    parts
}

/// `runtime.rs` with the parts `keep` refuses taken out and every marker
/// line dropped. A marker naming no part keeps its lines: better code that
/// is never called than a crate that does not compile.
fn assemble(source: &str, keep: impl Fn(Part) -> bool) -> String {
    let mut out = String::with_capacity(source.len());
    let mut dropping = false;
    for line in source.split_inclusive('\n') {
        let marker = line.trim();
        if let Some(name) = marker.strip_prefix("// part: ") {
            dropping = Part::named(name).is_some_and(|part| !keep(part));
        } else if marker.starts_with("// end part: ") {
            dropping = false;
        } else if !dropping {
            out.push_str(line);
        }
    }
    out
}

/// Whether a pattern is checked somewhere: a parameter's, a property's, or
/// one of their items'. Asked of [`Api::checks`], which the emitters write
/// their checks from.
pub(super) fn uses_patterns(api: &Api) -> bool {
    let patterned = |ty, facts| api.checks(ty, facts).iter().any(Check::has_pattern);
    let params = api.operations().flat_map(|op| &op.params).any(|p| patterned(&p.ty, &p.facts));
    params
        || api.types.iter().any(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| patterned(&f.ty, &f.facts)),
            _ => false,
        })
}

/// Whether some operation pages.
pub(super) fn uses_pages(api: &Api) -> bool {
    api.operations().any(|op| op.pagination.is_some())
}

/// Whether some operation's response, or request body, is items over time.
pub(super) fn uses_streams(api: &Api) -> bool {
    let items_body = |op: &crate::ir::Operation| {
        op.body.iter().flat_map(|b| b.kinds()).any(|k| matches!(k, BodyKind::Items { .. }))
    };
    api.operations().any(|op| op.stream.is_some() || items_body(op))
}

/// Whether some operation sends or receives raw bytes or a multipart form.
pub(super) fn uses_transfer(api: &Api) -> bool {
    let raw = |k: &BodyKind| matches!(k, BodyKind::Bytes | BodyKind::Multipart(_));
    api.operations().any(|op| streams(op) || op.body.iter().flat_map(|b| b.kinds()).any(raw))
}

/// Whether the crate authenticates with HTTP basic (and needs `base64`).
pub(super) fn uses_basic_auth(api: &Api) -> bool {
    parts(api).contains(&Part::BasicAuth)
}

/// The support files `api`'s crate carries: paths and contents.
pub(super) fn files(api: &Api) -> Vec<(&'static str, String)> {
    let parts = parts(api);
    let mut files = vec![
        ("src/error.rs", ERROR.to_string()),
        ("src/runtime.rs", assemble(RUNTIME, |part| parts.contains(&part))),
    ];
    if uses_transfer(api) {
        files.push(("src/transfer.rs", TRANSFER.to_string()));
    }
    if uses_pages(api) {
        files.push(("src/pages.rs", PAGES.to_string()));
    }
    if uses_patterns(api) {
        files.push(("src/patterns.rs", PATTERNS.to_string()));
    }
    if uses_streams(api) {
        files.push(("src/streams.rs", STREAMS.to_string()));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each part's markers name a part and come in pairs, begin then end,
    /// never nested: a typo would otherwise keep or drop code unseen.
    #[test]
    fn markers_pair_up_and_name_parts() {
        let mut open: Option<&str> = None;
        let mut seen = BTreeSet::new();
        for (number, line) in RUNTIME.lines().enumerate() {
            let marker = line.trim();
            if let Some(name) = marker.strip_prefix("// part: ") {
                assert!(open.is_none(), "line {}: part {name} opens inside {open:?}", number + 1);
                let part = Part::named(name);
                assert!(part.is_some(), "line {}: no part is named {name}", number + 1);
                seen.extend(part);
                open = Some(name);
            } else if let Some(name) = marker.strip_prefix("// end part: ") {
                assert_eq!(open, Some(name), "line {}: unmatched end", number + 1);
                open = None;
            } else {
                assert!(
                    !marker.contains("part:"),
                    "line {}: malformed marker {marker}",
                    number + 1
                );
            }
        }
        assert_eq!(open, None, "a part is never closed");
        assert_eq!(seen.len(), Part::ALL.len(), "every part has code: {seen:?}");
    }

    /// Kept or dropped, the file reads as written: no marker left, and
    /// dropping a part never leaves two blank lines in a row.
    #[test]
    fn assembling_leaves_clean_text() {
        let all = assemble(RUNTIME, |_| true);
        assert!(!all.contains("part: "));
        let unmarked: String =
            RUNTIME.lines().filter(|l| !l.contains("part: ")).map(|l| format!("{l}\n")).collect();
        assert_eq!(all, unmarked);
        for part in Part::ALL {
            let without = assemble(RUNTIME, |p| p != part);
            assert!(!without.contains("\n\n\n"), "dropping {part:?} leaves a double blank line");
            assert!(without.len() < all.len(), "dropping {part:?} drops nothing");
        }
        let none = assemble(RUNTIME, |_| false);
        assert!(!none.contains("\n\n\n"));
        assert!(!none.contains("fn query_object") && !none.contains("macro_rules! string_enum"));
    }

    #[test]
    fn a_marker_naming_no_part_keeps_its_lines() {
        let source = "a\n// part: nonsense\nb\n// end part: nonsense\nc\n";
        assert_eq!(assemble(source, |_| false), "a\nb\nc\n");
    }
}
