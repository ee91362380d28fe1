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

mod decimal;
mod health;
mod indicator;
mod kwb;
mod table;

use std::fmt;

use wijkregie_core::codes::CbsCode;

pub use decimal::Decimal;
pub use health::{parse_health, HealthImport, HEALTH_TABLE};
pub use indicator::{Indicator, Kind};
pub use kwb::{parse_kwb, AreaInfo, KwbImport};

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

/// A figure as published, or the fact that the publisher withheld it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Known(Decimal),
    Unknown,
}

impl Value {
    pub fn known(self) -> Option<Decimal> {
        match self {
            Self::Known(d) => Some(d),
            Self::Unknown => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Publisher {
    Cbs,
    Rivm,
}

impl Publisher {
    pub fn label(self) -> &'static str {
        match self {
            Self::Cbs => "CBS",
            Self::Rivm => "RIVM",
        }
    }
}

/// Where a figure comes from, kept with every figure so a chart can cite it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub publisher: Publisher,
    /// The table's name (`Kerncijfers wijken en buurten 2024`) or StatLine id (`50120NED`).
    pub table: String,
    pub year: i32,
}

/// One number about one area in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub area: AreaCode,
    pub area_kind: AreaKind,
    pub year: i32,
    pub indicator: Indicator,
    pub value: Value,
    pub kind: Kind,
    /// The 95% interval (lower, upper) of an estimate; health figures only.
    pub interval: Option<(Decimal, Decimal)>,
    /// StatLine's code of the age group (`Leeftijd`), trimmed; health figures only.
    pub age_group: Option<String>,
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
/// secret), `x`/`?` in StatLine's symbol exports, nothing, and the sentinel
/// numbers `-99999999` (secret) and `-99997` (too few to publish) of the
/// download. None of them is zero.
pub(crate) fn parse_value(text: &str, indicator: Indicator) -> Result<Value, String> {
    let t = text.trim();
    if matches!(t, "" | "." | "x" | "X" | "?" | "-99999999" | "-99997" | "-99999999.0" | "-99997.0") {
        return Ok(Value::Unknown);
    }
    let number: Decimal = t.parse()?;
    if number.mantissa() < 0 {
        return Err(format!("'{t}' is negatief; {} kan dat niet zijn", indicator.key()));
    }
    if indicator.kind() == Kind::Count && number.as_integer().is_none() {
        return Err(format!("'{t}' is geen geheel aantal"));
    }
    if indicator.kind() == Kind::Percentage && number > Decimal::new(100, 0) {
        return Err(format!("{} is meer dan 100%", number.to_dutch()));
    }
    Ok(Value::Known(number))
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
    fn area_codes_keep_the_country() {
        assert_eq!(AreaCode::parse("NL00      ").unwrap(), AreaCode::Nederland);
        assert_eq!(AreaCode::parse("WK0363AA  ").unwrap().kind(), AreaKind::Wijk);
        assert!(AreaCode::parse("XX12").is_err());
    }
}
