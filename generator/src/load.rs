//! Stage 1: spec text → `openapiv3::OpenAPI`, plus a way back from JSON
//! pointers to line:column in that text.

use openapiv3::OpenAPI;

use crate::diag::{Diagnostic, Location};

/// A parsed spec and the text it came from.
pub struct Loaded {
    pub spec: OpenAPI,
    pub source: SourceMap,
    /// Warnings about the document as a whole (its version, say).
    pub warnings: Vec<Diagnostic>,
}

/// Parses YAML or JSON (JSON when the first non-blank character is `{`).
pub fn load(text: &str) -> Result<Loaded, Diagnostic> {
    let source = SourceMap::new(text);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(Diagnostic::error("#", "the spec is empty"));
    }
    let parsed = parse::<OpenAPI>(text, source.json);
    let spec = match parsed {
        Ok(spec) => spec,
        Err((message, at)) => return Err(not_openapi(text, message).at(at)),
    };
    let mut warnings = Vec::new();
    if !spec.openapi.starts_with("3.0") {
        warnings.push(
            Diagnostic::warning(
                "#/openapi",
                format!(
                    "OpenAPI {} is read as 3.0; constructs new in later versions are ignored",
                    spec.openapi
                ),
            )
            .at(source.locate("#/openapi")),
        );
    }
    Ok(Loaded { spec, source, warnings })
}

/// Parses `text` as JSON or YAML into `T`; the error carries its position.
fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    json: bool,
) -> Result<T, (String, Option<Location>)> {
    // openapiv3 panics on some documents (a `$ref`-or-item that fails as a
    // typed item but succeeds as a value, e.g. with duplicate keys). A panic
    // is no answer for a spec author: catch it and find the real fault.
    let attempt = std::panic::catch_unwind(|| {
        if json {
            serde_json::from_str::<T>(text).map_err(|e| json_error(&e))
        } else {
            serde_yaml::from_str::<T>(text).map_err(|e| yaml_error(&e))
        }
    });
    attempt.unwrap_or_else(|_| {
        let plain = if json {
            serde_json::from_str::<serde_json::Value>(text).map(drop).map_err(|e| json_error(&e))
        } else {
            serde_yaml::from_str::<serde_yaml::Value>(text).map(drop).map_err(|e| yaml_error(&e))
        };
        Err(plain.err().unwrap_or_else(|| {
            ("the document's structure is not valid OpenAPI (the parser gave up)".into(), None)
        }))
    })
}

fn json_error(e: &serde_json::Error) -> (String, Option<Location>) {
    (e.to_string(), Some(Location { line: e.line(), column: e.column() }))
}

fn yaml_error(e: &serde_yaml::Error) -> (String, Option<Location>) {
    (e.to_string(), e.location().map(|l| Location { line: l.line(), column: l.column() }))
}

/// Explains a parse failure, naming the version when that is the cause.
fn not_openapi(text: &str, message: String) -> Diagnostic {
    let head: String = text.chars().take(4096).collect();
    let says = |key: &str| {
        head.lines().any(|l| {
            let l = l.trim_start_matches(['{', ' ', '\t']);
            l.starts_with(&format!("{key}:")) || l.starts_with(&format!("\"{key}\""))
        })
    };
    let version_31 = head.lines().any(|l| {
        let l = l.trim_start_matches(['{', ' ', '\t']);
        (l.starts_with("openapi:") || l.starts_with("\"openapi\"")) && l.contains("3.1")
    });
    let message = if version_31 {
        format!(
            "this is an OpenAPI 3.1 document; only 3.0 is supported, and this one uses \
             3.1-only constructs: {message}"
        )
    } else if says("swagger") {
        format!(
            "this is a Swagger 2.0 document; only OpenAPI 3.0 is supported \
             (convert it first, e.g. with swagger2openapi): {message}"
        )
    } else if !says("openapi") {
        format!("this is not an OpenAPI document (no `openapi` field): {message}")
    } else {
        format!("invalid OpenAPI document: {message}")
    };
    Diagnostic::error("#", message)
}

/// Finds where a JSON pointer's node sits in the source text, best effort:
/// block-style YAML and JSON are understood; inside flow-style YAML the
/// deepest enclosing node that could be found is reported.
pub struct SourceMap {
    text: String,
    json: bool,
}

