//! `cargo xtask codegen`: the generated crate and standalone crates.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use generator::{Generated, Settings, Severity};

/// The committed client: its spec, its directory, its settings.
const SPEC: &str = "spec/agilicus.yaml";
const OUT: &str = "generated";

/// What the committed client's own tests need; the generator writes these
/// into its manifest so the whole manifest stays generated.
const DEV_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "criterion",
        r#"{ version = "0.8", default-features = false, features = ["cargo_bench_support"] }"#,
    ),
    ("tokio", r#"{ version = "1", features = ["macros", "net", "io-util", "rt-multi-thread"] }"#),
    ("tracing-subscriber", r#"{ version = "0.3", default-features = false, features = ["fmt"] }"#),
    ("wiremock", r#""0.6""#),
];

fn agilicus_settings(allow_errors: bool) -> Settings {
    let mut settings = Settings::new("agilicus-api");
    settings.regenerate_with = format!("`cargo xtask codegen` from {SPEC}");
    settings.dev_dependencies =
        DEV_DEPENDENCIES.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    settings.benches = vec!["overhead".into()];
    settings.allow_errors = allow_errors;
    // Every operation against Prism, run by `cargo xtask e2e`.
    settings.conformance = true;
    settings
}

/// Directories under the crate root that the generator owns entirely.
const OWNED_DIRS: &[&str] = &["src", "docs"];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut allow_errors = false;
    let mut conformance = false;
    let mut reference_root = None;
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--check" => check = true,
            "--allow-errors" => allow_errors = true,
            "--conformance" => conformance = true,
            "--reference-root" => reference_root = Some(PathBuf::from(value("--reference-root")?)),
            "--spec" => spec = Some(value("--spec")?),
            "--out" => out = Some(value("--out")?),
            "--name" => name = Some(value("--name")?),
            other => return Err(format!("unknown argument `{other}`\n\n{}", super::USAGE)),
        }
    }
    match (spec, out) {
        (None, None) => committed(check, allow_errors),
        (Some(spec), Some(out)) => {
            let options = Options { check, allow_errors, reference_root, conformance };
            standalone(&spec, Path::new(&out), name, options)
        }
        _ => Err("--spec and --out go together".to_string()),
    }
}

/// The workspace root, whatever directory cargo was run from.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn committed(check: bool, allow_errors: bool) -> Result<(), String> {
    let root = root();
    let out = root.join(OUT);
    let mut settings = agilicus_settings(allow_errors);
    let recorded = release(&out, &root.join(SPEC), &mut settings)?;
    let mut generated = generate(&root.join(SPEC), SPEC, &settings)?;
    generated.files.extend(recorded);
    if check {
        let stale = diff(&out, &generated.files)?;
        if stale.is_empty() {
            println!("{OUT}/ is up to date with {SPEC}");
            return Ok(());
        }
        return Err(format!(
            "{stale}\n{OUT}/ is stale: the files above differ from what {SPEC} generates.\n\
             Run `cargo xtask codegen` and commit the result."
        ));
    }
    write(&out, &generated.files)
}

/// How a standalone crate is generated.
struct Options {
    check: bool,
    allow_errors: bool,
    reference_root: Option<PathBuf>,
    /// Write the conformance harness too (`tests/conformance.rs`).
    conformance: bool,
}

fn standalone(
    spec: &str,
    out: &Path,
    name: Option<String>,
    options: Options,
) -> Result<(), String> {
    let Options { check, allow_errors, reference_root, conformance } = options;
    let spec_path = PathBuf::from(spec);
    let name = name.unwrap_or_else(|| {
        let stem = spec_path.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
        format!("{}-client", heck_like_kebab(stem))
    });
    let mut settings = Settings::new(name);
    settings.regenerate_with = format!("`cargo xtask codegen --spec {spec}`");
    settings.allow_errors = allow_errors;
    settings.reference_root = reference_root;
    settings.conformance = conformance;
    let recorded = release(out, &spec_path, &mut settings)?;
    let mut generated = generate(&spec_path, spec, &settings)?;
    generated.files.extend(recorded);
    // A standalone crate is its own workspace, so it builds where it lands.
    for manifest in generated.files.iter_mut().filter(|f| f.path == "Cargo.toml") {
        manifest.contents.push_str("\n[workspace]\n");
    }
    if check {
        let stale = diff(out, &generated.files)?;
        return if stale.is_empty() { Ok(()) } else { Err(stale) };
    }
    write(out, &generated.files)?;
    println!("wrote {} files to {}", generated.files.len(), out.display());
    Ok(())
}

