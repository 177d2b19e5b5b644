//! The files a spec is made of, and what a `$ref` points at.
//!
//! A `$ref` is a URI reference: a file part, resolved against the folder of
//! the file it is written in, and a fragment, a percent-encoded JSON pointer
//! into that file. Files are read from disk on first use and never from the
//! network; they must lie under the reference root (by default the root
//! spec's folder), so a spec cannot pull arbitrary local files into the
//! generated code.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::parse::parse;
use super::source::{SourceFile, SourceMap};

/// Index of a file in [`Files`]; the root spec is 0.
pub(super) type FileId = usize;

pub(super) const ROOT: FileId = 0;

/// One file of the spec, parsed.
pub(super) struct SpecFile {
    /// Canonical path on disk; `None` for a root given as text only.
    path: Option<PathBuf>,
    /// As shown to the user: relative to the root spec's folder.
    shown: Option<String>,
    map: SourceMap,
    pub(super) value: Value,
}

/// Where a reference points: a file and a JSON pointer in it (`#/a/b`,
/// escaped as RFC 6901 says; `#` for the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Target {
    pub file: FileId,
    pub pointer: String,
}

/// How many references a pointer may pass through (see [`Files::locate`]).
const MAX_HOPS: usize = 32;

pub(super) struct Files {
    list: Vec<SpecFile>,
    by_path: HashMap<PathBuf, Result<FileId, String>>,
    /// Files may only be read from under this folder.
    confine: Option<PathBuf>,
}

impl Files {
    /// The root file, already parsed. `path` is where it lives on disk, if
    /// it does; `confine` is the folder other files must be under (the
    /// root's own folder when `None`).
    pub(super) fn new(
        map: SourceMap,
        value: Value,
        path: Option<&Path>,
        confine: Option<&Path>,
    ) -> Self {
        let path = path.and_then(|p| p.canonicalize().ok());
        let confine = match confine {
            Some(dir) => dir.canonicalize().ok(),
            None => path.as_ref().and_then(|p| p.parent().map(Path::to_path_buf)),
        };
        let mut by_path = HashMap::new();
        if let Some(p) = &path {
            by_path.insert(p.clone(), Ok(ROOT));
        }
        Self { list: vec![SpecFile { path, shown: None, map, value }], by_path, confine }
    }

    pub(super) fn get(&self, id: FileId) -> &SpecFile {
        &self.list[id]
    }

    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    pub(super) fn root_mut(&mut self) -> &mut Value {
        &mut self.list[ROOT].value
    }

    /// The value a target points at, if it exists.
    pub(super) fn value_at(&self, target: &Target) -> Option<&Value> {
        self.list.get(target.file)?.value.pointer(&target.pointer[1..])
    }

    /// Where a pointer leads when the references it crosses are followed:
    /// in `#/paths/~1orders/get/responses/404`, `/paths/~1orders` may itself
    /// be `{$ref: './paths/orders.yaml'}`, and the rest of the pointer then
    /// goes on in that file, as the common bundlers read it. A target that
    /// exists as written is returned as it is; one that crosses no reference
    /// is too (whether it exists is the caller's to check). A chain of more
    /// than [`MAX_HOPS`] references is taken as a cycle.
    pub(super) fn locate(&mut self, target: Target) -> Result<Target, String> {
        let mut current = target;
        for _ in 0..MAX_HOPS {
            let Some((reference, rest)) = self.crossed(&current) else { return Ok(current) };
            let next = self.resolve(current.file, &reference)?;
            current = Target { file: next.file, pointer: format!("{}{rest}", next.pointer) };
        }
        Err(format!(
            "`{}` passes through more than {MAX_HOPS} references: they form a cycle",
            current.pointer
        ))
    }

    /// The reference a target's pointer crosses before it ends, and the rest
    /// of the pointer (still escaped) after it; `None` when the pointer
    /// leads to a value without crossing one, or to nothing.
    fn crossed(&self, target: &Target) -> Option<(String, String)> {
        let mut value = &self.list.get(target.file)?.value;
        let pointer = target.pointer.strip_prefix('#').unwrap_or(&target.pointer);
        let mut rest = pointer;
        while let Some(after) = rest.strip_prefix('/') {
            let (segment, tail) = after.split_at(after.find('/').unwrap_or(after.len()));
            let key = segment.replace("~1", "/").replace("~0", "~");
            let next = match value {
                Value::Object(map) => map.get(&key),
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(v) => value = v,
                None => {
                    let reference = value.get("$ref")?.as_str()?;
                    return Some((reference.to_string(), rest.to_string()));
                }
            }
            rest = tail;
        }
        None
    }

    /// How a file is named in messages.
    pub(super) fn shown(&self, id: FileId) -> Option<&str> {
        self.list.get(id).and_then(|f| f.shown.as_deref())
    }

    /// The file's name without folder or extension (`errors` for
    /// `common/errors.yaml`), to name what it holds.
    pub(super) fn stem(&self, id: FileId) -> Option<String> {
        let path = self.list.get(id)?.path.as_ref()?;
        Some(path.file_stem()?.to_string_lossy().into_owned())
    }

    /// The sources of every file, for mapping pointers back to text.
    pub(super) fn into_sources(self) -> Vec<SourceFile> {
        self.list.into_iter().map(|f| SourceFile { shown: f.shown, map: f.map }).collect()
    }

