//! The keys under and beside the time-series charts: the legend's notes (how to read fans and
//! event lines), the key to a fan chart, the key to the decisions marked on an alignment chart,
//! and the small pieces they share.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::events::{DecisionMark, Mark};
use super::{Data, DrawResult, MUTED, Scale};
use crate::output::text::truncate;

/// Line height of a key.
pub(super) const KEY_LINE: f64 = 18.0;
/// At most this many key lines; further entries are counted, not listed.
pub(super) const KEY_MAX_LINES: usize = 12;
/// Scripted-event lines.
pub(super) const EVENT: RGBColor = RGBColor(0x80, 0x80, 0x80);
/// Opacity of event lines that involve the chart's state, and of the others.
pub(super) const STRONG: f64 = 0.7;
pub(super) const WEAK: f64 = 0.6;
/// Height of the tick marking another state's event on the time axis.
pub(super) const TICK: f64 = 10.0;
/// Decision-key columns (a decision's sentence is longer than an event's label).
const DECISION_COLS: usize = 2;

/// How many of `n` decisions the chart's key lists (the last line says how many more there
/// are; the report's caption lists those).
pub(super) fn decisions_shown(n: usize) -> usize {
    let lines = decision_lines(n);
    if n > lines * DECISION_COLS {
        lines * DECISION_COLS - 1
    } else {
        n
    }
}

/// Lines the decision key takes for `n` decisions.
pub(super) fn decision_lines(n: usize) -> usize {
    n.div_ceil(DECISION_COLS).min(KEY_MAX_LINES)
}

/// The key to the decision marks under an alignment chart, from `top`.
pub(super) fn decision_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    decisions: &[DecisionMark],
    state: &str,
    top: f64,
    width: f64,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    if decisions.is_empty() {
        return Ok(());
    }
    root.draw(&Text::new(
        format!("Decisions that moved {state} (▼ on the chart)"),
        (s.px(20.0), s.px(top)),
        s.bold(13.0),
    ))?;
    let lines = decision_lines(decisions.len());
    let shown = decisions_shown(decisions.len());
    let col_w = (width - 40.0) / DECISION_COLS as f64;
    let at = |k: usize| {
        let (row, col) = (k % lines, k / lines);
        (
            s.px(20.0 + col as f64 * col_w),
            s.px(top + 22.0 + row as f64 * KEY_LINE),
        )
    };
    for (k, m) in decisions.iter().take(shown).enumerate() {
        let (x, y) = at(k);
        root.draw(&Text::new(m.letter.clone(), (x, y), s.bold(12.0)))?;
        // The sentence without its scores (they are in report.html and events.csv).
        let text = m.text.split_once(": ").map_or(m.text.as_str(), |(t, _)| t);
        root.draw(&Text::new(
            truncate(text, 64),
            (x + s.px(22.0), y),
            s.font(12.0).color(&MUTED),
        ))?;
    }
    if shown < decisions.len() {
        root.draw(&Text::new(
            format!("… {} more (see report.html)", decisions.len() - shown),
            at(shown),
            s.font(12.0).color(&MUTED),
        ))?;
    }
    Ok(())
}

/// The key to a fan chart — the median line, then the 50 % and 90 % bands — from `at`, moving by
/// `step(i)` after entry `i`. Returns the position after the last entry.
pub(super) fn fan_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &Data,
    at: (f64, f64),
    style: &TextStyle,
    s: Scale,
    step: impl Fn(usize) -> (f64, f64),
) -> Result<(f64, f64), Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let (mut x, mut y) = at;
    let advance = |i: usize, x: &mut f64, y: &mut f64| {
        let (dx, dy) = step(i);
        *x += dx;
        *y += dy;
    };
    swatch_line(root, x, y, MUTED, 2.5, s)?;
    root.draw(&Text::new(
        format!("median of {} runs", d.runs()),
        (s.px(x + 32.0), s.px(y)),
        style.clone(),
    ))?;
    advance(0, &mut x, &mut y);
    for (i, (alpha, label)) in [(0.35, "middle 50 % of runs"), (0.15, "middle 90 % of runs")]
        .into_iter()
        .enumerate()
    {
        root.draw(&Rectangle::new(
            [(s.px(x), s.px(y - 6.0)), (s.px(x + 24.0), s.px(y + 6.0))],
            MUTED.mix(alpha).filled(),
        ))?;
        root.draw(&Text::new(label, (s.px(x + 32.0), s.px(y)), style.clone()))?;
        advance(i + 1, &mut x, &mut y);
    }
    Ok((x, y))
}

/// Notes under a legend: how to read fans and event lines. Returns the next free y.
pub(super) fn legend_notes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &Data,
    x0: f64,
    mut y: f64,
    events: &[Mark],
    focus: &str,
    s: Scale,
) -> Result<f64, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let style = s
        .font(12.0)
        .color(&MUTED)
        .pos(Pos::new(HPos::Left, VPos::Center));
    if d.multi() {
        y = fan_key(root, d, (x0, y), &style, s, |_| (0.0, 22.0))?.1;
    }
    if events.iter().any(|m| m.strong) {
        swatch_line(root, x0, y, EVENT.mix(STRONG), 1.0, s)?;
        root.draw(&Text::new(
            format!("event involving {focus}"),
            (s.px(x0 + 32.0), s.px(y)),
            style.clone(),
        ))?;
        y += 22.0;
    }
    if events.iter().any(|m| !m.strong) {
        root.draw(&PathElement::new(
            vec![
                (s.px(x0 + 12.0), s.px(y + TICK / 2.0)),
                (s.px(x0 + 12.0), s.px(y - TICK / 2.0)),
            ],
            EVENT.mix(WEAK).stroke_width(s.u(1.5).max(1)),
        ))?;
        root.draw(&Text::new(
            "other scripted event (tick)",
            (s.px(x0 + 32.0), s.px(y)),
            style.clone(),
        ))?;
        y += 22.0;
    }
    Ok(y)
}

/// A short line in `color` as a legend swatch, from `x0` at height `y`.
pub(super) fn swatch_line<DB: DrawingBackend, C: Color>(
    root: &DrawingArea<DB, Shift>,
    x0: f64,
    y: f64,
    color: C,
    width: f64,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.draw(&PathElement::new(
        vec![(s.px(x0), s.px(y)), (s.px(x0 + 24.0), s.px(y))],
        color.stroke_width(s.u(width).max(1)),
    ))?;
    Ok(())
}
