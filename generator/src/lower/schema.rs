//! Where a schema becomes a Rust type.
//!
//! | OpenAPI                                   | Rust                              |
//! |-------------------------------------------|-----------------------------------|
//! | `type: object` with `properties`          | struct                            |
//! | `type: object`, only `additionalProperties: S` | `BTreeMap<String, S>`        |
//! | `type: object`, nothing else / `{}`       | JSON object / `serde_json::Value` |
//! | `enum` of strings or integers             | enum with an `Unknown` fallback   |
//! | `allOf`                                   | one struct with merged properties |
//! | `oneOf` / `anyOf`                         | untagged enum, one variant each   |
//! | `anyOf` of open objects, own properties, none required | one struct of them all |
//! | … beside `properties`, members only `required` | struct with a presence rule  |
//! | `type: array`                             | `Vec<T>`                          |
//! | string formats `date-time`, `date`, `uuid`| `chrono`/`uuid` types             |
//!
//! A component schema keeps its name; an inline schema that needs a type of
//! its own is named from where it sits (`UserType`, `ListThingsResponse`).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use super::refs::{self, Component, unresolved};
use crate::diag::join;
use crate::ir::{
    Discriminator, Enum, EnumRepr, Facts, Field, FloatWidth, IntWidth, Presence, Struct, TupleItem,
    TypeDef, TypeKind, TypeRef, Union, UnionVariant, Variant,
};
use crate::naming::{self, NameSet};

/// The empty schema, for properties a spec requires without describing.
static ANY_SCHEMA: std::sync::LazyLock<Schema> = std::sync::LazyLock::new(|| Schema {
    schema_data: SchemaData::default(),
    schema_kind: SchemaKind::Any(AnySchema::default()),
});

/// Schemas nested deeper than this are not lowered further: such a type
/// (`Vec<Vec<…>>` forty deep) exhausts the stack of the code that parses and
/// formats it, and no real API needs it.
const MAX_DEPTH: usize = 32;

/// How to name a type if the schema needs one.
#[derive(Debug, Clone)]
pub(super) enum Naming {
    /// The name is already claimed (a component schema).
    Given(String),
    /// Claim this name (made unique) if a type is defined.
    Hint(String),
}

impl Naming {
    /// A name for a schema nested in this one.
    pub(super) fn child(&self, suffix: &str) -> Naming {
        let base = match self {
            Naming::Given(n) | Naming::Hint(n) => n,
        };
        Naming::Hint(format!("{base}{suffix}"))
    }
}

/// A schema or a reference to one, however `openapiv3` boxed it.
#[derive(Clone, Copy)]
pub(super) enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// The object-shaped parts of a schema, wherever `openapiv3` put them.
#[derive(Default)]
pub(super) struct ObjectParts<'a> {
    pub(super) properties: Vec<(&'a String, SchemaRef<'a>)>,
    pub(super) required: BTreeSet<&'a String>,
    pub(super) additional: Option<&'a AdditionalProperties>,
    pub(super) presence: Option<Presence>,
}

impl<'a> Lowerer<'a> {
    /// Defines the type `name` (already claimed) for a component schema.
    pub(super) fn define_named(
        &mut self,
        name: &str,
        schema: &'a ReferenceOr<Schema>,
        pointer: &str,
    ) {
        let ty = self.schema_type(schema.into(), Naming::Given(name.to_string()), pointer);
        if ty != TypeRef::Named(name.to_string()) {
            let data = match schema {
                ReferenceOr::Item(s) => Some(&s.schema_data),
                ReferenceOr::Reference { .. } => None,
            };
            self.insert(name.to_string(), data, pointer, TypeKind::Alias(ty));
        }
    }

    /// Whether component `key` is a chain of bare references (or one-element
    /// `allOf`/`oneOf`/`anyOf` wrappers) that comes back to `key`: such a
    /// schema describes no value, and as type aliases it would not compile.
    pub(super) fn is_alias_cycle(&self, key: &str) -> bool {
        let Some(schemas) = self.spec.components.as_ref().map(|c| &c.schemas) else { return false };
        let mut current = key.to_string();
        let mut seen = BTreeSet::new();
        loop {
            let Some(schema) = schemas.get(&current) else { return false };
            let next = match schema {
                ReferenceOr::Reference { reference } => reference.as_str(),
                ReferenceOr::Item(s) => match &s.schema_kind {
                    SchemaKind::AllOf { all_of: list }
                    | SchemaKind::OneOf { one_of: list }
                    | SchemaKind::AnyOf { any_of: list } => match list.as_slice() {
                        [ReferenceOr::Reference { reference }] => reference.as_str(),
                        _ => return false,
                    },
                    _ => return false,
                },
            };
            let Some(next) = refs::key::<Schema>(next) else { return false };
            if next == key {
                return true;
            }
            if !seen.insert(next.clone()) {
                return false;
            }
            current = next;
        }
    }

