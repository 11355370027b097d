#!/usr/bin/env bash
# Builds one Go test tool of test/tools/<name>/ (module versions pinned in its go.mod and go.sum)
# and prints the binary's path. Cached outside the repository, keyed by the tool name and a hash of
# its recipe (go.mod, go.sum, *.go, this script and the Go version): a warm run takes well under a
# second, a cold one downloads the modules and compiles (about a minute and a half here).
#   bash test/tools/build.sh grafana-dashboard-check
#   bash test/tools/build.sh otelcol
# GO_TOOLS_CHECK_ONLY=1: build nothing, exit 3 unless cached.
set -euo pipefail
name=${1:?usage: build.sh <tool under test/tools>}
here=$(cd "$(dirname "$0")" && pwd)
src="$here/$name"
[ -f "$src/go.mod" ] || { echo "build.sh: no Go tool at $src" >&2; exit 2; }
# shellcheck source=../support/go-tools.sh
source "$here/../support/go-tools.sh"
go_tools_init "tools/$name"
need_go
recipe=$(files_hash "$src/go.mod" "$src/go.sum" "$src"/*.go "$here/build.sh" <(go version))
bin="$cache/tools/$name-$recipe/$name"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
# The first direct requirement names the tool's main module, in a require line or block.
not_built "$name (test/tools/build.sh $name)" && exit_if_missing
step_tool=$name step_module=$(awk '/^require \(/ { b = 1; next } b && /^\)/ { b = 0 } /^require [^(]/ { print $2 "@" $3; exit } b && !/indirect/ { print $1 "@" $2; exit }' "$src/go.mod")
say "building $name ($step_module), recipe $recipe; a cold build takes a minute or two"
mkdir -p "$(dirname "$bin")"
step_what="go mod download"
(cd "$src" && go mod download)
step_what="go build"
(cd "$src" && go build -trimpath -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
say "built $bin"
echo "$bin"
