//! Whether a type change breaks anything on the wire: whether every value
//! one side may produce is a value the other side takes.
//!
//! Two questions, one per direction a type travels:
//!
//! - a response: can the **old client's Rust type decode** every value the
//!   new spec allows? A `String` decodes a new `date-time`; an enum decodes
//!   any string (it keeps unknown ones); a struct ignores new properties.
//! - a request: does the **new spec accept** every value the old client may
//!   send? A new `String` takes an old `date-time`; a new enum must still
//!   list every old value.
//!
//! Names do not matter, shapes do: a type renamed between versions (as an
//! inline schema's derived name can be) compares by its fields.

use std::collections::BTreeSet;

use crate::ir::{Api, IntWidth, TypeDef, TypeKind, TypeRef};

/// Which side judges the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Judge {
    /// The old client's generated type decodes them.
    Decoder,
    /// The new spec validates them.
    Schema,
}

/// Two APIs and the pairs of named types already under comparison (a
/// recursive type is assumed to fit while it is being checked).
pub(super) struct Fit<'a> {
    wide_api: &'a Api,
    narrow_api: &'a Api,
    judge: Judge,
    visiting: BTreeSet<(String, String)>,
}

impl<'a> Fit<'a> {
    /// Every value of a type of `narrow_api` must be taken by a type of
    /// `wide_api`, judged by `judge`.
    pub(super) fn new(wide_api: &'a Api, narrow_api: &'a Api, judge: Judge) -> Self {
        Self { wide_api, narrow_api, judge, visiting: BTreeSet::new() }
    }

    /// Whether every value of `narrow` is taken by `wide`.
    pub(super) fn covers(&mut self, wide: &TypeRef, narrow: &TypeRef) -> bool {
        use TypeRef as T;
        let decoder = self.judge == Judge::Decoder;
        match (wide, narrow) {
            (T::Json, _) => true,
            (T::Named(w), _) if self.alias(self.wide_api, w).is_some() => {
                let inner = self.alias(self.wide_api, w).cloned().unwrap_or(T::Json);
                self.covers(&inner, narrow)
            }
            (_, T::Named(n)) if self.alias(self.narrow_api, n).is_some() => {
                let inner = self.alias(self.narrow_api, n).cloned().unwrap_or(T::Json);
                self.covers(wide, &inner)
            }
            (T::JsonObject, T::JsonObject | T::Map(_)) => true,
            (T::JsonObject, T::Named(n)) => {
                matches!(self.def(self.narrow_api, n).map(|d| &d.kind), Some(TypeKind::Struct(_)))
            }
            (T::String, T::String | T::DateTime | T::Date | T::Uuid) => true,
            (T::String, T::Named(n)) => self.string_enum(self.narrow_api, n),
            (T::Float(_), T::Float(_) | T::Integer(_)) => true,
            (T::Integer(IntWidth::I64), T::Integer(_)) => true,
            (T::Integer(IntWidth::I32), T::Integer(IntWidth::I32)) => true,
            (T::List(w), T::List(n)) | (T::Map(w), T::Map(n)) => self.covers(w, n),
            (T::Named(w), T::String) if decoder => self.string_enum(self.wide_api, w),
            (T::Named(w), T::Named(n)) => self.named(w, n),
            (T::Named(w), n) => match self.def(self.wide_api, w).map(|d| &d.kind) {
                Some(TypeKind::Union(u)) => u.variants.iter().any(|v| self.covers(&v.ty, n)),
                _ => false,
            },
            (w, n) => w == n,
        }
    }

    fn def(&self, api: &'a Api, name: &str) -> Option<&'a TypeDef> {
        api.type_def(name)
    }

    fn alias(&self, api: &'a Api, name: &str) -> Option<&'a TypeRef> {
        match &self.def(api, name)?.kind {
            TypeKind::Alias(inner) => Some(inner),
            _ => None,
        }
    }

    fn string_enum(&self, api: &'a Api, name: &str) -> bool {
        matches!(
            self.def(api, name).map(|d| &d.kind),
            Some(TypeKind::Enum(e)) if e.repr == crate::ir::EnumRepr::String
        )
    }

    fn named(&mut self, w: &str, n: &str) -> bool {
        let (Some(wide), Some(narrow)) = (self.def(self.wide_api, w), self.def(self.narrow_api, n))
        else {
            return w == n;
        };
        if !self.visiting.insert((w.to_string(), n.to_string())) {
            return true;
        }
        let fits = match (&wide.kind, &narrow.kind) {
            (TypeKind::Struct(ws), TypeKind::Struct(ns)) => ws.fields.iter().all(|wf| {
                match ns.fields.iter().find(|nf| nf.wire_name == wf.wire_name) {
                    // Present in both: its values must fit, and where the
                    // taker demands it, the giver must always have it.
                    Some(nf) => {
                        let demanded = match self.judge {
                            Judge::Decoder => !wf.optional(),
                            Judge::Schema => wf.required_in_requests(),
                        };
                        let always = match self.judge {
                            Judge::Decoder => !nf.optional(),
                            Judge::Schema => nf.required_in_requests(),
                        };
                        (!demanded || always) && self.covers(&wf.ty, &nf.ty)
                    }
                    None => match self.judge {
                        Judge::Decoder => wf.optional(),
                        Judge::Schema => !wf.required_in_requests(),
                    },
                }
            }),
            (TypeKind::Enum(we), TypeKind::Enum(ne)) => {
                // A generated enum keeps values it does not know.
                (self.judge == Judge::Decoder && we.repr == ne.repr)
                    || ne.variants.iter().all(|v| we.variants.iter().any(|x| x.wire == v.wire))
            }
            (TypeKind::Union(wu), TypeKind::Union(nu)) => nu
                .variants
                .iter()
                .all(|nv| wu.variants.iter().any(|wv| self.covers(&wv.ty, &nv.ty))),
            (TypeKind::Union(wu), _) => {
                let narrow = TypeRef::Named(n.to_string());
                wu.variants.iter().any(|wv| self.covers(&wv.ty, &narrow))
            }
            (TypeKind::Tuple(wt), TypeKind::Tuple(nt)) => {
                wt.len() == nt.len() && wt.iter().zip(nt).all(|(w, n)| self.covers(&w.ty, &n.ty))
            }
            _ => false,
        };
        self.visiting.remove(&(w.to_string(), n.to_string()));
        fits
    }
}

/// Whether changing a type from `old` to `new` keeps the wire working for
/// a value that travels as `sent` and `received` say.
pub(super) fn compatible(
    (old_api, old): (&Api, &TypeRef),
    (new_api, new): (&Api, &TypeRef),
    sent: bool,
    received: bool,
) -> bool {
    let decodes = !received || Fit::new(old_api, new_api, Judge::Decoder).covers(old, new);
    let accepts = !sent || Fit::new(new_api, old_api, Judge::Schema).covers(new, old);
    decodes && accepts
}
