//! Property tests: any document, however odd, gives diagnostics or files,
//! never a panic; and every emitted Rust file parses.
//!
//! Documents are drawn from a grammar of OpenAPI-shaped JSON (random names,
//! schemas of every kind, OpenAPI 3.1's JSON Schema words among them,
//! references that may dangle, loop or point anywhere), written as OpenAPI
//! 3.0, 3.1 or Swagger 2.0, and from byte mutations of the fixture specs.
//! Runs are short and seeded by proptest.

mod common;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Names as specs spell them: words, punctuation, keywords, digits, empty.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9_]{0,8}",
        Just("type".to_string()),
        Just("self".to_string()),
        Just("Self".to_string()),
        Just(String::new()),
        "[-!@#. ]{1,3}",
        "[0-9][a-z0-9]{0,3}",
        "\\PC{1,6}",
    ]
}

fn reference() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[A-D]".prop_map(|n| json!({"$ref": format!("#/components/schemas/{n}")})),
        Just(json!({"$ref": "#/components/schemas/Nowhere"})),
        Just(json!({"$ref": "other.yaml#/x"})),
        Just(json!({"$ref": "https://example.com/s.json#/x"})),
        // Into other schemas, their definitions, operations and itself.
        "[A-D]".prop_map(|n| json!({"$ref": format!("#/components/schemas/{n}/properties/a")})),
        "[A-D]".prop_map(|n| json!({"$ref": format!("#/components/schemas/{n}/$defs/D")})),
        "[A-D]".prop_map(|n| json!({"$ref": format!("#/components/schemas/{n}/items")})),
        Just(
            json!({"$ref": "#/paths/~1a~1%7Bb%7D/get/responses/200/content/application~1json/schema"})
        ),
        Just(json!({"$ref": "#/definitions/A"})),
        Just(json!({"$ref": "#"})),
        Just(json!({"$ref": "#anchor"})),
        Just(json!({"$ref": 7})),
    ]
}

/// JSON Schema 2020-12 (OpenAPI 3.1) words, which must not upset any
/// version's reading.
fn schema_31() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": ["string", "null"]})),
        Just(json!({"type": ["string", "integer", "null"], "maxLength": 2, "minimum": 1})),
        Just(json!({"type": ["null"]})),
        Just(json!({"type": "null"})),
        Just(json!({"type": [1, "array"]})),
        Just(json!({"const": "x"})),
        Just(json!({"const": null})),
        Just(json!({"const": {"a": 1}})),
        Just(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
        Just(json!({"type": "string", "examples": ["a"], "contentEncoding": "base64"})),
        Just(json!({"type": "string", "contentMediaType": "image/png"})),
        Just(
            json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})
        ),
        Just(
            json!({"type": "array", "prefixItems": [{"$ref": "#/components/schemas/A"}], "maxItems": 1})
        ),
        Just(json!({"type": "array", "prefixItems": [], "items": true})),
        Just(json!({"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]})),
        Just(json!({"$ref": "#/components/schemas/C", "description": "d", "readOnly": true})),
        Just(
            json!({"$defs": {"D": {"type": "string", "enum": ["x"]}}, "properties": {"a": {"$ref": "#/components/schemas/A/$defs/D"}}})
        ),
        Just(json!({"if": {}, "then": {}, "patternProperties": {"^x": {"type": "integer"}}})),
        Just(json!(true)),
        Just(json!(false)),
        Just(json!({"type": "file", "x-nullable": true, "discriminator": "kind"})),
        Just(json!({"type": "array", "items": [{"type": "string"}]})),
    ]
}

fn scalar_schema() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        proptest::collection::vec(name(), 1..4).prop_map(|v| json!({"type": "string", "enum": v})),
        proptest::collection::vec(any::<i32>(), 1..4)
            .prop_map(|v| json!({"type": "integer", "enum": v})),
        prop_oneof![Just("int32"), Just("int64"), Just("weird")]
            .prop_map(|f| json!({"type": "integer", "format": f})),
        prop_oneof![Just("date-time"), Just("date"), Just("uuid"), Just("byte"), Just("binary")]
            .prop_map(|f| json!({"type": "string", "format": f})),
        Just(json!({"type": "number", "nullable": true})),
        Just(json!({"type": "boolean", "readOnly": true})),
        Just(json!({})),
        Just(json!({"type": "object"})),
        Just(json!({"type": "mystery"})),
        Just(json!({"type": "string", "enum": [1, "a", null]})),
        reference(),
        schema_31(),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    scalar_schema().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            (proptest::collection::btree_map(name(), inner.clone(), 0..4), any::<bool>()).prop_map(
                |(props, strict)| {
                    let required: Vec<&String> = props.keys().take(1).collect();
                    json!({"type": "object", "properties": props, "required": required,
                           "additionalProperties": !strict})
                }
            ),
            inner.clone().prop_map(|v| json!({"type": "object", "additionalProperties": v})),
            proptest::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"allOf": v})),
            proptest::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"oneOf": v})),
            proptest::collection::vec(inner.clone(), 1..3)
                .prop_map(|v| json!({"anyOf": v, "discriminator": {"propertyName": "kind"}})),
            inner.prop_map(|v| json!({"not": v})),
        ]
    })
}

