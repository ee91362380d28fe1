//! Vertical bars for categories × series of counts, side by side or stacked.
//! A suppressed or hidden count has no height to draw, so it becomes a short
//! hatched stub with its sign ("< 5", "x") written above it.

use super::axes::Plot;
use super::scale::Scale;
use super::svg::{
    chart_id, defs, document_from, escape, legend, no_data, series_fill, suppressed_fill, text_width, Key, INK, SMALL,
};
use super::{BarChart, Value};
use wijkregie_core::format::thousands;

/// Height of a stub: visible, yet too short to be read as a count.
const STUB: f64 = 8.0;

/// Bars of each category side by side, one per series.
pub fn grouped_bars(chart: &BarChart) -> String {
    bars(chart, false)
}

/// One bar per category with the series stacked; suppressed and hidden
/// values are stubs on top, as they cannot be given a place in the stack.
pub fn stacked_bars(chart: &BarChart) -> String {
    bars(chart, true)
}

fn bars(chart: &BarChart, stacked: bool) -> String {
    let id = chart_id(&chart.id);
    if !has_data(chart) {
        return no_data(&id, &chart.title);
    }
    let (n_cat, n_series) = (chart.categories.len(), chart.series.len());
    let cells = || (0..n_cat).flat_map(|c| chart.series.iter().map(move |s| s.at(c)));
    let any = |v: Value| cells().any(|c| c == v);

    let mut body = String::new();
    let mut keys: Vec<(Key, String)> =
        chart.series.iter().enumerate().map(|(i, s)| (Key::Fill(i), s.name.clone())).collect();
    if any(Value::Suppressed) {
        keys.push((Key::Suppressed, "< 5: klein aantal, niet precies getoond".into()));
    }
    if any(Value::Hidden) {
        keys.push((Key::Suppressed, "x: afgeschermd, zodat een klein aantal niet te herleiden is".into()));
    }
    let top = legend(&mut body, &id, &keys, 4.0);

    let max = if stacked {
        (0..n_cat).map(|c| chart.series.iter().filter_map(|s| s.at(c).exact()).sum()).max().unwrap_or(0)
    } else {
        cells().filter_map(Value::exact).max().unwrap_or(0)
    };
    // Stubs and their signs go above a stacked column; make room for the
    // tallest such pile (a grouped chart keeps its stubs at the baseline).
    let scale = Scale::nice(0.0, max as f64, true);
    let probe = Plot::new(scale.clone(), n_cat, 0.0, 0.0);
    let bar_width = probe.band() * 0.8 / n_series.max(1) as f64;
    let headroom = if stacked {
        (0..n_cat)
            .map(|c| {
                let signs: Vec<&'static str> = chart.series.iter().filter_map(|s| s.at(c).sign()).collect();
                if signs.is_empty() {
                    return 0.0;
                }
                let label = sign_summary(signs.iter().copied());
                signs.len() as f64 * STUB + label_height(&label, probe.band() * 0.6)
            })
            .fold(0.0, f64::max)
    } else {
        // A month whose signs do not fit over their own narrow bars gets one
        // label over its whole group, above its tallest bar.
        (0..n_cat)
            .filter_map(|c| grouped_summary(chart, c, bar_width))
            .map(|label| label_height(&label, probe.band() * 0.9))
            .fold(0.0, f64::max)
    };
    let plot = Plot::new(scale, n_cat, top, headroom);
    plot.value_axis(&mut body, &chart.value_title);

    let band = plot.band();
    for (c, category) in chart.categories.iter().enumerate() {
        if stacked {
            let width = band * 0.6;
            let x = plot.band_left(c) + band * 0.2;
            let mut total = 0;
            let mut signs = Vec::new();
            for (i, series) in chart.series.iter().enumerate() {
                let v = series.at(c);
                if let Some(n) = v.exact() {
                    let (y0, y1) = (plot.y(total as f64), plot.y((total + n) as f64));
                    bar(&mut body, x, y1, width, y0 - y1, &series_fill(&id, i), &tooltip(&series.name, category, v));
                    total += n;
                } else if let Some(sign) = v.sign() {
                    signs.push((i, sign));
                }
            }
            let mut y = plot.y(total as f64);
            for (i, _) in &signs {
                y -= STUB;
                stub(&mut body, &id, x, y, width, &tooltip(&chart.series[*i].name, category, chart.series[*i].at(c)));
            }
            if !signs.is_empty() {
                label_above(&mut body, x + width / 2.0, y, width, &sign_summary(signs.iter().map(|(_, s)| *s)));
            }
        } else {
            let width = band * 0.8 / n_series as f64;
            let summary = grouped_summary(chart, c, width);
            let mut tallest = plot.bottom;
            for (i, series) in chart.series.iter().enumerate() {
                let x = plot.band_left(c) + band * 0.1 + i as f64 * width;
                let v = series.at(c);
                let tip = tooltip(&series.name, category, v);
                if let Some(n) = v.exact() {
                    let y = plot.y(n as f64);
                    bar(&mut body, x, y, width, plot.bottom - y, &series_fill(&id, i), &tip);
                    tallest = tallest.min(y);
                } else if let Some(sign) = v.sign() {
                    let y = plot.bottom - STUB;
                    stub(&mut body, &id, x, y, width, &tip);
                    tallest = tallest.min(y);
                    if summary.is_none() {
                        label_above(&mut body, x + width / 2.0, y, width, sign);
                    }
                }
            }
            if let Some(label) = summary {
                label_above(&mut body, plot.band_left(c) + band / 2.0, tallest, band * 0.9, &label);
            }
        }
    }
    let (height, min_x) = plot.category_axis(&mut body, &chart.categories, &chart.category_title);

    let mut patterns = String::new();
    defs(&mut patterns, &id, n_series);
    document_from(min_x, &id, &chart.title, &describe(chart, stacked), height, &patterns, &body)
}

