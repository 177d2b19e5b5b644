//! Stage 2: `openapiv3::OpenAPI` → [`ir::Api`](crate::ir::Api).
//!
//! This is where OpenAPI's meaning is decided: which schema becomes which
//! Rust type (`schema`), how operations, parameters and responses map to
//! calls (`operation`), and how `$ref`s resolve (`refs`). Whatever cannot
//! be expressed exactly degrades (usually to `serde_json::Value`) with a
//! located warning; nothing here panics on input.

mod operation;
mod pagination;
mod refs;
mod schema;
mod stream;

pub use operation::opaque_media_type;
pub use schema::js_regex_literal;

use std::collections::BTreeMap;

use openapiv3::OpenAPI;

use crate::diag::{Diagnostic, join};
use crate::ir::{Api, TypeDef};
use crate::load::{Document, Extra, Sources};
use crate::naming::{self, NameSet};

/// Names a generated crate defines at its root or in `models`, which
/// generated types must not take.
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "ClientBuilder", "Error", "ApiResponse"];

/// Lowers a loaded spec. Diagnostics (placed in the spec's files) are
/// appended to `diags`.
pub fn lower(document: &Document, diags: &mut Vec<Diagnostic>) -> Api {
    lower_with(document, &Overrides::default(), diags)
}

/// [`lower`], with types put in place of some the spec describes.
pub fn lower_with(document: &Document, overrides: &Overrides, diags: &mut Vec<Diagnostic>) -> Api {
    let spec = &document.spec;
    let mut cx = Lowerer::new(spec, &document.extra, &document.sources, overrides);
    cx.name_components();
    cx.define_components();
    let security_schemes = cx.security_schemes();
    let groups = cx.operations(&security_schemes);
    let webhooks = cx.webhooks();
    let base_url = cx.base_url();
    let types: Vec<TypeDef> = std::mem::take(&mut cx.types).into_values().collect();
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        summary: document.extra.summary.clone(),
        description: spec.info.description.clone(),
        license: spec.info.license.as_ref().map(|l| crate::ir::License {
            name: l.name.clone(),
            identifier: document.extra.license_identifier.clone(),
            url: l.url.clone(),
        }),
        base_url,
        security_schemes,
        groups,
        webhooks,
        types,
        dependencies: Vec::new(),
    };
    // Before `finish`, which derives what a type can do from its fields.
    // The settings' types first; a schema's own `x-rust-type` where the
    // settings say nothing of it.
    let mut replaced = overrides.schemas.clone();
    for RustType { key, ty, dependency } in cx.rust_types() {
        if let std::collections::btree_map::Entry::Vacant(free) = replaced.entry(key) {
            free.insert(ty);
            api.dependencies.extend(dependency);
        }
    }
    api.dependencies.sort();
    api.dependencies.dedup();
    for (key, ty) in &replaced {
        match cx.components.get(key) {
            Some(name) => api.replace_type(name, ty),
            None => cx.error(
                "#/components/schemas",
                format!("the settings put a type in place of schema `{key}`, which the spec does not have"),
            ),
        }
    }
    schema::finish(&mut api.types);
    // In the order of the files, as a compiler reports, whatever order the
    // passes met them in.
    cx.diags.sort_by_key(|d| (d.file.clone(), d.location.map(|l| (l.line, l.column))));
    diags.append(&mut cx.diags);
    api
}

/// State shared by the lowering passes.
struct Lowerer<'a> {
    spec: &'a OpenAPI,
    extra: &'a Extra,
    sources: &'a Sources,
    diags: Vec<Diagnostic>,
    /// All type names handed out so far.
    type_names: NameSet,
    /// Component schema key → Rust type name.
    components: BTreeMap<String, String>,
    /// Defined types by name (a `BTreeMap` keeps output sorted).
    types: BTreeMap<String, TypeDef>,
    /// Nesting depth of the schema being lowered, to stop runaway recursion.
    depth: usize,
    /// Inline schemas already lowered to a named type, by their JSON text.
    inline_types: BTreeMap<String, crate::ir::TypeRef>,
    /// `operationId`s seen so far, to report duplicates.
    operation_ids: std::collections::BTreeSet<String>,
    overrides: &'a Overrides,
}

/// Types the caller puts in place of the ones the spec describes.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// By `format` (`decimal`, `date-time`), whatever the schema's `type`.
    pub formats: BTreeMap<String, crate::ir::TypeRef>,
    /// By component schema name: references to the schema become the
    /// type, and the schema itself is not generated.
    pub schemas: BTreeMap<String, crate::ir::TypeRef>,
}

/// A component schema's `x-rust-type` (typify's extension): the Rust type
/// used instead of generating one, and the crate it comes from.
const RUST_TYPE: &str = "x-rust-type";

/// A component schema that names an existing Rust type.
struct RustType {
    key: String,
    ty: crate::ir::TypeRef,
    /// The crate it comes from (name, version requirement as TOML), unless
    /// the generated crate depends on it anyway.
    dependency: Option<(String, String)>,
}

