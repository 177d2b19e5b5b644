//! Operations: paths, parameters, bodies, responses and security become calls.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    APIKeyLocation, MediaType, Operation as SpecOperation, Parameter as SpecParameter,
    ParameterSchemaOrContent, PathItem, ReferenceOr, Schema, SchemaKind, SecurityRequirement,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use super::schema::{Naming, ObjectParts, SchemaRef, field_names};
use crate::diag::join;
use crate::ir::{
    BodyChoice, BodyKind, BodyVariant, DeclaredHeader, Facts, Group, Method, Multipart, Operation,
    ParamLocation, Parameter, Part, PartKind, PathPart, QueryStyle, RequestBody, Response,
    ResponseBody, ResponseHeader, SecurityKind, SecurityScheme, StatusMatch, Success, SuccessShape,
    TypeRef, Webhook,
};
use crate::naming::{self, NameSet};

/// Names a builder uses for itself, which parameters must not take.
const BUILDER_MEMBERS: &[&str] =
    &["client", "send", "send_with_response", "send_streaming", "with_options", "call_options"];

/// Names visible in every group module besides its own types.
const GROUP_SCOPE: &[&str] = &["Client", "Error", "ApiResponse", "Method"];

impl<'a> Lowerer<'a> {
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let Some(components) = &self.spec.components else { return Vec::new() };
        let mut names = NameSet::default();
        let mut variants = NameSet::default();
        let mut schemes = Vec::new();
        let mut keys: Vec<&String> = components.security_schemes.keys().collect();
        keys.sort();
        for key in keys {
            let pointer = join("#/components/securitySchemes", key);
            let Some(scheme) = self.resolve_scheme(key, &pointer) else { continue };
            let (kind, description) = match scheme {
                openapiv3::SecurityScheme::HTTP { scheme, description, .. } => {
                    match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => (SecurityKind::Bearer, description),
                        "basic" => (SecurityKind::Basic, description),
                        other => {
                            self.warn(&pointer, format!("HTTP auth scheme `{other}` is not supported; operations needing it are sent without it"));
                            continue;
                        }
                    }
                }
                openapiv3::SecurityScheme::APIKey { location, name, description, .. } => {
                    let location = match location {
                        APIKeyLocation::Query => ParamLocation::Query,
                        APIKeyLocation::Header => ParamLocation::Header,
                        APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (SecurityKind::ApiKey { location, name: name.clone() }, description)
                }
                openapiv3::SecurityScheme::OAuth2 { description, .. }
                | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description)
                }
            };
            schemes.push(SecurityScheme {
                name: key.clone(),
                rust_name: names.claim(naming::module_name(key)),
                variant: variants.claim(naming::type_name(key)),
                setter: String::new(),
                kind,
                description: description.clone(),
            });
        }
        // Setters read as what they take; the scheme name only disambiguates.
        let mut setters = NameSet::with_reserved(&[
            "base_url",
            "http_client",
            "timeout",
            "connect_timeout",
            "user_agent",
            "build",
        ]);
        for i in 0..schemes.len() {
            let same_kind = schemes
                .iter()
                .filter(|s| {
                    std::mem::discriminant(&s.kind) == std::mem::discriminant(&schemes[i].kind)
                })
                .count();
            let generic = match schemes[i].kind {
                SecurityKind::Bearer => "bearer_token",
                SecurityKind::Basic => "basic_auth",
                SecurityKind::ApiKey { .. } => "api_key",
            };
            let setter = if same_kind == 1 {
                generic.to_string()
            } else {
                format!("{}_{generic}", schemes[i].rust_name)
            };
            schemes[i].setter = setters.claim(setter);
        }
        schemes
    }

    fn resolve_scheme(
        &mut self,
        key: &str,
        pointer: &str,
    ) -> Option<&'a openapiv3::SecurityScheme> {
        let spec = self.spec;
        let mut item = spec.components.as_ref()?.security_schemes.get(key)?;
        for _ in 0..16 {
            match item {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    let next = reference
                        .strip_prefix("#/components/securitySchemes/")
                        .and_then(|k| spec.components.as_ref()?.security_schemes.get(k));
                    match next {
                        Some(n) => item = n,
                        None => break,
                    }
                }
            }
        }
        self.error(pointer, "security scheme reference does not resolve");
        None
    }

    /// Webhooks: for each, the payload type of the request the API sends.
    pub(super) fn webhooks(&mut self) -> Vec<Webhook> {
        let extra = self.extra;
        let mut webhooks = Vec::new();
        for (name, item) in &extra.webhooks {
            let at = join("#/webhooks", name);
            let ops: Vec<(Method, &'a SpecOperation)> = path_item_operations(item).collect();
            let several = ops.len() > 1;
            for (method, op) in ops {
                let op_at = join(&at, &method.as_str().to_ascii_lowercase());
                let stem = if several {
                    format!("{name} {} Payload", method.as_str().to_ascii_lowercase())
                } else {
                    format!("{name} Payload")
                };
                let body_at = join(&op_at, "requestBody");
                let payload = op
                    .request_body
                    .as_ref()
                    .and_then(|b| self.resolve(b, &body_at))
                    .and_then(|b| pick_content(&b.content))
                    .map(|(media_type, media)| {
                        let content_at = join(&join(&body_at, "content"), media_type);
                        let naming = Naming::Hint(naming::type_name(&stem));
                        ResponseBody {
                            media_type: media_type.clone(),
                            kind: self.body_kind(media_type, media, naming, &content_at),
                        }
                    });
                webhooks.push(Webhook {
                    name: name.clone(),
                    method,
                    summary: op.summary.clone(),
                    description: op.description.clone(),
                    payload,
                });
            }
        }
        webhooks
    }

    /// Every operation, grouped by first tag.
    pub(super) fn operations(&mut self, schemes: &[SecurityScheme]) -> Vec<Group> {
        let spec = self.spec;
        // Module name → group; claimed in tag order for stable names.
        let mut tags: Vec<String> = Vec::new();
        for (_, item) in spec.paths.iter() {
            if let ReferenceOr::Item(item) = item {
                for (_, op) in item.iter() {
                    let tag = op.tags.first().cloned().unwrap_or_else(|| "default".to_string());
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
            }
        }
        tags.sort();
        // Each module is also the `Client` method that reaches it, so the
        // client's own methods are taken too (telnyx.com has a
        // `credentials` tag).
        let mut modules = NameSet::with_reserved(&[
            "models",
            "client",
            "error",
            "runtime",
            "apis",
            "new",
            "builder",
            "base_url",
            "http",
            "retry_policy",
            "request_hook",
            "deadline",
            "max_body_size",
            "checks_requests",
            "credentials",
            "update_credentials",
            "authorize",
            "clone",
            "fmt",
        ]);
        let mut type_names =
            NameSet::with_reserved(&["Client", "ClientBuilder", "Error", "ApiResponse"]);
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let mut scopes: BTreeMap<String, NameSet> = BTreeMap::new();
        let mut fns: BTreeMap<String, NameSet> = BTreeMap::new();
        let mut tag_module = BTreeMap::new();
        for tag in &tags {
            // A tag named like one of the crate's own modules or the
            // client's methods (`Models`) is that name with `_api`, as its
            // type is (`ModelsApi`), rather than a number.
            let module = naming::module_name(tag);
            let module = if modules.contains(&module) {
                modules.claim(format!("{}_api", naming::bare(&module)))
            } else {
                modules.claim(module)
            };
            let type_name = type_names.claim(naming::type_name(&format!("{tag}Api")));
            let description =
                spec.tags.iter().find(|t| &t.name == tag).and_then(|t| t.description.clone());
            let mut scope = NameSet::with_reserved(GROUP_SCOPE);
            scope.claim(type_name.clone());
            scopes.insert(module.clone(), scope);
            fns.insert(module.clone(), NameSet::with_reserved(&["new"]));
            tag_module.insert(tag.clone(), module.clone());
            groups.insert(
                module.clone(),
                Group { tag: tag.clone(), description, module, type_name, operations: Vec::new() },
            );
        }
        // Templates that differ only in their variables' names are one
        // route: the first path's, by method.
        let mut routes: BTreeMap<(Method, String), &str> = BTreeMap::new();
        for (path, item) in spec.paths.iter() {
            let path_pointer = join("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.warn(
                        &path_pointer,
                        "path item references are not supported; skipping this path",
                    );
                    continue;
                }
            };
            for (method, op) in path_item_operations(item) {
                let pointer = join(&path_pointer, &method.as_str().to_ascii_lowercase());
                match routes.entry((method, crate::ir::route_shape(path))) {
                    Entry::Vacant(free) => {
                        free.insert(path);
                    }
                    Entry::Occupied(taken) => self.warn(
                        &pointer,
                        format!(
                            "`{} {path}` is the same route as `{}`: paths that differ only in their variables' names are one path, which OpenAPI forbids; a server cannot tell the two operations apart",
                            method.as_str(),
                            taken.get()
                        ),
                    ),
                }
                let tag = op.tags.first().cloned().unwrap_or_else(|| "default".to_string());
                let Some(module) = tag_module.get(&tag).cloned() else { continue };
                let (Some(scope), Some(fn_names), Some(group)) =
                    (scopes.get_mut(&module), fns.get_mut(&module), groups.get_mut(&module))
                else {
                    continue;
                };
                let ctx = OpContext { path, item, method, op, pointer: &pointer, schemes };
                let lowered = self.operation(ctx, fn_names, scope);
                group.operations.push(lowered);
            }
        }
        let mut groups: Vec<Group> = groups.into_values().collect();
        for g in &mut groups {
            g.operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
        }
        groups
    }

    fn operation(
        &mut self,
        cx: OpContext<'a, '_>,
        fn_names: &mut NameSet,
        scope: &mut NameSet,
    ) -> Operation {
        let id = match &cx.op.operation_id {
            Some(id) if id.chars().any(|c| c.is_alphanumeric()) => id.clone(),
            Some(id) => {
                let derived = derive_operation_id(cx.method, cx.path);
                let at = join(cx.pointer, "operationId");
                self.warn(
                    &at,
                    format!("operationId `{id}` has no letters or digits; calling it `{derived}`"),
                );
                derived
            }
            None => {
                let derived = derive_operation_id(cx.method, cx.path);
                self.warn(
                    cx.pointer,
                    format!("operation has no operationId; calling it `{derived}`"),
                );
                derived
            }
        };
        let fn_name = fn_names.claim(naming::field_name(&id));
        if !self.operation_ids.insert(id.clone()) {
            let at = join(cx.pointer, "operationId");
            self.warn(
                &at,
                format!("operationId `{id}` is used more than once; this operation is `{fn_name}`"),
            );
        }
        if cx.op.responses.responses.is_empty() && cx.op.responses.default.is_none() {
            let at = join(cx.pointer, "responses");
            self.warn(&at, "no responses are documented (status keys must be codes like `200`, ranges like `2XX`, or `default`); any 2xx is taken as success");
        }
        let builder_name = scope.claim(naming::type_name(naming::bare(&fn_name)));
        let error_name = scope.claim(format!("{builder_name}Error"));

        let (mut params, authorization_parameter) = self.parameters(&cx, &builder_name);
        let path_parts = self.path_template(&cx, &mut params);
        let rust_names = field_names(
            BUILDER_MEMBERS.iter().copied().chain(params.iter().map(|p| p.wire_name.as_str())),
        );
        let mut names = NameSet::with_reserved(BUILDER_MEMBERS);
        for (p, name) in params.iter_mut().zip(rust_names.into_iter().skip(BUILDER_MEMBERS.len())) {
            p.rust_name = names.claim(name);
        }
        let body = self.request_body(&cx, &builder_name, &mut names, scope);
        let (success, errors, success_raw) = self.responses(&cx, &builder_name, scope);
        let stream = self.item_stream(&success_raw, body.as_ref(), &builder_name);
        let security = self.security(&cx);
        let paging = cx.op.extensions.get("x-pagination");
        let ms_pageable = cx.op.extensions.get("x-ms-pageable");
        let pagination =
            self.pagination(cx.method, paging, ms_pageable, &params, &success, cx.pointer);
        Operation {
            id,
            fn_name,
            builder_name,
            error_name,
            method: cx.method,
            path: cx.path.to_string(),
            path_parts,
            summary: cx.op.summary.clone(),
            description: cx.op.description.clone(),
            deprecated: cx.op.deprecated,
            params,
            body,
            success,
            errors,
            security,
            pagination,
            stream,
            authorization_parameter,
        }
    }

    /// Path-level and operation-level parameters (the latter win), in spec
    /// order; [`Self::path_template`] puts them in call order. Also the
    /// `Authorization` header parameter, which is no argument.
    fn parameters(
        &mut self,
        cx: &OpContext<'a, '_>,
        builder: &str,
    ) -> (Vec<Parameter>, Option<DeclaredHeader>) {
        let mut merged: Vec<(&'a SpecParameter, String)> = Vec::new();
        let mut authorization = None;
        let sources = [
            (&cx.item.parameters, join(&join("#/paths", cx.path), "parameters")),
            (&cx.op.parameters, join(cx.pointer, "parameters")),
        ];
        for (list, base) in sources {
            for (i, p) in list.iter().enumerate() {
                let at = join(&base, &i.to_string());
                let Some(p) = self.resolve(p, &at) else { continue };
                // OpenAPI: header parameters named `Accept`, `Content-Type`
                // or `Authorization` are ignored (the media types and
                // security schemes say those).
                let name = &p.parameter_data_ref().name;
                if location_of(p) == ParamLocation::Header
                    && ["accept", "content-type", "authorization"]
                        .contains(&name.to_ascii_lowercase().as_str())
                {
                    self.warn(&at, format!("a header parameter named `{name}` is ignored, as OpenAPI says: media types and security schemes set that header"));
                    if name.eq_ignore_ascii_case("authorization") {
                        authorization = Some(declared_header(p));
                    }
                    continue;
                }
                let key = |q: &SpecParameter| (location_of(q), q.parameter_data_ref().name.clone());
                merged.retain(|(q, _)| key(q) != key(p));
                merged.push((p, at));
            }
        }
        self.warn_shared_query_keys(&merged);
        let params = merged.into_iter().map(|(p, at)| self.parameter(p, builder, &at)).collect();
        (params, authorization)
    }

    /// Warns of an exploded object query parameter (`style: form`,
    /// `explode: true`, the defaults) with a property named like another
    /// query parameter: both are written as the same key (sinao.app's
    /// `movements` object with a `type`, beside a `type` parameter), and a
    /// server cannot tell the values apart.
    fn warn_shared_query_keys(&mut self, merged: &[(&'a SpecParameter, String)]) {
        let names: BTreeSet<&str> = merged
            .iter()
            .filter(|(p, _)| location_of(p) == ParamLocation::Query)
            .map(|(p, _)| p.parameter_data_ref().name.as_str())
            .collect();
        for (p, at) in merged {
            let SpecParameter::Query {
                parameter_data: data,
                style: openapiv3::QueryStyle::Form,
                ..
            } = p
            else {
                continue;
            };
            let ParameterSchemaOrContent::Schema(schema) = &data.format else { continue };
            if data.explode == Some(false) {
                continue;
            }
            let Some(schema) = self.quiet_deref(schema.into()) else { continue };
            let properties = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => &o.properties,
                SchemaKind::Any(a) => &a.properties,
                _ => continue,
            };
            let shared: Vec<&str> = properties
                .keys()
                .map(String::as_str)
                .filter(|k| *k != data.name && names.contains(k))
                .collect();
            for key in shared {
                self.warn(at, format!("query parameter `{}` is an exploded object whose property `{key}` is also the name of another query parameter: both are sent as `{key}=…`, and a server cannot tell them apart", data.name));
            }
        }
    }

    fn parameter(&mut self, p: &'a SpecParameter, builder: &str, pointer: &str) -> Parameter {
        let data = p.parameter_data_ref();
        let location = location_of(p);
        let style = match p {
            SpecParameter::Query { style, .. } => match style {
                openapiv3::QueryStyle::Form => {
                    QueryStyle::Form { explode: data.explode.unwrap_or(true) }
                }
                openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
            },
            _ => QueryStyle::Form { explode: data.explode.unwrap_or(false) },
        };
        let hint = Naming::Hint(format!("{builder}{}", naming::type_name(&data.name)));
        let (ty, facts) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let at = join(pointer, "schema");
                let ty = self.schema_type(s.into(), hint, &at).without_null_items();
                let facts = self.facts(s.into(), &at);
                (ty, facts)
            }
            ParameterSchemaOrContent::Content(content) => {
                self.warn(pointer, "parameters with `content` are sent as JSON text");
                let ty = match content.values().next().and_then(|m| m.schema.as_ref()) {
                    Some(s) => self.schema_type(s.into(), hint, &join(pointer, "content")),
                    None => TypeRef::Json,
                };
                (ty, Facts::default())
            }
        };
        let mut facts = facts;
        if facts.example.is_none() {
            facts.example = data.example.as_ref().map(|v| v.to_string());
        }
        Parameter {
            wire_name: data.name.clone(),
            rust_name: naming::field_name(&data.name),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            style,
            description: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
            facts,
        }
    }

    /// Splits the path template, matching `{name}`s to path parameters. A
    /// variable with no parameter gets a string one, so the call still works.
    fn path_template(
        &mut self,
        cx: &OpContext<'a, '_>,
        params: &mut Vec<Parameter>,
    ) -> Vec<PathPart> {
        let mut parts = Vec::new();
        let mut rest = cx.path;
        let mut used = Vec::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_string()));
            }
            let name = &rest[open + 1..close];
            let index = params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire_name == name);
            let index = match index {
                Some(i) => i,
                None => {
                    self.warn(
                        cx.pointer,
                        format!("path variable `{name}` has no parameter; it is a required string"),
                    );
                    params.push(Parameter {
                        wire_name: name.to_string(),
                        rust_name: naming::field_name(name),
                        location: ParamLocation::Path,
                        required: true,
                        ty: TypeRef::String,
                        style: QueryStyle::Form { explode: false },
                        description: None,
                        deprecated: false,
                        facts: Facts::default(),
                    });
                    params.len() - 1
                }
            };
            used.push(index);
            parts.push(PathPart::Param(index));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        // Path parameters the template never mentions cannot be sent.
        let mut i = 0;
        while i < params.len() {
            if params[i].location == ParamLocation::Path && !used.contains(&i) {
                let name = params[i].wire_name.clone();
                self.warn(cx.pointer, format!("path parameter `{name}` does not appear in the path template; it is ignored"));
                params.remove(i);
                for part in &mut parts {
                    if let PathPart::Param(j) = part {
                        if *j > i {
                            *j -= 1;
                        }
                    }
                }
                for u in &mut used {
                    if *u > i {
                        *u -= 1;
                    }
                }
            } else {
                i += 1;
            }
        }
        // Path parameters lead, in template order; the sort is stable.
        let order: Vec<usize> = {
            let mut order: Vec<usize> = (0..params.len()).collect();
            order.sort_by_key(|&i| match used.iter().position(|&u| u == i) {
                Some(pos) => (0, pos),
                None => (if params[i].required { 1 } else { 2 }, i),
            });
            order
        };
        let remap: BTreeMap<usize, usize> =
            order.iter().enumerate().map(|(new, &old)| (old, new)).collect();
        let mut slots: Vec<Option<Parameter>> =
            std::mem::take(params).into_iter().map(Some).collect();
        *params = order.iter().filter_map(|&old| slots[old].take()).collect();
        for part in &mut parts {
            if let PathPart::Param(j) = part {
                *j = remap[j];
            }
        }
        parts
    }

    fn request_body(
        &mut self,
        cx: &OpContext<'a, '_>,
        builder: &str,
        names: &mut NameSet,
        scope: &mut NameSet,
    ) -> Option<RequestBody> {
        let at = join(cx.pointer, "requestBody");
        let body = self.resolve(cx.op.request_body.as_ref()?, &at)?;
        // A media range (`application/*+json`, signl4.com) names no type
        // to send: the plainest type it covers is sent instead, once.
        let mut offered: Vec<(String, &String, &MediaType)> = Vec::new();
        for (key, media) in &body.content {
            let schema_at = join(&join(&join(&at, "content"), key), "schema");
            let structured = match &media.schema {
                Some(schema) => self.deref(schema.into(), &schema_at).is_some_and(describes_json),
                None => false,
            };
            let sent = concrete(key, structured);
            // Bytes described as JSON (apache.org's qakka: octet-stream
            // with a list of base64 strings) are sent as the caller gives
            // them; a server that reads the schema will parse them. (XML
            // and other structured types are described by such schemas.)
            if structured && opaque_media_type(&sent) {
                self.warn(&schema_at, format!("the request body's `{key}` is raw bytes, but its schema describes JSON; the caller's bytes are sent as they are"));
            }
            if !offered.iter().any(|(s, _, _)| *s == sent) {
                offered.push((sent, key, media));
            }
        }
        let Some(preferred) = pick_media(offered.iter().map(|(sent, _, _)| sent.as_str())) else {
            self.warn(&at, "request body has no content; it is not sent");
            return None;
        };
        let (media_type, key, media) = offered.remove(preferred);
        let kind = self.request_body_kind(&media_type, key, media, builder, scope, &at);
        let choice = (!offered.is_empty()).then(|| {
            let mut names = NameSet::default();
            let mut variants = vec![BodyVariant {
                name: names.claim(media_variant(&media_type)),
                media_type: media_type.clone(),
                kind: kind.clone(),
            }];
            for (other, key, media) in &offered {
                variants.push(BodyVariant {
                    name: names.claim(media_variant(other)),
                    media_type: other.clone(),
                    kind: self.request_body_kind(other, key, media, builder, scope, &at),
                });
            }
            BodyChoice { name: scope.claim(format!("{builder}Body")), variants }
        });
        let stem = match &kind {
            BodyKind::Json(TypeRef::Named(n)) | BodyKind::Form(TypeRef::Named(n)) => {
                naming::field_name(n)
            }
            BodyKind::Multipart(_) => "form".to_string(),
            _ => "body".to_string(),
        };
        let facts = match &media.schema {
            Some(ReferenceOr::Item(s)) => {
                self.facts(SchemaRef::Item(s), &join(&join(&join(&at, "content"), key), "schema"))
            }
            _ => Facts::default(),
        };
        Some(RequestBody {
            rust_name: names.claim(stem),
            required: body.required,
            media_type,
            kind,
            facts,
            description: body.description.clone(),
            choice,
        })
    }

    /// The kind of a request body sent as `media_type`, from the spec's
    /// entry under `key` (the same, or the range it stands for).
    fn request_body_kind(
        &mut self,
        media_type: &str,
        key: &str,
        media: &'a MediaType,
        builder: &str,
        scope: &mut NameSet,
        body_at: &str,
    ) -> BodyKind {
        let content_at = join(&join(body_at, "content"), key);
        if let Some(kind) = self.request_items(media_type, media, builder, &content_at) {
            return kind;
        }
        match media_kind(media_type) {
            MediaKind::Multipart => self.multipart(media, builder, scope, &content_at),
            _ => {
                let naming = Naming::Hint(format!("{builder}Body"));
                self.body_kind(media_type, media, naming, &content_at)
            }
        }
    }

    fn body_kind(
        &mut self,
        media_type: &str,
        media: &'a MediaType,
        naming: Naming,
        pointer: &str,
    ) -> BodyKind {
        let schema = |cx: &mut Self| match &media.schema {
            Some(s) => cx.schema_type(s.into(), naming.clone(), &join(pointer, "schema")),
            None => TypeRef::Json,
        };
        match media_kind(media_type) {
            MediaKind::Json => BodyKind::Json(schema(self)),
            MediaKind::Form => BodyKind::Form(schema(self)),
            MediaKind::Text => BodyKind::Text,
            // A multipart response is read as the bytes it is.
            MediaKind::Multipart | MediaKind::Bytes => BodyKind::Bytes,
        }
    }

    /// A `multipart/form-data` body: a part per property of its object
    /// schema. Without properties to go by, the caller sends encoded bytes.
    fn multipart(
        &mut self,
        media: &'a MediaType,
        builder: &str,
        scope: &mut NameSet,
        pointer: &str,
    ) -> BodyKind {
        let schema_at = join(pointer, "schema");
        let mut object = ObjectParts::default();
        if let Some(schema) = &media.schema {
            self.collect_object(
                schema.into(),
                &mut object,
                &mut None,
                &schema_at,
                &mut Default::default(),
            );
        }
        if object.properties.is_empty() {
            self.warn(
                pointer,
                "a multipart body without properties is sent as bytes the caller encodes",
            );
            return BodyKind::Bytes;
        }
        let name = scope.claim(format!("{builder}Form"));
        let rust_names = field_names(object.properties.iter().map(|(wire, _)| wire.as_str()));
        let mut parts = Vec::with_capacity(object.properties.len());
        let properties = join(&schema_at, "properties");
        for ((wire, prop), rust_name) in object.properties.into_iter().zip(rust_names) {
            let at = join(&properties, wire);
            let hint = Naming::Hint(format!("{name}{}", naming::type_name(wire)));
            let target = self.deref(prop, &at);
            let items = array_items(target);
            let repeated = items.is_some();
            let (one, one_at) = match items {
                Some(items) => (SchemaRef::from(items), join(&at, "items")),
                None => (prop, at.clone()),
            };
            let one_schema = self.deref(one, &one_at);
            let kind = if one_schema.is_some_and(is_file) {
                PartKind::File
            } else if one_schema.is_some_and(is_scalar) {
                PartKind::Text(self.schema_type(one, hint, &one_at))
            } else {
                PartKind::Json(self.schema_type(prop, hint, &at))
            };
            // A JSON part carries the whole array; text and file parts repeat.
            let repeated = repeated && !matches!(kind, PartKind::Json(_));
            parts.push(Part {
                content_type: media.encoding.get(wire).and_then(|e| e.content_type.clone()),
                required: object.required.contains(wire),
                description: target.and_then(|s| s.schema_data.description.clone()),
                wire_name: wire.clone(),
                rust_name,
                repeated,
                kind,
            });
        }
        BodyKind::Multipart(Multipart { name, parts })
    }

    fn responses(
        &mut self,
        cx: &OpContext<'a, '_>,
        builder: &str,
        scope: &mut NameSet,
    ) -> (Success, Vec<Response>, Vec<(&'a openapiv3::Response, String)>) {
        let at = join(cx.pointer, "responses");
        let mut entries: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        for (code, r) in &cx.op.responses.responses {
            let status = match code {
                StatusCode::Code(n) => StatusMatch::Code(*n),
                StatusCode::Range(n) => StatusMatch::Range(*n),
            };
            entries.push((status, r, join(&at, &code.to_string())));
        }
        if let Some(r) = &cx.op.responses.default {
            entries.push((StatusMatch::Default, r, join(&at, "default")));
        }
        let is_success =
            |s: &StatusMatch| matches!(s, StatusMatch::Code(200..=299) | StatusMatch::Range(2));
        let any_success = entries.iter().any(|(s, ..)| is_success(s));
        // Several success bodies become variants of `{builder}Response`, so
        // their inline types are named by status instead.
        let success_bodies = entries
            .iter()
            .filter(|(s, r, _)| {
                let ok = is_success(s) || (*s == StatusMatch::Default && !any_success);
                ok && matches!(r, ReferenceOr::Item(r) if !r.content.is_empty())
            })
            .count();
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut variants = NameSet::default();
        let mut success_raw = Vec::new();
        for (status, r, pointer) in entries {
            let Some(r) = self.resolve(r, &pointer) else { continue };
            // With no 2xx documented, `default` describes the success.
            let ok = is_success(&status) || (status == StatusMatch::Default && !any_success);
            if ok {
                success_raw.push((r, pointer.clone()));
            }
            let hint = match (ok, status) {
                (true, StatusMatch::Code(n)) if success_bodies > 1 => {
                    format!("{builder}{}", status_variant(n))
                }
                (true, _) => format!("{builder}Response"),
                (false, StatusMatch::Code(n)) => format!("{builder}{}", status_variant(n)),
                (false, _) => format!("{builder}ErrorBody"),
            };
            // HTTP gives these no body, whatever the spec documents: a client
            // that waited for one would fail on every success.
            let bodiless = matches!(status, StatusMatch::Code(204 | 205 | 304));
            if bodiless && !r.content.is_empty() {
                self.warn(
                    &join(&pointer, "content"),
                    "a 204, 205 or 304 response has no body in HTTP; its content is ignored",
                );
            }
            let content = if bodiless { None } else { pick_content(&r.content) };
            let body = content.map(|(media_type, media)| {
                let content_at = join(&join(&pointer, "content"), media_type);
                ResponseBody {
                    media_type: media_type.clone(),
                    kind: self.body_kind(media_type, media, Naming::Hint(hint), &content_at),
                }
            });
            let variant = variants.claim(match status {
                StatusMatch::Code(n) => status_variant(n),
                StatusMatch::Range(n) => range_variant(n),
                StatusMatch::Default => "Default".to_string(),
            });
            let headers_name = format!("{builder}{variant}Headers");
            let headers = self.response_headers(r, &headers_name, &pointer);
            let headers_type = (!headers.is_empty()).then(|| scope.claim(headers_name));
            let response = Response {
                status,
                variant,
                description: r.description.clone(),
                body,
                headers,
                headers_type,
            };
            if ok { success.push(response) } else { errors.push(response) }
        }
        // Exact codes are matched before ranges, ranges before `default`.
        errors.sort_by_key(|r| r.status);
        success.sort_by_key(|r| r.status);
        (self.success(success, builder, scope), errors, success_raw)
    }

    /// A response's documented headers, as fields of a struct called `name`.
    fn response_headers(
        &mut self,
        r: &'a openapiv3::Response,
        name: &str,
        pointer: &str,
    ) -> Vec<ResponseHeader> {
        let base = join(pointer, "headers");
        // OpenAPI says a `Content-Type` response header is ignored.
        let documented: Vec<(&'a String, &'a ReferenceOr<openapiv3::Header>)> =
            r.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("content-type")).collect();
        let rust_names = field_names(documented.iter().map(|(wire, _)| wire.as_str()));
        let mut headers = Vec::with_capacity(documented.len());
        for ((wire, header), rust_name) in documented.into_iter().zip(rust_names) {
            let at = join(&base, wire);
            let Some(header) = self.resolve(header, &at) else { continue };
            let hint = Naming::Hint(format!("{name}{}", naming::type_name(wire)));
            // Header text parses into scalars and lists of them; anything
            // structured is kept as the text it arrived as.
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(s) => {
                    let schema_at = join(&at, "schema");
                    let target = self.deref(s.into(), &schema_at);
                    let items = array_items(target);
                    let items_at = join(&schema_at, "items");
                    let parses = match items {
                        Some(i) => self.deref(i.into(), &items_at).is_some_and(is_scalar),
                        None => target.is_some_and(is_scalar),
                    };
                    if parses {
                        self.schema_type(s.into(), hint, &schema_at).without_null_items()
                    } else {
                        TypeRef::String
                    }
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            headers.push(ResponseHeader {
                wire_name: wire.clone(),
                rust_name,
                ty,
                description: header.description.clone(),
            });
        }
        headers
    }

    fn success(&mut self, responses: Vec<Response>, builder: &str, scope: &mut NameSet) -> Success {
        let mut bodies: Vec<&BodyKind> =
            responses.iter().filter_map(|r| r.body.as_ref().map(|b| &b.kind)).collect();
        bodies.dedup();
        let shape = if bodies.windows(2).all(|w| w[0] == w[1]) {
            let optional = !bodies.is_empty() && responses.iter().any(|r| r.body.is_none());
            SuccessShape::Single { body: bodies.first().map(|b| (*b).clone()), optional }
        } else {
            SuccessShape::Variants { name: scope.claim(format!("{builder}Response")) }
        };
        Success { responses, shape }
    }

    fn security(&mut self, cx: &OpContext<'a, '_>) -> Vec<Vec<usize>> {
        let requirements: &[SecurityRequirement] = match (&cx.op.security, &self.spec.security) {
            (Some(s), _) | (None, Some(s)) => s,
            (None, None) => return Vec::new(),
        };
        let mut alternatives = Vec::new();
        for requirement in requirements {
            let mut all = Vec::new();
            for name in requirement.keys() {
                match cx.schemes.iter().position(|s| &s.name == name) {
                    Some(i) => all.push(i),
                    None => {
                        self.warn(
                            &join(cx.pointer, "security"),
                            format!("security scheme `{name}` is not defined or not supported"),
                        );
                    }
                }
            }
            alternatives.push(all);
        }
        alternatives
    }
}

