//! CBS *Kerncijfers wijken en buurten*: the yearly download (`kwb-2023.csv`,
//! `kwb-2024.xlsx`, short column names such as `gwb_code_10`, `recs`,
//! `a_inw`) and the StatLine table of the same year (85984NED for 2024,
//! 85618NED for 2023; keys such as `WijkenEnBuurten`, `SoortRegio_2`,
//! `AantalInwoners_5`), also as StatLine's CSV or XLSX download with titles
//! for headers (`Regioaanduiding/Codering (code)`) and as R or pandas saved
//! it again. One row per area; one figure per known column.

use std::collections::BTreeMap;

use super::indicator::{fold, indicator_of, stem, title_match};
use super::table::{self, Table};
use super::{
    parse_value, year_in_file_name, year_of_period, AreaCode, AreaKind, Indicator, LineError, PublishedFigure, Source,
    Value, CBS,
};

/// An area as the file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaInfo {
    pub code: AreaCode,
    pub kind: AreaKind,
    /// `regio` in the download; StatLine's TypedDataSet carries no area names.
    pub name: Option<String>,
    pub gemeente_name: Option<String>,
}

/// A whole Kerncijfers file: one year, its areas and figures, sorted by area
/// and indicator, each `(area, indicator)` once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwbImport {
    pub year: i32,
    pub source: Source,
    pub areas: Vec<AreaInfo>,
    pub figures: Vec<PublishedFigure>,
}

/// Reads a Kerncijfers file (CSV, XLSX or OData JSON, told apart by content).
/// The year comes from `year`, the file name (`kwb-2023.csv`), a `jaar` or
/// `Perioden` column; where these disagree the file is refused.
pub fn parse_kwb(bytes: &[u8], file_name: &str, year: Option<i32>) -> Result<KwbImport, Vec<LineError>> {
    let mut table = table::read(bytes, |cells| cells.iter().any(|c| is_code_column(c)))?;
    let columns = Columns::find(&table)?;
    let year = file_year(&table, &columns, file_name, year)?;
    let source = Source { publisher: CBS.to_owned(), table: format!("Kerncijfers wijken en buurten {year}"), year };

    let mut problems = std::mem::take(&mut table.problems);
    let mut areas: BTreeMap<AreaCode, AreaInfo> = BTreeMap::new();
    let mut figures: BTreeMap<(AreaCode, Indicator), (Value, usize)> = BTreeMap::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells.get(i).map_or("", |c| c.text());
        let column_name = |i: usize| table.columns[i].as_str();
        if let Some(year_column) = columns.year {
            match year_of_period(cell(year_column)) {
                Some(y) if y == year => {}
                Some(y) => problems.push(LineError::at(
                    row.line,
                    Some(column_name(year_column)),
                    format!("jaar {y} wijkt af van het jaar van het bestand ({year})"),
                )),
                None => problems.push(LineError::at(
                    row.line,
                    Some(column_name(year_column)),
                    format!("'{}' is geen jaar", cell(year_column).trim()),
                )),
            }
        }
        let code = match AreaCode::parse(cell(columns.code)) {
            Ok(code) => code,
            Err(message) => {
                problems.push(LineError::at(row.line, Some(column_name(columns.code)), message));
                continue;
            }
        };
        if let Some(kind_column) = columns.kind {
            match area_kind(cell(kind_column)) {
                Some(kind) if kind == code.kind() => {}
                Some(kind) => problems.push(LineError::at(
                    row.line,
                    Some(column_name(kind_column)),
                    format!("{code} is een {}, maar de regel zegt {}", code.kind().label(), kind.label()),
                )),
                None => problems.push(LineError::at(
                    row.line,
                    Some(column_name(kind_column)),
                    format!("'{}' is geen soort gebied (Land, Gemeente, Wijk of Buurt)", cell(kind_column).trim()),
                )),
            }
        }
        let text = |i: Option<usize>| i.map(cell).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        areas.entry(code.clone()).or_insert_with(|| AreaInfo {
            code: code.clone(),
            kind: code.kind(),
            name: text(columns.name),
            gemeente_name: text(columns.gemeente_name),
        });
        for &(index, indicator) in &columns.indicators {
            let value = match parse_value(cell(index), indicator) {
                Ok(value) => value,
                Err(message) => {
                    problems.push(LineError::at(row.line, Some(column_name(index)), message));
                    continue;
                }
            };
            match figures.get(&(code.clone(), indicator)) {
                // The same area again with the same figure (pages that overlap,
                // a row pasted twice) is a repeat, not a conflict.
                Some((earlier, _)) if *earlier == value => {}
                Some((_, earlier_line)) => problems.push(LineError::at(
                    row.line,
                    Some(column_name(index)),
                    format!("{code} staat al op regel {earlier_line} met een ander cijfer"),
                )),
                None => {
                    figures.insert((code.clone(), indicator), (value, row.line));
                }
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    let figures = figures
        .into_iter()
        .map(|((area, indicator), (value, _))| PublishedFigure {
            area,
            year,
            indicator,
            value,
            interval: None,
            age_group: None,
            source: source.clone(),
        })
        .collect();
    Ok(KwbImport { year, source, areas: areas.into_values().collect(), figures })
}

/// How a column that is not a figure is recognised: the CBS download's short
/// names (matched whole: `gwb_code_8` is not `gwb_code_10`), StatLine keys
/// (on their stem) and StatLine titles (folded, after any groups).
struct Names {
    short: &'static [&'static str],
    stems: &'static [&'static str],
    titles: &'static [&'static str],
}

