//! Time-series charts: each state's alignment toward every patron, and the regional indices.
//! One run draws lines; an ensemble draws fans (median, middle 50 % and middle 90 % of runs).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::events::{DECISION_SHARE, DecisionMark, Mark, badges, decision_marks, marks};
use super::keys::{
    EVENT, KEY_LINE, KEY_MAX_LINES, STRONG, TICK, WEAK, decision_key, decision_lines, fan_key,
    legend_notes, swatch_line,
};
use super::{Data, DrawResult, FAN_QUANTILES, Fan, MUTED, Scale, file_safe, full_name};
use crate::output::text::truncate;

/// Logical width of time-series charts.
const WIDTH: u32 = 960;
/// Logical height of an alignment chart without its event key.
const HEIGHT: u32 = 540;
/// Width of the legend column at the right of an alignment chart.
const LEGEND_W: f64 = 190.0;
/// Height of the title block.
const HEAD_H: f64 = 62.0;
/// Event-key columns.
const KEY_COLS: usize = 3;
/// Rows of staggered event numbers above the plot.
const BADGE_ROWS: usize = 3;
const BADGE_ROW_H: f64 = 13.0;

const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);
/// Decision marks: near-black, apart from the patrons' colours.
const DECISION: RGBColor = RGBColor(0x26, 0x26, 0x26);

/// Colours of the four indices: the leading power's colour for its influence, then purple, green
/// and near-black.
fn index_colors(d: &Data) -> [RGBColor; 4] {
    [
        d.colors[d.sc.leading],
        RGBColor(0x7b, 0x32, 0x94),
        RGBColor(0x00, 0x9e, 0x73),
        RGBColor(0x26, 0x26, 0x26),
    ]
}

/// A series to draw: one line, or one fan.
struct Line {
    color: RGBColor,
    fan: Fan,
}

fn key_lines(n_events: usize) -> usize {
    n_events.div_ceil(KEY_COLS).min(KEY_MAX_LINES)
}

/// Height of the keys under an alignment chart: scripted events, then decisions.
fn keys_height(events: usize, decisions: usize) -> f64 {
    let block = |lines: usize| {
        if lines > 0 {
            28.0 + KEY_LINE * lines as f64
        } else {
            0.0
        }
    };
    block(key_lines(events)) + block(decision_lines(decisions))
}

/// Name, title, caption and logical size of state `i`'s alignment chart.
pub(super) fn alignment_meta(d: &Data, i: usize) -> (String, String, String, (u32, u32)) {
    let a = &d.sc.actors[i];
    let ids: Vec<&str> = (0..d.sc.patrons.len()).map(|p| d.sc.patron_id(p)).collect();
    let strong = marks(d.sc, Some(i)).iter().filter(|m| m.strong).count();
    let marked = decision_marks(d.sc, d.digest, d.first, i);
    let decisions = marked.len();
    let extra = keys_height(strong, decisions);
    // What the key under the chart has no room for is listed here, in the report's caption.
    let unlisted: Vec<String> = marked
        .iter()
        .skip(super::keys::decisions_shown(decisions))
        .map(|m| format!("{} {}", m.letter, m.text))
        .collect();
    let mut caption = format!(
        "Share of {}'s alignment toward {} at each date ({}). Grey lines mark the scripted events \
         that involve {} (numbered as in the scenario and listed under the chart); ticks on the \
         time axis mark the scenario's other scripted events; lettered ▼ mark the decisions that \
         moved {} ({}, listed under the chart).",
        a.name,
        ids.join(", "),
        if d.multi() {
            "median across runs, with bands holding the middle 50 % and 90 % of runs"
        } else {
            "the shares sum to 1"
        },
        a.id,
        a.id,
        if d.multi() {
            format!(
                "those of run 1, each with the share of runs in which it happened at some date, \
                 and any other that happened in at least {:.0} % of runs, at its first date",
                DECISION_SHARE * 100.0
            )
        } else {
            "a base ordered closed or kept, a loan or project taken, a deal signed, an accession"
                .to_string()
        }
    );
    if !unlisted.is_empty() {
        caption.push_str(&format!(
            " The decisions the key has no room for: {}.",
            unlisted.join("; ")
        ));
    }
    (
        format!("alignment_{}", file_safe(&a.id)),
        match full_name(a) {
            "" => format!("{}: alignment toward {}", a.id, ids.join(", ")),
            name => format!("{} ({name}): alignment toward {}", a.id, ids.join(", ")),
        },
        caption,
        (WIDTH, HEIGHT + extra as u32),
    )
}

