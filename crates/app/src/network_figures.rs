//! A network's figures as every page shows them: its registered patients
//! on a day, its member practices and the threshold of that day's year.
//!
//! A network's total is one number for everyone who may see the network:
//! it is summed over all its member practices, whatever the viewer may open
//! of each practice. Scope hides practice-level detail (a practice's own
//! count, its page), never the total. The threshold is the one the payment
//! statements use (the tariff of the year), so a page never says "haalt de
//! drempel" for a network that the statement pays nothing for being too small.

use chrono::{Datelike, NaiveDate};
use wijkregie_core::finance::Tariffs;
use wijkregie_core::region::{Network, Practice, DEFAULT_PATIENT_THRESHOLD};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkFigures {
    pub date: NaiveDate,
    /// Over every practice that is a member on `date`: each one's latest
    /// count on or before that day.
    pub registered_patients: u64,
    /// Practices that are members on `date`.
    pub member_practices: usize,
    /// Fewest registered patients for payments in `date`'s year.
    pub threshold: u64,
}

impl NetworkFigures {
    pub fn meets_threshold(&self) -> bool {
        self.registered_patients >= self.threshold
    }

    /// How many patients are missing to reach the threshold (0 when it is met).
    pub fn shortfall(&self) -> u64 {
        self.threshold.saturating_sub(self.registered_patients)
    }
}

/// The figures of `network` on `date`; `practices` must hold every member
/// practice (not only those the viewer may open).
pub(crate) fn compute(network: &Network, practices: &[Practice], date: NaiveDate, tariffs: &Tariffs) -> NetworkFigures {
    NetworkFigures {
        date,
        registered_patients: network.registered_patients_on(date, practices),
        member_practices: network.practices_on(date).count(),
        threshold: tariffs.for_year(date.year()).map_or(DEFAULT_PATIENT_THRESHOLD, |t| u64::from(t.threshold_patients)),
    }
}
