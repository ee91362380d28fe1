//! The newest figure up to a year, across the rhythms of the sources.
//!
//! CBS publishes the Kerncijfers every year; RIVM's Gezondheidsmonitor
//! measures every two to four years (2012, 2016, 2020, 2022). A year's
//! profile therefore shows the year's population figures next to the most
//! recent health measurement up to that year, each aggregate carrying the
//! year it describes, so a page can say "gemeten in 2020".
//!
//! **Other vintages.** RIVM publishes each measurement in its own year's
//! area definitions, so a 2020 measurement arrives in the 2020 vintage
//! while the wijk may be made of 2019 areas. A figure of another vintage is
//! used for an area only when it is known that CBS did not change that area
//! between the two vintages ([`UnchangedAreas`]); otherwise the code may
//! cover another territory and the figure is left out.
//!
//! **Weights.** An estimate is weighted by the inhabitants of its age group
//! (see [`super::aggregate`]). The measurement year often has no
//! Kerncijfers yet (RIVM 2020 next to KWB 2019), so each area's weights are
//! its counts of the nearest year: the latest one up to the measurement,
//! else the first one after it. Weights only matter relative to each other
//! and move by a few percent a year, far less than an estimate's interval.
//! Because the choice depends only on the area and the measurement, a
//! measurement shows the same number on every page and in every year's
//! profile that carries it.

use std::collections::{BTreeMap, BTreeSet};

use super::aggregate::{aggregate, AreaFigure, Value};
use super::indicator::{Indicator, Measure};
use crate::codes::CbsCode;
use crate::region::Area;

/// Pairs of vintages in which an area code covers the same territory:
/// CBS reported no change (`IndelingswijzigingWijkenEnBuurten`), or the
/// area has the same code and name in both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnchangedAreas(BTreeSet<(CbsCode, i32, i32)>);

impl UnchangedAreas {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `code` is the same area in vintages `a` and `b`.
    pub fn insert(&mut self, code: &CbsCode, a: i32, b: i32) {
        if a != b {
            self.0.insert((code.clone(), a.min(b), a.max(b)));
        }
    }

