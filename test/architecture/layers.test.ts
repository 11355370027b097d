// The program's layers (.dependency-cruiser.cjs, run by `npm run lint`): the real tree keeps them,
// and each rule fails on the import it exists to stop, in a scratch tree of the same shape.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

function cruise(cwd: string, paths: readonly string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [DEPCRUISE, ...paths, "--config", CONFIG, "--output-type", "err"], {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A scratch project: files by path, each importing the others it names. */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "layers-"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const LEGAL = {
  "components/config/model.ts": "export const model = 1;\n",
  "components/builders/thing.ts": 'import { model } from "../config/model";\nexport const thing = model;\n',
  "components/validation/check.ts": 'import { thing } from "../builders/thing";\nexport const check = thing;\n',
  "components/widget/widget.ts": 'import { check } from "../validation/check";\nexport const widget = check;\n',
  "components/program/program.ts": 'import { widget } from "../widget/widget";\nexport const program = widget;\n',
  "index.ts": 'import { program } from "./components/program/program";\nexport = program;\n',
};

describe("layers (dependency-cruiser)", function () {
  this.timeout(240_000);
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tree = (extra: Record<string, string>) => {
    const dir = scratch({ ...LEGAL, ...extra });
    made.push(dir);
    return dir;
  };

  it("the program's own tree has no upward import and no circle", () => {
    const result = cruise(ROOT, ["components", "index.ts", "cli"]);
    assert.equal(result.status, 0, result.output);
  });

  it("a tree that only imports downwards passes", () => {
    const result = cruise(tree({}), ["components", "index.ts"]);
    assert.equal(result.status, 0, result.output);
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    [
      "config importing a builder",
      { "components/config/model.ts": 'import "../builders/thing";\nexport const model = 1;\n' },
      /config-is-the-bottom/,
    ],
    [
      "a builder importing a component",
      { "components/builders/thing.ts": 'import "../widget/widget";\nexport const thing = 1;\n' },
      /builders-are-pure/,
    ],
    [
      "a check importing a component",
      { "components/validation/check.ts": 'import "../widget/widget";\nexport const check = 1;\n' },
      /validation-below-components/,
    ],
    [
      "a component importing the program",
      { "components/widget/widget.ts": 'import "../program/program";\nexport const widget = 1;\n' },
      /components-below-program/,
    ],
    [
      "a circle inside one layer",
      {
        "components/config/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
        "components/config/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
      },
      /no-circles/,
    ],
    [
      "a circle through type-only imports",
      {
        "components/config/a.ts": 'import type { B } from "./b";\nexport interface A {\n  b?: B;\n}\n',
        "components/config/b.ts": 'import type { A } from "./a";\nexport interface B {\n  a?: A;\n}\n',
      },
      /no-circles/,
    ],
    [
      "the SDK's mocks in product code",
      { "components/widget/widget.ts": 'import "@pulumi/pulumi/runtime/mocks";\nexport const widget = 1;\n' },
      /product-imports-no-tests/,
    ],
    [
      "the SDK's internals in product code",
      { "components/widget/widget.ts": 'import "@pulumi/pulumi/runtime/settings";\nexport const widget = 1;\n' },
      /no-sdk-internals/,
    ],
  ];
  for (const [what, files, rule] of refused) {
    it(`refuses ${what}`, () => {
      const result = cruise(tree(files), ["components", "index.ts"]);
      assert.notEqual(result.status, 0, `expected a violation:\n${result.output}`);
      assert.match(result.output, rule);
    });
  }
});
