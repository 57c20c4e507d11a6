#!/usr/bin/env bash
# A working appliance on this machine, in one command (after `npm ci`):
#   a local Kafka broker (jars from Maven Central), `logagg serve` (ingest + detection + API on
#   127.0.0.1:8080) and a sample producer sending realistic logs of every format.
# Everything lives under .demo/ (database, broker, secret, logs). Ctrl-C stops it all.
# Environment: DEMO_RATE (messages/s, default 50), DEMO_PORT (API port, default 8080).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DEMO=$ROOT/.demo
RATE=${DEMO_RATE:-50}
PORT=${DEMO_PORT:-8080}
mkdir -p "$DEMO"

[[ -d node_modules ]] || { echo "demo: run 'npm ci' first" >&2; exit 2; }
echo "demo: building…"
npm run -s build
scripts/kafka.sh fetch >/dev/null
echo "demo: starting Kafka…"
out=$(scripts/kafka.sh start --dir "$DEMO/kafka")
BROKERS=$(sed -n 's/^KAFKA_BROKERS=//p' <<<"$out")

# A random HS256 secret for the API, readable only by this user.
if [[ ! -s "$DEMO/jwt.secret" ]]; then
  (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(48).toString("base64"))' >"$DEMO/jwt.secret")
fi

cat >"$DEMO/env" <<ENV
# source .demo/env   — then bin/logagg query / tail / status use the demo's broker, database and API
export LOGAGG_KAFKA_BROKERS=$BROKERS
export LOGAGG_STORAGE_PATH=$DEMO/logagg.db
export LOGAGG_API_AUTH_SECRET_FILE=$DEMO/jwt.secret
export LOGAGG_API_PORT=$PORT
ENV
# shellcheck source=/dev/null
source "$DEMO/env"

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "demo: stopping…"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/kafka.sh stop --dir "$DEMO/kafka" >/dev/null 2>&1 || true
}
trap cleanup INT TERM EXIT

node lib/tools/sample-producer.js --brokers "$BROKERS" --rate "$RATE" >"$DEMO/producer.log" 2>&1 &
pids+=($!)
bin/logagg serve >"$DEMO/serve.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
TOKEN=$(bin/logagg token --role admin --ttl 8h --sub demo)
echo "export LOGAGG_TOKEN=$TOKEN" >>"$DEMO/env"
echo "export LOGAGG_URL=http://127.0.0.1:$PORT" >>"$DEMO/env"
# The web console's sign-in: a local account `demo` (admin) with a fresh password when this
# logagg has accounts (`logagg user`), else the token above, pasted under "Or paste a token".
SIGNIN="paste this admin token under \"Or paste a token\" (also in .demo/env as LOGAGG_TOKEN):
                $TOKEN"
if bin/logagg --help 2>/dev/null | grep -qE "^  user( |$)"; then
  PASSWORD=$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("base64url"))')
  if printf '%s\n' "$PASSWORD" | bin/logagg user add demo --role admin --password-stdin >/dev/null 2>&1 \
    || printf '%s\n' "$PASSWORD" | bin/logagg user passwd demo --password-stdin >/dev/null 2>&1; then
    SIGNIN="user name demo, password $PASSWORD   (or paste \$LOGAGG_TOKEN under \"Or paste a token\")"
  fi
fi

cat <<MSG

logagg demo is running:
  Kafka         $BROKERS   (topics system-metrics, threat-logs; $RATE msg/s from the sample producer)
  Web console   http://127.0.0.1:$PORT/
                sign in: $SIGNIN
  API           http://127.0.0.1:$PORT   (log: .demo/serve.log)
  database      .demo/logagg.db

In another terminal:
  source .demo/env
  bin/logagg tail                                   # live TUI (q quits)
  bin/logagg query --from 15m --level warning       # find logs
  bin/logagg query --alerts                         # alerts raised by the rules
  curl -s -H "Authorization: Bearer \$LOGAGG_TOKEN" "\$LOGAGG_URL/api/v1/logs?limit=5" | head -c 1500

Ctrl-C stops the producer, logagg and Kafka.
MSG
wait "${pids[1]}"
