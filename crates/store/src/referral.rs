//! Referrals: the anonymous facts in plain columns, everything about the
//! patient in one encrypted value bound to its row.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::HsdsId;
use wijkregie_core::referral::{PersonalData, Referral, ReferralFacts, Side};

use crate::crypto::{CryptoError, FieldAad, FieldKey};
use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse, parse_opt, parse_time, timestamp};

const TABLE: &str = "referral";

fn aad(id: &HsdsId) -> FieldAad<'_> {
    FieldAad { table: TABLE, column: "personal", row: id.as_str() }
}

fn corrupt(column: &'static str, message: impl ToString) -> StoreError {
    StoreError::Corrupt { table: TABLE, column, message: message.to_string() }
}

/// A referral as stored, with whether each side has unopened news.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReferral {
    pub id: HsdsId,
    pub referral: Referral,
    pub updated_at: DateTime<Utc>,
    pub news_for_referrer: bool,
    pub news_for_receiver: bool,
}

fn encrypt_personal(key: &FieldKey, id: &HsdsId, personal: Option<&PersonalData>) -> Result<Option<String>> {
    personal
        .map(|p| {
            let json = zeroize::Zeroizing::new(serde_json::to_string(p).map_err(|e| corrupt("personal", e))?);
            key.encrypt(&json, &aad(id)).map_err(|source| StoreError::Crypto { table: TABLE, source })
        })
        .transpose()
}

const COLUMNS: &str = "id, referring_practice, network_code, wijk_code, organization_code, service_id, location_id, \
                       pathway, hulpvraag, urgency, sent_by, sent_at, status, history, updated_at, erased_at, personal, \
                       news_for_referrer, news_for_receiver";

