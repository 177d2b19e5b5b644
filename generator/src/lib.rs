//! An OpenAPI → Rust client generator: OpenAPI 3.0 and 3.1, Swagger 2.0,
//! one file or several.
//!
//! # Use it from your own `xtask`
//!
//! A [`Project`] is a spec and the directory of the crate generated from
//! it. [`Project::write`] regenerates the crate (moving its version by
//! what changed in the API, see [`release`]); [`Project::check`] fails
//! with a unified diff when the committed crate is stale, which is the
//! drift gate for CI. A complete `xtask/src/main.rs`:
//!
//! ```no_run
//! use openapi_clientgen::{Project, Settings};
//! use std::process::ExitCode;
//!
//! fn main() -> ExitCode {
//!     let mut settings = Settings::new("petstore-client");
//!     settings.regenerate_with = "`cargo xtask codegen`".into();
//!     let project = Project::new("spec/petstore.yaml", "petstore-client", settings);
//!     let check = std::env::args().any(|a| a == "--check");
//!     match if check { project.check() } else { project.write() } {
//!         Ok(plan) => eprint!("{}", plan.render_diagnostics()),
//!         Err(e) => {
//!             eprintln!("{e}");
//!             return ExitCode::FAILURE;
//!         }
//!     }
//!     ExitCode::SUCCESS
//! }
//! ```
//!
//! The same settings can live in a `clientgen.toml` next to the spec
//! ([`config`]; `Config::load(path)?.project()`), which the `clientgen`
//! command-line tool reads too. [`diff_files`] is the API change report
//! between two versions of a spec, and [`explain_file`] says what a spec
//! location becomes in Rust.
//!
//! # How it works
//!
//! The pipeline has four stages, each in its own module, with a plain type
//! between each:
//!
//! 1. [`load`]: spec files → one OpenAPI 3.0 document (`openapiv3::OpenAPI`,
//!    with what 3.0 cannot hold beside it, and a map back to file:line:col);
//! 2. [`lower`]: OpenAPI → [`ir::Api`], the intermediate model, which is
//!    where every decision about the meaning of the spec is made;
//! 3. [`emit`]: `ir::Api` → token streams, one per file;
//! 4. [`format`](mod@format): tokens → formatted source text.
//!
//! [`generate`] and [`generate_file`] run them all. Problems with the spec
//! are [`Diagnostic`]s, never panics.
//!
//! Beside the pipeline, [`diff`] compares two versions of an API's model
//! (what changed, breaking on the wire or in Rust, the semver bump), and
//! [`release`] turns that report into the generated crate's next version
//! and changelog entry.

pub mod config;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod project;
pub mod release;

use std::collections::BTreeMap;

pub use diag::{Diagnostic, Severity};
pub use format::File;
pub use project::{Plan, Project};

