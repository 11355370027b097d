# shellcheck shell=sh
# Entries rclone cannot carry by name, carried by the engine itself. Sourced by openclaw-backup.sh.
#
# rclone shows names in its own "display" encoding (a tab becomes U+2409, a real U+2409 becomes
# U+201B U+2409, a newline breaks its line-based lists) and maps some characters on their way to
# S3, so a name holding control characters, invalid UTF-8 or one of the characters rclone uses
# for its own encodings cannot be trusted to survive a round trip through rclone's name lists.
# Such an entry is "odd". Symlinks, FIFOs and sockets have no content rclone copies. The agent
# creates whatever names it likes, so none of these may block a backup or leave a snapshot that
# cannot be restored:
#
# - plain entries (everything else: printable ASCII and valid UTF-8 free of those characters, a
#   path of at most ODD_PATH_BYTES) go through rclone under their own names, as before;
# - an odd regular file is copied into the snapshot under a synthetic name,
#   <source>/.ocb-names/<sha256 of its name>, which then travels like any other file (hashed,
#   packed, verified), and an `o` record in the manifest maps it back to its exact name, written
#   as hex bytes; odd folders, symlinks (any name) and FIFOs are `o` records alone;
# - sockets and device files are not backed up: a warning names each one (a socket is only
#   meaningful to the process that listens on it);
# - an entry the backup cannot read is skipped with a warning naming it, never failing the run.
#
# Setuid, setgid and sticky bits are restored too (after the restore's chown, which clears them).
#
# Names in warnings are shown with every byte outside printable ASCII (and the backslash) as \xHH.

# Paths longer than this (bytes) are odd too: an S3 key holds at most 1024 bytes, and crypt names
# grow by about 60 %. So is a name longer than ODD_NAME_BYTES: encrypted, it would pass the 255
# bytes that filesystem-backed S3 servers allow for one segment.
ODD_PATH_BYTES=400
ODD_NAME_BYTES=143
# The reserved folder of synthetic names (at the root of each source, in the snapshot only).
ODD_DIR=.ocb-names
# Every control character; `find -path "*[$ODD_CTRL]*"` (byte matching, LC_ALL=C) finds each path
# holding one, newline included, without ever reading a path as a line.
ODD_CTRL=$(printf '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037\177')

# awk (LC_ALL=C, one path per line, no control characters): prints the paths that are odd for
# their length, their bytes (invalid UTF-8) or a character rclone reserves for its encodings:
# U+2400-U+243F (control pictures), U+201B (its quote), U+FF00-U+FFFF (full-width forms and
# U+FFFD).
AWK_ODD='
BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
function bad_utf8(s,   i, n, c, k, c2) {
  n = length(s)
  for (i = 1; i <= n; i++) {
    c = ord[substr(s, i, 1)]
    if (c < 128) continue
    if (c >= 194 && c <= 223) k = 1
    else if (c >= 224 && c <= 239) k = 2
    else if (c >= 240 && c <= 244) k = 3
    else return 1
    if (i + k > n) return 1
    c2 = ord[substr(s, i + 1, 1)]
    if (c2 < 128 || c2 > 191) return 1
    if ((c == 224 && c2 < 160) || (c == 237 && c2 > 159) || (c == 240 && c2 < 144) || (c == 244 && c2 > 143)) return 1
    if (c == 226 && (c2 == 144 || (c2 == 128 && ord[substr(s, i + 2, 1)] == 155))) return 1
    if (c == 239 && c2 >= 188) return 1
    for (j = 2; j <= k; j++) { c2 = ord[substr(s, i + j, 1)]; if (c2 < 128 || c2 > 191) return 1 }
    i += k
  }
  return 0
}
function odd(s,   k, i, seg) {
  if (length(s) > maxlen) return 1
  k = split(s, seg, "/")
  for (i = 1; i <= k; i++) if (length(seg[i]) > maxseg) return 1
  if (s ~ /^[ -~]*$/) return 0
  return bad_utf8(s)
}'