impl SourceMap {
    pub fn new(text: &str) -> Self {
        let json = text.trim_start_matches('\u{feff}').trim_start().starts_with('{');
        Self { text: text.to_string(), json }
    }

    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let segments: Vec<String> = pointer
            .trim_start_matches('#')
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if self.json {
            locate_json(&self.text, &segments)
        } else {
            locate_yaml(&self.text, &segments)
        }
    }
}

/// One YAML line's layout: where its content starts, past any `- ` markers.
struct Line<'a> {
    indent: usize,
    dash: bool,
    key_col: usize,
    content: &'a str,
}

fn yaml_lines(text: &str) -> Vec<Option<Line<'_>>> {
    text.lines()
        .map(|raw| {
            let indent = raw.len() - raw.trim_start_matches(' ').len();
            let mut rest = &raw[indent..];
            if rest.is_empty() || rest.starts_with('#') {
                return None;
            }
            let mut key_col = indent;
            let mut dash = false;
            while rest == "-" || rest.starts_with("- ") {
                dash = true;
                let after = rest[1..].trim_start_matches(' ');
                key_col += rest.len() - after.len();
                rest = after;
            }
            Some(Line { indent, dash, key_col, content: rest })
        })
        .collect()
}

/// A YAML node found so far: a mapping key, or a `- ` sequence item.
#[derive(Clone, Copy)]
enum Node {
    Root,
    Key { line: usize, col: usize },
    Item { line: usize, indent: usize },
}

fn locate_yaml(text: &str, segments: &[String]) -> Option<Location> {
    let lines = yaml_lines(text);
    let mut node = Node::Root;
    let mut found = None;
    for segment in segments {
        let Some(next) = yaml_child(&lines, node, segment) else { break };
        node = next;
        found = Some(match node {
            Node::Key { line, col } => Location { line: line + 1, column: col + 1 },
            Node::Item { line, indent } => Location { line: line + 1, column: indent + 1 },
            Node::Root => Location { line: 1, column: 1 },
        });
    }
    found
}

/// The child of `node` named by one pointer segment.
fn yaml_child(lines: &[Option<Line<'_>>], node: Node, segment: &str) -> Option<Node> {
    let line = |i: usize| lines.get(i).and_then(Option::as_ref);
    let end_after = |from: usize, stop: &dyn Fn(&Line) -> bool| {
        (from + 1..lines.len()).find(|&i| line(i).is_some_and(stop)).unwrap_or(lines.len())
    };
    // The lines holding a node's value: a key's children sit right of it (a
    // sequence may sit at the key's own indent); an item's start on its line.
    let (start, end) = match node {
        Node::Root => (0, lines.len()),
        Node::Key { line: at, col } => {
            (at + 1, end_after(at, &|l| l.indent < col || (l.indent == col && !l.dash)))
        }
        Node::Item { line: at, indent } => (at, end_after(at, &|l| l.indent <= indent)),
    };
    let in_range = || (start..end).filter_map(|i| line(i).map(|l| (i, l)));
    let (first_at, first) = in_range().next()?;
    if first.dash && !matches!(node, Node::Item { .. }) {
        let n: usize = segment.parse().ok()?;
        let indent = first.indent;
        let (at, _) = in_range().filter(|(_, l)| l.dash && l.indent == indent).nth(n)?;
        Some(Node::Item { line: at, indent })
    } else {
        let col = first.key_col;
        let (at, _) = in_range()
            .filter(|&(i, l)| l.key_col == col && (i == first_at || !l.dash))
            .find(|(_, l)| is_key(l.content, segment))?;
        Some(Node::Key { line: at, col })
    }
}

fn is_key(content: &str, key: &str) -> bool {
    let unquoted = [format!("{key}:"), format!("'{key}':"), format!("\"{key}\":")];
    unquoted.iter().any(|k| {
        content.starts_with(k.as_str())
            && content[k.len()..].chars().next().is_none_or(|c| c == ' ')
    })
}

/// Walks JSON text along the pointer without building a value.
fn locate_json(text: &str, segments: &[String]) -> Option<Location> {
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut found = None;
    for segment in segments {
        skip_ws(bytes, &mut pos);
        match bytes.get(pos)? {
            b'{' => {
                pos += 1;
                loop {
                    skip_ws(bytes, &mut pos);
                    if bytes.get(pos)? == &b'}' {
                        return found;
                    }
                    let key_at = pos;
                    let key = read_string(bytes, &mut pos)?;
                    skip_ws(bytes, &mut pos);
                    pos += 1; // ':'
                    if &key == segment {
                        found = Some(position(text, key_at));
                        break;
                    }
                    skip_value(bytes, &mut pos)?;
                    skip_ws(bytes, &mut pos);
                    if bytes.get(pos)? == &b',' {
                        pos += 1;
                    }
                }
            }
            b'[' => {
                let n: usize = segment.parse().ok()?;
                pos += 1;
                for _ in 0..n {
                    skip_value(bytes, &mut pos)?;
                    skip_ws(bytes, &mut pos);
                    if bytes.get(pos)? != &b',' {
                        return found;
                    }
                    pos += 1;
                }
                skip_ws(bytes, &mut pos);
                found = Some(position(text, pos));
            }
            _ => return found,
        }
    }
    found
}

fn skip_ws(bytes: &[u8], pos: &mut usize) {
    while bytes.get(*pos).is_some_and(|b| b.is_ascii_whitespace()) {
        *pos += 1;
    }
}

fn read_string(bytes: &[u8], pos: &mut usize) -> Option<String> {
    let start = *pos;
    skip_value(bytes, pos)?;
    serde_json::from_slice(&bytes[start..*pos]).ok()
}

/// Skips one JSON value, counting brackets outside strings.
fn skip_value(bytes: &[u8], pos: &mut usize) -> Option<()> {
    skip_ws(bytes, pos);
    let mut depth = 0usize;
    loop {
        match *bytes.get(*pos)? {
            b'"' => {
                *pos += 1;
                loop {
                    match *bytes.get(*pos)? {
                        b'\\' => *pos += 2,
                        b'"' => break,
                        _ => *pos += 1,
                    }
                }
                *pos += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                *pos += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return Some(());
                }
                depth -= 1;
                *pos += 1;
            }
            b',' if depth == 0 => return Some(()),
            _ => *pos += 1,
        }
        if depth == 0 && matches!(bytes.get(pos.wrapping_sub(1)), Some(b'"' | b'}' | b']')) {
            return Some(());
        }
    }
}

