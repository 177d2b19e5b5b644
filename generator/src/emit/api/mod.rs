//! `src/apis/`: one module per tag, one builder per operation.
//!
//! This module writes the builders and how they send and decide responses;
//! [`bodies`] how request bodies are taken and encoded, [`headers`] the
//! typed response headers.

mod bodies;
mod headers;

use std::sync::Arc;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use self::bodies::{body_choice, body_type, by_ref, derives, multipart_form, put_body};
use self::headers::{HeaderReading, header_reading, headers_struct};
use super::Emitted;
use super::doc::{self, Doc};
use super::example::Examples;
use super::features::Features;
use super::types::{Scope, count, field_init, ident, number, rust_type};
use crate::ir::{
    Api, BodyKind, Check, FieldAccess, Framing, Group, Holder, ItemStream, Method, Operation,
    PageStep, ParamLocation, Parameter, PathPart, QueryStyle, Response, StatusMatch, StreamItem,
    SuccessShape, TypeKind, TypeRef,
};

pub(super) fn files<'a>(
    api: &'a Api,
    examples: &Arc<Examples<'a>>,
    features: &Arc<Features>,
) -> Vec<Emitted<'a>> {
    let mut files = Vec::with_capacity(api.groups.len() + 1);
    let features = features.clone();
    files.push(Emitted::rust("src/apis/mod.rs", move || {
        let mods = api.groups.iter().map(|g| {
            let module = ident(&g.module);
            let ty = ident(&g.type_name);
            let docs = doc::attrs(&format!("Operations tagged {}.", doc::code(&g.tag)));
            let cfg = features.for_group(&g.module);
            quote! {
                #docs
                #cfg
                pub mod #module;
                #cfg
                pub use #module::#ty;
            }
        });
        quote! {
            //! Operations, one module per tag of the spec.
            #(#mods)*
        }
    }));
    for group in &api.groups {
        // The group's struct first, then each operation's items apart:
        // one tag can hold most of a spec's operations.
        let head = std::iter::once(Piece::Head(group));
        let pieces = head.chain(group.operations.iter().map(Piece::Operation)).map(|piece| {
            let examples = examples.clone();
            move || match piece {
                Piece::Head(group) => group_head(api, group, &examples),
                Piece::Operation(op) => operation_items(api, op),
            }
        });
        files.push(Emitted::rust_pieces(format!("src/apis/{}.rs", group.module), pieces.collect()));
    }
    files
}

/// A piece of a group's file.
#[derive(Clone, Copy)]
enum Piece<'a> {
    /// The module docs, imports, and the group's struct with a method per
    /// operation.
    Head(&'a Group),
    /// An operation's builder, error enum and forms.
    Operation(&'a Operation),
}

fn group_head<'a>(api: &'a Api, group: &'a Group, examples: &Examples<'a>) -> TokenStream {
    let ty = ident(&group.type_name);
    let module_doc = Doc::default()
        .note(format!("Operations tagged {}.", doc::code(&group.tag)))
        .prose(group.description.as_deref())
        .text();
    let module_doc = doc::inner_attrs(&module_doc);
    let struct_doc = doc::attrs(&format!(
        "Operations tagged {}; from [`Client::{}`].",
        doc::code(&group.tag),
        crate::naming::bare(&group.module)
    ));
    let methods = group.operations.iter().map(|op| entry_method(api, op, examples.of(group, op)));
    let uses = Uses::of(api, group);
    let models_use = uses.models.then(|| {
        quote!(
            use crate::models;
        )
    });
    let list_use = uses.list_style.then(|| quote!(ListStyle,));
    let object_use = uses.object_style.then(|| quote!(ObjectStyle,));
    let multipart_use = uses.multipart.then(|| {
        quote!(
            use crate::transfer::Multipart;
        )
    });
    let header_use = uses.header_value.then(|| quote!(header_value,));
    let headers_use = uses.header_values.then(|| quote!(header_values,));
    let scheme_use = uses.security.then(|| {
        quote!(
            use crate::client::SecurityScheme;
        )
    });
    quote! {
        #module_doc

        use reqwest::Method;

        #scheme_use
        use crate::runtime::{#header_use #headers_use #list_use #object_use Request};
        #multipart_use
        #models_use
        use crate::{ApiResponse, Client, Error};

        #struct_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #ty<'a> {
            client: &'a Client,
        }

        impl<'a> #ty<'a> {
            pub(crate) fn new(client: &'a Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }
    }
}

/// Which imports a group module needs, so none is unused.
struct Uses {
    models: bool,
    list_style: bool,
    object_style: bool,
    security: bool,
    multipart: bool,
    header_value: bool,
    header_values: bool,
}

impl Uses {
    fn of(api: &Api, group: &Group) -> Self {
        let models = group.operations.iter().any(|o| o.type_refs().any(mentions_named));
        let calls = |call| {
            group.operations.iter().flat_map(|o| &o.params).any(|p| ParamCall::of(api, p) == call)
        };
        let list_style = calls(ParamCall::QueryList);
        let object_style = calls(ParamCall::QueryObject);
        let security = group.operations.iter().any(Operation::uses_credentials);
        let multipart = group.operations.iter().any(|o| {
            o.body.iter().flat_map(|b| b.kinds()).any(|k| matches!(k, BodyKind::Multipart(_)))
        });
        let readings: Vec<HeaderReading<'_>> = group
            .operations
            .iter()
            .flat_map(|o| o.success.responses.iter().chain(&o.errors))
            .flat_map(|r| &r.headers)
            .map(|h| header_reading(api, &h.ty))
            .collect();
        let header_value = readings.iter().any(|r| matches!(r, HeaderReading::One(_)));
        let header_values = readings.iter().any(|r| matches!(r, HeaderReading::List(_)));
        Uses { models, list_style, object_style, security, multipart, header_value, header_values }
    }
}

fn mentions_named(t: &TypeRef) -> bool {
    match t {
        TypeRef::Named(_) => true,
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            mentions_named(inner)
        }
        _ => false,
    }
}

/// The item type when `ty` is a list of values a query string can carry.
fn list_item<'t>(api: &Api, ty: &'t TypeRef) -> Option<&'t TypeRef> {
    match ty {
        TypeRef::List(inner) if is_scalar(api, inner) => Some(inner),
        _ => None,
    }
}

