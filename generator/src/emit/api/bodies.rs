//! Request bodies: how each media type is taken, stored and sent, the enum
//! for a body offered in several media types, and multipart form structs.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Arg, arg, field_init};
use crate::emit::doc::{self, Doc};
use crate::emit::types::{Scope, ident, rust_type};
use crate::ir::{BodyChoice, BodyKind, Multipart, Operation, Part, PartKind, TypeRef};

/// The Rust type of a body encoded one way, and how an argument becomes it.
pub(super) fn body_type(kind: &BodyKind, value: &Ident) -> (TokenStream, Arg) {
    match kind {
        BodyKind::Json(t) | BodyKind::Form(t) => (rust_type(t, Scope::Outside), arg(t, value)),
        BodyKind::Text => (quote!(String), arg(&TypeRef::String, value)),
        BodyKind::Bytes => (
            quote!(crate::Payload),
            Arg { ty: quote!(impl Into<crate::Payload>), store: quote!(#value.into()) },
        ),
        BodyKind::Multipart(form) => {
            let ty = ident(&form.name);
            (quote!(#ty), Arg { ty: quote!(#ty), store: quote!(#value) })
        }
        BodyKind::Items { item, .. } => {
            let item = rust_type(item, Scope::Outside);
            let ty = quote!(crate::ItemsBody<#item>);
            (ty.clone(), Arg { ty: quote!(impl Into<#ty>), store: quote!(#value.into()) })
        }
    }
}

/// The statement that puts a body into the request; `value` is a reference
/// for JSON and forms (which serialise by reference), owned otherwise.
pub(super) fn put_body(kind: &BodyKind, media: &str, value: TokenStream) -> TokenStream {
    match kind {
        BodyKind::Json(_) => quote!(request.json(#media, #value);),
        BodyKind::Form(_) => quote!(request.form(#value);),
        BodyKind::Text => quote!(request.raw(#media, #value.into_bytes());),
        BodyKind::Bytes => quote!(request.payload(#media, #value);),
        BodyKind::Multipart(_) => quote!(request.multipart(#value.into_multipart());),
        BodyKind::Items { framing, .. } => {
            let framing = super::framing_variant(*framing);
            quote!(request.items(#media, crate::streams::Framing::#framing, #value);)
        }
    }
}

pub(super) fn by_ref(kind: &BodyKind) -> bool {
    matches!(kind, BodyKind::Json(_) | BodyKind::Form(_))
}

/// Streams and files cannot be cloned, nor can what holds one.
pub(super) fn derives(takes_stream: bool) -> TokenStream {
    if takes_stream { quote!(#[derive(Debug)]) } else { quote!(#[derive(Debug, Clone)]) }
}

/// The enum a body offered in several media types is given as, with a
/// `From` for the preferred one so the common case reads as if there were
/// no choice.
pub(super) fn body_choice(op: &Operation, choice: &BodyChoice) -> TokenStream {
    let name = ident(&choice.name);
    let value = ident("body");
    let variants = choice.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let (ty, _) = body_type(&v.kind, &value);
        let encoded = match v.kind {
            BodyKind::Bytes => ", bytes the caller encodes",
            _ => "",
        };
        let docs = doc::attrs(&format!("Sent as {}{encoded}.", doc::code(&v.media_type)));
        quote!(#docs #variant(#ty))
    });
    let derives = derives(choice.variants.iter().any(|v| v.kind.takes_stream()));
    let first = choice.variants.first().map(|v| {
        let variant = ident(&v.name);
        let (ty, _) = body_type(&v.kind, &value);
        quote! {
            impl From<#ty> for #name {
                fn from(body: #ty) -> Self {
                    Self::#variant(body)
                }
            }
        }
    });
    let docs = doc::attrs(&format!(
        "The request body of {}, in one of the media types the spec accepts.",
        doc::code(crate::naming::bare(&op.fn_name))
    ));
    quote! {
        #docs
        #derives
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants,)*
        }

        #first
    }
}

/// The struct a `multipart/form-data` body is given as: a field per part.
pub(super) fn multipart_form(op: &Operation, form: &Multipart) -> TokenStream {
    let name = ident(&form.name);
    let value_ty = |p: &Part| match p.type_ref() {
        Some(t) => rust_type(t, Scope::Outside),
        None => quote!(crate::FilePart),
    };
    let fields = form.parts.iter().map(|p| {
        let field = ident(&p.rust_name);
        let one = value_ty(p);
        let ty = match (p.repeated, p.required) {
            (true, _) => quote!(Vec<#one>),
            (false, true) => one,
            (false, false) => quote!(Option<#one>),
        };
        let kind = match p.kind {
            PartKind::File => "a file",
            PartKind::Text(_) => "text",
            PartKind::Json(_) => "JSON",
        };
        let mut note = format!("Part {}, {kind}", doc::code(&p.wire_name));
        if p.repeated {
            note.push_str(", once per item");
        }
        if let Some(ct) = &p.content_type {
            note.push_str(&format!(", sent as {}", doc::code(ct)));
        }
        note.push('.');
        let docs = Doc::default().prose(p.description.as_deref()).note(note).attrs();
        quote!(#docs pub #field: #ty)
    });
    let writes = form.parts.iter().map(|p| {
        let field = ident(&p.rust_name);
        let wire = &p.wire_name;
        let ct = match &p.content_type {
            Some(ct) => quote!(Some(#ct)),
            None => quote!(None),
        };
        let (method, by_ref) = match p.kind {
            PartKind::File => (quote!(file), false),
            PartKind::Text(_) => (quote!(text), true),
            PartKind::Json(_) => (quote!(json), true),
        };
        let write = |value: TokenStream| {
            let value = if by_ref { quote!(&#value) } else { value };
            quote!(form.#method(#wire, #value, #ct);)
        };
        match (p.repeated, p.required) {
            (true, _) => {
                let write = write(quote!(value));
                quote!(for value in self.#field { #write })
            }
            (false, true) => write(quote!(self.#field)),
            (false, false) => {
                let write = write(quote!(value));
                quote!(if let Some(value) = self.#field { #write })
            }
        }
    });
    let required: Vec<&Part> = form.parts.iter().filter(|p| p.required).collect();
    let constructor = (!required.is_empty()).then(|| {
        let args = required.iter().map(|p| {
            let field = ident(&p.rust_name);
            let ty = part_arg(p, &field).ty;
            quote!(#field: #ty)
        });
        let inits = form.parts.iter().map(|p| {
            let field = ident(&p.rust_name);
            if p.required {
                field_init(&field, &part_arg(p, &field).store)
            } else if p.repeated {
                quote!(#field: Vec::new())
            } else {
                quote!(#field: None)
            }
        });
        let many = crate::emit::many_arguments(required.len());
        quote! {
            /// A form with the required parts; the others are set with their
            /// `with_` setters.
            #many
            #[inline]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* }
            }
        }
    });
    // The form is `#[non_exhaustive]`, which rules out struct literals
    // outside the crate: an optional part is set in the same expression,
    // as a model's optional field is (`Form::default().with_file(…)`).
    let setters = form.parts.iter().filter(|p| !p.required).map(|p| {
        let field = ident(&p.rust_name);
        let method = crate::emit::models::setter_name(&p.rust_name);
        let value = ident("value");
        let Arg { ty, store } = part_arg(p, &value);
        let stored = if p.repeated { store } else { quote!(Some(#store)) };
        let docs = doc::attrs(&format!("Sets part {}.", doc::code(&p.wire_name)));
        let setter = crate::emit::setter(&method, &value, &ty, &field, &stored);
        quote!(#docs #setter)
    });
    let derives = if required.is_empty() {
        quote!(#[derive(Debug, Default)])
    } else {
        quote!(#[derive(Debug)])
    };
    let docs = doc::attrs(&format!(
        "The `multipart/form-data` body of {}: a field per part.",
        doc::code(crate::naming::bare(&op.fn_name))
    ));
    quote! {
        #docs
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#fields,)*
        }

        impl #name {
            #constructor

            #(#setters)*

            fn into_multipart(self) -> Multipart {
                let mut form = Multipart::new();
                #(#writes)*
                form
            }
        }
    }
}

/// How a required part is taken by the form's constructor.
fn part_arg(p: &Part, value: &Ident) -> Arg {
    match (p.type_ref(), p.repeated) {
        (Some(t), false) => arg(t, value),
        (Some(t), true) => arg(&TypeRef::List(Box::new(t.clone())), value),
        (None, false) => {
            Arg { ty: quote!(impl Into<crate::FilePart>), store: quote!(#value.into()) }
        }
        (None, true) => Arg {
            ty: quote!(impl IntoIterator<Item = crate::FilePart>),
            store: quote!(#value.into_iter().collect()),
        },
    }
}
