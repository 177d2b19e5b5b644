//! Every item of every page of a list operation, as one stream.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{ApiResponse, Error};

/// Where the next page starts: the text the response gave (a cursor), or
/// a number (an offset or a page).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(dead_code)] // A crate whose pages all count (or all use cursors) makes one kind.
pub(crate) enum Cursor {
    Text(String),
    Number(i64),
}

/// A page's items, and where the next page starts.
pub(crate) type Page<T> = (Vec<T>, Option<Cursor>);

/// A page on its way.
pub(crate) type PageFuture<'a, T, E> = Pin<Box<dyn Future<Output = Result<Page<T>, Error<E>>> + Send + 'a>>;

/// Every item of every page, fetched as you pull them: a
/// [`futures_core::Stream`] of `Result<T, Error<E>>`, or, without any
/// stream library, `while let Some(item) = items.next().await`.
///
/// The walk ends at a page with no items, a page without a next cursor, or
/// a cursor the server already gave (so a server that repeats itself cannot
/// loop it forever); an error ends it after it is yielded.
#[must_use = "no page is fetched until the items are pulled"]
pub struct Items<'a, T, E> {
    fetch: Box<dyn FnMut(Option<Cursor>) -> PageFuture<'a, T, E> + Send + 'a>,
    pending: Option<PageFuture<'a, T, E>>,
    buffer: VecDeque<T>,
    /// `None` when done; `Some(None)` before the first page.
    next: Option<Option<Cursor>>,
    seen: Option<Cursor>,
}

impl<'a, T, E> Items<'a, T, E> {
    /// The walk of one list operation, from three plain functions of its
    /// own: `place` puts a page's cursor into a copy of the builder and
    /// returns what `split` must know of that request (where an offset
    /// started), `send` is the builder's `send_with_response`, and `split`
    /// takes the items and the next cursor out of the response. The async
    /// part lives here once: an `async` block in each operation's `items`
    /// cost rustc a future type of its own to check for each of them.
    pub(crate) fn paged<B, C, P, F>(
        call: B,
        place: fn(&mut B, Option<Cursor>) -> C,
        send: fn(B) -> F,
        split: fn(C, ApiResponse<P>) -> Page<T>,
    ) -> Self
    where
        T: 'a,
        E: 'a,
        B: Clone + Send + 'a,
        C: Send + 'a,
        P: 'a,
        F: Future<Output = Result<ApiResponse<P>, Error<E>>> + Send + 'a,
    {
        let fetch = move |cursor| -> PageFuture<'a, T, E> {
            let mut page = call.clone();
            let context = place(&mut page, cursor);
            Box::pin(async move { send(page).await.map(|response| split(context, response)) })
        };
        Self { fetch: Box::new(fetch), pending: None, buffer: VecDeque::new(), next: Some(None), seen: None }
    }
}

impl<T: Unpin, E> Items<'_, T, E> {
    /// The next item, fetching the next page when this one is used up.
    pub async fn next(&mut self) -> Option<Result<T, Error<E>>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }
}

impl<T: Unpin, E> futures_core::Stream for Items<'_, T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let pending = match &mut this.pending {
                Some(pending) => pending,
                None => {
                    let Some(cursor) = this.next.take() else { return Poll::Ready(None) };
                    this.pending.insert((this.fetch)(cursor))
                }
            };
            let Poll::Ready(result) = pending.as_mut().poll(cx) else { return Poll::Pending };
            this.pending = None;
            let (items, next) = match result {
                Ok(page) => page,
                Err(e) => return Poll::Ready(Some(Err(e))),
            };
            this.next = match next {
                Some(cursor) if !items.is_empty() && this.seen.as_ref() != Some(&cursor) => {
                    this.seen = Some(cursor.clone());
                    Some(Some(cursor))
                }
                _ => None,
            };
            this.buffer.extend(items);
        }
    }
}

impl<T, E> fmt::Debug for Items<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.buffer.len())
            .field("done", &(self.next.is_none() && self.pending.is_none()))
            .finish_non_exhaustive()
    }
}

/// The `rel="next"` target of a response's `Link` headers (RFC 8288:
/// `<https://api.example.com/items?page=2>; rel="next", <…>; rel="last"`).
#[allow(dead_code)] // Only crates with an operation paged by `Link` use it.
pub(crate) fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let values = headers.get_all(reqwest::header::LINK).into_iter().filter_map(|v| v.to_str().ok());
    // Split at `<`, not `,`: a target may hold commas, never `<`.
    values.flat_map(|v| v.split('<').skip(1)).find_map(|entry| {
        let (target, params) = entry.split_once('>')?;
        let next = params.split(';').any(|param| {
            let Some((key, value)) = param.split_once('=') else { return false };
            let rels = value.trim().trim_end_matches(',').trim().trim_matches('"');
            key.trim().eq_ignore_ascii_case("rel") && rels.split_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
        });
        next.then(|| target.to_string())
    })
}
