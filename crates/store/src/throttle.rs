//! The counters behind `core::throttle`: one row per kind and key, with the
//! start of its current window.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};
use wijkregie_core::throttle::Kind;

use crate::error::Result;
use crate::rows;
use crate::text::{parse_time, timestamp};

/// Counts one attempt and returns the count in the current window, this
/// attempt included, and the window's start. A window that started at or
/// before `ended_by` is over: this attempt starts a new one at `now`.
/// One statement (an UPSERT with `RETURNING`, SQLite ≥ 3.35 and PostgreSQL),
/// so two attempts at once never read the same count.
pub async fn hit(
    conn: &mut AnyConnection,
    kind: Kind,
    key: &str,
    now: DateTime<Utc>,
    ended_by: DateTime<Utc>,
) -> Result<(i64, DateTime<Utc>)> {
    let row = rows::one(
        &mut *conn,
        sqlx::query(
            "INSERT INTO throttle (kind, key, window_start, count) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (kind, key) DO UPDATE SET \
               count = CASE WHEN throttle.window_start <= $4 THEN 1 ELSE throttle.count + 1 END, \
               window_start = CASE WHEN throttle.window_start <= $4 THEN $3 ELSE throttle.window_start END \
             RETURNING count, window_start",
        )
        .bind(kind.code())
        .bind(key)
        .bind(timestamp(now))
        .bind(timestamp(ended_by)),
    )
    .await?;
    let start = parse_time("throttle", "window_start", &row.try_get::<String, _>("window_start")?)?;
    Ok((row.try_get("count")?, start))
}

/// Takes back one counted attempt of the window that started at
/// `window_start` (it turned out not to count, such as a right password).
pub async fn forgive(conn: &mut AnyConnection, kind: Kind, key: &str, window_start: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE throttle SET count = count - 1 WHERE kind = $1 AND key = $2 AND window_start = $3 AND count > 0",
    )
    .bind(kind.code())
    .bind(key)
    .bind(timestamp(window_start))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counters whose window started before `before` no longer count.
pub async fn delete_before(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM throttle WHERE window_start < $1")
        .bind(timestamp(before))
        .execute(&mut *conn)
        .await?
        .rows_affected())
}
