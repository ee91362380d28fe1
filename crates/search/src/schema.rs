//! The tantivy schema and how a [`ServiceDoc`] becomes a tantivy document.
//!
//! Text fields exist three times: stemmed, as prefixes and raw (see
//! [`crate::analysis`]).
//! Filters that are plain codes (domain, pathway, term, language, wijk,
//! network, status, free of charge, organisation) are indexed keywords so
//! that tantivy intersects them with the text match, and so are the grid
//! cells of the radius pre-filter; age, opening hours and the exact distance
//! are checked while collecting, from [`Meta`].

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::TantivyDocument;

use crate::analysis::{PREFIXES, RAW, STEMMED};
use crate::doc::ServiceDoc;
use crate::geo;
use crate::rank::{week_ranges, Meta, Point};

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// The service id, for deletes.
    pub id: Field,
    /// Dense number of the service in the snapshot's [`Meta`] table.
    pub key: Field,
    /// The whole [`ServiceDoc`] as JSON, read back to explain a hit.
    pub source: Field,

    pub name: Field,
    pub alternate_name: Field,
    pub organization: Field,
    pub description: Field,
    /// Taxonomy term names and synonyms, pathway labels.
    pub terms: Field,

    /// Every beginning of 6 letters or more of every word; name and
    /// alternate name together.
    pub name_prefixes: Field,
    pub organization_prefixes: Field,
    pub description_prefixes: Field,
    pub terms_prefixes: Field,

    /// Unstemmed words; name and alternate name together.
    pub name_raw: Field,
    pub organization_raw: Field,
    pub description_raw: Field,
    pub terms_raw: Field,

    pub domain: Field,
    pub pathway: Field,
    /// Term ids and names, lowercased, so a filter may name either.
    pub term: Field,
    pub language: Field,
    pub wijk: Field,
    pub network: Field,
    pub status: Field,
    pub free: Field,
    /// The organisation's identifiers, lowercased, so a filter may name any.
    pub organization_id: Field,
    /// Grid cells of the locations, or "unlocated" (see [`crate::geo`]).
    pub geo_cell: Field,
}

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        // Frequencies but no positions: BM25 needs the first, no query uses phrases.
        let stemmed = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(STEMMED).set_index_option(IndexRecordOption::WithFreqs),
        );
        let prefixes = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(PREFIXES).set_index_option(IndexRecordOption::WithFreqs),
        );
        // Fuzzy queries score a constant, so only presence is indexed.
        let raw = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(RAW).set_index_option(IndexRecordOption::Basic),
        );
        let fields = Fields {
            id: b.add_text_field("id", STRING),
            key: b.add_u64_field("key", FAST),
            source: b.add_text_field("source", STORED),
            name: b.add_text_field("name", stemmed.clone()),
            alternate_name: b.add_text_field("alternate_name", stemmed.clone()),
            organization: b.add_text_field("organization", stemmed.clone()),
            description: b.add_text_field("description", stemmed.clone()),
            terms: b.add_text_field("terms", stemmed),
            name_prefixes: b.add_text_field("name_prefixes", prefixes.clone()),
            organization_prefixes: b.add_text_field("organization_prefixes", prefixes.clone()),
            description_prefixes: b.add_text_field("description_prefixes", prefixes.clone()),
            terms_prefixes: b.add_text_field("terms_prefixes", prefixes),
            name_raw: b.add_text_field("name_raw", raw.clone()),
            organization_raw: b.add_text_field("organization_raw", raw.clone()),
            description_raw: b.add_text_field("description_raw", raw.clone()),
            terms_raw: b.add_text_field("terms_raw", raw),
            domain: b.add_text_field("domain", STRING),
            pathway: b.add_text_field("pathway", STRING),
            term: b.add_text_field("term", STRING),
            language: b.add_text_field("language", STRING),
            wijk: b.add_text_field("wijk", STRING),
            network: b.add_text_field("network", STRING),
            status: b.add_text_field("status", STRING),
            free: b.add_bool_field("free", INDEXED),
            organization_id: b.add_text_field("organization_id", STRING),
            geo_cell: b.add_text_field("geo_cell", STRING),
        };
        (b.build(), fields)
    }

    /// The tantivy document and the collector's [`Meta`] for a service.
    pub(crate) fn document(&self, doc: &ServiceDoc, key: u64, sort_name: String) -> (TantivyDocument, Meta) {
        let mut d = TantivyDocument::new();
        d.add_text(self.id, doc.id.trim());
        d.add_u64(self.key, key);
        d.add_text(self.source, serde_json::to_string(doc).expect("a ServiceDoc has only strings, numbers and lists"));

        d.add_text(self.name, &doc.name);
        d.add_text(self.name_prefixes, &doc.name);
        d.add_text(self.name_raw, &doc.name);
        if let Some(alternate) = &doc.alternate_name {
            d.add_text(self.alternate_name, alternate);
            d.add_text(self.name_prefixes, alternate);
            d.add_text(self.name_raw, alternate);
        }
        d.add_text(self.organization, &doc.organization_name);
        d.add_text(self.organization_prefixes, &doc.organization_name);
        d.add_text(self.organization_raw, &doc.organization_name);
        d.add_text(self.description, &doc.description);
        d.add_text(self.description_prefixes, &doc.description);
        d.add_text(self.description_raw, &doc.description);
        for text in term_texts(doc) {
            d.add_text(self.terms, text);
            d.add_text(self.terms_prefixes, text);
            d.add_text(self.terms_raw, text);
        }

        d.add_text(self.domain, code(&doc.domain));
        for pathway in &doc.pathways {
            d.add_text(self.pathway, code(pathway));
        }
        for term in &doc.taxonomy_terms {
            d.add_text(self.term, keyword(&term.id));
            d.add_text(self.term, keyword(&term.name));
        }
        for language in &doc.languages {
            d.add_text(self.language, keyword(language));
        }
        for wijk in &doc.wijken {
            d.add_text(self.wijk, keyword(wijk));
        }
        for network in &doc.networks {
            d.add_text(self.network, keyword(network));
        }
        d.add_text(self.status, keyword(&doc.status));
        d.add_bool(self.free, doc.free_of_charge);
        for id in &doc.organization_ids {
            d.add_text(self.organization_id, keyword(id));
        }
        let mut located = false;
        for point in doc.locations.iter().copied().filter(|p| p.is_valid()) {
            located = true;
            for cell in geo::cell_tokens(point) {
                d.add_text(self.geo_cell, cell);
            }
        }
        if !located {
            d.add_text(self.geo_cell, geo::UNLOCATED);
        }

        let meta = Meta {
            id: doc.id.trim().to_string(),
            sort_name,
            locations: doc.locations.iter().copied().filter(|p| p.is_valid()).map(Point::from).collect(),
            open: doc.opening.iter().flat_map(|slot| week_ranges(*slot)).collect(),
            min_age: doc.min_age.unwrap_or(u8::MIN),
            max_age: doc.max_age.unwrap_or(u8::MAX),
            inactive_status: Some(keyword(&doc.status)).filter(|s| s != "active"),
        };
        (d, meta)
    }
}

