import { readFileSync } from "node:fs";
import { scaleTables } from "../scale/run";
import { backupTables } from "../backup/run";
import { renderTable } from "../lib/table";
const j = JSON.parse(readFileSync("/tmp/b8/quick.json", "utf8"));
j.backup.series.dailyWallMs = { engine: [1000, 3000], fullCopy: [100, 200], tarGz: [50, 60] };
j.backup.targets = j.backup.targets.map((t: { limit: number }) => ({ ...t, unit: t.limit === 0.01 ? "percent" : "ratio" }));
j.scale.fleetScan[3].widestTenants = { type: "x", name: "fleet-backup-alerts", tenantsMentioned: 10, inputBytes: 3000 };
console.log([...scaleTables(j.scale, 2), ...backupTables(j.backup, j.backup.options)].map(renderTable).join("\n\n"));
