//! Logging in and out, second factor, API tokens and user accounts.

use chrono::Utc;
use wijkregie_core::access::{authorize, Action, Object, Role, Scope, TokenScope};
use wijkregie_core::audit::{AuditAction, Outcome};
use wijkregie_core::FieldError;
use wijkregie_store::account::{self, NewUser, Stage};

use crate::audit::{record, record_outcome, Actor, Entry};
use crate::credentials::{one_time_code, password, principal_of, random_token, start_session, totp, StartedSession};
use crate::{guarded, throttle, App, Ctx, Error, Result};

pub enum LoginStep {
    /// Logged in, in this new session.
    Complete(StartedSession),
    /// Password accepted; the second factor is next, in this new session.
    SecondFactor(StartedSession),
    /// Password accepted, but the role requires a second factor the user
    /// has not set up: enrolment is next, in this new session.
    Enrol(StartedSession),
}

const WRONG: &str = "e-mailadres of wachtwoord klopt niet";

async fn log_attempt(app: &App, actor: &Actor, event: &str, user_id: Option<i64>, ok: bool) -> Result<()> {
    let mut tx = app.store.begin().await?;
    let id = user_id.map(|id| id.to_string());
    let entry = Entry { event, action: AuditAction::Execute, object_type: "user", object_id: id.as_deref() };
    let (outcome, rule) = if ok { (Outcome::Success, "juiste inloggegevens") } else { (Outcome::Refused, WRONG) };
    record_outcome(&mut tx, app, actor, entry, outcome, Some(rule.into())).await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn login(app: &App, client_addr: Option<String>, email: &str, pass: &str) -> Result<LoginStep> {
    let actor = Actor::new(None, &app.config.instance, client_addr);
    let addr = actor.client_addr.clone().unwrap_or_default();
    // Counted before the password is checked: see `app::throttle`.
    let attempt = throttle::attempt(app, &throttle::login_keys(email, &addr)).await?;
    let mut conn = app.store.conn().await?;
    let user = account::user_by_email(&mut conn, email).await?.filter(|u| u.active);
    drop(conn);
    let Some(user) = user else {
        password::verify_against_nothing(pass).await;
        log_attempt(app, &actor, "auth.login", None, false).await?;
        return Err(Error::Invalid(vec![FieldError::new("email", WRONG)]));
    };
    if !password::verify_off_thread(pass, &user.password_hash).await {
        log_attempt(app, &actor, "auth.login", Some(user.id), false).await?;
        return Err(Error::Invalid(vec![FieldError::new("email", WRONG)]));
    }
    attempt.forgive(app).await?;
    let actor = Actor { principal: Some(principal_of(&user, false)), ..actor };
    log_attempt(app, &actor, "auth.login", Some(user.id), true).await?;
    if user.totp_secret.is_some() {
        let session = start_session(app, Some(user.id), Stage::Password, false).await?;
        return Ok(LoginStep::SecondFactor(session));
    }
    let mut conn = app.store.conn().await?;
    let policy = crate::second_factor::policy_in(&mut conn).await?;
    drop(conn);
    if policy.requires(user.role) {
        let session = start_session(app, Some(user.id), Stage::Password, false).await?;
        return Ok(LoginStep::Enrol(session));
    }
    let session = start_session(app, Some(user.id), Stage::Complete, false).await?;
    Ok(LoginStep::Complete(session))
}

/// The second step: a session that passed the password gives a code.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn second_factor(
    app: &App,
    client_addr: Option<String>,
    session_user: i64,
    code: &str,
) -> Result<StartedSession> {
    let mut conn = app.store.conn().await?;
    let user = account::user(&mut conn, session_user).await?.filter(|u| u.active).ok_or(Error::Unauthenticated)?;
    drop(conn);
    let actor = Actor::new(Some(principal_of(&user, false)), &app.config.instance, client_addr);
    let keys = throttle::login_keys(&user.email, actor.client_addr.as_deref().unwrap_or_default());
    let attempt = throttle::attempt(app, &keys).await?;
    let mut tx = app.store.begin().await?;
    let ok = one_time_code::accept(app, tx.conn(), &user, code).await?;
    tx.commit().await?;
    log_attempt(app, &actor, "auth.second_factor", Some(user.id), ok).await?;
    if !ok {
        return Err(Error::Invalid(vec![FieldError::new("code", "deze code klopt niet of is verlopen")]));
    }
    attempt.forgive(app).await?;
    start_session(app, Some(user.id), Stage::Complete, true).await
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn log_logout(ctx: &Ctx) -> Result<()> {
    let mut tx = ctx.app.store.begin().await?;
    let id = ctx.principal.user_id.to_string();
    let entry = Entry { event: "auth.logout", action: AuditAction::Execute, object_type: "user", object_id: Some(&id) };
    record_outcome(&mut tx, &ctx.app, &ctx.actor, entry, Outcome::Success, Some("eigen sessie".into())).await?;
    tx.commit().await?;
    Ok(())
}

/// How long a new API token works unless the user chooses otherwise.
pub const TOKEN_DAYS_DEFAULT: i64 = 90;
/// The longest a token may work: a forgotten token stops by itself.
pub const TOKEN_DAYS_MAX: i64 = 365;

/// What the user asks for when creating an API token.
pub struct TokenRequest<'a> {
    pub name: &'a str,
    pub scope: TokenScope,
    /// Days the token works, 1 to [`TOKEN_DAYS_MAX`].
    pub days: i64,
    /// A code from the authenticator app: a regio-beheerder needs one for a
    /// token that may write, since that token skips the second factor.
    pub code: Option<&'a str>,
}

