//! Tariffs per year and approved payment statements. Approved statements
//! are written once and never changed (the migration's triggers refuse
//! updates and deletes); corrections of them live as lines of a later
//! approved quarter.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::Code;
use wijkregie_core::finance::statement::CorrectionOf;
use wijkregie_core::finance::{Cents, Line, LineKind, Quarter, Statement, Tariff, ZeroReason};

use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse, parse_opt, parse_time, timestamp};

fn corrupt(table: &'static str, column: &'static str, value: i64) -> StoreError {
    StoreError::Corrupt { table, column, message: value.to_string() }
}

fn u32_of(table: &'static str, column: &'static str, value: i64) -> Result<u32> {
    u32::try_from(value).map_err(|_| corrupt(table, column, value))
}

fn u64_of(table: &'static str, column: &'static str, value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| corrupt(table, column, value))
}

/// The tariffs the region set, by year.
pub async fn tariffs(conn: &mut AnyConnection) -> Result<Vec<Tariff>> {
    let query = sqlx::query(
        "SELECT year, gp_time_cents, coordinator_cents, threshold_patients, min_coordinator_minutes
         FROM finance_tariff ORDER BY year",
    );
    let rows = rows::all(&mut *conn, query).await?;
    rows.iter()
        .map(|r| {
            let year: i64 = r.try_get("year")?;
            Ok(Tariff {
                year: i32::try_from(year).map_err(|_| corrupt("finance_tariff", "year", year))?,
                gp_time: Cents(r.try_get("gp_time_cents")?),
                coordinator: Cents(r.try_get("coordinator_cents")?),
                threshold_patients: u32_of("finance_tariff", "threshold_patients", r.try_get("threshold_patients")?)?,
                min_coordinator_minutes: u32_of(
                    "finance_tariff",
                    "min_coordinator_minutes",
                    r.try_get("min_coordinator_minutes")?,
                )?,
            })
        })
        .collect()
}

/// Sets a year's tariffs and keeps the version in the history.
pub async fn save_tariff(conn: &mut AnyConnection, t: &Tariff, changed_by: &str, at: DateTime<Utc>) -> Result<()> {
    let values = [
        i64::from(t.year),
        t.gp_time.0,
        t.coordinator.0,
        i64::from(t.threshold_patients),
        i64::from(t.min_coordinator_minutes),
    ];
    for sql in [
        "INSERT INTO finance_tariff (year, gp_time_cents, coordinator_cents, threshold_patients,
                                     min_coordinator_minutes, changed_at, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (year) DO UPDATE SET gp_time_cents = excluded.gp_time_cents,
             coordinator_cents = excluded.coordinator_cents, threshold_patients = excluded.threshold_patients,
             min_coordinator_minutes = excluded.min_coordinator_minutes, changed_at = excluded.changed_at,
             changed_by = excluded.changed_by",
        "INSERT INTO finance_tariff_history (year, gp_time_cents, coordinator_cents, threshold_patients,
                                             min_coordinator_minutes, changed_at, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    ] {
        let mut q = sqlx::query(sql);
        for v in values {
            q = q.bind(v);
        }
        q.bind(timestamp(at)).bind(changed_by).execute(&mut *conn).await?;
    }
    Ok(())
}

/// One saved version of a year's tariffs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffChange {
    pub tariff: Tariff,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

/// Every saved version, newest first.
pub async fn tariff_history(conn: &mut AnyConnection) -> Result<Vec<TariffChange>> {
    let query = sqlx::query(
        "SELECT year, gp_time_cents, coordinator_cents, threshold_patients, min_coordinator_minutes, changed_at,
                changed_by
         FROM finance_tariff_history ORDER BY id DESC",
    );
    let rows = rows::all(&mut *conn, query).await?;
    rows.iter()
        .map(|r| {
            let year: i64 = r.try_get("year")?;
            let table = "finance_tariff_history";
            Ok(TariffChange {
                tariff: Tariff {
                    year: i32::try_from(year).map_err(|_| corrupt(table, "year", year))?,
                    gp_time: Cents(r.try_get("gp_time_cents")?),
                    coordinator: Cents(r.try_get("coordinator_cents")?),
                    threshold_patients: u32_of(table, "threshold_patients", r.try_get("threshold_patients")?)?,
                    min_coordinator_minutes: u32_of(
                        table,
                        "min_coordinator_minutes",
                        r.try_get("min_coordinator_minutes")?,
                    )?,
                },
                changed_at: parse_time(table, "changed_at", &r.try_get::<String, _>("changed_at")?)?,
                changed_by: r.try_get("changed_by")?,
            })
        })
        .collect()
}

