//! Relay cursor connections: argument checking, windowing and building.
//!
//! Cursors are opaque to clients; inside they are offsets into the ordered list
//! (`base64url("o:<offset>")`). Every list orders by a unique key last, so an
//! offset names one row while the list does not change.

use crate::db::Window;
use crate::error::{AppError, AppResult};
use async_graphql::{
    connection::{Connection, CursorType, Edge, EmptyFields},
    OutputType, SimpleObject,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

pub const DEFAULT_PAGE: i32 = 20;
pub const MAX_PAGE: i32 = 100;

/// An offset cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub u64);

/// A string that is not a cursor of this API.
#[derive(Debug)]
pub struct InvalidCursor;

impl std::fmt::Display for InvalidCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a cursor from this API: pass a `cursor` or `pageInfo` value unchanged")
    }
}

impl CursorType for Cursor {
    type Error = InvalidCursor;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let bad = || InvalidCursor;
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        text.strip_prefix("o:").and_then(|n| n.parse().ok()).map(Cursor).ok_or_else(bad)
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("o:{}", self.0))
    }
}

/// Fields every connection has besides `edges`, `nodes` and `pageInfo`.
#[derive(SimpleObject)]
pub struct ConnectionFields {
    /// How many items the whole list has, across all pages.
    pub total_count: u64,
}

pub type Conn<T> = Connection<Cursor, T, ConnectionFields, EmptyFields>;

/// Checked paging arguments.
#[derive(Debug, Clone, Copy, Default)]
pub struct Page {
    after: Option<u64>,
    before: Option<u64>,
    first: Option<u64>,
    last: Option<u64>,
}

fn count(field: &str, n: Option<i32>) -> AppResult<Option<u64>> {
    match n {
        Some(n) if !(0..=MAX_PAGE).contains(&n) => {
            Err(AppError::invalid(field, format!("must be between 0 and {MAX_PAGE}, got {n}; page with `after`")))
        }
        n => Ok(n.map(|n| n as u64)),
    }
}

fn cursor(field: &str, c: Option<String>) -> AppResult<Option<u64>> {
    c.map(|c| {
        Cursor::decode_cursor(&c).map(|c| c.0).map_err(|e| AppError::invalid(field, e.to_string()))
    })
    .transpose()
}

impl Page {
    pub fn new(after: Option<String>, before: Option<String>, first: Option<i32>, last: Option<i32>) -> AppResult<Self> {
        Ok(Page {
            after: cursor("after", after)?,
            before: cursor("before", before)?,
            first: count("first", first)?,
            last: count("last", last)?,
        })
    }

    /// Relay's algorithm over offsets: cut by the cursors, then by `first`, then by `last`.
    /// Without `first` and `last`, the first `DEFAULT_PAGE` items.
    pub fn window(&self, total: u64) -> Window {
        let mut start = self.after.map_or(0, |a| a + 1).min(total);
        let mut end = self.before.unwrap_or(total).min(total).max(start);
        let first = match (self.first, self.last) {
            (None, None) => Some(DEFAULT_PAGE as u64),
            (f, _) => f,
        };
        if let Some(f) = first {
            end = end.min(start + f);
        }
        if let Some(l) = self.last {
            start = start.max(end.saturating_sub(l));
        }
        Window { start, end, total }
    }
}

/// Builds a connection from the window's rows (`rows[0]` is item `w.start`).
pub fn build<M, T: OutputType>(w: Window, rows: Vec<M>, map: impl Fn(M) -> T) -> Conn<T> {
    let mut conn = Conn::with_additional_fields(w.start > 0, w.end < w.total, ConnectionFields { total_count: w.total });
    conn.edges
        .extend(rows.into_iter().enumerate().map(|(i, m)| Edge::new(Cursor(w.start + i as u64), map(m))));
    conn
}

/// A connection over a list already in memory (what a DataLoader returned for one parent).
pub fn from_vec<M, T: OutputType>(items: Vec<M>, page: Page, map: impl Fn(M) -> T) -> Conn<T> {
    let w = page.window(items.len() as u64);
    let rows = items.into_iter().skip(w.start as usize).take((w.end - w.start) as usize).collect();
    build(w, rows, map)
}

/// The cost of a connection field: its children weigh once per item it may return.
pub fn cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let n = first.or(last).unwrap_or(DEFAULT_PAGE).clamp(0, MAX_PAGE) as usize;
    1 + n.max(1) * child_complexity
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(after: Option<u64>, before: Option<u64>, first: Option<i32>, last: Option<i32>) -> Page {
        let enc = |n: u64| Cursor(n).encode_cursor();
        Page::new(after.map(enc), before.map(enc), first, last).unwrap_or_default()
    }

    #[test]
    fn cursors_round_trip_and_reject_foreign_strings() {
        let c = Cursor(41).encode_cursor();
        assert_eq!(Cursor::decode_cursor(&c).ok(), Some(Cursor(41)));
        assert!(Cursor::decode_cursor("41").is_err());
        assert!(Cursor::decode_cursor(&URL_SAFE_NO_PAD.encode("x:1")).is_err());
    }

    #[test]
    fn default_page_is_twenty() {
        assert_eq!(Page::default().window(50), Window { start: 0, end: 20, total: 50 });
    }

    #[test]
    fn first_after_continues_where_the_last_page_ended() {
        assert_eq!(page(Some(19), None, Some(20), None).window(50), Window { start: 20, end: 40, total: 50 });
        assert_eq!(page(Some(39), None, Some(20), None).window(50), Window { start: 40, end: 50, total: 50 });
        assert_eq!(page(Some(60), None, Some(20), None).window(50), Window { start: 50, end: 50, total: 50 });
    }

    #[test]
    fn last_before_pages_backwards() {
        assert_eq!(page(None, None, None, Some(5)).window(50), Window { start: 45, end: 50, total: 50 });
        assert_eq!(page(None, Some(45), None, Some(5)).window(50), Window { start: 40, end: 45, total: 50 });
        assert_eq!(page(None, Some(3), None, Some(5)).window(50), Window { start: 0, end: 3, total: 50 });
    }

    #[test]
    fn page_size_is_capped_with_a_clear_error() {
        let err = Page::new(None, None, Some(101), None).err();
        assert!(matches!(err, Some(AppError::InvalidInput { ref field, .. }) if field == "first"));
        assert!(Page::new(None, None, None, Some(-1)).is_err());
    }

    #[test]
    fn cost_multiplies_children_by_page_size() {
        assert_eq!(cost(Some(10), None, 5), 51);
        assert_eq!(cost(None, None, 5), 101);
        assert_eq!(cost(Some(1000), None, 1), 101);
    }
}
