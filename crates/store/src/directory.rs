//! The social map: taxonomy terms, locations and services. Like the region,
//! reads return whole core aggregates and a save replaces a service's child
//! rows; every save of a service also appends to its history.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveTime, Utc};
use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{
    Contact, GeoPoint, HsdsId, Location, LocationAddress, OpeningSlot, Phone, Schedule, ScheduleRule, Service,
    TaxonomyTerm,
};

use crate::batch::{self, Rows};
use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{opt_date, parse, parse_opt, parse_time, timestamp};

pub async fn taxonomy_terms(conn: &mut AnyConnection) -> Result<Vec<TaxonomyTerm>> {
    let mut synonyms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows::all(
        &mut *conn,
        sqlx::query("SELECT term_code, synonym FROM taxonomy_synonym ORDER BY term_code, position"),
    )
    .await?
    {
        synonyms.entry(r.try_get("term_code")?).or_default().push(r.try_get("synonym")?);
    }
    rows::all(
        &mut *conn,
        sqlx::query("SELECT code, name, description, parent_code FROM taxonomy_term ORDER BY name, code"),
    )
    .await?
    .into_iter()
    .map(|r| {
        let code: String = r.try_get("code")?;
        Ok(TaxonomyTerm {
            synonyms: synonyms.remove(&code).unwrap_or_default(),
            code: parse("taxonomy_term", "code", &code)?,
            name: r.try_get("name")?,
            description: r.try_get("description")?,
            parent: parse_opt("taxonomy_term", "parent_code", r.try_get("parent_code")?)?,
        })
    })
    .collect()
}

/// One hulpvraag by its code, with its synonyms.
pub async fn taxonomy_term(conn: &mut AnyConnection, code: &Code) -> Result<Option<TaxonomyTerm>> {
    let Some(r) = rows::optional(
        &mut *conn,
        sqlx::query("SELECT code, name, description, parent_code FROM taxonomy_term WHERE code = $1")
            .bind(code.as_str()),
    )
    .await?
    else {
        return Ok(None);
    };
    let synonyms = rows::all(
        &mut *conn,
        sqlx::query("SELECT synonym FROM taxonomy_synonym WHERE term_code = $1 ORDER BY position").bind(code.as_str()),
    )
    .await?
    .iter()
    .map(|r| r.try_get("synonym"))
    .collect::<std::result::Result<_, _>>()?;
    Ok(Some(TaxonomyTerm {
        synonyms,
        code: parse("taxonomy_term", "code", &r.try_get::<String, _>("code")?)?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        parent: parse_opt("taxonomy_term", "parent_code", r.try_get("parent_code")?)?,
    }))
}