/// What the generated crate is called and how it says it was made.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Package name, e.g. `agilicus-api`.
    pub crate_name: String,
    pub crate_version: String,
    /// What regenerates the crate, named in every file header and in the
    /// crate's docs, which read it as Markdown: put a command in backticks.
    pub regenerate_with: String,
    /// Extra `[dev-dependencies]` entries: name and TOML value.
    pub dev_dependencies: Vec<(String, String)>,
    /// Benchmarks under `benches/` with their own `main` (criterion's).
    pub benches: Vec<String>,
    /// Write the crate even when the spec has errors (a dangling reference,
    /// an unknown type): the code then degrades where they are, usually to
    /// `serde_json::Value`. Off by default: an error fails the run.
    pub allow_errors: bool,
    /// Other files a spec refers to must be under this folder; the root
    /// spec's own folder when `None`.
    pub reference_root: Option<std::path::PathBuf>,
    /// Write `tests/conformance.rs` too: every operation called against a
    /// mock of the spec (`cargo xtask conformance` runs it against Prism).
    pub conformance: bool,
    /// The crate's `description`; `Client for <title> <version>` when `None`.
    pub description: Option<String>,
    /// The crate's `license` (an SPDX expression), if it has one.
    pub license: Option<String>,
    /// The crate's `repository` URL, if it has one.
    pub repository: Option<String>,
    /// Whether `cargo publish` may publish the crate (`publish = false`
    /// otherwise).
    pub publish: bool,
    /// The crate is a workspace of its own (`[workspace]` in its manifest),
    /// so it builds where it lands outside any workspace.
    pub own_workspace: bool,
    /// Generate only these tags' operations (each as the spec writes it,
    /// or as its module name) and the types they use; every tag when
    /// `None`. A tag the spec lacks is an error.
    pub tags: Option<Vec<String>>,
    /// Rust types used instead of the generator's for a `format`, whatever
    /// the schema's type: `decimal` → `rust_decimal::Decimal`, `date-time`
    /// → `time::OffsetDateTime` (with `time::serde::rfc3339`), `uuid` →
    /// `String` (no `uuid` crate).
    pub format_types: BTreeMap<String, TypeOverride>,
    /// Existing Rust types used instead of generating a component schema,
    /// by the schema's name in the spec.
    pub schema_types: BTreeMap<String, TypeOverride>,
    /// Extra `[dependencies]` entries (name and TOML value), for the
    /// crates the overrides and derives name.
    pub dependencies: Vec<(String, String)>,
    /// Extra derives on every model struct and union (`Eq`, `Hash`,
    /// `schemars::JsonSchema`). `Eq`, `Hash`, `PartialOrd` and `Ord` go
    /// only where every field has them (not beside an `f64`, say); a
    /// warning names the types left without. Enums have them already.
    /// A struct with any other extra derive keeps serde's own derives
    /// (rather than the runtime's `json_object!`), since such derives read
    /// serde's field attributes for wire names.
    pub model_derives: Vec<String>,
    /// Whether the crate's `tracing` feature (a span per request, events
    /// for retries and redirects) is on by default. Its users can turn it
    /// on or off either way; off, the `tracing` crate is not compiled.
    pub tracing: bool,
    /// Whether a client retries by default (idempotent requests, on
    /// connection failures, 429 and 503, with backoff), or only when its
    /// builder is given a `RetryPolicy`.
    pub retries: bool,
    /// OpenAPI Overlay 1.0 documents applied, in order, to the description
    /// as written before anything reads it: fixes to a spec you do not own
    /// that survive its updates.
    pub overlays: Vec<std::path::PathBuf>,
    /// Whether an overlay action that selects nothing fails the run (else
    /// it is a warning).
    pub overlays_strict: bool,
}

/// A Rust type put in place of the one the generator would make. It must
/// implement `Debug`, `Clone` and `PartialEq`, and serde's traits unless
/// `serde_with` says how it is read and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeOverride {
    /// Its path, as the generated crate names it: `rust_decimal::Decimal`.
    pub rust_type: String,
    /// A serde `with` module that writes and reads it as the spec says
    /// (`time::serde::rfc3339`); optional fields use its `option`
    /// submodule. It applies to fields, union variants and parameters.
    pub serde_with: Option<String>,
}

impl TypeOverride {
    pub fn new(rust_type: impl Into<String>) -> Self {
        Self { rust_type: rust_type.into(), serde_with: None }
    }

    /// Reads and writes the type through the serde `with` module `module`.
    pub fn serde_with(mut self, module: impl Into<String>) -> Self {
        self.serde_with = Some(module.into());
        self
    }
}

impl Settings {
    /// Settings for a crate called `crate_name`, version 0.1.0.
    pub fn new(crate_name: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".into(),
            regenerate_with: "the OpenAPI generator".into(),
            dev_dependencies: Vec::new(),
            benches: Vec::new(),
            allow_errors: false,
            reference_root: None,
            conformance: false,
            description: None,
            license: None,
            repository: None,
            publish: false,
            own_workspace: false,
            tags: None,
            format_types: BTreeMap::new(),
            schema_types: BTreeMap::new(),
            dependencies: Vec::new(),
            model_derives: Vec::new(),
            tracing: true,
            retries: true,
            overlays: Vec::new(),
            overlays_strict: false,
        }
    }
}

