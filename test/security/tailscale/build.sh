#!/usr/bin/env bash
# Builds `tailscale` and `tailscaled` from Go modules into a cache outside the
# repository, keyed by version and this recipe, for
# test/security/tailscale-localapi.test.ts. A warm run takes a second; a cold
# one several minutes (the module graph is large).
#
# Usage: test/security/tailscale/build.sh [--check]
#   --check  build nothing: exit 1 unless the binaries are cached
# The last line of stdout is the folder holding both binaries. Progress on stderr.
# Cache: $OPENCLAW_FLEET_CACHE, default ~/.cache/openclaw-fleet
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${OPENCLAW_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openclaw-fleet}
recipe=$(cat "$here/build.sh" "$here/versions.env" | sha256sum | cut -c1-12)
out="$cache/security-tools/tailscale-$TAILSCALE_VERSION-$recipe"
started=$(date +%s)
say() { printf '[tailscale %4ss] %s\n' "$(($(date +%s) - started))" "$*" >&2; }

if [ -x "$out/tailscale" ] && [ -x "$out/tailscaled" ]; then
  echo "$out"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  say "not built: run test/security/tailscale/build.sh (needs Go 1.26 and the Go module proxy; CI's .ci/run does this)"
  exit 1
fi
if ! command -v go >/dev/null 2>&1; then
  say "go is not installed: install Go 1.26 (https://go.dev/doc/install); tailscale is built from Go modules"
  exit 1
fi

export GOMODCACHE="$cache/gomod" GOCACHE="$cache/gobuild" GOFLAGS=-modcacherw GOTOOLCHAIN=local CGO_ENABLED=0
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}
tmp=$(mktemp -d "$cache/security-tools/.tailscale.XXXXXX" 2>/dev/null || { mkdir -p "$cache/security-tools" && mktemp -d "$cache/security-tools/.tailscale.XXXXXX"; })
trap 'rm -rf "$tmp"' EXIT
for cmd in tailscale tailscaled; do
  say "building $TAILSCALE_MODULE/cmd/$cmd@$TAILSCALE_VERSION"
  if ! GOBIN="$tmp" go install "$TAILSCALE_MODULE/cmd/$cmd@$TAILSCALE_VERSION"; then
    say "FAILED: go install of module $TAILSCALE_MODULE@$TAILSCALE_VERSION, command cmd/$cmd (scroll up for the go command's error)"
    exit 1
  fi
done
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
say "done: $out"
echo "$out"