    /// The Rust type for a schema used at `pointer`.
    pub(super) fn schema_type(
        &mut self,
        schema: SchemaRef<'a>,
        naming: Naming,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            SchemaRef::Ref(reference) => {
                match refs::key::<Schema>(reference).and_then(|k| self.components.get(&k)) {
                    Some(name) => TypeRef::Named(name.clone()),
                    None => {
                        self.error(pointer, unresolved(reference, Schema::PREFIX));
                        TypeRef::Json
                    }
                }
            }
            SchemaRef::Item(s) => {
                if self.depth >= MAX_DEPTH {
                    self.warn(pointer, format!("schemas nest deeper than {MAX_DEPTH} levels; this one is `serde_json::Value`"));
                    return TypeRef::Json;
                }
                self.depth += 1;
                let ty = self.inline(s, naming, pointer);
                self.depth -= 1;
                ty
            }
        }
    }

    /// A list item's or map value's type, as `Nullable` when its schema
    /// (or the one it refers to) allows `null`. A union already has its
    /// `Null` variant, and a JSON value holds `null` itself.
    fn maybe_null(&mut self, schema: SchemaRef<'a>, ty: TypeRef, pointer: &str) -> TypeRef {
        let Some(schema) = self.deref(schema, pointer) else { return ty };
        let union =
            matches!(schema.schema_kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. });
        if !schema.schema_data.nullable || union || ty == TypeRef::Json {
            return ty;
        }
        TypeRef::Nullable(Box::new(ty))
    }

    /// The schema a reference leads to (following chains), if any.
    pub(super) fn deref(&mut self, schema: SchemaRef<'a>, pointer: &str) -> Option<&'a Schema> {
        match schema {
            SchemaRef::Item(s) => Some(s),
            SchemaRef::Ref(reference) => {
                let wrapped: &'a ReferenceOr<Schema> = self.component_schema(reference)?;
                self.resolve(wrapped, pointer)
            }
        }
    }

    /// Whether a value of any member of a union fits every other member:
    /// each is an object that requires nothing and admits properties it
    /// does not declare, and no two declare a property of the same name
    /// (snyk.io's credentials, one member per registry). Members that share
    /// a name may still be told apart by its type (GitHub's set-labels).
    fn members_fit_each_other(&mut self, members: &'a [ReferenceOr<Schema>]) -> bool {
        let mut seen = BTreeSet::new();
        for member in members {
            let Some(names) = self.open_object_properties(member) else { return false };
            if !names.into_iter().all(|name| seen.insert(name)) {
                return false;
            }
        }
        members.len() > 1
    }

    /// The property names of a schema that is an object requiring none of
    /// them and admitting others; `None` for any other schema. References
    /// are followed quietly: lowering the member has already said what is
    /// wrong with them.
    fn open_object_properties(&mut self, member: &'a ReferenceOr<Schema>) -> Option<Vec<&'a str>> {
        let schema = self.quiet_deref(member.into())?;
        let closed =
            |a: &Option<AdditionalProperties>| matches!(a, Some(AdditionalProperties::Any(false)));
        let names = |p: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>| {
            p.keys().map(String::as_str).collect()
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o))
                if o.required.is_empty() && !closed(&o.additional_properties) =>
            {
                Some(names(&o.properties))
            }
            SchemaKind::Any(a)
                if matches!(a.typ.as_deref(), None | Some("object"))
                    && !a.properties.is_empty()
                    && a.required.is_empty()
                    && a.all_of.is_empty()
                    && a.any_of.is_empty()
                    && a.one_of.is_empty()
                    && !closed(&a.additional_properties) =>
            {
                Some(names(&a.properties))
            }
            _ => None,
        }
    }

    fn component_schema(&mut self, reference: &str) -> Option<&'a ReferenceOr<Schema>> {
        let spec = self.spec;
        refs::key::<Schema>(reference)
            .and_then(|k| spec.components.as_ref().and_then(|c| c.schemas.get(&k)))
    }

    /// An inline schema's type. Identical inline objects and unions (common
    /// in bundled specs, which copy a shape into every place that uses it)
    /// share the type made for the first instead of one copy per place.
    /// Enums are shared only under `paths`: inside component schemas each
    /// keeps the name of its place (`UserMetadataSpecDataType`), which reads
    /// better and costs little.
    fn inline(&mut self, s: &'a Schema, naming: Naming, pointer: &str) -> TypeRef {
        let shared = match defines_type(s) {
            Some(Defines::Enum) => pointer.starts_with("#/paths"),
            Some(Defines::Composite) => true,
            None => false,
        };
        let key = match naming {
            Naming::Hint(_) if shared => serde_json::to_string(s).ok(),
            _ => None,
        };
        if let Some(ty) = key.as_ref().and_then(|k| self.inline_types.get(k)) {
            return ty.clone();
        }
        let ty = self.inline_uncached(s, naming, pointer);
        if let (Some(key), TypeRef::Named(_)) = (key, &ty) {
            self.inline_types.insert(key, ty.clone());
        }
        ty
    }

    fn inline_uncached(&mut self, s: &'a Schema, naming: Naming, pointer: &str) -> TypeRef {
        let data = &s.schema_data;
        if let Some(index) =
            data.extensions.get(crate::load::TUPLE).and_then(serde_json::Value::as_u64)
        {
            return self.tuple(naming, s, index, pointer);
        }
        if let Some(ty) = self.format_override(&s.schema_kind) {
            return ty;
        }
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                let values: Vec<String> = t.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    string_type(&t.format)
                } else {
                    self.define_enum(naming, data, pointer, EnumRepr::String, values)
                }
            }
            SchemaKind::Type(Type::Integer(t)) => {
                let values: Vec<String> =
                    t.enumeration.iter().flatten().map(|v| v.to_string()).collect();
                if values.is_empty() {
                    integer_type(&t.format)
                } else {
                    self.define_enum(naming, data, pointer, EnumRepr::Integer, values)
                }
            }
            SchemaKind::Type(Type::Number(t)) => match t.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => {
                    TypeRef::Float(FloatWidth::F32)
                }
                _ => TypeRef::Float(FloatWidth::F64),
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(a)) => self.array(a.items.as_ref(), naming, pointer),
            SchemaKind::Type(Type::Object(o)) => {
                let parts = ObjectParts {
                    properties: o.properties.iter().map(|(k, v)| (k, v.into())).collect(),
                    required: o.required.iter().collect(),
                    additional: o.additional_properties.as_ref(),
                    presence: None,
                };
                self.object(naming, data, parts, pointer)
            }
            SchemaKind::AllOf { all_of } => {
                self.all_of(naming, data, all_of, ObjectParts::default(), pointer, "allOf")
            }
            SchemaKind::OneOf { one_of } => self.union(naming, data, one_of, pointer, "oneOf"),
            SchemaKind::AnyOf { any_of } if self.members_fit_each_other(any_of) => {
                self.all_of(naming, data, any_of, ObjectParts::default(), pointer, "anyOf")
            }
            SchemaKind::AnyOf { any_of } => self.union(naming, data, any_of, pointer, "anyOf"),
            SchemaKind::Not { .. } => {
                self.warn(
                    pointer,
                    "`not` cannot be expressed as a Rust type; using `serde_json::Value`",
                );
                TypeRef::Json
            }
            SchemaKind::Any(a) => self.any(a, naming, data, pointer),
        }
    }

    fn array(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        naming: Naming,
        pointer: &str,
    ) -> TypeRef {
        let item = match items {
            Some(items) => {
                let at = join(pointer, "items");
                let ty = self.schema_type(items.into(), naming.child("Item"), &at);
                self.maybe_null(items.into(), ty, &at)
            }
            None => TypeRef::Json,
        };
        TypeRef::List(Box::new(item))
    }

    /// An array whose items have a schema each by position (`prefixItems`):
    /// a tuple struct when its length is fixed, else a list of JSON values.
    fn tuple(&mut self, naming: Naming, s: &'a Schema, index: u64, pointer: &str) -> TypeRef {
        let extra = self.extra;
        let Some(tuple) = usize::try_from(index).ok().and_then(|i| extra.tuples.get(i)) else {
            return TypeRef::List(Box::new(TypeRef::Json));
        };
        let max_items = match &s.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.max_items,
            SchemaKind::Any(a) => a.max_items,
            _ => None,
        };
        let fixed = !tuple.open || max_items == Some(tuple.items.len());
        if !fixed || tuple.items.is_empty() {
            self.warn(
                pointer,
                "a tuple (`prefixItems`) that may hold more items than it describes is a list of JSON values",
            );
            return TypeRef::List(Box::new(TypeRef::Json));
        }
        let name = self.claim(naming);
        let at = join(pointer, "prefixItems");
        let items = tuple
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let hint = Naming::Hint(format!("{name}Item{}", i + 1));
                TupleItem {
                    ty: self.schema_type(item.into(), hint, &join(&at, &i.to_string())),
                    boxed: false,
                }
            })
            .collect();
        self.insert(name.clone(), Some(&s.schema_data), pointer, TypeKind::Tuple(items));
        TypeRef::Named(name)
    }

    /// A schema `openapiv3` could not classify: mixed keywords, no `type`,
    /// or an unknown `type`. Decide by the keywords present.
    fn any(
        &mut self,
        a: &'a AnySchema,
        naming: Naming,
        data: &SchemaData,
        pointer: &str,
    ) -> TypeRef {
        let presence = self.presence(a, pointer);
        let parts = || ObjectParts {
            properties: a.properties.iter().map(|(k, v)| (k, v.into())).collect(),
            required: a.required.iter().collect(),
            additional: a.additional_properties.as_ref(),
            presence: presence.clone().flatten(),
        };
        if !a.all_of.is_empty() {
            return self.all_of(naming, data, &a.all_of, parts(), pointer, "allOf");
        }
        if presence.is_some() {
            return self.object(naming, data, parts(), pointer);
        }
        if !a.one_of.is_empty() {
            return self.union(naming, data, &a.one_of, pointer, "oneOf");
        }
        if !a.any_of.is_empty() && self.members_fit_each_other(&a.any_of) {
            return self.all_of(naming, data, &a.any_of, parts(), pointer, "anyOf");
        }
        if !a.any_of.is_empty() {
            return self.union(naming, data, &a.any_of, pointer, "anyOf");
        }
        let typ = a.typ.as_deref();
        // Object keywords beside a scalar `type` (`type: string` with
        // `additionalProperties: false`, a copy-paste) do not make an object.
        let scalar = matches!(typ, Some("string" | "integer" | "number" | "boolean" | "array"));
        let object_words = !a.properties.is_empty() || a.additional_properties.is_some();
        if (object_words && !scalar) || typ == Some("object") {
            return self.object(naming, data, parts(), pointer);
        }
        if a.items.is_some() || typ == Some("array") {
            return self.array(a.items.as_ref(), naming, pointer);
        }
        let strings: Option<Vec<String>> = a
            .enumeration
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| v.as_str().map(String::from))
            .collect();
        // With `type: string` declared, only the enum's strings are values
        // a validator takes (both keywords hold); the others are said and
        // left out (shutterstock.com: `{type: string, enum: [43, 169,
        // "nonstandard"]}`).
        let declared_strings: Vec<String> = match typ {
            Some("string") => {
                a.enumeration.iter().filter_map(|v| v.as_str()).map(String::from).collect()
            }
            _ => Vec::new(),
        };
        match typ {
            Some("string") | None if !a.enumeration.is_empty() => match strings {
                Some(values) if !values.is_empty() => {
                    self.define_enum(naming, data, pointer, EnumRepr::String, values)
                }
                _ if !declared_strings.is_empty() => {
                    self.warn(&join(pointer, "enum"), not_of_declared_type(&a.enumeration));
                    self.define_enum(naming, data, pointer, EnumRepr::String, declared_strings)
                }
                _ => {
                    self.warn(&join(pointer, "enum"), mistyped_enum(&a.enumeration, typ));
                    TypeRef::Json
                }
            },
            Some("string") => match a.format.as_deref() {
                Some(f) => {
                    string_type(&VariantOrUnknownOrEmpty::Unknown(f.to_string()).normalized())
                }
                None => TypeRef::String,
            },
            Some("integer") => match a.format.as_deref() {
                Some("int32") => TypeRef::Integer(IntWidth::I32),
                _ => TypeRef::Integer(IntWidth::I64),
            },
            Some("number") => TypeRef::Float(FloatWidth::F64),
            Some("boolean") => TypeRef::Boolean,
            None => TypeRef::Json,
            Some(other) => {
                self.error(
                    &join(pointer, "type"),
                    format!(
                        "unknown type `{other}` (OpenAPI's types are string, number, integer, \
                         boolean, array and object); using `serde_json::Value`"
                    ),
                );
                TypeRef::Json
            }
        }
    }

    /// An `anyOf`/`oneOf` beside an object's properties whose members only
    /// say which of those properties are present (`{required: [state]}`):
    /// a rule over the object, not a union of shapes (which would lose the
    /// properties). `None` when the members describe shapes; `Some(None)`
    /// when they do not but leave nothing to check (an `anyOf` member that
    /// requires nothing always matches).
    fn presence(&mut self, a: &AnySchema, pointer: &str) -> Option<Option<Presence>> {
        let (members, keyword, exclusive) = match (&a.one_of[..], &a.any_of[..]) {
            ([_, ..], []) => (&a.one_of, "oneOf", true),
            ([], [_, ..]) => (&a.any_of, "anyOf", false),
            _ => return None,
        };
        if a.properties.is_empty() {
            return None;
        }
        let declared = |name: &String| a.properties.contains_key(name);
        let mut sets = Vec::with_capacity(members.len());
        let mut narrowed = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let ReferenceOr::Item(m) = member else { return None };
            let (required, properties) = match &m.schema_kind {
                SchemaKind::Any(any) => {
                    let rest = AnySchema {
                        typ: None,
                        required: Vec::new(),
                        properties: Default::default(),
                        additional_properties: None,
                        ..any.clone()
                    };
                    let typ = matches!(any.typ.as_deref(), None | Some("object"));
                    if !typ || rest != AnySchema::default() {
                        return None;
                    }
                    (&any.required, &any.properties)
                }
                SchemaKind::Type(Type::Object(o))
                    if o.min_properties.is_none() && o.max_properties.is_none() =>
                {
                    (&o.required, &o.properties)
                }
                _ => return None,
            };
            if !properties.keys().all(declared) {
                return None;
            }
            if !properties.is_empty() {
                narrowed.push(i);
            }
            sets.push((i, required.clone()));
        }
        let at = join(pointer, keyword);
        for i in narrowed {
            self.warn(
                &join(&join(&at, &i.to_string()), "properties"),
                "what this alternative says of the properties beyond which are required is not checked",
            );
        }
        // An alternative that requires a property the object does not
        // declare cannot be met by its fields (GitHub's campaigns name
        // `secret_scanning_alerts` beside `additionalProperties: false`):
        // it never counts, so leaving it out changes no verdict.
        let mut kept = Vec::with_capacity(sets.len());
        for (i, set) in sets {
            match set.iter().find(|name| !declared(name)) {
                Some(name) => self.warn(
                    &join(&join(&at, &i.to_string()), "required"),
                    format!("this alternative requires `{name}`, which is not among the properties; it is left out of the check"),
                ),
                None => kept.push(set),
            }
        }
        let sets = kept;
        if sets.is_empty() {
            return Some(None);
        }
        // An `anyOf` member that requires nothing is always matched.
        let vacuous = !exclusive && sets.iter().any(Vec::is_empty);
        Some((!vacuous).then_some(Presence { exclusive, sets }))
    }

    fn object(
        &mut self,
        naming: Naming,
        data: &SchemaData,
        parts: ObjectParts<'a>,
        pointer: &str,
    ) -> TypeRef {
        if parts.properties.is_empty() {
            match parts.additional {
                Some(AdditionalProperties::Schema(s)) => {
                    let at = join(pointer, "additionalProperties");
                    let value = self.schema_type(s.as_ref().into(), naming.child("Value"), &at);
                    let value = self.maybe_null(s.as_ref().into(), value, &at);
                    return TypeRef::Map(Box::new(value));
                }
                Some(AdditionalProperties::Any(false)) => {}
                _ => return TypeRef::JsonObject,
            }
        }
        let name = self.claim(naming);
        let mut parts = parts;
        let declared: BTreeSet<&str> = parts.properties.iter().map(|(w, _)| w.as_str()).collect();
        let undeclared: Vec<&'a String> =
            parts.required.iter().copied().filter(|r| !declared.contains(r.as_str())).collect();
        if !undeclared.is_empty()
            && matches!(parts.additional, None | Some(AdditionalProperties::Any(_)))
        {
            // Required but never described: still a field, of any JSON value,
            // rather than silently dropped (which would fail every request).
            let list = undeclared.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ");
            let closed = matches!(parts.additional, Some(AdditionalProperties::Any(false)));
            self.warn(
                &join(pointer, "required"),
                match closed {
                    true => format!("required {list} not among the properties, which `additionalProperties: false` closes: no object satisfies this schema; typed as any JSON value"),
                    false => format!("required {list} not among the properties; typed as any JSON value"),
                },
            );
            for wire in undeclared {
                parts.properties.push((wire, SchemaRef::Item(&ANY_SCHEMA)));
            }
        }
        let rust_names = field_names(parts.properties.iter().map(|(wire, _)| wire.as_str()));
        let mut fields = Vec::with_capacity(parts.properties.len());
        let properties = join(pointer, "properties");
        for ((wire, prop), rust_name) in parts.properties.into_iter().zip(rust_names) {
            let at = join(&properties, wire);
            let hint = Naming::Hint(format!("{name}{}", naming::type_name(wire)));
            let ty = self.schema_type(prop, hint, &at);
            let target = self.deref(prop, &at);
            let own = match prop {
                SchemaRef::Item(s) => Some(s),
                SchemaRef::Ref(_) => None,
            };
            let flag =
                |f: fn(&SchemaData) -> bool| own.or(target).is_some_and(|s| f(&s.schema_data));
            fields.push(Field {
                wire_name: wire.clone(),
                rust_name,
                ty,
                required: parts.required.contains(wire),
                nullable: flag(|d| d.nullable) || target.is_some_and(|s| s.schema_data.nullable),
                read_only: flag(|d| d.read_only),
                write_only: flag(|d| d.write_only),
                deprecated: flag(|d| d.deprecated),
                boxed: false,
                description: own.and_then(|s| s.schema_data.description.clone()),
                facts: self.facts(prop, &at),
            });
        }
        let additional = match parts.additional {
            Some(AdditionalProperties::Schema(s)) => Some(self.schema_type(
                s.as_ref().into(),
                Naming::Hint(format!("{name}Value")),
                &join(pointer, "additionalProperties"),
            )),
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        };
        let kind = TypeKind::Struct(Struct {
            fields,
            additional,
            derive_default: false,
            checked: false,
            presence: parts.presence,
        });
        self.insert(name.clone(), Some(data), pointer, kind);
        TypeRef::Named(name)
    }

    /// `allOf`, or an `anyOf` whose members fit each other (`keyword` says
    /// which, for pointers): one part is that part (the wrapper only adds
    /// docs or `nullable`); several are merged into one struct.
    fn all_of(
        &mut self,
        naming: Naming,
        data: &SchemaData,
        all_of: &'a [ReferenceOr<Schema>],
        mut merged: ObjectParts<'a>,
        pointer: &str,
        keyword: &str,
    ) -> TypeRef {
        let pointer_all = join(pointer, keyword);
        if all_of.len() == 1 && merged.properties.is_empty() {
            return self.schema_type((&all_of[0]).into(), naming, &join(&pointer_all, "0"));
        }
        let mut scalar = None;
        let mut merged_refs = BTreeSet::new();
        for (i, part) in all_of.iter().enumerate() {
            let at = join(&pointer_all, &i.to_string());
            self.collect_object(part.into(), &mut merged, &mut scalar, &at, &mut merged_refs);
        }
        if merged.properties.is_empty() && merged.additional.is_none() {
            if let Some((part, at)) = scalar {
                return self.schema_type(part, naming, &at);
            }
        }
        // Later parts override earlier ones, as a validator would see them.
        let mut seen = BTreeMap::new();
        for (i, (wire, _)) in merged.properties.iter().enumerate() {
            seen.insert(*wire, i);
        }
        let mut i = 0;
        merged.properties.retain(|(wire, _)| {
            let keep = seen.get(wire) == Some(&i);
            i += 1;
            keep
        });
        self.object(naming, data, merged, pointer)
    }

    /// Gathers properties from an `allOf` part, following references and
    /// nested `allOf`s; notes a non-object part in `scalar`.
    pub(super) fn collect_object(
        &mut self,
        part: SchemaRef<'a>,
        into: &mut ObjectParts<'a>,
        scalar: &mut Option<(SchemaRef<'a>, String)>,
        pointer: &str,
        merged_refs: &mut BTreeSet<&'a str>,
    ) {
        // A component merged once adds nothing the second time; skipping it
        // also ends `allOf` cycles and diamond-shaped blow-ups.
        if let SchemaRef::Ref(reference) = part {
            if !merged_refs.insert(reference) {
                return;
            }
        }
        let Some(schema) = self.deref(part, pointer) else { return };
        let add = |into: &mut ObjectParts<'a>,
                   props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
                   req: &'a [String],
                   add: Option<&'a AdditionalProperties>| {
            into.properties.extend(props.iter().map(|(k, v)| (k, v.into())));
            into.required.extend(req.iter());
            if add.is_some() {
                into.additional = add;
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                add(into, &o.properties, &o.required, o.additional_properties.as_ref())
            }
            SchemaKind::AllOf { all_of } => {
                for (i, p) in all_of.iter().enumerate() {
                    let at = join(&join(pointer, "allOf"), &i.to_string());
                    self.collect_object(p.into(), into, scalar, &at, merged_refs);
                }
            }
            SchemaKind::Any(a) => {
                add(into, &a.properties, &a.required, a.additional_properties.as_ref());
                for (i, p) in a.all_of.iter().enumerate() {
                    let at = join(&join(pointer, "allOf"), &i.to_string());
                    self.collect_object(p.into(), into, scalar, &at, merged_refs);
                }
                // Keyword-only parts (`required`, constraints) add nothing else.
            }
            _ => {
                if scalar.is_none() {
                    *scalar = Some((part, pointer.to_string()));
                }
            }
        }
    }

    fn union(
        &mut self,
        naming: Naming,
        data: &SchemaData,
        members: &'a [ReferenceOr<Schema>],
        pointer: &str,
        keyword: &str,
    ) -> TypeRef {
        let members_at = join(pointer, keyword);
        if let [only] = members {
            return self.schema_type(only.into(), naming, &join(&members_at, "0"));
        }
        if let Some(values) = self.open_enum(members, &members_at) {
            return self.define_enum(naming, data, pointer, EnumRepr::String, values);
        }
        let name = self.claim(naming);
        let mut names = NameSet::default();
        let tag = data.discriminator.as_ref().map(|d| d.property_name.as_str());
        let typed: Vec<(TypeRef, String, Facts)> = members
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let at = join(&members_at, &i.to_string());
                // An inline member is named for what it is (its title, its
                // tag value), and only as a last resort by its position.
                let own = match member {
                    ReferenceOr::Item(_) => self.inline_label(member.into(), tag, &at),
                    ReferenceOr::Reference { .. } => None,
                };
                let hint = match &own {
                    Some(label) => Naming::Hint(format!("{name}{label}")),
                    None => Naming::Hint(format!("{name}Variant{}", i + 1)),
                };
                let ty = self.schema_type(member.into(), hint, &at);
                let label = match (&ty, own) {
                    (_, Some(label)) => label,
                    (TypeRef::Named(n), None)
                        if matches!(member, ReferenceOr::Reference { .. }) =>
                    {
                        without_shared_prefix(n, &name)
                    }
                    (TypeRef::Named(_), None) => format!("Variant{}", i + 1),
                    (other, None) => naming::variant_name(&other.label()),
                };
                (ty, label, self.facts(member.into(), &at))
            })
            .collect();
        // Members of one Rust type (two `String`s), or that would share a
        // name, are told apart by what the spec says of each.
        let shared: Vec<bool> = typed
            .iter()
            .map(|(ty, label, _)| {
                let scalar = !matches!(ty, TypeRef::Named(_));
                typed.iter().filter(|(t, l, _)| l == label || (scalar && t == ty)).count() > 1
            })
            .collect();
        let mut variants = Vec::with_capacity(members.len());
        for ((member, (ty, label, facts)), shared) in members.iter().zip(typed).zip(shared) {
            let label = match shared {
                true => self.member_label(member.into(), &facts).unwrap_or(label),
                false => label,
            };
            variants.push(UnionVariant { name: names.claim(label), ty, boxed: false, facts });
        }
        let null = data.nullable.then(|| names.claim("Null".into()));
        let mut unmapped = Vec::new();
        let discriminator = data.discriminator.as_ref().map(|d| {
            let variant_of = |target: &str| {
                let key = refs::key::<Schema>(target).unwrap_or_else(|| target.to_string());
                let ty = TypeRef::Named(self.components.get(&key)?.clone());
                variants.iter().position(|v| v.ty == ty)
            };
            let mut mapping: Vec<(String, usize)> = Vec::new();
            for (value, target) in &d.mapping {
                match variant_of(target) {
                    Some(i) => mapping.push((value.clone(), i)),
                    None => unmapped.push(format!("discriminator value `{value}` maps to `{target}`, which is not one of the variants; it is ignored")),
                }
            }
            // Without a mapping entry, a variant's value is its member's own
            // one value of the property, else its schema name.
            let mut by_name = Vec::new();
            for (i, member) in members.iter().enumerate() {
                if mapping.iter().any(|(_, j)| *j == i) {
                    continue;
                }
                let at = join(&members_at, &i.to_string());
                if let Some(own) = self.tag_value(member.into(), &d.property_name, &at) {
                    if !mapping.iter().any(|(w, _)| *w == own) {
                        mapping.push((own, i));
                    }
                } else if let ReferenceOr::Reference { reference } = member {
                    by_name.extend(refs::key::<Schema>(reference).map(|key| (key, i)));
                }
            }
            let exact = mapping.len();
            for (name, i) in by_name {
                if !mapping.iter().any(|(w, _)| w.eq_ignore_ascii_case(&name)) {
                    mapping.push((name, i));
                }
            }
            Discriminator { property: d.property_name.clone(), mapping, exact }
        });
        let unknown = discriminator.as_ref().map(|_| names.claim("Unknown".into()));
        let mapping_at = join(&join(pointer, "discriminator"), "mapping");
        for message in unmapped {
            self.warn(&mapping_at, message);
        }
        // An `anyOf` of such members is one struct (see `any`); a `oneOf`
        // stays a choice, which is what its author meant, but says what
        // the spec makes of it.
        if discriminator.is_none() && keyword == "oneOf" && self.members_fit_each_other(members) {
            let first = variants.first().map_or_else(String::new, |v| v.name.clone());
            self.warn(
                &members_at,
                format!("every member is an object with properties of its own and none required, so a value of one member fits them all: `oneOf` refuses every value, since it wants exactly one, and the client reads every value as `{first}`"),
            );
        }
        self.insert(
            name.clone(),
            Some(data),
            pointer,
            TypeKind::Union(Union { variants, discriminator, null, unknown }),
        );
        TypeRef::Named(name)
    }

    /// The known values of an open enum, the way many vendors write "these
    /// values, and more may come": a union of a plain string and string
    /// enums (`anyOf: [{type: string}, {enum: [gpt-4o, …]}]`). Such a union
    /// is one enum of the known values, whose `Unknown(String)` holds the
    /// rest, rather than a choice between two types.
    fn open_enum(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        pointer: &str,
    ) -> Option<Vec<String>> {
        let mut open = false;
        let mut values = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = join(pointer, &i.to_string());
            let schema = self.deref(member.into(), &at)?;
            let SchemaKind::Type(Type::String(t)) = &schema.schema_kind else { return None };
            if t.enumeration.is_empty() {
                // Only a plain string: a format or pattern says more.
                let plain = t.format == VariantOrUnknownOrEmpty::Empty && t.pattern.is_none();
                if !plain || open {
                    return None;
                }
                open = true;
            } else {
                values.extend(t.enumeration.iter().flatten().cloned());
            }
        }
        (open && !values.is_empty()).then_some(values)
    }

    /// The one value a union member allows its discriminator `property`
    /// (a `const`, or a one-value string `enum`), through `allOf` and
    /// references; `None` when it allows more, or says nothing.
    fn tag_value(
        &mut self,
        member: SchemaRef<'a>,
        property: &str,
        pointer: &str,
    ) -> Option<String> {
        let mut parts = ObjectParts::default();
        let mut scalar = None;
        self.collect_object(member, &mut parts, &mut scalar, pointer, &mut BTreeSet::new());
        let (_, schema) = parts.properties.iter().rev().find(|(wire, _)| *wire == property)?;
        let schema = self.deref(*schema, pointer)?;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(t)) => match t.enumeration.as_slice() {
                [Some(one)] => Some(one.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    fn define_enum(
        &mut self,
        naming: Naming,
        data: &SchemaData,
        pointer: &str,
        repr: EnumRepr,
        values: Vec<String>,
    ) -> TypeRef {
        let name = self.claim(naming);
        let mut names = NameSet::with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let variants = values
            .into_iter()
            .filter(|v| seen.insert(v.clone()))
            .map(|wire| {
                let label = match repr {
                    EnumRepr::Integer => match wire.strip_prefix('-') {
                        Some(n) => format!("Minus{n}"),
                        None => format!("V{wire}"),
                    },
                    EnumRepr::String => naming::variant_name(&wire),
                };
                Variant { name: names.claim(label), wire }
            })
            .collect();
        let constant = data.extensions.contains_key(crate::load::CONST);
        let kind = TypeKind::Enum(Enum { repr, variants, constant });
        self.insert(name.clone(), Some(data), pointer, kind);
        TypeRef::Named(name)
    }

    fn claim(&mut self, naming: Naming) -> String {
        match naming {
            Naming::Given(name) => name,
            Naming::Hint(hint) => self.type_names.claim(naming::type_name(&hint)),
        }
    }

    fn insert(&mut self, name: String, data: Option<&SchemaData>, pointer: &str, kind: TypeKind) {
        let def = TypeDef {
            name: name.clone(),
            description: data.and_then(|d| d.description.clone().or_else(|| d.title.clone())),
            origin: self.sources.origin(pointer),
            deprecated: data.is_some_and(|d| d.deprecated),
            kind,
        };
        self.types.insert(name, def);
    }
}

/// Rust names for a list of wire names, collision-free. A wire name that is
/// already a Rust name keeps it; the others yield on collision (`userId`
/// becomes `user_id2` when `user_id` is also a property).
pub(super) fn field_names<'w>(wires: impl Iterator<Item = &'w str>) -> Vec<String> {
    let wanted: Vec<(String, bool)> = wires
        .map(|w| {
            let name = naming::field_name(w);
            let exact = naming::bare(&name) == w;
            (name, exact)
        })
        .collect();
    let mut names = NameSet::default();
    let mut out = vec![String::new(); wanted.len()];
    for pass in [true, false] {
        for (i, (name, exact)) in wanted.iter().enumerate() {
            if *exact == pass {
                out[i] = names.claim(name.clone());
            }
        }
    }
    out
}

