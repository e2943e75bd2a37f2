#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing (Node 24, npm packages, schemathesis, PostgreSQL, Kafka,
# the Kubernetes tools and Jaeger of scripts/k8s-tools.sh), builds, lints, type-checks, starts the `test` profile of the
# local stack and runs every unit, integration and deployment test against the real infrastructure. Prints a closing line `tests: N passed, N failed, N skipped`.
source "$(dirname "$0")/lib/common.sh"
cd "$PEDIGREE_ROOT"
started_at=$(date +%s)

step "Toolchain"
ensure_node
ensure_npm_dependencies
ensure_schemathesis
# helm, kubeconform, etcd, kube-apiserver, the Kubernetes schemas, CloudNativePG's CRDs, Strimzi's API model and
# Jaeger: built once from the Go module proxy / Maven Central and cached (the first build takes ≈ 15 min on 2 cores).
bash scripts/k8s-tools.sh all
build_workspace

step "Lint (ESLint with Nx module boundaries), formatting (Prettier) and type-check (tests included)"
NX_DAEMON=false npm run --silent lint
npm run --silent format:check >/dev/null || { npm run --silent format:check; fail "code is not formatted: run npm run format"; }
npx tsc -p tsconfig.json --noEmit

step "Infrastructure for the integration tests"
stack_was_running=false
bash scripts/stack.sh status --profile test >/dev/null 2>&1 && stack_was_running=true
bash scripts/stack.sh start --profile test
if [ "$stack_was_running" = false ] && [ "${PEDIGREE_KEEP_STACK:-}" != "1" ]; then
  trap 'bash scripts/stack.sh stop --profile test' EXIT
fi
eval "$(bash scripts/stack.sh env --profile test | sed 's/^/export /')"
node tools/pedigree/bin/pedigree.js kafka ensure-topics --brokers "$KAFKA_BROKERS" >/dev/null

step "Unit, integration and deployment tests (jest)"
reports="$(mktemp -d)"
set +e
npx jest --ci --maxWorkers=2 --passWithNoTests --json --outputFile="$reports/parallel.json" \
  --selectProjects unit integration deployment "$@"
parallel_status=$?
set -e
step "Integration tests that disrupt shared infrastructure (jest project integration-serial, one at a time)"
set +e
npx jest --ci --runInBand --passWithNoTests --json --outputFile="$reports/serial.json" \
  --selectProjects integration-serial "$@"
serial_status=$?
set -e
node -e '
  const fs = require("node:fs");
  const runs = process.argv.slice(1).filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
  const skipped = sum("numPendingTests") + sum("numTodoTests");
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${skipped} skipped`);
' "$reports/parallel.json" "$reports/serial.json"
rm -rf "$reports"
jest_status=$(( parallel_status != 0 ? parallel_status : serial_status ))
info "suite took $(( $(date +%s) - started_at )) s"
exit $jest_status
