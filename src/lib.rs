//! # soft_balancing
//!
//! A deterministic agent-based simulator of **soft balancing** in Central Asia: how Russia and
//! China coordinate through the Shanghai Cooperation Organisation, with money, energy and
//! institutions rather than arms, to push US influence out of the region (Pape 2005; Paul 2005;
//! Walt 2005; Cooley 2012).
//!
//! The crate is the engine behind the `simulate` command:
//!
//! - [`scenario`] reads and validates a TOML scenario into a [`scenario::Scenario`];
//! - [`engine`] steps the [`world::World`] forward; every rule lives in [`mechanisms`] and the
//!   states' choice rule in [`decision`];
//! - [`record`] receives what a run produces; [`ensemble`] runs many replicates in parallel,
//!   deterministically; [`output`] writes CSV and JSON, [`plot`] draws the charts and
//!   [`report`] assembles them into a self-contained HTML report; [`synthetic`] builds worlds
//!   of any size for benchmarks.
//!
//! The library never prints and never exits; the binary does.

#![warn(missing_docs)]

pub mod compare;
pub mod date;
pub mod decision;
pub mod engine;
pub mod ensemble;
pub mod error;
pub mod indices;
pub mod keys;
pub mod lenses;
pub mod mechanisms;
pub mod outcomes;
pub mod output;
pub mod params;
pub mod plot;
pub mod record;
pub mod report;
pub mod scenario;
pub mod summary;
pub mod sweep;
pub mod synthetic;
pub mod validation;
pub mod world;

pub use error::ScenarioError;
pub use scenario::Scenario;

/// The tool's version, written into every output's provenance.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
