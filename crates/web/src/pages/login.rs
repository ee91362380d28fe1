//! Logging in (password, then a TOTP code where set up, or setting one up
//! where the role requires it) and out.

use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_app::credentials::Stage;
use wijkregie_core::FieldError;

use crate::auth::{cookie_for, end_session, Visit};
use crate::ctx::ClientAddr;
use crate::error::HttpError;
use crate::pages::{qr, render, safe_next, urlencode, Layout};
use wijkregie_app::account::{self, LoginStep};
use wijkregie_app::credentials::{totp, StartedSession};
use wijkregie_app::second_factor;
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/login/totp", get(totp_form).post(totp))
        .route("/login/totp-instellen", get(enrol_form).post(enrol))
        .route("/logout", post(logout))
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    email: String,
    errors: Vec<FieldError>,
}

#[derive(askama::Template)]
#[template(path = "totp.html")]
struct TotpPage {
    layout: Layout,
    next: String,
    errors: Vec<FieldError>,
}

#[derive(Deserialize)]
struct Next {
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    melding: String,
}

/// The message after a password reset; only this fixed text, never the query.
fn notice(key: &str) -> Option<String> {
    (key == "wachtwoord-hersteld").then(|| {
        "Uw nieuwe wachtwoord is opgeslagen en u bent overal uitgelogd. Log in met het nieuwe wachtwoord.".into()
    })
}

