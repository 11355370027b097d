#!/usr/bin/env bash
# Builds the exact binaries the backup image ships, from their Go modules, into a cache outside
# the repository keyed by version and recipe, so the engine tests run what the pods run:
#
#   rclone   github.com/rclone/rclone        (the rclone/rclone image's version, images.ts)
#   restic   github.com/restic/restic        (bench only: the engine comparison)
#   moto     moto[server] from PyPI, in a venv (the second S3 implementation of the tests)
#
# Usage: test/toolchain/build.sh [rclone|restic|moto|tests|all]   (default: tests = rclone and moto)
# GO_TOOLS_CHECK_ONLY=1: build nothing, fail (exit 3) naming what is missing (the tests use it).
# Progress goes to stderr; the last line of stdout is the folder holding the binaries, for PATH.
# A warm run takes well under a second. Cache: $OPENCLAW_FLEET_CACHE, default ~/.cache/openclaw-fleet
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../support/go-tools.sh
source "$here/../support/go-tools.sh"
go_tools_init engine-tools
# shellcheck source=versions.env
source "$here/versions.env"
export CGO_ENABLED=0
mkdir -p "$cache/engine-tools"

recipe_hash() { files_hash "$here/build.sh" "$here/versions.env"; }
tool_dir() { printf '%s/engine-tools/%s-%s-%s' "$cache" "$1" "$2" "$(recipe_hash)"; }

# build_once NAME VERSION MODULE PACKAGE LDFLAGS: `go install`-style build of one main package at
# the module's own go.sum (go build in a scratch module would re-resolve dependencies).
build_once() {
  local name=$1 version=$2 module=$3 pkg=$4 ldflags=$5 dir src t0
  dir=$(tool_dir "$name" "$version")
  step_tool="$name $version" step_module="$module@v$version"
  if [ -x "$dir/bin/$name" ] && [ -f "$dir/.done" ]; then
    say "$name $version: cached ($dir)"
    printf '%s\n' "$dir/bin" >>"$cache/engine-tools/.last-paths.$$"
    return
  fi
  not_built "$name $version (test/toolchain/build.sh $name)" && return
  need_go
  say "$name $version: building from $module@v$version (a cold build takes 5-15 minutes on 2 cores)..."
  t0=$(date +%s)
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  src=$(module_dir "$module@v$version")
  [ -n "$src" ] || { step_what="find the module folder"; false; }
  step_what="go build $pkg"
  (cd "$src" && go build -mod=readonly -trimpath -ldflags "-s -w $ldflags" -o "$dir/bin/$name" "$pkg")
  step_what="run the built binary"
  "$dir/bin/$name" version >&2
  touch "$dir/.done"
  say "$name $version: built in $(($(date +%s) - t0))s"
  printf '%s\n' "$dir/bin" >>"$cache/engine-tools/.last-paths.$$"
}

# install_moto: moto's server in a venv of its own, so the machine's Python stays as it was.
install_moto() {
  local dir t0
  dir=$(tool_dir moto "$MOTO_VERSION")
  step_tool="moto $MOTO_VERSION" step_module="moto[server]==$MOTO_VERSION (PyPI)"
  if [ -x "$dir/bin/moto_server" ] && [ -f "$dir/.done" ]; then
    say "moto $MOTO_VERSION: cached ($dir)"
  else
    not_built "moto $MOTO_VERSION (test/toolchain/build.sh moto)" && return
    say "moto $MOTO_VERSION: installing into a venv..."
    t0=$(date +%s)
    rm -rf "$dir"
    step_what="python3 -m venv"
    python3 -m venv "$dir"
    step_what="pip install moto[server]==$MOTO_VERSION"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
    step_what="run moto_server --help"
    "$dir/bin/moto_server" --help >/dev/null
    touch "$dir/.done"
    say "moto $MOTO_VERSION: installed in $(($(date +%s) - t0))s"
  fi
  printf '%s\n' "$dir/bin" >>"$cache/engine-tools/.last-paths.$$"
}

trap 'rm -f "$cache/engine-tools/.last-paths.$$"' EXIT
: >"$cache/engine-tools/.last-paths.$$"
what=${1:-tests}
case "$what" in
  rclone | tests | all) build_once rclone "$RCLONE_VERSION" github.com/rclone/rclone . "-X github.com/rclone/rclone/fs.Version=v$RCLONE_VERSION" ;;&
  moto | tests | all) install_moto ;;&
  restic | all) build_once restic "$RESTIC_VERSION" github.com/restic/restic ./cmd/restic "-X main.version=$RESTIC_VERSION" ;;
  rclone | moto | tests) ;;
  *) say "unknown tool '$what' (rclone, moto, tests, restic or all)"; exit 2 ;;
esac
exit_if_missing
paste -sd: "$cache/engine-tools/.last-paths.$$"
