#!/usr/bin/env bash
# Stops what start-local-slurm.sh started (and only that: pids from its pid files, checked against
# /proc/PID/comm). Cancels remaining jobs first. --purge also deletes $SLURM_LOCAL_DIR.
set -uo pipefail
DIR="${SLURM_LOCAL_DIR:-${TMPDIR:-/tmp}/local-slurm}"
[ -d "$DIR" ] || exit 0
export SLURM_CONF="$DIR/slurm.conf"
if [ -f "$DIR/run/slurmctld.pid" ]; then
  ids=$(squeue -h -o %i 2>/dev/null | tr '\n' ' ')
  [ -n "$ids" ] && scancel $ids 2>/dev/null
fi
stop() { # pidfile comm
  local f="$DIR/run/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ]; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 100); do
      { [ -r "/proc/$pid/status" ] && ! grep -q '^State:\s*Z' "/proc/$pid/status"; } || break
      sleep 0.1
    done
    [ -r "/proc/$pid/status" ] && ! grep -q '^State:\s*Z' "/proc/$pid/status" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$f"
}
stop slurmd slurmd
stop slurmctld slurmctld
stop munged munged
[ -L /etc/slurm/slurm.conf ] && [ "$(readlink /etc/slurm/slurm.conf)" = "$DIR/slurm.conf" ] && rm -f /etc/slurm/slurm.conf
[ "${1:-}" = "--purge" ] && rm -rf "$DIR"
exit 0
