//! Search at national scale (100,000 services, 30,000 organisations), in
//! process: our tantivy index and the SQLite FTS5 baseline answer the same
//! mix of 1,000 typical questions (text + a filter or two + 10 km around a
//! PC4 centroid) in one run. Prints build times and p50/p99/max of both
//! side by side, then criterion's estimates for one typical question each.
//!
//! Run: `cargo bench -p wijkregie-bench` (about two minutes). Not part of
//! the test run.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use wijkregie_bench::fts5::Fts5;
use wijkregie_bench::{ms, national_docs, percentiles, query_mix, typical};
use wijkregie_formats::demo::national::FULL_SCALE;
use wijkregie_search::Index;

fn bench(c: &mut Criterion) {
    let (docs, centroids) = national_docs(FULL_SCALE);

    let start = Instant::now();
    let index = Index::new().expect("an empty index");
    index.rebuild(docs.clone()).expect("the national services index");
    let tantivy_build = start.elapsed();
    let start = Instant::now();
    let fts = Fts5::build(&docs).expect("the national services load into SQLite");
    let fts_build = start.elapsed();
    drop(docs);

    let mix = query_mix(&centroids);
    // Each engine answers the whole mix twice, the first time to warm up,
    // one engine after the other: interleaved, FTS5's 20 ms questions
    // evict tantivy's working set from the caches between two of ours.
    let (mut ours, mut ours_found) = (Vec::new(), 0);
    for round in 0..2 {
        for q in &mix {
            let start = Instant::now();
            let found = black_box(index.search(q).expect("a valid query"));
            if round == 1 {
                ours.push(start.elapsed());
                ours_found += found.total;
            }
        }
    }
    let (mut theirs, mut theirs_found) = (Vec::new(), 0);
    for round in 0..2 {
        for q in &mix {
            let start = Instant::now();
            let (total, _) = black_box(fts.search(q).expect("a valid query"));
            if round == 1 {
                theirs.push(start.elapsed());
                theirs_found += total;
            }
        }
    }
    let (p50, p99, max) = percentiles(ours);
    let (f50, f99, fmax) = percentiles(theirs);
    eprintln!(
        "national: {} services; build tantivy {:.2} s, FTS5 {:.2} s",
        FULL_SCALE.services,
        tantivy_build.as_secs_f64(),
        fts_build.as_secs_f64()
    );
    eprintln!("national: {} questions (text + filters + 10 km), in process:", mix.len());
    eprintln!(
        "  tantivy  p50 {}  p99 {}  max {}  ({:.0} hits per question)",
        ms(p50),
        ms(p99),
        ms(max),
        ours_found as f64 / mix.len() as f64
    );
    eprintln!(
        "  FTS5     p50 {}  p99 {}  max {}  ({:.0} hits per question)",
        ms(f50),
        ms(f99),
        ms(fmax),
        theirs_found as f64 / mix.len() as f64
    );

    let q = typical("fysiotherapeuten", 0, &centroids);
    c.bench_function("national: tantivy, text + near 10 km + filter", |b| {
        b.iter(|| index.search(black_box(&q)).expect("a valid query"));
    });
    c.bench_function("national: FTS5, text + near 10 km + filter", |b| {
        b.iter(|| fts.search(black_box(&q)).expect("a valid query"));
    });
    let q = typical("", 1, &centroids);
    c.bench_function("national: tantivy, no text, near 10 km + filter", |b| {
        b.iter(|| index.search(black_box(&q)).expect("a valid query"));
    });
    c.bench_function("national: FTS5, no text, near 10 km + filter", |b| {
        b.iter(|| fts.search(black_box(&q)).expect("a valid query"));
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
