#!/usr/bin/env bash
# Benchmarks: bash scripts/bench.sh [epcis|validation|serialization|verification|coldstart|ledger|coldchain|recall|subscriptions|query|all]
# (default all).
# Installs and builds like the test command, starts the `test` profile of the local stack, runs each benchmark and
# prints one JSON line of figures per benchmark (the machine is in each line). Figures and readings: bench/RESULTS.md.
source "$(dirname "$0")/lib/common.sh"
cd "$PEDIGREE_ROOT"

which="${1:-all}"
case "$which" in
  epcis | validation | serialization | verification | coldstart | ledger | coldchain | recall | subscriptions | query | all) ;;
  *) fail "unknown benchmark '$which' (epcis, validation, serialization, verification, coldstart, ledger, coldchain, recall, subscriptions, query or all)" ;;
esac

step "Toolchain"
ensure_node
ensure_npm_dependencies
build_workspace

run() { # name script
  step "Benchmark: $1"
  node "bench/dist/$2.js"
}

[ "$which" = epcis ] || [ "$which" = all ] && run "EPCIS validate + hash (one core)" epcis-throughput
[ "$which" = validation ] || [ "$which" = all ] && run "EPCIS validation time against input size (one core)" validation-scaling
if [ "$which" != epcis ] && [ "$which" != validation ]; then
  bash scripts/stack.sh start --profile test
fi
[ "$which" = serialization ] || [ "$which" = all ] && run "capture → projection, query latency" serialization-throughput
if [ "$which" = verification ] || [ "$which" = all ]; then
  ensure_vegeta
  export VEGETA; VEGETA="$(vegeta_bin)"
  run "VRS verification latency under load" verification-latency
fi
if [ "$which" = coldstart ] || [ "$which" = all ]; then
  ensure_vegeta
  export VEGETA; VEGETA="$(vegeta_bin)"
  run "VRS latency of a new process from readiness on, warm-up on and off" cold-start
fi
[ "$which" = ledger ] || [ "$which" = all ] && run "ledger-writer append, anchor and proof verification" ledger-throughput
[ "$which" = coldchain ] || [ "$which" = all ] && run "cold-chain readings ingest, excursion latency, shipment summary" coldchain-throughput
[ "$which" = recall ] || [ "$which" = all ] && run "recall scope of a lot in three aggregation levels, CSV, trace, distribution" recall-scope
[ "$which" = subscriptions ] || [ "$which" = all ] && run "query subscriptions: capture → webhook latency" subscription-latency
[ "$which" = query ] || [ "$which" = all ] && run "GET /events p50/p99 per common query parameter on 1 M events, admin and distributor" query-latency
exit 0
