//! Population figures per CBS area, year and vintage (CBS Kerncijfers,
//! RIVM health estimates), and the theme rules as the region set them.
//! A repeat import of the same file changes nothing, so saving compares
//! before it writes.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};
use wijkregie_core::codes::CbsCode;
use wijkregie_core::population::{AreaFigure, Indicator, Interval, Number, Source, ThemeRule, Value};
use wijkregie_core::region::Area;

use crate::batch::{rows_for_areas, Rows};
use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse, parse_time, timestamp};

/// The Netherlands as an area: the code CBS files use for it.
pub const NEDERLAND: &str = "NL00";

/// One stored figure. `area` is a CBS code or [`NEDERLAND`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFigure {
    pub area: String,
    pub vintage: i32,
    pub year: i32,
    pub indicator: Indicator,
    pub value: Value,
    pub interval: Option<Interval>,
    pub source: Source,
}

impl StoredFigure {
    /// The figure in `core`'s terms; `None` for the Netherlands, which has
    /// no CBS area code.
    pub fn area_figure(&self) -> Option<AreaFigure> {
        let area: CbsCode = self.area.parse().ok()?;
        Some(AreaFigure {
            area,
            vintage: self.vintage,
            year: self.year,
            indicator: self.indicator,
            value: self.value,
            interval: self.interval,
            source: self.source.clone(),
        })
    }
}

/// What a save did, for the import's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SaveReport {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

type Key = (String, i32, i32, Indicator);

fn value_cell(v: Value) -> Option<i64> {
    v.known().map(Number::thousandths)
}

/// Stores figures, replacing those of the same area, vintage, year and
/// indicator that differ. Callers pass each key once; a large import comes
/// in chunks sorted by area, so each chunk reads back only its own range.
pub async fn save(conn: &mut AnyConnection, figures: &[StoredFigure]) -> Result<SaveReport> {
    // Only the stored rows these figures could replace, as a range of area
    // codes per year: reading a whole year per chunk made a national import
    // quadratic, and PostgreSQL plans a long `IN (…)` list on a table it has
    // no statistics for yet (the first import) as a full scan.
    let mut ranges: BTreeMap<(i32, i32), (&str, &str)> = BTreeMap::new();
    for f in figures {
        let range = ranges.entry((f.vintage, f.year)).or_insert((f.area.as_str(), f.area.as_str()));
        range.0 = range.0.min(f.area.as_str());
        range.1 = range.1.max(f.area.as_str());
    }
    let mut existing: HashMap<Key, StoredFigure> = HashMap::new();
    for ((vintage, year), (first, last)) in ranges {
        let sql = format!(
            "SELECT {COLUMNS} FROM population_figure
             WHERE vintage = $3 AND year = $4 AND area >= $1 AND area <= $2"
        );
        let query = sqlx::query(&sql).bind(first).bind(last).bind(i64::from(vintage)).bind(i64::from(year));
        let rows = rows::all(&mut *conn, query).await?;
        for r in &rows {
            let f = row(r)?;
            existing.insert((f.area.clone(), f.vintage, f.year, f.indicator), f);
        }
    }
    let mut rows = Rows::new(
        "population_figure",
        &["area", "vintage", "year", "indicator", "value", "low", "high", "publisher", "source_table", "source_year"],
        "ON CONFLICT (area, vintage, year, indicator) DO UPDATE SET value = excluded.value, low = excluded.low,
             high = excluded.high, publisher = excluded.publisher, source_table = excluded.source_table,
             source_year = excluded.source_year",
    );
    let mut report = SaveReport::default();
    for f in figures {
        match existing.get(&(f.area.clone(), f.vintage, f.year, f.indicator)) {
            Some(old) if old == f => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.changed += 1,
            None => report.added += 1,
        }
        rows.push([
            f.area.as_str().into(),
            Some(i64::from(f.vintage)).into(),
            Some(i64::from(f.year)).into(),
            f.indicator.code().into(),
            value_cell(f.value).into(),
            f.interval.map(|i| i.low.thousandths()).into(),
            f.interval.map(|i| i.high.thousandths()).into(),
            f.source.publisher.as_str().into(),
            f.source.table.as_str().into(),
            Some(i64::from(f.source.year)).into(),
        ]);
        rows.write_full(conn).await?;
    }
    rows.write_all(conn).await?;
    if report.added + report.changed > 0 {
        raise_revision(conn).await?;
    }
    Ok(report)
}

/// Marks the population data as changed, in the caller's transaction, so
/// copies kept in memory (`web::service::region_data`) are read again.
pub(crate) async fn raise_revision(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("UPDATE population_revision SET revision = revision + 1 WHERE id = 1").execute(&mut *conn).await?;
    Ok(())
}

/// The population revision: it rises with every save that changed a figure
/// or an outline (`store::boundary::save`).
pub async fn revision(conn: &mut AnyConnection) -> Result<i64> {
    Ok(rows::one(&mut *conn, sqlx::query("SELECT revision FROM population_revision WHERE id = 1"))
        .await?
        .try_get("revision")?)
}

