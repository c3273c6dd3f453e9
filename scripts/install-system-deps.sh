#!/usr/bin/env bash
# Debian packages beancount-ar needs, for a fresh Debian or Ubuntu:
#   bash scripts/install-system-deps.sh          the Pango/HarfBuzz libraries and fonts WeasyPrint
#                                                renders PDFs with, and python3-venv if `python3`
#                                                cannot make a virtual environment;
#   bash scripts/install-system-deps.sh --test   also Chromium for the browser tests and
#                                                poppler-utils to look at PDF pages.
# Run as root (CI) or through sudo; does nothing when everything is already installed.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium poppler-utils)
fi
# Debian's own Python needs python3-venv for `python3 -m venv`; other Pythons bring it.
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
  packages+=(python3-venv)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
