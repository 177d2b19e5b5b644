//! Where things are in the spec's files: JSON pointers to line:column in
//! one file's text ([`SourceMap`]), and, for the document that loading
//! assembles from one or more files, which file and which place in it each
//! part of that document came from ([`Sources`]).

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Location};

/// One file of the spec: how it is shown to the user and its text.
pub struct SourceFile {
    /// The path as the user knows it, relative to the root file's folder;
    /// `None` for the root file itself, which the caller names.
    pub shown: Option<String>,
    pub map: SourceMap,
}

/// A place in the user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// `None` for the root file.
    pub file: Option<String>,
    /// JSON pointer within that file, `#/components/schemas/Pet`.
    pub pointer: String,
    pub location: Option<Location>,
}

/// Maps pointers of the assembled document back to the files they came
/// from. Most of the document sits where it sat in the root file; what was
/// moved (a Swagger 2.0 `definitions` entry, a schema hoisted out of another
/// file or out of a property, an object copied to where it is referenced)
/// is recorded as a move of a whole subtree.
pub struct Sources {
    files: Vec<SourceFile>,
    /// Output pointer prefix → (file index, pointer prefix in that file).
    moves: BTreeMap<String, (usize, String)>,
}

impl Sources {
    pub fn new(files: Vec<SourceFile>, moves: BTreeMap<String, (usize, String)>) -> Self {
        Self { files, moves }
    }

    /// A source made of one text, nothing moved (for tests and tools).
    pub fn single(text: &str) -> Self {
        Self::new(vec![SourceFile { shown: None, map: SourceMap::new(text) }], BTreeMap::new())
    }

    /// Where the assembled document's `pointer` came from.
    pub fn place(&self, pointer: &str) -> Place {
        let (file, original) = self.original(pointer);
        let location = self.files.get(file).and_then(|f| f.map.locate(&original));
        let file = self.files.get(file).and_then(|f| f.shown.clone());
        Place { file, pointer: original, location }
    }

    /// A diagnostic about the assembled document's `pointer`, placed in the
    /// user's files.
    pub fn diagnostic(&self, mut d: Diagnostic) -> Diagnostic {
        let place = self.place(&d.pointer);
        d.pointer = place.pointer;
        d.file = place.file;
        d.location = place.location;
        d
    }

    /// How docs name the place `pointer` came from: the pointer, prefixed by
    /// its file when that is not the root file (`common.yaml#/Error`).
    pub fn origin(&self, pointer: &str) -> String {
        let (file, original) = self.original(pointer);
        match self.files.get(file).and_then(|f| f.shown.as_deref()) {
            Some(shown) => format!("{shown}{original}"),
            None => original,
        }
    }

    /// The file index and pointer `pointer` came from: the longest moved
    /// prefix decides, segment by segment.
    fn original(&self, pointer: &str) -> (usize, String) {
        let mut prefix = pointer;
        loop {
            if let Some((file, from)) = self.moves.get(prefix) {
                return (*file, format!("{from}{}", &pointer[prefix.len()..]));
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return (0, pointer.to_string()),
            }
        }
    }
}

/// Finds where a JSON pointer's node sits in the source text, best effort:
/// block-style YAML and JSON are understood; inside flow-style YAML the
/// deepest enclosing node that could be found is reported.
///
/// A large spec may have hundreds of diagnostics; each lookup reuses what
/// earlier ones learnt (line starts, YAML line layouts, the keys of each
/// JSON object), so the text is scanned about once in all.
pub struct SourceMap {
    text: String,
    json: bool,
    /// Byte offsets where lines start.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Byte offsets about [`CHAR_BLOCK`] apart with the characters before
    /// each, so that a column far into a long line (a one-line JSON spec of
    /// megabytes) is not counted from the line's start every time.
    char_marks: std::sync::OnceLock<Vec<(usize, usize)>>,
    yaml: std::sync::OnceLock<Vec<Option<LineLayout>>>,
    /// A JSON object's or array's offset → its children.
    json_children: std::sync::Mutex<std::collections::HashMap<usize, Vec<Child>>>,
}

/// Bytes per block of [`SourceMap::chars_before`]'s marks.
const CHAR_BLOCK: usize = 1 << 16;

