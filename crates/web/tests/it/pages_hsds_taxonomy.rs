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
            "schedules": [{
                "id": "2b3c4d5e-6f7a-4b8c-9d9e-0f1a2b3c4d5e", "freq": "MONTHLY", "byday": "1TH",
                "opens_at": "14:00", "closes_at": "16:00", "valid_from": "2026-01-01", "description": "koffieochtend"
            }],
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
        assert!(
            page.contains("maandelijks, 1e do, 14:00 – 16:00, vanaf 1 januari 2026 (koffieochtend)"),
            "{engine:?}: the monthly schedule is shown in words"
        );

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

/// Issue 16: the demo's export, with a source's own taxonomy and an
/// organisation's identifiers imported into it, passes `frictionless
/// validate` with no errors against a datapackage description written
/// from the HSDS 3.0 specification (names, types, formats, required
/// fields, primary and foreign keys), and against its own.
#[tokio::test]
async fn hsds_export_passes_frictionless_against_the_specification() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hsds-datapackage/datapackage.json");
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        hsds::import(&app.operator(), source(), &|_, _| {}).await.unwrap();
        let (_, files) = hsds::export(&app.operator()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in &files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        assert!(files["schedules.csv"].contains(":00:00,"), "{engine:?}: times with seconds");
        std::fs::copy(&spec, dir.path().join("hsds-3.0.json")).unwrap();
        for descriptor in ["hsds-3.0.json", "datapackage.json"] {
            let (tasks, errors) = frictionless(dir.path(), descriptor);
            assert_eq!(tasks, 15, "{engine:?}: {descriptor}: every table is checked");
            assert!(
                errors.is_empty(),
                "{engine:?}: {descriptor}: {} errors, first: {:#?}",
                errors.len(),
                errors.iter().take(10).collect::<Vec<_>>()
            );
        }
        // The check can fail: times without seconds, as the export wrote them
        // before, and a service whose organisation is missing.
        let schedules = files["schedules.csv"].replace(":00:00,", ":00,");
        std::fs::write(dir.path().join("schedules.csv"), schedules).unwrap();
        let first_org = files["services.csv"].lines().nth(1).unwrap().split(',').nth(1).unwrap().to_owned();
        let orphan = files["services.csv"].replace(&first_org, "00000000-0000-4000-8000-000000000000");
        std::fs::write(dir.path().join("services.csv"), orphan).unwrap();
        let (_, errors) = frictionless(dir.path(), "hsds-3.0.json");
        assert!(errors.iter().any(|e| e.contains("time")), "{engine:?}: {errors:#?}");
        assert!(errors.iter().any(|e| e.contains("foreign key")), "{engine:?}: {errors:#?}");
    }
}

/// Runs `frictionless validate --json` on a descriptor in `dir`: the number
/// of tables checked and every error message.
fn frictionless(dir: &std::path::Path, descriptor: &str) -> (usize, Vec<String>) {
    let output = std::process::Command::new("frictionless")
        .args(["validate", "--json", descriptor])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "frictionless is not on PATH ({e}): install scripts/requirements.txt in a virtualenv \
                 and put it on PATH, as scripts/test-all does"
            )
        });
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("frictionless gave no JSON report ({e}): {}", String::from_utf8_lossy(&output.stderr))
    });
    let tasks = report["tasks"].as_array().cloned().unwrap_or_default();
    let errors: Vec<String> = tasks
        .iter()
        .flat_map(|task| task["errors"].as_array().cloned().unwrap_or_default())
        .chain(report["errors"].as_array().cloned().unwrap_or_default())
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(report["valid"] == true, errors.is_empty(), "the report agrees with itself");
    (tasks.len(), errors)
}