/// The output of a successful run: the crate's files and any warnings.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: Vec<File>,
    /// Warnings and non-fatal errors (where the output degrades).
    pub diagnostics: Vec<Diagnostic>,
}

impl Generated {
    /// Whether any diagnostic is an error (the output then compiles but is
    /// not faithful to the spec everywhere).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Why a run wrote nothing.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Everything found, errors and warnings, placed in the spec's files.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the spec was read and only its errors stopped the run: with
    /// [`Settings::allow_errors`] a degraded crate would have been written.
    pub allowable: bool,
}

impl Failure {
    fn fatal(diagnostic: Diagnostic) -> Self {
        Self { diagnostics: vec![diagnostic], allowable: false }
    }

    /// How many of the diagnostics are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }
}

/// Runs the whole pipeline on spec text (YAML or JSON). References to
/// other files cannot be followed; use [`generate_file`] for a spec that has
/// them.
///
/// Fails when there is nothing to generate from (the text is not an OpenAPI
/// document), or when the spec has errors and [`Settings::allow_errors`] is
/// off; the diagnostics say why. Warnings never fail the run.
pub fn generate(spec_text: &str, settings: &Settings) -> Result<Generated, Failure> {
    let overlays = overlays(settings)?;
    run(load::Input { overlays: &overlays, ..text_input(spec_text, settings) }, settings)
}

/// A spec given as text, with the settings' overlay strictness.
fn text_input<'a>(text: &'a str, settings: &Settings) -> load::Input<'a> {
    load::Input { overlays_strict: settings.overlays_strict, ..load::Input::text(text) }
}

/// The settings' overlay files, read.
fn overlays(settings: &Settings) -> Result<Vec<load::Overlay>, Failure> {
    settings
        .overlays
        .iter()
        .map(|path| {
            let text = read(path)?;
            Ok(load::Overlay { name: path.display().to_string(), text })
        })
        .collect()
}

/// Runs the whole pipeline on a spec file, following its references to
/// other files (relative to the file that makes them, under
/// [`Settings::reference_root`]). Fails as [`generate`] does, and when the
/// file cannot be read.
pub fn generate_file(path: &std::path::Path, settings: &Settings) -> Result<Generated, Failure> {
    let text = read(path)?;
    let overlays = overlays(settings)?;
    run(file_input(&text, path, settings, &overlays), settings)
}

/// Loads and lowers a spec file (following its references, as
/// [`generate_file`] does) into the intermediate model, which
/// [`diff::diff`] compares. Fails as [`generate_file`] does.
pub fn model_file(path: &std::path::Path, settings: &Settings) -> Result<ir::Api, Failure> {
    let text = read(path)?;
    let overlays = overlays(settings)?;
    model(file_input(&text, path, settings, &overlays), settings).map(|(api, _)| api)
}

/// The API change report between two spec texts (references to other files
/// cannot be followed): what a client user must know, with a wire and a
/// Rust verdict per change and the semver bump the generated crate needs.
pub fn diff_texts(old: &str, new: &str, settings: &Settings) -> Result<diff::Report, Failure> {
    let overlays = overlays(settings)?;
    let (before, _) =
        model(load::Input { overlays: &overlays, ..text_input(old, settings) }, settings)?;
    let (after, _) =
        model(load::Input { overlays: &overlays, ..text_input(new, settings) }, settings)?;
    Ok(diff::diff(&before, &after))
}

/// The API change report between two spec files, each read as
/// [`generate_file`] reads it (references to other files followed).
pub fn diff_files(
    old: &std::path::Path,
    new: &std::path::Path,
    settings: &Settings,
) -> Result<diff::Report, Failure> {
    Ok(diff::diff(&model_file(old, settings)?, &model_file(new, settings)?))
}

/// What the spec location `pointer` (a JSON pointer, such as
/// `#/components/schemas/User` or `#/paths/~1users/get`) becomes in the
/// crate generated from the spec file at `path`; `None` when nothing
/// generated comes from it.
pub fn explain_file(
    path: &std::path::Path,
    settings: &Settings,
    pointer: &str,
) -> Result<Option<String>, Failure> {
    let api = model_file(path, settings)?;
    Ok(emit::explain(&api, pointer))
}

