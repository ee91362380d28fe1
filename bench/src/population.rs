//! The wijkprofiel benchmarks' fixture: a region of 350 CBS areas with 10
//! Kerncijfers years of every indicator and 3 Gezondheidsmonitor years
//! (with intervals), one figure in forty unknown. The first 30 areas are the
//! subject. `examples/profile.rs` measures the core computation on it,
//! `examples/profile_page.rs` the whole page from the database.

use wijkregie_core::codes::CbsCode;
use wijkregie_core::population::{AreaFigure, Indicator, Interval, Measure, Number, Source, Value};
use wijkregie_core::region::Area;

pub const REGION_AREAS: usize = 350;
pub const SUBJECT_AREAS: usize = 30;
pub const KWB_YEARS: std::ops::RangeInclusive<i32> = 2015..=2024;
pub const HEALTH_YEARS: [i32; 3] = [2016, 2020, 2022];
pub const VINTAGE: u16 = 2024;

/// A fixed pseudo-random sequence, so every run measures the same figures.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: i64) -> i64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below as u64) as i64
    }
}

/// Every figure of the region, and its areas (the subject first).
pub fn fixture() -> (Vec<AreaFigure>, Vec<Area>) {
    let mut rng = Lcg(5);
    let areas: Vec<Area> = (0..REGION_AREAS)
        .map(|i| Area {
            code: format!("BU{:04}{:04}", 1900 + i / 100, i % 100).parse::<CbsCode>().unwrap(),
            year: VINTAGE,
        })
        .collect();
    let cbs = |year| Source { publisher: "CBS".into(), table: format!("Kerncijfers wijken en buurten {year}"), year };
    let rivm = |year| Source { publisher: "RIVM".into(), table: format!("Gezondheid per wijk en buurt {year}"), year };
    let mut figures = Vec::new();
    for area in &areas {
        let mut seen = Vec::new();
        for year in KWB_YEARS.clone().chain(HEALTH_YEARS) {
            // 2016, 2020 and 2022 come twice from the chain: once for CBS, once for RIVM.
            let (kwb_pass, health_pass) = (!seen.contains(&year), seen.contains(&year) || !KWB_YEARS.contains(&year));
            seen.push(year);
            let inhabitants = 800 + rng.next(4000);
            for &indicator in Indicator::ALL {
                let (value, interval, source) = match indicator.measure() {
                    _ if indicator.is_estimate() => {
                        if !health_pass {
                            continue;
                        }
                        let v = 5 + rng.next(60);
                        (
                            Number::from_int(v),
                            Some(Interval { low: Number::from_int(v - 3), high: Number::from_int(v + 3) }),
                            rivm(year),
                        )
                    }
                    Measure::Share { .. } => continue,
                    _ if !kwb_pass => continue,
                    Measure::Count if indicator == Indicator::Inhabitants => {
                        (Number::from_int(inhabitants), None, cbs(year))
                    }
                    Measure::Count => (Number::from_int(inhabitants / (2 + rng.next(6))), None, cbs(year)),
                    _ => (Number::from_thousandths(1_000 + rng.next(40_000)), None, cbs(year)),
                };
                // One figure in forty hidden, as CBS does for small areas.
                let value = if rng.next(40) == 0 { Value::Unknown } else { Value::Known(value) };
                figures.push(AreaFigure {
                    area: area.code.clone(),
                    vintage: i32::from(area.year),
                    year,
                    indicator,
                    value,
                    interval,
                    source,
                });
            }
        }
    }
    (figures, areas)
}