fn position(text: &str, offset: usize) -> Location {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Location { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
openapi: 3.0.3
paths:
  /users/{id}:
    get:
      parameters:
      - name: id
        in: path
      - name: q
        in: query
      responses:
        '200':
          description: ok
components: {}
";

    #[test]
    fn locates_yaml_keys_and_items() {
        let map = SourceMap::new(YAML);
        let at = |p| map.locate(p).map(|l| (l.line, l.column));
        assert_eq!(at("#/paths/~1users~1{id}/get"), Some((4, 5)));
        assert_eq!(at("#/paths/~1users~1{id}/get/parameters/1"), Some((8, 7)));
        assert_eq!(at("#/paths/~1users~1{id}/get/parameters/1/in"), Some((9, 9)));
        assert_eq!(at("#/paths/~1users~1{id}/get/responses/200"), Some((11, 9)));
        assert_eq!(at("#/components"), Some((13, 1)));
        assert_eq!(at("#/nowhere"), None);
    }

    #[test]
    fn locates_json_keys_and_items() {
        let text = "{\n  \"paths\": {\"/a\": {\"get\": {\"parameters\": [{\"name\": \"x\"}, {\"name\": \"y\"}]}}}\n}";
        let map = SourceMap::new(text);
        let at = |p| map.locate(p).map(|l| (l.line, l.column));
        assert_eq!(at("#/paths"), Some((2, 3)));
        assert_eq!(at("#/paths/~1a/get/parameters/1"), Some((2, 58)));
        assert_eq!(at("#/paths/~1a/get/parameters/1/name"), Some((2, 59)));
    }

    #[test]
    fn parse_errors_carry_position() {
        let err = load("openapi: 3.0.0\ninfo: [\n").err().map(|d| d.location.is_some());
        assert_eq!(err, Some(true));
    }

    #[test]
    fn swagger_is_named() {
        let err = load("swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n").err();
        assert!(err.is_some_and(|d| d.message.contains("Swagger 2.0")));
    }

    #[test]
    fn empty_is_an_error() {
        assert!(load("  \n").is_err());
    }
}
