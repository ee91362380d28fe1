//! The regional tariffs, as data per year: what a network receives per
//! registered patient per year for the module wijkmanagement (GP time) and
//! for an own coordinator (option B), from how many patients a network
//! qualifies, and how many hours an own coordinator must work.
//!
//! A year without tariffs of its own takes those of the latest earlier year
//! that has them (tariffs stay until the region changes them); before any
//! such year the regional defaults apply, from 2022 on. Before 2022 there
//! are no tariffs, so no statements.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::finance::money::Cents;

/// The first year of the regional arrangement.
pub const FIRST_YEAR: i32 = 2022;

/// Hours (in minutes) of an own coordinator below which there is no
/// coordinator payment: "minimaal 8 uur per week".
pub const DEFAULT_MIN_COORDINATOR_MINUTES: u32 = 8 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tariff {
    pub year: i32,
    /// Module wijkmanagement: per registered patient per year (EUR 2.24).
    pub gp_time: Cents,
    /// Coordinator option B: per registered patient per year (EUR 1.87).
    pub coordinator: Cents,
    /// Fewest registered patients for any payment (10,000).
    pub threshold_patients: u32,
    /// Fewest minutes per week for the coordinator payment (8 hours).
    pub min_coordinator_minutes: u32,
}

impl Tariff {
    pub fn default_for(year: i32) -> Tariff {
        Tariff {
            year,
            gp_time: Cents(224),
            coordinator: Cents(187),
            threshold_patients: crate::region::DEFAULT_PATIENT_THRESHOLD as u32,
            min_coordinator_minutes: DEFAULT_MIN_COORDINATOR_MINUTES,
        }
    }

    /// What makes a tariff unusable, with Dutch messages per field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if !(FIRST_YEAR..=2200).contains(&self.year) {
            problems.push(FieldError::new(
                "year",
                format!("tarieven gelden vanaf {FIRST_YEAR}; kies een jaar van {FIRST_YEAR} tot en met 2200"),
            ));
        }
        // A rate of 100 euros per patient per year is far beyond any regional
        // arrangement: a typo, likely a missing comma.
        for (field, rate) in [("gp_time", self.gp_time), ("coordinator", self.coordinator)] {
            if rate.0 < 0 || rate.0 > 10_000 {
                problems.push(FieldError::new(field, "het tarief ligt tussen € 0,00 en € 100,00 per patiënt per jaar"));
            }
        }
        if self.threshold_patients == 0 || self.threshold_patients > 1_000_000 {
            problems.push(FieldError::new("threshold_patients", "de drempel ligt tussen 1 en 1.000.000 patiënten"));
        }
        if self.min_coordinator_minutes > 60 * 60 || !self.min_coordinator_minutes.is_multiple_of(15) {
            problems.push(FieldError::new(
                "min_coordinator_minutes",
                "het minimum aantal uren ligt tussen 0 en 60, in hele kwartieren",
            ));
        }
        problems
    }
}

/// The tariffs the region set, by year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tariffs {
    set: Vec<Tariff>,
}

/// Where the tariff of a year comes from, for the tariffs page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Set for this very year.
    Set,
    /// Taken over from an earlier year's tariffs.
    CarriedFrom(i32),
    /// The regional defaults.
    Default,
}

impl Tariffs {
    pub fn new(mut set: Vec<Tariff>) -> Self {
        set.sort_by_key(|t| t.year);
        set.dedup_by_key(|t| t.year);
        Tariffs { set }
    }

    pub fn set(&self) -> &[Tariff] {
        &self.set
    }

    /// The tariff in force in `year`, or `None` before the arrangement began.
    pub fn for_year(&self, year: i32) -> Option<Tariff> {
        self.with_origin(year).map(|(t, _)| t)
    }

    pub fn with_origin(&self, year: i32) -> Option<(Tariff, Origin)> {
        if year < FIRST_YEAR {
            return None;
        }
        Some(match self.set.iter().rev().find(|t| t.year <= year) {
            Some(t) if t.year == year => (*t, Origin::Set),
            Some(t) => (Tariff { year, ..*t }, Origin::CarriedFrom(t.year)),
            None => (Tariff::default_for(year), Origin::Default),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_from_2022_and_nothing_before() {
        let t = Tariffs::default();
        assert_eq!(t.for_year(2021), None);
        let t2022 = t.for_year(2022).unwrap();
        assert_eq!((t2022.gp_time, t2022.coordinator), (Cents(224), Cents(187)));
        assert_eq!((t2022.threshold_patients, t2022.min_coordinator_minutes), (10_000, 480));
        assert_eq!(t.with_origin(2030).unwrap().1, Origin::Default);
    }

    #[test]
    fn a_set_year_holds_until_the_next_set_year() {
        let t = Tariffs::new(vec![
            Tariff { gp_time: Cents(240), ..Tariff::default_for(2028) },
            Tariff { gp_time: Cents(230), ..Tariff::default_for(2026) },
        ]);
        assert_eq!(t.for_year(2025).unwrap().gp_time, Cents(224));
        assert_eq!(
            t.with_origin(2026).unwrap(),
            (Tariff { gp_time: Cents(230), ..Tariff::default_for(2026) }, Origin::Set)
        );
        let (t2027, origin) = t.with_origin(2027).unwrap();
        assert_eq!((t2027.year, t2027.gp_time, origin), (2027, Cents(230), Origin::CarriedFrom(2026)));
        assert_eq!(t.for_year(2029).unwrap().gp_time, Cents(240));
    }

    #[test]
    fn problems_name_the_field() {
        let bad = Tariff {
            year: 2021,
            gp_time: Cents(22_400),
            threshold_patients: 0,
            min_coordinator_minutes: 7,
            ..Tariff::default_for(2021)
        };
        let fields: Vec<String> = bad.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["year", "gp_time", "threshold_patients", "min_coordinator_minutes"]);
        assert!(Tariff::default_for(2025).problems().is_empty());
    }
}
