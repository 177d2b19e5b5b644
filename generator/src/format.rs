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
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores.min(files.len());
    let queue = Mutex::new(files.into_iter());
    let done = Mutex::new(Vec::new());
    let work = || {
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some(file) = next else { break };
            let (path, source) = file.build();
            let formatted = format_source(path, source, header);
            done.lock().unwrap_or_else(PoisonError::into_inner).push(formatted);
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
    let mut out = done
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .collect::<Result<Vec<File>, Diagnostic>>()?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Formats one file's source, with the generated-file header.
pub fn format_source(path: String, source: Source, header: &str) -> Result<File, Diagnostic> {
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
            let text = space_items(&expand_docs(&prettyplease::unparse(&parsed), &docs));
            File { contents: format!("// {header}\n\n{text}"), path }
        }
        Source::Text(text) => {
            let contents = if path.ends_with(".toml") {
                format!("# {header}\n\n{text}")
            } else if path.ends_with(".md") {
                format!("<!-- {header} -->\n\n{text}")
            } else {
                format!("// {header}\n\n{text}")
            };
            File { contents, path }
        }
    })
}

/// Replaces each doc marker line with its block's lines, indented alike
/// and written as prettyplease writes doc attributes.
fn expand_docs(text: &str, docs: &[Vec<String>]) -> String {
    let mut out =
        String::with_capacity(text.len() + docs.iter().flatten().map(String::len).sum::<usize>());
    for line in text.lines() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let block = body
            .get(..3)
            .filter(|p| *p == "///" || *p == "//!")
            .and_then(|prefix| Some((prefix, body[3..].strip_prefix(DOC_MARKER)?)))
            .and_then(|(prefix, index)| Some((prefix, docs.get(index.parse::<usize>().ok()?)?)));
        match block {
            Some((prefix, lines)) => {
                for doc in lines {
                    out.push_str(indent);
                    out.push_str(prefix);
                    out.push_str(doc.trim_end_matches(' '));
                    out.push('\n');
                }
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Separates items with a blank line, as people write them: prettyplease
/// packs them together.
fn space_items(text: &str) -> String {
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
    ];
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev = "";
    for line in text.lines() {
        let current = line.trim_start();
        let previous = prev.trim_start();
        let starts_item = STARTS.iter().any(|s| current.starts_with(s));
        // Doc comments and attributes belong to the item below them.
        let in_prelude = previous.starts_with("//") || previous.starts_with("#[");
        let after_block = !in_prelude && (previous.ends_with('}') || previous.ends_with("};"));
        let after_uses = previous.starts_with("use ") && !current.starts_with("use ");
        let after_inner_doc = previous.starts_with("//!") && !current.starts_with("//!");
        if (starts_item && (after_block || after_uses)) || (after_inner_doc && !current.is_empty())
        {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        prev = line;
    }
    out
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
}
