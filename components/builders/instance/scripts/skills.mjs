// Installs the instance's skills (init container `init-skills`). npm
// lifecycle scripts are disabled for every npm call (NPM_CONFIG_IGNORE_SCRIPTS
// in the environment, and --ignore-scripts again here). Every input comes from
// the environment, and commands run without a shell.
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const env = process.env;
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: "inherit", env });

async function installPack(spec, skillsDir) {
  // pack:<owner>/<repo>/<path>[@ref]: one folder of a GitHub repository.
  const at = spec.indexOf("@");
  const location = at < 0 ? spec : spec.slice(0, at);
  const ref = at < 0 ? "" : spec.slice(at + 1);
  const [owner, repo, ...rest] = location.split("/");
  const sub = rest.join("/");
  const url = `https://api.github.com/repos/${owner}/${repo}/tarball/${ref}`;
  const response = await globalThis.fetch(url, { headers: { "user-agent": "openclaw-fleet" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
  const archive = path.join(tmp, "pack.tar.gz");
  fs.writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
  run("tar", ["-xzf", archive, "-C", tmp]);
  const top = fs.readdirSync(tmp).find((e) => fs.statSync(path.join(tmp, e)).isDirectory());
  const source = path.join(tmp, top || "", sub);
  if (!top || !fs.existsSync(source)) throw new Error(`${spec}: ${sub} is not in ${owner}/${repo}`);
  const target = path.join(skillsDir, path.basename(sub));
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(source, target, { recursive: true });
  fs.rmSync(tmp, { recursive: true, force: true });
}

async function main() {
  const skills = JSON.parse(env.SKILLS || "[]");
  const stateDir = env.OPENCLAW_STATE_DIR;
  const workspace = env.WORKSPACE_DIR;
  const skillsDir = path.join(workspace, "skills");
  fs.mkdirSync(skillsDir, { recursive: true });
  for (const skill of skills) {
    process.stdout.write(`skills: installing ${skill}\n`);
    if (skill.startsWith("npm:")) run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", stateDir, skill.slice(4)], stateDir);
    else if (skill.startsWith("pack:")) await installPack(skill.slice(5), skillsDir);
    else run("npx", ["-y", "clawhub", "install", skill], workspace);
  }
}

main().catch((err) => {
  process.stderr.write(`skills: ${err.message}\n`);
  process.exit(1);
});
