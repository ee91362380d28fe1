//! The server's minute work: expired sessions and stale login attempts
//! removed, personal data of referrals erased after their retention period,
//! the region's population data read again if it changed; and beside it the
//! mail sender (`mail::sender`).

use std::time::Duration;

use crate::{mail, referral, region_data, App};

/// Runs every minute until the task is dropped (at start too), with the
/// mail sender beside it when an SMTP relay is configured.
pub async fn housekeeping(app: App) {
    match app.config.smtp.clone() {
        Some(smtp) => {
            tokio::join!(chores(app.clone()), mail::sender(app, smtp));
        }
        None => chores(app).await,
    }
}

async fn chores(app: App) {
    // Cheap when idle, so once a minute is fine.
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    let mut anchor_logged_on = None;
    loop {
        tick.tick().await;
        let now = chrono::Utc::now();
        match crate::audit::flush_refusals(&app, now).await {
            Ok(0) => {}
            Ok(runs) => tracing::debug!(runs, "herhaalde weigeringen als één auditregel vastgelegd"),
            Err(e) => tracing::warn!(error = %e, "herhaalde weigeringen vastleggen mislukt"),
        }
        // Once a day (and at start) the head of the audit chain goes to the
        // log output, which lives outside the database: a later cut or
        // rewrite no longer matches it (`audit verify --anchor`).
        if anchor_logged_on != Some(now.date_naive()) {
            match crate::audit::log_anchor(&app).await {
                Ok(()) => anchor_logged_on = Some(now.date_naive()),
                Err(e) => tracing::warn!(error = %e, "anker van het auditlog niet gelezen"),
            }
        }
        let result = async {
            let mut tx = app.store.begin().await?;
            let sessions = wijkregie_store::account::delete_expired_sessions(tx.conn(), now).await?;
            let day_ago = now - chrono::Duration::days(1);
            // Every throttle window is far shorter than a day.
            let attempts = wijkregie_store::throttle::delete_before(tx.conn(), day_ago).await?
                + wijkregie_store::account::delete_reset_records_before(tx.conn(), day_ago).await?;
            tx.commit().await?;
            Ok::<_, wijkregie_store::StoreError>((sessions, attempts))
        }
        .await;
        match result {
            Ok((sessions, attempts)) => {
                tracing::debug!(sessions, attempts, "huishouden gedaan: verlopen sessies en inlogpogingen opgeruimd");
            }
            Err(e) => tracing::warn!(error = %e, "huishouden mislukt"),
        }
        match referral::erase_due(&app).await {
            Ok(0) => {}
            Ok(erased) => tracing::info!(erased, "persoonsgegevens van afgesloten verwijzingen verwijderd"),
            Err(e) => tracing::warn!(error = %e, "verwijderen na bewaartermijn mislukt"),
        }
        region_data::refresh(app.clone()).await;
    }
}
