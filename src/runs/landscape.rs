//! Landscape theory as a check: every local minimum of a landscape read from data files, or of a
//! scenario's actors at its start (`simulate landscape`).
//!
//! The energy and the enumeration are the engine's (`engine::decision::landscape`); this module
//! reads the two CSV files of the public implementation whose published Syria 2016 results the
//! tests reproduce (`data/landscape_syria2016/`, described in `data/README.md`).

use crate::engine::decision::landscape::{self, Landscape};
use crate::scenario::Scenario;

/// Reads a landscape from an actors file (`id,actor,strength`) and a propensity file (a square
/// table with the actors' short names as header and first column, ratings on a 1–5 scale, empty
/// diagonal). The propensity is `rating − 3`; the actors' names come from the actors file, in
/// its order, and the propensity table's rows are taken in the same order.
pub fn read(actors_csv: &str, propensity_csv: &str) -> Result<Landscape, String> {
    let mut names = Vec::new();
    let mut size = Vec::new();
    for (k, line) in actors_csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        if cols.len() < 3 {
            return Err(format!(
                "actors file, line {}: expected `id,actor,strength`",
                k + 1
            ));
        }
        let s: f64 = cols[2]
            .parse()
            .map_err(|_| format!("actors file, line {}: strength `{}`", k + 1, cols[2]))?;
        names.push(cols[1].to_string());
        size.push(s);
    }
    let n = names.len();
    let rows: Vec<&str> = propensity_csv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if rows.len() != n {
        return Err(format!(
            "propensity file: {} rows for {n} actors in the actors file",
            rows.len()
        ));
    }
    let mut propensity = vec![0.0; n * n];
    for (i, row) in rows.iter().enumerate() {
        let cols: Vec<&str> = row.split(',').map(str::trim).collect();
        if cols.len() != n + 1 {
            return Err(format!(
                "propensity file, row {}: {} ratings for {n} actors",
                i + 2,
                cols.len().saturating_sub(1)
            ));
        }
        for (j, c) in cols[1..].iter().enumerate() {
            if i == j {
                continue;
            }
            let r: f64 = c
                .parse()
                .map_err(|_| format!("propensity file, row {}: rating `{c}`", i + 2))?;
            propensity[i * n + j] = r - 3.0;
        }
    }
    for i in 0..n {
        for j in 0..i {
            if propensity[i * n + j] != propensity[j * n + i] {
                return Err(format!(
                    "propensity file: not symmetric ({} and {})",
                    names[i], names[j]
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
        read(&r(actors), &r("Pairwise_propensity_Feb_20.csv")).expect("reads")
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
        let err = read("id,actor,strength\n1,A,1\n2,B,2\n", ",A\nA,,4\n").unwrap_err();
        assert!(err.contains("1 rows for 2 actors"), "{err}");
    }
}
