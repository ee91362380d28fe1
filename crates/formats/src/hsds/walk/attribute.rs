//! Attributes and the taxonomy terms they point to. Our own taxonomies carry
//! what HSDS has no field for (domain, pathways, wijken and networks served,
//! "by appointment"). A term of any other taxonomy is the source's own: it
//! is kept as a foreign term, and it also tags the service with a hulpvraag
//! when the regio-beheerder mapped it onto one, or when its code or name is
//! one of the region's hulpvragen.

use std::str::FromStr;

use wijkregie_core::codes::Code;
use wijkregie_core::directory::{ForeignTaxonomy, ForeignTerm, HsdsId, Pathway};
use wijkregie_core::region::Domain;

use super::{push_unique, Walker};
use crate::hsds::node::{Node, V};
use crate::hsds::schema::{ATTRIBUTES, TAXONOMY_TERMS};
use crate::hsds::{
    derived_id, KENMERK_OP_AFSPRAAK, TAXONOMY_DOMEIN, TAXONOMY_HULPVRAAG, TAXONOMY_KENMERK, TAXONOMY_KETENAANPAK,
    TAXONOMY_NETWERK, TAXONOMY_WIJK,
};

/// What wijkregie reads of an attribute; `Walker::object` warns about the rest.
const ATTRIBUTE_USED: &[&str] = &["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "taxonomy_term"];
/// What wijkregie reads of a taxonomy_term. A term is matched by taxonomy and
/// code or name; the rest describes the term itself, which lives in
/// wijkregie's own taxonomy.
const TERM_USED: &[&str] =
    &["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"];

/// What the attributes of a service say beyond the hulpvraag terms.
#[derive(Default)]
pub(super) struct Extensions {
    pub(super) domain: Option<(Domain, String)>,
    pub(super) pathways: Vec<Pathway>,
    pub(super) wijken: Vec<Code>,
    pub(super) networks: Vec<Code>,
    pub(super) terms: Vec<Code>,
    pub(super) foreign: Vec<HsdsId>,
    pub(super) by_appointment: bool,
}

/// The name of the taxonomy of a term that names none.
const NAMELESS_TAXONOMY: &str = "taxonomie zonder naam";

/// The taxonomy and term an attribute points to, and where.
pub(super) struct Term {
    pub(super) taxonomy: Option<String>,
    code: Option<String>,
    name: Option<String>,
    at: String,
    id: Option<String>,
    description: Option<String>,
    parent_id: Option<String>,
    term_uri: Option<String>,
    taxonomy_id: Option<String>,
    taxonomy_description: Option<String>,
    taxonomy_uri: Option<String>,
    taxonomy_version: Option<String>,
}

/// An id as HSDS gives it, or a fixed UUID derived from it (the same on
/// every import, so a mapping made once keeps applying).
fn foreign_id(kind: &str, original: &str) -> HsdsId {
    original.trim().parse().unwrap_or_else(|_| derived_id(&format!("{kind}:{}", original.trim())))
}

impl Walker<'_> {
    pub(super) fn attribute(&mut self, node: &Node) -> Option<Term> {
        if !self.object(node, "een kenmerk (attribute)", &ATTRIBUTES, ATTRIBUTE_USED) {
            return None;
        }
        let Some(term) = node.get("taxonomy_term").filter(|n| !n.is_empty()) else {
            self.error(
                &node.at_of("taxonomy_term"),
                "verplicht veld ontbreekt: een kenmerk verwijst naar een taxonomy_term",
            );
            return None;
        };
        if !self.object(term, "een taxonomy_term", &TAXONOMY_TERMS, TERM_USED) {
            return None;
        }
        let nested = term.get("taxonomy").filter(|t| matches!(t.v, V::Object(..)));
        let taxonomy = match (nested, term.get("taxonomy")) {
            (Some(t), _) => self.text(t, "name"),
            (None, Some(_)) => self.text(term, "taxonomy"),
            (None, None) => None,
        }
        .map(|t| t.trim().to_owned());
        let trimmed = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let taxonomy_id = trimmed(self.text(term, "taxonomy_id").or_else(|| nested.and_then(|t| self.text(t, "id"))));
        let (taxonomy_description, taxonomy_uri, taxonomy_version) = match nested {
            Some(t) => {
                (trimmed(self.text(t, "description")), trimmed(self.text(t, "uri")), trimmed(self.text(t, "version")))
            }
            None => (None, None, None),
        };
        let id = trimmed(self.text(term, "id"));
        let description = trimmed(self.text(term, "description"));
        let parent_id = trimmed(self.text(term, "parent_id"));
        let term_uri = trimmed(self.text(term, "term_uri"));
        let code = self.text(term, "code").map(|s| s.trim().to_owned());
        let name = self.text(term, "name").map(|s| s.trim().to_owned());
        if code.is_none() && name.is_none() {
            self.error(&term.at_of("name"), "verplicht veld ontbreekt: een taxonomy_term heeft een code of naam");
            return None;
        }
        let at = if code.is_some() { term.at_of("code") } else { term.at_of("name") };
        Some(Term {
            taxonomy,
            code,
            name,
            at,
            id,
            description,
            parent_id,
            term_uri,
            taxonomy_id,
            taxonomy_description,
            taxonomy_uri,
            taxonomy_version,
        })
    }

    pub(super) fn domain(&mut self, term: &Term) -> Option<Domain> {
        let value = term.code.as_deref().or(term.name.as_deref()).unwrap_or_default();
        match Domain::from_str(value)
            .or_else(|e| Domain::ALL.iter().copied().find(|d| d.label().eq_ignore_ascii_case(value)).ok_or(e))
        {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(&term.at, format!("domein: {}", e.0));
                None
            }
        }
    }

    pub(super) fn service_attribute(&mut self, node: &Node, ext: &mut Extensions) {
        let Some(term) = self.attribute(node) else { return };
        let value = term.code.clone().or(term.name.clone()).unwrap_or_default();
        match term.taxonomy.as_deref() {
            Some(TAXONOMY_DOMEIN) => {
                if let Some(d) = self.domain(&term) {
                    match &ext.domain {
                        Some((first, at)) if *first != d => {
                            let at = at.clone();
                            self.error(
                                &term.at,
                                format!("een dienst heeft één domein; {at} noemt al {}", first.code()),
                            );
                        }
                        _ => ext.domain = Some((d, term.at.clone())),
                    }
                }
            }
            Some(TAXONOMY_KETENAANPAK) => match Pathway::from_str(&value) {
                Ok(p) => push_unique(&mut ext.pathways, p),
                Err(e) => self.error(&term.at, e.0),
            },
            Some(TAXONOMY_WIJK) => match Code::from_str(&value) {
                Ok(c) if self.known.wijken.contains(&c) => push_unique(&mut ext.wijken, c),
                Ok(c) => {
                    self.error(&term.at, format!("onbekende wijk '{c}': die bestaat niet in wijkregie"));
                }
                Err(e) => self.error(&term.at, e.0),
            },
            Some(TAXONOMY_NETWERK) => match Code::from_str(&value) {
                Ok(c) if self.known.networks.contains(&c) => push_unique(&mut ext.networks, c),
                Ok(c) => {
                    self.error(&term.at, format!("onbekend netwerk '{c}': dat bestaat niet in wijkregie"));
                }
                Err(e) => self.error(&term.at, e.0),
            },
            Some(TAXONOMY_KENMERK) => {
                if value == KENMERK_OP_AFSPRAAK {
                    ext.by_appointment = true;
                } else {
                    self.error(
                        &term.at,
                        format!("onbekend kenmerk '{value}': wijkregie kent alleen {KENMERK_OP_AFSPRAAK}"),
                    );
                }
            }
            taxonomy => {
                let hulpvraag = self.hulpvraag(&term);
                let ours = taxonomy == Some(TAXONOMY_HULPVRAAG);
                let foreign_source = !ours && (taxonomy.is_some() || term.taxonomy_id.is_some());
                if foreign_source || (!ours && hulpvraag.is_none()) {
                    let id = self.foreign_term(&term);
                    push_unique(&mut ext.foreign, id.clone());
                    let mapped = self.mapped(&term, &id);
                    if let Some(code) = mapped.or(hulpvraag) {
                        push_unique(&mut ext.terms, code);
                    }
                    return;
                }
                match hulpvraag {
                    Some(code) => push_unique(&mut ext.terms, code),
                    None => {
                        let shown = [term.code.as_deref(), term.name.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" / ");
                        self.error(
                            &term.at,
                            format!("onbekende hulpvraag '{shown}' uit taxonomie '{TAXONOMY_HULPVRAAG}': die bestaat niet in de taxonomie van hulpvragen van deze regio"),
                        );
                    }
                }
            }
        }
    }

    /// The region's hulpvraag with the term's code, else its name (any case).
    fn hulpvraag(&self, term: &Term) -> Option<Code> {
        let by_code = term.code.as_deref().and_then(|c| self.known.taxonomy.iter().find(|t| t.code.as_str() == c));
        let found = by_code.or_else(|| {
            let wanted: Vec<&str> = [term.name.as_deref(), term.code.as_deref()].into_iter().flatten().collect();
            self.known.taxonomy.iter().find(|t| wanted.iter().any(|w| t.name.trim().eq_ignore_ascii_case(w)))
        });
        found.map(|t| t.code.clone())
    }

    /// The hulpvraag the regio-beheerder mapped this foreign term onto, if
    /// that hulpvraag still exists.
    fn mapped(&self, term: &Term, id: &HsdsId) -> Option<Code> {
        let taxonomy = self.taxonomy_key(term);
        self.known
            .mappings
            .iter()
            .find(|m| &m.term == id && m.taxonomy == taxonomy)
            .map(|m| m.hulpvraag.clone())
            .filter(|code| self.known.taxonomy.iter().any(|t| &t.code == code))
    }

    /// The id of the term's taxonomy: its own, else one derived from its name.
    fn taxonomy_key(&self, term: &Term) -> HsdsId {
        match (&term.taxonomy_id, &term.taxonomy) {
            (Some(id), _) => foreign_id("taxonomy", id),
            (None, Some(name)) => derived_id(&format!("foreign_taxonomy:{name}")),
            (None, None) => derived_id(&format!("foreign_taxonomy:{NAMELESS_TAXONOMY}")),
        }
    }

    /// Keeps the term and its taxonomy, once per id, and gives the term's id.
    fn foreign_term(&mut self, term: &Term) -> HsdsId {
        let taxonomy = self.taxonomy_key(term);
        if !self.foreign_taxonomies.iter().any(|t| t.id == taxonomy) {
            self.foreign_taxonomies.push(ForeignTaxonomy {
                id: taxonomy.clone(),
                name: term.taxonomy.clone().unwrap_or_else(|| NAMELESS_TAXONOMY.to_owned()),
                description: term.taxonomy_description.clone(),
                uri: term.taxonomy_uri.clone(),
                version: term.taxonomy_version.clone(),
            });
        }
        let key = term.id.clone().or_else(|| term.code.clone()).or_else(|| term.name.clone()).unwrap_or_default();
        let id = match &term.id {
            Some(id) => foreign_id("taxonomy_term", id),
            None => derived_id(&format!("foreign_taxonomy_term:{taxonomy}:{key}")),
        };
        if !self.foreign_terms.iter().any(|t| t.id == id) {
            let name = term.name.clone().or_else(|| term.code.clone()).unwrap_or_default();
            self.foreign_terms.push(ForeignTerm {
                id: id.clone(),
                taxonomy,
                code: term.code.clone(),
                name,
                description: term.description.clone(),
                parent: term.parent_id.as_deref().map(|p| foreign_id("taxonomy_term", p)),
                term_uri: term.term_uri.clone(),
            });
        }
        id
    }
}
