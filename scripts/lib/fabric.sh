# The local Hyperledger Fabric network of the stack, sourced by scripts/stack.sh (which sets STATE, PROFILE and
# FABRIC_PORT_BASE). Plain processes, no Docker: one Raft orderer (OrdererOrg), one peer each for ManufacturerOrg and
# RegulatorOrg, TLS everywhere, channel `pedigree`, and the `anchor` chaincode running as a service (a Node process)
# that both peers dial. Everything lives in $STATE/fabric; the first start creates the crypto material, the channel and
# the chaincode definition, later starts only start the processes again. `reset` deletes it all.

FABRIC_CHANNEL="pedigree"
FABRIC_CHAINCODE="anchor"
FABRIC_CHAINCODE_VERSION="1"
FABRIC_CHAINCODE_SEQUENCE="1"
FABRIC_ENDORSEMENT_POLICY="AND('ManufacturerMSP.peer','RegulatorMSP.peer')"
FABRIC_PEER_ORGS=(manufacturer regulator)

fabric_setup_vars() {
  FABRIC_DIR="$STATE/fabric"
  FABRIC_CONFIG="$FABRIC_DIR/config"
  FABRIC_CRYPTO="$FABRIC_DIR/crypto"
  FABRIC_BLOCK="$FABRIC_DIR/channel/$FABRIC_CHANNEL.block"
  FABRIC_READY_MARKER="$FABRIC_DIR/.network-created"
  ORDERER_PORT=$FABRIC_PORT_BASE
  ORDERER_ADMIN_PORT=$((FABRIC_PORT_BASE + 1))
  ORDERER_OPERATIONS_PORT=$((FABRIC_PORT_BASE + 2))
  ORDERER_NODE="$FABRIC_CRYPTO/ordererOrganizations/orderer.pedigree.local/orderers/orderer0.orderer.pedigree.local"
  ORDERER_ADMIN_USER="$FABRIC_CRYPTO/ordererOrganizations/orderer.pedigree.local/users/Admin@orderer.pedigree.local"
  ORDERER_DATA="$FABRIC_DIR/orderer"
  CHAINCODE_PORT=$((FABRIC_PORT_BASE + 30))
  CHAINCODE_DIR="$FABRIC_DIR/chaincode"
  CHAINCODE_NODE="$FABRIC_CRYPTO/peerOrganizations/manufacturer.pedigree.local/peers/anchor-chaincode.manufacturer.pedigree.local"
  CCAAS_BUILDER="$PEDIGREE_ROOT/scripts/config/fabric/ccaas-builder"
}

# Per peer organisation: its MSP id, domain and ports (peer, chaincode listener, operations).
fabric_org() { # org
  ORG="$1"
  case "$ORG" in
    manufacturer) PEER_MSP_ID=ManufacturerMSP; PEER_PORT=$((FABRIC_PORT_BASE + 10)) ;;
    regulator) PEER_MSP_ID=RegulatorMSP; PEER_PORT=$((FABRIC_PORT_BASE + 20)) ;;
    *) fail "unknown Fabric organisation $ORG" ;;
  esac
  ORG_DOMAIN="$ORG.pedigree.local"
  PEER_NAME="peer0.$ORG_DOMAIN"
  PEER_CHAINCODE_PORT=$((PEER_PORT + 1))
  PEER_OPERATIONS_PORT=$((PEER_PORT + 2))
  PEER_NODE="$FABRIC_CRYPTO/peerOrganizations/$ORG_DOMAIN/peers/$PEER_NAME"
  PEER_DATA="$FABRIC_DIR/peers/$ORG"
  ORG_ADMIN_MSP="$FABRIC_CRYPTO/peerOrganizations/$ORG_DOMAIN/users/Admin@$ORG_DOMAIN/msp"
  ORG_USER_MSP="$FABRIC_CRYPTO/peerOrganizations/$ORG_DOMAIN/users/User1@$ORG_DOMAIN/msp"
}

fabric_bin() { echo "$(fabric_bin_dir)/$1"; }

