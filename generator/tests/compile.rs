//! Every snapshot must compile: each fixture's generated crate is written
//! into one scratch workspace under `target/`, checked with clippy (warnings
//! denied, exactly as the committed client is), its behaviour tests
//! (`fixtures/<name>.rs`, if any) run against it, and its docs built with
//! warnings denied. Beside them, specs drawn at random (by proptest, from a
//! fixed seed) put constraints of every kind on values in every place, and
//! must compile the same way: whatever the emitters write, the runtime
//! parts it calls must be there.

mod common;

use std::fs;
use std::process::Command;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

/// Where a random spec puts its constraints: one kind of place per spec,
/// so that a runtime part needed by that place alone is missed if the
/// place's checks and the part's choice disagree.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    Path,
    Query,
    Header,
    Cookie,
    Body,
    /// The items of a paged list and its cursor (read, not checked).
    Page,
}

const PLACES: [Place; 6] =
    [Place::Path, Place::Query, Place::Header, Place::Cookie, Place::Body, Place::Page];

/// A scalar schema: with constraints of its kind, and of another kind
/// (which constrain nothing and must not break the build either), when
/// `constrained`.
fn scalar(constrained: bool) -> impl Strategy<Value = Value> {
    let pattern = prop_oneof![
        Just("^[a-z]+$"),
        Just("(a|b)=.+"),
        // Look-around: the client's engine lacks it, so it goes unchecked.
        Just("^(?=x)x$"),
        Just("/^[A-Z]{2}$/i"),
    ];
    let count = proptest::option::of(0usize..4);
    let bound = proptest::option::of(-3i64..3);
    prop_oneof![
        (count.clone(), count.clone(), proptest::option::of(pattern), any::<bool>()).prop_map(
            |(min, max, pattern, wrong)| {
                let mut s = json!({"type": "string", "minLength": min, "maxLength": max.map(|m| m + 4), "pattern": pattern});
                if wrong {
                    s["minimum"] = json!(1);
                }
                s
            }
        ),
        (prop_oneof![Just("int32"), Just("int64")], bound.clone(), bound.clone(), any::<bool>())
            .prop_map(|(format, min, max, exclusive)| json!({"type": "integer", "format": format,
                "minimum": min, "maximum": max.map(|m| m + 4), "exclusiveMinimum": exclusive})),
        (prop_oneof![Just("float"), Just("double")], bound.clone(), bound)
            .prop_map(|(format, min, max)| json!({"type": "number", "format": format, "minimum": min, "maximum": max})),
    ]
    .prop_map(move |mut s| {
        if let Value::Object(map) = &mut s {
            // `null` keywords are absent ones.
            map.retain(|k, v| !v.is_null() && (constrained || k == "type" || k == "format"));
        }
        s
    })
}

/// A value's schema: a scalar, a list of them with their own bounds, or a
/// reference to a component that is one (components are constrained).
fn value(constrained: bool) -> impl Strategy<Value = Value> {
    let count = proptest::option::of(0usize..3);
    let list = (scalar(constrained), count.clone(), count, any::<bool>()).prop_map(
        move |(items, min, max, unique)| {
            let mut s = json!({"type": "array", "items": items});
            if constrained {
                s["uniqueItems"] = json!(unique);
                if let Some(min) = min {
                    s["minItems"] = json!(min);
                }
                if let Some(max) = max {
                    s["maxItems"] = json!(max + 3);
                }
            }
            s
        },
    );
    let component =
        (0usize..3, any::<bool>(), Just(constrained)).prop_map(|(i, listed, constrained)| {
            let reference = json!({"$ref": format!("#/components/schemas/Scalar{i}")});
            match (constrained, listed) {
                (false, _) => json!({"type": "string"}),
                (true, false) => reference,
                (true, true) => json!({"type": "array", "items": reference}),
            }
        });
    prop_oneof![3 => scalar(constrained), 2 => list, 2 => component]
}

