/**
 * `npx tsx test/e2e/images/build-all.ts [--sidecars]`: builds (or finds) the
 * app and backup images (and with --sidecars the tailscale and metrics-collector
 * ones, whose Go builds take minutes cold) and prints, as JSON on stdout, each one's archive, reference and
 * digest, and the `openclaw-fleet:images` value that runs them. Progress on stderr.
 */
import { appImage, backupImage, imagesConfig, metricsCollectorImage, tailscaleImage, type SuiteImages } from "./index";

async function main(): Promise<void> {
  const app = await appImage();
  const backup = await backupImage();
  const images: SuiteImages = process.argv.includes("--sidecars")
    ? { app, backup, tailscale: await tailscaleImage(), metricsCollector: await metricsCollectorImage() }
    : { app, backup };
  process.stdout.write(`${JSON.stringify({ images, config: { "openclaw-fleet:images": imagesConfig(images) } }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`images: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
