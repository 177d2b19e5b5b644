//! The bench's anchor: openapi-to-rust, another Rust client generator,
//! whose crate for the same spec is compiled side by side with ours, so
//! that our compile time is judged against a moving field, not against
//! itself. It is installed from crates.io into `target/bench/anchor/` the
//! first time the bench needs it (a few minutes; the bench pays, not CI).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The version measured against; a new one is a new anchor.
pub const VERSION: &str = "0.23.0";

/// The installed generator's binary, installing it if it is missing.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join("target/bench/anchor");
    let bin = prefix.join("bin/openapi-to-rust");
    let stamp = prefix.join("version");
    if bin.exists() && fs::read_to_string(&stamp).is_ok_and(|v| v.trim() == VERSION) {
        return Ok(bin);
    }
    println!("==> installing openapi-to-rust {VERSION} into {}", prefix.display());
    let build = root.join("target/bench/anchor-build");
    let status = Command::new(crate::cargo())
        .args(["install", "--quiet", "--locked", "openapi-to-rust", "--version", VERSION, "--root"])
        .arg(&prefix)
        .env("CARGO_TARGET_DIR", &build)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    // Its build directory is a gigabyte the bench never reads again.
    let _ = fs::remove_dir_all(&build);
    if !status.success() {
        return Err(format!("installing openapi-to-rust {VERSION} failed"));
    }
    fs::write(&stamp, VERSION).map_err(|e| e.to_string())?;
    Ok(bin)
}

/// Writes into `dir` a crate holding what the anchor generates from
/// `spec`: its modules, with the dependencies it says it needs.
pub fn generate(bin: &Path, spec: &Path, dir: &Path, name: &str) -> Result<(), String> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let extension = spec.extension().and_then(|e| e.to_str()).unwrap_or("yaml");
    let local = dir.join(format!("spec.{extension}"));
    fs::copy(spec, &local).map_err(|e| format!("{}: {e}", spec.display()))?;
    let output = Command::new(bin)
        .arg("generate")
        .arg(&local)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !output.status.success() {
        return Err(format!(
            "openapi-to-rust failed on {}:\n{}",
            spec.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let generated = dir.join("src/generated");
    let dependencies = fs::read_to_string(generated.join("REQUIRED_DEPS.toml"))
        .map_err(|e| format!("openapi-to-rust wrote no dependency list: {e}"))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{dependencies}\n[workspace]\n"
    );
    fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(dir.join("src/lib.rs"), "pub mod generated;\n").map_err(|e| e.to_string())?;
    Ok(())
}
