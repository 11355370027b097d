#!/bin/sh
# openclaw-backup: point-in-time, incremental, verified backups of OpenClaw state to S3 via rclone.
#
#   openclaw-backup.sh backup | restore | prune | list | verify [SNAPSHOT] | help
#
# Configuration is environment only (secrets never on a command line): see docs/backups.md.
# Runs under busybox sh (rclone/rclone image), dash and any POSIX host shell with rclone on PATH.
set -eu
# Bytes, not characters: names are matched and escaped byte by byte (names.sh).
export LC_ALL=C

ENGINE_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
ENGINE_SCRIPT=${0##*/}
# shellcheck source=lib.sh
. "$ENGINE_DIR/lib.sh"
# shellcheck source=names.sh
. "$ENGINE_DIR/names.sh"
# shellcheck source=pool.sh
. "$ENGINE_DIR/pool.sh"
# shellcheck source=packs.sh
. "$ENGINE_DIR/packs.sh"
# shellcheck source=backup.sh
. "$ENGINE_DIR/backup.sh"
# shellcheck source=prune.sh
. "$ENGINE_DIR/prune.sh"
# shellcheck source=restore.sh
. "$ENGINE_DIR/restore.sh"

usage() {
  cat <<'USAGE'
usage: openclaw-backup.sh <command>
  backup            snapshot OCB_SOURCES to <bucket>/<prefix><tenant>/<instance>/<kind>/<time>/, then prune
  restore           restore OCB_RESTORE_FROM into the OCB_SOURCES directories (current data kept aside)
  prune             apply retention to the instance's snapshots, remove stale incomplete ones
  list              print the instance's complete snapshots
  verify [SNAP]     re-read a snapshot and check every byte against its manifest
Environment: see docs/backups.md. Exit codes: 2 usage/config, 3 store/transfer, 4 not found,
5 verification/passphrase, 6 target not safe.
USAGE
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

OCB_CMD=${1:-}
[ $# -gt 0 ] && shift
case "$OCB_CMD" in
  backup) cmd_backup ;;
  restore) cmd_restore ;;
  prune) cmd_prune ;;
  list) cmd_list ;;
  verify) cmd_verify "$@" ;;
  # Internal: run by find/xargs during a backup's scan (names.sh), never by hand.
  _odd-entries) odd_entries "$@" ;;
  help | -h | --help) usage ;;
  *)
    usage >&2
    die "$E_USAGE" "unknown command '${OCB_CMD}'"
    ;;
esac
