//! Comparing an area set with its region or the Netherlands, and following
//! it over the years.
//!
//! **When an estimate stands out.** We say an area's health estimate stands
//! out when the reference value lies outside the area's 95% interval, not
//! when two intervals fail to overlap. The region's and the country's
//! figures rest on many more respondents, so their own uncertainty is small
//! next to a wijk's; treating them as fixed is the usual one-sample reading.
//! Requiring non-overlapping intervals would be far stricter than 95% (for
//! two equal intervals it is about 99.4%) and hide real differences.
//! Counts, shares and amounts are complete counts or register data: their
//! difference is shown (in percentage points for percentages) without any
//! claim of significance ([`StandsOut::NotAssessed`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::aggregate::{aggregate_sorted, sorted_areas, Aggregate, AreaFigure, Profile, Value};
use super::indicator::{Indicator, Measure};
use super::latest::{latest_measurement, measurement, UnchangedAreas};
use super::number::Number;
use crate::region::Area;

/// What an area set is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceLevel {
    Region,
    Netherlands,
}

impl ReferenceLevel {
    /// As it reads in a sentence: "hoger dan in de regio".
    pub fn label(self) -> &'static str {
        match self {
            ReferenceLevel::Region => "de regio",
            ReferenceLevel::Netherlands => "Nederland",
        }
    }
}

/// The region's or the country's profile for the same year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub level: ReferenceLevel,
    pub profile: Profile,
}

/// Whether an estimate differs from the reference beyond its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandsOut {
    /// Not an estimate, or no interval to judge by.
    NotAssessed,
    /// The reference lies within the area's interval.
    No,
    /// The area is higher: the reference lies below its interval.
    Above,
    /// The area is lower: the reference lies above its interval.
    Below,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub indicator: Indicator,
    pub level: ReferenceLevel,
    pub value: Number,
    pub reference_value: Number,
    /// `value - reference_value`; percentage points for percentages.
    pub difference: Number,
    pub stands_out: StandsOut,
    /// Both sides rest on all their parts.
    pub complete: bool,
}

impl Comparison {
    pub fn stands_out(&self) -> bool {
        matches!(self.stands_out, StandsOut::Above | StandsOut::Below)
    }
}

/// Compares two aggregates of the same indicator and year; `None` when the
/// indicators or years differ or either value is unknown. Years can differ
/// since a profile carries the latest health measurement: a wijk measured
/// in 2020 is not compared with a region measured in 2022.
pub fn compare(area: &Aggregate, reference: &Aggregate, level: ReferenceLevel) -> Option<Comparison> {
    if area.indicator != reference.indicator || area.year != reference.year {
        return None;
    }
    let (Value::Known(value), Value::Known(reference_value)) = (area.value, reference.value) else {
        return None;
    };
    let stands_out = match (area.indicator.measure(), area.interval) {
        (Measure::Estimate { .. }, Some(interval)) if reference_value < interval.low => StandsOut::Above,
        (Measure::Estimate { .. }, Some(interval)) if reference_value > interval.high => StandsOut::Below,
        (Measure::Estimate { .. }, Some(_)) => StandsOut::No,
        _ => StandsOut::NotAssessed,
    };
    Some(Comparison {
        indicator: area.indicator,
        level,
        value,
        reference_value,
        difference: value.minus(reference_value),
        stands_out,
        complete: area.completeness.is_complete() && reference.completeness.is_complete(),
    })
}

/// Why a year has no point in a trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum TrendGap {
    /// Figures exist for the municipality, but only in other boundaries.
    OtherBoundaries { year: i32, vintages: Vec<i32> },
    /// No figures at all for the areas or their municipality.
    NoFigures { year: i32 },
}

impl TrendGap {
    pub fn year(&self) -> i32 {
        match self {
            TrendGap::OtherBoundaries { year, .. } | TrendGap::NoFigures { year } => *year,
        }
    }
}

/// An indicator over the years for one set of areas, in the areas' own
/// boundaries only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    pub indicator: Indicator,
    /// One aggregate per year that has at least one known part, by year.
    pub points: Vec<Aggregate>,
    /// Years that cannot be compared, by year.
    pub gaps: Vec<TrendGap>,
}

impl Trend {
    /// The caveat shown under a trend chart, in Dutch; `None` when every year
    /// could be compared.
    pub fn caveat(&self) -> Option<String> {
        let other: Vec<String> = self
            .gaps
            .iter()
            .filter(|g| matches!(g, TrendGap::OtherBoundaries { .. }))
            .map(|g| g.year().to_string())
            .collect();
        let none: Vec<String> = self
            .gaps
            .iter()
            .filter(|g| matches!(g, TrendGap::NoFigures { .. }))
            .map(|g| g.year().to_string())
            .collect();
        let mut parts = Vec::new();
        if !other.is_empty() {
            parts.push(format!(
                "Voor {} zijn er alleen cijfers in een andere gebiedsindeling; die zijn niet te vergelijken.",
                other.join(", ")
            ));
        }
        if !none.is_empty() {
            parts.push(format!("Voor {} zijn er geen cijfers.", none.join(", ")));
        }
        let incomplete = self.points.iter().filter(|p| !p.completeness.is_complete()).count();
        if incomplete > 0 {
            parts.push(format!("{incomplete} jaar of jaren berusten niet op alle gebieden."));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// The indicator in each of `years` for `areas`. Boundaries change (CBS
/// redraws buurten, municipalities merge), so only figures of each area's
/// own vintage are used; a year without them is reported as a gap, naming
/// the vintages that do exist in the same municipalities.
pub fn trend(figures: &[AreaFigure], areas: &[Area], indicator: Indicator, years: &[i32]) -> Trend {
    trend_across(figures, areas, indicator, years, &UnchangedAreas::new())
}

/// As [`trend`], with a health estimate taken as measured in each year the
/// way a profile shows it (`Profile::as_of`): also from another vintage
/// where the area did not change, weighted by the nearest year's counts.
pub fn trend_across(
    figures: &[AreaFigure],
    areas: &[Area],
    indicator: Indicator,
    years: &[i32],
    unchanged: &UnchangedAreas,
) -> Trend {
    let sorted = sorted_areas(areas);
    let mut years = years.to_vec();
    years.sort_unstable();
    years.dedup();
    let mut trend = Trend { indicator, points: Vec::new(), gaps: Vec::new() };
    let own: BTreeSet<i32> = sorted.iter().map(|a| i32::from(a.year)).collect();
    for year in years {
        let measured =
            indicator.is_estimate() && latest_measurement(figures, areas, year, indicator, unchanged) == Some(year);
        let point = if measured {
            measurement(figures, areas, year, indicator, unchanged)
        } else {
            aggregate_sorted(figures, &sorted, year, indicator)
        };
        if point.completeness.known_parts > 0 {
            trend.points.push(point);
            continue;
        }
        let vintages: BTreeSet<i32> = figures
            .iter()
            .filter(|f| f.year == year && !own.contains(&f.vintage))
            .filter(|f| sorted.iter().any(|a| municipality_number(&a.code) == municipality_number(&f.area)))
            .map(|f| f.vintage)
            .collect();
        trend.gaps.push(if vintages.is_empty() {
            TrendGap::NoFigures { year }
        } else {
            TrendGap::OtherBoundaries { year, vintages: vintages.into_iter().collect() }
        });
    }
    trend
}

fn municipality_number(code: &crate::codes::CbsCode) -> &str {
    &code.as_str()[2..6]
}
