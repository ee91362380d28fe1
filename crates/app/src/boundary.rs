//! CBS area boundaries: importing a boundary file (CLI and demo), and the
//! outlines of the region's areas for maps. Maps take their values from
//! the caller, so any figure per area (population figures, or the area's
//! own size) can be drawn with the same outlines.

use std::sync::Arc;

use wijkregie_core::access::{authorize, Action, Grant, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_formats::boundaries::{self, BoundaryFile};
use wijkregie_store::boundary::{self as db, SaveReport, StoredBoundary};
use wijkregie_store::WriteTx;

use crate::audit::{check, guarded, record, Entry};
use crate::region_data::{RegionArea, RegionData};
use crate::Ctx;
use crate::Error;
use wijkregie_chart::map::MapArea;

type Result<T> = std::result::Result<T, Error>;

/// Stores a parsed boundary file in one transaction; only outlines that
/// differ are written, and the audit log gets an entry when anything changed.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import(ctx: &Ctx, file: BoundaryFile) -> Result<SaveReport> {
    import_with_progress(ctx, file, &|_| {}).await
}

/// As [`import`], telling `progress` how many outlines are done so far
/// (the CLI's progress bar).
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn import_with_progress(
    ctx: &Ctx,
    file: BoundaryFile,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<SaveReport> {
    let entry =
        Entry { event: "boundary.import", action: AuditAction::Execute, object_type: "boundary", object_id: None };
    let decision = check(ctx, entry, authorize(&ctx.principal, Action::Edit, Object::Region)).await?;
    let mut tx = ctx.app.store.begin_bulk().await?;
    let report = import_in(&mut tx, ctx, decision, file, progress).await?;
    tx.commit().await?;
    Ok(report)
}

/// The writing half of [`import_with_progress`], in the caller's
/// transaction, for the demo, which loads everything in one.
pub(crate) async fn import_in(
    tx: &mut WriteTx,
    ctx: &Ctx,
    decision: Grant,
    file: BoundaryFile,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<SaveReport> {
    let entry =
        Entry { event: "boundary.import", action: AuditAction::Execute, object_type: "boundary", object_id: None };
    let mut report = SaveReport::default();
    let mut done = 0;
    for chunk in file.boundaries.chunks(500) {
        let rows: Vec<StoredBoundary> = chunk
            .iter()
            .map(|b| StoredBoundary {
                geometry: boundaries::geometry_to_geojson(&b.geometry),
                code: b.code.clone(),
                year: b.year,
                name: b.name.clone(),
            })
            .collect();
        let part = db::save(tx.conn(), &rows).await?;
        report.added += part.added;
        report.changed += part.changed;
        report.unchanged += part.unchanged;
        done += chunk.len();
        progress(done);
    }
    if report.added + report.changed > 0 {
        record(tx, &ctx.app, &ctx.actor, entry, Ok(decision)).await?;
    }
    Ok(report)
}

/// The CBS areas of every wijk, with their outlines: the region's map.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn region_areas(ctx: &Ctx) -> Result<Arc<Vec<RegionArea>>> {
    let entry = Entry { event: "boundary.map", action: AuditAction::Read, object_type: "region", object_id: None };
    guarded(ctx, entry, authorize(&ctx.principal, Action::View, Object::AreaMap)).await?.commit().await?;
    let mut conn = ctx.app.store.conn().await?;
    let data = ctx.app.region_data.current(&mut conn).await?;
    data.outlines(&mut conn).await
}

/// As [`region_areas`], for a caller that holds the region's data already.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn region_areas_of(ctx: &Ctx, data: &RegionData) -> Result<Arc<Vec<RegionArea>>> {
    let entry = Entry { event: "boundary.map", action: AuditAction::Read, object_type: "region", object_id: None };
    guarded(ctx, entry, authorize(&ctx.principal, Action::View, Object::Wijk)).await?.commit().await?;
    let mut conn = ctx.app.store.conn().await?;
    data.outlines(&mut conn).await
}

/// The region's outlines for the social map's map of results, for anyone,
/// the public included: CBS publishes them, so reading them needs no
/// permission and leaves no audit entry.
#[tracing::instrument(skip_all, err(level = "info"))]
pub async fn public_outlines(app: &crate::App) -> Result<Arc<Vec<RegionArea>>> {
    let mut conn = app.store.conn().await?;
    let data = app.region_data.current(&mut conn).await?;
    data.outlines(&mut conn).await
}

/// Map areas for the outlines that exist, each with the value `value`
/// gives for its area (`None`: unknown).
pub fn map_areas(
    areas: &[RegionArea],
    value: impl Fn(&RegionArea) -> Option<wijkregie_core::population::Number>,
) -> Vec<MapArea> {
    areas
        .iter()
        .filter_map(|a| {
            Some(MapArea {
                code: a.area.code.to_string(),
                // A buurt is named with its wijk; a CBS wijk that is the wijk needs no repeat.
                name: if a.name == a.wijk { a.name.clone() } else { format!("{} ({})", a.name, a.wijk) },
                geometry: a.outline.clone()?,
                value: value(a),
            })
        })
        .collect()
}

/// The demo region's fictional outlines (`formats::demo_boundaries`).
#[tracing::instrument(skip_all, err(level = "info"))]
pub(crate) async fn import_demo(tx: &mut WriteTx, ctx: &Ctx, decision: Grant) -> Result<SaveReport> {
    let file = boundaries::parse(wijkregie_formats::demo::boundaries::GEOJSON, None)
        .map_err(|p| Error::Internal(anyhow::anyhow!("de demogrenzen zijn onleesbaar: {p:?}")))?;
    import_in(tx, ctx, decision, file, &|_| {}).await
}
