//! Snapshots of the generated crate for every fixture spec and the real
//! spec, so every change in output is a reviewed diff. `cargo insta review`
//! accepts changes.

mod common;

/// Files every crate carries verbatim from `generator/runtime/`; they are
/// reviewed there, not in every snapshot.
const VERBATIM: &[&str] = &["src/error.rs", "src/runtime.rs", "src/transfer.rs", "src/streams.rs"];

#[test]
fn generated_crates_match_their_snapshots() {
    for (name, path) in common::specs() {
        let generated = common::generate(&path, &name);
        let mut text = String::new();
        for d in &generated.diagnostics {
            text.push_str(&d.render(&format!("{name}.yaml")));
        }
        for file in generated.files.iter().filter(|f| !VERBATIM.contains(&f.path.as_str())) {
            text.push_str(&format!("\n==== {} ====\n{}", file.path, file.contents));
        }
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn generation_is_deterministic() {
    for (name, path) in common::specs() {
        let first = common::generate(&path, &name);
        let second = common::generate(&path, &name);
        assert_eq!(first.files, second.files, "{name}: two runs differ");
        assert_eq!(first.diagnostics, second.diagnostics, "{name}: diagnostics differ");
    }
}
