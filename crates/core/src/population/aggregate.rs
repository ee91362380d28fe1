//! Figures per CBS area, and their aggregation to a set of areas (a wijk, or
//! the wijken of a network).
//!
//! The rules, each for a reason:
//! - Counts are summed.
//! - Shares are recomputed from the summed counts, never averaged: the mean
//!   of two buurten's percentages gives a buurt of 40 people as much say as
//!   one of 4,000.
//! - Published percentages, health estimates and average amounts are
//!   weighted by the population they describe (households, inhabitants of 15
//!   and over, of 65 and over, all inhabitants; see [`Base`]), which is the
//!   same as turning them back into counts and dividing again.
//! - A density is the summed population over the summed land area, each
//!   area's land area recovered as its population over its density.
//! - A part is one area. It is unknown when CBS or RIVM suppressed the figure
//!   (small numbers), when it is missing, or when a count it needs (a
//!   denominator, a weight) is unknown. The aggregate is then computed from
//!   the known parts and marked incomplete, with the number of parts and,
//!   when known, the inhabitants that are missing; with no known part it is
//!   [`Value::Unknown`].
//! - Only figures of the area's own vintage (boundaries of a given year)
//!   count: a buurt code can cover another territory in another year.
//!
//! **Intervals.** A combined 95% interval is the weighted mean of the lower
//! bounds and of the upper bounds. That is exact if the areas' errors were
//! perfectly correlated and wider than the truth otherwise (independent
//! errors would partly cancel). RIVM's small-area estimates share one model,
//! so their errors are correlated to an unknown degree; we take the side
//! that never makes a wijk look more certain than it is. When any known part
//! lacks an interval, the aggregate has none.
//!
//! Figures are expected to be unique per area, vintage, year and indicator
//! (the store's key); should a duplicate slip in, the first one counts.

use serde::{Deserialize, Serialize};

use super::compare::TrendGap;
use super::indicator::{Base, Indicator, Measure};
use super::latest::{self, UnchangedAreas};
use super::number::Number;
use crate::codes::CbsCode;
use crate::region::{Area, Network, Wijk};

/// A figure's value: known exactly, or unknown (suppressed or not published).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Known(Number),
    Unknown,
}

impl Value {
    pub fn known(self) -> Option<Number> {
        match self {
            Value::Known(n) => Some(n),
            Value::Unknown => None,
        }
    }
}

/// A 95% interval around an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub low: Number,
    pub high: Number,
}

impl Interval {
    pub fn contains(self, n: Number) -> bool {
        self.low <= n && n <= self.high
    }
}

/// Where a figure comes from, shown next to every figure and suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    /// `CBS`, `RIVM`, `GGD …`.
    pub publisher: String,
    /// The table or product, e.g. `Kerncijfers wijken en buurten 2023`.
    pub table: String,
    /// The year the publisher released it.
    pub year: i32,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // "Kerncijfers wijken en buurten 2024" already names its year.
        if self.table.ends_with(&self.year.to_string()) {
            write!(f, "{}, {}", self.publisher, self.table)
        } else {
            write!(f, "{}, {} ({})", self.publisher, self.table, self.year)
        }
    }
}

/// One figure for one CBS area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaFigure {
    pub area: CbsCode,
    /// The year whose boundaries `area` refers to.
    pub vintage: i32,
    /// The year the figure describes.
    pub year: i32,
    pub indicator: Indicator,
    pub value: Value,
    /// Only for estimates.
    pub interval: Option<Interval>,
    pub source: Source,
}

/// How much of an aggregate rests on known figures.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Completeness {
    pub known_parts: u32,
    pub total_parts: u32,
    /// Inhabitants of the areas whose part is unknown, if all of those are known.
    pub missing_population: Option<u64>,
    /// The areas whose part is unknown, in code order.
    pub missing_areas: Vec<CbsCode>,
}

impl Completeness {
    /// Every part known, and there was at least one.
    pub fn is_complete(&self) -> bool {
        self.total_parts > 0 && self.known_parts == self.total_parts
    }
}

