#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, broker+controller in one JVM) for logagg's tests,
# demos and benchmarks, run from the Kafka jars on Maven Central with the machine's Java 17.
#
#   scripts/kafka.sh fetch                     jars -> .kafka/libs (Maven; no-op when present)
#   scripts/kafka.sh start [--port P] [--controller-port C] [--dir D] [--timeout S]
#                                              background; prints KAFKA_BROKERS=127.0.0.1:P
#   scripts/kafka.sh stop  [--dir D] [--timeout S]   SIGTERM, SIGKILL after S seconds (30)
#   scripts/kafka.sh run   [--port P] [--controller-port C] [--dir D] [--watch-pid PID]
#                                              foreground (exec java), for demos and for
#                                              test/helpers/kafka-broker.ts
#   scripts/kafka.sh status [--dir D]
#
# D defaults to .kafka/run. Without --port, a broker restarted in the same D keeps its ports
# when they are still free; otherwise two free ports are picked. Settings live in
# scripts/kafka/server.properties.in and scripts/kafka/log4j2.xml; D holds server.properties,
# data/, kafka.log (WARN and above), stdout.log, format.log, kafka.pid and ports.
# Environment: KAFKA_HEAP_OPTS (default -Xmx512m -Xms128m), KAFKA_LOG_LEVEL (kafka.log, default
# WARN), KAFKA_CONSOLE_LEVEL (run only, default WARN), KAFKA_CDS=0 (ignore the class data
# archive that fetch builds), JAVA_HOME.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/kafka
LIBS=$ROOT/.kafka/libs
CDS_ARCHIVE=$LIBS/kafka.jsa
DEFAULT_DIR=$ROOT/.kafka/run
CLUSTER_ID=bG9nYWdnLXRlc3QtYnJva2Vy # any 16 bytes, base64url: fixed, so a log dir can be reused

die() { echo "kafka.sh: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null; then command -v java
  else die "java not found (install a JDK 17+ or set JAVA_HOME)"; fi
}

# --- fetch -----------------------------------------------------------------------------------

fetch() {
  local stamp
  stamp=$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)
  if [[ -f "$LIBS/.fetched" && "$(cat "$LIBS/.fetched")" == "$stamp" ]]; then
    echo "kafka.sh: jars already in $LIBS"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (install Maven 3.6+)"
  local t0 tmp
  t0=$(now_ms)
  tmp="$LIBS.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$LIBS")"
  local log=$ROOT/.kafka/fetch.log
  if ! mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -rf "$tmp"
    die "mvn failed to fetch the Kafka jars (log: $log)"
  fi
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  echo "kafka.sh: fetched $(find "$LIBS" -name '*.jar' | wc -l) jars into $LIBS in $(( $(now_ms) - t0 )) ms"
  t0=$(now_ms)
  if build_class_archive; then
    echo "kafka.sh: class data archive $CDS_ARCHIVE built in $(( $(now_ms) - t0 )) ms"
  else
    rm -f "$CDS_ARCHIVE" "$CDS_ARCHIVE.tmp"
    echo "kafka.sh: warning: no class data archive (brokers start without it, a few seconds slower)" >&2
  fi
  echo "$stamp" >"$LIBS/.fetched"
}

# A JVM class data archive (AppCDS) of the classes a broker loads up to readiness: it halves the
# broker's start on 2 busy cores (measured ~2 s instead of ~4-5 s). Made by starting one broker
# with -XX:ArchiveClassesAtExit and stopping it; a JVM whose JDK or class path does not match the
# archive ignores it.
build_class_archive() {
  local saved_dir=$DIR
  DIR=$(mktemp -d)
  PORT="" CONTROLLER_PORT=""
  rm -f "$CDS_ARCHIVE"
  if ! { prepare && java_opts && format_once; }; then
    rm -rf "$DIR"
    DIR=$saved_dir
    return 1
  fi
  "$(java_bin)" "${JAVA_OPTS[@]}" -Dkafka.console.level=OFF "-XX:ArchiveClassesAtExit=$CDS_ARCHIVE.tmp" \
    kafka.Kafka "$DIR/server.properties" </dev/null >"$DIR/stdout.log" 2>&1 &
  local pid=$! ok=0
  node "$HERE/probe.mjs" "127.0.0.1:$PORT" --wait 120000 --pid "$pid" >/dev/null || ok=1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  if [[ $ok -eq 0 && -s "$CDS_ARCHIVE.tmp" ]]; then mv "$CDS_ARCHIVE.tmp" "$CDS_ARCHIVE"; else ok=1; fi
  rm -rf "$DIR"
  DIR=$saved_dir
  return $ok
}