fn parameter() -> impl Strategy<Value = Value> {
    (name(), prop_oneof![Just("path"), Just("query"), Just("header"), Just("cookie")], schema(), any::<bool>())
        .prop_map(|(n, place, s, required)| json!({"name": n, "in": place, "required": required, "schema": s}))
}

fn operation() -> impl Strategy<Value = Value> {
    let status = prop_oneof![
        Just("200"),
        Just("201"),
        Just("204"),
        Just("404"),
        Just("4XX"),
        Just("default")
    ];
    let media = prop_oneof![
        Just("application/json"),
        Just("text/plain"),
        Just("application/octet-stream"),
        Just("application/x-www-form-urlencoded"),
        Just("application/problem+json")
    ];
    (
        proptest::option::of(name()),
        proptest::collection::vec(parameter(), 0..3),
        proptest::option::of((media.clone(), schema())),
        proptest::collection::btree_map(status, proptest::option::of((media, schema())), 0..3),
        proptest::option::of(name()),
    )
        .prop_map(|(id, params, body, responses, tag)| {
            let mut op = Map::new();
            if let Some(id) = id {
                op.insert("operationId".into(), json!(id));
            }
            if let Some(tag) = tag {
                op.insert("tags".into(), json!([tag]));
            }
            op.insert("parameters".into(), json!(params));
            if let Some((media, s)) = body {
                op.insert("requestBody".into(), json!({"content": {media: {"schema": s}}}));
            }
            let responses: Map<String, Value> = responses
                .into_iter()
                .map(|(status, content)| {
                    let mut r = json!({"description": "d"});
                    if let Some((media, s)) = content {
                        r["content"] = json!({media: {"schema": s}});
                    }
                    (status.to_string(), r)
                })
                .collect();
            op.insert("responses".into(), Value::Object(responses));
            Value::Object(op)
        })
}

fn document() -> impl Strategy<Value = String> {
    let path = prop_oneof![
        ("[a-z{}]{0,6}", "[a-z]{0,4}").prop_map(|(a, b)| format!("/{a}/{{{b}}}")),
        Just("/a/{b}".to_string()),
    ];
    let method = prop_oneof![Just("get"), Just("post"), Just("put"), Just("delete")];
    let item = prop_oneof![
        4 => proptest::collection::btree_map(method, operation(), 1..3).prop_map(|m| json!(m)),
        1 => Just(json!({"$ref": "#/paths/~1a~1%7Bb%7D"})),
        1 => Just(json!({"$ref": "#/components/pathItems/P"})),
    ];
    let version = prop_oneof![Just("3.0.3"), Just("3.1.0"), Just("2.0")];
    (
        proptest::collection::btree_map(path, item, 0..4),
        proptest::collection::btree_map("[A-D]", schema(), 0..5),
        version,
        proptest::option::of(operation()),
    )
        .prop_map(|(paths, schemas, version, hook)| {
            if version == "2.0" {
                return swagger2(paths, schemas).to_string();
            }
            let mut doc = json!({
                "openapi": version,
                "info": {"title": "fuzz", "version": "1", "summary": "s", "license": {"name": "l", "identifier": "MIT"}},
                "servers": [{"url": "https://example.com/api"}],
                "security": [{"key": []}],
                "paths": paths,
                "components": {
                    "schemas": schemas,
                    "pathItems": {"P": {"get": {"responses": {"200": {"description": "d"}}}}},
                    "securitySchemes": {
                        "key": {"type": "apiKey", "in": "query", "name": "k"},
                        "tls": {"type": "mutualTLS"}
                    }
                }
            });
            if let Some(hook) = hook {
                doc["webhooks"] = json!({"hook": {"post": hook}});
            }
            doc.to_string()
        })
}

