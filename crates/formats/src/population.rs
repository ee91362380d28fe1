//! Figures per area from CBS (*Kerncijfers wijken en buurten*) and RIVM/GGD
//! (*Gezondheid per wijk en buurt*, StatLine table 50120NED), read from the
//! files people download: the CBS CSV or XLSX, a StatLine CSV export, or the
//! StatLine OData JSON (`value` arrays, possibly several pages in one file).
//!
//! Parsing is all-or-nothing: one bad row and the caller gets every problem,
//! each with its line, and no figures. The result is sorted and free of
//! repeats, so importing the same file twice stores the same thing twice.
//! CBS hides small areas and rounds counts; what it hides stays
//! [`Value::Unknown`] here and is never turned into zero.
//!
//! Figures come out in `core::population`'s terms ([`Indicator`], [`Number`],
//! [`Value`], [`Interval`], [`Source`]); only what a file says beyond an
//! [`wijkregie_core::population::AreaFigure`] is kept here: the country as an
//! area ([`AreaCode::Nederland`]), the area's kind and name, and RIVM's age
//! group. The vintage of the boundaries is the importer's to decide.

mod health;
mod indicator;
mod kwb;
pub(crate) mod table;
mod xlsx;

use std::fmt;

use wijkregie_core::codes::CbsCode;
pub use wijkregie_core::population::{Indicator, Interval, Number, Source, Value};
use wijkregie_core::population::{Measure, Unit};

pub use health::{parse_health, HealthImport, HEALTH_TABLE};
pub use kwb::{parse_kwb, AreaInfo, KwbImport};

/// [`Source::publisher`] of the Kerncijfers.
pub const CBS: &str = "CBS";
/// [`Source::publisher`] of the health estimates.
pub const RIVM: &str = "RIVM";

/// The level of an area, including the whole country, which CBS files carry
/// as `NL00` next to the `GM`/`WK`/`BU` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AreaKind {
    Land,
    Gemeente,
    Wijk,
    Buurt,
}

impl AreaKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Land => "land",
            Self::Gemeente => "gemeente",
            Self::Wijk => "wijk",
            Self::Buurt => "buurt",
        }
    }
}

/// The area a figure is about: the Netherlands (`NL00`) or a CBS area.
/// `CbsCode` alone cannot hold `NL00`, and the national figure is the one
/// a wijk is compared with, so it is kept rather than dropped. Areas sort
/// from large to small (land, gemeente, wijk, buurt), then by code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AreaCode {
    Nederland,
    Cbs(CbsCode),
}

impl AreaCode {
    pub fn kind(&self) -> AreaKind {
        match self {
            Self::Nederland => AreaKind::Land,
            Self::Cbs(code) => match code.level() {
                wijkregie_core::codes::AreaLevel::Gemeente => AreaKind::Gemeente,
                wijkregie_core::codes::AreaLevel::Wijk => AreaKind::Wijk,
                wijkregie_core::codes::AreaLevel::Buurt => AreaKind::Buurt,
            },
        }
    }

    /// Reads a code as CBS writes it: right-padded with spaces, `NL00` or
    /// `NL01` for the country.
    pub fn parse(text: &str) -> Result<Self, String> {
        let code = text.trim().to_uppercase();
        if code == "NL00" || code == "NL01" || code == "NL" {
            return Ok(Self::Nederland);
        }
        code.parse::<CbsCode>().map(Self::Cbs).map_err(|e| e.0)
    }
}

impl Ord for AreaCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |a: &Self| {
            (
                a.kind(),
                match a {
                    Self::Nederland => "",
                    Self::Cbs(code) => code.as_str(),
                }
                .to_owned(),
            )
        };
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for AreaCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nederland => f.write_str("NL00"),
            Self::Cbs(code) => write!(f, "{code}"),
        }
    }
}

/// One number about one area in one year, as the file published it: an
/// [`wijkregie_core::population::AreaFigure`] before the importer ties it to
/// a vintage, and with what that cannot hold (the country, an age group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFigure {
    pub area: AreaCode,
    pub year: i32,
    pub indicator: Indicator,
    pub value: Value,
    /// The 95% interval of an estimate; health figures only.
    pub interval: Option<Interval>,
    /// StatLine's code of the age group (`Leeftijd`), trimmed; health
    /// figures only. RIVM gives one estimate per age group (18+, 65+, …),
    /// so the importer decides which indicator each group's figure is.
    pub age_group: Option<String>,
    /// Publisher `CBS` with the table's name (`Kerncijfers wijken en buurten
    /// 2024`), or `RIVM` with the StatLine id (`50120NED`).
    pub source: Source,
}

