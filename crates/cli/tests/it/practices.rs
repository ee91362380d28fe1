//! How a real region starts, with the real binary on SQLite and PostgreSQL:
//! a practice list as a municipality publishes it (no AGB codes, the address
//! in one field, `—` for missing), placed in its wijk from the postcode and
//! the CBS buurt outlines; then a list with AGB codes and the counts per AGB.

use std::path::{Path, PathBuf};

use wijkregie_store::testing;

use crate::common::{ok, text, wijkregie};

fn fixture(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/tests/fixtures/practices").join(name);
    path.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_region_starts_from_a_practice_list_and_counts_per_agb() {
    for db in testing::both().await {
        ok(&db, &["import", "region", &fixture("regio.json")]);
        ok(&db, &["import", "postcodes", &fixture("postcodes.csv")]);
        ok(&db, &["import", "boundaries", &fixture("buurt-noord.geojson")]);

        let first = ok(&db, &["import", "practices", &fixture("praktijken-gemeente.csv")]);
        assert!(first.contains("3 praktijken nieuw, 0 gewijzigd, 0 ongewijzigd"), "{:?}: {first}", db.engine);
        assert!(first.contains("3 praktijk(en) zonder AGB-code"), "{first}");
        assert!(
            first.contains("1 praktijk(en) niet in een wijk geplaatst") && first.contains("Praktijk Damrak (1012 LG)"),
            "{first}"
        );
        let again = ok(&db, &["import", "practices", &fixture("praktijken-gemeente.csv")]);
        assert!(again.contains("0 praktijken nieuw, 0 gewijzigd, 3 ongewijzigd"), "{again}");
        assert!(again.contains("Niets veranderd"), "{again}");

        // The same practice, now with its AGB code: found by name and postcode.
        let agb = ok(&db, &["import", "practices", &fixture("praktijken-met-agb.csv")]);
        assert!(agb.contains("0 praktijken nieuw, 1 gewijzigd, 0 ongewijzigd"), "{agb}");

        let counts = ok(&db, &["import", "patient-counts", &fixture("ingeschrevenen.csv")]);
        assert!(counts.contains("2 tellingen nieuw, 0 gewijzigd, 0 ongewijzigd"), "{counts}");
        let repeat = ok(&db, &["import", "patient-counts", &fixture("ingeschrevenen.csv")]);
        assert!(repeat.contains("Niets veranderd"), "{repeat}");
        let unknown = wijkregie(&db, &["import", "patient-counts", &fixture("ingeschrevenen-onbekend.csv")]);
        assert!(!unknown.status.success());
        let err = text(&unknown.stderr);
        assert!(err.contains("regel 3: AGB-code 01999999 hoort bij geen praktijk van de regio"), "{err}");

        let mut conn = db.store.conn().await.unwrap();
        let practices = wijkregie_store::region::practices(&mut conn).await.unwrap();
        let aster = practices.iter().find(|p| p.name == "Huisartsenpraktijk Asterweg").unwrap();
        assert_eq!(aster.agb.as_ref().map(wijkregie_core::codes::AgbCode::as_str), Some("01063001"));
        assert_eq!(
            aster.wijk.as_ref().map(wijkregie_core::codes::Code::as_str),
            Some("noord"),
            "placed from its postcode"
        );
        assert_eq!(aster.contact.phone.as_deref(), Some("020-6361234"));
        assert_eq!(aster.registered_patients.len(), 2, "the refused file added nothing");
        let pek = practices.iter().find(|p| p.name == "Huisartsen Van der Pek").unwrap();
        assert_eq!((pek.code.as_str(), pek.agb.is_none()), ("huisartsen-van-der-pek", true), "no invented AGB");
        assert_eq!(pek.address.house_number_suffix.as_deref(), Some("a"));
        assert_eq!(pek.contact.email.as_deref(), Some("info@vanderpek.example"));
        let damrak = practices.iter().find(|p| p.name == "Praktijk Damrak").unwrap();
        assert_eq!(damrak.wijk, None);
    }
}

#[tokio::test]
async fn a_bad_practice_list_is_refused_whole_with_every_problem() {
    for db in testing::both().await {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lijst.csv");
        std::fs::write(&file, "Naam,AGB,Adres\n,01012345,\"Lindelaan 1, 1215 EK Hilversum\"\nB,123,Hilversum\n")
            .unwrap();
        let out = wijkregie(&db, &["import", "practices", file.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(err.contains("3 problemen:"), "{err}");
        assert!(err.contains("regel 3, kolom adres: adres 'Hilversum' is niet te lezen"), "{err}");
        assert!(err.contains("de naam van de praktijk ontbreekt"), "{err}");
        assert!(err.contains("een AGB-code bestaat uit precies 8 cijfers"), "{err}");
        let mut conn = db.store.conn().await.unwrap();
        assert!(wijkregie_store::region::practices(&mut conn).await.unwrap().is_empty());
        let odd = wijkregie(&db, &["import", "practices", file.to_str().unwrap(), "--columns", "kleur=Naam"]);
        assert!(text(&odd.stderr).contains("--columns: onbekende kolom 'kleur'"), "{}", text(&odd.stderr));
    }
}
