//! The settings' extra derives on models ([`crate::Settings::model_derives`]).
//!
//! std's comparison traits (`Eq`, `Hash`, `PartialOrd`, `Ord`) are derived
//! only where every field has them, found by a fixpoint over the models: a
//! struct holding an `f64` gets no `Eq`, nor does one holding it. Enums have
//! them already (by wire value). Any other derive (`schemars::JsonSchema`)
//! goes on every struct, union and enum: what it needs is the caller's to
//! provide.
//!
//! serde's traits follow each model's direction ([`crate::ir::Flows`]):
//! `Serialize` where requests send it, `Deserialize` where responses or
//! webhooks bring it, the other behind the crate's `serde-all` feature.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::Diagnostic;
use crate::ir::{Api, Flows, TypeKind, TypeRef};

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
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                self.held_by(inner, api, models)
            }
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
    /// Which way each model travels, for serde's derives.
    flows: Flows,
}

/// serde's traits on one model.
pub(super) struct SerdeDerives {
    /// In the model's `derive`, each followed by a comma.
    pub(super) always: TokenStream,
    /// `#[cfg_attr(feature = "serde-all", derive(…))]` for the rest.
    pub(super) gated: TokenStream,
    /// The `cfg` of a hand-written `Deserialize`: empty, or `serde-all`'s.
    pub(super) hand_de: TokenStream,
    /// The `cfg` of code that needs `Serialize`: empty, or `serde-all`'s.
    pub(super) needs_ser: TokenStream,
    /// Whether `always` derives anything, so `#[serde]` attributes apply.
    derived: bool,
}

impl SerdeDerives {
    /// `#[serde(…)]`, only under `serde-all` when nothing derives serde
    /// without it (a received union whose `Deserialize` is hand-written).
    pub(super) fn attr(&self, inner: TokenStream) -> TokenStream {
        if self.derived {
            quote!(#[serde(#inner)])
        } else {
            quote!(#[cfg_attr(feature = "serde-all", serde(#inner))])
        }
    }
}

impl Derives {
    /// The derives each model gets, and a warning per comparison trait some
    /// models cannot have.
    pub(super) fn of(api: &Api, wanted: &[String]) -> (Derives, Vec<Diagnostic>) {
        let mut derives = Derives { flows: Flows::of(api), ..Derives::default() };
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

    /// serde's derives of the model `name`: `Serialize` where values of it
    /// are sent, `Deserialize` where they are received. Half of a typical
    /// crate's expanded code is serde's, and most models travel one way
    /// only; the crate's `serde-all` feature adds the other half for
    /// callers who store or forward models. `derive_de` is false where
    /// `Deserialize` is written by hand (see [`SerdeDerives::hand_de`]).
    pub(super) fn serde(&self, name: &str, derive_de: bool) -> SerdeDerives {
        let (writes, reads) = self.directions(name);
        let ser = quote!(serde::Serialize);
        let de = derive_de.then(|| quote!(serde::Deserialize));
        let (always, gated): (Vec<_>, Vec<_>) = match (writes, reads) {
            (true, false) => (vec![ser], de.into_iter().collect()),
            (false, _) => (de.into_iter().collect(), vec![ser]),
            (true, true) => (std::iter::once(ser).chain(de).collect(), vec![]),
        };
        let gated = if gated.is_empty() {
            quote!()
        } else {
            quote!(#[cfg_attr(feature = "serde-all", derive(#(#gated),*))])
        };
        let all = quote!(#[cfg(feature = "serde-all")]);
        let hand_de = if reads { quote!() } else { all.clone() };
        let needs_ser = if writes { quote!() } else { all };
        let derived = !always.is_empty();
        SerdeDerives { always: quote!(#(#always,)*), gated, hand_de, needs_ser, derived }
    }

    /// Which of serde's traits the model `name` has without `serde-all`:
    /// (`Serialize`, `Deserialize`). Every model travels at least one way
    /// (one no operation uses counts as received).
    pub(super) fn directions(&self, name: &str) -> (bool, bool) {
        (self.flows.writes(name), self.flows.reads(name))
    }

    /// Whether an extra derive of the model `name` may read serde's field
    /// attributes (`schemars::JsonSchema` takes wire names from them): the
    /// model then keeps serde's derives, which those attributes belong to.
    pub(super) fn reads_serde_attributes(&self, name: &str) -> bool {
        self.by_type
            .get(name)
            .is_some_and(|paths| paths.iter().any(|p| Comparison::of(p).is_none()))
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
    // What a union's unknown variant holds.
    static JSON: TypeRef = TypeRef::Json;
    match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(s.additional.iter()).collect(),
        TypeKind::Union(u) => {
            u.variants.iter().map(|v| &v.ty).chain(u.unknown.as_ref().map(|_| &JSON)).collect()
        }
        TypeKind::Tuple(items) => items.iter().map(|i| &i.ty).collect(),
        TypeKind::Alias(inner) => vec![inner],
        TypeKind::Enum(_) => Vec::new(),
    }
}
