//! The demo region is valid, stable and shows every case the software knows.

use std::collections::HashSet;

use chrono::NaiveDate;
use wijkregie_core::region::{CoordinatorArrangement, Domain, Module, NetworkStatus, DEFAULT_PATIENT_THRESHOLD};
use wijkregie_formats::demo;
use wijkregie_formats::region_file::{parse, render};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn the_demo_region_survives_a_round_trip_through_the_region_file() {
    let region = demo::region();
    let json = render(&region);
    assert_eq!(parse(&json), Ok(region));
}

#[test]
fn the_demo_region_is_the_same_every_time() {
    assert_eq!(render(&demo::region()), render(&demo::region()));
    // A change here changes every screenshot; make it on purpose.
    let region = demo::region();
    assert_eq!(region.practices[0].agb.as_ref().unwrap().as_str(), "01687451");
    assert_eq!(region.practices[0].name, "Huisartsenpraktijk De Linde");
}

#[test]
fn the_demo_region_has_the_promised_size() {
    let region = demo::region();
    assert_eq!(region.region.name, "Regio Zuiderkwartier");
    assert_eq!(region.wijken.len(), 10);
    assert_eq!(region.practices.len(), 42);
    assert_eq!(region.organizations.len(), 25);
    assert_eq!(region.networks.len(), 10);
}

#[test]
fn demo_areas_lie_in_municipalities_that_do_not_exist() {
    for wijk in demo::region().wijken {
        assert!(!wijk.areas.is_empty());
        for area in wijk.areas {
            let gm = area.code.gemeente();
            assert!(("GM1990".."GM2000").contains(&gm.as_str()), "{} lies in a real municipality", area.code);
            assert_eq!(area.year, 2024);
        }
    }
}

#[test]
fn demo_practices_look_real() {
    let region = demo::region();
    let mut pc4_of_wijk = std::collections::HashMap::new();
    for p in &region.practices {
        assert!(p.agb.as_ref().unwrap().as_str().starts_with("01"), "{:?}", p.agb);
        assert!(p.address.postcode.as_str().len() == 6);
        // Each wijk has its own PC4 range; no two wijken share a PC4.
        let wijk = p.wijk.clone().unwrap();
        let pc4 = p.address.postcode.pc4().to_owned();
        assert_eq!(pc4_of_wijk.entry(pc4.clone()).or_insert(wijk.clone()), &wijk, "{pc4}");
        assert_eq!(p.registered_patients.len(), 16);
        assert_eq!(p.registered_patients[0].date, d("2023-01-01"));
        assert_eq!(p.registered_patients[15].date, d("2026-10-01"));
        for pair in p.registered_patients.windows(2) {
            let (a, b) = (i64::from(pair[0].count), i64::from(pair[1].count));
            assert!((a - b).abs() < 200, "{}: {a} → {b} is not a slow drift", p.name);
        }
        for c in &p.registered_patients {
            assert!((1_800..=7_500).contains(&c.count), "{}: {}", p.name, c.count);
        }
    }
    let names: HashSet<_> = region.practices.iter().map(|p| &p.name).collect();
    assert_eq!(names.len(), region.practices.len(), "practice names are unique");
}

#[test]
fn demo_organisations_cover_every_domain() {
    let region = demo::region();
    let domains: HashSet<Domain> = region.organizations.iter().map(|o| o.domain).collect();
    assert_eq!(domains.len(), Domain::ALL.len());
}

#[test]
fn demo_networks_cover_every_case() {
    let region = demo::region();
    let networks = &region.networks;
    let statuses: HashSet<NetworkStatus> = networks.iter().map(|n| n.status).collect();
    assert_eq!(statuses.len(), NetworkStatus::ALL.len());
    let modules: HashSet<Module> = networks.iter().map(|n| n.module).collect();
    assert_eq!(modules.len(), Module::ALL.len());

    let own_hours: Vec<u32> = networks
        .iter()
        .filter_map(|n| match &n.coordinator {
            Some(CoordinatorArrangement::Own { hours_per_week, .. }) => Some(hours_per_week.minutes()),
            _ => None,
        })
        .collect();
    assert!(own_hours.iter().any(|&m| m >= 8 * 60));
    assert!(own_hours.iter().any(|&m| m < 8 * 60));
    assert!(networks.iter().any(|n| matches!(n.coordinator, Some(CoordinatorArrangement::ProvidedByRegion { .. }))));
    assert!(networks.iter().any(|n| n.coordinator.is_none()));

    let totals: Vec<u64> = networks
        .iter()
        .filter(|n| n.status == NetworkStatus::Actief)
        .map(|n| n.registered_patients_on(d("2025-01-01"), &region.practices))
        .collect();
    assert!(totals.iter().any(|&t| t >= DEFAULT_PATIENT_THRESHOLD));
    assert!(totals.iter().any(|&t| t < DEFAULT_PATIENT_THRESHOLD));

    let left: Vec<_> = networks
        .iter()
        .filter(|n| n.status != NetworkStatus::Gestopt)
        .flat_map(|n| &n.practices)
        .filter(|m| m.until.is_some())
        .collect();
    assert!(!left.is_empty(), "a practice left a running network");

    for n in networks {
        assert!(n.problems().is_empty(), "{}: {:?}", n.code, n.problems());
    }
}