# hex_display: stdin hex digits (two per byte) -> the name for humans, \xHH outside printable ASCII.
AWK_HEX_DISPLAY='
BEGIN { for (i = 0; i < 256; i++) hx[sprintf("%02x", i)] = i }
function shown(h,   i, out, b) {
  out = ""
  for (i = 1; i < length(h); i += 2) {
    b = hx[substr(h, i, 2)]
    out = out ((b >= 32 && b < 127 && b != 92) ? sprintf("%c", b) : "\\x" substr(h, i, 2))
  }
  return out
}'

# The hex of a string, two digits per byte, no separators.
to_hex() {
  printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# from_hex HEX -> sets FROM_HEX to the exact bytes (a trailing newline included).
from_hex() {
  fh_esc=$(printf '%s' "$1" | awk 'BEGIN { for (i = 0; i < 256; i++) hx[sprintf("%02x", i)] = sprintf("\\0%03o", i) }
    { for (i = 1; i < length($0); i += 2) printf "%s", hx[substr($0, i, 2)] }')
  FROM_HEX=$(printf "%bx" "$fh_esc")
  FROM_HEX=${FROM_HEX%x}
}

hex_shown() {
  printf '%s\n' "$1" | awk "$AWK_HEX_DISPLAY"'{ print shown($0) }'
}

# odd_patterns FILTERS OUT: the exclude rules as shell patterns over a path relative to the source,
# to apply to odd entries (rclone never sees their names). `*` in a shell pattern also crosses
# "/", so a pattern may exclude a little more than rclone would; include ("+") rules are not
# applied to odd entries.
odd_patterns() {
  awk '
    /^- / {
      r = substr($0, 3)
      while (index(r, "**")) sub(/\*\*/, "*", r)
      if (substr(r, 1, 1) == "/") print substr(r, 2)
      else { print r; print "*/" r }
    }' "$1" >"$2"
}

# scan_odd NAME DIR: the odd entries, symlinks and special files of one source. Plain paths (one
# per line, relative, no "./") -> $WORK/plain/<name>.list; `o` records -> $WORK/odd.tsv; copies of
# odd files -> $STAGE/<name>/.ocb-names/; their synthetic paths -> $WORK/oddfiles.list.
scan_odd() {
  so_name=$1
  so_dir=$2
  mkdir -p "$WORK/plain" "$STAGE/$so_name/$ODD_DIR"
  [ -f "$WORK/odd.patterns" ] || odd_patterns "$WORK/filters" "$WORK/odd.patterns"
  (cd "$so_dir" && find . -mindepth 1 ! -path "*[$ODD_CTRL]*") >"$WORK/found.list" ||
    log "warning: source '$so_name': some folders could not be read (see find's message above); their content is not in this snapshot"
  sed 's|^\./||' "$WORK/found.list" | awk -v dir="$WORK" -v n="$so_name" -v maxlen="$ODD_PATH_BYTES" -v maxseg="$ODD_NAME_BYTES" "$AWK_ODD"'
    { if (odd($0)) print "./" $0 > (dir "/oddnames.list"); else print }' >"$WORK/plain/$so_name.list"
  : >>"$WORK/oddnames.list"
  # Odd names by their bytes (each on one line), then every path with a control character and
  # every symlink and special file, found by find itself and handed over as arguments.
  tr '\n' '\000' <"$WORK/oddnames.list" | (cd "$so_dir" && xargs -0 -r sh "$ENGINE_DIR/$ENGINE_SCRIPT" _odd-entries \
    "$so_name" "$STAGE/$so_name/$ODD_DIR" "$WORK") || die "$E_STORE" "cannot record the odd entries of source '$so_name'"
  # find fails for folders it may not read (named in the warning above); nothing else may fail.
  (cd "$so_dir" && find . -mindepth 1 \( -path "*[$ODD_CTRL]*" -o -type l -o -type p -o -type s -o -type b -o -type c \) \
    -exec sh "$ENGINE_DIR/$ENGINE_SCRIPT" _odd-entries "$so_name" "$STAGE/$so_name/$ODD_DIR" "$WORK" {} +) 2>"$WORK/oddfind.err" || {
    if grep -qv 'Permission denied' "$WORK/oddfind.err"; then
      cat "$WORK/oddfind.err" >&2
      die "$E_STORE" "cannot record the odd entries of source '$so_name'"
    fi
  }
  rm -f "$WORK/oddnames.list"
  rmdir "$STAGE/$so_name/$ODD_DIR" 2>/dev/null || true
}

# scan_unreadable NAME DIR: plain files this run cannot read (the agent may chmod 000 its own
# files; the pods do not run as root) are left out of $WORK/files.tsv, each named in a warning,
# instead of failing the hashing or the upload. Root reads everything, so it skips the check.
scan_unreadable() {
  [ "$(id -u)" != 0 ] || return 0
  (cd "$2" && find . -type f ! -path "*[$ODD_CTRL]*" ! -perm -u+r 2>/dev/null) | sed "s|^\./|$1/|" >"$WORK/unreadable.list" || true
  [ -s "$WORK/unreadable.list" ] || return 0
  # Only files the backup would take (excludes applied), and only those really unreadable.
  awk -F '\t' "$AWK_REST"'FILENAME == ARGV[1] { listed[rest($0, 1)] = 1; next } ($0 in listed)' "$WORK/files.tsv" "$WORK/unreadable.list" >"$WORK/unreadable.listed"
  : >"$WORK/unreadable.drop"
  while IFS= read -r su_path; do
    [ -r "$2/${su_path#*/}" ] && continue
    printf '%s\t%s\t%s\n' "$1" "file the backup cannot read (no read permission)" "$(to_hex "${su_path#*/}")" >>"$WORK/odd.warnings"
    printf '%s\n' "$su_path" >>"$WORK/unreadable.drop"
  done <"$WORK/unreadable.listed"
  [ -s "$WORK/unreadable.drop" ] || return 0
  awk -F '\t' "$AWK_REST"'FILENAME == ARGV[1] { drop[$0] = 1; next } !(rest($0, 1) in drop)' "$WORK/unreadable.drop" "$WORK/files.tsv" >"$WORK/files.readable"
  mv "$WORK/files.readable" "$WORK/files.tsv"
}

# scan_hardlinks NAME DIR: plain files of the source listed in $WORK/files.tsv that share an inode
# are stored once, under the first of their paths; each other path becomes an `o` record of type K
# (restore links it to the first again). Rewrites $WORK/files.tsv.
scan_hardlinks() {
  (cd "$2" && find . -type f -links +1 ! -path "*[$ODD_CTRL]*" -exec stat -c '%d:%i %n' {} + 2>/dev/null) >"$WORK/links.raw" || true
  [ -s "$WORK/links.raw" ] || return 0
  awk -F '\t' -v n="$1" -v dir="$WORK" "$AWK_REST"'
    FILENAME == ARGV[1] { i = index($0, " "); id = substr($0, 1, i - 1); p = n "/" substr($0, i + 3); ino[p] = id; next }
    FILENAME == ARGV[2] { p = rest($0, 1); if ((p in ino) && !(p in listed)) { listed[p] = 1; all[++m] = p }; next }
    END {
      for (i = 1; i <= m; i++) { p = all[i]; id = ino[p]; if (!(id in first) || p < first[id]) first[id] = p }
      for (i = 1; i <= m; i++) { p = all[i]; if (first[ino[p]] != p) print p "\t" first[ino[p]] > (dir "/links.tsv") }
    }' "$WORK/links.raw" "$WORK/files.tsv"
  [ -s "$WORK/links.tsv" ] || return 0
  while IFS="$TAB" read -r sh_path sh_first; do
    printf 'o\tK\t-\t%s\t%s\t%s\n' "$(to_hex "${sh_first#*/}")" "$1" "$(to_hex "${sh_path#*/}")" >>"$WORK/odd.raw"
  done <"$WORK/links.tsv"
  awk -F '\t' "$AWK_REST"'FILENAME == ARGV[1] { linked[$1] = 1; next } !(rest($0, 1) in linked)' "$WORK/links.tsv" "$WORK/files.tsv" >"$WORK/files.unlinked"
  mv "$WORK/files.unlinked" "$WORK/files.tsv"
  rm -f "$WORK/links.tsv"
}

# Called by find/xargs as `openclaw-backup.sh _odd-entries NAME ODDSTAGE WORK PATH...` (paths
# "./..." relative to the source, cwd the source): one `o` record per entry kept, one warning per
# entry left out. Appends to WORK/odd.raw, WORK/oddfiles.list, WORK/odd.warnings.
odd_entries() {
  oe_src=$1
  oe_stage=$2
  oe_work=$3
  shift 3
  for oe_path in "$@"; do
    oe_rel=${oe_path#./}
    oe_hex=$(to_hex "$oe_rel")
    oe_excluded=no
    while IFS= read -r oe_pat; do
      # shellcheck disable=SC2254
      case "$oe_rel" in $oe_pat) oe_excluded=yes && break ;; esac
    done <"$oe_work/odd.patterns"
    [ "$oe_excluded" = no ] || continue
    if [ -L "$oe_path" ]; then
      oe_target=$(readlink -- "$oe_path" && printf x) || { odd_warn "$oe_src" "$oe_hex" "symlink that cannot be read"; continue; }
      oe_target=${oe_target%x}
      oe_target=${oe_target%"$NL"}
      printf 'o\tL\t777\t%s\t%s\t%s\n' "$(to_hex "$oe_target")" "$oe_src" "$oe_hex" >>"$oe_work/odd.raw"
    elif [ -d "$oe_path" ]; then
      printf 'o\tD\t%s\t-\t%s\t%s\n' "$(stat -c %a -- "$oe_path")" "$oe_src" "$oe_hex" >>"$oe_work/odd.raw"
    elif [ -f "$oe_path" ]; then
      if [ ! -r "$oe_path" ]; then
        odd_warn "$oe_src" "$oe_hex" "file the backup cannot read"
        continue
      fi
      oe_syn=$(printf '%s' "$oe_hex" | sha256sum | cut -c 1-64)
      if ! cp -- "$oe_path" "$oe_stage/$oe_syn" 2>/dev/null; then
        [ ! -e "$oe_path" ] || odd_warn "$oe_src" "$oe_hex" "file that could not be copied"
        continue
      fi
      printf 'o\tF\t%s\t%s\t%s\t%s\n' "$(stat -c %a -- "$oe_path")" "$oe_syn" "$oe_src" "$oe_hex" >>"$oe_work/odd.raw"
      printf '%s/%s/%s\n' "$oe_src" "$ODD_DIR" "$oe_syn" >>"$oe_work/oddfiles.list"
    elif [ -p "$oe_path" ]; then
      printf 'o\tP\t%s\t-\t%s\t%s\n' "$(stat -c %a -- "$oe_path")" "$oe_src" "$oe_hex" >>"$oe_work/odd.raw"
    elif [ -S "$oe_path" ]; then
      odd_warn "$oe_src" "$oe_hex" "socket (only its listening process can recreate it)"
    elif [ -b "$oe_path" ] || [ -c "$oe_path" ]; then
      odd_warn "$oe_src" "$oe_hex" "device file"
    fi
  done
}

odd_warn() {
  printf '%s\t%s\t%s\n' "$1" "$3" "$2" >>"$oe_work/odd.warnings"
}

# After every source is scanned: one warning per entry left out (each named), a note with the
# count of odd entries carried, and the `o` records, deduplicated, in $WORK/odd.tsv.
report_odd() {
  : >>"$WORK/odd.raw"
  : >>"$WORK/oddfiles.list"
  LC_ALL=C sort -u "$WORK/odd.raw" >"$WORK/odd.tsv"
  LC_ALL=C sort -u -o "$WORK/oddfiles.list" "$WORK/oddfiles.list"
  if [ -s "$WORK/odd.warnings" ]; then
    LC_ALL=C sort -u "$WORK/odd.warnings" | awk -F '\t' "$AWK_HEX_DISPLAY"'{ print "warning: not backed up: " $2 " " $1 "/" shown($3) }' |
      while IFS= read -r ro_line; do log "$ro_line"; done
  fi
  ro_count=$(wc -l <"$WORK/odd.tsv" | tr -d ' ')
  [ "$ro_count" -eq 0 ] ||
    log "note: $ro_count symlink(s), FIFO(s) and entries whose names rclone cannot carry are recorded by their exact bytes"
}

# --- restore -----------------------------------------------------------------------------------

# apply_odd NAME STAGING: after the staging folder is verified and laid out, puts every odd entry
# of the source in place under its exact name: folders, files (moved from .ocb-names), symlinks,
# FIFOs; folder modes last, deepest first. Fails with the caller's LAYOUT_FAIL code.
apply_odd() {
  ao_name=$1
  ao_staging=$2
  awk -F '\t' -v s="$ao_name" '$1 == "o" && $5 == s { print length($6) "\t" $0 }' "$WORK/manifest.tsv" |
    LC_ALL=C sort -n -k1,1 | cut -f 2- >"$WORK/odd.apply"
  [ -s "$WORK/odd.apply" ] || return 0
  while IFS="$TAB" read -r ao_o ao_type ao_mode ao_ref ao_src ao_hex; do
    from_hex "$ao_hex"
    ao_path="$ao_staging/$FROM_HEX"
    ao_parent=$(dirname -- "$ao_path" && printf x)
    ao_parent=${ao_parent%"${NL}x"}
    mkdir -p -- "$ao_parent" || odd_fail "cannot create the folder of" "$ao_hex"
    case "$ao_type" in
      D) mkdir -p -- "$ao_path" || odd_fail "cannot create folder" "$ao_hex" ;;
      F)
        mv -- "$ao_staging/$ODD_DIR/$ao_ref" "$ao_path" || odd_fail "cannot put in place file" "$ao_hex"
        chmod "$ao_mode" "$ao_path" || odd_fail "cannot set mode $ao_mode on" "$ao_hex"
        ;;
      L)
        from_hex "$ao_ref"
        ln -s -- "$FROM_HEX" "$ao_path" || odd_fail "cannot create symlink" "$ao_hex"
        ;;
      P) mkfifo -m "$ao_mode" -- "$ao_path" || odd_fail "cannot create FIFO" "$ao_hex" ;;
      K)
        from_hex "$ao_ref"
        ln -- "$ao_staging/$FROM_HEX" "$ao_path" || odd_fail "cannot recreate hard link" "$ao_hex"
        ;;
      *) odd_fail "unknown record type $ao_type for" "$ao_hex" ;;
    esac
  done <"$WORK/odd.apply"
  rmdir "$ao_staging/$ODD_DIR" 2>/dev/null || true
  [ ! -e "$ao_staging/$ODD_DIR" ] || odd_fail "files left over in" "$(to_hex "$ODD_DIR")"
  # Folder modes, deepest (longest) first, so a read-only folder never blocks its own content.
  awk -F '\t' '$2 == "D"' "$WORK/odd.apply" | LC_ALL=C sort -r -n -k1,1 >"$WORK/odd.dirs"
  while IFS="$TAB" read -r ao_o ao_type ao_mode ao_ref ao_src ao_hex; do
    from_hex "$ao_hex"
    chmod "$ao_mode" "$ao_staging/$FROM_HEX" || odd_fail "cannot set mode $ao_mode on folder" "$ao_hex"
  done <"$WORK/odd.dirs"
}

