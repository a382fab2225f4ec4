#!/usr/bin/env bash
# End-to-end test of sharded sweeps on a real Slurm (README "Sweeps on a cluster"): a one-node Slurm cluster
# on loopback runs a 4-task job array of `sweep --shard auto/4` and a dependent `merge` job; the merged
# outputs must be byte-identical to a one-machine sweep. Then one shard's part files are deleted: `merge`
# must refuse (exit 1) and name that shard; the shard is resubmitted alone and merged again.
#
# Needs root and apt-get (Debian's slurmctld slurmd slurm-client munge are installed when missing). Without
# them it prints one line and skips, except on CI (CI=true), where that is an error. No systemd: munged,
# slurmctld and slurmd run in the foreground as children of this script, with their own state directory,
# key, config and free ports; they are stopped by their recorded PIDs (never by name) when the script ends.
# Every wait has a deadline. The last line is `slurm-e2e: ok (…)`, `slurm-e2e: skipped: …` or
# `slurm-e2e: error: …`.
#
# Environment: SLURM_E2E_PORT (first port tried, default 16817), SLURM_E2E_TMP (where the scratch directory
# goes, default /tmp, else node_modules/.cache when /tmp is mounted noexec), SLURM_E2E_KEEP=1 (keep it).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T0=$(date +%s.%N)
say() { printf 'slurm-e2e: %s\n' "$*"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

skip() {
  if [ "${CI:-}" = true ]; then
    say "error: cannot run on CI: $*"
    exit 1
  fi
  say "skipped: $*"
  exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root to install and run the Slurm daemons"
command -v apt-get >/dev/null 2>&1 || command -v slurmctld >/dev/null 2>&1 || skip "needs apt-get (Debian packages slurmctld slurmd slurm-client munge)"
NODE=$(command -v node) || skip "node is not on PATH"
CLI="$ROOT/dist/src/cli/main.js"

# Scratch directory: slurmd runs the job scripts from its spool, so it must be on an exec-mounted file system.
can_exec() {
  local f
  f=$(mktemp "$1/.allora-exec-check.XXXXXX" 2>/dev/null) || return 1
  printf '#!/bin/sh\nexit 0\n' >"$f" && chmod 0755 "$f" && "$f" 2>/dev/null
  local rc=$?
  rm -f "$f"
  return $rc
}
BASE=${SLURM_E2E_TMP:-/tmp}
if ! can_exec "$BASE"; then
  BASE="$ROOT/node_modules/.cache"
  mkdir -p "$BASE"
fi
DIR=$(mktemp -d "$BASE/allora-slurm-e2e.XXXXXX") || skip "cannot create a scratch directory in $BASE"
chmod 0755 "$DIR"
WORK="$DIR/work"
LOG="$DIR/log"
mkdir -p "$WORK" "$LOG"
PIDS=()       # "pid:comm", in start order
POLICY_CREATED=0

# Stops one recorded daemon: TERM, up to 10 s, then KILL; only if /proc/PID/comm still names it.
stop_pid() {
  local pid=$1 comm=$2 i
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 100); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || break
    sleep 0.1
  done
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ]; then kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  local rc=$? entry i pid f env_of
  trap - EXIT INT TERM
  if [ "${#PIDS[@]}" -gt 0 ]; then
    timeout 10 scancel --partition=smoke >/dev/null 2>&1
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
      entry=${PIDS[$i]}
      stop_pid "${entry%%:*}" "${entry#*:}"
    done
    # Job steps are re-parented to PID 1 (slurmstepd double-forks): find leftovers by their environment.
    for f in /proc/[0-9]*/environ; do
      pid=${f#/proc/}
      pid=${pid%/environ}
      [ "$pid" = "$$" ] && continue
      env_of=$({ tr '\0' '\n' <"$f"; } 2>/dev/null) || continue
      if grep -qx "ALLORA_SLURM_E2E=$DIR" <<<"$env_of" ||
        { grep -qx "SLURM_CONF=$DIR/slurm.conf" <<<"$env_of" && grep -q '^SLURM_JOB_ID=' <<<"$env_of"; }; then
        kill -KILL "$pid" 2>/dev/null
      fi
    done
  fi
  [ "$POLICY_CREATED" = 1 ] && rm -f /usr/sbin/policy-rc.d
  if [ "${SLURM_E2E_KEEP:-}" = 1 ]; then say "kept $DIR"; else rm -rf "$DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "error: interrupted (SIGINT)"; exit 130' INT
trap 'say "error: interrupted (SIGTERM)"; exit 143' TERM

fail() {
  say "error: $*"
  for f in "$LOG"/*; do
    [ -f "$f" ] || continue
    echo "---- ${f#"$DIR"/} (last 15 lines)"
    tail -n 15 "$f"
  done
  exit 1
}

# Waits until the command succeeds, at most $1 seconds.
wait_for() {
  local limit=$1 what=$2 start
  shift 2
  start=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    [ $(($(date +%s) - start)) -lt "$limit" ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}

# ---- 1. Packages --------------------------------------------------------------------------------------
T_INSTALL=0
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v sbatch >/dev/null 2>&1 ||
  ! command -v munged >/dev/null 2>&1; then
  t=$(date +%s.%N)
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # Keep the packages' maintainer scripts from starting daemons of their own.
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d && POLICY_CREATED=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get -o DPkg::Lock::Timeout=300 update -qq >"$LOG/apt.log" 2>&1 || fail "apt-get update failed"
  timeout 600 apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge \
    >>"$LOG/apt.log" 2>&1 || fail "apt-get install slurmctld slurmd slurm-client munge failed"
  [ "$POLICY_CREATED" = 1 ] && rm -f /usr/sbin/policy-rc.d && POLICY_CREATED=0
  T_INSTALL=$(elapsed "$t")
fi

# ---- 2. The one-machine reference (no Slurm) -------------------------------------------------------------
if [ ! -f "$CLI" ]; then
  (cd "$ROOT" && timeout 300 npm run build >"$LOG/build.log" 2>&1) || fail "npm run build failed"
fi
SWEEP=(sweep "$ROOT/scenarios/figure2-3.yaml" --grid p=2,3,4 --seeds 3 --epochs 20 --set warmup=2 --quiet)
timeout 120 "$NODE" "$CLI" "${SWEEP[@]}" -o "$WORK/reference" >"$LOG/reference.log" 2>&1 || fail "the reference sweep failed"

# ---- 3. A one-node cluster ---------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${SLURM_E2E_PORT:-16817}
for _ in $(seq 1 20); do
  if port_free "$PORT" && port_free $((PORT + 1)); then break; fi
  PORT=$((PORT + 2))
done
port_free "$PORT" && port_free $((PORT + 1)) || fail "no two free ports from ${SLURM_E2E_PORT:-16817} on"

t=$(date +%s.%N)
mkdir -p "$DIR/munge" "$DIR/munge-key" "$DIR/state" "$DIR/spool"
chmod 0755 "$DIR/munge"    # munged wants a socket directory everyone can traverse
chmod 0700 "$DIR/munge-key" # and a private key
KEY="$DIR/munge-key/munge.key"
if ! mungekey --create --keyfile="$KEY" >"$LOG/mungekey.log" 2>&1; then
  dd if=/dev/urandom of="$KEY" bs=1024 count=1 2>/dev/null || fail "cannot create a munge key"
fi
chmod 0600 "$KEY"
SOCKET="$DIR/munge/munge.socket.2"
env ALLORA_SLURM_E2E="$DIR" munged -F --socket="$SOCKET" --key-file="$KEY" --pid-file="$DIR/munge/munged.pid" \
  --log-file="$LOG/munged.log" --seed-file="$DIR/munge-key/munge.seed" >"$LOG/munged.out" 2>&1 &
PIDS+=("$!:munged")
wait_for 10 "munged's socket" test -S "$SOCKET"

HOST=$(hostname -s)
CPUS=$(nproc)
export SLURM_CONF="$DIR/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=allorae2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
NodeName=smoke1 NodeHostname=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=1000
PartitionName=smoke Nodes=smoke1 Default=YES MaxTime=INFINITE State=UP
EOF
SLURM_VERSION=$(sinfo --version 2>/dev/null)
env ALLORA_SLURM_E2E="$DIR" slurmctld -D -i -f "$SLURM_CONF" >"$LOG/slurmctld.out" 2>&1 &
PIDS+=("$!:slurmctld")
ctld_up() { timeout 5 scontrol ping 2>/dev/null | grep -q 'is UP'; }
wait_for 30 "slurmctld" ctld_up
env ALLORA_SLURM_E2E="$DIR" slurmd -D -N smoke1 -f "$SLURM_CONF" >"$LOG/slurmd.out" 2>&1 &
PIDS+=("$!:slurmd")
node_idle() { [ "$(timeout 5 sinfo -h -n smoke1 -o %t 2>/dev/null)" = idle ]; }
wait_for 30 "node smoke1 to be idle" node_idle
T_DAEMONS=$(elapsed "$t")

# ---- 4. The job array and the dependent merge ---------------------------------------------------------------
SHARED="$WORK/shared"
cat >"$WORK/sweep-array.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=allora-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --output=$LOG/shard-%A_%a.out
set -euo pipefail
N=4   # written here: SLURM_ARRAY_TASK_COUNT is 1 when one index is resubmitted
exec "$NODE" "$CLI" ${SWEEP[*]@Q} --shard auto/\$N -o "$SHARED"
EOF
MERGE_CMD="exec '$NODE' '$CLI' merge '$SHARED'"

# Submits the array (extra sbatch options in "$@") and the merge after it; sets JID and MID.
submit() {
  JID=$(cd "$WORK" && timeout 20 sbatch --parsable "$@" sweep-array.sbatch) || fail "sbatch of the array failed"
  JID=${JID%%;*}
  MID=$(cd "$WORK" && timeout 20 sbatch --parsable --job-name=allora-merge --dependency="afterok:$JID" --kill-on-invalid-dep=yes \
    --output="$LOG/merge-%j.out" --wrap "$MERGE_CMD") || fail "sbatch of the merge failed"
  MID=${MID%%;*}
}
jobs_gone() { [ -z "$(timeout 5 squeue -h -j "$1" -o %i 2>/dev/null)" ]; }
# Every task of the job ids in $2… COMPLETED with exit code 0 (read within MinJobAge; no accounting database).
check_jobs() {
  local what=$1 id lines
  shift
  for id in "$@"; do
    lines=$(timeout 10 scontrol -o show job "$id" 2>&1) || fail "scontrol show job $id: $lines"
    if echo "$lines" | grep -v 'JobState=COMPLETED .*ExitCode=0:0' | grep -q .; then
      fail "$what: a task did not complete: $(echo "$lines" | grep -o 'JobId=[0-9]* \(ArrayJobId=[0-9]* ArrayTaskId=[0-9]* \)\?\|JobState=[A-Z_]*\|ExitCode=[0-9:]*' | paste -sd' ')"
    fi
  done
}
# The merged outputs equal the reference: every file byte for byte, the manifest without its timing and
# shard fields.
compare_outputs() {
  local f
  [ "$(cd "$WORK/reference" && ls)" = "$(cd "$SHARED" && ls)" ] || fail "$1: the merged files differ from the reference's: $(cd "$SHARED" && ls | paste -sd' ')"
  for f in "$WORK/reference"/*; do
    case $f in */manifest.json) continue ;; esac
    cmp -s "$f" "$SHARED/${f##*/}" || fail "$1: ${f##*/} differs from the one-machine sweep"
  done
  "$NODE" -e '
    const fs = require("node:fs");
    const strip = (p) => { const m = JSON.parse(fs.readFileSync(p, "utf8"));
      for (const k of ["started", "finished", "threads", "shards"]) delete m[k]; delete m.counts.resumed; return JSON.stringify(m); };
    process.exit(strip(process.argv[1]) === strip(process.argv[2]) ? 0 : 1);' "$WORK/reference/manifest.json" "$SHARED/manifest.json" ||
    fail "$1: manifest.json differs from the one-machine sweep (timing and shard fields aside)"
}

t=$(date +%s.%N)
submit
wait_for 120 "array job $JID and merge job $MID" jobs_gone "$JID,$MID"
check_jobs "the array" "$JID"
check_jobs "the merge" "$MID"
compare_outputs "first merge"
for i in 1 2 3 4; do
  st="$SHARED/.runs/shard-$i-of-4.json"
  [ -f "$st" ] || fail "no stamp $st"
  "$NODE" -e '
    const s = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const ok = s.status === "ok" && s.threads === 1 && s.indexFrom === "SLURM_ARRAY_TASK_ID" && s.index === Number(process.argv[2]);
    if (!ok) { console.error(JSON.stringify(s)); process.exit(1); }' "$st" "$i" ||
    fail "stamp of shard $i/4: expected status ok, 1 thread (SLURM_CPUS_PER_TASK), index from SLURM_ARRAY_TASK_ID"
done
T_FIRST=$(elapsed "$t")

# ---- 5. A lost shard: merge refuses and names it; resubmit that index alone; merge again --------------------
t=$(date +%s.%N)
R=3
TOTAL=9
for ((id = 0; id < TOTAL; id++)); do
  if [ $((id % 4)) = 1 ]; then rm -f "$SHARED/.runs/p$((id / R))-r$((id % R)).ndjson"; fi # shard 2 of 4
done
rm -f "$SHARED"/*.csv "$SHARED"/sweep*.svg "$SHARED"/sweep*.png "$SHARED/manifest.json"
out=$(timeout 60 "$NODE" "$CLI" merge "$SHARED" 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "merge with shard 2's parts deleted: exit $rc, expected 1 ($out)"
echo "$out" | grep -q 'resubmit shard 2 of 4' || fail "merge did not name shard 2: $out"
[ ! -e "$SHARED/manifest.json" ] || fail "merge left a manifest.json although runs were missing"
submit --array=1
wait_for 120 "resubmitted shard (job $JID) and merge job $MID" jobs_gone "$JID,$MID"
check_jobs "the resubmitted shard" "$JID"
check_jobs "the second merge" "$MID"
compare_outputs "second merge"
"$NODE" -e '
  const s = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  process.exit(s.attempt === 2 && s.counts.ran === 2 && s.status === "ok" ? 0 : 1);' "$SHARED/.runs/shard-2-of-4.json" ||
  fail "stamp of the resubmitted shard 2/4: expected attempt 2 with 2 runs run again"
T_SECOND=$(elapsed "$t")

say "ok (${SLURM_VERSION:-slurm}; $(elapsed "$T0") s in all: install ${T_INSTALL} s, daemons up ${T_DAEMONS} s, array + merge ${T_FIRST} s, lost shard + resubmit + merge ${T_SECOND} s)"
