//! Postcode centroids, the `near` point of a search on the social map
//! (`wijkregie import postcodes`): stored all or nothing, only what differs.

use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::directory::GeoPoint;

use crate::audit::{check, record, Entry};
use crate::{Ctx, Result};

/// Stores `centroids` in one transaction; returns how many were new or
/// changed. The audit log gets an entry when anything changed.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import(ctx: &Ctx, centroids: &[(String, GeoPoint)]) -> Result<usize> {
    let entry =
        Entry { event: "postcode.import", action: AuditAction::Execute, object_type: "postcode", object_id: None };
    let decision = check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut tx = ctx.app.store.begin_bulk().await?;
    let changed = wijkregie_store::directory::save_postcode_centroids(tx.conn(), centroids).await?;
    if changed > 0 {
        record(&mut tx, &ctx.app, &ctx.actor, entry, Ok(decision)).await?;
    }
    tx.commit().await?;
    Ok(changed)
}
