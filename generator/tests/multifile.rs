//! Specs split over several files: references are followed relative to the
//! file that makes them, and the crate is the one the bundled form makes.

mod common;

use openapi_clientgen::Severity;

#[test]
fn a_split_spec_generates_the_crate_its_bundled_form_does() {
    let dir = common::root().join("generator/tests/fixtures/split");
    let settings = common::settings("split");
    let split =
        openapi_clientgen::generate_file(&dir.join("openapi.yaml"), &settings).expect("split spec");
    let bundled =
        openapi_clientgen::generate_file(&dir.join("bundled.yaml"), &settings).expect("bundled");
    assert!(split.diagnostics.is_empty(), "{:?}", split.diagnostics);
    assert_eq!(split.files.len(), bundled.files.len());
    for (a, b) in split.files.iter().zip(&bundled.files) {
        assert_eq!(a.path, b.path);
        // Model pages name the place a type came from, which differs.
        let lines = |text: &str| -> Vec<String> {
            text.lines().filter(|l| !l.starts_with("From `")).map(str::to_string).collect()
        };
        assert_eq!(lines(&a.contents), lines(&b.contents), "{} differs", a.path);
    }
    let order = split.files.iter().find(|f| f.path == "docs/models/Order.md").expect("order page");
    assert!(order.contents.contains("From `components/order.yaml#`."), "{}", order.contents);
}

#[test]
fn faults_in_other_files_are_reported_where_they_are_and_fail_the_run() {
    let spec = common::root().join("generator/tests/invalid/split/openapi.yaml");
    let failure = openapi_clientgen::generate_file(&spec, &common::settings("broken-split"))
        .expect_err("errors fail the run");
    assert!(failure.allowable);
    let text: String =
        failure.diagnostics.iter().map(|d| d.render("invalid/split/openapi.yaml")).collect();
    insta::assert_snapshot!("split_faults", text);
    assert_eq!(failure.errors(), 6);
    assert!(failure.diagnostics.iter().any(|d| d.severity == Severity::Warning));
    // With `allow_errors`, the degraded crate is written.
    let mut settings = common::settings("broken-split");
    settings.allow_errors = true;
    let generated = openapi_clientgen::generate_file(&spec, &settings).expect("degraded crate");
    assert!(generated.has_errors());
}

#[test]
fn a_spec_given_as_text_cannot_follow_references_to_files() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'other.yaml#/A'}\n";
    let failure = openapi_clientgen::generate(text, &openapi_clientgen::Settings::new("t"))
        .expect_err("error");
    assert!(failure.diagnostics[0].message.contains("given as text"), "{:?}", failure.diagnostics);
    assert_eq!(failure.diagnostics[0].location.map(|l| l.line), Some(6));
}

/// A pointer through references that lead back to each other is a cycle,
/// said where it is written, not a hang.
#[test]
fn a_pointer_through_a_reference_cycle_is_an_error() {
    let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a: {$ref: '#/paths/~1b'}
  /b: {$ref: '#/paths/~1a'}
  /c:
    get:
      responses:
        '404': {$ref: '#/paths/~1a/get/responses/404'}
"#;
    let failure = openapi_clientgen::generate(text, &openapi_clientgen::Settings::new("t"))
        .expect_err("a cycle is an error");
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.message.contains("cycle") && d.pointer == "#/paths/~1c/get/responses/404"),
        "{:?}",
        failure.diagnostics
    );
}
