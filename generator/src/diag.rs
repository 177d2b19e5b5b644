//! Diagnostics: what the generator could not do exactly, and where.
//!
//! Errors and warnings are values with a JSON pointer into the spec and,
//! where the source text lets us find it, a line and column. Nothing in the
//! pipeline panics on input; it records a diagnostic and degrades.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A position in the spec source, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// JSON pointer of the offending node, `#/paths/~1users/get`; `#` is the
    /// whole document.
    pub pointer: String,
    /// The file the pointer is in, relative to the root spec's folder;
    /// `None` for the root spec itself.
    pub file: Option<String>,
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            pointer: pointer.into(),
            file: None,
            location: None,
        }
    }

    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(pointer, message) }
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Renders like a compiler: `warning: …` then `  --> file:line:col`.
    /// `root` is how the user names the root spec; a diagnostic in another
    /// file names that file beside it.
    pub fn render(&self, root: &str) -> String {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let file = match &self.file {
            Some(other) => match std::path::Path::new(root).parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.join(other).display().to_string(),
                _ => other.clone(),
            },
            None => root.to_string(),
        };
        let place = match self.location {
            Some(l) => format!("{file}:{}:{}", l.line, l.column),
            None => file.to_string(),
        };
        format!("{label}: {}\n  --> {place}\n   = at {}\n", self.message, self.pointer)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.message, self.pointer)
    }
}

impl std::error::Error for Diagnostic {}

/// Appends an escaped segment to a JSON pointer (RFC 6901: `~` is `~0`,
/// `/` is `~1`).
pub fn join(pointer: &str, segment: &str) -> String {
    // Lowering joins a pointer for every node it visits: one allocation.
    let mut out = String::with_capacity(pointer.len() + 1 + segment.len() + 4);
    out.push_str(pointer);
    out.push('/');
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_segments_are_escaped() {
        assert_eq!(join("#/paths", "/users/{id}"), "#/paths/~1users~1{id}");
        assert_eq!(join("#", "a~b"), "#/a~0b");
    }

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::error("#/paths", "bad").at(Some(Location { line: 3, column: 5 }));
        assert_eq!(d.render("spec.yaml"), "error: bad\n  --> spec.yaml:3:5\n   = at #/paths\n");
    }

    #[test]
    fn names_the_other_file_beside_the_root() {
        let mut d = Diagnostic::warning("#/Error", "odd");
        d.file = Some("common/errors.yaml".into());
        assert!(d.render("spec/api.yaml").contains("--> spec/common/errors.yaml\n"));
        assert!(d.render("api.yaml").contains("--> common/errors.yaml\n"));
    }
}
