//! Per-request overhead of the generated client, next to the same request
//! written by hand with plain reqwest + serde, against a loopback server that
//! answers every request with the same canned body at once.
//!
//! `cargo xtask bench` runs this and reports generated / hand-written.

use std::hint::black_box;

use agilicus_api::models::{ListUsersResponse, User, UserStatusEnum};
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

const USER: &str = r#"{"id":"u-1","email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","status":"active","type":"user","org_id":"org-1","roles":{"app":["admin"]},"created":"2021-03-26T10:00:00Z","enabled":true}"#;

/// Serves `body` as JSON for every request, keep-alive, on a free port.
fn serve(rt: &Runtime, body: &'static str) -> String {
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    rt.spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut filled = 0;
                loop {
                    let Ok(n) = socket.read(&mut buf[filled..]).await else { return };
                    if n == 0 {
                        return;
                    }
                    filled += n;
                    // Requests here have no body: the head ends the request.
                    while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                        buf.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                }
            });
        }
    });
    url
}

/// The request as a careful person writes it with reqwest and serde alone.
async fn by_hand<T: serde::de::DeserializeOwned>(client: &reqwest::Client, url: reqwest::Url, token: &str) -> T {
    let response = client
        .get(url)
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn bench(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let user_url = serve(&rt, USER);
    let list = Box::leak(format!(r#"{{"users":[{USER},{USER},{USER}],"limit":3}}"#).into_boxed_str());
    let list_url = serve(&rt, list);
    let token = "eyJhbGciOi.bench.token";

    let generated = |base: &str| {
        agilicus_api::Client::builder().base_url(base).bearer_token(token).build().unwrap()
    };
    let plain = reqwest::Client::new();

    let client = generated(&user_url);
    c.bench_function("get_user/generated", |b| {
        b.iter(|| rt.block_on(async { black_box(client.users().get_user("u-1").send().await.unwrap()) }))
    });
    c.bench_function("get_user/hand_written", |b| {
        b.iter(|| {
            let url = reqwest::Url::parse(&format!("{user_url}/users/u-1")).unwrap();
            rt.block_on(async { black_box(by_hand::<User>(&plain, url, token).await) })
        })
    });

    let client = generated(&list_url);
    c.bench_function("list_users/generated", |b| {
        b.iter(|| {
            rt.block_on(async {
                let users = client
                    .users()
                    .list_users()
                    .org_id("org-1")
                    .limit(50)
                    .status([UserStatusEnum::Active, UserStatusEnum::Pending])
                    .send()
                    .await
                    .unwrap();
                black_box(users)
            })
        })
    });
    c.bench_function("list_users/hand_written", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut url = reqwest::Url::parse(&format!("{list_url}/users")).unwrap();
                url.query_pairs_mut()
                    .append_pair("org_id", "org-1")
                    .append_pair("limit", "50")
                    .append_pair("status", "active")
                    .append_pair("status", "pending");
                black_box(by_hand::<ListUsersResponse>(&plain, url, token).await)
            })
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
