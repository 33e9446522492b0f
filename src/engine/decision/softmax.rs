//! The softmax that turns a state's scores into the alignment it favours, and the exponential
//! it needs.
//!
//! The exponential is computed here rather than taken from the platform or the `libm` crate, for
//! two reasons. Determinism: it is plain IEEE double arithmetic (no fused multiply-add, no
//! platform library), so the same scores give the same bits on every machine. Speed: every state
//! calls it for every patron at every step, and `libm`'s version ends with a division, the
//! slowest arithmetic instruction; this one has none.
//!
//! The method is the textbook table-driven one (Tang 1989, "Table-driven implementation of the
//! exponential function in IEEE floating-point arithmetic", ACM TOMS 15(2)): write
//! x = (64·m + j) · ln2/64 + r with |r| ≤ ln2/128, so that e^x = 2^m · 2^(j/64) · e^r; 2^m is
//! put into the exponent bits, 2^(j/64) read from a table of 64 values, and e^r is its Taylor
//! polynomial of degree 5 (the next term, r^6/720, is below 4·10^-17 of the result). The result
//! is within two units in the last place of `libm`'s (`exp_is_within_two_units_in_the_last_place`).
//! Arguments below -708 are taken as -708, where e^x is about 3.3 · 10^-308: the softmax's terms
//! are relative to the largest, which is 1, so nothing smaller matters, and the function needs
//! neither a branch nor the slow arithmetic of subnormal numbers.

/// 2^(j/64) for j = 0..64, each the double nearest the exact value (computed with Python's
/// `decimal` at 60 digits: `float(Decimal(2) ** (Decimal(j) / 64))`).
const TWO_TO_J_64: [f64; 64] = [
    1.0,
    1.0108892860517005,
    1.0218971486541166,
    1.0330248790212284,
    1.0442737824274138,
    1.0556451783605572,
    1.0671404006768237,
    1.0787607977571199,
    1.0905077326652577,
    1.102382583307841,
    1.1143867425958924,
    1.1265216186082418,
    1.1387886347566916,
    1.1511892299529827,
    1.1637248587775775,
    1.1763969916502812,
    1.189207115002721,
    1.202156731452703,
    1.215247359980469,
    1.22848053610687,
    1.241857812073484,
    1.255380757024691,
    1.2690509571917332,
    1.2828700160787783,
    1.2968395546510096,
    1.3109612115247644,
    1.3252366431597413,
    1.339667524053303,
    1.3542555469368927,
    1.3690024229745905,
    1.383909881963832,
    1.3989796725383112,
    std::f64::consts::SQRT_2,
    1.42961333839197,
    1.4451808069770467,
    1.460917794180647,
    1.4768261459394993,
    1.4929077282912648,
    1.5091644275934228,
    1.5255981507445384,
    1.5422108254079407,
    1.559004400237837,
    1.5759808451078865,
    1.593142151342267,
    1.6104903319492543,
    1.6280274218573478,
    1.645755478153965,
    1.6636765803267364,
    1.681792830507429,
    1.7001063537185235,
    1.718619298122478,
    1.7373338352737062,
    1.7562521603732995,
    1.7753764925265212,
    1.7947090750031072,
    1.8142521755003989,
    1.8340080864093424,
    1.8539791250833855,
    1.8741676341103,
    1.8945759815869656,
    1.9152065613971474,
    1.9360617934922943,
    1.9571441241754002,
    1.978456026387951,
];

/// 64 / ln 2.
const STEPS_PER_LN2: f64 = 92.33248261689366;
/// ln2 / 64 in two parts: `LN2_64_HI` has its last 20 bits zero, so `k · LN2_64_HI` is exact for
/// every `k` the function meets (|k| < 2^17), and `LN2_64_LO` is the rest.
const LN2_64_HI: f64 = 0.010830424695086549;
const LN2_64_LO: f64 = 1.162596423439437e-12;
/// Adding and subtracting 1.5 · 2^52 rounds a double below 2^51 in size to the nearest integer
/// (ties to even) in the current rounding mode, without a call.
const ROUND: f64 = 6_755_399_441_055_744.0;

/// The smallest argument [`exp`] takes as it is: e^-708 is about 3.3 · 10^-308, still a normal
/// double; below it the result would need the slower arithmetic of subnormal numbers.
pub const EXP_FLOOR: f64 = -708.0;

