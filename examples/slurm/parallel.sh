#!/usr/bin/env bash
# A sharded sweep on one big machine with GNU parallel (apt-get install parallel), then the merge:
# the same shards, folders and merged files as examples/slurm/sweep.sbatch + merge.sbatch, without
# a scheduler. One process per shard with one thread each (--jobs 1); fewer shards with more
# threads give the same files. Rerunning the script continues where a killed run stopped (--resume).
#
# Environment (defaults in brackets): SIMULATE [simulate], SCENARIO [scenarios/ufa2015.toml],
# OUT [results], SHARDS [the number of cores], SWEEP_ARGS [the axes and runs below].
set -euo pipefail
SIMULATE=${SIMULATE:-simulate}
SCENARIO=${SCENARIO:-scenarios/ufa2015.toml}
OUT=${OUT:-results}
SHARDS=${SHARDS:-$(nproc)}
SWEEP_ARGS=${SWEEP_ARGS:---set decision.domination_weight=0:30:1 --set decision.noise_sd=0.01,0.03 --runs 500}
read -r -a sweep_args <<<"$SWEEP_ARGS"

parallel --will-cite -q -j "$SHARDS" --halt soon,fail=1 "$SIMULATE" sweep "$SCENARIO" "${sweep_args[@]}" --jobs 1 --shard "{}/$SHARDS" --out "$OUT/shard_{}" --resume --quiet ::: $(seq 1 "$SHARDS")

dirs=()
for ((k = 1; k <= SHARDS; k++)); do dirs+=("${OUT}/shard_${k}"); done
"$SIMULATE" merge "${dirs[@]}" --out "${OUT}/merged"
