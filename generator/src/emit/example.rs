//! Example calls for operation docs: Rust that compiles as a doc-test.
//!
//! Every required argument gets a value the spec accepts: its example or
//! default where they fit, otherwise one made from the type, format,
//! length and bounds (and checked against the pattern); for models the
//! shortest expression that builds one (`Default`, `new(…)`, a variant).
//! The conformance harness calls the API with the same values, so an
//! example the docs show is one a mock of the spec accepts.

use std::collections::HashMap;
use std::sync::OnceLock;

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;
use crate::ir::{
    Api, BodyKind, EnumRepr, Facts, Field, FloatWidth, Group, IntWidth, Operation, PartKind,
    RequestBody, Struct, TypeKind, TypeRef,
};

/// How deep model construction may go before the example is given up.
const MAX_DEPTH: usize = 5;

/// Where a value is passed, which decides how it is spelled.
#[derive(Clone, Copy)]
pub(super) enum Place {
    /// An operation argument: `impl Into<String>` and `impl IntoIterator`.
    Argument,
    /// A constructor argument or field: the exact type.
    Exact,
}

/// Each operation's example, made at most once: the API docs and the
/// Markdown pages both show it, and are built on different threads.
pub(super) struct Examples<'a> {
    api: &'a Api,
    crate_name: &'a str,
    /// By group module and method name, which name an operation uniquely.
    made: HashMap<(&'a str, &'a str), OnceLock<Option<String>>>,
}

impl<'a> Examples<'a> {
    pub(super) fn new(api: &'a Api, crate_name: &'a str) -> Self {
        let made = api
            .groups
            .iter()
            .flat_map(|g| {
                g.operations
                    .iter()
                    .map(|op| ((g.module.as_str(), op.fn_name.as_str()), OnceLock::new()))
            })
            .collect();
        Self { api, crate_name, made }
    }

    /// The example for `op` of `group`, see [`operation`].
    pub(super) fn of(&self, group: &'a Group, op: &'a Operation) -> Option<&str> {
        let cell = self.made.get(&(group.module.as_str(), op.fn_name.as_str()))?;
        cell.get_or_init(|| operation(self.api, op, self.crate_name, &group.module)).as_deref()
    }
}

/// A doc-test for `op`, or `None` when no value of some argument's type can
/// be written (a model that cannot be built, say).
fn operation(api: &Api, op: &Operation, crate_name: &str, accessor: &str) -> Option<String> {
    let mut args = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        args.push(value(api, &p.ty, Place::Argument, Some(&p.facts), 0)?);
    }
    let crate_ident = ident(&crate_name.replace('-', "_"));
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        args.push(body_value(api, b, &crate_ident, accessor)?);
    }
    let optional = first_optional(api, op);
    let accessor = ident(accessor);
    let call = ident(&op.fn_name);
    let body = quote! {
        fn example() {
            let response = client.#accessor().#call(#(#args),*) #optional .send().await?;
        }
    };
    let file: syn::File = syn::parse2(body).ok()?;
    let text = prettyplease::unparse(&file);
    let statement: Vec<&str> =
        text.lines().filter(|l| l.starts_with("    ")).map(|l| &l[4..]).collect();
    let crate_ident = crate_ident.to_string();
    let statement = statement.join("\n");
    let models = if statement.contains("models::") {
        format!("# use {crate_ident}::models;\n")
    } else {
        String::new()
    };
    Some(format!(
        "```no_run\n{models}# async fn example(client: &{crate_ident}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n\
         {statement}\nprintln!(\"{{response:?}}\");\n# Ok(())\n# }}\n```"
    ))
}

