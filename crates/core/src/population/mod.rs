//! Population figures (CBS Kerncijfers wijken en buurten, RIVM/GGD health
//! estimates) per CBS area, aggregated to wijken and networks, compared with
//! the region or the Netherlands, followed over the years, and turned into
//! explained theme suggestions.
//!
//! Everything here is a pure function of the figures it is given: the store
//! reads them, `formats` parses them, pages show what comes out.
//! - [`number`]: exact fixed-point numbers (no floats in figures)
//! - [`indicator`]: what each figure measures and how it combines
//! - [`aggregate`]: the aggregation rules and a wijkprofiel ([`Profile`])
//! - [`latest`]: the newest figure up to a year, across sources and vintages
//! - [`compare`]: comparison with a reference and trends with the boundary caveat
//! - [`theme`]: rules as data and the suggestions they make

pub mod aggregate;
pub mod compare;
pub mod indicator;
pub mod latest;
pub mod number;
pub mod theme;

#[cfg(test)]
mod tests;

pub use aggregate::{
    aggregate, aggregate_each, network_areas, Aggregate, AreaFigure, Completeness, Interval, Profile, Source, Value,
};
pub use compare::{compare, trend, trend_across, Comparison, Reference, ReferenceLevel, StandsOut, Trend, TrendGap};
pub use indicator::{Base, Indicator, Measure, Unit};
pub use latest::{fullest_year, latest_measurement, measured_figures, measurement, population_year, UnchangedAreas};
pub use number::Number;
pub use theme::{default_rules, rule_set_problems, suggest, Condition, Suggestion, ThemeRule, Threshold, Trigger};
