//! The generated client against a real HTTP server on loopback: what goes on
//! the wire (method, path, query, headers, body) and what comes back.
//!
//! Each test starts a `wiremock` server that answers every request with one
//! canned response, makes one call, then inspects the one request received.

use agilicus_api::models::{ReplaceUserRoleRequest, User, UserStatusEnum};
use agilicus_api::{Client, Error, Nullable, apis::users};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "eyJ.secret-token.sig";

/// A server answering everything with `response`, and a client for it.
async fn serve(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).bearer_token(TOKEN).build().unwrap();
    (server, client)
}

/// The single request the server saw.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn user_json() -> serde_json::Value {
    json!({
        "id": "u-1",
        "email": "ada@example.com",
        "first_name": "Ada",
        "status": "active",
        "type": "user",
        "roles": {"app-1": ["admin", "viewer"]},
        "created": "2021-03-26T10:00:00Z"
    })
}

#[tokio::test]
async fn create_user_posts_json_with_bearer_token() {
    let (server, client) = serve(ResponseTemplate::new(201).set_body_json(user_json())).await;
    let new_user =
        User::default().with_email("ada@example.com").with_first_name("Ada").with_org_id("org-1");

    let created = client.users().create_user(new_user).send().await.unwrap();

    assert_eq!(created.id.as_deref(), Some("u-1"));
    assert_eq!(created.status, Some(UserStatusEnum::Active));
    assert_eq!(created.roles.unwrap()["app-1"], ["admin", "viewer"]);
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/users");
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    // Unset optional fields are absent, not null.
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        r#"{"first_name":"Ada","email":"ada@example.com","org_id":"org-1"}"#
    );
}

#[tokio::test]
async fn create_user_conflict_is_a_typed_error() {
    let (_server, client) =
        serve(ResponseTemplate::new(409).set_body_string("user exists")).await;

    let err = client.users().create_user(User::default()).send().await.unwrap_err();

    match err {
        Error::Api(users::CreateUserError::Conflict(response)) => {
            assert_eq!(response.status().as_u16(), 409);
            assert_eq!(response.text(), "user exists");
        }
        other => panic!("expected the documented 409, got {other:?}"),
    }
}

#[tokio::test]
async fn get_user_decodes_the_user() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(user_json())).await;

    let response = client.users().get_user("u-1").org_id("org 1").send_with_response().await.unwrap();

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let user = response.into_body();
    assert_eq!(user.email.as_deref(), Some("ada@example.com"));
    assert_eq!(user.created.map(|t| t.to_rfc3339()), Some("2021-03-26T10:00:00+00:00".into()));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/users/u-1");
    assert_eq!(request.url.query(), Some("org_id=org+1"));
}

#[tokio::test]
async fn get_user_not_found_is_a_typed_error() {
    let (_server, client) = serve(ResponseTemplate::new(404)).await;

    let err = client.users().get_user("nobody").send().await.unwrap_err();

    assert!(
        matches!(err, Error::Api(users::GetUserError::NotFound(ref r)) if r.status() == 404),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "get_user: User does not exist (status 404 Not Found)");
}

#[tokio::test]
async fn list_users_sends_every_query_parameter_in_wire_form() {
    let body = json!({"users": [user_json()], "limit": 50, "next_page_email": "b@example.com"});
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(body)).await;

    let page = client
        .users()
        .list_users()
        .email("a@b.c")
        .limit(50)
        .r#type(["user", "group"])
        .status([UserStatusEnum::Active, UserStatusEnum::Disabled])
        .has_roles(true)
        .search_params(["mat"])
        .send()
        .await
        .unwrap();

    assert_eq!(page.limit, 50);
    assert_eq!(page.users.unwrap().len(), 1);
    assert_eq!(page.next_page_email.as_deref(), Some("b@example.com"));
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/users");
    // Spec order; exploded arrays repeat their name; enums use wire values.
    assert_eq!(
        request.url.query(),
        Some(
            "email=a%40b.c&limit=50&type=user&type=group&status=active&status=disabled\
             &has_roles=true&search_params=mat"
        )
    );
}

