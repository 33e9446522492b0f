//! The regional indices reported every step (definitions also in docs/model.md).
//!
//! - **US influence**: the mean alignment share toward the leading power over the region's states
//!   (the actors whose `region` matches the scenario's `region`, Central Asia by default).
//! - **RUS–CHN partnership**: the mean partnership among the balancers.
//! - **SCO cohesion**: half the partnership, half the mean pairwise similarity of the non-patron
//!   members' alignments (similarity = 1 - half the L1 distance between two alignment rows).
//!   An organisation whose members lean different ways, or whose great powers distrust each
//!   other, is less cohesive.
//! - **Soft-balancing index**: partnership x (1 - US influence). Both are needed: Russia and
//!   China acting together, and the region leaning away from the leading power.

use crate::decision::balancer_partnership;
use crate::record::Indices;
use crate::scenario::{Role, Scenario};
use crate::world::{ScoStatus, World};

/// The indices of `w`.
pub fn compute(sc: &Scenario, w: &World) -> Indices {
    let np = w.np;
    let mut sum = 0.0;
    let mut count = 0usize;
    let any_region = sc.actors.iter().any(|a| a.in_region);
    for (i, a) in sc.actors.iter().enumerate() {
        if a.role == Role::State && (a.in_region || !any_region) {
            sum += w.alignment[i * np + sc.leading];
            count += 1;
        }
    }
    let leading_influence = if count > 0 { sum / count as f64 } else { 0.0 };
    let partnership = balancer_partnership(sc, w);

    let mut sim = 0.0;
    let mut pairs = 0usize;
    for i in 0..w.n {
        if w.sco[i] != ScoStatus::Member || sc.actors[i].role != Role::State {
            continue;
        }
        for j in i + 1..w.n {
            if w.sco[j] != ScoStatus::Member || sc.actors[j].role != Role::State {
                continue;
            }
            let l1: f64 = (0..np)
                .map(|p| (w.alignment[i * np + p] - w.alignment[j * np + p]).abs())
                .sum();
            sim += 1.0 - 0.5 * l1;
            pairs += 1;
        }
    }
    let similarity = if pairs > 0 { sim / pairs as f64 } else { 1.0 };
    Indices {
        leading_influence,
        partnership,
        sco_cohesion: 0.5 * partnership + 0.5 * similarity,
        soft_balancing: partnership * (1.0 - leading_influence),
    }
}