/// Name, title, caption and logical size of the indices chart.
pub(super) fn indices_meta(d: &Data) -> (String, String, String, (u32, u32)) {
    let caption = format!(
        "The regional indices of docs/model.md at each date{}: {}.",
        if d.multi() {
            " (median across runs, with 50 % and 90 % bands)"
        } else {
            ""
        },
        index_labels(d).map(|l| l.0).join("; ")
    );
    (
        "indices".to_string(),
        "Regional indices over time".to_string(),
        caption,
        (WIDTH + 40, 720),
    )
}

/// Each index's heading and y-axis description.
fn index_labels(d: &Data) -> [(String, String); 4] {
    let lead = d.sc.patron_id(d.sc.leading);
    let bal: Vec<&str> = d.sc.balancers.iter().map(|&p| d.sc.patron_id(p)).collect();
    [
        (
            format!("{lead} influence in the region"),
            format!("mean share toward {lead} (0–1)"),
        ),
        (
            format!("{} partnership", bal.join("–")),
            "partnership (0–1)".to_string(),
        ),
        ("SCO cohesion".to_string(), "cohesion (0–1)".to_string()),
        (
            format!("Soft-balancing index: partnership × (1 − {lead} influence)"),
            "index (0–1)".to_string(),
        ),
    ]
}

/// Title and subtitle at the top left; `fan` when the chart draws bands for an ensemble.
pub(super) fn head<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &Data,
    title: &str,
    fan: bool,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.draw(&Text::new(
        title.to_string(),
        (s.px(20.0), s.px(12.0)),
        s.bold(20.0),
    ))?;
    let subtitle = match (d.multi(), fan) {
        (true, true) => format!("{}: median, 50 % and 90 % bands across runs", d.subtitle),
        (true, false) => format!("{}: median shares at each date", d.subtitle),
        (false, _) => d.subtitle.clone(),
    };
    root.draw(&Text::new(
        subtitle,
        (s.px(20.0), s.px(40.0)),
        s.font(13.0).color(&MUTED),
    ))?;
    Ok(())
}

