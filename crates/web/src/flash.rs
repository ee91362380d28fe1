//! "Every change confirms itself": a one-shot message shown on the page a
//! change redirects to. A handler calls [`redirect`]; the auth middleware
//! seals the message into a short-lived cookie, and on the next page it
//! opens it into [`Visit::flash`](crate::auth::Visit), where
//! [`Layout`](crate::pages::Layout) shows it once with `role="status"`.
//!
//! The cookie is sealed with the server's field key and bound to the
//! session's CSRF token, so another site (or another session) can neither
//! forge a message nor replay one; it carries no personal data, only the
//! confirmation text.

use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, Request};
use axum::response::{IntoResponse, Redirect, Response};
use wijkregie_app::App;

/// The message a handler attached to its response, for the middleware.
#[derive(Debug, Clone)]
pub struct Flash(pub String);

/// Redirects (303 See Other) to `to` and shows `message` once on the page
/// there, e.g. `flash::redirect("/wijken/noord", "De wijk is opgeslagen.")`.
pub fn redirect(to: &str, message: impl Into<String>) -> Response {
    with(Redirect::to(to).into_response(), message)
}

/// Attaches `message` to any response (a redirect made otherwise).
pub fn with(mut response: Response, message: impl Into<String>) -> Response {
    response.extensions_mut().insert(Flash(message.into()));
    response
}

/// Long enough to follow a redirect, short enough not to surprise later.
const MAX_AGE_SECS: i64 = 120;

fn cookie_name(app: &App) -> &'static str {
    if app.config.secure_cookies {
        "__Host-wr_flash"
    } else {
        "wr_flash"
    }
}

fn cookie(app: &App, value: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if app.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(app)
    ))
    .ok()
}

/// The message waiting in the request's cookie for this session, if any
/// and if it opens.
pub fn read<B>(app: &App, req: &Request<B>, session_csrf: &str) -> Option<String> {
    let sealed = crate::auth::cookie_value(req, cookie_name(app))?;
    if sealed.is_empty() || session_csrf.is_empty() {
        return None;
    }
    wijkregie_app::flash::open(app, session_csrf, &sealed)
}

/// Turns a handler's [`Flash`] into a sealed cookie on its response. A
/// message that cannot be sealed is dropped: the change itself succeeded.
pub fn seal_into(app: &App, response: &mut Response, session_csrf: &str) {
    let Some(Flash(message)) = response.extensions_mut().remove::<Flash>() else { return };
    if session_csrf.is_empty() {
        return;
    }
    let sealed = match wijkregie_app::flash::seal(app, session_csrf, &message) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "bevestiging niet verzegeld");
            return;
        }
    };
    if let Some(c) = cookie(app, &sealed, MAX_AGE_SECS) {
        response.headers_mut().append(SET_COOKIE, c);
    }
}

/// Clears the cookie once its message is on a page.
pub fn clear(app: &App, response: &mut Response) {
    if let Some(c) = cookie(app, "", 0) {
        response.headers_mut().append(SET_COOKIE, c);
    }
}
