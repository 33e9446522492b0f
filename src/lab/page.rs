//! The lab's page, compiled into the binary: one HTML file, its script and its styles. The
//! page loads nothing from outside the lab's own address (no CDN, no fonts, no images): the
//! charts are SVG drawn by the script.

/// `/`: the page.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// `/lab.js`: draws the charts, keeps the state of the page in its URL.
pub const LAB_JS: &str = include_str!("assets/lab.js");
/// `/lab.css`: the page's styles, print styles included.
pub const LAB_CSS: &str = include_str!("assets/lab.css");

/// The asset served at `path`, with its content type.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    match path {
        "/" | "/index.html" => Some((INDEX_HTML, "text/html; charset=utf-8")),
        "/lab.js" => Some((LAB_JS, "text/javascript; charset=utf-8")),
        "/lab.css" => Some((LAB_CSS, "text/css; charset=utf-8")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_nothing_from_outside() {
        for text in [INDEX_HTML, LAB_JS, LAB_CSS] {
            for bad in ["http://", "https://", "//cdn", "@import", "url("] {
                assert!(!text.contains(bad), "the page names `{bad}`");
            }
        }
        assert!(INDEX_HTML.contains("src=\"/lab.js\""));
        assert!(INDEX_HTML.contains("href=\"/lab.css\""));
    }
}