impl Names {
    fn matches(&self, column: &str) -> bool {
        self.short.iter().any(|n| column.trim().eq_ignore_ascii_case(n))
            || self.stems.iter().any(|s| stem(column) == *s)
            || self.titles.iter().any(|t| title_match(column, t).is_some())
    }
}

/// `gwb_code_8` holds the code without its letters, so only the full code
/// columns will do. `WijkenEnBuurten` is StatLine's key; in a titled
/// download the column `Wijken en buurten` holds the area's *name*, and the
/// code stands under `Regioaanduiding/Codering (code)`.
const CODE: Names = Names {
    short: &["gwb_code_10", "gwb_code"],
    stems: &["wijkenenbuurten", "codering"],
    titles: &["Regioaanduiding/Codering (code)"],
};
const KIND: Names = Names { short: &["recs"], stems: &["soortregio"], titles: &["Soort regio (omschrijving)"] };
const GEMEENTE_NAME: Names =
    Names { short: &["gm_naam"], stems: &["gemeentenaam"], titles: &["Regioaanduiding/Gemeentenaam (naam)"] };
const YEAR: Names = Names { short: &["jaar"], stems: &["perioden"], titles: &["Perioden"] };

/// Whether a header names the area code in any layout: how a header row is
/// told from the title lines above it.
pub(super) fn is_code_column(column: &str) -> bool {
    CODE.matches(column)
}

/// The columns that matter, found by short name, key or title.
pub(super) struct Columns {
    pub code: usize,
    pub kind: Option<usize>,
    pub name: Option<usize>,
    pub gemeente_name: Option<usize>,
    pub year: Option<usize>,
    pub indicators: Vec<(usize, Indicator)>,
}

impl Columns {
    /// Whether the column at `index` is one this reads.
    pub(super) fn reads(&self, index: usize) -> bool {
        index == self.code
            || [self.kind, self.name, self.gemeente_name, self.year].contains(&Some(index))
            || self.indicators.iter().any(|(i, _)| *i == index)
    }

