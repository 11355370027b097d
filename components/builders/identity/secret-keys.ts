/** Keys of the per-instance backup Secret (`names.backupSecret`) in staticKeys mode. */
export const BACKUP_SECRET_KEYS = {
  accessKeyId: "accessKeyId",
  secretAccessKey: "secretAccessKey",
} as const;