# Runs the peer CLI as the organisation's admin against its own peer.
peer_admin() { # org, peer arguments…
  fabric_org "$1"; shift
  FABRIC_CFG_PATH="$FABRIC_CONFIG" FABRIC_LOGGING_SPEC=warning CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_LOCALMSPID="$PEER_MSP_ID" CORE_PEER_MSPCONFIGPATH="$ORG_ADMIN_MSP" \
    CORE_PEER_ADDRESS="127.0.0.1:$PEER_PORT" CORE_PEER_TLS_ROOTCERT_FILE="$PEER_NODE/tls/ca.crt" \
    "$(fabric_bin peer)" "$@"
}

osnadmin_cmd() {
  "$(fabric_bin osnadmin)" "$@" -o "127.0.0.1:$ORDERER_ADMIN_PORT" --ca-file "$ORDERER_NODE/tls/ca.crt" \
    --client-cert "$ORDERER_ADMIN_USER/tls/client.crt" --client-key "$ORDERER_ADMIN_USER/tls/client.key"
}

# Crypto material, the configuration copies and the channel's genesis block; done once per state dir.
fabric_create_artifacts() {
  local templates="$PEDIGREE_ROOT/scripts/config/fabric"
  if [ ! -d "$FABRIC_CRYPTO" ]; then
    step "Creating the Fabric crypto material (cryptogen)"
    "$(fabric_bin cryptogen)" generate --config="$templates/crypto-config.yaml" --output="$FABRIC_CRYPTO.tmp" >/dev/null ||
      fail "cryptogen failed"
    mv "$FABRIC_CRYPTO.tmp" "$FABRIC_CRYPTO"
  fi
  mkdir -p "$FABRIC_CONFIG" "$(dirname "$FABRIC_BLOCK")"
  local stock; stock="$(fabric_sampleconfig_dir)"
  cp "$stock/orderer.yaml" "$FABRIC_CONFIG/orderer.yaml"
  # An empty vm.endpoint: no Docker, and no health check waiting for one.
  sed -E 's#^( *endpoint:) unix:///var/run/docker.sock#\1 ""#' "$stock/core.yaml" >"$FABRIC_CONFIG/core.yaml"
  grep -Eq '^ *endpoint: ""$' "$FABRIC_CONFIG/core.yaml" || fail "could not blank vm.endpoint in $FABRIC_CONFIG/core.yaml"
  fabric_org manufacturer; local manufacturer_port=$PEER_PORT
  fabric_org regulator; local regulator_port=$PEER_PORT
  sed -e "s#@CRYPTO@#$FABRIC_CRYPTO#g" -e "s#@ORDERER_PORT@#$ORDERER_PORT#g" \
    -e "s#@MANUFACTURER_PEER_PORT@#$manufacturer_port#g" -e "s#@REGULATOR_PEER_PORT@#$regulator_port#g" \
    "$templates/configtx.yaml" >"$FABRIC_CONFIG/configtx.yaml"
  if [ ! -f "$FABRIC_BLOCK" ]; then
    step "Creating the genesis block of channel '$FABRIC_CHANNEL' (configtxgen)"
    FABRIC_CFG_PATH="$FABRIC_CONFIG" "$(fabric_bin configtxgen)" -profile PedigreeChannel -channelID "$FABRIC_CHANNEL" \
      -outputBlock "$FABRIC_BLOCK" 2>"$FABRIC_DIR/configtxgen.log" || fail "configtxgen failed, see $FABRIC_DIR/configtxgen.log"
  fi
}

# Starts a process in the background with the overrides of an env file, unless its port is already open.
fabric_launch() { # name, pid file, log file, env file, port, command…
  local name="$1" pid_file="$2" log="$3" env_file="$4" port="$5"; shift 5
  if port_open "$port"; then
    info "$name already listening on 127.0.0.1:$port"
    return
  fi
  step "Starting $name on 127.0.0.1:$port"
  (
    set -a
    # shellcheck disable=SC1090
    [ -z "$env_file" ] || source "$env_file"
    set +a
    # Its own session, so that Ctrl-C on the script that started it does not reach it.
    exec setsid nohup "$@" >>"$log" 2>&1
  ) &
  echo $! >"$pid_file"
  wait_for_port "$port" "$name" 60 || fail "$name did not open port $port, see $log"
}

wait_for_health() { # name, operations port
  local i
  for ((i = 0; i < 60; i++)); do
    curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  fail "$1 is not healthy (http://127.0.0.1:$2/healthz)"
}

