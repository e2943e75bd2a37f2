# The Kubernetes tool chain of the deployment tests and the local trace backend, every piece built from the Go module
# proxy and cached under $PEDIGREE_CACHE keyed by version (as Fabric is in common.sh). Sourced after common.sh.
#   helm (v4, the chart stays usable by v3), kubeconform, the Kubernetes JSON schemas of one named release (generated
#   from api/openapi-spec of the k8s.io/kubernetes module), etcd and kube-apiserver (a real API server for the tests),
#   CloudNativePG's CRDs (from its Go module), Jaeger (the trace backend scripts/up.sh starts).

KUBERNETES_VERSION="1.37.2"
ETCD_VERSION="3.6.17"
HELM_VERSION="4.3.2"
# Helm 3 too: the chart stays `apiVersion: v2`, and the deployment tests lint and render it with both majors.
HELM3_VERSION="3.21.4"
KUBECONFORM_VERSION="0.8.0"
CNPG_VERSION="1.29.0"
JAEGER_VERSION="1.75.0"

# One environment for every Go build here: a private module and build cache per tool, nothing written to ~/go.
k8s_go_env() { # dir
  echo GOPATH="$1/gopath" GOCACHE="$1/gocache" GOMODCACHE="$1/gomodcache" GOFLAGS=-modcacherw GOTOOLCHAIN=local GOWORK=off
}

# `go mod download` of one module version; prints its directory in the module cache.
k8s_go_download() { # dir module@version
  local source
  source="$(env $(k8s_go_env "$1") go mod download -json "$2" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [ -d "$source" ] || fail "could not download $2 from the Go module proxy"
  echo "$source"
}

k8s_build_started() { # what version
  step "Building $1 $2 from the Go module proxy (once; cached under $PEDIGREE_CACHE)"
  K8S_BUILD_STARTED=$(date +%s)
}
k8s_build_done() { # what path
  info "$1 built in $(($(date +%s) - K8S_BUILD_STARTED)) s: $2"
}

helm_bin() { echo "$PEDIGREE_CACHE/helm/$HELM_VERSION/bin/helm"; }
helm3_bin() { echo "$PEDIGREE_CACHE/helm/$HELM3_VERSION/bin/helm"; }
ensure_helm_release() { # major version: helm.sh/helm/v<major> built once into the cache, keyed by version
  local major=$1 version=$2
  local dir="$PEDIGREE_CACHE/helm/$version"
  [ -x "$dir/bin/helm" ] && { info "helm $version (cached)"; return; }
  require_command go "install Go 1.26 or newer so that helm $major can be built"
  k8s_build_started helm "$version"
  env $(k8s_go_env "$dir") GOBIN="$dir/bin" go install "helm.sh/helm/v$major/cmd/helm@v$version" ||
    fail "go install helm.sh/helm/v$major/cmd/helm@v$version failed"
  rm -rf "$dir/gocache"
  k8s_build_done helm "$dir/bin/helm"
}
ensure_helm() { ensure_helm_release 4 "$HELM_VERSION"; }
ensure_helm3() { ensure_helm_release 3 "$HELM3_VERSION"; }

kubeconform_bin() { echo "$PEDIGREE_CACHE/kubeconform/$KUBECONFORM_VERSION/bin/kubeconform"; }
ensure_kubeconform() {
  local dir="$PEDIGREE_CACHE/kubeconform/$KUBECONFORM_VERSION"
  [ -x "$(kubeconform_bin)" ] && { info "kubeconform $KUBECONFORM_VERSION (cached)"; return; }
  require_command go "install Go 1.26 or newer so that kubeconform can be built"
  k8s_build_started kubeconform "$KUBECONFORM_VERSION"
  env $(k8s_go_env "$dir") GOBIN="$dir/bin" go install "github.com/yannh/kubeconform/cmd/kubeconform@v$KUBECONFORM_VERSION" ||
    fail "go install kubeconform@v$KUBECONFORM_VERSION failed"
  rm -rf "$dir/gocache"
  k8s_build_done kubeconform "$(kubeconform_bin)"
}

# The k8s.io/kubernetes module of the release: its api/openapi-spec (the schemas) and its cmd/kube-apiserver.
kubernetes_dir() { echo "$PEDIGREE_CACHE/kubernetes/$KUBERNETES_VERSION"; }
kubernetes_source() { k8s_go_download "$(kubernetes_dir)" "k8s.io/kubernetes@v$KUBERNETES_VERSION"; }

