//! The state of the region that evolves from step to step.
//!
//! Everything a rule reads or changes during a run lives in [`World`]; everything that never
//! changes (ids, names, who hosts which base) lives in `scenario::Scenario`. A run clones
//! the scenario's initial world once and then mutates it in place, so the step loop allocates
//! nothing.
//!
//! Per-pair quantities are flat vectors indexed `actor * n_patrons + patron_slot`: actor `a`'s tie
//! with the patron in slot `p` is `v[a * np + p]`. Patron slots follow the order patrons appear in
//! the scenario file.

use crate::date::YearMonth;

/// Most patrons a scenario may have (alignment rows live in fixed-size arrays on the stack, so
/// the step loop allocates nothing).
pub const MAX_PATRONS: usize = 8;

/// A condition attached to a loan offer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Condition {
    /// No condition.
    None,
    /// The borrower must close this base (index into bases).
    CloseBase(usize),
    /// The borrower must join the Eurasian Economic Union.
    JoinEeu,
}

/// An actor's standing in the Shanghai Cooperation Organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScoStatus {
    /// No formal link.
    None,
    /// Observer (e.g. Mongolia from 2004; India, Pakistan and Iran from 2005).
    Observer,
    /// Has applied for full membership; decided at a summit.
    Applicant,
    /// Approved at a summit, joining after the accession lag.
    Acceding,
    /// Full member with a veto.
    Member,
}

impl ScoStatus {
    /// The word used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            ScoStatus::None => "none",
            ScoStatus::Observer => "observer",
            ScoStatus::Applicant => "applicant",
            ScoStatus::Acceding => "acceding",
            ScoStatus::Member => "member",
        }
    }
}

/// Where a base stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BaseStatus {
    /// Operating.
    Open,
    /// The host has ordered it closed, or announced it will not renew the lease; the closure
    /// takes effect at `effective`.
    ClosureOrdered {
        /// When the closure takes effect.
        effective: YearMonth,
        /// Whether it is an announced non-renewal (the base closes at the lease's end) rather
        /// than an order: taking it back is logged as such.
        not_renewing: bool,
    },
    /// Closed; the user has left.
    Closed,
}

/// A base's changing terms.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseState {
    /// Yearly rent the user pays the host, millions of USD.
    pub rent_musd: f64,
    /// Yearly aid the user gives the host tied to the base, millions of USD.
    pub user_aid_musd: f64,
    /// When the lease ends and must be renewed (`None`: open-ended).
    pub lease_end: Option<YearMonth>,
    /// Open, closing or closed.
    pub status: BaseStatus,
    /// Whether the user has said it will not pay what keeping the base would take (logged once).
    pub counter_refused: bool,
    /// A new offer (scripted rent offer) arrived this step: the host reconsiders a closure.
    pub new_offer: bool,
    /// When a strategic user last asked for the base to open.
    pub asked: Option<YearMonth>,
}

/// Where a loan stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoanStatus {
    /// Not yet offered (its offer event is in the future).
    NotOffered,
    /// Offered with a condition not yet met; the offer stands.
    Offered,
    /// Taken; the condition, if any, accepted. Part may still wait on the condition being met.
    Active,
    /// Turned down by the borrower.
    Declined,
    /// Withdrawn by the lender because the borrower went back on the condition.
    Withdrawn,
}

/// A loan's changing terms.
#[derive(Clone, Debug, PartialEq)]
pub struct LoanState {
    /// Status.
    pub status: LoanStatus,
    /// Face value still owed, billions of USD.
    pub outstanding_bn: f64,
    /// Face value offered, billions of USD (set when offered).
    pub amount_bn: f64,
    /// Whole grant-equivalent value of the offer (grant element of the credit plus any grant),
    /// billions of USD.
    pub value_bn: f64,
    /// Face value not yet paid out because it waits on the condition, billions of USD.
    pub pending_bn: f64,
    /// Grant-equivalent value still held back until the condition is fulfilled, billions of USD.
    pub at_stake_bn: f64,
    /// The condition attached.
    pub condition: Condition,
}

/// An energy deal's changing terms.
#[derive(Clone, Debug, PartialEq)]
pub struct DealState {
    /// Lowest price the supplier accepts, USD per thousand cubic metres (or oil equivalent).
    pub supplier_min_usd: f64,
    /// Highest price the buyer accepts, same unit.
    pub buyer_max_usd: f64,
    /// When it was signed, if it was.
    pub signed: Option<YearMonth>,
    /// Agreed price (midpoint of the overlap when signed).
    pub price_usd: f64,
    /// When deliveries start (known once signed).
    pub deliveries_start: Option<YearMonth>,
}

impl DealState {
    /// Whether gas or oil is flowing at `date`.
    pub fn flowing(&self, date: YearMonth) -> bool {
        self.deliveries_start.is_some_and(|d| date >= d)
    }
}

