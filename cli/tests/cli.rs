//! The `clientgen` binary as CI and a user meet it: its commands, its
//! messages and its exit codes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("clientgen-{name}-{}", std::process::id()));
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
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/fixtures").join(name)
}

fn clientgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clientgen")).args(args).current_dir(dir).output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn generate_then_check_from_a_settings_file() {
    let scratch = Scratch::new("config");
    fs::copy(fixture("petstore.yaml"), scratch.0.join("petstore.yaml")).unwrap();
    fs::write(
        scratch.0.join("clientgen.toml"),
        "spec = \"petstore.yaml\"\nout = \"client\"\n\n[crate]\nname = \"pets\"\nlicense = \"MIT\"\n",
    )
    .unwrap();
    let generated = clientgen(&scratch.0, &["generate"]);
    assert!(generated.status.success(), "{}", text(&generated));
    assert!(text(&generated).contains("pets 0.1.0 (unchanged)"), "{}", text(&generated));
    assert!(
        fs::read_to_string(scratch.0.join("client/Cargo.toml"))
            .unwrap()
            .contains("license = \"MIT\"")
    );
    let checked = clientgen(&scratch.0, &["check"]);
    assert_eq!(checked.status.code(), Some(0), "{}", text(&checked));

    // A hand edit: the check fails with exit code 1 and a diff.
    let lib = scratch.0.join("client/src/lib.rs");
    fs::write(&lib, format!("{}// edited\n", fs::read_to_string(&lib).unwrap())).unwrap();
    let stale = clientgen(&scratch.0, &["check"]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(text(&stale).contains("-// edited"), "{}", text(&stale));
}

#[test]
fn an_unknown_setting_names_its_line() {
    let scratch = Scratch::new("unknown-key");
    fs::write(
        scratch.0.join("clientgen.toml"),
        "spec = \"a.yaml\"\nout = \"c\"\n\n[crate]\nname = \"a\"\nlicence = \"MIT\"\n",
    )
    .unwrap();
    let output = clientgen(&scratch.0, &["generate"]);
    assert_eq!(output.status.code(), Some(3));
    let shown = text(&output);
    assert!(
        shown.contains("unknown field `licence`") && shown.contains("clientgen.toml:6:1"),
        "{shown}"
    );
}

#[test]
fn a_tag_filter_keeps_that_tags_operations_and_types() {
    let scratch = Scratch::new("tags");
    let spec = fixture("petstore.yaml");
    let spec = spec.to_str().unwrap();
    let output =
        clientgen(&scratch.0, &["generate", "--spec", spec, "--out", "c", "--tags", "pets"]);
    assert!(output.status.success(), "{}", text(&output));
    let wrong =
        clientgen(&scratch.0, &["generate", "--spec", spec, "--out", "d", "--tags", "cats"]);
    assert_eq!(wrong.status.code(), Some(3));
    assert!(text(&wrong).contains("tag `cats`, which no operation has"), "{}", text(&wrong));
}

#[test]
fn diff_gates_on_the_kind_of_change() {
    let scratch = Scratch::new("diff");
    let old = fixture("history/agilicus-users-2021.04.12.yaml");
    let new = fixture("history/agilicus-users-2021.04.29.yaml");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let additive = clientgen(&scratch.0, &["diff", old, new, "--fail-on", "major"]);
    assert_eq!(additive.status.code(), Some(0), "{}", text(&additive));
    assert!(text(&additive).contains("list_user_resource_access_info"));
    // Backwards, the new operation is removed: breaking on the wire and in Rust.
    let removal = clientgen(&scratch.0, &["diff", new, old, "--json", "--fail-on", "wire"]);
    assert_eq!(removal.status.code(), Some(1));
    assert!(text(&removal).contains("\"bump\": \"major\""), "{}", text(&removal));
}

#[test]
fn explain_says_what_a_location_becomes() {
    let scratch = Scratch::new("explain");
    let spec = fixture("petstore.yaml");
    let spec = spec.to_str().unwrap();
    let operation = clientgen(&scratch.0, &["explain", spec, "#/paths/~1pets~1{petId}/get"]);
    assert!(operation.status.success(), "{}", text(&operation));
    assert!(text(&operation).contains("`client.pets().get_pet(pet_id)`"), "{}", text(&operation));
    let schema = clientgen(&scratch.0, &["explain", spec, "#/components/schemas/Pet"]);
    assert!(text(&schema).contains("becomes `models::Pet`: a struct"), "{}", text(&schema));
    let nothing = clientgen(&scratch.0, &["explain", spec, "#/components/schemas/Nope"]);
    assert_eq!(nothing.status.code(), Some(1));
}

#[test]
fn a_wrong_command_line_is_exit_code_2_with_help() {
    let scratch = Scratch::new("usage");
    let output = clientgen(&scratch.0, &["generate", "--spec", "a.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("--spec and --out go together") && text(&output).contains("Usage:")
    );
}

#[test]
fn help_after_a_command_is_help_not_a_bad_flag() {
    let scratch = Scratch::new("help");
    for args in [&["--help"][..], &["generate", "--help"], &["diff", "-h"], &["help"]] {
        let output = clientgen(&scratch.0, args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", text(&output));
        assert!(text(&output).contains("Usage:"), "{args:?}");
    }
}
