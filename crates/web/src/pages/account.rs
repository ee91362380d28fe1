//! "Mijn account": the user's details, changing the password, setting up or
//! turning off the second factor (TOTP) and managing API tokens.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use wijkregie_core::access::{Refusal, Role, Scope, TokenScope};
use wijkregie_core::codes::Code;
use wijkregie_core::FieldError;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::form::Errors;
use crate::pages::{render, Layout};
use wijkregie_app::account::{self, OwnAccount, PasswordChange};
use wijkregie_app::credentials::totp;
use wijkregie_app::App;
use wijkregie_app::Error;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/mijn-account", get(show))
        .route("/mijn-account/wachtwoord", post(change_password))
        .route("/mijn-account/totp/instellen", post(totp_start))
        .route("/mijn-account/totp/aanzetten", post(totp_confirm))
        .route("/mijn-account/totp/uitzetten", post(totp_disable))
        .route("/mijn-account/tokens", post(create_token))
        .route("/mijn-account/tokens/{id}/intrekken", post(revoke_token))
}

/// Changing one's own account takes a browser session: an API token that
/// leaks must not be enough to change the password or the second factor.
fn session_hash(visit: &Visit) -> Result<String, Error> {
    match (&visit.session, visit.via_token) {
        (Some(session), false) => Ok(session.id_hash.clone()),
        _ => Err(Error::Forbidden(Refusal::OutOfScope)),
    }
}

/// Where the scope of a role is shown in words.
pub fn scope_label(scope: &Scope) -> String {
    match scope {
        Scope::Region => "de hele regio".into(),
        Scope::Networks(codes) => {
            format!("netwerken {}", codes.iter().map(Code::as_str).collect::<Vec<_>>().join(", "))
        }
        Scope::Practice(agb) => format!("praktijk met AGB-code {agb}"),
        Scope::Organization(code) => format!("organisatie {code}"),
    }
}

/// A second-factor secret shown to the user and awaiting a code. The secret
/// itself stays in the session row on the server; the page only shows it.
struct PendingTotp {
    secret: String,
    url: String,
}

impl PendingTotp {
    fn new(secret: String, email: &str) -> Self {
        let url = totp::provisioning_url(&secret, email).unwrap_or_default();
        Self { secret, url }
    }
}

struct TokenRow {
    id: i64,
    name: String,
    scope: &'static str,
    created: String,
    expires: String,
    last_used: String,
    /// "actief", "verlopen" or "ingetrokken".
    status: &'static str,
    live: bool,
}

fn moment(t: DateTime<Utc>) -> String {
    wijkregie_core::clock::nl_display(t)
}

#[derive(askama::Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    name: String,
    email: String,
    role: &'static str,
    scope: String,
    totp_on: bool,
    may_disable_totp: bool,
    pending: Option<PendingTotp>,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    new_token_expires: String,
    token_name: String,
    token_scope: String,
    token_days: String,
    /// A regio-beheerder confirms a token that may write with a code.
    token_needs_code: bool,
    token_scopes: [(&'static str, &'static str); 2],
    token_default_days: i64,
    password_errors: Errors,
    totp_errors: Errors,
    token_errors: Errors,
}

impl AccountPage {
    fn new(visit: &Visit, own: OwnAccount) -> Self {
        let OwnAccount { user, tokens, totp_required } = own;
        AccountPage {
            layout: Layout::new("Mijn account", visit, "/mijn-account"),
            name: user.name,
            email: user.email,
            role: user.role.label(),
            scope: scope_label(&user.scope),
            totp_on: user.totp_secret.is_some(),
            may_disable_totp: !totp_required,
            pending: None,
            tokens: tokens
                .into_iter()
                .map(|t| {
                    let expired = t.expires_at <= Utc::now();
                    TokenRow {
                        id: t.id,
                        name: t.name,
                        scope: t.scope.label(),
                        created: moment(t.created_at),
                        expires: moment(t.expires_at),
                        last_used: t.last_used_at.map(moment).unwrap_or_else(|| "nooit".into()),
                        status: if t.revoked {
                            "ingetrokken"
                        } else if expired {
                            "verlopen"
                        } else {
                            "actief"
                        },
                        live: !t.revoked && !expired,
                    }
                })
                .collect(),
            new_token: None,
            new_token_expires: String::new(),
            token_name: String::new(),
            token_scope: TokenScope::Read.code().into(),
            token_days: account::TOKEN_DAYS_DEFAULT.to_string(),
            token_needs_code: user.role == Role::Region,
            token_scopes: [TokenScope::Read, TokenScope::Write].map(|s| (s.code(), s.label())),
            token_default_days: account::TOKEN_DAYS_DEFAULT,
            password_errors: Errors::default(),
            totp_errors: Errors::default(),
            token_errors: Errors::default(),
        }
    }

    fn respond(self) -> Result<Response, HttpError> {
        let status = [&self.password_errors, &self.totp_errors, &self.token_errors]
            .iter()
            .map(|e| e.status())
            .max()
            .unwrap_or_default();
        Ok((status, render(self)?).into_response())
    }
}

#[derive(Deserialize)]
struct Notice {
    #[serde(default)]
    melding: String,
}

/// The message after a change; only these fixed texts, never the query.
fn notice(key: &str) -> Option<String> {
    let text = match key {
        "wachtwoord" => "Uw wachtwoord is gewijzigd. Uw andere sessies zijn afgesloten.",
        "totp-aan" => "De tweede factor staat aan. Bij de volgende keer inloggen vraagt wijkregie om een code.",
        "totp-uit" => "De tweede factor staat uit.",
        "token-ingetrokken" => "De token is ingetrokken en werkt niet meer.",
        _ => return None,
    };
    Some(text.to_owned())
}