/// The setter call of the operation's first optional parameter, which the
/// example shows to say how the builder is used (and the conformance
/// harness calls as shown).
pub(super) fn first_optional(api: &Api, op: &Operation) -> Option<TokenStream> {
    let p = op.params.iter().find(|p| !p.required)?;
    let v = value(api, &p.ty, Place::Argument, Some(&p.facts), 0)?;
    let setter = ident(&p.rust_name);
    Some(quote!(.#setter(#v)))
}

/// A value for `body`, as the operation's argument or setter takes it;
/// `krate` names the generated crate and `module` the operation's group.
pub(super) fn body_value(
    api: &Api,
    body: &RequestBody,
    krate: &proc_macro2::Ident,
    module: &str,
) -> Option<TokenStream> {
    let choice = body.choice.is_some();
    Some(match &body.kind {
        // A body of any JSON: `null` reads as no body at all (Prism says
        // "Body parameter is required"), an empty object does not.
        BodyKind::Json(TypeRef::Json) => quote!(serde_json::json!({})),
        BodyKind::Json(t) => value(api, t, Place::Exact, Some(&body.facts), 0)?,
        // An empty form is an empty body, which reads as none at all
        // (truora.com: "Body parameter is required"); `{}` in JSON is not.
        BodyKind::Form(t) => {
            let form = value(api, t, Place::Exact, Some(&body.facts), 0)?;
            let setter = match t {
                TypeRef::Named(name) => filling_setter(api, name, &[], 0),
                _ => None,
            };
            quote!(#form #setter)
        }
        // A body enum converts only from the preferred body's own type.
        BodyKind::Text if choice => {
            let text = body_text(&body.facts).unwrap_or_else(|| "text".into());
            quote!(String::from(#text))
        }
        BodyKind::Bytes if choice => {
            let bytes = body_bytes(&body.facts);
            quote!(#krate::Payload::from(#bytes))
        }
        BodyKind::Text => {
            let text = body_text(&body.facts).unwrap_or_else(|| "text".into());
            quote!(#text)
        }
        BodyKind::Bytes => body_bytes(&body.facts),
        // A list converts into the items body (a stream does too).
        BodyKind::Items { item, .. } => {
            let one = value(api, item, Place::Exact, None, 0)?;
            quote!(vec![#one])
        }
        BodyKind::Multipart(form) => {
            let part = |p: &crate::ir::Part| {
                let one = match (&p.kind, p.type_ref()) {
                    (PartKind::Json(_), Some(t)) => value(api, t, Place::Exact, None, 0)?,
                    (_, Some(t)) => value(api, t, Place::Argument, None, 0)?,
                    (_, None) => quote!(#krate::FilePart::new(vec![0u8])),
                };
                Some(if p.repeated { quote!([#one]) } else { one })
            };
            let parts =
                form.parts.iter().filter(|p| p.required).map(part).collect::<Option<Vec<_>>>()?;
            let module = ident(module);
            let name = ident(&form.name);
            let path = quote!(#krate::apis::#module::#name);
            match form.parts.first() {
                // An empty form is an empty body, which reads as none at
                // all (presalytics.io: "Body parameter is required").
                Some(first) if parts.is_empty() => {
                    let setter = super::models::setter_name(&first.rust_name);
                    let one = part(first)?;
                    quote!(#path::default().#setter(#one))
                }
                None => quote!(#path::default()),
                Some(_) => quote!(#path::new(#(#parts),*)),
            }
        }
    })
}

pub(super) fn value(
    api: &Api,
    ty: &TypeRef,
    place: Place,
    facts: Option<&Facts>,
    depth: usize,
) -> Option<TokenStream> {
    if depth > MAX_DEPTH {
        return None;
    }
    let example =
        facts.and_then(|f| f.example.as_deref()).and_then(|e| serde_json::from_str(e).ok());
    Some(match ty {
        // The generator knows nothing of how to build a type the settings
        // put in place.
        TypeRef::External(_) => return None,
        TypeRef::String => {
            let text = text_value(facts.unwrap_or(&Facts::default()))?;
            match place {
                Place::Argument => quote!(#text),
                Place::Exact => quote!(#text.to_string()),
            }
        }
        TypeRef::Integer(w) => {
            let n = number_value(facts, example.as_ref(), true) as i64;
            match w {
                IntWidth::I32 => {
                    let n = proc_macro2::Literal::i32_unsuffixed(i32::try_from(n).unwrap_or(1));
                    quote!(#n)
                }
                IntWidth::I64 => {
                    let n = proc_macro2::Literal::i64_unsuffixed(n);
                    quote!(#n)
                }
            }
        }
        TypeRef::Float(FloatWidth::F32) | TypeRef::Float(FloatWidth::F64) => {
            let n =
                proc_macro2::Literal::f64_unsuffixed(number_value(facts, example.as_ref(), false));
            quote!(#n)
        }
        TypeRef::Boolean => quote!(true),
        TypeRef::DateTime => quote!(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH),
        // 1970-01-01: a date every validator takes (`NaiveDate::MIN` is not).
        TypeRef::Date => quote!(chrono::NaiveDate::default()),
        TypeRef::Uuid => quote!(uuid::Uuid::nil()),
        TypeRef::Json => quote!(serde_json::Value::Null),
        TypeRef::JsonObject => quote!(serde_json::Map::new()),
        TypeRef::Map(_) => quote!(Default::default()),
        // `null` is always valid here; a value shows more.
        TypeRef::Nullable(inner) => match value(api, inner, Place::Exact, facts, depth + 1) {
            Some(v) => quote!(Some(#v)),
            None => quote!(None),
        },
        TypeRef::List(inner) => {
            // An argument list takes text items as `impl Into<String>`;
            // any other item (a list of lists, say) as its exact type.
            let item_place = match **inner {
                TypeRef::String => place,
                _ => Place::Exact,
            };
            let item_facts = facts.and_then(|f| f.items.as_deref());
            let item = value(api, inner, item_place, item_facts, depth + 1)?;
            // As many items as the spec asks for, at least one.
            let count = facts.and_then(|f| f.min_items).unwrap_or(1).max(1);
            let items = std::iter::repeat_n(item, count);
            match place {
                Place::Argument => quote!([#(#items),*]),
                Place::Exact => quote!(vec![#(#items),*]),
            }
        }
        TypeRef::Named(name) => match api.type_def(name).map(|d| &d.kind) {
            // An alias carries the constraints of the place that uses it.
            // The alias is the exact type taken (no `impl Into`).
            Some(TypeKind::Alias(inner)) => value(api, inner, Place::Exact, facts, depth + 1)?,
            _ => named(api, name, depth)?,
        },
    })
}

/// The text of a text or raw body whose schema constrains it (an example,
/// a format, a pattern or a length); `None` for a body of any text. An
/// example longer than a line is not shown: a made-up value that fits
/// reads better in the docs.
fn body_text(facts: &Facts) -> Option<String> {
    let constrained = facts.example.is_some()
        || facts.format.is_some()
        || facts.pattern.is_some()
        || facts.min_length.is_some()
        || facts.max_length.is_some();
    if !constrained {
        return None;
    }
    let mut facts = facts.clone();
    facts.example = facts.example.filter(|e| e.len() <= 64);
    text_value(&facts)
}

/// A raw body: one zero byte, unless its schema says it is base64 text
/// (`format: byte`), which a zero byte is not.
fn body_bytes(facts: &Facts) -> TokenStream {
    match body_text(facts).filter(|_| facts.format.as_deref() == Some("byte")) {
        Some(text) => {
            let bytes = proc_macro2::Literal::byte_string(text.as_bytes());
            quote!(#bytes.to_vec())
        }
        None => quote!(vec![0u8]),
    }
}

/// A text the spec accepts: the example, the default, or a value made for
/// the format, fitted to the length bounds, and matching the pattern when
/// the pattern can be checked. `None` when none of them fits.
pub(super) fn text_value(facts: &Facts) -> Option<String> {
    let given = |json: &Option<String>| {
        json.as_deref().and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()).and_then(
            |v| match v {
                serde_json::Value::String(s) => Some(s),
                _ => None,
            },
        )
    };
    let by_format = match facts.format.as_deref() {
        Some("email") => "user@example.com",
        Some("uri" | "url" | "uri-reference") => "https://example.com",
        Some("hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("byte") => "AAAA",
        Some("password") => "secret",
        _ => "value",
    };
    let fitted = |text: &str| {
        let mut text: String = match facts.max_length {
            Some(max) => text.chars().take(max).collect(),
            None => text.to_string(),
        };
        while text.chars().count() < facts.min_length.unwrap_or(0) {
            text.push('x');
        }
        text
    };
    let pattern = facts
        .pattern
        .as_deref()
        .filter(|_| facts.pattern_checked)
        .and_then(|p| regex_lite::Regex::new(p).ok());
    let candidates = [given(&facts.example), given(&facts.default), Some(by_format.to_string())];
    let plain =
        ["a", "1", "123", "abc", "abc-123", "A1", "AB", "example"].map(|s| Some(s.to_string()));
    // Last, a text made from the pattern itself, its open repetitions
    // stretched as far as a minimum length may need.
    let stretches = [0, 1, facts.min_length.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))];
    let made = pattern
        .as_ref()
        .map(|p| stretches.map(|s| super::sample::text(p.as_str(), s)))
        .into_iter()
        .flatten()
        .flatten();
    let fits = |text: &String| {
        let length = text.chars().count();
        facts.min_length.is_none_or(|min| length >= min)
            && facts.max_length.is_none_or(|max| length <= max)
            && pattern.as_ref().is_none_or(|p| p.is_match(text))
    };
    candidates.into_iter().chain(plain).flatten().map(|t| fitted(&t)).chain(made).find(fits)
}

/// A number within the bounds: the example or default if inside them,
/// else 1 moved inside (an exclusive bound is stepped over).
fn number_value(facts: Option<&Facts>, example: Option<&serde_json::Value>, integer: bool) -> f64 {
    let facts = facts.cloned().unwrap_or_default();
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<f64>().ok());
    let (min, max) = (parse(&facts.minimum), parse(&facts.maximum));
    let step = if integer { 1.0 } else { 0.5 };
    let low = min.map(|m| if facts.exclusive_minimum { m + step } else { m });
    let high = max.map(|m| if facts.exclusive_maximum { m - step } else { m });
    let inside = |n: f64| low.is_none_or(|l| n >= l) && high.is_none_or(|h| n <= h);
    let default = facts.default.as_deref().and_then(|d| d.parse::<f64>().ok());
    let candidates = [example.and_then(serde_json::Value::as_f64), default, Some(1.0)];
    let found =
        candidates.into_iter().flatten().find(|&n| inside(n) && (!integer || n.fract() == 0.0));
    let n = found.unwrap_or_else(|| low.or(high).unwrap_or(1.0));
    if integer { n.ceil() } else { n }
}

fn named(api: &Api, name: &str, depth: usize) -> Option<TokenStream> {
    let def = api.type_def(name)?;
    let path = {
        let name = ident(name);
        quote!(models::#name)
    };
    Some(match &def.kind {
        // A required write-only field is an `Option` (responses lack it),
        // so such a struct has `Default`, but a request needs `new(…)`
        // (atlassian.com/jira: `Default` sent a priority without its name).
        TypeKind::Struct(s) => {
            let base = if s.derive_default && !s.fields.iter().any(Field::required_in_requests) {
                quote!(#path::default())
            } else {
                let args = constructor_args(api, s, depth)?;
                quote!(#path::new(#(#args),*))
            };
            let setters = presence_setters(api, s, depth)?;
            quote!(#base #(#setters)*)
        }
        TypeKind::Enum(e) => match e.variants.first() {
            Some(v) => {
                let v = ident(&v.name);
                quote!(#path::#v)
            }
            None => match e.repr {
                EnumRepr::String => quote!(#path::Unknown(String::new())),
                EnumRepr::Integer => quote!(#path::Unknown(0)),
            },
        },
        TypeKind::Union(u) => {
            // Written as text (a path or query parameter), a number also
            // matches a string variant, and `oneOf` then matches twice
            // (GitHub's `workflow_id`: integer or file name); a text that
            // is no number matches one variant only, as text or as JSON.
            let numeric =
                u.variants.iter().any(|v| matches!(v.ty, TypeRef::Integer(_) | TypeRef::Float(_)));
            let text = u.variants.iter().find(|v| v.ty == TypeRef::String).filter(|_| numeric);
            let first = text.or(u.variants.first())?;
            let inner = value(api, &first.ty, Place::Exact, Some(&first.facts), depth + 1)?;
            let others: Vec<&Struct> = u
                .variants
                .iter()
                .filter(|v| v.name != first.name)
                .filter_map(|v| match &v.ty {
                    TypeRef::Named(n) => match &api.type_def(n)?.kind {
                        TypeKind::Struct(s) => Some(s),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            let setter = match (&first.ty, u.variants.len() > 1) {
                (TypeRef::Named(name), true) => filling_setter(api, name, &others, depth),
                _ => None,
            };
            let inner = quote!(#inner #setter);
            let inner = if first.boxed { quote!(Box::new(#inner)) } else { inner };
            let v = ident(&first.name);
            quote!(#path::#v(#inner))
        }
        TypeKind::Alias(inner) => value(api, inner, Place::Exact, None, depth + 1)?,
        TypeKind::Tuple(items) => {
            let values = items
                .iter()
                .map(|item| {
                    let v = value(api, &item.ty, Place::Exact, None, depth + 1)?;
                    Some(if item.boxed { quote!(Box::new(#v)) } else { v })
                })
                .collect::<Option<Vec<_>>>()?;
            quote!(#path(#(#values),*))
        }
    })
}

/// The setters that complete the first set of members a presence rule asks
/// for (GitHub's "`state` or `assignees`"), beyond what `new` takes.
fn presence_setters(api: &Api, s: &Struct, depth: usize) -> Option<Vec<TokenStream>> {
    let Some(presence) = &s.presence else { return Some(Vec::new()) };
    presence
        .chosen()
        .iter()
        .filter_map(|wire| s.field(wire))
        .filter(|f| super::models::settable(api, f))
        .map(|f| setter_call(api, f, depth))
        .collect()
}

/// An optional field set, so that the value fits where it is: as a member
/// of a union, it fits this member only, since `oneOf` refuses a value that
/// fits two. The field is one that another member has with another type
/// (GitHub's set-labels: `labels` of strings or of objects; soundcloud.com's
/// token grants: `grant_type` of other values; adyen.com's payment methods:
/// a `type` of each method's own values, where ACH's and BACS's required
/// fields alike fit both), set unless a required field already tells the
/// members apart. A struct that would be written `{}` (no field a request
/// needs) gets one field set whatever it is: as a form, so that the body is
/// not empty.
fn filling_setter(api: &Api, name: &str, others: &[&Struct], depth: usize) -> Option<TokenStream> {
    let TypeKind::Struct(s) = &api.type_def(name)?.kind else { return None };
    if s.presence.is_some() {
        return None;
    }
    let telling = |f: &&Field| {
        others.iter().any(|o| o.field(&f.wire_name).is_some_and(|other| other.ty != f.ty))
    };
    let mut required = s.fields.iter().filter(|f| f.required_in_requests()).peekable();
    let empty = required.peek().is_none();
    if required.any(|f| telling(&f)) {
        return None;
    }
    let mut settable = s.fields.iter().filter(|f| super::models::settable(api, f));
    let field = match settable.clone().find(telling) {
        Some(field) => field,
        None if empty => settable.next()?,
        None => return None,
    };
    setter_call(api, field, depth)
}

/// `.with_field(value)`, with a value the field's schema accepts.
fn setter_call(api: &Api, f: &Field, depth: usize) -> Option<TokenStream> {
    let place = if f.ty == TypeRef::String { Place::Argument } else { Place::Exact };
    let v = value(api, &f.ty, place, Some(&f.facts), depth + 1)?;
    let setter = super::models::setter_name(&f.rust_name);
    Some(quote!(.#setter(#v)))
}

fn constructor_args(api: &Api, s: &Struct, depth: usize) -> Option<Vec<TokenStream>> {
    s.fields
        .iter()
        .filter(|f| f.required_in_requests() && (f.boxed || api.constant(&f.ty).is_none()))
        .map(|f| {
            // A text argument takes `impl Into<String>`: a literal reads best.
            let place =
                if f.ty == TypeRef::String && !f.boxed { Place::Argument } else { Place::Exact };
            let v = value(api, &f.ty, place, Some(&f.facts), depth + 1)?;
            Some(if f.boxed { quote!(Box::new(#v)) } else { v })
        })
        .collect()
}
