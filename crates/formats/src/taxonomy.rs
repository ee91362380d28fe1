//! The Dutch taxonomy of hulpvragen that the social map ships with. It is
//! data (`data/hulpvragen.json`), loaded into the database once, after which
//! the regio-beheerder edits it there.

use serde::Deserialize;
use wijkregie_core::directory::TaxonomyTerm;
use wijkregie_core::error::FieldError;

const SHIPPED: &str = include_str!("../data/hulpvragen.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)] // documentation for the people who edit the file
    about: String,
    terms: Vec<Term>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Term {
    code: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    synonyms: Vec<String>,
}

/// Reads a taxonomy file in the shipped format, reporting every problem.
pub fn parse(json: &str) -> Result<Vec<TaxonomyTerm>, Vec<FieldError>> {
    let file: File = serde_json::from_str(json).map_err(|e| vec![crate::json_error::dutch(&e)])?;
    let mut problems = Vec::new();
    let mut terms = Vec::new();
    for (i, t) in file.terms.into_iter().enumerate() {
        let path = format!("$.terms[{i}]");
        let code = t
            .code
            .parse()
            .map_err(|e: wijkregie_core::error::Invalid| problems.push(e.at(format!("{path}.code"))))
            .ok();
        let parent = match t.parent.map(|p| p.parse()) {
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => {
                problems.push(wijkregie_core::error::Invalid::at(e, format!("{path}.parent")));
                None
            }
            None => None,
        };
        if t.name.trim().is_empty() {
            problems.push(FieldError::new(format!("{path}.name"), "de naam is verplicht"));
        }
        let synonyms: Vec<String> =
            t.synonyms.iter().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect();
        if let Some(code) = code {
            // Kept with its position in the file, for the paths below.
            terms.push((
                i,
                TaxonomyTerm { code, name: t.name.trim().to_owned(), description: t.description, parent, synonyms },
            ));
        }
    }
    for (n, (i, t)) in terms.iter().enumerate() {
        if terms[..n].iter().any(|(_, o)| o.code == t.code) {
            problems.push(FieldError::new(format!("$.terms[{i}].code"), format!("'{}' komt twee keer voor", t.code)));
        }
        if let Some(parent) = &t.parent {
            if !terms.iter().any(|(_, o)| &o.code == parent) {
                problems
                    .push(FieldError::new(format!("$.terms[{i}].parent"), format!("onbekende hulpvraag '{parent}'")));
            }
        }
    }
    if problems.is_empty() {
        Ok(terms.into_iter().map(|(_, t)| t).collect())
    } else {
        Err(problems)
    }
}

/// The taxonomy wijkregie ships with.
pub fn shipped() -> Vec<TaxonomyTerm> {
    parse(SHIPPED).expect("the shipped taxonomy is checked by a test")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzz target (issue 22): the message was serde's own,
    /// "ongeldig bestand: expected `,` or `}` at line 18 column 48".
    #[test]
    fn a_broken_file_is_explained_in_dutch() {
        let errors = parse("{\"terms\": [\n {\"code\": \"x\" \"name\": \"y\"}]}").unwrap_err();
        assert_eq!(
            errors[0].message,
            "ongeldige JSON op regel 2, kolom 15: de opmaak klopt hier niet: hier hoort een komma of }"
        );
        let errors = parse("{}").unwrap_err();
        assert!(!errors[0].message.contains("missing field"), "{errors:?}");
    }

    #[test]
    fn the_shipped_taxonomy_is_valid_and_covers_the_issue_list() {
        let terms = parse(SHIPPED).unwrap();
        for code in [
            "eenzaamheid",
            "schulden",
            "mantelzorg",
            "bewegen",
            "overgewicht",
            "valrisico",
            "zwangerschap-jonge-ouders",
            "opvoeding",
            "psychische-klachten",
            "wonen",
            "werk-dagbesteding",
            "taal",
            "vervoer",
        ] {
            assert!(terms.iter().any(|t| t.code.as_str() == code), "{code} missing");
        }
        let eenzaamheid = terms.iter().find(|t| t.code.as_str() == "eenzaamheid").unwrap();
        assert!(eenzaamheid.synonyms.contains(&"eenzaam".to_owned()));
        let valrisico = terms.iter().find(|t| t.code.as_str() == "valrisico").unwrap();
        assert!(valrisico.synonyms.contains(&"valpreventie".to_owned()));
    }

    #[test]
    fn bad_terms_are_all_reported() {
        let json = r#"{"about": "", "terms": [
            {"code": "Fout Code", "name": "x"},
            {"code": "a-b", "name": " ", "parent": "nergens"},
            {"code": "a-b", "name": "dubbel"}
        ]}"#;
        let fields: Vec<String> = parse(json).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["$.terms[0].code", "$.terms[1].name", "$.terms[1].parent", "$.terms[2].code"]);
    }
}