const COLUMNS: &str = "area, vintage, year, indicator, value, low, high, publisher, source_table, source_year";

fn int(r: &sqlx::any::AnyRow, column: &'static str) -> Result<i32> {
    let v: i64 = r.try_get(column)?;
    i32::try_from(v).map_err(|_| StoreError::Corrupt { table: "population_figure", column, message: v.to_string() })
}

fn row(r: &sqlx::any::AnyRow) -> Result<StoredFigure> {
    let value: Option<i64> = r.try_get("value")?;
    let low: Option<i64> = r.try_get("low")?;
    let high: Option<i64> = r.try_get("high")?;
    Ok(StoredFigure {
        area: r.try_get("area")?,
        vintage: int(r, "vintage")?,
        year: int(r, "year")?,
        indicator: parse("population_figure", "indicator", &r.try_get::<String, _>("indicator")?)?,
        value: value.map_or(Value::Unknown, |v| Value::Known(Number::from_thousandths(v))),
        interval: low
            .zip(high)
            .map(|(low, high)| Interval { low: Number::from_thousandths(low), high: Number::from_thousandths(high) }),
        source: Source {
            publisher: r.try_get("publisher")?,
            table: r.try_get("source_table")?,
            year: int(r, "source_year")?,
        },
    })
}

/// Every figure of the given areas (each in its own vintage), all years.
pub async fn for_areas(conn: &mut AnyConnection, areas: &[Area]) -> Result<Vec<AreaFigure>> {
    let select = format!("SELECT {COLUMNS} FROM population_figure");
    let mut out = Vec::new();
    for r in rows_for_areas(conn, areas, &select, "area", "vintage").await? {
        out.extend(row(&r)?.area_figure());
    }
    Ok(out)
}

/// The figures published for the Netherlands as a whole, all years.
pub async fn national(conn: &mut AnyConnection) -> Result<Vec<StoredFigure>> {
    rows::all(
        &mut *conn,
        sqlx::query(&format!("SELECT {COLUMNS} FROM population_figure WHERE area = $1 ORDER BY year, indicator"))
            .bind(NEDERLAND),
    )
    .await?
    .iter()
    .map(row)
    .collect()
}

/// How many figures are stored, for summaries and tests.
pub async fn count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(rows::one(&mut *conn, sqlx::query("SELECT COUNT(*) AS n FROM population_figure")).await?.try_get("n")?)
}

/// The figures of one source table, year and vintage: what the import page
/// lists, so the regio-beheerder sees what is in and what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSet {
    pub publisher: String,
    pub table: String,
    pub source_year: i32,
    pub year: i32,
    pub vintage: i32,
    pub areas: i64,
    pub figures: i64,
    pub unknown: i64,
}

/// Every stored set, by publisher, table and year (newest first).
pub async fn sets(conn: &mut AnyConnection) -> Result<Vec<StoredSet>> {
    let query = sqlx::query(
        "SELECT publisher, source_table, source_year, year, vintage, COUNT(DISTINCT area) AS areas, COUNT(*) AS figures,
                SUM(CASE WHEN value IS NULL THEN 1 ELSE 0 END) AS unknown
         FROM population_figure
         GROUP BY publisher, source_table, source_year, year, vintage
         ORDER BY publisher, source_table, year DESC, vintage DESC, source_year DESC",
    );
    let rows = rows::all(&mut *conn, query).await?;
    rows.iter()
        .map(|r| {
            Ok(StoredSet {
                publisher: r.try_get("publisher")?,
                table: r.try_get("source_table")?,
                source_year: int(r, "source_year")?,
                year: int(r, "year")?,
                vintage: int(r, "vintage")?,
                areas: r.try_get("areas")?,
                figures: r.try_get("figures")?,
                unknown: r.try_get("unknown")?,
            })
        })
        .collect()
}

/// The theme rules as last set, with who set them and when; `None` while
/// the shipped defaults apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesChange {
    pub rules: Vec<ThemeRule>,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}

fn rules_row(r: &sqlx::any::AnyRow) -> Result<RulesChange> {
    let text: String = r.try_get("rules")?;
    Ok(RulesChange {
        rules: serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            table: "theme_rules_history",
            column: "rules",
            message: e.to_string(),
        })?,
        changed_at: parse_time("theme_rules_history", "changed_at", &r.try_get::<String, _>("changed_at")?)?,
        changed_by: r.try_get("changed_by")?,
    })
}

pub async fn current_rules(conn: &mut AnyConnection) -> Result<Option<RulesChange>> {
    rows::optional(
        &mut *conn,
        sqlx::query("SELECT rules, changed_at, changed_by FROM theme_rules_history ORDER BY id DESC LIMIT 1"),
    )
    .await?
    .as_ref()
    .map(rules_row)
    .transpose()
}