#[tokio::test]
async fn replace_user_role_sends_query_and_body_and_accepts_204() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let roles = ReplaceUserRoleRequest::default()
        .with_roles([("app-1".to_string(), vec!["admin".to_string()])].into());

    let () = client
        .users()
        .replace_user_role("u-1")
        .org_id("org-1")
        .replace_user_role_request(roles)
        .send()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(request.url.path(), "/users/u-1/roles");
    assert_eq!(request.url.query(), Some("org_id=org-1"));
    assert_eq!(String::from_utf8(request.body).unwrap(), r#"{"roles":{"app-1":["admin"]}}"#);
}

#[tokio::test]
async fn replace_user_role_not_found_is_a_typed_error() {
    let (_server, client) = serve(ResponseTemplate::new(404)).await;

    let err = client.users().replace_user_role("u-1").send().await.unwrap_err();

    assert!(matches!(err, Error::Api(users::ReplaceUserRoleError::NotFound(_))), "{err:?}");
}

#[tokio::test]
async fn delete_user_puts_both_ids_in_the_path() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;

    client.users().delete_user("org-1", "u-1").send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(request.url.path(), "/v1/orgs/org-1/users/u-1");
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn path_parameters_cannot_escape_their_segment() {
    let (server, client) = serve(ResponseTemplate::new(404)).await;

    let _ = client.users().get_user("../admin?x=1#f").send().await;
    let err = client.users().get_user("..").send().await.unwrap_err();

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/users/..%2Fadmin%3Fx%3D1%23f");
    assert_eq!(request.url.query(), None);
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}

#[tokio::test]
async fn values_the_client_does_not_know_survive() {
    let mut user = user_json();
    user["status"] = json!("suspended");
    user["type"] = json!("robot");
    user["unexpected_field"] = json!(1);
    let (_server, client) = serve(ResponseTemplate::new(200).set_body_json(user)).await;

    let user = client.users().get_user("u-1").send().await.unwrap();

    assert_eq!(user.status, Some(UserStatusEnum::Unknown("suspended".into())));
    assert_eq!(user.r#type.map(|t| t.to_string()), Some("robot".into()));
}

#[test]
fn enum_values_compare_and_sort_by_wire_value() {
    // What a later crate version names compares as it did when unknown, and
    // adding a value never moves the known ones: order is the wire text's.
    assert_eq!(UserStatusEnum::Unknown("active".into()), UserStatusEnum::Active);
    let mut values: Vec<UserStatusEnum> = ["pending", "zzz", "active", "aaa"].map(UserStatusEnum::from).into();
    values.sort();
    let sorted: Vec<&str> = values.iter().map(UserStatusEnum::as_str).collect();
    assert_eq!(sorted, ["aaa", "active", "pending", "zzz"]);
    let set: std::collections::HashSet<UserStatusEnum> =
        [UserStatusEnum::Active, UserStatusEnum::from("active")].into();
    assert_eq!(set.len(), 1);
}

#[tokio::test]
async fn undocumented_status_keeps_status_headers_and_body() {
    let response = ResponseTemplate::new(503)
        .insert_header("retry-after", "7")
        .set_body_string("maintenance");
    let (server, _) = serve(response).await;
    // Retrying would honour the 7 s; this test is about what the error keeps.
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(agilicus_api::RetryPolicy::none())
        .build()
        .unwrap();

    let err = client.users().get_user("u-1").send().await.unwrap_err();

    let Error::UnexpectedStatus { operation, response } = &err else {
        panic!("expected an unexpected status, got {err:?}")
    };
    assert_eq!(*operation, "get_user");
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "7");
    assert_eq!(response.body(), "maintenance");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn a_body_that_breaks_the_schema_is_a_decode_error() {
    let (_server, client) =
        serve(ResponseTemplate::new(200).set_body_json(json!({"users": "nope"}))).await;

    let err = client.users().list_users().send().await.unwrap_err();

    assert!(matches!(err, Error::Decode { operation: "list_users", .. }), "{err:?}");
    assert!(err.to_string().contains("nope"), "{err}");
}

#[tokio::test]
async fn base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = Client::builder().base_url(format!("{}/api/v2/", server.uri())).build().unwrap();

    client.users().delete_user("o", "u").send().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/v2/v1/orgs/o/users/u");
    // No token configured: no Authorization header.
    assert_eq!(header(&request, "authorization"), None);
}

