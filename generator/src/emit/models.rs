//! `src/models/`: one file per named type, re-exported from `models`.

use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitted;
use super::derives::{Derives, SerdeDerives};
use super::doc::{self, Doc};
use super::features::Features;
use super::overrides;
use super::types::{Scope, count, field_init, ident, number, rust_type};
use crate::ir::{
    Api, Check, Discriminator, Enum, EnumRepr, External, Field, Holder, Struct, TupleItem, TypeDef,
    TypeKind, TypeRef, Union,
};
use crate::naming::{self, NameSet};

pub(super) fn files<'a>(
    api: &'a Api,
    features: &Arc<Features>,
    derives: &Arc<Derives>,
) -> Vec<Emitted<'a>> {
    let mut modules = NameSet::with_reserved(&["mod"]);
    let mut files = Vec::with_capacity(api.types.len() + 1);
    let mut declared = Vec::with_capacity(api.types.len());
    for def in &api.types {
        let module = modules.claim(naming::module_name(&def.name));
        let derives = derives.clone();
        files.push(Emitted::rust(format!("src/models/{module}.rs"), move || {
            type_def(api, def, &derives)
        }));
        declared.push((module, def.name.as_str()));
    }
    let features = features.clone();
    files.push(Emitted::rust("src/models/mod.rs", move || {
        let decls = declared.iter().map(|(module, name)| {
            let module = ident(module);
            let cfg = features.for_type(name);
            let name = ident(name);
            quote! {
                #cfg
                mod #module;
                #cfg
                pub use #module::#name;
            }
        });
        let params = overrides::param_impls(api);
        quote! {
            //! Request and response bodies: every schema the operations use.
            #(#decls)*
            #params
        }
    }));
    files
}

