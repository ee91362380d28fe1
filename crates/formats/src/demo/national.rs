//! A fictional social map of national size, for benchmarks: 100,000
//! services of 30,000 organisations at about 45,000 locations, and a
//! centroid for every PC4 code 1000–9999.
//!
//! Everything is generated from a fixed seed, so every run measures the same
//! data. Names, addresses and phone numbers are made up; only the shape is
//! real: PC4 areas lie around the region their first two digits belong to
//! (10xx Amsterdam, 35xx Utrecht, 97xx Groningen …), large cities hold more
//! organisations, services carry the shipped hulpvragen, and a few have no
//! location, are inactive or have no opening hours — as in a real export.

use chrono::{NaiveDate, NaiveTime};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{
    Contact, GeoPoint, HsdsId, LanguageCode, Location, LocationAddress, OpeningSlot, Pathway, Phone, Schedule, Service,
    ServiceStatus,
};
use wijkregie_core::region::{Domain, Organization};

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub services: usize,
    pub organizations: usize,
}

/// The size the performance targets are set for.
pub const FULL_SCALE: Scale = Scale { services: 100_000, organizations: 30_000 };

/// The generated social map.
pub struct Directory {
    pub organizations: Vec<Organization>,
    pub locations: Vec<Location>,
    pub services: Vec<Service>,
    /// PC4 code → centroid, for every code 1000–9999.
    pub postcodes: Vec<(String, GeoPoint)>,
}

