//! Every supported file as one shape: named columns and rows that remember
//! their line, so the parsers of figures need not know whether the bytes were
//! CSV, XLSX or OData JSON.

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
    /// The lines above the header (`Kerncijfers wijken en buurten 2023`),
    /// which StatLine's downloads and spreadsheets put first.
    pub titles: Vec<String>,
}

impl Table {
    pub(crate) fn column(&self, matches: impl Fn(&str) -> bool) -> Option<usize> {
        self.columns.iter().position(|c| matches(c))
    }
}

/// Reads the bytes by what they look like: a ZIP archive is an XLSX workbook,
/// `{` or `[` opens OData JSON, anything else is CSV. Rows that cannot be
/// read at all are left out and reported in `Table::problems`, so the caller
/// can report them together with its own. The header is the first row
/// `is_header` accepts among the first few, else the first row with two
/// filled cells; what stands above it is kept as titles.
pub(crate) fn read(bytes: &[u8], is_header: impl Fn(&[String]) -> bool) -> Result<Table, Vec<LineError>> {
    if bytes.starts_with(b"PK\x03\x04") {
        let rows = super::xlsx::read(bytes)?;
        return assemble(rows, Vec::new(), &is_header).ok_or_else(|| vec![LineError::file("het werkblad is leeg")]);
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
        Some(_) => {
            let (rows, problems) = read_csv(&text);
            assemble(rows, problems, &is_header).ok_or_else(|| vec![LineError::file("het bestand is leeg")])
        }
    }
}

/// How many rows from the top may stand above a recognised header: StatLine
/// puts a title and a date there, a spreadsheet a few lines of notes.
const HEADER_SEARCH: usize = 20;

/// Picks the header among the non-blank rows, drops a leading row-number
/// column and StatLine's closing `Bron: …` line, and checks that every row
/// has as many fields as the header. `None` when there is no header at all.
fn assemble(rows: Vec<Row>, mut problems: Vec<LineError>, is_header: &dyn Fn(&[String]) -> bool) -> Option<Table> {
    let texts = |row: &Row| row.cells.iter().map(|c| c.text().trim().to_owned()).collect::<Vec<_>>();
    let header_index = rows
        .iter()
        .take(HEADER_SEARCH)
        .position(|row| is_header(&texts(row)))
        .or_else(|| rows.iter().position(|row| !is_title(row.cells.iter().map(Cell::text))))?;
    let mut rows = rows.into_iter();
    let titles: Vec<String> = rows
        .by_ref()
        .take(header_index)
        .map(|row| row.cells.iter().map(|c| c.text().trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" "))
        .collect();
    let header = rows.next()?;
    let header_line = header.line;
    let mut columns = texts(&header);
    let mut data = Vec::new();
    for row in rows {
        if is_source_line(&row) {
            continue;
        }
        if row.cells.len() != columns.len() {
            problems.push(LineError::at(
                row.line,
                None,
                format!("verwacht {} velden zoals in de kopregel, gevonden {}", columns.len(), row.cells.len()),
            ));
            continue;
        }
        data.push(row);
    }
    // R's write.csv and pandas' to_csv put the row names first, under an
    // empty header (or `X1`, `...1`, `Unnamed: 0` once read back and saved
    // again); a pandas re-save of an R file has two such columns.
    while columns.len() > 1 && is_row_number_column(&columns[0], &data) {
        columns.remove(0);
        for row in &mut data {
            row.cells.remove(0);
        }
    }
    Some(Table { header_line, columns, rows: data, problems, titles })
}

fn is_row_number_column(header: &str, rows: &[Row]) -> bool {
    let name = header.trim().to_lowercase();
    matches!(name.as_str(), "" | "x" | "x1" | "...1" | "unnamed: 0" | "rownames")
        && rows.iter().all(|r| r.cells.first().is_some_and(|c| is_row_number(c.text())))
}

fn is_row_number(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// StatLine ends its downloads with a line `Bron: CBS` (or `Bron: RIVM`) in
/// the first cell only; that is a footnote, not an area.
fn is_source_line(row: &Row) -> bool {
    let mut filled = row.cells.iter().filter(|c| !c.text().trim().is_empty());
    let first = filled.next();
    filled.next().is_none()
        && first.is_some_and(|c| c.text().trim_start().to_lowercase().starts_with("bron:"))
        && row.cells.first().is_some_and(|c| !c.text().trim().is_empty())
}

/// The field separator: the one of `,`, tab and `;` that occurs most often
/// outside quotes in the first lines. The CBS download uses `;` (with a
/// decimal comma), StatLine offers `,` and `;`; a StatLine file quotes every
/// cell, so its decimal commas (`"13,4"`) must not count, and a title above
/// the header does not decide it either.
fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let candidates = [b',', b'\t', b';'];
    let mut quoted = false;
    let mut lines = 0;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                lines += 1;
                if lines >= 8 {
                    break;
                }
            }
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|d| *d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    // Ties go to `;`, the CBS download's own separator.
    let best = (0..3).rev().max_by_key(|i| counts[*i]).unwrap_or(2);
    candidates[best]
}

fn read_csv(text: &str) -> (Vec<Row>, Vec<LineError>) {
    // The csv crate miscounts lines after blank ones; its byte offsets are exact.
    let lines = LineIndex::new(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
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
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        rows.push(Row { line, cells: record.iter().map(|f| Cell::Text(f.to_owned())).collect() });
    }
    (rows, problems)
}

/// A line above the header with at most one filled cell: a title such as
/// "Kerncijfers wijken en buurten 2024" that spreadsheets put first.
fn is_title<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    cells.filter(|c| !c.trim().is_empty()).count() < 2
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
    Ok(Table { header_line: 1, columns, rows, problems: Vec::new(), titles: Vec::new() })
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
