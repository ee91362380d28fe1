//! The social map's storage, each test body on SQLite and on PostgreSQL.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use wijkregie_core::directory::*;
use wijkregie_core::region::{Domain, Organization};
use wijkregie_store::directory::{self, ServiceChange};
use wijkregie_store::{region, testing};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_000_000, 0).unwrap()
}

fn change(summary: &str) -> ServiceChange {
    ServiceChange { changed_at: now(), user_id: Some(7), summary: summary.into() }
}

fn term(code: &str, synonyms: &[&str]) -> TaxonomyTerm {
    TaxonomyTerm {
        code: code.parse().unwrap(),
        name: code.to_uppercase(),
        description: None,
        parent: None,
        synonyms: synonyms.iter().map(ToString::to_string).collect(),
    }
}

fn location() -> Location {
    Location {
        id: "5b0e1b4e-4c2f-4f5e-9a39-3a3b8e0c0d01".parse().unwrap(),
        organization: "welzijn-noord".parse().unwrap(),
        name: "Buurthuis De Linde".into(),
        description: None,
        address: Some(LocationAddress {
            street: "Lindelaan".into(),
            house_number: 4,
            house_number_suffix: Some("b".into()),
            postcode: "1215EK".parse().unwrap(),
            city: "Hilversum".into(),
        }),
        point: Some(GeoPoint::new(52.2292, 5.1669).unwrap()),
    }
}

fn service() -> Service {
    Service {
        id: "ac148810-d857-441c-9679-408f346de14b".parse().unwrap(),
        organization: "welzijn-noord".parse().unwrap(),
        name: "Maatjesproject".into(),
        alternate_name: Some("Maatje in de wijk".into()),
        description: "Een vrijwilliger als maatje.".into(),
        url: Some("https://welzijn-noord.example/maatjes".into()),
        email: Some("maatjes@welzijn-noord.example".into()),
        status: ServiceStatus::TemporarilyClosed,
        assured_date: Some(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()),
        application_process: Some("Bel of mail ons.".into()),
        fees_description: None,
        free_of_charge: true,
        eligibility_description: Some("Volwassenen".into()),
        minimum_age: Some(18),
        maximum_age: Some(99),
        languages: vec!["nl".parse().unwrap(), "tr".parse().unwrap()],
        domain: Domain::Welzijn,
        pathways: vec![Pathway::WelzijnOpRecept, Pathway::Valpreventie],
        serves_wijken: vec![],
        serves_networks: vec![],
        taxonomy_terms: vec!["eenzaamheid".parse().unwrap(), "bewegen".parse().unwrap()],
        foreign_terms: Vec::new(),
        phones: vec![Phone { number: "035 123 45 67".into(), description: Some("ma–vr".into()) }],
        contacts: vec![Contact { name: "Sanne".into(), title: Some("coördinator".into()), email: None, phone: None }],
        schedule: Schedule {
            slots: vec![
                OpeningSlot {
                    weekday: 1,
                    opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                    closes: NaiveTime::from_hms_opt(12, 30, 0).unwrap(),
                },
                OpeningSlot {
                    weekday: 3,
                    opens: NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
                    closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                },
            ],
            by_appointment: true,
            notes: Some("In de zomer gesloten".into()),
            rules: vec![ScheduleRule {
                id: "2b3c4d5e-6f7a-4b8c-9d9e-0f1a2b3c4d5e".parse().unwrap(),
                freq: Some("MONTHLY".into()),
                interval: Some(1),
                byday: Some("1TH".into()),
                bymonthday: None,
                opens: NaiveTime::from_hms_opt(14, 0, 0),
                closes: NaiveTime::from_hms_opt(16, 0, 0),
                valid_from: NaiveDate::from_ymd_opt(2026, 1, 1),
                valid_to: None,
                description: Some("Maandelijkse koffieochtend".into()),
            }],
        },
        locations: vec![location().id],
    }
}

