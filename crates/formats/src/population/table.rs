//! Every supported file as one shape: named columns and rows that remember
//! their line, so the parsers of figures need not know whether the bytes were
//! CSV, XLSX or OData JSON.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::LineError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    /// A number as the file wrote it (JSON and XLSX), in `.` notation.
    Number(String),
    Empty,
}

impl Cell {
    pub(crate) fn text(&self) -> &str {
        match self {
            Self::Text(t) | Self::Number(t) => t,
            Self::Empty => "",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Row {
    /// 1-based: the CSV line, the spreadsheet row, or the JSON line where the record starts.
    pub line: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug)]
pub(crate) struct Table {
    /// Where the column names stand, for problems with a column as a whole.
    pub header_line: usize,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub problems: Vec<LineError>,
}

impl Table {
    pub(crate) fn column(&self, matches: impl Fn(&str) -> bool) -> Option<usize> {
        self.columns.iter().position(|c| matches(c))
    }
}

/// Reads the bytes by what they look like: a ZIP archive is an XLSX workbook,
/// `{` or `[` opens OData JSON, anything else is CSV. Rows that cannot be
/// read at all are left out and reported in `Table::problems`, so the caller
/// can report them together with its own.
pub(crate) fn read(bytes: &[u8]) -> Result<Table, Vec<LineError>> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        // Older CBS downloads are Windows-1252; its letters that matter in
        // Dutch place names (é, ë, ü) sit where Latin-1 puts them.
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect::<String>()),
    };
    match text.trim_start().chars().next() {
        None => Err(vec![LineError::file("het bestand is leeg")]),
        Some('{' | '[') => read_json(&text),
        Some(_) => read_csv(&text),
    }
}

fn read_csv(text: &str) -> Result<Table, Vec<LineError>> {
    // The CBS download uses `;` (with a decimal comma), StatLine offers `,`
    // and `;`. Counted over the first lines, so a title above the header
    // does not decide it.
    let head: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(5).collect();
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| head.iter().map(|l| l.bytes().filter(|b| b == d).count()).sum::<usize>())
        .unwrap_or(b';');
    // The csv crate miscounts lines after blank ones; its byte offsets are exact.
    let lines = LineIndex::new(text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut columns: Option<Vec<String>> = None;
    let mut header_line = 1;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.of_offset(p.byte() as usize));
                problems.push(LineError::at(line, None, "deze regel is geen geldige CSV (staat er een \" te veel?)"));
                break;
            }
        };
        let line = record.position().map_or(0, |p| lines.of_offset(p.byte() as usize));
        if record.iter().all(|f| f.trim().is_empty()) || columns.is_none() && is_title(record.iter()) {
            continue;
        }
        match &columns {
            None => {
                header_line = line;
                columns = Some(record.iter().map(|c| c.trim().to_owned()).collect());
            }
            Some(header) => {
                if record.len() != header.len() {
                    problems.push(LineError::at(
                        line,
                        None,
                        format!("verwacht {} velden zoals in de kopregel, gevonden {}", header.len(), record.len()),
                    ));
                    continue;
                }
                rows.push(Row { line, cells: record.iter().map(|f| Cell::Text(f.to_owned())).collect() });
            }
        }
    }
    let Some(columns) = columns else {
        return Err(vec![LineError::file("het bestand is leeg")]);
    };
    Ok(Table { header_line, columns, rows, problems })
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, Vec<LineError>> {
    let unreadable = |_| vec![LineError::file("dit is geen leesbaar XLSX-bestand")];
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| vec![LineError::file("het XLSX-bestand heeft geen werkblad")])?
        .map_err(|_| vec![LineError::file("het eerste werkblad van het XLSX-bestand is niet leesbaar")])?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut columns: Option<Vec<String>> = None;
    let mut header_line = 1;
    let mut rows = Vec::new();
    for (index, cells) in range.rows().enumerate() {
        let line = first_row + index + 1;
        let cells: Vec<Cell> = cells.iter().map(xlsx_cell).collect();
        if cells.iter().all(|c| c.text().trim().is_empty())
            || columns.is_none() && is_title(cells.iter().map(Cell::text))
        {
            continue;
        }
        match &columns {
            None => {
                header_line = line;
                columns = Some(cells.iter().map(|c| c.text().trim().to_owned()).collect());
            }
            Some(_) => rows.push(Row { line, cells }),
        }
    }
    let columns = columns.ok_or_else(|| vec![LineError::file("het werkblad is leeg")])?;
    Ok(Table { header_line, columns, rows, problems: Vec::new() })
}

