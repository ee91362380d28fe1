//! Every read of rows in store goes through these three functions, so that
//! tests can count what a piece of work reads from the database
//! (`testing::count_rows`): a page must read the same rows whether the
//! social map holds 35 services or 100,000. Without the `testing` feature
//! they are the plain sqlx calls.
//!
//! Rows returned by `RETURNING` count too: they come back into Rust like
//! any other read.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

/// A query as the store builds it: `sqlx::query(…)` with its binds.
pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Every row of `query`.
#[inline]
pub(crate) async fn all(conn: &mut AnyConnection, query: AnyQuery<'_>) -> sqlx::Result<Vec<AnyRow>> {
    let rows = query.fetch_all(conn).await?;
    read(rows.len());
    Ok(rows)
}

/// The row of `query`, if there is one.
#[inline]
pub(crate) async fn optional(conn: &mut AnyConnection, query: AnyQuery<'_>) -> sqlx::Result<Option<AnyRow>> {
    let row = query.fetch_optional(conn).await?;
    read(usize::from(row.is_some()));
    Ok(row)
}

/// The row of `query`, which must be there (a count, an `INSERT … RETURNING`).
#[inline]
pub(crate) async fn one(conn: &mut AnyConnection, query: AnyQuery<'_>) -> sqlx::Result<AnyRow> {
    let row = query.fetch_one(conn).await?;
    read(1);
    Ok(row)
}

#[cfg(feature = "testing")]
#[inline]
fn read(rows: usize) {
    crate::testing::add_rows_read(rows);
}

/// Nothing counts in a build without tests in it.
#[cfg(not(feature = "testing"))]
#[inline(always)]
fn read(_rows: usize) {}
