#!/usr/bin/env bash
# Starts a single-node SLURM cluster on localhost, as root, without systemd, for tests and CI.
# Idempotent: installs missing packages (apt), writes the config under $SLURM_LOCAL_DIR, starts a
# private munged, slurmctld and slurmd (pid files), waits until the node is idle and runs a smoke job.
# Writes $SLURM_LOCAL_DIR/env.sh (SLURM_CONF). Stop with scripts/stop-local-slurm.sh.
#   SLURM_LOCAL_DIR  (default ${TMPDIR:-/tmp}/local-slurm)   SLURM_LOCAL_CPUS (default 8: oversubscribe the node)
set -euo pipefail
exec </dev/null
DIR="${SLURM_LOCAL_DIR:-${TMPDIR:-/tmp}/local-slurm}"
CPUS="${SLURM_LOCAL_CPUS:-8}"
[ "$(id -u)" = 0 ] || { echo "start-local-slurm: must run as root" >&2; exit 1; }

need=()
for pkg in slurmctld slurmd slurm-client munge; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "start-local-slurm: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >&2
fi

mkdir -p "$DIR"/{munge,run,log,state,spool}
chmod 755 "$DIR"
MEM=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)
CONF="$DIR/slurm.conf"
NEW_CONF=$(cat <<CONF
ClusterName=local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket.2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MinJobAge=600
KillWait=5
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
)
changed=0
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$NEW_CONF" ]; then printf '%s\n' "$NEW_CONF" > "$CONF"; changed=1; fi
chmod 644 "$CONF"

alive() { # pidfile comm
  [ -f "$1" ] || return 1
  local pid; pid=$(cat "$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ] && ! grep -q '^State:\s*Z' "/proc/$pid/status"
}

if [ "$changed" = 1 ] && alive "$DIR/run/slurmctld.pid" slurmctld; then
  echo "start-local-slurm: configuration changed; restarting" >&2
  bash "$(dirname "$0")/stop-local-slurm.sh"
fi

# After the restart above: the stop script removes this link when it points at our config.
if [ ! -e /etc/slurm/slurm.conf ]; then mkdir -p /etc/slurm; ln -s "$CONF" /etc/slurm/slurm.conf; fi
export SLURM_CONF="$CONF"
printf 'export SLURM_CONF=%q\n' "$CONF" > "$DIR/env.sh"

if ! alive "$DIR/run/munged.pid" munged; then
  [ -f "$DIR/munge/munge.key" ] || { dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none; chmod 400 "$DIR/munge/munge.key"; }
  munged --force --socket="$DIR/munge/munge.socket.2" --key-file="$DIR/munge/munge.key" \
    --pid-file="$DIR/run/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge/seed"
fi
for i in $(seq 50); do munge -S "$DIR/munge/munge.socket.2" -n 2>/dev/null | unmunge -S "$DIR/munge/munge.socket.2" >/dev/null 2>&1 && break; sleep 0.1; done

alive "$DIR/run/slurmctld.pid" slurmctld || slurmctld -c -f "$CONF"
alive "$DIR/run/slurmd.pid" slurmd || slurmd -N localhost -f "$CONF"

for i in $(seq 100); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  case "$state" in idle*|mix*|alloc*) break ;; esac
  [ "$i" = 50 ] && scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true
  sleep 0.2
done
case "$(sinfo -h -n localhost -o %T 2>/dev/null)" in idle*|mix*|alloc*) ;; *) echo "start-local-slurm: node not ready; see $DIR/log" >&2; exit 1 ;; esac

if [ "${SLURM_LOCAL_SMOKE:-1}" = 1 ]; then
  id=$(sbatch --parsable -J smoke -o "$DIR/log/smoke.out" --wrap 'echo smoke-ok')
  for i in $(seq 100); do
    st=$(squeue -h -t all -j "$id" -o %T 2>/dev/null || true)
    [ "$st" = COMPLETED ] && break
    case "$st" in FAILED|CANCELLED|TIMEOUT|NODE_FAIL) echo "start-local-slurm: smoke job $st" >&2; exit 1 ;; esac
    sleep 0.2
  done
  [ "$st" = COMPLETED ] || { echo "start-local-slurm: smoke job did not complete ($st)" >&2; exit 1; }
fi
echo "start-local-slurm: up ($CPUS CPUs); source $DIR/env.sh" >&2
