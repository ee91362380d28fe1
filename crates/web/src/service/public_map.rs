//! The public social map: whether the region shows it to everyone, and the
//! regio-beheerder's switch. What it shows is decided by the pages
//! (`pages::public_map`): active services and their public fields only.

use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;

use crate::audit::{record, Entry};
use crate::error::{AppError, Result};
use crate::service::Ctx;
use crate::AppState;

pub async fn enabled(state: &AppState) -> Result<bool> {
    let mut conn = state.store.conn().await?;
    Ok(wijkregie_store::region::public_map(&mut conn).await?)
}

/// Turns the public map on or off; only the region may, and the change is
/// in the audit log like any change to the region.
pub async fn set(ctx: &Ctx, on: bool) -> Result<()> {
    let decision = authorize(&ctx.principal, Action::Edit, Object::Region);
    let mut tx = ctx.state.store.begin().await?;
    let event = if on { "public_map.on" } else { "public_map.off" };
    let entry = Entry { event, action: AuditAction::Update, object_type: "region", object_id: None };
    if let Err(refusal) = decision {
        record(&mut tx, &ctx.state, &ctx.actor, entry, decision).await?;
        tx.commit().await?;
        return Err(refusal.into());
    }
    if !wijkregie_store::region::set_public_map(tx.conn(), on).await? {
        return Err(AppError::BadRequest("er is nog geen regio ingericht: lees eerst een regiobestand in".into()));
    }
    record(&mut tx, &ctx.state, &ctx.actor, entry, decision).await?;
    tx.commit().await?;
    Ok(())
}
