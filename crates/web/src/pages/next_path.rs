//! Where to go after a form (`next`): only a path on this site, so that a
//! crafted link cannot send someone who logs in to another site.
//!
//! The check follows what a browser does with a `Location` header (the WHATWG
//! URL standard), not what the string looks like: a browser strips leading
//! and trailing C0 controls and spaces and drops every TAB, LF and CR, so
//! `/<TAB>/evil.example` becomes `//evil.example`, another host. We clean the
//! value the same way, resolve it against a stand-in origin with the `url`
//! crate (the WHATWG parser) and keep it only if the origin stays the same.
//! What we send is the parser's own serialisation, which is plain ASCII, so
//! the header can always be built (a raw newline gave a 500).

use url::{Position, Url};

/// A stand-in for this server's origin: only the comparison matters.
const BASE: &str = "http://wijkregie.invalid/";

/// The local path to go to, or `/` for anything that is not one.
pub fn safe_next(next: &str) -> String {
    local_path(next).unwrap_or_else(|| "/".to_owned())
}

fn local_path(next: &str) -> Option<String> {
    // A backslash counts as a slash in a browser (`/\evil.example`); our own
    // links never hold one, so refuse rather than guess.
    if next.contains('\\') {
        return None;
    }
    let cleaned: String = next
        .trim_matches(|c: char| c.is_ascii_control() || c == ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // Only an absolute path: no scheme (`javascript:`), no host (`//host`),
    // no relative path that would depend on the current page.
    if !is_absolute_path(&cleaned) {
        return None;
    }
    let base = Url::parse(BASE).ok()?;
    let url = base.join(&cleaned).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    let path = &url[Position::BeforePath..];
    // Dot segments can still produce `//` (`/..//evil.example`), which a
    // browser reads as another host: check what we would send, too.
    is_absolute_path(path).then(|| path.to_owned())
}

fn is_absolute_path(s: &str) -> bool {
    s.starts_with('/') && !s.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        for ok in ["/", "/netwerken/wsv-noord", "/aanbod?q=huisarts&pagina=2", "/aanbod/controleren#lijst", "/a%20b"] {
            assert_eq!(safe_next(ok), ok, "{ok:?}");
        }
        // The parser's serialisation: a space is encoded, dot segments resolved.
        assert_eq!(safe_next("/aanbod?q=a b"), "/aanbod?q=a%20b");
        assert_eq!(safe_next("/aanbod/../netwerken"), "/netwerken");
    }

    #[test]
    fn nothing_leaves_this_site() {
        let nasty = [
            "",
            "//evil.example",
            "///evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            " //evil.example",
            "\u{0}//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%09/evil.example/\\",
            "https://evil.example",
            "HTTPS://evil.example/",
            "https:evil.example",
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "evil.example",
            "netwerken",
            "/..//evil.example",
            "/./..//evil.example",
            "/.//evil.example",
            "http://wijkregie.invalid/netwerken",
        ];
        for bad in nasty {
            let got = safe_next(bad);
            assert_eq!(got, "/", "{bad:?} gave {got:?}");
        }
    }

    #[test]
    fn controls_never_reach_the_header() {
        for value in ["/netwerken\n", "/net\nwerken", "/aanbod?q=\r\nSet-Cookie:x=1", "/a\u{7f}b", "/a\u{1}b", "/é"] {
            let got = safe_next(value);
            assert!(axum::http::HeaderValue::from_str(&got).is_ok(), "{value:?} gave {got:?}");
            assert!(got.starts_with('/') && !got.starts_with("//"), "{value:?} gave {got:?}");
        }
        assert_eq!(safe_next("/net\nwerken"), "/netwerken");
    }
}
