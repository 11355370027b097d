# shellcheck shell=sh
# `backup`: one immutable, incremental, point-in-time snapshot. Sourced by openclaw-backup.sh.
#
# Pipeline (every step writes files in $WORK so no pipeline hides a failure):
#   scan      list files/dirs/modes of each source through the rclone filter (excludes)
#   sqlite    capture each SQLite database through SQLite itself into $STAGE
#   trust     periodic runs: size+mtime+ctime+inode as recorded, ctime before the last scan = unchanged
#   diff      hash the other files whose path+size match the previous manifest; equal hash = unchanged
#   packs     keep the base's packs still at least half current (packs.sh)
#   stage     copy changed files into $STAGE so the bytes we hash are the bytes we upload; pack
#             the small ones
#   upload    ONE upload of new packs and new contents into the pool (pool.sh); unchanged ones are
#             referenced where the base stored them, never copied
#   seal      manifest.tsv goes up with the data; check the pool holds everything referenced, then
#             snapshot.json (last)

# The base: the newest complete snapshot of this instance (any kind) encrypted like this run whose
# manifest can be read and matches its marker. A damaged or missing manifest, or one this run's
# passphrase cannot open, is passed over with a warning and the next older snapshot is tried, so
# one damaged snapshot never blocks later backups; with none usable the run uploads everything.
# A store that cannot be reached still fails the run (exit 3).
# How many snapshots, newest first, may be tried as the base before uploading everything.
BASE_CANDIDATES=10

# The first contact with the store (see cmd_backup): few, short tries, so a store that is gone
# fails the run in seconds (connection refused) or about a minute (no answer at all), not minutes.
PROBE_RETRIES=${OCB_STORE_PROBE_RETRIES:-2}
PROBE_LOW_LEVEL_RETRIES=${OCB_STORE_PROBE_LOW_LEVEL_RETRIES:-2}
PROBE_CONNECT_TIMEOUT=${OCB_STORE_PROBE_CONNECT_TIMEOUT:-10s}
PROBE_IO_TIMEOUT=${OCB_STORE_PROBE_IO_TIMEOUT:-30s}

check_probe_env() {
  for cpe_v in "$PROBE_RETRIES" "$PROBE_LOW_LEVEL_RETRIES"; do
    { valid_uint "$cpe_v" && [ "$cpe_v" -gt 0 ]; } ||
      die "$E_USAGE" "OCB_STORE_PROBE_RETRIES and OCB_STORE_PROBE_LOW_LEVEL_RETRIES must be positive whole numbers (got '$cpe_v')"
  done
  for cpe_v in "$PROBE_CONNECT_TIMEOUT" "$PROBE_IO_TIMEOUT"; do
    case "$cpe_v" in
      [0-9]*s | [0-9]*m) valid_uint "${cpe_v%?}" || die "$E_USAGE" "OCB_STORE_PROBE_CONNECT_TIMEOUT and OCB_STORE_PROBE_IO_TIMEOUT look like 10s or 1m (got '$cpe_v')" ;;
      *) die "$E_USAGE" "OCB_STORE_PROBE_CONNECT_TIMEOUT and OCB_STORE_PROBE_IO_TIMEOUT look like 10s or 1m (got '$cpe_v')" ;;
    esac
  done
}

load_base() {
  BASE=""
  : >"$WORK/prev.manifest"
  : >"$WORK/prev.index"
  awk -F '\t' '$3 == 1 { print $1 "/" $2 }' "$WORK/index.tsv" | LC_ALL=C sort -t / -k2,2r -k1,1r >"$WORK/base.candidates"
  [ -s "$WORK/base.candidates" ] || { log "no previous complete snapshot: full upload"; return 0; }
  if [ "${OCB_FULL_UPLOAD:-false}" = true ]; then
    log "OCB_FULL_UPLOAD=true: full upload, nothing earlier snapshots stored is referenced"
    return 0
  fi
  lb_tried=0
  while IFS= read -r lb_rel; do
    lb_tried=$((lb_tried + 1))
    if [ "$lb_tried" -gt "$BASE_CANDIDATES" ]; then
      log "warning: none of the $BASE_CANDIDATES newest snapshots has a readable manifest: full upload"
      break
    fi
    load_base_from "$INSTANCE_PATH/$lb_rel" && return 0
  done <"$WORK/base.candidates"
  : >"$WORK/prev.manifest"
  rm -f "$WORK/prev.json"
  log "no usable base snapshot: full upload"
}

# load_base_from SNAPSHOT_PATH -> 0 and BASE set when its marker and manifest are usable.
load_base_from() {
  lbf_path=$1
  # The manifest is fetched alongside the marker, where it is if the snapshot was encrypted like
  # this run; the marker then says whether it is usable.
  content_root prev "$lbf_path" "$CRYPT"
  BASE_ROOT=$CONTENT_ROOT
  (
    fetch_checked "${BASE_ROOT}manifest.tsv" "$WORK/prev.fetched"
  ) 2>"$WORK/fetch-manifest.err" &
  BACKGROUND_PID=$!
  lbf_marker=0
  fetch_checked "store:$OCB_BUCKET/$lbf_path/snapshot.json" "$WORK/prev.json" || lbf_marker=$?
  lbf_fetched=0
  wait "$BACKGROUND_PID" || lbf_fetched=$?
  BACKGROUND_PID=""
  if [ "$lbf_marker" -ne 0 ]; then
    log "warning: the marker of $lbf_path is gone or damaged; trying an older snapshot as the base"
    return 1
  fi
  lbf_enc=no
  [ "$(json_field "$WORK/prev.json" encrypted)" = true ] && lbf_enc=yes
  if [ "$lbf_enc" != "$CRYPT" ]; then
    log "snapshot $lbf_path has encrypted=$lbf_enc, this run encrypted=$CRYPT: not a base"
    return 1
  fi
  case "$lbf_fetched" in
    0 | 1 | 2) ;;
    *)
      cat "$WORK/fetch-manifest.err" >&2
      die "$E_STORE" "cannot read ${BASE_ROOT}manifest.tsv from the store (is the endpoint reachable and are the credentials valid?)"
      ;;
  esac
  if [ "$lbf_fetched" -ne 0 ] || ! mv "$WORK/prev.fetched" "$WORK/prev.manifest" ||
    ! manifest_format "$WORK/prev.manifest" >/dev/null ||
    [ "$(sha256sum <"$WORK/prev.manifest" | cut -d ' ' -f 1)" != "$(json_field "$WORK/prev.json" manifestSha256)" ]; then
    # A rotated passphrase lands here too; passing over it is safe, but say it loudly.
    log "warning: cannot read a valid manifest of $lbf_path (passphrase changed or snapshot damaged; run verify on it); trying an older snapshot as the base"
    : >"$WORK/prev.manifest"
    return 1
  fi
  # A v5 index: its chunks (the ones this backup need not upload again) and the manifest they make.
  : >"$WORK/prev.index"
  if [ "$(manifest_format "$WORK/prev.manifest")" = 5 ]; then
    cp "$WORK/prev.manifest" "$WORK/prev.index"
    if ! manifest_expand "$WORK/prev.manifest" "$INSTANCE_PATH" "$CRYPT"; then
      log "warning: cannot read the manifest of $lbf_path: $EXPAND_PROBLEM (run verify on it); trying an older snapshot as the base"
      : >"$WORK/prev.manifest"
      : >"$WORK/prev.index"
      return 1
    fi
  fi
  BASE=$lbf_path
  log "incremental against $BASE"
}

