//! Every snapshot must compile: each fixture's generated crate is written
//! into one scratch workspace under `target/`, checked with clippy (warnings
//! denied, exactly as the committed client is), its behaviour tests
//! (`fixtures/<name>.rs`, if any) run against it, and its docs built with
//! warnings denied.

mod common;

use std::fs;
use std::process::Command;

#[test]
fn generated_fixture_crates_compile_clippy_clean_and_behave() {
    let root = common::root();
    let workspace = root.join("target/fixture-crates");
    let _ = fs::remove_dir_all(&workspace);
    fs::create_dir_all(&workspace).expect("scratch workspace");
    let mut members = Vec::new();
    // Broken specs that still generate must degrade to code that compiles.
    let degraded = common::invalid_specs()
        .into_iter()
        .filter_map(|(name, path)| common::try_generate(&path, &name).ok().map(|g| (name, g)));
    let good = common::specs().into_iter().map(|(name, path)| {
        let generated = common::generate(&path, &name);
        (name, generated)
    });
    for (name, generated) in good.chain(degraded) {
        for file in &generated.files {
            let target = workspace.join(&name).join(&file.path);
            fs::create_dir_all(target.parent().expect("file has a parent")).expect("mkdir");
            fs::write(&target, &file.contents).expect("write");
        }
        let behaviour = root.join(format!("generator/tests/fixtures/{name}.rs"));
        if behaviour.exists() {
            let tests = workspace.join(&name).join("tests");
            fs::create_dir_all(&tests).expect("tests dir");
            fs::copy(&behaviour, tests.join("behaviour.rs")).expect("copy behaviour tests");
        }
        members.push(format!("{name:?}"));
    }
    fs::write(
        workspace.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", ")),
    )
    .expect("workspace manifest");
    // The project's lock file pins the same dependency versions.
    fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).expect("lock file");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // One tag's feature alone compiles only its module and models; with
    // `other-models`, also the models no operation uses, which hold `pets`
    // models.
    let alone = |features| {
        vec![
            "clippy",
            "--quiet",
            "-p",
            "petstore-client",
            "--lib",
            "--no-default-features",
            "--features",
            features,
            "--",
            "-D",
            "warnings",
        ]
    };
    // The libraries as a user gets them, where models have only the serde
    // traits their direction needs; then with every feature, `serde-all`
    // among them, which the behaviour tests use to look at wire forms.
    let steps = [
        vec!["clippy", "--workspace", "--lib", "--quiet", "--", "-D", "warnings"],
        vec![
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
        alone("store"),
        alone("store,other-models"),
        vec!["test", "--workspace", "--all-features", "--quiet"],
        // Intra-doc links (header structs, body enums, setters) must resolve.
        vec!["doc", "--workspace", "--no-deps", "--quiet"],
    ];
    for step in steps {
        let output = Command::new(&cargo)
            .args(&step)
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", root.join("target/fixture-check"))
            .env("RUSTDOCFLAGS", "-D warnings")
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "cargo {} failed on the generated crates:\n{}\n{}",
            step[0],
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
