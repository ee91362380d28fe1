//! Appending to and reading the hash-chained audit log, its anchor, and
//! the counting of repeated refusals.
//!
//! The hash chain alone proves nothing about its end: whoever can write the
//! database can delete the last entries, or rewrite one and recompute every
//! later hash. So every append also moves the *anchor* (table
//! `audit_anchor`): the head of the chain (last number and hash) with a MAC
//! under a key derived from the secret key (`crypto::FieldKey::anchor_key`),
//! which is not in the database. An append moves the anchor only when the
//! anchor is genuine and sits exactly at the chain's old head, so a cut or
//! rewritten chain is never anchored afresh; `verify` then reports it.
//! docs/operations.md says what this does and does not detect.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};
use wijkregie_core::audit::{
    anchor_mac, anchor_mac_matches, counted_entry_hash, refusal_key, Anchor, AuditAction, AuditEvent, ChainBreak,
    ChainVerifier, Head, Outcome, StoredEntry, GENESIS, REFUSAL_WINDOW,
};

use crate::db::Engine;
use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse_time, timestamp};

/// The key that MACs the anchor: `crypto::FieldKey::anchor_key`.
pub type AnchorKey = [u8; 32];

/// Appends one event inside the caller's transaction, so that a change and
/// its log entry are committed together or not at all.
pub async fn append(conn: &mut AnyConnection, engine: Engine, key: &AnchorKey, event: &AuditEvent) -> Result<i64> {
    append_counted(conn, engine, key, event, 1).await
}

async fn lock(conn: &mut AnyConnection, engine: Engine) -> Result<()> {
    if engine == Engine::Postgres {
        // Serialises appenders across connections and instances; SQLite
        // already has a single writer.
        sqlx::query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE").execute(&mut *conn).await?;
    }
    Ok(())
}

/// The last entry's number and hash, if any.
pub async fn head(conn: &mut AnyConnection) -> Result<Option<Head>> {
    let last =
        rows::optional(&mut *conn, sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).await?;
    last.map(|r| Ok(Head { seq: r.try_get("seq")?, hash: r.try_get("hash")? })).transpose()
}

async fn append_counted(
    conn: &mut AnyConnection,
    engine: Engine,
    key: &AnchorKey,
    event: &AuditEvent,
    repeats: i64,
) -> Result<i64> {
    lock(conn, engine).await?;
    let previous = head(conn).await?;
    let (seq, prev_hash) = match &previous {
        Some(h) => (h.seq + 1, h.hash.clone()),
        None => (1, GENESIS.to_owned()),
    };
    let hash = counted_entry_hash(seq, &prev_hash, event, repeats);
    sqlx::query(
        "INSERT INTO audit_log (seq, prev_hash, hash, event, action, at, user_id, user_role, on_behalf_of, object_type,
                                object_id, access_rule, outcome, source_instance, client_addr, repeats)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(seq)
    .bind(prev_hash)
    .bind(hash.clone())
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
    .bind(repeats)
    .execute(&mut *conn)
    .await?;
    advance_anchor(conn, key, previous.as_ref(), Head { seq, hash }).await?;
    Ok(seq)
}

/// The anchor as stored, with its MAC.
async fn stored_anchor(conn: &mut AnyConnection) -> Result<Option<(Anchor, String)>> {
    let row =
        rows::optional(&mut *conn, sqlx::query("SELECT since, seq, hash, mac FROM audit_anchor WHERE id = 1")).await?;
    row.map(|r| {
        Ok((
            Anchor { since: r.try_get("since")?, head: Head { seq: r.try_get("seq")?, hash: r.try_get("hash")? } },
            r.try_get("mac")?,
        ))
    })
    .transpose()
}

/// The anchor as stored, for the operator (`wijkregie audit anchor`, the
/// daily log line, a backup): `None` before the first anchored entry.
pub async fn anchor(conn: &mut AnyConnection) -> Result<Option<(Anchor, String)>> {
    stored_anchor(conn).await
}