/// A problem with the file, at a line (1-based; `None` for the file as a
/// whole) and possibly in a column, with a Dutch message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl LineError {
    pub(crate) fn file(message: impl Into<String>) -> Self {
        Self { line: None, column: None, message: message.into() }
    }

    pub(crate) fn at(line: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { line: Some(line), column: column.map(str::to_owned), message: message.into() }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.column) {
            (Some(line), Some(column)) => write!(f, "regel {line}, kolom {column}: {}", self.message),
            (Some(line), None) => write!(f, "regel {line}: {}", self.message),
            (None, Some(column)) => write!(f, "kolom {column}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// The year in a file name such as `kwb-2023.csv`: a run of exactly four
/// digits starting with 19 or 20 (so a table id like `85984NED` is not one).
pub(crate) fn year_in_file_name(name: &str) -> Option<i32> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let bytes = base.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &base[start..i];
            if run.len() == 4 && (run.starts_with("19") || run.starts_with("20")) {
                if found.is_some() {
                    return None; // two years in one name: let the file or the caller say
                }
                found = run.parse().ok();
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The year of a StatLine period code: `2022JJ00` is the year 2022.
pub(crate) fn year_of_period(text: &str) -> Option<i32> {
    let t = text.trim();
    let (year, rest) = t.split_at_checked(4)?;
    if !year.bytes().all(|b| b.is_ascii_digit()) || !(rest.is_empty() || rest.starts_with("JJ")) {
        return None;
    }
    year.parse().ok()
}

/// What CBS and RIVM write for a figure they do not publish: `.` (unknown or
/// secret), `x`/`?` in StatLine's symbol exports, nothing (also an empty
/// quoted cell, `""`), and the sentinel numbers `-99999999` (secret) and
/// `-99997` (too few to publish) of the download; `NA` is what R writes for
/// any of these when it saves a file again. None of them is zero.
pub(crate) fn parse_value(text: &str, indicator: Indicator) -> Result<Value, String> {
    let t = text.trim();
    if matches!(t, "" | "." | "x" | "X" | "?" | "NA" | "-99999999" | "-99997" | "-99999999.0" | "-99997.0") {
        return Ok(Value::Unknown);
    }
    let number = parse_number(t)?;
    if number < Number::ZERO {
        return Err(format!("'{t}' is negatief; {} kan dat niet zijn", indicator.code()));
    }
    if indicator.measure() == Measure::Count && number != Number::from_int(number.round()) {
        return Err(format!("'{t}' is geen geheel aantal"));
    }
    if indicator.unit() == Unit::Percent && number > Number::from_int(100) {
        return Err(format!("{number} is meer dan 100%"));
    }
    Ok(Value::Known(number))
}

/// A number with a decimal point or comma. [`Number`] holds thousandths;
/// CBS and RIVM publish at most two decimals, so a value with more (a
/// spreadsheet cell holding a computed float, say) is refused rather than
/// rounded, which would silently store another figure than the file's.
/// Trailing zeros (`32,600`) change nothing and are allowed.
fn parse_number(text: &str) -> Result<Number, String> {
    let significant = match text.split_once(['.', ',']) {
        Some((whole, fraction)) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.len() > 3 && fraction.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "'{text}' heeft meer dan drie cijfers achter de komma; CBS en RIVM publiceren er hoogstens \
                     twee, dus dit is geen gepubliceerd cijfer"
                ));
            }
            // `12.` and `12.0` are whole numbers, which `Number` wants without a mark.
            if fraction.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole},{fraction}")
            }
        }
        None => text.to_owned(),
    };
    significant.parse::<Number>().map_err(|_| format!("'{text}' is geen getal"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_from_names_and_periods() {
        assert_eq!(year_in_file_name("kwb-2023.csv"), Some(2023));
        assert_eq!(year_in_file_name("/tmp/2024/kwb-2024.xlsx"), Some(2024));
        assert_eq!(year_in_file_name("85984NED.json"), None);
        assert_eq!(year_in_file_name("kwb-2023-2024.csv"), None);
        assert_eq!(year_of_period("2022JJ00"), Some(2022));
        assert_eq!(year_of_period("2022KW01"), None);
    }

    #[test]
    fn values_read_both_decimal_marks_and_keep_hidden_figures_unknown() {
        let known = |text: &str, indicator| parse_value(text, indicator).map(|v| v.known().map(Number::thousandths));
        assert_eq!(known("32,6", Indicator::IncomePerInhabitant), Ok(Some(32_600)));
        assert_eq!(known("32.60", Indicator::IncomePerInhabitant), Ok(Some(32_600)));
        assert_eq!(known("1,76", Indicator::AverageHouseholdSize), Ok(Some(1_760)));
        assert_eq!(known("12.0", Indicator::Inhabitants), Ok(Some(12_000)));
        assert_eq!(known("4170", Indicator::Inhabitants), Ok(Some(4_170_000)));
        assert_eq!(known("0,125", Indicator::DistanceToGp), Ok(Some(125)));
        assert_eq!(known("0,1250000", Indicator::DistanceToGp), Ok(Some(125)));
        for hidden in ["", " . ", "x", "?", "NA", "-99999999", "-99997", "-99997.0"] {
            assert_eq!(known(hidden, Indicator::Inhabitants), Ok(None), "{hidden}");
        }
    }

    #[test]
    fn values_the_publishers_cannot_have_written_are_refused() {
        let refused = |text: &str, indicator| parse_value(text, indicator).unwrap_err();
        assert!(refused("1,2345", Indicator::Lonely).contains("meer dan drie cijfers achter de komma"));
        assert!(refused("32.600000000000001", Indicator::IncomePerInhabitant).contains("drie cijfers"));
        assert!(refused("12,5", Indicator::Inhabitants).contains("geen geheel aantal"));
        assert!(refused("-5", Indicator::Households).contains("negatief"));
        assert_eq!(refused("100,5", Indicator::Smoker), "100,5 is meer dan 100%");
        for bad in ["1.234,5", "1e3", "twaalf", "1.2.3", "-", ",", "12.,", "1,2,3456"] {
            assert!(parse_value(bad, Indicator::Inhabitants).is_err(), "{bad}");
        }
    }

    #[test]
    fn area_codes_keep_the_country() {
        assert_eq!(AreaCode::parse("NL00      ").unwrap(), AreaCode::Nederland);
        assert_eq!(AreaCode::parse("WK0363AA  ").unwrap().kind(), AreaKind::Wijk);
        assert!(AreaCode::parse("XX12").is_err());
    }
}

/// RIVM's code (`Leeftijd`) for adults, 18 and over: the group every health
/// indicator is kept for.
pub const AGE_18_PLUS: &str = "20300";
/// RIVM's code for 18 to 64 (`18 tot 65 jaar`), published and not kept.
pub const AGE_18_TO_64: &str = "53115";
/// RIVM's code for 65 and over, kept where wijkregie has a 65+ indicator.
/// (Before issue 16 wijkregie expected `53950`, which 50120NED does not use.)
pub const AGE_65_PLUS: &str = "80200";

/// The age groups 50120NED publishes: code and StatLine title.
const AGE_GROUPS: [(&str, &str); 3] =
    [(AGE_18_PLUS, "18 jaar of ouder"), (AGE_18_TO_64, "18 tot 65 jaar"), (AGE_65_PLUS, "65 jaar of ouder")];

/// The code of an age group as a file writes it: the code itself, or its
/// title in StatLine's titled downloads, also as `65 jaar en ouder` or
/// `65+`. `None` for a group 50120NED does not publish.
pub(crate) fn age_group_code(text: &str) -> Option<&'static str> {
    let text = text.trim();
    let spelled = match text.strip_suffix('+') {
        Some(age) => format!("{age} jaar of ouder"),
        None => text.replace(" en ouder", " of ouder"),
    };
    let folded = indicator::fold(&spelled);
    AGE_GROUPS.iter().find(|(code, title)| folded == *code || folded == indicator::fold(title)).map(|(code, _)| *code)
}

