//! The walk that makes one OpenAPI 3.0 document out of whatever was loaded.
//!
//! It visits the document as OpenAPI structures it (path items, operations,
//! parameters, bodies, responses, headers, schemas), so that it always knows
//! what kind of object a `$ref` stands for, and:
//!
//! - follows every `$ref`, in this file or another: a reference to an entry
//!   of the root document's `components` of the right kind stays a
//!   reference; a schema anywhere else (inside another schema, under
//!   `$defs`, in another file) is *hoisted* into `components/schemas` under
//!   a name made from the place it lives, and the place itself refers to it,
//!   so every use shares one type; any other object is copied to where it
//!   is referenced;
//! - rewrites each schema into 3.0's words ([`dialect`]) and each 2.0
//!   object brought in from another file into 3.0's shape;
//! - records where every moved or copied subtree came from, so diagnostics
//!   point into the user's files.
//!
//! Reference cycles end: a schema is hoisted once, whatever refers to it; an
//! object being copied that refers back to itself is an error.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde_json::{Map, Value, json};

use super::dialect::{self, Version};
use super::files::{FileId, Files, ROOT, Target};
use super::swagger2;
use crate::diag::Diagnostic;

/// The extension by which an array schema names its tuple in
/// [`super::Extra::tuples`]: 3.0 has no words for `prefixItems`.
pub const TUPLE: &str = "x-generator-tuple";

/// The extension by which a media type names its 3.2 `itemSchema` in
/// [`super::Extra::item_schemas`].
pub const ITEM_SCHEMA: &str = "x-generator-item-schema";

/// The extension by which a string schema names its `contentSchema` (what
/// the JSON text it holds is) in [`super::Extra::item_schemas`].
pub const CONTENT_SCHEMA: &str = "x-generator-content-schema";

/// What the walk made besides the document itself.
#[derive(Default)]
pub(super) struct Walked {
    /// Keys of the schemas hoisted into `components/schemas`.
    pub hoisted: Vec<String>,
    /// Each tuple's item schemas (a JSON array), and whether more items may
    /// follow them (`items` not `false`).
    pub tuples: Vec<(Value, bool)>,
    /// Schemas kept beside the document (`itemSchema`, `contentSchema`),
    /// walked, by the index their place's extension holds.
    pub item_schemas: Vec<Value>,
    pub webhooks: Option<Value>,
    pub summary: Option<String>,
    pub license_identifier: Option<String>,
    /// Output pointer → (file, pointer in it).
    pub moves: BTreeMap<String, (usize, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The kinds of object a `$ref` may stand for outside schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PathItem,
    Parameter,
    RequestBody,
    Response,
    Header,
    SecurityScheme,
    Callback,
    Example,
}

impl Kind {
    /// The `components` table holding objects of this kind.
    fn table(self) -> Option<&'static str> {
        match self {
            // 3.0 has no table for path items, and 3.1's `pathItems` are
            // only ever referenced: a path item is always copied in.
            Kind::PathItem => None,
            Kind::Parameter => Some("parameters"),
            Kind::RequestBody => Some("requestBodies"),
            Kind::Response => Some("responses"),
            Kind::Header => Some("headers"),
            Kind::SecurityScheme => Some("securitySchemes"),
            Kind::Callback => Some("callbacks"),
            Kind::Example => Some("examples"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::PathItem => "path item",
            Kind::Parameter => "parameter",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::Header => "header",
            Kind::SecurityScheme => "security scheme",
            Kind::Callback => "callback",
            Kind::Example => "example",
        }
    }
}

/// How a schema place is treated when it is itself the target of a `$ref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// An ordinary place: if something refers here, hoist it and refer.
    Place,
    /// A root `components/schemas` entry, or a hoisted schema's own
    /// content: it stays where it is.
    Named,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub(super) struct Walker<'f> {
    files: &'f mut Files,
    version: Version,
    /// 2.0: the `parameters` that became request bodies (for references
    /// from other files into the root).
    body_parameters: Vec<String>,
    /// 2.0: converted root pointer → original root pointer.
    root_moves: BTreeMap<String, String>,
    /// Every place some `$ref` points at, by file.
    targets: Vec<HashSet<String>>,
    /// Whether each target exists (checked before the root is walked).
    exists: HashMap<Target, bool>,
    /// Where each reference written in each file leads, found before the
    /// root is walked (a pointer through another reference is followed in
    /// the files as written, not as the walk has changed them).
    resolved: HashMap<(FileId, String), Result<Target, String>>,
    /// Root targets as written, copied before the walk changes the root.
    snapshots: HashMap<String, Value>,
    hoisted: HashMap<Target, String>,
    /// Keys in `components/schemas`, given and hoisted.
    keys: HashSet<String>,
    queue: VecDeque<(Target, String)>,
    made: Vec<(String, Value)>,
    /// Objects being copied in, to stop reference cycles.
    copying: Vec<Target>,
    /// Example references already reported as dangling.
    missing_examples: HashSet<String>,
    out: Walked,
    // Where the walk is: the file and pointer the value came from, and the
    // pointer it has in the assembled document.
    file: FileId,
    src: String,
    dst: String,
}

