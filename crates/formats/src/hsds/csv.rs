//! Just enough RFC 4180 for HSDS datapackages: quoted fields with commas,
//! doubled quotes and line breaks. Each record remembers the line it starts
//! on, because a quoted field may span lines and problems are reported by
//! line number.

/// One record and the (1-based) line on which it starts.
pub(super) struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits CSV text into records. An unterminated quote is an error naming
/// the line where the quoted field began.
pub(super) fn read(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut quote_line = 0;
    let mut in_quotes = false;
    let mut quoted_field = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                other => field.push(other),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted_field => {
                in_quotes = true;
                quoted_field = true;
                quote_line = line;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                fields.push(std::mem::take(&mut field));
                quoted_field = false;
                // A blank line is no record (a trailing newline, or an editor's extra line).
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    records.push(Record { line: record_line, fields: std::mem::take(&mut fields) });
                }
                fields.clear();
                line += 1;
                record_line = line;
            }
            other => field.push(other),
        }
    }
    if in_quotes {
        return Err((quote_line, "een veld tussen aanhalingstekens wordt niet afgesloten".into()));
    }
    if !field.is_empty() || !fields.is_empty() || quoted_field {
        fields.push(field);
        records.push(Record { line: record_line, fields });
    }
    Ok(records)
}

/// Writes one record; fields are quoted only when they must be.
pub(super) fn write_record(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\n', '\r']) || f.starts_with(' ') || f.ends_with(' ') {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_line_numbers() {
        let text = "a,b\r\n1,\"x, \"\"y\"\"\"\n2,\"twee\nregels\"\n\n3,\n";
        let records = read(text).unwrap();
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2, 3, 6]);
        assert_eq!(records[1].fields, ["1", "x, \"y\""]);
        assert_eq!(records[2].fields, ["2", "twee\nregels"]);
        assert_eq!(records[3].fields, ["3", ""]);
    }

    #[test]
    fn an_open_quote_names_its_line() {
        assert_eq!(read("a\n\"nooit dicht\n").err().map(|e| e.0), Some(2));
    }

    #[test]
    fn written_records_read_back() {
        let fields: Vec<String> =
            vec!["gewoon".into(), "met, komma".into(), "\"quote\"".into(), "".into(), "a\nb".into()];
        let mut out = String::new();
        write_record(&mut out, &fields);
        assert_eq!(read(&out).unwrap()[0].fields, fields);
    }
}