/// What kind of named type lowering `s` defines, if any (rather than naming
/// a primitive, list or map).
enum Defines {
    Enum,
    Composite,
}

fn defines_type(s: &Schema) -> Option<Defines> {
    let composite = |yes: bool| yes.then_some(Defines::Composite);
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => (!t.enumeration.is_empty()).then_some(Defines::Enum),
        SchemaKind::Type(Type::Integer(t)) => (!t.enumeration.is_empty()).then_some(Defines::Enum),
        SchemaKind::Type(Type::Object(o)) => composite(!o.properties.is_empty()),
        SchemaKind::AllOf { all_of: v }
        | SchemaKind::OneOf { one_of: v }
        | SchemaKind::AnyOf { any_of: v } => composite(v.len() > 1),
        SchemaKind::Any(a) if !a.enumeration.is_empty() => Some(Defines::Enum),
        SchemaKind::Any(a) => composite(
            !a.properties.is_empty()
                || !a.one_of.is_empty()
                || !a.any_of.is_empty()
                || !a.all_of.is_empty(),
        ),
        _ => None,
    }
}

trait Normalized {
    fn normalized(self) -> Self;
}

impl Normalized for VariantOrUnknownOrEmpty<StringFormat> {
    /// Re-reads an unknown format in case it is a known one.
    fn normalized(self) -> Self {
        match self {
            VariantOrUnknownOrEmpty::Unknown(s) => match s.parse() {
                Ok(f) => VariantOrUnknownOrEmpty::Item(f),
                Err(()) => VariantOrUnknownOrEmpty::Unknown(s),
            },
            other => other,
        }
    }
}

