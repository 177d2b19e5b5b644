//! Types the settings put in place of the generator's
//! ([`TypeRef::External`]): where a serde `with` module can apply, and how
//! their values go into paths, queries and headers.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::Diagnostic;
use crate::diag::join;
use crate::ir::{Api, BodyKind, External, TypeKind, TypeRef};

/// A type with a `with` module, when `ty` is one.
fn with_module(ty: &TypeRef) -> Option<&External> {
    match ty {
        TypeRef::External(e) if e.serde_with.is_some() => Some(e),
        _ => None,
    }
}

/// Whether a type with a `with` module sits inside `ty` (a list's items, a
/// map's values), where serde cannot apply the module.
fn nested(ty: &TypeRef) -> Option<&External> {
    match ty {
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            with_module(inner).or_else(|| nested(inner))
        }
        _ => None,
    }
}

/// Errors for each place a type with a serde `with` module is used where
/// the module cannot apply: inside a list or map, as a whole body, in a
/// field that can be both absent and `null`. Only fields, union variants
/// and parameters can carry the module.
pub fn unsupported_overrides(api: &Api) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut report = |pointer: String, e: &External, place: &str| {
        found.push(Diagnostic::error(
            pointer,
            format!(
                "settings: `{}` is read and written through `{}`, which serde cannot apply {place}; \
                 give the type its own serde impls, or use it only in fields and parameters",
                e.path,
                e.serde_with.as_deref().unwrap_or_default()
            ),
        ));
    };
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    let at = join(&join(&def.origin, "properties"), &f.wire_name);
                    if let Some(e) = nested(&f.ty) {
                        report(at, e, "to the items of a list or map");
                    } else if let (Some(e), true) = (with_module(&f.ty), f.absent_or_null()) {
                        report(at, e, "to a field that may be absent or null");
                    }
                }
                if let Some(e) =
                    s.additional.as_ref().and_then(|a| with_module(a).or_else(|| nested(a)))
                {
                    report(
                        join(&def.origin, "additionalProperties"),
                        e,
                        "to additional properties",
                    );
                }
            }
            TypeKind::Union(u) => {
                for v in &u.variants {
                    if let Some(e) = nested(&v.ty) {
                        report(def.origin.clone(), e, "to the items of a list or map");
                    }
                }
            }
            TypeKind::Alias(inner) => {
                if let Some(e) = with_module(inner).or_else(|| nested(inner)) {
                    report(def.origin.clone(), e, "to a named alias");
                }
            }
            TypeKind::Tuple(items) => {
                for item in items {
                    if let Some(e) = with_module(&item.ty).or_else(|| nested(&item.ty)) {
                        report(def.origin.clone(), e, "to a tuple's items");
                    }
                }
            }
            TypeKind::Enum(_) => {}
        }
    }
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        let responses = op.success.responses.iter().chain(&op.errors);
        let bodies = op
            .body
            .iter()
            .flat_map(|b| b.kinds())
            .chain(responses.filter_map(|r| r.body.as_ref().map(|b| &b.kind)));
        for kind in bodies {
            if let BodyKind::Json(t) | BodyKind::Form(t) = kind {
                if let Some(e) = with_module(t).or_else(|| nested(t)) {
                    let method = op.method.as_str().to_ascii_lowercase();
                    report(join(&join("#/paths", &op.path), &method), e, "to a whole body");
                }
            }
        }
    }
    found
}

/// `ParamValue` for each type the settings put in place, so a parameter
/// of that type is written as its JSON text (through its `with` module
/// when it has one).
pub(super) fn param_impls(api: &Api) -> TokenStream {
    let mut seen = BTreeSet::new();
    let mut impls = Vec::new();
    let mut add = |e: &External| {
        if !seen.insert(e.path.clone()) {
            return;
        }
        let Ok(ty) = syn::parse_str::<syn::Type>(&e.path) else { return };
        let value = match e.serde_with.as_deref().and_then(|w| syn::parse_str::<syn::Path>(w).ok())
        {
            Some(with) => quote!(#with::serialize(self, serde_json::value::Serializer)),
            None => quote!(serde_json::to_value(self)),
        };
        impls.push(quote! {
            impl crate::runtime::ParamValue for #ty {
                fn to_param(&self) -> String {
                    crate::runtime::serialized_param(#value)
                }
            }
        });
    };
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        for p in &op.params {
            match &p.ty {
                TypeRef::External(e) => add(e),
                TypeRef::List(inner) => {
                    if let TypeRef::External(e) = inner.as_ref() {
                        add(e);
                    }
                }
                _ => {}
            }
        }
    }
    quote!(#(#impls)*)
}