/// An indicator for a set of areas in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    pub indicator: Indicator,
    pub year: i32,
    pub value: Value,
    pub interval: Option<Interval>,
    pub completeness: Completeness,
    /// Every source a known part used (the figure, its counts and weights), sorted.
    pub sources: Vec<Source>,
}

impl Aggregate {
    /// A figure that is published for a whole territory rather than summed
    /// from areas, such as the Netherlands-wide figure.
    pub fn published(
        indicator: Indicator,
        year: i32,
        value: Value,
        interval: Option<Interval>,
        source: Source,
    ) -> Aggregate {
        let known = u32::from(value.known().is_some());
        Aggregate {
            indicator,
            year,
            value,
            interval,
            completeness: Completeness {
                known_parts: known,
                total_parts: 1,
                missing_population: if known == 1 { Some(0) } else { None },
                missing_areas: Vec::new(),
            },
            sources: vec![source],
        }
    }
}

/// Aggregates `indicator` in `year` over `areas`, each taken in its own
/// vintage. Duplicate areas count once.
pub fn aggregate(figures: &[AreaFigure], areas: &[Area], year: i32, indicator: Indicator) -> Aggregate {
    aggregate_sorted(figures.iter(), &sorted_areas(areas), year, indicator)
}

/// `indicator` in `year` for each of `areas` on its own (a map), in the
/// order of `areas`. One pass groups the figures by area, so a map of a
/// whole region costs about one aggregate of it, not one per area.
pub fn aggregate_each(figures: &[AreaFigure], areas: &[Area], year: i32, indicator: Indicator) -> Vec<Aggregate> {
    let sorted = sorted_areas(areas);
    let mut per_area: Vec<Vec<&AreaFigure>> = vec![Vec::new(); sorted.len()];
    for f in figures.iter().filter(|f| f.year == year) {
        if let Some(i) = position(&sorted, f) {
            per_area[i].push(f);
        }
    }
    areas
        .iter()
        .map(|area| {
            let i = sorted.binary_search(&area).expect("every area is in its own sorted list");
            aggregate_sorted(per_area[i].iter().copied(), std::slice::from_ref(&area), year, indicator)
        })
        .collect()
}

/// The areas of a network: those of its wijken, each once. Wijken of other
/// networks in `wijken` are ignored, as are codes no wijk has.
pub fn network_areas(network: &Network, wijken: &[Wijk]) -> Vec<Area> {
    let mut areas: Vec<Area> =
        wijken.iter().filter(|w| network.wijken.contains(&w.code)).flat_map(|w| w.areas.iter().cloned()).collect();
    areas.sort();
    areas.dedup();
    areas
}

pub(crate) fn sorted_areas(areas: &[Area]) -> Vec<&Area> {
    let mut sorted: Vec<&Area> = areas.iter().collect();
    sorted.sort();
    sorted.dedup();
    sorted
}

/// Where `figure`'s area is in `areas`, if it is one of them in its own vintage.
fn position(areas: &[&Area], figure: &AreaFigure) -> Option<usize> {
    areas.binary_search_by(|a| (&a.code, i32::from(a.year)).cmp(&(&figure.area, figure.vintage))).ok()
}

/// The most counts a [`Base`] is the sum of (15+ is four CBS age bands).
pub(crate) const MAX_BASE_PARTS: usize = 4;

/// The figures of one area that an aggregate needs; only known values are kept.
#[derive(Clone, Copy, Default)]
struct Slot<'a> {
    main: Option<&'a AreaFigure>,
    denominator: Option<&'a AreaFigure>,
    weight: [Option<&'a AreaFigure>; MAX_BASE_PARTS],
    inhabitants: Option<&'a AreaFigure>,
}

/// Which indicators fill which place of a [`Slot`].
struct Roles {
    main: Indicator,
    denominator: Option<Indicator>,
    weight: &'static [Indicator],
}

