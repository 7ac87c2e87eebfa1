#!/usr/bin/env bash
# Runs Aid on the embedded SQLite default (data/aid.db), listening on http://127.0.0.1:5080.
# Installs the CJK fonts receipts need when they are missing (Debian/Ubuntu). Extra arguments go to the service.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} (CJK fonts for PDF receipts)"
  sudo_ apt-get update -qq && sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
    || echo "Could not install fonts; the service runs, PDF endpoints answer 503 until a CJK font is configured." >&2
fi
exec dotnet run --project src/Aid.Api -c Release -- "$@"
