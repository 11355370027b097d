# shellcheck shell=sh
# The pool: the instance's data, shared by all of its snapshots. Sourced by openclaw-backup.sh.
#
#   <instance>/pool/packs/<source>/<stamp>-<n>.tar    small files, packed (packs.sh)
#   <instance>/pool/objects/<stamp>/<sha256>          a file of PACK_BELOW bytes or more, alone
#   <instance>/pool/manifests/<stamp>/<sha256>        a chunk of snapshots' manifests (lib.sh, v5)
#   <instance>/pool/encrypted/...                     the same for encrypted snapshots (crypt)
#   <instance>/<kind>/<stamp>/manifest.tsv, snapshot.json   a snapshot: what it holds, and where
#   <instance>/locks/<stamp>-<kind>.lock              a backup running now
#
# A backup uploads only what no earlier snapshot it builds on stored: a file whose content is
# already in the pool is referenced, never copied. Every key carries the stamp of the backup that
# wrote it, and nothing is ever rewritten in place.
#
# Two rules keep the pool safe to share:
# - Age. The bucket's lifecycle rule expires every object by age, as the safety net that bounds
#   the data of an instance nobody prunes any more. A snapshot therefore never references an
#   object older than OCB_POOL_REFRESH_DAYS at the time it is taken: such a file is stored again
#   (uploaded anew) instead. The lifecycle expiry must exceed the longest retention plus that
#   many days (config validation checks it), so no live snapshot ever loses an object to age.
# - Garbage collection. `prune` removes snapshots, then objects no remaining snapshot references,
#   only when it could read every remaining snapshot's manifest, only objects older than the
#   incomplete-snapshot grace period (a running backup's uploads are younger), and never while
#   another backup of the instance holds a lock younger than that.

# A snapshot references no pool object written more than this many days before it.
POOL_REFRESH_DAYS=${OCB_POOL_REFRESH_DAYS:-30}

check_pool_env() {
  { valid_uint "$POOL_REFRESH_DAYS" && [ "$POOL_REFRESH_DAYS" -gt 0 ]; } ||
    die "$E_USAGE" "OCB_POOL_REFRESH_DAYS='$POOL_REFRESH_DAYS' must be a positive whole number of days"
}

# The oldest stamp a pool object may carry to be referenced by the snapshot STAMP.
pool_fresh_since() {
  awk -v now="$1" -v days="$POOL_REFRESH_DAYS" "$AWK_EPOCH"'
    BEGIN {
      e = epoch(now) - days * 86400
      # Back to YYYYMMDDTHHMMSSZ (civil from days, the inverse of epoch()).
      z = int(e / 86400); s = e - z * 86400; z += 719468
      era = int(z / 146097); doe = z - era * 146097
      yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
      y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
      mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
      m = (mp < 10) ? mp + 3 : mp - 9; if (m <= 2) y++
      printf "%04d%02d%02dT%02d%02d%02dZ\n", y, m, d, int(s / 3600), int(s % 3600 / 60), s % 60
    }'
}

# --- locks -------------------------------------------------------------------------------------

LOCK_KEY=""

lock_acquire() {
  LOCK_KEY="store:$OCB_BUCKET/$INSTANCE_PATH/locks/$STAMP-$OCB_KIND.lock"
  printf '{"kind":"%s","time":"%s"}\n' "$OCB_KIND" "$STAMP" >"$WORK/lock.json"
  ocb_rclone copyto --no-check-dest "$WORK/lock.json" "$LOCK_KEY" ||
    die "$E_STORE" "cannot write the lock $LOCK_KEY (is the identity allowed to write under the instance's prefix?)"
}

