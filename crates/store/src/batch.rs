//! Multi-row statements for bulk writes and reads by a list of keys.
//!
//! One statement per row costs a round trip through sqlx each (tens of
//! microseconds); a national import writes over a million rows. So rows are
//! gathered and written as `INSERT … VALUES ($1, $2), ($3, $4), …`, and
//! lists of keys are read with `IN ($1, $2, …)`. Both forms are the portable
//! subset: SQLite and PostgreSQL read them alike. Statements are cut at a
//! fixed number of rows, so that all but the last are the same text and
//! reuse the prepared statement.

use std::collections::BTreeMap;

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};
use wijkregie_core::region::Area;

use crate::error::Result;
use crate::rows;

/// Bound values per statement. Not SQLite's limit (32,766) but its cost:
/// sqlx binds `$n` parameters by name, and SQLite finds a parameter's name
/// by a linear scan, so a statement costs O(binds²). At 8,000 binds a
/// national import spent 80 % of a minute in `sqlite3_bind_parameter_name`
/// (still 25 % of 9 s at 250); around 120 the quadratic part and the
/// per-statement cost are both small.
const MAX_BINDS_SQLITE: usize = 120;

/// PostgreSQL numbers its parameters and has no such scan; there every
/// statement is a round trip with its own parse and plan, so fewer, larger
/// statements win (a national Kerncijfers year: 25,800 statements of 12
/// rows took 4.9 s to store, ~1,000 rows per statement far less). Its
/// protocol allows 65,535 binds.
const MAX_BINDS_POSTGRES: usize = 10_000;

/// How many rows of `columns` values one statement holds on `conn`'s engine.
fn rows_per_statement(conn: &AnyConnection, columns: usize) -> usize {
    let binds =
        if conn.backend_name().eq_ignore_ascii_case("postgresql") { MAX_BINDS_POSTGRES } else { MAX_BINDS_SQLITE };
    (binds / columns).clamp(1, 1_000)
}

/// One value to bind. The store's columns are text, integers and reals.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(Some(v.to_owned()))
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(Some(v))
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        Cell::Text(v)
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(Some(v))
    }
}

impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        Cell::Int(v)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        Cell::Real(v)
    }
}

fn bind<'q>(q: Query<'q, Any, AnyArguments<'q>>, cell: Cell) -> Query<'q, Any, AnyArguments<'q>> {
    match cell {
        Cell::Text(v) => q.bind(v),
        Cell::Int(v) => q.bind(v),
        Cell::Real(v) => q.bind(v),
    }
}

/// `($1, $2), ($3, $4)` for 2 rows of 2 columns. Only counts go into it,
/// never input.
fn values(rows: usize, columns: usize) -> String {
    let row = |r: usize| {
        let cells: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
        format!("({})", cells.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// `$1, $2, $3` for an `IN (…)` list.
pub(crate) fn list(count: usize) -> String {
    (1..=count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// How many keys one `IN (…)` list may hold (a page of the HSDS API is at
/// most 200).
pub(crate) const MAX_KEYS: usize = 500;

/// The rows of `select` (a `SELECT … FROM table`, fixed text from the
/// callers) for CBS areas, each in its own vintage: one query per vintage
/// and [`MAX_KEYS`] codes, in no particular order. `code` and `vintage`
/// name the table's columns for them.
pub(crate) async fn rows_for_areas(
    conn: &mut AnyConnection,
    areas: &[Area],
    select: &str,
    code: &str,
    vintage: &str,
) -> Result<Vec<AnyRow>> {
    let mut by_vintage: BTreeMap<u16, Vec<&str>> = BTreeMap::new();
    for a in areas {
        by_vintage.entry(a.year).or_default().push(a.code.as_str());
    }
    let mut out = Vec::new();
    for (year, mut codes) in by_vintage {
        codes.sort_unstable();
        codes.dedup();
        for chunk in codes.chunks(MAX_KEYS) {
            let sql = format!("{select} WHERE {vintage} = ${} AND {code} IN ({})", chunk.len() + 1, list(chunk.len()));
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q.bind(*c);
            }
            out.extend(rows::all(&mut *conn, q.bind(i64::from(year))).await?);
        }
    }
    Ok(out)
}

/// Rows for one table, written when enough have gathered.
pub(crate) struct Rows {
    head: String,
    tail: &'static str,
    columns: usize,
    cells: Vec<Cell>,
}

impl Rows {
    /// Rows for `INSERT INTO table (columns) VALUES … tail`; `tail` is an
    /// `ON CONFLICT` clause or empty. Table and columns are fixed names from
    /// the callers, never input.
    pub(crate) fn new(table: &str, columns: &[&str], tail: &'static str) -> Rows {
        Rows {
            head: format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")),
            tail,
            columns: columns.len(),
            cells: Vec::new(),
        }
    }

    pub(crate) fn push<const N: usize>(&mut self, row: [Cell; N]) {
        debug_assert_eq!(N, self.columns, "a row has a value for every column");
        self.cells.extend(row);
    }

    fn rows(&self) -> usize {
        self.cells.len() / self.columns
    }

    /// Writes every full statement's worth of rows; the rest waits.
    pub(crate) async fn write_full(&mut self, conn: &mut AnyConnection) -> Result<()> {
        let per_statement = rows_per_statement(conn, self.columns);
        while self.rows() >= per_statement {
            self.write(conn, per_statement).await?;
        }
        Ok(())
    }

    /// Writes every row gathered.
    pub(crate) async fn write_all(&mut self, conn: &mut AnyConnection) -> Result<()> {
        self.write_full(conn).await?;
        if self.rows() > 0 {
            self.write(conn, self.rows()).await?;
        }
        Ok(())
    }

    async fn write(&mut self, conn: &mut AnyConnection, rows: usize) -> Result<()> {
        let sql = format!("{}{} {}", self.head, values(rows, self.columns), self.tail);
        let mut q = sqlx::query(&sql);
        for cell in self.cells.drain(..rows * self.columns) {
            q = bind(q, cell);
        }
        q.execute(&mut *conn).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_count_on_across_rows() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(list(3), "$1, $2, $3");
    }
}
