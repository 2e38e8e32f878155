//! Relay cursor connections: argument checking, windowing and building.
//!
//! Cursors are opaque to clients and every list pages by keys (issue 17): a
//! cursor holds its item's place in the list's order, never an offset. A list
//! read from SQL seeks its page by an index ([`build_keyed`], `db::keyset::Keyset`);
//! a list a loader holds whole for its parent (a cooperative's offerings), or one
//! computed whole (a ranked search), finds it in memory ([`from_list`],
//! `db::keyset::Listed`); a parent's list read "first n per parent" seeks in SQL
//! too ([`from_first`]).

pub use super::exec::lean::{Lean, LeanInline};
use crate::db::keyset::{Keyset, ListKey, Listed, Paged, Seek, Span, DEFAULT_PAGE as DEFAULT_ROWS};
use crate::db::{project::Decode, Head};
use crate::error::{AppError, AppResult};
use crate::graphql::exec::batch::Load;
use crate::graphql::load_list;
use crate::graphql::loaders::{ByKeyLoader, FirstByKeyLoader, FirstKey};
use crate::graphql::projection::{node_columns, Reads};
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{Object, OutputType, TypeName};
use sea_orm::{ColumnTrait, EntityTrait, ModelTrait, Value};
use std::borrow::Cow;

