//! Prism's known bugs: what each looks like in a conformance failure, so
//! the run counts it as the mock's and says which bug, and the evidence
//! that it is the mock's: `xtask/data/prism-known-bugs.yaml`, on which
//! [`reproduce`] (run by `cargo xtask e2e`) shows each bug still happening.
//! Once Prism fixes one, `e2e` fails and the exclusion goes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use crate::prism::{self, Mode};

/// One bug: where it shows, and the words the run's summary gives it.
pub struct KnownBug {
    pub cause: &'static str,
    mode: Mode,
    /// The request that shows it, on `prism-known-bugs.yaml`.
    method: &'static str,
    path: &'static str,
    /// The `Prefer` header sent with the request, if any.
    prefer: Option<&'static str>,
    /// The body sent with the request, if any: media type and text.
    body: Option<(&'static str, &'static str)>,
    /// Whether a response to `path` shows the bug: status and body.
    shows: fn(u16, &serde_json::Value) -> bool,
}

pub const STATIC_IGNORES_PATTERN: KnownBug = KnownBug {
    cause: "mock, known bug: a response value Prism made breaks its `pattern` (static mode ignores patterns, stoplightio/prism#2243 and #2698; dynamic mode misses some, #1942)",
    mode: Mode::Static,
    method: "GET",
    path: "/code",
    prefer: None,
    body: None,
    // Prism's `--errors` turns its own invalid response into a 500 that
    // names the broken pattern.
    shows: |status, body| status == 500 && violations(body).any(|(_, code)| code == "pattern"),
};

pub const DYNAMIC_FILLS_DEFINITIONS: KnownBug = KnownBug {
    cause: "mock, known bug: a property named `definitions` gets the schema itself (dynamic mode; json-schema-faker reads it as a keyword)",
    mode: Mode::Dynamic,
    method: "GET",
    path: "/catalog",
    prefer: None,
    body: None,
    // Under `--errors`, as the runs start Prism, its own check of the
    // response refuses it; without, the schema arrives as data.
    shows: |status, body| match status {
        500 => violations(body).any(|(place, _)| place.last() == Some(&"definitions")),
        _ => holds_schema_as_definitions(body),
    },
};

pub const DYNAMIC_SKIPS_SCHEMALESS_STATUS: KnownBug = KnownBug {
    cause: "mock, known bug: a status asked for with `Prefer: code=` whose response has content but no schema is answered with the success instead, or the redirect of an operation that documents no success (dynamic mode: nothing to generate from; static mode answers it)",
    mode: Mode::Dynamic,
    method: "GET",
    path: "/forced",
    prefer: Some("code=403"),
    body: None,
    shows: |status, _| status == 200,
};

pub const NULLABLE_QUERY_LIST_OF_ONE: KnownBug = KnownBug {
    cause: "mock, known bug: a query parameter that is a nullable list is refused when it has one item (`tags=a`: Prism says it `must be array,null`; two items, or a list that is not nullable, pass)",
    mode: Mode::Static,
    method: "GET",
    path: "/tagged?tags=a",
    prefer: None,
    body: None,
    shows: |status, body| status == 422 && refuses_nullable_lists(body),
};

pub const UNION_QUERY_LIST_OF_ONE: KnownBug = KnownBug {
    cause: "mock, known bug: a query parameter that is a list inside a `oneOf` or `anyOf` is refused when it has one item (`ids=a`: Prism says it `must be array`, and the union then fails; two items, or a list that is the parameter's own type, pass)",
    mode: Mode::Static,
    method: "GET",
    path: "/united?ids=a",
    prefer: None,
    body: None,
    shows: |status, body| status == 422 && every_entry(body, |c| refuses_listed_union(c, body)),
};

pub const HEAD_ERROR_WITHOUT_BODY: KnownBug = KnownBug {
    cause: "mock, known bug: a HEAD request forced to a documented error with a JSON schema, or answered with a binary body, gets a 500 (Prism checks or serialises the body a HEAD answer does not have)",
    mode: Mode::Static,
    method: "HEAD",
    path: "/headed",
    prefer: Some("code=404"),
    body: None,
    shows: |status, _| status == 500,
};

pub const BRACKETED_QUERY_NAME_UNSEEN: KnownBug = KnownBug {
    cause: "mock, known bug: a query parameter whose name has brackets (`filter[tag]`) is not seen, sent as is or percent-encoded, so Prism says the required parameter is missing (it reads the brackets as nesting)",
    mode: Mode::Static,
    method: "GET",
    path: "/bracketed?filter%5Btag%5D=x",
    prefer: None,
    body: None,
    shows: |status, body| status == 422 && misses_bracketed_names(body),
};

