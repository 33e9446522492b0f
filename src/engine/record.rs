//! What a run reports: the per-step observations and the decision log.
//!
//! The engine calls an [`Observer`] after every step and for every decision or shock. A single
//! run keeps everything in a [`RunRecord`]; a Monte Carlo ensemble or a sweep uses a smaller
//! observer that aggregates as it goes. Log entries are small `Copy` values holding indices and
//! scores; their text is written only when an output asks for it (`output::log::describe`).

use crate::date::YearMonth;
use crate::scenario::world::{PartnershipDrift, World};

/// The regional indices, each defined in docs/model.md.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Indices {
    /// Mean share toward the leading power (the US) over the region's states.
    pub leading_influence: f64,
    /// Mean partnership among the balancers (RUS–CHN).
    pub partnership: f64,
    /// SCO cohesion: half the partnership, half the mean similarity of non-patron members'
    /// alignments.
    pub sco_cohesion: f64,
    /// Soft-balancing index: partnership times (1 - leading influence).
    pub soft_balancing: f64,
}

impl Indices {
    /// Column names, in the order of [`Indices::values`].
    pub const NAMES: [&'static str; 4] = crate::scenario::experiment::INDEX_NAMES;

    /// The values in the order of [`Indices::NAMES`].
    pub fn values(&self) -> [f64; 4] {
        [
            self.leading_influence,
            self.partnership,
            self.sco_cohesion,
            self.soft_balancing,
        ]
    }
}

/// What a log entry is about. Indices refer to the scenario's actors, bases, loans, deals and
/// events.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum What {
    /// A scripted event took effect (index into the scenario's events).
    Scripted(usize),
    /// A random terror attack.
    RandomTerror,
    /// A random regime change.
    RandomRegimeChange,
    /// A random nationalist backlash against a patron slot.
    RandomBacklash(usize),
    /// The host ordered a base closed: for = evict, against = keep.
    ClosureOrdered(usize),
    /// The host reversed a closure order: for = keep, against = evict.
    ClosureReversed(usize),
    /// The host announced it will not renew the lease; the base closes at the lease's end:
    /// for = evict, against = keep.
    NonRenewal(usize),
    /// The host withdrew its announcement that it will not renew the lease: for = keep,
    /// against = evict. A `closure_reversed` outcome counts it, as it counts
    /// [`What::ClosureReversed`].
    NonRenewalWithdrawn(usize),
    /// The host renewed a lease: for = keep, against = evict.
    LeaseRenewed(usize),
    /// The user raised its offer for a base to `value` million USD a year (rent plus tied aid).
    CounterOffer(usize),
    /// The user would need `value` million USD a year, more than the base is worth to it.
    NoCounterOffer(usize),
    /// The user makes no counter-offer because money is worth nothing to the host
    /// (`decision.money_weight` = 0): no rent outweighs evicting.
    NoRentCanHelp(usize),
    /// A base closed.
    BaseClosed(usize),
    /// The host let a requested base open: for = keep, against = evict.
    BaseOpened(usize),
    /// The host turned down a requested base: for = evict, against = keep.
    BaseRefused(usize),
    /// A borrower accepted a loan: for = gain, against = cost of the condition.
    LoanAccepted(usize),
    /// A borrower declined a loan: for = gain, against = cost.
    LoanDeclined(usize),
    /// A lender withdrew the part of a loan still at stake.
    LoanWithdrawn(usize),
    /// A conditional loan was paid in full once its condition was met.
    LoanCompleted(usize),
    /// An energy deal was signed at price `value`: for = buyer max, against = supplier min.
    DealSigned(usize),
    /// Deliveries started under a deal.
    DealFlowing(usize),
    /// The actor was admitted to the SCO in a package of `value` candidates that passed every
    /// veto (one entry per candidate, same date): for = lowest member value, against = the veto
    /// threshold.
    Admitted,
    /// The candidate (actor index), put alone, was vetoed by `actor`: for = the vetoer's value,
    /// against = threshold.
    CandidateVetoed(usize),
    /// An actor became a full SCO member.
    Accession,
    /// The applicant was not considered at this summit: more states applied than a summit
    /// considers (`value`, `enlargement::MAX_APPLICANTS`, the first in scenario order); it
    /// waits for the next.
    NotConsidered,
    /// A strategic patron (`actor`) offered credit of face value `value` bn USD through its
    /// credit line `loan`, conditional on closing `base` if any: for = its expected value to the
    /// patron (bn USD, with the patron's noise), against = its expected cost (the grant element
    /// given away times the chance the offer is taken, bn USD).
    PatronCredit {
        /// The credit line (index into loans).
        loan: usize,
        /// The base the offer asks the borrower to close, if any.
        base: Option<usize>,
    },
    /// A strategic patron gave state `.0` a one-off grant of `value` bn USD: for = its expected
    /// value to the patron, against = its cost (bn USD).
    PatronGrant(usize),
    /// A strategic patron raised what it pays for base `.0` to `value` million USD a year, before
    /// the host could order a closure: for = the surplus it expects to save, against = the extra
    /// rent (million USD a year).
    PatronRent(usize),
    /// A strategic patron asked to open base `.0` at `value` million USD a year: for = the
    /// chance it expects the host to agree, against = the 0.5 it needs.
    PatronAsks(usize),
    /// A CSTO patron (`actor`) deployed to protect the regime of state `.0` from unrest of
    /// severity `value`.
    CstoDeploys(usize),
    /// An applicant (`actor`) under UN Security Council sanctions was not considered at a summit.
    NotEligible,
    /// A state (`actor`) accepted the infrastructure project of scripted event `.0`: for = gain,
    /// against = cost (with noise), value = its cost, bn USD.
    ProjectAccepted(usize),
    /// A state declined the infrastructure project of scripted event `.0` (scores as above).
    ProjectDeclined(usize),
    /// The infrastructure project of scripted event `.0` was completed: value = its yearly
    /// income to the state, bn USD.
    ProjectBuilt(usize),
}

