#!/bin/bash
# Submits a sharded `simulate calibrate` to SLURM (docs/cluster.md): for each generation, a job
# array of SHARDS tasks (examples/slurm/calibrate.sbatch) and a merge chained on it, each
# generation chained on the previous merge. Run it once, on the login node, from the folder the
# relative paths are relative to; it prints the job ids and the last merge's, after which the
# calibration's output is in $OUT, byte for byte what an unsharded run writes.
#
#   SHARDS=8 CALIBRATE_ARGS="--particles 2000 --generations 20 --quiet" examples/slurm/calibrate.sh
#
# Environment: the same as calibrate.sbatch (SIMULATE, SCENARIO, OUT, SHARDS, CALIBRATE_ARGS),
# plus SBATCH_OPTIONS, sbatch options for every job (split on spaces; e.g. a partition, an
# account, --cpus-per-task). The number of generations is read from CALIBRATE_ARGS
# (--generations G; the binary's default, 10, without it).
#
# A failed task cancels the rest of the chain (--kill-on-invalid-dep=yes): rerun that task with
# `sbatch --array=K examples/slurm/calibrate.sbatch`, then `sbatch examples/slurm/calibrate.sbatch
# merge`, then this script again; finished generations are kept in the checkpoint and a
# generation already merged is not scored twice.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-results/calibration}
SHARDS=${SHARDS:-8}
CALIBRATE_ARGS=${CALIBRATE_ARGS:---particles 2000 --generations 20 --quiet}
export OUT SHARDS CALIBRATE_ARGS
read -r -a options <<<"${SBATCH_OPTIONS:-}"
read -r -a args <<<"$CALIBRATE_ARGS"

generations=10
for ((i = 0; i < ${#args[@]}; i++)); do
    if [ "${args[i]}" = --generations ] && ((i + 1 < ${#args[@]})); then
        generations=${args[i + 1]}
    fi
done
if ! [[ $generations =~ ^[1-9][0-9]*$ ]]; then
    echo "error: --generations in CALIBRATE_ARGS is not a whole number above 0: $generations" >&2
    exit 2
fi
if ! [[ $SHARDS =~ ^[1-9][0-9]*$ ]]; then
    echo "error: SHARDS is not a whole number above 0: $SHARDS" >&2
    exit 2
fi
if [ -f "$OUT/posterior.csv" ] && [ ! -f "$OUT/calibration.partial.csv" ]; then
    echo "error: $OUT holds a finished calibration: choose another OUT or remove it" >&2
    exit 2
fi

dep=()
for ((g = 1; g <= generations; g++)); do
    array=$(sbatch --parsable "${options[@]}" "${dep[@]}" --array="1-$SHARDS" \
        "$HERE/calibrate.sbatch")
    array=${array%%;*}
    merge=$(sbatch --parsable "${options[@]}" --dependency="afterok:$array" \
        --kill-on-invalid-dep=yes "$HERE/calibrate.sbatch" merge)
    merge=${merge%%;*}
    echo "generation $g of at most $generations: array job $array ($SHARDS tasks), merge job $merge"
    dep=(--dependency="afterok:$merge" --kill-on-invalid-dep=yes)
done
echo "last merge: job $merge (the output is complete when it has run)"
