//! The region's second-factor policy (which roles must use TOTP, see
//! `core::second_factor`) and enrolment right after the password step for a
//! user whose role requires it but who has none yet: a fresh secret is shown
//! once, and only a first valid code completes the login. Until then the
//! session stays at the password stage, which opens no page.

use wijkregie_core::access::{authorize, Action, Object, Role};
use wijkregie_core::audit::{AuditAction, Outcome};
use wijkregie_core::second_factor::{Policy, CONFIGURABLE};
use wijkregie_core::FieldError;
use wijkregie_store::account::{self, Stage};
use wijkregie_store::AnyConnection;

use crate::audit::{record, record_outcome, Actor, Entry};
use crate::credentials::{principal_of, start_session, totp, StartedSession};
use crate::{guarded, App, Ctx, Error, Result};

/// The policy as stored.
pub async fn policy_in(conn: &mut AnyConnection) -> Result<Policy> {
    Ok(Policy::new(account::totp_required_roles(conn).await?))
}

/// The policy, for the regio-beheerder's settings.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn policy(ctx: &Ctx) -> Result<Policy> {
    authorize(&ctx.principal, Action::View, Object::Users)?;
    let mut conn = ctx.app.store.conn().await?;
    policy_in(&mut conn).await
}

/// Requires a second factor of exactly these roles (the regio-beheerder
/// always). Users who have none enrol at their next login; sessions already
/// open stay open until they end.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn set_policy(ctx: &Ctx, required: &[Role]) -> Result<()> {
    let decision = authorize(&ctx.principal, Action::Create, Object::Users);
    let entry = Entry {
        event: "settings.totp_policy",
        action: AuditAction::Update,
        object_type: "settings",
        object_id: Some("totp_policy"),
    };
    let mut tx = guarded(ctx, entry, decision).await?;
    for role in CONFIGURABLE {
        account::set_totp_required(tx.conn(), role, required.contains(&role)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What the enrolment page shows: the fresh secret and the account it is for.
pub struct Enrolment {
    pub secret: String,
    pub email: String,
}

async fn enrolling_user(app: &App, user_id: i64) -> Result<account::User> {
    let mut conn = app.store.conn().await?;
    let user = account::user(&mut conn, user_id).await?.filter(|u| u.active).ok_or(Error::Unauthenticated)?;
    let policy = policy_in(&mut conn).await?;
    if user.totp_secret.is_some() || !policy.requires(user.role) {
        return Err(Error::Conflict("voor dit account hoeft geen tweede factor te worden ingesteld".into()));
    }
    Ok(user)
}

/// A fresh secret for the user of a password-stage session, kept with the
/// session (`session_hash`) until a code confirms it. Each visit makes a new
/// one, so a secret is shown once.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn begin_enrolment(app: &App, session_hash: &str, user_id: i64) -> Result<Enrolment> {
    let user = enrolling_user(app, user_id).await?;
    let secret = totp::new_secret();
    let mut tx = app.store.begin().await?;
    account::set_pending_totp(tx.conn(), session_hash, Some(&secret)).await?;
    tx.commit().await?;
    Ok(Enrolment { secret, email: user.email })
}

/// Turns the second factor on with the pending secret once `code` is valid,
/// and completes the login in a new session.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn finish_enrolment(
    app: &App,
    client_addr: Option<String>,
    user_id: i64,
    pending_secret: &str,
    code: &str,
) -> Result<StartedSession> {
    const EVENT: &str = "user.totp_enable";
    let user = enrolling_user(app, user_id).await?;
    let actor = Actor::new(Some(principal_of(&user, false)), &app.config.instance, client_addr);
    let addr = actor.client_addr.clone().unwrap_or_default();
    let attempt = crate::throttle::attempt(app, &crate::throttle::login_keys(&user.email, &addr)).await?;
    let id = user.id.to_string();
    let entry = Entry { event: EVENT, action: AuditAction::Update, object_type: "user", object_id: Some(&id) };
    let Some(step) = crate::credentials::one_time_code::first_step(pending_secret, code) else {
        let reason = Some("code klopt niet bij het instellen na het wachtwoord".into());
        let mut tx = app.store.begin().await?;
        record_outcome(&mut tx, app, &actor, entry, Outcome::Refused, reason).await?;
        tx.commit().await?;
        return Err(Error::Invalid(vec![FieldError::new("code", "deze code klopt niet of is verlopen")]));
    };
    // Before the write transaction: forgiving takes the write turn itself.
    attempt.forgive(app).await?;
    let mut tx = app.store.begin().await?;
    wijkregie_store::totp_secret::set(tx.conn(), &app.field_key, user.id, Some(pending_secret), Some(step)).await?;
    let principal = principal_of(&user, true);
    let decision = authorize(&principal, Action::Edit, Object::OwnAccount);
    record(&mut tx, app, &actor, entry, decision).await?;
    tx.commit().await?;
    start_session(app, Some(user.id), Stage::Complete, true).await
}

/// The e-mail address of an account, for the label of its TOTP entry.
pub async fn email_of(app: &App, user_id: i64) -> Result<String> {
    let mut conn = app.store.conn().await?;
    Ok(account::user(&mut conn, user_id).await?.map(|u| u.email).unwrap_or_default())
}

/// Clears the second factor of the user with `email` (`wijkregie user
/// totp-reset`): for a lost phone, or a secret sealed with a lost key. A
/// role that requires one enrols again at the next login.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn reset(ctx: &Ctx, email: &str) -> Result<account::User> {
    let mut conn = ctx.app.store.conn().await?;
    let user = account::user_by_email(&mut conn, email).await?;
    drop(conn);
    let Some(user) = user else {
        return Err(Error::NotFound(format!("er is geen gebruiker met e-mailadres {}", email.trim())));
    };
    let id = user.id.to_string();
    let entry =
        Entry { event: "user.totp_reset", action: AuditAction::Update, object_type: "user", object_id: Some(&id) };
    let mut tx = guarded(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Users)).await?;
    wijkregie_store::totp_secret::set(tx.conn(), &ctx.app.field_key, user.id, None, None).await?;
    tx.commit().await?;
    Ok(user)
}
