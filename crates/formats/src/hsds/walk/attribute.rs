//! Attributes and the taxonomy terms they point to. Our own taxonomies carry
//! what HSDS has no field for (domain, pathways, wijken and networks served,
//! "by appointment"); any other term must be one of the region's hulpvragen.

use std::str::FromStr;

use wijkregie_core::codes::Code;
use wijkregie_core::directory::Pathway;
use wijkregie_core::region::Domain;

use super::{push_unique, Walker};
use crate::hsds::node::{Node, V};
use crate::hsds::schema::{ATTRIBUTES, TAXONOMY_TERMS};
use crate::hsds::{
    KENMERK_OP_AFSPRAAK, TAXONOMY_DOMEIN, TAXONOMY_KENMERK, TAXONOMY_KETENAANPAK, TAXONOMY_NETWERK, TAXONOMY_WIJK,
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
    pub(super) by_appointment: bool,
}

/// The taxonomy and term an attribute points to, and where.
pub(super) struct Term {
    pub(super) taxonomy: Option<String>,
    code: Option<String>,
    name: Option<String>,
    at: String,
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
        let taxonomy = match term.get("taxonomy") {
            Some(t) if matches!(t.v, V::Object(..)) => self.text(t, "name"),
            Some(_) => self.text(term, "taxonomy"),
            None => None,
        }
        .map(|t| t.trim().to_owned());
        let code = self.text(term, "code").map(|s| s.trim().to_owned());
        let name = self.text(term, "name").map(|s| s.trim().to_owned());
        if code.is_none() && name.is_none() {
            self.error(&term.at_of("name"), "verplicht veld ontbreekt: een taxonomy_term heeft een code of naam");
            return None;
        }
        let at = if code.is_some() { term.at_of("code") } else { term.at_of("name") };
        Some(Term { taxonomy, code, name, at })
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
                let by_code =
                    term.code.as_deref().and_then(|c| self.known.taxonomy.iter().find(|t| t.code.as_str() == c));
                let found = by_code.or_else(|| {
                    let wanted: Vec<&str> =
                        [term.name.as_deref(), term.code.as_deref()].into_iter().flatten().collect();
                    self.known.taxonomy.iter().find(|t| wanted.iter().any(|w| t.name.trim().eq_ignore_ascii_case(w)))
                });
                match found {
                    Some(t) => push_unique(&mut ext.terms, t.code.clone()),
                    None => {
                        let from = taxonomy.map(|t| format!(" uit taxonomie '{t}'")).unwrap_or_default();
                        let shown = [term.code.as_deref(), term.name.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" / ");
                        self.error(
                            &term.at,
                            format!("onbekende term '{shown}'{from}: voeg die eerst toe aan de taxonomie van hulpvragen, of verwijder het kenmerk"),
                        );
                    }
                }
            }
        }
    }
}
