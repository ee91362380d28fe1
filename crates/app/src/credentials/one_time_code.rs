//! Checking a user's TOTP code against their sealed secret, once per code:
//! every place that asks for a code (the login's second step, turning the
//! second factor off, any confirmation) goes through [`accept`], so a code
//! seen once (over a shoulder, in a proxy log) cannot be used again
//! (RFC 6238 §5.2).

use wijkregie_store::account::User;
use wijkregie_store::{totp_secret, AnyConnection};

use super::totp;
use crate::{App, Result};

/// Whether `code` is a valid code of `user`'s second factor that was not
/// used before; a valid code uses up its time step and every earlier one.
/// A secret that does not open (sealed with a lost key) accepts nothing.
pub async fn accept(app: &App, conn: &mut AnyConnection, user: &User, code: &str) -> Result<bool> {
    let Some(stored) = user.totp_secret.as_deref() else { return Ok(false) };
    let secret = match totp_secret::open(&app.field_key, user.id, stored) {
        Ok(secret) => secret,
        Err(e) => {
            tracing::warn!(user = user.id, error = %e, "TOTP-geheim niet te openen: opnieuw instellen met 'wijkregie user totp-reset'");
            return Ok(false);
        }
    };
    let Some(step) = totp::matching_step(&secret, code, totp::now_unix()) else { return Ok(false) };
    Ok(totp_secret::claim_step(conn, user.id, step).await?)
}

/// The time step of `code` for a secret not yet stored (enrolment), for
/// [`totp_secret::set`]: the confirming code is then used up as well.
pub fn first_step(secret: &str, code: &str) -> Option<i64> {
    totp::matching_step(secret, code, totp::now_unix())
}

/// Seals secrets stored in plain text by earlier versions; idempotent, run
/// at every start ([`crate::App::open`]).
pub async fn seal_plaintext_secrets(app: &App) -> Result<usize> {
    let mut tx = app.store.begin().await?;
    let sealed = totp_secret::seal_plaintext(tx.conn(), &app.field_key).await?;
    tx.commit().await?;
    if sealed > 0 {
        tracing::info!(users = sealed, "TOTP-geheimen versleuteld opgeslagen");
    }
    Ok(sealed)
}
