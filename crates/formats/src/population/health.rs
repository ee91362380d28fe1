//! RIVM/GGD *Gezondheid per wijk en buurt* (StatLine table 50120NED): model
//! estimates from the Gezondheidsmonitor, as percentages with a 95% interval.
//! StatLine gives each estimate and its bounds as separate rows, told apart by
//! `Marges`: `MW00000` is the value, `MOG0095` the lower and `MBG0095` the
//! upper bound. They are paired here per area, period and age group.
//! StatLine's titled downloads (CSV or XLSX) write the titles instead:
//! `Waarde`, `Ondergrens 95%-interval`, `65 jaar of ouder`, `2022`.

use std::collections::BTreeMap;

use super::indicator::{deliberately_ignored, fold, stem};
use super::kwb::{area_kind, is_code_column, Columns};
use super::table;
use super::{
    parse_value, year_in_file_name, year_of_period, AreaCode, Indicator, Interval, LineError, PublishedFigure, Source,
    Value, RIVM,
};

/// The StatLine id under which RIVM publishes the figures.
pub const HEALTH_TABLE: &str = "50120NED";

/// A whole health file: figures sorted by area, year, age group and
/// indicator, each once, with the interval where the file gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthImport {
    pub years: Vec<i32>,
    pub figures: Vec<PublishedFigure>,
    /// Columns wijkregie neither reads nor knows to leave alone, by name: a
    /// figure RIVM added, or a title written otherwise than expected.
    pub unread_columns: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Margin {
    Value,
    Lower,
    Upper,
}

type Key = (AreaCode, i32, Option<String>, Indicator);

/// The margin a row holds, by code (`MW00000`) or StatLine title (`Waarde`).
fn margin(text: &str) -> Option<Margin> {
    match fold(text).as_str() {
        "mw00000" | "waarde" => Some(Margin::Value),
        "mog0095" | "ondergrens 95 interval" => Some(Margin::Lower),
        "mbg0095" | "bovengrens 95 interval" => Some(Margin::Upper),
        _ => None,
    }
}

