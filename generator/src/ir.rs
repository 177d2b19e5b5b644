//! The intermediate model: what the client must do, in plain Rust data.
//!
//! Lowering fills it from an OpenAPI document; emitting turns it into code. It
//! knows nothing of YAML, `openapiv3` or tokens. Names in it are final Rust
//! identifiers (made by [`crate::naming`]); wire names sit beside them. Every
//! list is in a deterministic order, so output is byte-identical across runs.

use std::collections::BTreeSet;

/// A whole API: what one generated crate holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    /// A one-line summary of the API (OpenAPI 3.1).
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The license the API is offered under.
    pub license: Option<License>,
    /// `servers[0].url` with variables replaced by their defaults; empty when
    /// the spec names no server (the caller must then set one).
    pub base_url: String,
    pub security_schemes: Vec<SecurityScheme>,
    /// Operation groups, one per tag, sorted by module name.
    pub groups: Vec<Group>,
    /// Requests the API sends to its users (OpenAPI 3.1), in spec order.
    pub webhooks: Vec<Webhook>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Crates the spec's own `x-rust-type`s come from: name and version
    /// requirement as TOML (`"1"`), sorted.
    pub dependencies: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct License {
    pub name: String,
    /// An SPDX expression (`Apache-2.0`).
    pub identifier: Option<String>,
    pub url: Option<String>,
}

/// A request the API sends (to a URL its user registered): the client
/// receives it, so what matters is the payload type to decode it into.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// The webhook's name as written in the spec.
    pub name: String,
    pub method: Method,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The request body the API sends, if it documents one.
    pub payload: Option<ResponseBody>,
}

/// Operations sharing a tag: one module and one accessor on the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The tag as written in the spec.
    pub tag: String,
    pub description: Option<String>,
    /// Module and accessor name, `snake_case`.
    pub module: String,
    /// Name of the struct the accessor returns, `UpperCamelCase`.
    pub type_name: String,
    /// Sorted by function name.
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId` as written, or the one derived from method and path.
    pub id: String,
    /// Method on the group struct, `snake_case`.
    pub fn_name: String,
    /// Per-call builder struct, `UpperCamelCase`.
    pub builder_name: String,
    /// Error enum for documented non-success statuses.
    pub error_name: String,
    pub method: Method,
    /// The path template as written (`/users/{user_id}`).
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Parameters in call order: required ones first (path parameters in
    /// template order, then the rest in spec order), then optional ones.
    pub params: Vec<Parameter>,
    pub body: Option<RequestBody>,
    /// What a success status yields.
    pub success: Success,
    /// Documented non-success statuses, in the order they are matched.
    pub errors: Vec<Response>,
    /// Alternatives: the request is authorised by any one entry, each entry
    /// needing all the schemes it lists (indices into `Api::security_schemes`).
    /// Empty means no authentication.
    pub security: Vec<Vec<usize>>,
    /// How to walk every page, when the operation pages.
    pub pagination: Option<Pagination>,
    /// A success response that is items over time (server-sent events,
    /// JSON Lines): read by `send_stream()`, beside `send()`.
    pub stream: Option<ItemStream>,
    /// An `Authorization` header the spec declares as a parameter. OpenAPI
    /// ignores such a parameter (security schemes set that header), so no
    /// argument carries it; the docs say how to send it.
    pub authorization_parameter: Option<DeclaredHeader>,
}

/// A header parameter the spec declares but OpenAPI ignores.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredHeader {
    pub required: bool,
    /// The parameter's example or default, when it has one as text.
    pub example: Option<String>,
}

/// A success response whose body is a sequence of items, each handed out
/// as it arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStream {
    /// The media type asked for (`text/event-stream`, `application/jsonl`).
    pub media_type: String,
    pub framing: Framing,
    /// What one item is: for events, what their `data` holds.
    pub item: StreamItem,
    /// The request body's boolean property that switches the stream on
    /// (the LLM APIs' `stream`): `send_stream()` sets it, `send()` clears
    /// it, so what is asked and what is read never disagree.
    pub switch: Option<FieldAccess>,
    /// How the item's type was read from the spec, for the docs.
    pub how: String,
}

/// How a streamed body is cut into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`: server-sent events.
    Events,
    /// `application/jsonl`, `application/x-ndjson`: a JSON text per line.
    Lines,
    /// `application/json-seq` (RFC 7464).
    Sequence,
}

