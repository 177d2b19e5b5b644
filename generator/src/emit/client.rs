//! `src/client.rs`: the client, its builder and its credentials.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{self, Doc};
use super::features::Features;
use super::types::{ident, uses_uuid};
use crate::ir::{Api, ParamLocation, SecurityKind, TypeKind};

pub(super) fn client_rs(api: &Api, features: &Features, retries: bool) -> TokenStream {
    let (default_retry, retry_doc) = if retries {
        (
            quote!(RetryPolicy::default()),
            "default [`RetryPolicy::default`]; [`RetryPolicy::none`] turns retrying off",
        )
    } else {
        (
            quote!(RetryPolicy::none()),
            "by default not at all, as this crate was generated; [`RetryPolicy::default`] retries idempotent requests",
        )
    };
    let retry_doc = format!(" How failed requests are retried ({retry_doc}).");
    let base_url = &api.base_url;
    let base_doc = if base_url.is_empty() {
        doc::attrs(
            "The spec names no absolute server URL, so there is no default: set one with [`ClientBuilder::base_url`].",
        )
    } else {
        doc::attrs(&format!("The server the spec names first: <{base_url}>."))
    };
    let client_doc = doc::attrs(&format!(
        "A client for {} {}.\n\nCheap to clone: clones share one connection pool. Its `Debug` output never shows credentials.",
        doc::code(&api.title),
        doc::code(&api.version)
    ));

    let schemes = api.credential_schemes();
    let cred_fields = schemes.iter().map(|s| {
        let field = ident(&s.rust_name);
        match s.kind {
            SecurityKind::Basic => quote!(#field: Option<(String, Secret)>),
            SecurityKind::Bearer => {
                let source = ident(&format!("{}_source", crate::naming::bare(&s.rust_name)));
                quote!(#field: Option<Secret>, #source: Option<crate::runtime::TokenSource>)
            }
            _ => quote!(#field: Option<Secret>),
        }
    });
    // Swapping credentials on a built (and maybe shared) client.
    let swaps = schemes.iter().map(|s| {
        let field = ident(&s.rust_name);
        let swap = ident(&format!("set_{}", crate::naming::bare(&s.setter)));
        let setter = &s.setter;
        let docs = doc::attrs(&format!(
            "Replaces the credential [`ClientBuilder::{setter}`] set, for every clone of this client, from the next call on."
        ));
        match s.kind {
            SecurityKind::Basic => quote! {
                #docs
                pub fn #swap(&self, user: impl Into<String>, password: impl Into<String>) {
                    let value = Some((user.into(), Secret::new(password)));
                    self.update_credentials(|c| c.#field = value);
                }
            },
            SecurityKind::Bearer => {
                let source = ident(&format!("{}_source", crate::naming::bare(&s.rust_name)));
                quote! {
                    #docs
                    pub fn #swap(&self, token: impl Into<String>) {
                        let value = Some(Secret::new(token));
                        self.update_credentials(|c| {
                            c.#field = value;
                            c.#source = None;
                        });
                    }
                }
            }
            _ => quote! {
                #docs
                pub fn #swap(&self, secret: impl Into<String>) {
                    let value = Some(Secret::new(secret));
                    self.update_credentials(|c| c.#field = value);
                }
            },
        }
    });
    let setters = schemes.iter().map(|s| {
        let field = ident(&s.rust_name);
        let setter = ident(&s.setter);
        let what = match &s.kind {
            SecurityKind::Bearer => "the bearer token sent as `Authorization: Bearer …`".to_string(),
            SecurityKind::Basic => "the user and password sent as `Authorization: Basic …`".to_string(),
            SecurityKind::ApiKey { location, name } => {
                let place = match location {
                    ParamLocation::Query => "query parameter",
                    ParamLocation::Cookie => "cookie",
                    _ => "header",
                };
                format!("the API key sent in the {place} {}", doc::code(name))
            }
        };
        let docs = Doc::default()
            .note(format!("Sets {what}, for operations secured by {}.", doc::code(&s.name)))
            .prose(s.description.as_deref())
            .attrs();
        match s.kind {
            SecurityKind::Basic => quote! {
                #docs
                pub fn #setter(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
                    self.credentials.#field = Some((user.into(), Secret::new(password)));
                    self
                }
            },
            SecurityKind::Bearer => {
                let source = ident(&format!("{}_source", crate::naming::bare(&s.rust_name)));
                let source_setter = ident(&format!("{}_source", crate::naming::bare(&s.setter)));
                let source_docs = doc::attrs(&format!(
                    "Asks `source` for the bearer token of {} once per call, instead of a fixed token: for tokens that expire. Caching and refreshing are the source's business; an error it returns fails the call as `Error::InvalidRequest`, and is never logged.",
                    doc::code(&s.name)
                ));
                quote! {
                    #docs
                    pub fn #setter(mut self, secret: impl Into<String>) -> Self {
                        self.credentials.#field = Some(Secret::new(secret));
                        self
                    }

                    #source_docs
                    pub fn #source_setter<F, Fut, E>(mut self, source: F) -> Self
                    where
                        F: Fn() -> Fut + Send + Sync + 'static,
                        Fut: std::future::Future<Output = Result<String, E>> + Send + 'static,
                        E: Into<Box<dyn std::error::Error + Send + Sync>>,
                    {
                        self.credentials.#source = Some(crate::runtime::TokenSource::new(source));
                        self
                    }
                }
            }
            _ => quote! {
                #docs
                pub fn #setter(mut self, secret: impl Into<String>) -> Self {
                    self.credentials.#field = Some(Secret::new(secret));
                    self
                }
            },
        }
    });
    let accessors = api.groups.iter().map(|g| {
        let module = ident(&g.module);
        let ty = ident(&g.type_name);
        let docs = Doc::default()
            .note(format!("Operations tagged {}.", doc::code(&g.tag)))
            .prose(g.description.as_deref())
            .attrs();
        let cfg = features.for_group(&g.module);
        quote! {
            #docs
            #cfg
            pub fn #module(&self) -> crate::apis::#module::#ty<'_> {
                crate::apis::#module::#ty::new(self)
            }
        }
    });
    let auth = authorize(api, features.enabled());
    let uuid = api_uses_uuid(api).then(|| {
        quote! {
            impl crate::runtime::ParamValue for uuid::Uuid {
                fn to_param(&self) -> String {
                    self.to_string()
                }
            }
        }
    });
    let new_fn = (!base_url.is_empty()).then(|| {
        quote! {
            /// A client for [`DEFAULT_BASE_URL`] with default settings and no
            /// credentials.
            pub fn new() -> Result<Self, BuildError> {
                Self::builder().build()
            }
        }
    });
    // A spec without security schemes gets a client without credentials.
    let has_auth = !schemes.is_empty();
    let secret_import = has_auth.then(|| {
        quote!(
            use crate::runtime::Secret;
        )
    });
    let cred_field = has_auth.then(|| quote!(credentials: Credentials,));
    let shared_field = has_auth.then(
        || quote!(credentials: std::sync::Arc<std::sync::RwLock<std::sync::Arc<Credentials>>>,),
    );
    let cred_default = has_auth.then(|| quote!(credentials: Credentials::default(),));
    let cred_move = has_auth.then(|| {
        quote!(credentials: std::sync::Arc::new(std::sync::RwLock::new(std::sync::Arc::new(self.credentials))),)
    });
    let cred_methods = has_auth.then(|| {
        quote! {
            #(#swaps)*

            /// The credentials as they are now.
            pub(crate) fn credentials(&self) -> std::sync::Arc<Credentials> {
                self.credentials.read().unwrap_or_else(|e| e.into_inner()).clone()
            }

            fn update_credentials(&self, change: impl FnOnce(&mut Credentials)) {
                let mut shared = self.credentials.write().unwrap_or_else(|e| e.into_inner());
                change(std::sync::Arc::make_mut(&mut shared));
            }
        }
    });
    let cred_struct = has_auth.then(|| {
        quote! {
            /// Credentials per security scheme; `Secret` keeps them out of `Debug`.
            #[derive(Debug, Clone, Default)]
            pub(crate) struct Credentials {
                #(#cred_fields,)*
            }
        }
    });
    quote! {
        //! The client: where requests go, over which connection pool, with
        //! which credentials.

        use std::fmt;
        use std::time::Duration;

        use crate::runtime::{RequestHook, RetryPolicy};

        #secret_import

        #base_doc
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// How long one attempt at a request may take (connecting, sending,
        /// and reading the response) unless [`ClientBuilder::timeout`] says
        /// otherwise.
        pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

        /// How long a whole call may take, retries and backoff included,
        /// unless [`ClientBuilder::deadline`] says otherwise.
        pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

        /// The largest response body read into memory (64 MiB) unless
        /// [`ClientBuilder::max_body_size`] says otherwise; streamed
        /// downloads are not limited.
        pub const DEFAULT_MAX_BODY_SIZE: usize = 64 << 20;

        /// How long connecting may take unless
        /// [`ClientBuilder::connect_timeout`] says otherwise.
        pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

        #client_doc
        #[derive(Clone)]
        pub struct Client {
            base_url: String,
            http: reqwest::Client,
            retry: RetryPolicy,
            hook: Option<RequestHook>,
            timeout: Duration,
            deadline: Duration,
            max_body_size: usize,
            checks: bool,
            #shared_field
        }

        #cred_struct

        impl fmt::Debug for Client {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &crate::runtime::shown_url(&self.base_url))
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            #new_fn

            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The URL operation paths are appended to.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            pub(crate) fn http(&self) -> &reqwest::Client {
                &self.http
            }

            pub(crate) fn retry_policy(&self) -> &RetryPolicy {
                &self.retry
            }

            pub(crate) fn request_hook(&self) -> Option<&RequestHook> {
                self.hook.as_ref()
            }

            pub(crate) fn deadline(&self) -> Duration {
                self.deadline
            }

            /// How long one attempt may take; a stream's idle limit.
            pub(crate) fn timeout(&self) -> Duration {
                self.timeout
            }

            pub(crate) fn max_body_size(&self) -> usize {
                self.max_body_size
            }

            pub(crate) fn checks_requests(&self) -> bool {
                self.checks
            }

            #cred_methods

            #(#accessors)*
        }

        #auth

        /// Configures a [`Client`]: base URL, credentials, timeouts, or a
        /// `reqwest::Client` of your own.
        pub struct ClientBuilder {
            base_url: String,
            http: Option<reqwest::Client>,
            timeout: Duration,
            connect_timeout: Duration,
            user_agent: String,
            retry: RetryPolicy,
            hook: Option<RequestHook>,
            deadline: Duration,
            max_body_size: usize,
            checks: bool,
            #cred_field
        }

        impl fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("base_url", &crate::runtime::shown_url(&self.base_url))
                    .field("timeout", &self.timeout)
                    .field("deadline", &self.deadline)
                    .field("retry", &self.retry)
                    .finish_non_exhaustive()
            }
        }

        impl Default for ClientBuilder {
            fn default() -> Self {
                Self {
                    base_url: DEFAULT_BASE_URL.to_string(),
                    http: None,
                    timeout: DEFAULT_TIMEOUT,
                    connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                    user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string(),
                    retry: #default_retry,
                    hook: None,
                    deadline: DEFAULT_DEADLINE,
                    max_body_size: DEFAULT_MAX_BODY_SIZE,
                    checks: true,
                    #cred_default
                }
            }
        }

        impl ClientBuilder {
            /// Sends requests to `url` instead of [`DEFAULT_BASE_URL`]; a path
            /// prefix (`https://host/v2`) is kept.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = url.into();
                self
            }

            #(#setters)*

            /// Uses `client` for HTTP: its timeouts, proxies, TLS settings,
            /// redirect policy and middleware apply, and
            /// [`timeout`](Self::timeout),
            /// [`connect_timeout`](Self::connect_timeout) and
            /// [`user_agent`](Self::user_agent) are ignored. Give it
            /// `redirect::Policy::none()`, as the client built otherwise
            /// has: the runtime then follows redirects within the origin
            /// only, and hands an operation that documents a 3xx its
            /// typed answer.
            pub fn http_client(mut self, client: reqwest::Client) -> Self {
                self.http = Some(client);
                self
            }

            /// Bounds each attempt at a request (default [`DEFAULT_TIMEOUT`]);
            /// a call may make several (see [`retry_policy`](Self::retry_policy)),
            /// all within [`deadline`](Self::deadline).
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.timeout = timeout;
                self
            }

            /// Bounds each whole call, retries and backoff included (default
            /// [`DEFAULT_DEADLINE`]); past it the call fails with
            /// `Error::Deadline`. Streamed downloads are bounded until their
            /// headers arrive.
            pub fn deadline(mut self, deadline: Duration) -> Self {
                self.deadline = deadline;
                self
            }

            /// Whether parameters are checked against the spec's bounds
            /// (`minimum`/`maximum`, `minLength`/`maxLength`,
            /// `minItems`/`maxItems`) before a request is sent (default: on).
            /// A value out of bounds fails the call as
            /// `Error::InvalidRequest`, naming the parameter and the rule,
            /// and nothing is sent.
            pub fn check_requests(mut self, on: bool) -> Self {
                self.checks = on;
                self
            }

            /// The largest response body read into memory (default
            /// [`DEFAULT_MAX_BODY_SIZE`]); a larger one fails with
            /// `Error::BodyTooLarge`. Streamed downloads are not limited.
            pub fn max_body_size(mut self, bytes: usize) -> Self {
                self.max_body_size = bytes;
                self
            }

            /// Bounds connecting (default [`DEFAULT_CONNECT_TIMEOUT`]).
            pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                self.connect_timeout = timeout;
                self
            }

            #[doc = #retry_doc]
            pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.retry = policy;
                self
            }

            /// Calls `hook` on every attempt at a request just before it is
            /// sent, e.g. to add headers or sign it; it sees the request as it
            /// will go out, and runs again for each retry.
            pub fn request_hook(mut self, hook: impl Fn(&mut reqwest::Request) + Send + Sync + 'static) -> Self {
                self.hook = Some(std::sync::Arc::new(hook));
                self
            }

            /// Sets the `User-Agent` header (default: crate name and version).
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.user_agent = user_agent.into();
                self
            }

            /// Builds the client, checking the base URL.
            pub fn build(self) -> Result<Client, BuildError> {
                let invalid = |reason: String| BuildError::InvalidBaseUrl {
                    url: crate::runtime::shown_url(&self.base_url),
                    reason,
                };
                let parsed = url::Url::parse(&self.base_url).map_err(|e| invalid(e.to_string()))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(invalid("the scheme must be http or https".to_string()));
                }
                if parsed.query().is_some() || parsed.fragment().is_some() {
                    return Err(invalid("a base URL cannot have a query or fragment".to_string()));
                }
                let http = match self.http {
                    Some(http) => http,
                    None => reqwest::Client::builder()
                        .timeout(self.timeout)
                        .connect_timeout(self.connect_timeout)
                        .user_agent(self.user_agent)
                        // The runtime follows redirects itself (see `Sent`).
                        .redirect(reqwest::redirect::Policy::none())
                        .build()?,
                };
                Ok(Client {
                    base_url: self.base_url.trim_end_matches('/').to_string(),
                    http,
                    retry: self.retry,
                    hook: self.hook,
                    timeout: self.timeout,
                    deadline: self.deadline,
                    max_body_size: self.max_body_size,
                    checks: self.checks,
                    #cred_move
                })
            }
        }

        /// Why a [`ClientBuilder`] could not build a client.
        #[derive(Debug, thiserror::Error)]
        pub enum BuildError {
            /// The base URL is not an absolute `http`/`https` URL (shown
            /// without its password, if it has one).
            #[error("invalid base URL {url:?}: {reason}")]
            InvalidBaseUrl {
                /// The URL given.
                url: String,
                /// What is wrong with it.
                reason: String,
            },
            /// `reqwest` could not set up its client (TLS backend, say).
            #[error("could not build the HTTP client: {0}")]
            Http(#[from] reqwest::Error),
        }

        #uuid
    }
}

