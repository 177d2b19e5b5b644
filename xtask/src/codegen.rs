//! `cargo xtask codegen`: the generated crate and standalone crates.

use std::fs;
use std::path::{Path, PathBuf};

use generator::{Plan, Project, Settings};

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

/// The example repository's settings file: its client is committed
/// generator output too, so it is regenerated (and checked) with ours.
const EXAMPLE_CONFIG: &str = "examples/petshop/spec/clientgen.toml";

fn committed(check: bool, allow_errors: bool) -> Result<(), String> {
    let root = root();
    let project = Project::new(root.join(SPEC), root.join(OUT), agilicus_settings(allow_errors))
        .show_paths_from(&root);
    let example = generator::config::Config::load(&root.join(EXAMPLE_CONFIG))
        .map_err(|e| e.to_string())?
        .project()
        .show_paths_from(&root);
    if check {
        finish(project.check())?;
        println!("{OUT}/ is up to date with {SPEC}");
        finish(example.check())?;
        println!("the example repository's client is up to date with its spec");
        return Ok(());
    }
    finish(project.write())?;
    finish(example.write())?;
    Ok(())
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
    let name = name.unwrap_or_else(|| generator::naming::client_crate_name(&spec_path));
    let mut settings = Settings::new(name);
    settings.regenerate_with = format!("`cargo xtask codegen --spec {spec}`");
    settings.allow_errors = allow_errors;
    settings.reference_root = reference_root;
    settings.conformance = conformance;
    // A standalone crate is its own workspace, so it builds where it lands.
    settings.own_workspace = true;
    let project = Project::new(&spec_path, out, settings);
    if check {
        return finish(project.check()).map(drop);
    }
    let plan = finish(project.write())?;
    println!("wrote {} files to {}", plan.files.len(), out.display());
    Ok(())
}

/// Prints what a generation found (diagnostics, a version that moved),
/// or turns its failure into the message to print.
fn finish(result: Result<Plan, generator::project::Error>) -> Result<Plan, String> {
    let plan = result.map_err(|e| e.to_string())?;
    eprint!("{}", plan.render_diagnostics());
    if plan.version.previous != plan.version.next {
        println!(
            "the API changed: version {} (see {})",
            plan.version,
            generator::release::CHANGELOG
        );
    }
    Ok(plan)
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
