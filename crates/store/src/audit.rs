//! Appending to and reading the hash-chained audit log.

use sqlx::{AnyConnection, Row};
use wijkregie_core::audit::{
    entry_hash, AuditAction, AuditEvent, ChainBreak, ChainVerifier, Outcome, StoredEntry, GENESIS,
};

use crate::db::Engine;
use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse_time, timestamp};

/// Appends one event inside the caller's transaction, so that a change and
/// its log entry are committed together or not at all.
pub async fn append(conn: &mut AnyConnection, engine: Engine, event: &AuditEvent) -> Result<i64> {
    if engine == Engine::Postgres {
        // Serialises appenders across connections and instances; SQLite
        // already has a single writer.
        sqlx::query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE").execute(&mut *conn).await?;
    }
    let last =
        rows::optional(&mut *conn, sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).await?;
    let (seq, prev_hash) = match last {
        Some(r) => (r.try_get::<i64, _>("seq")? + 1, r.try_get::<String, _>("hash")?),
        None => (1, GENESIS.to_owned()),
    };
    let hash = entry_hash(seq, &prev_hash, event);
    sqlx::query(
        "INSERT INTO audit_log (seq, prev_hash, hash, event, action, at, user_id, user_role, on_behalf_of, object_type,
                                object_id, access_rule, outcome, source_instance, client_addr)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(seq)
    .bind(prev_hash)
    .bind(hash)
    .bind(&event.event)
    .bind(event.action.code())
    .bind(timestamp(event.time))
    .bind(event.user_id)
    .bind(event.user_role.clone())
    .bind(event.on_behalf_of.clone())
    .bind(&event.object_type)
    .bind(event.object_id.clone())
    .bind(event.access_rule.clone())
    .bind(event.outcome.code())
    .bind(&event.source_instance)
    .bind(event.client_addr.clone())
    .execute(&mut *conn)
    .await?;
    Ok(seq)
}

fn entry(r: &sqlx::any::AnyRow) -> Result<StoredEntry> {
    let corrupt =
        |column: &'static str, value: String| StoreError::Corrupt { table: "audit_log", column, message: value };
    let action: String = r.try_get("action")?;
    let outcome: String = r.try_get("outcome")?;
    Ok(StoredEntry {
        seq: r.try_get("seq")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
        event: AuditEvent {
            event: r.try_get("event")?,
            action: AuditAction::from_code(&action).ok_or_else(|| corrupt("action", action.clone()))?,
            time: parse_time("audit_log", "at", &r.try_get::<String, _>("at")?)?,
            user_id: r.try_get("user_id")?,
            user_role: r.try_get("user_role")?,
            on_behalf_of: r.try_get("on_behalf_of")?,
            object_type: r.try_get("object_type")?,
            object_id: r.try_get("object_id")?,
            access_rule: r.try_get("access_rule")?,
            outcome: Outcome::from_code(&outcome).ok_or_else(|| corrupt("outcome", outcome.clone()))?,
            source_instance: r.try_get("source_instance")?,
            client_addr: r.try_get("client_addr")?,
        },
    })
}

const COLUMNS: &str =
    "seq, prev_hash, hash, event, action, at, user_id, user_role, on_behalf_of, object_type, object_id,
                       access_rule, outcome, source_instance, client_addr";

/// The newest entries first, a page at a time.
pub async fn page(conn: &mut AnyConnection, before_seq: Option<i64>, limit: i64) -> Result<Vec<StoredEntry>> {
    let rows = rows::all(
        &mut *conn,
        sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2"))
            .bind(before_seq.unwrap_or(i64::MAX))
            .bind(limit),
    )
    .await?;
    rows.iter().map(entry).collect()
}

/// Entries about one object, oldest first: who looked at it and when.
pub async fn for_object(conn: &mut AnyConnection, object_type: &str, object_id: &str) -> Result<Vec<StoredEntry>> {
    let rows = rows::all(
        &mut *conn,
        sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE object_type = $1 AND object_id = $2 ORDER BY seq"))
            .bind(object_type)
            .bind(object_id),
    )
    .await?;
    rows.iter().map(entry).collect()
}

/// The outcome of checking the whole chain.
#[derive(Debug)]
pub enum Verification {
    Intact { entries: i64 },
    Broken(ChainBreak),
}

/// Walks the whole log in batches, so memory stays flat on a large log.
pub async fn verify(conn: &mut AnyConnection) -> Result<Verification> {
    const BATCH: i64 = 5_000;
    let mut verifier = ChainVerifier::default();
    let mut after = 0_i64;
    loop {
        let rows = rows::all(
            &mut *conn,
            sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
                .bind(after)
                .bind(BATCH),
        )
        .await?;
        if rows.is_empty() {
            return Ok(Verification::Intact { entries: verifier.checked() });
        }
        for row in &rows {
            let stored = match entry(row) {
                Ok(e) => e,
                Err(StoreError::Corrupt { .. }) => {
                    let seq: i64 = row.try_get("seq")?;
                    return Ok(Verification::Broken(ChainBreak { seq, reason: "regel is onleesbaar (gewijzigd)" }));
                }
                Err(e) => return Err(e),
            };
            if let Err(b) = verifier.check(&stored) {
                return Ok(Verification::Broken(b));
            }
            after = stored.seq;
        }
    }
}
