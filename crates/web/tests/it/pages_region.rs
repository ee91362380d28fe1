//! The region pages (wijken, practices, organisations) on both engines:
//! who may open what (a table), that nobody sees another scope's data, and
//! that forms refuse bad input in Dutch with 422 and save good input.

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::{Role, Scope};

/// Demo-region codes and names, chosen relative to the demo accounts' scopes.
struct Codes {
    own_practice: String,
    own_practice_name: String,
    other_practice: String,
    other_practice_name: String,
    other_network_name: String,
    own_org: String,
    own_org_name: String,
    other_org: String,
    other_org_name: String,
    /// A wijk whose practices all lie outside the wijkmanager's networks.
    other_wijk: String,
    other_wijk_practice_name: String,
}

fn codes(app: &TestApp) -> Codes {
    let region = wijkregie_formats::demo::region();
    let Scope::Networks(mine) = app.scope(Role::Networks) else { panic!("wijkmanager has networks") };
    let Scope::Practice(own_practice) = app.scope(Role::Practice) else { panic!("praktijk has a practice") };
    let Scope::Organization(own_org) = app.scope(Role::Organization) else { panic!("partner has an organisation") };
    let in_my_networks = |agb: &wijkregie_core::codes::Code| {
        region.networks.iter().any(|n| mine.contains(&n.code) && n.practices.iter().any(|m| &m.member == agb))
    };
    let (other_network, other_practice) = app.outside_scopes();
    let other_org = region
        .organizations
        .iter()
        .find(|o| {
            o.code != own_org
                && !region
                    .networks
                    .iter()
                    .any(|n| mine.contains(&n.code) && n.partners.iter().any(|m| m.member == o.code))
        })
        .expect("an organisation outside the wijkmanager's networks");
    let other_wijk = region
        .wijken
        .iter()
        .find(|w| {
            let practices: Vec<_> = region.practices.iter().filter(|p| p.wijk.as_ref() == Some(&w.code)).collect();
            !practices.is_empty() && practices.iter().all(|p| !in_my_networks(&p.code))
        })
        .expect("a wijk outside the wijkmanager's networks");
    let name_of = |agb: &wijkregie_core::codes::Code| {
        region.practices.iter().find(|p| &p.code == agb).map(|p| p.name.clone()).unwrap()
    };
    Codes {
        own_practice_name: name_of(&own_practice),
        own_practice: own_practice.to_string(),
        other_practice: other_practice.code.to_string(),
        other_practice_name: other_practice.name.clone(),
        other_network_name: other_network.name.clone(),
        own_org_name: region.organizations.iter().find(|o| o.code == own_org).unwrap().name.clone(),
        own_org: own_org.to_string(),
        other_org: other_org.code.to_string(),
        other_org_name: other_org.name.clone(),
        other_wijk: other_wijk.code.to_string(),
        other_wijk_practice_name: region
            .practices
            .iter()
            .find(|p| p.wijk.as_ref() == Some(&other_wijk.code))
            .map(|p| p.name.clone())
            .unwrap(),
    }
}

const WHO: [Option<Role>; 5] =
    [None, Some(Role::Region), Some(Role::Networks), Some(Role::Practice), Some(Role::Organization)];

