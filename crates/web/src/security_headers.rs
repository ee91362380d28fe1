//! The headers every response carries, whatever produced it (a page, the
//! API, FHIR, a static file, an error, a timeout): what the browser may load
//! and run, who may frame us, and that pages with personal data are never
//! stored by a browser or a proxy.

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Only our own origin, and nothing inline: every script and style comes
/// from /static (htmx's own indicator style is off, see base.html, and lives
/// in the stylesheet). Images too are ours: the QR code and the charts are
/// inline SVG elements, not `data:` images. `base-uri` and `form-action`
/// keep an injected tag from redirecting links or forms elsewhere.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; \
     form-action 'self'; object-src 'none'";

/// Browsers that have seen the site over HTTPS keep using HTTPS for a year.
const HSTS: &str = "max-age=31536000";

/// Whether the server runs behind HTTPS, so that HSTS may be sent
/// (`--insecure-cookies` turns it off with the Secure cookies).
#[derive(Clone, Copy)]
pub struct Https(pub bool);

/// Adds the security headers to every response. A handler that sets
/// `Cache-Control` itself keeps it (static files may be cached); everything
/// else is `no-store`, because almost every page shows personal data or a
/// session's CSRF token, and a rule per page would one day miss one.
pub async fn add(State(Https(https)): State<Https>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    set(response.headers_mut(), https);
    response
}

fn set(headers: &mut HeaderMap, https: bool) {
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE));
    // For browsers without CSP level 2; `frame-ancestors 'none'` says the same.
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Links in mails carry tokens in their path (referral links, password
    // resets, application status): never pass a URL on to another site.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
