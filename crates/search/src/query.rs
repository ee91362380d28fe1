//! What a search asks and what it answers, and how a question becomes a
//! tantivy query.
//!
//! The text is never given to tantivy's query parser: people type `AND`,
//! quotes and brackets without meaning them as operators. Instead the text is
//! cut into words (see [`crate::analysis`]) and the query is built from them:
//! each word may match any text field, in any of the four ways, or by its
//! alternatives (an abbreviation's full name, a compound's parts); a service
//! must match at least one word and scores more for each word it matches
//! (see [`crate::coordination`]).

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, ConstScoreQuery, DfaWrapper, DisjunctionMaxQuery,
    EnableScoring, FuzzyTermQuery, Occur, TermQuery, TermSetQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analysis::QueryWord;
use crate::coordination::Coordinated;
use crate::doc::GeoPoint;
use crate::geo;
use crate::rank::minute_of_week;
use crate::schema::{code, keyword, Fields};
use crate::SearchError;

/// Field weights: a word in the name says more than one in the description;
/// a taxonomy term or synonym was put there by a coordinator to be found.
const NAME: f32 = 3.0;
const TERMS: f32 = 2.5;
const ALTERNATE_NAME: f32 = 2.0;
const ORGANIZATION: f32 = 1.5;
const DESCRIPTION: f32 = 1.0;
/// A typo match scores a constant: this share of the field weight. An exact
/// match scores its BM25 (about 2 for a common word, 8 for a rare one)
/// times the weight, so it stays ahead of a typo in the same field.
const FUZZY_SHARE: f32 = 0.5;

/// A search of the social map. `Query::default()` finds every active service,
/// 20 at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    /// Free Dutch text. Empty (or only punctuation and stop words): filters
    /// and distance only.
    pub text: String,
    /// `zorg`, `welzijn`, `sociaal_domein` or `informele_zorg`.
    pub domain: Option<String>,
    /// A pathway code, e.g. `valpreventie`.
    pub pathway: Option<String>,
    /// A taxonomy term, by id or by name.
    pub taxonomy_term: Option<String>,
    /// Only services whose age range includes this age (open ends allowed).
    pub age: Option<u8>,
    pub free_only: bool,
    /// ISO 639-1 code.
    pub language: Option<String>,
    /// Only services open at this weekday (1 = Monday … 7 = Sunday) and
    /// minute of the day (0..1440); "open now" is computed by the caller.
    pub open_at: Option<(u8, u16)>,
    pub wijk: Option<String>,
    pub network: Option<String>,
    /// One of the organisation's identifiers ([`crate::ServiceDoc::organization_ids`]).
    pub organization: Option<String>,
    /// Where the patient is; enables distance ranking and `distance_km`.
    pub near: Option<GeoPoint>,
    /// Leaves out services whose nearest location is farther; services
    /// without locations stay. Needs `near`.
    pub radius_km: Option<f64>,
    /// Also find inactive, defunct and temporarily closed services.
    pub include_inactive: bool,
    pub offset: usize,
    pub limit: usize,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            domain: None,
            pathway: None,
            taxonomy_term: None,
            age: None,
            free_only: false,
            language: None,
            open_at: None,
            wijk: None,
            network: None,
            organization: None,
            near: None,
            radius_km: None,
            include_inactive: false,
            offset: 0,
            limit: 20,
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// How many services match in all, over all pages.
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// One service found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The service id.
    pub id: String,
    /// The ranking value: text relevance (BM25) × proximity `1 / (1 + d / 5 km)`;
    /// without text, proximity alone; without `near`, relevance alone.
    pub score: f32,
    /// Distance from `near` to the nearest location, when both are known.
    pub distance_km: Option<f64>,
    /// Why the service was found, in Dutch, one reason a line.
    pub why: Vec<String>,
}

