//! The Ishigami function (Ishigami and Homma 1990), the usual test of Sobol estimators: three
//! factors uniform on `[-π, π]`, and indices known in closed form.

/// `a` in Sobol and Levitan (1999)'s setting, as in SALib's test function.
pub const A: f64 = 7.0;
/// `b` in Sobol and Levitan (1999)'s setting.
pub const B: f64 = 0.1;
/// Each factor's interval.
pub const BOUNDS: [(f64, f64); 3] = [
    (-std::f64::consts::PI, std::f64::consts::PI),
    (-std::f64::consts::PI, std::f64::consts::PI),
    (-std::f64::consts::PI, std::f64::consts::PI),
];

/// `sin x1 + a sin² x2 + b x3⁴ sin x1`.
pub fn eval(x: &[f64]) -> f64 {
    let (s1, s2) = (libm::sin(x[0]), libm::sin(x[1]));
    let x3 = x[2] * x[2];
    s1 + A * s2 * s2 + B * x3 * x3 * s1
}

/// The analytic first-order and total indices `(S1, ST)` of the three factors.
pub fn analytic() -> ([f64; 3], [f64; 3]) {
    let pi = std::f64::consts::PI;
    let pi4 = pi * pi * pi * pi;
    let v1 = 0.5 * (1.0 + B * pi4 / 5.0) * (1.0 + B * pi4 / 5.0);
    let v2 = A * A / 8.0;
    let v13 = B * B * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_analytic_indices_are_the_published_ones() {
        let (s1, st) = super::analytic();
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        assert_eq!(s1.map(round), [0.314, 0.442, 0.0]);
        assert_eq!(st.map(round), [0.558, 0.442, 0.244]);
    }
}
