//! Only our index on the national mix, for profiling (`perf record`):
//! `cargo run --release -p wijkregie-bench --example tantivy_mix`.

// Benchmark code: a panic is how a benchmark reports that its setup failed.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Instant;

use wijkregie_bench::{ms, national_docs, percentiles, query_mix};
use wijkregie_formats::demo::national::FULL_SCALE;
use wijkregie_search::Index;

fn main() {
    let (docs, centroids) = national_docs(FULL_SCALE);
    let start = Instant::now();
    let index = Index::new().expect("an empty index");
    index.rebuild(docs).expect("the national services index");
    eprintln!("built in {:.2} s", start.elapsed().as_secs_f64());
    let mut mix = query_mix(&centroids);
    // WIJKREGIE_MIX=nohits: the same questions without a page (no
    // explanations); WIJKREGIE_MIX=notext / text: one kind only.
    match std::env::var("WIJKREGIE_MIX").as_deref() {
        Ok("nohits") => mix.iter_mut().for_each(|q| q.limit = 0),
        Ok("notext") => mix.retain(|q| q.text.is_empty()),
        Ok("text") => mix.retain(|q| !q.text.is_empty()),
        _ => {}
    }
    for round in 0..5 {
        let mut times = Vec::new();
        for q in &mix {
            let start = Instant::now();
            std::hint::black_box(index.search(q).expect("a valid query"));
            times.push(start.elapsed());
        }
        let (p50, p99, max) = percentiles(times);
        eprintln!("round {round}: p50 {} p99 {} max {}", ms(p50), ms(p99), ms(max));
    }
}