impl<'f> Walker<'f> {
    pub(super) fn new(
        files: &'f mut Files,
        version: Version,
        body_parameters: Vec<String>,
        root_moves: Vec<(String, String)>,
    ) -> Self {
        Self {
            files,
            version,
            body_parameters,
            root_moves: root_moves.into_iter().collect(),
            targets: Vec::new(),
            exists: HashMap::new(),
            resolved: HashMap::new(),
            snapshots: HashMap::new(),
            hoisted: HashMap::new(),
            keys: HashSet::new(),
            queue: VecDeque::new(),
            made: Vec::new(),
            copying: Vec::new(),
            missing_examples: HashSet::new(),
            out: Walked::default(),
            file: ROOT,
            src: "#".into(),
            dst: "#".into(),
        }
    }

    /// Walks the root document (which the walker takes from `files` and
    /// returns, assembled).
    pub(super) fn run(mut self) -> (Value, Walked) {
        self.collect_targets();
        let mut root = std::mem::take(self.files.root_mut());
        if let Some(Value::Object(schemas)) = root.pointer("/components/schemas") {
            self.keys.extend(schemas.keys().cloned());
        }
        self.document(&mut root);
        self.produce_hoisted();
        if !self.made.is_empty() {
            if let Value::Object(doc) = &mut root {
                let components = doc.entry("components").or_insert_with(|| json!({}));
                if !components.is_object() {
                    *components = json!({});
                }
                let schemas = components
                    .as_object_mut()
                    .map(|c| c.entry("schemas").or_insert_with(|| json!({})));
                if let Some(Value::Object(schemas)) = schemas {
                    for (key, schema) in std::mem::take(&mut self.made) {
                        self.out.hoisted.push(key.clone());
                        schemas.insert(key, schema);
                    }
                }
            }
        }
        for (to, from) in std::mem::take(&mut self.root_moves) {
            self.out.moves.entry(to).or_insert((ROOT, from));
        }
        (root, self.out)
    }

    // ---- where the walk is ----

    fn enter(&mut self, segment: &str) -> (usize, usize) {
        let mark = (self.src.len(), self.dst.len());
        push_segment(&mut self.src, segment);
        push_segment(&mut self.dst, segment);
        mark
    }

    fn leave(&mut self, mark: (usize, usize)) {
        self.src.truncate(mark.0);
        self.dst.truncate(mark.1);
    }

    /// Continues the walk in `target`'s file and place, at the same output
    /// place, and records the move.
    fn relocate(&mut self, target: &Target, dst: Option<String>) -> (FileId, String, String) {
        let saved = (
            std::mem::replace(&mut self.file, target.file),
            std::mem::replace(&mut self.src, target.pointer.clone()),
            self.dst.clone(),
        );
        if let Some(dst) = dst {
            self.dst = dst;
        }
        let from = self.original(target.file, &target.pointer);
        self.out.moves.insert(self.dst.clone(), (target.file, from));
        saved
    }

    fn restore(&mut self, saved: (FileId, String, String)) {
        (self.file, self.src, self.dst) = saved;
    }

    /// A root pointer of a converted 2.0 document, as the user wrote it.
    fn original(&self, file: FileId, pointer: &str) -> String {
        if file != ROOT || self.root_moves.is_empty() {
            return pointer.to_string();
        }
        let mut prefix = pointer;
        loop {
            if let Some(from) = self.root_moves.get(prefix) {
                return format!("{from}{}", &pointer[prefix.len()..]);
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return pointer.to_string(),
            }
        }
    }

    fn warn(&mut self, message: impl Into<String>) {
        self.out.diagnostics.push(Diagnostic::warning(self.dst.clone(), message));
    }

    fn error(&mut self, message: impl Into<String>) {
        self.out.diagnostics.push(Diagnostic::error(self.dst.clone(), message));
    }

    // ---- references ----

    /// Finds every `$ref` target in every file reachable from the root,
    /// reading files as they are named, and copies the root's targets.
    fn collect_targets(&mut self) {
        let mut todo = vec![ROOT];
        let mut seen = HashSet::from([ROOT]);
        while let Some(file) = todo.pop() {
            let mut refs = Vec::new();
            references(&self.files.get(file).value, "", &mut refs);
            for reference in refs {
                let Ok(target) = self.resolve_from(file, &reference) else { continue };
                let exists = self.files.value_at(&target).is_some();
                self.exists.insert(target.clone(), exists);
                if self.targets.len() < self.files.len() {
                    self.targets.resize_with(self.files.len(), HashSet::new);
                }
                self.targets[target.file].insert(target.pointer.clone());
                if seen.insert(target.file) {
                    todo.push(target.file);
                }
            }
        }
        self.targets.resize_with(self.files.len().max(1), HashSet::new);
        for pointer in &self.targets[ROOT] {
            // Entries of `components` tables are referred to, never copied
            // (but 3.1's path items, which are always copied in).
            if is_component_entry(pointer).is_some_and(|(table, _)| table != "pathItems") {
                continue;
            }
            let target = Target { file: ROOT, pointer: pointer.clone() };
            if let Some(v) = self.files.value_at(&target) {
                self.snapshots.insert(pointer.clone(), v.clone());
            }
        }
    }

