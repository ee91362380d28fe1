//! `parse(render(f)) == f` for any valid region, not only the demo.

use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::subsequence;
use wijkregie_core::codes::{AgbCode, CbsCode, Code, Postcode};
use wijkregie_core::region::{
    Address, Area, CoordinatorArrangement, Domain, HoursPerWeek, Membership, Module, Network, NetworkStatus,
    Organization, OrganizationContact, PatientCount, Practice, PracticeContact, Region, Wijk,
};
use wijkregie_formats::region_file::{parse, render, RegionFile};

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..100_000).prop_map(|days| NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days))
}

/// Free text as people type it: accents, quotes, backslashes, emoji.
fn name() -> impl Strategy<Value = String> {
    "[a-zA-Zéëï '\"\\\\&/()-]{0,12}[a-zA-Z0-9éë\"\\\\😀]".prop_map(|s| s)
}

fn code() -> impl Strategy<Value = Code> {
    "[a-z0-9][a-z0-9-]{0,10}[a-z0-9]".prop_map(|s| s.parse().unwrap())
}

fn postcode() -> impl Strategy<Value = Postcode> {
    (1000u32..=9999, "[A-Z]{2}")
        .prop_filter("letters PostNL does not issue", |(_, l)| !matches!(l.as_str(), "SA" | "SD" | "SS"))
        .prop_map(|(n, l)| format!("{n}{l}").parse().unwrap())
}

fn area() -> impl Strategy<Value = Area> {
    (prop_oneof!["GM[0-9]{4}", "WK[0-9]{4}[0-9A-Z]{2}", "BU[0-9]{4}[0-9A-Z]{4}"], 1990u16..=2100)
        .prop_map(|(code, year)| Area { code: code.parse::<CbsCode>().unwrap(), year })
}

fn hours() -> impl Strategy<Value = HoursPerWeek> {
    (1u32..=240).prop_map(|quarters| HoursPerWeek::from_minutes(quarters * 15).unwrap())
}

fn membership<M: Clone + std::fmt::Debug>(member: M) -> impl Strategy<Value = Membership<M>> {
    (date(), proptest::option::of(0i64..3_000)).prop_map(move |(from, length)| Membership {
        member: member.clone(),
        from,
        until: length.map(|days| from + chrono::Duration::days(days)),
    })
}

fn coordinator() -> impl Strategy<Value = Option<CoordinatorArrangement>> {
    proptest::option::of(prop_oneof![
        name().prop_map(|name| CoordinatorArrangement::ProvidedByRegion { name }),
        (hours(), date())
            .prop_map(|(hours_per_week, start_date)| CoordinatorArrangement::Own { hours_per_week, start_date }),
    ])
}

/// A network that satisfies its own rules, over the given wijken, practices
/// and organisations (each member at most once, so no overlaps).
fn network(
    code: Code,
    wijken: Vec<Code>,
    practices: Vec<Code>,
    organizations: Vec<Code>,
) -> impl Strategy<Value = Network> {
    let practice_members = subsequence(practices.clone(), 0..=practices.len())
        .prop_flat_map(|agbs| agbs.into_iter().map(membership).collect::<Vec<_>>());
    let partner_members = subsequence(organizations.clone(), 0..=organizations.len())
        .prop_flat_map(|codes| codes.into_iter().map(membership).collect::<Vec<_>>());
    (
        name(),
        subsequence(wijken.clone(), 0..=wijken.len()),
        prop_oneof![Just(Module::Wijkmanagement), Just(Module::CoordinatorOnly)],
        proptest::sample::select(NetworkStatus::ALL.to_vec()),
        date(),
        0i64..2_000,
        proptest::bool::ANY,
        coordinator(),
        practice_members,
        partner_members,
    )
        .prop_map(
            move |(name, wijken, module, status, registered, running, has_date, coordinator, practices, partners)| {
                let registered_on = match status {
                    NetworkStatus::Interesse => has_date.then_some(registered),
                    _ => Some(registered),
                };
                let stopped_on =
                    (status == NetworkStatus::Gestopt).then(|| registered + chrono::Duration::days(running));
                Network {
                    code: code.clone(),
                    name,
                    wijken,
                    module,
                    status,
                    registered_on,
                    stopped_on,
                    coordinator,
                    practices,
                    partners,
                }
            },
        )
}

