//! Per-request overhead of the generated client, next to the same request
//! written by hand with plain reqwest + serde, against a loopback server that
//! answers every request with the same canned body at once.
//!
//! `cargo xtask bench` runs this and reports generated / hand-written.

use std::hint::black_box;

use agilicus_api::models::{ListUsersResponse, User, UserStatusEnum};
use criterion::Criterion;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const USER: &str = r#"{"id":"u-1","email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","status":"active","type":"user","org_id":"org-1","roles":{"app":["admin"]},"created":"2021-03-26T10:00:00Z","enabled":true}"#;

/// Serves `body` as JSON for every request, keep-alive, on a free port,
/// from a thread of its own: on two cores, the client's thread and the
/// server's each get one, and neither waits on the other's scheduler.
fn serve(body: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                tokio::spawn(answer(socket, response.clone()));
            }
        });
    });
    url
}

/// Answers every request on one connection with `response`.
async fn answer(mut socket: tokio::net::TcpStream, response: String) {
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

/// The four requests measured, ready to be sent from the bench's thread.
struct Requests {
    rt: tokio::runtime::Runtime,
    user_client: agilicus_api::Client,
    list_client: agilicus_api::Client,
    plain: reqwest::Client,
    user_url: String,
    list_url: String,
}

const TOKEN: &str = "eyJhbGciOi.bench.token";

impl Requests {
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let user_url = serve(USER);
        let list = Box::leak(format!(r#"{{"users":[{USER},{USER},{USER}],"limit":3}}"#).into_boxed_str());
        let list_url = serve(list);
        let generated = |base: &str| {
            agilicus_api::Client::builder().base_url(base).bearer_token(TOKEN).build().unwrap()
        };
        // The same timeouts as the generated client's defaults: the figure
        // is the generated code's cost, not that of reqwest's timers.
        let plain = reqwest::Client::builder()
            .timeout(agilicus_api::DEFAULT_TIMEOUT)
            .connect_timeout(agilicus_api::DEFAULT_CONNECT_TIMEOUT)
            .build()
            .unwrap();
        Self {
            rt,
            user_client: generated(&user_url),
            list_client: generated(&list_url),
            plain,
            user_url,
            list_url,
        }
    }

    fn get_user_generated(&self) -> User {
        self.rt.block_on(self.user_client.users().get_user("u-1").send()).unwrap()
    }

    fn get_user_by_hand(&self) -> User {
        let url = reqwest::Url::parse(&format!("{}/users/u-1", self.user_url)).unwrap();
        self.rt.block_on(by_hand(&self.plain, url, TOKEN))
    }

    fn list_users_generated(&self) -> ListUsersResponse {
        let call = self
            .list_client
            .users()
            .list_users()
            .org_id("org-1")
            .limit(50)
            .status([UserStatusEnum::Active, UserStatusEnum::Pending])
            .send();
        self.rt.block_on(call).unwrap()
    }

    fn list_users_by_hand(&self) -> ListUsersResponse {
        let mut url = reqwest::Url::parse(&format!("{}/users", self.list_url)).unwrap();
        url.query_pairs_mut()
            .append_pair("org_id", "org-1")
            .append_pair("limit", "50")
            .append_pair("status", "active")
            .append_pair("status", "pending");
        self.rt.block_on(by_hand(&self.plain, url, TOKEN))
    }
}

fn bench(c: &mut Criterion, r: &Requests) {
    c.bench_function("get_user/generated", |b| b.iter(|| black_box(r.get_user_generated())));
    c.bench_function("get_user/hand_written", |b| b.iter(|| black_box(r.get_user_by_hand())));
    c.bench_function("list_users/generated", |b| b.iter(|| black_box(r.list_users_generated())));
    c.bench_function("list_users/hand_written", |b| b.iter(|| black_box(r.list_users_by_hand())));
}

/// The ratio generated / hand-written from interleaved batches: each round
/// times a batch of each, in alternating order, so that drift in the
/// machine's speed (which moves separate criterion runs by ±10% here) hits
/// both sides of every ratio alike. Returns the quartiles of the ratios.
fn paired(rounds: usize, batch: usize, generated: impl Fn(), by_hand: impl Fn()) -> [f64; 3] {
    let time = |f: &dyn Fn()| {
        let start = std::time::Instant::now();
        for _ in 0..batch {
            f();
        }
        start.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|round| {
            if round % 2 == 0 {
                let g = time(&generated);
                g / time(&by_hand)
            } else {
                let h = time(&by_hand);
                time(&generated) / h
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: usize| ratios[(ratios.len() - 1) * q / 4];
    [at(1), at(2), at(3)]
}

fn main() {
    let requests = Requests::new();
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &requests);
    criterion.final_summary();

    // `cargo bench` passes `--bench`; `cargo test` runs each part once.
    let (rounds, batch) = if std::env::args().any(|a| a == "--bench") { (101, 20) } else { (2, 1) };
    let r = &requests;
    let get_user = paired(rounds, batch, || drop(black_box(r.get_user_generated())), || {
        drop(black_box(r.get_user_by_hand()))
    });
    let list_users = paired(rounds, batch, || drop(black_box(r.list_users_generated())), || {
        drop(black_box(r.list_users_by_hand()))
    });
    let report = format!(
        r#"{{"get_user": {get_user:?}, "list_users": {list_users:?}, "rounds": {rounds}, "batch": {batch}}}"#
    );
    println!("paired ratios generated / hand-written (quartiles): {report}");
    // Where `cargo xtask bench` reads them.
    if let Some(path) = std::env::var_os("OVERHEAD_PAIRED_JSON") {
        std::fs::write(path, report).unwrap();
    }
}
