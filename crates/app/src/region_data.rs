//! The region's population data in memory: its wijken, every figure of
//! their areas, the Netherlands' figures and the areas' outlines
//! ([`RegionArea`], which this module owns), with what
//! the wijkprofiel and the maps compute from them (the region's profile per
//! year, its trend per indicator, a map's value per area).
//!
//! Reading and recomputing these is most of a profile page's time (68,600
//! figures for a region of 350 areas), yet they change only with an import
//! or a change of the wijken. Every save that changes a figure or an outline
//! raises the population revision in its own transaction, so two cheap
//! queries per request (the revision and the wijken) tell a stale copy, also
//! when several servers share one PostgreSQL. Each part is read or computed
//! the first time a page needs it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::OnceCell;
use wijkregie_core::population::{
    aggregate, aggregate_each, measured_figures, measurement, trend_across, AreaFigure, Indicator, Number, Profile,
    Trend, UnchangedAreas,
};
use wijkregie_core::region::{Area, Wijk};
use wijkregie_store::population::{self as db, StoredFigure};
use wijkregie_store::AnyConnection;

use crate::{App, Error, Result};

/// One of the region's areas on a map: the area, the wijk it belongs to,
/// and its outline if one was imported.
pub struct RegionArea {
    pub area: Area,
    pub wijk: String,
    pub name: String,
    pub outline: Option<geo::MultiPolygon<f64>>,
}

impl RegionArea {
    /// The size of the outline in km², to three decimals (thousandths of a
    /// km² are 1,000 m²; CBS generalises outlines anyway, so the third
    /// decimal is already generous).
    pub fn size_km2(&self) -> Option<Number> {
        // Oriented before measuring: PDOK's rings run clockwise (issue 16).
        let area = |g| wijkregie_formats::boundaries::area_m2(g);
        self.outline.as_ref().map(|g| Number::from_thousandths((area(g) / 1_000.0).round() as i64))
    }
}

/// Reads the outlines of the areas of `wijken`.
async fn load_outlines(conn: &mut AnyConnection, wijken: &[Wijk]) -> Result<Vec<RegionArea>> {
    let areas: Vec<(Area, String)> =
        wijken.iter().flat_map(|w| w.areas.iter().map(|a| (a.clone(), w.name.clone()))).collect();
    let wanted: Vec<Area> = areas.iter().map(|(a, _)| a.clone()).collect();
    let read = wijkregie_store::boundary::for_areas(conn, &wanted).await?;
    let stored: HashMap<(&str, u16), &wijkregie_store::boundary::StoredBoundary> =
        read.iter().map(|s| ((s.code.as_str(), s.year), s)).collect();
    let mut out = Vec::with_capacity(areas.len());
    for (area, wijk) in areas {
        let found = stored.get(&(area.code.as_str(), area.year));
        let outline = match found {
            Some(s) => Some(wijkregie_formats::boundaries::geometry_from_geojson(&s.geometry).map_err(|e| {
                Error::Internal(anyhow::anyhow!("opgeslagen grens van {} ({}) is onleesbaar: {e}", s.code, s.year))
            })?),
            None => None,
        };
        let name = found.map_or_else(|| area.code.to_string(), |s| s.name.clone());
        out.push(RegionArea { area, wijk, name, outline });
    }
    Ok(out)
}

/// The figures of `areas` in their own vintage and in every other vintage
/// stored for the same codes, with the areas CBS did not change between
/// those vintages. RIVM publishes a measurement in its own year's areas
/// (2020) while a wijk is often made of another year's (2019); where the
/// area kept its code and its name, the figure is the wijk's too.
///
/// Names come from the stored outlines, the only place area names per
/// vintage are kept: without outlines of both vintages a figure of another
/// vintage is not used, and the profile says it was measured in another
/// area division.
async fn load_figures(conn: &mut AnyConnection, areas: &[Area]) -> Result<(Vec<AreaFigure>, UnchangedAreas)> {
    let mut figures = db::for_areas(conn, areas).await?;
    let vintages: BTreeSet<i32> = db::sets(conn).await?.iter().map(|s| s.vintage).collect();
    let mut elsewhere: Vec<Area> = Vec::new();
    for v in vintages {
        let Ok(year) = u16::try_from(v) else { continue };
        elsewhere.extend(areas.iter().filter(|a| a.year != year).map(|a| Area { code: a.code.clone(), year }));
    }
    elsewhere.sort();
    elsewhere.dedup();
    let mut unchanged = UnchangedAreas::new();
    if elsewhere.is_empty() {
        return Ok((figures, unchanged));
    }
    let other = db::for_areas(conn, &elsewhere).await?;
    let mut found: Vec<Area> = other
        .iter()
        .filter_map(|f| u16::try_from(f.vintage).ok().map(|year| Area { code: f.area.clone(), year }))
        .collect();
    found.sort();
    found.dedup();
    if !found.is_empty() {
        let mut asked = found.clone();
        asked.extend(areas.iter().filter(|a| found.iter().any(|f| f.code == a.code)).cloned());
        let names: HashMap<(String, u16), String> = wijkregie_store::boundary::for_areas(conn, &asked)
            .await?
            .into_iter()
            .map(|b| ((b.code.to_string(), b.year), b.name.trim().to_lowercase()))
            .collect();
        for f in &found {
            for own in areas.iter().filter(|a| a.code == f.code) {
                let key = |year: u16| (own.code.to_string(), year);
                if let (Some(a), Some(b)) = (names.get(&key(own.year)), names.get(&key(f.year))) {
                    if a == b {
                        unchanged.insert(&own.code, i32::from(own.year), i32::from(f.year));
                    }
                }
            }
        }
    }
    figures.extend(other);
    Ok((figures, unchanged))
}