fn read(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure::fatal(Diagnostic::error("#", format!("cannot read {}: {e}", path.display())))
    })
}

fn file_input<'a>(
    text: &'a str,
    path: &'a std::path::Path,
    settings: &'a Settings,
    overlays: &'a [load::Overlay],
) -> load::Input<'a> {
    load::Input {
        text,
        path: Some(path),
        reference_root: settings.reference_root.as_deref(),
        overlays,
        overlays_strict: settings.overlays_strict,
    }
}

/// Loads and lowers a spec: the intermediate model and what was found on
/// the way. Errors fail unless [`Settings::allow_errors`].
fn model(
    input: load::Input<'_>,
    settings: &Settings,
) -> Result<(ir::Api, Vec<Diagnostic>), Failure> {
    let mut document = load::load_input(input).map_err(Failure::fatal)?;
    let mut diagnostics = std::mem::take(&mut document.diagnostics);
    let overrides = overrides(settings, &mut diagnostics);
    let mut api = lower::lower_with(&document, &overrides, &mut diagnostics);
    diagnostics.extend(emit::settings_diagnostics(&api, settings));
    if let Some(tags) = &settings.tags {
        let known: Vec<String> = api.groups.iter().map(|g| g.tag.clone()).collect();
        for tag in api.retain_tags(tags) {
            diagnostics.push(Diagnostic::error(
                "#/tags",
                format!(
                    "the settings select tag `{tag}`, which no operation has (the spec's tags: {})",
                    known.join(", ")
                ),
            ));
        }
    }
    if !settings.allow_errors && diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Failure { diagnostics, allowable: true });
    }
    Ok((api, diagnostics))
}

/// The settings' type overrides as the model holds them; one that is not
/// a Rust type is an error. A type the generator has its own name for
/// (`String`, `chrono::NaiveDate`) is that type, so `uuid = "String"`
/// turns the `uuid` crate off.
fn overrides(settings: &Settings, diagnostics: &mut Vec<Diagnostic>) -> lower::Overrides {
    let mut resolve = |what: &str, o: &TypeOverride| -> Option<ir::TypeRef> {
        let bad = |text: &str, kind: &str| {
            Diagnostic::error("#", format!("settings: `{text}` ({what}) is not a Rust {kind}"))
        };
        if syn::parse_str::<syn::Type>(&o.rust_type).is_err() {
            diagnostics.push(bad(&o.rust_type, "type"));
            return None;
        }
        if let Some(with) = &o.serde_with {
            if syn::parse_str::<syn::Path>(with).is_err() {
                diagnostics.push(bad(with, "path"));
                return None;
            }
        }
        let own = match &o.serde_with {
            Some(_) => None,
            None => ir::TypeRef::own(&o.rust_type),
        };
        Some(own.unwrap_or_else(|| {
            ir::TypeRef::External(ir::External {
                path: o.rust_type.clone(),
                serde_with: o.serde_with.clone(),
            })
        }))
    };
    let mut out = lower::Overrides::default();
    for (format, o) in &settings.format_types {
        if let Some(ty) = resolve(&format!("format `{format}`"), o) {
            out.formats.insert(format.clone(), ty);
        }
    }
    for (schema, o) in &settings.schema_types {
        if let Some(ty) = resolve(&format!("schema `{schema}`"), o) {
            out.schemas.insert(schema.clone(), ty);
        }
    }
    out
}

fn run(input: load::Input<'_>, settings: &Settings) -> Result<Generated, Failure> {
    let (api, diagnostics) = model(input, settings)?;
    emit_model(&api, diagnostics, settings)
}

/// The crate's files from a model, with the diagnostics found making it.
fn emit_model(
    api: &ir::Api,
    diagnostics: Vec<Diagnostic>,
    settings: &Settings,
) -> Result<Generated, Failure> {
    let emitted = emit::emit(api, settings);
    let header = format!("@generated by {}. Do not edit by hand.", settings.regenerate_with);
    let files = format::format(emitted, &header).map_err(Failure::fatal)?;
    Ok(Generated { files, diagnostics })
}
