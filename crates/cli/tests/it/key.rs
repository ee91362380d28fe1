//! The field key at start, with the real binary: a different key or a
//! missing one (while sealed data exists) refuses to start with a Dutch
//! message, `serve --new-key` accepts the loss, `key rotate` re-seals
//! everything, `user totp-reset` clears one second factor; and the data
//! files are created with mode 0600 and refused when others can read them.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use wijkregie_store::crypto::FieldKey;
use wijkregie_store::testing::{self, TestDb};

use crate::common::text;

const KEY_A: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const KEY_B: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
const DIFFERS: &str = "past niet bij deze database";
const MISSING: &str = "er is geen sleutel voor persoonsgegevens";

/// The binary on `db`, with the key `key` from the environment, or (None)
/// from the key file in `data_dir`.
fn run(db: &TestDb, data_dir: &Path, key: Option<&str>, args: &[&str]) -> Output {
    command(db, data_dir, key).args(args).output().expect("the binary runs")
}

fn command(db: &TestDb, data_dir: &Path, key: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wijkregie"));
    c.arg("--database").arg(&db.url).arg("--data-dir").arg(data_dir);
    c.env_remove("WIJKREGIE_DATA_DIR").env("WIJKREGIE_NEW_PASSWORD", "een lang genoeg wachtwoord");
    match key {
        Some(k) => c.env("WIJKREGIE_SECRET_KEY", k),
        None => c.env_remove("WIJKREGIE_SECRET_KEY"),
    };
    c
}

fn refused_with(out: &Output, words: &str) -> bool {
    !out.status.success() && text(&out.stderr).contains(words)
}

