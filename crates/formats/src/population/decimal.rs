//! An exact decimal for published figures. CBS publishes counts, one-decimal
//! averages (`g_ink_pi` 32,6) and percentages; storing them as floats would
//! make `0.1 + 0.2` questions of aggregation, and a crate such as
//! `rust_decimal` is more than these few digits need.

use std::fmt;
use std::str::FromStr;

/// `mantissa × 10^-scale`, kept normalised (no trailing zeros in the
/// fraction), so two equal numbers are equal values whatever their spelling.
/// Ordered by value, not by its parts (14.3 is less than 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i64,
    scale: u8,
}

/// More fraction digits than any CBS or RIVM figure carries.
const MAX_SCALE: u8 = 6;

impl Decimal {
    pub fn new(mantissa: i64, scale: u8) -> Self {
        let (mut mantissa, mut scale) = (mantissa, scale);
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Self { mantissa, scale }
    }

    pub fn mantissa(self) -> i64 {
        self.mantissa
    }

    pub fn scale(self) -> u8 {
        self.scale
    }

    /// The whole number, if this is one (counts must be).
    pub fn as_integer(self) -> Option<i64> {
        (self.scale == 0).then_some(self.mantissa)
    }

    /// Written as Dutch readers expect: `32,6`.
    pub fn to_dutch(self) -> String {
        self.to_string().replace('.', ",")
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // At most 6 fraction digits on an i64: the scaled values fit in an i128.
        let scale = self.scale.max(other.scale);
        let widen = |d: &Self| i128::from(d.mantissa) * 10i128.pow(u32::from(scale - d.scale));
        widen(self).cmp(&widen(other))
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Decimal {
    type Err = String;

    /// Accepts `1234`, `-3`, `32.6` and the Dutch `32,6`; no thousands separators
    /// (CBS writes none), no exponent.
    fn from_str(input: &str) -> Result<Self, String> {
        let text = input.trim();
        let wrong = || format!("'{text}' is geen getal");
        if text.contains('.') && text.contains(',') {
            return Err(wrong());
        }
        let text_point = text.replace(',', ".");
        let (negative, digits) = match text_point.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text_point.strip_prefix('+').unwrap_or(&text_point)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(wrong());
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > MAX_SCALE as usize {
            return Err(format!("'{text}' heeft meer dan {MAX_SCALE} cijfers achter de komma"));
        }
        let joined = format!("{whole}{fraction}");
        let mut mantissa: i64 = if joined.is_empty() { 0 } else { joined.parse().map_err(|_| wrong())? };
        if negative {
            mantissa = -mantissa;
        }
        Ok(Self::new(mantissa, fraction.len() as u8))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let power = 10u64.pow(u32::from(self.scale));
        let abs = self.mantissa.unsigned_abs();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:0width$}", abs / power, abs % power, width = self.scale as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_points_and_commas_alike() {
        assert_eq!("32,6".parse::<Decimal>().unwrap(), "32.60".parse().unwrap());
        assert_eq!("32,6".parse::<Decimal>().unwrap().to_string(), "32.6");
        assert_eq!("-0,05".parse::<Decimal>().unwrap().to_string(), "-0.05");
        assert_eq!("1200".parse::<Decimal>().unwrap().as_integer(), Some(1200));
        assert_eq!("12.0".parse::<Decimal>().unwrap().as_integer(), Some(12));
        for bad in ["", ".", "1.234,5", "1e3", "twaalf", "1.2.3", "-"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
    }

    #[test]
    fn orders_by_value() {
        assert!("14.3".parse::<Decimal>().unwrap() < Decimal::new(100, 0));
        assert!("-0.5".parse::<Decimal>().unwrap() < Decimal::new(0, 0));
        assert!("2.05".parse::<Decimal>().unwrap() > "2".parse().unwrap());
    }

    proptest! {
        #[test]
        fn orders_like_the_numbers(a in -1_000_000i64..1_000_000, sa in 0u8..=6, b in -1_000_000i64..1_000_000, sb in 0u8..=6) {
            let exact = |m: i64, s: u8| i128::from(m) * 10i128.pow(u32::from(6 - s));
            prop_assert_eq!(Decimal::new(a, sa).cmp(&Decimal::new(b, sb)), exact(a, sa).cmp(&exact(b, sb)));
        }

        #[test]
        fn display_reads_back(m in -1_000_000_000i64..1_000_000_000, s in 0u8..=6) {
            let d = Decimal::new(m, s);
            prop_assert_eq!(d.to_string().parse::<Decimal>().unwrap(), d);
            prop_assert_eq!(d.to_dutch().parse::<Decimal>().unwrap(), d);
        }
    }
}
