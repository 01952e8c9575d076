#!/usr/bin/env bash
# Fresh machine -> running product: installs what is missing, then `npm start`
# (migrates and seeds the database, embedded S3, web + workers, prints the demo logins).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Bitte installieren: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi

# Same install as .ci/run: `npm ci` refuses the lock file when the registry mirror lacks other
# platforms' optional binaries; `npm install --no-save` then installs the same locked versions.
if ! npm ci --no-audit --no-fund; then
  echo "npm ci refused the lock file; installing the same locked versions with npm install --no-save"
  rm -rf node_modules
  npm install --no-audit --no-fund --no-save
fi
exec npm start
