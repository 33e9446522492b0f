//! The mechanisms, one module each. Each module holds its rule, the parameters it reads (in
//! `params`) and the unit tests of that rule; docs/model.md states each rule in words.

pub mod bases;
pub mod concert;
pub mod eeu;
pub mod energy;
pub mod enlargement;
pub mod loans;
pub mod partnership;
pub mod projects;
pub mod shocks;
pub mod strategy;
pub mod threats;

#[cfg(test)]
pub(crate) mod testkit;
