//! Stage 4: token streams → source text, via `syn` and `prettyplease`.
//!
//! Parsing tokens into a syntax tree is most of a run's time, and files are
//! independent: they are built and formatted on as many threads as there
//! are cores, then sorted by path, so output does not depend on scheduling.

use std::sync::{Mutex, PoisonError};

use crate::diag::Diagnostic;
use crate::emit::{DOC_MARKER, Emitted, Source};

/// A finished file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Relative to the crate root, with `/` separators.
    pub path: String,
    pub contents: String,
}

/// The pretty-printer recurses as deep as the code nests; lowering bounds
/// nesting, and this leaves room beyond that bound.
const STACK_SIZE: usize = 16 << 20;

/// Builds and formats every emitted file, marking each as generated; the
/// result is sorted by path.
pub fn format(files: Vec<Emitted<'_>>, header: &str) -> Result<Vec<File>, Diagnostic> {
    let mut paths = Vec::with_capacity(files.len());
    let mut jobs = Vec::new();
    for (file, emitted) in files.into_iter().enumerate() {
        let (path, pieces) = emitted.into_pieces();
        paths.push(path);
        jobs.extend(pieces.into_iter().enumerate().map(|(piece, build)| (file, piece, build)));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores.min(jobs.len());
    let queue = Mutex::new(jobs.into_iter());
    let done = Mutex::new(Vec::new());
    let work = || {
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((file, piece, build)) = next else { break };
            let printed = print(&paths[file], build());
            done.lock().unwrap_or_else(PoisonError::into_inner).push((file, piece, printed));
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            let spawned =
                std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(scope, work);
            // Without another thread, this one does all the work.
            if spawned.is_err() {
                break;
            }
        }
        work();
    });
    let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    done.sort_by_key(|(file, piece, _)| (*file, *piece));
    let mut pieces = vec![Vec::new(); paths.len()];
    for (file, _, printed) in done {
        pieces[file].push(printed?);
    }
    let mut out: Vec<File> = paths
        .into_iter()
        .zip(pieces)
        .map(|(path, pieces)| assemble(path, pieces, header))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Formats one file's built pieces on this thread.
pub fn format_sources(
    path: String,
    sources: Vec<Source>,
    header: &str,
) -> Result<File, Diagnostic> {
    let printed =
        sources.into_iter().map(|source| print(&path, source)).collect::<Result<_, _>>()?;
    Ok(assemble(path, printed, header))
}

/// A piece of a file as text.
#[derive(Clone)]
enum Printed {
    Rust(String),
    Text(String),
}

impl Printed {
    fn len(&self) -> usize {
        let (Printed::Rust(text) | Printed::Text(text)) = self;
        text.len()
    }
}

/// Prints one piece: Rust through syn and prettyplease, text as it is.
fn print(path: &str, source: Source) -> Result<Printed, Diagnostic> {
    Ok(match source {
        Source::Rust { tokens, docs } => {
            let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
                // Emitting unparsable code is a generator bug, not a spec
                // problem; say so rather than panic.
                Diagnostic::error(
                    "#",
                    format!("internal error: generated {path} does not parse: {e}"),
                )
            })?;
            Printed::Rust(finish(&prettyplease::unparse(&parsed), &docs))
        }
        Source::Text(text) => Printed::Text(text),
    })
}

/// Joins a file's printed pieces under the generated-file header, written
/// as a comment of the file's language. A file's pieces are all Rust or
/// all text.
fn assemble(path: String, pieces: Vec<Printed>, header: &str) -> File {
    let rust = pieces.iter().any(|p| matches!(p, Printed::Rust(_)));
    let (open, close) = if rust {
        ("// ", "")
    } else if path.ends_with(".toml") {
        ("# ", "")
    } else if path.ends_with(".md") {
        ("<!-- ", " -->")
    } else {
        ("// ", "")
    };
    // One byte more per piece for a blank line at its seam.
    let size = pieces.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut text = String::with_capacity(open.len() + header.len() + close.len() + 2 + size);
    for part in [open, header, close, "\n\n"] {
        text.push_str(part);
    }
    let start = text.len();
    for piece in pieces {
        let (Printed::Rust(piece) | Printed::Text(piece)) = piece;
        // Rust pieces were spaced on their own; the seam between two is
        // spaced here, by the same rule.
        let last = text[start..].lines().next_back().unwrap_or_default();
        if rust && blank_between(last, piece.lines().next().unwrap_or_default()) {
            text.push('\n');
        }
        text.push_str(&piece);
    }
    File { path, contents: text }
}