#[tokio::test]
async fn credentials_never_show_in_debug_or_errors() {
    let (_server, client) = serve(ResponseTemplate::new(500).set_body_string("boom")).await;

    let err = client.users().get_user("u-1").send().await.unwrap_err();

    for text in [format!("{client:?}"), format!("{err:?}"), err.to_string()] {
        assert!(!text.contains("secret-token"), "token leaked: {text}");
    }
}

#[tokio::test]
async fn a_token_with_a_line_break_is_never_sent() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("abc\r\nX-Injected: 1")
        .build()
        .unwrap();

    let err = client.users().delete_user("o", "u").send().await.unwrap_err();

    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(!err.to_string().contains("Injected"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn connection_failures_are_transport_errors_with_context() {
    // Bind then drop a listener: nothing answers on that port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder().base_url(format!("http://127.0.0.1:{port}")).build().unwrap();

    let err = client.users().list_users().limit(1).send().await.unwrap_err();

    assert!(matches!(err, Error::Transport { operation: "list_users", .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("GET") && text.contains("/users"), "{text}");
    assert!(!text.contains("limit=1"), "query strings stay out of messages: {text}");
}

#[test]
fn default_client_targets_the_spec_server() {
    let client = Client::new().unwrap();
    assert_eq!(client.base_url(), "https://api.agilicus.com");
    assert!(Client::builder().base_url("ftp://x").build().is_err());
}

mod robustness {
    //! Retries, the request hook and tracing.

    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use agilicus_api::{Client, Error, RetryPolicy};
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// Fast retries, so tests do not wait on backoff.
    fn quick() -> RetryPolicy {
        RetryPolicy { max_retries: 3, initial_backoff: Duration::from_millis(1), max_backoff: Duration::from_millis(5) }
    }

    /// A server that fails `failures` times with `status`, then answers 204.
    async fn flaky(failures: u64, status: u16) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).insert_header("retry-after", "0"))
            .up_to_n_times(failures)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(any()).respond_with(ResponseTemplate::new(204)).with_priority(2).mount(&server).await;
        server
    }

    async fn requests(server: &MockServer) -> usize {
        server.received_requests().await.unwrap().len()
    }

    #[tokio::test]
    async fn idempotent_calls_retry_through_503_and_429() {
        for status in [503, 429] {
            let server = flaky(2, status).await;
            let client = Client::builder().base_url(server.uri()).retry_policy(quick()).build().unwrap();

            client.users().delete_user("o", "u").send().await.unwrap();

            assert_eq!(requests(&server).await, 3, "two failures then success ({status})");
        }
    }

    #[tokio::test]
    async fn retries_are_bounded() {
        let server = flaky(10, 503).await;
        let client = Client::builder().base_url(server.uri()).retry_policy(quick()).build().unwrap();

        let err = client.users().delete_user("o", "u").send().await.unwrap_err();

        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(requests(&server).await, 4, "one attempt and three retries");
    }

    #[tokio::test]
    async fn retrying_can_be_switched_off() {
        let server = flaky(2, 503).await;
        let client = Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap();

        assert!(client.users().delete_user("o", "u").send().await.is_err());
        assert_eq!(requests(&server).await, 1);
    }

    #[tokio::test]
    async fn non_idempotent_calls_are_retried_only_where_the_server_did_not_act() {
        // A 503 says the server did nothing: a POST goes again.
        let server = flaky(2, 503).await;
        let client = Client::builder().base_url(server.uri()).retry_policy(quick()).build().unwrap();
        let _ = client.users().create_user(Default::default()).send().await;
        assert_eq!(requests(&server).await, 3);

        // A 500 may come after it acted: a POST is not sent twice.
        let server = flaky(2, 500).await;
        let client = Client::builder().base_url(server.uri()).retry_policy(quick()).build().unwrap();
        let err = client.users().create_user(Default::default()).send().await.unwrap_err();
        assert!(matches!(err, Error::UnexpectedStatus { .. }), "{err:?}");
        assert_eq!(requests(&server).await, 1);
    }

    #[tokio::test]
    async fn retry_after_is_honoured() {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(any()).respond_with(ResponseTemplate::new(204)).with_priority(2).mount(&server).await;
        let policy = RetryPolicy { max_backoff: Duration::from_secs(5), ..quick() };
        let client = Client::builder().base_url(server.uri()).retry_policy(policy).build().unwrap();

        let started = Instant::now();
        client.users().delete_user("o", "u").send().await.unwrap();

        // The computed backoff is at most 5 ms; only Retry-After explains a second.
        assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
        assert_eq!(requests(&server).await, 2);
    }

    #[tokio::test]
    async fn the_request_hook_sees_and_changes_every_request() {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        let client = Client::builder()
            .base_url(server.uri())
            .request_hook(|request| {
                request.headers_mut().insert("x-trace-id", "abc123".parse().unwrap());
            })
            .build()
            .unwrap();

        client.users().delete_user("o", "u").send().await.unwrap();

        let request = &server.received_requests().await.unwrap()[0];
        assert_eq!(request.headers["x-trace-id"], "abc123");
    }

    /// A `tracing` writer collecting everything into a string.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn each_request_is_a_tracing_span_without_credentials() {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        let client = Client::builder().base_url(server.uri()).bearer_token("top-secret-token").build().unwrap();
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        client.users().delete_user("org-1", "u-1").send().await.unwrap();

        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("operation=\"delete_user\""), "{text}");
        assert!(text.contains("method=DELETE"), "{text}");
        assert!(text.contains("status=204"), "{text}");
        assert!(text.contains("duration_ms="), "{text}");
        assert!(!text.contains("top-secret-token"), "{text}");
    }
}

