//! The page of `simulate sweep` (`report.html` beside `sweep.csv`): what was swept, every
//! chart with its caption, and the files to read next. Self-contained like a run's report.

use std::fmt::Write as _;

use super::{Section, inline_svg, page as shell};
use crate::output::text::xml_escape as esc;
use crate::plot::Chart;
use crate::scenario::Scenario;

/// The page: `about` is the line of provenance (swept keys, seed, runs per point, command).
pub fn page(sc: &Scenario, about: &str, charts: &[Chart]) -> String {
    let mut o = String::new();
    if charts.is_empty() {
        o.push_str(
            "<p>No charts: a sweep is charted over one swept key, or over two on a grid.</p>\n",
        );
    }
    for c in charts {
        let _ = writeln!(
            o,
            "<h3 id=\"{0}\">{1}</h3>\n<figure>{2}<figcaption>{3}</figcaption></figure>",
            esc(&c.name),
            esc(&c.title),
            inline_svg(c),
            esc(&c.caption)
        );
    }
    let files = Section {
        id: "files".into(),
        title: "Files".into(),
        html: "<ul>\n<li><code>sweep.csv</code>: one row per point: its number, seed and values, \
               then the mean, sd, p5, p50 and p95 of every final share and index, then each \
               outcome's share of runs.</li>\n<li><code>sweep_long.csv</code>: the same numbers \
               in long form, one row per point, output and statistic, for R, pandas or a pivot \
               table.</li>\n<li><code>sweep.json</code>: the definition and provenance (the \
               scenario's SHA-256, seed, command, every parameter in force).</li>\n</ul>\n"
            .to_string(),
    };
    shell(
        &format!("{}: sweep", sc.name),
        &format!("{}: sweep", sc.name),
        &sc.description,
        about,
        &[
            Section {
                id: "charts".into(),
                title: "Charts".into(),
                html: o,
            },
            files,
        ],
        &format!("simulate {}", crate::VERSION),
    )
}
