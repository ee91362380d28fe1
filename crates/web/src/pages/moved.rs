//! Page URLs are Dutch, since people see them (issue 15). The English paths
//! they replaced answer with a permanent redirect, because people bookmark
//! pages: `301 Moved Permanently` for GET and HEAD, `308 Permanent Redirect`
//! for other methods, so a form posted to an old address is posted again,
//! body and all, to the new one. The sub-path and query string come along.
//! A renamed prefix (`/networks`) takes every path below it: an old sub-path
//! the table does not know keeps its segments under the new prefix, and the
//! new address then answers 404 as usual. Under a prefix that was Dutch
//! already (`/wijken`), only the sub-paths in the table redirect, so its
//! pages keep answering themselves. The redirect is always a local path
//! built from [`RENAMED`], never from a host in the request, so it cannot
//! send anyone to another site.

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;

/// Old page path → new page path. `{}` stands for one segment (an id, a
/// code) that is carried over as it is. A row of one segment renames a
/// whole prefix. docs/architecture.md ("Naming") shows the same table.
pub const RENAMED: &[(&str, &str)] = &[
    ("/directory", "/aanbod"),
    ("/directory/services/new", "/aanbod/voorzieningen/nieuw"),
    ("/directory/services/{}", "/aanbod/voorzieningen/{}"),
    ("/directory/services/{}/edit", "/aanbod/voorzieningen/{}/bewerken"),
    ("/directory/services/{}/assure", "/aanbod/voorzieningen/{}/bevestigen"),
    ("/directory/locations/new", "/aanbod/locaties/nieuw"),
    ("/directory/locations/{}/edit", "/aanbod/locaties/{}/bewerken"),
    ("/directory/check", "/aanbod/controleren"),
    ("/directory/changes/{}/seen", "/aanbod/wijzigingen/{}/gezien"),
    ("/directory/merge", "/aanbod/samenvoegen"),
    ("/directory/distinct", "/aanbod/niet-dubbel"),
    ("/directory/public", "/aanbod/openbaar"),
    ("/directory/taxonomy", "/aanbod/hulpvragen"),
    ("/directory/taxonomy/new", "/aanbod/hulpvragen/nieuw"),
    ("/directory/taxonomy/{}/edit", "/aanbod/hulpvragen/{}/bewerken"),
    ("/referrals", "/verwijzingen"),
    ("/referrals/new", "/verwijzingen/nieuw"),
    ("/referrals/figures", "/verwijzingen/cijfers"),
    ("/referrals/{}", "/verwijzingen/{}"),
    ("/referrals/{}/step", "/verwijzingen/{}/stap"),
    ("/referrals/{}/message", "/verwijzingen/{}/bericht"),
    ("/referrals/{}/access", "/verwijzingen/{}/inzage"),
    ("/networks", "/netwerken"),
    ("/networks/new", "/netwerken/nieuw"),
    ("/networks/{}", "/netwerken/{}"),
    ("/networks/{}/edit", "/netwerken/{}/bewerken"),
    ("/networks/{}/registered-patients", "/netwerken/{}/ingeschreven-patienten"),
    ("/networks/{}/practices", "/netwerken/{}/praktijken"),
    ("/networks/{}/partners", "/netwerken/{}/partners"),
    ("/networks/{}/end-membership", "/netwerken/{}/lidmaatschap-beeindigen"),
    ("/networks/{}/profiel", "/netwerken/{}/profiel"),
    ("/networks/{}/profiel/{}", "/netwerken/{}/profiel/{}"),
    ("/practices", "/praktijken"),
    ("/practices/new", "/praktijken/nieuw"),
    ("/practices/{}", "/praktijken/{}"),
    ("/practices/{}/edit", "/praktijken/{}/bewerken"),
    ("/practices/{}/registered-patients", "/praktijken/{}/ingeschreven-patienten"),
    ("/organizations", "/organisaties"),
    ("/organizations/new", "/organisaties/nieuw"),
    ("/organizations/{}", "/organisaties/{}"),
    ("/organizations/{}/edit", "/organisaties/{}/bewerken"),
    ("/users", "/gebruikers"),
    ("/users/new", "/gebruikers/nieuw"),
    ("/audit-log", "/auditlog"),
    ("/outbox", "/uitgaande-mail"),
    ("/account", "/mijn-account"),
    ("/account/password", "/mijn-account/wachtwoord"),
    ("/account/totp/start", "/mijn-account/totp/instellen"),
    ("/account/totp/confirm", "/mijn-account/totp/aanzetten"),
    ("/account/totp/disable", "/mijn-account/totp/uitzetten"),
    ("/account/tokens", "/mijn-account/tokens"),
    ("/account/tokens/{}/revoke", "/mijn-account/tokens/{}/intrekken"),
    ("/wijken/new", "/wijken/nieuw"),
    ("/wijken/{}/edit", "/wijken/{}/bewerken"),
    ("/aanmeldingen/{}/accept", "/aanmeldingen/{}/accepteren"),
    ("/aanmeldingen/{}/reject", "/aanmeldingen/{}/afwijzen"),
    ("/financiering/{}/export", "/financiering/{}/downloaden"),
];

