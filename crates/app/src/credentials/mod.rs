//! The credential half of authentication: passwords, second factors, and
//! the start, lookup and end of sessions and API tokens. Cookies, headers
//! and CSRF are HTTP and live in `web::auth`; what a session *is* lives here,
//! so the CLI and the tests reach it without a web server.

pub mod one_time_code;
pub mod password;
pub mod totp;

use chrono::Utc;
use rand::distributions::{Alphanumeric, DistString};
use wijkregie_core::access::{Principal, Refusal};
use wijkregie_core::audit::AuditAction;
use wijkregie_store::account::{self, NewSession, User};
pub use wijkregie_store::account::{Session, Stage};

use crate::audit::{Actor, Entry};
use crate::{App, Error, Result};

/// A random string of letters and digits from the operating system's
/// generator, for session ids, CSRF tokens and API tokens.
pub fn random_token(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

pub fn principal_of(user: &User, second_factor: bool) -> Principal {
    Principal { user_id: user.id, name: user.name.clone(), role: user.role, scope: user.scope.clone(), second_factor }
}

/// A session just started: the id for the cookie, and how long it lives.
pub struct StartedSession {
    pub id: String,
    pub lifetime: chrono::Duration,
}

/// Starts a fresh session (a new id, so a session fixed before login is
/// worthless after it).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn start_session(
    app: &App,
    user_id: Option<i64>,
    stage: Stage,
    second_factor: bool,
) -> Result<StartedSession> {
    let id = random_token(43);
    let lifetime = match stage {
        Stage::Anonymous | Stage::Password => chrono::Duration::minutes(30),
        Stage::Complete => app.config.session_lifetime,
    };
    let mut tx = app.store.begin().await?;
    let csrf_token = random_token(32);
    let new = NewSession { id: &id, user_id, stage, second_factor, csrf_token: &csrf_token, lifetime };
    account::create_session(tx.conn(), &new, Utc::now()).await?;
    tx.commit().await?;
    Ok(StartedSession { id, lifetime })
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn end_session(app: &App, id: &str) -> Result<()> {
    let mut tx = app.store.begin().await?;
    account::delete_session(tx.conn(), id).await?;
    tx.commit().await?;
    Ok(())
}

/// A live session by its id, with its user once the login is complete and
/// the account still active.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn session(app: &App, id: &str) -> Result<Option<(Session, Option<Principal>)>> {
    let mut conn = app.store.conn().await?;
    let Some(session) = account::session(&mut conn, id, Utc::now()).await? else {
        return Ok(None);
    };
    let mut principal = None;
    if session.stage == Stage::Complete {
        if let Some(user_id) = session.user_id {
            let user = account::user(&mut conn, user_id).await?.filter(|u| u.active);
            principal = user.map(|u| principal_of(&u, session.second_factor));
        }
    }
    Ok(Some((session, principal)))
}

/// Who an API token belongs to, if it is valid and the account active. An
/// expired token is [`Error::TokenExpired`]; a read-only one used for a
/// request that `writes` is refused, and the refusal logged.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn principal_for_token(
    app: &App,
    token: &str,
    writes: bool,
    client_addr: Option<String>,
) -> Result<Option<Principal>> {
    // A plain connection: the token's use is stamped at most once a minute,
    // so most requests only read and need not wait for the write lock.
    let mut conn = app.store.conn().await?;
    let now = Utc::now();
    let Some(holder) = account::user_for_token(&mut conn, token, now).await? else {
        return Ok(None);
    };
    let Some(user) = account::user(&mut conn, holder.user_id).await?.filter(|u| u.active) else {
        return Ok(None);
    };
    drop(conn);
    if holder.expires_at <= now {
        return Err(Error::TokenExpired);
    }
    let principal = principal_of(&user, false);
    if writes && !holder.scope.may_write() {
        let actor = Actor::new(Some(principal.clone()), &app.config.instance, client_addr);
        let id = holder.token_id.to_string();
        let entry = Entry {
            event: "api_token.write",
            action: AuditAction::Execute,
            object_type: "api_token",
            object_id: Some(&id),
        };
        let refusal = Error::Forbidden(Refusal::ReadOnlyToken);
        return Err(crate::throttle::refuse(app, &actor, entry, "token mag alleen lezen", refusal).await);
    }
    Ok(Some(principal))
}