fabric_start_orderer() {
  mkdir -p "$ORDERER_DATA"
  FABRIC_CFG_PATH="$FABRIC_CONFIG" fabric_launch orderer "$ORDERER_DATA/orderer.pid" "$ORDERER_DATA/orderer.log" \
    "$PEDIGREE_ROOT/scripts/config/fabric/orderer.env" "$ORDERER_ADMIN_PORT" "$(fabric_bin orderer)"
  wait_for_health orderer "$ORDERER_OPERATIONS_PORT"
}

fabric_start_peer() { # org
  fabric_org "$1"
  mkdir -p "$PEER_DATA"
  FABRIC_CFG_PATH="$FABRIC_CONFIG" fabric_launch "peer $PEER_NAME" "$PEER_DATA/peer.pid" "$PEER_DATA/peer.log" \
    "$PEDIGREE_ROOT/scripts/config/fabric/peer.env" "$PEER_PORT" "$(fabric_bin peer)" node start
  wait_for_health "$PEER_NAME" "$PEER_OPERATIONS_PORT"
}

# The chaincode-as-a-service package: metadata.json (type ccaas) and code.tar.gz holding connection.json.
fabric_package_chaincode() {
  [ -f "$CHAINCODE_DIR/package-id" ] && return
  step "Packaging the $FABRIC_CHAINCODE chaincode as a service (127.0.0.1:$CHAINCODE_PORT)"
  local work; work="$(mktemp -d)"
  node -e '
    const fs = require("node:fs");
    const [address, rootCertFile, out] = process.argv.slice(1);
    fs.writeFileSync(out, JSON.stringify({
      address, dial_timeout: "10s", tls_required: true, client_auth_required: false,
      root_cert: fs.readFileSync(rootCertFile, "utf8"),
    }, null, 2));
  ' "127.0.0.1:$CHAINCODE_PORT" "$CHAINCODE_NODE/tls/ca.crt" "$work/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$FABRIC_CHAINCODE" "$FABRIC_CHAINCODE_VERSION" >"$work/metadata.json"
  tar -C "$work" -czf "$work/code.tar.gz" connection.json
  mkdir -p "$CHAINCODE_DIR"
  tar -C "$work" -czf "$CHAINCODE_DIR/$FABRIC_CHAINCODE.tar.gz" metadata.json code.tar.gz
  rm -rf "$work"
  peer_admin manufacturer lifecycle chaincode calculatepackageid "$CHAINCODE_DIR/$FABRIC_CHAINCODE.tar.gz" \
    >"$CHAINCODE_DIR/package-id" || fail "could not compute the chaincode package id"
  info "package id $(cat "$CHAINCODE_DIR/package-id")"
}

# The anchor chaincode server (fabric-shim server mode, TLS) that both peers dial.
fabric_start_chaincode() {
  (cd "$PEDIGREE_ROOT" && node node_modules/typescript/bin/tsc -b chaincode/anchor/tsconfig.json) || fail "could not build chaincode/anchor"
  local package_id; package_id="$(cat "$CHAINCODE_DIR/package-id")"
  fabric_launch "chaincode $FABRIC_CHAINCODE" "$CHAINCODE_DIR/server.pid" "$CHAINCODE_DIR/server.log" "" "$CHAINCODE_PORT" \
    node "$PEDIGREE_ROOT/node_modules/fabric-shim/cli.js" server \
    --chaincode-address "127.0.0.1:$CHAINCODE_PORT" --chaincode-id "$package_id" \
    --chaincode-tls-cert-file "$CHAINCODE_NODE/tls/server.crt" --chaincode-tls-key-file "$CHAINCODE_NODE/tls/server.key" \
    --module-path "$PEDIGREE_ROOT/chaincode/$FABRIC_CHAINCODE"
}

# The orderer takes transactions once its Raft node has elected itself leader; until then it refuses deliveries too.
fabric_wait_for_raft_leader() {
  local i
  for ((i = 0; i < 60; i++)); do
    peer_admin manufacturer channel fetch newest "$FABRIC_DIR/newest.block" -c "$FABRIC_CHANNEL" \
      -o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORDERER_NODE/tls/ca.crt" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  fail "the orderer has no Raft leader for channel $FABRIC_CHANNEL, see $ORDERER_DATA/orderer.log"
}

