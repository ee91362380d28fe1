//! One fuzz target per file parser, each seeded with the real files of its
//! format.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use wijkregie_core::codes::Code;
use wijkregie_formats::{boundaries, demo, hsds, population, postcodes, practice_list, region_file, taxonomy};

use crate::alloc::measure;
use crate::mutate::{self, Case};

fn cases() -> u32 {
    std::env::var("WIJKREGIE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(crate::DEFAULT_CASES)
}

fn rng() -> TestRng {
    let seed: u64 = std::env::var("WIJKREGIE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(22);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Words that show a message was not written by us but passed on from a
/// library (serde, csv, calamine, std): the property wants Dutch.
const ENGLISH: &[&str] = &[
    "expected",
    "invalid type",
    "invalid value",
    "missing field",
    "unknown field",
    "unknown variant",
    "eof ",
    "trailing",
    " at line ",
    "did not contain",
    "failed to",
    "error",
    "unexpected",
    "found ",
];

/// Memory a parse may hold: a generous constant for the tables it builds,
/// plus a multiple of the input (parsed trees cost several times the text).
fn memory_bound(input_len: usize) -> usize {
    (64 << 20) + 200 * input_len
}

/// What a target tells about one input.
type Outcome = Result<(), Vec<String>>;

struct Report {
    executions: u64,
    peak: usize,
    refused: u64,
}

/// Runs `parse` on `cases()` mutants of `seeds` (given the mutant and the
/// index of its seed), asserts the property on each, and prints the
/// executions and peak memory.
fn fuzz(name: &str, seeds: &[String], dutch: bool, parse: impl Fn(usize, &str) -> Outcome) {
    let config = Config { cases: cases(), failure_persistence: None, max_shrink_iters: 500, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, rng());
    let report = std::cell::RefCell::new(Report { executions: 0, peak: 0, refused: 0 });
    let result = runner.run(&mutate::case(), |case: Case| {
        let (seed, input) = case.apply(seeds);
        let (outcome, peak) = measure(|| parse(seed, &input));
        let mut r = report.borrow_mut();
        r.executions += 1;
        r.peak = r.peak.max(peak);
        prop_assert!(peak <= memory_bound(input.len()), "{peak} bytes for an input of {} bytes", input.len());
        if let Err(problems) = outcome {
            r.refused += 1;
            prop_assert!(!problems.is_empty(), "refused without saying why");
            if dutch {
                for p in &problems {
                    let lower = p.to_lowercase();
                    if let Some(word) = ENGLISH.iter().find(|w| lower.contains(*w)) {
                        return Err(TestCaseError::fail(format!("not Dutch ({word:?}): {p}")));
                    }
                }
            }
        }
        Ok(())
    });
    let r = report.into_inner();
    println!(
        "fuzz {name}: {} executions ({} refused), peak {:.1} MB",
        r.executions,
        r.refused,
        r.peak as f64 / 1_048_576.0
    );
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
}

fn messages<E: std::fmt::Display>(problems: Vec<E>) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

fn outcome<T, E: std::fmt::Display>(r: Result<T, Vec<E>>) -> Outcome {
    r.map(|_| ()).map_err(messages)
}

#[test]
fn region_file() {
    let seeds = vec![
        read("tests/fixtures/valid.region.json"),
        read("tests/fixtures/many-mistakes.region.json"),
        read("tests/fixtures/day-one/regio.json"),
        read("tests/fixtures/practices/regio.json"),
        region_file::render(&demo::region()),
    ];
    fuzz("region file", &seeds, true, |_, text| outcome(region_file::parse(text)));
}

struct World {
    taxonomy: Vec<wijkregie_core::directory::TaxonomyTerm>,
    organizations: Vec<wijkregie_core::region::Organization>,
    wijken: Vec<Code>,
    networks: Vec<Code>,
    organization_ids: BTreeMap<Code, wijkregie_core::directory::HsdsId>,
}

impl World {
    fn demo() -> Self {
        let region = demo::region();
        World {
            taxonomy: taxonomy::shipped(),
            organizations: region.organizations.clone(),
            wijken: region.wijken.iter().map(|w| w.code.clone()).collect(),
            networks: region.networks.iter().map(|n| n.code.clone()).collect(),
            organization_ids: BTreeMap::new(),
        }
    }

    fn known(&self) -> hsds::Known<'_> {
        hsds::Known {
            taxonomy: &self.taxonomy,
            organizations: &self.organizations,
            wijken: &self.wijken,
            networks: &self.networks,
            mappings: &[],
            organization_ids: &self.organization_ids,
        }
    }
}

/// The demo's social map, as the export writes it: a seed with every kind
/// of field filled.
fn demo_directory() -> hsds::Directory {
    let region = demo::region();
    let social_map = demo::directory::generate();
    hsds::Directory {
        organizations: region.organizations.clone(),
        locations: social_map.locations,
        services: social_map.services,
        taxonomy: taxonomy::shipped(),
        wijken: region.wijken.iter().map(|w| (w.code.clone(), w.name.clone())).collect(),
        networks: region.networks.iter().map(|n| (n.code.clone(), n.name.clone())).collect(),
        ..hsds::Directory::default()
    }
}

#[test]
fn hsds_json() {
    let dir = demo_directory();
    let exported: Vec<serde_json::Value> = dir.services.iter().take(5).map(|s| hsds::service_json(s, &dir)).collect();
    let seeds = vec![
        read("tests/fixtures/hsds/services.json"),
        read("tests/fixtures/hsds/pages.json"),
        read("tests/fixtures/hsds/mistakes.json"),
        read("tests/fixtures/day-one/sociale-kaart.json"),
        serde_json::to_string_pretty(&exported).unwrap(),
    ];
    let world = World::demo();
    fuzz("HSDS JSON", &seeds, true, |_, text| outcome(hsds::parse_json(text, &world.known())));
}

fn folder(path: &str) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(root().join(path))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn hsds_csv() {
    // A seed is one file of a package; the case mutates that file and
    // leaves the rest of its package as it was.
    let packages: Vec<BTreeMap<String, Vec<u8>>> = vec![
        folder("tests/fixtures/hsds/datapackage"),
        folder("tests/fixtures/hsds/spec-example"),
        hsds::render_datapackage(&demo_directory()).into_iter().map(|(k, v)| (k, v.into_bytes())).collect(),
    ];
    let mut seeds = Vec::new();
    let mut owners = Vec::new();
    for (p, package) in packages.iter().enumerate() {
        for (file, bytes) in package {
            if file.ends_with(".csv") || file.ends_with(".json") {
                seeds.push(String::from_utf8(bytes.clone()).unwrap());
                owners.push((p, file.clone()));
            }
        }
    }
    let world = World::demo();
    fuzz("HSDS CSV", &seeds, true, |seed, text| {
        let (package, file) = &owners[seed];
        let mut files = packages[*package].clone();
        files.insert(file.clone(), text.as_bytes().to_vec());
        outcome(hsds::parse_datapackage(&files, &world.known()))
    });
}

#[test]
fn kwb() {
    let seeds = vec![
        read("tests/data/population/kwb-2023.csv"),
        read("tests/data/population/kwb-2024.csv"),
        read("tests/data/population/kwb-2023-pandas-to-csv.csv"),
        read("tests/data/population/kwb-2023-r-write-csv.csv"),
        read("tests/data/population/kwb-2023-statline-titles.csv"),
        read("tests/data/population/85984NED-incomplete.json"),
        read("tests/data/population/85618NED-two-pages.json"),
        demo::population::kwb_csv(2023),
    ];
    fuzz("KWB CSV/JSON", &seeds, true, |_, text| outcome(population::parse_kwb(text.as_bytes(), "kwb-2023.csv", None)));
}

#[test]
fn health() {
    let seeds = vec![
        read("tests/data/population/50120NED.csv"),
        read("tests/data/population/50120NED-2022-65plus.csv"),
        read("tests/data/population/50120NED.json"),
        read("tests/fixtures/day-one/50120NED-2022-burgwallen.csv"),
        demo::population::health_csv(2022),
    ];
    fuzz("RIVM CSV/JSON", &seeds, true, |_, text| {
        outcome(population::parse_health(text.as_bytes(), "50120NED.csv", Some(2022)))
    });
}

/// The XML parts of an XLSX, by name, and the archive rebuilt from them.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_owned(), data)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Where a cell's value is written: the number or shared-string index in
/// `<v>`, the text of an inline or shared string in `<t>`.
const VALUE_TAGS: [(&str, &str); 3] = [("<v>", "</v>"), ("<t>", "</t>"), ("<t xml:space=\"preserve\">", "</t>")];

/// The value spans of a sheet or shared-strings part, in document order.
fn value_spans(xml: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    loop {
        let open = VALUE_TAGS
            .into_iter()
            .filter_map(|(o, c)| xml[from..].find(o).map(|at| (from + at + o.len(), c)))
            .min_by_key(|(start, _)| *start);
        let Some((start, close)) = open else { break };
        let Some(len) = xml[start..].find(close) else { break };
        spans.push(start..start + len);
        from = start + len;
    }
    spans
}

/// The values of a part, one per line: the seed the mutations work on.
fn cell_values(xml: &str) -> String {
    value_spans(xml).into_iter().map(|r| &xml[r]).collect::<Vec<_>>().join("\n")
}

/// Writes mutated values back, in order; cells past the list's end become
/// empty. Only what a cell holds changes, never a cell reference or the
/// sheet's dimension: a far-away reference is the XLSX bomb, which helper
/// "xlsx" covers with its own regression test while it rewrites the reading.
fn mutate_cells(xml: &str, values: &str) -> String {
    let mut out = String::with_capacity(xml.len() + values.len());
    let mut values = values.split('\n');
    let mut last = 0;
    for span in value_spans(xml) {
        out.push_str(&xml[last..span.start]);
        let value = values.next().unwrap_or("");
        out.push_str(&value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"));
        last = span.end;
    }
    out.push_str(&xml[last..]);
    out
}

#[test]
fn kwb_xlsx() {
    let bytes = std::fs::read(root().join("tests/data/population/kwb-2024.xlsx")).unwrap();
    let parts = unzip(&bytes);
    // The seeds are the value lists of the parts that hold cell values (the
    // sheet's numbers, the shared strings); a mutant is written back into
    // its part and the archive rebuilt.
    let holders: Vec<usize> = parts
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| name.starts_with("xl/worksheets/") || name == "xl/sharedStrings.xml")
        .map(|(i, _)| i)
        .collect();
    let seeds: Vec<String> = holders.iter().map(|&i| cell_values(std::str::from_utf8(&parts[i].1).unwrap())).collect();
    fuzz("KWB XLSX", &seeds, true, |k, text| {
        let mut parts = parts.clone();
        let part = &mut parts[holders[k]].1;
        *part = mutate_cells(std::str::from_utf8(part).unwrap(), text).into_bytes();
        outcome(population::parse_kwb(&rezip(&parts), "kwb-2024.xlsx", None))
    });
}

#[test]
fn boundaries() {
    let seeds = vec![
        read("tests/fixtures/boundaries/clockwise-rings.geojson"),
        read("tests/fixtures/boundaries/mistakes.geojson"),
        read("tests/fixtures/boundaries/pdok-rd-new.geojson"),
        read("tests/fixtures/boundaries/rd-no-crs-no-year.geojson"),
        read("tests/fixtures/boundaries/wgs84-no-crs.geojson"),
        read("tests/fixtures/practices/buurt-noord.geojson"),
        demo::boundaries::generate(),
    ];
    fuzz("GeoJSON boundaries", &seeds, true, |_, text| outcome(boundaries::parse(text, None)));
}

#[test]
fn postcodes() {
    let seeds = vec![read("tests/fixtures/practices/postcodes.csv")];
    fuzz("postcodes", &seeds, true, |_, text| outcome(postcodes::parse(text)));
}

#[test]
fn practice_list() {
    let seeds = vec![
        read("tests/fixtures/practices/praktijken-gemeente.csv"),
        read("tests/fixtures/practices/praktijken-met-agb.csv"),
    ];
    fuzz("practice list", &seeds, true, |_, text| outcome(practice_list::parse_practices(text.as_bytes(), &[])));
}

#[test]
fn patient_counts() {
    let seeds = vec![
        read("tests/fixtures/practices/ingeschrevenen.csv"),
        read("tests/fixtures/practices/ingeschrevenen-onbekend.csv"),
    ];
    fuzz("patient counts", &seeds, true, |_, text| outcome(practice_list::parse_patient_counts(text.as_bytes(), &[])));
}

#[test]
fn taxonomy() {
    let seeds = vec![read("data/hulpvragen.json")];
    fuzz("taxonomy", &seeds, true, |_, text| outcome(taxonomy::parse(text)));
}
