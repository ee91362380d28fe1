//! Users' TOTP secrets, sealed with the field key like personal data (a
//! copy of the database must not be enough to produce codes), and the last
//! time step a code was accepted for, so no code is accepted twice
//! (RFC 6238 §5.2).

use sqlx::{AnyConnection, Row};
use zeroize::Zeroizing;

use crate::crypto::{is_encrypted, FieldAad, FieldKey};
use crate::error::{Result, StoreError};
use crate::rows;

const TABLE: &str = "app_user";
const COLUMN: &str = "totp_secret";

fn aad(user_row: &str) -> FieldAad<'_> {
    FieldAad { table: TABLE, column: COLUMN, row: user_row }
}

fn crypto(table: &'static str) -> impl Fn(crate::crypto::CryptoError) -> StoreError {
    move |source| StoreError::Crypto { table, source }
}

/// The secret as stored for `user_id`.
pub fn seal(key: &FieldKey, user_id: i64, secret: &str) -> Result<String> {
    key.encrypt(secret, &aad(&user_id.to_string())).map_err(crypto(TABLE))
}

/// The secret of `user_id` from its stored form ([`crate::account::User::totp_secret`]).
pub fn open(key: &FieldKey, user_id: i64, stored: &str) -> Result<Zeroizing<String>> {
    key.decrypt(stored, &aad(&user_id.to_string())).map(Zeroizing::new).map_err(crypto(TABLE))
}

/// Sets (sealed) or clears a user's secret. `accepted_step` is the step of
/// the code that confirmed a new secret: that code is then used up too.
pub async fn set(
    conn: &mut AnyConnection,
    key: &FieldKey,
    user_id: i64,
    secret: Option<&str>,
    accepted_step: Option<i64>,
) -> Result<()> {
    let sealed = secret.map(|s| seal(key, user_id, s)).transpose()?;
    sqlx::query("UPDATE app_user SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
        .bind(sealed)
        .bind(accepted_step)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Uses up time step `step` for `user_id`: true when no code of this step
/// or a later one was accepted before. One conditional UPDATE, so two
/// requests with the same code cannot both win.
pub async fn claim_step(conn: &mut AnyConnection, user_id: i64, step: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE app_user SET totp_last_step = $1
          WHERE id = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Seals every secret still stored in plain text (from before sealing);
/// secrets already sealed are left alone, so running it again changes
/// nothing. Returns how many were sealed.
pub async fn seal_plaintext(conn: &mut AnyConnection, key: &FieldKey) -> Result<usize> {
    let found: Vec<(i64, String)> =
        rows::all(&mut *conn, sqlx::query("SELECT id, totp_secret FROM app_user WHERE totp_secret IS NOT NULL"))
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("totp_secret")?)))
            .collect::<Result<_>>()?;
    let mut sealed = 0;
    for (id, stored) in found.into_iter().filter(|(_, s)| !is_encrypted(s)) {
        let stored = Zeroizing::new(stored);
        sqlx::query("UPDATE app_user SET totp_secret = $1 WHERE id = $2")
            .bind(seal(key, id, &stored)?)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sealed += 1;
    }
    Ok(sealed)
}