#[tokio::test]
async fn an_optional_nullable_property_can_be_left_out_cleared_or_set() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(user_json())).await;
    for (provider, wire) in [
        (Nullable::Absent, None),
        (Nullable::Null, Some(json!(null))),
        (Nullable::Value("google.com".to_string()), Some(json!("google.com"))),
    ] {
        let mut user = User::default();
        user.provider = provider;
        client.users().replace_user("u-1").user(user).send().await.unwrap();
        let request = server.received_requests().await.unwrap().pop().unwrap();
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body.get("provider").cloned(), wire, "{body}");
    }
    // And a response tells the three apart.
    let read = |v: serde_json::Value| serde_json::from_value::<User>(v).unwrap().provider;
    assert_eq!(read(json!({})), Nullable::Absent);
    assert_eq!(read(json!({"provider": null})), Nullable::Null);
    assert_eq!(read(json!({"provider": "x"})).as_deref(), Some("x"));
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call_retries_included() {
    let server = MockServer::start().await;
    // Each attempt answers 503 after 150 ms: retries would go on for long.
    let slow = ResponseTemplate::new(503).set_delay(std::time::Duration::from_millis(150));
    Mock::given(any()).respond_with(slow).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(agilicus_api::RetryPolicy {
            max_retries: 50,
            initial_backoff: std::time::Duration::from_millis(10),
            max_backoff: std::time::Duration::from_millis(10),
        })
        .deadline(std::time::Duration::from_millis(400))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.users().get_user("u").send().await.unwrap_err();
    assert!(matches!(err, Error::Deadline { .. }), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn the_request_hook_runs_on_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(user_json())).mount(&server).await;
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let seen = counter.clone();
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(agilicus_api::RetryPolicy {
            max_retries: 3,
            initial_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(1),
        })
        .request_hook(move |request| {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            request.headers_mut().insert("x-nonce", n.to_string().parse().unwrap());
        })
        .build()
        .unwrap();
    client.users().get_user("u").send().await.unwrap();
    let nonces: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| header(r, "x-nonce").unwrap_or_default().to_string())
        .collect();
    assert_eq!(nonces, ["0", "1", "2"]);
}

#[tokio::test]
async fn hooked_headers_do_not_follow_a_redirect_to_another_origin() {
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(user_json())).mount(&elsewhere).await;
    let server = MockServer::start().await;
    let redirect = ResponseTemplate::new(302).insert_header("location", format!("{}/users/u", elsewhere.uri()));
    Mock::given(any()).respond_with(redirect).mount(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .request_hook(|request| {
            request.headers_mut().insert("x-signature", "secret-signature".parse().unwrap());
        })
        .build()
        .unwrap();
    let err = client.users().get_user("u").send().await.unwrap_err();
    // The redirect is not followed: the 302 comes back, and the other
    // origin never sees the request.
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn bodies_read_into_memory_are_limited() {
    let server = MockServer::start().await;
    let big = ResponseTemplate::new(200).set_body_string("x".repeat(4096));
    Mock::given(any()).respond_with(big).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).max_body_size(1024).build().unwrap();
    let err = client.users().get_user("u").send().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 1024, .. }), "{err:?}");
    assert!(err.to_string().contains("1024 bytes"), "{err}");
}

