#!/usr/bin/env bash
# A throwaway SMTP server for the tests: smtp4dev (the pinned local tool in .config/dotnet-tools.json), plain SMTP on
# 127.0.0.1, its web UI and REST API (/api/messages) on another port, messages in memory, nothing written outside /tmp.
# Recipients at the domain reject.invalid are refused with 550 (a permanent failure the tests can provoke).
# Usage: scripts/smtp4dev.sh start|stop [smtp-port] [api-port]
set -euo pipefail
cmd=${1:-start}
smtp=${2:-${AID_SMTP_PORT:-52525}}
api=${3:-${AID_SMTP_API_PORT:-52580}}
dir=${AID_SMTP_DIR:-/tmp/aid-smtp4dev-$smtp}
cd "$(dirname "$0")/.."

running() { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }

case "$cmd" in
  start)
    if running; then echo "smtp4dev already running: SMTP 127.0.0.1:$smtp, API http://127.0.0.1:$api ($dir)"; exit 0; fi
    rm -rf "$dir"; mkdir -p "$dir"
    dotnet tool restore >/dev/null
    # setsid: its own process group, so stop ends smtp4dev and only it.
    # DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0: idle thread-pool threads sleep at once, as in the test process (the suite
    # keeps both cores busy, and spinning only takes CPU from the rest).
    DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 \
    ServerOptions__RecipientValidationExpression='!recipient.endsWith("@reject.invalid")' \
      setsid dotnet tool run smtp4dev -- --nousersettings --baseappdatapath="$dir" --db= --hostname=localhost \
        --bindaddress=127.0.0.1 --smtpport="$smtp" --imapport= --pop3port= --tlsmode=None \
        --urls="http://127.0.0.1:$api" --messagestokeep=100000 --sessionstokeep=100 \
        >"$dir/log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    for _ in $(seq 1 240); do
      if curl -sf -o /dev/null "http://127.0.0.1:$api/api/messages?pageSize=1" && grep -q "SMTP Server is listening" "$dir/log"; then
        echo "smtp4dev running: SMTP 127.0.0.1:$smtp, API http://127.0.0.1:$api ($dir)"; exit 0
      fi
      running || { echo "smtp4dev exited while starting:" >&2; tail -n 20 "$dir/log" >&2; exit 1; }
      sleep 0.25
    done
    echo "smtp4dev did not start within 60 s:" >&2; tail -n 20 "$dir/log" >&2; exit 1
    ;;
  stop)
    if running; then
      pid=$(cat "$dir/pid")
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 -- "-$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop [smtp-port] [api-port]" >&2; exit 2 ;;
esac
