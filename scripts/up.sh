#!/usr/bin/env bash
# Runs the whole platform locally: installs what is missing, builds, starts PostgreSQL and Kafka (profile `dev`),
# migrates the four databases and creates the topics (the explicit steps a deployment runs once, ADR 0014), then
# starts Jaeger (the trace backend: UI and query API on :16686, OTLP on :4317/:4318) and the four services, which
# export their traces to it, and stays up. Ctrl-C stops the services; the infrastructure
# keeps running (and keeps its data) until `bash scripts/stack.sh stop`.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/k8s.sh"
cd "$PEDIGREE_ROOT"

step "Toolchain"
ensure_node
ensure_npm_dependencies
ensure_jaeger
build_workspace

bash scripts/stack.sh start --profile dev
eval "$(bash scripts/stack.sh env --profile dev | sed 's/^/export /')"
services=(serialization cold-chain recall ledger-writer)
for service in "${services[@]}"; do
  export "DATABASE_URL_$(echo "$service" | tr 'a-z-' 'A-Z_')=postgres://$PGUSER@$PGHOST:$PGPORT/pedigree_${service//-/_}"
done
step "Database migrations"
node tools/pedigree/bin/pedigree.js db migrate | sed 's/^/  /'
step "Kafka topics"
node tools/pedigree/bin/pedigree.js kafka ensure-topics --brokers "$KAFKA_BROKERS" | sed 's/^/  /'

# The ledger-writer anchors heads as the manufacturer organisation's user, through that organisation's peer Gateway
# (FABRIC_CHANNEL and FABRIC_CHAINCODE come from stack.sh env).
export FABRIC_PEER_ENDPOINT="$FABRIC_MANUFACTURER_PEER_ENDPOINT" FABRIC_PEER_HOST_ALIAS="$FABRIC_MANUFACTURER_PEER_HOST_ALIAS" \
  FABRIC_TLS_CA_CERT="$FABRIC_MANUFACTURER_TLS_CA_CERT" FABRIC_MSP_ID="$FABRIC_MANUFACTURER_MSP_ID" \
  FABRIC_USER_CERT="$FABRIC_MANUFACTURER_USER_CERT" FABRIC_USER_KEY="$FABRIC_MANUFACTURER_USER_KEY"
# The serialization service answers DSCSA verification requests as this GLN (the demo manufacturer of the README).
export VRS_RESPONDER_GLN="${VRS_RESPONDER_GLN:-0614141000005}"

log_dir="${PEDIGREE_LOG_DIR:-$PEDIGREE_CACHE/logs}"
mkdir -p "$log_dir"

step "Local token issuer (dev only)"
node tools/pedigree/bin/pedigree.js token --role admin --party 0614141000005 >/dev/null
export AUTH_DEV_PUBLIC_JWK_FILE="$PEDIGREE_CACHE/dev-issuer/public.jwk.json" AUTH_ISSUER="urn:pedigree:dev-issuer" AUTH_AUDIENCE="urn:pedigree:api"
info "services trust $AUTH_DEV_PUBLIC_JWK_FILE; get a token with: npx pedigree token --role manufacturer --party <GLN> --gcp <prefix>"

# Jaeger, the local trace backend (memory only: traces last until it stops). Already running (another up.sh): kept.
pids=()
JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
export JAEGER_QUERY_PORT JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}" \
  JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-4317}" JAEGER_OTLP_HTTP_PORT="${JAEGER_OTLP_HTTP_PORT:-4318}"
if curl -fs "http://127.0.0.1:$JAEGER_QUERY_PORT/api/services" >/dev/null 2>&1; then
  info "Jaeger already answers on :$JAEGER_QUERY_PORT"
else
  step "Starting Jaeger $JAEGER_VERSION (log: $log_dir/jaeger.log)"
  "$(jaeger_bin)" --config scripts/config/jaeger.yaml >>"$log_dir/jaeger.log" 2>&1 &
  pids+=($!)
fi
# Standard OpenTelemetry settings; anything set before up.sh runs wins.
export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT}"
export OTEL_EXPORTER_OTLP_PROTOCOL="${OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf}"

declare -A ports=([serialization]=3001 [cold-chain]=3002 [recall]=3003 [ledger-writer]=3004)
stop_services() {
  step "Stopping the services"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_services EXIT
trap 'exit 0' INT TERM

for service in "${services[@]}"; do
  port_var="PORT_$(echo "$service" | tr 'a-z-' 'A-Z_')"
  port="${!port_var:-${ports[$service]}}"
  ports[$service]=$port
  step "Starting $service on port $port (log: $log_dir/$service.log)"
  url_var="DATABASE_URL_$(echo "$service" | tr 'a-z-' 'A-Z_')"
  PORT="$port" SERVICE_NAME="$service" \
    DATABASE_URL="${!url_var}" \
    KAFKA_BROKERS="$KAFKA_BROKERS" \
    node "services/$service/dist/main.js" >>"$log_dir/$service.log" 2>&1 &
  pids+=($!)
done

for service in "${services[@]}"; do
  url="http://127.0.0.1:${ports[$service]}"
  for ((i = 0; i < 120; i++)); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "$url/health/ready" >/dev/null 2>&1 || fail "$service did not become ready; see $log_dir/$service.log"
done

step "Pedigree is up"
for service in "${services[@]}"; do
  printf '  %-15s http://127.0.0.1:%s   (OpenAPI: /docs, health: /health/ready)\n' "$service" "${ports[$service]}"
done
info "infrastructure: PostgreSQL 127.0.0.1:$PGPORT, Kafka $KAFKA_BROKERS"
info "traces: Jaeger UI and query API http://127.0.0.1:$JAEGER_QUERY_PORT (service serialization, then a POST /capture)"
info "Ctrl-C stops the services; 'bash scripts/stack.sh stop' stops PostgreSQL and Kafka."
wait -n "${pids[@]}"
fail "a service stopped unexpectedly; see the logs in $log_dir"
