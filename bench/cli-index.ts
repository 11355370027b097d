// Benchmark: the fleet CLI's snapshot index (`fleet backups status`, `snapshots`) on a store of
// many instances, the listing before issue 29 (every object under the fleet's prefix) side by side
// with today's (tenants and instances by delimited listings, then only the kind folders).
// Prints the requests, the keys listed and the seconds of each, and their ratio, per server.
//
//   npx tsx bench/cli-index.ts [--instances 1000] [--snapshots 30] [--pool 100] [--tenants 50] [--server s3rver|moto]
import { parseArgs } from "node:util";
import { indexSnapshots } from "../cli/snapshots";
import { median } from "./lib/stats";
import { renderTable } from "./lib/table";
import { countingClient, poolKeys, referenceIndexSnapshots, seedKeys, snapshotKeys } from "../test/support/snapshot-index";
import { startMotoServer, startS3Server, type S3Server } from "../test/support/s3server";

const PREFIX = "backups/";
const KINDS = ["periodic", "pre-update", "pre-delete", "manual"] as const;

function fleetKeys(instances: number, snapshots: number, pool: number, tenants: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < instances; i++) {
    const base = `${PREFIX}tenant-${i % tenants}/bot-${i}/`;
    for (let s = 0; s < snapshots; s++) {
      const day = new Date(Date.UTC(2026, 9, 1) + s * 3_600_000)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d+Z$/, "Z");
      const kind = KINDS[s % KINDS.length];
      if (kind === undefined) throw new Error(`no snapshot kind ${s % KINDS.length}`);
      keys.push(...snapshotKeys(base, kind, day));
    }
    keys.push(...poolKeys(base, pool));
  }
  return keys;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      instances: { type: "string", default: "1000" },
      snapshots: { type: "string", default: "30" },
      pool: { type: "string", default: "100" },
      tenants: { type: "string", default: "50" },
      server: { type: "string", default: "s3rver" },
      runs: { type: "string", default: "3" },
    },
  });
  const [instances, snapshots, pool, tenants, runs] = [
    Number(values.instances),
    Number(values.snapshots),
    Number(values.pool),
    Number(values.tenants),
    Number(values.runs),
  ] as const;
  const s3: S3Server = values.server === "moto" ? await startMotoServer() : await startS3Server();
  try {
    const c = countingClient(s3);
    const keys = fleetKeys(instances, snapshots, pool, tenants);
    const seeding = Date.now();
    await seedKeys(c.client, s3.bucket, keys);
    console.error(`seeded ${keys.length} keys in ${((Date.now() - seeding) / 1000).toFixed(0)} s`);
    const once = async (index: typeof indexSnapshots) => {
      c.reset();
      const started = process.hrtime.bigint();
      const result = await index(c.client, s3.bucket, PREFIX);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return {
        seconds,
        requests: c.listings.length,
        listed: c.keysListed(),
        found: [...result.values()].reduce((n, i) => n + i.complete.length, 0),
      };
    };
    // Alternated, so that both see the same load on a noisy machine.
    const samples = { before: [] as Awaited<ReturnType<typeof once>>[], now: [] as Awaited<ReturnType<typeof once>>[] };
    for (let r = 0; r < runs; r++) {
      samples.before.push(await once(referenceIndexSnapshots));
      samples.now.push(await once(indexSnapshots));
    }
    const summary = (all: Awaited<ReturnType<typeof once>>[]) => {
      const [first] = all;
      if (first === undefined) throw new Error("no runs to summarise");
      return { ...first, seconds: median(all.map((x) => x.seconds)) };
    };
    const before = summary(samples.before);
    const now = summary(samples.now);
    if (before.found !== instances * snapshots || now.found !== before.found)
      throw new Error(`snapshots found: before ${before.found}, now ${now.found}, seeded ${instances * snapshots}`);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    console.log(
      renderTable({
        title: `fleet CLI snapshot index: ${instances} instances × ${snapshots} snapshots, ${pool} pool objects each (${keys.length} keys, ${values.server})`,
        headers: ["listing", "requests", "keys listed", "seconds (median of " + String(runs) + ")"],
        rows: [
          ["every object under the prefix (before)", String(before.requests), String(before.listed), before.seconds.toFixed(2)],
          ["delimited, then kind folders (now)", String(now.requests), String(now.listed), now.seconds.toFixed(2)],
          ["now / before", ratio(now.requests, before.requests), ratio(now.listed, before.listed), ratio(now.seconds, before.seconds)],
        ],
        notes: [`Both found ${now.found} complete snapshots. Keys listed now: ${(now.listed / now.found).toFixed(2)} per snapshot.`],
      }),
    );
  } finally {
    await s3.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
