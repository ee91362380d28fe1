//! `wijkregie import kwb|health`: StatLine's own downloads are read, and
//! every import ends by saying how many of the region's areas received
//! figures, loudly when none did.

use std::process::Command;

use wijkregie_store::testing;

use crate::common::{ok, text};

fn fixture(name: &str) -> String {
    format!("{}/../formats/tests/data/population/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn imports_say_how_many_of_the_regions_areas_received_figures() {
    for db in testing::both().await {
        ok(&db, &["demo"]);
        // Amsterdam's figures, titled as StatLine downloads them: read
        // whole, but none of the demo region's areas is in them.
        let out = ok(&db, &["import", "kwb", &fixture("kwb-2023-statline-titles.csv")]);
        assert!(out.contains("5 gebieden, 75 cijfers, waarvan 14 onbekend"), "{:?}: {out}", db.engine);
        assert!(out.contains("gebieden van de regio kregen cijfers."), "{out}");
        assert!(out.contains("Let op: geen enkel gebied van de regio kreeg cijfers."), "{out}");
        assert!(out.trim_end().ends_with("niet veranderde."), "the warning comes last: {out}");

        // A 65+ figure with the published code, for one of the demo's wijken.
        let dir = tempfile::tempdir().unwrap();
        let health = dir.path().join("50120NED.csv");
        std::fs::write(
            &health,
            "WijkenEnBuurten;Perioden;Leeftijd;Marges;ErnstigZeerErnstigEenzaam_28;Roker_11\n\
             WK199101  ;2022JJ00;80200;MW00000;15;12\n\
             WK199101  ;2022JJ00;53950;MW00000;15;12\n",
        )
        .unwrap();
        let out = ok(&db, &["import", "health", health.to_str().unwrap(), "--vintage", "2024"]);
        assert!(out.contains("1 cijfer is niet bewaard"), "{:?}: {out}", db.engine);
        assert!(out.contains("Onbekende leeftijdsgroepen, niet bewaard: '53950' (2 cijfers)."), "{out}");
        let last = out.trim_end().lines().last().unwrap_or_default();
        assert!(last.starts_with("1 van de ") && last.ends_with(" gebieden van de regio kregen cijfers."), "{out}");
    }
}

#[test]
fn the_help_names_every_layout() {
    let help = |sub: &str| {
        text(&Command::new(env!("CARGO_BIN_EXE_wijkregie")).args(["import", sub, "--help"]).output().unwrap().stdout)
    };
    let health = help("health");
    assert!(health.contains("XLSX") && health.contains("80200"), "{health}");
    let kwb = help("kwb");
    assert!(kwb.contains("titels") && kwb.contains("NA"), "{kwb}");
}

/// Issue 22: one cell in A1 and one in XFD1048576 made `import kwb` abort
/// with "memory allocation of 549755813888 bytes failed". Now the real
/// binary refuses the file in Dutch and writes nothing.
#[tokio::test]
async fn the_xlsx_bomb_is_refused_in_dutch() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "gwb_code_10").unwrap();
    sheet.write_string(1_048_575, 16_383, "GM0014").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("kwb-2024.xlsx");
    std::fs::write(&bomb, book.save_to_buffer().unwrap()).unwrap();
    for db in testing::both().await {
        let out = crate::common::wijkregie(&db, &["import", "kwb", bomb.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{:?}: {err}", db.engine);
        assert!(err.contains("is niet ingelezen; er is niets veranderd."), "{err}");
        assert!(!err.contains("memory allocation"), "{err}");
    }
}
