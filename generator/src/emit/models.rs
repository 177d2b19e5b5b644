//! `src/models/`: one file per named type, re-exported from `models`.

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitted;
use super::doc::{self, Doc};
use super::types::{Scope, ident, rust_type};
use crate::ir::{Api, Enum, EnumRepr, Field, Struct, TypeDef, TypeKind, Union};
use crate::naming::{self, NameSet};

pub(super) fn files(api: &Api) -> Vec<Emitted> {
    let mut modules = NameSet::with_reserved(&["mod"]);
    let mut files = Vec::with_capacity(api.types.len() + 1);
    let mut decls = Vec::with_capacity(api.types.len());
    for def in &api.types {
        let module = modules.claim(naming::module_name(&def.name));
        let module_ident = ident(&module);
        let name = ident(&def.name);
        decls.push(quote! {
            mod #module_ident;
            pub use #module_ident::#name;
        });
        files
            .push(Emitted::Rust { path: format!("src/models/{module}.rs"), tokens: type_def(def) });
    }
    let tokens = quote! {
        //! Request and response bodies: every schema the operations use.
        #(#decls)*
    };
    files.push(Emitted::Rust { path: "src/models/mod.rs".into(), tokens });
    files
}

fn type_def(def: &TypeDef) -> TokenStream {
    let mut doc = Doc::default().prose_or(def.description.as_deref(), || {
        format!("The schema at {}.", doc::code(&def.origin))
    });
    if def.deprecated {
        doc = doc.note("**Deprecated** in the spec.");
    }
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => struct_def(&name, doc.attrs(), s),
        TypeKind::Enum(e) => enum_def(&name, doc, e),
        TypeKind::Union(u) => union_def(&name, doc, u),
        TypeKind::Alias(ty) => {
            let docs = doc.attrs();
            let ty = rust_type(ty, Scope::Models);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn field_type(f: &Field) -> TokenStream {
    let mut ty = rust_type(&f.ty, Scope::Models);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    if f.optional() { quote!(Option<#ty>) } else { ty }
}

fn struct_def(name: &proc_macro2::Ident, docs: TokenStream, s: &Struct) -> TokenStream {
    let mut fields = Vec::with_capacity(s.fields.len());
    for f in &s.fields {
        let field = ident(&f.rust_name);
        let ty = field_type(f);
        let mut serde = Vec::new();
        if naming::bare(&f.rust_name) != f.wire_name {
            let wire = &f.wire_name;
            serde.push(quote!(rename = #wire));
        }
        if !f.required {
            serde.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        let docs = field_doc(f).attrs();
        fields.push(quote! {
            #docs
            #serde
            pub #field: #ty,
        });
    }
    let mut extra = quote!();
    if let Some(additional) = &s.additional {
        let taken: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
        let mut names = NameSet::with_reserved(&taken);
        let field = ident(&names.claim("additional_properties".into()));
        let ty = rust_type(additional, Scope::Models);
        extra = quote! {
            /// Properties beyond those declared, kept as they came.
            #[serde(flatten)]
            pub #field: std::collections::BTreeMap<String, #ty>,
        };
    }
    let default = s.derive_default.then(|| quote!(Default,));
    let constructor = constructor(name, s);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #constructor
    }
}

/// `new(required…)`, for structs with fields that have no obvious default.
fn constructor(name: &proc_macro2::Ident, s: &Struct) -> Option<TokenStream> {
    let required: Vec<&Field> = s.fields.iter().filter(|f| !f.optional()).collect();
    if required.is_empty() {
        return None;
    }
    let args = required.iter().map(|f| {
        let field = ident(&f.rust_name);
        let ty = field_type(f);
        quote!(#field: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        if f.optional() { quote!(#field: None) } else { quote!(#field) }
    });
    let additional = s.additional.as_ref().map(|_| {
        let taken: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
        let field = ident(&NameSet::with_reserved(&taken).claim("additional_properties".into()));
        quote!(#field: Default::default(),)
    });
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    Some(quote! {
        impl #name {
            /// A value with the required fields set and the optional ones empty.
            #many
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* #additional }
            }
        }
    })
}

fn field_doc(f: &Field) -> Doc {
    let mut notes = Vec::new();
    if naming::bare(&f.rust_name) != f.wire_name {
        notes.push(format!("Wire name: {}.", doc::code(&f.wire_name)));
    }
    if f.read_only {
        notes.push("Read-only: set by the server, ignored in requests.".to_string());
    }
    if f.write_only {
        notes.push("Write-only: sent in requests, never returned.".to_string());
    }
    if f.required && f.nullable {
        notes.push("Required, but may be `null`.".to_string());
    }
    if f.deprecated {
        notes.push("**Deprecated** in the spec.".to_string());
    }
    let facts = doc::facts(&f.facts);
    if !facts.is_empty() {
        notes.push(facts);
    }
    Doc::default()
        .prose_or(f.description.as_deref(), || format!("The {} property.", doc::code(&f.wire_name)))
        .note(notes.join(" "))
}

/// An enum with an `Unknown` fallback. Its impls (`as_str`/`value`, `From`,
/// `FromStr`, `Display`, serde, parameter text) are the same for every enum,
/// so they come from one macro in `runtime.rs`; the call lists the wire
/// values, which is all that differs.
fn enum_def(name: &proc_macro2::Ident, doc: Doc, e: &Enum) -> TokenStream {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let variant_docs =
        e.variants.iter().map(|v| doc::attrs(&format!("Wire value {}.", doc::code(&v.wire))));
    let docs = doc
        .note(format!(
            "Values: {}. Values added to the API later arrive as `Unknown`.",
            e.variants.iter().map(|v| doc::code(&v.wire)).collect::<Vec<_>>().join(", ")
        ))
        .attrs();
    let (unknown_ty, mac, wires) = match e.repr {
        EnumRepr::String => {
            let wires: Vec<TokenStream> = e
                .variants
                .iter()
                .map(|v| {
                    let w = &v.wire;
                    quote!(#w)
                })
                .collect();
            (quote!(String), quote!(string_enum), wires)
        }
        EnumRepr::Integer => {
            let wires = e
                .variants
                .iter()
                .map(|v| {
                    let n =
                        proc_macro2::Literal::i64_unsuffixed(v.wire.parse().unwrap_or_default());
                    quote!(#n)
                })
                .collect();
            (quote!(i64), quote!(integer_enum), wires)
        }
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this client does not know, kept as received.
            Unknown(#unknown_ty),
        }

        crate::runtime::#mac!(#name { #(#variants = #wires),* });
    }
}

/// A `oneOf`/`anyOf` as an untagged enum. Variant sizes are whatever the spec
/// makes them; boxing some would make the API's shape depend on byte counts,
/// so `large_enum_variant` is allowed instead.
fn union_def(name: &proc_macro2::Ident, doc: Doc, u: &Union) -> TokenStream {
    let docs = doc.note("The first variant whose shape matches a value decodes it.").attrs();
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut ty = rust_type(&v.ty, Scope::Models);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let docs = doc::attrs("A value of this shape.");
        quote!(#docs #variant(#ty))
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants,)*
        }

        impl crate::runtime::ParamValue for #name {
            fn to_param(&self) -> String {
                crate::runtime::json_param(self)
            }
        }
    }
}
