//! Validates the `[scenario]` header, the `[[actors]]` (patrons and states, their numbers,
//! alignment and leanings), the leading power and its balancers, `[[ties]]` between states and
//! patrons, and `[[relations]]` between actors.

use std::collections::BTreeMap;

use super::{ActorInfo, Cast, Header, Ids, MAX_ACTORS, MAX_SEED, MAX_STEPS, R, Role, Strategy, V};
use crate::date::Period;
use crate::scenario::lens::Lens;
use crate::scenario::raw::{RawActor, RawScenario};
use crate::scenario::world::{BUDGETS, MAX_PATRONS, ScoStatus, World};

impl V<'_> {
    /// The header's name, description, dates, period, seed, default lens and region.
    pub(super) fn header(&self, raw: &RawScenario) -> R<Header> {
        let meta = raw.scenario.get_ref();
        let name = meta.name.get_ref().clone();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(self.err(
                meta.name.span(),
                format!("scenario name `{name}` cannot be used as a folder name"),
                "use letters, digits, `_` and `-` only, e.g. \"ufa2015\"",
            ));
        }
        // It names the output folder (`out/<name>/`, and `--out` copies into a sibling with a
        // suffix): file systems allow 255 bytes in a name.
        const MAX_NAME: usize = 100;
        if name.len() > MAX_NAME {
            return Err(self.err(
                meta.name.span(),
                format!(
                    "scenario name is {} characters long: it names the output folder, at most {MAX_NAME}",
                    name.len()
                ),
                "use a short name, e.g. \"ufa2015\"; a longer title goes in `description`",
            ));
        }
        let start = self.date(&meta.start)?;
        let end = self.date(&meta.end)?;
        if end <= start {
            return Err(self.err(
                meta.end.span(),
                format!("end {end} is not after start {start}"),
                "set `end` to a later month than `start`",
            ));
        }
        let months = end.months_since(start);
        let period = match meta.period.get_ref().as_str() {
            "month" => Period::Month,
            "quarter" => Period::Quarter,
            "year" => Period::Year,
            other => {
                return Err(self.err(
                    meta.period.span(),
                    format!("unknown period `{other}`"),
                    "use \"month\", \"quarter\" or \"year\"",
                ));
            }
        };
        let steps = months / period.months();
        if steps == 0 {
            return Err(self.err(
                meta.end.span(),
                format!(
                    "from {start} to {end} is shorter than one {}: the scenario has no step",
                    period.name()
                ),
                "set `end` at least one period after `start`, or use a shorter `period`",
            ));
        }
        if steps as usize > MAX_STEPS {
            return Err(self.err(
                meta.end.span(),
                format!(
                    "from {start} to {end} is {steps} steps of a {}, more than the limit of {MAX_STEPS}",
                    period.name()
                ),
                "use a later `start`, an earlier `end` or a longer `period`",
            ));
        }
        let seed = match &meta.seed {
            Some(s) if *s.get_ref() < 0 => {
                return Err(self.err(s.span(), "seed is negative", "use a whole number from 0 up"));
            }
            Some(s) if *s.get_ref() as u64 > MAX_SEED => {
                return Err(self.err(
                    s.span(),
                    "seed is larger than 2^53 - 1 (9007199254740991)",
                    "use a smaller whole number: larger ones are rounded by spreadsheets and JSON readers",
                ));
            }
            Some(s) => *s.get_ref() as u64,
            None => 1,
        };
        let lens = match &meta.lens {
            Some(s) => self.lens(s)?,
            None => Lens::default(),
        };

        let region = meta
            .region
            .as_ref()
            .map_or("central_asia".to_string(), |s| s.get_ref().clone());
        Ok(Header {
            name,
            description: meta.description.clone().unwrap_or_default(),
            start,
            end,
            period,
            steps: steps as usize,
            seed,
            lens,
            region,
        })
    }

    /// The actors: ids, roles, patron slots, lenses and neighbours.
    pub(super) fn cast(&self, raw: &RawScenario, header: &Header) -> R<Cast> {
        let lens = header.lens;
        let region = &header.region;
        let mut actors: Vec<ActorInfo> = Vec::with_capacity(raw.actors.len());
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut patrons = Vec::new();
        if let Some(a) = raw.actors.get(MAX_ACTORS) {
            return Err(self.err(
                a.get_ref().id.span(),
                format!(
                    "more than {MAX_ACTORS} actors (the file has {})",
                    raw.actors.len()
                ),
                format!("a scenario holds at most {MAX_ACTORS} actors; split the region or group small states"),
            ));
        }
        for a in &raw.actors {
            let a = a.get_ref();
            let id = a.id.get_ref();
            self.id_text(&a.id, "actor")?;
            if ids.contains_key(id) {
                return Err(self.err(
                    a.id.span(),
                    format!("duplicate actor id `{id}`"),
                    "each actor needs its own id; rename or remove one of the two",
                ));
            }
            // Actor ids name chart files, and some file systems ignore case.
            if let Some(other) = ids.keys().find(|k| k.eq_ignore_ascii_case(id)) {
                return Err(self.err(
                    a.id.span(),
                    format!("actor id `{id}` differs from `{other}` only in case"),
                    "actor ids name files (alignment_<ID>.svg), and some file systems ignore case; rename one of the two",
                ));
            }
            let role = match a.role.get_ref().as_str() {
                "patron" => Role::Patron,
                "state" => Role::State,
                other => {
                    return Err(self.err(
                        a.role.span(),
                        format!("unknown role `{other}`"),
                        "use \"patron\" (a great power: USA, RUS, CHN) or \"state\"",
                    ));
                }
            };
            let slot = (role == Role::Patron).then(|| {
                patrons.push(actors.len());
                patrons.len() - 1
            });
            ids.insert(id.clone(), actors.len());
            let actor_lens = match &a.lens {
                Some(s) => self.lens(s)?,
                None => lens,
            };
            let strategy = self.strategy(a, role)?;
            actors.push(ActorInfo {
                id: id.clone(),
                name: a.name.clone().unwrap_or_else(|| id.clone()),
                role,
                in_region: a.region.as_ref().is_some_and(|r| r.get_ref() == region),
                slot,
                military_bn: self.opt(&a.military_bn, "military_bn", 0.0, f64::INFINITY, 0.0)?,
                non_interference: self.opt(
                    &a.non_interference,
                    "non_interference",
                    0.0,
                    1.0,
                    0.5,
                )?,
                lens: actor_lens,
                neighbours: Vec::new(),
                strategy,
            });
        }
        let Some(first_actor) = raw.actors.first() else {
            return Err(self.err(
                raw.scenario.span(),
                "the scenario has no actors",
                "add [[actors]] tables: at least one patron and one state",
            ));
        };
        if patrons.is_empty() {
            return Err(self.err(
                first_actor.span(),
                "the scenario has no patron",
                "give at least one actor `role = \"patron\"` (e.g. USA, RUS, CHN)",
            ));
        }
        let np = patrons.len();
        for (i, a) in raw.actors.iter().enumerate() {
            for id in a.get_ref().neighbours.iter().flatten() {
                let Some(&j) = ids.get(id.get_ref()) else {
                    return Err(self.err(
                        id.span(),
                        format!("unknown actor `{}`", id.get_ref()),
                        "list the ids of actors this one borders, from [[actors]]",
                    ));
                };
                let help = "list each actor this one borders once, and not the actor itself";
                if j == i {
                    return Err(self.err(
                        id.span(),
                        format!("`{}` is listed as its own neighbour", id.get_ref()),
                        help,
                    ));
                }
                self.once(&mut actors[i].neighbours, j, id, help)?;
            }
        }
        if np > MAX_PATRONS {
            return Err(self.err(
                raw.actors[patrons[MAX_PATRONS]].get_ref().role.span(),
                format!("{np} patrons; the model supports at most {MAX_PATRONS}"),
                "make the smaller powers states rather than patrons",
            ));
        }
        Ok(Cast {
            actors,
            ids,
            patrons,
        })
    }

    /// A patron's `decision` and `budget`: `None` for scripted offers (the default), its yearly
    /// budgets when it decides its offers itself. Its credit lines are added with the loans.
    fn strategy(&self, a: &RawActor, role: Role) -> R<Option<Strategy>> {
        let strategic = match &a.decision {
            None => false,
            Some(d) if role != Role::Patron => {
                return Err(self.err(
                    d.span(),
                    "only a patron has a `decision`",
                    "remove `decision`: states always decide by their lens",
                ));
            }
            Some(d) => match d.get_ref().as_str() {
                "scripted" => false,
                "strategic" => true,
                other => {
                    return Err(self.err(
                        d.span(),
                        format!("unknown decision `{other}`"),
                        "use \"scripted\" (offers come from [[events]]) or \"strategic\" (the patron chooses its offers within a `budget`)",
                    ));
                }
            },
        };
        let Some(budget) = &a.budget else {
            return Ok(strategic.then(|| Strategy {
                credit_bn: 0.0,
                aid_bn: 0.0,
                rent_musd: 0.0,
                credit_line: Vec::new(),
            }));
        };
        if !strategic {
            let help = if role == Role::Patron {
                "add `decision = \"strategic\"` to this patron, or remove `budget`"
            } else {
                "remove `budget`: only a patron has one, with `decision = \"strategic\"`"
            };
            return Err(self.err(
                budget.span(),
                "a `budget` needs `decision = \"strategic\"`",
                help,
            ));
        }
        let b = budget.get_ref();
        Ok(Some(Strategy {
            credit_bn: self.opt(&b.credit_bn, "credit_bn", 0.0, f64::INFINITY, 0.0)?,
            aid_bn: self.opt(&b.aid_bn, "aid_bn", 0.0, f64::INFINITY, 0.0)?,
            rent_musd: self.opt(&b.rent_musd, "rent_musd", 0.0, f64::INFINITY, 0.0)?,
            credit_line: Vec::new(),
        }))
    }

    /// The leading power's slot and the balancers' slots.
    pub(super) fn powers(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        patrons: &[usize],
    ) -> R<(usize, Vec<usize>)> {
        let meta = raw.scenario.get_ref();
        let np = patrons.len();
        let leading = match &meta.leading_power {
            Some(s) => self.patron(ctx, s)?,
            None => ctx.actors[ctx.ids.get("USA").copied().unwrap_or(patrons[0])]
                .slot
                .unwrap_or(0),
        };
        let balancers = match &meta.balancers {
            Some(list) => {
                let mut out = Vec::new();
                for s in list.get_ref() {
                    let slot = self.patron(ctx, s)?;
                    if out.contains(&slot) {
                        return Err(self.err(
                            s.span(),
                            "a patron is listed twice among the balancers",
                            "list each balancer once",
                        ));
                    }
                    if slot == leading {
                        return Err(self.err(
                            s.span(),
                            "the leading power cannot also be a balancer",
                            "list the patrons that balance the leading power, e.g. [\"RUS\", \"CHN\"]",
                        ));
                    }
                    out.push(slot);
                }
                out
            }
            None => (0..np).filter(|&p| p != leading).collect(),
        };
        Ok((leading, balancers))
    }

    /// The world at the start as far as the actors themselves set it (numbers, SCO status,
    /// alignment, leanings), and the states whose alignment starts from their own scores.
    pub(super) fn initial_world(
        &self,
        raw: &RawScenario,
        ctx: &Ids,
        np: usize,
    ) -> R<(World, Vec<usize>)> {
        let actors = ctx.actors;
        let n = actors.len();
        let mut w = World {
            n,
            np,
            gdp: vec![0.0; n],
            gdp_growth: vec![0.0; n],
            autocracy: vec![0.0; n],
            sovereignty: vec![0.0; n],
            nationalism: vec![0.0; n],
            threat_base: vec![0.0; n],
            threat_extra: vec![0.0; n],
            sco_pressure: 0.0,
            alignment: vec![0.0; n * np],
            leaning: vec![0.0; n * np],
            trade: vec![0.0; n * np],
            trade_growth: vec![0.0; n * np],
            aid: vec![0.0; n * np],
            remittances: vec![0.0; n * np],
            debt: vec![0.0; n * np],
            security: vec![0.0; n * np],
            pressure: vec![0.0; n * np],
            goodwill: vec![0.0; n * np],
            energy_income: vec![0.0; n * np],
            backlash: vec![0.0; n * np],
            partnership: vec![0.5; np * np],
            coercion: vec![0.0; np],
            menace: vec![0.0; n * np],
            project_income: vec![0.0; n * np],
            project_due: vec![None; raw.events.len()],
            money_discount: vec![0.0; np],
            // Patron slots follow the actors' order.
            non_interference: actors
                .iter()
                .filter(|a| a.slot.is_some())
                .map(|a| a.non_interference)
                .collect(),
            un_sanctioned: vec![false; n],
            minority: vec![0.0; n * np],
            partnership_drift: Vec::new(),
            sco: vec![ScoStatus::None; n],
            accession_date: vec![None; n],
            csto: vec![false; n],
            eeu: vec![false; n],
            bases: Vec::new(),
            loans: Vec::new(),
            deals: Vec::new(),
            budget_left: vec![f64::INFINITY; np * BUDGETS],
            last_credit: vec![None; n * np],
            last_grant: vec![None; n * np],
            behaviour: vec![f64::INFINITY; n * np],
            volatility: vec![0.0; n * np],
            concert: vec![0.0; n],
            last_offer: vec![None; n * np],
            offered: vec![None; n],
        };
        for p in 0..np {
            w.partnership[p * np + p] = 1.0;
        }
        for a in actors {
            if let (Some(p), Some(st)) = (a.slot, &a.strategy) {
                w.budget_left[p * BUDGETS..][..BUDGETS].copy_from_slice(&st.budgets());
            }
        }

        let mut from_scores = Vec::new();
        for (i, a) in raw.actors.iter().enumerate() {
            let a = a.get_ref();
            w.gdp[i] = self.in_range(&a.gdp_bn, "gdp_bn", 1e-6, f64::INFINITY)?;
            if let Some(c) = &a.coercion {
                let Some(p) = actors[i].slot else {
                    return Err(self.err(
                        c.span(),
                        "`coercion` is the pressure a patron suffers from other powers",
                        "give `coercion` to a patron, or remove it from this state",
                    ));
                };
                w.coercion[p] = self.in_range(c, "coercion", 0.0, 10.0)?;
            }
            w.gdp_growth[i] = self.opt(&a.gdp_growth, "gdp_growth", -0.5, 0.5, 0.0)?;
            w.autocracy[i] = self.opt(&a.autocracy, "autocracy", 0.0, 1.0, 0.5)?;
            w.sovereignty[i] = self.opt(&a.sovereignty, "sovereignty", 0.0, 1.0, 0.5)?;
            w.nationalism[i] = self.opt(&a.nationalism, "nationalism", 0.0, 1.0, 0.5)?;
            w.threat_base[i] = self.opt(&a.threat, "threat", 0.0, 1.0, 0.2)?;
            w.csto[i] = a.csto.unwrap_or(false);
            w.eeu[i] = a.eeu.unwrap_or(false);
            if let Some(s) = &a.sco {
                w.sco[i] = match s.get_ref().as_str() {
                    "member" => ScoStatus::Member,
                    "observer" => ScoStatus::Observer,
                    "applicant" => ScoStatus::Applicant,
                    "none" => ScoStatus::None,
                    other => {
                        return Err(self.err(
                            s.span(),
                            format!("unknown SCO status `{other}`"),
                            "use \"member\", \"observer\", \"applicant\" or \"none\"",
                        ));
                    }
                };
            }
            match actors[i].role {
                Role::Patron => {
                    if let Some(al) = &a.alignment {
                        return Err(self.err(
                            al.span(),
                            format!("patron `{}` has an alignment", actors[i].id),
                            "patrons do not align with others; remove `alignment` (only states have one)",
                        ));
                    }
                    let slot = actors[i].slot.unwrap_or(0);
                    w.alignment[i * np + slot] = 1.0;
                }
                Role::State if a.alignment.is_none() => {
                    // Filled in below from the state's own initial scores.
                    from_scores.push(i);
                }
                Role::State => {
                    let Some(al) = &a.alignment else {
                        unreachable!("checked by the arm above")
                    };
                    let shares = self.by_patron(ctx, al, "share", 0.0, 1.0)?;
                    let sum: f64 = shares.iter().sum();
                    if (sum - 1.0).abs() > 1e-6 {
                        return Err(self.err(
                            al.span(),
                            format!("alignment shares of `{}` sum to {sum}, expected 1", actors[i].id),
                            "make the shares toward the patrons add up to exactly 1 (a patron left out counts as 0)",
                        ));
                    }
                    w.alignment[i * np..(i + 1) * np].copy_from_slice(&shares);
                }
            }
            if let Some(l) = &a.leaning {
                let l = self.by_patron(ctx, l, "leaning", -2.0, 2.0)?;
                w.leaning[i * np..(i + 1) * np].copy_from_slice(&l);
            }
            if let Some(m) = &a.minority {
                let m = self.by_patron(ctx, m, "minority share", 0.0, 1.0)?;
                w.minority[i * np..(i + 1) * np].copy_from_slice(&m);
            }
            w.un_sanctioned[i] = a.un_sanctioned.unwrap_or(false);
        }
        Ok((w, from_scores))
    }

    /// `[[ties]]`: trade, aid, remittances, debt, security and pressure between a state and a
    /// patron.
    pub(super) fn ties(&self, raw: &RawScenario, ctx: &Ids, w: &mut World) -> R<()> {
        let n = w.n;
        let np = w.np;
        let mut seen_ties = vec![false; n * np];
        for t in &raw.ties {
            let t = t.get_ref();
            let s = self.state(ctx, &t.state)?;
            let p = self.patron(ctx, &t.patron)?;
            let k = s * np + p;
            if seen_ties[k] {
                return Err(self.err(
                    t.state.span(),
                    format!(
                        "a second tie between `{}` and `{}`",
                        t.state.get_ref(),
                        t.patron.get_ref()
                    ),
                    "merge the two [[ties]] tables for this pair into one",
                ));
            }
            seen_ties[k] = true;
            w.trade[k] = self.opt(&t.trade_bn, "trade_bn", 0.0, f64::INFINITY, 0.0)?;
            w.trade_growth[k] = self.opt(&t.trade_growth, "trade_growth", -0.9, 2.0, 0.0)?;
            w.aid[k] = self.opt(&t.aid_bn, "aid_bn", 0.0, f64::INFINITY, 0.0)?;
            w.remittances[k] =
                self.opt(&t.remittances_bn, "remittances_bn", 0.0, f64::INFINITY, 0.0)?;
            w.debt[k] = self.opt(&t.debt_bn, "debt_bn", 0.0, f64::INFINITY, 0.0)?;
            w.security[k] = self.opt(&t.security, "security", 0.0, 1.0, 0.0)?;
            w.pressure[k] = self.opt(&t.pressure, "pressure", 0.0, 10.0, 0.0)?;
        }
        Ok(())
    }

    /// `[[relations]]`: the standing affinity between two actors (`n x n`); between two patrons
    /// it also sets their partnership.
    pub(super) fn relations(&self, raw: &RawScenario, ctx: &Ids, w: &mut World) -> R<Vec<f64>> {
        let actors = ctx.actors;
        let n = w.n;
        let np = w.np;
        let mut relations = vec![0.0; n * n];
        for r in &raw.relations {
            let r = r.get_ref();
            let a = self.actor(ctx, &r.a)?;
            let b = self.actor(ctx, &r.b)?;
            if a == b {
                return Err(self.err(
                    r.b.span(),
                    "a relation needs two different actors",
                    "name two different actors in `a` and `b`",
                ));
            }
            let x = self.in_range(&r.affinity, "affinity", -1.0, 1.0)?;
            relations[a * n + b] = x;
            relations[b * n + a] = x;
            if let (Some(pa), Some(pb)) = (actors[a].slot, actors[b].slot) {
                let v = 0.5 + 0.5 * x;
                w.partnership[pa * np + pb] = v;
                w.partnership[pb * np + pa] = v;
            }
        }
        Ok(relations)
    }
}
