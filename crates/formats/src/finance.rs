//! Payment statements as files: JSON (the shape other programs rely on),
//! CSV (plain, or with `;` and decimal commas for a spreadsheet set to
//! Dutch) and XLSX with amounts as numbers in a euro format.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Format, FormatAlign, Formula, Workbook};
use serde_json::{json, Value};
use wijkregie_core::codes::Code;
use wijkregie_core::finance::{Cents, Line, Statement, ZeroReason};

use crate::spreadsheet::text_cell;

/// Network names by code, for the human-readable formats.
pub type Names = BTreeMap<Code, String>;

fn line_json(l: &Line) -> Value {
    let mut v = json!({
        "kind": l.kind.code(),
        "amount_cents": l.amount.0,
        "reason": l.reason.map(ZeroReason::code),
        "rate_cents_per_year": l.rate_per_year.0,
        "patients": l.patients,
    });
    if let Some(c) = &l.corrects {
        v["corrects"] = json!({
            "quarter": c.quarter.to_string(),
            "kind": c.kind.code(),
            "paid_cents": c.paid.0,
            "recomputed_cents": c.recomputed.0,
        });
    }
    v
}

/// `[{ "network", "quarter", "registered_patients", "lines": [{ "kind",
/// "amount_cents", "reason", … }], "total_cents" }]`.
pub fn to_json(statements: &[Statement]) -> Value {
    Value::Array(
        statements
            .iter()
            .map(|s| {
                json!({
                    "network": s.network.as_str(),
                    "quarter": s.quarter.to_string(),
                    "registered_patients": s.registered_patients,
                    "lines": s.lines.iter().map(line_json).collect::<Vec<_>>(),
                    "total_cents": s.total().0,
                })
            })
            .collect(),
    )
}

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvStyle {
    /// `,` between fields, `.` in amounts, codes for kinds and reasons.
    Plain,
    /// `;` between fields, `,` in amounts and Dutch headers and labels: what
    /// Excel set to Dutch opens as columns of numbers.
    Dutch,
}

/// One row per statement line.
pub fn to_csv(statements: &[Statement], names: &Names, style: CsvStyle) -> String {
    let dutch = style == CsvStyle::Dutch;
    let mut w = csv::WriterBuilder::new().delimiter(if dutch { b';' } else { b',' }).from_writer(Vec::new());
    let header: [&str; 12] = if dutch {
        [
            "netwerk",
            "naam",
            "kwartaal",
            "ingeschreven_patienten",
            "soort",
            "tarief_per_patient_per_jaar",
            "patienten",
            "bedrag",
            "bedrag_centen",
            "reden",
            "corrigeert_kwartaal",
            "corrigeert_soort",
        ]
    } else {
        [
            "network",
            "name",
            "quarter",
            "registered_patients",
            "kind",
            "rate_per_year",
            "patients",
            "amount",
            "amount_cents",
            "reason",
            "corrects_quarter",
            "corrects_kind",
        ]
    };
    let money = |c: Cents| if dutch { c.decimal_comma() } else { c.decimal() };
    let mut write = || -> csv::Result<()> {
        w.write_record(header)?;
        for s in statements {
            for l in &s.lines {
                // Codes, names and labels are text (neutralised: a network's
                // name is whatever its manager typed); amounts and counts
                // are numbers and go out as they are.
                w.write_record([
                    text_cell(s.network.as_str()).into_owned(),
                    text_cell(names.get(&s.network).map_or("", String::as_str)).into_owned(),
                    s.quarter.to_string(),
                    s.registered_patients.to_string(),
                    if dutch { l.kind.label().to_owned() } else { l.kind.code().to_owned() },
                    money(l.rate_per_year),
                    l.patients.to_string(),
                    money(l.amount),
                    l.amount.0.to_string(),
                    l.reason.map(|r| if dutch { r.label() } else { r.code() }).unwrap_or_default().to_owned(),
                    l.corrects.as_ref().map(|c| c.quarter.to_string()).unwrap_or_default(),
                    l.corrects
                        .as_ref()
                        .map(|c| if dutch { c.kind.label() } else { c.kind.code() })
                        .unwrap_or_default()
                        .to_owned(),
                ])?;
            }
        }
        w.flush()?;
        Ok(())
    };
    write().expect("writing CSV into memory cannot fail");
    let text = String::from_utf8(w.into_inner().expect("an in-memory writer flushes")).expect("all fields are UTF-8");
    if dutch {
        // Excel reads a CSV without a byte-order mark in the system's code
        // page, turning "coördinator" into "coÃ¶rdinator"; the mark tells it
        // the file is UTF-8.
        format!("\u{feff}{text}")
    } else {
        text
    }
}

