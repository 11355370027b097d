#!/usr/bin/env bash
# Builds every binary the end-to-end suite runs, from Go modules, into a cache
# outside the repository keyed by versions:
#
#   pulumi                         the CLI (github.com/pulumi/pulumi/pkg/v3)
#   pulumi-language-nodejs         our language host (./langhost; see docs/e2e.md)
#   pulumi-resource-pulumi-nodejs  the dynamic-provider shim (from the sdk/v3 module)
#   pulumi-resource-kubernetes     the Kubernetes provider
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd
#                                  one binary (./kube) under five names
#   kwok                           fake nodes and pod lifecycle
#
# A tool is rebuilt only when its version or its recipe (this script, its own
# sources) changes; a warm run takes seconds. The last line of stdout is the
# folder holding all the binaries, for PATH.
#
# Usage: test/e2e/toolchain/build.sh [all|cli]   (progress on stderr)
#   all  every binary above (the default)
#   cli  only what `pulumi` needs to run this program: the CLI, the language host, the dynamic-provider
#        shim and the Kubernetes provider (scripts/run-local.sh, where no Pulumi CLI is installed)
# GO_TOOLS_CHECK_ONLY=1: build nothing; exit 3 naming what is missing.
# Cache: $OPENCLAW_FLEET_CACHE, default ~/.cache/openclaw-fleet
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../support/go-tools.sh
source "$here/../../support/go-tools.sh"
go_tools_init toolchain
go_tools_check_only || need_go
# shellcheck source=versions.env
source "$here/versions.env"
mkdir -p "$cache/tools"

# writable_copy <module dir> <dest>: a module zip is read-only and its go.mod
# points at sibling folders that the zip does not carry; builds edit a copy.
writable_copy() {
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  cp -R "$1" "$2"
  chmod -R u+w "$2"
}

# build_once <name> <version> <dir> <function>: go-tools.sh's build_recipe_once for this script.
build_once() { build_recipe_once "$@" test/e2e/toolchain/build.sh; }
tool_dir() { recipe_dir "$@"; }