async fn login_form(visit: Visit, Query(q): Query<LoginQuery>) -> Result<Response, HttpError> {
    if visit.principal.is_some() {
        return Ok(Redirect::to(&safe_next(&q.next)).into_response());
    }
    render(LoginPage {
        layout: Layout::new("Inloggen", &visit, "").with_flash(notice(&q.melding)),
        next: q.next,
        email: String::new(),
        errors: vec![],
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(app): State<App>,
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, HttpError> {
    let next = safe_next(&form.next);
    match account::login(&app, addr, &form.email, &form.password).await {
        Ok(step) => {
            let (session, target) = match step {
                LoginStep::Complete(session) => (session, next),
                LoginStep::SecondFactor(session) => (session, format!("/login/totp?next={}", urlencode(&next))),
                LoginStep::Enrol(session) => (session, format!("/login/totp-instellen?next={}", urlencode(&next))),
            };
            switch_session(&app, &visit, &session, &target).await
        }
        Err(e) => {
            let (status, errors) = shown_on_form(e)?;
            let page = LoginPage { layout: Layout::new("Inloggen", &visit, ""), next, email: form.email, errors };
            Ok((status, render(page)?).into_response())
        }
    }
}

/// Ends the visitor's old session and hands out the new one from a login
/// step, on the way to `target`: every step of a login gets a fresh session.
async fn switch_session(
    app: &App,
    visit: &Visit,
    session: &StartedSession,
    target: &str,
) -> Result<Response, HttpError> {
    if let Some(old) = &visit.cookie {
        end_session(app, old).await?;
    }
    Ok(([(SET_COOKIE, cookie_for(app, session))], Redirect::to(target)).into_response())
}

/// Wrong credentials and throttling are shown on the form itself; anything
/// else is a real error.
pub(crate) fn shown_on_form(e: Error) -> Result<(StatusCode, Vec<FieldError>), Error> {
    let status = crate::error::status(&e);
    match e {
        Error::Invalid(errors) => Ok((status, errors)),
        Error::TooManyRequests { .. } => Ok((status, vec![FieldError::new("", e.to_string())])),
        other => Err(other),
    }
}

fn password_stage_user(visit: &Visit) -> Option<i64> {
    visit.session.as_ref().filter(|s| s.stage == Stage::Password).and_then(|s| s.user_id)
}

async fn totp_form(visit: Visit, Query(q): Query<Next>) -> Result<Response, HttpError> {
    if password_stage_user(&visit).is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    render(TotpPage { layout: Layout::new("Tweede stap", &visit, ""), next: q.next, errors: vec![] })
}

#[derive(Deserialize)]
struct TotpForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

async fn totp(
    State(app): State<App>,
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<TotpForm>,
) -> Result<Response, HttpError> {
    let Some(user_id) = password_stage_user(&visit) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let next = safe_next(&form.next);
    match account::second_factor(&app, addr, user_id, &form.code).await {
        Ok(session) => switch_session(&app, &visit, &session, &next).await,
        Err(e) => {
            let (status, errors) = shown_on_form(e)?;
            let page = TotpPage { layout: Layout::new("Tweede stap", &visit, ""), next, errors };
            Ok((status, render(page)?).into_response())
        }
    }
}

#[derive(askama::Template)]
#[template(path = "totp_enrol.html")]
struct EnrolPage {
    layout: Layout,
    next: String,
    secret: String,
    qr: Option<String>,
    errors: Vec<FieldError>,
}

impl EnrolPage {
    fn new(visit: &Visit, next: String, secret: String, email: &str, errors: Vec<FieldError>) -> Self {
        let qr = totp::provisioning_url(&secret, email)
            .and_then(|url| qr::svg(&url, "QR-code om wijkregie aan uw authenticator-app toe te voegen"));
        EnrolPage { layout: Layout::new("Tweede factor instellen", visit, ""), next, secret, qr, errors }
    }
}

/// The password step passed, the role requires a second factor and there
/// is none yet: show a fresh secret (once) and ask for its first code.
async fn enrol_form(State(app): State<App>, visit: Visit, Query(q): Query<Next>) -> Result<Response, HttpError> {
    let (Some(user_id), Some(session)) = (password_stage_user(&visit), visit.session.as_ref()) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let enrolment = match second_factor::begin_enrolment(&app, &session.id_hash, user_id).await {
        Ok(e) => e,
        // Set up meanwhile (another tab): the code step is next.
        Err(Error::Conflict(_)) => {
            return Ok(Redirect::to(&format!("/login/totp?next={}", urlencode(&q.next))).into_response())
        }
        Err(e) => return Err(e.into()),
    };
    let page = EnrolPage::new(&visit, q.next, enrolment.secret, &enrolment.email, vec![]);
    // The page holds a secret: no cache may keep it.
    Ok(([(CACHE_CONTROL, "no-store")], render(page)?).into_response())
}

async fn enrol(
    State(app): State<App>,
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<TotpForm>,
) -> Result<Response, HttpError> {
    let Some(user_id) = password_stage_user(&visit) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let next = safe_next(&form.next);
    let Some(secret) = visit.session.as_ref().and_then(|s| s.pending_totp_secret.clone()) else {
        return Ok(Redirect::to(&format!("/login/totp-instellen?next={}", urlencode(&next))).into_response());
    };
    match second_factor::finish_enrolment(&app, addr, user_id, &secret, &form.code).await {
        Ok(session) => switch_session(&app, &visit, &session, &next).await,
        Err(e) => {
            let (status, errors) = shown_on_form(e)?;
            let mut email = String::new();
            if let Some(p) = visit.session.as_ref().and_then(|s| s.user_id) {
                email = second_factor::email_of(&app, p).await?;
            }
            let page = EnrolPage::new(&visit, next, secret, &email, errors);
            Ok((status, [(CACHE_CONTROL, "no-store")], render(page)?).into_response())
        }
    }
}

async fn logout(State(app): State<App>, visit: Visit, ClientAddr(addr): ClientAddr) -> Result<Response, HttpError> {
    if let Some(principal) = visit.principal.clone() {
        account::log_logout(&wijkregie_app::Ctx::new(app.clone(), principal, addr)).await?;
    }
    let Some(cookie) = &visit.cookie else {
        return Ok(Redirect::to("/login").into_response());
    };
    let cleared = end_session(&app, cookie).await?;
    Ok((
        StatusCode::SEE_OTHER,
        [(SET_COOKIE, cleared), (axum::http::header::LOCATION, "/login".parse().expect("static"))],
    )
        .into_response())
}