/// The largest argument [`exp`] takes as it is (e^709 is about 8.2 · 10^307; e^709.79 would
/// not be a finite double).
pub const EXP_CEILING: f64 = 709.0;

/// e^x within two units in the last place, with no branch and no division, for x from
/// [`EXP_FLOOR`] to [`EXP_CEILING`]; an argument outside is taken as the nearer end (below the
/// floor, e^x, 3.3 · 10^-308, stands for anything smaller: in the softmax, a share that small is
/// nothing), NaN gives NaN. The softmax only ever asks for x ≤ 0.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // Written so that NaN passes through (a comparison with NaN is false).
    let x = if x < EXP_FLOOR { EXP_FLOOR } else { x };
    let x = if x > EXP_CEILING { EXP_CEILING } else { x };
    let t = x * STEPS_PER_LN2 + ROUND;
    let kf = t - ROUND;
    // `t` lies in [2^52, 2^53), where a double's last bit is worth 1: the integer k sits in its
    // low bits, read without a float-to-integer conversion (and its checks). NaN stays in `r`.
    let k = (t.to_bits() as i64).wrapping_sub(ROUND.to_bits() as i64);
    let r = (x - kf * LN2_64_HI) - kf * LN2_64_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (0.16666666666666666
                    + r * (0.041666666666666664 + r * 0.008333333333333333))));
    TWO_TO_J_64[(k & 63) as usize] * p * f64::from_bits((((k >> 6) + 1023) as u64) << 52)
}

/// Softmax of `scores[..n]` at temperature `t`, into `out`: `out[p]` is
/// e^((score_p - max)/t) over the sum of these terms (the largest score's term is 1, so nothing
/// overflows).
#[inline(always)]
pub fn softmax(scores: &[f64], t: f64, out: &mut [f64]) {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let per_t = 1.0 / t;
    let mut sum = 0.0;
    for (o, &x) in out.iter_mut().zip(scores) {
        *o = exp((x - max) * per_t);
        sum += *o;
    }
    let per_sum = 1.0 / sum;
    for o in out.iter_mut().take(scores.len()) {
        *o *= per_sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two positive doubles.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn the_table_holds_powers_of_two() {
        for (j, &t) in TWO_TO_J_64.iter().enumerate() {
            assert!(ulps(t, libm::exp2(j as f64 / 64.0)) <= 1, "entry {j}");
        }
        assert_eq!(LN2_64_HI.to_bits() & ((1 << 20) - 1), 0);
        let ln2_64 = std::f64::consts::LN_2 / 64.0;
        assert!(((LN2_64_HI + LN2_64_LO) - ln2_64).abs() <= f64::EPSILON * ln2_64);
    }

    #[test]
    fn exp_is_within_two_units_in_the_last_place() {
        // Arguments across the whole range, denser where the softmax lives (-50 to 0).
        let mut worst = 0;
        let mut x = EXP_FLOOR;
        while x < EXP_CEILING {
            let step = if (-50.0..0.0).contains(&x) {
                1e-4
            } else {
                0.01
            };
            for y in [x, (x + step * 0.37).min(EXP_CEILING)] {
                worst = worst.max(ulps(exp(y), libm::exp(y)));
            }
            x += step;
        }
        assert!(worst <= 2, "worst {worst} ulp");
    }

    #[test]
    fn exp_at_the_edges() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert!(ulps(exp(1.0), std::f64::consts::E) <= 1);
        assert!(ulps(exp(709.0), libm::exp(709.0)) <= 2);
        // Below the floor, the floor.
        let floor = exp(EXP_FLOOR);
        assert!(floor > 3.3e-308 && floor < 3.4e-308);
        assert_eq!(exp(-800.0), floor);
        assert_eq!(exp(f64::NEG_INFINITY), floor);
        assert!(exp(f64::NAN).is_nan());
        // Above the ceiling, the ceiling: finite and positive, never a wrapped exponent.
        let ceiling = exp(EXP_CEILING);
        assert!(ceiling.is_finite() && ceiling > 8e307);
        assert_eq!(exp(710.0), ceiling);
        assert_eq!(exp(f64::INFINITY), ceiling);
    }
}
