//! Keeping the social map current beyond the services themselves: partners'
//! changes waiting for a coordinator to see them, and look-alike services a
//! coordinator decided are really different.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};
use wijkregie_core::directory::HsdsId;

use crate::error::Result;
use crate::rows;
use crate::text::{parse, parse_time, timestamp};

/// A change made by a netwerkpartner that no coordinator has seen yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerChange {
    pub change_id: i64,
    pub service_id: HsdsId,
    pub changed_at: DateTime<Utc>,
    pub user_name: String,
    pub summary: String,
}

/// Unseen changes by netwerkpartner users, oldest first. The caller keeps
/// those of services the coordinator looks after.
pub async fn partner_changes(conn: &mut AnyConnection) -> Result<Vec<PartnerChange>> {
    let query = sqlx::query(
        "SELECT c.id, c.service_id, c.changed_at, u.name, c.summary
           FROM service_change c JOIN app_user u ON u.id = c.user_id
          WHERE u.role = 'netwerkpartner' AND c.reviewed_at IS NULL
          ORDER BY c.id",
    );
    rows::all(&mut *conn, query)
        .await?
        .into_iter()
        .map(|r| {
            Ok(PartnerChange {
                change_id: r.try_get("id")?,
                service_id: parse("service_change", "service_id", &r.try_get::<String, _>("service_id")?)?,
                changed_at: parse_time("service_change", "changed_at", &r.try_get::<String, _>("changed_at")?)?,
                user_name: r.try_get("name")?,
                summary: r.try_get("summary")?,
            })
        })
        .collect()
}

/// Marks a change as seen; false when there is no such unseen change.
pub async fn mark_seen(conn: &mut AnyConnection, change_id: i64, user_id: i64, at: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE service_change SET reviewed_at = $1, reviewed_by = $2 WHERE id = $3 AND reviewed_at IS NULL",
    )
    .bind(timestamp(at))
    .bind(user_id)
    .bind(change_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The service an unseen or seen change belongs to.
pub async fn change_service(conn: &mut AnyConnection, change_id: i64) -> Result<Option<HsdsId>> {
    let row =
        rows::optional(&mut *conn, sqlx::query("SELECT service_id FROM service_change WHERE id = $1").bind(change_id))
            .await?;
    row.map(|r| parse("service_change", "service_id", &r.try_get::<String, _>("service_id")?)).transpose()
}

/// Stored with the smaller id first, so a pair is one row whichever way
/// round it was decided.
fn ordered<'a>(a: &'a HsdsId, b: &'a HsdsId) -> (&'a HsdsId, &'a HsdsId) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Records that two services are different, not duplicates.
pub async fn mark_distinct(
    conn: &mut AnyConnection,
    a: &HsdsId,
    b: &HsdsId,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    let (first, second) = ordered(a, b);
    sqlx::query(
        "INSERT INTO service_distinct (first_id, second_id, decided_by, decided_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (first_id, second_id) DO NOTHING",
    )
    .bind(first.as_str())
    .bind(second.as_str())
    .bind(user_id)
    .bind(timestamp(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every pair decided to be different.
pub async fn distinct_pairs(conn: &mut AnyConnection) -> Result<Vec<(HsdsId, HsdsId)>> {
    rows::all(&mut *conn, sqlx::query("SELECT first_id, second_id FROM service_distinct"))
        .await?
        .into_iter()
        .map(|r| {
            Ok((
                parse("service_distinct", "first_id", &r.try_get::<String, _>("first_id")?)?,
                parse("service_distinct", "second_id", &r.try_get::<String, _>("second_id")?)?,
            ))
        })
        .collect()
}
