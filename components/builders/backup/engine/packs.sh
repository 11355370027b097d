# shellcheck shell=sh
# Packs: small files travel in tar archives (<pool>/packs/<source>/<stamp>-<n>.tar) instead of one
# object each. Sourced by openclaw-backup.sh.
#
# Why: a state is thousands of small files, and an S3 request costs about as much as a small
# upload. A pack lives in the instance's pool (pool.sh) and is referenced by every snapshot that
# still needs it, never copied.
#
# A pack may hold members that are no longer current (the file changed since, or was deleted);
# such "dead" members cost storage only. The manifest says where each current file lives (`l`
# lines) and the order packs were written (`p` lines, by seq): a file's current version is always
# in the newest pack that holds it, and restore keeps only the members the manifest names. A pack
# whose current members fall below half its bytes, or that is older than OCB_POOL_REFRESH_DAYS,
# is not referenced again: its current members are packed again from the source, which bounds the
# dead share of what a snapshot references and the age of everything it references.

# Files smaller than this go into packs (0: no packs, one object per file as in format v1).
PACK_BELOW=${OCB_PACK_BELOW_BYTES:-1048576}
# A new pack is closed once its members reach this many bytes.
PACK_TARGET=${OCB_PACK_TARGET_BYTES:-16777216}

check_pack_env() {
  valid_uint "$PACK_BELOW" || die "$E_USAGE" "OCB_PACK_BELOW_BYTES='$PACK_BELOW' must be a whole number of bytes (0 turns packing off)"
  { valid_uint "$PACK_TARGET" && [ "$PACK_TARGET" -gt 0 ]; } ||
    die "$E_USAGE" "OCB_PACK_TARGET_BYTES='$PACK_TARGET' must be a positive whole number of bytes"
}

# After change detection, before staging. Decides which packs of the base are referenced again
# ($WORK/keep.packs, their manifest `p` records without the type) and where each unchanged file
# stays ($WORK/loc.tsv "location TAB path": a pack, or "=<stamp>" for a file stored alone in the
# pool). Unchanged files of a pack not kept, files stored alone before FRESH_SINCE (or in a base
# of an older format, whose data is not in the pool), and small files stored alone are added to
# the changed lists, so they are staged and stored again; $WORK/unchanged.tsv keeps only the rest.
plan_kept_packs() {
  : >"$WORK/keep.packs"
  : >"$WORK/loc.tsv"
  : >"$WORK/unchanged.kept"
  awk -F '\t' -v dir="$WORK" -v below="$PACK_BELOW" -v fresh="$FRESH_SINCE" -v pooled="$BASE_POOLED" "$AWK_REST"'
    FILENAME == ARGV[1] {
      if (pooled != "yes") next
      if ($1 == "l") loc[rest($0, 2)] = $2
      else if ($1 == "p") { members[$4] = $7; record[$4] = rest($0, 1) }
      next
    }
    {
      p = rest($0, 2); u[++n] = p; line[p] = $0; size[p] = $2
      l = (p in loc) ? loc[p] : "-"; where[p] = l
      if (l != "-" && substr(l, 1, 1) != "=") live[l] += $2
    }
    END {
      for (k in record) if (live[k] > 0 && live[k] * 2 >= members[k] && substr(k, 1, 16) >= fresh) { print record[k] > (dir "/keep.packs"); keep[k] = 1 }
      for (i = 1; i <= n; i++) {
        p = u[i]; l = where[p]
        alone = (substr(l, 1, 1) == "=")
        if (l == "-" || (!alone && !(l in keep)) || (alone && (substr(l, 2) < fresh || (below > 0 && size[p] < below)))) {
          s = p; sub(/\/.*/, "", s)
          print substr(p, length(s) + 2) >> (dir "/changed/" s ".list")
        } else {
          print line[p] > (dir "/unchanged.kept")
          print l "\t" p > (dir "/loc.tsv")
        }
      }
    }
  ' "$WORK/prev.manifest" "$WORK/unchanged.tsv"
  mv "$WORK/unchanged.kept" "$WORK/unchanged.tsv"
}

