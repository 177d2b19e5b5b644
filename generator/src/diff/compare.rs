//! The comparisons behind the report, one function per part of the model.
//!
//! Verdicts follow from what the generated crate promises: models, enums,
//! unions and error enums are `#[non_exhaustive]`, structs are made with
//! `new(required…)`, optional parameters and bodies are builder setters, and
//! enums keep unknown values as `Unknown`. So an added optional property,
//! enum value, error status, optional parameter or operation changes no Rust
//! code that compiled before.

use std::collections::{BTreeMap, BTreeSet};

use super::{Area, Change, Verdict};
use crate::ir::{
    Api, BodyKind, Facts, Field, Flows, Operation, Parameter, Presence, RequestBody, Response,
    StatusMatch, Struct, SuccessShape, TypeDef, TypeKind, TypeRef,
};

use Verdict::{Breaking, Compatible};

/// The two APIs, and where changes and documentation-only changes are
/// collected.
struct Out<'a> {
    old: &'a Api,
    new: &'a Api,
    changes: &'a mut Vec<Change>,
    docs: &'a mut Vec<String>,
}

impl Out<'_> {
    /// The wire verdict of a type changing from `old` (in the old API) to
    /// `new` (in the new one), for a value travelling as `sent`/`received`.
    fn retyped(&self, old: &TypeRef, new: &TypeRef, sent: bool, received: bool) -> Verdict {
        let fits = super::wire::compatible((self.old, old), (self.new, new), sent, received);
        Verdict::breaking_if(!fits)
    }

    /// As [`Out::retyped`], for bodies: only schema types can fit each other.
    fn rebodied(&self, old: Option<&BodyKind>, new: Option<&BodyKind>, sent: bool) -> Verdict {
        match (old, new) {
            (Some(BodyKind::Json(a)), Some(BodyKind::Json(b)))
            | (Some(BodyKind::Form(a)), Some(BodyKind::Form(b))) => self.retyped(a, b, sent, !sent),
            // A body the old client ignored stays ignored.
            (None, _) if !sent => Compatible,
            _ => Breaking,
        }
    }

    fn push(
        &mut self,
        (area, subject): (Area, &str),
        kind: &'static str,
        summary: String,
        wire: Verdict,
        rust: Verdict,
    ) {
        let subject = subject.to_string();
        self.changes.push(Change { area, subject, kind, summary, wire, rust });
    }

    fn doc(&mut self, place: String) {
        self.docs.push(place);
    }
}

pub(super) fn api(old: &Api, new: &Api, changes: &mut Vec<Change>, docs: &mut Vec<String>) {
    let mut out = Out { old, new, changes, docs };
    let flows = Flows::of(old);
    let new_flows = Flows::of(new);
    if old.title != new.title || old.description != new.description || old.summary != new.summary {
        out.doc("the API's title and description".into());
    }
    servers(old, new, &mut out);
    security(old, new, &mut out);
    operations(old, new, &mut out);
    types(old, new, &flows, &new_flows, &mut out);
}

fn servers(old: &Api, new: &Api, out: &mut Out) {
    if old.base_url != new.base_url {
        out.push(
            (Area::Api, "servers"),
            "server-changed",
            format!(
                "The default server moved from `{}` to `{}`: a client built from the old spec \
                 still calls the old one unless its base URL is set",
                old.base_url, new.base_url
            ),
            Breaking,
            Compatible,
        );
    }
}

fn security(old: &Api, new: &Api, out: &mut Out) {
    let by_name = |api: &Api| -> BTreeMap<String, String> {
        let setters = api.credential_schemes().into_iter().map(|s| s.setter.clone());
        let setters: BTreeSet<String> = setters.collect();
        api.security_schemes
            .iter()
            .filter(|s| setters.contains(&s.setter))
            .map(|s| (s.name.clone(), s.setter.clone()))
            .collect()
    };
    let (before, after) = (by_name(old), by_name(new));
    for (name, setter) in &before {
        match after.get(name) {
            None => out.push(
                (Area::Api, "security"),
                "security-scheme-removed",
                format!("Security scheme `{name}` is gone, and with it `ClientBuilder::{setter}`"),
                Compatible,
                Breaking,
            ),
            Some(now) if now != setter => out.push(
                (Area::Api, "security"),
                "security-scheme-renamed",
                format!("`ClientBuilder::{setter}` (scheme `{name}`) is now `{now}`"),
                Compatible,
                Breaking,
            ),
            Some(_) => {}
        }
    }
    for (name, setter) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        out.push(
            (Area::Api, "security"),
            "security-scheme-added",
            format!("Security scheme `{name}`, set with `ClientBuilder::{setter}`"),
            Compatible,
            Compatible,
        );
    }
}