/// What an operation is lowered from.
struct OpContext<'a, 'c> {
    path: &'a str,
    item: &'a PathItem,
    method: Method,
    op: &'a SpecOperation,
    pointer: &'c str,
    schemes: &'c [SecurityScheme],
}

fn path_item_operations(item: &PathItem) -> impl Iterator<Item = (Method, &SpecOperation)> {
    [
        (Method::Get, &item.get),
        (Method::Put, &item.put),
        (Method::Post, &item.post),
        (Method::Delete, &item.delete),
        (Method::Options, &item.options),
        (Method::Head, &item.head),
        (Method::Patch, &item.patch),
        (Method::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}

fn location_of(p: &SpecParameter) -> ParamLocation {
    match p {
        SpecParameter::Query { .. } => ParamLocation::Query,
        SpecParameter::Header { .. } => ParamLocation::Header,
        SpecParameter::Path { .. } => ParamLocation::Path,
        SpecParameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// What the spec says of a header parameter OpenAPI ignores: whether it is
/// required, and a value to show (its example, else its schema's default).
fn declared_header(p: &SpecParameter) -> DeclaredHeader {
    let data = p.parameter_data_ref();
    let default = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
            schema.schema_data.default.as_ref()
        }
        _ => None,
    };
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    DeclaredHeader {
        required: data.required,
        example: data.example.as_ref().and_then(text).or_else(|| default.and_then(text)),
    }
}

/// `get /users/{id}/roles` → `get_users_id_roles`.
fn derive_operation_id(method: Method, path: &str) -> String {
    crate::ir::derived_operation_id(method.as_str(), path)
}

enum MediaKind {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

/// The variant naming a media type in a body enum: `Json`, `Form`,
/// `Multipart`, `Text`, else its subtype (`Xml`, `MergePatchJson`).
fn media_variant(media_type: &str) -> String {
    let essence = essence(media_type);
    let subtype = essence.split('/').nth(1).unwrap_or("");
    match (media_kind(media_type), subtype) {
        (MediaKind::Json, "json") if essence == "application/json" => "Json".into(),
        (MediaKind::Json, "json") => "TextJson".into(),
        (MediaKind::Form, _) => "Form".into(),
        (MediaKind::Multipart, _) => "Multipart".into(),
        (MediaKind::Text, "plain") => "Text".into(),
        _ => naming::variant_name(subtype),
    }
}

/// The item schema of an array schema.
fn array_items(schema: Option<&Schema>) -> Option<&ReferenceOr<Box<Schema>>> {
    match schema.map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Array(a))) => a.items.as_ref(),
        _ => None,
    }
}