/// Who approved a quarter's statements, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub quarter: Quarter,
    pub approved_at: DateTime<Utc>,
    pub approved_by_user_id: Option<i64>,
    pub approved_by_name: String,
}

fn approval_row(r: &sqlx::any::AnyRow) -> Result<Approval> {
    Ok(Approval {
        quarter: parse("finance_approval", "quarter", &r.try_get::<String, _>("quarter")?)?,
        approved_at: parse_time("finance_approval", "approved_at", &r.try_get::<String, _>("approved_at")?)?,
        approved_by_user_id: r.try_get("approved_by_user_id")?,
        approved_by_name: r.try_get("approved_by_name")?,
    })
}

/// Every approved quarter, oldest first.
pub async fn approvals(conn: &mut AnyConnection) -> Result<Vec<Approval>> {
    let rows = rows::all(
        &mut *conn,
        sqlx::query(
            "SELECT quarter, approved_at, approved_by_user_id, approved_by_name FROM finance_approval ORDER BY quarter",
        ),
    )
    .await?;
    rows.iter().map(approval_row).collect()
}

pub async fn approval(conn: &mut AnyConnection, quarter: Quarter) -> Result<Option<Approval>> {
    let query = sqlx::query(
        "SELECT quarter, approved_at, approved_by_user_id, approved_by_name FROM finance_approval WHERE quarter = $1",
    )
    .bind(quarter.to_string());
    let row = rows::optional(&mut *conn, query).await?;
    row.as_ref().map(approval_row).transpose()
}

/// Freezes a quarter's statements, correction lines included. Returns
/// `false`, writing nothing, when the quarter was approved already: an
/// approval is never replaced.
pub async fn approve(conn: &mut AnyConnection, approval: &Approval, statements: &[Statement]) -> Result<bool> {
    let quarter = approval.quarter.to_string();
    let inserted = sqlx::query(
        "INSERT INTO finance_approval (quarter, approved_at, approved_by_user_id, approved_by_name)
         VALUES ($1, $2, $3, $4) ON CONFLICT (quarter) DO NOTHING",
    )
    .bind(&quarter)
    .bind(timestamp(approval.approved_at))
    .bind(approval.approved_by_user_id)
    .bind(&approval.approved_by_name)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    for s in statements {
        if s.quarter != approval.quarter {
            return Err(StoreError::Unsupported(format!(
                "betaaloverzicht voor {} hoort niet bij de vaststelling van {quarter}",
                s.quarter
            )));
        }
        let without_agb = if s.without_agb.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&s.without_agb).map_err(|e| StoreError::Unsupported(e.to_string()))?)
        };
        sqlx::query(
            "INSERT INTO finance_statement (quarter, network_code, registered_patients, without_agb)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&quarter)
        .bind(s.network.as_str())
        .bind(i64::try_from(s.registered_patients).map_err(|e| StoreError::Unsupported(e.to_string()))?)
        .bind(without_agb)
        .execute(&mut *conn)
        .await?;
        for (position, l) in s.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO finance_statement_line (quarter, network_code, position, kind, rate_cents_per_year,
                     patients, amount_cents, reason, corrects_quarter, corrects_kind, paid_cents, recomputed_cents)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(&quarter)
            .bind(s.network.as_str())
            .bind(position as i64)
            .bind(l.kind.code())
            .bind(l.rate_per_year.0)
            .bind(i64::try_from(l.patients).map_err(|e| StoreError::Unsupported(e.to_string()))?)
            .bind(l.amount.0)
            .bind(l.reason.map(ZeroReason::code))
            .bind(l.corrects.as_ref().map(|c| c.quarter.to_string()))
            .bind(l.corrects.as_ref().map(|c| c.kind.code()))
            .bind(l.corrects.as_ref().map(|c| c.paid.0))
            .bind(l.corrects.as_ref().map(|c| c.recomputed.0))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(true)
}

const LINE_COLUMNS: &str = "quarter, network_code, kind, rate_cents_per_year, patients, amount_cents, reason,
                            corrects_quarter, corrects_kind, paid_cents, recomputed_cents";

