#!/usr/bin/env bash
# The deploy of one stack, as .github/workflows/pulumi-up.yml runs it: `pulumi up` with the policy
# pack and the diff, non-interactive (test/e2e/workflow-scripts.e2e.ts runs it on the local stack).
#
# Usage: scripts/ci/up.sh <stack> [message]
# Environment: PULUMI_STACK_PREFIX (see scripts/ci/preview.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

stack=${1:?usage: scripts/ci/up.sh <stack> [message]}
message=${2:-}
exec pulumi up --non-interactive --color never --yes --stack "${PULUMI_STACK_PREFIX:-}$stack" \
  --diff --suppress-outputs --policy-pack policy ${message:+--message "$message"}
