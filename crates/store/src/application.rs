//! Registrations (aanmeldingen) and their review. Both tables are
//! append-only (triggers in migration 0009): a submission is stored once,
//! a decision is added once, and the current status is derived from them.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wijkregie_core::application::{Application, Request, SpamSignal, Status};
use wijkregie_core::codes::Code;

use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse_opt, parse_time, timestamp};

fn corrupt(column: &'static str, message: impl ToString) -> StoreError {
    StoreError::Corrupt { table: "application", column, message: message.to_string() }
}

pub struct NewApplication<'a> {
    pub submitted_at: DateTime<Utc>,
    pub application: &'a Application,
    /// SHA-256 (hex) of the applicant's status token.
    pub token_hash: &'a str,
    pub sender_hash: Option<&'a str>,
    pub session_hash: Option<&'a str>,
    pub spam: Option<SpamSignal>,
}

/// A submission with its review, as the queue and the status page show it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredApplication {
    pub id: i64,
    pub submitted_at: DateTime<Utc>,
    pub application: Application,
    pub spam: Option<SpamSignal>,
    pub status: Status,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<i64>,
    /// The network an accepted application created or updated.
    pub network: Option<Code>,
}

pub async fn insert(conn: &mut AnyConnection, new: &NewApplication<'_>) -> Result<i64> {
    let body = serde_json::to_string(new.application).map_err(|e| corrupt("body", e))?;
    let query = sqlx::query(
        "INSERT INTO application (submitted_at, request, body, token_hash, sender_hash, session_hash, spam)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(timestamp(new.submitted_at))
    .bind(new.application.request.code())
    .bind(body)
    .bind(new.token_hash)
    .bind(new.sender_hash.map(str::to_owned))
    .bind(new.session_hash.map(str::to_owned))
    .bind(new.spam.map(|s| s.code().to_owned()));
    let id: i64 = rows::one(&mut *conn, query).await?.try_get("id")?;
    Ok(id)
}

const SELECT: &str = "SELECT a.id, a.submitted_at, a.body, a.spam, d.decided_at, d.decided_by, d.status, d.reason, \
                      d.network_code FROM application a LEFT JOIN application_decision d ON d.application_id = a.id";

fn read(row: AnyRow) -> Result<StoredApplication> {
    let body: String = row.try_get("body")?;
    let application: Application = serde_json::from_str(&body).map_err(|e| corrupt("body", e))?;
    let status = match row.try_get::<Option<String>, _>("status")?.as_deref() {
        None => Status::Ontvangen,
        Some("geaccepteerd") => Status::Geaccepteerd,
        Some("afgewezen") => {
            Status::Afgewezen { reason: row.try_get::<Option<String>, _>("reason")?.unwrap_or_default() }
        }
        Some(other) => return Err(corrupt("status", other)),
    };
    Ok(StoredApplication {
        id: row.try_get("id")?,
        submitted_at: parse_time("application", "submitted_at", &row.try_get::<String, _>("submitted_at")?)?,
        application,
        spam: parse_opt("application", "spam", row.try_get("spam")?)?,
        status,
        decided_at: row
            .try_get::<Option<String>, _>("decided_at")?
            .map(|t| parse_time("application_decision", "decided_at", &t))
            .transpose()?,
        decided_by: row.try_get("decided_by")?,
        network: parse_opt("application_decision", "network_code", row.try_get("network_code")?)?,
    })
}

/// Every submission, newest first, spam included.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<StoredApplication>> {
    let rows = rows::all(&mut *conn, sqlx::query(&format!("{SELECT} ORDER BY a.submitted_at DESC, a.id DESC"))).await?;
    rows.into_iter().map(read).collect()
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<StoredApplication>> {
    let row = rows::optional(&mut *conn, sqlx::query(&format!("{SELECT} WHERE a.id = $1")).bind(id)).await?;
    row.map(read).transpose()
}

pub async fn by_token_hash(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<StoredApplication>> {
    let row =
        rows::optional(&mut *conn, sqlx::query(&format!("{SELECT} WHERE a.token_hash = $1")).bind(token_hash)).await?;
    row.map(read).transpose()
}

/// Interest registrations that are still open or accepted and not spam:
/// the practices the forming proposals start from.
pub async fn interested(conn: &mut AnyConnection) -> Result<Vec<StoredApplication>> {
    let sql = format!(
        "{SELECT} WHERE a.request = $1 AND a.spam IS NULL AND (d.status IS NULL OR d.status = 'geaccepteerd')
         ORDER BY a.id"
    );
    let rows = rows::all(&mut *conn, sqlx::query(&sql).bind(Request::Interest.code())).await?;
    rows.into_iter().map(read).collect()
}

/// Records the decision; false when the application was decided already
/// (the decision table takes one row per application).
pub async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    decided_at: DateTime<Utc>,
    decided_by: i64,
    status: &Status,
    network: Option<&Code>,
) -> Result<bool> {
    let reason = match status {
        Status::Afgewezen { reason } => Some(reason.clone()),
        _ => None,
    };
    let done = sqlx::query(
        "INSERT INTO application_decision (application_id, decided_at, decided_by, status, reason, network_code)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (application_id) DO NOTHING",
    )
    .bind(id)
    .bind(timestamp(decided_at))
    .bind(decided_by)
    .bind(status.code())
    .bind(reason)
    .bind(network.map(|c| c.as_str().to_owned()))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many submissions came from this sender and this session since `since`.
pub async fn recent_from(
    conn: &mut AnyConnection,
    sender_hash: Option<&str>,
    session_hash: Option<&str>,
    since: DateTime<Utc>,
) -> Result<(i64, i64)> {
    let mut counts = [0i64; 2];
    for (i, (column, value)) in [("sender_hash", sender_hash), ("session_hash", session_hash)].into_iter().enumerate() {
        let Some(value) = value else { continue };
        // The column name comes from the fixed list above, never from input.
        counts[i] = rows::one(
            &mut *conn,
            sqlx::query(&format!("SELECT COUNT(*) AS n FROM application WHERE {column} = $1 AND submitted_at >= $2"))
                .bind(value)
                .bind(timestamp(since)),
        )
        .await?
        .try_get("n")?;
    }
    Ok((counts[0], counts[1]))
}

/// Applications per status code, spam counted apart: the queue's header.
pub fn counts(all: &[StoredApplication]) -> Counts {
    let mut c = Counts::default();
    for a in all {
        match (&a.spam, &a.status) {
            (Some(_), _) => c.spam += 1,
            (None, Status::Ontvangen) => c.ontvangen += 1,
            (None, Status::Geaccepteerd) => c.geaccepteerd += 1,
            (None, Status::Afgewezen { .. }) => c.afgewezen += 1,
        }
    }
    c
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub ontvangen: usize,
    pub geaccepteerd: usize,
    pub afgewezen: usize,
    pub spam: usize,
}
