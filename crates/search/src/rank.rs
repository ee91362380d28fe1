//! Ranking and the filters tantivy cannot do: age, opening hours and
//! distance, checked per matching service while collecting.
//!
//! With text, services rank by `relevance × proximity`, where relevance is
//! tantivy's BM25 score and proximity is `1 / (1 + d / 5 km)`: a service 5 km
//! away needs twice the relevance of one next door. A service without
//! locations (a phone line, a website) counts as if it were at the edge of
//! the radius, or [`UNLOCATED_KM`] away without one, so it stays in the list
//! but after equally relevant services that one can walk to. Ties go to
//! the located service, then the nearer, then by name.
//!
//! Without text, services are listed by distance (those without locations
//! last), then by name.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::doc::{GeoPoint, OpeningSlot};

/// Distance at which relevance is halved.
const HALF_RELEVANCE_KM: f64 = 5.0;
/// Where a service without locations counts as being when no radius is given:
/// roughly the size of a region.
pub(crate) const UNLOCATED_KM: f64 = 25.0;
const MINUTES_PER_DAY: u32 = 24 * 60;
const MINUTES_PER_WEEK: u32 = 7 * MINUTES_PER_DAY;
/// Mean Earth radius (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// What the collector needs to know of a service without reading its stored
/// document: kept in memory next to the index, one per service.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meta {
    pub id: String,
    /// Name lowercased with accents folded, for ordering by name.
    pub sort_name: String,
    /// The valid WGS84 points, ready for [`haversine`].
    pub locations: Vec<Point>,
    /// Opening hours as half-open ranges of minutes since Monday 00:00.
    pub open: Vec<(u32, u32)>,
    pub min_age: u8,
    pub max_age: u8,
    /// The HSDS status when it is not `active`, to warn about in explanations.
    pub inactive_status: Option<String>,
}

/// The minute-of-week ranges an opening slot covers: one, or two when it runs
/// past midnight (and Sunday night runs into Monday morning). A slot on a
/// weekday outside 1..=7 covers nothing.
pub(crate) fn week_ranges(slot: OpeningSlot) -> Vec<(u32, u32)> {
    if !(1..=7).contains(&slot.weekday) {
        return Vec::new();
    }
    let day_start = (u32::from(slot.weekday) - 1) * MINUTES_PER_DAY;
    let opens = u32::from(slot.opens_minute).min(MINUTES_PER_DAY);
    let closes = u32::from(slot.closes_minute).min(MINUTES_PER_DAY);
    if opens < closes {
        return vec![(day_start + opens, day_start + closes)];
    }
    // Overnight: until midnight, then on from the next day's midnight.
    let next_day = (day_start + MINUTES_PER_DAY) % MINUTES_PER_WEEK;
    let mut ranges = vec![(day_start + opens, day_start + MINUTES_PER_DAY)];
    if closes > 0 {
        ranges.push((next_day, next_day + closes));
    }
    ranges.retain(|(from, to)| from < to);
    ranges
}

/// The minute of the week of a weekday (1 = Monday) and a minute of that day.
pub(crate) fn minute_of_week(weekday: u8, minute: u16) -> u32 {
    (u32::from(weekday) - 1) * MINUTES_PER_DAY + u32::from(minute)
}

/// A point in radians with the cosine of its latitude, worked out once when
/// indexing so that a distance costs two sines per location while searching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl From<GeoPoint> for Point {
    fn from(p: GeoPoint) -> Self {
        let lat = p.lat.to_radians();
        Point { lat, lon: p.lon.to_radians(), cos_lat: lat.cos() }
    }
}

/// The haversine of the central angle between two points: 0 for the same
/// place, 1 for antipodes, and growing with distance, so nearest locations
/// and radius checks need no arcsine.
pub(crate) fn haversine(a: &Point, b: &Point) -> f64 {
    let half_lat = ((b.lat - a.lat) / 2.0).sin();
    let half_lon = ((b.lon - a.lon) / 2.0).sin();
    half_lat * half_lat + a.cos_lat * b.cos_lat * half_lon * half_lon
}