/// A chart has data when at least one value is not missing.
fn has_data(chart: &BarChart) -> bool {
    (0..chart.categories.len()).any(|c| chart.series.iter().any(|s| s.at(c) != Value::Missing))
}

fn bar(out: &mut String, x: f64, y: f64, width: f64, height: f64, fill: &str, tip: &str) {
    w!(
        out,
        r#"<rect class="bar" x="{x:.2}" y="{y:.2}" width="{width:.2}" height="{height:.2}" fill="{fill}" stroke="{INK}" stroke-width="0.75"><title>{}</title></rect>"#,
        escape(tip)
    );
}

fn stub(out: &mut String, id: &str, x: f64, y: f64, width: f64, tip: &str) {
    w!(
        out,
        r#"<rect class="bar hidden-value" x="{x:.2}" y="{y:.2}" width="{width:.2}" height="{STUB}" fill="{}" stroke="{INK}" stroke-width="0.75" stroke-dasharray="2 2"><title>{}</title></rect>"#,
        suppressed_fill(id),
        escape(tip)
    );
}

/// The one label of a group whose signs do not each fit over their own
/// bar ("< 5" over a bar of a few pixels): side by side, turned signs of
/// neighbouring bars would run into each other. `None` when every sign
/// fits, or there is none.
fn grouped_summary(chart: &BarChart, c: usize, bar_width: f64) -> Option<String> {
    let signs: Vec<&'static str> = chart.series.iter().filter_map(|s| s.at(c).sign()).collect();
    if signs.is_empty() || signs.iter().all(|s| label_fits(s, bar_width)) {
        return None;
    }
    Some(sign_summary(signs.into_iter()))
}

fn label_fits(label: &str, width: f64) -> bool {
    text_width(label, SMALL) <= width + 4.0
}

/// How far a label above a bar reaches up.
fn label_height(label: &str, width: f64) -> f64 {
    4.0 + if label_fits(label, width) { SMALL + 2.0 } else { text_width(label, SMALL) }
}

/// A sign above a bar, turned upright when the bar is narrower than the text.
fn label_above(out: &mut String, x: f64, y: f64, width: f64, label: &str) {
    let y = y - 4.0;
    if label_fits(label, width) {
        w!(out, r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" font-size="{SMALL}">{}</text>"#, escape(label));
    } else {
        w!(
            out,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="{SMALL}" transform="rotate(-90 {x:.1} {y:.1})" dy="0.35em">{}</text>"#,
            escape(label)
        );
    }
}

/// "< 5", or "2× < 5, x" when several hidden values share a stacked bar.
fn sign_summary(signs: impl Iterator<Item = &'static str>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for s in signs {
        match counts.iter_mut().find(|(t, _)| *t == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    let parts: Vec<String> =
        counts.iter().map(|(s, n)| if *n == 1 { (*s).to_string() } else { format!("{n}× {s}") }).collect();
    parts.join(", ")
}

/// What a mouse user sees on hovering a bar.
fn tooltip(series: &str, category: &str, v: Value) -> String {
    format!("{series}, {category}: {}", value_text(v))
}

pub(crate) fn value_text(v: Value) -> String {
    match v {
        Value::Exact(n) => thousands(n),
        Value::Missing => super::MISSING_TEXT.to_string(),
        other => other.sign().unwrap_or_default().to_string(),
    }
}

/// The summary a screen reader gives before the table: what is plotted, the
/// highest value and how many values are not shown exactly.
fn describe(chart: &BarChart, stacked: bool) -> String {
    let kind = if stacked { "Gestapeld staafdiagram" } else { "Staafdiagram" };
    let mut out = format!("{kind}. Horizontaal: {}", chart.category_title);
    if let (Some(first), Some(last)) = (chart.categories.first(), chart.categories.last()) {
        if chart.categories.len() > 1 {
            w!(out, ", van {first} tot en met {last}");
        } else {
            w!(out, ": {first}");
        }
    }
    w!(out, ". Verticaal: {}. ", chart.value_title);
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    w!(out, "{}: {}. ", if names.len() == 1 { "Reeks" } else { "Reeksen" }, names.join(", "));
    let mut highest: Option<(u64, &str, &str)> = None;
    let (mut small, mut hidden) = (0, 0);
    for (c, category) in chart.categories.iter().enumerate() {
        for s in &chart.series {
            match s.at(c) {
                Value::Exact(n) if highest.is_none_or(|(h, _, _)| n > h) => highest = Some((n, &s.name, category)),
                Value::Suppressed => small += 1,
                Value::Hidden => hidden += 1,
                _ => {}
            }
        }
    }
    if let Some((n, s, c)) = highest {
        w!(out, "Hoogste waarde: {} ({s}, {c}).", thousands(n));
    }
    if small > 0 {
        w!(
            out,
            " {small} {} kleiner dan 5 en niet precies getoond.",
            if small == 1 { "waarde is" } else { "waarden zijn" }
        );
    }
    if hidden > 0 {
        w!(out, " {hidden} {} afgeschermd (x).", if hidden == 1 { "waarde is" } else { "waarden zijn" });
    }
    out
}