etcd_bin() { echo "$PEDIGREE_CACHE/etcd/$ETCD_VERSION/bin/etcd"; }
ensure_etcd() {
  local dir="$PEDIGREE_CACHE/etcd/$ETCD_VERSION"
  [ -x "$(etcd_bin)" ] && { info "etcd $ETCD_VERSION (cached)"; return; }
  require_command go "install Go 1.26 or newer so that etcd can be built"
  k8s_build_started etcd "$ETCD_VERSION"
  # A scratch main module that requires etcd's server module, so the build uses that release's own dependency graph.
  rm -rf "$dir/scratch" && mkdir -p "$dir/scratch" "$dir/bin"
  (
    cd "$dir/scratch"
    env $(k8s_go_env "$dir") go mod init pedigree.local/etcd-build >/dev/null 2>&1
    env $(k8s_go_env "$dir") go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
    env $(k8s_go_env "$dir") go build -trimpath -o "$dir/bin/etcd.partial" go.etcd.io/etcd/server/v3
  ) || fail "building etcd $ETCD_VERSION failed"
  mv "$dir/bin/etcd.partial" "$(etcd_bin)"
  rm -rf "$dir/gocache" "$dir/scratch"
  k8s_build_done etcd "$(etcd_bin)"
}

kube_apiserver_bin() { echo "$(kubernetes_dir)/bin/kube-apiserver"; }
ensure_kube_apiserver() {
  local dir; dir="$(kubernetes_dir)"
  [ -x "$(kube_apiserver_bin)" ] && { info "kube-apiserver $KUBERNETES_VERSION (cached)"; return; }
  require_command go "install Go 1.26 or newer so that kube-apiserver can be built"
  k8s_build_started kube-apiserver "$KUBERNETES_VERSION"
  local source; source="$(kubernetes_source)"
  # The module's go.mod points every k8s.io/* staging module at ./staging/src/…, which a module download does not
  # carry (nested modules are left out): point each at the published module of the same release (v0.<minor>.<patch>).
  rm -rf "$dir/work" && mkdir -p "$dir/work" "$dir/bin"
  cp -r "$source/." "$dir/work/" && chmod -R u+w "$dir/work"
  local staging_version="v0.${KUBERNETES_VERSION#1.}" minor; minor="$(echo "$KUBERNETES_VERSION" | cut -d. -f2)"
  (
    cd "$dir/work"
    # The repository's go.work ties the staging modules together; without them the build is the main module alone.
    rm -rf vendor go.work go.work.sum
    local module
    for module in $(sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' go.mod); do
      env $(k8s_go_env "$dir") go mod edit -dropreplace="$module" -require="$module@$staging_version"
    done
    env $(k8s_go_env "$dir") GOFLAGS="-modcacherw -mod=mod" go mod tidy -e >/dev/null 2>&1 || true
    env $(k8s_go_env "$dir") GOFLAGS="-modcacherw -mod=mod" go build -trimpath \
      -ldflags "-X k8s.io/component-base/version.gitVersion=v$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
      -o "$dir/bin/kube-apiserver.partial" ./cmd/kube-apiserver
  ) || fail "building kube-apiserver $KUBERNETES_VERSION failed"
  mv "$dir/bin/kube-apiserver.partial" "$(kube_apiserver_bin)"
  rm -rf "$dir/gocache" "$dir/work"
  k8s_build_done kube-apiserver "$(kube_apiserver_bin)"
}

# Kubernetes JSON schemas (kubeconform's layout, strict: unknown fields refused) generated from the release's
# api/openapi-spec/swagger.json by scripts/k8s-json-schemas.mjs; the CRDs given are added beside them.
kubernetes_schemas_dir() { echo "$(kubernetes_dir)/schemas"; }
ensure_kubernetes_schemas() {
  local out; out="$(kubernetes_schemas_dir)"
  [ -f "$out/.complete" ] && { info "kubernetes $KUBERNETES_VERSION JSON schemas (cached)"; return; }
  step "Generating the Kubernetes $KUBERNETES_VERSION JSON schemas from api/openapi-spec"
  local source; source="$(kubernetes_source)"
  rm -rf "$out" && mkdir -p "$out"
  node "$PEDIGREE_ROOT/scripts/k8s-json-schemas.mjs" --swagger "$source/api/openapi-spec/swagger.json" \
    --crds "$(cnpg_crds_dir)" --out "$out" || fail "generating the JSON schemas failed"
  touch "$out/.complete"
  info "schemas: $(ls "$out" | wc -l) files in $out"
}

# CloudNativePG's CRDs, shipped in its Go module under config/crd/bases.
cnpg_crds_dir() { echo "$PEDIGREE_CACHE/cloudnative-pg/$CNPG_VERSION/crds"; }
ensure_cnpg_crds() {
  local dir="$PEDIGREE_CACHE/cloudnative-pg/$CNPG_VERSION"
  [ -f "$(cnpg_crds_dir)/.complete" ] && { info "CloudNativePG $CNPG_VERSION CRDs (cached)"; return; }
  step "Fetching CloudNativePG $CNPG_VERSION's CRDs from its Go module"
  local source; source="$(k8s_go_download "$dir" "github.com/cloudnative-pg/cloudnative-pg@v$CNPG_VERSION")"
  rm -rf "$(cnpg_crds_dir)" && mkdir -p "$(cnpg_crds_dir)"
  cp "$source"/config/crd/bases/*.yaml "$(cnpg_crds_dir)/"
  cp "$source/LICENSE" "$(cnpg_crds_dir)/LICENSE"
  echo "github.com/cloudnative-pg/cloudnative-pg@v$CNPG_VERSION config/crd/bases (Apache-2.0)" >"$(cnpg_crds_dir)/ORIGIN"
  rm -rf "$dir/gomodcache"
  touch "$(cnpg_crds_dir)/.complete"
  info "CloudNativePG CRDs: $(ls "$(cnpg_crds_dir)"/*.yaml | wc -l) in $(cnpg_crds_dir)"
}

jaeger_bin() { echo "$PEDIGREE_CACHE/jaeger/$JAEGER_VERSION/bin/jaeger"; }
ensure_jaeger() {
  local dir="$PEDIGREE_CACHE/jaeger/$JAEGER_VERSION"
  [ -x "$(jaeger_bin)" ] && { info "jaeger $JAEGER_VERSION (cached)"; return; }
  require_command go "install Go 1.26 or newer so that Jaeger (the local trace backend) can be built"
  k8s_build_started jaeger "$JAEGER_VERSION"
  rm -rf "$dir/scratch" && mkdir -p "$dir/scratch" "$dir/bin"
  (
    cd "$dir/scratch"
    env $(k8s_go_env "$dir") go mod init pedigree.local/jaeger-build >/dev/null 2>&1
    env $(k8s_go_env "$dir") go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@v$JAEGER_VERSION"
    env $(k8s_go_env "$dir") go build -trimpath -o "$dir/bin/jaeger.partial" github.com/jaegertracing/jaeger/cmd/jaeger
  ) || fail "building jaeger $JAEGER_VERSION failed"
  mv "$dir/bin/jaeger.partial" "$(jaeger_bin)"
  rm -rf "$dir/gocache" "$dir/scratch"
  k8s_build_done jaeger "$(jaeger_bin)"
}

# Strimzi's Java API model (io.strimzi:api) from Maven Central: its CRDs are not obtainable here, so k8s/kafka/ is
# checked by parsing it with the operator's own model (scripts/strimzi/StrimziResources.java).
STRIMZI_VERSION="0.51.0"
STRIMZI_JACKSON_VERSION="2.18.3"
strimzi_api_libs_dir() { echo "$PEDIGREE_CACHE/strimzi-api/$STRIMZI_VERSION/libs"; }
ensure_strimzi_api() {
  local libs; libs="$(strimzi_api_libs_dir)"
  [ -f "$libs/.complete" ] && { info "Strimzi API model $STRIMZI_VERSION (cached)"; return; }
  require_command mvn "install Maven (Debian: apt-get install maven) so that Strimzi's API model can be resolved"
  require_command java "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"
  step "Resolving Strimzi's API model io.strimzi:api:$STRIMZI_VERSION from Maven Central"
  local work; work="$(mktemp -d)"
  sed -e "s/@STRIMZI_VERSION@/$STRIMZI_VERSION/" -e "s/@JACKSON_VERSION@/$STRIMZI_JACKSON_VERSION/" \
    "$PEDIGREE_ROOT/scripts/config/strimzi-api.pom.xml" >"$work/pom.xml"
  rm -rf "$libs" && mkdir -p "$libs"
  (cd "$work" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs") ||
    fail "Maven could not resolve io.strimzi:api:$STRIMZI_VERSION"
  rm -rf "$work"
  touch "$libs/.complete"
  info "Strimzi API model: $(ls "$libs" | wc -l) jars in $libs"
}
