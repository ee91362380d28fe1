//! FHIR R4 search parameters of the social map (`HealthcareService`,
//! `Organization`, `Location`), read into a [`Search`] and matched as R4
//! says: every parameter must hold, comma-separated values within one are
//! alternatives, strings match by start (or `:contains`, `:exact`) without
//! case or accents, tokens by `system|code`. An unknown parameter or
//! modifier is refused, so a client never mistakes an unfiltered list for
//! an answer to its question.

use wijkregie_core::region::{Domain, Organization};

use super::directory::{self as map, StringMatch};

/// The most resources on one page (`_count`).
pub const MAX_COUNT: usize = 200;

pub type Params = &'static [(&'static str, &'static str)];

/// Search parameters in the CapabilityStatement, with their FHIR types.
pub const SERVICE_PARAMS: Params = &[
    ("_id", "token"),
    ("name", "string"),
    ("service-category", "token"),
    ("service-type", "token"),
    ("organization", "reference"),
    ("location", "reference"),
    ("active", "token"),
];
pub const ORGANIZATION_PARAMS: Params =
    &[("_id", "token"), ("name", "string"), ("type", "token"), ("active", "token"), ("service-category", "token")];
pub const LOCATION_PARAMS: Params = &[
    ("_id", "token"),
    ("name", "string"),
    ("address-postalcode", "string"),
    ("address-city", "string"),
    ("organization", "reference"),
    ("service-category", "token"),
];

/// One token of a search value: `code` (any system), `system|code`, or
/// `|code` (no system).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub system: Option<String>,
    pub code: String,
}

impl Token {
    pub fn matches(&self, system: &str, code: &str) -> bool {
        self.code == code && self.system.as_deref().is_none_or(|s| s == system)
    }
}

/// A parsed search: every condition must hold; within one parameter the
/// comma-separated values are alternatives, as FHIR defines.
#[derive(Debug, Default)]
pub struct Search {
    pub ids: Vec<Vec<String>>,
    pub names: Vec<(StringMatch, Vec<String>)>,
    pub postcodes: Vec<(StringMatch, Vec<String>)>,
    pub cities: Vec<(StringMatch, Vec<String>)>,
    pub categories: Vec<Vec<Token>>,
    pub types: Vec<Vec<Token>>,
    pub organizations: Vec<Vec<String>>,
    pub locations: Vec<Vec<String>>,
    pub active: Option<bool>,
    pub count: usize,
    pub offset: usize,
}

/// Reads a query string; the error is a Dutch message for a 400.
pub fn parse(query: Option<&str>, allowed: Params, resource: &str) -> Result<Search, String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect();
    let mut search = Search { count: 50, ..Search::default() };
    for (key, value) in pairs {
        let (name, modifier) = match key.split_once(':') {
            Some((n, m)) => (n, Some(m)),
            None => (key.as_str(), None),
        };
        // Format parameters every FHIR server takes; only JSON is served.
        if matches!(name, "_format" | "_pretty") {
            continue;
        }
        if name == "_count" || name == "_offset" {
            if name == "_count" {
                search.count = number(&value, "_count", 50, MAX_COUNT)?;
            } else {
                search.offset = number(&value, "_offset", 0, usize::MAX)?;
            }
            continue;
        }
        let Some((_, kind)) = allowed.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "{resource} kent de zoekparameter '{name}' niet; wel: {}, _count, _offset",
                known.join(", ")
            ));
        };
        let values: Vec<String> = value.split(',').map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            return Err(format!("de zoekparameter '{name}' heeft geen waarde"));
        }
        let string_match = || {
            StringMatch::from_modifier(modifier).ok_or_else(|| {
                format!(
                    "'{name}:{}' bestaat niet: gebruik {name}, {name}:contains of {name}:exact",
                    modifier.unwrap_or_default()
                )
            })
        };
        if *kind != "string" && modifier.is_some() {
            return Err(format!("de zoekparameter '{name}' kent geen modifier ':{}'", modifier.unwrap_or_default()));
        }
        match name {
            "_id" => search.ids.push(values),
            "name" => search.names.push((string_match()?, values)),
            "address-postalcode" => {
                // Postcodes are written with and without the space.
                let values = values.iter().map(|v| v.replace(' ', "")).collect();
                search.postcodes.push((string_match()?, values));
            }
            "address-city" => search.cities.push((string_match()?, values)),
            "service-category" => search.categories.push(tokens(&values)),
            "service-type" | "type" => search.types.push(tokens(&values)),
            "organization" => search.organizations.push(references(&values, "Organization")?),
            "location" => search.locations.push(references(&values, "Location")?),
            "active" => {
                search.active = Some(match values.as_slice() {
                    [v] if v == "true" => true,
                    [v] if v == "false" => false,
                    _ => return Err("active is true of false".into()),
                });
            }
            other => return Err(format!("de zoekparameter '{other}' wordt niet ondersteund")),
        }
    }
    Ok(search)
}