pub const FORM_LIST_WITHOUT_ENCODING: KnownBug = KnownBug {
    cause: "mock, known bug: a list in a form-encoded body is refused whatever is sent (`tags=a&tags=b`, OpenAPI's default `style: form, explode: true`: Prism says it `must be array`) unless the spec spells that default out in an `encoding` entry",
    mode: Mode::Static,
    method: "POST",
    path: "/formed",
    prefer: None,
    body: Some(("application/x-www-form-urlencoded", "tags=a&tags=b")),
    shows: refuses_body_types,
};

pub const MULTIPART_LIST_WITHOUT_ENCODING: KnownBug = KnownBug {
    cause: "mock, known bug: a list in a multipart body is refused whatever is sent (a part per item, two `files` parts: Prism says it `must be array`) unless the spec gives it an `encoding` entry",
    mode: Mode::Static,
    method: "POST",
    path: "/uploaded",
    prefer: None,
    body: Some((
        "multipart/form-data; boundary=B",
        "--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\"\r\nContent-Type: application/octet-stream\r\n\r\na\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"b\"\r\nContent-Type: application/octet-stream\r\n\r\nb\r\n--B--\r\n",
    )),
    shows: refuses_body_types,
};

pub const MULTIPART_OBJECT_PART_REFUSED: KnownBug = KnownBug {
    cause: "mock, known bug: an object in a multipart body is refused however it is sent (a part of `application/json`, OpenAPI's default for an object part, even with the `encoding` entry that says so: Prism says it `must be object`; it takes only its own `meta[a]=x` notation)",
    mode: Mode::Static,
    method: "POST",
    path: "/described",
    prefer: None,
    body: Some((
        "multipart/form-data; boundary=B",
        "--B\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"a\":\"x\"}\r\n--B--\r\n",
    )),
    shows: refuses_body_types,
};

pub const DYNAMIC_EMPTY_RECURSION: KnownBug = KnownBug {
    cause: "mock, known bug: where a schema recurs through `allOf`, dynamic mode writes `{}` a few levels down, without the properties the schema requires, and its own response check sometimes lets it pass (the client's decode names the missing field)",
    mode: Mode::Dynamic,
    method: "GET",
    path: "/recursive",
    prefer: None,
    body: None,
    // The made-up `{}` is the bug; whether Prism's own check then catches
    // it (a 500 naming the nested required properties) or lets it pass
    // has differed from one start of Prism to the next, so either shows
    // it. The run only needs the second rule: the first is already its
    // own answer breaking the spec.
    shows: |status, body| match status {
        500 => violations(body).any(|(place, code)| code == "required" && place.len() > 3),
        _ => holds_empty_object(body),
    },
};

/// Whether some object inside `body` (not `body` itself) is `{}`.
fn holds_empty_object(body: &serde_json::Value) -> bool {
    let inner = |v: &serde_json::Value| {
        v.as_object().is_some_and(|o| o.is_empty()) || holds_empty_object(v)
    };
    match body {
        serde_json::Value::Object(members) => members.values().any(inner),
        serde_json::Value::Array(items) => items.iter().any(inner),
        _ => false,
    }
}