/// One line of the decision log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogEntry {
    /// When.
    pub date: YearMonth,
    /// The actor who decided or was affected (actor index).
    pub actor: usize,
    /// What happened.
    pub what: What,
    /// The score in favour of what was done.
    pub score_for: f64,
    /// The score against.
    pub score_against: f64,
    /// A value the entry reports (an amount, a price), or 0.
    pub value: f64,
}

/// Receives what a run produces.
pub trait Observer {
    /// After step `step` (0 is the initial state), the world at `date`.
    fn observe(&mut self, step: usize, date: YearMonth, world: &World, indices: &Indices);
    /// A decision or shock.
    fn log(&mut self, entry: LogEntry);
    /// Whether [`Observer::observe`] reads the indices after step `step` (`last`: the run's
    /// final step). The engine computes the indices only for an observer that reads them (a
    /// sweep needs them at the end only, a benchmark not at all) and passes zeros otherwise.
    fn wants_indices(&self, step: usize, last: bool) -> bool {
        let _ = (step, last);
        true
    }
}

/// Everything one run produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunRecord {
    /// Dates observed (initial state, then after each step).
    pub dates: Vec<YearMonth>,
    /// Alignment of every actor at each date, `dates x actors x patrons`.
    pub alignment: Vec<f64>,
    /// Indices at each date.
    pub indices: Vec<Indices>,
    /// The decision log, in order.
    pub log: Vec<LogEntry>,
    /// Each pair of balancers' partnership and the drift that moved it in the step that ended
    /// at each date (none at the initial date), `dates x pairs`.
    pub partnership: Vec<(f64, PartnershipDrift)>,
    /// Number of actors.
    pub n: usize,
    /// Number of patrons.
    pub np: usize,
}

impl RunRecord {
    /// An empty record with room for `steps` steps.
    pub fn with_capacity(n: usize, np: usize, steps: usize) -> Self {
        RunRecord {
            dates: Vec::with_capacity(steps + 1),
            alignment: Vec::with_capacity((steps + 1) * n * np),
            indices: Vec::with_capacity(steps + 1),
            log: Vec::with_capacity(64),
            partnership: Vec::new(),
            n,
            np,
        }
    }

    /// Alignment share of `actor` toward patron slot `p` at date index `t`.
    pub fn share(&self, t: usize, actor: usize, p: usize) -> f64 {
        self.alignment[(t * self.n + actor) * self.np + p]
    }
}

impl Observer for RunRecord {
    fn observe(&mut self, _step: usize, date: YearMonth, world: &World, indices: &Indices) {
        self.dates.push(date);
        self.alignment.extend_from_slice(&world.alignment);
        self.indices.push(*indices);
        // The balancer pairs' partnership and the drift of the step that just ended.
        for d in &world.partnership_drift {
            self.partnership.push((world.partnership_of(d.a, d.b), *d));
        }
    }

    fn log(&mut self, entry: LogEntry) {
        self.log.push(entry);
    }
}

/// An observer that keeps nothing (for benchmarks and for callers that want only the final
/// world).
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl Observer for Discard {
    fn observe(&mut self, _: usize, _: YearMonth, _: &World, _: &Indices) {}
    fn log(&mut self, _: LogEntry) {}
    fn wants_indices(&self, _: usize, _: bool) -> bool {
        false
    }
}