/// The copy in use, replaced when the revision or the wijken differ.
#[derive(Default)]
pub struct RegionCache(Mutex<Option<Arc<RegionData>>>);

impl RegionCache {
    /// The region's data as it stands now: the wijken and the revision are
    /// read on `conn`, everything else comes from memory if still current.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn current(&self, conn: &mut AnyConnection) -> Result<Arc<RegionData>> {
        let wijken = wijkregie_store::region::wijken(conn).await?;
        let revision = db::revision(conn).await?;
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(data) = kept.as_ref().filter(|d| d.revision == revision && d.wijken == wijken) {
            return Ok(Arc::clone(data));
        }
        let data = Arc::new(RegionData::new(revision, wijken));
        *kept = Some(Arc::clone(&data));
        Ok(data)
    }
}

/// Reads the region's data in the background, so the first wijkprofiel
/// after an upload does not wait for it (a third of a second for 68,600
/// figures on SQLite).
pub fn warm(app: &App) {
    tokio::spawn(refresh(app.clone()));
}

/// Reads the region's data if what is kept is stale: at start and every
/// minute (`housekeeping`), which also catches a CLI import or another
/// server's upload. Cheap when nothing changed: the wijken and the revision.
/// A failure is only logged: the next page that needs the data reads it.
#[tracing::instrument(skip_all)]
pub async fn refresh(app: App) {
    let started = Instant::now();
    let read = async {
        let mut conn = app.store.conn().await?;
        let data = app.region_data.current(&mut conn).await?;
        if data.figures.initialized() {
            return Ok(None);
        }
        data.outlines(&mut conn).await?;
        data.national(&mut conn).await?;
        Ok::<_, crate::Error>(Some(data.figures(&mut conn).await?.figures.len()))
    };
    match read.await {
        Ok(None) => {}
        Ok(Some(figures)) => tracing::info!(
            figures,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "populatiedata van de regio in het geheugen"
        ),
        Err(e) => tracing::warn!(error = %e, "populatiedata van de regio niet vooraf gelezen"),
    }
}

/// The region's data at one population revision and one set of wijken.
pub struct RegionData {
    revision: i64,
    wijken: Vec<Wijk>,
    /// Every CBS area of the wijken, each once, sorted.
    areas: Vec<Area>,
    figures: OnceCell<Arc<RegionFigures>>,
    national: OnceCell<Arc<Vec<StoredFigure>>>,
    outlines: OnceCell<Arc<Vec<RegionArea>>>,
}

impl RegionData {
    fn new(revision: i64, wijken: Vec<Wijk>) -> Self {
        let mut areas: Vec<Area> = wijken.iter().flat_map(|w| w.areas.iter().cloned()).collect();
        areas.sort();
        areas.dedup();
        Self { revision, wijken, areas, figures: OnceCell::new(), national: OnceCell::new(), outlines: OnceCell::new() }
    }

    pub fn wijken(&self) -> &[Wijk] {
        &self.wijken
    }

    /// Every figure of the region's areas, all years.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn figures(&self, conn: &mut AnyConnection) -> Result<Arc<RegionFigures>> {
        let figures = self
            .figures
            .get_or_try_init(|| async move {
                let (figures, unchanged) = load_figures(conn, &self.areas).await?;
                Ok::<_, crate::Error>(Arc::new(
                    RegionFigures::new(self.areas.clone(), figures).with_unchanged(unchanged),
                ))
            })
            .await?;
        Ok(Arc::clone(figures))
    }

    /// The figures published for the Netherlands as a whole, all years.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn national(&self, conn: &mut AnyConnection) -> Result<Arc<Vec<StoredFigure>>> {
        let national = self
            .national
            .get_or_try_init(|| async move { Ok::<_, crate::Error>(Arc::new(db::national(conn).await?)) })
            .await?;
        Ok(Arc::clone(national))
    }

    /// The areas of every wijk with their outlines, in the order of the wijken.
    #[tracing::instrument(skip_all, err(level = "info"))]
    pub async fn outlines(&self, conn: &mut AnyConnection) -> Result<Arc<Vec<RegionArea>>> {
        let outlines = self
            .outlines
            .get_or_try_init(
                || async move { Ok::<_, crate::Error>(Arc::new(load_outlines(conn, &self.wijken).await?)) },
            )
            .await?;
        Ok(Arc::clone(outlines))
    }
}