/// A string format as the spec spells it.
fn string_format_name(format: &StringFormat) -> &'static str {
    match format {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => TypeRef::Uuid,
        // `byte` stays base64 text and `binary` only matters for bodies,
        // which are lowered by media type rather than schema.
        _ => TypeRef::String,
    }
}

fn integer_type(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::Integer(IntWidth::I32),
        _ => TypeRef::Integer(IntWidth::I64),
    }
}

impl TypeRef {
    /// The type with `null` items as plain ones, for text (a query string,
    /// a header), which has no `null` to carry.
    pub(super) fn without_null_items(self) -> TypeRef {
        match self {
            TypeRef::List(inner) => TypeRef::List(Box::new(inner.without_null_items())),
            TypeRef::Nullable(inner) => inner.without_null_items(),
            other => other,
        }
    }

    /// A short name for a variant holding this type.
    fn label(&self) -> String {
        match self {
            TypeRef::String => "String".into(),
            TypeRef::Integer(_) => "Integer".into(),
            TypeRef::Float(_) => "Number".into(),
            TypeRef::Boolean => "Boolean".into(),
            TypeRef::DateTime => "DateTime".into(),
            TypeRef::Date => "Date".into(),
            TypeRef::Uuid => "Uuid".into(),
            TypeRef::Json => "Value".into(),
            TypeRef::JsonObject => "Object".into(),
            TypeRef::List(inner) => format!("{}List", inner.label()),
            TypeRef::Map(inner) => format!("{}Map", inner.label()),
            TypeRef::Nullable(inner) => inner.label(),
            TypeRef::Named(n) => n.clone(),
            // `rust_decimal::Decimal` is a `Decimal`.
            TypeRef::External(e) => {
                let last = e.path.split('<').next().unwrap_or(&e.path);
                naming::type_name(last.rsplit("::").next().unwrap_or(last))
            }
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The type the settings put in place of a scalar's `format`, if any
    /// (an enum stays an enum: its values are the point).
    fn format_override(&self, kind: &SchemaKind) -> Option<TypeRef> {
        let formats = &self.overrides.formats;
        if formats.is_empty() {
            return None;
        }
        let format = match kind {
            SchemaKind::Type(Type::String(t)) if t.enumeration.is_empty() => match &t.format {
                VariantOrUnknownOrEmpty::Item(f) => string_format_name(f).to_string(),
                VariantOrUnknownOrEmpty::Unknown(f) => f.clone(),
                VariantOrUnknownOrEmpty::Empty => return None,
            },
            SchemaKind::Type(Type::Integer(t)) if t.enumeration.is_empty() => match &t.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => "int32".into(),
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => "int64".into(),
                VariantOrUnknownOrEmpty::Unknown(f) => f.clone(),
                VariantOrUnknownOrEmpty::Empty => return None,
            },
            SchemaKind::Type(Type::Number(t)) if t.enumeration.is_empty() => match &t.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => "float".into(),
                VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => "double".into(),
                VariantOrUnknownOrEmpty::Unknown(f) => f.clone(),
                VariantOrUnknownOrEmpty::Empty => return None,
            },
            SchemaKind::Any(a) if a.enumeration.is_empty() => a.format.clone()?,
            _ => return None,
        };
        formats.get(&format).cloned()
    }