/// Reads a 50120NED file (OData JSON, StatLine CSV or XLSX). The period comes
/// from `Perioden` (`2022JJ00`); without that column, from `year` or the file
/// name. A `year` that disagrees with a row refuses the file.
pub fn parse_health(bytes: &[u8], file_name: &str, year: Option<i32>) -> Result<HealthImport, Vec<LineError>> {
    let mut table = table::read(bytes, |cells| cells.iter().any(|c| is_code_column(c)))?;
    let columns = Columns::find(&table)?;
    let find = |name: &str| table.column(|c| stem(c) == name);
    let (margins, age) = (find("marges"), find("leeftijd"));
    let unread_columns = table
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            !(columns.reads(*i)
                || Some(*i) == margins
                || Some(*i) == age
                || is_code_column(c)
                || deliberately_ignored(c)
                || c.trim().is_empty())
        })
        .map(|(_, c)| c.clone())
        .collect();
    let fallback_year = match (year, year_in_file_name(file_name)) {
        (Some(given), Some(named)) if given != named => {
            return Err(vec![LineError::file(format!(
                "het jaar {given} (opgegeven) wijkt af van het jaar {named} in de bestandsnaam {file_name}"
            ))])
        }
        (given, named) => given.or(named),
    };
    if columns.year.is_none() && fallback_year.is_none() {
        return Err(vec![LineError::file(
            "het jaar is onbekend: het bestand heeft geen kolom Perioden; geef het jaar op",
        )]);
    }

    let mut problems = std::mem::take(&mut table.problems);
    let mut slots: BTreeMap<(Key, Margin), (Value, usize)> = BTreeMap::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells.get(i).map_or("", |c| c.text());
        let column_name = |i: usize| table.columns[i].as_str();
        let row_year = match columns.year {
            None => fallback_year,
            Some(i) => match year_of_period(cell(i)) {
                Some(y) if year.is_some_and(|given| given != y) => {
                    problems.push(LineError::at(
                        row.line,
                        Some(column_name(i)),
                        format!("periode {y} wijkt af van het opgegeven jaar"),
                    ));
                    None
                }
                Some(y) => Some(y),
                None => {
                    problems.push(LineError::at(
                        row.line,
                        Some(column_name(i)),
                        format!("'{}' is geen jaarperiode zoals 2022JJ00", cell(i).trim()),
                    ));
                    None
                }
            },
        };
        let code = match AreaCode::parse(cell(columns.code)) {
            Ok(code) => Some(code),
            Err(message) => {
                problems.push(LineError::at(row.line, Some(column_name(columns.code)), message));
                None
            }
        };
        if let (Some(code), Some(kind_column)) = (&code, columns.kind) {
            if area_kind(cell(kind_column)).is_some_and(|kind| kind != code.kind()) {
                problems.push(LineError::at(
                    row.line,
                    Some(column_name(kind_column)),
                    format!("{code} is een {}, maar de regel zegt {}", code.kind().label(), cell(kind_column).trim()),
                ));
            }
        }
        let margin = match margins.map(|i| cell(i).trim()) {
            None => Some(Margin::Value),
            Some(text) => match margin(text) {
                Some(m) => Some(m),
                None => {
                    problems.push(LineError::at(
                        row.line,
                        margins.map(column_name),
                        format!(
                            "'{text}' is geen bekende marge (MW00000/Waarde, MOG0095/Ondergrens 95%-interval of \
                             MBG0095/Bovengrens 95%-interval)"
                        ),
                    ));
                    None
                }
            },
        };
        let (Some(code), Some(row_year), Some(margin)) = (code, row_year, margin) else { continue };
        // A published group by its code, whether the file wrote code or
        // title; any other group as written, so the summary can name it.
        let age_group = age
            .map(|i| cell(i).trim())
            .filter(|a| !a.is_empty())
            .map(|a| super::age_group_code(a).map_or_else(|| a.to_owned(), str::to_owned));
        for &(index, indicator) in &columns.indicators {
            let value = match parse_value(cell(index), indicator) {
                Ok(value) => value,
                Err(message) => {
                    problems.push(LineError::at(row.line, Some(column_name(index)), message));
                    continue;
                }
            };
            let key = ((code.clone(), row_year, age_group.clone(), indicator), margin);
            match slots.get(&key) {
                Some((earlier, _)) if *earlier == value => {}
                Some((_, earlier_line)) => problems.push(LineError::at(
                    row.line,
                    Some(column_name(index)),
                    format!("{code} {row_year} staat al op regel {earlier_line} met een ander cijfer"),
                )),
                None => {
                    slots.insert(key, (value, row.line));
                }
            }
        }
    }

    // Pair the bounds with their value; the map is sorted so a key's three
    // margins sit together in the order value, lower, upper.
    let mut grouped: BTreeMap<Key, [Option<(Value, usize)>; 3]> = BTreeMap::new();
    for ((key, margin), slot) in slots {
        grouped.entry(key).or_default()[margin as usize] = Some(slot);
    }
    let mut figures = Vec::new();
    for ((area, year, age_group, indicator), [value, lower, upper]) in grouped {
        let Some((value, _)) = value else {
            let line = lower.or(upper).map_or(0, |(_, line)| line);
            problems.push(LineError::at(line, None, format!("{area} {year}: een marge zonder waarde (MW00000)")));
            continue;
        };
        let interval = match (value, lower.map(|s| s.0), upper.map(|s| s.0)) {
            (Value::Known(v), Some(Value::Known(lo)), Some(Value::Known(hi))) => {
                if lo > v || v > hi {
                    let line = lower.map_or(0, |(_, line)| line);
                    problems.push(LineError::at(
                        line,
                        None,
                        format!("{area} {year} {}: de waarde {v} ligt niet tussen {lo} en {hi}", indicator.code()),
                    ));
                }
                Some(Interval { low: lo, high: hi })
            }
            _ => None,
        };
        figures.push(PublishedFigure {
            area,
            year,
            indicator,
            value,
            interval,
            age_group,
            source: Source {
                publisher: RIVM.to_owned(),
                table: format!("Gezondheid per wijk en buurt ({HEALTH_TABLE}) {year}"),
                year,
            },
        });
    }
    if !problems.is_empty() {
        // A bound without its value is found once per indicator; say it once.
        problems.sort_by_key(|p| p.line);
        problems.dedup();
        return Err(problems);
    }
    let mut years: Vec<i32> = figures.iter().map(|f| f.year).collect();
    years.dedup();
    years.sort_unstable();
    years.dedup();
    Ok(HealthImport { years, figures, unread_columns })
}