pub async fn save_taxonomy_term(conn: &mut AnyConnection, t: &TaxonomyTerm) -> Result<()> {
    sqlx::query(
        "INSERT INTO taxonomy_term (code, name, description, parent_code) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, description = excluded.description,
             parent_code = excluded.parent_code",
    )
    .bind(t.code.as_str())
    .bind(&t.name)
    .bind(t.description.clone())
    .bind(t.parent.as_ref().map(|p| p.as_str().to_owned()))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM taxonomy_synonym WHERE term_code = $1").bind(t.code.as_str()).execute(&mut *conn).await?;
    for (position, synonym) in t.synonyms.iter().enumerate() {
        sqlx::query("INSERT INTO taxonomy_synonym (term_code, synonym, position) VALUES ($1, $2, $3)")
            .bind(t.code.as_str())
            .bind(synonym)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Loads the shipped taxonomy into an empty database; a taxonomy the region
/// has already edited is never touched. Returns how many terms were added.
pub async fn seed_taxonomy(conn: &mut AnyConnection, terms: &[TaxonomyTerm]) -> Result<usize> {
    let existing: i64 =
        rows::one(&mut *conn, sqlx::query("SELECT COUNT(*) AS n FROM taxonomy_term")).await?.try_get("n")?;
    if existing > 0 {
        return Ok(0);
    }
    // Parents first, so the foreign key holds whatever order the file has.
    let mut saved: Vec<&Code> = Vec::new();
    let mut pending: Vec<&TaxonomyTerm> = terms.iter().collect();
    while !pending.is_empty() {
        let (ready, rest): (Vec<&TaxonomyTerm>, Vec<&TaxonomyTerm>) =
            pending.into_iter().partition(|t| t.parent.as_ref().is_none_or(|p| saved.contains(&p)));
        if ready.is_empty() {
            return Err(StoreError::Unsupported(
                "de taxonomie bevat een kringverwijzing of een onbekende ouder".into(),
            ));
        }
        for t in ready {
            save_taxonomy_term(conn, t).await?;
            saved.push(&t.code);
        }
        pending = rest;
    }
    Ok(saved.len())
}

fn corrupt(table: &'static str, column: &'static str, message: impl ToString) -> StoreError {
    StoreError::Corrupt { table, column, message: message.to_string() }
}

pub async fn locations(conn: &mut AnyConnection) -> Result<Vec<Location>> {
    load_locations(conn, Which::All).await
}

/// The locations with these ids (in name order); unknown ids are left out.
pub async fn locations_by_ids(conn: &mut AnyConnection, ids: &[HsdsId]) -> Result<Vec<Location>> {
    let keys: Vec<String> = ids.iter().map(|id| id.as_str().to_owned()).collect();
    let mut out = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(batch::MAX_KEYS) {
        out.extend(load_locations(conn, Which::Ids(chunk)).await?);
    }
    Ok(out)
}

async fn load_locations(conn: &mut AnyConnection, which: Which<'_>) -> Result<Vec<Location>> {
    let sql = format!(
        "SELECT id, organization_code, name, description, street, house_number, house_number_suffix, postcode, city,
                latitude, longitude
         FROM location {} ORDER BY name, id",
        which.clause("id")
    );
    rows::all(&mut *conn, which.query(&sql))
        .await?
        .into_iter()
        .map(|r| {
            let street: Option<String> = r.try_get("street")?;
            let address = match street {
                None => None,
                Some(street) => {
                    let number: Option<i64> = r.try_get("house_number")?;
                    Some(LocationAddress {
                        street,
                        house_number: u32::try_from(number.unwrap_or(0))
                            .map_err(|e| corrupt("location", "house_number", e))?,
                        house_number_suffix: r.try_get("house_number_suffix")?,
                        postcode: parse(
                            "location",
                            "postcode",
                            &r.try_get::<Option<String>, _>("postcode")?.unwrap_or_default(),
                        )?,
                        city: r.try_get::<Option<String>, _>("city")?.unwrap_or_default(),
                    })
                }
            };
            let point = match (r.try_get::<Option<f64>, _>("latitude")?, r.try_get::<Option<f64>, _>("longitude")?) {
                (Some(lat), Some(lon)) => {
                    Some(GeoPoint::new(lat, lon).map_err(|e| corrupt("location", "latitude", e))?)
                }
                _ => None,
            };
            Ok(Location {
                id: parse("location", "id", &r.try_get::<String, _>("id")?)?,
                organization: parse("location", "organization_code", &r.try_get::<String, _>("organization_code")?)?,
                name: r.try_get("name")?,
                description: r.try_get("description")?,
                address,
                point,
            })
        })
        .collect()
}

pub async fn save_location(conn: &mut AnyConnection, l: &Location) -> Result<()> {
    save_locations(conn, std::slice::from_ref(l)).await
}

/// Writes locations, replacing those with the same id, in multi-row
/// statements. When an id occurs twice, the last one counts.
pub async fn save_locations(conn: &mut AnyConnection, locations: &[Location]) -> Result<()> {
    let mut last: HashMap<&HsdsId, usize> = HashMap::with_capacity(locations.len());
    for (i, l) in locations.iter().enumerate() {
        last.insert(&l.id, i);
    }
    let mut rows = Rows::new(
        "location",
        &[
            "id",
            "organization_code",
            "name",
            "description",
            "street",
            "house_number",
            "house_number_suffix",
            "postcode",
            "city",
            "latitude",
            "longitude",
        ],
        "ON CONFLICT (id) DO UPDATE SET organization_code = excluded.organization_code, name = excluded.name,
             description = excluded.description, street = excluded.street, house_number = excluded.house_number,
             house_number_suffix = excluded.house_number_suffix, postcode = excluded.postcode, city = excluded.city,
             latitude = excluded.latitude, longitude = excluded.longitude",
    );
    for (i, l) in locations.iter().enumerate() {
        if last[&l.id] != i {
            continue;
        }
        let a = l.address.as_ref();
        rows.push([
            l.id.as_str().into(),
            l.organization.as_str().into(),
            l.name.clone().into(),
            l.description.clone().into(),
            a.map(|a| a.street.clone()).into(),
            a.map(|a| i64::from(a.house_number)).into(),
            a.and_then(|a| a.house_number_suffix.clone()).into(),
            a.map(|a| a.postcode.as_str().to_owned()).into(),
            a.map(|a| a.city.clone()).into(),
            l.point.map(|p| p.latitude).into(),
            l.point.map(|p| p.longitude).into(),
        ]);
        rows.write_full(conn).await?;
    }
    rows.write_all(conn).await
}

/// Child rows of all services, grouped by service id.
#[derive(Default)]
struct Children {
    locations: BTreeMap<String, Vec<HsdsId>>,
    languages: BTreeMap<String, Vec<wijkregie_core::directory::LanguageCode>>,
    pathways: BTreeMap<String, Vec<wijkregie_core::directory::Pathway>>,
    wijken: BTreeMap<String, Vec<Code>>,
    networks: BTreeMap<String, Vec<Code>>,
    terms: BTreeMap<String, Vec<Code>>,
    foreign: BTreeMap<String, Vec<HsdsId>>,
    phones: BTreeMap<String, Vec<Phone>>,
    contacts: BTreeMap<String, Vec<Contact>>,
    slots: BTreeMap<String, Vec<OpeningSlot>>,
    rules: BTreeMap<String, Vec<ScheduleRule>>,
}

/// Which services a read is for: all of them, or those with these ids.
#[derive(Clone, Copy)]
enum Which<'a> {
    All,
    Ids(&'a [String]),
    /// Ids after the first and up to and including the second.
    Range(&'a str, &'a str),
}

impl<'a> Which<'a> {
    /// The `WHERE` clause on `column`; the ids are bound by [`Which::query`].
    fn clause(self, column: &str) -> String {
        match self {
            Which::All => String::new(),
            Which::Ids(ids) => format!("WHERE {column} IN ({})", batch::list(ids.len())),
            Which::Range(..) => format!("WHERE {column} > $1 AND {column} <= $2"),
        }
    }

    fn query(self, sql: &'a str) -> sqlx::query::Query<'a, sqlx::Any, sqlx::any::AnyArguments<'a>> {
        let mut q = sqlx::query(sql);
        match self {
            Which::All => {}
            Which::Ids(ids) => {
                for id in ids {
                    q = q.bind(id.as_str());
                }
            }
            Which::Range(after, last) => q = q.bind(after).bind(last),
        }
        q
    }
}

fn time(value: &str, column: &'static str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|e| corrupt("service_schedule", column, e))
}

/// The child rows of the services `which` selects. A few services by id
/// (a page of search hits) are read in one statement, because each round
/// trip through sqlx costs more than their rows; many (all, or a range of
/// ids while rebuilding the index) table by table, because the one
/// statement's seven columns per row cost more than the round trips.
async fn children(conn: &mut AnyConnection, which: Which<'_>) -> Result<Children> {
    let mut c = match which {
        Which::Ids(_) => children_at_once(conn, which).await?,
        Which::All | Which::Range(..) => children_by_table(conn, which).await?,
    };
    c.rules = schedule_rules(conn, which).await?;
    Ok(c)
}

/// The schedule rules of the services `which` selects: few services have
/// any, so one more statement costs little.
async fn schedule_rules(conn: &mut AnyConnection, which: Which<'_>) -> Result<BTreeMap<String, Vec<ScheduleRule>>> {
    let sql = format!(
        "SELECT service_id, id, freq, rule_interval, byday, bymonthday, opens, closes, valid_from, valid_to,
             description FROM service_schedule_rule {} ORDER BY service_id, position",
        which.clause("service_id")
    );
    let table = "service_schedule_rule";
    let mut out: BTreeMap<String, Vec<ScheduleRule>> = BTreeMap::new();
    for r in rows::all(&mut *conn, which.query(&sql)).await? {
        let interval: Option<i64> = r.try_get("rule_interval")?;
        let clock = |column: &'static str, value: Option<String>| value.map(|v| time(&v, column)).transpose();
        out.entry(r.try_get("service_id")?).or_default().push(ScheduleRule {
            id: parse(table, "id", &r.try_get::<String, _>("id")?)?,
            freq: r.try_get("freq")?,
            interval: interval.map(|i| u32::try_from(i).map_err(|e| corrupt(table, "rule_interval", e))).transpose()?,
            byday: r.try_get("byday")?,
            bymonthday: r.try_get("bymonthday")?,
            opens: clock("opens", r.try_get("opens")?)?,
            closes: clock("closes", r.try_get("closes")?)?,
            valid_from: parse_opt(table, "valid_from", r.try_get("valid_from")?)?,
            valid_to: parse_opt(table, "valid_to", r.try_get("valid_to")?)?,
            description: r.try_get("description")?,
        });
    }
    Ok(out)
}

/// Reads a two-column child table (service id, value) in position order.
async fn codes<T: std::str::FromStr>(
    conn: &mut AnyConnection,
    which: Which<'_>,
    table: &'static str,
    column: &'static str,
) -> Result<BTreeMap<String, Vec<T>>>
where
    T::Err: std::fmt::Display,
{
    // Table and column come from the fixed calls below, never from input.
    let sql = format!(
        "SELECT service_id, {column} FROM {table} {} ORDER BY service_id, position",
        which.clause("service_id")
    );
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for r in rows::all(&mut *conn, which.query(&sql)).await? {
        out.entry(r.try_get("service_id")?).or_default().push(parse(table, column, &r.try_get::<String, _>(column)?)?);
    }
    Ok(out)
}

async fn children_by_table(conn: &mut AnyConnection, which: Which<'_>) -> Result<Children> {
    let mut c = Children {
        locations: codes(conn, which, "service_location", "location_id").await?,
        languages: codes(conn, which, "service_language", "language").await?,
        pathways: codes(conn, which, "service_pathway", "pathway").await?,
        wijken: codes(conn, which, "service_wijk", "wijk_code").await?,
        networks: codes(conn, which, "service_network", "network_code").await?,
        terms: codes(conn, which, "service_term", "term_code").await?,
        foreign: codes(conn, which, "service_foreign_term", "term_id").await?,
        ..Children::default()
    };
    let sql = format!(
        "SELECT service_id, number, description FROM service_phone {} ORDER BY service_id, position",
        which.clause("service_id")
    );
    for r in rows::all(&mut *conn, which.query(&sql)).await? {
        c.phones
            .entry(r.try_get("service_id")?)
            .or_default()
            .push(Phone { number: r.try_get("number")?, description: r.try_get("description")? });
    }
    let sql = format!(
        "SELECT service_id, name, title, email, phone FROM service_contact {} ORDER BY service_id, position",
        which.clause("service_id")
    );
    for r in rows::all(&mut *conn, which.query(&sql)).await? {
        c.contacts.entry(r.try_get("service_id")?).or_default().push(Contact {
            name: r.try_get("name")?,
            title: r.try_get("title")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
        });
    }
    let sql = format!(
        "SELECT service_id, weekday, opens, closes FROM service_schedule {} ORDER BY service_id, weekday, opens",
        which.clause("service_id")
    );
    for r in rows::all(&mut *conn, which.query(&sql)).await? {
        let weekday: i64 = r.try_get("weekday")?;
        c.slots.entry(r.try_get("service_id")?).or_default().push(OpeningSlot {
            weekday: u8::try_from(weekday).map_err(|e| corrupt("service_schedule", "weekday", e))?,
            opens: time(&r.try_get::<String, _>("opens")?, "opens")?,
            closes: time(&r.try_get::<String, _>("closes")?, "closes")?,
        });
    }
    Ok(c)
}

/// Every child table as rows of (kind, service id, position or weekday, up
/// to four texts), in one statement.
async fn children_at_once(conn: &mut AnyConnection, which: Which<'_>) -> Result<Children> {
    // Table and column names are fixed here, never input; `which` only
    // adds placeholders, the same ones in every part.
    let w = which.clause("service_id");
    let sql = format!(
        "SELECT 'l' AS kind, service_id, position AS n, location_id AS a, NULL AS b, NULL AS c, NULL AS d
             FROM service_location {w}
         UNION ALL SELECT 'g', service_id, position, language, NULL, NULL, NULL FROM service_language {w}
         UNION ALL SELECT 'p', service_id, position, pathway, NULL, NULL, NULL FROM service_pathway {w}
         UNION ALL SELECT 'w', service_id, position, wijk_code, NULL, NULL, NULL FROM service_wijk {w}
         UNION ALL SELECT 'n', service_id, position, network_code, NULL, NULL, NULL FROM service_network {w}
         UNION ALL SELECT 't', service_id, position, term_code, NULL, NULL, NULL FROM service_term {w}
         UNION ALL SELECT 'x', service_id, position, term_id, NULL, NULL, NULL FROM service_foreign_term {w}
         UNION ALL SELECT 'f', service_id, position, number, description, NULL, NULL FROM service_phone {w}
         UNION ALL SELECT 'c', service_id, position, name, title, email, phone FROM service_contact {w}
         UNION ALL SELECT 's', service_id, weekday, opens, closes, NULL, NULL FROM service_schedule {w}
         ORDER BY service_id, kind, n, a"
    );
    let mut c = Children::default();
    for r in rows::all(&mut *conn, which.query(&sql)).await? {
        let kind: String = r.try_get("kind")?;
        let id: String = r.try_get("service_id")?;
        let a: Option<String> = r.try_get("a")?;
        let text =
            |table: &'static str, column: &'static str| a.clone().ok_or_else(|| corrupt(table, column, "ontbreekt"));
        match kind.as_str() {
            "l" => c.locations.entry(id).or_default().push(parse(
                "service_location",
                "location_id",
                &text("service_location", "location_id")?,
            )?),
            "g" => c.languages.entry(id).or_default().push(parse(
                "service_language",
                "language",
                &text("service_language", "language")?,
            )?),
            "p" => c.pathways.entry(id).or_default().push(parse(
                "service_pathway",
                "pathway",
                &text("service_pathway", "pathway")?,
            )?),
            "w" => c.wijken.entry(id).or_default().push(parse(
                "service_wijk",
                "wijk_code",
                &text("service_wijk", "wijk_code")?,
            )?),
            "n" => c.networks.entry(id).or_default().push(parse(
                "service_network",
                "network_code",
                &text("service_network", "network_code")?,
            )?),
            "t" => c.terms.entry(id).or_default().push(parse(
                "service_term",
                "term_code",
                &text("service_term", "term_code")?,
            )?),
            "x" => c.foreign.entry(id).or_default().push(parse(
                "service_foreign_term",
                "term_id",
                &text("service_foreign_term", "term_id")?,
            )?),
            "f" => c
                .phones
                .entry(id)
                .or_default()
                .push(Phone { number: text("service_phone", "number")?, description: r.try_get("b")? }),
            "c" => c.contacts.entry(id).or_default().push(Contact {
                name: text("service_contact", "name")?,
                title: r.try_get("b")?,
                email: r.try_get("c")?,
                phone: r.try_get("d")?,
            }),
            "s" => {
                let weekday: i64 = r.try_get("n")?;
                let closes: Option<String> = r.try_get("b")?;
                c.slots.entry(id).or_default().push(OpeningSlot {
                    weekday: u8::try_from(weekday).map_err(|e| corrupt("service_schedule", "weekday", e))?,
                    opens: time(&text("service_schedule", "opens")?, "opens")?,
                    closes: time(&closes.unwrap_or_default(), "closes")?,
                });
            }
            other => return Err(corrupt("service", "kind", format!("onbekend soort onderdeel '{other}'"))),
        }
    }
    Ok(c)
}

fn age(value: Option<i64>, column: &'static str) -> Result<Option<u8>> {
    value.map(|v| u8::try_from(v).map_err(|e| corrupt("service", column, e))).transpose()
}

const SERVICE_COLUMNS: &str = "id, organization_code, name, alternate_name, description, url, email, status,
    assured_date, application_process, fees_description, free_of_charge, eligibility_description, minimum_age,
    maximum_age, domain, by_appointment, schedule_notes";

/// Services with all their parts, ordered by name.
async fn load(conn: &mut AnyConnection, which: Which<'_>) -> Result<Vec<Service>> {
    let sql = format!("SELECT {SERVICE_COLUMNS} FROM service {} ORDER BY name, id", which.clause("id"));
    let rows = rows::all(&mut *conn, which.query(&sql)).await?;
    let c = children(conn, which).await?;
    assemble(rows, c)
}

/// A page of services in id order, after `after` (from the start when
/// `None`): for reading every service without holding all of them, as the
/// index rebuild at start does. An empty page is the end.
pub async fn services_page(conn: &mut AnyConnection, after: Option<&HsdsId>, limit: usize) -> Result<Vec<Service>> {
    // Every id sorts after the empty string, in both engines.
    let after = after.map_or("", HsdsId::as_str);
    let sql = format!("SELECT {SERVICE_COLUMNS} FROM service WHERE id > $1 ORDER BY id LIMIT $2");
    let rows = rows::all(&mut *conn, sqlx::query(&sql).bind(after).bind(limit as i64)).await?;
    let Some(last) = rows.last().map(|r| r.try_get::<String, _>("id")).transpose()? else {
        return Ok(Vec::new());
    };
    let c = children(conn, Which::Range(after, &last)).await?;
    assemble(rows, c)
}

fn assemble(rows: Vec<sqlx::any::AnyRow>, mut c: Children) -> Result<Vec<Service>> {
    rows.into_iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            Ok(Service {
                organization: parse("service", "organization_code", &r.try_get::<String, _>("organization_code")?)?,
                name: r.try_get("name")?,
                alternate_name: r.try_get("alternate_name")?,
                description: r.try_get("description")?,
                url: r.try_get("url")?,
                email: r.try_get("email")?,
                status: parse("service", "status", &r.try_get::<String, _>("status")?)?,
                assured_date: parse_opt("service", "assured_date", r.try_get("assured_date")?)?,
                application_process: r.try_get("application_process")?,
                fees_description: r.try_get("fees_description")?,
                free_of_charge: r.try_get::<i64, _>("free_of_charge")? != 0,
                eligibility_description: r.try_get("eligibility_description")?,
                minimum_age: age(r.try_get("minimum_age")?, "minimum_age")?,
                maximum_age: age(r.try_get("maximum_age")?, "maximum_age")?,
                domain: parse("service", "domain", &r.try_get::<String, _>("domain")?)?,
                languages: c.languages.remove(&id).unwrap_or_default(),
                pathways: c.pathways.remove(&id).unwrap_or_default(),
                serves_wijken: c.wijken.remove(&id).unwrap_or_default(),
                serves_networks: c.networks.remove(&id).unwrap_or_default(),
                taxonomy_terms: c.terms.remove(&id).unwrap_or_default(),
                foreign_terms: c.foreign.remove(&id).unwrap_or_default(),
                phones: c.phones.remove(&id).unwrap_or_default(),
                contacts: c.contacts.remove(&id).unwrap_or_default(),
                schedule: Schedule {
                    slots: c.slots.remove(&id).unwrap_or_default(),
                    by_appointment: r.try_get::<i64, _>("by_appointment")? != 0,
                    notes: r.try_get("schedule_notes")?,
                    rules: c.rules.remove(&id).unwrap_or_default(),
                },
                locations: c.locations.remove(&id).unwrap_or_default(),
                id: parse("service", "id", &id)?,
            })
        })
        .collect()
}