    /// [`facts`] of the schema used at `pointer`, saying where a pattern
    /// cannot be checked. A referenced component's facts hold here too
    /// (its own place reports what cannot be checked), and so do those of
    /// a list's referenced item schema (twitter.com's ids: a list of a
    /// component with a pattern and an example).
    pub(super) fn facts(&mut self, schema: SchemaRef<'a>, pointer: &str) -> Facts {
        let mut found = match schema {
            SchemaRef::Item(s) => facts(s),
            SchemaRef::Ref(_) => self.quiet_deref(schema).map(facts).unwrap_or_default(),
        };
        if let (SchemaRef::Item(_), Some(pattern), false) =
            (schema, &found.pattern, found.pattern_checked)
        {
            self.warn(
                &join(pointer, "pattern"),
                format!("pattern `{pattern}` uses what the client's regex engine lacks (look-around, backreferences); values are sent unchecked"),
            );
        }
        let written = match schema {
            SchemaRef::Item(Schema { schema_kind: SchemaKind::Type(Type::String(t)), .. }) => {
                t.pattern.as_deref()
            }
            _ => None,
        };
        if let (Some(written), Some(read)) = (written, &found.pattern) {
            if written != read {
                self.warn(
                    &join(pointer, "pattern"),
                    format!("pattern `{written}` is a JavaScript regex literal, which no value matches as written; read as `{read}`"),
                );
            }
        }
        if found.items.is_none() {
            let items = match self.quiet_deref(schema).map(|s| &s.schema_kind) {
                Some(SchemaKind::Type(Type::Array(a))) => a.items.as_ref(),
                Some(SchemaKind::Any(a)) => a.items.as_ref(),
                _ => None,
            };
            let item = items.and_then(|i| self.quiet_deref(i.into())).map(facts);
            found.items = item.filter(|i| *i != Facts::default()).map(Box::new);
        }
        found
    }