impl Roles {
    fn of(indicator: Indicator) -> Roles {
        match indicator.measure() {
            Measure::Count => Roles { main: indicator, denominator: None, weight: &[] },
            Measure::Share { numerator, denominator } => {
                Roles { main: numerator, denominator: Some(denominator), weight: &[] }
            }
            Measure::Percentage { base }
            | Measure::Estimate { base }
            | Measure::Amount { base }
            | Measure::Density { base } => Roles { main: indicator, denominator: None, weight: base.parts() },
        }
    }

    fn concerns(&self, indicator: Indicator) -> bool {
        indicator == self.main
            || Some(indicator) == self.denominator
            || indicator == Indicator::Inhabitants
            || self.weight.contains(&indicator)
    }

    fn record<'a>(&self, slot: &mut Slot<'a>, figure: &'a AreaFigure) {
        // One figure can fill several places: inhabitants are a count, the
        // denominator of shares and the weight of amounts all at once.
        let keep_first = |place: &mut Option<&'a AreaFigure>| {
            place.get_or_insert(figure);
        };
        if figure.indicator == self.main {
            keep_first(&mut slot.main);
        }
        if Some(figure.indicator) == self.denominator {
            keep_first(&mut slot.denominator);
        }
        if figure.indicator == Indicator::Inhabitants {
            keep_first(&mut slot.inhabitants);
        }
        if let Some(i) = self.weight.iter().position(|w| *w == figure.indicator) {
            keep_first(&mut slot.weight[i]);
        }
    }
}

fn known(figure: Option<&AreaFigure>) -> Option<i128> {
    figure.and_then(|f| f.value.known()).map(|n| i128::from(n.thousandths()))
}

/// Land areas are kept in billionths of a km², so that rounding the
/// recovered area of a buurt of a few inhabitants changes nothing shown.
const AREA_SCALE: i128 = 1_000_000_000;

/// One area's contribution, in thousandths (products in millionths, land
/// areas in [`AREA_SCALE`]).
struct Part {
    numerator: i128,
    denominator: i128,
    interval: Option<(i128, i128)>,
}

fn part(slot: &Slot, measure: Measure, weight_parts: usize) -> Option<Part> {
    let value = known(slot.main)?;
    match measure {
        Measure::Count => Some(Part { numerator: value, denominator: 0, interval: None }),
        Measure::Share { .. } => Some(Part { numerator: value, denominator: known(slot.denominator)?, interval: None }),
        Measure::Percentage { .. } | Measure::Estimate { .. } | Measure::Amount { .. } => {
            let mut weight = 0;
            for w in &slot.weight[..weight_parts] {
                weight += known(*w)?;
            }
            let interval = slot
                .main
                .and_then(|f| f.interval)
                .map(|i| (i128::from(i.low.thousandths()) * weight, i128::from(i.high.thousandths()) * weight));
            Some(Part { numerator: value * weight, denominator: weight, interval })
        }
        Measure::Density { .. } => {
            let mut population = 0;
            for w in &slot.weight[..weight_parts] {
                population += known(*w)?;
            }
            // A density of 0 (no inhabitants, or a few on a large area that
            // CBS rounded down) says nothing about the land area, so the
            // area counts as an unknown part rather than as no land at all.
            if value <= 0 {
                return None;
            }
            let land_area = super::number::div_round(population * AREA_SCALE, value);
            Some(Part { numerator: population, denominator: land_area, interval: None })
        }
    }
}

