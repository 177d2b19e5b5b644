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

/// A response with a status the spec documents as an error for the
/// operation: status, headers, the body as received, and the body decoded
/// as documented when it matches. A body that does not match (or is empty
/// where the spec promised JSON) never hides the status: the typed error
/// still arrives, with [`body`](Self::body) `None` and the reason in
/// [`decode_error`](Self::decode_error).
#[derive(Debug, Clone)]
pub struct ErrorResponse<T> {
    status: StatusCode,
    headers: Box<HeaderMap>,
    text: String,
    body: Result<T, String>,
}

impl<T> ErrorResponse<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, text: String, body: Result<T, String>) -> Self {
        Self { status, headers: Box::new(headers), text, body }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received (invalid UTF-8 replaced).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The body decoded as the spec documents it, if it matched.
    pub fn body(&self) -> Option<&T> {
        self.body.as_ref().ok()
    }

    /// Takes the decoded body, if it matched.
    pub fn into_body(self) -> Option<T> {
        self.body.ok()
    }

    /// Why the body did not decode, if it did not.
    pub fn decode_error(&self) -> Option<&str> {
        self.body.as_ref().err().map(String::as_str)
    }

    /// Status, headers and body text, whatever the body's type.
    pub fn parts(&self) -> ResponseParts<'_> {
        ResponseParts { status: self.status, headers: &self.headers, text: &self.text }
    }
}

/// Status, headers and body text of a response, whatever its operation.
#[derive(Debug, Clone, Copy)]
pub struct ResponseParts<'a> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// The body as received (invalid UTF-8 replaced).
    pub text: &'a str,
}

/// What every operation's error enum can tell, whatever the operation: the
/// response behind the documented error.
pub trait ApiError: std::error::Error + Send + Sync + 'static {
    /// Status, headers and body text of the response.
    fn response(&self) -> ResponseParts<'_>;
}

/// Why a call failed.
///
/// `E` is the operation's own enum of the error statuses its spec documents;
/// everything else the server or the network can do is a variant here, with
/// the operation's id for context. Credentials never appear in the message.
/// New kinds of failure may be added: match with a catch-all arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// A success body did not match the documented schema. (An error
    /// status the spec documents arrives as [`Error::Api`] whatever its
    /// body.)
    #[error("{operation}: the {} response does not match its schema; body: {}", response.status(), excerpt(response.body()))]
    Decode {
        /// The operation's id in the spec.
        operation: &'static str,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
        /// The response, with its body as text.
        response: ApiResponse<String>,
    },
    /// The request could not be sent or the response not received
    /// (connection, TLS, timeout).
    #[error("{operation}: {method} {url}: {}", failure(source))]
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
    /// The call took longer than the client's deadline, retries and
    /// backoff included (see `ClientBuilder::deadline`).
    #[error("{operation}: {method} {url}: timed out: gave up after the call's deadline of {deadline:?}")]
    Deadline {
        /// The operation's id in the spec.
        operation: &'static str,
        /// The request's method.
        method: reqwest::Method,
        /// The URL without its query string.
        url: String,
        /// The deadline that passed.
        deadline: std::time::Duration,
    },
    /// The response body was larger than the client reads into memory (see
    /// `ClientBuilder::max_body_size`; streamed downloads have no limit).
    #[error("{operation}: the response body is larger than {limit} bytes, the client's limit for bodies read into memory")]
    BodyTooLarge {
        /// The operation's id in the spec.
        operation: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A streamed response sent nothing (no item, no keep-alive) for the
    /// idle time: the call's timeout, or the client's (see `ClientBuilder::timeout`).
    #[error("{operation}: the stream sent nothing for {idle:?}, so it was closed")]
    StreamIdle {
        /// The operation's id in the spec.
        operation: &'static str,
        /// How long the stream was silent.
        idle: std::time::Duration,
    },
    /// One item of a streamed response (an event's data, a line) was
    /// larger than a stream holds in memory; the stream ends.
    #[error("{operation}: a streamed item is larger than {limit} bytes, the most one may hold")]
    ItemTooLarge {
        /// The operation's id in the spec.
        operation: &'static str,
        /// The limit, in bytes.
        limit: usize,
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

impl<E: ApiError> Error<E> {
    /// The HTTP status, whenever the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.response().status),
            Error::UnexpectedStatus { response, .. } | Error::Decode { response, .. } => {
                Some(response.status())
            }
            Error::Transport { source, .. } => source.status(),
            Error::InvalidRequest { .. }
            | Error::Deadline { .. }
            | Error::BodyTooLarge { .. }
            | Error::StreamIdle { .. }
            | Error::ItemTooLarge { .. } => None,
        }
    }

    /// Status, headers and body text, whenever the server answered.
    pub fn response(&self) -> Option<ResponseParts<'_>> {
        match self {
            Error::Api(e) => Some(e.response()),
            Error::UnexpectedStatus { response, .. } | Error::Decode { response, .. } => {
                Some(ResponseParts { status: response.status(), headers: response.headers(), text: response.body() })
            }
            Error::Transport { .. }
            | Error::InvalidRequest { .. }
            | Error::Deadline { .. }
            | Error::BodyTooLarge { .. }
            | Error::StreamIdle { .. }
            | Error::ItemTooLarge { .. } => None,
        }
    }
}