/// The Dutch title of a published age group's code, for summaries.
pub fn age_group_title(code: &str) -> Option<&'static str> {
    AGE_GROUPS.iter().find(|(c, _)| *c == code).map(|(_, title)| *title)
}

/// What a health figure of `age_group` is kept as: the 18+ figure (or one
/// without an age group, which StatLine gives for 18+) as the indicator
/// itself; a 65+ figure only as its 65+ counterpart; other groups not at all.
pub fn health_indicator(age_group: Option<&str>, indicator: Indicator) -> Option<Indicator> {
    match age_group {
        None | Some(AGE_18_PLUS) => Some(indicator),
        Some(AGE_65_PLUS) => match indicator {
            Indicator::SeverelyLonely => Some(Indicator::SeverelyLonely65Plus),
            _ => None,
        },
        Some(_) => None,
    }
}

#[cfg(test)]
mod age_group_tests {
    use super::*;

    #[test]
    fn adults_are_kept_and_65_plus_only_where_it_has_an_indicator() {
        assert_eq!(health_indicator(Some("20300"), Indicator::Overweight), Some(Indicator::Overweight));
        assert_eq!(health_indicator(None, Indicator::Lonely), Some(Indicator::Lonely));
        assert_eq!(health_indicator(Some("80200"), Indicator::SeverelyLonely), Some(Indicator::SeverelyLonely65Plus));
        assert_eq!(health_indicator(Some("80200"), Indicator::Overweight), None);
        assert_eq!(health_indicator(Some("53115"), Indicator::Overweight), None, "18–64 is not kept");
        assert_eq!(health_indicator(Some("53950"), Indicator::SeverelyLonely), None, "not a published code");
    }

    #[test]
    fn age_groups_are_known_by_code_and_by_title() {
        for (text, code) in [
            ("80200", Some("80200")),
            ("65 jaar of ouder", Some("80200")),
            ("65 jaar en ouder", Some("80200")),
            ("65+", Some("80200")),
            ("18 jaar of ouder", Some("20300")),
            ("18 jaar en ouder", Some("20300")),
            (" 20300 ", Some("20300")),
            ("18 tot 65 jaar", Some("53115")),
            ("53950", None),
            ("75 jaar of ouder", None),
        ] {
            assert_eq!(age_group_code(text), code, "{text}");
        }
        assert_eq!(age_group_title("53115"), Some("18 tot 65 jaar"));
    }
}
