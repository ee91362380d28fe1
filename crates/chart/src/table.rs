//! The table alternative of each chart: the same numbers as text, with the
//! same signs ("< 5", "x"), for the page to render as a `<table>` beside or
//! under the chart. Cells are plain text; the template escapes them.

use super::bars::value_text;
use super::interval::{interval_text, value_text as interval_value};
use super::pyramid::{shown_values, value_text as pyramid_value};
use super::{BarChart, IntervalChart, LineChart, Pyramid, Value};
use wijkregie_core::format::decimal;

/// A missing value in a table: an empty cell would look like a rendering
/// fault, and "0" would be wrong.
pub const MISSING_TEXT: &str = "–";

/// Header cells, then rows whose first cell heads the row (`<th scope="row">`)
/// and whose other cells are numbers (right-aligned, `td.num`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One row per category, one column per series.
pub fn table_rows(chart: &BarChart) -> Table {
    let mut header = vec![chart.category_title.clone()];
    header.extend(chart.series.iter().map(|s| s.name.clone()));
    let rows = chart
        .categories
        .iter()
        .enumerate()
        .map(|(c, category)| {
            let mut row = vec![category.clone()];
            row.extend(chart.series.iter().map(|s| value_text(s.at(c))));
            row
        })
        .collect();
    Table { header, rows }
}

pub fn line_table(chart: &LineChart) -> Table {
    let mut header = vec![chart.category_title.clone()];
    header.extend(chart.series.iter().map(|s| s.name.clone()));
    let rows = chart
        .categories
        .iter()
        .enumerate()
        .map(|(c, category)| {
            let mut row = vec![category.clone()];
            row.extend(chart.series.iter().map(|s| match s.at(c) {
                Value::Exact(v) => decimal(v, chart.decimals),
                Value::Missing => MISSING_TEXT.to_string(),
                other => other.sign().unwrap_or_default().to_string(),
            }));
            row
        })
        .collect();
    Table { header, rows }
}

pub fn interval_table(chart: &IntervalChart) -> Table {
    let header = vec![chart.label_title.clone(), chart.value_title.clone(), "95%-betrouwbaarheidsinterval".to_string()];
    let mut rows: Vec<Vec<String>> = chart
        .rows
        .iter()
        .map(|r| {
            vec![
                r.label.clone(),
                interval_value(chart, r.value),
                interval_text(chart, r).unwrap_or_else(|| MISSING_TEXT.to_string()),
            ]
        })
        .collect();
    if let Some(r) = &chart.reference {
        rows.push(vec![r.label.clone(), interval_value(chart, Value::Exact(r.value)), MISSING_TEXT.to_string()]);
    }
    Table { header, rows }
}

/// Oldest band first, as the pyramid reads from top to bottom.
pub fn pyramid_table(chart: &Pyramid) -> Table {
    let header = vec![chart.band_title.clone(), chart.left.name.clone(), chart.right.name.clone()];
    let (left, right) = (shown_values(chart, &chart.left), shown_values(chart, &chart.right));
    let rows = (0..chart.bands.len())
        .rev()
        .map(|b| vec![chart.bands[b].clone(), pyramid_value(chart, left[b]), pyramid_value(chart, right[b])])
        .collect();
    Table { header, rows }
}