/// What one streamed item decodes into.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamItem {
    Json(TypeRef),
    /// Text as it came (an event's data without a schema, or a string).
    Text,
}

/// A list operation that pages: where its items are, and how the next
/// page is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The success body's field holding the page's items; `None` when the
    /// body is the list itself.
    pub items_field: Option<FieldAccess>,
    /// The items' type.
    pub item: TypeRef,
    pub next: PageStep,
    /// How it was recognised, for the docs.
    pub how: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageStep {
    /// The response's `field` (text, reached through the path's fields:
    /// Slack's `response_metadata.next_cursor`) goes into the request's
    /// `param` (an index into `Operation::params`); an absent or empty one
    /// ends.
    Cursor { param: usize, field: Vec<FieldAccess> },
    /// The response body names the next page's URL (Azure's `nextLink`,
    /// OData's `@odata.nextLink`, HAL's `_links.next.href`, JSON:API's
    /// `links.next`), fetched as it is, as a `Link` header's.
    BodyLink { field: Vec<FieldAccess> },
    /// The `param` (a number) advances by the items received.
    Offset { param: usize },
    /// While the response's `has_more` is true, the last item's `id` goes
    /// into the request's `param` (Stripe's `starting_after`).
    AfterLast { param: usize, has_more: FieldAccess, id: FieldAccess },
    /// The `param` (a number) advances by one, from `first`.
    Page { param: usize, first: i64 },
    /// The response's `Link` header names the next page (`rel="next"`, as
    /// RFC 8288 says), which is fetched as it is.
    Link,
}

/// A struct's field as code outside the struct reads it: its Rust name,
/// and what holds its value there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldAccess {
    pub rust_name: String,
    pub holder: Holder,
}

impl FieldAccess {
    pub fn of(field: &Field) -> Self {
        Self { rust_name: field.rust_name.clone(), holder: field.holder() }
    }
}

/// What holds a field's value in its struct, which decides how code reads
/// it: every reader of a model's field goes by this, never by guessing
/// from `required` alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// The value itself (`T`, or `Box<T>` for a boxed field).
    Plain,
    /// `Option<T>`.
    Option,
    /// `Nullable<T>`: absent, `null` or a value.
    Nullable,
}

/// The id of an operation the spec gives none, from its method and path:
/// `get /users/{id}/roles` → `get_users_id_roles`.
pub fn derived_operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for word in path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        id.push('_');
        id.push_str(word);
    }
    id
}

/// A path template with its variables' names left out (`/a/{}`): what a
/// server routes by, so two templates of one shape are one route.
pub fn route_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                shape.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => shape.push(c),
        }
    }
    shape
}

impl Operation {
    /// Every type the operation sends or receives: parameters, the request
    /// body and each response body (JSON and form bodies; text and bytes
    /// have no schema type).
    pub fn type_refs(&self) -> impl Iterator<Item = &TypeRef> {
        let responses = self.success.responses.iter().chain(&self.errors);
        let bodies = self
            .body
            .iter()
            .flat_map(RequestBody::kinds)
            .chain(responses.clone().filter_map(|r| r.body.as_ref().map(|b| &b.kind)));
        let body_types = bodies.flat_map(BodyKind::type_refs);
        let header_types = responses.flat_map(|r| &r.headers).map(|h| &h.ty);
        let stream = self.stream.iter().filter_map(|s| match &s.item {
            StreamItem::Json(t) => Some(t),
            StreamItem::Text => None,
        });
        self.params.iter().map(|p| &p.ty).chain(body_types).chain(header_types).chain(stream)
    }

    /// Whether some way of authorising this operation needs credentials
    /// (`security: [{}]` and `security: []` need none).
    pub fn uses_credentials(&self) -> bool {
        self.security.iter().any(|alternative| !alternative.is_empty())
    }

    /// Whether the spec documents a redirect status (`302`, `3XX`) as an
    /// answer of this operation: the caller then gets it, not where it
    /// leads. `default` does not count.
    pub fn documents_redirects(&self) -> bool {
        self.success.responses.iter().chain(&self.errors).any(|r| match r.status {
            StatusMatch::Code(code) => (300..400).contains(&code),
            StatusMatch::Range(class) => class == 3,
            StatusMatch::Default => false,
        })
    }
}

