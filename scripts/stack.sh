#!/usr/bin/env bash
# The local stack: PostgreSQL, Apache Kafka (KRaft) and a Hyperledger Fabric network as plain local processes owned
# by the project.
#   scripts/stack.sh start|stop|status|reset|env [--profile dev|test]
#   scripts/stack.sh fabric-peer stop|start manufacturer|regulator [--profile …]   one peer only
#   scripts/stack.sh fabric-chaincode NAME [--profile …]   another definition of the anchor chaincode (own state)
# Profiles keep separate data and ports: `dev` for running the platform, `test` for the test suite.
# Data lives in $PEDIGREE_STATE/<profile> and survives restarts; `reset` deletes it. PEDIGREE_PORT_OFFSET (default 0)
# moves all ports, for a second stack beside the first.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/fabric.sh"

command="${1:-status}"; shift || true
PROFILE="${PEDIGREE_PROFILE:-dev}"
arguments=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE="$2"; shift 2 ;;
    [a-z]*) arguments+=("$1"); shift ;;
    *) fail "unknown option $1 (usage: stack.sh start|stop|status|reset|env [--profile dev|test])" ;;
  esac
done

case "$PROFILE" in
  dev) PG_PORT=54320; KAFKA_PORT=19092; KAFKA_CONTROLLER_PORT=19093; FABRIC_PORT_BASE=19050 ;;
  test) PG_PORT=54330; KAFKA_PORT=19192; KAFKA_CONTROLLER_PORT=19193; FABRIC_PORT_BASE=19150 ;;
  *) fail "unknown profile '$PROFILE' (dev or test)" ;;
esac
# PEDIGREE_PORT_OFFSET moves every port of the profile, so two stacks of one profile (two checkouts, each with its own
# PEDIGREE_STATE) can run side by side.
PORT_OFFSET="${PEDIGREE_PORT_OFFSET:-0}"
[[ "$PORT_OFFSET" =~ ^[0-9]+$ ]] || fail "PEDIGREE_PORT_OFFSET must be a whole number (got '$PORT_OFFSET')"
PG_PORT=$((PG_PORT + PORT_OFFSET)); KAFKA_PORT=$((KAFKA_PORT + PORT_OFFSET))
KAFKA_CONTROLLER_PORT=$((KAFKA_CONTROLLER_PORT + PORT_OFFSET)); FABRIC_PORT_BASE=$((FABRIC_PORT_BASE + PORT_OFFSET))

if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the cluster runs as the 'postgres' system user, so state must be outside /root.
  STATE_ROOT="${PEDIGREE_STATE:-/var/lib/pedigree}"
else
  STATE_ROOT="${PEDIGREE_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/pedigree}"
fi
STATE="$STATE_ROOT/$PROFILE"
PG_DIR="$STATE/postgres"
KAFKA_DIR="$STATE/kafka"
SERVICE_DATABASES=(pedigree_serialization pedigree_cold_chain pedigree_recall pedigree_ledger_writer)

as_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
    return
  fi
  local runuser
  runuser="$(command -v runuser || ls /usr/sbin/runuser /sbin/runuser 2>/dev/null | head -n 1 || true)"
  [ -n "$runuser" ] || fail "runuser (util-linux) is needed to run PostgreSQL as the 'postgres' user when started as root"
  "$runuser" -u postgres -- "$@"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # port name seconds
  local i
  for ((i = 0; i < $3; i++)); do
    port_open "$1" && { printf '\n' >&2; return 0; }
    printf '.' >&2; sleep 1
  done
  printf '\n' >&2
  return 1
}

