//! Opening hours. What is "every week on these days, from … to …" becomes
//! opening slots; another recurrence (monthly, every other week, only for a
//! period) is kept as a schedule rule with its own id; only what wijkregie
//! cannot hold as data (a count, an end date of the recurrence, week or
//! year days) is kept as text with the schedule.

use chrono::{NaiveDate, NaiveTime, Timelike};
use wijkregie_core::directory::{HsdsId, OpeningSlot, ScheduleRule};

use super::Walker;
use crate::hsds::derived_id;
use crate::hsds::node::{Node, V};
use crate::hsds::schema::SCHEDULES;

/// What wijkregie reads of a schedule; `Walker::object` warns about the rest.
const SCHEDULE_USED: &[&str] = &[
    "id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "valid_from",
    "valid_to",
    "dtstart",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "notes",
];

/// The weekdays of RFC 5545, from Monday (weekday 1).
const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
/// The frequencies of RFC 5545.
const FREQUENCIES: [&str; 7] = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"];

/// The opening hours of one service, gathered from all its schedules.
#[derive(Default)]
pub(super) struct ScheduleParts {
    pub(super) slots: Vec<OpeningSlot>,
    pub(super) notes: Vec<String>,
    pub(super) rules: Vec<ScheduleRule>,
}

impl Walker<'_> {
    pub(super) fn schedule(&mut self, node: &Node, parts: &mut ScheduleParts) {
        if !self.object(node, "een openingstijd (schedule)", &SCHEDULES, SCHEDULE_USED) {
            return;
        }
        let freq = self.text(node, "freq").map(|f| f.trim().to_ascii_uppercase());
        let interval = self.number(node, "interval");
        let byday = self.text(node, "byday");
        let opens = self.text(node, "opens_at");
        let closes = self.text(node, "closes_at");
        let notes = self.text(node, "notes");
        let description = self.text(node, "description");
        let rule_fields =
            ["valid_from", "valid_to", "dtstart", "until", "count", "byweekno", "bymonthday", "byyearday"];
        let extra: Vec<&str> = rule_fields.into_iter().filter(|k| node.get(k).is_some_and(|n| !n.is_empty())).collect();

        if freq.is_none() && byday.is_none() && opens.is_none() && closes.is_none() && extra.is_empty() {
            // Only words, such as "in schoolvakanties gesloten": that is what notes are for.
            parts.notes.extend(notes.into_iter().chain(description).map(|s| s.trim().to_owned()));
            return;
        }
        if let Some(f) = &freq {
            if !FREQUENCIES.contains(&f.as_str()) {
                self.error(&node.at_of("freq"), format!("'{f}' is geen freq: gebruik WEEKLY of MONTHLY (RFC 5545)"));
                return;
            }
        }
        let mut days = Vec::new();
        let mut plain_days = true;
        if let Some(list) = &byday {
            for token in list.split(',').map(|t| t.trim().to_ascii_uppercase()) {
                if let Some(i) = WEEKDAYS.iter().position(|d| *d == token) {
                    days.push(i as u8 + 1);
                } else if is_ordinal_day(&token) {
                    plain_days = false;
                } else {
                    self.error(
                        &node.at_of("byday"),
                        format!("'{token}' is geen dag: gebruik MO, TU, WE, TH, FR, SA of SU"),
                    );
                    return;
                }
            }
        }
        let opens_time = opens.as_deref().map(|t| (t, parse_time(t)));
        let closes_time = closes.as_deref().map(|t| (t, parse_time(t)));
        for (key, value) in [("opens_at", &opens_time), ("closes_at", &closes_time)] {
            if let Some((text, None)) = value {
                self.error(&node.at_of(key), format!("'{text}' is geen tijd: gebruik UU:MM, zoals 09:00"));
                return;
            }
        }
        let weekly = match freq.as_deref() {
            Some("WEEKLY") => plain_days && !days.is_empty(),
            Some("DAILY") => plain_days,
            _ => false,
        } && interval.is_none_or(|i| i == 1.0)
            && extra.is_empty();
        if let (true, Some((_, Some(o))), Some((_, Some(c)))) = (weekly, opens_time, closes_time) {
            if o >= c {
                self.error(&node.at_of("closes_at"), "de sluitingstijd ligt niet na de openingstijd");
                return;
            }
            if days.is_empty() {
                days = (1..=7).collect();
            }
            parts.slots.extend(days.into_iter().map(|weekday| OpeningSlot { weekday, opens: o, closes: c }));
            parts.notes.extend(notes.map(|s| s.trim().to_owned()));
            if description.is_some() {
                self.warnings.add(&node.at_of("description"), "omschrijving naast wekelijkse tijden: niet overgenomen");
            }
            return;
        }
        // A recurrence with hours, days of the month and a period of validity
        // is kept as data.
        let as_data = extra.iter().all(|k| matches!(*k, "valid_from" | "valid_to" | "bymonthday"));
        if let (true, Some(freq)) = (as_data, &freq) {
            let date = |w: &mut Self, key: &str| {
                w.parsed(node, key, |s| {
                    NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map_err(|_| format!("'{s}' is geen datum: gebruik JJJJ-MM-DD"))
                })
            };
            let valid_from = date(self, "valid_from");
            let valid_to = date(self, "valid_to");
            let interval = match interval {
                Some(i) if i.fract() == 0.0 && (1.0..=1000.0).contains(&i) => Some(i as u32),
                Some(i) => {
                    self.error(
                        &node.at_of("interval"),
                        format!("{i} is geen interval: gebruik een heel getal vanaf 1"),
                    );
                    return;
                }
                None => None,
            };
            if let (Some((_, Some(o))), Some((_, Some(c)))) = (opens_time, closes_time) {
                if o >= c {
                    self.error(&node.at_of("closes_at"), "de sluitingstijd ligt niet na de openingstijd");
                    return;
                }
            }
            let id = match self.text(node, "id").map(|s| s.trim().to_owned()) {
                Some(id) => id.parse::<HsdsId>().unwrap_or_else(|_| derived_id(&format!("schedule:{id}"))),
                None => derived_id(&format!("schedule:{}", node.at)),
            };
            parts.rules.push(ScheduleRule {
                id,
                freq: Some(freq.clone()),
                interval,
                byday: byday.map(|b| b.trim().to_ascii_uppercase()),
                bymonthday: self.text(node, "bymonthday").map(|b| b.trim().to_owned()),
                opens: opens_time.and_then(|(_, t)| t),
                closes: closes_time.and_then(|(_, t)| t),
                valid_from,
                valid_to,
                description: description.map(|d| d.trim().to_owned()),
            });
            parts.notes.extend(notes.map(|s| s.trim().to_owned()));
            return;
        }
        // Anything else is kept as text, so nothing is lost and nobody is
        // told a wrong opening time.
        let mut text = Vec::new();
        let rule: Vec<String> =
            [("freq", freq.clone()), ("interval", interval.map(|i| i.to_string())), ("byday", byday)]
                .into_iter()
                .chain(extra.iter().map(|k| (*k, node.get(k).map(plain))))
                .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
                .collect();
        if !rule.is_empty() {
            text.push(rule.join(";"));
        }
        match (opens, closes) {
            (Some(o), Some(c)) => text.push(format!("{}–{}", o.trim(), c.trim())),
            (Some(o), None) => text.push(format!("vanaf {}", o.trim())),
            (None, Some(c)) => text.push(format!("tot {}", c.trim())),
            (None, None) => {}
        }
        text.extend(description.into_iter().chain(notes).map(|s| s.trim().to_owned()));
        parts.notes.push(text.join(", "));
        self.warnings.add(&node.at.to_string(), "geen wekelijks openingsschema: als tekst bij het schema bewaard");
    }
}