/// Expected status per caller: anonymous, regio, wijkmanager, praktijk, partner.
fn matrix(c: &Codes) -> Vec<(String, [u16; 5])> {
    let rows: Vec<(&str, [u16; 5])> = vec![
        ("/wijken", [303, 200, 200, 200, 200]),
        ("/wijken/binnenstad", [303, 200, 200, 200, 200]),
        ("/wijken/{other_wijk}", [303, 200, 200, 200, 200]),
        ("/wijken/nieuw", [303, 200, 403, 403, 403]),
        ("/wijken/binnenstad/bewerken", [303, 200, 403, 403, 403]),
        ("/wijken/nergens", [303, 404, 404, 404, 404]),
        ("/wijken/NIET%20GELDIG", [303, 404, 404, 404, 404]),
        ("/wijken/nergens/bewerken", [303, 404, 404, 404, 404]),
        ("/praktijken", [303, 200, 200, 200, 200]),
        ("/praktijken/nieuw", [303, 200, 403, 403, 403]),
        ("/praktijken/{own_practice}", [303, 200, 200, 200, 403]),
        ("/praktijken/{own_practice}/bewerken", [303, 200, 403, 200, 403]),
        ("/praktijken/{other_practice}", [303, 200, 403, 403, 403]),
        ("/praktijken/{other_practice}/bewerken", [303, 200, 403, 403, 403]),
        ("/praktijken/abc", [303, 404, 404, 404, 404]),
        ("/praktijken/99999999", [303, 404, 404, 404, 404]),
        ("/praktijken/abc/bewerken", [303, 404, 404, 404, 404]),
        ("/organisaties", [303, 200, 200, 200, 200]),
        ("/organisaties/nieuw", [303, 200, 403, 403, 403]),
        ("/organisaties/{own_org}", [303, 200, 200, 200, 200]),
        ("/organisaties/{own_org}/bewerken", [303, 200, 200, 403, 200]),
        ("/organisaties/{other_org}", [303, 200, 200, 200, 200]),
        ("/organisaties/{other_org}/bewerken", [303, 200, 403, 403, 403]),
        ("/organisaties/nergens", [303, 404, 404, 404, 404]),
        ("/organisaties/NIET_GELDIG", [303, 404, 404, 404, 404]),
    ];
    rows.into_iter()
        .map(|(p, s)| {
            let path = p
                .replace("{own_practice}", &c.own_practice)
                .replace("{other_practice}", &c.other_practice)
                .replace("{own_org}", &c.own_org)
                .replace("{other_org}", &c.other_org)
                .replace("{other_wijk}", &c.other_wijk);
            (path, s)
        })
        .collect()
}

#[tokio::test]
async fn region_pages_answer_each_role_as_the_table_says() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        for (i, who) in WHO.iter().enumerate() {
            let client = match who {
                None => app.client(),
                Some(role) => app.login(*role).await,
            };
            for (path, expected) in matrix(&c) {
                let (status, body) = app.get(&client, &path).await;
                assert_eq!(status, expected[i], "{engine:?} {who:?} GET {path}: {body:.400}");
                if status >= 400 {
                    assert!(body.contains("lang=\"nl\""), "{who:?} {path}: error pages are Dutch pages");
                    for secret in [&c.other_practice_name, &c.other_network_name, &c.own_practice_name] {
                        assert!(!body.contains(secret.as_str()), "{who:?} {path}: leaked '{secret}'");
                    }
                }
                // Every page marks its section in the menu, where the role's
                // menu has it (a partner's has no practices: it may open none).
                let section = format!("/{}", path.trim_start_matches('/').split('/').next().unwrap_or_default());
                if status == 200 && body.contains(&format!("<li><a href=\"{section}\"")) {
                    assert!(body.contains("aria-current=\"page\""), "{who:?} {path}: no current menu item");
                }
            }
        }
    }
}

