# Install (apt, Maven Central) and start the real components: PostgreSQL 15 + pgvector, Redis 7,
# and a standalone KRaft Kafka broker. Every function is idempotent: it does nothing when its
# component is already there and running.
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_EXT_DIR=/usr/share/postgresql/15/extension

# initdb and postgres refuse to run as root: as root we run them as the postgres OS user.
pg_run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_home() {
  local dir=$MEMSTREAM_HOME/pg
  # The postgres user must be able to reach its data dir; a checkout under /root is not reachable.
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$MEMSTREAM_HOME" 2>/dev/null; then
    dir=/var/tmp/memstream-pg-$(printf '%s' "$MEMSTREAM_HOME" | cksum | cut -d' ' -f1)
  fi
  echo "$dir"
}

install_postgres() {
  [ -x "$PG_BIN/postgres" ] || apt_install postgresql-15
  [ -f "$PG_EXT_DIR/vector.control" ] || install_pgvector
}

# Debian bookworm ships no pgvector package: build it from the trixie source package (apt only).
install_pgvector() {
  say "building pgvector from Debian source (one time, ~30 s)"
  local log=$LOG_DIR/pgvector-build.log work=$MEMSTREAM_HOME/build/pgvector
  apt_install postgresql-server-dev-15 make gcc
  local uri
  uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1 || true)
  [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources to fetch pgvector source"
  rm -rf "$work" && mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie main" >"$work/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
  (
    apt-get "${opts[@]}" update &&
      (cd "$work/src" && apt-get "${opts[@]}" source --download-only pgvector) &&
      tar -xzf "$(ls "$work"/src/pgvector_*.orig.tar.* | head -n 1)" -C "$work/src" &&
      cd "$(find "$work/src" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)" &&
      make OPTFLAGS="" PG_CONFIG="$PG_BIN/pg_config" && as_root make install PG_CONFIG="$PG_BIN/pg_config"
  ) >>"$log" 2>&1 || die "building pgvector failed (log: $log)"
  [ -f "$PG_EXT_DIR/vector.control" ] || die "pgvector built but vector.control is missing (log: $log)"
}

postgres_ready() { pg_run "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$MEMSTREAM_PG_PORT"; }

start_postgres() {
  local home data log
  home=$(pg_home); data=$home/data; log=$home/postgres.log
  mkdir -p "$home/run"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$home"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "initialising PostgreSQL data in $data"
    pg_run "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$LOG_DIR/initdb.log" 2>&1 ||
      die "initdb failed (log: $LOG_DIR/initdb.log)"
  fi
  ln -sf "$log" "$LOG_DIR/postgres.log"
  if pg_run "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1 && postgres_ready; then
    say "PostgreSQL already running on 127.0.0.1:$MEMSTREAM_PG_PORT"
  else
    require_free_port "$MEMSTREAM_PG_PORT" PostgreSQL
    pg_run "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $MEMSTREAM_PG_PORT -k $home/run -c listen_addresses=127.0.0.1" start >/dev/null 2>&1 ||
      die "PostgreSQL did not start on port $MEMSTREAM_PG_PORT (log: $log)"
    say "PostgreSQL started on 127.0.0.1:$MEMSTREAM_PG_PORT"
  fi
  head -n 1 "$data/postmaster.pid" >"$PID_DIR/postgres.pid"
  local db
  for db in "$MEMSTREAM_DB_NAME" "${MEMSTREAM_DB_NAME}_test"; do ensure_database "$db"; done
}

psql_admin() { pg_run psql -v ON_ERROR_STOP=1 -qAt -h 127.0.0.1 -p "$MEMSTREAM_PG_PORT" -U postgres "$@"; }

# The application role owns its databases; the vector extension is created here by the superuser
# because the application role is not one.
ensure_database() {
  local db=$1 log=$LOG_DIR/postgres-setup.log
  {
    psql_admin -d postgres -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$MEMSTREAM_DB_USER')
      THEN CREATE ROLE $MEMSTREAM_DB_USER LOGIN PASSWORD '$MEMSTREAM_DB_PASSWORD'; END IF; END\$\$;" &&
      { [ "$(psql_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$db'")" = 1 ] ||
        psql_admin -d postgres -c "CREATE DATABASE $db OWNER $MEMSTREAM_DB_USER"; } &&
      psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS vector"
  } >>"$log" 2>&1 || die "could not prepare database $db (log: $log)"
}

install_redis() { command -v redis-server >/dev/null || apt_install redis-server redis-tools; }

redis_ready() { redis-cli -h 127.0.0.1 -p "$MEMSTREAM_REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  local dir=$MEMSTREAM_HOME/redis log=$LOG_DIR/redis.log
  mkdir -p "$dir"
  if pid_alive redis; then
    wait_until Redis 20 "$log" redis_ready
    say "Redis already running on 127.0.0.1:$MEMSTREAM_REDIS_PORT"; return 0
  fi
  require_free_port "$MEMSTREAM_REDIS_PORT" Redis
  redis-server --port "$MEMSTREAM_REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --appendonly yes --save '' \
    --daemonize yes --pidfile "$PID_DIR/redis.pid" --logfile "$log" >/dev/null 2>&1 ||
    die "Redis did not start (log: $log)"
  wait_until Redis 20 "$log" redis_ready
  say "Redis started on 127.0.0.1:$MEMSTREAM_REDIS_PORT"
}

