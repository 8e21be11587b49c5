import { test } from "node:test";
import assert from "node:assert/strict";
import { Backoff } from "../../lib/connection/backoff.ts";

test("Backoff: doubles up to the cap, jittered within [d/2, d], and resets", () => {
  const low = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => low.next()), [50, 100, 200, 400, 500, 500]);
  const high = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [100, 200, 400, 800, 1000]);
  high.reset();
  assert.equal(high.attempt, 0);
  assert.equal(high.next(), 100);
});
