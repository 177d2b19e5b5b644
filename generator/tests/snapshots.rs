//! Snapshots of the generated crate for every fixture spec and the real
//! spec, so every change in output is a reviewed diff. `cargo insta review`
//! accepts changes.

mod common;

/// Files every crate carries verbatim from `generator/runtime/`; they are
/// reviewed there, not in every snapshot.
const VERBATIM: &[&str] = &["src/error.rs", "src/runtime.rs", "src/transfer.rs", "src/streams.rs"];

/// A snapshot per generated file, in a folder per spec
/// (`snapshots/crates/<spec>/src__apis__users.rs.snap`), so that a review
/// shows which files a change moved; the diagnostics are one more.
#[test]
fn generated_crates_match_their_snapshots() {
    for (name, path) in common::specs() {
        let generated = common::generate(&path, &name);
        let mut diagnostics = String::new();
        for d in &generated.diagnostics {
            diagnostics.push_str(&d.render(&format!("{name}.yaml")));
        }
        let files: Vec<&openapi_clientgen::File> =
            generated.files.iter().filter(|f| !VERBATIM.contains(&f.path.as_str())).collect();
        let dir = format!("snapshots/crates/{name}");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| {
            insta::assert_snapshot!("diagnostics", diagnostics);
            for file in &files {
                insta::assert_snapshot!(snapshot_name(&file.path), file.contents);
            }
        });
        // A file the crate no longer has leaves no snapshot behind.
        let on_disk = common::root().join("generator/tests").join(&dir);
        let expected: Vec<String> = std::iter::once("diagnostics".to_string())
            .chain(files.iter().map(|f| snapshot_name(&f.path)))
            .map(|n| format!("{n}.snap"))
            .collect();
        for entry in std::fs::read_dir(&on_disk).expect("snapshot folder").flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.ends_with(".snap") {
                assert!(
                    expected.contains(&file),
                    "{name}: {file} is a snapshot of a file no longer generated"
                );
            }
        }
    }
}

/// A generated file's path as a snapshot name: `src/apis/users.rs` is
/// `src__apis__users.rs`.
fn snapshot_name(path: &str) -> String {
    path.replace('/', "__")
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