# Per source: list files and dirs through the filters under their own names (plain entries), record
# permission bits and change fingerprints, and carry odd entries, symlinks and FIFOs by their
# exact bytes (names.sh). No name can fail the scan.
scan_sources() {
  write_filters "$WORK/filters"
  : >"$WORK/files.tsv"
  : >"$WORK/dirs.tsv"
  : >"$WORK/modes.tsv"
  : >"$WORK/stat.tsv"
  while IFS="$TAB" read -r scan_name scan_dir; do
    [ -d "$scan_dir" ] || die "$E_USAGE" "source '$scan_name': directory $scan_dir does not exist"
    { [ -r "$scan_dir" ] && [ -x "$scan_dir" ]; } ||
      die "$E_USAGE" "source '$scan_name': directory $scan_dir is not readable by uid $(id -u); an empty snapshot would look like a good one"
    scan_odd "$scan_name" "$scan_dir"
    # Files and folders in one listing: a folder's path ends in "/". rclone shows odd names in its
    # display encoding; only paths that are exactly a plain path found on disk are kept.
    ocb_rclone lsf -R --skip-links --format sp --separator "$TAB" \
      --filter-from "$WORK/filters" "$scan_dir" >"$WORK/lsf.out" 2>"$WORK/lsf.err" || {
      # Folders this run may not read (the agent may chmod 000 its own) are left out with a
      # warning naming each; any other listing error fails the run.
      if grep ' ERROR ' "$WORK/lsf.err" | grep -qv 'permission denied'; then
        cat "$WORK/lsf.err" >&2
        die "$E_STORE" "cannot list source '$scan_name' ($scan_dir): see rclone's error above"
      fi
      grep ' ERROR ' "$WORK/lsf.err" | sed 's/^.* ERROR : //' | while IFS= read -r scan_denied; do
        log "warning: not backed up: a folder of source '$scan_name' the backup cannot read (${scan_denied})"
      done
    }
    grep -v "Can't transfer non file/directory" "$WORK/lsf.err" >&2 || true
    awk -F '\t' -v n="$scan_name" -v dirs="$WORK/dirs.tsv" '
      FILENAME == ARGV[1] { plain[$0] = 1; next }
      { p = $0; sub(/^[^\t]*\t/, "", p) }
      p ~ /\/$/ { sub(/\/$/, "", p); if (p in plain) print n "/" p >> dirs; next }
      p in plain { print $1 "\t" n "/" p }
    ' "$WORK/plain/$scan_name.list" "$WORK/lsf.out" >>"$WORK/files.tsv"
    scan_unreadable "$scan_name" "$scan_dir"
    scan_hardlinks "$scan_name" "$scan_dir"
    # Permission bits and change fingerprints, best effort: a file deleted between find and stat
    # only loses its mode and is hashed. Every regular file, excluded ones too: a database's
    # fingerprint includes its -wal and -journal. Never a path with a control character: stat
    # prints paths as lines, and a crafted name could pass for another file's record.
    (cd "$scan_dir" && find . -type f ! -path "*[$ODD_CTRL]*" -exec stat -c '%a %s %Y %Z %i %n' {} + 2>/dev/null) | awk -v n="$scan_name" -v dir="$WORK" '{
      p = n "/" substr($0, length($1 " " $2 " " $3 " " $4 " " $5) + 4)
      print "f\t" $1 "\t" p
      print $2 ":" $3 ":" $4 ":" $5 "\t" $4 "\t" p >> (dir "/stat.tsv")
    }' >>"$WORK/modes.tsv" || true
    (cd "$scan_dir" && find . -mindepth 1 -type d ! -path "*[$ODD_CTRL]*" -exec stat -c '%a %n' {} + 2>/dev/null) | awk -v n="$scan_name" \
      '{ m = $1; p = substr($0, length(m) + 4); print "d\t" m "\t" n "/" p }' >>"$WORK/modes.tsv" || true
  done <"$WORK/sources.tsv"
  report_odd
}

source_dir() {
  awk -F '\t' -v n="$1" '$1 == n { print $2 }' "$WORK/sources.tsv"
}

# A source with a state folder (OCB_SOURCE_SUBDIRS) is backed up from <dir>/<folder> when that is
# a folder, else from <dir> itself (a volume in the legacy layout, not moved yet). Either way the
# snapshot's paths are relative to the state directory. A volume holding the folder and other
# entries beside it is half moved: backing up either part alone would look like a good snapshot,
# so the run stops before it contacts the store. Rewrites $WORK/sources.tsv to "name TAB data
# dir" (every later step reads it); the volume roots stay in $WORK/roots.tsv.
resolve_data_dirs() {
  cp "$WORK/sources.tsv" "$WORK/roots.tsv"
  : >"$WORK/legacy.tsv"
  [ -s "$WORK/subdirs.tsv" ] || return 0
  : >"$WORK/sources.resolved"
  while IFS="$TAB" read -r rd_name rd_dir; do
    rd_folder=$(source_subdir "$rd_name")
    if [ -z "$rd_folder" ]; then
      printf '%s\t%s\n' "$rd_name" "$rd_dir" >>"$WORK/sources.resolved"
      continue
    fi
    rd_data="$rd_dir/$rd_folder"
    if [ ! -e "$rd_data" ] && [ ! -L "$rd_data" ]; then
      log "source '$rd_name': $rd_data does not exist: the volume has the legacy layout (state at its root, $rd_dir); backing up $rd_dir"
      printf '%s\t%s\n' "$rd_name" "$rd_dir" >>"$WORK/sources.resolved"
      printf '%s\t%s\n' "$rd_name" "$rd_data" >>"$WORK/legacy.tsv"
      continue
    fi
    { [ -d "$rd_data" ] && [ ! -L "$rd_data" ]; } ||
      die "$E_TARGET" "source '$rd_name': $rd_data exists but is not a folder; the state folder of the volume at $rd_dir must be a folder (or absent on a volume in the legacy layout)"
    rd_others=""
    rd_count=0
    for rd_e in "$rd_dir"/* "$rd_dir"/.[!.]* "$rd_dir"/..?*; do
      [ -e "$rd_e" ] || [ -L "$rd_e" ] || continue
      rd_base=${rd_e##*/}
      case "$rd_base" in "$rd_folder" | lost+found | .pre-restore-* | .ocb-restore-*) continue ;; esac
      rd_count=$((rd_count + 1))
      [ "$rd_count" -gt 5 ] || rd_others="$rd_others${rd_others:+, }$rd_base"
    done
    [ "$rd_count" -eq 0 ] ||
      die "$E_TARGET" "source '$rd_name': the volume at $rd_dir is half moved to the new layout: it holds the state folder $rd_folder and $rd_count other entr$([ "$rd_count" -eq 1 ] && echo y || echo ies) beside it ($rd_others$([ "$rd_count" -le 5 ] || echo ", ...")); nothing was backed up. Starting the instance finishes the move (its init container), or move them into $rd_data by hand"
    printf '%s\t%s\n' "$rd_name" "$rd_data" >>"$WORK/sources.resolved"
  done <"$WORK/roots.tsv"
  mv "$WORK/sources.resolved" "$WORK/sources.tsv"
}

