//! Calendar quarters, written `2025Q2`: payments are computed, approved and
//! corrected per quarter, so the quarter is a type of its own rather than
//! a pair of numbers or a date.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// Years outside this range are typos; the same range as `date::parse_date`.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Quarter {
    // Field order gives the derived `Ord` its meaning: year first.
    year: i32,
    number: u8,
}

impl Quarter {
    pub fn new(year: i32, number: u8) -> Result<Self, Invalid> {
        if !YEARS.contains(&year) {
            return Err(Invalid(format!("het jaar {year} ligt buiten het bereik 1900–2200")));
        }
        if !(1..=4).contains(&number) {
            return Err(Invalid(format!("kwartaal {number} bestaat niet: kies 1, 2, 3 of 4")));
        }
        Ok(Self { year, number })
    }

    /// The quarter a date falls in.
    pub fn containing(date: NaiveDate) -> Self {
        Self { year: date.year(), number: (date.month0() / 3 + 1) as u8 }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u8 {
        self.number
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.number) * 3 - 2, 1)
            .expect("the first day of a month exists in every year chrono supports")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a quarter's first day has a day before it")
    }

    pub fn next(self) -> Self {
        match self.number {
            4 => Self { year: self.year + 1, number: 1 },
            n => Self { year: self.year, number: n + 1 },
        }
    }

    pub fn prev(self) -> Self {
        match self.number {
            1 => Self { year: self.year - 1, number: 4 },
            n => Self { year: self.year, number: n - 1 },
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        Self::containing(date) == self
    }

    /// How pages name it: `2e kwartaal 2025`.
    pub fn label(self) -> String {
        format!("{}e kwartaal {}", self.number, self.year)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.number)
    }
}

impl FromStr for Quarter {
    type Err = Invalid;

    /// `2025Q2`; also `2025q2` and `2025-Q2`, as people type them.
    fn from_str(input: &str) -> Result<Self, Invalid> {
        let s = input.trim().to_ascii_uppercase();
        let bad = || Invalid(format!("'{}' is geen kwartaal: schrijf het als 2025Q2", input.trim()));
        let (year, number) = s.split_once('Q').ok_or_else(bad)?;
        let year = year.strip_suffix('-').unwrap_or(year);
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || number.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number: u8 = number.parse().map_err(|_| bad())?;
        Self::new(year, number)
    }
}

impl TryFrom<String> for Quarter {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        s.parse()
    }
}

impl From<Quarter> for String {
    fn from(q: Quarter) -> String {
        q.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_formats() {
        let q: Quarter = "2025Q2".parse().unwrap();
        assert_eq!((q.year(), q.number()), (2025, 2));
        assert_eq!(q.to_string(), "2025Q2");
        assert_eq!(" 2025q2 ".parse::<Quarter>().unwrap(), q);
        assert_eq!("2025-Q2".parse::<Quarter>().unwrap(), q);
        assert_eq!(q.label(), "2e kwartaal 2025");
        for bad in ["", "2025", "2025Q5", "2025Q0", "25Q1", "2025Q12", "Q2 2025", "2025Q", "1800Q1", "２０２５Q1"] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
        assert!("2025Q5".parse::<Quarter>().unwrap_err().0.contains("kies 1, 2, 3 of 4"));
    }

    #[test]
    fn first_and_last_days() {
        let q: Quarter = "2024Q1".parse().unwrap();
        assert_eq!(q.first_day(), d("2024-01-01"));
        assert_eq!(q.last_day(), d("2024-03-31"));
        assert_eq!("2024Q4".parse::<Quarter>().unwrap().last_day(), d("2024-12-31"));
        assert!(q.contains(d("2024-03-31")));
        assert!(!q.contains(d("2024-04-01")));
        assert_eq!(Quarter::containing(d("2024-04-01")).to_string(), "2024Q2");
    }

    #[test]
    fn next_and_prev_cross_years() {
        let q: Quarter = "2024Q4".parse().unwrap();
        assert_eq!(q.next().to_string(), "2025Q1");
        assert_eq!(q.next().prev(), q);
        assert!(q < q.next());
    }

    proptest! {
        #[test]
        fn every_day_lies_in_its_quarter(days in 0i64..60_000) {
            let date = d("1950-01-01") + chrono::Duration::days(days);
            let q = Quarter::containing(date);
            prop_assert!(q.first_day() <= date && date <= q.last_day());
            prop_assert_eq!(q.to_string().parse::<Quarter>().unwrap(), q);
            prop_assert_eq!(q.last_day().succ_opt().unwrap(), q.next().first_day());
        }
    }
}
