#!/usr/bin/env bash
# Install the system tools the test suite drives, when missing and we can (root + apt):
# Debian's chromium (Playwright drives it), a Korean font (the Korean screenshots) and
# docker-compose (validates docker/compose.yml).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ -n "$(fc-list :lang=ko 2>/dev/null)" ] || missing+=(fonts-nanum)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[tools] installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[tools] missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}); the browser and compose tests need them" >&2
fi
