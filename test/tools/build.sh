#!/usr/bin/env bash
# Builds one Go test tool of test/tools/<name>/ (module versions pinned in its go.mod and go.sum)
# and prints the binary's path. Cached outside the repository, keyed by the tool name and a hash of
# its recipe (go.mod, go.sum, *.go, this script and the Go version): a warm run takes well under a
# second, a cold one downloads the modules and compiles (about a minute and a half here).
#   bash test/tools/build.sh grafana-dashboard-check
set -euo pipefail
name=${1:?usage: build.sh <tool under test/tools>}
here=$(cd "$(dirname "$0")" && pwd)
src="$here/$name"
[ -f "$src/go.mod" ] || { echo "build.sh: no Go tool at $src" >&2; exit 2; }
command -v go >/dev/null 2>&1 || { echo "build.sh: go is not installed (needed to build $name; Go 1.22 or newer)" >&2; exit 2; }
cache=${OPENCLAW_FLEET_CACHE:-$HOME/.cache/openclaw-fleet}
recipe=$( (cd "$src" && cat go.mod go.sum ./*.go; cat "$here/build.sh"; go version) | sha256sum | cut -c1-16)
bin="$cache/tools/$name-$recipe/$name"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
module=$(awk '/^require / { print $2 "@" $3 }' "$src/go.mod")
echo "build.sh: building $name ($module), recipe $recipe; a cold build takes a minute or two" >&2
export GOMODCACHE=${GOMODCACHE:-$cache/gomod} GOCACHE=${GOCACHE:-$cache/gobuild} GOFLAGS=${GOFLAGS:--modcacherw}
mkdir -p "$(dirname "$bin")"
(cd "$src" && go mod download) || { echo "build.sh: $name: downloading $module failed (step: go mod download)" >&2; exit 1; }
(cd "$src" && go build -trimpath -o "$bin.tmp" .) || { echo "build.sh: $name: compiling against $module failed (step: go build)" >&2; exit 1; }
mv "$bin.tmp" "$bin"
echo "build.sh: built $bin" >&2
echo "$bin"