    /// Resolves a `$ref` written in file `from`: reads the file it names on
    /// first use. The error says why it cannot be followed; whether the
    /// pointer leads anywhere is the caller's to check.
    pub(super) fn resolve(&mut self, from: FileId, reference: &str) -> Result<Target, String> {
        let (uri, fragment) = match reference.split_once('#') {
            Some((uri, fragment)) => (uri, fragment),
            None => (reference, ""),
        };
        let pointer = percent_decode(fragment);
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            return Err(format!(
                "reference `{reference}` names an anchor (`#{pointer}`); only JSON pointers \
                 (`#/components/schemas/Name`) are supported"
            ));
        }
        let file = if uri.is_empty() { from } else { self.open(from, uri, reference)? };
        Ok(Target { file, pointer: format!("#{pointer}") })
    }

    /// The file a reference's URI part names, relative to file `from`.
    fn open(&mut self, from: FileId, uri: &str, reference: &str) -> Result<FileId, String> {
        if is_url(uri) {
            return Err(format!(
                "reference `{reference}` is a URL; the generator never goes to the network: \
                 save the document next to the spec and refer to it by a relative path"
            ));
        }
        let base = match self.list[from].path.as_ref().and_then(|p| p.parent()) {
            Some(dir) => dir.to_path_buf(),
            None => {
                return Err(format!(
                    "reference `{reference}` names another file, but the spec was given as \
                     text, not read from a file, so there is no folder to find it in"
                ));
            }
        };
        let wanted = lexical_join(&base, &percent_decode(uri));
        let path = wanted.canonicalize().map_err(|e| {
            format!(
                "reference `{reference}` names `{}`, which cannot be read: {e}",
                self.show(&wanted)
            )
        })?;
        if let Some(cached) = self.by_path.get(&path) {
            return cached.clone();
        }
        let opened = self.read(&path, reference);
        self.by_path.insert(path, opened.clone());
        opened
    }

    /// A path as messages show it: relative to the root spec's folder.
    fn show(&self, path: &Path) -> String {
        match self.list[ROOT].path.as_ref().and_then(|p| p.parent()) {
            Some(dir) => relative(path, dir),
            None => path.display().to_string(),
        }
    }

    fn read(&mut self, path: &Path, reference: &str) -> Result<FileId, String> {
        if let Some(root) = &self.confine {
            if !path.starts_with(root) {
                return Err(format!(
                    "reference `{reference}` leads to `{}`, outside the folder references may \
                     read (`{}`); set the reference root (`--reference-root`, `Settings::reference_root`) to a folder that holds both",
                    self.show(path),
                    self.show(root)
                ));
            }
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!("reference `{reference}`: cannot read `{}`: {e}", self.show(path))
        })?;
        let map = SourceMap::owned(text);
        let value = parse(&map).map_err(|e| {
            let at = e.location.map(|l| format!(":{}:{}", l.line, l.column)).unwrap_or_default();
            format!(
                "reference `{reference}`: `{}{at}` is not YAML or JSON: {}",
                self.show(path),
                e.message
            )
        })?;
        let shown = self.show(path);
        self.list.push(SpecFile { path: Some(path.to_path_buf()), shown: Some(shown), map, value });
        Ok(self.list.len() - 1)
    }
}

/// Whether a reference's URI part has a scheme (`https:`, `file:`, `urn:`).
fn is_url(uri: &str) -> bool {
    match uri.split_once(':') {
        // `C:\…` is a Windows drive, not a scheme.
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => uri.starts_with("//"),
    }
}

/// `base/rel` with `.` and `..` applied, before the file system is asked.
fn lexical_join(base: &Path, rel: &str) -> PathBuf {
    let mut out = if Path::new(rel).is_absolute() { PathBuf::new() } else { base.to_path_buf() };
    for part in Path::new(rel).components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to `dir` where it is under it, with `..` where not.
fn relative(path: &Path, dir: &Path) -> String {
    let path_parts: Vec<Component> = path.components().collect();
    let dir_parts: Vec<Component> = dir.components().collect();
    let common = path_parts.iter().zip(&dir_parts).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..dir_parts.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part.as_os_str());
    }
    if out.as_os_str().is_empty() {
        return ".".into();
    }
    out.display().to_string()
}

/// Decodes `%XX` escapes (invalid ones stay as written).
pub(super) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_percent_decoded() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%E2%9C%93"), "✓");
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://example.com/a.yaml"));
        assert!(is_url("urn:x:y"));
        assert!(is_url("//host/a.yaml"));
        assert!(!is_url("./common.yaml"));
        assert!(!is_url("../a/b.json"));
    }

    #[test]
    fn paths_join_lexically() {
        assert_eq!(lexical_join(Path::new("/a/b"), "../c/./d.yaml"), PathBuf::from("/a/c/d.yaml"));
        assert_eq!(relative(Path::new("/a/c/d.yaml"), Path::new("/a/b")), "../c/d.yaml");
        assert_eq!(relative(Path::new("/a/b/d.yaml"), Path::new("/a/b")), "d.yaml");
    }

    #[test]
    fn a_root_given_as_text_resolves_only_local_references() {
        let value = serde_json::json!({"a": {"b": 1}});
        let mut files = Files::new(SourceMap::new("{}"), value, None, None);
        assert_eq!(files.resolve(ROOT, "#/a/b").map(|t| t.pointer), Ok("#/a/b".to_string()));
        let missing = files.resolve(ROOT, "#/a/c");
        assert!(missing.is_ok_and(|t| files.value_at(&t).is_none()));
        assert!(files.resolve(ROOT, "other.yaml#/x").is_err_and(|e| e.contains("given as text")));
        assert!(files.resolve(ROOT, "https://x.io/s.yaml").is_err_and(|e| e.contains("network")));
        assert!(files.resolve(ROOT, "#anchor").is_err_and(|e| e.contains("anchor")));
    }
}
