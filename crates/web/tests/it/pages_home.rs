//! Each role's home page shows that person's work, on both engines, checked
//! against the demo's own data (never hard-coded counts): a practice's
//! referral news, a partner's referrals to act on and its services, a
//! wijkmanager's upkeep, late referrals and themes, the region's reviews,
//! quarters and audit chain.

use std::collections::BTreeSet;

use chrono::Utc;
use wijkregie_app::Ctx;
use wijkregie_core::access::{Principal, Role, Scope};
use wijkregie_core::application::Status;
use wijkregie_core::finance::Quarter;

use crate::common::{TestApp, ENGINES};

/// The part of a page from the heading with `id` to the end of its section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("a section {id}: {html:.3000}"));
    let end = html[start..].find("</section>").map_or(html.len(), |e| e + start);
    &html[start..end]
}

/// The referral ids a part of a page links to.
fn referral_links(part: &str) -> BTreeSet<String> {
    part.split("href=\"/verwijzingen/").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_owned()).collect()
}

fn ctx_for(app: &TestApp, role: Role) -> Ctx {
    let principal = Principal { user_id: 0, name: "test".into(), role, scope: app.scope(role), second_factor: true };
    Ctx::new(app.app.clone(), principal, None)
}

#[tokio::test]
async fn a_practice_sees_news_on_its_referrals_a_search_box_and_the_threshold() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let Scope::Practice(own) = app.scope(Role::Practice) else { panic!("a practice") };
        let client = app.login(Role::Practice).await;
        let sent = |app: &TestApp| {
            let (app, own) = (app.app.clone(), own.clone());
            async move {
                let mut conn = app.store.conn().await.unwrap();
                wijkregie_store::referral::sent_by_practice(&mut conn, &app.field_key, &own).await.unwrap()
            }
        };
        // Opening a referral reads its news: it leaves the home page.
        let before = sent(&app).await;
        assert!(!before.is_empty(), "{engine:?}: the demo practice has referrals");
        if let Some(opened) = before.iter().find(|s| s.news_for_referrer) {
            assert_eq!(app.get(&client, &format!("/verwijzingen/{}", opened.id)).await.0, 200, "{engine:?}");
        }
        let with_news: BTreeSet<String> =
            sent(&app).await.iter().filter(|s| s.news_for_referrer).map(|s| s.id.to_string()).collect();
        assert!(with_news.len() < before.len(), "{engine:?}: some without news");

        let (status, home) = app.get(&client, "/").await;
        assert_eq!(status, 200, "{engine:?}");
        assert_eq!(referral_links(section(&home, "nieuws")), with_news, "{engine:?}: exactly the referrals with news");
        assert!(home.contains("role=\"search\"") && home.contains("action=\"/aanbod\""), "{engine:?}: a search box");
        assert!(section(&home, "hoe-verwijs-ik").contains("ketenaanpak"), "{engine:?}: a place for the pathways");
        assert!(!section(&home, "hoe-verwijs-ik").contains("href="), "{engine:?}: no dead link");
        assert!(home.contains("Netwerken en drempel van 10.000"), "{engine:?}: the threshold");
        // The list names no patient, but listing tells the referrals exist: logged.
        let mut conn = app.app.store.conn().await.unwrap();
        let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'referral.home'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(logged as usize, with_news.len(), "{engine:?}");
        if with_news.is_empty() {
            assert!(section(&home, "nieuws").contains("Geen nieuws"), "{engine:?}");
        }
    }
}

#[tokio::test]
async fn a_partner_sees_referrals_to_act_on_late_ones_and_its_own_services() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let Scope::Organization(own) = app.scope(Role::Organization) else { panic!("a partner") };
        let (received, services) = {
            let mut conn = app.app.store.conn().await.unwrap();
            let received = wijkregie_store::referral::received_by(&mut conn, &app.app.field_key, &own).await.unwrap();
            let services = wijkregie_store::directory::services(&mut conn).await.unwrap();
            (received, services)
        };
        let now = Utc::now();
        let days = app.app.config.reaction_working_days;
        let waiting = received.iter().filter(|s| s.referral.facts.status.needs_reaction());
        let (late, to_act): (Vec<_>, Vec<_>) = waiting.partition(|s| s.referral.facts.is_overdue(now, days));
        let ids = |v: &[&wijkregie_store::referral::StoredReferral]| -> BTreeSet<String> {
            v.iter().map(|s| s.id.to_string()).collect()
        };

        let client = app.login(Role::Organization).await;
        let (status, home) = app.get(&client, "/").await;
        assert_eq!(status, 200, "{engine:?}");
        assert_eq!(referral_links(section(&home, "nieuwe-verwijzingen")), ids(&to_act), "{engine:?}");
        assert_eq!(referral_links(section(&home, "te-laat")), ids(&late), "{engine:?}");
        let mine = section(&home, "mijn-aanbod");
        let own_services: Vec<_> = services
            .iter()
            .filter(|s| s.organization == own && s.status != wijkregie_core::directory::ServiceStatus::Defunct)
            .collect();
        assert!(!own_services.is_empty(), "{engine:?}: the demo partner offers services");
        for s in own_services {
            assert!(mine.contains(&format!("href=\"/aanbod/voorzieningen/{}\"", s.id)), "{engine:?}: {}", s.name);
            let checked = s.assured_date.map_or_else(|| "nog nooit".to_owned(), wijkregie_core::date::display_date);
            assert!(mine.contains(&checked), "{engine:?}: {} checked {checked}", s.name);
        }
        assert!(!home.contains("te weinig"), "{engine:?}: no threshold for a partner");
    }
}