    fn resolve_from(&mut self, from: FileId, reference: &str) -> Result<Target, String> {
        let key = (from, reference.to_string());
        if let Some(found) = self.resolved.get(&key) {
            return found.clone();
        }
        let found = self.files.resolve(from, reference).and_then(|mut target| {
            if target.file == ROOT && from != ROOT && self.version == Version::Swagger2 {
                target.pointer = swagger2::translate(&target.pointer, &self.body_parameters);
            }
            // A pointer through another reference leads where that one does.
            if self.files.value_at(&target).is_none() {
                target = self.files.locate(target)?;
            }
            Ok(target)
        });
        self.resolved.insert(key, found.clone());
        found
    }

    /// Resolves a reference written where the walk is; the error says why
    /// it cannot be followed.
    fn resolve(&mut self, reference: &str) -> Result<Target, String> {
        let target = self.resolve_from(self.file, reference)?;
        let exists = match self.exists.get(&target) {
            Some(e) => *e,
            None => target.file != ROOT && self.files.value_at(&target).is_some(),
        };
        if exists {
            Ok(target)
        } else {
            let place = match self.files.shown(target.file) {
                Some(shown) if target.file != self.file => format!(" in `{shown}`"),
                _ => String::new(),
            };
            Err(format!(
                "reference `{reference}` points to nothing: there is no `{}`{place}",
                target.pointer
            ))
        }
    }

    /// The raw value at a target, as its file has it.
    fn raw(&self, target: &Target) -> Option<Value> {
        if target.file == ROOT {
            self.snapshots.get(&target.pointer).cloned()
        } else {
            self.files.value_at(target).cloned()
        }
    }

    /// A `$ref` to an object that is not a schema: kept when it names an
    /// entry of the root's table for its kind, else the object is copied in.
    /// Returns whether the place still holds an object.
    fn reference(&mut self, v: &mut Value, kind: Kind) -> bool {
        let Some(reference) = v.get("$ref").and_then(Value::as_str).map(str::to_string) else {
            self.error("`$ref` must be a string");
            return false;
        };
        let target = match self.resolve(&reference) {
            Ok(t) => t,
            // Examples are documentation; a broken one costs nothing else,
            // and is reported at the first place that uses it.
            Err(message) if kind == Kind::Example => {
                if self.missing_examples.insert(reference) {
                    self.warn(format!(
                        "{message}; the example is left out here and wherever else it is used"
                    ));
                }
                return false;
            }
            Err(message) => {
                self.error(message);
                return false;
            }
        };
        if target.file == ROOT {
            if let Some((table, key)) = is_component_entry(&target.pointer) {
                if Some(table.as_str()) == kind.table() {
                    *v = json!({ "$ref": format!("#/components/{table}/{}", escape(&key)) });
                    return true;
                }
                if kind != Kind::PathItem {
                    self.error(format!(
                        "reference `{reference}` points to an entry of `components/{table}` where a {} belongs",
                        kind.name()
                    ));
                    return false;
                }
            }
        }
        if self.copying.contains(&target) {
            self.error(format!("reference `{reference}` leads back to itself (a reference cycle)"));
            return false;
        }
        let Some(mut copy) = self.raw(&target) else {
            self.error(format!("reference `{reference}` cannot be followed here"));
            return false;
        };
        self.copying.push(target.clone());
        let saved = self.relocate(&target, None);
        // A reference to a reference: followed from where the first led.
        let kept = if copy.get("$ref").is_some() {
            self.reference(&mut copy, kind)
        } else {
            self.object(&mut copy, kind)
        };
        self.restore(saved);
        self.copying.pop();
        *v = copy;
        kept
    }

    fn object(&mut self, v: &mut Value, kind: Kind) -> bool {
        match kind {
            Kind::PathItem => self.path_item(v),
            Kind::Parameter => self.parameter(v),
            Kind::RequestBody => self.request_body(v),
            Kind::Response => self.response(v),
            Kind::Header => self.header(v),
            Kind::SecurityScheme => self.security_scheme(v),
            Kind::Callback => self.callback(v),
            Kind::Example => true,
        }
    }

    /// The `components/schemas` key a schema reference leads to: the root's
    /// own entry, or the one made for a schema that lives elsewhere.
    fn schema_key(&mut self, target: Target) -> String {
        match is_component_entry(&target.pointer) {
            Some((table, key)) if target.file == ROOT && table == "schemas" => key,
            _ => self.hoist(target),
        }
    }

    /// The component key for a schema somewhere other than the root's
    /// `components/schemas`, made once; its content is walked later.
    fn hoist(&mut self, target: Target) -> String {
        if let Some(key) = self.hoisted.get(&target) {
            return key.clone();
        }
        let base = self.place_name(&target);
        let mut key = base.clone();
        let mut n = 2;
        while self.keys.contains(&key) {
            key = format!("{base}{n}");
            n += 1;
        }
        self.keys.insert(key.clone());
        self.hoisted.insert(target.clone(), key.clone());
        self.queue.push_back((target, key.clone()));
        key
    }

