//! The frame of a chart with categories along the bottom and values up the
//! left (bars, lines): grid, tick labels, axis titles and category labels.

use super::scale::Scale;
use super::svg::{escape, text, text_width, EDGE, FONT, GRID, INK, MUTED, WIDTH};

/// How much longer than [`text_width`]'s average a turned label may run
/// in the fonts pages use (wide letters such as m and w, bold fallbacks).
const TURNED_SLACK: f64 = 1.2;

/// Height of the area bars and lines are drawn in.
const PLOT_HEIGHT: f64 = 240.0;

/// Where the data goes, and how values map to it.
pub(crate) struct Plot {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub scale: Scale,
    pub categories: usize,
    /// Baseline of the value axis title, above any headroom.
    title_y: f64,
}

impl Plot {
    /// A plot below `top`, under the value axis title and `headroom` for
    /// labels above the highest bar, wide enough for the longest tick label.
    pub fn new(scale: Scale, categories: usize, top: f64, headroom: f64) -> Self {
        let widest = scale.ticks().iter().map(|t| text_width(&scale.label(*t), FONT)).fold(0.0, f64::max);
        let title_y = top + 14.0;
        let top = title_y + 12.0 + headroom;
        let left = EDGE + widest + 10.0;
        Self { left, right: WIDTH - EDGE - 4.0, top, bottom: top + PLOT_HEIGHT, scale, categories, title_y }
    }

    pub fn y(&self, v: f64) -> f64 {
        self.bottom - self.scale.fraction(v) * (self.bottom - self.top)
    }

    pub fn band(&self) -> f64 {
        (self.right - self.left) / self.categories.max(1) as f64
    }

    pub fn band_left(&self, c: usize) -> f64 {
        self.left + c as f64 * self.band()
    }

    /// Grid lines with their values, and the value axis title above them
    /// (upright, so nobody has to tilt their head).
    pub fn value_axis(&self, out: &mut String, title: &str) {
        text(out, EDGE, self.title_y, "start", MUTED, title);
        for t in self.scale.ticks() {
            let y = self.y(t);
            let colour = if t == 0.0 { INK } else { GRID };
            w!(out, r#"<path d="M{:.1},{y:.1} H{:.1}" stroke="{colour}" stroke-width="1"/>"#, self.left, self.right);
            text(out, self.left - 6.0, y + 4.0, "end", MUTED, &self.scale.label(t));
        }
    }

    /// Category labels under the plot: on one line, on two, or turned when
    /// they do not fit; then the axis title. Returns the y below it all and
    /// the leftmost x drawn (below 0 when a turned first label hangs out).
    pub fn category_axis(&self, out: &mut String, categories: &[String], title: &str) -> (f64, f64) {
        let band = self.band() - 4.0;
        let fits = |s: &str| text_width(s, FONT) <= band;
        let split = |s: &str| s.rsplit_once(' ').map(|(a, b)| (a.to_string(), b.to_string()));
        let layout = if categories.iter().all(|c| fits(c)) {
            Layout::One
        } else if categories.iter().all(|c| split(c).is_some_and(|(a, b)| fits(&a) && fits(&b))) {
            Layout::Two
        } else {
            Layout::Turned
        };
        let base = self.bottom + 16.0;
        let mut below = base;
        let mut leftmost: f64 = 0.0;
        for (c, label) in categories.iter().enumerate() {
            let x = self.band_left(c) + self.band() / 2.0;
            match layout {
                Layout::One => text(out, x, base, "middle", INK, label),
                Layout::Two => {
                    let (a, b) = split(label).unwrap_or_default();
                    w!(
                        out,
                        r#"<text x="{x:.1}" y="{base:.1}" text-anchor="middle" fill="{INK}">{}<tspan x="{x:.1}" dy="14">{}</tspan></text>"#,
                        escape(&a),
                        escape(&b)
                    );
                    below = base + 14.0;
                }
                Layout::Turned => {
                    w!(
                        out,
                        r#"<text x="{x:.1}" y="{base:.1}" text-anchor="end" fill="{INK}" transform="rotate(-45 {x:.1} {base:.1})">{}</text>"#,
                        escape(label)
                    );
                    // `text_width` is an average; a label of wide letters
                    // ("december 2025") runs longer, and turned text also
                    // reaches out by its own height. Reserve both, or the
                    // first label loses its first letter.
                    let reach = text_width(label, FONT) * TURNED_SLACK * 0.71 + FONT * 0.71;
                    below = below.max(base + reach);
                    leftmost = leftmost.min(x - reach - 4.0);
                }
            }
        }
        let title_y = below + 22.0;
        text(out, (self.left + self.right) / 2.0, title_y, "middle", MUTED, title);
        (title_y + 8.0, leftmost)
    }
}

enum Layout {
    One,
    Two,
    Turned,
}
