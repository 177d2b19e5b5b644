//! `cargo xtask conformance [--filter S] [--limit N] [--dynamic]`: every
//! operation of every spec called against Prism.
//!
//! For the Agilicus spec and each corpus spec (as `cargo xtask corpus`
//! lists them): generate the crate with its conformance harness
//! (`tests/conformance.rs`), start Prism on the spec, run the harness, and
//! gather its lines: per operation and call, accepted or not, and why. One
//! spec at a time, sharing a target directory. Results go to
//! `target/conformance/results.tsv` (per spec) and `failures.tsv` (per
//! failed call, with the error); the summary groups failures by cause.
//! Slow, so a command, not CI; the Agilicus harness runs in `e2e`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use generator::Settings;

use crate::prism::{self, Mode};

/// How one spec went.
#[derive(Default)]
struct Outcome {
    /// Where it stopped, when it did not get to run its calls.
    stopped: Option<String>,
    ok: usize,
    failed: usize,
    skipped: usize,
    /// Failed and skipped calls: operation, call, detail.
    failures: Vec<(String, String, String)>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut selection = crate::corpus::Selection::default();
    let mut mode = Mode::Static;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--dynamic" => mode = Mode::Dynamic,
            other if selection.take(other, &mut it)? => {}
            other => return Err(format!("unknown argument `{other}`\n\n{}", super::USAGE)),
        }
    }
    let crate::corpus::Selection { filter, limit } = selection;
    let root = crate::codegen::root();
    let corpus = root.join("target/corpus");
    crate::corpus::install(&corpus)?;
    let prism = prism::install(&root)?;
    let mut specs: Vec<(String, PathBuf)> =
        vec![("agilicus".into(), root.join("spec/agilicus.yaml"))];
    specs.extend(crate::corpus::specs(&root, &corpus)?.into_iter().map(|s| (s.id, s.path)));
    let specs: Vec<(String, PathBuf)> = specs
        .into_iter()
        .filter(|(id, _)| filter.as_ref().is_none_or(|f| id.contains(f.as_str())))
        .take(limit)
        .collect();
    let work = root.join("target/conformance");
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let started = Instant::now();
    let mut rows = Vec::new();
    for (i, (id, path)) in specs.iter().enumerate() {
        let outcome = one(id, path, &work, &prism, mode);
        println!(
            "[{:>3}/{}] {:<44} ok {:>4}  failed {:>3}  skipped {:>3}  {}",
            i + 1,
            specs.len(),
            id,
            outcome.ok,
            outcome.failed,
            outcome.skipped,
            outcome.stopped.as_deref().unwrap_or("")
        );
        rows.push((id.clone(), outcome));
        // Written as it goes, so a long run stopped early still tells.
        write_results(&work, &rows)?;
    }
    let summary = summary(&rows, mode, started.elapsed());
    print!("{summary}");
    fs::write(work.join("summary.md"), &summary).map_err(|e| e.to_string())?;
    println!("results: {}", work.join("results.tsv").display());
    Ok(())
}

