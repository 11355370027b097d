# shellcheck shell=sh
# Shared helpers of the openclaw-backup engine. Sourced by openclaw-backup.sh, never run alone.
# Strict POSIX sh: it runs under busybox ash (rclone image), dash and any host /bin/sh, so no
# `local`, no arrays, no pipefail; every pipeline whose producer can fail writes to a file first.

# Exit codes (documented in docs/backups.md; tests and alerts depend on them).
E_USAGE=2     # bad invocation or configuration
E_STORE=3     # store unreachable, listing/upload/download/delete failed
E_NOTFOUND=4  # snapshot (or restore source) not found
E_VERIFY=5    # checksum, file-set, manifest or passphrase failure
E_TARGET=6    # restore target (or snapshot destination) not safe to write

TAB=$(printf '\t')
CR=$(printf '\r')
NL='
'
KINDS="periodic pre-delete pre-update manual"
MANIFEST_HEADER="#openclaw-backup-manifest v1"
# v2 adds packs (`p` and `l` lines, see packs.sh); a snapshot without packs is still written as v1.
MANIFEST_HEADER_V2="#openclaw-backup-manifest v2"

# v3 adds `o` records: entries carried by their exact bytes (names.sh).
MANIFEST_HEADER_V3="#openclaw-backup-manifest v3"
# v4: the data lives in the instance's pool, shared by its snapshots (pool.sh); every `f` record
# has an `l` record (a pack, or "=<stamp>" for a file stored alone). Written by this engine.
MANIFEST_HEADER_V4="#openclaw-backup-manifest v4"
# v5: the snapshot folder holds an index of manifest chunks ("m TAB stamp TAB sha256 TAB size"),
# stored content-addressed in the pool as manifests/<stamp>/<sha256>; the chunks, in order, are a
# v4 manifest. A backup uploads only the chunks its base does not hold, so an unchanged state costs
# the index (a line per chunk) instead of the whole manifest again. Written by this engine.
MANIFEST_HEADER_V5="#openclaw-backup-manifest v5"

# manifest_format FILE -> prints 1 to 4, or fails for anything else.
manifest_format() {
  case "$(head -n 1 "$1")" in
    "$MANIFEST_HEADER") echo 1 ;;
    "$MANIFEST_HEADER_V2") echo 2 ;;
    "$MANIFEST_HEADER_V3") echo 3 ;;
    "$MANIFEST_HEADER_V4") echo 4 ;;
    "$MANIFEST_HEADER_V5") echo 5 ;;
    *) return 1 ;;
  esac
}

log() {
  printf '%s ocb[%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${OCB_CMD:-engine}" "$*" >&2
}

die() {
  die_code=$1
  shift
  log "ERROR: $*"
  # The documented code wins over a signal that arrives while the run is already ending.
  DIE_CODE=$die_code
  exit "$die_code"
}

# --- validation --------------------------------------------------------------------------------

# Every validator below rejects a value spanning lines first: grep matches line by line, so
# "acme<newline>../other" would pass a per-line pattern while the whole value reaches key paths.
one_line() {
  case "$1" in *"$NL"* | *"$CR"*) return 1 ;; esac
  return 0
}

# Names become S3 key segments and JSON strings unescaped, so keep them to a DNS-like alphabet:
# [a-z0-9] at both ends, [a-z0-9._-] between, at most 63 characters. Shell patterns only, so no
# tool's idea of a "line" can let anything else through.
valid_name() {
  case "$1" in
    '' | *[!a-z0-9._-]* | [!a-z0-9]* | *[!a-z0-9]) return 1 ;;
  esac
  [ "${#1}" -le 63 ]
}

valid_kind() {
  case " $KINDS " in *" $1 "*) return 0 ;; esac
  return 1
}

valid_stamp() {
  case "$1" in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z) return 0 ;;
  esac
  return 1
}

valid_uint() {
  case "$1" in '' | *[!0-9]*) return 1 ;; esac
  return 0
}

