//! The lowering stage on small specs: names, required vs optional, status
//! mapping, security and degradation, asserted on the intermediate model.

use openapi_clientgen::ir::{
    Api, BodyKind, IntWidth, Operation, ParamLocation, PartKind, QueryStyle, StatusMatch,
    SuccessShape, TypeKind, TypeRef,
};
use openapi_clientgen::{Diagnostic, Severity, load, lower};

fn lower_yaml(text: &str) -> (Api, Vec<Diagnostic>) {
    let loaded = load::load(text).expect("valid spec");
    let mut diags = loaded.diagnostics.clone();
    let api = lower::lower(&loaded, &mut diags);
    (api, diags)
}

fn op<'a>(api: &'a Api, fn_name: &str) -> &'a Operation {
    api.operations().find(|o| o.fn_name == fn_name).unwrap_or_else(|| panic!("no {fn_name}"))
}

const USERS: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.example.com/'}]
security: [{token: []}]
paths:
  /orgs/{org_id}/users/{userId}:
    parameters:
      - {name: userId, in: path, required: true, schema: {type: string}}
    put:
      operationId: replaceUser
      parameters:
        - {name: org_id, in: path, required: true, schema: {type: string}}
        - {name: type, in: query, schema: {type: array, items: {type: string}}}
        - {name: dry-run, in: query, required: true, schema: {type: boolean}}
        - {name: X-Trace, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/User'}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}}
        '204': {description: unchanged}
        '404': {description: User does not exist}
        5XX: {description: server trouble}
        default: {description: other, content: {text/plain: {schema: {type: string}}}}
  /health:
    get:
      security: []
      responses:
        default: {description: fine}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    User:
      type: object
      required: [id]
      properties:
        id: {type: string}
        type: {type: string, enum: [user, group]}
        nick: {type: string, nullable: true}
"#;

#[test]
fn operation_names_come_from_operation_id_or_method_and_path() {
    let (api, diags) = lower_yaml(USERS);
    let replace = op(&api, "replace_user");
    assert_eq!(replace.id, "replaceUser");
    assert_eq!(replace.builder_name, "ReplaceUser");
    assert_eq!(replace.error_name, "ReplaceUserError");
    let health = op(&api, "get_health");
    assert_eq!(health.id, "get_health");
    assert!(
        diags.iter().any(|d| d.severity == Severity::Warning
            && d.message.contains("no operationId")
            && d.pointer == "#/paths/~1health/get"
            && d.location.is_some()),
        "{diags:?}"
    );
}

#[test]
fn path_parameters_lead_in_template_order_then_required_then_optional() {
    let (api, _) = lower_yaml(USERS);
    let replace = op(&api, "replace_user");
    let order: Vec<(&str, &str, bool)> = replace
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p.rust_name.as_str(), p.required))
        .collect();
    assert_eq!(
        order,
        [
            ("org_id", "org_id", true),
            ("userId", "user_id", true),
            ("dry-run", "dry_run", true),
            ("type", "r#type", false),
            ("X-Trace", "x_trace", false),
        ]
    );
    assert_eq!(replace.params[3].style, QueryStyle::Form { explode: true });
    assert_eq!(replace.params[4].location, ParamLocation::Header);
    let body = replace.body.as_ref().expect("body");
    assert!(body.required);
    assert_eq!(body.rust_name, "user");
    assert_eq!(body.kind, BodyKind::Json(TypeRef::Named("User".into())));
}

#[test]
fn statuses_split_into_success_and_typed_errors() {
    let (api, _) = lower_yaml(USERS);
    let replace = op(&api, "replace_user");
    let success: Vec<StatusMatch> = replace.success.responses.iter().map(|r| r.status).collect();
    assert_eq!(success, [StatusMatch::Code(200), StatusMatch::Code(204)]);
    // 200 has a body and 204 none: the call yields Option<User>.
    assert_eq!(
        replace.success.shape,
        SuccessShape::Single {
            body: Some(BodyKind::Json(TypeRef::Named("User".into()))),
            optional: true
        }
    );
    let errors: Vec<(StatusMatch, &str)> =
        replace.errors.iter().map(|r| (r.status, r.variant.as_str())).collect();
    assert_eq!(
        errors,
        [
            (StatusMatch::Code(404), "NotFound"),
            (StatusMatch::Range(5), "ServerError"),
            (StatusMatch::Default, "Default")
        ]
    );
    assert_eq!(replace.errors[2].body.as_ref().map(|b| &b.kind), Some(&BodyKind::Text));
}

