//! The radius pre-filter: grid cells that let tantivy skip services far
//! away before they are scored and collected.
//!
//! Without it, a search with `near` and `radius_km` scores every service
//! that matches the words and only then drops those outside the radius; at
//! national scale (100,000 services) that is most of the work. So every
//! location is indexed as the cell it lies in, at a few cell sizes, and a
//! search with a radius asks only for the cells that cover the radius's
//! bounding box. The exact haversine check stays in the collector
//! ([`crate::rank`]): cells only ever let too many through, never too few.
//!
//! Services without locations are indexed as [`UNLOCATED`], because the
//! radius keeps them (a phone line serves everyone).

use crate::doc::GeoPoint;

/// Cell sizes in degrees, finest first. A query uses the finest level whose
/// cells over the bounding box number at most [`MAX_CELLS`]: 0.02° (about
/// 2.2 × 1.4 km in the Netherlands) for a radius up to about 2 km, 1.28° for
/// 100 km. Each step is ×4 so that some level fits every radius well.
const LEVELS: [f64; 4] = [0.02, 0.08, 0.32, 1.28];

/// More cells than this make the term set itself the cost.
const MAX_CELLS: i64 = 64;

/// The cell token of a service without locations.
pub(crate) const UNLOCATED: &str = "-";

/// Mean Earth radius (IUGG), the same sphere the collector measures on.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Widening of the bounding box, in degrees (about a centimetre): a point on
/// the circle itself must not fall out by a rounding error.
const MARGIN_DEGREES: f64 = 1e-7;

fn cell(level: usize, lat: f64, lon: f64) -> (i64, i64) {
    let size = LEVELS[level];
    (((lat + 90.0) / size).floor() as i64, ((lon + 180.0) / size).floor() as i64)
}

fn token(level: usize, (row, column): (i64, i64)) -> String {
    format!("{level}/{row}/{column}")
}

/// The tokens a location is indexed with: its cell at every level.
pub(crate) fn cell_tokens(p: GeoPoint) -> impl Iterator<Item = String> {
    (0..LEVELS.len()).map(move |level| token(level, cell(level, p.lat, p.lon)))
}

/// The tokens a search within `radius_km` of `near` asks for, including
/// [`UNLOCATED`]; `None` when cells cannot narrow the search (the circle
/// reaches a pole or the antimeridian, or is larger than the coarsest
/// cells allow), and the collector's exact check must do it alone.
pub(crate) fn covering(near: GeoPoint, radius_km: f64) -> Option<Vec<String>> {
    let angle = radius_km / EARTH_RADIUS_KM;
    let half_lat = angle.to_degrees() + MARGIN_DEGREES;
    let (south, north) = (near.lat - half_lat, near.lat + half_lat);
    if south <= -90.0 || north >= 90.0 {
        return None;
    }
    // The widest longitude on a spherical cap not holding a pole: where a
    // meridian touches the circle, asin(sin a / cos φ) away.
    let half_lon = (angle.sin() / near.lat.to_radians().cos()).asin().to_degrees() + MARGIN_DEGREES;
    let (west, east) = (near.lon - half_lon, near.lon + half_lon);
    if !half_lon.is_finite() || west < -180.0 || east >= 180.0 {
        return None;
    }
    for level in 0..LEVELS.len() {
        let (row_from, column_from) = cell(level, south, west);
        let (row_to, column_to) = cell(level, north, east);
        if (row_to - row_from + 1) * (column_to - column_from + 1) > MAX_CELLS {
            continue;
        }
        let mut tokens = vec![UNLOCATED.to_string()];
        for row in row_from..=row_to {
            for column in column_from..=column_to {
                tokens.push(token(level, (row, column)));
            }
        }
        return Some(tokens);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_in_a_cell_it_asks_for() {
        let utrecht = GeoPoint { lat: 52.0907, lon: 5.1214 };
        for radius in [0.5, 2.0, 10.0, 50.0, 100.0] {
            let asked = covering(utrecht, radius).expect("the Netherlands are far from the poles");
            assert!(cell_tokens(utrecht).any(|t| asked.contains(&t)), "{radius} km");
            assert!(asked.len() as i64 <= MAX_CELLS + 1, "{radius} km: {} cells", asked.len());
            assert_eq!(asked[0], UNLOCATED);
        }
    }

    #[test]
    fn small_radii_use_fine_cells_and_large_ones_coarse_cells() {
        let p = GeoPoint { lat: 52.0, lon: 5.0 };
        let level = |r: f64| covering(p, r).expect("coverable")[1].split('/').next().map(str::to_owned);
        assert_eq!(level(1.0).as_deref(), Some("0"));
        assert_eq!(level(100.0).as_deref(), Some("3"));
    }

    #[test]
    fn near_a_pole_or_the_antimeridian_there_is_no_pre_filter() {
        assert_eq!(covering(GeoPoint { lat: 89.95, lon: 5.0 }, 10.0), None);
        assert_eq!(covering(GeoPoint { lat: 10.0, lon: 179.99 }, 10.0), None);
        assert_eq!(covering(GeoPoint { lat: 52.0, lon: 5.0 }, 5000.0), None, "too many cells even at 1.28°");
    }
}