fn one(id: &str, spec: &Path, work: &Path, prism: &Path, mode: Mode) -> Outcome {
    let mut outcome = Outcome::default();
    let slug: String = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .to_ascii_lowercase();
    let mut settings = Settings::new(format!("conformance-{slug}"));
    settings.conformance = true;
    let generated = match generator::generate_file(spec, &settings) {
        Ok(g) => g,
        Err(f) => {
            outcome.stopped = Some(format!("generation failed ({} errors)", f.errors()));
            return outcome;
        }
    };
    let out = work.join("crates").join(&slug);
    if let Err(e) = crate::codegen::write_scratch_crate(&out, &generated.files) {
        outcome.stopped = Some(format!("cannot write the crate: {e}"));
        return outcome;
    }
    // Built before Prism starts, so the mock is not kept waiting.
    let build = Command::new(crate::cargo())
        .args(["test", "--quiet", "--no-run", "--test", "conformance"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    match build {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stderr);
            let first = text.lines().find(|l| l.starts_with("error")).unwrap_or("").to_string();
            outcome.stopped = Some(format!("harness does not compile: {first}"));
            return outcome;
        }
        Err(e) => {
            outcome.stopped = Some(format!("cannot run cargo: {e}"));
            return outcome;
        }
    }
    let log = work.join(format!("prism-{slug}.log"));
    let server = match prism::Server::start(prism, spec, mode, &log) {
        Ok(s) => s,
        Err(e) => {
            outcome.stopped = Some(format!("Prism did not start: {e}"));
            return outcome;
        }
    };
    let mut command = Command::new(crate::cargo());
    command
        .args(["test", "--quiet", "--test", "conformance", "--", "--ignored", "--nocapture"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env("CONFORMANCE_URL", &server.url);
    let Some(run) = crate::corpus::run_with_limit(&mut command, Duration::from_secs(600)) else {
        outcome.stopped = Some("the harness timed out".into());
        return outcome;
    };
    let stdout = run.stdout;
    drop(server);
    for line in stdout.lines().filter_map(|l| l.strip_prefix("CONFORMANCE ")) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
        if let Some(why) = v.get("skipped").and_then(|s| s.as_str()) {
            outcome.skipped += 1;
            outcome.failures.push((field("operation"), field("call"), format!("skipped: {why}")));
        } else if v.get("ok").and_then(|o| o.as_bool()) == Some(true) {
            outcome.ok += 1;
        } else {
            outcome.failed += 1;
            outcome.failures.push((field("operation"), field("call"), field("detail")));
        }
    }
    if outcome.ok + outcome.failed + outcome.skipped == 0 {
        outcome.stopped = Some("the harness printed no results".into());
    }
    outcome
}

/// A failure's cause, for grouping: the error variant and status, or why
/// it was skipped.
fn cause(detail: &str) -> String {
    if let Some(why) = detail.strip_prefix("skipped: ") {
        return format!("skipped: {}", why.split(" for ").next().unwrap_or(why));
    }
    // Prism's own errors carry a problem type and the validation that
    // failed (an unexpected status's excerpt quotes the JSON: unescaped
    // here, so both read alike).
    let plain = detail.replace("\\\"", "\"");
    let after = |marker: &str| {
        let rest = &plain[plain.find(marker)? + marker.len()..];
        let end = rest.find(['\\', '"', ',', ']', ' ']).unwrap_or(rest.len());
        Some(rest[..end].to_string())
    };
    if let Some(problem) = after("prism/errors#") {
        let place = after("location\":[\"").unwrap_or_default();
        let code = after("code\":\"").or_else(|| after("code\":")).unwrap_or_default();
        // OpenAPI says header parameters named Accept, Content-Type or
        // Authorization are ignored; Prism still demands them.
        let ignored_header = ["'authorization'", "'accept'", "'content-type'"]
            .iter()
            .any(|h| plain.to_ascii_lowercase().contains(h));
        return match problem.as_str() {
            "UNPROCESSABLE_ENTITY" if place == "header" && ignored_header => {
                "mock: demands a header parameter OpenAPI says to ignore (Accept, Content-Type, Authorization)".to_string()
            }
            "UNPROCESSABLE_ENTITY" => {
                format!("request refused by the mock's validation: {place} {code}")
            }
            "VIOLATIONS" if place == "response" => {
                format!("the mock's own response breaks the spec (its example or schema): {code}")
            }
            other => format!("mock: {other} {place} {code}"),
        };
    }
    // `message (Kind); body: …`: the kind is the last parenthesis before the body.
    let head = detail.rsplit_once("; body: ").map_or(detail, |(head, _)| head);
    let kind = head.rsplit_once('(').map_or("", |(_, k)| k.trim_end_matches(')'));
    let status = detail
        .split("status ")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|s| !s.is_empty());
    match (detail.starts_with("wanted the documented"), status) {
        (true, _) => format!("forced status not typed ({kind})"),
        (false, Some(status)) => format!("{kind} {status}"),
        (false, None) => kind.to_string(),
    }
}

