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

use crate::engine::decision::{balancer_partnership, row};
use crate::engine::lookups::Lookups;
use crate::engine::record::Indices;
use crate::scenario::Scenario;
use crate::scenario::world::{ScoStatus, World};

/// The indices of world `w`, with the scenario's lookups built by the caller; `members` is a
/// buffer for the SCO's member states, `order` one for them ordered by their share toward each
/// patron, kept from step to step (give them capacity for every actor, and `order` for every
/// actor times one more than the patrons, and they never allocate).
pub fn compute_with(
    sc: &Scenario,
    lk: &Lookups,
    w: &World,
    members: &mut Vec<usize>,
    order: &mut Vec<usize>,
) -> Indices {
    let np = w.np;
    let mut sum = 0.0;
    for &i in &lk.index_states {
        sum += w.alignment[i * np + sc.leading];
    }
    let count = lk.index_states.len();
    let leading_influence = if count > 0 { sum / count as f64 } else { 0.0 };
    let partnership = balancer_partnership(sc, w);

    // Every pair of member states, in actor order.
    members.clear();
    members.extend(
        lk.states
            .iter()
            .copied()
            .filter(|&i| w.sco[i] == ScoStatus::Member),
    );
    let sim = if members.len() > PAIRWISE_MEMBERS {
        similarity_sorted(w, members, order)
    } else {
        match np {
            2 => similarity_sum::<2>(w, members),
            3 => similarity_sum::<3>(w, members),
            4 => similarity_sum::<4>(w, members),
            _ => similarity_sum::<0>(w, members),
        }
    };
    let pairs = members.len() * members.len().saturating_sub(1) / 2;
    let similarity = if pairs > 0 { sim / pairs as f64 } else { 1.0 };
    Indices {
        leading_influence,
        partnership,
        sco_cohesion: 0.5 * partnership + 0.5 * similarity,
        soft_balancing: partnership * (1.0 - leading_influence),
    }
}

/// Members up to which the similarity sum goes pair by pair (every shipped scenario); beyond,
/// it is computed from the shares in order ([`similarity_sorted`]), equal up to rounding.
pub const PAIRWISE_MEMBERS: usize = 64;

/// The sum of [`similarity_sum`] without visiting pairs: over pairs, `1 - half the L1 distance`
/// sums to `pairs - 1/2 sum over patrons p of sum over pairs |a_ip - a_jp|`, and for each patron
/// the sum of absolute differences over pairs of `m` values sorted ascending is
/// `sum over k of x_k (2k - m + 1)`. `order` holds the members (as they were when it was
/// built) and then, per patron, the members ordered by their share: shares move little in a
/// step, so re-sorting last step's order by insertion costs about `m` comparisons, and the
/// index is linear in the number of members.
fn similarity_sorted(w: &World, members: &[usize], order: &mut Vec<usize>) -> f64 {
    let np = w.np;
    let m = members.len();
    if order.len() != (np + 1) * m || order[..m] != *members {
        order.clear();
        for _ in 0..=np {
            order.extend_from_slice(members);
        }
    }
    let mut l1 = 0.0;
    for p in 0..np {
        let block = &mut order[(p + 1) * m..(p + 2) * m];
        let share = |i: usize| w.alignment[i * np + p];
        // Insertion sort: linear on last step's nearly sorted order, and allocation-free.
        for k in 1..m {
            let i = block[k];
            let x = share(i);
            let mut j = k;
            while j > 0 && share(block[j - 1]).total_cmp(&x).is_gt() {
                block[j] = block[j - 1];
                j -= 1;
            }
            block[j] = i;
        }
        for (k, &i) in block.iter().enumerate() {
            l1 += share(i) * (2.0 * k as f64 - (m as f64 - 1.0));
        }
    }
    let pairs = (m * m.saturating_sub(1) / 2) as f64;
    pairs - 0.5 * l1
}

