//! The outbox of notification mail, for the regio-beheerder: where mail
//! waits when no SMTP relay is configured, and where failures show.

use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::auth::Visit;
use crate::ctx::Ctx;
use crate::error::HttpError;
use crate::pages::{render, Layout};
use wijkregie_app::mail;
use wijkregie_app::App;

pub fn routes() -> Router<App> {
    Router::new().route("/uitgaande-mail", get(outbox))
}

struct MailRow {
    created: String,
    recipient: String,
    subject: String,
    state: String,
}

#[derive(askama::Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    smtp: bool,
    rows: Vec<MailRow>,
}

async fn outbox(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let mails = mail::outbox(&ctx, 200).await?;
    let time = wijkregie_core::clock::nl_display;
    let rows = mails
        .into_iter()
        .map(|m| MailRow {
            created: time(m.created_at),
            state: match (m.sent_at, &m.last_error) {
                (Some(t), _) => format!("verstuurd {}", time(t)),
                (None, Some(e)) if m.attempts >= mail::MAX_ATTEMPTS => format!("opgegeven: {e}"),
                (None, Some(e)) => format!("mislukt ({} keer): {e}", m.attempts),
                (None, None) => "wacht".into(),
            },
            recipient: m.recipient,
            subject: m.subject,
        })
        .collect();
    render(OutboxPage {
        layout: Layout::new("Uitgaande mail", &visit, "/uitgaande-mail"),
        smtp: ctx.app.config.smtp.is_some(),
        rows,
    })
}
