//! Dates as people type them. Files and the API use ISO 8601 (`2025-04-01`);
//! Dutch forms often get `1-4-2025`, which is accepted too.

use chrono::NaiveDate;

use crate::error::Invalid;

pub fn parse_date(input: &str) -> Result<NaiveDate, Invalid> {
    let s = input.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
        .map_err(|_| Invalid(format!("'{s}' is geen geldige datum: gebruik jjjj-mm-dd, zoals 2025-04-01")))
        .and_then(|d| {
            if (1900..=2200).contains(&chrono::Datelike::year(&d)) {
                Ok(d)
            } else {
                Err(Invalid(format!("'{s}' ligt buiten het bereik 1900–2200")))
            }
        })
}

/// Dutch month names, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// How a date is shown on pages: `1 april 2025`.
pub fn display_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_iso_and_dutch_order() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        assert_eq!(parse_date("2025-04-01").unwrap(), d);
        assert_eq!(parse_date(" 1-4-2025 ").unwrap(), d);
        assert_eq!(display_date(d), "1 april 2025");
    }

    #[test]
    fn refuses_impossible_dates() {
        for bad in ["2025-02-30", "2025-13-01", "gisteren", "", "0001-01-01"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_real_date_round_trips(days in 0i64..100_000) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assume!(chrono::Datelike::year(&d) <= 2200);
            prop_assert_eq!(parse_date(&d.to_string()).unwrap(), d);
        }

        #[test]
        fn never_panics(s in ".{0,20}") {
            let _ = parse_date(&s);
        }
    }
}