/// Whether a value of `ty` is written as plain text in a URL or header
/// (otherwise it goes as JSON text).
fn is_scalar(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::List(_) | TypeRef::Map(_) | TypeRef::JsonObject => false,
        // Unions write what they serialize to (see `runtime::json_param`).
        TypeRef::Named(n) => match api.type_def(n).map(|t| &t.kind) {
            Some(TypeKind::Enum(_) | TypeKind::Union(_)) => true,
            Some(TypeKind::Alias(inner)) => is_scalar(api, inner),
            _ => false,
        },
        _ => true,
    }
}

/// Names come from the spec, not from a Rust author: an operation called
/// `sub` is no attempt at `std::ops`, so clippy's suggestion is allowed (as
/// `enum_variant_names` is on every generated enum, for the same reason).
fn looks_like_std_trait(name: &str) -> Option<TokenStream> {
    const NAMES: &[&str] = &[
        "add",
        "as_mut",
        "as_ref",
        "bitand",
        "bitor",
        "bitxor",
        "borrow",
        "borrow_mut",
        "clone",
        "cmp",
        "default",
        "deref",
        "deref_mut",
        "div",
        "drop",
        "eq",
        "from_iter",
        "from_str",
        "hash",
        "index",
        "index_mut",
        "into_iter",
        "mul",
        "neg",
        "next",
        "not",
        "partial_cmp",
        "rem",
        "shl",
        "shr",
        "sub",
    ];
    NAMES.contains(&name).then(|| quote!(#[allow(clippy::should_implement_trait)]))
}

/// Whether a value of `ty` is a JSON object (a struct or a map).
fn is_object(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) | TypeRef::JsonObject => true,
        TypeRef::Named(n) => match api.type_def(n).map(|t| &t.kind) {
            Some(TypeKind::Struct(_)) => true,
            Some(TypeKind::Alias(inner)) => is_object(api, inner),
            _ => false,
        },
        _ => false,
    }
}

/// How an argument of some type is taken and stored.
struct Arg {
    ty: TokenStream,
    store: TokenStream,
}

