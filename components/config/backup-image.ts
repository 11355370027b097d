/**
 * The image backup and restore pods run the engine scripts in. rclone's own
 * image: busybox sh + rclone, nothing else, so the attack surface of a pod
 * that holds store credentials stays small. Pinned by digest (the multi-arch
 * index of the 1.68.2 tag) so that a tag moved upstream cannot change what
 * touches the backups; bump both halves together, and run the data-path
 * tests against the new rclone version before merging.
 */
export const BACKUP_IMAGE = {
  repository: "docker.io/rclone/rclone",
  /** For humans and for Renovate; the digest is what the kubelet pulls. */
  tag: "1.68.2",
  digest: "sha256:74c51b8817e5431bd6d7ed27cb2a50d8ee78d77f6807b72a41ef6f898845942b",
} as const;