    pub(super) fn find(table: &Table) -> Result<Self, Vec<LineError>> {
        // In the order the names are listed: a download with both
        // `gwb_code_10` and `gwb_code` reads the first.
        let find = |names: &Names| {
            names
                .short
                .iter()
                .find_map(|n| table.column(|c| c.eq_ignore_ascii_case(n)))
                .or_else(|| names.stems.iter().find_map(|s| table.column(|c| stem(c) == *s)))
                .or_else(|| names.titles.iter().find_map(|t| table.column(|c| title_match(c, t).is_some())))
        };
        let Some(code) = find(&CODE) else {
            return Err(vec![LineError::at(
                table.header_line,
                None,
                "geen kolom met de gebiedscode gevonden (gwb_code_10, gwb_code, WijkenEnBuurten of \
                 Regioaanduiding/Codering (code))",
            )]);
        };
        let mut indicators: Vec<(usize, Indicator)> = Vec::new();
        let mut problems = Vec::new();
        for (index, column) in table.columns.iter().enumerate() {
            let Some(indicator) = indicator_of(column) else { continue };
            if let Some((earlier, _)) = indicators.iter().find(|(_, i)| *i == indicator) {
                problems.push(LineError::at(
                    table.header_line,
                    Some(column),
                    format!("kolom {} bevat hetzelfde cijfer ({})", table.columns[*earlier], indicator.code()),
                ));
            } else {
                indicators.push((index, indicator));
            }
        }
        if indicators.is_empty() {
            problems.push(LineError::at(
                table.header_line,
                None,
                "geen enkele bekende kolom met cijfers gevonden (zoals a_inw, AantalInwoners, \
                 Bevolking/Aantal inwoners (aantal) of Eenzaam)",
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // The area's name: `regio` in the download, the dimension's title
        // `Wijken en buurten` in StatLine's titled download (matched whole,
        // as `…/Indelingswijziging wijken en buurten (code)` is another column).
        let name = table
            .column(|c| c.trim().eq_ignore_ascii_case("regio"))
            .or_else(|| table.column(|c| fold(c) == "wijken en buurten"))
            .filter(|i| *i != code);
        Ok(Self { code, kind: find(&KIND), name, gemeente_name: find(&GEMEENTE_NAME), year: find(&YEAR), indicators })
    }
}

/// `Land`, `Gemeente`, `Wijk`, `Buurt`, right-padded as StatLine writes them.
pub(super) fn area_kind(text: &str) -> Option<AreaKind> {
    match text.trim().to_lowercase().as_str() {
        "land" => Some(AreaKind::Land),
        "gemeente" => Some(AreaKind::Gemeente),
        "wijk" => Some(AreaKind::Wijk),
        "buurt" => Some(AreaKind::Buurt),
        _ => None,
    }
}

/// One year for the whole file: the caller's, the file name's, or the year
/// column's first value; any two that disagree refuse the file.
fn file_year(table: &Table, columns: &Columns, file_name: &str, given: Option<i32>) -> Result<i32, Vec<LineError>> {
    let named = year_in_file_name(file_name);
    // StatLine's downloads carry no year column but open with the table's
    // title, `Kerncijfers wijken en buurten 2023`.
    let titled =
        table.titles.iter().find(|t| t.to_lowercase().contains("kerncijfers")).and_then(|t| year_in_file_name(t));
    let in_file = columns.year.and_then(|i| table.rows.first().and_then(|r| year_of_period(r.cells.get(i)?.text())));
    let mut candidates = Vec::new();
    if let Some(y) = given {
        candidates.push((y, "opgegeven".to_owned()));
    }
    if let Some(y) = named {
        candidates.push((y, format!("in de bestandsnaam {file_name}")));
    }
    if let Some(y) = titled {
        candidates.push((y, "in de titel van het bestand".to_owned()));
    }
    if let Some(y) = in_file {
        candidates.push((y, "in het bestand".to_owned()));
    }
    let Some((year, where_)) = candidates.first().cloned() else {
        return Err(vec![LineError::file(
            "het jaar is onbekend: het staat niet in de bestandsnaam of in het bestand; geef het jaar op",
        )]);
    };
    if let Some((other, other_where)) = candidates.iter().find(|(y, _)| *y != year) {
        return Err(vec![LineError::file(format!(
            "het jaar {year} ({where_}) wijkt af van het jaar {other} ({other_where})"
        ))]);
    }
    Ok(year)
}
