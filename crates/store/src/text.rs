//! Conversions between domain values and the text columns they are stored in.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{Result, StoreError};

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(date)
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    wijkregie_core::audit::canonical_time(t)
}

pub fn parse<T: FromStr>(table: &'static str, column: &'static str, value: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| StoreError::Corrupt { table, column, message: e.to_string() })
}

pub fn parse_opt<T: FromStr>(table: &'static str, column: &'static str, value: Option<String>) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    value.map(|v| parse(table, column, &v)).transpose()
}

pub fn parse_time(table: &'static str, column: &'static str, value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc)).map_err(|e| StoreError::Corrupt {
        table,
        column,
        message: e.to_string(),
    })
}
