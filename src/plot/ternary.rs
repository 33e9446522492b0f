//! The ternary chart: every state's path through the triangle whose corners are the three
//! patrons. A state's position is the barycentric combination of the corners weighted by its
//! alignment shares, so a state wholly aligned with one patron sits on that patron's corner and
//! an even three-way balance sits at the centre.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Data, DrawResult, FAN_QUANTILES, MUTED, STATE_COLORS, Scale, full_name, series::head};
use crate::output::text::truncate;

/// Logical canvas size.
const WIDTH: u32 = 960;
const HEIGHT: u32 = 780;
/// Left edge of the legend column.
const LEGEND_X: f64 = 770.0;

/// Corners of the triangle in logical pixels: slot 0 bottom left, slot 1 bottom right, slot 2
/// top. Equilateral: every side is `SIDE` long.
const SIDE: f64 = 640.0;
const CX: f64 = 385.0;
const BASE_Y: f64 = 690.0;

pub(super) fn corners() -> [(f64, f64); 3] {
    let h = SIDE * 3f64.sqrt() / 2.0;
    [
        (CX - SIDE / 2.0, BASE_Y),
        (CX + SIDE / 2.0, BASE_Y),
        (CX, BASE_Y - h),
    ]
}

/// The point of `shares` (one per patron, normalised here) in the triangle with corners `v`.
pub(crate) fn barycentric(v: &[(f64, f64); 3], shares: [f64; 3]) -> (f64, f64) {
    let sum: f64 = shares.iter().sum();
    let w = if sum > 0.0 {
        shares.map(|x| x / sum)
    } else {
        [1.0 / 3.0; 3]
    };
    (
        w[0] * v[0].0 + w[1] * v[1].0 + w[2] * v[2].0,
        w[0] * v[0].1 + w[1] * v[1].1 + w[2] * v[2].1,
    )
}

/// Years between the ticks on a path: 1 over up to 8 years, 2 up to 16, else 5 (so a long
/// replay's paths are not hatched).
pub(super) fn tick_years(first: i32, last: i32) -> i32 {
    match last - first {
        ..=8 => 1,
        9..=16 => 2,
        _ => 5,
    }
}

/// Name, title, caption and logical size of the ternary chart.
pub(super) fn meta(d: &Data) -> (String, String, String, (u32, u32)) {
    let ids: Vec<&str> = (0..3).map(|p| d.sc.patron_id(p)).collect();
    let caption = format!(
        "Each state's path through the {} triangle from {} (open circle) to {} (filled circle, \
         labelled); a state's position weights each corner by its share toward that patron, \
         ticks mark {}{}.",
        ids.join("–"),
        d.first.dates[0],
        d.first.dates[d.t - 1],
        match tick_years(d.first.dates[0].year(), d.first.dates[d.t - 1].year()) {
            1 => "each new year".to_string(),
            n => format!("the start of every year divisible by {n}"),
        },
        if d.multi() {
            "; paths follow the median shares across runs"
        } else {
            ""
        }
    );
    (
        "ternary".to_string(),
        format!("Alignment paths in the {} triangle", ids.join("–")),
        caption,
        (WIDTH, HEIGHT),
    )
}

/// A placed label's box, logical pixels.
#[derive(Clone, Copy, Debug)]
struct Boxed {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Boxed {
    fn overlaps(&self, o: &Boxed) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// Where to put a label of size `(w, h)` next to point `p`: the first of a ring of candidate
/// spots that overlaps nothing placed so far (or the first spot if all do).
fn place(p: (f64, f64), (w, h): (f64, f64), taken: &[Boxed]) -> Boxed {
    let gap = 8.0;
    let spots = [
        (gap, -h / 2.0),
        (-gap - w, -h / 2.0),
        (-w / 2.0, -gap - h),
        (-w / 2.0, gap),
        (gap, -gap - h),
        (gap, gap),
        (-gap - w, -gap - h),
        (-gap - w, gap),
        (gap, -h / 2.0 - h - 2.0),
        (gap, h / 2.0 + 2.0),
        (-gap - w, -h / 2.0 - h - 2.0),
        (-gap - w, h / 2.0 + 2.0),
    ];
    let boxed = |(dx, dy): (f64, f64)| Boxed {
        x0: p.0 + dx,
        y0: p.1 + dy,
        x1: p.0 + dx + w,
        y1: p.1 + dy + h,
    };
    spots
        .iter()
        .map(|&o| boxed(o))
        .find(|b| !taken.iter().any(|t| t.overlaps(b)))
        .unwrap_or_else(|| boxed(spots[0]))
}

/// The ternary chart.
pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &Data,
    title: &str,
    s: Scale,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    head(root, d, title, false, s)?;
    let v = corners();
    let px = |p: (f64, f64)| (s.px(p.0), s.px(p.1));
    let lerp =
        |a: (f64, f64), b: (f64, f64), t: f64| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
    let centre = barycentric(&v, [1.0; 3]);

