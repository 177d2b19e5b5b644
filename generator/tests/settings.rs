//! What the settings cannot do is said, at the place in the spec: a serde
//! `with` module where serde cannot apply it, a type that is not Rust, a
//! schema the spec lacks. (What they do is in the `overrides` and `tagged`
//! fixtures' snapshots.)

use openapi_clientgen::{Settings, Severity, TypeOverride, generate};

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: '1'}
servers: [{url: 'https://t.example.com'}]
paths:
  /events:
    get:
      operationId: listEvents
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Log'}
components:
  schemas:
    Log:
      type: object
      properties:
        times: {type: array, items: {type: string, format: date-time}}
        weight: {type: number}
"#;

fn errors(settings: &Settings) -> Vec<String> {
    match generate(SPEC, settings) {
        Ok(generated) => panic!("generated despite {:?}", generated.diagnostics),
        Err(failure) => failure
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} @ {}", d.message, d.pointer))
            .collect(),
    }
}

#[test]
fn a_with_module_inside_a_list_is_refused_at_the_property() {
    let mut settings = Settings::new("t");
    let time = TypeOverride::new("time::OffsetDateTime").serde_with("time::serde::rfc3339");
    settings.format_types.insert("date-time".into(), time);
    let errors = errors(&settings);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("serde cannot apply to the items of a list or map"), "{errors:?}");
    assert!(errors[0].ends_with("@ #/components/schemas/Log/properties/times"), "{errors:?}");
}

#[test]
fn an_override_that_is_not_a_rust_type_or_names_no_schema_is_an_error() {
    let mut settings = Settings::new("t");
    settings.format_types.insert("date-time".into(), TypeOverride::new("not a type!"));
    settings.schema_types.insert("Missing".into(), TypeOverride::new("String"));
    let errors = errors(&settings);
    assert!(
        errors.iter().any(|e| e.contains("`not a type!` (format `date-time`) is not a Rust type")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("schema `Missing`, which the spec does not have")),
        "{errors:?}"
    );
}

#[test]
fn a_comparison_derive_a_model_cannot_have_is_a_warning_naming_it() {
    let mut settings = Settings::new("t");
    settings.model_derives = vec!["Eq".into()];
    let generated = generate(SPEC, &settings).unwrap();
    let warnings: Vec<&str> = generated.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`Eq` is not derived for 1 model(s)") && w.ends_with(": Log")),
        "{warnings:?}"
    );
    let log = generated.files.iter().find(|f| f.path == "src/models/log.rs").unwrap();
    assert!(!log.contents.contains(", Eq,"), "{}", log.contents);
}

#[test]
fn a_derive_that_reads_serdes_attributes_keeps_serdes_derives() {
    let log = |derives: &[&str]| {
        let mut settings = Settings::new("t");
        settings.model_derives = derives.iter().map(|d| d.to_string()).collect();
        let generated = generate(SPEC, &settings).unwrap();
        generated.files.into_iter().find(|f| f.path == "src/models/log.rs").unwrap().contents
    };
    // By default, and with std's comparison traits, the runtime's macro.
    for derives in [&[][..], &["Hash"]] {
        let text = log(derives);
        assert!(text.contains("json_object!") && !text.contains("serde::Deserialize"), "{text}");
    }
    // `schemars::JsonSchema` takes wire names from `#[serde]` attributes.
    let text = log(&["schemars::JsonSchema"]);
    assert!(text.contains("schemars::JsonSchema, serde::Deserialize)]"), "{text}");
    assert!(!text.contains("json_object!"), "{text}");
}

/// Overlays fix a description the user does not own before anything reads
/// it; an action that selects nothing is said at its line in the overlay,
/// and is an error with `overlays_strict`.
#[test]
fn overlays_fix_the_description_and_say_what_no_longer_applies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/overlays");
    let mut settings = Settings::new("vendor-client");
    settings.overlays = vec![dir.join("fixes.overlay.yaml")];
    let api = openapi_clientgen::model_file(&dir.join("vendor.yaml"), &settings).expect("model");
    let op = api.operations().next().expect("one operation");
    assert_eq!(op.fn_name, "list_things");
    let thing = api.type_def("Thing").expect("Thing");
    let openapi_clientgen::ir::TypeKind::Struct(s) = &thing.kind else { panic!("{thing:?}") };
    let field = |wire: &str| s.field(wire).expect(wire);
    assert!(!field("nickname").required && field("id").required);
    assert!(field("owner").nullable);
    let colour = api.type_def("ThingColour").expect("ThingColour");
    let openapi_clientgen::ir::TypeKind::Enum(e) = &colour.kind else { panic!("{colour:?}") };
    assert_eq!(
        e.variants.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>(),
        ["red", "blue", "green"]
    );

    let generated =
        openapi_clientgen::generate_file(&dir.join("vendor.yaml"), &settings).expect("generates");
    let stale: Vec<_> =
        generated.diagnostics.iter().filter(|d| d.message.contains("selects nothing")).collect();
    assert_eq!(stale.len(), 1, "{:?}", generated.diagnostics);
    assert_eq!(stale[0].pointer, "#/actions/4/target");
    assert!(stale[0].file.as_deref().is_some_and(|f| f.ends_with("fixes.overlay.yaml")));
    assert_eq!(stale[0].location.map(|l| l.line), Some(14));
    settings.overlays_strict = true;
    let failure =
        openapi_clientgen::generate_file(&dir.join("vendor.yaml"), &settings).expect_err("strict");
    assert_eq!(failure.errors(), 1, "{:?}", failure.diagnostics);
}
