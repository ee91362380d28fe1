//! Why a service was found, in Dutch.
//!
//! Explanations are not taken from tantivy's scoring: the stored service is
//! read back and every query word is checked against its texts with the same
//! rules the index queries use ([`crate::analysis::match_word`]). For each
//! word the best match is told (the best field, the best kind of match), so
//! each line states something that is true of the service.

use crate::analysis::{match_word, AlternativeKind, Analyzers, MatchKind, QueryWord, Word};
use crate::doc::ServiceDoc;
use crate::schema::pathway_label;

/// Where in a service a word was found, and how to say so.
#[derive(Clone)]
enum Place<'a> {
    /// A plain text field, by its Dutch name.
    Field(&'static str),
    /// The name of a taxonomy term.
    Term(&'a str),
    /// A synonym (the whole synonym) of a taxonomy term.
    Synonym { synonym: &'a str, term: &'a str },
    /// A pathway label or alias.
    Pathway(String),
}

/// One word's best match.
struct Found<'a> {
    kind: MatchKind,
    /// Field rank: lower is a stronger field, as in the query weights.
    rank: u8,
    doc_word: String,
    place: Place<'a>,
}

/// The explanation lines of a hit: one per query word that matched (where
/// it matched in the strongest field), then the distance, then a warning if
/// the service is not active. `doc` is needed only when there are words.
pub(crate) fn why(
    doc: Option<&ServiceDoc>,
    words: &[QueryWord],
    distance_km: Option<f64>,
    near_given: bool,
    inactive_status: Option<&str>,
    analyzers: &mut Analyzers,
) -> Vec<String> {
    let mut lines = match doc {
        Some(doc) if !words.is_empty() => word_lines(doc, words, analyzers),
        _ => Vec::new(),
    };
    match distance_km {
        Some(d) => lines.push(format!("op {} km", kilometres(d))),
        None if near_given => lines.push("geen adres bekend: afstand onbekend".to_string()),
        None => {}
    }
    if let Some(status) = inactive_status {
        lines.push(format!("let op: status '{status}'"));
    }
    lines
}

/// One line per query word that matched the service.
fn word_lines(doc: &ServiceDoc, words: &[QueryWord], analyzers: &mut Analyzers) -> Vec<String> {
    // In order of field rank, strongest first, as the search below needs.
    let mut texts: Vec<(u8, &str, Place)> = vec![(0, doc.name.as_str(), Place::Field("naam"))];
    for term in &doc.taxonomy_terms {
        texts.push((1, term.name.as_str(), Place::Term(&term.name)));
        for synonym in &term.synonyms {
            texts.push((1, synonym.as_str(), Place::Synonym { synonym, term: &term.name }));
        }
    }
    for code in &doc.pathways {
        for alias in crate::schema::pathway_words(code) {
            texts.push((1, alias, Place::Pathway(pathway_label(code))));
        }
    }
    if let Some(alternate) = &doc.alternate_name {
        texts.push((2, alternate.as_str(), Place::Field("andere naam")));
    }
    texts.push((3, doc.organization_name.as_str(), Place::Field("organisatienaam")));
    texts.push((4, doc.description.as_str(), Place::Field("omschrijving")));

    // Texts are analysed when first needed, and once: most words are found
    // in the name, and then the description is never looked at.
    let mut analysed: Vec<Option<Vec<Word>>> = vec![None; texts.len()];
    let mut lines = Vec::new();
    for query in words {
        let line = match best(query, &texts, &mut analysed, analyzers) {
            Some(found) => Some(line(&query.written, &found)),
            // Else by an alternative, when all its words are found.
            None => query.alternatives.iter().find_map(|alternative| {
                let found: Option<Vec<Found>> =
                    alternative.words.iter().map(|w| best(w, &texts, &mut analysed, analyzers)).collect();
                let mut places: Vec<String> = Vec::new();
                for what in found?.iter().map(what) {
                    if !places.contains(&what) {
                        places.push(what);
                    }
                }
                let how = match alternative.kind {
                    AlternativeKind::FullName => format!("afkorting van {}", alternative.written),
                    AlternativeKind::Parts => format!("samengesteld uit {}", alternative.written),
                };
                Some(format!("{} (gezocht: '{}', {how})", places.join(" en "), query.written))
            }),
        };
        if let Some(line) = line.filter(|l| !lines.contains(l)) {
            lines.push(line);
        }
    }
    lines
}

