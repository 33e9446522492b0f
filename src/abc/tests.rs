//! The sampler on models whose posterior is known.

use super::*;

/// A seeded standard normal draw for the toy models (one generator per proposal).
fn draw(seed: u64, generation: usize, j: usize) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    rng.set_stream(((generation as u64) << 32) | j as u64);
    normal(&mut rng)
}

fn settings(particles: usize, generations: usize) -> Settings {
    Settings {
        particles,
        alpha: 0.5,
        p_acc_min: 0.02,
        generations,
    }
}

/// θ ~ U(−10, 10), one observation x ~ N(θ, 1), observed x = 2: the posterior is N(2, 1)
/// (truncated far in the tails). With the distance |x − 2| and a small tolerance, the ABC
/// posterior's mean and standard deviation are those of N(2, 1).
#[test]
fn the_posterior_of_a_normal_mean_is_the_known_one() {
    let prior = Prior {
        min: vec![-10.0],
        max: vec![10.0],
    };
    let abc = Apmc::new(prior, settings(2000, 30), 7).unwrap();
    let history = abc
        .run(|g, ps| {
            ps.iter()
                .enumerate()
                .map(|(j, t)| (t[0] + draw(1, g, j) - 2.0).abs())
                .collect()
        })
        .unwrap();
    let last = history.last().unwrap();
    let (mean, sd) = last.mean_sd(0);
    assert!(history.len() > 3, "{} generations", history.len());
    assert!(last.epsilon < 0.1, "tolerance {}", last.epsilon);
    assert!((mean - 2.0).abs() < 0.1, "posterior mean {mean}");
    assert!((sd - 1.0).abs() < 0.1, "posterior sd {sd}");
    let median = last.quantile(0, 0.5);
    assert!((median - 2.0).abs() < 0.15, "posterior median {median}");
    // The 5-95 % interval of N(2, 1) is 2 ± 1.645.
    assert!((last.quantile(0, 0.05) - 0.355).abs() < 0.25);
    assert!((last.quantile(0, 0.95) - 3.645).abs() < 0.25);
}

/// A noiseless model whose distance is zero only at a known point: the posterior concentrates
/// on it in every coordinate, and the tolerance falls generation after generation.
#[test]
fn the_posterior_concentrates_on_the_truth_of_a_noiseless_model() {
    let truth = [0.3, 12.0];
    let prior = Prior {
        min: vec![0.0, 5.0],
        max: vec![1.0, 15.0],
    };
    let abc = Apmc::new(prior, settings(200, 12), 3).unwrap();
    let history = abc
        .run(|_, ps| {
            ps.iter()
                .map(|t| ((t[0] - truth[0]) / 1.0).abs() + ((t[1] - truth[1]) / 10.0).abs())
                .collect()
        })
        .unwrap();
    for w in history.windows(2) {
        assert!(w[1].epsilon <= w[0].epsilon);
    }
    let last = history.last().unwrap();
    for (i, (t, width)) in truth.iter().zip([1.0, 10.0]).enumerate() {
        let (m, sd) = last.mean_sd(i);
        assert!((m - t).abs() < 0.01 * width, "parameter {i}: mean {m}");
        assert!(sd < 0.02 * width, "parameter {i}: sd {sd}");
    }
    assert_eq!(last.particles.len(), 100);
    assert_eq!(last.simulations, 200 + 100 * (history.len() - 1));
}

#[test]
fn the_same_seed_gives_the_same_sample_and_another_seed_another() {
    let prior = Prior {
        min: vec![0.0, 0.0],
        max: vec![1.0, 1.0],
    };
    let run = |seed| {
        Apmc::new(prior.clone(), settings(40, 3), seed)
            .unwrap()
            .run(|g, ps| {
                ps.iter()
                    .enumerate()
                    .map(|(j, t)| (t[0] - 0.5).abs() + 0.1 * draw(seed, g, j).abs() + t[1])
                    .collect()
            })
            .unwrap()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    assert_eq!(run(1).len(), 3);
}

#[test]
fn bad_settings_are_refused() {
    let prior = Prior {
        min: vec![0.0],
        max: vec![1.0],
    };
    let ok = settings(10, 3);
    assert!(Apmc::new(prior.clone(), ok, 0).is_ok());
    let empty = Prior {
        min: vec![1.0],
        max: vec![1.0],
    };
    assert!(matches!(
        Apmc::new(empty, ok, 0),
        Err(AbcError::Interval { .. })
    ));
    assert!(matches!(
        Apmc::new(prior.clone(), settings(3, 3), 0),
        Err(AbcError::Particles(3))
    ));
    let bad_alpha = Settings { alpha: 1.0, ..ok };
    assert!(Apmc::new(prior.clone(), bad_alpha, 0).is_err());
    let none = Prior {
        min: vec![],
        max: vec![],
    };
    assert_eq!(Apmc::new(none, ok, 0).err(), Some(AbcError::NoParameters));
    let mut abc = Apmc::new(prior, ok, 0).unwrap();
    let p = abc.propose();
    assert!(abc.update(p, &[1.0]).is_err());
}

#[test]
fn weighted_quantiles_follow_the_weights() {
    let pop = Population {
        generation: 0,
        epsilon: 0.0,
        p_acc: 1.0,
        simulations: 3,
        particles: [(1.0, 1.0), (2.0, 1.0), (3.0, 2.0)]
            .iter()
            .map(|&(x, w)| Particle {
                theta: vec![x],
                distance: 0.0,
                weight: w,
                born: 0,
                index: 0,
            })
            .collect(),
    };
    assert_eq!(pop.quantile(0, 0.5), 2.0);
    assert_eq!(pop.quantile(0, 0.6), 3.0);
    assert_eq!(pop.quantile(0, 0.0), 1.0);
    assert_eq!(pop.quantile(0, 1.0), 3.0);
    assert!((pop.ess() - 16.0 / 6.0).abs() < 1e-12);
    let (m, _) = pop.mean_sd(0);
    assert!((m - 2.25).abs() < 1e-12);
}
