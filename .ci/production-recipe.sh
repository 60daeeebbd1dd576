#!/usr/bin/env bash
# Proves the dependency rule (README, "Running in production"): in a scratch copy of the
# repository, `npm ci --omit=dev && npm start` must install, build the web app and serve
# /healthz — a runtime package left in devDependencies fails here. Embedded mode, bounded time.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -- "-$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# The tracked files only: no node_modules, no web/dist, no data.
(cd "$repo" && git ls-files -z | xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$tmp"
cd "$tmp"
timeout 600 npm ci --omit=dev --no-audit --no-fund

port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
env -u DATABASE_URL -u REDIS_URL -u S3_ENDPOINT -u SMTP_URL \
  NODE_ENV=production JWT_SECRET="$(node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))")" \
  PORT="$port" DATA_DIR="$tmp/data" \
  setsid npm start >"$tmp/start.log" 2>&1 &
pid=$!

# The first start builds the web app (Vite) before it listens: allow a few minutes.
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    curl -fsS "http://127.0.0.1:$port/" | grep -q '<div id="root"' || { echo "the web app is not served"; tail -n 40 "$tmp/start.log"; exit 1; }
    echo "npm ci --omit=dev && npm start: /healthz answers and the web app is served"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
echo "npm ci --omit=dev && npm start did not come up:"
tail -n 60 "$tmp/start.log"
exit 1