    /// A union member's name from its `title`, else its `format` (or its
    /// items' `format`): `AssetId` for `{type: string, format: asset-id}`.
    /// The name an inline union member has of its own: its `title`, else
    /// its one value of the union's tag property (`system`), else its
    /// `const`.
    fn inline_label(
        &mut self,
        member: SchemaRef<'a>,
        tag: Option<&str>,
        pointer: &str,
    ) -> Option<String> {
        let schema = self.quiet_deref(member)?;
        if let Some(title) = &schema.schema_data.title {
            return Some(naming::variant_name(title));
        }
        if let Some(value) = tag.and_then(|t| self.tag_value(member, t, pointer)) {
            return Some(naming::variant_name(&value));
        }
        if schema.schema_data.extensions.contains_key(crate::load::CONST) {
            if let SchemaKind::Type(Type::String(t)) = &schema.schema_kind {
                if let [Some(one)] = t.enumeration.as_slice() {
                    return Some(naming::variant_name(one));
                }
            }
        }
        None
    }

    fn member_label(&mut self, member: SchemaRef<'a>, facts: &Facts) -> Option<String> {
        if let Some(title) = &self.quiet_deref(member)?.schema_data.title {
            return Some(naming::variant_name(title));
        }
        let items = facts.items.as_ref().and_then(|items| items.format.as_ref());
        match (&facts.format, items) {
            (Some(format), _) => Some(naming::variant_name(format)),
            (None, Some(format)) => Some(format!("{}List", naming::variant_name(format))),
            (None, None) => None,
        }
    }

