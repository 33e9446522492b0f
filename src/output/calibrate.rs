//! A calibration's tables: the accepted sample of every generation (`calibration.csv`, tidy:
//! one row per generation, particle and parameter), the posterior's summary per parameter
//! (`posterior.csv`) and the distance's terms at the posterior median and at the defaults
//! (`distance.csv`).

use std::fmt::Write as _;

use super::csv::csv_field;
use crate::runs::calibrate::Calibration;

/// `calibration.csv`: `generation,epsilon,particle,born,weight,distance,out_of_sample_distance,
/// parameter,value`, one row per kept particle and parameter, generations in order, particles
/// nearest first. The weights are normalised to sum to 1 within a generation.
pub fn sample_csv(c: &Calibration) -> String {
    let mut o = String::from(
        "generation,epsilon,particle,born,weight,distance,out_of_sample_distance,parameter,value\n",
    );
    for (pop, outs) in c.populations.iter().zip(&c.out_of_sample) {
        let total: f64 = pop.particles.iter().map(|p| p.weight).sum();
        for (k, (p, out)) in pop.particles.iter().zip(outs).enumerate() {
            let w = if total > 0.0 { p.weight / total } else { 0.0 };
            for (param, v) in c.params.iter().zip(&p.theta) {
                let _ = writeln!(
                    o,
                    "{},{:.6},{k},{},{w:.6},{:.6},{out:.6},{},{v:.6}",
                    pop.generation,
                    pop.epsilon,
                    p.born,
                    p.distance,
                    csv_field(&param.key)
                );
            }
        }
    }
    o
}

/// `posterior.csv`: per parameter, its prior, its default, and the posterior's weighted
/// median, 5 % and 95 % quantiles, mean and standard deviation, and whether the default lies
/// within the 5–95 % interval.
pub fn posterior_csv(c: &Calibration) -> String {
    let mut o = String::from(
        "parameter,prior_min,prior_max,default,median,p5,p95,mean,sd,default_inside_90\n",
    );
    let post = c.posterior();
    for (i, p) in c.params.iter().enumerate() {
        let (mean, sd) = post.mean_sd(i);
        let _ = writeln!(
            o,
            "{},{},{},{},{:.6},{:.6},{:.6},{mean:.6},{sd:.6},{}",
            csv_field(&p.key),
            p.min,
            p.max,
            p.default,
            post.quantile(i, 0.5),
            post.quantile(i, 0.05),
            post.quantile(i, 0.95),
            c.default_inside(i)
        );
    }
    o
}

/// `distance.csv`: every term of the distance at the posterior median and at the defaults
/// (`point,sample,kind,name,year,value`), then each point's in- and out-of-sample distance
/// (kind `distance`).
pub fn distance_csv(c: &Calibration) -> String {
    let mut o = String::from("point,sample,kind,name,year,value\n");
    for (name, point) in [("posterior_median", &c.median), ("defaults", &c.defaults)] {
        for t in &point.score.terms {
            let _ = writeln!(
                o,
                "{name},{},{},{},{},{:.6}",
                if t.in_sample { "in" } else { "out" },
                t.kind.name(),
                csv_field(&t.name),
                t.year,
                t.value
            );
        }
        for (sample, inside) in [("in", true), ("out", false)] {
            let _ = writeln!(
                o,
                "{name},{sample},distance,all,,{:.6}",
                point.score.distance(inside)
            );
        }
    }
    o
}
