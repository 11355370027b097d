#!/usr/bin/env bash
# Builds the real node of the end-to-end suite from Go modules, into the same cache as
# test/e2e/toolchain/build.sh, keyed by the versions in versions.env and each tool's recipe:
#
#   kubelet, kube-proxy            one binary (./kube) under two names, k8s.io/kubernetes
#   containerd, containerd-shim-runc-v2, ctr
#   runc                           cgo (nsenter) and libseccomp (apt: libseccomp-dev)
#   bridge, host-local, loopback, portmap   CNI plugins (in cni/)
#   kube-router                    its NetworkPolicy firewall only
#   pause                          the pods' sandbox process (./pause, ours)
#   coredns                        cluster DNS (./coredns: CoreDNS with bind, errors, kubernetes)
#
# A warm run takes well under a second. The last line of stdout is the folder holding the
# binaries (CNI plugins in its cni/ subfolder); progress goes to stderr.
#
# Usage: test/e2e/node/build.sh   (GO_TOOLS_CHECK_ONLY=1: build nothing; exit 3 naming what is missing)
# Cache: $OPENCLAW_FLEET_CACHE, default ~/.cache/openclaw-fleet
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../support/go-tools.sh
source "$here/../../support/go-tools.sh"
go_tools_init node
go_tools_check_only || need_go
# shellcheck source=versions.env
source "$here/versions.env"
mkdir -p "$cache/tools"

# tool_dir <name> <version> <build function> <recipe files...>: the cache folder of one build.
# Names start with node- so that they never meet the control plane's.
tool_dir() { recipe_dir "node-$1" "${@:2}"; }
build_once() { build_recipe_once "$@" test/e2e/node/build.sh; }

