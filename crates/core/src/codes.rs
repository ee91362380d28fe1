//! Identifying codes from outside registers: PC6 postcodes, AGB codes and CBS
//! area codes. Each is a newtype that can only hold a valid value, so code
//! that receives one never has to check it again.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// A Dutch six-position postcode (PC6), stored normalised as `1215EK` and
/// shown as `1215 EK`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// The normalised form without space, as stored and exchanged.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The four digits (PC4), used for distance and population lookups.
    pub fn pc4(&self) -> &str {
        &self.0[..4]
    }

    /// The form people write: `1215 EK`.
    pub fn display(&self) -> String {
        format!("{} {}", &self.0[..4], &self.0[4..])
    }
}

impl FromStr for Postcode {
    type Err = Invalid;

    fn from_str(input: &str) -> Result<Self, Invalid> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let bytes = compact.as_bytes();
        let well_formed = bytes.len() == 6
            && bytes[..4].iter().all(u8::is_ascii_digit)
            && bytes[4..].iter().all(u8::is_ascii_uppercase);
        if !well_formed {
            return Err(Invalid(format!(
                "'{}' is geen geldige postcode: verwacht vier cijfers en twee letters, zoals 1215 EK",
                input.trim()
            )));
        }
        if bytes[0] == b'0' {
            return Err(Invalid(format!(
                "'{}' is geen geldige postcode: een postcode begint niet met 0",
                input.trim()
            )));
        }
        // PostNL never issues these letter pairs (they recall the SA, SD and SS).
        if matches!(&compact[4..], "SA" | "SD" | "SS") {
            return Err(Invalid(format!(
                "'{}' is geen geldige postcode: de letters {} worden niet uitgegeven",
                input.trim(),
                &compact[4..]
            )));
        }
        Ok(Self(compact))
    }
}

impl TryFrom<String> for Postcode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<Postcode> for String {
    fn from(value: Postcode) -> Self {
        value.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// A postcode where the street does not matter: the full PC6 or only its
/// four digits (PC4). Enough to search "around here" or to tell a partner
/// roughly where a patient lives, and less personal than a PC6, so a
/// person may give either (minimal data). Stored normalised: `1215` or
/// `1215EK`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostcodeArea(String);

impl PostcodeArea {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The four digits (PC4).
    pub fn pc4(&self) -> &str {
        &self.0[..4]
    }

    /// The full postcode, when one was given.
    pub fn full(&self) -> Option<Postcode> {
        (self.0.len() == 6).then(|| Postcode(self.0.clone()))
    }
}

impl FromStr for PostcodeArea {
    type Err = Invalid;

    fn from_str(input: &str) -> Result<Self, Invalid> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 4 && compact.bytes().all(|b| b.is_ascii_digit()) {
            if compact.starts_with('0') {
                return Err(Invalid(format!(
                    "'{}' is geen geldige postcode: een postcode begint niet met 0",
                    input.trim()
                )));
            }
            return Ok(Self(compact));
        }
        if compact.chars().count() == 6 {
            return input.parse::<Postcode>().map(Self::from);
        }
        Err(Invalid(format!(
            "'{}' is geen geldige postcode: verwacht vier cijfers, met of zonder de twee letters, zoals 1215 of 1215 EK",
            input.trim()
        )))
    }
}

impl From<Postcode> for PostcodeArea {
    fn from(value: Postcode) -> Self {
        Self(value.0)
    }
}

impl TryFrom<String> for PostcodeArea {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<PostcodeArea> for String {
    fn from(value: PostcodeArea) -> Self {
        value.0
    }
}

impl fmt::Display for PostcodeArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.full() {
            Some(pc) => f.write_str(&pc.display()),
            None => f.write_str(&self.0),
        }
    }
}

/// An AGB code (Algemeen GegevensBeheer Zorgverleners): eight digits that
/// identify a care provider or practice in Vektis' register.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgbCode(String);

impl AgbCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AgbCode {
    type Err = Invalid;

    fn from_str(input: &str) -> Result<Self, Invalid> {
        let trimmed = input.trim();
        if trimmed.len() == 8 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(Invalid(format!("'{trimmed}' is geen geldige AGB-code: een AGB-code bestaat uit precies 8 cijfers")))
        }
    }
}

