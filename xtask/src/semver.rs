//! `cargo xtask semver-referee [--filter S]`: the API change report's Rust
//! verdicts against an independent referee, cargo-semver-checks.
//!
//! For each pair of specs (the Users API's real history, every step and
//! end to end, and the evolutions of the committed spec listed in
//! `xtask/data/evolutions.yaml`), both crates are generated at the same
//! version, the report says whether the change breaks Rust code, and
//! cargo-semver-checks compares the two crates' public APIs. They agree
//! when the report calls a change breaking exactly when cargo-semver-checks
//! finds a major-level break (a failure or a warning). `--pair OLD NEW`
//! (repeatable) judges other specs instead. Slow (a rustdoc
//! build per crate), so a command, not CI; results go to
//! `target/semver-referee/results.md`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::Settings;
use generator::diff::{Report, Verdict};

/// The version the referee was run with; installed into `target/tools`
/// when no `cargo-semver-checks` is on the PATH.
const SEMVER_CHECKS: &str = "0.51.0";

/// The Users API's releases, oldest first (`generator/tests/fixtures/history`).
const HISTORY: &[&str] = &["2021.03.26", "2021.03.30", "2021.04.12", "2021.04.29"];

struct Pair {
    name: String,
    old: String,
    new: String,
    /// Why the referee cannot see this pair's break, when it is known not
    /// to (a missing lint): the pair is then reported, not counted.
    referee_misses: Option<String>,
}

/// What cargo-semver-checks says the new crate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Referee {
    /// A major-level lint failed, or warned.
    Major,
    /// Only minor-level lints.
    Minor,
    None,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut filter = None;
    let mut extra = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--filter" => filter = Some(it.next().ok_or("--filter needs a value")?.clone()),
            "--pair" => {
                let (Some(old), Some(new)) = (it.next(), it.next()) else {
                    return Err("--pair needs two spec files, OLD and NEW".into());
                };
                extra.push((old.clone(), new.clone()));
            }
            other => return Err(format!("unknown argument `{other}`\n\n{}", super::USAGE)),
        }
    }
    let root = crate::codegen::root();
    let work = root.join("target/semver-referee");
    let tool = semver_checks(&root)?;
    let read = |path: &str| fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let mut pairs: Vec<Pair> = Vec::new();
    for (old, new) in &extra {
        let name = format!("{old} → {new}");
        pairs.push(Pair { name, old: read(old)?, new: read(new)?, referee_misses: None });
    }
    if extra.is_empty() {
        pairs = pairs_of_this_project(&root)?;
    }
    pairs.retain(|p| filter.as_deref().is_none_or(|f| p.name.contains(f)));
    let mut rows = Vec::new();
    let (mut wire_ok, mut both_ok) = (0, 0);
    for pair in &pairs {
        eprintln!("== {}", pair.name);
        let report = generator::diff_texts(&pair.old, &pair.new, &Settings::new("referee-api"))
            .map_err(|f| format!("{}: the specs do not load ({} errors)", pair.name, f.errors()))?;
        let (wire, both) = report.additive_share();
        (wire_ok, both_ok) = (wire_ok + wire, both_ok + both);
        write_crate(&work.join("old"), &pair.old)?;
        write_crate(&work.join("new"), &pair.new)?;
        let (referee, findings) = referee(&tool, &work)?;
        rows.push(row(pair, &report, referee, &findings));
    }
    let agree = rows.iter().filter(|r| r.agree).count();
    let excused = rows.iter().filter(|r| r.excused).count();
    let judged = rows.len() - excused;
    let mut md = String::from(
        "| pair | bump | report: Rust | cargo-semver-checks | agree | its findings |\n|---|---|---|---|---|---|\n",
    );
    for r in &rows {
        md.push_str(&r.line);
    }
    md.push_str(&format!(
        "\nAgreement: {agree} of {judged} pairs ({excused} more where the referee is known to be blind). \
         Wire-compatible changes that are Rust-compatible: {both_ok} of {wire_ok}.\n"
    ));
    fs::write(work.join("results.md"), &md).map_err(|e| format!("results.md: {e}"))?;
    print!("{md}");
    if agree == judged { Ok(()) } else { Err(format!("{} disagreement(s)", judged - agree)) }
}

struct Row {
    agree: bool,
    /// A known blind spot of the referee: shown, not counted.
    excused: bool,
    line: String,
}

fn row(pair: &Pair, report: &Report, referee: Referee, findings: &[String]) -> Row {
    let ours = report.changes.iter().any(|c| c.rust == Verdict::Breaking);
    let agree = ours == (referee == Referee::Major);
    let excused = !agree && pair.referee_misses.is_some();
    let verdict = match (agree, &pair.referee_misses) {
        (true, _) => "yes".to_string(),
        (false, Some(why)) => format!("excused: {why}"),
        (false, None) => "**no**".to_string(),
    };
    let theirs = match referee {
        Referee::Major => "major",
        Referee::Minor => "minor",
        Referee::None => "none",
    };
    let line = format!(
        "| {} | {} | {} | {theirs} | {} | {} |\n",
        pair.name,
        report.bump().as_str(),
        if ours { "breaking" } else { "compatible" },
        verdict,
        if findings.is_empty() { "–".to_string() } else { findings.join(", ") },
    );
    Row { agree, excused, line }
}

