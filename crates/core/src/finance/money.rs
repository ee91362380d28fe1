//! Money in whole euro cents. Amounts per quarter are a quarter of a yearly
//! rate per patient, which is often a fraction of a cent (EUR 1.87 / 4 =
//! 46.75 cents): [`quarter_amount`] computes the exact product first and
//! rounds once, half up, so no line is ever off by an accumulated fraction.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

use serde::{Deserialize, Serialize};

use crate::error::Invalid;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// `1234.56`, `-0.05`: for files read by programs.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// `1234,56`: for spreadsheets set to Dutch.
    pub fn decimal_comma(self) -> String {
        self.decimal().replace('.', ",")
    }

    /// `€ 1.234,56` and `€ -5,00`: for pages.
    pub fn euro(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("€ {sign}{},{:02}", crate::format::thousands(abs / 100), abs % 100)
    }

    /// Euros as typed in a form or file: `2,24`, `2.24`, `€ 2`, at most two
    /// decimals, never negative (a rate is never below zero).
    pub fn parse_euros(input: &str) -> Result<Cents, Invalid> {
        let s = input.trim().trim_start_matches('€').trim().replace(',', ".");
        let bad = || {
            Invalid(format!(
                "'{}' is geen geldig bedrag: schrijf euro's met hoogstens twee decimalen, zoals 2,24",
                input.trim()
            ))
        };
        let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
        if whole.is_empty() || whole.len() > 9 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
        Ok(Cents(whole * 100 + frac))
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.euro())
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, rhs: Cents) -> Cents {
        Cents(self.0 + rhs.0)
    }
}

impl AddAssign for Cents {
    fn add_assign(&mut self, rhs: Cents) {
        self.0 += rhs.0;
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, rhs: Cents) -> Cents {
        Cents(self.0 - rhs.0)
    }
}

impl Neg for Cents {
    type Output = Cents;
    fn neg(self) -> Cents {
        Cents(-self.0)
    }
}

impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        iter.fold(Cents::ZERO, Add::add)
    }
}

/// A quarter of `cents_per_year` for each of `patients`, rounded once to the
/// cent, half up. Exact: `patients × rate` is an integer number of
/// quarter-cents, so adding two quarter-cents before dividing by four
/// rounds a remainder of ½ up and ¼ down.
pub fn quarter_amount(patients: u64, cents_per_year: u32) -> Cents {
    let quarter_cents = u128::from(patients) * u128::from(cents_per_year);
    let cents = (quarter_cents + 2) / 4;
    Cents(
        i64::try_from(cents)
            .expect("patients (u64 from u32 counts) times a u32 rate / 4 fits in i64 for any real region"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_quarter_of_the_yearly_rate_is_rounded_once_half_up() {
        // 2.24 / 4 = 0.56 exactly.
        assert_eq!(quarter_amount(10_000, 224), Cents(560_000));
        assert_eq!(quarter_amount(10_001, 224), Cents(560_056));
        // 1.87 / 4 = 0.4675: 10,000 × 46.75 = 467,500 exactly;
        assert_eq!(quarter_amount(10_000, 187), Cents(467_500));
        // 10,001 × 46.75 = 467,546.75 → up;
        assert_eq!(quarter_amount(10_001, 187), Cents(467_547));
        // 10,002 × 46.75 = 467,593.5 → half up;
        assert_eq!(quarter_amount(10_002, 187), Cents(467_594));
        // 10,003 × 46.75 = 467,640.25 → down.
        assert_eq!(quarter_amount(10_003, 187), Cents(467_640));
        // Rounding the rate per patient first (47 cents) would pay 470,141.
        assert_ne!(quarter_amount(10_003, 187), Cents(10_003 * 47));
        assert_eq!(quarter_amount(0, 187), Cents::ZERO);
    }

    #[test]
    fn shown_the_dutch_way() {
        assert_eq!(Cents(467_547).euro(), "€ 4.675,47");
        assert_eq!(Cents(-500).euro(), "€ -5,00");
        assert_eq!(Cents(5).euro(), "€ 0,05");
        assert_eq!(Cents(123_456_789).euro(), "€ 1.234.567,89");
        assert_eq!(Cents(-5).decimal(), "-0.05");
        assert_eq!(Cents(467_547).decimal_comma(), "4675,47");
    }

    #[test]
    fn euros_are_read_exactly() {
        assert_eq!(Cents::parse_euros("2,24").unwrap(), Cents(224));
        assert_eq!(Cents::parse_euros(" € 1.87 ").unwrap(), Cents(187));
        assert_eq!(Cents::parse_euros("2").unwrap(), Cents(200));
        assert_eq!(Cents::parse_euros("2,5").unwrap(), Cents(250));
        for bad in ["", "-1", "2,245", "1.000,00", "twee", ",5", "9999999999"] {
            assert!(Cents::parse_euros(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn rounding_is_within_half_a_cent(patients in 0u64..10_000_000, rate in 0u32..100_000) {
            let exact_quarter_cents = i128::from(patients) * i128::from(rate);
            let rounded = i128::from(quarter_amount(patients, rate).0) * 4;
            prop_assert!((rounded - exact_quarter_cents).abs() <= 2);
            // Half up: exactly half a cent always goes up.
            if exact_quarter_cents % 4 == 2 {
                prop_assert!(rounded > exact_quarter_cents);
            }
        }
    }
}
