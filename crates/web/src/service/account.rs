//! Logging in and out, second factor, API tokens and user accounts.

use axum::http::HeaderValue;
use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Object, Role, Scope};
use wijkregie_core::audit::{AuditAction, Outcome};
use wijkregie_core::FieldError;
use wijkregie_store::account::{self, NewUser, Stage};

use crate::audit::{record, record_outcome, Actor, Entry};
use crate::auth::{password, random_token, start_session, totp};
use crate::error::{AppError, Result};
use crate::service::Ctx;
use crate::AppState;

pub enum LoginStep {
    /// Logged in; set this cookie.
    Complete(HeaderValue),
    /// Password accepted; the second factor is next.
    SecondFactor(HeaderValue),
}

const WRONG: &str = "e-mailadres of wachtwoord klopt niet";

async fn throttle(state: &AppState, email: &str, addr: &str) -> Result<()> {
    let since = Utc::now() - state.config.throttle_window;
    let mut conn = state.store.conn().await?;
    let (by_email, by_addr) = account::failed_logins_since(&mut conn, email, addr, since).await?;
    if by_email >= state.config.max_failed_logins_per_account || by_addr >= state.config.max_failed_logins_per_address {
        return Err(AppError::TooManyRequests { minutes: state.config.throttle_window.num_minutes() });
    }
    Ok(())
}

