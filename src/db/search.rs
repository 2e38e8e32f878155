//! The search index (`search_token`): keeping it in step with the records, and
//! the SQL that ranks records for a query. Tokens come from `crate::search`.
//!
//! Weights (per field; a record's weight for a word is its best field's):
//! cooperative name 10, description 2; offering name 6, description 1;
//! industry name 3; other records' names/subjects/titles 10 and texts 2 (a
//! recommendation's summary and body, an article's lead and body).
//! A query word scores the weight of its best match, doubled when the word is a
//! whole token rather than its prefix; a record must match every word, and its
//! relevance is the sum over the words, plus [`EXACT_NAME`] when the query's words
//! are its whole name (so `lodz` puts the city Łódź before the cooperatives
//! whose names merely contain it). Integers only: identical on both databases.

use super::directory::id_list;
use crate::search::{prefix_end, words};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use std::borrow::Cow;
use std::collections::HashMap;

/// What a token row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Cooperative,
    Offering,
    Industry,
    Procurement,
    Institution,
    LocalGovernment,
    Recommendation,
    Article,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Cooperative,
        Kind::Offering,
        Kind::Industry,
        Kind::Procurement,
        Kind::Institution,
        Kind::LocalGovernment,
        Kind::Recommendation,
        Kind::Article,
    ];

    fn code(self) -> char {
        match self {
            Kind::Cooperative => 'C',
            Kind::Offering => 'O',
            Kind::Industry => 'N',
            Kind::Procurement => 'P',
            Kind::Institution => 'I',
            Kind::LocalGovernment => 'L',
            Kind::Recommendation => 'R',
            Kind::Article => 'A',
        }
    }

    /// Whether a query of exactly a record's name ranks it first ([`EXACT_NAME`]):
    /// records known by their names.
    fn named(self) -> bool {
        matches!(
            self,
            Kind::Cooperative | Kind::Institution | Kind::LocalGovernment
        )
    }

    /// The records to index: `id`, `coop` (owning cooperative or null), then texts with weights.
    fn source(self) -> (Cow<'static, str>, &'static [i16]) {
        let (select, weights): (&'static str, _) = match self {
            Kind::Cooperative => (
                "SELECT id, id AS coop, name AS t0, description AS t1 FROM cooperative",
                &[10, 2],
            ),
            Kind::Offering => (
                "SELECT id, cooperative_id AS coop, name AS t0, description AS t1 FROM offering",
                &[6, 1],
            ),
            Kind::Industry => (
                "SELECT id, NULL AS coop, name AS t0, NULL AS t1 FROM industry",
                &[3, 0],
            ),
            // Only listed examples enter the index: proposals are not for everyone.
            Kind::Procurement => {
                let listed = crate::policy::listed_procurement_sql("procurement_example");
                return (
                    format!("SELECT id, NULL AS coop, subject AS t0, outcome AS t1 FROM procurement_example WHERE {listed}").into(),
                    &[10, 2],
                );
            }
            Kind::Institution => (
                "SELECT id, NULL AS coop, name AS t0, address AS t1 FROM institution",
                &[10, 2],
            ),
            Kind::LocalGovernment => (
                "SELECT id, NULL AS coop, name AS t0, NULL AS t1 FROM local_government",
                &[10, 0],
            ),
            // Only published texts enter the index: drafts are not for everyone.
            Kind::Recommendation => {
                let listed = crate::policy::listed_content_sql("recommendation");
                return (
                    format!("SELECT id, NULL AS coop, code || ' ' || title AS t0, summary || ' ' || body_markdown AS t1 FROM recommendation WHERE {listed}").into(),
                    &[10, 2],
                );
            }
            Kind::Article => {
                let listed = crate::policy::listed_content_sql("article");
                return (
                    format!("SELECT id, NULL AS coop, title AS t0, lead || ' ' || body_markdown AS t1 FROM article WHERE {listed}").into(),
                    &[10, 2],
                );
            }
        };
        (select.into(), weights)
    }
}

/// What a record scores on top when the query's words are exactly its name's.
pub const EXACT_NAME: i16 = 1000;