async fn show(ctx: Ctx, visit: Visit, Query(q): Query<Notice>) -> Result<Response, HttpError> {
    let mut page = AccountPage::new(&visit, account::own_account(&ctx).await?);
    page.layout = page.layout.with_flash(notice(&q.melding));
    page.respond()
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

async fn change_password(ctx: Ctx, visit: Visit, Form(form): Form<PasswordForm>) -> Result<Response, HttpError> {
    let keep = session_hash(&visit)?;
    let change =
        PasswordChange { current: &form.current_password, new: &form.new_password, repeat: &form.repeat_password };
    match account::change_password(&ctx, change, Some(&keep)).await {
        Ok(()) => Ok(Redirect::to("/mijn-account?melding=wachtwoord").into_response()),
        Err(Error::Invalid(errors)) => {
            let mut page = AccountPage::new(&visit, account::own_account(&ctx).await?);
            page.password_errors = errors.into();
            page.respond()
        }
        Err(e) => Err(e.into()),
    }
}

async fn totp_start(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let session = session_hash(&visit)?;
    let own = account::own_account(&ctx).await?;
    if own.user.totp_secret.is_some() {
        return Ok(Redirect::to("/mijn-account").into_response());
    }
    let secret = account::begin_totp(&ctx, &session).await?;
    let pending = PendingTotp::new(secret, &own.user.email);
    let mut page = AccountPage::new(&visit, own);
    page.pending = Some(pending);
    page.respond()
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    code: String,
}

async fn totp_confirm(ctx: Ctx, visit: Visit, Form(form): Form<ConfirmForm>) -> Result<Response, HttpError> {
    let session = session_hash(&visit)?;
    let Some(secret) = visit.session.as_ref().and_then(|s| s.pending_totp_secret.clone()) else {
        return Err(Error::BadRequest("de instelling van de tweede factor is verlopen: begin opnieuw".into()).into());
    };
    match account::enable_totp(&ctx, &session, &secret, &form.code).await {
        Ok(()) => Ok(Redirect::to("/mijn-account?melding=totp-aan").into_response()),
        Err(Error::Invalid(errors)) => {
            let own = account::own_account(&ctx).await?;
            let pending = PendingTotp::new(secret, &own.user.email);
            let mut page = AccountPage::new(&visit, own);
            page.pending = Some(pending);
            page.totp_errors = errors.into();
            page.respond()
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn totp_disable(ctx: Ctx, visit: Visit, Form(form): Form<CodeForm>) -> Result<Response, HttpError> {
    session_hash(&visit)?;
    match account::disable_totp(&ctx, &form.code).await {
        Ok(()) => Ok(Redirect::to("/mijn-account?melding=totp-uit").into_response()),
        Err(Error::Invalid(errors)) => {
            let mut page = AccountPage::new(&visit, account::own_account(&ctx).await?);
            page.totp_errors = errors.into();
            page.respond()
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    token_name: String,
    #[serde(default)]
    token_scope: String,
    #[serde(default)]
    token_days: String,
    #[serde(default)]
    token_code: String,
}

async fn create_token(ctx: Ctx, visit: Visit, Form(form): Form<TokenForm>) -> Result<Response, HttpError> {
    session_hash(&visit)?;
    let mut problems = Vec::new();
    let scope =
        Some(form.token_scope.as_str()).filter(|s| !s.is_empty()).unwrap_or("read").parse().unwrap_or_else(|e| {
            problems.push(FieldError::new("token_scope", e));
            TokenScope::Read
        });
    let days = Some(form.token_days.trim())
        .filter(|d| !d.is_empty())
        .map_or(Ok(account::TOKEN_DAYS_DEFAULT), str::parse::<i64>)
        .unwrap_or_else(|_| {
            problems.push(FieldError::new("token_days", "vul een aantal dagen in, zoals 90"));
            account::TOKEN_DAYS_DEFAULT
        });
    let request = account::TokenRequest { name: &form.token_name, scope, days, code: Some(&form.token_code) };
    let result = if problems.is_empty() {
        account::create_api_token(&ctx, request).await
    } else {
        Err(Error::Invalid(problems))
    };
    match result {
        // Shown on this response only: the store keeps just its hash.
        Ok(created) => {
            let mut page = AccountPage::new(&visit, account::own_account(&ctx).await?);
            page.new_token = Some(created.token);
            page.new_token_expires = moment(created.expires_at);
            page.respond()
        }
        Err(Error::Invalid(errors)) => {
            let mut page = AccountPage::new(&visit, account::own_account(&ctx).await?);
            page.token_errors = errors.into_iter().map(token_field).collect::<Vec<_>>().into();
            page.token_name = form.token_name;
            page.token_scope = form.token_scope;
            page.token_days = form.token_days;
            page.respond()
        }
        Err(e) => Err(e.into()),
    }
}

/// The use case names its fields plainly; on this page they carry `token_`.
fn token_field(e: FieldError) -> FieldError {
    let field = match e.field.as_str() {
        "scope" | "token_scope" => "token_scope",
        "days" | "token_days" => "token_days",
        "code" | "token_code" => "token_code",
        _ => "token_name",
    };
    e.at(field)
}

async fn revoke_token(ctx: Ctx, visit: Visit, Path(id): Path<String>) -> Result<Response, HttpError> {
    session_hash(&visit)?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound(format!("token {id}")))?;
    account::revoke_api_token(&ctx, id).await?;
    Ok(Redirect::to("/mijn-account?melding=token-ingetrokken").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_notices_are_shown() {
        assert!(notice("wachtwoord").is_some());
        assert!(notice("<script>").is_none());
    }
}
