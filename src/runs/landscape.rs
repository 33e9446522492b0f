//! Landscape theory as a check: every local minimum of a landscape read from data files, or of a
//! scenario's actors at its start (`simulate landscape`).
//!
//! The energy and the enumeration are the engine's (`engine::decision::landscape`); this module
//! reads the two CSV files of the public implementation whose published Syria 2016 results the
//! tests reproduce (`data/landscape_syria2016/`, described in `data/README.md`).

use super::cells::cells;
use crate::engine::decision::landscape::{self, Landscape};
use crate::scenario::Scenario;
use crate::scenario::validate::MAX_NUMBER;

/// Reads a landscape from an actors file (`id,actor,strength`) and a propensity file (a square
/// table with the actors' short names as header and first column, ratings on a 1–5 scale, empty
/// diagonal). The propensity is `rating − 3`; the actors' names come from the actors file, in
/// its order, and the propensity table's rows are taken in the same order.
///
/// `actors_name` and `propensity_name` name the files in errors, which point at the line and
/// column of the cell at fault: a strength must be a number from 0 to [`MAX_NUMBER`] (at least
/// one above 0), a rating a number from 1 to 5, and the table symmetric.
pub fn read(
    actors_name: &str,
    actors_csv: &str,
    propensity_name: &str,
    propensity_csv: &str,
) -> Result<Landscape, String> {
    let mut names = Vec::new();
    let mut size = Vec::new();
    for (k, line) in actors_csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let at = |c: usize| format!("{actors_name}:{}:{c}", k + 1);
        let cols = cells(line).map_err(|(c, why)| format!("{}: {why}", at(c)))?;
        let [_, (_, actor), (col, strength), ..] = &cols[..] else {
            return Err(format!("{}: expected `id,actor,strength`", at(1)));
        };
        let (actor, col) = (actor.as_str(), *col);
        if let Some(first) = names.iter().position(|n| n == actor) {
            return Err(format!(
                "{}: actor `{actor}` is listed twice (also actor {} of the file)",
                at(1),
                first + 1
            ));
        }
        let s = strength
            .parse::<f64>()
            .ok()
            .filter(|s| (0.0..=MAX_NUMBER).contains(s))
            .ok_or_else(|| {
                format!(
                    "{}: strength `{strength}` is not a number from 0 to {MAX_NUMBER:e}",
                    at(col)
                )
            })?;
        names.push(actor.to_string());
        size.push(s);
    }
    if !size.iter().any(|&s| s > 0.0) {
        return Err(format!(
            "{actors_name}: no actor has a strength above 0, so every side weighs nothing"
        ));
    }
    let n = names.len();
    let rows: Vec<(usize, &str)> = propensity_csv
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if rows.len() != n {
        return Err(format!(
            "{propensity_name}: {} rows for {n} actors in {actors_name}",
            rows.len()
        ));
    }
    let mut propensity = vec![0.0; n * n];
    for (i, &(k, row)) in rows.iter().enumerate() {
        let cols =
            cells(row).map_err(|(c, why)| format!("{propensity_name}:{}:{c}: {why}", k + 1))?;
        if cols.len() != n + 1 {
            return Err(format!(
                "{propensity_name}:{}:1: {} ratings for {n} actors",
                k + 1,
                cols.len().saturating_sub(1)
            ));
        }
        for (j, (col, c)) in cols[1..].iter().enumerate() {
            if i == j {
                continue;
            }
            let r = c
                .parse::<f64>()
                .ok()
                .filter(|r| (1.0..=5.0).contains(r))
                .ok_or_else(|| {
                    format!(
                        "{propensity_name}:{}:{col}: rating `{c}` is not a number from 1 to 5",
                        k + 1
                    )
                })?;
            propensity[i * n + j] = r - 3.0;
        }
    }
    for i in 0..n {
        for j in 0..i {
            if propensity[i * n + j] != propensity[j * n + i] {
                return Err(format!(
                    "{propensity_name}:{}: not symmetric: {} rates {} {} but {} rates {} {}",
                    rows[i].0 + 1,
                    names[i],
                    names[j],
                    propensity[i * n + j] + 3.0,
                    names[j],
                    names[i],
                    propensity[j * n + i] + 3.0
                ));
            }
        }
    }
    Ok(Landscape {
        names,
        size,
        propensity,
    })
}

