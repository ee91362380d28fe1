//! The one throttle of every use case (rules in `core::throttle`, counters
//! in `store::throttle`): an attempt is counted first and judged after, in
//! one atomic step per key, so a hundred parallel attempts cannot all pass
//! the check before any of them is recorded.

use chrono::{DateTime, Utc};
use wijkregie_core::audit::Outcome;
use wijkregie_core::throttle::Kind;
use wijkregie_store::throttle;

use crate::audit::{record_outcome, Actor, Entry};
use crate::{App, Error, Result};

/// An attempt that was counted and allowed. Counted means "failed" until
/// [`Attempt::forgive`] takes it back (a right password).
#[must_use = "an allowed attempt counts as failed unless forgiven"]
pub struct Attempt {
    counted: Vec<(Kind, String, DateTime<Utc>)>,
}

/// Counts one attempt under each of its keys; refuses it when any count
/// goes over its kind's limit. A refused attempt stays counted.
pub async fn attempt(app: &App, keys: &[(Kind, String)]) -> Result<Attempt> {
    let now = Utc::now();
    // A write transaction, not a plain connection: on SQLite writes take
    // their turn (`Store::begin`), or a write racing another fails with
    // "database is locked" instead of waiting.
    let mut tx = app.store.begin().await?;
    let mut counted = Vec::with_capacity(keys.len());
    let mut refused_for = None;
    for (kind, key) in keys {
        let rule = kind.rule();
        let (count, start) = throttle::hit(tx.conn(), *kind, key, now, rule.ended_by(now)).await?;
        counted.push((*kind, key.clone(), start));
        if !rule.allows(count) {
            refused_for = Some(refused_for.map_or(rule.minutes(), |m: i64| m.max(rule.minutes())));
        }
    }
    tx.commit().await?;
    match refused_for {
        Some(minutes) => Err(Error::TooManyRequests { minutes }),
        None => Ok(Attempt { counted }),
    }
}

impl Attempt {
    /// Takes the attempt back: it was not a guess that failed.
    pub async fn forgive(self, app: &App) -> Result<()> {
        let mut tx = app.store.begin().await?;
        for (kind, key, start) in &self.counted {
            throttle::forgive(tx.conn(), *kind, key, *start).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The keys a login attempt counts under: the account and client address
/// together, the account alone, the address alone (see `core::throttle`).
/// `client_addr` is the address after `--trusted-proxy`; unknown is "".
pub fn login_keys(email: &str, client_addr: &str) -> [(Kind, String); 3] {
    let email = wijkregie_store::account::normalize_email(email);
    [
        (Kind::LoginAccountAddress, format!("{email} {client_addr}")),
        (Kind::LoginAccount, email),
        (Kind::LoginAddress, client_addr.to_owned()),
    ]
}

/// Audits a refusal in its own transaction and gives back `error` to
/// return: what every throttled use case does when it says no.
pub async fn refuse(app: &App, actor: &Actor, entry: Entry<'_>, reason: &str, error: Error) -> Error {
    let logged = async {
        let mut tx = app.store.begin().await?;
        record_outcome(&mut tx, app, actor, entry, Outcome::Refused, Some(reason.into())).await?;
        tx.commit().await?;
        Ok::<_, Error>(())
    }
    .await;
    match logged {
        Ok(()) => error,
        Err(e) => e,
    }
}
