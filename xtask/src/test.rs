//! `cargo xtask test`: every check and test the project has, in the order
//! that fails fastest. CI runs exactly this.

use std::process::Command;
use std::time::Instant;

use crate::prism::{self, Mode};

/// One step: a label and the cargo arguments that run it.
const STEPS: &[(&str, &[&str])] = &[
    ("generated code is up to date", &["xtask", "codegen", "--check"]),
    ("formatting", &["fmt", "--all", "--check"]),
    (
        "clippy, warnings denied",
        &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
    ),
    ("tests", &["test", "--workspace"]),
    ("benchmark harness, one smoke pass", &["xtask", "bench", "--smoke"]),
];

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`xtask test` takes no arguments (got `{extra}`)"));
    }
    // Said first, not after minutes of building: the end-to-end step needs them.
    prism::prerequisites()?;
    let cargo = crate::cargo();
    for (label, step) in STEPS {
        println!("==> {label}: cargo {}", step.join(" "));
        let status = Command::new(&cargo)
            .args(*step)
            .current_dir(crate::codegen::root())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("step failed: {label}"));
        }
    }
    end_to_end(&cargo)?;
    example_repository(&cargo)?;
    println!("==> docs build without warnings");
    let status = Command::new(&cargo)
        .args(["doc", "--workspace", "--no-deps", "--quiet"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(crate::codegen::root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("step failed: docs".to_string());
    }
    println!("==> all checks passed");
    Ok(())
}

/// The example repository (`examples/petshop`), as its own CI would run
/// it: its generated crate up to date by its own xtask, clippy-clean, its
/// tests passing. It shares this workspace's target directory, so the
/// dependencies built for the steps above are reused.
fn example_repository(cargo: &str) -> Result<(), String> {
    let root = crate::codegen::root();
    let dir = root.join("examples/petshop");
    let steps: [(&str, &[&str]); 4] = [
        ("generated client up to date", &["xtask", "codegen", "--check"]),
        ("formatting", &["fmt", "--all", "--check"]),
        ("clippy, warnings denied", &["clippy", "--all-targets", "--", "-D", "warnings"]),
        ("tests", &["test"]),
    ];
    for (label, step) in steps {
        println!("==> example repository, {label}: cargo {}", step.join(" "));
        let status = Command::new(cargo)
            .args(step)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("step failed: example repository, {label}"));
        }
    }
    Ok(())
}

/// The client against Prism, once per response mode.
pub fn end_to_end(cargo: &str) -> Result<(), String> {
    let root = crate::codegen::root();
    let bin = prism::install(&root)?;
    for (mode, dynamic) in [(Mode::Static, "0"), (Mode::Dynamic, "1")] {
        let started = Instant::now();
        let log = root.join(format!("target/prism/prism-{mode:?}.log").to_lowercase());
        let server = prism::Server::start(&bin, &root.join("spec/agilicus.yaml"), mode, &log)?;
        println!("==> end-to-end against Prism ({mode:?} responses) at {}", server.url);
        let mut status = Command::new(cargo)
            .args(["test", "--quiet", "-p", "agilicus-api", "--test", "prism", "--", "--ignored"])
            .env("PRISM_URL", &server.url)
            .env("PRISM_DYNAMIC", dynamic)
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        // The generated harness: every operation, every optional parameter,
        // every documented error status forced, with the docs' values.
        if status.success() {
            status = Command::new(cargo)
                .args([
                    "test",
                    "--quiet",
                    "-p",
                    "agilicus-api",
                    "--test",
                    "conformance",
                    "--",
                    "--ignored",
                ])
                .env("CONFORMANCE_URL", &server.url)
                .current_dir(&root)
                .status()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
        }
        drop(server);
        if !status.success() {
            return Err(format!(
                "step failed: end-to-end ({mode:?}); Prism's log: {}",
                log.display()
            ));
        }
        println!("    took {:.1} s", started.elapsed().as_secs_f64());
    }
    println!("==> Prism's known bugs, which conformance runs exclude, still happen");
    crate::mock_bugs::reproduce(&bin, &root)
}