/// Every change of the rules, newest first.
pub async fn rules_history(conn: &mut AnyConnection) -> Result<Vec<RulesChange>> {
    rows::all(&mut *conn, sqlx::query("SELECT rules, changed_at, changed_by FROM theme_rules_history ORDER BY id DESC"))
        .await?
        .iter()
        .map(rules_row)
        .collect()
}

/// Stores a new rule set; the caller has checked it.
pub async fn save_rules(conn: &mut AnyConnection, rules: &[ThemeRule], by: &str, at: DateTime<Utc>) -> Result<()> {
    let text = serde_json::to_string(rules).map_err(|e| StoreError::Unsupported(e.to_string()))?;
    sqlx::query("INSERT INTO theme_rules_history (rules, changed_at, changed_by) VALUES ($1, $2, $3)")
        .bind(text)
        .bind(timestamp(at))
        .bind(by)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    fn figure(area: &str, year: i32, indicator: Indicator, value: Value) -> StoredFigure {
        StoredFigure {
            area: area.into(),
            vintage: 2024,
            year,
            indicator,
            value,
            interval: None,
            source: Source { publisher: "CBS".into(), table: "Kerncijfers wijken en buurten 2024".into(), year: 2024 },
        }
    }

    #[tokio::test]
    async fn figures_round_trip_unknown_stays_unknown_and_a_repeat_changes_nothing() {
        for db in testing::both().await {
            let mut tx = db.store.begin().await.unwrap();
            let mut lonely = figure("WK199101", 2022, Indicator::SeverelyLonely, Value::Known("12.3".parse().unwrap()));
            lonely.interval = Some(Interval { low: "10.1".parse().unwrap(), high: "14.6".parse().unwrap() });
            let figures = vec![
                figure("WK199101", 2024, Indicator::Inhabitants, Value::Known(Number::from_int(4_215))),
                figure("WK199101", 2024, Indicator::Age65Plus, Value::Unknown),
                figure(NEDERLAND, 2024, Indicator::Inhabitants, Value::Known(Number::from_int(17_942_942))),
                lonely,
            ];
            assert_eq!(revision(tx.conn()).await.unwrap(), 0);
            let report = save(tx.conn(), &figures).await.unwrap();
            assert_eq!((report.added, report.changed, report.unchanged), (4, 0, 0), "{:?}", db.engine);
            assert_eq!(revision(tx.conn()).await.unwrap(), 1);
            let again = save(tx.conn(), &figures).await.unwrap();
            assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 4));
            assert_eq!(revision(tx.conn()).await.unwrap(), 1, "a repeat leaves the revision alone");
            let mut changed = figures[0].clone();
            changed.value = Value::Known(Number::from_int(4_220));
            assert_eq!(save(tx.conn(), &[changed]).await.unwrap().changed, 1);
            assert_eq!(revision(tx.conn()).await.unwrap(), 2);
            tx.commit().await.unwrap();

            let mut conn = db.store.conn().await.unwrap();
            let area = Area { code: "WK199101".parse().unwrap(), year: 2024 };
            let mut read = for_areas(&mut conn, &[area]).await.unwrap();
            read.sort_by_key(|f| (f.year, f.indicator));
            assert_eq!(read.len(), 3);
            assert_eq!(read[0].value, Value::Known("12.3".parse().unwrap()));
            assert_eq!(read[0].interval, figures[3].interval);
            assert!(read.iter().any(|f| f.indicator == Indicator::Age65Plus && f.value == Value::Unknown));
            assert!(read.iter().any(|f| f.value == Value::Known(Number::from_int(4_220))));
            let other = Area { code: "WK199101".parse().unwrap(), year: 2023 };
            assert!(for_areas(&mut conn, &[other]).await.unwrap().is_empty(), "another vintage is another area");
            assert_eq!(national(&mut conn).await.unwrap().len(), 1);
            let listed = sets(&mut conn).await.unwrap();
            let summary: Vec<_> = listed.iter().map(|s| (s.year, s.areas, s.figures, s.unknown)).collect();
            assert_eq!(summary, [(2024, 2, 3, 1), (2022, 1, 1, 0)], "{:?}", db.engine);
        }
    }

    #[tokio::test]
    async fn the_latest_rules_apply_and_every_change_is_kept() {
        for db in testing::both().await {
            let mut conn = db.store.conn().await.unwrap();
            assert!(current_rules(&mut conn).await.unwrap().is_none());
            drop(conn);
            let mut rules = wijkregie_core::population::default_rules();
            let mut tx = db.store.begin().await.unwrap();
            save_rules(tx.conn(), &rules, "Beheerder", Utc::now()).await.unwrap();
            rules.truncate(1);
            save_rules(tx.conn(), &rules, "Beheerder", Utc::now()).await.unwrap();
            tx.commit().await.unwrap();
            let mut conn = db.store.conn().await.unwrap();
            assert_eq!(current_rules(&mut conn).await.unwrap().unwrap().rules, rules, "{:?}", db.engine);
            assert_eq!(rules_history(&mut conn).await.unwrap().len(), 2);
        }
    }
}
