//! Swagger 2.0 → OpenAPI 3.0: the document's structure.
//!
//! The conversion is the one the OpenAPI Initiative describes (and
//! swagger2openapi performs): `definitions`, `parameters`, `responses` and
//! `securityDefinitions` move under `components`; `host`, `basePath` and
//! `schemes` become `servers`; a `body` parameter becomes the request body
//! for each media type in `consumes`, and `formData` parameters the
//! properties of a form (multipart when a parameter is a file); a response's
//! `schema` becomes its content for each type in `produces`; parameters and
//! headers take their type keywords into a `schema`, and `collectionFormat`
//! becomes `style`/`explode`. Schemas keep their keywords here; the few 2.0
//! words inside them are the dialect's business.
//!
//! What moved is recorded, so diagnostics point into the 2.0 text.

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, join};

/// The converted document and how to map its pointers back.
pub(super) struct Converted {
    pub doc: Value,
    /// Pointer in the converted document → pointer in the 2.0 document.
    pub moves: Vec<(String, String)>,
    /// Pointers in the converted document.
    pub diagnostics: Vec<Diagnostic>,
}

/// Keywords of a 2.0 parameter, header or items object that describe its
/// value: they go into the 3.0 `schema`.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Maps a pointer into a 2.0 document to where the conversion put it, for
/// references written in other files.
pub(super) fn translate(pointer: &str, body_parameters: &[String]) -> String {
    let rest = |prefix: &str| pointer.strip_prefix(prefix).map(str::to_string);
    if let Some(rest) = rest("#/definitions") {
        return format!("#/components/schemas{rest}");
    }
    if let Some(rest) = rest("#/responses") {
        return format!("#/components/responses{rest}");
    }
    if let Some(rest) = rest("#/parameters/") {
        let key = rest.split('/').next().unwrap_or("");
        let table =
            if body_parameters.iter().any(|b| b == key) { "requestBodies" } else { "parameters" };
        return format!("#/components/{table}/{rest}");
    }
    pointer.to_string()
}

