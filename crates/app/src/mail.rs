//! Every mail wijkregie sends: one way to queue a message ([`queue`]) and
//! one sender that empties the outbox over SMTP when a relay is configured.
//! News about referrals to one person within [`Config::mail_bundle_window`]
//! goes out as one mail listing each item (the rule is
//! `core::mail::due`); codes and reset links go at once. Bundling happens
//! at send time, so what was queued stays as it was.
//!
//! Mails carry no patient data (see `referral::notify`), so a relay outside
//! the care organisation is acceptable; a failure is kept on the mail and
//! retried a few times.
//!
//! [`Config::mail_bundle_window`]: crate::Config::mail_bundle_window

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use wijkregie_core::access::{authorize, Action, Object};
pub use wijkregie_core::mail::MailKind;
use wijkregie_core::mail::Waiting;
use wijkregie_store::outbox as db;
pub use wijkregie_store::outbox::{Attachment, OutboxMail};
use wijkregie_store::AnyConnection;

use crate::config::Smtp;
use crate::App;
use crate::{Ctx, Result};

/// Attempts per mail before it is left for the regio-beheerder to see.
pub const MAX_ATTEMPTS: i64 = 5;

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub kind: MailKind,
    pub to: String,
    pub subject: String,
    /// The plain text, which every mail has.
    pub text: String,
    /// An HTML alternative of the same text (multipart/alternative).
    pub html: Option<String>,
    /// Files sent with it (multipart/mixed).
    pub attachments: Vec<Attachment>,
}

impl Mail {
    /// A plain-text mail.
    pub fn plain(kind: MailKind, to: &str, subject: &str, text: &str) -> Mail {
        Mail {
            kind,
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: text.to_owned(),
            html: None,
            attachments: Vec::new(),
        }
    }
}

/// Queues a mail in the caller's transaction (so it leaves only if the
/// change it tells about is committed); an urgent one wakes the sender.
pub async fn queue(conn: &mut AnyConnection, app: &App, mail: &Mail, at: DateTime<Utc>) -> Result<i64> {
    let new = db::NewMail {
        kind: mail.kind,
        recipient: &mail.to,
        subject: &mail.subject,
        text: &mail.text,
        html: mail.html.as_deref(),
        attachments: &mail.attachments,
    };
    let id = db::queue(conn, &new, at).await?;
    if mail.kind.urgent() {
        app.mail_wake.notify_one();
    }
    Ok(id)
}

/// A mail ready to go out, made of the outbox mails `ids`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub ids: Vec<i64>,
    pub mail: Mail,
}

/// What goes out at `now`: waiting mails, with bundles merged into one.
pub async fn due(app: &App, now: DateTime<Utc>) -> Result<Vec<Outgoing>> {
    let mut conn = app.store.conn().await?;
    let waiting = db::unsent(&mut conn, MAX_ATTEMPTS).await?;
    let plan: Vec<Waiting> = waiting
        .iter()
        .map(|m| Waiting {
            id: m.id,
            created_at: m.created_at,
            recipient: m.recipient.clone(),
            kind: m.kind,
            plain_only: m.html.is_none() && m.attachment_count == 0,
        })
        .collect();
    let mut out = Vec::new();
    for ids in wijkregie_core::mail::due(&plan, app.config.mail_bundle_window, now) {
        let members: Vec<&OutboxMail> = ids.iter().filter_map(|id| waiting.iter().find(|m| m.id == *id)).collect();
        let mail = match members.as_slice() {
            [one] => Mail {
                kind: one.kind,
                to: one.recipient.clone(),
                subject: one.subject.clone(),
                text: one.body.clone(),
                html: one.html.clone(),
                attachments: db::attachments(&mut conn, one.id).await?,
            },
            many => bundle(app, many),
        };
        out.push(Outgoing { ids, mail });
    }
    Ok(out)
}

/// One mail listing the news of several: each item with its local time and
/// subject, then the way in. Only referral news is bundled, and it names no
/// patient, so neither does the bundle.
fn bundle(app: &App, items: &[&OutboxMail]) -> Mail {
    let first = items.first().map(|m| (m.kind, m.recipient.clone()));
    let (kind, to) = first.unwrap_or((MailKind::ReferralNews, String::new()));
    let lines: String = items
        .iter()
        .map(|m| {
            let subject = m.subject.strip_prefix("wijkregie: ").unwrap_or(&m.subject);
            format!("- {} {subject}\n", wijkregie_core::clock::nl_display(m.created_at))
        })
        .collect();
    let link = format!("{}/verwijzingen", app.config.public_url.trim_end_matches('/'));
    let text = format!(
        "Goedendag,\n\nEr is nieuws over verwijzingen in wijkregie ({} meldingen in één e-mail):\n\n{lines}\n\
         Log in om het te bekijken:\n{link}\n\nDeze e-mail bevat bewust geen gegevens over de patiënt.\n",
        items.len()
    );
    Mail {
        kind,
        to,
        subject: format!("wijkregie: {} meldingen over verwijzingen", items.len()),
        text,
        html: None,
        attachments: Vec::new(),
    }
}

