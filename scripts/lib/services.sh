# Build and run the three Memstream services as local processes.
# shellcheck source=infra.sh
. "$(dirname "${BASH_SOURCE[0]}")/infra.sh"

SERVICES=(ingest-api extractor-worker dedup-stream)

service_port() {
  case $1 in
    ingest-api) echo "$MEMSTREAM_PORT" ;;
    extractor-worker) echo "$MEMSTREAM_EXTRACTOR_PORT" ;;
    dedup-stream) echo "$MEMSTREAM_DEDUP_PORT" ;;
  esac
}

service_jar() { echo "$MEMSTREAM_ROOT/$1/target/$1-0.1.0-SNAPSHOT-exec.jar"; }

service_healthy() {
  curl -fsS --max-time 2 "http://127.0.0.1:$(service_port "$1")/actuator/health" 2>/dev/null | grep -q '"status":"UP"'
}

# Rebuild only when a jar is missing or older than the sources it comes from.
build_services() {
  local stale=0 s jar
  for s in "${SERVICES[@]}"; do
    jar=$(service_jar "$s")
    if [ ! -f "$jar" ] || [ -n "$(find "$MEMSTREAM_ROOT/common/src" "$MEMSTREAM_ROOT/$s/src" "$MEMSTREAM_ROOT/pom.xml" \
      "$MEMSTREAM_ROOT/$s/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then stale=1; fi
  done
  [ $stale -eq 1 ] || return 0
  use_java
  say "building the services (./mvnw package, tests skipped; scripts/check runs them)"
  local log=$LOG_DIR/build.log
  "$MEMSTREAM_ROOT/mvnw" -B -q -f "$MEMSTREAM_ROOT/pom.xml" -DskipTests -Dspotless.check.skip=true \
    -pl ingest-api,extractor-worker,dedup-stream -am package >"$log" 2>&1 || die "the build failed (log: $log)"
}

create_topics() {
  use_java
  local log=$LOG_DIR/topics.log
  java -cp "$(service_jar ingest-api)" -Dloader.main=io.memstream.common.topics.TopicInstaller \
    org.springframework.boot.loader.launch.PropertiesLauncher "127.0.0.1:$MEMSTREAM_KAFKA_PORT" \
    "${MEMSTREAM_KAFKA_REPLICATION_FACTOR:-1}" >"$log" 2>&1 || die "could not create the Kafka topics (log: $log)"
  say "$(tail -n 1 "$log")"
}

start_service() {
  local s=$1 port log
  port=$(service_port "$s"); log=$LOG_DIR/$s.log
  # Ours and alive (healthy or still starting): wait_service checks it; never start a second one.
  if pid_alive "$s"; then
    say "$s already running on port $port"; return 0
  fi
  require_free_port "$port" "$s"
  use_java
  (
    export MEMSTREAM_KAFKA_BOOTSTRAP="127.0.0.1:$MEMSTREAM_KAFKA_PORT"
    export MEMSTREAM_DB_URL="jdbc:postgresql://127.0.0.1:$MEMSTREAM_PG_PORT/$MEMSTREAM_DB_NAME"
    export MEMSTREAM_REDIS_URL="redis://127.0.0.1:$MEMSTREAM_REDIS_PORT"
    export MEMSTREAM_DEDUP_STATE_DIR="$MEMSTREAM_HOME/dedup-state"
    nohup java ${MEMSTREAM_JAVA_OPTS:--Xmx512m} -jar "$(service_jar "$s")" >>"$log" 2>&1 &
    echo $! >"$PID_DIR/$s.pid"
  )
}

wait_service() {
  local s=$1
  wait_until "$s" 120 "$LOG_DIR/$s.log" service_alive_and_healthy "$s"
  say "$s is healthy on port $(service_port "$s")"
}

# A process that died is reported at once, not after the whole timeout.
service_alive_and_healthy() {
  pid_alive "$1" || die "$1 exited during startup (log: $LOG_DIR/$1.log)"
  service_healthy "$1"
}

# Before any install or build: every port we will need is either ours already or free, so a clash
# is reported in seconds, not after a long install.
preflight_ports() {
  pid_alive postgres || require_free_port "$MEMSTREAM_PG_PORT" PostgreSQL
  pid_alive redis || require_free_port "$MEMSTREAM_REDIS_PORT" Redis
  if ! pid_alive kafka; then
    require_free_port "$MEMSTREAM_KAFKA_PORT" "Kafka broker"
    require_free_port "$MEMSTREAM_KAFKA_CONTROLLER_PORT" "Kafka controller"
  fi
  local s
  for s in "${SERVICES[@]}"; do pid_alive "$s" || require_free_port "$(service_port "$s")" "$s"; done
}

# With auth on (the default), a development key for the dev tenant, kept in $MEMSTREAM_HOME/dev-api-key
# and made again if the database no longer knows it.
dev_api_key() {
  local file=$MEMSTREAM_HOME/dev-api-key key=""
  [ -f "$file" ] && key=$(cat "$file")
  # Checked on a route that needs only Postgres, where keys live.
  if [ -n "$key" ] && curl -fsS --max-time 5 -H "Authorization: Bearer $key" \
    "http://127.0.0.1:$MEMSTREAM_PORT/v1/users/dev-key-check/facts" >/dev/null 2>&1; then
    echo "$key"; return 0
  fi
  use_java
  key=$(MEMSTREAM_DB_URL="jdbc:postgresql://127.0.0.1:$MEMSTREAM_PG_PORT/$MEMSTREAM_DB_NAME" \
    java -cp "$(service_jar ingest-api)" -Dloader.main=io.memstream.ingest.tenancy.ApiKeyTool \
    org.springframework.boot.loader.launch.PropertiesLauncher create --tenant "${MEMSTREAM_DEV_TENANT:-default}" \
    --label dev 2>>"$LOG_DIR/api-key.log" | tail -n 1) || die "could not create a development API key (log: $LOG_DIR/api-key.log)"
  case "$key" in msk_*) ;; *) die "could not create a development API key (log: $LOG_DIR/api-key.log)" ;; esac
  (umask 077 && echo "$key" >"$file")
  echo "$key"
}
