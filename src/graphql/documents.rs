//! Documents parsed once: partner portals send the same few documents thousands of
//! times, and parsing one costs more than answering it from the cache. The HTTP
//! layer looks each request's text up here and hands the parsed document to the
//! schema (see `graphql::Execution`), with its canonical text (printed from the
//! parsed document, see `graphql::document::canonical`) for the response cache's keys.

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use std::sync::{Arc, Mutex};

/// Documents kept (and validation results, see `response_cache`), and the longest
/// document text kept.
pub(crate) const KEPT_DOCUMENTS: std::num::NonZeroUsize =
    std::num::NonZeroUsize::new(1024).unwrap();
pub(crate) const KEPT_DOCUMENT_BYTES: usize = 16 * 1024;

/// A parsed document and its canonical text (part of a cached answer's key).
pub struct Parsed {
    pub doc: ExecutableDocument,
    pub normalised: String,
}

impl Parsed {
    pub fn new(doc: ExecutableDocument) -> Parsed {
        Parsed {
            normalised: crate::graphql::document::canonical(&doc),
            doc,
        }
    }

    /// The kind of the operation a request runs: the one named, or without a name
    /// the document's only one (None: no such operation, or a choice the request
    /// did not make, which execution refuses). Asked once per request, by
    /// [`Prepared::new`].
    fn operation_type(&self, name: Option<&str>) -> Option<OperationType> {
        let mut ops = self.doc.operations.iter();
        match name {
            Some(w) => ops
                .find(|(n, _)| n.is_some_and(|n| n.as_str() == w))
                .map(|(_, op)| op.node.ty),
            None => match (ops.next(), ops.next()) {
                (Some((_, op)), None) => Some(op.node.ty),
                _ => None,
            },
        }
    }
}

/// One request's document, prepared once at the door (HTTP GET or POST, a
/// persisted document, a WebSocket `subscribe`) and shared by every stage after
/// it: the method check (no mutation over GET), the time limit (which spares
/// mutations), the response cache (what it may keep and what a write bumps),
/// the cost guard (its size and cost, see `graphql::cost`) and execution (the
/// parsed document is handed to the schema, never parsed again). The kind of
/// operation is decided here and nowhere else.
pub struct Prepared {
    pub parsed: Arc<Parsed>,
    /// The operation the request names (None: the document's only one).
    pub operation_name: Option<String>,
    /// The kind of the operation that runs; None when there is no such operation,
    /// or the document holds several and the request named none (execution refuses it).
    pub kind: Option<OperationType>,
}

impl Prepared {
    pub fn new(parsed: Arc<Parsed>, operation_name: Option<String>) -> Prepared {
        let kind = parsed.operation_type(operation_name.as_deref());
        Prepared {
            parsed,
            operation_name,
            kind,
        }
    }

    /// A mutation runs to its end (never stopped by the time limit), is never
    /// cached, and bumps the cache counters of what it writes.
    pub fn is_mutation(&self) -> bool {
        self.kind == Some(OperationType::Mutation)
    }

    pub fn is_query(&self) -> bool {
        self.kind == Some(OperationType::Query)
    }

    pub fn is_subscription(&self) -> bool {
        self.kind == Some(OperationType::Subscription)
    }
}

/// The documents parsed recently, by their text (at most [`KEPT_DOCUMENTS`], each at
/// most [`KEPT_DOCUMENT_BYTES`] long).
pub struct Documents(Mutex<lru::LruCache<String, Arc<Parsed>>>);

impl Default for Documents {
    fn default() -> Self {
        Documents(Mutex::new(lru::LruCache::new(KEPT_DOCUMENTS)))
    }
}

impl Documents {
    /// The request's document prepared for every stage (see [`Prepared`]); None
    /// when it does not parse (the schema then parses it again and reports why, as
    /// for any request).
    pub fn prepare(&self, text: &str, operation_name: Option<String>) -> Option<Arc<Prepared>> {
        Some(Arc::new(Prepared::new(self.get(text)?, operation_name)))
    }

    /// The parsed document of `text`; None when it does not parse.
    fn get(&self, text: &str) -> Option<Arc<Parsed>> {
        if let Some(p) = self.0.lock().ok().and_then(|mut d| d.get(text).cloned()) {
            return Some(p);
        }
        let parsed = Arc::new(Parsed::new(async_graphql::parser::parse_query(text).ok()?));
        // A mutation's literals may be private (a legal question written inline):
        // its text is not kept; reads are what repeat.
        let mutation = parsed
            .doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Mutation);
        if text.len() <= KEPT_DOCUMENT_BYTES && !mutation {
            if let Ok(mut d) = self.0.lock() {
                d.put(text.to_owned(), parsed.clone());
            }
        }
        Some(parsed)
    }
}
