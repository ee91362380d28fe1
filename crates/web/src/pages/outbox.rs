//! The outbox of notification mail, for the regio-beheerder: where mail
//! waits when no SMTP relay is configured, and where failures show.

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use wijkregie_core::access::{authorize, Action, Object};

use crate::auth::Visit;
use crate::error::AppError;
use crate::pages::{render, Layout};
use crate::service::Ctx;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/outbox", get(outbox))
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

async fn outbox(ctx: Ctx, visit: Visit) -> Result<Response, AppError> {
    authorize(&ctx.principal, Action::View, Object::Users)?;
    let mut conn = ctx.state.store.conn().await?;
    let mails = wijkregie_store::referral::outbox(&mut conn, 200).await?;
    drop(conn);
    let time = |t: chrono::DateTime<chrono::Utc>| {
        wijkregie_core::referral::calendar::dutch_local_time(t).format("%d-%m-%Y %H:%M").to_string()
    };
    let rows = mails
        .into_iter()
        .map(|m| MailRow {
            created: time(m.created_at),
            state: match (m.sent_at, &m.last_error) {
                (Some(t), _) => format!("verstuurd {}", time(t)),
                (None, Some(e)) if m.attempts >= crate::mail::MAX_ATTEMPTS => format!("opgegeven: {e}"),
                (None, Some(e)) => format!("mislukt ({} keer): {e}", m.attempts),
                (None, None) => "wacht".into(),
            },
            recipient: m.recipient,
            subject: m.subject,
        })
        .collect();
    render(OutboxPage {
        layout: Layout::new("Uitgaande mail", &visit, "/outbox"),
        smtp: ctx.state.config.smtp.is_some(),
        rows,
    })
}
