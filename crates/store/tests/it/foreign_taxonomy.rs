//! What an HSDS import keeps of its source: foreign taxonomies and terms,
//! the terms a service carries, mappings onto hulpvragen, and organisations'
//! HSDS ids and identifiers; each test body on SQLite and on PostgreSQL.

use std::collections::BTreeMap;

use chrono::DateTime;
use wijkregie_core::codes::Code;
use wijkregie_core::directory::*;
use wijkregie_core::region::{Domain, Organization};
use wijkregie_store::directory::{self, ServiceChange};
use wijkregie_store::foreign_taxonomy as foreign;
use wijkregie_store::{region, testing};

fn id(text: &str) -> HsdsId {
    text.parse().unwrap()
}

fn taxonomy() -> ForeignTaxonomy {
    ForeignTaxonomy {
        id: id("5eb2a1b6-1f49-4b4f-8e1d-0c2a0b4f6e11"),
        name: "Sociale kaart gemeente Zeggeveld".into(),
        description: None,
        uri: Some("https://zeggeveld.example/taxonomie".into()),
        version: Some("2".into()),
    }
}

fn term() -> ForeignTerm {
    ForeignTerm {
        id: id("7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21"),
        taxonomy: taxonomy().id,
        code: Some("MZ-01".into()),
        name: "Ondersteuning mantelzorg".into(),
        description: Some("Hulp voor wie voor een naaste zorgt".into()),
        parent: None,
        term_uri: None,
    }
}

fn code(text: &str) -> Code {
    text.parse().unwrap()
}

#[tokio::test]
async fn foreign_terms_mappings_and_organisation_ids_round_trip() {
    for db in testing::both().await {
        let mut tx = db.store.begin().await.unwrap();
        let org = Organization {
            code: code("steunpunt"),
            name: "Steunpunt".into(),
            domain: Domain::Welzijn,
            contact: Default::default(),
        };
        region::save_organization(tx.conn(), &org).await.unwrap();
        let hulpvraag = TaxonomyTerm {
            code: code("mantelzorg"),
            name: "Mantelzorg".into(),
            description: None,
            parent: None,
            synonyms: vec![],
        };
        directory::save_taxonomy_term(tx.conn(), &hulpvraag).await.unwrap();
        foreign::save(tx.conn(), &[taxonomy()], &[term()]).await.unwrap();
        // Saving again (the next import) changes nothing and does not fail.
        foreign::save(tx.conn(), &[taxonomy()], &[term()]).await.unwrap();
        let service = Service {
            id: id("ac148810-d857-441c-9679-408f346de14b"),
            organization: org.code.clone(),
            name: "Inloop voor mantelzorgers".into(),
            alternate_name: None,
            description: String::new(),
            url: None,
            email: None,
            status: ServiceStatus::Active,
            assured_date: None,
            application_process: None,
            fees_description: None,
            free_of_charge: false,
            eligibility_description: None,
            minimum_age: None,
            maximum_age: None,
            languages: vec![],
            domain: Domain::Welzijn,
            pathways: vec![],
            serves_wijken: vec![],
            serves_networks: vec![],
            taxonomy_terms: vec![],
            foreign_terms: vec![term().id],
            phones: vec![],
            contacts: vec![],
            schedule: Schedule::default(),
            locations: vec![],
        };
        let change = ServiceChange {
            changed_at: DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
            user_id: None,
            summary: "geïmporteerd uit HSDS".into(),
        };
        directory::save_service(tx.conn(), &service, &change).await.unwrap();
        let mapping = TermMapping { taxonomy: taxonomy().id, term: term().id, hulpvraag: code("mantelzorg") };
        foreign::save_mapping(tx.conn(), &mapping).await.unwrap();
        let ids = BTreeMap::from([(org.code.clone(), id("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"))]);
        foreign::save_organization_ids(tx.conn(), &ids).await.unwrap();
        let kvk = OrganizationIdentifier {
            id: id("11111111-2222-4333-8444-555555555555"),
            organization: org.code.clone(),
            scheme: Some("NL-KVK".into()),
            kind: Some("KvK-nummer".into()),
            identifier: "12345678".into(),
        };
        foreign::save_organization_identifiers(tx.conn(), std::slice::from_ref(&org.code), std::slice::from_ref(&kvk))
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.store.conn().await.unwrap();
        assert_eq!(foreign::taxonomies(&mut conn).await.unwrap(), [taxonomy()], "{:?}", db.engine);
        assert_eq!(foreign::terms(&mut conn).await.unwrap(), [term()]);
        assert_eq!(foreign::terms_by_ids(&mut conn, &[term().id]).await.unwrap(), [term()]);
        assert_eq!(directory::service(&mut conn, &service.id).await.unwrap(), Some(service.clone()));
        assert_eq!(
            directory::services(&mut conn).await.unwrap(),
            std::slice::from_ref(&service),
            "read table by table too"
        );
        assert_eq!(foreign::services_with(&mut conn, &term().id).await.unwrap(), std::slice::from_ref(&service.id));
        assert_eq!(foreign::service_counts(&mut conn).await.unwrap().get(&term().id), Some(&1));
        assert_eq!(foreign::mappings(&mut conn).await.unwrap(), std::slice::from_ref(&mapping));
        assert_eq!(foreign::organization_ids(&mut conn).await.unwrap(), ids);
        assert_eq!(foreign::organization_identifiers(&mut conn).await.unwrap(), [kvk]);

        assert!(foreign::delete_mapping(&mut conn, &mapping.taxonomy, &mapping.term).await.unwrap());
        assert!(foreign::mappings(&mut conn).await.unwrap().is_empty());
    }
}