/// Every searchable text that comes from the taxonomy and the pathways.
pub(crate) fn term_texts(doc: &ServiceDoc) -> impl Iterator<Item = &str> {
    let terms = doc
        .taxonomy_terms
        .iter()
        .flat_map(|t| std::iter::once(t.name.as_str()).chain(t.synonyms.iter().map(String::as_str)));
    let pathways = doc.pathways.iter().flat_map(|p| pathway_words(p));
    terms.chain(pathways)
}

/// A pathway's Dutch label and the other names people search it by. The
/// label makes "valpreventie" find a course named "In Balans"; the few
/// aliases are the pathways' official long names.
pub(crate) fn pathway_words(code_text: &str) -> Vec<&str> {
    match code(code_text).as_str() {
        "welzijn_op_recept" => vec!["Welzijn op Recept"],
        "gli_volwassenen" => vec!["GLI volwassenen", "gecombineerde leefstijlinterventie"],
        "gli_jeugd" => vec!["GLI jeugd", "gecombineerde leefstijlinterventie"],
        "kansrijke_start" => vec!["Kansrijke Start"],
        "valpreventie" => vec!["Valpreventie"],
        // An unknown pathway is still searchable by its code's words.
        _ => vec![code_text],
    }
}

/// The Dutch label of a pathway code, for explanations.
pub(crate) fn pathway_label(code_text: &str) -> String {
    match pathway_words(code_text).first() {
        Some(label) if *label != code_text => (*label).to_string(),
        _ => code_text.replace('_', " "),
    }
}

/// Codes as indexed and as asked for: trimmed, lowercase, `sociaal domein`
/// and `sociaal-domein` alike written `sociaal_domein`.
pub(crate) fn code(text: &str) -> String {
    keyword(text).replace([' ', '-'], "_")
}

/// Identifiers as indexed and as asked for: trimmed and lowercase.
pub(crate) fn keyword(text: &str) -> String {
    text.trim().to_lowercase()
}
