//! The generated client against a server on loopback: requests as the
//! spec describes them, responses and documented errors decoded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use petshop_client::Client;

/// Serves each canned `(status, body)` once, in order, and sends back each
/// request line it got (`GET /v1/pets?species=cat&limit=1`).
fn serve(answers: Vec<(u16, &'static str)>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let (seen, requests) = mpsc::channel();
    std::thread::spawn(move || {
        for (status, body) in answers {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut length = 0;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                if header == "\r\n" {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut request_body = vec![0; length];
            reader.read_exact(&mut request_body).unwrap();
            seen.send(line.trim_end().to_string()).unwrap();
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            reader.get_mut().write_all(response.as_bytes()).unwrap();
        }
    });
    (url, requests)
}

#[tokio::test]
async fn the_app_finds_the_cheapest_cat() {
    let (url, requests) =
        serve(vec![(200, r#"[{"name":"Tom","species":"cat","price_cents":1500}]"#)]);
    let client = Client::builder().base_url(url).build().unwrap();
    let cat = petshop_app::cheapest_cat(&client).await.unwrap().unwrap();
    assert_eq!((cat.name.as_str(), cat.price_cents), ("Tom", 1500));
    assert_eq!(requests.recv().unwrap(), "GET /v1/pets?species=cat&limit=1 HTTP/1.1");
}

#[tokio::test]
async fn a_documented_404_is_no_pet() {
    let body = r#"{"message":"no such pet"}"#;
    let (url, requests) = serve(vec![
        (404, body),
        (200, r#"{"name":"Rex","species":"dog","price_cents":900,"sold":false}"#),
    ]);
    let client = Client::builder().base_url(url).build().unwrap();
    assert_eq!(petshop_app::price_of(&client, "Nemo").await.unwrap(), None);
    assert_eq!(petshop_app::price_of(&client, "Rex").await.unwrap(), Some(900));
    assert_eq!(requests.recv().unwrap(), "GET /v1/pets/Nemo HTTP/1.1");
    assert_eq!(requests.recv().unwrap(), "GET /v1/pets/Rex HTTP/1.1");
}
