//! `docs/`: a Markdown reference beside the crate, the Rust counterpart of
//! openapi-generator's per-API pages, reviewable without building rustdoc.
//!
//! `docs/README.md` indexes everything; `docs/<Group>.md` has an operations
//! table and one section per operation; `docs/models/<Type>.md` one page per
//! model.

use std::fmt::Write as _;
use std::sync::Arc;

use super::Emitted;
use super::doc::sanitize;
use super::example::Examples;
use crate::ir::{
    Api, BodyKind, FloatWidth, Group, IntWidth, Operation, ParamLocation, StatusMatch,
    SuccessShape, TypeDef, TypeKind, TypeRef,
};

pub(super) fn files<'a>(api: &'a Api, examples: &Arc<Examples<'a>>) -> Vec<Emitted<'a>> {
    let mut files = vec![Emitted::text("docs/README.md", move || index(api))];
    for group in &api.groups {
        let examples = examples.clone();
        files.push(Emitted::text(format!("docs/{}.md", group.type_name), move || {
            group_page(api, group, &examples)
        }));
    }
    for def in &api.types {
        files.push(Emitted::text(format!("docs/models/{}.md", def.name), move || model_page(def)));
    }
    files
}

/// Table-cell text: one line, pipes escaped.
fn cell(text: &str) -> String {
    sanitize(text).replace('\n', " ").replace('|', "\\|")
}

fn index(api: &Api) -> String {
    let mut out = format!("# {} {}\n\n", api.title, api.version);
    if let Some(d) = &api.description {
        let _ = writeln!(out, "{}\n", sanitize(d));
    }
    if !api.base_url.is_empty() {
        let _ = writeln!(out, "All URIs are relative to *{}*.\n", api.base_url);
    }
    out.push_str("## APIs\n\n| API | Accessor | Operations |\n|---|---|---|\n");
    for g in &api.groups {
        let _ = writeln!(
            out,
            "| [{}]({}.md) | `client.{}()` | {} |",
            g.type_name,
            g.type_name,
            crate::naming::bare(&g.module),
            g.operations.len()
        );
    }
    out.push_str("\n## Models\n\n");
    for t in &api.types {
        let _ = writeln!(out, "- [{}](models/{}.md)", t.name, t.name);
    }
    out
}

/// A type as documentation text, models linked relative to `prefix`.
fn type_text(ty: &TypeRef, prefix: &str) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer(IntWidth::I32) => "i32".into(),
        TypeRef::Integer(IntWidth::I64) => "i64".into(),
        TypeRef::Float(FloatWidth::F32) => "f32".into(),
        TypeRef::Float(FloatWidth::F64) => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::DateTime => "DateTime&lt;Utc&gt;".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map".into(),
        TypeRef::List(inner) => format!("Vec&lt;{}&gt;", type_text(inner, prefix)),
        TypeRef::Map(inner) => format!("BTreeMap&lt;String, {}&gt;", type_text(inner, prefix)),
        TypeRef::Nullable(inner) => format!("Option&lt;{}&gt;", type_text(inner, prefix)),
        TypeRef::Named(n) => format!("[{n}]({prefix}{n}.md)"),
        TypeRef::External(e) => e.path.replace('<', "&lt;").replace('>', "&gt;"),
    }
}

fn body_text(kind: Option<&BodyKind>) -> String {
    match kind {
        None => "`()`".into(),
        Some(BodyKind::Json(t)) | Some(BodyKind::Form(t)) => type_text(t, "models/"),
        Some(BodyKind::Text) => "String".into(),
        Some(BodyKind::Bytes) => "Bytes".into(),
        Some(BodyKind::Multipart(form)) => format!("`{}`, a field per part", form.name),
        Some(BodyKind::Items { item, .. }) => {
            format!("`ItemsBody` of {}, sent as produced", type_text(item, "models/"))
        }
    }
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(n) => n.to_string(),
        StatusMatch::Range(n) => format!("{n}XX"),
        StatusMatch::Default => "default".into(),
    }
}

