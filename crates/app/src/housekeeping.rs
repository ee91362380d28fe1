//! The server's minute work: expired sessions and stale login attempts
//! removed, personal data of referrals erased after their retention period,
//! the region's population data read again if it changed, waiting
//! notification mail sent.

use std::time::Duration;

use crate::{mail, referral, region_data, App};

/// Runs every minute until the task is dropped (at start too).
pub async fn housekeeping(app: App) {
    // Mail waits at most a minute; the rest of the work is cheap when idle.
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = chrono::Utc::now();
        let result = async {
            let mut tx = app.store.begin().await?;
            let sessions = wijkregie_store::account::delete_expired_sessions(tx.conn(), now).await?;
            let attempts =
                wijkregie_store::account::delete_login_attempts_before(tx.conn(), now - chrono::Duration::days(1))
                    .await?;
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
        if let Some(smtp) = &app.config.smtp {
            match mail::send_outbox(&app, smtp).await {
                Ok((0, 0)) => {}
                Ok((sent, failed)) => tracing::info!(sent, failed, "meldingen verstuurd"),
                Err(e) => tracing::warn!(error = %e, "versturen van meldingen mislukt"),
            }
        }
    }
}
