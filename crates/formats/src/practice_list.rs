//! Practice lists and patient counts as a region has them: a spreadsheet
//! from its own administration or an insurer (CSV or XLSX), with columns in
//! Dutch or English, the address often in one field (`"Asterweg 6, 1031 HN
//! Amsterdam"`) and `—` for what is missing. Every problem of a file is
//! reported in one pass; a file with a problem gives nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use wijkregie_core::application::house_number;
use wijkregie_core::codes::{AgbCode, Postcode};
use wijkregie_core::date::parse_date;
use wijkregie_core::region::{Address, PracticeContact};

use crate::population::table::{self, Table};
use crate::population::LineError;

/// A column the practice list may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Agb,
    /// Street, number, postcode and city in one field.
    Address,
    Street,
    HouseNumber,
    Postcode,
    City,
    Phone,
    Email,
    OpeningHours,
    /// Of a patient-count file: the day of the count.
    Date,
    /// Of a patient-count file: the number of registered patients.
    Count,
}

impl Column {
    /// The name used in `--columns` and in messages.
    pub fn key(self) -> &'static str {
        match self {
            Column::Name => "naam",
            Column::Agb => "agb",
            Column::Address => "adres",
            Column::Street => "straat",
            Column::HouseNumber => "huisnummer",
            Column::Postcode => "postcode",
            Column::City => "plaats",
            Column::Phone => "telefoon",
            Column::Email => "email",
            Column::OpeningHours => "openingstijden",
            Column::Date => "peildatum",
            Column::Count => "aantal",
        }
    }

    const ALL: [Column; 12] = [
        Column::Name,
        Column::Agb,
        Column::Address,
        Column::Street,
        Column::HouseNumber,
        Column::Postcode,
        Column::City,
        Column::Phone,
        Column::Email,
        Column::OpeningHours,
        Column::Date,
        Column::Count,
    ];

    /// Headers seen in real lists, folded (lowercase, letters and digits only).
    fn headers(self) -> &'static [&'static str] {
        match self {
            Column::Name => &["naam", "praktijknaam", "praktijk", "naampraktijk", "name", "practicename", "practice"],
            Column::Agb => &["agb", "agbcode", "agbpraktijk", "agbcodepraktijk", "agbnummer"],
            Column::Address => &["adres", "address", "bezoekadres", "vestigingsadres"],
            Column::Street => &["straat", "straatnaam", "street"],
            Column::HouseNumber => &["huisnummer", "nr", "nummer", "housenumber", "number"],
            Column::Postcode => &["postcode", "postalcode", "zip", "zipcode"],
            Column::City => &["plaats", "stad", "woonplaats", "vestigingsplaats", "city", "town"],
            Column::Phone => &["telefoon", "telefoonnummer", "tel", "phone", "telephone"],
            Column::Email => &["email", "emailadres", "mail", "mailadres"],
            Column::OpeningHours => &["openingstijden", "openingsuren", "openinghours", "hours"],
            Column::Date => &["peildatum", "datum", "date", "telling", "teldatum"],
            Column::Count => &[
                "aantal",
                "patienten",
                "ingeschrevenpatienten",
                "aantalingeschrevenpatienten",
                "aantalpatienten",
                "ion",
                "count",
                "patients",
                "inschrijvingen",
            ],
        }
    }
}

/// Reads `naam=Praktijk,adres=Bezoekadres`: which header holds a column,
/// for lists whose headers are not recognised.
pub fn parse_columns(text: &str) -> Result<Vec<(Column, String)>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, header)) = part.split_once('=') else {
            return Err(format!("'{part}': verwacht kolom=kop, zoals naam=Praktijk naam"));
        };
        let column = Column::ALL.into_iter().find(|c| c.key() == key.trim()).ok_or_else(|| {
            let keys: Vec<&str> = Column::ALL.iter().map(|c| c.key()).collect();
            format!("onbekende kolom '{}': kies uit {}", key.trim(), keys.join(", "))
        })?;
        out.push((column, header.trim().to_owned()));
    }
    Ok(out)
}

