//! Schema keywords of every input version, said the OpenAPI 3.0 way.
//!
//! OpenAPI 3.1 schemas are JSON Schema 2020-12; Swagger 2.0 schemas are a
//! subset of draft 4 with a few OpenAPI words. Lowering reads OpenAPI 3.0,
//! so each schema object is rewritten here, keyword by keyword, into the 3.0
//! form with the same meaning. The few 3.1 constructs 3.0 has no words for
//! (tuples) are carried beside the document by the walk; keywords that
//! cannot be expressed are reported, not dropped silently.
//!
//! This module rewrites one schema object; the walk visits its subschemas.

use serde_json::{Map, Value, json};

/// The extension marking an `enum` that was a `const`: its one value is not
/// the first of a list that may grow, and lowering may set it for callers.
pub const CONST: &str = "x-generator-const";

/// The version of OpenAPI (or Swagger) a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Swagger2,
    OpenApi30,
    OpenApi31,
    /// 3.2: 3.1's schemas, with streams (`itemSchema`) and a few new
    /// places, which the walk reads or reports.
    OpenApi32,
}

/// Something to tell the user about a schema: at the schema itself, or at
/// one of its keywords.
pub(super) struct Note {
    pub keyword: Option<&'static str>,
    pub message: String,
}

/// JSON Schema keywords of 2020-12 that no Rust type generated here can
/// express; they are ignored with a warning.
const IGNORED: &[(&str, &str)] = &[
    ("if", "conditional subschemas (`if`/`then`/`else`)"),
    ("then", "conditional subschemas (`if`/`then`/`else`)"),
    ("else", "conditional subschemas (`if`/`then`/`else`)"),
    ("dependentSchemas", "`dependentSchemas`"),
    ("dependentRequired", "`dependentRequired`"),
    ("unevaluatedItems", "`unevaluatedItems`"),
    ("unevaluatedProperties", "`unevaluatedProperties`"),
    ("contains", "`contains`"),
    ("propertyNames", "`propertyNames`"),
    ("contentSchema", "`contentSchema`"),
    ("$dynamicRef", "`$dynamicRef`"),
    ("$recursiveRef", "`$recursiveRef`"),
];

/// Keywords that constrain one JSON type only: when a schema allows several
/// types, each goes to the branch of its type.
const STRING_KEYWORDS: &[&str] =
    &["minLength", "maxLength", "pattern", "format", "contentEncoding", "contentMediaType"];
const NUMBER_KEYWORDS: &[&str] =
    &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"];
const ARRAY_KEYWORDS: &[&str] =
    &["items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"];
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "discriminator",
];