    /// Whether a figure of `code` in vintage `other` describes the area
    /// `code` of vintage `own` (always so for its own vintage).
    pub fn contains(&self, code: &CbsCode, own: i32, other: i32) -> bool {
        own == other || self.0.contains(&(code.clone(), own.min(other), own.max(other)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether `figure` describes `area`: its own vintage, or one in which CBS
/// did not change it.
pub fn describes(figure: &AreaFigure, area: &Area, unchanged: &UnchangedAreas) -> bool {
    figure.area == area.code && unchanged.contains(&area.code, i32::from(area.year), figure.vintage)
}

/// The areas by code, so a figure of any vintage finds the areas it may describe.
fn by_code(areas: &[Area]) -> BTreeMap<&CbsCode, Vec<&Area>> {
    let mut out: BTreeMap<&CbsCode, Vec<&Area>> = BTreeMap::new();
    for a in areas {
        let list = out.entry(&a.code).or_default();
        if !list.contains(&a) {
            list.push(a);
        }
    }
    out
}

/// The year of the newest measurement of `indicator` up to `year` for any
/// of `areas`. A suppressed figure counts as a measurement: a wijk whose
/// 2020 estimate RIVM hid must not show its 2016 one as if current.
pub fn latest_measurement(
    figures: &[AreaFigure],
    areas: &[Area],
    year: i32,
    indicator: Indicator,
    unchanged: &UnchangedAreas,
) -> Option<i32> {
    let codes = by_code(areas);
    figures
        .iter()
        .filter(|f| f.indicator == indicator && f.year <= year)
        .filter(|f| codes.get(&f.area).is_some_and(|list| list.iter().any(|a| describes(f, a, unchanged))))
        .map(|f| f.year)
        .max()
}

/// The figures that make `indicator` as measured in `measured` for `areas`,
/// restated so that [`aggregate`] combines them as usual: each area's
/// estimate (its own vintage first, else an unchanged one) in the area's
/// own vintage, and the counts it is weighted by from the nearest year that
/// has them (see the module's note on weights), dated `measured`.
pub fn measured_figures(
    figures: &[AreaFigure],
    areas: &[Area],
    measured: i32,
    indicator: Indicator,
    unchanged: &UnchangedAreas,
) -> Vec<AreaFigure> {
    let weights: Vec<Indicator> = match indicator.measure() {
        Measure::Estimate { base } | Measure::Percentage { base } | Measure::Amount { base } => {
            base.parts().iter().copied().chain([Indicator::Inhabitants]).collect()
        }
        _ => vec![Indicator::Inhabitants],
    };
    let codes = by_code(areas);
    // Per area: its estimate (own vintage preferred), and the years it has
    // counts for (told by its inhabitants, which every Kerncijfers year has).
    let mut estimate: BTreeMap<&Area, &AreaFigure> = BTreeMap::new();
    let mut count_years: BTreeMap<&Area, BTreeSet<i32>> = BTreeMap::new();
    for f in figures {
        // The cheap tests first: most of a region's figures are neither.
        let is_estimate = f.indicator == indicator && f.year == measured;
        if !is_estimate && f.indicator != Indicator::Inhabitants {
            continue;
        }
        let Some(list) = codes.get(&f.area) else { continue };
        for area in list {
            let own = i32::from(area.year);
            if is_estimate && describes(f, area, unchanged) {
                let kept = estimate.entry(area).or_insert(f);
                if f.vintage == own && kept.vintage != own {
                    *kept = f;
                }
            } else if f.indicator == Indicator::Inhabitants && f.vintage == own && f.value != Value::Unknown {
                count_years.entry(area).or_default().insert(f.year);
            }
        }
    }
    let weight_year: BTreeMap<&Area, i32> = estimate
        .keys()
        .filter_map(|area| {
            let years = count_years.get(area)?;
            let nearest = years.range(..=measured).next_back().or_else(|| years.range(measured..).next())?;
            Some((*area, *nearest))
        })
        .collect();
    let mut out: Vec<AreaFigure> =
        estimate.iter().map(|(area, f)| AreaFigure { vintage: i32::from(area.year), ..(*f).clone() }).collect();
    for f in figures.iter().filter(|f| weights.contains(&f.indicator)) {
        let Some(list) = codes.get(&f.area) else { continue };
        for area in list {
            if f.vintage == i32::from(area.year) && weight_year.get(area) == Some(&f.year) {
                out.push(AreaFigure { year: measured, ..f.clone() });
            }
        }
    }
    out
}

/// The year a profile opens on: the one with the fullest picture, counting
/// the Kerncijfers it shows (the latest year up to it) and the health
/// estimates measured up to it, the later year on a tie. One pass over the
/// figures, rather than a profile per year.
pub fn fullest_year(figures: &[AreaFigure], areas: &[Area], years: &[i32], unchanged: &UnchangedAreas) -> Option<i32> {
    let codes = by_code(areas);
    let mut counts: BTreeMap<i32, BTreeSet<Indicator>> = BTreeMap::new();
    let mut measured: BTreeMap<Indicator, i32> = BTreeMap::new();
    for f in figures.iter().filter(|f| f.value != Value::Unknown) {
        let Some(list) = codes.get(&f.area) else { continue };
        if f.indicator.is_estimate() {
            // The first year each estimate is known: from then on a profile shows one.
            if list.iter().any(|a| describes(f, a, unchanged)) {
                measured.entry(f.indicator).and_modify(|first| *first = (*first).min(f.year)).or_insert(f.year);
            }
        } else if list.iter().any(|a| i32::from(a.year) == f.vintage) {
            counts.entry(f.year).or_default().insert(f.indicator);
        }
    }
    years
        .iter()
        .map(|y| {
            let population = counts.range(..=*y).next_back().map_or(0, |(_, set)| set.len());
            let health = measured.values().filter(|first| **first <= *y).count();
            (population + health, *y)
        })
        .max()
        .map(|(_, y)| y)
}

/// `indicator` as measured in `measured` for `areas` (see [`measured_figures`]).
pub fn measurement(
    figures: &[AreaFigure],
    areas: &[Area],
    measured: i32,
    indicator: Indicator,
    unchanged: &UnchangedAreas,
) -> super::aggregate::Aggregate {
    aggregate(&measured_figures(figures, areas, measured, indicator, unchanged), areas, measured, indicator)
}

/// The latest year up to `year` with any Kerncijfers figure (anything but
/// a health estimate) for `areas` in their own vintage.
pub fn population_year(figures: &[AreaFigure], areas: &[Area], year: i32) -> Option<i32> {
    let codes = by_code(areas);
    figures
        .iter()
        .filter(|f| f.year <= year && !f.indicator.is_estimate())
        .filter(|f| codes.get(&f.area).is_some_and(|list| list.iter().any(|a| i32::from(a.year) == f.vintage)))
        .map(|f| f.year)
        .max()
}
