//! Charts of a run: alignment over time per state, paths through the patron triangle, and the
//! regional indices, as SVG (always, for the report) and PNG (on request).
//!
//! Charts read only the [`Scenario`], the [`RunRecord`]s and the [`Summary`], never engine
//! internals. With several runs every time series becomes a fan chart: the median line with
//! bands holding the middle 50 % and 90 % of runs at each date.
//!
//! Text in PNGs is drawn with DejaVu Sans compiled into the binary (the `dejavu` crate, Bitstream
//! Vera / Arev licence), so a machine without system fonts or font libraries still renders it.
//! SVGs name the `sans-serif` family and let the viewer pick its own font; the layout is
//! measured with DejaVu Sans, whose metrics are close to every common sans-serif face.
//!
//! Colours are fixed per patron ([`patron_colors`]) and shared by every chart and the report.

pub mod calibrate;
pub mod compare;
mod events;
mod keys;
mod raster;
pub mod sensitivity;
mod series;
pub mod sweep;
mod ternary;
#[cfg(test)]
mod tests;
pub mod votes;

use std::error::Error;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use rayon::prelude::*;

use crate::engine::record::RunRecord;
use crate::output::summary::Summary;
use crate::output::text::xml_escape;
use crate::runs::digest::Digest;
use crate::scenario::Scenario;

/// Which chart files to write (`--plot svg|png|both|none`). The SVG of every chart is always
/// rendered, because the report embeds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotOptions {
    /// Write `<chart>.svg` files.
    pub svg: bool,
    /// Render and write `<chart>.png` files.
    pub png: bool,
    /// PNG pixels per SVG unit. Default 2: a 960 x 540 chart becomes a 1920 x 1080 PNG, sharp
    /// enough for print at the width of a page column.
    pub png_scale: f64,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            svg: true,
            png: false,
            png_scale: 2.0,
        }
    }
}

impl PlotOptions {
    /// The values `--plot` accepts.
    pub const NAMES: [&'static str; 4] = ["svg", "png", "both", "none"];

    /// Options for a `--plot` value: `svg`, `png`, `both` or `none`.
    pub fn parse(name: &str) -> Option<PlotOptions> {
        let (svg, png) = match name {
            "svg" => (true, false),
            "png" => (false, true),
            "both" => (true, true),
            "none" => (false, false),
            _ => return None,
        };
        Some(PlotOptions {
            svg,
            png,
            ..PlotOptions::default()
        })
    }
}

/// A failure to draw or encode a chart.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The embedded font could not be loaded.
    #[error("cannot load the embedded font for charts")]
    Font,
    /// Drawing failed.
    #[error("cannot draw chart `{chart}`: {message}")]
    Draw {
        /// File stem of the chart.
        chart: String,
        /// What went wrong.
        message: String,
    },
    /// A chart file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// PNG encoding failed.
    #[error("cannot encode chart `{chart}` as PNG: {message}")]
    Encode {
        /// File stem of the chart.
        chart: String,
        /// What went wrong.
        message: String,
    },
}

/// One rendered chart.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem, e.g. `alignment_KAZ`; files are `<name>.svg` and `<name>.png`.
    pub name: String,
    /// Title, e.g. "KAZ (Kazakhstan): alignment over time".
    pub title: String,
    /// A sentence saying how to read the chart.
    pub caption: String,
    /// Size of the SVG in its own units (pixels at scale 1).
    pub size: (u32, u32),
    /// The SVG document.
    pub svg: String,
    /// The PNG file's bytes, if PNG output was asked for.
    pub png: Option<Vec<u8>>,
}

impl Chart {
    /// The files to write for this chart under `opts`: (file name, bytes).
    pub fn files(&self, opts: &PlotOptions) -> Vec<(String, &[u8])> {
        let mut out = Vec::new();
        if opts.svg {
            out.push((format!("{}.svg", self.name), self.svg.as_bytes()));
        }
        if let (true, Some(png)) = (opts.png, &self.png) {
            out.push((format!("{}.png", self.name), png.as_slice()));
        }
        out
    }
}

