/**
 * Request bodies that end before their declared length (the client closes its side after 10 of 1,000 bytes):
 * each is the client's doing, so it gets a 400 (code -9) or no answer at all when the socket is gone, never a
 * 500; and however many arrive, the operator hears of them once per interval, with a count, as a warning.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { ManualClock } from "../_manual_clock.ts";
import { LIMIT_ORDER, type Stack, startStack, waitFor } from "./_stack.ts";
import { head, openRaw, type RawOutcome } from "./_raw.ts";

const CUT_OFF = "control plane: request bodies cut off before their end";

function abortedOrder(s: Stack): Promise<RawOutcome> {
  const text =
    head("POST", "/orders", s.server.port, ["Content-Type: application/json", "Content-Length: 1000"]) +
    "\r\n" + '{"symbol":';
  return openRaw(s.server.port, text, { halfClose: true }).then((c) => c.closed);
}

function assertRefused(outcomes: RawOutcome[]): void {
  for (const o of outcomes) {
    assert.ok(o.status === 0 || o.status === 400, `status ${o.status}: ${o.data.slice(0, 80)}`);
    if (o.status === 400) assert.equal(o.body.code, LOCAL_CODES.INCOMPLETE_BODY);
  }
}

test("aborted bodies: 400 (code -9) or no answer, never a 500; 100 of them make one warning", async () => {
  const clock = new ManualClock();
  const s = await startStack({ notices: { clock } });
  try {
    const before = s.sim.stats().requests;
    const outcomes: RawOutcome[] = [];
    for (let batch = 0; batch < 10; batch++) {
      outcomes.push(...await Promise.all(Array.from({ length: 10 }, () => abortedOrder(s))));
    }
    assertRefused(outcomes);
    await waitFor(() => s.served.length === 100, 5000, "the app's 100 answers");
    assert.deepEqual([...new Set(s.served)], [400], "the app answered every one with 400");
    assert.equal(s.sim.stats().requests, before, "nothing reached the exchange");
    const cutOff = s.noticeLog.filter((n) => n.msg === CUT_OFF);
    assert.deepEqual(cutOff, [{
      source: "app",
      level: "warn",
      msg: CUT_OFF,
      fields: { count: "1", total: "1" },
    }]);
    assert.ok(!s.notices.some((n) => n.startsWith("error")), s.notices.join("\n"));
    // The interval ends: one summary counts the 99 kept back; nothing more until the next one.
    clock.advance(60_000);
    assert.deepEqual(s.noticeLog.filter((n) => n.msg === CUT_OFF).map((n) => n.fields), [
      { count: "1", total: "1" },
      { count: "99", total: "100" },
    ]);
    clock.advance(120_000);
    assert.equal(s.noticeLog.filter((n) => n.msg === CUT_OFF).length, 2);
  } finally {
    await s.close();
  }
});

test("aborted bodies: the gateway keeps serving, and a whole body on the next connection is accepted", async () => {
  const s = await startStack();
  try {
    assertRefused(await Promise.all(Array.from({ length: 5 }, () => abortedOrder(s))));
    const health = await s.call("GET", "/health");
    assert.equal(health.status, 200);
    const placed = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(placed.status, 200);
    assert.equal(placed.body.status, "NEW");
  } finally {
    await s.close();
  }
});
