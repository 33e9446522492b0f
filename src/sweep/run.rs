//! Running a sweep: tasks (a chunk of replicates, or several small points) handed out in order,
//! folded in order whatever order they finish in, rows flushed as points finish.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};

use super::aggregate::Stats;
use super::error::{SweepError, io_err};
use super::options::SweepOptions;
use super::store::{SweepMeta, check_rows, sha256_hex};
use super::table::{PointRow, check_row, header, metrics, row};
use crate::engine::record::Indices;
use crate::output::write_atomic;
use crate::runs::ensemble::{CHUNK, pool, replicate, threads};
use crate::runs::outcomes::Tracker;
use crate::scenario::experiment::SweepSpec;
use crate::scenario::{Scenario, keys};

/// The scenario at one point: the base scenario with the point's values set.
pub fn scenario_at(
    sc: &Scenario,
    spec: &SweepSpec,
    values: &[f64],
) -> Result<Scenario, SweepError> {
    let mut s = sc.clone();
    for (a, &v) in spec.axes.iter().zip(values) {
        keys::set(&mut s, &a.key, v).map_err(|source| SweepError::Point {
            key: a.key.clone(),
            source,
        })?;
    }
    Ok(s)
}

/// Runs replicates `r0..r1` of a point. Returns their statistics and, with `keep`, one CSV row
/// per run; adds to `waited` the runs in which an SCO applicant waited for a later summit
/// because more states applied than a summit considers.
fn run_chunk(
    sc: &Scenario,
    seed: u64,
    point: usize,
    r0: usize,
    r1: usize,
    keep: bool,
    waited: &AtomicU64,
) -> (Stats, String) {
    let states: Vec<usize> = sc.states().collect();
    let np = sc.patrons.len();
    let k = states.len() * np + Indices::NAMES.len();
    let mut stats = Stats::new(k, sc.outcomes.len());
    let mut world = sc.initial.clone();
    let mut tracker = Tracker::new(sc, &sc.outcomes);
    let mut m = vec![0.0; k];
    let mut rows = String::new();
    for r in r0..r1 {
        tracker.reset();
        replicate(sc, &sc.params, seed, r, &mut world, &mut tracker);
        if tracker.applicant_waited() {
            waited.fetch_add(1, Ordering::Relaxed);
        }
        let mut j = 0;
        for &s in &states {
            m[j..j + np].copy_from_slice(&tracker.final_alignment[s * np..(s + 1) * np]);
            j += np;
        }
        m[j..].copy_from_slice(&tracker.final_indices.values());
        stats.add(&m, tracker.results());
        if keep {
            let _ = write!(rows, "{point},{r}");
            for x in &m {
                let _ = write!(rows, ",{x:.6}");
            }
            for &h in tracker.results() {
                let _ = write!(rows, ",{}", u8::from(h));
            }
            rows.push('\n');
        }
    }
    (stats, rows)
}

/// Computes one point from scratch (all its replicates, on the calling thread).
pub fn compute_point(
    sc: &Scenario,
    spec: &SweepSpec,
    seed: u64,
    point: usize,
    values: &[f64],
) -> Result<String, SweepError> {
    let at = scenario_at(sc, spec, values)?;
    let pseed = spec.seed_of(seed, point);
    let mut stats: Option<Stats> = None;
    let mut r0 = 0;
    while r0 < spec.runs {
        let r1 = (r0 + CHUNK).min(spec.runs);
        let (s, _) = run_chunk(&at, pseed, point, r0, r1, false, &AtomicU64::new(0));
        match &mut stats {
            None => stats = Some(s),
            Some(acc) => acc.merge(&s),
        }
        r0 = r1;
    }
    let stats = stats.unwrap_or_else(|| Stats::new(0, 0));
    Ok(row(point, pseed, values, &stats, sc.outcomes.len()))
}

