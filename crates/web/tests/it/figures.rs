//! Figures never contradict each other: every number that more than one
//! page shows (a network's registered patients, its shortfall to the
//! threshold, the threshold itself, the networks of a wijk, the patients a
//! payment statement counts) is read from the HTML of every page and role
//! that shows it, on both engines, and must be the same everywhere. No
//! figure is hard-coded: the pages are compared with each other.

use std::collections::BTreeMap;

use crate::common::{TestApp, ENGINES};
use wijkregie_core::access::Role;

const ROLES: [Role; 4] = [Role::Region, Role::Networks, Role::Practice, Role::Organization];

/// What a page says about a network's size: registered patients, and how
/// many are missing to the threshold (0 when it is met).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Figure {
    patients: u64,
    shortfall: u64,
}

/// `16.144` → 16144.
fn number(text: &str) -> u64 {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number in {text:?}"))
}

/// The text between `start` and the next `end` after `from`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let at = html.find(start)? + start.len();
    let len = html[at..].find(end)?;
    Some(&html[at..at + len])
}

/// The rows of every network table on a page (network_table.html), by code.
fn network_table(html: &str) -> BTreeMap<String, Figure> {
    let mut rows = BTreeMap::new();
    let Some(body) = between(html, "<caption>Netwerken met ingeschreven patiënten", "</tbody>") else {
        return rows;
    };
    // The header row has no link; every body row links its network.
    for row in body.split("<tr>").filter(|r| r.contains("href=\"/netwerken/")) {
        let code = between(row, "href=\"/netwerken/", "\"").unwrap().to_owned();
        let cells: Vec<&str> =
            row.split("<td class=\"num\">").skip(1).map(|c| &c[..c.find("</td>").unwrap()]).collect();
        let patients = number(cells[1]);
        let shortfall = if row.contains("boven de drempel") {
            0
        } else {
            number(between(row, "<span class=\"below\">", " te weinig").unwrap())
        };
        rows.insert(code, Figure { patients, shortfall });
    }
    rows
}

/// The total on a network page or its htmx fragment (network_total_part.html),
/// and the threshold it is held against.
fn network_total(html: &str) -> (Figure, u64) {
    let part = between(html, "<div id=\"totaal\"", "</div>").unwrap_or_else(|| panic!("no total in {html:.300}"));
    let patients = number(between(part, "<strong>", "</strong>").unwrap());
    let threshold = number(between(part, "drempel ", ".</p>").unwrap());
    let shortfall = if part.contains("haalt de drempel") {
        0
    } else {
        number(between(part, "Nog ", " patiënten tot de drempel").unwrap())
    };
    (Figure { patients, shortfall }, threshold)
}