# A bucket-relative path made of safe segments: no "..", no empty segments, no spaces.
valid_key_path() {
  one_line "$1" || return 1
  case "$1" in '' | *[!A-Za-z0-9._=+:@/-]* | /* | */ | *//*) return 1 ;; esac
  case "/$1/" in */../* | */./*) return 1 ;; esac
  return 0
}

valid_bucket() {
  case "$1" in '' | *[!a-z0-9.-]* | [!a-z0-9]* | *[!a-z0-9]) return 1 ;; esac
  [ "${#1}" -ge 3 ] && [ "${#1}" -le 63 ]
}

require_env() {
  for require_env_name in "$@"; do
    eval "require_env_val=\${$require_env_name:-}"
    [ -n "$require_env_val" ] || die "$E_USAGE" "$require_env_name is not set; see docs/backups.md for the engine's environment"
  done
}

# Store, bucket and prefix: needed by every subcommand.
load_store_config() {
  require_env OCB_BUCKET RCLONE_CONFIG_STORE_TYPE
  valid_bucket "$OCB_BUCKET" ||
    die "$E_USAGE" "OCB_BUCKET='$OCB_BUCKET' is not a valid S3 bucket name"
  OCB_PREFIX=${OCB_PREFIX-backups/}
  OCB_PREFIX=${OCB_PREFIX#/}
  if [ -n "$OCB_PREFIX" ]; then
    OCB_PREFIX=${OCB_PREFIX%/}/
    valid_key_path "${OCB_PREFIX%/}" ||
      die "$E_USAGE" "OCB_PREFIX='$OCB_PREFIX' must be slash-separated segments of [A-Za-z0-9._=+:@-] (no '..')"
  fi
  # The credentials stay in rclone's own RCLONE_CONFIG_STORE_* variables; we only sanity-check.
  [ "$RCLONE_CONFIG_STORE_TYPE" = s3 ] ||
    log "warning: RCLONE_CONFIG_STORE_TYPE=$RCLONE_CONFIG_STORE_TYPE (the engine is tested with s3 only)"
  command -v rclone >/dev/null 2>&1 || die "$E_USAGE" "rclone is not on PATH (install it: apt-get install -y rclone, or use the rclone/rclone image)"
}

load_instance_config() {
  require_env OCB_TENANT OCB_INSTANCE
  valid_name "$OCB_TENANT" || die "$E_USAGE" "OCB_TENANT='$OCB_TENANT' must match [a-z0-9]([a-z0-9._-]*[a-z0-9])? (max 63)"
  valid_name "$OCB_INSTANCE" || die "$E_USAGE" "OCB_INSTANCE='$OCB_INSTANCE' must match [a-z0-9]([a-z0-9._-]*[a-z0-9])? (max 63)"
  INSTANCE_PATH="$OCB_PREFIX$OCB_TENANT/$OCB_INSTANCE"
}

# OCB_SOURCES="state=/data/state workspace=/data/workspace" -> "$WORK/sources.tsv" (name TAB dir).
load_sources() {
  require_env OCB_SOURCES
  : >"$WORK/sources.tsv"
  load_sources_seen=" "
  for load_sources_pair in $OCB_SOURCES; do
    load_sources_name=${load_sources_pair%%=*}
    load_sources_dir=${load_sources_pair#*=}
    [ "$load_sources_name" != "$load_sources_pair" ] ||
      die "$E_USAGE" "OCB_SOURCES entry '$load_sources_pair' is not name=/abs/dir"
    valid_name "$load_sources_name" || die "$E_USAGE" "OCB_SOURCES name '$load_sources_name' must match [a-z0-9]([a-z0-9._-]*[a-z0-9])?"
    case "$load_sources_dir" in
      /*) ;;
      *) die "$E_USAGE" "OCB_SOURCES dir '$load_sources_dir' for '$load_sources_name' must be an absolute path" ;;
    esac
    [ "$load_sources_dir" != / ] || die "$E_USAGE" "OCB_SOURCES: refusing '/' as the directory of '$load_sources_name'"
    case "$load_sources_seen" in
      *" $load_sources_name "*) die "$E_USAGE" "OCB_SOURCES names '$load_sources_name' twice" ;;
    esac
    load_sources_seen="$load_sources_seen$load_sources_name "
    printf '%s\t%s\n' "$load_sources_name" "${load_sources_dir%/}" >>"$WORK/sources.tsv"
  done
  [ -s "$WORK/sources.tsv" ] || die "$E_USAGE" "OCB_SOURCES is empty"
  load_source_subdirs
}

# A state folder: one path segment, [a-z0-9] at both ends, [a-z0-9._-] between (so never "." or
# "..", never a reserved name such as .pre-restore-* or lost+found), at most 255 bytes.
valid_folder() {
  case "$1" in
    '' | *[!a-z0-9._-]* | [!a-z0-9]* | *[!a-z0-9]) return 1 ;;
  esac
  [ "${#1}" -le 255 ]
}

# OCB_SOURCE_SUBDIRS="state=openclaw-state" -> "$WORK/subdirs.tsv" (name TAB folder): the data of
# such a source is the folder <dir>/<folder> of the volume mounted at <dir>, or <dir> itself on a
# volume that has no such folder yet (the legacy layout). See resolve_data_dirs (backup) and
# prepare_target (restore).
load_source_subdirs() {
  : >"$WORK/subdirs.tsv"
  lss_seen=" "
  set -f
  for lss_pair in ${OCB_SOURCE_SUBDIRS:-}; do
    lss_name=${lss_pair%%=*}
    lss_folder=${lss_pair#*=}
    [ "$lss_name" != "$lss_pair" ] ||
      die "$E_USAGE" "OCB_SOURCE_SUBDIRS entry '$lss_pair' is not name=folder"
    awk -F '\t' -v n="$lss_name" '$1 == n { f = 1 } END { exit !f }' "$WORK/sources.tsv" ||
      die "$E_USAGE" "OCB_SOURCE_SUBDIRS names '$lss_name', which is not a name in OCB_SOURCES"
    valid_folder "$lss_folder" ||
      die "$E_USAGE" "OCB_SOURCE_SUBDIRS folder '$lss_folder' of '$lss_name' must be one path segment matching [a-z0-9]([a-z0-9._-]*[a-z0-9])?"
    case "$lss_seen" in
      *" $lss_name "*) die "$E_USAGE" "OCB_SOURCE_SUBDIRS names '$lss_name' twice" ;;
    esac
    lss_seen="$lss_seen$lss_name "
    printf '%s\t%s\n' "$lss_name" "$lss_folder" >>"$WORK/subdirs.tsv"
  done
  set +f
}

# source_subdir NAME -> the state folder of source NAME (OCB_SOURCE_SUBDIRS), or nothing.
source_subdir() {
  awk -F '\t' -v n="$1" '$1 == n { print $2 }' "$WORK/subdirs.tsv"
}

# --- work dir and cleanup ----------------------------------------------------------------------

# Newline-separated paths this process created (scratch, restore staging); removed on exit.
CLEANUP_PATHS=""
add_cleanup() {
  CLEANUP_PATHS="$CLEANUP_PATHS$NL$1"
}

# The background transfer running now, if any (restore overlaps a download with hashing; the
# starter clears it once waited for): an exit on any path stops it before its staging folder is
# removed under it.
BACKGROUND_PID=""

cleanup() {
  # The run's own status: waiting for a transfer stopped here must not become the exit code, and
  # neither may a TERM that arrives after die (seen under load: exit 143 where die said 3).
  cleanup_status=$?
  # Under `set -e` any failing step here (waiting for the transfer just stopped returns 143) would
  # end the shell with that step's status, skipping the lock release and the scratch removal below.
  set +e
  [ -z "${DIE_CODE:-}" ] || cleanup_status=$DIE_CODE
  if [ -n "$BACKGROUND_PID" ]; then
    kill "$BACKGROUND_PID" 2>/dev/null && wait "$BACKGROUND_PID" 2>/dev/null
  fi
  [ -z "${LOCK_KEY:-}" ] || lock_release
  # Only what this process created goes; never user data.
  cleanup_ifs=$IFS
  IFS=$NL
  set -f
  for cleanup_p in $CLEANUP_PATHS; do
    [ -n "$cleanup_p" ] && rm -rf -- "$cleanup_p"
  done
  set +f
  IFS=$cleanup_ifs
  exit "$cleanup_status"
}

setup_work() {
  if [ -n "${OCB_WORK_DIR:-}" ]; then
    mkdir -p "$OCB_WORK_DIR" || die "$E_USAGE" "cannot create OCB_WORK_DIR=$OCB_WORK_DIR"
    WORK=$(mktemp -d "$OCB_WORK_DIR/ocb.XXXXXX") || die "$E_USAGE" "cannot create a scratch dir in OCB_WORK_DIR=$OCB_WORK_DIR"
  else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocb.XXXXXX") || die "$E_USAGE" "cannot create a scratch dir; set OCB_WORK_DIR"
  fi
  add_cleanup "$WORK"
  # rclone keeps its cache/temp under HOME; a read-only root fs (restricted pods) needs it redirected.
  [ -w "${HOME:-/nonexistent}" ] || export HOME="$WORK"
  # Restored and staged files get owner-only permissions unless the manifest says otherwise.
  umask 077
}

# --- time --------------------------------------------------------------------------------------

now_stamp() {
  if [ -n "${OCB_NOW:-}" ]; then
    valid_stamp "$OCB_NOW" || die "$E_USAGE" "OCB_NOW='$OCB_NOW' must look like 20261122T035012Z"
    printf '%s\n' "$OCB_NOW"
  else
    date -u +%Y%m%dT%H%M%SZ
  fi
}

# awk helper: the line without its first n tab-separated fields (paths are the last field and may
# hold tabs). Plain loop because mawk (Debian's awk) has no regex intervals.
AWK_REST='
function rest(line, n) { for (; n > 0; n--) sub(/^[^\t]*\t/, "", line); return line }'

# Seconds since the epoch of a YYYYMMDDTHHMMSSZ stamp, in awk because busybox and GNU `date -d`
# disagree on input formats.
AWK_EPOCH='
function epoch(s,   y, m, d, mp, era, yoe, doy, doe) {
  y = substr(s, 1, 4) + 0; m = substr(s, 5, 2) + 0; d = substr(s, 7, 2) + 0
  if (m <= 2) { y -= 1; mp = m + 9 } else { mp = m - 3 }
  era = int(y / 400); yoe = y - era * 400
  doy = int((153 * mp + 2) / 5) + d - 1
  doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
  return (era * 146097 + doe - 719468) * 86400 + substr(s, 10, 2) * 3600 + substr(s, 12, 2) * 60 + substr(s, 14, 2)
}'

# --- rclone ------------------------------------------------------------------------------------

# Every rclone call goes through here: --config "" keeps rclone on its RCLONE_CONFIG_* env config
# (no file read or written), --fast-list because delimiter listings miss folders that only hold
# folders on some S3 servers, bounded timeouts so a dead store fails the run instead of hanging.
# OCB_RCLONE_EXTRA_FLAGS is word-split on purpose (tuning flags only, never secrets).
ocb_rclone() {
  ocb_rclone_run --fast-list "$@"
}

# Folder-by-folder listing (S3 delimiter listings) instead of one recursive listing: a filter then
# prunes whole subtrees (every snapshot's data/) on the server's side. Only for listings whose
# wanted keys sit directly in folders that hold an object themselves (see index_markers).
ocb_rclone_walk() {
  ocb_rclone_run "$@"
}

ocb_rclone_run() {
  ocb_rclone_status=0
  set -f
  # shellcheck disable=SC2086
  rclone --config "" \
    --contimeout "${OCB_RCLONE_CONNECT_TIMEOUT:-15s}" --timeout "${OCB_RCLONE_IO_TIMEOUT:-120s}" \
    --retries "${OCB_RCLONE_RETRIES:-3}" --low-level-retries "${OCB_RCLONE_LOW_LEVEL_RETRIES:-10}" \
    ${OCB_RCLONE_EXTRA_FLAGS:-} "$@" </dev/null || ocb_rclone_status=$?
  set +f
  return "$ocb_rclone_status"
}

# A data transfer: JSON log to $1 so the final transfer stats can be read back with xfer_stat.
ocb_xfer() {
  ocb_xfer_log=$1
  shift
  : >"$ocb_xfer_log"
  ocb_xfer_status=0
  ocb_rclone --use-json-log --stats 1h --stats-log-level NOTICE "$@" 2>"$ocb_xfer_log" || ocb_xfer_status=$?
  if [ "$ocb_xfer_status" -ne 0 ]; then
    # Surface rclone's own error lines, they name the object and the cause.
    grep -E '"level":"(error|critical|fatal)"|^[0-9/]+ [0-9:]+ (ERROR|CRITICAL|Failed)' "$ocb_xfer_log" | tail -n 5 >&2 || true
  fi
  return "$ocb_xfer_status"
}

# Reads a numeric field ("bytes", "transfers", "errors") of the last stats record in a JSON log.
xfer_stat() {
  xfer_stat_v=$(sed -n 's/.*"stats":{\([^}]*\)}.*/\1/p' "$1" | tail -n 1 | tr ',' '\n' |
    sed -n "s/^\"$2\":\\([0-9][0-9]*\\).*/\\1/p")
  printf '%s\n' "${xfer_stat_v:-0}"
}