build_kubenode() {
  local out=$1 minor=${NODE_KUBERNETES_VERSION#*.}
  minor=${minor%%.*}
  step_module="./kube (k8s.io/kubernetes@v$NODE_KUBERNETES_VERSION)"
  step_what="check that kube/go.mod requires k8s.io/kubernetes v$NODE_KUBERNETES_VERSION"
  grep -q "k8s.io/kubernetes v$NODE_KUBERNETES_VERSION\$" "$here/kube/go.mod"
  step_what="go build ./kube"
  # As for the control plane: without these a component reports v0.0.0.
  local v="v$NODE_KUBERNETES_VERSION" flags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  (cd "$here/kube" && go build -trimpath -tags osusergo -ldflags "-s -w $flags" -o "$out/bin/kubenode" .)
  ln -sf kubenode "$out/bin/kubelet"
  ln -sf kubenode "$out/bin/kube-proxy"
}

build_containerd() {
  local out=$1 m=github.com/containerd/containerd/v2
  step_module="$m@$CONTAINERD_VERSION"
  step_what="go install ./cmd/containerd ./cmd/containerd-shim-runc-v2 ./cmd/ctr"
  # Static, without cgo: no btrfs snapshotter (cgo) and no devmapper; overlayfs and native stay.
  CGO_ENABLED=0 GOBIN="$out/bin" go install -trimpath -tags "no_btrfs no_devmapper no_zfs urfave_cli_no_docs osusergo netgo" \
    -ldflags "-s -w -X $m/version.Version=$CONTAINERD_VERSION -X $m/version.Package=$m" \
    "$m/cmd/containerd@$CONTAINERD_VERSION" "$m/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION" "$m/cmd/ctr@$CONTAINERD_VERSION"
}

build_runc() {
  local out=$1
  step_module="github.com/opencontainers/runc@$RUNC_VERSION"
  step_what="check for libseccomp (apt-get install libseccomp-dev)"
  # RuntimeDefault seccomp profiles are what Pod Security restricted asks for: runc must have seccomp.
  pkg-config --exists libseccomp
  step_what="go install github.com/opencontainers/runc@$RUNC_VERSION (cgo, seccomp)"
  # Upstream's default tags but libpathrs (a Rust library not in Debian 12).
  CGO_ENABLED=1 GOBIN="$out/bin" go install -trimpath -tags "seccomp urfave_cli_no_docs" \
    -ldflags "-s -w" "github.com/opencontainers/runc@$RUNC_VERSION"
}

build_cni() {
  local out=$1 m=github.com/containernetworking/plugins
  step_module="$m@$CNI_PLUGINS_VERSION"
  step_what="go install bridge host-local loopback portmap"
  CGO_ENABLED=0 GOBIN="$out/bin" go install -trimpath -ldflags "-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=$CNI_PLUGINS_VERSION" \
    "$m/plugins/main/bridge@$CNI_PLUGINS_VERSION" "$m/plugins/ipam/host-local@$CNI_PLUGINS_VERSION" \
    "$m/plugins/main/loopback@$CNI_PLUGINS_VERSION" "$m/plugins/meta/portmap@$CNI_PLUGINS_VERSION"
}

build_kube_router() {
  local out=$1 m=github.com/cloudnativelabs/kube-router/v2
  step_module="$m@$KUBE_ROUTER_VERSION"
  step_what="go install $m/cmd/kube-router@$KUBE_ROUTER_VERSION"
  CGO_ENABLED=0 GOBIN="$out/bin" go install -trimpath \
    -ldflags "-s -w -X $m/pkg/version.Version=$KUBE_ROUTER_VERSION" "$m/cmd/kube-router@$KUBE_ROUTER_VERSION"
}

build_pause() {
  local out=$1
  step_module="./pause"
  step_what="go build ./pause"
  (cd "$here/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/bin/pause" .)
}

build_coredns() {
  local out=$1
  step_module="./coredns (github.com/coredns/coredns@$COREDNS_VERSION)"
  step_what="check that coredns/go.mod requires github.com/coredns/coredns $COREDNS_VERSION"
  grep -q "github.com/coredns/coredns $COREDNS_VERSION\$" "$here/coredns/go.mod"
  step_what="go build ./coredns"
  (cd "$here/coredns" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/bin/coredns" .)
}

go_tools_check_only || say "go: $(go version), cache: $cache"
dirs=()
d=$(tool_dir kubenode "$NODE_KUBERNETES_VERSION" build_kubenode "$here"/kube/*.go "$here/kube/go.mod" "$here/kube/go.sum")
build_once kubelet+kube-proxy "$NODE_KUBERNETES_VERSION" "$d" build_kubenode; dirs+=("$d")
d=$(tool_dir containerd "$CONTAINERD_VERSION" build_containerd); build_once containerd "$CONTAINERD_VERSION" "$d" build_containerd; dirs+=("$d")
d=$(tool_dir runc "$RUNC_VERSION" build_runc); build_once runc "$RUNC_VERSION" "$d" build_runc; dirs+=("$d")
cni_dir=$(tool_dir cni "$CNI_PLUGINS_VERSION" build_cni); build_once cni-plugins "$CNI_PLUGINS_VERSION" "$cni_dir" build_cni
d=$(tool_dir kube-router "$KUBE_ROUTER_VERSION" build_kube_router); build_once kube-router "$KUBE_ROUTER_VERSION" "$d" build_kube_router; dirs+=("$d")
d=$(tool_dir coredns "$COREDNS_VERSION" build_coredns "$here"/coredns/*.go "$here/coredns/go.mod" "$here/coredns/go.sum")
build_once coredns "$COREDNS_VERSION" "$d" build_coredns; dirs+=("$d")
d=$(tool_dir pause 1 build_pause "$here/pause/main.go" "$here/pause/go.mod"); build_once pause 1 "$d" build_pause; dirs+=("$d")
exit_if_missing

# One folder, named by the builds it links, so two checkouts never clash.
key=$(printf '%s\n' "${dirs[@]}" "$cni_dir" | sha256sum | cut -c1-12)
bin="$cache/node-bin-$key"
if [ ! -d "$bin" ]; then
  tmp="$bin.tmp.$$"
  mkdir -p "$tmp"
  for dir in "${dirs[@]}"; do
    for f in "$dir"/bin/*; do ln -s "$f" "$tmp/$(basename "$f")"; done
  done
  ln -s "$cni_dir/bin" "$tmp/cni"
  mv "$tmp" "$bin"
fi
touch "$bin"
# Node builds no run has used for 30 days go.
find "$cache/tools" -mindepth 2 -maxdepth 2 -path '*/node-*/.used' -mtime +30 -printf '%h\n' | while read -r stale; do
  say "removing $stale (unused for 30 days)"
  rm -rf "$stale"
done
find "$cache" -mindepth 1 -maxdepth 1 -name 'node-bin-*' -type d -mtime +30 -exec rm -rf {} +
say "ready: $bin"
echo "$bin"
