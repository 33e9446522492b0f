//! Scenarios: the validated description of a region, its actors, assets and scripted events.
//!
//! Loading is two-stage (as in ripgrep's argument handling): [`raw`] reads the TOML file into
//! serde types that keep every value's position, and [`validate`] converts that into a
//! [`Scenario`] whose invariants hold by construction — ids resolved to indices, shares summing to
//! one, amounts non-negative, dates inside the scenario. The engine accepts only a [`Scenario`].
//! The file format is documented in `docs/scenario-format.md`.

pub mod experiment;
pub mod keys;
pub mod lens;
pub mod load;
pub mod raw;
pub mod schema;
pub mod shipped;
pub mod synthetic;
pub mod validate;
pub mod world;

use crate::date::{Period, YearMonth};
use crate::error::{ScenarioError, printable, unprintable};
use crate::params::Params;

pub use experiment::{Check, Outcome, SweepPlan};
pub use lens::Lens;
pub use world::{Condition, World};

/// Patron or state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A great power that others align with (USA, RUS, CHN).
    Patron,
    /// A state that chooses how to align (the Central Asian states, SCO candidates and observers).
    State,
}

/// What never changes about an actor.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorInfo {
    /// Short id used in files and output, e.g. `KGZ`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Patron or state.
    pub role: Role,
    /// Whether the regional indices (US influence, soft balancing) average over this actor.
    pub in_region: bool,
    /// Patron slot, for patrons.
    pub slot: Option<usize>,
    /// Military spending, billions of USD per year (used for power in SCO bargaining).
    pub military_bn: f64,
    /// How far the patron respects non-interference (0 – 1); patrons only.
    pub non_interference: f64,
    /// Decision rule for this actor.
    pub lens: Lens,
    /// Actors it borders (actor indices; used by the balance-of-threat lens).
    pub neighbours: Vec<usize>,
    /// How a patron chooses its offers: `None` when they are all scripted, or its budgets when
    /// it decides them itself (`engine::mechanisms::strategy`).
    pub strategy: Option<Strategy>,
}

/// A strategic patron's yearly budgets, one per instrument, and the credit lines it lends
/// through.
#[derive(Clone, Debug, PartialEq)]
pub struct Strategy {
    /// Face value of new credit it may offer in a year, billions of USD.
    pub credit_bn: f64,
    /// One-off grants it may give in a year, billions of USD.
    pub aid_bn: f64,
    /// New rent and tied aid for its bases it may commit in a year, millions of USD a year.
    pub rent_musd: f64,
    /// The loan (index into loans) through which it lends to each actor: one credit line per
    /// state of the region, named `<PATRON>_credit_<STATE>`; `None` for other actors.
    pub credit_line: Vec<Option<usize>>,
}

impl Strategy {
    /// The yearly budgets in the order of `World::budget_left`: credit (bn USD), grants
    /// (bn USD), rent (million USD a year).
    pub fn budgets(&self) -> [f64; 3] {
        [self.credit_bn, self.aid_bn, self.rent_musd]
    }
}

/// What never changes about a base.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseInfo {
    /// Id used by events, e.g. `manas`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Host state (actor index).
    pub host: usize,
    /// User patron (actor index).
    pub user: usize,
    /// Security the base gives the host, 0–1 (multiplied by threat).
    pub security_value: f64,
    /// The most a user pays per year (rent plus tied aid) to keep it, millions of USD.
    pub worth_musd: f64,
    /// The lease's own notice period for a termination, months (`None`: `bases.notice_months`).
    pub notice_months: Option<f64>,
    /// Whether the lease runs without an end date, until either side ends it with notice (a
    /// scenario gives `notice_months` and no `lease_end`): ending it breaks nothing.
    pub open_ended: bool,
}

/// What never changes about a loan.
#[derive(Clone, Debug, PartialEq)]
pub struct LoanInfo {
    /// Id used by events.
    pub id: String,
    /// Lender (actor index).
    pub lender: usize,
    /// Borrower (actor index).
    pub borrower: usize,
    /// Repayment term, years (`None`: `loans.term_years` in force).
    pub term_years: Option<f64>,
}

/// What never changes about an energy deal.
#[derive(Clone, Debug, PartialEq)]
pub struct DealInfo {
    /// Id used by events.
    pub id: String,
    /// Supplier (actor index).
    pub supplier: usize,
    /// Buyer (actor index).
    pub buyer: usize,
    /// Volume, billion cubic metres per year (or oil equivalent).
    pub volume_bcm: f64,
    /// Yearly rise of the buyer's maximum price as its demand grows, USD.
    pub buyer_max_drift_per_year: f64,
    /// Transit states on the route (actor indices).
    pub route: Vec<usize>,
    /// Length of the route in each transit state, km (same order as `route`).
    pub route_km: Vec<f64>,
    /// Months from signing to first deliveries.
    pub build_months: i32,
}

