//! Project automation: `cargo xtask <command>`.
//!
//! - `codegen`: regenerate `generated/` from `spec/agilicus.yaml`;
//! - `codegen --check`: fail with a diff if `generated/` is stale (CI);
//! - `codegen --spec FILE --out DIR [--name CRATE]`: generate a standalone
//!   crate from any spec; errors in the spec fail the run unless
//!   `--allow-errors`;
//! - `api-diff OLD NEW [--json]`: the API change report between two specs;
//! - `conformance [--filter S] [--limit N] [--dynamic] [--max-operations N]`: every operation of
//!   every spec against Prism;
//! - `test`: every check and test (what CI runs).

mod anchor;
mod api_diff;
mod bench;
mod codegen;
mod conformance;
mod corpus;
mod mock_bugs;
mod prism;
mod semver;
mod test;

use std::process::ExitCode;

/// Generation allocates and frees millions of small token trees on several
/// threads: with glibc's allocator that was a third of a run, and mimalloc
/// takes a fifth off the whole. Transparent huge pages are off (`no_thp`)
/// because zeroing them cost more than they saved in a short process.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo xtask codegen --help` asks for help, not for a run.
    let help = args.first().is_some_and(|a| a == "help");
    if args.is_empty() || help || args.iter().any(|a| a == "--help" || a == "-h") {
        let command = args.get(usize::from(help)).filter(|c| !c.starts_with('-'));
        println!("{}", usage(command.map(String::as_str)));
        return ExitCode::SUCCESS;
    }
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("api-diff") => api_diff::run(&args[1..]),
        Some("semver-referee") => semver::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("bench-peak") => bench::peak(&args[1..]),
        Some("e2e") => test::end_to_end(&cargo()),
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The cargo that runs this xtask (`$CARGO`), so nested builds use the
/// same toolchain.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `cargo xtask COMMAND ARGS` again from a release build, for commands
/// that measure time.
fn rerun_optimised(command: &str, args: &[String]) -> Result<(), String> {
    let status = std::process::Command::new(cargo())
        .args(["run", "--release", "--quiet", "-p", "xtask", "--", command])
        .args(args)
        .current_dir(codegen::root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`xtask {command}` failed")) }
}

/// The usage of `command` (its entries in [`USAGE`]), or all of it.
fn usage(command: Option<&str>) -> String {
    let Some(command) = command else { return USAGE.to_string() };
    let prefix = format!("cargo xtask {command}");
    let mut own = String::from("usage:\n");
    let mut taking = false;
    for line in USAGE.lines().skip(1) {
        let entry = line.trim_start();
        if entry.starts_with("cargo xtask") {
            taking = entry == prefix || entry.starts_with(&format!("{prefix} "));
        }
        if taking {
            own.push_str(line);
            own.push('\n');
        }
    }
    if own.lines().count() > 1 { own.trim_end().to_string() } else { USAGE.to_string() }
}

const USAGE: &str = "\
usage:
  cargo xtask codegen                 regenerate generated/ from spec/agilicus.yaml
  cargo xtask codegen --check         fail with a diff if generated/ is stale
  cargo xtask codegen --spec FILE --out DIR [--name CRATE]
                                      generate a standalone crate from any spec
                                      (OpenAPI 3.0/3.1 or Swagger 2.0, YAML or JSON;
                                      references to other files are followed)
  cargo xtask codegen --spec ... --conformance
                                      also write tests/conformance.rs: every operation
                                      against a mock of the spec at CONFORMANCE_URL
  cargo xtask codegen ... --allow-errors
                                      write the crate even if the spec has errors
  cargo xtask codegen --spec ... --reference-root DIR
                                      let references read files under DIR (default:
                                      the spec's own folder)
  cargo xtask api-diff OLD NEW [--json]
                                      what changed between two specs, with a wire and
                                      a Rust verdict per change and the semver bump
  cargo xtask semver-referee [--filter S] [--pair OLD NEW]
                                      check api-diff's Rust verdicts against
                                      cargo-semver-checks on real and made-up
                                      spec pairs (slow; not CI)
  cargo xtask test                    run every check and test (what CI runs)
  cargo xtask e2e                     only the end-to-end tests against Prism
  cargo xtask bench [--quick|--smoke] generation, compile and per-request timings
  cargo xtask corpus [--filter S] [--limit N]
                                      generate and clippy public specs (slow; not CI)
  cargo xtask conformance [--filter S] [--limit N] [--dynamic] [--max-operations N]
                                      call every operation of the Agilicus spec and the
                                      corpus specs against Prism (slow; not CI)";

#[cfg(test)]
mod tests {
    /// Every command named in the usage answers `--help` with its own
    /// entries, and nothing of another command's.
    #[test]
    fn each_command_has_its_usage() {
        for command in ["codegen", "api-diff", "test", "e2e", "bench", "corpus", "conformance"] {
            let usage = super::usage(Some(command));
            assert!(usage.contains(&format!("cargo xtask {command}")), "{command}: {usage}");
            assert!(!usage.contains("cargo xtask semver-referee"), "{command}: {usage}");
        }
        assert!(super::usage(Some("codegen")).contains("--check"));
        assert!(super::usage(None).contains("cargo xtask semver-referee"));
    }
}
