#!/usr/bin/env bash
# The service's OpenAPI document, checked twice: linted by Redocly (redocly.yaml) and turned into a C# client by Kiota
# (tests/Aid.ClientTests/Generated/, which tests/Aid.ClientTests compiles and drives the service with).
#
# Builds nothing: run `dotnet build Aid.sln -c Release` first, and have the pinned tools installed (`dotnet tool restore`,
# `npm ci`); scripts/test.sh does all of that. Starts the built service on a free loopback port with a throwaway SQLite
# database, saves /openapi/v1.json as artifacts/openapi.json, stops the service, lints (summary here, every problem in
# artifacts/openapi-lint.txt), then generates the client even when the lint failed, so the client tests still report.
# Exits non-zero when the lint has errors (warnings are printed and allowed) or when any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

dll=src/Aid.Api/bin/Release/net10.0/Aid.Api.dll
document=artifacts/openapi.json
lint_report=artifacts/openapi-lint.txt
generated=tests/Aid.ClientTests/Generated

fail() { echo "openapi.sh: $*" >&2; exit 1; }
[ -f "$dll" ] || fail "$dll is missing: run \`dotnet build Aid.sln -c Release\` first."
[ -x node_modules/.bin/redocly ] || fail "Redocly CLI is not installed: run \`npm ci\` (package-lock.json pins it)."
command -v node >/dev/null || fail "node is missing (Node 20+ runs the pinned Redocly CLI)."

# Nothing stale survives a failed run: no old document, no client generated from one.
rm -rf "$generated" "$document" "$lint_report"
mkdir -p artifacts

# HTTP through node (always here for Redocly; curl need not be): prints the status, 0 when nothing answered.
http_get() {
  node -e '
    const [url, file] = process.argv.slice(1);
    fetch(url, { signal: AbortSignal.timeout(5000) })
      .then(async r => { if (file) require("fs").writeFileSync(file, Buffer.from(await r.arrayBuffer())); console.log(r.status); })
      .catch(() => console.log(0));' "$1" "${2:-}"
}

tmp=$(mktemp -d)
pid=
stop_service() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=
}
trap 'stop_service; rm -rf "$tmp"' EXIT

# Port 0: Kestrel takes a free port from the system and logs it ("Now listening on: http://127.0.0.1:NNNNN").
echo "openapi.sh: starting the built service for its OpenAPI document"
env ASPNETCORE_ENVIRONMENT=Production \
    Aid__Database__Provider=sqlite \
    ConnectionStrings__Aid="Data Source=$tmp/aid.db" \
    Aid__Crypto__KeyFile="$tmp/aid.key" \
    AID_BOOTSTRAP_ADMIN_KEY="aid_openapi-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
    dotnet "$dll" --urls http://127.0.0.1:0 >"$tmp/service.log" 2>&1 &
pid=$!

base=
for _ in $(seq 1 120); do   # at most ~60 s
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/service.log" >&2; fail "the service exited before it answered /health."; }
  [ -n "$base" ] || base=$(grep -o 'Now listening on: http://127\.0\.0\.1:[0-9]*' "$tmp/service.log" 2>/dev/null | head -1 | sed 's/^Now listening on: //') || true
  if [ -n "$base" ] && [ "$(http_get "$base/health")" != 0 ]; then break; fi
  sleep 0.5
done
if [ -z "$base" ] || [ "$(http_get "$base/health")" = 0 ]; then
  cat "$tmp/service.log" >&2
  fail "the service did not answer /health within 60 s."
fi

status=$(http_get "$base/openapi/v1.json" "$document")
stop_service
[ "$status" = 200 ] && [ -s "$document" ] || fail "GET /openapi/v1.json answered $status."
echo "openapi.sh: saved $document ($(wc -c <"$document") bytes)"

# Lint: every problem to the report file, the per-rule summary here.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
lint=0
npx --no-install redocly lint "$document" --config redocly.yaml --format stylish --max-problems 10000 >"$lint_report" 2>&1 || lint=$?
echo "openapi.sh: Redocly lint of $document (redocly.yaml; every problem in $lint_report):"
npx --no-install redocly lint "$document" --config redocly.yaml --format summary --max-problems 10000 2>&1 \
  | grep -v -e '^ *║' -e '^ *╔' -e '^ *╚' -e '^$' || true   # without Node 20's end-of-life banner

# Generate the client whatever the lint said: the client tests show what a consumer of this document gets.
echo "openapi.sh: generating the C# client into $generated"
KIOTA_OFFLINE_ENABLED=true KIOTA_CLI_TELEMETRY_OPTOUT=true KIOTA_TUTORIAL_ENABLED=false \
  dotnet kiota generate -l CSharp -c AidClient -n Aid.Client -d "$document" -o "$generated" --clean-output --log-level Warning \
  || fail "Kiota could not generate a client from $document."
[ -f "$generated/AidClient.cs" ] || fail "Kiota wrote no $generated/AidClient.cs."

if [ "$lint" -ne 0 ]; then
  echo "openapi.sh: FAILED: Redocly lint found errors in the OpenAPI document (see above and $lint_report)." >&2
  exit 1
fi
echo "openapi.sh: lint passed (warnings, if any, above); client generated."