# Messages rclone gives for bytes that arrived but are not what was stored: a checksum mismatch
# against the store's MD5, or crypt failing to authenticate or even recognise a block. These mean
# damaged data (exit 5), never an unreachable store (exit 3).
DAMAGE_PATTERN='corrupted on transfer|hash differ|failed to authenticate|bad magic|too short to be encrypted|not an encrypted file|unexpected EOF'

# fetch_checked OBJECT OUT -> 0 fetched, 1 absent, 2 damaged (see DAMAGE_PATTERN); dies with exit 3
# on any other failure (endpoint, credentials).
fetch_checked() {
  rm -f -- "$2"
  ocb_rclone copyto "$1" "$2" 2>"$2.err" && { [ -f "$2" ] && return 0; return 1; }
  rm -f -- "$2"
  if grep -Eq "$DAMAGE_PATTERN" "$2.err"; then
    grep -E "$DAMAGE_PATTERN" "$2.err" | tail -n 2 >&2
    return 2
  fi
  cat "$2.err" >&2
  die "$E_STORE" "cannot read $1 from the store (is the endpoint reachable and are the credentials valid?)"
}

# --- snapshot layout ---------------------------------------------------------------------------

# Encryption: the passphrase is obscured through stdin (never argv) and handed to rclone through
# env config. Each snapshot gets its own crypt remote over "<snapshot>/encrypted" for its manifest,
# and the pool one over "<instance>/pool/encrypted" (pool_root), so the snapshot folder names stay
# readable while every name and byte below is encrypted.
crypt_init() {
  CRYPT=no
  [ -n "${OCB_CRYPT_PASSWORD:-}" ] || return 0
  case "$OCB_CRYPT_PASSWORD" in *"$NL"*) die "$E_USAGE" "OCB_CRYPT_PASSWORD must be a single line" ;; esac
  CRYPT_OBSCURED=$(printf '%s\n' "$OCB_CRYPT_PASSWORD" | rclone obscure -) || die "$E_USAGE" "rclone obscure failed"
  CRYPT_OBSCURED2=""
  if [ -n "${OCB_CRYPT_PASSWORD2:-}" ]; then
    case "$OCB_CRYPT_PASSWORD2" in *"$NL"*) die "$E_USAGE" "OCB_CRYPT_PASSWORD2 must be a single line" ;; esac
    CRYPT_OBSCURED2=$(printf '%s\n' "$OCB_CRYPT_PASSWORD2" | rclone obscure -) || die "$E_USAGE" "rclone obscure failed"
  fi
  CRYPT=yes
}