async fn log_attempt(
    state: &AppState,
    actor: &Actor,
    event: &str,
    email: &str,
    user_id: Option<i64>,
    ok: bool,
) -> Result<()> {
    let addr = actor.client_addr.clone().unwrap_or_default();
    let mut tx = state.store.begin().await?;
    account::record_login_attempt(tx.conn(), email, &addr, ok, Utc::now()).await?;
    let id = user_id.map(|id| id.to_string());
    let entry = Entry { event, action: AuditAction::Execute, object_type: "user", object_id: id.as_deref() };
    let (outcome, rule) = if ok { (Outcome::Success, "juiste inloggegevens") } else { (Outcome::Refused, WRONG) };
    record_outcome(&mut tx, state, actor, entry, outcome, Some(rule.into())).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn login(state: &AppState, client_addr: Option<String>, email: &str, pass: &str) -> Result<LoginStep> {
    let actor = Actor::new(None, &state.config.instance, client_addr);
    let addr = actor.client_addr.clone().unwrap_or_default();
    throttle(state, email, &addr).await?;
    let mut conn = state.store.conn().await?;
    let user = account::user_by_email(&mut conn, email).await?.filter(|u| u.active);
    drop(conn);
    let Some(user) = user else {
        password::verify_against_nothing(pass);
        log_attempt(state, &actor, "auth.login", email, None, false).await?;
        return Err(AppError::Invalid(vec![FieldError::new("email", WRONG)]));
    };
    if !password::verify(pass, &user.password_hash) {
        log_attempt(state, &actor, "auth.login", email, Some(user.id), false).await?;
        return Err(AppError::Invalid(vec![FieldError::new("email", WRONG)]));
    }
    let actor = Actor { principal: Some(crate::auth::principal_of(&user, false)), ..actor };
    log_attempt(state, &actor, "auth.login", email, Some(user.id), true).await?;
    if user.totp_secret.is_some() {
        let (_, cookie) = start_session(state, Some(user.id), Stage::Password, false).await?;
        return Ok(LoginStep::SecondFactor(cookie));
    }
    if user.role.requires_second_factor() {
        return Err(AppError::Invalid(vec![FieldError::new(
            "email",
            "voor deze rol is een tweede factor verplicht, maar er is er geen ingesteld: vraag een beheerder om `wijkregie user add` opnieuw uit te voeren",
        )]));
    }
    let (_, cookie) = start_session(state, Some(user.id), Stage::Complete, false).await?;
    Ok(LoginStep::Complete(cookie))
}

/// The second step: a session that passed the password gives a code.
pub async fn second_factor(
    state: &AppState,
    client_addr: Option<String>,
    session_user: i64,
    code: &str,
) -> Result<HeaderValue> {
    let mut conn = state.store.conn().await?;
    let user = account::user(&mut conn, session_user).await?.filter(|u| u.active).ok_or(AppError::Unauthenticated)?;
    drop(conn);
    let actor = Actor::new(Some(crate::auth::principal_of(&user, false)), &state.config.instance, client_addr);
    throttle(state, &user.email, actor.client_addr.as_deref().unwrap_or_default()).await?;
    let ok = user.totp_secret.as_deref().is_some_and(|secret| totp::check(secret, code));
    log_attempt(state, &actor, "auth.second_factor", &user.email, Some(user.id), ok).await?;
    if !ok {
        return Err(AppError::Invalid(vec![FieldError::new("code", "deze code klopt niet of is verlopen")]));
    }
    let (_, cookie) = start_session(state, Some(user.id), Stage::Complete, true).await?;
    Ok(cookie)
}

pub async fn log_logout(ctx: &Ctx) -> Result<()> {
    let mut tx = ctx.state.store.begin().await?;
    let id = ctx.principal.user_id.to_string();
    let entry = Entry { event: "auth.logout", action: AuditAction::Execute, object_type: "user", object_id: Some(&id) };
    record_outcome(&mut tx, &ctx.state, &ctx.actor, entry, Outcome::Success, Some("eigen sessie".into())).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates an API token for the user; the token is shown once and only its
/// hash is kept.
pub async fn create_api_token(ctx: &Ctx, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(AppError::Invalid(vec![FieldError::new("name", "geef de token een naam van 1 tot 100 tekens")]));
    }
    let token = format!("wr_{}", random_token(40));
    let decision = authorize(&ctx.principal, Action::Create, Object::OwnAccount);
    let mut tx = ctx.state.store.begin().await?;
    let id = account::create_api_token(tx.conn(), ctx.principal.user_id, name, &token, Utc::now()).await?.to_string();
    let entry = Entry {
        event: "api_token.create",
        action: AuditAction::Create,
        object_type: "api_token",
        object_id: Some(&id),
    };
    record(&mut tx, &ctx.state, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn revoke_api_token(ctx: &Ctx, token_id: i64) -> Result<()> {
    let decision = authorize(&ctx.principal, Action::Delete, Object::OwnAccount);
    let mut tx = ctx.state.store.begin().await?;
    let revoked = account::revoke_api_token(tx.conn(), ctx.principal.user_id, token_id, Utc::now()).await?;
    let id = token_id.to_string();
    let entry = Entry {
        event: "api_token.revoke",
        action: AuditAction::Delete,
        object_type: "api_token",
        object_id: Some(&id),
    };
    record(&mut tx, &ctx.state, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    if revoked {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("token {token_id}")))
    }
}

/// A new account's details, already parsed.
pub struct UserSpec {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub scope: Scope,
}

/// What creating a user produced: the id, and the TOTP secret if one was set.
pub struct CreatedUser {
    pub id: i64,
    pub totp_secret: Option<String>,
}

/// Creates a user. A regio-beheerder always gets a TOTP secret, because that
/// role cannot log in without a second factor. Used by the CLI (`actor` is
/// the operator) and by the users page.
pub async fn create_user(state: &AppState, actor: &Actor, spec: UserSpec, with_totp: bool) -> Result<CreatedUser> {
    let mut problems = Vec::new();
    if !spec.email.contains('@') || spec.email.trim().len() < 3 {
        problems.push(FieldError::new("email", "vul een geldig e-mailadres in"));
    }
    if spec.name.trim().is_empty() {
        problems.push(FieldError::new("name", "de naam is verplicht"));
    }
    if let Err(e) = password::check_new(&spec.password) {
        problems.push(FieldError::new("password", e));
    }
    if !spec.scope.fits(spec.role) {
        problems.push(FieldError::new("scope", "de reikwijdte past niet bij de rol"));
    }
    let mut conn = state.store.conn().await?;
    if account::user_by_email(&mut conn, &spec.email).await?.is_some() {
        problems.push(FieldError::new("email", "er bestaat al een gebruiker met dit e-mailadres"));
    }
    drop(conn);
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let decision = match &actor.principal {
        Some(p) => authorize(p, Action::Create, Object::Users),
        None => Ok(wijkregie_core::access::Grant { rule: "beheerder via de opdrachtregel op de server" }),
    };
    let totp_secret = (with_totp || spec.role.requires_second_factor()).then(totp::new_secret);
    let hash = password::hash(&spec.password)?;
    let mut tx = state.store.begin().await?;
    if let Err(refusal) = decision {
        let entry = Entry { event: "user.create", action: AuditAction::Create, object_type: "user", object_id: None };
        record(&mut tx, state, actor, entry, decision).await?;
        tx.commit().await?;
        return Err(refusal.into());
    }
    {
        let new = NewUser {
            email: &spec.email,
            name: spec.name.trim(),
            password_hash: &hash,
            role: spec.role,
            scope: &spec.scope,
            totp_secret: totp_secret.as_deref(),
        };
        let id = account::create_user(tx.conn(), &new, Utc::now()).await?;
        let id_text = id.to_string();
        let entry =
            Entry { event: "user.create", action: AuditAction::Create, object_type: "user", object_id: Some(&id_text) };
        record(&mut tx, state, actor, entry, decision).await?;
        tx.commit().await?;
        Ok(CreatedUser { id, totp_secret })
    }
}
