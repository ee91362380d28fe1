//! An age pyramid: one row per age band, youngest at the bottom, the left
//! side's bars growing to the left and the right side's to the right from a
//! middle column that names the bands. Both sides share one scale.

use super::scale::Scale;
use super::svg::{
    chart_id, defs, document, escape, legend, no_data, series_fill, suppressed_fill, text, text_width, Key, EDGE, FONT,
    GRID, INK, MUTED, SMALL, WIDTH,
};
use super::{Pyramid, Series, Value};
use wijkregie_core::format::decimal;

const ROW: f64 = 18.0;
const STUB: f64 = 8.0;

pub fn pyramid(chart: &Pyramid) -> String {
    let id = chart_id(&chart.id);
    let n = chart.bands.len();
    let sides = [&chart.left, &chart.right];
    if !sides.iter().any(|s| (0..n).any(|b| s.at(b) != Value::Missing)) {
        return no_data(&id, &chart.title);
    }
    let shown: Vec<Vec<Value<f64>>> = sides.iter().map(|s| shown_values(chart, s)).collect();
    let max = shown.iter().flatten().filter_map(|v| v.exact()).fold(0.0, f64::max);
    let scale = Scale::nice(0.0, max, !chart.shares);
    let unit = if chart.shares { "%" } else { "" };

    let mut body = String::new();
    let mut keys: Vec<(Key, String)> =
        vec![(Key::Fill(0), chart.left.name.clone()), (Key::Fill(1), chart.right.name.clone())];
    if shown.iter().flatten().any(|v| v.sign().is_some()) {
        keys.push((Key::Suppressed, "< 5 of x: klein aantal, niet precies getoond".into()));
    }
    let top = legend(&mut body, &id, &keys, 4.0) + 22.0;

    let middle =
        chart.bands.iter().map(|b| text_width(b, FONT)).fold(text_width(&chart.band_title, FONT), f64::max) + 16.0;
    let centre = WIDTH / 2.0;
    let half = centre - middle / 2.0 - EDGE - 16.0;
    // Distance from the middle column for value v, on either side.
    let reach = |v: f64| scale.fraction(v) * half;
    let (inner_left, inner_right) = (centre - middle / 2.0, centre + middle / 2.0);
    let bottom = top + ROW * n as f64;

    text(&mut body, inner_left - 4.0, top - 8.0, "end", INK, &chart.left.name);
    text(&mut body, inner_right + 4.0, top - 8.0, "start", INK, &chart.right.name);
    text(&mut body, centre, top - 8.0, "middle", MUTED, &chart.band_title);
    for t in scale.ticks() {
        let label = format!("{}{unit}", scale.label(t));
        let colour = if t == 0.0 { INK } else { GRID };
        for x in [inner_left - reach(t), inner_right + reach(t)] {
            w!(body, r#"<path d="M{x:.1},{top:.1} V{bottom:.1}" stroke="{colour}" stroke-width="1"/>"#);
            text(&mut body, x, bottom + 16.0, "middle", MUTED, &label);
        }
    }
    for b in 0..n {
        let y = bottom - ROW * (b as f64 + 1.0);
        text(&mut body, centre, y + ROW / 2.0 + 4.0, "middle", INK, &chart.bands[b]);
        for (side, values) in shown.iter().enumerate() {
            let grows_left = side == 0;
            let v = values.get(b).copied().unwrap_or(Value::Missing);
            let (width, fill, dashed) = match v {
                Value::Exact(v) => (reach(v), series_fill(&id, side), ""),
                Value::Suppressed | Value::Hidden => (STUB, suppressed_fill(&id), r#" stroke-dasharray="2 2""#),
                Value::Missing => continue,
            };
            let x = if grows_left { inner_left - width } else { inner_right };
            let class = if dashed.is_empty() { "bar" } else { "bar hidden-value" };
            w!(
                body,
                r#"<rect class="{class}" x="{x:.2}" y="{:.2}" width="{width:.2}" height="{:.2}" fill="{fill}" stroke="{INK}" stroke-width="0.75"{dashed}/>"#,
                y + 2.0,
                ROW - 4.0
            );
            if let Some(sign) = v.sign() {
                let (x, anchor) = if grows_left { (x - 4.0, "end") } else { (x + width + 4.0, "start") };
                w!(
                    body,
                    r#"<text x="{x:.1}" y="{:.1}" text-anchor="{anchor}" font-size="{SMALL}">{}</text>"#,
                    y + ROW / 2.0 + 4.0,
                    escape(sign)
                );
            }
        }
    }
    let title_y = bottom + 40.0;
    text(&mut body, centre, title_y, "middle", MUTED, &chart.value_title);

    let mut patterns = String::new();
    defs(&mut patterns, &id, 2);
    document(&id, &chart.title, &describe(chart, &shown), title_y + 8.0, &patterns, &body)
}

/// What is drawn for one side: the counts, or their percentages of the
/// side's shown total. A suppressed band counts as nothing in that total;
/// at one to four people it shifts a share by less than the rounding.
pub(crate) fn shown_values(chart: &Pyramid, side: &Series) -> Vec<Value<f64>> {
    let total: u64 = (0..chart.bands.len()).filter_map(|b| side.at(b).exact()).sum();
    (0..chart.bands.len())
        .map(|b| match side.at(b) {
            Value::Exact(n) if chart.shares => {
                if total == 0 {
                    Value::Exact(0.0)
                } else {
                    Value::Exact(n as f64 * 100.0 / total as f64)
                }
            }
            Value::Exact(n) => Value::Exact(n as f64),
            Value::Suppressed => Value::Suppressed,
            Value::Hidden => Value::Hidden,
            Value::Missing => Value::Missing,
        })
        .collect()
}

pub(crate) fn value_text(chart: &Pyramid, v: Value<f64>) -> String {
    match v {
        Value::Exact(v) if chart.shares => format!("{}%", decimal(v, 1)),
        Value::Exact(v) => decimal(v, 0),
        Value::Missing => super::MISSING_TEXT.to_string(),
        other => other.sign().unwrap_or_default().to_string(),
    }
}

/// Where each side is largest: the shape of a pyramid in one sentence.
fn describe(chart: &Pyramid, shown: &[Vec<Value<f64>>]) -> String {
    let mut out = format!(
        "Bevolkingspiramide. {} links, {} rechts; rijen: {}",
        chart.left.name, chart.right.name, chart.band_title
    );
    if let (Some(first), Some(last)) = (chart.bands.first(), chart.bands.last()) {
        w!(out, " van {first} (onder) tot en met {last} (boven)");
    }
    w!(out, ". Waarden: {}.", chart.value_title);
    for (side, values) in [&chart.left, &chart.right].iter().zip(shown) {
        let largest = values.iter().enumerate().filter_map(|(b, v)| v.exact().map(|v| (b, v))).fold(
            None,
            |best: Option<(usize, f64)>, (b, v)| if best.is_none_or(|(_, m)| v > m) { Some((b, v)) } else { best },
        );
        if let Some((b, v)) = largest {
            w!(out, " Grootste groep bij {}: {} ({}).", side.name, chart.bands[b], value_text(chart, Value::Exact(v)));
        }
    }
    out
}