/// What a finished sweep did.
#[derive(Clone, Debug)]
pub struct SweepReport {
    /// Points in the whole sweep.
    pub total_points: usize,
    /// Points this invocation was responsible for (its shard).
    pub my_points: usize,
    /// Points taken from an interrupted run's partial results.
    pub resumed_points: usize,
    /// Runs executed now.
    pub runs_done: u64,
    /// Of those, the runs in which an SCO applicant waited for a later summit because more
    /// states applied than a summit considers (`enlargement::MAX_APPLICANTS`).
    pub applicants_waited: u64,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// This invocation's rows (its shard's points), in point order, as numbers.
    pub rows: Vec<PointRow>,
}

/// Runs the sweep and writes `sweep.csv` and `sweep.json` (plus `runs.csv` with `keep_runs`)
/// into `opts.out`. `progress` is called with the number of runs finished so far.
pub fn run_sweep(
    sc: &Scenario,
    opts: &SweepOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SweepReport, SweepError> {
    let spec = &opts.spec;
    let points = spec.points(opts.seed);
    if points.is_empty() {
        return Err(SweepError::NoPoints);
    }
    // Check every point's values, and that every column has a name of its own, before
    // running anything.
    for p in &points {
        scenario_at(sc, spec, p)?;
    }
    super::table::check_names(sc, opts.keep_runs)?;
    let mine: Vec<usize> = match opts.shard {
        Some((k, n)) => (0..points.len()).filter(|i| i % n == k - 1).collect(),
        None => (0..points.len()).collect(),
    };
    let meta = SweepMeta::new(sc, opts, points.len());
    let head = header(sc, spec);
    let existed = opts.out.exists();
    fs::create_dir_all(&opts.out).map_err(|e| io_err(&opts.out, e))?;
    let partial = opts.out.join("sweep.partial.csv");
    let partial_meta = opts.out.join("sweep.partial.json");
    let runs_partial = opts.out.join("runs.partial.csv");

    // Rows already done (resume), by point.
    let mut done: BTreeMap<usize, String> = BTreeMap::new();
    if opts.resume && partial.exists() {
        let remove = partial.display().to_string();
        of_this_sweep(&partial_meta, &meta, &opts.out, &remove)?;
        let text = fs::read_to_string(&partial).map_err(|e| io_err(&partial, e))?;
        // A line cut short by a kill has no newline: that point is recomputed. Every whole line
        // must be a row this sweep writes for one of this shard's points.
        let whole = text.rfind('\n').map_or("", |end| &text[..=end]);
        for (i, l) in check_rows(&partial, whole, false, &meta, &points)? {
            mine_or_bad(&partial, i, &mine)?;
            done.insert(i, l);
        }
    }
    // A finished sweep (or shard) resumed again: its rows are all done already.
    let final_csv = opts.out.join("sweep.csv");
    let final_json = opts.out.join("sweep.json");
    if opts.resume && done.is_empty() && !partial.exists() && final_csv.exists() {
        // A finished sweep of another definition is not replaced: `--resume` never throws
        // away results (a cluster's job array passes it on every attempt).
        let remove = format!("{} and {}", final_csv.display(), final_json.display());
        let written = of_this_sweep(&final_json, &meta, &opts.out, &remove)?;
        let text = fs::read_to_string(&final_csv).map_err(|e| io_err(&final_csv, e))?;
        let checked = check_rows(&final_csv, &text, true, &meta, &points)?;
        if written.rows_sha256 != Some(sha256_hex(text.as_bytes())) {
            return Err(SweepError::BadFile {
                path: final_csv.clone(),
                problem: "its rows do not match the checksum in sweep.json: edited or corrupt\n  help: remove it to run the sweep again".into(),
            });
        }
        for (i, l) in checked {
            mine_or_bad(&final_csv, i, &mine)?;
            done.insert(i, l);
        }
    }
    let resumed_points = done.len();
    // Start (or restart) the partial files with only the finished points.
    let mut text = String::new();
    for r in done.values() {
        text.push_str(r);
        text.push('\n');
    }
    write_atomic(&partial_meta, meta.to_json().as_bytes()).map_err(|e| io_err(&partial_meta, e))?;
    write_atomic(&partial, text.as_bytes()).map_err(|e| io_err(&partial, e))?;
    if opts.keep_runs {
        let kept = if opts.resume && runs_partial.exists() {
            let t = fs::read_to_string(&runs_partial).map_err(|e| io_err(&runs_partial, e))?;
            let mut seen = std::collections::BTreeSet::new();
            t.split_inclusive('\n')
                .filter(|l| l.ends_with('\n'))
                .filter(|l| {
                    let mut f = l.split(',');
                    let p = f.next().and_then(|x| x.parse::<usize>().ok());
                    let r = f.next().and_then(|x| x.parse::<usize>().ok());
                    matches!((p, r), (Some(p), Some(r)) if done.contains_key(&p) && seen.insert((p, r)))
                })
                .collect::<String>()
        } else {
            String::new()
        };
        write_atomic(&runs_partial, kept.as_bytes()).map_err(|e| io_err(&runs_partial, e))?;
    }

    let todo: Vec<usize> = mine
        .iter()
        .copied()
        .filter(|i| !done.contains_key(i))
        .collect();
    let threads = threads(opts.jobs);
    let pool = pool(threads)?;
    let chunks_per_point = spec.runs.div_ceil(CHUNK);
    // Finished rows are appended (and flushed to disk) this many points at a time.
    let batch = (16 * threads).div_ceil(chunks_per_point).clamp(1, 256);
    let plan = Plan::new(todo.len(), chunks_per_point, spec.runs);
    let finished = AtomicU64::new(0);
    let waited = AtomicU64::new(0);
    let mut runs_done = 0u64;

    // Tasks (a chunk of one point's replicates, or several whole small points) go to the
    // workers in order; the calling thread folds their results into each point's statistics in
    // task order, whatever order they finish in, so results do not depend on the number of
    // threads. At most `ahead` tasks are out (claimed, not yet folded): memory stays flat however
    // many runs a sweep has, and no thread waits for a whole batch of tasks to finish.
    let ahead = (4 * threads).max(2);
    let gate = Gate {
        state: Mutex::new(GateState::default()),
        moved: Condvar::new(),
    };
    let (tx, rx) = mpsc::channel::<(usize, TaskResult)>();
    let worker = |tx: mpsc::Sender<(usize, TaskResult)>| {
        let mut cache: Option<(usize, Scenario)> = None;
        while let Some(t) = gate.claim(plan.tasks(), ahead) {
            let out = plan.items(t).try_fold(Vec::new(), |mut out, (g, c)| {
                let point = todo[g];
                let at = match cache.take() {
                    Some((p, at)) if p == point => at,
                    _ => scenario_at(sc, spec, &points[point])?,
                };
                let (r0, r1) = (c * CHUNK, ((c + 1) * CHUNK).min(spec.runs));
                let (stats, rows) = run_chunk(
                    &at,
                    spec.seed_of(opts.seed, point),
                    point,
                    r0,
                    r1,
                    opts.keep_runs,
                    &waited,
                );
                cache = Some((point, at));
                let n = finished.fetch_add((r1 - r0) as u64, Ordering::Relaxed) + (r1 - r0) as u64;
                progress(n);
                out.push((g, c, stats, rows));
                Ok(out)
            });
            if tx.send((t, out)).is_err() {
                break;
            }
        }
    };
    let folded: Result<(), SweepError> = pool.in_place_scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let worker = &worker;
            scope.spawn(move |_| worker(tx));
        }
        drop(tx);
        let result = (|| {
            let mut pending: BTreeMap<usize, TaskResult> = BTreeMap::new();
            let mut acc: Option<Stats> = None;
            let mut rows = String::new();
            let mut run_rows = String::new();
            let mut unflushed = 0usize;
            for next in 0..plan.tasks() {
                let out = loop {
                    if let Some(out) = pending.remove(&next) {
                        break out;
                    }
                    match rx.recv() {
                        Ok((t, out)) => {
                            pending.insert(t, out);
                        }
                        // Every worker gone before this task came back: cannot happen unless a
                        // worker panicked, which the scope then reports.
                        Err(_) => return Ok(()),
                    }
                };
                gate.folded(next + 1);
                for (g, c, stats, runs) in out? {
                    match &mut acc {
                        Some(a) if c > 0 => a.merge(&stats),
                        slot => *slot = Some(stats),
                    }
                    run_rows.push_str(&runs);
                    if c + 1 < chunks_per_point {
                        continue;
                    }
                    let point = todo[g];
                    let stats = acc.take().unwrap_or_else(|| Stats::new(0, 0));
                    let line = row(
                        point,
                        spec.seed_of(opts.seed, point),
                        &points[point],
                        &stats,
                        sc.outcomes.len(),
                    );
                    // What is written must read back: every statistic finite, within 0-1.
                    if let Err(bad) = check_row(
                        &line,
                        &meta.columns,
                        opts.seed,
                        spec.design.shares_seeds(),
                        &points,
                    ) {
                        return Err(SweepError::BadValue {
                            point,
                            column: bad.column,
                            problem: bad.problem,
                        });
                    }
                    rows.push_str(&line);
                    rows.push('\n');
                    done.insert(point, line);
                    runs_done += stats.runs();
                    unflushed += 1;
                    if unflushed == batch || g + 1 == todo.len() {
                        if opts.keep_runs {
                            append(&runs_partial, &run_rows)?;
                            run_rows.clear();
                        }
                        append(&partial, &rows)?;
                        rows.clear();
                        unflushed = 0;
                    }
                }
            }
            Ok(())
        })();
        // On an error, the workers stop at their next task.
        gate.stop();
        result
    });
    if let Err(SweepError::BadValue { .. }) = &folded {
        // A point whose numbers cannot be written fails the same way on `--resume`: the partial
        // results are of no use, and a failed sweep leaves no half-written folder. (A sweep
        // that is killed, or cannot write, keeps them to resume from.)
        for file in [&partial, &partial_meta, &runs_partial] {
            let _ = fs::remove_file(file);
        }
        if !existed {
            let _ = fs::remove_dir(&opts.out);
        }
    }
    folded?;

    // Assemble the final files in point order.
    let mut csv = head.clone();
    csv.push('\n');
    let mut rows = Vec::with_capacity(mine.len());
    let cells = head.split(',').count() - 2 - spec.axes.len();
    for i in &mine {
        if let Some(r) = done.get(i) {
            csv.push_str(r);
            csv.push('\n');
            let parsed =
                PointRow::parse(r, spec.axes.len(), cells).ok_or_else(|| SweepError::BadFile {
                    path: opts.out.clone(),
                    problem: format!(
                        "the row of point {i} in the results being resumed is not {} numbers",
                        cells + 2 + spec.axes.len()
                    ),
                })?;
            rows.push(parsed);
        }
    }
    let mut files = Vec::new();
    let sweep_csv = opts.out.join("sweep.csv");
    write_atomic(&sweep_csv, csv.as_bytes()).map_err(|e| io_err(&sweep_csv, e))?;
    files.push(sweep_csv);
    let sweep_json = opts.out.join("sweep.json");
    write_atomic(&sweep_json, meta.with_rows(&csv).to_json().as_bytes())
        .map_err(|e| io_err(&sweep_json, e))?;
    files.push(sweep_json);
    let long_csv = opts.out.join("sweep_long.csv");
    write_atomic(
        &long_csv,
        super::table::long_form(&csv, spec.axes.len()).as_bytes(),
    )
    .map_err(|e| io_err(&long_csv, e))?;
    files.push(long_csv);
    if opts.keep_runs {
        let mut h = String::from("point,replicate");
        for m in metrics(sc) {
            let _ = write!(h, ",{}", m.name);
        }
        for o in &sc.outcomes {
            let _ = write!(h, ",{}", o.id);
        }
        h.push('\n');
        let body = fs::read_to_string(&runs_partial).map_err(|e| io_err(&runs_partial, e))?;
        let mut lines: Vec<(usize, usize, &str)> = body
            .lines()
            .filter_map(|l| {
                let mut f = l.split(',');
                Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?, l))
            })
            .collect();
        lines.sort_by_key(|&(p, r, _)| (p, r));
        for (_, _, l) in lines {
            h.push_str(l);
            h.push('\n');
        }
        let runs_csv = opts.out.join("runs.csv");
        write_atomic(&runs_csv, h.as_bytes()).map_err(|e| io_err(&runs_csv, e))?;
        files.push(runs_csv);
        let _ = fs::remove_file(&runs_partial);
    }
    let _ = fs::remove_file(&partial);
    let _ = fs::remove_file(&partial_meta);
    Ok(SweepReport {
        total_points: points.len(),
        my_points: mine.len(),
        resumed_points,
        runs_done,
        applicants_waited: waited.load(Ordering::Relaxed),
        files,
        rows,
    })
}