/// Whether a decode failure names a field missing from an object the
/// response writes as `{}`: serde reports where the object ends (`missing
/// field `id` at line 1 column 132923`), and there the body has `{}`.
pub fn missing_from_empty_object(detail: &str, body: &str) -> bool {
    let Some(at) = detail.split_once("missing field `").map(|(_, rest)| rest) else {
        return false;
    };
    let column = at
        .split_once(" at line 1 column ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<usize>().ok());
    // The column counts bytes from 1 and falls on the empty object's
    // closing brace, or just before it when serde stops ahead of reading
    // it.
    let empty_at = |from: usize| body.as_bytes().get(from..from + 2) == Some(b"{}".as_slice());
    column.is_some_and(|c| (c >= 2 && empty_at(c - 2)) || (c >= 1 && empty_at(c - 1)))
}

/// Whether Prism refused a request for its body's types alone.
fn refuses_body_types(status: u16, body: &serde_json::Value) -> bool {
    status == 422 && every_entry(body, |v| v["location"][0] == "body" && v["code"] == "type")
}

const ALL: [&KnownBug; 11] = [
    &STATIC_IGNORES_PATTERN,
    &DYNAMIC_FILLS_DEFINITIONS,
    &DYNAMIC_SKIPS_SCHEMALESS_STATUS,
    &NULLABLE_QUERY_LIST_OF_ONE,
    &UNION_QUERY_LIST_OF_ONE,
    &HEAD_ERROR_WITHOUT_BODY,
    &BRACKETED_QUERY_NAME_UNSEEN,
    &FORM_LIST_WITHOUT_ENCODING,
    &MULTIPART_LIST_WITHOUT_ENCODING,
    &MULTIPART_OBJECT_PART_REFUSED,
    &DYNAMIC_EMPTY_RECURSION,
];

/// Whether a Prism problem has complaints (its `validation` entries) and
/// every one is `like` a given kind: only then is the whole failure put
/// down to that kind.
pub fn every_entry(problem: &serde_json::Value, like: impl Fn(&serde_json::Value) -> bool) -> bool {
    let entries = problem["validation"].as_array().map(Vec::as_slice).unwrap_or_default();
    !entries.is_empty() && entries.iter().all(like)
}

/// Whether every complaint of a Prism problem is a required query
/// parameter with brackets in its name that it did not find.
pub fn misses_bracketed_names(problem: &serde_json::Value) -> bool {
    every_entry(problem, misses_bracketed_name)
}

/// Whether a complaint is a required query parameter with brackets in its
/// name that Prism did not find.
fn misses_bracketed_name(complaint: &serde_json::Value) -> bool {
    let message = complaint["message"].as_str().unwrap_or_default();
    let missing = message.split("must have required property '").nth(1);
    // Prism names it percent-encoded: `filter%5btag%5d`.
    let bracketed = |name: &str| name.contains('[') || name.to_ascii_lowercase().contains("%5b");
    complaint["location"][0] == "query" && missing.is_some_and(bracketed)
}

/// Whether every complaint of a Prism problem is a query parameter it
/// wants as `array,null`: its request validation does not turn one value
/// into a list when the list may be null (ajv's coercion of a type union).
pub fn refuses_nullable_lists(problem: &serde_json::Value) -> bool {
    every_entry(problem, refuses_nullable_list)
}

fn refuses_nullable_list(complaint: &serde_json::Value) -> bool {
    complaint["location"][0] == "query"
        && complaint["message"].as_str().is_some_and(|m| m.ends_with("must be array,null"))
}

/// Whether a complaint is about a query parameter that `problem` also
/// says `must be array`: Prism read one value where a union has a list
/// member, so each member's complaint and the union's own follow from it.
/// (A union is all that says it: a list that is the parameter's own type
/// takes one value, and the client sends a list only for a list member.)
fn refuses_listed_union(complaint: &serde_json::Value, problem: &serde_json::Value) -> bool {
    let place = &complaint["location"];
    // The parameter itself (`["query", "ids"]`), not an item of it.
    place.as_array().is_some_and(|p| p.len() == 2)
        && place[0] == "query"
        && problem["validation"].as_array().into_iter().flatten().any(|c| {
            c["location"] == *place
                && c["message"].as_str().is_some_and(|m| m.ends_with(" must be array"))
        })
}

/// The known bug, if any, that one complaint of Prism's refusal of a
/// request (`problem`) shows: a refusal is the mock's only when every
/// complaint is explained, and the caller weighs them together.
pub fn refused_for(
    complaint: &serde_json::Value,
    problem: &serde_json::Value,
) -> Option<&'static KnownBug> {
    if refuses_nullable_list(complaint) {
        Some(&NULLABLE_QUERY_LIST_OF_ONE)
    } else if refuses_listed_union(complaint, problem) {
        Some(&UNION_QUERY_LIST_OF_ONE)
    } else if misses_bracketed_name(complaint) {
        Some(&BRACKETED_QUERY_NAME_UNSEEN)
    } else {
        None
    }
}

/// The validation entries of a Prism problem that are about its own
/// response: where in the response, and the rule broken.
pub fn violations(problem: &serde_json::Value) -> impl Iterator<Item = (Vec<&str>, &str)> {
    problem["validation"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|v| v["location"][0] == "response")
        .filter_map(|v| {
            let place = v["location"].as_array()?.iter().filter_map(|p| p.as_str()).collect();
            Some((place, v["code"].as_str()?))
        })
}

/// Which known bug, if any, a failed call's response shows in Prism's
/// own answer (its refusals of requests are weighed complaint by
/// complaint, [`refused_for`]); `decode` when the client could not decode
/// it.
pub fn shown_by(body: &serde_json::Value, decode: bool) -> Option<&'static KnownBug> {
    let broken = |code: &str| violations(body).any(|(_, c)| c == code);
    if broken("pattern") {
        Some(&STATIC_IGNORES_PATTERN)
    } else if violations(body).any(|(place, _)| place.last() == Some(&"definitions"))
        || decode && holds_schema_as_definitions(body)
    {
        Some(&DYNAMIC_FILLS_DEFINITIONS)
    } else {
        None
    }
}

