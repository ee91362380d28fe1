//! The search index against a small fictional social map (the town of
//! Lindenhout, tests/fixtures/lindenhout.json): 33 services in three wijken,
//! with the quirks real data has (services without locations, 24/7 phone
//! lines, inactive and defunct entries, three services that differ only in
//! where they are).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use wijkregie_search::{GeoPoint, Hit, Index, Query, Results, SearchError, ServiceDoc};

const FIXTURE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lindenhout.json"));

/// Next to the Noord locations of the fixture.
const NOORD: GeoPoint = GeoPoint { lat: 52.1050, lon: 5.1200 };

fn fixture() -> Vec<ServiceDoc> {
    serde_json::from_str(FIXTURE).expect("the fixture is valid JSON of ServiceDocs")
}

/// One index of the fixture for every test that only reads.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = Index::new().expect("an empty index");
        index.rebuild(fixture()).expect("the fixture indexes");
        index
    })
}

fn search(q: Query) -> Results {
    index().search(&Query { limit: 100, ..q }).expect("a valid query")
}

fn text(t: &str) -> Query {
    Query { text: t.to_string(), ..Query::default() }
}

fn ids(results: &Results) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

fn hit<'a>(results: &'a Results, id: &str) -> &'a Hit {
    results.hits.iter().find(|h| h.id == id).unwrap_or_else(|| panic!("{id} not in {:?}", ids(results)))
}

fn tagged(term: &str) -> BTreeSet<String> {
    fixture()
        .into_iter()
        .filter(|d| d.status == "active" && d.taxonomy_terms.iter().any(|t| t.name == term))
        .map(|d| d.id)
        .collect()
}

fn id_set(results: &Results) -> BTreeSet<String> {
    results.hits.iter().map(|h| h.id.clone()).collect()
}

// --- stemming -----------------------------------------------------------

#[test]
fn fysiotherapeuten_finds_the_fysiotherapie_practices() {
    let found = search(text("fysiotherapeuten"));
    let top: BTreeSet<&str> = ids(&found).into_iter().take(2).collect();
    assert_eq!(top, BTreeSet::from(["svc-01", "svc-02"]), "named Fysiotherapie: {:?}", ids(&found));
    assert_eq!(ids(&found)[2], "svc-04", "mentions fysiotherapeuten in its description");
    assert!(hit(&found, "svc-01").why.iter().any(|w| w.contains("naam bevat 'fysiotherapie'")));
}

#[test]
fn wandelingen_finds_the_wandelgroep_and_wandelen() {
    let found = search(text("wandelingen"));
    let top: BTreeSet<&str> = ids(&found).into_iter().take(2).collect();
    assert_eq!(top, BTreeSet::from(["svc-05", "svc-06"]), "got {:?}", ids(&found));
    assert_eq!(
        hit(&found, "svc-05").why[0],
        "naam bevat 'wandelgroep' (gezocht: 'wandelingen', zelfde begin)",
        "a compound is found by its first part"
    );
}

#[test]
fn inflections_meet_through_the_stemmer() {
    // "diëtisten" and "Diëtistenpraktijk": stem plus prefix, accents folded.
    assert_eq!(ids(&search(text("dietist")))[0], "svc-29");
    // "schulden" stems to "schul" but "schuld" to itself: the prefix rule joins them.
    assert!(tagged("schulden").is_subset(&id_set(&search(text("schulden")))));
}

// --- typos --------------------------------------------------------------

#[test]
fn fysiotherpie_is_forgiven() {
    let found = search(text("fysiotherpie"));
    let top: BTreeSet<&str> = ids(&found).into_iter().take(2).collect();
    assert_eq!(top, BTreeSet::from(["svc-01", "svc-02"]), "got {:?}", ids(&found));
}

#[test]
fn eenzaamhied_finds_what_eenzaamheid_finds() {
    let found = search(text("eenzaamhied"));
    assert_eq!(id_set(&found), tagged("eenzaamheid"));
    assert!(hit(&found, "svc-08").why.contains(
        &"valt onder de hulpvraag eenzaamheid (gezocht: 'eenzaamhied', bijna gelijk geschreven)".to_string()
    ));
}

#[test]
fn short_words_must_be_spelled_right() {
    // "taal" is tagged on the Taalcafé and the Formulierenbrigade; "tall" is no typo of it.
    assert_eq!(search(text("taal")).total, 2);
    assert_eq!(search(text("tall")).total, 0);
}

