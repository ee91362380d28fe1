//! What an HSDS import keeps of its source beyond the social map itself:
//! the source's own taxonomies and terms, the regio-beheerder's mapping of
//! a foreign term onto a hulpvraag, and organisations' HSDS ids and
//! identifiers in other registers. Which service carries which foreign term
//! is a child row of the service (`store::directory`).

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{ForeignTaxonomy, ForeignTerm, HsdsId, OrganizationIdentifier, TermMapping};

use crate::batch::Rows;
use crate::error::Result;
use crate::rows;
use crate::text::{parse, parse_opt};

/// Every foreign taxonomy, by name.
pub async fn taxonomies(conn: &mut AnyConnection) -> Result<Vec<ForeignTaxonomy>> {
    rows::all(
        &mut *conn,
        sqlx::query("SELECT id, name, description, uri, version FROM foreign_taxonomy ORDER BY name, id"),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(ForeignTaxonomy {
            id: parse("foreign_taxonomy", "id", &r.try_get::<String, _>("id")?)?,
            name: r.try_get("name")?,
            description: r.try_get("description")?,
            uri: r.try_get("uri")?,
            version: r.try_get("version")?,
        })
    })
    .collect()
}

fn term_row(r: &sqlx::any::AnyRow) -> Result<ForeignTerm> {
    Ok(ForeignTerm {
        id: parse("foreign_term", "id", &r.try_get::<String, _>("id")?)?,
        taxonomy: parse("foreign_term", "taxonomy_id", &r.try_get::<String, _>("taxonomy_id")?)?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        parent: parse_opt("foreign_term", "parent_id", r.try_get("parent_id")?)?,
        term_uri: r.try_get("term_uri")?,
    })
}

const TERM_COLUMNS: &str = "id, taxonomy_id, code, name, description, parent_id, term_uri";

/// Every foreign term, per taxonomy by name.
pub async fn terms(conn: &mut AnyConnection) -> Result<Vec<ForeignTerm>> {
    let sql = format!("SELECT {TERM_COLUMNS} FROM foreign_term ORDER BY taxonomy_id, name, id");
    rows::all(&mut *conn, sqlx::query(&sql)).await?.iter().map(term_row).collect()
}

/// The foreign terms with these ids (unknown ids are left out), for the
/// page of one service.
pub async fn terms_by_ids(conn: &mut AnyConnection, ids: &[HsdsId]) -> Result<Vec<ForeignTerm>> {
    let mut out = Vec::with_capacity(ids.len());
    let sql = format!("SELECT {TERM_COLUMNS} FROM foreign_term WHERE id = $1");
    for id in ids {
        if let Some(r) = rows::optional(&mut *conn, sqlx::query(&sql).bind(id.as_str())).await? {
            out.push(term_row(&r)?);
        }
    }
    Ok(out)
}

/// Writes taxonomies and terms as the source describes them now; a term
/// or taxonomy the source dropped is kept, since a service may still carry
/// it and a mapping may name it.
pub async fn save(conn: &mut AnyConnection, taxonomies: &[ForeignTaxonomy], terms: &[ForeignTerm]) -> Result<()> {
    let mut rows = Rows::new(
        "foreign_taxonomy",
        &["id", "name", "description", "uri", "version"],
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
             uri = excluded.uri, version = excluded.version",
    );
    for t in taxonomies {
        rows.push([
            t.id.as_str().into(),
            t.name.clone().into(),
            t.description.clone().into(),
            t.uri.clone().into(),
            t.version.clone().into(),
        ]);
        rows.write_full(conn).await?;
    }
    rows.write_all(conn).await?;
    let mut rows = Rows::new(
        "foreign_term",
        &["id", "taxonomy_id", "code", "name", "description", "parent_id", "term_uri"],
        "ON CONFLICT (id) DO UPDATE SET taxonomy_id = excluded.taxonomy_id, code = excluded.code,
             name = excluded.name, description = excluded.description, parent_id = excluded.parent_id,
             term_uri = excluded.term_uri",
    );
    for t in terms {
        rows.push([
            t.id.as_str().into(),
            t.taxonomy.as_str().into(),
            t.code.clone().into(),
            t.name.clone().into(),
            t.description.clone().into(),
            t.parent.as_ref().map(|p| p.as_str().to_owned()).into(),
            t.term_uri.clone().into(),
        ]);
        rows.write_full(conn).await?;
    }
    rows.write_all(conn).await
}

