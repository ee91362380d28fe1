//! The menu offers what a role can use, and nothing it cannot: every item
//! shown opens for that role, and the items left out are the pages
//! `authorize` refuses it (a practice keeps no social-map entries and has
//! no use for the area map).

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::Role;

/// The hrefs of the main menu of a page.
fn menu(html: &str) -> Vec<String> {
    let start = html.find("aria-label=\"Hoofdmenu\"").expect("a main menu");
    let end = html[start..].find("</nav>").expect("the menu ends") + start;
    html[start..end]
        .split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("a closing quote")].to_owned())
        .collect()
}

#[tokio::test]
async fn each_role_sees_the_menu_items_it_can_use() {
    let all = [
        "/",
        "/aanbod",
        "/verwijzingen",
        "/netwerken",
        "/praktijken",
        "/organisaties",
        "/wijken",
        "/kaart",
        "/financiering",
        "/aanmeldingen",
        "/gebruikers",
        "/auditlog",
        "/uitgaande-mail",
        "/mijn-account",
    ];
    let hidden: [(Role, &[&str]); 4] = [
        (Role::Region, &[]),
        (Role::Networks, &["/aanmeldingen", "/gebruikers", "/auditlog", "/uitgaande-mail"]),
        (Role::Practice, &["/kaart", "/financiering", "/aanmeldingen", "/gebruikers", "/auditlog", "/uitgaande-mail"]),
        (
            Role::Organization,
            &["/praktijken", "/financiering", "/aanmeldingen", "/gebruikers", "/auditlog", "/uitgaande-mail"],
        ),
    ];
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        for (role, left_out) in hidden {
            let client = app.login(role).await;
            let (_, home) = app.get(&client, "/").await;
            let expected: Vec<&str> = all.iter().copied().filter(|h| !left_out.contains(h)).collect();
            assert_eq!(menu(&home), expected, "{engine:?} {role:?}");
            // Every item shown opens (the audit log may first ask for a second factor).
            for href in &expected {
                let (status, page) = app.get(&client, href).await;
                // The region's referrals are its figures: /verwijzingen leads there.
                assert!(
                    status == 200
                        || (*href == "/verwijzingen" && status == 303)
                        || (*href == "/auditlog" && status == 403 && page.contains("tweede factor")),
                    "{engine:?} {role:?} {href}: {status} {page:.300}"
                );
            }
            // The social map offers upkeep only to those who keep entries.
            let (_, map) = app.get(&client, "/aanbod").await;
            assert_eq!(map.contains("href=\"/aanbod/controleren\""), role != Role::Practice, "{engine:?} {role:?}");
        }
    }
}
