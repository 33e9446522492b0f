#!/usr/bin/env bash
# End-to-end test of the shipped SLURM examples (examples/slurm/) on a real single-node SLURM.
#
# Brings up munged, slurmctld and slurmd (Debian's munge and slurm-wlm, installed if missing) on
# loopback in a scratch folder, submits examples/slurm/sweep.sbatch as a 4-task job array of a real
# sweep of scenarios/ufa2015.toml with examples/slurm/merge.sbatch chained on it (afterok), and
# checks the merged sweep.csv and sweep_long.csv are byte-identical to the same sweep run unsharded,
# and sweep.json equal but for its provenance (paths relative to each folder).
# Then the faults: one shard's output is deleted (a failed or lost task); `simulate merge` and
# merge.sbatch must exit 2 naming it; a rerun of that task that fails again must get the chained
# merge cancelled (not left pending); a good rerun of only that task (sbatch --array=3) and the
# chained merge must give files identical to the clean run's. Then examples/slurm/parallel.sh
# (GNU parallel, no scheduler) must give the same files too. Last, examples/slurm/calibrate.sh
# submits a small calibration of scenarios/sco2001.toml, one 3-task array and one merge per
# generation, and every file it writes must be byte-identical to an unsharded calibration's.
#
# Every daemon is stopped by the PID recorded when it was started (trap on EXIT), and waited for.
# Every wait has a timeout, and all of them together a deadline, so a broken cluster fails the
# test within minutes instead of hanging CI; on failure the daemons' and jobs' logs are printed.
# Needs root (daemons, apt-get). Environment: SIMULATE (binary to test; default: the release
# build, built if missing or older than the sources), SLURM_TEST_TIMEOUT (seconds to wait for one
# batch of jobs, default 120), SLURM_TEST_DEADLINE (seconds from the cluster's start to the end of
# the checks, default 300), KEEP_SCRATCH=1 (keep the scratch folder after a pass too).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOB_TIMEOUT=${SLURM_TEST_TIMEOUT:-120}
DEADLINE_SECS=${SLURM_TEST_DEADLINE:-300}
DEADLINE=0 # set when the daemons start
SHARDS=4
SWEEP_ARGS="--set decision.domination_weight=8:20:4 --set decision.noise_sd=0.01,0.03 --runs 50"

SCRATCH=$(mktemp -d -t slurm-test.XXXXXX)
chmod 755 "$SCRATCH" # munged runs as the munge user and must reach its folder
LOGS=$SCRATCH/logs
mkdir -p "$LOGS"
DAEMON_NAMES=()
DAEMON_PIDS=()
PASSED=0
PHASE="setup"

log() { printf '[slurm-test %3ss] %s\n' "$SECONDS" "$*" >&2; }
CHECKS=0
pass() { # a check that held
    CHECKS=$((CHECKS + 1))
    log "ok $CHECKS: $*"
}
fail() {
    log "FAIL ($PHASE): $*"
    exit 1
}

# Prints the tail of every log in the scratch folder (daemons, job outputs).
dump_logs() {
    local f n
    for f in "$SCRATCH"/slurm/*.log "$LOGS"/*; do
        [ -f "$f" ] || continue
        n=40
        # slurmctld/slurmd -D repeat their log file on stderr: its end is enough (start-up errors).
        case $f in */slurmctld.out | */slurmd.out) n=10 ;; esac
        echo "----- ${f#"$SCRATCH"/} (last $n lines)"
        tail -n "$n" "$f"
    done
    if [ -n "${SLURM_CONF:-}" ] && command -v squeue >/dev/null; then
        echo "----- squeue"
        timeout 10 squeue 2>&1 || true
        echo "----- sinfo"
        timeout 10 sinfo 2>&1 || true
    fi
}

# Is this PID gone (or a zombie waiting to be reaped)?
gone() {
    local state
    [ -e "/proc/$1" ] || return 0
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
    [ "$state" = Z ]
}