# content_root SLOT SNAPSHOT_PATH ENCRYPTED -> sets CONTENT_ROOT to the rclone path holding
# data/ and manifest.tsv of that snapshot. SLOT is "cur" or "prev" (two crypt remotes at once).
content_root() {
  if [ "$3" != yes ]; then
    CONTENT_ROOT="store:$OCB_BUCKET/$2/"
    return 0
  fi
  [ "$CRYPT" = yes ] || die "$E_VERIFY" "snapshot $2 is encrypted: set OCB_CRYPT_PASSWORD (and OCB_CRYPT_PASSWORD2 if a salt was used)"
  case "$1" in
    cur) cr_remote=OCBCUR ;;
    prev) cr_remote=OCBPREV ;;
    *) die 1 "internal: unknown crypt slot $1" ;;
  esac
  export "RCLONE_CONFIG_${cr_remote}_TYPE=crypt" "RCLONE_CONFIG_${cr_remote}_REMOTE=store:$OCB_BUCKET/$2/encrypted"
  export "RCLONE_CONFIG_${cr_remote}_PASSWORD=$CRYPT_OBSCURED" "RCLONE_CONFIG_${cr_remote}_PASSWORD2=$CRYPT_OBSCURED2"
  export "RCLONE_CONFIG_${cr_remote}_FILENAME_ENCRYPTION=standard" "RCLONE_CONFIG_${cr_remote}_DIRECTORY_NAME_ENCRYPTION=true"
  export "RCLONE_CONFIG_${cr_remote}_SERVER_SIDE_ACROSS_CONFIGS=true"
  CONTENT_ROOT="ocb$1:"
}