/// Whether some object in `body` has a `definitions` member that is a
/// JSON Schema (an object with a `type` naming a JSON type): what Prism's
/// dynamic mode puts there.
pub fn holds_schema_as_definitions(body: &serde_json::Value) -> bool {
    const TYPES: [&str; 7] = ["object", "array", "string", "number", "integer", "boolean", "null"];
    match body {
        serde_json::Value::Object(members) => members.iter().any(|(name, value)| {
            (name == "definitions" && value["type"].as_str().is_some_and(|t| TYPES.contains(&t)))
                || holds_schema_as_definitions(value)
        }),
        serde_json::Value::Array(items) => items.iter().any(holds_schema_as_definitions),
        _ => false,
    }
}

/// Starts Prism on the known bugs' spec in each mode and fails unless
/// every bug still shows.
pub fn reproduce(bin: &Path, root: &Path) -> Result<(), String> {
    let spec = root.join("xtask/data/prism-known-bugs.yaml");
    for mode in [Mode::Static, Mode::Dynamic] {
        let log = root.join(format!("target/prism/prism-known-bugs-{mode:?}.log").to_lowercase());
        let server = prism::Server::start(bin, &spec, mode, &log)?;
        for bug in ALL.iter().filter(|b| b.mode == mode) {
            let (status, body) = call(&server.url, bug)?;
            if !(bug.shows)(status, &body) {
                return Err(format!(
                    "Prism no longer shows a known bug, so its exclusion must go ({}): {mode:?} {} {} answered {status} {body}",
                    bug.cause, bug.method, bug.path
                ));
            }
        }
    }
    println!("    Prism's {} known bugs still happen, so excluding them is right", ALL.len());
    Ok(())
}

