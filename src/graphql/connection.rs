//! Relay cursor connections: argument checking, windowing and building.
//!
//! Cursors are opaque to clients. A list read from SQL pages by keys
//! ([`KeyPage`], `db::keyset`): its cursors hold a row's place in the list's order.
//! A list a loader holds whole for its parent (a cooperative's offerings) and a
//! ranked search page by offsets into the ordered list (`base64url("o:<offset>")`,
//! [`Page`]); every list orders by a unique key last, so an offset names one row
//! while the list does not change.

pub use super::exec::lean::{Lean, LeanInline};
use crate::db::keyset::{Keyset, Paged, Seek};
use crate::db::{Head, Window};
use crate::error::{AppError, AppResult};
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{Object, OutputType, TypeName};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sea_orm::{ColumnTrait, EntityTrait, ModelTrait, Value};
use std::borrow::Cow;

pub const DEFAULT_PAGE: i32 = 20;
pub const MAX_PAGE: i32 = 100;

/// An offset cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub u64);

impl Cursor {
    pub fn decode(s: &str) -> Option<Cursor> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(s).ok()?).ok()?;
        text.strip_prefix("o:")?.parse().ok().map(Cursor)
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("o:{}", self.0))
    }
}

/// A connection as resolvers return it: resolved as a [`LeanInline`] object.
pub type Conn<T, X = ()> = LeanInline<Box<Connection<T, X>>>;

pub struct Connection<T, X = ()> {
    edges: Vec<Edge<T, X>>,
    page_info: PageInfo,
    /// None when the page did not ask for it (and nothing counted the list).
    total_count: Option<u64>,
}

/// A page of a list (a Relay connection): its items with their cursors, the total, and how to reach the pages around it.
#[Object(name_type, serial)]
impl<T: ContainerType, X: EdgeExtra> Connection<T, X>
where
    Edge<T, X>: ContainerType,
{
    /// The items of this page, each with its cursor.
    async fn edges(&self) -> Vec<LeanInline<&Edge<T, X>>> {
        self.edges.iter().map(LeanInline).collect()
    }
    /// The items of this page, without cursors.
    async fn nodes(&self) -> Vec<Lean<&T>> {
        self.edges.iter().map(|e| Lean(&e.node)).collect()
    }
    /// Cursors of the first and last item and whether pages exist before and after.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }
    /// How many items the whole list has, across all pages.
    async fn total_count(&self) -> async_graphql::Result<u64> {
        // A page counts its list when its selection shows `totalCount` (`KeyPage::seek`).
        self.total_count
            .ok_or_else(|| AppError::Internal("the list was not counted".into()).into())
    }
}

impl<T: OutputType, X: EdgeExtra> TypeName for Connection<T, X> {
    fn type_name() -> Cow<'static, str> {
        format!("{}{}Connection", X::PREFIX, T::type_name()).into()
    }
}

/// What an edge carries besides its cursor and node; names its types by a prefix.
pub trait EdgeExtra: Send + Sync + 'static {
    const PREFIX: &'static str;
}

impl EdgeExtra for () {
    const PREFIX: &'static str = "";
}

impl EdgeExtra for Ranked {
    const PREFIX: &'static str = "Ranked";
}

/// Information about pagination in a connection. Cursors are written only when asked
/// for (a page of names asks for none).
pub struct PageInfo {
    has_previous_page: bool,
    has_next_page: bool,
    /// Places of the first and last item of the page.
    items: Option<(Place, Place)>,
}

