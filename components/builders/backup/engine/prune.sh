# shellcheck shell=sh
# `prune` and `list`. Sourced by openclaw-backup.sh.

# Decides from $WORK/index.tsv, per kind: the newest complete snapshot always stays; an older one
# goes when it is beyond OCB_RETENTION_KEEP_LAST (0 = no count limit) or older than
# OCB_RETENTION_MAX_AGE_DAYS (0 = no age limit); an incomplete one goes once older than
# OCB_INCOMPLETE_GRACE_HOURS (younger ones may still be uploading). Ages come from the snapshot
# name, not object dates, so a server-side copy cannot make an old snapshot look young.
prune_plan() {
  awk -F '\t' -v now="$(now_stamp)" -v keep="${OCB_RETENTION_KEEP_LAST:-7}" \
    -v maxage="${OCB_RETENTION_MAX_AGE_DAYS:-30}" -v grace="${OCB_INCOMPLETE_GRACE_HOURS:-6}" "$AWK_EPOCH"'
    { kind[NR] = $1; st[NR] = $2; done[NR] = $3 }
    END {
      nowe = epoch(now)
      for (i = NR; i >= 1; i--) {
        age = nowe - epoch(st[i])
        if (done[i] == 1) {
          r = rank[kind[i]]++
          if (r == 0) why = ""
          else if (keep > 0 && r >= keep) why = "beyond-keep-last"
          else if (maxage > 0 && age > maxage * 86400) why = "older-than-max-age"
          else why = ""
          if (why != "") print "delete\t" kind[i] "\t" st[i] "\t" why
        } else if (age > grace * 3600) {
          print "purge\t" kind[i] "\t" st[i] "\tincomplete-older-than-grace"
        }
      }
    }' "$WORK/index.tsv" >"$WORK/prune.plan"
}

prune_instance() {
  prune_plan
  pi_deleted=0
  pi_purged=0
  while IFS="$TAB" read -r pi_action pi_kind pi_stamp pi_why; do
    pi_path="store:$OCB_BUCKET/$INSTANCE_PATH/$pi_kind/$pi_stamp"
    log "prune: removing $INSTANCE_PATH/$pi_kind/$pi_stamp ($pi_why)"
    if [ "$pi_action" = delete ]; then
      # Marker first: a half-deleted snapshot must read as incomplete, never as restorable.
      ocb_rclone deletefile "$pi_path/snapshot.json" || return 1
      pi_deleted=$((pi_deleted + 1))
    else
      pi_purged=$((pi_purged + 1))
    fi
    # `delete`, never `purge`: on a versioned bucket rclone's purge removes every old version too
    # (what noncurrent-version expiry is there to keep), and Object Lock refuses exactly that.
    # A delete leaves delete markers; the lifecycle rules expire the versions.
    ocb_rclone delete "$pi_path" || return 1
  done <"$WORK/prune.plan"
  log "prune: $pi_deleted complete and $pi_purged incomplete snapshot(s) removed (keep_last=${OCB_RETENTION_KEEP_LAST:-7} max_age_days=${OCB_RETENTION_MAX_AGE_DAYS:-30} grace_hours=${OCB_INCOMPLETE_GRACE_HOURS:-6})"
  # Objects only removed snapshots referenced: collected once something was removed (or when
  # asked), reading every remaining manifest.
  if [ "$((pi_deleted + pi_purged))" -gt 0 ] || [ "${OCB_POOL_GC:-auto}" = always ]; then
    index_instance "$INSTANCE_PATH" "$WORK/index.tsv"
    [ "${OCB_POOL_GC:-auto}" = never ] || gc_pool || return 1
  fi
  printf '{"event":"prune.complete","instance":"%s","deletedComplete":%s,"deletedIncomplete":%s}\n' "$INSTANCE_PATH" "$pi_deleted" "$pi_purged"
}

check_retention_env() {
  for cre_var in OCB_RETENTION_KEEP_LAST OCB_RETENTION_MAX_AGE_DAYS OCB_INCOMPLETE_GRACE_HOURS; do
    cre_val=""
    eval "cre_val=\${$cre_var:-0}"
    valid_uint "$cre_val" || die "$E_USAGE" "$cre_var='$cre_val' must be a non-negative integer"
  done
}

cmd_prune() {
  load_store_config
  load_instance_config
  check_retention_env
  setup_work
  crypt_init
  index_instance "$INSTANCE_PATH" "$WORK/index.tsv"
  prune_instance || die "$E_STORE" "pruning store:$OCB_BUCKET/$INSTANCE_PATH failed (see rclone's error above)"
}

# Complete snapshots only, oldest first, from their plain markers: works without the passphrase.
cmd_list() {
  load_store_config
  load_instance_config
  setup_work
  # Kind by kind and folder by folder (see index_markers): only marker keys are ever listed.
  : >"$WORK/markers.json"
  for cl_kind in $KINDS; do
    ocb_rclone_walk cat --include '/*/snapshot.json' "store:$OCB_BUCKET/$INSTANCE_PATH/$cl_kind/" >>"$WORK/markers.json" ||
      die "$E_STORE" "cannot read snapshot markers under store:$OCB_BUCKET/$INSTANCE_PATH/$cl_kind/"
  done
  awk -v base="$INSTANCE_PATH" -v kinds=" $KINDS " '
    function field(name,   v) {
      if (!match($0, "\"" name "\":(\"[^\"]*\"|[^,}]*)")) return ""
      v = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3); gsub(/"/, "", v); return v
    }
    /^\{"format":"openclaw-backup\/v1"/ {
      k = field("kind"); t = field("time")
      if (!index(kinds, " " k " ") || t !~ /^[0-9]+T[0-9]+Z$/) next
      enc = field("encrypted") == "true" ? "yes" : "no"
      printf "%s\t%s\t%s\t%s\t%s\t%s/%s/%s\n", t, k, field("files"), field("bytes"), enc, base, k, t
    }' "$WORK/markers.json" | LC_ALL=C sort >"$WORK/list.tsv"
  printf 'TIME\tKIND\tFILES\tBYTES\tENCRYPTED\tSNAPSHOT\n'
  cat "$WORK/list.tsv"
}
