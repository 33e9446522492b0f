//! Tests of the rendered charts: SVGs are well-formed XML holding the right series with the
//! right labels, PNGs decode at the requested size and are not blank, the triangle puts states
//! where their shares say, and the same input gives the same bytes.

use std::path::Path;

use super::*;
use crate::runs::ensemble::run_many;

fn setup(runs: usize) -> (Scenario, Summary, Vec<RunRecord>) {
    let sc = Scenario::load(Path::new("scenarios/ufa2015.toml")).expect("scenario loads");
    let prm = sc.params.clone();
    let recs = run_many(&sc, &prm, sc.seed, runs, 1).expect("one thread starts");
    let summary = Summary::new(&sc, &prm, &recs, sc.seed, Vec::new(), Vec::new());
    (sc, summary, recs)
}

fn chart<'a>(charts: &'a [Chart], name: &str) -> &'a Chart {
    charts
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no chart {name}"))
}

/// Polylines with at least `min_points` points, as (stroke colour, points).
fn long_polylines(svg: &str, min_points: usize) -> Vec<(String, Vec<(f64, f64)>)> {
    let doc = roxmltree::Document::parse(svg).expect("SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| {
            let pts: Vec<(f64, f64)> = n
                .attribute("points")?
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            (pts.len() >= min_points)
                .then(|| (n.attribute("stroke").unwrap_or("").to_string(), pts))
        })
        .collect()
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

fn svg_hex(c: RGBColor) -> String {
    hex(c).to_uppercase()
}

#[test]
fn plot_option_names_parse() {
    assert_eq!(PlotOptions::parse("svg"), Some(PlotOptions::default()));
    let both = PlotOptions::parse("both").expect("both");
    assert!(both.svg && both.png);
    let none = PlotOptions::parse("none").expect("none");
    assert!(!none.svg && !none.png);
    assert!(PlotOptions::parse("jpeg").is_none());
    for name in PlotOptions::NAMES {
        assert!(PlotOptions::parse(name).is_some());
    }
}