fn type_def(api: &Api, def: &TypeDef, derives: &Derives) -> TokenStream {
    let mut doc = Doc::default().prose_or(def.description.as_deref(), || {
        format!("The schema at {}.", doc::code(&def.origin))
    });
    if def.deprecated {
        doc = doc.note("**Deprecated** in the spec.");
    }
    let hooks: Vec<String> = api
        .webhooks_sending(&def.name)
        .map(|w| format!("{} ({})", doc::code(&w.name), w.method.as_str()))
        .collect();
    if !hooks.is_empty() {
        doc = doc.note(format!(
            "The payload of the {} webhook{}: the API sends it to you; decode a received body with `serde_json::from_slice`.",
            hooks.join(", "),
            if hooks.len() > 1 { "s" } else { "" }
        ));
    }
    let extra = derives.for_type(&def.name);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(s) => {
            let doc = match &s.presence {
                Some(p) => doc.note(doc::presence(s, p, &|f| format!("[`{f}`](Self::{f})"))),
                None => doc,
            };
            struct_def(api, def, doc.attrs(), s, derives)
        }
        TypeKind::Enum(e) => enum_def(&name, doc, e, extra),
        TypeKind::Union(u) => {
            let serde = derives.serde(&def.name, u.discriminator.is_none());
            let froms = union_froms(api, &name, u);
            let def = union_def(&name, doc, u, extra, serde);
            quote!(#def #froms)
        }
        TypeKind::Tuple(items) => {
            tuple_def(&name, doc, items, extra, derives.serde(&def.name, true))
        }
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
    if f.absent_or_null() {
        quote!(crate::Nullable<#ty>)
    } else if f.optional() {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

fn struct_def(
    api: &Api,
    def: &TypeDef,
    docs: TokenStream,
    s: &Struct,
    derives: &Derives,
) -> TokenStream {
    let name = &ident(&def.name);
    let extra_derives = derives.for_type(&def.name);
    // A type the settings put in place, read and written by its module
    // (`overrides::unsupported_overrides` refuses the other holders).
    fn with(f: &Field) -> Option<&String> {
        match &f.ty {
            TypeRef::External(External { serde_with: Some(with), .. }) if !f.absent_or_null() => {
                Some(with)
            }
            _ => None,
        }
    }
    // serde's derives where something needs their attributes; otherwise
    // the runtime's `json_object!`, a fraction of the code to compile.
    let derived =
        derives.reads_serde_attributes(&def.name) || s.fields.iter().any(|f| with(f).is_some());
    let mut fields = Vec::with_capacity(s.fields.len());
    for f in &s.fields {
        let field = ident(&f.rust_name);
        let ty = field_type(f);
        let mut serde = Vec::new();
        if derived {
            if naming::bare(&f.rust_name) != f.wire_name {
                let wire = &f.wire_name;
                serde.push(quote!(rename = #wire));
            }
            if f.absent_or_null() {
                serde.push(quote!(default, skip_serializing_if = "crate::Nullable::is_absent"));
            } else if f.skipped_when_none() {
                serde.push(quote!(skip_serializing_if = "Option::is_none"));
            }
            if let Some(with) = with(f) {
                let with = if f.optional() { format!("{with}::option") } else { with.clone() };
                serde.push(quote!(with = #with));
                if f.optional() {
                    serde.push(quote!(default));
                }
            }
        }
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        let docs = field_doc(f, derives.directions(&def.name).0).attrs();
        fields.push(quote! {
            #docs
            #serde
            pub #field: #ty,
        });
    }
    let mut extra = quote!();
    let mut rest = None;
    if let Some(additional) = &s.additional {
        let taken: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
        let mut names = NameSet::with_reserved(&taken);
        let field = ident(&names.claim("additional_properties".into()));
        let ty = rust_type(additional, Scope::Models);
        let flatten = derived.then(|| quote!(#[serde(flatten)]));
        extra = quote! {
            /// Properties beyond those declared, kept as they came.
            #flatten
            pub #field: std::collections::BTreeMap<String, #ty>,
        };
        rest = Some(field);
    }
    let default = s.derive_default.then(|| quote!(Default,));
    let directions = derives.directions(&def.name);
    let (serde_derives, serde_gated, serde_impls) = if derived {
        let SerdeDerives { always, gated, .. } = derives.serde(&def.name, true);
        (always, gated, quote!())
    } else {
        let impls = json_object(&def.name, s, rest.as_ref(), directions);
        (quote!(), quote!(), impls)
    };
    let constructor = constructor(api, s);
    // Only a model requests send is built by callers.
    let from_text = directions.0.then(|| from_text(api, name, s)).flatten();
    let setters = setters(api, s);
    let methods = (constructor.is_some() || !setters.is_empty()).then(|| {
        quote! {
            impl #name {
                #constructor
                #(#setters)*
            }
        }
    });
    // Only requests are checked, so a model no request sends has no use
    // for it (everything a sent model holds is sent too).
    let (sent, _) = directions;
    let check = (s.checked && sent).then(|| check_impl(api, name, s));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default #extra_derives #serde_derives)]
        #serde_gated
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #serde_impls
        #methods
        #from_text
        #check
    }
}

/// Whether a value of `ty` can be made from text with `into()`: a string,
/// a string enum (whose `Unknown` takes any text), or a union with one
/// string variant.
fn text_like(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String => true,
        TypeRef::Named(n) => match api.type_def(n).map(|t| &t.kind) {
            Some(TypeKind::Enum(e)) => e.repr == EnumRepr::String && !e.constant,
            Some(TypeKind::Union(u)) => string_variant(u).is_some(),
            _ => false,
        },
        _ => false,
    }
}

/// A union's one variant of type `String`, if it has exactly one.
fn string_variant(u: &Union) -> Option<&crate::ir::UnionVariant> {
    let mut strings = u.variants.iter().filter(|v| v.ty == TypeRef::String);
    let one = strings.next()?;
    strings.next().is_none().then_some(one)
}

/// `From<&str>` and `From<String>` for a struct whose `new()` takes one
/// argument, and that text-like (`SystemMessage::from("Be terse.")`): the
/// one obvious way to make it from text.
fn from_text(api: &Api, name: &proc_macro2::Ident, s: &Struct) -> Option<TokenStream> {
    let arguments = new_arguments(api, s);
    let [only] = arguments.as_slice() else { return None };
    if only.boxed || !text_like(api, &only.ty) {
        return None;
    }
    // `new` takes `impl Into<String>` for a string, the type itself otherwise.
    let value = if only.ty == TypeRef::String { quote!(value) } else { quote!(value.into()) };
    Some(quote! {
        impl From<&str> for #name {
            #[inline]
            fn from(value: &str) -> Self {
                Self::new(#value)
            }
        }

        impl From<String> for #name {
            #[inline]
            fn from(value: String) -> Self {
                Self::new(#value)
            }
        }
    })
}

/// The runtime's `json_object!` for a struct: its fields' wire names and
/// presence, one per line, and the serde traits its direction needs.
fn json_object(
    name: &str,
    s: &Struct,
    rest: Option<&proc_macro2::Ident>,
    (writes, reads): (bool, bool),
) -> TokenStream {
    let traits = match (writes, reads) {
        (true, false) => "Serialize",
        (false, true) => "Deserialize",
        _ => "Serialize, Deserialize",
    };
    let mut text = format!("crate::runtime::json_object! {{\n    impl {traits} for {name} {{\n");
    for f in &s.fields {
        let presence = if f.absent_or_null() {
            "absent_or_null"
        } else if f.skipped_when_none() {
            "optional"
        } else if f.optional() {
            "nullable"
        } else {
            "required"
        };
        let wire = proc_macro2::Literal::string(&f.wire_name);
        text.push_str(&format!("        {}: {wire} {presence},\n", ident(&f.rust_name)));
    }
    if let Some(rest) = rest {
        text.push_str(&format!("        ..{rest}\n"));
    }
    text.push_str("    }\n}");
    doc::verbatim(&text)
}

/// Where a checked value is, in a model's `check`: a field of `self` as
/// its holder keeps it, or `item`, a reference to a list's item.
enum Held<'a> {
    Field(&'a proc_macro2::Ident, Holder),
    Item,
}

/// An iterator over the items of the list field `field`, whatever holds it.
fn items_of(field: &proc_macro2::Ident, holder: Holder) -> TokenStream {
    match holder {
        Holder::Plain => quote!(self.#field.iter()),
        Holder::Option => quote!(self.#field.iter().flatten()),
        Holder::Nullable => quote!(self.#field.value().into_iter().flatten()),
    }
}

/// The statement making one check on a value `held` so, named `name` (an
/// expression of type `&str`) whose wire name is `wire`. Each way of
/// reaching the value is the one clippy prefers for its holder.
fn value_check(check: &Check, held: &Held, wire: &str, name: &TokenStream) -> TokenStream {
    match check {
        Check::Range { facts, f64 } => {
            let (min, max) = (number(&facts.minimum), number(&facts.maximum));
            let (emin, emax) = (facts.exclusive_minimum, facts.exclusive_maximum);
            // An `f64` needs no cast, and clippy says so.
            let value = match (held, f64) {
                (Held::Field(field, Holder::Plain), true) => quote!(Some(self.#field)),
                (Held::Field(field, Holder::Plain), false) => quote!(Some(self.#field as f64)),
                (Held::Field(field, Holder::Option), true) => quote!(self.#field),
                (Held::Field(field, Holder::Option), false) => {
                    quote!(self.#field.map(|v| v as f64))
                }
                (Held::Field(field, Holder::Nullable), true) => {
                    quote!(self.#field.value().copied())
                }
                (Held::Field(field, Holder::Nullable), false) => {
                    quote!(self.#field.value().map(|v| *v as f64))
                }
                (Held::Item, true) => quote!(Some(*item)),
                (Held::Item, false) => quote!(Some(*item as f64)),
            };
            quote!(checks.range(at, #name, #value, #min, #max, (#emin, #emax));)
        }
        Check::Length(facts) => {
            let (min, max) = (count(facts.min_length), count(facts.max_length));
            let value = text_of(held);
            quote!(checks.length(at, #name, #value, #min, #max);)
        }
        Check::Pattern(pattern) => {
            let value = text_of(held);
            quote!(checks.pattern(at, #name, #value, #pattern);)
        }
        Check::Items(facts) => {
            let (min, max) = (count(facts.min_items), count(facts.max_items));
            let value = match held {
                Held::Field(field, Holder::Plain) => quote!(Some(self.#field.len())),
                Held::Field(field, Holder::Option) => quote!(self.#field.as_ref().map(Vec::len)),
                Held::Field(field, Holder::Nullable) => quote!(self.#field.value().map(Vec::len)),
                Held::Item => quote!(Some(item.len())),
            };
            quote!(checks.items(at, #name, #value, #min, #max);)
        }
        Check::Unique => {
            let value = match held {
                Held::Field(field, Holder::Plain) => quote!(Some(self.#field.as_slice())),
                Held::Field(field, Holder::Option) => quote!(self.#field.as_deref()),
                Held::Field(field, Holder::Nullable) => {
                    quote!(self.#field.value().map(Vec::as_slice))
                }
                Held::Item => quote!(Some(item.as_slice())),
            };
            quote!(checks.unique(at, #name, #value);)
        }
        Check::Each(inner) => {
            let Held::Field(field, holder) = held else { return quote!() };
            let items = items_of(field, *holder);
            let each = inner.iter().map(|c| value_check(c, &Held::Item, wire, &quote!(&item_name)));
            // The item's name, `tags[2]`, as a format string.
            let item_name = format!("{}[{{i}}]", wire.replace('{', "{{").replace('}', "}}"));
            quote! {
                for (i, item) in #items.enumerate() {
                    let item_name = format!(#item_name);
                    #(#each)*
                }
            }
        }
    }
}

/// A text value `held` so, as an `Option<&str>`.
fn text_of(held: &Held) -> TokenStream {
    match held {
        Held::Field(field, Holder::Plain) => quote!(Some(self.#field.as_str())),
        Held::Field(field, _) => quote!(self.#field.as_deref()),
        Held::Item => quote!(Some(item.as_str())),
    }
}

/// `Check` for a struct whose values can break the spec's constraints:
/// each bounded field, then each checked struct it holds.
fn check_impl(api: &Api, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let checked_struct = |ty: &TypeRef| match ty {
        TypeRef::Named(n) => {
            matches!(api.type_def(n).map(|t| &t.kind), Some(TypeKind::Struct(s)) if s.checked)
        }
        _ => false,
    };
    let checks = s.fields.iter().filter_map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let holder = f.holder();
        let own = api.checks(&f.ty, &f.facts);
        let own: Vec<TokenStream> = own
            .iter()
            .map(|check| value_check(check, &Held::Field(&field, holder), wire, &quote!(#wire)))
            .collect();
        let nested = match &f.ty {
            TypeRef::List(inner) => {
                // `null` items have nothing to check but keep their place.
                let (item, null_items) = match &**inner {
                    TypeRef::Nullable(item) => (&**item, true),
                    item => (item, false),
                };
                checked_struct(item).then(|| {
                    let items = items_of(&field, holder);
                    let check = quote!(crate::runtime::Check::check(item, &format!("{at}.{}[{i}]", #wire), checks););
                    let check = if null_items {
                        quote!(if let Some(item) = item { #check })
                    } else {
                        check
                    };
                    quote! {
                        for (i, item) in #items.enumerate() {
                            #check
                        }
                    }
                })
            }
            ty if checked_struct(ty) => {
                let value = if f.boxed { quote!(&**value) } else { quote!(value) };
                let check = quote!(crate::runtime::Check::check(#value, &format!("{at}.{}", #wire), checks););
                Some(match holder {
                    Holder::Plain => quote! {
                        let value = &self.#field;
                        #check
                    },
                    Holder::Option => quote! {
                        if let Some(value) = &self.#field {
                            #check
                        }
                    },
                    Holder::Nullable => quote! {
                        if let Some(value) = self.#field.value() {
                            #check
                        }
                    },
                })
            }
            _ => None,
        };
        if own.is_empty() && nested.is_none() {
            return None;
        }
        Some(quote!(#(#own)* #nested))
    });
    let presence = s.presence.as_ref().map(|p| {
        let sets = p.sets.iter().map(|set| {
            let label = set.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" and ");
            let present = set.iter().filter_map(|w| s.field(w));
            // A field always sent (a value, or `null` for a required one)
            // is always present.
            let present: Vec<TokenStream> = present
                .filter_map(|f| {
                    let field = ident(&f.rust_name);
                    if f.absent_or_null() {
                        Some(quote!(!self.#field.is_absent()))
                    } else if f.optional() && f.skipped_when_none() {
                        Some(quote!(self.#field.is_some()))
                    } else {
                        None
                    }
                })
                .collect();
            let present = if present.is_empty() { quote!(true) } else { quote!(#(#present)&&*) };
            quote!((#label, #present))
        });
        let exclusive = p.exclusive;
        quote!(checks.presence(at, #exclusive, &[#(#sets),*]);)
    });
    quote! {
        impl crate::runtime::Check for #name {
            fn check(&self, at: &str, checks: &mut crate::runtime::Checks) {
                #(#checks)*
                #presence
            }
        }
    }
}

/// The one value `new()` fills in for a required field that allows only it
/// (a `const`, a tag), rather than asking for it.
fn constant_of<'a>(api: &'a Api, f: &'a Field) -> Option<(&'a str, &'a crate::ir::Variant)> {
    if f.required_in_requests() && !f.boxed { api.constant(&f.ty) } else { None }
}

/// The fields `new()` takes as arguments, in order.
fn new_arguments<'a>(api: &Api, s: &'a Struct) -> Vec<&'a Field> {
    s.fields.iter().filter(|f| f.required_in_requests() && constant_of(api, f).is_none()).collect()
}

/// `new(required…)`, for structs with fields that have no obvious default.
/// A required field with one allowed value (a `const`) is set, not asked for.
fn constructor(api: &Api, s: &Struct) -> Option<TokenStream> {
    let constant = |f| constant_of(api, f);
    let required = new_arguments(api, s);
    if required.is_empty() && !s.fields.iter().any(|f| constant(f).is_some()) {
        return None;
    }
    let args = required.iter().map(|f| {
        let field = ident(&f.rust_name);
        let mut ty = rust_type(&f.ty, Scope::Models);
        if f.boxed {
            ty = quote!(Box<#ty>);
        } else if f.ty == TypeRef::String {
            ty = quote!(impl Into<String>);
        }
        quote!(#field: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        // A required write-only field is an `Option` (responses lack it).
        let wrap = |v: TokenStream| if f.optional() { quote!(Some(#v)) } else { v };
        if let Some((ty, variant)) = constant(f) {
            let (ty, variant) = (ident(ty), ident(&variant.name));
            let value = wrap(quote!(super::#ty::#variant));
            quote!(#field: #value)
        } else if f.required_in_requests() {
            let value = if f.ty == TypeRef::String && !f.boxed {
                quote!(#field.into())
            } else {
                quote!(#field)
            };
            if f.optional() { quote!(#field: Some(#value)) } else { field_init(&field, &value) }
        } else if f.absent_or_null() {
            quote!(#field: crate::Nullable::Absent)
        } else {
            quote!(#field: None)
        }
    });
    let additional = s.additional.as_ref().map(|_| {
        let taken: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
        let field = ident(&NameSet::with_reserved(&taken).claim("additional_properties".into()));
        quote!(#field: Default::default(),)
    });
    let many = super::many_arguments(required.len());
    let docs = if s.fields.iter().any(|f| constant(f).is_some()) {
        "A value with the required fields set (a field with one allowed value to that value) and the optional ones empty."
    } else {
        "A value with the required fields set and the optional ones empty."
    };
    let docs = doc::attrs(docs);
    // Every field set for the caller: `new()` is what `Default` would be,
    // but an enum of one value has no `Default` to derive.
    let no_default = required.is_empty().then(|| quote!(#[allow(clippy::new_without_default)]));
    // `#[inline]`, as setters are (see `emit::setter`).
    Some(quote! {
        #docs
        #many
        #no_default
        #[inline]
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits,)* #additional }
        }
    })
}

/// Whether a field has a `with_` setter: a request may set it, `new` does
/// not take it, and it is no `const` (its one value needs no setting).
pub(super) fn settable(api: &Api, f: &Field) -> bool {
    !f.required_in_requests() && !f.read_only && api.constant(&f.ty).is_none()
}

/// The setter of a field or a form's part, by its Rust name: `with_state`.
pub(super) fn setter_name(rust_name: &str) -> proc_macro2::Ident {
    ident(&format!("with_{}", naming::bare(rust_name)))
}

/// `with_field(value)` for each field a request may leave out, so a value
/// is built in one expression (`User::default().with_email("…")`): the
/// struct is `#[non_exhaustive]`, which rules out struct literals but lets
/// a later version add optional fields without breaking anyone. Read-only
/// fields have none (requests leave them out); `Nullable` fields are set to
/// a value here and to `Null` by assignment.
fn setters(api: &Api, s: &Struct) -> Vec<TokenStream> {
    s.fields
        .iter()
        .filter(|f| settable(api, f))
        .map(|f| {
            let field = ident(&f.rust_name);
            let method = setter_name(&f.rust_name);
            let (mut ty, mut value) = (rust_type(&f.ty, Scope::Models), quote!(value));
            if f.boxed {
                value = quote!(Box::new(value));
            } else if f.ty == TypeRef::String {
                (ty, value) = (quote!(impl Into<String>), quote!(value.into()));
            }
            let stored = if f.absent_or_null() {
                quote!(crate::Nullable::Value(#value))
            } else {
                quote!(Some(#value))
            };
            let docs = doc::attrs(&format!("Sets [`{0}`](Self::{0}).", naming::bare(&f.rust_name)));
            let setter = super::setter(&method, &ident("value"), &ty, &field, &stored);
            quote!(#docs #setter)
        })
        .collect()
}

fn field_doc(f: &Field, sent: bool) -> Doc {
    let mut notes = Vec::new();
    if naming::bare(&f.rust_name) != f.wire_name {
        notes.push(format!("Wire name: {}.", doc::code(&f.wire_name)));
    }
    if f.read_only {
        let always = if f.required { " (responses always have it)" } else { "" };
        notes.push(format!("Read-only: set by the server{always}; leave it `None` in requests."));
    }
    if f.write_only {
        let required = if f.required { " (requests must have it)" } else { "" };
        notes.push(format!("Write-only: sent in requests{required}, never returned."));
    }
    if f.absent_or_null() {
        // Only a request clears a value with `null`; a response just says so.
        notes.push(if sent {
            "May be left out (`Nullable::Absent`), `null` (`Nullable::Null`, which clears it) or a value.".to_string()
        } else {
            "May be absent (`Nullable::Absent`), `null` (`Nullable::Null`) or a value.".to_string()
        });
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
fn enum_def(
    name: &proc_macro2::Ident,
    doc: Doc,
    e: &Enum,
    extra_derives: TokenStream,
) -> TokenStream {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let variant_docs =
        e.variants.iter().map(|v| doc::attrs(&format!("Wire value {}.", doc::code(&v.wire))));
    let values = e.variants.iter().map(|v| doc::code(&v.wire)).collect::<Vec<_>>().join(", ");
    let docs = if e.constant {
        doc.note(format!("Always {values} (a `const`): constructors set it for you."))
    } else {
        doc.note(format!("Values: {values}. Values added to the API later arrive as `Unknown`; values compare, hash and sort by their wire value."))
    };
    let docs = docs.attrs();
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
        #[derive(Debug, Clone, #extra_derives)]
        #[non_exhaustive]
        #[allow(clippy::enum_variant_names)]
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
fn union_def(
    name: &proc_macro2::Ident,
    doc: Doc,
    u: &Union,
    extra_derives: TokenStream,
    serde: SerdeDerives,
) -> TokenStream {
    let how = match &u.discriminator {
        Some(d) => format!(
            "Which variant a value is comes from its {} property ({}); a value naming another is kept whole in `{}` (the server may add kinds), and one without it decodes as the first variant whose shape fits.",
            doc::code(&d.property),
            d.mapping
                .iter()
                .map(|(wire, i)| format!("{} is `{}`", doc::code(wire), u.variants[*i].name))
                .collect::<Vec<_>>()
                .join(", "),
            u.unknown.as_deref().unwrap_or("Unknown"),
        ),
        None => "The first variant whose shape matches a value decodes it.".to_string(),
    };
    let docs = doc.note(how).attrs();
    let untagged = serde.attr(quote!(untagged));
    let variants: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let variant = ident(&v.name);
            let mut ty = rust_type(&v.ty, Scope::Models);
            if v.boxed {
                ty = quote!(Box<#ty>);
            }
            let docs = doc::attrs("A value of this shape.");
            let with = match &v.ty {
                TypeRef::External(External { serde_with: Some(with), .. }) => {
                    Some(serde.attr(quote!(with = #with)))
                }
                _ => None,
            };
            quote!(#docs #with #variant(#ty))
        })
        .collect();
    // First, so that no variant that takes any JSON value takes `null`.
    let null = u.null.as_ref().map(|n| {
        let n = ident(n);
        let docs = doc::attrs("The value `null`.");
        quote!(#docs #n,)
    });
    // Last: written back as it came (untagged), read only by the tag.
    let unknown = u.unknown.as_ref().map(|n| {
        let n = ident(n);
        let docs = doc::attrs(
            "A value whose tag names none of the variants above (a kind the server added after this client was made), kept as it came and sent back unchanged.",
        );
        quote!(#docs #n(serde_json::Value),)
    });
    // Untagged decoding tries variants in order; with a discriminator the
    // tag decides, so overlapping shapes cannot be taken for one another.
    let SerdeDerives { always, gated, hand_de, needs_ser, .. } = serde;
    let tagged = u.discriminator.as_ref().map(|d| {
        let de = discriminated_deserialize(name, u, d);
        quote!(#hand_de #de)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #extra_derives #always)]
        #gated
        #untagged
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        pub enum #name {
            #null
            #(#variants,)*
            #unknown
        }

        #tagged

        #needs_ser
        impl crate::runtime::ParamValue for #name {
            fn to_param(&self) -> String {
                crate::runtime::json_param(self)
            }
        }
    }
}

/// `From` each member type for a union, where no two variants share a type,
/// so `.into()` makes the union from a member (`message.into()`); a string
/// variant takes `&str` too.
fn union_froms(api: &Api, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let unique = |ty: &TypeRef| u.variants.iter().filter(|v| v.ty == *ty).count() == 1;
    // A type of its own (not an alias, which may be `String` or another
    // variant's type under a second name, and would make two impls one).
    let nominal = |ty: &TypeRef| match ty {
        TypeRef::Named(n) => {
            !matches!(api.type_def(n).map(|t| &t.kind), Some(TypeKind::Alias(_)) | None)
        }
        _ => true,
    };
    let froms = u.variants.iter().filter(|v| unique(&v.ty) && nominal(&v.ty)).filter_map(|v| {
        let variant = ident(&v.name);
        let wrapped = if v.boxed {
            quote!(Self::#variant(Box::new(value)))
        } else {
            quote!(Self::#variant(value))
        };
        match &v.ty {
            TypeRef::Named(_) => {
                let member = rust_type(&v.ty, Scope::Models);
                Some(quote! {
                    impl From<#member> for #name {
                        #[inline]
                        fn from(value: #member) -> Self {
                            #wrapped
                        }
                    }
                })
            }
            TypeRef::String if !v.boxed => Some(quote! {
                impl From<String> for #name {
                    #[inline]
                    fn from(value: String) -> Self {
                        Self::#variant(value)
                    }
                }

                impl From<&str> for #name {
                    #[inline]
                    fn from(value: &str) -> Self {
                        Self::#variant(value.to_owned())
                    }
                }
            }),
            _ => None,
        }
    });
    quote!(#(#froms)*)
}

/// A tuple struct: serde writes and reads it as a JSON array of its items.
fn tuple_def(
    name: &proc_macro2::Ident,
    doc: Doc,
    items: &[TupleItem],
    extra_derives: TokenStream,
    serde: SerdeDerives,
) -> TokenStream {
    let SerdeDerives { always, gated, .. } = serde;
    let docs =
        doc.note(format!("On the wire: a JSON array of exactly {} items.", items.len())).attrs();
    let fields = items.iter().enumerate().map(|(i, item)| {
        let mut ty = rust_type(&item.ty, Scope::Models);
        if item.boxed {
            ty = quote!(Box<#ty>);
        }
        let docs = doc::attrs(&format!("Item {}.", i + 1));
        quote!(#docs pub #ty)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #extra_derives #always)]
        #gated
        pub struct #name(#(#fields),*);
    }
}

/// `Deserialize` for a union with a discriminator: read the tag, decode the
/// variant it names; an unknown tag is kept whole, and a value without a tag
/// is the first variant that fits.
fn discriminated_deserialize(
    name: &proc_macro2::Ident,
    u: &Union,
    d: &Discriminator,
) -> TokenStream {
    let property = &d.property;
    let arms = d.mapping.iter().enumerate().map(|(n, (wire, i))| {
        let variant = ident(&u.variants[*i].name);
        let decode = if u.variants[*i].boxed {
            quote!(serde_json::from_value(value).map(|v| Self::#variant(Box::new(v))))
        } else {
            quote!(serde_json::from_value(value).map(Self::#variant))
        };
        // A component's name, which specs often write in another case.
        let pattern = if n < d.exact {
            quote!(Some(#wire))
        } else {
            quote!(Some(tag) if tag.eq_ignore_ascii_case(#wire))
        };
        quote!(#pattern => #decode.map_err(serde::de::Error::custom))
    });
    let fallbacks = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wrapped =
            if v.boxed { quote!(Self::#variant(Box::new(v))) } else { quote!(Self::#variant(v)) };
        quote! {
            if let Ok(v) = serde_json::from_value(value.clone()) {
                return Ok(#wrapped);
            }
        }
    });
    let no_match = format!("no variant of {name} matches this value");
    let unknown = match &u.unknown {
        Some(n) => {
            let n = ident(n);
            quote!(Some(_) => Ok(Self::#n(value)),)
        }
        None => quote!(),
    };
    let null = u.null.as_ref().map(|n| {
        let n = ident(n);
        quote! {
            if value.is_null() {
                return Ok(Self::#n);
            }
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                #null
                let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms,)*
                    #unknown
                    _ => {
                        #(#fallbacks)*
                        Err(serde::de::Error::custom(#no_match))
                    }
                }
            }
        }
    }
}
