//! Exact fixed-point numbers for population figures.
//!
//! CBS and RIVM publish counts, percentages with one decimal, amounts in
//! thousands of euros with one decimal and averages such as the household
//! size with two. Thousandths hold all of those exactly,
//! and recomputed percentages keep two more digits than are ever shown, so
//! rounding for display never shows a different figure than the sums imply.
//! We keep our own `i64` newtype rather than adding `rust_decimal`: the scale
//! is fixed, the operations are a handful (sum, weighted mean, ratio) done in
//! `i128` and rounded once, and comparisons stay plain integer comparisons.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Invalid;

/// A number with exactly three decimals, stored as thousandths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(i64);

/// Thousandths per unit.
const SCALE: i64 = 1000;

impl Number {
    pub const ZERO: Number = Number(0);

    /// `n` must lie within ±9·10^15, far beyond any population figure.
    pub const fn from_int(n: i64) -> Self {
        Self(n * SCALE)
    }

    pub const fn from_thousandths(n: i64) -> Self {
        Self(n)
    }

    pub const fn thousandths(self) -> i64 {
        self.0
    }

    /// The whole number nearest to this one (halves away from zero).
    pub fn round(self) -> i64 {
        div_round(i128::from(self.0), i128::from(SCALE)) as i64
    }

    /// Rounded to `decimals` (at most three; halves away from zero), so a
    /// chart's table, which formats a float, shows the digits a page does.
    pub fn rounded(self, decimals: u8) -> Number {
        let step = 10i128.pow(3 - u32::from(decimals.min(3)));
        Number::saturating(div_round(i128::from(self.0), step) * step)
    }

    /// Rounded to `decimals` (at most three; halves away from zero) and
    /// written in Dutch notation with exactly that many decimals: `13,4`,
    /// `13.040`, `-0,3`. What pages show; files keep the exact number.
    pub fn dutch(self, decimals: u8) -> String {
        let decimals = u32::from(decimals.min(3));
        let step = 10i128.pow(3 - decimals);
        let rounded = div_round(i128::from(self.0), step);
        let scale = 10i128.pow(decimals);
        let (int, frac) =
            (rounded.unsigned_abs() / scale.unsigned_abs(), rounded.unsigned_abs() % scale.unsigned_abs());
        let mut out = String::new();
        if rounded < 0 {
            out.push('-');
        }
        out.push_str(&crate::format::thousands(u64::try_from(int).unwrap_or(u64::MAX)));
        if decimals > 0 {
            out.push_str(&format!(",{frac:0width$}", width = decimals as usize));
        }
        out
    }

    /// `self - other`, the difference shown next to a comparison.
    pub fn minus(self, other: Number) -> Number {
        Number(self.0.saturating_sub(other.0))
    }

    /// A ratio of two sums in thousandths, rounded once; `None` when the
    /// denominator is zero.
    pub(crate) fn ratio(numerator: i128, denominator: i128, factor: i128) -> Option<Number> {
        if denominator == 0 {
            return None;
        }
        Some(Number::saturating(div_round(numerator * factor, denominator)))
    }

    pub(crate) fn saturating(thousandths: i128) -> Number {
        Number(thousandths.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }

    /// The machine form used in JSON and files: `12.5`, `-3`, `0.125`.
    pub fn to_machine_string(self) -> String {
        let (int, frac) = self.parts();
        let sign = if self.0 < 0 { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    /// The unsigned integer part and the decimals without trailing zeros.
    fn parts(self) -> (u64, String) {
        let abs = self.0.unsigned_abs();
        let int = abs / SCALE as u64;
        let frac = format!("{:03}", abs % SCALE as u64);
        (int, frac.trim_end_matches('0').to_owned())
    }
}

/// Integer division rounding halves away from zero; `denominator` is not zero.
pub(crate) fn div_round(numerator: i128, denominator: i128) -> i128 {
    let (n, d) = if denominator < 0 { (-numerator, -denominator) } else { (numerator, denominator) };
    if n >= 0 {
        (n + d / 2) / d
    } else {
        -((-n + d / 2) / d)
    }
}

/// Dutch notation, as pages show it: `1.234`, `12,5`, `-0,25`.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, frac) = self.parts();
        if self.0 < 0 {
            f.write_str("-")?;
        }
        let digits = int.to_string();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                f.write_str(".")?;
            }
            write!(f, "{c}")?;
        }
        if !frac.is_empty() {
            write!(f, ",{frac}")?;
        }
        Ok(())
    }
}

/// Accepts `12`, `-3`, `12.5` and `12,5`, with at most three decimals; no
/// thousands separators, because `1.234` would be ambiguous.
impl FromStr for Number {
    type Err = Invalid;

    fn from_str(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        let bad = || {
            Invalid(format!(
                "'{s}' is geen geldig getal: gebruik cijfers met hoogstens drie decimalen, zoals 12,5 of -3"
            ))
        };
        let (negative, unsigned) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = unsigned.split_once(['.', ',']).unwrap_or((unsigned, ""));
        let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits_only(int) || !digits_only(frac) || frac.len() > 3 || int.len() > 15 {
            return Err(bad());
        }
        let int: i64 = int.parse().map_err(|_| bad())?;
        let frac: i64 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
        let value = int * SCALE + frac;
        Ok(Self(if negative { -value } else { value }))
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_machine_string())
    }
}

/// Reads a string (`"12.5"`) or a whole number (`12`). JSON fractions such
/// as `12.5` are refused: they pass through a float, which is exactly what
/// this type exists to avoid.
impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Whole(i64),
        }
        match Written::deserialize(deserializer) {
            Ok(Written::Text(text)) => text.parse().map_err(serde::de::Error::custom),
            Ok(Written::Whole(n)) if n.unsigned_abs() < 1_000_000_000_000_000 => Ok(Number::from_int(n)),
            _ => Err(serde::de::Error::custom("verwacht een getal als tekst, zoals \"12.5\", of een geheel getal")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Number {
        s.parse().unwrap()
    }

    #[test]
    fn parses_both_decimal_marks_and_shows_dutch() {
        assert_eq!(n("12,5"), Number::from_thousandths(12_500));
        assert_eq!(n("12.5"), n("12,500"));
        assert_eq!(n("-0.25").to_string(), "-0,25");
        assert_eq!(n("1234567").to_string(), "1.234.567");
        assert_eq!(n("27.4").to_machine_string(), "27.4");
        for bad in ["", "-", "1.2345", "1.234,5", "abc", ".5", "1e3", "+1"] {
            assert!(bad.parse::<Number>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rounding_goes_half_away_from_zero() {
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(n("2.5").round(), 3);
        assert_eq!(n("-2.5").round(), -3);
    }

    #[test]
    fn serde_uses_strings_and_accepts_whole_numbers() {
        assert_eq!(serde_json::to_string(&n("12.5")).unwrap(), "\"12.5\"");
        assert_eq!(serde_json::from_str::<Number>("\"12,5\"").unwrap(), n("12.5"));
        assert_eq!(serde_json::from_str::<Number>("3").unwrap(), n("3"));
        assert!(serde_json::from_str::<Number>("12.5").is_err());
    }

    proptest! {
        #[test]
        fn machine_form_round_trips(t in -1_000_000_000_000i64..1_000_000_000_000) {
            let x = Number::from_thousandths(t);
            prop_assert_eq!(x.to_machine_string().parse::<Number>().unwrap(), x);
        }
    }
}
