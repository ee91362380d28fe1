//! Working days, for "no reaction within five working days": Monday to
//! Friday, minus the Dutch public holidays on which practices and most
//! partners are closed.
//!
//! Holidays counted (rules as they stand since Koningsdag replaced
//! Koninginnedag in 2014): Nieuwjaarsdag, 2e Paasdag, Koningsdag (27 April,
//! or the 26th when the 27th is a Sunday), Bevrijdingsdag (5 May) only in
//! lustrum years, Hemelvaartsdag, 2e Pinksterdag, 1e and 2e Kerstdag.
//! 1e Paasdag and 1e Pinksterdag fall on Sundays anyway.
//!
//! Left out on purpose: **Goede Vrijdag** is a day off only under some
//! collective agreements (not for most GP practices or welfare
//! organisations), and Bevrijdingsdag outside lustrum years is likewise a
//! day off for only some. Counting them would make referrals look less late
//! than the partners who do work those days would expect.
//!
//! Times are Dutch local time (`crate::clock::nl_time`), so "the day it was
//! sent" is the day the practice saw on its clock.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

/// Easter Sunday in the Gregorian calendar (the "anonymous Gregorian
/// algorithm" of Meeus, Jones and Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("the algorithm yields a day in March or April")
}

/// The name of the public holiday on `date`, if it is one we count.
pub fn public_holiday(date: NaiveDate) -> Option<&'static str> {
    let year = date.year();
    let (month, day) = (date.month(), date.day());
    let easter = easter_sunday(year);
    let after_easter = (date - easter).num_days();
    let kings_day =
        if NaiveDate::from_ymd_opt(year, 4, 27).is_some_and(|d| d.weekday() == Weekday::Sun) { 26 } else { 27 };
    match (month, day, after_easter) {
        (1, 1, _) => Some("Nieuwjaarsdag"),
        (_, _, 1) => Some("2e Paasdag"),
        (4, d, _) if d == kings_day => Some("Koningsdag"),
        (5, 5, _) if year % 5 == 0 => Some("Bevrijdingsdag"),
        (_, _, 39) => Some("Hemelvaartsdag"),
        (_, _, 50) => Some("2e Pinksterdag"),
        (12, 25, _) => Some("1e Kerstdag"),
        (12, 26, _) => Some("2e Kerstdag"),
        _ => None,
    }
}

pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && public_holiday(date).is_none()
}

/// Working days after `from` up to and including `to`: a referral sent on
/// Monday has had one working day on Tuesday evening. Zero when `to` is not
/// after `from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| is_working_day(*d)).count() as u32
}

/// The last day to react: the `working_days`-th working day after the day
/// of `since`.
pub fn reaction_due(since: NaiveDate, working_days: u32) -> NaiveDate {
    let mut day = since;
    let mut left = working_days;
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// Whether more than `working_days` working days have passed since `since`:
/// overdue from the first day after the due day, whatever the hour.
pub fn is_overdue(since: NaiveDateTime, now: NaiveDateTime, working_days: u32) -> bool {
    now.date() > reaction_due(since.date(), working_days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_on_known_dates() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25), "the latest possible date");
        assert_eq!(easter_sunday(2285), date(2285, 3, 22), "the earliest possible date");
    }

    #[test]
    fn holidays_of_2025() {
        let holidays: Vec<(NaiveDate, &str)> = date(2025, 1, 1)
            .iter_days()
            .take_while(|d| d.year() == 2025)
            .filter_map(|d| public_holiday(d).map(|name| (d, name)))
            .collect();
        assert_eq!(
            holidays,
            [
                (date(2025, 1, 1), "Nieuwjaarsdag"),
                (date(2025, 4, 21), "2e Paasdag"),
                (date(2025, 4, 26), "Koningsdag"),
                (date(2025, 5, 5), "Bevrijdingsdag"),
                (date(2025, 5, 29), "Hemelvaartsdag"),
                (date(2025, 6, 9), "2e Pinksterdag"),
                (date(2025, 12, 25), "1e Kerstdag"),
                (date(2025, 12, 26), "2e Kerstdag"),
            ]
        );
    }

    #[test]
    fn kings_day_moves_only_from_a_sunday_and_liberation_day_counts_in_lustrum_years() {
        assert_eq!(public_holiday(date(2026, 4, 27)), Some("Koningsdag"));
        assert_eq!(public_holiday(date(2025, 4, 27)), None, "27 April 2025 is a Sunday; the 26th is the holiday");
        assert_eq!(public_holiday(date(2026, 5, 5)), None);
        assert_eq!(public_holiday(date(2030, 5, 5)), Some("Bevrijdingsdag"));
        assert_eq!(public_holiday(date(2026, 4, 3)), None, "Goede Vrijdag is not counted");
        assert_eq!(public_holiday(date(2026, 5, 14)), Some("Hemelvaartsdag"));
        assert_eq!(public_holiday(date(2026, 5, 25)), Some("2e Pinksterdag"));
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        // Monday 2026-03-02 to Monday 2026-03-09: five working days in between, plus the 9th.
        assert_eq!(working_days_between(date(2026, 3, 2), date(2026, 3, 9)), 5);
        assert_eq!(working_days_between(date(2026, 3, 2), date(2026, 3, 2)), 0);
        assert_eq!(working_days_between(date(2026, 3, 9), date(2026, 3, 2)), 0);
        // Friday before Easter 2026 to the Friday after: Easter Monday is off.
        assert_eq!(working_days_between(date(2026, 4, 3), date(2026, 4, 10)), 4);
        // Christmas week 2026: Friday 25th and Saturday 26th; Monday 28th is a working day.
        assert_eq!(working_days_between(date(2026, 12, 24), date(2026, 12, 28)), 1);
    }

    #[test]
    fn overdue_after_five_working_days() {
        let at = |y, m, d, h| date(y, m, d).and_hms_opt(h, 0, 0).unwrap();
        // Sent Monday 2 March 2026: due Monday 9 March, overdue from Tuesday.
        assert_eq!(reaction_due(date(2026, 3, 2), 5), date(2026, 3, 9));
        assert!(!is_overdue(at(2026, 3, 2, 10), at(2026, 3, 9, 23), 5));
        assert!(is_overdue(at(2026, 3, 2, 10), at(2026, 3, 10, 0), 5));
        // Sent on a Saturday: the days start counting on Monday.
        assert_eq!(reaction_due(date(2026, 3, 7), 5), date(2026, 3, 13));
        // Sent Thursday before Ascension 2026 (14 May): Friday, Mon..Thu.
        assert_eq!(reaction_due(date(2026, 5, 13), 5), date(2026, 5, 21));
        assert_eq!(reaction_due(date(2026, 5, 13), 0), date(2026, 5, 13));
    }

    proptest! {
        #[test]
        fn due_day_is_a_working_day_reached_exactly(days in 0i64..3000, n in 1u32..30) {
            let since = date(2024, 1, 1) + Duration::days(days);
            let due = reaction_due(since, n);
            prop_assert!(is_working_day(due));
            prop_assert_eq!(working_days_between(since, due), n);
        }

        #[test]
        fn easter_is_a_sunday_in_spring(year in 1583i32..4000) {
            let e = easter_sunday(year);
            prop_assert_eq!(e.weekday(), Weekday::Sun);
            prop_assert!(e >= date(year, 3, 22) && e <= date(year, 4, 25));
        }
    }
}
