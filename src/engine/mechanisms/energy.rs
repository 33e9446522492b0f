//! Energy deals: a bargaining range between supplier and buyer; signed only when it overlaps.
//!
//! Each deal under negotiation has the supplier's minimum acceptable price and the buyer's
//! maximum. The buyer's maximum drifts with its demand (`buyer_max_drift_per_year`, per deal);
//! shocks move either side (sanctions lower a sanctioned supplier's minimum by
//! `energy.sanction_price_effect * severity`: its Western outside options worsen; `energy_price`
//! events set new reservation prices). The deal is signed in the first step where
//! `buyer_max >= supplier_min`, at the midpoint of the overlap (equal split of the surplus, the
//! Nash bargaining solution), and deliveries start `build_months` later.
//!
//! Once gas flows: a supplier that is a state earns `rent_share * volume * price` a year from the
//! buyer; every state on the route earns `volume * energy.transit_usd_per_tcm_100km * km / 100`
//! for the `km` of the route on its soil; a deal between two patrons
//! raises their partnership by `energy.partnership_gain` when signed (mutual dependence); gas
//! from the region to one balancer outside the other's routes erodes their partnership (see
//! `engine::mechanisms::partnership`). Cases: the 2014 RUS–CHN gas deal after a decade of talks;
//! the Central Asia–China pipeline.

use crate::engine::context::Ctx;
use crate::engine::lookups::reaches_avoiding;
use crate::engine::record::What;
use crate::scenario::world::{DealState, World};

/// Negotiates unsigned deals, starts deliveries and refreshes energy income.
pub fn step(ctx: &mut Ctx, w: &mut World) {
    let sc = ctx.sc;
    for (d, info) in sc.deals.iter().enumerate() {
        let st = &mut w.deals[d];
        if st.signed.is_none() {
            st.buyer_max_usd += info.buyer_max_drift_per_year * ctx.dt;
            if st.buyer_max_usd >= st.supplier_min_usd {
                let (smin, bmax) = (st.supplier_min_usd, st.buyer_max_usd);
                st.signed = Some(ctx.date);
                st.price_usd = 0.5 * (smin + bmax);
                st.deliveries_start = Some(ctx.date.plus_months(info.build_months));
                let price = st.price_usd;
                if let (Some(a), Some(b)) =
                    (sc.actors[info.supplier].slot, sc.actors[info.buyer].slot)
                {
                    w.add_partnership(a, b, ctx.prm.energy.partnership_gain);
                }
                ctx.log(
                    ctx.date,
                    info.supplier,
                    What::DealSigned(d),
                    bmax,
                    smin,
                    price,
                );
            }
        } else if let Some(start) = st.deliveries_start
            && ctx.in_step(start)
        {
            ctx.log(
                start,
                info.supplier,
                What::DealFlowing(d),
                0.0,
                0.0,
                info.volume_bcm,
            );
        }
    }
    // Income depends only on which deals flow (prices are fixed once signed): recompute it when
    // a deal starts flowing in this step, and at the first step.
    let step_start = ctx.date.plus_months(-ctx.sc.period.months());
    let starts_now = |st: &DealState| {
        st.deliveries_start
            .is_some_and(|d| d <= ctx.date && d > step_start)
    };
    if ctx.date == ctx.sc.start || w.deals.iter().any(starts_now) {
        refresh_income(ctx, w);
    }
}

/// Recomputes every state's energy income from the deals flowing now.
fn refresh_income(ctx: &Ctx, w: &mut World) {
    let sc = ctx.sc;
    let e = &ctx.prm.energy;
    w.energy_income.iter_mut().for_each(|x| *x = 0.0);
    for (info, st) in sc.deals.iter().zip(&w.deals) {
        if !st.flowing(ctx.date) {
            continue;
        }
        let Some(buyer_slot) = sc.actors[info.buyer].slot else {
            continue;
        };
        // bcm x USD per thousand m3 = millions of USD; / 1000 = billions.
        if sc.actors[info.supplier].slot.is_none() {
            let k = info.supplier * w.np + buyer_slot;
            w.energy_income[k] += e.rent_share * info.volume_bcm * st.price_usd / 1000.0;
        }
        for (&r, &km) in info.route.iter().zip(&info.route_km) {
            if sc.actors[r].slot.is_none() {
                // The fee is paid per 100 km of pipeline in the state.
                w.energy_income[r * w.np + buyer_slot] +=
                    info.volume_bcm * e.transit_usd_per_tcm_100km * km / 100.0 / 1000.0;
            }
        }
    }
}

