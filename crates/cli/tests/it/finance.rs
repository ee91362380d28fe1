//! `wijkregie finance` against real databases: the agreed JSON shape, the
//! other formats, approval from the command line, and refusals.

use wijkregie_store::testing::{self, TestDb};

use crate::common::{ok, text, wijkregie};

fn refused(db: &TestDb, args: &[&str]) -> String {
    let out = wijkregie(db, args);
    assert!(!out.status.success(), "{args:?} should fail on {:?}", db.engine);
    text(&out.stderr)
}

#[tokio::test]
async fn statements_in_every_format_and_approval_from_the_command_line() {
    for db in testing::both().await {
        ok(&db, &["demo"]);
        let json: serde_json::Value =
            serde_json::from_str(&ok(&db, &["finance", "statements", "--quarter", "2025Q2", "--format", "json"]))
                .expect("JSON output");
        let list = json.as_array().expect("a list of statements");
        assert!(list.len() >= 5, "{:?}: {json}", db.engine);
        for s in list {
            assert_eq!(s["quarter"], "2025Q2");
            assert!(s["network"].is_string() && s["registered_patients"].is_u64());
            let lines = s["lines"].as_array().unwrap();
            let sum: i64 = lines.iter().map(|l| l["amount_cents"].as_i64().unwrap()).sum();
            assert_eq!(s["total_cents"].as_i64().unwrap(), sum, "the total is the sum of the lines");
            for l in lines {
                // A zero amount always says why; a paid one never does.
                assert_eq!(l["amount_cents"] == 0, l["reason"].is_string(), "{l}");
                assert!(["gp_time", "coordinator"].contains(&l["kind"].as_str().unwrap()));
            }
        }
        let region_total: i64 = list.iter().map(|s| s["total_cents"].as_i64().unwrap()).sum();
        let table = ok(&db, &["finance", "statements", "--quarter", "2025Q2"]);
        let euros = wijkregie_core::finance::Cents(region_total).euro();
        assert!(table.contains(&format!("Totaal regio: {euros}")), "{:?}: {table}", db.engine);

        // One network only.
        let one: serde_json::Value = serde_json::from_str(&ok(
            &db,
            &["finance", "statements", "--quarter", "2025Q2", "--network", "wsv-binnenstad", "--format", "json"],
        ))
        .unwrap();
        assert_eq!(one.as_array().unwrap().len(), 1);
        assert_eq!(one[0], *list.iter().find(|s| s["network"] == "wsv-binnenstad").unwrap());
        assert!(refused(&db, &["finance", "statements", "--quarter", "2025Q2", "--network", "wsv-bestaat-niet"])
            .contains("netwerk wsv-bestaat-niet niet gevonden"));

        // Dutch CSV and XLSX.
        let csv = ok(&db, &["finance", "statements", "--quarter", "2025Q2", "--format", "csv", "--nl"]);
        assert!(csv.starts_with("\u{feff}netwerk;naam;kwartaal;"), "{csv:.200}");
        assert!(
            refused(&db, &["finance", "statements", "--quarter", "2025Q2", "--format", "xlsx"]).contains("--output")
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("q2.xlsx");
        ok(
            &db,
            &["finance", "statements", "--quarter", "2025Q2", "--format", "xlsx", "--output", file.to_str().unwrap()],
        );
        assert!(std::fs::read(&file).unwrap().starts_with(b"PK"));

        // Bad quarters are refused in Dutch.
        assert!(refused(&db, &["finance", "statements", "--quarter", "2025Q5"]).contains("kwartaal 5 bestaat niet"));
        assert!(refused(&db, &["finance", "statements", "--quarter", "2021Q4"]).contains("vanaf 2022"));

        // Quarters are approved in order, from the first registration (2022Q3).
        assert!(refused(&db, &["finance", "approve", "--quarter", "2025Q2"])
            .contains("stel eerst het 3e kwartaal 2022 vast"));
        for quarter in ["2022Q3", "2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4"] {
            ok(&db, &["finance", "approve", "--quarter", quarter]);
        }
        for quarter in ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"] {
            ok(&db, &["finance", "approve", "--quarter", quarter]);
        }
        // Approval freezes, once.
        let approved = ok(&db, &["finance", "approve", "--quarter", "2025Q2"]);
        assert!(approved.contains(&euros), "{approved}");
        assert!(refused(&db, &["finance", "approve", "--quarter", "2025Q2"]).contains("al vastgesteld"));
        assert!(ok(&db, &["finance", "statements", "--quarter", "2025Q2"]).contains("vastgesteld op"));
        let frozen: serde_json::Value =
            serde_json::from_str(&ok(&db, &["finance", "statements", "--quarter", "2025Q2", "--format", "json"]))
                .unwrap();
        assert_eq!(frozen, json, "{:?}: approval changes no amount", db.engine);
        assert!(ok(&db, &["finance", "tariffs"]).contains("standaard"));
        assert!(ok(&db, &["audit", "verify"]).contains("keten ongebroken"));
    }
}