#[test]
fn default_alone_is_the_success() {
    let (api, _) = lower_yaml(USERS);
    let health = op(&api, "get_health");
    assert!(health.errors.is_empty());
    assert_eq!(health.success.responses[0].status, StatusMatch::Default);
}

#[test]
fn security_is_global_unless_overridden() {
    let (api, _) = lower_yaml(USERS);
    assert_eq!(api.security_schemes[0].setter, "bearer_token");
    assert_eq!(op(&api, "replace_user").security, vec![vec![0]]);
    assert!(op(&api, "get_health").security.is_empty());
    assert_eq!(api.base_url, "https://api.example.com");
}

#[test]
fn fields_are_optional_unless_required_and_keep_wire_names() {
    let (api, _) = lower_yaml(USERS);
    let user = api.type_def("User").expect("User");
    let TypeKind::Struct(s) = &user.kind else { panic!("User is a struct") };
    let fields: Vec<(&str, &str, bool, bool)> = s
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.rust_name.as_str(), f.required, f.optional()))
        .collect();
    assert_eq!(
        fields,
        [("id", "id", true, false), ("type", "r#type", false, true), ("nick", "nick", false, true)]
    );
    assert!(s.fields[2].nullable);
    // The inline enum is named after its place.
    assert_eq!(s.fields[1].ty, TypeRef::Named("UserType".into()));
    assert!(matches!(api.type_def("UserType").map(|t| &t.kind), Some(TypeKind::Enum(_))));
}

#[test]
fn unresolvable_references_degrade_with_a_located_error() {
    let spec = r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: a
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Missing'}
"#;
    let (api, diags) = lower_yaml(spec);
    let a = op(&api, "a");
    assert_eq!(
        a.success.shape,
        SuccessShape::Single { body: Some(BodyKind::Json(TypeRef::Json)), optional: false }
    );
    let error = diags.iter().find(|d| d.severity == Severity::Error).expect("an error");
    assert!(error.message.contains("#/components/schemas/Missing"), "{error:?}");
    assert_eq!(error.pointer, "#/paths/~1a/get/responses/200/content/application~1json/schema");
    assert_eq!(error.location.map(|l| l.line), Some(13));
}

#[test]
fn colliding_names_are_numbered_deterministically() {
    let spec = r#"
openapi: 3.0.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    user_info: {type: object, properties: {userId: {type: string}, user_id: {type: string}}}
    UserInfo: {type: object, properties: {a: {type: string}}}
"#;
    let (api, _) = lower_yaml(spec);
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["UserInfo", "UserInfo2"]);
    let TypeKind::Struct(s) = &api.types[1].kind else { panic!() };
    let fields: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
    // `user_id` is exactly its wire name, so it keeps it; `userId` yields.
    assert_eq!(fields, ["user_id2", "user_id"]);
}

const MEDIA: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      operationId: offered
      requestBody:
        content:
          application/xml: {schema: {type: object}}
          application/merge-patch+json: {schema: {type: object}}
          application/json: {schema: {type: object}}
          application/octet-stream: {schema: {type: string, format: binary}}
      responses: {'204': {description: ok}}
  /b:
    post:
      operationId: shapeless
      requestBody:
        content:
          multipart/form-data: {schema: {type: object}}
      responses: {'204': {description: ok}}
  /c:
    post:
      operationId: parts
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                photos: {type: array, items: {type: string, format: binary}}
                labels: {type: array, items: {type: integer}}
                shape: {type: array, items: {type: object, properties: {x: {type: integer}}}}
      responses: {'204': {description: ok}}
"#;

#[test]
fn several_request_media_types_become_a_choice_preferring_json() {
    let (api, _) = lower_yaml(MEDIA);
    let body = op(&api, "offered").body.as_ref().expect("a body");
    assert_eq!(body.media_type, "application/json");
    let choice = body.choice.as_ref().expect("a choice");
    let variants: Vec<(&str, &str)> =
        choice.variants.iter().map(|v| (v.name.as_str(), v.media_type.as_str())).collect();
    assert_eq!(
        variants,
        [
            ("Json", "application/json"),
            ("Xml", "application/xml"),
            ("MergePatchJson", "application/merge-patch+json"),
            ("OctetStream", "application/octet-stream"),
        ]
    );
    assert_eq!(choice.variants[1].kind, BodyKind::Bytes);
}