/// Yearly volume (bcm) flowing from regional states to patron slot `to`, by routes that avoid
/// the actor `avoiding`.
pub fn regional_flow_to(ctx: &Ctx, w: &World, to: usize, avoiding: usize) -> f64 {
    let deals = (0..ctx.sc.deals.len()).filter(|&d| reaches_avoiding(ctx.sc, d, to, avoiding));
    flowing_volume(ctx, w, deals)
}

/// Yearly volume (bcm) of the deals among `deals` that are flowing now.
pub fn flowing_volume(ctx: &Ctx, w: &World, deals: impl IntoIterator<Item = usize>) -> f64 {
    deals
        .into_iter()
        .filter(|&d| w.deals[d].flowing(ctx.date))
        .map(|d| ctx.sc.deals[d].volume_bcm)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mechanisms::testkit;

    #[test]
    fn a_deal_is_signed_only_once_the_ranges_overlap() {
        // Buyer's maximum starts 40 below the supplier's minimum and rises 10 a year: signed in
        // the fifth year, not before.
        let mut kit = testkit::energy_world(350.0, 310.0, 10.0, "");
        let rec = kit.run_months(12 * 6);
        let signed: Vec<_> = rec
            .log
            .iter()
            .filter(|e| matches!(e.what, What::DealSigned(0)))
            .collect();
        assert_eq!(signed.len(), 1, "{:?}", rec.log);
        let when = signed[0].date;
        assert!(when.year() == 2008 || when.year() == 2009, "signed {when}");
        let price = signed[0].value;
        assert!((350.0..=351.0).contains(&price), "price {price}");
    }

    /// Turkmen gas flowing to China through Kazakhstan, with `km` of pipeline in Kazakhstan.
    fn transit_income(km: f64) -> f64 {
        let mut kit = testkit::Kit::new(&format!(
            r#"
[scenario]
name = "test"
start = "2010-01"
end = "2011-01"
period = "month"
[[actors]]
id = "USA"
role = "patron"
gdp_bn = 14000.0
[[actors]]
id = "CHN"
role = "patron"
gdp_bn = 6000.0
[[actors]]
id = "TKM"
role = "state"
gdp_bn = 20.0
[[actors]]
id = "KAZ"
role = "state"
gdp_bn = 150.0
[[energy_deals]]
id = "cagp"
supplier = "TKM"
buyer = "CHN"
volume_bcm = 30.0
supplier_min_usd = 200.0
buyer_max_usd = 200.0
route = ["KAZ"]
route_km = [{km}]
signed = true
deliveries_start = "2009-12"
"#
        ));
        kit.run_months(2);
        let (kaz, chn) = (3, 1);
        kit.world.energy_income[kit.world.ix(kaz, chn)]
    }

    #[test]
    fn transit_income_is_paid_per_kilometre_of_route() {
        // 30 bcm a year over 1,115 km at the default $1.7 per 1000 m3 per 100 km: $0.569bn.
        let long = transit_income(1115.0);
        assert!((long - 30.0 * 1.7 * 11.15 / 1000.0).abs() < 1e-12, "{long}");
        // A shorter route pays less, in proportion; no kilometres, nothing.
        let short = transit_income(215.0);
        assert!(short < long && (short / long - 215.0 / 1115.0).abs() < 1e-12);
        assert_eq!(transit_income(0.0), 0.0);
    }

    #[test]
    fn without_drift_a_gap_keeps_the_deal_unsigned() {
        let mut kit = testkit::energy_world(350.0, 310.0, 0.0, "");
        let rec = kit.run_months(12 * 6);
        assert!(
            !rec.log
                .iter()
                .any(|e| matches!(e.what, What::DealSigned(_)))
        );
        assert!(kit.world.deals[0].signed.is_none());
    }

    #[test]
    fn sanctions_on_the_supplier_close_the_gap() {
        let events = "[[events]]\ndate = \"2005-06\"\nkind = \"sanctions\"\nby = \"USA\"\ntarget = \"RUS\"\nseverity = 1.0\n";
        let mut kit = testkit::energy_world(350.0, 310.0, 0.0, events);
        let rec = kit.run_months(12 * 6);
        let signed = rec
            .log
            .iter()
            .find(|e| matches!(e.what, What::DealSigned(0)))
            .expect("signed");
        assert_eq!(signed.date.to_string(), "2005-06");
        // RUS-CHN partnership rose with the deal and the sanctions.
        assert!(kit.world.partnership_of(1, 2) > 0.6);
    }
}