fn group_page<'a>(api: &'a Api, group: &'a Group, examples: &Examples<'a>) -> String {
    let mut out = format!("# {}\n\n", group.type_name);
    let _ = writeln!(
        out,
        "Operations tagged `{}`, reached through `client.{}()`.",
        group.tag,
        crate::naming::bare(&group.module)
    );
    if let Some(d) = &group.description {
        let _ = writeln!(out, "\n{}", sanitize(d));
    }
    if !api.base_url.is_empty() {
        let _ = writeln!(out, "\nAll URIs are relative to *{}*.", api.base_url);
    }
    out.push_str("\n| Method | HTTP request | Description |\n|---|---|---|\n");
    for op in &group.operations {
        let name = crate::naming::bare(&op.fn_name);
        let _ = writeln!(
            out,
            "| [`{name}`](#{name}) | **{}** `{}` | {} |",
            op.method.as_str(),
            op.path,
            cell(op.summary.as_deref().unwrap_or(""))
        );
    }
    for op in &group.operations {
        operation_section(&mut out, api, op, examples.of(group, op));
    }
    out
}

fn operation_section(out: &mut String, api: &Api, op: &Operation, example: Option<&str>) {
    let name = crate::naming::bare(&op.fn_name);
    let _ = writeln!(out, "\n## {name}\n");
    let _ = writeln!(out, "`{} {}`", op.method.as_str(), op.path);
    if op.deprecated {
        out.push_str("\n**Deprecated.**\n");
    }
    for text in [&op.summary, &op.description].into_iter().flatten() {
        let _ = writeln!(out, "\n{}", sanitize(text));
        if op.summary == op.description {
            break;
        }
    }
    out.push_str("\n### Parameters\n\n");
    if op.params.is_empty() && op.body.is_none() {
        out.push_str("None.\n");
    } else {
        out.push_str(
            "| Name | Type | In | Required | Description | Notes |\n|---|---|---|---|---|---|\n",
        );
        for p in &op.params {
            let place = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {place} `{}` | {} | {} | {} |",
                crate::naming::bare(&p.rust_name),
                type_text(&p.ty, "models/"),
                p.wire_name,
                if p.required { "yes" } else { "no" },
                cell(p.description.as_deref().unwrap_or("")),
                cell(&super::doc::facts(&p.facts))
            );
        }
        if let Some(b) = &op.body {
            let _ = writeln!(
                out,
                "| `{}` | {} | body | {} | {} | {} |",
                b.rust_name,
                match (&b.choice, &b.kind) {
                    (Some(choice), _) => format!("`{}`", choice.name),
                    // Raw request bodies take bytes or a stream.
                    (None, BodyKind::Bytes) => "Payload".to_string(),
                    (None, kind) => body_text(Some(kind)),
                },
                if b.required { "yes" } else { "no" },
                cell(b.description.as_deref().unwrap_or("")),
                match &b.choice {
                    Some(choice) => choice
                        .variants
                        .iter()
                        .map(|v| format!("`{}`", v.media_type))
                        .collect::<Vec<_>>()
                        .join(", "),
                    None => format!("`{}`", b.media_type),
                }
            );
        }
    }
    out.push_str("\n### Returns\n\n");
    match &op.success.shape {
        SuccessShape::Single { body, optional: false } => {
            let _ = writeln!(out, "{}", body_text(body.as_ref()));
            if super::api::streams(op) {
                out.push_str("\n`send_streaming()` returns it as a stream instead.\n");
            }
        }
        SuccessShape::Single { body, optional: true } => {
            let _ = writeln!(out, "Option&lt;{}&gt;", body_text(body.as_ref()));
        }
        SuccessShape::Variants { name } => {
            let _ = writeln!(out, "`{name}`, one variant per success status.");
        }
    }
    out.push_str("\n### Authorization\n\n");
    if op.security.is_empty() {
        out.push_str("None.\n");
    } else {
        let alternatives: Vec<String> = op
            .security
            .iter()
            .map(|all| {
                let names: Vec<String> = all
                    .iter()
                    .map(|&i| {
                        let s = &api.security_schemes[i];
                        format!("`{}` (`ClientBuilder::{}`)", s.name, s.setter)
                    })
                    .collect();
                if names.is_empty() { "none".into() } else { names.join(" and ") }
            })
            .collect();
        let _ = writeln!(out, "{}", alternatives.join(", or "));
    }
    let content_type = op.body.as_ref().map_or("Not defined".to_string(), |b| b.media_type.clone());
    let accepts: Vec<&str> = op
        .success
        .responses
        .iter()
        .chain(&op.errors)
        .filter_map(|r| r.body.as_ref().map(|b| b.media_type.as_str()))
        .collect();
    let accept = if accepts.is_empty() { "Not defined".to_string() } else { accepts.join(", ") };
    let _ = writeln!(
        out,
        "\n### HTTP request headers\n\n- **Content-Type**: {content_type}\n- **Accept**: {accept}"
    );
    out.push_str("\n### Responses\n\n| Status | Description | In Rust |\n|---|---|---|\n");
    for r in &op.success.responses {
        let _ = writeln!(out, "| {} | {} | `Ok` |", status_text(r.status), cell(&r.description));
    }
    for r in &op.errors {
        let _ = writeln!(
            out,
            "| {} | {} | `Error::Api({}::{})` |",
            status_text(r.status),
            cell(&r.description),
            op.error_name,
            r.variant
        );
    }
    if let Some(example) = example {
        // rustdoc's hidden `# ` lines are noise in plain Markdown.
        let example: Vec<&str> = example.lines().filter(|l| !l.starts_with("# ")).collect();
        let example = example.join("\n").replacen("```no_run", "```rust", 1);
        let _ = writeln!(out, "\n### Example\n\n{example}");
    }
}

