//! Sends the outbox over SMTP when a relay is configured. Mails carry no
//! patient data (see `service::referral::notify`), so a relay outside the
//! care organisation is acceptable; a failure is kept on the mail and
//! retried a few times.

use chrono::Utc;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use wijkregie_store::referral as db;

use wijkregie_core::access::{authorize, Action, Object};
pub use wijkregie_store::referral::OutboxMail;

use crate::config::Smtp;
use crate::App;
use crate::{Ctx, Result};

/// Attempts per mail before it is left for the regio-beheerder to see.
pub const MAX_ATTEMPTS: i64 = 5;

/// Sends what is waiting; returns (sent, failed).
pub async fn send_outbox(app: &App, smtp: &Smtp) -> anyhow::Result<(usize, usize)> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url)?.build();
    let from: Mailbox = smtp.from.parse()?;
    let mut conn = app.store.conn().await?;
    let waiting = db::unsent(&mut conn, MAX_ATTEMPTS).await?;
    let (mut sent, mut failed) = (0, 0);
    for mail in waiting {
        let result = async {
            let message = Message::builder()
                .from(from.clone())
                .to(mail.recipient.parse()?)
                .subject(mail.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.clone())?;
            transport.send(message).await?;
            Ok::<_, anyhow::Error>(())
        }
        .await;
        match result {
            Ok(()) => {
                db::mail_sent(&mut conn, mail.id, Utc::now()).await?;
                sent += 1;
            }
            Err(e) => {
                db::mail_failed(&mut conn, mail.id, &e.to_string()).await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// The newest `limit` mails of the outbox, for the regio-beheerder (who
/// sees there what went out, or would have, without an SMTP relay).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn outbox(ctx: &Ctx, limit: i64) -> Result<Vec<OutboxMail>> {
    authorize(&ctx.principal, Action::View, Object::Users)?;
    let mut conn = ctx.app.store.conn().await?;
    Ok(db::outbox(&mut conn, limit).await?)
}
