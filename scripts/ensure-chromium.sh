#!/usr/bin/env bash
# Make sure the test machine has what the browser and PDF tests need, from Debian's packages:
# Chromium (Playwright's own browser download cannot work here), poppler-utils (PDF checks), fonts,
# EPUBCheck, and a Java runtime for EPUBCheck and the W3C Nu HTML checker (npm's vnu-jar is a .jar).
# Installs them when run as root; otherwise says how.
set -euo pipefail
need=()
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; }
elif ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  need+=(chromium)
fi
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || need+=(fonts-dejavu-core)
[ -e /usr/share/java/epubcheck.jar ] || need+=(epubcheck)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing from Debian: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# OpenJDK's post-install script fails on slim images that have no man page folders.
mkdir -p /usr/share/man/man1
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
