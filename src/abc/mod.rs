//! Approximate Bayesian computation (ABC) as pure maths that knows nothing of the model: the
//! adaptive population Monte Carlo algorithm of Lenormand, Jabot and Deffuant (2013, "Adaptive
//! approximate Bayesian computation for complex models", *Computational Statistics* 28:
//! 2777–2796), the ABC-SMC variant OpenMOLE offers for agent-based models.
//!
//! ABC samples the parameters θ that make a stochastic model reproduce what was observed,
//! without a likelihood: draw θ, simulate, keep θ when the simulation's distance to the data is
//! within a tolerance ε (Pritchard et al. 1999). Population Monte Carlo ABC (Beaumont, Cornuet,
//! Marin and Robert 2009, *Biometrika* 96: 983–990; Toni et al. 2009, *J. R. Soc. Interface* 6:
//! 187–202) lowers ε over generations, each drawing its proposals around the previous
//! generation's particles with a Gaussian kernel of twice their variance and weighting them by
//! prior over proposal density, so that the weighted sample stays a sample of the ABC
//! posterior. Lenormand et al.'s adaptive version fixes the cost of every generation and
//! chooses ε itself:
//!
//! 1. generation 0 draws `N` particles from the prior; ε₁ is the α-quantile of their
//!    distances and the `N_α = ⌈αN⌉` nearest are kept, with weight 1;
//! 2. each later generation draws `N − N_α` proposals from the kept particles (picked by
//!    weight, moved by the kernel, truncated to the prior's box), weights each by
//!    `π(θ) / Σⱼ w̃ⱼ Kσ(θ − θⱼ)`, and records `p_acc`, the share of them within the current ε;
//!    the kept and the new particles together give the next ε (their α-quantile) and the next
//!    kept `N_α`;
//! 3. it stops when `p_acc` falls below `p_acc_min` (new proposals hardly ever beat the
//!    tolerance: the posterior has stopped shrinking) or after the last generation allowed.
//!
//! The prior is uniform on a box; the kernel is Gaussian per coordinate (a diagonal
//! covariance, twice the kept particles' weighted variance, as Beaumont et al. 2009). The caller
//! simulates: [`Apmc::propose`] gives a generation's proposals, the caller computes their
//! distances in any order or in parallel, and [`Apmc::update`] takes them back in proposal
//! order. Every random draw comes from a ChaCha8 generator seeded by (seed, generation), so the
//! sample is the same on every machine and thread count.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What makes a calibration impossible to set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbcError {
    /// No parameter to calibrate.
    #[error("no parameter to calibrate")]
    NoParameters,
    /// A prior interval that is empty or not finite.
    #[error("parameter {index}: the prior interval {min}:{max} is empty or not finite")]
    Interval {
        /// The parameter's position.
        index: usize,
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Too few particles to keep a population.
    #[error("{0} particles: at least 4 are needed (2 kept, 2 new per generation)")]
    Particles(usize),
    /// No generation to run.
    #[error("0 generations: at least 1 (the draw from the prior) is needed")]
    Generations,
    /// A fraction outside (0, 1).
    #[error("{name} = {value}: must be above 0 and below 1")]
    Fraction {
        /// Which setting.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// Distances that do not match the proposals.
    #[error("{got} distances for {want} proposals")]
    Distances {
        /// Distances given.
        got: usize,
        /// Proposals made.
        want: usize,
    },
}

/// A uniform prior on a box: parameter `i` uniform on `[min[i], max[i]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Prior {
    /// Lower ends.
    pub min: Vec<f64>,
    /// Upper ends.
    pub max: Vec<f64>,
}

impl Prior {
    /// Number of parameters.
    pub fn dim(&self) -> usize {
        self.min.len()
    }

    /// The prior density (constant inside the box).
    fn density(&self) -> f64 {
        1.0 / self
            .min
            .iter()
            .zip(&self.max)
            .map(|(a, b)| b - a)
            .product::<f64>()
    }

