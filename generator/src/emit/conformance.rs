//! The conformance harness (`tests/conformance.rs`, on request): every
//! operation called against a mock of the spec, such as Prism, at
//! `CONFORMANCE_URL`.
//!
//! Per operation: a call with every required argument, a call with every
//! optional parameter and body set too, the docs' example exactly as
//! shown, and for each documented error status a call that asks the mock
//! for it (`Prefer: code=NNN`) and wants the typed variant back. Values
//! are the ones the docs' examples show ([`super::example::value`]):
//! schema-valid, or the call is skipped and says which value could not be
//! made. Each call prints one JSON line (`operation`, `call`, `ok`,
//! `detail`, and a failed call's whole response `body`), which `cargo
//! xtask conformance` gathers; a test fails if any of its calls does.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::example::{Place, body_value, first_optional, value};
use super::types::ident;
use crate::ir::{Api, Group, Operation, SecurityKind, StatusMatch};

pub(super) fn harness(api: &Api, crate_name: &str) -> TokenStream {
    let krate = ident(&crate_name.replace('-', "_"));
    let credentials = api.credential_schemes().into_iter().map(|s| {
        let setter = ident(&s.setter);
        match s.kind {
            SecurityKind::Basic => quote!(.#setter("user", "password")),
            SecurityKind::Bearer | SecurityKind::ApiKey { .. } => quote!(.#setter("conformance")),
        }
    });
    let tests = api.groups.iter().map(|g| group_test(api, g, &krate));
    quote! {
        //! Conformance: every operation against a mock of the spec at
        //! `CONFORMANCE_URL` (`cargo xtask conformance`). Each call prints a
        //! JSON line; a test fails if any of its calls does.
        // Not every crate uses every helper (no skipped call, no models; an
        // operation whose calls are all skipped uses no client), and
        // deprecated operations are called too.
        #![allow(unused_imports, unused_variables, dead_code, deprecated)]

        use #krate::{CallOptions, Client, Error, RetryPolicy, models};

        fn client() -> Client {
            let url = std::env::var("CONFORMANCE_URL").expect("CONFORMANCE_URL: the mock server's URL");
            Client::builder().base_url(url).retry_policy(RetryPolicy::none()) #(#credentials)* .build().expect("client")
        }

        /// Asks the mock for a documented status.
        fn forcing(status: u16) -> CallOptions {
            CallOptions::new().header("Prefer", format!("code={status}"))
        }

        #[derive(Default)]
        struct Outcomes {
            failed: usize,
        }

        impl Outcomes {
            /// `wanted`: `None` for a success, or the documented error
            /// status that must arrive as its typed variant (`0`: any
            /// documented one, for an operation that documents no success).
            fn record<T, E: #krate::ApiError + std::error::Error + 'static>(&mut self, operation: &str, call: &str, wanted: Option<u16>, result: Result<T, Error<E>>) {
                // The body says who refused what (a mock names its reason there).
                let body = |e: &Error<E>| e.response().map(|r| r.text.chars().take(600).collect::<String>()).unwrap_or_default();
                // Every cause, outermost first: a decode error's names the
                // field that did not fit, a transport error's why the
                // connection failed.
                let causes = |e: &Error<E>| {
                    let mut text = String::new();
                    let mut next = std::error::Error::source(e);
                    while let Some(cause) = next {
                        text.push_str(&format!("{cause}: "));
                        next = cause.source();
                    }
                    text
                };
                let (ok, detail) = match (wanted, &result) {
                    (None, Ok(_)) => (true, String::new()),
                    (None, Err(e)) => (false, format!("{}{e} ({}); body: {}", causes(e), kind(e), body(e))),
                    (Some(0), Err(Error::Api(_))) => (true, String::new()),
                    (Some(code), Err(e @ Error::Api(_))) if e.status().map(|s| s.as_u16()) == Some(code) => (true, String::new()),
                    (Some(code), Err(e)) => (false, format!("wanted the documented {code} as its typed variant, got: {}{e} ({}); body: {}", causes(e), kind(e), body(e))),
                    (Some(code), Ok(_)) => (false, format!("wanted the documented {code}, got a success")),
                };
                self.failed += usize::from(!ok);
                // The whole body of a failed call, for telling the mock's and
                // the spec's faults from ours.
                let failed = result.as_ref().err().filter(|_| !ok).and_then(|e| e.response());
                let whole = failed.as_ref().map(|r| r.text);
                // Prism answers a request it refuses with the spec's own
                // 400 or 422 when there is one, saying why only here.
                let violations = failed.and_then(|r| r.headers.get("sl-violations")?.to_str().ok());
                let line = serde_json::json!({"operation": operation, "call": call, "ok": ok, "detail": detail, "body": whole, "violations": violations});
                println!("CONFORMANCE {line}");
            }

            /// A call that could not be made: a value the spec accepts could not be written.
            fn skip(&mut self, operation: &str, call: &str, why: &str) {
                let line = serde_json::json!({"operation": operation, "call": call, "skipped": why});
                println!("CONFORMANCE {line}");
            }
        }

        /// The error's variant, for grouping failures.
        fn kind<E: std::fmt::Debug>(error: &Error<E>) -> &'static str {
            match error {
                Error::Api(_) => "Api",
                Error::UnexpectedStatus { .. } => "UnexpectedStatus",
                Error::Decode { .. } => "Decode",
                Error::Transport { .. } => "Transport",
                Error::InvalidRequest { .. } => "InvalidRequest",
                _ => "other",
            }
        }

        #(#tests)*
    }
}

