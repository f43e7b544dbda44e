//! Walking every item of a paginated list, fetching pages lazily.
//!
//! Generated `items()` methods describe each fetched page as a [`Page`]; this
//! module decides when the walk ends, so the rule lives in one place.

use std::future::Future;

use futures_util::stream::{self, Stream};

use super::error::Result;

/// Page size used when the document requires one and the caller set none
/// (the Edge API's documented default).
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// What one fetched page says about itself.
#[doc(hidden)]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// Total number of items across all pages, when the API says.
    pub total: Option<i64>,
    /// Whether more pages follow, when the API says.
    pub has_more: Option<bool>,
    /// The page size the API used, when it says.
    pub page_size: Option<i64>,
}

/// A count in whatever integer shape the response declares it.
#[doc(hidden)]
pub trait Count {
    /// The count, if present.
    fn count(self) -> Option<i64>;
}

impl Count for i64 {
    fn count(self) -> Option<i64> {
        Some(self)
    }
}

impl Count for i32 {
    fn count(self) -> Option<i64> {
        Some(i64::from(self))
    }
}

impl<C: Count> Count for Option<C> {
    fn count(self) -> Option<i64> {
        self.and_then(Count::count)
    }
}

/// A "more pages" flag, required or optional.
#[doc(hidden)]
pub trait Flag {
    /// The flag, if present.
    fn flag(self) -> Option<bool>;
}

impl Flag for bool {
    fn flag(self) -> Option<bool> {
        Some(self)
    }
}

impl Flag for Option<bool> {
    fn flag(self) -> Option<bool> {
        self
    }
}

/// The items of a page the document leaves untyped: a JSON array's elements.
#[doc(hidden)]
pub fn json_items(value: impl Into<Option<serde_json::Value>>) -> Vec<serde_json::Value> {
    match value.into() {
        Some(serde_json::Value::Array(items)) => items,
        Some(serde_json::Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

/// Streams the items of pages `first`, `first + 1`, ... fetched by `fetch`.
///
/// The walk ends after a page that is empty, says no more pages follow,
/// reaches the total, or (when the API gives neither) is shorter than the page
/// size. A page that fails ends the stream with its error; items already
/// yielded stay yielded.
#[doc(hidden)]
pub fn walk<T, F, Fut>(first: i64, fetch: F) -> impl Stream<Item = Result<T>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    struct State<T, F> {
        fetch: F,
        next: Option<i64>,
        seen: i64,
        buffer: std::vec::IntoIter<T>,
    }
    let state = State { fetch, next: Some(first), seen: 0, buffer: Vec::new().into_iter() };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.next() {
                return Some((Ok(item), state));
            }
            let page = state.next?;
            match (state.fetch)(page).await {
                Err(error) => {
                    state.next = None;
                    return Some((Err(error), state));
                }
                Ok(fetched) => {
                    let n = i64::try_from(fetched.items.len()).unwrap_or(i64::MAX);
                    state.seen += n;
                    // Items up to the end of this page, counted from page 0 when the size is known.
                    let reached = match fetched.page_size {
                        Some(size) if size > 0 => page.saturating_mul(size).saturating_add(n),
                        _ => state.seen,
                    };
                    let last = n == 0
                        || fetched.has_more == Some(false)
                        || fetched.total.is_some_and(|total| reached >= total)
                        || (fetched.has_more.is_none()
                            && fetched.total.is_none()
                            && fetched.page_size.is_some_and(|size| n < size));
                    state.next = if last { None } else { page.checked_add(1) };
                    state.buffer = fetched.items.into_iter();
                }
            }
        }
    })
}

/// Collects a stream of results, stopping at the first error.
#[doc(hidden)]
pub async fn collect<T>(items: impl Stream<Item = Result<T>>) -> Result<Vec<T>> {
    use futures_util::StreamExt;
    let mut items = std::pin::pin!(items);
    let mut out = Vec::new();
    while let Some(item) = items.next().await {
        out.push(item?);
    }
    Ok(out)
}
