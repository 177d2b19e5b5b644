//! OpenAPI Overlay 1.0: changes to a description its user does not own,
//! applied in order to the root document as written, before anything else
//! reads it.
//!
//! Each action's `target` is an RFC 9535 JSONPath; every node it selects
//! is changed: `remove: true` takes it out of its parent, `update` is
//! merged into it (an object's members recursively, the update's winning;
//! a value appended to an array). An action whose target selects nothing
//! is a warning at its `target` in the overlay (an error with
//! `Settings::overlays_strict`), so a fix that upstream made unnecessary is
//! noticed.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use super::parse::parse;
use super::source::SourceMap;
use crate::diag::{Diagnostic, Severity};

/// An overlay document, as its user names it and its text.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// How diagnostics name the file (`fixes.overlay.yaml`).
    pub name: String,
    pub text: String,
}

/// Applies `overlay` to `doc`; what went wrong is said in the overlay's
/// own file and lines.
pub(super) fn apply(doc: &mut Value, overlay: &Overlay, strict: bool) -> Vec<Diagnostic> {
    let map = SourceMap::new(&overlay.text);
    let mut found = Vec::new();
    let mut say = |severity: Severity, pointer: String, message: String| {
        let location = map.locate(&pointer);
        let mut d = Diagnostic::error(pointer, message).at(location);
        d.severity = severity;
        d.file = Some(overlay.name.clone());
        found.push(d);
    };
    let value = match parse(&map) {
        Ok(value) => value,
        Err(e) => {
            let message = format!("the overlay cannot be read: {}", e.message);
            let mut d = Diagnostic::error("#", message).at(e.location);
            d.file = Some(overlay.name.clone());
            return vec![d];
        }
    };
    let version = value.get("overlay").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("1.") {
        say(
            Severity::Error,
            "#/overlay".into(),
            format!(
                "this is not an Overlay 1.x document (`overlay: {version}`); it is not applied"
            ),
        );
        return found;
    }
    let actions = value.get("actions").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, action) in actions.iter().enumerate() {
        let at = format!("#/actions/{i}");
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            say(Severity::Error, at, "an action needs a `target`; it is skipped".into());
            continue;
        };
        let path = match JsonPath::parse(target) {
            Ok(path) => path,
            Err(e) => {
                say(
                    Severity::Error,
                    format!("{at}/target"),
                    format!("`{target}` is not a JSONPath (RFC 9535): {e}; the action is skipped"),
                );
                continue;
            }
        };
        // Where each match is, taken before anything moves.
        let mut pointers: Vec<String> =
            path.query_located(doc).locations().map(|l| l.to_json_pointer()).collect();
        if pointers.is_empty() {
            let severity = if strict { Severity::Error } else { Severity::Warning };
            say(
                severity,
                format!("{at}/target"),
                format!(
                    "`{target}` selects nothing in the description: the fix may no longer be needed"
                ),
            );
            continue;
        }
        let remove = action.get("remove").and_then(Value::as_bool).unwrap_or(false);
        let update = action.get("update");
        if remove {
            // Later siblings first, so earlier indexes stay right.
            pointers.sort();
            for pointer in pointers.iter().rev() {
                remove_at(doc, pointer);
            }
        } else if let Some(update) = update {
            for pointer in &pointers {
                if let Some(node) = doc.pointer_mut(pointer) {
                    merge(node, update);
                }
            }
        } else {
            say(
                Severity::Warning,
                at,
                "an action with neither `update` nor `remove` changes nothing".into(),
            );
        }
    }
    found
}

/// Merges `update` into `node`: objects member by member, recursively (the
/// update's values winning); an array takes the update as one more item;
/// anything else is replaced.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(changes)) => merge_objects(target, changes),
        (Value::Array(items), value) => items.push(value.clone()),
        (node, value) => *node = value.clone(),
    }
}

fn merge_objects(target: &mut Map<String, Value>, changes: &Map<String, Value>) {
    for (key, value) in changes {
        match (target.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(more)) => merge_objects(inner, more),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Removes the node at `pointer` from its parent.
fn remove_at(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn applied(doc: Value, overlay: &str) -> (Value, Vec<Diagnostic>) {
        let mut doc = doc;
        let overlay = Overlay { name: "fix.yaml".into(), text: overlay.into() };
        let found = apply(&mut doc, &overlay, false);
        (doc, found)
    }

    #[test]
    fn updates_merge_and_removals_remove() {
        let doc = json!({"paths": {"/a": {"get": {"operationId": "getA", "tags": ["x"]}}, "/b": {}},
                         "components": {"schemas": {"S": {"required": ["a", "b"], "properties": {"a": {}, "b": {}}}}}});
        let overlay = r#"
overlay: 1.0.0
info: {title: fixes, version: '1'}
actions:
  - target: $.paths['/a'].get
    update: {operationId: fetchA, summary: Gets A}
  - target: $.paths['/a'].get.tags
    update: y
  - target: $.paths['/b']
    remove: true
  - target: $.components.schemas.S.required[?@ == 'b']
    remove: true
"#;
        let (doc, found) = applied(doc, overlay);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            doc["paths"]["/a"]["get"],
            json!({"operationId": "fetchA", "tags": ["x", "y"], "summary": "Gets A"})
        );
        assert!(doc["paths"].get("/b").is_none());
        assert_eq!(doc["components"]["schemas"]["S"]["required"], json!(["a"]));
    }

    #[test]
    fn a_target_that_selects_nothing_is_said_where_it_is() {
        let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/gone']\n    remove: true\n";
        let (_, found) = applied(json!({"paths": {}}), overlay);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].pointer, "#/actions/0/target");
        assert_eq!(found[0].file.as_deref(), Some("fix.yaml"));
        assert_eq!(found[0].location.map(|l| l.line), Some(4));
        let bad = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $[\n    remove: true\n";
        let (_, found) = applied(json!({}), bad);
        assert_eq!(found[0].severity, Severity::Error);
    }
}