async fn write_anchor(conn: &mut AnyConnection, key: &AnchorKey, anchor: &Anchor, exists: bool) -> Result<()> {
    let mac = anchor_mac(key, anchor);
    let sql = if exists {
        "UPDATE audit_anchor SET since = $1, seq = $2, hash = $3, mac = $4 WHERE id = 1"
    } else {
        "INSERT INTO audit_anchor (id, since, seq, hash, mac) VALUES (1, $1, $2, $3, $4)"
    };
    sqlx::query(sql)
        .bind(anchor.since)
        .bind(anchor.head.seq)
        .bind(&anchor.head.hash)
        .bind(mac)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves the anchor from `previous` to `new`, but only from a genuine
/// anchor at exactly the old head. A missing anchor (a new database, one
/// from before anchoring, or a deleted row) starts at `new`, which
/// `verify` reports as the start of anchoring; any other anchor stays
/// where it is, as evidence, and every append says so in the log.
async fn advance_anchor(conn: &mut AnyConnection, key: &AnchorKey, previous: Option<&Head>, new: Head) -> Result<()> {
    match stored_anchor(conn).await? {
        None => {
            if previous.is_some() {
                tracing::warn!(
                    since = new.seq,
                    "auditlog: geen anker gevonden; de keten is verankerd vanaf deze regel"
                );
            }
            write_anchor(conn, key, &Anchor { since: new.seq, head: new }, false).await
        }
        Some((anchor, mac)) if anchor_mac_matches(key, &anchor, &mac) && Some(&anchor.head) == previous => {
            write_anchor(conn, key, &Anchor { since: anchor.since, head: new }, true).await
        }
        Some((anchor, _)) => {
            tracing::error!(
                anchor_seq = anchor.head.seq,
                chain_seq = previous.map(|h| h.seq),
                "auditlog: het anker past niet bij de keten (ingekort, herschreven, of een andere sleutel); \
                 het anker blijft staan. Draai 'wijkregie audit verify'"
            );
            Ok(())
        }
    }
}

/// Anchors the chain as it is now, under `key`, after checking that its
/// hashes are whole: after a new or rotated secret key (the old anchor's
/// MAC no longer checks), or after the operator has investigated a broken
/// anchor and kept the evidence. Keeps `since`. Returns the check.
pub async fn reanchor(conn: &mut AnyConnection, engine: Engine, key: &AnchorKey) -> Result<Verification> {
    lock(conn, engine).await?;
    let mut verifier = ChainVerifier::default();
    if let Some(b) = walk(conn, &mut verifier, &mut []).await? {
        return Ok(Verification::Broken(b));
    }
    let Some(head) = head(conn).await? else { return Ok(Verification::Intact { entries: 0 }) };
    let stored = stored_anchor(conn).await?;
    let since = stored.as_ref().map_or(head.seq + 1, |(a, _)| a.since);
    write_anchor(conn, key, &Anchor { since, head }, stored.is_some()).await?;
    Ok(Verification::Intact { entries: verifier.checked() })
}

/// Logs a refusal, counting repeats: the first of identical refusals (see
/// [`REFUSAL_WINDOW`]) is appended at once; the next ones within the window
/// only raise a count on an open run (`audit_refusal_run`), which is not
/// chained and so may change. When the window has passed, the run becomes
/// one chained entry with its count ([`flush_refusals`], or the next such
/// refusal). No entry that is already chained ever changes.
pub async fn refuse(conn: &mut AnyConnection, engine: Engine, key: &AnchorKey, event: &AuditEvent) -> Result<()> {
    lock(conn, engine).await?;
    let run_key = refusal_key(event);
    let run = rows::optional(
        &mut *conn,
        sqlx::query("SELECT event, first_at, last_at, repeats FROM audit_refusal_run WHERE run_key = $1")
            .bind(&run_key),
    )
    .await?;
    if let Some(run) = run {
        let first_at = parse_time("audit_refusal_run", "first_at", &run.try_get::<String, _>("first_at")?)?;
        if event.time < first_at + REFUSAL_WINDOW {
            sqlx::query("UPDATE audit_refusal_run SET repeats = repeats + 1, last_at = $1 WHERE run_key = $2")
                .bind(timestamp(event.time.max(first_at)))
                .bind(&run_key)
                .execute(&mut *conn)
                .await?;
            return Ok(());
        }
        close_run(conn, engine, key, &run_key, &run).await?;
    }
    append_counted(conn, engine, key, event, 1).await?;
    sqlx::query(
        "INSERT INTO audit_refusal_run (run_key, event, first_at, last_at, repeats) VALUES ($1, $2, $3, $3, 0)",
    )
    .bind(&run_key)
    .bind(serde_json::to_string(event).map_err(|e| StoreError::Unsupported(e.to_string()))?)
    .bind(timestamp(event.time))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Appends a run's count as one entry (at the time of its last refusal),
/// if it counted any, and removes the run.
async fn close_run(
    conn: &mut AnyConnection,
    engine: Engine,
    key: &AnchorKey,
    run_key: &str,
    run: &sqlx::any::AnyRow,
) -> Result<()> {
    let repeats: i64 = run.try_get("repeats")?;
    if repeats > 0 {
        let text: String = run.try_get("event")?;
        let mut event: AuditEvent = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            table: "audit_refusal_run",
            column: "event",
            message: e.to_string(),
        })?;
        event.time = parse_time("audit_refusal_run", "last_at", &run.try_get::<String, _>("last_at")?)?;
        append_counted(conn, engine, key, &event, repeats).await?;
    }
    sqlx::query("DELETE FROM audit_refusal_run WHERE run_key = $1").bind(run_key).execute(&mut *conn).await?;
    Ok(())
}

