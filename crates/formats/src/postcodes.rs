//! Centroids of postcode areas, for distance from a postcode to services.
//! The file is a CSV with a header and the columns `postcode`, `latitude`,
//! `longitude` (WGS84), separated by `;` (then a decimal comma is allowed, as
//! Dutch spreadsheets write it) or `,`. A postcode is a PC6 (`1215EK`,
//! `1215 EK`) or a PC4 area (`1215`).

use std::collections::HashSet;

use wijkregie_core::codes::Postcode;
use wijkregie_core::directory::GeoPoint;
use wijkregie_core::error::FieldError;

/// The key a centroid is stored under: a normalised PC6 or a PC4.
pub fn key(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) && !t.starts_with('0') {
        return Ok(t.to_owned());
    }
    t.parse::<Postcode>().map(|p| p.as_str().to_owned()).map_err(|e| e.0)
}

/// Reads the whole file; one bad row and nothing is returned but every problem.
pub fn parse(text: &str) -> Result<Vec<(String, GeoPoint)>, Vec<FieldError>> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(vec![FieldError::new("regel 1", "het bestand is leeg")]);
    };
    let separator = if header.contains(';') { ';' } else { ',' };
    let columns: Vec<String> = header.split(separator).map(|c| c.trim().trim_matches('"').to_lowercase()).collect();
    let find = |name: &str| columns.iter().position(|c| c == name);
    let (Some(pc), Some(lat), Some(lon)) = (find("postcode"), find("latitude"), find("longitude")) else {
        return Err(vec![FieldError::new("regel 1", "verwacht de kolommen postcode, latitude en longitude")]);
    };
    let mut problems = Vec::new();
    let mut out: Vec<(String, GeoPoint)> = Vec::new();
    // A set, not a scan of `out`: the national PC6 file has about 460,000
    // rows, and a scan per row made its import quadratic (9 minutes).
    let mut seen: HashSet<String> = HashSet::new();
    for (index, line) in lines {
        let row = index + 1;
        let cells: Vec<&str> = line.split(separator).map(|c| c.trim().trim_matches('"')).collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let number = |i: usize, name: &str, problems: &mut Vec<FieldError>| {
            let raw = cell(i);
            let text = if separator == ';' { raw.replace(',', ".") } else { raw.to_owned() };
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    problems
                        .push(FieldError::new(format!("regel {row}, kolom {name}"), format!("'{raw}' is geen getal")));
                })
                .ok()
        };
        let postcode =
            key(cell(pc)).map_err(|e| problems.push(FieldError::new(format!("regel {row}, kolom postcode"), e))).ok();
        let (latitude, longitude) = (number(lat, "latitude", &mut problems), number(lon, "longitude", &mut problems));
        let (Some(postcode), Some(latitude), Some(longitude)) = (postcode, latitude, longitude) else { continue };
        match GeoPoint::new(latitude, longitude) {
            Ok(point) => {
                if !seen.insert(postcode.clone()) {
                    problems.push(FieldError::new(
                        format!("regel {row}, kolom postcode"),
                        format!("{postcode} staat er al eerder in"),
                    ));
                } else {
                    out.push((postcode, point));
                }
            }
            Err(e) => problems.push(FieldError::new(format!("regel {row}"), e.0)),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_dutch_and_international_csv() {
        let dutch = "postcode;latitude;longitude\n1215 EK;52,231;5,171\n1215;52,23;5,17\n";
        let rows = parse(dutch).unwrap();
        assert_eq!(rows[0].0, "1215EK");
        assert_eq!(rows[1].0, "1215");
        assert!((rows[0].1.latitude - 52.231).abs() < 1e-9);
        let international = "latitude,longitude,postcode\n52.1,5.1,3511AA\n";
        assert_eq!(parse(international).unwrap()[0].0, "3511AA");
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = "postcode;latitude;longitude\n0123AB;52;5\n1215EK;noord;5\n1216AA;5;52\n1215EK;52;5\n1217BB;52,1;5,2\n1217BB;52;5\n";
        let fields: Vec<String> = parse(text).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["regel 2, kolom postcode", "regel 3, kolom latitude", "regel 4", "regel 7, kolom postcode"]
        );
        assert!(parse("").is_err());
        assert!(parse("pc,lat,lon\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "(?s).{0,200}") {
            let _ = parse(&s);
        }
    }
}