# Channel membership and the chaincode definition; each step is checked first, so a start interrupted half-way
# picks up where it stopped.
fabric_create_network() {
  # osnadmin exits 0 whatever the HTTP status: read the status it prints.
  if ! osnadmin_cmd channel list --channelID "$FABRIC_CHANNEL" 2>&1 | grep -q '^Status: 200'; then
    step "Joining the orderer to channel '$FABRIC_CHANNEL' (osnadmin)"
    osnadmin_cmd channel join --channelID "$FABRIC_CHANNEL" --config-block "$FABRIC_BLOCK" >"$FABRIC_DIR/osnadmin.log" 2>&1
    grep -q '^Status: 201' "$FABRIC_DIR/osnadmin.log" || fail "osnadmin channel join failed, see $FABRIC_DIR/osnadmin.log"
  fi
  fabric_wait_for_raft_leader
  local org package_id; package_id="$(cat "$CHAINCODE_DIR/package-id")"
  for org in "${FABRIC_PEER_ORGS[@]}"; do
    fabric_org "$org"
    if ! peer_admin "$org" channel list 2>/dev/null | grep -qx "$FABRIC_CHANNEL"; then
      step "Joining $PEER_NAME to channel '$FABRIC_CHANNEL'"
      peer_admin "$org" channel join -b "$FABRIC_BLOCK" || fail "$PEER_NAME could not join $FABRIC_CHANNEL"
    fi
    if ! peer_admin "$org" lifecycle chaincode queryinstalled 2>/dev/null | grep -qF "Package ID: $package_id,"; then
      step "Installing the $FABRIC_CHAINCODE chaincode package on $PEER_NAME"
      peer_admin "$org" lifecycle chaincode install "$CHAINCODE_DIR/$FABRIC_CHAINCODE.tar.gz" ||
        fail "chaincode install on $PEER_NAME failed"
    fi
  done
  fabric_define_chaincode "$FABRIC_CHAINCODE"
}

# Approves (both organisations) and commits a chaincode definition `name` backed by the installed anchor package, unless
# it is committed already. Definitions of other names run the same chaincode server but keep their own world state:
# an empty Merkle-log ledger of their own (the ledger-writer tests use one each).
fabric_define_chaincode() { # name
  local name="$1" org package_id; package_id="$(cat "$CHAINCODE_DIR/package-id")"
  local definition=(--channelID "$FABRIC_CHANNEL" --name "$name" --version "$FABRIC_CHAINCODE_VERSION"
    --sequence "$FABRIC_CHAINCODE_SEQUENCE" --signature-policy "$FABRIC_ENDORSEMENT_POLICY")
  local orderer=(-o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORDERER_NODE/tls/ca.crt")
  if peer_admin manufacturer lifecycle chaincode querycommitted --channelID "$FABRIC_CHANNEL" --name "$name" \
    >/dev/null 2>&1; then
    return
  fi
  for org in "${FABRIC_PEER_ORGS[@]}"; do
    fabric_org "$org"
    if ! peer_admin "$org" lifecycle chaincode queryapproved --channelID "$FABRIC_CHANNEL" --name "$name" \
      --sequence "$FABRIC_CHAINCODE_SEQUENCE" >/dev/null 2>&1; then
      step "Approving the $name chaincode for $PEER_MSP_ID"
      peer_admin "$org" lifecycle chaincode approveformyorg "${orderer[@]}" "${definition[@]}" --package-id "$package_id" \
        2>>"$FABRIC_DIR/lifecycle.log" || fail "approveformyorg for $PEER_MSP_ID failed, see $FABRIC_DIR/lifecycle.log"
    fi
  done
  step "Committing the $name chaincode definition (endorsement: $FABRIC_ENDORSEMENT_POLICY)"
  local endorsers=()
  for org in "${FABRIC_PEER_ORGS[@]}"; do
    fabric_org "$org"
    endorsers+=(--peerAddresses "127.0.0.1:$PEER_PORT" --tlsRootCertFiles "$PEER_NODE/tls/ca.crt")
  done
  peer_admin manufacturer lifecycle chaincode commit "${orderer[@]}" "${definition[@]}" "${endorsers[@]}" \
    2>>"$FABRIC_DIR/lifecycle.log" || fail "chaincode commit failed, see $FABRIC_DIR/lifecycle.log"
}

fabric_start() {
  fabric_setup_vars
  ensure_node
  ensure_fabric
  mkdir -p "$FABRIC_DIR"
  [ -f "$FABRIC_READY_MARKER" ] || fabric_create_artifacts
  fabric_start_orderer
  local org
  for org in "${FABRIC_PEER_ORGS[@]}"; do fabric_start_peer "$org"; done
  fabric_package_chaincode
  fabric_start_chaincode
  if [ -f "$FABRIC_READY_MARKER" ]; then
    fabric_wait_for_raft_leader
  else
    fabric_create_network
    touch "$FABRIC_READY_MARKER"
  fi
}

# Stops or starts one organisation's peer (e.g. to test how clients live through a peer outage).
fabric_peer() { # stop|start, org
  fabric_setup_vars
  case "$1" in
    stop) fabric_org "$2"; fabric_stop_process "peer $PEER_NAME" "$PEER_DATA/peer.pid" ;;
    start) fabric_start_peer "$2" ;;
    *) fail "fabric-peer stop|start <org>" ;;
  esac
}

