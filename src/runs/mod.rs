//! Experiments over many runs: Monte Carlo ensembles ([`ensemble`]), the outcomes a run is asked
//! about ([`outcomes`]), the validation scorecard ([`scorecard`]), the comparison of theory
//! lenses ([`compare`]) and the calibration against the record ([`calibrate`]). Computation only: writing and drawing the results is
//! `output`'s, `plot`'s and `report`'s.

pub mod ablation;
pub mod calibrate;
pub mod cells;
pub mod compare;
pub mod digest;
pub mod ensemble;
pub mod landscape;
pub mod outcomes;
pub mod scorecard;
pub mod unvote;
