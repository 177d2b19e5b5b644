//! A generated crate on disk, kept in step with its spec: what a team's own
//! `xtask` (or the command-line tool) calls to write the crate, and to fail
//! CI when the committed crate is stale.
//!
//! [`Project::write`] generates the crate, moves its version by what
//! changed in the API since the spec it recorded last time
//! ([`crate::release`]), writes only the files whose text changed and
//! removes generated files that are not generated any more.
//! [`Project::check`] does the same in memory and fails with a unified
//! diff when the directory differs.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diff::Bump;
use crate::{Diagnostic, File, Settings, Severity};

/// Directories under the crate root that the generator owns entirely:
/// a file there that is not generated any more is removed.
const OWNED_DIRS: &[&str] = &["src", "docs"];

/// A spec and the directory its crate is generated into.
#[derive(Debug, Clone)]
pub struct Project {
    spec: PathBuf,
    out: PathBuf,
    settings: Settings,
    shown_from: Option<PathBuf>,
}

/// What one generation made, before or after it was written.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Every file of the crate, paths relative to its directory.
    pub files: Vec<File>,
    /// Warnings, and the errors that [`Settings::allow_errors`] let through.
    pub diagnostics: Vec<Diagnostic>,
    /// The crate's version before and after, and why it moved.
    pub version: VersionChange,
    /// How paths in [`Plan::render_diagnostics`] are shown.
    shown_spec: String,
}

/// The crate's version across one generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionChange {
    pub previous: String,
    pub next: String,
    /// `Bump::None` when the crate's API did not move.
    pub bump: Bump,
    /// Why the recorded spec could not be compared, when it could not.
    unreadable: Option<Diagnostic>,
}