    fn contains(&self, theta: &[f64]) -> bool {
        theta
            .iter()
            .zip(self.min.iter().zip(&self.max))
            .all(|(x, (a, b))| *a <= *x && *x <= *b)
    }
}

/// The algorithm's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Particles per generation, `N`.
    pub particles: usize,
    /// Share of the particles kept from one generation to the next, α (Lenormand et al. use 0.5).
    pub alpha: f64,
    /// Stop when fewer than this share of a generation's proposals fall within the current
    /// tolerance (Lenormand et al. use 0.01 to 0.05).
    pub p_acc_min: f64,
    /// The most generations, generation 0 (the prior) included.
    pub generations: usize,
}

impl Settings {
    /// The particles kept, `N_α = ⌈αN⌉`, at least 2 and at most `N − 2`.
    pub fn kept(&self) -> usize {
        let k = libm::ceil(self.alpha * self.particles as f64) as usize;
        k.clamp(2, self.particles.saturating_sub(2).max(2))
    }

    /// Simulations the whole calibration runs at most.
    pub fn max_simulations(&self) -> usize {
        self.particles + self.generations.saturating_sub(1) * (self.particles - self.kept())
    }
}

/// One particle: a parameter set, its distance, its importance weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Particle {
    /// The parameter values.
    pub theta: Vec<f64>,
    /// Its distance to the data.
    pub distance: f64,
    /// Its importance weight (unnormalised).
    pub weight: f64,
    /// The generation that proposed it.
    pub born: usize,
    /// Its place among that generation's proposals.
    pub index: usize,
}

/// The population a generation leaves: the kept particles and the tolerance.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// The generation (0: drawn from the prior).
    pub generation: usize,
    /// The tolerance: the largest distance among the kept particles.
    pub epsilon: f64,
    /// The share of this generation's proposals within the previous tolerance (1 for
    /// generation 0).
    pub p_acc: f64,
    /// Simulations run so far, this generation's included.
    pub simulations: usize,
    /// The kept particles, nearest first.
    pub particles: Vec<Particle>,
}

impl Population {
    /// The weighted `q` quantile of parameter `i` (the inverse of the weighted empirical
    /// distribution: the smallest value whose cumulative weight reaches `q`).
    pub fn quantile(&self, i: usize, q: f64) -> f64 {
        let mut v: Vec<(f64, f64)> = self
            .particles
            .iter()
            .map(|p| (p.theta[i], p.weight))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = v.iter().map(|x| x.1).sum();
        let mut acc = 0.0;
        for (x, w) in &v {
            acc += w;
            if acc >= q * total - 1e-12 * total {
                return *x;
            }
        }
        v.last().map_or(f64::NAN, |x| x.0)
    }

    /// The weighted mean and standard deviation of parameter `i`.
    pub fn mean_sd(&self, i: usize) -> (f64, f64) {
        weighted_mean_var(&self.particles, i)
            .map_or((f64::NAN, f64::NAN), |(m, v)| (m, v.max(0.0).sqrt()))
    }

    /// The effective sample size of the weights, `(Σw)² / Σw²` (Kish).
    pub fn ess(&self) -> f64 {
        let s: f64 = self.particles.iter().map(|p| p.weight).sum();
        let s2: f64 = self.particles.iter().map(|p| p.weight * p.weight).sum();
        if s2 > 0.0 { s * s / s2 } else { 0.0 }
    }
}

fn weighted_mean_var(ps: &[Particle], i: usize) -> Option<(f64, f64)> {
    let w: f64 = ps.iter().map(|p| p.weight).sum();
    if ps.is_empty() || w <= 0.0 {
        return None;
    }
    let m = ps.iter().map(|p| p.weight * p.theta[i]).sum::<f64>() / w;
    let v = ps
        .iter()
        .map(|p| p.weight * (p.theta[i] - m) * (p.theta[i] - m))
        .sum::<f64>()
        / w;
    Some((m, v))
}

/// The standard normal distribution function, from the portable `erf`.
fn phi(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
}

/// A standard normal draw (Box–Muller, portable maths).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
}

