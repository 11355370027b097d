/**
 * `npx tsx test/e2e/images/build-all.ts`: builds (or finds) every image of
 * the suite and prints, as JSON on stdout, each one's archive, reference and
 * digest, and the `openclaw-fleet:images` value that runs them. Progress on stderr.
 */
import { appImage, backupImage, imagesConfig } from "./index";

async function main(): Promise<void> {
  const app = await appImage();
  const backup = await backupImage();
  process.stdout.write(`${JSON.stringify({ images: { app, backup }, config: { "openclaw-fleet:images": imagesConfig({ app, backup }) } }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`images: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