require_libs() {
  compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null || die "no Kafka jars in $LIBS: run scripts/kafka.sh fetch"
}

# --- ports and configuration -----------------------------------------------------------------

# Prints N ports the kernel hands out as free, all different (held open together, then closed).
free_ports() {
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]);
    const servers = [];
    const next = () => {
      if (servers.length === n) {
        console.log(servers.map((s) => s.address().port).join(" "));
        servers.forEach((s) => s.close());
        return;
      }
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => { servers.push(s); next(); });
    };
    next();' "$1"
}

port_free() {
  node -e '
    const s = require("node:net").createServer();
    s.once("error", () => process.exit(1));
    s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close(() => process.exit(0)));' "$1"
}

# Sets PORT and CONTROLLER_PORT from the options, else from DIR/ports when still free, else
# fresh; then writes DIR/server.properties and DIR/ports.
prepare() {
  mkdir -p "$DIR"
  if [[ -z "$PORT" && -f "$DIR/ports" ]]; then
    local saved_port saved_cport
    read -r saved_port saved_cport <"$DIR/ports"
    if port_free "$saved_port" && { [[ -n "$CONTROLLER_PORT" ]] || port_free "$saved_cport"; }; then
      PORT=$saved_port
      CONTROLLER_PORT=${CONTROLLER_PORT:-$saved_cport}
    fi
  fi
  if [[ -z "$PORT" || -z "$CONTROLLER_PORT" ]]; then
    local picked
    read -r -a picked <<<"$(free_ports 2)"
    PORT=${PORT:-${picked[0]}}
    CONTROLLER_PORT=${CONTROLLER_PORT:-${picked[1]}}
    [[ "$PORT" != "$CONTROLLER_PORT" ]] || CONTROLLER_PORT=${picked[0]}
  fi
  [[ "$PORT" != "$CONTROLLER_PORT" ]] || die "--port and --controller-port must differ"
  echo "$PORT $CONTROLLER_PORT" >"$DIR/ports"
  sed -e "s|@PORT@|$PORT|g" -e "s|@CONTROLLER_PORT@|$CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$DIR/data|g" \
    "$HERE/server.properties.in" >"$DIR/server.properties"
}

java_opts() {
  local cds=()
  [[ -f "$CDS_ARCHIVE" && "${KAFKA_CDS:-1}" != 0 ]] && cds=("-XX:SharedArchiveFile=$CDS_ARCHIVE")
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of options, split on purpose
  JAVA_OPTS=(${KAFKA_HEAP_OPTS:--Xmx512m -Xms128m} "${cds[@]}"
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$HERE/log4j2.xml" "-Dkafka.logs.dir=$DIR" "-Dkafka.log.level=${KAFKA_LOG_LEVEL:-WARN}"
    -cp "$LIBS/*")
}

# KRaft needs its log dir formatted once (meta.properties + bootstrap.checkpoint).
format_once() {
  [[ -f "$DIR/data/meta.properties" ]] && return 0
  "$(java_bin)" "${JAVA_OPTS[@]}" -XX:TieredStopAtLevel=1 kafka.tools.StorageTool format \
    --config "$DIR/server.properties" --cluster-id "$CLUSTER_ID" --ignore-formatted >"$DIR/format.log" 2>&1 \
    || { tail -n 20 "$DIR/format.log" >&2; die "formatting $DIR/data failed"; }
}

running_pid() {
  [[ -f "$DIR/kafka.pid" ]] || return 1
  local pid
  pid=$(cat "$DIR/kafka.pid")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # The pid must still be our JVM for this dir, not a recycled number.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-Dkafka.logs.dir=$DIR " || return 1
  echo "$pid"
}

# A line in both logs at each start, so a tail shows where this run begins.
mark_logs() {
  local line
  line="=== $(date -u +%FT%TZ) kafka.sh: starting on 127.0.0.1:$PORT (controller $CONTROLLER_PORT) ==="
  echo "$line" >>"$DIR/kafka.log"
  echo "$line" >>"$DIR/stdout.log"
}

log_tail() {
  echo "--- $DIR/kafka.log (tail) ---" >&2
  tail -n 30 "$DIR/kafka.log" >&2 2>/dev/null || true
  echo "--- $DIR/stdout.log (tail) ---" >&2
  tail -n 30 "$DIR/stdout.log" >&2 2>/dev/null || true
}

