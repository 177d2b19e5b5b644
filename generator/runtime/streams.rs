//! Responses whose body is items over time: server-sent events (parsed as
//! the WHATWG HTML standard says), JSON Lines and JSON text sequences
//! (RFC 7464).
//!
//! Items are handed out as their bytes arrive: nothing is read ahead of the
//! caller but the network's own chunks, and memory is bounded by the largest
//! single item (`MAX_ITEM`). This file is the same in every generated crate
//! whose spec has such a response.
//!
//! The parser is written here rather than taken from a crate: the usual SSE
//! crates bring a parser-combinator library, which would cost a streaming
//! client more to compile than this whole file.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use futures_core::Stream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::{ApiResponse, Error};
use crate::runtime::{Failure, Opened, Origin};


/// The largest item a stream holds in memory (16 MiB): an event's data, a
/// line. A larger one ends the stream with [`Error::ItemTooLarge`].
pub const MAX_ITEM: usize = 16 << 20;

/// Data that ends a stream of events rather than being one: the LLM APIs'
/// `data: [DONE]`, which is never JSON.
pub(crate) const SENTINELS: &[&str] = &["[DONE]"];

/// One server-sent event: its `data` (decoded as the spec describes it),
/// and the event's `event` name, `id` and `retry` fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's data, all its `data` lines joined.
    pub data: T,
    /// The `event` field: the kind of event; `None` for the default kind
    /// (`message`).
    pub event: Option<String>,
    /// The last event id the server gave, as of this event (the SSE rules
    /// keep it from one event to the next); what a resumed stream sends
    /// back as `Last-Event-ID`.
    pub id: Option<String>,
    /// The `retry` field: how long to wait before reconnecting.
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    /// An event of the default kind carrying `data`.
    pub fn new(data: T) -> Self {
        Self { data, event: None, id: None, retry: None }
    }

    /// Sets the event's kind.
    pub fn event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// Sets the event's id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// An event as it came off the wire, before its data is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub(crate) data: String,
    pub(crate) event: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) retry: Option<Duration>,
}

/// How a body is cut into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `text/event-stream`.
    Events,
    /// `application/jsonl`, `application/x-ndjson`: one JSON text per line.
    Lines,
    /// `application/json-seq`: each JSON text after an RS (0x1E).
    Sequence,
}

/// One item cut from the body.
#[derive(Debug)]
pub(crate) enum Frame {
    Event(RawEvent),
    Text(String),
}

/// Why an item did not decode: serde's error and the item's text.
pub(crate) type Undecoded = (serde_json::Error, String);

/// A stream's request sent again, from the last event id it gave.
pub(crate) type Reopening<'a> = Pin<Box<dyn Future<Output = Result<Opened, Failure>> + Send + 'a>>;

/// Sends a dropped event stream's request again, given the last event id.
pub(crate) type Reopen<'a> = Box<dyn FnMut(Option<String>) -> Reopening<'a> + Send + 'a>;

/// Cuts a body into frames as its bytes arrive.
#[derive(Debug)]
pub(crate) struct Decoder {
    framing: Framing,
    buffer: BytesMut,
    /// Where in `buffer` the search for a line end goes on.
    scanned: usize,
    /// The last byte taken was a CR, so a LF first in the next chunk
    /// belongs to it (CRLF split between chunks).
    after_cr: bool,
    /// Whether the body's start (and its BOM, if any) is behind us.
    started: bool,
    /// The event being read: data lines so far, kind, retry.
    data: String,
    has_data: bool,
    event: Option<String>,
    retry: Option<Duration>,
    /// The last event id buffer, kept across events as the SSE rules say.
    last_id: Option<String>,
    /// The reconnection time, kept across events.
    reconnect: Option<Duration>,
    ready: VecDeque<Frame>,
    limit: usize,
}

/// The body broke a rule no later byte can mend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

impl Decoder {
    pub(crate) fn new(framing: Framing, limit: usize) -> Self {
        Self {
            framing,
            buffer: BytesMut::new(),
            scanned: 0,
            after_cr: false,
            started: false,
            data: String::new(),
            has_data: false,
            event: None,
            retry: None,
            last_id: None,
            reconnect: None,
            ready: VecDeque::new(),
            limit,
        }
    }

    /// The last event id the server gave, for `Last-Event-ID`.
    pub(crate) fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The reconnection time the server last asked for.
    pub(crate) fn reconnection_time(&self) -> Option<Duration> {
        self.reconnect
    }