/// What a task returns: for each of its (point in the to-do list, chunk), the chunk's
/// statistics and, with `keep_runs`, its rows.
type TaskResult = Result<Vec<(usize, usize, Stats, String)>, SweepError>;

/// How a sweep's work is cut into tasks: one chunk of [`CHUNK`] replicates of one point each, or,
/// when a point has at most one chunk, as many whole points as make about one chunk of runs
/// (so that small points do not cost a task each).
struct Plan {
    points: usize,
    chunks: usize,
    per_task: usize,
}

impl Plan {
    fn new(points: usize, chunks_per_point: usize, runs: usize) -> Plan {
        let per_task = if chunks_per_point == 1 {
            (CHUNK / runs.max(1)).max(1)
        } else {
            1
        };
        Plan {
            points,
            chunks: chunks_per_point,
            per_task,
        }
    }

    /// The number of tasks.
    fn tasks(&self) -> usize {
        if self.chunks == 1 {
            self.points.div_ceil(self.per_task)
        } else {
            self.points * self.chunks
        }
    }

    /// Task `t`'s (point in the to-do list, chunk) pairs, in order.
    fn items(&self, t: usize) -> impl Iterator<Item = (usize, usize)> {
        let (g0, g1, c) = if self.chunks == 1 {
            let g0 = t * self.per_task;
            (g0, (g0 + self.per_task).min(self.points), None)
        } else {
            (t / self.chunks, t / self.chunks + 1, Some(t % self.chunks))
        };
        (g0..g1).map(move |g| (g, c.unwrap_or(0)))
    }
}