async fn setup(db: &testing::TestDb) {
    let mut tx = db.store.begin().await.unwrap();
    let org = Organization {
        code: "welzijn-noord".parse().unwrap(),
        name: "Welzijn Noord".into(),
        domain: Domain::Welzijn,
        contact: Default::default(),
    };
    region::save_organization(tx.conn(), &org).await.unwrap();
    for t in [term("eenzaamheid", &["eenzaam", "alleen"]), term("bewegen", &[])] {
        directory::save_taxonomy_term(tx.conn(), &t).await.unwrap();
    }
    directory::save_location(tx.conn(), &location()).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn services_round_trip_with_every_part() {
    for db in testing::both().await {
        setup(&db).await;
        let mut tx = db.store.begin().await.unwrap();
        directory::save_service(tx.conn(), &service(), &change("aangemaakt")).await.unwrap();
        tx.commit().await.unwrap();
        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(directory::services(&mut conn).await.unwrap(), vec![service()], "{:?}", db.engine);
        assert_eq!(directory::locations(&mut conn).await.unwrap(), vec![location()], "{:?}", db.engine);
        let terms = directory::taxonomy_terms(&mut conn).await.unwrap();
        assert_eq!(terms.iter().find(|t| t.code.as_str() == "eenzaamheid").unwrap().synonyms, ["eenzaam", "alleen"]);

        // A save replaces the parts instead of adding to them.
        let mut fewer = service();
        fewer.phones.clear();
        fewer.schedule.slots.truncate(1);
        fewer.taxonomy_terms.truncate(1);
        directory::save_service(&mut conn, &fewer, &change("telefoon weg")).await.unwrap();
        assert_eq!(directory::service(&mut conn, &fewer.id).await.unwrap(), Some(fewer.clone()), "{:?}", db.engine);
    }
}

#[tokio::test]
async fn every_change_is_kept_and_a_check_is_one_click() {
    for db in testing::both().await {
        setup(&db).await;
        let mut conn = db.store.conn().await.unwrap();
        let mut s = service();
        s.assured_date = None;
        directory::save_service(&mut conn, &s, &change("aangemaakt")).await.unwrap();
        assert!(directory::assure(&mut conn, &s.id, &change("nog juist")).await.unwrap());
        let stored = directory::service(&mut conn, &s.id).await.unwrap().unwrap();
        assert_eq!(stored.assured_date, Some(now().date_naive()), "{:?}", db.engine);
        let history = directory::service_history(&mut conn, &s.id).await.unwrap();
        let summaries: Vec<&str> = history.iter().map(|c| c.summary.as_str()).collect();
        assert_eq!(summaries, ["aangemaakt", "nog juist"]);
        assert_eq!(history[1].user_id, Some(7));
        let unknown: HsdsId = "00000000-0000-0000-0000-000000000000".parse().unwrap();
        assert!(!directory::assure(&mut conn, &unknown, &change("x")).await.unwrap());
    }
}

#[tokio::test]
async fn references_to_unknown_terms_organisations_or_locations_are_refused() {
    for db in testing::both().await {
        setup(&db).await;
        for broken in [
            Service { taxonomy_terms: vec!["bestaat-niet".parse().unwrap()], ..service() },
            Service { organization: "onbekend".parse().unwrap(), ..service() },
            Service { locations: vec!["00000000-0000-0000-0000-000000000001".parse().unwrap()], ..service() },
        ] {
            let mut tx = db.store.begin().await.unwrap();
            let result = directory::save_service(tx.conn(), &broken, &change("fout")).await;
            assert!(result.is_err(), "{:?}: {broken:?}", db.engine);
        }
        let mut conn = db.store.conn().await.unwrap();
        assert!(directory::services(&mut conn).await.unwrap().is_empty(), "nothing half-written stays behind");
    }
}

#[tokio::test]
async fn the_shipped_taxonomy_is_loaded_once_and_parents_first() {
    for db in testing::both().await {
        let mut conn = db.store.conn().await.unwrap();
        let child = TaxonomyTerm { parent: Some("ouder".parse().unwrap()), ..term("kind", &["klein"]) };
        let terms = vec![child, term("ouder", &[])];
        assert_eq!(directory::seed_taxonomy(&mut conn, &terms).await.unwrap(), 2, "{:?}", db.engine);
        assert_eq!(
            directory::seed_taxonomy(&mut conn, &[term("later", &[])]).await.unwrap(),
            0,
            "an edited taxonomy stays"
        );
        assert_eq!(directory::taxonomy_terms(&mut conn).await.unwrap().len(), 2);
        let loop_ = vec![TaxonomyTerm { parent: Some("b2".parse().unwrap()), ..term("a1", &[]) }];
        let fresh = testing::sqlite().await;
        let mut conn = fresh.store.conn().await.unwrap();
        assert!(directory::seed_taxonomy(&mut conn, &loop_).await.is_err());
    }
}

#[tokio::test]
async fn postcodes_find_their_pc6_centroid_or_else_their_pc4_area() {
    for db in testing::both().await {
        let mut conn = db.store.conn().await.unwrap();
        let centroids = vec![
            ("1215".to_owned(), GeoPoint::new(52.23, 5.17).unwrap()),
            ("1215EK".to_owned(), GeoPoint::new(52.231, 5.171).unwrap()),
        ];
        assert_eq!(directory::save_postcode_centroids(&mut conn, &centroids).await.unwrap(), 2, "{:?}", db.engine);
        assert_eq!(
            directory::save_postcode_centroids(&mut conn, &centroids).await.unwrap(),
            0,
            "a repeat changes nothing"
        );
        let at = |pc: &str| pc.parse::<wijkregie_core::codes::Postcode>().unwrap();
        assert_eq!(directory::postcode_point(&mut conn, &at("1215EK")).await.unwrap(), Some(centroids[1].1));
        assert_eq!(directory::postcode_point(&mut conn, &at("1215 AB")).await.unwrap(), Some(centroids[0].1));
        assert_eq!(directory::postcode_point(&mut conn, &at("9999ZZ")).await.unwrap(), None);
    }
}

async fn user(db: &testing::TestDb, email: &str, role: wijkregie_core::access::Role) -> i64 {
    use wijkregie_core::access::Scope;
    let scope = match role {
        wijkregie_core::access::Role::Organization => Scope::Organization("welzijn-noord".parse().unwrap()),
        _ => Scope::Networks(vec![]),
    };
    let mut conn = db.store.conn().await.unwrap();
    let new = wijkregie_store::account::NewUser {
        email,
        name: email.split('@').next().unwrap(),
        password_hash: "x",
        role,
        scope: &scope,
        totp_secret: None,
    };
    wijkregie_store::account::create_user(&mut conn, &new, now()).await.unwrap()
}

#[tokio::test]
async fn a_partners_change_waits_until_a_coordinator_has_seen_it() {
    use wijkregie_core::access::Role;
    use wijkregie_store::upkeep;
    for db in testing::both().await {
        setup(&db).await;
        let partner = user(&db, "partner@example.nl", Role::Organization).await;
        let coordinator = user(&db, "wm@example.nl", Role::Networks).await;
        let mut conn = db.store.conn().await.unwrap();
        let by = |user_id, summary: &str| ServiceChange {
            changed_at: now(),
            user_id: Some(user_id),
            summary: summary.into(),
        };
        directory::save_service(&mut conn, &service(), &by(coordinator, "aangemaakt")).await.unwrap();
        directory::save_service(&mut conn, &service(), &by(partner, "gewijzigd: naam")).await.unwrap();
        let pending = upkeep::partner_changes(&mut conn).await.unwrap();
        assert_eq!(pending.len(), 1, "only the partner's change waits ({:?})", db.engine);
        assert_eq!((pending[0].user_name.as_str(), pending[0].summary.as_str()), ("partner", "gewijzigd: naam"));
        assert_eq!(upkeep::change_service(&mut conn, pending[0].change_id).await.unwrap(), Some(service().id));
        assert!(upkeep::mark_seen(&mut conn, pending[0].change_id, coordinator, now()).await.unwrap());
        assert!(!upkeep::mark_seen(&mut conn, pending[0].change_id, coordinator, now()).await.unwrap(), "seen once");
        assert!(upkeep::partner_changes(&mut conn).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn two_services_decided_different_are_one_pair_either_way_round() {
    use wijkregie_store::upkeep;
    for db in testing::both().await {
        let coordinator = user(&db, "wm@example.nl", wijkregie_core::access::Role::Networks).await;
        let a: HsdsId = "00000000-0000-0000-0000-00000000000b".parse().unwrap();
        let b: HsdsId = "00000000-0000-0000-0000-00000000000a".parse().unwrap();
        let mut conn = db.store.conn().await.unwrap();
        upkeep::mark_distinct(&mut conn, &a, &b, coordinator, now()).await.unwrap();
        upkeep::mark_distinct(&mut conn, &b, &a, coordinator, now()).await.unwrap();
        assert_eq!(upkeep::distinct_pairs(&mut conn).await.unwrap(), vec![(b.clone(), a.clone())], "{:?}", db.engine);
    }
}

#[tokio::test]
async fn a_bulk_save_round_trips_and_pages_of_services_are_read_by_id() {
    use wijkregie_formats::demo::national::{generate as national, Scale};
    let d = national(Scale { services: 1_300, organizations: 250 });
    for db in testing::both().await {
        let mut tx = db.store.begin().await.unwrap();
        for t in wijkregie_formats::taxonomy::shipped() {
            directory::save_taxonomy_term(tx.conn(), &t).await.unwrap();
        }
        region::save_organizations(tx.conn(), &d.organizations).await.unwrap();
        directory::save_locations(tx.conn(), &d.locations).await.unwrap();
        directory::save_services(tx.conn(), &d.services, &change("geïmporteerd")).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.store.conn().await.unwrap();
        let mut expected = d.services.clone();
        expected.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        assert!(directory::services(&mut conn).await.unwrap() == expected, "{:?}: all services round trip", db.engine);
        assert_eq!(directory::locations(&mut conn).await.unwrap().len(), d.locations.len());

        // Page by page in id order, every service once.
        let (mut paged, mut after) = (Vec::new(), None);
        loop {
            let page = directory::services_page(&mut conn, after.as_ref(), 97).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            paged.extend(page);
        }
        let mut by_id = d.services.clone();
        by_id.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        assert!(paged == by_id, "{:?}: pages cover every service once, with all parts", db.engine);

        // By id: in the order asked, unknown ids left out.
        let unknown: HsdsId = "00000000-0000-0000-0000-000000000000".parse().unwrap();
        let asked = vec![d.services[900].id.clone(), unknown, d.services[3].id.clone()];
        let found = directory::services_by_ids(&mut conn, &asked).await.unwrap();
        assert_eq!(found, vec![d.services[900].clone(), d.services[3].clone()], "{:?}", db.engine);
        let locations = directory::locations_by_ids(&mut conn, &[d.locations[7].id.clone()]).await.unwrap();
        assert_eq!(locations, vec![d.locations[7].clone()]);
        let codes = [d.organizations[5].code.clone(), d.organizations[1].code.clone()];
        let mut orgs = region::organizations_by_codes(&mut conn, &codes).await.unwrap();
        orgs.sort_by(|a, b| a.code.cmp(&b.code));
        assert_eq!(orgs, vec![d.organizations[1].clone(), d.organizations[5].clone()]);

        // A second save replaces the parts; of an id given twice the last counts.
        let mut changed = d.services[10].clone();
        changed.phones.clear();
        changed.schedule.slots.truncate(1);
        let mut twice = d.services[11].clone();
        twice.name = "Eerste versie".into();
        let mut last = twice.clone();
        last.name = "Laatste versie".into();
        directory::save_services(&mut conn, &[twice, changed.clone(), last.clone()], &change("bijgewerkt"))
            .await
            .unwrap();
        let found = directory::services_by_ids(&mut conn, &[changed.id.clone(), last.id.clone()]).await.unwrap();
        assert_eq!(found, vec![changed, last], "{:?}", db.engine);
        assert_eq!(directory::service_history(&mut conn, &d.services[11].id).await.unwrap().len(), 2);
    }
}