impl<'a> Lowerer<'a> {
    /// The component schemas that name an existing Rust type with
    /// `x-rust-type: {crate, version, path}`: by key, the type and the
    /// dependency (crate name, version requirement) it needs. One that
    /// cannot be used is a warning at its place, and the schema is
    /// generated as usual.
    fn rust_types(&mut self) -> Vec<RustType> {
        let mut found = Vec::new();
        let schemas = self.spec.components.iter().flat_map(|c| &c.schemas);
        let mut warnings = Vec::new();
        for (key, schema) in schemas {
            let openapiv3::ReferenceOr::Item(schema) = schema else { continue };
            let Some(ext) = schema.schema_data.extensions.get(RUST_TYPE) else { continue };
            let at = join(&join("#/components/schemas", key), RUST_TYPE);
            let path = ext.get("path").and_then(serde_json::Value::as_str).unwrap_or("");
            let rust_path = |p: &str| {
                !p.is_empty()
                    && p.chars().all(|c| c.is_ascii_alphanumeric() || "_:<>, ".contains(c))
                    && !p.starts_with(':')
            };
            if !rust_path(path) {
                warnings.push((at, format!("`{RUST_TYPE}` needs a `path` that is a Rust type (`uuid::Uuid`); the schema is generated instead")));
                continue;
            }
            let krate = ext.get("crate").and_then(serde_json::Value::as_str);
            let version = ext.get("version").and_then(serde_json::Value::as_str);
            let dependency = match (krate, version) {
                (Some(k), Some(v)) => Some((k.to_string(), format!("{v:?}"))),
                (Some(k), None) => Some((k.to_string(), "\"*\"".to_string())),
                _ => None,
            };
            // A type the generator knows brings its own dependency.
            let (ty, dependency) = match crate::ir::TypeRef::own(path) {
                Some(own) => (own, None),
                None => {
                    let path = path.to_string();
                    let ty = crate::ir::TypeRef::External(crate::ir::External {
                        path,
                        serde_with: None,
                    });
                    (ty, dependency)
                }
            };
            found.push(RustType { key: key.clone(), ty, dependency });
        }
        for (at, message) in warnings {
            self.warn(&at, message);
        }
        found
    }

    fn new(
        spec: &'a OpenAPI,
        extra: &'a Extra,
        sources: &'a Sources,
        overrides: &'a Overrides,
    ) -> Self {
        Self {
            spec,
            extra,
            sources,
            diags: Vec::new(),
            type_names: NameSet::with_reserved(RESERVED_TYPE_NAMES),
            components: BTreeMap::new(),
            types: BTreeMap::new(),
            depth: 0,
            inline_types: BTreeMap::new(),
            operation_ids: Default::default(),
            overrides,
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags.push(self.sources.diagnostic(Diagnostic::warning(pointer, message)));
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.diags.push(self.sources.diagnostic(Diagnostic::error(pointer, message)));
    }

    /// Claims a type name for every component schema first, in key order, so
    /// they keep their natural names and inline types yield on collision.
    /// Schemas loading hoisted out of other places come after the spec's own.
    fn name_components(&mut self) {
        let Some(components) = &self.spec.components else { return };
        let mut keys: Vec<&String> = components.schemas.keys().collect();
        let hoisted = &self.extra.hoisted;
        keys.sort_by_key(|k| (hoisted.contains(*k), *k));
        for key in keys {
            let name = self.type_names.claim(naming::type_name(key));
            self.components.insert(key.clone(), name);
        }
    }

    /// Defines every component schema, in the order `name_components`
    /// names them rather than the spec's: identical inline schemas share
    /// the type of the first one met, so this makes that name independent
    /// of how a spec happens to order its components (bundlers reorder
    /// them between releases), and a spec's next version renames less.
    fn define_components(&mut self) {
        let Some(components) = &self.spec.components else { return };
        let mut entries: Vec<(&String, _)> = components.schemas.iter().collect();
        let hoisted = &self.extra.hoisted;
        entries.sort_by_key(|(k, _)| (hoisted.contains(*k), *k));
        for (key, schema) in entries {
            let pointer = join("#/components/schemas", key);
            let Some(name) = self.components.get(key).cloned() else { continue };
            if self.is_alias_cycle(key) {
                self.error(
                    &pointer,
                    "this schema is only a reference that leads back to itself; it is `serde_json::Value`",
                );
                self.types.insert(
                    name.clone(),
                    TypeDef {
                        name,
                        description: None,
                        origin: self.sources.origin(&pointer),
                        deprecated: false,
                        kind: crate::ir::TypeKind::Alias(crate::ir::TypeRef::Json),
                    },
                );
                continue;
            }
            self.define_named(&name, schema, &pointer);
        }
    }

    /// `servers[0].url` with its variables at their defaults.
    fn base_url(&mut self) -> String {
        let Some(server) = self.spec.servers.first() else {
            self.warn("#/servers", "no server is given; callers must set a base URL");
            return String::new();
        };
        let mut url = server.url.clone();
        for (name, variable) in server.variables.iter().flatten() {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            self.warn(
                "#/servers/0/url",
                format!("server URL `{url}` is not absolute; callers must set a base URL"),
            );
            return String::new();
        }
        url.trim_end_matches('/').to_string()
    }
}
