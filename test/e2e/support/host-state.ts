/**
 * What a real node changes on the machine outside its own folder, recorded before it starts and
 * put back when it stops: iptables chains and rules (the kubelet's, kube-proxy's, kube-router's,
 * the portmap plugin's), nftables tables, ipsets, and the sysctls the kubelet, kube-proxy and the
 * bridge plugin write (ip_forward, kernel.panic, vm.overcommit_memory, …). Put back means: what
 * the run added is removed and every value it changed is written back, nothing else is touched,
 * and `differences()` says what is still not as it was (and whether a default path such as
 * /run/containerd appeared, which would mean a part wrote outside the node's folder).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { haveCommand, run } from "./host";

/** iptables-save per table: its chains and its rules (without counters). */
type SaveState = Map<string, { chains: Set<string>; rules: string[] }>;

interface Snapshot {
  readonly paths: Set<string>;
  readonly iptables: Map<string, SaveState>;
  readonly nftTables: Set<string>;
  readonly ipsets: Set<string>;
  readonly sysctls: Map<string, string>;
}

// Where a node's parts write by default; each is moved under the node's folder by its config, and a
// path that appears during the run says that one was missed.
const DEFAULT_PATHS = [
  "/run/containerd",
  "/var/lib/containerd",
  "/opt/containerd",
  "/var/lib/kubelet",
  "/var/log/pods",
  "/var/log/containers",
  "/run/netns",
  "/var/run/nri",
  "/etc/cni",
  "/opt/cni",
  "/usr/libexec/kubernetes",
  "/var/lib/kube-router",
];

// iptables-nft and legacy, v4 and v6: kube-proxy and the kubelet pick a backend at run time.
const IPTABLES = ["iptables", "ip6tables", "iptables-legacy", "ip6tables-legacy"];

// Sysctls a node's parts write: whole folders (read file by file) and single files.
const SYSCTL_DIRS = ["net/bridge", "net/ipv4/conf/all", "net/ipv4/conf/default", "net/ipv6/conf/all", "net/ipv6/conf/default"];
const SYSCTL_FILES = [
  "net/ipv4/ip_forward",
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
  "net/netfilter/nf_conntrack_max",
  "net/netfilter/nf_conntrack_tcp_timeout_established",
  "net/netfilter/nf_conntrack_tcp_timeout_close_wait",
];

function parseSave(text: string): SaveState {
  const tables: SaveState = new Map();
  let current: { chains: Set<string>; rules: string[] } | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) {
      current = { chains: new Set(), rules: [] };
      tables.set(line.slice(1), current);
    } else if (line.startsWith(":") && current !== undefined) {
      current.chains.add(line.slice(1).split(" ", 1)[0] ?? "");
    } else if (line.startsWith("-A ") && current !== undefined) {
      current.rules.push(line);
    }
  }
  return tables;
}

async function saveAll(): Promise<Map<string, SaveState>> {
  const out = new Map<string, SaveState>();
  for (const tool of IPTABLES) {
    if (!(await haveCommand(`${tool}-save`))) continue;
    try {
      out.set(tool, parseSave(await run(`${tool}-save`, [])));
    } catch {
      // This backend does not work on this kernel (e.g. legacy without ip_tables): nothing to restore.
    }
  }
  return out;
}

async function nftTables(): Promise<Set<string>> {
  if (!(await haveCommand("nft"))) return new Set();
  return new Set(
    (await run("nft", ["list", "tables"]))
      .split("\n")
      .map((l) => l.replace(/^table /, "").trim())
      .filter(Boolean),
  );
}

async function ipsets(): Promise<Set<string>> {
  if (!(await haveCommand("ipset"))) return new Set();
  return new Set(
    (await run("ipset", ["list", "-n"]))
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

function readSysctls(): Map<string, string> {
  const values = new Map<string, string>();
  const read = (rel: string) => {
    try {
      values.set(rel, readFileSync(join("/proc/sys", rel), "utf8"));
    } catch {
      // Not on this kernel, or write-only.
    }
  };
  for (const dir of SYSCTL_DIRS) {
    const abs = join("/proc/sys", dir);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs)) if (statSync(join(abs, name)).isFile()) read(`${dir}/${name}`);
  }
  SYSCTL_FILES.forEach(read);
  return values;
}

export class HostState {
  private constructor(private readonly before: Snapshot) {}

