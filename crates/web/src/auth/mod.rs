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
use futures_util::StreamExt;
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
    if visit.session.is_none() && is_page_get(&req) && shows_public_form(req.uri().path()) {
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

    if is_unsafe(req.method()) && is_multipart(&req) && !UPLOAD_ROUTES.contains(&req.uri().path()) {
        return Ok(multipart_refused());
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

/// The pages a visitor without an account fills in. Their forms carry the
/// session's CSRF token, so these, and only these, start a session for a
/// visitor who has none: reading the public map or any other page writes
/// nothing (issue 22, item 14). The session then also carries the one-shot
/// confirmation after such a form (see [`crate::flash`]).
const PUBLIC_FORMS: [&str; 4] = ["/login", wijkregie_app::password_reset::PATH, "/aanmelden", "/verwijzing-link"];

fn shows_public_form(path: &str) -> bool {
    PUBLIC_FORMS.iter().any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// The routes that take a file (`multipart/form-data`). Every other route
/// refuses a multipart body with 415 before reading it: only here may a
/// signed-in user make the server read up to [`MAX_UPLOAD`].
const UPLOAD_ROUTES: [&str; 2] = ["/populatiedata", "/praktijken/inlezen"];

fn is_multipart(req: &Request) -> bool {
    content_type(req).starts_with("multipart/form-data")
}

fn content_type(req: &Request) -> &str {
    req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

fn multipart_refused() -> Response {
    let status = axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE;
    let mut response = status.into_response();
    response.extensions_mut().insert(crate::error::ErrorReport {
        status,
        title: crate::error::title(status),
        detail: "dit formulier neemt geen bestanden aan: verstuur het vanaf de pagina zelf".into(),
        errors: vec![],
    });
    response
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Unsafe requests made with a session cookie must carry the session's CSRF
/// token, in the `X-CSRF-Token` header (htmx) or the `csrf` form field.
/// Requests without a session carry no ambient authority, so there is
/// nothing to forge.
///
/// The token is compared before the body is read: a form is read only up
/// to its `csrf` field, which every form of ours has first (a test checks),
/// and at most [`TOKEN_WITHIN`] bytes of it. Otherwise anyone signed in
/// could make the server hold a whole upload per request before being
/// refused (issue 22, item 7). The bytes read on the way go on to the
/// handler with the rest of the body.
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
    let content_type = content_type(&req).to_owned();
    let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
    // Only signed-in users have upload forms, so an anonymous session
    // cannot send files at all.
    let boundary = match multer::parse_boundary(&content_type) {
        Ok(b) if visit.principal.is_some() && is_multipart(&req) => Some(b),
        _ => None,
    };
    if !urlencoded && boundary.is_none() {
        return Err(csrf_refused().into());
    }
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let (head, token) = match boundary {
        Some(boundary) => multipart_token(&mut stream, boundary).await,
        None => urlencoded_token(&mut stream).await,
    };
    match token {
        Some(t) if constant_time_eq(t.as_bytes(), expected) => {
            let whole = futures_util::stream::once(async move { Ok(axum::body::Bytes::from(head)) }).chain(stream);
            let body = Body::from_stream(whole);
            // Ordinary forms stay small; an upload's limit is its route's.
            let body = if urlencoded { Body::new(http_body_util::Limited::new(body, MAX_FORM)) } else { body };
            Ok(Request::from_parts(parts, body))
        }
        _ => Err(csrf_refused().into()),
    }
}

/// How far into a form its token may come. Our forms put it first.
const TOKEN_WITHIN: usize = 64 * 1024;

/// The largest ordinary (urlencoded) form.
const MAX_FORM: usize = 1024 * 1024;

/// Reads a urlencoded body up to its complete `csrf` field; returns the
/// bytes read and the token, if it came within [`TOKEN_WITHIN`].
async fn urlencoded_token(stream: &mut axum::body::BodyDataStream) -> (Vec<u8>, Option<String>) {
    let mut head = Vec::new();
    loop {
        let next = stream.next().await;
        let ended = match next {
            Some(Ok(chunk)) => {
                head.extend_from_slice(&chunk);
                false
            }
            Some(Err(_)) => return (head, None),
            None => true,
        };
        // Only pairs ended by `&` (or by the end of the body) are whole.
        let whole = if ended { head.len() } else { head.iter().rposition(|b| *b == b'&').unwrap_or(0) };
        if let Some((_, v)) = form_urlencoded::parse(&head[..whole]).find(|(k, _)| k == "csrf") {
            let token = v.into_owned();
            return (head, Some(token));
        }
        if ended || head.len() > TOKEN_WITHIN {
            return (head, None);
        }
    }
}

/// Reads a multipart body up to its `csrf` part, which must come before
/// any file, within [`TOKEN_WITHIN`]; returns the bytes read and the token.
async fn multipart_token(stream: &mut axum::body::BodyDataStream, boundary: String) -> (Vec<u8>, Option<String>) {
    let mut head = Vec::new();
    let token = {
        // multer reads whatever is ready; past the limit the body "ends"
        // for it, so a token further on is not found. One chunk may take
        // the head past the limit (hyper's read buffer, some hundreds of KB).
        let recorded = futures_util::stream::poll_fn(|cx| {
            if head.len() > TOKEN_WITHIN {
                return std::task::Poll::Ready(None);
            }
            let next = stream.poll_next_unpin(cx);
            if let std::task::Poll::Ready(Some(Ok(chunk))) = &next {
                head.extend_from_slice(chunk);
            }
            next
        });
        let mut form = multer::Multipart::new(recorded, boundary);
        let mut token = None;
        while let Ok(Some(field)) = form.next_field().await {
            if field.file_name().is_some() {
                break;
            }
            let is_token = field.name() == Some("csrf");
            let Ok(text) = field.text().await else { break };
            if is_token {
                token = Some(text);
                break;
            }
        }
        token
    };
    (head, token)
}

pub use wijkregie_app::config::MAX_UPLOAD;

pub fn upload_too_large() -> Error {
    Error::TooLarge(format!(
        "het bestand is groter dan {} MB: lees het in via de opdrachtregel (wijkregie import)",
        MAX_UPLOAD / (1024 * 1024)
    ))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;
    use wijkregie_core::access::{Role, Scope};

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";
    /// How much of a body the check may read before it knows the answer.
    const READ_AT_MOST: usize = 256 * 1024;
    const CHUNK: usize = 64 * 1024;

    fn visit() -> Visit {
        Visit {
            cookie: Some("cookie".into()),
            session: Some(Session {
                id_hash: "hash".into(),
                user_id: Some(1),
                stage: Stage::Complete,
                second_factor: false,
                csrf_token: TOKEN.into(),
                expires_at: chrono::Utc::now(),
                pending_totp_secret: None,
            }),
            principal: Some(Principal {
                user_id: 1,
                name: "Beheerder".into(),
                role: Role::Region,
                scope: Scope::Region,
                second_factor: false,
            }),
            ..Visit::default()
        }
    }

    /// `head`, then `total` bytes of filler, counting what is read; reading
    /// past [`READ_AT_MOST`] is an error, as a client that never stops.
    fn body(head: Vec<u8>, total: usize, read: Arc<AtomicUsize>) -> Body {
        let chunks = std::iter::once(head).chain(std::iter::repeat_n(vec![b'a'; CHUNK], total / CHUNK));
        let stream = futures_util::stream::iter(chunks).map(move |chunk| {
            let so_far = read.fetch_add(chunk.len(), Ordering::SeqCst) + chunk.len();
            if so_far > READ_AT_MOST {
                Err(std::io::Error::other("read past the limit"))
            } else {
                Ok(axum::body::Bytes::from(chunk))
            }
        });
        Body::from_stream(stream)
    }

    fn request(content_type: &str, body: Body) -> Request {
        Request::post("/aanbod/openbaar").header(CONTENT_TYPE, content_type).body(body).unwrap()
    }

    const BOUNDARY: &str = "grens";

    fn part(name: &str, file: Option<&str>, value: &str) -> String {
        let file = file.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n{value}\r\n")
    }

    #[tokio::test]
    async fn a_large_form_without_its_token_is_refused_before_it_is_read() {
        let big = 64 * 1024 * 1024;
        let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
        for (content_type, head) in [
            ("application/x-www-form-urlencoded", b"aan=0&naam=".to_vec()),
            (
                multipart.as_str(),
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"groot.csv\"\r\n\r\n"
                )
                .into_bytes(),
            ),
            (
                multipart.as_str(),
                (part("soort", None, "kwb") + &part("bestand", Some("a.csv"), "x") + &part("csrf", None, TOKEN))
                    .into_bytes(),
            ),
        ] {
            let read = Arc::new(AtomicUsize::new(0));
            let result = check_csrf(request(content_type, body(head, big, Arc::clone(&read))), &visit()).await;
            let error = result.expect_err("refused");
            assert!(matches!(error.0, Error::BadRequest(_)), "{content_type}: {:?}", error.0);
            assert!(
                read.load(Ordering::SeqCst) <= READ_AT_MOST,
                "{content_type}: read {} bytes",
                read.load(Ordering::SeqCst)
            );
        }
    }

    #[tokio::test]
    async fn the_token_first_lets_the_whole_body_through_unchanged() {
        let multipart = format!("multipart/form-data; boundary={BOUNDARY}");
        let form_head = format!("csrf={TOKEN}&aan=0&naam=").into_bytes();
        let upload_head = (part("csrf", None, TOKEN) + &part("soort", None, "kwb")).into_bytes();
        for (content_type, head) in
            [("application/x-www-form-urlencoded", form_head), (multipart.as_str(), upload_head)]
        {
            let read = Arc::new(AtomicUsize::new(0));
            let total = 3 * CHUNK;
            let request = check_csrf(request(content_type, body(head.clone(), total, Arc::clone(&read))), &visit())
                .await
                .map_err(|e| e.0)
                .unwrap_or_else(|e| panic!("{content_type}: the token is right, yet {e:?}"));
            let bytes = axum::body::to_bytes(request.into_body(), usize::MAX).await.unwrap();
            assert_eq!(bytes.len(), head.len() + total, "{content_type}");
            assert!(bytes.starts_with(&head));
        }
    }

    /// The check reads a form only up to its token, so every form puts the
    /// token first.
    #[test]
    fn every_post_form_has_the_token_as_its_first_field() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let html = std::fs::read_to_string(&path).unwrap();
            for (i, _) in html.match_indices("<form") {
                let tag_end = i + html[i..].find('>').unwrap();
                if !html[i..tag_end].contains("method=\"post\"") {
                    continue;
                }
                let first_field = ["<input", "<select", "<textarea", "{% call", "<button"]
                    .iter()
                    .filter_map(|m| html[tag_end..].find(m).map(|at| tag_end + at))
                    .min()
                    .unwrap();
                assert!(
                    html[first_field..].starts_with("<input type=\"hidden\" name=\"csrf\""),
                    "{}: a form whose first field is not the token: {}",
                    path.display(),
                    &html[i..first_field + 60.min(html.len() - first_field)]
                );
            }
        }
    }
}