/// Rewrites one schema object (not its subschemas) into OpenAPI 3.0 words.
pub(super) fn schema(map: &mut Map<String, Value>, version: Version, notes: &mut Vec<Note>) {
    nullable_wrapper(map);
    match version {
        Version::Swagger2 => swagger2(map),
        Version::OpenApi30 => {}
        Version::OpenApi31 | Version::OpenApi32 => openapi31(map, notes),
    }
    // Any version: `type: 'null'` is not 3.0, but its meaning is plain, and
    // 3.0 documents converted from elsewhere carry it.
    null_type(map);
    null_branches(map);
    numbers(map, notes);
    // A `null` among the enum values makes the schema nullable (3.0 asks for
    // both; documents often give only the value).
    if let Some(Value::Array(values)) = map.get("enum") {
        if values.iter().any(Value::is_null) {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

fn swagger2(map: &mut Map<String, Value>) {
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!("binary"));
    }
    if map.get("x-nullable") == Some(&Value::Bool(true)) {
        map.insert("nullable".into(), Value::Bool(true));
    }
    // 2.0 names only the property; values are schema names.
    if let Some(Value::String(property)) = map.get("discriminator") {
        let property = property.clone();
        map.insert("discriminator".into(), json!({ "propertyName": property }));
    }
}

fn openapi31(map: &mut Map<String, Value>, notes: &mut Vec<Note>) {
    type_list(map, notes);
    if let Some(value) = map.shift_remove("const") {
        constant(map, value);
    }
    if let Some(Value::Array(examples)) = map.shift_remove("examples") {
        if !map.contains_key("example") {
            if let Some(first) = examples.into_iter().next() {
                map.insert("example".into(), first);
            }
        }
    }
    exclusive_bound(map, "exclusiveMinimum", "minimum", |new, old| new >= old);
    exclusive_bound(map, "exclusiveMaximum", "maximum", |new, old| new <= old);
    content(map);
    for (keyword, what) in IGNORED {
        if map.contains_key(*keyword) {
            notes.push(Note {
                keyword: Some(keyword),
                message: format!(
                    "{what} cannot be expressed in the generated types and is not checked; \
                     it is ignored"
                ),
            });
        }
    }
}

/// `type: [string, "null"]` is 3.0's `type: string, nullable: true`; several
/// non-null types are a `oneOf` with a branch per type, each branch taking
/// the keywords that constrain its type.
fn type_list(map: &mut Map<String, Value>, notes: &mut Vec<Note>) {
    let Some(Value::Array(types)) = map.get("type") else { return };
    let mut names: Vec<String> = Vec::new();
    let mut null = false;
    for t in types {
        match t.as_str() {
            Some("null") => null = true,
            Some(name) if !names.iter().any(|n| n == name) => names.push(name.to_string()),
            Some(_) => {}
            None => notes.push(Note {
                keyword: Some("type"),
                message: "a `type` list holds something other than type names; it is ignored"
                    .into(),
            }),
        }
    }
    // Every integer is a number: `[integer, number]` is `number`.
    if names.iter().any(|n| n == "number") {
        names.retain(|n| n != "integer");
    }
    map.shift_remove("type");
    if null {
        map.insert("nullable".into(), Value::Bool(true));
    }
    match names.as_slice() {
        [] => {}
        [one] => {
            map.insert("type".into(), json!(one));
        }
        _ if map.contains_key("oneOf") || map.contains_key("anyOf") => notes.push(Note {
            keyword: Some("type"),
            message: "a list of types beside `oneOf`/`anyOf` is ignored; the subschemas decide"
                .into(),
        }),
        _ => {
            let branches: Vec<Value> = names.iter().map(|n| branch(map, n)).collect();
            for keyword in STRING_KEYWORDS
                .iter()
                .chain(NUMBER_KEYWORDS)
                .chain(ARRAY_KEYWORDS)
                .chain(OBJECT_KEYWORDS)
            {
                map.shift_remove(*keyword);
            }
            map.shift_remove("enum");
            map.insert("oneOf".into(), Value::Array(branches));
        }
    }
}

/// The branch of a multi-type schema for one type: that type, with the
/// keywords and enum values that belong to it.
fn branch(map: &Map<String, Value>, name: &str) -> Value {
    let keywords: &[&str] = match name {
        "string" => STRING_KEYWORDS,
        "integer" | "number" => NUMBER_KEYWORDS,
        "array" => ARRAY_KEYWORDS,
        "object" => OBJECT_KEYWORDS,
        _ => &[],
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(name));
    for k in keywords {
        if let Some(v) = map.get(*k) {
            out.insert((*k).into(), v.clone());
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let fits = |v: &Value| match name {
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        };
        let own: Vec<Value> = values.iter().filter(|v| fits(v)).cloned().collect();
        if !own.is_empty() {
            out.insert("enum".into(), Value::Array(own));
        }
    }
    Value::Object(out)
}

/// `const: v` is 3.0's `enum: [v]`; without a `type`, the value's own type
/// is the schema's.
fn constant(map: &mut Map<String, Value>, value: Value) {
    if value.is_null() {
        map.insert("type".into(), json!("null"));
        return;
    }
    if !map.contains_key("type") {
        let inferred = match &value {
            Value::String(_) => Some("string"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            Value::Bool(_) => Some("boolean"),
            _ => None,
        };
        if let Some(t) = inferred {
            map.insert("type".into(), json!(t));
        }
    }
    map.insert("enum".into(), json!([value]));
    map.insert(CONST.into(), Value::Bool(true));
}

/// 2020-12's numeric `exclusiveMinimum: n` is 3.0's `minimum: n` with
/// `exclusiveMinimum: true`; beside a `minimum`, the stricter bound wins.
fn exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(bound) = map.get(exclusive).filter(|v| v.is_number()).cloned() else { return };
    let new = bound.as_f64().unwrap_or_default();
    let replace = match map.get(inclusive).and_then(Value::as_f64) {
        Some(old) => stricter(new, old),
        None => true,
    };
    if replace {
        map.insert(inclusive.into(), bound);
        map.insert(exclusive.into(), Value::Bool(true));
    } else {
        map.shift_remove(exclusive);
    }
}

/// Numeric keywords as the types the model reads them into, so that no
/// number, however written, makes a schema unreadable (each change gets a
/// note at its keyword):
/// - an integer's `minimum`/`maximum` is an `i64`: a bound beyond 64 bits
///   (`-9223372036854776000`, a float once read) is clamped to `i64`'s
///   range, a fractional one rounded inwards (`minimum: 0.5` is `1`);
/// - an integer `enum` value beyond 64 bits cannot be an `i64` and is left
///   out of the enum;
/// - counts (`maxLength`, `minItems`, …) are whole and not negative: a
///   fractional one is rounded inwards, and one that is negative or beyond
///   64 bits constrains nothing a Rust value can break (`maxItems: -1`
///   usually means "no limit") and is dropped;
/// - any bound that is not a number at all is dropped.
fn numbers(map: &mut Map<String, Value>, notes: &mut Vec<Note>) {
    let integer = map.get("type").and_then(Value::as_str) == Some("integer");
    for (keyword, lower) in [("minimum", true), ("maximum", false), ("multipleOf", true)] {
        let Some(bound) = map.get(keyword) else { continue };
        if bound.is_i64() || (!integer && bound.is_number()) {
            continue;
        }
        let Some(n) = bound.as_f64().filter(|_| keyword != "multipleOf") else {
            if !bound.is_number() {
                notes.push(not_a_number(keyword, bound));
                map.shift_remove(keyword);
            }
            continue;
        };
        let rounded = if lower { n.ceil() } else { n.floor() };
        // `as` saturates: beyond the range is the range's end.
        let clamped = rounded as i64;
        // `0.0` is `0`, said as a float (FastAPI writes bounds so); a float
        // as large as 2^63 stood for an integer 64 bits cannot hold.
        if rounded.abs() >= 2f64.powi(63) {
            notes.push(Note {
                keyword: Some(keyword),
                message: format!(
                    "`{keyword}: {bound}` is beyond the range of a 64-bit integer; \
                     it is read as {clamped}"
                ),
            });
        } else if rounded != n {
            notes.push(Note {
                keyword: Some(keyword),
                message: format!(
                    "`{keyword}: {bound}` is not a whole number; on an integer it is {clamped}"
                ),
            });
        }
        map.insert(keyword.into(), json!(clamped));
    }
    if integer {
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            let wide: Vec<String> = values
                .iter()
                .filter(|v| v.is_number() && !v.is_i64())
                .map(Value::to_string)
                .collect();
            if !wide.is_empty() {
                values.retain(|v| !v.is_number() || v.is_i64());
                notes.push(Note {
                    keyword: Some("enum"),
                    message: format!(
                        "integer enum value(s) {} do not fit in 64 bits and are left out of the \
                         enum",
                        wide.join(", ")
                    ),
                });
            }
        }
    }
    for (keyword, lower) in [
        ("minLength", true),
        ("maxLength", false),
        ("minItems", true),
        ("maxItems", false),
        ("minProperties", true),
        ("maxProperties", false),
    ] {
        let Some(count) = map.get(keyword) else { continue };
        if count.is_u64() {
            continue;
        }
        let Some(n) = count.as_f64() else {
            notes.push(not_a_number(keyword, count));
            map.shift_remove(keyword);
            continue;
        };
        let rounded = if lower { n.ceil() } else { n.floor() };
        if rounded == n && (0.0..u64::MAX as f64).contains(&n) {
            map.insert(keyword.into(), json!(n as u64));
        } else if rounded < 0.0 || rounded >= u64::MAX as f64 {
            notes.push(Note {
                keyword: Some(keyword),
                message: format!(
                    "`{keyword}: {count}` is not a count a value can have; it is ignored"
                ),
            });
            map.shift_remove(keyword);
        } else {
            notes.push(Note {
                keyword: Some(keyword),
                message: format!(
                    "`{keyword}: {count}` is not a whole number; it is read as {rounded}"
                ),
            });
            map.insert(keyword.into(), json!(rounded as u64));
        }
    }
}

fn not_a_number(keyword: &'static str, value: &Value) -> Note {
    Note {
        keyword: Some(keyword),
        message: format!("`{keyword}` is not a number ({value}); it is ignored"),
    }
}

/// `contentEncoding: base64` is 3.0's `format: byte`; a `contentMediaType`
/// that is not text is `format: binary`, raw bytes.
fn content(map: &mut Map<String, Value>) {
    let encoding = map.shift_remove("contentEncoding");
    let media = map.shift_remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format =
        match (encoding.as_ref().and_then(Value::as_str), media.as_ref().and_then(Value::as_str)) {
            (Some(e), _) if e.starts_with("base64") => "byte",
            (Some(_), _) => return,
            (None, Some(m)) if is_textual(m) => return,
            (None, Some(_)) => "binary",
            (None, None) => return,
        };
    map.insert("format".into(), json!(format));
}

fn is_textual(media_type: &str) -> bool {
    let m = media_type.to_ascii_lowercase();
    m.starts_with("text/") || m.ends_with("json") || m.ends_with("+xml") || m.ends_with("/xml")
}

/// A schema of type `null` alone: any value, nullable (a Rust `Option` of
/// JSON, which is all `null` can be).
fn null_type(map: &mut Map<String, Value>) {
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.shift_remove("type");
        map.insert("nullable".into(), Value::Bool(true));
    }
}

