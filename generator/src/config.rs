//! The optional settings file, `clientgen.toml`, next to the spec: the
//! [`Settings`] and paths of a [`Project`], so they need not live in code.
//!
//! ```toml
//! spec = "petstore.yaml"          # relative to this file
//! out = "../petstore-client"      # the crate's directory, relative to this file
//!
//! [crate]
//! name = "petstore-client"
//! version = "0.1.0"               # the first version; regenerating moves it
//! description = "Petstore client"
//! license = "MIT OR Apache-2.0"
//! repository = "https://example.com/petstore"
//! publish = false
//! own-workspace = false
//!
//! [generate]
//! tags = ["pets"]                 # only these tags' operations (all when absent)
//! allow-errors = false
//! conformance = false
//! reference-root = "."            # where references to other files may lead
//! regenerate-with = "`cargo xtask codegen`"
//! derives = ["Eq", "Hash"]        # extra derives on models, where they hold
//! overlays = ["fixes.overlay.yaml"] # OpenAPI Overlays applied in order, relative to this file
//! overlays-strict = false         # an action that selects nothing fails the run
//!
//! [runtime]
//! tracing = true                  # the crate's `tracing` feature on by default
//! retries = true                  # clients retry idempotent requests by default
//!
//! [types.formats]                 # a Rust type per `format`
//! decimal = "rust_decimal::Decimal"
//! date-time = { type = "time::OffsetDateTime", serde-with = "time::serde::rfc3339" }
//! uuid = "String"                 # no `uuid` crate
//!
//! [types.schemas]                 # an existing type instead of a generated one
//! Money = "shared_types::Money"
//!
//! [dependencies]                  # for the crates named above, as in Cargo.toml
//! rust_decimal = { version = "1", features = ["serde-with-str"] }
//! time = { version = "0.3", features = ["serde", "formatting", "parsing"] }
//! ```
//!
//! A key the file does not know is an error that names its line, as is a
//! value of the wrong type: a misspelt setting never goes unnoticed.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use std::collections::BTreeMap;

use crate::{Project, Settings, TypeOverride};

/// The conventional name of the settings file.
pub const FILE_NAME: &str = "clientgen.toml";

/// A settings file, read.
#[derive(Debug, Clone)]
pub struct Config {
    /// The spec, resolved against the file's folder.
    pub spec: PathBuf,
    /// The crate's directory, resolved against the file's folder.
    pub out: PathBuf,
    pub settings: Settings,
}

/// Why a settings file could not be used.
#[derive(Debug)]
pub enum ConfigError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not valid TOML, an unknown key, or a value of the wrong type; at
    /// `line`:`column` (1-based) when the parser knows where.
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, source } => write!(f, "{}: {source}", path.display()),
            ConfigError::Invalid { path, line, column, message } => {
                write!(f, "error: {message}\n  --> {}:{line}:{column}", path.display())
            }
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    spec: PathBuf,
    out: PathBuf,
    #[serde(rename = "crate")]
    krate: CrateSection,
    #[serde(default)]
    generate: GenerateSection,
    #[serde(default)]
    types: TypesSection,
    #[serde(default)]
    runtime: RuntimeSection,
    /// Kept as written: each value goes into the crate's manifest.
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeSection {
    #[serde(default = "yes")]
    tracing: bool,
    #[serde(default = "yes")]
    retries: bool,
}

