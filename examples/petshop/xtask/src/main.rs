//! `cargo xtask codegen [--check]`: regenerate `petshop-client/` from
//! `spec/petshop.yaml` with the settings in `spec/clientgen.toml`, or fail
//! with a diff when the committed crate is stale (what CI runs).

use std::path::Path;
use std::process::ExitCode;

use openapi_clientgen::config::Config;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["codegen"] => false,
        ["codegen", "--check"] => true,
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            return ExitCode::from(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let project = match Config::load(&root.join("spec/clientgen.toml")) {
        Ok(config) => config.project(),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match if check { project.check() } else { project.write() } {
        Ok(plan) => {
            eprint!("{}", plan.render_diagnostics());
            println!("petshop-client {}", plan.version);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