/// The evolving state of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct World {
    /// Number of actors.
    pub n: usize,
    /// Number of patrons.
    pub np: usize,
    /// GDP, billions of USD.
    pub gdp: Vec<f64>,
    /// Real GDP growth per year, fraction.
    pub gdp_growth: Vec<f64>,
    /// How autocratic (0 democratic – 1 closed autocracy): sensitivity to regime pressure.
    pub autocracy: Vec<f64>,
    /// Attachment to sovereignty and non-interference norms, 0–1.
    pub sovereignty: Vec<f64>,
    /// Sensitivity to being dominated by one patron, 0–1.
    pub nationalism: Vec<f64>,
    /// Standing external threat (terrorism, borders), 0–1.
    pub threat_base: Vec<f64>,
    /// Extra threat from recent shocks, decaying.
    pub threat_extra: Vec<f64>,
    /// Collective SCO pressure against foreign bases (from declarations), decaying.
    pub sco_pressure: f64,
    /// Alignment shares toward each patron (rows sum to one; a patron's own row is one-hot).
    pub alignment: Vec<f64>,
    /// The leader's own leaning toward each patron, about -1..1.
    pub leaning: Vec<f64>,
    /// Trade turnover, billions of USD per year.
    pub trade: Vec<f64>,
    /// Growth of trade per year, fraction.
    pub trade_growth: Vec<f64>,
    /// Aid flow, billions of USD per year.
    pub aid: Vec<f64>,
    /// Migrant remittances from the patron, billions of USD per year.
    pub remittances: Vec<f64>,
    /// Debt owed to the patron, billions of USD.
    pub debt: Vec<f64>,
    /// Security provided by the patron (presence, guarantees, arms), 0–1.
    pub security: Vec<f64>,
    /// The patron's pressure on the regime (democracy promotion, criticism), decaying.
    pub pressure: Vec<f64>,
    /// Goodwill stock from one-off transfers, billions of USD of grant equivalent, decaying.
    pub goodwill: Vec<f64>,
    /// Energy income (rent plus transit) from deals with the patron, billions of USD per year.
    pub energy_income: Vec<f64>,
    /// Extra nationalism toward the patron from a backlash, decaying.
    pub backlash: Vec<f64>,
    /// Partnership between patrons, 0–1, symmetric `np x np`.
    pub partnership: Vec<f64>,
    /// Yearly income from completed infrastructure projects financed by each patron, bn USD
    /// (`n x np`).
    pub project_income: Vec<f64>,
    /// When each accepted infrastructure project is completed, one entry per scripted event
    /// (`None`: not an accepted project under construction).
    pub project_due: Vec<Option<YearMonth>>,
    /// The threat each patron poses to each state by its use of force (`n x np`), decaying.
    pub menace: Vec<f64>,
    /// Share of each patron's money that third states forgo under secondary sanctions on it,
    /// one per patron slot, decaying.
    pub money_discount: Vec<f64>,
    /// Each patron's non-interference, 0–1, one per patron slot (a `norms_change` event moves it).
    pub non_interference: Vec<f64>,
    /// Whether each actor is under UN Security Council sanctions.
    pub un_sanctioned: Vec<bool>,
    /// Share of each state's population of each patron's nationality (`n x np`), for the threat
    /// a patron's use of force poses to it.
    pub minority: Vec<f64>,
    /// Coercion each patron suffers from other powers anywhere (sanctions, tariffs, export
    /// controls), one per patron slot, a stock that fades.
    pub coercion: Vec<f64>,
    /// The last step's drift of each pair of balancers' partnership, term by term (per year), in
    /// the order the engine visits the pairs.
    pub partnership_drift: Vec<PartnershipDrift>,
    /// SCO standing per actor.
    pub sco: Vec<ScoStatus>,
    /// When an acceding actor becomes a member.
    pub accession_date: Vec<Option<YearMonth>>,
    /// CSTO membership per actor.
    pub csto: Vec<bool>,
    /// EEU membership per actor.
    pub eeu: Vec<bool>,
    /// Bases, in scenario order.
    pub bases: Vec<BaseState>,
    /// Loans (outstanding at the start, then those offered by events), in scenario order.
    pub loans: Vec<LoanState>,
    /// Energy deals, in scenario order.
    pub deals: Vec<DealState>,
    /// What each patron may still commit this year, `np x BUDGETS` (credit bn USD, grants bn
    /// USD, rent million USD a year); infinite for a patron whose offers are scripted.
    pub budget_left: Vec<f64>,
    /// When each patron last offered each state credit (`n x np`), strategic patrons only.
    pub last_credit: Vec<Option<YearMonth>>,
    /// When each patron last gave each state a grant (`n x np`), strategic patrons only.
    pub last_grant: Vec<Option<YearMonth>>,
    /// What each patron did for or to each state at the last step (`n x np`, score points:
    /// money, security, regime pressure and debt), kept for states that decide by hedging;
    /// infinite until first seen (a value that compares equal to itself, unlike NaN).
    pub behaviour: Vec<f64>,
    /// How much each patron's behaviour toward each state has been changing (`n x np`, score
    /// points per year, a moving average that fades), for states that decide by hedging.
    pub volatility: Vec<f64>,
    /// The balancers' joint actions each actor has witnessed (joint exercises, SCO declarations,
    /// coordinated offers), a stock that fades; read by the soft-balancing lens.
    pub concert: Vec<f64>,
    /// When each patron last made each state an offer of credit, a grant or a project (`n x
    /// np`), to tell coordinated offers by two balancers.
    pub last_offer: Vec<Option<YearMonth>>,
    /// When each actor was last made a scripted offer (credit, debt relief, rent, a request for
    /// a base), `n`: its answers in the same step are not logged before it
    /// (`engine::context::Ctx::answer_date`).
    pub offered: Vec<Option<YearMonth>>,
}