/// Operations are matched by method and path, with path parameters'
/// names ignored (`/users/{id}` is `/users/{user_id}`), so a changed
/// `operationId` reads as a rename, not a removal and an addition.
fn operations(old: &Api, new: &Api, out: &mut Out) {
    let key = |api: &Api| -> BTreeMap<(crate::ir::Method, String), (String, Operation)> {
        api.groups
            .iter()
            .flat_map(|g| g.operations.iter().map(move |o| (g, o)))
            .map(|(g, o)| {
                ((o.method, crate::ir::route_shape(&o.path)), (g.module.clone(), o.clone()))
            })
            .collect()
    };
    let (before, after) = (key(old), key(new));
    for (k, (module, op)) in &before {
        let Some((new_module, new_op)) = after.get(k) else {
            out.push(
                (Area::Operations, &op.id),
                "operation-removed",
                format!("`{}` ({} {}) is gone", op.id, op.method.as_str(), op.path),
                Breaking,
                Breaking,
            );
            continue;
        };
        operation(old, new, (module, op), (new_module, new_op), out);
    }
    for (k, (module, op)) in &after {
        if !before.contains_key(k) {
            out.push(
                (Area::Operations, &op.id),
                "operation-added",
                format!(
                    "New operation `{}` ({} {}), called as `{module}().{}()`",
                    op.id,
                    op.method.as_str(),
                    op.path,
                    op.fn_name
                ),
                Compatible,
                Compatible,
            );
        }
    }
}

fn operation(
    old: &Api,
    new: &Api,
    before: (&str, &Operation),
    after: (&str, &Operation),
    out: &mut Out,
) {
    let ((module, o), (new_module, n)) = (before, after);
    let at = (Area::Operations, n.id.as_str());
    let call = |module: &str, op: &Operation| format!("`{module}().{}()`", op.fn_name);
    if o.id != n.id || module != new_module || o.fn_name != n.fn_name {
        let rust = Verdict::breaking_if(module != new_module || o.fn_name != n.fn_name);
        out.push(
            at,
            "operation-renamed",
            format!(
                "`{}` ({} {}) is now `{}`: {} becomes {}",
                o.id,
                n.method.as_str(),
                n.path,
                n.id,
                call(module, o),
                call(new_module, n)
            ),
            Compatible,
            rust,
        );
    }
    if !o.deprecated && n.deprecated {
        out.push(
            at,
            "operation-deprecated",
            format!("`{}` is deprecated", n.id),
            Compatible,
            Compatible,
        );
    }
    if o.summary != n.summary || o.description != n.description {
        out.doc(format!("operation `{}`", n.id));
    }
    parameters(o, n, at, out);
    request_body(o, n, at, out);
    success(o, n, at, out);
    errors(o, n, at, out);
    if o.security != n.security {
        // No alternatives at all means no credentials: one empty alternative.
        let names = |api: &Api, op: &Operation| -> BTreeSet<BTreeSet<String>> {
            let alternatives: BTreeSet<BTreeSet<String>> = op
                .security
                .iter()
                .map(|alt| {
                    alt.iter()
                        .filter_map(|&i| api.security_schemes.get(i))
                        .map(|s| s.name.clone())
                        .collect()
                })
                .collect();
            if alternatives.is_empty() { BTreeSet::from([BTreeSet::new()]) } else { alternatives }
        };
        let (was, is) = (names(old, o), names(new, n));
        if was != is {
            // Old clients keep authorising the way they did; that still
            // works only if the new spec accepts it.
            let still_accepted =
                was.iter().all(|alt| is.contains(alt) || is.contains(&BTreeSet::new()));
            out.push(
                at,
                "security-changed",
                format!(
                    "`{}` is authorised by {} instead of {}",
                    n.id,
                    show_security(&is),
                    show_security(&was)
                ),
                Verdict::breaking_if(!still_accepted),
                Compatible,
            );
        }
    }
    match (&o.pagination, &n.pagination) {
        (None, Some(_)) => out.push(
            at,
            "pagination-added",
            format!("`{}` pages: `items()` walks every page", n.id),
            Compatible,
            Compatible,
        ),
        (Some(_), None) => out.push(
            at,
            "pagination-removed",
            format!("`{}` no longer has `items()`", n.id),
            Compatible,
            Breaking,
        ),
        _ => {}
    }
}

fn show_security(alternatives: &BTreeSet<BTreeSet<String>>) -> String {
    let each = alternatives.iter().map(|alt| {
        if alt.is_empty() {
            "no credentials".to_string()
        } else {
            alt.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" and ")
        }
    });
    each.collect::<Vec<_>>().join(" or ")
}

fn location(p: &Parameter) -> &'static str {
    match p.location {
        crate::ir::ParamLocation::Path => "path",
        crate::ir::ParamLocation::Query => "query",
        crate::ir::ParamLocation::Header => "header",
        crate::ir::ParamLocation::Cookie => "cookie",
    }
}

