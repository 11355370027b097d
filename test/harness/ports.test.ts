import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { freePort, NODE_PORT_RANGE, testPortRange } from "../support/ports";

/**
 * The port race behind flaky server starts: a port picked with `listen(0)` comes from the kernel's
 * ephemeral range, where any outgoing connection can take it before the server binds it.
 */
describe("test harness: freePort", () => {
  const [ephemeralLow, ephemeralHigh] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);

  it("picks outside the kernel's ephemeral range, so no outgoing connection can take the port first", async () => {
    const [low, high] = testPortRange();
    assert.ok(
      ephemeralLow !== undefined && high < ephemeralLow,
      `range ${low}-${high} overlaps the ephemeral range ${ephemeralLow}-${ephemeralHigh}`,
    );
    for (let i = 0; i < 50; i++) {
      const port = await freePort();
      assert.ok(port >= low && port <= high, `${port} is outside ${low}-${high}`);
    }
  });

  it("picks below Kubernetes' NodePort range, which the real node's enforcer opens to every pod", async () => {
    const [low, high] = testPortRange();
    assert.ok(high < NODE_PORT_RANGE[0], `range ${low}-${high} overlaps the NodePort range ${NODE_PORT_RANGE.join("-")}`);
    for (let i = 0; i < 50; i++) {
      const port = await freePort();
      assert.ok(port < NODE_PORT_RANGE[0] || port > NODE_PORT_RANGE[1], `${port} is a NodePort`);
    }
  });

  it("never hands out one port twice in a test process, even once it is free again", async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const port = await freePort();
      assert.ok(!seen.has(port), `port ${port} handed out twice`);
      seen.add(port);
    }
  });
});