/// A file in a multipart body: `format: binary` (or `base64`, which OpenAPI
/// 3.0 also uses for file contents).
fn is_file(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Type(Type::String(t))
        if matches!(&t.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary | StringFormat::Byte)))
}

/// Whether a media type is bytes with no structure of their own
/// (`application/octet-stream`, images, audio, video), which a JSON schema
/// of a list or an object cannot describe; XML and the like can be.
pub fn opaque_media_type(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/octet-stream"
        || ["image/", "audio/", "video/"].iter().any(|t| essence.starts_with(t))
}

/// Whether a schema describes JSON rather than text or bytes: an object,
/// a list, a number or a union (a string is text, which a media range
/// sends as it is).
fn describes_json(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => false,
        // No `type` (or a mix): structured if it has members or items.
        SchemaKind::Any(a) => {
            !a.properties.is_empty()
                || a.items.is_some()
                || a.additional_properties.is_some()
                || matches!(a.typ.as_deref(), Some("object" | "array"))
        }
        _ => true,
    }
}

/// Whether a schema's value is plain text in a form part.
fn is_scalar(s: &Schema) -> bool {
    matches!(
        &s.schema_kind,
        SchemaKind::Type(Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_))
    )
}

fn media_kind(media_type: &str) -> MediaKind {
    let essence = essence(media_type);
    // `text/json` is JSON too (.NET specs list it beside application/json).
    if essence == "application/json" || essence == "text/json" || essence.ends_with("+json") {
        MediaKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if essence == "multipart/form-data" {
        MediaKind::Multipart
    } else if essence.starts_with("text/") {
        MediaKind::Text
    } else {
        MediaKind::Bytes
    }
}

/// Which of `media_types` the client speaks by default (its index): plain
/// JSON first, then other JSON types, forms, text, bytes; the first of
/// equals.
fn pick_media<'m>(media_types: impl Iterator<Item = &'m str>) -> Option<usize> {
    let rank = |k: &str| match media_kind(k) {
        // Items over time are `send_stream()`'s; `send()` reads them only
        // when nothing else is offered (text-to-speech: audio bytes beside
        // events).
        _ if super::stream::framing(k).is_some() => 6,
        MediaKind::Json if essence(k) == "application/json" => 0,
        MediaKind::Json => 1,
        MediaKind::Form => 2,
        MediaKind::Multipart => 3,
        MediaKind::Text => 4,
        MediaKind::Bytes => 5,
    };
    media_types.enumerate().min_by_key(|(i, k)| (rank(k), *i)).map(|(i, _)| i)
}