/// The adaptive population Monte Carlo sampler (see the module's header).
#[derive(Clone, Debug)]
pub struct Apmc {
    prior: Prior,
    settings: Settings,
    seed: u64,
    /// Every generation's population so far.
    history: Vec<Population>,
    /// Whether the stopping rule has been met.
    done: bool,
}

impl Apmc {
    /// A sampler with its settings checked.
    pub fn new(prior: Prior, settings: Settings, seed: u64) -> Result<Apmc, AbcError> {
        if prior.dim() == 0 {
            return Err(AbcError::NoParameters);
        }
        for (index, (&min, &max)) in prior.min.iter().zip(&prior.max).enumerate() {
            if !(min.is_finite() && max.is_finite() && min < max) {
                return Err(AbcError::Interval { index, min, max });
            }
        }
        if settings.generations == 0 {
            return Err(AbcError::Generations);
        }
        if settings.particles < 4 {
            return Err(AbcError::Particles(settings.particles));
        }
        for (name, value) in [("alpha", settings.alpha), ("p_acc_min", settings.p_acc_min)] {
            if !(value > 0.0 && value < 1.0) {
                return Err(AbcError::Fraction { name, value });
            }
        }
        Ok(Apmc {
            prior,
            settings,
            seed,
            history: Vec::new(),
            done: false,
        })
    }

    /// The populations so far, generation 0 first.
    pub fn history(&self) -> &[Population] {
        &self.history
    }

    /// Whether the sampler has stopped (a generation's acceptance fell below `p_acc_min`, or
    /// the last generation is done).
    pub fn finished(&self) -> bool {
        self.done
    }

    /// The next generation's number.
    pub fn generation(&self) -> usize {
        self.history.len()
    }

    /// The kernel's standard deviation per parameter: twice the kept particles' weighted
    /// variance, square-rooted; a thousandth of the prior's width when they do not vary.
    fn kernel_sd(&self, kept: &[Particle]) -> Vec<f64> {
        (0..self.prior.dim())
            .map(|i| {
                let width = self.prior.max[i] - self.prior.min[i];
                let v = weighted_mean_var(kept, i).map_or(0.0, |x| x.1);
                let sd = (2.0 * v).max(0.0).sqrt();
                if sd > 1e-9 * width { sd } else { 1e-3 * width }
            })
            .collect()
    }

