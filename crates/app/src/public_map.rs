//! The public social map: whether the region shows it to everyone, and the
//! regio-beheerder's switch. What it shows is decided by the pages
//! (`pages::public_map`): active services and their public fields only.

use wijkregie_core::access::{authorize, Action, Object};
use wijkregie_core::audit::AuditAction;

use crate::audit::{guarded, Entry};
use crate::App;
use crate::Ctx;
use crate::{Error, Result};

/// What every page's header shows to everyone: the region's name, and
/// whether the public map is there for visitors who are not logged in.
#[derive(Debug, Clone, Default)]
pub struct Masthead {
    pub region: Option<String>,
    pub public_map: bool,
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn masthead(app: &App) -> Result<Masthead> {
    let mut conn = app.store.conn().await?;
    let region = wijkregie_store::region::region(&mut conn).await?.map(|r| r.name);
    let public_map = region.is_some() && wijkregie_store::region::public_map(&mut conn).await?;
    Ok(Masthead { region, public_map })
}

#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn enabled(app: &App) -> Result<bool> {
    let mut conn = app.store.conn().await?;
    Ok(wijkregie_store::region::public_map(&mut conn).await?)
}

/// Whether the public map is on, for whoever may switch it (`None` for
/// everyone else, who is not offered the switch).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn switch(ctx: &Ctx) -> Result<Option<bool>> {
    if authorize(&ctx.principal, Action::Edit, Object::Region).is_err() {
        return Ok(None);
    }
    Ok(Some(enabled(&ctx.app).await?))
}

/// Turns the public map on or off; only the region may, and the change is
/// in the audit log like any change to the region.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn set(ctx: &Ctx, on: bool) -> Result<()> {
    let event = if on { "public_map.on" } else { "public_map.off" };
    let entry = Entry { event, action: AuditAction::Update, object_type: "region", object_id: None };
    let mut tx = guarded(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    if !wijkregie_store::region::set_public_map(tx.conn(), on).await? {
        return Err(Error::BadRequest("er is nog geen regio ingericht: lees eerst een regiobestand in".into()));
    }
    tx.commit().await?;
    Ok(())
}