/// The networks named in each row of /wijken, by wijk code.
fn wijk_list(html: &str) -> BTreeMap<String, Vec<String>> {
    let body = between(html, "<tbody>", "</tbody>").unwrap();
    body.split("<tr>")
        .filter(|row| row.contains("href=\"/wijken/"))
        .map(|row| {
            let code = between(row, "href=\"/wijken/", "\"").unwrap().to_owned();
            let last = row.rsplit("<td>").next().unwrap();
            let text = strip_tags(&last[..last.find("</td>").unwrap()]);
            let names = if text == "geen" { vec![] } else { text.split(", ").map(str::to_owned).collect() };
            (code, names)
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Patients per network on a quarter's payment page, for rows whose count
/// leaves no practice out (a practice without AGB is not paid, so its
/// statement counts fewer patients, and says so).
fn statement_patients(html: &str) -> BTreeMap<String, u64> {
    let Some(body) = between(html, "<tbody>", "</tbody>") else { return BTreeMap::new() };
    body.split("<tr>")
        .filter(|row| row.contains("href=\"/netwerken/") && !row.contains("AGB onbekend"))
        .map(|row| {
            let code = between(row, "href=\"/netwerken/", "\"").unwrap().to_owned();
            let cell = between(row, "<td class=\"num\">", "</td>").unwrap();
            (code, number(cell))
        })
        .collect()
}

#[tokio::test]
async fn a_networks_figures_are_the_same_on_every_page_for_every_role() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        // Network code → (figure, role that saw it first, page).
        let mut seen: BTreeMap<String, (Figure, String)> = BTreeMap::new();
        let mut thresholds: Vec<(u64, String)> = Vec::new();
        let mut wijken: Option<BTreeMap<String, Vec<String>>> = None;
        for role in ROLES {
            let client = app.login(role).await;
            let (status, list_html) = app.get(&client, "/netwerken").await;
            assert_eq!(status, 200, "{engine:?} {role:?}");
            let list = network_table(&list_html);
            assert!(!list.is_empty(), "{engine:?} {role:?} sees networks on /netwerken");
            let (_, home_html) = app.get(&client, "/").await;
            let home = network_table(&home_html);
            for (code, figure) in &list {
                let (status, page) = app.get(&client, &format!("/netwerken/{code}")).await;
                assert_eq!(status, 200, "{engine:?} {role:?} opens {code}");
                let (on_page, threshold) = network_total(&page);
                thresholds.push((threshold, format!("{role:?} /netwerken/{code}")));
                assert_eq!(*figure, on_page, "{engine:?} {role:?}: /netwerken and /netwerken/{code} differ");
                if let Some(on_home) = home.get(code) {
                    assert_eq!(*on_home, on_page, "{engine:?} {role:?}: home and /netwerken/{code} differ");
                }
                let here = format!("{role:?}");
                let (first, by) = seen.entry(code.clone()).or_insert((on_page, here.clone()));
                assert_eq!(*first, on_page, "{engine:?}: {code} is {first:?} for {by} and {on_page:?} for {here}");
            }
            // The home page shows no network the list leaves out.
            assert!(home.keys().all(|c| list.contains_key(c)), "{engine:?} {role:?}");

            // /wijken names the same networks in each wijk for everyone, and
            // each wijk page counts them alike.
            let (_, html) = app.get(&client, "/wijken").await;
            let rows = wijk_list(&html);
            match &wijken {
                None => wijken = Some(rows.clone()),
                Some(first) => assert_eq!(first, &rows, "{engine:?} {role:?}: /wijken differs"),
            }
            for (code, names) in &rows {
                let (_, page) = app.get(&client, &format!("/wijken/{code}")).await;
                let count = number(between(&page, "<dt>Netwerken</dt><dd>", "</dd>").unwrap());
                assert_eq!(count, names.len() as u64, "{engine:?} {role:?} /wijken/{code}");
            }
        }
        let wijken = wijken.unwrap();
        assert!(wijken.values().any(|n| !n.is_empty()), "{engine:?}: the demo's wijken have networks");
        // The partner and the GP see every network they may open with the
        // total the region sees; the region sees them all.
        let admin = app.login(Role::Region).await;
        let (_, html) = app.get(&admin, "/netwerken").await;
        assert_eq!(network_table(&html).len(), seen.len(), "{engine:?}: the region sees every network");

        // The threshold is one number: on every network page and in the
        // payment statements of the running quarter (the tariff of its year).
        let current = wijkregie_core::finance::Quarter::containing(wijkregie_core::clock::nl_today());
        let (_, html) = app.get(&admin, &format!("/financiering/{current}")).await;
        let tariff = number(between(&html, "vanaf ", " ingeschreven patiënten").unwrap());
        for (threshold, page) in &thresholds {
            assert_eq!(*threshold, tariff, "{engine:?}: {page} holds the networks against another threshold");
        }

        // The patients of a payment statement are the network's total on
        // the quarter's first day, as the network page shows it for that day.
        for role in [Role::Region, Role::Networks] {
            let client = app.login(role).await;
            let (_, html) = app.get(&client, "/financiering/2025Q2").await;
            let statements = statement_patients(&html);
            assert!(!statements.is_empty(), "{engine:?} {role:?} sees statements");
            for (code, patients) in statements {
                let path = format!("/netwerken/{code}/ingeschreven-patienten?date=2025-04-01");
                let (_, fragment) = app.get(&client, &path).await;
                let (figure, _) = network_total(&fragment);
                assert_eq!(figure.patients, patients, "{engine:?} {role:?}: statement and network page of {code}");
            }
        }
    }
}

#[tokio::test]
async fn a_wijk_names_the_networks_a_user_may_not_open_without_a_link() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let (outside, _) = app.outside_scopes();
        let wijk = outside.wijken[0].to_string();
        let gp = app.login(Role::Practice).await;
        let (_, list) = app.get(&gp, "/wijken").await;
        assert!(list.contains(&outside.name), "{engine:?}: /wijken names {}", outside.name);
        assert!(!list.contains(&format!("href=\"/netwerken/{}\"", outside.code)), "{engine:?}: but links it not");
        let (_, page) = app.get(&gp, &format!("/wijken/{wijk}")).await;
        assert!(page.contains(&outside.name) && page.contains("niet te openen"), "{engine:?}");
        assert!(!page.contains("Er werkt nog geen netwerk"), "{engine:?}");
        assert_eq!(app.get(&gp, &format!("/netwerken/{}", outside.code)).await.0, 403, "{engine:?}");
    }
}

/// A practice that is a member of `other` today, and a network it is not in.
fn practice_of_another_network(app: &TestApp) -> (String, String, String, String) {
    let region = wijkregie_formats::demo::region();
    let today = wijkregie_core::clock::nl_today();
    let target = region.networks.iter().find(|n| n.code.as_str() == "wsv-binnenstad").unwrap();
    let other = region
        .networks
        .iter()
        .find(|n| n.code != target.code && n.practices_on(today).next().is_some())
        .expect("another network with a current member");
    let practice = other.practices_on(today).next().unwrap().to_string();
    let _ = app;
    (target.code.to_string(), target.name.clone(), practice, other.name.clone())
}

#[tokio::test]
async fn pages_and_the_api_refuse_a_practice_in_two_networks_naming_both() {
    for engine in ENGINES {
        let app = TestApp::start(engine).await;
        let (target, target_name, practice, other_name) = practice_of_another_network(&app);
        let today = wijkregie_core::clock::nl_today().to_string();
        let admin = app.login(Role::Region).await;
        let (status, _, html) = app
            .post(&admin, &format!("/netwerken/{target}/praktijken"), &[("member", &practice), ("from", &today)])
            .await;
        assert_eq!(status, 422, "{engine:?}: {html:.500}");
        assert!(html.contains(&format!("zowel {target_name} als {other_name}")), "{engine:?}: {html:.2000}");

        let token = app.token(Role::Region).await;
        let (_, mut network) = app.api_get(&token, &format!("/api/v1/networks/{target}")).await;
        network["practices"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "practice": practice, "from": today, "until": null }));
        let response = reqwest::Client::new()
            .put(app.url(&format!("/api/v1/networks/{target}")))
            .bearer_auth(&token)
            .json(&network)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 422, "{engine:?}");
        let problem: serde_json::Value = response.json().await.unwrap();
        let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("zowel {target_name} als {other_name}")), "{engine:?}: {problem}");
        // Nothing was saved, and the demo itself has no overlaps.
        let (_, html) = app.get(&admin, "/netwerken").await;
        assert!(!html.contains("Praktijken in twee netwerken tegelijk"), "{engine:?}");
    }
}
