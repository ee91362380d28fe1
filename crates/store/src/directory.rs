//! The social map: taxonomy terms, locations and services. Like the region,
//! reads return whole core aggregates and a save replaces a service's child
//! rows; every save of a service also appends to its history.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, Utc};
use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{
    Contact, GeoPoint, HsdsId, Location, LocationAddress, OpeningSlot, Phone, Schedule, Service, TaxonomyTerm,
};

use crate::error::{Result, StoreError};
use crate::text::{opt_date, parse, parse_opt, parse_time, timestamp};

pub async fn taxonomy_terms(conn: &mut AnyConnection) -> Result<Vec<TaxonomyTerm>> {
    let mut synonyms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in sqlx::query("SELECT term_code, synonym FROM taxonomy_synonym ORDER BY term_code, position")
        .fetch_all(&mut *conn)
        .await?
    {
        synonyms.entry(r.try_get("term_code")?).or_default().push(r.try_get("synonym")?);
    }
    sqlx::query("SELECT code, name, description, parent_code FROM taxonomy_term ORDER BY name, code")
        .fetch_all(&mut *conn)
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
        sqlx::query("SELECT COUNT(*) AS n FROM taxonomy_term").fetch_one(&mut *conn).await?.try_get("n")?;
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
    sqlx::query(
        "SELECT id, organization_code, name, description, street, house_number, house_number_suffix, postcode, city,
                latitude, longitude
         FROM location ORDER BY name, id",
    )
    .fetch_all(&mut *conn)
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
            (Some(lat), Some(lon)) => Some(GeoPoint::new(lat, lon).map_err(|e| corrupt("location", "latitude", e))?),
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
    let a = l.address.as_ref();
    sqlx::query(
        "INSERT INTO location (id, organization_code, name, description, street, house_number, house_number_suffix,
                               postcode, city, latitude, longitude)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET organization_code = excluded.organization_code, name = excluded.name,
             description = excluded.description, street = excluded.street, house_number = excluded.house_number,
             house_number_suffix = excluded.house_number_suffix, postcode = excluded.postcode, city = excluded.city,
             latitude = excluded.latitude, longitude = excluded.longitude",
    )
    .bind(l.id.as_str())
    .bind(l.organization.as_str())
    .bind(&l.name)
    .bind(l.description.clone())
    .bind(a.map(|a| a.street.clone()))
    .bind(a.map(|a| i64::from(a.house_number)))
    .bind(a.and_then(|a| a.house_number_suffix.clone()))
    .bind(a.map(|a| a.postcode.as_str().to_owned()))
    .bind(a.map(|a| a.city.clone()))
    .bind(l.point.map(|p| p.latitude))
    .bind(l.point.map(|p| p.longitude))
    .execute(&mut *conn)
    .await?;
    Ok(())
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
    phones: BTreeMap<String, Vec<Phone>>,
    contacts: BTreeMap<String, Vec<Contact>>,
    slots: BTreeMap<String, Vec<OpeningSlot>>,
}

/// Reads a two-column child table (service id, value) in position order.
async fn codes<T: std::str::FromStr>(
    conn: &mut AnyConnection,
    table: &'static str,
    column: &'static str,
) -> Result<BTreeMap<String, Vec<T>>>
where
    T::Err: std::fmt::Display,
{
    // Table and column come from the fixed calls below, never from input.
    let sql = format!("SELECT service_id, {column} FROM {table} ORDER BY service_id, position");
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for r in sqlx::query(&sql).fetch_all(&mut *conn).await? {
        out.entry(r.try_get("service_id")?).or_default().push(parse(table, column, &r.try_get::<String, _>(column)?)?);
    }
    Ok(out)
}

fn time(value: &str, column: &'static str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|e| corrupt("service_schedule", column, e))
}