fabric_stop_process() { # name, pid file
  [ -f "$2" ] || return 0
  local pid; pid="$(cat "$2")"
  if kill -0 "$pid" 2>/dev/null; then
    step "Stopping $1 (pid $pid)"
    kill "$pid"
    local i
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$2"
}

fabric_stop() {
  fabric_setup_vars
  fabric_stop_process "chaincode $FABRIC_CHAINCODE" "$CHAINCODE_DIR/server.pid"
  local org
  for org in "${FABRIC_PEER_ORGS[@]}"; do
    fabric_org "$org"
    fabric_stop_process "peer $PEER_NAME" "$PEER_DATA/peer.pid"
  done
  fabric_stop_process orderer "$ORDERER_DATA/orderer.pid"
}

fabric_status() {
  fabric_setup_vars
  local ok=0 org
  if port_open "$ORDERER_PORT"; then info "orderer   up    127.0.0.1:$ORDERER_PORT  ($ORDERER_DATA)"; else info "orderer   down  127.0.0.1:$ORDERER_PORT"; ok=1; fi
  for org in "${FABRIC_PEER_ORGS[@]}"; do
    fabric_org "$org"
    if port_open "$PEER_PORT"; then info "peer      up    127.0.0.1:$PEER_PORT  ($PEER_NAME)"; else info "peer      down  127.0.0.1:$PEER_PORT  ($PEER_NAME)"; ok=1; fi
  done
  if port_open "$CHAINCODE_PORT"; then info "chaincode up    127.0.0.1:$CHAINCODE_PORT  ($FABRIC_CHAINCODE)"; else info "chaincode down  127.0.0.1:$CHAINCODE_PORT  ($FABRIC_CHAINCODE)"; ok=1; fi
  return $ok
}

# What a Fabric client needs: per organisation the gateway peer, its TLS CA, the MSP id and a user's cert and key.
fabric_print_env() {
  fabric_setup_vars
  cat <<ENV
FABRIC_CHANNEL=$FABRIC_CHANNEL
FABRIC_CHAINCODE=$FABRIC_CHAINCODE
FABRIC_ORGS=$(IFS=,; echo "${FABRIC_PEER_ORGS[*]}")
FABRIC_ORDERER_ENDPOINT=127.0.0.1:$ORDERER_PORT
FABRIC_ORDERER_TLS_CA_CERT=$ORDERER_NODE/tls/ca.crt
ENV
  local org prefix
  for org in "${FABRIC_PEER_ORGS[@]}"; do
    fabric_org "$org"
    prefix="FABRIC_$(echo "$org" | tr 'a-z' 'A-Z')"
    cat <<ENV
${prefix}_MSP_ID=$PEER_MSP_ID
${prefix}_PEER_ENDPOINT=127.0.0.1:$PEER_PORT
${prefix}_PEER_HOST_ALIAS=$PEER_NAME
${prefix}_TLS_CA_CERT=$PEER_NODE/tls/ca.crt
${prefix}_USER_CERT=$ORG_USER_MSP/signcerts/User1@$ORG_DOMAIN-cert.pem
${prefix}_USER_KEY=$ORG_USER_MSP/keystore/priv_sk
ENV
  done
}
