//! The national benchmark's shared parts: the generated national social map
//! as search documents, the mix of typical questions, an SQLite FTS5
//! baseline that answers the same questions, and percentiles.
//!
//! `benches/national.rs` measures tantivy and FTS5 side by side in one run;
//! `load.sh` measures the whole server (import, start, HTTP, memory). See
//! bench/README.md.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

pub mod fts5;
pub mod population;

use std::collections::HashMap;
use std::time::Duration;

use wijkregie_formats::demo::national::{self, Scale};
use wijkregie_search::{GeoPoint, OpeningSlot, Query, ServiceDoc, TermDoc};

/// The national social map as the index sees it, and the PC4 centroids the
/// questions start from. The mapping mirrors `app::directory`'s
/// (organisation name, term names and synonyms, location points), without
/// a database in between.
pub fn national_docs(scale: Scale) -> (Vec<ServiceDoc>, Vec<GeoPoint>) {
    let d = national::generate(scale);
    let terms: HashMap<_, _> =
        wijkregie_formats::taxonomy::shipped().into_iter().map(|t| (t.code.clone(), t)).collect();
    let organizations: HashMap<_, _> = d.organizations.iter().map(|o| (&o.code, o)).collect();
    let points: HashMap<_, _> = d.locations.iter().filter_map(|l| Some((&l.id, l.point?))).collect();
    let docs = d
        .services
        .iter()
        .map(|s| ServiceDoc {
            id: s.id.to_string(),
            name: s.name.clone(),
            alternate_name: s.alternate_name.clone(),
            description: s.description.clone(),
            organization_name: organizations.get(&s.organization).map(|o| o.name.clone()).unwrap_or_default(),
            organization_ids: vec![s.organization.to_string()],
            taxonomy_terms: s
                .taxonomy_terms
                .iter()
                .filter_map(|c| terms.get(c))
                .map(|t| TermDoc { id: t.code.to_string(), name: t.name.clone(), synonyms: t.synonyms.clone() })
                .collect(),
            domain: s.domain.code().to_owned(),
            pathways: s.pathways.iter().map(|p| p.code().to_owned()).collect(),
            languages: s.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            free_of_charge: s.free_of_charge,
            min_age: s.minimum_age,
            max_age: s.maximum_age,
            wijken: Vec::new(),
            networks: Vec::new(),
            status: s.status.code().to_owned(),
            locations: s
                .locations
                .iter()
                .filter_map(|id| points.get(id))
                .map(|p| GeoPoint { lat: p.latitude, lon: p.longitude })
                .collect(),
            opening: s
                .schedule
                .slots
                .iter()
                .map(|slot| OpeningSlot {
                    weekday: slot.weekday,
                    opens_minute: minute(slot.opens),
                    closes_minute: minute(slot.closes),
                })
                .collect(),
        })
        .collect();
    let centroids = d.postcodes.iter().map(|(_, p)| GeoPoint { lat: p.latitude, lon: p.longitude }).collect();
    (docs, centroids)
}

fn minute(t: chrono::NaiveTime) -> u16 {
    use chrono::Timelike;
    (t.hour() * 60 + t.minute()) as u16
}

/// What GPs and patients type, typos and all; "" is a search by filters
/// and distance only.
pub const TEXTS: &[&str] = &[
    "fysiotherapeuten",
    "eenzaam",
    "wandelgroep ouderen",
    "schuldhulp",
    "eenzaamhied",
    "hulp bij geldzorgen",
    "valpreventie",
    "taalcafé nederlands",
    "mantelzorg",
    "",
];

/// The typical question from a GP's desk: a few Dutch words, the patient's
/// PC4 centroid, a radius of 10 km and one or two filters. `i` varies the
/// place and the filters deterministically.
pub fn typical(text: &str, i: usize, centroids: &[GeoPoint]) -> Query {
    // Every 7th PC4 area, so the places spread over the whole country.
    let near = centroids[(i * 7919) % centroids.len()];
    Query {
        text: text.to_string(),
        near: Some(near),
        radius_km: Some(10.0),
        free_only: i.is_multiple_of(2),
        domain: i.is_multiple_of(3).then(|| "welzijn".to_string()),
        limit: 20,
        ..Query::default()
    }
}

/// The fixed mix both engines answer: every text at 100 places.
pub fn query_mix(centroids: &[GeoPoint]) -> Vec<Query> {
    (0..100)
        .flat_map(|round| TEXTS.iter().enumerate().map(move |(i, t)| (round * TEXTS.len() + i, *t)))
        .map(|(i, t)| typical(t, i, centroids))
        .collect()
}

/// p50, p99 and the maximum of a set of durations.
pub fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration, Duration) {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    (at(0.50), at(0.99), times[times.len() - 1])
}

/// Milliseconds with three decimals, for the printed figures.
pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}
