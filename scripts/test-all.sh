#!/usr/bin/env bash
# Every test of this project, after installing or building whatever is missing (scripts/setup.sh):
# lint and type-check, `npm test` (unit, schema, IAM, the backup engine against real S3 servers),
# `npm run test:openclaw` (the pinned OpenClaw gateway on what the program renders),
# `npm run test:e2e` (the real Pulumi engine on a real Kubernetes control plane, which also runs
# scripts/run-local.sh from an empty home), then a render of every example stack. CI runs exactly
# this (.ci/run, and the GitHub workflows' test jobs). Run it as root: some tests start processes as
# other users, and the system packages come from apt-get.
#
# Usage: scripts/test-all.sh [--no-e2e]
#   --no-e2e  skip `npm run test:e2e` (the pull-request workflows run it in a job of its own)
# Time on 2 cores: about 35 minutes with a warm cache, about 85 minutes cold (docs/ci.md).
set -euo pipefail
cd "$(dirname "$0")/.."

e2e=1
case "${1:-}" in
  "") ;;
  --no-e2e) e2e="" ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "test-all.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

started=$(date +%s)
# GitHub Actions folds these; elsewhere they are plain progress lines with the elapsed time.
group() { printf '::group::%s (at %ss)\n' "$1" "$(($(date +%s) - started))"; }
endgroup() { echo "::endgroup::"; }
# The first line of a command's output, without a pipe into `head`: under pipefail, head exiting
# early kills the writer with SIGPIPE and fails the step at random (exit 141).
first_line() {
  local out
  out=$("$@")
  printf '%s\n' "${out%%$'\n'*}"
}

group "set-up: system packages, npm packages, tools built from Go modules and PyPI (scripts/setup.sh)"
bash scripts/setup.sh tests
first_line rclone version
first_line sqlite3 --version
first_line promtool --version
go version
endgroup

group "lint and type-check"
npm run lint
endgroup

group "npm test"
npm test
endgroup

group "npm run test:openclaw (the pinned OpenClaw's gateway on 127.0.0.1: pod processes, backups of its state)"
npm run test:openclaw
endgroup

if [ -n "$e2e" ]; then
  group "npm run test:e2e (the real Pulumi engine on a real Kubernetes control plane)"
  npm run test:e2e
  endgroup
fi

group "render the example stacks"
for stack in local dev prod; do
  npm run --silent render -- "$stack" --out "$(mktemp -d)/$stack"
done
endgroup
echo "all tests passed in $(($(date +%s) - started))s"
