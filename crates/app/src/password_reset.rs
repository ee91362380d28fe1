//! "Wachtwoord vergeten": a single-use link by mail, valid for 30 minutes,
//! stored only as a hash. Asking for one gives the same answer, in about
//! the same time, whether the address is known or not; asking is rate
//! limited per address and per client; using it ends every session of the
//! account. Every request and every reset is an audit entry.

use chrono::{DateTime, Duration, Utc};
use wijkregie_core::audit::{AuditAction, Outcome};
use wijkregie_core::throttle::Kind;
use wijkregie_core::FieldError;
use wijkregie_store::account;

use crate::audit::{record_outcome, Actor, Entry};
use crate::credentials::{password, random_token};
use crate::mail::{self, Mail, MailKind};
use crate::{throttle, App, Error, Result};

/// How long a reset link works (OWASP's forgot-password advice: short-lived).
pub const LINK_LIFETIME: Duration = Duration::minutes(30);

/// The path of the page a reset link opens; the token follows it.
pub const PATH: &str = "/wachtwoord-vergeten";

const EXPIRED: &str = "deze link werkt niet meer: hij is al gebruikt, vervangen door een nieuwere of ouder dan 30 minuten. Vraag hieronder een nieuwe aan.";

/// Sends a reset link to `email` if it belongs to an active account. The
/// caller shows the same answer either way; only a rate limit is an error.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn request(app: &App, client_addr: Option<String>, email: &str, now: DateTime<Utc>) -> Result<()> {
    let actor = Actor::new(None, &app.config.instance, client_addr);
    let addr = actor.client_addr.clone().unwrap_or_default();
    let email = email.trim();
    if email.is_empty() || !email.contains('@') || email.len() > 254 {
        return Err(Error::Invalid(vec![FieldError::new("email", "vul uw e-mailadres in, zoals naam@praktijk.nl")]));
    }
    let keys = [(Kind::ResetEmail, account::normalize_email(email)), (Kind::ResetAddress, addr.clone())];
    if let Err(e) = throttle::attempt(app, &keys).await {
        let entry = Entry {
            event: "auth.password_reset_request",
            action: AuditAction::Execute,
            object_type: "user",
            object_id: None,
        };
        return Err(throttle::refuse(app, &actor, entry, "te veel aanvragen", e).await);
    }
    let mut tx = app.store.begin().await?;
    // The token is made either way, so both answers cost about the same.
    let token = random_token(43);
    let user = account::user_by_email(tx.conn(), email).await?.filter(|u| u.active);
    let id = user.as_ref().map(|u| u.id.to_string());
    let entry = Entry {
        event: "auth.password_reset_request",
        action: AuditAction::Execute,
        object_type: "user",
        object_id: id.as_deref(),
    };
    match &user {
        Some(user) => {
            account::create_password_reset(tx.conn(), user.id, &token, now, LINK_LIFETIME).await?;
            let link = format!("{}{PATH}/{token}", app.config.public_url.trim_end_matches('/'));
            let text = format!(
                "Goedendag {},\n\nU (of iemand anders) vroeg een nieuw wachtwoord aan voor wijkregie. \
                 Kies een nieuw wachtwoord via deze link; hij werkt één keer en 30 minuten lang:\n{link}\n\n\
                 Vroeg u dit niet aan? Dan kunt u deze e-mail negeren: uw wachtwoord blijft zoals het is.\n",
                user.name
            );
            let mail = Mail::plain(MailKind::PasswordReset, &user.email, "wijkregie: nieuw wachtwoord kiezen", &text);
            mail::queue(tx.conn(), app, &mail, now).await?;
            record_outcome(&mut tx, app, &actor, entry, Outcome::Success, Some("herstellink verstuurd".into())).await?;
        }
        None => {
            record_outcome(
                &mut tx,
                app,
                &actor,
                entry,
                Outcome::Refused,
                Some("onbekend of inactief e-mailadres".into()),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Whether a reset link still works, for the page it opens.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn link_works(app: &App, token: &str, now: DateTime<Utc>) -> Result<bool> {
    let mut conn = app.store.conn().await?;
    let user = account::password_reset_user(&mut conn, token, now).await?;
    Ok(match user {
        Some(id) => account::user(&mut conn, id).await?.is_some_and(|u| u.active),
        None => false,
    })
}

/// The fields of the new-password form.
pub struct NewPassword<'a> {
    pub new: &'a str,
    pub repeat: &'a str,
}

/// Sets a new password with a reset link, uses the link up and ends every
/// session of the account. A dead link (used, replaced, expired) is an
/// error on the `token` field.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn reset(
    app: &App,
    client_addr: Option<String>,
    token: &str,
    new: NewPassword<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let actor = Actor::new(None, &app.config.instance, client_addr);
    let mut tx = app.store.begin().await?;
    let user = match account::password_reset_user(tx.conn(), token, now).await? {
        Some(id) => account::user(tx.conn(), id).await?.filter(|u| u.active),
        None => None,
    };
    let Some(user) = user else {
        let entry =
            Entry { event: "user.password_reset", action: AuditAction::Update, object_type: "user", object_id: None };
        record_outcome(
            &mut tx,
            app,
            &actor,
            entry,
            Outcome::Refused,
            Some("link ongeldig, gebruikt of verlopen".into()),
        )
        .await?;
        tx.commit().await?;
        return Err(Error::Invalid(vec![FieldError::new("token", EXPIRED)]));
    };
    if let Err(e) = password::check_new(new.new) {
        return Err(Error::Invalid(vec![FieldError::new("new_password", e)]));
    }
    if new.new != new.repeat {
        return Err(Error::Invalid(vec![FieldError::new(
            "repeat_password",
            "de herhaling is niet gelijk aan het nieuwe wachtwoord",
        )]));
    }
    let hash = password::hash_off_thread(new.new).await?;
    if !account::use_password_reset(tx.conn(), token, now).await? {
        return Err(Error::Invalid(vec![FieldError::new("token", EXPIRED)]));
    }
    account::set_password_hash(tx.conn(), user.id, &hash).await?;
    let ended = account::delete_sessions_of(tx.conn(), user.id).await?;
    let id = user.id.to_string();
    let actor = Actor { principal: Some(crate::credentials::principal_of(&user, false)), ..actor };
    let entry =
        Entry { event: "user.password_reset", action: AuditAction::Update, object_type: "user", object_id: Some(&id) };
    let rule = format!("geldige herstellink per e-mail; {ended} sessies beëindigd");
    record_outcome(&mut tx, app, &actor, entry, Outcome::Success, Some(rule)).await?;
    tx.commit().await?;
    Ok(())
}