    /// A new connection: what was cut off mid-event is dropped (the SSE
    /// rules dispatch nothing unfinished); the last event id stays.
    pub(crate) fn restart(&mut self) {
        self.buffer.clear();
        self.scanned = 0;
        self.after_cr = false;
        self.started = false;
        self.data.clear();
        self.has_data = false;
        self.event = None;
        self.retry = None;
    }

    /// Takes in a chunk; complete frames become ready.
    pub(crate) fn push(&mut self, mut chunk: &[u8]) -> Result<(), TooLarge> {
        if self.after_cr && self.framing == Framing::Events {
            if let [b'\n', rest @ ..] = chunk {
                chunk = rest;
            }
        }
        self.after_cr = false;
        self.buffer.extend_from_slice(chunk);
        if !self.started && self.buffer.len() >= 3 {
            self.started = true;
            if self.buffer.starts_with(b"\xEF\xBB\xBF") {
                self.buffer.advance(3);
            }
        }
        match self.framing {
            Framing::Events => self.event_lines()?,
            Framing::Lines => self.records(b'\n')?,
            Framing::Sequence => self.records(0x1E)?,
        }
        // What is left is an unfinished line or record; so is an event's
        // data so far.
        if self.buffer.len() + self.data.len() > self.limit {
            return Err(TooLarge);
        }
        Ok(())
    }

    /// The next complete frame.
    pub(crate) fn next(&mut self) -> Option<Frame> {
        self.ready.pop_front()
    }

    /// The body ended: a last record without its line end counts (JSON
    /// Lines, sequences); an event without its blank line does not (the
    /// SSE rules drop it).
    pub(crate) fn finish(&mut self) {
        if self.framing != Framing::Events {
            let rest = std::mem::take(&mut self.buffer);
            self.record(&rest);
        }
    }

    fn records(&mut self, separator: u8) -> Result<(), TooLarge> {
        while let Some(at) = self.buffer[self.scanned..].iter().position(|&b| b == separator) {
            let record = self.buffer.split_to(self.scanned + at + 1);
            self.scanned = 0;
            self.record(&record[..record.len() - 1]);
        }
        self.scanned = self.buffer.len();
        Ok(())
    }

    fn record(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{1e}');
        if !text.is_empty() {
            self.ready.push_back(Frame::Text(text.to_string()));
        }
    }

    fn event_lines(&mut self) -> Result<(), TooLarge> {
        loop {
            let Some(at) = self.buffer[self.scanned..].iter().position(|&b| b == b'\n' || b == b'\r')
            else {
                self.scanned = self.buffer.len();
                return Ok(());
            };
            let end = self.scanned + at;
            let cr = self.buffer[end] == b'\r';
            // A CR last in the buffer may be the first half of a CRLF.
            let line = self.buffer.split_to(end + 1);
            self.scanned = 0;
            if cr {
                if self.buffer.is_empty() {
                    self.after_cr = true;
                } else if self.buffer[0] == b'\n' {
                    self.buffer.advance(1);
                }
            }
            // A line is whole, so a character split between chunks is whole
            // again here; invalid bytes become U+FFFD, as the rules say.
            let line = String::from_utf8_lossy(&line[..line.len() - 1]);
            self.line(&line);
            if self.data.len() > self.limit {
                return Err(TooLarge);
            }
        }
    }

    fn line(&mut self, line: &str) {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return; // A comment: keep-alives are sent so.
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
                self.reconnect = self.retry.or(self.reconnect);
            }
            _ => {}
        }
    }

    /// A blank line ends an event; one without data is no event.
    fn dispatch(&mut self) {
        let event = self.event.take().filter(|e| !e.is_empty());
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            self.data.clear();
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop(); // The last data line's LF.
        self.ready.push_back(Frame::Event(RawEvent { data, event, id: self.last_id.clone(), retry }));
    }
}

/// Decodes an event's data as JSON of `T`.
pub(crate) fn event_json<T: serde::de::DeserializeOwned>(frame: Frame) -> Result<Event<T>, Undecoded> {
    let Frame::Event(raw) = frame else { return Err(not_an_event()) };
    match serde_json::from_str(&raw.data) {
        Ok(data) => Ok(Event { data, event: raw.event, id: raw.id, retry: raw.retry }),
        Err(e) => Err((e, raw.data)),
    }
}

/// An event whose data is text, as it came.
pub(crate) fn event_text(frame: Frame) -> Result<Event<String>, Undecoded> {
    let Frame::Event(raw) = frame else { return Err(not_an_event()) };
    Ok(Event { data: raw.data, event: raw.event, id: raw.id, retry: raw.retry })
}

