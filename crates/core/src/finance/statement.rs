//! A network's payment statement for one quarter, computed from the region
//! as it stands: one `gp_time` line (module wijkmanagement) and one
//! `coordinator` line (option B), each with its amount or, when zero, the
//! reason why. Correction lines for earlier, approved quarters are added by
//! [`crate::finance::correction`].
//!
//! The rules (issue 6, "Rules"):
//! - patients: the sum over practices that are members on the quarter's
//!   first day of each one's latest count on or before that day;
//! - nothing below the threshold (10,000 patients);
//! - payments start in the first quarter after the quarter of
//!   registration; the coordinator payment in the first quarter after both
//!   registration and the coordinator's start;
//! - option A (the region's coordinator) and option B under the minimum
//!   hours earn no coordinator payment; coordinator-only networks earn no
//!   GP-time payment;
//! - a stopped network is paid up to and including the quarter it stopped;
//! - a network with status `interesse` is not paid, whatever its
//!   registration date: it has not joined yet;
//! - registration for coordinator services only (`coordinator_only`)
//!   exists from 2024: a coordinator-only network is paid no coordinator
//!   line for quarters before 2024Q1, even when it registered earlier;
//! - a member practice without an AGB code is not paid until it has one:
//!   insurers pay per AGB, and wijkregie never invents one. Its patients are
//!   left out of the count, and the statement names it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::error::Invalid;
use crate::finance::money::{quarter_amount, Cents};
use crate::finance::quarter::Quarter;
use crate::finance::tariff::{Tariff, Tariffs};
use crate::region::{CoordinatorArrangement, Module, Network, NetworkStatus, Practice, RegionSnapshot};

/// The first quarter in which the arrangement "coordinator services only"
/// exists (the regional agreement introduced it in 2024).
pub const COORDINATOR_ONLY_FROM: (i32, u8) = (2024, 1);

fn coordinator_only_from() -> Quarter {
    Quarter::new(COORDINATOR_ONLY_FROM.0, COORDINATOR_ONLY_FROM.1).expect("2024Q1 is a valid quarter")
}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The code used in files, the API and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The Dutch label shown on pages.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err(Invalid(format!("'{other}' is geen geldige waarde: kies uit {}", [$($code),+].join(", ")))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_enum! {
    /// What a statement line pays for.
    LineKind {
        GpTime => "gp_time", "tijd huisartsen en medewerkers";
        // Option B is the only arrangement that pays, but the line is there
        // for every network (at zero with its reason for option A), so its
        // name must not claim an option.
        Coordinator => "coordinator", "coördinator";
        Correction => "correction", "correctie";
    }
}

code_enum! {
    /// Why a line pays nothing.
    ZeroReason {
        BelowThreshold => "below_threshold", "onder de drempel";
        NotYetStarted => "not_yet_started", "nog niet gestart";
        OptionA => "option_a", "optie A: coördinator van de regio";
        Under8Hours => "under_8_hours", "eigen coördinator onder het minimum aantal uren";
        CoordinatorOnly => "coordinator_only", "alleen coördinatorondersteuning";
        Stopped => "stopped", "netwerk gestopt";
        NoCoordinator => "no_coordinator", "geen coördinator";
        Interest => "interest", "netwerk heeft alleen interesse getoond";
        CoordinatorOnlyBefore2024 => "coordinator_only_before_2024", "alleen coördinatorondersteuning bestaat pas vanaf 2024";
    }
}

/// Which earlier line a correction line corrects, and by how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionOf {
    pub quarter: Quarter,
    pub kind: LineKind,
    /// What was paid for it so far: the approved line and earlier corrections.
    pub paid: Cents,
    /// What it comes to now.
    pub recomputed: Cents,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub kind: LineKind,
    /// Per registered patient per year.
    pub rate_per_year: Cents,
    pub patients: u64,
    pub amount: Cents,
    /// Set exactly when a payment line pays nothing.
    pub reason: Option<ZeroReason>,
    /// Set exactly on correction lines.
    pub corrects: Option<CorrectionOf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub network: Code,
    pub quarter: Quarter,
    /// The patients paid for: those of member practices with an AGB code.
    pub registered_patients: u64,
    pub lines: Vec<Line>,
    /// Member practices whose patients are not counted, because their AGB
    /// code is unknown ("AGB onbekend").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub without_agb: Vec<UncountedPractice>,
}