# A volume read in the legacy layout that the app's init container moved into its state folder
# while this run read it: the files it listed may have moved out from under it, and a snapshot
# missing them must not be sealed. The next run reads the folder.
check_layout_unchanged() {
  while IFS="$TAB" read -r cl_name cl_folder; do
    [ ! -e "$cl_folder" ] ||
      die "$E_TARGET" "source '$cl_name': the volume moved to its state folder ($cl_folder) during this backup (the instance started and its init container moved the state); this snapshot stays incomplete and is never taken for a good one; the next run backs up the folder"
  done <"$WORK/legacy.tsv"
}

# Listed files that may be SQLite databases (by name; capture_sqlite checks the header).
list_db_candidates() {
  awk -F '\t' '$2 ~ /\.(sqlite|sqlite3|db)$/ { p = $0; sub(/^[^\t]*\t/, "", p); print p }' "$WORK/files.tsv" >"$WORK/dbcand.list"
}

# Change detection by metadata. The kernel sets a file's ctime on every write, and no tool can set
# it back. So a file whose size, mtime, ctime and inode are those the previous snapshot recorded,
# with that ctime earlier than the second the previous scan began, has not been written since that
# snapshot read it: its recorded sha256 stands without reading a byte. A file written in the very
# second the previous scan began may have changed after being read ("racily clean"), so it is
# hashed. A database's fingerprint also covers its -wal and -journal, where a commit may land.
# Only periodic backups trust metadata: pre-delete, pre-update and manual ones (and any run with
# OCB_HASH_ALL=true) read every byte. Writes $WORK/fp.tsv ("fp TAB ctime TAB path", recorded in
# the manifest for the next run), $WORK/trusted.list and the first lines of $WORK/unchanged.tsv.
trust_unchanged() {
  : >"$WORK/unchanged.tsv"
  tu_since=""
  if [ -n "$BASE" ] && [ "$OCB_KIND" = periodic ] && [ "${OCB_HASH_ALL:-false}" != true ]; then
    tu_since=$(json_field "$WORK/prev.json" scanStarted)
    valid_uint "$tu_since" || tu_since=""
  fi
  tu_db=yes
  [ -z "${OCB_SQLITE_STAGING:-}" ] || tu_db=no # a copy made before the scan may be older than the live file's metadata
  awk -F '\t' -v dir="$WORK" -v since="$tu_since" -v trustdb="$tu_db" "$AWK_REST"'
    FILENAME == ARGV[1] {
      if ($1 == "f") { p = rest($0, 4); psha[p] = $2; psize[p] = $3 }
      else if ($1 == "t") prevfp[rest($0, 3)] = $2
      next
    }
    FILENAME == ARGV[2] { p = rest($0, 2); fp[p] = $1; ct[p] = $2 + 0; next }
    FILENAME == ARGV[3] { db[$0] = 1; next }
    {
      p = rest($0, 1)
      if (!(p in fp)) next
      f = fp[p]; c = ct[p]
      if (p in db) {
        for (i = 1; i <= 2; i++) {
          side = p ((i == 1) ? "-wal" : "-journal")
          if (side in fp) { f = f "+" fp[side]; if (ct[side] > c) c = ct[side] } else f = f "+"
        }
      }
      print f "\t" c "\t" p > (dir "/fp.tsv")
      if (since == "" || !(p in psha) || prevfp[p] != f || c >= since + 0) next
      if ((p in db) && trustdb != "yes") next
      print p > (dir "/trusted.list")
      print psha[p] "\t" psize[p] "\t" p > (dir "/unchanged.tsv")
    }
  ' "$WORK/prev.manifest" "$WORK/stat.tsv" "$WORK/dbcand.list" "$WORK/files.tsv"
  : >>"$WORK/fp.tsv"
  : >>"$WORK/trusted.list"
  if [ -n "$tu_since" ]; then
    log "change detection: $(wc -l <"$WORK/trusted.list" | tr -d ' ') of $(wc -l <"$WORK/files.tsv" | tr -d ' ') file(s) unchanged since $BASE by size, mtime, ctime and inode; the rest are read"
  fi
}

