#!/usr/bin/env bash
# The main job on the `local` stack, as a user runs it: `pulumi preview`, then `pulumi up`, which
# writes the stack's Kubernetes manifests to rendered/local (renderYamlToDirectory: no cluster, no
# cloud). Installs the npm packages first if needed, and uses the Pulumi CLI on PATH or, where none
# is installed, the one test/e2e/toolchain builds from Go modules (about 15 minutes the first time,
# cached in ~/.cache/openclaw-fleet).
#
# Usage: scripts/run-local.sh [--preview-only]
# Environment: PULUMI_BACKEND_URL (default: `pulumi login --local`, i.e. ~/.pulumi of this user),
# PULUMI_CONFIG_PASSPHRASE (default: the local stack's throw-away passphrase; never reuse it).
set -euo pipefail
cd "$(dirname "$0")/.."

up=1
case "${1:-}" in
  "") ;;
  --preview-only) up="" ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "run-local.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

bash scripts/setup.sh local
if ! command -v pulumi >/dev/null 2>&1; then
  # setup.sh built it: the same recipe, warm now, prints the folder.
  built=$(bash test/e2e/toolchain/build.sh cli 2>/dev/null)
  export PATH="${built##*$'\n'}:$PATH"
  # Plugins are on PATH next to it; nothing is downloaded.
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
fi
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE:-openclaw-local-only}

echo "pulumi: $(command -v pulumi) ($(pulumi version))"
[ -n "${PULUMI_BACKEND_URL:-}" ] || pulumi login --local
pulumi --non-interactive stack select local --create
pulumi --non-interactive preview -s local
if [ -n "$up" ]; then
  pulumi --non-interactive up -s local --yes
  echo "manifests: $(pwd)/rendered/local"
fi
