//! Every operation of the client against Prism, an independent OpenAPI mock
//! server that validates each request against `spec/agilicus.yaml` and
//! answers with the spec's responses.
//!
//! `cargo xtask test` installs Prism, starts it on loopback (once serving
//! static examples, once `--dynamic` random schema-valid data) and runs these
//! tests with `PRISM_URL` set. Prism runs with `--errors`, so a request that
//! violates the spec comes back as a 422 listing the violations, which fails
//! the call here. Run alone, without Prism, the tests are ignored.

use std::collections::BTreeMap;
use std::fmt::Debug;

use agilicus_api::apis::users;
use agilicus_api::models::*;
use agilicus_api::{Client, Error, Nullable};
use chrono::{TimeZone, Utc};

fn base_url() -> String {
    std::env::var("PRISM_URL").expect("PRISM_URL names the Prism server")
}

/// In dynamic mode responses are random, so every call runs several times.
fn rounds() -> usize {
    if std::env::var("PRISM_DYNAMIC").is_ok_and(|v| v == "1") { 5 } else { 1 }
}

fn client() -> Client {
    Client::builder().base_url(base_url()).bearer_token("e2e-token").build().unwrap()
}

/// A client whose every request asks Prism for the given status.
fn client_preferring(status: u16) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("prefer", format!("code={status}").parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    Client::builder().base_url(base_url()).bearer_token("e2e-token").http_client(http).build().unwrap()
}

/// Collects failures so one run reports every broken operation.
#[derive(Default)]
struct Outcomes {
    failures: Vec<String>,
    calls: usize,
}

impl Outcomes {
    fn check<T, E: Debug + std::fmt::Display>(&mut self, operation: &str, result: Result<T, Error<E>>) {
        self.calls += 1;
        if let Err(e) = result {
            self.failures.push(format!("{operation}: {e}"));
        }
    }

    fn finish(self, expected_calls: usize) {
        assert_eq!(self.calls, expected_calls, "not every operation was called");
        assert!(self.failures.is_empty(), "{} failures:\n{}", self.failures.len(), self.failures.join("\n"));
    }
}

fn roles() -> Roles {
    BTreeMap::from([("app-1".to_string(), vec!["admin".to_string(), "viewer".to_string()])])
}

fn user() -> User {
    User::default()
        .with_external_id("ext-1")
        .with_enabled(true)
        .with_status(UserStatusEnum::Active)
        .with_first_name("Ada")
        .with_last_name("Lovelace")
        .with_email("ada@example.com")
        .with_provider("google.com")
        .with_roles(roles())
        .with_org_id("org-1")
        .with_auto_created(false)
        .with_cascade(false)
}

fn challenge_method() -> MfaChallengeMethod {
    MfaChallengeMethod::new(
        MfaChallengeMethodSpec::new(1, "sms", "+15555550100")
            .with_origin("agilicus.cloud")
            .with_nickname("phone")
            .with_enabled(true),
    )
}

fn upstream_identity() -> UpstreamUserIdentity {
    UpstreamUserIdentity::new(UpstreamUserIdentitySpec::new(
        "upstream-1",
        "idp-1",
        "user-1",
    ))
}

fn service_account() -> ServiceAccount {
    ServiceAccount::new(
        ServiceAccountSpec::new("robot", "org-1")
            .with_enabled(true)
            .with_allowed_sub_orgs(vec!["org-2".into()]),
    )
}

fn user_metadata() -> UserMetadata {
    UserMetadata::new(
        UserMetadataSpec::new("user-1")
            .with_org_id("org-1")
            .with_name("expiry")
            .with_data_type(UserMetadataSpecDataType::MfaEnrollmentExpiry)
            .with_data("2021-04-01T00:00:00Z"),
    )
}

fn user_request() -> UserRequestInfo {
    let mut spec = UserRequestInfoSpec::new(
        "user-1",
        "org-1",
        "app-1",
        UserRequestInfoSpecRequestedResourceType::ApplicationAccess,
    );
    spec.request_information = Some("please".into());
    spec.state = Some(UserRequestInfoSpecState::Pending);
    UserRequestInfo::new(spec)
}

const OPERATIONS: usize = 45;