# After staging. Staged small files are grouped by source, in path order, into new packs named
# <stamp>-<kind>-<n> (unique in the pool: one snapshot per kind and stamp), numbered after the kept ones; larger ones are stored alone. (A staged file is never
# one a kept pack already holds current: settle_captures took unchanged databases out.) Appends to
# $WORK/loc.tsv; writes $WORK/newpacks.tsv "source TAB seq TAB name TAB member bytes" and
# $WORK/packlists/<name>.
plan_new_packs() {
  mkdir -p "$WORK/packlists"
  : >"$WORK/newpacks.tsv"
  : >"$WORK/newobjects.tsv"
  # Files stored alone: content the base already holds fresh in the pool is referenced, the rest
  # goes up once per content as objects/<stamp>/<sha256> ($WORK/newobjects.tsv "sha TAB path").
  awk -F '\t' -v dir="$WORK" -v below="$PACK_BELOW" -v stamp="$STAMP" -v fresh="$FRESH_SINCE" -v pooled="$BASE_POOLED" "$AWK_REST"'
    FILENAME == ARGV[1] {
      if (pooled != "yes") next
      if ($1 == "f") sha[rest($0, 4)] = $2
      else if ($1 == "l" && substr($2, 1, 1) == "=" && substr($2, 2) >= fresh) at[sha[rest($0, 2)]] = $2
      next
    }
    {
      p = rest($0, 2)
      if (below > 0 && $2 < below) { s = p; sub(/\/.*/, "", s); print s "\t" $2 "\t" p > (dir "/newmembers.tsv"); next }
      if ($1 in at) { print at[$1] "\t" p >> (dir "/loc.tsv"); next }
      print "=" stamp "\t" p >> (dir "/loc.tsv")
      if (!($1 in up)) { up[$1] = 1; print $1 "\t" p > (dir "/newobjects.tsv") }
    }
  ' "$WORK/prev.manifest" "$WORK/staged.tsv"
  [ -f "$WORK/newmembers.tsv" ] || return 0
  pnp_seq=$(awk -F '\t' '$2 + 0 > m { m = $2 + 0 } END { print m + 0 }' "$WORK/keep.packs")
  LC_ALL=C sort -t "$TAB" -k1,1 -k3 "$WORK/newmembers.tsv" | awk -F '\t' -v dir="$WORK" -v stamp="$STAMP-$OCB_KIND" \
    -v seq="$pnp_seq" -v target="$PACK_TARGET" "$AWK_REST"'
    function close_pack() {
      if (name == "") return
      printf "%s\t%08d\t%s\t%d\n", src, seq, name, bytes >> (dir "/newpacks.tsv")
      close(dir "/packlists/" name)
    }
    {
      p = rest($0, 2)
      if ($1 != src || bytes >= target) {
        close_pack()
        seq++; k++; src = $1; bytes = 0; name = sprintf("%s-%03d", stamp, k)
      }
      bytes += $2
      print substr(p, length(src) + 2) > (dir "/packlists/" name)
      print name "\t" p >> (dir "/loc.tsv")
    }
    END { close_pack() }
  '
}

# Moves each new pack's staged members into a folder of their own and archives it. Modes are
# normalised to 644/755 (the manifest carries the real ones, restore applies them), so the
# archive says nothing about the scratch dir's umask. Packs go to $WORK/up/packs/<source>/;
# $WORK/packs.tsv: "sha TAB size TAB source/name.tar" of the new packs.
build_packs() {
  : >"$WORK/packs.tsv"
  [ -s "$WORK/newpacks.tsv" ] || return 0
  while IFS="$TAB" read -r bp_src bp_seq bp_name bp_bytes; do
    bp_dir="$WORK/packdir/$bp_name"
    mkdir -p "$bp_dir" "$WORK/up/packs/$bp_src"
    ocb_rclone move --no-traverse --files-from-raw "$WORK/packlists/$bp_name" "$STAGE/$bp_src" "$bp_dir" ||
      die "$E_STORE" "cannot gather the files of pack $bp_name in the scratch dir (disk full? set OCB_WORK_DIR)"
    bp_want=$(wc -l <"$WORK/packlists/$bp_name" | tr -d ' ')
    bp_got=$(find "$bp_dir" -type f | wc -l | tr -d ' ')
    [ "$bp_got" -eq "$bp_want" ] || die "$E_STORE" "pack $bp_name: $bp_got of $bp_want staged file(s) gathered"
    chmod -R a+rX,u+w "$bp_dir" || die "$E_STORE" "cannot set modes in $bp_dir"
    tar -cf "$WORK/up/packs/$bp_src/$bp_name.tar" -C "$bp_dir" . ||
      die "$E_STORE" "cannot write pack $bp_name in the scratch dir (disk full? set OCB_WORK_DIR)"
    rm -rf "$bp_dir"
  done <"$WORK/newpacks.tsv"
  ocb_rclone lsf -R --files-only --format hsp --hash sha256 --separator "$TAB" "$WORK/up/packs" >"$WORK/packs.tsv" ||
    die "$E_STORE" "cannot hash the packs in $WORK/up/packs"
}

# Manifest `p` records of the snapshot: the kept ones as they were, the new ones with their hash
# and size. "source TAB seq TAB name TAB sha TAB size TAB member bytes".
pack_records() {
  cat "$WORK/keep.packs"
  awk -F '\t' "$AWK_REST"'
    FILENAME == ARGV[1] { sha[rest($0, 2)] = $1; size[rest($0, 2)] = $2; next }
    { k = $1 "/" $3 ".tar"; print $1 "\t" $2 "\t" $3 "\t" sha[k] "\t" size[k] "\t" $4 }
  ' "$WORK/packs.tsv" "$WORK/newpacks.tsv"
}
