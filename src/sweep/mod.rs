//! Parameter sweeps and Monte Carlo ensembles at scale.
//!
//! A sweep runs a scenario at many **points** (values of one or more key paths, see
//! `scenario::keys`) with `runs` **replicates** each, and writes one row per point with the mean,
//! standard deviation and 5th/50th/95th percentiles of every outcome (final alignment shares,
//! final indices) and the probability of each discrete outcome the scenario names.
//!
//! Determinism: point `i` has its own seed, `points::point_seed(seed, i)`, and replicate `r` of that
//! point draws from ChaCha stream `r` of it — exactly what `simulate FILE --seed <point seed>
//! --runs <runs>` with the point's `--set` values does. Replicates are aggregated in fixed chunks
//! merged in order, so results do not depend on the number of threads, and a point's row does not
//! depend on which shard or which invocation computed it. The sensitivity designs (Morris,
//! Saltelli; [`sensitivity`]) run every point with the sweep's own seed instead (common random
//! numbers), so that the differences their estimators take are the parameters' doing, not the
//! draws'.
//!
//! Designs: a **grid** (the Cartesian product of each axis's values, first axis slowest), or
//! `samples` points drawn **random**ly (uniform) or by **Latin hypercube** (each axis's range cut
//! into `samples` equal strata, one point per stratum, strata paired at random), from a generator
//! seeded by the sweep's seed. `simulate sensitivity` adds Morris trajectories and Saltelli's
//! cross-sampled matrices, and reads the finished rows into sensitivity indices
//! ([`sensitivity`]).

pub mod aggregate;
pub mod charts;
pub mod error;
pub mod options;
pub mod points;
pub mod run;
pub mod sensitivity;
pub mod store;
pub mod table;