/// The region of each two-digit postcode prefix 10–99: a town and roughly
/// where it lies, and how many times more organisations it holds than a
/// rural area. Approximate on purpose: close enough for realistic distances.
const REGIONS: [(&str, f64, f64, u32); 90] = [
    ("Amsterdam", 52.37, 4.90, 6),
    ("Amstelveen", 52.31, 4.90, 3),
    ("Hilversum", 52.22, 5.17, 2),
    ("Almere", 52.37, 5.22, 3),
    ("Purmerend", 52.50, 4.95, 2),
    ("Zaandam", 52.44, 4.82, 2),
    ("Hoorn", 52.64, 5.06, 1),
    ("Den Helder", 52.90, 4.76, 1),
    ("Alkmaar", 52.63, 4.75, 2),
    ("Beverwijk", 52.48, 4.65, 1),
    ("Haarlem", 52.38, 4.64, 3),
    ("Hoofddorp", 52.30, 4.69, 2),
    ("Katwijk", 52.20, 4.42, 1),
    ("Leiden", 52.16, 4.49, 3),
    ("Alphen aan den Rijn", 52.13, 4.66, 1),
    ("Den Haag", 52.07, 4.30, 6),
    ("Delft", 52.01, 4.36, 2),
    ("Zoetermeer", 52.06, 4.49, 2),
    ("Gouda", 52.01, 4.71, 1),
    ("Schoonhoven", 51.95, 4.85, 1),
    ("Rotterdam", 51.92, 4.48, 6),
    ("Schiedam", 51.91, 4.39, 2),
    ("Spijkenisse", 51.84, 4.33, 1),
    ("Dordrecht", 51.81, 4.67, 2),
    ("Woerden", 52.09, 4.88, 1),
    ("Utrecht", 52.09, 5.12, 5),
    ("Maarssen", 52.14, 5.04, 1),
    ("Zeist", 52.09, 5.24, 2),
    ("Amersfoort", 52.16, 5.39, 3),
    ("Veenendaal", 52.03, 5.56, 1),
    ("Tiel", 51.89, 5.43, 1),
    ("Culemborg", 51.95, 5.23, 1),
    ("Gorinchem", 51.83, 4.97, 1),
    ("Zierikzee", 51.65, 3.92, 1),
    ("Goes", 51.50, 3.89, 1),
    ("Terneuzen", 51.33, 3.83, 1),
    ("Bergen op Zoom", 51.49, 4.29, 1),
    ("Roosendaal", 51.53, 4.46, 1),
    ("Breda", 51.59, 4.78, 3),
    ("Oosterhout", 51.64, 4.86, 1),
    ("Tilburg", 51.56, 5.09, 3),
    ("Waalwijk", 51.68, 5.07, 1),
    ("'s-Hertogenbosch", 51.69, 5.30, 3),
    ("Zaltbommel", 51.81, 5.25, 1),
    ("Uden", 51.66, 5.62, 1),
    ("Veldhoven", 51.42, 5.40, 1),
    ("Eindhoven", 51.44, 5.48, 4),
    ("Helmond", 51.48, 5.66, 2),
    ("Venray", 51.53, 5.98, 1),
    ("Venlo", 51.37, 6.17, 2),
    ("Weert", 51.25, 5.71, 1),
    ("Sittard", 51.00, 5.87, 1),
    ("Maastricht", 50.85, 5.69, 3),
    ("Valkenburg", 50.87, 5.83, 1),
    ("Heerlen", 50.89, 5.98, 2),
    ("Nijmegen", 51.84, 5.86, 3),
    ("Wijchen", 51.81, 5.72, 1),
    ("Ede", 52.04, 5.66, 2),
    ("Arnhem", 51.98, 5.91, 3),
    ("Zevenaar", 51.93, 6.07, 1),
    ("Doetinchem", 51.96, 6.29, 1),
    ("Winterswijk", 51.97, 6.72, 1),
    ("Zutphen", 52.14, 6.20, 1),
    ("Apeldoorn", 52.21, 5.97, 3),
    ("Deventer", 52.25, 6.16, 2),
    ("Enschede", 52.22, 6.89, 3),
    ("Almelo", 52.36, 6.66, 2),
    ("Hardenberg", 52.57, 6.62, 1),
    ("Emmen", 52.78, 6.90, 2),
    ("Hoogeveen", 52.72, 6.48, 1),
    ("Zwolle", 52.51, 6.09, 3),
    ("Raalte", 52.39, 6.27, 1),
    ("Lelystad", 52.52, 5.47, 2),
    ("Emmeloord", 52.71, 5.75, 1),
    ("Heerenveen", 52.96, 5.92, 1),
    ("Joure", 52.97, 5.79, 1),
    ("Sneek", 53.03, 5.66, 1),
    ("Bolsward", 53.06, 5.53, 1),
    ("Harlingen", 53.17, 5.42, 1),
    ("Leeuwarden", 53.20, 5.79, 2),
    ("Grou", 53.09, 5.84, 1),
    ("Dokkum", 53.33, 6.00, 1),
    ("Drachten", 53.11, 6.10, 1),
    ("Roden", 53.14, 6.43, 1),
    ("Assen", 52.99, 6.56, 2),
    ("Stadskanaal", 52.99, 6.95, 1),
    ("Veendam", 53.11, 6.88, 1),
    ("Groningen", 53.22, 6.57, 4),
    ("Zuidhorn", 53.25, 6.40, 1),
    ("Delfzijl", 53.33, 6.92, 1),
];

/// Where a PC4 area lies: its region's town, moved on a 10 × 10 grid of
/// about 2 × 2 km steps by the last two digits, kept inside the country's
/// bounding box.
fn pc4_point(pc4: u32) -> GeoPoint {
    let (_, lat, lon, _) = REGIONS[(pc4 / 100 - 10) as usize];
    let (row, column) = (f64::from(pc4 % 100 / 10), f64::from(pc4 % 10));
    let lat = (lat + (row - 4.5) * 0.018).clamp(50.76, 53.50);
    let lon = (lon + (column - 4.5) * 0.027).clamp(3.37, 7.20);
    GeoPoint::new(lat, lon).expect("clamped into the Netherlands")
}