    fn produce_hoisted(&mut self) {
        while let Some((target, key)) = self.queue.pop_front() {
            let dst = format!("#/components/schemas/{}", escape(&key));
            let Some(mut schema) = self.raw(&target) else {
                self.out
                    .diagnostics
                    .push(Diagnostic::error(dst, "this schema could not be copied"));
                continue;
            };
            let saved = self.relocate(&target, Some(dst));
            self.schema(&mut schema, Role::Named);
            self.restore(saved);
            self.made.push((key, schema));
        }
    }

    /// A name for the type a schema's place gives it: the component, then
    /// the properties and keywords leading to it (`Order`, `items`,
    /// `customer` → `Order_Item_customer`, which is `OrderItemCustomer` in
    /// Rust); `$defs`/`definitions` entries are named by their key; a whole
    /// file by its name.
    fn place_name(&self, target: &Target) -> String {
        let segments: Vec<String> = target
            .pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let mut words: Vec<String> = Vec::new();
        let mut i = 0;
        while i < segments.len() {
            let s = segments[i].as_str();
            let next = segments.get(i + 1).cloned();
            let index = || next.as_deref().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0) + 1;
            match s {
                "components" if i == 0 => {
                    let table = next.clone().unwrap_or_default();
                    if let Some(key) = segments.get(i + 2) {
                        words.push(key.clone());
                    }
                    let suffix = match table.as_str() {
                        "parameters" => "Param",
                        "headers" => "Header",
                        "responses" => "Response",
                        "requestBodies" => "Body",
                        _ => "",
                    };
                    if !suffix.is_empty() {
                        words.push(suffix.into());
                    }
                    i += 3;
                    continue;
                }
                "paths" | "webhooks" if i == 0 => {
                    let method = segments.get(i + 2).cloned().unwrap_or_default();
                    words.push(method);
                    words.extend(
                        next.unwrap_or_default()
                            .split(|c: char| !c.is_alphanumeric())
                            .filter(|w| !w.is_empty())
                            .map(str::to_string),
                    );
                    i += 3;
                    continue;
                }
                // Tables of named schemas, wherever they sit (a shared
                // file's `schemas`, a schema's `$defs`): the key names it.
                "definitions" | "$defs" | "schemas" if next.is_some() => {
                    words.clear();
                    words.extend(next);
                    i += 2;
                    continue;
                }
                "properties" | "patternProperties" | "headers" => {
                    words.extend(next);
                    i += 2;
                    continue;
                }
                "allOf" | "parameters" => {
                    i += 2;
                    continue;
                }
                "oneOf" | "anyOf" => {
                    words.push(format!("Variant{}", index()));
                    i += 2;
                    continue;
                }
                "prefixItems" => {
                    words.push(format!("Item{}", index()));
                    i += 2;
                    continue;
                }
                "content" => {
                    i += 2;
                    continue;
                }
                "responses" => {
                    words.push("Response".into());
                    i += 2;
                    continue;
                }
                "items" => words.push("Item".into()),
                "additionalProperties" => words.push("Value".into()),
                "requestBody" => words.push("Body".into()),
                "schema" | "not" => {}
                other => words.push(other.to_string()),
            }
            i += 1;
        }
        if words.is_empty() || (target.file != ROOT && segments.is_empty()) {
            words = vec![self.files.stem(target.file).unwrap_or_else(|| "Schema".into())];
        }
        words.join("_")
    }

    // ---- the document's structure ----

    fn document(&mut self, root: &mut Value) {
        let Value::Object(doc) = root else { return };
        if let Some(info) = doc.get("info") {
            self.out.summary = info.get("summary").and_then(Value::as_str).map(str::to_string);
            self.out.license_identifier =
                info.pointer("/license/identifier").and_then(Value::as_str).map(str::to_string);
        }
        if let Some(dialect) = doc.get("jsonSchemaDialect").and_then(Value::as_str) {
            if dialect != "https://spec.openapis.org/oas/3.1/dialect/base" {
                let mark = self.enter("jsonSchemaDialect");
                self.warn(format!("schemas are read as OpenAPI 3.1's dialect of JSON Schema; `{dialect}` is not known"));
                self.leave(mark);
            }
        }
        if self.version == Version::OpenApi32 {
            self.unused_32(doc);
        }
        doc.insert("openapi".into(), json!("3.0.3"));
        let paths = doc.entry("paths").or_insert_with(|| json!({}));
        self.table(paths, "paths", Kind::PathItem, true);
        if let Some(mut webhooks) = doc.shift_remove("webhooks") {
            self.table(&mut webhooks, "webhooks", Kind::PathItem, true);
            self.out.webhooks = Some(webhooks);
        }
        if let Some(Value::Object(components)) = doc.get_mut("components") {
            let mark = self.enter("components");
            if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
                let mark = self.enter("schemas");
                for (key, schema) in schemas.iter_mut() {
                    let mark = self.enter(key);
                    self.schema(schema, Role::Named);
                    self.leave(mark);
                }
                self.leave(mark);
            }
            let tables = [
                ("parameters", Kind::Parameter),
                ("requestBodies", Kind::RequestBody),
                ("responses", Kind::Response),
                ("headers", Kind::Header),
                ("securitySchemes", Kind::SecurityScheme),
                ("callbacks", Kind::Callback),
            ];
            for (name, kind) in tables {
                if let Some(table) = components.get_mut(name) {
                    // A component may be called `x-…`: every key is an entry.
                    self.table(table, name, kind, false);
                }
            }
            // Only ever referenced, and copied where they are.
            components.shift_remove("pathItems");
            self.leave(mark);
        }
    }

    /// A map of objects of one kind; entries that cannot be used go. Where
    /// the map may carry extensions, `x-` keys are not entries.
    fn table(&mut self, v: &mut Value, name: &str, kind: Kind, extensions: bool) {
        let Value::Object(map) = v else {
            let mark = self.enter(name);
            self.error(format!("`{name}` must be a map"));
            self.leave(mark);
            *v = json!({});
            return;
        };
        let mark = self.enter(name);
        let mut dropped = Vec::new();
        for (key, item) in map.iter_mut() {
            if extensions && key.starts_with("x-") {
                continue;
            }
            let mark = self.enter(key);
            if !self.object_or_reference(item, kind) {
                dropped.push(key.clone());
            }
            self.leave(mark);
        }
        for key in dropped {
            map.shift_remove(&key);
        }
        self.leave(mark);
    }

    fn object_or_reference(&mut self, v: &mut Value, kind: Kind) -> bool {
        if !v.is_object() {
            self.error(format!("a {} must be an object", kind.name()));
            return false;
        }
        if v.get("$ref").is_some() { self.reference(v, kind) } else { self.object(v, kind) }
    }

    fn path_item(&mut self, v: &mut Value) -> bool {
        if v.get("$ref").is_some() {
            return self.reference(v, Kind::PathItem);
        }
        let Value::Object(item) = v else { return false };
        for (key, what) in [
            ("query", "the `QUERY` method (OpenAPI 3.2)"),
            ("additionalOperations", "`additionalOperations` (OpenAPI 3.2)"),
        ] {
            if item.shift_remove(key).is_some() {
                let mark = self.enter(key);
                self.warn(format!("{what} is not generated yet: its operations are left out"));
                self.leave(mark);
            }
        }
        self.list(item, "parameters", Kind::Parameter);
        for method in METHODS {
            if let Some(op) = item.get_mut(*method) {
                let mark = self.enter(method);
                self.operation(op);
                self.leave(mark);
            }
        }
        true
    }

    /// What OpenAPI 3.2 adds that the generated client does not use (yet)
    /// is said, each where it is written, so a 3.2 document is never read
    /// silently as an older one. (Streams, `in: querystring`, `QUERY` and
    /// `additionalOperations` are met where they are written.)
    fn unused_32(&mut self, doc: &Map<String, Value>) {
        let mut unused: Vec<(String, &str)> = Vec::new();
        if doc.contains_key("$self") {
            unused.push(("#/$self".into(), "`$self` is not used as the base of relative references: they are read relative to the file they are in"));
        }
        for (i, tag) in doc.get("tags").and_then(Value::as_array).into_iter().flatten().enumerate()
        {
            for key in ["parent", "kind"] {
                if tag.get(key).is_some() {
                    unused.push((format!("#/tags/{i}/{key}"), "a tag's `parent` and `kind` do not shape the client: each tag is a module of its own"));
                }
            }
        }
        let schemes =
            doc.get("components").and_then(|c| c.get("securitySchemes")).and_then(Value::as_object);
        for (name, scheme) in schemes.into_iter().flatten() {
            let at = format!("#/components/securitySchemes/{}", escape(name));
            if scheme.get("oauth2MetadataUrl").is_some() {
                unused.push((format!("{at}/oauth2MetadataUrl"), "`oauth2MetadataUrl` is documented, not fetched: the client takes tokens as given"));
            }
            if scheme.pointer("/flows/deviceAuthorization").is_some() {
                unused.push((format!("{at}/flows/deviceAuthorization"), "the device authorization flow is documented, not run: the client takes tokens as given"));
            }
        }
        for (pointer, message) in unused {
            self.out.diagnostics.push(Diagnostic::warning(pointer, message));
        }
    }

    /// A list of objects of one kind; entries that cannot be used go.
    fn list(&mut self, parent: &mut Map<String, Value>, name: &str, kind: Kind) {
        let Some(Value::Array(items)) = parent.get_mut(name) else { return };
        let mark = self.enter(name);
        let mut keep = Vec::with_capacity(items.len());
        for (i, item) in items.iter_mut().enumerate() {
            let mark = self.enter(&i.to_string());
            keep.push(self.object_or_reference(item, kind));
            self.leave(mark);
        }
        let mut i = 0;
        items.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        self.leave(mark);
    }

    fn operation(&mut self, v: &mut Value) {
        let Value::Object(op) = v else { return };
        self.list(op, "parameters", Kind::Parameter);
        if let Some(body) = op.get_mut("requestBody") {
            let mark = self.enter("requestBody");
            let kept = self.object_or_reference(body, Kind::RequestBody);
            self.leave(mark);
            if !kept {
                op.shift_remove("requestBody");
            }
        }
        if let Some(responses) = op.get_mut("responses") {
            self.table(responses, "responses", Kind::Response, true);
        }
        if let Some(callbacks) = op.get_mut("callbacks") {
            self.table(callbacks, "callbacks", Kind::Callback, true);
        }
    }

    fn callback(&mut self, v: &mut Value) -> bool {
        let Value::Object(map) = v else { return false };
        for (expression, item) in map.iter_mut() {
            if expression.starts_with("x-") {
                continue;
            }
            let mark = self.enter(expression);
            if !self.object_or_reference(item, Kind::PathItem) {
                *item = json!({});
            }
            self.leave(mark);
        }
        true
    }

    fn parameter(&mut self, v: &mut Value) -> bool {
        if self.version == Version::Swagger2 && v.get("schema").is_none() {
            // A 2.0 parameter brought in from another file.
            match swagger2::parameter_object(std::mem::take(v)) {
                Ok(p) => *v = p,
                Err(message) => {
                    self.error(message);
                    return false;
                }
            }
        }
        let Value::Object(p) = v else { return false };
        if p.get("in").and_then(Value::as_str) == Some("querystring") {
            self.warn("a parameter `in: querystring` (OpenAPI 3.2, the whole query string as one value) is not generated yet: it is left out");
            return false;
        }
        self.child_schema(p, "schema");
        self.media_map(p);
        true
    }

    fn request_body(&mut self, v: &mut Value) -> bool {
        let Value::Object(body) = v else { return false };
        self.media_map(body);
        true
    }

    fn response(&mut self, v: &mut Value) -> bool {
        if self.version == Version::Swagger2 && v.get("schema").is_some() {
            *v = swagger2::response_object(std::mem::take(v));
        }
        let Value::Object(r) = v else { return false };
        if let Some(headers) = r.get_mut("headers") {
            self.table(headers, "headers", Kind::Header, true);
        }
        self.media_map(r);
        true
    }

    fn header(&mut self, v: &mut Value) -> bool {
        if self.version == Version::Swagger2 && v.get("schema").is_none() {
            *v = swagger2::header_object(std::mem::take(v));
        }
        let Value::Object(h) = v else { return false };
        self.child_schema(h, "schema");
        self.media_map(h);
        true
    }

    fn security_scheme(&mut self, v: &mut Value) -> bool {
        match v.get("type").and_then(Value::as_str) {
            Some("http" | "apiKey" | "oauth2" | "openIdConnect") => true,
            Some("mutualTLS") => {
                self.warn("mutual TLS is set up on the HTTP client, not per request (give the client builder a reqwest client with your identity); this scheme is ignored");
                false
            }
            other => {
                self.warn(format!(
                    "security scheme type `{}` is not one OpenAPI defines; this scheme is ignored",
                    other.unwrap_or("(none)")
                ));
                false
            }
        }
    }

    /// `content`: each media type's schema, examples and encoding headers.
    fn media_map(&mut self, parent: &mut Map<String, Value>) {
        let Some(Value::Object(content)) = parent.get_mut("content") else { return };
        let mark = self.enter("content");
        for (media_type, media) in content.iter_mut() {
            let Value::Object(media) = media else { continue };
            let mark = self.enter(media_type);
            self.child_schema(media, "schema");
            if media.contains_key("itemSchema") {
                self.child_schema(media, "itemSchema");
                let item = media.shift_remove("itemSchema").unwrap_or_default();
                media.insert(ITEM_SCHEMA.into(), json!(self.out.item_schemas.len()));
                self.out.item_schemas.push(item);
            }
            for keyword in ["itemEncoding", "prefixEncoding"] {
                if media.shift_remove(keyword).is_some() {
                    let mark = self.enter(keyword);
                    self.warn(format!("`{keyword}` (OpenAPI 3.2) is not used: the parts are sent and read as their media types say"));
                    self.leave(mark);
                }
            }
            if let Some(examples) = media.get_mut("examples") {
                if examples.is_object() {
                    self.table(examples, "examples", Kind::Example, true);
                }
            }
            if let Some(Value::Object(encoding)) = media.get_mut("encoding") {
                let mark = self.enter("encoding");
                for (property, e) in encoding.iter_mut() {
                    let mark = self.enter(property);
                    if let Some(headers) = e.get_mut("headers") {
                        self.table(headers, "headers", Kind::Header, true);
                    }
                    self.leave(mark);
                }
                self.leave(mark);
            }
            self.leave(mark);
        }
        self.leave(mark);
    }

    fn child_schema(&mut self, parent: &mut Map<String, Value>, key: &str) {
        if let Some(schema) = parent.get_mut(key) {
            let mark = self.enter(key);
            self.schema(schema, Role::Place);
            self.leave(mark);
        }
    }

    // ---- schemas ----

    /// Whether some `$ref` points where the walk is.
    fn is_target(&self) -> bool {
        self.targets.get(self.file).is_some_and(|t| t.contains(&self.src))
    }

    fn schema(&mut self, v: &mut Value, role: Role) {
        if role == Role::Place && self.is_target() && !plain_scalar(v) {
            // Something refers to this place: it gets a component of its
            // own, so this place and every reference share one type. (A
            // plain scalar defines no type: it is copied where used.)
            let key = self.hoist(Target { file: self.file, pointer: self.src.clone() });
            *v = hoisted_place(&key, v);
            return;
        }
        match v {
            Value::Bool(true) => *v = json!({}),
            Value::Bool(false) => *v = json!({ "not": {} }),
            Value::Object(_) => {}
            _ => {
                self.error("a schema must be an object; this one is taken as any JSON value");
                *v = json!({});
                return;
            }
        }
        let Value::Object(map) = v else { return };
        if map.contains_key("$ref") {
            let siblings =
                map.keys().any(|k| !matches!(k.as_str(), "$ref" | "$comment" | "$schema" | "$id"));
            if matches!(self.version, Version::OpenApi31 | Version::OpenApi32) && siblings {
                // In JSON Schema 2020-12 `$ref` is one keyword among the
                // others: the schema is the reference *and* the rest, which
                // is 3.0's `allOf` with the reference first.
                let reference = map.shift_remove("$ref").unwrap_or_default();
                let wrapped = json!({ "$ref": reference });
                match map.get_mut("allOf") {
                    Some(Value::Array(parts)) => parts.insert(0, wrapped),
                    _ => {
                        map.insert("allOf".into(), json!([wrapped]));
                    }
                }
            } else {
                self.schema_reference(map);
                return;
            }
        }
        if map.contains_key("contentSchema") {
            self.child_schema(map, "contentSchema");
            let content = map.shift_remove("contentSchema").unwrap_or_default();
            map.insert(CONTENT_SCHEMA.into(), json!(self.out.item_schemas.len()));
            self.out.item_schemas.push(content);
        }
        let mut notes = Vec::new();
        dialect::schema(map, self.version, &mut notes);
        for note in notes {
            let mark = note.keyword.map(|k| self.enter(k));
            self.warn(note.message);
            if let Some(mark) = mark {
                self.leave(mark);
            }
        }
        self.subschemas(map);
    }

    fn schema_reference(&mut self, map: &mut Map<String, Value>) {
        let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_string) else {
            self.error("`$ref` must be a string; the schema is taken as any JSON value");
            map.clear();
            return;
        };
        match self.resolve(&reference) {
            Ok(target) => {
                let component = is_component_entry(&target.pointer)
                    .is_some_and(|(table, _)| target.file == ROOT && table == "schemas");
                // A plain scalar elsewhere (a property's `string` with a
                // `maxLength`) defines no type: copied, it keeps its bounds
                // and docs instead of becoming an alias of `String`.
                if let Some(mut copy) =
                    self.raw(&target).filter(|raw| !component && plain_scalar(raw))
                {
                    let saved = self.relocate(&target, None);
                    self.schema(&mut copy, Role::Named);
                    self.restore(saved);
                    if let Value::Object(copy) = copy {
                        *map = copy;
                        return;
                    }
                }
                let key = self.schema_key(target);
                map.insert("$ref".into(), json!(format!("#/components/schemas/{}", escape(&key))));
            }
            Err(message) => {
                self.error(format!("{message}; the schema is taken as any JSON value"));
                map.clear();
            }
        }
    }

    fn subschemas(&mut self, map: &mut Map<String, Value>) {
        for key in ["properties", "patternProperties"] {
            if let Some(Value::Object(props)) = map.get_mut(key) {
                let mark = self.enter(key);
                for (name, schema) in props.iter_mut() {
                    let mark = self.enter(name);
                    self.schema(schema, Role::Place);
                    self.leave(mark);
                }
                self.leave(mark);
            }
        }
        // A map keyed by pattern is a map (its keys are not checked).
        if let Some(Value::Object(patterns)) = map.shift_remove("patternProperties") {
            if !map.contains_key("additionalProperties") {
                let value = if patterns.len() == 1 {
                    patterns.into_iter().next().map(|(_, v)| v).unwrap_or(json!({}))
                } else {
                    json!({})
                };
                map.insert("additionalProperties".into(), value);
            }
        }
        if map.get("additionalProperties").is_some_and(Value::is_object) {
            self.child_schema(map, "additionalProperties");
        }
        let mut closed = false;
        match map.get("items") {
            Some(Value::Object(_)) => self.child_schema(map, "items"),
            Some(Value::Bool(open)) => {
                closed = !open;
                map.shift_remove("items");
            }
            Some(Value::Array(_)) => {
                // Draft 4's tuple form, from some 2.0 documents.
                if let Some(Value::Array(items)) = map.shift_remove("items") {
                    map.insert("prefixItems".into(), Value::Array(items));
                    closed = map.get("additionalItems") == Some(&Value::Bool(false));
                }
            }
            _ => {}
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(parts)) = map.get_mut(key) {
                let mark = self.enter(key);
                for (i, part) in parts.iter_mut().enumerate() {
                    let mark = self.enter(&i.to_string());
                    self.schema(part, Role::Place);
                    self.leave(mark);
                }
                self.leave(mark);
            }
        }
        if let Some(Value::Array(items)) = map.shift_remove("prefixItems") {
            map.insert(TUPLE.into(), json!(self.out.tuples.len()));
            map.entry("type").or_insert(json!("array"));
            self.out.tuples.push((Value::Array(items), !closed));
        }
        if map.get("not").is_some_and(Value::is_object) {
            self.child_schema(map, "not");
        }
        // Definitions are types only when something refers to them.
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(defs)) = map.shift_remove(key) {
                let mark = self.enter(key);
                for name in defs.keys() {
                    let mark = self.enter(name);
                    if self.is_target() {
                        self.hoist(Target { file: self.file, pointer: self.src.clone() });
                    }
                    self.leave(mark);
                }
                self.leave(mark);
            }
        }
        self.discriminator_mapping(map);
    }

    /// Mapping values that are references name schemas like `$ref`s do.
    fn discriminator_mapping(&mut self, map: &mut Map<String, Value>) {
        let Some(Value::Object(mapping)) =
            map.get_mut("discriminator").and_then(|d| d.get_mut("mapping"))
        else {
            return;
        };
        let refs: Vec<(String, String)> = mapping
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .filter(|(_, v)| looks_like_reference(v))
            .collect();
        let mut rewritten = Vec::new();
        for (value, reference) in refs {
            if let Ok(target) = self.resolve(&reference) {
                let key = self.schema_key(target);
                rewritten.push((value, format!("#/components/schemas/{}", escape(&key))));
            }
        }
        if let Some(Value::Object(mapping)) =
            map.get_mut("discriminator").and_then(|d| d.get_mut("mapping"))
        {
            for (value, reference) in rewritten {
                mapping.insert(value, json!(reference));
            }
        }
    }
}