/// Kilometres along the Earth's surface for a [`haversine`] value.
fn haversine_to_km(h: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The [`haversine`] value of a distance in kilometres.
fn km_to_haversine(km: f64) -> f64 {
    (km / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2).sin().powi(2)
}

/// Great-circle distance in kilometres.
#[cfg(test)]
pub(crate) fn haversine_km(a: GeoPoint, b: GeoPoint) -> f64 {
    haversine_to_km(haversine(&a.into(), &b.into()))
}

/// The filters and ranking inputs the collector applies.
#[derive(Debug, Clone)]
pub(crate) struct Ranking {
    /// Whether there was query text; without it relevance is not computed.
    scored: bool,
    near: Option<Point>,
    radius_km: Option<f64>,
    /// `radius_km` as a [`haversine`] value.
    radius: Option<f64>,
    age: Option<u8>,
    open_at: Option<u32>,
    /// How many of the best candidates to keep (offset + limit).
    keep: usize,
}

impl Ranking {
    pub(crate) fn new(
        scored: bool,
        near: Option<GeoPoint>,
        radius_km: Option<f64>,
        age: Option<u8>,
        open_at: Option<u32>,
        keep: usize,
    ) -> Self {
        let radius = radius_km.map(km_to_haversine);
        Ranking { scored, near: near.map(Point::from), radius_km, radius, age, open_at, keep }
    }

    fn proximity(&self, distance_km: Option<f64>) -> f64 {
        let distance = distance_km.unwrap_or(self.radius_km.unwrap_or(UNLOCATED_KM));
        1.0 / (1.0 + distance / HALF_RELEVANCE_KM)
    }
}

/// One service that passed every filter.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// relevance × proximity; proximity alone without text.
    pub score: f32,
    pub distance_km: Option<f64>,
    pub meta: Arc<Meta>,
    pub address: DocAddress,
    /// Whether the order is by score first (there was text).
    scored: bool,
}

/// Best first: a candidate that ranks higher compares as `Less`.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_score = if self.scored { other.score.total_cmp(&self.score) } else { Ordering::Equal };
        let by_distance = match (self.distance_km, other.distance_km) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_score
            .then(by_distance)
            .then_with(|| self.meta.sort_name.cmp(&other.meta.sort_name))
            .then_with(|| self.meta.id.cmp(&other.meta.id))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

/// Keeps the best `keep` candidates: a max-heap whose top is the worst kept.
#[derive(Debug, Default)]
pub(crate) struct Best {
    pub total: usize,
    heap: BinaryHeap<Candidate>,
}

impl Best {
    /// Counts a candidate and keeps it if it is among the best `keep`.
    fn offer(&mut self, candidate: Candidate, keep: usize) {
        self.total += 1;
        self.keep(candidate, keep);
    }

    fn keep(&mut self, candidate: Candidate, keep: usize) {
        if self.heap.len() < keep {
            self.heap.push(candidate);
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if candidate < *worst {
                *worst = candidate;
            }
        }
    }

    /// The kept candidates, best first.
    pub(crate) fn into_sorted(self) -> Vec<Candidate> {
        self.heap.into_sorted_vec()
    }
}

/// Collects candidates: looks up each matching document's [`Meta`], applies
/// the age, opening and radius filters and keeps the best.
pub(crate) struct RankCollector {
    pub metas: Arc<Vec<Option<Arc<Meta>>>>,
    pub ranking: Arc<Ranking>,
}