/// Writes the files of `charts` that `opts` asks for into `dir`, each atomically
/// (`output::write_atomic`); returns how many. The files are written in parallel: each
/// waits for its flush to disk, and on a busy disk those waits, not the drawing, would otherwise
/// dominate a run.
pub fn write_files(
    dir: &std::path::Path,
    charts: &[Chart],
    opts: &PlotOptions,
) -> Result<usize, PlotError> {
    let files: Vec<(String, &[u8])> = charts.iter().flat_map(|c| c.files(opts)).collect();
    // Two charts must not share a file, here or on a file system that ignores case.
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
    names.sort();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(PlotError::Write {
            path: dir.join(&w[0]),
            source: std::io::Error::other("two charts would be written to this file"),
        });
    }
    // A few writer threads, not the CPU pool: the threads mostly wait for the disk, and flushes
    // issued together are committed together. Never one per file: 2,000 states make 4,000 files.
    let writers = WRITERS.min(files.len()).max(1);
    let results: Vec<Result<(), PlotError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let files = &files;
                scope.spawn(move || {
                    files
                        .iter()
                        .skip(w)
                        .step_by(writers)
                        .try_for_each(|(name, bytes)| {
                            let path = dir.join(name);
                            crate::output::write_atomic(&path, bytes)
                                .map_err(|source| PlotError::Write { path, source })
                        })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(PlotError::Write {
                        path: dir.to_path_buf(),
                        source: std::io::Error::other("a writer thread panicked"),
                    })
                })
            })
            .collect()
    });
    results.into_iter().collect::<Result<(), _>>()?;
    Ok(files.len())
}

/// Threads writing chart files.
const WRITERS: usize = 8;

/// Colour of each patron slot. USA blue, RUS red and CHN gold-orange wherever those ids appear;
/// other patrons take the remaining colours in slot order: up to the most patrons a scenario
/// may have (`MAX_PATRONS`, 8), every patron its own colour.
pub fn patron_colors(sc: &Scenario) -> Vec<RGBColor> {
    const KNOWN: [(&str, RGBColor); 3] = [
        ("USA", RGBColor(0x1f, 0x5f, 0xbf)),
        ("RUS", RGBColor(0xd0, 0x24, 0x24)),
        ("CHN", RGBColor(0xe6, 0x9a, 0x00)),
    ];
    const SPARE: [RGBColor; crate::scenario::world::MAX_PATRONS] = [
        RGBColor(0x1f, 0x5f, 0xbf),
        RGBColor(0xd0, 0x24, 0x24),
        RGBColor(0xe6, 0x9a, 0x00),
        RGBColor(0x00, 0x9e, 0x73),
        RGBColor(0x7b, 0x32, 0x94),
        RGBColor(0x8c, 0x56, 0x4b),
        RGBColor(0xcc, 0x79, 0xa7),
        RGBColor(0x55, 0x55, 0x55),
    ];
    let ids: Vec<&str> = (0..sc.patrons.len()).map(|p| sc.patron_id(p)).collect();
    let mut used: Vec<RGBColor> = Vec::new();
    let mut out: Vec<Option<RGBColor>> = ids
        .iter()
        .map(|id| {
            let c = KNOWN.iter().find(|(k, _)| k == id).map(|(_, c)| *c);
            used.extend(c);
            c
        })
        .collect();
    let mut spare = SPARE.iter().cycle().filter(|c| !used.contains(c));
    for c in out.iter_mut().filter(|c| c.is_none()) {
        *c = spare.next().copied();
    }
    out.into_iter().map(|c| c.unwrap_or(BLACK)).collect()
}

/// `#rrggbb` of a colour, for the report's CSS.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// Colours for the states' paths in the triangle (and the lab's, `src/lab/assets/lab.js`): far
/// apart from each other and from every patron's colour, so that no two states and no state and
/// corner can be mistaken (`state_colours_are_distinct`: at least 25 apart from each other and
/// 30 from a patron in CIELAB ΔE, where 2.3 is a just-noticeable difference), and dark enough to
/// read on white. The first nine are the shipped scenarios' states; beyond ten, colours repeat and
/// the end labels tell states apart.
pub(crate) const STATE_COLORS: [RGBColor; 10] = [
    RGBColor(0x00, 0x9e, 0x73), // bluish green
    RGBColor(0x7b, 0x32, 0x94), // purple
    RGBColor(0x8c, 0x56, 0x4b), // brown
    RGBColor(0xe7, 0x29, 0x8a), // magenta
    RGBColor(0x17, 0xa2, 0xb8), // cyan
    RGBColor(0x4d, 0x4d, 0x4d), // dark grey
    RGBColor(0x9a, 0x9b, 0x10), // olive
    RGBColor(0xd6, 0x61, 0x6b), // salmon
    RGBColor(0x00, 0x44, 0x1b), // dark green
    RGBColor(0x2d, 0x00, 0x4b), // aubergine
];