/// Whether a subschema allows `null` only.
fn is_null_only(v: &Value) -> bool {
    let Some(m) = v.as_object() else { return false };
    match m.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.iter().all(|t| t == "null") && !ts.is_empty(),
        _ => {
            m.get("const").is_some_and(Value::is_null)
                || m.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.iter().all(Value::is_null) && !e.is_empty())
        }
    }
}

/// Keywords a schema may carry beside a lone `anyOf`/`oneOf`/`allOf` branch
/// and still be only a wrapper of it (annotations, nullability).
const WRAPPER_KEYWORDS: &[&str] = &[
    "description",
    "title",
    "default",
    "example",
    "examples",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "$comment",
];

/// The common way to say "nullable" around an inline schema, in 3.1
/// (`anyOf: [{type: number, minimum: 0, description: …}, {type: 'null'}]`)
/// and in 3.0 (`nullable: true, allOf: [{…}]`): a wrapper of one inline
/// branch (besides `null` ones) is that branch, nullable, so the branch's
/// description, constraints, default and examples stay on the value rather
/// than being lost with the wrapper. The wrapper's own annotations win. A
/// branch that is a reference stays one: it names a type.
fn nullable_wrapper(map: &mut Map<String, Value>) {
    if map.keys().any(|k| {
        !WRAPPER_KEYWORDS.contains(&k.as_str())
            && !k.starts_with("x-")
            && !matches!(k.as_str(), "anyOf" | "oneOf" | "allOf")
    }) {
        return;
    }
    let composed: Vec<&str> =
        ["anyOf", "oneOf", "allOf"].into_iter().filter(|k| map.contains_key(*k)).collect();
    let [keyword] = composed.as_slice() else { return };
    let keyword = *keyword;
    let Some(Value::Array(branches)) = map.get(keyword) else { return };
    let nulls = branches.iter().filter(|b| is_null_only(b)).count();
    let mut rest = branches.iter().filter(|b| !is_null_only(b));
    let (Some(Value::Object(only)), None) = (rest.next(), rest.next()) else { return };
    if only.contains_key("$ref") || (nulls == 0 && keyword != "allOf") {
        return;
    }
    let only = only.clone();
    map.shift_remove(keyword);
    if nulls > 0 {
        map.insert("nullable".into(), Value::Bool(true));
    }
    for (k, v) in only {
        if !map.contains_key(&k) {
            map.insert(k, v);
        }
    }
}

