//! The payment rules of issue 17, each hand-computed, on SQLite and on
//! PostgreSQL, through the same use cases the pages, API and CLI call:
//! coordinator-only registration exists from 2024, a network that only
//! showed interest is not paid, a stopped one is paid up to its stop
//! quarter, a practice is in one network per day, and quarters are
//! approved in order and only once they have ended.

use wijkregie_app::{finance, region, App, Config, Ctx, Error};
use wijkregie_core::finance::{LineKind, Quarter, Statement, ZeroReason};
use wijkregie_store::testing::{self, TestDb};

/// Four practices, all counted on 1 January 2023: 6,000 + 4,000 in the
/// coordinator-only network, 12,000 in the interested one, 10,500 in the
/// one that stopped on 20 May 2024.
const REGION: &str = r#"{
  "format": "wijkregie-region/1",
  "region": {"code": "regio-test", "name": "Regio Test"},
  "wijken": [{"code": "centrum", "name": "Centrum", "areas": []}],
  "practices": [
    {"agb": "01000001", "name": "Praktijk Een", "wijk": "centrum",
     "address": {"street": "Straat", "house_number": 1, "postcode": "1215EK", "city": "Kwartierstad"},
     "registered_patients": [{"date": "2023-01-01", "count": 6000}]},
    {"agb": "01000002", "name": "Praktijk Twee", "wijk": "centrum",
     "address": {"street": "Straat", "house_number": 2, "postcode": "1215EK", "city": "Kwartierstad"},
     "registered_patients": [{"date": "2023-01-01", "count": 4000}]},
    {"agb": "01000003", "name": "Praktijk Drie", "wijk": "centrum",
     "address": {"street": "Straat", "house_number": 3, "postcode": "1215EK", "city": "Kwartierstad"},
     "registered_patients": [{"date": "2023-01-01", "count": 12000}]},
    {"agb": "01000004", "name": "Praktijk Vier", "wijk": "centrum",
     "address": {"street": "Straat", "house_number": 4, "postcode": "1215EK", "city": "Kwartierstad"},
     "registered_patients": [{"date": "2023-01-01", "count": 10500}]}
  ],
  "organizations": [],
  "networks": [
    {"code": "wsv-oud", "name": "WSV Oud", "wijken": ["centrum"], "module": "coordinator_only",
     "status": "actief", "registered_on": "2023-05-10",
     "coordinator": {"option": "B", "hours_per_week": 8, "start_date": "2023-05-01"},
     "practices": [{"agb": "01000001", "from": "2023-05-10"}, {"agb": "01000002", "from": "2023-05-10"}]},
    {"code": "wsv-interesse", "name": "WSV Interesse", "wijken": ["centrum"], "module": "wijkmanagement",
     "status": "interesse", "registered_on": "2023-01-15",
     "coordinator": {"option": "B", "hours_per_week": 8, "start_date": "2023-01-01"},
     "practices": [{"agb": "01000003", "from": "2023-01-15"}]},
    {"code": "wsv-gestopt", "name": "WSV Gestopt", "wijken": ["centrum"], "module": "wijkmanagement",
     "status": "gestopt", "registered_on": "2023-01-15", "stopped_on": "2024-05-20",
     "coordinator": {"option": "A", "name": "Marit"},
     "practices": [{"agb": "01000004", "from": "2023-01-15", "until": "2024-05-20"}]}
  ]
}"#;

fn q(s: &str) -> Quarter {
    s.parse().unwrap()
}

async fn start(db: &TestDb) -> Ctx {
    let config = Config { instance: "test".into(), ..Config::default() };
    let key = wijkregie_store::crypto::FieldKey::ephemeral().expect("a random key");
    let app = App::start(db.store.clone(), config, key, false).await.expect("the app starts").app;
    let ctx = Ctx::operator(app);
    let file = wijkregie_formats::region_file::parse(REGION).expect("the test region reads");
    region::import_region(&ctx, file).await.expect("the test region loads");
    ctx
}

/// (amount in cents, reason) of the GP-time and coordinator lines of `network` in `quarter`.
async fn lines(ctx: &Ctx, network: &str, quarter: &str) -> [(i64, Option<ZeroReason>); 2] {
    let view = finance::statements(ctx, q(quarter), None).await.unwrap();
    let s: &Statement = view.statements.iter().find(|s| s.network.as_str() == network).unwrap();
    let line = |k| s.line(k).map(|l| (l.amount.0, l.reason)).unwrap();
    [line(LineKind::GpTime), line(LineKind::Coordinator)]
}

#[tokio::test]
async fn coordinator_only_is_paid_from_2024_and_interest_never() {
    for db in testing::both().await {
        let ctx = start(&db).await;
        let engine = db.engine;
        let only = Some(ZeroReason::CoordinatorOnly);
        let before = Some(ZeroReason::CoordinatorOnlyBefore2024);
        // WSV Oud registered in 2023Q2 with an own coordinator of 8 hours:
        // nothing for its coordinator before 2024Q1, whatever the quarter.
        for quarter in ["2023Q2", "2023Q3", "2023Q4"] {
            assert_eq!(lines(&ctx, "wsv-oud", quarter).await, [(0, only), (0, before)], "{engine:?} {quarter}");
        }
        // From 2024Q1: 10,000 × € 1,87 / 4 = € 4.675,00.
        assert_eq!(lines(&ctx, "wsv-oud", "2024Q1").await, [(0, only), (467_500, None)], "{engine:?}");
        // WSV Interesse has 12,000 patients and a registration date, and is
        // paid nothing: it only showed interest.
        let interest = Some(ZeroReason::Interest);
        for quarter in ["2023Q3", "2024Q2", "2025Q1"] {
            assert_eq!(
                lines(&ctx, "wsv-interesse", quarter).await,
                [(0, interest), (0, interest)],
                "{engine:?} {quarter}"
            );
        }
        // WSV Gestopt stopped on 20 May 2024: 2024Q2 is paid in full,
        // 10,500 × € 2,24 / 4 = € 5.880,00; from 2024Q3 nothing.
        let a = Some(ZeroReason::OptionA);
        assert_eq!(lines(&ctx, "wsv-gestopt", "2024Q2").await, [(588_000, None), (0, a)], "{engine:?}");
        assert_eq!(lines(&ctx, "wsv-gestopt", "2024Q3").await, [(0, Some(ZeroReason::Stopped)), (0, a)], "{engine:?}");
    }
}