fn heck_like_kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Writes a generated crate into `dir` for a one-off build, replacing what
/// was there: its own workspace (so it builds where it lands), pinned to
/// this project's lock file. For `corpus`, `conformance` and the referee.
pub(crate) fn write_scratch_crate(dir: &Path, files: &[generator::File]) -> Result<(), String> {
    let _ = fs::remove_dir_all(dir);
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            contents.push_str("\n[workspace]\n");
        }
        fs::write(&path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let lock = root().join("Cargo.lock");
    fs::copy(&lock, dir.join("Cargo.lock")).map_err(|e| format!("{}: {e}", lock.display()))?;
    Ok(())
}

/// Sets the crate's version from what changed since the spec recorded in
/// `out` (the one it was last generated from), and returns the files that
/// record this generation: the spec's copy and the changelog, with the
/// change report on top when the API moved.
fn release(
    out: &Path,
    spec: &Path,
    settings: &mut Settings,
) -> Result<Vec<generator::File>, String> {
    let extension = match spec.extension().and_then(|e| e.to_str()) {
        Some("json") => "json",
        _ => "yaml",
    };
    let recorded_name = format!("{}.{extension}", generator::release::RECORDED_SPEC);
    let recorded = out.join(&recorded_name);
    let text = fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap_or_default();
    let version = package_version(&manifest).unwrap_or(&settings.crate_version).to_string();
    let changelog = fs::read_to_string(out.join(generator::release::CHANGELOG)).ok();
    let new = generator::model_file(spec, settings);
    let report = match (recorded.exists(), &new) {
        (false, _) | (_, Err(_)) => None,
        (true, Ok(new)) => match generator::model_file(&recorded, &lenient(settings)) {
            Ok(old) => Some(generator::diff::diff(&old, new)),
            Err(failure) => {
                let why: String =
                    failure.diagnostics.iter().map(|d| d.render(&shown(&recorded))).collect();
                eprintln!(
                    "{why}warning: cannot compare with {}, so the version stays",
                    shown(&recorded)
                );
                None
            }
        },
    };
    let api_version = new.as_ref().map_or("", |api| api.version.as_str());
    let previous =
        generator::release::Previous { version: &version, changelog: changelog.as_deref() };
    let next = generator::release::next(previous, report.as_ref(), api_version);
    if next.version != version {
        println!(
            "the API changed ({} change): {} {version} → {} (see {})",
            next.bump.as_str(),
            settings.crate_name,
            next.version,
            shown(&out.join(generator::release::CHANGELOG))
        );
    }
    settings.crate_version = next.version;
    Ok(vec![
        generator::File { path: recorded_name, contents: text },
        generator::File { path: generator::release::CHANGELOG.into(), contents: next.changelog },
    ])
}