// --- synonyms -----------------------------------------------------------

#[test]
fn eenzaam_finds_services_tagged_eenzaamheid() {
    let found = search(text("eenzaam"));
    assert_eq!(id_set(&found), tagged("eenzaamheid"));
    for h in &found.hits {
        assert!(h.why.contains(&"'eenzaam' is een synoniem van de hulpvraag eenzaamheid".to_string()), "{h:?}");
    }
}

#[test]
fn valpreventie_finds_in_balans_through_its_pathway() {
    let found = search(text("valpreventie"));
    assert_eq!(id_set(&found), BTreeSet::from(["svc-11".to_string(), "svc-12".to_string()]));
    assert_eq!(hit(&found, "svc-11").why, ["hoort bij de ketenaanpak Valpreventie"]);
}

#[test]
fn a_multi_word_synonym_is_found_by_its_words() {
    let found = search(text("sociaal isolement"));
    assert_eq!(id_set(&found), tagged("eenzaamheid"));
}

// --- filters ------------------------------------------------------------

/// What a filter-only query should find, worked out plainly from the fixture.
fn expected(q: &Query) -> BTreeSet<String> {
    let km = |a: GeoPoint, b: GeoPoint| {
        let (p, q) = (a.lat.to_radians(), b.lat.to_radians());
        let h = ((q - p) / 2.0).sin().powi(2) + p.cos() * q.cos() * ((b.lon - a.lon).to_radians() / 2.0).sin().powi(2);
        2.0 * 6371.0088 * h.sqrt().asin()
    };
    fixture()
        .into_iter()
        .filter(|d| q.include_inactive || d.status == "active")
        .filter(|d| q.domain.as_ref().is_none_or(|v| &d.domain == v))
        .filter(|d| q.pathway.as_ref().is_none_or(|v| d.pathways.contains(v)))
        .filter(|d| {
            q.taxonomy_term.as_ref().is_none_or(|v| d.taxonomy_terms.iter().any(|t| &t.id == v || &t.name == v))
        })
        .filter(|d| q.age.is_none_or(|a| d.min_age.is_none_or(|m| m <= a) && d.max_age.is_none_or(|m| a <= m)))
        .filter(|d| !q.free_only || d.free_of_charge)
        .filter(|d| q.language.as_ref().is_none_or(|v| d.languages.contains(v)))
        .filter(|d| {
            q.open_at.is_none_or(|(day, minute)| {
                d.opening.iter().any(|s| {
                    s.weekday == day
                        && ((s.opens_minute == 0 && s.closes_minute == 0)
                            || (s.opens_minute <= minute && minute < s.closes_minute))
                })
            })
        })
        .filter(|d| q.wijk.as_ref().is_none_or(|v| d.wijken.contains(v)))
        .filter(|d| q.network.as_ref().is_none_or(|v| d.networks.contains(v)))
        .filter(|d| match (q.near, q.radius_km) {
            (Some(near), Some(r)) => d.locations.is_empty() || d.locations.iter().any(|&p| km(near, p) <= r),
            _ => true,
        })
        .map(|d| d.id)
        .collect()
}

#[test]
fn every_filter_narrows_to_exactly_what_it_should() {
    let s = |v: &str| Some(v.to_string());
    let cases: Vec<(&str, Query, usize)> = vec![
        ("domain", Query { domain: s("welzijn"), ..Query::default() }, 9),
        ("pathway", Query { pathway: s("gli_volwassenen"), ..Query::default() }, 2),
        ("taxonomy term by id", Query { taxonomy_term: s("hv-schulden"), ..Query::default() }, 3),
        ("taxonomy term by name", Query { taxonomy_term: s("opvoeding"), ..Query::default() }, 2),
        ("age of a child", Query { age: Some(10), ..Query::default() }, 22),
        ("age of an older person", Query { age: Some(70), ..Query::default() }, 27),
        ("age on an upper bound", Query { age: Some(17), ..Query::default() }, 23),
        ("free of charge", Query { free_only: true, ..Query::default() }, 19),
        ("language", Query { language: s("ar"), ..Query::default() }, 3),
        ("open on Saturday morning", Query { open_at: Some((6, 11 * 60)), ..Query::default() }, 2),
        ("open on Tuesday 10:30", Query { open_at: Some((2, 10 * 60 + 30)), ..Query::default() }, 11),
        ("closed at closing time", Query { open_at: Some((2, 18 * 60)), ..Query::default() }, 1),
        ("wijk", Query { wijk: s("WK099902"), ..Query::default() }, 7),
        ("network", Query { network: s("wsv-noord"), ..Query::default() }, 9),
        ("radius", Query { near: Some(NOORD), radius_km: Some(1.0), ..Query::default() }, 13),
        ("inactive included", Query { include_inactive: true, ..Query::default() }, 33),
        ("combined", Query { domain: s("welzijn"), free_only: true, age: Some(70), ..Query::default() }, 8),
    ];
    for (what, q, count) in cases {
        let found = search(q.clone());
        assert_eq!(id_set(&found), expected(&q), "{what}");
        assert_eq!(found.total, count, "{what}: {:?}", ids(&found));
    }
}