/// A map's values: the year they describe, and a value per area.
pub type AreaValues = (i32, BTreeMap<Area, Option<Number>>);

/// The region's figures with what is computed from them, each result kept
/// once asked for. Bounded by the data: a profile per year, a trend per
/// indicator, a map per year and indicator.
pub struct RegionFigures {
    areas: Vec<Area>,
    /// Sorted by area and vintage, so one area's figures are one range; the
    /// areas' codes in every vintage stored.
    figures: Vec<AreaFigure>,
    /// Where a figure of another vintage describes the same area.
    unchanged: UnchangedAreas,
    /// Years with any figure, oldest first.
    years: Vec<i32>,
    profiles: Computed<i32, Profile>,
    trends: Computed<Indicator, Trend>,
    maps: Computed<(i32, Indicator), AreaValues>,
}

impl RegionFigures {
    pub fn new(areas: Vec<Area>, mut figures: Vec<AreaFigure>) -> Self {
        figures.sort_by(|a, b| (&a.area, a.vintage).cmp(&(&b.area, b.vintage)));
        let mut years: Vec<i32> = figures.iter().map(|f| f.year).collect();
        years.sort_unstable();
        years.dedup();
        Self {
            areas,
            figures,
            unchanged: UnchangedAreas::new(),
            years,
            profiles: Computed::default(),
            trends: Computed::default(),
            maps: Computed::default(),
        }
    }

    /// The same figures, knowing which areas CBS did not change between vintages.
    pub fn with_unchanged(mut self, unchanged: UnchangedAreas) -> Self {
        self.unchanged = unchanged;
        self
    }

    pub fn unchanged(&self) -> &UnchangedAreas {
        &self.unchanged
    }

    /// The figures of the codes of `areas`, all years and every vintage
    /// stored: the aggregation takes each area's own vintage, and another
    /// one only where [`Self::unchanged`] says so.
    pub fn of(&self, areas: &[Area]) -> Vec<AreaFigure> {
        let mut out = Vec::new();
        let mut codes: Vec<_> = areas.iter().map(|a| &a.code).collect();
        codes.sort();
        codes.dedup();
        for code in codes {
            let start = self.figures.partition_point(|f| &f.area < code);
            let end = start + self.figures[start..].partition_point(|f| &f.area == code);
            out.extend_from_slice(&self.figures[start..end]);
        }
        out
    }

    /// The region's profile in `year`: the Kerncijfers of the latest year up
    /// to it and the latest health measurements (`Profile::as_of`).
    pub fn profile(&self, year: i32) -> Arc<Profile> {
        self.profiles.get_or(year, || Profile::as_of(&self.figures, &self.areas, year, &self.unchanged))
    }

    /// The region's profile to compare `subject` with: each figure of the
    /// same year as the subject's, since a wijk's latest measurement can be
    /// older than the region's (its buurten were not measured in 2022).
    pub fn reference_for(&self, subject: &Profile) -> Profile {
        let mut region = (*self.profile(subject.year)).clone();
        for (theirs, ours) in region.aggregates.iter_mut().zip(&subject.aggregates) {
            if theirs.indicator == ours.indicator && theirs.year != ours.year {
                *theirs = if ours.indicator.is_estimate() {
                    measurement(&self.figures, &self.areas, ours.year, ours.indicator, &self.unchanged)
                } else {
                    aggregate(&self.figures, &self.areas, ours.year, ours.indicator)
                };
            }
        }
        region
    }

    /// The region's trend of `indicator` over every year it has figures for.
    pub fn trend(&self, indicator: Indicator) -> Arc<Trend> {
        self.trends
            .get_or(indicator, || trend_across(&self.figures, &self.areas, indicator, &self.years, &self.unchanged))
    }