    // Grid: lines of equal share toward each patron, in that patron's colour, labelled where
    // they meet the edge running from the patron's corner to the next corner.
    for k in 0..3 {
        let (j, l) = ((k + 1) % 3, (k + 2) % 3);
        let color = d.colors[k];
        for step in 1..5 {
            let c = step as f64 * 0.2;
            let p1 = lerp(v[j], v[k], c);
            let p2 = lerp(v[l], v[k], c);
            root.draw(&PathElement::new(
                vec![px(p1), px(p2)],
                color.mix(0.22).stroke_width(s.u(1.0).max(1)),
            ))?;
            // Outward from the triangle's centre, perpendicular to edge k-j.
            let (ex, ey) = (v[j].0 - v[k].0, v[j].1 - v[k].1);
            let len = (ex * ex + ey * ey).sqrt();
            let mut n = (-ey / len, ex / len);
            let mid = lerp(v[k], v[j], 0.5);
            if (mid.0 - centre.0) * n.0 + (mid.1 - centre.1) * n.1 < 0.0 {
                n = (-n.0, -n.1);
            }
            let tick_end = (p1.0 + n.0 * 6.0, p1.1 + n.1 * 6.0);
            root.draw(&PathElement::new(
                vec![px(p1), px(tick_end)],
                color.stroke_width(s.u(1.0).max(1)),
            ))?;
            let at = (p1.0 + n.0 * 18.0, p1.1 + n.1 * 14.0);
            root.draw(&Text::new(
                format!("{c:.1}"),
                px(at),
                s.font(11.0)
                    .color(&color)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }
    }
    // Edges.
    root.draw(&PathElement::new(
        vec![px(v[0]), px(v[1]), px(v[2]), px(v[0])],
        MUTED.stroke_width(s.u(1.5).max(1)),
    ))?;
    // Centre: an even three-way balance.
    let c = px(centre);
    let arm = s.px(4.0);
    for (a, b) in [
        ((c.0 - arm, c.1), (c.0 + arm, c.1)),
        ((c.0, c.1 - arm), (c.0, c.1 + arm)),
    ] {
        root.draw(&PathElement::new(
            vec![a, b],
            MUTED.stroke_width(s.u(1.0).max(1)),
        ))?;
    }

    // Corner labels and edge titles: each edge carries the shares of the patron at its start.
    let ids: Vec<String> = (0..3).map(|p| d.sc.patron_id(p).to_string()).collect();
    let names: Vec<String> = (0..3)
        .map(|p| full_name(&d.sc.actors[d.sc.patrons[p]]).to_string())
        .collect();
    let corner_pos = [
        (v[0].0, v[0].1 + 14.0),
        (v[1].0, v[1].1 + 14.0),
        (v[2].0, v[2].1 - 44.0),
    ];
    let h = HPos::Center;
    for (k, &(x, y)) in corner_pos.iter().enumerate() {
        root.draw(&Text::new(
            ids[k].clone(),
            px((x, y)),
            s.bold(18.0).color(&d.colors[k]).pos(Pos::new(h, VPos::Top)),
        ))?;
        root.draw(&Text::new(
            names[k].clone(),
            px((x, y + 20.0)),
            s.font(11.0).color(&MUTED).pos(Pos::new(h, VPos::Top)),
        ))?;
    }
    let edge_titles = [
        (
            lerp(v[0], v[1], 0.5),
            (0.0, 38.0),
            format!("← share toward {}", ids[0]),
            HPos::Center,
        ),
        (
            lerp(v[1], v[2], 0.5),
            (34.0, 0.0),
            format!("share toward {} ↘", ids[1]),
            HPos::Left,
        ),
        (
            lerp(v[2], v[0], 0.5),
            (-34.0, 0.0),
            format!("share toward {} ↗", ids[2]),
            HPos::Right,
        ),
    ];
    for (k, (p, off, text, h)) in edge_titles.into_iter().enumerate() {
        root.draw(&Text::new(
            text,
            px((p.0 + off.0, p.1 + off.1)),
            s.font(13.0)
                .color(&d.colors[k])
                .pos(Pos::new(h, VPos::Center)),
        ))?;
    }

    // Paths.
    let states: Vec<usize> = d.sc.states().collect();
    let dates = &d.first.dates;
    let mut taken: Vec<Boxed> = Vec::new();
    let mut ends = Vec::new();
    for (j, &i) in states.iter().enumerate() {
        let color = STATE_COLORS[j % STATE_COLORS.len()];
        let med: Vec<Vec<f64>> = (0..3)
            .map(|p| d.fan(|g, t| g.share(t, i, p).quantiles(FAN_QUANTILES)).q[2].clone())
            .collect();
        let pts: Vec<(f64, f64)> = (0..d.t)
            .map(|t| barycentric(&v, [med[0][t], med[1][t], med[2][t]]))
            .collect();
        root.draw(&PathElement::new(
            pts.iter().map(|&p| px(p)).collect::<Vec<_>>(),
            color.stroke_width(s.u(2.0).max(1)),
        ))?;
        // Year ticks: short strokes across the path at the first date of every `every` years.
        let every = tick_years(dates[0].year(), dates[d.t - 1].year());
        for t in 1..d.t {
            if dates[t].year() == dates[t - 1].year() || dates[t].year() % every != 0 {
                continue;
            }
            let a = pts[t - 1];
            let b = pts[(t + 1).min(d.t - 1)];
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len = (dx * dx + dy * dy).sqrt();
            if len < 0.5 {
                root.draw(&Circle::new(px(pts[t]), s.u(1.8), color.filled()))?;
            } else {
                let n = (-dy / len * 5.0, dx / len * 5.0);
                root.draw(&PathElement::new(
                    vec![
                        px((pts[t].0 - n.0, pts[t].1 - n.1)),
                        px((pts[t].0 + n.0, pts[t].1 + n.1)),
                    ],
                    color.stroke_width(s.u(1.5).max(1)),
                ))?;
            }
        }
        root.draw(&Circle::new(
            px(pts[0]),
            s.u(5.0),
            color.stroke_width(s.u(1.5).max(1)),
        ))?;
        let end = pts[d.t - 1];
        root.draw(&Circle::new(px(end), s.u(5.5), color.filled()))?;
        taken.push(Boxed {
            x0: end.0 - 6.0,
            y0: end.1 - 6.0,
            x1: end.0 + 6.0,
            y1: end.1 + 6.0,
        });
        ends.push((end, color, d.sc.actors[i].id.clone()));
    }
    // End labels, placed so that they do not overlap each other or the end markers.
    let style = s.bold(13.0);
    for (end, color, id) in ends {
        let (w, h) = root.estimate_text_size(&id, &style)?;
        let size = (w as f64 / s.0 + 2.0, h as f64 / s.0 + 2.0);
        let b = place(end, size, &taken);
        taken.push(b);
        // A light halo keeps the label readable over the paths.
        root.draw(&Rectangle::new(
            [px((b.x0, b.y0)), px((b.x1, b.y1))],
            WHITE.mix(0.75).filled(),
        ))?;
        root.draw(&Text::new(
            id,
            px((b.x0 + 1.0, b.y0 + 1.0)),
            style.clone().color(&color),
        ))?;
    }

    // Legend column.
    let x0 = LEGEND_X;
    let mut y = 100.0;
    root.draw(&Text::new("States", px((x0, y - 8.0)), s.bold(13.0)))?;
    y += 18.0;
    let note = s
        .font(12.0)
        .color(&MUTED)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (j, &i) in states.iter().enumerate() {
        let color = STATE_COLORS[j % STATE_COLORS.len()];
        root.draw(&PathElement::new(
            vec![px((x0, y)), px((x0 + 22.0, y))],
            color.stroke_width(s.u(2.5).max(1)),
        ))?;
        let a = &d.sc.actors[i];
        root.draw(&Text::new(
            a.id.clone(),
            px((x0 + 28.0, y)),
            s.bold(12.0)
                .color(&color)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        root.draw(&Text::new(
            truncate(full_name(a), 16),
            px((x0 + 66.0, y)),
            note.clone(),
        ))?;
        y += 20.0;
    }
    y += 12.0;
    let gray = MUTED;
    root.draw(&Circle::new(
        px((x0 + 11.0, y)),
        s.u(5.0),
        gray.stroke_width(s.u(1.5).max(1)),
    ))?;
    root.draw(&Text::new(
        format!("start {}", dates[0]),
        px((x0 + 28.0, y)),
        note.clone(),
    ))?;
    y += 20.0;
    root.draw(&Circle::new(px((x0 + 11.0, y)), s.u(5.5), gray.filled()))?;
    root.draw(&Text::new(
        format!("end {}", dates[d.t - 1]),
        px((x0 + 28.0, y)),
        note.clone(),
    ))?;
    y += 20.0;
    root.draw(&PathElement::new(
        vec![px((x0 + 11.0, y - 5.0)), px((x0 + 11.0, y + 5.0))],
        gray.stroke_width(s.u(1.5).max(1)),
    ))?;
    root.draw(&Text::new(
        match tick_years(d.first.dates[0].year(), d.first.dates[d.t - 1].year()) {
            1 => "each new year".to_string(),
            n => format!("every {n} years"),
        },
        px((x0 + 28.0, y)),
        note.clone(),
    ))?;
    y += 20.0;
    root.draw(&Text::new(
        "+ even balance",
        px((x0 + 6.0, y)),
        note.clone(),
    ))?;
    if d.multi() {
        y += 20.0;
        root.draw(&Text::new(
            format!("median of {} runs", d.runs()),
            px((x0, y)),
            note.clone(),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn triangle_is_equilateral() {
        let v = corners();
        let d = |a: (f64, f64), b: (f64, f64)| {
            ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).sqrt()
        };
        for (a, b) in [(0, 1), (1, 2), (2, 0)] {
            assert!((d(v[a], v[b]) - SIDE).abs() < 1e-9);
        }
    }

    #[test]
    fn full_alignment_sits_on_the_patrons_corner() {
        let v = corners();
        assert!(close(barycentric(&v, [1.0, 0.0, 0.0]), v[0]));
        assert!(close(barycentric(&v, [0.0, 1.0, 0.0]), v[1]));
        assert!(close(barycentric(&v, [0.0, 0.0, 1.0]), v[2]));
    }

    #[test]
    fn even_balance_sits_at_the_centroid_and_halves_on_edge_midpoints() {
        let v = corners();
        let c = (
            (v[0].0 + v[1].0 + v[2].0) / 3.0,
            (v[0].1 + v[1].1 + v[2].1) / 3.0,
        );
        assert!(close(barycentric(&v, [1.0, 1.0, 1.0]), c));
        let mid = ((v[0].0 + v[1].0) / 2.0, (v[0].1 + v[1].1) / 2.0);
        assert!(close(barycentric(&v, [0.5, 0.5, 0.0]), mid));
    }

    #[test]
    fn labels_avoid_what_is_already_placed() {
        let first = place((100.0, 100.0), (30.0, 12.0), &[]);
        let second = place((100.0, 100.0), (30.0, 12.0), &[first]);
        assert!(!first.overlaps(&second));
    }
}
