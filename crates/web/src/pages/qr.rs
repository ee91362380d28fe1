//! A QR code as inline SVG, for the `otpauth://` link of a new second
//! factor: drawn here, so the secret never reaches an outside service.

use qrcodegen::{QrCode, QrCodeEcc};

/// The SVG of a QR code for `text`, or `None` when the text is too long
/// for a QR code (the page then shows only the secret and the link).
pub fn svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    // A quiet zone of four modules, as the standard asks for reliable scans.
    let border = 4;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let full = size + 2 * border;
    let label = label.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {full} {full}" width="220" height="220" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_totp_link_becomes_an_svg_with_its_label() {
        let svg = svg("otpauth://totp/wijkregie:a%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=wijkregie", "QR-code")
            .expect("fits in a QR code");
        assert!(svg.starts_with("<svg") && svg.contains("aria-label=\"QR-code\"") && svg.contains("<path d=\"M"));
    }

    #[test]
    fn text_too_long_for_a_qr_code_gives_none() {
        assert!(svg(&"x".repeat(5000), "QR-code").is_none());
    }
}
