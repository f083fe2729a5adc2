# Shared by every script: where things live, the ports, and how to fail loudly.
# Every value can be overridden by the environment; docker-compose.yml uses the same names.

MEMSTREAM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export MEMSTREAM_HOME=${MEMSTREAM_HOME:-$MEMSTREAM_ROOT/.memstream}
export MEMSTREAM_PORT=${MEMSTREAM_PORT:-8000}
export MEMSTREAM_EXTRACTOR_PORT=${MEMSTREAM_EXTRACTOR_PORT:-8001}
export MEMSTREAM_DEDUP_PORT=${MEMSTREAM_DEDUP_PORT:-8002}
export MEMSTREAM_PG_PORT=${MEMSTREAM_PG_PORT:-15432}
export MEMSTREAM_REDIS_PORT=${MEMSTREAM_REDIS_PORT:-16379}
export MEMSTREAM_KAFKA_PORT=${MEMSTREAM_KAFKA_PORT:-19092}
export MEMSTREAM_KAFKA_CONTROLLER_PORT=${MEMSTREAM_KAFKA_CONTROLLER_PORT:-19093}
export MEMSTREAM_DB_USER=${MEMSTREAM_DB_USER:-memstream}
export MEMSTREAM_DB_PASSWORD=${MEMSTREAM_DB_PASSWORD:-memstream}
export MEMSTREAM_DB_NAME=${MEMSTREAM_DB_NAME:-memstream}
export MEMSTREAM_KAFKA_VERSION=${MEMSTREAM_KAFKA_VERSION:-4.2.1}

LOG_DIR=$MEMSTREAM_HOME/logs
PID_DIR=$MEMSTREAM_HOME/pids
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
mkdir -p "$LOG_DIR" "$PID_DIR"

say() { printf '[memstream] %s\n' "$*"; }
# One clear line saying what failed and where to look, then a non-zero exit.
die() { printf '[memstream] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (run as root or install sudo)"; fi
}

apt_install() {
  say "installing with apt: $*"
  local log=$LOG_DIR/apt.log
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$log" 2>&1; then
    as_root apt-get update >>"$log" 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$log" 2>&1 \
      || die "could not install $* with apt (log: $log)"
  fi
}

# Java 21+ is required; the Temurin 25 JDK on these machines is preferred over the default 17.
find_java_home() {
  local candidate
  for candidate in "${MEMSTREAM_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local major
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}

use_java() {
  JAVA_HOME=$(find_java_home) || die "no JDK 21 or newer found (looked in MEMSTREAM_JAVA_HOME, JAVA_HOME, /usr/lib/jvm); install one and set MEMSTREAM_JAVA_HOME"
  export JAVA_HOME
  export PATH=$JAVA_HOME/bin:$PATH
  # Maven's own Guice calls sun.misc.Unsafe, which JDK 24+ warns about on every run.
  if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
    case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { local f=$PID_DIR/$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

# A port taken by something we did not start is an error, not something to share by accident.
require_free_port() {
  local port=$1 what=$2
  if port_open "$port"; then
    die "port $port for $what is already in use by another process (set the matching MEMSTREAM_*_PORT to move it)"
  fi
}

wait_until() {
  local what=$1 timeout=$2 log=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || die "$what did not come up within ${timeout}s (log: $log)"
    sleep 0.5
  done
}