/// Where an item stands in its list: what its cursor holds.
#[derive(Clone)]
pub enum Place {
    /// Its offset (lists held in memory, ranked lists).
    Offset(u64),
    /// Its key in its list's order.
    Key(&'static dyn KeyCursor, Vec<Value>),
}

impl Place {
    fn cursor(&self) -> String {
        match self {
            Place::Offset(n) => Cursor(*n).encode(),
            Place::Key(list, key) => list.encode(key),
        }
    }
}

/// A list's order as cursors need it: writes a key as a cursor.
pub trait KeyCursor: Send + Sync {
    fn encode(&self, key: &[Value]) -> String;
}

impl<C: ColumnTrait + Send + Sync> KeyCursor for Keyset<C> {
    fn encode(&self, key: &[Value]) -> String {
        Keyset::encode(self, key)
    }
}

/// Information about pagination in a connection
#[Object(serial)]
impl PageInfo {
    /// When paginating backwards, are there more items?
    async fn has_previous_page(&self) -> bool {
        self.has_previous_page
    }
    /// When paginating forwards, are there more items?
    async fn has_next_page(&self) -> bool {
        self.has_next_page
    }
    /// When paginating backwards, the cursor to continue.
    async fn start_cursor(&self) -> Option<String> {
        self.items.as_ref().map(|(first, _)| first.cursor())
    }
    /// When paginating forwards, the cursor to continue.
    async fn end_cursor(&self) -> Option<String> {
        self.items.as_ref().map(|(_, last)| last.cursor())
    }
}

pub struct Edge<T, X = ()> {
    /// The item's place in the list (its cursor, written when asked for).
    place: Place,
    node: T,
    extra: X,
}

/// An item of a list with the cursor that marks its place.
#[Object(name_type, serial)]
impl<T: ContainerType> Edge<T, ()> {
    /// Pass it as `after` or `before` to continue from this item.
    async fn cursor(&self) -> String {
        self.place.cursor()
    }
    /// The item.
    async fn node(&self) -> Lean<&T> {
        Lean(&self.node)
    }
}

impl<T: OutputType> TypeName for Edge<T, ()> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Edge", T::type_name()).into()
    }
}

/// Why an item stands where it does in a ranked list.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ranked {
    pub relevance: Option<i64>,
    pub distance_km: Option<f64>,
}

/// An item of a ranked list with the cursor that marks its place, its relevance and its distance.
#[Object(name_type, serial)]
impl<T: ContainerType> Edge<T, Ranked> {
    /// Pass it as `after` or `before` to continue from this item.
    async fn cursor(&self) -> String {
        self.place.cursor()
    }
    /// The item.
    async fn node(&self) -> Lean<&T> {
        Lean(&self.node)
    }
    /// How well the item matches the words searched for (higher is better; see the
    /// search documentation for the weights), or null when no words were given.
    async fn relevance(&self) -> Option<i64> {
        self.extra.relevance
    }
    /// Great-circle distance in kilometres from the place searched around (to the item's
    /// own location, else its seat's centroid), rounded to 10 m; null when no place was given.
    async fn distance_km(&self) -> Option<f64> {
        self.extra.distance_km.map(crate::search::round_km)
    }
}

impl<T: OutputType> TypeName for Edge<T, Ranked> {
    fn type_name() -> Cow<'static, str> {
        format!("Ranked{}Edge", T::type_name()).into()
    }
}

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
        Some(n) if !(0..=MAX_PAGE).contains(&n) => Err(AppError::invalid(
            field,
            format!("must be between 0 and {MAX_PAGE}, got {n}; page with `after`"),
        )),
        n => Ok(n.map(|n| n as u64)),
    }
}

fn cursor(field: &str, c: Option<String>) -> AppResult<Option<u64>> {
    c.map(|c| {
        Cursor::decode(&c).map(|c| c.0).ok_or_else(|| {
            AppError::invalid(
                field,
                "not a cursor from this API: pass a `cursor` or `endCursor` value unchanged",
            )
        })
    })
    .transpose()
}

