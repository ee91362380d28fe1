//! Everything sealed with the field key, as a whole: the check value that
//! tells at start whether the key is the one the data was sealed with,
//! whether any sealed data exists, re-sealing under a new key (rotation),
//! and forgetting what a lost key sealed.
//!
//! The sealed columns (keep this list complete: rotation must reach each):
//! - `referral.personal` (bound to the referral's id);
//! - `app_user.totp_secret` (bound to the user's id);
//! - `key_check.sealed`.
//!
//! Not sealed: `session.pending_totp_secret`, a secret shown during
//! enrolment and kept only until its first code (minutes). Flash messages
//! and form stamps are sealed too, but live only in a
//! cookie or a form for minutes: after a new key they are simply not shown.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};
use zeroize::Zeroizing;

use crate::crypto::{CryptoError, FieldAad, FieldKey};
use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::timestamp;

/// The known text the check value seals.
const CHECK_TEXT: &str = "wijkregie-sleutelcontrole";

fn check_aad() -> FieldAad<'static> {
    FieldAad { table: "key_check", column: "sealed", row: "1" }
}

/// What the stored check value says about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// No check value yet (a new database, or one from before the check).
    Absent,
    /// The key opens the check value.
    Matches,
    /// The key does not open it: another key than the data was sealed with.
    Differs,
}

/// Compares `key` with the stored check value.
pub async fn check_key(conn: &mut AnyConnection, key: &FieldKey) -> Result<KeyCheck> {
    let row = rows::optional(&mut *conn, sqlx::query("SELECT sealed FROM key_check WHERE id = 1")).await?;
    let Some(row) = row else { return Ok(KeyCheck::Absent) };
    let sealed: String = row.try_get("sealed")?;
    Ok(match key.decrypt(&sealed, &check_aad()) {
        Ok(text) if text == CHECK_TEXT => KeyCheck::Matches,
        _ => KeyCheck::Differs,
    })
}

/// Writes (or replaces) the check value for `key`.
pub async fn write_check(conn: &mut AnyConnection, key: &FieldKey, now: DateTime<Utc>) -> Result<()> {
    let sealed =
        key.encrypt(CHECK_TEXT, &check_aad()).map_err(|source| StoreError::Crypto { table: "key_check", source })?;
    sqlx::query("DELETE FROM key_check").execute(&mut *conn).await?;
    sqlx::query("INSERT INTO key_check (id, sealed, created_at) VALUES (1, $1, $2)")
        .bind(sealed)
        .bind(timestamp(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One sealed value found in the database, for the check of a database
/// from before the check value: does the key open what is there?
pub async fn sample_opens(conn: &mut AnyConnection, key: &FieldKey) -> Result<Option<bool>> {
    let referral = rows::optional(
        &mut *conn,
        sqlx::query("SELECT id, personal FROM referral WHERE personal IS NOT NULL ORDER BY id LIMIT 1"),
    )
    .await?;
    if let Some(r) = referral {
        let id: String = r.try_get("id")?;
        let sealed: String = r.try_get("personal")?;
        let aad = FieldAad { table: "referral", column: "personal", row: &id };
        return Ok(Some(key.decrypt(&sealed, &aad).is_ok()));
    }
    let user = rows::optional(
        &mut *conn,
        sqlx::query("SELECT id, totp_secret FROM app_user WHERE totp_secret LIKE 'v1:%' ORDER BY id LIMIT 1"),
    )
    .await?;
    if let Some(r) = user {
        let id: i64 = r.try_get("id")?;
        let sealed: String = r.try_get("totp_secret")?;
        return Ok(Some(crate::totp_secret::open(key, id, &sealed).is_ok()));
    }
    Ok(None)
}

/// How many values a rotation re-sealed, per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    pub referrals: usize,
    pub totp_secrets: usize,
    /// Values that did not open with the old key either (sealed with a key
    /// lost before, see [`forget_lost_key`]): left as they are, unreadable.
    pub unreadable: usize,
}

/// Re-seals every sealed value from `old` to `new`, and the check value.
/// Run it in one transaction: either everything is sealed with the new key
/// or nothing changed.
pub async fn reseal_all(
    conn: &mut AnyConnection,
    old: &FieldKey,
    new: &FieldKey,
    now: DateTime<Utc>,
) -> Result<Resealed> {
    let mut done = Resealed::default();
    let referrals: Vec<(String, String)> =
        rows::all(&mut *conn, sqlx::query("SELECT id, personal FROM referral WHERE personal IS NOT NULL ORDER BY id"))
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("personal")?)))
            .collect::<Result<_>>()?;
    for (id, sealed) in referrals {
        let aad = FieldAad { table: "referral", column: "personal", row: &id };
        let plain = match old.decrypt(&sealed, &aad) {
            Ok(plain) => Zeroizing::new(plain),
            Err(CryptoError::Inauthentic) => {
                done.unreadable += 1;
                continue;
            }
            Err(source) => return Err(StoreError::Crypto { table: "referral", source }),
        };
        let resealed = new.encrypt(&plain, &aad).map_err(|source| StoreError::Crypto { table: "referral", source })?;
        sqlx::query("UPDATE referral SET personal = $1 WHERE id = $2")
            .bind(resealed)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        done.referrals += 1;
    }
    let users: Vec<(i64, String)> = rows::all(
        &mut *conn,
        sqlx::query("SELECT id, totp_secret FROM app_user WHERE totp_secret IS NOT NULL ORDER BY id"),
    )
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("totp_secret")?)))
    .collect::<Result<_>>()?;
    for (id, sealed) in users {
        let secret = crate::totp_secret::open(old, id, &sealed)?;
        sqlx::query("UPDATE app_user SET totp_secret = $1 WHERE id = $2")
            .bind(crate::totp_secret::seal(new, id, &secret)?)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        done.totp_secrets += 1;
    }
    write_check(conn, new, now).await?;
    Ok(done)
}

/// What accepting a lost key changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Users whose TOTP secret was cleared: they enrol again at their next login.
    pub totp_secrets: usize,
    /// Referrals whose personal data can no longer be read.
    pub referrals: usize,
}

/// Accepts that the data was sealed with a key that is gone (`--new-key`):
/// TOTP secrets that `key` does not open are cleared (their users enrol
/// again), and the check value is written
/// for `key`. Referrals keep their sealed value (unreadable; the anonymous
/// facts stay), in case the old key turns up before they are erased.
pub async fn forget_lost_key(conn: &mut AnyConnection, key: &FieldKey, now: DateTime<Utc>) -> Result<Forgotten> {
    let mut done = Forgotten::default();
    let users: Vec<(i64, String)> =
        rows::all(&mut *conn, sqlx::query("SELECT id, totp_secret FROM app_user WHERE totp_secret IS NOT NULL"))
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("totp_secret")?)))
            .collect::<Result<_>>()?;
    for (id, sealed) in users {
        if crate::totp_secret::open(key, id, &sealed).is_err() {
            sqlx::query("UPDATE app_user SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            done.totp_secrets += 1;
        }
    }
    let referrals: Vec<(String, String)> =
        rows::all(&mut *conn, sqlx::query("SELECT id, personal FROM referral WHERE personal IS NOT NULL"))
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("personal")?)))
            .collect::<Result<_>>()?;
    done.referrals = referrals
        .iter()
        .filter(|(id, sealed)| {
            key.decrypt(sealed, &FieldAad { table: "referral", column: "personal", row: id }).is_err()
        })
        .count();
    write_check(conn, key, now).await?;
    Ok(done)
}