/// What went wrong writing the spreadsheet (our bug, never the user's).
#[derive(Debug, thiserror::Error)]
#[error("XLSX schrijven mislukt: {0}")]
pub struct XlsxError(#[from] rust_xlsxwriter::XlsxError);

/// A workbook with one sheet: a row per statement line, amounts as numbers
/// with a euro format, and the region's total as a formula over them (with
/// its value, so viewers that do not recalculate show it too).
pub fn to_xlsx(statements: &[Statement], names: &Names) -> Result<Vec<u8>, XlsxError> {
    to_xlsx_with_state(statements, names, None)
}

/// As [`to_xlsx`], with the quarter's state (approved on a date by whom, or
/// open) on a line under the total, so a printed or mailed sheet says
/// whether its amounts are final.
pub fn to_xlsx_with_state(statements: &[Statement], names: &Names, state: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Betaaloverzicht")?;
    let bold = Format::new().set_bold();
    // nl-NL (0x413) euro: "€ 1.234,56" in a Dutch spreadsheet, with the
    // separators of the reader's locale elsewhere.
    let euro = Format::new().set_num_format("[$€-413] #,##0.00;[$€-413] -#,##0.00").set_align(FormatAlign::Right);
    let euro_bold = euro.clone().set_bold();
    let count = Format::new().set_num_format("#,##0");
    let headers = [
        "Netwerk",
        "Naam",
        "Kwartaal",
        "Ingeschreven patiënten",
        "Soort",
        "Tarief per patiënt per jaar",
        "Patiënten",
        "Bedrag",
        "Reden",
        "Corrigeert",
    ];
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    // Spreadsheets hold numbers as binary floating point; an amount of whole
    // cents divided by 100 is the nearest double to that amount and shows
    // exactly with two decimals. Sums stay in cents in our own code.
    let euros = |c: Cents| c.0 as f64 / 100.0;
    let mut row: u32 = 1;
    for s in statements {
        for l in &s.lines {
            sheet.write_string(row, 0, s.network.as_str())?;
            sheet.write_string(row, 1, names.get(&s.network).map(String::as_str).unwrap_or(""))?;
            sheet.write_string(row, 2, s.quarter.to_string())?;
            sheet.write_number_with_format(row, 3, s.registered_patients as f64, &count)?;
            sheet.write_string(row, 4, l.kind.label())?;
            sheet.write_number_with_format(row, 5, euros(l.rate_per_year), &euro)?;
            sheet.write_number_with_format(row, 6, l.patients as f64, &count)?;
            sheet.write_number_with_format(row, 7, euros(l.amount), &euro)?;
            sheet.write_string(row, 8, l.reason.map(ZeroReason::label).unwrap_or(""))?;
            let corrects = l.corrects.as_ref().map(|c| format!("{} {}", c.quarter, c.kind.label()));
            sheet.write_string(row, 9, corrects.unwrap_or_default())?;
            row += 1;
        }
    }
    let total: Cents = statements.iter().map(Statement::total).sum();
    sheet.write_string_with_format(row, 0, "Totaal", &bold)?;
    let formula = if row > 1 { format!("=SUM(H2:H{row})") } else { "=0".to_owned() };
    sheet.write_formula_with_format(row, 7, Formula::new(formula).set_result(total.decimal()), &euro_bold)?;
    if let Some(state) = state {
        sheet.write_string_with_format(row + 2, 0, "Status", &bold)?;
        sheet.write_string(row + 2, 1, state)?;
    }
    for (col, width) in [(0, 22), (1, 28), (2, 10), (3, 12), (4, 30), (5, 14), (6, 12), (7, 16), (8, 44), (9, 30)] {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use wijkregie_core::finance::statement::CorrectionOf;
    use wijkregie_core::finance::{LineKind, Quarter, ZeroReason};

    use super::*;

    fn statements() -> Vec<Statement> {
        let q: Quarter = "2025Q2".parse().unwrap();
        let line = |kind, rate, amount, reason| Line {
            kind,
            rate_per_year: Cents(rate),
            patients: 10_001,
            amount: Cents(amount),
            reason,
            corrects: None,
        };
        vec![
            Statement {
                network: "wsv-noord".parse().unwrap(),
                quarter: q,
                registered_patients: 10_001,
                lines: vec![
                    line(LineKind::GpTime, 224, 560_056, None),
                    line(LineKind::Coordinator, 187, 467_547, None),
                    Line {
                        amount: Cents(-112),
                        corrects: Some(CorrectionOf {
                            quarter: "2025Q1".parse().unwrap(),
                            kind: LineKind::GpTime,
                            paid: Cents(560_112),
                            recomputed: Cents(560_000),
                        }),
                        ..line(LineKind::Correction, 224, 0, None)
                    },
                ],
                without_agb: vec![],
            },
            Statement {
                network: "wsv-zuid".parse().unwrap(),
                quarter: q,
                registered_patients: 9_999,
                lines: vec![
                    line(LineKind::GpTime, 224, 0, Some(ZeroReason::BelowThreshold)),
                    line(LineKind::Coordinator, 187, 0, Some(ZeroReason::OptionA)),
                ],
                without_agb: vec![],
            },
        ]
    }

    fn names() -> Names {
        [("wsv-noord".parse().unwrap(), "WSV Noord; oost".to_owned())].into()
    }

    #[test]
    fn json_has_the_agreed_shape() {
        let v = to_json(&statements());
        assert_eq!(v[0]["network"], "wsv-noord");
        assert_eq!(v[0]["quarter"], "2025Q2");
        assert_eq!(v[0]["registered_patients"], 10_001);
        assert_eq!(v[0]["total_cents"], 560_056 + 467_547 - 112);
        assert_eq!(
            v[0]["lines"][0],
            json!({"kind": "gp_time", "amount_cents": 560_056, "reason": null, "rate_cents_per_year": 224, "patients": 10_001})
        );
        assert_eq!(v[0]["lines"][2]["corrects"]["quarter"], "2025Q1");
        assert_eq!(v[1]["lines"][1]["reason"], "option_a");
        assert_eq!(v[1]["total_cents"], 0);
    }

    #[test]
    fn csv_plain_and_dutch() {
        let plain = to_csv(&statements(), &names(), CsvStyle::Plain);
        let lines: Vec<&str> = plain.lines().collect();
        assert_eq!(lines[0], "network,name,quarter,registered_patients,kind,rate_per_year,patients,amount,amount_cents,reason,corrects_quarter,corrects_kind");
        assert_eq!(lines[1], "wsv-noord,WSV Noord; oost,2025Q2,10001,gp_time,2.24,10001,5600.56,560056,,,");
        assert_eq!(lines[3], "wsv-noord,WSV Noord; oost,2025Q2,10001,correction,2.24,10001,-1.12,-112,,2025Q1,gp_time");
        assert_eq!(lines[5], "wsv-zuid,,2025Q2,9999,coordinator,1.87,10001,0.00,0,option_a,,");
        assert!(!plain.starts_with('\u{feff}'), "plain CSV is for programs, without a byte-order mark");
        let dutch = to_csv(&statements(), &names(), CsvStyle::Dutch);
        // Excel needs the byte-order mark to read "coördinator" as UTF-8.
        assert!(dutch.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]), "{:?}", &dutch.as_bytes()[..3]);
        let lines: Vec<&str> = dutch.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].starts_with("netwerk;naam;kwartaal;"));
        // The name holds the separator, so it is quoted.
        assert_eq!(lines[2], "wsv-noord;\"WSV Noord; oost\";2025Q2;10001;coördinator;1,87;10001;4675,47;467547;;;");
        assert!(lines[4].contains(";onder de drempel;"), "{}", lines[4]);
        // The zero coordinator line of an option-A network names no option B.
        assert!(lines[5].contains(";coördinator;") && lines[5].contains("optie A"), "{}", lines[5]);
    }

    /// Issue 22 item 12: a network named `=HYPERLINK(...)` went out raw and
    /// a spreadsheet ran it. Text cells are neutralised; amounts stay numbers.
    #[test]
    fn csv_neutralises_formulas_in_text_but_not_negative_amounts() {
        let names: Names = [
            ("wsv-noord".parse().unwrap(), "=HYPERLINK(\"http://evil.example\";\"klik\")".to_owned()),
            ("wsv-zuid".parse().unwrap(), "@SUM(1+1)".to_owned()),
        ]
        .into();
        for style in [CsvStyle::Plain, CsvStyle::Dutch] {
            let csv = to_csv(&statements(), &names, style);
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(if style == CsvStyle::Dutch { b';' } else { b',' })
                .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
            assert_eq!(&rows[0][1], "'=HYPERLINK(\"http://evil.example\";\"klik\")");
            assert_eq!(&rows[3][1], "'@SUM(1+1)");
            // The correction's negative amount is data in a money column.
            assert!(rows[2][7].starts_with("-1"), "{:?}", &rows[2][7]);
            assert_eq!(&rows[2][8], "-112");
        }
    }

    #[test]
    fn xlsx_writes_a_formula_like_name_as_text() {
        let names: Names = [("wsv-noord".parse().unwrap(), "=1+1".to_owned())].into();
        let bytes = to_xlsx(&statements(), &names).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Betaaloverzicht").unwrap();
        assert_eq!(range.get_value((1, 1)), Some(&Data::String("=1+1".into())));
        let formulas = book.worksheet_formula("Betaaloverzicht").unwrap();
        assert!(formulas.get_value((1, 1)).is_none_or(String::is_empty));
    }

    #[test]
    fn xlsx_holds_amounts_as_numbers_in_a_euro_format() {
        let bytes = to_xlsx(&statements(), &names()).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Betaaloverzicht").unwrap();
        assert_eq!(range.get_value((0, 7)), Some(&Data::String("Bedrag".into())));
        assert_eq!(range.get_value((1, 7)), Some(&Data::Float(5600.56)));
        assert_eq!(range.get_value((2, 7)), Some(&Data::Float(4675.47)));
        assert_eq!(range.get_value((3, 7)), Some(&Data::Float(-1.12)));
        assert_eq!(range.get_value((1, 3)), Some(&Data::Float(10_001.0)));
        assert_eq!(range.get_value((6, 0)), Some(&Data::String("Totaal".into())));
        // The total's cached value: what a viewer shows without recalculating.
        assert_eq!(range.get_value((6, 7)), Some(&Data::Float(10_274.91)));
        let formulas = book.worksheet_formula("Betaaloverzicht").unwrap();
        assert_eq!(formulas.get_value((6, 7)).map(String::as_str), Some("SUM(H2:H6)"));
    }

    #[test]
    fn xlsx_names_the_quarters_state_under_the_total() {
        let state = "vastgesteld op 07-12-2026 14:05 door Fenna Dijkgraaf";
        let bytes = to_xlsx_with_state(&statements(), &names(), Some(state)).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Betaaloverzicht").unwrap();
        assert_eq!(range.get_value((8, 0)), Some(&Data::String("Status".into())));
        assert_eq!(range.get_value((8, 1)), Some(&Data::String(state.into())));
    }
}