impl Collector for RankCollector {
    type Fruit = Best;
    type Child = SegmentRanker;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentRanker> {
        Ok(SegmentRanker {
            segment,
            keys: reader.fast_fields().u64("key")?,
            metas: Arc::clone(&self.metas),
            ranking: Arc::clone(&self.ranking),
            best: Best::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.ranking.scored
    }

    fn merge_fruits(&self, fruits: Vec<Best>) -> tantivy::Result<Best> {
        let mut merged = Best::default();
        for fruit in fruits {
            merged.total += fruit.total;
            for candidate in fruit.heap {
                merged.keep(candidate, self.ranking.keep);
            }
        }
        Ok(merged)
    }
}

pub(crate) struct SegmentRanker {
    segment: SegmentOrdinal,
    keys: Column<u64>,
    metas: Arc<Vec<Option<Arc<Meta>>>>,
    ranking: Arc<Ranking>,
    best: Best,
}

impl SegmentCollector for SegmentRanker {
    type Fruit = Best;

    fn collect(&mut self, doc: DocId, relevance: Score) {
        let ranking = &*self.ranking;
        // Every document is indexed with its key and its Meta; a miss could
        // only mean a snapshot mix-up, and then leaving the document out is
        // the safe answer.
        let Some(meta) = self
            .keys
            .first(doc)
            .and_then(|key| usize::try_from(key).ok())
            .and_then(|key| self.metas.get(key))
            .and_then(Option::as_ref)
        else {
            return;
        };
        if let Some(age) = ranking.age {
            if age < meta.min_age || age > meta.max_age {
                return;
            }
        }
        if let Some(minute) = ranking.open_at {
            if !meta.open.iter().any(|&(from, to)| from <= minute && minute < to) {
                return;
            }
        }
        let nearest =
            ranking.near.and_then(|near| meta.locations.iter().map(|p| haversine(&near, p)).min_by(f64::total_cmp));
        if let (Some(nearest), Some(radius)) = (nearest, ranking.radius) {
            if nearest > radius {
                return;
            }
        }
        let distance_km = nearest.map(haversine_to_km);
        let relevance = if ranking.scored { f64::from(relevance) } else { 1.0 };
        let proximity = if ranking.near.is_some() { ranking.proximity(distance_km) } else { 1.0 };
        let candidate = Candidate {
            score: (relevance * proximity) as f32,
            distance_km,
            meta: Arc::clone(meta),
            address: DocAddress::new(self.segment, doc),
            scored: ranking.scored,
        };
        self.best.offer(candidate, ranking.keep);
    }

    fn harvest(self) -> Best {
        self.best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(weekday: u8, opens: u16, closes: u16) -> OpeningSlot {
        OpeningSlot { weekday, opens_minute: opens, closes_minute: closes }
    }

    #[test]
    fn a_day_slot_is_one_range() {
        assert_eq!(week_ranges(slot(1, 9 * 60, 17 * 60)), [(540, 1020)]);
        assert_eq!(week_ranges(slot(2, 9 * 60, 17 * 60)), [(1440 + 540, 1440 + 1020)]);
    }

    #[test]
    fn a_night_slot_runs_into_the_next_day_and_sunday_into_monday() {
        assert_eq!(week_ranges(slot(1, 22 * 60, 2 * 60)), [(1320, 1440), (1440, 1560)]);
        let sunday = 6 * 1440;
        assert_eq!(week_ranges(slot(7, 22 * 60, 2 * 60)), [(sunday + 1320, sunday + 1440), (0, 120)]);
        assert_eq!(week_ranges(slot(3, 0, 0)), [(2 * 1440, 3 * 1440)], "00:00–00:00 is the whole day");
    }

    #[test]
    fn a_slot_on_no_weekday_covers_nothing() {
        assert!(week_ranges(slot(0, 540, 1020)).is_empty());
        assert!(week_ranges(slot(8, 540, 1020)).is_empty());
    }

    #[test]
    fn haversine_matches_known_distances() {
        let utrecht = GeoPoint { lat: 52.0907, lon: 5.1214 };
        let amsterdam = GeoPoint { lat: 52.3676, lon: 4.9041 };
        let d = haversine_km(utrecht, amsterdam);
        assert!((d - 34.0).abs() < 1.0, "Utrecht–Amsterdam is about 34 km, got {d}");
        assert_eq!(haversine_km(utrecht, utrecht), 0.0);
    }

    #[test]
    fn radius_checks_agree_with_kilometres() {
        for km in [0.1, 1.0, 10.0, 300.0] {
            assert!((haversine_to_km(km_to_haversine(km)) - km).abs() < 1e-9, "{km}");
        }
        assert_eq!(haversine_to_km(km_to_haversine(1e9)), haversine_to_km(1.0), "half the globe at most");
    }

    #[test]
    fn proximity_halves_relevance_at_five_km_and_puts_unlocated_at_the_radius() {
        let ranking = Ranking::new(true, None, Some(10.0), None, None, 10);
        assert_eq!(ranking.proximity(Some(0.0)), 1.0);
        assert_eq!(ranking.proximity(Some(5.0)), 0.5);
        assert_eq!(ranking.proximity(None), ranking.proximity(Some(10.0)));
    }

    fn candidate(score: f32, distance_km: Option<f64>, name: &str, scored: bool) -> Candidate {
        let meta = Meta {
            id: name.to_string(),
            sort_name: name.to_string(),
            locations: Vec::new(),
            open: Vec::new(),
            min_age: 0,
            max_age: u8::MAX,
            inactive_status: None,
        };
        Candidate { score, distance_km, meta: Arc::new(meta), address: DocAddress::new(0, 0), scored }
    }

    #[test]
    fn best_keeps_the_top_and_counts_all() {
        let mut best = Best::default();
        for (i, score) in [1.0, 5.0, 3.0, 4.0, 2.0].into_iter().enumerate() {
            best.offer(candidate(score, None, &format!("s{i}"), true), 2);
        }
        assert_eq!(best.total, 5);
        let kept: Vec<f32> = best.into_sorted().iter().map(|c| c.score).collect();
        assert_eq!(kept, [5.0, 4.0]);
    }

    #[test]
    fn equal_scores_go_to_the_located_then_the_nearer_then_by_name() {
        let mut list = [
            candidate(1.0, None, "a", true),
            candidate(1.0, Some(3.0), "b", true),
            candidate(1.0, Some(1.0), "c", true),
            candidate(1.0, Some(1.0), "b2", true),
        ];
        list.sort();
        let names: Vec<&str> = list.iter().map(|c| c.meta.id.as_str()).collect();
        assert_eq!(names, ["b2", "c", "b", "a"]);
    }

    #[test]
    fn without_text_the_score_is_ignored() {
        let mut list = [candidate(0.9, Some(2.0), "far", false), candidate(0.1, Some(1.0), "near", false)];
        list.sort();
        assert_eq!(list[0].meta.id, "near");
    }
}
