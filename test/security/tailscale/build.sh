#!/usr/bin/env bash
# Builds `tailscale` and `tailscaled` from Go modules into a cache outside the
# repository, keyed by version and this recipe, for
# test/security/tailscale-localapi.test.ts. A warm run takes a second; a cold
# one several minutes (the module graph is large).
#
# Usage: test/security/tailscale/build.sh   (GO_TOOLS_CHECK_ONLY=1: build nothing, exit 3 unless cached)
# The last line of stdout is the folder holding both binaries. Progress on stderr.
# Cache: $OPENCLAW_FLEET_CACHE, default ~/.cache/openclaw-fleet
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../support/go-tools.sh
source "$here/../../support/go-tools.sh"
go_tools_init tailscale
# shellcheck source=versions.env
source "$here/versions.env"
export CGO_ENABLED=0
out="$cache/security-tools/tailscale-$TAILSCALE_VERSION-$(files_hash "$here/build.sh" "$here/versions.env")"

if [ -x "$out/tailscale" ] && [ -x "$out/tailscaled" ]; then
  echo "$out"
  exit 0
fi
not_built "tailscale and tailscaled $TAILSCALE_VERSION (test/security/tailscale/build.sh)" && exit_if_missing
need_go
mkdir -p "$cache/security-tools"
tmp=$(mktemp -d "$cache/security-tools/.tailscale.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for cmd in tailscale tailscaled; do
  step_tool="tailscale $TAILSCALE_VERSION" step_module="$TAILSCALE_MODULE@$TAILSCALE_VERSION" step_what="go install ./cmd/$cmd"
  say "building $TAILSCALE_MODULE/cmd/$cmd@$TAILSCALE_VERSION"
  GOBIN="$tmp" go install "$TAILSCALE_MODULE/cmd/$cmd@$TAILSCALE_VERSION"
done
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
say "done: $out"
echo "$out"
