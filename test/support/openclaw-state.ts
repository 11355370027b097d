// The OpenClaw state the backup tests make and then expect back, through OpenClaw's own CLI:
// an agent, a session, a cron job and indexed memory. The same steps and checks run against a
// gateway on this host (test/openclaw-runtime) and in a pod of the real node (`kubectl exec`,
// test/e2e): only how a command reaches the app container differs.
import assert from "node:assert/strict";
import type { CliResult } from "../../scripts/lib/openclaw-cli";

/** How to run `openclaw <args>` as a process of the app container, and write a file of its workspace. */
export interface OpenClawShell {
  cli(args: readonly string[], timeoutMs?: number): Promise<CliResult>;
  /** Writes `text` to `<state dir>/workspace/<relative>`, as the app's user. */
  writeWorkspaceFile(relative: string, text: string): Promise<void>;
}

/** What the made state is, for the checks and the logs. */
export const MADE_STATE = {
  agents: ["main", "research"],
  session: "agent:main:fleet-test",
  cronJob: "nightly",
  memoryFile: "memory/fleet.md",
  memoryWord: "cerulean",
} as const;

export function cliJson<T>(result: CliResult, what: string): T {
  assert.equal(result.code, 0, `${what}: exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Makes the state with the running gateway's CLI, with no model provider (the agent turn fails; its session stays). */
export async function makeState(shell: OpenClawShell): Promise<void> {
  cliJson(await shell.cli(["agents", "add", "research", "--non-interactive", "--role", "researcher", "--json"]), "agents add");
  cliJson(
    await shell.cli([
      "cron",
      "add",
      "--name",
      MADE_STATE.cronJob,
      "--cron",
      "0 3 * * *",
      "--message",
      "summarise the day",
      "--agent",
      "research",
      "--disabled",
      "--json",
    ]),
    "cron add",
  );
  await shell.cli(["agent", "--agent", "main", "--session-key", "fleet-test", "-m", "hello", "--timeout", "20", "--json"]);
  await shell.writeWorkspaceFile(MADE_STATE.memoryFile, `# Fleet test\nThe colour to remember is ${MADE_STATE.memoryWord}.\n`);
  const index = await shell.cli(["memory", "index", "--agent", "main"], 240_000);
  assert.equal(index.code, 0, index.stdout + index.stderr);
  const sessions = cliJson<{ sessions: { key: string }[] }>(await shell.cli(["sessions", "--all-agents", "--json"]), "sessions");
  assert.ok(
    sessions.sessions.some((s) => s.key === MADE_STATE.session),
    JSON.stringify(sessions),
  );
}

/**
 * The gateway lists the agents, the session, the cron job and the memory makeState made, no
 * external owner holds its database, and OpenClaw's own read-only checks find no error.
 * Returns a one-line summary for the test log.
 */
export async function assertReadsState(shell: OpenClawShell): Promise<string> {
  const agents = cliJson<{ id: string }[]>(await shell.cli(["agents", "list", "--json"]), "agents list");
  assert.deepEqual(agents.map((a) => a.id).sort(), [...MADE_STATE.agents]);
  const sessions = cliJson<{ sessions: { key: string }[] }>(await shell.cli(["sessions", "--all-agents", "--json"]), "sessions");
  assert.ok(
    sessions.sessions.some((s) => s.key === MADE_STATE.session),
    JSON.stringify(sessions.sessions.map((s) => s.key)),
  );
  const cron = cliJson<{ jobs: { name: string }[] }>(await shell.cli(["cron", "list", "--all", "--json"]), "cron list");
  assert.ok(
    cron.jobs.some((j) => j.name === MADE_STATE.cronJob),
    JSON.stringify(cron.jobs.map((j) => j.name)),
  );
  const memory = cliJson<{ results: { path: string }[] }>(
    await shell.cli(["memory", "search", MADE_STATE.memoryWord, "--agent", "main", "--json"]),
    "memory search",
  );
  assert.ok(
    memory.results.some((r) => r.path === MADE_STATE.memoryFile),
    JSON.stringify(memory),
  );
  const ownership = cliJson<{ status: string }>(
    await shell.cli(["database", "ownership", "status", "--json"]),
    "database ownership status",
  );
  assert.equal(ownership.status, "unowned", "no external owner holds the copy's database");
  // OpenClaw's own read-only health checks: no error. (It warns that bind "lan" is
  // network-accessible: that is the pod network, behind the Service and the NetworkPolicy.)
  const doctor = await shell.cli(["doctor", "--lint", "--json"]);
  const lint = JSON.parse(doctor.stdout) as { checksRun: number; findings: { checkId: string; severity: string; message: string }[] };
  assert.ok(lint.checksRun > 10, doctor.stdout);
  assert.deepEqual(
    lint.findings.filter((f) => f.severity === "error"),
    [],
    doctor.stdout,
  );
  return `agents ${agents.map((a) => a.id).join(", ")}; ${sessions.sessions.length} session(s); cron ${cron.jobs.map((j) => j.name).join(", ")}; memory hit ${memory.results[0]?.path}; database ownership ${ownership.status}; doctor --lint: ${lint.checksRun} checks, findings: ${lint.findings.map((f) => `${f.severity} ${f.checkId}`).join(", ") || "none"}`;
}
