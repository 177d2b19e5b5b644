//! One file's text → a JSON value, whatever the file's syntax.
//!
//! Loading works on plain JSON values until the whole document has been
//! assembled and brought to OpenAPI 3.0's shape; only then does `openapiv3`
//! read it. YAML is read into the same value type (keys that YAML reads as
//! numbers or booleans become their text, as OpenAPI means them).

use serde_json::{Map, Value};

use super::source::SourceMap;
use crate::diag::Location;

/// Why a text is not a document, and where.
pub(super) struct ParseError {
    pub message: String,
    pub location: Option<Location>,
}

/// Parses a file's text: JSON when it starts with `{`, YAML otherwise.
pub(super) fn parse(map: &SourceMap) -> Result<Value, ParseError> {
    let text = map.text();
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(ParseError { message: "the file is empty".into(), location: None });
    }
    let mut value = if map.is_json() {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        serde_json::from_str::<Value>(text).map_err(|e| ParseError {
            message: format!("not valid JSON: {e}"),
            location: Some(Location { line: e.line(), column: e.column() }),
        })?
    } else {
        serde_yaml::from_str::<Json>(text).map(|Json(v)| v).map_err(|e| ParseError {
            message: format!("not valid YAML: {e}"),
            location: e.location().map(|l| Location { line: l.line(), column: l.column() }),
        })?
    };
    // Merge keys (`<<: *base`) are a YAML 1.1 convention some specs use to
    // share parts; serde_yaml keeps them as ordinary keys.
    if !map.is_json() && text.contains("<<") {
        merge_keys(&mut value);
    }
    Ok(value)
}

/// A YAML document read as the JSON value it stands for. `serde_json::Value`
/// refuses integers beyond 64 bits (`minimum: -9223372036854776000`, which
/// serde_yaml hands over as an `i128`); a JSON text with the same number
/// reads it as a float, and so does this, so a spec loads alike in either
/// syntax. Keys YAML reads as numbers or booleans become their text.
struct Json(Value);

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map(Value::from).unwrap_or_else(|_| float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(Key(key)) = access.next_key()? {
            let Json(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// A float as JSON holds it; JSON has no NaN or infinity (`.nan`, `.inf`
/// in YAML), which become `null` as serde_json writes them.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// A mapping key as text, whatever YAML read it as.
struct Key(String);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = match deserializer.deserialize_any(JsonVisitor)? {
            Value::String(s) => s,
            Value::Null => "null".to_string(),
            other => other.to_string(),
        };
        Ok(Key(key))
    }
}

/// Applies YAML merge keys: the merged mappings' entries are added where the
/// mapping does not set them itself (earlier merged mappings win).
fn merge_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                merge_keys(child);
            }
            let Some(merged) = map.remove("<<") else { return };
            let sources: Vec<Map<String, Value>> = match merged {
                Value::Object(m) => vec![m],
                Value::Array(items) => items
                    .into_iter()
                    .filter_map(|i| match i {
                        Value::Object(m) => Some(m),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for source in sources {
                for (k, v) in source {
                    map.entry(k).or_insert(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(merge_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Value {
        match parse(&SourceMap::new(text)) {
            Ok(v) => v,
            Err(e) => panic!("{}", e.message),
        }
    }

    #[test]
    fn yaml_keys_are_text() {
        let v = parsed("responses:\n  200: {description: ok}\n  true: x\n");
        assert_eq!(v["responses"]["200"]["description"], "ok");
        assert_eq!(v["responses"]["true"], "x");
    }

    #[test]
    fn merge_keys_fill_in_what_is_not_set() {
        let v = parsed(
            "base: &b {type: string, description: base}\nuse:\n  <<: *b\n  description: own\n",
        );
        assert_eq!(v["use"]["type"], "string");
        assert_eq!(v["use"]["description"], "own");
        assert!(v["use"].get("<<").is_none());
    }

    #[test]
    fn errors_carry_their_position() {
        let e = parse(&SourceMap::new("openapi: 3.0.0\ninfo: [\n")).err();
        assert!(e.is_some_and(|e| e.location.is_some()));
        let e = parse(&SourceMap::new("\n\n{\"a\": }")).err();
        assert_eq!(e.and_then(|e| e.location).map(|l| l.line), Some(3));
    }

    /// Numbers beyond 64 bits load as JSON reads them: as floats.
    #[test]
    fn integers_beyond_64_bits_load_as_in_json() {
        let yaml = parsed("minimum: -9223372036854776000\nmaximum: 99999999999999999999\nn: 7\n");
        let json = parse(&SourceMap::new(
            "{\"minimum\": -9223372036854776000, \"maximum\": 99999999999999999999, \"n\": 7}",
        ))
        .ok();
        assert_eq!(Some(&yaml), json.as_ref());
        assert_eq!(yaml["minimum"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(yaml["n"].as_i64(), Some(7));
        let keys = parsed("1.5: a\n~: b\n");
        assert_eq!((keys["1.5"].as_str(), keys["null"].as_str()), (Some("a"), Some("b")));
    }

    #[test]
    fn empty_is_refused() {
        assert!(parse(&SourceMap::new("  \n")).is_err());
    }
}