KAFKA_DIR=$MEMSTREAM_HOME/kafka

# The broker comes from Maven Central (no other download site is reachable here).
install_kafka() {
  local marker
  marker="$KAFKA_DIR/libs/.complete-$MEMSTREAM_KAFKA_VERSION-$(cksum <"$MEMSTREAM_ROOT/scripts/kafka/pom.xml" | cut -d' ' -f1)"
  [ -f "$marker" ] && return 0
  use_java
  say "fetching the Kafka $MEMSTREAM_KAFKA_VERSION broker jars from Maven Central"
  local log=$LOG_DIR/kafka-install.log
  rm -rf "$KAFKA_DIR/libs"
  "$MEMSTREAM_ROOT/mvnw" -q -f "$MEMSTREAM_ROOT/scripts/kafka/pom.xml" -Dkafka.version="$MEMSTREAM_KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$KAFKA_DIR/libs" >"$log" 2>&1 ||
    die "could not fetch the Kafka broker jars (log: $log)"
  touch "$marker"
}

kafka_ready() { port_open "$MEMSTREAM_KAFKA_PORT"; }

# A broker that died on start is reported at once, not after the whole wait.
kafka_alive_and_ready() {
  pid_alive kafka || die "the Kafka broker exited during startup (log: $LOG_DIR/kafka.log)"
  kafka_ready
}

start_kafka() {
  local log=$LOG_DIR/kafka.log data=$KAFKA_DIR/data config=$KAFKA_DIR/server.properties
  if pid_alive kafka; then
    wait_until "Kafka broker" 60 "$log" kafka_alive_and_ready
    say "Kafka already running on 127.0.0.1:$MEMSTREAM_KAFKA_PORT"; return 0
  fi
  use_java
  require_free_port "$MEMSTREAM_KAFKA_PORT" "Kafka broker"
  require_free_port "$MEMSTREAM_KAFKA_CONTROLLER_PORT" "Kafka controller"
  mkdir -p "$data"
  sed -e "s#@DATA@#$data#" -e "s#@PORT@#$MEMSTREAM_KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$MEMSTREAM_KAFKA_CONTROLLER_PORT#g" \
    "$MEMSTREAM_ROOT/scripts/kafka/server.properties" >"$config"
  local cp="$KAFKA_DIR/libs/*"
  if [ ! -f "$data/meta.properties" ]; then
    local cluster
    cluster=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$log") || die "kafka storage tool failed (log: $log)"
    java -cp "$cp" kafka.tools.StorageTool format -t "$cluster" -c "$config" --standalone >>"$log" 2>&1 ||
      die "formatting Kafka storage failed (log: $log)"
  fi
  nohup java -Xmx1g -Dlog4j2.configurationFile="$MEMSTREAM_ROOT/scripts/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$LOG_DIR" -cp "$cp" kafka.Kafka "$config" >>"$log" 2>&1 &
  echo $! >"$PID_DIR/kafka.pid"
  wait_until "Kafka broker" 60 "$log" kafka_alive_and_ready
  say "Kafka broker started on 127.0.0.1:$MEMSTREAM_KAFKA_PORT"
}

stop_pid() {
  local name=$1 f=$PID_DIR/$1.pid
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

stop_postgres() {
  local data; data=$(pg_home)/data
  if [ -f "$data/postmaster.pid" ]; then
    pg_run "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 && say "stopped PostgreSQL"
  fi
  rm -f "$PID_DIR/postgres.pid"
}

# Every test that failed or erred in this run, from the Surefire reports written after $1, each with
# the first line of what it threw.
failing_tests() {
  local since=$1 reports
  reports=$(find "$MEMSTREAM_ROOT" -path '*/target/surefire-reports/*.txt' -newer "$since" 2>/dev/null |
    xargs -r grep -l '<<< \(FAILURE\|ERROR\)!' 2>/dev/null | sort || true)
  if [ -z "$reports" ]; then
    say "no test failed: the build itself did (compiler, formatter, enforcer; see Maven's output above)" >&2
    return 0
  fi
  say "failing tests:" >&2
  # A failing case reads "<class>.<test> -- Time elapsed: ... <<< FAILURE!" (or ERROR!), then what it
  # threw over a few lines, then its stack ("\tat ..."): the header and up to three lines of the message.
  # shellcheck disable=SC2086
  awk '/<<< (FAILURE|ERROR)!/ && !/^Tests run:/ {
         line = $0; sub(/ -- Time elapsed:.*<<< /, "  <<< ", line); print "  " line
         for (n = 0; n < 3 && (getline next_line) > 0 && next_line !~ /^\tat /; ) {
           if (next_line ~ /[^ \t]/) { print "      " substr(next_line, 1, 300); n++ }
         }
       }' $reports >&2
}
