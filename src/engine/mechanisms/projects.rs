//! Infrastructure projects: a patron offers to build and finance a road, a railway or a pipeline
//! spur in a state (the Belt and Road Initiative's kind of offer), and the state decides.
//!
//! Rule. An `infrastructure` event offers a project costing `amount_bn`, financed by the
//! patron's credit, that will earn the state `income` a year (transit fees, tolls, exports) once
//! built, `build_months` later. The state values the income stream as the loan rule values a
//! grant (`engine::mechanisms::loans::appraise`: its yearly worth against the extra fear of
//! domination of more money from that patron) and accepts when `gain > cost + noise`. On
//! acceptance the whole cost is added to its debt to the patron at once (the creditor's pull, and
//! debt service in its exposure); the income starts when the project is completed, and counts
//! as money from the patron from then on. The lag is what the instrument is about: the debt
//! comes first, the income later (e.g. the China–Kyrgyzstan–Uzbekistan railway, agreed in June
//! 2024 with construction to take about six years; the Dushanbe–Chanak road, built by China in
//! 2006–2010 with Chinese credit).

use crate::engine::context::{Ctx, noise};
use crate::engine::mechanisms::loans;
use crate::engine::record::What;
use crate::scenario::world::World;
use crate::scenario::{Condition, EventKind};

/// The state decides the project offered by scripted event `event`.
pub fn offer(ctx: &mut Ctx, w: &mut World, event: usize) {
    let (sc, prm) = (ctx.sc, ctx.prm);
    let EventKind::Infrastructure {
        lender,
        borrower,
        amount_bn,
        income_bn,
        build_months,
    } = sc.events[event].kind
    else {
        return;
    };
    // The income stream's worth as a one-off grant (the loan rule spends a grant down at its
    // half-life, so a grant of income x half-life / ln2 is worth `income` a year).
    let as_grant = income_bn * prm.loans.transfer_half_life_years / std::f64::consts::LN_2;
    let (gain, cost) = loans::appraise(
        sc,
        w,
        prm,
        (sc.patrons[lender], borrower),
        as_grant,
        Condition::None,
    );
    let cost = cost + noise(ctx.rng, prm.decision.decision_noise_sd);
    if gain > cost {
        let k = w.ix(borrower, lender);
        w.debt[k] += amount_bn;
        w.project_due[event] = Some(ctx.date.plus_months(build_months));
        ctx.log(
            ctx.date,
            borrower,
            What::ProjectAccepted(event),
            gain,
            cost,
            amount_bn,
        );
    } else {
        ctx.log(
            ctx.date,
            borrower,
            What::ProjectDeclined(event),
            gain,
            cost,
            amount_bn,
        );
    }
}

/// Projects completed by now start earning their income.
pub fn complete(ctx: &mut Ctx, w: &mut World) {
    let sc = ctx.sc;
    for event in 0..w.project_due.len() {
        let Some(due) = w.project_due[event] else {
            continue;
        };
        if due > ctx.date {
            continue;
        }
        w.project_due[event] = None;
        if let Some(EventKind::Infrastructure {
            lender,
            borrower,
            income_bn,
            ..
        }) = sc.events.get(event).map(|e| &e.kind)
        {
            let k = w.ix(*borrower, *lender);
            w.project_income[k] += income_bn;
            ctx.log(
                due,
                *borrower,
                What::ProjectBuilt(event),
                0.0,
                0.0,
                *income_bn,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::mechanisms::testkit::{Kit, region};
    use crate::engine::record::What;

    const UZB: usize = 4;

    fn share(kit: &Kit, state: usize, patron: usize) -> f64 {
        kit.world.alignment[state * kit.world.np + patron]
    }

    fn paired(event: &str, months: i32) -> (Kit, Kit) {
        let mut without = region("");
        without.run_months(months);
        let mut with = region(event);
        with.run_months(months);
        (without, with)
    }

    #[test]
    fn an_infrastructure_project_brings_debt_first_and_income_later() {
        let project = r#"
[[events]]
id = "railway"
date = "2022-03"
kind = "infrastructure"
lender = "CHN"
borrower = "UZB"
amount_bn = 4.0
income_musd = 400.0
build_months = 24
"#;
        let chn = 2;
        let (without, with) = paired(project, 46);
        let mut kit = region(project);
        let rec = kit.run_months(46);
        let accepted = rec
            .log
            .iter()
            .position(|e| matches!(e.what, What::ProjectAccepted(_)) && e.actor == UZB);
        let built = rec
            .log
            .iter()
            .position(|e| matches!(e.what, What::ProjectBuilt(_)) && e.actor == UZB);
        assert!(accepted.is_some() && built > accepted, "{:?}", rec.log);
        assert_eq!(
            rec.log[built.unwrap()]
                .date
                .months_since(rec.log[accepted.unwrap()].date),
            24
        );
        let k = UZB * with.world.np + chn;
        assert!(with.world.project_income[k] > 0.39);
        // The debt, amortising over the default 10-year term since 2022-03.
        assert!(with.world.debt[k] > without.world.debt[k] + 2.5);
        assert!(share(&with, UZB, chn) > share(&without, UZB, chn));
    }
}