#[test]
fn patron_colours_are_fixed_and_distinct() {
    let (sc, _, _) = setup(1);
    let c = patron_colors(&sc);
    let by_id = |id: &str| c[sc.patron_slot(id).expect("patron")];
    assert_eq!(hex(by_id("USA")), "#1f5fbf");
    assert_eq!(hex(by_id("RUS")), "#d02424");
    assert_eq!(hex(by_id("CHN")), "#e69a00");
    for (i, a) in c.iter().enumerate() {
        for b in &c[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn up_to_the_most_patrons_a_scenario_may_have_every_patron_has_its_own_colour() {
    let (mut sc, _, _) = setup(1);
    let max = crate::scenario::world::MAX_PATRONS;
    assert!(sc.actors.len() >= max);
    // The first patrons known ids or not, in every order the slots may take.
    for shift in 0..max {
        sc.patrons = (0..max).map(|k| (k + shift) % sc.actors.len()).collect();
        let c = patron_colors(&sc);
        for (i, a) in c.iter().enumerate() {
            assert!(
                !c[i + 1..].contains(a),
                "shift {shift}: {} repeats",
                hex(*a)
            );
        }
    }
}

/// CIELAB (D65) coordinates of an sRGB colour.
fn cielab(c: RGBColor) -> [f64; 3] {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            libm::pow((v + 0.055) / 1.055, 2.4)
        }
    };
    let (r, g, b) = (lin(c.0), lin(c.1), lin(c.2));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            libm::cbrt(t)
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

/// Colour difference ΔE*76: the distance in CIELAB (about 2.3 is just noticeable).
fn delta_e(a: RGBColor, b: RGBColor) -> f64 {
    let (a, b) = (cielab(a), cielab(b));
    let sq = |i: usize| (a[i] - b[i]) * (a[i] - b[i]);
    (sq(0) + sq(1) + sq(2)).sqrt()
}

#[test]
fn state_colours_are_distinct() {
    let (sc, _, _) = setup(1);
    let patrons = patron_colors(&sc);
    for (i, &a) in STATE_COLORS.iter().enumerate() {
        assert!(
            cielab(a)[0] <= 65.0,
            "{} is too light to read on white",
            hex(a)
        );
        for &b in &STATE_COLORS[i + 1..] {
            let d = delta_e(a, b);
            assert!(d >= 25.0, "states {} and {}: ΔE {d:.1}", hex(a), hex(b));
        }
        for &p in &patrons {
            let d = delta_e(a, p);
            assert!(
                d >= 30.0,
                "state {} and patron {}: ΔE {d:.1}",
                hex(a),
                hex(p)
            );
        }
    }
    // The lab draws its triangle with the same colours.
    let lab_js = include_str!("../lab/assets/lab.js");
    let line = lab_js
        .lines()
        .find(|l| l.starts_with("const STATE_COLORS"))
        .expect("lab.js defines STATE_COLORS");
    let listed: Vec<String> = STATE_COLORS
        .iter()
        .map(|&c| format!("'{}'", hex(c)))
        .collect();
    assert!(
        line.contains(&listed.join(", ")),
        "lab.js's STATE_COLORS differ from the charts': {line}"
    );
}

#[test]
fn one_chart_per_state_plus_triangle_and_indices() {
    let (sc, summary, recs) = setup(1);
    let charts = render(&sc, &summary, &recs, &PlotOptions::default()).expect("render");
    let states: Vec<usize> = sc.states().collect();
    assert_eq!(charts.len(), states.len() + 2);
    for &i in &states {
        chart(&charts, &format!("alignment_{}", sc.actors[i].id));
    }
    chart(&charts, "ternary");
    chart(&charts, "indices");
    assert!(
        charts.iter().all(|c| c.png.is_none()),
        "no PNG unless asked"
    );
}

#[test]
fn alignment_svg_holds_one_line_per_patron_with_its_label() {
    let (sc, summary, recs) = setup(1);
    let charts = render(&sc, &summary, &recs, &PlotOptions::default()).expect("render");
    let t = recs[0].dates.len();
    let colors = patron_colors(&sc);
    for i in sc.states() {
        let c = chart(&charts, &format!("alignment_{}", sc.actors[i].id));
        let lines = long_polylines(&c.svg, t);
        assert_eq!(
            lines.len(),
            sc.patrons.len(),
            "{}: one series per patron",
            c.name
        );
        for (p, color) in colors.iter().enumerate() {
            let n = lines.iter().filter(|(s, _)| *s == svg_hex(*color)).count();
            assert_eq!(n, 1, "{}: one line in {}'s colour", c.name, sc.patron_id(p));
        }
        let txt = texts(&c.svg);
        for p in 0..sc.patrons.len() {
            assert!(
                txt.iter().any(|s| s == sc.patron_id(p)),
                "{}: legend names {}",
                c.name,
                sc.patron_id(p)
            );
        }
        assert!(
            txt.iter()
                .any(|s| s.contains("seed 2015") && s.contains("ufa2015"))
        );
        assert!(
            c.svg
                .contains(&format!("<title>{}</title>", xml_escape(&c.title)))
        );
        // The key lists the scripted events that involve the state, and only those.
        for e in &sc.events {
            let id = e.id.as_deref().unwrap_or(e.kind.name());
            let listed = txt.iter().any(|s| s.contains(id));
            assert_eq!(
                listed,
                events::involves(&sc, e, i),
                "{}: event {id}",
                c.name
            );
        }
    }
}

#[test]
fn every_event_is_marked_on_every_alignment_chart() {
    // Events of the chart's state are full-height lines, the others ticks on the time axis:
    // either way one vertical grey polyline per event.
    let (sc, summary, recs) = setup(1);
    let charts = render(&sc, &summary, &recs, &PlotOptions::default()).expect("render");
    for i in sc.states() {
        let c = chart(&charts, &format!("alignment_{}", sc.actors[i].id));
        let doc = roxmltree::Document::parse(&c.svg).expect("XML");
        let vertical_grey = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#808080"))
            .filter(|n| {
                let pts: Vec<&str> = n
                    .attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .collect();
                pts.len() == 2 && pts[0].split(',').next() == pts[1].split(',').next()
            })
            .count();
        // One mark per event, plus a connector per badge (one badge per date with events of
        // the state) and the legend's tick when some events are other states'.
        let marks = events::marks(&sc, Some(i));
        let badges = events::badges(&marks).len();
        let legend_tick = usize::from(marks.iter().any(|m| !m.strong));
        assert_eq!(
            vertical_grey,
            sc.events.len() + badges + legend_tick,
            "{}: event marks",
            c.name
        );
    }
}

#[test]
fn indices_svg_holds_one_line_per_index() {
    let (sc, summary, recs) = setup(1);
    let charts = render(&sc, &summary, &recs, &PlotOptions::default()).expect("render");
    let c = chart(&charts, "indices");
    let lines = long_polylines(&c.svg, recs[0].dates.len());
    assert_eq!(lines.len(), 4);
    let txt = texts(&c.svg);
    for label in [
        "USA influence",
        "RUS–CHN partnership",
        "SCO cohesion",
        "Soft-balancing",
    ] {
        assert!(txt.iter().any(|s| s.contains(label)), "label {label}");
    }
}

#[test]
fn ternary_puts_each_state_where_its_shares_say() {
    let (sc, summary, recs) = setup(1);
    let charts = render(&sc, &summary, &recs, &PlotOptions::default()).expect("render");
    let c = chart(&charts, "ternary");
    let t = recs[0].dates.len();
    let paths = long_polylines(&c.svg, t);
    let states: Vec<usize> = sc.states().collect();
    assert_eq!(paths.len(), states.len(), "one path per state");
    let v = ternary::corners();
    for (j, &i) in states.iter().enumerate() {
        let color = svg_hex(STATE_COLORS[j % STATE_COLORS.len()]);
        let (_, pts) = paths
            .iter()
            .find(|(s, _)| *s == color)
            .unwrap_or_else(|| panic!("path of {}", sc.actors[i].id));
        for (k, &tt) in [0, t / 2, t - 1].iter().enumerate() {
            let shares = [0, 1, 2].map(|p| recs[0].share(tt, i, p));
            let want = ternary::barycentric(&v, shares);
            let got = pts[tt];
            assert!(
                (got.0 - want.0).abs() <= 1.0 && (got.1 - want.1).abs() <= 1.0,
                "{} point {k}: {got:?} vs {want:?}",
                sc.actors[i].id
            );
        }
    }
    let txt = texts(&c.svg);
    for &i in &states {
        assert!(
            txt.iter().filter(|s| **s == sc.actors[i].id).count() >= 2,
            "end label and legend"
        );
    }
    for p in 0..3 {
        assert!(txt.iter().any(|s| s == sc.patron_id(p)), "corner label");
    }
}

#[test]
fn ensembles_draw_fans() {
    let (sc, summary, recs) = setup(8);
    let charts = render(&sc, &summary, &recs, &PlotOptions::default()).expect("render");
    let c = chart(&charts, "alignment_KAZ");
    let doc = roxmltree::Document::parse(&c.svg).expect("XML");
    for color in patron_colors(&sc) {
        let bands = doc
            .descendants()
            .filter(|n| n.has_tag_name("polygon") && n.attribute("fill") == Some(&svg_hex(color)))
            .count();
        assert_eq!(bands, 2, "a 50 % and a 90 % band per patron");
    }
    assert_eq!(
        long_polylines(&c.svg, recs[0].dates.len()).len(),
        3,
        "median lines"
    );
    assert!(texts(&c.svg).iter().any(|s| s.contains("median of 8 runs")));
}

/// Decodes a PNG: (width, height, RGB bytes).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = dec.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn pngs_decode_at_the_requested_size_and_show_every_patron() {
    let (sc, summary, recs) = setup(1);
    let opts = PlotOptions {
        svg: false,
        png: true,
        png_scale: 1.5,
    };
    let charts = render(&sc, &summary, &recs, &opts).expect("render");
    let colors = patron_colors(&sc);
    for c in &charts {
        let bytes = c.png.as_ref().expect("PNG rendered");
        let (w, h, rgb) = decode(bytes);
        assert_eq!(
            (w, h),
            (
                (c.size.0 as f64 * 1.5).round() as u32,
                (c.size.1 as f64 * 1.5).round() as u32
            ),
            "{}",
            c.name
        );
        let px = rgb.len() / 3;
        let ink = rgb.chunks(3).filter(|p| p.iter().any(|&v| v < 200)).count();
        assert!(ink * 100 > px, "{}: more than 1 % of pixels inked", c.name);
        if c.name.starts_with("alignment_") {
            for col in &colors {
                let hits = rgb
                    .chunks(3)
                    .filter(|p| p[0] == col.0 && p[1] == col.1 && p[2] == col.2)
                    .count();
                assert!(
                    hits > 200,
                    "{}: patron colour {col:?} drawn ({hits} px)",
                    c.name
                );
            }
        }
        let files: Vec<String> = c.files(&opts).into_iter().map(|f| f.0).collect();
        assert_eq!(files, vec![format!("{}.png", c.name)]);
    }
}

#[test]
fn png_text_renders_from_the_embedded_font() {
    // Title text is black on white in the top band; without a usable font it would be blank.
    let (sc, summary, recs) = setup(1);
    let opts = PlotOptions::parse("png").expect("png");
    let charts = render(&sc, &summary, &recs, &opts).expect("render");
    let (w, _, rgb) = decode(charts[0].png.as_ref().expect("PNG"));
    let band = &rgb[..(w as usize * 3 * 100)];
    let dark = band.chunks(3).filter(|p| p.iter().all(|&v| v < 60)).count();
    assert!(dark > 500, "title text drawn ({dark} dark px)");
}

#[test]
fn same_input_same_bytes() {
    let (sc, summary, recs) = setup(3);
    let opts = PlotOptions::parse("both").expect("both");
    let a = render(&sc, &summary, &recs, &opts).expect("render");
    let b = render(&sc, &summary, &recs, &opts).expect("render");
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.svg, y.svg, "{}", x.name);
        assert_eq!(x.png, y.png, "{}", x.name);
    }
}

#[test]
fn titles_are_escaped_into_the_svg() {
    let svg = "<svg width=\"1\" height=\"1\">\n</svg>";
    let out = with_title(svg, "A & <B>");
    assert_eq!(
        out,
        "<svg width=\"1\" height=\"1\">\n<title>A &amp; &lt;B&gt;</title>\n</svg>"
    );
    roxmltree::Document::parse(&out).expect("XML");
}