impl Default for RuntimeSection {
    fn default() -> Self {
        Self { tracing: true, retries: true }
    }
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TypesSection {
    #[serde(default)]
    formats: BTreeMap<String, Override>,
    #[serde(default)]
    schemas: BTreeMap<String, Override>,
}

/// `"rust_decimal::Decimal"`, or `{ type = "…", serde-with = "…" }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Override {
    Type(String),
    With(OverrideTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OverrideTable {
    #[serde(rename = "type")]
    rust_type: String,
    serde_with: Option<String>,
}

impl From<Override> for TypeOverride {
    fn from(o: Override) -> Self {
        match o {
            Override::Type(rust_type) => TypeOverride::new(rust_type),
            Override::With(t) => TypeOverride { rust_type: t.rust_type, serde_with: t.serde_with },
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CrateSection {
    name: String,
    version: Option<String>,
    description: Option<String>,
    license: Option<String>,
    repository: Option<String>,
    #[serde(default)]
    publish: bool,
    #[serde(default)]
    own_workspace: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct GenerateSection {
    tags: Option<Vec<String>>,
    #[serde(default)]
    allow_errors: bool,
    #[serde(default)]
    conformance: bool,
    reference_root: Option<PathBuf>,
    regenerate_with: Option<String>,
    #[serde(default)]
    derives: Vec<String>,
    #[serde(default)]
    overlays: Vec<PathBuf>,
    #[serde(default)]
    overlays_strict: bool,
}

impl Config {
    /// Reads the settings file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Config::parse(&text, path)
    }

    /// Reads settings from `text`, as if it were the file at `path`
    /// (relative paths in it are resolved against `path`'s folder).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |span| line_column(text, span.start));
            let message = e.message().trim_end().to_string();
            ConfigError::Invalid { path: path.to_path_buf(), line, column, message }
        })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut settings = Settings::new(file.krate.name);
        if let Some(version) = file.krate.version {
            settings.crate_version = version;
        }
        settings.description = file.krate.description;
        settings.license = file.krate.license;
        settings.repository = file.krate.repository;
        settings.publish = file.krate.publish;
        settings.own_workspace = file.krate.own_workspace;
        let generate = file.generate;
        settings.tags = generate.tags;
        settings.allow_errors = generate.allow_errors;
        settings.conformance = generate.conformance;
        settings.reference_root = generate.reference_root.map(|r| dir.join(r));
        settings.regenerate_with = generate
            .regenerate_with
            .unwrap_or_else(|| format!("the settings in `{}`", path.display()));
        settings.model_derives = generate.derives;
        settings.overlays = generate.overlays.into_iter().map(|o| dir.join(o)).collect();
        settings.overlays_strict = generate.overlays_strict;
        settings.tracing = file.runtime.tracing;
        settings.retries = file.runtime.retries;
        settings.format_types =
            file.types.formats.into_iter().map(|(k, v)| (k, v.into())).collect();
        settings.schema_types =
            file.types.schemas.into_iter().map(|(k, v)| (k, v.into())).collect();
        settings.dependencies = file
            .dependencies
            .into_iter()
            .map(|(name, value)| (name, text[value.span()].to_string()))
            .collect();
        Ok(Config { spec: dir.join(file.spec), out: dir.join(file.out), settings })
    }

    /// The project these settings describe.
    pub fn project(self) -> Project {
        Project::new(self.spec, self.out, self.settings)
    }
}

/// The 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
spec = "api.yaml"
out = "../client"

[crate]
name = "pets"
version = "1.2.0"
license = "MIT"

[generate]
tags = ["pets"]
allow-errors = true
derives = ["Hash"]

[types.formats]
decimal = "rust_decimal::Decimal"
date-time = { type = "time::OffsetDateTime", serde-with = "time::serde::rfc3339" }

[runtime]
retries = false

[dependencies]
rust_decimal = { version = "1", features = ["serde-with-str"] }
"#;

    #[test]
    fn settings_and_paths_come_from_the_file() {
        let config = Config::parse(GOOD, Path::new("spec/clientgen.toml")).unwrap();
        assert_eq!(config.spec, Path::new("spec/api.yaml"));
        assert_eq!(config.out, Path::new("spec/../client"));
        let s = &config.settings;
        assert_eq!((s.crate_name.as_str(), s.crate_version.as_str()), ("pets", "1.2.0"));
        assert_eq!(s.license.as_deref(), Some("MIT"));
        assert_eq!(s.tags.as_deref(), Some(&["pets".to_string()][..]));
        assert!(s.allow_errors && !s.conformance && !s.publish);
        assert_eq!(s.model_derives, ["Hash"]);
        assert!(s.tracing && !s.retries);
        assert_eq!(s.format_types["decimal"], TypeOverride::new("rust_decimal::Decimal"));
        assert_eq!(
            s.format_types["date-time"],
            TypeOverride::new("time::OffsetDateTime").serde_with("time::serde::rfc3339")
        );
        let dependency = (
            "rust_decimal".to_string(),
            r#"{ version = "1", features = ["serde-with-str"] }"#.to_string(),
        );
        assert_eq!(s.dependencies, [dependency]);
    }

    #[test]
    fn an_unknown_key_is_an_error_at_its_line() {
        let text = GOOD.replace("allow-errors = true", "allow-errors = true\ntag = [\"x\"]");
        let err = Config::parse(&text, Path::new("clientgen.toml")).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("unknown field `tag`"), "{shown}");
        assert!(shown.contains("--> clientgen.toml:13:1"), "{shown}");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_at_its_line() {
        let text = GOOD.replace("version = \"1.2.0\"", "version = 1");
        let err = Config::parse(&text, Path::new("c.toml")).unwrap_err();
        let ConfigError::Invalid { line, .. } = err else { panic!("{err}") };
        assert_eq!(line, 7);
    }
}
