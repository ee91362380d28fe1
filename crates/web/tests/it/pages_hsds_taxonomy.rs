//! Issue 16: after an HSDS import with the source's own taxonomy, its terms
//! are on the service page and the regio-beheerder maps them onto a
//! hulpvraag at `/aanbod/hulpvragen/koppelen`; nobody else may.

use crate::common::{TestApp, ENGINES};
use wijkregie_app::hsds::{self, Source};
use wijkregie_core::access::Role;

const SERVICE: &str = "ac148810-d857-441c-9679-408f346de14b";
const TAXONOMY: &str = "5eb2a1b6-1f49-4b4f-8e1d-0c2a0b4f6e11";
const TERM: &str = "7f8e9d0c-1b2a-4c3d-9e8f-7a6b5c4d3e21";

fn source() -> Source {
    Source::Json(
        serde_json::json!([{
            "id": SERVICE,
            "name": "Inloop voor mantelzorgers",
            "status": "active",
            "organization": {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Steunpunt Naasten Zeggeveld"},
            "attributes": [{"taxonomy_term": {
                "id": TERM,
                "name": "Logeeropvang voor naasten",
                "taxonomy": "Sociale kaart gemeente Zeggeveld",
                "taxonomy_id": TAXONOMY
            }}]
        }])
        .to_string(),
    )
}

#[tokio::test]
async fn hsds_foreign_terms_are_shown_and_mapped_by_the_regio_beheerder() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        hsds::import(&app.operator(), source(), &|_, _| {}).await.unwrap();
        let admin = app.login(Role::Region).await;
        let (status, page) = app.get(&admin, &format!("/aanbod/voorzieningen/{SERVICE}")).await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(page.contains("Term van de bron") && page.contains("Logeeropvang voor naasten"), "{engine:?}");
        assert!(page.contains("Sociale kaart gemeente Zeggeveld"), "{engine:?}");

        let (status, page) = app.get(&admin, "/aanbod/hulpvragen/koppelen").await;
        assert_eq!(status, 200, "{engine:?}");
        assert!(page.contains("Logeeropvang voor naasten") && page.contains(TERM), "{engine:?}");
        let (_, list) = app.get(&admin, "/aanbod/hulpvragen").await;
        assert!(list.contains("href=\"/aanbod/hulpvragen/koppelen\""), "{engine:?}: linked from the hulpvragen");

        let practice = app.login(Role::Practice).await;
        let (status, _) = app.get(&practice, "/aanbod/hulpvragen/koppelen").await;
        assert_eq!(status, 403, "{engine:?}");
        let fields = [("taxonomie", TAXONOMY), ("term", TERM), ("hulpvraag", "mantelzorg")];
        let (status, _, _) = app.post(&practice, "/aanbod/hulpvragen/koppelen", &fields).await;
        assert_eq!(status, 403, "{engine:?}");

        let (status, location, _) = app.post(&admin, "/aanbod/hulpvragen/koppelen", &fields).await;
        assert_eq!((status, location.as_str()), (303, "/aanbod/hulpvragen/koppelen"), "{engine:?}");
        let (_, page) = app.get(&admin, &format!("/aanbod/voorzieningen/{SERVICE}")).await;
        assert!(page.contains("<dt>Hulpvragen</dt><dd>Mantelzorg</dd>"), "{engine:?}: the service has the hulpvraag");
        let (_, page) = app.get(&admin, "/aanbod/hulpvragen/koppelen").await;
        assert!(page.contains("value=\"mantelzorg\" selected"), "{engine:?}: the mapping is shown");

        let unknown = [("taxonomie", TAXONOMY), ("term", "geen-id"), ("hulpvraag", "mantelzorg")];
        let (status, _, _) = app.post(&admin, "/aanbod/hulpvragen/koppelen", &unknown).await;
        assert_eq!(status, 404, "{engine:?}");
    }
}
