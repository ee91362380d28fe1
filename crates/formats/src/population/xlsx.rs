//! The first sheet of an XLSX workbook as rows, in memory bounded by what the
//! sheet really holds rather than by the range it claims.
//!
//! calamine's `worksheet_range` allocates a dense grid from the first to the
//! last used cell: a 5 KB file with cells in A1 and XFD1048576 asks for
//! 550 GB. Here the sheet is read as a stream of cells, and the work is
//! refused with a Dutch message before any limit below is passed:
//! - the parts of the archive are inflated once into nothing first, so a
//!   shared-strings part that inflates to gigabytes (which calamine would
//!   hold whole) is refused before calamine opens it;
//! - the rows, padded to the sheet's width, hold at most [`MAX_CELLS`] cells
//!   and [`MAX_TEXT`] bytes of text.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

use super::table::{Cell, Row};
use super::LineError;

/// Cells (filled or padding) the rows may hold: the national Kerncijfers
/// file has about 18,000 areas of 130 columns, some 2.3 million.
pub(crate) const MAX_CELLS: usize = 10_000_000;
/// Bytes of cell text the rows may hold.
pub(crate) const MAX_TEXT: usize = 256 << 20;
/// Bytes all parts of the archive may inflate to. A 24 MB workbook of the
/// whole country inflates to about 330 MB.
pub(crate) const MAX_INFLATED: u64 = 1 << 30;

fn refused(message: impl Into<String>) -> Vec<LineError> {
    vec![LineError::file(message)]
}

fn too_big() -> Vec<LineError> {
    refused(format!(
        "het werkblad is te groot om in te lezen: meer dan {} miljoen cellen of {} MB tekst \
         (let op lege cellen ver buiten de tabel, zoals in kolom XFD of rij 1048576; \
         verwijder die, of sla de tabel op als CSV)",
        MAX_CELLS / 1_000_000,
        MAX_TEXT >> 20
    ))
}

/// Inflates every part of the archive into nothing, counting, so a part
/// that grows beyond [`MAX_INFLATED`] is found without holding it. The sizes
/// the archive declares are not trusted: they are the attacker's to write.
fn check_inflated_size(bytes: &[u8], limit: u64) -> Result<(), Vec<LineError>> {
    let unreadable = |_| refused("dit is geen leesbaar XLSX-bestand");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(unreadable)?;
        let budget = limit - total;
        let read = std::io::copy(&mut part.take(budget + 1), &mut std::io::sink())
            .map_err(|_| refused("dit is geen leesbaar XLSX-bestand (een deel is beschadigd)"))?;
        total += read;
        if total > limit {
            return Err(refused(format!(
                "het XLSX-bestand is uitgepakt groter dan {} MB; zo'n groot werkblad leest wijkregie niet in \
                 (sla de tabel op als CSV)",
                limit >> 20
            )));
        }
    }
    Ok(())
}

