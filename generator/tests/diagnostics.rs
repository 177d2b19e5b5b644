//! Broken and unusual specs: the generator answers with located diagnostics,
//! never a panic, and whatever it emits is valid Rust.

mod common;

use openapi_clientgen::Settings;

/// Each broken spec's outcome, snapshotted: diagnostics as the CLI prints
/// them, and whether files were generated.
#[test]
fn broken_specs_get_located_diagnostics() {
    for (name, path) in common::invalid_specs() {
        let shown = format!("{name}.{}", path.extension().unwrap_or_default().to_string_lossy());
        let (diagnostics, outcome) = match common::try_generate(&path, &name) {
            Ok(generated) => {
                assert_files_parse(&name, &generated.files);
                let outcome = format!("generated {} files", generated.files.len());
                (generated.diagnostics, outcome)
            }
            Err(diagnostics) => (diagnostics, "nothing generated".to_string()),
        };
        let mut text: String = diagnostics.iter().map(|d| d.render(&shown)).collect();
        text.push_str(&outcome);
        insta::assert_snapshot!(name, text);
    }
}

fn assert_files_parse(name: &str, files: &[openapi_clientgen::File]) {
    for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
        if let Err(e) = syn::parse_file(&file.contents) {
            panic!("{name}: {} does not parse: {e}", file.path);
        }
    }
}

/// A spec whose schema nests `depth` arrays deep, as JSON.
fn nested_spec(depth: usize) -> String {
    let mut schema = String::from(r#"{"type": "string"}"#);
    for _ in 0..depth {
        schema = format!(r#"{{"type": "array", "items": {schema}}}"#);
    }
    format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "deep", "version": "1"}}, "paths": {{}},
            "components": {{"schemas": {{"Deep": {schema}}}}}}}"#
    )
}

#[test]
fn deep_nesting_is_refused_or_handled_without_overflow() {
    // Thousands deep: the parser's recursion limit refuses it, with a place.
    let err = openapi_clientgen::generate(&nested_spec(5000), &Settings::new("deep")).unwrap_err();
    let err = err.diagnostics;
    assert!(err[0].message.contains("recursion limit"), "{err:?}");
    assert!(err[0].location.is_some());
    // As deep as the parser allows: degraded past the generator's own bound,
    // with a warning, and formatted on a test thread's small stack.
    let generated = openapi_clientgen::generate(&nested_spec(60), &Settings::new("deep")).unwrap();
    assert!(generated.diagnostics.iter().any(|d| d.message.contains("nest deeper")));
    assert_files_parse("deep", &generated.files);
}
