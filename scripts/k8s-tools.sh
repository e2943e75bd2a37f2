#!/usr/bin/env bash
# Builds (once) and prints the Kubernetes tool chain of the deployment tests and the local trace backend, cached under
# $PEDIGREE_CACHE keyed by version: helm (4, and 3 to keep the chart usable by both), kubeconform, etcd, kube-apiserver, the Kubernetes JSON schemas and
# CloudNativePG's CRDs, Strimzi's API model, Jaeger. The first run builds from the Go module proxy (minutes, progress on stderr); later
# runs only check the cache.
#   scripts/k8s-tools.sh [ensure] [all|kubernetes|jaeger]   build what is missing
#   scripts/k8s-tools.sh env                                 print the tools' paths as KEY=value lines
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/k8s.sh"

command="${1:-ensure}"
[ "$command" = ensure ] || [ "$command" = env ] || { command=ensure; set -- ensure "$@"; }
what="${2:-all}"

if [ "$command" = env ]; then
  echo "HELM_BIN=$(helm_bin)"
  echo "HELM3_BIN=$(helm3_bin)"
  echo "KUBECONFORM_BIN=$(kubeconform_bin)"
  echo "ETCD_BIN=$(etcd_bin)"
  echo "KUBE_APISERVER_BIN=$(kube_apiserver_bin)"
  echo "KUBERNETES_VERSION=$KUBERNETES_VERSION"
  echo "KUBERNETES_SCHEMAS_DIR=$(kubernetes_schemas_dir)"
  echo "CNPG_CRDS_DIR=$(cnpg_crds_dir)"
  echo "STRIMZI_API_LIBS=$(strimzi_api_libs_dir)"
  echo "JAEGER_BIN=$(jaeger_bin)"
  exit 0
fi

ensure_node
started=$(date +%s)
case "$what" in
  kubernetes | all)
    ensure_helm
    ensure_helm3
    ensure_kubeconform
    ensure_cnpg_crds
    ensure_kubernetes_schemas
    ensure_strimzi_api
    ensure_etcd
    ensure_kube_apiserver
    ;;&
  jaeger | all) ensure_jaeger ;;
  kubernetes) ;;
  *) fail "unknown set '$what' (all, kubernetes or jaeger)" ;;
esac
info "Kubernetes tools ready in $(($(date +%s) - started)) s"