/// The landscape of a scenario's actors at its start (every state where the file starts it,
/// states given no alignment where their scores point): sizes from power, propensities from the
/// model's affinity.
pub fn of_scenario(sc: &Scenario) -> Landscape {
    let mut w = sc.initial.clone();
    crate::engine::decision::start_from_scores(sc, &mut w, &sc.params, &sc.score_start);
    landscape::from_world(sc, &w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syria(actors: &str) -> Landscape {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/landscape_syria2016");
        let r = |f: &str| std::fs::read_to_string(dir.join(f)).expect("shipped data");
        let p = "Pairwise_propensity_Feb_20.csv";
        read(actors, &r(actors), p, &r(p)).expect("reads")
    }

    /// The coalition without actor 0 (the US) in each minimum.
    fn coalitions(l: &Landscape) -> Vec<(f64, Vec<String>)> {
        l.local_minima()
            .unwrap()
            .iter()
            .map(|m| {
                let (other, _) = l.coalitions(&m.side);
                (m.energy, other.iter().map(|s| s.to_string()).collect())
            })
            .collect()
    }

    #[test]
    fn reproduces_the_published_syria_2016_minimum_exactly() {
        // Published: E = -83,200, {Turkey, ISIS, Nusra} against all others, the only minimum.
        let l = syria("Actor_data.csv");
        assert_eq!(l.len(), 11);
        assert_eq!(
            coalitions(&l),
            vec![(
                -83_200.0,
                vec!["Turkey".into(), "ISIS".into(), "Nursa".into()]
            )]
        );
    }

    #[test]
    fn reproduces_the_published_weak_syria_minimum_exactly() {
        // Published: E = -65,600, {ISIS, Nusra} against all others, the only minimum.
        let l = syria("Actor_data_weaksyria.csv");
        assert_eq!(
            coalitions(&l),
            vec![(-65_600.0, vec!["ISIS".into(), "Nursa".into()])]
        );
        // Every one of the 1024 partitions descends to it.
        assert_eq!(l.local_minima().unwrap()[0].basin, 1024);
    }

    #[test]
    fn reading_rejects_a_table_of_the_wrong_size() {
        let err = read("a", "id,actor,strength\n1,A,1\n2,B,2\n", "p", ",A\nA,,4\n").unwrap_err();
        assert!(err.contains("1 rows for 2 actors"), "{err}");
    }

    /// Reads two actors A and B of strengths 10 and `strength`, rated `ab` and `ba`.
    fn two(strength: &str, ab: &str, ba: &str) -> Result<Landscape, String> {
        let actors = format!("id,actor,strength\n1,A,10\n2,B,{strength}\n");
        read(
            "a.csv",
            &actors,
            "p.csv",
            &format!(",A,B\nA,,{ab}\nB,{ba},\n"),
        )
    }

    #[test]
    fn impossible_numbers_are_refused_at_their_line_and_column() {
        assert!(two("5", "4", "4").is_ok());
        for bad in ["nan", "inf", "-5", "1e308", "x"] {
            let err = two(bad, "4", "4").unwrap_err();
            assert!(err.starts_with("a.csv:3:5: strength"), "{bad}: {err}");
        }
        for bad in ["nan", "7", "0", "-inf", "1e308"] {
            let err = two("5", bad, bad).unwrap_err();
            assert!(err.starts_with("p.csv:2:4: rating"), "{bad}: {err}");
        }
        let err = two("5", "4", "2").unwrap_err();
        assert!(
            err.contains("not symmetric: B rates A 2 but A rates B 4"),
            "{err}"
        );
        assert!(
            two("0", "4", "4").is_ok(),
            "an actor of strength 0 is allowed"
        );
        let err = read("a", "id,actor,strength\n1,A,0\n", "p", ",A\nA,\n").unwrap_err();
        assert!(err.contains("no actor has a strength above 0"), "{err}");
    }
}
