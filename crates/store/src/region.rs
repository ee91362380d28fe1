//! Region, wijken, practices, organisations and networks. Reads return whole
//! core aggregates; `save_*` writes one aggregate, replacing its child rows,
//! so the region file import and the edit pages share one write path.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::Code;
use wijkregie_core::region::{
    classify, Address, Area, Change, ChangeCount, CoordinatorArrangement, HoursPerWeek, Membership, Network,
    Organization, OrganizationContact, PatientCount, Practice, PracticeContact, Region, RegionSnapshot, Wijk,
};

use crate::batch::{self, Rows};
use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{date, opt_date, parse, parse_opt};

pub async fn region(conn: &mut AnyConnection) -> Result<Option<Region>> {
    let row = rows::optional(&mut *conn, sqlx::query("SELECT code, name FROM region WHERE id = 1")).await?;
    row.map(|r| {
        Ok(Region { code: parse("region", "code", &r.try_get::<String, _>("code")?)?, name: r.try_get("name")? })
    })
    .transpose()
}

pub async fn save_region(conn: &mut AnyConnection, region: &Region) -> Result<()> {
    sqlx::query(
        "INSERT INTO region (id, code, name) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name",
    )
    .bind(region.code.as_str())
    .bind(&region.name)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the public social map is on; off for a region not yet set up.
pub async fn public_map(conn: &mut AnyConnection) -> Result<bool> {
    let row = rows::optional(&mut *conn, sqlx::query("SELECT public_map FROM region WHERE id = 1")).await?;
    Ok(match row {
        Some(r) => r.try_get::<i64, _>("public_map")? != 0,
        None => false,
    })
}

/// Turns the public social map on or off; false when there is no region yet.
pub async fn set_public_map(conn: &mut AnyConnection, on: bool) -> Result<bool> {
    let done =
        sqlx::query("UPDATE region SET public_map = $1 WHERE id = 1").bind(i64::from(on)).execute(&mut *conn).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn wijken(conn: &mut AnyConnection) -> Result<Vec<Wijk>> {
    let rows = rows::all(&mut *conn, sqlx::query("SELECT code, name FROM wijk ORDER BY name, code")).await?;
    let areas = rows::all(
        &mut *conn,
        sqlx::query("SELECT wijk_code, area_code, area_year FROM wijk_area ORDER BY area_code, area_year"),
    )
    .await?;
    let mut by_wijk: BTreeMap<String, Vec<Area>> = BTreeMap::new();
    for a in areas {
        by_wijk.entry(a.try_get("wijk_code")?).or_default().push(Area {
            code: parse("wijk_area", "area_code", &a.try_get::<String, _>("area_code")?)?,
            year: year(a.try_get("area_year")?)?,
        });
    }
    rows.into_iter()
        .map(|r| {
            let code: String = r.try_get("code")?;
            Ok(Wijk {
                areas: by_wijk.remove(&code).unwrap_or_default(),
                code: parse("wijk", "code", &code)?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

fn year(value: i64) -> Result<u16> {
    u16::try_from(value).map_err(|_| StoreError::Corrupt {
        table: "wijk_area",
        column: "area_year",
        message: value.to_string(),
    })
}

pub async fn wijk(conn: &mut AnyConnection, code: &Code) -> Result<Option<Wijk>> {
    Ok(wijken(conn).await?.into_iter().find(|w| &w.code == code))
}

pub async fn save_wijk(conn: &mut AnyConnection, wijk: &Wijk) -> Result<()> {
    sqlx::query("INSERT INTO wijk (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = excluded.name")
        .bind(wijk.code.as_str())
        .bind(&wijk.name)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM wijk_area WHERE wijk_code = $1").bind(wijk.code.as_str()).execute(&mut *conn).await?;
    for area in &wijk.areas {
        sqlx::query("INSERT INTO wijk_area (wijk_code, area_code, area_year) VALUES ($1, $2, $3)")
            .bind(wijk.code.as_str())
            .bind(area.code.as_str())
            .bind(i64::from(area.year))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn practices(conn: &mut AnyConnection) -> Result<Vec<Practice>> {
    let query = sqlx::query(
        "SELECT code, agb, name, street, house_number, house_number_suffix, postcode, city, wijk_code,
                phone, email, opening_hours
         FROM practice ORDER BY name, code",
    );
    let rows = rows::all(&mut *conn, query).await?;
    let counts = rows::all(
        &mut *conn,
        sqlx::query(
            "SELECT practice_code, counted_on, patients FROM registered_patients ORDER BY practice_code, counted_on",
        ),
    )
    .await?;
    let mut by_practice: BTreeMap<String, Vec<PatientCount>> = BTreeMap::new();
    for c in counts {
        let patients: i64 = c.try_get("patients")?;
        by_practice.entry(c.try_get("practice_code")?).or_default().push(PatientCount {
            date: parse("registered_patients", "counted_on", &c.try_get::<String, _>("counted_on")?)?,
            count: u32::try_from(patients).map_err(|_| StoreError::Corrupt {
                table: "registered_patients",
                column: "patients",
                message: patients.to_string(),
            })?,
        });
    }
    rows.into_iter()
        .map(|r| {
            let code: String = r.try_get("code")?;
            let house_number: i64 = r.try_get("house_number")?;
            Ok(Practice {
                registered_patients: by_practice.remove(&code).unwrap_or_default(),
                code: parse("practice", "code", &code)?,
                agb: parse_opt("practice", "agb", r.try_get("agb")?)?,
                name: r.try_get("name")?,
                contact: PracticeContact {
                    phone: r.try_get("phone")?,
                    email: r.try_get("email")?,
                    opening_hours: r.try_get("opening_hours")?,
                },
                address: Address {
                    street: r.try_get("street")?,
                    house_number: u32::try_from(house_number).map_err(|_| StoreError::Corrupt {
                        table: "practice",
                        column: "house_number",
                        message: house_number.to_string(),
                    })?,
                    house_number_suffix: r.try_get("house_number_suffix")?,
                    postcode: parse("practice", "postcode", &r.try_get::<String, _>("postcode")?)?,
                    city: r.try_get("city")?,
                },
                wijk: parse_opt("practice", "wijk_code", r.try_get("wijk_code")?)?,
            })
        })
        .collect()
}

pub async fn practice(conn: &mut AnyConnection, code: &Code) -> Result<Option<Practice>> {
    Ok(practices(conn).await?.into_iter().find(|p| &p.code == code))
}

pub async fn save_practice(conn: &mut AnyConnection, p: &Practice) -> Result<()> {
    sqlx::query(
        "INSERT INTO practice (code, agb, name, street, house_number, house_number_suffix, postcode, city,
                               wijk_code, phone, email, opening_hours)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (code) DO UPDATE SET agb = excluded.agb, name = excluded.name, street = excluded.street,
             house_number = excluded.house_number, house_number_suffix = excluded.house_number_suffix,
             postcode = excluded.postcode, city = excluded.city, wijk_code = excluded.wijk_code,
             phone = excluded.phone, email = excluded.email, opening_hours = excluded.opening_hours",
    )
    .bind(p.code.as_str())
    .bind(p.agb.as_ref().map(|a| a.as_str().to_owned()))
    .bind(&p.name)
    .bind(&p.address.street)
    .bind(i64::from(p.address.house_number))
    .bind(p.address.house_number_suffix.clone())
    .bind(p.address.postcode.as_str())
    .bind(&p.address.city)
    .bind(p.wijk.as_ref().map(|w| w.as_str().to_owned()))
    .bind(p.contact.phone.clone())
    .bind(p.contact.email.clone())
    .bind(p.contact.opening_hours.clone())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM registered_patients WHERE practice_code = $1")
        .bind(p.code.as_str())
        .execute(&mut *conn)
        .await?;
    for c in &p.registered_patients {
        sqlx::query("INSERT INTO registered_patients (practice_code, counted_on, patients) VALUES ($1, $2, $3)")
            .bind(p.code.as_str())
            .bind(date(c.date))
            .bind(i64::from(c.count))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn organizations(conn: &mut AnyConnection) -> Result<Vec<Organization>> {
    let rows = rows::all(
        &mut *conn,
        sqlx::query("SELECT code, name, domain, email, phone FROM organization ORDER BY name, code"),
    )
    .await?;
    rows.iter().map(organization_row).collect()
}

fn organization_row(r: &sqlx::any::AnyRow) -> Result<Organization> {
    Ok(Organization {
        code: parse("organization", "code", &r.try_get::<String, _>("code")?)?,
        name: r.try_get("name")?,
        domain: parse("organization", "domain", &r.try_get::<String, _>("domain")?)?,
        contact: OrganizationContact { email: r.try_get("email")?, phone: r.try_get("phone")? },
    })
}

/// The organisations with these codes (in name order); unknown codes are
/// left out. For showing a page of services without reading every
/// organisation of a national directory.
pub async fn organizations_by_codes(conn: &mut AnyConnection, codes: &[Code]) -> Result<Vec<Organization>> {
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(batch::MAX_KEYS) {
        let sql = format!(
            "SELECT code, name, domain, email, phone FROM organization WHERE code IN ({}) ORDER BY name, code",
            batch::list(chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for code in chunk {
            q = q.bind(code.as_str());
        }
        for r in rows::all(&mut *conn, q).await? {
            out.push(organization_row(&r)?);
        }
    }
    Ok(out)
}

pub async fn organization(conn: &mut AnyConnection, code: &Code) -> Result<Option<Organization>> {
    Ok(organizations_by_codes(conn, std::slice::from_ref(code)).await?.pop())
}

pub async fn save_organization(conn: &mut AnyConnection, o: &Organization) -> Result<()> {
    save_organizations(conn, std::slice::from_ref(o)).await
}

/// Writes organisations, replacing those with the same code, in multi-row
/// statements. When a code occurs twice, the last one counts.
pub async fn save_organizations(conn: &mut AnyConnection, organizations: &[Organization]) -> Result<()> {
    let mut last: std::collections::HashMap<&Code, usize> = std::collections::HashMap::new();
    for (i, o) in organizations.iter().enumerate() {
        last.insert(&o.code, i);
    }
    let mut rows = Rows::new(
        "organization",
        &["code", "name", "domain", "email", "phone"],
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, domain = excluded.domain, email = excluded.email, \
         phone = excluded.phone",
    );
    for (i, o) in organizations.iter().enumerate() {
        if last[&o.code] == i {
            rows.push([
                o.code.as_str().into(),
                o.name.clone().into(),
                o.domain.code().into(),
                o.contact.email.clone().into(),
                o.contact.phone.clone().into(),
            ]);
            rows.write_full(conn).await?;
        }
    }
    rows.write_all(conn).await
}

pub async fn networks(conn: &mut AnyConnection) -> Result<Vec<Network>> {
    let query = sqlx::query(
        "SELECT code, name, module, status, registered_on, stopped_on, coordinator_option, coordinator_name,
                coordinator_minutes_per_week, coordinator_start
         FROM network ORDER BY name, code",
    );
    let rows = rows::all(&mut *conn, query).await?;
    let mut wijken: BTreeMap<String, Vec<Code>> = BTreeMap::new();
    for r in
        rows::all(&mut *conn, sqlx::query("SELECT network_code, wijk_code FROM network_wijk ORDER BY position")).await?
    {
        wijken.entry(r.try_get("network_code")?).or_default().push(parse(
            "network_wijk",
            "wijk_code",
            &r.try_get::<String, _>("wijk_code")?,
        )?);
    }
    let mut practices: BTreeMap<String, Vec<Membership<Code>>> = BTreeMap::new();
    for r in rows::all(
        &mut *conn,
        sqlx::query(
            "SELECT network_code, practice_code, member_from, member_until FROM network_practice
             ORDER BY member_from, practice_code",
        ),
    )
    .await?
    {
        practices.entry(r.try_get("network_code")?).or_default().push(Membership {
            member: parse("network_practice", "practice_code", &r.try_get::<String, _>("practice_code")?)?,
            from: parse("network_practice", "member_from", &r.try_get::<String, _>("member_from")?)?,
            until: parse_opt("network_practice", "member_until", r.try_get("member_until")?)?,
        });
    }
    let mut partners: BTreeMap<String, Vec<Membership<Code>>> = BTreeMap::new();
    let query = sqlx::query(
        "SELECT network_code, organization_code, member_from, member_until FROM network_partner
         ORDER BY member_from, organization_code",
    );
    for r in rows::all(&mut *conn, query).await? {
        partners.entry(r.try_get("network_code")?).or_default().push(Membership {
            member: parse("network_partner", "organization_code", &r.try_get::<String, _>("organization_code")?)?,
            from: parse("network_partner", "member_from", &r.try_get::<String, _>("member_from")?)?,
            until: parse_opt("network_partner", "member_until", r.try_get("member_until")?)?,
        });
    }
    rows.into_iter()
        .map(|r| {
            let code: String = r.try_get("code")?;
            let coordinator = match r.try_get::<Option<String>, _>("coordinator_option")?.as_deref() {
                None => None,
                Some("A") => Some(CoordinatorArrangement::ProvidedByRegion {
                    name: r.try_get::<Option<String>, _>("coordinator_name")?.unwrap_or_default(),
                }),
                Some(_) => {
                    let minutes: Option<i64> = r.try_get("coordinator_minutes_per_week")?;
                    let corrupt = |message: String| StoreError::Corrupt {
                        table: "network",
                        column: "coordinator_minutes_per_week",
                        message,
                    };
                    let minutes = u32::try_from(minutes.unwrap_or(0)).map_err(|e| corrupt(e.to_string()))?;
                    Some(CoordinatorArrangement::Own {
                        hours_per_week: HoursPerWeek::from_minutes(minutes).map_err(|e| corrupt(e.0))?,
                        start_date: parse_opt("network", "coordinator_start", r.try_get("coordinator_start")?)?
                            .ok_or_else(|| corrupt("startdatum ontbreekt".into()))?,
                    })
                }
            };
            Ok(Network {
                wijken: wijken.remove(&code).unwrap_or_default(),
                practices: practices.remove(&code).unwrap_or_default(),
                partners: partners.remove(&code).unwrap_or_default(),
                code: parse("network", "code", &code)?,
                name: r.try_get("name")?,
                module: parse("network", "module", &r.try_get::<String, _>("module")?)?,
                status: parse("network", "status", &r.try_get::<String, _>("status")?)?,
                registered_on: parse_opt("network", "registered_on", r.try_get("registered_on")?)?,
                stopped_on: parse_opt("network", "stopped_on", r.try_get("stopped_on")?)?,
                coordinator,
            })
        })
        .collect()
}

pub async fn network(conn: &mut AnyConnection, code: &Code) -> Result<Option<Network>> {
    Ok(networks(conn).await?.into_iter().find(|n| &n.code == code))
}

pub async fn save_network(conn: &mut AnyConnection, n: &Network) -> Result<()> {
    let (option, name, minutes, start) = match &n.coordinator {
        None => (None, None, None, None),
        Some(CoordinatorArrangement::ProvidedByRegion { name }) => (Some("A"), Some(name.clone()), None, None),
        Some(CoordinatorArrangement::Own { hours_per_week, start_date }) => {
            (Some("B"), None, Some(i64::from(hours_per_week.minutes())), Some(date(*start_date)))
        }
    };
    sqlx::query(
        "INSERT INTO network (code, name, module, status, registered_on, stopped_on, coordinator_option,
                              coordinator_name, coordinator_minutes_per_week, coordinator_start)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, module = excluded.module, status = excluded.status,
             registered_on = excluded.registered_on, stopped_on = excluded.stopped_on,
             coordinator_option = excluded.coordinator_option, coordinator_name = excluded.coordinator_name,
             coordinator_minutes_per_week = excluded.coordinator_minutes_per_week,
             coordinator_start = excluded.coordinator_start",
    )
    .bind(n.code.as_str())
    .bind(&n.name)
    .bind(n.module.code())
    .bind(n.status.code())
    .bind(opt_date(n.registered_on))
    .bind(opt_date(n.stopped_on))
    .bind(option)
    .bind(name)
    .bind(minutes)
    .bind(start)
    .execute(&mut *conn)
    .await?;
    for table in ["network_wijk", "network_practice", "network_partner"] {
        // The table name comes from the fixed list above, never from input.
        sqlx::query(&format!("DELETE FROM {table} WHERE network_code = $1"))
            .bind(n.code.as_str())
            .execute(&mut *conn)
            .await?;
    }
    for (position, wijk) in n.wijken.iter().enumerate() {
        sqlx::query("INSERT INTO network_wijk (network_code, wijk_code, position) VALUES ($1, $2, $3)")
            .bind(n.code.as_str())
            .bind(wijk.as_str())
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    for m in &n.practices {
        sqlx::query(
            "INSERT INTO network_practice (network_code, practice_code, member_from, member_until)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(n.code.as_str())
        .bind(m.member.as_str())
        .bind(date(m.from))
        .bind(opt_date(m.until))
        .execute(&mut *conn)
        .await?;
    }
    for m in &n.partners {
        sqlx::query(
            "INSERT INTO network_partner (network_code, organization_code, member_from, member_until) VALUES ($1, $2, $3, $4)",
        )
        .bind(n.code.as_str())
        .bind(m.member.as_str())
        .bind(date(m.from))
        .bind(opt_date(m.until))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The whole region as the database holds it.
pub async fn snapshot(conn: &mut AnyConnection) -> Result<RegionSnapshot> {
    Ok(RegionSnapshot {
        region: region(conn).await?,
        wijken: wijken(conn).await?,
        practices: practices(conn).await?,
        organizations: organizations(conn).await?,
        networks: networks(conn).await?,
    })
}

/// What applying a region file did, per kind of entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApplyReport {
    pub region: ChangeCount,
    pub wijken: ChangeCount,
    pub practices: ChangeCount,
    pub organizations: ChangeCount,
    pub networks: ChangeCount,
}

impl ApplyReport {
    pub fn changed(&self) -> bool {
        [self.region, self.wijken, self.practices, self.organizations, self.networks]
            .iter()
            .any(|c| c.created + c.updated > 0)
    }
}

/// Creates or updates every entity in `desired`, writing only what differs,
/// so applying the same snapshot twice changes nothing. Entities the
/// snapshot does not mention are left alone. The caller's transaction makes
/// it all-or-nothing.
pub async fn apply_snapshot(conn: &mut AnyConnection, desired: RegionSnapshot) -> Result<ApplyReport> {
    let desired = desired.normalized();
    let current = snapshot(conn).await?;
    let mut report = ApplyReport::default();
    if let Some(r) = &desired.region {
        let change = classify(current.region.as_ref(), r);
        if change != Change::Unchanged {
            save_region(conn, r).await?;
        }
        report.region.add(change);
    }
    for w in &desired.wijken {
        let change = classify(current.wijken.iter().find(|c| c.code == w.code), w);
        if change != Change::Unchanged {
            save_wijk(conn, w).await?;
        }
        report.wijken.add(change);
    }
    for o in &desired.organizations {
        let change = classify(current.organizations.iter().find(|c| c.code == o.code), o);
        if change != Change::Unchanged {
            save_organization(conn, o).await?;
        }
        report.organizations.add(change);
    }
    for p in &desired.practices {
        let change = classify(current.practices.iter().find(|c| c.code == p.code), p);
        if change != Change::Unchanged {
            save_practice(conn, p).await?;
        }
        report.practices.add(change);
    }
    for n in &desired.networks {
        let change = classify(current.networks.iter().find(|c| c.code == n.code), n);
        if change != Change::Unchanged {
            save_network(conn, n).await?;
        }
        report.networks.add(change);
    }
    Ok(report)
}
