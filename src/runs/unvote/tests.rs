//! Tests of the observation model: exact least squares, change correlations, parse errors,
//! the turns in the real data, and a fit that never sees out-of-sample years.

use super::*;

const REAL: &str = include_str!("../../../data/unga_agreement_1992_2015.csv");
const CA: [&str; 5] = ["KAZ", "KGZ", "TJK", "UZB", "TKM"];

fn obs(state: &str, year: i32, agree: [f64; 3]) -> Observation {
    let (state, nvotes) = (state.to_string(), 60);
    Observation {
        year,
        state,
        agree,
        nvotes,
    }
}

/// Stand-in for the simulator: shares proportional to observed agreement.
fn proxy_model(data: &[Observation]) -> ModelSeries {
    let mut m = ModelSeries::new();
    for o in data.iter().filter(|o| CA.contains(&o.state.as_str())) {
        let sum: f64 = o.agree.iter().sum();
        let shares = o.agree.map(|a| a / sum);
        m.insert(&o.state, o.year, shares).unwrap();
    }
    m
}

#[test]
fn ols_recovers_known_line_exactly() {
    // Dyadic numbers and 16 points in the window: every OLS step is exact in binary.
    let (a, b) = ([0.125, 0.25, 0.0625], [0.5, 0.25, 0.75]);
    let (mut data, mut m) = (Vec::new(), ModelSeries::new());
    for (k, st) in ["AAA", "BBB"].into_iter().enumerate() {
        for y in 1995..2015 {
            let x = ((y * 7) % 13) as f64 / 16.0 + k as f64 / 32.0;
            let sh = [x, (1.0 - x) / 2.0, (1.0 - x) / 2.0];
            m.insert(st, y, sh).unwrap();
            let off = if in_window(y, (2001, 2008)) { 0.0 } else { 0.1 };
            let agree = std::array::from_fn(|p| a[p] + b[p] * sh[p] + off);
            data.push(obs(st, y, agree));
        }
    }
    let f = fit(&data, &m, (2001, 2008)).unwrap();
    assert_eq!((f.a, f.b, f.n), (a, b, 16));
}

#[test]
fn degenerate_cases_are_errors_or_none() {
    let mut m = ModelSeries::new();
    let data: Vec<_> = (2001..2006).map(|y| obs("A", y, [0.1, 0.5, 0.4])).collect();
    for y in 2001..2006 {
        let rus = 0.01 * (y - 2000) as f64;
        m.insert("A", y, [0.1, rus, 0.6]).unwrap();
    }
    let flat = FitError::NoShareVariance { patron: Patron::Us };
    assert_eq!(fit(&data, &m, (2001, 2010)), Err(flat));
    let few = FitError::TooFewPoints { n: 2 };
    assert_eq!(fit(&data, &m, (2001, 2002)), Err(few));
    assert!(m.insert("A", 2001, [f64::NAN, 0.5, 0.5]).is_err());
    assert_eq!(pearson(&[(1.0, 2.0), (2.0, 3.0)]), None);
    assert_eq!(pearson(&[(1.0, 0.3), (2.0, 0.3), (4.0, 0.3)]), None);
}

#[test]
fn change_correlation_tracks_and_anti_tracks() {
    let (mut data, mut m) = (Vec::new(), ModelSeries::new());
    for y in 2001..=2015 {
        let x = 0.2 + ((y * 7) % 5) as f64 / 10.0;
        let sh = [x, (1.0 - x) / 3.0, (1.0 - x) / 1.5];
        m.insert("A", y, sh).unwrap();
        let v = if y <= 2010 { x } else { 1.0 - x }; // tracking, then anti-tracking
        data.push(obs("A", y, [0.05 + 0.3 * v, 0.6 - 0.2 * v, 0.9 - 0.5 * v]));
    }
    let f = fit(&data, &m, DEFAULT_FIT_WINDOW).unwrap();
    let i = evaluate(&data, &m, &f, f.window);
    let o = evaluate(&data, &m, &f, DEFAULT_TEST_WINDOW);
    assert!(!i.out_of_sample && o.out_of_sample);
    let all = |e: &Evaluation| [e.pooled, e.by_state["A"]].concat();
    for (s, t) in all(&i).iter().zip(&all(&o)) {
        assert!((s.change_corr.unwrap() - 1.0).abs() < 1e-12);
        assert!((t.change_corr.unwrap() + 1.0).abs() < 1e-12);
        let n = (s.n_years, s.n_changes, t.n_years, t.n_changes);
        assert_eq!(n, (10, 9, 5, 4));
        assert!(s.rmse.unwrap() < 1e-12 && t.rmse.unwrap() > 0.01);
    }
}