fn parameters(o: &Operation, n: &Operation, at: (Area, &str), out: &mut Out) {
    let by_wire = |op: &Operation| -> BTreeMap<String, Parameter> {
        op.params.iter().map(|p| (p.wire_name.clone(), p.clone())).collect()
    };
    let (before, after) = (by_wire(o), by_wire(n));
    let id = &n.id;
    for (name, p) in &before {
        let Some(q) = after.get(name) else {
            out.push(
                at,
                "parameter-removed",
                format!("`{id}`: {} parameter `{name}` is gone", location(p)),
                Breaking,
                Breaking,
            );
            continue;
        };
        let what = format!("`{id}`: {} parameter `{name}`", location(q));
        if p.location != q.location {
            out.push(
                at,
                "parameter-moved",
                format!("{what} moved from the {}", location(p)),
                Breaking,
                Compatible,
            );
        }
        match (p.required, q.required) {
            (false, true) => out.push(
                at,
                "parameter-required",
                format!("{what} is now required: a setter becomes an argument"),
                Breaking,
                Breaking,
            ),
            (true, false) => out.push(
                at,
                "parameter-optional",
                format!("{what} is now optional: an argument becomes a setter"),
                Compatible,
                Breaking,
            ),
            _ => {}
        }
        if p.ty != q.ty {
            out.push(
                at,
                "parameter-type-changed",
                format!(
                    "{what} changed type from `{}` to `{}`",
                    show_type(&p.ty),
                    show_type(&q.ty)
                ),
                out.retyped(&p.ty, &q.ty, true, false),
                Breaking,
            );
        } else if p.rust_name != q.rust_name {
            out.push(
                at,
                "parameter-renamed",
                format!("{what} is now `{}` in Rust", q.rust_name),
                Compatible,
                Breaking,
            );
        }
        facts(&what, &p.facts, &q.facts, true, at, out);
        if !p.deprecated && q.deprecated {
            out.push(
                at,
                "parameter-deprecated",
                format!("{what} is deprecated"),
                Compatible,
                Compatible,
            );
        }
        if p.description != q.description {
            out.doc(format!("`{id}` parameter `{name}`"));
        }
    }
    for (name, q) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        let what = format!("`{id}`: new {} parameter `{name}`", location(q));
        if q.required {
            out.push(at, "parameter-added", format!("{what}, required"), Breaking, Breaking);
        } else {
            out.push(
                at,
                "parameter-added",
                format!("{what}, optional (`.{}(…)`)", q.rust_name),
                Compatible,
                Compatible,
            );
        }
    }
}

/// Compares documented constraints. `sent` says whether the value travels
/// in requests. The rule: a sent value's change breaks the wire when the new
/// spec may refuse a value the old client sends (a tighter bound, a new
/// pattern); a received value's never does, since the client does not check
/// what it receives against constraints, only decodes it by type (a change
/// of type is judged where types are compared). A replaced pattern or format
/// may or may not accept what the old one took: it is a change of its own
/// ("may refuse"), breaking for sent values, unless the new pattern plainly
/// keeps the old one as an alternative (`^X$` → `^$|^X$`).
fn facts(what: &str, o: &Facts, n: &Facts, sent: bool, at: (Area, &str), out: &mut Out) {
    let mut tighter = Vec::new();
    let mut looser = Vec::new();
    let mut replaced = Vec::new();
    let mut bound = |name: &str, was: Option<f64>, is: Option<f64>, upper: bool| {
        let tightened = match (was, is) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) if a != b => (b < a) == upper,
            _ => return,
        };
        let text = format!("{name} {} → {}", show_bound(was), show_bound(is));
        if tightened { tighter.push(text) } else { looser.push(text) }
    };
    let num = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<f64>().ok());
    let size = |s: Option<usize>| s.map(|s| s as f64);
    bound("minimum", num(&o.minimum), num(&n.minimum), false);
    bound("maximum", num(&o.maximum), num(&n.maximum), true);
    bound("minLength", size(o.min_length), size(n.min_length), false);
    bound("maxLength", size(o.max_length), size(n.max_length), true);
    bound("minItems", size(o.min_items), size(n.min_items), false);
    bound("maxItems", size(o.max_items), size(n.max_items), true);
    for (name, was, is) in [
        ("exclusiveMinimum", o.exclusive_minimum, n.exclusive_minimum),
        ("exclusiveMaximum", o.exclusive_maximum, n.exclusive_maximum),
        ("uniqueItems", o.unique_items, n.unique_items),
    ] {
        if was != is {
            let text = format!("{name} {was} → {is}");
            if is { tighter.push(text) } else { looser.push(text) }
        }
    }
    let mut keyword = |name: &str, was: &Option<String>, is: &Option<String>, widens: bool| {
        let text = format!("{name} {} → {}", show_opt(was), show_opt(is));
        match (was, is) {
            (None, Some(_)) => tighter.push(text),
            (Some(_), None) => looser.push(text),
            (Some(a), Some(b)) if a != b => {
                if widens {
                    looser.push(text)
                } else {
                    replaced.push(text)
                }
            }
            _ => {}
        }
    };
    let widens = match (&o.pattern, &n.pattern) {
        (Some(a), Some(b)) => pattern_keeps(a, b),
        _ => false,
    };
    keyword("pattern", &o.pattern, &n.pattern, widens);
    keyword("format", &o.format, &n.format, false);
    let groups = [
        ("constraint-tightened", tighter, "", Verdict::breaking_if(sent)),
        (
            "constraint-changed",
            replaced,
            " (may refuse values the old one took)",
            Verdict::breaking_if(sent),
        ),
        ("constraint-loosened", looser, "", Compatible),
    ];
    for (kind, changes, note, wire) in groups {
        if !changes.is_empty() {
            out.push(at, kind, format!("{what}: {}{note}", changes.join(", ")), wire, Compatible);
        }
    }
    if o.default != n.default {
        // Callers that leave the value out now get different behaviour.
        out.push(
            at,
            "default-changed",
            format!("{what}: default {} → {}", show_opt(&o.default), show_opt(&n.default)),
            Verdict::breaking_if(sent && o.default.is_some()),
            Compatible,
        );
    }
    if o.example != n.example {
        out.doc(what.to_string());
    }
}