#[test]
fn multipart_parts_follow_their_schemas_and_shapeless_forms_degrade_to_bytes() {
    let (api, diags) = lower_yaml(MEDIA);
    let warning = diags.iter().find(|d| d.pointer.contains("~1b")).expect("a warning for /b");
    assert_eq!(warning.pointer, "#/paths/~1b/post/requestBody/content/multipart~1form-data");
    assert_eq!(op(&api, "shapeless").body.as_ref().map(|b| &b.kind), Some(&BodyKind::Bytes));

    let Some(BodyKind::Multipart(form)) = op(&api, "parts").body.as_ref().map(|b| &b.kind) else {
        panic!("a multipart body")
    };
    let parts: Vec<(&str, bool, &PartKind)> =
        form.parts.iter().map(|p| (p.wire_name.as_str(), p.repeated, &p.kind)).collect();
    assert_eq!(parts[0], ("photos", true, &PartKind::File));
    assert_eq!(parts[1], ("labels", true, &PartKind::Text(TypeRef::Integer(IntWidth::I64))));
    // Structured items go as one JSON part holding the whole list.
    assert!(matches!(parts[2], ("shape", false, PartKind::Json(TypeRef::List(_)))));
}

const WEBHOOKS_ONLY: &str = r#"
openapi: 3.1.0
info: {title: Events, version: '1', summary: Only events.}
webhooks:
  orderPlaced:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [kind, at]
              properties:
                kind: {const: order.placed}
                at: {type: array, prefixItems: [{type: integer}, {type: string}], maxItems: 2}
                note: {type: strnig}
      responses: {'200': {description: ok}}
"#;

#[test]
fn a_document_without_paths_lowers_its_webhook_payloads() {
    let (api, diags) = lower_yaml(WEBHOOKS_ONLY);
    assert!(api.groups.is_empty());
    assert_eq!(api.summary.as_deref(), Some("Only events."));
    let [hook] = api.webhooks.as_slice() else { panic!("one webhook: {:?}", api.webhooks) };
    assert_eq!(hook.name, "orderPlaced");
    let Some(BodyKind::Json(TypeRef::Named(payload))) = hook.payload.as_ref().map(|p| &p.kind)
    else {
        panic!("a JSON payload")
    };
    assert_eq!(payload, "OrderPlacedPayload");
    assert_eq!(api.webhooks_sending("OrderPlacedPayload").count(), 1);
    let Some(TypeKind::Struct(s)) = api.type_def(payload).map(|t| &t.kind) else {
        panic!("a struct")
    };
    // `const` is a one-value enum that constructors set; the tuple is one.
    let (name, variant) = api.constant(&s.fields[0].ty).expect("a constant");
    assert_eq!((name, variant.wire.as_str()), ("OrderPlacedPayloadKind", "order.placed"));
    let Some(TypeKind::Tuple(items)) = api.type_def("OrderPlacedPayloadAt").map(|t| &t.kind) else {
        panic!("a tuple")
    };
    let types: Vec<&TypeRef> = items.iter().map(|i| &i.ty).collect();
    assert_eq!(types, [&TypeRef::Integer(IntWidth::I64), &TypeRef::String]);
    // An unknown type is an error, placed at its `type`.
    let error = diags.iter().find(|d| d.severity == Severity::Error).expect("an error");
    assert!(error.message.contains("unknown type `strnig`"), "{}", error.message);
    assert_eq!(error.location.map(|l| l.line), Some(16));
}

#[test]
fn a_one_value_enum_is_not_a_constant() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Kind: {type: string, enum: [only]}\n";
    let (api, _) = lower_yaml(spec);
    assert!(api.constant(&TypeRef::Named("Kind".into())).is_none());
}

#[test]
fn a_string_enum_keeps_only_its_strings() {
    // shutterstock.com's aspect ratios: only `"nonstandard"` is both a
    // string and in the enum, so only it validates.
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Ratio: {type: string, enum: [43, 169, nonstandard]}\n    Loose: {enum: [1, a]}\n";
    let (api, diags) = lower_yaml(spec);
    let Some(TypeKind::Enum(ratio)) = api.type_def("Ratio").map(|d| &d.kind) else {
        panic!("Ratio is not an enum");
    };
    let wires: Vec<&str> = ratio.variants.iter().map(|v| v.wire.as_str()).collect();
    assert_eq!(wires, ["nonstandard"]);
    let said = diags.iter().find(|d| d.pointer.ends_with("Ratio/enum")).expect("a warning");
    assert!(said.message.contains("enum values 43, 169 are not strings"), "{}", said.message);
    // Without a declared type, mixed values stay any JSON value.
    assert!(matches!(api.type_def("Loose").map(|d| &d.kind), Some(TypeKind::Alias(TypeRef::Json))));
}