pub const DEFAULT_PAGE: i32 = 20;
pub const MAX_PAGE: i32 = 100;

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
    /// Its key in its list's order (a list read from SQL).
    Key(&'static dyn KeyCursor, Vec<Value>),
    /// Its key in a list held in memory, and the list's tag.
    Listed(&'static str, ListKey),
    /// Not written: an item inside a page whose selection shows no edges (only
    /// `pageInfo`'s first and last cursors can be asked for).
    Unwritten,
}

impl Place {
    fn cursor(&self) -> String {
        match self {
            Place::Key(list, key) => list.encode(key),
            Place::Listed(tag, key) => crate::db::keyset::write_cursor(tag, key),
            Place::Unwritten => String::new(),
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

fn count(field: &str, n: Option<i32>) -> AppResult<Option<u64>> {
    match n {
        Some(n) if !(0..=MAX_PAGE).contains(&n) => Err(AppError::invalid(
            field,
            format!("must be between 0 and {MAX_PAGE}, got {n}; page with `after`"),
        )),
        n => Ok(n.map(|n| n as u64)),
    }
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
        self.seek_by(ctx, |field, c| keyset.decode(field, c))
    }

    /// The page as the in-memory list `list` reads it (see [`KeyPage::seek`]).
    pub fn list_seek<I>(
        &self,
        list: &Listed<I>,
        ctx: &async_graphql::Context<'_>,
    ) -> AppResult<Seek<ListKey>> {
        self.seek_by(ctx, |field, c| list.decode(field, c))
    }

    /// The page with its cursors read by `decode` (argument name, cursor).
    fn seek_by<K>(
        &self,
        ctx: &async_graphql::Context<'_>,
        decode: impl Fn(&str, &str) -> AppResult<K>,
    ) -> AppResult<Seek<K>> {
        let key =
            |field: &str, c: &Option<String>| c.as_deref().map(|c| decode(field, c)).transpose();
        Ok(Seek {
            after: key("after", &self.after)?,
            before: key("before", &self.before)?,
            first: self.first,
            last: self.last,
            counted: shows(ctx, "totalCount"),
        })
    }
}

/// What a forward page of a parent's list loads "first n per parent" (None when it
/// reads from the end: `last`, `before`): its rows after its cursor, one more than
/// it shows (which tells whether a next page exists), and the list's count only
/// when the page asks for `totalCount`.
pub fn head(seek: &Seek<ListKey>) -> Option<Head> {
    if seek.last.is_some() || seek.before.is_some() {
        return None;
    }
    Some(Head {
        n: seek.first.unwrap_or(DEFAULT_ROWS).saturating_add(1),
        counted: seek.counted,
    })
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

/// A page of a list held whole in memory (a loader's list for its parent):
/// `items` in any order, ordered by `list`, the page cut by `seek`'s keys.
pub fn from_list<I, T: OutputType>(
    items: Vec<I>,
    list: &'static Listed<I>,
    seek: &Seek<ListKey>,
    map: impl Fn(I) -> T,
) -> AppResult<Conn<T>> {
    let keyed = list.keyed(items);
    let w = list.span(&keyed, seek)?;
    let page = keyed.into_iter().skip(w.start).take(w.end - w.start);
    Ok(listed(
        list.tag,
        w,
        page.map(|(key, item)| (key, map(item), ())),
    ))
}

/// A connection of the items `page` (each with its key, node and extra) that show
/// the span `w` of the list `tag` held in memory (some may have been left out
/// since: a ranked list's items the viewer may not see).
pub fn listed<T, X>(
    tag: &'static str,
    w: Span,
    page: impl IntoIterator<Item = (ListKey, T, X)>,
) -> Conn<T, X> {
    let edges = page
        .into_iter()
        .map(|(key, node, extra)| Edge {
            place: Place::Listed(tag, key),
            node,
            extra,
        })
        .collect();
    connection(edges, w.start > 0, w.end < w.len, Some(w.len as u64))
}

/// A forward page of a parent's list read "first n per parent" (`batch::first_by_key`):
/// `rows` are the list's first rows after `seek.after` in `list`'s order, one more
/// than the page when there are more ([`head`]); `total` the whole list's
/// count when the page asked for it.
///
/// Its items' keys are written only where a cursor can be asked for: every item's
/// when the page shows `edges`, else its first and last (`pageInfo`'s).
pub fn from_first<I, T: OutputType>(
    ctx: &async_graphql::Context<'_>,
    mut rows: Vec<I>,
    total: Option<u64>,
    list: &'static Listed<I>,
    seek: &Seek<ListKey>,
    map: impl Fn(I) -> T,
) -> Conn<T> {
    let n = usize::try_from(seek.first.unwrap_or(DEFAULT_ROWS)).unwrap_or(usize::MAX);
    let more = rows.len() > n;
    rows.truncate(n);
    let every = shows(ctx, "edges");
    let last = rows.len().saturating_sub(1);
    let edges = rows
        .into_iter()
        .enumerate()
        .map(|(i, item)| Edge {
            place: if every || i == 0 || i == last {
                Place::Listed(list.tag, (list.key)(&item))
            } else {
                Place::Unwritten
            },
            node: map(item),
            extra: (),
        })
        .collect();
    connection(edges, seek.after.is_some(), more, total)
}

/// A page of the rows of `E` that point at `parent` (a cooperative's offerings, a
/// unit's institutions). A forward page reads only its rows after its cursor, only
/// the columns its nodes ask for, and the list's count only when asked (`first`: one
/// statement for every parent of the step, see `batch::first_by_key`); any other
/// page reads the parent's whole list (`whole`) and cuts it in memory.
pub async fn relation_page<T, E>(
    ctx: &async_graphql::Context<'_>,
    parent: i32,
    seek: &Seek<ListKey>,
    list: &'static Listed<E::Model>,
    first: &Load<FirstByKeyLoader<E>, FirstKey<E>>,
    whole: &Load<ByKeyLoader<E>>,
    map: impl Fn(E::Model) -> T,
) -> AppResult<Conn<T>>
where
    E: Decode,
    E::Model: Clone + Send + Sync,
    T: OutputType + Reads<Entity = E>,
{
    if let Some(head) = head(seek) {
        let cols = node_columns::<T>(ctx);
        let key = (parent, head, cols, seek.after.clone());
        let (total, rows) = load_list(first, key).await?;
        return Ok(from_first(ctx, rows, total, list, seek, map));
    }
    let rows = load_list(whole, parent).await?;
    from_list(rows, list, seek, map)
}

/// The cost of a connection field: its children weigh once per item it may return.
pub fn cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let n = first.or(last).unwrap_or(DEFAULT_PAGE).clamp(0, MAX_PAGE) as usize;
    n.max(1).saturating_mul(child_complexity).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::keyset::{Find, Sort};

    const NUMBERS: Listed<i32> = Listed {
        tag: "test.numbers",
        key: |n| vec![Sort::from(*n)],
        find: Find::Order,
    };

    fn seek(
        after: Option<i32>,
        before: Option<i32>,
        first: Option<u64>,
        last: Option<u64>,
    ) -> Seek<ListKey> {
        let key = |n: i32| (NUMBERS.key)(&n);
        Seek {
            after: after.map(key),
            before: before.map(key),
            first,
            last,
            counted: false,
        }
    }

    fn span(s: Seek<ListKey>) -> (usize, usize) {
        // 0, 2, 4, …, 98: fifty items.
        let keyed = NUMBERS.keyed((0..50).rev().map(|n| n * 2).collect());
        let w = NUMBERS.span(&keyed, &s).unwrap_or(Span {
            start: 0,
            end: 0,
            len: 0,
        });
        assert_eq!(w.len, 50);
        (w.start, w.end)
    }

    #[test]
    fn default_page_is_twenty() {
        assert_eq!(span(seek(None, None, None, None)), (0, 20));
    }

    #[test]
    fn first_after_continues_after_the_key_wherever_it_now_stands() {
        assert_eq!(span(seek(Some(38), None, Some(20), None)), (20, 40));
        assert_eq!(span(seek(Some(78), None, Some(20), None)), (40, 50));
        assert_eq!(span(seek(Some(500), None, Some(20), None)), (50, 50));
        // An item that has left the list: the page starts after where it stood.
        assert_eq!(span(seek(Some(39), None, Some(5), None)), (20, 25));
    }

    #[test]
    fn last_before_pages_backwards() {
        assert_eq!(span(seek(None, None, None, Some(5))), (45, 50));
        assert_eq!(span(seek(None, Some(90), None, Some(5))), (40, 45));
        assert_eq!(span(seek(None, Some(6), None, Some(5))), (0, 3));
    }

    #[test]
    fn cursors_round_trip_and_refuse_other_lists_and_offsets() {
        let key = vec![Sort::Int(-2024), Sort::Text("Łódź".into()), Sort::Last];
        let c = crate::db::keyset::write_cursor(NUMBERS.tag, &key);
        assert_eq!(NUMBERS.decode("after", &c).ok(), Some(key));
        let other = crate::db::keyset::write_cursor("test.other", &vec![Sort::Int(1)]);
        assert!(NUMBERS.decode("after", &other).is_err());
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let e = NUMBERS
            .decode("after", &URL_SAFE_NO_PAD.encode("o:19"))
            .err()
            .map(|e| format!("{e:?}"))
            .unwrap_or_default();
        assert!(e.contains("offset cursor"), "{e}");
        assert!(NUMBERS.decode("after", "41").is_err());
    }

    #[test]
    fn page_size_is_capped_with_a_clear_error() {
        let err = KeyPage::new(None, None, Some(101), None).err();
        assert!(matches!(err, Some(AppError::InvalidInput { ref field, .. }) if field == "first"));
        assert!(KeyPage::new(None, None, None, Some(-1)).is_err());
    }

    #[test]
    fn cost_multiplies_children_by_page_size() {
        assert_eq!(cost(Some(10), None, 5), 51);
        assert_eq!(cost(None, None, 5), 101);
        assert_eq!(cost(Some(1000), None, 1), 101);
    }
}