/// Decodes a line or sequence record as JSON of `T`.
pub(crate) fn item_json<T: serde::de::DeserializeOwned>(frame: Frame) -> Result<T, Undecoded> {
    let text = match frame {
        Frame::Text(text) => text,
        Frame::Event(raw) => raw.data,
    };
    serde_json::from_str(&text).map_err(|e| (e, text))
}

fn not_an_event() -> Undecoded {
    (serde::de::Error::custom("not an event"), String::new())
}

/// The response's items as they arrive: a [`futures_core::Stream`] of
/// `Result<I, Error<E>>`, or, without any stream library,
/// `while let Some(item) = stream.next().await`.
///
/// It ends when the body ends, at a sentinel (the LLM APIs' `data: [DONE]`),
/// or after an error that leaves nothing more to read: the connection
/// failed (a `GET` event stream is first resumed, within the client's retry
/// policy, with `Last-Event-ID` after the server's `retry`), no bytes came
/// for the idle time, or an item grew past [`MAX_ITEM`]. Each event's
/// [`Event::id`] is the last id the server gave. An item that does not decode is an `Err`
/// ([`Error::Decode`], carrying its text) and the stream goes on.
#[must_use = "nothing is read until the items are pulled"]
pub struct ItemStream<'a, I, E> {
    chunks: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    decoder: Decoder,
    decode: fn(Frame) -> Result<I, Undecoded>,
    sentinels: &'static [&'static str],
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    status: StatusCode,
    headers: HeaderMap,
    origin: Origin,
    /// For a `GET` event stream: how to send the request again after the
    /// connection drops, how often more, and how long to wait first.
    reopen: Option<Reopen<'a>>,
    reopening: Option<Reopening<'a>>,
    resumes_left: u32,
    wait: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
    items: u64,
    #[cfg(feature = "tracing")]
    span: tracing::Span,
    _error: PhantomData<fn() -> E>,
}

/// What a streamed body is read with.
pub(crate) struct StreamParts {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) chunks: std::pin::Pin<Box<dyn futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    pub(crate) origin: Origin,
    pub(crate) idle: Duration,
    pub(crate) retries: u32,
    #[cfg(feature = "tracing")]
    pub(crate) span: tracing::Span,
}

impl Opened {
    /// Status, headers and the body as chunks, read as they are pulled.
    pub(crate) fn into_stream_parts(mut self) -> StreamParts {
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        StreamParts {
            status,
            headers,
            chunks: Box::pin(self.response.bytes_stream()),
            origin: self.origin,
            idle: self.idle,
            retries: self.retries,
            #[cfg(feature = "tracing")]
            span: self.span,
        }
    }

    /// The body as items, cut by `framing` and each decoded by `decode`;
    /// data equal to one of `sentinels` ends the stream.
    pub(crate) fn items<'a, I, E>(
        self,
        framing: Framing,
        decode: fn(Frame) -> Result<I, Undecoded>,
        sentinels: &'static [&'static str],
    ) -> ItemStream<'a, I, E> {
        let StreamParts { status, headers, chunks, origin, idle, retries, #[cfg(feature = "tracing")] span } =
            self.into_stream_parts();
        ItemStream {
            chunks,
            decoder: Decoder::new(framing, MAX_ITEM),
            decode,
            sentinels,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            status,
            headers,
            origin,
            reopen: None,
            reopening: None,
            resumes_left: retries,
            wait: None,
            done: false,
            items: 0,
            #[cfg(feature = "tracing")]
            span,
            _error: PhantomData,
        }
    }
}