/// A member practice on the quarter's first day that is not paid for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UncountedPractice {
    pub practice: Code,
    pub name: String,
    pub patients: u64,
}

impl Statement {
    pub fn total(&self) -> Cents {
        self.lines.iter().map(|l| l.amount).sum()
    }

    pub fn line(&self, kind: LineKind) -> Option<&Line> {
        self.lines.iter().find(|l| l.kind == kind)
    }
}

/// There are no tariffs for the year of the quarter asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("er zijn geen tarieven voor {0}: betaaloverzichten bestaan vanaf 2022")]
pub struct NoTariff(pub i32);

fn payment_line(kind: LineKind, rate: Cents, patients: u64, zero: Option<ZeroReason>) -> Line {
    let rate_cents = u32::try_from(rate.0).unwrap_or(0);
    match zero {
        Some(reason) => {
            Line { kind, rate_per_year: rate, patients, amount: Cents::ZERO, reason: Some(reason), corrects: None }
        }
        None => Line {
            kind,
            rate_per_year: rate,
            patients,
            amount: quarter_amount(patients, rate_cents),
            reason: None,
            corrects: None,
        },
    }
}

/// The statement of one network for one quarter under `tariff` (the
/// tariff of the quarter's year).
pub fn compute(network: &Network, practices: &[Practice], quarter: Quarter, tariff: &Tariff) -> Statement {
    let day = quarter.first_day();
    let members = network.practices_on(day).filter_map(|code| practices.iter().find(|p| &p.code == code));
    let (counted, uncounted): (Vec<&Practice>, Vec<&Practice>) = members.partition(|p| p.agb.is_some());
    let patients: u64 = counted.iter().filter_map(|p| p.registered_patients_on(day)).map(u64::from).sum();
    let without_agb = uncounted
        .iter()
        .map(|p| UncountedPractice {
            practice: p.code.clone(),
            name: p.name.clone(),
            patients: p.registered_patients_on(day).map_or(0, u64::from),
        })
        .collect();
    let registered = network.registered_on.map(Quarter::containing);
    let stopped = network.stopped_on.map(Quarter::containing);
    // Reasons that hold for the whole network, in the order a reader asks:
    // has it joined at all, has it started, has it stopped, is it big enough.
    let network_reason = |first_paid: Option<Quarter>| match first_paid {
        _ if network.status == NetworkStatus::Interesse => Some(ZeroReason::Interest),
        None => Some(ZeroReason::NotYetStarted),
        Some(first) if quarter < first => Some(ZeroReason::NotYetStarted),
        _ if stopped.is_some_and(|s| quarter > s) => Some(ZeroReason::Stopped),
        _ if patients < u64::from(tariff.threshold_patients) => Some(ZeroReason::BelowThreshold),
        _ => None,
    };
    let gp_reason = match network.module {
        // The arrangement itself rules the line out, whatever the date.
        Module::CoordinatorOnly => Some(ZeroReason::CoordinatorOnly),
        Module::Wijkmanagement => network_reason(registered.map(Quarter::next)),
    };
    let coordinator_reason = match &network.coordinator {
        None => Some(ZeroReason::NoCoordinator),
        Some(CoordinatorArrangement::ProvidedByRegion { .. }) => Some(ZeroReason::OptionA),
        Some(CoordinatorArrangement::Own { hours_per_week, .. })
            if hours_per_week.minutes() < tariff.min_coordinator_minutes =>
        {
            Some(ZeroReason::Under8Hours)
        }
        // Like the arrangement reasons above, the module's own start rules
        // the line out whatever else holds: before 2024 there was no
        // coordinator-only registration to pay under.
        Some(CoordinatorArrangement::Own { .. })
            if network.module == Module::CoordinatorOnly && quarter < coordinator_only_from() =>
        {
            Some(ZeroReason::CoordinatorOnlyBefore2024)
        }
        Some(CoordinatorArrangement::Own { start_date, .. }) => {
            network_reason(registered.map(|r| r.max(Quarter::containing(*start_date)).next()))
        }
    };
    Statement {
        network: network.code.clone(),
        quarter,
        registered_patients: patients,
        lines: vec![
            payment_line(LineKind::GpTime, tariff.gp_time, patients, gp_reason),
            payment_line(LineKind::Coordinator, tariff.coordinator, patients, coordinator_reason),
        ],
        without_agb,
    }
}