fn line_row(r: &sqlx::any::AnyRow) -> Result<(Code, Line)> {
    let table = "finance_statement_line";
    let corrects = match parse_opt::<Quarter>(table, "corrects_quarter", r.try_get("corrects_quarter")?)? {
        None => None,
        Some(quarter) => Some(CorrectionOf {
            quarter,
            kind: parse_opt::<LineKind>(table, "corrects_kind", r.try_get("corrects_kind")?)?
                .ok_or(StoreError::Corrupt { table, column: "corrects_kind", message: "ontbreekt".into() })?,
            paid: Cents(r.try_get::<Option<i64>, _>("paid_cents")?.unwrap_or_default()),
            recomputed: Cents(r.try_get::<Option<i64>, _>("recomputed_cents")?.unwrap_or_default()),
        }),
    };
    Ok((
        parse(table, "network_code", &r.try_get::<String, _>("network_code")?)?,
        Line {
            kind: parse(table, "kind", &r.try_get::<String, _>("kind")?)?,
            rate_per_year: Cents(r.try_get("rate_cents_per_year")?),
            patients: u64_of(table, "patients", r.try_get("patients")?)?,
            amount: Cents(r.try_get("amount_cents")?),
            reason: parse_opt(table, "reason", r.try_get("reason")?)?,
            corrects,
        },
    ))
}

