//! Cargo features per tag, so users compile only the APIs they call.
//!
//! With two or more groups, each group's module sits behind a feature named
//! after it (all on by default), and each model behind the features of the
//! groups that reach it. A client of GitHub's API that only needs `repos`
//! then compiles `repos` and the models it uses, not all 1,200 operations.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, TypeKind, TypeRef};

pub(super) struct Features {
    /// Feature names (group modules), sorted; empty when not gating.
    groups: Vec<String>,
    /// For each model, the groups that reach it.
    reached_by: BTreeMap<String, BTreeSet<String>>,
}

impl Features {
    pub(super) fn of(api: &Api) -> Features {
        if api.groups.len() < 2 {
            return Features { groups: Vec::new(), reached_by: BTreeMap::new() };
        }
        let mut reached_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for group in &api.groups {
            let mut stack: Vec<&TypeRef> =
                group.operations.iter().flat_map(|op| op.type_refs()).collect();
            while let Some(ty) = stack.pop() {
                match ty {
                    TypeRef::List(inner) | TypeRef::Map(inner) => stack.push(inner),
                    TypeRef::Named(name) => {
                        let groups = reached_by.entry(name.clone()).or_default();
                        if !groups.insert(group.module.clone()) {
                            continue;
                        }
                        match api.type_def(name).map(|t| &t.kind) {
                            Some(TypeKind::Struct(s)) => {
                                stack.extend(s.fields.iter().map(|f| &f.ty));
                                stack.extend(s.additional.iter());
                            }
                            Some(TypeKind::Union(u)) => {
                                stack.extend(u.variants.iter().map(|v| &v.ty))
                            }
                            Some(TypeKind::Alias(inner)) => stack.push(inner),
                            Some(TypeKind::Enum(_)) | None => {}
                        }
                    }
                    _ => {}
                }
            }
        }
        Features { groups: api.groups.iter().map(|g| g.module.clone()).collect(), reached_by }
    }

    /// The feature for a group module: its name, except that Cargo reserves
    /// `default`.
    fn feature(module: &str) -> String {
        match crate::naming::bare(module) {
            "default" => "default-tag".to_string(),
            name => name.to_string(),
        }
    }

    pub(super) fn enabled(&self) -> bool {
        !self.groups.is_empty()
    }

    /// `[features]` for the manifest, or nothing.
    pub(super) fn manifest(&self) -> String {
        if !self.enabled() {
            return String::new();
        }
        let names: Vec<String> = self.groups.iter().map(|g| Self::feature(g)).collect();
        let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
        let mut out = format!("\n[features]\ndefault = [{}]\n", quoted.join(", "));
        for name in &names {
            out.push_str(&format!("{name} = []\n"));
        }
        out
    }

    /// The `#[cfg]` for a group's module and accessor.
    pub(super) fn for_group(&self, module: &str) -> Option<TokenStream> {
        let feature = Self::feature(module);
        self.enabled().then(|| quote!(#[cfg(feature = #feature)]))
    }

    /// The `#[cfg]` for a model: any of the groups that use it. Models every
    /// group uses, or none does, are always compiled.
    pub(super) fn for_type(&self, name: &str) -> Option<TokenStream> {
        let groups = self.reached_by.get(name)?;
        if groups.len() == self.groups.len() {
            return None;
        }
        let features: Vec<String> = groups.iter().map(|g| Self::feature(g)).collect();
        Some(match features.as_slice() {
            [one] => quote!(#[cfg(feature = #one)]),
            many => quote!(#[cfg(any(#(feature = #many),*))]),
        })
    }
}
