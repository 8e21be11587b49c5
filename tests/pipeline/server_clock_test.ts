import { test } from "node:test";
import assert from "node:assert/strict";
import { ServerClock } from "../../lib/pipeline/server_clock.ts";

test("ServerClock: offset is the server time minus the round trip's midpoint", () => {
  const c = new ServerClock();
  c.observe(10_050 + 3_000, 10_000, 10_100);
  assert.equal(c.offsetMs, 3_000);
  const now = c.now();
  assert.ok(Math.abs(now - (Date.now() + 3_000)) <= 1);
});

test("ServerClock: ignores nonsense and prefers precise samples", () => {
  const c = new ServerClock();
  c.observe(Number.NaN, 0, 1);
  c.observe(0, 0, 1);
  assert.equal(c.samples, 0);
  c.observe(1_005, 1_000, 1_010); // rtt 10 → offset 0
  c.observe(3_000, 1_000, 2_000); // rtt 1000: imprecise, ignored
  assert.equal(c.offsetMs, 0);
});
