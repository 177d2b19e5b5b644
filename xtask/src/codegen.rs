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
    settings
}

/// Directories under the crate root that the generator owns entirely.
const OWNED_DIRS: &[&str] = &["src", "docs"];

pub fn run(args: &[String]) -> Result<(), String> {
    let mut check = false;
    let mut allow_errors = false;
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
            let options = Options { check, allow_errors, reference_root };
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
    let generated = generate(&root.join(SPEC), SPEC, &agilicus_settings(allow_errors))?;
    let out = root.join(OUT);
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
}

fn standalone(
    spec: &str,
    out: &Path,
    name: Option<String>,
    options: Options,
) -> Result<(), String> {
    let Options { check, allow_errors, reference_root } = options;
    let spec_path = PathBuf::from(spec);
    let name = name.unwrap_or_else(|| {
        let stem = spec_path.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
        format!("{}-client", heck_like_kebab(stem))
    });
    let mut settings = Settings::new(name);
    settings.regenerate_with = format!("`cargo xtask codegen --spec {spec}`");
    settings.allow_errors = allow_errors;
    settings.reference_root = reference_root;
    let generated = generate(&spec_path, spec, &settings)?;
    if check {
        let stale = diff(out, &generated.files)?;
        return if stale.is_empty() { Ok(()) } else { Err(stale) };
    }
    write(out, &generated.files)?;
    // A standalone crate is its own workspace, so it builds where it lands.
    let manifest = out.join("Cargo.toml");
    let mut text =
        fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    if !text.contains("[workspace]") {
        text.push_str("\n[workspace]\n");
        fs::write(&manifest, text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
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