/// Stores a new referral; the receiver has news.
pub async fn insert(conn: &mut AnyConnection, key: &FieldKey, id: &HsdsId, r: &Referral) -> Result<()> {
    let f = &r.facts;
    let history = serde_json::to_string(&f.history).map_err(|e| corrupt("history", e))?;
    sqlx::query(&format!(
        "INSERT INTO referral ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, 0, 1)"
    ))
    .bind(id.as_str())
    .bind(f.referring_practice.as_str())
    .bind(f.network.as_str())
    .bind(f.wijk.as_ref().map(|w| w.as_str().to_owned()))
    .bind(f.receiving_organization.as_str())
    .bind(f.service.as_str())
    .bind(f.location.as_ref().map(|l| l.as_str().to_owned()))
    .bind(f.pathway.map(|p| p.code().to_owned()))
    .bind(f.hulpvraag.as_str())
    .bind(f.urgency.code())
    .bind(f.sent_by)
    .bind(timestamp(f.sent_at))
    .bind(f.status.code())
    .bind(history)
    .bind(timestamp(f.sent_at))
    .bind(f.erased_at.map(timestamp))
    .bind(encrypt_personal(key, id, r.personal.as_ref())?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes a referral's new state after a step by `side`: the other side has
/// news, `side` has seen its own change.
pub async fn update(
    conn: &mut AnyConnection,
    key: &FieldKey,
    id: &HsdsId,
    r: &Referral,
    side: Side,
    at: DateTime<Utc>,
) -> Result<bool> {
    let history = serde_json::to_string(&r.facts.history).map_err(|e| corrupt("history", e))?;
    let (for_referrer, for_receiver) = match side {
        Side::Referrer => (0i64, 1i64),
        Side::Receiver => (1, 0),
    };
    // Personal data that is absent without being erased was sealed with a
    // lost key: the sealed value stays as it is (`$9`), it is not erased by a step.
    let keep_sealed = i64::from(r.personal.is_none() && r.facts.erased_at.is_none());
    let done = sqlx::query(
        "UPDATE referral SET status = $1, history = $2, updated_at = $3, erased_at = $4,
                personal = CASE WHEN $9 = 1 THEN personal ELSE $5 END,
                news_for_referrer = $6, news_for_receiver = $7
          WHERE id = $8",
    )
    .bind(r.facts.status.code())
    .bind(history)
    .bind(timestamp(at))
    .bind(r.facts.erased_at.map(timestamp))
    .bind(encrypt_personal(key, id, r.personal.as_ref())?)
    .bind(for_referrer)
    .bind(for_receiver)
    .bind(id.as_str())
    .bind(keep_sealed)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The facts of a row, without touching the encrypted part.
fn facts(r: &AnyRow) -> Result<ReferralFacts> {
    let history: String = r.try_get("history")?;
    Ok(ReferralFacts {
        referring_practice: parse(TABLE, "referring_practice", &r.try_get::<String, _>("referring_practice")?)?,
        network: parse(TABLE, "network_code", &r.try_get::<String, _>("network_code")?)?,
        wijk: parse_opt(TABLE, "wijk_code", r.try_get("wijk_code")?)?,
        receiving_organization: parse(TABLE, "organization_code", &r.try_get::<String, _>("organization_code")?)?,
        service: parse(TABLE, "service_id", &r.try_get::<String, _>("service_id")?)?,
        location: parse_opt(TABLE, "location_id", r.try_get("location_id")?)?,
        pathway: parse_opt(TABLE, "pathway", r.try_get("pathway")?)?,
        hulpvraag: parse(TABLE, "hulpvraag", &r.try_get::<String, _>("hulpvraag")?)?,
        urgency: parse(TABLE, "urgency", &r.try_get::<String, _>("urgency")?)?,
        sent_by: r.try_get("sent_by")?,
        sent_at: parse_time(TABLE, "sent_at", &r.try_get::<String, _>("sent_at")?)?,
        status: parse(TABLE, "status", &r.try_get::<String, _>("status")?)?,
        history: serde_json::from_str(&history).map_err(|e| corrupt("history", e))?,
        erased_at: r
            .try_get::<Option<String>, _>("erased_at")?
            .map(|t| parse_time(TABLE, "erased_at", &t))
            .transpose()?,
    })
}

fn stored(key: &FieldKey, r: &AnyRow) -> Result<StoredReferral> {
    let id: HsdsId = parse(TABLE, "id", &r.try_get::<String, _>("id")?)?;
    let personal = match r.try_get::<Option<String>, _>("personal")? {
        None => None,
        Some(sealed) => match key.decrypt(&sealed, &aad(&id)) {
            Ok(json) => {
                let json = zeroize::Zeroizing::new(json);
                Some(serde_json::from_str::<PersonalData>(&json).map_err(|e| corrupt("personal", e))?)
            }
            // Sealed with a key that is gone (the operator started with
            // `--new-key`; with any other key the server refuses to start):
            // the facts stay readable and the personal part shows as no
            // longer readable (`Referral::personal_unreadable`), never an error.
            Err(CryptoError::Inauthentic) => {
                tracing::warn!(referral = %id.as_str(), "persoonsgegevens niet meer leesbaar: verzegeld met een andere sleutel");
                None
            }
            Err(source) => return Err(StoreError::Crypto { table: TABLE, source }),
        },
    };
    Ok(StoredReferral {
        referral: Referral { facts: facts(r)?, personal },
        updated_at: parse_time(TABLE, "updated_at", &r.try_get::<String, _>("updated_at")?)?,
        news_for_referrer: r.try_get::<i64, _>("news_for_referrer")? != 0,
        news_for_receiver: r.try_get::<i64, _>("news_for_receiver")? != 0,
        id,
    })
}

pub async fn get(conn: &mut AnyConnection, key: &FieldKey, id: &HsdsId) -> Result<Option<StoredReferral>> {
    let row = rows::optional(
        &mut *conn,
        sqlx::query(&format!("SELECT {COLUMNS} FROM referral WHERE id = $1")).bind(id.as_str()),
    )
    .await?;
    row.map(|r| stored(key, &r)).transpose()
}

/// Where a referral goes, without opening it: enough to decide who may.
pub async fn parties(conn: &mut AnyConnection, id: &HsdsId) -> Result<Option<(Code, Code)>> {
    let row = rows::optional(
        &mut *conn,
        sqlx::query("SELECT referring_practice, organization_code FROM referral WHERE id = $1").bind(id.as_str()),
    )
    .await?;
    row.map(|r| {
        Ok((
            parse(TABLE, "referring_practice", &r.try_get::<String, _>("referring_practice")?)?,
            parse(TABLE, "organization_code", &r.try_get::<String, _>("organization_code")?)?,
        ))
    })
    .transpose()
}

/// A practice's sent referrals, newest change first.
pub async fn sent_by_practice(
    conn: &mut AnyConnection,
    key: &FieldKey,
    practice: &Code,
) -> Result<Vec<StoredReferral>> {
    rows::all(
        &mut *conn,
        sqlx::query(&format!("SELECT {COLUMNS} FROM referral WHERE referring_practice = $1 ORDER BY updated_at DESC"))
            .bind(practice.as_str()),
    )
    .await?
    .iter()
    .map(|r| stored(key, r))
    .collect()
}

/// An organisation's received referrals, newest change first.
pub async fn received_by(conn: &mut AnyConnection, key: &FieldKey, organization: &Code) -> Result<Vec<StoredReferral>> {
    rows::all(
        &mut *conn,
        sqlx::query(&format!("SELECT {COLUMNS} FROM referral WHERE organization_code = $1 ORDER BY updated_at DESC"))
            .bind(organization.as_str()),
    )
    .await?
    .iter()
    .map(|r| stored(key, r))
    .collect()
}

/// The anonymous facts of every referral, for the figures: nothing is
/// decrypted.
pub async fn all_facts(conn: &mut AnyConnection) -> Result<Vec<(HsdsId, ReferralFacts)>> {
    rows::all(&mut *conn, sqlx::query(&format!("SELECT {COLUMNS} FROM referral ORDER BY sent_at")))
        .await?
        .iter()
        .map(|r| Ok((parse(TABLE, "id", &r.try_get::<String, _>("id")?)?, facts(r)?)))
        .collect()
}

/// The side opened the referral: its news is read.
pub async fn mark_read(conn: &mut AnyConnection, id: &HsdsId, side: Side) -> Result<()> {
    let column = match side {
        Side::Referrer => "news_for_referrer",
        Side::Receiver => "news_for_receiver",
    };
    // The column name comes from the match above, never from input.
    sqlx::query(&format!("UPDATE referral SET {column} = 0 WHERE id = $1"))
        .bind(id.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How many referrals have unopened news for a practice or an organisation.
pub async fn news_count(conn: &mut AnyConnection, side: Side, code: &str) -> Result<i64> {
    let sql = match side {
        Side::Referrer => "SELECT COUNT(*) AS n FROM referral WHERE referring_practice = $1 AND news_for_referrer = 1",
        Side::Receiver => "SELECT COUNT(*) AS n FROM referral WHERE organization_code = $1 AND news_for_receiver = 1",
    };
    Ok(rows::one(&mut *conn, sqlx::query(sql).bind(code)).await?.try_get("n")?)
}

/// Closed referrals that still hold personal data: candidates for erasure.
pub async fn closed_with_personal_data(conn: &mut AnyConnection) -> Result<Vec<(HsdsId, ReferralFacts)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM referral WHERE personal IS NOT NULL AND status IN ('completed', 'rejected', 'cancelled')"
    );
    rows::all(&mut *conn, sqlx::query(&sql))
        .await?
        .iter()
        .map(|r| Ok((parse(TABLE, "id", &r.try_get::<String, _>("id")?)?, facts(r)?)))
        .collect()
}

/// Removes the personal data of a referral, keeping its facts.
pub async fn erase(conn: &mut AnyConnection, id: &HsdsId, at: DateTime<Utc>) -> Result<bool> {
    let done =
        sqlx::query("UPDATE referral SET personal = NULL, erased_at = $1 WHERE id = $2 AND personal IS NOT NULL")
            .bind(timestamp(at))
            .bind(id.as_str())
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