#[tokio::test]
async fn lists_and_details_show_only_what_is_in_scope() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let admin = app.login(Role::Region).await;
        let wm = app.login(Role::Networks).await;
        let praktijk = app.login(Role::Practice).await;
        let partner = app.login(Role::Organization).await;

        let (_, all) = app.get(&admin, "/praktijken").await;
        assert!(all.contains(&c.other_practice_name) && all.contains(&c.own_practice_name), "{engine:?}");
        assert!(all.contains("Ingeschreven patiënten"), "the region sees the counts");

        let (_, list) = app.get(&wm, "/praktijken").await;
        assert!(list.contains(&c.own_practice_name), "{engine:?}: the wijkmanager sees its networks' practices");
        assert!(!list.contains(&c.other_practice_name), "{engine:?}: but not another network's");
        assert!(list.contains("Ingeschreven patiënten"), "{engine:?}: with their counts");

        let (_, list) = app.get(&praktijk, "/praktijken").await;
        assert!(list.contains(&c.own_practice_name));
        assert!(!list.contains(&c.other_practice_name));

        let (_, list) = app.get(&partner, "/praktijken").await;
        assert!(!list.contains(&c.own_practice_name) && !list.contains("Ingeschreven patiënten"), "{engine:?}");

        // A wijk is public within the region, its practices are not.
        let path = format!("/wijken/{}", c.other_wijk);
        let (status, body) = app.get(&wm, &path).await;
        assert_eq!(status, 200);
        assert!(body.contains("CBS-gebieden") && !body.contains(&c.other_wijk_practice_name), "{engine:?}");
        assert!(!body.contains("Wijk bewerken"), "only the region edits wijken");
        let (_, body) = app.get(&admin, &path).await;
        assert!(body.contains("Wijk bewerken") && body.contains(&c.other_wijk_practice_name), "{engine:?}");

        // The practice sees its own counts but may not change them.
        let (_, own) = app.get(&praktijk, &format!("/praktijken/{}", c.own_practice)).await;
        assert!(own.contains("Aantal ingeschreven patiënten per peildatum"), "{engine:?}");
        assert!(own.contains("Gegevens bewerken") && !own.contains("Aantal opslaan"), "{engine:?}");
        let (_, own) = app.get(&admin, &format!("/praktijken/{}", c.own_practice)).await;
        assert!(own.contains("Aantal opslaan"), "{engine:?}: the region records counts");

        // Organisations are visible to all; editing is for its own people.
        let (_, body) = app.get(&partner, &format!("/organisaties/{}", c.other_org)).await;
        assert!(body.contains(&c.other_org_name) && !body.contains("Gegevens bewerken"), "{engine:?}");
        let (_, body) = app.get(&partner, &format!("/organisaties/{}", c.own_org)).await;
        assert!(body.contains(&c.own_org_name) && body.contains("Gegevens bewerken"), "{engine:?}");
        assert!(!body.contains(&c.other_network_name), "{engine:?}");
    }
}

#[tokio::test]
async fn the_wijk_form_names_the_bad_line_and_saves_a_good_wijk() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let admin = app.login(Role::Region).await;

        let bad =
            [("code", "oostpolder"), ("name", "Oostpolder"), ("areas", "WK199101 2024\nWK19910 2024\nBU19930101 1980")];
        let (status, _, body) = app.post(&admin, "/wijken/nieuw", &bad).await;
        assert_eq!(status, 422, "{engine:?}: {body:.400}");
        assert!(body.contains("regel 2: &#39;WK19910&#39; is geen geldige CBS-gebiedscode"), "{engine:?}: {body}");
        assert!(body.contains("regel 3: &#39;1980&#39; is geen geldig jaar"), "{engine:?}");
        assert!(body.contains("aria-invalid=\"true\"") && body.contains("error-summary"));
        assert!(body.contains("WK19910 2024"), "the typed text comes back for correction");

        let (status, _, body) = app
            .post(&admin, "/wijken/nieuw", &[("code", "binnenstad"), ("name", "X"), ("areas", "WK199101 2024")])
            .await;
        assert_eq!(status, 422);
        assert!(body.contains("er bestaat al een wijk met deze code"), "{engine:?}");

        let good = [("code", "oostpolder"), ("name", "Oostpolder"), ("areas", "WK199101 2024\nbu19930101 2023")];
        let (status, location, _) = app.post(&admin, "/wijken/nieuw", &good).await;
        assert_eq!((status, location.as_str()), (303, "/wijken/oostpolder"), "{engine:?}");
        let (_, body) = app.get(&admin, "/wijken/oostpolder").await;
        assert!(body.contains("Oostpolder") && body.contains("BU19930101") && body.contains("buurt"), "{engine:?}");

        let (status, _, body) = app.post(&admin, "/wijken/oostpolder/bewerken", &[("name", " "), ("areas", "")]).await;
        assert_eq!(status, 422);
        assert!(body.contains("de naam is verplicht") && body.contains("vul minstens één CBS-gebied in"));
        let (status, location, _) = app
            .post(&admin, "/wijken/oostpolder/bewerken", &[("name", "Oostpolder-Zuid"), ("areas", "WK199102 2024")])
            .await;
        assert_eq!((status, location.as_str()), (303, "/wijken/oostpolder"));
        let (_, body) = app.get(&admin, "/wijken/oostpolder").await;
        assert!(body.contains("Oostpolder-Zuid") && body.contains("WK199102") && !body.contains("BU19930101"));

        let wm = app.login(Role::Networks).await;
        let (status, _, _) = app
            .post(&wm, "/wijken/nieuw", &[("code", "stiekem"), ("name", "Stiekem"), ("areas", "WK199101 2024")])
            .await;
        assert_eq!(status, 403, "{engine:?}");
        let (status, _, _) =
            app.post(&wm, "/wijken/oostpolder/bewerken", &[("name", "Gekaapt"), ("areas", "WK199101 2024")]).await;
        assert_eq!(status, 403);
        let (_, body) = app.get(&admin, "/wijken/oostpolder").await;
        assert!(!body.contains("Gekaapt"));
    }
}

