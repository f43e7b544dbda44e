//! Walking every item of a paginated list, fetching pages lazily.
//!
//! Generated `items()` methods describe each fetched page as a [`Page`]; this
//! module decides when the walk ends, so the rule lives in one place.

use std::future::Future;

use futures_util::stream::{self, Stream};

use crate::error::Result;

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
    /// A link to the next page, when the API gives one; followed before any page number.
    pub next: Option<String>,
}

/// Which page to fetch next.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// By number, from 0.
    Number(i64),
    /// By the link the previous page gave.
    Link(String),
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

/// A next-page link, required or optional.
#[doc(hidden)]
pub trait Link {
    /// The link, if present.
    fn link(self) -> Option<String>;
}

impl Link for String {
    fn link(self) -> Option<String> {
        Some(self)
    }
}

impl Link for Option<String> {
    fn link(self) -> Option<String> {
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

/// Streams the items of pages `first`, `first + 1`, ... fetched by `fetch`,
/// or of the pages the API links to when it gives a next-page link.
///
/// The walk ends after a page that is empty, says no more pages follow,
/// reaches the total, or (when the API gives neither) is shorter than the page
/// size. A page that fails ends the stream with its error; items already
/// yielded stay yielded.
#[doc(hidden)]
pub fn walk<T, F, Fut>(first: i64, fetch: F) -> impl Stream<Item = Result<T>>
where
    F: FnMut(Cursor) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    struct State<T, F> {
        fetch: F,
        next: Option<Cursor>,
        /// The number of the page being fetched, counting linked pages too.
        page: i64,
        seen: i64,
        buffer: std::vec::IntoIter<T>,
    }
    let state = State {
        fetch,
        next: Some(Cursor::Number(first)),
        page: first,
        seen: 0,
        buffer: Vec::new().into_iter(),
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.next() {
                return Some((Ok(item), state));
            }
            let cursor = state.next.take()?;
            let page = state.page;
            match (state.fetch)(cursor).await {
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
                    state.page = page.saturating_add(1);
                    state.next = match fetched.next.filter(|link| !link.is_empty()) {
                        Some(link) if n > 0 && fetched.has_more != Some(false) => {
                            Some(Cursor::Link(link))
                        }
                        _ if last => None,
                        _ => Some(Cursor::Number(state.page)),
                    };
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{FutureExt, StreamExt};

    /// Walks pages served from `pages` (by number or link) and returns the
    /// items and the cursors asked for.
    fn run(
        first: i64,
        pages: impl Fn(&Cursor) -> Result<Page<u32>>,
    ) -> (Vec<Result<u32>>, Vec<Cursor>) {
        let asked = std::cell::RefCell::new(Vec::new());
        let items = walk(first, |cursor| {
            asked.borrow_mut().push(cursor.clone());
            std::future::ready(pages(&cursor))
        })
        .collect::<Vec<_>>()
        .now_or_never()
        .expect("every page is ready at once");
        (items, asked.into_inner())
    }

    fn page(
        items: Vec<u32>,
        total: Option<i64>,
        size: Option<i64>,
        next: Option<&str>,
    ) -> Result<Page<u32>> {
        Ok(Page {
            items,
            total,
            has_more: None,
            page_size: size,
            next: next.map(str::to_owned),
        })
    }

    fn ok(items: &[Result<u32>]) -> Vec<u32> {
        items.iter().map(|r| *r.as_ref().unwrap()).collect()
    }

    #[test]
    fn stops_at_the_total() {
        let (items, asked) = run(0, |c| match c {
            Cursor::Number(0) => page(vec![1, 2], Some(3), Some(2), None),
            Cursor::Number(1) => page(vec![3], Some(3), Some(2), None),
            other => panic!("asked {other:?}"),
        });
        assert_eq!(ok(&items), [1, 2, 3]);
        assert_eq!(asked, [Cursor::Number(0), Cursor::Number(1)]);
    }

    #[test]
    fn short_page_ends_the_walk_when_nothing_else_says() {
        let (items, asked) = run(0, |c| match c {
            Cursor::Number(0) => page(vec![1, 2], None, Some(2), None),
            Cursor::Number(1) => page(vec![3], None, Some(2), None),
            other => panic!("asked {other:?}"),
        });
        assert_eq!(ok(&items), [1, 2, 3]);
        assert_eq!(asked.len(), 2);
    }

    #[test]
    fn next_links_are_followed_before_numbers() {
        let (items, asked) = run(0, |c| match c {
            Cursor::Number(0) => page(vec![1], None, None, Some("/p?cursor=b")),
            Cursor::Link(l) if l == "/p?cursor=b" => page(vec![2], None, None, Some("/p?cursor=c")),
            Cursor::Link(l) if l == "/p?cursor=c" => page(vec![3], None, None, None),
            Cursor::Number(3) => page(vec![], None, None, None),
            other => panic!("asked {other:?}"),
        });
        assert_eq!(ok(&items), [1, 2, 3]);
        assert_eq!(asked[1], Cursor::Link("/p?cursor=b".into()));
        assert_eq!(
            asked.last(),
            Some(&Cursor::Number(3)),
            "no link and no total: ask until an empty page"
        );
    }

    #[test]
    fn a_failing_page_ends_the_stream_after_earlier_items() {
        let (items, asked) = run(0, |c| match c {
            Cursor::Number(0) => page(vec![1, 2], Some(10), Some(2), None),
            _ => Err(crate::Error::request(None, "boom")),
        });
        assert_eq!(items.len(), 3);
        assert!(items[2].is_err());
        assert_eq!(asked.len(), 2);
    }
}
