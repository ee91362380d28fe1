//! Services and their service_at_locations: the record everything else
//! hangs from. A service is checked on its own rules too, so that one round
//! of fixing a file is enough.

use std::str::FromStr;

use chrono::NaiveDate;
use wijkregie_core::directory::{Schedule, Service, ServiceStatus};
use wijkregie_core::region::Domain;

use super::attribute::Extensions;
use super::schedule::ScheduleParts;
use super::{key_of, push_unique, ServiceRecord, Walker};
use crate::hsds::derived_id;
use crate::hsds::node::Node;
use crate::hsds::schema::{SERVICES, SERVICE_AT_LOCATION};

/// What wijkregie reads of a service; `Walker::object` warns about the rest.
const SERVICE_USED: &[&str] = &[
    "id",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "fees_description",
    "fees",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "last_modified",
    "phones",
    "schedules",
    "service_at_locations",
    "languages",
    "organization",
    "cost_options",
    "contacts",
    "attributes",
];
/// What wijkregie reads of a service_at_location.
const SAL_USED: &[&str] = &["id", "service_id", "location_id", "location", "schedules", "last_modified"];

impl Walker<'_> {
    pub(super) fn service(&mut self, node: &Node) {
        if !self.object(node, "een dienst (service)", &SERVICES, SERVICE_USED) {
            return;
        }
        let id = self.entity_id(node, "service");
        if let Some((_, id)) = &id {
            let at = node.at_of("id");
            if let Some(first) = self.service_ids.get(id.as_str()) {
                let first = first.clone();
                self.error(&at, format!("dienst {id} komt al voor in {first}"));
            } else {
                self.service_ids.insert(id.as_str().to_owned(), at);
            }
        }
        let name = self.required_text(node, "name");
        let alternate_name = self.text(node, "alternate_name");
        let description = self.text(node, "description").unwrap_or_default();
        let url = self.text(node, "url").map(|s| s.trim().to_owned());
        let email = self.text(node, "email").map(|s| s.trim().to_owned());
        let application_process = self.text(node, "application_process");
        let eligibility_description = self.text(node, "eligibility_description");
        // `fees` is the deprecated name of `fees_description`.
        let fees_description = match (self.text(node, "fees_description"), self.text(node, "fees")) {
            (Some(d), Some(f)) if d.trim() != f.trim() => {
                self.warnings.add(&node.at_of("fees"), "verouderd veld naast fees_description: niet overgenomen");
                Some(d)
            }
            (Some(d), _) => Some(d),
            (None, f) => f,
        };
        let status = if node.get("status").is_none_or(Node::is_empty) {
            self.error(&node.at_of("status"), "verplicht veld ontbreekt");
            None
        } else {
            self.parsed(node, "status", |s| ServiceStatus::from_str(s).map_err(|e| e.0))
        };
        let assured_date = self.parsed(node, "assured_date", |s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("'{s}' is geen datum: gebruik JJJJ-MM-DD"))
        });
        let minimum_age = self.age(node, "minimum_age");
        let maximum_age = self.age(node, "maximum_age");

        let nested_org = node.get("organization").filter(|n| !n.is_empty());
        let org_id_field = self.text(node, "organization_id").map(|s| key_of(&s));
        let org_ref = match nested_org {
            Some(org) => {
                let nested = self.organization(org);
                if let (Some(nested), Some(field)) = (&nested, &org_id_field) {
                    if nested != field {
                        self.error(
                            &node.at_of("organization_id"),
                            format!("organization_id '{field}' verschilt van organization.id '{nested}'"),
                        );
                    }
                }
                nested.map(|id| (id, org.at.to_string()))
            }
            None => match org_id_field {
                Some(id) => Some((id, node.at_of("organization_id"))),
                None => {
                    self.error(
                        &node.at_of("organization"),
                        "verplicht veld ontbreekt: geef organization of organization_id",
                    );
                    None
                }
            },
        };

        let mut phones = Vec::new();
        for item in self.list(node, "phones") {
            if let Some(p) = self.phone(item) {
                phones.push(p);
            }
        }
        let mut contacts = Vec::new();
        for item in self.list(node, "contacts") {
            if let Some(c) = self.contact(item) {
                contacts.push(c);
            }
        }
        let mut languages = Vec::new();
        for item in self.list(node, "languages") {
            if let Some(l) = self.language(item) {
                push_unique(&mut languages, l);
            }
        }
        let mut schedule = ScheduleParts::default();
        for item in self.list(node, "schedules") {
            self.schedule(item, &mut schedule);
        }
        let mut location_refs = Vec::new();
        let org_hsds = org_ref.as_ref().map(|(id, _)| id.clone());
        for item in self.list(node, "service_at_locations") {
            self.service_at_location(item, org_hsds.clone(), &mut schedule, &mut location_refs);
        }
        let mut free_of_charge = false;
        for item in self.list(node, "cost_options") {
            free_of_charge |= self.cost_option(item);
        }
        let mut ext = Extensions::default();
        for item in self.list(node, "attributes") {
            self.service_attribute(item, &mut ext);
        }

        let complete = id.is_some() && name.is_some() && status.is_some() && org_ref.is_some();
        let mut slots = schedule.slots;
        slots.sort();
        slots.dedup();
        let notes = (!schedule.notes.is_empty()).then(|| schedule.notes.join("\n"));
        let service = Service {
            id: id.map_or_else(|| derived_id("ontbrekend"), |(_, id)| id),
            organization: self.placeholder.clone(),
            name: name.unwrap_or_else(|| "?".into()),
            alternate_name,
            description,
            url,
            email,
            status: status.unwrap_or(ServiceStatus::Active),
            assured_date,
            application_process,
            fees_description,
            free_of_charge,
            eligibility_description,
            minimum_age,
            maximum_age,
            languages,
            domain: Domain::Zorg,
            pathways: ext.pathways,
            serves_wijken: ext.wijken,
            serves_networks: ext.networks,
            taxonomy_terms: ext.terms,
            foreign_terms: ext.foreign,
            phones,
            contacts,
            schedule: Schedule { slots, by_appointment: ext.by_appointment, notes, rules: schedule.rules },
            locations: Vec::new(),
        };
        // The rules of a service on its own, also for a record that already
        // failed elsewhere, so that one round of fixing is enough.
        for problem in service.problems() {
            let key = problem.field.split(['.', '[']).next().unwrap_or_default().to_owned();
            let key = if key == "schedule" { "schedules".to_owned() } else { key };
            self.errors.push(problem.at(node.at_of(&key)));
        }
        self.location_refs.extend(location_refs.iter().cloned());
        let (true, Some(org_ref)) = (complete, org_ref) else { return };
        self.services.push(ServiceRecord { service, org_ref, domain: ext.domain.map(|(d, _)| d), location_refs });
    }

    fn service_at_location(
        &mut self,
        node: &Node,
        org: Option<String>,
        schedule: &mut ScheduleParts,
        refs: &mut Vec<(String, String)>,
    ) {
        if !self.object(node, "een service_at_location", &SERVICE_AT_LOCATION, SAL_USED) {
            return;
        }
        match node.get("location").filter(|n| !n.is_empty()) {
            Some(location) => {
                if let Some(key) = self.location(location, org) {
                    refs.push((key, location.at.to_string()));
                }
            }
            None => match self.text(node, "location_id") {
                Some(id) => {
                    let key = key_of(&id);
                    refs.push((key, node.at_of("location_id")));
                }
                None => self.error(&node.at_of("location"), "verplicht veld ontbreekt: geef location of location_id"),
            },
        }
        // wijkregie keeps one schedule per service, so opening hours given per
        // location are added to it rather than dropped.
        for item in self.list(node, "schedules") {
            self.schedule(item, schedule);
        }
    }
}
