//! Tables shown on pages as files: CSV (plain, or `;` for a spreadsheet set
//! to Dutch) and an XLSX workbook with a sheet per table. Cells arrive as
//! the text the page shows; in the workbook a cell that reads as a Dutch
//! number (`1.234,5`) becomes a number, so sums and charts work.

use rust_xlsxwriter::{Format, Workbook};

use crate::spreadsheet::text_cell;

/// One table: a title (the sheet's name), header cells and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The table as CSV for a spreadsheet: cells that read as numbers stay as
/// they are, text that a spreadsheet would run as a formula is neutralised.
pub fn to_csv(sheet: &Sheet, dutch: bool) -> String {
    let cell = |c: &String| if dutch_number(c).is_some() { c.clone() } else { text_cell(c).into_owned() };
    let mut w = csv::WriterBuilder::new().delimiter(if dutch { b';' } else { b',' }).from_writer(Vec::new());
    let mut write = || -> csv::Result<()> {
        w.write_record(sheet.header.iter().map(|h| text_cell(h).into_owned()))?;
        for r in &sheet.rows {
            w.write_record(r.iter().map(cell))?;
        }
        w.flush()?;
        Ok(())
    };
    write().expect("writing CSV into memory cannot fail");
    String::from_utf8(w.into_inner().expect("an in-memory writer flushes")).expect("all fields are UTF-8")
}

/// `1.234,5` → 1234.5, `12,5%` → 12.5; `None` for anything else (`–`, `< 5`, names).
pub fn dutch_number(cell: &str) -> Option<f64> {
    let t = cell.trim().trim_end_matches('%').trim_end();
    let body = t.strip_prefix('-').unwrap_or(t);
    let valid = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && body.matches(',').count() <= 1;
    if !valid {
        return None;
    }
    t.replace('.', "").replace(',', ".").parse().ok()
}

#[derive(Debug, thiserror::Error)]
#[error("XLSX schrijven mislukt: {0}")]
pub struct XlsxError(#[from] rust_xlsxwriter::XlsxError);

/// Excel's limit on a sheet name, and the characters it refuses.
fn sheet_name(title: &str, used: &mut Vec<String>) -> String {
    let clean: String = title.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).take(28).collect();
    let mut name = clean.clone();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{clean} {n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

pub fn to_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let number = Format::new().set_num_format("#,##0.###");
    let mut used = Vec::new();
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&s.title, &mut used))?;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match dutch_number(cell) {
                    // The first column names the row; a code like 2024 stays text.
                    Some(n) if c > 0 => ws.write_number_with_format(r, c as u16, n, &number)?,
                    _ => ws.write_string(r, c as u16, cell)?,
                };
            }
        }
        ws.autofit();
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Reader, Xlsx};

    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            title: "Kerncijfers: 2024".into(),
            header: vec!["Indicator".into(), "Wijk".into(), "Regio".into()],
            rows: vec![
                vec!["inwoners".into(), "4.215".into(), "31.980".into()],
                vec!["ernstig eenzaam".into(), "12,5%".into(), "–".into()],
            ],
        }
    }

    /// Issue 22 item 12: text that a spreadsheet would run as a formula gets
    /// a `'`; numbers, negative ones too, stay numbers.
    #[test]
    fn csv_neutralises_formula_text_and_keeps_numbers() {
        let sheet = Sheet {
            title: "t".into(),
            header: vec!["=kop".into(), "Wijk".into()],
            rows: vec![
                vec!["=HYPERLINK(\"http://evil.example\")".into(), "-12,50".into()],
                vec!["+31 20 123".into(), "-3".into()],
                vec!["\tx".into(), "@x".into()],
                vec!["-geen getal".into(), "\r=1".into()],
            ],
        };
        let csv = to_csv(&sheet, true);
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).from_reader(csv.as_bytes());
        let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        assert_eq!(rows[0], ["'=kop", "Wijk"]);
        assert_eq!(rows[1], ["'=HYPERLINK(\"http://evil.example\")", "-12,50"]);
        assert_eq!(rows[2], ["'+31 20 123", "-3"]);
        assert_eq!(rows[3], ["'\tx", "'@x"]);
        assert_eq!(rows[4], ["'-geen getal", "'\r=1"]);
    }

    #[test]
    fn dutch_numbers_become_numbers_and_signs_stay_text() {
        assert_eq!(dutch_number("4.215"), Some(4215.0));
        assert_eq!(dutch_number("12,5%"), Some(12.5));
        assert_eq!(dutch_number("-0,25"), Some(-0.25));
        for text in ["–", "< 5", "x", "", "inwoners", "1,2,3", ",5"] {
            assert_eq!(dutch_number(text), None, "{text}");
        }
    }

    #[test]
    fn csv_both_ways_and_a_workbook_with_numbers() {
        assert!(to_csv(&sheet(), true).starts_with("Indicator;Wijk;Regio\ninwoners;4.215;31.980\n"));
        assert!(to_csv(&sheet(), false).contains("\"12,5%\""));
        let bytes = to_xlsx(&[sheet(), sheet()]).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Kerncijfers- 2024", "Kerncijfers- 2024 2"]);
        let range = book.worksheet_range("Kerncijfers- 2024").unwrap();
        assert_eq!(range.get_value((1, 1)), Some(&Data::Float(4215.0)));
        assert_eq!(range.get_value((2, 1)), Some(&Data::Float(12.5)));
        assert_eq!(range.get_value((2, 2)), Some(&Data::String("–".into())));
    }
}
