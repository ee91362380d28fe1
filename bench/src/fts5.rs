//! The baseline: the same services in SQLite, searched with FTS5, the
//! radius's bounding box (an R*Tree when there is no text) and the same filters, ranked like our
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
             CREATE INDEX service_unlocated ON service (located);
             CREATE VIRTUAL TABLE service_fts USING fts5(name, alternate_name, organization, description, terms,
                 tokenize = 'unicode61 remove_diacritics 2', prefix = '4 6 8');
             CREATE VIRTUAL TABLE location USING rtree(id, min_lat, max_lat, min_lon, max_lon, +service_rowid);
             CREATE TABLE place (service_rowid INTEGER NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL);
             CREATE INDEX place_service ON place (service_rowid);",
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
            let mut place = tx.prepare("INSERT INTO place (service_rowid, lat, lon) VALUES (?1, ?2, ?3)")?;
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
                    place.execute(params![rowid, p.lat, p.lon])?;
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
        // Materialised: evaluated once per question, then joined by rowid.
        let near_cte = "WITH near (service_rowid, km) AS MATERIALIZED (
                SELECT service_rowid, min(km(?1, ?2, min_lat, min_lon)) FROM location
                WHERE min_lat >= ?3 AND max_lat <= ?4 AND min_lon >= ?5 AND max_lon <= ?6
                GROUP BY service_rowid)";
        let filters = "s.status = 'active' AND (?7 IS NULL OR s.domain = ?7) AND (?8 = 0 OR s.free = 1)";
        let sql = match Self::match_expression(&q.text) {
            // With text the match drives: each matching service's own
            // locations, by index, checked against the bounding box and
            // measured. bm25() only works where the FTS5 table is scanned
            // directly, not under the window function, so the match is a
            // step of its own.
            Some(_) => format!(
                "WITH matched (rowid, relevance) AS MATERIALIZED (
                     SELECT rowid, bm25(service_fts, 3.0, 2.0, 1.5, 1.0, 2.5) FROM service_fts
                     WHERE service_fts MATCH ?10)
                 SELECT id, relevance / (1 + coalesce(km, ?9) / 5.0) AS score, km, count(*) OVER () AS total FROM (
                     SELECT s.id, s.located, m.relevance,
                            (SELECT min(km(?1, ?2, p.lat, p.lon)) FROM place p WHERE p.service_rowid = s.rowid
                             AND p.lat BETWEEN ?3 AND ?4 AND p.lon BETWEEN ?5 AND ?6) AS km
                     FROM matched m JOIN service s ON s.rowid = m.rowid
                     WHERE {filters})
                 WHERE km <= ?9 OR (km IS NULL AND located = 0)
                 ORDER BY score LIMIT ?11"
            ),
            // Without text the radius drives: the services of the R*Tree's
            // hits, and those without a location, which the radius keeps.
            None => format!(
                "{near_cte}
                 SELECT id, score, km, count(*) OVER () AS total FROM (
                     SELECT s.id, near.km AS score, near.km FROM near JOIN service s ON s.rowid = near.service_rowid
                     WHERE near.km <= ?9 AND {filters}
                     UNION ALL
                     SELECT s.id, ?9, NULL FROM service s WHERE s.located = 0 AND {filters})
                 WHERE ?10 IS NULL
                 ORDER BY score, id LIMIT ?11"
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
