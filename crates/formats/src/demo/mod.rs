//! A fictional but realistic region for demonstrations, screenshots and
//! tests: ten wijken in three made-up municipalities, 42 practices, 25
//! partner organisations and ten networks in every state the software knows.
//!
//! Everything is fictional on purpose: the municipality numbers 1991–1993 do
//! not exist at CBS, and no name belongs to a real person or organisation,
//! so a demo can be shown in public without anyone recognising themselves.
//! The data come from a fixed pseudo-random sequence rather than a random
//! number generator, so every run (and every screenshot) shows the same
//! region and tests may rely on its shape.
//!
//! The submodules make the rest of a demo from this region: its social map
//! ([`directory`]), outlines ([`boundaries`]), CBS and RIVM figures
//! ([`population`]), registrations ([`applications`]) and referrals
//! ([`referrals`]); [`national`] is a social map of national size for the
//! benchmarks.

pub mod applications;
pub mod boundaries;
pub mod directory;
pub mod national;
pub mod population;
pub mod referrals;

use chrono::{Months, NaiveDate};
use wijkregie_core::codes::{AgbCode, CbsCode, Code, Postcode};
use wijkregie_core::region::{
    Address, Area, CoordinatorArrangement, Domain, HoursPerWeek, Membership, Module, Network, NetworkStatus,
    Organization, PatientCount, Practice, PracticeContact, Region, Wijk,
};

use crate::region_file::RegionFile;

/// The year of the CBS area definitions the demo wijken are made of.
const AREA_YEAR: u16 = 2024;

/// The made-up municipalities; the index is used below.
const MUNICIPALITIES: [&str; 3] = ["Kwartierstad", "Elzenmonde", "Heiderloo"];

struct WijkSpec {
    code: &'static str,
    name: &'static str,
    municipality: usize,
    areas: &'static [&'static str],
    /// The first of the four PC4 areas the wijk's addresses use.
    pc4: u32,
    practices: usize,
    /// Smaller practices, so that one network stays below the threshold.
    small_practices: bool,
}

const WIJKEN: [WijkSpec; 10] = [
    WijkSpec {
        code: "binnenstad",
        name: "Binnenstad",
        municipality: 0,
        areas: &["WK199101"],
        pc4: 5811,
        practices: 5,
        small_practices: false,
    },
    WijkSpec {
        code: "havenkwartier",
        name: "Havenkwartier",
        municipality: 0,
        areas: &["WK199102"],
        pc4: 5821,
        practices: 4,
        small_practices: false,
    },
    WijkSpec {
        code: "lindenpark",
        name: "Lindenpark",
        municipality: 0,
        areas: &["WK199103"],
        pc4: 5831,
        practices: 5,
        small_practices: false,
    },
    WijkSpec {
        code: "molenkamp",
        name: "Molenkamp",
        municipality: 0,
        areas: &["WK199104"],
        pc4: 5841,
        practices: 4,
        small_practices: false,
    },
    WijkSpec {
        code: "vogelzang",
        name: "Vogelzang",
        municipality: 0,
        areas: &["WK199105"],
        pc4: 5851,
        practices: 4,
        small_practices: false,
    },
    WijkSpec {
        code: "elzenmonde-dorp",
        name: "Elzenmonde-Dorp",
        municipality: 1,
        areas: &["WK199201"],
        pc4: 5871,
        practices: 5,
        small_practices: false,
    },
    WijkSpec {
        code: "zeggeveld",
        name: "Zeggeveld",
        municipality: 1,
        areas: &["WK199202"],
        pc4: 5881,
        practices: 4,
        small_practices: false,
    },
    WijkSpec {
        code: "waterhoek",
        name: "Waterhoek",
        municipality: 1,
        areas: &["WK199203"],
        pc4: 5891,
        practices: 4,
        small_practices: false,
    },
    // Heiderloo's two wijken cut across its CBS wijken (village core and
    // countryside), as real WSVs often do: they are made of buurten.
    WijkSpec {
        code: "heiderloo-noord",
        name: "Heiderloo-Noord",
        municipality: 2,
        areas: &["BU19930101", "BU19930102", "BU19930201"],
        pc4: 5961,
        practices: 4,
        small_practices: false,
    },
    WijkSpec {
        code: "heiderloo-zuid",
        name: "Heiderloo-Zuid",
        municipality: 2,
        areas: &["BU19930103", "BU19930104", "BU19930202"],
        pc4: 5971,
        practices: 3,
        small_practices: true,
    },
];