#[test]
fn age_bounds_are_inclusive_and_open_ends_are_open() {
    let at = |age: u8| id_set(&search(Query { age: Some(age), ..Query::default() }));
    assert!(at(17).contains("svc-18") && !at(18).contains("svc-18"), "Gezond Gewicht Kids is for 4 to 17");
    assert!(!at(17).contains("svc-17") && at(18).contains("svc-17"), "the leefstijlcoach is for 18 and up");
    assert!(at(0).contains("svc-01") && at(255).contains("svc-01"), "no bounds: every age");
}

#[test]
fn filters_are_forgiving_about_case_and_blanks() {
    let s = |v: &str| Some(v.to_string());
    let plain = search(Query { domain: s("sociaal_domein"), ..Query::default() }).total;
    assert_eq!(search(Query { domain: s(" Sociaal domein "), ..Query::default() }).total, plain);
    assert_eq!(search(Query { wijk: s("wk099902"), ..Query::default() }).total, 7);
    assert_eq!(search(Query { language: s(""), ..Query::default() }).total, 30, "a blank filter means any");
}

#[test]
fn filters_narrow_a_text_search_too() {
    let found = search(Query { text: "fysiotherapie".into(), wijk: Some("WK099902".into()), ..Query::default() });
    // Zicht op Evenwicht is organised by Fysiotherapie De Linde.
    assert_eq!(ids(&found), ["svc-02", "svc-12"]);
}

#[test]
fn inactive_defunct_and_closed_services_are_hidden_unless_asked_for() {
    let hidden = BTreeSet::from(["svc-03".to_string(), "svc-07".to_string(), "svc-33".to_string()]);
    let all = search(Query::default());
    assert_eq!(all.total, 30);
    assert!(id_set(&all).is_disjoint(&hidden));
    let with = search(Query { text: "fysiotherapie".into(), include_inactive: true, ..Query::default() });
    let old = hit(&with, "svc-03");
    assert!(old.why.contains(&"let op: status 'inactive'".to_string()), "{old:?}");
}

// --- distance -----------------------------------------------------------

#[test]
fn the_nearer_of_equally_relevant_services_ranks_first_and_the_unlocated_last() {
    let found =
        search(Query { text: "beweegmaatje".into(), near: Some(NOORD), radius_km: Some(10.0), ..Query::default() });
    assert_eq!(ids(&found), ["svc-30", "svc-31", "svc-32"]);
    let (noord, zuid, online) = (&found.hits[0], &found.hits[1], &found.hits[2]);
    assert!((noord.distance_km.expect("located") - 0.556).abs() < 0.01, "{noord:?}");
    assert!((zuid.distance_km.expect("located") - 2.78).abs() < 0.01, "{zuid:?}");
    assert_eq!(online.distance_km, None);
    assert!(noord.score > zuid.score && zuid.score > online.score);
    // Same relevance, so the scores differ by proximity alone: 1 / (1 + d / 5).
    let relevance = f64::from(noord.score) * (1.0 + noord.distance_km.expect("located") / 5.0);
    assert!((f64::from(zuid.score) - relevance / (1.0 + zuid.distance_km.expect("located") / 5.0)).abs() < 1e-4);
    assert!(noord.why.contains(&"op 0,6 km".to_string()), "{noord:?}");
    assert!(online.why.contains(&"geen adres bekend: afstand onbekend".to_string()), "{online:?}");
}

