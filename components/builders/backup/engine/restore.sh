# shellcheck shell=sh
# `restore` and `verify`. Sourced by openclaw-backup.sh.
#
# Restore never writes into a target before every byte is verified: each source is downloaded to
# "<target>/.ocb-restore-<time>" (same filesystem, so the final moves are renames), checked
# against the manifest (sha256, size, exact file set), and only then is the current content moved
# to "<target>/.pre-restore-<time>" (never deleted) and the restored content moved in.
# A source with a state folder (OCB_SOURCE_SUBDIRS) is downloaded into
# "<target>/.ocb-restore-<time>/<folder>" and swapped the same way at <target>: whatever the volume
# held (the legacy layout's entries, or the folder) moves aside, and the volume ends up in the new
# layout.

# resolve_spec SPEC -> R_MODE=snapshot|plain; R_SNAP (bucket-relative snapshot path), R_ENC, and
# $WORK/marker.json for snapshots; R_PLAIN for plain folders.
resolve_spec() {
  rs_spec=${1#/}
  rs_spec=${rs_spec%/}
  case "$rs_spec" in
    plain:*)
      R_MODE=plain
      R_PLAIN=${rs_spec#plain:}
      R_PLAIN=${R_PLAIN#/}
      R_PLAIN=${R_PLAIN#"$OCB_BUCKET"/}
      R_PLAIN=${R_PLAIN%/}
      valid_key_path "$R_PLAIN" || die "$E_USAGE" "OCB_RESTORE_FROM plain path '$R_PLAIN' must be slash-separated segments of [A-Za-z0-9._=+:@-]"
      return 0
      ;;
  esac
  R_MODE=snapshot
  rs_spec=${rs_spec#"$OCB_BUCKET"/}
  valid_key_path "$rs_spec" || die "$E_USAGE" "cannot parse restore source '$1' (see docs/backups.md for the accepted forms)"
  # -> explicit-prefix? TAB prefix TAB tenant TAB instance TAB kind TAB stamp|latest
  rs_orig=$1
  rs_parsed=$(printf '%s\n' "$rs_spec" | awk -v kinds=" $KINDS " '{
    n = split($0, s, "/"); last = s[n]; kind = ""
    if (last == "latest") {
      if (n >= 4 && index(kinds, " " s[n - 1] " ")) { kind = s[n - 1]; i = n - 2 } else i = n - 1
    } else if (last ~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z$/) {
      kind = s[n - 1]; if (!index(kinds, " " kind " ")) exit 1; i = n - 2
    } else exit 1
    if (i < 2) exit 1
    prefix = ""; for (j = 1; j < i - 1; j++) prefix = prefix s[j] "/"
    printf "%d|%s|%s|%s|%s|%s\n", (i > 2), prefix, s[i - 1], s[i], kind, last
  }') || die "$E_USAGE" "cannot parse restore source '$1': use <tenant>/<instance>/[<kind>/]latest, <tenant>/<instance>/<kind>/<time>, optionally after the prefix (and bucket), or plain:<path>"
  # "|" never occurs in validated key paths; a non-blank IFS keeps empty fields in place.
  rs_ifs=$IFS
  IFS='|'
  set -f
  # shellcheck disable=SC2086
  set -- $rs_parsed
  set +f
  IFS=$rs_ifs
  rs_explicit=$1 rs_prefix=$2 rs_tenant=$3 rs_instance=$4 rs_kind=$5 rs_last=$6
  [ "$rs_explicit" = 1 ] || rs_prefix=$OCB_PREFIX
  { valid_name "$rs_tenant" && valid_name "$rs_instance"; } ||
    die "$E_USAGE" "restore source '$rs_orig': tenant '$rs_tenant' or instance '$rs_instance' is not a valid name"
  rs_inst="$rs_prefix$rs_tenant/$rs_instance"
  if [ "$rs_last" = latest ]; then
    index_markers "$rs_inst" "$WORK/rindex.tsv" "$rs_kind"
    rs_found=$(newest_complete "$WORK/rindex.tsv" "$rs_kind")
    [ -n "$rs_found" ] || die "$E_NOTFOUND" "no complete snapshot under store:$OCB_BUCKET/$rs_inst/${rs_kind:+$rs_kind/} (restore source '$rs_orig')"
    R_SNAP="$rs_inst/$(printf '%s' "$rs_found" | tr "$TAB" /)"
  else
    R_SNAP="$rs_inst/$rs_kind/$rs_last"
  fi
  rs_status=0
  fetch_checked "store:$OCB_BUCKET/$R_SNAP/snapshot.json" "$WORK/marker.json" || rs_status=$?
  [ "$rs_status" -ne 2 ] || die "$E_VERIFY" "the snapshot.json marker of $R_SNAP is damaged (checksum failed on download)"
  [ "$rs_status" -eq 0 ] ||
    die "$E_NOTFOUND" "snapshot store:$OCB_BUCKET/$R_SNAP does not exist or is incomplete (no snapshot.json marker)"
  R_ENC=no
  [ "$(json_field "$WORK/marker.json" encrypted)" = true ] && R_ENC=yes
  log "resolved '$rs_orig' to $R_SNAP (encrypted=$R_ENC)"
}

# Fetches and authenticates the manifest of R_SNAP; sets SNAP_ROOT. A wrong passphrase makes the
# encrypted name of manifest.tsv differ, so the fetch finds nothing: that is reported as such.
load_manifest() {
  content_root cur "$R_SNAP" "$R_ENC"
  SNAP_ROOT=$CONTENT_ROOT
  lm_status=0
  fetch_checked "${SNAP_ROOT}manifest.tsv" "$WORK/manifest.tsv" || lm_status=$?
  if [ "$lm_status" -eq 2 ]; then
    [ "$R_ENC" = yes ] &&
      die "$E_VERIFY" "the manifest of $R_SNAP is damaged or was encrypted with another passphrase (decryption or checksum failed)"
    die "$E_VERIFY" "the manifest of $R_SNAP is damaged (checksum failed on download)"
  fi
  if [ "$lm_status" -ne 0 ]; then
    [ "$R_ENC" = yes ] &&
      die "$E_VERIFY" "cannot decrypt snapshot $R_SNAP: wrong OCB_CRYPT_PASSWORD/OCB_CRYPT_PASSWORD2 (or the manifest is gone)"
    die "$E_VERIFY" "snapshot $R_SNAP has a completion marker but no manifest: it is damaged"
  fi
  R_FORMAT=$(manifest_format "$WORK/manifest.tsv") ||
    die "$E_VERIFY" "manifest of $R_SNAP has an unknown format (first line: $(head -n 1 "$WORK/manifest.tsv" | cut -c 1-60))"
  [ "$(sha256sum <"$WORK/manifest.tsv" | cut -d ' ' -f 1)" = "$(json_field "$WORK/marker.json" manifestSha256)" ] ||
    die "$E_VERIFY" "manifest of $R_SNAP does not match the checksum in its snapshot.json: damaged or tampered with"
  if [ "$R_FORMAT" = 5 ]; then
    manifest_expand "$WORK/manifest.tsv" "${R_SNAP%/*/*}" "$R_ENC" ||
      die "$E_VERIFY" "the manifest of $R_SNAP cannot be read whole: $EXPAND_PROBLEM; damaged or tampered with"
    R_FORMAT=4
  fi
  [ "$R_FORMAT" != 4 ] || check_pool_manifest
}

# A v4 manifest names where every file is: exactly one `l` record per `f` record, each naming a
# pack the manifest lists or a stored-alone object ("=<stamp>").
check_pool_manifest() {
  awk -F '\t' "$AWK_REST"'
    $1 == "f" { f[rest($0, 4)] = 1 }
    $1 == "l" { p = rest($0, 2); if (p in l) print "two locations: " p; l[p] = $2 }
    $1 == "p" { pack[$4] = 1 }
    END {
      for (p in f) if (!(p in l)) print "no location: " p
      for (p in l) {
        if (!(p in f)) print "location of no file: " p
        else if (substr(l[p], 1, 1) == "=") { if (l[p] !~ /^=[0-9]+T[0-9]+Z$/) print "bad location: " p }
        else if (!(l[p] in pack)) print "unknown pack " l[p] ": " p
      }
    }' "$WORK/manifest.tsv" >"$WORK/manifest.problems"
  if [ -s "$WORK/manifest.problems" ]; then
    head -n 10 "$WORK/manifest.problems" >&2
    die "$E_VERIFY" "the manifest of $R_SNAP is inconsistent ($(wc -l <"$WORK/manifest.problems" | tr -d ' ') problem(s)): damaged or tampered with"
  fi
}

# compare_manifest ACTUAL SOURCE... : ACTUAL lines "sha TAB size TAB source/path". Prints one line
# per problem (missing, unexpected, size, sha256) and fails if there is any.
compare_manifest() {
  cm_actual=$1
  shift
  awk -F '\t' -v want_sources=" $* " "$AWK_REST"'
    FILENAME == ARGV[1] {
      if ($1 != "f") next
      p = rest($0, 4); s = p; sub(/\/.*/, "", s)
      if (index(want_sources, " " s " ")) { sha[p] = $2; size[p] = $3 }
      next
    }
    {
      p = rest($0, 2)
      if (!(p in sha)) { print "unexpected file: " p; bad++; next }
      seen[p] = 1
      if (size[p] != $2) { print "size differs: " p " (manifest " size[p] ", got " $2 ")"; bad++ }
      else if (sha[p] != $1) { print "sha256 differs: " p; bad++ }
    }
    END { for (p in sha) if (!(p in seen)) { print "missing file: " p; bad++ }; exit bad > 0 }
  ' "$WORK/manifest.tsv" "$cm_actual"
}

manifest_has_files() {
  awk -F '\t' -v s="$1" "$AWK_REST"'$1 == "f" { p = rest($0, 4); if (index(p, s "/") == 1) { f = 1; exit } } END { exit !f }' "$WORK/manifest.tsv"
}

# rclone checks each download against the store's MD5 (and crypt authenticates every block):
# a mismatch there is damaged data, not an unreachable store.
# download_failed WHAT [LOG]
download_failed() {
  if grep -Eq "$DAMAGE_PATTERN" "${2:-$WORK/download.log}"; then
    die "$E_VERIFY" "stored data of $1 is damaged (checksum/authentication failure on download); targets untouched"
  fi
  die "$E_STORE" "download of $1 failed; targets untouched"
}

# Objects of at least this many bytes are downloaded first (few objects, most of the bytes).
RESTORE_SPLIT_BYTES=65536
# Parallel downloads: a state is thousands of small objects, so a restore is bound by requests
# in flight rather than bandwidth; rclone's default of 4 leaves most of a link idle.
RESTORE_TRANSFERS=16

# join_hashes SIZES HASHES -> "sha TAB size TAB path": SIZES from `lsf --format sp`, HASHES from
# `hashsum sha256` ("sha  path").
join_hashes() {
  awk -F '\t' "$AWK_REST"'
    FILENAME == ARGV[1] { size[rest($0, 2)] = $1; next }
    { p = substr($0, 67); print substr($0, 1, 64) "\t" size[p] "\t" p }
  ' "$1" "$2"
}

# hash_listed DIR LIST -> "sha TAB size TAB path" of the files of LIST ("size TAB path" lines
# from lsf) under DIR.
hash_listed() {
  cut -f 2- "$2" >"$2.paths"
  ocb_rclone hashsum sha256 --files-from-raw "$2.paths" "$1" >"$2.sha" || return 1
  join_hashes "$2" "$2.sha"
}

# download_and_hash NAME STAGING -> every object of the source's data/ folder in STAGING, and
# "sha TAB size TAB path" of each in $WORK/got.raw. A restore costs the download plus reading every
# byte again to hash it, so the two overlap: the large objects come first, then the many small
# ones download in the background while the large ones are hashed. The two passes split on size,
# so together they take every object of the folder and an unexpected one is still caught.
download_and_hash() {
  dh_from="${SNAP_ROOT}data/$1"
  dh_to=$2
  dh_what="source '$1' of $R_SNAP"
  ocb_xfer "$WORK/download.log" copy --transfers "$RESTORE_TRANSFERS" --min-size "${RESTORE_SPLIT_BYTES}B" "$dh_from" "$dh_to" ||
    download_failed "$dh_what"
  ocb_rclone lsf -R --files-only --format sp --separator "$TAB" "$dh_to" >"$WORK/large.tsv" ||
    die "$E_STORE" "cannot list the downloaded files in $dh_to"
  ocb_xfer "$WORK/download-small.log" copy --transfers "$RESTORE_TRANSFERS" --max-size "$((RESTORE_SPLIT_BYTES - 1))B" "$dh_from" "$dh_to" &
  BACKGROUND_PID=$!
  dh_hashed=0
  hash_listed "$dh_to" "$WORK/large.tsv" >"$WORK/got.raw" || dh_hashed=$?
  dh_downloaded=0
  wait "$BACKGROUND_PID" || dh_downloaded=$?
  BACKGROUND_PID=""
  [ "$dh_downloaded" -eq 0 ] || download_failed "$dh_what" "$WORK/download-small.log"
  [ "$dh_hashed" -eq 0 ] || die "$E_STORE" "cannot hash the downloaded files in $dh_to"
  ocb_rclone lsf -R --files-only --format sp --separator "$TAB" --max-size "$((RESTORE_SPLIT_BYTES - 1))B" "$dh_to" >"$WORK/small.tsv" ||
    die "$E_STORE" "cannot list the downloaded files in $dh_to"
  hash_listed "$dh_to" "$WORK/small.tsv" >>"$WORK/got.raw" ||
    die "$E_STORE" "cannot hash the downloaded files in $dh_to"
}

# The downloaded packs ($WORK/packs.got, "sha TAB size TAB name.tar") must be exactly those the
# manifest names for the source ($WORK/packs.want), each with its size and sha256.
check_packs_got() {
  awk -F '\t' "$AWK_REST"'
    FILENAME == ARGV[1] { sha[$2 ".tar"] = $3; size[$2 ".tar"] = $4; next }
    {
      p = rest($0, 2)
      if (!(p in sha)) print "unexpected pack: " p
      else if (size[p] != $2) print "pack size differs: " p
      else if (sha[p] != $1) print "pack sha256 differs: " p
      got[p] = 1
    }
    END { for (p in sha) if (!(p in got)) print "missing pack: " p }
  ' "$WORK/packs.want" "$WORK/packs.got" >"$WORK/packs.diff"
  if [ -s "$WORK/packs.diff" ]; then
    head -n 20 "$WORK/packs.diff" >&2
    die "$E_VERIFY" "the packs of source '$1' of $R_SNAP do not match the manifest: $(wc -l <"$WORK/packs.diff" | tr -d ' ') problem(s); targets untouched"
  fi
}

# remove_dead_members NAME STAGING: after unpacking, members that are not current: files first,
# then folders only they made (deepest first; rmdir leaves any folder that still holds something).
remove_dead_members() {
  ocb_rclone lsf -R --files-only --format p "$2" >"$WORK/unpacked.list" ||
    die "$E_STORE" "cannot list the unpacked files in $2"
  awk -F '\t' -v s="$1" "$AWK_REST"'
    FILENAME == ARGV[1] { if ($1 == "l") { p = rest($0, 2); if (index(p, s "/") == 1) cur[substr(p, length(s) + 2)] = 1 }; next }
    !($0 in cur)' "$WORK/manifest.tsv" "$WORK/unpacked.list" | tr '\n' '\000' >"$WORK/dead.files"
  (cd "$2" && xargs -0 -r rm -f -- <"$WORK/dead.files") || die "$E_TARGET" "cannot remove superseded files from $2"
  (cd "$2" && find . -mindepth 1 -type d) | awk -v s="$1" "$AWK_REST"'
    FILENAME == ARGV[1] { if ($0 ~ /^d\t/) { p = rest($0, 2); if (index(p, s "/") == 1) keep["./" substr(p, length(s) + 2)] = 1 }; next }
    !($0 in keep)' "$WORK/manifest.tsv" - | LC_ALL=C sort -r | tr '\n' '\000' >"$WORK/dead.dirs"
  (cd "$2" && xargs -0 -r rmdir -- <"$WORK/dead.dirs" 2>/dev/null) || true
}

# unpack_packs PACKS NAME STAGING WHAT: the downloaded packs ($WORK/packs.got) checked against the
# manifest, each unpacked into STAGING and removed, then the members that are not current removed.
unpack_packs() {
  check_packs_got "$2"
  while IFS="$TAB" read -r up_seq up_pack up_sha up_size; do
    tar -xf "$1/$up_pack.tar" -C "$3" || die "$E_VERIFY" "cannot unpack $up_pack of $4; targets untouched"
    rm -f "$1/$up_pack.tar"
  done <"$WORK/packs.want"
  remove_dead_members "$2" "$3"
}

# fetch_packed_source NAME STAGING PACKS -> the source of a v2 snapshot in STAGING, and "sha TAB
# size TAB path" of every file there in $WORK/got.raw. Its packs come down first, all at once,
# into PACKS (a scratch folder on the target's filesystem); each must be exactly a pack the
# manifest names, with its sha256, before tar reads it. They are unpacked oldest first (a file's
# current version is in the newest pack holding it), then members the manifest does not name as
# current are removed with any folder only they needed. Files stored one object each follow.
fetch_packed_source() {
  fps_name=$1
  fps_staging=$2
  fps_packs=$3
  fps_what="source '$fps_name' of $R_SNAP"
  awk -F '\t' -v s="$fps_name" '$1 == "p" && $2 == s { print $3 "\t" $4 "\t" $5 "\t" $6 }' "$WORK/manifest.tsv" |
    LC_ALL=C sort >"$WORK/packs.want"
  if [ -s "$WORK/packs.want" ]; then
    mkdir -m 700 -p "$fps_packs" || die "$E_TARGET" "cannot create $fps_packs"
    ocb_xfer "$WORK/download-packs.log" copy --transfers "$RESTORE_TRANSFERS" "${SNAP_ROOT}packs/$fps_name" "$fps_packs" ||
      download_failed "the packs of $fps_what" "$WORK/download-packs.log"
    ocb_rclone lsf --files-only --format hsp --hash sha256 --separator "$TAB" "$fps_packs" >"$WORK/packs.got" ||
      die "$E_STORE" "cannot hash the downloaded packs in $fps_packs"
    unpack_packs "$fps_packs" "$fps_name" "$fps_staging" "$fps_what"
  fi
  # Files stored alone: more `f` records than `l` ones for this source.
  if awk -F '\t' -v s="$fps_name" "$AWK_REST"'
    $1 == "f" && index(rest($0, 4), s "/") == 1 { n++ }
    $1 == "l" && index(rest($0, 2), s "/") == 1 { n-- }
    END { exit n == 0 }' "$WORK/manifest.tsv"; then
    ocb_xfer "$WORK/download.log" copy --transfers "$RESTORE_TRANSFERS" "${SNAP_ROOT}data/$fps_name" "$fps_staging" ||
      download_failed "$fps_what"
  fi
  ocb_rclone lsf -R --files-only --format sp --separator "$TAB" "$fps_staging" >"$WORK/all.tsv" ||
    die "$E_STORE" "cannot list the restored files in $fps_staging"
  hash_listed "$fps_staging" "$WORK/all.tsv" >"$WORK/got.raw" || die "$E_STORE" "cannot hash the restored files in $fps_staging"
}

# Creates "<target>/.ocb-restore-<time>" for each restored source, and in it the source's state
# folder if it has one; $WORK/targets.tsv gets "name TAB target TAB staging TAB data staging": the
# staging folder swapped in at the target, and where the source's data goes (the staging folder
# itself, or its state folder).
prepare_target() {
  pt_name=$1
  pt_dir=$2
  if [ -e "$pt_dir" ] && [ ! -d "$pt_dir" ]; then
    die "$E_TARGET" "restore target $pt_dir (source '$pt_name') exists and is not a directory"
  fi
  mkdir -p "$pt_dir" || die "$E_TARGET" "cannot create restore target $pt_dir"
  [ -w "$pt_dir" ] || die "$E_TARGET" "restore target $pt_dir is not writable by uid $(id -u)"
  pt_staging="$pt_dir/.ocb-restore-$RESTORE_STAMP"
  mkdir -m 700 "$pt_staging" ||
    die "$E_TARGET" "cannot create $pt_staging (another restore running, or a leftover of one? remove it once none runs)"
  add_cleanup "$pt_staging"
  add_cleanup "$pt_staging.packs"
  pt_data=$pt_staging
  pt_folder=$(source_subdir "$pt_name")
  if [ -n "$pt_folder" ]; then
    pt_data="$pt_staging/$pt_folder"
    mkdir -m 700 "$pt_data" || die "$E_TARGET" "cannot create $pt_data"
    log "source '$pt_name': restoring into the state folder $pt_dir/$pt_folder (whatever $pt_dir holds now is kept aside)"
  fi
  printf '%s\t%s\t%s\t%s\n' "$pt_name" "$pt_dir" "$pt_staging" "$pt_data" >>"$WORK/targets.tsv"
}

# Recreate directories (empty ones included) and permission bits recorded in the manifest.
# umask 022 during download made everything 644/755, so only the exceptions cost a chmod.
apply_layout() {
  al_name=$1
  al_staging=$2
  awk -F '\t' -v s="$al_name" "$AWK_REST"'
    ($1 == "d" || $1 == "f") {
      p = rest($0, ($1 == "d") ? 2 : 4)
      if (index(p, s "/") != 1) next
      m = ($1 == "d") ? $2 : $4
      print $1 "\t" m "\t" substr(p, length(s) + 2)
    }' "$WORK/manifest.tsv" >"$WORK/layout.tsv"
  # Batched through xargs (NUL-separated; the manifest has no names with a newline): a state holds
  # hundreds of folders, and one process per entry cost a measurable share of a restore.
  # Every folder, empty ones included (the download creates only those holding files).
  awk -F '\t' -v root="$al_staging" '$1 == "d" { p = $0; sub(/^[^\t]*\t[^\t]*\t/, "", p); print root "/" p }' \
    "$WORK/layout.tsv" | tr '\n' '\000' >"$WORK/layout.dirs"
  xargs -0 -r mkdir -p <"$WORK/layout.dirs" ||
    die "$LAYOUT_FAIL" "cannot create the folders of source '$al_name' in $al_staging; targets untouched"
  # Files whose mode is not the default: one chmod per distinct mode.
  awk -F '\t' '$1 == "f" && $2 != "644" { print $2 }' "$WORK/layout.tsv" | LC_ALL=C sort -u >"$WORK/layout.modes"
  while IFS= read -r al_mode; do
    awk -F '\t' -v m="$al_mode" -v root="$al_staging" '$1 == "f" && $2 == m { p = $0; sub(/^[^\t]*\t[^\t]*\t/, "", p); print root "/" p }' \
      "$WORK/layout.tsv" | tr '\n' '\000' >"$WORK/layout.files"
    xargs -0 -r chmod "$al_mode" <"$WORK/layout.files" ||
      die "$LAYOUT_FAIL" "cannot set mode $al_mode on restored files of source '$al_name' in $al_staging; targets untouched"
  done <"$WORK/layout.modes"
  # Directory modes last and deepest first, so a read-only dir never blocks its own content.
  awk -F '\t' '$1 == "d" && $2 != "755"' "$WORK/layout.tsv" | LC_ALL=C sort -r -t "$TAB" -k3 >"$WORK/dirmodes.tsv"
  while IFS= read -r al_line; do
    al_rest=${al_line#*"$TAB"}
    al_mode=${al_rest%%"$TAB"*}
    chmod "$al_mode" "$al_staging/${al_rest#*"$TAB"}" ||
      die "$LAYOUT_FAIL" "cannot set mode $al_mode on a restored folder of source '$al_name' in $al_staging; targets untouched"
  done <"$WORK/dirmodes.tsv"
}

# Fail before touching anything if a restored top-level entry would land on a name we do not
# move aside (lost+found, earlier .pre-restore-* folders).
check_swap_conflicts() {
  while IFS="$TAB" read -r cs_name cs_dir cs_staging cs_data; do
    for cs_e in "$cs_staging"/* "$cs_staging"/.[!.]* "$cs_staging"/..?*; do
      [ -e "$cs_e" ] || [ -L "$cs_e" ] || continue
      case "${cs_e##*/}" in
        .ocb-restore-* | .pre-restore-* | .ocb-names | lost+found)
          die "$E_TARGET" "snapshot entry '${cs_e##*/}' of source '$cs_name' would collide with a reserved name in $cs_dir"
          ;;
      esac
    done
  done <"$WORK/targets.tsv"
}

# Current content -> .pre-restore-<time> (renames, same filesystem), restored content -> target.
# With a state folder ($3), the kept data then moves into the restored folder, where the app sees
# it (~/.openclaw/.pre-restore-<time>) and can remove it; backups leave it out there as anywhere.
swap_target() {
  sw_dir=$1
  sw_staging=$2
  sw_folder=${3:-}
  sw_aside=""
  for sw_e in "$sw_dir"/* "$sw_dir"/.[!.]* "$sw_dir"/..?*; do
    [ -e "$sw_e" ] || [ -L "$sw_e" ] || continue
    case "${sw_e##*/}" in .ocb-restore-* | .pre-restore-* | lost+found) continue ;; esac
    if [ -z "$sw_aside" ]; then
      sw_aside="$sw_dir/.pre-restore-$RESTORE_STAMP"
      mkdir -m 700 "$sw_aside" || die "$E_TARGET" "cannot create $sw_aside to keep the current data; nothing was changed"
      log "moving the current content of $sw_dir to $sw_aside"
    fi
    mv -- "$sw_e" "$sw_aside/" || die "$E_TARGET" "cannot move $sw_e aside into $sw_aside; the restore is half done: current data is in $sw_aside, restored data in $sw_staging"
  done
  for sw_e in "$sw_staging"/* "$sw_staging"/.[!.]* "$sw_staging"/..?*; do
    [ -e "$sw_e" ] || [ -L "$sw_e" ] || continue
    mv -- "$sw_e" "$sw_dir/" || die "$E_TARGET" "cannot move $sw_e into $sw_dir; the current data is safe in $sw_aside"
  done
  rmdir "$sw_staging"
  if [ -n "$sw_folder" ] && [ -n "$sw_aside" ]; then
    sw_kept="$sw_dir/$sw_folder/${sw_aside##*/}"
    if [ ! -e "$sw_kept" ] && mv -- "$sw_aside" "$sw_kept"; then
      sw_aside=$sw_kept
    else
      log "warning: the replaced data stays in $sw_aside (it could not move into $sw_dir/$sw_folder, where the app would see it)"
    fi
  fi
  PRE_RESTORE="$PRE_RESTORE${PRE_RESTORE:+ }${sw_aside:-none}"
}

finish_targets() {
  check_swap_conflicts
  PRE_RESTORE=""
  while IFS="$TAB" read -r ft_name ft_dir ft_staging ft_data; do
    # A state folder is owner-only, whatever unpacking a pack (its "./" entry) made of it.
    [ "$ft_data" = "$ft_staging" ] || chmod 700 "$ft_data" ||
      die "$E_TARGET" "cannot set mode 700 on the restored state folder $ft_data; targets untouched"
    if [ "$(id -u)" = 0 ]; then
      # -h: a restored symlink is chowned itself, never what it points to.
      chown -hR "$OCB_RESTORE_UID:$OCB_RESTORE_GID" "$ft_data" ||
        die "$E_TARGET" "cannot chown restored files to $OCB_RESTORE_UID:$OCB_RESTORE_GID"
      [ "$R_MODE" = plain ] || reapply_special_modes "$ft_name" "$ft_data"
    fi
    ft_folder=""
    [ "$ft_data" = "$ft_staging" ] || ft_folder=${ft_data##*/}
    swap_target "$ft_dir" "$ft_staging" "$ft_folder"
    log "restored source '$ft_name' into $ft_dir${ft_folder:+/$ft_folder}"
  done <"$WORK/targets.tsv"
}

# materialize NAME STAGING PACKS: the source NAME of the snapshot, downloaded into STAGING and
# checked against the manifest (sha256, size, exact file set), laid out (folders, modes) and with
# every odd entry under its exact name, then checked once more as a finished tree. Restore and
# verify both run this, so a snapshot verify calls good is one restore can write.
materialize() {
  mt_name=$1
  mt_staging=$2
  : >"$WORK/got.raw"
  if [ "$R_FORMAT" = 4 ]; then
    log "download: source '$mt_name' into $mt_staging"
    fetch_pool_source "$mt_name" "$mt_staging" "$3"
  elif [ "$R_FORMAT" != 1 ]; then
    log "download: source '$mt_name' into $mt_staging"
    fetch_packed_source "$mt_name" "$mt_staging" "$3"
  elif manifest_has_files "$mt_name"; then
    log "download: source '$mt_name' into $mt_staging"
    download_and_hash "$mt_name" "$mt_staging"
  fi
  awk -F '\t' -v n="$mt_name" "$AWK_REST"'BEGIN { OFS = "\t" } { p = rest($0, 2); print $1, $2, n "/" p }' "$WORK/got.raw" >"$WORK/got.tsv"
  compare_manifest "$WORK/got.tsv" "$mt_name" >"$WORK/verify.out" || {
    head -n 20 "$WORK/verify.out" >&2
    [ "$R_ENC" = yes ] && [ ! -s "$WORK/got.tsv" ] &&
      die "$E_VERIFY" "decryption produced no files for source '$mt_name': wrong passphrase? targets untouched"
    die "$E_VERIFY" "verification of source '$mt_name' of $R_SNAP failed: $(wc -l <"$WORK/verify.out" | tr -d ' ') problem(s); targets untouched"
  }
  cat "$WORK/got.tsv" >>"$WORK/verified.tsv"
  apply_layout "$mt_name" "$mt_staging"
  apply_odd "$mt_name" "$mt_staging"
  check_restored "$mt_name" "$mt_staging" >"$WORK/restored.diff"
  if [ -s "$WORK/restored.diff" ]; then
    head -n 20 "$WORK/restored.diff" >&2
    die "$E_VERIFY" "source '$mt_name' of $R_SNAP cannot be restored as recorded: $(wc -l <"$WORK/restored.diff" | tr -d ' ') problem(s); targets untouched"
  fi
  log "verified source '$mt_name': $(wc -l <"$WORK/got.tsv" | tr -d ' ') file(s) match the manifest"
}

restore_snapshot() {
  load_manifest
  : >"$WORK/targets.tsv"
  rsn_sources=""
  while IFS="$TAB" read -r rsn_name rsn_dir; do
    awk -F '\t' -v n="$rsn_name" '$1 == "s" && $2 == n { f = 1 } END { exit !f }' "$WORK/manifest.tsv" ||
      die "$E_NOTFOUND" "snapshot $R_SNAP has no source '$rsn_name' (it has: $(awk -F '\t' '$1 == "s" { printf "%s ", $2 }' "$WORK/manifest.tsv"))"
    prepare_target "$rsn_name" "$rsn_dir"
    rsn_sources="$rsn_sources $rsn_name"
  done <"$WORK/sources.tsv"
  awk -F '\t' -v have=" $rsn_sources " '$1 == "s" && !index(have, " " $2 " ") { print $2 }' "$WORK/manifest.tsv" >"$WORK/skipped"
  [ ! -s "$WORK/skipped" ] || log "warning: not restoring snapshot source(s) absent from OCB_SOURCES: $(tr '\n' ' ' <"$WORK/skipped")"

  # Download and verify everything before the first target is touched.
  LAYOUT_FAIL=$E_TARGET
  while IFS="$TAB" read -r rsn_name rsn_dir rsn_staging rsn_data; do
    materialize "$rsn_name" "$rsn_data" "$rsn_staging.packs"
  done <"$WORK/targets.tsv"

  finish_targets
  printf '{"event":"restore.complete","snapshot":"%s","files":%s,"bytes":%s,"preRestore":"%s"}\n' "$R_SNAP" \
    "$(json_field "$WORK/marker.json" files)" "$(json_field "$WORK/marker.json" bytes)" "$PRE_RESTORE"
}

# Plain folders (openclaw-operator, KubeClaw) have no manifest: the download is verified with
# `rclone check` against the source (sizes, and MD5 where the store keeps one), both directions.
restore_plain() {
  rp_remote="store:$OCB_BUCKET/$R_PLAIN"
  ocb_rclone lsf -R --files-only "$rp_remote" >"$WORK/plain.list" || die "$E_STORE" "cannot list $rp_remote"
  [ -s "$WORK/plain.list" ] || die "$E_NOTFOUND" "plain folder store:$OCB_BUCKET/$R_PLAIN is empty or does not exist"
  rp_source=${OCB_RESTORE_PLAIN_SOURCE:-$(head -n 1 "$WORK/sources.tsv" | cut -f 1)}
  rp_dir=$(source_dir "$rp_source")
  [ -n "$rp_dir" ] || die "$E_USAGE" "OCB_RESTORE_PLAIN_SOURCE='$rp_source' is not a name in OCB_SOURCES"
  : >"$WORK/targets.tsv"
  prepare_target "$rp_source" "$rp_dir"
  rp_staging=$(cut -f 4 "$WORK/targets.tsv")
  log "download: plain folder $R_PLAIN into $rp_staging (no manifest: verified with rclone check)"
  ocb_xfer "$WORK/download.log" copy "$rp_remote" "$rp_staging" || download_failed "$rp_remote"
  ocb_rclone check "$rp_remote" "$rp_staging" 2>"$WORK/check.log" || {
    grep -E 'ERROR|differences' "$WORK/check.log" | head -n 20 >&2
    die "$E_VERIFY" "downloaded copy of $rp_remote does not match the source (rclone check); target untouched"
  }
  finish_targets
  printf '{"event":"restore.complete","plain":"%s","files":%s,"preRestore":"%s"}\n' "$R_PLAIN" \
    "$(wc -l <"$WORK/plain.list" | tr -d ' ')" "$PRE_RESTORE"
}

cmd_restore() {
  load_store_config
  setup_work
  load_sources
  crypt_init
  require_env OCB_RESTORE_FROM
  OCB_RESTORE_UID=${OCB_RESTORE_UID:-1000}
  OCB_RESTORE_GID=${OCB_RESTORE_GID:-1000}
  { valid_uint "$OCB_RESTORE_UID" && valid_uint "$OCB_RESTORE_GID"; } ||
    die "$E_USAGE" "OCB_RESTORE_UID/OCB_RESTORE_GID must be numeric ids"
  RESTORE_STAMP=$(now_stamp)
  resolve_spec "$OCB_RESTORE_FROM"
  umask 022
  if [ "$R_MODE" = plain ]; then restore_plain; else restore_snapshot; fi
}

# verify [SNAPSHOT]: re-reads every stored byte and checks it against the manifest: streamed for a
# v1 snapshot, unpacked into the scratch dir for a v2 one.
cmd_verify() {
  load_store_config
  setup_work
  crypt_init
  vf_spec=${1:-${OCB_RESTORE_FROM:-}}
  [ -n "$vf_spec" ] || die "$E_USAGE" "usage: openclaw-backup.sh verify <tenant>/<instance>/<kind>/<time>|.../latest (or set OCB_RESTORE_FROM)"
  resolve_spec "$vf_spec"
  [ "$R_MODE" = snapshot ] || die "$E_USAGE" "verify needs a snapshot with a manifest, not a plain folder"
  umask 022
  load_manifest
  vf_sources=$(awk -F '\t' '$1 == "s" { printf "%s ", $2 }' "$WORK/manifest.tsv")
  # Every source is restored into the scratch dir exactly as a restore would write it (this needs
  # the largest source's size in scratch), then removed.
  LAYOUT_FAIL=$E_VERIFY
  : >"$WORK/verified.tsv"
  for vf_name in $vf_sources; do
    mkdir -p "$WORK/verify/$vf_name"
    materialize "$vf_name" "$WORK/verify/$vf_name" "$WORK/verify-packs/$vf_name"
    chmod -R u+rwx "$WORK/verify/$vf_name" 2>/dev/null || true
    rm -rf "$WORK/verify/$vf_name" "$WORK/verify-packs/$vf_name"
  done
  cp "$WORK/verified.tsv" "$WORK/got.tsv"
  verify_report
}

verify_report() {
  # shellcheck disable=SC2086
  compare_manifest "$WORK/got.tsv" $vf_sources >"$WORK/verify.out" || {
    head -n 20 "$WORK/verify.out" >&2
    die "$E_VERIFY" "snapshot $R_SNAP failed verification: $(wc -l <"$WORK/verify.out" | tr -d ' ') problem(s)"
  }
  log "snapshot $R_SNAP verified: $(wc -l <"$WORK/got.tsv" | tr -d ' ') file(s) match the manifest"
  printf '{"event":"verify.complete","snapshot":"%s","files":%s}\n' "$R_SNAP" "$(wc -l <"$WORK/got.tsv" | tr -d ' ')"
}