/// The same settings, with errors allowed: a recorded spec is read only to
/// compare it, and its errors were reported when it was generated.
fn lenient(settings: &Settings) -> Settings {
    Settings { allow_errors: true, ..settings.clone() }
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

/// Runs the generator, printing diagnostics like a compiler. An error in
/// the spec fails the run (nothing is written) unless `--allow-errors`.
fn generate(path: &Path, shown: &str, settings: &Settings) -> Result<Generated, String> {
    match generator::generate_file(path, settings) {
        Ok(generated) => {
            for d in &generated.diagnostics {
                eprint!("{}", d.render(shown));
            }
            let errors =
                generated.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            if errors > 0 {
                eprintln!(
                    "{errors} error(s), allowed by --allow-errors: the output degrades where they are"
                );
            }
            Ok(generated)
        }
        Err(failure) => {
            let mut report: String = failure.diagnostics.iter().map(|d| d.render(shown)).collect();
            if failure.allowable {
                report.push_str(&format!(
                    "error: {shown} has {} error(s), so nothing was written. Fix them, or run \
                     again with `--allow-errors` to write a client that degrades where they \
                     are (usually to `serde_json::Value`).",
                    failure.errors()
                ));
            }
            Err(report)
        }
    }
}

/// Writes the files and removes stale ones from the directories the
/// generator owns.
fn write(out: &Path, files: &[generator::File]) -> Result<(), String> {
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| out.join(&f.path)).collect();
    for stale in owned_files(out)?.difference(&wanted) {
        fs::remove_file(stale).map_err(|e| format!("{}: {e}", stale.display()))?;
    }
    for file in files {
        let path = out.join(&file.path);
        if fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn owned_files(out: &Path) -> Result<BTreeSet<PathBuf>, String> {
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
    Ok(found)
}

/// A unified diff of every file that differs, is missing, or is extra.
fn diff(out: &Path, files: &[generator::File]) -> Result<String, String> {
    let mut report = String::new();
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| out.join(&f.path)).collect();
    for file in files {
        let path = out.join(&file.path);
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current != file.contents {
            let shown = shown(&path);
            let text = similar::TextDiff::from_lines(&current, &file.contents)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string();
            report.push_str(&text);
        }
    }
    for extra in owned_files(out)?.difference(&wanted) {
        report.push_str(&format!(
            "--- a/{}\n+++ /dev/null\n(not generated any more: delete it)\n",
            extra.display()
        ));
    }
    Ok(report)
}

/// A path as the reader knows it: relative to the workspace root when inside.
fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
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

    /// Regenerating a crate through the Users API's real history moves its
    /// version by each step's report, keeps a changelog entry per step, and
    /// leaves `--check` satisfied after each.
    #[test]
    fn regenerating_through_a_history_moves_the_version() {
        let scratch = std::env::temp_dir().join(format!("xtask-history-{}", std::process::id()));
        let (out, spec) = (scratch.join("crate"), scratch.join("users.yaml"));
        fs::create_dir_all(&scratch).unwrap();
        let history = root().join("generator/tests/fixtures/history");
        let mut versions = Vec::new();
        for api in ["2021.03.26", "2021.03.30", "2021.04.12", "2021.04.29"] {
            fs::copy(history.join(format!("agilicus-users-{api}.yaml")), &spec).unwrap();
            let options = || Options {
                check: false,
                allow_errors: false,
                reference_root: None,
                conformance: false,
            };
            let spec_arg = spec.to_string_lossy();
            standalone(&spec_arg, &out, Some("users".into()), options()).unwrap();
            standalone(&spec_arg, &out, Some("users".into()), Options { check: true, ..options() })
                .unwrap();
            let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
            versions.push(package_version(&manifest).unwrap().to_string());
        }
        let changelog = fs::read_to_string(out.join("CHANGELOG.md")).unwrap();
        fs::remove_dir_all(&scratch).unwrap();
        // Version string only, then two additive steps: patch, minor, minor
        // (0.x moves its last number for both).
        assert_eq!(versions, ["0.1.0", "0.1.1", "0.1.2", "0.1.3"]);
        let entries: Vec<&str> = changelog.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            entries,
            [
                "## 0.1.3 (API 2021.04.29)",
                "## 0.1.2 (API 2021.04.12)",
                "## 0.1.1 (API 2021.03.30)",
                "## 0.1.0 (API 2021.03.26)"
            ]
        );
        assert!(changelog.contains("New operation `list_user_resource_access_info`"));
    }
}