/// Whether a network has a statement for `quarter` at all: it registered
/// on or before the quarter's last day. A stopped network keeps appearing,
/// with its lines at zero, so the region sees why nothing is paid.
pub fn has_statement(network: &Network, quarter: Quarter) -> bool {
    network.registered_on.is_some_and(|r| r <= quarter.last_day())
}

/// The statements of every network that has one, in the snapshot's order.
pub fn region_statements(
    snapshot: &RegionSnapshot,
    tariffs: &Tariffs,
    quarter: Quarter,
) -> Result<Vec<Statement>, NoTariff> {
    let tariff = tariffs.for_year(quarter.year()).ok_or(NoTariff(quarter.year()))?;
    Ok(snapshot
        .networks
        .iter()
        .filter(|n| has_statement(n, quarter))
        .map(|n| compute(n, &snapshot.practices, quarter, &tariff))
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::codes::AgbCode;
    use crate::region::{Address, HoursPerWeek, Membership, NetworkStatus, PatientCount};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    fn agb(i: u32) -> AgbCode {
        format!("0100{i:04}").parse().unwrap()
    }

    fn practice(i: u32, counts: &[(&str, u32)]) -> Practice {
        Practice {
            code: agb(i).as_str().parse().unwrap(),
            agb: Some(agb(i)),
            contact: Default::default(),
            name: format!("Praktijk {i}"),
            address: Address {
                street: "Dorpsstraat".into(),
                house_number: i,
                house_number_suffix: None,
                postcode: "1215EK".parse().unwrap(),
                city: "Hilversum".into(),
            },
            wijk: None,
            registered_patients: counts
                .iter()
                .map(|(date, count)| PatientCount { date: d(date), count: *count })
                .collect(),
        }
    }

    fn member(i: u32, from: &str, until: Option<&str>) -> Membership<Code> {
        Membership { member: agb(i).as_str().parse().unwrap(), from: d(from), until: until.map(d) }
    }

    /// A network registered 2024-11-15 (so paid from 2025Q1) with an own
    /// coordinator of 8 hours since 2024-12-01, and two practices of
    /// 6,000 and 4,000 patients on 2025-01-01: exactly the threshold.
    fn network() -> (Network, Vec<Practice>) {
        let practices = vec![practice(1, &[("2025-01-01", 6_000)]), practice(2, &[("2025-01-01", 4_000)])];
        let n = Network {
            code: "wsv-noord".parse().unwrap(),
            name: "WSV Noord".into(),
            wijken: vec![],
            module: Module::Wijkmanagement,
            status: NetworkStatus::Actief,
            registered_on: Some(d("2024-11-15")),
            stopped_on: None,
            coordinator: Some(CoordinatorArrangement::Own {
                hours_per_week: HoursPerWeek::from_minutes(480).unwrap(),
                start_date: d("2024-12-01"),
            }),
            practices: vec![member(1, "2024-11-15", None), member(2, "2024-11-15", None)],
            partners: vec![],
        };
        (n, practices)
    }

    fn tariff(year: i32) -> Tariff {
        Tariff::default_for(year)
    }

    /// (amount in cents, reason) of the gp_time and coordinator lines.
    fn lines(s: &Statement) -> [(i64, Option<ZeroReason>); 2] {
        let line = |k| s.line(k).map(|l| (l.amount.0, l.reason)).unwrap();
        [line(LineKind::GpTime), line(LineKind::Coordinator)]
    }

    #[test]
    fn exactly_the_threshold_is_paid_in_full() {
        let (n, p) = network();
        let s = compute(&n, &p, q("2025Q2"), &tariff(2025));
        assert_eq!(s.registered_patients, 10_000);
        // 10,000 × 2.24 / 4 = 5,600.00; 10,000 × 1.87 / 4 = 4,675.00.
        assert_eq!(lines(&s), [(560_000, None), (467_500, None)]);
        assert_eq!(s.total(), Cents(1_027_500));
    }

    #[test]
    fn one_patient_below_the_threshold_is_paid_nothing() {
        let (n, mut p) = network();
        p[1].registered_patients[0].count = 3_999;
        let s = compute(&n, &p, q("2025Q2"), &tariff(2025));
        assert_eq!(s.registered_patients, 9_999);
        let below = Some(ZeroReason::BelowThreshold);
        assert_eq!(lines(&s), [(0, below), (0, below)]);
        assert_eq!(s.line(LineKind::GpTime).unwrap().patients, 9_999);
    }

    #[test]
    fn a_practice_without_agb_is_not_paid_and_the_statement_says_so() {
        let (n, mut p) = network();
        p[1].agb = None;
        let s = compute(&n, &p, q("2025Q2"), &tariff(2025));
        assert_eq!(s.registered_patients, 6_000);
        assert_eq!(
            s.without_agb,
            [UncountedPractice { practice: p[1].code.clone(), name: "Praktijk 2".into(), patients: 4_000 }]
        );
        // Without its 4,000 patients the network is below the threshold.
        let below = Some(ZeroReason::BelowThreshold);
        assert_eq!(lines(&s), [(0, below), (0, below)]);
        // Once it has an AGB code, it is paid again.
        p[1].agb = Some(agb(2));
        assert!(compute(&n, &p, q("2025Q2"), &tariff(2025)).without_agb.is_empty());
    }

    #[test]
    fn option_a_earns_no_coordinator_payment_and_option_b_does() {
        let (mut n, p) = network();
        n.coordinator = Some(CoordinatorArrangement::ProvidedByRegion { name: "Marit".into() });
        assert_eq!(
            lines(&compute(&n, &p, q("2025Q2"), &tariff(2025))),
            [(560_000, None), (0, Some(ZeroReason::OptionA))]
        );
        n.coordinator = None;
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025)))[1], (0, Some(ZeroReason::NoCoordinator)));
    }

    #[test]
    fn seven_and_a_half_hours_is_under_the_minimum_and_eight_is_not() {
        let (mut n, p) = network();
        let own = |minutes| CoordinatorArrangement::Own {
            hours_per_week: HoursPerWeek::from_minutes(minutes).unwrap(),
            start_date: d("2024-12-01"),
        };
        n.coordinator = Some(own(450));
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025)))[1], (0, Some(ZeroReason::Under8Hours)));
        n.coordinator = Some(own(480));
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025)))[1], (467_500, None));
    }

    #[test]
    fn registration_on_the_first_or_last_day_pays_from_the_next_quarter() {
        let (mut n, p) = network();
        n.coordinator = Some(CoordinatorArrangement::ProvidedByRegion { name: "Marit".into() });
        for registered in ["2025-01-01", "2025-03-31"] {
            n.registered_on = Some(d(registered));
            let q1 = compute(&n, &p, q("2025Q1"), &tariff(2025));
            assert_eq!(lines(&q1)[0], (0, Some(ZeroReason::NotYetStarted)), "{registered}");
            let q2 = compute(&n, &p, q("2025Q2"), &tariff(2025));
            assert_eq!(lines(&q2)[0], (560_000, None), "{registered}");
        }
        // One day later is the next quarter, so one quarter later again.
        n.registered_on = Some(d("2025-04-01"));
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025)))[0], (0, Some(ZeroReason::NotYetStarted)));
        assert_eq!(lines(&compute(&n, &p, q("2025Q3"), &tariff(2025)))[0], (560_000, None));
    }

    #[test]
    fn a_late_coordinator_start_delays_only_the_coordinator_line() {
        let (mut n, p) = network();
        n.coordinator = Some(CoordinatorArrangement::Own {
            hours_per_week: HoursPerWeek::from_minutes(600).unwrap(),
            start_date: d("2025-05-20"),
        });
        let not_yet = Some(ZeroReason::NotYetStarted);
        // Registered in 2024Q4: GP time from 2025Q1; coordinator started in
        // 2025Q2: coordinator payment from 2025Q3.
        assert_eq!(lines(&compute(&n, &p, q("2025Q1"), &tariff(2025))), [(560_000, None), (0, not_yet)]);
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025))), [(560_000, None), (0, not_yet)]);
        assert_eq!(lines(&compute(&n, &p, q("2025Q3"), &tariff(2025))), [(560_000, None), (467_500, None)]);
        // A coordinator who started before registration waits for it.
        n.coordinator = Some(CoordinatorArrangement::Own {
            hours_per_week: HoursPerWeek::from_minutes(600).unwrap(),
            start_date: d("2023-01-01"),
        });
        assert_eq!(lines(&compute(&n, &p, q("2024Q4"), &tariff(2024)))[1], (0, not_yet));
        assert_eq!(lines(&compute(&n, &p, q("2025Q1"), &tariff(2025)))[1], (467_500, None));
    }

    #[test]
    fn coordinator_only_networks_get_no_gp_time() {
        let (mut n, p) = network();
        n.module = Module::CoordinatorOnly;
        let s = compute(&n, &p, q("2025Q2"), &tariff(2025));
        assert_eq!(lines(&s), [(0, Some(ZeroReason::CoordinatorOnly)), (467_500, None)]);
        // The arrangement is the reason even before the start.
        let early = compute(&n, &p, q("2024Q4"), &tariff(2024));
        assert_eq!(lines(&early)[0], (0, Some(ZeroReason::CoordinatorOnly)));
    }

    #[test]
    fn coordinator_only_is_paid_from_2024_even_when_registered_earlier() {
        let (mut n, mut p) = network();
        n.module = Module::CoordinatorOnly;
        n.registered_on = Some(d("2023-05-10"));
        n.practices = vec![member(1, "2023-05-10", None), member(2, "2023-05-10", None)];
        n.coordinator = Some(CoordinatorArrangement::Own {
            hours_per_week: HoursPerWeek::from_minutes(480).unwrap(),
            start_date: d("2023-05-01"),
        });
        p[0].registered_patients.insert(0, PatientCount { date: d("2023-01-01"), count: 6_000 });
        p[1].registered_patients.insert(0, PatientCount { date: d("2023-01-01"), count: 4_000 });
        let before = Some(ZeroReason::CoordinatorOnlyBefore2024);
        let only = Some(ZeroReason::CoordinatorOnly);
        // Registered in 2023Q2, so 2023Q3 would be the first paid quarter:
        // but the arrangement exists only from 2024Q1.
        for early in ["2023Q2", "2023Q3", "2023Q4"] {
            assert_eq!(lines(&compute(&n, &p, q(early), &tariff(2023))), [(0, only), (0, before)], "{early}");
        }
        // 10,000 × 1.87 / 4 = 4,675.00 from 2024Q1 on.
        assert_eq!(lines(&compute(&n, &p, q("2024Q1"), &tariff(2024))), [(0, only), (467_500, None)]);
        // A module network of the same age is paid its coordinator in 2023.
        n.module = Module::Wijkmanagement;
        assert_eq!(lines(&compute(&n, &p, q("2023Q3"), &tariff(2023))), [(560_000, None), (467_500, None)]);
        // Option A stays option A whatever the year.
        n.module = Module::CoordinatorOnly;
        n.coordinator = Some(CoordinatorArrangement::ProvidedByRegion { name: "Marit".into() });
        assert_eq!(lines(&compute(&n, &p, q("2023Q3"), &tariff(2023)))[1], (0, Some(ZeroReason::OptionA)));
    }

    #[test]
    fn a_network_that_only_showed_interest_is_not_paid_whatever_its_registration() {
        let (mut n, p) = network();
        n.status = NetworkStatus::Interesse;
        let interest = Some(ZeroReason::Interest);
        for quarter in ["2025Q1", "2025Q2", "2026Q1"] {
            let s = compute(&n, &p, q(quarter), &tariff(2025));
            assert_eq!(lines(&s), [(0, interest), (0, interest)], "{quarter}");
            assert_eq!(s.total(), Cents::ZERO);
        }
        // Once it is active, the same network is paid in full.
        n.status = NetworkStatus::Actief;
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025))), [(560_000, None), (467_500, None)]);
    }

    #[test]
    fn a_practice_leaving_mid_quarter_counts_for_that_quarter_and_not_the_next() {
        let (mut n, mut p) = network();
        p.push(practice(3, &[("2025-01-01", 500)]));
        n.practices[1].until = Some(d("2025-05-15"));
        n.practices.push(member(3, "2025-05-16", None));
        let q2 = compute(&n, &p, q("2025Q2"), &tariff(2025));
        // Practice 3 joined after 1 April, practice 2 left after it.
        assert_eq!(q2.registered_patients, 10_000);
        assert_eq!(lines(&q2)[0], (560_000, None));
        let q3 = compute(&n, &p, q("2025Q3"), &tariff(2025));
        assert_eq!(q3.registered_patients, 6_500);
        assert_eq!(lines(&q3)[0], (0, Some(ZeroReason::BelowThreshold)));
    }

    #[test]
    fn the_count_is_the_latest_on_or_before_the_first_day() {
        let (n, mut p) = network();
        p[0].registered_patients.push(PatientCount { date: d("2025-04-02"), count: 7_000 });
        assert_eq!(compute(&n, &p, q("2025Q2"), &tariff(2025)).registered_patients, 10_000);
        assert_eq!(compute(&n, &p, q("2025Q3"), &tariff(2025)).registered_patients, 11_000);
    }

    #[test]
    fn a_stopped_network_is_paid_up_to_and_including_its_last_quarter() {
        let (mut n, p) = network();
        n.status = NetworkStatus::Gestopt;
        n.stopped_on = Some(d("2025-05-20"));
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025))), [(560_000, None), (467_500, None)]);
        let stopped = Some(ZeroReason::Stopped);
        assert_eq!(lines(&compute(&n, &p, q("2025Q3"), &tariff(2025))), [(0, stopped), (0, stopped)]);
        // Stopping on the last day of a quarter still pays that quarter.
        n.stopped_on = Some(d("2025-06-30"));
        assert_eq!(lines(&compute(&n, &p, q("2025Q2"), &tariff(2025)))[0], (560_000, None));
    }

    #[test]
    fn fractions_of_a_cent_are_rounded_once_per_line_half_up() {
        let (n, mut p) = network();
        // 10,001 / 10,002 / 10,003 patients × 46.75 cents.
        for (extra, coordinator) in [(1, 467_547), (2, 467_594), (3, 467_640)] {
            p[1].registered_patients[0].count = 4_000 + extra;
            let s = compute(&n, &p, q("2025Q2"), &tariff(2025));
            assert_eq!(lines(&s)[1], (coordinator, None), "{extra}");
            assert_eq!(lines(&s)[0].0, (10_000 + i64::from(extra)) * 56);
        }
    }

    #[test]
    fn each_quarter_uses_the_tariff_of_its_year() {
        let (n, p) = network();
        let tariffs =
            Tariffs::new(vec![Tariff { gp_time: Cents(230), coordinator: Cents(190), ..Tariff::default_for(2026) }]);
        let snapshot = RegionSnapshot { networks: vec![n], practices: p, ..RegionSnapshot::default() };
        let q4 = region_statements(&snapshot, &tariffs, q("2025Q4")).unwrap();
        assert_eq!(lines(&q4[0]), [(560_000, None), (467_500, None)]);
        // 10,000 × 2.30 / 4 = 5,750.00; 10,000 × 1.90 / 4 = 4,750.00.
        let q1 = region_statements(&snapshot, &tariffs, q("2026Q1")).unwrap();
        assert_eq!(lines(&q1[0]), [(575_000, None), (475_000, None)]);
        assert_eq!(q1[0].line(LineKind::GpTime).unwrap().rate_per_year, Cents(230));
        // A higher threshold in a later year is a tariff change too.
        let tariffs = Tariffs::new(vec![Tariff { threshold_patients: 10_001, ..Tariff::default_for(2026) }]);
        let q1 = region_statements(&snapshot, &tariffs, q("2026Q1")).unwrap();
        assert_eq!(lines(&q1[0])[0], (0, Some(ZeroReason::BelowThreshold)));
        assert_eq!(region_statements(&snapshot, &tariffs, q("2021Q4")), Err(NoTariff(2021)));
    }

    #[test]
    fn only_registered_networks_have_statements() {
        let (mut n, _) = network();
        assert!(has_statement(&n, q("2024Q4")));
        assert!(!has_statement(&n, q("2024Q3")));
        n.registered_on = None;
        assert!(!has_statement(&n, q("2030Q1")));
    }

    #[test]
    fn reasons_parse_their_codes() {
        for r in ZeroReason::ALL {
            assert_eq!(r.code().parse::<ZeroReason>().unwrap(), *r);
        }
        assert!("onder".parse::<ZeroReason>().unwrap_err().0.contains("below_threshold"));
    }
}