impl<'a, I, E> ItemStream<'a, I, E> {
    /// Lets a dropped connection be resumed: `reopen` sends the request
    /// again with `Last-Event-ID` set to the last id the server gave, as
    /// often as the retry policy retries, after the server's `retry` (else
    /// a second).
    pub(crate) fn resumable(mut self, reopen: Reopen<'a>) -> Self {
        self.reopen = Some(reopen);
        self
    }

    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next item.
    pub async fn next(&mut self) -> Option<Result<I, Error<E>>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    fn fail(&mut self, error: Error<E>) -> Poll<Option<Result<I, Error<E>>>> {
        self.done = true;
        Poll::Ready(Some(Err(error)))
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<I, Error<E>>>> {
        loop {
            if let Some(frame) = self.decoder.next() {
                if let Frame::Event(raw) = &frame {
                    if self.sentinels.contains(&raw.data.as_str()) {
                        self.done = true;
                        return Poll::Ready(None);
                    }
                }
                self.items += 1;
                return Poll::Ready(Some(match (self.decode)(frame) {
                    Ok(item) => Ok(item),
                    Err((source, text)) => Err(Error::Decode {
                        operation: self.origin.operation(),
                        source,
                        response: ApiResponse::new(self.status, self.headers.clone(), text),
                    }),
                }));
            }
            if self.done {
                return Poll::Ready(None);
            }
            if let Some(wait) = &mut self.wait {
                let Poll::Ready(()) = wait.as_mut().poll(cx) else { return Poll::Pending };
                self.wait = None;
                let last = self.decoder.last_id().map(str::to_string);
                if let Some(reopen) = &mut self.reopen {
                    self.reopening = Some(reopen(last));
                }
            }
            if let Some(reopening) = &mut self.reopening {
                let Poll::Ready(opened) = reopening.as_mut().poll(cx) else { return Poll::Pending };
                self.reopening = None;
                match opened {
                    Ok(opened) if opened.response.status().is_success() => {
                        self.chunks = opened.into_stream_parts().chunks;
                        self.decoder.restart();
                        self.timer.as_mut().reset(tokio::time::Instant::now() + self.idle);
                        continue;
                    }
                    Ok(opened) => {
                        let reason = format!(
                            "the event stream could not be resumed: the server answered {}",
                            opened.response.status()
                        );
                        let operation = self.origin.operation();
                        return self.fail(Error::InvalidRequest { operation, reason });
                    }
                    Err(failure) => return self.fail(failure.into()),
                }
            }
            match self.chunks.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    self.timer.as_mut().reset(tokio::time::Instant::now() + self.idle);
                    if self.decoder.push(&chunk).is_err() {
                        let operation = self.origin.operation();
                        return self.fail(Error::ItemTooLarge { operation, limit: MAX_ITEM });
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    if self.reopen.is_some() && self.resumes_left > 0 {
                        self.resumes_left -= 1;
                        let delay = self.decoder.reconnection_time().unwrap_or(Duration::from_secs(1));
                        self.wait = Some(Box::pin(tokio::time::sleep(delay)));
                        continue;
                    }
                    return self.fail(self.origin.transport(e).into());
                }
                Poll::Ready(None) => {
                    self.decoder.finish();
                    self.done = true;
                }
                Poll::Pending => {
                    if self.timer.as_mut().poll(cx).is_ready() {
                        let operation = self.origin.operation();
                        return self.fail(Error::StreamIdle { operation, idle: self.idle });
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl<I, E> Stream for ItemStream<'_, I, E> {
    type Item = Result<I, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<I, E> fmt::Debug for ItemStream<'_, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("status", &self.status)
            .field("items", &self.items)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<I, E> Drop for ItemStream<'_, I, E> {
    /// The request's span, which lives as long as the stream, records how
    /// many items it gave.
    fn drop(&mut self) {
        #[cfg(feature = "tracing")]
        self.span.record("items", self.items);
    }
}

/// A request body of items, each sent as a JSON text as it is produced
/// (JSON Lines, or a JSON text sequence): from a list (`vec![a, b].into()`,
/// sent whole and retried like any body) or from any stream of items
/// ([`ItemsBody::stream`], sent without buffering and never retried, since
/// it cannot be replayed).
pub struct ItemsBody<T>(Items<T>);

enum Items<T> {
    List(Vec<T>),
    Stream(Pin<Box<dyn Stream<Item = T> + Send>>),
}

impl<T> ItemsBody<T> {
    /// Items sent as `stream` yields them.
    pub fn stream(stream: impl Stream<Item = T> + Send + 'static) -> Self {
        Self(Items::Stream(Box::pin(stream)))
    }
}

impl<T> From<Vec<T>> for ItemsBody<T> {
    fn from(items: Vec<T>) -> Self {
        Self(Items::List(items))
    }
}

impl<T, const N: usize> From<[T; N]> for ItemsBody<T> {
    fn from(items: [T; N]) -> Self {
        Self(Items::List(items.into()))
    }
}

impl<T> fmt::Debug for ItemsBody<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Items::List(items) => write!(f, "ItemsBody({} items)", items.len()),
            Items::Stream(_) => f.write_str("ItemsBody(stream)"),
        }
    }
}

/// One item as its framing writes it: a JSON text and a line end, after
/// an RS for a sequence.
fn encode<T: serde::Serialize>(item: &T, framing: Framing) -> serde_json::Result<Vec<u8>> {
    let mut bytes = if framing == Framing::Sequence { vec![0x1E] } else { Vec::new() };
    serde_json::to_writer(&mut bytes, item)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A stream of items as the chunks of a request body.
struct Encoded<T> {
    items: Pin<Box<dyn Stream<Item = T> + Send>>,
    framing: Framing,
}

impl<T: serde::Serialize> Stream for Encoded<T> {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let framing = self.framing;
        self.items.as_mut().poll_next(cx).map(|item| {
            item.map(|item| encode(&item, framing).map(Bytes::from).map_err(std::io::Error::other))
        })
    }
}

impl crate::runtime::Request<'_> {
    /// Sets a body of items: a list whole, a stream as it is produced.
    pub(crate) fn items<T: serde::Serialize + Send + 'static>(
        &mut self,
        media_type: &'static str,
        framing: Framing,
        body: ItemsBody<T>,
    ) {
        match body.0 {
            Items::List(items) => {
                let mut bytes = Vec::new();
                for item in &items {
                    match encode(item, framing) {
                        Ok(one) => bytes.extend(one),
                        Err(e) => return self.reject(format!("an item of the body cannot be serialized: {e}")),
                    }
                }
                self.raw(media_type, bytes);
            }
            Items::Stream(items) => {
                let body = reqwest::Body::wrap_stream(Encoded { items, framing });
                self.attach(move |b| b.header(reqwest::header::CONTENT_TYPE, media_type).body(body));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut decoder = Decoder::new(Framing::Events, 1 << 20);
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.push(chunk).unwrap();
            while let Some(Frame::Event(e)) = decoder.next() {
                out.push(e);
            }
        }
        decoder.finish();
        out
    }

    fn data(events: &[RawEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn fields_comments_and_multi_line_data() {
        let e = events(&[b": keep-alive\n\nevent: delta\nid: 7\nretry: 1500\ndata: a\ndata:b\n\ndata: c\n\n"]);
        assert_eq!(data(&e), ["a\nb", "c"]);
        assert_eq!(e[0].event.as_deref(), Some("delta"));
        assert_eq!(e[0].retry, Some(Duration::from_millis(1500)));
        // The last event id carries over; the kind does not.
        assert_eq!((e[1].id.as_deref(), e[1].event.as_deref()), (Some("7"), None));
    }

    #[test]
    fn line_ends_of_every_kind_and_split_between_chunks() {
        assert_eq!(data(&events(&[b"data: a\r\n\r\ndata: b\r\rdata: c\n\n"])), ["a", "b", "c"]);
        // A CRLF cut between two chunks is one line end, not two.
        assert_eq!(data(&events(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"])), ["a\nb"]);
    }

    #[test]
    fn a_character_split_between_chunks_is_whole() {
        let text = "data: héllo €\n\n".as_bytes();
        let cut = text.iter().position(|&b| b == 0xE2).unwrap() + 1;
        assert_eq!(data(&events(&[&text[..cut], &text[cut..]])), ["héllo €"]);
    }

    #[test]
    fn an_event_without_data_or_an_end_is_no_event() {
        assert!(events(&[b"event: ping\n\n"]).is_empty());
        assert!(events(&[b"data: unfinished\n"]).is_empty());
        // A byte-order mark opens the stream at most once.
        assert_eq!(data(&events(&[b"\xEF\xBB\xBFdata: x\n\n"])), ["x"]);
    }

    #[test]
    fn lines_and_sequences_cut_records() {
        let mut lines = Decoder::new(Framing::Lines, 1 << 20);
        lines.push(b"{\"a\":1}\r\n\n{\"a\"").unwrap();
        lines.push(b":2}").unwrap();
        lines.finish();
        let texts: Vec<String> = std::iter::from_fn(|| lines.next())
            .map(|f| match f {
                Frame::Text(t) => t,
                Frame::Event(_) => unreachable!(),
            })
            .collect();
        assert_eq!(texts, ["{\"a\":1}", "{\"a\":2}"]);
        let mut seq = Decoder::new(Framing::Sequence, 1 << 20);
        seq.push(b"\x1e{\"a\":1}\n\x1e{\"a\":2}\n").unwrap();
        seq.finish();
        assert_eq!(std::iter::from_fn(|| seq.next()).count(), 2);
    }

    #[test]
    fn an_item_past_the_limit_is_refused() {
        let mut decoder = Decoder::new(Framing::Events, 8);
        assert_eq!(decoder.push(b"data: 0123456789\n"), Err(TooLarge));
        let mut decoder = Decoder::new(Framing::Lines, 8);
        assert_eq!(decoder.push(b"0123456789"), Err(TooLarge));
    }
}