# pool_root INSTANCE_PATH ENCRYPTED -> sets POOL_ROOT to the rclone path of the instance's pool:
# "<instance>/pool/" for plain snapshots, a crypt remote over "<instance>/pool/encrypted" (names
# and bytes encrypted) for encrypted ones.
pool_root() {
  if [ "$2" != yes ]; then
    POOL_ROOT="store:$OCB_BUCKET/$1/pool/"
    return 0
  fi
  [ "$CRYPT" = yes ] || die "$E_VERIFY" "the pool of $1 is encrypted: set OCB_CRYPT_PASSWORD (and OCB_CRYPT_PASSWORD2 if a salt was used)"
  export "RCLONE_CONFIG_OCBPOOL_TYPE=crypt" "RCLONE_CONFIG_OCBPOOL_REMOTE=store:$OCB_BUCKET/$1/pool/encrypted"
  export "RCLONE_CONFIG_OCBPOOL_PASSWORD=$CRYPT_OBSCURED" "RCLONE_CONFIG_OCBPOOL_PASSWORD2=$CRYPT_OBSCURED2"
  export "RCLONE_CONFIG_OCBPOOL_FILENAME_ENCRYPTION=standard" "RCLONE_CONFIG_OCBPOOL_DIRECTORY_NAME_ENCRYPTION=true"
  POOL_ROOT="ocbpool:"
}