# Best effort (also on the way out of a failed run): a lock left behind only delays garbage
# collection until it is older than the grace period.
lock_release() {
  [ -n "$LOCK_KEY" ] || return 0
  # One try: on the way out of a run that failed because the store is gone, retries only delay the exit.
  ocb_rclone deletefile --retries 1 --low-level-retries 1 "$LOCK_KEY" 2>/dev/null ||
    log "warning: cannot remove the lock $LOCK_KEY; garbage collection waits until it is older than OCB_INCOMPLETE_GRACE_HOURS"
  LOCK_KEY=""
}

# --- garbage collection (prune) ----------------------------------------------------------------

# gc_pool: after prune removed snapshots. Writes nothing but deletions of unreferenced objects.
gc_pool() {
  gc_grace_stamp=$(OCB_POOL_REFRESH_DAYS=0 awk -v now="$(now_stamp)" -v h="${OCB_INCOMPLETE_GRACE_HOURS:-6}" "$AWK_EPOCH"'
    BEGIN { print epoch(now) - h * 3600 }')
  # Locks of other runs younger than the grace period: a backup may be relying on old objects.
  ocb_rclone_walk lsf --files-only "store:$OCB_BUCKET/$INSTANCE_PATH/locks/" >"$WORK/locks.list" 2>"$WORK/locks.err" || {
    if ! grep -q "directory not found" "$WORK/locks.err"; then
      cat "$WORK/locks.err" >&2
      log "warning: cannot list the locks of $INSTANCE_PATH: garbage collection skipped"
      return 0
    fi
    : >"$WORK/locks.list"
  }
  gc_busy=$(awk -v mine="${LOCK_KEY##*/}" -v since="$gc_grace_stamp" "$AWK_EPOCH"'
    $0 == mine { next }
    substr($0, 1, 16) ~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z$/ { if (epoch(substr($0, 1, 16)) >= since) n++; next }
    { n++ }
    END { print n + 0 }' "$WORK/locks.list")
  if [ "$gc_busy" -gt 0 ]; then
    log "prune: $gc_busy other backup(s) of $INSTANCE_PATH may be running (locks younger than ${OCB_INCOMPLETE_GRACE_HOURS:-6} h): pool garbage collection skipped this time"
    return 0
  fi
  # Every remaining complete snapshot's manifest, authenticated by its marker.
  awk -F '\t' '$3 == 1 { print $1 "/" $2 }' "$WORK/index.tsv" >"$WORK/gc.snapshots"
  : >"$WORK/gc.live"
  # gc_met_enc: an encrypted snapshot was among them. Only then is there an encrypted pool this
  # run may have to leave alone, and only then is the missing passphrase worth a log line (an
  # instance that never encrypted would otherwise be told about encryption on every prune).
  gc_met_enc=no
  gc_n=0
  while IFS= read -r gc_rel; do
    gc_snap="$INSTANCE_PATH/$gc_rel"
    gc_status=0
    fetch_checked "store:$OCB_BUCKET/$gc_snap/snapshot.json" "$WORK/gc.json" || gc_status=$?
    if [ "$gc_status" -ne 0 ]; then
      log "warning: prune: cannot read the marker of $gc_snap: pool garbage collection skipped"
      return 0
    fi
    gc_isenc=no
    [ "$(json_field "$WORK/gc.json" encrypted)" = true ] && gc_isenc=yes
    [ "$gc_isenc" = no ] || gc_met_enc=yes
    [ "$gc_isenc" = no ] || [ "$CRYPT" = yes ] || continue
    content_root cur "$gc_snap" "$gc_isenc"
    gc_status=0
    fetch_checked "${CONTENT_ROOT}manifest.tsv" "$WORK/gc.manifest" || gc_status=$?
    if [ "$gc_status" -ne 0 ] || [ "$(sha256sum <"$WORK/gc.manifest" | cut -d ' ' -f 1)" != "$(json_field "$WORK/gc.json" manifestSha256)" ]; then
      log "warning: prune: the manifest of $gc_snap cannot be read or does not match its marker: pool garbage collection skipped (run verify on it)"
      return 0
    fi
    gc_format=$(manifest_format "$WORK/gc.manifest" || echo 0)
    if [ "$gc_format" = 5 ]; then
      # The chunks of its manifest are pool objects the snapshot needs as much as its data.
      cp "$WORK/gc.manifest" "$WORK/gc.index"
      if ! manifest_expand "$WORK/gc.manifest" "$INSTANCE_PATH" "$gc_isenc"; then
        log "warning: prune: the manifest of $gc_snap cannot be read whole ($EXPAND_PROBLEM): pool garbage collection skipped (run verify on it)"
        return 0
      fi
      awk -F '\t' -v pool="$gc_isenc" 'NR > 1 { print pool "\tmanifests/" $2 "/" $3 }' "$WORK/gc.index" >>"$WORK/gc.live"
      gc_format=4
    fi
    [ "$gc_format" = 4 ] || continue
    awk -F '\t' -v pool="$gc_isenc" "$AWK_REST"'
      $1 == "p" { print pool "\tpacks/" $2 "/" $4 ".tar" }
      $1 == "f" { sha[rest($0, 4)] = $2 }
      $1 == "l" && substr($2, 1, 1) == "=" { print pool "\tobjects/" substr($2, 2) "/" sha[rest($0, 2)] }
    ' "$WORK/gc.manifest" >>"$WORK/gc.live"
    gc_n=$((gc_n + 1))
  done <"$WORK/gc.snapshots"
  gc_deleted=0
  for gc_pool_enc in no yes; do
    if [ "$gc_pool_enc" = yes ]; then
      if [ "$CRYPT" != yes ]; then
        [ "$gc_met_enc" = no ] ||
          log "prune: encrypted snapshots need OCB_CRYPT_PASSWORD to be read: their pool is not garbage-collected by this run"
        continue
      fi
      pool_root "$INSTANCE_PATH" yes
      gc_list_flags=""
    else
      pool_root "$INSTANCE_PATH" no
      gc_list_flags="--exclude /encrypted/**"
    fi
    # shellcheck disable=SC2086
    ocb_rclone lsf -R --files-only $gc_list_flags "$POOL_ROOT" >"$WORK/gc.pool" 2>"$WORK/gc.err" || {
      grep -q "directory not found" "$WORK/gc.err" && continue
      cat "$WORK/gc.err" >&2
      log "warning: prune: cannot list $POOL_ROOT: pool garbage collection skipped"
      return 0
    }
    awk -F '\t' -v pool="$gc_pool_enc" -v since="$gc_grace_stamp" "$AWK_EPOCH$AWK_REST"'
      FILENAME == ARGV[1] { if ($1 == pool) live[rest($0, 1)] = 1; next }
      ($0 in live) { next }
      {
        n = split($0, seg, "/"); st = ""
        if (seg[1] == "packs" && n == 3) st = substr(seg[3], 1, 16)
        else if ((seg[1] == "objects" || seg[1] == "manifests") && n == 3) st = seg[2]
        if (st !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z$/) next
        if (epoch(st) < since) print
      }' "$WORK/gc.live" "$WORK/gc.pool" >"$WORK/gc.delete"
    if [ -s "$WORK/gc.delete" ]; then
      ocb_rclone delete --files-from-raw "$WORK/gc.delete" "$POOL_ROOT" || return 1
      gc_deleted=$((gc_deleted + $(wc -l <"$WORK/gc.delete" | tr -d ' ')))
    fi
  done
  log "prune: pool garbage collection read $gc_n manifest(s) and removed $gc_deleted object(s) no snapshot references"
}

# --- restore -----------------------------------------------------------------------------------

# fetch_pool_source NAME STAGING SCRATCH -> the source of a v4 snapshot in STAGING, and "sha TAB
# size TAB path" of every file there in $WORK/got.raw. Its packs and objects come down first, all
# at once, into SCRATCH (on the target's filesystem); each pack must be exactly one the manifest
# names, with its sha256, before tar reads it; then files stored alone are moved (or, for the
# second path with the same content, copied) to their paths.
fetch_pool_source() {
  fp_name=$1
  fp_staging=$2
  fp_scratch=$3
  fp_what="source '$fp_name' of $R_SNAP"
  pool_root "${R_SNAP%/*/*}" "$R_ENC"
  awk -F '\t' -v s="$fp_name" '$1 == "p" && $2 == s { print $3 "\t" $4 "\t" $5 "\t" $6 }' "$WORK/manifest.tsv" |
    LC_ALL=C sort >"$WORK/packs.want"
  awk -F '\t' -v s="$fp_name" "$AWK_REST"'
    $1 == "f" { p = rest($0, 4); if (index(p, s "/") == 1) { sha[p] = $2; size[p] = $3 } }
    $1 == "l" && substr($2, 1, 1) == "=" { p = rest($0, 2); if (index(p, s "/") == 1) print "objects/" substr($2, 2) "/" sha[p] "\t" size[p] "\t" substr(p, length(s) + 2) }
  ' "$WORK/manifest.tsv" >"$WORK/alone.tsv"
  mkdir -m 700 -p "$fp_scratch" || die "$E_TARGET" "cannot create $fp_scratch"
  { awk -F '\t' -v s="$fp_name" '{ print "packs/" s "/" $2 ".tar" }' "$WORK/packs.want"; cut -f 1 "$WORK/alone.tsv"; } |
    LC_ALL=C sort -u >"$WORK/pool.want"
  if [ -s "$WORK/pool.want" ]; then
    ocb_xfer "$WORK/download-pool.log" copy --transfers "$RESTORE_TRANSFERS" --no-traverse --files-from-raw "$WORK/pool.want" "$POOL_ROOT" "$fp_scratch" ||
      download_failed "the pool objects of $fp_what" "$WORK/download-pool.log"
  fi
  if [ -s "$WORK/packs.want" ]; then
    ocb_rclone lsf --files-only --format hsp --hash sha256 --separator "$TAB" "$fp_scratch/packs/$fp_name" >"$WORK/packs.got" 2>/dev/null || : >"$WORK/packs.got"
    unpack_packs "$fp_scratch/packs/$fp_name" "$fp_name" "$fp_staging" "$fp_what"
  fi
  # Files stored alone: each object to its path; an object two paths share is copied for the second.
  : >"$WORK/placed.tsv"
  while IFS="$TAB" read -r fp_key fp_size fp_rel; do
    fp_dest="$fp_staging/$fp_rel"
    mkdir -p -- "${fp_dest%/*}" || die "$E_TARGET" "cannot create the folder of $fp_dest"
    if [ -f "$fp_scratch/$fp_key" ]; then
      mv -- "$fp_scratch/$fp_key" "$fp_dest" || die "$E_TARGET" "cannot move a restored file to $fp_dest"
      printf '%s\t%s\n' "$fp_key" "$fp_rel" >>"$WORK/placed.tsv"
    else
      fp_first=$(awk -F '\t' -v k="$fp_key" '$1 == k { print substr($0, length(k) + 2); exit }' "$WORK/placed.tsv")
      [ -n "$fp_first" ] || continue # missing: the file-set check below names it
      cp -- "$fp_staging/$fp_first" "$fp_dest" || die "$E_TARGET" "cannot copy a restored file to $fp_dest"
    fi
  done <"$WORK/alone.tsv"
  rm -f "$WORK/placed.tsv"
  rm -rf "$fp_scratch"
  ocb_rclone lsf -R --files-only --format sp --separator "$TAB" "$fp_staging" >"$WORK/all.tsv" ||
    die "$E_STORE" "cannot list the restored files in $fp_staging"
  hash_listed "$fp_staging" "$WORK/all.tsv" >"$WORK/got.raw" || die "$E_STORE" "cannot hash the restored files in $fp_staging"
}
