//! Shared by the generator's integration tests.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};

use generator::{Generated, Settings};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Every spec the snapshot and compile tests cover: the fixtures, then the
/// real Agilicus spec. Names are file stems.
pub fn specs() -> Vec<(String, PathBuf)> {
    let mut specs = in_dir("generator/tests/fixtures");
    specs.push(("agilicus".to_string(), root().join("spec/agilicus.yaml")));
    specs
}

/// Specs that are broken or unusual, for the diagnostics tests.
pub fn invalid_specs() -> Vec<(String, PathBuf)> {
    in_dir("generator/tests/invalid")
}

/// The YAML and JSON files of a directory, by stem, sorted.
fn in_dir(dir: &str) -> Vec<(String, PathBuf)> {
    let mut specs: Vec<(String, PathBuf)> = std::fs::read_dir(root().join(dir))
        .expect("spec directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .map(|p| (p.file_stem().unwrap_or_default().to_string_lossy().into_owned(), p))
        .collect();
    specs.sort();
    specs
}

/// Settings for a fixture crate called `name`, with what its behaviour
/// tests need.
pub fn settings(name: &str) -> Settings {
    let mut settings = Settings::new(format!("{name}-client"));
    settings.regenerate_with = format!("the generator's tests from {name}");
    settings.dev_dependencies = vec![
        ("futures-util".into(), r#""0.3""#.into()),
        (
            "tokio".into(),
            r#"{ version = "1", features = ["macros", "rt-multi-thread", "io-util"] }"#.into(),
        ),
        ("tokio-util".into(), r#"{ version = "0.7", features = ["io"] }"#.into()),
        ("wiremock".into(), r#""0.6""#.into()),
    ];
    settings
}

pub fn generate(path: &Path, name: &str) -> Generated {
    match try_generate(path, name) {
        Ok(generated) => generated,
        Err(diags) => panic!("{name}: generation failed: {diags:?}"),
    }
}

pub fn try_generate(path: &Path, name: &str) -> Result<Generated, Vec<generator::Diagnostic>> {
    let text = std::fs::read_to_string(path).expect("spec readable");
    generator::generate(&text, &settings(name))
}