/// A small deterministic generator (xorshift64*): the same data every run,
/// without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const KINDS: &[&str] = &[
    "Fysiotherapie",
    "Wandelgroep",
    "Buurtkamer",
    "Schuldhulpverlening",
    "Taalcafé",
    "Mantelzorgsteunpunt",
    "Leefstijlcoach",
    "Diëtistenpraktijk",
    "Psychologenpraktijk",
    "Maatjesproject",
    "Dagbesteding",
    "Consultatiebureau",
    "Opvoedsteunpunt",
    "Ouderenadviseur",
    "Beweegmaatje",
    "Kookcafé",
    "Repair Café",
    "Sportvereniging",
    "Wijkverpleging",
    "Formulierenbrigade",
    "Valpreventie",
    "Ergotherapie",
    "Logopedie",
    "Inloopspreekuur",
    "Ontmoetingscentrum",
    "Jongerenwerk",
    "Alzheimer Café",
    "Thuisadministratie",
];
const NAMES: &[&str] = &[
    "De Linde",
    "Het Anker",
    "De Brug",
    "Horizon",
    "Samen Sterk",
    "De Ontmoeting",
    "Het Kompas",
    "De Haven",
    "Zonnebloem",
    "De Eik",
    "Vitaal",
    "In Balans",
    "Op Pad",
    "De Buurt",
    "Thuis",
    "De Vonk",
    "Het Baken",
    "De Schakel",
    "Klaverblad",
    "De Wending",
];
const ORG_KINDS: &[(&str, Domain)] = &[
    ("Stichting Welzijn", Domain::Welzijn),
    ("Buurtwerk", Domain::Welzijn),
    ("Praktijk", Domain::Zorg),
    ("Zorggroep", Domain::Zorg),
    ("Thuiszorg", Domain::Zorg),
    ("Gemeente", Domain::SociaalDomein),
    ("Wijkteam", Domain::SociaalDomein),
    ("Vrijwilligerscentrale", Domain::InformeleZorg),
    ("Mantelzorgsteunpunt", Domain::InformeleZorg),
];
const SENTENCES: &[&str] = &[
    "Voor iedereen die in beweging wil komen.",
    "Hulp bij geldzorgen, betalingsachterstanden en formulieren.",
    "Een vrijwilliger komt wekelijks langs voor een praatje of een wandeling.",
    "Behandeling van rug-, nek- en schouderklachten door ervaren fysiotherapeuten.",
    "Advies over voeding en een gezonde leefstijl.",
    "Samen koken en eten met buurtgenoten.",
    "Ondersteuning voor mantelzorgers die zorgen voor een naaste.",
    "Oefenen met Nederlands in een ontspannen sfeer.",
    "Steun bij somberheid, stress en angst.",
    "Begeleiding van ouders tijdens de zwangerschap en het eerste jaar.",
    "Cursus voor ouderen die bang zijn om te vallen.",
    "Zinvolle dagbesteding in een werkplaats of moestuin.",
    "Inloop zonder afspraak, koffie staat klaar.",
    "Verwijzing door de huisarts of praktijkondersteuner is mogelijk.",
];
const STREETS: &[&str] = &[
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Schoolstraat",
    "Stationsweg",
    "Marktplein",
    "Lindenlaan",
    "Beukenlaan",
    "Wilhelminastraat",
    "Julianaweg",
    "Nieuwstraat",
    "Havenkade",
];
const POSTCODE_LETTERS: &[u8] = b"ABCDEGHJKLMNPRTVWXZ";
/// Codes of the shipped hulpvragen (`data/hulpvragen.json`).
const TERMS: &[&str] = &[
    "eenzaamheid",
    "schulden",
    "mantelzorg",
    "bewegen",
    "overgewicht",
    "valrisico",
    "zwangerschap-jonge-ouders",
    "opvoeding",
    "psychische-klachten",
    "wonen",
    "werk-dagbesteding",
    "taal",
    "vervoer",
    "geheugen-dementie",
    "verslaving",
    "huiselijk-geweld",
    "zorg-thuis",
    "medicatie",
    "ouder-worden",
    "juridisch-administratief",
    "jeugd",
    "chronische-aandoening",
];
const LANGUAGES: &[&str] = &["en", "ar", "tr", "pl", "uk", "de"];

/// A stable UUID per record; `kind` keeps organisations, locations and
/// services apart, and the `9` variant keeps them apart from the small demo.
fn id(kind: u32, n: usize) -> HsdsId {
    format!("00000000-0000-4000-9000-{kind:04x}{n:08x}").parse().expect("the pattern is a valid UUID")
}