#[tokio::test]
async fn a_practice_keeps_its_details_and_the_region_its_counts() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let praktijk = app.login(Role::Practice).await;
        let edit = format!("/praktijken/{}/bewerken", c.own_practice);
        let show = format!("/praktijken/{}", c.own_practice);
        let (_, before) = app.get(&praktijk, &show).await;

        let mut fields = vec![
            ("name", c.own_practice_name.as_str()),
            ("street", "Stationsstraat"),
            ("house_number", "12"),
            ("house_number_suffix", "b"),
            ("postcode", "0215 EK"),
            ("city", "Kwartierstad"),
            ("wijk", "binnenstad"),
        ];
        let (status, _, body) = app.post(&praktijk, &edit, &fields).await;
        assert_eq!(status, 422, "{engine:?}: {body:.300}");
        assert!(body.contains("geen geldige postcode: een postcode begint niet met 0"), "{engine:?}");
        assert!(body.contains("aria-describedby=\"postcode-error\""));

        fields[4] = ("postcode", "1215ek");
        let (status, location, _) = app.post(&praktijk, &edit, &fields).await;
        assert_eq!((status, location.as_str()), (303, show.as_str()), "{engine:?}");
        let (_, after) = app.get(&praktijk, &show).await;
        assert!(after.contains("Stationsstraat 12b") && after.contains("1215 EK"), "{engine:?}");
        let counts = |html: &str| {
            html.split("<caption>Aantal ingeschreven")
                .nth(1)
                .map(|t| t.split("</table>").next().unwrap_or("").to_owned())
        };
        assert_eq!(counts(&after), counts(&before), "{engine:?}: editing the details keeps the counts");

        // Only the region records counts.
        let count_path = format!("/praktijken/{}/ingeschreven-patienten", c.own_practice);
        let (status, _, body) = app.post(&praktijk, &count_path, &[("date", "2026-01-01"), ("count", "9999")]).await;
        assert_eq!(status, 403, "{engine:?}");
        assert!(!body.contains("9.999"));
        let admin = app.login(Role::Region).await;
        let (status, _, body) = app.post(&admin, &count_path, &[("date", "2026-13-01"), ("count", "veel")]).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("geen geldige datum") && body.contains("geen geldig aantal"), "{engine:?}");
        let (status, location, _) = app.post(&admin, &count_path, &[("date", "2026-01-01"), ("count", "4.321")]).await;
        assert_eq!((status, location.as_str()), (303, format!("{show}#aantallen").as_str()));
        let (_, body) = app.get(&praktijk, &show).await;
        assert!(body.contains("1 januari 2026") && body.contains("4.321"), "{engine:?}");

        // Another practice's page is closed, form or not.
        let other_edit = format!("/praktijken/{}/bewerken", c.other_practice);
        let (status, _, body) = app.post(&praktijk, &other_edit, &fields).await;
        assert_eq!(status, 403, "{engine:?}");
        assert!(!body.contains(&c.other_practice_name));
    }
}