/// A child of a JSON object or array: its key (for arrays, the index), the
/// offset to report (the key's; for arrays, the item's), and the offset of
/// its value.
type Child = (String, usize, usize);

impl SourceMap {
    pub fn new(text: &str) -> Self {
        Self::owned(text.to_string())
    }

    pub fn owned(text: String) -> Self {
        let json = text.trim_start_matches('\u{feff}').trim_start().starts_with('{');
        Self {
            text,
            json,
            line_starts: Default::default(),
            char_marks: Default::default(),
            yaml: Default::default(),
            json_children: Default::default(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the text is JSON (its first non-blank character is `{`).
    pub fn is_json(&self) -> bool {
        self.json
    }

    pub fn locate(&self, pointer: &str) -> Option<Location> {
        if pointer == "#" {
            // The whole document starts where the text does.
            return Some(Location { line: 1, column: 1 });
        }
        let segments: Vec<String> = pointer
            .trim_start_matches('#')
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if self.json {
            self.locate_json(&segments)
        } else {
            let layouts = self.yaml.get_or_init(|| yaml_layouts(&self.text));
            let lines: Vec<Option<Line<'_>>> =
                layouts.iter().map(|l| l.as_ref().map(|l| l.view(&self.text))).collect();
            locate_yaml(&lines, &segments)
        }
    }

    /// Line and column of a byte offset.
    fn position(&self, offset: usize) -> Location {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        let column = self.chars_before(offset).saturating_sub(self.chars_before(start)) + 1;
        Location { line, column }
    }

    /// How many characters the text has before byte `offset`, from the
    /// nearest mark below it.
    fn chars_before(&self, offset: usize) -> usize {
        let text = self.text.as_str();
        let marks = self.char_marks.get_or_init(|| {
            let (mut at, mut total) = (0, 0);
            let mut marks = vec![(0, 0)];
            while at < text.len() {
                let mut end = (at + CHAR_BLOCK).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                total += text[at..end].chars().count();
                marks.push((end, total));
                at = end;
            }
            marks
        });
        let (from, before) = marks[marks.partition_point(|&(b, _)| b <= offset) - 1];
        before + text.get(from..offset).map_or(0, |t| t.chars().count())
    }

    /// Walks the JSON text along the pointer, one cached object at a time.
    fn locate_json(&self, segments: &[String]) -> Option<Location> {
        let bytes = self.text.as_bytes();
        let mut pos = 0usize;
        skip_ws(bytes, &mut pos);
        let mut found = None;
        for segment in segments {
            let child = {
                let mut cache = self.json_children.lock().unwrap_or_else(|e| e.into_inner());
                if !cache.contains_key(&pos) {
                    let (children, _) = json_children(bytes, pos, SCAN_DEEPER, &mut cache)?;
                    cache.insert(pos, children);
                }
                let children = cache.get(&pos)?;
                children.iter().find(|(k, ..)| k == segment).map(|(_, a, v)| (*a, *v))
            };
            let Some((at, value)) = child else { break };
            found = Some(at);
            pos = value;
        }
        // The deepest place the pointer reaches, counted once.
        found.map(|at| self.position(at))
    }
}

/// How many levels below a container whose children are listed have
/// theirs listed in the same pass. A pointer into a large spec goes through
/// a few large containers (the document, `paths`, `components`, `schemas`);
/// listing each alone scanned the same megabytes once per level.
const SCAN_DEEPER: usize = 2;

/// The children of the JSON object or array at `pos` and the offset just
/// past it; the children's children too, `deeper` levels down, put in
/// `cache` by their offset.
fn json_children(
    bytes: &[u8],
    pos: usize,
    deeper: usize,
    cache: &mut std::collections::HashMap<usize, Vec<Child>>,
) -> Option<(Vec<Child>, usize)> {
    let mut pos = pos;
    let mut out = Vec::new();
    let close = match bytes.get(pos)? {
        b'{' => b'}',
        b'[' => b']',
        _ => return None,
    };
    pos += 1;
    let mut i = 0usize;
    loop {
        skip_ws(bytes, &mut pos);
        if *bytes.get(pos)? == close {
            return Some((out, pos + 1));
        }
        if close == b'}' {
            let key_at = pos;
            let key = read_string(bytes, &mut pos)?;
            skip_ws(bytes, &mut pos);
            pos += 1; // ':'
            skip_ws(bytes, &mut pos);
            out.push((key, key_at, pos));
        } else {
            out.push((i.to_string(), pos, pos));
            i += 1;
        }
        // The value: its children listed while levels remain, else skipped.
        if deeper > 0 && matches!(bytes.get(pos), Some(b'{' | b'[')) {
            let (children, end) = json_children(bytes, pos, deeper - 1, cache)?;
            cache.insert(pos, children);
            pos = end;
        } else {
            skip_value(bytes, &mut pos)?;
        }
        skip_ws(bytes, &mut pos);
        if bytes.get(pos)? == &b',' {
            pos += 1;
        }
    }
}

/// Where a YAML line's parts are, by byte offset (see [`Line`]).
struct LineLayout {
    indent: usize,
    dash: bool,
    key_col: usize,
    content: (usize, usize),
}

impl LineLayout {
    fn view<'t>(&self, text: &'t str) -> Line<'t> {
        Line {
            indent: self.indent,
            dash: self.dash,
            key_col: self.key_col,
            content: &text[self.content.0..self.content.1],
        }
    }
}

fn yaml_layouts(text: &str) -> Vec<Option<LineLayout>> {
    yaml_lines(text)
        .into_iter()
        .map(|line| {
            line.map(|l| {
                // `content` is a slice of `text`: its offset is the distance.
                let from = l.content.as_ptr() as usize - text.as_ptr() as usize;
                LineLayout {
                    indent: l.indent,
                    dash: l.dash,
                    key_col: l.key_col,
                    content: (from, from + l.content.len()),
                }
            })
        })
        .collect()
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

fn locate_yaml(lines: &[Option<Line<'_>>], segments: &[String]) -> Option<Location> {
    let mut node = Node::Root;
    let mut found = None;
    for segment in segments {
        let Some(next) = yaml_child(lines, node, segment) else { break };
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
                // Most of a spec's bytes are in strings (descriptions).
                loop {
                    *pos += memchr::memchr2(b'"', b'\\', bytes.get(*pos..)?)?;
                    match bytes[*pos] {
                        b'\\' => *pos += 2,
                        _ => break,
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
    fn columns_count_characters_far_into_a_long_line() {
        // A one-line spec whose description, with escapes and characters of
        // several bytes, runs past a few blocks of the column marks.
        let long = "é\\\"ü".repeat(3 * CHAR_BLOCK / 7);
        let text =
            format!("{{\"info\": {{\"description\": \"{long}\"}}, \"paths\": {{\"/a\": {{}}}}}}");
        let map = SourceMap::new(&text);
        let at = |p| map.locate(p).map(|l| (l.line, l.column));
        let before = |needle: &str| text[..text.find(needle).unwrap()].chars().count() + 1;
        assert_eq!(at("#/paths"), Some((1, before("\"paths\""))));
        assert_eq!(at("#/paths/~1a"), Some((1, before("\"/a\""))));
        assert_eq!(at("#/info/description"), Some((1, before("\"description\""))));
    }

    #[test]
    fn moved_subtrees_map_back_to_their_file_and_place() {
        let root = SourceFile { shown: None, map: SourceMap::new("a:\n  b: 1\n") };
        let other = SourceFile {
            shown: Some("common.yaml".into()),
            map: SourceMap::new("Error:\n  type: object\n"),
        };
        let moves = BTreeMap::from([(
            "#/components/schemas/Error".to_string(),
            (1, "#/Error".to_string()),
        )]);
        let sources = Sources::new(vec![root, other], moves);
        let place = sources.place("#/components/schemas/Error/type");
        assert_eq!(place.file.as_deref(), Some("common.yaml"));
        assert_eq!(place.pointer, "#/Error/type");
        assert_eq!(place.location, Some(Location { line: 2, column: 3 }));
        // Not a segment boundary: `ErrorX` is not under `Error`.
        assert_eq!(sources.place("#/components/schemas/ErrorX").file, None);
        assert_eq!(sources.origin("#/components/schemas/Error"), "common.yaml#/Error");
        assert_eq!(sources.place("#/a/b").location, Some(Location { line: 2, column: 3 }));
    }
}