/// A line above the header with at most one filled cell: a title such as
/// "Kerncijfers wijken en buurten 2024" that spreadsheets put first.
fn is_title<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    cells.filter(|c| !c.trim().is_empty()).count() < 2
}

fn xlsx_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(i.to_string()),
        // Rust writes the shortest text that reads back to the same float, so
        // a cell typed as 32.6 comes out as "32.6", not 32.600000000000001.
        Data::Float(f) => Cell::Number(f.to_string()),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::DateTime(d) => Cell::Text(d.as_f64().to_string()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// One page of a StatLine OData answer: version 3 (`odata.nextLink`, the
/// TypedDataSet of opendata.cbs.nl) or version 4 (`@odata.nextLink`).
#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    value: Vec<&'a RawValue>,
    #[serde(rename = "odata.nextLink")]
    next_v3: Option<String>,
    #[serde(rename = "@odata.nextLink")]
    next_v4: Option<String>,
}

/// A file of OData JSON: one page, several pages one after another (as a
/// script that follows `odata.nextLink` appends them), or an array of pages
/// or of bare records. The last page must not point to a next one, or the
/// file is incomplete.
fn read_json(text: &str) -> Result<Table, Vec<LineError>> {
    let lines = LineIndex::new(text);
    let mut records: Vec<&RawValue> = Vec::new();
    let mut next_link = None;
    let stream = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    for document in stream {
        let document = document.map_err(|e| vec![LineError::at(e.line(), None, "dit is geen geldige JSON")])?;
        let trimmed = document.get().trim_start();
        let pages: Vec<&RawValue> = if trimmed.starts_with('[') {
            serde_json::from_str(document.get())
                .map_err(|e| vec![LineError::at(lines.of(document.get()) + e.line() - 1, None, "geen geldige JSON")])?
        } else {
            vec![document]
        };
        for item in pages {
            match serde_json::from_str::<Page>(item.get()) {
                Ok(page) => {
                    records.extend(page.value);
                    next_link = page.next_v3.or(page.next_v4);
                }
                Err(_) if item.get().trim_start().starts_with('{') && !item.get().contains("\"value\"") => {
                    records.push(item);
                }
                Err(_) => {
                    return Err(vec![LineError::at(
                        lines.of(item.get()),
                        None,
                        "verwacht een OData-antwoord met een lijst 'value'",
                    )])
                }
            }
        }
    }
    if let Some(link) = next_link {
        return Err(vec![LineError::file(format!(
            "het bestand is niet compleet: de laatste pagina verwijst naar een volgende ({link}); haal alle pagina's op"
        ))]);
    }
    let mut columns: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    let mut problems = Vec::new();
    for raw in records {
        let line = lines.of(raw.get());
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw.get()) {
            Ok(object) => {
                for key in object.keys() {
                    if !columns.contains(key) {
                        columns.push(key.clone());
                    }
                }
                objects.push((line, object));
            }
            Err(_) => problems.push(LineError::at(line, None, "verwacht een object met de cijfers van één gebied")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let rows = objects
        .into_iter()
        .map(|(line, object)| Row {
            line,
            cells: columns
                .iter()
                .map(|c| match object.get(c) {
                    None | Some(serde_json::Value::Null) => Cell::Empty,
                    Some(serde_json::Value::String(s)) => Cell::Text(s.clone()),
                    Some(serde_json::Value::Number(n)) => Cell::Number(n.to_string()),
                    Some(other) => Cell::Text(other.to_string()),
                })
                .collect(),
        })
        .collect();
    Ok(Table { header_line: 1, columns, rows, problems: Vec::new() })
}

/// Finds the 1-based line of a byte offset or of a slice of the text.
struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { text, starts }
    }

    /// The line of a slice of the text.
    fn of(&self, part: &str) -> usize {
        self.of_offset((part.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize))
    }

    /// The line of the first thing at or after `offset` that is not a line
    /// break (csv reports a record after blank lines at the first blank one).
    fn of_offset(&self, offset: usize) -> usize {
        let skipped =
            self.text.get(offset..).map_or(0, |rest| rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        let offset = offset + skipped;
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}
