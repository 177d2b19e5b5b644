//! Cargo features per tag, so users compile only the APIs they call.
//!
//! With two or more groups, each group's module sits behind a feature named
//! after it (all on by default), and each model behind the features of the
//! groups that reach it. A client of GitHub's API that only needs `repos`
//! then compiles `repos` and the models it uses, not all 1,200 operations.
//! Models no operation uses (webhook payloads, say) sit behind one more
//! feature, `other-models`, with every model they hold.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, TypeRef};

pub(super) struct Features {
    /// Feature names (group modules, and [`OTHER_MODELS`] when some model
    /// is not used by any operation), sorted; empty when not gating.
    groups: Vec<String>,
    /// For each model, the features that need it.
    reached_by: BTreeMap<String, BTreeSet<String>>,
}

/// The feature for models no operation uses (webhook payloads, say) and
/// the models they hold. Hyphenated, so no module name can take it.
const OTHER_MODELS: &str = "other-models";

impl Features {
    pub(super) fn of(api: &Api) -> Features {
        if api.groups.len() < 2 {
            return Features { groups: Vec::new(), reached_by: BTreeMap::new() };
        }
        let mut reached_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut groups: Vec<String> = api.groups.iter().map(|g| g.module.clone()).collect();
        for group in &api.groups {
            let roots = group.operations.iter().flat_map(|op| op.type_refs());
            api.walk_types(roots, |name| {
                reached_by.entry(name.to_string()).or_default().insert(group.module.clone())
            });
        }
        let unreached: Vec<TypeRef> = api
            .types
            .iter()
            .filter(|t| !reached_by.contains_key(&t.name))
            .map(|t| TypeRef::Named(t.name.clone()))
            .collect();
        if !unreached.is_empty() {
            groups.push(OTHER_MODELS.to_string());
            api.walk_types(unreached.iter(), |name| {
                reached_by.entry(name.to_string()).or_default().insert(OTHER_MODELS.to_string())
            });
        }
        groups.sort();
        Features { groups, reached_by }
    }

    /// The feature for a group module: its name, except that Cargo reserves
    /// `default`.
    fn feature(module: &str) -> String {
        match crate::naming::bare(module) {
            "default" => "default-tag".to_string(),
            // The runtime's own feature.
            "tracing" => "tracing-tag".to_string(),
            name => name.to_string(),
        }
    }

    pub(super) fn enabled(&self) -> bool {
        !self.groups.is_empty()
    }

    /// `[features]` for the manifest, or nothing.
    /// `[features]` for the manifest: the tags' (when there are several)
    /// and the runtime's `tracing`, on by default when `tracing` is.
    pub(super) fn manifest(&self, tracing: bool) -> String {
        let names: Vec<String> = self.groups.iter().map(|g| Self::feature(g)).collect();
        let defaults = names.iter().map(String::as_str).chain(tracing.then_some("tracing"));
        let quoted: Vec<String> = defaults.map(|n| format!("{n:?}")).collect();
        let mut out = format!("\n[features]\ndefault = [{}]\n", quoted.join(", "));
        out.push_str("# Spans and events for each request, through the `tracing` crate.\n");
        out.push_str("tracing = [\"dep:tracing\"]\n");
        out.push_str(
            "# `Serialize` and `Deserialize` on every model, to store or forward them; without it\n\
             # a model has what its direction needs: `Serialize` if sent, `Deserialize` if received.\n",
        );
        out.push_str("serde-all = []\n");
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

    /// The `#[cfg]` for a model: any of the features that need it. Models
    /// every feature needs are always compiled.
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