fn pairs_of_this_project(root: &Path) -> Result<Vec<Pair>, String> {
    let read =
        |path: PathBuf| fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()));
    let history = |v: &str| {
        read(root.join(format!("generator/tests/fixtures/history/agilicus-users-{v}.yaml")))
    };
    let mut pairs = Vec::new();
    let mut steps: Vec<(&str, &str)> = HISTORY.windows(2).map(|w| (w[0], w[1])).collect();
    steps.push((HISTORY[0], HISTORY[HISTORY.len() - 1]));
    for (old, new) in steps {
        pairs.push(Pair {
            name: format!("history {old} → {new}"),
            old: history(old)?,
            new: history(new)?,
            referee_misses: None,
        });
    }
    let spec = read(root.join("spec/agilicus.yaml"))?;
    let list = read(root.join("xtask/data/evolutions.yaml"))?;
    let evolutions: Vec<serde_yaml::Value> =
        serde_yaml::from_str(&list).map_err(|e| format!("evolutions.yaml: {e}"))?;
    for e in &evolutions {
        let field = |key: &str| e.get(key).and_then(|v| v.as_str()).unwrap_or_default();
        let (name, find) = (field("name"), field("find"));
        if spec.matches(find).count() != 1 {
            return Err(format!(
                "evolution `{name}`: its `find` must occur once in spec/agilicus.yaml"
            ));
        }
        let new = spec.replacen(find, field("replace"), 1);
        let referee_misses = e.get("referee_misses").and_then(|v| v.as_str()).map(str::to_string);
        pairs.push(Pair {
            name: format!("agilicus {name}"),
            old: spec.clone(),
            new,
            referee_misses,
        });
    }
    Ok(pairs)
}

/// Generates a crate (version 1.0.0, so cargo-semver-checks judges it by
/// the 1.x rules) into `dir`, replacing what was there.
fn write_crate(dir: &Path, spec: &str) -> Result<(), String> {
    let mut settings = Settings::new("referee-api");
    settings.crate_version = "1.0.0".into();
    let generated = generator::generate(spec, &settings)
        .map_err(|f| format!("generation failed ({} errors)", f.errors()))?;
    crate::codegen::write_scratch_crate(dir, &generated.files)
}

/// Runs cargo-semver-checks on `work/new` against `work/old`: its verdict
/// and the lints that fired.
fn referee(tool: &Path, work: &Path) -> Result<(Referee, Vec<String>), String> {
    let output = Command::new(tool)
        .args(["semver-checks", "check-release", "--baseline-root"])
        .arg(work.join("old"))
        .arg("--manifest-path")
        .arg(work.join("new/Cargo.toml"))
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tool.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !text.contains("Summary") {
        return Err(format!("cargo-semver-checks did not finish:\n{text}"));
    }
    let mut findings: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("--- failure ").or_else(|| l.strip_prefix("--- warning ")))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    findings.sort();
    findings.dedup();
    let verdict = if text.contains("new major version") {
        Referee::Major
    } else if text.contains("new minor version") {
        Referee::Minor
    } else {
        Referee::None
    };
    Ok((verdict, findings))
}

/// `cargo-semver-checks` from the PATH, or installed into `target/tools`.
fn semver_checks(root: &Path) -> Result<PathBuf, String> {
    let on_path = Command::new("cargo-semver-checks").arg("--version").output();
    if on_path.is_ok_and(|o| o.status.success()) {
        return Ok(PathBuf::from("cargo-semver-checks"));
    }
    let tools = root.join("target/tools");
    let installed = tools.join("bin/cargo-semver-checks");
    if !installed.exists() {
        eprintln!("installing cargo-semver-checks {SEMVER_CHECKS} into {} (once)", tools.display());
        let status = Command::new(crate::cargo())
            .args([
                "install",
                "cargo-semver-checks",
                "--locked",
                "--version",
                SEMVER_CHECKS,
                "--root",
            ])
            .arg(&tools)
            .env("CARGO_INCREMENTAL", "0")
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() {
            return Err("cargo install cargo-semver-checks failed".into());
        }
    }
    Ok(installed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each evolution of the committed spec gets the bump it is listed
    /// with: the cheap half of the referee, run by `cargo xtask test`.
    #[test]
    fn evolutions_of_the_committed_spec_get_their_listed_bump() {
        let root = crate::codegen::root();
        let list = fs::read_to_string(root.join("xtask/data/evolutions.yaml")).unwrap();
        let evolutions: Vec<serde_yaml::Value> = serde_yaml::from_str(&list).unwrap();
        let pairs = pairs_of_this_project(&root).unwrap();
        let settings = Settings::new("referee-api");
        for (e, pair) in
            evolutions.iter().zip(pairs.iter().filter(|p| p.name.starts_with("agilicus ")))
        {
            let expected = e.get("bump").and_then(|b| b.as_str()).unwrap();
            let report = generator::diff_texts(&pair.old, &pair.new, &settings).unwrap();
            assert_eq!(report.bump().as_str(), expected, "{}: {:#?}", pair.name, report.changes);
        }
        assert_eq!(
            pairs.iter().filter(|p| p.name.starts_with("agilicus ")).count(),
            evolutions.len()
        );
    }
}
