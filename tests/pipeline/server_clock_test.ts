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
  c.observe(1_700, 1_000, 2_000); // rtt 1000: imprecise, and offset 0 is within its ±500: ignored
  assert.equal(c.offsetMs, 0);
});

test("ServerClock: a slow sample that shows the offset in use wrong is taken (the exchange's clock moved)", () => {
  const c = new ServerClock();
  c.observe(1_005, 1_000, 1_010); // rtt 10 → offset 0, a precise best
  // The server read 31_500 somewhere between local 2_000 and 2_300: the offset is 29_500 ± 150, not 0.
  c.observe(31_650, 2_000, 2_300);
  assert.equal(c.offsetMs, 29_500);
  c.observe(32_700, 2_500, 3_500); // slower still, and consistent with it (29_700 ± 500): ignored
  assert.equal(c.offsetMs, 29_500);
  // A probe's sample is taken only when it shows the offset wrong: a precise one that agrees changes nothing.
  c.observe(34_502, 5_000, 5_002, true); // 29_501 ± 1, consistent: a plain sample would have been taken
  assert.equal(c.offsetMs, 29_500);
  c.observe(34_000, 5_000, 5_002, true); // 28_999 ± 1: the offset is wrong
  assert.equal(c.offsetMs, 28_999);
});

test("ServerClock: a step of the host's clock is followed at once (the monotonic clock does not step)", () => {
  const clock = new ServerClock();
  const realNow = Date.now;
  const sent = realNow();
  clock.observe(sent + 1000, sent, sent); // the exchange is 1 s ahead of this host
  assert.equal(clock.followStep(), 0, "no step yet");
  try {
    Date.now = () => realNow() - 20_000; // the host's clock steps 20 s back (an NTP step)
    const before = clock.now();
    assert.ok(Math.abs(before - (realNow() - 19_000)) < 5, "until followed, the exchange time is 20 s off");
    const step = clock.followStep();
    assert.ok(Math.abs(step + 20_000) <= 2, `step ${step}`);
    assert.ok(Math.abs(clock.now() - (realNow() + 1000)) <= 5, "the exchange's time is right again");
    assert.equal(clock.followStep(), 0, "followed once");
  } finally {
    Date.now = realNow;
  }
  // Back to the real clock: a step of +20 s, followed too.
  assert.ok(Math.abs(clock.followStep() - 20_000) <= 2);
  assert.ok(Math.abs(clock.offsetMs - 1000) <= 5, `offset ${clock.offsetMs}`);
});