/// Text colour for secondary text (subtitles, notes).
pub(crate) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// Registers the embedded DejaVu Sans faces once per process (every chart in the crate, sweep and
/// lens-comparison charts included, draws its text with them).
pub(crate) fn fonts() -> Result<(), PlotError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
                .is_ok()
    });
    if ok { Ok(()) } else { Err(PlotError::Font) }
}

/// Logical pixels to device pixels: 1 for SVG, [`PlotOptions::png_scale`] for PNG.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale(pub f64);

impl Scale {
    /// A length in device pixels.
    pub fn px(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
    /// A non-negative length in device pixels.
    pub fn u(self, v: f64) -> u32 {
        (v * self.0).round().max(0.0) as u32
    }
    /// A font of `size` logical pixels.
    pub fn font(self, size: f64) -> TextStyle<'static> {
        TextStyle::from(("sans-serif", size * self.0).into_font())
    }
    /// A bold font of `size` logical pixels.
    pub fn bold(self, size: f64) -> TextStyle<'static> {
        TextStyle::from(FontDesc::new(
            FontFamily::SansSerif,
            size * self.0,
            FontStyle::Bold,
        ))
    }
}

/// What drawing functions return; errors are turned into [`PlotError::Draw`] by [`render`].
pub(crate) type DrawResult = Result<(), Box<dyn Error + Send + Sync>>;

/// Quantiles across runs at each date, as drawn by fan charts.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Fan {
    /// 5th, 25th, 50th, 75th and 95th percentile at each date.
    pub q: [Vec<f64>; 5],
}

/// The quantiles a fan chart draws: the 90 % band, the 50 % band and the median.
pub(crate) const FAN_QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// What every chart needs, computed once.
pub(crate) struct Data<'a> {
    pub sc: &'a Scenario,
    /// What the charts read of the runs.
    pub digest: &'a Digest,
    /// The first run.
    pub first: &'a RunRecord,
    /// Dates drawn (the shortest run's, all runs have the same).
    pub t: usize,
    /// Each date as a fractional year.
    pub x: Vec<f64>,
    /// "scenario ufa2015 · seed 2015 · 1 run"; charts of an ensemble add how they summarise it.
    pub subtitle: String,
    pub colors: Vec<RGBColor>,
}

impl Data<'_> {
    /// Whether this is an ensemble (fan charts) rather than one run (lines).
    pub fn multi(&self) -> bool {
        self.digest.runs > 1
    }

    /// Runs drawn.
    pub fn runs(&self) -> usize {
        self.digest.runs
    }

    /// The fan of the series `pick` chooses (its [`FAN_QUANTILES`] at each date).
    pub fn fan(&self, pick: impl Fn(&Digest, usize) -> [f64; 5]) -> Fan {
        let mut fan = Fan::default();
        for t in 0..self.t {
            for (k, x) in pick(self.digest, t).into_iter().enumerate() {
                fan.q[k].push(x);
            }
        }
        fan
    }

    /// The x range of time axes: first to last date, or a year around a single date.
    pub fn x_range(&self) -> (f64, f64) {
        let (a, b) = (self.x[0], self.x[self.t - 1]);
        if b - a < 1e-9 {
            (a - 0.5, b + 0.5)
        } else {
            (a, b)
        }
    }
}

/// Which chart to draw.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Alignment(usize),
    Ternary,
    Indices,
}

/// Renders every chart of `runs`: one alignment chart per state, the triangle (when there are
/// exactly three patrons) and the indices. Charts are drawn in parallel and returned in that
/// order.
pub fn render(
    sc: &Scenario,
    summary: &Summary,
    runs: &[RunRecord],
    opts: &PlotOptions,
) -> Result<Vec<Chart>, PlotError> {
    render_digest(sc, summary, &Digest::of(runs), opts)
}

