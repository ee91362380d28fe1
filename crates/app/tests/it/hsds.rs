//! Issue 16, an existing social map: a file tagged with its source's own
//! taxonomy is imported whole, its terms are shown and found, the
//! regio-beheerder maps a term onto a hulpvraag once and the next import of
//! that source applies it, and an export gives back the ids of the file.

use wijkregie_app::hsds::{self, Source};
use wijkregie_app::{demo, directory, taxonomy, App, Config, Ctx, Error};
use wijkregie_core::access::{Principal, Role};
use wijkregie_core::directory::HsdsId;
use wijkregie_store::testing::{self, TestDb};

const SERVICE: &str = "ac148810-d857-441c-9679-408f346de14b";
const ORGANIZATION: &str = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610";
const TAXONOMY: &str = "5eb2a1b6-1f49-4b4f-8e1d-0c2a0b4f6e11";
const TERM: &str = "7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21";

/// A municipality's sociale kaart: one service, tagged with a term of the
/// municipality's own taxonomy, and an organisation with its KvK number.
fn source() -> Source {
    Source::Json(
        serde_json::json!([{
            "id": SERVICE,
            "name": "Inloop voor mantelzorgers",
            "description": "Koffie en een luisterend oor",
            "status": "active",
            "organization": {
                "id": ORGANIZATION,
                "name": "Steunpunt Naasten Zeggeveld",
                "organization_identifiers": [{
                    "id": "11111111-2222-4333-8444-555555555555",
                    "identifier_scheme": "NL-KVK",
                    "identifier_type": "KvK-nummer",
                    "identifier": "12345678"
                }]
            },
            "attributes": [{
                "id": "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
                "taxonomy_term": {
                    "id": TERM,
                    "code": "MZ-01",
                    "name": "Logeeropvang voor naasten",
                    "description": "Even op adem komen",
                    "taxonomy": "Sociale kaart gemeente Zeggeveld",
                    "taxonomy_id": TAXONOMY
                }
            }]
        }])
        .to_string(),
    )
}

async fn principal(app: &App, role: Role) -> Principal {
    let account = demo::ACCOUNTS.iter().find(|a| a.role == role).expect("a demo account per role");
    let mut conn = app.store.conn().await.expect("a connection");
    let user = wijkregie_store::account::user_by_email(&mut conn, account.email)
        .await
        .expect("the account reads")
        .expect("the demo account exists");
    wijkregie_app::credentials::principal_of(&user, false)
}

fn id(text: &str) -> HsdsId {
    text.parse().expect("a UUID")
}

async fn found(app: &App, text: &str) -> Vec<String> {
    let request = directory::SearchRequest { text: text.into(), ..Default::default() };
    let result = directory::search(app, &request).await.expect("the search runs");
    result.found.iter().map(|f| f.service.id.to_string()).collect()
}

async fn a_foreign_taxonomy_is_kept_mapped_and_applied_again(db: TestDb) {
    let config = Config { instance: "test".into(), ..Config::default() };
    let key = wijkregie_store::crypto::FieldKey::ephemeral().expect("a random key");
    let app = App::start(db.store.clone(), config, key, true).await.expect("the app starts with the demo").app;
    let operator = Ctx::operator(app.clone());
    let engine = db.engine;

    let report = hsds::import(&operator, source(), &|_, _| {}).await.unwrap_or_else(|e| panic!("{engine:?}: {e:?}"));
    assert_eq!(report.services.created, 1);
    assert_eq!(report.foreign_terms.created, 1);
    directory::rebuild_index(&app).await.expect("the index rebuilds");

    // Shown on the service, and found by its name.
    let beheer = Ctx::new(app.clone(), principal(&app, Role::Region).await, None);
    let detail = directory::service(&beheer, &id(SERVICE)).await.expect("the service opens");
    let [(taxonomy_name, term)] = detail.foreign_terms.as_slice() else { panic!("one foreign term") };
    assert_eq!(
        (taxonomy_name.as_str(), term.name.as_str()),
        ("Sociale kaart gemeente Zeggeveld", "Logeeropvang voor naasten")
    );
    assert!(detail.terms.is_empty());
    assert_eq!(found(&app, "logeeropvang").await, [SERVICE], "{engine:?}");

    // Only the regio-beheerder maps, and the refusal is no change.
    let practice = Ctx::new(app.clone(), principal(&app, Role::Practice).await, None);
    let refused =
        taxonomy::map_foreign_term(&practice, &id(TAXONOMY), &id(TERM), Some("mantelzorg".parse().unwrap())).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    let unknown =
        taxonomy::map_foreign_term(&beheer, &id(TAXONOMY), &id(TERM), Some("bestaat-niet".parse().unwrap())).await;
    assert!(matches!(unknown, Err(Error::Invalid(_))), "{unknown:?}");

    let rows = taxonomy::foreign_terms(&beheer).await.expect("the regio-beheerder lists the terms");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].services, rows[0].hulpvraag.clone()), (1, None));
    let mantelzorg = taxonomy::terms(&beheer)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code.as_str().contains("mantelzorg"))
        .expect("the shipped taxonomy has mantelzorg")
        .code;
    let tagged = taxonomy::map_foreign_term(&beheer, &id(TAXONOMY), &id(TERM), Some(mantelzorg.clone())).await.unwrap();
    assert_eq!(tagged, 1, "the service that carries the term gets the hulpvraag at once");
    let detail = directory::service(&beheer, &id(SERVICE)).await.unwrap();
    assert_eq!(detail.service.taxonomy_terms, std::slice::from_ref(&mantelzorg));
    assert_eq!(taxonomy::foreign_terms(&beheer).await.unwrap()[0].hulpvraag.as_ref(), Some(&mantelzorg));

    // The next import of the same source applies the mapping: nothing changes.
    let again = hsds::import(&operator, source(), &|_, _| {}).await.unwrap();
    assert!(!again.changed(), "{engine:?}: a repeat import changes nothing");
    let detail = directory::service(&beheer, &id(SERVICE)).await.unwrap();
    assert_eq!(detail.service.taxonomy_terms, std::slice::from_ref(&mantelzorg));

    // The export gives back the file's ids.
    let (_, files) = hsds::export(&operator).await.expect("the export");
    for (file, wanted) in [
        ("services.csv", SERVICE),
        ("organizations.csv", ORGANIZATION),
        ("taxonomies.csv", TAXONOMY),
        ("taxonomy_terms.csv", TERM),
        ("organization_identifiers.csv", "11111111-2222-4333-8444-555555555555"),
    ] {
        let ids: Vec<&str> = files[file].lines().skip(1).filter_map(|l| l.split(',').next()).collect();
        assert!(ids.contains(&wanted), "{engine:?}: {wanted} not in {file}");
    }
    assert!(
        files["services.csv"].contains(&format!("{SERVICE},{ORGANIZATION}")),
        "the service names its organisation by the file's id"
    );
}

#[tokio::test]
async fn a_foreign_taxonomy_is_kept_mapped_and_applied_again_sqlite() {
    a_foreign_taxonomy_is_kept_mapped_and_applied_again(testing::sqlite().await).await;
}

#[tokio::test]
async fn a_foreign_taxonomy_is_kept_mapped_and_applied_again_postgres() {
    a_foreign_taxonomy_is_kept_mapped_and_applied_again(testing::postgres().await).await;
}
