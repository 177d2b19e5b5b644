//! `cargo xtask test`: every check and test the project has, in the order
//! that fails fastest. CI runs exactly this.

use std::process::Command;

/// One step: a label and the cargo arguments that run it.
const STEPS: &[(&str, &[&str])] = &[
    ("generated code is up to date", &["xtask", "codegen", "--check"]),
    ("formatting", &["fmt", "--all", "--check"]),
    (
        "clippy, warnings denied",
        &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
    ),
    ("tests", &["test", "--workspace"]),
];

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(extra) = args.first() {
        return Err(format!("`xtask test` takes no arguments (got `{extra}`)"));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
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