/// The frozen statements of an approved quarter, by network code, with
/// their lines in the order they were approved. Empty when not approved.
pub async fn approved_statements(conn: &mut AnyConnection, quarter: Quarter) -> Result<Vec<Statement>> {
    let q = quarter.to_string();
    let rows = rows::all(
        &mut *conn,
        sqlx::query(
            "SELECT network_code, registered_patients, without_agb FROM finance_statement
             WHERE quarter = $1 ORDER BY network_code",
        )
        .bind(&q),
    )
    .await?;
    let mut statements = rows
        .iter()
        .map(|r| {
            Ok(Statement {
                network: parse("finance_statement", "network_code", &r.try_get::<String, _>("network_code")?)?,
                quarter,
                registered_patients: u64_of(
                    "finance_statement",
                    "registered_patients",
                    r.try_get("registered_patients")?,
                )?,
                lines: vec![],
                without_agb: match r.try_get::<Option<String>, _>("without_agb")? {
                    None => vec![],
                    Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                        table: "finance_statement",
                        column: "without_agb",
                        message: e.to_string(),
                    })?,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let lines = rows::all(
        &mut *conn,
        sqlx::query(&format!(
            "SELECT {LINE_COLUMNS} FROM finance_statement_line WHERE quarter = $1 ORDER BY network_code, position"
        ))
        .bind(&q),
    )
    .await?;
    for r in &lines {
        let (network, line) = line_row(r)?;
        if let Some(s) = statements.iter_mut().find(|s| s.network == network) {
            s.lines.push(line);
        }
    }
    Ok(statements)
}

/// Correction lines for `corrected`, frozen in later approved quarters,
/// with their network.
pub async fn frozen_corrections(conn: &mut AnyConnection, corrected: Quarter) -> Result<Vec<(Code, Line)>> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM finance_statement_line WHERE corrects_quarter = $1
         ORDER BY quarter, network_code, position"
    );
    let rows = rows::all(&mut *conn, sqlx::query(&sql).bind(corrected.to_string())).await?;
    rows.iter().map(line_row).collect()
}

#[cfg(test)]
mod tests {
    use wijkregie_core::finance::ZeroReason;

    use super::*;
    use crate::testing;

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    fn statement(network: &str, quarter: &str) -> Statement {
        Statement {
            network: network.parse().unwrap(),
            quarter: q(quarter),
            registered_patients: 10_002,
            lines: vec![
                Line {
                    kind: LineKind::GpTime,
                    rate_per_year: Cents(224),
                    patients: 10_002,
                    amount: Cents(560_112),
                    reason: None,
                    corrects: None,
                },
                Line {
                    kind: LineKind::Coordinator,
                    rate_per_year: Cents(187),
                    patients: 10_002,
                    amount: Cents::ZERO,
                    reason: Some(ZeroReason::OptionA),
                    corrects: None,
                },
                Line {
                    kind: LineKind::Correction,
                    rate_per_year: Cents(224),
                    patients: 10_002,
                    amount: Cents(-112),
                    reason: None,
                    corrects: Some(CorrectionOf {
                        quarter: q("2025Q1"),
                        kind: LineKind::GpTime,
                        paid: Cents(560_112),
                        recomputed: Cents(560_000),
                    }),
                },
            ],
            // Kept with the approval, so the frozen statement still says why.
            without_agb: vec![wijkregie_core::finance::UncountedPractice {
                practice: "huisartsen-asterweg".parse().unwrap(),
                name: "Huisartsen Asterweg".into(),
                patients: 2_100,
            }],
        }
    }

    fn approved_by_admin(quarter: &str) -> Approval {
        Approval {
            quarter: q(quarter),
            approved_at: "2025-07-02T09:30:00.123456Z".parse().unwrap(),
            approved_by_user_id: None,
            approved_by_name: "Regio Beheerder".into(),
        }
    }

    #[tokio::test]
    async fn tariffs_are_saved_per_year_with_their_history() {
        for db in testing::both().await {
            let mut tx = db.store.begin().await.unwrap();
            let at: DateTime<Utc> = "2026-01-05T10:00:00Z".parse().unwrap();
            let t2026 = Tariff { gp_time: Cents(230), ..Tariff::default_for(2026) };
            save_tariff(tx.conn(), &Tariff::default_for(2022), "Beheerder", at).await.unwrap();
            save_tariff(tx.conn(), &t2026, "Beheerder", at).await.unwrap();
            save_tariff(tx.conn(), &Tariff { gp_time: Cents(231), ..t2026 }, "Ander", at).await.unwrap();
            tx.commit().await.unwrap();
            let mut conn = db.store.conn().await.unwrap();
            let set = tariffs(&mut conn).await.unwrap();
            assert_eq!(set, [Tariff::default_for(2022), Tariff { gp_time: Cents(231), ..t2026 }], "{:?}", db.engine);
            let history = tariff_history(&mut conn).await.unwrap();
            assert_eq!(history.len(), 3);
            assert_eq!((history[0].tariff.gp_time, history[0].changed_by.as_str()), (Cents(231), "Ander"));
            assert_eq!(history[1].tariff.gp_time, Cents(230));
            let refused = sqlx::query("DELETE FROM finance_tariff_history").execute(&mut *conn).await;
            assert!(refused.is_err(), "{:?}: history is append-only", db.engine);
        }
    }

    #[tokio::test]
    async fn an_approved_quarter_reads_back_exactly_and_cannot_change() {
        for db in testing::both().await {
            let statements = vec![statement("wsv-a", "2025Q2"), statement("wsv-b", "2025Q2")];
            let mut tx = db.store.begin().await.unwrap();
            assert!(approve(tx.conn(), &approved_by_admin("2025Q2"), &statements).await.unwrap());
            tx.commit().await.unwrap();
            let mut conn = db.store.conn().await.unwrap();
            assert_eq!(approved_statements(&mut conn, q("2025Q2")).await.unwrap(), statements, "{:?}", db.engine);
            assert_eq!(approval(&mut conn, q("2025Q2")).await.unwrap(), Some(approved_by_admin("2025Q2")));
            assert_eq!(approvals(&mut conn).await.unwrap(), [approved_by_admin("2025Q2")]);
            assert!(approved_statements(&mut conn, q("2025Q3")).await.unwrap().is_empty());
            let corrections = frozen_corrections(&mut conn, q("2025Q1")).await.unwrap();
            assert_eq!(corrections.len(), 2);
            assert_eq!(corrections[0].1, statements[0].lines[2]);
            drop(conn);

            // A second approval of the same quarter writes nothing.
            let mut tx = db.store.begin().await.unwrap();
            let again = Approval { approved_by_name: "Iemand anders".into(), ..approved_by_admin("2025Q2") };
            assert!(!approve(tx.conn(), &again, &[statement("wsv-c", "2025Q2")]).await.unwrap());
            tx.commit().await.unwrap();
            let mut conn = db.store.conn().await.unwrap();
            assert_eq!(approved_statements(&mut conn, q("2025Q2")).await.unwrap(), statements);

            // Not even SQL typed by hand changes a frozen line.
            for sql in [
                "UPDATE finance_statement_line SET amount_cents = 1",
                "DELETE FROM finance_statement_line",
                "UPDATE finance_statement SET registered_patients = 1",
                "DELETE FROM finance_approval",
            ] {
                assert!(sqlx::query(sql).execute(&mut *conn).await.is_err(), "{:?}: {sql}", db.engine);
            }
            assert_eq!(approved_statements(&mut conn, q("2025Q2")).await.unwrap(), statements);
        }
    }
}