async fn children(conn: &mut AnyConnection) -> Result<Children> {
    let mut c = Children {
        locations: codes(conn, "service_location", "location_id").await?,
        languages: codes(conn, "service_language", "language").await?,
        pathways: codes(conn, "service_pathway", "pathway").await?,
        wijken: codes(conn, "service_wijk", "wijk_code").await?,
        networks: codes(conn, "service_network", "network_code").await?,
        terms: codes(conn, "service_term", "term_code").await?,
        ..Children::default()
    };
    for r in sqlx::query("SELECT service_id, number, description FROM service_phone ORDER BY service_id, position")
        .fetch_all(&mut *conn)
        .await?
    {
        c.phones
            .entry(r.try_get("service_id")?)
            .or_default()
            .push(Phone { number: r.try_get("number")?, description: r.try_get("description")? });
    }
    for r in
        sqlx::query("SELECT service_id, name, title, email, phone FROM service_contact ORDER BY service_id, position")
            .fetch_all(&mut *conn)
            .await?
    {
        c.contacts.entry(r.try_get("service_id")?).or_default().push(Contact {
            name: r.try_get("name")?,
            title: r.try_get("title")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
        });
    }
    for r in sqlx::query(
        "SELECT service_id, weekday, opens, closes FROM service_schedule ORDER BY service_id, weekday, opens",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let weekday: i64 = r.try_get("weekday")?;
        c.slots.entry(r.try_get("service_id")?).or_default().push(OpeningSlot {
            weekday: u8::try_from(weekday).map_err(|e| corrupt("service_schedule", "weekday", e))?,
            opens: time(&r.try_get::<String, _>("opens")?, "opens")?,
            closes: time(&r.try_get::<String, _>("closes")?, "closes")?,
        });
    }
    Ok(c)
}

fn age(value: Option<i64>, column: &'static str) -> Result<Option<u8>> {
    value.map(|v| u8::try_from(v).map_err(|e| corrupt("service", column, e))).transpose()
}

/// Every service, with all its parts.
pub async fn services(conn: &mut AnyConnection) -> Result<Vec<Service>> {
    let rows = sqlx::query(
        "SELECT id, organization_code, name, alternate_name, description, url, email, status, assured_date,
                application_process, fees_description, free_of_charge, eligibility_description, minimum_age,
                maximum_age, domain, by_appointment, schedule_notes
         FROM service ORDER BY name, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut c = children(conn).await?;
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
                phones: c.phones.remove(&id).unwrap_or_default(),
                contacts: c.contacts.remove(&id).unwrap_or_default(),
                schedule: Schedule {
                    slots: c.slots.remove(&id).unwrap_or_default(),
                    by_appointment: r.try_get::<i64, _>("by_appointment")? != 0,
                    notes: r.try_get("schedule_notes")?,
                },
                locations: c.locations.remove(&id).unwrap_or_default(),
                id: parse("service", "id", &id)?,
            })
        })
        .collect()
}