impl TryFrom<String> for AgbCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<AgbCode> for String {
    fn from(value: AgbCode) -> Self {
        value.0
    }
}

impl fmt::Display for AgbCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The level of a CBS area: gemeente, wijk or buurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaLevel {
    Gemeente,
    Wijk,
    Buurt,
}

impl AreaLevel {
    pub fn label(self) -> &'static str {
        match self {
            Self::Gemeente => "gemeente",
            Self::Wijk => "wijk",
            Self::Buurt => "buurt",
        }
    }
}

/// A CBS area code: `GM` + 4 digits, `WK` + 6 or `BU` + 8 positions. The
/// first four positions after the prefix are the municipality number; the
/// rest is usually digits but not always (`WK0363AA` exists), so codes are
/// strings, never numbers. CBS files right-pad codes with spaces; those are
/// dropped here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CbsCode(String);

impl CbsCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> AreaLevel {
        match &self.0[..2] {
            "GM" => AreaLevel::Gemeente,
            "WK" => AreaLevel::Wijk,
            _ => AreaLevel::Buurt,
        }
    }

    /// The municipality the area lies in, as its own `GM` code.
    pub fn gemeente(&self) -> CbsCode {
        CbsCode(format!("GM{}", &self.0[2..6]))
    }
}

impl FromStr for CbsCode {
    type Err = Invalid;

    fn from_str(input: &str) -> Result<Self, Invalid> {
        let code = input.trim().to_uppercase();
        let rest_len = match code.get(..2) {
            Some("GM") => 4,
            Some("WK") => 6,
            Some("BU") => 8,
            _ => {
                return Err(Invalid(format!(
                    "'{}' is geen geldige CBS-gebiedscode: een code begint met GM (gemeente), WK (wijk) of BU (buurt)",
                    input.trim()
                )))
            }
        };
        let rest = &code.as_bytes()[2..];
        let valid = rest.len() == rest_len
            && rest[..4].iter().all(u8::is_ascii_digit)
            && rest[4..].iter().all(u8::is_ascii_alphanumeric);
        if !valid {
            return Err(Invalid(format!(
                "'{}' is geen geldige CBS-gebiedscode: na {} horen {} tekens, waarvan de eerste vier cijfers (het gemeentenummer)",
                input.trim(),
                &code[..2],
                rest_len
            )));
        }
        Ok(Self(code))
    }
}

impl TryFrom<String> for CbsCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<CbsCode> for String {
    fn from(value: CbsCode) -> Self {
        value.0
    }
}

impl fmt::Display for CbsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short code by which people and files refer to an entity of the region
/// (a wijk, an organisation, a network): lowercase letters, digits and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

impl Code {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A code from a name: `WSV De Linde` → `wsv-de-linde`, accents folded,
    /// at most 40 characters; `None` when fewer than two letters or digits
    /// remain.
    pub fn from_name(name: &str) -> Option<Code> {
        slug(name).parse().ok()
    }
}

/// The text of [`Code::from_name`], possibly too short to be a code.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.chars().take(40).collect::<String>().trim_end_matches('-').to_owned()
}

impl FromStr for Code {
    type Err = Invalid;

    fn from_str(input: &str) -> Result<Self, Invalid> {
        let code = input.trim();
        let valid = (2..=40).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !code.starts_with('-')
            && !code.ends_with('-');
        if valid {
            Ok(Self(code.to_owned()))
        } else {
            Err(Invalid(format!(
                "'{code}' is geen geldige code: gebruik 2 tot 40 kleine letters, cijfers of streepjes, zoals wsv-noord"
            )))
        }
    }
}