/// The entry of `content` the client speaks by default (see [`pick_media`]).
fn pick_content(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content.get_index(pick_media(content.keys().map(String::as_str))?)
}

fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// The media type a request body is sent as: the spec's, unless it is a
/// range (`application/*+json`, `text/*`, `*/*`), which names no type, and
/// then the plainest type of its kind. A range that admits JSON (`*/*`,
/// `application/*`) over a `structured` schema (one that describes JSON:
/// Jira's `*/*` list of column ids) is sent as JSON, which the schema
/// describes and the caller can then build typed, instead of bytes.
fn concrete(media_type: &str, structured: bool) -> String {
    let essence = essence(media_type);
    if !essence.contains('*') {
        return media_type.to_string();
    }
    if structured && (essence == "*/*" || essence == "application/*") {
        return "application/json".to_string();
    }
    match media_kind(media_type) {
        MediaKind::Json => "application/json",
        MediaKind::Form => "application/x-www-form-urlencoded",
        MediaKind::Multipart => "multipart/form-data",
        MediaKind::Text => "text/plain",
        MediaKind::Bytes => "application/octet-stream",
    }
    .to_string()
}

/// `404` → `NotFound`; unnamed codes → `Status418`.
pub(crate) fn status_variant(code: u16) -> String {
    let name = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        421 => "MisdirectedRequest",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        507 => "InsufficientStorage",
        508 => "LoopDetected",
        511 => "NetworkAuthenticationRequired",
        _ => return format!("Status{code}"),
    };
    name.to_string()
}

fn range_variant(class: u16) -> String {
    match class {
        1 => "Informational".into(),
        2 => "Success".into(),
        3 => "Redirection".into(),
        4 => "ClientError".into(),
        5 => "ServerError".into(),
        n => format!("Status{n}xx"),
    }
}