#[tokio::test]
async fn a_password_in_the_base_url_is_never_shown() {
    let builder = Client::builder().base_url("https://user:hunter2@api.example.com");
    assert!(!format!("{builder:?}").contains("hunter2"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("hunter2"), "{client:?}");
    let bad = Client::builder().base_url("ftp://user:hunter2@api.example.com").build().unwrap_err();
    assert!(!bad.to_string().contains("hunter2"), "{bad}");
    assert!(!format!("{bad:?}").contains("hunter2"), "{bad:?}");
}

#[tokio::test]
async fn call_options_apply_to_one_call_only() {
    use agilicus_api::{CallOptions, RetryPolicy};
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(user_json()).set_delay(std::time::Duration::from_millis(300));
    Mock::given(any()).respond_with(slow).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).retry_policy(RetryPolicy::none()).build().unwrap();
    // A per-call timeout fires where the client's would not.
    let quick = CallOptions::new().timeout(std::time::Duration::from_millis(50));
    let err = client.users().get_user("u").with_options(quick).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
    // Extra headers go on this call, and the next call has none of them.
    let tagged = CallOptions::new().header("x-request-id", "42");
    client.users().get_user("u").with_options(tagged).send().await.unwrap();
    client.users().get_user("u").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let n = requests.len();
    assert_eq!(header(&requests[n - 2], "x-request-id"), Some("42"));
    assert_eq!(header(&requests[n - 1], "x-request-id"), None);
    // A header value with a line break is refused, as for any header.
    let bad = CallOptions::new().header("x-a", "1\r\nx-b: 2");
    let err = client.users().get_user("u").with_options(bad).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}

/// A POST is retried where the server did not act on it (429, 503, no
/// connection), and after a timeout only with an idempotency key, since a
/// timed-out request may have been carried out.
#[tokio::test]
async fn a_post_is_retried_when_the_server_did_not_act_and_with_a_key_after_a_timeout() {
    use agilicus_api::{CallOptions, RetryPolicy};
    use std::time::Duration;
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(429)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(user_json())).mount(&server).await;
    let policy = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
    };
    let client = Client::builder().base_url(server.uri()).retry_policy(policy).build().unwrap();
    client.users().create_user(User::default()).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    // A timeout: without a key the POST is not sent again.
    server.reset().await;
    let slow = ResponseTemplate::new(201).set_body_json(user_json()).set_delay(Duration::from_millis(500));
    Mock::given(any()).respond_with(slow).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(user_json())).mount(&server).await;
    let quick = || CallOptions::new().timeout(Duration::from_millis(100));
    let err = client.users().create_user(User::default()).with_options(quick()).send().await.unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // With a key it is, the key on every attempt.
    server.reset().await;
    let slow = ResponseTemplate::new(201).set_body_json(user_json()).set_delay(Duration::from_millis(500));
    Mock::given(any()).respond_with(slow).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(user_json())).mount(&server).await;
    let keyed = quick().idempotency_key("create-ada-1");
    client.users().create_user(User::default()).with_options(keyed).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| header(r, "idempotency-key") == Some("create-ada-1")));
    // And a per-call policy can turn retrying off for one call.
    server.reset().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let once = CallOptions::new().retry_policy(RetryPolicy::none());
    client.users().get_user("u").with_options(once).send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_token_source_is_asked_once_per_call() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(user_json())).mount(&server).await;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = calls.clone();
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token_source(move || {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move { Ok::<_, std::io::Error>(format!("token-{n}")) }
        })
        .build()
        .unwrap();
    client.users().get_user("u").send().await.unwrap();
    client.clone().users().get_user("u").send().await.unwrap();
    let tokens: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| header(r, "authorization").unwrap_or_default().to_string())
        .collect();
    assert_eq!(tokens, ["Bearer token-0", "Bearer token-1"]);
    // A failing source fails the call before anything is sent.
    let failing = Client::builder()
        .base_url(server.uri())
        .bearer_token_source(|| async { Err::<String, _>(std::io::Error::other("refresh failed")) })
        .build()
        .unwrap();
    let err = failing.users().get_user("u").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(err.to_string().contains("refresh failed"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_token_swapped_on_a_shared_client_applies_to_every_clone() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(user_json())).await;
    let shared = client.clone();
    client.set_bearer_token("rotated-token");
    shared.users().get_user("u").send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "authorization"), Some("Bearer rotated-token"));
    assert!(!format!("{shared:?}").contains("rotated-token"));
}