#[test]
fn relevance_can_outweigh_distance() {
    // Fysiotherapie De Linde is in Zuid, 3 km away, but its name matches; the
    // Oefentherapie practice in Centrum is nearer but mentions fysiotherapeuten
    // only in its description.
    let found = search(Query { text: "fysiotherapie".into(), near: Some(NOORD), ..Query::default() });
    assert_eq!(&ids(&found)[..2], ["svc-01", "svc-02"]);
}

#[test]
fn without_text_services_are_listed_by_distance_then_name() {
    let found = search(Query { near: Some(NOORD), ..Query::default() });
    assert_eq!(found.total, 30);
    let located: Vec<f64> = found.hits.iter().map_while(|h| h.distance_km).collect();
    assert!(located.windows(2).all(|w| w[0] <= w[1]), "{located:?}");
    let unlocated: Vec<&str> = found.hits[located.len()..].iter().map(|h| h.id.as_str()).collect();
    // Beweegmaatje Online, Grip op je Dip, Luisterlijn Lindenhout, AutoMaatje Lindenhout: by name.
    assert_eq!(unlocated, ["svc-27", "svc-32", "svc-23", "svc-09"]);
}

#[test]
fn without_text_or_location_services_are_listed_by_name() {
    let found = search(Query::default());
    let by_id: std::collections::HashMap<String, ServiceDoc> =
        fixture().into_iter().map(|d| (d.id.clone(), d)).collect();
    let names: Vec<String> = found.hits.iter().map(|h| by_id[&h.id].name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

// --- changes ------------------------------------------------------------

fn fresh() -> Index {
    let index = Index::new().expect("an empty index");
    index.rebuild(fixture()).expect("the fixture indexes");
    index
}

#[test]
fn the_index_follows_every_change_at_once() {
    let index = fresh();
    let find = |t: &str| index.search(&text(t)).expect("a valid query");
    assert_eq!(find("kookworkshop").total, 0);

    let new =
        ServiceDoc { id: "svc-new".into(), name: "Kookworkshop Gezond en Goedkoop".into(), ..ServiceDoc::default() };
    index.upsert(new.clone()).expect("upsert");
    assert_eq!(ids(&find("kookworkshop")), ["svc-new"]);

    index.upsert(ServiceDoc { name: "Kookcafé".into(), ..new }).expect("upsert");
    assert_eq!(find("kookworkshop").total, 0, "the old name is gone");
    assert_eq!(ids(&find("kookcafe")), ["svc-new"]);

    index.remove("svc-new").expect("remove");
    assert_eq!(find("kookcafe").total, 0);
    index.remove("svc-new").expect("removing twice is fine");
    index.remove("no-such-service").expect("removing an unknown id is fine");

    index.upsert(ServiceDoc { status: "defunct".into(), ..fixture().remove(0) }).expect("upsert");
    assert!(!ids(&find("fysiotherapie")).contains(&"svc-01"), "a status change hides it");
    assert_eq!(index.search(&Query::default()).expect("valid").total, 29);
}

#[test]
fn a_rebuild_replaces_everything() {
    let index = fresh();
    let only = ServiceDoc { id: "svc-only".into(), name: "Repair Café".into(), ..ServiceDoc::default() };
    let twice = ServiceDoc { name: "Repair Café Lindenhout".into(), ..only.clone() };
    index.rebuild([only, twice]).expect("rebuild");
    let all = index.search(&Query::default()).expect("valid");
    assert_eq!(ids(&all), ["svc-only"], "the last of two docs with one id counts");
    assert_eq!(index.search(&text("lindenhout")).expect("valid").total, 1);
}

#[test]
fn a_rebuild_whose_source_fails_halfway_keeps_the_old_content() {
    let index = fresh();
    let before = index.search(&Query::default()).expect("valid").total;
    let only = ServiceDoc { id: "svc-only".into(), name: "Repair Café".into(), ..ServiceDoc::default() };
    let failed = index.try_rebuild([Ok(only), Err("de database antwoordt niet".to_string())]);
    assert!(matches!(failed, Err(SearchError::SourceFailed(_))), "{failed:?}");
    assert_eq!(index.search(&Query::default()).expect("valid").total, before);
    assert_eq!(index.search(&text("repair")).expect("valid").total, 0, "the fixture has no Repair Café");
}

#[test]
fn a_service_without_id_is_refused_and_the_index_stays_usable() {
    let index = fresh();
    let err = index.upsert(ServiceDoc { id: "  ".into(), name: "Naamloos".into(), ..ServiceDoc::default() });
    assert!(matches!(err, Err(SearchError::InvalidDoc { .. })), "{err:?}");
    let err = index.rebuild(fixture().into_iter().chain([ServiceDoc::default()]));
    assert!(matches!(err, Err(SearchError::InvalidDoc { .. })), "{err:?}");
    assert_eq!(index.search(&Query::default()).expect("valid").total, 30, "a failed rebuild changes nothing");
    index.upsert(ServiceDoc { id: "svc-x".into(), name: "Nieuw".into(), ..ServiceDoc::default() }).expect("upsert");
    assert_eq!(index.search(&Query::default()).expect("valid").total, 31);
}

#[test]
fn searches_run_while_the_index_changes() {
    let index = fresh();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for i in 0..20 {
                let doc =
                    ServiceDoc { id: format!("svc-t{i}"), name: format!("Tijdelijk {i}"), ..ServiceDoc::default() };
                index.upsert(doc).expect("upsert");
            }
        });
        for _ in 0..50 {
            let found = index.search(&text("fysiotherapie")).expect("valid");
            assert!(ids(&found).contains(&"svc-01"));
        }
    });
    assert_eq!(index.search(&text("tijdelijk")).expect("valid").total, 20);
}

