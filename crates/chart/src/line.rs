//! Trend lines over categories (usually years). Each series has its own
//! colour, dash pattern and marker shape; a line breaks where a value is
//! missing or hidden, and a hidden value is an open marker on the axis with
//! its sign above it.

use super::axes::Plot;
use super::scale::Scale;
use super::svg::{chart_id, defs, document_from, legend, marker, no_data, style, text, Key, INK};
use super::{LineChart, Value};
use wijkregie_core::format::decimal;

pub fn line_chart(chart: &LineChart) -> String {
    let id = chart_id(&chart.id);
    let n_cat = chart.categories.len();
    let points = || (0..n_cat).flat_map(|c| chart.series.iter().map(move |s| s.at(c)));
    if !points().any(|v| v != Value::Missing) {
        return no_data(&id, &chart.title);
    }
    let exact: Vec<f64> = points().filter_map(Value::exact).filter(|v| v.is_finite()).collect();
    let lo = exact.iter().copied().fold(0.0, f64::min);
    let hi = exact.iter().copied().fold(0.0, f64::max);

    let mut body = String::new();
    let mut keys: Vec<(Key, String)> =
        chart.series.iter().enumerate().map(|(i, s)| (Key::Line(i), s.name.clone())).collect();
    if points().any(|v| v.sign().is_some()) {
        keys.push((Key::OpenMarker, "open teken op de as: klein aantal (< 5) of afgeschermd (x)".into()));
    }
    let top = legend(&mut body, &id, &keys, 4.0);
    let plot = Plot::new(Scale::nice(lo, hi, chart.decimals == 0), n_cat, top, 0.0);
    plot.value_axis(&mut body, &chart.value_title);

    let x = |c: usize| plot.band_left(c) + plot.band() / 2.0;
    for (i, series) in chart.series.iter().enumerate() {
        let s = style(i);
        // One path per unbroken run, so a gap is never bridged by a guess.
        let mut d = String::new();
        let mut run = 0;
        for c in 0..n_cat {
            match series.at(c).exact().filter(|v| v.is_finite()) {
                Some(v) => {
                    w!(d, "{}{:.1},{:.1} ", if run == 0 { "M" } else { "L" }, x(c), plot.y(v));
                    run += 1;
                }
                None => run = 0,
            }
        }
        if !d.is_empty() {
            w!(
                body,
                r#"<path class="line" d="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>"#,
                d.trim_end(),
                s.colour,
                s.dash
            );
        }
        for c in 0..n_cat {
            let v = series.at(c);
            if let Some(y) = v.exact().filter(|v| v.is_finite()) {
                marker(&mut body, s.marker, x(c), plot.y(y), s.colour, false);
            } else if let Some(sign) = v.sign() {
                let y = plot.y(0.0) - 6.0;
                marker(&mut body, s.marker, x(c), y, "#ffffff", true);
                text(&mut body, x(c), y - 9.0, "middle", INK, sign);
            }
        }
    }
    let (height, min_x) = plot.category_axis(&mut body, &chart.categories, &chart.category_title);
    let mut patterns = String::new();
    defs(&mut patterns, &id, 0);
    document_from(min_x, &id, &chart.title, &describe(chart), height, &patterns, &body)
}

/// Per series the first and last known value: the trend in one sentence.
fn describe(chart: &LineChart) -> String {
    let mut out = format!("Lijndiagram. Horizontaal: {}", chart.category_title);
    if let (Some(first), Some(last)) = (chart.categories.first(), chart.categories.last()) {
        w!(out, ", van {first} tot en met {last}");
    }
    w!(out, ". Verticaal: {}.", chart.value_title);
    for s in &chart.series {
        let known: Vec<(usize, f64)> =
            (0..chart.categories.len()).filter_map(|c| s.at(c).exact().map(|v| (c, v))).collect();
        match (known.first(), known.last()) {
            (Some((c0, v0)), Some((c1, v1))) if c0 != c1 => w!(
                out,
                " {}: van {} in {} naar {} in {}.",
                s.name,
                decimal(*v0, chart.decimals),
                chart.categories[*c0],
                decimal(*v1, chart.decimals),
                chart.categories[*c1]
            ),
            (Some((c0, v0)), _) => {
                w!(out, " {}: {} in {}.", s.name, decimal(*v0, chart.decimals), chart.categories[*c0]);
            }
            _ => w!(out, " {}: geen getoonde waarden.", s.name),
        }
    }
    out
}