/// Whether the pattern `new` accepts every value `old` does, as far as can
/// be seen without deciding regex inclusion: `new` is an alternation one of
/// whose branches is `old` (or each of `old`'s own branches), as in
/// `^X$` → `^$|^X$`.
fn pattern_keeps(old: &str, new: &str) -> bool {
    // Branches as the pattern spells them (the parsed form simplifies
    // alternations, so text is the surer comparison).
    fn branches(pattern: &str) -> Option<Vec<&str>> {
        let ast = regex_syntax::ast::parse::Parser::new().parse(pattern).ok()?;
        let text = |span: &regex_syntax::ast::Span| pattern.get(span.start.offset..span.end.offset);
        match &ast {
            regex_syntax::ast::Ast::Alternation(alt) => {
                alt.asts.iter().map(|a| text(a.span())).collect()
            }
            other => Some(vec![text(other.span())?]),
        }
    }
    let (Some(old), Some(new)) = (branches(old), branches(new)) else { return false };
    old.iter().all(|branch| new.contains(branch))
}

fn show_bound(b: Option<f64>) -> String {
    b.map_or("none".into(), |b| b.to_string())
}

fn show_opt(s: &Option<String>) -> String {
    s.as_ref().map_or("none".into(), |s| format!("`{s}`"))
}

fn request_body(o: &Operation, n: &Operation, at: (Area, &str), out: &mut Out) {
    let id = &n.id;
    match (&o.body, &n.body) {
        (None, None) => {}
        (Some(_), None) => out.push(
            at,
            "request-body-removed",
            format!("`{id}` takes no request body any more"),
            Breaking,
            Breaking,
        ),
        (None, Some(b)) => {
            let required = b.required;
            let text =
                if required { "a required request body" } else { "an optional request body" };
            out.push(
                at,
                "request-body-added",
                format!("`{id}` takes {text}"),
                Verdict::breaking_if(required),
                Verdict::breaking_if(required),
            );
        }
        (Some(a), Some(b)) => {
            match (a.required, b.required) {
                (false, true) => out.push(
                    at,
                    "request-body-required",
                    format!("`{id}`: the request body is now required"),
                    Breaking,
                    Breaking,
                ),
                (true, false) => out.push(
                    at,
                    "request-body-optional",
                    format!("`{id}`: the request body is now optional"),
                    Compatible,
                    Breaking,
                ),
                _ => {}
            }
            let media = |body: &RequestBody| -> BTreeSet<String> {
                match &body.choice {
                    Some(c) => c.variants.iter().map(|v| v.media_type.clone()).collect(),
                    None => BTreeSet::from([body.media_type.clone()]),
                }
            };
            let (was, is) = (media(a), media(b));
            for gone in was.difference(&is) {
                out.push(
                    at,
                    "request-media-type-removed",
                    format!("`{id}` no longer takes `{gone}`"),
                    Breaking,
                    Breaking,
                );
            }
            for added in is.difference(&was) {
                // One media type becoming a choice turns the body into an enum.
                let rust = Verdict::breaking_if(a.choice.is_none());
                out.push(
                    at,
                    "request-media-type-added",
                    format!("`{id}` also takes `{added}`"),
                    Compatible,
                    rust,
                );
            }
            if was.len() == is.len() && was == is && a.kind != b.kind {
                out.push(
                    at,
                    "request-body-type-changed",
                    format!(
                        "`{id}`: the request body changed from {} to {}",
                        show_kind(&a.kind),
                        show_kind(&b.kind)
                    ),
                    out.rebodied(Some(&a.kind), Some(&b.kind), true),
                    Breaking,
                );
            } else if a.rust_name != b.rust_name {
                out.push(
                    at,
                    "request-body-renamed",
                    format!("`{id}`: the body's argument is now `{}`", b.rust_name),
                    Compatible,
                    Breaking,
                );
            }
            if a.description != b.description {
                out.doc(format!("`{id}` request body"));
            }
        }
    }
}

