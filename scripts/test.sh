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
[ -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf ] || need+=(fonts-hanazono)   # CJK Extension B names (𠮷)
command -v qpdf >/dev/null || need+=(qpdf)   # the tests run `qpdf --check` on every PDF they read (tests/Aid.Tests/Support/Pdf.cs)
command -v pdftoppm >/dev/null || need+=(poppler-utils)   # ReceiptPdfTests renders a receipt page to PNG
command -v zbarimg >/dev/null || need+=(zbar-tools)   # and decodes its QR code to the verify link
[ -x /usr/bin/chromium-headless-shell ] || need+=(chromium-headless-shell)   # browser tests (tests/Aid.Tests/Browser) drive it with Playwright; nothing downloads one
command -v fc-list >/dev/null || need+=(fontconfig)   # for the CJK font check below
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Without a CJK font Chromium draws Chinese as boxes: DOM assertions still pass, screenshots show nothing readable.
if ! fc-list :lang=zh | grep -q .; then
  echo "FAILED: no font for Chinese (fc-list :lang=zh is empty) although fonts-wqy-microhei was installed; run fc-cache -f and retry." >&2
  exit 1
fi

# --- OpenAPI: pinned tools, the built service's document linted (Redocly) and turned into the client (Kiota) that
# tests/Aid.ClientTests compiles; before `dotnet test`, which then builds that project with the generated client.
if ! command -v npm >/dev/null; then
  echo "Installing nodejs npm"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
dotnet tool restore                                               # Kiota (.config/dotnet-tools.json)
if [ ! -x node_modules/.bin/redocly ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund                                     # Redocly CLI (package.json, package-lock.json)
fi
openapi_failure=
if ! dotnet build Aid.sln -c Release; then openapi_failure="the Release build failed, so the document was not checked"
elif ! scripts/openapi.sh; then openapi_failure="Redocly lint errors in the document, or the service or Kiota failed (see scripts/openapi.sh above)"; fi

port=${AID_PG_PORT:-55432}
smtp_port=${AID_SMTP_PORT:-52525}; smtp_api_port=${AID_SMTP_API_PORT:-52580}
trap 'scripts/postgres.sh stop "$port"; scripts/smtp4dev.sh stop "$smtp_port" "$smtp_api_port"' EXIT
scripts/postgres.sh start "$port"
export AID_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Pooling=true;Maximum Pool Size=50"
# A real SMTP server (smtp4dev, the pinned local tool) for the e-mail tests; its REST API shows what arrived.
scripts/smtp4dev.sh start "$smtp_port" "$smtp_api_port"
export AID_TEST_SMTP="Host=127.0.0.1;SmtpPort=$smtp_port;ApiPort=$smtp_api_port"

# Condenses `dotnet test --logger "console;verbosity=normal"`: every 10 s one line with the counts so far and the test
# classes that reported since the last line; each failure as it happens (its first 30 lines); build errors and the
# runner's own lines; no line per passing or skipped test (the SQL Server rows are skipped by the hundred).
progress() {
  local start=$SECONDS next=$((SECONDS + 10)) passed=0 failed=0 skipped=0 line partial="" name classes shown=0 failing=0 took
  local -A recent=()
  while true; do
    if IFS= read -r -t 1 line; then
      line=$partial$line; partial=""
      case "$line" in
        "  Passed "*|"  Skipped "*|"  Failed "*)
          name=${line#  * }; name=${name%%(*}; name=${name%% \[*}; name=${name%.*}; recent[${name##*.}]=1; failing=0
          case "$line" in
            "  Passed "*) passed=$((passed + 1)) ;;
            "  Skipped "*) skipped=$((skipped + 1)) ;;
            *) failed=$((failed + 1)); failing=1; shown=0; echo "$line" ;;
          esac ;;
        *"[FATAL ERROR]"*|*"Test Class Cleanup Failure"*|*"Test Collection Cleanup Failure"*) echo "$line"; failing=1; shown=0 ;;
        "[xUnit.net"*) ;;
        " "*|"") if [ "$failing" = 1 ] && [ "$shown" -lt 30 ]; then echo "$line"; shown=$((shown + 1)); fi ;;
        *) echo "$line" ;;
      esac
    elif [ $? -gt 128 ]; then
      partial+=$line   # timed out mid-line: keep what came
    else
      break
    fi
    if [ "$SECONDS" -ge "$next" ]; then
      classes=$(printf '%s\n' "${!recent[@]}" | sort | head -n 4 | paste -sd, - | sed 's/,/, /g')
      [ "${#recent[@]}" -gt 4 ] && classes+=", …"
      took=$((SECONDS - start))
      printf '  %d:%02d  %d passed, %d failed, %d skipped%s\n' $((took / 60)) $((took % 60)) "$passed" "$failed" "$skipped" "${classes:+  ($classes)}"
      recent=(); next=$((SECONDS + 10))
    fi
  done
}

results=$(mktemp -d)
status=0
# LogFilePrefix: one trx file per test project (a fixed LogFileName made the second project overwrite the first's).
echo "Running the tests: a progress line every 10 s, failures in full as they happen (a full run takes several minutes)"
dotnet test Aid.sln -c Release --logger "trx;LogFilePrefix=results" --logger "console;verbosity=normal" --results-directory "$results" "$@" 2>&1 \
  | progress || status=$?
if [ -n "$openapi_failure" ]; then
  echo "FAILED: OpenAPI document check: $openapi_failure." >&2
  [ "$status" -ne 0 ] || status=1
fi

# dotnet test's own summary is not a line CI reads: count the trx results ourselves.
attr() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{s+=$1} END {print s+0}'; }
passed=$(attr passed); failed=$(( $(attr failed) + $(attr error) + $(attr timeout) )); skipped=$(( $(attr total) - $(attr executed) ))  # xunit skips count as not executed, not as notExecuted
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1   # a build or runner failure counts as a failure
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
