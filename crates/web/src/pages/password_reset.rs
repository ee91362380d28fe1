//! "Wachtwoord vergeten": asking for a reset link (the same answer whether
//! the address is known or not) and choosing a new password with it. The
//! rules live in `app::password_reset`.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use wijkregie_app::password_reset::{self, NewPassword, PATH};
use wijkregie_app::{App, Error};

use crate::auth::Visit;
use crate::ctx::ClientAddr;
use crate::error::HttpError;
use crate::pages::form::Errors;
use crate::pages::login::shown_on_form;
use crate::pages::{render, Layout};

pub fn routes() -> Router<App> {
    Router::new()
        .route(PATH, get(forgot_form).post(forgot))
        .route(&format!("{PATH}/{{token}}"), get(reset_form).post(reset))
}

#[derive(askama::Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    layout: Layout,
    sent: bool,
    email: String,
    errors: Errors,
}

#[derive(Deserialize)]
struct Sent {
    #[serde(default)]
    verstuurd: Option<String>,
}

async fn forgot_form(visit: Visit, Query(q): Query<Sent>) -> Result<Response, HttpError> {
    let layout = Layout::new("Wachtwoord vergeten", &visit, "");
    render(ForgotPage { layout, sent: q.verstuurd.is_some(), email: String::new(), errors: Errors::default() })
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot(
    State(app): State<App>,
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<ForgotForm>,
) -> Result<Response, HttpError> {
    match password_reset::request(&app, addr, &form.email, chrono::Utc::now()).await {
        // One answer for every address, known or not.
        Ok(()) => Ok(Redirect::to(&format!("{PATH}?verstuurd=1")).into_response()),
        Err(e) => {
            let (status, errors) = shown_on_form(e)?;
            let layout = Layout::new("Wachtwoord vergeten", &visit, "");
            let page = ForgotPage { layout, sent: false, email: form.email, errors: errors.into() };
            Ok((status, render(page)?).into_response())
        }
    }
}

#[derive(askama::Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    layout: Layout,
    token: String,
    works: bool,
    errors: Errors,
}

/// Tokens are letters and digits; anything else is no token of ours and
/// is not echoed into the page.
fn clean(token: &str) -> Option<&str> {
    (token.len() <= 64 && token.chars().all(|c| c.is_ascii_alphanumeric())).then_some(token)
}

async fn reset_form(State(app): State<App>, visit: Visit, Path(token): Path<String>) -> Result<Response, HttpError> {
    let token = clean(&token).unwrap_or_default();
    let works = !token.is_empty() && password_reset::link_works(&app, token, chrono::Utc::now()).await?;
    let layout = Layout::new("Nieuw wachtwoord kiezen", &visit, "");
    render(ResetPage { layout, token: token.to_owned(), works, errors: Errors::default() })
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

async fn reset(
    State(app): State<App>,
    visit: Visit,
    ClientAddr(addr): ClientAddr,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, HttpError> {
    let token = clean(&token).unwrap_or_default().to_owned();
    let new = NewPassword { new: &form.new_password, repeat: &form.repeat_password };
    match password_reset::reset(&app, addr, &token, new, chrono::Utc::now()).await {
        Ok(()) => Ok(Redirect::to("/login?melding=wachtwoord-hersteld").into_response()),
        Err(Error::Invalid(errors)) => {
            let works = !errors.iter().any(|e| e.field == "token");
            let layout = Layout::new("Nieuw wachtwoord kiezen", &visit, "");
            let page = ResetPage { layout, token, works, errors: errors.into() };
            let status = page.errors.status();
            Ok((status, render(page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