/// The first sheet's rows that have any text, each as wide as the sheet's
/// used columns (from the leftmost to the rightmost filled cell), with their
/// 1-based spreadsheet row as line.
pub(crate) fn read(bytes: &[u8]) -> Result<Vec<Row>, Vec<LineError>> {
    check_inflated_size(bytes, MAX_INFLATED)?;
    let unreadable = |_| refused("dit is geen leesbaar XLSX-bestand");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let first =
        workbook.sheet_names().into_iter().next().ok_or_else(|| refused("het XLSX-bestand heeft geen werkblad"))?;
    let unreadable_sheet = || refused("het eerste werkblad van het XLSX-bestand is niet leesbaar");
    let mut cells = workbook.worksheet_cells_reader(&first).map_err(|_| unreadable_sheet())?;
    // Rows straight from the stream, each as long as its rightmost filled
    // cell: no second copy of the cells, and what they hold is bounded by
    // the cell and text limits whatever range the sheet claims.
    let mut rows: Vec<Row> = Vec::new();
    let (mut cells_held, mut text) = (0usize, 0usize);
    let (mut left, mut right) = (u32::MAX, 0u32);
    while let Some(cell) = cells.next_cell().map_err(|_| unreadable_sheet())? {
        let value = xlsx_cell(cell.get_value());
        if value.text().trim().is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        let line = row as usize + 1;
        // Cells come in sheet order, but nothing in the format promises it.
        let at = match rows.last() {
            Some(last) if last.line == line => rows.len() - 1,
            Some(last) if last.line > line => match rows.binary_search_by_key(&line, |r| r.line) {
                Ok(at) => at,
                Err(at) => {
                    rows.insert(at, Row { line, cells: Vec::new() });
                    at
                }
            },
            _ => {
                rows.push(Row { line, cells: Vec::new() });
                rows.len() - 1
            }
        };
        let cells = &mut rows[at].cells;
        let column_index = column as usize;
        cells_held += (column_index + 1).saturating_sub(cells.len());
        text += value.text().len();
        if cells_held > MAX_CELLS || text > MAX_TEXT {
            return Err(too_big());
        }
        if cells.len() <= column_index {
            cells.resize(column_index + 1, Cell::Empty);
        }
        cells[column_index] = value;
        (left, right) = (left.min(column), right.max(column));
    }
    if rows.is_empty() {
        return Ok(rows);
    }
    // Every row from the leftmost to the rightmost used column, as the
    // header check expects.
    let width = (right - left) as usize + 1;
    if rows.len().saturating_mul(width) > MAX_CELLS {
        return Err(too_big());
    }
    for row in &mut rows {
        row.cells.drain(..left as usize);
        row.cells.resize(width, Cell::Empty);
    }
    Ok(rows)
}

fn xlsx_cell(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Int(i) => Cell::Number(i.to_string()),
        // Rust writes the shortest text that reads back to the same float, so
        // a cell typed as 32.6 comes out as "32.6", not 32.600000000000001.
        DataRef::Float(f) => Cell::Number(f.to_string()),
        DataRef::Bool(b) => Cell::Text(b.to_string()),
        DataRef::DateTime(d) => Cell::Text(d.as_f64().to_string()),
        DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::Workbook;

    use super::*;

    fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (row, column, text) in cells {
            sheet.write_string(*row, *column, *text).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    /// The bomb: one cell in A1, one in XFD1048576. A dense grid of
    /// the claimed range would be 550 GB; the stream holds two rows.
    #[test]
    fn a_sheet_with_cells_in_opposite_corners_is_two_rows() {
        let bytes = workbook(&[(0, 0, "gwb_code_10"), (1_048_575, 16_383, "x")]);
        assert!(bytes.len() < 8_000, "{}", bytes.len());
        let rows = read(&bytes).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 1_048_576]);
        assert_eq!(rows[0].cells.len(), 16_384);
        assert_eq!(rows[1].cells[16_383].text(), "x");
    }

    #[test]
    fn rows_times_width_beyond_the_limit_is_refused_in_dutch() {
        // 700 rows from column A to XFD: 11.5 million cells once padded.
        let cells: Vec<(u32, u16, &str)> = (0..700).flat_map(|r| [(r, 0, "a"), (r, 16_383, "b")]).collect();
        let problems = read(&workbook(&cells)).unwrap_err();
        assert!(problems[0].message.contains("het werkblad is te groot"), "{problems:?}");
    }

    #[test]
    fn rows_keep_their_spreadsheet_line_and_the_used_columns() {
        let rows = read(&workbook(&[(2, 1, "code"), (2, 2, "naam"), (4, 1, "WK1"), (4, 3, "z")])).unwrap();
        let texts: Vec<(usize, Vec<&str>)> =
            rows.iter().map(|r| (r.line, r.cells.iter().map(Cell::text).collect())).collect();
        assert_eq!(texts, [(3, vec!["code", "naam", ""]), (5, vec!["WK1", "", "z"])]);
    }

    #[test]
    fn a_part_that_inflates_beyond_the_limit_is_refused_before_calamine_holds_it() {
        let long = "x".repeat(10_000);
        let bytes = workbook(&[(0, 0, &long)]);
        assert!(check_inflated_size(&bytes, 1 << 20).is_ok());
        let problems = check_inflated_size(&bytes, 5_000).unwrap_err();
        assert!(problems[0].message.contains("uitgepakt groter dan"), "{problems:?}");
    }
}