/// Every `$ref` in a value, and discriminator mapping values that are
/// references; data (examples, defaults, enums, extensions) is skipped.
fn references(v: &Value, parent: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            if let Some(Value::Object(mapping)) =
                map.get("discriminator").and_then(|d| d.get("mapping"))
            {
                out.extend(
                    mapping
                        .values()
                        .filter_map(Value::as_str)
                        .filter(|s| looks_like_reference(s))
                        .map(str::to_string),
                );
            }
            for (key, child) in map {
                if !super::is_data(parent, key) {
                    references(child, key, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, parent, out)),
        _ => {}
    }
}

fn looks_like_reference(value: &str) -> bool {
    value.contains('#')
        || value.contains('/')
        || value.ends_with(".json")
        || value.ends_with(".yaml")
        || value.ends_with(".yml")
}

/// Whether a schema is a plain scalar: a string, number, integer or
/// boolean (perhaps nullable) with no enum, const or composition, which
/// defines no Rust type of its own.
fn plain_scalar(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    let scalar = |t: &Value| {
        matches!(t.as_str(), Some("string" | "number" | "integer" | "boolean" | "null"))
    };
    let typed = match map.get("type") {
        Some(Value::Array(types)) => !types.is_empty() && types.iter().all(scalar),
        Some(t) => scalar(t) && t != "null",
        None => false,
    };
    const DEFINING: &[&str] = &[
        "enum",
        "const",
        "$ref",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "properties",
        "items",
        "prefixItems",
        "additionalProperties",
        "$defs",
        "definitions",
    ];
    typed && !DEFINING.iter().any(|k| map.contains_key(*k))
}