/// Aggregates over `areas`, sorted and without duplicates ([`sorted_areas`]).
pub(crate) fn aggregate_sorted<'a>(
    figures: impl IntoIterator<Item = &'a AreaFigure>,
    areas: &[&Area],
    year: i32,
    indicator: Indicator,
) -> Aggregate {
    let measure = indicator.measure();
    let roles = Roles::of(indicator);
    let mut slots = vec![Slot::default(); areas.len()];
    for figure in figures {
        if figure.year != year || figure.value == Value::Unknown || !roles.concerns(figure.indicator) {
            continue;
        }
        let found = areas.binary_search_by(|a| (&a.code, i32::from(a.year)).cmp(&(&figure.area, figure.vintage)));
        if let Ok(i) = found {
            roles.record(&mut slots[i], figure);
        }
    }

    let weight_parts = roles.weight.len();
    let (mut numerator, mut denominator) = (0i128, 0i128);
    let (mut low, mut high) = (0i128, 0i128);
    let mut every_part_has_interval = true;
    let mut completeness = Completeness {
        total_parts: u32::try_from(areas.len()).unwrap_or(u32::MAX),
        missing_population: Some(0),
        ..Completeness::default()
    };
    let mut sources: Vec<Source> = Vec::new();
    for (area, slot) in areas.iter().zip(&slots) {
        match part(slot, measure, weight_parts) {
            Some(p) => {
                completeness.known_parts += 1;
                numerator += p.numerator;
                denominator += p.denominator;
                match p.interval {
                    Some((l, h)) => {
                        low += l;
                        high += h;
                    }
                    None => every_part_has_interval = false,
                }
                let used = [slot.main, slot.denominator].into_iter().chain(slot.weight[..weight_parts].iter().copied());
                for figure in used.flatten() {
                    if !sources.contains(&figure.source) {
                        sources.push(figure.source.clone());
                    }
                }
            }
            None => {
                completeness.missing_areas.push(area.code.clone());
                let inhabitants = known(slot.inhabitants).and_then(|t| u64::try_from(t / 1000).ok());
                completeness.missing_population =
                    completeness.missing_population.zip(inhabitants).map(|(sum, n)| sum + n);
            }
        }
    }
    sources.sort();

    let value = if completeness.known_parts == 0 {
        None
    } else {
        match measure {
            Measure::Count => Some(Number::saturating(numerator)),
            Measure::Share { .. } => Number::ratio(numerator, denominator, 100_000),
            Measure::Density { .. } => Number::ratio(numerator, denominator, AREA_SCALE),
            _ => Number::ratio(numerator, denominator, 1),
        }
    };
    let interval = match (value, measure) {
        (Some(_), Measure::Estimate { .. }) if every_part_has_interval => {
            match (Number::ratio(low, denominator, 1), Number::ratio(high, denominator, 1)) {
                (Some(low), Some(high)) => Some(Interval { low, high }),
                _ => None,
            }
        }
        _ => None,
    };
    Aggregate { indicator, year, value: value.map_or(Value::Unknown, Value::Known), interval, completeness, sources }
}

/// Every indicator for one set of areas in one year: what a wijkprofiel shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub year: i32,
    /// In the order of [`Indicator::ALL`].
    pub aggregates: Vec<Aggregate>,
    /// Health estimates with no measurement up to `year`, and why.
    #[serde(default)]
    pub gaps: Vec<(Indicator, TrendGap)>,
}

impl Profile {
    pub fn build(figures: &[AreaFigure], areas: &[Area], year: i32) -> Profile {
        let areas = sorted_areas(areas);
        // One pass picks this year's figures of these areas, so each
        // indicator then looks at a few hundred figures, not the whole region.
        let ours: Vec<&AreaFigure> =
            figures.iter().filter(|f| f.year == year && position(&areas, f).is_some()).collect();
        let aggregates = Indicator::ALL
            .iter()
            .map(|indicator| aggregate_sorted(ours.iter().copied(), &areas, year, *indicator))
            .collect();
        Profile { year, aggregates, gaps: Vec::new() }
    }