/// A token, shown once (only its hash is kept), and when it expires.
pub struct NewToken {
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
}

/// Creates an API token for the user; the token is shown once and only its
/// hash is kept.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_api_token(ctx: &Ctx, request: TokenRequest<'_>) -> Result<NewToken> {
    const EVENT: &str = "api_token.create";
    let name = request.name.trim();
    let mut problems = Vec::new();
    if name.is_empty() || name.chars().count() > 100 {
        problems.push(FieldError::new("name", "geef de token een naam van 1 tot 100 tekens"));
    }
    if !(1..=TOKEN_DAYS_MAX).contains(&request.days) {
        problems.push(FieldError::new("days", format!("kies een geldigheid van 1 tot {TOKEN_DAYS_MAX} dagen")));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let decision = authorize(&ctx.principal, Action::Create, Object::OwnAccount);
    // A beheer token that writes can change tariffs and the public map with
    // no second factor at all; the user confirms it with one, once, here.
    if request.scope.may_write() && ctx.principal.role == Role::Region {
        let (user, attempt) = own_user(ctx).await?;
        let code = request.code.unwrap_or_default().trim();
        if user.totp_secret.is_none() {
            attempt.forgive(&ctx.app).await?;
            return Err(Error::Invalid(vec![FieldError::new(
                "scope",
                "stel eerst een tweede factor in: een token dat mag schrijven bevestigt u met een code",
            )]));
        }
        if code.is_empty() {
            attempt.forgive(&ctx.app).await?;
            return Err(Error::Invalid(vec![FieldError::new(
                "code",
                "bevestig een token dat mag schrijven met een code uit uw authenticator-app",
            )]));
        }
        // Through `accept`, so the confirming code is used up like any other.
        let mut tx = ctx.app.store.begin().await?;
        let accepted = one_time_code::accept(&ctx.app, tx.conn(), &user, code).await?;
        tx.commit().await?;
        if !accepted {
            log_own_refusal(ctx, EVENT, WRONG_CODE).await?;
            return Err(Error::Invalid(vec![FieldError::new("code", WRONG_CODE)]));
        }
        attempt.forgive(&ctx.app).await?;
    }
    let token = format!("wr_{}", random_token(40));
    let now = Utc::now();
    let expires_at = now + chrono::Duration::days(request.days);
    let mut tx = ctx.app.store.begin().await?;
    let new =
        account::NewApiToken { user_id: ctx.principal.user_id, name, token: &token, expires_at, scope: request.scope };
    let id = account::create_api_token(tx.conn(), &new, now).await?.to_string();
    let entry = Entry { event: EVENT, action: AuditAction::Create, object_type: "api_token", object_id: Some(&id) };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    Ok(NewToken { token, expires_at })
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn revoke_api_token(ctx: &Ctx, token_id: i64) -> Result<()> {
    let decision = authorize(&ctx.principal, Action::Delete, Object::OwnAccount);
    let mut tx = ctx.app.store.begin().await?;
    let revoked = account::revoke_api_token(tx.conn(), ctx.principal.user_id, token_id, Utc::now()).await?;
    let id = token_id.to_string();
    let entry = Entry {
        event: "api_token.revoke",
        action: AuditAction::Delete,
        object_type: "api_token",
        object_id: Some(&id),
    };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    if revoked {
        Ok(())
    } else {
        Err(Error::NotFound(format!("token {token_id}")))
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
/// role cannot log in without a second factor. Used by the CLI (as the
/// operator) and by the users page.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn create_user(ctx: &Ctx, spec: UserSpec, with_totp: bool) -> Result<CreatedUser> {
    let app = &ctx.app;
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
    let mut conn = app.store.conn().await?;
    if account::user_by_email(&mut conn, &spec.email).await?.is_some() {
        problems.push(FieldError::new("email", "er bestaat al een gebruiker met dit e-mailadres"));
    }
    drop(conn);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let decision = authorize(&ctx.principal, Action::Create, Object::Users);
    let totp_secret = (with_totp || spec.role.requires_second_factor()).then(totp::new_secret);
    let hash = password::hash_off_thread(&spec.password).await?;
    let entry = Entry { event: "user.create", action: AuditAction::Create, object_type: "user", object_id: None };
    let mut tx = guarded(ctx, entry, decision).await?;
    {
        let new = NewUser {
            email: &spec.email,
            name: spec.name.trim(),
            password_hash: &hash,
            role: spec.role,
            scope: &spec.scope,
            totp_secret: None,
        };
        let id = account::create_user(tx.conn(), &new, Utc::now()).await?;
        // Sealed once the id it is bound to exists.
        if let Some(secret) = &totp_secret {
            wijkregie_store::totp_secret::set(tx.conn(), &app.field_key, id, Some(secret), None).await?;
        }
        let id_text = id.to_string();
        let entry =
            Entry { event: "user.create", action: AuditAction::Create, object_type: "user", object_id: Some(&id_text) };
        record(&mut tx, app, &ctx.actor, entry, decision).await?;
        tx.commit().await?;
        Ok(CreatedUser { id, totp_secret })
    }
}

/// The signed-in user's own account, as the account page shows it.
pub struct OwnAccount {
    pub user: account::User,
    pub tokens: Vec<account::ApiToken>,
    /// Whether the region requires a second factor of the user's role.
    pub totp_required: bool,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn own_account(ctx: &Ctx) -> Result<OwnAccount> {
    authorize(&ctx.principal, Action::View, Object::OwnAccount)?;
    let mut conn = ctx.app.store.conn().await?;
    let user = account::user(&mut conn, ctx.principal.user_id).await?.ok_or(Error::Unauthenticated)?;
    let tokens = account::api_tokens(&mut conn, user.id).await?;
    let totp_required = crate::second_factor::policy_in(&mut conn).await?.requires(user.role);
    Ok(OwnAccount { user, tokens, totp_required })
}

/// Logs a refused change of the user's own account, with the reason.
async fn log_own_refusal(ctx: &Ctx, event: &str, reason: &str) -> Result<()> {
    let mut tx = ctx.app.store.begin().await?;
    let id = ctx.principal.user_id.to_string();
    let entry = Entry { event, action: AuditAction::Update, object_type: "user", object_id: Some(&id) };
    record_outcome(&mut tx, &ctx.app, &ctx.actor, entry, Outcome::Refused, Some(reason.into())).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed-in user, for a change that asks for a password or code: a
/// wrong one is a guess like one at the login page, so it counts towards
/// the same throttle until forgiven.
async fn own_user(ctx: &Ctx) -> Result<(account::User, throttle::Attempt)> {
    let mut conn = ctx.app.store.conn().await?;
    let user = account::user(&mut conn, ctx.principal.user_id).await?.ok_or(Error::Unauthenticated)?;
    drop(conn);
    let keys = throttle::login_keys(&user.email, ctx.actor.client_addr.as_deref().unwrap_or_default());
    let attempt = throttle::attempt(&ctx.app, &keys).await?;
    Ok((user, attempt))
}

/// The fields of the change-password form.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub repeat: &'a str,
}

/// Changes the user's own password after checking the current one, and ends
/// the user's other sessions; `keep_session` is the stored hash of the one
/// making the change.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn change_password(ctx: &Ctx, change: PasswordChange<'_>, keep_session: Option<&str>) -> Result<()> {
    const EVENT: &str = "user.password_change";
    let (user, attempt) = own_user(ctx).await?;
    let mut problems = Vec::new();
    let current_ok = password::verify_off_thread(change.current, &user.password_hash).await;
    if current_ok {
        attempt.forgive(&ctx.app).await?;
    }
    if !current_ok {
        problems.push(FieldError::new("current_password", "uw huidige wachtwoord klopt niet"));
    }
    if let Err(e) = password::check_new(change.new) {
        problems.push(FieldError::new("new_password", e));
    } else if change.new != change.repeat {
        problems.push(FieldError::new("repeat_password", "de herhaling is niet gelijk aan het nieuwe wachtwoord"));
    } else if current_ok && change.new == change.current {
        problems.push(FieldError::new("new_password", "kies een ander wachtwoord dan het huidige"));
    }
    if !current_ok {
        log_own_refusal(ctx, EVENT, "huidig wachtwoord klopt niet").await?;
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let decision = authorize(&ctx.principal, Action::Edit, Object::OwnAccount);
    let hash = password::hash_off_thread(change.new).await?;
    let mut tx = ctx.app.store.begin().await?;
    account::set_password_hash(tx.conn(), user.id, &hash).await?;
    if let Some(keep) = keep_session {
        account::delete_other_sessions(tx.conn(), user.id, keep).await?;
    }
    let id = user.id.to_string();
    let entry = Entry { event: EVENT, action: AuditAction::Update, object_type: "user", object_id: Some(&id) };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    Ok(())
}

const WRONG_CODE: &str = "deze code klopt niet of is verlopen";

/// Starts setting up a second factor: a fresh secret, kept with the
/// session (`session_hash`) until the user's app has shown to produce a code
/// for it. Returns the secret to show.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn begin_totp(ctx: &Ctx, session_hash: &str) -> Result<String> {
    authorize(&ctx.principal, Action::Edit, Object::OwnAccount)?;
    let secret = totp::new_secret();
    let mut tx = ctx.app.store.begin().await?;
    account::set_pending_totp(tx.conn(), session_hash, Some(&secret)).await?;
    tx.commit().await?;
    Ok(secret)
}

/// Turns on the second factor with the secret pending in the session, once
/// the user's app has shown to produce `code`, so nobody is locked out by a
/// mistyped secret.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn enable_totp(ctx: &Ctx, session_hash: &str, secret: &str, code: &str) -> Result<()> {
    const EVENT: &str = "user.totp_enable";
    let (user, attempt) = own_user(ctx).await?;
    if user.totp_secret.is_some() {
        attempt.forgive(&ctx.app).await?;
        return Err(Error::Conflict("er is al een tweede factor ingesteld".into()));
    }
    let Some(step) = one_time_code::first_step(secret, code) else {
        log_own_refusal(ctx, EVENT, WRONG_CODE).await?;
        return Err(Error::Invalid(vec![FieldError::new("code", WRONG_CODE)]));
    };
    attempt.forgive(&ctx.app).await?;
    let decision = authorize(&ctx.principal, Action::Edit, Object::OwnAccount);
    let mut tx = ctx.app.store.begin().await?;
    wijkregie_store::totp_secret::set(tx.conn(), &ctx.app.field_key, user.id, Some(secret), Some(step)).await?;
    account::set_pending_totp(tx.conn(), session_hash, None).await?;
    let id = user.id.to_string();
    let entry = Entry { event: EVENT, action: AuditAction::Update, object_type: "user", object_id: Some(&id) };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    Ok(())
}

/// Turns the second factor off after a valid code; not for roles that
/// require one.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn disable_totp(ctx: &Ctx, code: &str) -> Result<()> {
    const EVENT: &str = "user.totp_disable";
    let (user, attempt) = own_user(ctx).await?;
    let mut conn = ctx.app.store.conn().await?;
    let policy = crate::second_factor::policy_in(&mut conn).await?;
    drop(conn);
    if policy.requires(user.role) {
        attempt.forgive(&ctx.app).await?;
        return Err(Error::Conflict(format!(
            "voor de rol {} is een tweede factor verplicht; die kan niet uit",
            user.role.label()
        )));
    }
    if user.totp_secret.is_none() {
        attempt.forgive(&ctx.app).await?;
        return Err(Error::Conflict("er is geen tweede factor ingesteld".into()));
    }
    let mut tx = ctx.app.store.begin().await?;
    let accepted = one_time_code::accept(&ctx.app, tx.conn(), &user, code).await?;
    tx.commit().await?;
    if !accepted {
        log_own_refusal(ctx, EVENT, WRONG_CODE).await?;
        return Err(Error::Invalid(vec![FieldError::new("code", WRONG_CODE)]));
    }
    attempt.forgive(&ctx.app).await?;
    let decision = authorize(&ctx.principal, Action::Edit, Object::OwnAccount);
    let mut tx = ctx.app.store.begin().await?;
    wijkregie_store::totp_secret::set(tx.conn(), &ctx.app.field_key, user.id, None, None).await?;
    let id = user.id.to_string();
    let entry = Entry { event: EVENT, action: AuditAction::Update, object_type: "user", object_id: Some(&id) };
    record(&mut tx, &ctx.app, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    Ok(())
}

/// All user accounts, for the regio-beheerder; the read is logged, a
/// refusal too.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn users(ctx: &Ctx) -> Result<Vec<account::User>> {
    let decision = authorize(&ctx.principal, Action::View, Object::Users);
    let entry = Entry { event: "user.list", action: AuditAction::Read, object_type: "user", object_id: None };
    guarded(ctx, entry, decision).await?.commit().await?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(account::users(&mut conn).await?)
}
