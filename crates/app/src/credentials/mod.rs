//! The credential half of authentication: passwords, second factors, and
//! the start, lookup and end of sessions and API tokens. Cookies, headers
//! and CSRF are HTTP and live in `web::auth`; what a session *is* lives here,
//! so the CLI and the tests reach it without a web server.

pub mod one_time_code;
pub mod password;
pub mod totp;

use chrono::Utc;
use rand::distributions::{Alphanumeric, DistString};
use wijkregie_core::access::Principal;
use wijkregie_store::account::{self, NewSession, User};
pub use wijkregie_store::account::{Session, Stage};

use crate::{App, Result};

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

/// Who an API token belongs to, if it is valid and the account active.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn principal_for_token(app: &App, token: &str) -> Result<Option<Principal>> {
    // A plain connection: the token's use is stamped at most once a minute,
    // so most requests only read and need not wait for the write lock.
    let mut conn = app.store.conn().await?;
    let found = account::user_for_token(&mut conn, token, Utc::now()).await?;
    let user = match found {
        Some((_, user_id)) => account::user(&mut conn, user_id).await?,
        None => None,
    };
    Ok(user.filter(|u| u.active).map(|u| principal_of(&u, false)))
}