/// A scripted event: an offer made or something that happens to an actor. Events never state a
/// decision; the states decide.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Optional id, used by `--without`.
    pub id: Option<String>,
    /// When it happens.
    pub date: YearMonth,
    /// A note from the scenario (its source), shown in the event log.
    pub note: Option<String>,
    /// What happens.
    pub kind: EventKind,
}

/// What a scripted event does.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A lender offers credit (and optionally a grant) to a borrower, possibly with a condition.
    LoanOffer {
        /// The loan this offer creates (index into loans).
        loan: usize,
        /// Face value of the credit, billions of USD.
        amount_bn: f64,
        /// Outright grant offered with it, billions of USD.
        grant_bn: f64,
        /// Share of the face value that is a gift (`None`: `loans.grant_element` in force).
        grant_element: Option<f64>,
        /// The condition.
        condition: Condition,
    },
    /// A base's user offers new terms (rent and tied aid per year).
    RentOffer {
        /// Base index.
        base: usize,
        /// New yearly rent, millions of USD.
        rent_musd: f64,
        /// New yearly tied aid, millions of USD (unchanged if absent).
        aid_musd: Option<f64>,
    },
    /// A lender writes off part of a loan.
    DebtRelief {
        /// Loan index.
        loan: usize,
        /// Amount written off, billions of USD.
        amount_bn: f64,
    },
    /// A patron sets its yearly aid flow to a state.
    Aid {
        /// Donor (patron slot).
        donor: usize,
        /// Recipient (actor index).
        recipient: usize,
        /// New yearly aid, billions of USD.
        amount_bn: f64,
    },
    /// Sanctions by one actor on another.
    Sanctions {
        /// Sanctioning actor.
        by: usize,
        /// Target actor.
        target: usize,
        /// Severity, 0–1.
        severity: f64,
    },
    /// A new leader with other leanings.
    RegimeChange {
        /// The state.
        actor: usize,
        /// New leanings per patron slot.
        leaning: Vec<f64>,
        /// New autocracy, if it changes.
        autocracy: Option<f64>,
    },
    /// Democracy promotion or public criticism of a regime.
    DemocracyPromotion {
        /// The patron pressing.
        by: usize,
        /// The regime pressed.
        target: usize,
        /// Intensity, added to the pressure.
        intensity: f64,
    },
    /// A joint military exercise.
    Exercise {
        /// Participating actors.
        participants: Vec<usize>,
    },
    /// A terror attack raising the threat to a state.
    Terror {
        /// The state attacked.
        actor: usize,
        /// Threat added, 0–1.
        severity: f64,
    },
    /// An SCO summit declaration asking foreign forces to set a timetable to leave.
    Declaration {
        /// Collective pressure against foreign bases added.
        base_pressure: f64,
    },
    /// A change in the trend of trade between a state and a patron.
    TradeGrowth {
        /// The state.
        state: usize,
        /// The patron (slot).
        patron: usize,
        /// New growth per year, fraction.
        rate: f64,
    },
    /// A nationalist backlash in a state against a patron (e.g. Sinophobia).
    Backlash {
        /// The state.
        actor: usize,
        /// The patron (slot).
        against: usize,
        /// Extra nationalism toward that patron.
        severity: f64,
    },
    /// A patron asks a state to host a base (one of the scenario's bases that is not open), at
    /// the base's current rent; the host decides.
    BaseRequest {
        /// Base index.
        base: usize,
    },
    /// An application for SCO membership.
    Application {
        /// The applicant.
        actor: usize,
    },
    /// A shock to migrants' remittances from a patron's territory (a collapse of its currency, a
    /// crackdown on migrants): the remittances are multiplied by `factor`.
    RemittanceShock {
        /// The patron the remittances come from (slot).
        patron: usize,
        /// The state hit (actor index), or every state when `None`.
        state: Option<usize>,
        /// Multiplier of the remittances, 0 (they stop) to 10.
        factor: f64,
    },
    /// A patron offers to build and finance an infrastructure project in a state (a road, a
    /// railway, a pipeline spur: the Belt and Road Initiative's kind). The state decides.
    Infrastructure {
        /// The financing patron (slot).
        lender: usize,
        /// The host state.
        borrower: usize,
        /// Cost financed by the patron's credit, bn USD (added to the state's debt to it).
        amount_bn: f64,
        /// Yearly income to the state once built (transit fees, tolls, exports), bn USD.
        income_bn: f64,
        /// Months from the decision to completion.
        build_months: i32,
    },
    /// A patron uses force against another actor (an invasion, a war): the threat it poses in
    /// the eyes of every state rises, most for its neighbours and for states with a large
    /// minority of its nationality (Walt's aggressive intentions).
    UseOfForce {
        /// The patron (slot).
        by: usize,
        /// The actor attacked.
        target: usize,
        /// Severity, 0–1.
        severity: f64,
    },
    /// The leading power threatens third states' dealings with a patron (secondary sanctions):
    /// money from that patron is worth less to every state.
    SecondarySanctions {
        /// The sanctioning actor.
        by: usize,
        /// The patron whose partners are threatened (slot).
        target: usize,
        /// Severity, 0–1.
        severity: f64,
    },
    /// Internal unrest that threatens a state's regime. A CSTO member's CSTO patrons deploy to
    /// protect it (Kazakhstan, January 2022).
    Unrest {
        /// The state.
        actor: usize,
        /// Severity, 0–1.
        severity: f64,
    },
    /// A patron changes its norms: its non-interference, 0–1.
    NormsChange {
        /// The patron (slot).
        patron: usize,
        /// New non-interference, 0–1.
        non_interference: f64,
    },
    /// UN Security Council sanctions on an actor imposed (or lifted): an actor under them cannot
    /// join the SCO (the SCO's 2010 rule on admitting new members).
    UnSanctions {
        /// The actor.
        actor: usize,
        /// `true` when the sanctions are lifted.
        lifted: bool,
    },
    /// New reservation prices in energy talks.
    EnergyPrice {
        /// Deal index.
        deal: usize,
        /// New supplier minimum, USD.
        supplier_min_usd: Option<f64>,
        /// New buyer maximum, USD.
        buyer_max_usd: Option<f64>,
    },
}