/// Hands out tasks in order, at most a given number ahead of the last one folded.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
}

#[derive(Default)]
struct GateState {
    next: usize,
    folded: usize,
    stop: bool,
}

impl Gate {
    /// The next task, once fewer than `ahead` are out; `None` when all are handed out or the
    /// sweep stopped.
    fn claim(&self, tasks: usize, ahead: usize) -> Option<usize> {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !st.stop && st.next < tasks && st.next >= st.folded + ahead {
            st = self.moved.wait(st).unwrap_or_else(PoisonError::into_inner);
        }
        if st.stop || st.next >= tasks {
            return None;
        }
        st.next += 1;
        Some(st.next - 1)
    }

    /// Tasks before `n` are folded.
    fn folded(&self, n: usize) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .folded = n;
        self.moved.notify_all();
    }

    /// No more tasks are handed out.
    fn stop(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stop = true;
        self.moved.notify_all();
    }
}

/// Appends `text` to `path` and flushes it to disk.
/// A row read back for a point this run (or shard) does not compute is refused.
fn mine_or_bad(path: &Path, point: usize, mine: &[usize]) -> Result<(), SweepError> {
    if mine.binary_search(&point).is_err() {
        return Err(SweepError::BadFile {
            path: path.to_path_buf(),
            problem: format!(
                "point {point} is not one this sweep (or shard) computes: the file was edited\n  help: remove it to run the sweep again"
            ),
        });
    }
    Ok(())
}

