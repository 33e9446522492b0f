//! Per-run lookups: what the step loop reads again and again and that never changes during a
//! run, built once from the scenario.

use crate::scenario::world::MAX_PATRONS;
use crate::scenario::{Role, Scenario};

/// What the step loop looks up again and again and that never changes during a run: lists of
/// actors by role and region, the bases of each (state, patron) pair, per-slot facts. Built once
/// per run from the scenario ([`Lookups::new`]), so that a step neither searches the scenario's
/// lists nor re-tests attributes that cannot change; every list keeps scenario order, so sums
/// over it add the same numbers in the same order as a scan of the whole scenario would.
#[derive(Clone, Debug)]
pub struct Lookups {
    /// The non-patron actors, in actor order: the states that re-score their patrons each step.
    pub states: Vec<usize>,
    /// The states in the scenario's region: hit by random shocks, averaged by partnership drift.
    pub region_states: Vec<usize>,
    /// The states the leading-influence index averages over: those in the region, or every
    /// state when no actor is in the region.
    pub index_states: Vec<usize>,
    /// `pair_bases[pair_start[k]..pair_start[k + 1]]` are the bases that the patron in slot `p`
    /// has on actor `a`'s soil, `k = a * np + p`, in scenario order.
    pair_start: Vec<usize>,
    pair_bases: Vec<usize>,
    /// Whether any base stands on each actor's soil.
    pub hosts_bases: Vec<bool>,
    /// Whether each patron slot is a balancer.
    pub is_balancer: [bool; MAX_PATRONS],
    /// Each pair of balancers, in the order partnership drift visits them, with the deals whose
    /// flows erode it.
    pub balancer_pairs: Vec<BalancerPair>,
}

/// Two balancers (patron slots `a < b` in balancer order) and the regional gas deals that could
/// reach one of them by a route avoiding the other ([`reaches_avoiding`]), in scenario
/// order. Which of those flow is decided at run time.
#[derive(Clone, Debug)]
pub struct BalancerPair {
    /// First balancer (patron slot).
    pub a: usize,
    /// Second balancer (patron slot).
    pub b: usize,
    /// Deals from the region to `a` avoiding `b`.
    pub to_a: Vec<usize>,
    /// Deals from the region to `b` avoiding `a`.
    pub to_b: Vec<usize>,
    /// Deals between `a` and `b` (either way).
    pub between: Vec<usize>,
}

impl Lookups {
    /// The lookups of `sc`.
    pub fn new(sc: &Scenario) -> Lookups {
        let n = sc.actors.len();
        let np = sc.patrons.len();
        let is_state = |a: usize| sc.actors[a].role == Role::State;
        let states: Vec<usize> = (0..n).filter(|&a| is_state(a)).collect();
        let region_states: Vec<usize> = states
            .iter()
            .copied()
            .filter(|&a| sc.actors[a].in_region)
            .collect();
        let any_region = sc.actors.iter().any(|a| a.in_region);
        let index_states = if any_region {
            region_states.clone()
        } else {
            states.clone()
        };

        // Bases grouped by (host, user slot): a counting sort keeps scenario order in a group.
        let mut pair_start = vec![0; n * np + 1];
        let pair_of =
            |b: &crate::scenario::BaseInfo| sc.actors[b.user].slot.map(|p| b.host * np + p);
        for k in sc.bases.iter().filter_map(pair_of) {
            pair_start[k + 1] += 1;
        }
        for k in 0..n * np {
            pair_start[k + 1] += pair_start[k];
        }
        let mut fill = pair_start.clone();
        let mut pair_bases = vec![0; pair_start[n * np]];
        for (b, info) in sc.bases.iter().enumerate() {
            if let Some(k) = pair_of(info) {
                pair_bases[fill[k]] = b;
                fill[k] += 1;
            }
        }

        let mut hosts_bases = vec![false; n];
        for info in &sc.bases {
            hosts_bases[info.host] = true;
        }

        let mut is_balancer = [false; MAX_PATRONS];
        for (p, b) in is_balancer.iter_mut().enumerate().take(sc.patrons.len()) {
            *b = sc.balancers.contains(&p);
        }
        let deals_to = |to: usize, avoiding: usize| -> Vec<usize> {
            (0..sc.deals.len())
                .filter(|&d| reaches_avoiding(sc, d, to, avoiding))
                .collect()
        };
        let b = &sc.balancers;
        let mut balancer_pairs = Vec::new();
        for i in 0..b.len() {
            for j in i + 1..b.len() {
                balancer_pairs.push(BalancerPair {
                    a: b[i],
                    b: b[j],
                    to_a: deals_to(b[i], sc.patrons[b[j]]),
                    to_b: deals_to(b[j], sc.patrons[b[i]]),
                    between: (0..sc.deals.len())
                        .filter(|&d| {
                            let (x, y) = (sc.deals[d].supplier, sc.deals[d].buyer);
                            let (pa, pb) = (sc.patrons[b[i]], sc.patrons[b[j]]);
                            (x == pa && y == pb) || (x == pb && y == pa)
                        })
                        .collect(),
                });
            }
        }
        Lookups {
            states,
            region_states,
            index_states,
            pair_start,
            pair_bases,
            hosts_bases,
            is_balancer,
            balancer_pairs,
        }
    }

    /// The bases that patron slot `p` has on actor `a`'s soil, for pair index `k = a * np + p`,
    /// in scenario order (open or not).
    #[inline]
    pub fn bases_of(&self, k: usize) -> &[usize] {
        &self.pair_bases[self.pair_start[k]..self.pair_start[k + 1]]
    }
}

/// Whether deal `d` carries gas from a regional state to patron slot `to` by a route that avoids
/// the actor `avoiding` (whether it flows yet or not).
pub fn reaches_avoiding(sc: &Scenario, d: usize, to: usize, avoiding: usize) -> bool {
    let info = &sc.deals[d];
    sc.actors[info.supplier].in_region
        && sc.actors[info.buyer].slot == Some(to)
        && !info.route.contains(&avoiding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_list_each_pairs_bases_and_the_states_in_scenario_order() {
        let sc = crate::scenario::synthetic::scenario(30, 2, 8);
        let lk = Lookups::new(&sc);
        let np = sc.patrons.len();
        for a in 0..sc.actors.len() {
            for p in 0..np {
                let want: Vec<usize> = (0..sc.bases.len())
                    .filter(|&b| sc.bases[b].host == a && sc.bases[b].user == sc.patrons[p])
                    .collect();
                assert_eq!(lk.bases_of(a * np + p), &want[..], "actor {a}, patron {p}");
            }
            assert_eq!(lk.hosts_bases[a], sc.bases.iter().any(|b| b.host == a));
        }
        let states: Vec<usize> = sc.states().collect();
        assert_eq!(lk.states, states);
        let region: Vec<usize> = states
            .iter()
            .copied()
            .filter(|&a| sc.actors[a].in_region)
            .collect();
        assert_eq!(lk.region_states, region);
        assert_eq!(lk.index_states, region);
        assert_eq!(lk.balancer_pairs.len(), 1);
    }
}
