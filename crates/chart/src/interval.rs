//! Horizontal bars, one per area (wijk, region, Nederland), each with an
//! optional 95% interval drawn as a whisker and its value written beside it,
//! and an optional reference line. Areas are named on the axis, so colour
//! and pattern only repeat what the label says.

use super::scale::Scale;
use super::svg::{
    chart_id, defs, document, legend, no_data, series_fill, suppressed_fill, text, text_width, Key, EDGE, FONT, GRID,
    INK, MUTED, WIDTH,
};
use super::{IntervalChart, IntervalRow, Value};
use wijkregie_core::format::decimal;

const ROW: f64 = 32.0;
const BAR: f64 = 16.0;

pub fn horizontal_bars_with_interval(chart: &IntervalChart) -> String {
    let id = chart_id(&chart.id);
    if chart.rows.iter().all(|r| r.value == Value::Missing) {
        return no_data(&id, &chart.title);
    }
    let mut numbers: Vec<f64> = Vec::new();
    for r in &chart.rows {
        numbers.extend(r.value.exact());
        if let Some((lo, hi)) = r.interval {
            numbers.extend([lo, hi]);
        }
    }
    numbers.extend(chart.reference.as_ref().map(|r| r.value));
    numbers.retain(|v| v.is_finite());
    let lo = numbers.iter().copied().fold(0.0, f64::min);
    let hi = numbers.iter().copied().fold(0.0, f64::max);
    let scale = Scale::nice(lo, hi, false);

    let mut body = String::new();
    let mut keys = Vec::new();
    if chart.rows.iter().any(|r| r.interval.is_some()) {
        keys.push((Key::Whisker, "95%-betrouwbaarheidsinterval".to_string()));
    }
    if let Some(r) = &chart.reference {
        keys.push((Key::Reference, format!("{}: {}", r.label, number(chart, r.value))));
    }
    let top = legend(&mut body, &id, &keys, 4.0) + 8.0;

    let labels = chart.rows.iter().map(|r| text_width(&r.label, FONT)).fold(0.0, f64::max).min(220.0);
    let notes = chart.rows.iter().map(|r| text_width(&note(chart, r), FONT)).fold(0.0, f64::max);
    let left = EDGE + labels + 10.0;
    let right = WIDTH - EDGE - notes - 10.0;
    let bottom = top + ROW * chart.rows.len() as f64;
    let x = |v: f64| left + scale.fraction(v) * (right - left);

    for t in scale.ticks() {
        let colour = if t == 0.0 { INK } else { GRID };
        w!(body, r#"<path d="M{:.1},{top:.1} V{bottom:.1}" stroke="{colour}" stroke-width="1"/>"#, x(t));
        text(&mut body, x(t), bottom + 16.0, "middle", MUTED, &scale.label(t));
    }
    for (i, r) in chart.rows.iter().enumerate() {
        let mid = top + ROW * (i as f64 + 0.5);
        text(&mut body, left - 8.0, mid + 4.0, "end", INK, &r.label);
        let end = match r.value {
            Value::Exact(v) if v.is_finite() => {
                let (a, b) = (x(0.0).min(x(v)), x(0.0).max(x(v)));
                w!(
                    body,
                    r#"<rect class="bar" x="{a:.2}" y="{:.2}" width="{:.2}" height="{BAR}" fill="{}" stroke="{INK}" stroke-width="0.75"/>"#,
                    mid - BAR / 2.0,
                    b - a,
                    series_fill(&id, i)
                );
                b
            }
            Value::Suppressed | Value::Hidden => {
                w!(
                    body,
                    r#"<rect class="bar hidden-value" x="{:.2}" y="{:.2}" width="8" height="{BAR}" fill="{}" stroke="{INK}" stroke-width="0.75" stroke-dasharray="2 2"/>"#,
                    x(0.0),
                    mid - BAR / 2.0,
                    suppressed_fill(&id)
                );
                x(0.0) + 8.0
            }
            _ => x(0.0),
        };
        let mut end = end;
        if let Some((lo, hi)) = r.interval.filter(|(lo, hi)| lo.is_finite() && hi.is_finite()) {
            let (a, b) = (x(lo), x(hi));
            w!(
                body,
                r#"<path class="whisker" d="M{a:.2},{:.1} v12 M{a:.2},{mid:.1} H{b:.2} M{b:.2},{:.1} v12" stroke="{INK}" stroke-width="1.5" fill="none"/>"#,
                mid - 6.0,
                mid - 6.0
            );
            end = end.max(b);
        }
        text(&mut body, end + 8.0, mid + 4.0, "start", INK, &note(chart, r));
    }
    if let Some(r) = &chart.reference {
        w!(
            body,
            r#"<path class="reference" d="M{:.1},{:.1} V{bottom:.1}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>"#,
            x(r.value),
            top - 4.0
        );
    }
    let title_y = bottom + 40.0;
    text(&mut body, (left + right) / 2.0, title_y, "middle", MUTED, &chart.value_title);

    let mut patterns = String::new();
    defs(&mut patterns, &id, chart.rows.len());
    document(&id, &chart.title, &describe(chart), title_y + 8.0, &patterns, &body)
}

pub(crate) fn number(chart: &IntervalChart, v: f64) -> String {
    format!("{}{}", decimal(v, chart.decimals), chart.unit)
}

pub(crate) fn value_text(chart: &IntervalChart, v: Value<f64>) -> String {
    match v {
        Value::Exact(v) => number(chart, v),
        Value::Missing => super::MISSING_TEXT.to_string(),
        other => other.sign().unwrap_or_default().to_string(),
    }
}

pub(crate) fn interval_text(chart: &IntervalChart, r: &IntervalRow) -> Option<String> {
    r.interval.map(|(lo, hi)| format!("{}–{}", number(chart, lo), number(chart, hi)))
}

/// The value beside its bar, with the interval in brackets.
fn note(chart: &IntervalChart, r: &IntervalRow) -> String {
    let value = value_text(chart, r.value);
    match interval_text(chart, r) {
        Some(i) => format!("{value} ({i})"),
        None => value,
    }
}

/// Few rows, so the summary simply lists them all.
fn describe(chart: &IntervalChart) -> String {
    let mut out = format!("Staafdiagram van {}.", chart.value_title);
    for r in &chart.rows {
        w!(out, " {}: {}", r.label, value_text(chart, r.value));
        if let Some(i) = interval_text(chart, r) {
            w!(out, " (95%-betrouwbaarheidsinterval {i})");
        }
        out.push('.');
    }
    if let Some(r) = &chart.reference {
        w!(out, " Referentielijn {}: {}.", r.label, number(chart, r.value));
    }
    out
}