# SQLite databases among the listed files are replaced by a consistent copy in $STAGE, made by
# `VACUUM INTO` (a read transaction: writers carry on, WAL content committed so far is included)
# or taken from OCB_SQLITE_STAGING. Copying the live file (+ -wal) is never an option. Databases
# trusted unchanged keep their previous copy.
capture_sqlite() {
  : >"$WORK/sqlite.list"
  awk 'FILENAME == ARGV[1] { t[$0] = 1; next } !($0 in t)' "$WORK/trusted.list" "$WORK/dbcand.list" >"$WORK/dbcapture.list"
  while IFS= read -r cap_path; do
    cap_name=${cap_path%%/*}
    cap_rel=${cap_path#*/}
    cap_src="$(source_dir "$cap_name")/$cap_rel"
    [ "$(dd if="$cap_src" bs=15 count=1 2>/dev/null)" = "SQLite format 3" ] || continue
    cap_out="$STAGE/$cap_path"
    mkdir -p "$(dirname -- "$cap_out")"
    if [ -n "${OCB_SQLITE_STAGING:-}" ]; then
      cap_staged="$OCB_SQLITE_STAGING/$cap_path"
      [ -f "$cap_staged" ] ||
        die "$E_USAGE" "SQLite database $cap_src has no snapshot at $cap_staged; the sqlite-snapshot init container (sqlite-snapshot.mjs) must run first with the same OCB_SOURCES"
      [ "$(dd if="$cap_staged" bs=15 count=1 2>/dev/null)" = "SQLite format 3" ] ||
        die "$E_VERIFY" "$cap_staged is not a SQLite database; refusing to back it up in place of $cap_src"
      cp "$cap_staged" "$cap_out" || die "$E_USAGE" "cannot copy $cap_staged into the scratch dir (OCB_WORK_DIR full?)"
    elif command -v sqlite3 >/dev/null 2>&1; then
      cap_sql_out=$(printf '%s' "$cap_out" | sed "s/'/''/g")
      sqlite3 -bail -cmd '.timeout 30000' "$cap_src" "VACUUM INTO '$cap_sql_out'" </dev/null >"$WORK/sqlite.err" 2>&1 || {
        cat "$WORK/sqlite.err" >&2
        die "$E_VERIFY" "sqlite3 could not snapshot $cap_src (VACUUM INTO failed, see above)"
      }
      clear_leases "$cap_out"
    else
      die "$E_USAGE" "found SQLite database $cap_src but neither sqlite3 nor OCB_SQLITE_STAGING is available; refusing to copy a live database (install sqlite3 or run sqlite-snapshot.mjs into OCB_SQLITE_STAGING)"
    fi
    printf '%s\n' "$cap_path" >>"$WORK/sqlite.list"
  done <"$WORK/dbcapture.list"
  [ ! -s "$WORK/sqlite.list" ] || log "captured $(wc -l <"$WORK/sqlite.list" | tr -d ' ') SQLite database(s) consistently"
  cat "$WORK/sqlite.list" "$WORK/oddfiles.list" >"$WORK/captures.list"
  [ ! -s "$WORK/captures.list" ] || settle_captures
}

# OpenClaw's coordination leases (state_leases, agent_database_leases) name the process that held
# them; a gateway started on a copy that keeps the running gateway's owner lease refuses to start
# until it expires (5 minutes). OpenClaw's own snapshots delete exactly these rows from their
# copies; so does this, from the copy only, for databases OpenClaw marks as its own (schema_meta
# role global or agent), with the freed bytes zeroed. Mirrors clearLeases in sqlite-snapshot.mjs.
clear_leases() {
  cl_tables=$(sqlite3 -bail "$1" "SELECT name FROM sqlite_master WHERE type = 'table'" </dev/null) ||
    die "$E_VERIFY" "cannot read the tables of the SQLite copy $1"
  printf '%s\n' "$cl_tables" | grep -qx schema_meta || return 0
  cl_role=$(sqlite3 -bail "$1" "SELECT role FROM schema_meta WHERE meta_key = 'primary'" </dev/null) ||
    die "$E_VERIFY" "cannot read schema_meta of the SQLite copy $1"
  case "$cl_role" in global | agent) ;; *) return 0 ;; esac
  cl_sql='PRAGMA secure_delete = ON;'
  for cl_table in state_leases agent_database_leases; do
    if printf '%s\n' "$cl_tables" | grep -qx "$cl_table"; then cl_sql="$cl_sql DELETE FROM $cl_table;"; fi
  done
  sqlite3 -bail "$1" "$cl_sql" </dev/null >"$WORK/sqlite.err" 2>&1 || {
    cat "$WORK/sqlite.err" >&2
    die "$E_VERIFY" "cannot leave the leases of the running app out of the SQLite copy $1"
  }
}

# A capture byte-identical to the stored copy (VACUUM INTO of an unchanged database is, and so is
# the copy of an unchanged odd file) is unchanged: it joins $WORK/unchanged.tsv, so it stays where
# it is stored (and keeps its pack current), and its staged copy goes.
settle_captures() {
  ocb_rclone hashsum sha256 --files-from-raw "$WORK/captures.list" "$STAGE" >"$WORK/captures.sha" ||
    die "$E_STORE" "cannot hash the SQLite and odd-name copies in $STAGE"
  awk -F '\t' -v dir="$WORK" "$AWK_REST"'
    FILENAME == ARGV[1] { if ($1 == "f") { p = rest($0, 4); sha[p] = $2; size[p] = $3 }; next }
    {
      h = substr($0, 1, 64); p = substr($0, 67)
      if ((p in sha) && sha[p] == h) { print h "\t" size[p] "\t" p >> (dir "/unchanged.tsv"); print p > (dir "/captures.same") }
    }
  ' "$WORK/prev.manifest" "$WORK/captures.sha"
  [ -f "$WORK/captures.same" ] || return 0
  tr '\n' '\000' <"$WORK/captures.same" | (cd "$STAGE" && xargs -0 -r rm -f --) ||
    die "$E_STORE" "cannot remove unchanged copies from $STAGE"
}

# Files not trusted whose path and size match the previous manifest get hashed in place; the rest
# are changed.
# Writes $WORK/hashcand/<source>.list (relative paths) and $WORK/changed/<source>.list.
classify_by_size() {
  mkdir -p "$WORK/hashcand" "$WORK/changed"
  awk -F '\t' -v dir="$WORK" "$AWK_REST"'
    FILENAME == ARGV[1] { if ($1 == "f") { p = rest($0, 4); prev[p] = $3 }; next }
    FILENAME == ARGV[2] || FILENAME == ARGV[3] { skip[$0] = 1; next }
    {
      p = $0; sub(/^[^\t]*\t/, "", p)
      if (p in skip) next
      n = p; sub(/\/.*/, "", n); rel = substr(p, length(n) + 2)
      out = ((p in prev) && prev[p] == $1) ? "/hashcand/" : "/changed/"
      print rel > (dir out n ".list")
    }
  ' "$WORK/prev.manifest" "$WORK/sqlite.list" "$WORK/trusted.list" "$WORK/files.tsv"
}

# Hash the size-matching candidates in place; equal sha256 = unchanged (referenced later), else
# changed. Unchanged -> $WORK/unchanged.tsv "sha TAB size TAB path".
hash_candidates() {
  while IFS="$TAB" read -r hc_name hc_dir; do
    [ -s "$WORK/hashcand/$hc_name.list" ] || continue
    ocb_rclone hashsum sha256 --files-from-raw "$WORK/hashcand/$hc_name.list" "$hc_dir" >"$WORK/hashsum.out" ||
      die "$E_STORE" "cannot hash files of source '$hc_name' ($hc_dir)"
    awk -F '\t' -v n="$hc_name" -v dir="$WORK" "$AWK_REST"'
      FILENAME == ARGV[1] { if ($1 == "f") { p = rest($0, 4); sha[p] = $2; size[p] = $3 }; next }
      {
        h = substr($0, 1, 64); p = n "/" substr($0, 67)
        # Append: other sources and classify_by_size wrote to these files already.
        if (sha[p] == h) print h "\t" size[p] "\t" p >> (dir "/unchanged.tsv")
        else print substr($0, 67) >> (dir "/changed/" n ".list")
      }
    ' "$WORK/prev.manifest" "$WORK/hashsum.out"
  done <"$WORK/sources.tsv"
}

