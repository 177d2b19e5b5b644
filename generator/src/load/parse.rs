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
        serde_yaml::from_str::<Value>(text).map_err(|e| ParseError {
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

    #[test]
    fn empty_is_refused() {
        assert!(parse(&SourceMap::new("  \n")).is_err());
    }
}