/// Why a generation, write or check failed.
#[derive(Debug)]
pub enum Error {
    /// The spec could not be read, or has errors (and errors are not
    /// allowed): `rendered` shows each, placed in the spec's files, as a
    /// compiler shows errors.
    Spec { rendered: String, errors: usize, allowable: bool },
    /// A file could not be read or written.
    Io { path: PathBuf, source: std::io::Error },
    /// [`Project::check`]: the directory differs from what the spec
    /// generates; `diff` is a unified diff of every differing file.
    Stale { out: PathBuf, diff: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec { rendered, errors, allowable: true } => write!(
                f,
                "{rendered}error: the spec has {errors} error(s), so nothing was written. Fix \
                 them, or allow errors (`allow_errors`) to write a client that degrades where \
                 they are (usually to `serde_json::Value`)."
            ),
            Error::Spec { rendered, .. } => f.write_str(rendered.trim_end()),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Stale { out, diff } => write!(
                f,
                "{diff}\n{}/ is stale: the files above differ from what the spec generates. \
                 Regenerate and commit the result.",
                out.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Project {
    /// The crate generated from `spec` into `out` with `settings`.
    pub fn new(spec: impl Into<PathBuf>, out: impl Into<PathBuf>, settings: Settings) -> Self {
        Self { spec: spec.into(), out: out.into(), settings, shown_from: None }
    }

    /// Shows paths in messages relative to `dir` (a workspace root, say)
    /// when they are inside it.
    pub fn show_paths_from(mut self, dir: impl Into<PathBuf>) -> Self {
        self.shown_from = Some(dir.into());
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Generates the crate in memory: its files (the recorded spec and the
    /// changelog included) and the version it moves to.
    pub fn plan(&self) -> Result<Plan, Error> {
        let mut settings = self.settings.clone();
        let text = fs::read_to_string(&self.spec).map_err(|source| io(&self.spec, source))?;
        // Loaded and lowered once: the change report compares this model
        // and the crate is written from it (the version only touches the
        // manifest). For GitHub's spec that is a fifth of the run.
        let modelled = crate::overlays(&settings).and_then(|overlays| {
            crate::model(crate::file_input(&text, &self.spec, &settings, &overlays), &settings)
        });
        let new = modelled.as_ref().ok().map(|(api, _)| api);
        let (recorded, version) = self.release(&mut settings, text, new)?;
        let shown_spec = self.shown(&self.spec);
        let spec_error = |failure: crate::Failure| {
            let rendered = failure.diagnostics.iter().map(|d| d.render(&shown_spec)).collect();
            Error::Spec { rendered, errors: failure.errors(), allowable: failure.allowable }
        };
        let (api, diagnostics) = modelled.map_err(spec_error)?;
        let mut generated = crate::emit_model(&api, diagnostics, &settings).map_err(spec_error)?;
        generated.files.extend(recorded);
        generated.diagnostics.extend(version.unreadable.clone());
        Ok(Plan { files: generated.files, diagnostics: generated.diagnostics, version, shown_spec })
    }

    /// Generates the crate and writes it: only files whose text changed,
    /// and generated files that are not generated any more are removed.
    pub fn write(&self) -> Result<Plan, Error> {
        let plan = self.plan()?;
        let wanted: BTreeSet<PathBuf> = plan.files.iter().map(|f| self.out.join(&f.path)).collect();
        for stale in owned_files(&self.out).difference(&wanted) {
            fs::remove_file(stale).map_err(|source| io(stale, source))?;
        }
        // Each directory is listed once: a file not in it needs no reading
        // and a directory that exists no creating. Asking per file cost two
        // failing system calls per new file (15,000 on GitHub's spec, about
        // 1.6 s of a 4 s run on this machine).
        let mut listed: BTreeMap<PathBuf, Option<BTreeSet<OsString>>> = BTreeMap::new();
        for file in &plan.files {
            let path = self.out.join(&file.path);
            let dir = path.parent().unwrap_or(&self.out);
            let names = listed.entry(dir.to_path_buf()).or_insert_with(|| names_in(dir));
            let present = names.as_ref().zip(path.file_name()).is_some_and(|(n, f)| n.contains(f));
            if present && fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str())
            {
                continue;
            }
            if names.is_none() {
                fs::create_dir_all(dir).map_err(|source| io(dir, source))?;
                *names = Some(BTreeSet::new());
            }
            fs::write(&path, &file.contents).map_err(|source| io(&path, source))?;
        }
        Ok(plan)
    }

    /// Generates the crate in memory and compares it with the directory:
    /// [`Error::Stale`], with a unified diff, when they differ. The drift
    /// gate for CI.
    pub fn check(&self) -> Result<Plan, Error> {
        let plan = self.plan()?;
        let mut diff = String::new();
        let wanted: BTreeSet<PathBuf> = plan.files.iter().map(|f| self.out.join(&f.path)).collect();
        for file in &plan.files {
            let path = self.out.join(&file.path);
            let current = fs::read_to_string(&path).unwrap_or_default();
            if current != file.contents {
                let shown = self.shown(&path);
                let text = similar::TextDiff::from_lines(&current, &file.contents)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string();
                diff.push_str(&text);
            }
        }
        for extra in owned_files(&self.out).difference(&wanted) {
            diff.push_str(&format!(
                "--- a/{}\n+++ /dev/null\n(not generated any more: delete it)\n",
                self.shown(extra)
            ));
        }
        if diff.is_empty() {
            Ok(plan)
        } else {
            Err(Error::Stale { out: PathBuf::from(self.shown(&self.out)), diff })
        }
    }

    /// Sets the crate's version from what changed since the spec recorded
    /// in the crate (the one it was last generated from), and returns the
    /// files that record this generation: the spec's copy and the
    /// changelog, with the change report on top when the API moved.
    fn release(
        &self,
        settings: &mut Settings,
        text: String,
        new: Option<&crate::ir::Api>,
    ) -> Result<(Vec<File>, VersionChange), Error> {
        let extension = match self.spec.extension().and_then(|e| e.to_str()) {
            Some("json") => "json",
            _ => "yaml",
        };
        let recorded_name = format!("{}.{extension}", crate::release::RECORDED_SPEC);
        let recorded = self.out.join(&recorded_name);
        let manifest = fs::read_to_string(self.out.join("Cargo.toml")).unwrap_or_default();
        let version = package_version(&manifest).unwrap_or(&settings.crate_version).to_string();
        let changelog = fs::read_to_string(self.out.join(crate::release::CHANGELOG)).ok();
        let mut unreadable = None;
        let report = match (recorded.exists(), new) {
            (false, _) | (_, None) => None,
            (true, Some(new)) => {
                // Its errors were reported when it was generated.
                let lenient = Settings { allow_errors: true, ..settings.clone() };
                match crate::model_file(&recorded, &lenient) {
                    Ok(old) => Some(crate::diff::diff(&old, new)),
                    Err(_) => {
                        unreadable = Some(Diagnostic::warning(
                            "#",
                            format!(
                                "cannot read back {}, the spec recorded last time, so the version stays",
                                self.shown(&recorded)
                            ),
                        ));
                        None
                    }
                }
            }
        };
        let api_version = new.map_or("", |api| api.version.as_str());
        let previous =
            crate::release::Previous { version: &version, changelog: changelog.as_deref() };
        let next = crate::release::next(previous, report.as_ref(), api_version);
        let change = VersionChange {
            previous: version,
            next: next.version.clone(),
            bump: next.bump,
            unreadable,
        };
        settings.crate_version = next.version;
        let files = vec![
            File { path: recorded_name, contents: text },
            File { path: crate::release::CHANGELOG.into(), contents: next.changelog },
        ];
        Ok((files, change))
    }

    fn shown(&self, path: &Path) -> String {
        let inside = self.shown_from.as_deref().and_then(|base| path.strip_prefix(base).ok());
        inside.unwrap_or(path).display().to_string()
    }
}

impl Plan {
    /// The diagnostics as a compiler shows them, placed in the spec's files.
    pub fn render_diagnostics(&self) -> String {
        let mut out: String = self.diagnostics.iter().map(|d| d.render(&self.shown_spec)).collect();
        let errors = self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        if errors > 0 {
            out.push_str(&format!(
                "{errors} error(s), allowed by `allow_errors`: the output degrades where they are\n"
            ));
        }
        out
    }
}

impl fmt::Display for VersionChange {
    /// `0.1.0 → 0.2.0 (major change)`, or `0.1.0 (unchanged)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.previous == self.next {
            write!(f, "{} (unchanged)", self.next)
        } else {
            write!(f, "{} → {} ({} change)", self.previous, self.next, self.bump.as_str())
        }
    }
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io { path: path.to_path_buf(), source }
}

/// The names in `dir`, or `None` when it cannot be listed (it does not
/// exist yet).
fn names_in(dir: &Path) -> Option<BTreeSet<OsString>> {
    let entries = fs::read_dir(dir).ok()?;
    Some(entries.flatten().map(|entry| entry.file_name()).collect())
}

/// Every file under the directories the generator owns.
fn owned_files(out: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    let mut stack: Vec<PathBuf> = OWNED_DIRS.iter().map(|d| out.join(d)).collect();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(path);
            }
        }
    }
    found
}

/// The `version` of a manifest's `[package]`.
fn package_version(manifest: &str) -> Option<&str> {
    let package =
        manifest.split("\n[").find(|s| s.starts_with("package]") || s.starts_with("[package]"))?;
    package.lines().find_map(|line| {
        let value = line.strip_prefix("version")?.trim_start().strip_prefix('=')?.trim();
        value.strip_prefix('"')?.strip_suffix('"')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_package_version_only() {
        let manifest = "# header\n\n[package]\nname = \"a\"\nversion = \"0.3.1\"\n\n[dependencies]\nx = { version = \"1\" }\n";
        assert_eq!(package_version(manifest), Some("0.3.1"));
        assert_eq!(package_version("[dependencies]\nversion = \"1\"\n"), None);
    }
}