/// Finishes prettyplease's output in one pass over its lines: each doc
/// marker line becomes its block's lines, indented alike and written as
/// prettyplease writes doc attributes, and items are separated by a blank
/// line, as people write them (prettyplease packs them together).
fn finish(text: &str, docs: &[Vec<String>]) -> String {
    let mut out = String::with_capacity(
        text.len() + text.len() / 16 + docs.iter().flatten().map(String::len).sum::<usize>(),
    );
    let mut lines = Lines { out: &mut out, previous: 0 };
    let mut scratch = String::new();
    for line in text.lines() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let block = body
            .get(..3)
            .filter(|p| *p == "///" || *p == "//!")
            .and_then(|prefix| Some((prefix, body[3..].strip_prefix(DOC_MARKER)?)))
            .and_then(|(prefix, index)| Some((prefix, docs.get(index.parse::<usize>().ok()?)?)));
        let verbatim = body
            .strip_prefix(VERBATIM)
            .and_then(|rest| rest.strip_suffix(");"))
            .and_then(|index| docs.get(index.parse::<usize>().ok()?));
        if let Some(block) = verbatim {
            for text in block {
                scratch.clear();
                if !text.is_empty() {
                    scratch.push_str(indent);
                    scratch.push_str(text);
                }
                lines.push(&scratch);
            }
            continue;
        }
        match block {
            Some((prefix, block)) => {
                for doc in block {
                    scratch.clear();
                    for part in [indent, prefix, doc.trim_end_matches(' ')] {
                        scratch.push_str(part);
                    }
                    lines.push(&scratch);
                }
            }
            None => lines.push(line),
        }
    }
    out
}

/// How the placeholder of a block of verbatim lines opens (see
/// `emit::doc::verbatim`); its argument indexes the blocks.
const VERBATIM: &str = "__verbatim!(";

/// Lines being written, each after a blank line where one belongs.
struct Lines<'a> {
    out: &'a mut String,
    /// Where the last line written starts.
    previous: usize,
}

impl Lines<'_> {
    fn push(&mut self, line: &str) {
        let previous = self.out[self.previous..].trim_end_matches('\n');
        if blank_between(previous, line) {
            self.out.push('\n');
        }
        self.previous = self.out.len();
        self.out.push_str(line);
        self.out.push('\n');
    }
}

/// Separates items with a blank line (see [`finish`]).
#[cfg(test)]
fn space_items(text: &str) -> String {
    finish(text, &[])
}

/// Whether a blank line goes between two lines of formatted Rust: before
/// an item that follows a block or the imports, and after the module docs.
/// Never before the first line (`previous` empty).
fn blank_between(previous: &str, current: &str) -> bool {
    const STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(",
        "fn ",
        "async fn",
        "impl",
        "struct ",
        "enum ",
        "type ",
        "const ",
        "mod ",
        "use ",
        "trait ",
        "macro_rules!",
        "crate::runtime::",
    ];
    let previous = previous.trim_start();
    // Doc comments and attributes belong to the item below them.
    let in_prelude = previous.starts_with("//") || previous.starts_with("#[");
    let after_block = !in_prelude && (previous.ends_with('}') || previous.ends_with("};"));
    let after_uses = previous.starts_with("use ");
    let after_inner_doc = previous.starts_with("//!");
    // Most lines follow none of these: decide without looking further.
    if !(after_block || after_uses || after_inner_doc) {
        return false;
    }
    let current = current.trim_start();
    let starts_item = STARTS.iter().any(|s| current.starts_with(s));
    (starts_item && (after_block || (after_uses && !current.starts_with("use "))))
        || (after_inner_doc && !current.starts_with("//!") && !current.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_get_blank_lines_but_arms_do_not() {
        let text = "//! Doc.\nuse a;\nstruct A {}\nimpl A {\n    fn f() {\n        match x {\n            1 => {\n            }\n            _ => {}\n        }\n    }\n    fn g() {}\n}\n";
        let spaced = space_items(text);
        assert_eq!(
            spaced,
            "//! Doc.\n\nuse a;\n\nstruct A {}\n\nimpl A {\n    fn f() {\n        match x {\n            1 => {\n            }\n            _ => {}\n        }\n    }\n\n    fn g() {}\n}\n"
        );
    }

    #[test]
    fn pieces_are_spaced_as_the_whole_file_would_be() {
        let pieces =
            ["//! Doc.\nuse a;\n", "struct A {}\n", "/// B.\nstruct B {}\n", "impl B {}\n"];
        let whole =
            assemble("src/x.rs".into(), vec![Printed::Rust(space_items(&pieces.concat()))], "h");
        let printed = pieces.iter().map(|p| Printed::Rust(space_items(p))).collect();
        assert_eq!(assemble("src/x.rs".into(), printed, "h"), whole);
        assert!(whole.contents.contains("struct A {}\n\n/// B.\nstruct B {}\n\nimpl B {}"));
    }
}