psql_admin() { "$(postgres_bin_dir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U pedigree -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

postgres_start() {
  ensure_postgres
  local bin; bin="$(postgres_bin_dir)"
  mkdir -p "$PG_DIR"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$PG_DIR"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    step "Creating the PostgreSQL cluster ($PG_DIR/data)"
    as_postgres "$bin/initdb" -D "$PG_DIR/data" -U pedigree --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
      fail "initdb failed, see $PG_DIR/initdb.log"
  fi
  # Our settings live in pedigree.conf, rewritten on every start so that a changed template reaches existing clusters.
  grep -q "^include_if_exists = 'pedigree.conf'" "$PG_DIR/data/postgresql.conf" ||
    echo "include_if_exists = 'pedigree.conf'" >>"$PG_DIR/data/postgresql.conf"
  sed -e "s|@PORT@|$PG_PORT|" -e "s|@SOCKET_DIR@|$PG_DIR|" "$PEDIGREE_ROOT/scripts/config/postgresql.conf" >"$PG_DIR/data/pedigree.conf"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$PG_DIR/data/pedigree.conf"
  if port_open "$PG_PORT"; then
    info "postgres already listening on 127.0.0.1:$PG_PORT"
  else
    step "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 start >/dev/null ||
      fail "PostgreSQL did not start, see $PG_DIR/postgres.log"
  fi
  local db
  for db in "${SERVICE_DATABASES[@]}"; do
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql_admin -c "CREATE DATABASE $db" && info "created database $db"
    fi
  done
}

postgres_stop() {
  local bin; bin="$(postgres_bin_dir || true)"
  if [ -n "$bin" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    step "Stopping PostgreSQL"
    as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true
  fi
}

kafka_start() {
  ensure_kafka
  local libs; libs="$(kafka_libs_dir)"
  mkdir -p "$KAFKA_DIR"
  sed -e "s#@DATA_DIR@#$KAFKA_DIR/data#g" -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
    "$PEDIGREE_ROOT/scripts/config/kafka-server.properties" >"$KAFKA_DIR/server.properties"
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    step "Formatting Kafka KRaft storage ($KAFKA_DIR/data)"
    local cluster_id; cluster_id="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$libs/*" -Dlog4j2.configurationFile="$PEDIGREE_ROOT/scripts/config/kafka-log4j2.xml" -Dkafka.logs.dir="$KAFKA_DIR" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/format.log" 2>&1 ||
      fail "Kafka storage format failed, see $KAFKA_DIR/format.log"
  fi
  if port_open "$KAFKA_PORT"; then
    info "kafka already listening on 127.0.0.1:$KAFKA_PORT"
    return
  fi
  step "Starting Apache Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT"
  # Its own session: Ctrl-C on the script that started it (up.sh) must not reach the broker.
  setsid nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$PEDIGREE_ROOT/scripts/config/kafka-log4j2.xml" -Dkafka.logs.dir="$KAFKA_DIR" \
    -cp "$libs/*" kafka.Kafka "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/kafka.out" 2>&1 &
  echo $! >"$KAFKA_DIR/kafka.pid"
  wait_for_port "$KAFKA_PORT" kafka 90 || fail "Kafka did not open port $KAFKA_PORT, see $KAFKA_DIR/kafka.out and $KAFKA_DIR/server.log"
}

kafka_stop() {
  if [ -f "$KAFKA_DIR/kafka.pid" ]; then
    local pid; pid="$(cat "$KAFKA_DIR/kafka.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      step "Stopping Kafka (pid $pid)"
      kill "$pid"
      local i
      for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$KAFKA_DIR/kafka.pid"
  fi
}

print_env() {
  cat <<ENV
PEDIGREE_PROFILE=$PROFILE
PGHOST=127.0.0.1
PGPORT=$PG_PORT
PGUSER=pedigree
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
ENV
  fabric_print_env
}

status() {
  local ok=0
  if port_open "$PG_PORT"; then info "postgres  up    127.0.0.1:$PG_PORT  ($PG_DIR)"; else info "postgres  down  127.0.0.1:$PG_PORT"; ok=1; fi
  if port_open "$KAFKA_PORT"; then info "kafka     up    127.0.0.1:$KAFKA_PORT  ($KAFKA_DIR)"; else info "kafka     down  127.0.0.1:$KAFKA_PORT"; ok=1; fi
  fabric_status || ok=1
  return $ok
}

case "$command" in
  start)
    postgres_start
    kafka_start
    fabric_start
    mkdir -p "$STATE" && print_env >"$STATE/stack.env"
    step "Local stack '$PROFILE' is up"
    status || true
    ;;
  stop) fabric_stop; kafka_stop; postgres_stop ;;
  status) step "Local stack '$PROFILE'"; status ;;
  env) print_env ;;
  reset)
    fabric_stop; kafka_stop; postgres_stop
    step "Deleting all data of the '$PROFILE' stack ($STATE)"
    rm -rf "$STATE"
    ;;
  fabric-peer) ensure_fabric; fabric_peer "${arguments[@]}" ;;
  fabric-chaincode)
    [ "${#arguments[@]}" -eq 1 ] || fail "usage: stack.sh fabric-chaincode NAME"
    [[ "${arguments[0]}" =~ ^[a-z][a-z0-9_-]*$ ]] || fail "a chaincode name is lower-case letters, digits, - and _"
    ensure_fabric; fabric_setup_vars; fabric_define_chaincode "${arguments[0]}"
    ;;
  *) fail "unknown command '$command' (start|stop|status|reset|env|fabric-peer|fabric-chaincode)" ;;
esac
