//! Reading the audit log (NEN 7513): pages of entries and the chain check,
//! for the regio-beheerder and the operator. Every read of the log is itself
//! an entry. A patient's access overview is `referral::access_overview`.

use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;
pub use wijkregie_core::audit::StoredEntry;
pub use wijkregie_store::audit::Verification;

use crate::audit::{guarded, Entry};
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

    /// Whether the hash chain is whole, and else where it breaks.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn verify(&self) -> Result<Verification> {
        let mut conn = self.ctx.app.store.conn().await?;
        Ok(wijkregie_store::audit::verify(&mut conn).await?)
    }
}
