#!/usr/bin/env bash
# Runs the whole test suite on SQLite and on a throwaway PostgreSQL: installs what is missing
# (Debian/Ubuntu packages), starts the cluster, runs `dotnet test`, prints "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

port=${AID_PG_PORT:-55432}
scripts/postgres.sh start "$port"
trap 'scripts/postgres.sh stop "$port"' EXIT
export AID_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Pooling=true;Maximum Pool Size=50"

results=$(mktemp -d)
status=0
dotnet test Aid.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?

# dotnet test's own summary is not a line CI reads: count the trx results ourselves.
attr() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{s+=$1} END {print s+0}'; }
passed=$(attr passed); failed=$(( $(attr failed) + $(attr error) + $(attr timeout) )); skipped=$(attr notExecuted)
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1   # a build or runner failure counts as a failure
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