fn append(path: &Path, text: &str) -> Result<(), SweepError> {
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| io_err(path, e))?;
    f.write_all(text.as_bytes()).map_err(|e| io_err(path, e))?;
    f.sync_data().map_err(|e| io_err(path, e))
}

/// Re-runs `count` points (spread evenly over the sweep) from scratch and compares them with the
/// rows in `out/sweep.csv`. Returns (point, matches) for each point checked.
pub fn verify(
    sc: &Scenario,
    opts: &SweepOptions,
    count: usize,
) -> Result<Vec<(usize, bool)>, SweepError> {
    let path = opts.out.join("sweep.csv");
    let text = fs::read_to_string(&path).map_err(|e| io_err(&path, e))?;
    let mut lines = text.lines();
    if lines.next() != Some(header(sc, &opts.spec).as_str()) {
        return Err(SweepError::Columns { path });
    }
    let rows: BTreeMap<usize, &str> = lines
        .filter_map(|l| Some((l.split(',').next()?.parse::<usize>().ok()?, l)))
        .collect();
    let points = opts.spec.points(opts.seed);
    let present: Vec<usize> = rows.keys().copied().collect();
    if present.is_empty() {
        return Err(SweepError::BadFile {
            path,
            problem: "no rows to verify".into(),
        });
    }
    let count = count.min(present.len()).max(1);
    let mut out = Vec::new();
    for j in 0..count {
        let i = present[j * present.len() / count];
        let values = points.get(i).ok_or_else(|| SweepError::BadFile {
            path: path.clone(),
            problem: format!("point {i} is not in this sweep's definition"),
        })?;
        let fresh = compute_point(sc, &opts.spec, opts.seed, i, values)?;
        out.push((i, rows.get(&i).is_some_and(|r| *r == fresh)));
    }
    Ok(out)
}

