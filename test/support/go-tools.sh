# shellcheck shell=bash
# What the recipes of the Go-built test tools share (test/e2e/toolchain, test/toolchain,
# test/tools, test/security/tailscale): one cache root outside the repository, the Go module and
# build caches inside it (so a module downloaded for one tool is never fetched again for another),
# progress lines with the seconds elapsed, and a failure message naming the step that failed.
# Sourced, never run. The recipes of test/toolchain, test/tools and tailscale hash go_tools_init
# with their own files (files_hash); the e2e toolchain hashes each tool's build function only.

# go_tools_init <label>: sets `cache` and the go environment, starts the clock, arms the ERR trap.
# The recipe keeps step_tool, step_module and step_what current for the failure message.
go_tools_init() {
  GO_TOOLS_LABEL=$1
  GO_TOOLS_STARTED=$(date +%s)
  cache=${OPENCLAW_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openclaw-fleet}
  export GOMODCACHE="$cache/gomod" GOCACHE="$cache/gobuild" GOFLAGS=-modcacherw GOTOOLCHAIN=local
  export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}
  mkdir -p "$GOMODCACHE" "$GOCACHE"
  step_tool="" step_module="" step_what=""
  # errtrace: the steps run inside the recipe's functions, where an ERR trap is otherwise not seen.
  set -o errtrace
  trap go_tools_on_error ERR
}

# GO_TOOLS_CHECK_ONLY=1 (scripts/setup.sh --check, and tests that must never build): a recipe
# builds nothing; each tool it would build is named by `not_built`, and `exit_if_missing` at the
# end exits 3 if any was. With everything cached, the recipe prints what it always prints.
go_tools_check_only() { [ -n "${GO_TOOLS_CHECK_ONLY:-}" ]; }

# not_built <what>: in check-only mode, say that <what> is missing and remember it; returns 0 there.
# Elsewhere returns 1, so a recipe writes `not_built "x" && return`.
GO_TOOLS_MISSING=0
not_built() {
  go_tools_check_only || return 1
  say "missing: $1"
  GO_TOOLS_MISSING=$((GO_TOOLS_MISSING + 1))
}

# exit_if_missing: in check-only mode, exit 3 if anything was missing.
exit_if_missing() {
  [ "$GO_TOOLS_MISSING" -eq 0 ] || exit 3
}

# need_go: before the first go command (a warm cache needs none).
need_go() {
  command -v go >/dev/null 2>&1 && return
  say "go is not installed: install Go 1.26 (https://go.dev/doc/install); these tools are built from Go modules"
  exit 1
}

say() {
  printf '[%s %4ss] %s\n' "$GO_TOOLS_LABEL" "$(($(date +%s) - GO_TOOLS_STARTED))" "$*" >&2
}

# A failure inside $(...) or ( ... ) reaches this trap in that subshell first, then in each shell
# around it: the innermost knows the step and says it, the others only pass the exit on ($$ is the
# recipe's own PID in all of them).
go_tools_on_error() {
  local code=$? said="${TMPDIR:-/tmp}/go-tools-failed.$$"
  if [ ! -e "$said" ]; then
    say "FAILED: $step_tool: $step_what (module $step_module, exit $code); the go command's own error is above"
    : >"$said"
  fi
  [ "$BASHPID" != "$$" ] || rm -f "$said"
  exit "$code"
}

# module_dir <module@version>: download (once) and print the module's read-only folder. go reports
# a failure inside its JSON, on stdout; it is shown on stderr.
module_dir() {
  local json
  step_what="go mod download $1"
  if ! json=$(go mod download -json "$1"); then
    printf '%s\n' "$json" | sed -n 's/^\t"Error": "\(.*\)",\{0,1\}$/go: \1/p' >&2
    return 1
  fi
  printf '%s\n' "$json" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}

# files_hash <file...>: the first 12 hex digits of the files' sha256, with go_tools_init's body (the
# go environment every build runs in). The rest of this library (messages, check-only mode) shapes
# no binary, so editing it rebuilds nothing.
files_hash() {
  { declare -f go_tools_init; cat "$@"; } | sha256sum | cut -c1-12
}

# --- Builds cached per version and recipe (test/e2e/toolchain, test/e2e/node) -------------------

# recipe_hash <build function> [files...]: the function's body as bash sees it and the files it
# builds from; editing anything else in a recipe rebuilds nothing.
recipe_hash() {
  local fn=$1
  shift
  { declare -f "$fn"; for f in "$@"; do cat "$f"; done; } | sha256sum | cut -c1-12
}

# recipe_dir <name> <version> <build function> [files...]: the cache folder of one build.
recipe_dir() {
  local name=$1 version=$2 fn=$3
  shift 3
  printf '%s/tools/%s-%s-%s' "$cache" "$name" "$version" "$(recipe_hash "$fn" "$@")"
}

# build_recipe_once <name> <version> <dir> <build function> <script>: run the function unless
# <dir>/.done exists (a failed or interrupted build leaves none); in check-only mode, name it.
build_recipe_once() {
  local name=$1 version=$2 dir=$3 fn=$4 script=$5 t0
  step_tool="$name $version"
  if [ -f "$dir/.done" ]; then
    touch "$dir/.used"
    say "$name $version: cached ($dir)"
    return
  fi
  not_built "$name $version ($script)" && return
  say "$name $version: building (cold builds of the big ones take 10-25 minutes on 2 cores)..."
  t0=$(date +%s)
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  "$fn" "$dir"
  touch "$dir/.done" "$dir/.used"
  say "$name $version: built in $(($(date +%s) - t0))s"
}
