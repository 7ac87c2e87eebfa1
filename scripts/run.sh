#!/usr/bin/env bash
# Runs Aid on the embedded SQLite default (data/aid.db under the repository), listening on http://127.0.0.1:5080.
# Installs the CJK fonts receipts need when they are missing (Debian/Ubuntu). Extra arguments go to the service:
#   ./scripts/run.sh seed-demo    load the Zhenping demo into an empty database and exit
#   ./scripts/run.sh migrate      apply migrations and exit
#   ./scripts/run.sh admin-link   print a new one-time link for the first admin (while no admin has a password) and exit
#   ./scripts/run.sh --urls http://0.0.0.0:5080
# The built service runs from the repository root, so relative paths (data/aid.db, data/aid.key) land there.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)
[ -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf ] || need+=(fonts-hanazono)   # CJK Extension B names (𠮷)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} (CJK fonts for PDF receipts)"
  sudo_ apt-get update -qq && sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
    || echo "Could not install fonts; the service runs, PDF endpoints answer 503 until a CJK font is configured." >&2
fi
echo "Restoring NuGet packages (first run: about a minute)…"
dotnet restore src/Aid.Api --nologo -v quiet
echo "Building…"
dotnet build src/Aid.Api -c Release --nologo -v quiet --no-restore
url=${ASPNETCORE_URLS:-http://127.0.0.1:5080}
args=("$@")
for i in "${!args[@]}"; do [ "${args[$i]}" = --urls ] && [ $((i + 1)) -lt ${#args[@]} ] && url=${args[$((i + 1))]}; done
case "${1:-}" in
  seed-demo) echo "Loading the Zhenping demo (a minute or two)…" ;;
  migrate) echo "Applying migrations…" ;;
  admin-link) echo "Making a one-time link for the first admin…" ;;
  *) echo "Starting Aid on $url … (Ctrl+C stops it)" ;;
esac
exec dotnet src/Aid.Api/bin/Release/net10.0/Aid.Api.dll "$@"