impl Page {
    pub fn new(
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> AppResult<Self> {
        both_counts(first, last)?;
        Ok(Page {
            after: cursor("after", after)?,
            before: cursor("before", before)?,
            first: count("first", first)?,
            last: count("last", last)?,
        })
    }

    /// Relay's algorithm over offsets: cut by the cursors, then by `first`, then by `last`.
    /// Without `first` and `last`, the first `DEFAULT_PAGE` items.
    /// How many items from the start a forward page needs (`first` after `after`);
    /// None when it counts from the end (`last`, `before`).
    pub fn forward_limit(&self) -> Option<u64> {
        if self.last.is_some() || self.before.is_some() {
            return None;
        }
        let start = self.after.map_or(0, |a| a.saturating_add(1));
        Some(start.saturating_add(self.first.unwrap_or(DEFAULT_PAGE as u64)))
    }

    /// What a forward page loads of its list (None when it counts from the end): its
    /// rows up to the page's end, and the count only when the page asks for
    /// `totalCount`; otherwise, when it asks for `pageInfo`, one row more, which tells
    /// whether a next page exists.
    pub fn head(&self, ctx: &async_graphql::Context<'_>) -> Option<Head> {
        let n = self.forward_limit()?;
        let (counted, paged) = (shows(ctx, "totalCount"), shows(ctx, "pageInfo"));
        // At least one row even for `first: 0`: a parent's count comes with its rows,
        // and a parent without any would read as having none.
        Some(Head {
            n: if counted {
                n.max(1)
            } else if paged {
                n.saturating_add(1)
            } else {
                n
            },
            counted,
        })
    }

    pub fn window(&self, total: u64) -> Window {
        let mut start = self.after.map_or(0, |a| a.saturating_add(1)).min(total);
        let mut end = self.before.unwrap_or(total).min(total).max(start);
        let first = match (self.first, self.last) {
            (None, None) => Some(DEFAULT_PAGE as u64),
            (f, _) => f,
        };
        if let Some(f) = first {
            end = end.min(start.saturating_add(f));
        }
        if let Some(l) = self.last {
            start = start.max(end.saturating_sub(l));
        }
        Window { start, end, total }
    }
}

/// Builds a connection from the window's rows (`rows[0]` is item `w.start`).
pub fn build<M, T: OutputType>(w: Window, rows: Vec<M>, map: impl Fn(M) -> T) -> Conn<T> {
    build_with(w, rows, |m| (map(m), ()))
}

/// Builds a connection whose edges carry more than the node (`map` gives both).
pub fn build_with<M, T: OutputType, X>(
    w: Window,
    rows: Vec<M>,
    map: impl Fn(M) -> (T, X),
) -> Conn<T, X> {
    let edges: Vec<Edge<T, X>> = rows
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let (node, extra) = map(m);
            Edge {
                place: Place::Offset(w.start + i as u64),
                node,
                extra,
            }
        })
        .collect();
    connection(edges, w.start > 0, w.end < w.total, Some(w.total))
}

fn connection<T, X>(
    edges: Vec<Edge<T, X>>,
    has_previous_page: bool,
    has_next_page: bool,
    total_count: Option<u64>,
) -> Conn<T, X> {
    let page_info = PageInfo {
        has_previous_page,
        has_next_page,
        items: edges
            .first()
            .zip(edges.last())
            .map(|(a, b)| (a.place.clone(), b.place.clone())),
    };
    LeanInline(Box::new(Connection {
        edges,
        page_info,
        total_count,
    }))
}

/// Builds a connection from a keyset page (`db::keyset::page`): each edge's cursor
/// holds its row's key in `keyset`'s order.
pub fn build_keyed<M, T: OutputType, X>(
    keyset: &'static Keyset<<M::Entity as EntityTrait>::Column>,
    paged: Paged<M>,
    map: impl Fn(M) -> (T, X),
) -> Conn<T, X>
where
    M: ModelTrait,
    <M::Entity as EntityTrait>::Column: Send + Sync,
{
    let edges = paged
        .rows
        .into_iter()
        .map(|m| {
            let place = Place::Key(keyset, keyset.key_of(&m));
            let (node, extra) = map(m);
            Edge { place, node, extra }
        })
        .collect();
    connection(edges, paged.has_previous, paged.has_next, paged.total)
}

/// Relay's paging arguments of a list that pages by keys (see `db::keyset`),
/// checked; its cursors are read against the list's order by [`KeyPage::seek`].
#[derive(Debug, Clone, Default)]
pub struct KeyPage {
    after: Option<String>,
    before: Option<String>,
    first: Option<u64>,
    last: Option<u64>,
}