/// Calls all 45 operations once each, with realistic arguments including
/// optional query parameters, arrays and nested bodies.
async fn call_everything(c: &Client, out: &mut Outcomes) {
    let u = c.users();
    out.check(
        "bulk_update_metadata",
        u.bulk_update_metadata()
            .bulk_user_metadata(
                BulkUserMetadata::new(BulkUserMetadataDataType::UserOrgData, "{}")
                    .with_org_id("org-1")
                    .with_app_id("app-1")
                    .with_name("expiry"),
            )
            .send()
            .await,
    );
    out.check("create_challenge_method", u.create_challenge_method("user-1", challenge_method()).send().await);
    out.check("create_service_account", u.create_service_account(service_account()).send().await);
    out.check(
        "create_upstream_user_identity",
        u.create_upstream_user_identity("user-1", upstream_identity()).send().await,
    );
    out.check("create_user", u.create_user(user()).send().await);
    out.check(
        "create_user_identity_update",
        u.create_user_identity_update(
            "user-1",
            UserIdentityUpdate::new(
                UserIdentityUpdateSpec::default()
                    .with_primary_email("ada@example.com")
                    .with_first_name("Ada")
                    .with_last_name("King"),
            ),
        )
        .send()
        .await,
    );
    out.check("create_user_metadata", u.create_user_metadata(user_metadata()).send().await);
    out.check("create_user_request", u.create_user_request(user_request()).send().await);
    out.check("delete_challenge_method", u.delete_challenge_method("user-1", "cm-1").send().await);
    out.check("delete_service_account", u.delete_service_account("sa-1").org_id("org-1").send().await);
    out.check(
        "delete_upstream_user_identity",
        u.delete_upstream_user_identity("user-1", "up-1").send().await,
    );
    out.check("delete_user", u.delete_user("org-1", "user-1").send().await);
    out.check(
        "delete_user_metadata",
        u.delete_user_metadata("md-1").user_id("user-1").org_id("org-1").send().await,
    );
    out.check(
        "delete_user_request",
        u.delete_user_request("req-1").user_id("user-1").org_id("org-1").send().await,
    );
    out.check("get_challenge_method", u.get_challenge_method("user-1", "cm-1").send().await);
    out.check("get_service_account", u.get_service_account("sa-1").org_id("org-1").send().await);
    out.check("get_upstream_user_identity", u.get_upstream_user_identity("user-1", "up-1").send().await);
    out.check("get_user", u.get_user("user-1").org_id("org-1").send().await);
    out.check(
        "get_user_metadata",
        u.get_user_metadata("md-1").org_id("org-1").user_id("user-1").send().await,
    );
    out.check(
        "get_user_request",
        u.get_user_request("req-1").org_id("org-1").user_id("user-1").send().await,
    );
    out.check(
        "list_access_requests",
        u.list_access_requests("org-1")
            .limit(10)
            .user_id("user-1")
            .request_state("pending")
            .request_type("application_access")
            .email("")
            .search_direction("forwards")
            .send()
            .await,
    );
    out.check(
        "list_all_resource_permissions",
        u.list_all_resource_permissions("user-1", "org-1").send().await,
    );
    out.check("list_all_user_orgs", u.list_all_user_orgs("user-1").issuer("example.com").send().await);
    out.check("list_all_user_roles", u.list_all_user_roles("user-1").org_id("org-1").send().await);
    out.check(
        "list_challenge_methods",
        u.list_challenge_methods("user-1")
            .limit(5)
            .challenge_type("sms")
            .method_status(true)
            .method_origin("agilicus.cloud")
            .send()
            .await,
    );
    out.check(
        "list_combined_user_details",
        u.list_combined_user_details()
            .email("ada@example.com")
            .previous_email("")
            .org_id("org-1")
            .limit(20)
            .r#type("user")
            .user_id("user-1")
            .status([UserStatusEnum::Active, UserStatusEnum::Pending])
            .mfa_enrolled(true)
            .auto_created(false)
            .search_direction("backwards")
            .prefix_email_search("Ad")
            .allow_partial_match(true)
            .first_name("Ada")
            .last_name("Lovelace")
            .search_params(["ada", "love"])
            .send()
            .await,
    );
    out.check(
        "list_org_user_roles",
        u.list_org_user_roles().org_id("org-1").user_id("user-1").limit(500).offset(0).send().await,
    );
    out.check(
        "list_service_accounts",
        u.list_service_accounts().org_id("org-1").user_id("user-1").limit(1).send().await,
    );
    out.check(
        "list_upstream_user_identities",
        u.list_upstream_user_identities("user-1").limit(3).send().await,
    );
    out.check(
        "list_user_application_access_info",
        u.list_user_application_access_info("org-1", "user-1").limit(7).send().await,
    );
    out.check(
        "list_user_file_share_access_info",
        u.list_user_file_share_access_info("org-1", "user-1").limit(7).send().await,
    );
    out.check(
        "list_user_guids",
        u.list_user_guids().updated_since(Utc.with_ymd_and_hms(2015, 7, 7, 13, 49, 51).unwrap()).send().await,
    );
    out.check(
        "list_user_metadata",
        u.list_user_metadata()
            .limit(50)
            .user_id("user-1")
            .org_id("org-1")
            .app_id("app-1")
            .data_type("mfa_enrollment_expiry")
            .send()
            .await,
    );
    out.check("list_user_permissions", u.list_user_permissions("user-1").org_id("org-1").send().await);
    out.check(
        "list_user_requests",
        u.list_user_requests()
            .limit(50)
            .user_id("user-1")
            .org_id("org-1")
            .request_state("pending")
            .request_type("file_share_access")
            .send()
            .await,
    );
    out.check(
        "list_users",
        u.list_users()
            .email("ada@example.com")
            .previous_email("")
            .provider("google.com")
            .org_id("org-1")
            .issuer("example.com")
            .limit(100)
            .r#type(["user", "group"])
            .upstream_user_id("1234-abcd")
            .upstream_idp_id("sad934lsawql2")
            .status([UserStatusEnum::Active, UserStatusEnum::Disabled])
            .search_direction("forwards")
            .has_roles(true)
            .has_resource_roles(false)
            .prefix_email_search("ada")
            .orgless_users(false)
            .allow_partial_match(true)
            .first_name("Ada")
            .last_name("Lovelace")
            .user_id("user-1")
            .search_params(["mat", "ada"])
            .send()
            .await,
    );
    out.check(
        "replace_challenge_method",
        u.replace_challenge_method("user-1", "cm-1").mfa_challenge_method(challenge_method()).send().await,
    );
    out.check(
        "replace_service_account",
        u.replace_service_account("sa-1").service_account(service_account()).send().await,
    );
    out.check(
        "replace_upstream_user_identity",
        u.replace_upstream_user_identity("user-1", "up-1")
            .upstream_user_identity(upstream_identity())
            .send()
            .await,
    );
    out.check("replace_user", u.replace_user("user-1").user(user()).send().await);
    out.check(
        "replace_user_metadata",
        u.replace_user_metadata("md-1").user_metadata(user_metadata()).send().await,
    );
    out.check(
        "replace_user_request",
        u.replace_user_request("req-1").user_request_info(user_request()).send().await,
    );
    out.check(
        "replace_user_role",
        u.replace_user_role("user-1")
            .org_id("org-1")
            .replace_user_role_request(ReplaceUserRoleRequest::default().with_roles(roles()))
            .send()
            .await,
    );
    out.check(
        "reset_user_mfa_challenge_methods",
        u.reset_user_mfa_challenge_methods("user-1", ResetMfaChallengeMethod::new("org-1"))
            .send()
            .await,
    );
    out.check(
        "update_user_request",
        u.update_user_request("req-1").user_request_info(user_request()).send().await,
    );
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn every_operation_is_valid_and_decodes() {
    let client = client();
    let mut out = Outcomes::default();
    let rounds = rounds();
    for _ in 0..rounds {
        call_everything(&client, &mut out).await;
    }
    out.finish(OPERATIONS * rounds);
}

/// Asserts `result` is the documented error `expected` describes.
fn expect_api<T: Debug, E: Debug>(operation: &str, result: Result<T, Error<E>>, is_expected: impl Fn(&E) -> bool) {
    match result {
        Err(Error::Api(e)) if is_expected(&e) => {}
        other => panic!("{operation}: expected the documented error, got {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn documented_404s_are_typed_errors() {
    let c = client_preferring(404);
    let u = c.users();
    use users::*;
    expect_api("get_user", u.get_user("x").send().await, |e| matches!(e, GetUserError::NotFound(r) if r.status() == 404));
    expect_api("replace_user", u.replace_user("x").user(user()).send().await, |e| matches!(e, ReplaceUserError::NotFound(_)));
    expect_api("list_user_permissions", u.list_user_permissions("x").send().await, |e| matches!(e, ListUserPermissionsError::NotFound(_)));
    expect_api("get_challenge_method", u.get_challenge_method("x", "y").send().await, |e| matches!(e, GetChallengeMethodError::NotFound(_)));
    expect_api("replace_challenge_method", u.replace_challenge_method("x", "y").send().await, |e| matches!(e, ReplaceChallengeMethodError::NotFound(_)));
    expect_api("delete_challenge_method", u.delete_challenge_method("x", "y").send().await, |e| matches!(e, DeleteChallengeMethodError::NotFound(_)));
    expect_api("list_all_user_orgs", u.list_all_user_orgs("x").send().await, |e| matches!(e, ListAllUserOrgsError::NotFound(_)));
    expect_api("replace_user_role", u.replace_user_role("x").send().await, |e| matches!(e, ReplaceUserRoleError::NotFound(_)));
    expect_api("get_upstream_user_identity", u.get_upstream_user_identity("x", "y").send().await, |e| matches!(e, GetUpstreamUserIdentityError::NotFound(_)));
    expect_api("replace_upstream_user_identity", u.replace_upstream_user_identity("x", "y").send().await, |e| matches!(e, ReplaceUpstreamUserIdentityError::NotFound(_)));
    expect_api("delete_upstream_user_identity", u.delete_upstream_user_identity("x", "y").send().await, |e| matches!(e, DeleteUpstreamUserIdentityError::NotFound(_)));
    expect_api("delete_user", u.delete_user("o", "x").send().await, |e| matches!(e, DeleteUserError::NotFound(_)));
    expect_api("get_service_account", u.get_service_account("x").send().await, |e| matches!(e, GetServiceAccountError::NotFound(_)));
    expect_api("replace_service_account", u.replace_service_account("x").send().await, |e| matches!(e, ReplaceServiceAccountError::NotFound(_)));
    expect_api("delete_service_account", u.delete_service_account("x").send().await, |e| matches!(e, DeleteServiceAccountError::NotFound(_)));
    expect_api("get_user_metadata", u.get_user_metadata("x").send().await, |e| matches!(e, GetUserMetadataError::NotFound(_)));
    expect_api("replace_user_metadata", u.replace_user_metadata("x").send().await, |e| matches!(e, ReplaceUserMetadataError::NotFound(_)));
    expect_api("delete_user_metadata", u.delete_user_metadata("x").send().await, |e| matches!(e, DeleteUserMetadataError::NotFound(_)));
    expect_api("get_user_request", u.get_user_request("x").send().await, |e| matches!(e, GetUserRequestError::NotFound(_)));
    expect_api("replace_user_request", u.replace_user_request("x").send().await, |e| matches!(e, ReplaceUserRequestError::NotFound(_)));
    expect_api("update_user_request", u.update_user_request("x").send().await, |e| matches!(e, UpdateUserRequestError::NotFound(_)));
    expect_api("delete_user_request", u.delete_user_request("x").send().await, |e| matches!(e, DeleteUserRequestError::NotFound(_)));
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn an_explicit_null_on_a_nullable_property_is_valid() {
    // `provider` is optional and nullable: `null` clears it, and Prism's
    // validation of the request against the spec accepts it.
    let mut cleared = user();
    cleared.provider = Nullable::Null;
    let result = client().users().replace_user("x").user(cleared).send().await;
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn documented_409_is_a_typed_error() {
    let c = client_preferring(409);
    expect_api("create_user", c.users().create_user(user()).send().await, |e| {
        matches!(e, users::CreateUserError::Conflict(r) if r.status() == 409)
    });
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn a_request_prism_rejects_is_reported_with_its_violations() {
    // limit must be >= 1: the spec says so, and Prism enforces it (with the
    // client's own checks off, so the request reaches Prism).
    let unchecked = Client::builder().base_url(base_url()).bearer_token("token").check_requests(false).build().unwrap();
    let err = unchecked.users().list_users().limit(0).send().await.unwrap_err();
    let Error::UnexpectedStatus { response, .. } = &err else { panic!("{err:?}") };
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.body().contains("limit"), "{}", response.body());
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn constraint_refusals_happen_before_prism_sees_the_request() {
    let err = client().users().list_users().limit(0).send().await.unwrap_err();
    let Error::InvalidRequest { reason, .. } = &err else { panic!("{err:?}") };
    assert!(reason.contains("`limit`") && reason.contains("minimum"), "{reason}");
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn items_walk_prisms_pages() {
    // Static responses are the same page every time, whose cursor repeats:
    // the walk must end. Dynamic ones invent a new cursor each time, so
    // only the first pages are taken there.
    let dynamic = std::env::var("PRISM_DYNAMIC").is_ok_and(|v| v == "1");
    let c = client();
    let mut items = c.users().list_users().limit(5).items();
    let mut n = 0;
    while let Some(user) = items.next().await {
        user.unwrap();
        n += 1;
        if n == 50 {
            assert!(dynamic, "the walk over static pages did not end");
            break;
        }
    }
}

#[tokio::test]
#[ignore = "needs Prism: run through `cargo xtask test`"]
async fn a_missing_token_is_refused() {
    let client = Client::builder().base_url(base_url()).build().unwrap();
    let err = client.users().get_user("x").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err:?}");
}
