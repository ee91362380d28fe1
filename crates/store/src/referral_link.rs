//! Single-use links to a referral for organisations without an account:
//! only hashes of the token, the one-time code and the browser session are
//! stored (see `core::referral::link`).

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wijkregie_core::directory::HsdsId;
use wijkregie_core::referral::link::IntakeLink;

use crate::error::Result;
use crate::rows;
use crate::text::{parse, parse_time, timestamp};

const TABLE: &str = "referral_link";

fn opt_time(r: &AnyRow, column: &'static str) -> Result<Option<DateTime<Utc>>> {
    r.try_get::<Option<String>, _>(column)?.map(|t| parse_time(TABLE, column, &t)).transpose()
}

fn link(r: &AnyRow) -> Result<IntakeLink> {
    Ok(IntakeLink {
        id: r.try_get("id")?,
        referral: parse(TABLE, "referral_id", &r.try_get::<String, _>("referral_id")?)?,
        organization: parse(TABLE, "organization_code", &r.try_get::<String, _>("organization_code")?)?,
        email: r.try_get("email")?,
        created_at: parse_time(TABLE, "created_at", &r.try_get::<String, _>("created_at")?)?,
        expires_at: parse_time(TABLE, "expires_at", &r.try_get::<String, _>("expires_at")?)?,
        used_at: opt_time(r, "used_at")?,
        code_hash: r.try_get("code_hash")?,
        code_sent_at: opt_time(r, "code_sent_at")?,
        code_expires_at: opt_time(r, "code_expires_at")?,
        code_attempts: r.try_get("code_attempts")?,
        codes_sent: r.try_get("codes_sent")?,
        access_hash: r.try_get("access_hash")?,
        access_until: opt_time(r, "access_until")?,
    })
}

const COLUMNS: &str = "id, referral_id, organization_code, email, created_at, expires_at, used_at, code_hash, \
                       code_sent_at, code_expires_at, code_attempts, codes_sent, access_hash, access_until";

/// Stores a new link by the hash of its token.
pub async fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    referral: &HsdsId,
    organization: &str,
    email: &str,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO referral_link (token_hash, referral_id, organization_code, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(referral.as_str())
    .bind(organization)
    .bind(email)
    .bind(timestamp(created_at))
    .bind(timestamp(expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The link with this token hash, if any.
pub async fn by_token_hash(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<IntakeLink>> {
    let sql = format!("SELECT {COLUMNS} FROM referral_link WHERE token_hash = $1");
    rows::optional(&mut *conn, sqlx::query(&sql).bind(token_hash)).await?.map(|r| link(&r)).transpose()
}

/// A referral's links, newest first.
pub async fn for_referral(conn: &mut AnyConnection, referral: &HsdsId) -> Result<Vec<IntakeLink>> {
    let sql = format!("SELECT {COLUMNS} FROM referral_link WHERE referral_id = $1 ORDER BY created_at DESC, id DESC");
    rows::all(&mut *conn, sqlx::query(&sql).bind(referral.as_str())).await?.iter().map(link).collect()
}

/// A new one-time code for the link: the attempts start again.
pub async fn set_code(
    conn: &mut AnyConnection,
    id: i64,
    code_hash: &str,
    sent_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE referral_link SET code_hash = $1, code_sent_at = $2, code_expires_at = $3, code_attempts = 0,
                codes_sent = codes_sent + 1
          WHERE id = $4",
    )
    .bind(code_hash)
    .bind(timestamp(sent_at))
    .bind(timestamp(expires_at))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts a wrong code.
pub async fn code_failed(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE referral_link SET code_attempts = code_attempts + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The right code was entered in the browser session with this hash: the
/// code is spent, the session may use the link until `until`.
pub async fn grant_access(conn: &mut AnyConnection, id: i64, session_hash: &str, until: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE referral_link SET code_hash = NULL, code_expires_at = NULL, access_hash = $1, access_until = $2
          WHERE id = $3",
    )
    .bind(session_hash)
    .bind(timestamp(until))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends every open link of a referral (after a step, or before a fresh one).
pub async fn use_up(conn: &mut AnyConnection, referral: &HsdsId, at: DateTime<Utc>) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE referral_link SET used_at = $1, access_hash = NULL, code_hash = NULL
          WHERE referral_id = $2 AND used_at IS NULL",
    )
    .bind(timestamp(at))
    .bind(referral.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