/// The yearly rates at which each force moves one pair of balancers' partnership (docs/model.md,
/// "Partnership"). Their sum is the drift; the scripted one-off jumps (exercises, signings,
/// loans, the day sanctions start) are not in it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PartnershipDrift {
    /// First balancer (patron slot).
    pub a: usize,
    /// Second balancer (patron slot).
    pub b: usize,
    /// Coercion of either balancer by another power, anywhere.
    pub coercion: f64,
    /// Energy flowing between the two.
    pub flows: f64,
    /// Credit outstanding between the two.
    pub credit: f64,
    /// The leading power's presence in the region (a shared target).
    pub opposition: f64,
    /// Competition for the same clients in the region, net of a division of labour (negative).
    pub rivalry: f64,
    /// Regional gas flowing to one around the other (negative).
    pub bypass: f64,
    /// The pull back toward the starting level.
    pub reversion: f64,
}

impl PartnershipDrift {
    /// The names of the terms, in [`PartnershipDrift::terms`] order.
    pub const NAMES: [&'static str; 7] = [
        "coercion",
        "flows",
        "credit",
        "opposition",
        "rivalry",
        "bypass",
        "reversion",
    ];

    /// The terms, in [`PartnershipDrift::NAMES`] order.
    pub fn terms(&self) -> [f64; 7] {
        [
            self.coercion,
            self.flows,
            self.credit,
            self.opposition,
            self.rivalry,
            self.bypass,
            self.reversion,
        ]
    }

    /// The whole drift, per year.
    pub fn total(&self) -> f64 {
        self.terms().iter().sum()
    }

    /// The drift at partnership `level`: each force that raises it scaled by the room left
    /// (`1 - level`), each that lowers it by `level`; the pull back to the start is unscaled.
    pub fn bounded(self, level: f64) -> PartnershipDrift {
        let scale = |x: f64| {
            if x >= 0.0 {
                x * (1.0 - level)
            } else {
                x * level
            }
        };
        PartnershipDrift {
            coercion: scale(self.coercion),
            flows: scale(self.flows),
            credit: scale(self.credit),
            opposition: scale(self.opposition),
            rivalry: scale(self.rivalry),
            bypass: scale(self.bypass),
            ..self
        }
    }
}

/// Instruments in `World::budget_left`: credit, grants, rent.
pub const BUDGETS: usize = 3;
/// Index of the credit budget in a patron's row of `World::budget_left`.
pub const CREDIT: usize = 0;
/// Index of the grant budget.
pub const GRANT: usize = 1;
/// Index of the rent budget.
pub const RENT: usize = 2;

impl World {
    /// Index of the pair (actor, patron slot) in the flat per-pair vectors.
    #[inline]
    pub fn ix(&self, actor: usize, slot: usize) -> usize {
        actor * self.np + slot
    }

    /// Alignment row of an actor.
    #[inline]
    pub fn alignment_of(&self, actor: usize) -> &[f64] {
        &self.alignment[actor * self.np..(actor + 1) * self.np]
    }

    /// Partnership between two patron slots.
    #[inline]
    pub fn partnership_of(&self, a: usize, b: usize) -> f64 {
        self.partnership[a * self.np + b]
    }

    /// Adds `delta` to the partnership of two patron slots, keeping it within 0–1 and symmetric.
    pub fn add_partnership(&mut self, a: usize, b: usize, delta: f64) {
        if a == b {
            return;
        }
        let v = (self.partnership[a * self.np + b] + delta).clamp(0.0, 1.0);
        self.partnership[a * self.np + b] = v;
        self.partnership[b * self.np + a] = v;
    }

    /// Current threat to an actor, 0–1.
    #[inline]
    pub fn threat(&self, actor: usize) -> f64 {
        (self.threat_base[actor] + self.threat_extra[actor]).min(1.0)
    }
}