impl KeyPage {
    pub fn new(
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> AppResult<Self> {
        both_counts(first, last)?;
        Ok(KeyPage {
            after,
            before,
            first: count("first", first)?,
            last: count("last", last)?,
        })
    }

    /// The page as the list `keyset` reads it: its cursors' keys, and whether it
    /// counts the list (its selection shows `totalCount`).
    pub fn seek<C: ColumnTrait>(
        &self,
        keyset: &Keyset<C>,
        ctx: &async_graphql::Context<'_>,
    ) -> AppResult<Seek> {
        let key = |field: &str, c: &Option<String>| {
            c.as_deref().map(|c| keyset.decode(field, c)).transpose()
        };
        Ok(Seek {
            after: key("after", &self.after)?,
            before: key("before", &self.before)?,
            first: self.first,
            last: self.last,
            counted: shows(ctx, "totalCount"),
        })
    }
}

/// Whether a connection's selection (fragments included) shows its field `name`.
fn shows(ctx: &async_graphql::Context<'_>, name: &str) -> bool {
    ctx.field().selection_set().any(|f| f.name() == name)
}

fn both_counts(first: Option<i32>, last: Option<i32>) -> AppResult<()> {
    if first.is_some() && last.is_some() {
        // Relay allows both but calls it confusing; it is always a client's mistake.
        return Err(AppError::invalid(
            "last",
            "give `first` (with `after`) or `last` (with `before`), not both",
        ));
    }
    Ok(())
}

/// A connection over a list already in memory (what a loader returned for one parent).
pub fn from_vec<M, T: OutputType>(items: Vec<M>, page: Page, map: impl Fn(M) -> T) -> Conn<T> {
    let total = items.len() as u64;
    from_head(items, total, page, map)
}

/// A page of a list of `total` items of which only the first ones, `head`, were
/// loaded (at least up to the page's end: see [`Page::forward_limit`]).
pub fn from_head<M, T: OutputType>(
    head: Vec<M>,
    total: u64,
    page: Page,
    map: impl Fn(M) -> T,
) -> Conn<T> {
    let w = page.window(total);
    let rows = head
        .into_iter()
        .skip(w.start as usize)
        .take((w.end - w.start) as usize)
        .collect();
    build(w, rows, map)
}

/// A page from what [`Page::head`] loaded: `total` when the head was counted, else the
/// rows loaded stand for it (one more than the page when there is a next page).
pub fn from_loaded<M, T: OutputType>(
    head: Vec<M>,
    total: Option<u64>,
    page: Page,
    map: impl Fn(M) -> T,
) -> Conn<T> {
    let total = total.unwrap_or(head.len() as u64);
    from_head(head, total, page, map)
}

/// The cost of a connection field: its children weigh once per item it may return.
pub fn cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let n = first.or(last).unwrap_or(DEFAULT_PAGE).clamp(0, MAX_PAGE) as usize;
    n.max(1).saturating_mul(child_complexity).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(
        after: Option<u64>,
        before: Option<u64>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Page {
        let enc = |n: u64| Cursor(n).encode();
        Page::new(after.map(enc), before.map(enc), first, last).unwrap_or_default()
    }

    #[test]
    fn cursors_round_trip_and_reject_foreign_strings() {
        let c = Cursor(41).encode();
        assert_eq!(Cursor::decode(&c), Some(Cursor(41)));
        assert!(Cursor::decode("41").is_none());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("x:1")).is_none());
    }

    #[test]
    fn default_page_is_twenty() {
        assert_eq!(
            Page::default().window(50),
            Window {
                start: 0,
                end: 20,
                total: 50
            }
        );
    }

    #[test]
    fn first_after_continues_where_the_last_page_ended() {
        assert_eq!(
            page(Some(19), None, Some(20), None).window(50),
            Window {
                start: 20,
                end: 40,
                total: 50
            }
        );
        assert_eq!(
            page(Some(39), None, Some(20), None).window(50),
            Window {
                start: 40,
                end: 50,
                total: 50
            }
        );
        assert_eq!(
            page(Some(60), None, Some(20), None).window(50),
            Window {
                start: 50,
                end: 50,
                total: 50
            }
        );
    }

    #[test]
    fn last_before_pages_backwards() {
        assert_eq!(
            page(None, None, None, Some(5)).window(50),
            Window {
                start: 45,
                end: 50,
                total: 50
            }
        );
        assert_eq!(
            page(None, Some(45), None, Some(5)).window(50),
            Window {
                start: 40,
                end: 45,
                total: 50
            }
        );
        assert_eq!(
            page(None, Some(3), None, Some(5)).window(50),
            Window {
                start: 0,
                end: 3,
                total: 50
            }
        );
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