impl Query {
    /// Checks the parts that can be wrong and says what is wrong in Dutch.
    pub(crate) fn validate(&self) -> Result<(), SearchError> {
        let invalid = |message: &str| Err(SearchError::InvalidQuery(message.to_string()));
        if let Some(near) = self.near {
            if !near.is_valid() {
                return invalid("De locatie is ongeldig: breedtegraad moet tussen -90 en 90 liggen, lengtegraad tussen -180 en 180.");
            }
        }
        if let Some(radius) = self.radius_km {
            if !radius.is_finite() || radius <= 0.0 {
                return invalid("De straal moet een getal groter dan 0 km zijn.");
            }
            if self.near.is_none() {
                return invalid("Een straal kan alleen met een locatie: geef een postcode of praktijk op.");
            }
        }
        if let Some((weekday, minute)) = self.open_at {
            if !(1..=7).contains(&weekday) {
                return invalid("De dag moet 1 (maandag) tot en met 7 (zondag) zijn.");
            }
            if minute >= 24 * 60 {
                return invalid("Het tijdstip moet tussen 00:00 en 23:59 liggen.");
            }
        }
        Ok(())
    }

    /// The minute of the week `open_at` asks about; call after [`Query::validate`].
    pub(crate) fn open_minute(&self) -> Option<u32> {
        self.open_at.map(|(weekday, minute)| minute_of_week(weekday, minute))
    }

    /// The tantivy query: the text match (if any words), the keyword filters
    /// and the radius's grid cells.
    pub(crate) fn to_tantivy(
        &self,
        words: &[QueryWord],
        joined: &[Joined],
        f: &Fields,
    ) -> tantivy::Result<Box<dyn tantivy::query::Query>> {
        let mut clauses: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
        if !words.is_empty() {
            let mut coordinated = Vec::with_capacity(words.len() + joined.len());
            for (i, word) in words.iter().enumerate() {
                coordinated.push((word_query(word, f)?, 1u32 << i));
            }
            for j in joined {
                coordinated.push((compound_query(&j.compound, f), (1u32 << j.words.0) | (1u32 << j.words.1)));
            }
            let words = words.len() as u32;
            clauses.push((Occur::Must, Box::new(Coordinated { clauses: coordinated, words })));
        }
        let mut filter = |field: Field, value: String| {
            // Score 0: filters narrow, they do not rank.
            let term = TermQuery::new(Term::from_field_text(field, &value), IndexRecordOption::Basic);
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(term), 0.0))));
        };
        if let Some(v) = given(&self.domain) {
            filter(f.domain, code(v));
        }
        if let Some(v) = given(&self.pathway) {
            filter(f.pathway, code(v));
        }
        if let Some(v) = given(&self.taxonomy_term) {
            filter(f.term, keyword(v));
        }
        if let Some(v) = given(&self.language) {
            filter(f.language, keyword(v));
        }
        if let Some(v) = given(&self.wijk) {
            filter(f.wijk, keyword(v));
        }
        if let Some(v) = given(&self.network) {
            filter(f.network, keyword(v));
        }
        if let Some(v) = given(&self.organization) {
            filter(f.organization_id, keyword(v));
        }
        if !self.include_inactive {
            filter(f.status, "active".to_string());
        }
        if self.free_only {
            let term = TermQuery::new(Term::from_field_bool(f.free, true), IndexRecordOption::Basic);
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(term), 0.0))));
        }
        if let (Some(near), Some(radius_km)) = (self.near, self.radius_km) {
            if let Some(cells) = geo::covering(near, radius_km) {
                let terms = cells.iter().map(|c| Term::from_field_text(f.geo_cell, c));
                clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(TermSetQuery::new(terms)), 0.0))));
            }
        }
        if clauses.is_empty() {
            return Ok(Box::new(AllQuery));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

/// Two query words (by their place in the query) that together make a
/// compound the index has words beginning with (see [`crate::compound`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Joined {
    pub words: (usize, usize),
    pub compound: String,
}