/// Every old prefix, alone, with a trailing slash (a wildcard does not
/// match an empty rest) and with a sub-path; and every old sub-path under
/// a prefix that is still served, by itself. Generic over the state so it
/// can sit outside the session middleware: a redirect needs no session.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    RENAMED.iter().fold(Router::new(), |router, (old, _)| {
        if is_prefix(old) {
            router
                .route(old, any(redirect))
                .route(&format!("{old}/"), any(redirect))
                .route(&format!("{old}/{{*rest}}"), any(redirect))
        } else if under_renamed_prefix(old) {
            router
        } else {
            router.route(&route_of(old), any(redirect))
        }
    })
}

async fn redirect(method: Method, uri: Uri) -> Response {
    let Some(mut location) = new_path(uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(query) = uri.query() {
        location.push('?');
        location.push_str(query);
    }
    let status = if matches!(method, Method::GET | Method::HEAD) {
        StatusCode::MOVED_PERMANENTLY
    } else {
        StatusCode::PERMANENT_REDIRECT
    };
    match HeaderValue::from_str(&location) {
        Ok(location) => (status, [(LOCATION, location)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

fn is_prefix(path: &str) -> bool {
    path.rfind('/') == Some(0)
}

/// Whether the first segment of `path` is an old prefix, whose wildcard
/// route already takes `path`.
fn under_renamed_prefix(path: &str) -> bool {
    let prefix = path.split('/').nth(1).unwrap_or_default();
    RENAMED.iter().any(|(old, _)| is_prefix(old) && old[1..] == *prefix)
}

/// A row's old path as a route: each `{}` becomes a parameter named after
/// its position, since a route may not name two parameters alike.
fn route_of(path: &str) -> String {
    let segment = |(i, s): (usize, &str)| if s == "{}" { format!("/{{p{i}}}") } else { format!("/{s}") };
    path.split('/').skip(1).enumerate().map(segment).collect()
}

/// The new path of an old one: the row that matches with the most literal
/// segments wins (so `/networks/new` beats `/networks/{}`); without a
/// matching row, only the prefix is renamed. `None` if `old` is not under
/// an old prefix at all.
pub fn new_path(old: &str) -> Option<String> {
    let segments: Vec<&str> = old.split('/').skip(1).collect();
    let best = RENAMED
        .iter()
        .filter_map(|(from, to)| literal_matches(from, &segments).map(|literals| (literals, from, to)))
        .max_by_key(|(literals, _, _)| *literals);
    if let Some((_, from, to)) = best {
        let mut carried = from.split('/').skip(1).zip(&segments).filter(|(f, _)| *f == "{}").map(|(_, s)| *s);
        let path = to.split('/').skip(1).map(|t| if t == "{}" { carried.next().unwrap_or_default() } else { t });
        return Some(path.fold(String::new(), |out, segment| out + "/" + segment));
    }
    let prefix = format!("/{}", segments.first()?);
    let (_, to) = RENAMED.iter().find(|(from, _)| *from == prefix)?;
    Some(format!("{to}{}", &old[prefix.len()..]))
}

/// How many literal segments of the pattern `from` match `segments`, if
/// all of them do.
fn literal_matches(from: &str, segments: &[&str]) -> Option<usize> {
    let pattern: Vec<&str> = from.split('/').skip(1).collect();
    if pattern.len() != segments.len() {
        return None;
    }
    let mut literals = 0;
    for (p, s) in pattern.iter().zip(segments) {
        match *p {
            "{}" if !s.is_empty() => {}
            literal if literal == *s => literals += 1,
            _ => return None,
        }
    }
    Some(literals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_carries_as_many_segments_as_it_takes() {
        for (old, new) in RENAMED {
            assert_eq!(old.matches("{}").count(), new.matches("{}").count(), "{old} → {new}");
            assert_eq!(is_prefix(old), is_prefix(new), "{old} → {new}");
        }
    }

    #[test]
    fn every_row_redirects_to_its_own_new_path() {
        for (old, new) in RENAMED {
            let (old, new) = (old.replace("{}", "x7"), new.replace("{}", "x7"));
            assert_eq!(new_path(&old).as_deref(), Some(new.as_str()), "{old}");
        }
    }

    #[test]
    fn ids_and_unknown_sub_paths_are_carried_over() {
        assert_eq!(new_path("/networks/new").as_deref(), Some("/netwerken/nieuw"));
        assert_eq!(new_path("/networks/wsv-noord/edit").as_deref(), Some("/netwerken/wsv-noord/bewerken"));
        assert_eq!(
            new_path("/networks/wsv-noord/profiel/piramide.csv").as_deref(),
            Some("/netwerken/wsv-noord/profiel/piramide.csv")
        );
        assert_eq!(new_path("/directory/onbekend/iets").as_deref(), Some("/aanbod/onbekend/iets"));
        assert_eq!(new_path("/directory/").as_deref(), Some("/aanbod/"));
        assert_eq!(new_path("/account/totp").as_deref(), Some("/mijn-account/totp"));
        assert_eq!(new_path("/wijken/new").as_deref(), Some("/wijken/nieuw"));
        assert_eq!(new_path("/wijken/binnenstad/edit").as_deref(), Some("/wijken/binnenstad/bewerken"));
        assert_eq!(new_path("/financiering/2025Q2/export").as_deref(), Some("/financiering/2025Q2/downloaden"));
    }

    #[test]
    fn under_a_prefix_that_stayed_only_the_listed_sub_paths_move() {
        for same in
            ["/wijken", "/wijken/binnenstad", "/wijken/binnenstad/profiel", "/aanmeldingen/7", "/financiering/2025Q2"]
        {
            assert_eq!(new_path(same), None, "{same}");
        }
        assert_eq!(route_of("/wijken/{}/edit"), "/wijken/{p1}/edit");
        assert_eq!(route_of("/wijken/new"), "/wijken/new");
        assert!(under_renamed_prefix("/networks/{}/edit") && !under_renamed_prefix("/wijken/{}/edit"));
    }

    #[test]
    fn no_new_path_is_an_old_one() {
        // Otherwise a Dutch page would redirect, perhaps to itself.
        for (_, new) in RENAMED {
            let new = new.replace("{}", "x7");
            assert_eq!(new_path(&new), None, "{new}");
        }
    }

    #[test]
    fn a_redirect_stays_on_this_site() {
        for old in ["/directory//evil.example", "/account/..//evil.example", "/users/\\evil.example"] {
            let new = new_path(old).expect("an old prefix");
            assert!(new.starts_with('/') && !new.starts_with("//") && !new.starts_with("/\\"), "{old} → {new}");
        }
    }
}