/// The scheme enum and `Client::authorize`, when the spec has schemes.
fn authorize(api: &Api, gated: bool) -> TokenStream {
    let schemes = api.credential_schemes();
    if schemes.is_empty() {
        return quote!();
    }
    let variants: Vec<_> = schemes.iter().map(|s| ident(&s.variant)).collect();
    let variant_docs =
        schemes.iter().map(|s| doc::attrs(&format!("The {} scheme.", doc::code(&s.name))));
    let has = schemes.iter().map(|s| {
        let v = ident(&s.variant);
        let field = ident(&s.rust_name);
        match s.kind {
            SecurityKind::Bearer => {
                let source = ident(&format!("{}_source", crate::naming::bare(&s.rust_name)));
                quote!(SecurityScheme::#v => credentials.#field.is_some() || credentials.#source.is_some())
            }
            _ => quote!(SecurityScheme::#v => credentials.#field.is_some()),
        }
    });
    let apply = schemes.iter().map(|s| {
        let v = ident(&s.variant);
        let field = ident(&s.rust_name);
        let call = match &s.kind {
            SecurityKind::Bearer => quote!(request.bearer(secret)),
            SecurityKind::Basic => quote!(request.basic(&secret.0, &secret.1)),
            SecurityKind::ApiKey { location: ParamLocation::Query, name } => {
                quote!(request.api_key_query(#name, secret))
            }
            SecurityKind::ApiKey { location: ParamLocation::Cookie, name } => {
                quote!(request.api_key_cookie(#name, secret))
            }
            SecurityKind::ApiKey { name, .. } => quote!(request.api_key_header(#name, secret)),
        };
        let from_source = matches!(s.kind, SecurityKind::Bearer).then(|| {
            let source = ident(&format!("{}_source", crate::naming::bare(&s.rust_name)));
            quote! {
                if let Some(source) = &credentials.#source {
                    match source.token().await {
                        Ok(secret) => request.bearer(&secret),
                        Err(e) => request.reject(format!("the bearer token source failed: {e}")),
                    }
                    continue;
                }
            }
        });
        quote! {
            SecurityScheme::#v => {
                #from_source
                if let Some(secret) = &credentials.#field {
                    #call;
                }
            }
        }
    });
    // With only some tags' features on, some schemes go unused.
    let allow = gated.then(|| quote!(#[allow(dead_code)]));
    quote! {
        /// The security schemes of the spec.
        #[derive(Debug, Clone, Copy)]
        #[allow(clippy::enum_variant_names)]
        #allow
        pub(crate) enum SecurityScheme {
            #(#variant_docs #variants,)*
        }

        impl Client {
            #allow
            /// Applies the first alternative whose credentials are all set;
            /// with none complete, the request goes without, and the server
            /// decides.
            pub(crate) async fn authorize(&self, request: &mut crate::runtime::Request<'_>, alternatives: &[&[SecurityScheme]]) {
                // A snapshot: a swap during the call applies from the next.
                let credentials = self.credentials();
                let has = |scheme: &SecurityScheme| match scheme {
                    #(#has,)*
                };
                let Some(chosen) = alternatives.iter().find(|all| all.iter().all(has)) else { return };
                for scheme in chosen.iter() {
                    match scheme {
                        #(#apply)*
                    }
                }
            }
        }
    }
}

/// Whether the generated crate needs the `uuid` dependency.
pub(super) fn api_uses_uuid(api: &Api) -> bool {
    let in_types = api.types.iter().any(|t| match &t.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| uses_uuid(&f.ty))
                || s.additional.as_ref().is_some_and(uses_uuid)
        }
        TypeKind::Union(u) => u.variants.iter().any(|v| uses_uuid(&v.ty)),
        TypeKind::Tuple(items) => items.iter().any(|v| uses_uuid(&v.ty)),
        TypeKind::Alias(ty) => uses_uuid(ty),
        TypeKind::Enum(_) => false,
    });
    let in_operations = api.operations().any(|o| o.type_refs().any(uses_uuid));
    in_types || in_operations
}
