//! `clientgen`: generate a Rust client crate from an OpenAPI spec, keep it
//! in step (a drift check for CI), report what changed between two specs,
//! and explain what a spec location becomes in Rust.
//!
//! Exit codes, for CI: 0 done; 1 the check or gate failed (a stale crate,
//! a change `--fail-on` names, a location nothing comes from); 2 the
//! command line is wrong; 3 the spec, the settings or a file could not be
//! used.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_clientgen::config::{self, Config};
use openapi_clientgen::diff::{Bump, Verdict};
use openapi_clientgen::project::Error;
use openapi_clientgen::{Project, Settings};

/// Generating allocates and frees millions of small token trees on every
/// core; with glibc's allocator that was a third of the instructions of a
/// run on GitHub's spec. The same allocator as `cargo xtask codegen`, for
/// the same reason (see `xtask/src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const HELP: &str = "\
clientgen: a Rust client crate from an OpenAPI spec (3.0, 3.1 or Swagger 2.0)

Usage:
  clientgen generate [SOURCE] [OPTIONS]   write the crate (only files that changed)
  clientgen check    [SOURCE] [OPTIONS]   fail with a diff if the crate is stale
  clientgen diff OLD NEW [--json] [--fail-on major|wire]
                                          what changed between two specs: a wire and
                                          a Rust verdict per change, and the bump
  clientgen explain SPEC POINTER          what a spec location (a JSON pointer such as
                                          '#/components/schemas/User') becomes in Rust

SOURCE (one of):
  --config FILE        settings from a clientgen.toml (the default: ./clientgen.toml)
  --spec FILE --out DIR [--name CRATE]
                       a spec and the crate's directory, without a settings file

OPTIONS (override the settings file):
  --tags A,B           only these tags' operations and the types they use
  --overlay FILE       apply an OpenAPI Overlay 1.0 to the spec first (repeatable)
  --allow-errors       write the crate even if the spec has errors
  --conformance        also write tests/conformance.rs (every operation against a mock)

Exit codes: 0 done, 1 stale crate or failed gate, 2 bad command line,
3 the spec, settings or files could not be used.
";

/// How a run ends.
enum Exit {
    /// The check or gate failed: its message.
    Failed(String),
    Usage(String),
    Unusable(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Exit::Failed(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(Exit::Usage(message)) => {
            eprintln!("error: {message}\n\n{HELP}");
            ExitCode::from(2)
        }
        Err(Exit::Unusable(message)) => {
            eprintln!("{message}");
            ExitCode::from(3)
        }
    }
}

fn run(args: &[String]) -> Result<(), Exit> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Exit::Usage("no command given".into()));
    };
    // `clientgen generate --help` asks for help, not for a flag check.
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return Ok(());
    }
    match command.as_str() {
        "generate" => generate(rest, false),
        "check" => generate(rest, true),
        "diff" => diff(rest),
        "explain" => explain(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        "--version" | "-V" => {
            println!("clientgen {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        other => Err(Exit::Usage(format!("unknown command `{other}`"))),
    }
}

/// What `generate` and `check` were asked.
#[derive(Default)]
struct Source {
    config: Option<PathBuf>,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
    tags: Option<Vec<String>>,
    overlays: Vec<PathBuf>,
    allow_errors: bool,
    conformance: bool,
}

fn parse_source(args: &[String]) -> Result<Source, Exit> {
    let mut source = Source::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next().cloned().ok_or_else(|| Exit::Usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--config" => source.config = Some(value("--config")?.into()),
            "--spec" => source.spec = Some(value("--spec")?.into()),
            "--out" => source.out = Some(value("--out")?.into()),
            "--name" => source.name = Some(value("--name")?),
            "--tags" => {
                source.tags =
                    Some(value("--tags")?.split(',').map(|t| t.trim().to_string()).collect())
            }
            "--overlay" => source.overlays.push(value("--overlay")?.into()),
            "--allow-errors" => source.allow_errors = true,
            "--conformance" => source.conformance = true,
            other => return Err(Exit::Usage(format!("unknown argument `{other}`"))),
        }
    }
    Ok(source)
}

/// The project a command line describes: from a settings file, or from
/// `--spec` and `--out`; the options override either.
fn project(source: Source) -> Result<Project, Exit> {
    let (spec, out, mut settings) = match (source.config, source.spec, source.out) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(Exit::Usage("--config and --spec/--out are alternatives".into()));
        }
        (None, Some(spec), Some(out)) => {
            let mut settings = Settings::new(openapi_clientgen::naming::client_crate_name(&spec));
            settings.regenerate_with = format!("`clientgen generate --spec {}`", spec.display());
            (spec, out, settings)
        }
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(Exit::Usage("--spec and --out go together".into()));
        }
        (config, None, None) => {
            let path = config.unwrap_or_else(|| PathBuf::from(config::FILE_NAME));
            if !path.exists() {
                return Err(Exit::Usage(format!(
                    "no settings file at {}: give --config FILE, or --spec FILE --out DIR",
                    path.display()
                )));
            }
            let Config { spec, out, settings } =
                Config::load(&path).map_err(|e| Exit::Unusable(e.to_string()))?;
            (spec, out, settings)
        }
    };
    if let Some(name) = source.name {
        settings.crate_name = name;
    }
    if source.tags.is_some() {
        settings.tags = source.tags;
    }
    settings.overlays.extend(source.overlays);
    settings.allow_errors |= source.allow_errors;
    settings.conformance |= source.conformance;
    Ok(Project::new(spec, out, settings))
}