/// A bug's request on loopback, enough for Prism's answers: status and
/// JSON body (`null` for none, as a HEAD answer has).
fn call(base: &str, bug: &KnownBug) -> Result<(u16, serde_json::Value), String> {
    let (method, path) = (bug.method, bug.path);
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).map_err(|e| format!("{address}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    let prefer = bug.prefer.map(|p| format!("Prefer: {p}\r\n")).unwrap_or_default();
    let (content, body) = match bug.body {
        Some((media, body)) => {
            (format!("Content-Type: {media}\r\nContent-Length: {}\r\n", body.len()), body)
        }
        None => (String::new(), ""),
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{prefer}{content}Connection: close\r\n\r\n{body}"
    )
    .map_err(|e| e.to_string())?;
    let mut text = String::new();
    stream.read_to_string(&mut text).map_err(|e| format!("reading Prism's answer: {e}"))?;
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok());
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body);
    let json = body.and_then(|b| match b.trim() {
        "" => Some(serde_json::Value::Null),
        b => serde_json::from_str(b).ok(),
    });
    match (status, json) {
        (Some(status), Some(body)) => Ok((status, body)),
        _ => Err(format!("Prism's answer to {method} {path} is not a JSON response: {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_in_definitions_is_told_from_data() {
        let made = json!({"a": [{"definitions": {"type": "array", "items": {"type": "string"}}}]});
        assert!(holds_schema_as_definitions(&made));
        assert!(!holds_schema_as_definitions(&json!({"definitions": ["x"]})));
        assert!(!holds_schema_as_definitions(&json!({"definitions": {"type": "compact"}})));
    }

    #[test]
    fn pattern_violations_are_found_in_the_response_only() {
        let problem = json!({"validation": [
            {"location": ["request", "query"], "code": "pattern"},
            {"location": ["response", "body", "code"], "code": "pattern"},
        ]});
        assert_eq!(violations(&problem).map(|(_, code)| code).collect::<Vec<_>>(), ["pattern"]);
        let request_only =
            json!({"validation": [{"location": ["request", "query"], "code": "pattern"}]});
        assert!(!(STATIC_IGNORES_PATTERN.shows)(500, &request_only));
    }

    #[test]
    fn a_one_item_nullable_list_refused_is_the_bug() {
        let tags = json!({"location": ["query", "tags"], "code": "type", "message": "Request query parameter tags must be array,null"});
        let limit = json!({"location": ["query", "limit"], "code": "type", "message": "Request query parameter limit must be integer"});
        assert!((NULLABLE_QUERY_LIST_OF_ONE.shows)(422, &json!({"validation": [tags]})));
        let problem = json!({"validation": [tags, limit]});
        assert!(refused_for(&tags, &problem).is_some_and(|b| b.path.starts_with("/tagged")));
        assert!(refused_for(&limit, &problem).is_none());
        // Reproducing it, the bug must be the whole refusal.
        assert!(!(NULLABLE_QUERY_LIST_OF_ONE.shows)(422, &json!({"validation": [tags, limit]})));
    }

    #[test]
    fn a_bracketed_query_name_missed_is_the_bug() {
        let missed = json!({"location": ["query"], "code": "required", "message": "Request query parameter must have required property 'filter%5btag%5d'"});
        assert!((BRACKETED_QUERY_NAME_UNSEEN.shows)(422, &json!({"validation": [missed]})));
        let problem = json!({"validation": [missed]});
        assert!(refused_for(&missed, &problem).is_some_and(|b| b.path.starts_with("/bracketed")));
        let plain = json!({"location": ["query"], "code": "required", "message": "Request query parameter must have required property 'tag'"});
        assert!(refused_for(&plain, &json!({"validation": [plain]})).is_none());
    }

    #[test]
    fn a_one_item_list_refused_in_a_union_is_the_bug() {
        // As Prism answers `ids=a` for `oneOf: [{type: array}, {type: integer}]`.
        let complaint = |name: &str, code: &str, message: &str| json!({"location": ["query", name], "code": code, "message": format!("Request query parameter {name} {message}")});
        let list = complaint("ids", "type", "must be array");
        let other = complaint("ids", "type", "must be integer");
        let union = complaint("ids", "oneOf", "must match exactly one schema in oneOf");
        let problem = json!({"validation": [list, other, union]});
        assert!((UNION_QUERY_LIST_OF_ONE.shows)(422, &problem));
        for each in [&list, &other, &union] {
            assert!(refused_for(each, &problem).is_some_and(|b| b.path.starts_with("/united")));
        }
        // Another parameter's complaint in the same refusal is its own.
        let limit = complaint("limit", "type", "must be integer");
        let mixed = json!({"validation": [list, limit]});
        assert!(refused_for(&limit, &mixed).is_none());
        assert!(!(UNION_QUERY_LIST_OF_ONE.shows)(422, &mixed));
        // A union refused without a list complaint is not the bug.
        let alone = json!({"validation": [other, union]});
        assert!(refused_for(&union, &alone).is_none());
        // Nor an item of a list that should be a list (a list of lists).
        let item = json!({"location": ["query", "ids", "0"], "code": "type", "message": "Request query parameter ids.0 must be array"});
        assert!(refused_for(&item, &json!({"validation": [item]})).is_none());
    }

    #[test]
    fn a_field_missing_from_an_object_written_empty_is_the_bug() {
        let body = r#"{"id":"a","season":{"id":"b","season":{}}}"#;
        let at = |column: usize| {
            format!(
                "missing field `id` at line 1 column {column}: getItem: the 200 OK response does not match its schema; body: …"
            )
        };
        assert!(missing_from_empty_object(&at(40), body));
        assert!(!missing_from_empty_object(&at(20), body), "not where the empty object is");
        assert!(!missing_from_empty_object(
            "invalid type: integer `1`, expected a string at line 1 column 40",
            body
        ));
        assert!((DYNAMIC_EMPTY_RECURSION.shows)(200, &json!({"id": "a", "season": {}})));
        assert!(!(DYNAMIC_EMPTY_RECURSION.shows)(200, &json!({"id": "a", "tags": []})));
        let caught = |place: serde_json::Value| json!({"validation": [{"location": place, "code": "required", "message": "must have required property 'id'"}]});
        assert!((DYNAMIC_EMPTY_RECURSION.shows)(
            500,
            &caught(json!(["response", "body", "season", "season"]))
        ));
        assert!(
            !(DYNAMIC_EMPTY_RECURSION.shows)(500, &caught(json!(["response", "body"]))),
            "a top-level object missing a property is not the nested `{{}}`"
        );
    }

    #[test]
    fn prisms_refusal_of_its_own_definitions_is_the_bug() {
        let refused = json!({"validation": [{"location": ["response", "body", "definitions"], "code": "type"}]});
        assert!((DYNAMIC_FILLS_DEFINITIONS.shows)(500, &refused));
        assert!(shown_by(&refused, false).is_some_and(|b| b.path == "/catalog"));
        let other =
            json!({"validation": [{"location": ["response", "body", "name"], "code": "type"}]});
        assert!(shown_by(&other, false).is_none());
    }
}