/// The alignment chart of state `i`.
pub(super) fn alignment<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &Data,
    i: usize,
    title: &str,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    head(root, d, title, true, s)?;
    let np = d.sc.patrons.len();
    let lines: Vec<Line> = (0..np)
        .map(|p| Line {
            color: d.colors[p],
            fan: d.fan(|g, t| g.share(t, i, p).quantiles(FAN_QUANTILES)),
        })
        .collect();
    let events = marks(d.sc, Some(i));
    let decisions = decision_marks(d.sc, d.digest, d.first, i);
    let plot_w = WIDTH as f64 - LEGEND_W;
    let area = root.clone().shrink(
        (0, s.px(HEAD_H)),
        (s.u(plot_w), s.u(HEIGHT as f64 - HEAD_H)),
    );
    panel(
        root,
        &area,
        d,
        &lines,
        "share of alignment (0–1)",
        &events,
        &decisions,
        true,
        s,
    )?;

    // Legend column.
    let mut y = HEAD_H + 40.0;
    let x0 = plot_w + 4.0;
    root.draw(&Text::new(
        "Toward",
        (s.px(x0), s.px(y - 22.0)),
        s.bold(13.0),
    ))?;
    for p in 0..np {
        let a = &d.sc.actors[d.sc.patrons[p]];
        swatch_line(root, x0, y, d.colors[p], 3.0, s)?;
        root.draw(&Text::new(
            a.id.clone(),
            (s.px(x0 + 32.0), s.px(y)),
            s.bold(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        root.draw(&Text::new(
            full_name(a).to_string(),
            (s.px(x0 + 70.0), s.px(y)),
            s.font(12.0)
                .color(&MUTED)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += 24.0;
    }
    y += 10.0;
    let y = legend_notes(root, d, x0, y, &events, &d.sc.actors[i].id, s)?;
    if !decisions.is_empty() {
        let (px, py, h) = (s.px(x0 + 12.0), s.px(y + 4.0), s.px(9.0));
        root.draw(&Polygon::new(
            vec![(px - h / 2, py - h), (px + h / 2, py - h), (px, py)],
            DECISION.filled(),
        ))?;
        root.draw(&Text::new(
            "decision (key below)".to_string(),
            (s.px(x0 + 32.0), s.px(y)),
            s.font(12.0)
                .color(&MUTED)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }

    // Event key: the events that involve this state; then the decisions that moved it.
    let events: Vec<&Mark> = events.iter().filter(|m| m.strong).collect();
    decision_key(
        root,
        &decisions,
        &d.sc.actors[i].id,
        HEIGHT as f64 + 4.0 + keys_height(events.len(), 0),
        WIDTH as f64,
        s,
    )?;
    if !events.is_empty() {
        let top = HEIGHT as f64 + 4.0;
        root.draw(&Text::new(
            format!("Scripted events involving {}", d.sc.actors[i].id),
            (s.px(20.0), s.px(top)),
            s.bold(13.0),
        ))?;
        let lines = key_lines(events.len());
        let shown = if events.len() > lines * KEY_COLS {
            lines * KEY_COLS - 1
        } else {
            events.len()
        };
        let col_w = (WIDTH as f64 - 40.0) / KEY_COLS as f64;
        for (k, m) in events.iter().take(shown).enumerate() {
            let (row, col) = (k / KEY_COLS, k % KEY_COLS);
            let text = truncate(&format!("{}  {}", m.number, m.label), 42);
            root.draw(&Text::new(
                text,
                (
                    s.px(20.0 + col as f64 * col_w),
                    s.px(top + 22.0 + row as f64 * KEY_LINE),
                ),
                s.font(12.0).color(&MUTED),
            ))?;
        }
        if shown < events.len() {
            let k = shown;
            let (row, col) = (k / KEY_COLS, k % KEY_COLS);
            root.draw(&Text::new(
                format!("… {} more (see report.html)", events.len() - shown),
                (
                    s.px(20.0 + col as f64 * col_w),
                    s.px(top + 22.0 + row as f64 * KEY_LINE),
                ),
                s.font(12.0).color(&MUTED),
            ))?;
        }
    }
    Ok(())
}

/// Formats a year tick: `2016` at a year boundary, else `2016-07`.
fn year_label(x: &f64) -> String {
    let y = x.floor();
    let m = ((x - y) * 12.0).round() as i32;
    if m == 0 || m == 12 {
        format!("{:.0}", x.round())
    } else {
        format!("{:.0}-{:02}", y, m + 1)
    }
}

/// One time-series panel in `area`: axes, event lines, and a line or fan per series. `root` is
/// the whole canvas, used to place event numbers above the plot.
#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    d: &Data,
    lines: &[Line],
    y_desc: &str,
    events: &[Mark],
    decisions: &[DecisionMark],
    numbered: bool,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = d.x_range();
    let lo = lines
        .iter()
        .flat_map(|l| l.fan.q[0].iter())
        .fold(0.0f64, |a, &b| a.min(b));
    let hi = lines
        .iter()
        .flat_map(|l| l.fan.q[4].iter())
        .fold(1.0f64, |a, &b| a.max(b));
    let top = if numbered && !events.is_empty() {
        BADGE_ROWS as f64 * BADGE_ROW_H + 8.0
    } else {
        8.0
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(s.u(top))
        .margin_left(s.u(8.0))
        .margin_right(s.u(24.0))
        .margin_bottom(s.u(6.0))
        .x_label_area_size(s.u(40.0))
        .y_label_area_size(s.u(64.0))
        .build_cartesian_2d(x0..x1, lo..hi)?;
    // Whole years on long runs; half or quarter years (labelled YYYY-MM) on runs of a few years.
    let span = x1 - x0;
    let n_labels = if span <= 3.0 {
        8
    } else {
        (span.ceil() as usize + 1).clamp(2, 12)
    };
    chart
        .configure_mesh()
        .x_labels(n_labels)
        .y_labels(6)
        .x_label_formatter(&year_label)
        .y_label_formatter(&|v| format!("{v:.1}"))
        .x_desc("year")
        .y_desc(y_desc)
        .label_style(s.font(12.0))
        .axis_desc_style(s.font(13.0))
        .bold_line_style(GRID.stroke_width(s.u(1.0).max(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED.stroke_width(s.u(1.0).max(1)))
        .draw()?;

    // Events: a line across the plot for those of the chart's state, a tick on the time axis
    // for the others.
    for m in events {
        if m.strong {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(m.x, lo), (m.x, hi)],
                EVENT.mix(STRONG).stroke_width(s.u(1.0).max(1)),
            )))?;
        } else {
            let (px, py) = chart.backend_coord(&(m.x, lo));
            root.draw(&PathElement::new(
                vec![(px, py), (px, py - s.px(TICK))],
                EVENT.mix(WEAK).stroke_width(s.u(1.5).max(1)),
            ))?;
        }
    }
    // Numbers of the dark ones above the plot, one badge per date, in staggered rows so close
    // dates stay readable.
    let mut row_end = [i32::MIN; BADGE_ROWS];
    for (x, label) in badges(if numbered { events } else { &[] }) {
        let (px, py) = chart.backend_coord(&(x, hi));
        let w = s.px(6.5 * label.chars().count() as f64 + 6.0);
        let row = (0..BADGE_ROWS)
            .find(|&r| row_end[r] < px - w / 2)
            .unwrap_or_else(|| (0..BADGE_ROWS).min_by_key(|&r| row_end[r]).unwrap_or(0));
        row_end[row] = px + w / 2;
        let y = py - s.px(4.0 + BADGE_ROW_H * row as f64);
        root.draw(&PathElement::new(
            vec![(px, py), (px, y)],
            EVENT.mix(STRONG).stroke_width(s.u(1.0).max(1)),
        ))?;
        root.draw(&Text::new(
            label,
            (px, y),
            s.font(11.0)
                .color(&MUTED)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
    }

    let multi = d.multi();
    for l in lines {
        let pts = |k: usize| d.x.iter().copied().zip(l.fan.q[k].iter().copied());
        if multi {
            for (a, b, alpha) in [(0, 4, 0.15), (1, 3, 0.30)] {
                let mut poly: Vec<(f64, f64)> = pts(b).collect();
                poly.extend(pts(a).collect::<Vec<_>>().into_iter().rev());
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    l.color.mix(alpha).filled(),
                )))?;
            }
        }
    }
    for l in lines {
        chart.draw_series(LineSeries::new(
            d.x.iter().copied().zip(l.fan.q[2].iter().copied()),
            l.color.stroke_width(s.u(2.5).max(1)),
        ))?;
    }
    // Decisions: a lettered ▼ along the bottom of the plot; decisions close in time step up in
    // rows so their letters stay apart.
    let mut row_end = [i32::MIN; BADGE_ROWS];
    for m in decisions {
        let (px, py) = chart.backend_coord(&(m.x, lo));
        let w = s.px(7.0 * m.letter.chars().count() as f64 + 8.0);
        let row = (0..BADGE_ROWS)
            .find(|&r| row_end[r] < px - w / 2)
            .unwrap_or_else(|| (0..BADGE_ROWS).min_by_key(|&r| row_end[r]).unwrap_or(0));
        row_end[row] = px + w / 2;
        let base = py - s.px(6.0 + 22.0 * row as f64);
        let h = s.px(9.0);
        root.draw(&Polygon::new(
            vec![(px - h / 2, base - h), (px + h / 2, base - h), (px, base)],
            DECISION.filled(),
        ))?;
        root.draw(&Text::new(
            m.letter.clone(),
            (px, base - h - s.px(1.0)),
            s.bold(11.0)
                .color(&DECISION)
                .pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))?;
    }
    Ok(())
}

/// The indices chart: four panels, one per index, sharing the time axis.
pub(super) fn indices<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &Data,
    title: &str,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    head(root, d, title, true, s)?;
    let (w, h) = (WIDTH as f64 + 40.0, 720.0);
    let foot = 34.0;
    let body = root
        .clone()
        .shrink((0, s.px(HEAD_H)), (s.u(w - 16.0), s.u(h - HEAD_H - foot)));
    let events = marks(d.sc, None);
    let colors = index_colors(d);
    let labels = index_labels(d);
    for (k, cell) in body.split_evenly((2, 2)).iter().enumerate() {
        let (cw, ch) = cell.dim_in_pixel();
        let fan = d.fan(|g, t| g.index(t, k).quantiles(FAN_QUANTILES));
        // Heading with a swatch: the panel's legend.
        let (bx, by) = cell.get_base_pixel();
        let y = by + s.px(12.0);
        root.draw(&PathElement::new(
            vec![(bx + s.px(70.0), y), (bx + s.px(94.0), y)],
            colors[k].stroke_width(s.u(3.0).max(1)),
        ))?;
        root.draw(&Text::new(
            truncate(&labels[k].0, 58),
            (bx + s.px(100.0), y),
            s.bold(13.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        let plot = cell
            .clone()
            .shrink((0, s.px(22.0)), (cw, ch.saturating_sub(s.u(22.0))));
        panel(
            root,
            &plot,
            d,
            &[Line {
                color: colors[k],
                fan,
            }],
            &labels[k].1,
            &events,
            &[],
            false,
            s,
        )?;
    }
    // Shared legend row: how to read fans and event lines.
    let y = h - foot / 2.0;
    let style = s
        .font(12.0)
        .color(&MUTED)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let mut x = 20.0;
    if d.multi() {
        x = fan_key(root, d, (x, y), &style, s, |i| {
            (if i == 0 { 190.0 } else { 170.0 }, 0.0)
        })?
        .0;
    }
    if !events.is_empty() {
        swatch_line(root, x, y, EVENT.mix(STRONG), 1.0, s)?;
        root.draw(&Text::new(
            "scripted event (numbered in the alignment charts)",
            (s.px(x + 30.0), s.px(y)),
            style.clone(),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_labels_show_whole_years_plainly() {
        assert_eq!(year_label(&2016.0), "2016");
        assert_eq!(year_label(&2015.5), "2015-07");
        assert_eq!(year_label(&2019.9999999), "2020");
    }

    #[test]
    fn truncate_keeps_short_text_and_marks_cuts() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