/// A scalar as plain text, for schedules kept as words.
fn plain(node: &Node) -> String {
    match &node.v {
        V::Text(s) => s.trim().to_owned(),
        V::Number(n) => n.to_string(),
        V::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// `1MO`, `-1FR`: a weekday with its ordinal, as monthly rules have. Split
/// with `split_at_checked`: the token is anything the file holds, and a cut
/// inside a multi-byte character (`🦀`) would panic.
fn is_ordinal_day(token: &str) -> bool {
    let Some((ordinal, day)) = token.len().checked_sub(2).and_then(|i| token.split_at_checked(i)) else {
        return false;
    };
    let digits = ordinal.trim_start_matches(['+', '-']);
    !digits.is_empty() && WEEKDAYS.contains(&day) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `09:00`, `09:00:00`, with or without a zone suffix (`Z`, `+01:00`). Times
/// are read as local Dutch time; seconds are dropped, as the database keeps
/// minutes.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim();
    let t = t.strip_suffix(['Z', 'z']).unwrap_or(t);
    let t = match t.get(5..).and_then(|rest| rest.find(['+', '-'])) {
        Some(i) => &t[..5 + i],
        None => t,
    };
    let time = NaiveTime::parse_from_str(t, "%H:%M:%S").or_else(|_| NaiveTime::parse_from_str(t, "%H:%M")).ok()?;
    time.with_second(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_drop_zones_and_seconds() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0);
        assert_eq!(parse_time("09:00"), nine);
        assert_eq!(parse_time("09:00:30"), nine);
        assert_eq!(parse_time("09:00Z"), nine);
        assert_eq!(parse_time("09:00+01:00"), nine);
        assert_eq!(parse_time("9 uur"), None);
    }

    /// Found by the fuzz target of HSDS CSV: `byday` = `🦀` panicked.
    #[test]
    fn ordinal_days_are_read_without_cutting_characters() {
        for ok in ["1MO", "-1FR", "+2SU"] {
            assert!(is_ordinal_day(ok), "{ok}");
        }
        for no in ["🦀", "x🦀", "MO", "-MO", "1XX", "", "é1MO"] {
            assert!(!is_ordinal_day(no), "{no}");
        }
    }
}