# manifest_sort FILE: the header, then every record sorted bytewise: the order of a v4 manifest
# as backup writes it (chunks group records by path instead, see write_manifest_chunks).
manifest_sort() {
  { head -n 1 "$1"; sed 1d "$1" | LC_ALL=C sort; } >"$1.sorted" && mv "$1.sorted" "$1"
}

# manifest_expand FILE INSTANCE_PATH ENCRYPTED: a v5 index in FILE (already authenticated by its
# marker) is replaced by the v4 manifest its chunks make up; any other format is left as it is.
# Each chunk comes from the instance's pool once per run ($WORK/mchunks, kept for the next
# snapshot read: prune reads many that share most chunks) and must have the sha256 and size the
# index names, so the marker still authenticates every byte. 0: done; 1: a chunk is missing or
# damaged, or the index is malformed (EXPAND_PROBLEM says which); dies with exit 3 when the store
# cannot be read.
manifest_expand() {
  [ "$(head -n 1 "$1")" = "$MANIFEST_HEADER_V5" ] || return 0
  EXPAND_PROBLEM=""
  if ! awk -F '\t' '
    NR == 1 { next }
    $1 != "m" || NF != 4 || $2 !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z$/ ||
      length($3) != 64 || $3 ~ /[^0-9a-f]/ || $4 !~ /^[0-9][0-9]*$/ { bad = 1; exit }
    END { exit bad || NR < 2 }' "$1"; then
    EXPAND_PROBLEM="the chunk index is malformed"
    return 1
  fi
  pool_root "$2" "$3"
  mkdir -p "$WORK/mchunks"
  awk -F '\t' 'NR > 1 { print "manifests/" $2 "/" $3 }' "$1" | LC_ALL=C sort -u >"$WORK/mchunks.all"
  : >"$WORK/mchunks.want"
  while IFS= read -r me_key; do
    [ -f "$WORK/mchunks/$me_key" ] || printf '%s\n' "$me_key" >>"$WORK/mchunks.want"
  done <"$WORK/mchunks.all"
  if [ -s "$WORK/mchunks.want" ]; then
    # A chunk missing from the pool is simply not copied (--files-from skips it), and is named below.
    ocb_rclone copy --no-traverse --files-from-raw "$WORK/mchunks.want" "$POOL_ROOT" "$WORK/mchunks" 2>"$WORK/mchunks.err" || {
      if ! grep -Eq "$DAMAGE_PATTERN" "$WORK/mchunks.err"; then
        tail -n 5 "$WORK/mchunks.err" >&2
        die "$E_STORE" "cannot read the manifest chunks of $2 from the pool $POOL_ROOT (is the endpoint reachable and are the credentials valid?)"
      fi
    }
    # Content-addressed: a chunk whose bytes do not hash to its name is damaged, and is dropped
    # from the cache so no later read takes it.
    while IFS= read -r me_key; do
      [ -f "$WORK/mchunks/$me_key" ] || continue
      [ "$(sha256sum <"$WORK/mchunks/$me_key" | cut -d ' ' -f 1)" = "${me_key##*/}" ] || rm -f "$WORK/mchunks/$me_key"
    done <"$WORK/mchunks.want"
  fi
  : >"$1.expanded"
  while IFS="$TAB" read -r me_type me_stamp me_sha me_size; do
    [ "$me_type" = m ] || continue
    me_chunk="$WORK/mchunks/manifests/$me_stamp/$me_sha"
    if [ ! -f "$me_chunk" ]; then
      EXPAND_PROBLEM="manifest chunk manifests/$me_stamp/$me_sha is missing from the pool or damaged"
      return 1
    fi
    if [ "$(wc -c <"$me_chunk" | tr -d ' ')" != "$me_size" ]; then
      EXPAND_PROBLEM="manifest chunk manifests/$me_stamp/$me_sha has another size than its index says"
      return 1
    fi
    cat "$me_chunk" >>"$1.expanded"
  done <"$1"
  manifest_sort "$1.expanded"
  if [ "$(manifest_format "$1.expanded" || echo 0)" != 4 ]; then
    EXPAND_PROBLEM="the manifest chunks do not make up a v4 manifest"
    return 1
  fi
  mv "$1.expanded" "$1"
}