/// The best match of a query word in the texts (see [`word_lines`]).
fn best<'a>(
    query: &QueryWord,
    texts: &[(u8, &str, Place<'a>)],
    analysed: &mut [Option<Vec<Word>>],
    analyzers: &mut Analyzers,
) -> Option<Found<'a>> {
    let mut best: Option<Found> = None;
    for (i, (rank, text, place)) in texts.iter().enumerate() {
        // The strongest field wins, then the closest kind of match: once
        // a field rank has a match, weaker fields cannot do better.
        if best.as_ref().is_some_and(|b| *rank > b.rank) {
            break;
        }
        let doc_words = analysed[i].get_or_insert_with(|| analyzers.words(text));
        for doc_word in doc_words.iter() {
            let Some(kind) = match_word(query, doc_word) else { continue };
            if best.as_ref().is_none_or(|b| kind < b.kind) {
                best = Some(Found { kind, rank: *rank, doc_word: doc_word.written(text), place: place.clone() });
            }
        }
    }
    best
}

/// Where a word was found, in Dutch.
fn what(found: &Found) -> String {
    match &found.place {
        Place::Field(field) => format!("{field} bevat '{}'", found.doc_word),
        Place::Term(term) => format!("valt onder de hulpvraag {term}"),
        Place::Synonym { synonym, term } => {
            format!("'{}' is een synoniem van de hulpvraag {term}", synonym.to_lowercase())
        }
        Place::Pathway(label) => format!("hoort bij de ketenaanpak {label}"),
    }
}

fn line(query: &str, found: &Found) -> String {
    let what = what(found);
    let how = match found.kind {
        MatchKind::Exact => return what,
        MatchKind::Stem => "zelfde woordstam",
        MatchKind::Prefix => "zelfde begin",
        MatchKind::Fuzzy => "bijna gelijk geschreven",
    };
    format!("{what} (gezocht: '{query}', {how})")
}

/// Kilometres with a Dutch decimal comma and one decimal: `1,2`.
pub(crate) fn kilometres(km: f64) -> String {
    format!("{km:.1}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::query_words;
    use crate::doc::TermDoc;

    fn explain(doc: &ServiceDoc, text: &str, distance_km: Option<f64>) -> Vec<String> {
        let mut analyzers = Analyzers::new();
        let words = query_words(text, &mut analyzers);
        why(Some(doc), &words, distance_km, distance_km.is_some(), None, &mut analyzers)
    }

    fn anker() -> ServiceDoc {
        ServiceDoc {
            id: "s1".into(),
            name: "Fysiotherapie Het Anker".into(),
            description: "Oefentherapie en wandelen in groepjes.".into(),
            organization_name: "Gezondheidscentrum De Haven".into(),
            taxonomy_terms: vec![TermDoc {
                id: "t1".into(),
                name: "eenzaamheid".into(),
                synonyms: vec!["eenzaam".into(), "Sociaal isolement".into()],
            }],
            pathways: vec!["valpreventie".into()],
            ..ServiceDoc::default()
        }
    }

    #[test]
    fn says_which_field_held_the_word() {
        assert_eq!(explain(&anker(), "fysiotherapie", Some(1.23)), ["naam bevat 'fysiotherapie'", "op 1,2 km"]);
        assert_eq!(explain(&anker(), "haven", None), ["organisatienaam bevat 'haven'"]);
    }

    #[test]
    fn says_how_an_inexact_word_matched() {
        assert_eq!(
            explain(&anker(), "fysiotherapeuten", None),
            ["naam bevat 'fysiotherapie' (gezocht: 'fysiotherapeuten', zelfde begin)"]
        );
        assert_eq!(
            explain(&anker(), "wandelingen", None),
            ["omschrijving bevat 'wandelen' (gezocht: 'wandelingen', zelfde woordstam)"]
        );
        assert_eq!(
            explain(&anker(), "fysoitherapie", None),
            ["naam bevat 'fysiotherapie' (gezocht: 'fysoitherapie', bijna gelijk geschreven)"]
        );
    }

    #[test]
    fn names_the_taxonomy_term_a_synonym_belongs_to() {
        assert_eq!(explain(&anker(), "eenzaam", None), ["'eenzaam' is een synoniem van de hulpvraag eenzaamheid"]);
        assert_eq!(explain(&anker(), "eenzaamheid", None), ["valt onder de hulpvraag eenzaamheid"]);
        assert_eq!(
            explain(&anker(), "isolement", None),
            ["'sociaal isolement' is een synoniem van de hulpvraag eenzaamheid"]
        );
        assert_eq!(explain(&anker(), "valpreventie", None), ["hoort bij de ketenaanpak Valpreventie"]);
    }

    #[test]
    fn says_nothing_about_words_that_did_not_match() {
        assert!(explain(&anker(), "schuldhulp", None).is_empty());
    }

    #[test]
    fn warns_about_a_service_that_is_not_active_and_a_missing_address() {
        let mut analyzers = Analyzers::new();
        assert_eq!(
            why(None, &[], None, true, Some("defunct"), &mut analyzers),
            ["geen adres bekend: afstand onbekend", "let op: status 'defunct'"]
        );
    }

    #[test]
    fn kilometres_use_a_decimal_comma() {
        assert_eq!(kilometres(1.23), "1,2");
        assert_eq!(kilometres(12.0), "12,0");
    }
}