fn show_kind(kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(t) => format!("JSON `{}`", show_type(t)),
        BodyKind::Form(t) => format!("form `{}`", show_type(t)),
        BodyKind::Text => "text".into(),
        BodyKind::Bytes => "bytes".into(),
        BodyKind::Multipart(m) => format!("multipart `{}`", m.name),
        BodyKind::Items { item, .. } => format!("items `{}`", show_type(item)),
    }
}

fn show_status(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".into(),
    }
}

fn success(o: &Operation, n: &Operation, at: (Area, &str), out: &mut Out) {
    let id = &n.id;
    let statuses = |op: &Operation| -> BTreeMap<StatusMatch, Response> {
        op.success.responses.iter().map(|r| (r.status, r.clone())).collect()
    };
    let (before, after) = (statuses(o), statuses(n));
    let same_shape = o.success.shape == n.success.shape;
    let rust = Verdict::breaking_if(!same_shape);
    for status in after.keys().filter(|s| !before.contains_key(s)) {
        // A client built from the old spec treats it as unexpected.
        out.push(
            at,
            "success-status-added",
            format!(
                "`{id}` may answer {}, which older clients report as unexpected",
                show_status(*status)
            ),
            Breaking,
            rust,
        );
    }
    for status in before.keys().filter(|s| !after.contains_key(s)) {
        out.push(
            at,
            "success-status-removed",
            format!("`{id}` no longer answers {}", show_status(*status)),
            Compatible,
            rust,
        );
    }
    for (status, a) in &before {
        let Some(b) = after.get(status) else { continue };
        let (ka, kb) = (a.body.as_ref().map(|x| &x.kind), b.body.as_ref().map(|x| &x.kind));
        if ka != kb {
            let show = |k: Option<&BodyKind>| k.map_or("no body".into(), show_kind);
            out.push(
                at,
                "response-body-changed",
                format!(
                    "`{id}` {}: the body changed from {} to {}",
                    show_status(*status),
                    show(ka),
                    show(kb)
                ),
                out.rebodied(ka, kb, false),
                rust,
            );
        }
        headers(id, a, b, at, out);
        if a.description != b.description {
            out.doc(format!("`{id}` response {}", show_status(*status)));
        }
    }
    if !same_shape
        && before.keys().eq(after.keys())
        && before.iter().all(|(s, a)| after.get(s).map(|b| &b.body) == Some(&a.body))
    {
        out.push(
            at,
            "success-type-changed",
            format!("`{id}`: what `send()` returns changed"),
            Compatible,
            Breaking,
        );
    }
    if let (SuccessShape::Variants { name: a }, SuccessShape::Variants { name: b }) =
        (&o.success.shape, &n.success.shape)
    {
        if a != b {
            out.push(
                at,
                "success-type-renamed",
                format!("`{id}`: `{a}` is now `{b}`"),
                Compatible,
                Breaking,
            );
        }
    }
}

fn headers(id: &str, a: &Response, b: &Response, at: (Area, &str), out: &mut Out) {
    let status = show_status(b.status);
    for h in &a.headers {
        match b.headers.iter().find(|x| x.wire_name == h.wire_name) {
            None => out.push(
                at,
                "response-header-removed",
                format!("`{id}` {status}: header `{}` is gone", h.wire_name),
                Compatible,
                Breaking,
            ),
            Some(x) if x.ty != h.ty || x.rust_name != h.rust_name => out.push(
                at,
                "response-header-changed",
                format!(
                    "`{id}` {status}: header `{}` changed from `{}` to `{}`",
                    h.wire_name,
                    show_type(&h.ty),
                    show_type(&x.ty)
                ),
                out.retyped(&h.ty, &x.ty, false, true),
                Breaking,
            ),
            Some(_) => {}
        }
    }
    for x in b.headers.iter().filter(|x| !a.headers.iter().any(|h| h.wire_name == x.wire_name)) {
        // A first header brings a headers struct into `ApiResponse`'s place.
        let rust = Verdict::breaking_if(a.headers_type.is_none());
        out.push(
            at,
            "response-header-added",
            format!("`{id}` {status}: new header `{}`", x.wire_name),
            Compatible,
            rust,
        );
    }
}