# index_instance INSTANCE_PATH OUT -> OUT lines "kind TAB stamp TAB complete(1|0)", sorted by
# stamp. One recursive listing per kind of every snapshot folder (never the pool): only prune
# needs it (incomplete snapshots have no marker to find them by).
index_instance() {
  : >"$2.raw"
  for ii_kind in $KINDS; do
    ocb_rclone lsf -R --files-only "store:$OCB_BUCKET/$1/$ii_kind/" >"$2.$ii_kind" 2>"$2.err" || {
      grep -q "directory not found" "$2.err" && continue
      cat "$2.err" >&2
      die "$E_STORE" "cannot list store:$OCB_BUCKET/$1/$ii_kind/ (is the endpoint reachable, the bucket there and the identity allowed to list?)"
    }
    sed "s|^|$ii_kind/|" "$2.$ii_kind" >>"$2.raw"
  done
  index_from_keys "$2.raw" "$2"
}

# index_markers INSTANCE_PATH OUT [KIND] -> OUT like index_instance, complete snapshots only, from
# their snapshot.json markers alone: one listing per kind plus one per snapshot folder, never a
# data object, so finding `latest` or a backup's base does not grow with the files kept. Each
# kind is listed on its own because some S3 servers (s3rver) leave folders that hold only folders
# out of delimiter listings; a snapshot folder holding its marker is never such a folder.
index_markers() {
  # The kinds are listed in parallel (each is a few small requests; rclone's start-up dominates),
  # and every listing is waited for before any failure is reported.
  im_jobs=""
  for im_kind in ${3:-$KINDS}; do
    ocb_rclone_walk lsf -R --files-only --include '/*/snapshot.json' "store:$OCB_BUCKET/$1/$im_kind/" >"$2.$im_kind" &
    im_jobs="$im_jobs $im_kind:$!"
  done
  im_failed=""
  : >"$2.raw"
  for im_job in $im_jobs; do
    im_kind=${im_job%%:*}
    if wait "${im_job#*:}"; then
      sed "s|^|$im_kind/|" "$2.$im_kind" >>"$2.raw"
    else
      im_failed="$im_failed $im_kind"
    fi
  done
  [ -z "$im_failed" ] ||
    die "$E_STORE" "cannot list the snapshot markers under store:$OCB_BUCKET/$1/ (kind(s):$im_failed; is the endpoint reachable, the bucket there and the identity allowed to list?)"
  index_from_keys "$2.raw" "$2"
}

