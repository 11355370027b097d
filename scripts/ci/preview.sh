#!/usr/bin/env bash
# The pull-request preview of one stack, as .github/workflows/preview.yml runs it: `pulumi preview`
# with the policy pack and the diff, and the pull-request comment that shows it, written to a file
# (the workflow posts it; test/e2e/workflow-scripts.e2e.ts runs this on the local stack).
#
# Usage: scripts/ci/preview.sh <stack> [comment file]   (default comment file: out/preview-<stack>.md)
# Environment: PULUMI_STACK_PREFIX (e.g. "my-org/openclaw-fleet/" for Pulumi Cloud; empty for a
# self-managed backend), EXTRA_PREVIEW_ARGS (more `pulumi preview` flags, split on spaces).
# Exit status: the preview's. The comment is written in every case, a failed preview's included.
set -euo pipefail
cd "$(dirname "$0")/../.."

stack=${1:?usage: scripts/ci/preview.sh <stack> [comment file]}
comment=${2:-out/preview-$stack.md}
mkdir -p "$(dirname "$comment")"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# shellcheck disable=SC2086 # EXTRA_PREVIEW_ARGS is a list of flags
set +e
pulumi preview --non-interactive --color never --stack "${PULUMI_STACK_PREFIX:-}$stack" \
  --diff --suppress-outputs --policy-pack policy ${EXTRA_PREVIEW_ARGS:-} >"$log" 2>&1
status=$?
set -e
cat "$log"

# GitHub refuses comments over 65,536 characters; the whole log stays in the job's output.
limit=60000
{
  printf '<!-- openclaw-fleet:preview:%s -->\n' "$stack"
  if [ "$status" -eq 0 ]; then
    printf '### Pulumi preview of `%s`: passed\n\n' "$stack"
  else
    printf '### Pulumi preview of `%s`: FAILED (exit %s)\n\n' "$stack" "$status"
  fi
  # The engine's own summary ("Resources:" and the counts under it), and every policy violation.
  awk '/^Resources:/ { on = 1 } on && /^ *$/ { on = 0 } on' "$log"
  grep -E '(mandatory|advisory)\b' "$log" | sed 's/^/    /' || true
  printf '\n<details><summary>Diff and log</summary>\n\n```diff\n'
  head -c "$limit" "$log"
  printf '\n```\n'
  [ "$(wc -c <"$log")" -le "$limit" ] || printf '_Truncated: the whole log is in the job output._\n'
  printf '</details>\n'
} >"$comment"
echo "comment: $comment"
exit "$status"
