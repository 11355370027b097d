// Entry point of `npm run fleet -- …` (tsx cli/index.ts) and of the openclaw-fleet bin.
import { main } from "./main";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