# Keys relative to an instance ("kind/stamp/...") -> index lines; snapshot.json marks completeness.
index_from_keys() {
  awk -F/ -v kinds=" $KINDS " '
    index(kinds, " " $1 " ") && $2 ~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z$/ {
      key = $1 "\t" $2
      if (!(key in seen)) { seen[key] = 0; order[++n] = key }
      if (NF == 3 && $3 == "snapshot.json") seen[key] = 1
    }
    END { for (i = 1; i <= n; i++) print order[i] "\t" seen[order[i]] }
  ' "$1" | LC_ALL=C sort -t "$TAB" -k2,2 -k1,1 >"$2"
}

# newest_complete INDEX [KIND] -> prints "kind TAB stamp" of the newest complete snapshot, or nothing.
newest_complete() {
  awk -F '\t' -v k="${2:-}" '$3 == 1 && (k == "" || $1 == k) { last = $1 "\t" $2 } END { if (last != "") print last }' "$1"
}

# Values of the flat one-line snapshot.json marker.
json_field() {
  sed -n "s/.*\"$2\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" "$1" | head -n 1
}

# Mandatory excludes: engine scratch, the data a restore moved aside, and live SQLite sidecars
# (databases are captured through SQLite itself). OCB_EXCLUDES cannot switch these off.
MANDATORY_FILTERS='- /.pre-restore-*/**
- /.ocb-restore-*/**
- /.ocb-names/**
- *.sqlite-wal
- *.sqlite-shm
- *.sqlite-journal
- *.sqlite3-wal
- *.sqlite3-shm
- *.sqlite3-journal
- *.db-wal
- *.db-shm
- *.db-journal'

DEFAULT_EXCLUDES='/cache/**
/logs/**
/tmp/**
/npm/**
/plugin-skills/**
.cache/**
node_modules/**
*.sqlite.generation-lock.sqlite
*.sqlite.generation-writer.sqlite
*.sqlite.reindex-lock.sqlite
*.sock
*.pid
*-wal
*-shm
/lost+found/**'

# Writes the rclone filter file $1 from the mandatory rules and OCB_EXCLUDES (unset = defaults,
# set-but-empty = no optional excludes). Lines starting "+ " or "- " pass through as raw rules.
write_filters() {
  printf '%s\n' "$MANDATORY_FILTERS" >"$1"
  printf '%s\n' "${OCB_EXCLUDES-$DEFAULT_EXCLUDES}" | while IFS= read -r write_filters_line; do
    case "$write_filters_line" in
      '' | '#'*) ;;
      '+ '* | '- '*) printf '%s\n' "$write_filters_line" ;;
      *) printf -- '- %s\n' "$write_filters_line" ;;
    esac
  done >>"$1"
}