/// One piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// Index into `Operation::params`.
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How a query array or object is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `a=1&a=2` when exploded, `a=1,2` otherwise.
    Form {
        explode: bool,
    },
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub style: QueryStyle,
    pub description: Option<String>,
    pub deprecated: bool,
    pub facts: Facts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// Name of the argument or setter carrying the body.
    pub rust_name: String,
    pub required: bool,
    pub media_type: String,
    pub kind: BodyKind,
    pub description: Option<String>,
    /// Facts of the preferred media type's schema itself (a body that is
    /// one string with a `format`, say).
    pub facts: Facts,
    /// When the spec accepts several media types, the caller picks one: the
    /// body is then an enum with a variant per media type, `media_type` and
    /// `kind` (the preferred one) first.
    pub choice: Option<BodyChoice>,
}

impl RequestBody {
    /// Every way the body may be encoded: the preferred one, then the rest.
    pub fn kinds(&self) -> impl Iterator<Item = &BodyKind> {
        let others = self.choice.iter().flat_map(|c| c.variants.iter().skip(1));
        std::iter::once(&self.kind).chain(others.map(|v| &v.kind))
    }
}

/// A request body offered in several media types.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyChoice {
    /// Name of the enum, `UpperCamelCase`.
    pub name: String,
    /// In preference order.
    pub variants: Vec<BodyVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BodyVariant {
    /// `Json`, `Xml`, `Form`, ….
    pub name: String,
    pub media_type: String,
    pub kind: BodyKind,
}

