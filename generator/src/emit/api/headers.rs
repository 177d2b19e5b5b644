//! Documented response headers: a struct per response, parsed from its
//! header map.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, status_text};
use crate::emit::doc::{self, Doc};
use crate::emit::types::{Scope, rust_type};
use crate::ir::{Api, Operation, Response, TypeKind, TypeRef};

/// How a response header's text is read into its field.
pub(super) enum HeaderReading<'t> {
    /// Parsed whole, as this type.
    One(&'t TypeRef),
    /// Split at commas, each item parsed as this type.
    List(&'t TypeRef),
}

/// Scalars parse; lists of scalars split at commas; the rest stays text.
pub(super) fn header_reading<'t>(api: &Api, ty: &'t TypeRef) -> HeaderReading<'t> {
    match ty {
        TypeRef::List(item) if parses(api, item) => HeaderReading::List(item),
        ty if parses(api, ty) => HeaderReading::One(ty),
        _ => HeaderReading::One(&TypeRef::String),
    }
}

/// Whether a value of `ty` can be parsed from header text (`FromStr`).
fn parses(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(n) => match api.type_def(n).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Alias(inner)) => parses(api, inner),
            _ => false,
        },
        TypeRef::List(_) | TypeRef::Map(_) | TypeRef::Json | TypeRef::JsonObject => false,
        _ => true,
    }
}

/// A response's documented headers, typed, read from its header map.
pub(super) fn headers_struct(api: &Api, op: &Operation, r: &Response) -> Option<TokenStream> {
    let type_name = r.headers_type.as_ref()?;
    let name = ident(type_name);
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    for h in &r.headers {
        let field = ident(&h.rust_name);
        let wire = h.wire_name.to_ascii_lowercase();
        let (ty, read) = match header_reading(api, &h.ty) {
            HeaderReading::List(item) => {
                let item = rust_type(item, Scope::Outside);
                (quote!(Vec<#item>), quote!(header_values(headers, #wire)))
            }
            HeaderReading::One(ty) => {
                (rust_type(ty, Scope::Outside), quote!(header_value(headers, #wire)))
            }
        };
        let docs = Doc::default()
            .prose(h.description.as_deref())
            .note(format!("Header {}; `None` when absent or unreadable.", doc::code(&h.wire_name)))
            .attrs();
        fields.push(quote!(#docs pub #field: Option<#ty>));
        reads.push(quote!(#field: #read));
    }
    let docs = doc::attrs(&format!(
        "The headers documented for a {} response of {}: `{}::from(response.headers())`.",
        status_text(r.status),
        doc::code(crate::naming::bare(&op.fn_name)),
        type_name
    ));
    Some(quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields,)*
        }

        impl From<&reqwest::header::HeaderMap> for #name {
            fn from(headers: &reqwest::header::HeaderMap) -> Self {
                Self { #(#reads,)* }
            }
        }
    })
}
