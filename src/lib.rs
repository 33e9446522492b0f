//! # soft_balancing
//!
//! A deterministic agent-based simulator of **soft balancing** in Central Asia: how Russia and
//! China coordinate through the Shanghai Cooperation Organisation, with money, energy and
//! institutions rather than arms, to push US influence out of the region (Pape 2005; Paul 2005;
//! Walt 2005; Cooley 2012).
//!
//! The crate is the engine behind the `simulate` command. Its modules follow the data, and each
//! imports only from those listed before it (ARCHITECTURE.md states the rules; a test checks them):
//!
//! - the vocabulary: [`date`], [`params`] (every model parameter) and [`error`], and
//!   [`sensitivity`], the maths of global sensitivity analysis (designs and estimators), and
//!   [`abc`], the maths of approximate Bayesian computation (the calibration's sampler);
//! - [`scenario`] reads and validates a TOML scenario into a [`Scenario`], with its initial
//!   [`scenario::World`] and what it asks of its runs ([`scenario::experiment`]);
//! - [`engine`] steps the world forward: the step order, the seeded context, the states'
//!   decision rule and its theory lenses ([`engine::decision`]), one module per mechanism
//!   ([`engine::mechanisms`]), the indices and the run record;
//! - [`runs`] runs many replicates: ensembles, outcome tracking, the validation scorecard, the
//!   comparison of lenses (computation only);
//! - [`output`] writes CSV, JSON and text; [`plot`] draws every chart; [`report`] assembles them
//!   into self-contained HTML pages;
//! - [`sweep`] runs parameter sweeps and large ensembles, sharded and resumable;
//! - [`lab`] is the library side of `simulate lab`: settings from URLs, results as JSON, the page.
//!
//! The library never prints and never exits; the binary (`src/bin/simulate/`) does.

#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod abc;
pub mod date;
pub mod error;
pub mod params;
pub mod sensitivity;

pub mod scenario;

pub mod engine;

pub mod runs;

pub mod output;
pub mod plot;
pub mod report;

pub mod sweep;

pub mod lab;

pub use error::ScenarioError;
pub use scenario::Scenario;

/// The tool's version, written into every output's provenance.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
