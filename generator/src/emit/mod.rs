//! Stage 3: [`ir::Api`](crate::ir::Api) → token streams, one per generated file.
//!
//! Emitting knows nothing of OpenAPI documents: everything it needs is in the
//! intermediate model. Each submodule writes one kind of file.

mod api;
mod client;
mod doc;
mod example;
mod features;
mod manifest;
mod markdown;
mod models;
mod types;

use proc_macro2::TokenStream;

use crate::Settings;
use crate::ir::Api;

/// A file of the generated crate, before formatting.
pub enum Emitted {
    Rust { path: String, tokens: TokenStream },
    Text { path: String, text: String },
}

/// Support code every generated crate carries verbatim.
const RUNTIME: &[(&str, &str)] = &[
    ("src/error.rs", include_str!("../../runtime/error.rs")),
    ("src/runtime.rs", include_str!("../../runtime/runtime.rs")),
];

/// Support for raw, streamed and multipart bodies, carried verbatim by the
/// crates whose spec has them (it needs more of `reqwest`).
const TRANSFER: (&str, &str) = ("src/transfer.rs", include_str!("../../runtime/transfer.rs"));

/// Whether some operation sends or receives raw bytes or a multipart form.
pub(super) fn uses_transfer(api: &Api) -> bool {
    api.operations().any(|op| {
        api::streams(op) || op.body.iter().flat_map(|b| b.kinds()).any(|k| k.takes_stream())
    })
}

/// Emits every file of the crate for `api`.
pub fn emit(api: &Api, settings: &Settings) -> Vec<Emitted> {
    let features = features::Features::of(api);
    let mut files = vec![
        Emitted::Text {
            path: "Cargo.toml".into(),
            text: manifest::cargo_toml(api, settings, &features),
        },
        Emitted::Rust { path: "src/lib.rs".into(), tokens: manifest::lib_rs(api, settings) },
        Emitted::Rust { path: "src/client.rs".into(), tokens: client::client_rs(api, &features) },
    ];
    files.push(Emitted::Text {
        path: "rustfmt.toml".into(),
        // The generator formats its output; rustfmt would only churn it.
        text: "disable_all_formatting = true\n".into(),
    });
    let transfer = uses_transfer(api).then_some(&TRANSFER);
    for (path, source) in RUNTIME.iter().chain(transfer) {
        files.push(Emitted::Text { path: path.to_string(), text: source.to_string() });
    }
    files.extend(api::files(api, &settings.crate_name, &features));
    files.extend(models::files(api, &features));
    let examples = |group: &crate::ir::Group, op: &crate::ir::Operation| {
        example::operation(api, op, &settings.crate_name, &group.module)
    };
    files.extend(markdown::files(api, &examples));
    files
}