impl<E> Error<E> {
    /// The operation's documented error, if that is what this is.
    pub fn api(&self) -> Option<&E> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// Any operation's error without the operation's own type: every
/// `Error<E>` converts into it with `?`, so an application calling many
/// operations needs one error type, not one `From` per operation.
#[derive(Debug)]
pub struct AnyError(Error<Documented>);

/// A documented error status of some operation: its message and response.
#[derive(Debug, Clone)]
pub struct Documented {
    message: String,
    status: StatusCode,
    headers: Box<HeaderMap>,
    text: String,
}

impl fmt::Display for Documented {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Documented {}

impl ApiError for Documented {
    fn response(&self) -> ResponseParts<'_> {
        ResponseParts { status: self.status, headers: &self.headers, text: &self.text }
    }
}

impl<E: ApiError> From<Error<E>> for AnyError {
    fn from(e: Error<E>) -> Self {
        AnyError(match e {
            Error::Api(api) => {
                let parts = api.response();
                Error::Api(Documented {
                    message: api.to_string(),
                    status: parts.status,
                    headers: Box::new(parts.headers.clone()),
                    text: parts.text.to_string(),
                })
            }
            Error::UnexpectedStatus { operation, response } => {
                Error::UnexpectedStatus { operation, response }
            }
            Error::Decode { operation, source, response } => {
                Error::Decode { operation, source, response }
            }
            Error::Transport { operation, method, url, source } => {
                Error::Transport { operation, method, url, source }
            }
            Error::InvalidRequest { operation, reason } => {
                Error::InvalidRequest { operation, reason }
            }
            Error::Deadline { operation, method, url, deadline } => {
                Error::Deadline { operation, method, url, deadline }
            }
            Error::BodyTooLarge { operation, limit } => Error::BodyTooLarge { operation, limit },
            Error::StreamIdle { operation, idle } => Error::StreamIdle { operation, idle },
            Error::ItemTooLarge { operation, limit } => Error::ItemTooLarge { operation, limit },
        })
    }
}

impl AnyError {
    /// The HTTP status, whenever the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status()
    }

    /// Status, headers and body text, whenever the server answered.
    pub fn response(&self) -> Option<ResponseParts<'_>> {
        self.0.response()
    }

    /// The error, with documented errors as [`Documented`].
    pub fn error(&self) -> &Error<Documented> {
        &self.0
    }

    /// Takes the error.
    pub fn into_error(self) -> Error<Documented> {
        self.0
    }
}

impl fmt::Display for AnyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for AnyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

/// What went wrong on the way, said without repeating the source error
/// (which callers reach through `source()`).
fn failure(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_redirect() {
        "too many redirects"
    } else if e.is_body() || e.is_decode() {
        "failed while reading the response body"
    } else {
        "request failed"
    }
}

/// What the server said went wrong, read from an error body: `message`,
/// `error.message` (or `error` as text), `error_description` (OAuth),
/// or an RFC 9457 problem's `detail` (else its `title`). Shown as
/// `: <message>`, or nothing when the body says none of these.
#[allow(dead_code)] // Only crates with a documented error status use it.
pub(crate) fn server_message(text: &str) -> ServerMessage {
    let Ok(body) = serde_json::from_str::<serde_json::Value>(text) else { return ServerMessage(None) };
    let text_at = |pointer: &str| body.pointer(pointer).and_then(serde_json::Value::as_str);
    let found = ["/message", "/error/message", "/error_description", "/detail", "/title", "/error", "/errors/0/message"]
        .iter()
        .find_map(|p| text_at(p))
        .filter(|m| !m.trim().is_empty());
    ServerMessage(found.map(|m| excerpt(m).text.to_string()))
}

/// The server's message in an error, shown after a colon.
#[allow(dead_code)] // As `server_message`.
pub(crate) struct ServerMessage(Option<String>);

impl fmt::Display for ServerMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(message) => write!(f, ": {message}"),
            None => Ok(()),
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
