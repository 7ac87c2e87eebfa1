#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: run as the postgres user, on a high port, in a temporary folder.
# Never touches a system cluster. Usage: scripts/postgres.sh start|stop [port]
# fsync is off (tests need no durability) unless AID_PG_FSYNC=on (benchmarks: the same durability on both sides).
# Without fsync the cluster lives in memory (/dev/shm, when it has 2 GiB free): the tests create and drop a database per
# class, and on ext4 each new file of a new database searched the inode bitmap past the recently deleted ones (about
# 14 CPU-s a suite run). A container's small /dev/shm (64 MB by default) is not used.
set -euo pipefail
cmd=${1:-start}
port=${2:-${AID_PG_PORT:-55432}}
# A folder of an earlier start is found again, whatever /dev/shm holds now (start and stop must agree).
if [ -n "${AID_PG_DIR:-}" ]; then dir=$AID_PG_DIR
elif [ "${AID_PG_FSYNC:-off}" = on ]; then dir=/tmp/aid-pg-$port
elif [ -d "/dev/shm/aid-pg-$port" ]; then dir=/dev/shm/aid-pg-$port
elif [ -d "/tmp/aid-pg-$port" ]; then dir=/tmp/aid-pg-$port
elif [ -d /dev/shm ] && [ -w /dev/shm ] \
     && [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}')" -ge 2097152 ] 2>/dev/null; then dir=/dev/shm/aid-pg-$port
else dir=/tmp/aid-pg-$port
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then bash -c "$1"
  elif [ "$(id -u)" = 0 ]; then (cd / && su postgres -s /bin/bash -c "$1")  # from /: the postgres user may not enter the checkout
  else sudo -u postgres bash -c "$1"; fi
}

case "$cmd" in
  start)
    if [ -f "$dir/postmaster.pid" ] && as_postgres "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
      echo "PostgreSQL already running on 127.0.0.1:$port ($dir)"; exit 0
    fi
    if [ "$(id -u)" = 0 ]; then rm -rf "$dir"; mkdir -p "$dir"; chown postgres:postgres "$dir"
    else as_postgres "rm -rf $dir && mkdir -p $dir"; fi
    durability="-c fsync=off -c full_page_writes=off"
    [ "${AID_PG_FSYNC:-off}" = on ] && durability="-c fsync=on"
    as_postgres "$bin/initdb -D $dir -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >$dir.initdb.log 2>&1" \
      || { cat "$dir.initdb.log" >&2; exit 1; }
    as_postgres "$bin/pg_ctl -D $dir -l $dir/log -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $durability\" -w start" >/dev/null
    echo "PostgreSQL running on 127.0.0.1:$port ($dir)"
    ;;
  stop)
    [ -d "$dir" ] && as_postgres "$bin/pg_ctl -D $dir -m fast -w stop" >/dev/null 2>&1 || true
    if [ "$(id -u)" = 0 ]; then rm -rf "$dir" "$dir.initdb.log"
    else as_postgres "rm -rf $dir $dir.initdb.log"; fi  # the postgres user's files, in a sticky folder
    ;;
  *) echo "usage: $0 start|stop [port]" >&2; exit 2 ;;
esac