/// A row naming at least two known columns is the header; lines above it
/// (a title, an export date) are not.
fn is_header(cells: &[String]) -> bool {
    cells.iter().filter(|c| Column::ALL.iter().any(|col| col.headers().contains(&fold(c).as_str()))).count() >= 2
}

fn fold(header: &str) -> String {
    wijkregie_core::codes::slug(header).replace('-', "")
}

/// The position of each column: from `overrides` first, else by header.
fn locate(table: &Table, overrides: &[(Column, String)]) -> Result<HashMap<Column, usize>, Vec<LineError>> {
    let mut found = HashMap::new();
    let mut problems = Vec::new();
    for (column, header) in overrides {
        match table.columns.iter().position(|c| c.trim().eq_ignore_ascii_case(header.trim())) {
            Some(i) => {
                found.insert(*column, i);
            }
            None => problems.push(LineError::at(
                table.header_line,
                None,
                format!("kolom '{header}' (voor {}) staat niet in de kopregel", column.key()),
            )),
        }
    }
    for column in Column::ALL {
        if found.contains_key(&column) {
            continue;
        }
        if let Some(i) = table.columns.iter().position(|c| column.headers().contains(&fold(c).as_str())) {
            if !found.values().any(|&taken| taken == i) {
                found.insert(column, i);
            }
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// Cells that mean "not known" in real lists.
fn missing(text: &str) -> bool {
    matches!(text.trim(), "" | "—" | "–" | "-" | "NA" | "n.v.t." | "nvt" | "onbekend" | "?")
}

fn cell(row: &table::Row, at: Option<usize>) -> Option<&str> {
    let text = row.cells.get(at?)?.text().trim();
    (!missing(text)).then_some(text)
}

/// One practice as a list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPractice {
    /// The line of the file, for messages.
    pub line: usize,
    pub name: String,
    pub agb: Option<AgbCode>,
    pub address: Address,
    pub contact: PracticeContact,
}

/// Reads a practice list, all or nothing.
pub fn parse_practices(bytes: &[u8], overrides: &[(Column, String)]) -> Result<Vec<ListedPractice>, Vec<LineError>> {
    let table = table::read(bytes, is_header)?;
    let at = locate(&table, overrides)?;
    let mut problems = table.problems.clone();
    let has = |c: Column| at.contains_key(&c);
    if !has(Column::Name) {
        problems.push(LineError::at(
            table.header_line,
            None,
            "geen kolom met de naam van de praktijk gevonden (Naam, Praktijk naam of Name; of geef --columns naam=…)",
        ));
    }
    let split = has(Column::Street) && has(Column::HouseNumber) && has(Column::Postcode);
    if !split && !has(Column::Address) {
        problems.push(LineError::at(
            table.header_line,
            None,
            "geen adres gevonden: verwacht een kolom Adres, of Straat, Huisnummer, Postcode en Plaats",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    let mut agbs: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let line = row.line;
        let name = cell(row, at.get(&Column::Name).copied());
        if name.is_none() {
            problems.push(LineError::at(line, Some("naam"), "de naam van de praktijk ontbreekt"));
        }
        let agb = match cell(row, at.get(&Column::Agb).copied()) {
            None => Some(None),
            Some(text) => match text.parse::<AgbCode>() {
                Ok(agb) => {
                    if let Some(first) = agbs.insert(agb.as_str().to_owned(), line) {
                        problems.push(LineError::at(
                            line,
                            Some("agb"),
                            format!("AGB-code {agb} staat ook op regel {first}"),
                        ));
                    }
                    Some(Some(agb))
                }
                Err(e) => {
                    problems.push(LineError::at(line, Some("agb"), e.0));
                    None
                }
            },
        };
        let city_column = cell(row, at.get(&Column::City).copied());
        let address = if split {
            split_columns(row, &at, city_column)
        } else {
            match cell(row, at.get(&Column::Address).copied()) {
                Some(text) => split_address(text, city_column),
                None => Err("het adres ontbreekt".to_owned()),
            }
        };
        let address = address.map_err(|message| problems.push(LineError::at(line, Some("adres"), message))).ok();
        let contact = PracticeContact {
            phone: cell(row, at.get(&Column::Phone).copied()).map(str::to_owned),
            email: cell(row, at.get(&Column::Email).copied()).map(str::to_owned),
            opening_hours: cell(row, at.get(&Column::OpeningHours).copied()).map(str::to_owned),
        };
        if let (Some(name), Some(agb), Some(address)) = (name, agb, address) {
            out.push(ListedPractice { line, name: name.to_owned(), agb, address, contact });
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(LineError::file("het bestand bevat geen praktijken"));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn split_columns(row: &table::Row, at: &HashMap<Column, usize>, city: Option<&str>) -> Result<Address, String> {
    let street = cell(row, at.get(&Column::Street).copied()).ok_or("de straat ontbreekt")?;
    let number = cell(row, at.get(&Column::HouseNumber).copied()).ok_or("het huisnummer ontbreekt")?;
    let postcode = cell(row, at.get(&Column::Postcode).copied()).ok_or("de postcode ontbreekt")?;
    let (house_number, house_number_suffix) = house_number(number).map_err(|e| e.0)?;
    let postcode: Postcode = postcode.parse().map_err(|e: wijkregie_core::error::Invalid| e.0)?;
    let city = city.ok_or("de plaats ontbreekt")?.to_owned();
    Ok(Address { street: street.to_owned(), house_number, house_number_suffix, postcode, city })
}

/// `Asterweg 6, 1031 HN Amsterdam` (with or without the comma; the city may
/// also come from its own column) → an address.
pub fn split_address(text: &str, city_column: Option<&str>) -> Result<Address, String> {
    let example = "verwacht straat, huisnummer, postcode en plaats, zoals 'Asterweg 6, 1031 HN Amsterdam'";
    let unreadable = || format!("adres '{text}' is niet te lezen: {example}");
    let tokens: Vec<&str> = text.split([' ', ',']).filter(|t| !t.is_empty()).collect();
    // The postcode: `1031 HN` as two tokens or `1031HN` as one.
    let mut found = None;
    for i in 0..tokens.len() {
        let joined = match tokens.get(i + 1) {
            Some(next) if tokens[i].len() == 4 && next.len() == 2 => format!("{}{next}", tokens[i]),
            _ => tokens[i].to_owned(),
        };
        if joined.len() == 6 && joined.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            if let Ok(postcode) = joined.parse::<Postcode>() {
                let width = if tokens[i].len() == 4 { 2 } else { 1 };
                found = Some((i, width, postcode));
                break;
            }
        }
    }
    let (at, width, postcode) = found.ok_or_else(unreadable)?;
    let before = &tokens[..at];
    let number_at = before.iter().rposition(|t| t.starts_with(|c: char| c.is_ascii_digit())).ok_or_else(unreadable)?;
    if number_at == 0 {
        return Err(unreadable());
    }
    let street = before[..number_at].join(" ");
    let (house_number, suffix) = house_number(&before[number_at..].join(" ")).map_err(|_| unreadable())?;
    let after = tokens[at + width..].join(" ");
    let city = if after.is_empty() { city_column.map(str::to_owned) } else { Some(after) };
    let city = city.ok_or_else(|| format!("adres '{text}' noemt geen plaats: {example}"))?;
    Ok(Address { street, house_number, house_number_suffix: suffix, postcode, city })
}

/// One line of a patient-count file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountLine {
    pub line: usize,
    pub agb: AgbCode,
    pub date: NaiveDate,
    pub count: u32,
}

/// Reads `AGB;peildatum;aantal` (or the insurer's XLSX), all or nothing.
pub fn parse_patient_counts(bytes: &[u8], overrides: &[(Column, String)]) -> Result<Vec<CountLine>, Vec<LineError>> {
    let table = table::read(bytes, is_header)?;
    let at = locate(&table, overrides)?;
    let mut problems = table.problems.clone();
    for (column, what) in [(Column::Agb, "AGB"), (Column::Date, "peildatum"), (Column::Count, "aantal")] {
        if !at.contains_key(&column) {
            problems.push(LineError::at(
                table.header_line,
                None,
                format!("geen kolom {what} gevonden: verwacht de koppen AGB, peildatum en aantal (of geef --columns)"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    let mut seen: HashMap<(String, NaiveDate), usize> = HashMap::new();
    for row in &table.rows {
        let line = row.line;
        let agb = match cell(row, at.get(&Column::Agb).copied()) {
            None => Err("de AGB-code ontbreekt".to_owned()),
            Some(text) => text.parse::<AgbCode>().map_err(|e| e.0),
        }
        .map_err(|m| problems.push(LineError::at(line, Some("agb"), m)))
        .ok();
        let date = date_cell(row, at.get(&Column::Date).copied())
            .map_err(|m| problems.push(LineError::at(line, Some("peildatum"), m)))
            .ok();
        let count = count_cell(row, at.get(&Column::Count).copied())
            .map_err(|m| problems.push(LineError::at(line, Some("aantal"), m)))
            .ok();
        if let (Some(agb), Some(date), Some(count)) = (agb, date, count) {
            if let Some(first) = seen.insert((agb.as_str().to_owned(), date), line) {
                problems.push(LineError::at(
                    line,
                    None,
                    format!("AGB-code {agb} op {date} staat ook op regel {first}"),
                ));
            }
            out.push(CountLine { line, agb, date, count });
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(LineError::file("het bestand bevat geen tellingen"));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn date_cell(row: &table::Row, at: Option<usize>) -> Result<NaiveDate, String> {
    let text = cell(row, at).ok_or("de peildatum ontbreekt")?;
    // A date in a workbook arrives as its day number counted from
    // 1899-12-30 (45658 is 2025-01-01); a text date has dashes.
    if let Ok(day) = text.parse::<f64>() {
        return Some(day)
            .filter(|d| (1.0..200_000.0).contains(d))
            .and_then(|d| NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(d.trunc() as u64)))
            .ok_or_else(|| format!("'{text}' is geen geldige datum"));
    }
    // 2025-01-01T00:00:00 from a workbook's ISO date cell.
    let day = text.split('T').next().unwrap_or(text);
    parse_date(day).map_err(|e| e.0)
}

fn count_cell(row: &table::Row, at: Option<usize>) -> Result<u32, String> {
    let text = cell(row, at).ok_or("het aantal ontbreekt")?;
    // 4.250 and 4 250 are four thousand two hundred and fifty; a workbook
    // may write 4250.0.
    let text = text.strip_suffix(".0").unwrap_or(text);
    let digits: String = text.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    digits
        .parse::<u32>()
        .ok()
        .filter(|c| *c <= 100_000)
        .ok_or_else(|| format!("'{text}' is geen geldig aantal: een heel getal van 0 tot en met 100.000"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_in_one_field_is_split() {
        let a = split_address("Asterweg 6, 1031 HN Amsterdam", None).unwrap();
        assert_eq!(
            (a.street.as_str(), a.house_number, a.postcode.as_str(), a.city.as_str()),
            ("Asterweg", 6, "1031HN", "Amsterdam")
        );
        let b = split_address("Van der Pekstraat 12-a 1031CV Amsterdam", None).unwrap();
        assert_eq!(
            (b.street.as_str(), b.house_number, b.house_number_suffix.as_deref()),
            ("Van der Pekstraat", 12, Some("a"))
        );
        let c = split_address("Plein 40 hs, 1234 AB", Some("Kwartierstad")).unwrap();
        assert_eq!((c.house_number_suffix.as_deref(), c.city.as_str()), (Some("hs"), "Kwartierstad"));
        assert!(split_address("Amsterdam", None).unwrap_err().contains("zoals 'Asterweg 6, 1031 HN Amsterdam'"));
    }

    #[test]
    fn columns_are_found_by_dutch_or_english_header_or_by_override() {
        let csv = "Huisartsenpraktijken gemeente Amsterdam\n\
                   Stad,Praktijk naam,Adres,Telefoon,Email,Openingstijden\n\
                   Amsterdam,Huisartsen Asterweg,\"Asterweg 6, 1031 HN Amsterdam\",020-1234567,—,ma-vr 8-17\n";
        let p = parse_practices(csv.as_bytes(), &[]).unwrap();
        assert_eq!(p[0].name, "Huisartsen Asterweg");
        assert_eq!(p[0].agb, None);
        assert_eq!(p[0].contact.email, None, "— is missing");
        assert_eq!(p[0].contact.phone.as_deref(), Some("020-1234567"));
        let english = "Name;Address;Phone\nDe Linde;Lindelaan 1, 1215 EK Hilversum;035\n";
        assert_eq!(parse_practices(english.as_bytes(), &[]).unwrap()[0].address.city, "Hilversum");
        let odd = "Wie;Waar\nDe Linde;Lindelaan 1, 1215 EK Hilversum\n";
        assert!(parse_practices(odd.as_bytes(), &[]).is_err());
        let columns = parse_columns("naam=Wie, adres=Waar").unwrap();
        assert_eq!(parse_practices(odd.as_bytes(), &columns).unwrap()[0].name, "De Linde");
        assert!(parse_columns("kleur=Wie").unwrap_err().contains("onbekende kolom"));
    }

    #[test]
    fn every_bad_line_is_reported_at_once() {
        let csv = "Naam,AGB,Adres\n\
                   ,01012345,\"Lindelaan 1, 1215 EK Hilversum\"\n\
                   B,123,\"Lindelaan 2, 1215 EK Hilversum\"\n\
                   C,01012346,Hilversum\n\
                   D,01012346,\"Lindelaan 4, 1215 EK Hilversum\"\n";
        let problems = parse_practices(csv.as_bytes(), &[]).unwrap_err();
        let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4), Some(5)], "{problems:?}");
    }

    #[test]
    fn patient_counts_read_dutch_numbers_and_dates_and_refuse_duplicates() {
        let csv = "AGB;peildatum;aantal\n01012345;1-1-2025;4.250\n01012346;2025-01-01;3100\n";
        let c = parse_patient_counts(csv.as_bytes(), &[]).unwrap();
        assert_eq!((c[0].count, c[0].date.to_string()), (4250, "2025-01-01".into()));
        let twice = "AGB;peildatum;aantal\n01012345;2025-01-01;1\n01012345;2025-01-01;2\n0101;2025-01-01;x\n";
        let problems = parse_patient_counts(twice.as_bytes(), &[]).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    /// The insurer's workbook: the title on its first row, numbers as
    /// numbers and the date as a spreadsheet date (a day number).
    #[test]
    fn an_insurers_xlsx_with_dates_and_numbers_is_read() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("dd-mm-yyyy");
        sheet.write_string(0, 0, "Inschrijvingen per praktijk, eerste kwartaal 2025").unwrap();
        for (c, h) in ["AGB-code praktijk", "Peildatum", "Aantal ingeschreven patiënten"].iter().enumerate() {
            sheet.write_string(2, c as u16, *h).unwrap();
        }
        sheet.write_string(3, 0, "01012345").unwrap();
        sheet.write_datetime_with_format(3, 1, ExcelDateTime::from_ymd(2025, 1, 1).unwrap(), &date).unwrap();
        sheet.write_number(3, 2, 4250.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let counts = parse_patient_counts(&bytes, &[]).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(counts.len(), 1);
        assert_eq!(
            (counts[0].agb.as_str(), counts[0].date.to_string(), counts[0].count),
            ("01012345", "2025-01-01".into(), 4250)
        );
    }
}