/// A test per group, calling one function per operation: a single body
/// holding every call of a tag with hundreds of operations overflows the
/// stack of a debug build.
fn group_test(api: &Api, group: &Group, krate: &Ident) -> TokenStream {
    let module = crate::naming::bare(&group.module);
    let name = ident(&format!("{module}_operations"));
    let (fns, calls): (Vec<TokenStream>, Vec<TokenStream>) = group
        .operations
        .iter()
        .map(|op| {
            let function = ident(&format!("{module}_{}", crate::naming::bare(&op.fn_name)));
            let body = operation_calls(api, op, krate, &group.module);
            (
                quote! {
                    async fn #function(client: &Client, out: &mut Outcomes) {
                        #body
                    }
                },
                quote!(Box::pin(#function(&client, &mut out)).await;),
            )
        })
        .unzip();
    quote! {
        #(#fns)*

        #[tokio::test]
        #[ignore = "needs a mock server at CONFORMANCE_URL"]
        async fn #name() {
            let client = client();
            let mut out = Outcomes::default();
            #(#calls)*
            assert_eq!(out.failed, 0, "calls failed; see the CONFORMANCE lines above");
        }
    }
}

fn operation_calls(api: &Api, op: &Operation, krate: &Ident, module: &str) -> TokenStream {
    let accessor = ident(module);
    let id = &op.id;
    let call = ident(&op.fn_name);
    let mut args = Vec::new();
    let mut missing = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        match value(api, &p.ty, Place::Argument, Some(&p.facts), 0) {
            Some(v) => args.push(v),
            None => missing.push(format!("parameter `{}`", p.wire_name)),
        }
    }
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        match body_value(api, b, krate, module) {
            Some(v) => args.push(v),
            None => missing.push("the request body".to_string()),
        }
    }
    if !missing.is_empty() {
        let why = format!("no value the spec accepts could be written for {}", missing.join(", "));
        return quote!(out.skip(#id, "required", #why););
    }
    // An `Authorization` header the spec declares as a parameter is no
    // argument (OpenAPI ignores it); the mock may still demand it, so each
    // call sends it as a user would, through the call's options.
    let authorization = op.authorization_parameter.as_ref().map(|h| {
        let value = h.example.as_deref().unwrap_or("conformance");
        quote!(.header("Authorization", #value))
    });
    let options = |forced: Option<u16>| match (forced, &authorization) {
        (Some(code), _) => quote!(.with_options(forcing(#code) #authorization)),
        (None, Some(header)) => quote!(.with_options(CallOptions::new() #header)),
        (None, None) => quote!(),
    };
    let plain = options(None);
    let base = quote!(client.#accessor().#call(#(#args),*));
    let mut optional = Vec::new();
    for p in op.params.iter().filter(|p| !p.required) {
        if let Some(v) = value(api, &p.ty, Place::Argument, Some(&p.facts), 0) {
            let setter = ident(&p.rust_name);
            optional.push(quote!(.#setter(#v)));
        }
    }
    if let Some(b) = op.body.as_ref().filter(|b| !b.required) {
        if let Some(v) = body_value(api, b, krate, module) {
            let setter = ident(&b.rust_name);
            optional.push(quote!(.#setter(#v)));
        }
    }
    // Without a documented success, the mock answers a documented error:
    // then that, typed, is the right outcome.
    let wanted = if op.success.responses.is_empty() { quote!(Some(0)) } else { quote!(None) };
    let with_optional = (!optional.is_empty())
        .then(|| quote!(out.record(#id, "optional", #wanted, Box::pin(#base #(#optional)* #plain .send()).await);));
    // The docs' example sets the first optional parameter alone: called
    // as shown, so the documentation cannot show a call that fails.
    let as_documented = first_optional(api, op).filter(|_| optional.len() > 1).map(|first| {
        quote!(out.record(#id, "docs example", #wanted, Box::pin(#base #first #plain .send()).await);)
    });
    let forced = op.errors.iter().filter_map(|r| match r.status {
        StatusMatch::Code(code) => {
            let label = format!("status {code}");
            let forcing = options(Some(code));
            Some(quote!(out.record(#id, #label, Some(#code), Box::pin(#base #forcing .send()).await);))
        }
        // A range or `default` names no one status to ask for.
        StatusMatch::Range(_) | StatusMatch::Default => None,
    });
    quote! {
        // Each call's future is boxed: a tag of hundreds of operations
        // would otherwise make one future too large for the stack.
        out.record(#id, "required", #wanted, Box::pin(#base #plain .send()).await);
        #with_optional
        #as_documented
        #(#forced)*
    }
}