#[test]
fn swagger_2_reads_as_its_openapi_3_conversion() {
    let spec = r#"
swagger: '2.0'
info: {title: t, version: '1'}
host: api.example.com
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: ids, in: query, type: array, items: {type: integer}}
      responses:
        '200': {description: ok, schema: {type: array, items: {$ref: '#/definitions/Thing'}}}
definitions:
  Thing: {type: object, properties: {name: {type: string, x-nullable: true}}}
"#;
    let (api, diags) = lower_yaml(spec);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(api.base_url, "https://api.example.com");
    let list = op(&api, "list_things");
    assert_eq!(list.params[0].style, QueryStyle::Form { explode: false });
    let Some(TypeKind::Struct(thing)) = api.type_def("Thing").map(|t| &t.kind) else {
        panic!("a struct")
    };
    assert!(thing.fields[0].nullable);
}

#[test]
fn an_authorization_header_parameter_is_no_argument_but_is_remembered() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.example.com'}]
paths:
  /a:
    get:
      operationId: plain
      parameters:
        - {name: authorization, in: header, required: true, schema: {type: string, default: Auto}}
        - {name: Accept, in: header, schema: {type: string}}
      responses: {'204': {description: ok}}
  /b:
    get:
      operationId: exampled
      parameters:
        - {name: Authorization, in: header, example: 'OAuth x', schema: {type: string}}
      responses: {'204': {description: ok}}
"#;
    let (api, diags) = lower_yaml(spec);
    assert_eq!(diags.len(), 3, "one warning per ignored header: {diags:?}");
    let plain = op(&api, "plain");
    assert!(plain.params.is_empty());
    let header = plain.authorization_parameter.as_ref().expect("remembered");
    assert!(header.required);
    assert_eq!(header.example.as_deref(), Some("Auto"));
    let exampled = op(&api, "exampled");
    let header = exampled.authorization_parameter.as_ref().expect("remembered");
    assert!(!header.required);
    assert_eq!(header.example.as_deref(), Some("OAuth x"));
}

/// Integer bounds beyond 64 bits (one much-used description has
/// `minimum: -9223372036854776000`) load in YAML as in JSON, clamped to
/// `i64`'s range with a warning at the keyword.
#[test]
fn integer_bounds_beyond_64_bits_are_clamped_with_a_located_warning() {
    let yaml = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /n:
    get:
      parameters:
        - name: n
          in: query
          schema: {type: integer, minimum: -9223372036854776000, maximum: 9223372036854776000}
        - {name: half, in: query, schema: {type: integer, minimum: 0.5}}
      responses:
        '200': {description: ok}
"#;
    let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/n": {"get": {
        "parameters": [{"name": "n", "in": "query", "schema": {"type": "integer",
            "minimum": -9223372036854776000, "maximum": 9223372036854776000}},
            {"name": "half", "in": "query", "schema": {"type": "integer", "minimum": 0.5}}],
        "responses": {"200": {"description": "ok"}}}}}}"#;
    for text in [yaml, json] {
        let (api, diags) = lower_yaml(text);
        let params = &op(&api, "get_n").params;
        assert_eq!(params[0].facts.minimum.as_deref(), Some("-9223372036854775808"));
        assert_eq!(params[0].facts.maximum.as_deref(), Some("9223372036854775807"));
        assert_eq!(params[1].facts.minimum.as_deref(), Some("1"));
        let warned = |keyword: &str| {
            diags.iter().any(|d| {
                d.severity == Severity::Warning
                    && d.pointer.ends_with(&format!("/schema/{keyword}"))
                    && d.location.is_some()
            })
        };
        assert!(warned("minimum") && warned("maximum"), "{diags:?}");
    }
}

/// Any number in any keyword loads: counts beyond 64 bits, negative or
/// fractional, enum values beyond 64 bits, bounds that are not numbers.
#[test]
fn numbers_of_any_size_in_any_keyword_load_with_warnings() {
    let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /n:
    get:
      parameters:
        - {name: a, in: query, schema: {type: string, maxLength: 99999999999999999999, minLength: 1.5}}
        - {name: b, in: query, schema: {type: integer, enum: [1, 99999999999999999999]}}
        - {name: c, in: query, schema: {type: array, items: {type: string}, maxItems: -1}}
        - {name: d, in: query, schema: {type: number, minimum: 1e400, maximum: 1e300}}
      responses:
        '200': {description: ok}
"#;
    let (api, diags) = lower_yaml(text);
    let params = &op(&api, "get_n").params;
    assert_eq!(params.len(), 4, "{diags:?}");
    assert_eq!((params[0].facts.min_length, params[0].facts.max_length), (Some(2), None));
    assert_eq!(params[2].facts.max_items, None);
    assert!(params[3].facts.minimum.is_none() && params[3].facts.maximum.is_some());
    assert!(!diags.iter().any(|d| d.severity == Severity::Error), "{diags:?}");
    for keyword in ["0/schema/maxLength", "1/schema/enum", "2/schema/maxItems", "3/schema/minimum"]
    {
        assert!(diags.iter().any(|d| d.pointer.ends_with(keyword)), "{keyword}: {diags:?}");
    }
}