pub async fn service(conn: &mut AnyConnection, id: &HsdsId) -> Result<Option<Service>> {
    Ok(services(conn).await?.into_iter().find(|s| &s.id == id))
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
    sqlx::query(
        "INSERT INTO service (id, organization_code, name, alternate_name, description, url, email, status, assured_date,
                              application_process, fees_description, free_of_charge, eligibility_description,
                              minimum_age, maximum_age, domain, by_appointment, schedule_notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (id) DO UPDATE SET organization_code = excluded.organization_code, name = excluded.name,
             alternate_name = excluded.alternate_name, description = excluded.description, url = excluded.url,
             email = excluded.email, status = excluded.status, assured_date = excluded.assured_date,
             application_process = excluded.application_process, fees_description = excluded.fees_description,
             free_of_charge = excluded.free_of_charge, eligibility_description = excluded.eligibility_description,
             minimum_age = excluded.minimum_age, maximum_age = excluded.maximum_age, domain = excluded.domain,
             by_appointment = excluded.by_appointment, schedule_notes = excluded.schedule_notes",
    )
    .bind(s.id.as_str())
    .bind(s.organization.as_str())
    .bind(&s.name)
    .bind(s.alternate_name.clone())
    .bind(&s.description)
    .bind(s.url.clone())
    .bind(s.email.clone())
    .bind(s.status.code())
    .bind(opt_date(s.assured_date))
    .bind(s.application_process.clone())
    .bind(s.fees_description.clone())
    .bind(i64::from(s.free_of_charge))
    .bind(s.eligibility_description.clone())
    .bind(s.minimum_age.map(i64::from))
    .bind(s.maximum_age.map(i64::from))
    .bind(s.domain.code())
    .bind(i64::from(s.schedule.by_appointment))
    .bind(s.schedule.notes.clone())
    .execute(&mut *conn)
    .await?;
    let id = s.id.as_str();
    for table in [
        "service_location",
        "service_language",
        "service_pathway",
        "service_wijk",
        "service_network",
        "service_term",
        "service_phone",
        "service_contact",
        "service_schedule",
    ] {
        // The table name comes from the fixed list above, never from input.
        sqlx::query(&format!("DELETE FROM {table} WHERE service_id = $1")).bind(id).execute(&mut *conn).await?;
    }
    let lists: [(&str, &str, Vec<String>); 6] = [
        ("service_location", "location_id", s.locations.iter().map(|l| l.as_str().to_owned()).collect()),
        ("service_language", "language", s.languages.iter().map(|l| l.as_str().to_owned()).collect()),
        ("service_pathway", "pathway", s.pathways.iter().map(|p| p.code().to_owned()).collect()),
        ("service_wijk", "wijk_code", s.serves_wijken.iter().map(|c| c.as_str().to_owned()).collect()),
        ("service_network", "network_code", s.serves_networks.iter().map(|c| c.as_str().to_owned()).collect()),
        ("service_term", "term_code", s.taxonomy_terms.iter().map(|c| c.as_str().to_owned()).collect()),
    ];
    for (table, column, values) in lists {
        for (position, value) in values.iter().enumerate() {
            sqlx::query(&format!("INSERT INTO {table} (service_id, {column}, position) VALUES ($1, $2, $3)"))
                .bind(id)
                .bind(value)
                .bind(position as i64)
                .execute(&mut *conn)
                .await?;
        }
    }
    for (position, p) in s.phones.iter().enumerate() {
        sqlx::query("INSERT INTO service_phone (service_id, position, number, description) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(position as i64)
            .bind(&p.number)
            .bind(p.description.clone())
            .execute(&mut *conn)
            .await?;
    }
    for (position, c) in s.contacts.iter().enumerate() {
        sqlx::query(
            "INSERT INTO service_contact (service_id, position, name, title, email, phone) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&c.name)
        .bind(c.title.clone())
        .bind(c.email.clone())
        .bind(c.phone.clone())
        .execute(&mut *conn)
        .await?;
    }
    for slot in &s.schedule.slots {
        sqlx::query("INSERT INTO service_schedule (service_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i64::from(slot.weekday))
            .bind(slot.opens.format("%H:%M").to_string())
            .bind(slot.closes.format("%H:%M").to_string())
            .execute(&mut *conn)
            .await?;
    }
    let snapshot = serde_json::to_string(s).map_err(|e| corrupt("service_change", "snapshot", e))?;
    sqlx::query(
        "INSERT INTO service_change (service_id, changed_at, user_id, summary, snapshot) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(timestamp(change.changed_at))
    .bind(change.user_id)
    .bind(&change.summary)
    .bind(snapshot)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A service's history, oldest first.
pub async fn service_history(conn: &mut AnyConnection, id: &HsdsId) -> Result<Vec<ServiceChange>> {
    sqlx::query("SELECT changed_at, user_id, summary FROM service_change WHERE service_id = $1 ORDER BY id")
        .bind(id.as_str())
        .fetch_all(&mut *conn)
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
    let mut changed = 0;
    for (postcode, point) in centroids {
        let existing = sqlx::query("SELECT latitude, longitude FROM postcode_centroid WHERE postcode = $1")
            .bind(postcode)
            .fetch_optional(&mut *conn)
            .await?;
        let same = match existing {
            Some(r) => {
                r.try_get::<f64, _>("latitude")? == point.latitude
                    && r.try_get::<f64, _>("longitude")? == point.longitude
            }
            None => false,
        };
        if same {
            continue;
        }
        sqlx::query(
            "INSERT INTO postcode_centroid (postcode, latitude, longitude) VALUES ($1, $2, $3)
             ON CONFLICT (postcode) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude",
        )
        .bind(postcode)
        .bind(point.latitude)
        .bind(point.longitude)
        .execute(&mut *conn)
        .await?;
        changed += 1;
    }
    Ok(changed)
}

/// Where a postcode lies: its own PC6 centroid if known, else its PC4 area's.
pub async fn postcode_point(
    conn: &mut AnyConnection,
    postcode: &wijkregie_core::codes::Postcode,
) -> Result<Option<GeoPoint>> {
    for key in [postcode.as_str(), postcode.pc4()] {
        if let Some(r) = sqlx::query("SELECT latitude, longitude FROM postcode_centroid WHERE postcode = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?
        {
            let (lat, lon): (f64, f64) = (r.try_get("latitude")?, r.try_get("longitude")?);
            return Ok(Some(GeoPoint::new(lat, lon).map_err(|e| corrupt("postcode_centroid", "latitude", e))?));
        }
    }
    Ok(None)
}