fn generate(args: &[String], check: bool) -> Result<(), Exit> {
    let project = project(parse_source(args)?)?;
    let result = if check { project.check() } else { project.write() };
    let plan = result.map_err(|e| match e {
        Error::Stale { .. } => Exit::Failed(e.to_string()),
        other => Exit::Unusable(other.to_string()),
    })?;
    eprint!("{}", plan.render_diagnostics());
    let name = &project.settings().crate_name;
    if check {
        println!("{name} is up to date with its spec");
    } else {
        println!("{name} {}: {} files", plan.version, plan.files.len());
    }
    Ok(())
}

fn diff(args: &[String]) -> Result<(), Exit> {
    let mut json = false;
    let mut fail_on = None;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--fail-on" => match it.next().map(String::as_str) {
                Some(gate @ ("major" | "wire")) => fail_on = Some(gate.to_string()),
                _ => return Err(Exit::Usage("--fail-on takes `major` or `wire`".into())),
            },
            flag if flag.starts_with("--") => {
                return Err(Exit::Usage(format!("unknown argument `{flag}`")));
            }
            file => files.push(PathBuf::from(file)),
        }
    }
    let [old, new] = &files[..] else {
        return Err(Exit::Usage("diff takes two spec files, OLD and NEW".into()));
    };
    let settings = Settings::new("api");
    let report = openapi_clientgen::diff_files(old, new, &settings).map_err(|failure| {
        let shown: String =
            failure.diagnostics.iter().map(|d| d.render(&old.display().to_string())).collect();
        Exit::Unusable(format!("{shown}error: cannot read the API from both specs"))
    })?;
    print!("{}", if json { report.to_json() } else { report.to_markdown() });
    let failed = match fail_on.as_deref() {
        Some("major") => report.bump() == Bump::Major,
        Some("wire") => report.changes.iter().any(|c| c.wire == Verdict::Breaking),
        _ => false,
    };
    if failed {
        return Err(Exit::Failed(format!(
            "error: the change breaks {} (--fail-on {})",
            if fail_on.as_deref() == Some("wire") { "clients on the wire" } else { "Rust code" },
            fail_on.unwrap_or_default()
        )));
    }
    Ok(())
}

fn explain(args: &[String]) -> Result<(), Exit> {
    let [spec, pointer] = args else {
        return Err(Exit::Usage("explain takes a spec file and a JSON pointer".into()));
    };
    let mut settings = Settings::new("api");
    settings.allow_errors = true;
    let explained = openapi_clientgen::explain_file(Path::new(spec), &settings, pointer).map_err(
        |failure| {
            let shown: String = failure.diagnostics.iter().map(|d| d.render(spec)).collect();
            Exit::Unusable(shown)
        },
    )?;
    match explained {
        Some(text) => {
            print!("{text}");
            Ok(())
        }
        None => Err(Exit::Failed(format!(
            "nothing in the generated crate comes from {pointer} (give an operation such as \
             '#/paths/~1users/get', a schema such as '#/components/schemas/User', or a property)"
        ))),
    }
}