fn region_file() -> impl Strategy<Value = RegionFile> {
    let wijken = vec((code(), name(), vec(area(), 0..4)), 0..4).prop_map(|wijken| {
        wijken
            .into_iter()
            .enumerate()
            .map(|(i, (code, name, areas))| {
                // Codes and areas must be unique across the file: prefix the
                // code with the index, and give each wijk its own years.
                let mut areas: Vec<Area> = areas;
                areas.sort();
                areas.dedup();
                areas.retain(|a| a.year % 4 == i as u16 % 4);
                Wijk { code: format!("w{i}-{code}").parse().unwrap(), name, areas }
            })
            .collect::<Vec<_>>()
    });
    wijken
        .prop_flat_map(|wijken| {
            let wijk_codes: Vec<Code> = wijken.iter().map(|w| w.code.clone()).collect();
            let practice = (
                0u32..1_000_000,
                name(),
                name(),
                1u32..=99_999,
                proptest::option::of("[a-zA-Z0-9-]{1,4}"),
                postcode(),
                name(),
                proptest::option::of(proptest::sample::select(if wijk_codes.is_empty() {
                    vec![None]
                } else {
                    wijk_codes.iter().cloned().map(Some).collect()
                })),
                vec((date(), 0u32..=u32::MAX), 0..5),
            );
            (Just(wijken), vec(practice, 0..5))
        })
        .prop_map(|(wijken, raw)| {
            let practices = raw
                .into_iter()
                .enumerate()
                .map(|(i, (n, name, street, house_number, suffix, postcode, city, wijk, counts))| {
                    let mut counts: Vec<PatientCount> =
                        counts.into_iter().map(|(date, count)| PatientCount { date, count }).collect();
                    counts.sort_by_key(|c| c.date);
                    counts.dedup_by_key(|c| c.date);
                    // Every third practice has no AGB code, only a code of its own.
                    let agb: Option<AgbCode> = (i % 3 != 2).then(|| format!("{i:02}{n:06}").parse().unwrap());
                    let code: Code = match &agb {
                        Some(agb) => agb.as_str().parse().unwrap(),
                        None => format!("praktijk-{i}").parse().unwrap(),
                    };
                    Practice {
                        code,
                        agb,
                        contact: PracticeContact {
                            phone: (i % 2 == 0).then(|| "020 123 45 67".to_owned()),
                            email: None,
                            opening_hours: (i % 2 == 1).then(|| "ma–vr 8.00–17.00".to_owned()),
                        },
                        name,
                        address: Address { street, house_number, house_number_suffix: suffix, postcode, city },
                        wijk: wijk.flatten(),
                        registered_patients: counts,
                    }
                })
                .collect::<Vec<_>>();
            (wijken, practices)
        })
        .prop_flat_map(|(wijken, practices)| {
            let organizations =
                vec((code(), name(), proptest::sample::select(Domain::ALL.to_vec())), 0..4).prop_map(|orgs| {
                    orgs.into_iter()
                        .enumerate()
                        .map(|(i, (code, name, domain))| Organization {
                            // Every other organisation has an intake address, so
                            // both kinds go through the round trip.
                            contact: if i % 2 == 0 {
                                OrganizationContact {
                                    email: Some(format!("intake{i}@{code}.example")),
                                    phone: Some(format!("077 {i:03} 4567")),
                                }
                            } else {
                                OrganizationContact::default()
                            },
                            code: format!("o{i}-{code}").parse().unwrap(),
                            name,
                            domain,
                        })
                        .collect::<Vec<_>>()
                });
            (Just(wijken), Just(practices), organizations, code(), name())
        })
        .prop_flat_map(|(wijken, practices, organizations, region_code, region_name)| {
            let wijk_codes: Vec<Code> = wijken.iter().map(|w| w.code.clone()).collect();
            let agbs: Vec<Code> = practices.iter().map(|p| p.code.clone()).collect();
            let org_codes: Vec<Code> = organizations.iter().map(|o| o.code.clone()).collect();
            let networks: Vec<_> = (0..3)
                .map(|i| {
                    // A practice belongs to one network on a day: give each
                    // network its own practices.
                    let own = agbs.iter().skip(i).step_by(3).cloned().collect();
                    network(format!("n{i}-wsv").parse().unwrap(), wijk_codes.clone(), own, org_codes.clone())
                })
                .collect();
            (
                Just(RegionFile {
                    region: Region { code: region_code, name: region_name },
                    wijken,
                    practices,
                    organizations,
                    networks: Vec::new(),
                }),
                networks,
                0usize..=3,
            )
        })
        .prop_map(|(mut file, networks, count)| {
            file.networks = networks.into_iter().take(count).collect();
            file
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_valid_region_file_round_trips(file in region_file()) {
        for network in &file.networks {
            prop_assert!(network.problems().is_empty(), "generator made an invalid network: {:?}", network.problems());
        }
        let json = render(&file);
        prop_assert_eq!(parse(&json), Ok(file), "{}", json);
    }

    #[test]
    fn parsing_never_panics_on_arbitrary_text(text in ".{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn parsing_never_panics_on_mangled_valid_files(cut in 0usize..2_000, insert in ".{0,3}") {
        let valid = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/valid.region.json"));
        let mut cut = cut.min(valid.len());
        while !valid.is_char_boundary(cut) {
            cut -= 1;
        }
        let mangled = format!("{}{insert}{}", &valid[..cut], &valid[cut..]);
        let _ = parse(&mangled);
    }
}