const PRACTICE_NAMES: [&str; 42] = [
    "De Linde",
    "Het Anker",
    "De Es",
    "De Wilg",
    "De Beuk",
    "Het Baken",
    "De Kastanje",
    "De Hazelaar",
    "De Vlier",
    "De Meidoorn",
    "Het Kompas",
    "De Zwaluw",
    "De Merel",
    "De Reiger",
    "De Lijster",
    "De Molen",
    "De Sluis",
    "Het Veer",
    "De Waag",
    "De Poort",
    "Het Hofje",
    "De Boomgaard",
    "De Akker",
    "Het Klaverblad",
    "De Zonnebloem",
    "De Korenbloem",
    "De Hoeksteen",
    "De Kade",
    "De Dijk",
    "De Gaard",
    "Het Wiel",
    "De Wingerd",
    "De Vlinder",
    "De Bron",
    "De Waterkant",
    "Het Palet",
    "De Parel",
    "De Regenboog",
    "De Horizon",
    "De Heide",
    "De Eikenhof",
    "Het Wilgenhof",
];

const PRACTICE_KINDS: [&str; 5] =
    ["Huisartsenpraktijk", "Gezondheidscentrum", "Huisartsenpraktijk", "Huisartsen", "Huisartsenpraktijk"];

const STREET_STEMS: [&str; 20] = [
    "Linden",
    "Eiken",
    "Berken",
    "Wilgen",
    "Kastanje",
    "Populieren",
    "Esdoorn",
    "Hazelaar",
    "Meidoorn",
    "Vlier",
    "Merel",
    "Lijster",
    "Zwaluw",
    "Reiger",
    "Kievit",
    "Molen",
    "Sluis",
    "Haven",
    "Lakenkopers",
    "Kuipers",
];

const STREET_KINDS: [&str; 7] = ["laan", "straat", "weg", "plein", "hof", "singel", "dreef"];

/// Partner organisations: code, name, domain and the municipality they work
/// in (`None`: the whole region).
const ORGANIZATIONS: [(&str, &str, Domain, Option<usize>); 25] = [
    ("apotheek-de-vijzel", "Apotheek De Vijzel", Domain::Zorg, Some(0)),
    ("apotheek-haventoren", "Apotheek Haventoren", Domain::Zorg, Some(0)),
    ("apotheek-elzenmonde", "Apotheek Elzenmonde", Domain::Zorg, Some(1)),
    ("apotheek-heiderloo", "Service-apotheek Heiderloo", Domain::Zorg, Some(2)),
    ("fysio-de-sprong", "Fysiotherapie De Sprong", Domain::Zorg, Some(0)),
    ("fysio-beweegpunt", "Beweegpunt Elzenmonde Fysiotherapie", Domain::Zorg, Some(1)),
    ("fysio-heiderloo", "Fysiotherapie Heiderloo", Domain::Zorg, Some(2)),
    ("wijkverpleging-de-kring", "Wijkverpleging De Kring", Domain::Zorg, None),
    ("thuiszorg-zuiderkwartier", "Thuiszorg Zuiderkwartier", Domain::Zorg, None),
    ("dietisten-zuiderkwartier", "Diëtistenpraktijk Zuiderkwartier", Domain::Zorg, None),
    ("verloskunde-de-wieg", "Verloskundigenpraktijk De Wieg", Domain::Zorg, None),
    ("welzijn-kwartierstad", "Stichting Welzijn Kwartierstad", Domain::Welzijn, Some(0)),
    ("welzijn-elzenmonde", "Welzijn Elzenmonde", Domain::Welzijn, Some(1)),
    ("buurtwerk-heiderloo", "Buurtwerk Heiderloo", Domain::Welzijn, Some(2)),
    ("ouderenwerk-zilveren-draad", "Ouderenwerk De Zilveren Draad", Domain::Welzijn, None),
    ("beweegteam-zuiderkwartier", "Sport- en Beweegteam Zuiderkwartier", Domain::Welzijn, None),
    ("gemeente-kwartierstad", "Gemeente Kwartierstad", Domain::SociaalDomein, Some(0)),
    ("gemeente-elzenmonde", "Gemeente Elzenmonde", Domain::SociaalDomein, Some(1)),
    ("gemeente-heiderloo", "Gemeente Heiderloo", Domain::SociaalDomein, Some(2)),
    ("wijkteam-kwartierstad", "Sociaal Wijkteam Kwartierstad", Domain::SociaalDomein, Some(0)),
    ("wijkteam-elzenmonde", "Wijkteam Elzenmonde", Domain::SociaalDomein, Some(1)),
    ("mantelzorg-zuiderkwartier", "Steunpunt Mantelzorg Zuiderkwartier", Domain::InformeleZorg, None),
    ("vrijwilligers-kwartierstad", "Vrijwilligerscentrale Kwartierstad", Domain::InformeleZorg, Some(0)),
    ("maatjes-elzenmonde", "Maatjesproject Elzenmonde", Domain::InformeleZorg, Some(1)),
    ("buurtkring-heiderloo", "Buurtkring Heiderloo", Domain::InformeleZorg, Some(2)),
];