#[tokio::test]
async fn a_practice_in_two_networks_on_one_day_is_refused_naming_both() {
    for db in testing::both().await {
        let ctx = start(&db).await;
        let engine = db.engine;
        let mut conn = ctx.app.store.conn().await.unwrap();
        let mut oud = wijkregie_store::region::network(&mut conn, &"wsv-oud".parse().unwrap()).await.unwrap().unwrap();
        drop(conn);
        // Praktijk Vier left WSV Gestopt on 20 May 2024; joining WSV Oud on
        // that day would have it paid twice for that day's quarter.
        oud.practices.push(wijkregie_core::region::Membership {
            member: "01000004".parse().unwrap(),
            from: "2024-05-20".parse().unwrap(),
            until: None,
        });
        let Err(Error::Invalid(problems)) = region::save_network(&ctx, oud.clone()).await else {
            panic!("{engine:?}: the overlap is refused")
        };
        assert_eq!(problems.len(), 1, "{engine:?}: {problems:?}");
        assert_eq!(problems[0].field, "practices[2]");
        let m = &problems[0].message;
        assert!(m.contains("Praktijk Vier is op 20 mei 2024 lid van zowel WSV Oud als WSV Gestopt"), "{m}");
        // One day later is fine.
        oud.practices[2].from = "2024-05-21".parse().unwrap();
        region::save_network(&ctx, oud).await.expect("no shared day");
        assert!(region::membership_overlaps(&ctx).await.unwrap().is_empty(), "{engine:?}");

        // A region file that overlaps with a network it leaves alone is refused too.
        let mut file = wijkregie_formats::region_file::parse(REGION).unwrap();
        file.networks.retain(|n| n.code.as_str() == "wsv-interesse");
        file.networks[0].practices.push(wijkregie_core::region::Membership {
            member: "01000001".parse().unwrap(),
            from: "2025-01-01".parse().unwrap(),
            until: None,
        });
        let Err(Error::Invalid(problems)) = region::import_region(&ctx, file).await else {
            panic!("{engine:?}: the import is refused")
        };
        assert_eq!(problems[0].field, "$.networks[0].practices[1]", "{engine:?}");
        assert!(problems[0].message.contains("WSV Interesse als WSV Oud"), "{}", problems[0].message);
    }
}

#[tokio::test]
async fn quarters_are_approved_in_order_and_only_once_ended() {
    for db in testing::both().await {
        let ctx = start(&db).await;
        let engine = db.engine;
        // The first registration is 15 January 2023: 2023Q1 comes first.
        let ready = finance::ready_to_approve(&ctx).await.unwrap().expect("a quarter is ready");
        assert_eq!(ready.quarter, q("2023Q1"), "{engine:?}");
        let refused = |r: Result<Vec<Statement>, Error>| match r {
            Err(Error::Conflict(m)) => m,
            other => panic!("{engine:?}: expected a refusal, got {:?}", other.map(|s| s.len())),
        };
        let m = refused(finance::approve(&ctx, q("2023Q2")).await);
        assert!(m.contains("stel eerst het 1e kwartaal 2023 vast"), "{m}");
        finance::approve(&ctx, q("2023Q1")).await.unwrap();
        let ready = finance::ready_to_approve(&ctx).await.unwrap().unwrap();
        // 2023Q2: the three networks have statements; only WSV Gestopt is
        // paid: 10,500 × 56 cents.
        assert_eq!((ready.quarter, ready.networks, ready.total_cents), (q("2023Q2"), 3, 588_000), "{engine:?}");
        // A confirmation with other figures than the quarter's is refused.
        let stale = finance::ApprovalSummary { total_cents: 1, ..ready };
        assert!(refused(finance::approve_confirmed(&ctx, stale).await).contains("veranderd"), "{engine:?}");
        finance::approve_confirmed(&ctx, ready).await.unwrap();
        // The running and a future quarter are refused.
        let today = wijkregie_core::clock::nl_today();
        let running = Quarter::containing(today);
        let m = refused(finance::approve(&ctx, running).await);
        assert!(m.contains("loopt nog"), "{engine:?}: {m}");
        let m = refused(finance::approve(&ctx, running.next()).await);
        assert!(m.contains("nog niet begonnen"), "{engine:?}: {m}");
        // A missing tariff reads as Dutch, without a field name in English.
        let Err(e) = finance::statements(&ctx, q("2021Q4"), None).await else { panic!() };
        assert!(e.dutch().starts_with("voor het 4e kwartaal 2021 gelden geen tarieven"), "{}", e.dutch());
    }
}