/// Renders every chart of the runs `digest` accumulated, as [`render`] does.
pub fn render_digest(
    sc: &Scenario,
    summary: &Summary,
    digest: &Digest,
    opts: &PlotOptions,
) -> Result<Vec<Chart>, PlotError> {
    fonts()?;
    let t = digest.dates();
    let Some(first) = digest.first.as_ref().filter(|_| t > 0) else {
        return Ok(Vec::new());
    };
    let p = &summary.provenance;
    let subtitle = format!(
        "scenario {} · seed {} · {} run{}",
        sc.name,
        p.seed,
        digest.runs,
        if digest.runs > 1 { "s" } else { "" }
    );
    let data = Data {
        sc,
        digest,
        first,
        t,
        x: first.dates[..t]
            .iter()
            .map(|d| d.as_year_fraction())
            .collect(),
        subtitle,
        colors: patron_colors(sc),
    };
    let mut kinds: Vec<Kind> = sc.states().map(Kind::Alignment).collect();
    if sc.patrons.len() == 3 {
        kinds.push(Kind::Ternary);
    }
    kinds.push(Kind::Indices);
    kinds
        .par_iter()
        .map(|k| render_one(&data, *k, opts))
        .collect()
}

fn render_one(d: &Data, kind: Kind, opts: &PlotOptions) -> Result<Chart, PlotError> {
    let (name, title, caption, size) = match kind {
        Kind::Alignment(i) => series::alignment_meta(d, i),
        Kind::Ternary => ternary::meta(d),
        Kind::Indices => series::indices_meta(d),
    };
    render_drawing(
        &name,
        &title,
        caption,
        size,
        opts,
        |root, s| draw(root, d, kind, &title, s),
        |root, s| draw(root, d, kind, &title, s),
    )
}

/// A chart drawn by `svg_draw` (SVG, at scale 1) and, when `opts` asks for PNG, by `png_draw`
/// (the same drawing on the raster backend, at the PNG scale): the path every chart takes. Two closures because a closure cannot be generic over the backend.
pub(crate) fn render_drawing(
    name: &str,
    title: &str,
    caption: String,
    size: (u32, u32),
    opts: &PlotOptions,
    svg_draw: impl Fn(&DrawingArea<SVGBackend, Shift>, Scale) -> DrawResult,
    png_draw: impl Fn(&DrawingArea<raster::Raster, Shift>, Scale) -> DrawResult,
) -> Result<Chart, PlotError> {
    let err = |e: Box<dyn Error + Send + Sync>| PlotError::Draw {
        chart: name.to_string(),
        message: e.to_string(),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.into()))?;
        svg_draw(&root, Scale(1.0)).map_err(err)?;
        root.present().map_err(|e| err(e.into()))?;
    }
    let svg = with_title(&svg, title);
    let png = if opts.png {
        let s = opts.png_scale.clamp(0.25, 8.0);
        let (w, h) = (
            (size.0 as f64 * s).round() as u32,
            (size.1 as f64 * s).round() as u32,
        );
        let mut buf = vec![0u8; w as usize * h as usize * 3];
        {
            let root =
                raster::Raster(BitMapBackend::with_buffer(&mut buf, (w, h))).into_drawing_area();
            root.fill(&WHITE).map_err(|e| err(e.into()))?;
            png_draw(&root, Scale(s)).map_err(err)?;
            root.present().map_err(|e| err(e.into()))?;
        }
        Some(encode_png(&buf, w, h).map_err(|e| PlotError::Encode {
            chart: name.to_string(),
            message: e.to_string(),
        })?)
    } else {
        None
    };
    Ok(Chart {
        name: name.to_string(),
        title: title.to_string(),
        caption,
        size,
        svg,
        png,
    })
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &Data,
    kind: Kind,
    title: &str,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    match kind {
        Kind::Alignment(i) => series::alignment(root, d, i, title, s),
        Kind::Ternary => ternary::draw(root, d, title, s),
        Kind::Indices => series::indices(root, d, title, s),
    }
}

/// Puts a `<title>` first inside the root `<svg>` element, so viewers and screen readers name
/// the chart.
fn with_title(svg: &str, title: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg.to_string();
    };
    let mut out = String::with_capacity(svg.len() + title.len() + 32);
    out.push_str(&svg[..=end]);
    out.push_str("\n<title>");
    out.push_str(&xml_escape(title));
    out.push_str("</title>");
    out.push_str(&svg[end + 1..]);
    out
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// An actor's full name, or nothing when the scenario gives none beyond its id.
pub(crate) fn full_name(a: &crate::scenario::ActorInfo) -> &str {
    if a.name == a.id { "" } else { &a.name }
}

/// A file-name-safe form of an id: letters, digits, `-` and `_` kept, the rest `_`.
pub(crate) fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