/// The same paths and schemas as Swagger 2.0: bodies become `body`
/// parameters, parameter schemas their type words, responses `schema`s.
fn swagger2(
    paths: std::collections::BTreeMap<String, Value>,
    schemas: std::collections::BTreeMap<String, Value>,
) -> Value {
    let mut out = Map::new();
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        let mut converted = Map::new();
        for (method, op) in item {
            let Value::Object(mut op) = op else {
                converted.insert(method, op);
                continue;
            };
            let mut params: Vec<Value> = op
                .remove("parameters")
                .and_then(|p| p.as_array().cloned())
                .unwrap_or_default()
                .into_iter()
                .map(|mut p| {
                    if let Some(Value::Object(s)) =
                        p.as_object_mut().and_then(|p| p.remove("schema"))
                    {
                        for (k, v) in s {
                            p[k] = v;
                        }
                    }
                    p
                })
                .collect();
            if let Some(body) = op.remove("requestBody") {
                let schema = body
                    .pointer("/content")
                    .and_then(|c| c.as_object()?.values().next()?.get("schema").cloned());
                params.push(
                    json!({"name": "body", "in": "body", "schema": schema.unwrap_or(json!({}))}),
                );
                params.push(json!({"name": "f", "in": "formData", "type": "file"}));
            }
            op.insert("parameters".into(), Value::Array(params));
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for r in responses.values_mut() {
                    let schema = r
                        .pointer("/content")
                        .and_then(|c| c.as_object()?.values().next()?.get("schema").cloned());
                    if let Some(r) = r.as_object_mut() {
                        r.remove("content");
                        if let Some(s) = schema {
                            r.insert("schema".into(), s);
                        }
                    }
                }
            }
            converted.insert(method, Value::Object(op));
        }
        out.insert(path, Value::Object(converted));
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "fuzz", "version": "1"},
        "host": "example.com",
        "basePath": "/v1",
        "consumes": ["application/json", "multipart/form-data"],
        "paths": out,
        "definitions": schemas,
        "parameters": {"p": {"name": "p", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "tsv"}},
        "securityDefinitions": {"o": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t"}}
    })
}

/// Generates, and checks every Rust file parses. Panics propagate to
/// proptest, which reports the smallest failing document.
fn generate_and_parse(text: &str) {
    let mut settings = openapi_clientgen::Settings::new("fuzz");
    // Degraded output must be valid Rust too.
    settings.allow_errors = true;
    if let Ok(generated) = openapi_clientgen::generate(text, &settings) {
        for file in generated.files.iter().filter(|f| f.path.ends_with(".rs")) {
            if let Err(e) = syn::parse_file(&file.contents) {
                panic!("{} does not parse: {e}\n{}", file.path, file.contents);
            }
        }
    }
}

proptest! {
    // 96 cases keep the suite quick; PROPTEST_CASES=5000 for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_openapi_shaped_document_generates_parsable_rust(text in document()) {
        generate_and_parse(&text);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0usize..16,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, "\\PC{0,3}"), 1..6),
    ) {
        let specs = common::specs();
        let (_, path) = &specs[which % specs.len()];
        let mut lines: Vec<String> = std::fs::read_to_string(path).unwrap().lines().map(String::from).collect();
        for (at, kind, text) in edits {
            if lines.is_empty() {
                break;
            }
            let i = at.index(lines.len());
            match kind {
                0 => { lines.remove(i); }
                1 => { let l = lines[i].clone(); lines.insert(i, l); }
                2 => lines[i].push_str(&text),
                _ => lines[i] = lines[i].trim_start().to_string(),
            }
        }
        generate_and_parse(&lines.join("\n"));
    }
}