fn errors(o: &Operation, n: &Operation, at: (Area, &str), out: &mut Out) {
    let id = &n.id;
    let enum_name = &n.error_name;
    for a in &o.errors {
        let Some(b) = n.errors.iter().find(|b| b.status == a.status) else {
            out.push(
                at,
                "error-status-removed",
                format!(
                    "`{id}` no longer documents {}: `{}::{}` is gone",
                    show_status(a.status),
                    o.error_name,
                    a.variant
                ),
                Compatible,
                Breaking,
            );
            continue;
        };
        if a.variant != b.variant || o.error_name != n.error_name {
            out.push(
                at,
                "error-variant-renamed",
                format!("`{}::{}` is now `{enum_name}::{}`", o.error_name, a.variant, b.variant),
                Compatible,
                Breaking,
            );
        }
        let (ka, kb) = (a.body.as_ref().map(|x| &x.kind), b.body.as_ref().map(|x| &x.kind));
        if ka != kb {
            let show = |k: Option<&BodyKind>| k.map_or("no body".into(), show_kind);
            out.push(
                at,
                "error-body-changed",
                format!(
                    "`{id}` {}: the error body changed from {} to {}",
                    show_status(a.status),
                    show(ka),
                    show(kb)
                ),
                out.rebodied(ka, kb, false),
                Breaking,
            );
        }
        headers(id, a, b, at, out);
        if a.description != b.description {
            out.doc(format!("`{id}` response {}", show_status(a.status)));
        }
    }
    for b in n.errors.iter().filter(|b| !o.errors.iter().any(|a| a.status == b.status)) {
        out.push(
            at,
            "error-status-added",
            format!("`{id}` documents {} as `{enum_name}::{}`", show_status(b.status), b.variant),
            Compatible,
            Compatible,
        );
    }
}

pub(super) fn show_type(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Integer(crate::ir::IntWidth::I32) => "i32".into(),
        TypeRef::Integer(crate::ir::IntWidth::I64) => "i64".into(),
        TypeRef::Float(crate::ir::FloatWidth::F32) => "f32".into(),
        TypeRef::Float(crate::ir::FloatWidth::F64) => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::JsonObject => "Map<String, Value>".into(),
        TypeRef::List(inner) => format!("Vec<{}>", show_type(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", show_type(inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", show_type(inner)),
        TypeRef::Named(name) => name.clone(),
        TypeRef::External(e) => e.path.clone(),
    }
}

fn types(old: &Api, new: &Api, flows: &Flows, new_flows: &Flows, out: &mut Out) {
    let by_name = |api: &Api| -> BTreeMap<String, TypeDef> {
        api.types.iter().map(|t| (t.name.clone(), t.clone())).collect()
    };
    let (before, after) = (by_name(old), by_name(new));
    for (name, a) in &before {
        let at = (Area::Types, name.as_str());
        let Some(b) = after.get(name) else {
            // Its uses report the wire side; here it is the name that goes.
            out.push(at, "type-removed", format!("`{name}` is gone"), Compatible, Breaking);
            continue;
        };
        let sent = flows.sent.contains(name) || new_flows.sent.contains(name);
        // A type no operation uses (a webhook payload a 3.0 spec lists
        // among its components, say) is there to be decoded by its users.
        let received = flows.reads(name);
        serde_traits(name, (a, b), (flows, new_flows), at, out);
        if !a.deprecated && b.deprecated {
            out.push(
                at,
                "type-deprecated",
                format!("`{name}` is deprecated"),
                Compatible,
                Compatible,
            );
        }
        if a.description != b.description {
            out.doc(format!("type `{name}`"));
        }
        let side = Side { sent, received };
        let named = TypeRef::Named(name.clone());
        match (&a.kind, &b.kind) {
            (TypeKind::Struct(x), TypeKind::Struct(y)) => structs(name, x, y, side, at, out),
            (TypeKind::Enum(x), TypeKind::Enum(y)) => {
                let wires = |e: &crate::ir::Enum| -> BTreeMap<String, String> {
                    e.variants.iter().map(|v| (v.wire.clone(), v.name.clone())).collect()
                };
                let (was, is) = (wires(x), wires(y));
                for (wire, variant) in &was {
                    match is.get(wire) {
                        None => out.push(
                            at,
                            "enum-value-removed",
                            format!("`{name}`: value `{wire}` (`{name}::{variant}`) is gone"),
                            Verdict::breaking_if(sent),
                            Breaking,
                        ),
                        Some(now) if now != variant => out.push(
                            at,
                            "enum-variant-renamed",
                            format!("`{name}::{variant}` is now `{name}::{now}`"),
                            Compatible,
                            Breaking,
                        ),
                        Some(_) => {}
                    }
                }
                for (wire, variant) in is.iter().filter(|(w, _)| !was.contains_key(*w)) {
                    let rust = Verdict::breaking_if(x.constant);
                    out.push(
                        at,
                        "enum-value-added",
                        format!("`{name}`: new value `{wire}` (`{name}::{variant}`)"),
                        Compatible,
                        rust,
                    );
                }
                if x.repr != y.repr || x.constant != y.constant {
                    out.push(
                        at,
                        "type-changed",
                        format!("`{name}` changed what values it holds"),
                        Breaking,
                        Breaking,
                    );
                }
            }
            (TypeKind::Union(x), TypeKind::Union(y)) => {
                for v in &x.variants {
                    match y.variants.iter().find(|w| w.name == v.name) {
                        None => out.push(
                            at,
                            "union-variant-removed",
                            format!("`{name}::{}` is gone", v.name),
                            Verdict::breaking_if(sent),
                            Breaking,
                        ),
                        Some(w) if w.ty != v.ty || w.boxed != v.boxed => out.push(
                            at,
                            "union-variant-changed",
                            format!(
                                "`{name}::{}` changed from `{}` to `{}`",
                                v.name,
                                show_type(&v.ty),
                                show_type(&w.ty)
                            ),
                            out.retyped(&v.ty, &w.ty, sent, received),
                            Breaking,
                        ),
                        Some(_) => {}
                    }
                }
                for w in y.variants.iter().filter(|w| !x.variants.iter().any(|v| v.name == w.name))
                {
                    // Older clients decode it only if an old variant fits it.
                    out.push(
                        at,
                        "union-variant-added",
                        format!("`{name}`: new variant `{}` (`{}`)", w.name, show_type(&w.ty)),
                        out.retyped(&named, &w.ty, false, received),
                        Compatible,
                    );
                }
                if x.discriminator != y.discriminator {
                    out.push(
                        at,
                        "discriminator-changed",
                        format!("`{name}`: the discriminator changed"),
                        Breaking,
                        Compatible,
                    );
                }
                if x.null.is_some() != y.null.is_some() {
                    let became = y.null.is_some();
                    out.push(
                        at,
                        "nullable-changed",
                        format!(
                            "`{name}` {} be `null`",
                            if became { "may now" } else { "may no longer" }
                        ),
                        Verdict::breaking_if(if became { received } else { sent }),
                        Verdict::breaking_if(!became),
                    );
                }
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) if x != y => {
                out.push(
                    at,
                    "type-changed",
                    format!("`{name}` changed from `{}` to `{}`", show_type(x), show_type(y)),
                    out.retyped(&named, &named, sent, received),
                    Breaking,
                );
            }
            (TypeKind::Tuple(x), TypeKind::Tuple(y)) if x != y => {
                out.push(
                    at,
                    "type-changed",
                    format!("`{name}`: the tuple's items changed"),
                    out.retyped(&named, &named, sent, received),
                    Breaking,
                );
            }
            (TypeKind::Alias(_), TypeKind::Alias(_)) | (TypeKind::Tuple(_), TypeKind::Tuple(_)) => {
            }
            (x, y) => out.push(
                at,
                "type-changed",
                format!("`{name}` changed from {} to {}", show_type_kind(x), show_type_kind(y)),
                out.retyped(&named, &named, sent, received),
                Breaking,
            ),
        }
    }
    for (name, b) in after.iter().filter(|(n, _)| !before.contains_key(*n)) {
        out.push(
            (Area::Types, name),
            "type-added",
            format!("New type `{name}`, {}", show_type_kind(&b.kind)),
            Compatible,
            Compatible,
        );
    }
}

