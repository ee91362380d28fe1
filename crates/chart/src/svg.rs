//! What every chart shares: escaping, the root element with its title and
//! description, the colours and patterns that tell series apart, markers,
//! the legend, and the chart for no data.

/// Width of every chart's coordinate system; the SVG scales to its box.
pub(crate) const WIDTH: f64 = 720.0;
/// Space kept free along the edges.
pub(crate) const EDGE: f64 = 8.0;
/// Text: the site's ink, 16:1 on white.
pub(crate) const INK: &str = "#1d2326";
/// Secondary text (axis titles, ticks): the site's muted grey, 7:1 on white.
pub(crate) const MUTED: &str = "#4f5b61";
/// Grid lines are decorative, so they may be faint.
pub(crate) const GRID: &str = "#cfd8d6";
pub(crate) const FONT: f64 = 12.0;
pub(crate) const SMALL: f64 = 11.0;

/// Text for XML content and attribute values. Names come from user data.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// An id prefix that is a valid XML name and safe inside `url(#…)`.
pub(crate) fn chart_id(prefix: &str) -> String {
    let clean: String =
        prefix.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
        clean
    } else {
        format!("chart-{clean}")
    }
}

/// Okabe & Ito's eight colours, told apart by people with any common colour
/// vision deficiency; the second value is the colour of the pattern drawn
/// over them (white on the dark ones, ink on the light ones). Several are
/// lighter than 3:1 against white, so every shape also gets an ink outline.
const PALETTE: [(&str, &str); 8] = [
    ("#0072B2", "#ffffff"), // blue
    ("#E69F00", INK),       // orange
    ("#009E73", "#ffffff"), // bluish green
    ("#D55E00", "#ffffff"), // vermillion
    ("#CC79A7", INK),       // reddish purple
    ("#56B4E9", INK),       // sky blue
    ("#F0E442", INK),       // yellow
    ("#000000", "#ffffff"), // black
];

/// Dash patterns for lines, one per series, so lines differ without colour.
const DASHES: [&str; 8] = ["", "8 4", "2 3", "10 3 2 3", "4 4", "14 4", "2 6", "6 2 2 2"];

/// How series `i` looks: colour, pattern and marker. Past eight series the
/// pattern shifts against the colour, so 64 series stay distinct.
pub(crate) struct Style {
    pub colour: &'static str,
    pub overlay: &'static str,
    pub texture: usize,
    pub marker: usize,
    pub dash: &'static str,
}

pub(crate) fn style(i: usize) -> Style {
    let (colour, overlay) = PALETTE[i % 8];
    let shape = (i + i / 8) % 8;
    Style { colour, overlay, texture: shape, marker: shape, dash: DASHES[shape] }
}

pub(crate) fn series_fill(id: &str, i: usize) -> String {
    format!("url(#{id}-s{i})")
}

pub(crate) fn suppressed_fill(id: &str) -> String {
    format!("url(#{id}-suppressed)")
}

