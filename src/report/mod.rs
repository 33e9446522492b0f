//! `report.html`: self-contained pages for a class or a reader without the tool.
//!
//! This module holds the page shell every report shares (styles, header, navigation, footer,
//! [`Section`]s) and one module per kind of page: a run ([`run`]: the scenario's name and
//! description, the run's parameters and seed, the summary tables, every chart as inline SVG,
//! and the event log told in date order with the scores behind every decision), the validation
//! scorecard's section ([`scorecard`]), the comparison of lenses ([`compare`]), a sensitivity
//! analysis ([`sensitivity`]) and a calibration ([`calibrate`]). Styles are
//! inline; there is no script, no font, image or style sheet fetched from anywhere, so a page
//! opens from disk, offline, in any browser, and prints.
//!
//! Like the charts, reports read only the scenario, the recorded runs and what `runs`
//! and `output` computed from them.

pub mod calibrate;
pub mod class;
pub mod compare;
pub mod run;
pub mod scorecard;
pub mod sensitivity;
pub mod sweep;

use std::fmt::Write as _;

use crate::output::text::xml_escape as esc;
use crate::plot::Chart;

const CSS: &str = r#"
:root { --ink: #1d1d1f; --muted: #5a5a5a; --rule: #dcdcdc; --soft: #f5f5f3; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1080px; padding: 24px 28px 60px; color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Roboto, sans-serif; }
h1 { font-size: 2rem; margin: 0 0 4px; }
h2 { margin-top: 2.4em; border-bottom: 2px solid var(--ink); padding-bottom: 2px; }
h3 { margin: 1.6em 0 .4em; }
.lede { font-size: 1.1rem; margin: 6px 0 8px; }
.meta, .note, figcaption { color: var(--muted); font-size: .92rem; }
nav { margin: 14px 0; padding: 8px 12px; background: var(--soft); border-radius: 6px; }
nav a { margin-right: 16px; }
a { color: #1f5fbf; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: .95rem; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.changed td { background: #fff6d5; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
.bar { display: flex; width: 180px; height: 14px; border-radius: 3px; overflow: hidden; border: 1px solid #ccc; }
.bar span { display: block; height: 100%; }
ul.toc { columns: 2; font-size: .92rem; padding-left: 1.2em; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
figure { margin: 28px 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); border-radius: 4px; }
ol.log { list-style: none; padding: 0; margin: 0; }
ol.log li { padding: 6px 0 6px 12px; border-left: 3px solid var(--rule); margin: 2px 0; }
ol.log li.decision { border-left-color: #555; }
ol.log li.outcome { border-left-color: #999; }
time { font-variant-numeric: tabular-nums; font-weight: 600; margin-right: 6px; }
.kind { display: inline-block; font-size: .75rem; text-transform: uppercase; letter-spacing: .04em;
  padding: 0 6px; border-radius: 3px; background: #e9e9e6; color: #333; margin-right: 6px; }
.kind.decision { background: #333; color: #fff; }
.kind.outcome { background: #888; color: #fff; }
.scores { display: block; font-size: .88rem; color: var(--muted); margin-top: 2px; }
.scores b { color: var(--ink); font-weight: 600; }
.year-state { color: var(--muted); font-size: .9rem; margin: 0 0 6px; }
code { font-size: .88em; background: var(--soft); padding: 0 3px; border-radius: 3px; word-break: break-all; }
.verdict { display: inline-block; font-size: .8rem; font-weight: 700; letter-spacing: .04em;
  padding: 0 7px; border-radius: 3px; }
.verdict.pass { background: #dcefe0; color: #1b5e20; }
.verdict.fail { background: #b3261e; color: #fff; }
tr.fail td { background: #fdeceb; }
td.pass { background: #eef7f0; }
td.fail { background: #fdeceb; }
.callout { margin: 10px 0; padding: 8px 12px; border-left: 4px solid #2e7d32; background: var(--soft); }
.callout.fail { border-left-color: #b3261e; }
.scroll { overflow-x: auto; }
table.compact { font-size: .9rem; }
table.compact th, table.compact td { padding: 3px 6px; }
code.id { word-break: normal; white-space: nowrap; }
th.lens { font-size: .82rem; }
.nowrap { white-space: nowrap; }
th.group, td.group { border-left: 2px solid var(--rule); }
footer { margin-top: 3em; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--rule); padding-top: 8px; }
@media print { body { max-width: none; padding: 0; } nav { display: none; } h2 { break-after: avoid; } }
"#;

/// A section another command adds to a report page: placed after the header, before the
/// run's own sections, and listed first in the navigation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    /// Anchor id, unique on the page (letters, digits and `-`).
    pub id: String,
    /// Heading, plain text (escaped when written).
    pub title: String,
    /// The body: HTML, every text in it already escaped (`output::text::xml_escape`).
    pub html: String,
}

impl Section {
    /// The section as HTML.
    fn write(&self, o: &mut String) {
        let _ = write!(
            o,
            "<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n",
            esc(&self.id),
            esc(&self.title),
            self.html
        );
    }

    /// The section's entry in the navigation.
    fn nav(&self) -> String {
        format!("<a href=\"#{}\">{}</a>", esc(&self.id), esc(&self.title))
    }
}

/// A pass or FAIL mark for a table cell: a coloured label that also reads in black and white.
pub fn verdict(pass: bool) -> &'static str {
    if pass {
        "<span class=\"verdict pass\">pass</span>"
    } else {
        "<span class=\"verdict fail\">FAIL</span>"
    }
}

/// The document's start up to and including `<body>`, with the page title `title`.
pub(crate) fn open(o: &mut String, title: &str) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(title)
    );
}

/// A compact page in the report's style: a header (`heading`, the `lede` sentence and a `meta`
/// line, all plain text), `sections` in order (with a navigation bar when there are several),
/// and a `footer` (HTML). `title` names the browser tab.
pub fn page(
    title: &str,
    heading: &str,
    lede: &str,
    meta: &str,
    sections: &[Section],
    footer: &str,
) -> String {
    let mut o =
        String::with_capacity(16 * 1024 + sections.iter().map(|s| s.html.len()).sum::<usize>());
    open(&mut o, title);
    let _ = write!(
        o,
        "<header>\n<h1>{}</h1>\n<p class=\"lede\">{}</p>\n<p class=\"meta\">{}</p>\n</header>\n",
        esc(heading),
        esc(lede),
        esc(meta)
    );
    if sections.len() > 1 {
        let links: String = sections.iter().map(Section::nav).collect();
        let _ = writeln!(o, "<nav>{links}</nav>");
    }
    for s in sections {
        s.write(&mut o);
    }
    let _ = write!(o, "<footer>{footer}</footer>\n</body>\n</html>\n");
    o
}

/// The chart's SVG for inline use: the root element's size and namespace attributes replaced by
/// a viewBox, so it scales with the page and names no URL.
pub fn inline_svg(chart: &Chart) -> String {
    let svg = &chart.svg;
    let (Some(start), Some(end)) = (svg.find("<svg"), svg.find('>')) else {
        return String::new();
    };
    let (w, h) = chart.size;
    format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">{}",
        esc(&chart.title),
        &svg[end.max(start) + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_every_text_and_list_their_sections() {
        let sections = [
            Section {
                id: "a".into(),
                title: "A <b>".into(),
                html: "<p>one</p>\n".into(),
            },
            Section {
                id: "b".into(),
                title: "B & C".into(),
                html: "<p>two</p>\n".into(),
            },
        ];
        let html = page("T<", "H\"", "L<script>", "M&", &sections, "F");
        assert!(html.contains("<title>T&lt;</title>"));
        assert!(html.contains("<h1>H&quot;</h1>"));
        assert!(html.contains("<p class=\"lede\">L&lt;script&gt;</p>"));
        assert!(html.contains("<p class=\"meta\">M&amp;</p>"));
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("<nav><a href=\"#a\">A &lt;b&gt;</a><a href=\"#b\">B &amp; C</a></nav>")
        );
        assert!(html.contains("<section id=\"a\">\n<h2>A &lt;b&gt;</h2>\n<p>one</p>\n</section>"));
        assert!(html.find("id=\"a\"") < html.find("id=\"b\""));
        assert!(html.ends_with("<footer>F</footer>\n</body>\n</html>\n"));
        // One section needs no navigation.
        assert!(!page("t", "h", "l", "m", &sections[..1], "").contains("<nav>"));
    }

    #[test]
    fn inline_svg_drops_size_and_namespace() {
        let c = Chart {
            name: "x".into(),
            title: "A & B".into(),
            caption: String::new(),
            size: (10, 20),
            svg: "<svg width=\"10\" height=\"20\" viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>".into(),
            png: None,
        };
        let s = inline_svg(&c);
        assert!(s.starts_with("<svg viewBox=\"0 0 10 20\" role=\"img\" aria-label=\"A &amp; B\">"));
        assert!(!s.contains("http"));
        assert!(s.ends_with("<rect/></svg>"));
    }
}