fn show_type_kind(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Union(_) => "a union of shapes",
        TypeKind::Alias(_) => "an alias",
        TypeKind::Tuple(_) => "a tuple",
    }
}

/// Which way a type travels in the old client (and, for requests, the new
/// one: a type newly sent matters to what old code builds).
#[derive(Clone, Copy)]
struct Side {
    sent: bool,
    received: bool,
}

fn structs(name: &str, x: &Struct, y: &Struct, side: Side, at: (Area, &str), out: &mut Out) {
    let Side { sent, received } = side;
    for f in &x.fields {
        let what = format!("`{name}.{}`", f.wire_name);
        let Some(g) = y.fields.iter().find(|g| g.wire_name == f.wire_name) else {
            // Old clients that decode it demand it when it was always there.
            let demanded = received && !f.optional();
            out.push(
                at,
                "property-removed",
                format!("{what} is gone"),
                Verdict::breaking_if(demanded),
                Breaking,
            );
            continue;
        };
        field(&what, f, g, side, at, out);
    }
    for g in y.fields.iter().filter(|g| !x.fields.iter().any(|f| f.wire_name == g.wire_name)) {
        let what = format!("New property `{name}.{}`", g.wire_name);
        if g.required_in_requests() {
            // `new()` gains an argument; the server demands the value.
            out.push(
                at,
                "property-added",
                format!("{what}, required: `{name}::new` takes it"),
                Verdict::breaking_if(sent),
                Breaking,
            );
        } else {
            let how = if g.required { "required in responses only" } else { "optional" };
            out.push(at, "property-added", format!("{what}, {how}"), Compatible, Compatible);
        }
    }
    match (&x.additional, &y.additional) {
        (None, Some(_)) => out.push(
            at,
            "additional-properties-added",
            format!("`{name}` keeps other properties too"),
            Compatible,
            Compatible,
        ),
        (Some(_), None) => out.push(
            at,
            "additional-properties-removed",
            format!("`{name}` no longer keeps other properties"),
            Verdict::breaking_if(sent),
            Breaking,
        ),
        (Some(a), Some(b)) if a != b => out.push(
            at,
            "additional-properties-changed",
            format!(
                "`{name}`: other properties changed from `{}` to `{}`",
                show_type(a),
                show_type(b)
            ),
            out.retyped(a, b, sent, received),
            Breaking,
        ),
        _ => {}
    }
    if x.presence != y.presence {
        // A rule where none was, or another rule, can refuse what old
        // clients send; dropping the rule refuses nothing.
        let (kind, wire) = match &y.presence {
            None => ("presence-loosened", Compatible),
            Some(_) => ("presence-tightened", Verdict::breaking_if(sent)),
        };
        out.push(
            at,
            kind,
            format!(
                "`{name}`: the properties required together changed from {} to {}",
                show_presence(x.presence.as_ref()),
                show_presence(y.presence.as_ref())
            ),
            wire,
            Compatible,
        );
    }
    if x.derive_default && !y.derive_default {
        out.push(
            at,
            "default-removed",
            format!("`{name}` no longer implements `Default`"),
            Compatible,
            Breaking,
        );
    }
}