/// The token that stands for a whole name of these words (any order, each once):
/// `=` and a hash, as the column holds 32 bytes and names are longer. No query word
/// reaches it by prefix: words start with a letter or digit, which sort apart from `=`.
pub fn name_token(words: impl IntoIterator<Item = String>) -> String {
    let mut words: Vec<String> = words.into_iter().collect();
    words.sort();
    words.dedup();
    let hash = crate::auth::sha256_hex(&words.join(" "));
    format!("={}", &hash[..31])
}

#[derive(FromQueryResult)]
struct SourceRow {
    id: i32,
    coop: Option<i32>,
    t0: Option<String>,
    t1: Option<String>,
}

/// Rebuilds the tokens of `kind` (all its records, or only `ids`). Records that no
/// longer exist (or no longer qualify) lose their tokens. Records are read in
/// chunks, so memory stays bounded however many there are.
pub async fn reindex<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    ids: Option<&[i32]>,
) -> Result<(), DbErr> {
    const CHUNK: usize = 5_000;
    let backend = db.get_database_backend();
    let code = kind.code();
    let (select, weights) = kind.source();
    let glue = if select.contains(" WHERE ") {
        "AND"
    } else {
        "WHERE"
    };
    let read =
        |sql: String| SourceRow::find_by_statement(Statement::from_string(backend, sql)).all(db);
    match ids {
        Some(ids) => {
            for chunk in ids.chunks(CHUNK) {
                let list = id_list(chunk);
                db.execute_unprepared(&format!(
                    "DELETE FROM search_token WHERE kind = '{code}' AND entity_id IN ({list})"
                ))
                .await?;
                let rows = read(format!("{select} {glue} id IN ({list})")).await?;
                write_tokens(db, kind, weights, &rows).await?;
            }
        }
        None => {
            db.execute_unprepared(&format!("DELETE FROM search_token WHERE kind = '{code}'"))
                .await?;
            let mut last = super::keyset::BEFORE_ANY_ID;
            loop {
                let rows = read(format!(
                    "{select} {glue} id > {last} ORDER BY id LIMIT {CHUNK}"
                ))
                .await?;
                let Some(tail) = rows.last() else { break };
                last = i64::from(tail.id);
                write_tokens(db, kind, weights, &rows).await?;
                if rows.len() < CHUNK {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Inserts the tokens of `rows` (each word once per record, with its best field's weight).
async fn write_tokens<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    weights: &[i16],
    rows: &[SourceRow],
) -> Result<(), DbErr> {
    let code = kind.code();
    let mut values = Vec::with_capacity(500);
    for r in rows {
        let mut best: HashMap<String, i16> = HashMap::new();
        for (text, w) in [(&r.t0, weights[0]), (&r.t1, weights[1])] {
            if let (Some(text), true) = (text, w > 0) {
                for word in words(text) {
                    let e = best.entry(word).or_insert(w);
                    *e = (*e).max(w);
                }
            }
        }
        let coop = r.coop.map_or("NULL".to_owned(), |c| c.to_string());
        if let (true, Some(name)) = (kind.named(), &r.t0) {
            let mut name_words: Vec<String> = words(name).collect();
            name_words.sort();
            name_words.dedup();
            if !name_words.is_empty() && name_words.len() <= crate::search::MAX_TERMS {
                best.insert(name_token(name_words), EXACT_NAME);
            }
        }
        for (token, w) in best {
            // Tokens hold ASCII letters and digits only: safe to inline.
            values.push(format!("('{code}',{},{coop},'{token}',{w})", r.id));
            if values.len() == 500 {
                insert(db, &mut values).await?;
            }
        }
    }
    insert(db, &mut values).await
}

async fn insert<C: ConnectionTrait>(db: &C, values: &mut Vec<String>) -> Result<(), DbErr> {
    if values.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO search_token (kind, entity_id, cooperative_id, token, weight) VALUES {}",
        values.join(",")
    );
    values.clear();
    db.execute_unprepared(&sql).await?;
    Ok(())
}

/// Rebuilds the whole index.
pub async fn reindex_all<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    for kind in Kind::ALL {
        reindex(db, kind, None).await?;
    }
    Ok(())
}

/// One query word's matches as `(id, term, w)` rows, `w` doubled for a whole-word match.
fn term_rows(kinds: &str, id_col: &str, n: usize, term: &str) -> String {
    let hi = prefix_end(term);
    format!(
        "SELECT {id_col} AS id, {n} AS term, weight * (CASE WHEN token = '{term}' THEN 2 ELSE 1 END) AS w \
         FROM search_token WHERE token >= '{term}' AND token < '{hi}' AND kind IN ({kinds})"
    )
}

/// Sums each record's best match per word, keeping records that match every word
/// (the whole-name match, numbered after the words, only adds to the sum).
fn rank(parts: Vec<String>, terms: usize) -> String {
    format!(
        "SELECT id, SUM(w) AS score FROM (SELECT id, term, MAX(w) AS w FROM ({}) m GROUP BY id, term) b \
         GROUP BY id HAVING SUM(CASE WHEN term < {terms} THEN 1 ELSE 0 END) = {terms}",
        parts.join(" UNION ALL ")
    )
}

/// The rows of records of `kinds` whose whole name is the query's words: the term
/// after the words, weighing [`EXACT_NAME`].
fn name_rows(kinds: &str, id_col: &str, terms: &[String]) -> String {
    let n = terms.len();
    let token = name_token(terms.iter().cloned());
    format!(
        "SELECT {id_col} AS id, {n} AS term, weight AS w FROM search_token \
         WHERE token = '{token}' AND kind IN ({kinds})"
    )
}

/// `SELECT id, score`: cooperatives matching every term in their own name and
/// description, their offerings, or their industries' names. `within`, if given, is
/// a `SELECT` of the cooperative ids to consider (it narrows the work, not the answer's
/// meaning: a caller passes it when it filters by those ids anyway).
pub fn cooperative_matches(terms: &[String], within: Option<&str>) -> String {
    let (own, linked) = match within {
        Some(ids) => (
            format!(" AND cooperative_id IN ({ids})"),
            format!(" AND ci.cooperative_id IN ({ids})"),
        ),
        None => (String::new(), String::new()),
    };
    let mut parts = Vec::new();
    for (n, t) in terms.iter().enumerate() {
        parts.push(term_rows("'C','O'", "cooperative_id", n, t) + &own);
        let hi = prefix_end(t);
        parts.push(format!(
            "SELECT ci.cooperative_id AS id, {n} AS term, st.weight * (CASE WHEN st.token = '{t}' THEN 2 ELSE 1 END) AS w \
             FROM search_token st JOIN cooperative_industry ci ON ci.industry_id = st.entity_id \
             WHERE st.token >= '{t}' AND st.token < '{hi}' AND st.kind = 'N'{linked}"
        ));
    }
    parts.push(name_rows("'C'", "cooperative_id", terms) + &own);
    rank(parts, terms.len())
}

/// `SELECT id, score`: records of one kind matching every term.
pub fn kind_matches(kind: Kind, terms: &[String]) -> String {
    if kind == Kind::Cooperative {
        return cooperative_matches(terms, None);
    }
    let kinds = format!("'{}'", kind.code());
    let mut parts: Vec<String> = terms
        .iter()
        .enumerate()
        .map(|(n, t)| term_rows(&kinds, "entity_id", n, t))
        .collect();
    if kind.named() {
        parts.push(name_rows(&kinds, "entity_id", terms));
    }
    rank(parts, terms.len())
}

#[derive(FromQueryResult)]
struct Scored {
    id: i32,
    score: i64,
}

/// `(id, relevance)` of the records of `kind` matching every term.
pub async fn scores<C: ConnectionTrait>(
    db: &C,
    kind: Kind,
    terms: &[String],
) -> Result<Vec<(i32, i64)>, DbErr> {
    let sql = kind_matches(kind, terms);
    let rows = Scored::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.score)).collect())
}
