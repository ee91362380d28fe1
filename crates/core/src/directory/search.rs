//! What a search of the social map asks, as types: the client's age, a
//! radius around a postcode, a page of results. Each reads text as people
//! and API clients type it and says in Dutch what is wrong, so the search
//! page and the HSDS API accept and refuse the same input with the same
//! words.

use std::str::FromStr;

use crate::error::Invalid;

/// A client's age in years, 0 to 120.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age(u8);

impl Age {
    pub fn years(self) -> u8 {
        self.0
    }
}

impl FromStr for Age {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        t.parse::<u8>()
            .ok()
            .filter(|a| *a <= 120)
            .map(Age)
            .ok_or_else(|| Invalid(format!("'{t}' is geen leeftijd: vul een getal van 0 tot 120 in")))
    }
}

/// How far from a postcode to look, 0,5 to 100 km; a decimal comma or
/// point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RadiusKm(f64);

impl RadiusKm {
    pub const MIN: f64 = 0.5;
    pub const MAX: f64 = 100.0;

    pub fn km(self) -> f64 {
        self.0
    }
}

impl FromStr for RadiusKm {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        t.replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|r| (Self::MIN..=Self::MAX).contains(r))
            .map(RadiusKm)
            .ok_or_else(|| Invalid(format!("'{t}' is geen straal: vul een aantal kilometers van 0,5 tot 100 in")))
    }
}

/// A page of results, counted from 1 as people do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(usize);

impl PageNumber {
    pub const MAX: usize = 100_000;
    pub const FIRST: PageNumber = PageNumber(1);

    pub fn number(self) -> usize {
        self.0
    }

    /// The page counted from 0, for offsets.
    pub fn index(self) -> usize {
        self.0 - 1
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber::FIRST
    }
}

impl FromStr for PageNumber {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        t.parse::<usize>()
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(PageNumber)
            .ok_or_else(|| Invalid(format!("'{t}' is geen paginanummer: vul een getal van 1 tot 100.000 in")))
    }
}

/// Why a radius cannot be used although it is valid.
pub const RADIUS_WITHOUT_POSTCODE: &str = "vul ook een postcode in om binnen een straal te zoeken";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_from_0_to_120() {
        assert_eq!("0".parse::<Age>().unwrap().years(), 0);
        assert_eq!(" 120 ".parse::<Age>().unwrap().years(), 120);
        for bad in ["121", "-1", "tien", "", "4.5"] {
            let e = bad.parse::<Age>().unwrap_err();
            assert!(e.0.contains("geen leeftijd"), "{bad}: {e:?}");
        }
    }

    #[test]
    fn radius_with_a_comma_or_a_point() {
        assert_eq!("2,5".parse::<RadiusKm>().unwrap().km(), 2.5);
        assert_eq!("0.5".parse::<RadiusKm>().unwrap().km(), 0.5);
        assert_eq!("100".parse::<RadiusKm>().unwrap().km(), 100.0);
        for bad in ["0,4", "101", "ver", "NaN", "inf"] {
            assert!(bad.parse::<RadiusKm>().unwrap_err().0.contains("geen straal"), "{bad}");
        }
    }

    #[test]
    fn pages_count_from_one() {
        let p: PageNumber = "3".parse().unwrap();
        assert_eq!((p.number(), p.index()), (3, 2));
        assert_eq!(PageNumber::FIRST.index(), 0);
        for bad in ["0", "-2", "100001", "twee", ""] {
            assert!(bad.parse::<PageNumber>().unwrap_err().0.contains("geen paginanummer"), "{bad}");
        }
    }
}