/// A joined compound matches the words that begin with it, in each prefix
/// field, scored like a prefix match of a single word.
fn compound_query(compound: &str, f: &Fields) -> Box<dyn tantivy::query::Query> {
    let per_field = [
        (f.name_prefixes, NAME),
        (f.terms_prefixes, TERMS),
        (f.organization_prefixes, ORGANIZATION),
        (f.description_prefixes, DESCRIPTION),
    ]
    .into_iter()
    .map(|(field, weight)| {
        let term = TermQuery::new(Term::from_field_text(field, compound), IndexRecordOption::WithFreqs);
        (Occur::Should, Box::new(BoostQuery::new(Box::new(term), weight)) as Box<dyn tantivy::query::Query>)
    })
    .collect();
    Box::new(BooleanQuery::new(per_field))
}

/// A filter value, unless absent or blank (a blank form field means "any").
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Everything one word may match, each scored by BM25 times the field
/// weight: its stem in each stemmed field and its prefixes in each prefix
/// field; and its near-spellings in each raw field, scored a constant.
fn word_query(word: &QueryWord, f: &Fields) -> tantivy::Result<Box<dyn tantivy::query::Query>> {
    let mut should: Vec<(Occur, Box<dyn tantivy::query::Query>)> = Vec::new();
    let scored = |field: Field, text: &str, weight: f32| -> Box<dyn tantivy::query::Query> {
        let term = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
        Box::new(BoostQuery::new(Box::new(term), weight))
    };
    for (field, weight) in [
        (f.name, NAME),
        (f.terms, TERMS),
        (f.alternate_name, ALTERNATE_NAME),
        (f.organization, ORGANIZATION),
        (f.description, DESCRIPTION),
    ] {
        should.push((Occur::Should, scored(field, &word.word.stem, weight)));
    }
    for (field, weight) in [
        (f.name_prefixes, NAME),
        (f.terms_prefixes, TERMS),
        (f.organization_prefixes, ORGANIZATION),
        (f.description_prefixes, DESCRIPTION),
    ] {
        // Two prefixes of one word (`beweeg`, `bewege`) count once per field.
        let per_prefix: Vec<_> = word.prefixes.iter().map(|p| scored(field, p, weight)).collect();
        match per_prefix.len() {
            0 => {}
            1 => should.extend(per_prefix.into_iter().map(|q| (Occur::Should, q))),
            _ => should.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(per_prefix)))),
        }
    }
    if word.max_edits > 0 {
        // One automaton, built once and run against every raw field: a
        // distance-2 automaton costs about 100 µs to build.
        let term = Term::from_field_text(f.name_raw, &word.word.raw);
        let automaton = Arc::new(FuzzyTermQuery::new(term, word.max_edits, true).automaton()?);
        for (field, weight) in [
            (f.name_raw, NAME),
            (f.terms_raw, TERMS),
            (f.organization_raw, ORGANIZATION),
            (f.description_raw, DESCRIPTION),
        ] {
            let near_spelling = SharedAutomaton { field, automaton: Arc::clone(&automaton) };
            should.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(near_spelling), weight * FUZZY_SHARE))));
        }
    }
    // An abbreviation's full name or a compound's parts: all of the words.
    for alternative in word.alternatives.iter().filter(|a| !a.words.is_empty()) {
        let all =
            alternative.words.iter().map(|w| Ok((Occur::Must, word_query(w, f)?))).collect::<tantivy::Result<_>>()?;
        should.push((Occur::Should, Box::new(BooleanQuery::new(all))));
    }
    Ok(Box::new(BooleanQuery::new(should)))
}

/// A Levenshtein automaton run against one field, sharing the built
/// automaton with the other fields. Matches score a constant.
#[derive(Clone)]
struct SharedAutomaton {
    field: Field,
    automaton: Arc<DfaWrapper>,
}

impl fmt::Debug for SharedAutomaton {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedAutomaton").field("field", &self.field).finish_non_exhaustive()
    }
}

impl tantivy::query::Query for SharedAutomaton {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(self.field, Arc::clone(&self.automaton))))
    }
}
