//! The knowledge base's share of the sample (`db::sample`): the starter
//! recommendations illustrated by sample purchases, and sample newspaper and
//! handbook issues with a few articles about sample cooperatives and gminy. All
//! of it is marked `isSample` and says in its text that it is generated, with
//! invented people; none of it is the federation's text.

use crate::db::knowledge::{
    seed_article, seed_publication, ArticleFields, ContributorFields, PublicationFields,
};
use crate::db::starter::{ensure_starter, illustrated_by};
use crate::db::write::Write;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use entity::{
    article, article_contributor, audit_entry, institution, local_government, mention,
    procurement_example, procurement_supplier, publication, recommendation, recommendation_example,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

/// Most sample purchases linked to one starter recommendation (newest first);
/// fewer in a small sample: one in twenty of its purchases, at least 3.
const EXAMPLES_PER_RECOMMENDATION: usize = 20;

/// Who the sample texts say they are from.
const ORIGIN: &str = "Tekst przykładowy wygenerowany przez coophub (dane przykładowe; osoby i wypowiedzi są fikcyjne).";

/// What was written.
#[derive(Debug, Default)]
pub struct KnowledgeReport {
    pub recommendations_added: usize,
    pub illustrations: usize,
    pub publications: usize,
    pub articles: usize,
}

/// One sample purchase, as the texts need it.
struct Purchase {
    id: i32,
    subject: String,
    year: i32,
    buyer: local_government::Model,
    industry_id: Option<i32>,
    lead: (i32, String),
}

/// Writes the knowledge sample into `txn`, after the sample cooperatives,
/// institutions and purchases.
pub async fn seed(txn: &Write) -> Result<KnowledgeReport> {
    let mut report = KnowledgeReport {
        recommendations_added: ensure_starter(txn).await.map_err(failed)?,
        ..Default::default()
    };
    let codes: HashMap<String, i32> = recommendation::Entity::find()
        .select_only()
        .columns([recommendation::Column::Code, recommendation::Column::Id])
        .into_tuple::<(String, i32)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let examples: Vec<(i32, procurement_example::Procedure)> = procurement_example::Entity::find()
        .select_only()
        .columns([
            procurement_example::Column::Id,
            procurement_example::Column::Procedure,
        ])
        .filter(procurement_example::Column::IsSample.eq(true))
        .filter(procurement_example::Column::Verified.eq(true))
        .order_by_desc(procurement_example::Column::Year)
        .order_by_desc(procurement_example::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let per_recommendation = (examples.len() / 20).clamp(3, EXAMPLES_PER_RECOMMENDATION);
    let mut taken: HashMap<&str, usize> = HashMap::new();
    let mut links = Vec::new();
    let mut newest: HashMap<&str, i32> = HashMap::new();
    for (id, procedure) in &examples {
        let Some(code) = illustrated_by(*procedure) else {
            continue;
        };
        let Some(rec) = codes.get(code) else { continue };
        let n = taken.entry(code).or_default();
        if *n == per_recommendation {
            continue;
        }
        *n += 1;
        newest.entry(code).or_insert(*id);
        links.push(recommendation_example::ActiveModel {
            recommendation_id: Set(*rec),
            procurement_example_id: Set(*id),
        });
    }
    report.illustrations = links.len();
    if !links.is_empty() {
        recommendation_example::Entity::insert_many(links)
            .exec_without_returning(txn)
            .await?;
    }

    let newspaper = seed_publication(
        txn,
        &PublicationFields {
            kind: publication::Kind::Newspaper,
            title: "JAK — numer przykładowy".into(),
            number: Some(1),
            issued_on: day(2026, 6, 1),
            publisher: Some("coophub (dane przykładowe)".into()),
            licence: None,
            is_sample: true,
        },
    )
    .await
    .map_err(failed)?;
    let handbook = seed_publication(
        txn,
        &PublicationFields {
            kind: publication::Kind::Handbook,
            title: "Poradnik współpracy — wydanie przykładowe".into(),
            number: Some(1),
            issued_on: day(2026, 3, 1),
            publisher: Some("coophub (dane przykładowe)".into()),
            licence: None,
            is_sample: true,
        },
    )
    .await
    .map_err(failed)?;
    report.publications = 2;

    let mut articles = Vec::new();
    if let Some(p) = purchase(txn, newest.get("S-RESERVED")).await? {
        articles.push(interview(&p, codes.get("S-RESERVED"), newspaper.id));
    }
    if let Some(p) = purchase(txn, newest.get("S-CLAUSES")).await? {
        articles.push(chapter(&p, codes.get("S-CLAUSES"), handbook.id));
    }
    articles.push(question(&codes, newspaper.id));
    if let Some(owes) = institution::Entity::find()
        .filter(institution::Column::IsSample.eq(true))
        .filter(institution::Column::Kind.eq(institution::Kind::Owes))
        .order_by_asc(institution::Column::Id)
        .one(txn)
        .await?
    {
        articles.push(news(&owes, newspaper.id));
    }
    for a in &articles {
        seed_article(txn, a)
            .await
            .map_err(|e| failed(e).context(format!("sample article {}", a.slug)))?;
    }
    report.articles = articles.len();
    Ok(report)
}

fn failed(e: crate::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The purchase `id` with its buyer and lead supplier.
async fn purchase(txn: &Write, id: Option<&i32>) -> Result<Option<Purchase>> {
    let Some(id) = id else { return Ok(None) };
    let Some(p) = procurement_example::Entity::find_by_id(*id)
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let buyer = local_government::Entity::find_by_id(p.buyer_id)
        .one(txn)
        .await?
        .context("a sample purchase without its buyer")?;
    let lead: Option<(i32, String)> = procurement_supplier::Entity::find()
        .select_only()
        .column(procurement_supplier::Column::CooperativeId)
        .column(entity::cooperative::Column::Name)
        .inner_join(entity::cooperative::Entity)
        .filter(procurement_supplier::Column::ProcurementExampleId.eq(p.id))
        .filter(procurement_supplier::Column::Role.eq(procurement_supplier::Role::Lead))
        .into_tuple()
        .one(txn)
        .await?;
    Ok(lead.map(|lead| Purchase {
        id: p.id,
        subject: p
            .subject
            .split(" — ")
            .next()
            .unwrap_or(&p.subject)
            .to_owned(),
        year: p.year,
        buyer,
        industry_id: p.industry_id,
        lead,
    }))
}

fn contributors(people: &[(&str, article_contributor::Role)]) -> Vec<ContributorFields> {
    people
        .iter()
        .map(|(name, role)| ContributorFields {
            name: (*name).to_owned(),
            role: *role,
            person_id: None,
        })
        .collect()
}

fn base(kind: article::Kind, slug: &str, publication: i32, on: NaiveDate) -> ArticleFields {
    ArticleFields {
        kind,
        title: String::new(),
        slug: slug.to_owned(),
        lead: String::new(),
        body_markdown: String::new(),
        publication_id: Some(publication),
        published_on: on,
        tags: Vec::new(),
        licence: None,
        origin: ORIGIN.to_owned(),
        is_sample: true,
        contributors: Vec::new(),
        mentions: Vec::new(),
    }
}

/// A purchase's cooperative, buyer, the purchase itself, its industry and the
/// recommendation it illustrates, as mentions.
fn purchase_mentions(p: &Purchase, rec: Option<&i32>) -> Vec<(String, i32)> {
    let mut m = vec![
        ("Cooperative".to_owned(), p.lead.0),
        ("LocalGovernment".to_owned(), p.buyer.id),
        ("ProcurementExample".to_owned(), p.id),
    ];
    m.extend(p.industry_id.map(|i| ("Industry".to_owned(), i)));
    m.extend(rec.map(|r| ("Recommendation".to_owned(), *r)));
    m
}

fn interview(p: &Purchase, rec: Option<&i32>, publication: i32) -> ArticleFields {
    use article_contributor::Role;
    let (coop, buyer) = (&p.lead.1, &p.buyer.name);
    ArticleFields {
        title: format!("Zamówienie zastrzeżone krok po kroku — rozmowa ze spółdzielnią {coop}"),
        lead: format!(
            "Przykładowy wywiad (dane generowane przez coophub, osoby fikcyjne): jak \
             {coop} wykonała zamówienie zastrzeżone „{}” dla jednostki {buyer} w {} r.",
            p.subject, p.year
        ),
        body_markdown: format!(
            "*Tekst przykładowy: rozmowa i rozmówczyni są wymyślone na potrzeby danych \
             demonstracyjnych coophub.*\n\n\
             **Skąd spółdzielnia dowiedziała się o zamówieniu?**\n\n\
             Zamawiający ({buyer}) opublikował ogłoszenie z zastrzeżeniem, że oferty mogą \
             złożyć tylko podmioty zatrudniające co najmniej 30% osób z grup zagrożonych \
             wykluczeniem. Śledzimy takie ogłoszenia w Biuletynie Zamówień Publicznych.\n\n\
             **Co było najtrudniejsze?**\n\n\
             Wycena. Przy przedmiocie „{}” trzeba policzyć koszty pracy, dojazdy i zapas na \
             zastępstwa; pierwsza kalkulacja była za niska.\n\n\
             **Co radzi Pani innym spółdzielniom?**\n\n\
             Zacząć od mniejszej części zamówienia i rozmawiać z zamawiającym przed \
             ogłoszeniem — na etapie wstępnych konsultacji rynkowych.",
            p.subject
        ),
        tags: vec![
            "zamówienia zastrzeżone".into(),
            "wywiad".into(),
            "art. 94 pzp".into(),
        ],
        contributors: contributors(&[
            ("Redakcja coophub (tekst przykładowy)", Role::Author),
            ("Anna Przykładowa (postać fikcyjna)", Role::Interviewee),
        ]),
        mentions: purchase_mentions(p, rec),
        ..base(
            article::Kind::Interview,
            "przyklad-wywiad-zamowienie-zastrzezone",
            publication,
            day(2026, 6, 1),
        )
    }
}

fn chapter(p: &Purchase, rec: Option<&i32>, publication: i32) -> ArticleFields {
    use article_contributor::Role;
    let buyer = &p.buyer.name;
    ArticleFields {
        title: format!("Klauzula społeczna w praktyce: {buyer}"),
        lead: format!(
            "Przykładowy rozdział poradnika (dane generowane przez coophub): jednostka {buyer} \
             kupiła „{}” z klauzulą społeczną w {} r.",
            p.subject, p.year
        ),
        body_markdown: format!(
            "*Tekst przykładowy, napisany dla danych demonstracyjnych coophub.*\n\n\
             Zamawiający wpisał do opisu przedmiotu zamówienia wymóg zatrudnienia przy \
             realizacji osób z grup zagrożonych wykluczeniem, a do kryteriów oceny ofert — \
             aspekt społeczny. Zamówienie „{}” wykonała spółdzielnia {}.\n\n\
             Wnioski: klauzulę warto opisać mierzalnie (liczba osób, wymiar etatu, sposób \
             dokumentowania) i sprawdzać w trakcie umowy.",
            p.subject, p.lead.1
        ),
        tags: vec!["klauzule społeczne".into(), "poradnik".into()],
        contributors: contributors(&[("Redakcja coophub (tekst przykładowy)", Role::Author)]),
        mentions: purchase_mentions(p, rec),
        ..base(
            article::Kind::HandbookChapter,
            "przyklad-klauzula-spoleczna-w-praktyce",
            publication,
            day(2026, 3, 1),
        )
    }
}

fn question(codes: &HashMap<String, i32>, publication: i32) -> ArticleFields {
    use article_contributor::Role;
    ArticleFields {
        title: "Czy gmina może zlecić spółdzielni socjalnej zadanie publiczne?".into(),
        lead: "Przykładowe pytanie i odpowiedź (tekst przykładowy coophub): zlecanie zadań \
               publicznych w trybie ustawy o działalności pożytku publicznego."
            .into(),
        body_markdown: "*Tekst przykładowy, napisany dla danych demonstracyjnych coophub; nie \
                        jest poradą prawną.*\n\n\
                        **Pytanie:** Nasza spółdzielnia socjalna prowadzi klub seniora. Czy \
                        gmina może nam zlecić to zadanie?\n\n\
                        **Odpowiedź:** Tak. Spółdzielnie socjalne prowadzą działalność \
                        pożytku publicznego na równi z organizacjami pozarządowymi (art. 3 \
                        ust. 3 pkt 3 ustawy o działalności pożytku publicznego i o \
                        wolontariacie), więc gmina może zlecić im zadanie w otwartym \
                        konkursie ofert (art. 11), a przy małej kwocie w trybie \
                        uproszczonym (art. 19a)."
            .into(),
        tags: vec!["zadania publiczne".into(), "pytania i odpowiedzi".into()],
        contributors: contributors(&[("Redakcja coophub (tekst przykładowy)", Role::Author)]),
        mentions: ["S-TASKS", "S-PARTNER"]
            .iter()
            .filter_map(|c| codes.get(*c))
            .map(|id| ("Recommendation".to_owned(), *id))
            .collect(),
        ..base(
            article::Kind::QuestionAndAnswer,
            "przyklad-zadanie-publiczne-pytanie",
            publication,
            day(2026, 6, 1),
        )
    }
}

fn news(owes: &institution::Model, publication: i32) -> ArticleFields {
    use article_contributor::Role;
    ArticleFields {
        title: format!("{} zaprasza na spotkanie branżowe", owes.name),
        lead: "Przykładowa wiadomość (dane generowane przez coophub): spotkanie spółdzielni \
               socjalnych i samorządów regionu."
            .into(),
        body_markdown: "*Tekst przykładowy, napisany dla danych demonstracyjnych coophub.*\n\n\
                        Ośrodek wsparcia ekonomii społecznej zaprasza spółdzielnie socjalne i \
                        pracowników urzędów na spotkanie o zamówieniach zastrzeżonych i \
                        klauzulach społecznych."
            .into(),
        tags: vec!["spotkania".into()],
        contributors: contributors(&[("Redakcja coophub (tekst przykładowy)", Role::Author)]),
        mentions: vec![("Institution".to_owned(), owes.id)],
        ..base(
            article::Kind::News,
            "przyklad-spotkanie-branzowe-owes",
            publication,
            day(2026, 5, 15),
        )
    }
}

/// Deletes the knowledge sample and every link into sample records, before the
/// records themselves go (`sample_coops` and the rest select their ids).
pub async fn delete<C: ConnectionTrait>(
    db: &C,
    sample_coops: SelectStatement,
    sample_procs: SelectStatement,
) -> Result<()> {
    let sample_articles = Query::select()
        .column(article::Column::Id)
        .from(article::Entity)
        .and_where(article::Column::IsSample.eq(true))
        .to_owned();
    let sample_insts = Query::select()
        .column(institution::Column::Id)
        .from(institution::Entity)
        .and_where(institution::Column::IsSample.eq(true))
        .to_owned();
    recommendation_example::Entity::delete_many()
        .filter(
            recommendation_example::Column::ProcurementExampleId.in_subquery(sample_procs.clone()),
        )
        .exec(db)
        .await?;
    let of = |kind: &str, ids: SelectStatement| {
        Expr::col(mention::Column::TargetKind)
            .eq(kind)
            .and(Expr::col(mention::Column::TargetId).in_subquery(ids))
    };
    mention::Entity::delete_many()
        .filter(
            mention::Column::ArticleId
                .in_subquery(sample_articles.clone())
                .or(of("Cooperative", sample_coops))
                .or(of("ProcurementExample", sample_procs))
                .or(of("Institution", sample_insts)),
        )
        .exec(db)
        .await?;
    article_contributor::Entity::delete_many()
        .filter(article_contributor::Column::ArticleId.in_subquery(sample_articles.clone()))
        .exec(db)
        .await?;
    audit_entry::Entity::delete_many()
        .filter(audit_entry::Column::Entity.eq("Article"))
        .filter(audit_entry::Column::RecordId.in_subquery(sample_articles))
        .exec(db)
        .await?;
    article::Entity::delete_many()
        .filter(article::Column::IsSample.eq(true))
        .exec(db)
        .await?;
    let sample_pubs = Query::select()
        .column(publication::Column::Id)
        .from(publication::Entity)
        .and_where(publication::Column::IsSample.eq(true))
        .to_owned();
    // A real article never hangs off a sample issue; should one, it keeps its text.
    article::Entity::update_many()
        .col_expr(
            article::Column::PublicationId,
            Expr::value(Option::<i32>::None),
        )
        .filter(article::Column::PublicationId.in_subquery(sample_pubs.clone()))
        .exec(db)
        .await?;
    audit_entry::Entity::delete_many()
        .filter(audit_entry::Column::Entity.eq("Publication"))
        .filter(audit_entry::Column::RecordId.in_subquery(sample_pubs))
        .exec(db)
        .await?;
    publication::Entity::delete_many()
        .filter(publication::Column::IsSample.eq(true))
        .exec(db)
        .await?;
    Ok(())
}