    /// The schema a reference leads to, or `None`, reporting nothing: for
    /// a look at a schema whose lowering reports its references.
    pub(super) fn quiet_deref(&mut self, schema: SchemaRef<'a>) -> Option<&'a Schema> {
        let mut reference = match schema {
            SchemaRef::Item(s) => return Some(s),
            SchemaRef::Ref(r) => r,
        };
        for _ in 0..64 {
            match self.component_schema(reference)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }
}

/// A member type's name as a variant of the union `union`: without the
/// words the two names start with (`ChatCompletionRequestSystemMessage` in
/// `ChatCompletionRequestMessage` is `SystemMessage`); the whole name when
/// nothing, or everything, would be left.
fn without_shared_prefix(member: &str, union: &str) -> String {
    let words = |name: &str| -> Vec<usize> {
        // Where each word of an upper camel case name starts.
        name.char_indices()
            .filter(|(i, c)| *i == 0 || c.is_ascii_uppercase())
            .map(|(i, _)| i)
            .collect()
    };
    let (m, u) = (words(member), words(union));
    let mut shared = 0;
    for k in 1..=m.len().min(u.len()) {
        let end_m = m.get(k).copied().unwrap_or(member.len());
        let end_u = u.get(k).copied().unwrap_or(union.len());
        if member[..end_m] != union[..end_u] {
            break;
        }
        shared = end_m;
    }
    let rest = &member[shared..];
    if shared == 0 || rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        member.to_string()
    } else {
        rest.to_string()
    }
}

/// Why an enum of values that are not all strings is any JSON value:
/// they mix kinds, or are all of a kind other than the declared `type`
/// (`{type: string, enum: [10, 20, 30]}`, which no value satisfies).
fn mistyped_enum(values: &[serde_json::Value], typ: Option<&str>) -> String {
    let kind = |v: &serde_json::Value| match v {
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
        serde_json::Value::Null => "null",
    };
    let kinds: BTreeSet<&str> = values.iter().filter(|v| !v.is_null()).map(kind).collect();
    match (kinds.iter().next(), kinds.len(), typ) {
        (Some(one), 1, Some(declared)) => format!(
            "enum values are all of type {one}, but the schema's `type` is {declared}: no value is both; using `serde_json::Value`"
        ),
        (Some(one), 1, None) => format!(
            "enum values are of type {one} and the schema gives no `type`; using `serde_json::Value`"
        ),
        _ => "enum values of mixed types; using `serde_json::Value`".to_string(),
    }
}

/// Why some values of a `type: string` enum are left out of its Rust enum.
fn not_of_declared_type(values: &[serde_json::Value]) -> String {
    let others: Vec<String> =
        values.iter().filter(|v| !v.is_string() && !v.is_null()).map(|v| v.to_string()).collect();
    let (values, are, them) = match others.as_slice() {
        [one] => (format!("value {one}"), "is not a string", "it is"),
        _ => (format!("values {}", others.join(", ")), "are not strings", "they are"),
    };
    format!(
        "enum {values} {are}, but the schema's `type` is string: no value is both, so {them} left out of the enum"
    )
}

/// The regex of a pattern written as a JavaScript regex literal
/// (`/^[0-9]{5}$/i`, sinao.app), its flags inline (`(?i)^[0-9]{5}$`). Only
/// a literal no value can match as written is read so: its anchor stands
/// right after the opening `/` or right before the closing one, where
/// ECMA-262 (which JSON Schema's `pattern` follows) can never satisfy it.
pub fn js_regex_literal(pattern: &str) -> Option<String> {
    let (body, flags) = pattern.strip_prefix('/')?.rsplit_once('/')?;
    let anchored = body.starts_with('^') || (body.ends_with('$') && !body.ends_with("\\$"));
    if !anchored || !flags.chars().all(|c| "dgimsuvy".contains(c)) {
        return None;
    }
    // `g`, `y`, `d` change how JavaScript iterates matches, `u`/`v` how it
    // reads the text; only these three change what matches.
    let inline: String = flags.chars().filter(|c| "ims".contains(*c)).collect();
    Some(if inline.is_empty() { body.to_string() } else { format!("(?{inline}){body}") })
}

/// Documentation-worthy facts of an inline schema.
pub(super) fn facts(s: &Schema) -> Facts {
    let data = &s.schema_data;
    let json = |v: &serde_json::Value| v.to_string();
    let mut f = Facts {
        default: data.default.as_ref().map(json),
        example: data.example.as_ref().map(json),
        ..Facts::default()
    };
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            f.min_length = t.min_length;
            f.max_length = t.max_length;
            f.pattern = t.pattern.as_deref().map(|p| js_regex_literal(p).unwrap_or(p.to_string()));
            f.pattern_checked =
                f.pattern.as_deref().is_some_and(|p| regex_lite::Regex::new(p).is_ok());
            f.format = match &t.format {
                // As the spec spells it (`date-time`), not as the enum does.
                VariantOrUnknownOrEmpty::Item(x) => Some(string_format_name(x).to_string()),
                VariantOrUnknownOrEmpty::Unknown(x) => Some(x.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
        }
        SchemaKind::Type(Type::Integer(t)) => {
            f.minimum = t.minimum.map(|n| n.to_string());
            f.maximum = t.maximum.map(|n| n.to_string());
            f.exclusive_minimum = t.exclusive_minimum;
            f.exclusive_maximum = t.exclusive_maximum;
        }
        SchemaKind::Type(Type::Number(t)) => {
            f.minimum = t.minimum.map(number);
            f.maximum = t.maximum.map(number);
            f.exclusive_minimum = t.exclusive_minimum;
            f.exclusive_maximum = t.exclusive_maximum;
        }
        SchemaKind::Type(Type::Array(t)) => {
            f.min_items = t.min_items;
            f.max_items = t.max_items;
            f.unique_items = t.unique_items;
            let item = t.items.as_ref().and_then(|i| i.as_item()).map(|item| facts(item));
            f.items = item.filter(|i| *i != Facts::default()).map(Box::new);
        }
        _ => {}
    }
    f
}

/// Whole-model passes once every type exists: box fields that would make a
/// type infinitely large, and decide which structs can derive `Default`.
pub(super) fn finish(types: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> =
        types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    // Edges stored inline (not behind a Vec or map), which are what make size.
    let direct: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let named = |ty: &TypeRef| match ty {
                TypeRef::Named(n) => index.get(n).copied(),
                _ => None,
            };
            match &t.kind {
                TypeKind::Struct(s) => s.fields.iter().filter_map(|f| named(&f.ty)).collect(),
                TypeKind::Union(u) => u.variants.iter().filter_map(|v| named(&v.ty)).collect(),
                TypeKind::Tuple(items) => items.iter().filter_map(|v| named(&v.ty)).collect(),
                TypeKind::Alias(ty) => named(ty).into_iter().collect(),
                TypeKind::Enum(_) => Vec::new(),
            }
        })
        .collect();
    let reaches = |from: usize, to: usize| {
        let mut stack = vec![from];
        let mut seen = vec![false; direct.len()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if !std::mem::replace(&mut seen[n], true) {
                stack.extend(&direct[n]);
            }
        }
        false
    };
    let mut boxes = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let target = |ty: &TypeRef| match ty {
            TypeRef::Named(n) => index.get(n).copied(),
            _ => None,
        };
        match &t.kind {
            TypeKind::Struct(s) => {
                for (j, f) in s.fields.iter().enumerate() {
                    if target(&f.ty).is_some_and(|to| reaches(to, i)) {
                        boxes.push((i, j));
                    }
                }
            }
            TypeKind::Union(u) => {
                for (j, v) in u.variants.iter().enumerate() {
                    if target(&v.ty).is_some_and(|to| reaches(to, i)) {
                        boxes.push((i, j));
                    }
                }
            }
            TypeKind::Tuple(items) => {
                for (j, v) in items.iter().enumerate() {
                    if target(&v.ty).is_some_and(|to| reaches(to, i)) {
                        boxes.push((i, j));
                    }
                }
            }
            _ => {}
        }
    }
    for (i, j) in boxes {
        match &mut types[i].kind {
            TypeKind::Struct(s) => s.fields[j].boxed = true,
            TypeKind::Union(u) => u.variants[j].boxed = true,
            TypeKind::Tuple(items) => items[j].boxed = true,
            _ => {}
        }
    }
    // Only an all-optional struct has an honest empty value: a `Default`
    // that filled a required field with `0` or `""` made values the spec
    // forbids (a priority of 0 where 1 is the least).
    for t in types.iter_mut() {
        if let TypeKind::Struct(s) = &mut t.kind {
            s.derive_default = s.fields.iter().all(Field::optional);
        }
    }
    fix_tags(types, &index);
    mark_checked(types, &index);
}

