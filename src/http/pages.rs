//! The pages people open (`crate::pages` renders them): `/` (GraphiQL),
//! `/katalog`, `/spoldzielnie/<id>`, and `/assets/…` (every file they load,
//! from the binary). Every page carries the Content-Security-Policy
//! `pages::CSP`; the data comes from GraphQL reads run as an anonymous client.

use super::graphql::read_for_page;
use super::origin::RequestId;
use crate::auth::ClientAddr;
use crate::http::state::AppState;
use crate::pages::{self, assets, directory, forum, local_government, map, network, profile};
use axum::{
    extract::{Path, RawQuery, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    Extension,
};
use serde_json::{Map, Value};

/// An HTML page with the pages' security headers.
pub fn html(status: StatusCode, body: String) -> Response {
    with_policy(status, body, HeaderValue::from_static(pages::CSP))
}

fn with_policy(status: StatusCode, body: String, csp: HeaderValue) -> Response {
    let mut resp = (status, Html(body)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

pub async fn graphiql() -> Response {
    html(StatusCode::OK, assets::graphiql_page())
}

/// `/assets/<path>`: a file built into the binary; paths carry versions, so a
/// browser keeps them a year.
pub async fn asset(Path(path): Path<String>) -> Response {
    match assets::get(&format!("/assets/{path}")) {
        Some((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response(),
        None => html(
            StatusCode::NOT_FOUND,
            pages::error_page("Nie ma takiego pliku", &format!("/assets/{path}")),
        ),
    }
}

/// A read's `data`, or the page that says why there is none.
async fn read(
    s: &AppState,
    addr: ClientAddr,
    id: &RequestId,
    query: &str,
    variables: Map<String, Value>,
) -> Result<Value, Response> {
    match read_for_page(s, addr, id, query, variables).await {
        Ok((_, body)) if body["errors"].is_null() => Ok(body),
        Ok((status, body)) => {
            let message = body["errors"][0]["message"].as_str().unwrap_or("błąd");
            let (status, heading) = match body["errors"][0]["extensions"]["code"].as_str() {
                Some("RATE_LIMITED") => (StatusCode::TOO_MANY_REQUESTS, "Za dużo zapytań"),
                Some("BAD_USER_INPUT") | Some("GRAPHQL_VALIDATION_FAILED") => {
                    (StatusCode::BAD_REQUEST, "Nie można tego wyszukać")
                }
                _ if status.is_success() => (StatusCode::INTERNAL_SERVER_ERROR, "Błąd serwera"),
                _ => (status, "Błąd"),
            };
            Err(html(status, pages::error_page(heading, message)))
        }
        Err(e) => {
            tracing::error!(error = ?e, request_id = %id.0, "a page's read failed");
            Err(html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::error_page(
                    "Błąd serwera",
                    &format!("coś poszło nie tak po naszej stronie (zapytanie {})", id.0),
                ),
            ))
        }
    }
}

/// `/katalog?q=…&miejsce=…&promien=…&sektor=…&po=…`
pub async fn directory(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = match directory::Params::from_query(raw.as_deref().unwrap_or("")) {
        Ok(p) => p,
        Err(m) => {
            return html(
                StatusCode::BAD_REQUEST,
                directory::render(&Default::default(), None, 0.0, None, Some(&m)),
            )
        }
    };
    let radius = match p.radius() {
        Ok(r) => r,
        Err(m) => {
            return html(
                StatusCode::BAD_REQUEST,
                directory::render(&p, None, 0.0, None, Some(&m)),
            )
        }
    };
    let place = match p.place() {
        None => None,
        Some(name) => {
            let (query, vars) = match directory::teryt_code(name) {
                Some(code) => (directory::PLACE_BY_CODE_QUERY, [("t", code)]),
                None => (directory::PLACE_QUERY, [("q", name)]),
            };
            let vars = vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
                .collect();
            let found = match read(&s, addr, &id, query, vars).await {
                Ok(a) => a,
                Err(page) => return page,
            };
            match directory::pick_place(&found) {
                Some(pl) => Some(pl),
                None => {
                    let m = format!(
                        "nie znamy miejsca „{name}”: podaj nazwę gminy lub powiatu albo kod TERYT"
                    );
                    return html(
                        StatusCode::OK,
                        directory::render(&p, None, radius, None, Some(&m)),
                    );
                }
            }
        }
    };
    let code = place.as_ref().map(|pl| pages::text(pl, "teryt").to_owned());
    let vars = directory::variables(&p, code.as_deref(), radius);
    match read(&s, addr, &id, directory::QUERY, vars).await {
        Ok(answer) => html(
            StatusCode::OK,
            directory::render(&p, place.as_ref(), radius, Some(&answer), None),
        ),
        Err(page) => page,
    }
}

/// `/spoldzielnie/<global id or KRS>`
pub async fn cooperative(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(key): Path<String>,
) -> Response {
    let answer = match read(&s, addr, &id, profile::QUERY, profile::variables(&key)).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let c = &answer["data"]["cooperative"];
    if c.is_null() {
        return html(
            StatusCode::NOT_FOUND,
            pages::error_page(
                "Nie ma takiej spółdzielni",
                &format!("nie znaleziono: {key}"),
            ),
        );
    }
    // The JSON-LD and the Murmurations address, from the open-data module.
    let row = crate::ids::expect_id(
        "id",
        &async_graphql::ID(pages::text(c, "id").to_owned()),
        "Cooperative",
    )
    .ok();
    let facts = match row {
        Some(r) => crate::open_data::Facts::load(&s.db, r).await.ok().flatten(),
        None => None,
    };
    let json_ld = facts
        .as_ref()
        .map(|f| crate::open_data::json_ld(f, &s.public_url).to_string());
    let murmurations = match (row, c["isSample"].as_bool()) {
        (Some(r), Some(false)) => Some(crate::open_data::profile_url(&s.public_url, r)),
        _ => None,
    };
    html(
        StatusCode::OK,
        profile::render(c, json_ld.as_deref(), murmurations.as_deref()),
    )
}

/// The page for a path that names no local government.
fn no_unit(message: String) -> Response {
    html(
        StatusCode::NOT_FOUND,
        pages::error_page("Nie ma takiej jednostki", &message),
    )
}

/// The local government a path's TERYT code (2, 4 or 7 digits) names, read
/// with `query` (whose `localGovernment` it checks), or the 404 page.
async fn unit_read(
    s: &AppState,
    addr: ClientAddr,
    id: &RequestId,
    raw: &str,
    query: &str,
) -> Result<Value, Response> {
    let Some(teryt) = directory::teryt_code(raw) else {
        return Err(no_unit(format!(
            "„{raw}” nie jest kodem TERYT (2, 4 lub 7 cyfr)"
        )));
    };
    let answer = read(s, addr, id, query, local_government::variables(teryt)).await?;
    let lg = answer["data"]["localGovernment"].clone();
    if lg.is_null() {
        return Err(no_unit(format!("TERYT {teryt}")));
    }
    Ok(lg)
}

/// `/samorzady/<TERYT>`
pub async fn local_government(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(raw): Path<String>,
) -> Response {
    match unit_read(&s, addr, &id, &raw, local_government::QUERY).await {
        Ok(lg) => html(StatusCode::OK, local_government::render(&lg, &s.public_url)),
        Err(page) => page,
    }
}

/// `/widzet/gmina/<TERYT>`: the one page other sites may frame (the origins of
/// `COOPHUB_WIDGET_ORIGINS`).
pub async fn widget(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(raw): Path<String>,
) -> Response {
    match unit_read(&s, addr, &id, &raw, local_government::WIDGET_QUERY).await {
        Ok(lg) => {
            let csp = HeaderValue::from_str(&pages::widget_csp(&s.widget_frame_ancestors))
                .unwrap_or(HeaderValue::from_static(pages::CSP));
            with_policy(StatusCode::OK, local_government::widget(&lg), csp)
        }
        Err(page) => page,
    }
}

/// `/mapa?poziom=…&q=…&sektor=…`
pub async fn map(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let run = async {
        let bad = |m: String| {
            html(
                StatusCode::BAD_REQUEST,
                pages::error_page("Nie można pokazać mapy", &m),
            )
        };
        let p = map::Params::from_query(raw.as_deref().unwrap_or("")).map_err(bad)?;
        let level = p.level().map_err(bad)?;
        let answer = read(&s, addr, &id, map::QUERY, map::variables(&p, level)).await?;
        Ok::<_, Response>(html(StatusCode::OK, map::render(&p, level, &answer)))
    };
    run.await.unwrap_or_else(|page| page)
}

/// `/forum`
pub async fn forum(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
) -> Response {
    match read(&s, addr, &id, forum::THREADS_QUERY, Map::new()).await {
        Ok(answer) => html(StatusCode::OK, forum::threads(&answer)),
        Err(page) => page,
    }
}

/// `/forum/watki/<thread id>`: the thread, its new posts live.
pub async fn thread(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    Path(thread): Path<String>,
) -> Response {
    let answer = match read(
        &s,
        addr,
        &id,
        forum::THREAD_QUERY,
        forum::variables(&thread),
    )
    .await
    {
        Ok(a) => a,
        Err(page) => return page,
    };
    let t = &answer["data"]["thread"];
    if t.is_null() {
        return html(
            StatusCode::NOT_FOUND,
            pages::error_page("Nie ma takiego wątku", &format!("nie znaleziono: {thread}")),
        );
    }
    html(StatusCode::OK, forum::thread(t))
}

/// `/siec?od=<id>&glebokosc=1|2`: the network around records, laid out.
pub async fn network(
    State(s): State<AppState>,
    Extension(addr): Extension<ClientAddr>,
    Extension(id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = match network::Params::from_query(raw.as_deref().unwrap_or("")) {
        Ok(p) => p,
        Err(m) => {
            return html(
                StatusCode::BAD_REQUEST,
                pages::error_page("Nie można pokazać sieci", &m),
            )
        }
    };
    if p.from.is_empty() {
        return html(StatusCode::OK, network::render(&p, None));
    }
    match read(&s, addr, &id, network::QUERY, network::variables(&p)).await {
        Ok(answer) => html(StatusCode::OK, network::render(&p, Some(&answer))),
        Err(page) => page,
    }
}
