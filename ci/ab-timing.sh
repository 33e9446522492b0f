#!/bin/bash
# Wall time of two builds of `profile_run` measured side by side, for docs/performance.md.
#
#   ci/ab-timing.sh ROUNDS RUNS A B
#
# Each round runs A and B at the same time, one on each of two cores (`taskset`), swapping the
# cores every other round, each for RUNS runs of ufa2015; it then prints, over the rounds, the
# minimum and median µs per run of each and the median of B's time over A's in the same round.
# Running both at once makes each round's ratio immune to the machine slowing down or speeding
# up between rounds, which on a shared machine moves wall time by a factor of two. Build the
# two with `cargo build --release --example profile_run` (the second into another
# CARGO_TARGET_DIR, from the other commit).
set -euo pipefail
if [ $# -ne 4 ]; then
    echo "usage: $0 ROUNDS RUNS A B   (A, B: two builds of target/release/examples/profile_run)" >&2
    exit 2
fi
rounds=$1 runs=$2 a=$3 b=$4
rows=$(mktemp)
out_a=$(mktemp)
out_b=$(mktemp)
trap 'rm -f "$rows" "$out_a" "$out_b"' EXIT
per_run() { grep -o '[0-9.]* us per run' "$1" | cut -d' ' -f1; }
for i in $(seq 1 "$rounds"); do
    if [ $((i % 2)) = 0 ]; then core_a=0 core_b=1; else core_a=1 core_b=0; fi
    taskset -c $core_a "$a" "$runs" > "$out_a" &
    pid_a=$!
    taskset -c $core_b "$b" "$runs" > "$out_b" &
    pid_b=$!
    wait $pid_a $pid_b
    echo "$(per_run "$out_a") $(per_run "$out_b")" >> "$rows"
done
python3 - "$rows" <<'PY'
import statistics as st, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
a, b = [r[0] for r in rows], [r[1] for r in rows]
ratio = [y / x for x, y in rows]
print(f"A: min {min(a):.1f} median {st.median(a):.1f} us per run")
print(f"B: min {min(b):.1f} median {st.median(b):.1f} us per run")
print(f"B / A, median of {len(rows)} rounds: {st.median(ratio):.3f} (from {min(ratio):.3f} to {max(ratio):.3f})")
PY
