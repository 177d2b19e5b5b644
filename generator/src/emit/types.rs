//! Rust spellings of [`TypeRef`]s.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{FloatWidth, IntWidth, TypeRef};

/// An identifier from a name the lowering made valid (`r#type` included).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        // `Ident::new` directly: `format_ident!` would format the name
        // into a new string first.
        None => Ident::new(name, Span::call_site()),
    }
}

/// How a named type is reached from the module being written.
#[derive(Clone, Copy)]
pub(crate) enum Scope {
    /// Inside `models`: siblings are `super::Name`.
    Models,
    /// Elsewhere: `models::Name`, with `use crate::models;` in scope.
    Outside,
}

/// The Rust type for `ty`.
pub(crate) fn rust_type(ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer(IntWidth::I32) => quote!(i32),
        TypeRef::Integer(IntWidth::I64) => quote!(i64),
        TypeRef::Float(FloatWidth::F32) => quote!(f32),
        TypeRef::Float(FloatWidth::F64) => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::List(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Option<#inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Models => quote!(super::#name),
                Scope::Outside => quote!(models::#name),
            }
        }
        // Checked to be a type when the settings were read.
        TypeRef::External(e) => match syn::parse_str::<syn::Type>(&e.path) {
            Ok(ty) => quote!(#ty),
            Err(_) => quote!(serde_json::Value),
        },
    }
}

/// A bound as a literal option: `Some(20)` or `None`.
pub(crate) fn count(n: Option<usize>) -> TokenStream {
    match n {
        Some(n) => {
            let n = proc_macro2::Literal::usize_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// A numeric bound (as the spec wrote it) as a literal option: `Some(1f64)`
/// or `None`.
pub(crate) fn number(n: &Option<String>) -> TokenStream {
    match n.as_deref().and_then(|n| n.parse::<f64>().ok()) {
        Some(n) => {
            let n = proc_macro2::Literal::f64_suffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// A field initialiser; `name: name` is spelled `name`.
pub(crate) fn field_init(name: &Ident, value: &TokenStream) -> TokenStream {
    if *name == value.to_string() { quote!(#name) } else { quote!(#name: #value) }
}

/// Whether any type in the tree is a `uuid::Uuid` (the crate then needs it).
pub(crate) fn uses_uuid(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Uuid => true,
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => uses_uuid(inner),
        _ => false,
    }
}