# Sends TERM to a daemon we started, waits up to 20 s for it to exit, then KILLs it.
stop_daemon() {
    local name=$1 pid=$2 i
    gone "$pid" && { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        gone "$pid" && break
        sleep 0.1
    done
    if ! gone "$pid"; then
        log "$name (pid $pid) still running after 20 s: KILL"
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            gone "$pid" && break
            sleep 0.1
        done
    fi
    wait "$pid" 2>/dev/null || true
    log "stopped $name (pid $pid)"
}

cleanup() {
    local rc=$? i
    set +e
    trap - EXIT INT TERM
    if ((rc != 0)) || ((PASSED == 0)); then
        rc=1
        echo "===== logs ====="
        dump_logs
        echo "================"
    fi
    # Cancel whatever is left in our private cluster (SLURM_CONF points at it, not at any other).
    if [ -n "${SLURM_CONF:-}" ] && ((${#DAEMON_PIDS[@]} >= 2)); then
        timeout 10 scancel --user=root 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break
            sleep 0.2
        done
    fi
    # Stop the daemons in reverse order of start: slurmd, slurmctld, munged.
    for ((i = ${#DAEMON_PIDS[@]} - 1; i >= 0; i--)); do
        stop_daemon "${DAEMON_NAMES[i]}" "${DAEMON_PIDS[i]}"
    done
    if ((rc == 0)) && [ "${KEEP_SCRATCH:-0}" != 1 ]; then
        rm -rf "$SCRATCH"
    else
        log "scratch folder kept: $SCRATCH"
    fi
    if ((rc == 0)); then
        echo "slurm-test: PASS in ${SECONDS} s"
        echo "slurm-test: ${CHECKS} passed, 0 failed"
    else
        echo "slurm-test: FAIL in ${SECONDS} s (phase: $PHASE)"
        echo "slurm-test: ${CHECKS} passed, 1 failed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints the smaller of $1 seconds and the time left before the deadline; fails past it.
budget() {
    local left=$((DEADLINE - SECONDS))
    ((DEADLINE == 0 || left > 0)) || fail "the test's deadline (${DEADLINE_SECS} s after the cluster's start) has passed"
    if ((DEADLINE == 0 || $1 < left)); then echo "$1"; else echo "$left"; fi
}

# Waits (at most $2 seconds) for the command "$3..." to succeed.
wait_for() {
    local what=$1 limit i
    limit=$(budget "$2") || exit 1
    shift 2
    for ((i = 0; i < limit * 5; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    fail "timed out after ${limit} s waiting for $what"
}

# Starts a daemon in the background (it must stay in the foreground itself) and records its PID.
start_daemon() {
    local name=$1
    shift
    "$@" >"$LOGS/$name.out" 2>&1 &
    DAEMON_NAMES+=("$name")
    DAEMON_PIDS+=("$!")
    log "started $name (pid $!)"
}

# A TCP port nobody listens on, so a second copy of this test (or a real SLURM) does not clash.
free_port() {
    local p i
    for ((i = 0; i < 100; i++)); do
        p=$((20000 + RANDOM % 30000))
        if ! ss -Htan "( sport = :$p )" 2>/dev/null | grep -q .; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

[ "$(id -u)" = 0 ] || fail "needs root (it starts munged and SLURM's daemons)"

# --- 1. Packages and the binary ------------------------------------------------------------------
PHASE="install"
need=()
command -v munged >/dev/null && command -v mungekey >/dev/null || need+=(munge)
for c in slurmctld slurmd sbatch squeue sinfo scancel; do
    command -v "$c" >/dev/null || { need+=(slurm-wlm); break; }
done
command -v parallel >/dev/null || need+=(parallel)
command -v ss >/dev/null || need+=(iproute2)
if ((${#need[@]})); then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -qq || fail "apt-get update failed"
    timeout 600 apt-get install -y -qq --no-install-recommends "${need[@]}" >"$LOGS/apt.log" 2>&1 ||
        fail "apt-get install ${need[*]} failed"
fi

PHASE="build"
if [ -z "${SIMULATE:-}" ]; then
    SIMULATE=$ROOT/target/release/simulate
    if [ ! -x "$SIMULATE" ] || [ -n "$(find src Cargo.toml Cargo.lock -newer "$SIMULATE" -print -quit)" ]; then
        log "cargo build --release"
        cargo build --release --quiet || fail "cargo build --release failed"
    fi
fi
[ -x "$SIMULATE" ] || fail "no simulate binary at $SIMULATE"
# Snapshot the binary and the scenario: a rebuild or an edit in the work tree during the test must
# not change what the local run and the cluster's tasks compute.
mkdir -p "$SCRATCH/bin"
cp "$SIMULATE" "$SCRATCH/bin/simulate"
cp scenarios/ufa2015.toml "$SCRATCH/ufa2015.toml"
SIMULATE=$SCRATCH/bin/simulate
SCENARIO=$SCRATCH/ufa2015.toml
OUT=$SCRATCH/results
export SIMULATE SCENARIO OUT SHARDS SWEEP_ARGS # read by the sbatch scripts (sbatch --export=ALL)


# --- 2. munge -------------------------------------------------------------------------------------
PHASE="munge"
DEADLINE=$((SECONDS + DEADLINE_SECS))
M=$SCRATCH/munge
MUNGE_SOCKET=$M/run/munge.socket
mkdir -p "$M/run"
chown -R munge:munge "$M"
chmod 755 "$M" "$M/run" # munged refuses a socket folder it deems insecure (0700 included)
AS_MUNGE=(setpriv --reuid=munge --regid=munge --init-groups --) # execs: $! is the daemon's PID
"${AS_MUNGE[@]}" mungekey --create --keyfile="$M/munge.key" >"$LOGS/mungekey.log" 2>&1 ||
    fail "mungekey failed: $(cat "$LOGS/mungekey.log")"
start_daemon munged "${AS_MUNGE[@]}" munged --foreground --socket="$MUNGE_SOCKET" \
    --key-file="$M/munge.key" --log-file="$M/munged.log" --pid-file="$M/munged.pid" \
    --seed-file="$M/munged.seed"
munge_ok() { munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET"; }
wait_for "munged to answer on $MUNGE_SOCKET" 20 munge_ok

# --- 3. slurmctld and slurmd ----------------------------------------------------------------------
PHASE="slurm"
S=$SCRATCH/slurm
mkdir -p "$S/state" "$S/spool"
CTLD_PORT=$(free_port) || fail "no free port"
SLURMD_PORT=$(free_port) || fail "no free port"
[ "$CTLD_PORT" != "$SLURMD_PORT" ] || SLURMD_PORT=$((CTLD_PORT + 1))
# The machine's hardware as slurmd sees it, on a node renamed localhost (the hostname is not).
NODE_LINE=$(slurmd -C 2>/dev/null | head -n 1 | sed -E 's/^NodeName=[^ ]+/NodeName=localhost/')
[[ $NODE_LINE == NodeName=localhost\ * ]] || fail "slurmd -C gave no node line: $NODE_LINE"
export SLURM_CONF=$S/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=slurmtest
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
$NODE_LINE NodeAddr=127.0.0.1 NodeHostname=localhost State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
start_daemon slurmctld slurmctld -D -f "$SLURM_CONF"
start_daemon slurmd slurmd -D -N localhost -f "$SLURM_CONF"
node_idle() { [ "$(sinfo -h -o %T)" = idle ]; }
wait_for "the node to be idle (sinfo)" 60 node_idle
pass "cluster up: $(sinfo -h -o '%P %D %T %c CPUs') (ports $CTLD_PORT, $SLURMD_PORT)"

# --- 4. The sweep: unsharded locally, then as a job array with the merge chained ----------------
PHASE="local sweep"
read -r -a sweep_args <<<"$SWEEP_ARGS"
t0=$(date +%s.%N)
"$SIMULATE" sweep "$SCENARIO" "${sweep_args[@]}" --out "$SCRATCH/local" --quiet ||
    fail "local sweep failed"
LOCAL_SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
log "local unsharded sweep ($SWEEP_ARGS): $LOCAL_SECS s"

# The sbatch options the examples leave to the site: one CPU per task (a 2-CPU node), outputs and
# logs in the scratch folder.
SB=(--parsable --cpus-per-task=1 --chdir="$SCRATCH")
submit_array() { # $1: array spec; prints the job id
    local id
    id=$(sbatch "${SB[@]}" --array="$1" --output="$LOGS/sweep_%A_%a.out" examples/slurm/sweep.sbatch) ||
        fail "sbatch sweep.sbatch failed"
    echo "${id%%;*}"
}
merge_after() { # $1: dependency ("" for none); waits for the merge job; returns its exit code
    # (sbatch --wait exits 0 for a job cancelled before it ran: MERGE_STATE tells that apart).
    local dep=() rc=0 id limit
    limit=$(budget "$JOB_TIMEOUT") || exit 1
    [ -n "$1" ] && dep=(--dependency="afterok:$1" --kill-on-invalid-dep=yes)
    timeout "$limit" sbatch "${SB[@]}" --wait "${dep[@]}" --output="$LOGS/merge_%j.out" \
        examples/slurm/merge.sbatch >"$LOGS/sbatch-merge.out" 2>&1 || rc=$?
    ((rc != 124)) || fail "timed out after $limit s waiting for the jobs (squeue below)"
    id=$(head -n 1 "$LOGS/sbatch-merge.out")
    id=${id%%;*}
    MERGE_STATE=$(scontrol -o show job "$id" 2>/dev/null | grep -o 'JobState=[A-Z_]* Reason=[^ ]*') ||
        MERGE_STATE="unknown (job $id)"
    [[ $MERGE_STATE == JobState=COMPLETED\ * ]] || ((rc != 0)) || rc=3
    return "$rc"
}
same_as_local() { # $1: merged folder
    local f
    for f in sweep.csv sweep_long.csv; do
        cmp "$1/$f" "$SCRATCH/local/$f" || fail "$1/$f differs from the unsharded run's"
    done
    # sweep.json also records its provenance: the scenario's path relative to its own folder and
    # the command as typed there, which differ between folders at other depths; all else is equal.
    python3 - "$1/sweep.json" "$SCRATCH/local/sweep.json" <<'PY' || fail "$1/sweep.json differs from the unsharded run's (beyond its provenance)"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("command", None)
    d.pop("scenario_file", None)
sys.exit(a != b)
PY
}

PHASE="job array"
t0=$(date +%s.%N)
JID=$(submit_array "1-$SHARDS")
log "submitted sweep.sbatch as array job $JID (tasks 1-$SHARDS)"
merge_after "$JID" || fail "the merge job (after the array) failed: exit $?, $MERGE_STATE"
SLURM_SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "array of $SHARDS tasks + chained merge: done in $SLURM_SECS s"
for ((k = 1; k <= SHARDS; k++)); do
    grep -q "\"shard\": \"$k/$SHARDS\"" "$OUT/shard_$k/sweep.json" || fail "shard_$k is not shard $k/$SHARDS"
done
same_as_local "$OUT/merged"
cp -r "$OUT/merged" "$SCRATCH/merged-clean"
pass "merged sweep.csv and sweep_long.csv are byte-identical to the unsharded run's, sweep.json equal but for its provenance"

# --- 5. Faults: a lost shard, merge refuses it, rerun only that task -----------------------------
PHASE="missing shard"
LOST=3
rm -rf "$OUT/shard_$LOST" "$OUT/merged"
rc=0
"$SIMULATE" merge "$OUT"/shard_* --out "$SCRATCH/bad-merge" 2>"$LOGS/merge-glob.err" || rc=$?
((rc == 2)) || fail "simulate merge of $((SHARDS - 1)) shards exited $rc, not 2"
grep -q "missing shards: $LOST/$SHARDS" "$LOGS/merge-glob.err" ||
    fail "simulate merge does not name shard $LOST/$SHARDS: $(cat "$LOGS/merge-glob.err")"
[ ! -e "$SCRATCH/bad-merge/sweep.csv" ] || fail "a refused merge wrote sweep.csv"
pass "simulate merge OUT/shard_* refused: exit 2, \"$(grep -o "missing shards: [0-9/, ]*" "$LOGS/merge-glob.err")\""
rc=0
merge_after "" || rc=$?
((rc == 2)) || fail "merge.sbatch with shard $LOST missing exited $rc, not 2"
grep -q "shard_$LOST/sweep.json" "$LOGS"/merge_*.out ||
    fail "merge.sbatch's error does not name shard_$LOST"
pass "merge.sbatch refused: job exit 2, naming $OUT/shard_$LOST"

PHASE="failed task"
# A rerun that fails too (a broken binary): the chained merge must be cancelled, not left pending.
FJID=$(SIMULATE=/bin/false submit_array "$LOST")
rc=0
merge_after "$FJID" || rc=$?
[[ $MERGE_STATE == "JobState=CANCELLED Reason=DependencyNeverSatisfied" ]] ||
    fail "the merge chained on a failed task was not cancelled: exit $rc, $MERGE_STATE"
[ ! -e "$OUT/merged" ] || fail "a merge chained on a failed task wrote $OUT/merged"
pass "task $LOST failing (job $FJID): the chained merge was cancelled ($MERGE_STATE)"

PHASE="rerun one task"
declare -A before
for ((k = 1; k <= SHARDS; k++)); do
    [ "$k" = "$LOST" ] || before[$k]=$(stat -c %y "$OUT/shard_$k/sweep.csv")
done
t0=$SECONDS
RJID=$(submit_array "$LOST")
log "resubmitted only task $LOST: job $RJID (sbatch --array=$LOST)"
merge_after "$RJID" || fail "the merge job after the rerun failed: exit $?, $MERGE_STATE"
log "rerun + merge: done in $((SECONDS - t0)) s"
grep -q "\"shard\": \"$LOST/$SHARDS\"" "$OUT/shard_$LOST/sweep.json" ||
    fail "the rerun task did not compute shard $LOST/$SHARDS"
for k in "${!before[@]}"; do
    [ "${before[$k]}" = "$(stat -c %y "$OUT/shard_$k/sweep.csv")" ] || fail "shard_$k was recomputed"
done
same_as_local "$OUT/merged"
cmp "$OUT/merged/sweep.csv" "$SCRATCH/merged-clean/sweep.csv" || fail "the rerun's merge differs from the clean run's"
pass "after the rerun, the merge is byte-identical to the clean run's and the unsharded run's"

# --- 6. GNU parallel on one machine ---------------------------------------------------------------
PHASE="parallel.sh"
t0=$SECONDS
limit=$(budget 120) || exit 1
OUT=$SCRATCH/parallel timeout "$limit" bash examples/slurm/parallel.sh >"$LOGS/parallel.out" 2>&1 ||
    fail "examples/slurm/parallel.sh failed"
same_as_local "$SCRATCH/parallel/merged"
pass "examples/slurm/parallel.sh: byte-identical too ($((SECONDS - t0)) s)"

# --- 7. A sharded calibration: examples/slurm/calibrate.sh, one array and one merge per generation -
PHASE="calibration"
# Four generations at most, but the sampler stops after the second (fewer than 70 % of new sets
# within the tolerance): the chain's last two rounds find the calibration complete and pass.
CAL_ARGS="--particles 40 --generations 4 --runs 5 --scorecard-runs 10 --p-acc-min 0.7 --quiet"
cp scenarios/sco2001.toml "$SCRATCH/sco2001.toml"
read -r -a cal_args <<<"$CAL_ARGS"
"$SIMULATE" calibrate "$SCRATCH/sco2001.toml" "${cal_args[@]}" --out "$SCRATCH/cal-local" ||
    fail "local calibration failed"
t0=$SECONDS
SCENARIO=$SCRATCH/sco2001.toml OUT=$SCRATCH/cal-cluster SHARDS=3 CALIBRATE_ARGS="$CAL_ARGS" \
    SBATCH_OPTIONS="--cpus-per-task=1 --chdir=$SCRATCH --output=$LOGS/calibrate_%j.out" \
    bash examples/slurm/calibrate.sh >"$LOGS/calibrate-submit.out" 2>&1 ||
    fail "examples/slurm/calibrate.sh failed: $(cat "$LOGS/calibrate-submit.out")"
LAST=$(sed -n 's/^last merge: job \([0-9]*\).*/\1/p' "$LOGS/calibrate-submit.out")
[ -n "$LAST" ] || fail "calibrate.sh printed no last merge job: $(cat "$LOGS/calibrate-submit.out")"
queue_empty() { [ -z "$(squeue -h)" ]; }
wait_for "the calibration's chain of jobs to finish" "$JOB_TIMEOUT" queue_empty
STATE=$(scontrol -o show job "$LAST" 2>/dev/null | grep -o 'JobState=[A-Z_]*') || STATE="unknown"
[ "$STATE" = JobState=COMPLETED ] || fail "the last merge job $LAST ended $STATE"
for f in "$SCRATCH"/cal-local/*; do
    cmp "$f" "$SCRATCH/cal-cluster/${f##*/}" || fail "cal-cluster/${f##*/} differs from the unsharded calibration's"
done
[ ! -e "$SCRATCH/cal-cluster/calibration.partial.csv" ] || fail "the checkpoint was left behind"
CAL_SECS=$((SECONDS - t0))
pass "examples/slurm/calibrate.sh (3 tasks per generation, stopped early after 2 of 4): every file byte-identical to the unsharded calibration's (${CAL_SECS} s)"

PHASE="done"
log "measured: unsharded local sweep $LOCAL_SECS s; $SHARDS-task array + chained merge through SLURM $SLURM_SECS s"
PASSED=1
