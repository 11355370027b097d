// The status report's "next run" and interval come from this small cron reader.
import * as assert from "node:assert/strict";
import { nextRuns, scheduleInterval } from "../../cli/cron";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("cron reader", () => {
  it("finds the next runs of minute, hour and step fields", () => {
    assert.deepEqual(nextRuns("17 3 * * *", at("2026-11-22T12:00:00Z"), 2).map(iso), [
      "2026-11-23T03:17:00.000Z",
      "2026-11-24T03:17:00.000Z",
    ]);
    assert.deepEqual(nextRuns("5-59/15 * * * *", at("2026-11-22T12:06:00Z"), 3).map(iso), [
      "2026-11-22T12:20:00.000Z",
      "2026-11-22T12:35:00.000Z",
      "2026-11-22T12:50:00.000Z",
    ]);
    assert.equal(scheduleInterval("30 2-23/6 * * *", at("2026-11-22T12:00:00Z")), 6 * 3_600_000);
    assert.equal(scheduleInterval("@weekly", at("2026-11-22T12:00:00Z")), 7 * 24 * 3_600_000);
  });

  it("ORs day of month and day of week when both are set, as the CronJob controller does", () => {
    // 2026-11-22 is a Sunday: the 1st of December (Tue) and every Friday both match.
    assert.deepEqual(nextRuns("0 0 1 * FRI", at("2026-11-22T12:00:00Z"), 3).map(iso), [
      "2026-11-27T00:00:00.000Z",
      "2026-12-01T00:00:00.000Z",
      "2026-12-04T00:00:00.000Z",
    ]);
  });

  it("reads the fields in the schedule's time zone", () => {
    // 02:30 in Berlin is 01:30 UTC in winter.
    assert.deepEqual(nextRuns("30 2 * * *", at("2026-11-22T12:00:00Z"), 1, "Europe/Berlin").map(iso), ["2026-11-23T01:30:00.000Z"]);
  });
});