/// How a network's coordinator is arranged, in source-friendly form.
enum Coordinator {
    None,
    Region(&'static str),
    /// Quarter hours per week and the start date.
    Own(u32, (i32, u32, u32)),
}

struct NetworkSpec {
    code: &'static str,
    name: &'static str,
    /// Indices into `WIJKEN`.
    wijken: &'static [usize],
    module: Module,
    status: NetworkStatus,
    registered_on: Option<(i32, u32, u32)>,
    stopped_on: Option<(i32, u32, u32)>,
    coordinator: Coordinator,
}

/// Ten networks covering every status, both modules and every coordinator
/// arrangement, including option B below 8 hours (which earns less).
const NETWORKS: [NetworkSpec; 10] = [
    NetworkSpec {
        code: "wsv-binnenstad",
        name: "WSV Binnenstad",
        wijken: &[0],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Actief,
        registered_on: Some((2022, 9, 1)),
        stopped_on: None,
        coordinator: Coordinator::Region("Marit Oosterbeek"),
    },
    // Stopped when its practices joined forces with Molenkamp (below).
    NetworkSpec {
        code: "wsv-havenkwartier",
        name: "WSV Havenkwartier",
        wijken: &[1],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Gestopt,
        registered_on: Some((2022, 11, 1)),
        stopped_on: Some((2024, 6, 30)),
        coordinator: Coordinator::None,
    },
    NetworkSpec {
        code: "wsv-lindenpark",
        name: "WSV Lindenpark",
        wijken: &[2],
        module: Module::CoordinatorOnly,
        status: NetworkStatus::Actief,
        registered_on: Some((2023, 3, 1)),
        stopped_on: None,
        coordinator: Coordinator::Own(50, (2023, 4, 1)),
    },
    NetworkSpec {
        code: "wsv-haven-molenkamp",
        name: "WSV Haven en Molenkamp",
        wijken: &[1, 3],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Actief,
        registered_on: Some((2024, 7, 1)),
        stopped_on: None,
        coordinator: Coordinator::Region("Joris Verkade"),
    },
    NetworkSpec {
        code: "wsv-vogelzang",
        name: "WSV Vogelzang",
        wijken: &[4],
        module: Module::Wijkmanagement,
        status: NetworkStatus::InOprichting,
        registered_on: Some((2025, 9, 1)),
        stopped_on: None,
        coordinator: Coordinator::Own(24, (2025, 10, 1)),
    },
    NetworkSpec {
        code: "wsv-elzenmonde-dorp",
        name: "WSV Elzenmonde-Dorp",
        wijken: &[5],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Actief,
        registered_on: Some((2023, 1, 15)),
        stopped_on: None,
        coordinator: Coordinator::Own(64, (2023, 2, 1)),
    },
    NetworkSpec {
        code: "wsv-zeggeveld",
        name: "WSV Zeggeveld",
        wijken: &[6],
        module: Module::CoordinatorOnly,
        status: NetworkStatus::Actief,
        registered_on: Some((2023, 6, 1)),
        stopped_on: None,
        coordinator: Coordinator::Region("Sanne Brouwershaven"),
    },
    NetworkSpec {
        code: "wsv-waterhoek",
        name: "WSV Waterhoek",
        wijken: &[7],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Interesse,
        registered_on: None,
        stopped_on: None,
        coordinator: Coordinator::None,
    },
    NetworkSpec {
        code: "wsv-heiderloo-noord",
        name: "WSV Heiderloo-Noord",
        wijken: &[8],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Actief,
        registered_on: Some((2023, 9, 1)),
        stopped_on: None,
        coordinator: Coordinator::Own(32, (2023, 10, 1)),
    },
    NetworkSpec {
        code: "wsv-heiderloo-zuid",
        name: "WSV Heiderloo-Zuid",
        wijken: &[9],
        module: Module::CoordinatorOnly,
        status: NetworkStatus::Actief,
        registered_on: Some((2024, 2, 1)),
        stopped_on: None,
        coordinator: Coordinator::Region("Lotte Kamphuis"),
    },
];

/// The first and last quarter with a registered-patients count.
const FIRST_COUNT: (i32, u32, u32) = (2023, 1, 1);
const QUARTERS: u32 = 16;

/// Every demo organisation's intake address: the `.example` domain, which
/// never delivers, and numbers in the region's 077 area.
fn demo_intake(i: usize, code: &str) -> wijkregie_core::region::OrganizationContact {
    wijkregie_core::region::OrganizationContact {
        email: Some(format!("intake@{code}.example")),
        phone: Some(format!("077 {:03} {:04}", 350 + i, 1000 + 37 * i)),
    }
}

/// The demo region. Deterministic: every call returns the same value.
pub fn region() -> RegionFile {
    let mut rng = Lcg(0x5EED_2025);
    let wijken = WIJKEN.iter().map(wijk).collect();
    let practices = practices(&mut rng);
    let organizations = ORGANIZATIONS
        .iter()
        .enumerate()
        .map(|(i, &(code, name, domain, _))| Organization {
            code: slug(code),
            name: name.to_owned(),
            domain,
            contact: demo_intake(i, code),
        })
        .collect();
    let networks = NETWORKS.iter().enumerate().map(|(i, spec)| network(i, spec, &practices)).collect();
    RegionFile {
        region: Region { code: slug("regio-zuiderkwartier"), name: "Regio Zuiderkwartier".to_owned() },
        wijken,
        practices,
        organizations,
        networks,
    }
}

/// A small linear congruential generator (Knuth's MMIX constants): enough
/// to make data look varied, and stable across platforms and versions.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        // The high bits of an LCG are the well-mixed ones.
        (self.0 >> 33) as u32
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = (high - low + 1) as u64;
        low + (u64::from(self.next()) % span) as i64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

fn slug(code: &str) -> Code {
    code.parse().expect("demo codes are written as valid codes")
}

fn date((year, month, day): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("demo dates are real calendar dates")
}

fn wijk(spec: &WijkSpec) -> Wijk {
    Wijk {
        code: slug(spec.code),
        name: spec.name.to_owned(),
        areas: spec
            .areas
            .iter()
            .map(|code| Area {
                code: code.parse::<CbsCode>().expect("demo CBS codes are written as valid codes"),
                year: AREA_YEAR,
            })
            .collect(),
    }
}

/// The practices, wijk by wijk, in the order of `WIJKEN`.
fn practices(rng: &mut Lcg) -> Vec<Practice> {
    let mut practices: Vec<Practice> = Vec::new();
    let mut index = 0;
    for spec in &WIJKEN {
        for _ in 0..spec.practices {
            let name = format!(
                "{} {}",
                PRACTICE_KINDS[index % PRACTICE_KINDS.len()],
                PRACTICE_NAMES[index % PRACTICE_NAMES.len()]
            );
            let agb = loop {
                let candidate = format!("01{:06}", rng.between(100_000, 999_999));
                if practices.iter().all(|p| p.code.as_str() != candidate) {
                    break candidate.parse::<AgbCode>().expect("eight digits make an AGB code");
                }
            };
            let address = address(rng, spec);
            let (low, high) = if spec.small_practices { (1_850, 2_900) } else { (2_600, 6_400) };
            let base = rng.between(low, high);
            let registered_patients = counts(rng, base);
            // A practice with an AGB code has it as its code, as in a migrated database.
            let code = agb.as_str().parse::<Code>().expect("eight digits make a code");
            practices.push(Practice {
                code,
                agb: Some(agb),
                name,
                address,
                wijk: Some(slug(spec.code)),
                contact: PracticeContact::default(),
                registered_patients,
            });
            index += 1;
        }
    }
    practices
}

fn address(rng: &mut Lcg, spec: &WijkSpec) -> Address {
    let street = format!("{}{}", rng.pick(&STREET_STEMS), rng.pick(&STREET_KINDS));
    let house_number = rng.between(1, 180) as u32;
    let house_number_suffix = match rng.between(0, 7) {
        0 => Some("a".to_owned()),
        1 => Some("b".to_owned()),
        _ => None,
    };
    let pc4 = spec.pc4 + rng.between(0, 3) as u32;
    let postcode = loop {
        let letters: String = (0..2).map(|_| char::from(b'A' + rng.between(0, 25) as u8)).collect();
        // PostNL does not issue SA, SD and SS; the parser refuses them.
        if let Ok(postcode) = format!("{pc4}{letters}").parse::<Postcode>() {
            break postcode;
        }
    };
    Address { street, house_number, house_number_suffix, postcode, city: MUNICIPALITIES[spec.municipality].to_owned() }
}

/// Quarterly counts that drift slowly from `base`: a practice grows or
/// shrinks by at most about one percent a quarter, with a little noise.
fn counts(rng: &mut Lcg, base: i64) -> Vec<PatientCount> {
    let drift_per_mille = rng.between(-6, 8);
    (0..QUARTERS)
        .map(|q| {
            let trend = base * (1_000 + drift_per_mille * i64::from(q)) / 1_000;
            let count = (trend + rng.between(-25, 25)).clamp(1_800, 7_500);
            PatientCount {
                date: date(FIRST_COUNT) + Months::new(3 * q),
                count: u32::try_from(count).expect("clamped to a small positive range"),
            }
        })
        .collect()
}

/// The practices of the wijken with the given indices, as indices into the
/// list built by `practices`.
fn practices_in(wijken: &[usize]) -> Vec<usize> {
    let mut result = Vec::new();
    let mut first = 0;
    for (i, spec) in WIJKEN.iter().enumerate() {
        if wijken.contains(&i) {
            result.extend(first..first + spec.practices);
        }
        first += spec.practices;
    }
    result
}

fn network(index: usize, spec: &NetworkSpec, practices: &[Practice]) -> Network {
    let registered_on = spec.registered_on.map(date);
    let stopped_on = spec.stopped_on.map(date);
    // Members join at registration; a network that only showed interest
    // lists the practices that are talking about it since then.
    let start = registered_on.unwrap_or(date((2025, 11, 1)));
    let mut members = practices_in(spec.wijken);
    match spec.code {
        // One practice in the Binnenstad has no network: the case the
        // partner-finding help is for.
        "wsv-binnenstad" => {
            members.pop();
        }
        "wsv-vogelzang" => members.truncate(3),
        "wsv-waterhoek" => members.truncate(2),
        _ => {}
    }
    let practice_members = members
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let from = match spec.code {
                // A latecomer, half a year after the start.
                "wsv-binnenstad" if i == 1 => start + Months::new(7),
                _ => start,
            };
            let until = match spec.code {
                // One practice left the network at the end of 2024.
                "wsv-zeggeveld" if i == 2 => Some(date((2024, 12, 31))),
                _ => stopped_on,
            };
            Membership { member: practices[p].code.clone(), from, until }
        })
        .collect();
    Network {
        code: slug(spec.code),
        name: spec.name.to_owned(),
        wijken: spec.wijken.iter().map(|&w| slug(WIJKEN[w].code)).collect(),
        module: spec.module,
        status: spec.status,
        registered_on,
        stopped_on,
        coordinator: match spec.coordinator {
            Coordinator::None => None,
            Coordinator::Region(name) => Some(CoordinatorArrangement::ProvidedByRegion { name: name.to_owned() }),
            Coordinator::Own(quarters, start_date) => Some(CoordinatorArrangement::Own {
                hours_per_week: HoursPerWeek::from_minutes(quarters * 15).expect("demo hours lie between 0 and 60"),
                start_date: date(start_date),
            }),
        },
        practices: practice_members,
        partners: partners(index, spec, start, stopped_on),
    }
}

