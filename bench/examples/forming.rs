//! The quality of `core::forming` (help to form a network, issue 6) on the
//! demo region and on a national-scale fixture: share of interested
//! practices placed, the travel distance within a group, and run time.
//!
//! ```
//! cargo run --release -p wijkregie-bench --example forming
//! ```
//!
//! The national fixture: 2,000 interested practices at PC4 centroids
//! spread over the country (`formats::demo::national`'s centroids, every PC4 code
//! 1000–9999 near the town of its first two digits), 2,000–3,500 registered
//! patients each, the PC2 area standing in for the municipality. Fixed seed:
//! the same every run.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Instant;

use wijkregie_core::codes::AgbCode;
use wijkregie_core::directory::GeoPoint;
use wijkregie_core::forming::{propose, Candidate, Outcome, Settings};

fn demo() -> Vec<Candidate<AgbCode>> {
    let region = wijkregie_formats::demo::region();
    let centroids = wijkregie_formats::demo::directory::postcode_centroids();
    let mut out = Vec::new();
    for a in wijkregie_formats::demo::applications::generate(&region) {
        if a.request != wijkregie_core::application::Request::Interest {
            continue;
        }
        for p in &a.practices {
            let point = centroids.iter().find(|(pc, _)| pc == p.postcode.pc4()).map(|(_, pt)| *pt);
            out.push(Candidate {
                id: p.agb.clone(),
                patients: p.registered_patients,
                point: point.expect("the demo ships the centroids of its postcodes"),
                municipality: p.city.clone(),
                wijk: a.wijk.clone(),
            });
        }
    }
    out
}

fn national(n: usize) -> Vec<Candidate<AgbCode>> {
    let centroids = wijkregie_formats::demo::national::postcode_centroids();
    let mut seed: u64 = 0x0f0e_d0c0_b0a0_9080;
    let mut next = move || {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    (0..n)
        .map(|i| {
            let (pc4, point) = &centroids[(next() % centroids.len() as u64) as usize];
            Candidate {
                id: format!("05{i:06}").parse().expect("eight digits"),
                patients: 2_000 + (next() % 1_501) as u32,
                point: *point,
                municipality: pc4[..2].to_owned(),
                wijk: None,
            }
        })
        .collect()
}

fn report(name: &str, candidates: &[Candidate<AgbCode>]) {
    let settings = Settings::default();
    let mut times = Vec::new();
    let mut outcome: Option<Outcome<AgbCode>> = None;
    for _ in 0..5 {
        let start = Instant::now();
        let o = propose(candidates, settings);
        times.push(start.elapsed());
        outcome = Some(o);
    }
    let outcome = outcome.expect("ran five times");
    times.sort();
    let point = |id: &AgbCode| -> GeoPoint {
        candidates.iter().find(|c| &c.id == id).map(|c| c.point).expect("a member is a candidate")
    };
    let groups = outcome.proposals.len().max(1) as f64;
    let mean_pair: f64 = outcome.proposals.iter().map(|p| p.mean_pair_km(point)).sum::<f64>() / groups;
    let members_to_centre: Vec<f64> =
        outcome.proposals.iter().flat_map(|p| p.members[1..].iter().map(|m| m.km_to_centre)).collect();
    let mean_centre = members_to_centre.iter().sum::<f64>() / members_to_centre.len().max(1) as f64;
    let max_centre = members_to_centre.iter().copied().fold(0.0, f64::max);
    let sizes: Vec<usize> = outcome.proposals.iter().map(|p| p.members.len()).collect();
    let patients: Vec<u64> = outcome.proposals.iter().map(|p| p.patients).collect();
    println!("## {name}");
    println!("interested practices        {}", candidates.len());
    println!("proposals                   {}", outcome.proposals.len());
    println!(
        "placed                      {} ({:.1}%)",
        outcome.placed(),
        100.0 * outcome.placed() as f64 / candidates.len().max(1) as f64
    );
    println!(
        "practices per group         min {} / max {}",
        sizes.iter().min().unwrap_or(&0),
        sizes.iter().max().unwrap_or(&0)
    );
    println!(
        "patients per group          min {} / max {}",
        patients.iter().min().unwrap_or(&0),
        patients.iter().max().unwrap_or(&0)
    );
    println!("mean km between two members {mean_pair:.2} (mean over groups)");
    println!("mean km member → centre     {mean_centre:.2} (max {max_centre:.2})");
    println!("run time                    median {:?}, min {:?}, max {:?} (5 runs)", times[2], times[0], times[4]);
    println!();
}

fn main() {
    report("demo region (interest registrations)", &demo());
    report("national fixture, 2,000 practices", &national(2_000));
}
