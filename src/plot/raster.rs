//! The PNG drawing backend: plotters' bitmap backend with its own text rendering.
//!
//! plotters 0.3.7 draws `ab_glyph` text by placing each glyph's bitmap at the pen position
//! without the glyph's side bearing, truncated to whole pixels, so letters sit unevenly ("alignm
//! ent"). [`Raster`] forwards every shape to [`BitMapBackend`] and lays text out itself: glyphs at
//! sub-pixel pen positions with kerning, the embedded DejaVu Sans (regular or bold), and the same
//! anchoring and em size as the SVG output (font-size = size / 1.24, baseline 0.76 em below a
//! top anchor), so a chart's PNG and SVG look alike.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
};

/// Regular and bold DejaVu Sans.
fn faces() -> Option<&'static (FontRef<'static>, FontRef<'static>)> {
    static FACES: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            let regular = FontRef::try_from_slice(dejavu::sans::regular()).ok()?;
            let bold = FontRef::try_from_slice(dejavu::sans::bold()).ok()?;
            Some((regular, bold))
        })
        .as_ref()
}

/// Text of plotters size `size` in `style`: the face, its pixel scale and the em in pixels.
fn face(style: FontStyle, size: f64) -> Option<(&'static FontRef<'static>, PxScale, f32)> {
    let (regular, bold) = faces()?;
    let f = if matches!(style, FontStyle::Bold) {
        bold
    } else {
        regular
    };
    let em = (size / 1.24) as f32;
    let upem = f.units_per_em()?;
    let h = em * f.height_unscaled() / upem;
    Some((f, PxScale::from(h), em))
}

/// Width of `text` in pixels.
fn width(f: &FontRef<'static>, scale: PxScale, text: &str) -> f32 {
    let sf = f.as_scaled(scale);
    let mut x = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = sf.glyph_id(c);
        if let Some(p) = prev {
            x += sf.kern(p, id);
        }
        x += sf.h_advance(id);
        prev = Some(id);
    }
    x
}

/// A [`BitMapBackend`] that renders text properly.
pub(crate) struct Raster<'a>(pub BitMapBackend<'a>);

type Res = Result<(), DrawingErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>>;

impl DrawingBackend for Raster<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Res {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Res {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Res {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> Res {
        self.0.draw_line(from, to, s)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        s: &S,
        fill: bool,
    ) -> Res {
        self.0.draw_rect(ul, br, s, fill)
    }
    /// Thick paths as one quadrilateral per segment with round joins. plotters joins thick
    /// segments with unlimited mitres, which shoot thin spikes out of every sharp reversal of a
    /// jittery path (the SVG viewer's mitre limit avoids them there).
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Res {
        let width = s.stroke_width();
        let color = s.color();
        if width <= 1 || color.alpha == 0.0 {
            return self.0.draw_path(path, s);
        }
        let pts: Vec<BackendCoord> = path.into_iter().collect();
        let half = width as f64 / 2.0;
        for seg in pts.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
            let len = (dx * dx + dy * dy).sqrt();
            if len < 1e-9 {
                continue;
            }
            let (nx, ny) = (-dy / len * half, dx / len * half);
            let at = |p: BackendCoord, k: f64| {
                (
                    (p.0 as f64 + k * nx).round() as i32,
                    (p.1 as f64 + k * ny).round() as i32,
                )
            };
            self.0
                .fill_polygon([at(a, 1.0), at(b, 1.0), at(b, -1.0), at(a, -1.0)], &color)?;
        }
        if width >= 3 && pts.len() > 2 {
            let r = (half - 0.5).max(1.0) as u32;
            for p in &pts[1..pts.len() - 1] {
                self.0.draw_circle(*p, r, &color, true)?;
            }
        }
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, s: &S, fill: bool) -> Res {
        self.0.draw_circle(c, r, s, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        s: &S,
    ) -> Res {
        self.0.fill_polygon(vert, s)
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Res {
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        match face(style.style(), style.size()) {
            Some((f, scale, em)) => Ok((width(f, scale, text).ceil() as u32, em.ceil() as u32)),
            None => self.0.estimate_text_size(text, style),
        }
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Res {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let Some((f, scale, em)) = face(style.style(), style.size()) else {
            return self.0.draw_text(text, style, pos);
        };
        let sf = f.as_scaled(scale);
        let w = width(f, scale, text);
        let anchor = style.anchor();
        let x0 = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -w / 2.0,
            HPos::Right => -w,
        };
        // Baselines as in the SVG backend: dy = 0.76em, 0.5ex and -0.5ex.
        let ex = 0.55 * em;
        let baseline = match anchor.v_pos {
            VPos::Top => 0.76 * em,
            VPos::Center => 0.5 * ex,
            VPos::Bottom => -0.5 * ex,
        };
        let trans = style.transform();
        let (cw, ch) = self.0.get_size();
        let mut pen = x0;
        let mut prev = None;
        for c in text.chars() {
            let id = sf.glyph_id(c);
            if let Some(p) = prev {
                pen += sf.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(scale, point(pen, baseline));
            pen += sf.h_advance(id);
            let Some(outline) = f.outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            let mut result = Ok(());
            outline.draw(|gx, gy, cov| {
                if result.is_err() || cov <= 0.0 {
                    return;
                }
                let (dx, dy) =
                    trans.transform(b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                let (x, y) = (pos.0 + dx, pos.1 + dy);
                if x >= 0 && y >= 0 && (x as u32) < cw && (y as u32) < ch {
                    let a = color.alpha * cov.min(1.0) as f64;
                    result = self.0.draw_pixel(
                        (x, y),
                        BackendColor {
                            alpha: a,
                            rgb: color.rgb,
                        },
                    );
                }
            });
            result?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_faces_load_and_measure() {
        let (f, scale, em) = face(FontStyle::Normal, 12.4).expect("embedded font");
        assert!((em - 10.0).abs() < 1e-4);
        let wide = width(f, scale, "WWWW");
        let narrow = width(f, scale, "iiii");
        assert!(wide > 2.0 * narrow, "{wide} vs {narrow}");
        assert_eq!(width(f, scale, ""), 0.0);
    }

    #[test]
    fn text_leaves_ink_where_anchored() {
        let (w, h) = (120u32, 40u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        super::super::fonts().expect("fonts");
        {
            let root = Raster(BitMapBackend::with_buffer(&mut buf, (w, h))).into_drawing_area();
            root.draw(&Text::new(
                "Hello",
                (10, 10),
                ("sans-serif", 20.0).into_font().color(&BLACK),
            ))
            .expect("draw");
            root.present().expect("present");
        }
        let dark = |x0: u32, x1: u32| {
            (10..h)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|&(x, y)| buf[((y * w + x) * 3) as usize] < 128)
                .count()
        };
        assert!(dark(10, 70) > 40, "text drawn to the right of its anchor");
        assert_eq!(dark(0, 9), 0, "nothing left of a left anchor");
    }
}