// --- bad input ----------------------------------------------------------

#[test]
fn odd_text_never_fails() {
    let long = "fysiotherapie ".repeat(50_000);
    for odd in [
        "",
        "   ",
        "!!!",
        "AND ( \"",
        "\"\"\"",
        "fysio~2 OR title:x^3",
        "*",
        "-",
        "\u{0}",
        "😀",
        "مرحبا",
        long.as_str(),
    ] {
        let found = index().search(&text(odd));
        assert!(found.is_ok(), "{odd:.40}: {found:?}");
    }
    assert_eq!(search(text("!!!")).total, 30, "only punctuation is like no text");
    assert_eq!(ids(&search(text(&long))), ids(&search(text("fysiotherapie"))), "repeats count once");
}

#[test]
fn paging_past_the_end_and_limit_zero_are_fine() {
    let none = index().search(&Query { limit: 0, ..Query::default() }).expect("valid");
    assert_eq!((none.total, none.hits.len()), (30, 0));
    let past = index().search(&Query { offset: usize::MAX, limit: usize::MAX, ..Query::default() }).expect("valid");
    assert_eq!((past.total, past.hits.len()), (30, 0));
    let page2 = index().search(&Query { offset: 25, limit: 10, ..Query::default() }).expect("valid");
    assert_eq!(page2.hits.len(), 5);
    let all = search(Query::default());
    assert_eq!(ids(&page2), ids(&all)[25..]);
}

#[test]
fn impossible_questions_get_a_dutch_error() {
    let bad = [
        Query { near: Some(NOORD), radius_km: Some(0.0), ..Query::default() },
        Query { near: Some(NOORD), radius_km: Some(-5.0), ..Query::default() },
        Query { near: Some(NOORD), radius_km: Some(f64::NAN), ..Query::default() },
        Query { radius_km: Some(5.0), ..Query::default() },
        Query { near: Some(GeoPoint { lat: f64::NAN, lon: 5.0 }), ..Query::default() },
        Query { near: Some(GeoPoint { lat: 152.0, lon: 5.0 }), ..Query::default() },
        Query { open_at: Some((0, 600)), ..Query::default() },
        Query { open_at: Some((8, 600)), ..Query::default() },
        Query { open_at: Some((1, 24 * 60)), ..Query::default() },
    ];
    for q in bad {
        match index().search(&q) {
            Err(SearchError::InvalidQuery(message)) => assert!(!message.is_empty()),
            other => panic!("{q:?} gave {other:?}"),
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_text_and_paging_is_answered(text in "\\PC{0,80}", offset in 0usize..50, limit in 0usize..50) {
        let found = index().search(&Query { text, offset, limit, ..Query::default() });
        let found = found.map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        proptest::prop_assert!(found.hits.len() <= limit);
    }
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Index>();
}