/// `#/components/{table}/{key}` → the table and the key (unescaped).
fn is_component_entry(pointer: &str) -> Option<(String, String)> {
    let rest = pointer.strip_prefix("#/components/")?;
    let (table, key) = rest.split_once('/')?;
    if key.contains('/') || key.is_empty() {
        return None;
    }
    Some((table.to_string(), key.replace("~1", "/").replace("~0", "~")))
}

/// What stays where a schema was hoisted from: its reference, with the
/// words that describe this use of it (a property's description, its
/// read-only flag…), which 3.0 says the way `allOf` with one part does.
fn hoisted_place(key: &str, schema: &Value) -> Value {
    let reference = json!({ "$ref": format!("#/components/schemas/{}", escape(key)) });
    let Some(map) = schema.as_object() else { return reference };
    let mut wrapper = Map::new();
    for k in [
        "title",
        "description",
        "readOnly",
        "writeOnly",
        "deprecated",
        "nullable",
        "example",
        "default",
    ] {
        if let Some(v) = map.get(k) {
            wrapper.insert(k.into(), v.clone());
        }
    }
    if map.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "null")) {
        wrapper.insert("nullable".into(), Value::Bool(true));
    }
    if wrapper.is_empty() {
        return reference;
    }
    wrapper.insert("allOf".into(), json!([reference]));
    Value::Object(wrapper)
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn push_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}