#[tokio::test]
async fn the_region_adds_a_practice_with_a_valid_agb_code() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let admin = app.login(Role::Region).await;
        let mut fields = vec![
            ("agb", "0101"),
            ("name", "Huisartsenpraktijk Nieuwlicht"),
            ("street", "Lindelaan"),
            ("house_number", "nul"),
            ("house_number_suffix", ""),
            ("postcode", "5811 AB"),
            ("city", "Kwartierstad"),
            ("wijk", ""),
        ];
        let (status, _, body) = app.post(&admin, "/praktijken/nieuw", &fields).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("een AGB-code bestaat uit precies 8 cijfers"), "{engine:?}");
        assert!(body.contains("geen geldig huisnummer"), "{engine:?}");

        fields[0] = ("agb", c.own_practice.as_str());
        fields[3] = ("house_number", "7");
        let (status, _, body) = app.post(&admin, "/praktijken/nieuw", &fields).await;
        assert_eq!(status, 422);
        assert!(body.contains("er bestaat al een praktijk met deze AGB-code"), "{engine:?}");

        fields[0] = ("agb", "01999999");
        let (status, location, _) = app.post(&admin, "/praktijken/nieuw", &fields).await;
        assert_eq!((status, location.as_str()), (303, "/praktijken/01999999"), "{engine:?}");
        let (_, body) = app.get(&admin, "/praktijken/01999999").await;
        assert!(body.contains("Huisartsenpraktijk Nieuwlicht") && body.contains("5811 AB"), "{engine:?}");
        let (_, list) = app.get(&admin, "/praktijken").await;
        assert!(list.contains("Huisartsenpraktijk Nieuwlicht"));

        // Without an AGB code: a code from the name, never an invented AGB.
        fields[0] = ("agb", "");
        fields[1] = ("name", "Gezondheidscentrum Zonder Nummer");
        let (status, location, _) = app.post(&admin, "/praktijken/nieuw", &fields).await;
        assert_eq!((status, location.as_str()), (303, "/praktijken/gezondheidscentrum-zonder-nummer"), "{engine:?}");
        let (_, body) = app.get(&admin, "/praktijken/gezondheidscentrum-zonder-nummer").await;
        assert!(body.contains("AGB onbekend") && body.contains("telt de praktijk niet mee"), "{engine:?}");

        let wm = app.login(Role::Networks).await;
        fields[0] = ("agb", "01999998");
        let (status, _, _) = app.post(&wm, "/praktijken/nieuw", &fields).await;
        assert_eq!(status, 403, "{engine:?}");
    }
}

#[tokio::test]
async fn organisations_are_added_by_the_region_and_kept_by_themselves() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let c = codes(&app);
        let admin = app.login(Role::Region).await;

        let (status, _, body) =
            app.post(&admin, "/organisaties/nieuw", &[("code", "Buurthuis!"), ("name", ""), ("domain", "sport")]).await;
        assert_eq!(status, 422, "{engine:?}");
        assert!(body.contains("geen geldige code") && body.contains("de naam is verplicht"), "{engine:?}");
        assert!(body.contains("geen geldige waarde: kies uit zorg, welzijn"), "{engine:?}");

        let good = [("code", "buurthuis-de-kern"), ("name", "Buurthuis De Kern"), ("domain", "welzijn")];
        let (status, location, _) = app.post(&admin, "/organisaties/nieuw", &good).await;
        assert_eq!((status, location.as_str()), (303, "/organisaties/buurthuis-de-kern"), "{engine:?}");
        let (_, body) = app.get(&admin, "/organisaties/buurthuis-de-kern").await;
        assert!(body.contains("Buurthuis De Kern") && body.contains("welzijn"));
        let (status, _, _) = app.post(&admin, "/organisaties/nieuw", &good).await;
        assert_eq!(status, 422, "a code is used once");

        let partner = app.login(Role::Organization).await;
        let own_edit = format!("/organisaties/{}/bewerken", c.own_org);
        let (status, location, _) =
            app.post(&partner, &own_edit, &[("name", "Nieuwe naam voor ons"), ("domain", "welzijn")]).await;
        assert_eq!((status, location.as_str()), (303, format!("/organisaties/{}", c.own_org).as_str()), "{engine:?}");
        let (_, body) = app.get(&partner, &format!("/organisaties/{}", c.own_org)).await;
        assert!(body.contains("Nieuwe naam voor ons"), "{engine:?}");

        let other_edit = format!("/organisaties/{}/bewerken", c.other_org);
        let (status, _, body) = app.post(&partner, &other_edit, &[("name", "Overgenomen"), ("domain", "zorg")]).await;
        assert_eq!(status, 403, "{engine:?}");
        assert!(!body.contains(&c.other_org_name));
        let (_, body) = app.get(&admin, &format!("/organisaties/{}", c.other_org)).await;
        assert!(!body.contains("Overgenomen") && body.contains(&c.other_org_name));
    }
}
