//! Stage 1: the spec's files → one OpenAPI 3.0 document.
//!
//! This is the one seam where input formats meet the rest of the pipeline.
//! Whatever the user has (OpenAPI 3.0 or 3.1, Swagger 2.0; one file or
//! several, with references anywhere), loading hands lowering an
//! `openapiv3::OpenAPI` in 3.0's terms, plus the little 3.0 cannot hold
//! ([`Extra`]: webhooks, tuples, `info.summary`, the license identifier),
//! plus [`Sources`] to map any pointer of that document back to the file,
//! line and column it came from. Lowering never learns which version or
//! how many files it was.
//!
//! The steps, each in its own module:
//!
//! 1. `parse`: text → JSON value, per file (YAML too);
//! 2. `swagger2`: a 2.0 document's structure → 3.0's;
//! 3. `walk`, with `files` and `dialect`: every `$ref` followed (other
//!    files read as they are named), schemas hoisted or shared, each schema
//!    rewritten into 3.0's keywords;
//! 4. `openapiv3` reads the result.
//!
//! Normalising to 3.0 here, rather than widening the intermediate model to
//! every version, keeps lowering one piece of code that reads one model; the
//! 3.1 constructs with no 3.0 spelling are few enough to carry beside it.

mod dialect;
mod files;
mod overlay;
mod parse;
pub mod source;
mod swagger2;
mod walk;

use std::collections::BTreeSet;
use std::path::Path;

use openapiv3::{OpenAPI, PathItem, ReferenceOr, Schema};
use serde::Deserialize;
use serde_json::Value;

pub use dialect::{CONST, Version};
pub use overlay::Overlay;
pub use source::{Place, SourceMap, Sources};
pub use walk::{CONTENT_SCHEMA, ITEM_SCHEMA, TUPLE};

use crate::diag::{Diagnostic, Location};
use files::Files;
use walk::Walker;

/// The assembled document, ready for lowering.
pub struct Document {
    pub spec: OpenAPI,
    pub extra: Extra,
    pub sources: Sources,
    /// The version the spec was written in.
    pub version: Version,
    /// What loading found (placed in the user's files): warnings, and
    /// errors where it had to leave something out.
    pub diagnostics: Vec<Diagnostic>,
}

/// What the spec says that OpenAPI 3.0's model has no place for.
#[derive(Debug, Default)]
pub struct Extra {
    /// 3.1's `info.summary`.
    pub summary: Option<String>,
    /// 3.1's `info.license.identifier` (an SPDX expression).
    pub license_identifier: Option<String>,
    /// 3.1's `webhooks`: requests the API sends, by name.
    pub webhooks: Vec<(String, PathItem)>,
    /// 3.1's `prefixItems`: an array schema with [`TUPLE`] set to `n` is
    /// the tuple `tuples[n]`.
    pub tuples: Vec<Tuple>,
    /// Schemas 3.0 has no place for: 3.2's `itemSchema` of a media type
    /// (the media type's [`ITEM_SCHEMA`] extension holds its index here)
    /// and 2020-12's `contentSchema` of a string ([`CONTENT_SCHEMA`]).
    pub item_schemas: Vec<ReferenceOr<Schema>>,
    /// Keys of `components/schemas` that loading made for schemas that
    /// lived elsewhere (in another file, a property, `$defs`): they yield
    /// their Rust names to the spec's own components.
    pub hoisted: BTreeSet<String>,
}

/// A JSON array whose items have a schema each, by position.
#[derive(Debug)]
pub struct Tuple {
    pub items: Vec<ReferenceOr<Schema>>,
    /// Whether more items may follow those described.
    pub open: bool,
}

/// What to load: the root spec's text and, when it was read from a file,
/// where (so relative references can be followed).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub text: &'a str,
    pub path: Option<&'a Path>,
    /// Files may be read only from under this folder; the root spec's own
    /// folder when `None`.
    pub reference_root: Option<&'a Path>,
    /// OpenAPI Overlays applied, in order, to the root document as written.
    pub overlays: &'a [Overlay],
    /// Whether an overlay action that selects nothing is an error.
    pub overlays_strict: bool,
}