#[test]
fn parse_errors_name_line_and_column() {
    let head = "extra,nvotes,agree_cn,iso3,agree_ru,year,agree_us\n";
    let text = format!("{head}x,60,0.8,KAZ,0.7,2005,0.1\n");
    let expected = vec![obs("KAZ", 2005, [0.1, 0.7, 0.8])];
    assert_eq!(parse(&format!("{text}\n")), Ok(expected));
    let fails = |body: &str, line, col| {
        let e = parse(&format!("{text}{body}")).unwrap_err();
        assert_eq!((e.line, e.column), (line, Some(col)), "{e}");
        e.to_string()
    };
    let msg = "line 3, column 5: expected a decimal number in `agree_ru`, found `abc`";
    assert_eq!(fails("x,60,0.8,KGZ,abc,2005,0.1", 3, 5), msg);
    assert!(fails("x,60,NaN,KGZ,0.5,2005,0.1", 3, 3).contains("finite"));
    assert!(fails("x,60,0.8,KGZ,0.5,2005,1.5", 3, 7).contains("[0, 1]"));
    assert!(fails("x,-1,0.8,KGZ,0.5,2005,0.1", 3, 2).contains("`nvotes`"));
    assert!(fails("x,60,0.8,KGZ,0.5,20x5,0.1", 3, 6).contains("`year`"));
    assert!(fails("x,60,0.8,,0.5,2005,0.1", 3, 4).contains("state code"));
    assert!(fails("x,60,0.8,KGZ,0.5\n", 3, 6).contains("end of row"));
    assert!(fails("\nx,9,0.8,KAZ,0.7,2005,0.1", 4, 4).contains("line 2"));
    let e = parse("year,iso3,agree_us,agree_ru,nvotes\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, None));
    assert!(e.to_string().contains("`agree_cn`"));
    assert_eq!(parse(" \n").unwrap_err().line, 1);
}

#[test]
fn real_data_parses_and_turns_are_found() {
    let data = parse(REAL).unwrap();
    assert_eq!(data.len(), 306);
    let m = proxy_model(&data);
    let f = fit(&data, &m, DEFAULT_FIT_WINDOW).unwrap();
    let found = turns(&data, &m, &f, &TurnParams::default());
    assert!(found.iter().all(|t| CA.contains(&t.state.as_str())));
    assert!(found.iter().all(|t| t.model_change.is_some()));
    let has = |s: &str, p, y, d| {
        let key = |t: &&Turn| (t.state == s, t.patron, t.year, t.direction);
        let hit = found.iter().find(|t| key(t) == (true, p, y, d));
        hit.map(|t| t.reproduced)
    };
    assert_eq!(has("UZB", Patron::Us, 2004, Direction::Away), Some(true));
    assert!(has("UZB", Patron::Chn, 2004, Direction::Toward).is_some());
    assert!(has("UZB", Patron::Rus, 2005, Direction::Toward).is_some());
    assert!(has("TKM", Patron::Rus, 2003, Direction::Toward).is_some());
    assert!(has("TKM", Patron::Chn, 2003, Direction::Toward).is_some());
    let e = evaluate(&data, &m, &f, DEFAULT_TEST_WINDOW);
    let states: Vec<_> = e.by_state.keys().collect();
    assert_eq!(states, ["KAZ", "KGZ", "TJK", "TKM", "UZB"]);
    assert!(
        e.pooled
            .iter()
            .all(|s| s.change_corr.is_some_and(f64::is_finite))
    );
}

#[test]
fn out_of_sample_years_never_influence_the_fit() {
    let mut data = parse(REAL).unwrap();
    let mut m = proxy_model(&data);
    let before = fit(&data, &m, DEFAULT_FIT_WINDOW).unwrap();
    for o in data.iter_mut().filter(|o| o.year == 2013) {
        o.agree = [1.0, 0.0, 1.0];
    }
    m.insert("UZB", 2013, [1.0, 0.0, 0.0]).unwrap();
    let after = fit(&data, &m, DEFAULT_FIT_WINDOW).unwrap();
    let bits = |f: &Fit| (f.a.map(f64::to_bits), f.b.map(f64::to_bits), f.n);
    assert_eq!(bits(&before), bits(&after));
}
