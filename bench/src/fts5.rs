//! The baseline: the same services in SQLite, searched with FTS5, an R*Tree
//! for the radius's bounding box and the same filters, ranked like our
//! index (BM25 with the same field weights × `1 / (1 + d / 5 km)`), in one
//! SQL statement per question, with the total count as a window function.
//!
//! What FTS5 cannot do is left out rather than imitated badly: there is no
//! Dutch stemmer, no typo tolerance and no taxonomy synonyms beyond the term
//! texts being a column. Words are matched as prefixes of their first two
//! thirds (at least 4 letters), the nearest FTS5 gets to stemming. So the
//! baseline does less work per question than tantivy, not more.

use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};
use wijkregie_search::{Query, ServiceDoc};

const EARTH_RADIUS_KM: f64 = 6371.0088;

pub struct Fts5 {
    conn: Connection,
}

/// One hit: service id, score (lower is better, as FTS5's bm25) and distance.
pub type Hit = (String, f64, Option<f64>);

fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p, q) = (lat1.to_radians(), lat2.to_radians());
    let h = ((q - p) / 2.0).sin().powi(2) + p.cos() * q.cos() * ((lon2 - lon1).to_radians() / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

impl Fts5 {
    /// An in-memory database with every service, like tantivy's RAM index.
    pub fn build(docs: &[ServiceDoc]) -> rusqlite::Result<Fts5> {
        let mut conn = Connection::open_in_memory()?;
        conn.create_scalar_function("km", 4, FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_UTF8, |c| {
            Ok(haversine_km(c.get(0)?, c.get(1)?, c.get(2)?, c.get(3)?))
        })?;
        conn.execute_batch(
            "CREATE TABLE service (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, domain TEXT NOT NULL,
                 free INTEGER NOT NULL, status TEXT NOT NULL, located INTEGER NOT NULL);
             CREATE VIRTUAL TABLE service_fts USING fts5(name, alternate_name, organization, description, terms,
                 tokenize = 'unicode61 remove_diacritics 2', prefix = '4 6 8');
             CREATE VIRTUAL TABLE location USING rtree(id, min_lat, max_lat, min_lon, max_lon, +service_rowid);",
        )?;
        let tx = conn.transaction()?;
        {
            let mut service = tx.prepare(
                "INSERT INTO service (rowid, id, domain, free, status, located) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut text = tx.prepare(
                "INSERT INTO service_fts (rowid, name, alternate_name, organization, description, terms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut location = tx.prepare(
                "INSERT INTO location (min_lat, max_lat, min_lon, max_lon, service_rowid) VALUES (?1, ?1, ?2, ?2, ?3)",
            )?;
            for (rowid, d) in docs.iter().enumerate() {
                let rowid = rowid as i64 + 1;
                service.execute(params![rowid, d.id, d.domain, d.free_of_charge, d.status, !d.locations.is_empty()])?;
                let terms: Vec<&str> = d
                    .taxonomy_terms
                    .iter()
                    .flat_map(|t| std::iter::once(t.name.as_str()).chain(t.synonyms.iter().map(String::as_str)))
                    .chain(d.pathways.iter().map(String::as_str))
                    .collect();
                text.execute(params![
                    rowid,
                    d.name,
                    d.alternate_name,
                    d.organization_name,
                    d.description,
                    terms.join(" ")
                ])?;
                for p in &d.locations {
                    location.execute(params![p.lat, p.lon, rowid])?;
                }
            }
        }
        tx.commit()?;
        Ok(Fts5 { conn })
    }

    /// The FTS5 MATCH expression: each word as a prefix of its first two
    /// thirds, any word may match. `None` when no word is left.
    fn match_expression(text: &str) -> Option<String> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(|w| {
                let w = w.to_lowercase();
                let keep = (w.chars().count() * 2).div_ceil(3).max(4);
                format!("\"{}\"*", w.chars().take(keep).collect::<String>())
            })
            .collect();
        (!words.is_empty()).then(|| words.join(" OR "))
    }

    /// Answers a question with text, near + radius, the domain and free
    /// filters (what the benchmark's mix uses); returns the total and a page.
    pub fn search(&self, q: &Query) -> rusqlite::Result<(usize, Vec<Hit>)> {
        let near = q.near.expect("the benchmark's questions have a place");
        let radius = q.radius_km.expect("and a radius");
        let half_lat = (radius / EARTH_RADIUS_KM).to_degrees();
        let half_lon = half_lat / near.lat.to_radians().cos();
        let near_cte = "WITH near (service_rowid, km) AS (
                SELECT service_rowid, min(km(?1, ?2, min_lat, min_lon)) FROM location
                WHERE min_lat >= ?3 AND max_lat <= ?4 AND min_lon >= ?5 AND max_lon <= ?6
                GROUP BY service_rowid)";
        let filters = "s.status = 'active' AND (?7 IS NULL OR s.domain = ?7) AND (?8 = 0 OR s.free = 1)
                AND (near.km <= ?9 OR (near.km IS NULL AND s.located = 0))";
        let sql = match Self::match_expression(&q.text) {
            // bm25() only works where the FTS5 table is scanned directly,
            // not under the window function, so the match is its own step.
            Some(_) => format!(
                "{near_cte},
                 matched (rowid, relevance) AS MATERIALIZED (
                     SELECT rowid, bm25(service_fts, 3.0, 2.0, 1.5, 1.0, 2.5) FROM service_fts
                     WHERE service_fts MATCH ?10)
                 SELECT s.id, m.relevance / (1 + coalesce(near.km, ?9) / 5.0) AS score, near.km,
                        count(*) OVER () AS total
                 FROM matched m JOIN service s ON s.rowid = m.rowid
                 LEFT JOIN near ON near.service_rowid = s.rowid
                 WHERE {filters}
                 ORDER BY score LIMIT ?11"
            ),
            None => format!(
                "{near_cte}
                 SELECT s.id, coalesce(near.km, ?9) AS score, near.km, count(*) OVER () AS total
                 FROM service s LEFT JOIN near ON near.service_rowid = s.rowid
                 WHERE ?10 IS NULL AND {filters}
                 ORDER BY score, s.id LIMIT ?11"
            ),
        };
        let mut statement = self.conn.prepare_cached(&sql)?;
        let mut total = 0;
        let mut hits = Vec::new();
        let mut rows = statement.query(params![
            near.lat,
            near.lon,
            near.lat - half_lat,
            near.lat + half_lat,
            near.lon - half_lon,
            near.lon + half_lon,
            q.domain,
            q.free_only,
            radius,
            Self::match_expression(&q.text),
            q.limit as i64,
        ])?;
        while let Some(row) = rows.next()? {
            total = row.get::<_, i64>(3)? as usize;
            hits.push((row.get(0)?, row.get(1)?, row.get(2)?));
        }
        Ok((total, hits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wijkregie_search::GeoPoint;

    #[test]
    fn the_baseline_finds_by_prefix_filters_and_radius() {
        let at = |lat, lon| vec![GeoPoint { lat, lon }];
        let doc = |id: &str, name: &str, locations| ServiceDoc {
            id: id.into(),
            name: name.into(),
            domain: "zorg".into(),
            locations,
            ..ServiceDoc::default()
        };
        let docs = [
            doc("near", "Fysiotherapie De Linde", at(52.0, 5.0)),
            doc("far", "Fysiotherapie Het Anker", at(52.5, 5.0)),
            doc("phone", "Fysiotherapie telefonisch", vec![]),
            doc("other", "Taalcafé", at(52.0, 5.0)),
        ];
        let fts = Fts5::build(&docs).unwrap();
        let q = Query {
            text: "fysiotherapeuten".into(),
            near: Some(GeoPoint { lat: 52.01, lon: 5.0 }),
            radius_km: Some(10.0),
            ..Query::default()
        };
        let (total, hits) = fts.search(&q).unwrap();
        let ids: Vec<&str> = hits.iter().map(|h| h.0.as_str()).collect();
        assert_eq!((total, ids), (2, vec!["near", "phone"]));
        let (total, _) = fts.search(&Query { text: String::new(), ..q }).unwrap();
        assert_eq!(total, 3, "without text: everything in the radius and the unlocated");
    }
}