impl<'a> Input<'a> {
    /// A spec given as text alone: references to other files cannot be
    /// followed.
    pub fn text(text: &'a str) -> Self {
        Self { text, path: None, reference_root: None, overlays: &[], overlays_strict: false }
    }
}

/// Loads a spec given as text (references to other files are errors).
pub fn load(text: &str) -> Result<Document, Diagnostic> {
    load_input(Input::text(text))
}

/// Loads a spec. Fails only when there is no document to speak of (not
/// YAML or JSON, not OpenAPI, or a structure `openapiv3` cannot read);
/// everything else is a diagnostic in [`Document::diagnostics`].
pub fn load_input(input: Input<'_>) -> Result<Document, Diagnostic> {
    let map = SourceMap::new(input.text);
    let value = parse::parse(&map).map_err(|e| {
        let message = if e.message == "the file is empty" {
            "the spec is empty".to_string()
        } else {
            e.message
        };
        Diagnostic::error("#", message).at(e.location)
    })?;
    // Overlays change the description before anything reads it.
    let mut value = value;
    let mut overlaid = Vec::new();
    for o in input.overlays {
        overlaid.extend(overlay::apply(&mut value, o, input.overlays_strict));
    }
    let version = version_of(&value, &map).map_err(|d| {
        let at = d.location.or_else(|| map.locate(&d.pointer));
        d.at(at)
    })?;
    let mut diagnostics = Vec::new();
    let (value, root_moves, body_parameters) = match version {
        Version::Swagger2 => {
            let body_parameters = value
                .get("parameters")
                .and_then(Value::as_object)
                .map(|p| {
                    p.iter()
                        .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body"))
                        .map(|(k, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default();
            let converted = swagger2::convert(value);
            diagnostics.extend(converted.diagnostics);
            (converted.doc, converted.moves, body_parameters)
        }
        _ => (value, Vec::new(), Vec::new()),
    };
    let mut files = Files::new(map, value, input.path, input.reference_root);
    let (doc, walked) = Walker::new(&mut files, version, body_parameters, root_moves).run();
    let sources = Sources::new(files.into_sources(), walked.moves);
    diagnostics.extend(walked.diagnostics);
    let mut diagnostics: Vec<Diagnostic> =
        diagnostics.into_iter().map(|d| sources.diagnostic(d)).collect();
    // Said in the overlays' own files, located already.
    diagnostics.splice(0..0, overlaid);

    let mut doc = doc;
    let spec = loop {
        let (pointer, message) = match read_spec(&doc) {
            Ok(spec) => break spec,
            Err(failure) => failure,
        };
        // A part that does not read is left out (a schema becomes any JSON
        // value) so the rest of the document still generates.
        if pointer == "#" || !leave_out(&mut doc, &pointer) || diagnostics.len() > 10_000 {
            let d = Diagnostic::error(pointer, format!("invalid OpenAPI document: {message}"));
            return Err(sources.diagnostic(d));
        }
        let d = Diagnostic::error(
            pointer,
            format!("this is not valid OpenAPI, so it is left out: {message}"),
        );
        diagnostics.push(sources.diagnostic(d));
    };
    let mut extra = Extra {
        summary: walked.summary,
        license_identifier: walked.license_identifier,
        hoisted: walked.hoisted.into_iter().collect(),
        ..Extra::default()
    };
    if let Some(Value::Object(webhooks)) = walked.webhooks {
        for (name, item) in webhooks {
            let pointer = crate::diag::join("#/webhooks", &name);
            match read::<PathItem>(&item) {
                Ok(item) => extra.webhooks.push((name, item)),
                Err(e) => diagnostics.push(sources.diagnostic(Diagnostic::error(
                    pointer,
                    format!("this webhook cannot be read, so it is left out: {e}"),
                ))),
            }
        }
    }
    for (index, schema) in walked.item_schemas.into_iter().enumerate() {
        match read::<ReferenceOr<Schema>>(&schema) {
            Ok(schema) => extra.item_schemas.push(schema),
            Err(e) => {
                diagnostics.push(sources.diagnostic(Diagnostic::error(
                    format!("#/x-item-schemas/{index}"),
                    format!("an item schema cannot be read, so items are any JSON value: {e}"),
                )));
                extra.item_schemas.push(ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: openapiv3::SchemaKind::Any(Default::default()),
                }));
            }
        }
    }
    for (items, open) in walked.tuples {
        let items = read::<Vec<ReferenceOr<Schema>>>(&items).unwrap_or_default();
        extra.tuples.push(Tuple { items, open });
    }
    Ok(Document { spec, extra, sources, version, diagnostics })
}

/// Whether the value of `key` (inside a map that is the value of `parent`)
/// is data rather than document structure: examples, defaults, enums and
/// extensions hold values, not objects with references. `default` under
/// `responses` is the default response.
pub(super) fn is_data(parent: &str, key: &str) -> bool {
    match key {
        "default" => parent != "responses",
        "example" | "enum" | "const" => true,
        _ => key.starts_with("x-"),
    }
}

/// The version a document declares.
fn version_of(value: &Value, map: &SourceMap) -> Result<Version, Diagnostic> {
    let text = |key: &str| match value.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if !value.is_object() {
        return Err(Diagnostic::error(
            "#",
            "this is not an OpenAPI document: it is not a map of fields",
        )
        .at(Some(Location { line: 1, column: 1 })));
    }
    if let Some(v) = text("openapi") {
        return if v.starts_with("3.0") {
            Ok(Version::OpenApi30)
        } else if v.starts_with("3.1") {
            Ok(Version::OpenApi31)
        } else if v.starts_with('3') {
            Ok(Version::OpenApi32)
        } else {
            Err(Diagnostic::error("#/openapi", format!("OpenAPI {v} is not a version this generator reads (3.0, 3.1, and Swagger 2.0 are)"))
                .at(map.locate("#/openapi")))
        };
    }
    if let Some(v) = text("swagger") {
        return if v.starts_with('2') {
            Ok(Version::Swagger2)
        } else {
            Err(Diagnostic::error(
                "#/swagger",
                format!("Swagger {v} is not a version this generator reads (2.0 is)"),
            )
            .at(map.locate("#/swagger")))
        };
    }
    Err(Diagnostic::error(
        "#",
        "this is not an OpenAPI document: it has neither an `openapi` nor a `swagger` field",
    ))
}

/// Removes the part at `pointer`: a schema becomes `{}` (any JSON value);
/// an entry of a map or list goes. Returns whether something changed.
fn leave_out(doc: &mut Value, pointer: &str) -> bool {
    let path = &pointer[1..];
    let is_schema = path.contains("/schemas/")
        || path.ends_with("/schema")
        || [
            "/properties/",
            "/items",
            "/allOf/",
            "/oneOf/",
            "/anyOf/",
            "/additionalProperties",
            "/not",
        ]
        .iter()
        .any(|k| path.contains(k));
    if is_schema {
        return match doc.pointer_mut(path) {
            Some(v) if *v != Value::Object(Default::default()) => {
                *v = Value::Object(Default::default());
                true
            }
            _ => false,
        };
    }
    let Some((parent, last)) = path.rsplit_once('/') else { return false };
    let last = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&last).is_some(),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// `T` from a JSON value, without copying it.
fn read<T: for<'de> Deserialize<'de>>(v: &Value) -> Result<T, String> {
    // openapiv3 panics on a few shapes (a `$ref`-or-item that fails as an
    // item but not as a value); a panic is no answer for a spec author.
    match std::panic::catch_unwind(|| T::deserialize(v)) {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err("the parser gave up on this part".to_string()),
    }
}

/// The document as `openapiv3` reads it; on failure, the innermost part
/// that does not read, and why.
fn read_spec(doc: &Value) -> Result<OpenAPI, (String, String)> {
    match read::<OpenAPI>(doc) {
        Ok(spec) => Ok(spec),
        Err(whole) => Err(failing_part(doc).unwrap_or(("#".to_string(), whole))),
    }
}

/// Whether a value reads as some `openapiv3` type, and why not.
type Check = fn(&Value) -> Result<(), String>;

/// Finds the innermost object of a known kind that does not read.
fn failing_part(doc: &Value) -> Option<(String, String)> {
    use crate::diag::join;
    use openapiv3::{Components, Header, Info, Operation, Parameter, RequestBody, Response};
    let fails = |v: &Value, f: Check| f(v).err();
    fn check<T: for<'de> Deserialize<'de>>(v: &Value) -> Result<(), String> {
        read::<T>(v).map(drop)
    }
    if let Some(message) = doc.get("info").and_then(|i| fails(i, check::<Info>)) {
        return Some(("#/info".into(), message));
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let at = join("#/paths", path);
            let Some(message) = fails(item, check::<ReferenceOr<PathItem>>) else { continue };
            for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
                let Some(op) = item.get(method) else { continue };
                let op_at = join(&at, method);
                let Some(message) = fails(op, check::<Operation>) else { continue };
                for (i, p) in
                    op.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate()
                {
                    if let Some(m) = fails(p, check::<ReferenceOr<Parameter>>) {
                        return Some((join(&join(&op_at, "parameters"), &i.to_string()), m));
                    }
                }
                if let Some(m) =
                    op.get("requestBody").and_then(|b| fails(b, check::<ReferenceOr<RequestBody>>))
                {
                    return Some((join(&op_at, "requestBody"), m));
                }
                for (code, r) in
                    op.get("responses").and_then(Value::as_object).into_iter().flatten()
                {
                    if let Some(m) = fails(r, check::<ReferenceOr<Response>>) {
                        return Some((join(&join(&op_at, "responses"), code), m));
                    }
                }
                return Some((op_at, message));
            }
            return Some((at, message));
        }
    }
    if let Some(components) = doc.get("components") {
        if let Some(Value::Object(schemas)) = components.get("schemas") {
            for (key, schema) in schemas {
                if let Some(found) = failing_schema(schema, &join("#/components/schemas", key)) {
                    return Some(found);
                }
            }
        }
        let tables: [(&str, Check); 4] = [
            ("parameters", check::<ReferenceOr<Parameter>>),
            ("requestBodies", check::<ReferenceOr<RequestBody>>),
            ("responses", check::<ReferenceOr<Response>>),
            ("headers", check::<ReferenceOr<Header>>),
        ];
        for (table, f) in tables {
            for (key, v) in components.get(table).and_then(Value::as_object).into_iter().flatten() {
                if let Some(m) = fails(v, f) {
                    return Some((join(&join("#/components", table), key), m));
                }
            }
        }
        if let Some(m) = fails(components, check::<Components>) {
            return Some(("#/components".into(), m));
        }
    }
    None
}

fn failing_schema(v: &Value, at: &str) -> Option<(String, String)> {
    use crate::diag::join;
    let message = read::<ReferenceOr<Schema>>(v).err()?;
    let children = v.as_object().into_iter().flat_map(|m| {
        let props = m
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, s)| (join(&join(at, "properties"), k), s));
        let lists = ["allOf", "oneOf", "anyOf"].into_iter().flat_map(move |k| {
            m.get(k)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(move |(i, s)| (join(&join(at, k), &i.to_string()), s))
        });
        let single = ["items", "additionalProperties", "not"]
            .into_iter()
            .filter_map(move |k| Some((join(at, k), m.get(k).filter(|s| s.is_object())?)));
        props.chain(lists).chain(single).collect::<Vec<_>>()
    });
    for (child_at, child) in children {
        if let Some(found) = failing_schema(child, &child_at) {
            return Some(found);
        }
    }
    Some((at.to_string(), message))
}
