//! Text in files meant for a spreadsheet, made safe to open.
//!
//! A spreadsheet runs a CSV cell that starts with `=`, `+`, `-` or `@` (and,
//! in some, a tab or carriage return before one) as a formula, so a network
//! named `=HYPERLINK(...)` becomes a link or worse in the reader's Excel
//! (issue 22 item 12). OWASP's rule: put a `'` in front, which spreadsheets
//! show as text. It applies to text cells only: a number such as `-12,50`
//! in an amount column is data, and the writers pass numbers unchanged.
//! HSDS CSV is a machine interchange format and does not use this (see
//! docs/hsds.md). In XLSX every text cell is written as a string, which a
//! spreadsheet never evaluates.

use std::borrow::Cow;

/// `text` as a spreadsheet shows it, never as a formula.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_and_the_rest_stays() {
        for (text, out) in [
            ("=1+1", "'=1+1"),
            ("+31 20", "'+31 20"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("WSV Noord", "WSV Noord"),
            ("", ""),
            (" =1", " =1"),
        ] {
            assert_eq!(text_cell(text), out, "{text:?}");
        }
    }
}