/// One pattern per series (colour plus texture) and the hatching of hidden
/// values. Patterns use user space so neighbouring bars line up.
pub(crate) fn defs(out: &mut String, id: &str, series: usize) {
    out.push_str("<defs>");
    for i in 0..series {
        let s = style(i);
        w!(out, r#"<pattern id="{id}-s{i}" width="8" height="8" patternUnits="userSpaceOnUse">"#);
        w!(out, r#"<rect width="8" height="8" fill="{}"/>"#, s.colour);
        let texture = match s.texture {
            0 => "",
            1 => r#"<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" stroke-width="1.5"/>"#,
            2 => r#"<circle cx="2" cy="2" r="1.3" stroke="none"/><circle cx="6" cy="6" r="1.3" stroke="none"/>"#,
            3 => r#"<path d="M0,2 h8 M0,6 h8" stroke-width="1.2"/>"#,
            4 => r#"<path d="M0,0 l8,8 M8,0 l-8,8" stroke-width="1"/>"#,
            5 => r#"<path d="M2,0 v8 M6,0 v8" stroke-width="1.2"/>"#,
            6 => r#"<path d="M-1,7 l2,2 M0,0 l8,8 M7,-1 l2,2" stroke-width="1.5"/>"#,
            _ => r#"<path d="M0,4 h8 M4,0 v8" stroke-width="1"/>"#,
        };
        if !texture.is_empty() {
            w!(out, r#"<g fill="{o}" stroke="{o}">{texture}</g>"#, o = s.overlay);
        }
        out.push_str("</pattern>");
    }
    w!(
        out,
        r##"<pattern id="{id}-suppressed" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#ffffff"/><path d="M-1,1 l2,-2 M0,5 l5,-5 M4,6 l2,-2" stroke="{MUTED}" stroke-width="1"/></pattern>"##
    );
    out.push_str("</defs>");
}

/// A marker of series `i`'s shape, centred on (x, y).
pub(crate) fn marker(out: &mut String, shape: usize, x: f64, y: f64, fill: &str, dashed: bool) {
    let r = 5.0;
    let dash = if dashed { r#" stroke-dasharray="2 1.5""# } else { "" };
    let points: Vec<(f64, f64)> = match shape {
        0 => {
            w!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{fill}" stroke="{INK}"{dash}/>"#);
            return;
        }
        1 => vec![(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)],
        2 => vec![(0.0, -1.15), (1.0, 0.75), (-1.0, 0.75)],
        3 => vec![(0.0, -1.2), (1.2, 0.0), (0.0, 1.2), (-1.2, 0.0)],
        4 => vec![(0.0, 1.15), (1.0, -0.75), (-1.0, -0.75)],
        5 => {
            let (a, b) = (0.35, 1.1);
            vec![
                (-a, -b),
                (a, -b),
                (a, -a),
                (b, -a),
                (b, a),
                (a, a),
                (a, b),
                (-a, b),
                (-a, a),
                (-b, a),
                (-b, -a),
                (-a, -a),
            ]
        }
        6 => (0..10)
            .map(|k| {
                let angle = std::f64::consts::PI * f64::from(k) / 5.0 - std::f64::consts::FRAC_PI_2;
                let radius = if k % 2 == 0 { 1.3 } else { 0.55 };
                (radius * angle.cos(), radius * angle.sin())
            })
            .collect(),
        _ => {
            let (a, b) = (0.35, 1.0);
            vec![
                (0.0, -a),
                (b - a, -b),
                (b, -(b - a)),
                (a, 0.0),
                (b, b - a),
                (b - a, b),
                (0.0, a),
                (-(b - a), b),
                (-b, b - a),
                (-a, 0.0),
                (-b, -(b - a)),
                (-(b - a), -b),
            ]
        }
    };
    let points: Vec<String> = points.iter().map(|(px, py)| format!("{:.1},{:.1}", x + px * r, y + py * r)).collect();
    w!(out, r#"<polygon points="{}" fill="{fill}" stroke="{INK}"{dash}/>"#, points.join(" "));
}

/// A rough width of `s` in the inherited sans-serif face: good enough to
/// make room for labels, not to typeset.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.55
}

pub(crate) fn text(out: &mut String, x: f64, y: f64, anchor: &str, colour: &str, content: &str) {
    w!(out, r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{colour}">{}</text>"#, escape(content));
}

/// What a legend entry shows: the same fill, line or marker as the chart.
pub(crate) enum Key {
    Fill(usize),
    Line(usize),
    Suppressed,
    /// The open, dashed marker a line chart puts on the axis for a hidden value.
    OpenMarker,
    Whisker,
    Reference,
}

/// A legend across the top, wrapping into rows; returns the y below it.
pub(crate) fn legend(out: &mut String, id: &str, items: &[(Key, String)], top: f64) -> f64 {
    if items.is_empty() {
        return top;
    }
    let row = 20.0;
    let (mut x, mut y) = (EDGE, top);
    out.push_str(r#"<g class="legend">"#);
    for (key, label) in items {
        let key_width = match key {
            Key::Fill(_) | Key::Suppressed | Key::OpenMarker => 14.0,
            _ => 26.0,
        };
        let width = key_width + 6.0 + text_width(label, FONT);
        if x > EDGE && x + width > WIDTH - EDGE {
            x = EDGE;
            y += row;
        }
        let mid = y + row / 2.0;
        match key {
            Key::Fill(i) => w!(
                out,
                r#"<rect x="{x:.1}" y="{:.1}" width="14" height="14" fill="{}" stroke="{INK}"/>"#,
                mid - 7.0,
                series_fill(id, *i)
            ),
            Key::Suppressed => w!(
                out,
                r#"<rect x="{x:.1}" y="{:.1}" width="14" height="14" fill="{}" stroke="{INK}" stroke-dasharray="2 2"/>"#,
                mid - 7.0,
                suppressed_fill(id)
            ),
            Key::OpenMarker => marker(out, 0, x + 7.0, mid, "#ffffff", true),
            Key::Line(i) => {
                let s = style(*i);
                w!(
                    out,
                    r#"<path d="M{x:.1},{mid:.1} h26" stroke="{}" stroke-width="2.5" stroke-dasharray="{}" fill="none"/>"#,
                    s.colour,
                    s.dash
                );
                marker(out, s.marker, x + 13.0, mid, s.colour, false);
            }
            Key::Whisker => w!(
                out,
                r#"<path d="M{x:.1},{:.1} v8 M{x:.1},{mid:.1} h26 M{:.1},{:.1} v8" stroke="{INK}" stroke-width="1.5"/>"#,
                mid - 4.0,
                x + 26.0,
                mid - 4.0
            ),
            Key::Reference => {
                w!(
                    out,
                    r#"<path d="M{:.1},{:.1} v16" stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>"#,
                    x + 13.0,
                    mid - 8.0
                );
            }
        }
        text(out, x + key_width + 6.0, mid + 4.0, "start", INK, label);
        x += width + 18.0;
    }
    out.push_str("</g>");
    y + row
}

/// The root element around `body`: named by its title and described by a
/// Dutch summary, scaled by its viewBox, in the page's own font.
pub(crate) fn document(id: &str, title: &str, desc: &str, height: f64, defs: &str, body: &str) -> String {
    document_from(0.0, id, title, desc, height, defs, body)
}

/// As [`document`], with the view starting at `min_x` (≤ 0) so that turned
/// labels left of the plot are not cut off.
pub(crate) fn document_from(
    min_x: f64,
    id: &str,
    title: &str,
    desc: &str,
    height: f64,
    defs: &str,
    body: &str,
) -> String {
    let min_x = min_x.min(0.0).floor();
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="{x} 0 {w} {h:.0}" role="img" "#,
            r#"aria-labelledby="{id}-title {id}-desc" font-family="inherit" font-size="{f}" fill="{ink}">"#,
            r#"<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{defs}{body}</svg>"#
        ),
        x = min_x,
        w = WIDTH - min_x,
        h = height.ceil(),
        id = id,
        f = FONT,
        ink = INK,
        title = escape(title),
        desc = escape(desc),
        defs = defs,
        body = body,
    )
}

/// A chart with nothing to draw still says so, in words and in the picture.
pub(crate) fn no_data(id: &str, title: &str) -> String {
    let mut body = String::new();
    w!(body, r#"<rect x="0.5" y="0.5" width="{}" height="79" fill="none" stroke="{GRID}"/>"#, WIDTH - 1.0);
    text(&mut body, WIDTH / 2.0, 45.0, "middle", MUTED, "Geen gegevens");
    document(id, title, "Geen gegevens.", 80.0, "", &body)
}