/// Turns every run of refusals whose window has passed by `now` into its
/// entry (housekeeping does this every few minutes). Returns the runs closed.
pub async fn flush_refusals(
    conn: &mut AnyConnection,
    engine: Engine,
    key: &AnchorKey,
    now: DateTime<Utc>,
) -> Result<usize> {
    lock(conn, engine).await?;
    // Stored times have a fixed width, so text order is time order.
    let due = rows::all(
        &mut *conn,
        sqlx::query(
            "SELECT run_key, event, first_at, last_at, repeats FROM audit_refusal_run WHERE first_at <= $1
             ORDER BY first_at",
        )
        .bind(timestamp(now - REFUSAL_WINDOW)),
    )
    .await?;
    for run in &due {
        let run_key: String = run.try_get("run_key")?;
        close_run(conn, engine, key, &run_key, run).await?;
    }
    Ok(due.len())
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
        repeats: r.try_get("repeats")?,
    })
}

const COLUMNS: &str =
    "seq, prev_hash, hash, event, action, at, user_id, user_role, on_behalf_of, object_type, object_id,
                       access_rule, outcome, source_instance, client_addr, repeats";

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

/// Walks the whole log in batches, so memory stays flat on a large log, and
/// notes the hash at each seq in `wanted` (which starts with `None`s).
async fn walk(
    conn: &mut AnyConnection,
    verifier: &mut ChainVerifier,
    wanted: &mut [(i64, Option<String>)],
) -> Result<Option<ChainBreak>> {
    const BATCH: i64 = 5_000;
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
            return Ok(None);
        }
        for row in &rows {
            let stored = match entry(row) {
                Ok(e) => e,
                Err(StoreError::Corrupt { .. }) => {
                    let seq: i64 = row.try_get("seq")?;
                    return Ok(Some(ChainBreak { seq, reason: "regel is onleesbaar (gewijzigd)" }));
                }
                Err(e) => return Err(e),
            };
            if let Err(b) = verifier.check(&stored) {
                return Ok(Some(b));
            }
            for (seq, hash) in wanted.iter_mut() {
                if *seq == stored.seq {
                    *hash = Some(stored.hash.clone());
                }
            }
            after = stored.seq;
        }
    }
}

/// Checks the whole chain, then its end against the anchor in the database
/// (under `key`) and, when given, against an anchor saved earlier outside
/// it (`wijkregie audit verify --anchor FILE`). Reads in one transaction,
/// so appends made meanwhile do not look like a mismatch.
pub async fn verify(conn: &mut AnyConnection, key: &AnchorKey, saved: Option<&Anchor>) -> Result<Verification> {
    use sqlx::Connection;
    let mut tx = conn.begin().await?;
    if tx.backend_name().eq_ignore_ascii_case("postgres") {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
    }
    let outcome = verify_in(&mut tx, key, saved).await;
    tx.rollback().await?;
    outcome
}

async fn verify_in(conn: &mut AnyConnection, key: &AnchorKey, saved: Option<&Anchor>) -> Result<Verification> {
    let stored = stored_anchor(conn).await?;
    let mut wanted = [(stored.as_ref().map_or(0, |(a, _)| a.head.seq), None), (saved.map_or(0, |a| a.head.seq), None)];
    let mut verifier = ChainVerifier::default();
    if let Some(b) = walk(conn, &mut verifier, &mut wanted).await? {
        return Ok(Verification::Broken(b));
    }
    let [(_, at_anchor), (_, at_saved)] = wanted;
    let last = verifier.checked();
    let broken = |seq, reason| Ok(Verification::Broken(ChainBreak { seq, reason }));
    match &stored {
        None if last > 0 => return broken(last, "het anker van de keten ontbreekt (verwijderd?)"),
        None => {}
        Some((anchor, mac)) => {
            if !anchor_mac_matches(key, anchor, mac) {
                return broken(
                    anchor.head.seq,
                    "het anker is gewijzigd, of hoort bij een andere geheime sleutel (zie 'audit anchor --reset')",
                );
            }
            if anchor.head.seq > last {
                return broken(last + 1, "de keten is korter dan haar anker: regels aan het eind zijn verwijderd");
            }
            if at_anchor.as_deref() != Some(anchor.head.hash.as_str()) {
                return broken(anchor.head.seq, "de keten is herschreven: deze regel past niet meer bij het anker");
            }
            if anchor.head.seq < last {
                return broken(
                    anchor.head.seq + 1,
                    "regels na het anker zijn buiten wijkregie om toegevoegd, of het anker is niet meegegaan",
                );
            }
        }
    }
    if let Some(saved) = saved {
        if saved.head.seq > last {
            return broken(last + 1, "de keten is korter dan het bewaarde anker: regels aan het eind zijn verwijderd");
        }
        if at_saved.as_deref() != Some(saved.head.hash.as_str()) {
            return broken(saved.head.seq, "de keten is herschreven: deze regel past niet bij het bewaarde anker");
        }
        if stored.as_ref().is_some_and(|(a, _)| a.since > saved.since) {
            return broken(saved.head.seq, "het anker is opnieuw begonnen na het bewaarde anker (verwijderd?)");
        }
    }
    Ok(Verification::Intact { entries: last })
}
