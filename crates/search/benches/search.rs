//! How fast the social-map index is for a region: builds an index of 5,000
//! generated services and measures a typical search (text + location +
//! radius + a filter). Besides criterion's estimates it prints p50 and p99
//! over a fixed mix of queries, the figures the issue asks for.
//!
//! Run: `cargo bench -p wijkregie-search`.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use wijkregie_search::{GeoPoint, Index, OpeningSlot, Query, ServiceDoc, TermDoc};

const SERVICES: usize = 5_000;

/// A small deterministic generator (xorshift64*), so every run indexes the
/// same region.
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
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
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
    "Noord",
    "Zuid",
    "Oost",
    "West",
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
];
const TERMS: &[(&str, &[&str])] = &[
    ("eenzaamheid", &["eenzaam", "alleen", "sociaal isolement"]),
    ("schulden", &["geldzorgen", "schuld"]),
    ("mantelzorg", &["mantelzorger"]),
    ("bewegen", &["sport", "beweging", "conditie"]),
    ("overgewicht", &["gewicht", "afvallen", "leefstijl"]),
    ("valrisico", &["vallen", "valangst", "evenwicht"]),
    ("zwangerschap en jonge ouders", &["zwanger", "baby"]),
    ("opvoeding", &["opvoeden", "pubers"]),
    ("psychische klachten", &["somberheid", "stress", "angst"]),
    ("wonen", &["woning"]),
    ("werk en dagbesteding", &["dagbesteding", "vrijwilligerswerk"]),
    ("taal", &["nederlands leren", "laaggeletterdheid"]),
    ("vervoer", &["rijden", "taxi"]),
];
const DOMAINS: &[&str] = &["zorg", "welzijn", "sociaal_domein", "informele_zorg"];
const PATHWAYS: &[&str] = &["welzijn_op_recept", "gli_volwassenen", "gli_jeugd", "kansrijke_start", "valpreventie"];
const LANGUAGES: &[&str] = &["en", "ar", "tr", "pl", "uk"];
/// The region: about 40 × 35 km around Utrecht, 60 wijken in 12 networks.
const CENTRE: GeoPoint = GeoPoint { lat: 52.09, lon: 5.12 };

fn services(n: usize) -> Vec<ServiceDoc> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    (0..n)
        .map(|i| {
            let wijk = rng.below(60);
            let term_count = 1 + rng.below(3);
            let taxonomy_terms = (0..term_count)
                .map(|_| {
                    let (name, synonyms) = TERMS[rng.below(TERMS.len())];
                    TermDoc {
                        id: format!("hv-{}", name.replace(' ', "-")),
                        name: name.to_string(),
                        synonyms: synonyms.iter().map(ToString::to_string).collect(),
                    }
                })
                .collect();
            let located = rng.chance(90);
            let locations = if located {
                (0..1 + rng.below(2))
                    .map(|_| GeoPoint {
                        lat: CENTRE.lat + (rng.unit() - 0.5) * 0.36,
                        lon: CENTRE.lon + (rng.unit() - 0.5) * 0.5,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let opening = if rng.chance(70) {
                (1..=5).map(|weekday| OpeningSlot { weekday, opens_minute: 9 * 60, closes_minute: 17 * 60 }).collect()
            } else {
                Vec::new()
            };
            let mut languages = vec!["nl".to_string()];
            if rng.chance(20) {
                languages.push(rng.pick(LANGUAGES).to_string());
            }
            ServiceDoc {
                id: format!("svc-{i:05}"),
                name: format!("{} {}", rng.pick(KINDS), rng.pick(NAMES)),
                alternate_name: None,
                organization_ids: Vec::new(),
                description: (0..2 + rng.below(3)).map(|_| rng.pick(SENTENCES)).collect::<Vec<_>>().join(" "),
                organization_name: format!(
                    "{} {}",
                    rng.pick(&["Stichting", "Welzijn", "Praktijk", "Gemeente"]),
                    rng.pick(NAMES)
                ),
                taxonomy_terms,
                domain: rng.pick(DOMAINS).to_string(),
                pathways: if rng.chance(25) { vec![rng.pick(PATHWAYS).to_string()] } else { Vec::new() },
                languages,
                free_of_charge: rng.chance(50),
                min_age: if rng.chance(20) { Some(18) } else { None },
                max_age: if rng.chance(10) { Some(17) } else { None },
                wijken: vec![format!("WK{:06}", 100 + wijk)],
                networks: vec![format!("wsv-{}", wijk / 5)],
                status: if rng.chance(5) { "inactive".to_string() } else { "active".to_string() },
                locations,
                opening,
            }
        })
        .collect()
}

/// The typical question from a GP's desk: a few Dutch words, the patient's
/// postcode, a radius and one filter.
fn typical(text: &str, i: usize) -> Query {
    Query {
        text: text.to_string(),
        near: Some(GeoPoint { lat: CENTRE.lat + (i % 7) as f64 * 0.01, lon: CENTRE.lon - (i % 5) as f64 * 0.01 }),
        radius_km: Some(10.0),
        free_only: i.is_multiple_of(2),
        domain: i.is_multiple_of(3).then(|| "welzijn".to_string()),
        ..Query::default()
    }
}

const TEXTS: &[&str] = &[
    "fysiotherapeuten",
    "eenzaam",
    "wandelgroep ouderen",
    "schuldhulp",
    "eenzaamhied",
    "hulp bij geldzorgen",
    "valpreventie",
    "taalcafé nederlands",
    "",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// p50 and p99 over a fixed mix, printed once: criterion reports means.
fn report(index: &Index, build: Duration) {
    let mut times = Vec::new();
    for round in 0..100 {
        for (i, text) in TEXTS.iter().enumerate() {
            let q = typical(text, round + i);
            let start = Instant::now();
            let found = index.search(&q).expect("a valid query");
            times.push(start.elapsed());
            black_box(found);
        }
    }
    times.sort();
    eprintln!(
        "wijkregie-search: {SERVICES} services built in {:.0} ms; {} searches: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        build.as_secs_f64() * 1e3,
        times.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
    );
}

fn bench(c: &mut Criterion) {
    let docs = services(SERVICES);
    let index = Index::new().expect("an empty index");
    let start = Instant::now();
    index.rebuild(docs.clone()).expect("the generated services index");
    report(&index, start.elapsed());

    let q = typical("fysiotherapeuten", 0);
    assert!(index.search(&q).expect("valid").total > 0, "the typical query finds something");
    c.bench_function("search: text + near + radius + filter (5,000 services)", |b| {
        b.iter(|| index.search(black_box(&q)).expect("a valid query"));
    });
    let q = typical("", 1);
    c.bench_function("search: no text, near + radius + filter (5,000 services)", |b| {
        b.iter(|| index.search(black_box(&q)).expect("a valid query"));
    });

    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("rebuild 5,000 services", |b| {
        b.iter(|| index.rebuild(black_box(docs.clone())).expect("the generated services index"));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