odd_fail() {
  die "$LAYOUT_FAIL" "source '$ao_name': $1 $(hex_shown "$2") in $ao_staging; targets untouched"
}

# check_restored NAME STAGING: the finished staging folder holds every entry the manifest records
# for the source, each with its type (and a symlink with its target): what verify promises is what
# restore writes. Prints one line per problem.
check_restored() {
  awk -F '\t' -v s="$1" "$AWK_REST"'
    $1 == "f" { p = rest($0, 4); if (index(p, s "/") == 1 && index(p, s "/'"$ODD_DIR"'/") != 1) print "f\t" substr(p, length(s) + 2) }
    $1 == "d" { p = rest($0, 2); if (index(p, s "/") == 1) print "d\t" substr(p, length(s) + 2) }
  ' "$WORK/manifest.tsv" >"$WORK/restored.expect"
  while IFS="$TAB" read -r cr_type cr_path; do
    case "$cr_type" in
      f) [ -f "$2/$cr_path" ] && [ ! -L "$2/$cr_path" ] || printf 'not restored as a file: %s\n' "$cr_path" ;;
      d) [ -d "$2/$cr_path" ] && [ ! -L "$2/$cr_path" ] || printf 'not restored as a folder: %s\n' "$cr_path" ;;
    esac
  done <"$WORK/restored.expect"
  awk -F '\t' -v s="$1" '$1 == "o" && $5 == s' "$WORK/manifest.tsv" >"$WORK/restored.odd"
  while IFS="$TAB" read -r cr_o cr_type cr_mode cr_ref cr_src cr_hex; do
    from_hex "$cr_hex"
    cr_p="$2/$FROM_HEX"
    case "$cr_type" in
      D) [ -d "$cr_p" ] && [ ! -L "$cr_p" ] ;;
      F) [ -f "$cr_p" ] && [ ! -L "$cr_p" ] ;;
      P) [ -p "$cr_p" ] ;;
      L) [ -L "$cr_p" ] && cr_t=$(readlink -- "$cr_p" && printf x) && [ "$(to_hex "${cr_t%"${NL}x"}")" = "$cr_ref" ] ;;
      K) from_hex "$cr_ref" && [ -f "$cr_p" ] && [ "$cr_p" -ef "$2/$FROM_HEX" ] ;;
      *) false ;;
    esac || printf 'not restored as recorded (%s): %s\n' "$cr_type" "$(hex_shown "$cr_hex")"
  done <"$WORK/restored.odd"
}

