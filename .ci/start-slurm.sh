#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (controller and compute node at once) for the
# Slurm executor's tests (runner/.../executor/slurm): munged, slurmctld and slurmd, with
# proctrack/linuxproc and task/none so it runs in a container without cgroups or systemd.
#
#   sudo bash .ci/start-slurm.sh && sbatch --wrap 'hostname'
#
# Idempotent: installs slurm-wlm and munge from Debian only when missing, writes slurm.conf only
# when it is not there (or was written by this script for another host), starts each daemon only
# when it is not running. Needs root. Messages go to stderr; nothing secret is printed (the munge
# key is created by the munge package and never shown).
set -euo pipefail

log() { echo "start-slurm: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (it installs packages and starts munged, slurmctld and slurmd)"
  exit 1
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  log "Slurm or munge is not installed; installing slurm-wlm and munge from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq slurm-wlm munge >&2
fi

HOST="$(hostname -s)"
CPUS="$(nproc)"
# Leave the machine 512 MB; Slurm refuses a node that has less memory than slurm.conf says.
MEM_MB="$(awk '/MemTotal/ {print int($2 / 1024) - 512}' /proc/meminfo)"
CONF=/etc/slurm/slurm.conf
MARK="# written by kiln .ci/start-slurm.sh for ${HOST}"

# munge: the key comes with the package (created at install time); make one if it is missing.
if [ ! -s /etc/munge/munge.key ]; then
  log "creating a munge key"
  if command -v mungekey >/dev/null 2>&1; then mungekey --create >&2; else
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! pgrep -x munged >/dev/null; then
  log "starting munged"
  su munge -s /bin/sh -c /usr/sbin/munged
fi

if ! grep -qxF "$MARK" "$CONF" 2>/dev/null; then
  log "writing $CONF (node $HOST, $CPUS CPUs, $MEM_MB MB)"
  mkdir -p /etc/slurm
  cat >"$CONF" <<EOF
$MARK
ClusterName=kiln
SlurmctldHost=${HOST}
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# No slurmdbd: finished jobs stay visible to scontrol for an hour (the executor reads them there).
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=3600
# Jobs over their --time are killed at once (the tests wait for TIMEOUT).
OverTimeLimit=0
KillWait=5
InactiveLimit=0
SchedulerParameters=sched_interval=1
MessageTimeout=20
NodeName=${HOST} CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=${HOST} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  # A new configuration needs the daemons restarted.
  pkill_pid() { [ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null || true; }
  pkill_pid /run/slurmctld.pid
  pkill_pid /run/slurmd.pid
  sleep 1
fi
mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! running /run/slurmctld.pid; then
  log "starting slurmctld"
  /usr/sbin/slurmctld
fi
if ! running /run/slurmd.pid; then
  log "starting slurmd"
  /usr/sbin/slurmd
fi

# Wait until the node takes jobs.
for _ in $(seq 1 60); do
  state="$(sinfo -h -n "$HOST" -o %t 2>/dev/null | head -n1 || true)"
  case "$state" in
    idle*|mix*|alloc*) log "node $HOST is $state"; exit 0 ;;
    down*|drain*) scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
log "the node did not become ready; see /var/log/slurm/slurmctld.log and slurmd.log"
exit 1