impl EventKind {
    /// The word used for this kind in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::LoanOffer { .. } => "loan_offer",
            EventKind::RentOffer { .. } => "rent_offer",
            EventKind::DebtRelief { .. } => "debt_relief",
            EventKind::Aid { .. } => "aid",
            EventKind::Sanctions { .. } => "sanctions",
            EventKind::RegimeChange { .. } => "regime_change",
            EventKind::DemocracyPromotion { .. } => "democracy_promotion",
            EventKind::Exercise { .. } => "exercise",
            EventKind::Terror { .. } => "terror",
            EventKind::Declaration { .. } => "declaration",
            EventKind::TradeGrowth { .. } => "trade_growth",
            EventKind::Backlash { .. } => "backlash",
            EventKind::Application { .. } => "application",
            EventKind::BaseRequest { .. } => "base_request",
            EventKind::EnergyPrice { .. } => "energy_price",
            EventKind::RemittanceShock { .. } => "remittance_shock",
            EventKind::UseOfForce { .. } => "use_of_force",
            EventKind::Infrastructure { .. } => "infrastructure",
            EventKind::SecondarySanctions { .. } => "secondary_sanctions",
            EventKind::Unrest { .. } => "unrest",
            EventKind::NormsChange { .. } => "norms_change",
            EventKind::UnSanctions { .. } => "un_sanctions",
        }
    }
}

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short name; the output folder is `out/<name>/`.
    pub name: String,
    /// What the scenario is about.
    pub description: String,
    /// First date.
    pub start: YearMonth,
    /// Last date (the run stops here).
    pub end: YearMonth,
    /// Step length.
    pub period: Period,
    /// Seed of the random generator.
    pub seed: u64,
    /// Default decision rule.
    pub lens: Lens,
    /// Patron slot of the leading power that the others balance (the US).
    pub leading: usize,
    /// Patron slots of the balancers (Russia and China).
    pub balancers: Vec<usize>,
    /// Actors, in file order.
    pub actors: Vec<ActorInfo>,
    /// Actor index of each patron slot.
    pub patrons: Vec<usize>,
    /// Standing affinities between actors (`n x n`, from `[[relations]]`), -1..1.
    pub relations: Vec<f64>,
    /// Bases.
    pub bases: Vec<BaseInfo>,
    /// Loans: those outstanding at the start, then those created by offers.
    pub loans: Vec<LoanInfo>,
    /// Energy deals.
    pub deals: Vec<DealInfo>,
    /// Scripted events, sorted by date (file order within a date).
    pub events: Vec<Event>,
    /// Model parameters in force.
    pub params: Params,
    /// The state at `start`.
    pub initial: World,
    /// States given no starting alignment: they start where their own scores point.
    pub score_start: Vec<usize>,
    /// The lens each actor's starting alignment is worked out under, when it is not the lens it
    /// decides by (empty: its own lens). Set by [`Scenario::keep_start_lenses`].
    pub start_lenses: Vec<Lens>,
    /// Named discrete outcomes checked in every run.
    pub outcomes: Vec<Outcome>,
    /// The validation scorecard's lines (`[[checks]]`).
    pub checks: Vec<Check>,
    /// The sweep the file defines, if any.
    pub sweep: Option<SweepPlan>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The file it came from.
    pub path: String,
}