/// Starts `serve` and waits until it is ready (or has stopped); the server
/// is stopped again. Returns whether it got ready, and what it printed.
fn serve_starts(db: &TestDb, data_dir: &Path, key: Option<&str>, new_key: bool) -> (bool, String) {
    let mut c = command(db, data_dir, key);
    c.args(["serve", "--addr", "127.0.0.1:0"]);
    if new_key {
        c.arg("--new-key");
    }
    let mut child = c.stderr(Stdio::piped()).spawn().expect("serve runs");
    let mut printed = String::new();
    let mut ready = false;
    let stderr = child.stderr.take().unwrap();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("klaar om verzoeken te beantwoorden") {
            ready = true;
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    (ready, printed)
}

#[tokio::test]
async fn a_different_or_missing_key_refuses_to_start_and_only_new_key_accepts_the_loss() {
    for db in testing::both().await {
        let dir = tempfile::tempdir().unwrap();
        let out = run(&db, dir.path(), Some(KEY_A), &["demo"]);
        assert!(out.status.success(), "{:?}: {}", db.engine, text(&out.stderr));
        assert!(run(&db, dir.path(), Some(KEY_A), &["audit", "verify"]).status.success());

        let out = run(&db, dir.path(), Some(KEY_B), &["audit", "verify"]);
        assert!(refused_with(&out, DIFFERS), "{:?}: {}", db.engine, text(&out.stderr));
        assert!(text(&out.stderr).contains("--new-key"), "{:?}: says what to do", db.engine);
        let (ready, printed) = serve_starts(&db, dir.path(), Some(KEY_B), false);
        assert!(!ready && printed.contains(DIFFERS), "{:?}: {printed}", db.engine);

        // No key at all (no file, no environment) while data is sealed.
        let out = run(&db, dir.path(), None, &["audit", "verify"]);
        assert!(refused_with(&out, MISSING), "{:?}: {}", db.engine, text(&out.stderr));
        assert!(!dir.path().join("secret.key").exists(), "{:?}: no key file is made up", db.engine);

        let (ready, printed) = serve_starts(&db, dir.path(), Some(KEY_B), true);
        assert!(ready, "{:?}: --new-key starts: {printed}", db.engine);
        assert!(printed.contains("niet meer leesbaar"), "{:?}: {printed}", db.engine);
        // From now on the new key is the key; the old one is refused.
        assert!(run(&db, dir.path(), Some(KEY_B), &["audit", "verify"]).status.success(), "{:?}", db.engine);
        assert!(refused_with(&run(&db, dir.path(), Some(KEY_A), &["audit", "verify"]), DIFFERS));
        // The regio-beheerder's second factor was sealed with the lost key: cleared.
        let mut conn = db.store.conn().await.unwrap();
        let user = wijkregie_store::account::user_by_email(&mut conn, "beheer@demo.wijkregie.nl").await.unwrap();
        assert_eq!(user.unwrap().totp_secret, None, "{:?}: enrols again at the next login", db.engine);
    }
}

#[tokio::test]
async fn key_rotate_reseals_everything_and_replaces_the_key_file() {
    for db in testing::both().await {
        let dir = tempfile::tempdir().unwrap();
        let out = run(&db, dir.path(), None, &["demo"]);
        assert!(out.status.success(), "{:?}: {}", db.engine, text(&out.stderr));
        let key_file = dir.path().join("secret.key");
        let before = std::fs::read_to_string(&key_file).unwrap();

        let out = run(&db, dir.path(), None, &["key", "rotate"]);
        assert!(out.status.success(), "{:?}: {}", db.engine, text(&out.stderr));
        assert!(text(&out.stdout).contains("opnieuw versleuteld"), "{}", text(&out.stdout));
        let after = std::fs::read_to_string(&key_file).unwrap();
        assert_ne!(before, after, "{:?}: a new key", db.engine);
        assert!(!dir.path().join("secret.key.new").exists() && !dir.path().join("secret.key.old").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
        }

        // Everything opens with the new key, nothing with the old one.
        let (new, _) = FieldKey::load(None, dir.path()).unwrap();
        let (old, _) = FieldKey::load(Some(&before), dir.path()).unwrap();
        let mut conn = db.store.conn().await.unwrap();
        let id: wijkregie_core::directory::HsdsId = "00000000-0000-4000-8000-000300000001".parse().unwrap();
        let referral = wijkregie_store::referral::get(&mut conn, &new, &id).await.unwrap().unwrap();
        assert!(referral.referral.personal.is_some(), "{:?}: readable with the new key", db.engine);
        let referral = wijkregie_store::referral::get(&mut conn, &old, &id).await.unwrap().unwrap();
        assert!(referral.referral.personal_unreadable(), "{:?}: not with the old one", db.engine);
        let user =
            wijkregie_store::account::user_by_email(&mut conn, "beheer@demo.wijkregie.nl").await.unwrap().unwrap();
        let secret = wijkregie_store::totp_secret::open(&new, user.id, user.totp_secret.as_deref().unwrap()).unwrap();
        assert_eq!(secret.as_str(), wijkregie_app::demo::ADMIN_TOTP_SECRET);
        drop(conn);
        assert!(run(&db, dir.path(), None, &["audit", "verify"]).status.success(), "{:?}", db.engine);
        assert!(refused_with(&run(&db, dir.path(), Some(&before), &["audit", "verify"]), DIFFERS));

        // One user's second factor, reset by the operator.
        let out = run(&db, dir.path(), None, &["user", "totp-reset", "beheer@demo.wijkregie.nl"]);
        assert!(out.status.success(), "{:?}: {}", db.engine, text(&out.stderr));
        let mut conn = db.store.conn().await.unwrap();
        let user = wijkregie_store::account::user_by_email(&mut conn, "beheer@demo.wijkregie.nl").await.unwrap();
        assert_eq!(user.unwrap().totp_secret, None);
        let out = run(&db, dir.path(), None, &["user", "totp-reset", "niemand@example.nl"]);
        assert!(refused_with(&out, "geen gebruiker"), "{}", text(&out.stderr));
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_its_wal_and_backups_are_only_for_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let plain = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_wijkregie"))
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .env_remove("WIJKREGIE_DATA_DIR")
            .env_remove("WIJKREGIE_DATABASE_URL")
            .env("WIJKREGIE_SECRET_KEY", KEY_A)
            .output()
            .unwrap()
    };
    assert!(plain(&["demo"]).status.success());
    let db = data.join("wijkregie.sqlite");
    for file in [db.clone(), data.join("wijkregie.sqlite-wal"), data.join("wijkregie.sqlite-shm")] {
        if file.exists() {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
    let backup = dir.path().join("backup.sqlite");
    let out = plain(&["backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&backup), 0o600);
    assert!(std::fs::metadata(&backup).unwrap().len() > 0);

    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = plain(&["audit", "verify"]);
    assert!(refused_with(&out, "chmod 600"), "{}", text(&out.stderr));
}