#[tokio::test]
async fn parameters_out_of_the_spec_bounds_are_refused_before_sending() {
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(json!({"users": [], "limit": 1}))).await;
    let too_small = client.users().list_users().limit(0).send().await.unwrap_err();
    let Error::InvalidRequest { reason, .. } = &too_small else { panic!("{too_small:?}") };
    assert_eq!(reason, "parameter `limit` must be ≥ 1 (the spec's minimum), not 0");
    let long = "x".repeat(101);
    let too_long = client.users().list_users().email(long.clone()).send().await.unwrap_err();
    assert!(too_long.to_string().contains("`email` must be between 0 and 100 characters long"), "{too_long}");
    assert!(!too_long.to_string().contains(&long), "the value is not repeated");
    assert!(server.received_requests().await.unwrap().is_empty());
    // The switch on the builder sends them anyway.
    let unchecked = Client::builder().base_url(server.uri()).check_requests(false).build().unwrap();
    unchecked.users().list_users().limit(0).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn items_walks_every_page_and_stops() {
    use wiremock::matchers::{query_param, query_param_is_missing};
    let server = MockServer::start().await;
    let user = |email: &str| json!({"email": email, "first_name": "x"});
    let page = |users: Vec<serde_json::Value>, next: Option<&str>| {
        ResponseTemplate::new(200).set_body_json(json!({"users": users, "limit": 2, "next_page_email": next}))
    };
    Mock::given(query_param_is_missing("previous_email"))
        .respond_with(page(vec![user("a@x.io"), user("b@x.io")], Some("b@x.io")))
        .mount(&server)
        .await;
    Mock::given(query_param("previous_email", "b@x.io"))
        .respond_with(page(vec![user("c@x.io")], Some("c@x.io")))
        .mount(&server)
        .await;
    Mock::given(query_param("previous_email", "c@x.io")).respond_with(page(vec![], None)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let mut items = client.users().list_users().org_id("o1").limit(2).items();
    let mut emails = Vec::new();
    while let Some(user) = items.next().await {
        emails.push(user.unwrap().email.unwrap_or_default());
    }
    assert_eq!(emails, ["a@x.io", "b@x.io", "c@x.io"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    // The builder's parameters go with every page.
    assert!(requests.iter().all(|r| r.url.query().unwrap_or("").contains("org_id=o1")));
}

#[tokio::test]
async fn a_server_that_repeats_its_cursor_cannot_loop_the_walk() {
    let page = json!({"users": [{"email": "a@x.io"}], "limit": 1, "next_page_email": "a@x.io"});
    let (server, client) = serve(ResponseTemplate::new(200).set_body_json(page)).await;
    let mut items = client.users().list_users().items();
    let mut n = 0;
    while let Some(user) = items.next().await {
        user.unwrap();
        n += 1;
    }
    // The first page, then the page its cursor names; that page names the
    // same cursor again, which ends the walk.
    assert_eq!(n, 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_body_out_of_the_spec_bounds_is_refused_before_sending() {
    let (server, client) = serve(ResponseTemplate::new(201).set_body_json(user_json())).await;
    let user = User::default().with_email("x".repeat(101));
    let err = client.users().create_user(user).send().await.unwrap_err();
    let Error::InvalidRequest { reason, .. } = &err else { panic!("{err:?}") };
    assert_eq!(reason, "`body.email` must be between 0 and 100 characters long (the spec's length bounds), not 101");
    assert!(server.received_requests().await.unwrap().is_empty());
    let unchecked = Client::builder().base_url(server.uri()).check_requests(false).build().unwrap();
    let user = User::default().with_email("x".repeat(101));
    unchecked.users().create_user(user).send().await.unwrap();
}
