//! PNG export of our SVG (charts and maps) with resvg: for people who paste
//! a map into a report or a slide, where SVG is not welcome.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// Pixels per SVG unit: twice the drawn size, sharp on paper and on
/// high-density screens.
const SCALE: f32 = 2.0;

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("de afbeelding is geen geldige SVG: {0}")]
    Svg(#[from] usvg::Error),
    #[error("de afbeelding is te groot om als PNG te maken")]
    TooLarge,
    #[error("PNG maken mislukt: {0}")]
    Encode(String),
}

/// Loading the system fonts reads every font file once; the database is
/// shared by all exports after that.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// Renders an SVG document as a PNG on a white background.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, PngError> {
    // On a page our charts take the page's font (`inherit`); on its own a
    // PNG has no page, so it gets the sans-serif that CI installs.
    let svg = svg.replacen(r#"font-family="inherit""#, r#"font-family="DejaVu Sans, sans-serif""#, 1);
    let options = usvg::Options { fontdb: fonts(), font_family: "DejaVu Sans".to_owned(), ..Default::default() };
    let tree = usvg::Tree::from_str(&svg, &options)?;
    let size = tree.size();
    let (w, h) = ((size.width() * SCALE).ceil() as u32, (size.height() * SCALE).ceil() as u32);
    if u64::from(w) * u64::from(h) > 40_000_000 {
        return Err(PngError::TooLarge);
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(PngError::TooLarge)?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| PngError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_becomes_a_png_of_twice_its_size_with_its_colours() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" font-family="inherit"><rect x="0" y="0" width="50" height="50" fill="#0072B2"/><text x="60" y="30">12,5</text></svg>"##;
        let png = svg_to_png(svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!((pixmap.width(), pixmap.height()), (200, 100));
        let at = |x: u32, y: u32| pixmap.pixel(x, y).unwrap();
        let blue = at(10, 10);
        assert_eq!((blue.red(), blue.green(), blue.blue()), (0x00, 0x72, 0xB2));
        let white = at(199, 99);
        assert_eq!((white.red(), white.green(), white.blue()), (255, 255, 255));
        // The text was drawn with a system font: some dark pixels right of the square.
        let dark =
            (120..200).flat_map(|x| (30..70).map(move |y| (x, y))).filter(|&(x, y)| at(x, y).red() < 128).count();
        assert!(dark > 20, "the label is rendered ({dark} dark pixels)");
    }

    #[test]
    fn not_svg_is_an_error_not_a_panic() {
        assert!(matches!(svg_to_png("<html>"), Err(PngError::Svg(_))));
    }
}