/// An operation with parameters in every place, a body of properties in
/// every holder, and a paged list response whose items and cursor sit in
/// any holder; only `focus` is constrained.
fn operation(n: usize, focus: Place) -> impl Strategy<Value = (String, Value)> {
    let at = |place| value(place == focus);
    let places = (
        proptest::collection::vec(at(Place::Path), 0..3),
        proptest::collection::vec(at(Place::Query), 0..3),
        proptest::collection::vec(at(Place::Header), 0..3),
        proptest::collection::vec(at(Place::Cookie), 0..3),
    );
    let property = (at(Place::Body), any::<bool>(), any::<bool>(), any::<bool>());
    let body = proptest::collection::vec(property, 1..5);
    let page =
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), value(focus == Place::Page));
    (places, body, page).prop_map(move |((path, query, header, cookie), body, page)| {
        let mut params = Vec::new();
        let mut template = format!("/op{n}");
        for (i, schema) in path.into_iter().enumerate() {
            template.push_str(&format!("/{{path{i}}}"));
            params.push(json!({"name": format!("path{i}"), "in": "path", "required": true, "schema": schema}));
        }
        for (place, schemas) in [("query", query), ("header", header), ("cookie", cookie)] {
            for (i, schema) in schemas.into_iter().enumerate() {
                let required = i % 2 == 0;
                params.push(json!({"name": format!("{place}{i}"), "in": place, "required": required, "schema": schema}));
            }
        }
        params.push(json!({"name": "cursor", "in": "query", "schema": {"type": "string"}}));
        let mut properties = serde_json::Map::new();
        let mut required = Vec::new();
        for (i, (mut schema, is_required, nullable, read_only)) in body.into_iter().enumerate() {
            let name = format!("field{i}");
            if nullable && schema.get("$ref").is_none() {
                schema["nullable"] = json!(true);
            }
            if read_only && i > 0 {
                schema["readOnly"] = json!(true);
            }
            if is_required {
                required.push(name.clone());
            }
            properties.insert(name, schema);
        }
        let (items_required, items_nullable, cursor_required, cursor_nullable, item) = page;
        let mut page_required = Vec::new();
        if items_required {
            page_required.push("data");
        }
        if cursor_required {
            page_required.push("next_cursor");
        }
        let mut op = json!({
            "operationId": format!("op{n}"),
            "parameters": params,
            "responses": {"200": {"description": "A page.", "content": {"application/json": {"schema": {
                "type": "object",
                "required": page_required,
                "properties": {
                    "data": {"type": "array", "nullable": items_nullable, "items": item},
                    "next_cursor": {"type": "string", "nullable": cursor_nullable}
                }
            }}}}}
        });
        // A `GET` pages; one with a body is a `POST`.
        let method = if n % 2 == 0 {
            "get"
        } else {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {
                "type": "object", "properties": properties, "required": required}}}});
            "post"
        };
        (template, json!({ method: op }))
    })
}

/// A spec of four operations whose constraints sit in `focus` only.
fn constrained_spec(focus: Place) -> impl Strategy<Value = String> {
    let operations: Vec<_> = (0..4).map(|n| operation(n, focus)).collect();
    (operations, proptest::collection::vec(scalar(true), 3)).prop_map(|(operations, scalars)| {
        let paths: serde_json::Map<String, Value> = operations.into_iter().collect();
        let schemas: serde_json::Map<String, Value> =
            scalars.into_iter().enumerate().map(|(i, s)| (format!("Scalar{i}"), s)).collect();
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Constraints", "version": "1"},
            "servers": [{"url": "https://constraints.example.com"}],
            "paths": paths,
            "components": {"schemas": schemas}
        })
        .to_string()
    })
}

/// Specs drawn from a fixed seed (so a failure is the same on every run):
/// `CONSTRAINT_SPECS` rounds (1 unless set; raise it for a longer hunt) of
/// one spec per kind of place.
fn constrained_specs() -> Vec<(String, openapi_clientgen::Generated)> {
    let rounds = std::env::var("CONSTRAINT_SPECS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let mut runner = TestRunner::deterministic();
    let mut specs = Vec::new();
    for round in 0..rounds {
        for focus in PLACES {
            let text = constrained_spec(focus).new_tree(&mut runner).expect("a spec").current();
            let name = format!("constraints-{focus:?}-{round}").to_lowercase();
            match openapi_clientgen::generate(&text, &common::settings(&name)) {
                Ok(generated) => specs.push((name, generated)),
                Err(f) => panic!("{name} does not generate: {:?}\n{text}", f.diagnostics),
            }
        }
    }
    specs
}

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
    for (name, generated) in good.chain(degraded).chain(constrained_specs()) {
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
