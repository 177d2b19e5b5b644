//! What a call returns: the response, or why there is none.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A response from the server: its status, its headers and its decoded body.
///
/// Successful calls return the body alone from `send()`; `send_with_response()`
/// returns this, for when the status or headers matter. Documented error
/// statuses carry one too, inside the operation's error enum.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    status: StatusCode,
    headers: Box<HeaderMap>,
    body: T,
}

impl<T> ApiResponse<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Self { status, headers: Box::new(headers), body }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the decoded body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    // Used by `transfer.rs`, which only some crates have.
    #[allow(dead_code)]
    pub(crate) fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, *self.headers, self.body)
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

/// Why a call failed.
///
/// `E` is the operation's own enum of the error statuses its spec documents;
/// everything else the server or the network can do is a variant here, with
/// the operation's id for context. Credentials never appear in the message.
#[derive(Debug, thiserror::Error)]
pub enum Error<E> {
    /// The server answered with an error status the spec documents.
    #[error("{0}")]
    Api(E),
    /// The server answered with a status the spec does not document for this
    /// operation. Status, headers and body text are kept.
    #[error("{operation}: unexpected status {}: {}", response.status(), excerpt(response.body()))]
    UnexpectedStatus {
        /// The operation's id in the spec.
        operation: &'static str,
        /// The response, with its body as text.
        response: ApiResponse<String>,
    },
    /// The body did not match the documented schema.
    #[error("{operation}: the {status} response does not match its schema: {source}; body: {excerpt}")]
    Decode {
        /// The operation's id in the spec.
        operation: &'static str,
        /// The status of the response.
        status: StatusCode,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
        /// The start of the body, for diagnosis.
        excerpt: String,
    },
    /// The request could not be sent or the response not received
    /// (connection, TLS, timeout).
    #[error("{operation}: {method} {url}: request failed: {source}")]
    Transport {
        /// The operation's id in the spec.
        operation: &'static str,
        /// The request's method.
        method: reqwest::Method,
        /// The URL without its query string, which may hold credentials.
        url: String,
        /// What `reqwest` reported.
        #[source]
        source: reqwest::Error,
    },
    /// The request was not sent because it could not be built faithfully
    /// (a header value with a line break, a path parameter of `..`, …).
    #[error("{operation}: invalid request: {reason}")]
    InvalidRequest {
        /// The operation's id in the spec.
        operation: &'static str,
        /// What could not be built, without the offending value.
        reason: String,
    },
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered and the answer was not
    /// one of the operation's documented errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::UnexpectedStatus { response, .. } => Some(response.status()),
            Error::Decode { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Api(_) | Error::InvalidRequest { .. } => None,
        }
    }

    /// The operation's documented error, if that is what this is.
    pub fn api(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// At most this many bytes of a body go into an error message.
const EXCERPT_LEN: usize = 512;

/// The start of `text`, cut at a character boundary.
pub(crate) fn excerpt(text: &str) -> Excerpt<'_> {
    let mut end = text.len().min(EXCERPT_LEN);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Excerpt { text: &text[..end], cut: end < text.len() }
}

/// A bounded, displayable prefix of a body.
pub(crate) struct Excerpt<'a> {
    text: &'a str,
    cut: bool,
}

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)?;
        if self.cut { f.write_str("…") } else { Ok(()) }
    }
}
