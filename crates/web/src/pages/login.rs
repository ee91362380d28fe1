//! Logging in (password, then a TOTP code where set up) and out.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
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
use crate::pages::{render, safe_next, urlencode, Layout};
use wijkregie_app::account::{self, LoginStep};
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/login/totp", get(totp_form).post(totp))
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

async fn login_form(visit: Visit, Query(q): Query<Next>) -> Result<Response, HttpError> {
    if visit.principal.is_some() {
        return Ok(Redirect::to(safe_next(&q.next)).into_response());
    }
    render(LoginPage {
        layout: Layout::new("Inloggen", &visit, ""),
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
    let next = safe_next(&form.next).to_owned();
    match account::login(&app, addr, &form.email, &form.password).await {
        Ok(step) => {
            if let Some(old) = &visit.cookie {
                end_session(&app, old).await?;
            }
            let (session, target) = match step {
                LoginStep::Complete(session) => (session, next),
                LoginStep::SecondFactor(session) => (session, format!("/login/totp?next={}", urlencode(&next))),
            };
            Ok(([(SET_COOKIE, cookie_for(&app, &session))], Redirect::to(&target)).into_response())
        }
        Err(e) => {
            let (status, errors) = shown_on_form(e)?;
            let page = LoginPage { layout: Layout::new("Inloggen", &visit, ""), next, email: form.email, errors };
            Ok((status, render(page)?).into_response())
        }
    }
}

/// Wrong credentials and throttling are shown on the form itself; anything
/// else is a real error.
fn shown_on_form(e: Error) -> Result<(StatusCode, Vec<FieldError>), Error> {
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
    let next = safe_next(&form.next).to_owned();
    match account::second_factor(&app, addr, user_id, &form.code).await {
        Ok(session) => {
            if let Some(old) = &visit.cookie {
                end_session(&app, old).await?;
            }
            Ok(([(SET_COOKIE, cookie_for(&app, &session))], Redirect::to(&next)).into_response())
        }
        Err(e) => {
            let (status, errors) = shown_on_form(e)?;
            let page = TotpPage { layout: Layout::new("Tweede stap", &visit, ""), next, errors };
            Ok((status, render(page)?).into_response())
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