fn model_page(def: &TypeDef) -> String {
    let mut out = format!("# {}\n\n", def.name);
    if let Some(d) = &def.description {
        let _ = writeln!(out, "{}\n", sanitize(d));
    }
    let _ = writeln!(out, "From `{}`.\n", def.origin);
    match &def.kind {
        TypeKind::Struct(s) => {
            out.push_str("| Field | Wire name | Type | Required | Description | Notes |\n|---|---|---|---|---|---|\n");
            for f in &s.fields {
                let mut notes = Vec::new();
                if f.read_only {
                    notes.push("read-only".to_string());
                }
                if f.write_only {
                    notes.push("write-only".to_string());
                }
                if f.nullable {
                    notes.push("nullable".to_string());
                }
                let facts = super::doc::facts(&f.facts);
                if !facts.is_empty() {
                    notes.push(facts);
                }
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {} | {} | {} | {} |",
                    crate::naming::bare(&f.rust_name),
                    f.wire_name,
                    type_text(&f.ty, ""),
                    if f.required { "yes" } else { "no" },
                    cell(f.description.as_deref().unwrap_or("")),
                    cell(&notes.join("; "))
                );
            }
            if let Some(extra) = &s.additional {
                let _ = writeln!(out, "\nOther properties: {}.", type_text(extra, ""));
            }
            if let Some(p) = &s.presence {
                let _ = writeln!(out, "\n{}", super::doc::presence(s, p, &|f| format!("`{f}`")));
            }
        }
        TypeKind::Enum(e) => {
            out.push_str("| Variant | Wire value |\n|---|---|\n");
            for v in &e.variants {
                let _ = writeln!(out, "| `{}` | `{}` |", v.name, v.wire.replace('|', "\\|"));
            }
            out.push_str("| `Unknown(_)` | any other value |\n");
        }
        TypeKind::Union(u) => {
            match &u.discriminator {
                Some(d) => {
                    let _ = writeln!(
                        out,
                        "One of, by the `{}` property:\n\n| Variant | Type | `{}` |\n|---|---|---|",
                        d.property, d.property
                    );
                }
                None => {
                    out.push_str("One of (the first that fits):\n\n| Variant | Type |\n|---|---|\n")
                }
            }
            for (i, v) in u.variants.iter().enumerate() {
                let tags = u.discriminator.as_ref().map(|d| {
                    let tags: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, j)| *j == i)
                        .map(|(w, _)| format!("`{}`", w.replace('|', "\\|")))
                        .collect();
                    format!(" {} |", tags.join(", "))
                });
                let _ = writeln!(
                    out,
                    "| `{}` | {} |{}",
                    v.name,
                    type_text(&v.ty, ""),
                    tags.unwrap_or_default()
                );
            }
            if let Some(n) = &u.unknown {
                let _ = writeln!(out, "| `{n}(_)` | any JSON value | any other value |");
            }
        }
        TypeKind::Alias(ty) => {
            let _ = writeln!(out, "Same as {}.", type_text(ty, ""));
        }
        TypeKind::Tuple(items) => {
            out.push_str("A JSON array of exactly these items, in order:\n\n| Position | Type |\n|---|---|\n");
            for (i, v) in items.iter().enumerate() {
                let _ = writeln!(out, "| `.{i}` | {} |", type_text(&v.ty, ""));
            }
        }
    }
    out
}
