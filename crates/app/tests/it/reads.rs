//! No request path reads a whole table to show a few names: opening a
//! referral or a service page reads the same number of rows with the demo's
//! small social map and with a national one of 100,000 services.

use wijkregie_app::{demo, directory, referral, App, Config, Ctx};
use wijkregie_core::access::{Principal, Role};
use wijkregie_core::directory::HsdsId;
use wijkregie_store::testing::{self, count_rows, TestDb};

/// The demo account of `role` as the app sees it.
async fn principal(app: &App, role: Role) -> Principal {
    let account = demo::ACCOUNTS.iter().find(|a| a.role == role).expect("a demo account per role");
    let mut conn = app.store.conn().await.expect("a connection");
    let user = wijkregie_store::account::user_by_email(&mut conn, account.email)
        .await
        .expect("the account reads")
        .expect("the demo account exists");
    wijkregie_app::credentials::principal_of(&user, false)
}

async fn rows_to_open(practice: &Ctx, referral: &HsdsId, service: &HsdsId) -> (u64, u64) {
    let (opened, referral_rows) = count_rows(referral::open(practice, referral)).await;
    opened.expect("the referring practice opens its referral");
    let (shown, service_rows) = count_rows(directory::service(practice, service)).await;
    shown.expect("the service page opens");
    (referral_rows, service_rows)
}

async fn same_reads_at_national_scale(db: TestDb) {
    let config = Config { instance: "test".into(), ..Config::default() };
    let key = wijkregie_store::crypto::FieldKey::ephemeral().expect("a random key");
    let app = App::start(db.store.clone(), config, key, true).await.expect("the app starts with the demo").app;
    let practice = Ctx::new(app.clone(), principal(&app, Role::Practice).await, None);
    let sent = referral::worklist(&practice, None).await.expect("the practice's referrals");
    let first = sent.items.first().expect("the demo practice has referrals");
    let (id, service) = (first.id.clone(), first.referral.facts.service.clone());
    let small = rows_to_open(&practice, &id, &service).await;
    assert!(small.0 > 0 && small.1 > 0, "{:?}: the counter sees the reads: {small:?}", db.engine);

    let loaded = demo::national(&Ctx::operator(app.clone())).await.expect("the national map loads");
    assert!(matches!(loaded, demo::National::Loaded { services, .. } if services >= 100_000));
    let national = rows_to_open(&practice, &id, &service).await;
    assert_eq!(
        small, national,
        "{:?}: rows read (referral, service page) with 35 and with 100,000 services",
        db.engine
    );
}

#[tokio::test]
async fn opening_a_referral_or_a_service_reads_as_many_rows_at_national_scale_sqlite() {
    same_reads_at_national_scale(testing::sqlite().await).await;
}

#[tokio::test]
async fn opening_a_referral_or_a_service_reads_as_many_rows_at_national_scale_postgres() {
    same_reads_at_national_scale(testing::postgres().await).await;
}
