//! Shared by the generator's integration tests.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use openapi_clientgen::{Generated, Settings, TypeOverride};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Every spec the snapshot and compile tests cover: the fixtures (a spec
/// split over several files is a folder with an `openapi.yaml`), then the
/// real Agilicus spec. Names are file or folder stems.
pub fn specs() -> Vec<(String, PathBuf)> {
    let mut specs = in_dir("generator/tests/fixtures");
    specs.push(("split".to_string(), root().join("generator/tests/fixtures/split/openapi.yaml")));
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
        ("url".into(), r#""2""#.into()),
        ("wiremock".into(), r#""0.6""#.into()),
    ];
    // Each fixture's harness is snapshotted and must compile clippy-clean.
    settings.conformance = true;
    // Fixtures that show what a setting does.
    match name {
        "overrides" => {
            let time = TypeOverride::new("time::OffsetDateTime").serde_with("time::serde::rfc3339");
            settings.format_types = BTreeMap::from([
                ("decimal".into(), TypeOverride::new("rust_decimal::Decimal")),
                ("date-time".into(), time),
                ("uuid".into(), TypeOverride::new("String")),
            ]);
            let map = TypeOverride::new("std::collections::BTreeMap<String, String>");
            settings.schema_types = BTreeMap::from([("Metadata".into(), map)]);
            settings.model_derives = vec!["Eq".into(), "Hash".into()];
            settings.dependencies = vec![
                (
                    "rust_decimal".into(),
                    r#"{ version = "1", default-features = false, features = ["serde", "std"] }"#
                        .into(),
                ),
                (
                    "time".into(),
                    r#"{ version = "0.3", features = ["serde", "formatting", "parsing"] }"#.into(),
                ),
            ];
        }
        "tagged" => {
            settings.tags = Some(vec!["orders".into()]);
            // The runtime's optional parts off by default.
            settings.tracing = false;
            settings.retries = false;
        }
        _ => {}
    }
    settings
}

/// Generates a good fixture's crate: errors fail it, as they fail
/// `codegen`.
pub fn generate(path: &Path, name: &str) -> Generated {
    match openapi_clientgen::generate_file(path, &settings(name)) {
        Ok(generated) => generated,
        Err(failure) => panic!("{name}: generation failed: {:?}", failure.diagnostics),
    }
}

/// Generates a fixture's crate; broken fixtures are written degraded, as
/// `--allow-errors` would.
pub fn try_generate(
    path: &Path,
    name: &str,
) -> Result<Generated, Vec<openapi_clientgen::Diagnostic>> {
    let mut settings = settings(name);
    settings.allow_errors = true;
    openapi_clientgen::generate_file(path, &settings).map_err(|f| f.diagnostics)
}
