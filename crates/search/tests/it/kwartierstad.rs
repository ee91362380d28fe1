//! The search index against the demo's social map (the region of
//! Kwartierstad, tests/fixtures/kwartierstad.json: the services of
//! `wijkregie_formats::demo::directory` as the app indexes them), asked
//! what professionals ask: "ouderen", "WOR", "eenzame oudere man".

use std::sync::OnceLock;

use wijkregie_search::{Index, Query, Results, ServiceDoc};

const FIXTURE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/kwartierstad.json"));

fn docs() -> Vec<ServiceDoc> {
    serde_json::from_str(FIXTURE).expect("the fixture is valid JSON of ServiceDocs")
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = Index::new().expect("an empty index");
        index.rebuild(docs()).expect("the fixture indexes");
        index
    })
}

fn search(text: &str) -> Results {
    index().search(&Query { text: text.into(), limit: 100, ..Query::default() }).expect("a valid query")
}

/// The names of the hits, best first.
fn names(results: &Results) -> Vec<String> {
    let docs = docs();
    results
        .hits
        .iter()
        .map(|h| docs.iter().find(|d| d.id == h.id).map(|d| d.name.clone()).unwrap_or_default())
        .collect()
}

fn top5(text: &str) -> Vec<String> {
    names(&search(text)).into_iter().take(5).collect()
}

const KANSRIJKE_START: &str = "Kansrijke Start spreekuur";

#[test]
fn the_elderly_are_not_parents() {
    for text in ["ouderen", "oudere", "eenzame oudere man", "ouder"] {
        let top = top5(text);
        assert!(!top.iter().any(|n| n == KANSRIJKE_START || n.starts_with("Verloskundigen")), "{text}: {top:?}");
        assert!(top.iter().any(|n| n == "Ouderenadviseur"), "{text}: {top:?}");
        assert_eq!(top.iter().filter(|n| *n == "Ontmoetingscentrum De Kade").count(), 2, "{text}: {top:?}");
    }
    let parents = names(&search("ouders"));
    assert_eq!(parents[0], KANSRIJKE_START, "{parents:?}");
    assert!(!parents.iter().any(|n| n == "Ouderenadviseur" || n.starts_with("Ontmoetingscentrum")), "{parents:?}");
}

#[test]
fn each_word_of_eenzame_oudere_man_counts() {
    let found = search("eenzame oudere man");
    let top = names(&found);
    // Tagged for loneliness and for growing old: two of the three words.
    assert_eq!(top[0], "Ontmoetingscentrum De Kade", "{top:?}");
    assert!(top.iter().any(|n| n == "Maatjesproject Elzenmonde"), "loneliness alone still counts: {top:?}");
    let ouderenadviseur = top.iter().position(|n| n == "Ouderenadviseur").expect("found for 'oudere'");
    assert!(ouderenadviseur > 0, "one strong word no longer outweighs two: {top:?}");
}

#[test]
fn wor_is_welzijn_op_recept_not_ouder_worden() {
    let found = names(&search("WOR"));
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["Maatjesproject Elzenmonde", "Welzijn op Recept Elzenmonde", "Welzijn op Recept Kwartierstad"],
        "the two coaches by name, the maatjes by their pathway"
    );
    let why = &search("wor").hits[0].why;
    assert!(why[0].contains("afkorting van welzijn op recept"), "{why:?}");
    // Capitals or not, the full name finds the same.
    assert_eq!(names(&search("welzijn op recept"))[..2], found[..2]);
}

#[test]
fn abbreviations_are_not_typos_of_other_words() {
    // "gli" is one edit from "gil", "poh" from "pop": none of that.
    let gli = top5("GLI");
    assert_eq!(gli[0], "Gecombineerde leefstijlinterventie (GLI) volwassenen", "{gli:?}");
    for name in &gli {
        assert!(!name.contains("Ouder"), "{gli:?}");
    }
    assert!(names(&search("wmo")).iter().any(|n| n == "Wmo-loket Elzenmonde"));
}

#[test]
fn typos_still_work_beside_the_new_rules() {
    let loneliness = names(&search("eenzaamheid"));
    assert_eq!(names(&search("eenzaamhied")).len(), loneliness.len(), "a typo finds what the word finds");
    // A typo in one word: the service matching both words still leads, and
    // those matching only the misspelled word are still found.
    let found = names(&search("eenzaamhied ouderen"));
    assert_eq!(found[0], "Ontmoetingscentrum De Kade", "{found:?}");
    assert!(found.iter().any(|n| n == "Maatjesproject Elzenmonde"), "{found:?}");
    assert!(!search("fysiotherpie").hits.is_empty());
}

/// A small map for compounds: each service names a need one way.
fn compounds() -> Index {
    let service = |id: &str, name: &str, description: &str| ServiceDoc {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        ..ServiceDoc::default()
    };
    let index = Index::new().expect("an empty index");
    index
        .rebuild([
            service("praatgroep", "Praatgroep", "Voor wie last heeft van klachten zoals angst of somberheid."),
            service("poli", "Angstklachtenpoli", "Behandeling door een psycholoog."),
            service("budget", "Budgetcafé", "Hulp bij schulden en rondkomen."),
            service("maatje", "Schuldhulpmaatje", "Een vrijwilliger helpt met de post."),
            service("coach", "Coach bij burn-out", "Herstel en werk."),
            service("spreekuur", "Burnout spreekuur", "Voor werkenden."),
            service("herstel", "Herstelgroep", "Na een burn out weer aan de slag."),
            service("wandel", "Wandelclub", "Samen buiten bewegen."),
        ])
        .expect("indexes");
    index
}

fn ids(index: &Index, text: &str) -> Vec<String> {
    let found = index.search(&Query { text: text.into(), ..Query::default() }).expect("a valid query");
    let mut ids: Vec<String> = found.hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

#[test]
fn a_compound_finds_its_parts_and_the_parts_find_the_compound() {
    let index = compounds();
    assert_eq!(ids(&index, "angstklachten"), ["poli", "praatgroep"]);
    assert_eq!(ids(&index, "klachten zoals angst"), ["poli", "praatgroep"]);
    assert_eq!(ids(&index, "schuldhulp"), ["budget", "maatje"]);
    assert_eq!(ids(&index, "hulp bij schulden"), ["budget", "maatje"]);
    let why = index.search(&Query { text: "angstklachten".into(), ..Query::default() }).unwrap();
    let praatgroep = why.hits.iter().find(|h| h.id == "praatgroep").unwrap();
    assert!(praatgroep.why[0].contains("samengesteld uit angst + klachten"), "{:?}", praatgroep.why);
}

#[test]
fn burn_out_burnout_and_burn_out_are_one_word() {
    let index = compounds();
    for text in ["burn-out", "burnout", "burn out", "Burn-Out"] {
        assert_eq!(ids(&index, text), ["coach", "herstel", "spreekuur"], "{text}");
    }
}