/// The MIME message for a mail: text/plain alone, multipart/alternative
/// with an HTML part, and multipart/mixed around either with attachments.
pub fn message(from: &Mailbox, mail: &Mail) -> anyhow::Result<Message> {
    let builder = Message::builder().from(from.clone()).to(mail.to.parse()?).subject(mail.subject.clone());
    let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone());
    if mail.html.is_none() && mail.attachments.is_empty() {
        return Ok(builder.singlepart(text)?);
    }
    let body = match &mail.html {
        Some(html) => MultiPart::alternative()
            .singlepart(text)
            .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
        None => MultiPart::mixed().singlepart(text),
    };
    if mail.attachments.is_empty() {
        return Ok(builder.multipart(body)?);
    }
    let mut mixed = if mail.html.is_some() { MultiPart::mixed().multipart(body) } else { body };
    for a in &mail.attachments {
        let content_type = ContentType::parse(&a.content_type)
            .map_err(|e| anyhow::anyhow!("bijlage {}: onbekend inhoudstype {}: {e}", a.filename, a.content_type))?;
        mixed = mixed.singlepart(MimeAttachment::new(a.filename.clone()).body(a.content.clone(), content_type));
    }
    Ok(builder.multipart(mixed)?)
}

/// Sends what is due now; returns (mails sent, mails failed), counting a
/// bundle as one.
pub async fn send_outbox(app: &App, smtp: &Smtp) -> anyhow::Result<(usize, usize)> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)?.build();
    let from: Mailbox = smtp.from.parse()?;
    let (mut sent, mut failed) = (0, 0);
    for out in due(app, Utc::now()).await? {
        let result = async {
            transport.send(message(&from, &out.mail)?).await?;
            Ok::<_, anyhow::Error>(())
        }
        .await;
        let mut conn = app.store.conn().await?;
        match result {
            Ok(()) => {
                db::mark_sent(&mut conn, &out.ids, Utc::now()).await?;
                sent += 1;
            }
            Err(e) => {
                db::mark_failed(&mut conn, &out.ids, &e.to_string()).await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Sends the outbox every minute, and at once (after a moment, for the
/// queuing transaction to commit) when an urgent mail is queued.
pub async fn sender(app: App, smtp: Smtp) {
    let mut tick = tokio::time::interval(StdDuration::from_secs(60));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = app.mail_wake.notified() => tokio::time::sleep(StdDuration::from_secs(1)).await,
        }
        match send_outbox(&app, &smtp).await {
            Ok((0, 0)) => {}
            Ok((sent, failed)) => tracing::info!(sent, failed, "meldingen verstuurd"),
            Err(e) => tracing::warn!(error = %e, "versturen van meldingen mislukt"),
        }
    }
}

/// The newest `limit` mails of the outbox, for the regio-beheerder (who
/// sees there what went out, or would have, without an SMTP relay).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn outbox(ctx: &Ctx, limit: i64) -> Result<Vec<OutboxMail>> {
    authorize(&ctx.principal, Action::View, Object::Users)?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(db::outbox(&mut conn, limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        "wijkregie <noreply@example.nl>".parse().unwrap()
    }

    fn formatted(mail: &Mail) -> String {
        String::from_utf8(message(&from(), mail).unwrap().formatted()).unwrap()
    }

    #[test]
    fn a_plain_mail_is_one_text_part() {
        let mail = Mail::plain(MailKind::ReferralNews, "a@example.nl", "Nieuws", "Er is nieuws.");
        let text = formatted(&mail);
        assert!(text.contains("Content-Type: text/plain; charset=utf-8"), "{text}");
        assert!(!text.contains("multipart"), "{text}");
    }

    #[test]
    fn html_makes_an_alternative_and_attachments_a_mixed_message() {
        let mut mail = Mail::plain(MailKind::MeetingInvitation, "a@example.nl", "Overleg", "U bent uitgenodigd.");
        mail.html = Some("<p>U bent uitgenodigd.</p>".into());
        let alternative = formatted(&mail);
        assert!(alternative.contains("Content-Type: multipart/alternative"), "{alternative}");
        assert!(!alternative.contains("multipart/mixed"), "{alternative}");

        mail.attachments.push(Attachment {
            filename: "overleg.ics".into(),
            content_type: "text/calendar; method=REQUEST".into(),
            content: b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".to_vec(),
        });
        let mixed = formatted(&mail);
        let at = |needle: &str| mixed.find(needle).unwrap_or_else(|| panic!("{needle} missing in {mixed}"));
        // mixed wraps alternative (text, then HTML), then the calendar file.
        assert!(at("multipart/mixed") < at("multipart/alternative"));
        assert!(at("multipart/alternative") < at("text/plain"));
        assert!(at("text/plain") < at("text/html"));
        assert!(at("text/html") < at("text/calendar; method=REQUEST"));
        assert!(mixed.contains("Content-Disposition: attachment; filename=\"overleg.ics\""), "{mixed}");
        assert!(mixed.contains("METHOD:REQUEST"), "{mixed}");
    }

    #[test]
    fn an_attachment_without_html_is_mixed_around_the_text() {
        let mut mail = Mail::plain(MailKind::MeetingInvitation, "a@example.nl", "Overleg", "Zie bijlage.");
        mail.attachments.push(Attachment {
            filename: "overleg.ics".into(),
            content_type: "text/calendar; method=REQUEST".into(),
            content: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
        });
        let text = formatted(&mail);
        assert!(text.contains("multipart/mixed") && !text.contains("multipart/alternative"), "{text}");
        assert!(text.find("text/plain") < text.find("text/calendar"), "{text}");
    }

    #[test]
    fn a_bad_content_type_is_an_error_not_a_panic() {
        let mut mail = Mail::plain(MailKind::Invitation, "a@example.nl", "X", "Y");
        mail.attachments.push(Attachment { filename: "x".into(), content_type: "geen type".into(), content: vec![] });
        assert!(message(&from(), &mail).is_err());
    }
}
