//! Who is asking: server-side sessions for browsers, bearer tokens for
//! machine clients, and CSRF protection for every form. The middleware here
//! runs before every handler; handlers only take [`CurrentUser`].

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use wijkregie_app::credentials::{self, Session, Stage, StartedSession};
use wijkregie_app::{App, Error};
use wijkregie_core::access::Principal;

use crate::ctx::ClientAddr;
use crate::error::HttpError;

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
    /// The confirmation of the change that led here, shown once
    /// (see [`crate::flash`]).
    pub flash: Option<String>,
    /// The region's name and whether its public map is on, for the header.
    pub masthead: wijkregie_app::public_map::Masthead,
}

impl Visit {
    pub fn csrf_token(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf_token.as_str())
    }
}

pub fn cookie_name(app: &App) -> &'static str {
    // The __Host- prefix makes browsers refuse the cookie unless it is
    // Secure, host-only and for path /, which is what we want in production.
    if app.config.secure_cookies {
        "__Host-wr_session"
    } else {
        "wr_session"
    }
}

pub fn session_cookie(app: &App, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if app.config.secure_cookies { "; Secure" } else { "" };
    let cookie =
        format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}", cookie_name(app));
    HeaderValue::from_str(&cookie).expect("cookie value is alphanumeric")
}

/// The cookie that carries a session just started.
pub fn cookie_for(app: &App, session: &StartedSession) -> HeaderValue {
    session_cookie(app, &session.id, session.lifetime.num_seconds())
}

/// Ends the session behind `cookie`; returns the header that clears it.
pub async fn end_session(app: &App, cookie: &str) -> Result<HeaderValue, HttpError> {
    credentials::end_session(app, cookie).await?;
    Ok(session_cookie(app, "", 0))
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie_value<B>(req: &axum::http::Request<B>, name: &str) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A request that may answer with a page (or a form shown again with its
/// errors), so with the site's header.
fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    !["/api/", "/static/", "/fhir/", "/healthz", "/metrics"].iter().any(|p| path.starts_with(p))
}

fn is_page_get(req: &Request) -> bool {
    req.method() == Method::GET && !req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/static/")
}

/// Loads the session or token, checks CSRF on unsafe methods, and gives
/// browsers without a session an anonymous one so forms can carry a token.
/// Its refusals (an invalid token, a forged form) are returned as errors
/// with the visit attached, for `error::render` to show; every response
/// carries the visit, so an error page can show the menu.
pub async fn middleware(State(app): State<App>, req: Request, next: Next) -> Response {
    let mut visit = Visit::default();
    match visit_and_run(&app, &mut visit, req, next).await {
        Ok(mut response) => {
            response.extensions_mut().insert(visit);
            response
        }
        Err(e) => {
            let mut response = e.into_response();
            response.extensions_mut().insert(visit);
            response
        }
    }
}

async fn visit_and_run(app: &App, visit: &mut Visit, req: Request, next: Next) -> Result<Response, HttpError> {
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    if let Some(token) = bearer {
        // A read-only token may only use safe methods (GET, HEAD).
        let writes = !req.method().is_safe();
        let ClientAddr(addr) = ClientAddr::of(req.extensions(), req.headers(), app);
        let principal = credentials::principal_for_token(app, &token, writes, addr).await?;
        visit.principal = Some(principal.ok_or(Error::Unauthenticated)?);
        visit.via_token = true;
        let mut req = req;
        req.extensions_mut().insert(visit.clone());
        return Ok(next.run(req).await);
    }

    if let Some(cookie) = cookie_value(&req, cookie_name(app)) {
        if let Some((session, principal)) = credentials::session(app, &cookie).await? {
            visit.principal = principal;
            visit.cookie = Some(cookie);
            visit.session = Some(session);
        }
    }
    if let (Some(p), true) = (&visit.principal, is_page_get(&req)) {
        visit.referral_news = wijkregie_app::referral::news_count(app, &p.scope).await?;
    }
    if is_page(&req) {
        visit.masthead = wijkregie_app::public_map::masthead(app).await?;
    }

    let mut new_cookie = None;
    if visit.session.is_none() && is_page_get(&req) {
        let started = credentials::start_session(app, None, Stage::Anonymous, false).await?;
        new_cookie = Some(cookie_for(app, &started));
        visit.session = credentials::session(app, &started.id).await?.map(|(session, _)| session);
        visit.cookie = Some(started.id);
    }

    // A confirmation waits for the next full page; htmx fragments and
    // redirects pass it on.
    let shows_page = is_page_get(&req) && !req.headers().contains_key("hx-request");
    if shows_page {
        visit.flash = crate::flash::read(app, &req, visit.csrf_token());
    }

    let req = if is_unsafe(req.method()) { check_csrf(req, visit).await? } else { req };
    let mut req = req;
    req.extensions_mut().insert(visit.clone());
    let mut response = next.run(req).await;
    if let Some(cookie) = new_cookie {
        if !response.headers().contains_key(SET_COOKIE) {
            response.headers_mut().append(SET_COOKIE, cookie);
        }
    }
    if visit.flash.is_some() && !response.status().is_redirection() {
        crate::flash::clear(app, &mut response);
    }
    crate::flash::seal_into(app, &mut response, visit.csrf_token());
    Ok(response)
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Unsafe requests made with a session cookie must carry the session's CSRF
/// token, in the `csrf` form field or the `X-CSRF-Token` header (htmx and
/// multipart uploads use the header). Requests without a session carry no
/// ambient authority, so there is nothing to forge.
async fn check_csrf(req: Request, visit: &Visit) -> Result<Request, HttpError> {
    let Some(session) = &visit.session else {
        return if req.uri().path().starts_with("/api/") {
            Ok(req)
        } else {
            Err(Error::BadRequest("uw sessie is verlopen: laad de pagina opnieuw en probeer het nog eens".into())
                .into())
        };
    };
    let expected = session.csrf_token.as_bytes();
    if let Some(header) = req.headers().get("x-csrf-token") {
        return if constant_time_eq(header.as_bytes(), expected) { Ok(req) } else { Err(csrf_refused().into()) };
    }
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (parts, body) = req.into_parts();
    let (bytes, token) = if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| Error::BadRequest("het formulier is te groot".into()))?;
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
        return Err(csrf_refused().into());
    };
    match token {
        Some(t) if constant_time_eq(t.as_bytes(), expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(csrf_refused().into()),
    }
}

pub use wijkregie_app::config::MAX_UPLOAD;

pub fn upload_too_large() -> Error {
    Error::TooLarge(format!(
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

fn csrf_refused() -> Error {
    Error::BadRequest(
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
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HttpError> {
        parts
            .extensions
            .get::<Visit>()
            .and_then(|v| v.principal.clone())
            .map(CurrentUser)
            .ok_or(HttpError(Error::Unauthenticated))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Visit>().cloned().unwrap_or_default())
    }
}