/// `at least one of (a), (b, c)`, or `none`.
fn show_presence(p: Option<&Presence>) -> String {
    let Some(p) = p else { return "none".to_string() };
    let sets: Vec<String> = p.sets.iter().map(|set| format!("({})", set.join(", "))).collect();
    let rule = if p.exclusive { "exactly one" } else { "at least one" };
    format!("{rule} of {}", sets.join(", "))
}

/// A model implements `Serialize` only while something sends it and
/// `Deserialize` only while something receives it (the generated crate's
/// `serde-all` feature gives both): a type that stops travelling one way
/// loses the trait, which breaks code that used it.
fn serde_traits(
    name: &str,
    (a, b): (&TypeDef, &TypeDef),
    (flows, new_flows): (&Flows, &Flows),
    at: (Area, &str),
    out: &mut Out,
) {
    let derives = |t: &TypeDef| {
        matches!(t.kind, TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Tuple(_))
    };
    if !derives(a) || !derives(b) {
        return;
    }
    let lost = [
        ("Serialize", "sends", flows.writes(name) && !new_flows.writes(name)),
        ("Deserialize", "receives", flows.reads(name) && !new_flows.reads(name)),
    ];
    for (trait_, verb, gone) in lost {
        if gone {
            out.push(
                at,
                if trait_ == "Serialize" { "serialize-removed" } else { "deserialize-removed" },
                format!(
                    "`{name}` no longer implements `{trait_}` (no operation {verb} it now; \
                     the crate's `serde-all` feature keeps it)"
                ),
                Compatible,
                Breaking,
            );
        }
    }
}

fn field(what: &str, f: &Field, g: &Field, side: Side, at: (Area, &str), out: &mut Out) {
    let Side { sent, received } = side;
    if f.ty != g.ty {
        out.push(
            at,
            "property-type-changed",
            format!("{what} changed type from `{}` to `{}`", show_type(&f.ty), show_type(&g.ty)),
            out.retyped(&f.ty, &g.ty, sent, received),
            Breaking,
        );
    }
    // Wire: an old client decoding the type demands the key unless its
    // field is optional; an old client sending it may leave out what it
    // did not have to send, or send `null` where that was allowed.
    let demands_now_missing = received && !f.optional() && g.optional();
    let omits_now_required = sent && !f.required_in_requests() && g.required_in_requests();
    let sends_now_refused_null = sent && f.nullable && !g.nullable;
    let rust_changed = f.optional() != g.optional()
        || f.absent_or_null() != g.absent_or_null()
        || f.required_in_requests() != g.required_in_requests()
        || f.boxed != g.boxed;
    let flags = |h: &Field| (h.required, h.nullable, h.read_only, h.write_only);
    if flags(f) != flags(g) {
        let describe = |h: &Field| {
            let mut words = vec![if h.required { "required" } else { "optional" }];
            if h.nullable {
                words.push("nullable");
            }
            if h.read_only {
                words.push("read-only");
            }
            if h.write_only {
                words.push("write-only");
            }
            words.join(", ")
        };
        out.push(
            at,
            "property-presence-changed",
            format!("{what} was {}, is {}", describe(f), describe(g)),
            Verdict::breaking_if(
                demands_now_missing || omits_now_required || sends_now_refused_null,
            ),
            Verdict::breaking_if(rust_changed),
        );
    } else if f.rust_name != g.rust_name || f.boxed != g.boxed {
        out.push(
            at,
            "property-renamed",
            format!("{what} is now the field `{}`", g.rust_name),
            Compatible,
            Breaking,
        );
    }
    facts(what, &f.facts, &g.facts, sent, at, out);
    if !f.deprecated && g.deprecated {
        out.push(
            at,
            "property-deprecated",
            format!("{what} is deprecated"),
            Compatible,
            Compatible,
        );
    }
    if f.description != g.description {
        out.doc(what.to_string());
    }
}