# Copy changed files into $STAGE (one local rclone copy per source; rclone retries a file that
# changes while being read). Files deleted since the scan simply do not arrive.
stage_changed() {
  while IFS="$TAB" read -r st_name st_dir; do
    [ -s "$WORK/changed/$st_name.list" ] || continue
    ocb_xfer "$WORK/stage.log" copy --files-from-raw "$WORK/changed/$st_name.list" "$st_dir" "$STAGE/$st_name" ||
      die "$E_STORE" "cannot copy changed files of source '$st_name' into the scratch dir $STAGE (disk full? set OCB_WORK_DIR)"
  done <"$WORK/sources.tsv"
  : >"$WORK/staged.tsv"
  if [ -n "$(find "$STAGE" -type f | head -n 1)" ]; then
    ocb_rclone lsf -R --files-only --format hsp --hash sha256 --separator "$TAB" "$STAGE" >"$WORK/staged.tsv" ||
      die "$E_STORE" "cannot hash the staged files in $STAGE"
  fi
  # Every changed file must have arrived; only one deleted since the scan may be missing.
  while IFS="$TAB" read -r st_name st_dir; do
    [ -s "$WORK/changed/$st_name.list" ] || continue
    awk -F '\t' -v n="$st_name" "$AWK_REST"'
      FILENAME == ARGV[1] { staged[rest($0, 2)] = 1; next }
      !((n "/" $0) in staged)' "$WORK/staged.tsv" "$WORK/changed/$st_name.list" >"$WORK/notstaged.list"
    while IFS= read -r st_rel; do
      [ ! -e "$st_dir/$st_rel" ] || die "$E_STORE" "file $st_dir/$st_rel exists but could not be captured; see rclone's messages in the log"
      log "note: $st_dir/$st_rel was deleted during the backup"
    done <"$WORK/notstaged.list"
  done <"$WORK/sources.tsv"
}

# Manifest (format v4), the upload list (paths relative to the pool root: packs/... and
# objects/...) and every pool object the snapshot references with its size ($WORK/want.tsv,
# "size TAB path"). Nothing is copied: what the base already stored is referenced.
build_manifest() {
  pack_records >"$WORK/precords.tsv"
  awk -F '\t' -v dir="$WORK" -v v4="$MANIFEST_HEADER_V4" -v stamp="$STAMP" "$AWK_REST"'
    FILENAME == ARGV[1] { mode[$1 "\t" rest($0, 2)] = $2; next }
    FILENAME == ARGV[2] { srcs[++ns] = $1; next }
    FILENAME == ARGV[3] { if ($0 != "") dirs[++nd] = $0; next }
    FILENAME == ARGV[4] { p = rest($0, 2); fpv[p] = $1 "\t" $2; next }
    FILENAME == ARGV[5] { loc[rest($0, 1)] = $1; next }
    FILENAME == ARGV[6] { packs[++np] = $0; next }
    FILENAME == ARGV[7] { newpack[$3] = 1; next }
    FILENAME == ARGV[8] { newobj[$1] = 1; next }
    {
      p = rest($0, 2)
      if (p in seen) next
      seen[p] = 1; files[++nf] = p; sha[p] = $1; size[p] = $2
    }
    END {
      out = dir "/manifest.body"
      print v4 > out
      for (i = 1; i <= ns; i++) print "s\t" srcs[i] > out
      for (i = 1; i <= nd; i++) {
        m = mode["d\t" dirs[i]]; if (m == "") m = "700"
        print "d\t" m "\t" dirs[i] > out
      }
      for (i = 1; i <= np; i++) {
        print "p\t" packs[i] > out
        split(packs[i], r, "\t"); print r[5] "\tpacks/" r[1] "/" r[3] ".tar" > (dir "/want.tsv")
      }
      bytes = 0
      for (i = 1; i <= nf; i++) {
        p = files[i]; m = mode["f\t" p]; if (m == "") m = "600"
        print "f\t" sha[p] "\t" size[p] "\t" m "\t" p > out
        if (p in fpv) print "t\t" fpv[p] "\t" p > out
        bytes += size[p]
        l = loc[p]
        if (l == "") { print "internal: no location for " p > "/dev/stderr"; exit 1 }
        print "l\t" l "\t" p > out
        if (substr(l, 1, 1) == "=") {
          key = "objects/" substr(l, 2) "/" sha[p]
          if (!(key in wanted)) { wanted[key] = 1; print size[p] "\t" key > (dir "/want.tsv") }
          if (l == "=" stamp && (sha[p] in newobj)) { if (!(key in sent)) { sent[key] = 1; print key > (dir "/upload.list") }; ub += size[p]; un++ }
          else { cb += size[p]; cn++ }
        } else if (l in newpack) { ub += size[p]; un++ } else { cb += size[p]; cn++ }
      }
      printf "%d\t%d\t%d\t%d\t%d\t%d\n", nf, nd, bytes, cn, cb, un > (dir "/counts")
    }
  ' "$WORK/modes.tsv" "$WORK/sources.tsv" "$WORK/dirs.tsv" "$WORK/fp.tsv" "$WORK/loc.tsv" \
    "$WORK/precords.tsv" "$WORK/newpacks.tsv" "$WORK/newobjects.tsv" "$WORK/unchanged.tsv" "$WORK/staged.tsv" ||
    die 1 "internal: cannot write the manifest"
  # Deterministic order: header, then every record sorted bytewise.
  { head -n 1 "$WORK/manifest.body"; { sed 1d "$WORK/manifest.body"; cat "$WORK/odd.tsv"; } | LC_ALL=C sort; } >"$WORK/manifest.tsv"
  IFS="$TAB" read -r M_FILES M_DIRS M_BYTES C_FILES C_BYTES U_FILES <"$WORK/counts"
}

# A manifest chunk closes before a path whose hash is a multiple of this (so about this many
# paths, ~25 KB), or once it reaches MANIFEST_CHUNK_MAX bytes.
MANIFEST_CHUNK_PATHS=96
MANIFEST_CHUNK_MAX=262144

