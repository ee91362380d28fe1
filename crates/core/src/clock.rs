//! The one Dutch clock. Stored times are UTC; people in the region read
//! Europe/Amsterdam time: CET, or CEST from the last Sunday of March to the
//! last Sunday of October, switching at 01:00 UTC as EU directive 2000/84
//! says. The rule is fixed in law for the whole EU, so it is written out here
//! instead of carrying a time-zone database.
//!
//! Reading the system clock is the one side effect `core` allows itself:
//! "today" is a fact every rule here is evaluated against, and one function
//! for it keeps every page, deadline and total on the same day.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

/// `time` on a Dutch clock.
pub fn nl_time(time: DateTime<Utc>) -> NaiveDateTime {
    time.naive_utc() + Duration::hours(i64::from(nl_offset_hours(time)))
}

/// Hours the Dutch clock is ahead of UTC at `time`: 1 in winter, 2 in summer.
pub fn nl_offset_hours(time: DateTime<Utc>) -> u8 {
    let year = time.year();
    let switch = |month| {
        let last = NaiveDate::from_ymd_opt(year, month, 31).expect("March and October have 31 days");
        let sunday = last - Duration::days(i64::from(last.weekday().num_days_from_sunday()));
        sunday.and_hms_opt(1, 0, 0).expect("01:00 exists").and_utc()
    };
    if switch(3) <= time && time < switch(10) {
        2
    } else {
        1
    }
}

/// The Dutch calendar day of a stored time.
pub fn nl_date(time: DateTime<Utc>) -> NaiveDate {
    nl_time(time).date()
}

/// The time now on a Dutch clock.
pub fn nl_now() -> NaiveDateTime {
    nl_time(Utc::now())
}

/// Today's date in the Netherlands.
pub fn nl_today() -> NaiveDate {
    nl_now().date()
}

/// A stored time as people read it on pages and in the CLI: `07-12-2026 14:05`.
pub fn nl_display(time: DateTime<Utc>) -> String {
    nl_time(time).format("%d-%m-%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("a valid RFC 3339 time")
    }

    #[test]
    fn follows_summer_time() {
        let local = |s: &str| nl_time(utc(s)).to_string();
        assert_eq!(local("2026-01-15T23:30:00Z"), "2026-01-16 00:30:00");
        assert_eq!(local("2026-07-01T22:30:00Z"), "2026-07-02 00:30:00");
        // 2026 switches on 29 March and 25 October at 01:00 UTC.
        assert_eq!(local("2026-03-29T00:59:00Z"), "2026-03-29 01:59:00");
        assert_eq!(local("2026-03-29T01:00:00Z"), "2026-03-29 03:00:00");
        assert_eq!(local("2026-10-25T00:59:00Z"), "2026-10-25 02:59:00");
        assert_eq!(local("2026-10-25T01:00:00Z"), "2026-10-25 02:00:00");
        // 2027 switches on 28 March and 31 October.
        assert_eq!(nl_offset_hours(utc("2027-03-28T00:59:59Z")), 1);
        assert_eq!(nl_offset_hours(utc("2027-03-28T01:00:00Z")), 2);
        assert_eq!(nl_offset_hours(utc("2027-10-31T00:59:59Z")), 2);
        assert_eq!(nl_offset_hours(utc("2027-10-31T01:00:00Z")), 1);
    }

    #[test]
    fn the_date_turns_at_dutch_midnight() {
        // 23:30 UTC on 31 December is already New Year in Amsterdam.
        assert_eq!(nl_time(utc("2026-12-31T23:30:00Z")).date(), NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date"));
        assert_eq!(nl_display(utc("2026-06-30T22:05:00Z")), "01-07-2026 00:05");
    }
}