build_pulumi() {
  local out=$1 module="github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" src
  step_module=$module
  src=$(module_dir "$module")
  writable_copy "$src" "$out/src"
  step_what="drop the pkg module's replace of sdk/v3 by ../sdk and require sdk v$PULUMI_VERSION"
  (cd "$out/src" && go mod edit -dropreplace=github.com/pulumi/pulumi/sdk/v3 -require="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION")
  step_what="go build ./cmd/pulumi"
  (cd "$out/src" && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$out/bin/pulumi" ./cmd/pulumi)
  # The dynamic-provider shim ships as a script in the sdk module; zips drop its exec bit.
  step_module="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
  step_what="copy nodejs/dist/pulumi-resource-pulumi-nodejs"
  local sdk
  sdk=$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION")
  install -m 0755 "$sdk/nodejs/dist/pulumi-resource-pulumi-nodejs" "$out/bin/pulumi-resource-pulumi-nodejs"
  rm -rf "$out/src"
}

build_langhost() {
  local out=$1
  step_module="./langhost (github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION)"
  step_what="go build ./langhost"
  (cd "$here/langhost" && go build -trimpath -ldflags "-s -w -X main.version=$PULUMI_VERSION" -o "$out/bin/pulumi-language-nodejs" .)
}

build_kubernetes_provider() {
  local out=$1 module="github.com/pulumi/pulumi-kubernetes/provider/v4@$KUBERNETES_PROVIDER_MODULE_VERSION" src
  step_module=$module
  src=$(module_dir "$module")
  writable_copy "$src" "$out/src"
  step_what="drop the provider's replace of sdk/v4 by ../sdk and require sdk $KUBERNETES_PROVIDER_SDK_VERSION"
  (cd "$out/src" && go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 \
    -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@$KUBERNETES_PROVIDER_SDK_VERSION")
  # schema-embed.json and terraform-mapping-embed.json are gitignored upstream: make them.
  step_what="go run generate.go (schema-embed.json)"
  (cd "$out/src/cmd/pulumi-resource-kubernetes" && VERSION="${KUBERNETES_PROVIDER_MODULE_VERSION#v}" GOFLAGS="$GOFLAGS -mod=mod" go run generate.go)
  step_what="go build ./cmd/pulumi-resource-kubernetes"
  (cd "$out/src" && GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${KUBERNETES_PROVIDER_MODULE_VERSION#v}" \
    -o "$out/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
  rm -rf "$out/src"
}

build_kube() {
  local out=$1 minor=${KUBERNETES_VERSION#*.}
  minor=${minor%%.*}
  step_module="./kube (k8s.io/kubernetes@v$KUBERNETES_VERSION)"
  step_what="check that kube/go.mod requires k8s.io/kubernetes v$KUBERNETES_VERSION"
  grep -q "k8s.io/kubernetes v$KUBERNETES_VERSION\$" "$here/kube/go.mod"
  step_what="go build ./kube"
  # Without version ldflags the apiserver reports v0.0.0, which clients (the Kubernetes provider) refuse.
  local v="v$KUBERNETES_VERSION" flags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  (cd "$here/kube" && go build -trimpath -tags osusergo -ldflags "-s -w $flags" -o "$out/bin/kube" .)
  local alias
  for alias in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd; do
    ln -sf kube "$out/bin/$alias"
  done
}

build_kwok() {
  local out=$1
  step_module="sigs.k8s.io/kwok@$KWOK_VERSION"
  step_what="go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  GOBIN="$out/bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # The stage definitions (node heartbeat, pod ready, ...) ship in the module, not the binary.
  step_what="copy kustomize/stage from the module"
  local src
  src=$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")
  mkdir -p "$out/stages"
  cp -R "$src/kustomize/stage/." "$out/stages/"
  chmod -R u+w "$out/stages"
}

what=${1:-all}
case "$what" in
  all | cli) ;;
  *) say "unknown set '$what' (all or cli)"; exit 2 ;;
esac
go_tools_check_only || say "go: $(go version), cache: $cache"
dirs=()
d=$(tool_dir pulumi "$PULUMI_VERSION" build_pulumi); build_once pulumi "$PULUMI_VERSION" "$d" build_pulumi; dirs+=("$d")
d=$(tool_dir langhost "$PULUMI_VERSION" build_langhost "$here"/langhost/*.go "$here/langhost/go.mod" "$here/langhost/go.sum")
build_once pulumi-language-nodejs "$PULUMI_VERSION" "$d" build_langhost; dirs+=("$d")
d=$(tool_dir kubernetes-provider "$KUBERNETES_PROVIDER_MODULE_VERSION" build_kubernetes_provider)
build_once pulumi-resource-kubernetes "$KUBERNETES_PROVIDER_MODULE_VERSION" "$d" build_kubernetes_provider; dirs+=("$d")
kwok_dir=""
if [ "$what" = all ]; then
  d=$(tool_dir kube "$KUBERNETES_VERSION" build_kube "$here"/kube/*.go "$here/kube/go.mod" "$here/kube/go.sum")
  build_once kubernetes "$KUBERNETES_VERSION" "$d" build_kube; dirs+=("$d")
  kwok_dir=$(tool_dir kwok "$KWOK_VERSION" build_kwok); build_once kwok "$KWOK_VERSION" "$kwok_dir" build_kwok; dirs+=("$kwok_dir")
fi
exit_if_missing

# One folder for PATH, named by the tools it links, so two checkouts never clash.
key=$(printf '%s\n' "${dirs[@]}" | sha256sum | cut -c1-12)
bin="$cache/bin-$key"
if [ ! -d "$bin" ]; then
  tmp="$bin.tmp.$$"
  mkdir -p "$tmp"
  for dir in "${dirs[@]}"; do
    for f in "$dir"/bin/*; do ln -s "$f" "$tmp/$(basename "$f")"; done
  done
  [ -z "$kwok_dir" ] || ln -s "$kwok_dir/stages" "$tmp/kwok-stages"
  mv "$tmp" "$bin"
fi
touch "$bin"
# Builds of other versions or recipes that no run has used for 30 days go (a few GB each).
find "$cache/tools" -mindepth 2 -maxdepth 2 -name .used -mtime +30 -printf '%h\n' | while read -r stale; do
  say "removing $stale (unused for 30 days)"
  rm -rf "$stale"
done
find "$cache" -mindepth 1 -maxdepth 1 -name 'bin-*' -type d -mtime +30 -exec rm -rf {} +
say "ready: $bin"
echo "$bin"