/// Converts a whole 2.0 document.
pub(super) fn convert(doc: Value) -> Converted {
    let Value::Object(mut doc) = doc else {
        return Converted { doc, moves: Vec::new(), diagnostics: Vec::new() };
    };
    let media = |doc: &Map<String, Value>, key: &str| -> Vec<String> {
        doc.get(key).and_then(Value::as_array).map(|a| strings(a)).unwrap_or_default()
    };
    let mut cx = Cx {
        consumes: media(&doc, "consumes"),
        produces: media(&doc, "produces"),
        parameters: doc.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default(),
        moves: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for key in ["info", "tags", "externalDocs", "security"] {
        if let Some(v) = doc.shift_remove(key) {
            out.insert(key.into(), v);
        }
    }
    out.insert("servers".into(), cx.servers(&doc));
    let mut paths = Map::new();
    if let Some(Value::Object(items)) = doc.shift_remove("paths") {
        for (path, item) in items {
            let at = join("#/paths", &path);
            let item = match item {
                Value::Object(item) => Value::Object(cx.path_item(item, &at)),
                other => other,
            };
            paths.insert(path, item);
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    out.insert("components".into(), Value::Object(cx.components(&mut doc)));
    for (key, value) in doc {
        if key.starts_with("x-") {
            out.insert(key, value);
        }
    }
    let body_parameters = cx.body_parameters();
    let mut doc = Value::Object(out);
    rewrite_refs(&mut doc, "", &body_parameters);
    Converted { doc, moves: cx.moves, diagnostics: cx.diagnostics }
}

struct Cx {
    consumes: Vec<String>,
    produces: Vec<String>,
    /// The document's `parameters`, to see what a reference to one is.
    parameters: Map<String, Value>,
    moves: Vec<(String, String)>,
    diagnostics: Vec<Diagnostic>,
}

impl Cx {
    fn empty() -> Self {
        Self {
            consumes: Vec::new(),
            produces: Vec::new(),
            parameters: Map::new(),
            moves: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn moved(&mut self, to: String, from: String) {
        if to != from {
            self.moves.push((to, from));
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::warning(pointer, message));
    }

    /// Keys of the document's `body` parameters, which become request bodies.
    fn body_parameters(&self) -> Vec<String> {
        self.parameters
            .iter()
            .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("body"))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// `schemes://host/basePath`, https first; a relative URL without a host.
    fn servers(&mut self, doc: &Map<String, Value>) -> Value {
        let base = doc.get("basePath").and_then(Value::as_str).unwrap_or("");
        let base = if base.is_empty() || base.starts_with('/') {
            base.to_string()
        } else {
            format!("/{base}")
        };
        let Some(host) = doc.get("host").and_then(Value::as_str) else {
            if doc.contains_key("basePath") {
                self.moved("#/servers/0/url".into(), "#/basePath".into());
            }
            return json!([{ "url": if base.is_empty() { "/".to_string() } else { base } }]);
        };
        let mut schemes =
            doc.get("schemes").and_then(Value::as_array).map(|a| strings(a)).unwrap_or_default();
        if schemes.is_empty() {
            schemes.push("https".into());
        }
        schemes.sort_by_key(|s| s != "https");
        self.moved("#/servers".into(), "#/host".into());
        let host = host.trim_end_matches('/');
        Value::Array(
            schemes.iter().map(|s| json!({ "url": format!("{s}://{host}{base}") })).collect(),
        )
    }

    fn components(&mut self, doc: &mut Map<String, Value>) -> Map<String, Value> {
        let mut components = Map::new();
        if let Some(defs) = doc.shift_remove("definitions") {
            self.moved("#/components/schemas".into(), "#/definitions".into());
            components.insert("schemas".into(), defs);
        }
        let mut parameters = Map::new();
        let mut bodies = Map::new();
        doc.shift_remove("parameters");
        for (key, p) in self.parameters.clone() {
            let from = join("#/parameters", &key);
            match p.get("in").and_then(Value::as_str) {
                Some("body") => {
                    let to = join("#/components/requestBodies", &key);
                    let consumes = self.consumes.clone();
                    bodies.insert(key, self.request_body(&p, &consumes, &to, &from));
                    self.moved(to, from);
                }
                // Form fields are merged into each operation's form.
                Some("formData") => {}
                _ => {
                    let to = join("#/components/parameters", &key);
                    parameters.insert(key, self.parameter(p, &to, &from));
                    self.moved(to, from);
                }
            }
        }
        if !parameters.is_empty() {
            components.insert("parameters".into(), Value::Object(parameters));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
        if let Some(Value::Object(responses)) = doc.shift_remove("responses") {
            let mut out = Map::new();
            for (key, r) in responses {
                let to = join("#/components/responses", &key);
                let from = join("#/responses", &key);
                let produces = self.produces.clone();
                out.insert(key, self.response(r, &produces, &to, &from));
                self.moved(to, from);
            }
            components.insert("responses".into(), Value::Object(out));
        }
        if let Some(Value::Object(schemes)) = doc.shift_remove("securityDefinitions") {
            self.moved("#/components/securitySchemes".into(), "#/securityDefinitions".into());
            let converted =
                schemes.into_iter().map(|(k, s)| (k, security_scheme(s))).collect::<Map<_, _>>();
            components.insert("securitySchemes".into(), Value::Object(converted));
        }
        components
    }

    fn path_item(&mut self, mut item: Map<String, Value>, at: &str) -> Map<String, Value> {
        // Path-level `body` and `formData` parameters belong to each
        // operation's body; the others stay at the path.
        let shared: Vec<Value> =
            item.shift_remove("parameters").and_then(|p| p.as_array().cloned()).unwrap_or_default();
        let mut out = Map::new();
        let mut kept = Vec::new();
        let mut body_shared = Vec::new();
        for (i, p) in shared.into_iter().enumerate() {
            let from = join(&join(at, "parameters"), &i.to_string());
            match self.location_of(&p).as_deref() {
                Some("body" | "formData") => body_shared.push((p, from)),
                _ => {
                    let to = join(&join(at, "parameters"), &kept.len().to_string());
                    let p = self.maybe_parameter(p, &to, &from);
                    kept.push(p);
                }
            }
        }
        if !kept.is_empty() {
            out.insert("parameters".into(), Value::Array(kept));
        }
        for (key, value) in item {
            let value = match (METHODS.contains(&key.as_str()), value) {
                (true, Value::Object(op)) => {
                    Value::Object(self.operation(op, &body_shared, &join(at, &key)))
                }
                (_, v) => v,
            };
            out.insert(key, value);
        }
        out
    }

    /// Where a parameter (or the parameter a local reference names) goes.
    fn location_of(&self, p: &Value) -> Option<String> {
        let resolved = self.local(p).unwrap_or(p);
        resolved.get("in").and_then(Value::as_str).map(str::to_string)
    }

    /// The parameter a local `#/parameters/…` reference names.
    fn local<'v>(&'v self, p: &Value) -> Option<&'v Value> {
        let key = p.get("$ref")?.as_str()?.strip_prefix("#/parameters/")?;
        self.parameters.get(&key.replace("~1", "/").replace("~0", "~"))
    }

    fn operation(
        &mut self,
        mut op: Map<String, Value>,
        shared: &[(Value, String)],
        at: &str,
    ) -> Map<String, Value> {
        let list = |v: Option<Value>| v.and_then(|v| v.as_array().map(|a| strings(a)));
        let consumes = list(op.shift_remove("consumes")).unwrap_or_else(|| self.consumes.clone());
        let produces = list(op.shift_remove("produces")).unwrap_or_else(|| self.produces.clone());
        op.shift_remove("schemes");
        let own: Vec<Value> =
            op.shift_remove("parameters").and_then(|p| p.as_array().cloned()).unwrap_or_default();
        let own: Vec<(Value, String)> = own
            .into_iter()
            .enumerate()
            .map(|(i, p)| (p, join(&join(at, "parameters"), &i.to_string())))
            .collect();
        // An operation's parameter replaces a path-level one of the same
        // name and place.
        let key = |cx: &Self, p: &Value| {
            let p = cx.local(p).unwrap_or(p);
            (p.get("name").cloned(), p.get("in").cloned())
        };
        let mut merged: Vec<(Value, String)> = shared
            .iter()
            .filter(|(s, _)| !own.iter().any(|(o, _)| key(self, o) == key(self, s)))
            .cloned()
            .collect();
        merged.extend(own);

        let mut parameters = Vec::new();
        let mut body = None;
        let mut form: Vec<(Value, String)> = Vec::new();
        for (p, from) in merged {
            match self.location_of(&p).as_deref() {
                Some("body") => {
                    let to = join(at, "requestBody");
                    let referenced = p.get("$ref").is_some();
                    let resolved = self.local(&p).cloned().unwrap_or(p.clone());
                    // A shared body keeps its reference unless this
                    // operation consumes other media types.
                    body = Some(if referenced && consumes == self.consumes {
                        json!({ "$ref": p["$ref"].clone() })
                    } else {
                        self.request_body(&resolved, &consumes, &to, &from)
                    });
                    self.moved(to, from);
                }
                Some("formData") => {
                    let resolved = self.local(&p).cloned().unwrap_or(p);
                    form.push((resolved, from));
                }
                _ => {
                    let to = join(&join(at, "parameters"), &parameters.len().to_string());
                    parameters.push(self.maybe_parameter(p, &to, &from));
                }
            }
        }
        if !form.is_empty() {
            if body.is_some() {
                self.warn(at, "an operation with both `body` and `formData` parameters is invalid; the form is ignored");
            } else {
                body = Some(self.form(form, &consumes, at));
            }
        }
        let mut out = Map::new();
        for (key, value) in op {
            match key.as_str() {
                "responses" => {
                    let mut responses = Map::new();
                    for (code, r) in value.as_object().cloned().unwrap_or_default() {
                        let here = join(&join(at, "responses"), &code);
                        let r = if r.get("$ref").is_some() {
                            r
                        } else {
                            self.response(r, &produces, &here, &here)
                        };
                        responses.insert(code, r);
                    }
                    out.insert(key, Value::Object(responses));
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some(body) = body {
            out.insert("requestBody".into(), body);
        }
        out
    }

    /// A non-body parameter: a reference stays (it is rewritten later).
    fn maybe_parameter(&mut self, p: Value, to: &str, from: &str) -> Value {
        if p.get("$ref").is_some() {
            return p;
        }
        self.moved(to.to_string(), from.to_string());
        self.parameter(p, to, from)
    }

    fn parameter(&mut self, p: Value, to: &str, from: &str) -> Value {
        let Value::Object(mut p) = p else { return p };
        let location = p.get("in").and_then(Value::as_str).unwrap_or("").to_string();
        let (schema, format) = value_schema(&mut p);
        if let Some(format) = format {
            match collection_style(&format, &location) {
                Ok((style, explode)) => {
                    p.insert("style".into(), json!(style));
                    p.insert("explode".into(), json!(explode));
                }
                Err(message) => self.warn(&join(from, "collectionFormat"), message),
            }
        }
        p.insert("schema".into(), Value::Object(schema));
        self.moved(join(to, "schema"), from.to_string());
        Value::Object(p)
    }

    fn request_body(&mut self, p: &Value, consumes: &[String], to: &str, from: &str) -> Value {
        let schema = p.get("schema").cloned().unwrap_or(json!({}));
        let types = if consumes.is_empty() {
            vec!["application/json".to_string()]
        } else {
            consumes.to_vec()
        };
        let mut content = Map::new();
        for media in types {
            let at = join(&join(&join(to, "content"), &media), "schema");
            self.moved(at, join(from, "schema"));
            content.insert(media, json!({ "schema": schema.clone() }));
        }
        let mut body = Map::new();
        if let Some(d) = p.get("description") {
            body.insert("description".into(), d.clone());
        }
        if p.get("required") == Some(&Value::Bool(true)) {
            body.insert("required".into(), Value::Bool(true));
        }
        body.insert("content".into(), Value::Object(content));
        Value::Object(body)
    }

    /// `formData` parameters: an object schema with a property each,
    /// multipart when one is a file or the operation consumes multipart.
    fn form(&mut self, fields: Vec<(Value, String)>, consumes: &[String], at: &str) -> Value {
        let file =
            fields.iter().any(|(p, _)| p.get("type").and_then(Value::as_str) == Some("file"));
        let media = if file || consumes.iter().any(|c| c.starts_with("multipart/form-data")) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let schema_at = join(&join(&join(&join(at, "requestBody"), "content"), media), "schema");
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (p, from) in fields {
            let Value::Object(mut p) = p else { continue };
            let Some(name) = p.get("name").and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            if p.get("required") == Some(&Value::Bool(true)) {
                required.push(json!(name));
            }
            let description = p.get("description").cloned();
            let (mut schema, _) = value_schema(&mut p);
            if let Some(d) = description {
                schema.insert("description".into(), d);
            }
            self.moved(join(&join(&schema_at, "properties"), &name), from);
            properties.insert(name, Value::Object(schema));
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        json!({ "required": true, "content": { media: { "schema": schema } } })
    }

    fn response(&mut self, r: Value, produces: &[String], to: &str, from: &str) -> Value {
        let Value::Object(mut r) = r else { return r };
        if let Some(Value::Object(headers)) = r.shift_remove("headers") {
            let mut out = Map::new();
            for (name, h) in headers {
                let Value::Object(mut h) = h else { continue };
                let (schema, _) = value_schema(&mut h);
                h.insert("schema".into(), Value::Object(schema));
                self.moved(
                    join(&join(&join(to, "headers"), &name), "schema"),
                    join(&join(from, "headers"), &name),
                );
                out.insert(name, Value::Object(h));
            }
            r.insert("headers".into(), Value::Object(out));
        }
        r.shift_remove("examples");
        if let Some(schema) = r.shift_remove("schema") {
            let file = schema.get("type").and_then(Value::as_str) == Some("file");
            let mut types: Vec<String> = produces.to_vec();
            if types.is_empty() {
                types.push(
                    if file { "application/octet-stream" } else { "application/json" }.into(),
                );
            }
            let mut content = Map::new();
            for media in types {
                let at = join(&join(&join(to, "content"), &media), "schema");
                self.moved(at, join(from, "schema"));
                content.insert(media, json!({ "schema": schema.clone() }));
            }
            r.insert("content".into(), Value::Object(content));
        }
        if !r.contains_key("description") {
            r.insert("description".into(), json!(""));
        }
        Value::Object(r)
    }
}

/// A 2.0 parameter object from another file, in 3.0's shape. Body and form
/// parameters only make sense inside an operation's conversion.
pub(super) fn parameter_object(p: Value) -> Result<Value, String> {
    match p.get("in").and_then(Value::as_str) {
        Some(place @ ("body" | "formData")) => Err(format!(
            "a `{place}` parameter in another file cannot be referenced; write it in the operation"
        )),
        _ => {
            let mut cx = Cx::empty();
            let p = cx.parameter(p, "#", "#");
            Ok(p)
        }
    }
}

/// A 2.0 response object from another file, in 3.0's shape (its content
/// is JSON, having no `produces` to go by).
pub(super) fn response_object(r: Value) -> Value {
    Cx::empty().response(r, &[], "#", "#")
}

/// A 2.0 header object from another file, in 3.0's shape.
pub(super) fn header_object(h: Value) -> Value {
    let Value::Object(mut h) = h else { return h };
    let (schema, _) = value_schema(&mut h);
    h.insert("schema".into(), Value::Object(schema));
    Value::Object(h)
}

/// Takes a 2.0 parameter's (or header's) value keywords out into a schema;
/// returns it with the `collectionFormat`, if any.
fn value_schema(p: &mut Map<String, Value>) -> (Map<String, Value>, Option<String>) {
    let mut schema = Map::new();
    for k in VALUE_KEYWORDS {
        if let Some(v) = p.shift_remove(*k) {
            schema.insert((*k).into(), v);
        }
    }
    if let Some(Value::Object(mut items)) = schema.shift_remove("items") {
        // Items objects have the same keywords (and their own format).
        let (items, _) = value_schema(&mut items);
        schema.insert("items".into(), Value::Object(items));
    }
    if schema.get("type").and_then(Value::as_str) == Some("file") {
        schema.insert("type".into(), json!("string"));
        schema.insert("format".into(), json!("binary"));
    }
    let format = p.shift_remove("collectionFormat").and_then(|v| v.as_str().map(str::to_string));
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
    // 2.0's default is `csv`, which differs from 3.0's default for queries.
    let format = match (format, is_array) {
        (Some(f), true) => Some(f),
        (None, true) => Some("csv".to_string()),
        _ => None,
    };
    if let Some(Value::Object(rest)) = p.shift_remove("schema") {
        // A malformed parameter with both: the schema wins.
        return (rest, format);
    }
    (schema, format)
}

/// The 3.0 style and explode for a 2.0 `collectionFormat`.
fn collection_style(format: &str, location: &str) -> Result<(&'static str, bool), String> {
    let simple = matches!(location, "path" | "header");
    Ok(match format {
        "csv" if simple => ("simple", false),
        "csv" => ("form", false),
        "multi" if location == "query" => ("form", true),
        "ssv" if location == "query" => ("spaceDelimited", false),
        "pipes" if location == "query" => ("pipeDelimited", false),
        other => {
            return Err(format!(
                "`collectionFormat: {other}` has no OpenAPI 3 equivalent for a {location} \
                 parameter; values are sent comma-separated"
            ));
        }
    })
}

fn security_scheme(scheme: Value) -> Value {
    let Value::Object(mut s) = scheme else { return scheme };
    match s.get("type").and_then(Value::as_str) {
        Some("basic") => {
            s.insert("type".into(), json!("http"));
            s.insert("scheme".into(), json!("basic"));
        }
        Some("oauth2") => {
            let flow = match s.shift_remove("flow").as_ref().and_then(Value::as_str) {
                Some("implicit") => "implicit",
                Some("password") => "password",
                Some("application") => "clientCredentials",
                _ => "authorizationCode",
            };
            let mut details = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(v) = s.shift_remove(key) {
                    details.insert(key.into(), v);
                }
            }
            details.insert("scopes".into(), s.shift_remove("scopes").unwrap_or(json!({})));
            s.insert("flows".into(), json!({ flow: details }));
        }
        _ => {}
    }
    Value::Object(s)
}

/// Points local references at where the conversion moved their targets.
fn rewrite_refs(v: &mut Value, parent: &str, body_parameters: &[String]) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if r.starts_with('#') {
                    *r = translate(r, body_parameters);
                }
            }
            for (k, child) in map.iter_mut() {
                if !super::is_data(parent, k) {
                    rewrite_refs(child, k, body_parameters);
                }
            }
        }
        Value::Array(items) => {
            items.iter_mut().for_each(|i| rewrite_refs(i, parent, body_parameters))
        }
        _ => {}
    }
}

fn strings(values: &[Value]) -> Vec<String> {
    values.iter().filter_map(Value::as_str).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(doc: Value) -> Value {
        convert(doc).doc
    }

    #[test]
    fn servers_come_from_host_base_path_and_schemes() {
        let out = converted(
            json!({"swagger": "2.0", "host": "api.x.io", "basePath": "/v1", "schemes": ["http", "https"], "paths": {}}),
        );
        assert_eq!(
            out["servers"],
            json!([{"url": "https://api.x.io/v1"}, {"url": "http://api.x.io/v1"}])
        );
        let out = converted(json!({"swagger": "2.0", "basePath": "/v1", "paths": {}}));
        assert_eq!(out["servers"], json!([{"url": "/v1"}]));
    }

    #[test]
    fn definitions_and_references_move_under_components() {
        let out = converted(json!({
            "swagger": "2.0", "paths": {},
            "definitions": {"A": {"type": "object", "properties": {"b": {"$ref": "#/definitions/B"}}}, "B": {}}
        }));
        assert_eq!(
            out["components"]["schemas"]["A"]["properties"]["b"]["$ref"],
            "#/components/schemas/B"
        );
    }

    #[test]
    fn body_form_and_other_parameters() {
        let out = converted(json!({
            "swagger": "2.0", "consumes": ["application/json"], "produces": ["application/json"],
            "parameters": {
                "Body": {"name": "b", "in": "body", "required": true, "schema": {"$ref": "#/definitions/P"}},
                "Limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 10}
            },
            "paths": {"/p": {
                "post": {
                    "parameters": [{"$ref": "#/parameters/Body"}, {"$ref": "#/parameters/Limit"},
                                   {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/P"},
                                          "headers": {"X-Rate": {"type": "integer"}}}}
                },
                "put": {
                    "consumes": ["multipart/form-data"],
                    "parameters": [{"name": "file", "in": "formData", "type": "file", "required": true},
                                   {"name": "note", "in": "formData", "type": "string"}],
                    "responses": {"204": {"description": "done"}}
                }
            }},
            "definitions": {"P": {"type": "object"}}
        }));
        let post = &out["paths"]["/p"]["post"];
        assert_eq!(post["requestBody"], json!({"$ref": "#/components/requestBodies/Body"}));
        assert_eq!(post["parameters"][0], json!({"$ref": "#/components/parameters/Limit"}));
        assert_eq!(
            post["parameters"][1],
            json!({"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
                   "style": "form", "explode": false})
        );
        assert_eq!(
            post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/P"
        );
        assert_eq!(
            post["responses"]["200"]["headers"]["X-Rate"]["schema"],
            json!({"type": "integer"})
        );
        assert_eq!(
            out["components"]["requestBodies"]["Body"],
            json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/P"}}}})
        );
        assert_eq!(
            out["components"]["parameters"]["Limit"]["schema"],
            json!({"type": "integer", "maximum": 10})
        );
        let put =
            &out["paths"]["/p"]["put"]["requestBody"]["content"]["multipart/form-data"]["schema"];
        assert_eq!(put["properties"]["file"], json!({"type": "string", "format": "binary"}));
        assert_eq!(put["required"], json!(["file"]));
    }

    #[test]
    fn security_definitions() {
        let out = converted(json!({"swagger": "2.0", "paths": {}, "securityDefinitions": {
            "basic": {"type": "basic"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"a": "b"}}
        }}));
        let s = &out["components"]["securitySchemes"];
        assert_eq!(s["basic"], json!({"type": "http", "scheme": "basic"}));
        assert_eq!(s["key"]["name"], "X-Key");
        assert_eq!(s["oauth"]["flows"]["clientCredentials"]["tokenUrl"], "https://t");
    }

    #[test]
    fn collection_formats() {
        assert_eq!(collection_style("multi", "query"), Ok(("form", true)));
        assert_eq!(collection_style("csv", "path"), Ok(("simple", false)));
        assert!(collection_style("tsv", "query").is_err());
    }

    #[test]
    fn pointers_from_other_files_are_translated() {
        assert_eq!(
            translate("#/definitions/A/properties/b", &[]),
            "#/components/schemas/A/properties/b"
        );
        assert_eq!(translate("#/parameters/B", &["B".to_string()]), "#/components/requestBodies/B");
    }
}