/// The definition recorded in `json` (a `sweep.partial.json` or `sweep.json` in `dir`), if it is
/// this sweep's (`meta`): results of another definition are never resumed nor replaced. The
/// error names what differs and the files (`remove`) to remove to start over.
fn of_this_sweep(
    json: &Path,
    meta: &SweepMeta,
    dir: &Path,
    remove: &str,
) -> Result<SweepMeta, SweepError> {
    let text = fs::read_to_string(json).map_err(|e| io_err(json, e))?;
    let written = serde_json::from_str::<SweepMeta>(&text).map_err(|e| SweepError::BadFile {
        path: json.to_path_buf(),
        problem: format!("unreadable ({e})\n  help: remove {remove} to start over"),
    })?;
    let differ = written.differences(meta);
    if !differ.is_empty() {
        return Err(SweepError::NotThisSweep {
            dir: dir.to_path_buf(),
            remove: remove.to_string(),
            differ,
        });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (point, chunk) pair is in exactly one task, and the tasks list them in order.
    #[test]
    fn tasks_cover_every_chunk_once_in_order() {
        for (points, runs) in [
            (1, 1),
            (7, 1),
            (200, 20),
            (41, 128),
            (40, 500),
            (3, 20_000),
            (5, 129),
        ] {
            let chunks = usize::div_ceil(runs, CHUNK);
            let plan = Plan::new(points, chunks, runs);
            let all: Vec<(usize, usize)> = (0..plan.tasks()).flat_map(|t| plan.items(t)).collect();
            let want: Vec<(usize, usize)> = (0..points)
                .flat_map(|g| (0..chunks).map(move |c| (g, c)))
                .collect();
            assert_eq!(all, want, "{points} points of {runs} runs");
            assert!((0..plan.tasks()).all(|t| plan.items(t).count() > 0));
        }
        // Small points are batched: 200 points of 20 runs make 34 tasks of up to 6 points.
        assert_eq!(Plan::new(200, 1, 20).tasks(), 34);
    }
}
