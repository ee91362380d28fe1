//! The real `wijkregie` binary as every module runs it: against one test
//! database, with its output as text.

use std::process::{Command, Output};

use wijkregie_store::testing::TestDb;

/// The binary on `db`'s database. A fixed key, so no key file is written
/// into the working directory; a fixed password for `user add`; and no data
/// directory from the environment of whoever runs the tests.
pub fn wijkregie(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wijkregie"))
        .arg("--database")
        .arg(&db.url)
        .args(args)
        .env_remove("WIJKREGIE_DATA_DIR")
        .env("WIJKREGIE_SECRET_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
        .env("WIJKREGIE_NEW_PASSWORD", "een lang genoeg wachtwoord")
        .output()
        .expect("the binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The standard output of a command that must succeed.
pub fn ok(db: &TestDb, args: &[&str]) -> String {
    let out = wijkregie(db, args);
    assert!(out.status.success(), "{args:?} failed on {:?}:\n{}\n{}", db.engine, text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}
