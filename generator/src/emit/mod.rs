//! Stage 3: [`ir::Api`](crate::ir::Api) → token streams, one per generated file.
//!
//! Emitting knows nothing of OpenAPI documents: everything it needs is in the
//! intermediate model. Each submodule writes one kind of file.

mod api;
mod client;
mod conformance;
mod derives;
mod doc;
mod example;
mod explain;
mod features;
mod manifest;
mod markdown;
mod models;
mod overrides;
mod runtime;
mod sample;
mod types;

use std::sync::Arc;

use proc_macro2::{Ident, TokenStream};

use crate::Settings;
use crate::ir::Api;

pub use explain::explain;
pub use overrides::unsupported_overrides;

/// What a generated file holds before formatting.
pub enum Source {
    /// Rust tokens whose doc blocks are markers (see [`DOC_MARKER`]) indexing
    /// `docs`, each block a list of lines as `///` or `//!` would carry them.
    Rust {
        tokens: TokenStream,
        docs: Vec<Vec<String>>,
    },
    Text(String),
}

/// Opens the value of a doc attribute that stands for a deferred block: a
/// control character, which no real doc line starts with (they start with
/// a space, or are empty).
pub const DOC_MARKER: char = '\u{1}';

/// Builds one piece of a file.
pub type Build<'a> = Box<dyn FnOnce() -> Source + Send + 'a>;

/// A file of the generated crate, not yet built. Building is deferred so
/// that tokens are made on the thread that formats them (token streams
/// cannot move between threads), and a large file comes in pieces, each a
/// run of whole items, so that it does not keep one core busy while the
/// others idle.
pub struct Emitted<'a> {
    pub path: String,
    pieces: Vec<Build<'a>>,
}

impl<'a> Emitted<'a> {
    fn rust(path: impl Into<String>, build: impl FnOnce() -> TokenStream + Send + 'a) -> Self {
        Self::rust_pieces(path, vec![build])
    }

    /// A Rust file whose items are the pieces' items, in order.
    fn rust_pieces(
        path: impl Into<String>,
        pieces: Vec<impl FnOnce() -> TokenStream + Send + 'a>,
    ) -> Self {
        let pieces = pieces
            .into_iter()
            .map(|build| -> Build<'a> {
                Box::new(move || {
                    let (tokens, docs) = doc::deferred(build);
                    Source::Rust { tokens, docs }
                })
            })
            .collect();
        Self { path: path.into(), pieces }
    }

    fn text(path: impl Into<String>, build: impl FnOnce() -> String + Send + 'a) -> Self {
        Self { path: path.into(), pieces: vec![Box::new(move || Source::Text(build()))] }
    }

    /// The path and the builders of the file's pieces, in order.
    pub fn into_pieces(self) -> (String, Vec<Build<'a>>) {
        (self.path, self.pieces)
    }
}

/// Clippy's limit is seven arguments (`self` included); the spec decides
/// how many a constructor or call takes.
fn many_arguments(count: usize) -> Option<TokenStream> {
    (count > 7).then(|| quote::quote!(#[allow(clippy::too_many_arguments)]))
}

/// A setter of a model, a form or a builder: takes `self`, stores `stored`
/// (an expression of `param`) in `field` and returns `self`. `#[inline]`: a
/// debug build then makes machine code for a setter (and for dropping the
/// value it replaces) only where a program calls it, not for every optional
/// field of every type in each build of the crate.
fn setter(
    method: &Ident,
    param: &Ident,
    ty: &TokenStream,
    field: &Ident,
    stored: &TokenStream,
) -> TokenStream {
    quote::quote! {
        #[inline]
        pub fn #method(mut self, #param: #ty) -> Self {
            self.#field = #stored;
            self
        }
    }
}

/// Every file of the crate for `api`, ready to be built and formatted.
/// What the settings ask that this API cannot have, said before anything
/// is written: a serde `with` module where serde cannot apply it, a
/// comparison derive some models cannot take.
pub fn settings_diagnostics(api: &Api, settings: &Settings) -> Vec<crate::Diagnostic> {
    let mut found = unsupported_overrides(api);
    found.extend(derives::Derives::of(api, &settings.model_derives).1);
    found
}

pub fn emit<'a>(api: &'a Api, settings: &'a Settings) -> Vec<Emitted<'a>> {
    let features = Arc::new(features::Features::of(api));
    let mut files = Vec::new();
    let f = features.clone();
    files.push(Emitted::text("Cargo.toml", move || manifest::cargo_toml(api, settings, &f)));
    files.push(Emitted::rust("src/lib.rs", move || manifest::lib_rs(api, settings)));
    let f = features.clone();
    let retries = settings.retries;
    files.push(Emitted::rust("src/client.rs", move || client::client_rs(api, &f, retries)));
    // The generator formats its output; rustfmt would only churn it.
    files.push(Emitted::text("rustfmt.toml", || "disable_all_formatting = true\n".into()));
    for (path, source) in runtime::files(api) {
        files.push(Emitted::text(path, move || source));
    }
    let examples = Arc::new(example::Examples::new(api, &settings.crate_name));
    files.extend(api::files(api, &examples, &features));
    let (derives, _) = derives::Derives::of(api, &settings.model_derives);
    files.extend(models::files(api, &features, &Arc::new(derives)));
    files.extend(markdown::files(api, &examples));
    if settings.conformance {
        let name = &settings.crate_name;
        files.push(Emitted::rust("tests/conformance.rs", move || conformance::harness(api, name)));
    }
    files
}
