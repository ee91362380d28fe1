//! Reading the audit log (NEN 7513): pages of entries and the chain check,
//! for the regio-beheerder and the operator. Every read of the log is itself
//! an entry. A patient's access overview is `referral::access_overview`.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use wijkregie_core::access::{authorize, Action, Object};
pub use wijkregie_core::audit::StoredEntry;
use wijkregie_core::audit::{Anchor, AuditAction};
pub use wijkregie_store::audit::Verification;

use crate::audit::{check, guarded, record, Entry};
use crate::{Ctx, Result};

const READ: Entry<'static> =
    Entry { event: "audit_log.read", action: AuditAction::Read, object_type: "audit_log", object_id: None };

/// The audit log, opened by someone allowed to read it: proof of the
/// decision (logged once, refusals too), so that reading input such as a
/// page position happens after access is decided.
pub struct AuditLog<'a> {
    ctx: &'a Ctx,
}

/// Opens the audit log for reading, and logs that it was (or was refused).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn open(ctx: &Ctx) -> Result<AuditLog<'_>> {
    guarded(ctx, READ, authorize(&ctx.principal, Action::View, Object::AuditLog)).await?.commit().await?;
    Ok(AuditLog { ctx })
}

impl AuditLog<'_> {
    /// Up to `limit` entries before sequence number `before`, newest first.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn page(&self, before: Option<i64>, limit: i64) -> Result<Vec<StoredEntry>> {
        let mut conn = self.ctx.app.store.conn().await?;
        Ok(wijkregie_store::audit::page(&mut conn, before, limit).await?)
    }

    /// Whether the hash chain is whole, and else where it breaks. The
    /// outcome is remembered for [`AuditLog::recent_check`].
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn verify(&self) -> Result<Verification> {
        self.verify_against(None).await
    }

    /// As [`AuditLog::verify`], and also against an anchor saved earlier
    /// outside the database (`wijkregie audit verify --anchor FILE`).
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn verify_against(&self, saved: Option<&Anchor>) -> Result<Verification> {
        let app = &self.ctx.app;
        let mut conn = app.store.conn().await?;
        let verification = wijkregie_store::audit::verify(&mut conn, app.field_key.anchor_key(), saved).await?;
        app.chain_check.remember(ChainCheck::of(&verification));
        Ok(verification)
    }

    /// Anchors the chain anew under the current secret key, when its hashes
    /// are whole: after a new or rotated key, or once the operator has
    /// looked into a broken anchor. Logged as an entry of its own.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn reanchor(&self) -> Result<Verification> {
        let app = &self.ctx.app;
        let entry = Entry {
            event: "audit_log.reanchor",
            action: AuditAction::Update,
            object_type: "audit_log",
            object_id: None,
        };
        let grant = check(self.ctx, entry, authorize(&self.ctx.principal, Action::Edit, Object::AuditLog)).await?;
        let mut tx = app.store.begin().await?;
        let verification =
            wijkregie_store::audit::reanchor(tx.conn(), app.store.engine(), app.field_key.anchor_key()).await?;
        if let Verification::Intact { .. } = verification {
            record(&mut tx, app, &self.ctx.actor, entry, Ok(grant)).await?;
            tx.commit().await?;
        }
        Ok(verification)
    }

    /// The last check of the chain if it is younger than `max_age`, else a
    /// new one. The check reads the whole log, so a home page shown many
    /// times a day does not repeat it each time.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn recent_check(&self, max_age: chrono::Duration) -> Result<ChainCheck> {
        if let Some(last) = self.ctx.app.chain_check.last().filter(|c| Utc::now() - c.at < max_age) {
            return Ok(last);
        }
        Ok(ChainCheck::of(&self.verify().await?))
    }
}

/// The outcome of one check of the chain, and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub at: DateTime<Utc>,
    /// Entries checked, when the chain is whole.
    pub intact_entries: Option<i64>,
    /// Where it breaks, and why, when it does not.
    pub broken_at: Option<(i64, &'static str)>,
}

impl ChainCheck {
    fn of(v: &Verification) -> Self {
        let at = Utc::now();
        match v {
            Verification::Intact { entries } => ChainCheck { at, intact_entries: Some(*entries), broken_at: None },
            Verification::Broken(b) => ChainCheck { at, intact_entries: None, broken_at: Some((b.seq, b.reason)) },
        }
    }
}

/// The last check of the chain made by this server since it started.
#[derive(Debug, Default)]
pub struct LastChainCheck(Mutex<Option<ChainCheck>>);

impl LastChainCheck {
    fn remember(&self, check: ChainCheck) {
        // A poisoned lock only means another check panicked mid-way; the
        // value inside is still a whole check or none.
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(check);
    }

    pub fn last(&self) -> Option<ChainCheck> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}
