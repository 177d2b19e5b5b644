//! The settings' extra derives on models ([`crate::Settings::model_derives`]).
//!
//! std's comparison traits (`Eq`, `Hash`, `PartialOrd`, `Ord`) are derived
//! only where every field has them, found by a fixpoint over the models: a
//! struct holding an `f64` gets no `Eq`, nor does one holding it. Enums have
//! them already (by wire value). Any other derive (`schemars::JsonSchema`)
//! goes on every struct, union and enum: what it needs is the caller's to
//! provide.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::Diagnostic;
use crate::ir::{Api, TypeKind, TypeRef};

/// The comparison traits std can derive, each with the field types that
/// have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Comparison {
    Eq,
    Hash,
    PartialOrd,
    Ord,
}

impl Comparison {
    fn of(path: &str) -> Option<Self> {
        match path.rsplit("::").next().unwrap_or(path).trim() {
            "Eq" => Some(Comparison::Eq),
            "Hash" => Some(Comparison::Hash),
            "PartialOrd" => Some(Comparison::PartialOrd),
            "Ord" => Some(Comparison::Ord),
            _ => None,
        }
    }

    /// Whether a field of type `ty` has the trait, given which models do.
    fn held_by(self, ty: &TypeRef, api: &Api, models: &BTreeSet<String>) -> bool {
        match ty {
            TypeRef::String
            | TypeRef::Integer(_)
            | TypeRef::Boolean
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uuid => true,
            TypeRef::Float(_) => self == Comparison::PartialOrd,
            // serde_json's values and objects compare and hash, not order.
            TypeRef::Json | TypeRef::JsonObject => {
                matches!(self, Comparison::Eq | Comparison::Hash)
            }
            TypeRef::List(inner) | TypeRef::Map(inner) => self.held_by(inner, api, models),
            TypeRef::Named(name) => match api.type_def(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => true,
                Some(TypeKind::Alias(inner)) => self.held_by(inner, api, models),
                Some(_) => models.contains(name),
                None => false,
            },
            // Nothing is known of it: left out rather than failing to compile.
            TypeRef::External(_) => false,
        }
    }
}

/// Which extra derives each model gets.
#[derive(Debug, Default)]
pub(super) struct Derives {
    /// By model name, in the settings' order (paths checked to parse).
    by_type: BTreeMap<String, Vec<String>>,
}

impl Derives {
    /// The derives each model gets, and a warning per comparison trait some
    /// models cannot have.
    pub(super) fn of(api: &Api, wanted: &[String]) -> (Derives, Vec<Diagnostic>) {
        let mut derives = Derives::default();
        let mut warnings = Vec::new();
        let composite = |t: &&crate::ir::TypeDef| {
            matches!(t.kind, TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Tuple(_))
        };
        for path in wanted {
            if syn::parse_str::<syn::Path>(path).is_err() {
                warnings.push(Diagnostic::error(
                    "#",
                    format!("settings: `{path}` is not a derive path"),
                ));
                continue;
            };
            let Some(trait_) = Comparison::of(path) else {
                for t in &api.types {
                    if matches!(
                        t.kind,
                        TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Enum(_)
                    ) {
                        derives.by_type.entry(t.name.clone()).or_default().push(path.clone());
                    }
                }
                continue;
            };
            let mut models: BTreeSet<String> =
                api.types.iter().filter(composite).map(|t| t.name.clone()).collect();
            // Drop the models with a field that lacks the trait until none is left.
            loop {
                let lacking: Vec<String> = api
                    .types
                    .iter()
                    .filter(|t| models.contains(&t.name))
                    .filter(|t| {
                        !field_types(&t.kind).iter().all(|ty| trait_.held_by(ty, api, &models))
                    })
                    .map(|t| t.name.clone())
                    .collect();
                if lacking.is_empty() {
                    break;
                }
                for name in lacking {
                    models.remove(&name);
                }
            }
            let left_out: Vec<&str> = api
                .types
                .iter()
                .filter(composite)
                .filter(|t| !models.contains(&t.name))
                .map(|t| t.name.as_str())
                .collect();
            if !left_out.is_empty() {
                warnings.push(Diagnostic::warning(
                    "#",
                    format!(
                        "settings: `{path}` is not derived for {} model(s) with a field that lacks it \
                         (a float, a JSON value, a type the settings put in place): {}",
                        left_out.len(),
                        left_out.join(", ")
                    ),
                ));
            }
            for name in models {
                derives.by_type.entry(name).or_default().push(path.clone());
            }
        }
        (derives, warnings)
    }

    /// The extra derives of the model `name`, each followed by a comma.
    pub(super) fn for_type(&self, name: &str) -> TokenStream {
        let paths = self
            .by_type
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|p| syn::parse_str::<syn::Path>(p).ok());
        quote!(#(#paths,)*)
    }
}

/// The types a model's values hold.
fn field_types(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(s.additional.iter()).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Tuple(items) => items.iter().map(|i| &i.ty).collect(),
        TypeKind::Alias(inner) => vec![inner],
        TypeKind::Enum(_) => Vec::new(),
    }
}