impl Scenario {
    /// Makes every free text of the scenario safe to print (names, the description, notes,
    /// labels, facts, sources, episodes): a line break or tab becomes a space, and any other
    /// control character, or a character that reverses the direction of the text around it,
    /// becomes `�`. TOML's escapes can put such characters in a string; written raw, they would
    /// make an SVG chart ill-formed XML, break a terminal table across lines or move the
    /// terminal's cursor. Ids need nothing: their character set excludes them.
    pub(crate) fn make_text_printable(&mut self) {
        let fix = |s: &mut String| {
            if s.chars().any(unprintable) {
                *s = printable(s);
            }
        };
        fix(&mut self.name);
        fix(&mut self.description);
        for a in &mut self.actors {
            fix(&mut a.name);
        }
        for b in &mut self.bases {
            fix(&mut b.name);
        }
        for e in &mut self.events {
            if let Some(n) = &mut e.note {
                fix(n);
            }
        }
        for o in &mut self.outcomes {
            fix(&mut o.label);
            if let Some(e) = &mut o.episode {
                fix(e);
            }
        }
        for c in &mut self.checks {
            fix(&mut c.fact);
            for t in [&mut c.without, &mut c.known_failure].into_iter().flatten() {
                fix(t);
            }
            if let Some(d) = &mut c.dated {
                fix(&mut d.source);
            }
        }
    }

    /// Number of steps from `start` to `end`.
    pub fn steps(&self) -> usize {
        let months = self.end.months_since(self.start);
        (months / self.period.months()).max(0) as usize
    }

    /// The date at the start of step `k` (`k == steps()` gives the final date).
    pub fn date_of(&self, k: usize) -> YearMonth {
        self.start.plus_months(k as i32 * self.period.months())
    }

    /// Actor index for an id.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }

    /// Patron slot for an actor id.
    pub fn patron_slot(&self, id: &str) -> Option<usize> {
        self.actor_index(id).and_then(|i| self.actors[i].slot)
    }

    /// Id of the patron in a slot.
    pub fn patron_id(&self, slot: usize) -> &str {
        &self.actors[self.patrons[slot]].id
    }

    /// Indices of the non-patron actors.
    pub fn states(&self) -> impl Iterator<Item = usize> + '_ {
        self.actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.role == Role::State)
            .map(|(i, _)| i)
    }

    /// Standing affinity between two actors.
    pub fn relation(&self, a: usize, b: usize) -> f64 {
        self.relations[a * self.actors.len() + b]
    }

    /// The decision rule of actor `a`.
    pub fn lens_of(&self, a: usize) -> Lens {
        self.actors[a].lens
    }

    /// The lens under which actor `a`'s starting alignment is worked out when the scenario gives
    /// it none: the lens it decides by, unless [`Scenario::keep_start_lenses`] fixed another.
    pub fn start_lens_of(&self, a: usize) -> Lens {
        self.start_lenses
            .get(a)
            .copied()
            .unwrap_or(self.actors[a].lens)
    }

    /// States given no starting alignment go on starting where the lenses they decide by now
    /// point, whatever lens is set later: `compare` starts every lens from where the scenario as
    /// written starts, recomputed in each run under that run's parameters (so a scorecard line
    /// that changes a parameter starts where `validate` starts it).
    pub fn keep_start_lenses(&mut self) {
        self.start_lenses = self.actors.iter().map(|a| a.lens).collect();
    }

    /// Makes every actor decide by `lens` (the `--lens` flag).
    pub fn set_lens(&mut self, lens: Lens) {
        self.lens = lens;
        for a in &mut self.actors {
            a.lens = lens;
        }
    }

    /// Drops every event whose id is `id`; returns how many were dropped.
    pub fn remove_event(&mut self, id: &str) -> usize {
        let before = self.events.len();
        self.events.retain(|e| e.id.as_deref() != Some(id));
        before - self.events.len()
    }
}