fn code(text: &str) -> Code {
    text.parse().expect("generated codes are valid codes")
}

/// Every PC4 code 1000–9999 with its centroid.
pub fn postcode_centroids() -> Vec<(String, GeoPoint)> {
    (1000..=9999).map(|pc4| (pc4.to_string(), pc4_point(pc4))).collect()
}

/// The generated social map at `scale`; the same every time.
pub fn generate(scale: Scale) -> Directory {
    let mut rng = Rng(0x6e61_7469_6f6e_616c);
    let weights: Vec<u32> = REGIONS.iter().map(|r| r.3).collect();
    let total_weight: u32 = weights.iter().sum();
    let region = |rng: &mut Rng| {
        let mut w = rng.below(total_weight as usize) as u32;
        for (i, &weight) in weights.iter().enumerate() {
            if w < weight {
                return i;
            }
            w -= weight;
        }
        weights.len() - 1
    };

    let mut organizations = Vec::with_capacity(scale.organizations);
    let mut locations = Vec::with_capacity(scale.organizations * 3 / 2);
    // Per organisation: its domain and the range of its locations.
    let mut org_places: Vec<(Domain, std::ops::Range<usize>)> = Vec::with_capacity(scale.organizations);
    for n in 0..scale.organizations {
        let r = region(&mut rng);
        let town = REGIONS[r].0;
        let (kind, domain) = *rng.pick(ORG_KINDS);
        let name = format!("{kind} {} {town}", rng.pick(NAMES));
        organizations.push(Organization {
            code: code(&format!("org-{n:05}")),
            name,
            domain,
            contact: Default::default(),
        });
        let first = locations.len();
        for _ in 0..1 + usize::from(rng.chance(50)) {
            let pc4 = (10 + r as u32) * 100 + rng.below(100) as u32;
            let centre = pc4_point(pc4);
            let point = GeoPoint::new(
                (centre.latitude + (rng.unit() - 0.5) * 0.012).clamp(50.76, 53.50),
                (centre.longitude + (rng.unit() - 0.5) * 0.018).clamp(3.37, 7.20),
            )
            .expect("clamped into the Netherlands");
            // Without S, so never SA, SD or SS, which PostNL does not issue.
            let letters = [*rng.pick(POSTCODE_LETTERS), *rng.pick(POSTCODE_LETTERS)];
            let street = *rng.pick(STREETS);
            let number = 1 + rng.below(150) as u32;
            let l = locations.len();
            locations.push(Location {
                id: id(0x20, l),
                organization: code(&format!("org-{n:05}")),
                name: format!("{street} {number}, {town}"),
                description: None,
                address: Some(LocationAddress {
                    street: street.to_owned(),
                    house_number: number,
                    house_number_suffix: None,
                    postcode: format!("{pc4}{}", String::from_utf8_lossy(&letters))
                        .parse()
                        .expect("four digits from 1000 and two capitals"),
                    city: town.to_owned(),
                }),
                point: Some(point),
            });
        }
        org_places.push((domain, first..locations.len()));
    }

    let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("1 November 2026 is a calendar date");
    let hour = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).expect("called only with whole hours of the day");
    let mut services = Vec::with_capacity(scale.services);
    for n in 0..scale.services {
        let org = rng.below(scale.organizations.max(1));
        let (domain, places) = org_places[org].clone();
        let town = locations[places.start].address.as_ref().map(|a| a.city.clone()).unwrap_or_default();
        let mut terms: Vec<Code> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let t = code(rng.pick::<&str>(TERMS));
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
        let mut languages: Vec<LanguageCode> = vec!["nl".parse().expect("nl is an ISO 639-1 code")];
        if rng.chance(20) {
            let other: LanguageCode = rng.pick(LANGUAGES).parse().expect("LANGUAGES lists ISO 639-1 codes");
            languages.push(other);
        }
        let slots = if rng.chance(70) {
            let (opens, closes) = *rng.pick(&[(9, 17), (9, 12), (13, 17), (19, 21)]);
            (1..=5).map(|weekday| OpeningSlot { weekday, opens: hour(opens), closes: hour(closes) }).collect()
        } else {
            Vec::new()
        };
        // A national directory has few services without an address (phone
        // lines, websites): 2 in 100.
        let located = rng.chance(98);
        let location = places.start + rng.below(places.len());
        let free = rng.chance(50);
        let (minimum_age, maximum_age) = match rng.below(10) {
            0 | 1 => (Some(18), None),
            2 => (None, Some(17)),
            3 => (Some(65), None),
            _ => (None, None),
        };
        services.push(Service {
            id: id(0x30, n),
            organization: code(&format!("org-{org:05}")),
            name: format!("{} {} {town}", rng.pick(KINDS), rng.pick(NAMES)),
            alternate_name: None,
            description: (0..2 + rng.below(3)).map(|_| *rng.pick(SENTENCES)).collect::<Vec<_>>().join(" "),
            url: Some(format!("https://dienst-{n}.example/")),
            email: rng.chance(60).then(|| format!("info@dienst-{n}.example")),
            status: if rng.chance(5) { ServiceStatus::Inactive } else { ServiceStatus::Active },
            assured_date: rng.chance(90).then(|| today - chrono::Duration::days(rng.below(500) as i64)),
            application_process: None,
            fees_description: (!free).then(|| "Vergoed uit de zorgverzekering of met eigen bijdrage.".to_owned()),
            free_of_charge: free,
            eligibility_description: None,
            minimum_age,
            maximum_age,
            languages,
            domain,
            pathways: if rng.chance(20) { vec![*rng.pick(&Pathway::ALL)] } else { Vec::new() },
            serves_wijken: Vec::new(),
            serves_networks: Vec::new(),
            taxonomy_terms: terms,
            foreign_terms: Vec::new(),
            phones: vec![Phone {
                number: format!("0{:02} {:03} {:04}", 10 + rng.below(90), n % 1000, n % 10_000),
                description: None,
            }],
            contacts: if rng.chance(30) {
                vec![Contact { name: "Receptie".into(), title: None, email: None, phone: None }]
            } else {
                Vec::new()
            },
            schedule: Schedule { slots, by_appointment: rng.chance(20), notes: None, rules: Vec::new() },
            locations: if located { vec![locations[location].id.clone()] } else { Vec::new() },
        });
    }
    Directory { organizations, locations, services, postcodes: postcode_centroids() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pc4_code_has_a_centroid_in_its_region() {
        let centroids = postcode_centroids();
        assert_eq!(centroids.len(), 9000);
        let amsterdam = GeoPoint::new(52.37, 4.90).unwrap();
        let groningen = GeoPoint::new(53.22, 6.57).unwrap();
        let at = |pc: &str| centroids.iter().find(|(p, _)| p == pc).unwrap().1;
        assert!(at("1012").distance_km(amsterdam) < 15.0);
        assert!(at("9712").distance_km(groningen) < 15.0);
        assert!(at("1012").distance_km(at("9712")) > 140.0);
    }

    #[test]
    fn a_small_scale_is_sound_and_the_same_every_time() {
        let scale = Scale { services: 2_000, organizations: 600 };
        let d = generate(scale);
        assert_eq!((d.services.len(), d.organizations.len()), (2_000, 600));
        let terms = crate::taxonomy::shipped();
        for s in &d.services {
            assert!(s.problems().is_empty(), "{}: {:?}", s.name, s.problems());
            assert!(s.taxonomy_terms.iter().all(|t| terms.iter().any(|x| &x.code == t)), "{}", s.name);
        }
        let ids: std::collections::BTreeSet<_> = d.services.iter().map(|s| &s.id).collect();
        assert_eq!(ids.len(), d.services.len());
        assert!(d.services.iter().any(|s| s.locations.is_empty()));
        assert!(d.services.iter().any(|s| s.status == ServiceStatus::Inactive));
        let again = generate(scale);
        assert_eq!(d.services, again.services);
        assert_eq!(d.locations, again.locations);
    }
}
