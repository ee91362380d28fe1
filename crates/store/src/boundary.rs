//! CBS area boundaries: an outline (GeoJSON text, WGS84) per area code and
//! vintage year, with the area's name. A repeat import of the same file
//! changes nothing, so saving compares before it writes.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::CbsCode;
use wijkregie_core::region::Area;

use crate::batch::{rows_for_areas, Rows};
use crate::error::{Result, StoreError};
use crate::rows;

/// One stored outline. `geometry` is a GeoJSON MultiPolygon as
/// `formats::boundaries::geometry_to_geojson` writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBoundary {
    pub code: CbsCode,
    pub year: u16,
    pub name: String,
    pub geometry: String,
}

/// What a save did, for the import's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SaveReport {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// Stores outlines, replacing those of the same code and year whose name
/// or geometry differ. Callers pass each (code, year) once.
pub async fn save(conn: &mut AnyConnection, boundaries: &[StoredBoundary]) -> Result<SaveReport> {
    let mut years: Vec<u16> = boundaries.iter().map(|b| b.year).collect();
    years.sort_unstable();
    years.dedup();
    let mut existing: HashMap<(String, u16), (String, String)> = HashMap::new();
    for year in years {
        for r in rows::all(
            &mut *conn,
            sqlx::query("SELECT code, name, geometry FROM boundary WHERE year = $1").bind(i64::from(year)),
        )
        .await?
        {
            existing.insert((r.try_get("code")?, year), (r.try_get("name")?, r.try_get("geometry")?));
        }
    }
    let mut rows = Rows::new(
        "boundary",
        &["code", "year", "name", "geometry"],
        "ON CONFLICT (code, year) DO UPDATE SET name = excluded.name, geometry = excluded.geometry",
    );
    let mut report = SaveReport::default();
    for b in boundaries {
        match existing.get(&(b.code.as_str().to_owned(), b.year)) {
            Some((name, geometry)) if *name == b.name && *geometry == b.geometry => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.changed += 1,
            None => report.added += 1,
        }
        rows.push([
            b.code.as_str().into(),
            Some(i64::from(b.year)).into(),
            b.name.as_str().into(),
            b.geometry.as_str().into(),
        ]);
        rows.write_full(conn).await?;
    }
    rows.write_all(conn).await?;
    if report.added + report.changed > 0 {
        // Maps keep the region's outlines with its figures (one revision).
        crate::population::raise_revision(conn).await?;
    }
    Ok(report)
}

/// The outlines of the given areas that are stored, by vintage and code;
/// areas without an outline are left out (the map says which). One query
/// per vintage and 500 codes, not one per area: a region has hundreds.
pub async fn for_areas(conn: &mut AnyConnection, areas: &[Area]) -> Result<Vec<StoredBoundary>> {
    let select = "SELECT code, year, name, geometry FROM boundary";
    let mut out =
        rows_for_areas(conn, areas, select, "code", "year").await?.iter().map(row).collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| (a.year, &a.code).cmp(&(b.year, &b.code)));
    Ok(out)
}

/// Every outline of a vintage, by code.
pub async fn of_year(conn: &mut AnyConnection, year: u16) -> Result<Vec<StoredBoundary>> {
    rows::all(
        &mut *conn,
        sqlx::query("SELECT code, year, name, geometry FROM boundary WHERE year = $1 ORDER BY code")
            .bind(i64::from(year)),
    )
    .await?
    .iter()
    .map(row)
    .collect()
}

/// How many outlines are stored, for summaries and tests.
pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(rows::one(&mut *conn, sqlx::query("SELECT COUNT(*) AS n FROM boundary")).await?.try_get("n")?)
}

fn row(r: &sqlx::any::AnyRow) -> Result<StoredBoundary> {
    let code: String = r.try_get("code")?;
    let year: i64 = r.try_get("year")?;
    Ok(StoredBoundary {
        code: code.parse().map_err(|e: wijkregie_core::error::Invalid| StoreError::Corrupt {
            table: "boundary",
            column: "code",
            message: e.to_string(),
        })?,
        year: u16::try_from(year).map_err(|e| StoreError::Corrupt {
            table: "boundary",
            column: "year",
            message: e.to_string(),
        })?,
        name: r.try_get("name")?,
        geometry: r.try_get("geometry")?,
    })
}
