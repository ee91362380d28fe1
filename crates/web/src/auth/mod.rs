//! Who is asking: server-side sessions for browsers, bearer tokens for
//! machine clients, and CSRF protection for every form. The middleware here
//! runs before every handler; handlers only take [`CurrentUser`].

pub mod password;
pub mod totp;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use rand::distributions::{Alphanumeric, DistString};
use wijkregie_core::access::Principal;
use wijkregie_store::account::{self, Session, Stage, User};

use crate::error::AppError;
use crate::AppState;

/// What the middleware learned about the request.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    /// The session cookie's value, if the browser sent a live one.
    pub cookie: Option<String>,
    pub session: Option<Session>,
    /// Set once fully logged in (session) or by a valid bearer token.
    pub principal: Option<Principal>,
    pub via_token: bool,
    /// Referrals with news the user has not opened: the menu's badge.
    pub referral_news: i64,
}

impl Visit {
    pub fn csrf_token(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf_token.as_str())
    }
}

pub fn random_token(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

pub fn cookie_name(state: &AppState) -> &'static str {
    // The __Host- prefix makes browsers refuse the cookie unless it is
    // Secure, host-only and for path /, which is what we want in production.
    if state.config.secure_cookies {
        "__Host-wr_session"
    } else {
        "wr_session"
    }
}

pub fn session_cookie(state: &AppState, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let cookie =
        format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}", cookie_name(state));
    HeaderValue::from_str(&cookie).expect("cookie value is alphanumeric")
}

fn read_cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub fn principal_of(user: &User, second_factor: bool) -> Principal {
    Principal { user_id: user.id, name: user.name.clone(), role: user.role, scope: user.scope.clone(), second_factor }
}

/// Starts a fresh session (a new id, so a session fixed before login is
/// worthless after it) and returns the cookie to set.
pub async fn start_session(
    state: &AppState,
    user_id: Option<i64>,
    stage: Stage,
    second_factor: bool,
) -> Result<(String, HeaderValue), AppError> {
    let id = random_token(43);
    let lifetime = match stage {
        Stage::Anonymous | Stage::Password => chrono::Duration::minutes(30),
        Stage::Complete => state.config.session_lifetime,
    };
    let mut tx = state.store.begin().await?;
    let csrf_token = random_token(32);
    let new = account::NewSession { id: &id, user_id, stage, second_factor, csrf_token: &csrf_token, lifetime };
    account::create_session(tx.conn(), &new, Utc::now()).await?;
    tx.commit().await?;
    let cookie = session_cookie(state, &id, lifetime.num_seconds());
    Ok((id, cookie))
}

pub async fn end_session(state: &AppState, cookie: &str) -> Result<HeaderValue, AppError> {
    let mut tx = state.store.begin().await?;
    account::delete_session(tx.conn(), cookie).await?;
    tx.commit().await?;
    Ok(session_cookie(state, "", 0))
}

async fn from_bearer(state: &AppState, token: &str) -> Result<Option<Principal>, AppError> {
    // A plain connection: the token's use is stamped at most once a minute,
    // so most requests only read and need not wait for the write lock.
    let mut conn = state.store.conn().await?;
    let found = account::user_for_token(&mut conn, token, Utc::now()).await?;
    let user = match found {
        Some((_, user_id)) => account::user(&mut conn, user_id).await?,
        None => None,
    };
    drop(conn);
    Ok(user.filter(|u| u.active).map(|u| principal_of(&u, false)))
}

fn is_page_get(req: &Request) -> bool {
    req.method() == Method::GET && !req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/static/")
}