/// Sum over every pair of `members` (in order) of the similarity of their alignments, with `NP`
/// patrons (0: any number, read from the world; the others let the compiler unroll the rows).
fn similarity_sum<const NP: usize>(w: &World, members: &[usize]) -> f64 {
    let np = if NP == 0 { w.np } else { NP };
    let mut sim = 0.0;
    for (x, &i) in members.iter().enumerate() {
        let a = row(&w.alignment, i, np);
        for &j in &members[x + 1..] {
            let b = row(&w.alignment, j, np);
            let l1: f64 = a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum();
            sim += 1.0 - 0.5 * l1;
        }
    }
    sim
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::YearMonth;
    use crate::engine;
    use crate::engine::record::{LogEntry, Observer};
    use crate::scenario::Role;
    use crate::scenario::synthetic;

    /// The indices as defined, by a scan of every actor and every pair of actors.
    fn by_definition(sc: &Scenario, w: &World) -> Indices {
        let np = w.np;
        let (mut sum, mut count) = (0.0, 0usize);
        let any_region = sc.actors.iter().any(|a| a.in_region);
        for (i, a) in sc.actors.iter().enumerate() {
            if a.role == Role::State && (a.in_region || !any_region) {
                sum += w.alignment[i * np + sc.leading];
                count += 1;
            }
        }
        let leading_influence = if count > 0 { sum / count as f64 } else { 0.0 };
        let partnership = balancer_partnership(sc, w);
        let member = |i: usize| w.sco[i] == ScoStatus::Member && sc.actors[i].role == Role::State;
        let (mut sim, mut pairs) = (0.0, 0usize);
        for i in (0..w.n).filter(|&i| member(i)) {
            for j in (i + 1..w.n).filter(|&j| member(j)) {
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

    /// Checks, at every step of a run, the indices the engine reports against the definition.
    struct Check<'a> {
        sc: &'a Scenario,
        steps: usize,
    }

    impl Observer for Check<'_> {
        fn observe(&mut self, step: usize, _: YearMonth, w: &World, idx: &Indices) {
            let want = by_definition(self.sc, w);
            let bits = |i: &Indices| i.values().map(f64::to_bits);
            assert_eq!(bits(idx), bits(&want), "step {step}: {idx:?} != {want:?}");
            self.steps += 1;
        }
        fn log(&mut self, _: LogEntry) {}
    }

    #[test]
    fn a_large_scos_similarity_from_sorted_shares_is_the_pairwise_sum() {
        let sc = synthetic::scenario(300, 2, 1);
        let members: Vec<usize> = sc.states().collect();
        assert!(members.len() > PAIRWISE_MEMBERS);
        let pairwise = similarity_sum::<0>(&sc.initial, &members);
        let mut order = Vec::new();
        let sorted = similarity_sorted(&sc.initial, &members, &mut order);
        assert!(
            (pairwise - sorted).abs() <= 1e-9 * pairwise.abs(),
            "{pairwise} vs {sorted}"
        );
        // Again from the order kept, after the shares moved.
        let mut w = sc.initial.clone();
        for (k, a) in w.alignment.chunks_mut(w.np).enumerate() {
            a.rotate_left(k % 3);
        }
        let pairwise = similarity_sum::<0>(&w, &members);
        let sorted = similarity_sorted(&w, &members, &mut order);
        assert!(
            (pairwise - sorted).abs() <= 1e-9 * pairwise.abs(),
            "{pairwise} vs {sorted}"
        );
    }

    #[test]
    fn indices_match_their_definition_bit_for_bit() {
        // Three patrons (the compiled-in row length), four, and five (the general loop).
        for extra in [0, 1, 2] {
            let mut text = synthetic::toml_text(25, 6, 5);
            for k in 0..extra {
                text.push_str(&format!(
                    "[[actors]]\nid = \"P{k}\"\nrole = \"patron\"\ngdp_bn = 3000.0\nsco = \"member\"\n"
                ));
            }
            let sc = crate::scenario::validate::parse(std::path::Path::new("t.toml"), &text)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(sc.patrons.len(), 3 + extra);
            let mut check = Check { sc: &sc, steps: 0 };
            engine::run(&sc, &sc.params, 9, 0, &mut check);
            assert_eq!(check.steps, sc.steps() + 1);
        }
    }
}
