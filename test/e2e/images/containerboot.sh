#!/usr/bin/env bash
# Builds tailscale's `containerboot`, the entrypoint of the ghcr.io/tailscale/tailscale image, from
# the same module and version as test/security/tailscale/build.sh (whose module cache it shares),
# for the suite's tailscale image (sidecar-images.ts). Cached outside the repository, keyed by the
# version and this recipe: a warm run takes a second, a cold one a few minutes.
# Usage: test/e2e/images/containerboot.sh   The last line of stdout is the folder holding it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
versions="$here/../../security/tailscale/versions.env"
# shellcheck source=../../support/go-tools.sh
source "$here/../../support/go-tools.sh"
go_tools_init containerboot
# shellcheck source=../../security/tailscale/versions.env
source "$versions"
export CGO_ENABLED=0
out="$cache/images/go/containerboot-$TAILSCALE_VERSION-$(files_hash "$here/containerboot.sh" "$versions")"
if [ -x "$out/containerboot" ]; then
  echo "$out"
  exit 0
fi
need_go
mkdir -p "$cache/images/go"
tmp=$(mktemp -d "$cache/images/go/.containerboot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
step_tool="containerboot $TAILSCALE_VERSION" step_module="$TAILSCALE_MODULE@$TAILSCALE_VERSION" step_what="go install ./cmd/containerboot"
say "building $TAILSCALE_MODULE/cmd/containerboot@$TAILSCALE_VERSION"
GOBIN="$tmp" go install -trimpath -ldflags "-s -w" "$TAILSCALE_MODULE/cmd/containerboot@$TAILSCALE_VERSION"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
say "done: $out"
echo "$out"