    /// The next generation's proposals: `N` draws from the prior for generation 0, then
    /// `N − N_α` moves of the kept particles. Empty once [`finished`](Apmc::finished).
    pub fn propose(&self) -> Vec<Vec<f64>> {
        if self.done {
            return Vec::new();
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(self.generation() as u64);
        let (min, max) = (&self.prior.min, &self.prior.max);
        let Some(last) = self.history.last() else {
            return (0..self.settings.particles)
                .map(|_| {
                    (0..self.prior.dim())
                        .map(|i| min[i] + (max[i] - min[i]) * rng.random::<f64>())
                        .collect()
                })
                .collect();
        };
        let kept = &last.particles;
        let sd = self.kernel_sd(kept);
        let total: f64 = kept.iter().map(|p| p.weight).sum();
        let n_new = self.settings.particles - self.settings.kept();
        (0..n_new)
            .map(|_| {
                let u = rng.random::<f64>() * total;
                let mut acc = 0.0;
                let mut pick = kept.len() - 1;
                for (j, p) in kept.iter().enumerate() {
                    acc += p.weight;
                    if u < acc {
                        pick = j;
                        break;
                    }
                }
                let centre = &kept[pick].theta;
                (0..self.prior.dim())
                    .map(|i| {
                        // Truncated to the prior's box by redrawing (a draw outside has prior
                        // density 0); after many misses, the nearest end.
                        for _ in 0..1000 {
                            let x = centre[i] + sd[i] * normal(&mut rng);
                            if min[i] <= x && x <= max[i] {
                                return x;
                            }
                        }
                        centre[i].clamp(min[i], max[i])
                    })
                    .collect()
            })
            .collect()
    }

    /// The importance weight of a new particle at `theta`: the prior density over the
    /// proposal density, the mixture of the kept particles' truncated Gaussian kernels.
    fn weight(&self, kept: &[Particle], sd: &[f64], theta: &[f64]) -> f64 {
        let total: f64 = kept.iter().map(|p| p.weight).sum();
        let mut q = 0.0;
        for p in kept {
            let mut k = p.weight / total;
            for i in 0..theta.len() {
                let z = (theta[i] - p.theta[i]) / sd[i];
                let mass = phi((self.prior.max[i] - p.theta[i]) / sd[i])
                    - phi((self.prior.min[i] - p.theta[i]) / sd[i]);
                let dens = libm::exp(-0.5 * z * z) / (sd[i] * (2.0 * std::f64::consts::PI).sqrt());
                k *= dens / mass.max(1e-300);
            }
            q += k;
        }
        if q > 0.0 {
            self.prior.density() / q
        } else {
            0.0
        }
    }

    /// Takes the distances of the proposals [`propose`](Apmc::propose) gave (same order) and
    /// makes the generation's population.
    pub fn update(
        &mut self,
        proposals: Vec<Vec<f64>>,
        distances: &[f64],
    ) -> Result<&Population, AbcError> {
        if proposals.len() != distances.len() {
            return Err(AbcError::Distances {
                got: distances.len(),
                want: proposals.len(),
            });
        }
        let generation = self.generation();
        let kept_n = self.settings.kept();
        let (mut pool, p_acc, before) = match self.history.last() {
            None => {
                let pool: Vec<Particle> = proposals
                    .into_iter()
                    .zip(distances)
                    .enumerate()
                    .map(|(index, (theta, &distance))| Particle {
                        theta,
                        distance,
                        weight: 1.0,
                        born: 0,
                        index,
                    })
                    .collect();
                (pool, 1.0, 0)
            }
            Some(last) => {
                let kept = &last.particles;
                let sd = self.kernel_sd(kept);
                let eps = last.epsilon;
                let n = proposals.len();
                let within = distances
                    .iter()
                    .filter(|&&d| d <= eps && !d.is_nan())
                    .count();
                let mut pool = kept.clone();
                for (index, (theta, &distance)) in proposals.into_iter().zip(distances).enumerate()
                {
                    let weight = if self.prior.contains(&theta) {
                        self.weight(kept, &sd, &theta)
                    } else {
                        0.0
                    };
                    pool.push(Particle {
                        theta,
                        distance,
                        weight,
                        born: generation,
                        index,
                    });
                }
                (pool, within as f64 / n.max(1) as f64, last.simulations)
            }
        };
        let simulations = before + pool.iter().filter(|p| p.born == generation).count();
        // Nearest first; ties keep the older particle, then the earlier proposal (a stable sort
        // of a list holding the kept particles before the new ones). NaN distances go last.
        pool.sort_by(|a, b| {
            let key = |d: f64| if d.is_nan() { f64::INFINITY } else { d };
            key(a.distance).total_cmp(&key(b.distance))
        });
        pool.truncate(kept_n);
        let epsilon = pool.last().map_or(f64::INFINITY, |p| p.distance);
        if generation > 0 && p_acc < self.settings.p_acc_min
            || generation + 1 >= self.settings.generations
        {
            self.done = true;
        }
        self.history.push(Population {
            generation,
            epsilon,
            p_acc,
            simulations,
            particles: pool,
        });
        Ok(&self.history[self.history.len() - 1])
    }

    /// Runs the whole calibration with `distance` computing a generation's distances from its
    /// proposals (in order) and returns the last population.
    pub fn run(
        mut self,
        mut distance: impl FnMut(usize, &[Vec<f64>]) -> Vec<f64>,
    ) -> Result<Vec<Population>, AbcError> {
        while !self.finished() {
            let proposals = self.propose();
            let d = distance(self.generation(), &proposals);
            self.update(proposals, &d)?;
        }
        Ok(self.history)
    }
}

#[cfg(test)]
mod tests;