# reapply_special_modes NAME STAGING: modes with setuid, setgid or sticky bits once more, after the
# restore's chown cleared them.
reapply_special_modes() {
  awk -F '\t' -v s="$1" "$AWK_REST"'
    $1 == "f" && length($4) == 4 { p = rest($0, 4); if (index(p, s "/") == 1) print $4 "\t" substr(p, length(s) + 2) }
    $1 == "d" && length($2) == 4 { p = rest($0, 2); if (index(p, s "/") == 1) print $2 "\t" substr(p, length(s) + 2) }
  ' "$WORK/manifest.tsv" >"$WORK/special.modes"
  while IFS="$TAB" read -r rs_mode rs_path; do
    chmod "$rs_mode" "$2/$rs_path" || die "$E_TARGET" "cannot set mode $rs_mode on $2/$rs_path"
  done <"$WORK/special.modes"
  awk -F '\t' -v s="$1" '$1 == "o" && $5 == s && length($3) == 4 && $2 != "L" && $2 != "K" { print $3 "\t" $6 }' "$WORK/manifest.tsv" >"$WORK/special.odd"
  while IFS="$TAB" read -r rs_mode rs_hex; do
    from_hex "$rs_hex"
    chmod "$rs_mode" "$2/$FROM_HEX" || die "$E_TARGET" "cannot set mode $rs_mode on $(hex_shown "$rs_hex") in $2"
  done <"$WORK/special.odd"
}