impl TryFrom<String> for Code {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl From<Code> for String {
    fn from(value: Code) -> Self {
        value.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn postcode_is_normalised_and_shown_with_a_space() {
        let pc: Postcode = " 1215 ek".parse().unwrap();
        assert_eq!(pc.as_str(), "1215EK");
        assert_eq!(pc.to_string(), "1215 EK");
        assert_eq!(pc.pc4(), "1215");
    }

    #[test]
    fn postcode_rejects_bad_shapes_with_a_dutch_message() {
        for bad in ["", "1215", "1215E", "12155EK", "0215EK", "1215SS", "ABCDEF", "1215É1"] {
            let err = bad.parse::<Postcode>().unwrap_err();
            assert!(err.0.contains("geen geldige postcode"), "{bad}: {}", err.0);
        }
    }

    #[test]
    fn postcode_area_takes_a_pc4_or_a_full_postcode() {
        let pc4: PostcodeArea = " 1215 ".parse().unwrap();
        assert_eq!((pc4.as_str(), pc4.pc4(), pc4.full()), ("1215", "1215", None));
        assert_eq!(pc4.to_string(), "1215");
        let pc6: PostcodeArea = "1215 ek".parse().unwrap();
        assert_eq!(pc6.full(), Some("1215EK".parse().unwrap()));
        assert_eq!((pc6.pc4(), pc6.to_string().as_str()), ("1215", "1215 EK"));
        // What was stored as a PC6 reads back as one.
        let stored: PostcodeArea = serde_json::from_str("\"1215EK\"").unwrap();
        assert_eq!(stored, pc6);
    }

    #[test]
    fn postcode_area_refuses_what_is_neither_with_a_dutch_message() {
        for bad in ["", "121", "0215", "12155", "1215E", "1215SS", "ABCD", "12155EK"] {
            let err = bad.parse::<PostcodeArea>().unwrap_err();
            assert!(err.0.contains("geen geldige postcode"), "{bad}: {}", err.0);
        }
        assert!("121".parse::<PostcodeArea>().unwrap_err().0.contains("zoals 1215 of 1215 EK"));
    }

    #[test]
    fn agb_needs_exactly_eight_digits() {
        assert_eq!("01012345".parse::<AgbCode>().unwrap().as_str(), "01012345");
        assert!("0101234".parse::<AgbCode>().is_err());
        assert!("010123456".parse::<AgbCode>().is_err());
        assert!("0101234a".parse::<AgbCode>().unwrap_err().0.contains("8 cijfers"));
    }

    #[test]
    fn cbs_codes_keep_letters_and_drop_padding() {
        let wk: CbsCode = "WK0363AA".parse().unwrap();
        assert_eq!(wk.level(), AreaLevel::Wijk);
        assert_eq!(wk.gemeente().as_str(), "GM0363");
        let bu: CbsCode = "BU03630001  ".parse().unwrap();
        assert_eq!(bu.as_str(), "BU03630001");
        assert_eq!(bu.level(), AreaLevel::Buurt);
        assert_eq!("gm0363".parse::<CbsCode>().unwrap().as_str(), "GM0363");
    }

    #[test]
    fn cbs_codes_reject_wrong_lengths_and_prefixes() {
        for bad in ["GM363", "WK03630", "BU0363000", "XX0363", "WKAB6301", "GM036A", ""] {
            assert!(bad.parse::<CbsCode>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn codes_are_lowercase_slugs() {
        assert!("wsv-noord".parse::<Code>().is_ok());
        assert!("WSV-Noord".parse::<Code>().is_err());
        assert!("-x".parse::<Code>().is_err());
        assert!("a".parse::<Code>().is_err());
    }

    proptest! {
        #[test]
        fn every_valid_postcode_round_trips(n in 1000u32..=9999, a in b'A'..=b'Z', b in b'A'..=b'Z') {
            let letters = format!("{}{}", a as char, b as char);
            prop_assume!(!matches!(letters.as_str(), "SA" | "SD" | "SS"));
            let shown = format!("{n} {}", letters.to_lowercase());
            let pc: Postcode = shown.parse().unwrap();
            prop_assert_eq!(pc.to_string().parse::<Postcode>().unwrap(), pc.clone());
            prop_assert_eq!(pc.as_str().len(), 6);
        }

        #[test]
        fn postcode_parsing_never_panics(s in ".{0,12}") {
            let _ = s.parse::<Postcode>();
            let _ = s.parse::<PostcodeArea>();
        }

        #[test]
        fn cbs_parsing_never_panics_and_accepts_only_known_prefixes(s in ".{0,12}") {
            if let Ok(code) = s.parse::<CbsCode>() {
                prop_assert!(["GM", "WK", "BU"].contains(&&code.as_str()[..2]));
            }
        }

        #[test]
        fn agb_accepts_exactly_the_eight_digit_strings(s in "[0-9]{1,10}") {
            prop_assert_eq!(s.parse::<AgbCode>().is_ok(), s.len() == 8);
        }
    }
}
