//! Finding services of the social map by what they are (id, domain,
//! pathway, hulpvraag, organisation, location, status) in SQL, so a caller
//! that asks for a page of matches reads the names of the matching services
//! only, not the whole map. Used by the FHIR directory searches; free text
//! goes through the search index instead.

use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::HsdsId;

use crate::error::Result;
use crate::rows;
use crate::text::parse;

/// One `service-category` condition: a service matches when its domain is
/// one of `domains` or it serves one of `pathways`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Category {
    pub domains: Vec<String>,
    pub pathways: Vec<String>,
}

/// Every condition must hold; within one, any alternative will do. A
/// condition without alternatives matches nothing.
#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    pub ids: Vec<Vec<String>>,
    pub categories: Vec<Category>,
    pub terms: Vec<Vec<String>>,
    pub organizations: Vec<Vec<String>>,
    pub locations: Vec<Vec<String>>,
    pub active: Option<bool>,
}

/// `$n, $m, …` for the values, which are added to the binds; `None` for none.
fn marks(values: &[String], binds: &mut Vec<String>) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    let marks: Vec<String> = values
        .iter()
        .map(|v| {
            binds.push(v.clone());
            format!("${}", binds.len())
        })
        .collect();
    Some(marks.join(", "))
}

/// A `WHERE` clause over `service s` and its binds, numbered from 1.
fn clause(filter: &ServiceFilter) -> (String, Vec<String>) {
    let mut binds: Vec<String> = Vec::new();
    let list = marks;
    let mut conditions = vec!["1 = 1".to_owned()];
    for ids in &filter.ids {
        conditions.push(list(ids, &mut binds).map_or("1 = 0".into(), |l| format!("s.id IN ({l})")));
    }
    for c in &filter.categories {
        let mut either = Vec::new();
        if let Some(l) = list(&c.domains, &mut binds) {
            either.push(format!("s.domain IN ({l})"));
        }
        if let Some(l) = list(&c.pathways, &mut binds) {
            either.push(format!(
                "EXISTS (SELECT 1 FROM service_pathway p WHERE p.service_id = s.id AND p.pathway IN ({l}))"
            ));
        }
        conditions.push(if either.is_empty() { "1 = 0".into() } else { format!("({})", either.join(" OR ")) });
    }
    for terms in &filter.terms {
        conditions.push(list(terms, &mut binds).map_or("1 = 0".into(), |l| {
            format!("EXISTS (SELECT 1 FROM service_term t WHERE t.service_id = s.id AND t.term_code IN ({l}))")
        }));
    }
    for orgs in &filter.organizations {
        conditions.push(list(orgs, &mut binds).map_or("1 = 0".into(), |l| format!("s.organization_code IN ({l})")));
    }
    for locations in &filter.locations {
        conditions.push(list(locations, &mut binds).map_or("1 = 0".into(), |l| {
            format!("EXISTS (SELECT 1 FROM service_location sl WHERE sl.service_id = s.id AND sl.location_id IN ({l}))")
        }));
    }
    match filter.active {
        Some(true) => conditions.push("s.status = 'active'".into()),
        Some(false) => conditions.push("s.status <> 'active'".into()),
        None => {}
    }
    (conditions.join(" AND "), binds)
}

/// Id and name of every matching service, by name then id.
pub async fn service_names(conn: &mut AnyConnection, filter: &ServiceFilter) -> Result<Vec<(HsdsId, String)>> {
    let (r#where, binds) = clause(filter);
    let sql = format!("SELECT s.id, s.name FROM service s WHERE {where} ORDER BY s.name, s.id");
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = rows::all(&mut *conn, query).await?;
    rows.iter()
        .map(|r| Ok((parse("service", "id", &r.try_get::<String, _>("id")?)?, r.try_get::<String, _>("name")?)))
        .collect()
}

/// The organisations that offer a matching service.
pub async fn organizations_offering(conn: &mut AnyConnection, filter: &ServiceFilter) -> Result<Vec<Code>> {
    let (r#where, binds) = clause(filter);
    let sql = format!("SELECT DISTINCT s.organization_code FROM service s WHERE {where}");
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = rows::all(&mut *conn, query).await?;
    rows.iter().map(|r| parse("service", "organization_code", &r.try_get::<String, _>("organization_code")?)).collect()
}

/// The locations where a matching service is given.
pub async fn locations_hosting(conn: &mut AnyConnection, filter: &ServiceFilter) -> Result<Vec<HsdsId>> {
    let (r#where, binds) = clause(filter);
    let sql = format!(
        "SELECT DISTINCT sl.location_id FROM service_location sl JOIN service s ON s.id = sl.service_id WHERE {where}"
    );
    let mut query = sqlx::query(&sql);
    for b in &binds {
        query = query.bind(b);
    }
    let rows = rows::all(&mut *conn, query).await?;
    rows.iter().map(|r| parse("service_location", "location_id", &r.try_get::<String, _>("location_id")?)).collect()
}
