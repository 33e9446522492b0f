//! Chart files are written by a few writer threads, never one thread per file: a scenario of
//! 2,000 states makes 4,000 chart files, and one thread each failed with "failed to spawn
//! thread" under a process limit. Alone in its test binary, so that the thread count it reads
//! from the operating system is this test's own.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use soft_balancing::plot::{Chart, PlotOptions, write_files};

/// The threads of this process now, from /proc (Linux); `None` elsewhere.
fn threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
}

#[test]
fn twelve_hundred_chart_files_are_written_by_a_few_threads() {
    let Some(before) = threads() else {
        eprintln!("no /proc/self/status here: the thread count cannot be read, test skipped");
        return;
    };
    let charts: Vec<Chart> = (0..1200)
        .map(|i| Chart {
            name: format!("alignment_S{i:04}"),
            title: format!("S{i:04}"),
            caption: String::new(),
            size: (10, 10),
            svg: format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- {i} --></svg>\n"),
            png: None,
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("sb-chart-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let done = AtomicBool::new(false);
    let most = AtomicUsize::new(before);
    let written = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                if let Some(n) = threads() {
                    most.fetch_max(n, Ordering::Relaxed);
                }
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        });
        let written = write_files(&dir, &charts, &PlotOptions::default());
        done.store(true, Ordering::Relaxed);
        written
    });
    let files = std::fs::read_dir(&dir).unwrap().count();
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(written.unwrap(), 1200);
    assert_eq!(files, 1200);
    // The sampler is one thread; the writers a few more. One per file would be thousands.
    let extra = most.load(Ordering::Relaxed) - before;
    assert!(
        extra <= 1 + 16,
        "writing 1,200 chart files used {extra} threads beyond the {before} already running"
    );
}