fn summary(rows: &[(String, Outcome)], mode: Mode, elapsed: Duration) -> String {
    let total = |f: fn(&Outcome) -> usize| rows.iter().map(|(_, o)| f(o)).sum::<usize>();
    let (ok, failed, skipped) = (total(|o| o.ok), total(|o| o.failed), total(|o| o.skipped));
    let stopped = rows.iter().filter(|(_, o)| o.stopped.is_some()).count();
    let clean =
        rows.iter().filter(|(_, o)| o.stopped.is_none() && o.failed == 0 && o.skipped == 0).count();
    let mut causes: BTreeMap<String, usize> = BTreeMap::new();
    for (_, o) in rows {
        for (_, _, detail) in &o.failures {
            *causes.entry(cause(detail)).or_default() += 1;
        }
        if let Some(why) = &o.stopped {
            *causes
                .entry(format!("spec stopped: {}", why.split(':').next().unwrap_or(why)))
                .or_default() += 1;
        }
    }
    let mut causes: Vec<(String, usize)> = causes.into_iter().collect();
    causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut md = format!(
        "\nConformance against Prism ({mode:?}), {} specs in {:.0} s: {} calls made, {ok} accepted and decoded as documented, {failed} failed, {skipped} skipped; {clean} specs with every call passing, {stopped} stopped before their calls.\n\n| cause | calls |\n|---|---|\n",
        rows.len(),
        elapsed.as_secs_f64(),
        ok + failed
    );
    for (cause, n) in causes {
        md.push_str(&format!("| {cause} | {n} |\n"));
    }
    md
}

fn write_results(work: &Path, rows: &[(String, Outcome)]) -> Result<(), String> {
    let mut results = String::from("spec\tok\tfailed\tskipped\tstopped\n");
    let mut failures = String::from("spec\toperation\tcall\tcause\tdetail\n");
    for (id, o) in rows {
        results.push_str(&format!(
            "{id}\t{}\t{}\t{}\t{}\n",
            o.ok,
            o.failed,
            o.skipped,
            o.stopped.as_deref().unwrap_or("")
        ));
        for (op, call, detail) in &o.failures {
            let cause = cause(detail);
            let detail: String = detail.replace(['\t', '\n'], " ").chars().take(600).collect();
            failures.push_str(&format!("{id}\t{op}\t{call}\t{cause}\t{detail}\n"));
        }
    }
    fs::write(work.join("results.tsv"), results).map_err(|e| e.to_string())?;
    fs::write(work.join("failures.tsv"), failures).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::cause;

    #[test]
    fn failures_are_grouped_by_what_refused_them() {
        let refused = r#"get_things: unexpected status 422 Unprocessable Entity: "{\"type\":\"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY\",\"validation\":[{\"location\":[\"query\",\"day\"],\"severity\":\"Error\",\"code\":\"format\"}]}" (UnexpectedStatus)"#;
        assert_eq!(cause(refused), "request refused by the mock's validation: query format");
        let mock = r#"x: unexpected status 500 Internal Server Error: "{\"type\":\"https://stoplight.io/prism/errors#VIOLATIONS\",\"validation\":[{\"location\":[\"response\",\"body\"],\"code\":\"required\"}]}" (UnexpectedStatus)"#;
        assert_eq!(
            cause(mock),
            "the mock's own response breaks the spec (its example or schema): required"
        );
        assert_eq!(
            cause("x: the 200 response does not match its schema (Decode); body: {}"),
            "Decode"
        );
        let typed = r#"x: Server Error (status 500 Internal Server Error) (Api); body: {"type":"https://stoplight.io/prism/errors#VIOLATIONS","validation":[{"location":["response","body"],"code":"format"}]}"#;
        assert_eq!(
            cause(typed),
            "the mock's own response breaks the spec (its example or schema): format"
        );
        assert_eq!(
            cause("skipped: no value the spec accepts could be written for parameter `a`"),
            "skipped: no value the spec accepts could be written"
        );
    }
}