  static async record(): Promise<HostState> {
    return new HostState({
      paths: new Set(DEFAULT_PATHS.filter((p) => existsSync(p))),
      iptables: await saveAll(),
      nftTables: await nftTables(),
      ipsets: await ipsets(),
      sysctls: readSysctls(),
    });
  }

  /** iptables chains named KUBE-* already on the machine: another Kubernetes whose rules kube-proxy would rewrite. */
  foreignKubeChains(): string[] {
    const found: string[] = [];
    for (const [tool, tables] of this.before.iptables)
      for (const [table, state] of tables)
        for (const chain of state.chains) if (chain.startsWith("KUBE-")) found.push(`${tool} -t ${table} ${chain}`);
    return found;
  }

  /** Removes every iptables rule and chain, nftables table and ipset the run added; writes back changed sysctls. */
  async restore(): Promise<void> {
    const errors: string[] = [];
    const attempt = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (error) {
        errors.push(`${what}: ${(error as Error).message}`);
      }
    };
    for (const [tool, now] of await saveAll()) {
      const was: SaveState = this.before.iptables.get(tool) ?? new Map<string, { chains: Set<string>; rules: string[] }>();
      for (const [table, state] of now) {
        const old = was.get(table);
        const oldRules = new Set(old?.rules ?? []);
        const addedChains = [...state.chains].filter((c) => !(old?.chains.has(c) ?? false));
        const addedRules = state.rules.filter((r) => !oldRules.has(r) && !addedChains.includes(r.split(" ")[1] ?? ""));
        if (addedChains.length === 0 && addedRules.length === 0) continue;
        // One transaction per table: rules in the chains that were there first, then the added chains
        // emptied (so none refers to another), then deleted. iptables-restore reads the rules' quoting.
        const script = [
          `*${table}`,
          ...addedRules.map((r) => `-D${r.slice(2)}`),
          ...addedChains.map((c) => `-F ${c}`),
          ...addedChains.map((c) => `-X ${c}`),
          "COMMIT",
          "",
        ].join("\n");
        await attempt(`${tool}-restore (${table})`, async () => void (await run(`${tool}-restore`, ["--noflush"], { input: script })));
      }
    }
    if (await haveCommand("ipset"))
      for (const set of await ipsets())
        if (!this.before.ipsets.has(set)) await attempt(`ipset destroy ${set}`, async () => void (await run("ipset", ["destroy", set])));
    // Tables iptables-nft made for the run (nat, mangle, … when the machine had none) and the node's own.
    if (await haveCommand("nft"))
      for (const table of await nftTables())
        if (!this.before.nftTables.has(table))
          await attempt(`nft delete table ${table}`, async () => void (await run("nft", ["delete", "table", ...table.split(" ")])));
    for (const [rel, value] of this.before.sysctls) {
      try {
        if (readFileSync(join("/proc/sys", rel), "utf8") !== value) writeFileSync(join("/proc/sys", rel), value);
      } catch (error) {
        errors.push(`sysctl ${rel}: ${(error as Error).message}`);
      }
    }
    if (errors.length > 0) throw new Error(`could not put the machine back as it was:\n  ${errors.join("\n  ")}`);
  }

  /** What differs from the recording (empty when the machine is as it was). */
  async differences(): Promise<string[]> {
    const out: string[] = [];
    for (const path of DEFAULT_PATHS) if (existsSync(path) && !this.before.paths.has(path)) out.push(`${path} was made during the run`);
    for (const [tool, now] of await saveAll()) {
      const was: SaveState = this.before.iptables.get(tool) ?? new Map<string, { chains: Set<string>; rules: string[] }>();
      for (const [table, state] of now) {
        const old = was.get(table);
        for (const chain of state.chains) if (!(old?.chains.has(chain) ?? false)) out.push(`${tool} -t ${table}: chain ${chain}`);
        const oldRules = new Set(old?.rules ?? []);
        for (const rule of state.rules) if (!oldRules.has(rule)) out.push(`${tool} -t ${table}: ${rule}`);
      }
    }
    for (const table of await nftTables()) if (!this.before.nftTables.has(table)) out.push(`nft table ${table}`);
    for (const set of await ipsets()) if (!this.before.ipsets.has(set)) out.push(`ipset ${set}`);
    const sysctls = readSysctls();
    for (const [rel, value] of this.before.sysctls)
      if (sysctls.get(rel) !== value) out.push(`sysctl ${rel}: ${value.trim()} -> ${sysctls.get(rel)?.trim()}`);
    return out;
  }
}