/// A nullable wrapper of one inline schema carries what that schema says
/// (description, bounds, default), in 3.1's `anyOf` with `null` and in
/// 3.0's `nullable` with `allOf`.
#[test]
fn a_nullable_union_keeps_its_members_docs_and_bounds() {
    for (version, temperature) in [
        (
            "3.1.0",
            "{anyOf: [{type: number, minimum: 0, maximum: 2, default: 1, description: What sampling temperature to use.}, {type: 'null'}]}",
        ),
        (
            "3.0.3",
            "{nullable: true, allOf: [{type: number, minimum: 0, maximum: 2, default: 1, description: What sampling temperature to use.}]}",
        ),
    ] {
        let text = format!(
            "openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Req:\n      type: object\n      properties:\n        temperature: {temperature}\n"
        );
        let (api, diags) = lower_yaml(&text);
        let req = api.types.iter().find(|t| t.name == "Req").expect("Req");
        let TypeKind::Struct(s) = &req.kind else { panic!("{req:?}") };
        let f = &s.fields[0];
        assert_eq!(
            f.description.as_deref(),
            Some("What sampling temperature to use."),
            "{version}: {f:?} {diags:?}"
        );
        assert!(f.nullable && !f.required, "{version}: {f:?}");
        assert_eq!(f.ty, TypeRef::Float(openapi_clientgen::ir::FloatWidth::F64), "{version}");
        assert_eq!(
            (f.facts.minimum.as_deref(), f.facts.maximum.as_deref()),
            (Some("0"), Some("2")),
            "{version}"
        );
        assert_eq!(f.facts.default.as_deref(), Some("1"), "{version}");
    }
}

/// The front page's example sets up the credential most operations need,
/// not the first scheme by name.
#[test]
fn the_main_credential_is_the_one_most_operations_use() {
    let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
security: [{token: []}]
paths:
  /a: {get: {operationId: a, responses: {'200': {description: ok}}}}
  /b: {get: {operationId: b, responses: {'200': {description: ok}}}}
  /admin: {get: {operationId: admin, security: [{adminKey: []}], responses: {'200': {description: ok}}}}
components:
  securitySchemes:
    adminKey: {type: apiKey, in: header, name: X-Admin}
    token: {type: http, scheme: bearer}
"#;
    let (api, _) = lower_yaml(text);
    assert_eq!(api.main_credential().map(|s| s.name.as_str()), Some("token"));
}

/// Union variants are named for what they are: a referenced member by its
/// name less the words it shares with the union's, an inline one by its
/// title or its tag value, and by position only as a last resort.
#[test]
fn union_variants_are_named_for_what_they_are() {
    let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    ChatCompletionRequestMessage:
      oneOf:
        - $ref: '#/components/schemas/ChatCompletionRequestSystemMessage'
        - $ref: '#/components/schemas/ChatCompletionRequestUserMessage'
        - {title: Tool message, type: object, properties: {role: {type: string, enum: [tool]}}}
        - {type: object, properties: {role: {type: string, enum: [developer]}}}
        - {type: object, properties: {other: {type: string}}}
      discriminator: {propertyName: role}
    ChatCompletionRequestSystemMessage:
      type: object
      properties: {role: {type: string, enum: [system]}}
    ChatCompletionRequestUserMessage:
      type: object
      properties: {role: {type: string, enum: [user]}}
"#;
    let (api, _) = lower_yaml(text);
    let union = api.types.iter().find(|t| t.name == "ChatCompletionRequestMessage").expect("union");
    let TypeKind::Union(u) = &union.kind else { panic!("{union:?}") };
    let names: Vec<&str> = u.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["SystemMessage", "UserMessage", "ToolMessage", "Developer", "Variant5"]);
    // Inline members' types are named the same way.
    assert_eq!(u.variants[2].ty, TypeRef::Named("ChatCompletionRequestMessageToolMessage".into()));
}
