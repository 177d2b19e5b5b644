//! `Project`: a generated crate on disk, written, checked for drift, and
//! versioned by what changed in its spec.

use std::fs;
use std::path::{Path, PathBuf};

use openapi_clientgen::project::Error;
use openapi_clientgen::{Project, Settings};

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("project-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn version(out: &Path) -> String {
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("version = ")).unwrap();
    line.trim_start_matches("version = ").trim_matches('"').to_string()
}

/// Regenerating through the Users API's real history moves the version by
/// each step's report, keeps a changelog entry per step, and leaves the
/// drift check satisfied after each.
#[test]
fn regenerating_through_a_history_moves_the_version() {
    let scratch = Scratch::new("history");
    let (out, spec) = (scratch.0.join("crate"), scratch.0.join("users.yaml"));
    let mut versions = Vec::new();
    for api in ["2021.03.26", "2021.03.30", "2021.04.12", "2021.04.29"] {
        fs::copy(fixture(&format!("history/agilicus-users-{api}.yaml")), &spec).unwrap();
        let project = Project::new(&spec, &out, Settings::new("users"));
        let plan = project.write().unwrap();
        project.check().unwrap();
        assert_eq!(plan.version.next, version(&out));
        versions.push(version(&out));
    }
    let changelog = fs::read_to_string(out.join("CHANGELOG.md")).unwrap();
    // Version string only, then two additive steps: patch, minor, minor
    // (0.x moves its last number for both).
    assert_eq!(versions, ["0.1.0", "0.1.1", "0.1.2", "0.1.3"]);
    let entries: Vec<&str> = changelog.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        entries,
        [
            "## 0.1.3 (API 2021.04.29)",
            "## 0.1.2 (API 2021.04.12)",
            "## 0.1.1 (API 2021.03.30)",
            "## 0.1.0 (API 2021.03.26)"
        ]
    );
    assert!(changelog.contains("New operation `list_user_resource_access_info`"));
}

/// A hand edit, a missing file and a file no longer generated each fail
/// the check with a diff naming it; writing again repairs all three.
#[test]
fn the_check_fails_on_drift_with_a_diff() {
    let scratch = Scratch::new("drift");
    let out = scratch.0.join("crate");
    let project = Project::new(fixture("petstore.yaml"), &out, Settings::new("petstore"))
        .show_paths_from(&scratch.0);
    project.write().unwrap();
    project.check().unwrap();

    let lib = out.join("src/lib.rs");
    fs::write(&lib, fs::read_to_string(&lib).unwrap().replace("//!", "// edited:")).unwrap();
    fs::remove_file(out.join("src/client.rs")).unwrap();
    fs::write(out.join("src/leftover.rs"), "// old\n").unwrap();
    let Err(Error::Stale { diff, .. }) = project.check() else { panic!("the edits went unseen") };
    assert!(diff.contains("--- a/crate/src/lib.rs") && diff.contains("-// edited:"), "{diff}");
    assert!(diff.contains("+++ b/crate/src/client.rs"), "{diff}");
    assert!(diff.contains("crate/src/leftover.rs\n+++ /dev/null"), "{diff}");

    project.write().unwrap();
    project.check().unwrap();
    assert!(!out.join("src/leftover.rs").exists());
}

/// Writing again touches only what differs: an unchanged file keeps its
/// modification time (so cargo does not rebuild for nothing), an edited
/// one is rewritten, and a removed directory is made again with its files.
#[test]
fn writing_again_touches_only_what_differs() {
    let scratch = Scratch::new("rewrite");
    let out = scratch.0.join("crate");
    let project = Project::new(fixture("petstore.yaml"), &out, Settings::new("petstore"));
    project.write().unwrap();
    let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    let age = |path: &Path| fs::metadata(path).unwrap().modified().unwrap();
    let (client, lib) = (out.join("src/client.rs"), out.join("src/lib.rs"));
    for path in [&client, &lib] {
        fs::File::options().write(true).open(path).unwrap().set_modified(long_ago).unwrap();
    }
    fs::write(&lib, "// edited\n").unwrap();
    fs::File::options().write(true).open(&lib).unwrap().set_modified(long_ago).unwrap();
    fs::remove_dir_all(out.join("src/models")).unwrap();

    project.write().unwrap();
    assert_eq!(age(&client), long_ago, "an unchanged file was rewritten");
    assert_ne!(age(&lib), long_ago, "an edited file was left as it was");
    assert_ne!(fs::read_to_string(&lib).unwrap(), "// edited\n");
    assert!(fs::read_dir(out.join("src/models")).unwrap().count() > 1);
    project.check().unwrap();
}

/// A spec with errors writes nothing and says where they are.
#[test]
fn errors_in_the_spec_write_nothing() {
    let scratch = Scratch::new("errors");
    let spec = scratch.0.join("broken.yaml");
    fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
    )
    .unwrap();
    let out = scratch.0.join("crate");
    let err = Project::new(&spec, &out, Settings::new("broken")).write().unwrap_err();
    let Error::Spec { errors, allowable: true, .. } = &err else { panic!("{err}") };
    assert_eq!(*errors, 1);
    let shown = err.to_string();
    assert!(shown.contains("broken.yaml:11:") && shown.contains("Missing"), "{shown}");
    assert!(!out.exists());
}

/// Crate metadata from the settings lands in the manifest.
#[test]
fn settings_set_the_crate_metadata() {
    let scratch = Scratch::new("metadata");
    let out = scratch.0.join("crate");
    let mut settings = Settings::new("pets");
    settings.description = Some("Pets, typed".into());
    settings.license = Some("MIT".into());
    settings.repository = Some("https://example.com/pets".into());
    settings.publish = true;
    settings.own_workspace = true;
    Project::new(fixture("petstore.yaml"), &out, settings).write().unwrap();
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    for line in [
        "description = \"Pets, typed\"",
        "license = \"MIT\"",
        "repository = \"https://example.com/pets\"",
        "\n[workspace]\n",
    ] {
        assert!(manifest.contains(line), "{line} missing from\n{manifest}");
    }
    assert!(!manifest.contains("publish = false"));
}