# The v4 manifest ($WORK/manifest.tsv) becomes chunks in the pool and a v5 index in its place.
# In the chunks, records are grouped by path (the header, then `s` and `p` records, then the `d`,
# `f`, `l`, `t` records of each path together, then `o` records), so a changed file touches one
# chunk, not one for each of its records wherever the bytewise order puts them (by sha256, pack
# name, fingerprint); reading a manifest sorts the records back (manifest_expand). A chunk
# boundary depends on the path that follows it alone, not on its position, so a changed, added or
# removed path changes only the chunk around it, and every other chunk is byte-identical to one
# the base stored: that one is referenced (if younger than FRESH_SINCE, the pool's age rule),
# never uploaded again. New chunks go up with the data as manifests/<stamp>/<sha256>
# ($WORK/upload-chunks.list); $WORK/want.tsv gets every chunk the index names, so check_stored
# finds them all before the marker is written.
write_manifest_chunks() {
  mv "$WORK/manifest.tsv" "$WORK/manifest.full"
  rm -rf "$WORK/mparts"
  mkdir -p "$WORK/mparts"
  # Group key TAB record: plain paths hold no tab or control character (names.sh), and `o`
  # records (any bytes, hex-written) sort after every plain path.
  sed 1d "$WORK/manifest.full" | awk -F '\t' "$AWK_REST"'
    $1 == "d" || $1 == "l" { print "p" rest($0, 2) "\t" $0; next }
    $1 == "f" { print "p" rest($0, 4) "\t" $0; next }
    $1 == "t" { print "p" rest($0, 3) "\t" $0; next }
    $1 == "o" { print "q" $5 "/" $6 "\t" $0; next }
    { print "\t" $0 }' | LC_ALL=C sort >"$WORK/manifest.grouped" || die 1 "internal: cannot group the manifest"
  { head -n 1 "$WORK/manifest.full"; cut -f 2- "$WORK/manifest.grouped"; } >"$WORK/manifest.chunked"
  awk -v dir="$WORK/mparts" -v every="$MANIFEST_CHUNK_PATHS" -v max="$MANIFEST_CHUNK_MAX" '
    BEGIN { chars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-/"; n = 1; f = sprintf("%s/%06d", dir, n) }
    FILENAME == ARGV[1] { key[FNR + 1] = substr($0, 1, index($0, "\t") - 1); next }
    {
      k = key[FNR]
      if (FNR > 1 && k != last && k != "") {
        L = length(k); t = (L > 32) ? substr(k, L - 31) : k; h = 0
        for (i = 1; i <= length(t); i++) h = (h * 31 + index(chars, substr(t, i, 1))) % 1000003
        if (h % every == 0 && bytes > 0) { close(f); n++; f = sprintf("%s/%06d", dir, n); bytes = 0 }
      }
      last = k
      if (bytes >= max) { close(f); n++; f = sprintf("%s/%06d", dir, n); bytes = 0 }
      print > f
      bytes += length($0) + 1
    }' "$WORK/manifest.grouped" "$WORK/manifest.chunked" || die 1 "internal: cannot split the manifest"
  # The chunks must read back as exactly this manifest (what manifest_expand does).
  for wmc_part in "$WORK"/mparts/*; do cat "$wmc_part"; done >"$WORK/manifest.reread"
  manifest_sort "$WORK/manifest.reread"
  cmp -s "$WORK/manifest.reread" "$WORK/manifest.full" || die 1 "internal: the manifest chunks do not read back as the manifest"
  (cd "$WORK/mparts" && for wmc_part in *; do
    [ -f "$wmc_part" ] || continue
    printf '%s\t%s\t%s\n' "$wmc_part" "$(sha256sum <"$wmc_part" | cut -d ' ' -f 1)" "$(wc -c <"$wmc_part" | tr -d ' ')"
  done) >"$WORK/mparts.tsv" || die 1 "internal: cannot hash the manifest chunks"
  : >"$WORK/upload-chunks.list"
  awk -F '\t' -v dir="$WORK" -v stamp="$STAMP" -v fresh="$FRESH_SINCE" -v head="$MANIFEST_HEADER_V5" '
    FILENAME == ARGV[1] { if ($1 == "m" && $2 >= fresh && $3 > "" && (!($3 in at) || $2 > at[$3])) at[$3] = $2; next }
    FNR == 1 { print head > (dir "/manifest.tsv") }
    {
      st = ($2 in at) ? at[$2] : stamp
      print "m\t" st "\t" $2 "\t" $3 > (dir "/manifest.tsv")
      key = "manifests/" st "/" $2
      if (key in seen) next
      seen[key] = 1
      print $3 "\t" key >> (dir "/want.tsv")
      if (st == stamp) print $1 "\t" key > (dir "/upload-chunks.tsv")
    }' "$WORK/prev.index" "$WORK/mparts.tsv" || die 1 "internal: cannot write the manifest index"
  if [ -f "$WORK/upload-chunks.tsv" ]; then
    mkdir -p "$WORK/up/manifests/$STAMP"
    while IFS="$TAB" read -r wmc_part wmc_key; do
      mv -- "$WORK/mparts/$wmc_part" "$WORK/up/$wmc_key" || die "$E_STORE" "cannot prepare a manifest chunk for upload in the scratch dir (disk full? set OCB_WORK_DIR)"
      printf '%s\n' "$wmc_key" >>"$WORK/upload-chunks.list"
    done <"$WORK/upload-chunks.tsv"
  fi
  M_CHUNKS=$(($(wc -l <"$WORK/manifest.tsv" | tr -d ' ') - 1))
  M_NEW_CHUNKS=$(wc -l <"$WORK/upload-chunks.list" | tr -d ' ')
  log "manifest: $(wc -c <"$WORK/manifest.full" | tr -d ' ') bytes in $M_CHUNKS chunk(s), $M_NEW_CHUNKS new; the index is $(wc -c <"$WORK/manifest.tsv" | tr -d ' ') bytes"
}

# Files stored alone go up as objects/<stamp>/<sha256>: hard links (same filesystem) into the
# upload tree next to the new packs, one per new content.
stage_objects() {
  [ -s "$WORK/newobjects.tsv" ] || return 0
  mkdir -p "$WORK/up/objects/$STAMP"
  while IFS="$TAB" read -r so_sha so_path; do
    ln -f -- "$STAGE/$so_path" "$WORK/up/objects/$STAMP/$so_sha" 2>/dev/null ||
      cp -- "$STAGE/$so_path" "$WORK/up/objects/$STAMP/$so_sha" ||
      die "$E_STORE" "cannot prepare $so_path for upload in the scratch dir (disk full? set OCB_WORK_DIR)"
  done <"$WORK/newobjects.tsv"
}

# transfer_to_pool NAME LIST SOURCE [RCLONE FLAGS...]: copy the files of LIST (paths relative to
# SOURCE, packs/... and objects/...) into the pool. Sums the bytes moved into XFER_BYTES.
#   --no-traverse: direct lookups of the listed files instead of walking both trees (and some S3
#     servers' delimiter listings miss folders holding only folders);
#   --no-check-dest: every key carries this run's stamp (a pack's also its kind), so none is there
#     yet (at most an identical content from a run of another kind in the same second); asking
#     would be wasted requests.
# With --no-check-dest, rclone's own --retries would send the WHOLE list again after one failed
# file (a 200 MB first backup uploaded twice). So rclone runs once per attempt, and each further
# attempt (OCB_RCLONE_RETRIES in all) takes only the files the pool does not hold yet with the
# size the snapshot wants ($WORK/want.tsv); S3 objects appear whole or not at all. check_stored
# has the last word.
transfer_to_pool() {
  tts_name=$1
  tts_src=$3
  cp "$2" "$WORK/$tts_name.todo"
  shift 3
  tts_attempt=1
  XFER_BYTES=0
  while :; do
    tts_status=0
    ocb_xfer "$WORK/$tts_name.$tts_attempt.log" copy --retries 1 --no-traverse --no-check-dest "$@" \
      --files-from-raw "$WORK/$tts_name.todo" "$tts_src" "$POOL_ROOT" || tts_status=$?
    XFER_BYTES=$((XFER_BYTES + $(xfer_stat "$WORK/$tts_name.$tts_attempt.log" bytes)))
    [ "$tts_status" -ne 0 ] || return 0
    [ "$tts_attempt" -lt "${OCB_RCLONE_RETRIES:-3}" ] || return "$tts_status"
    list_stored
    awk -F '\t' "$AWK_REST"'
      FILENAME == ARGV[1] { want[rest($0, 1)] = $1; next }
      FILENAME == ARGV[2] { p = rest($0, 1); if (want[p] == $1) have[p] = 1; next }
      !($0 in have)' "$WORK/want.tsv" "$WORK/stored.tsv" "$WORK/$tts_name.todo" >"$WORK/$tts_name.left"
    mv "$WORK/$tts_name.left" "$WORK/$tts_name.todo"
    [ -s "$WORK/$tts_name.todo" ] || return 0
    tts_attempt=$((tts_attempt + 1))
    log "$tts_name: attempt $tts_attempt of ${OCB_RCLONE_RETRIES:-3} for the $(wc -l <"$WORK/$tts_name.todo" | tr -d ' ') file(s) not stored yet"
  done
}

# The pool's objects -> $WORK/stored.tsv "size TAB path" (the encrypted pool of a plain run, and
# the other way round, left out).
list_stored() {
  ls_flags=""
  [ "$CRYPT" = yes ] || ls_flags="--exclude /encrypted/**"
  # shellcheck disable=SC2086
  ocb_rclone lsf -R --files-only --format sp --separator "$TAB" $ls_flags "$POOL_ROOT" >"$WORK/stored.tsv" 2>"$WORK/stored.err" || {
    grep -q "directory not found" "$WORK/stored.err" && { : >"$WORK/stored.tsv"; return 0; }
    cat "$WORK/stored.err" >&2
    die "$E_STORE" "cannot list the pool $POOL_ROOT; the snapshot $SNAP_PATH stays incomplete and is never taken for a good one"
  }
}

# Every object the new snapshot references must be in the pool with the size it wants, and the
# snapshot folder must hold exactly its manifest: only then is the snapshot sealed.
check_stored() {
  list_stored
  awk -F '\t' "$AWK_REST"'
    FILENAME == ARGV[1] { want[rest($0, 1)] = $1; next }
    { p = rest($0, 1); if (p in want) { if (want[p] != $1) print "size " p; got[p] = 1 } }
    END { for (p in want) if (!(p in got)) print "missing " p }
  ' "$WORK/want.tsv" "$WORK/stored.tsv" >"$WORK/stored.diff"
  ocb_rclone lsf -R --files-only --format sp --separator "$TAB" "$CUR_ROOT" >"$WORK/snapdir.tsv" ||
    die "$E_STORE" "cannot list the new snapshot $SNAP_PATH"
  awk -F '\t' -v want="$(wc -c <"$WORK/manifest.tsv" | tr -d ' ')" "$AWK_REST"'
    { p = rest($0, 1); if (p != "manifest.tsv") print "unexpected " p; else { n++; if ($1 != want) print "size manifest.tsv" } }
    END { if (n != 1) print "missing manifest.tsv" }' "$WORK/snapdir.tsv" >>"$WORK/stored.diff"
  if [ -s "$WORK/stored.diff" ]; then
    head -n 10 "$WORK/stored.diff" >&2
    die "$E_STORE" "the stored snapshot $SNAP_PATH does not match what was uploaded ($(wc -l <"$WORK/stored.diff" | tr -d ' ') problem(s)); it stays incomplete"
  fi
}

cmd_backup() {
  load_store_config
  load_instance_config
  require_env OCB_KIND
  valid_kind "$OCB_KIND" || die "$E_USAGE" "OCB_KIND='$OCB_KIND' must be one of: $KINDS"
  setup_work
  load_sources
  resolve_data_dirs
  crypt_init
  check_retention_env
  check_pack_env
  check_pool_env
  check_probe_env
  STAMP=$(now_stamp)
  SNAP_PATH="$INSTANCE_PATH/$OCB_KIND/$STAMP"
  bk_start=$(date +%s)
  log "backup of $OCB_TENANT/$OCB_INSTANCE ($OCB_KIND) to store:$OCB_BUCKET/$SNAP_PATH encrypted=$CRYPT"

  # Complete or not, an existing folder of this name is never written into. One recursive listing
  # of this one folder (normally empty): cheap, and it sees folders that hold only folders.
  # It is also the run's first contact with the store, so it runs alone with bounded retries: with
  # the store gone, rclone's usual retries (OCB_RCLONE_RETRIES x OCB_RCLONE_LOW_LEVEL_RETRIES, with
  # the SDK's backoff) kept a backup waiting over two minutes before it said so.
  bk_probe_status=0
  ocb_rclone lsf -R --files-only --retries "$PROBE_RETRIES" --low-level-retries "$PROBE_LOW_LEVEL_RETRIES" \
    --contimeout "$PROBE_CONNECT_TIMEOUT" --timeout "$PROBE_IO_TIMEOUT" \
    "store:$OCB_BUCKET/$SNAP_PATH/" >"$WORK/exists.list" 2>"$WORK/probe.err" || bk_probe_status=$?
  if [ "$bk_probe_status" -ne 0 ]; then
    tail -n 3 "$WORK/probe.err" >&2
    die "$E_STORE" "cannot reach the store at store:$OCB_BUCKET/$INSTANCE_PATH/ (first contact: $PROBE_RETRIES tries of $PROBE_LOW_LEVEL_RETRIES low-level attempts, connect timeout $PROBE_CONNECT_TIMEOUT, I/O timeout $PROBE_IO_TIMEOUT; is the endpoint reachable, the bucket there and the identity allowed to list?); nothing was written: the snapshot $SNAP_PATH stays incomplete and is never taken for a good one"
  fi
  [ ! -s "$WORK/exists.list" ] || die "$E_TARGET" "snapshot $SNAP_PATH already exists; snapshots are immutable, retry in a second"
  index_markers "$INSTANCE_PATH" "$WORK/index.tsv"
  # Garbage collection leaves the pool alone while this lock is younger than the grace period.
  lock_acquire
  load_base
  BASE_POOLED=no
  [ -z "$BASE" ] || [ "$(manifest_format "$WORK/prev.manifest")" != 4 ] || BASE_POOLED=yes
  [ -z "$BASE" ] || [ "$BASE_POOLED" = yes ] ||
    log "the base $BASE is of an older format (data in its own folder, not in the pool): this backup stores every file in the pool once"
  FRESH_SINCE=$(pool_fresh_since "$STAMP")
  pool_root "$INSTANCE_PATH" "$CRYPT"

  # Staged files and new packs sit where they go in the pool: one upload sends both.
  STAGE="$WORK/up/data"
  mkdir -p "$STAGE"
  SCAN_START=$(date +%s)
  scan_sources
  list_db_candidates
  trust_unchanged
  capture_sqlite
  classify_by_size
  hash_candidates
  plan_kept_packs
  stage_changed
  plan_new_packs
  build_packs
  : >"$WORK/upload.list"
  : >"$WORK/want.tsv"
  build_manifest
  # The pool objects holding the files (packs and files stored alone), before the chunks join want.tsv.
  M_OBJECTS=$(wc -l <"$WORK/want.tsv" | tr -d ' ')
  write_manifest_chunks
  stage_objects

  content_root cur "$SNAP_PATH" "$CRYPT"
  CUR_ROOT=$CONTENT_ROOT
  U_XFER_BYTES=0
  # The manifest goes up alongside the data (check_stored checks it with the rest); until the
  # marker exists the snapshot is invisible to list/restore and prune removes it after the
  # grace period.
  ocb_rclone copyto --no-check-dest "$WORK/manifest.tsv" "${CUR_ROOT}manifest.tsv" 2>"$WORK/manifest-upload.err" &
  BACKGROUND_PID=$!
  log "reuse: $C_FILES unchanged file(s), $C_BYTES bytes, referenced in the pool (${BASE:-no base}): nothing copied"
  awk -F '\t' '{ p = $0; sub(/^[^\t]*\t[^\t]*\t/, "", p); print "packs/" p }' "$WORK/packs.tsv" >"$WORK/upload-packs.list"
  if [ -s "$WORK/upload.list" ] || [ -s "$WORK/upload-packs.list" ] || [ -s "$WORK/upload-chunks.list" ]; then
    log "upload: starting, $U_FILES changed file(s) in $(wc -l <"$WORK/upload.list" | tr -d ' ') object(s) and $(wc -l <"$WORK/upload-packs.list" | tr -d ' ') pack(s), and $M_NEW_CHUNKS manifest chunk(s)"
    cat "$WORK/upload-packs.list" "$WORK/upload-chunks.list" >>"$WORK/upload.list"
    transfer_to_pool upload "$WORK/upload.list" "$WORK/up" ||
      die "$E_STORE" "upload to the pool of $INSTANCE_PATH failed; the snapshot $SNAP_PATH stays incomplete and is never restored"
    U_XFER_BYTES=$XFER_BYTES
  fi
  bk_manifest=0
  wait "$BACKGROUND_PID" || bk_manifest=$?
  BACKGROUND_PID=""
  if [ "$bk_manifest" -ne 0 ]; then
    cat "$WORK/manifest-upload.err" >&2
    die "$E_STORE" "cannot write the manifest of $SNAP_PATH; the snapshot stays incomplete"
  fi
  check_stored
  check_layout_unchanged

  # Seal: the plain completion marker, last.
  bk_msha=$(sha256sum <"$WORK/manifest.tsv" | cut -d ' ' -f 1)
  bk_enc=false
  [ "$CRYPT" = yes ] && bk_enc=true
  bk_secs=$(($(date +%s) - bk_start))
  printf '{"format":"openclaw-backup/v1","tenant":"%s","instance":"%s","kind":"%s","time":"%s","files":%s,"dirs":%s,"bytes":%s,"encrypted":%s,"uploadedFiles":%s,"uploadedBytes":%s,"reusedFiles":%s,"reusedBytes":%s,"base":"%s","manifestSha256":"%s","objects":%s,"layout":"pool","scanStarted":%s,"durationSeconds":%s}\n' \
    "$OCB_TENANT" "$OCB_INSTANCE" "$OCB_KIND" "$STAMP" "$M_FILES" "$M_DIRS" "$M_BYTES" "$bk_enc" \
    "$U_FILES" "$U_XFER_BYTES" "$C_FILES" "$C_BYTES" "$BASE" "$bk_msha" \
    "$M_OBJECTS" "$SCAN_START" "$bk_secs" >"$WORK/snapshot.json"
  ocb_rclone copyto --no-check-dest "$WORK/snapshot.json" "store:$OCB_BUCKET/$SNAP_PATH/snapshot.json" ||
    die "$E_STORE" "cannot write the completion marker of $SNAP_PATH; the snapshot stays incomplete"
  log "backup complete: $SNAP_PATH files=$M_FILES dirs=$M_DIRS bytes=$M_BYTES uploaded_files=$U_FILES uploaded_bytes=$U_XFER_BYTES reused_files=$C_FILES reused_bytes=$C_BYTES duration_s=$bk_secs"
  printf '{"event":"backup.complete","snapshot":"%s",%s\n' "$SNAP_PATH" "$(sed 's/^{//' "$WORK/snapshot.json")"

  lock_release
  if [ "${OCB_PRUNE_AFTER_BACKUP:-true}" = true ]; then
    index_instance "$INSTANCE_PATH" "$WORK/index.tsv"
    prune_instance || die "$E_STORE" "snapshot $SNAP_PATH is complete, but pruning old snapshots failed"
  fi
}