fn arg(ty: &TypeRef, value: &Ident) -> Arg {
    match ty {
        TypeRef::String => Arg { ty: quote!(impl Into<String>), store: quote!(#value.into()) },
        TypeRef::List(inner) if **inner == TypeRef::String => Arg {
            ty: quote!(impl IntoIterator<Item = impl Into<String>>),
            store: quote!(#value.into_iter().map(Into::into).collect()),
        },
        TypeRef::List(inner) => {
            let inner = rust_type(inner, Scope::Outside);
            Arg {
                ty: quote!(impl IntoIterator<Item = #inner>),
                store: quote!(#value.into_iter().collect()),
            }
        }
        other => Arg { ty: rust_type(other, Scope::Outside), store: quote!(#value) },
    }
}

/// The builder's fields: required and optional parameters, then the body.
struct Slot<'o> {
    name: Ident,
    ty: TokenStream,
    required: bool,
    arg: Arg,
    docs: Doc,
    param: Option<&'o Parameter>,
}

fn slots(op: &Operation) -> Vec<Slot<'_>> {
    let mut slots = Vec::new();
    for p in &op.params {
        let name = ident(&p.rust_name);
        let value = name.clone();
        slots.push(Slot {
            ty: rust_type(&p.ty, Scope::Outside),
            required: p.required,
            arg: arg(&p.ty, &value),
            docs: param_doc(p),
            param: Some(p),
            name,
        });
    }
    if let Some(b) = &op.body {
        let name = ident(&b.rust_name);
        let (ty, arg, note) = match &b.choice {
            Some(choice) => {
                let ty = ident(&choice.name);
                let media: Vec<String> =
                    choice.variants.iter().map(|v| doc::code(&v.media_type)).collect();
                let note = format!(
                    "The request body, in one of the media types the spec accepts ({}): see [`{}`].",
                    media.join(", "),
                    choice.name
                );
                let arg = Arg { ty: quote!(impl Into<#ty>), store: quote!(#name.into()) };
                (quote!(#ty), arg, note)
            }
            None => {
                let (ty, arg) = body_type(&b.kind, &name);
                (ty, arg, format!("The request body, sent as {}.", doc::code(&b.media_type)))
            }
        };
        let docs = Doc::default().note(note).prose(b.description.as_deref());
        slots.push(Slot { name, ty, required: b.required, arg, docs, param: None });
    }
    // Required ones are positional, in order: keep them first.
    slots.sort_by_key(|s| !s.required);
    slots
}

fn param_doc(p: &Parameter) -> Doc {
    let place = match p.location {
        ParamLocation::Path => "Path parameter",
        ParamLocation::Query => "Query parameter",
        ParamLocation::Header => "Header",
        ParamLocation::Cookie => "Cookie",
    };
    let mut notes = vec![format!("{place} {}.", doc::code(&p.wire_name))];
    if p.deprecated {
        notes.push("**Deprecated** in the spec.".to_string());
    }
    let facts = doc::facts(&p.facts);
    if !facts.is_empty() {
        notes.push(facts);
    }
    Doc::default().prose(p.description.as_deref()).note(notes.join(" "))
}

/// The method on the group struct that starts a call.
fn entry_method(api: &Api, op: &Operation, example: Option<&str>) -> TokenStream {
    let fn_name = ident(&op.fn_name);
    let builder = ident(&op.builder_name);
    let slots = slots(op);
    let args = slots.iter().filter(|s| s.required).map(|s| {
        let name = &s.name;
        let ty = &s.arg.ty;
        quote!(#name: #ty)
    });
    let inits = slots.iter().map(|s| {
        let name = &s.name;
        if s.required { field_init(name, &s.arg.store) } else { quote!(#name: None) }
    });
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    // Required parameters are positional by design, however many the spec has.
    let many = crate::emit::many_arguments(slots.iter().filter(|s| s.required).count() + 1);
    let trait_like = looks_like_std_trait(&op.fn_name);
    let next_page_init = follows_links(op).then(|| quote!(next_page: None,));
    let docs = operation_doc(api, op, &slots, example).attrs();
    quote! {
        #docs
        #deprecated
        #many
        #trait_like
        pub fn #fn_name(&self, #(#args),*) -> #builder<'a> {
            #builder {
                client: self.client,
                #(#inits,)*
                call_options: crate::CallOptions::default(),
                #next_page_init
            }
        }
    }
}

fn operation_doc(api: &Api, op: &Operation, slots: &[Slot], example: Option<&str>) -> Doc {
    let mut doc = Doc::default().prose(op.summary.as_deref());
    if op.description != op.summary {
        doc = doc.prose(op.description.as_deref());
    }
    doc = doc.note(format!("`{} {}`", op.method.as_str(), op.path.replace('`', "'")));
    let required: Vec<String> = slots
        .iter()
        .filter(|s| s.required)
        .map(|s| format!("- `{}`: {}", crate::naming::bare(&s.name.to_string()), s.docs.inline()))
        .collect();
    if !required.is_empty() {
        doc = doc.note(format!("Arguments:\n{}", required.join("\n")));
    }
    let optional: Vec<String> = slots
        .iter()
        .filter(|s| !s.required)
        .map(|s| {
            let name = s.name.to_string();
            let shown = match name.strip_prefix("r#") {
                Some(raw) => format!("`{raw}`"),
                None => format!("[`{name}`]({}::{name})", op.builder_name),
            };
            format!("- {shown}: {}", s.docs.inline())
        })
        .collect();
    if !optional.is_empty() {
        doc = doc.note(format!("Optional, set on the returned builder:\n{}", optional.join("\n")));
    }
    let mut outcomes = Vec::new();
    let headers = |r: &Response| match &r.headers_type {
        Some(name) => format!(" Headers: [`{name}`]."),
        None => String::new(),
    };
    for r in &op.success.responses {
        outcomes.push(format!(
            "- {}: success. {}{}",
            status_text(r.status),
            doc::sanitize(&r.description).replace('\n', " "),
            headers(r)
        ));
    }
    for r in &op.errors {
        outcomes.push(format!(
            "- {}: [`{}::{}`]. {}{}",
            status_text(r.status),
            op.error_name,
            r.variant,
            doc::sanitize(&r.description).replace('\n', " "),
            headers(r)
        ));
    }
    if !outcomes.is_empty() {
        doc = doc.note(format!("Responses:\n{}", outcomes.join("\n")));
    }
    if !op.security.is_empty() {
        let alternatives: Vec<String> = op
            .security
            .iter()
            .map(|all| {
                if all.is_empty() {
                    "none".to_string()
                } else {
                    all.iter()
                        .map(|&i| {
                            let s = &api.security_schemes[i];
                            format!(
                                "{} (set with [`ClientBuilder::{}`](crate::ClientBuilder::{}))",
                                doc::code(&s.name),
                                s.setter,
                                s.setter
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                }
            })
            .collect();
        doc = doc.note(format!("Authentication: {}.", alternatives.join(", or ")));
    }
    if let Some(header) = &op.authorization_parameter {
        let needed = if header.required { "a required" } else { "an optional" };
        let example = header
            .example
            .as_ref()
            .map(|e| format!(" (example: {})", doc::code(e)))
            .unwrap_or_default();
        doc = doc.note(format!(
            "The spec also declares {needed} `Authorization` header parameter{example}, which OpenAPI ignores (security schemes set that header), so no argument carries it: send it with [`CallOptions::header`](crate::CallOptions::header), or sign requests with a [`RequestHook`](crate::RequestHook)."
        ));
    }
    if let Some(example) = example {
        doc = doc.note("# Example").note(example);
    }
    doc
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(n) => format!("`{n}`"),
        StatusMatch::Range(n) => format!("`{n}XX`"),
        StatusMatch::Default => "any other status".to_string(),
    }
}

/// The builder struct, its impl and the operation's error enum.
fn operation_items(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder_name);
    let error = ident(&op.error_name);
    let slots = slots(op);
    let fields = slots.iter().map(|s| {
        let name = &s.name;
        let ty = &s.ty;
        if s.required { quote!(#name: #ty) } else { quote!(#name: Option<#ty>) }
    });
    let setters = slots.iter().filter(|s| !s.required).map(|s| {
        let name = &s.name;
        let Arg { ty, store } = &s.arg;
        let docs = s.docs.attrs();
        let trait_like = looks_like_std_trait(&name.to_string());
        let setter = crate::emit::setter(name, name, ty, name, &quote!(Some(#store)));
        quote!(#docs #trait_like #setter)
    });
    let (success_ty, success_items) = success_type(op);
    let builder_doc = doc::attrs(&format!(
        "Builder for {}: set optional parameters, then [`send`](Self::send).",
        doc::code(crate::naming::bare(&op.fn_name))
    ));
    let error_enum = error_enum(op);
    // Streams and files cannot be cloned, nor can a builder holding one.
    let derives = derives(op.body.iter().flat_map(|b| b.kinds()).any(BodyKind::takes_stream));
    // The stream switch is set on the builder's own body before it goes.
    let mutable = op.stream.as_ref().and_then(|s| s.switch.as_ref()).map(|_| quote!(mut));
    let sends = if streams(op) {
        let send = send_body(api, op, &slots, Reading::Streamed);
        quote! {
            /// Sends the request and returns the whole successful response,
            /// status and headers included, its body read into memory.
            pub async fn send_with_response(self) -> Result<ApiResponse<#success_ty>, Error<#error>> {
                Ok(crate::transfer::collect(self.send_streaming().await?).await?)
            }

            /// Sends the request and returns the successful response with
            /// its body as a stream, read only as it is consumed.
            pub async fn send_streaming(#mutable self) -> Result<ApiResponse<crate::ByteStream>, Error<#error>> {
                #send
            }
        }
    } else {
        let send = send_body(api, op, &slots, Reading::Whole);
        quote! {
            /// Sends the request and returns the whole successful response,
            /// status and headers included.
            pub async fn send_with_response(#mutable self) -> Result<ApiResponse<#success_ty>, Error<#error>> {
                #send
            }
        }
    };
    let send_stream = op.stream.as_ref().map(|stream| {
        let open = send_body(api, op, &slots, Reading::Items(stream));
        let statuses = op.success.responses.iter().map(|r| success_pattern(r.status));
        let failed = error_reading(op);
        let (framing, decode) = stream_decoding(stream);
        // A `GET` event stream whose connection drops is sent again from
        // the last event id; other methods may have acted, so they are not.
        let resumes = op.method == Method::Get && stream.framing == Framing::Events;
        let again = resumes.then(|| quote!(let again = self.clone();));
        let resumable = resumes.then(|| {
            quote!(.resumable(Box::new(move |last| Box::pin(again.clone().open_stream(last)))))
        });
        let item = stream_item_type(stream);
        let what = match stream.framing {
            Framing::Events => "events",
            Framing::Lines | Framing::Sequence => "items",
        };
        let docs = doc::attrs(&format!(
            "Sends the request for the response's {what} (`{}`; {}) and returns them as they arrive: a `Stream` of results, or `while let Some(item) = stream.next().await`. Documented error statuses arrive typed, as from [`send`](Self::send). The call's deadline bounds the wait for the response's head; after it, the stream ends when the server closes it, at a `[DONE]` sentinel, or after the call's timeout (else the client's) passes with nothing received.{}",
            stream.media_type,
            stream.how,
            if resumes {
                " A dropped connection is resumed with `Last-Event-ID`, as often as the retry policy retries."
            } else {
                ""
            }
        ));
        quote! {
            impl<'a> #builder<'a> {
                #docs
                pub async fn send_stream(self) -> Result<crate::ItemStream<'a, #item, #error>, Error<#error>> {
                    #again
                    let response = self.open_stream(None).await?;
                    match response.status() {
                        #(#statuses)|* => Ok(response.items(crate::streams::Framing::#framing, #decode, crate::streams::SENTINELS)#resumable),
                        _ => #failed,
                    }
                }

                /// Sends the request for the stream; resuming, with the last
                /// event id the server gave.
                async fn open_stream(
                    #mutable self,
                    last_event_id: Option<String>,
                ) -> Result<crate::runtime::Opened, crate::runtime::Failure> {
                    #open
                }
            }
        }
    });
    let forms = op.body.iter().flat_map(|b| b.kinds()).filter_map(|kind| match kind {
        BodyKind::Multipart(form) => Some(multipart_form(op, form)),
        _ => None,
    });
    let choice = op.body.as_ref().and_then(|b| b.choice.as_ref()).map(|c| body_choice(op, c));
    let paging = items_method(op);
    // Where `items()` sends the next page's request: the `Link` it was given.
    let next_page_field = follows_links(op).then(|| quote!(next_page: Option<String>,));
    let headers =
        op.success.responses.iter().chain(&op.errors).filter_map(|r| headers_struct(api, op, r));
    quote! {
        #builder_doc
        #derives
        #[must_use = "nothing is sent until `send` is awaited"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields,)*
            call_options: crate::CallOptions,
            #next_page_field
        }

        impl #builder<'_> {
            #(#setters)*

            /// Options for this call alone: a timeout, a deadline, a retry
            /// policy, extra headers, an idempotency key (see
            /// [`CallOptions`](crate::CallOptions)).
            #[inline] // As setters are (see `emit::setter`).
            pub fn with_options(mut self, options: crate::CallOptions) -> Self {
                self.call_options = options;
                self
            }

            /// Sends the request and returns the body of a successful response.
            pub async fn send(self) -> Result<#success_ty, Error<#error>> {
                self.send_with_response().await.map(ApiResponse::into_body)
            }

            #sends
        }

        #send_stream
        #paging
        #choice
        #(#forms)*
        #(#headers)*
        #success_items
        #error_enum
    }
}

/// Whether the operation's pages are found by `Link` headers.
fn follows_links(op: &Operation) -> bool {
    op.pagination
        .as_ref()
        .is_some_and(|p| matches!(p.next, PageStep::Link | PageStep::BodyLink { .. }))
}

/// `items()`: every item of every page, for an operation that pages.
fn items_method(op: &Operation) -> Option<TokenStream> {
    let paging = op.pagination.as_ref()?;
    let builder = ident(&op.builder_name);
    let error = ident(&op.error_name);
    let item = rust_type(&paging.item, Scope::Outside);
    let items = match &paging.items_field {
        None => quote!(page),
        Some(field @ FieldAccess { holder: Holder::Plain, .. }) => {
            let field = ident(&field.rust_name);
            quote!(page.#field)
        }
        Some(field) => {
            let field = take_field(&quote!(page), field);
            quote!(#field.unwrap_or_default())
        }
    };
    let set = |param: usize, value: TokenStream| {
        let p = &op.params[param];
        let name = ident(&p.rust_name);
        let assign = if p.required {
            quote!(call.#name = #value;)
        } else {
            quote!(call.#name = Some(#value);)
        };
        // A number past an `i32` parameter's range ends the walk's steps.
        match p.ty {
            TypeRef::Integer(crate::ir::IntWidth::I32) => quote! {
                if let Ok(#value) = i32::try_from(#value) {
                    #assign
                }
            },
            _ => assign,
        }
    };
    let current = |param: usize, default: TokenStream| {
        let p = &op.params[param];
        let name = ident(&p.rust_name);
        // An `i64` needs no conversion, and clippy says so.
        let wide = p.ty == TypeRef::Integer(crate::ir::IntWidth::I64);
        match (p.required, wide) {
            (true, true) => quote!(call.#name),
            (true, false) => quote!(i64::from(call.#name)),
            (false, true) => quote!(call.#name.unwrap_or(#default)),
            (false, false) => quote!(call.#name.map_or(#default, i64::from)),
        }
    };
    // What the builder's copy for a page says that the response does not:
    // where an offset or a page number started.
    let (context, place, next) = match &paging.next {
        PageStep::Cursor { param, field } => {
            let assign = set(*param, quote!(text));
            let value = take_path(&quote!(page), field);
            (
                quote!(_),
                quote! {
                    if let Some(crate::pages::Cursor::Text(text)) = cursor {
                        #assign
                    }
                },
                quote!(let next = #value.filter(|c| !c.is_empty()).map(crate::pages::Cursor::Text);),
            )
        }
        PageStep::AfterLast { param, has_more, id } => {
            let assign = set(*param, quote!(text));
            let more = take_field(&quote!(page), has_more);
            let id_name = ident(&id.rust_name);
            let last_id = match id.holder {
                Holder::Plain => quote!(map(|item| item.#id_name.clone())),
                Holder::Option => quote!(and_then(|item| item.#id_name.clone())),
                Holder::Nullable => quote!(and_then(|item| item.#id_name.value().cloned())),
            };
            (
                quote!(_),
                quote! {
                    if let Some(crate::pages::Cursor::Text(text)) = cursor {
                        #assign
                    }
                },
                quote! {
                    let next = if #more == Some(true) {
                        items.last().#last_id.map(crate::pages::Cursor::Text)
                    } else {
                        None
                    };
                },
            )
        }
        PageStep::Offset { param } => {
            let assign = set(*param, quote!(n));
            let start = current(*param, quote!(0));
            (
                quote!(start),
                quote! {
                    if let Some(crate::pages::Cursor::Number(n)) = cursor {
                        #assign
                    }
                    #start
                },
                quote!(let next = Some(crate::pages::Cursor::Number(start + items.len() as i64));),
            )
        }
        PageStep::Page { param, first } => {
            let assign = set(*param, quote!(n));
            let first = proc_macro2::Literal::i64_unsuffixed(*first);
            let current_page = current(*param, quote!(#first));
            (
                quote!(current),
                quote! {
                    if let Some(crate::pages::Cursor::Number(n)) = cursor {
                        #assign
                    }
                    #current_page
                },
                quote!(let next = Some(crate::pages::Cursor::Number(current + 1));),
            )
        }
        PageStep::BodyLink { field } => {
            let value = take_path(&quote!(page), field);
            (
                quote!(_),
                quote! {
                    if let Some(crate::pages::Cursor::Text(link)) = cursor {
                        call.next_page = Some(link);
                    }
                },
                quote!(let next = #value.filter(|l| !l.is_empty()).map(crate::pages::Cursor::Text);),
            )
        }
        PageStep::Link => (
            quote!(_),
            quote! {
                if let Some(crate::pages::Cursor::Text(link)) = cursor {
                    call.next_page = Some(link);
                }
            },
            quote!(),
        ),
    };
    // A `Link` is in the headers, read before the body is taken.
    let link = (paging.next == PageStep::Link).then(|| {
        quote!(let next = crate::pages::next_link(response.headers()).map(crate::pages::Cursor::Text);)
    });
    let docs = doc::attrs(&format!(
        "Every item of every page, fetched as you pull them ({}): a `Stream` of results, or `while let Some(item) = items.next().await`. The parameters set on this builder apply to every page.",
        paging.how
    ));
    // `#[inline]` so that a debug build of the crate leaves the walk (its
    // future, the page's reader and every model that reader reaches) to be
    // made into machine code where `items()` is called, as `send`'s body
    // already is: otherwise the boxed future is compiled for every list
    // operation.
    Some(quote! {
        impl<'a> #builder<'a> {
            #docs
            #[inline]
            pub fn items(self) -> crate::Items<'a, #item, #error> {
                crate::Items::paged(
                    self,
                    |call, cursor| {
                        #place
                    },
                    Self::send_with_response,
                    |#context, response| {
                        #link
                        let page = response.into_body();
                        let items: Vec<#item> = #items;
                        #next
                        (items, next)
                    },
                )
            }
        }
    })
}

/// `owner.a.b.c` taken out of the structs along the path as an `Option`,
/// whatever holds each.
fn take_path(owner: &TokenStream, path: &[FieldAccess]) -> TokenStream {
    let Some((first, rest)) = path.split_first() else { return quote!(Some(#owner)) };
    let mut value = take_field(owner, first);
    for step in rest {
        // A plain field is always there: `map`, as clippy prefers.
        value = match step.holder {
            Holder::Plain => {
                let name = ident(&step.rust_name);
                quote!(#value.map(|v| v.#name))
            }
            _ => {
                let inner = take_field(&quote!(v), step);
                quote!(#value.and_then(|v| #inner))
            }
        };
    }
    value
}

/// `owner.field` taken out of its struct as an `Option`, whatever holds it.
fn take_field(owner: &TokenStream, field: &FieldAccess) -> TokenStream {
    let name = ident(&field.rust_name);
    match field.holder {
        Holder::Plain => quote!(Some(#owner.#name)),
        Holder::Option => quote!(#owner.#name),
        Holder::Nullable => quote!(#owner.#name.into_value()),
    }
}

/// Whether the operation's success body is binary, so it can also be read
/// as a stream.
pub(super) fn streams(op: &Operation) -> bool {
    matches!(
        op.success.shape,
        SuccessShape::Single { body: Some(BodyKind::Bytes), optional: false }
    )
}

/// How `send_body` reads the response.
#[derive(Clone, Copy, PartialEq)]
enum Reading<'o> {
    /// Whole, then decoded by status.
    Whole,
    /// Success bodies as a stream; error bodies whole.
    Streamed,
    /// Success bodies as items over time (`send_stream`); error bodies
    /// whole.
    Items(&'o ItemStream),
}

/// How a response body is decoded, and into what.
fn decode(kind: Option<&BodyKind>, boxed: bool) -> (TokenStream, TokenStream) {
    match kind {
        None => (quote!(()), quote!(response.empty())),
        Some(BodyKind::Json(t)) | Some(BodyKind::Form(t)) => {
            let mut ty = rust_type(t, Scope::Outside);
            if boxed && matches!(t, TypeRef::Named(_)) {
                ty = quote!(Box<#ty>);
            }
            (ty, quote!(response.json()?))
        }
        Some(BodyKind::Text) => (quote!(String), quote!(response.text())),
        // Items are a request's; a response's are `send_stream`'s.
        Some(BodyKind::Bytes | BodyKind::Multipart(_) | BodyKind::Items { .. }) => {
            (quote!(bytes::Bytes), quote!(response.bytes()))
        }
    }
}

fn success_type(op: &Operation) -> (TokenStream, TokenStream) {
    match &op.success.shape {
        SuccessShape::Single { body, optional } => {
            let (ty, _) = decode(body.as_ref(), false);
            if *optional { (quote!(Option<#ty>), quote!()) } else { (ty, quote!()) }
        }
        SuccessShape::Variants { name } => {
            let name = ident(name);
            let variants = op.success.responses.iter().map(|r| {
                let v = ident(&r.variant);
                let docs = doc::attrs(&format!(
                    "{}: {}",
                    status_text(r.status),
                    doc::sanitize(&r.description)
                ));
                match r.body.as_ref() {
                    None => quote!(#docs #v),
                    Some(b) => {
                        let (ty, _) = decode(Some(&b.kind), false);
                        quote!(#docs #v(#ty))
                    }
                }
            });
            let docs = doc::attrs(&format!(
                "The successful outcomes of {}.",
                doc::code(crate::naming::bare(&op.fn_name))
            ));
            let items = quote! {
                #docs
                #[derive(Debug, Clone)]
                #[non_exhaustive]
                #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
                pub enum #name {
                    #(#variants,)*
                }
            };
            (quote!(#name), items)
        }
    }
}

fn status_pattern(s: StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Code(n) => {
            let n = Literal::u16_unsuffixed(n);
            quote!(#n)
        }
        StatusMatch::Range(n) => {
            let (lo, hi) =
                (Literal::u16_unsuffixed(n * 100), Literal::u16_unsuffixed(n * 100 + 99));
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn send_body(api: &Api, op: &Operation, slots: &[Slot<'_>], reading: Reading<'_>) -> TokenStream {
    let id = &op.id;
    let method = match op.method {
        Method::Get => quote!(GET),
        Method::Put => quote!(PUT),
        Method::Post => quote!(POST),
        Method::Delete => quote!(DELETE),
        Method::Options => quote!(OPTIONS),
        Method::Head => quote!(HEAD),
        Method::Patch => quote!(PATCH),
        Method::Trace => quote!(TRACE),
    };
    let path = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(l) => quote!(request.path(#l);),
        PathPart::Param(i) => {
            let p = &op.params[*i];
            let name = ident(&p.rust_name);
            let check = check_param(api, p, &quote!(self.#name), false);
            let put = put_param(api, p, &quote!(&self.#name));
            quote!(#check #put)
        }
    });
    let params = slots
        .iter()
        .filter_map(|s| s.param.map(|p| (s, p)))
        .filter(|(_, p)| p.location != ParamLocation::Path)
        .map(|(s, p)| {
            let name = &s.name;
            if s.required {
                let check = check_param(api, p, &quote!(self.#name), false);
                let put = put_param(api, p, &quote!(&self.#name));
                quote!(#check #put)
            } else {
                let check = check_param(api, p, &quote!(value), true);
                let put = put_param(api, p, &quote!(value));
                quote! {
                    if let Some(value) = &self.#name {
                        #check
                        #put
                    }
                }
            }
        });
    let body = op.body.as_ref().map(|b| {
        let name = ident(&b.rust_name);
        if let Some(choice) = &b.choice {
            let ty = ident(&choice.name);
            let arms = choice.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let value = if by_ref(&v.kind) { quote!(&body) } else { quote!(body) };
                let put = put_body(&v.kind, &v.media_type, value);
                quote!(#ty::#variant(body) => { #put })
            });
            return if b.required {
                quote!(match self.#name { #(#arms)* })
            } else {
                quote!(if let Some(body) = self.#name { match body { #(#arms)* } })
            };
        }
        let by_ref = by_ref(&b.kind);
        let value = match (b.required, by_ref) {
            (true, true) => quote!(&self.#name),
            (true, false) => quote!(self.#name),
            (false, _) => quote!(body),
        };
        // A body that can break the spec's constraints is checked first.
        let check = match &b.kind {
            BodyKind::Json(TypeRef::Named(n)) | BodyKind::Form(TypeRef::Named(n))
                if matches!(api.type_def(n).map(|t| &t.kind), Some(TypeKind::Struct(s)) if s.checked) =>
            {
                quote!(request.check_body(#value);)
            }
            _ => quote!(),
        };
        let put = put_body(&b.kind, &b.media_type, value);
        let put = quote!(#check #put);
        match (b.required, by_ref) {
            (true, _) => put,
            (false, true) => quote!(if let Some(body) = &self.#name { #put }),
            (false, false) => quote!(if let Some(body) = self.#name { #put }),
        }
    });
    let accept = match reading {
        Reading::Items(stream) => {
            let media_type = &stream.media_type;
            Some(quote!(request.accept(#media_type); request.streamed();))
        }
        _ => accept(op).map(|a| quote!(request.accept(#a);)),
    };
    // The LLM APIs' `stream` property says what the body will be: set for a
    // stream, and left false otherwise unless the caller said.
    let switch = op.stream.as_ref().and_then(|s| s.switch.as_ref()).and_then(|field| {
        let body = op.body.as_ref()?;
        let name = ident(&body.rust_name);
        let set = switch_statement(field, matches!(reading, Reading::Items(_)));
        Some(if body.required {
            quote!({ let body = &mut self.#name; #set })
        } else {
            quote!(if let Some(body) = &mut self.#name { #set })
        })
    });
    let auth = op.uses_credentials().then(|| {
        let alternatives = op.security.iter().map(|all| {
            let schemes = all.iter().map(|&i| ident(&api.security_schemes[i].variant));
            quote!(&[#(SecurityScheme::#schemes),*])
        });
        quote!(self.client.authorize(&mut request, &[#(#alternatives),*]).await;)
    });
    let follow = follows_links(op).then(|| {
        quote! {
            if let Some(link) = &self.next_page {
                request.follow(link);
            }
        }
    });
    let redirects = op.documents_redirects().then(|| quote!(request.keep_redirects();));
    let build = quote! {
        #switch
        let mut request = Request::new(self.client, #id, Method::#method);
        #redirects
        #(#path)*
        #(#params)*
        #accept
        #auth
        #body
        #follow
        request.options(self.call_options);
    };
    match reading {
        Reading::Whole => {
            let arms = response_arms(op, true);
            quote! {
                #build
                let response = request.send().await?;
                match response.status() {
                    #(#arms)*
                }
            }
        }
        Reading::Streamed => {
            let statuses = op.success.responses.iter().map(|r| success_pattern(r.status));
            let error = error_reading(op);
            quote! {
                #build
                let response = request.open().await?;
                match response.status() {
                    #(#statuses)|* => Ok(response.stream()),
                    _ => #error,
                }
            }
        }
        // The request alone: `send_stream` reads the answer, and sends it
        // again to resume.
        Reading::Items(_) => quote! {
            #build
            if let Some(id) = &last_event_id {
                request.header("Last-Event-ID", id);
            }
            request.open().await
        },
    }
}

/// The error statuses of a response whose success body is not read whole:
/// error bodies are small and typed, so they are read whole.
fn error_reading(op: &Operation) -> TokenStream {
    match op.errors.as_slice() {
        [] => quote!(Err(response.read().await?.unexpected())),
        [only] if only.status == StatusMatch::Default => {
            let value = error_value(op, only);
            quote!({
                let response = response.read().await?;
                #value
            })
        }
        _ => {
            let arms = response_arms(op, false);
            quote!({
                let response = response.read().await?;
                match response.status() {
                    #(#arms)*
                }
            })
        }
    }
}

/// How a stream's items are cut and decoded: the `Framing` variant and the
/// runtime's decoding function.
fn stream_decoding(stream: &ItemStream) -> (TokenStream, TokenStream) {
    let framing = framing_variant(stream.framing);
    let decode = match (&stream.item, stream.framing) {
        (StreamItem::Text, Framing::Events) => quote!(crate::streams::event_text),
        (StreamItem::Json(t), Framing::Events) => {
            let ty = rust_type(t, Scope::Outside);
            quote!(crate::streams::event_json::<#ty>)
        }
        (StreamItem::Text, _) => quote!(crate::streams::item_json::<String>),
        (StreamItem::Json(t), _) => {
            let ty = rust_type(t, Scope::Outside);
            quote!(crate::streams::item_json::<#ty>)
        }
    };
    (framing, decode)
}

/// The runtime's `Framing` variant for `framing`.
pub(super) fn framing_variant(framing: Framing) -> TokenStream {
    match framing {
        Framing::Events => quote!(Events),
        Framing::Lines => quote!(Lines),
        Framing::Sequence => quote!(Sequence),
    }
}

/// The type of one item of a stream: `Event<T>` for events.
fn stream_item_type(stream: &ItemStream) -> TokenStream {
    let data = match &stream.item {
        StreamItem::Text => quote!(String),
        StreamItem::Json(t) => rust_type(t, Scope::Outside),
    };
    match stream.framing {
        Framing::Events => quote!(crate::Event<#data>),
        Framing::Lines | Framing::Sequence => data,
    }
}

/// Sets the body's stream switch (`body` is `&mut` the body): to `true`
/// for a stream; to `false` otherwise when the caller left it unset.
fn switch_statement(field: &FieldAccess, streaming: bool) -> TokenStream {
    let name = ident(&field.rust_name);
    match (field.holder, streaming) {
        (Holder::Plain, true) => quote!(body.#name = true;),
        (Holder::Plain, false) => quote!(),
        (Holder::Option, true) => quote!(body.#name = Some(true);),
        (Holder::Option, false) => quote!(body.#name.get_or_insert(false);),
        (Holder::Nullable, true) => quote!(body.#name = crate::Nullable::Value(true);),
        (Holder::Nullable, false) => quote! {
            if body.#name.is_absent() {
                body.#name = crate::Nullable::Value(false);
            }
        },
    }
}

/// The statements checking a parameter's `value` against the spec's bounds
/// before it is sent (`by_ref`: whether `value` is a reference, else a
/// place); nothing when it has none.
fn check_param(api: &Api, p: &Parameter, value: &TokenStream, by_ref: bool) -> TokenStream {
    check_value(api, &p.wire_name, &p.ty, &p.facts, value, by_ref)
}

/// [`check_param`] for a value of `ty` with `f`'s bounds: the parameter's
/// own, or its items' (each item of a list is checked by its schema's,
/// twitter.com's ids each by a pattern). What is checked is
/// [`Api::checks`]'s answer, which also picks the runtime parts.
fn check_value(
    api: &Api,
    wire: &str,
    ty: &TypeRef,
    f: &crate::ir::Facts,
    value: &TokenStream,
    by_ref: bool,
) -> TokenStream {
    let checks = api.checks(ty, f);
    checks.iter().map(|check| param_check(check, wire, value, by_ref)).collect()
}

/// The statement making one check on a parameter's `value`.
fn param_check(check: &Check, wire: &str, value: &TokenStream, by_ref: bool) -> TokenStream {
    match check {
        Check::Range { facts, f64 } => {
            let (min, max) = (number(&facts.minimum), number(&facts.maximum));
            let (emin, emax) = (facts.exclusive_minimum, facts.exclusive_maximum);
            let number = if by_ref { quote!(*#value) } else { quote!(#value) };
            // An `f64` needs no cast, and clippy says so.
            let number = if *f64 { number } else { quote!(#number as f64) };
            if emin || emax {
                quote!(request.check_range_exclusive(#wire, #number, #min, #max, (#emin, #emax));)
            } else {
                quote!(request.check_range(#wire, #number, #min, #max);)
            }
        }
        Check::Length(facts) => {
            let (min, max) = (count(facts.min_length), count(facts.max_length));
            quote!(request.check_length(#wire, #value.as_str(), #min, #max);)
        }
        Check::Pattern(pattern) => quote!(request.check_pattern(#wire, #value.as_str(), #pattern);),
        Check::Items(facts) => {
            let (min, max) = (count(facts.min_items), count(facts.max_items));
            quote!(request.check_items(#wire, #value.len(), #min, #max);)
        }
        Check::Unique => {
            let items = if by_ref { quote!(#value) } else { quote!(&#value) };
            quote!(request.check_unique(#wire, #items);)
        }
        Check::Each(inner) => {
            let items = if by_ref { quote!(#value) } else { quote!(&#value) };
            let each = inner.iter().map(|c| param_check(c, wire, &quote!(item), true));
            quote!(for item in #items { #(#each)* })
        }
    }
}

/// Which `Request` method takes a parameter: its place, and whether its
/// value is a list of plain values, plain text, an object (query strings
/// spell those in the parameter's style) or JSON text. The statement that
/// sends the parameter and the runtime parts the crate carries are both
/// decided here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ParamCall {
    Query,
    QueryList,
    QueryObject,
    QueryJson,
    Header,
    HeaderList,
    HeaderJson,
    Cookie,
    CookieJson,
    Path,
    PathList,
    PathJson,
}

impl ParamCall {
    pub(super) fn of(api: &Api, p: &Parameter) -> Self {
        let list = list_item(api, &p.ty).is_some();
        let scalar = is_scalar(api, &p.ty);
        // Headers and path segments take the `simple` style: a list is its
        // items joined by commas, a scalar its text, anything structured its
        // JSON text.
        let simple = |[list_call, scalar_call, json_call]: [Self; 3]| {
            if list {
                list_call
            } else if scalar {
                scalar_call
            } else {
                json_call
            }
        };
        match p.location {
            ParamLocation::Query if list => Self::QueryList,
            ParamLocation::Query if scalar => Self::Query,
            ParamLocation::Query if is_object(api, &p.ty) => Self::QueryObject,
            ParamLocation::Query => Self::QueryJson,
            ParamLocation::Header => simple([Self::HeaderList, Self::Header, Self::HeaderJson]),
            ParamLocation::Cookie if scalar => Self::Cookie,
            ParamLocation::Cookie => Self::CookieJson,
            ParamLocation::Path => simple([Self::PathList, Self::Path, Self::PathJson]),
        }
    }

    /// The name of the `Request` method.
    fn method(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::QueryList => "query_list",
            Self::QueryObject => "query_object",
            Self::QueryJson => "query_json",
            Self::Header => "header",
            Self::HeaderList => "header_list",
            Self::HeaderJson => "header_json",
            Self::Cookie => "cookie",
            Self::CookieJson => "cookie_json",
            Self::Path => "path_param",
            Self::PathList => "path_list",
            Self::PathJson => "path_json",
        }
    }
}

/// The statement that puts one parameter's `value` into the request.
fn put_param(api: &Api, p: &Parameter, value: &TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    let call = ParamCall::of(api, p);
    let method = ident(call.method());
    let style = match call {
        ParamCall::QueryList => Some(match p.style {
            QueryStyle::Form { explode: true } => quote!(ListStyle::Exploded),
            QueryStyle::Form { explode: false } => quote!(ListStyle::Joined(",")),
            QueryStyle::SpaceDelimited => quote!(ListStyle::Joined(" ")),
            QueryStyle::PipeDelimited => quote!(ListStyle::Joined("|")),
            QueryStyle::DeepObject => quote!(ListStyle::Exploded),
        }),
        ParamCall::QueryObject => Some(match p.style {
            QueryStyle::DeepObject => quote!(ObjectStyle::DeepObject),
            QueryStyle::Form { explode: false } => quote!(ObjectStyle::Joined),
            _ => quote!(ObjectStyle::Exploded),
        }),
        _ => None,
    };
    match style {
        Some(style) => quote!(request.#method(#wire, #value, #style);),
        None => quote!(request.#method(#wire, #value);),
    }
}

/// The `Accept` header: the media types the documented responses come in.
fn accept(op: &Operation) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    for r in op.success.responses.iter().chain(&op.errors) {
        if let Some(b) = &r.body {
            // A bare `*` (telnyx.com, snyk.io) is no media range; `*/*` is.
            let media = if b.media_type == "*" { "*/*" } else { b.media_type.as_str() };
            if !types.contains(&media) {
                types.push(media);
            }
        }
    }
    (!types.is_empty()).then(|| types.join(", "))
}

/// The `match` arms deciding a response by status; without `success`, only
/// the error arms (success was handled before).
fn response_arms(op: &Operation, success: bool) -> Vec<TokenStream> {
    let mut arms = Vec::new();
    let single_optional = matches!(op.success.shape, SuccessShape::Single { optional: true, .. });
    for r in op.success.responses.iter().filter(|_| success) {
        let pattern = success_pattern(r.status);
        let (_, decode_expr) = decode(r.body.as_ref().map(|b| &b.kind), false);
        let value = match &op.success.shape {
            SuccessShape::Single { .. } if single_optional => match r.body {
                Some(_) => quote!(#decode_expr.map(Some)),
                None => quote!(response.empty().map(|()| None)),
            },
            SuccessShape::Single { .. } => decode_expr,
            SuccessShape::Variants { name } => {
                let name = ident(name);
                let v = ident(&r.variant);
                match r.body {
                    Some(_) => quote!(#decode_expr.map(#name::#v)),
                    None => quote!(response.empty().map(|()| #name::#v)),
                }
            }
        };
        arms.push(quote!(#pattern => Ok(#value),));
    }
    if success && op.success.responses.is_empty() {
        arms.push(quote!(200..=299 => Ok(response.empty()),));
    }
    let mut has_default = false;
    for r in &op.errors {
        has_default |= r.status == StatusMatch::Default;
        let pattern = status_pattern(r.status);
        let value = error_value(op, r);
        arms.push(quote!(#pattern => #value,));
    }
    if !has_default {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }
    arms
}

/// The typed error a documented error response becomes, whatever its body
/// holds: a body that does not decode must not hide a documented status.
fn error_value(op: &Operation, r: &Response) -> TokenStream {
    let error = ident(&op.error_name);
    let v = ident(&r.variant);
    let decoded = match r.body.as_ref().map(|b| &b.kind) {
        None => quote!(response.error_empty()),
        Some(BodyKind::Json(_) | BodyKind::Form(_)) => quote!(response.error_json()),
        Some(BodyKind::Text) => quote!(response.error_text()),
        Some(BodyKind::Bytes | BodyKind::Multipart(_) | BodyKind::Items { .. }) => {
            quote!(response.error_bytes())
        }
    };
    quote!(Err(Error::Api(#error::#v(#decoded))))
}

/// A `default` response used as the success matches any 2xx.
fn success_pattern(s: StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Default => quote!(200..=299),
        other => status_pattern(other),
    }
}

fn error_enum(op: &Operation) -> TokenStream {
    let error = ident(&op.error_name);
    let id = crate::naming::bare(&op.fn_name);
    let variants = op.errors.iter().map(|r| {
        let v = ident(&r.variant);
        let ty = match &r.body {
            Some(b) => decode(Some(&b.kind), true).0,
            None => quote!(()),
        };
        let docs =
            doc::attrs(&format!("{}: {}", status_text(r.status), doc::sanitize(&r.description)));
        quote!(#docs #v(crate::ErrorResponse<#ty>))
    });
    let parts = op.errors.iter().map(|r| {
        let v = ident(&r.variant);
        quote!(Self::#v(response) => response.parts())
    });
    // One `write!` per type, not one per status: each is a `format_args!`
    // for rustc to check, and an error type can have a dozen statuses.
    let descriptions = op.errors.iter().map(|r| {
        let v = ident(&r.variant);
        let text = r.description.replace('\n', " ");
        quote!(Self::#v(response) => (#text, response.parts()))
    });
    // The server's own words, when its body has them (`message`,
    // `error.message`, a problem's `detail`).
    let display = format!("{id}: {{what}} (status {{}}){{}}");
    // `fmt` and `response` are `#[inline]`, as setters are (see
    // `emit::setter`): made into machine code where an error is shown or
    // inspected.
    let docs = doc::attrs(&format!(
        "The error statuses the spec documents for {}; any other arrives as [`Error::UnexpectedStatus`].",
        doc::code(id)
    ));
    let (f, body, parts) = if op.errors.is_empty() {
        (quote!(_), quote!(match *self {}), quote!(match *self {}))
    } else {
        (
            quote!(f),
            quote! {
                let (what, parts) = match self { #(#descriptions,)* };
                write!(f, #display, parts.status, crate::error::server_message(parts.text))
            },
            quote!(match self { #(#parts,)* }),
        )
    };
    quote! {
        #docs
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        #[allow(clippy::enum_variant_names)]
        pub enum #error {
            #(#variants,)*
        }

        impl std::fmt::Display for #error {
            #[inline]
            fn fmt(&self, #f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #body
            }
        }

        impl std::error::Error for #error {}

        impl crate::ApiError for #error {
            #[inline]
            fn response(&self) -> crate::ResponseParts<'_> {
                #parts
            }
        }
    }
}