    /// What a year's wijkprofiel shows: the Kerncijfers of the latest year
    /// up to `year` that has them, and each health estimate as most
    /// recently measured up to `year`, also in another vintage where CBS did
    /// not change the area (see [`super::latest`]). Each aggregate carries
    /// the year it describes.
    ///
    /// A year with only health figures (RIVM 2020 next to KWB 2019) takes
    /// the population figures of the year before: someone who picks 2020
    /// wants the newest picture known for 2020, and health figures without
    /// the wijk's size and make-up beside them are hard to read.
    pub fn as_of(figures: &[AreaFigure], areas: &[Area], year: i32, unchanged: &UnchangedAreas) -> Profile {
        let population = latest::population_year(figures, areas, year).unwrap_or(year);
        let mut profile = Profile::build(figures, areas, population);
        profile.year = year;
        for a in &mut profile.aggregates {
            if !a.indicator.is_estimate() {
                continue;
            }
            match latest::latest_measurement(figures, areas, year, a.indicator, unchanged) {
                Some(measured) => *a = latest::measurement(figures, areas, measured, a.indicator, unchanged),
                None => {
                    a.year = year;
                    profile.gaps.push((a.indicator, unmeasured(figures, areas, year, a.indicator)));
                }
            }
        }
        profile
    }

    /// A profile from figures published for the whole territory at once
    /// (the Netherlands), one aggregate per indicator.
    pub fn published(year: i32, aggregates: Vec<Aggregate>) -> Profile {
        Profile { year, aggregates, gaps: Vec::new() }
    }

    /// The profile of a territory published as a whole (the Netherlands):
    /// figures as given, and shares recomputed from its counts as for any
    /// set of areas. The territory stands in as one area with a code no CBS
    /// area has (`GM0000`), which never leaves this function.
    pub fn territory(year: i32, figures: &[(Indicator, Value, Option<Interval>, Source)]) -> Profile {
        let area = Area { code: "GM0000".parse().expect("a well-formed code"), year: 0 };
        let as_area: Vec<AreaFigure> = figures
            .iter()
            .map(|(indicator, value, interval, source)| AreaFigure {
                area: area.code.clone(),
                vintage: 0,
                year,
                indicator: *indicator,
                value: *value,
                interval: *interval,
                source: source.clone(),
            })
            .collect();
        let mut profile = Profile::build(&as_area, std::slice::from_ref(&area), year);
        for a in &mut profile.aggregates {
            a.completeness.missing_areas.clear();
            // What was published for the whole is the figure, weights or not.
            if let Some((indicator, value, interval, source)) = figures.iter().find(|f| f.0 == a.indicator) {
                *a = Aggregate::published(*indicator, year, *value, *interval, source.clone());
            }
        }
        profile
    }

    pub fn get(&self, indicator: Indicator) -> Option<&Aggregate> {
        self.aggregates.iter().find(|a| a.indicator == indicator)
    }

    /// Why `indicator` has no figure, if it is a health estimate that was
    /// not measured up to the profile's year.
    pub fn gap(&self, indicator: Indicator) -> Option<&TrendGap> {
        self.gaps.iter().find(|(i, _)| *i == indicator).map(|(_, g)| g)
    }
}

/// Why no measurement of `indicator` up to `year` describes `areas`: there
/// is one for the same codes in a vintage not known to be unchanged, or none.
fn unmeasured(figures: &[AreaFigure], areas: &[Area], year: i32, indicator: Indicator) -> TrendGap {
    // A set, not a scan of `areas` per figure: the region's profile asks
    // this for a few hundred areas and tens of thousands of figures.
    let codes: std::collections::BTreeSet<&CbsCode> = areas.iter().map(|a| &a.code).collect();
    let elsewhere: Vec<&AreaFigure> =
        figures.iter().filter(|f| f.indicator == indicator && f.year <= year && codes.contains(&f.area)).collect();
    match elsewhere.iter().map(|f| f.year).max() {
        Some(latest) => {
            let vintages: std::collections::BTreeSet<i32> =
                elsewhere.iter().filter(|f| f.year == latest).map(|f| f.vintage).collect();
            TrendGap::OtherBoundaries { year: latest, vintages: vintages.into_iter().collect() }
        }
        None => TrendGap::NoFigures { year },
    }
}

/// The population a weighted figure is taken over, for showing next to it.
pub fn weighted_by(indicator: Indicator) -> Option<Base> {
    match indicator.measure() {
        Measure::Percentage { base }
        | Measure::Estimate { base }
        | Measure::Amount { base }
        | Measure::Density { base } => Some(base),
        Measure::Count | Measure::Share { .. } => None,
    }
}
