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
    kind: &'static str,
    bundled: String,
    recipient: String,
    subject: String,
    state: String,
}

#[derive(askama::Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    smtp: bool,
    window_minutes: i64,
    rows: Vec<MailRow>,
}

async fn outbox(ctx: Ctx, visit: Visit) -> Result<Response, HttpError> {
    let mails = mail::outbox(&ctx, 200).await?;
    let time = wijkregie_core::clock::nl_display;
    let rows = mails
        .into_iter()
        .map(|m| MailRow {
            created: time(m.created_at),
            kind: m.kind.label(),
            bundled: match (m.bundle_id, m.sent_at) {
                (Some(_), _) => format!("ja, met {} andere in één mail", m.bundle_size - 1),
                (None, Some(_)) => "nee".into(),
                (None, None) if m.kind.bundleable() => "wacht op bundeling".into(),
                (None, None) => "nee, gaat direct".into(),
            },
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
        window_minutes: ctx.app.config.mail_bundle_window.num_minutes(),
        rows,
    })
}