/// Loads the session or token, checks CSRF on unsafe methods, and gives
/// browsers without a session an anonymous one so forms can carry a token.
pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Result<Response, AppError> {
    let mut visit = Visit::default();
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    if let Some(token) = bearer {
        visit.principal = Some(from_bearer(&state, &token).await?.ok_or(AppError::Unauthenticated)?);
        visit.via_token = true;
        let mut req = req;
        req.extensions_mut().insert(visit);
        return Ok(next.run(req).await);
    }

    if let Some(cookie) = read_cookie(&req, cookie_name(&state)) {
        let mut conn = state.store.conn().await?;
        if let Some(session) = account::session(&mut conn, &cookie, Utc::now()).await? {
            if session.stage == Stage::Complete {
                if let Some(user_id) = session.user_id {
                    let user = account::user(&mut conn, user_id).await?.filter(|u| u.active);
                    visit.principal = user.map(|u| principal_of(&u, session.second_factor));
                }
            }
            visit.cookie = Some(cookie);
            visit.session = Some(session);
        }
    }
    if let (Some(p), true) = (&visit.principal, is_page_get(&req)) {
        visit.referral_news = crate::service::referral::news_count(&state, &p.scope).await?;
    }

    let mut new_cookie = None;
    if visit.session.is_none() && is_page_get(&req) {
        let (id, cookie) = start_session(&state, None, Stage::Anonymous, false).await?;
        let mut conn = state.store.conn().await?;
        visit.session = account::session(&mut conn, &id, Utc::now()).await?;
        visit.cookie = Some(id);
        new_cookie = Some(cookie);
    }

    let req = if is_unsafe(req.method()) {
        let path = req.uri().path().to_owned();
        match check_csrf(req, &visit).await {
            Ok(req) => req,
            // The error layers sit inside this middleware, so the refusal is
            // rendered here: a Dutch page, or problem JSON for the API.
            Err(e) if path.starts_with("/api/") || path.starts_with("/fhir/") => {
                let report = e.report();
                return Ok(crate::api::problem::problem_response(report.status, report.detail, vec![], &path));
            }
            Err(e) => return Ok(crate::pages::error_page(&visit, &e)),
        }
    } else {
        req
    };
    let mut req = req;
    req.extensions_mut().insert(visit);
    let mut response = next.run(req).await;
    if let Some(cookie) = new_cookie {
        if !response.headers().contains_key(SET_COOKIE) {
            response.headers_mut().append(SET_COOKIE, cookie);
        }
    }
    Ok(response)
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Unsafe requests made with a session cookie must carry the session's CSRF
/// token, in the `csrf` form field or the `X-CSRF-Token` header (htmx and
/// multipart uploads use the header). Requests without a session carry no
/// ambient authority, so there is nothing to forge.
async fn check_csrf(req: Request, visit: &Visit) -> Result<Request, AppError> {
    let Some(session) = &visit.session else {
        return if req.uri().path().starts_with("/api/") {
            Ok(req)
        } else {
            Err(AppError::BadRequest("uw sessie is verlopen: laad de pagina opnieuw en probeer het nog eens".into()))
        };
    };
    let expected = session.csrf_token.as_bytes();
    if let Some(header) = req.headers().get("x-csrf-token") {
        return if constant_time_eq(header.as_bytes(), expected) { Ok(req) } else { Err(csrf_refused()) };
    }
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (parts, body) = req.into_parts();
    let (bytes, token) = if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("het formulier is te groot".into()))?;
        let token = form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
        (bytes, token)
    } else if content_type.starts_with("multipart/form-data") && visit.principal.is_some() {
        // A file upload without script: the token is a field of the form.
        // Only signed-in users have upload forms, so an anonymous session
        // cannot make the server hold large bodies.
        let bytes = axum::body::to_bytes(body, MAX_UPLOAD).await.map_err(|_| upload_too_large())?;
        let token = multipart_csrf(&content_type, bytes.clone()).await;
        (bytes, token)
    } else {
        return Err(csrf_refused());
    };
    match token {
        Some(t) if constant_time_eq(t.as_bytes(), expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(csrf_refused()),
    }
}

/// The largest file the upload forms take; bigger files (such as every
/// buurt outline of the Netherlands) go through the CLI.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub fn upload_too_large() -> AppError {
    AppError::TooLarge(format!(
        "het bestand is groter dan {} MB: lees het in via de opdrachtregel (wijkregie import)",
        MAX_UPLOAD / (1024 * 1024)
    ))
}

/// The `csrf` field of a buffered multipart body, if there is one.
async fn multipart_csrf(content_type: &str, bytes: axum::body::Bytes) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.ok();
        }
    }
    None
}

fn csrf_refused() -> AppError {
    AppError::BadRequest(
        "het formulier is verlopen of komt niet van deze site: laad de pagina opnieuw en probeer het nog eens".into(),
    )
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The logged-in user. Pages get redirected to the login page without one,
/// the API answers 401.
pub struct CurrentUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Visit>()
            .and_then(|v| v.principal.clone())
            .map(CurrentUser)
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Visit>().cloned().unwrap_or_default())
    }
}
