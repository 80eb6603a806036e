#!/usr/bin/env bash
# Install the system tools the test suite drives, when missing and we can (root + apt):
# Debian's chromium (Playwright drives it), a Korean font (the Korean screenshots and PDFs),
# Pango (WeasyPrint's invoice PDFs), docker-compose (validates docker/compose.yml), PgBouncer and
# iproute2's `ip` (tests/cluster.py: web and worker hosts in network namespaces behind PgBouncer).
# `ensure_system_tools.sh runtime`: only what the running platform needs (make run): Pango
# and the Korean font for invoice PDFs. `ensure_system_tools.sh perf`: only wrk, the HTTP load
# generator tests/perf/_http.py drives.
set -euo pipefail
missing=()
if [ "${1:-}" = perf ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
elif [ "${1:-}" != runtime ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  [ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || missing+=(pgbouncer)
  [ -x /usr/sbin/ip ] || command -v ip >/dev/null 2>&1 || missing+=(iproute2)
fi
if [ "${1:-}" != perf ]; then
  [ -n "$(fc-list :lang=ko 2>/dev/null)" ] || missing+=(fonts-nanum)
  ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)  # WeasyPrint (invoice PDFs)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[tools] installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[tools] missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}); the browser, compose and perf tests need them" >&2
fi
