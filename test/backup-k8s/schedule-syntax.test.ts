import assert from "node:assert/strict";
import { isTimeZone, scheduleProblem, toCron } from "../../components/config/schedule-syntax";

describe("backup schedule syntax", () => {
  it("accepts cron expressions Kubernetes accepts", () => {
    for (const ok of [
      "30 2 * * *",
      "*/15 * * * *",
      "0 0-23/6 * * *",
      "5 4 * * SUN",
      "0 3 1,15 * *",
      "0 3 ? JAN-MAR MON-FRI",
      "@daily",
      "@hourly",
      "@weekly",
    ]) {
      assert.equal(scheduleProblem(ok), undefined, ok);
    }
  });

  it("rejects bad cron with a reason that names the field", () => {
    const cases: [string, RegExp][] = [
      ["61 * * * *", /minute: 61 is out of range 0-59/],
      ["0 24 * * *", /hour: 24 is out of range 0-23/],
      ["0 0 0 * *", /day of month: 0 is out of range 1-31/],
      ["0 0 * * 7", /day of week: 7 is out of range 0-6/],
      ["0 0 * * FUNDAY", /day of week: "FUNDAY" is not a number or a name/],
      ["*/0 * * * *", /step "0" of the minute must be a positive number/],
      ["0 5-2 * * *", /hour range "5-2" ends before it starts/],
      ["0 0 * *", /has 4 field\(s\), cron needs 5/],
      ["0 0 * * * *", /has 6 field\(s\)/],
      ["CRON_TZ=UTC 0 0 * * *", /set backup.timeZone/],
      ["@every 1h", /not supported by Kubernetes CronJobs/],
      ["@sometimes", /not a cron descriptor/],
      ["36h", /does not divide a day or a week evenly/],
      ["7m", /does not divide/],
      ["2d", /does not divide/],
      ["6 hours", /not a period we understand/],
      ["", /is empty/],
    ];
    for (const [schedule, message] of cases) assert.match(scheduleProblem(schedule) ?? "(valid)", message, schedule);
  });

  it("turns periods into cron spread by instance, the same on every run", () => {
    assert.equal(toCron("1d", "acme/bot"), toCron("1d", "acme/bot"));
    const daily = new Set(["a", "b", "c", "d", "e", "f", "g", "h"].map((i) => toCron("1d", `acme/${i}`)));
    assert.ok(daily.size > 1, "different instances get different times");
    assert.match(toCron("6h", "acme/bot"), /^([0-9]|[1-5][0-9]) [0-5]-23\/6 \* \* \*$/);
    assert.match(toCron("15m", "acme/bot"), /^([0-9]|1[0-4])-59\/15 \* \* \* \*$/);
    assert.match(toCron("1h", "acme/bot"), /^\d+ \* \* \* \*$/);
    assert.match(toCron("1d", "acme/bot"), /^\d+ \d+ \* \* \*$/);
    assert.match(toCron("7d", "acme/bot"), /^\d+ \d+ \* \* [0-6]$/);
    assert.equal(toCron("1w", "acme/bot"), toCron("7d", "acme/bot"));
    for (const schedule of ["5m", "30m", "60m", "2h", "12h", "24h", "1d", "7d"]) {
      const cron = toCron(schedule, "globex/ops");
      assert.equal(scheduleProblem(cron), undefined, `${schedule} -> ${cron} is itself valid cron`);
    }
    assert.equal(toCron(" 30  2 * * * ", "x/y"), "30 2 * * *");
    assert.equal(toCron("@DAILY", "x/y"), "@daily");
    assert.throws(() => toCron("36h", "x/y"), /invalid schedule/);
  });

  it("knows IANA time zones", () => {
    for (const zone of ["Europe/Berlin", "America/New_York", "Etc/UTC", "UTC"]) assert.ok(isTimeZone(zone), zone);
    for (const zone of ["Mars/Base", "Local", "+02:00", "", "Europe/"]) assert.ok(!isTimeZone(zone), zone);
  });
});
