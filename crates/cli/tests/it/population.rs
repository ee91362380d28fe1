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

/// The hidden worker `serve` reads page uploads in: its answer is the
/// import's own problems, and a file that needs more memory than its limit
/// ends the worker (the server then refuses the file), not the caller.
#[test]
fn the_import_worker_answers_problems_and_dies_at_its_memory_limit() {
    use std::io::Write;
    use std::process::Stdio;
    let worker = |limit: u64, body: &[u8]| {
        let job = r#"{"kind":"kwb","name":"kwb-2024.csv","year":null,"vintage":null}"#;
        let mut child = Command::new(env!("CARGO_BIN_EXE_wijkregie"))
            .args(["import-worker", "--memory-limit", &limit.to_string(), job])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A worker that died closes the pipe; its status says so.
        let _ = child.stdin.take().unwrap().write_all(body);
        child.wait_with_output().unwrap()
    };
    let good = worker(1 << 30, b"gwb_code_10;a_inw\nGM0014;1\n");
    assert!(good.status.success());
    assert_eq!(text(&good.stdout).trim(), r#"{"problems":[]}"#);
    let bad = worker(1 << 30, b"gwb_code_10;a_inw\nGM0014;veel\n");
    assert!(text(&bad.stdout).contains("regel 2"), "{}", text(&bad.stdout));
    let big = vec![b'a'; 400 << 20];
    assert!(!worker(256 << 20, &big).status.success(), "400 MB do not fit in 256 MB");
}

/// Issue 22: a Latin-1 file gave "stream did not contain valid UTF-8". The
/// refusal says in Dutch where the first wrong byte is and offers
/// `--encoding latin1`, which then reads the file.
#[tokio::test]
async fn a_latin1_file_is_named_and_read_with_encoding_latin1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("postcodes.csv");
    std::fs::write(&file, b"postcode;latitude;longitude\n1215EK;52,2;5,17 \xe9\n").unwrap();
    let file = file.to_str().unwrap();
    for db in testing::both().await {
        let out = crate::common::wijkregie(&db, &["import", "postcodes", file]);
        let err = text(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains("is geen UTF-8-tekst: regel 2, byte 18 (0xE9)"), "{err}");
        assert!(err.contains("--encoding latin1") && !err.contains("stream did not"), "{err}");
        let out = crate::common::wijkregie(&db, &["import", "postcodes", file, "--encoding", "latin1"]);
        assert!(!text(&out.stderr).contains("UTF-8"), "{}", text(&out.stderr));
    }
}

/// Issue 22: one import printed 614,403 problem lines. The terminal gets the
/// first 200 and the total; `--problems-file` gets every one.
#[tokio::test]
async fn a_refusal_shows_two_hundred_problems_and_writes_all_with_problems_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kwb-2024.csv");
    let rows: String = (0..250).map(|i| format!("GM{:04};veel\n", i + 1)).collect();
    std::fs::write(&file, format!("gwb_code_10;a_inw\n{rows}")).unwrap();
    let list = dir.path().join("problemen.txt");
    for db in testing::both().await {
        let out = crate::common::wijkregie(
            &db,
            &["import", "kwb", file.to_str().unwrap(), "--problems-file", list.to_str().unwrap()],
        );
        let err = text(&out.stderr);
        assert!(err.contains("250 problemen"), "{err}");
        assert_eq!(err.lines().filter(|l| l.starts_with("  regel")).count(), 200, "{err}");
        assert!(err.contains("… en nog 50; de hele lijst staat in"), "{err}");
        let written = std::fs::read_to_string(&list).unwrap();
        assert_eq!(written.lines().count(), 250);
        assert!(written.lines().last().unwrap().starts_with("regel 251"), "{written}");
    }
}
