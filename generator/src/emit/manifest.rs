//! `Cargo.toml` and `src/lib.rs`: the crate's frame.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::api_uses_uuid;
use super::doc::{self, Doc};
use super::features::Features;
use super::types::ident;
use crate::Settings;
use crate::ir::Api;

/// Dependencies every generated crate has, at versions tested together.
const DEPENDENCIES: &[(&str, &str)] = &[
    ("bytes", r#""1""#),
    ("chrono", r#"{ version = "0.4", default-features = false, features = ["serde", "std"] }"#),
    ("percent-encoding", r#""2""#),
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["rustls", "http2"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    ("serde_json", r#""1""#),
    ("thiserror", r#""2""#),
    ("tokio", r#"{ version = "1", features = ["time"] }"#),
    // Without the default `attributes` (`#[instrument]`, unused here),
    // which would compile a second syn, 2.x, into every user's build.
    (
        "tracing",
        r#"{ version = "0.1", default-features = false, features = ["std"], optional = true }"#,
    ),
    ("url", r#""2""#),
];

const UUID: (&str, &str) = ("uuid", r#"{ version = "1", features = ["serde"] }"#);

/// What HTTP basic authentication needs.
const BASE64: (&str, &str) = ("base64", r#""0.23""#);

/// What `src/transfer.rs` needs: streamed bodies and multipart forms.
const TRANSFER_DEPENDENCIES: &[(&str, &str)] = &[
    ("futures-core", r#""0.3""#),
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["rustls", "http2", "multipart", "stream"] }"#,
    ),
];

/// reqwest with its body as a stream of chunks, for `src/streams.rs`.
const STREAM_REQWEST: (&str, &str) = (
    "reqwest",
    r#"{ version = "0.13", default-features = false, features = ["rustls", "http2", "stream"] }"#,
);

pub(super) fn cargo_toml(api: &Api, settings: &Settings, features: &Features) -> String {
    let mut deps: Vec<(&str, &str)> = DEPENDENCIES.to_vec();
    if api_uses_uuid(api) {
        deps.push(UUID);
    }
    if super::runtime::uses_basic_auth(api) {
        deps.push(BASE64);
    }
    if super::runtime::uses_transfer(api) {
        deps.retain(|(name, _)| !TRANSFER_DEPENDENCIES.iter().any(|(n, _)| n == name));
        deps.extend_from_slice(TRANSFER_DEPENDENCIES);
    }
    // Streams read the body as chunks, which needs reqwest's `stream`.
    if super::runtime::uses_streams(api) && !super::runtime::uses_transfer(api) {
        deps.retain(|(name, _)| *name != "reqwest");
        deps.push(STREAM_REQWEST);
    }
    // Pages and streams are a `Stream`: the trait alone, no stream library.
    let needs_stream_trait = super::runtime::uses_pages(api) || super::runtime::uses_streams(api);
    if needs_stream_trait && !deps.iter().any(|(name, _)| *name == "futures-core") {
        deps.push(("futures-core", r#""0.3""#));
    }
    if super::runtime::uses_patterns(api) {
        deps.push(("regex-lite", r#""0.1""#));
    }
    // The crates the settings' overrides and derives name; the caller's
    // entry wins over ours.
    deps.retain(|(name, _)| !settings.dependencies.iter().any(|(n, _)| n == name));
    deps.extend(settings.dependencies.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    // The crates the spec's `x-rust-type`s name, unless named already.
    for (name, version) in &api.dependencies {
        if !deps.iter().any(|(n, _)| n == name) {
            deps.push((name.as_str(), version.as_str()));
        }
    }
    deps.sort();
    let mut out = String::new();
    out.push_str("[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(&settings.crate_name)));
    out.push_str(&format!("version = {}\n", toml_string(&settings.crate_version)));
    out.push_str("edition = \"2024\"\nrust-version = \"1.85\"\n");
    let description = match &settings.description {
        Some(description) => description.clone(),
        None => format!("Client for {} {}", api.title, api.version),
    };
    out.push_str(&format!("description = {}\n", toml_string(&description)));
    if let Some(license) = &settings.license {
        out.push_str(&format!("license = {}\n", toml_string(license)));
    }
    if let Some(repository) = &settings.repository {
        out.push_str(&format!("repository = {}\n", toml_string(repository)));
    }
    if !settings.publish {
        out.push_str("publish = false\n");
    }
    out.push_str("\n[dependencies]\n");
    for (name, spec) in deps {
        out.push_str(&format!("{name} = {spec}\n"));
    }
    // The conformance harness runs on tokio, unless the caller brings it.
    let mut dev_dependencies = settings.dev_dependencies.clone();
    if settings.conformance && !dev_dependencies.iter().any(|(name, _)| name == "tokio") {
        dev_dependencies.push((
            "tokio".into(),
            r#"{ version = "1", features = ["macros", "rt-multi-thread"] }"#.into(),
        ));
    }
    if !dev_dependencies.is_empty() {
        out.push_str("\n[dev-dependencies]\n");
        for (name, spec) in &dev_dependencies {
            out.push_str(&format!("{name} = {spec}\n"));
        }
    }
    out.push_str(&features.manifest(settings.tracing));
    for bench in &settings.benches {
        out.push_str(&format!("\n[[bench]]\nname = {}\nharness = false\n", toml_string(bench)));
    }
    if settings.own_workspace {
        out.push_str("\n[workspace]\n");
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn lib_rs(api: &Api, settings: &Settings) -> TokenStream {
    let crate_ident = ident(&settings.crate_name.replace('-', "_"));
    let setter = api.main_credential().map(|s| {
        let setter = ident(&s.setter);
        match s.kind {
            crate::ir::SecurityKind::Basic => quote!(.#setter("user", "password")),
            _ => quote!(.#setter("SECRET")),
        }
    });
    let base = api.base_url.is_empty().then(|| quote!(.base_url("https://example.com")));
    let example = quote! {
        async fn example() -> Result<(), Box<dyn std::error::Error>> {
            let client = #crate_ident::Client::builder() #base #setter .build()?;
            println!("{}", client.base_url());
            Ok(())
        }
    };
    let example = format!("```no_run\n{}\n```", fmt_snippet(example));
    let license = api.license.as_ref().map(|l| {
        let name = match &l.identifier {
            Some(id) => format!("{} ({})", doc::sanitize(&l.name), doc::code(id)),
            None => doc::sanitize(&l.name),
        };
        match &l.url {
            Some(url) => format!("License of the API: {name}, <{url}>."),
            None => format!("License of the API: {name}."),
        }
    });
    let docs = Doc::default()
        .note(format!("# {} {}", doc::sanitize(&api.title), doc::code(&api.version)))
        .prose(api.summary.as_deref())
        .prose(api.description.as_deref())
        .note(license.unwrap_or_default())
        .note(format!(
            "Generated from the OpenAPI document by {}; do not edit by hand.",
            settings.regenerate_with
        ))
        .note("Build a [`Client`], then call operations through its per-tag accessors; each returns a builder for optional parameters, finished by `send()`:")
        .note(example)
        .note(webhooks(api))
        .note("Models implement what their direction needs: `serde::Serialize` when requests send them, `serde::Deserialize` when responses or webhooks bring them. The `serde-all` feature gives every model both, to store or forward them.")
        .note(if api.groups.len() > 1 {
            "Each tag's operations sit behind a Cargo feature named after the tag's module, all on by default: with `default-features = false` and only the features you use, the other tags' operations and models are not compiled."
        } else {
            ""
        })
        .text();
    let inner_docs = doc::inner_attrs(&docs);
    let transfer = super::runtime::uses_transfer(api).then(|| {
        quote! {
            mod transfer;
            pub use transfer::{ByteStream, FilePart, Payload};
        }
    });
    let pages = super::runtime::uses_pages(api).then(|| {
        quote! {
            mod pages;
            pub use pages::Items;
        }
    });
    let patterns = super::runtime::uses_patterns(api).then(|| {
        quote!(
            mod patterns;
        )
    });
    let streams = super::runtime::uses_streams(api).then(|| {
        quote! {
            mod streams;
            pub use streams::{Event, ItemStream, ItemsBody, MAX_ITEM};
        }
    });
    quote! {
        #inner_docs
        #![deny(missing_docs)]

        pub mod apis;
        mod client;
        mod error;
        pub mod models;
        mod runtime;
        #transfer
        #pages
        #patterns
        #streams

        pub use client::{BuildError, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT};
        pub use error::{AnyError, ApiError, ApiResponse, Documented, Error, ErrorResponse, ResponseParts};
        /// The status of a response, as `status()` returns it.
        pub use reqwest::StatusCode;
        pub use runtime::{CallOptions, Nullable, RequestHook, RetryPolicy};
    }
}

/// The crate docs' list of webhooks: requests the API sends, and the type
/// to decode each payload into.
fn webhooks(api: &Api) -> String {
    if api.webhooks.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "# Webhooks\n\nRequests the API sends to a URL you register; decode a received body into its payload type with `serde_json::from_slice`:\n",
    );
    for w in &api.webhooks {
        let payload = match &w.payload {
            Some(body) => match &body.kind {
                crate::ir::BodyKind::Json(crate::ir::TypeRef::Named(n)) => {
                    format!(", payload `models::{n}`")
                }
                crate::ir::BodyKind::Json(_) => ", payload JSON".to_string(),
                _ => format!(", payload {}", doc::code(&body.media_type)),
            },
            None => String::new(),
        };
        let summary =
            w.summary.as_deref().map(|s| format!(": {}", doc::sanitize(s))).unwrap_or_default();
        out.push_str(&format!(
            "\n- {} ({}){payload}{summary}",
            doc::code(&w.name),
            w.method.as_str()
        ));
    }
    out
}

/// Formats a snippet of statements for a doc example.
fn fmt_snippet(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file).trim_end().to_string(),
        Err(_) => tokens.to_string(),
    }
}