/// A discriminated union's member whose tag property allows one value
/// (`role: {enum: [system]}`) sets it itself, as a `const` does: `new()`
/// fills it in and asks nothing, so a system message cannot be built with
/// the tag of a user message.
fn fix_tags(types: &mut [TypeDef], index: &BTreeMap<String, usize>) {
    let mut tags = Vec::new();
    for t in types.iter() {
        let TypeKind::Union(u) = &t.kind else { continue };
        let Some(d) = &u.discriminator else { continue };
        for (wire, i) in &d.mapping[..d.exact] {
            let Some(TypeRef::Named(member)) = u.variants.get(*i).map(|v| &v.ty) else { continue };
            let Some(&m) = index.get(member) else { continue };
            let TypeKind::Struct(s) = &types[m].kind else { continue };
            if let Some(TypeRef::Named(tag)) = s.field(&d.property).map(|f| &f.ty) {
                tags.extend(index.get(tag).map(|&j| (j, wire.clone())));
            }
        }
    }
    for (j, wire) in tags {
        if let TypeKind::Enum(e) = &mut types[j].kind {
            if matches!(e.variants.as_slice(), [only] if only.wire == wire) {
                e.constant = true;
            }
        }
    }
}

/// Whether the client checks a field's own value (its bounds, length,
/// pattern, items), as [`crate::ir::checks`] decides for every emitter.
fn bounded<'a>(
    f: &'a crate::ir::Field,
    types: &'a [TypeDef],
    index: &BTreeMap<String, usize>,
) -> bool {
    let alias = |name: &str| match &types[*index.get(name)?].kind {
        TypeKind::Alias(inner) => Some(inner),
        _ => None,
    };
    !crate::ir::checks(&f.ty, &f.facts, &alias).is_empty()
}

/// Least fixpoint: a struct is checked when it has a presence rule or one
/// of its fields is bounded, or it holds (directly, or in a list) a checked
/// struct. (Values of maps are not walked.)
fn mark_checked(types: &mut [TypeDef], index: &BTreeMap<String, usize>) {
    loop {
        let mut changed = Vec::new();
        for (i, t) in types.iter().enumerate() {
            let TypeKind::Struct(s) = &t.kind else { continue };
            if s.checked {
                continue;
            }
            let holds_checked = |ty: &TypeRef| {
                let inner = match ty {
                    TypeRef::List(inner) => match inner.as_ref() {
                        TypeRef::Nullable(item) => item.as_ref(),
                        item => item,
                    },
                    other => other,
                };
                let TypeRef::Named(n) = inner else { return false };
                index
                    .get(n)
                    .is_some_and(|&j| matches!(&types[j].kind, TypeKind::Struct(s) if s.checked))
            };
            let bounded = |f| bounded(f, types, index);
            if s.presence.is_some() || s.fields.iter().any(|f| bounded(f) || holds_checked(&f.ty)) {
                changed.push(i);
            }
        }
        if changed.is_empty() {
            return;
        }
        for i in changed {
            if let TypeKind::Struct(s) = &mut types[i].kind {
                s.checked = true;
            }
        }
    }
}