    /// `indicator` for each area of the region on its own, as the region's
    /// profile of `year` shows it: the year the values describe (the
    /// latest measurement of a health estimate), and the values.
    pub fn map(&self, year: i32, indicator: Indicator) -> Arc<AreaValues> {
        self.maps.get_or((year, indicator), || {
            let shown = self.profile(year).get(indicator).map_or(year, |a| a.year);
            let each = if indicator.is_estimate() {
                let measured = measured_figures(&self.figures, &self.areas, shown, indicator, &self.unchanged);
                aggregate_each(&measured, &self.areas, shown, indicator)
            } else {
                aggregate_each(&self.figures, &self.areas, shown, indicator)
            };
            (shown, self.areas.iter().cloned().zip(each).map(|(area, a)| (area, a.value.known())).collect())
        })
    }
}

/// Results by key, each computed the first time it is asked for. Two
/// requests asking at once may both compute it; the results are equal.
struct Computed<K, V>(Mutex<HashMap<K, Arc<V>>>);

impl<K, V> Default for Computed<K, V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash, V> Computed<K, V> {
    fn get_or(&self, key: K, compute: impl FnOnce() -> V) -> Arc<V> {
        if let Some(v) = self.0.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            return Arc::clone(v);
        }
        let v = Arc::new(compute());
        Arc::clone(self.0.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_insert(v))
    }
}

#[cfg(test)]
mod tests {
    use wijkregie_core::population::{trend, Source, Value};

    use super::*;

    fn area(code: &str, year: u16) -> Area {
        Area { code: code.parse().unwrap(), year }
    }

    fn figure(a: &Area, vintage: i32, year: i32, indicator: Indicator, n: i64) -> AreaFigure {
        AreaFigure {
            area: a.code.clone(),
            vintage,
            year,
            indicator,
            value: Value::Known(Number::from_int(n)),
            interval: None,
            source: Source { publisher: "CBS".into(), table: format!("Kerncijfers wijken en buurten {year}"), year },
        }
    }

    /// Three buurten, one of them also in an older vintage, over three years.
    fn region() -> (Vec<Area>, Vec<AreaFigure>) {
        let areas = vec![area("BU19920101", 2024), area("BU19920102", 2024), area("BU19920201", 2024)];
        let old = area("BU19920101", 2022);
        let mut figures = Vec::new();
        for (i, a) in areas.iter().enumerate() {
            for year in [2022, 2023] {
                figures.push(figure(a, 2024, year, Indicator::Inhabitants, 1_000 * (i as i64 + 1) + i64::from(year)));
                figures.push(figure(a, 2024, year, Indicator::Age65Plus, 200 * (i as i64 + 1)));
            }
        }
        figures.push(figure(&old, 2022, 2021, Indicator::Inhabitants, 999));
        // In no particular order, as the database returns them.
        figures.reverse();
        figures.swap(1, 7);
        (areas, figures)
    }

    #[test]
    fn the_figures_of_areas_are_those_of_their_codes_in_every_vintage() {
        let (areas, figures) = region();
        let kept = RegionFigures::new(areas.clone(), figures.clone());
        let asked = [areas[2].clone(), areas[0].clone(), areas[0].clone()];
        let mut got = kept.of(&asked);
        let mut expected: Vec<AreaFigure> = figures.iter().filter(|f| f.area != areas[1].code).cloned().collect();
        let key = |f: &AreaFigure| (f.area.clone(), f.vintage, f.year, f.indicator);
        got.sort_by_key(key);
        expected.sort_by_key(key);
        assert_eq!(got, expected, "each code once, with its figures of the older vintage too");
        assert_eq!(kept.of(&[area("BU19920101", 2022)]).len(), 5);
        assert!(kept.of(&[area("BU19929999", 2024)]).is_empty());
    }

    #[test]
    fn what_is_kept_equals_what_is_computed_afresh() {
        let (areas, figures) = region();
        let kept = RegionFigures::new(areas.clone(), figures.clone());
        for year in [2021, 2022, 2023] {
            let afresh = Profile::as_of(&figures, &areas, year, &UnchangedAreas::new());
            assert_eq!(*kept.profile(year), afresh, "{year}");
            assert_eq!(*kept.profile(year), *kept.profile(year), "asked twice");
            let shown = kept.map(year, Indicator::Share65Plus);
            let (shown_year, map) = &*shown;
            for a in &areas {
                let alone = aggregate(&figures, std::slice::from_ref(a), *shown_year, Indicator::Share65Plus);
                assert_eq!(map[a], alone.value.known(), "{year} {a:?}");
            }
        }
        let t = kept.trend(Indicator::Inhabitants);
        assert_eq!(*t, trend(&figures, &areas, Indicator::Inhabitants, &[2021, 2022, 2023]));
        assert_eq!(t.points.iter().map(|p| p.year).collect::<Vec<_>>(), [2022, 2023]);
        assert_eq!(t.points[1].value, Value::Known(Number::from_int(2_023 * 3 + 6_000)));
    }
}
