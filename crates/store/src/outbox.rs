//! The outbox: every mail wijkregie sends waits here until it went out (or
//! stays here, when no SMTP relay is configured), with its kind, an optional
//! HTML alternative, its attachments and, once sent, the bundle it went out
//! in. What is queued is never rewritten: bundling happens at send time.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wijkregie_core::mail::MailKind;

use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse, parse_time, timestamp};

const TABLE: &str = "outbox";

/// A file sent with a mail, such as a `text/calendar; method=REQUEST`
/// invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A mail to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewMail<'a> {
    pub kind: MailKind,
    pub recipient: &'a str,
    pub subject: &'a str,
    /// The plain text, which every mail has.
    pub text: &'a str,
    /// An HTML alternative of the same text.
    pub html: Option<&'a str>,
    pub attachments: &'a [Attachment],
}

/// A mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    /// The plain text.
    pub body: String,
    pub html: Option<String>,
    pub attachment_count: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// The first mail of the bundle this one went out in, if it was bundled.
    pub bundle_id: Option<i64>,
    /// How many mails went out in that bundle (1 when alone).
    pub bundle_size: i64,
}

/// Queues a mail; returns its id.
pub async fn queue(conn: &mut AnyConnection, mail: &NewMail<'_>, at: DateTime<Utc>) -> Result<i64> {
    let id: i64 = rows::one(
        &mut *conn,
        sqlx::query(
            "INSERT INTO outbox (created_at, kind, recipient, subject, body, html) VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING id",
        )
        .bind(timestamp(at))
        .bind(mail.kind.code())
        .bind(mail.recipient.trim())
        .bind(mail.subject)
        .bind(mail.text)
        .bind(mail.html.map(str::to_owned)),
    )
    .await?
    .try_get("id")?;
    for (position, a) in (0_i64..).zip(mail.attachments) {
        sqlx::query(
            "INSERT INTO outbox_attachment (mail_id, position, filename, content_type, content)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(position)
        .bind(&a.filename)
        .bind(&a.content_type)
        .bind(STANDARD.encode(&a.content))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

const COLUMNS: &str = "o.id, o.created_at, o.kind, o.recipient, o.subject, o.body, o.html, o.sent_at, o.attempts,
     o.last_error, o.bundle_id,
     (SELECT COUNT(*) FROM outbox_attachment a WHERE a.mail_id = o.id) AS attachment_count,
     (SELECT COUNT(*) FROM outbox b WHERE b.bundle_id = o.bundle_id) AS bundle_size";

fn mail(r: &AnyRow) -> Result<OutboxMail> {
    let bundle_id: Option<i64> = r.try_get("bundle_id")?;
    Ok(OutboxMail {
        id: r.try_get("id")?,
        created_at: parse_time(TABLE, "created_at", &r.try_get::<String, _>("created_at")?)?,
        kind: parse(TABLE, "kind", &r.try_get::<String, _>("kind")?)?,
        recipient: r.try_get("recipient")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        html: r.try_get("html")?,
        attachment_count: r.try_get("attachment_count")?,
        sent_at: r.try_get::<Option<String>, _>("sent_at")?.map(|t| parse_time(TABLE, "sent_at", &t)).transpose()?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        bundle_size: if bundle_id.is_some() { r.try_get("bundle_size")? } else { 1 },
        bundle_id,
    })
}

/// The newest mails, sent or not, for the regio-beheerder's view.
pub async fn outbox(conn: &mut AnyConnection, limit: i64) -> Result<Vec<OutboxMail>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox o ORDER BY o.id DESC LIMIT $1");
    rows::all(&mut *conn, sqlx::query(&sql).bind(limit)).await?.iter().map(mail).collect()
}

/// Unsent mails that have not failed too often, oldest first.
pub async fn unsent(conn: &mut AnyConnection, max_attempts: i64) -> Result<Vec<OutboxMail>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox o WHERE o.sent_at IS NULL AND o.attempts < $1 ORDER BY o.id");
    rows::all(&mut *conn, sqlx::query(&sql).bind(max_attempts)).await?.iter().map(mail).collect()
}

/// The attachments of a mail, in the order they were given.
pub async fn attachments(conn: &mut AnyConnection, mail_id: i64) -> Result<Vec<Attachment>> {
    rows::all(
        &mut *conn,
        sqlx::query(
            "SELECT filename, content_type, content FROM outbox_attachment WHERE mail_id = $1 ORDER BY position",
        )
        .bind(mail_id),
    )
    .await?
    .iter()
    .map(|r| {
        let content = STANDARD.decode(r.try_get::<String, _>("content")?).map_err(|e| StoreError::Corrupt {
            table: "outbox_attachment",
            column: "content",
            message: e.to_string(),
        })?;
        Ok(Attachment { filename: r.try_get("filename")?, content_type: r.try_get("content_type")?, content })
    })
    .collect()
}

/// Marks mails as sent at `at`; more than one went out as one bundle,
/// named after its first mail.
pub async fn mark_sent(conn: &mut AnyConnection, ids: &[i64], at: DateTime<Utc>) -> Result<()> {
    let bundle = if ids.len() > 1 { ids.first().copied() } else { None };
    for id in ids {
        sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1, bundle_id = $2 WHERE id = $3")
            .bind(timestamp(at))
            .bind(bundle)
            .bind(*id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Counts a failed attempt on each of these mails, with the error.
pub async fn mark_failed(conn: &mut AnyConnection, ids: &[i64], error: &str) -> Result<()> {
    for id in ids {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(*id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