/// Most organisations of the network's municipality and some regional ones.
/// A network that only showed interest has no partners yet.
fn partners(
    index: usize,
    spec: &NetworkSpec,
    start: NaiveDate,
    stopped_on: Option<NaiveDate>,
) -> Vec<Membership<Code>> {
    if spec.status == NetworkStatus::Interesse {
        return Vec::new();
    }
    let municipality = WIJKEN[spec.wijken[0]].municipality;
    ORGANIZATIONS
        .iter()
        .enumerate()
        .filter(|(j, (_, _, _, works_in))| match works_in {
            Some(m) => *m == municipality && !(index + j).is_multiple_of(3),
            None => (index + j).is_multiple_of(2),
        })
        .enumerate()
        .map(|(k, (_, (code, ..)))| {
            // Partners come on board over the first year; a network still
            // being set up starts with all of them at once.
            let months = match spec.status {
                NetworkStatus::InOprichting => 0,
                _ => 3 * (k as u32 % 4),
            };
            let from = start + Months::new(months);
            let until = match (spec.code, k) {
                // A partner that withdrew; the network goes on without it.
                ("wsv-elzenmonde-dorp", 0) => Some(date((2024, 12, 31))),
                _ => stopped_on,
            };
            Membership { member: slug(code), from, until }
        })
        .collect()
}
