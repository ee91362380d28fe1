//! CBS area boundaries: importing a boundary file (CLI and demo), and the
//! outlines of the region's areas for maps. Maps take their values from
//! the caller, so any figure per area (population figures, or the area's
//! own size) can be drawn with the same outlines.

use std::collections::HashMap;
use std::sync::Arc;

use wijkregie_core::access::{authorize, Action, Grant, Object};
use wijkregie_core::audit::AuditAction;
use wijkregie_core::region::{Area, Wijk};
use wijkregie_formats::boundaries::{self, BoundaryFile};
use wijkregie_store::boundary::{self as db, SaveReport, StoredBoundary};
use wijkregie_store::AnyConnection;

use crate::audit::{record, Actor, Entry};
use crate::error::AppError;
use crate::map::MapArea;
use crate::service::region_data::RegionData;
use crate::service::Ctx;
use crate::AppState;

type Result<T> = std::result::Result<T, AppError>;

/// Stores a parsed boundary file in one transaction; only outlines that
/// differ are written, and the audit log gets an entry when anything changed.
pub async fn import(state: &AppState, actor: &Actor, file: BoundaryFile) -> Result<SaveReport> {
    import_with_progress(state, actor, file, &|_| {}).await
}

/// As [`import`], telling `progress` how many outlines are done so far
/// (the CLI's progress bar).
pub async fn import_with_progress(
    state: &AppState,
    actor: &Actor,
    file: BoundaryFile,
    progress: &(dyn Fn(usize) + Send + Sync),
) -> Result<SaveReport> {
    let decision = match &actor.principal {
        Some(p) => authorize(p, Action::Edit, Object::Region),
        None => Ok(Grant { rule: "beheerder via de opdrachtregel op de server" }),
    };
    let entry =
        Entry { event: "boundary.import", action: AuditAction::Execute, object_type: "boundary", object_id: None };
    let mut tx = state.store.begin_bulk().await?;
    if let Err(refusal) = decision {
        record(&mut tx, state, actor, entry, decision).await?;
        tx.commit().await?;
        return Err(refusal.into());
    }
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
        record(&mut tx, state, actor, entry, decision).await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// One of the region's areas on a map: the area, the wijk it belongs to,
/// and its outline if one was imported.
pub struct RegionArea {
    pub area: Area,
    pub wijk: String,
    pub name: String,
    pub outline: Option<geo::MultiPolygon<f64>>,
}

/// The CBS areas of every wijk, with their outlines: the region's map.
pub async fn region_areas(ctx: &Ctx) -> Result<Arc<Vec<RegionArea>>> {
    let mut conn = ctx.state.store.conn().await?;
    let data = ctx.state.region_data.current(&mut conn).await?;
    drop(conn);
    region_areas_of(ctx, &data).await
}

/// As [`region_areas`], for a caller that holds the region's data already.
pub async fn region_areas_of(ctx: &Ctx, data: &RegionData) -> Result<Arc<Vec<RegionArea>>> {
    let decision = authorize(&ctx.principal, Action::View, Object::Wijk);
    let mut tx = ctx.state.store.begin().await?;
    record(
        &mut tx,
        &ctx.state,
        &ctx.actor,
        Entry { event: "boundary.map", action: AuditAction::Read, object_type: "region", object_id: None },
        decision,
    )
    .await?;
    tx.commit().await?;
    decision?;
    let mut conn = ctx.state.store.conn().await?;
    data.outlines(&mut conn).await
}

/// Reads the outlines of the areas of `wijken` (for `RegionData`).
pub(crate) async fn load(conn: &mut AnyConnection, wijken: &[Wijk]) -> Result<Vec<RegionArea>> {
    let areas: Vec<(Area, String)> =
        wijken.iter().flat_map(|w| w.areas.iter().map(|a| (a.clone(), w.name.clone()))).collect();
    let wanted: Vec<Area> = areas.iter().map(|(a, _)| a.clone()).collect();
    let read = db::for_areas(conn, &wanted).await?;
    let stored: HashMap<(&str, u16), &StoredBoundary> = read.iter().map(|s| ((s.code.as_str(), s.year), s)).collect();
    let mut out = Vec::with_capacity(areas.len());
    for (area, wijk) in areas {
        let found = stored.get(&(area.code.as_str(), area.year));
        let outline = match found {
            Some(s) => Some(boundaries::geometry_from_geojson(&s.geometry).map_err(|e| {
                AppError::Internal(anyhow::anyhow!("opgeslagen grens van {} ({}) is onleesbaar: {e}", s.code, s.year))
            })?),
            None => None,
        };
        let name = found.map_or_else(|| area.code.to_string(), |s| s.name.clone());
        out.push(RegionArea { area, wijk, name, outline });
    }
    Ok(out)
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
pub async fn import_demo(state: &AppState, actor: &Actor) -> Result<SaveReport> {
    let file = boundaries::parse(wijkregie_formats::demo_boundaries::GEOJSON, None)
        .map_err(|p| AppError::Internal(anyhow::anyhow!("de demogrenzen zijn onleesbaar: {p:?}")))?;
    import(state, actor, file).await
}