/// Every service, with all its parts.
pub async fn services(conn: &mut AnyConnection) -> Result<Vec<Service>> {
    load(conn, Which::All).await
}

/// The services with these ids, in the order asked; unknown ids are left
/// out. For turning search hits into services without reading them all.
pub async fn services_by_ids(conn: &mut AnyConnection, ids: &[HsdsId]) -> Result<Vec<Service>> {
    let keys: Vec<String> = ids.iter().map(|id| id.as_str().to_owned()).collect();
    let mut found: HashMap<HsdsId, Service> = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(batch::MAX_KEYS) {
        found.extend(load(conn, Which::Ids(chunk)).await?.into_iter().map(|s| (s.id.clone(), s)));
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

pub async fn service(conn: &mut AnyConnection, id: &HsdsId) -> Result<Option<Service>> {
    Ok(services_by_ids(conn, std::slice::from_ref(id)).await?.pop())
}

/// Who changed a service, when, and in a few words what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceChange {
    pub changed_at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub summary: String,
}

/// Writes a service with all its parts and records the change in its history.
pub async fn save_service(conn: &mut AnyConnection, s: &Service, change: &ServiceChange) -> Result<()> {
    save_services(conn, std::slice::from_ref(s), change).await
}

/// The child tables of a service, replaced whole on every save.
const CHILD_TABLES: [&str; 11] = [
    "service_location",
    "service_language",
    "service_pathway",
    "service_wijk",
    "service_network",
    "service_term",
    "service_foreign_term",
    "service_phone",
    "service_contact",
    "service_schedule",
    "service_schedule_rule",
];

/// How many services one round of a bulk save writes before their
/// children; also the length of the `IN` list that deletes their old
/// children (see [`batch`] on why lists stay short).
const SERVICES_PER_ROUND: usize = 100;

/// Writes services with all their parts and records the change in each
/// one's history, in multi-row statements (see [`batch`]): an import of
/// 100,000 services is a few thousand statements instead of millions.
/// When an id occurs twice, the last one counts.
pub async fn save_services(conn: &mut AnyConnection, services: &[Service], change: &ServiceChange) -> Result<()> {
    let mut last: HashMap<&HsdsId, usize> = HashMap::with_capacity(services.len());
    for (i, s) in services.iter().enumerate() {
        last.insert(&s.id, i);
    }
    let services: Vec<&Service> =
        services.iter().enumerate().filter(|(i, s)| last[&s.id] == *i).map(|(_, s)| s).collect();

    let mut rows = Rows::new(
        "service",
        &[
            "id",
            "organization_code",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "assured_date",
            "application_process",
            "fees_description",
            "free_of_charge",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "domain",
            "by_appointment",
            "schedule_notes",
        ],
        "ON CONFLICT (id) DO UPDATE SET organization_code = excluded.organization_code, name = excluded.name,
             alternate_name = excluded.alternate_name, description = excluded.description, url = excluded.url,
             email = excluded.email, status = excluded.status, assured_date = excluded.assured_date,
             application_process = excluded.application_process, fees_description = excluded.fees_description,
             free_of_charge = excluded.free_of_charge, eligibility_description = excluded.eligibility_description,
             minimum_age = excluded.minimum_age, maximum_age = excluded.maximum_age, domain = excluded.domain,
             by_appointment = excluded.by_appointment, schedule_notes = excluded.schedule_notes",
    );
    let list = |table: &str, column: &str| Rows::new(table, &["service_id", column, "position"], "");
    let mut locations = list("service_location", "location_id");
    let mut languages = list("service_language", "language");
    let mut pathways = list("service_pathway", "pathway");
    let mut wijken = list("service_wijk", "wijk_code");
    let mut networks = list("service_network", "network_code");
    let mut terms = list("service_term", "term_code");
    let mut foreign = list("service_foreign_term", "term_id");
    let mut phones = Rows::new("service_phone", &["service_id", "position", "number", "description"], "");
    let mut contacts = Rows::new("service_contact", &["service_id", "position", "name", "title", "email", "phone"], "");
    let mut slots = Rows::new("service_schedule", &["service_id", "weekday", "opens", "closes"], "");
    let mut rules = Rows::new(
        "service_schedule_rule",
        &[
            "service_id",
            "position",
            "id",
            "freq",
            "rule_interval",
            "byday",
            "bymonthday",
            "opens",
            "closes",
            "valid_from",
            "valid_to",
            "description",
        ],
        "",
    );
    let mut history = Rows::new("service_change", &["service_id", "changed_at", "user_id", "summary", "snapshot"], "");
    let changed_at = timestamp(change.changed_at);

    for round in services.chunks(SERVICES_PER_ROUND) {
        for s in round {
            rows.push([
                s.id.as_str().into(),
                s.organization.as_str().into(),
                s.name.clone().into(),
                s.alternate_name.clone().into(),
                s.description.clone().into(),
                s.url.clone().into(),
                s.email.clone().into(),
                s.status.code().into(),
                opt_date(s.assured_date).into(),
                s.application_process.clone().into(),
                s.fees_description.clone().into(),
                i64::from(s.free_of_charge).into(),
                s.eligibility_description.clone().into(),
                s.minimum_age.map(i64::from).into(),
                s.maximum_age.map(i64::from).into(),
                s.domain.code().into(),
                i64::from(s.schedule.by_appointment).into(),
                s.schedule.notes.clone().into(),
            ]);
        }
        // Parents before children, as the foreign keys require; children
        // of earlier rounds may still wait in their buffers, which is fine
        // because their services are already written.
        rows.write_all(conn).await?;
        let ids: Vec<String> = round.iter().map(|s| s.id.as_str().to_owned()).collect();
        for table in CHILD_TABLES {
            // The table name comes from the fixed list above, never from input.
            let sql = format!("DELETE FROM {table} WHERE service_id IN ({})", batch::list(ids.len()));
            Which::Ids(&ids).query(&sql).execute(&mut *conn).await?;
        }
        for s in round {
            let id = s.id.as_str();
            let values: [(&mut Rows, Vec<String>); 7] = [
                (&mut locations, s.locations.iter().map(|l| l.as_str().to_owned()).collect()),
                (&mut languages, s.languages.iter().map(|l| l.as_str().to_owned()).collect()),
                (&mut pathways, s.pathways.iter().map(|p| p.code().to_owned()).collect()),
                (&mut wijken, s.serves_wijken.iter().map(|c| c.as_str().to_owned()).collect()),
                (&mut networks, s.serves_networks.iter().map(|c| c.as_str().to_owned()).collect()),
                (&mut terms, s.taxonomy_terms.iter().map(|c| c.as_str().to_owned()).collect()),
                (&mut foreign, s.foreign_terms.iter().map(|t| t.as_str().to_owned()).collect()),
            ];
            for (table, values) in values {
                for (position, value) in values.into_iter().enumerate() {
                    table.push([id.into(), value.into(), (position as i64).into()]);
                }
            }
            for (position, p) in s.phones.iter().enumerate() {
                phones.push([
                    id.into(),
                    (position as i64).into(),
                    p.number.clone().into(),
                    p.description.clone().into(),
                ]);
            }
            for (position, c) in s.contacts.iter().enumerate() {
                contacts.push([
                    id.into(),
                    (position as i64).into(),
                    c.name.clone().into(),
                    c.title.clone().into(),
                    c.email.clone().into(),
                    c.phone.clone().into(),
                ]);
            }
            for slot in &s.schedule.slots {
                slots.push([
                    id.into(),
                    i64::from(slot.weekday).into(),
                    slot.opens.format("%H:%M").to_string().into(),
                    slot.closes.format("%H:%M").to_string().into(),
                ]);
            }
            for (position, rule) in s.schedule.rules.iter().enumerate() {
                let clock = |t: Option<NaiveTime>| t.map(|t| t.format("%H:%M").to_string());
                rules.push([
                    id.into(),
                    (position as i64).into(),
                    rule.id.as_str().into(),
                    rule.freq.clone().into(),
                    rule.interval.map(i64::from).into(),
                    rule.byday.clone().into(),
                    rule.bymonthday.clone().into(),
                    clock(rule.opens).into(),
                    clock(rule.closes).into(),
                    opt_date(rule.valid_from).into(),
                    opt_date(rule.valid_to).into(),
                    rule.description.clone().into(),
                ]);
            }
            let snapshot = serde_json::to_string(s).map_err(|e| corrupt("service_change", "snapshot", e))?;
            history.push([
                id.into(),
                changed_at.clone().into(),
                change.user_id.into(),
                change.summary.clone().into(),
                snapshot.into(),
            ]);
        }
        for table in [
            &mut locations,
            &mut languages,
            &mut pathways,
            &mut wijken,
            &mut networks,
            &mut terms,
            &mut foreign,
            &mut phones,
            &mut contacts,
            &mut slots,
            &mut rules,
            &mut history,
        ] {
            table.write_full(conn).await?;
        }
    }
    for table in [
        &mut locations,
        &mut languages,
        &mut pathways,
        &mut wijken,
        &mut networks,
        &mut terms,
        &mut foreign,
        &mut phones,
        &mut contacts,
        &mut slots,
        &mut rules,
        &mut history,
    ] {
        table.write_all(conn).await?;
    }
    Ok(())
}

/// A service's history, oldest first.
pub async fn service_history(conn: &mut AnyConnection, id: &HsdsId) -> Result<Vec<ServiceChange>> {
    rows::all(
        &mut *conn,
        sqlx::query("SELECT changed_at, user_id, summary FROM service_change WHERE service_id = $1 ORDER BY id")
            .bind(id.as_str()),
    )
    .await?
    .into_iter()
    .map(|r| {
        Ok(ServiceChange {
            changed_at: parse_time("service_change", "changed_at", &r.try_get::<String, _>("changed_at")?)?,
            user_id: r.try_get("user_id")?,
            summary: r.try_get("summary")?,
        })
    })
    .collect()
}

/// Marks a service as checked today ("still correct"), in its history too.
pub async fn assure(conn: &mut AnyConnection, id: &HsdsId, change: &ServiceChange) -> Result<bool> {
    let Some(mut s) = service(conn, id).await? else { return Ok(false) };
    s.assured_date = Some(change.changed_at.date_naive());
    save_service(conn, &s, change).await?;
    Ok(true)
}

/// Stores centroids of PC6 (`1215EK`) or PC4 (`1215`) areas, replacing
/// existing ones. Returns how many were new or changed.
pub async fn save_postcode_centroids(conn: &mut AnyConnection, centroids: &[(String, GeoPoint)]) -> Result<usize> {
    let mut existing: HashMap<String, (f64, f64)> = HashMap::new();
    for r in rows::all(&mut *conn, sqlx::query("SELECT postcode, latitude, longitude FROM postcode_centroid")).await? {
        existing.insert(r.try_get("postcode")?, (r.try_get("latitude")?, r.try_get("longitude")?));
    }
    let mut rows = Rows::new(
        "postcode_centroid",
        &["postcode", "latitude", "longitude"],
        "ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude",
    );
    // The last line for a postcode counts; PostgreSQL's upsert refuses the
    // same key twice in one statement, so duplicates go first.
    let mut wanted: Vec<(&str, (f64, f64))> = Vec::with_capacity(centroids.len());
    let mut at: HashMap<&str, usize> = HashMap::with_capacity(centroids.len());
    for (postcode, point) in centroids {
        let value = (point.latitude, point.longitude);
        match at.get(postcode.as_str()) {
            Some(&i) => wanted[i].1 = value,
            None => {
                at.insert(postcode, wanted.len());
                wanted.push((postcode, value));
            }
        }
    }
    let mut changed = 0;
    for (postcode, (latitude, longitude)) in wanted {
        if existing.get(postcode) == Some(&(latitude, longitude)) {
            continue;
        }
        rows.push([postcode.into(), Some(latitude).into(), Some(longitude).into()]);
        changed += 1;
        rows.write_full(conn).await?;
    }
    rows.write_all(conn).await?;
    Ok(changed)
}

/// Where a postcode lies: its own PC6 centroid if known, else its PC4 area's.
pub async fn postcode_point(
    conn: &mut AnyConnection,
    postcode: &wijkregie_core::codes::Postcode,
) -> Result<Option<GeoPoint>> {
    area_point(conn, &postcode.clone().into()).await
}

/// Where a PC6 or PC4 lies: the PC6's own centroid if it has one, else its PC4's.
pub async fn area_point(
    conn: &mut AnyConnection,
    postcode: &wijkregie_core::codes::PostcodeArea,
) -> Result<Option<GeoPoint>> {
    let keys = if postcode.full().is_some() { vec![postcode.as_str(), postcode.pc4()] } else { vec![postcode.pc4()] };
    for key in keys {
        if let Some(r) = rows::optional(
            &mut *conn,
            sqlx::query("SELECT latitude, longitude FROM postcode_centroid WHERE postcode = $1").bind(key),
        )
        .await?
        {
            let (lat, lon): (f64, f64) = (r.try_get("latitude")?, r.try_get("longitude")?);
            return Ok(Some(GeoPoint::new(lat, lon).map_err(|e| corrupt("postcode_centroid", "latitude", e))?));
        }
    }
    Ok(None)
}
