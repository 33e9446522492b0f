//! The Parquet tables (`--format parquet`) hold the CSV tables' rows: read back with the
//! parquet crate's own reader, every run number, date and id is the CSV's, and every number,
//! printed with the CSV's six decimals, is the CSV's cell. And `quantiles.csv` is the
//! quantiles of the runs' shares.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{Csv, parse_csv, read, run_in, tempdir, ufa2015};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

/// Every row of a Parquet file, each field as the CSV writes it (numbers with six decimals).
fn parquet_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>, usize) {
    let file = std::fs::File::open(path).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let groups = reader.metadata().num_row_groups();
    let header: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, f)| match f {
                    Field::Int(x) => x.to_string(),
                    Field::Str(s) => s.clone(),
                    Field::Double(x) => format!("{x:.6}"),
                    // An empty cell of events.csv: the entry reports no such number.
                    Field::Null => String::new(),
                    other => panic!("unexpected field {other:?} in {}", path.display()),
                })
                .collect()
        })
        .collect();
    (header, rows, groups)
}

fn simulate(dir: &Path, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(name);
    let mut args = vec![
        ufa2015().display().to_string(),
        "--runs".into(),
        "300".into(),
        "--plot".into(),
        "none".into(),
        "-q".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    run_in(dir, &args).expect_code(0).no_panic();
    out
}

#[test]
fn parquet_tables_read_back_to_the_csv_tables() {
    let tmp = tempdir();
    let csv = simulate(tmp.path(), "csv", &["--format", "csv"]);
    // Parquet is the default for an ensemble.
    let pq = simulate(tmp.path(), "parquet", &[]);
    assert!(!pq.join("trajectories.csv").exists());
    for table in ["trajectories", "indices", "events"] {
        let text: Csv = parse_csv(&read(&csv.join(format!("{table}.csv"))));
        let (header, rows, groups) = parquet_rows(&pq.join(format!("{table}.parquet")));
        assert_eq!(header, text.header, "{table}: columns");
        assert_eq!(rows.len(), text.rows.len(), "{table}: rows");
        for (k, (a, b)) in rows.iter().zip(&text.rows).enumerate() {
            assert_eq!(a, b, "{table}: row {}", k + 1);
        }
        // One row group per batch of 128 runs.
        assert_eq!(groups, 3, "{table}: row groups");
    }
    assert!(read(&csv.join("events.csv")).lines().nth(1).is_some());
    // README.md: "a 1,000-run ensemble of ufa2015 writes about 47 MB of `trajectories.csv`, or
    // about 15 MB of `trajectories.parquet`" (these 300 runs, scaled to 1,000).
    let mb = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 * 1000.0 / 300.0 / 1e6;
    assert_eq!(mb(&csv.join("trajectories.csv")).round(), 47.0);
    assert_eq!(mb(&pq.join("trajectories.parquet")).round(), 15.0);
    for f in ["quantiles.csv", "partnership.csv"] {
        assert_eq!(read(&csv.join(f)), read(&pq.join(f)), "{f}");
    }
}

#[test]
fn quantiles_csv_gives_the_quantiles_of_the_runs() {
    let tmp = tempdir();
    let csv = simulate(tmp.path(), "csv", &["--format", "csv"]);
    let traj = parse_csv(&read(&csv.join("trajectories.csv")));
    let q = parse_csv(&read(&csv.join("quantiles.csv")));
    assert_eq!(
        q.header,
        [
            "date", "actor", "patron", "runs", "mean", "p05", "p25", "p50", "p75", "p95"
        ]
    );
    let (date, actor, patron, share) = (
        traj.col("date"),
        traj.col("actor"),
        traj.col("patron"),
        traj.col("share"),
    );
    // One row per state, patron and date of a run.
    assert_eq!(q.rows.len() * 300, traj.rows.len());
    for row in q.rows.iter().step_by(97) {
        let mut xs: Vec<f64> = traj
            .rows
            .iter()
            .filter(|r| r[date] == row[0] && r[actor] == row[1] && r[patron] == row[2])
            .map(|r| r[share].parse().unwrap())
            .collect();
        assert_eq!(xs.len(), 300);
        assert_eq!(row[3], "300");
        xs.sort_by(f64::total_cmp);
        let mean = xs.iter().sum::<f64>() / 300.0;
        let at = |p: f64| {
            let h = 299.0 * p;
            let lo = h.floor() as usize;
            xs[lo] + (h - lo as f64) * (xs[h.ceil() as usize] - xs[lo])
        };
        // The CSV's shares are rounded to six decimals; the quantiles are of the full values.
        let tolerance = 2e-6;
        let got: Vec<f64> = row[4..].iter().map(|x| x.parse().unwrap()).collect();
        let want = [mean, at(0.05), at(0.25), at(0.5), at(0.75), at(0.95)];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= tolerance, "{row:?}: {g} vs {w}");
        }
    }
}