/// `oneOf: [A, {type: 'null'}]` is a nullable `A`: the branch goes, the
/// schema becomes nullable.
fn null_branches(map: &mut Map<String, Value>) {
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = map.get_mut(keyword) else { continue };
        let before = branches.len();
        branches.retain(|b| !is_null_only(b));
        if branches.len() < before {
            if branches.is_empty() {
                map.shift_remove(keyword);
            }
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(version: Version, schema: Value) -> (Value, Vec<String>) {
        let Value::Object(mut map) = schema else { panic!("not an object") };
        let mut notes = Vec::new();
        super::schema(&mut map, version, &mut notes);
        (Value::Object(map), notes.into_iter().map(|n| n.message).collect())
    }

    fn v31(schema: Value) -> Value {
        rewritten(Version::OpenApi31, schema).0
    }

    #[test]
    fn a_type_list_with_null_is_nullable() {
        assert_eq!(
            v31(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(v31(json!({"type": ["null"]})), json!({"nullable": true}));
        assert_eq!(v31(json!({"type": ["integer", "number"]})), json!({"type": "number"}));
    }

    #[test]
    fn several_types_are_a_one_of_with_their_own_keywords() {
        let out = v31(json!({
            "type": ["string", "integer", "null"], "maxLength": 3, "minimum": 1,
            "enum": ["a", 1, null], "description": "d"
        }));
        assert_eq!(
            out,
            json!({
                "description": "d", "nullable": true,
                "oneOf": [
                    {"type": "string", "maxLength": 3, "enum": ["a"]},
                    {"type": "integer", "minimum": 1, "enum": [1]}
                ]
            })
        );
    }

    #[test]
    fn const_is_an_enum_of_one() {
        assert_eq!(
            v31(json!({"const": "card"})),
            json!({"type": "string", "enum": ["card"], CONST: true})
        );
        assert_eq!(v31(json!({"const": 3})), json!({"type": "integer", "enum": [3], CONST: true}));
        assert_eq!(v31(json!({"const": null})), json!({"nullable": true}));
    }

    #[test]
    fn examples_give_the_example() {
        assert_eq!(
            v31(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_flags() {
        assert_eq!(
            v31(
                json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 10, "exclusiveMaximum": 20})
            ),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10})
        );
        assert_eq!(
            v31(json!({"type": "number", "minimum": 5, "exclusiveMinimum": 1})),
            json!({"type": "number", "minimum": 5})
        );
    }

    #[test]
    fn content_keywords_become_formats() {
        assert_eq!(
            v31(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            v31(json!({"type": "string", "contentMediaType": "image/png"})),
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            v31(json!({"type": "string", "contentMediaType": "text/html"})),
            json!({"type": "string"})
        );
    }

    #[test]
    fn null_branches_make_the_union_nullable() {
        assert_eq!(
            v31(json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }

    /// A nullable wrapper of one inline schema is that schema: its docs,
    /// bounds and default are the value's, in 3.1's and 3.0's spelling.
    #[test]
    fn a_nullable_wrapper_keeps_what_its_member_says() {
        let member = json!({"type": "number", "minimum": 0, "maximum": 2, "default": 1,
                            "description": "What sampling temperature to use."});
        assert_eq!(
            v31(json!({"anyOf": [member, {"type": "null"}]})),
            json!({"nullable": true, "type": "number", "minimum": 0, "maximum": 2, "default": 1,
                   "description": "What sampling temperature to use."})
        );
        let (out, _) = rewritten(
            Version::OpenApi30,
            json!({"nullable": true, "description": "Own words.", "allOf": [member]}),
        );
        assert_eq!(
            out,
            json!({"nullable": true, "description": "Own words.", "type": "number",
                   "minimum": 0, "maximum": 2, "default": 1})
        );
        // A member that names a type, or two members, stay a union.
        let referenced = json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]});
        assert!(v31(referenced).get("anyOf").is_some());
        let two = json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]});
        assert!(v31(two).get("anyOf").is_some());
        // Beside a structural keyword, it is no wrapper.
        let typed = json!({"type": "object", "allOf": [{"properties": {"a": {}}}]});
        assert!(v31(typed).get("allOf").is_some());
    }

    #[test]
    fn inexpressible_keywords_are_reported() {
        let (_, notes) = rewritten(Version::OpenApi31, json!({"if": {}, "then": {}}));
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn swagger2_words() {
        let (out, _) = rewritten(Version::Swagger2, json!({"type": "file", "x-nullable": true}));
        assert_eq!(
            out,
            json!({"type": "string", "format": "binary", "x-nullable": true, "nullable": true})
        );
        let (out, _) = rewritten(Version::Swagger2, json!({"discriminator": "kind"}));
        assert_eq!(out, json!({"discriminator": {"propertyName": "kind"}}));
    }

    #[test]
    fn openapi30_is_left_as_written() {
        let s = json!({"type": "string", "examples": ["x"], "exclusiveMinimum": true});
        assert_eq!(rewritten(Version::OpenApi30, s.clone()).0, s);
    }
}