/// Every mapping of a foreign term onto a hulpvraag.
pub async fn mappings(conn: &mut AnyConnection) -> Result<Vec<TermMapping>> {
    rows::all(
        &mut *conn,
        sqlx::query("SELECT taxonomy_id, term_id, term_code FROM foreign_term_mapping ORDER BY taxonomy_id, term_id"),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(TermMapping {
            taxonomy: parse("foreign_term_mapping", "taxonomy_id", &r.try_get::<String, _>("taxonomy_id")?)?,
            term: parse("foreign_term_mapping", "term_id", &r.try_get::<String, _>("term_id")?)?,
            hulpvraag: parse("foreign_term_mapping", "term_code", &r.try_get::<String, _>("term_code")?)?,
        })
    })
    .collect()
}

/// Maps a foreign term onto a hulpvraag, replacing an earlier mapping.
pub async fn save_mapping(conn: &mut AnyConnection, m: &TermMapping) -> Result<()> {
    sqlx::query(
        "INSERT INTO foreign_term_mapping (taxonomy_id, term_id, term_code) VALUES ($1, $2, $3)
         ON CONFLICT (taxonomy_id, term_id) DO UPDATE SET term_code = excluded.term_code",
    )
    .bind(m.taxonomy.as_str())
    .bind(m.term.as_str())
    .bind(m.hulpvraag.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a term's mapping; true if there was one.
pub async fn delete_mapping(conn: &mut AnyConnection, taxonomy: &HsdsId, term: &HsdsId) -> Result<bool> {
    let done = sqlx::query("DELETE FROM foreign_term_mapping WHERE taxonomy_id = $1 AND term_id = $2")
        .bind(taxonomy.as_str())
        .bind(term.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The services that carry a foreign term.
pub async fn services_with(conn: &mut AnyConnection, term: &HsdsId) -> Result<Vec<HsdsId>> {
    rows::all(
        &mut *conn,
        sqlx::query("SELECT service_id FROM service_foreign_term WHERE term_id = $1 ORDER BY service_id")
            .bind(term.as_str()),
    )
    .await?
    .iter()
    .map(|r| parse("service_foreign_term", "service_id", &r.try_get::<String, _>("service_id")?))
    .collect()
}

/// How many services carry each foreign term.
pub async fn service_counts(conn: &mut AnyConnection) -> Result<BTreeMap<HsdsId, usize>> {
    let mut out = BTreeMap::new();
    for r in
        rows::all(&mut *conn, sqlx::query("SELECT term_id, COUNT(*) AS n FROM service_foreign_term GROUP BY term_id"))
            .await?
    {
        let n: i64 = r.try_get("n")?;
        out.insert(
            parse("service_foreign_term", "term_id", &r.try_get::<String, _>("term_id")?)?,
            usize::try_from(n).unwrap_or(0),
        );
    }
    Ok(out)
}

/// The HSDS ids organisations were imported with, by organisation code.
pub async fn organization_ids(conn: &mut AnyConnection) -> Result<BTreeMap<Code, HsdsId>> {
    let mut out = BTreeMap::new();
    for r in rows::all(&mut *conn, sqlx::query("SELECT organization_code, hsds_id FROM organization_hsds_id")).await? {
        out.insert(
            parse("organization_hsds_id", "organization_code", &r.try_get::<String, _>("organization_code")?)?,
            parse("organization_hsds_id", "hsds_id", &r.try_get::<String, _>("hsds_id")?)?,
        );
    }
    Ok(out)
}

/// Keeps the HSDS ids of these organisations. An id another organisation
/// had is taken from it: the file that says so is the newer word.
pub async fn save_organization_ids(conn: &mut AnyConnection, ids: &BTreeMap<Code, HsdsId>) -> Result<()> {
    for (code, id) in ids {
        sqlx::query("DELETE FROM organization_hsds_id WHERE hsds_id = $1 AND organization_code <> $2")
            .bind(id.as_str())
            .bind(code.as_str())
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO organization_hsds_id (organization_code, hsds_id) VALUES ($1, $2)
             ON CONFLICT (organization_code) DO UPDATE SET hsds_id = excluded.hsds_id",
        )
        .bind(code.as_str())
        .bind(id.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every organisation's identifiers in other registers.
pub async fn organization_identifiers(conn: &mut AnyConnection) -> Result<Vec<OrganizationIdentifier>> {
    rows::all(
        &mut *conn,
        sqlx::query(
            "SELECT id, organization_code, identifier_scheme, identifier_type, identifier
             FROM organization_identifier ORDER BY organization_code, id",
        ),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(OrganizationIdentifier {
            id: parse("organization_identifier", "id", &r.try_get::<String, _>("id")?)?,
            organization: parse(
                "organization_identifier",
                "organization_code",
                &r.try_get::<String, _>("organization_code")?,
            )?,
            scheme: r.try_get("identifier_scheme")?,
            kind: r.try_get("identifier_type")?,
            identifier: r.try_get("identifier")?,
        })
    })
    .collect()
}

/// Replaces the identifiers of the organisations `organizations` names
/// with `identifiers`: a file describes each of its organisations whole.
pub async fn save_organization_identifiers(
    conn: &mut AnyConnection,
    organizations: &[Code],
    identifiers: &[OrganizationIdentifier],
) -> Result<()> {
    for code in organizations {
        sqlx::query("DELETE FROM organization_identifier WHERE organization_code = $1")
            .bind(code.as_str())
            .execute(&mut *conn)
            .await?;
    }
    for i in identifiers {
        sqlx::query(
            "INSERT INTO organization_identifier (id, organization_code, identifier_scheme, identifier_type, identifier)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET organization_code = excluded.organization_code,
                 identifier_scheme = excluded.identifier_scheme, identifier_type = excluded.identifier_type,
                 identifier = excluded.identifier",
        )
        .bind(i.id.as_str())
        .bind(i.organization.as_str())
        .bind(i.scheme.clone())
        .bind(i.kind.clone())
        .bind(&i.identifier)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The taxonomies with these ids, for the page of one service.
pub async fn taxonomies_by_ids(conn: &mut AnyConnection, ids: &[HsdsId]) -> Result<Vec<ForeignTaxonomy>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = rows::optional(
            &mut *conn,
            sqlx::query("SELECT id, name, description, uri, version FROM foreign_taxonomy WHERE id = $1")
                .bind(id.as_str()),
        )
        .await?
        {
            out.push(ForeignTaxonomy {
                id: parse("foreign_taxonomy", "id", &r.try_get::<String, _>("id")?)?,
                name: r.try_get("name")?,
                description: r.try_get("description")?,
                uri: r.try_get("uri")?,
                version: r.try_get("version")?,
            });
        }
    }
    Ok(out)
}

/// The HSDS ids of these organisations, read by key.
pub async fn organization_ids_of(conn: &mut AnyConnection, codes: &[Code]) -> Result<BTreeMap<Code, HsdsId>> {
    let mut out = BTreeMap::new();
    for code in codes {
        if let Some(r) = rows::optional(
            &mut *conn,
            sqlx::query("SELECT hsds_id FROM organization_hsds_id WHERE organization_code = $1").bind(code.as_str()),
        )
        .await?
        {
            out.insert(code.clone(), parse("organization_hsds_id", "hsds_id", &r.try_get::<String, _>("hsds_id")?)?);
        }
    }
    Ok(out)
}

/// The identifiers of these organisations in other registers, read by key.
pub async fn organization_identifiers_of(
    conn: &mut AnyConnection,
    codes: &[Code],
) -> Result<Vec<OrganizationIdentifier>> {
    let mut out = Vec::new();
    for code in codes {
        for r in rows::all(
            &mut *conn,
            sqlx::query(
                "SELECT id, organization_code, identifier_scheme, identifier_type, identifier
                 FROM organization_identifier WHERE organization_code = $1 ORDER BY id",
            )
            .bind(code.as_str()),
        )
        .await?
        {
            out.push(OrganizationIdentifier {
                id: parse("organization_identifier", "id", &r.try_get::<String, _>("id")?)?,
                organization: code.clone(),
                scheme: r.try_get("identifier_scheme")?,
                kind: r.try_get("identifier_type")?,
                identifier: r.try_get("identifier")?,
            });
        }
    }
    Ok(out)
}