# --- commands --------------------------------------------------------------------------------

run() {
  require_libs
  ! running_pid >/dev/null || die "a broker is already running for $DIR (pid $(running_pid))"
  prepare
  java_opts
  mark_logs
  format_once
  echo "$$" >"$DIR/kafka.pid" # exec keeps the pid: it becomes the JVM's
  echo "KAFKA_BROKERS=127.0.0.1:$PORT"
  if [[ -n "$WATCH_PID" ]]; then
    # Stops the broker when the process that started it dies without stopping it (a test run
    # killed with SIGKILL), so no JVM is left behind on a shared machine.
    (
      exec </dev/null >/dev/null 2>&1
      while kill -0 "$WATCH_PID" 2>/dev/null && kill -0 $$ 2>/dev/null; do sleep 1; done
      kill -0 $$ 2>/dev/null || exit 0
      echo "kafka.sh: process $WATCH_PID is gone: stopping the broker (pid $$)" >>"$DIR/stdout.log"
      kill -TERM $$ 2>/dev/null || exit 0
      for _ in $(seq 1 30); do kill -0 $$ 2>/dev/null || exit 0; sleep 1; done
      kill -KILL $$ 2>/dev/null || true
    ) &
  fi
  exec "$(java_bin)" "${JAVA_OPTS[@]}" "-Dkafka.console.level=${KAFKA_CONSOLE_LEVEL:-WARN}" \
    kafka.Kafka "$DIR/server.properties"
}

start() {
  require_libs
  if pid=$(running_pid); then
    read -r PORT _ <"$DIR/ports"
    echo "kafka.sh: already running (pid $pid)" >&2
    echo "KAFKA_BROKERS=127.0.0.1:$PORT"
    echo "KAFKA_PID_FILE=$DIR/kafka.pid"
    return 0
  fi
  prepare
  java_opts
  local t0
  t0=$(now_ms)
  mark_logs
  format_once
  nohup "$(java_bin)" "${JAVA_OPTS[@]}" -Dkafka.console.level=OFF kafka.Kafka "$DIR/server.properties" \
    </dev/null >>"$DIR/stdout.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$DIR/kafka.pid"
  if ! node "$HERE/probe.mjs" "127.0.0.1:$PORT" --wait "$((TIMEOUT * 1000))" --pid "$pid" >/dev/null; then
    log_tail
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$DIR/kafka.pid"
    die "broker did not become ready on 127.0.0.1:$PORT"
  fi
  echo "kafka.sh: broker ready in $(( $(now_ms) - t0 )) ms (pid $pid, log $DIR/kafka.log)" >&2
  echo "KAFKA_BROKERS=127.0.0.1:$PORT"
  echo "KAFKA_PID_FILE=$DIR/kafka.pid"
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$DIR/kafka.pid"
    echo "kafka.sh: no broker running for $DIR"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$(( $(now_ms) + TIMEOUT * 1000 ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(now_ms) > deadline )); then
      echo "kafka.sh: broker (pid $pid) still up after ${TIMEOUT}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  rm -f "$DIR/kafka.pid"
  echo "kafka.sh: stopped (pid $pid)"
}

status() {
  local pid
  if pid=$(running_pid); then
    read -r PORT _ <"$DIR/ports"
    echo "running (pid $pid)"
    echo "KAFKA_BROKERS=127.0.0.1:$PORT"
  else
    echo "not running"
    return 1
  fi
}

# --- main ------------------------------------------------------------------------------------

CMD=${1:-}
[[ $# -gt 0 ]] && shift
PORT="" CONTROLLER_PORT="" DIR=$DEFAULT_DIR WATCH_PID="" TIMEOUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) PORT=${2:?--port needs a value}; shift 2 ;;
    --controller-port) CONTROLLER_PORT=${2:?--controller-port needs a value}; shift 2 ;;
    --dir) DIR=${2:?--dir needs a value}; shift 2 ;;
    --watch-pid) WATCH_PID=${2:?--watch-pid needs a value}; shift 2 ;;
    --timeout) TIMEOUT=${2:?--timeout needs a value}; shift 2 ;;
    *) die "unknown option $1 (see the top of $0)" ;;
  esac
done
if [[ "$CMD" != fetch ]]; then
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
fi

case "$CMD" in
  fetch) fetch ;;
  start) TIMEOUT=${TIMEOUT:-90}; start ;;
  stop) TIMEOUT=${TIMEOUT:-30}; stop ;;
  run) run ;;
  status) status ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