#[tokio::test]
async fn a_wijkmanager_sees_upkeep_late_referrals_themes_and_the_threshold() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let Scope::Networks(mine) = app.scope(Role::Networks) else { panic!("a wijkmanager") };
        let ctx = ctx_for(&app, Role::Networks);
        let facts = {
            let mut conn = app.app.store.conn().await.unwrap();
            wijkregie_store::referral::all_facts(&mut conn).await.unwrap()
        };
        let now = Utc::now();
        let days = app.app.config.reaction_working_days;
        let stale = wijkregie_app::upkeep::to_check(&ctx, None).await.unwrap();
        let duplicates = wijkregie_app::upkeep::likely_duplicates(&ctx).await.unwrap().len();

        let client = app.login(Role::Networks).await;
        let (status, home) = app.get(&client, "/").await;
        assert_eq!(status, 200, "{engine:?}");
        let work = section(&home, "netwerkwerk");
        for code in &mine {
            let late = facts.iter().filter(|(_, f)| &f.network == code && f.is_overdue(now, days)).count();
            let due =
                stale.iter().find(|g| g.network.as_ref().is_some_and(|(c, _)| c == code)).map_or(0, |g| g.found.len());
            let row_start = work.find(&format!("<tr><td><a href=\"/netwerken/{code}\">")).expect("a row per network");
            let row = &work[row_start..row_start + work[row_start..].find("</tr>").unwrap()];
            assert!(row.ends_with(&format!("<td class=\"num\">{late}</td>")), "{engine:?} {code}: {late} late: {row}");
            assert!(row.contains(&format!(">{due}<")), "{engine:?} {code}: {due} due: {row}");
            let view = wijkregie_app::population::profile(
                &ctx,
                &wijkregie_app::population::Subject::Network(code.clone()),
                None,
            )
            .await
            .unwrap();
            for s in &view.suggestions {
                assert!(section(&home, "thema-suggesties").contains(&s.title), "{engine:?} {code}: {}", s.title);
            }
        }
        assert!(work.contains(&format!("Mogelijk dubbel in de sociale kaart: {duplicates} ")), "{engine:?}");
        assert!(facts.iter().any(|(_, f)| mine.contains(&f.network) && f.is_overdue(now, days)), "demo has late ones");
        assert!(home.contains("Netwerken en drempel van 10.000"), "{engine:?}");
    }
}

#[tokio::test]
async fn the_region_sees_reviews_quarters_and_the_audit_chain() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let waiting: BTreeSet<i64> = {
            let mut conn = app.app.store.conn().await.unwrap();
            wijkregie_store::application::list(&mut conn)
                .await
                .unwrap()
                .into_iter()
                .filter(|a| a.spam.is_none() && a.status == Status::Ontvangen)
                .map(|a| a.id)
                .collect()
        };
        let current = Quarter::containing(wijkregie_core::clock::nl_today());
        let open: Vec<Quarter> = wijkregie_app::finance::overview(&ctx_for(&app, Role::Region))
            .await
            .unwrap()
            .into_iter()
            .filter(|q| q.approval.is_none() && q.quarter < current)
            .map(|q| q.quarter)
            .collect();
        assert!(!waiting.is_empty() && !open.is_empty(), "{engine:?}: the demo has work for the region");

        let admin = app.login(Role::Region).await;
        let (status, home) = app.get(&admin, "/").await;
        assert_eq!(status, 200, "{engine:?}");
        let reviews = section(&home, "aanmeldingen-te-beoordelen");
        let shown: BTreeSet<i64> = reviews
            .split("href=\"/aanmeldingen/")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
            .collect();
        assert_eq!(shown, waiting, "{engine:?}");
        let quarters = section(&home, "kwartalen-vaststellen");
        for q in &open {
            assert!(quarters.contains(&format!("href=\"/financiering/{q}\"")), "{engine:?}: {q}");
        }
        assert!(!quarters.contains(&format!("/financiering/{current}\"")), "{engine:?}: not the running quarter");
        assert!(section(&home, "auditketen").contains("De keten is intact"), "{engine:?}");
        // The organisations without an account are those of the regio-beheerder's own list.
        let (_, unreached) = app.get(&admin, "/organisaties/zonder-account").await;
        let codes = |html: &str| -> BTreeSet<String> {
            html.split("href=\"/organisaties/")
                .skip(1)
                .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
                .filter(|code| !code.contains('/') && code != "zonder-account")
                .collect()
        };
        let listed =
            codes(unreached.split("<table").nth(1).unwrap_or_default().split("</table>").next().unwrap_or_default());
        assert!(!listed.is_empty(), "{engine:?}: the demo refers to Welzijn Kwartierstad, which has no account");
        assert_eq!(codes(section(&home, "zonder-account")), listed, "{engine:?}");

        // Approving the oldest takes it off the list, and says so.
        let oldest = open.iter().min().unwrap();
        let fields = crate::finance::confirmed(&app, &admin, &oldest.to_string()).await;
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, location, _) = app.post(&admin, &format!("/financiering/{oldest}/vaststellen"), &fields).await;
        assert_eq!(status, 303, "{engine:?}");
        let (_, page) = app.get(&admin, &location).await;
        assert!(page.contains("role=\"status\">Het kwartaal is vastgesteld"), "{engine:?}");
        let (_, home) = app.get(&admin, "/").await;
        assert!(!section(&home, "kwartalen-vaststellen").contains(&format!("/financiering/{oldest}\"")), "{engine:?}");
    }
}
