//! Bodies that are files or streams: raw uploads from memory or a stream,
//! `multipart/form-data` forms, and downloads read as a stream.
//!
//! This file is the same in every generated crate whose spec has such
//! bodies; a given spec uses only part of it.

#![allow(dead_code)]

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::header;
use serde::Serialize;

use crate::error::ApiResponse;
use crate::runtime::{Failure, Opened, Origin, ParamValue, Request};

/// A raw request body: bytes in memory, or a stream read as it is sent.
///
/// Built from `Vec<u8>`, [`Bytes`], `String` or static slices with `into()`,
/// or from a stream with [`Payload::stream`]. A request with a streamed body
/// is never retried, since the stream cannot be replayed.
pub struct Payload(Contents);

enum Contents {
    Memory(Bytes),
    Stream(reqwest::Body),
}

impl Payload {
    /// A body read from `stream` as the request goes out, so it need not fit
    /// in memory. A file becomes such a stream with
    /// `tokio_util::io::ReaderStream::new(file)`.
    pub fn stream<S>(stream: S) -> Self
    where
        S: futures_core::TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        Self(Contents::Stream(reqwest::Body::wrap_stream(stream)))
    }

    fn into_body(self) -> reqwest::Body {
        match self.0 {
            Contents::Memory(bytes) => bytes.into(),
            Contents::Stream(body) => body,
        }
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Contents::Memory(bytes) => write!(f, "Payload({} bytes)", bytes.len()),
            Contents::Stream(_) => f.write_str("Payload(stream)"),
        }
    }
}

impl From<Bytes> for Payload {
    fn from(bytes: Bytes) -> Self {
        Self(Contents::Memory(bytes))
    }
}

impl From<Vec<u8>> for Payload {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<&'static [u8]> for Payload {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl From<String> for Payload {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static str> for Payload {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

/// A file part of a `multipart/form-data` body: its contents, and
/// optionally the file name and media type sent with it.
#[derive(Debug)]
pub struct FilePart {
    contents: Payload,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file with these contents (bytes, or [`Payload::stream`]).
    pub fn new(contents: impl Into<Payload>) -> Self {
        Self { contents: contents.into(), file_name: None, content_type: None }
    }

    /// The file name the server is told.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's media type (`image/png`); without it, the spec's encoding
    /// or `application/octet-stream`.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

impl From<Payload> for FilePart {
    fn from(contents: Payload) -> Self {
        Self::new(contents)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

/// A `multipart/form-data` body under construction, part by part, as the
/// generated form types write themselves.
pub(crate) struct Multipart {
    form: reqwest::multipart::Form,
    invalid: Option<String>,
}

impl Multipart {
    pub(crate) fn new() -> Self {
        Self { form: reqwest::multipart::Form::new(), invalid: None }
    }

    fn add(&mut self, name: &'static str, part: reqwest::multipart::Part, media_type: Option<&str>) {
        let part = match media_type {
            None => part,
            Some(media_type) => match part.mime_str(media_type) {
                Ok(part) => part,
                Err(_) => {
                    let reason = format!("part `{name}` has an invalid media type {media_type:?}");
                    self.invalid.get_or_insert(reason);
                    return;
                }
            },
        };
        let form = std::mem::replace(&mut self.form, reqwest::multipart::Form::new());
        self.form = form.part(name, part);
    }

    /// A part holding a value as text, the way a query string would.
    pub(crate) fn text(&mut self, name: &'static str, value: &impl ParamValue, media_type: Option<&'static str>) {
        self.add(name, reqwest::multipart::Part::text(value.to_param()), media_type);
    }

    /// A part holding a value as JSON.
    pub(crate) fn json(&mut self, name: &'static str, value: &impl Serialize, media_type: Option<&'static str>) {
        match serde_json::to_string(value) {
            Ok(text) => {
                let part = reqwest::multipart::Part::text(text);
                self.add(name, part, Some(media_type.unwrap_or("application/json")));
            }
            Err(e) => {
                self.invalid.get_or_insert(format!("part `{name}` cannot be serialized: {e}"));
            }
        }
    }

    /// A file part; its own media type wins over the spec's `media_type`.
    pub(crate) fn file(&mut self, name: &'static str, file: FilePart, media_type: Option<&'static str>) {
        let mut part = match file.contents.0 {
            Contents::Memory(bytes) => {
                let length = bytes.len() as u64;
                reqwest::multipart::Part::stream_with_length(bytes, length)
            }
            Contents::Stream(body) => reqwest::multipart::Part::stream(body),
        };
        if let Some(file_name) = file.file_name {
            part = part.file_name(file_name);
        }
        let media_type = file.content_type.as_deref().or(media_type).unwrap_or("application/octet-stream");
        self.add(name, part, Some(media_type));
    }
}

impl Request<'_> {
    /// A raw body of the given media type.
    pub(crate) fn payload(&mut self, media_type: &'static str, payload: Payload) {
        self.attach(move |b| b.header(header::CONTENT_TYPE, media_type).body(payload.into_body()));
    }

    /// A `multipart/form-data` body; `reqwest` sets the boundary.
    pub(crate) fn multipart(&mut self, form: Multipart) {
        match form.invalid {
            Some(reason) => self.reject(reason),
            None => self.attach(move |b| b.multipart(form.form)),
        }
    }
}

/// A response body arriving in chunks, for downloads too large to hold in
/// memory.
///
/// A [`Stream`] of `std::io::Result<Bytes>`, so it plugs into the I/O
/// ecosystem: `tokio_util::io::StreamReader::new(stream)` is an `AsyncRead`,
/// ready for `tokio::io::copy` into a file.
pub struct ByteStream {
    chunks: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    origin: Origin,
}

impl Stream for ByteStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx).map(|chunk| chunk.map(|c| c.map_err(std::io::Error::other)))
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

impl Opened {
    /// The body as a stream, read as the caller pulls it.
    pub(crate) fn stream(mut self) -> ApiResponse<ByteStream> {
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        let chunks = Box::pin(self.response.bytes_stream());
        ApiResponse::new(status, headers, ByteStream { chunks, origin: self.origin })
    }
}

/// Reads a streamed body to its end, for callers who want it all at once.
pub(crate) async fn collect(response: ApiResponse<ByteStream>) -> Result<ApiResponse<Bytes>, Failure> {
    let (status, headers, mut stream) = response.into_parts();
    let mut body = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| stream.chunks.as_mut().poll_next(cx)).await {
        body.extend_from_slice(&chunk.map_err(|e| stream.origin.transport(e))?);
    }
    Ok(ApiResponse::new(status, headers, Bytes::from(body)))
}