/// How a body is encoded or decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// `application/json` and `*/*+json`, through serde.
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`, through serde.
    Form(TypeRef),
    /// `text/*`, as a `String`.
    Text,
    /// Anything else, as raw bytes (or a stream of them).
    Bytes,
    /// `multipart/form-data` request bodies: one part per property.
    Multipart(Multipart),
    /// A request body of JSON texts sent one by one as they are produced
    /// (JSON Lines, JSON text sequences; a 3.2 `itemSchema`).
    Items { framing: Framing, item: TypeRef },
}

impl BodyKind {
    /// The schema types a body of this kind is made of (text and bytes
    /// have none; a multipart form has its parts').
    pub fn type_refs(&self) -> Vec<&TypeRef> {
        match self {
            BodyKind::Json(t) | BodyKind::Form(t) | BodyKind::Items { item: t, .. } => vec![t],
            BodyKind::Multipart(form) => form.parts.iter().filter_map(Part::type_ref).collect(),
            BodyKind::Text | BodyKind::Bytes => Vec::new(),
        }
    }

    /// Whether a request body of this kind may come from a stream (raw
    /// bytes, multipart files, items), which cannot be cloned or replayed.
    pub fn takes_stream(&self) -> bool {
        matches!(self, BodyKind::Bytes | BodyKind::Multipart(_) | BodyKind::Items { .. })
    }
}

/// A `multipart/form-data` body: a struct with a field per part.
#[derive(Debug, Clone, PartialEq)]
pub struct Multipart {
    /// Name of the struct, `UpperCamelCase`.
    pub name: String,
    /// In spec order.
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub wire_name: String,
    pub rust_name: String,
    pub required: bool,
    /// An array property: the part repeats once per item.
    pub repeated: bool,
    pub kind: PartKind,
    /// The `encoding.contentType` the spec sets for this part.
    pub content_type: Option<String>,
    pub description: Option<String>,
}

impl Part {
    /// The schema type of a text or JSON part (files have none).
    pub fn type_ref(&self) -> Option<&TypeRef> {
        match &self.kind {
            PartKind::File => None,
            PartKind::Text(t) | PartKind::Json(t) => Some(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartKind {
    /// `format: binary` (or `base64`): a file, from bytes or a stream.
    File,
    /// A scalar written as text.
    Text(TypeRef),
    /// Anything structured, written as JSON.
    Json(TypeRef),
}

/// Which statuses a response entry matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusMatch,
    /// Variant name in the success or error enum (`NotFound`, `Status418`).
    pub variant: String,
    pub description: String,
    /// `None` when the response documents no body.
    pub body: Option<ResponseBody>,
    /// Documented response headers, in spec order.
    pub headers: Vec<ResponseHeader>,
    /// Struct holding the typed headers, when there are any.
    pub headers_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseBody {
    pub media_type: String,
    pub kind: BodyKind,
}

/// What a success status yields.
#[derive(Debug, Clone, PartialEq)]
pub struct Success {
    /// Documented success statuses, exact codes before ranges before
    /// `default`.
    pub responses: Vec<Response>,
    pub shape: SuccessShape,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SuccessShape {
    /// Every success status has the same body (or none): `send()` returns it
    /// directly, `()` for none, `Option<T>` when only some statuses have it.
    Single { body: Option<BodyKind>, optional: bool },
    /// Success statuses with different bodies: an enum, one variant each.
    Variants { name: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SecurityKind {
    /// `Authorization: Bearer …` (http bearer, and OAuth2/OpenID Connect,
    /// whose access tokens travel the same way).
    Bearer,
    /// `Authorization: Basic …`.
    Basic,
    ApiKey {
        location: ParamLocation,
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Name in `components.securitySchemes`.
    pub name: String,
    /// Field and setter stem, `snake_case`.
    pub rust_name: String,
    /// `UpperCamelCase` variant naming the scheme.
    pub variant: String,
    /// The `ClientBuilder` method that sets this scheme's credentials
    /// (`bearer_token` when it is the only bearer scheme).
    pub setter: String,
    pub kind: SecurityKind,
    pub description: Option<String>,
}

/// A reference to a type, as used in fields, parameters and bodies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Integer(IntWidth),
    Float(FloatWidth),
    Boolean,
    DateTime,
    Date,
    Uuid,
    /// Any JSON value: empty schemas and what cannot be expressed exactly.
    Json,
    /// A JSON object with no declared properties.
    JsonObject,
    List(Box<TypeRef>),
    /// Object keyed by strings.
    Map(Box<TypeRef>),
    /// A list item or map value that may be `null` (`Option<T>`). A field
    /// says so with [`Field::nullable`] instead, and a union with its
    /// `Null` variant.
    Nullable(Box<TypeRef>),
    /// A [`TypeDef`] by name.
    Named(String),
    /// A type the settings put in place of the one the spec describes
    /// (`rust_decimal::Decimal` for `format: decimal`).
    External(External),
}

impl TypeRef {
    /// The type the generator has its own name for, given as a Rust path
    /// (`String`, `uuid::Uuid`, `chrono::NaiveDate`): put in place of a
    /// schema, it is that type, with the dependency the crate already
    /// manages (serde features and all).
    pub fn own(path: &str) -> Option<TypeRef> {
        Some(match path.replace(' ', "").as_str() {
            "String" => TypeRef::String,
            "i32" => TypeRef::Integer(IntWidth::I32),
            "i64" => TypeRef::Integer(IntWidth::I64),
            "f32" => TypeRef::Float(FloatWidth::F32),
            "f64" => TypeRef::Float(FloatWidth::F64),
            "bool" => TypeRef::Boolean,
            "serde_json::Value" => TypeRef::Json,
            "chrono::DateTime<chrono::Utc>" => TypeRef::DateTime,
            "chrono::NaiveDate" => TypeRef::Date,
            "uuid::Uuid" => TypeRef::Uuid,
            _ => return None,
        })
    }
}

/// A Rust type from outside the generated crate, by path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct External {
    /// `rust_decimal::Decimal`, `time::OffsetDateTime`.
    pub path: String,
    /// A serde `with` module that reads and writes it as the spec says
    /// (`time::serde::rfc3339`), when its own serde impls do not.
    pub serde_with: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IntWidth {
    I32,
    I64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FloatWidth {
    F32,
    F64,
}

/// Schema facts worth documenting next to a field or parameter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The default as JSON text (`500`, `"forwards"`).
    pub default: Option<String>,
    pub example: Option<String>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub minimum: Option<String>,
    pub maximum: Option<String>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// Whether the client checks `pattern` before sending: it compiled
    /// with the engine generated crates use (a few ECMA-262 features, such
    /// as look-around, do not).
    pub pattern_checked: bool,
    pub format: Option<String>,
    /// A list's inline item schema's own facts (a list of emails, say), so
    /// that examples of the list are made of items the spec accepts.
    pub items: Option<Box<Facts>>,
}

/// A constraint the client checks on a value before sending it. What a
/// value is checked for is decided here, once: the emitters write their
/// checks from it and the runtime parts a crate carries are chosen from it,
/// so a check is never written without the code it calls.
#[derive(Debug, Clone, PartialEq)]
pub enum Check<'a> {
    /// `minimum`/`maximum` of a number (`f64` says whether the value is one
    /// already, or needs a cast).
    Range { facts: &'a Facts, f64: bool },
    /// `minLength`/`maxLength` of text.
    Length(&'a Facts),
    /// A `pattern` the client's engine can check, on text.
    Pattern(&'a str),
    /// `minItems`/`maxItems` of a list.
    Items(&'a Facts),
    /// `uniqueItems` of a list.
    Unique,
    /// Each item of a list, by its own schema's facts (twitter.com's ids,
    /// each with a pattern); never itself holds an `Each`.
    Each(Vec<Check<'a>>),
}

impl Check<'_> {
    /// Whether this check, or one inside it, is a pattern.
    pub fn has_pattern(&self) -> bool {
        match self {
            Check::Pattern(_) => true,
            Check::Each(inner) => inner.iter().any(Check::has_pattern),
            _ => false,
        }
    }
}

/// The checks a value of `ty` with the schema facts `facts` gets, a type
/// alias checked as what it names (`alias` resolves one). Constraints of
/// another kind than the value's (a `minimum` on a string) constrain
/// nothing and give none.
pub fn checks<'a>(
    ty: &'a TypeRef,
    facts: &'a Facts,
    alias: &dyn Fn(&str) -> Option<&'a TypeRef>,
) -> Vec<Check<'a>> {
    let mut out = Vec::new();
    match ty {
        TypeRef::Named(name) => {
            if let Some(inner) = alias(name) {
                return checks(inner, facts, alias);
            }
        }
        TypeRef::Integer(_) | TypeRef::Float(_)
            if facts.minimum.is_some() || facts.maximum.is_some() =>
        {
            out.push(Check::Range { facts, f64: *ty == TypeRef::Float(FloatWidth::F64) });
        }
        TypeRef::String => {
            if facts.min_length.is_some() || facts.max_length.is_some() {
                out.push(Check::Length(facts));
            }
            if let Some(pattern) = facts.pattern.as_deref().filter(|_| facts.pattern_checked) {
                out.push(Check::Pattern(pattern));
            }
        }
        TypeRef::List(item) => {
            if facts.min_items.is_some() || facts.max_items.is_some() {
                out.push(Check::Items(facts));
            }
            if facts.unique_items {
                out.push(Check::Unique);
            }
            // One level down: the items of a list of lists are not
            // checked (a name for `a[i][j]` would need a loop per level).
            if let Some(item_facts) = facts.items.as_deref() {
                let mut each = checks(item, item_facts, alias);
                each.retain(|c| !matches!(c, Check::Each(_)));
                if !each.is_empty() {
                    out.push(Check::Each(each));
                }
            }
        }
        _ => {}
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub description: Option<String>,
    /// JSON pointer of the schema this type came from.
    pub origin: String,
    pub deprecated: bool,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// A named schema that is just another type (`Roles` is a map).
    Alias(TypeRef),
    /// A JSON array of fixed length whose items have a type each
    /// (`prefixItems`): a tuple struct.
    Tuple(Vec<TupleItem>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TupleItem {
    pub ty: TypeRef,
    /// Break an infinite-size cycle with a `Box`.
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside declared properties: kept in a map.
    pub additional: Option<TypeRef>,
    /// Whether every field has a sensible empty value, so `Default` derives.
    pub derive_default: bool,
    /// Whether a value can break the spec's constraints (a bounded field
    /// here, or in a struct it holds): it is then checked before it is sent.
    pub checked: bool,
    /// Which properties must be present together, when the spec says so
    /// beside the properties rather than in `required`.
    pub presence: Option<Presence>,
}

impl Struct {
    /// The field for property `wire`.
    pub fn field(&self, wire: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire_name == wire)
    }
}

/// "At least one (or exactly one) of these sets of properties is present":
/// an `anyOf` (`oneOf`) beside an object's properties whose members only
/// list `required` properties (GitHub: `state` or `assignees`).
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    /// `oneOf`: exactly one set is complete; `anyOf`: at least one.
    pub exclusive: bool,
    /// Each alternative's properties, by wire name, in the spec's order.
    pub sets: Vec<Vec<String>>,
}

impl Presence {
    /// The set an example fills in: the first, the spec's own preference.
    pub fn chosen(&self) -> &[String] {
        self.sets.first().map(Vec::as_slice).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    /// Break an infinite-size cycle with a `Box`.
    pub boxed: bool,
    pub description: Option<String>,
    pub facts: Facts,
}

impl Field {
    /// Whether the Rust field is an `Option`: when the key may be absent
    /// (not required, or required on one side only: a required `readOnly`
    /// property is absent from requests, a required `writeOnly` one from
    /// responses) or the value may be null. One type serves both sides.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable || self.read_only || self.write_only
    }

    /// What holds the value in the struct.
    pub fn holder(&self) -> Holder {
        if self.absent_or_null() {
            Holder::Nullable
        } else if self.optional() {
            Holder::Option
        } else {
            Holder::Plain
        }
    }

    /// Whether a request must carry a value: `new()` asks for it.
    pub fn required_in_requests(&self) -> bool {
        self.required && !self.nullable && !self.read_only
    }

    /// Whether `None` leaves the key out (rather than writing `null`): for
    /// every `Option` but that of a required nullable property. A required
    /// write-only one is an `Option` because responses lack it, yet a
    /// request must carry it, as `null` if nothing else (apideck.com's
    /// `target_id`).
    pub fn skipped_when_none(&self) -> bool {
        !self.required || self.read_only || (self.write_only && !self.nullable)
    }

    /// Whether the property may be absent *and* may be `null`, three states
    /// a Rust `Option` cannot tell apart (a `Nullable` can).
    pub fn absent_or_null(&self) -> bool {
        !self.required && self.nullable
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub repr: EnumRepr,
    pub variants: Vec<Variant>,
    /// A `const` (OpenAPI 3.1): the one value there is, set for the caller.
    /// An `enum` of one value is not one: a later version may add values.
    pub constant: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    String,
    Integer,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    /// The value on the wire, as text (`"active"`, `"42"`).
    pub wire: String,
}

/// `oneOf`/`anyOf`: the first variant whose shape fits wins.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// Which variant a value is, read from a property, when the spec says.
    pub discriminator: Option<Discriminator>,
    /// The unit variant standing for `null`, when `null` is one of the
    /// values (`nullable`, or a `null` branch): so a list item or a
    /// variant can be `null` too, not only a property.
    pub null: Option<String>,
    /// The variant holding, as raw JSON, a value whose discriminator names
    /// no variant (one the server added later): kept and sent back as it
    /// came, as enums keep unknown values. Only with a discriminator.
    pub unknown: Option<String>,
}

/// `discriminator`: the property naming the variant, and which wire values
/// select which variant: the explicit `mapping`, then each member's own
/// one value of the property (a `const`, or a one-value `enum`: `role:
/// {enum: [system]}`), then the member's component name.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    pub property: String,
    /// Wire value and index into `Union::variants`, in spec order: the
    /// `mapping`'s entries and members' own values, matched exactly, then
    /// component names, which many specs write in another case (`circle`
    /// for `Circle`) and which are matched regardless of ASCII case.
    pub mapping: Vec<(String, usize)>,
    /// How many entries of `mapping`, from the start, are matched exactly.
    pub exact: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    pub boxed: bool,
    /// The member schema's own facts (format, pattern, example), so that
    /// an example of this variant is a value the member accepts.
    pub facts: Facts,
}

impl Api {
    /// The type called `name`, if any.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.binary_search_by(|t| t.name.as_str().cmp(name)).ok().map(|i| &self.types[i])
    }

    /// The checks a value of `ty` with `facts` gets before it is sent
    /// (see [`checks`]).
    pub fn checks<'a>(&'a self, ty: &'a TypeRef, facts: &'a Facts) -> Vec<Check<'a>> {
        checks(ty, facts, &|name| match &self.type_def(name)?.kind {
            TypeKind::Alias(inner) => Some(inner),
            _ => None,
        })
    }

    /// The security schemes some operation can use: the client has setters
    /// for these and no others (a setter nothing reads would be a lie, and
    /// dead code).
    pub fn credential_schemes(&self) -> Vec<&SecurityScheme> {
        let used: std::collections::BTreeSet<usize> =
            self.operations().flat_map(|o| o.security.iter().flatten().copied()).collect();
        used.into_iter().filter_map(|i| self.security_schemes.get(i)).collect()
    }

    /// The security scheme most operations can be authorised by (the first
    /// in spec order among equals): what a front-page example sets up.
    pub fn main_credential(&self) -> Option<&SecurityScheme> {
        let mut uses = vec![0usize; self.security_schemes.len()];
        for op in self.operations() {
            let schemes: BTreeSet<usize> = op.security.iter().flatten().copied().collect();
            for i in schemes {
                if let Some(n) = uses.get_mut(i) {
                    *n += 1;
                }
            }
        }
        let (best, n) =
            uses.iter().enumerate().max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))?;
        (*n > 0).then(|| &self.security_schemes[best])
    }

    /// The one value a type allows, when it is a `const`: the enum's name
    /// and its variant.
    pub fn constant<'s>(&'s self, ty: &'s TypeRef) -> Option<(&'s str, &'s Variant)> {
        let TypeRef::Named(name) = ty else { return None };
        match &self.type_def(name)?.kind {
            TypeKind::Enum(e) if e.constant && e.variants.len() == 1 => {
                Some((name, &e.variants[0]))
            }
            TypeKind::Alias(inner) => self.constant(inner),
            _ => None,
        }
    }

    /// The webhooks whose payload is the named type `name`.
    pub fn webhooks_sending(&self, name: &str) -> impl Iterator<Item = &Webhook> {
        self.webhooks.iter().filter(move |w| {
            matches!(&w.payload, Some(ResponseBody { kind: BodyKind::Json(TypeRef::Named(n)), .. }) if n == name)
        })
    }

    /// Every operation in output order.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.groups.iter().flat_map(|g| g.operations.iter())
    }

    /// Keeps only the operations tagged with one of `tags` (each as the
    /// spec writes it, or as its module name) and the types they and the
    /// webhooks use; returns the tags that name no group.
    pub fn retain_tags(&mut self, tags: &[String]) -> Vec<String> {
        let named = |g: &Group, t: &String| g.tag == *t || g.module == *t;
        let unknown =
            tags.iter().filter(|t| !self.groups.iter().any(|g| named(g, t))).cloned().collect();
        self.groups.retain(|g| tags.iter().any(|t| named(g, t)));
        let mut used = std::collections::BTreeSet::new();
        let operations = self.groups.iter().flat_map(|g| &g.operations);
        let payloads = self.webhooks.iter().filter_map(|w| w.payload.as_ref());
        let roots = operations
            .flat_map(|op| op.type_refs())
            .chain(payloads.flat_map(|p| p.kind.type_refs()))
            .collect::<Vec<_>>();
        self.walk_types(roots, |name| used.insert(name.to_string()));
        self.types.retain(|t| used.contains(&t.name));
        unknown
    }

    /// Replaces the type `name` by `with` wherever it is used, and drops
    /// its definition and those of the types defined inside it (its
    /// origin's descendants), which nothing else can reach.
    pub fn replace_type(&mut self, name: &str, with: &TypeRef) {
        let Some(origin) = self.type_def(name).map(|t| format!("{}/", t.origin)) else { return };
        self.types.retain(|t| t.name != name && !t.origin.starts_with(&origin));
        self.for_each_type_ref_mut(&mut |ty| {
            if matches!(ty, TypeRef::Named(n) if n == name) {
                *ty = with.clone();
            }
        });
    }

    /// Calls `f` on every type reference in the API, outermost first (a
    /// list, then its items).
    pub fn for_each_type_ref_mut(&mut self, f: &mut impl FnMut(&mut TypeRef)) {
        fn walk(ty: &mut TypeRef, f: &mut impl FnMut(&mut TypeRef)) {
            f(ty);
            if let TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) = ty {
                walk(inner, f);
            }
        }
        fn body(kind: &mut BodyKind, f: &mut impl FnMut(&mut TypeRef)) {
            match kind {
                BodyKind::Json(t) | BodyKind::Form(t) | BodyKind::Items { item: t, .. } => {
                    walk(t, f)
                }
                BodyKind::Multipart(form) => {
                    for part in &mut form.parts {
                        if let PartKind::Text(t) | PartKind::Json(t) = &mut part.kind {
                            walk(t, f);
                        }
                    }
                }
                BodyKind::Text | BodyKind::Bytes => {}
            }
        }
        for op in self.groups.iter_mut().flat_map(|g| &mut g.operations) {
            op.params.iter_mut().for_each(|p| walk(&mut p.ty, f));
            if let Some(b) = &mut op.body {
                body(&mut b.kind, f);
                for v in b.choice.iter_mut().flat_map(|c| &mut c.variants) {
                    body(&mut v.kind, f);
                }
            }
            for r in op.success.responses.iter_mut().chain(&mut op.errors) {
                if let Some(b) = &mut r.body {
                    body(&mut b.kind, f);
                }
                r.headers.iter_mut().for_each(|h| walk(&mut h.ty, f));
            }
            if let SuccessShape::Single { body: Some(kind), .. } = &mut op.success.shape {
                body(kind, f);
            }
            if let Some(p) = &mut op.pagination {
                walk(&mut p.item, f);
            }
            if let Some(ItemStream { item: StreamItem::Json(t), .. }) = &mut op.stream {
                walk(t, f);
            }
        }
        for payload in self.webhooks.iter_mut().filter_map(|w| w.payload.as_mut()) {
            body(&mut payload.kind, f);
        }
        for def in &mut self.types {
            match &mut def.kind {
                TypeKind::Struct(s) => {
                    s.fields.iter_mut().for_each(|x| walk(&mut x.ty, f));
                    if let Some(a) = &mut s.additional {
                        walk(a, f);
                    }
                }
                TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| walk(&mut v.ty, f)),
                TypeKind::Tuple(items) => items.iter_mut().for_each(|i| walk(&mut i.ty, f)),
                TypeKind::Alias(inner) => walk(inner, f),
                TypeKind::Enum(_) => {}
            }
        }
    }

    /// Visits every named type `roots` lead to, through fields, variants
    /// and aliases. `visit` returns whether the name is new; a name seen
    /// before is not walked again.
    pub fn walk_types<'a>(
        &'a self,
        roots: impl IntoIterator<Item = &'a TypeRef>,
        mut visit: impl FnMut(&str) -> bool,
    ) {
        let mut stack: Vec<&TypeRef> = roots.into_iter().collect();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                    stack.push(inner)
                }
                TypeRef::Named(name) => {
                    if !visit(name) {
                        continue;
                    }
                    match self.type_def(name).map(|t| &t.kind) {
                        Some(TypeKind::Struct(s)) => {
                            stack.extend(s.fields.iter().map(|f| &f.ty));
                            stack.extend(s.additional.iter());
                        }
                        Some(TypeKind::Union(u)) => stack.extend(u.variants.iter().map(|v| &v.ty)),
                        Some(TypeKind::Tuple(items)) => stack.extend(items.iter().map(|v| &v.ty)),
                        Some(TypeKind::Alias(inner)) => stack.push(inner),
                        Some(TypeKind::Enum(_)) | None => {}
                    }
                }
                _ => {}
            }
        }
    }
}

/// Which named types travel in requests, and which in responses (or
/// webhook payloads), found by following every reference from the
/// operations. A type is sent when a value of it is written, received when
/// one is read: the first needs `Serialize`, the second `Deserialize`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flows {
    pub sent: BTreeSet<String>,
    pub received: BTreeSet<String>,
    /// The types no operation uses (a webhook payload a 3.0 spec lists
    /// among its components, say) and every type they hold: they are there
    /// to be decoded by their users, so they count as received.
    pub loose: BTreeSet<String>,
}

impl Flows {
    pub fn of(api: &Api) -> Self {
        let mut sent = Vec::new();
        let mut received = Vec::new();
        for op in api.operations() {
            sent.extend(op.params.iter().map(|p| &p.ty));
            sent.extend(op.body.iter().flat_map(RequestBody::kinds).flat_map(BodyKind::type_refs));
            for response in op.success.responses.iter().chain(&op.errors) {
                received.extend(response.body.iter().flat_map(|b| b.kind.type_refs()));
                received.extend(response.headers.iter().map(|h| &h.ty));
            }
            if let Some(ItemStream { item: StreamItem::Json(t), .. }) = &op.stream {
                received.push(t);
            }
        }
        for hook in &api.webhooks {
            received.extend(hook.payload.iter().flat_map(|b| b.kind.type_refs()));
        }
        let reachable = |roots: Vec<&TypeRef>| {
            let mut seen = BTreeSet::new();
            api.walk_types(roots, |name| seen.insert(name.to_string()));
            seen
        };
        let (sent, received) = (reachable(sent), reachable(received));
        let unused: Vec<TypeRef> = api
            .types
            .iter()
            .filter(|t| !sent.contains(&t.name) && !received.contains(&t.name))
            .map(|t| TypeRef::Named(t.name.clone()))
            .collect();
        let loose = reachable(unused.iter().collect());
        Flows { sent, received, loose }
    }

    /// Whether values of `name` are written.
    pub fn writes(&self, name: &str) -> bool {
        self.sent.contains(name)
    }

    /// Whether values of `name` are read.
    pub fn reads(&self, name: &str) -> bool {
        self.received.contains(name) || self.loose.contains(name)
    }
}