fn tokens(values: &[String]) -> Vec<Token> {
    values
        .iter()
        .map(|v| match v.split_once('|') {
            Some((system, code)) => Token { system: Some(system.to_owned()), code: code.to_owned() },
            None => Token { system: None, code: v.clone() },
        })
        .collect()
}

/// `Organization/abc`, a full URL ending in it, or the bare id `abc`.
fn references(values: &[String], kind: &str) -> Result<Vec<String>, String> {
    values
        .iter()
        .map(|v| {
            let mut parts = v.rsplit('/');
            let id = parts.next().unwrap_or_default();
            match parts.next() {
                None => Ok(id.to_owned()),
                Some(k) if k == kind => Ok(id.to_owned()),
                Some(k) => Err(format!("'{v}' verwijst naar een {k}, niet naar een {kind}")),
            }
        })
        .collect()
}

/// Whether `value` meets every string condition.
pub fn any_string(conditions: &[(StringMatch, Vec<String>)], value: Option<&str>) -> bool {
    conditions.iter().all(|(how, alternatives)| {
        value.is_some_and(|value| alternatives.iter().any(|query| how.matches(value, query)))
    })
}

/// Whether `value` is one of the alternatives of every condition.
pub fn any_of(conditions: &[Vec<String>], value: &str) -> bool {
    conditions.iter().all(|alternatives| alternatives.iter().any(|a| a == value))
}

/// Whether one of `codings` meets every token condition.
pub fn any_token(conditions: &[Vec<Token>], codings: &[(&str, &str)]) -> bool {
    conditions.iter().all(|alternatives| alternatives.iter().any(|t| codings.iter().any(|(s, c)| t.matches(s, c))))
}

/// The codes of the tokens that may be in `system`.
pub fn codes_in(tokens: &[Token], system: &str) -> Vec<String> {
    tokens.iter().filter(|t| t.system.as_deref().is_none_or(|s| s == system)).map(|t| t.code.clone()).collect()
}

/// What `type` of an Organization matches: its domain and the HL7
/// organisation type it is rendered with.
pub fn organization_types(org: &Organization) -> Vec<(&'static str, &'static str)> {
    let hl7 = if org.domain == Domain::Zorg { "prov" } else { "cg" };
    vec![(map::DOMAIN_SYSTEM, org.domain.code()), (map::ORGANIZATION_TYPE_SYSTEM, hl7)]
}

fn number(value: &str, name: &str, default: usize, max: usize) -> Result<usize, String> {
    match value.trim() {
        "" => Ok(default),
        v => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| format!("{name} moet een getal van 0 tot en met {max} zijn, niet '{v}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::PATHWAY_SYSTEM;

    #[test]
    fn tokens_with_and_without_system() {
        let t = tokens(&["welzijn".into(), "https://x|zorg".into(), "|gli".into()]);
        assert!(t[0].matches("any", "welzijn"));
        assert!(t[1].matches("https://x", "zorg"));
        assert!(!t[1].matches("https://y", "zorg"));
        assert!(!t[2].matches(PATHWAY_SYSTEM, "gli"));
    }

    #[test]
    fn unknown_parameters_and_modifiers_are_refused() {
        assert!(parse(Some("naam=x"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("name:fuzzy=x"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("service-category:text=x"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("name="), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("_count=999"), SERVICE_PARAMS, "HealthcareService").is_err());
        assert!(parse(Some("organization=Location/x"), SERVICE_PARAMS, "HealthcareService").is_err());
        let s = parse(Some("name:contains=fys&_count=5&_format=json"), SERVICE_PARAMS, "HealthcareService").unwrap();
        assert_eq!(s.count, 5);
        assert_eq!(s.names, vec![(StringMatch::Contains, vec!["fys".to_owned()])]);
    }
}
