//! Charts, maps ([`map`]) and their PNG export ([`png`]) for pages and
//! downloads. Charts are server-rendered SVG that pass axe-core and never
//! rely on colour alone: each series has an Okabe–Ito colour *and* a pattern or marker
//! shape, the legend shows both, and the root element names the chart with a
//! `<title>` and a Dutch summary in `<desc>`. A chart never stands alone: the
//! page puts the same numbers in a table ([`table_rows`] and friends give
//! them, with the same "< 5" text the chart shows).
//!
//! Every function here is pure: data in, SVG markup out, no I/O, no script.
//! The page shows the chart's title as a visible heading or `<figcaption>`;
//! the SVG carries it only for assistive technology.

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}

mod axes;
mod bars;
mod interval;
mod line;
pub mod map;
pub mod png;
mod pyramid;
mod scale;
mod svg;
mod table;
#[cfg(test)]
mod tests;

use wijkregie_core::referral::figures::SmallCount;

pub use bars::{grouped_bars, stacked_bars};
pub use interval::horizontal_bars_with_interval;
pub use line::line_chart;
pub use pyramid::pyramid;
pub(crate) use svg::chart_id;
pub use svg::escape;
pub use table::{interval_table, line_table, pyramid_table, table_rows, Table, MISSING_TEXT};

/// One number in a chart, or why it is not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<T = u64> {
    Exact(T),
    /// A small number (1–4) that could point at a person: drawn as a hatched
    /// stub labelled "< 5".
    Suppressed,
    /// Hidden so that a suppressed neighbour cannot be worked out from a
    /// total (CBS's "x"): drawn like a suppressed value, labelled "x".
    Hidden,
    /// No data at all (a month not yet begun, a pathway not yet offered).
    Missing,
}

impl<T: Copy> Value<T> {
    pub fn exact(self) -> Option<T> {
        match self {
            Self::Exact(v) => Some(v),
            _ => None,
        }
    }

    /// The sign a hidden value shows, in the chart and in the table alike.
    fn sign(self) -> Option<&'static str> {
        match self {
            Self::Suppressed => Some("< 5"),
            Self::Hidden => Some("x"),
            _ => None,
        }
    }
}

/// Referral figures arrive already protected; the chart keeps their signs.
impl From<SmallCount> for Value {
    fn from(c: SmallCount) -> Self {
        match c {
            SmallCount::Exact(n) => Self::Exact(u64::from(n)),
            SmallCount::Small => Self::Suppressed,
            SmallCount::Hidden => Self::Hidden,
        }
    }
}

impl<T> From<Option<T>> for Value<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Missing, Self::Exact)
    }
}

/// A named row of values, one per category (values beyond the categories are
/// ignored; categories beyond the values count as missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Series<T = u64> {
    pub name: String,
    pub values: Vec<Value<T>>,
}

impl<T: Copy> Series<T> {
    fn at(&self, i: usize) -> Value<T> {
        self.values.get(i).copied().unwrap_or(Value::Missing)
    }
}

/// Categories (e.g. months) × series (e.g. pathways) of counts.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Prefix of every id in the SVG, so two charts on one page do not
    /// clash. Characters other than ASCII letters, digits, `-` and `_` are
    /// replaced by `-`.
    pub id: String,
    pub title: String,
    /// Title of the horizontal axis, e.g. "Maand".
    pub category_title: String,
    /// Title of the vertical axis, e.g. "Aantal verwijzingen".
    pub value_title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// A trend: categories (e.g. years) × series of measured values.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub id: String,
    pub title: String,
    pub category_title: String,
    pub value_title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series<f64>>,
    /// Decimals shown in labels and the table (ticks use what their step needs).
    pub decimals: u8,
}

/// One bar per area (wijk, region, Nederland) with an optional 95% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalChart {
    pub id: String,
    pub title: String,
    /// What the rows are, e.g. "Gebied" (heads the table's first column).
    pub label_title: String,
    /// Title of the value axis, e.g. "Percentage met overgewicht".
    pub value_title: String,
    pub rows: Vec<IntervalRow>,
    /// A vertical line to compare against, e.g. the Dutch average.
    pub reference: Option<Reference>,
    pub decimals: u8,
    /// Written after every number as given, e.g. "%" or "" for none.
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    pub label: String,
    pub value: Value<f64>,
    /// Lower and upper bound of the 95% interval.
    pub interval: Option<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub label: String,
    pub value: f64,
}

/// An age pyramid: bands as rows, youngest at the bottom, one side left and
/// one right (men and women, or a wijk and its region).
#[derive(Debug, Clone, PartialEq)]
pub struct Pyramid {
    pub id: String,
    pub title: String,
    /// Title of the rows, e.g. "Leeftijd".
    pub band_title: String,
    /// Title of the value axis, e.g. "Aantal inwoners".
    pub value_title: String,
    /// Age bands from youngest to oldest, e.g. "0–4", "5–9", …, "85+".
    pub bands: Vec<String>,
    pub left: Series,
    pub right: Series,
    /// Draw each side as percentages of its own total, so that a wijk can
    /// be compared with a region many times its size.
    pub shares: bool,
}
