//! What a spec location becomes in Rust, in words: for `clientgen explain`
//! and anyone asking "where did my schema go?".
//!
//! A location is a JSON pointer into the spec: an operation
//! (`#/paths/~1users~1{id}/get`, or a part of it), a path item, a schema
//! (`#/components/schemas/User`), or a property of one
//! (`…/User/properties/email`).

use super::types::{Scope, rust_type};
use crate::ir::{Api, BodyKind, Group, Operation, SuccessShape, TypeDef, TypeKind, TypeRef};

/// The explanation of `pointer`, or `None` when nothing generated comes
/// from it.
pub fn explain(api: &Api, pointer: &str) -> Option<String> {
    let pointer = format!("#/{}", pointer.trim_start_matches('#').trim_start_matches('/'));
    operation(api, &pointer).or_else(|| schema(api, &pointer))
}

/// A type as the generated code spells it outside the models module.
fn shown(ty: &TypeRef) -> String {
    rust_type(ty, Scope::Outside)
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

/// `#/paths/<path>[/<method>[/…]]`.
fn operation(api: &Api, pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("#/paths/")?;
    let mut segments = rest.split('/');
    let path = unescape(segments.next()?);
    let method = segments.next();
    let found: Vec<(&Group, &Operation)> = api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |op| (g, op)))
        .filter(|(_, op)| op.path == path)
        .filter(|(_, op)| method.is_none_or(|m| op.method.as_str().eq_ignore_ascii_case(m)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (group, op) in found {
        out.push_str(&describe_operation(api, group, op));
    }
    let part: Vec<&str> = segments.collect();
    if let ["responses", status, ..] = part.as_slice() {
        out.push_str(&format!(
            "The response `{status}` is matched by status as described above.\n"
        ));
    }
    Some(out)
}

fn describe_operation(api: &Api, group: &Group, op: &Operation) -> String {
    let required: Vec<&str> =
        op.params.iter().filter(|p| p.required).map(|p| p.rust_name.as_str()).collect();
    let mut args = required.clone();
    let body = op.body.as_ref();
    if let Some(b) = body.filter(|b| b.required) {
        args.push(&b.rust_name);
    }
    let mut out = format!(
        "{} {} (`{}`) becomes `client.{}().{}({})`, in `src/apis/{}.rs`",
        op.method.as_str(),
        op.path,
        op.id,
        group.module,
        op.fn_name,
        args.join(", "),
        group.module,
    );
    if api.groups.len() > 1 {
        out.push_str(&format!(", behind the Cargo feature `{}`", group.module));
    }
    out.push_str(".\n");
    let setters: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| format!("`.{}(…)`", p.rust_name))
        .chain(body.filter(|b| !b.required).map(|b| format!("`.{}(…)`", b.rust_name)))
        .collect();
    if !setters.is_empty() {
        out.push_str(&format!(
            "  optional, on its builder `{}`: {}\n",
            op.builder_name,
            setters.join(", ")
        ));
    }
    let returns = match &op.success.shape {
        SuccessShape::Single { body: None, .. } => "()".to_string(),
        SuccessShape::Single { body: Some(kind), optional } => {
            let ty = body_type(kind);
            if *optional { format!("Option<{ty}>") } else { ty }
        }
        SuccessShape::Variants { name } => format!("apis::{}::{name}", group.module),
    };
    out.push_str(&format!("  `send()` returns `{returns}`"));
    if op.pagination.is_some() {
        out.push_str("; it pages, so `items()` walks every page");
    }
    out.push('\n');
    if op.errors.is_empty() {
        out.push_str("  no error status is documented: any arrives as `Error::UnexpectedStatus`\n");
    } else {
        let variants: Vec<&str> = op.errors.iter().map(|r| r.variant.as_str()).collect();
        out.push_str(&format!(
            "  documented errors arrive as `Error::Api(apis::{}::{}::…)`: {}\n",
            group.module,
            op.error_name,
            variants.join(", ")
        ));
    }
    out
}

fn body_type(kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(t) | BodyKind::Form(t) => shown(t),
        BodyKind::Text => "String".into(),
        BodyKind::Bytes => "bytes::Bytes".into(),
        BodyKind::Multipart(form) => form.name.clone(),
        BodyKind::Items { item, .. } => format!("ItemsBody<{}>", shown(item)),
    }
}

/// A schema, or a property of one: the type whose origin is the longest
/// prefix of `pointer`.
fn schema(api: &Api, pointer: &str) -> Option<String> {
    let def = api
        .types
        .iter()
        .filter(|t| {
            pointer == t.origin
                || pointer.strip_prefix(&t.origin).is_some_and(|r| r.starts_with('/'))
        })
        .max_by_key(|t| t.origin.len())?;
    let rest = &pointer[def.origin.len()..];
    if let (Some(name), TypeKind::Struct(s)) = (rest.strip_prefix("/properties/"), &def.kind) {
        let name = unescape(name.split('/').next().unwrap_or(name));
        let field = s.fields.iter().find(|f| f.wire_name == name)?;
        let ty = shown(&field.ty);
        let ty = if field.optional() { format!("Option<{ty}>") } else { ty };
        let mut out = format!(
            "Property `{name}` becomes field `{}: {ty}` of `models::{}`",
            field.rust_name, def.name
        );
        if field.optional() && field.required {
            out.push_str(" (required in the spec, optional in Rust: it is read-only, write-only or nullable)");
        }
        out.push_str(".\n");
        return Some(out);
    }
    Some(describe_type(def, rest))
}

fn describe_type(def: &TypeDef, rest: &str) -> String {
    let name = &def.name;
    let what = match &def.kind {
        TypeKind::Struct(s) => {
            let mut text = format!("a struct with {} field(s)", s.fields.len());
            for f in &s.fields {
                let ty = shown(&f.ty);
                let ty = if f.optional() { format!("Option<{ty}>") } else { ty };
                text.push_str(&format!("\n  `{}: {ty}`", f.rust_name));
                if f.rust_name != f.wire_name {
                    text.push_str(&format!(" ← `{}`", f.wire_name));
                }
            }
            text
        }
        TypeKind::Enum(e) => format!(
            "an enum of {} value(s), plus `Unknown` for values this version does not know",
            e.variants.len()
        ),
        TypeKind::Union(u) => {
            format!("an enum with one variant per alternative ({})", u.variants.len())
        }
        TypeKind::Alias(inner) => format!("an alias of `{}`", shown(inner)),
        TypeKind::Tuple(items) => format!("a tuple of {} item(s)", items.len()),
    };
    let inside = if rest.is_empty() { String::new() } else { format!(" (`{rest}` is inside it)") };
    format!("{} becomes `models::{name}`{inside}: {what}\n", def.origin)
}

/// A JSON pointer segment's text (`~1` is `/`, `~0` is `~`).
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
